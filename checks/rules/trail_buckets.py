"""Bucket-scope predicates for the trail's log bucket: CT-09 (not public), CT-10 (access logging),
CT-11 (deletion protection). One finding per distinct trail bucket; a bucket owned by another account
(a central log-archive bucket, or an organization trail's bucket seen from a member) is NOT_APPLICABLE.
"""
from __future__ import annotations

from checks.facts import AccountFacts, BucketFacts, TrailFacts
from checks.model import Result, sentence
from checks.rules import rule
from checks.rules.bucket_exposure import exposure
from checks.rules.subjects import bucket_arn, trail_bucket


@rule("cloudtrail_bucket_not_public", "bucket")
def bucket_not_public(account: AccountFacts, trail: TrailFacts) -> Result:
    bucket = trail_bucket(account, trail)
    if isinstance(bucket, Result):
        return bucket
    public, why = exposure(account, bucket)
    arn = bucket_arn(account, bucket.name)
    if public is None:
        return Result.error(sentence(why), resource=arn)
    if public:
        return Result.failed(f"Bucket {bucket.name} is public: {why}.", resource=arn)
    return Result.passed(f"Bucket {bucket.name} is not publicly accessible.", resource=arn)


@rule("cloudtrail_bucket_access_logging_enabled", "bucket")
def bucket_access_logging_enabled(account: AccountFacts, trail: TrailFacts) -> Result:
    bucket = trail_bucket(account, trail)
    if isinstance(bucket, Result):
        return bucket
    target, arn = bucket.logging_target_bucket, bucket_arn(account, bucket.name)
    if target is None:
        return Result.error(sentence(bucket.errors.get("logging_target_bucket")
                                     or f"s3:GetBucketLogging did not answer for bucket {bucket.name}"), resource=arn)
    if not target:
        return Result.failed(f"Bucket {bucket.name} has no server access logging.", resource=arn)
    return Result.passed(f"Bucket {bucket.name} writes server access logs to bucket {target}.", resource=arn)


def _locked(bucket: BucketFacts) -> bool | None:
    if bucket.object_lock_enabled is None:
        return None
    return bool(bucket.object_lock_enabled and bucket.object_lock_mode and bucket.object_lock_days)


@rule("cloudtrail_bucket_deletion_protection_enabled", "bucket")
def bucket_deletion_protection_enabled(account: AccountFacts, trail: TrailFacts) -> Result:
    bucket = trail_bucket(account, trail)
    if isinstance(bucket, Result):
        return bucket
    kw = {"resource": bucket_arn(account, bucket.name)}
    if _locked(bucket):
        return Result.passed(f"Bucket {bucket.name} has Object Lock with a default {bucket.object_lock_mode} "
                             f"retention of {bucket.object_lock_days} days.", **kw)
    if bucket.mfa_delete == "Enabled":
        return Result.passed(f"Bucket {bucket.name} requires MFA to delete object versions.", **kw)
    if _locked(bucket) is None:
        return Result.error(sentence(bucket.errors.get("object_lock_enabled") or
                                     f"s3:GetObjectLockConfiguration did not answer for bucket {bucket.name}"), **kw)
    if bucket.mfa_delete is None:
        return Result.error(sentence(bucket.errors.get("mfa_delete") or
                                     f"s3:GetBucketVersioning did not answer for bucket {bucket.name}"), **kw)
    lock = "Object Lock without a default retention" if bucket.object_lock_enabled else "no Object Lock"
    return Result.failed(f"Bucket {bucket.name} has {lock} and no MFA Delete.", **kw)
