"""The trail's log bucket: CT-09 (not public), CT-10 (access logging), CT-11 (deletion protection)."""
from __future__ import annotations

import pytest

from checks.facts import Grant, PublicAccessBlock
from checks.model import Status

CT09 = "cloudtrail_bucket_not_public"
CT10 = "cloudtrail_bucket_access_logging_enabled"
CT11 = "cloudtrail_bucket_deletion_protection_enabled"
OFF = PublicAccessBlock()
ALL_USERS = Grant("Group", "http://acs.amazonaws.com/groups/global/AllUsers", "READ")
AUTH_USERS = Grant("Group", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers", "READ")


def statement(principal, condition=None, effect="Allow") -> dict:
    st = {"Effect": effect, "Principal": principal, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
    if condition:
        st["Condition"] = condition
    return {"Statement": [st]}


def test_cloudtrail_bucket_not_public_pass_all_blocked(kit):
    bucket = kit.bucket(acl_grants=(ALL_USERS,), policy=statement("*"), policy_is_public=True)
    assert kit.one(CT09, kit.account(buckets=[bucket])).status is Status.PASS  # BPA neutralises both


@pytest.mark.parametrize("over, words", [
    (dict(acl_grants=(ALL_USERS,)), "AllUsers"),
    (dict(acl_grants=(AUTH_USERS,)), "AuthenticatedUsers"),
    (dict(policy=statement("*")), "allows any principal"),
    (dict(policy=statement({"AWS": "*"})), "allows any principal"),
    (dict(policy=statement("*", {"StringEqualsIfExists": {"aws:SourceAccount": "123456789012"}})), "any principal"),
    (dict(policy_is_public=True), "GetBucketPolicyStatus"),
    (dict(policy=statement("*", {"ArnLike": {"aws:SourceArn": "arn:aws:cloudtrail:*:123456789012:trail/*"}})),
     "any principal"),  # S3: a wildcard value is not a fixed value
], ids=["acl-allusers", "acl-authenticated", "policy-star", "policy-aws-star", "ifexists-condition", "status",
        "wildcard-source-arn"])
def test_cloudtrail_bucket_not_public_fail_exposed(kit, over, words):
    bucket = kit.bucket(public_access_block=OFF, **over)
    finding = kit.one(CT09, kit.account(buckets=[bucket]))
    assert finding.status is Status.FAIL
    assert words in finding.reason


@pytest.mark.parametrize("policy", [
    statement("*", {"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}),
    statement("*", {"ArnEquals": {"aws:SourceArn": "arn:aws:cloudtrail:us-east-1:123456789012:trail/org"}}),
    statement("*", {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}),
    statement("*", effect="Deny"),
    statement({"Service": "cloudtrail.amazonaws.com"}),
], ids=["org-condition", "source-arn", "source-ip", "deny", "service-principal"])
def test_cloudtrail_bucket_not_public_pass_restricted_statements(kit, policy):
    bucket = kit.bucket(public_access_block=OFF, policy=policy)
    assert kit.one(CT09, kit.account(buckets=[bucket])).status is Status.PASS


def test_cloudtrail_bucket_not_public_pass_account_level_block(kit):
    bucket = kit.bucket(public_access_block=OFF, acl_grants=(ALL_USERS,), policy=statement("*"))
    account = kit.account(buckets=[bucket], account_public_access_block=PublicAccessBlock(True, True, True, True))
    assert kit.one(CT09, account).status is Status.PASS


def test_cloudtrail_bucket_not_public_error_acl_unknown(kit):
    bucket = kit.bucket(public_access_block=OFF, acl_grants=None,
                        errors={"acl_grants": "s3:GetBucketAcl failed for bucket trail-archive: AccessDenied."})
    finding = kit.one(CT09, kit.account(buckets=[bucket]))
    assert (finding.status, finding.reason) == (Status.ERROR,
                                                "s3:GetBucketAcl failed for bucket trail-archive: AccessDenied.")


def test_cloudtrail_bucket_not_public_error_account_block_unknown_and_acl_public(kit):
    bucket = kit.bucket(public_access_block=OFF, acl_grants=(ALL_USERS,))
    finding = kit.one(CT09, kit.account(buckets=[bucket], account_public_access_block=None))
    assert finding.status is Status.ERROR
    assert "s3control:GetPublicAccessBlock" in finding.reason


def test_cloudtrail_bucket_not_public_na_central_log_archive_bucket(kit):
    bucket = kit.bucket(owner_account_id=kit.OTHER, public_access_block=None, acl_grants=None, policy=None)
    finding = kit.one(CT09, kit.account(buckets=[bucket]))
    assert finding.status is Status.NOT_APPLICABLE
    assert f"owned by account {kit.OTHER}" in finding.reason
    assert finding.resource == "arn:aws:s3:::trail-archive"


def test_cloudtrail_bucket_not_public_na_bucket_owner_unknown_not_listed(kit):
    bucket = kit.bucket(owner_account_id=None, owned_elsewhere=True)
    finding = kit.one(CT09, kit.account(buckets=[bucket]))
    assert finding.status is Status.NOT_APPLICABLE
    assert "owned by another account" in finding.reason


def test_cloudtrail_bucket_not_public_error_list_buckets_failed(kit):
    bucket = kit.bucket(owner_account_id=None, errors={
        "owner_account_id": "s3:ListBuckets failed for account 123456789012: AccessDenied."})
    assert kit.one(CT09, kit.account(buckets=[bucket])).status is Status.ERROR


def test_cloudtrail_bucket_access_logging_enabled_pass_logging_on(kit):
    finding = kit.one(CT10, kit.account())
    assert finding.status is Status.PASS
    assert kit.ACCESS_LOGS in finding.reason


def test_cloudtrail_bucket_access_logging_enabled_fail_logging_off(kit):
    finding = kit.one(CT10, kit.account(buckets=[kit.bucket(logging_target_bucket="")]))
    assert (finding.status, finding.reason) == (Status.FAIL, "Bucket trail-archive has no server access logging.")


def test_cloudtrail_bucket_access_logging_enabled_error_get_bucket_logging_failed(kit):
    bucket = kit.bucket(logging_target_bucket=None, errors={
        "logging_target_bucket": "s3:GetBucketLogging failed for bucket trail-archive: AccessDenied."})
    assert kit.one(CT10, kit.account(buckets=[bucket])).status is Status.ERROR


def test_cloudtrail_bucket_access_logging_enabled_pass_one_finding_per_distinct_bucket(kit):
    account = kit.account(kit.trail("a"), kit.trail("b"), kit.trail("c", s3_bucket_name="second"),
                          buckets=[kit.bucket(), kit.bucket("second")])
    findings = kit.run(CT10, account)
    assert sorted(f.resource for f in findings) == ["arn:aws:s3:::second", "arn:aws:s3:::trail-archive"]


def test_cloudtrail_bucket_deletion_protection_enabled_pass_object_lock_retention(kit):
    assert kit.one(CT11, kit.account()).status is Status.PASS


def test_cloudtrail_bucket_deletion_protection_enabled_pass_mfa_delete(kit):
    bucket = kit.bucket(object_lock_enabled=False, object_lock_mode="", object_lock_days=0, mfa_delete="Enabled")
    assert kit.one(CT11, kit.account(buckets=[bucket])).status is Status.PASS


def test_cloudtrail_bucket_deletion_protection_enabled_fail_lock_without_default_retention(kit):
    bucket = kit.bucket(object_lock_mode="", object_lock_days=0)
    finding = kit.one(CT11, kit.account(buckets=[bucket]))
    assert finding.status is Status.FAIL
    assert "without a default retention" in finding.reason


def test_cloudtrail_bucket_deletion_protection_enabled_fail_neither(kit):
    bucket = kit.bucket(object_lock_enabled=False, object_lock_mode="", object_lock_days=0)
    assert kit.one(CT11, kit.account(buckets=[bucket])).status is Status.FAIL


def test_cloudtrail_bucket_deletion_protection_enabled_error_versioning_unknown(kit):
    bucket = kit.bucket(object_lock_enabled=False, object_lock_mode="", object_lock_days=0, mfa_delete=None,
                        errors={"mfa_delete": "s3:GetBucketVersioning failed for bucket trail-archive: AccessDenied."})
    finding = kit.one(CT11, kit.account(buckets=[bucket]))
    assert finding.status is Status.ERROR
    assert "s3:GetBucketVersioning" in finding.reason
