"""Stack settings (Pulumi config namespace ``trailguard``): typed, validated, secure by default.

``load_settings()`` reads ``pulumi.Config("trailguard")``; ``Settings.from_mapping`` takes a plain dict keyed
by the same camelCase config keys (tests, the sandbox). Every problem is collected and reported in one
:class:`SettingsError` before any resource is registered, so a bad value never leaves a half-built stack.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, fields

from components import continuous_settings, validation as v
from components.errors import SettingsError, settings_error
from components.event_selectors import S3_PRESETS, preset_errors
from components.monitoring_settings import (
    MonitoringArgs, monitoring_problems, parse_names, parse_scalar, parse_subscriptions,
)
from components.quotas import selector_quota_problem

NAMESPACE = "trailguard"
DEFAULT_TAGS = {"ManagedBy": "trailguard"}


def _setting(key: str, default=None, factory=None, doc: str = ""):
    meta = {"key": key, "doc": doc}
    if factory is not None:
        return field(default_factory=factory, metadata=meta)
    return field(default=default, metadata=meta)


def _alarm(key: str, name: str, parse, doc: str = ""):
    """A CIS alarm setting: its default is MonitoringArgs', and ``parse`` turns config text into its value."""
    return field(default=getattr(MonitoringArgs, name), metadata={"key": key, "doc": doc, "parse": parse,
                                                                  "monitoring": True})


@dataclass(frozen=True)
class Settings:
    """One organization's trail. Every default is the hardened choice; each opt-out names the control it breaks."""

    org_id: str = _setting("orgId", "", doc="AWS Organizations id; \"\" makes a single-account trail.")
    management_account_id: str = _setting("managementAccountId", "", doc="\"\" = the deploying account.")
    trail_name: str = _setting("trailName", "trailguard-organization-trail")
    s3_key_prefix: str = _setting("s3KeyPrefix", "")
    log_bucket_name: str = _setting("logBucketName", "", doc="\"\" = trailguard-logs-<account>-<region>.")
    access_log_bucket_name: str = _setting("accessLogBucketName", "",
                                           doc="\"\" = trailguard-access-logs-<account>-<region>.")
    cloudwatch_logs_group_name: str = _setting("cloudWatchLogsGroupName", "",
                                               doc="\"\" = trailguard/cloudtrail/<trailName>.")
    log_archive_account_id: str = _setting("logArchiveAccountId", "")
    log_archive_role_arn: str = _setting("logArchiveRoleArn", "")
    bucket_transition_days: int = _setting("bucketTransitionDays", 90)
    bucket_transition_storage_class: str = _setting("bucketTransitionStorageClass", "GLACIER_IR")
    bucket_expiration_days: int = _setting("bucketExpirationDays", 365)
    access_log_bucket_expiration_days: int = _setting(
        "accessLogBucketExpirationDays", 3650, doc="Retention of the access-log bucket (Control Tower's default).")
    noncurrent_version_expiration_days: int = _setting("noncurrentVersionExpirationDays", 90)
    abort_incomplete_multipart_upload_days: int = _setting("abortIncompleteMultipartUploadDays", 7)
    object_lock_mode: str = _setting("objectLockMode", "GOVERNANCE")
    object_lock_days: int = _setting("objectLockDays", 365)
    disable_object_lock: bool = _setting(
        "disableObjectLock", False, doc="Breaks cloudtrail_bucket_deletion_protection_enabled (CT-11).")
    disable_destroy_protection: bool = _setting(
        "disableDestroyProtection", False,
        doc="Lets `pulumi destroy` delete the buckets and key; also weakens CT-11 in practice.")
    kms_deletion_window_days: int = _setting("kmsDeletionWindowDays", 30)
    separate_logs_and_topics_key: bool = _setting(
        "separateLogsAndTopicsKey", False,
        doc="A second CMK for the log group and the SNS topics (as LZA does); the trail key then serves CloudTrail only.")
    log_reader_account_ids: tuple[str, ...] = _setting("logReaderAccountIds", factory=tuple)
    cloudwatch_logs_retention_days: int = _setting("cloudWatchLogsRetentionDays", 365)
    disable_cloudwatch_logs: bool = _setting(
        "disableCloudWatchLogs", False,
        doc="Breaks cloudtrail_cloudwatch_logs_integrated (CT-08) and removes the CIS metric alarms.")
    disable_log_file_validation: bool = _setting(
        "disableLogFileValidation", False, doc="Breaks cloudtrail_log_file_validation_enabled (CT-05).")
    disable_multi_region: bool = _setting(
        "disableMultiRegion", False, doc="Breaks cloudtrail_multi_region_management_events_enabled (CT-01).")
    disable_global_service_events: bool = _setting(
        "disableGlobalServiceEvents", False, doc="Breaks cloudtrail_global_service_events_enabled (CT-04).")
    disable_trail_encryption: bool = _setting(
        "disableTrailEncryption", False,
        doc="Breaks cloudtrail_kms_encryption_enabled (CT-07) and s3_trail_bucket_sse_kms_enabled (CX): the "
            "log bucket then defaults to SSE-S3.")
    disable_access_logging: bool = _setting(
        "disableAccessLogging", False, doc="Breaks cloudtrail_bucket_access_logging_enabled (CT-10).")
    disable_delivery_notifications: bool = _setting(
        "disableDeliveryNotifications", False, doc="Breaks cloudtrail_sns_notifications_enabled (CT-17).")
    event_selectors: tuple[str, ...] = _setting("eventSelectors", factory=lambda: ("management-all",))
    exclude_log_buckets_from_data_events: bool = _setting(
        "excludeLogBucketsFromDataEvents", False,
        doc="Leaves the trail's own log buckets out of the s3-* presets (against the LZA #1192 feedback loop). "
            "Breaks cloudtrail_s3_write_data_events_enabled (CT-12) and cloudtrail_s3_read_data_events_enabled "
            "(CT-13): CIS 3.8/3.9 and Config require all buckets.")
    s3_data_event_buckets: tuple[str, ...] = _setting("s3DataEventBuckets", factory=tuple)
    lambda_function_arns: tuple[str, ...] = _setting("lambdaFunctionArns", factory=tuple)
    dynamodb_table_arns: tuple[str, ...] = _setting("dynamodbTableArns", factory=tuple)
    insights: tuple[str, ...] = _setting(
        "insights", factory=tuple, doc="Empty leaves cloudtrail_insights_enabled (CT-15) failing.")
    tags: dict = _setting("tags", factory=dict, doc=f"Merged over {DEFAULT_TAGS}.")
    sandbox_endpoint: str = _setting("sandboxEndpoint", "", doc="Local AWS emulator URL; \"\" = real AWS.")
    continuous_audit: dict = _setting("continuousAudit", factory=dict,
                                      doc="The scheduled audit (components/continuous_settings.py); {} = off.")
    lake: bool = _setting("lake", False, doc="An organization CloudTrail Lake event data store (CL-01..CL-06); "
                                             "off shows as NOT_APPLICABLE in the audit and the pack.")
    lake_retention_days: int = _setting("lakeRetentionDays", 365, doc="Below 365 breaks "
                                        "cloudtrail_lake_retention_sufficient (CL-03).")
    # CIS alarms (components.monitoring; meanings on MonitoringArgs). None without CloudWatch Logs.
    alarm_period_seconds: int = _alarm("alarmPeriodSeconds", "alarm_period_seconds", parse_scalar(int))
    alarm_threshold: float = _alarm("alarmThreshold", "alarm_threshold", parse_scalar(float))
    alarm_evaluation_periods: int = _alarm("alarmEvaluationPeriods", "alarm_evaluation_periods", parse_scalar(int))
    alarm_namespace: str = _alarm("alarmNamespace", "alarm_namespace", parse_scalar(str))
    disabled_alarms: tuple[str, ...] = _alarm("disabledAlarms", "disabled_alarms", parse_names,
                                              doc="Each filter name left out breaks its CM control.")
    alarm_subscriptions: tuple = _alarm("alarmSubscriptions", "alarm_subscriptions", parse_subscriptions)
    console_signin_no_mfa_variant: str = _alarm("consoleSigninNoMfaVariant", "console_signin_no_mfa_variant",
                                                parse_scalar(str))
    disable_cis_alarms: bool = _alarm("disableCisAlarms", "disable_cis_alarms", parse_scalar(bool),
                                      doc="Turns off every filter, alarm and the alarm topic: breaks CM-01..CM-16.")

    # --- derived -----------------------------------------------------------------------------------------

    @property
    def cross_account(self) -> bool:
        return bool(self.log_archive_account_id)

    @property
    def object_lock_enabled(self) -> bool:
        return not self.disable_object_lock

    @property
    def all_tags(self) -> dict:
        return {**DEFAULT_TAGS, **self.tags}

    @property
    def monitoring_args(self) -> MonitoringArgs:
        return MonitoringArgs(**{name: getattr(self, name) for name in MONITORING_KEYS.values()})

    @property
    def monitoring(self) -> MonitoringArgs | None:
        """The CIS alarms' settings; None without CloudWatch Logs (the alarms read the trail's log group)."""
        return None if self.disable_cloudwatch_logs else self.monitoring_args

    # --- construction ------------------------------------------------------------------------------------

    @classmethod
    def config_keys(cls) -> dict[str, str]:
        """camelCase config key -> field name."""
        return {f.metadata["key"]: f.name for f in fields(cls)}

    @classmethod
    def from_mapping(cls, values: dict) -> "Settings":
        """Parse and validate config values (strings as Pulumi stores them, or native Python values)."""
        keys = cls.config_keys()
        errors: list[str] = []
        errors.extend(v.unknown_keys(sorted(k for k in values if k not in keys), keys))
        parsed = {}
        defaults = cls()
        for f in fields(cls):
            key = f.metadata["key"]
            if key not in values or values[key] is None:
                continue
            parse = f.metadata.get("parse") or (lambda k, raw: _coerce(k, raw, type(getattr(defaults, f.name))))
            try:
                parsed[f.name] = parse(key, values[key])
            except SettingsError as exc:  # the field keeps its default, so no follow-on problem is reported
                errors.extend(exc.problems)
        settings = cls(**parsed)
        errors.extend(settings.problems())
        if errors:
            raise settings_error(errors)
        return settings

    def problems(self) -> list[str]:
        """Every invalid value or combination, one sentence each (empty when the settings are usable)."""
        e: list[str | None] = []
        e.append(v.check_org_id("orgId", self.org_id))
        if self.management_account_id:
            e.append(v.check_account_id("managementAccountId", self.management_account_id))
        e.append(v.check_trail_name("trailName", self.trail_name))
        e.append(v.check_key_prefix("s3KeyPrefix", self.s3_key_prefix))
        for key, name in (("logBucketName", self.log_bucket_name), ("accessLogBucketName", self.access_log_bucket_name)):
            if name:
                e.append(v.check_bucket_name(key, name))
        if self.log_bucket_name and self.log_bucket_name == self.access_log_bucket_name:
            e.append(f"accessLogBucketName: {self.access_log_bucket_name!r} equals logBucketName; allowed: a "
                     "different bucket (server access logs can't target an Object Lock bucket).")
        e.append(v.check_log_group_name("cloudWatchLogsGroupName", self.cloudwatch_logs_group_name))
        e.extend(self._archive_problems())
        e.extend(self._lifecycle_problems())
        e.append(v.check_range("kmsDeletionWindowDays", self.kms_deletion_window_days, 7, 30))
        for account in self.log_reader_account_ids:
            e.append(v.check_account_id("logReaderAccountIds", account))
        if self.cloudwatch_logs_retention_days not in v.CLOUDWATCH_RETENTION_DAYS:
            e.append(v.check_choice("cloudWatchLogsRetentionDays", self.cloudwatch_logs_retention_days,
                                    v.CLOUDWATCH_RETENTION_DAYS))
        e.extend(self._selector_problems())
        for insight in self.insights:
            e.append(v.check_choice("insights", insight, v.INSIGHT_TYPES))
        e.extend(v.check_tags("tags", self.tags))
        e.append(v.check_sandbox_endpoint("sandboxEndpoint", self.sandbox_endpoint))
        e.extend(continuous_settings.parse(self.continuous_audit)[1])
        e.append(v.check_range("lakeRetentionDays", self.lake_retention_days, 7, 3653))  # CreateEventDataStore
        e.extend(monitoring_problems(self))
        if self.disable_global_service_events and not self.disable_multi_region:
            # CreateTrail answers InvalidParameterCombinationException: a multi-Region trail must include
            # global service events. Refuse here rather than half-deploy the stack.
            e.append("disableGlobalServiceEvents: true needs disableMultiRegion: true; allowed: false on a "
                     "multi-Region trail (CloudTrail requires global service events there).")
        return [msg for msg in e if msg]

    def _archive_problems(self) -> list[str | None]:
        account, role = self.log_archive_account_id, self.log_archive_role_arn
        if bool(account) != bool(role):
            return [f"logArchiveAccountId / logArchiveRoleArn: {account!r} / {role!r}; allowed: set both "
                    "(bucket and key in the log archive account) or neither."]
        if not account:
            return []
        errors = [v.check_account_id("logArchiveAccountId", account), v.check_role_arn("logArchiveRoleArn", role)]
        match = v.ROLE_ARN.match(role)
        if match and match.group(2) != account:
            errors.append(f"logArchiveRoleArn: {role!r} is in account {match.group(2)}; allowed: a role in "
                          f"logArchiveAccountId {account}.")
        if account == self.management_account_id:
            errors.append(f"logArchiveAccountId: {account!r} is the management account; allowed: a separate "
                          "log archive account, or leave both archive settings empty.")
        return errors

    def _lifecycle_problems(self) -> list[str | None]:
        e = [
            v.check_range("bucketTransitionDays", self.bucket_transition_days, 1),
            v.check_choice("bucketTransitionStorageClass", self.bucket_transition_storage_class,
                           v.TRANSITION_STORAGE_CLASSES),
            v.check_range("bucketExpirationDays", self.bucket_expiration_days, 1),
            v.check_range("accessLogBucketExpirationDays", self.access_log_bucket_expiration_days,
                          self.bucket_transition_days + 1),
            v.check_range("noncurrentVersionExpirationDays", self.noncurrent_version_expiration_days, 1),
            v.check_range("abortIncompleteMultipartUploadDays", self.abort_incomplete_multipart_upload_days, 1),
        ]
        if self.bucket_transition_days >= self.bucket_expiration_days:
            e.append(f"bucketTransitionDays: {self.bucket_transition_days} is not below bucketExpirationDays "
                     f"{self.bucket_expiration_days}; allowed: fewer days than the expiration.")
        if self.bucket_transition_storage_class == "STANDARD_IA" and self.bucket_transition_days < 30:
            # S3 rejects the lifecycle configuration (InvalidArgument) for STANDARD_IA before 30 days.
            e.append(f"bucketTransitionDays: {self.bucket_transition_days} is too early for STANDARD_IA; "
                     "allowed: 30 or more.")
        if self.object_lock_enabled:
            e.append(v.check_choice("objectLockMode", self.object_lock_mode, v.OBJECT_LOCK_MODES))
            e.append(v.check_range("objectLockDays", self.object_lock_days, 1, 36500))
            if self.object_lock_days > self.bucket_expiration_days:
                e.append(f"objectLockDays: {self.object_lock_days} exceeds bucketExpirationDays "
                         f"{self.bucket_expiration_days}; allowed: at most the expiration days (locked versions "
                         "can't expire).")
        return e

    def _selector_problems(self) -> list[str | None]:
        e: list[str | None] = list(preset_errors("eventSelectors", list(self.event_selectors)))
        for name in self.s3_data_event_buckets:
            e.append(v.check_bucket_name("s3DataEventBuckets", name))
        for arn in self.lambda_function_arns:
            if not v.LAMBDA_ARN.match(arn):
                e.append(f"lambdaFunctionArns: {arn!r} is not a Lambda function ARN; allowed: "
                         "arn:<partition>:lambda:<region>:<account>:function:<name>.")
        for arn in self.dynamodb_table_arns:
            if not v.DYNAMODB_ARN.match(arn):
                e.append(f"dynamodbTableArns: {arn!r} is not a DynamoDB table ARN; allowed: "
                         "arn:<partition>:dynamodb:<region>:<account>:table/<name>.")
        for key, values, needs in (
            ("s3DataEventBuckets", self.s3_data_event_buckets, S3_PRESETS),
            ("lambdaFunctionArns", self.lambda_function_arns, ("lambda-all",)),
            ("dynamodbTableArns", self.dynamodb_table_arns, ("dynamodb-all",)),
        ):
            if values and not any(p in self.event_selectors for p in needs):
                e.append(f"{key}: set, but eventSelectors has none of {', '.join(needs)}; add the preset or "
                         "clear the list.")
        e.append(selector_quota_problem(self))
        return e


# config key -> field name of the CIS alarm settings (the keys MonitoringArgs.from_config reads)
MONITORING_KEYS = {f.metadata["key"]: f.name for f in fields(Settings) if f.metadata.get("monitoring")}


def _coerce(key: str, raw, kind: type):
    """Turn a config value into the field's type; a wrong type is a SettingsError naming the key."""
    if kind is bool:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in ("true", "false"):
            return raw.strip().lower() == "true"
        raise SettingsError(f"{key}: {raw!r} is not a boolean; allowed: true, false.")
    if kind is int:
        if isinstance(raw, int) and not isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
            return int(raw.strip())
        raise SettingsError(f"{key}: {raw!r} is not a whole number of days; allowed: an integer.")
    if kind is str:
        if isinstance(raw, str):
            return raw.strip()
        raise SettingsError(f"{key}: {raw!r} is not a string.")
    if kind in (tuple, dict):
        value = raw
        if isinstance(raw, str):
            try:
                value = json.loads(raw) if raw.strip() else kind()
            except json.JSONDecodeError:
                value = None
        if kind is tuple and isinstance(value, (list, tuple)) and all(isinstance(x, str) for x in value):
            return tuple(x.strip() for x in value)
        if kind is dict and isinstance(value, dict):
            return dict(value)
        shape = "a list of strings, e.g. [\"a\", \"b\"]" if kind is tuple else "a map, e.g. {\"Team\": \"security\"}"
        raise SettingsError(f"{key}: {raw!r} is not {shape}; allowed: {shape}.")
    raise SettingsError(f"{key}: unsupported setting type {kind.__name__}.")  # pragma: no cover


def load_settings(config=None) -> Settings:
    """Read every known key from ``pulumi.Config("trailguard")`` (or the given config object) and validate."""
    if config is None:
        import pulumi

        config = pulumi.Config(NAMESPACE)
    values = {}
    for key in Settings.config_keys():
        raw = config.get(key)
        if raw is not None:
            values[key] = raw
    return Settings.from_mapping(values)
