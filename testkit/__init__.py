"""Helpers for tests/, bench/ and sandbox/ only: never imported by checks/, components/ or policies/, never in
the wheel (tests/test_wheel.py). See docs/where.md for what each module holds."""
