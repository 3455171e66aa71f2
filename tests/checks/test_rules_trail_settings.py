"""Trail-scope settings: CT-03, CT-04, CT-05, CT-07, CT-08, CT-16, CT-17; organization trails from members."""
from __future__ import annotations

import datetime as dt

import pytest

from checks.facts import KeyFacts, TrailStatus
from checks.model import Status
from checks.params import AuditParams

CT03 = "cloudtrail_delivery_healthy"
CT04 = "cloudtrail_global_service_events_enabled"
CT05 = "cloudtrail_log_file_validation_enabled"
CT07 = "cloudtrail_kms_encryption_enabled"
CT08 = "cloudtrail_cloudwatch_logs_integrated"
CT16 = "cloudtrail_trail_tagged"
CT17 = "cloudtrail_sns_notifications_enabled"
NOW = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.timezone.utc)


def status(**kw) -> TrailStatus:
    base = dict(is_logging=True, latest_delivery_time=NOW - dt.timedelta(hours=1))
    return TrailStatus(**{**base, **kw})


@pytest.mark.parametrize("control", [CT03, CT04, CT05, CT07, CT08, CT16, CT17])
def test_trail_scope_na_org_trail_seen_from_member_account(kit, control):
    finding = kit.one(control, kit.account(kit.trail(owner=kit.OTHER)))
    assert finding.status is Status.NOT_APPLICABLE
    assert f"owned by account {kit.OTHER}" in finding.reason


def test_cloudtrail_delivery_healthy_pass_recent_delivery(kit):
    assert kit.one(CT03, kit.account(kit.trail(status=status()))).status is Status.PASS


@pytest.mark.parametrize("bad, words", [
    (dict(latest_delivery_error="AccessDenied"), "log delivery error AccessDenied"),
    (dict(latest_digest_delivery_error="KMS.DisabledException"), "digest delivery error"),
    (dict(latest_delivery_time=NOW - dt.timedelta(hours=25)), "more than 24 hours ago"),
    (dict(latest_delivery_time=None), "never delivered"),
], ids=["delivery-error", "digest-error", "stale", "never-delivered"])
def test_cloudtrail_delivery_healthy_fail_unhealthy(kit, bad, words):
    finding = kit.one(CT03, kit.account(kit.trail(status=status(**bad))))
    assert finding.status is Status.FAIL
    assert words in finding.reason


def test_cloudtrail_delivery_healthy_na_not_logging(kit):
    finding = kit.one(CT03, kit.account(kit.trail(status=status(is_logging=False, latest_delivery_time=None))))
    assert finding.status is Status.NOT_APPLICABLE


def test_cloudtrail_delivery_healthy_error_status_unknown(kit):
    finding = kit.one(CT03, kit.account(kit.trail(status=None)))
    assert finding.status is Status.ERROR
    assert "cloudtrail:GetTrailStatus" in finding.reason


def test_cloudtrail_global_service_events_enabled_pass_multi_region(kit):
    assert kit.one(CT04, kit.account()).status is Status.PASS


def test_cloudtrail_global_service_events_enabled_fail_flag_off(kit):
    assert kit.one(CT04, kit.account(kit.trail(include_global_service_events=False))).status is Status.FAIL


def test_cloudtrail_global_service_events_enabled_fail_single_region_outside_us_east_1(kit):
    trail = kit.trail(region="eu-west-1", is_multi_region=False)
    finding = kit.one(CT04, kit.account(trail))
    assert finding.status is Status.FAIL
    assert "single-region" in finding.reason


def test_cloudtrail_log_file_validation_enabled_pass_enabled(kit):
    assert kit.one(CT05, kit.account()).status is Status.PASS


def test_cloudtrail_log_file_validation_enabled_fail_disabled(kit):
    finding = kit.one(CT05, kit.account(kit.trail(log_file_validation_enabled=False)))
    assert finding.status is Status.FAIL
    assert finding.reason == "Trail org-trail does not have log file validation enabled."


def test_cloudtrail_log_file_validation_enabled_error_describe_failed(kit):
    trail = kit.trail(log_file_validation_enabled=None, errors={
        "log_file_validation_enabled": "cloudtrail:DescribeTrails failed for trail org-trail: AccessDenied."})
    finding = kit.one(CT05, kit.account(trail))
    assert (finding.status, finding.reason) == (
        Status.ERROR, "cloudtrail:DescribeTrails failed for trail org-trail: AccessDenied.")


def test_cloudtrail_kms_encryption_enabled_pass_key_set(kit):
    assert kit.one(CT07, kit.account()).status is Status.PASS


def test_cloudtrail_kms_encryption_enabled_fail_no_key(kit):
    assert kit.one(CT07, kit.account(kit.trail(kms_key_id=""))).status is Status.FAIL


def test_cloudtrail_kms_encryption_enabled_fail_own_key_pending_deletion(kit):
    trail = kit.trail()
    key = KeyFacts(arn=trail.kms_key_id, owner_account_id=kit.ACCOUNT, key_state="PendingDeletion")
    finding = kit.one(CT07, kit.account(trail, keys={key.arn: key}))
    assert finding.status is Status.FAIL
    assert "PendingDeletion" in finding.reason


def test_cloudtrail_cloudwatch_logs_integrated_pass_recent_delivery(kit):
    finding = kit.one(CT08, kit.account())
    assert finding.status is Status.PASS
    assert "last delivered at" in finding.reason


def test_cloudtrail_cloudwatch_logs_integrated_pass_delivery_time_not_reported(kit):
    finding = kit.one(CT08, kit.account(kit.trail(status=status(latest_cloudwatch_logs_delivery_time=None))))
    assert finding.status is Status.PASS
    assert "delivery time not reported" in finding.reason


def test_cloudtrail_cloudwatch_logs_integrated_fail_no_log_group(kit):
    assert kit.one(CT08, kit.account(kit.trail(cloudwatch_logs_log_group_arn=""))).status is Status.FAIL


def test_cloudtrail_cloudwatch_logs_integrated_fail_delivery_error(kit):
    trail = kit.trail(status=status(latest_cloudwatch_logs_delivery_error="AccessDeniedException"))
    assert kit.one(CT08, kit.account(trail)).status is Status.FAIL


def test_cloudtrail_cloudwatch_logs_integrated_fail_stale_delivery(kit):
    trail = kit.trail(status=status(latest_cloudwatch_logs_delivery_time=NOW - dt.timedelta(days=3)))
    finding = kit.one(CT08, kit.account(trail))
    assert finding.status is Status.FAIL
    assert "more than 24 hours ago" in finding.reason


def test_cloudtrail_trail_tagged_pass_required_keys_present(kit):
    trail = kit.trail(tags={"owner": "secops", "cost-center": "42"})
    assert kit.one(CT16, kit.account(trail), AuditParams(required_tag_keys=("owner", "cost-center"))).status is Status.PASS


def test_cloudtrail_trail_tagged_fail_required_key_missing(kit):
    finding = kit.one(CT16, kit.account(kit.trail(tags={"owner": "x"})), AuditParams(required_tag_keys=("owner", "cost-center")))
    assert finding.status is Status.FAIL
    assert "cost-center" in finding.reason


def test_cloudtrail_trail_tagged_fail_only_aws_system_tags(kit):
    finding = kit.one(CT16, kit.account(kit.trail(tags={"aws:cloudformation:stack-name": "s"})))
    assert finding.status is Status.FAIL
    assert finding.reason == "Trail org-trail has no tags."


def test_cloudtrail_trail_tagged_error_list_tags_failed(kit):
    trail = kit.trail(tags=None, errors={"tags": "cloudtrail:ListTags failed for trail org-trail: AccessDenied."})
    assert kit.one(CT16, kit.account(trail)).status is Status.ERROR


def test_cloudtrail_sns_notifications_enabled_pass_topic_set(kit):
    assert kit.one(CT17, kit.account()).status is Status.PASS


def test_cloudtrail_sns_notifications_enabled_fail_no_topic(kit):
    assert kit.one(CT17, kit.account(kit.trail(sns_topic_arn=""))).status is Status.FAIL
