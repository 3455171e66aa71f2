"""Hand-built stacks for the pack: a hardened one (as the component builds it) and a deliberately weak one."""
from __future__ import annotations

import json

from pulumi_policy.proxy import UNKNOWN_STRING_VALUE

from checks.catalog.filters import FILTER_SPECS
from testkit.pack import Res

ACCOUNT = "111111111111"
REGION = "us-east-1"
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/trail-key"
GROUP = "trailguard/cloudtrail/org"
GROUP_ARN = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{GROUP}"
TOPIC_ARN = f"arn:aws:sns:{REGION}:{ACCOUNT}:trailguard-alarms"
TRAIL_ARN = f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/org"
U = UNKNOWN_STRING_VALUE


def bucket_policy(bucket: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
         "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:GetBucketAcl", "Resource": f"arn:aws:s3:::{bucket}",
         "Condition": {"StringEquals": {"aws:SourceArn": TRAIL_ARN}}},
        {"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/AWSLogs/*",
         "Condition": {"StringEquals": {"aws:SourceArn": TRAIL_ARN, "s3:x-amz-acl": "bucket-owner-full-control"}}},
    ]})


def hardened_bucket(name: str, *, lock: bool = True, log_to: str | None = None) -> list[Res]:
    on_bucket = {"bucket": name}
    out = [
        Res("aws:s3/bucket:Bucket", name, {"bucket": name, "objectLockEnabled": lock}),
        Res("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", f"{name}-pab",
            {**on_bucket, "blockPublicAcls": True, "ignorePublicAcls": True, "blockPublicPolicy": True,
             "restrictPublicBuckets": True}),
        Res("aws:s3/bucketOwnershipControls:BucketOwnershipControls", f"{name}-ownership",
            {**on_bucket, "rule": {"objectOwnership": "BucketOwnerEnforced"}}),
        Res("aws:s3/bucketVersioning:BucketVersioning", f"{name}-versioning",
            {**on_bucket, "versioningConfiguration": {"status": "Enabled"}}),
        Res("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", f"{name}-sse",
            {**on_bucket, "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms",
                                                                             "kmsMasterKeyId": KEY_ARN},
                                     "bucketKeyEnabled": True}]}),
        Res("aws:s3/bucketPolicy:BucketPolicy", f"{name}-policy", {**on_bucket, "policy": bucket_policy(name)}),
    ]
    if lock:
        out.append(Res("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", f"{name}-lock",
                       {**on_bucket, "rule": {"defaultRetention": {"mode": "GOVERNANCE", "days": 365}}}))
    if log_to:
        out.append(Res("aws:s3/bucketLogging:BucketLogging", f"{name}-logging",
                       {**on_bucket, "targetBucket": log_to, "targetPrefix": "s3/"}))
    return out


def monitoring() -> list[Res]:
    out = [Res("aws:sns/topic:Topic", "alarms", {"name": "trailguard-alarms", "arn": TOPIC_ARN, "kmsMasterKeyId": KEY_ARN}),
           Res("aws:sns/topicSubscription:TopicSubscription", "oncall",
               {"topic": TOPIC_ARN, "protocol": "email", "endpoint": "sec@example.com"})]
    for spec in FILTER_SPECS:
        transform = {"name": spec.name, "namespace": "CISBenchmark", "value": "1"}
        out.append(Res("aws:cloudwatch/logMetricFilter:LogMetricFilter", f"filter-{spec.name}",
                       {"name": spec.name, "logGroupName": GROUP, "pattern": spec.pattern_for(),
                        "metricTransformation": transform}))
        out.append(Res("aws:cloudwatch/metricAlarm:MetricAlarm", f"alarm-{spec.name}",
                       {"name": spec.name, "metricName": spec.name, "namespace": "CISBenchmark", "statistic": "Sum",
                        "period": 300, "threshold": 1, "evaluationPeriods": 1,
                        "comparisonOperator": "GreaterThanOrEqualToThreshold", "alarmActions": [TOPIC_ARN]}))
    return out


def hardened_trail(**overrides) -> Res:
    props = {
        "name": "org", "arn": TRAIL_ARN, "s3BucketName": "trail-logs", "isMultiRegionTrail": True,
        "isOrganizationTrail": True, "includeGlobalServiceEvents": True, "enableLogFileValidation": True,
        "enableLogging": True, "kmsKeyId": KEY_ARN, "cloudWatchLogsGroupArn": GROUP_ARN + ":*",
        "cloudWatchLogsRoleArn": f"arn:aws:iam::{ACCOUNT}:role/trail-cwl", "snsTopicName": TOPIC_ARN,
        "advancedEventSelectors": [
            {"name": "Management events selector",
             "fieldSelectors": [{"field": "eventCategory", "equals": ["Management"]}]},
            {"name": "S3 log all events",
             "fieldSelectors": [{"field": "eventCategory", "equals": ["Data"]},
                                {"field": "resources.type", "equals": ["AWS::S3::Object"]}]},
        ],
        "insightSelectors": [{"insightType": "ApiCallRateInsight"}, {"insightType": "ApiErrorRateInsight"}],
        "tags": {"ManagedBy": "trailguard", "Owner": "security"},
    }
    return Res("aws:cloudtrail/trail:Trail", "org", {**props, **overrides})


def hardened_stack(**trail_overrides) -> list[Res]:
    return [
        Res("aws:kms/key:Key", "trail-key", {"arn": KEY_ARN, "enableKeyRotation": True,
                                              "bypassPolicyLockoutSafetyCheck": False}),
        Res("aws:cloudwatch/logGroup:LogGroup", "trail-group", {"name": GROUP, "arn": GROUP_ARN,
                                                                 "retentionInDays": 365, "kmsKeyId": KEY_ARN}),
        *hardened_bucket("trail-logs", log_to="access-logs"),
        *hardened_bucket("access-logs", lock=False),
        *monitoring(),
        hardened_trail(**trail_overrides),
    ]


def weak_stack() -> list[Res]:
    """A plain aws.s3.Bucket and a plain aws.cloudtrail.Trail, every other prop left at its default."""
    return [Res("aws:s3/bucket:Bucket", "plain-bucket", {"bucket": "plain-logs"}),
            Res("aws:cloudtrail/trail:Trail", "plain-trail", {"name": "plain", "s3BucketName": "plain-logs"})]
