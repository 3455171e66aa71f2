"""Organization mode: listing accounts (paginated, ACTIVE only), AssumeRole parameters, account filters.

moto builds the organization and maps assumed-role credentials to the role's account. The collector and
engine are replaced by small fakes (``audit_organization``'s ``collect=``/``evaluate=``) so these tests pin
the orchestration only; tests/checks/test_org_integration.py runs the real ones.
"""
from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

from checks import org
from checks.catalog import all_controls
from checks.facts import AccountFacts
from checks.model import Finding, Status
from testkit.org import deny_assume_role, record_assume_role, seed_organization

CONTROLS = [c for c in all_controls() if "live" in c.targets][:3]


def fake_collect(session, account_id, controls):
    # The account the credentials really belong to, so a session built for the wrong account shows up.
    return AccountFacts(account_id=session.client("sts").get_caller_identity()["Account"], trails=[])


def fake_evaluate(facts, controls, params=None):
    return [Finding(c.id, Status.PASS, c.severity, facts.account_id, "", facts.account_id,
                    f"Account {facts.account_id} checked.") for c in controls]


def audit(session, controls, **kwargs):
    """``org.audit_organization`` with the fake collector and engine."""
    return org.audit_organization(session, controls, collect=fake_collect, evaluate=fake_evaluate, **kwargs)


@pytest.fixture
def session():
    with mock_aws():
        yield boto3.Session(region_name="us-east-1")


@pytest.fixture
def seeded(session):
    management, members = seed_organization(session, 6)
    return session, management, members


def test_lists_every_active_account_across_pages(seeded):
    session, management, members = seeded
    pages = []
    session.events.register("provide-client-params.organizations.ListAccounts",
                            lambda params, **_: params.update(MaxResults=2))
    session.events.register("after-call.organizations.ListAccounts", lambda parsed, **_: pages.append(parsed))
    run = audit(session, CONTROLS, workers=2)
    assert len(pages) == 4  # 7 accounts, 2 per page
    assert run.accounts == sorted([management, *members])
    assert {f.account_id for f in run.findings} == set(run.accounts)


def test_skips_suspended_and_pending_closure_accounts_with_a_note(seeded):
    session, management, members = seeded
    session.client("organizations").close_account(AccountId=members[0])  # moto: SUSPENDED at once

    def pending(parsed, **_):
        for account in parsed["Accounts"]:
            if account["Id"] == members[1]:
                account["State"] = account["Status"] = "PENDING_CLOSURE"

    session.events.register("after-call.organizations.ListAccounts", pending)
    run = audit(session, CONTROLS)
    assert members[0] not in run.accounts and members[1] not in run.accounts
    assert len(run.accounts) == 5
    note = next(n for n in run.notes if n.startswith("Skipped 2 account(s)"))
    assert f"{members[0]} (SUSPENDED)" in note and f"{members[1]} (PENDING_CLOSURE)" in note


def test_assumes_the_named_role_with_session_name_and_external_id(seeded):
    session, management, members = seeded
    calls = record_assume_role(session)
    audit(session, CONTROLS, role_name="AuditRole", external_id="ext-id-0042")
    assert sorted(c["RoleArn"] for c in calls) == sorted(f"arn:aws:iam::{m}:role/AuditRole" for m in members)
    assert {c["RoleSessionName"] for c in calls} == {"trailguard-audit"}
    assert {c["ExternalId"] for c in calls} == {"ext-id-0042"}


def test_caller_account_is_audited_with_the_callers_own_credentials(seeded):
    session, management, members = seeded
    calls = record_assume_role(session)
    run = audit(session, CONTROLS)
    assert not [c for c in calls if f"::{management}:" in c["RoleArn"]]
    assert management in run.accounts
    assert all(f.status is Status.PASS for f in run.findings if f.account_id == management)


def test_no_external_id_sent_when_none_given(seeded):
    session, _, _ = seeded
    calls = record_assume_role(session)
    audit(session, CONTROLS)
    assert calls and all("ExternalId" not in c for c in calls)


def test_accounts_filter_audits_only_the_listed_accounts(seeded):
    session, management, members = seeded
    run = audit(session, CONTROLS, accounts=[members[2], members[0]])
    assert run.accounts == sorted([members[0], members[2]])
    assert {f.account_id for f in run.findings} == set(run.accounts)


def test_exclude_accounts_leaves_them_out(seeded):
    session, management, members = seeded
    run = audit(session, CONTROLS, exclude_accounts=[members[0], management])
    assert run.accounts == sorted(members[1:])


def test_unknown_account_in_accounts_filter_is_an_error_row_and_a_note(seeded):
    session, management, members = seeded
    stranger = "999999999999"
    run = audit(session, CONTROLS, accounts=[members[0], stranger])
    assert run.accounts == sorted([members[0], stranger])
    rows = [f for f in run.findings if f.account_id == stranger]
    assert [f.control_id for f in rows] == sorted(c.id for c in CONTROLS)
    assert {f.status for f in rows} == {Status.ERROR}
    assert "is not an account of the organization" in rows[0].reason
    assert run.coverage[stranger] == "unknown"
    assert any(stranger in n and "--accounts" in n for n in run.notes)


def test_unknown_account_in_exclude_filter_is_noted(seeded):
    session, _, members = seeded
    run = audit(session, CONTROLS, exclude_accounts=["888888888888"])
    assert len(run.accounts) == 7
    assert any("888888888888" in n and "--exclude-accounts" in n for n in run.notes)


def test_malformed_account_id_is_a_usage_error(seeded):
    session, _, _ = seeded
    with pytest.raises(ValueError, match="12-digit"):
        audit(session, CONTROLS, accounts=["12345"])


def test_external_id_never_appears_in_the_run(seeded, capsys):
    session, _, members = seeded
    secret = "very-secret-external-id"
    deny_assume_role(session, [f"arn:aws:iam::{members[0]}:role/OrganizationAccountAccessRole"])
    run = audit(session, CONTROLS, external_id=secret,
                progress=org.make_progress(quiet=False))
    dumped = json.dumps([f.to_dict() for f in run.findings] + run.notes + [run.coverage])
    out = capsys.readouterr()
    assert secret not in dumped + out.out + out.err
    assert "AccessDenied" in dumped  # the denial itself is reported


def test_not_in_an_organization_propagates_the_client_error(session):
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError, match="AWSOrganizationsNotInUseException"):
        audit(session, CONTROLS)
