"""A SessionFactory for multi-process organization tests that child processes can import by name.

moto does not enforce IAM, so AssumeRole never fails. ``DenyingFactory`` makes AssumeRole answer
AccessDenied for the role ARNs listed (comma-separated) in the environment variable DENY_ENV. Hooks
registered on a parent's Session don't reach a child process (each builds its own Session), but the
environment and a class importable by name do.

``collect_noting_process`` is the real collector (``checks.org``'s default) that first leaves a file named
after its process id in the directory PID_DIR_ENV names: passed as ``collect=``, it shows which processes
collected, the parent's or the children's.
"""
from __future__ import annotations

import os

from checks.org_sessions import SessionFactory
from testkit.org import deny_assume_role

DENY_ENV = "TRAILGUARD_TEST_DENY_ROLE_ARNS"
PID_DIR_ENV = "TRAILGUARD_TEST_PID_DIR"


def collect_noting_process(session, account_id, controls):
    from checks.collect import collect_account

    open(os.path.join(os.environ[PID_DIR_ENV], str(os.getpid())), "a").close()
    return collect_account(session, account_id=account_id, controls=controls)


class DenyingFactory(SessionFactory):
    def __init__(self, base, **kwargs) -> None:
        denied = [a for a in os.environ.get(DENY_ENV, "").split(",") if a]
        if denied:
            deny_assume_role(base, denied)  # before super(): the factory's STS client copies base's hooks
        super().__init__(base, **kwargs)
