"""What a trail leans on (its bucket, KMS key and log group) and whose it is: one reading for every rule module.

Each resolver returns the resource's facts, or the Result that says why it cannot be judged here:

- unknown (the trail's setting or the resource's facts were not collected): ERROR naming the API;
- gone (a definite NotFound/NoSuchBucket): FAIL, the trail delivers or encrypts with nothing;
- owned by another account (a log-archive bucket, an organization trail's key seen from a member):
  NOT_APPLICABLE naming the owner, because only the owner can change it and its run assesses it.

Whose the resource is decides, not whose the trail is. A bucket or KMS key is assessed in the account that owns
it, even for another account's trail: the management account's organization trail may write to a log-archive
account's bucket and encrypt with a security account's key (the layout AWS SRA uses), and that account judges
them while the management account and the members say "owned by account <owner>". A log group is always the
trail owner's: CreateTrail's API reference says of CloudWatchLogsLogGroupArn "You must use a log group that
exists in your account", so the log-group rules leave another account's trail to its owner.

Every Result names the resource by the one ARN :mod:`checks.arns` builds in the account's partition, so a
resource is named the same way by PASS, FAIL, ERROR and NOT_APPLICABLE (waivers and fingerprints hold).
"""
from __future__ import annotations

from checks.arns import arn_account, s3_bucket_arn
from checks.facts import AccountFacts, BucketFacts, KeyFacts, LogGroupFacts, TrailFacts
from checks.model import Result, sentence
from checks.org_owners import bucket_owner_reason


def unknown_logging_fact(trail: TrailFacts) -> str | None:
    """Why the trail's multi-region setting, logging status or event selectors is unknown (None when all three
    are known): what CH-01 and the CIS monitoring controls need to tell whether a trail records everything."""
    if trail.is_multi_region is None:
        return trail.errors.get("is_multi_region") or f"the multi-region setting of trail {trail.name} is unknown"
    if trail.status is None or trail.status.is_logging is None:
        return trail.errors.get("status") or f"cloudtrail:GetTrailStatus did not report trail {trail.name}"
    if trail.selectors is None:
        return trail.errors.get("selectors") or f"cloudtrail:GetEventSelectors did not report trail {trail.name}"
    return None


def missing(trail: TrailFacts, fact: str, api: str) -> str:
    """The collector's error sentence for an unknown fact, or one naming the API that should have said."""
    return trail.errors.get(fact) or f"{api} did not report {fact} for trail {trail.name}."


def owned_elsewhere(account: AccountFacts, owner: str | None, what: str, **kw) -> Result | None:
    """NOT_APPLICABLE when ``owner`` is known and is not the audited account."""
    if owner and owner != account.account_id:
        return Result.not_applicable(f"{what} is owned by account {owner}.", **kw)
    return None


def foreign_trail(account: AccountFacts, trail: TrailFacts) -> Result | None:
    """NOT_APPLICABLE for an organization trail seen from a member account: assessed where it is owned."""
    owner = trail.owner_account_id
    if owner and owner != account.account_id:
        return Result.not_applicable(
            f"Trail {trail.arn} is owned by account {owner}; it is assessed in that account.")
    return None


def trail_label(account: AccountFacts, trail: TrailFacts) -> str:
    """How a reason names the trail: its name when it is the audited account's, its ARN when it is another
    account's (a resource judged here for a trail owned elsewhere; a name alone is ambiguous there)."""
    owner = trail.owner_account_id
    return trail.arn if owner and owner != account.account_id else trail.name


# --- S3 ---------------------------------------------------------------------------------------------


def bucket_arn(account: AccountFacts, name: str) -> str:
    return s3_bucket_arn(account.partition, name)


def trail_bucket(account: AccountFacts, trail: TrailFacts) -> BucketFacts | Result:
    """The trail's log bucket facts, or the Result that says why the bucket cannot be judged here."""
    name = trail.s3_bucket_name
    if name is None:
        return Result.error(sentence(missing(trail, "s3_bucket_name", "cloudtrail:DescribeTrails")))
    arn = bucket_arn(account, name)
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


def bucket_fact(account: AccountFacts, trail: TrailFacts, fact: str, api: str) -> tuple[BucketFacts, object] | Result:
    """(bucket, value) for one BucketFacts field of the trail's own bucket, or the Result when it cannot be judged."""
    bucket = trail_bucket(account, trail)
    if isinstance(bucket, Result):
        return bucket
    value = getattr(bucket, fact)
    if value is None:
        return Result.error(sentence(bucket.errors.get(fact) or f"{api} did not answer for bucket {bucket.name}"),
                            resource=bucket_arn(account, bucket.name))
    return bucket, value


# --- KMS --------------------------------------------------------------------------------------------


def find_key(account: AccountFacts, key_id: str) -> KeyFacts | None:
    """The facts of a key named by ARN, or by bare key id (matched against the key ARNs' last segment)."""
    key = account.keys.get(key_id)
    if key is None and key_id and not key_id.startswith("arn:"):
        suffix = key_id.rsplit("/", 1)[-1]
        key = next((k for k in account.keys.values() if k.arn.endswith("/" + suffix)), None)
    return key


def trail_key(account: AccountFacts, trail: TrailFacts) -> KeyFacts | Result:
    """The trail's KMS key facts, or the Result that says why they cannot be judged here. Only the key's owner
    decides: a key this account owns is judged here even when the trail is another account's."""
    if trail.kms_key_id is None:
        return Result.error(sentence(trail.errors.get("kms_key_id")
                                     or f"cloudtrail:DescribeTrails did not report the KMS key of trail {trail.name}"))
    if trail.kms_key_id == "":
        return Result.not_applicable(f"Trail {trail.name} does not encrypt with a KMS key.")
    key = find_key(account, trail.kms_key_id)
    if key is None:
        return owned_elsewhere(account, arn_account(trail.kms_key_id), f"KMS key {trail.kms_key_id}",
                               resource=trail.kms_key_id) or Result.error(
            f"kms:DescribeKey did not report key {trail.kms_key_id} used by trail {trail_label(account, trail)}.")
    if key.exists is False:
        return Result.failed(f"KMS key {key.arn} of trail {trail_label(account, trail)} does not exist.",
                             resource=key.arn)
    if key.key_manager is None and key.errors.get("key_manager"):
        return Result.error(sentence(key.errors["key_manager"]), resource=key.arn)
    return owned_elsewhere(account, key.owner_account_id, f"KMS key {key.arn}", resource=key.arn) or key


# --- CloudWatch Logs --------------------------------------------------------------------------------


def log_group_placement(account: AccountFacts, trail: TrailFacts) -> tuple[str, str]:
    """(kind, detail): kind is group | foreign | none | unknown; detail the log group ARN (no ":*") or a reason.

    ``foreign``: the group (or, for an organization trail seen from a member, the delivery setting) is another
    account's, or lies in a region outside the audit; only its owner can see or fix it."""
    arn = trail.cloudwatch_logs_log_group_arn
    if arn is None:
        return "unknown", trail.errors.get("cloudwatch_logs_log_group_arn") or (
            f"cloudtrail:DescribeTrails did not report the log group of trail {trail.name}")
    if arn == "" and trail.owner_account_id and trail.owner_account_id != account.account_id:
        # An organization trail seen from a member: its delivery is the owner's setting, assessed once there.
        return "foreign", (f"trail {trail.name} is owned by account {trail.owner_account_id}, where its "
                           "CloudWatch Logs delivery is assessed")
    if arn == "":
        return "none", f"trail {trail.name} does not deliver to CloudWatch Logs"
    arn = arn.removesuffix(":*")
    owner, region = arn_account(arn), arn.split(":")[3]
    if owner and owner != account.account_id:
        return "foreign", f"trail {trail.name} delivers to log group {arn} in account {owner}"
    if account.enabled_regions is not None and region not in account.enabled_regions:
        return "foreign", f"trail {trail.name} delivers to log group {arn} in region {region}, outside the audit"
    return "group", arn


def trail_log_group(account: AccountFacts, trail: TrailFacts) -> LogGroupFacts | Result:
    """The trail's log group facts, or the Result that says why they cannot be judged."""
    arn = trail.cloudwatch_logs_log_group_arn
    if arn is None:
        return Result.error(sentence(trail.errors.get("cloudwatch_logs_log_group_arn")
                                     or f"cloudtrail:DescribeTrails did not report the log group of trail {trail.name}"))
    if arn == "":
        return Result.not_applicable(f"Trail {trail.name} does not deliver to CloudWatch Logs.")
    arn = arn.removesuffix(":*")
    group = account.log_groups.get(arn)
    if group is None:
        return owned_elsewhere(account, arn_account(arn), f"Log group {arn}") or Result.error(
            f"logs:DescribeLogGroups did not report log group {arn} of trail {trail.name}.")
    return owned_elsewhere(account, group.owner_account_id, f"Log group {arn}") or group


# --- names only ---------------------------------------------------------------------------------------
# For rules that match events by name rather than judge facts (checks/rules/history.py's tamper events): a
# name is known from DescribeTrails alone, so these need neither the resource's facts nor its owner.

RESOURCE_SETTINGS = ("s3_bucket_name", "kms_key_id", "cloudwatch_logs_log_group_arn")


def unknown_setting(trail: TrailFacts) -> str | None:
    """Why one of the trail's bucket, key or log group settings is unknown (None when all three are known)."""
    for fact in RESOURCE_SETTINGS:
        if getattr(trail, fact) is None:
            return missing(trail, fact, "cloudtrail:DescribeTrails")
    return None


def key_names(trail: TrailFacts) -> tuple[str, ...]:
    """The names events may give the trail's KMS key: as the trail reports it and its bare key id (the forms
    :func:`find_key` matches); () when it does not encrypt with a KMS key."""
    key_id = trail.kms_key_id or ""
    return (key_id, key_id.rsplit("/", 1)[-1]) if key_id else ()


def log_group_name(trail: TrailFacts) -> str:
    """The name of the trail's log group (its ARN without ``:*``, after ``:log-group:``); "" when none."""
    arn = (trail.cloudwatch_logs_log_group_arn or "").removesuffix(":*")
    return arn.split(":log-group:")[-1] if arn else ""
