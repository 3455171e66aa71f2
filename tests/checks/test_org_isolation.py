"""Organization mode: one account failing never stops the others, and the run is deterministic.

Collector and engine are fakes passed as ``collect=``/``evaluate=`` (see test_org_accounts.py); moto supplies
the organization and roles.
"""
from __future__ import annotations

import random
import threading
import time

import boto3
import pytest
from moto import mock_aws

from checks import org
from checks.catalog import all_controls
from checks.facts import AccountFacts, TrailFacts, TrailStatus
from checks.model import Finding, Status
from testkit.org import create_trail, deny_assume_role, member_session, seed_organization
from checks.progress import LineProgress

CONTROLS = [c for c in all_controls() if "live" in c.targets][:4]
ROLE = "OrganizationAccountAccessRole"


def fake_collect(session, account_id, controls):
    ct = session.client("cloudtrail")
    trails = [TrailFacts(arn=t["TrailARN"], name=t["Name"], home_region=t["HomeRegion"],
                         owner_account_id=t["TrailARN"].split(":")[4], is_multi_region=t["IsMultiRegionTrail"],
                         is_organization=t["IsOrganizationTrail"],
                         status=TrailStatus(is_logging=ct.get_trail_status(Name=t["TrailARN"])["IsLogging"]))
              for t in ct.describe_trails()["trailList"]]
    return AccountFacts(account_id=session.client("sts").get_caller_identity()["Account"], trails=trails)


def fake_evaluate(facts, controls, params=None):
    status = Status.PASS if facts.trails else Status.FAIL
    return [Finding(c.id, status, c.severity, facts.account_id, "us-east-1", facts.account_id,
                    f"Account {facts.account_id} has {len(facts.trails)} trail(s).") for c in controls]


def audit(session, controls, *, collect=fake_collect, evaluate=fake_evaluate, **kwargs):
    """``org.audit_organization`` with the fake collector and engine unless others are given."""
    return org.audit_organization(session, controls, collect=collect, evaluate=evaluate, **kwargs)


@pytest.fixture
def org_env():
    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        management, members = seed_organization(session, 8)
        create_trail(member_session(session, members[1]), "own-trail", "member-1-trail-bucket")
        yield session, management, members


def test_denied_assume_role_gives_one_error_row_and_the_others_complete(org_env):
    session, management, members = org_env
    denied = members[3]
    deny_assume_role(session, [f"arn:aws:iam::{denied}:role/{ROLE}"])
    progress = LineProgress(lambda line: None)
    run = audit(session, CONTROLS, workers=4, progress=progress)

    row = [f for f in run.findings if f.account_id == denied]
    assert [f.control_id for f in row] == sorted(c.id for c in CONTROLS)  # one cell per control
    assert {f.status for f in row} == {Status.ERROR}
    assert len({f.reason for f in row}) == 1
    assert row[0].reason.startswith(f"Could not assume role arn:aws:iam::{denied}:role/{ROLE}: AccessDenied")
    assert row[0].outcome == "assume_role"
    assert run.coverage[denied] == "unknown"
    assert [n for n in run.notes if denied in n] == [f"Account {denied} was not audited: {row[0].reason}"]
    others = [f for f in run.findings if f.account_id != denied]
    assert {f.account_id for f in others} == set(run.accounts) - {denied}
    assert Status.ERROR not in {f.status for f in others}
    assert (progress.done, progress.errors, progress.total) == (9, 1, 9)


def test_collector_crash_in_one_account_is_isolated(org_env):
    session, management, members = org_env
    broken = members[5]

    def flaky(session, account_id, controls):
        if account_id == broken:
            raise RuntimeError("collector bug")
        return fake_collect(session, account_id, controls)

    run = audit(session, CONTROLS, workers=3, collect=flaky)
    row = [f for f in run.findings if f.account_id == broken]
    assert {f.status for f in row} == {Status.ERROR} and len(row) == len(CONTROLS)
    assert row[0].reason == f"Audit of account {broken} failed: RuntimeError: collector bug."
    assert len({f.account_id for f in run.findings}) == 9


def test_sessions_belong_to_the_audited_account(org_env):
    session, management, members = org_env
    run = audit(session, CONTROLS, workers=4)
    # fake_collect names the account from GetCallerIdentity of the session it was handed.
    assert {f.account_id for f in run.findings} == {management, *members}
    assert {f.status for f in run.findings if f.account_id == members[1]} == {Status.PASS}
    assert {f.status for f in run.findings if f.account_id == members[2]} == {Status.FAIL}


def test_own_trail_coverage_is_attributed_without_an_org_trail(org_env):
    session, management, members = org_env
    run = audit(session, CONTROLS)
    assert run.coverage[members[1]] == "own-trail"
    assert run.coverage[members[0]] == "none"
    assert list(run.coverage) == sorted(run.coverage)


def test_required_tag_keys_reach_the_params(org_env):
    session, _, _ = org_env
    seen = []

    def spy(facts, controls, params=None):
        seen.append(params.required_tag_keys)
        return fake_evaluate(facts, controls)

    audit(session, CONTROLS, required_tags=("owner", "env"), evaluate=spy)
    assert seen and set(seen) == {("owner", "env")}


def test_workers_bound_the_accounts_in_flight(org_env):
    session, _, _ = org_env
    lock, active, peak = threading.Lock(), [0], [0]

    def counting(session, account_id, controls):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        try:
            time.sleep(0.02)  # overlap the accounts so the bound is exercised, not to time anything
            return fake_collect(session, account_id, controls)
        finally:
            with lock:
                active[0] -= 1

    audit(session, CONTROLS, workers=3, collect=counting)
    assert 1 < peak[0] <= 3


def _snapshot(run):
    return ([f.to_dict() for f in run.findings], run.accounts, list(run.coverage.items()), run.notes)


def test_output_is_identical_for_any_worker_count_and_completion_order(org_env):
    session, management, members = org_env
    deny_assume_role(session, [f"arn:aws:iam::{members[6]}:role/{ROLE}"])
    session.client("organizations").close_account(AccountId=members[7])
    rng = random.Random(7)

    def shuffled(session, account_id, controls):
        time.sleep(rng.random() * 0.03)  # random completion order across workers
        facts = fake_collect(session, account_id, controls)
        return facts

    def reversed_findings(facts, controls, params=None):
        return list(reversed(fake_evaluate(facts, controls)))  # per-account order must not matter either

    runs = [audit(session, CONTROLS, workers=w, accounts=None, collect=shuffled, evaluate=reversed_findings)
            for w in (1, 8, 8, 3)]
    first = _snapshot(runs[0])
    assert all(_snapshot(r) == first for r in runs[1:])
    assert [f.sort_key() for f in runs[0].findings] == sorted(f.sort_key() for f in runs[0].findings)
