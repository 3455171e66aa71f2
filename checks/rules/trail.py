"""Predicates for the CloudTrail trail controls CT-01..CT-17 (CT-06 reserved).

Account-scope controls ask "does some trail do X?": organization trails and multi-region trails homed in
another region count, a trail that is not logging counts for nothing. Trail-scope controls judge each
trail's own settings; an organization trail seen from a member account is NOT_APPLICABLE there because
its settings are assessed once, in the account that owns it. One exception follows the resource, not the
trail: CT-07 also judges, in the account that owns a KMS key, the state of that key when another account's
trail encrypts with it (:func:`guest_key_state`), since a key is assessed where it lives.
"""
from __future__ import annotations

from checks.facts import AccountFacts, KeyFacts, TrailFacts
from checks.model import Result, Status, sentence
from checks.params import AuditParams
from checks.rules import rule
from checks.rules import trail_buckets  # noqa: F401  (registers the bucket-scope rules)
from checks.rules.selectors import management_coverage, s3_object_coverage
from checks.rules.subjects import find_key, foreign_trail, missing
from checks.rules.trail_common import MAX_DELIVERY_AGE, Verdict, age, logging_verdict, multi_region_logging, some_trail

_PASS = (Status.PASS, "")


def management_verdict(trail: TrailFacts) -> Verdict:
    blocked = multi_region_logging(trail)
    if blocked:
        return blocked
    if trail.selectors is None:
        return Status.ERROR, missing(trail, "selectors", "cloudtrail:GetEventSelectors")
    cov = management_coverage(trail.selectors)
    return _PASS if cov.ok else (Status.FAIL, cov.detail)


@rule("cloudtrail_multi_region_management_events_enabled", "account")
def multi_region_management_events_enabled(account: AccountFacts) -> Result:
    return some_trail(account, management_verdict,
                      "is multi-region, logging and records all read and write management events")


@rule("cloudtrail_all_regions_covered", "region")
def all_regions_covered(account: AccountFacts, region: str) -> Result:
    kw = {"resource": account.account_id, "region": region}
    trails = sorted(account.trails or [], key=lambda t: t.arn)
    covering = [t for t in trails if t.is_multi_region or t.home_region == region]
    unknown_scope = [t for t in trails if t.is_multi_region is None and t.home_region != region]
    for trail in covering:
        if logging_verdict(trail) is None:
            return Result.passed(f"Region {region} is covered by logging trail {trail.arn}.", **kw)
    for trail in unknown_scope:  # might be multi-region: no FAIL until we know
        return Result.error(sentence(missing(trail, "is_multi_region", "cloudtrail:DescribeTrails")), **kw)
    for trail in covering:
        verdict = logging_verdict(trail)
        if verdict and verdict[0] is Status.ERROR:
            return Result.error(sentence(verdict[1]), **kw)
    if covering:
        names = ", ".join(t.name for t in covering)
        return Result.failed(f"Region {region} is covered only by trails that are not logging ({names}).", **kw)
    return Result.failed(f"No trail in account {account.account_id} covers region {region}.", **kw)


@rule("cloudtrail_delivery_healthy", "trail")
def delivery_healthy(account: AccountFacts, trail: TrailFacts, params: AuditParams) -> Result:
    if na := foreign_trail(account, trail):
        return na
    status = trail.status
    if status is None or status.is_logging is None:
        return Result.error(sentence(missing(trail, "status", "cloudtrail:GetTrailStatus")))
    if not status.is_logging:
        return Result.not_applicable(f"Trail {trail.name} is not logging, so it delivers nothing "
                                     "(cloudtrail_all_regions_covered reports the gap).")
    if status.latest_delivery_error:
        return Result.failed(f"Trail {trail.name} reports log delivery error {status.latest_delivery_error}.")
    if status.latest_digest_delivery_error:
        return Result.failed(f"Trail {trail.name} reports digest delivery error "
                             f"{status.latest_digest_delivery_error}.")
    if status.latest_delivery_time is None:
        return Result.failed(f"Trail {trail.name} is logging but has never delivered a log file.")
    if age(params, status.latest_delivery_time) > MAX_DELIVERY_AGE:
        return Result.failed(f"Trail {trail.name} last delivered a log file at "
                             f"{status.latest_delivery_time.isoformat()}, more than {_hours()} hours ago.")
    return Result.passed(f"Trail {trail.name} delivered its last log file at "
                         f"{status.latest_delivery_time.isoformat()} without errors.")


def _hours() -> int:
    return int(MAX_DELIVERY_AGE.total_seconds() // 3600)


def _flag(account: AccountFacts, trail: TrailFacts, fact: str, yes: str, no: str) -> Result:
    if na := foreign_trail(account, trail):
        return na
    value = getattr(trail, fact)
    if value is None:
        return Result.error(sentence(missing(trail, fact, "cloudtrail:DescribeTrails")))
    return Result.passed(f"Trail {trail.name} {yes}.") if value else Result.failed(f"Trail {trail.name} {no}.")


def global_events_verdict(trail: TrailFacts) -> Verdict:
    if trail.include_global_service_events is None or trail.is_multi_region is None:
        return Status.ERROR, missing(trail, "include_global_service_events", "cloudtrail:DescribeTrails")
    if not trail.include_global_service_events:
        return Status.FAIL, "does not include global service events"
    # Since 2021 global service events reach single-region trails only when homed in us-east-1.
    if not trail.is_multi_region and trail.home_region != "us-east-1":
        return Status.FAIL, f"is a single-region trail in {trail.home_region}, which receives no global service events"
    return _PASS


@rule("cloudtrail_global_service_events_enabled", "trail")
def global_service_events_enabled(account: AccountFacts, trail: TrailFacts) -> Result:
    return _judge_own_trail(account, trail, lambda: global_events_verdict(trail),
                            f"Trail {trail.name} records global service events.")


def _judge_own_trail(account: AccountFacts, trail: TrailFacts, verdict, passed: str) -> Result:
    """A trail-scope verdict as a Result; an org trail seen from a member is its owner's to assess."""
    if na := foreign_trail(account, trail):
        return na
    status, phrase = verdict()
    if status is Status.ERROR:
        return Result.error(sentence(phrase))
    if status is Status.FAIL:
        return Result.failed(f"Trail {trail.name} {phrase}.")
    return Result.passed(passed)


@rule("cloudtrail_log_file_validation_enabled", "trail")
def log_file_validation_enabled(account: AccountFacts, trail: TrailFacts) -> Result:
    return _flag(account, trail, "log_file_validation_enabled", "has log file validation enabled",
                 "does not have log file validation enabled")


def kms_verdict(account: AccountFacts, trail: TrailFacts) -> Verdict:
    if trail.kms_key_id is None:
        return Status.ERROR, missing(trail, "kms_key_id", "cloudtrail:DescribeTrails")
    if trail.kms_key_id == "":
        return Status.FAIL, "does not encrypt its logs with a KMS key"
    key = find_key(account, trail.kms_key_id)
    # Only an own key's state is judged here; a key owned elsewhere is its owner's to assess. No facts at
    # all (a stack view that does not model keys) leaves the trail's own setting to judge.
    if key is None or (key.owner_account_id or account.account_id) != account.account_id:
        return _PASS
    if key.exists is False:
        return Status.FAIL, f"encrypts with KMS key {key.arn}, which does not exist"
    if key.key_state is None:  # unknown is never "fine": a Disabled key behind AccessDenied must not PASS
        return Status.ERROR, key.errors.get("key_state") or f"kms:DescribeKey did not report the state of key {key.arn}"
    if key.key_state != "Enabled":
        return Status.FAIL, f"encrypts with KMS key {key.arn}, which is {key.key_state}"
    return _PASS


def own_key_of_foreign_trail(account: AccountFacts, trail: TrailFacts) -> KeyFacts | None:
    """This account's KMS key when another account's trail encrypts with it (None otherwise)."""
    owner = trail.owner_account_id
    if not owner or owner == account.account_id or not trail.kms_key_id:
        return None
    key = find_key(account, trail.kms_key_id)
    return key if key is not None and key.owner_account_id == account.account_id else None


def guest_key_state(key: KeyFacts, trail: TrailFacts) -> Result:
    """CT-07 in the key's owner for another account's trail: CloudTrail can encrypt the trail's logs with the key
    only while it is Enabled ("If encryption is enabled on a trail and the KMS key is disabled ... CloudTrail is
    unable to deliver logs", CloudTrail User Guide). The trail is named by its ARN (it is another account's)."""
    used = f"KMS key {key.arn} used by trail {trail.arn}"
    if key.exists is False:
        return Result.failed(f"{used} does not exist.", resource=key.arn)
    if key.key_state is None:  # unknown is never "fine", as in kms_verdict
        return Result.error(sentence(key.errors.get("key_state")
                                     or f"kms:DescribeKey did not report the state of {used}"), resource=key.arn)
    if key.key_state != "Enabled":
        return Result.failed(f"{used} is {key.key_state}.", resource=key.arn)
    return Result.passed(f"{used} is Enabled.", resource=key.arn)


@rule("cloudtrail_kms_encryption_enabled", "trail", judges="key")
def kms_encryption_enabled(account: AccountFacts, trail: TrailFacts) -> Result:
    if (key := own_key_of_foreign_trail(account, trail)) is not None:
        return guest_key_state(key, trail)
    if trail.kms_key_id is None and foreign_trail(account, trail):  # the key may be ours: fail closed
        return Result.error(sentence(missing(trail, "kms_key_id", "cloudtrail:DescribeTrails")))
    return _judge_own_trail(account, trail, lambda: kms_verdict(account, trail),
                            f"Trail {trail.name} encrypts its logs with KMS key {trail.kms_key_id}.")


@rule("cloudtrail_cloudwatch_logs_integrated", "trail")
def cloudwatch_logs_integrated(account: AccountFacts, trail: TrailFacts, params: AuditParams) -> Result:
    if na := foreign_trail(account, trail):
        return na
    group = trail.cloudwatch_logs_log_group_arn
    if group is None:
        return Result.error(sentence(missing(trail, "cloudwatch_logs_log_group_arn", "cloudtrail:DescribeTrails")))
    if group == "":
        return Result.failed(f"Trail {trail.name} does not deliver to CloudWatch Logs.")
    status = trail.status
    if status is None:
        return Result.error(sentence(missing(trail, "status", "cloudtrail:GetTrailStatus")))
    if status.latest_cloudwatch_logs_delivery_error:
        return Result.failed(f"Trail {trail.name} reports CloudWatch Logs delivery error "
                             f"{status.latest_cloudwatch_logs_delivery_error}.")
    when = status.latest_cloudwatch_logs_delivery_time
    # Staleness only means something while the trail logs; an idle, stopped trail is CT-02's business
    # (Prowler #1808 fails such trails here).
    if when is not None and status.is_logging and age(params, when) > MAX_DELIVERY_AGE:
        return Result.failed(f"Trail {trail.name} last delivered to CloudWatch Logs at {when.isoformat()}, "
                             f"more than {_hours()} hours ago.")
    seen = f"last delivered at {when.isoformat()}" if when else "delivery time not reported"
    return Result.passed(f"Trail {trail.name} delivers to log group {group} without errors ({seen}).")


def s3_verdict(account: AccountFacts, trail: TrailFacts, *, write: bool) -> Verdict:
    blocked = multi_region_logging(trail)
    if blocked:
        return blocked
    if trail.selectors is None:
        return Status.ERROR, missing(trail, "selectors", "cloudtrail:GetEventSelectors")
    exempt = {trail.s3_bucket_name or ""}
    bucket = account.buckets.get(trail.s3_bucket_name or "")
    if bucket and bucket.logging_target_bucket:
        exempt.add(bucket.logging_target_bucket)
    # "All buckets" means all (CIS 3.8/3.9, Config cloudtrail-all-*-s3-data-event-check): any exclusion is a
    # definite FAIL, so the log bucket's access-log target (which only words the reason) may stay unknown.
    cov = s3_object_coverage(trail.selectors, write=write, partition=account.partition, exempt_buckets=exempt)
    return (Status.PASS if cov.ok else Status.FAIL), cov.detail


@rule("cloudtrail_s3_write_data_events_enabled", "account")
def s3_write_data_events_enabled(account: AccountFacts) -> Result:
    return some_trail(account, lambda t: s3_verdict(account, t, write=True),
                      "is multi-region, logging and records S3 object write events for all buckets")


@rule("cloudtrail_s3_read_data_events_enabled", "account")
def s3_read_data_events_enabled(account: AccountFacts) -> Result:
    return some_trail(account, lambda t: s3_verdict(account, t, write=False),
                      "is multi-region, logging and records S3 object read events for all buckets")


def security_trail_verdict(account: AccountFacts, trail: TrailFacts) -> Verdict:
    for verdict in (management_verdict(trail), global_events_verdict(trail)):
        if verdict[0] is not Status.PASS:
            return verdict
    if trail.log_file_validation_enabled is None:
        return Status.ERROR, missing(trail, "log_file_validation_enabled", "cloudtrail:DescribeTrails")
    if not trail.log_file_validation_enabled:
        return Status.FAIL, "does not have log file validation enabled"
    return kms_verdict(account, trail)


@rule("cloudtrail_security_trail_enabled", "account")
def security_trail_enabled(account: AccountFacts) -> Result:
    return some_trail(account, lambda t: security_trail_verdict(account, t),
                      "is multi-region, logging all management events and global service events, "
                      "validated and KMS-encrypted")


def insights_verdict(trail: TrailFacts) -> Verdict:
    blocked = logging_verdict(trail)
    if blocked:
        return blocked
    if trail.insight_types is None:
        return Status.ERROR, missing(trail, "insight_types", "cloudtrail:GetInsightSelectors")
    if not trail.insight_types:
        return Status.FAIL, "has no Insights selector"
    return Status.PASS, "with " + ", ".join(sorted(trail.insight_types))


@rule("cloudtrail_insights_enabled", "account")
def insights_enabled(account: AccountFacts) -> Result:
    return some_trail(account, insights_verdict, "is logging and has CloudTrail Insights enabled")


@rule("cloudtrail_trail_tagged", "trail")
def trail_tagged(account: AccountFacts, trail: TrailFacts, params: AuditParams) -> Result:
    if na := foreign_trail(account, trail):
        return na
    if trail.tags is None:
        return Result.error(sentence(missing(trail, "tags", "cloudtrail:ListTags")))
    keys = {k for k in trail.tags if not k.startswith("aws:")}  # system tags are not the owner's choice
    absent = [k for k in params.required_tag_keys if k not in keys]
    if absent:
        return Result.failed(f"Trail {trail.name} lacks the required tag key(s) {', '.join(absent)}.")
    if not keys:
        return Result.failed(f"Trail {trail.name} has no tags.")
    return Result.passed(f"Trail {trail.name} is tagged with {', '.join(sorted(keys))}.")


@rule("cloudtrail_sns_notifications_enabled", "trail")
def sns_notifications_enabled(account: AccountFacts, trail: TrailFacts) -> Result:
    if na := foreign_trail(account, trail):
        return na
    if trail.sns_topic_arn is None:
        return Result.error(sentence(missing(trail, "sns_topic_arn", "cloudtrail:DescribeTrails")))
    if not trail.sns_topic_arn:
        return Result.failed(f"Trail {trail.name} sends no SNS notification on log delivery.")
    return Result.passed(f"Trail {trail.name} notifies SNS topic {trail.sns_topic_arn} on log delivery.")
