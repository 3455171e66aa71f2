"""Each hardening setting turned off fails exactly the controls that guard it, and no others.

Every row deploys the demo stack (Pulumi.sandbox.yaml + the demo's organization and SQS subscriber)
with one setting changed into a reset emulator, audits the management account in process and compares
the FAIL set with the row's expected ids. A mismatch means a component, a rule or this table is wrong.
"""
from __future__ import annotations

import pytest

from sandbox_stack import CM_ALL, deploy_demo_stack, ids_with

# A single-region trail covers one region, logs no data events "everywhere", is no security trail, and
# the CIS alarms only count on a multi-region trail (the CM rules say why).
MULTI_REGION = frozenset({
    "cloudtrail_multi_region_management_events_enabled", "cloudtrail_all_regions_covered",
    "cloudtrail_s3_read_data_events_enabled", "cloudtrail_s3_write_data_events_enabled",
    "cloudtrail_security_trail_enabled",
}) | CM_ALL

MATRIX = [
    # (id, overrides, expected FAIL control ids)
    ("log-file-validation", {"disableLogFileValidation": "true"},
     {"cloudtrail_log_file_validation_enabled", "cloudtrail_security_trail_enabled"}),
    ("multi-region", {"disableMultiRegion": "true"}, MULTI_REGION),
    # AWS rejects a multi-region trail without global service events, so this opt-out needs the other.
    ("multi-region-and-global-events", {"disableMultiRegion": "true", "disableGlobalServiceEvents": "true"},
     MULTI_REGION | {"cloudtrail_global_service_events_enabled"}),
    # No trail key: the log bucket falls back to SSE-S3 as well (components/trail.py explains why).
    ("trail-encryption", {"disableTrailEncryption": "true"},
     {"cloudtrail_kms_encryption_enabled", "cloudtrail_security_trail_enabled", "s3_trail_bucket_sse_kms_enabled"}),
    ("cloudwatch-logs", {"disableCloudWatchLogs": "true"}, {"cloudtrail_cloudwatch_logs_integrated"} | CM_ALL),
    ("access-logging", {"disableAccessLogging": "true"}, {"cloudtrail_bucket_access_logging_enabled"}),
    ("object-lock", {"disableObjectLock": "true"}, {"cloudtrail_bucket_deletion_protection_enabled"}),
    ("delivery-notifications", {"disableDeliveryNotifications": "true"}, {"cloudtrail_sns_notifications_enabled"}),
    ("insights", {"insights": "[]"}, {"cloudtrail_insights_enabled"}),
    ("s3-data-events", {"eventSelectors": '["management-all"]'},
     {"cloudtrail_s3_read_data_events_enabled", "cloudtrail_s3_write_data_events_enabled"}),
    ("s3-read-events", {"eventSelectors": '["management-all", "s3-write"]'}, {"cloudtrail_s3_read_data_events_enabled"}),
    ("exclude-log-buckets", {"excludeLogBucketsFromDataEvents": "true"},
     {"cloudtrail_s3_read_data_events_enabled", "cloudtrail_s3_write_data_events_enabled"}),
    ("one-cis-alarm", {"disabledAlarms": '["RootUsage"]'}, {"cloudwatch_root_usage_alarm_configured"}),
    ("log-retention", {"cloudWatchLogsRetentionDays": "30"}, {"cloudwatch_trail_log_group_retention_sufficient"}),
]


@pytest.mark.parametrize("overrides,expected", [pytest.param(o, e, id=i) for i, o, e in MATRIX])
def test_turning_off_a_setting_fails_exactly_its_controls(emulator, overrides, expected):
    audited = deploy_demo_stack(emulator, **overrides)

    assert ids_with(audited.findings, "ERROR") == set()
    assert ids_with(audited.findings, "FAIL") == set(expected)


def test_disable_global_service_events_alone_is_refused_at_create_trail(emulator):
    """AWS refuses a multi-region trail without global service events: settings stop it before any resource."""
    from components.errors import SettingsError

    with pytest.raises(SettingsError, match="disableGlobalServiceEvents: true needs disableMultiRegion: true"):
        deploy_demo_stack(emulator, disableGlobalServiceEvents="true")
