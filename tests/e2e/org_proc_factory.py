"""A SessionFactory for multi-process organization tests that child processes can import by name.

moto does not enforce IAM, so AssumeRole never fails. ``DenyingFactory`` makes AssumeRole answer
AccessDenied for the role ARNs listed (comma-separated) in the environment variable DENY_ENV. Hooks
registered on a parent's Session don't reach a child process (each builds its own Session), but the
environment and a class importable by name do.
"""
from __future__ import annotations

import os

from checks.org_sessions import SessionFactory
from testkit.org import deny_assume_role

DENY_ENV = "TRAILGUARD_TEST_DENY_ROLE_ARNS"


class DenyingFactory(SessionFactory):
    def __init__(self, base, **kwargs) -> None:
        denied = [a for a in os.environ.get(DENY_ENV, "").split(",") if a]
        if denied:
            deny_assume_role(base, denied)  # before super(): the factory's STS client copies base's hooks
        super().__init__(base, **kwargs)
