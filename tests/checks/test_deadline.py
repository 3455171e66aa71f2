"""--account-timeout: past its deadline an account's calls fail at once and its controls are ERROR rows
naming the deadline; the other accounts go on. The deadline is per thread (per org worker)."""
from __future__ import annotations

import threading
import time

import boto3
import pytest
from moto import mock_aws

from checks import org
from checks.catalog import all_controls
from checks.collect.deadline import DeadlineExceeded, account_deadline, check_deadline
from checks.facts import AccountFacts
from checks.model import Finding, Status
from testkit.org import seed_organization

CONTROLS = [c for c in all_controls() if "live" in c.targets][:2]


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_check_deadline_raises_only_after_the_deadline_and_names_it():
    clock = Clock()
    with account_deadline("111111111111", 30, clock) as ran_out:
        check_deadline()
        clock.now += 30
        check_deadline()  # at the deadline: still allowed
        assert not ran_out()
        clock.now += 0.5
        with pytest.raises(DeadlineExceeded, match="--account-timeout of 30 s for account 111111111111 ran out"):
            check_deadline()
        assert ran_out()
    check_deadline()  # outside the block: no deadline


def test_deadline_is_per_thread():
    clock = Clock()
    seen = []
    with account_deadline("111111111111", 1, clock):
        clock.now += 5

        def other():
            try:
                check_deadline()
                seen.append("ok")
            except DeadlineExceeded:
                seen.append("raised")

        worker = threading.Thread(target=other)
        worker.start()
        worker.join()
    assert seen == ["ok"]


def test_collector_call_after_the_deadline_is_an_error_naming_the_api(world):
    from checks.catalog import get
    from checks.collect import collect_account

    world.hardened()
    clock = Clock()
    with account_deadline(world.account, 1, clock):
        clock.now += 2
        facts = collect_account(world.session, account_id=world.account, controls=[get("cloudtrail_trail_tagged")])
    assert facts.trails is None
    assert facts.errors["trails"].startswith("cloudtrail:ListTrails failed for account ")
    assert "DeadlineExceeded" in facts.errors["trails"]


def test_org_account_past_its_deadline_gets_error_rows_and_the_others_go_on():
    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        management, members = seed_organization(session, 3)
        slow = members[1]

        def fake_collect(account_session, account_id, controls):
            if account_id == slow:
                time.sleep(1.2)
            return AccountFacts(account_id=account_id, trails=[])

        def fake_evaluate(facts, controls, params=None):
            return [Finding(c.id, Status.PASS, c.severity, facts.account_id, "", facts.account_id,
                            f"Account {facts.account_id} checked.") for c in controls]

        run = org.audit_organization(session, CONTROLS, account_timeout=1, workers=4, collect=fake_collect,
                                     evaluate=fake_evaluate)
    by_account: dict[str, set] = {}
    for f in run.findings:
        by_account.setdefault(f.account_id, set()).add((f.status, f.reason))
    assert by_account[slow] == {(Status.ERROR, f"Audit of account {slow} stopped: the --account-timeout of 1 s "
                                               "ran out.")}
    for account in [management, *members]:
        if account != slow:
            assert {s for s, _ in by_account[account]} == {Status.PASS}, account
    assert any(slow in n and "--account-timeout" in n for n in run.notes)


@pytest.mark.parametrize("value", ["0", "-5", "abc", "86401"])
def test_cli_account_timeout_out_of_range_is_a_usage_error(value, capsys):
    from checks.cli import main

    assert main(["audit", "--account-timeout", value]) == 2
    err = capsys.readouterr().err
    assert "--account-timeout" in err and "from 1 to 86400" in err
