"""Which events weaken the audit trail's own resources (checks/history/tamper.py), table-driven.

Request parameter names are those CloudTrail records for each API (user guide, "CloudTrail record
contents": requestParameters carries the call's parameters): bucketName for S3 bucket calls, keyId for
KMS, logGroupName/retentionInDays/filterName for CloudWatch Logs, alarmNames for CloudWatch alarms,
servicePrincipal for Organizations' DisableAWSServiceAccess.
"""
from __future__ import annotations

import pytest

from checks.history.tamper import AuditResources, by_role, find, target
from checks.params import AuditParams
from history_support import END, event

KEY = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
RES = AuditResources(buckets=frozenset({"trail-logs"}), keys=frozenset({KEY}),
                     log_groups=frozenset({"trail/group"}), alarms=frozenset({"root-usage"}))
S3, KMS, LOGS, CW, ORGS = (f"{s}.amazonaws.com" for s in ("s3", "kms", "logs", "monitoring", "organizations"))
ALL_ON = {k: True for k in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")}

CASES = [
    ("PutBucketPolicy", S3, {"bucketName": "trail-logs"}, "bucket trail-logs"),
    ("DeleteBucketPolicy", S3, {"bucketName": "trail-logs"}, "bucket trail-logs"),
    ("PutBucketAcl", S3, {"bucketName": "trail-logs"}, "bucket trail-logs"),
    ("DeleteBucket", S3, {"bucketName": "trail-logs"}, "bucket trail-logs"),
    ("PutBucketPolicy", S3, {"bucketName": "other-bucket"}, None),
    ("PutBucketPublicAccessBlock", S3, {"bucketName": "trail-logs",
                                        "PublicAccessBlockConfiguration": {**ALL_ON, "BlockPublicPolicy": False}},
     "bucket trail-logs"),
    ("PutBucketPublicAccessBlock", S3, {"bucketName": "trail-logs", "PublicAccessBlockConfiguration": ALL_ON}, None),
    ("DeleteBucketPublicAccessBlock", S3, {"bucketName": "trail-logs"}, "bucket trail-logs"),
    # the S3 API operation names, looked up too (checks/history/events.py TAMPER_EVENTS says why)
    ("PutPublicAccessBlock", S3, {"bucketName": "trail-logs",
                                  "PublicAccessBlockConfiguration": {**ALL_ON, "RestrictPublicBuckets": False}},
     "bucket trail-logs"),
    ("PutPublicAccessBlock", S3, {"bucketName": "trail-logs", "PublicAccessBlockConfiguration": ALL_ON}, None),
    ("DeletePublicAccessBlock", S3, {"bucketName": "trail-logs"}, "bucket trail-logs"),
    ("DisableKey", KMS, {"keyId": KEY}, f"key {KEY}"),
    ("ScheduleKeyDeletion", KMS, {"keyId": "1234abcd-12ab-34cd-56ef-1234567890ab"},
     "key 1234abcd-12ab-34cd-56ef-1234567890ab"),
    ("PutKeyPolicy", KMS, {"keyId": "another-key"}, None),
    ("DeleteLogGroup", LOGS, {"logGroupName": "trail/group"}, "log group trail/group"),
    ("PutRetentionPolicy", LOGS, {"logGroupName": "trail/group", "retentionInDays": 30}, "log group trail/group"),
    ("PutRetentionPolicy", LOGS, {"logGroupName": "trail/group", "retentionInDays": 400}, None),
    ("DeleteMetricFilter", LOGS, {"logGroupName": "trail/group", "filterName": "root"},
     "metric filter root of log group trail/group"),
    ("DeleteAlarms", CW, {"alarmNames": ["root-usage", "unrelated"]}, "alarm(s) root-usage"),
    ("DisableAlarmActions", CW, {"alarmNames": ["unrelated"]}, None),
    ("DisableAWSServiceAccess", ORGS, {"servicePrincipal": "cloudtrail.amazonaws.com"},
     "CloudTrail trusted access in AWS Organizations"),
    ("DisableAWSServiceAccess", ORGS, {"servicePrincipal": "config.amazonaws.com"}, None),
]


@pytest.mark.parametrize("name,source,request_,expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_tamper_target_table(name, source, request_, expected):
    assert target(event(name, 1, source=source, **request_), RES) == expected


def test_unknown_alarms_count_every_alarm_event():
    res = AuditResources(alarms=None)
    assert target(event("DeleteAlarms", 1, source=CW, alarmNames=["x"]), res) == "alarm(s) x"


@pytest.mark.parametrize("actor,expected", [
    ("arn:aws:sts::111111111111:assumed-role/trailguard-deployer/pulumi", True),
    ("arn:aws:iam::111111111111:role/ci/trailguard-deployer", True),
    ("arn:aws:sts::111111111111:assumed-role/trailguard-deployer-2/x", False),
    ("arn:aws:iam::111111111111:user/trailguard-deployer", False),
])
def test_deployer_role_matches_sessions_of_that_role_only(actor, expected):
    assert by_role(event("PutBucketPolicy", 1, actor=actor), ["trailguard-deployer"]) is expected


def test_failed_calls_and_duplicates_are_not_tamper_events():
    ok = event("DeleteBucketPolicy", 2, source=S3, bucketName="trail-logs")
    failed = event("DeleteBucketPolicy", 1, source=S3, bucketName="trail-logs", error="AccessDenied")
    assert [t.event for t in find([ok, failed, ok], RES, ())] == [ok]


def _account_with_trail(**trail_kw):
    from checks.facts import AccountFacts, BucketFacts, TrailFacts
    from checks.history.facts import HistoryFacts
    from history_support import END, START

    trail = TrailFacts(arn="arn:aws:cloudtrail:us-east-1:111111111111:trail/t", name="t", home_region="us-east-1",
                       owner_account_id="111111111111", **trail_kw)
    facts = AccountFacts(account_id="111111111111", trails=[trail], collected_at=END)
    facts.buckets["trail-logs"] = BucketFacts(name="trail-logs", region="us-east-1")
    facts.history = HistoryFacts(start=START, end=END, days=7, regions=("us-east-1",),
                                 tamper_events=(event("PutBucketPolicy", 3, source=S3, bucketName="trail-logs"),))
    return facts


DESCRIBED = {"s3_bucket_name": "trail-logs", "kms_key_id": "", "cloudwatch_logs_log_group_arn": ""}
DENIED = "cloudtrail:DescribeTrails failed for trail t: AccessDenied."
PARAMS = AuditParams(now=END)


@pytest.mark.parametrize("unknown", sorted(DESCRIBED))
def test_cloudtrail_audit_resources_untampered_error_trail_resources_unknown(unknown):
    """Found by the fault sweep: with DescribeTrails denied, the trail's bucket is unknown, so no event could
    match it and the control said PASS over a PutBucketPolicy on the real bucket. Unknown resources are ERROR."""
    from checks.model import Status
    from checks.rules.history import audit_resources_untampered

    facts = _account_with_trail(**{**DESCRIBED, unknown: None})
    facts.trails[0].errors[unknown] = DENIED
    result = audit_resources_untampered(facts, PARAMS)
    assert result.status == Status.ERROR and "cloudtrail:DescribeTrails" in result.reason
    assert audit_resources_untampered(_account_with_trail(**DESCRIBED), PARAMS).status == Status.FAIL


def test_cloudtrail_audit_resources_untampered_error_bucket_region_unknown():
    """S3 records a bucket's events in the bucket's region: with GetBucketLocation failed, where to look is unknown."""
    from checks.model import Status
    from checks.rules.history import audit_resources_untampered

    facts = _account_with_trail(**DESCRIBED)
    facts.buckets["trail-logs"].region = None
    facts.buckets["trail-logs"].errors["region"] = "s3:GetBucketLocation failed for bucket trail-logs: SlowDown."
    result = audit_resources_untampered(facts, PARAMS)
    assert result.status == Status.ERROR and "s3:GetBucketLocation" in result.reason
