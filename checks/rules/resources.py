"""Predicates for the CX controls: the trail's KMS key, CloudWatch Logs group and S3 bucket.

Every predicate starts from a trail and looks its supporting resource up in the account's facts, so the
same code judges a live account (collectors) and a Pulumi stack (the policy adapter). Lookups that fail
are ERROR naming the API that left the fact unknown; resources owned by another account are
NOT_APPLICABLE, because only their owner can change them.

A resource is assessed in the account that owns it, whoever owns the trail. A KMS key, like a bucket, may be
a third account's (the management account's organization trail encrypting with a security account's key,
the layout AWS SRA uses): the key rules judge it in the key's owner, including for another account's trail
that the owner sees (a shadow) or is given by an organization run, and are NOT_APPLICABLE naming the owner
everywhere else. A log group is always the trail owner's (see :func:`_own_trail`).
"""
from __future__ import annotations

from checks.facts import AccountFacts, TrailFacts
from checks.model import Result
from checks.params import AuditParams
from checks.rules import rule
from checks.rules.bucket_exposure import as_list
from checks.rules.subjects import bucket_arn, bucket_fact, owned_elsewhere, trail_key, trail_label, trail_log_group

SSE_KMS = ("aws:kms", "aws:kms:dsse")
_SOURCE_ARN_OPERATORS = ("StringEquals", "StringLike", "ArnEquals", "ArnLike")


def _own_trail(account: AccountFacts, trail: TrailFacts) -> Result | None:
    """NOT_APPLICABLE for another account's trail, for the log-group rules only: a trail's log group is always
    its owner's. CreateTrail's API reference says of CloudWatchLogsLogGroupArn "You must use a log group that
    exists in your account", so the trail's owner assesses it. (A KMS key may be a third account's: the key
    rules ask :func:`trail_key`, which judges a key where it lives.)"""
    return owned_elsewhere(account, trail.owner_account_id, f"Trail {trail.name}")


# --- KMS --------------------------------------------------------------------------------------------


@rule("kms_trail_key_rotation_enabled", "trail", judges="key")
def kms_trail_key_rotation_enabled(account: AccountFacts, trail: TrailFacts) -> Result:
    key = trail_key(account, trail)
    if isinstance(key, Result):
        return key
    if key.key_manager == "AWS":
        return Result.not_applicable(f"KMS key {key.arn} is AWS managed and rotated by AWS.", resource=key.arn)
    if key.rotation_enabled is None:
        return Result.error(key.errors.get("rotation_enabled")
                            or f"kms:GetKeyRotationStatus did not answer for key {key.arn}.", resource=key.arn)
    used = f"KMS key {key.arn} of trail {trail_label(account, trail)}"
    if key.rotation_enabled:
        return Result.passed(f"{used} rotates automatically.", resource=key.arn)
    return Result.failed(f"{used} has automatic rotation off.", resource=key.arn)


@rule("kms_trail_key_lockout_safety_check_enabled", "trail", judges="key")
def kms_trail_key_lockout_safety_check_enabled(account: AccountFacts, trail: TrailFacts) -> Result:
    key = trail_key(account, trail)
    if isinstance(key, Result):
        return key
    flag = key.bypass_policy_lockout_safety_check
    if flag is None:
        return Result.error(key.errors.get("bypass_policy_lockout_safety_check")
                            or f"The bypass_policy_lockout_safety_check flag of key {key.arn} is not known "
                            "(only a Pulumi stack states it).", resource=key.arn)
    used = f"KMS key {key.arn} of trail {trail_label(account, trail)}"
    if flag:
        return Result.failed(f"{used} bypasses the policy lockout safety check.", resource=key.arn)
    return Result.passed(f"{used} keeps the policy lockout safety check.", resource=key.arn)


# --- CloudWatch Logs --------------------------------------------------------------------------------


@rule("cloudwatch_trail_log_group_retention_sufficient", "trail")
def cloudwatch_trail_log_group_retention_sufficient(account: AccountFacts, trail: TrailFacts,
                                                    params: AuditParams) -> Result:
    group = _own_trail(account, trail) or trail_log_group(account, trail)
    if isinstance(group, Result):
        return group
    days, minimum = group.retention_in_days, params.min_log_retention_days
    if days is None:
        return Result.error(group.errors.get("retention_in_days")
                            or f"logs:DescribeLogGroups did not report the retention of {group.name}.",
                            resource=group.arn)
    if days == 0:
        return Result.passed(f"Log group {group.name} never expires events.", resource=group.arn)
    if days >= minimum:
        return Result.passed(f"Log group {group.name} keeps events {days} days (minimum {minimum}).",
                             resource=group.arn)
    return Result.failed(f"Log group {group.name} keeps events only {days} days; the minimum is {minimum}.",
                         resource=group.arn)


@rule("cloudwatch_trail_log_group_kms_encrypted", "trail")
def cloudwatch_trail_log_group_kms_encrypted(account: AccountFacts, trail: TrailFacts) -> Result:
    group = _own_trail(account, trail) or trail_log_group(account, trail)
    if isinstance(group, Result):
        return group
    if group.kms_key_id is None:
        return Result.error(group.errors.get("kms_key_id")
                            or f"logs:DescribeLogGroups did not report the KMS key of {group.name}.",
                            resource=group.arn)
    if group.kms_key_id:
        return Result.passed(f"Log group {group.name} is encrypted with KMS key {group.kms_key_id}.",
                             resource=group.arn)
    return Result.failed(f"Log group {group.name} is not encrypted with a KMS key.", resource=group.arn)


# --- S3 ---------------------------------------------------------------------------------------------


@rule("s3_trail_bucket_ownership_enforced", "bucket")
def s3_trail_bucket_ownership_enforced(account: AccountFacts, trail: TrailFacts) -> Result:
    got = bucket_fact(account, trail, "object_ownership", "s3:GetBucketOwnershipControls")
    if isinstance(got, Result):
        return got
    bucket, ownership = got
    if ownership == "BucketOwnerEnforced":
        return Result.passed(f"Bucket {bucket.name} enforces bucket-owner ownership.", resource=bucket_arn(account, bucket.name))
    shown = ownership or "not configured"
    return Result.failed(f"Bucket {bucket.name} object ownership is {shown}, not BucketOwnerEnforced.",
                         resource=bucket_arn(account, bucket.name))


@rule("s3_trail_bucket_versioning_enabled", "bucket")
def s3_trail_bucket_versioning_enabled(account: AccountFacts, trail: TrailFacts) -> Result:
    got = bucket_fact(account, trail, "versioning_status", "s3:GetBucketVersioning")
    if isinstance(got, Result):
        return got
    bucket, status = got
    if status == "Enabled":
        return Result.passed(f"Bucket {bucket.name} has versioning enabled.", resource=bucket_arn(account, bucket.name))
    return Result.failed(f"Bucket {bucket.name} versioning is {status or 'never enabled'}.", resource=bucket_arn(account, bucket.name))


@rule("s3_trail_bucket_sse_kms_enabled", "bucket")
def s3_trail_bucket_sse_kms_enabled(account: AccountFacts, trail: TrailFacts) -> Result:
    got = bucket_fact(account, trail, "sse_algorithm", "s3:GetBucketEncryption")
    if isinstance(got, Result):
        return got
    bucket, algorithm = got
    if algorithm in SSE_KMS:
        return Result.passed(f"Bucket {bucket.name} encrypts by default with {algorithm}.", resource=bucket_arn(account, bucket.name))
    return Result.failed(f"Bucket {bucket.name} default encryption is {algorithm or 'not configured'}, "
                         "not SSE-KMS.", resource=bucket_arn(account, bucket.name))


def _denies_insecure_transport(statement: dict) -> bool:
    actions = as_list(statement.get("Action"))
    if statement.get("Effect") != "Deny" or not ({"s3:*", "*"} & set(actions)):
        return False
    principal = statement.get("Principal")
    if principal not in ("*", {"AWS": "*"}, {"AWS": ["*"]}):
        return False
    secure = ((statement.get("Condition") or {}).get("Bool") or {}).get("aws:SecureTransport")
    return [str(v).lower() for v in as_list(secure)] == ["false"]


def _cloudtrail_writes(statement: dict) -> bool:
    principal = statement.get("Principal")
    services = as_list(principal.get("Service")) if isinstance(principal, dict) else []
    actions = as_list(statement.get("Action"))
    return (statement.get("Effect") == "Allow" and "cloudtrail.amazonaws.com" in services
            and bool({"s3:PutObject", "s3:*", "*"} & set(actions)))


def _scoped_by_source_arn(statement: dict) -> bool:
    conditions = statement.get("Condition") or {}
    return any("aws:SourceArn" in conditions.get(op, {}) for op in _SOURCE_ARN_OPERATORS)


@rule("s3_trail_bucket_policy_secure", "bucket")
def s3_trail_bucket_policy_secure(account: AccountFacts, trail: TrailFacts) -> Result:
    got = bucket_fact(account, trail, "policy", "s3:GetBucketPolicy")
    if isinstance(got, Result):
        return got
    bucket, policy = got
    statements = as_list(policy.get("Statement"))
    problems = []
    if not any(_denies_insecure_transport(s) for s in statements):
        problems.append("no statement denies s3:* when aws:SecureTransport is false")
    writes = [s for s in statements if _cloudtrail_writes(s)]
    if not writes:
        problems.append("no statement lets cloudtrail.amazonaws.com write")
    elif not all(_scoped_by_source_arn(s) for s in writes):
        problems.append("a CloudTrail write statement has no aws:SourceArn condition")
    if problems:
        return Result.failed(f"Bucket {bucket.name} policy: {'; '.join(problems)}.", resource=bucket_arn(account, bucket.name))
    return Result.passed(f"Bucket {bucket.name} policy denies non-TLS access and scopes CloudTrail writes by "
                         "aws:SourceArn.", resource=bucket_arn(account, bucket.name))


@rule("s3_trail_bucket_public_access_block_enabled", "bucket")
def s3_trail_bucket_public_access_block_enabled(account: AccountFacts, trail: TrailFacts) -> Result:
    got = bucket_fact(account, trail, "public_access_block", "s3:GetPublicAccessBlock")
    if isinstance(got, Result):
        return got
    bucket, block = got
    if block.all_on:
        return Result.passed(f"Bucket {bucket.name} blocks public access with all four settings.",
                             resource=bucket_arn(account, bucket.name))
    off = [name for name, on in (("BlockPublicAcls", block.block_public_acls),
                                 ("IgnorePublicAcls", block.ignore_public_acls),
                                 ("BlockPublicPolicy", block.block_public_policy),
                                 ("RestrictPublicBuckets", block.restrict_public_buckets)) if not on]
    return Result.failed(f"Bucket {bucket.name} block public access is off for {', '.join(off)}.",
                         resource=bucket_arn(account, bucket.name))


# --- Organization trail -----------------------------------------------------------------------------


@rule("cloudtrail_organization_trail_enabled", "trail")
def cloudtrail_organization_trail_enabled(account: AccountFacts, trail: TrailFacts, params: AuditParams) -> Result:
    if not params.expect_organization_trail:
        return Result.not_applicable(f"The configuration does not expect trail {trail.name} to be an "
                                     "organization trail.")
    if trail.is_organization is None:
        return Result.error(trail.errors.get("is_organization")
                            or f"cloudtrail:DescribeTrails did not report whether {trail.name} is an "
                            "organization trail.")
    if trail.is_organization:
        return Result.passed(f"Trail {trail.name} is an organization trail.")
    return Result.failed(f"Trail {trail.name} is not an organization trail, but an organization trail is "
                         "expected.")
