"""Emulated "guest" layouts for organization tests: a member's own trail writing to a bucket, and encrypting
with a KMS key, that ANOTHER account of the organization owns (checks/org_guests.py judges them in the owner).

The layout is the one the CloudTrail user guide describes in "Receiving CloudTrail log files from multiple
accounts": one account owns the bucket, and its bucket policy lets cloudtrail.amazonaws.com write under
``AWSLogs/<account id>/`` for each account whose trail delivers there; a trail's KmsKeyId may name a key of
another account by ARN ("Configure AWS KMS key policies for CloudTrail": the key policy must allow the other
account's trails to use it; moto checks neither policy, so they are written for the record only).
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Sequence

from testkit.org import member_session

if TYPE_CHECKING:  # pragma: no cover
    import boto3

_ALL_FOUR = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


def archive_policy(bucket: str, trail_arns: Sequence[str]) -> dict:
    """The CloudTrail user guide's bucket policy for trails of several accounts, plus the S3 user guide's
    deny of non-TLS requests ("Enforce encryption of data in transit": Deny s3:* when aws:SecureTransport is
    false). Each write is scoped by aws:SourceArn ("Amazon S3 bucket policy for CloudTrail")."""
    accounts = sorted({a.split(":")[4] for a in trail_arns})
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:GetBucketAcl", "Resource": f"arn:aws:s3:::{bucket}",
         "Condition": {"StringEquals": {"aws:SourceArn": sorted(trail_arns)}}},
        {"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": [f"arn:aws:s3:::{bucket}/AWSLogs/{a}/*" for a in accounts],
         "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control",
                                        "aws:SourceArn": sorted(trail_arns)}}},
        {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
         "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    ]}


def archive(session: "boto3.Session", owner: str, bucket: str, *, hardened: bool = True) -> str:
    """Bucket ``bucket`` and a customer managed KMS key in account ``owner``; returns the key ARN.

    ``hardened``: versioning on, all four Block Public Access settings, BucketOwnerEnforced, SSE-KMS default
    encryption with the key, server access logs to ``<bucket>-access``, key rotation on; no Object Lock and
    no MFA Delete. Otherwise a bare bucket and key, as CreateBucket/CreateKey leave them in moto."""
    ms = member_session(session, owner)
    s3, kms = ms.client("s3"), ms.client("kms")
    s3.create_bucket(Bucket=bucket)
    key = kms.create_key(Description=f"trail logs in {bucket}")["KeyMetadata"]["Arn"]
    if not hardened:
        return key
    kms.enable_key_rotation(KeyId=key)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={k: True for k in _ALL_FOUR})
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={"Rules": [
        {"ObjectOwnership": "BucketOwnerEnforced"}]})
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key}}]})
    s3.create_bucket(Bucket=f"{bucket}-access")  # the S3 user guide's policy for the logging service
    s3.put_bucket_policy(Bucket=f"{bucket}-access", Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject",
        "Resource": f"arn:aws:s3:::{bucket}-access/*"}]}))
    s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={
        "LoggingEnabled": {"TargetBucket": f"{bucket}-access", "TargetPrefix": f"{bucket}/"}})
    return key


def writer_trail(session: "boto3.Session", account: str, name: str, bucket: str, key: str | None = None, *,
                 multi_region: bool = True) -> str:
    """A logging trail of ``account`` (a member session, or ``session`` itself for the management account
    when ``account`` is ""), writing to ``bucket`` (and encrypting with ``key``) of another account."""
    ms = member_session(session, account) if account else session
    ct = ms.client("cloudtrail")
    kw = {"KmsKeyId": key} if key else {}
    arn = ct.create_trail(Name=name, S3BucketName=bucket, IsMultiRegionTrail=multi_region, **kw)["TrailARN"]
    ct.put_event_selectors(TrailName=name, EventSelectors=[{"ReadWriteType": "All", "IncludeManagementEvents": True}])
    ct.start_logging(Name=name)
    return arn


def allow_writers(session: "boto3.Session", owner: str, bucket: str, trail_arns: Sequence[str]) -> None:
    """Put :func:`archive_policy` on ``owner``'s ``bucket`` for these trails."""
    member_session(session, owner).client("s3").put_bucket_policy(
        Bucket=bucket, Policy=json.dumps(archive_policy(bucket, trail_arns)))
