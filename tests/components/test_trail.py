"""The trail resource: hardened flags, dependencies, modes, selectors, insights and tags."""
from __future__ import annotations

import pytest

MGMT, REGION, ORG = "111111111111", "eu-west-1", "o-abcdefghij"
LOGS = f"trailguard-logs-{MGMT}-{REGION}"
KEY_ARN = f"arn:aws:kms:{REGION}:{MGMT}:key/key-tg-key-key"


def test_org_trail_is_an_organization_trail(org_plan):
    assert org_plan.get("tg-trail").inputs["isOrganizationTrail"] is True


def test_without_org_id_the_trail_is_single_account(deploy):
    assert deploy({}).get("tg-trail").inputs["isOrganizationTrail"] is False


@pytest.mark.parametrize("prop", ["isMultiRegionTrail", "includeGlobalServiceEvents", "enableLogFileValidation",
                                  "enableLogging"])
def test_hardened_trail_flag_is_on(org_plan, prop):
    assert org_plan.get("tg-trail").inputs[prop] is True


@pytest.mark.parametrize("setting,prop", [
    ("disableMultiRegion", "isMultiRegionTrail"),
    ("disableLogFileValidation", "enableLogFileValidation"),
])
def test_opt_out_turns_exactly_its_flag_off(deploy, setting, prop):
    inputs = deploy({setting: True}).get("tg-trail").inputs
    assert inputs[prop] is False
    others = {"isMultiRegionTrail", "includeGlobalServiceEvents", "enableLogFileValidation"} - {prop}
    assert all(inputs[o] is True for o in others)


def test_global_service_events_opt_out_on_a_single_region_trail(deploy):
    # Alone it is refused by the settings (CreateTrail rejects a multi-Region trail without them).
    inputs = deploy({"disableMultiRegion": True, "disableGlobalServiceEvents": True}).get("tg-trail").inputs
    assert (inputs["isMultiRegionTrail"], inputs["includeGlobalServiceEvents"]) == (False, False)
    assert inputs["enableLogFileValidation"] is True


def test_trail_writes_to_the_log_bucket_with_the_key(org_plan):
    inputs = org_plan.get("tg-trail").inputs
    assert (inputs["name"], inputs["s3BucketName"], inputs["kmsKeyId"]) == (
        "trailguard-organization-trail", LOGS, KEY_ARN)
    assert "s3KeyPrefix" not in inputs


def test_disable_trail_encryption_drops_only_the_trail_key(deploy):
    plan = deploy({"disableTrailEncryption": True})
    assert "kmsKeyId" not in plan.get("tg-trail").inputs
    assert plan.get("tg-cloudwatch-log-group").inputs["kmsKeyId"] == KEY_ARN


def test_key_prefix_is_passed_to_the_trail(deploy):
    assert deploy({"s3KeyPrefix": "ct"}).get("tg-trail").inputs["s3KeyPrefix"] == "ct"


def test_cloudwatch_group_arn_carries_the_star_suffix_and_the_role(org_plan):
    inputs = org_plan.get("tg-trail").inputs
    assert inputs["cloudWatchLogsGroupArn"] == \
        f"arn:aws:logs:{REGION}:{MGMT}:log-group:trailguard/cloudtrail/trailguard-organization-trail:*"
    assert inputs["cloudWatchLogsRoleArn"] == f"arn:aws:iam::{MGMT}:role/tg-cloudwatch-role"


def test_trail_notifies_the_delivery_topic_by_name(org_plan):
    """pulumi-aws reads SnsTopicName back as the bare name of a same-account, same-Region topic, so an ARN
    here would show a diff on every preview (CloudTrail API reference, CreateTrail SnsTopicName)."""
    assert org_plan.get("tg-trail").inputs["snsTopicName"] == "trailguard-organization-trail-delivery"


def test_trail_depends_on_every_policy_it_is_checked_against(org_plan):
    deps = org_plan.depends_on("tg-trail")
    assert {"tg-logs-policy", "tg-key-key", "tg-key-alias", "tg-cloudwatch-role-policy",
            "tg-cloudwatch-log-group", "tg-delivery-topic-policy", "tg-logs-object-lock"} <= deps


def test_default_selector_logs_all_management_events(org_plan):
    assert org_plan.get("tg-trail").inputs["advancedEventSelectors"] == [
        {"name": "Management events", "fieldSelectors": [{"field": "eventCategory", "equals": ["Management"]}]}]


def test_s3_data_events_exclude_the_trails_own_buckets_only_when_asked(deploy):
    # Default: all buckets (CIS 3.8/3.9, Config cloudtrail-all-*-s3-data-event-check); the opt-out is explicit.
    config = {"eventSelectors": '["management-all", "s3-read-write"]'}
    s3 = deploy(config).get("tg-trail").inputs["advancedEventSelectors"][1]["fieldSelectors"]
    assert {"field": "eventCategory", "equals": ["Data"]} in s3
    assert not any(f["field"] == "resources.ARN" for f in s3)
    s3 = deploy({**config, "excludeLogBucketsFromDataEvents": True}).get(
        "tg-trail").inputs["advancedEventSelectors"][1]["fieldSelectors"]
    assert {"field": "resources.ARN", "notStartsWiths": [
        f"arn:aws:s3:::{LOGS}/", f"arn:aws:s3:::trailguard-access-logs-{MGMT}-{REGION}/"]} in s3


def test_insights_default_off_and_follow_settings(org_plan, deploy):
    assert "insightSelectors" not in org_plan.get("tg-trail").inputs
    inputs = deploy({"insights": '["ApiCallRateInsight", "ApiErrorRateInsight"]'}).get("tg-trail").inputs
    assert inputs["insightSelectors"] == [{"insightType": "ApiCallRateInsight"},
                                          {"insightType": "ApiErrorRateInsight"}]


TAGGABLE = ("aws:s3/bucket:Bucket", "aws:kms/key:Key", "aws:cloudwatch/logGroup:LogGroup", "aws:iam/role:Role",
            "aws:sns/topic:Topic", "aws:cloudtrail/trail:Trail")


def test_every_taggable_resource_carries_default_and_user_tags(deploy):
    plan = deploy({"tags": '{"Owner": "security"}'})
    tagged = [r for t in TAGGABLE for r in plan.of_type(t)]
    assert len(tagged) == 7  # two buckets, key, log group, role, topic, trail
    for r in tagged:
        assert r.inputs["tags"] == {"ManagedBy": "trailguard", "Owner": "security"}, r.name


def test_components_use_the_documented_type_tokens(org_plan):
    types = {r.name: r.typ for r in org_plan.mocks.resources.values() if r.typ.startswith("trailguard:")}
    assert types == {
        "tg": "trailguard:index:OrganizationTrail", "tg-key": "trailguard:index:TrailKey",
        "tg-logs": "trailguard:index:LogBucket", "tg-access-logs": "trailguard:index:LogBucket",
        "tg-cloudwatch": "trailguard:index:CloudWatchDelivery",
        "tg-delivery": "trailguard:index:DeliveryNotifications",
    }


def test_every_resource_is_parented_under_the_component_tree(org_plan):
    urns = {r.urn for r in org_plan.mocks.resources.values()}
    for r in org_plan.mocks.resources.values():
        if r.name != "tg":
            assert r.parent in urns, r.name


def test_outputs_name_the_created_resources(org_plan):
    out = org_plan.outputs
    assert out["trailArn"] == f"arn:aws:cloudtrail:{REGION}:{MGMT}:trail/trailguard-organization-trail"
    assert (out["logBucketName"], out["kmsKeyArn"]) == (LOGS, KEY_ARN)
    assert out["deliveryTopicArn"].endswith(":trailguard-organization-trail-delivery")
    assert "alarmTopicArn" not in out


def test_outputs_are_empty_strings_for_turned_off_parts(deploy):
    out = deploy({"disableCloudWatchLogs": True, "disableDeliveryNotifications": True,
                  "disableAccessLogging": True}).outputs
    assert [out[k] for k in ("logGroupName", "logGroupArn", "cloudWatchLogsRoleArn", "deliveryTopicArn",
                             "accessLogBucketName")] == ["", "", "", "", ""]


def test_monitoring_hook_is_built_on_the_trail_log_group_with_the_trail_key(deploy):
    from components.monitoring import MonitoringArgs

    plan = deploy({"orgId": ORG}, monitoring=MonitoringArgs())
    topic = plan.get("tg-monitoring-topic").inputs
    assert topic["kmsMasterKeyId"] == KEY_ARN
    filters = plan.of_type("aws:cloudwatch/logMetricFilter:LogMetricFilter")
    assert filters and {f.inputs["logGroupName"] for f in filters} == {
        "trailguard/cloudtrail/trailguard-organization-trail"}
    assert plan.outputs["alarmTopicArn"] == f"arn:aws:sns:{REGION}:{MGMT}:trailguard-organization-trail-alarms"


def test_monitoring_hook_is_skipped_without_cloudwatch_logs(deploy):
    from components.monitoring import MonitoringArgs

    plan = deploy({"disableCloudWatchLogs": True}, monitoring=MonitoringArgs())
    assert plan.of_type("aws:cloudwatch/logMetricFilter:LogMetricFilter") == []
    assert "alarmTopicArn" not in plan.outputs
