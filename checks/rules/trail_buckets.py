"""Bucket-scope predicates for the trail's log bucket: CT-09 (not public), CT-10 (access logging),
CT-11 (deletion protection). One finding per distinct trail bucket; a bucket owned by another account
(a central log-archive bucket, or an organization trail's bucket seen from a member) is NOT_APPLICABLE.
"""
from __future__ import annotations

from checks.facts import AccountFacts, BucketFacts, TrailFacts
from checks.model import Result
from checks.org_owners import bucket_owner_reason
from checks.rules import rule
from checks.rules.bucket_exposure import exposure
from checks.rules.trail_common import missing, sentence


def trail_bucket(account: AccountFacts, trail: TrailFacts) -> BucketFacts | Result:
    """The trail's own bucket facts, or the Result that says why the bucket cannot be judged here."""
    name = trail.s3_bucket_name
    if name is None:
        return Result.error(sentence(missing(trail, "s3_bucket_name", "cloudtrail:DescribeTrails")))
    arn = f"arn:{account.partition}:s3:::{name}"
    bucket = account.buckets.get(name)
    if bucket is None:
        return Result.error(f"No facts were collected for bucket {name} of trail {trail.name}.", resource=arn)
    if bucket.exists is False:  # NoSuchBucket is a definite answer: the trail delivers nowhere
        return Result.failed(f"Bucket {name} of trail {trail.name} does not exist.", resource=arn)
    owner = bucket.owner_account_id
    if owner and owner != account.account_id:
        return Result.not_applicable(bucket_owner_reason(name, owner), resource=arn)
    if not owner and bucket.owned_elsewhere:
        return Result.not_applicable(bucket_owner_reason(name, None), resource=arn)
    if not owner:
        return Result.error(sentence(bucket.errors.get("owner_account_id")
                                     or f"s3:ListBuckets did not tell who owns bucket {name}"), resource=arn)
    return bucket


@rule("cloudtrail_bucket_not_public", "bucket")
def bucket_not_public(account: AccountFacts, trail: TrailFacts) -> Result:
    bucket = trail_bucket(account, trail)
    if isinstance(bucket, Result):
        return bucket
    public, why = exposure(account, bucket)
    if public is None:
        return Result.error(sentence(why), resource=bucket.arn)
    if public:
        return Result.failed(f"Bucket {bucket.name} is public: {why}.", resource=bucket.arn)
    return Result.passed(f"Bucket {bucket.name} is not publicly accessible.", resource=bucket.arn)


@rule("cloudtrail_bucket_access_logging_enabled", "bucket")
def bucket_access_logging_enabled(account: AccountFacts, trail: TrailFacts) -> Result:
    bucket = trail_bucket(account, trail)
    if isinstance(bucket, Result):
        return bucket
    target = bucket.logging_target_bucket
    if target is None:
        return Result.error(sentence(bucket.errors.get("logging_target_bucket")
                                     or f"s3:GetBucketLogging did not answer for bucket {bucket.name}"),
                            resource=bucket.arn)
    if not target:
        return Result.failed(f"Bucket {bucket.name} has no server access logging.", resource=bucket.arn)
    return Result.passed(f"Bucket {bucket.name} writes server access logs to bucket {target}.", resource=bucket.arn)


def _locked(bucket: BucketFacts) -> bool | None:
    if bucket.object_lock_enabled is None:
        return None
    return bool(bucket.object_lock_enabled and bucket.object_lock_mode and bucket.object_lock_days)


@rule("cloudtrail_bucket_deletion_protection_enabled", "bucket")
def bucket_deletion_protection_enabled(account: AccountFacts, trail: TrailFacts) -> Result:
    bucket = trail_bucket(account, trail)
    if isinstance(bucket, Result):
        return bucket
    kw = {"resource": bucket.arn}
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
