"""Settings: secure defaults, type coercion from Pulumi config strings, and a clear error for every bad value."""
from __future__ import annotations

import pytest

from components.errors import SettingsError
from components.settings import Settings, load_settings

GOOD_ROLE = "arn:aws:iam::222222222222:role/trailguard-deployer"


def test_defaults_are_the_hardened_choice():
    s = Settings.from_mapping({})
    assert (s.object_lock_mode, s.object_lock_days, s.object_lock_enabled) == ("GOVERNANCE", 365, True)
    assert (s.bucket_expiration_days, s.cloudwatch_logs_retention_days, s.kms_deletion_window_days) == (365, 365, 30)
    assert s.event_selectors == ("management-all",)
    assert not any(getattr(s, f) for f in Settings.__dataclass_fields__ if f.startswith("disable_"))
    assert s.all_tags == {"ManagedBy": "trailguard"}


def test_config_strings_are_coerced_to_typed_values():
    s = Settings.from_mapping({
        "disableObjectLock": "true", "bucketExpirationDays": "400", "objectLockDays": "30",
        "eventSelectors": '["management-write-only", "s3-write"]', "tags": '{"Team": "sec"}',
    })
    assert s.disable_object_lock is True
    assert s.bucket_expiration_days == 400
    assert s.event_selectors == ("management-write-only", "s3-write")
    assert s.all_tags == {"ManagedBy": "trailguard", "Team": "sec"}


def test_user_tags_override_default_tag_values():
    assert Settings.from_mapping({"tags": {"ManagedBy": "platform"}}).all_tags == {"ManagedBy": "platform"}


BAD = [
    ("orgId", "o-UPPER12345", "orgId: 'o-UPPER12345' is not an organization id"),
    ("orgId", "r-abcdefghij", "o- followed by 10-32"),
    ("managementAccountId", "12345", "managementAccountId: '12345' is not an AWS account id; allowed: exactly 12 digits"),
    ("trailName", "a..b", "trailName: 'a..b' is not a valid trail name"),
    ("trailName", "192.168.1.1", "not an IP address"),
    ("s3KeyPrefix", "/logs", "s3KeyPrefix: '/logs' is not a valid S3 key prefix"),
    ("logBucketName", "Bad_Bucket", "logBucketName: 'Bad_Bucket' is not a valid S3 bucket name"),
    ("accessLogBucketName", "xn--bucket", "accessLogBucketName: 'xn--bucket'"),
    ("cloudWatchLogsGroupName", "aws/reserved", "cloudWatchLogsGroupName: 'aws/reserved'"),
    ("bucketTransitionStorageClass", "GLACIER_X", "allowed: STANDARD_IA, INTELLIGENT_TIERING, GLACIER_IR, GLACIER, DEEP_ARCHIVE"),
    ("bucketTransitionDays", "365", "bucketTransitionDays: 365 is not below bucketExpirationDays 365"),
    ("bucketExpirationDays", "0", "bucketExpirationDays: 0 is out of range; allowed: 1 or more"),
    ("noncurrentVersionExpirationDays", "-1", "noncurrentVersionExpirationDays: -1 is out of range"),
    ("abortIncompleteMultipartUploadDays", "0", "abortIncompleteMultipartUploadDays: 0 is out of range"),
    ("objectLockMode", "LEGAL_HOLD", "objectLockMode: 'LEGAL_HOLD' is not allowed; allowed: COMPLIANCE, GOVERNANCE"),
    ("objectLockDays", "366", "objectLockDays: 366 exceeds bucketExpirationDays 365"),
    ("objectLockDays", "0", "objectLockDays: 0 is out of range"),
    ("kmsDeletionWindowDays", "6", "kmsDeletionWindowDays: 6 is out of range; allowed: 7 to 30"),
    ("kmsDeletionWindowDays", "31", "kmsDeletionWindowDays: 31 is out of range"),
    ("logReaderAccountIds", '["1234"]', "logReaderAccountIds: '1234' is not an AWS account id"),
    ("cloudWatchLogsRetentionDays", "366", "cloudWatchLogsRetentionDays: 366 is not allowed; allowed: 1, 3, 5"),
    ("cloudWatchLogsRetentionDays", "0", "3288, 3653"),
    ("eventSelectors", '["management-all", "everything"]', "unknown preset(s) 'everything'; allowed: management-all"),
    ("eventSelectors", '["management-all", "management-write-only"]', "conflict; choose at most one management"),
    ("eventSelectors", '["s3-read", "s3-write"]', "conflict; choose at most one S3 mode"),
    ("eventSelectors", '["exclude-kms-rds-data"]', "exclude-kms-rds-data narrows management events"),
    ("eventSelectors", "[]", "eventSelectors: [] selects no events"),
    ("eventSelectors", "management-all", "eventSelectors: 'management-all' is not a list of strings"),
    ("s3DataEventBuckets", '["bucket-a"]', "s3DataEventBuckets: set, but eventSelectors has none of s3-read"),
    ("lambdaFunctionArns", '["arn:aws:lambda:us-east-1:1:fn"]', "lambdaFunctionArns: 'arn:aws:lambda:us-east-1:1:fn' is not a Lambda function ARN"),
    ("dynamodbTableArns", '["table/x"]', "dynamodbTableArns: 'table/x' is not a DynamoDB table ARN"),
    ("insights", '["ApiCallRate"]', "insights: 'ApiCallRate' is not allowed; allowed: ApiCallRateInsight, ApiErrorRateInsight"),
    ("tags", '{"aws:owner": "x"}', "tags: tag key 'aws:owner' is not allowed"),
    ("tags", '["a"]', "tags: '[\"a\"]' is not a map"),
    ("sandboxEndpoint", "ftp://127.0.0.1:21", "sandboxEndpoint: 'ftp://127.0.0.1:21' is not a sandbox endpoint"),
    ("sandboxEndpoint", "http://127.0.0.1", "allowed: \"\" (real AWS) or an http(s)://host:port URL"),
    ("disableObjectLock", "yes", "disableObjectLock: 'yes' is not a boolean; allowed: true, false"),
    ("bucketExpirationDays", "ten", "bucketExpirationDays: 'ten' is not a whole number of days"),
    ("logArchiveAccountId", "222222222222", "logArchiveAccountId / logArchiveRoleArn: '222222222222' / ''; allowed: set both"),
    ("logArchiveRoleArn", GOOD_ROLE, "allowed: set both (bucket and key in the log archive account) or neither"),
    ("trailGroupName", "x", "trailGroupName: unknown setting; did you mean trailName?"),
]


@pytest.mark.parametrize("key,value,fragment", BAD, ids=[f"{k}={v}" for k, v, _ in BAD])
def test_bad_setting_raises_error_naming_key_value_and_allowed(key, value, fragment):
    with pytest.raises(SettingsError) as err:
        Settings.from_mapping({key: value})
    assert fragment in str(err.value)


def test_standard_ia_transition_needs_thirty_days():
    with pytest.raises(SettingsError, match="too early for STANDARD_IA; allowed: 30 or more"):
        Settings.from_mapping({"bucketTransitionStorageClass": "STANDARD_IA", "bucketTransitionDays": 10})


def test_archive_role_must_be_in_the_archive_account():
    with pytest.raises(SettingsError, match="is in account 222222222222; allowed: a role in logArchiveAccountId 333333333333"):
        Settings.from_mapping({"logArchiveAccountId": "333333333333", "logArchiveRoleArn": GOOD_ROLE})


def test_archive_account_must_differ_from_management_account():
    with pytest.raises(SettingsError, match="is the management account"):
        Settings.from_mapping({"managementAccountId": "222222222222", "logArchiveAccountId": "222222222222",
                               "logArchiveRoleArn": GOOD_ROLE})


def test_global_service_events_cannot_be_dropped_from_a_multi_region_trail():
    with pytest.raises(SettingsError, match="disableGlobalServiceEvents: true needs disableMultiRegion: true"):
        Settings.from_mapping({"disableGlobalServiceEvents": True})


def test_global_service_events_can_be_dropped_from_a_single_region_trail():
    settings = Settings.from_mapping({"disableGlobalServiceEvents": True, "disableMultiRegion": True})
    assert settings.disable_global_service_events is True


def test_object_lock_days_are_not_checked_when_object_lock_is_off():
    assert Settings.from_mapping({"disableObjectLock": True, "objectLockDays": 5000}).object_lock_enabled is False


def test_every_error_is_reported_together():
    with pytest.raises(SettingsError) as err:
        Settings.from_mapping({"orgId": "bad", "objectLockMode": "X", "kmsDeletionWindowDays": 1, "insights": '["Y"]'})
    message = str(err.value)
    for key in ("orgId:", "objectLockMode:", "kmsDeletionWindowDays:", "insights:"):
        assert key in message
    assert message.count("\n  - ") == 4


class FakeConfig:
    def __init__(self, values):
        self.values = values

    def get(self, key):
        return self.values.get(key)


def test_load_settings_reads_only_known_keys_from_config():
    # The CIS alarm keys share the namespace and are Settings keys too (issue 18): read with the rest.
    s = load_settings(FakeConfig({"orgId": "o-abcdefghij", "alarmPeriodSeconds": "60"}))
    assert (s.org_id, s.alarm_period_seconds) == ("o-abcdefghij", 60)


def test_load_settings_raises_for_a_bad_config_value():
    with pytest.raises(SettingsError, match="cloudWatchLogsRetentionDays: 10 is not allowed"):
        load_settings(FakeConfig({"cloudWatchLogsRetentionDays": "10"}))
