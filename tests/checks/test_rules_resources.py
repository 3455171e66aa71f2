"""CX rules on hand-built facts: one behaviour per test, named test_<control_id>_<pass|fail|error>_<scenario>."""
from __future__ import annotations

import dataclasses
import inspect

from checks.facts import AccountFacts, BucketFacts, KeyFacts, LogGroupFacts, PublicAccessBlock, TrailFacts
from checks.model import Status
from checks.params import AuditParams
from checks.rules import resources as r

ACCOUNT = "111111111111"
OTHER = "222222222222"
KEY_ARN = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-0000-0000-0000-000000000000"
GROUP_ARN = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:org-trail"
TLS_DENY = {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
CT_WRITE = {"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:PutObject", "Resource": "arn:aws:s3:::logs/AWSLogs/*",
            "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control",
                                           "aws:SourceArn": f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/org"}}}


def trail(**kw) -> TrailFacts:
    base = dict(arn=f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/org", name="org", home_region="us-east-1",
                owner_account_id=ACCOUNT, is_organization=True, kms_key_id=KEY_ARN, s3_bucket_name="logs",
                cloudwatch_logs_log_group_arn=GROUP_ARN + ":*")
    return TrailFacts(**{**base, **kw})


def account(t: TrailFacts | None = None, *, key=None, group=None, bucket=None, **kw) -> AccountFacts:
    key = key or KeyFacts(arn=KEY_ARN, owner_account_id=ACCOUNT, key_manager="CUSTOMER", rotation_enabled=True,
                          bypass_policy_lockout_safety_check=False)
    group = group or LogGroupFacts(arn=GROUP_ARN, name="org-trail", region="us-east-1", owner_account_id=ACCOUNT,
                                   retention_in_days=365, kms_key_id=KEY_ARN)
    bucket = bucket or BucketFacts(name="logs", owner_account_id=ACCOUNT, object_ownership="BucketOwnerEnforced",
                                   versioning_status="Enabled", sse_algorithm="aws:kms",
                                   policy={"Version": "2012-10-17", "Statement": [TLS_DENY, CT_WRITE]})
    return AccountFacts(account_id=ACCOUNT, trails=[t or trail()], keys={key.arn: key},
                        log_groups={group.arn: group}, buckets={bucket.name: bucket}, **kw)


def key(**kw) -> KeyFacts:
    return KeyFacts(**{**dict(arn=KEY_ARN, owner_account_id=ACCOUNT, key_manager="CUSTOMER", rotation_enabled=True,
                              bypass_policy_lockout_safety_check=False), **kw})


def group(**kw) -> LogGroupFacts:
    return LogGroupFacts(**{**dict(arn=GROUP_ARN, name="org-trail", region="us-east-1", owner_account_id=ACCOUNT,
                                   retention_in_days=365, kms_key_id=KEY_ARN), **kw})


def bucket(**kw) -> BucketFacts:
    base = account().buckets["logs"]
    return dataclasses.replace(base, **kw)


def run(pred, acct: AccountFacts, params: AuditParams = AuditParams()):
    kw = {"params": params} if "params" in inspect.signature(pred).parameters else {}
    return pred(acct, acct.trails[0], **kw)


# --- CX-01 key rotation -----------------------------------------------------------------------------

def test_kms_trail_key_rotation_enabled_pass_rotating_key():
    assert run(r.kms_trail_key_rotation_enabled, account()).status is Status.PASS


def test_kms_trail_key_rotation_enabled_pass_key_named_by_id():
    acct = account(trail(kms_key_id="1234abcd-0000-0000-0000-000000000000"))
    assert run(r.kms_trail_key_rotation_enabled, acct).status is Status.PASS


def test_kms_trail_key_rotation_enabled_fail_rotation_off():
    res = run(r.kms_trail_key_rotation_enabled, account(key=key(rotation_enabled=False)))
    assert res.status is Status.FAIL and KEY_ARN in res.reason


def test_kms_trail_key_rotation_enabled_error_rotation_unknown_names_api():
    acct = account(key=key(rotation_enabled=None, errors={"rotation_enabled": "kms:GetKeyRotationStatus failed."}))
    res = run(r.kms_trail_key_rotation_enabled, acct)
    assert res.status is Status.ERROR and "kms:GetKeyRotationStatus" in res.reason


def test_kms_trail_key_rotation_enabled_error_key_not_collected():
    acct = account(key=key(arn=KEY_ARN.replace("1234abcd", "ffffffff")))
    res = run(r.kms_trail_key_rotation_enabled, acct)
    assert res.status is Status.ERROR and "kms:DescribeKey" in res.reason


def test_kms_trail_key_rotation_enabled_not_applicable_foreign_key():
    foreign = KEY_ARN.replace(ACCOUNT, OTHER)
    res = run(r.kms_trail_key_rotation_enabled, account(trail(kms_key_id=foreign)))
    assert res.status is Status.NOT_APPLICABLE and f"owned by account {OTHER}" in res.reason


def test_kms_trail_key_rotation_enabled_not_applicable_trail_without_key():
    assert run(r.kms_trail_key_rotation_enabled, account(trail(kms_key_id=""))).status is Status.NOT_APPLICABLE


def test_kms_trail_key_rotation_enabled_not_applicable_foreign_trail_with_its_owners_key():
    """An organization trail seen from a member, encrypting with its owner's key: the key is the owner's to assess.
    (Another account's trail with *this* account's key is judged here: tests/checks/test_rules_key_owner.py.)"""
    theirs = KEY_ARN.replace(ACCOUNT, OTHER)
    res = run(r.kms_trail_key_rotation_enabled, account(trail(owner_account_id=OTHER, kms_key_id=theirs)))
    assert res.status is Status.NOT_APPLICABLE and res.reason == f"KMS key {theirs} is owned by account {OTHER}."


# --- CX-02 lockout safety check ---------------------------------------------------------------------

def test_kms_trail_key_lockout_safety_check_enabled_pass_flag_off():
    assert run(r.kms_trail_key_lockout_safety_check_enabled, account()).status is Status.PASS


def test_kms_trail_key_lockout_safety_check_enabled_fail_flag_on():
    acct = account(key=key(bypass_policy_lockout_safety_check=True))
    assert run(r.kms_trail_key_lockout_safety_check_enabled, acct).status is Status.FAIL


def test_kms_trail_key_lockout_safety_check_enabled_error_flag_unknown():
    acct = account(key=key(bypass_policy_lockout_safety_check=None))
    assert run(r.kms_trail_key_lockout_safety_check_enabled, acct).status is Status.ERROR


# --- CX-03 / CX-04 log group ------------------------------------------------------------------------

def test_cloudwatch_trail_log_group_retention_sufficient_pass_365_days():
    assert run(r.cloudwatch_trail_log_group_retention_sufficient, account()).status is Status.PASS


def test_cloudwatch_trail_log_group_retention_sufficient_pass_never_expires():
    acct = account(group=group(retention_in_days=0))
    assert run(r.cloudwatch_trail_log_group_retention_sufficient, acct).status is Status.PASS


def test_cloudwatch_trail_log_group_retention_sufficient_fail_below_configured_minimum():
    res = run(r.cloudwatch_trail_log_group_retention_sufficient, account(), AuditParams(min_log_retention_days=400))
    assert res.status is Status.FAIL and "365" in res.reason and "400" in res.reason


def test_cloudwatch_trail_log_group_retention_sufficient_error_group_not_collected():
    acct = account(trail(cloudwatch_logs_log_group_arn=GROUP_ARN + "-gone:*"))
    res = run(r.cloudwatch_trail_log_group_retention_sufficient, acct)
    assert res.status is Status.ERROR and "logs:DescribeLogGroups" in res.reason


def test_cloudwatch_trail_log_group_retention_sufficient_not_applicable_foreign_group():
    acct = account(group=group(owner_account_id=OTHER))
    res = run(r.cloudwatch_trail_log_group_retention_sufficient, acct)
    assert res.status is Status.NOT_APPLICABLE and OTHER in res.reason


def test_cloudwatch_trail_log_group_retention_sufficient_not_applicable_no_cloudwatch():
    acct = account(trail(cloudwatch_logs_log_group_arn=""))
    assert run(r.cloudwatch_trail_log_group_retention_sufficient, acct).status is Status.NOT_APPLICABLE


def test_cloudwatch_trail_log_group_kms_encrypted_pass_customer_key():
    assert run(r.cloudwatch_trail_log_group_kms_encrypted, account()).status is Status.PASS


def test_cloudwatch_trail_log_group_kms_encrypted_fail_no_key():
    acct = account(group=group(kms_key_id=""))
    assert run(r.cloudwatch_trail_log_group_kms_encrypted, acct).status is Status.FAIL


def test_cloudwatch_trail_log_group_kms_encrypted_error_unknown():
    acct = account(group=group(kms_key_id=None))
    assert run(r.cloudwatch_trail_log_group_kms_encrypted, acct).status is Status.ERROR


# --- CX-05..CX-08 bucket ----------------------------------------------------------------------------

def test_s3_trail_bucket_ownership_enforced_pass_owner_enforced():
    assert run(r.s3_trail_bucket_ownership_enforced, account()).status is Status.PASS


def test_s3_trail_bucket_ownership_enforced_fail_object_writer():
    res = run(r.s3_trail_bucket_ownership_enforced, account(bucket=bucket(object_ownership="ObjectWriter")))
    assert res.status is Status.FAIL and "ObjectWriter" in res.reason


def test_s3_trail_bucket_ownership_enforced_error_names_api():
    res = run(r.s3_trail_bucket_ownership_enforced, account(bucket=bucket(object_ownership=None)))
    assert res.status is Status.ERROR and "s3:GetBucketOwnershipControls" in res.reason


def test_s3_trail_bucket_ownership_enforced_not_applicable_foreign_bucket():
    res = run(r.s3_trail_bucket_ownership_enforced, account(bucket=bucket(owner_account_id=OTHER)))
    assert res.status is Status.NOT_APPLICABLE and f"owned by account {OTHER}" in res.reason


def test_s3_trail_bucket_versioning_enabled_pass_enabled():
    assert run(r.s3_trail_bucket_versioning_enabled, account()).status is Status.PASS


def test_s3_trail_bucket_versioning_enabled_fail_suspended():
    res = run(r.s3_trail_bucket_versioning_enabled, account(bucket=bucket(versioning_status="Suspended")))
    assert res.status is Status.FAIL


def test_s3_trail_bucket_versioning_enabled_fail_never_enabled():
    assert run(r.s3_trail_bucket_versioning_enabled, account(bucket=bucket(versioning_status=""))).status \
        is Status.FAIL


def test_s3_trail_bucket_sse_kms_enabled_pass_kms():
    assert run(r.s3_trail_bucket_sse_kms_enabled, account()).status is Status.PASS


def test_s3_trail_bucket_sse_kms_enabled_fail_aes256():
    res = run(r.s3_trail_bucket_sse_kms_enabled, account(bucket=bucket(sse_algorithm="AES256")))
    assert res.status is Status.FAIL and "AES256" in res.reason


def test_s3_trail_bucket_sse_kms_enabled_error_bucket_not_collected():
    res = run(r.s3_trail_bucket_sse_kms_enabled, account(trail(s3_bucket_name="elsewhere")))
    assert res.status is Status.ERROR and "elsewhere" in res.reason


def test_s3_trail_bucket_policy_secure_pass_tls_deny_and_source_arn():
    assert run(r.s3_trail_bucket_policy_secure, account()).status is Status.PASS


def test_s3_trail_bucket_policy_secure_fail_no_policy():
    res = run(r.s3_trail_bucket_policy_secure, account(bucket=bucket(policy={})))
    assert res.status is Status.FAIL and "aws:SecureTransport" in res.reason


def test_s3_trail_bucket_policy_secure_fail_write_without_source_arn():
    write = {**CT_WRITE, "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}}
    res = run(r.s3_trail_bucket_policy_secure, account(bucket=bucket(policy={"Statement": [TLS_DENY, write]})))
    assert res.status is Status.FAIL and "aws:SourceArn" in res.reason


def test_s3_trail_bucket_policy_secure_fail_tls_deny_only_for_one_action():
    deny = {**TLS_DENY, "Action": "s3:GetObject"}
    res = run(r.s3_trail_bucket_policy_secure, account(bucket=bucket(policy={"Statement": [deny, CT_WRITE]})))
    assert res.status is Status.FAIL


def test_s3_trail_bucket_public_access_block_enabled_pass_all_four():
    acct = account(bucket=bucket(public_access_block=PublicAccessBlock(True, True, True, True)))
    assert run(r.s3_trail_bucket_public_access_block_enabled, acct).status is Status.PASS


def test_s3_trail_bucket_public_access_block_enabled_fail_one_flag_off():
    acct = account(bucket=bucket(public_access_block=PublicAccessBlock(True, True, True, False)))
    res = run(r.s3_trail_bucket_public_access_block_enabled, acct)
    assert res.status is Status.FAIL and "RestrictPublicBuckets" in res.reason and "BlockPublicAcls" not in res.reason


def test_s3_trail_bucket_public_access_block_enabled_error_names_api():
    res = run(r.s3_trail_bucket_public_access_block_enabled, account(bucket=bucket(public_access_block=None)))
    assert res.status is Status.ERROR and "s3:GetPublicAccessBlock" in res.reason


# --- CX-09 organization trail -----------------------------------------------------------------------

def test_cloudtrail_organization_trail_enabled_pass_org_trail_expected():
    acct = account()
    assert run(r.cloudtrail_organization_trail_enabled, acct, AuditParams(expect_organization_trail=True)).status \
        is Status.PASS


def test_cloudtrail_organization_trail_enabled_fail_account_trail_when_expected():
    acct = account(trail(is_organization=False))
    assert run(r.cloudtrail_organization_trail_enabled, acct, AuditParams(expect_organization_trail=True)).status \
        is Status.FAIL


def test_cloudtrail_organization_trail_enabled_not_applicable_when_not_expected():
    acct = account(trail(is_organization=False))
    assert run(r.cloudtrail_organization_trail_enabled, acct).status is Status.NOT_APPLICABLE
