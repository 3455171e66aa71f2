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


def _ct(ref, cid, title, severity, rationale, remediation, setting, frameworks, targets=_BOTH):
    return register(Control(
        id=cid, ref=ref, title=title, severity=severity, rationale=rationale, remediation=remediation,
        remediation_setting=setting, frameworks=tuple(frameworks), targets=targets, family="trail",
    ))


_ct(
    "CT-01", "cloudtrail_multi_region_management_events_enabled",
    "A multi-region trail that is logging records all read and write management events",
    Severity.HIGH,
    "Without every management event from every region, API activity (including attacker activity in "
    "unused regions) is invisible; selector exclusions silently remove whole services such as KMS.",
    "Keep the organization trail multi-region and logging, with a management selector that records reads "
    "and writes and excludes no event source.",
    "trailguard:disableMultiRegion",
    [_cis("3.1", "1.4-5.0"), _cis("4.1", "6.0+"), _sh("CloudTrail.1"),
     _config("multi-region-cloudtrail-enabled")],
)
_ct(
    "CT-02", "cloudtrail_all_regions_covered",
    "Every enabled region is covered by a logging trail",
    Severity.HIGH,
    "A region without a logging trail is a blind spot an attacker can use without leaving a record.",
    "Deploy the multi-region organization trail and keep it logging; it covers every enabled region, "
    "including opt-in regions enabled later.",
    "trailguard:disableMultiRegion",
    [_cis("3.1", "1.4-5.0"), _cis("4.1", "6.0+"), _sh("CloudTrail.3"), _config("cloudtrail-enabled")],
    targets=_LIVE,
)
_ct(
    "CT-03", "cloudtrail_delivery_healthy",
    "The trail delivers log files and digests without errors",
    Severity.MEDIUM,
    "A trail can be logging while every delivery fails (bucket policy or KMS key policy broken): the "
    "events are then lost, and nothing else reports it.",
    "Fix the bucket policy or the KMS key policy named in the delivery error so CloudTrail can write "
    "log files and digests; the component's bucket and key policies grant exactly what delivery needs.",
    "",
    # No CIS/Security Hub/Config item checks delivery health; Cloud Custodian's check-cloudtrail
    # "running" option is the closest public equivalent.
    [FrameworkRef("Cloud Custodian", "check-cloudtrail running")],
    targets=_LIVE,
)
_ct(
    "CT-04", "cloudtrail_global_service_events_enabled",
    "The trail records global service events (IAM, STS, CloudFront)",
    Severity.MEDIUM,
    "IAM and STS changes are global service events; a trail that omits them misses credential and "
    "permission changes.",
    "Enable IncludeGlobalServiceEvents on the multi-region trail.",
    "trailguard:disableGlobalServiceEvents",
    [_config("cloudtrail-security-trail-enabled")],
)
_ct(
    "CT-05", "cloudtrail_log_file_validation_enabled",
    "Log file integrity validation is enabled",
    Severity.MEDIUM,
    "Signed digest files are the only way to prove that log files were not modified or deleted after "
    "delivery.",
    "Enable log file validation on the trail.",
    "trailguard:disableLogFileValidation",
    [_cis("3.2", "1.4-5.0"), _cis("4.2", "6.0+"), _sh("CloudTrail.4"),
     _config("cloud-trail-log-file-validation-enabled")],
)
_ct(
    "CT-07", "cloudtrail_kms_encryption_enabled",
    "Trail logs are encrypted with a KMS key (SSE-KMS)",
    Severity.MEDIUM,
    "With SSE-KMS, reading the logs also needs kms:Decrypt, a second, separately audited permission; a "
    "disabled or deleted key stops delivery.",
    "Set KmsKeyId on the trail to an enabled customer-managed key whose policy lets CloudTrail encrypt.",
    "trailguard:disableTrailEncryption",
    [_cis("3.7", "1.4-2.0"), _cis("3.5", "3.0-5.0"), _cis("4.5", "6.0+"), _sh("CloudTrail.2"),
     _config("cloud-trail-encryption-enabled")],
)
_ct(
    "CT-08", "cloudtrail_cloudwatch_logs_integrated",
    "The trail delivers to CloudWatch Logs without errors",
    Severity.LOW,
    "Real-time metric filters and alarms (the CIS monitoring controls) only see events delivered to "
    "CloudWatch Logs.",
    "Set CloudWatchLogsLogGroupArn and CloudWatchLogsRoleArn on the trail, with a role CloudTrail can "
    "assume to write to the log group.",
    "trailguard:disableCloudWatchLogs",
    [_cis("3.4", "1.4-2.0"), _sh("CloudTrail.5"), _config("cloud-trail-cloud-watch-logs-enabled")],
)
_ct(
    "CT-09", "cloudtrail_bucket_not_public",
    "The trail's log bucket is not publicly accessible",
    Severity.CRITICAL,
    "Trail logs map the whole account (principals, resources, IP addresses); a public bucket hands that "
    "map to anyone.",
    "Turn on all four S3 Block Public Access settings for the bucket and account, remove public ACL "
    "grants and any bucket policy statement that allows Principal '*' without a restricting condition.",
    "",
    [_cis("3.3", "1.4-2.0"), _sh("CloudTrail.6"), _config("cloudtrail-s3-bucket-public-access-prohibited")],
)
_ct(
    "CT-10", "cloudtrail_bucket_access_logging_enabled",
    "The trail's log bucket has server access logging",
    Severity.LOW,
    "Access logs on the log bucket show who read or tried to delete the audit trail itself.",
    "Enable server access logging on the log bucket, to a different bucket.",
    "trailguard:disableAccessLogging",
    [_cis("3.6", "1.4-2.0"), _cis("3.4", "3.0-5.0"), _cis("4.4", "6.0+"), _sh("CloudTrail.7"),
     _config("cloudtrail-s3-bucket-access-logging")],
)
_ct(
    "CT-11", "cloudtrail_bucket_deletion_protection_enabled",
    "The trail's log bucket protects log objects from deletion",
    Severity.MEDIUM,
    "An attacker with s3:DeleteObject can erase the evidence; MFA Delete or Object Lock with a default "
    "retention makes that impossible without a second factor or before the retention ends.",
    "Create the log bucket with Object Lock and a default retention (COMPLIANCE mode for regulated "
    "accounts), or enable versioning with MFA Delete; the component's trailguard:objectLockMode "
    "chooses the mode.",
    "trailguard:disableObjectLock",
    [_cis("2.1.2", "2.0")],
)
_ct(
    "CT-12", "cloudtrail_s3_write_data_events_enabled",
    "A multi-region trail records S3 object write events for all buckets",
    Severity.MEDIUM,
    "Object-level writes and deletes (PutObject, DeleteObject) are data events, invisible to a "
    "management-events-only trail.",
    "Add an advanced event selector for AWS::S3::Object data events with no readOnly narrowing and no "
    "resources.ARN narrowing other than the trail's own log buckets (the s3-write preset of "
    "trailguard:eventSelectors).",
    "trailguard:eventSelectors",
    [_cis("3.10", "1.4-2.0"), _cis("3.8", "3.0-5.0"), _cis("4.8", "6.0+"),
     _config("cloudtrail-all-write-s3-data-event-check")],
)
_ct(
    "CT-13", "cloudtrail_s3_read_data_events_enabled",
    "A multi-region trail records S3 object read events for all buckets",
    Severity.MEDIUM,
    "Object-level reads (GetObject) are how data is exfiltrated; they are data events, invisible to a "
    "management-events-only trail.",
    "Add an advanced event selector for AWS::S3::Object data events with no readOnly narrowing (or "
    "readOnly = true) and no resources.ARN narrowing other than the trail's own log buckets (the "
    "s3-read preset of trailguard:eventSelectors).",
    "trailguard:eventSelectors",
    [_cis("3.11", "1.4-2.0"), _cis("3.9", "3.0-5.0"), _cis("4.9", "6.0+"),
     _config("cloudtrail-all-read-s3-data-event-check")],
)
_ct(
    "CT-14", "cloudtrail_security_trail_enabled",
    "One trail meets the security best practices at the same time",
    Severity.MEDIUM,
    "Controls met by different trails can each pass while no single trail is trustworthy; one trail "
    "must be multi-region, logging all management events, recording global events, validated and "
    "KMS-encrypted.",
    "Use the organization trail with its secure defaults (multi-region, all management events, global "
    "service events, log file validation, KMS).",
    "trailguard:eventSelectors",
    [_config("cloudtrail-security-trail-enabled")],
)
_ct(
    "CT-15", "cloudtrail_insights_enabled",
    "A logging trail has CloudTrail Insights enabled",
    Severity.LOW,
    "Insights flags unusual API call and error rates (credential abuse, runaway automation) without "
    "hand-written alarms.",
    "Enable ApiCallRateInsight and ApiErrorRateInsight on the organization trail.",
    "trailguard:insights",
    # No CIS/Security Hub/Config item; Prowler is the only public scanner with this check.
    [FrameworkRef("Prowler", "cloudtrail_insights_exist")],
)
_ct(
    "CT-16", "cloudtrail_trail_tagged",
    "The trail carries the required tags",
    Severity.LOW,
    "Tags identify the owner and purpose of the trail and drive tag-based access control and cost "
    "allocation.",
    "Tag the trail with every required tag key.",
    "trailguard:tags",
    [_sh("CloudTrail.9")],
)
_ct(
    "CT-17", "cloudtrail_sns_notifications_enabled",
    "The trail notifies an SNS topic on log delivery",
    Severity.LOW,
    "Delivery notifications let downstream consumers (SIEM ingestion) react to new log files and notice "
    "when they stop arriving.",
    "Set SnsTopicName on the trail to a topic whose policy lets CloudTrail publish.",
    "trailguard:disableDeliveryNotifications",
    [_config("cloudtrail-enabled")],
)
