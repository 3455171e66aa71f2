"""Answers the collectors can't trust are ERROR naming the API; NotFound answers are verdicts.

check_answer's table of keys AWS always sends is checked against botocore's output shapes, so a typo or
a renamed member fails here instead of turning every answer of that operation into ERROR.
"""
from __future__ import annotations

import botocore.session
import pytest

from checks.collect.clients import ANSWER_KEYS
from checks.model import Status

CT07 = "cloudtrail_kms_encryption_enabled"
BUCKET_IDS = ("cloudtrail_bucket_not_public", "cloudtrail_bucket_access_logging_enabled",
              "cloudtrail_bucket_deletion_protection_enabled", "s3_trail_bucket_versioning_enabled")


@pytest.mark.parametrize("op, keys", sorted(ANSWER_KEYS.items()))
def test_answer_keys_are_members_of_botocore_output_shapes(op, keys):
    model = botocore.session.get_session().get_service_model(op[0]).operation_model(op[1])
    assert set(keys) <= set(model.output_shape.members), (op, list(model.output_shape.members))


def _statuses(findings, control_id):
    return [(f.status, f.reason) for f in findings if f.control_id == control_id]


@pytest.mark.parametrize("answer", [{}, {"KeyMetadata": "garbled"}, {"KeyMetadata": {"KeyState": 7}}])
def test_cloudtrail_kms_encryption_enabled_error_describe_key_malformed(world, answer):
    """The old defect: a DescribeKey answer without KeyMetadata raised KeyError and aborted the run."""
    world.hardened()
    world.answer("kms", "DescribeKey", answer)
    _, findings = world.run(CT07)
    [(status, reason)] = _statuses(findings, CT07)
    assert status is Status.ERROR and reason.startswith("kms:DescribeKey failed for key ") and "MalformedAnswer" in reason


@pytest.mark.parametrize("code", ["AccessDenied", "ThrottlingException", "KMSInternalException"])
def test_cloudtrail_kms_encryption_enabled_error_describe_key_fails(world, code):
    world.hardened()
    world.deny("kms", "DescribeKey", code)
    _, findings = world.run(CT07)
    [(status, reason)] = _statuses(findings, CT07)
    assert status is Status.ERROR and f"kms:DescribeKey failed for key" in reason and code in reason


def test_cloudtrail_kms_encryption_enabled_fail_key_not_found(world):
    """kms:DescribeKey NotFoundException: "The request was rejected because the specified entity or
    resource could not be found" (KMS API reference): the trail's key is gone, a definite FAIL."""
    world.hardened()
    world.deny("kms", "DescribeKey", "NotFoundException")
    _, findings = world.run(CT07, "kms_trail_key_rotation_enabled")
    assert [s for s, _ in _statuses(findings, CT07)] == [Status.FAIL]
    assert "does not exist" in _statuses(findings, CT07)[0][1]
    assert [s for s, _ in _statuses(findings, "kms_trail_key_rotation_enabled")] == [Status.FAIL]


@pytest.mark.parametrize("op, answer, control_id", [
    ("GetTrailStatus", {}, "cloudtrail_delivery_healthy"),  # was: "not logging" (FAIL)
    ("GetTrailStatus", {"IsLogging": "yes"}, "cloudtrail_delivery_healthy"),
    ("ListTrails", {}, "cloudtrail_log_file_validation_enabled"),  # was: "has no CloudTrail trail" (FAIL)
    ("ListTrails", {"Trails": {"x": 1}}, "cloudtrail_log_file_validation_enabled"),
    ("GetEventSelectors", {}, "cloudtrail_multi_region_management_events_enabled"),
])
def test_malformed_cloudtrail_answer_is_error_naming_the_api(world, op, answer, control_id):
    world.hardened()
    world.answer("cloudtrail", op, answer)
    _, findings = world.run(control_id)
    assert {s for s, _ in _statuses(findings, control_id)} == {Status.ERROR}
    assert all(f"cloudtrail:{op}" in r for _, r in _statuses(findings, control_id))


@pytest.mark.parametrize("control_id", ["cloudtrail_s3_write_data_events_enabled", "cloudtrail_s3_read_data_events_enabled"])
@pytest.mark.parametrize("op", ["GetBucketLogging", "ListBuckets"])
def test_s3_data_events_log_bucket_exclusion_fails_whatever_the_access_log_target(world, op, control_id):
    """CIS 3.8/3.9 (v6.0+ 4.8/4.9) and AWS Config's cloudtrail-all-write-s3-data-event-check /
    cloudtrail-all-read-s3-data-event-check require *all current and future* buckets, so a NotStartsWith on
    the trail's own buckets fails (issue 13, item 5). That verdict does not depend on the access-log target,
    so losing s3:GetBucketLogging or s3:ListBuckets must not turn it into PASS (nor into ERROR)."""
    world.hardened(advanced=[{"Name": "s3", "FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["Data"]}, {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
        {"Field": "resources.ARN", "NotStartsWith": ["arn:aws:s3:::trail-archive/", "arn:aws:s3:::trail-access-logs/"]},
    ]}, {"Name": "mgmt", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}])
    _, clean = world.run(control_id)
    assert [s for s, _ in _statuses(clean, control_id)] == [Status.FAIL]
    world.deny("s3", op)
    _, findings = world.run(control_id)
    assert [s for s, _ in _statuses(findings, control_id)] == [Status.FAIL]


def test_trail_bucket_deleted_is_fail_missing_not_owned_elsewhere(world):
    """s3:GetBucketLocation on a deleted bucket answers NoSuchBucket ("The specified bucket does not
    exist", S3 error codes): the trail writes nowhere. That is a FAIL, not "another account's bucket"."""
    world.hardened()
    s3 = world.client("s3")
    versions = s3.list_object_versions(Bucket="trail-archive").get("Versions", [])
    assert versions == []
    s3.delete_bucket(Bucket="trail-archive")
    _, findings = world.run(*BUCKET_IDS)
    for control_id in BUCKET_IDS:
        [(status, reason)] = _statuses(findings, control_id)
        assert status is Status.FAIL and "does not exist" in reason, control_id


def test_trail_bucket_of_another_account_is_not_applicable_naming_the_reason(world):
    world.hardened()
    world.answer("s3", "ListBuckets", {"Buckets": [], "Owner": {"ID": "x"}})  # not ours; GetBucketLocation answers
    _, findings = world.run(*BUCKET_IDS)
    for control_id in BUCKET_IDS:
        [(status, reason)] = _statuses(findings, control_id)
        assert status is Status.NOT_APPLICABLE and "audit that account" in reason, control_id
