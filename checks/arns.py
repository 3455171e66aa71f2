"""ARNs, shared by the collectors, the rules and the reports (no AWS SDK import, so rules stay pure and fast).

``arn:partition:service:region:account-id:resource`` (IAM User Guide, "Identify AWS resources with ARNs");
the partition is ``aws``, ``aws-cn``, ``aws-us-gov``, ... A string with fewer than six fields is not an ARN,
and every field reads as "". Every ARN the project builds comes from :func:`build_arn`, so a resource is
named the same way in every partition and by every verdict.
"""
from __future__ import annotations


def arn_part(arn: str | None, index: int) -> str:
    parts = (arn or "").split(":")
    return parts[index] if len(parts) > 5 else ""


def arn_partition(arn: str | None) -> str:
    return arn_part(arn, 1)


def arn_service(arn: str | None) -> str:
    return arn_part(arn, 2)


def arn_region(arn: str | None) -> str:
    return arn_part(arn, 3)


def arn_account(arn: str | None) -> str:
    return arn_part(arn, 4)


def is_arn(value: str | None) -> bool:
    return (value or "").startswith("arn:") and len((value or "").split(":", 5)) == 6


def build_arn(partition: str, service: str, region: str, account: str, resource: str) -> str:
    if not partition or not service or not resource:
        raise ValueError(f"an ARN needs a partition, a service and a resource; got {partition!r}, {service!r}, "
                         f"{resource!r}.")
    return f"arn:{partition}:{service}:{region}:{account}:{resource}"


def s3_bucket_arn(partition: str, bucket: str) -> str:
    """S3 bucket ARNs carry no region and no account id: ``arn:aws:s3:::amzn-s3-demo-bucket``."""
    return build_arn(partition, "s3", "", "", bucket)


# (ARN service, first segment of the ARN's resource part) -> AWS Security Finding Format resource type name
# (the list in the ASFF "Resources" docs); a resource the list does not name is "Other", as the docs ask.
_TYPES = {
    ("cloudtrail", "trail"): "AwsCloudTrailTrail",
    ("s3", ""): "AwsS3Bucket",
    ("kms", "key"): "AwsKmsKey",
    ("sns", ""): "AwsSnsTopic",
    ("sqs", ""): "AwsSqsQueue",
    ("iam", "role"): "AwsIamRole",
    ("cloudwatch", "alarm"): "AwsCloudWatchAlarm",
}
ACCOUNT_TYPE = "AwsAccount"  # account-wide findings (resource = the account id): Security Hub's own type
OTHER_TYPE = "Other"


def resource_type(resource: str) -> str:
    """The ASFF resource type name of an ARN, ``AwsAccount`` for an account id (or nothing), else ``Other``."""
    if not is_arn(resource):
        return ACCOUNT_TYPE if resource.isdigit() or not resource else OTHER_TYPE
    rest = resource.split(":", 5)[5]
    head = rest.replace(":", "/").split("/", 1)[0] if ("/" in rest or ":" in rest) else ""
    service = arn_service(resource)
    return _TYPES.get((service, head)) or _TYPES.get((service, "")) or OTHER_TYPE
