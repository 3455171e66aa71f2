"""End to end on moto (collect_account + evaluate): trail-level controls, one PASS baseline and one FAIL
scenario per control, a shadow trail and an advanced selector. What moto lacks is injected with hooks."""
from __future__ import annotations

import datetime as dt

import pytest

from checks.catalog import all_controls
from checks.model import Status

TRAIL_IDS = [c.id for c in all_controls() if c.family == "trail"]


def statuses(findings, control_id):
    return {f.status for f in findings if f.control_id == control_id}


def test_trail_family_pass_hardened_baseline(world):
    world.hardened()
    _, findings = world.run(*TRAIL_IDS)
    bad = [(f.control_id, f.status.value, f.reason) for f in findings if f.status is not Status.PASS]
    assert bad == []
    assert {f.control_id for f in findings} == set(TRAIL_IDS)


@pytest.mark.parametrize("control_id, trail_kw, words", [
    ("cloudtrail_multi_region_management_events_enabled", dict(multi_region=False), "not multi-region"),
    ("cloudtrail_global_service_events_enabled", dict(multi_region=False, global_events=False), "global service"),
    ("cloudtrail_log_file_validation_enabled", dict(validation=False), "log file validation"),
    ("cloudtrail_kms_encryption_enabled", dict(kms=False), "KMS key"),
    ("cloudtrail_cloudwatch_logs_integrated", dict(cloudwatch=False), "CloudWatch Logs"),
    ("cloudtrail_security_trail_enabled", dict(kms=False), "KMS key"),
    ("cloudtrail_insights_enabled", dict(insights=False), "no Insights selector"),
    ("cloudtrail_trail_tagged", dict(tags={}), "has no tags"),
    ("cloudtrail_sns_notifications_enabled", dict(sns=False), "no SNS notification"),
    ("cloudtrail_s3_write_data_events_enabled", dict(classic=[{"ReadWriteType": "All"}]), "S3 object write"),
], ids=lambda v: v if isinstance(v, str) and v.startswith("cloudtrail") else None)
def test_trail_family_fail_one_setting_off(world, control_id, trail_kw, words):
    world.hardened(**trail_kw)
    _, findings = world.run(control_id)
    assert [f.status for f in findings] == [Status.FAIL]
    assert words in findings[0].reason


def test_cloudtrail_multi_region_management_events_enabled_fail_live_kms_exclusion(world):
    world.hardened(classic=[{"ReadWriteType": "All", "ExcludeManagementEventSources": ["kms.amazonaws.com"]}])
    _, (finding,) = world.run("cloudtrail_multi_region_management_events_enabled")
    assert finding.status is Status.FAIL
    assert "kms.amazonaws.com" in finding.reason


def test_cloudtrail_s3_read_data_events_enabled_fail_live_advanced_selector_excluding_log_buckets(world):
    world.hardened(advanced=[
        {"Name": "management", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]},
        {"Name": "s3", "FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["Data"]}, {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
            {"Field": "resources.ARN", "NotStartsWith": ["arn:aws:s3:::trail-archive/",
                                                         "arn:aws:s3:::trail-access-logs/"]}]}])
    _, findings = world.run("cloudtrail_s3_read_data_events_enabled", "cloudtrail_s3_write_data_events_enabled",
                            "cloudtrail_multi_region_management_events_enabled")
    # CIS 3.8/3.9 and Config cloudtrail-all-*-s3-data-event-check require all current and future buckets
    status = {f.control_id: f.status for f in findings}
    assert status == {"cloudtrail_s3_read_data_events_enabled": Status.FAIL,
                      "cloudtrail_s3_write_data_events_enabled": Status.FAIL,
                      "cloudtrail_multi_region_management_events_enabled": Status.PASS}
    assert all("leaves out the trail's own log bucket(s)" in f.reason for f in findings if f.status is Status.FAIL)


def test_cloudtrail_s3_read_data_events_enabled_fail_live_advanced_write_only(world):
    world.hardened(advanced=[{"Name": "s3-write", "FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["Data"]}, {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
        {"Field": "readOnly", "Equals": ["false"]}]}])
    _, (finding,) = world.run("cloudtrail_s3_read_data_events_enabled")
    assert finding.status is Status.FAIL
    assert "records only writes" in finding.reason


def test_cloudtrail_all_regions_covered_pass_live_shadow_trail_homed_in_another_region(world):
    world.account_block_public_access()
    world.bucket("trail-archive", region="eu-west-1")
    arn = world.trail(region="eu-west-1", bucket="trail-archive")
    facts, findings = world.run("cloudtrail_all_regions_covered")
    assert [t.home_region for t in facts.trails] == ["eu-west-1"]
    assert {f.status for f in findings} == {Status.PASS}
    assert all(arn in f.reason for f in findings)


def test_cloudtrail_all_regions_covered_fail_live_single_region_trail(world):
    world.hardened(multi_region=False)
    _, findings = world.run("cloudtrail_all_regions_covered")
    by_region = {f.region: f.status for f in findings}
    assert by_region.pop("us-east-1") is Status.PASS
    assert set(by_region.values()) == {Status.FAIL}


def test_cloudtrail_all_regions_covered_fail_live_stopped_trail(world):
    world.hardened(logging=False)
    _, findings = world.run("cloudtrail_all_regions_covered")
    assert {f.status for f in findings} == {Status.FAIL}


def test_cloudtrail_delivery_healthy_fail_live_delivery_error(world):
    world.hardened()
    # moto never reports delivery errors: answer GetTrailStatus as AWS does when the bucket policy is broken
    world.answer("cloudtrail", "GetTrailStatus", {"IsLogging": True, "LatestDeliveryError": "AccessDenied",
                                                  "LatestDeliveryTime": dt.datetime.now(dt.timezone.utc)})
    _, (finding,) = world.run("cloudtrail_delivery_healthy")
    assert finding.status is Status.FAIL
    assert "log delivery error AccessDenied" in finding.reason


def test_cloudtrail_cloudwatch_logs_integrated_fail_live_stale_delivery(world):
    world.hardened()
    world.answer("cloudtrail", "GetTrailStatus", {
        "IsLogging": True, "LatestDeliveryTime": dt.datetime.now(dt.timezone.utc),
        "LatestCloudWatchLogsDeliveryTime": dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=2)})
    _, (finding,) = world.run("cloudtrail_cloudwatch_logs_integrated")
    assert finding.status is Status.FAIL
    assert "more than 24 hours ago" in finding.reason
