"""What the audit collects for a control, the AWS API calls that collection makes, and the IAM actions those
calls need: one table, read by the collector (its plan), the catalog meta-test and the read-only IAM policy.

A control declares ``collects`` (need names below) on its :class:`checks.catalog.Control`; the calls are
botocore ``service:Operation`` names, so a test can hold each against botocore's service model and against
the calls the collector really makes. IAM action names equal the operation names except where the Service
Authorization Reference says otherwise (:data:`IAM_ACTION`). ``sts:GetCallerIdentity`` needs no permission.
"""
from __future__ import annotations

from typing import Iterable

ALWAYS = ("cloudtrail:ListTrails", "cloudtrail:DescribeTrails")  # the trail inventory every control starts from
_OWNER = ("s3:ListBuckets", "s3:GetBucketLocation")  # whose is the trail bucket (checks/collect/buckets.py)
_PUBLIC = ("s3control:GetPublicAccessBlock", "s3:GetPublicAccessBlock", "s3:GetBucketPolicyStatus",
           "s3:GetBucketAcl", "s3:GetBucketPolicy")

NEED_CALLS: dict[str, tuple[str, ...]] = {
    "status": ("cloudtrail:GetTrailStatus",),
    "selectors": ("cloudtrail:GetEventSelectors",),
    "insights": ("cloudtrail:GetInsightSelectors",),
    "tags": ("cloudtrail:ListTags",),
    "regions": ("ec2:DescribeRegions",),
    "keys": ("kms:DescribeKey", "kms:GetKeyRotationStatus"),
    "log_groups": ("logs:DescribeLogGroups",),
    "monitoring": ("logs:DescribeLogGroups", "logs:DescribeMetricFilters", "cloudwatch:DescribeAlarms",
                   "sns:ListSubscriptionsByTopic"),
    "bucket:public": _OWNER + _PUBLIC,
    "bucket:logging": _OWNER + ("s3:GetBucketLogging",),
    "bucket:lock": _OWNER + ("s3:GetBucketVersioning", "s3:GetObjectLockConfiguration"),
    "bucket:all": _OWNER + _PUBLIC + ("s3:GetBucketLogging", "s3:GetBucketVersioning",
                                      "s3:GetObjectLockConfiguration", "s3:GetBucketEncryption",
                                      "s3:GetBucketOwnershipControls"),
    "history": ("cloudtrail:LookupEvents",),
    "lake": ("cloudtrail:ListEventDataStores", "cloudtrail:GetEventDataStore", "organizations:DescribeOrganization"),
}
EVERYTHING = frozenset(NEED_CALLS) - {"bucket:public", "bucket:logging", "bucket:lock", "history", "lake"}

# Operation -> IAM action where they differ (Service Authorization Reference, Amazon S3: ListBuckets is
# authorised by s3:ListAllMyBuckets, GetBucketEncryption by s3:GetEncryptionConfiguration,
# GetObjectLockConfiguration by s3:GetBucketObjectLockConfiguration, GetPublicAccessBlock by
# s3:GetBucketPublicAccessBlock; S3 Control's GetPublicAccessBlock by s3:GetAccountPublicAccessBlock).
IAM_ACTION = {
    "s3:ListBuckets": "s3:ListAllMyBuckets",
    "s3:GetBucketEncryption": "s3:GetEncryptionConfiguration",
    "s3:GetObjectLockConfiguration": "s3:GetBucketObjectLockConfiguration",
    "s3:GetPublicAccessBlock": "s3:GetBucketPublicAccessBlock",
    "s3control:GetPublicAccessBlock": "s3:GetAccountPublicAccessBlock",
}


def check_needs(control_id: str, needs: Iterable[str]) -> frozenset[str]:
    needs = frozenset(needs)
    unknown = sorted(needs - set(NEED_CALLS))
    if unknown:
        raise ValueError(f"control {control_id}: unknown collect need(s) {', '.join(unknown)}; allowed: "
                         f"{', '.join(sorted(NEED_CALLS))}.")
    return needs


def calls_for(needs: Iterable[str]) -> tuple[str, ...]:
    """The botocore ``service:Operation`` calls collecting ``needs`` may make, sorted."""
    return tuple(sorted(set(ALWAYS).union(*(NEED_CALLS[n] for n in needs))))


def iam_actions(calls: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({IAM_ACTION.get(c, c) for c in calls}))


def read_only_policy(controls: Iterable) -> dict:
    """The least-privilege read-only IAM policy for auditing ``controls`` (their ``iam_actions``), one statement
    per service, for the docs and the in-AWS audit role."""
    actions = sorted({a for c in controls for a in c.iam_actions})
    services = sorted({a.split(":")[0] for a in actions})
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": f"TrailguardAudit{s.capitalize()}", "Effect": "Allow",
         "Action": [a for a in actions if a.startswith(s + ":")], "Resource": "*"} for s in services]}
