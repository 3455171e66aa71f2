"""The CloudTrail trail controls CT-01..CT-17 (controls.md §6).

CT-06 (digest chain verification) is in ``checks.catalog.integrity`` (judged by ``trailguard verify``);
CT-18..CT-20 are reserved for later work: their refs are not reused.
"""
from __future__ import annotations

from checks.catalog import Control, FrameworkRef, register
from checks.model import Severity

_LIVE = frozenset({"live"})
_BOTH = frozenset({"live", "stack"})


def _cis(item: str, version: str) -> FrameworkRef:
    return FrameworkRef("CIS AWS Foundations", item, version)


def _sh(item: str) -> FrameworkRef:
    return FrameworkRef("AWS Security Hub", item)


def _config(item: str) -> FrameworkRef:
    return FrameworkRef("AWS Config", item)


def _ct(*, frameworks, targets=_BOTH, **kw) -> Control:
    return register(Control(family="trail", frameworks=tuple(frameworks), targets=targets, **kw))


_ct(
    ref="CT-01",
    id="cloudtrail_multi_region_management_events_enabled",
    policy_kind="resource",
    pass_when=("some trail is multi-region, **logging**, and its selectors record every read and write "
        "management event of every event source"),
    setting_note="(leave off)",
    collects=frozenset({"status", "selectors"}),
    title="A multi-region trail that is logging records all read and write management events",
    severity=Severity.HIGH,
    rationale="Without every management event from every region, API activity (including attacker activity in "
        "unused regions) is invisible; selector exclusions silently remove whole services such as KMS.",
    remediation="Keep the organization trail multi-region and logging, with a management selector that records reads "
        "and writes and excludes no event source.",
    remediation_setting="trailguard:disableMultiRegion",
    frameworks=[_cis("3.1", "1.4-5.0"), _cis("4.1", "6.0+"), _sh("CloudTrail.1"),
         _config("multi-region-cloudtrail-enabled")],
)
_ct(
    ref="CT-02",
    id="cloudtrail_all_regions_covered",
    pass_when="a **logging** trail is homed in the region or is multi-region (organization trails count)",
    collects=frozenset({"status", "regions"}),
    title="Every enabled region is covered by a logging trail",
    severity=Severity.HIGH,
    rationale="A region without a logging trail is a blind spot an attacker can use without leaving a record.",
    remediation="Deploy the multi-region organization trail and keep it logging; it covers every enabled region, "
        "including opt-in regions enabled later.",
    remediation_setting="trailguard:disableMultiRegion",
    frameworks=[_cis("3.1", "1.4-5.0"), _cis("4.1", "6.0+"), _sh("CloudTrail.3"), _config("cloudtrail-enabled")],
    targets=_LIVE,
)
_ct(
    ref="CT-03",
    id="cloudtrail_delivery_healthy",
    pass_when="no `LatestDeliveryError` / `LatestDigestDeliveryError`, last delivery < 24 h (N/A when not logging)",
    collects=frozenset({"status"}),
    title="The trail delivers log files and digests without errors",
    severity=Severity.MEDIUM,
    rationale="A trail can be logging while every delivery fails (bucket policy or KMS key policy broken): the "
        "events are then lost, and nothing else reports it.",
    remediation="Fix the bucket policy or the KMS key policy named in the delivery error so CloudTrail can write "
        "log files and digests; the component's bucket and key policies grant exactly what delivery needs.",
    remediation_setting="",
    # No CIS/Security Hub/Config item checks delivery health; Cloud Custodian's check-cloudtrail
    # "running" option is the closest public equivalent.
    frameworks=[FrameworkRef("Cloud Custodian", "check-cloudtrail running")],
    targets=_LIVE,
)
_ct(
    ref="CT-04",
    id="cloudtrail_global_service_events_enabled",
    policy_kind="resource",
    pass_when="`IncludeGlobalServiceEvents`, on a multi-region trail (or a single-region trail homed in us-east-1)",
    collects=frozenset(),
    title="The trail records global service events (IAM, STS, CloudFront)",
    severity=Severity.MEDIUM,
    rationale="IAM and STS changes are global service events; a trail that omits them misses credential and "
        "permission changes.",
    remediation="Enable IncludeGlobalServiceEvents on the multi-region trail.",
    remediation_setting="trailguard:disableGlobalServiceEvents",
    frameworks=[_config("cloudtrail-security-trail-enabled")],
)
_ct(
    ref="CT-05",
    id="cloudtrail_log_file_validation_enabled",
    policy_kind="resource",
    pass_when="`LogFileValidationEnabled`",
    collects=frozenset(),
    title="Log file integrity validation is enabled",
    severity=Severity.MEDIUM,
    rationale="Signed digest files are the only way to prove that log files were not modified or deleted after "
        "delivery.",
    remediation="Enable log file validation on the trail.",
    remediation_setting="trailguard:disableLogFileValidation",
    frameworks=[_cis("3.2", "1.4-5.0"), _cis("4.2", "6.0+"), _sh("CloudTrail.4"),
         _config("cloud-trail-log-file-validation-enabled")],
)
_ct(
    ref="CT-07",
    id="cloudtrail_kms_encryption_enabled",
    policy_kind="resource",
    pass_when="`KmsKeyId` set, and a key this account owns is `Enabled` (also for another account's trail)",
    collects=frozenset({"keys"}),
    title="Trail logs are encrypted with a KMS key (SSE-KMS)",
    severity=Severity.MEDIUM,
    rationale="With SSE-KMS, reading the logs also needs kms:Decrypt, a second, separately audited permission; a "
        "disabled or deleted key stops delivery.",
    remediation="Set KmsKeyId on the trail to an enabled customer-managed key whose policy lets CloudTrail encrypt.",
    remediation_setting="trailguard:disableTrailEncryption",
    frameworks=[_cis("3.7", "1.4-2.0"), _cis("3.5", "3.0-5.0"), _cis("4.5", "6.0+"), _sh("CloudTrail.2"),
         _config("cloud-trail-encryption-enabled")],
)
_ct(
    ref="CT-08",
    id="cloudtrail_cloudwatch_logs_integrated",
    policy_kind="resource",
    pass_when=("`CloudWatchLogsLogGroupArn` set, no CloudWatch Logs delivery error, delivery < 24 h when the "
        "time is reported"),
    collects=frozenset({"status"}),
    title="The trail delivers to CloudWatch Logs without errors",
    severity=Severity.LOW,
    rationale="Real-time metric filters and alarms (the CIS monitoring controls) only see events delivered to "
        "CloudWatch Logs.",
    remediation="Set CloudWatchLogsLogGroupArn and CloudWatchLogsRoleArn on the trail, with a role CloudTrail can "
        "assume to write to the log group.",
    remediation_setting="trailguard:disableCloudWatchLogs",
    frameworks=[_cis("3.4", "1.4-2.0"), _sh("CloudTrail.5"), _config("cloud-trail-cloud-watch-logs-enabled")],
)
_ct(
    ref="CT-09",
    id="cloudtrail_bucket_not_public",
    pass_when="neither ACL grants nor the bucket policy make the bucket public (see below)",
    collects=frozenset({"bucket:public"}),
    title="The trail's log bucket is not publicly accessible",
    severity=Severity.CRITICAL,
    rationale="Trail logs map the whole account (principals, resources, IP addresses); a public bucket hands that "
        "map to anyone.",
    remediation="Turn on all four S3 Block Public Access settings for the bucket and account, remove public ACL "
        "grants and any bucket policy statement that allows Principal '*' without a restricting condition.",
    remediation_setting="",
    frameworks=[_cis("3.3", "1.4-2.0"), _sh("CloudTrail.6"), _config("cloudtrail-s3-bucket-public-access-prohibited")],
)
_ct(
    ref="CT-10",
    id="cloudtrail_bucket_access_logging_enabled",
    pass_when="server access logging on",
    collects=frozenset({"bucket:logging"}),
    title="The trail's log bucket has server access logging",
    severity=Severity.LOW,
    rationale="Access logs on the log bucket show who read or tried to delete the audit trail itself.",
    remediation="Enable server access logging on the log bucket, to a different bucket.",
    remediation_setting="trailguard:disableAccessLogging",
    frameworks=[_cis("3.6", "1.4-2.0"), _cis("3.4", "3.0-5.0"), _cis("4.4", "6.0+"), _sh("CloudTrail.7"),
         _config("cloudtrail-s3-bucket-access-logging")],
)
_ct(
    ref="CT-11",
    id="cloudtrail_bucket_deletion_protection_enabled",
    pass_when="Object Lock with a default retention, or versioning MFA Delete",
    setting_note="(+ `objectLockMode`)",
    collects=frozenset({"bucket:lock"}),
    title="The trail's log bucket protects log objects from deletion",
    severity=Severity.MEDIUM,
    rationale="An attacker with s3:DeleteObject can erase the evidence; MFA Delete or Object Lock with a default "
        "retention makes that impossible without a second factor or before the retention ends.",
    remediation="Create the log bucket with Object Lock and a default retention (COMPLIANCE mode for regulated "
        "accounts), or enable versioning with MFA Delete; the component's trailguard:objectLockMode "
        "chooses the mode.",
    remediation_setting="trailguard:disableObjectLock",
    frameworks=[_cis("2.1.2", "2.0")],
)
_ct(
    ref="CT-12",
    id="cloudtrail_s3_write_data_events_enabled",
    pass_when=("a multi-region logging trail records S3 object **writes** of all current and future buckets (no "
        "bucket left out, the log bucket included)"),
    setting_note="(`s3-write` preset); keep `trailguard:excludeLogBucketsFromDataEvents` off",
    collects=frozenset({"status", "selectors", "bucket:logging"}),
    title="A multi-region trail records S3 object write events for all buckets",
    severity=Severity.MEDIUM,
    rationale="Object-level writes and deletes (PutObject, DeleteObject) are data events, invisible to a "
        "management-events-only trail.",
    remediation="Add an advanced event selector for AWS::S3::Object data events with no readOnly narrowing and no "
        "resources.ARN narrowing other than the trail's own log buckets (the s3-write preset of "
        "trailguard:eventSelectors).",
    remediation_setting="trailguard:eventSelectors",
    frameworks=[_cis("3.10", "1.4-2.0"), _cis("3.8", "3.0-5.0"), _cis("4.8", "6.0+"),
         _config("cloudtrail-all-write-s3-data-event-check")],
)
_ct(
    ref="CT-13",
    id="cloudtrail_s3_read_data_events_enabled",
    pass_when="the same for **reads**",
    setting_note="(`s3-read` preset)",
    collects=frozenset({"status", "selectors", "bucket:logging"}),
    title="A multi-region trail records S3 object read events for all buckets",
    severity=Severity.MEDIUM,
    rationale="Object-level reads (GetObject) are how data is exfiltrated; they are data events, invisible to a "
        "management-events-only trail.",
    remediation="Add an advanced event selector for AWS::S3::Object data events with no readOnly narrowing (or "
        "readOnly = true) and no resources.ARN narrowing other than the trail's own log buckets (the "
        "s3-read preset of trailguard:eventSelectors).",
    remediation_setting="trailguard:eventSelectors",
    frameworks=[_cis("3.11", "1.4-2.0"), _cis("3.9", "3.0-5.0"), _cis("4.9", "6.0+"),
         _config("cloudtrail-all-read-s3-data-event-check")],
)
_ct(
    ref="CT-14",
    id="cloudtrail_security_trail_enabled",
    pass_when="**one** trail meets CT-01 + CT-04 + CT-05 + CT-07 at once",
    setting_note="and defaults",
    collects=frozenset({"status", "selectors", "keys"}),
    title="One trail meets the security best practices at the same time",
    severity=Severity.MEDIUM,
    rationale="Controls met by different trails can each pass while no single trail is trustworthy; one trail "
        "must be multi-region, logging all management events, recording global events, validated and "
        "KMS-encrypted.",
    remediation="Use the organization trail with its secure defaults (multi-region, all management events, global "
        "service events, log file validation, KMS).",
    remediation_setting="trailguard:eventSelectors",
    frameworks=[_config("cloudtrail-security-trail-enabled")],
)
_ct(
    ref="CT-15",
    id="cloudtrail_insights_enabled",
    pass_when="a logging trail has an Insights selector",
    collects=frozenset({"status", "insights"}),
    title="A logging trail has CloudTrail Insights enabled",
    severity=Severity.LOW,
    rationale="Insights flags unusual API call and error rates (credential abuse, runaway automation) without "
        "hand-written alarms.",
    remediation="Enable ApiCallRateInsight and ApiErrorRateInsight on the organization trail.",
    remediation_setting="trailguard:insights",
    # No CIS/Security Hub/Config item; Prowler is the only public scanner with this check.
    frameworks=[FrameworkRef("Prowler", "cloudtrail_insights_exist")],
)
_ct(
    ref="CT-16",
    id="cloudtrail_trail_tagged",
    policy_kind="resource",
    config_schema={"requiredTagKeys": {
        "type": "array", "items": {"type": "string"}, "default": [],
        "description": "Tag keys every trail must carry (aws: system tags are ignored).",
    }},
    pass_when="tag keys ⊇ `--required-tags` (`aws:` tags ignored); with none required, at least one tag",
    collects=frozenset({"tags"}),
    title="The trail carries the required tags",
    severity=Severity.LOW,
    rationale="Tags identify the owner and purpose of the trail and drive tag-based access control and cost "
        "allocation.",
    remediation="Tag the trail with every required tag key.",
    remediation_setting="trailguard:tags",
    frameworks=[_sh("CloudTrail.9")],
)
_ct(
    ref="CT-17",
    id="cloudtrail_sns_notifications_enabled",
    policy_kind="resource",
    pass_when="`SnsTopicARN` set",
    collects=frozenset(),
    title="The trail notifies an SNS topic on log delivery",
    severity=Severity.LOW,
    rationale="Delivery notifications let downstream consumers (SIEM ingestion) react to new log files and notice "
        "when they stop arriving.",
    remediation="Set SnsTopicName on the trail to a topic whose policy lets CloudTrail publish.",
    remediation_setting="trailguard:disableDeliveryNotifications",
    frameworks=[_config("cloudtrail-enabled")],
)
