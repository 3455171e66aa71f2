"""End to end on moto: the trail's log bucket (CT-09/10/11), cross-account buckets, S3 call selection."""
from __future__ import annotations

from checks.model import Status

CT09 = "cloudtrail_bucket_not_public"
CT10 = "cloudtrail_bucket_access_logging_enabled"
CT11 = "cloudtrail_bucket_deletion_protection_enabled"


def test_cloudtrail_bucket_not_public_pass_live_blocked_bucket(world):
    world.hardened()
    facts, (finding,) = world.run(CT09)
    assert finding.status is Status.PASS
    assert finding.resource == "arn:aws:s3:::trail-archive"


def test_cloudtrail_bucket_not_public_fail_live_public_read_acl(world):
    world.account_block_public_access(on=False)
    world.bucket("trail-archive", block_public=False, acl="public-read")
    world.trail()
    _, (finding,) = world.run(CT09)
    assert finding.status is Status.FAIL
    assert "AllUsers" in finding.reason


def test_cloudtrail_bucket_not_public_fail_live_policy_open_to_anyone(world):
    world.account_block_public_access(on=False)
    world.bucket("trail-archive", block_public=False, policy={"Version": "2012-10-17", "Statement": [
        {"Sid": "Open", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::trail-archive/*"}]})
    world.trail()
    _, (finding,) = world.run(CT09)
    assert finding.status is Status.FAIL
    assert "statement Open" in finding.reason


def test_cloudtrail_bucket_access_logging_enabled_pass_live(world):
    world.hardened()
    _, (finding,) = world.run(CT10)
    assert finding.status is Status.PASS


def test_cloudtrail_bucket_access_logging_enabled_fail_live_no_logging(world):
    world.account_block_public_access()
    world.bucket("trail-archive", access_logs_to=None)
    world.trail()
    _, (finding,) = world.run(CT10)
    assert finding.status is Status.FAIL


def test_cloudtrail_bucket_deletion_protection_enabled_pass_live_object_lock(world):
    world.hardened()
    _, (finding,) = world.run(CT11)
    assert finding.status is Status.PASS
    assert "COMPLIANCE" in finding.reason


def test_cloudtrail_bucket_deletion_protection_enabled_fail_live_no_lock_no_mfa_delete(world):
    world.account_block_public_access()
    world.bucket("trail-archive", object_lock=False)
    world.trail()
    _, (finding,) = world.run(CT11)
    assert finding.status is Status.FAIL
    assert "no Object Lock" in finding.reason


def test_cloudtrail_bucket_not_public_na_live_bucket_in_another_account(world):
    world.hardened()
    # the central log-archive bucket is not in this account's ListBuckets answer
    world.answer("s3", "ListBuckets", {"Buckets": [], "Owner": {"ID": "x"}})
    facts, findings = world.run(CT09, CT10, CT11)
    assert {f.status for f in findings} == {Status.NOT_APPLICABLE}
    assert all("owned by another account" in f.reason for f in findings)
    assert facts.buckets["trail-archive"].owned_elsewhere


def test_cloudtrail_bucket_not_public_error_live_acl_denied_only_ct09_errors(world):
    world.account_block_public_access(on=False)
    world.bucket("trail-archive", block_public=False)
    world.trail()
    world.deny("s3", "GetBucketAcl")
    _, findings = world.run(CT09, CT10, CT11)
    got = {f.control_id: (f.status, f.reason) for f in findings}
    assert got[CT09] == (Status.ERROR, "s3:GetBucketAcl failed for bucket trail-archive: AccessDenied.")
    assert got[CT10][0] is Status.PASS and got[CT11][0] is Status.PASS


def test_cloudtrail_bucket_not_public_pass_live_block_public_access_unreadable_but_nothing_grants_public(world):
    world.account_block_public_access(on=False)
    world.bucket("trail-archive", block_public=False)
    world.trail()
    world.deny("s3", "GetPublicAccessBlock")
    _, (finding,) = world.run(CT09)
    assert finding.status is Status.PASS  # no ACL grant, no open statement, status not public


def test_collect_buckets_skips_s3_when_no_bucket_control_selected(world):
    world.hardened()
    calls = []
    world.session.events.register("before-call.s3", lambda model, **_: calls.append(model.name))
    world.run("cloudtrail_log_file_validation_enabled")
    assert calls == []
