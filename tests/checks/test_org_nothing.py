"""An organization run that would audit no account stops with one sentence (exit 2), never exit 0.

Reasons: ListAccounts lists nothing or can't be read, every account is excluded, or none is ACTIVE.
"""
from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from checks import org
from checks.catalog import all_controls
from checks.org import NothingToAudit, OrgAccount, nothing_to_audit
from testkit.org import seed_organization

CONTROLS = [c for c in all_controls() if "live" in c.targets][:2]
A, B = "111111111111", "222222222222"


@pytest.mark.parametrize("listed, accounts, exclude, words", [
    ([], None, None, "listed no accounts"),
    ([OrgAccount(A, "a", "ACTIVE")], None, [A], "every account is excluded"),
    ([OrgAccount(A, "a", "ACTIVE"), OrgAccount(B, "b", "ACTIVE")], [A], [A], "every account is excluded"),
    ([OrgAccount(A, "a", "SUSPENDED"), OrgAccount(B, "b", "PENDING_CLOSURE")], None, None,
     "no ACTIVE account to audit (2 selected, all PENDING_CLOSURE, SUSPENDED)"),
    ([OrgAccount(A, "a", "ACTIVE"), OrgAccount(B, "b", "SUSPENDED")], None, [A], "no ACTIVE account"),
])
def test_nothing_to_audit_names_the_reason(listed, accounts, exclude, words):
    chosen, unknown, _ = org.select_accounts(listed, accounts, exclude)
    assert chosen == [] and unknown == []
    reason = nothing_to_audit(listed, accounts, exclude)
    assert words in reason and reason.endswith("nothing was audited.")


def answer_with(session, service_id: str, operation: str, parsed: dict) -> None:
    from botocore.awsrequest import AWSResponse

    def handler(**_):
        return AWSResponse("https://emulated.invalid/", 200, {}, None), dict(parsed, ResponseMetadata={})

    session.events.register(f"before-call.{service_id}.{operation}", handler)


@pytest.fixture
def seeded():
    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        management, members = seed_organization(session, 2)
        yield session, [management, *members]


def test_org_every_account_excluded_raises_nothing_to_audit(seeded):
    session, ids = seeded
    with pytest.raises(NothingToAudit, match="every account is excluded"):
        org.audit_organization(session, CONTROLS, exclude_accounts=ids)


@pytest.mark.parametrize("answer", [
    {},  # no Accounts key at all
    {"Accounts": "garbled"},  # wrong type (botocore's model says a list)
    {"Accounts": [{"Name": "no id"}]},  # an entry without an Id
    {"Accounts": [{"Id": "12345", "State": "ACTIVE"}]},  # not a 12-digit id
])
def test_org_unreadable_list_accounts_raises_nothing_to_audit(seeded, answer):
    session, _ = seeded
    answer_with(session, "organizations", "ListAccounts", answer)
    with pytest.raises(NothingToAudit, match="organizations:ListAccounts"):
        org.audit_organization(session, CONTROLS)


def test_cli_org_nothing_to_audit_exits_2_with_one_line(capsys):
    from checks.cli import main

    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        _, members = seed_organization(session, 1)
        session.client("organizations").close_account(AccountId=members[0])  # moto: SUSPENDED at once
        assert main(["audit", "--org", "--accounts", members[0], "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["trailguard: error: --org: no ACTIVE account to audit (1 selected, all SUSPENDED); nothing "
                   "was audited."]
