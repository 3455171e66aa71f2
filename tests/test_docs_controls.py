"""docs/controls.md's CT table and read-only IAM policy are generated from the catalog (docs/build_controls.py)."""
from __future__ import annotations

import importlib.util
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _builder():
    spec = importlib.util.spec_from_file_location("build_controls", ROOT / "docs" / "build_controls.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_controls_page_is_regenerated_from_the_catalog():
    current = (ROOT / "docs" / "controls.md").read_text(encoding="utf-8")
    assert current == _builder().build(current), "docs/controls.md is stale: run docs/build_controls.py"


def test_a_hand_edit_of_a_generated_part_is_caught():
    current = (ROOT / "docs" / "controls.md").read_text(encoding="utf-8")
    edited = current.replace('"cloudtrail:LookupEvents"', '"cloudtrail:*"', 1)
    assert edited != current and _builder().build(edited) != edited


def test_a_missing_marker_names_the_block():
    with pytest.raises(ValueError, match="generated: ct-table"):
        _builder().build("no markers here")
