"""Per-account sessions: the right account, refreshed AssumeRole credentials, the caller's own credentials,
shared clients that sign as the account active in the calling thread and refuse to sign without one."""
from __future__ import annotations

import datetime as dt
import threading

import boto3
import pytest
from moto import mock_aws

from checks.org_sessions import ROLE_SESSION_NAME, NoActiveAccount, SessionFactory, role_arn, scrub
from testkit.org import record_assume_role, seed_organization


class Clock:
    """A fake clock that STS follows too: AssumeRole answers expire ``duration`` after *this* clock's now."""

    def __init__(self, session, duration: int) -> None:
        self.now = dt.datetime.now(dt.timezone.utc)
        session.events.register("after-call.sts.AssumeRole", self._expire)
        self.duration = duration

    def _expire(self, parsed, **_):
        parsed["Credentials"]["Expiration"] = self.now + dt.timedelta(seconds=self.duration)

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def org_session():
    with mock_aws():
        session = boto3.Session(region_name="eu-west-1")
        management, members = seed_organization(session, 2)
        yield session, management, members


def test_assumed_session_is_in_the_member_account_and_region(org_session):
    session, _, members = org_session
    factory = SessionFactory(session, role_name="OrganizationAccountAccessRole", partition="aws")
    member = factory.assumed_session(members[0])
    with member.active():
        ident = member.client("sts").get_caller_identity()
    assert ident["Account"] == members[0]
    assert ident["Arn"].endswith(f"/OrganizationAccountAccessRole/{ROLE_SESSION_NAME}")
    assert member.region_name == "eu-west-1"


def test_credentials_are_renewed_when_the_role_session_nears_expiry(org_session):
    session, _, members = org_session
    calls = record_assume_role(session)
    clock = Clock(session, 3600)
    factory = SessionFactory(session, role_name="OrganizationAccountAccessRole", partition="aws", clock=clock)
    creds = factory.assumed_session(members[0]).get_credentials()
    first = creds.get_frozen_credentials()
    assert len(calls) == 1
    clock.now += dt.timedelta(minutes=40)  # 20 minutes left: still fresh enough
    assert creds.get_frozen_credentials().access_key == first.access_key
    clock.now += dt.timedelta(minutes=15)  # 5 minutes left: a long run must renew before it fails
    renewed = creds.get_frozen_credentials()
    assert len(calls) == 2
    assert renewed.access_key != first.access_key
    assert calls[1]["RoleArn"] == calls[0]["RoleArn"] == f"arn:aws:iam::{members[0]}:role/OrganizationAccountAccessRole"


def test_renewed_credentials_still_reach_the_member_account(org_session):
    session, _, members = org_session
    calls = record_assume_role(session)
    clock = Clock(session, 3600)
    factory = SessionFactory(session, role_name="OrganizationAccountAccessRole", partition="aws", clock=clock)
    member = factory.assumed_session(members[1])
    clock.now += dt.timedelta(hours=2)  # long past expiry
    with member.active():
        assert member.client("sts").get_caller_identity()["Account"] == members[1]
    assert len(calls) == 2


def test_caller_session_does_not_assume_a_role(org_session):
    session, management, _ = org_session
    calls = record_assume_role(session)
    factory = SessionFactory(session, role_name="OrganizationAccountAccessRole", partition="aws")
    own = factory.caller_session(management)
    assert own.get_credentials() is session.get_credentials()
    with own.active():
        assert own.client("sts").get_caller_identity()["Account"] == management
    assert calls == []


def test_a_shared_client_refuses_to_sign_outside_an_active_account(org_session):
    session, _, members = org_session
    factory = SessionFactory(session, role_name="OrganizationAccountAccessRole", partition="aws")
    member = factory.assumed_session(members[0])
    with pytest.raises(NoActiveAccount, match="no account is active"):
        member.client("sts").get_caller_identity()


def test_accounts_share_one_client_and_each_thread_signs_as_its_own_account(org_session):
    session, management, members = org_session
    factory = SessionFactory(session, role_name="OrganizationAccountAccessRole", partition="aws",
                             max_connections=16)
    accounts = [factory.caller_session(management)] + [factory.assumed_session(m) for m in members]
    sts = {id(a.client("sts")) for a in accounts}
    assert len(sts) == 1  # one client for the run, not one per account
    assert accounts[0].client("sts").meta.config.max_pool_connections == 16
    barrier, seen = threading.Barrier(len(accounts)), {}

    def work(account):
        with account.active():
            barrier.wait()  # every thread is active at once: signing must follow the thread, not the last bind
            for _ in range(3):
                seen.setdefault(account.account_id, set()).add(
                    account.client("sts").get_caller_identity()["Account"])

    threads = [threading.Thread(target=work, args=(a,)) for a in accounts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {a.account_id: {a.account_id} for a in accounts}


def test_nested_activation_restores_the_outer_account(org_session):
    session, management, members = org_session
    factory = SessionFactory(session, role_name="OrganizationAccountAccessRole", partition="aws")
    own, member = factory.caller_session(management), factory.assumed_session(members[0])
    sts = own.client("sts")
    with own.active():
        with member.active():
            assert sts.get_caller_identity()["Account"] == members[0]
        assert sts.get_caller_identity()["Account"] == management


def test_role_arn_uses_the_partition():
    assert role_arn("aws-us-gov", "123456789012", "Audit") == "arn:aws-us-gov:iam::123456789012:role/Audit"


def test_scrub_hides_the_secret_and_leaves_other_text():
    assert scrub("denied for ext-123 on role", "ext-123") == "denied for *** on role"
    assert scrub("nothing here", None) == "nothing here"


def test_shared_clients_keep_the_callers_named_profile_settings(tmp_path, monkeypatch):
    config = tmp_path / "config"
    config.write_text("[profile audit]\nregion = eu-west-1\nendpoint_url = http://127.0.0.1:9\n"
                      "aws_access_key_id = testing\naws_secret_access_key = testing\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    base = boto3.Session(profile_name="audit")
    factory = SessionFactory(base, role_name="OrganizationAccountAccessRole", partition="aws")
    assert factory.client("cloudtrail", "eu-west-1").meta.endpoint_url == "http://127.0.0.1:9"
