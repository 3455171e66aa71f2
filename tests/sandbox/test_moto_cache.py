"""The emulator's memo of moto's access-key -> account lookup (sandbox/moto_cache.py, issue 16 item 1).

The memo must give moto's own answer at every moment: after each step of a scripted world (accounts
appear, users get and lose keys, roles are assumed, moto is reset), every key ever seen and keys never
issued are looked up through the memo and through moto's original scan, twice (the second time from the
memo), and the answers must be equal. Then the same through real requests: sts:GetCallerIdentity reports
the account moto resolved for the request's access key.
"""
from __future__ import annotations

import boto3
import pytest
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.iam import models as iam_models

from testkit.org import member_session, seed_organization
from sandbox import moto_cache

NEVER_ISSUED = ["testing", "AKIAEXAMPLE", "AKIAIOSFODNN7EXAMPLE", "ASIA0000000000000000"]


def _agree(keys) -> dict:
    """moto's scan and the memo (cold, then warm) give the same account for every key."""
    answers = {}
    for key in list(keys) + NEVER_ISSUED:
        truth = moto_cache._STATE["original"](key)
        assert moto_cache.cached_lookup(key) == truth, key
        assert moto_cache.cached_lookup(key) == truth, key
        answers[key] = truth
    return answers


def _user_key(session, user: str) -> str:
    iam = session.client("iam")
    iam.create_user(UserName=user)
    return iam.create_access_key(UserName=user)["AccessKey"]["AccessKeyId"]


def test_memo_is_installed_where_moto_looks_it_up():
    assert moto_cache.installed()
    assert iam_models.get_account_id_from is moto_cache.cached_lookup


def test_memo_answers_as_moto_scan_through_every_change():
    seen: list[str] = []
    with mock_aws():
        base = boto3.Session(region_name="us-east-1")
        assert set(_agree(seen).values()) == {DEFAULT_ACCOUNT_ID}  # nothing issued: the default account
        management, members = seed_organization(base, 4)  # new accounts (new IAM backends)
        _agree(seen)
        seen.append(_user_key(base, "alice"))  # a long-term key in the management account
        assert _agree(seen)[seen[-1]] == management
        for member in members:  # temporary keys (STS AssumeRole) in each member account
            creds = member_session(base, member).get_credentials()
            seen.append(creds.access_key)
            assert _agree(seen)[creds.access_key] == member
        member_key = _user_key(member_session(base, members[0]), "bob")  # a key made *by* a member
        seen.append(member_key)
        assert _agree(seen)[member_key] == members[0]
        base.client("iam").delete_access_key(UserName="alice", AccessKeyId=seen[0])  # a key removed
        assert _agree(seen)[seen[0]] == DEFAULT_ACCOUNT_ID
    with mock_aws():  # a new mock starts from a reset moto: every key is gone
        assert set(_agree(seen).values()) == {DEFAULT_ACCOUNT_ID}


def test_a_key_looked_up_before_it_exists_is_resolved_again_once_it_does(monkeypatch):
    """The memo of an unknown key (answered with the default account) must not outlive the key's creation."""
    fixed = "AKIAFIXEDKEYFORTEST1"
    monkeypatch.setattr(iam_models, "generate_access_key_id_from_account_id", lambda *a, **k: fixed)
    with mock_aws():
        base = boto3.Session(region_name="us-east-1")
        _, (member,) = seed_organization(base, 1)
        as_key = boto3.Session(aws_access_key_id=fixed, aws_secret_access_key="x", region_name="us-east-1")
        assert as_key.client("sts").get_caller_identity()["Account"] == DEFAULT_ACCOUNT_ID
        iam = member_session(base, member).client("iam")
        iam.create_user(UserName="carol")
        assert iam.create_access_key(UserName="carol")["AccessKey"]["AccessKeyId"] == fixed
        assert as_key.client("sts").get_caller_identity()["Account"] == member
        iam.delete_access_key(UserName="carol", AccessKeyId=fixed)
        assert as_key.client("sts").get_caller_identity()["Account"] == DEFAULT_ACCOUNT_ID


@pytest.mark.parametrize("change", ["reset_api", "backend_reset"])
def test_moto_resets_forget_memoized_keys(change):
    with mock_aws():
        base = boto3.Session(region_name="us-east-1")
        _, (member,) = seed_organization(base, 1)
        key = member_session(base, member).get_credentials().access_key
        assert moto_cache.cached_lookup(key) == member
        if change == "reset_api":
            from moto.core.base_backend import BackendDict

            BackendDict.reset()
        else:
            iam_models.iam_backends[member]["aws"].reset()
        assert moto_cache.cached_lookup(key) == moto_cache._STATE["original"](key) == DEFAULT_ACCOUNT_ID


def test_backend_fast_path_returns_moto_backends_and_resets_still_reach_them():
    """The BackendDict fast path hands out the same per-account backends moto's own path does, and moto's
    reset (which walks only the BackendDicts it registered) still empties them afterwards."""
    from moto.cloudtrail.models import cloudtrail_backends
    from moto.core.base_backend import AccountSpecificBackend, BackendDict

    with mock_aws():
        base = boto3.Session(region_name="us-east-1")
        _, (member,) = seed_organization(base, 1)
        ct = member_session(base, member).client("cloudtrail")
        member_session(base, member).client("s3").create_bucket(Bucket="fast-path-bucket")
        ct.create_trail(Name="fast-path-trail", S3BucketName="fast-path-bucket")
        first = cloudtrail_backends[member]
        assert cloudtrail_backends[member] is first is dict.__getitem__(cloudtrail_backends, member)
        assert isinstance(first, AccountSpecificBackend) and first["us-east-1"].trails
        assert cloudtrail_backends in BackendDict._instances
        BackendDict.reset()
        assert member not in dict.keys(cloudtrail_backends)
        assert ct.list_trails()["Trails"] == []  # a new, empty backend for the account after the reset
        assert cloudtrail_backends in BackendDict._instances  # registered again by moto's own path
        assert cloudtrail_backends[member] is not first
