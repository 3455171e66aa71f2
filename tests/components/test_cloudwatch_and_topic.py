"""CloudWatch Logs delivery (log group, role trust, role policy) and the delivery topic policy."""
from __future__ import annotations

import json

import pytest

MGMT, REGION, ORG = "111111111111", "eu-west-1", "o-abcdefghij"
TRAIL = f"arn:aws:cloudtrail:{REGION}:{MGMT}:trail/trailguard-organization-trail"
GROUP = "trailguard/cloudtrail/trailguard-organization-trail"
GROUP_ARN = f"arn:aws:logs:{REGION}:{MGMT}:log-group:{GROUP}"
KEY_ARN = f"arn:aws:kms:{REGION}:{MGMT}:key/key-tg-key-key"


def only_statement(policy: dict) -> dict:
    assert len(policy["Statement"]) == 1
    return policy["Statement"][0]


def test_log_group_is_encrypted_with_the_key_and_kept_365_days(org_plan):
    group = org_plan.get("tg-cloudwatch-log-group")
    assert (group.inputs["name"], group.inputs["kmsKeyId"], group.inputs["retentionInDays"]) == (
        GROUP, KEY_ARN, 365)
    assert group.retain_on_delete is True


def test_log_group_name_and_retention_follow_settings(deploy):
    group = deploy({"cloudWatchLogsGroupName": "org/trail", "cloudWatchLogsRetentionDays": 3653}).get(
        "tg-cloudwatch-log-group").inputs
    assert (group["name"], group["retentionInDays"]) == ("org/trail", 3653)


def test_log_group_waits_for_the_key_policy(org_plan):
    # CreateLogGroup with a kmsKeyId fails with AccessDenied until the key policy grants the logs service.
    assert "tg-key-key" in org_plan.depends_on("tg-cloudwatch-log-group")


def test_role_is_assumable_by_cloudtrail_with_no_condition(org_plan):
    """CloudTrail User Guide, "Role policy document for CloudTrail to use CloudWatch Logs for monitoring":
    confused-deputy prevention doesn't apply here, the role policy "doesn't support aws:SourceArn and
    aws:SourceAccount"; with a condition CreateTrail fails with InvalidCloudWatchLogsRoleArnException."""
    s = only_statement(org_plan.get("tg-cloudwatch-role").policy("assumeRolePolicy"))
    assert (s["Effect"], s["Principal"], s["Action"]) == (
        "Allow", {"Service": "cloudtrail.amazonaws.com"}, "sts:AssumeRole")
    assert "Condition" not in s


def test_role_policy_is_a_separate_resource_on_the_role(org_plan):
    assert org_plan.get("tg-cloudwatch-role-policy").inputs["role"] == "tg-cloudwatch-role"
    assert "inlinePolicies" not in org_plan.get("tg-cloudwatch-role").inputs


def test_role_policy_allows_only_stream_writes_for_account_and_org_streams(org_plan):
    s = only_statement(org_plan.get("tg-cloudwatch-role-policy").policy())
    assert s["Effect"] == "Allow"
    assert sorted(s["Action"]) == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert s["Resource"] == [
        f"{GROUP_ARN}:log-stream:{MGMT}_CloudTrail_{REGION}*",
        f"{GROUP_ARN}:log-stream:{ORG}_*",
    ]
    assert "Principal" not in s and "Condition" not in s


def test_single_account_role_policy_has_no_org_streams(deploy):
    s = only_statement(deploy({}).get("tg-cloudwatch-role-policy").policy())
    assert s["Resource"] == [f"{GROUP_ARN}:log-stream:{MGMT}_CloudTrail_{REGION}*"]


def test_disable_cloudwatch_logs_creates_no_group_role_or_policy(deploy):
    plan = deploy({"disableCloudWatchLogs": True})
    for name in ("tg-cloudwatch-log-group", "tg-cloudwatch-role", "tg-cloudwatch-role-policy"):
        assert not plan.has(name)
    assert "cloudWatchLogsGroupArn" not in plan.get("tg-trail").inputs


def test_delivery_topic_is_encrypted_with_the_trail_key(org_plan):
    assert org_plan.get("tg-delivery-topic").inputs["kmsMasterKeyId"] == KEY_ARN


def test_only_this_trail_may_publish_to_the_delivery_topic(org_plan):
    policy = org_plan.get("tg-delivery-topic-policy")
    topic = f"arn:aws:sns:{REGION}:{MGMT}:trailguard-organization-trail-delivery"
    assert policy.inputs["arn"] == topic
    allow, deny = policy.policy()["Statement"]
    assert (allow["Sid"], allow["Effect"], allow["Principal"], allow["Action"], allow["Resource"]) == (
        "AllowCloudTrailPublish", "Allow", {"Service": "cloudtrail.amazonaws.com"}, "SNS:Publish", topic)
    assert allow["Condition"] == {"StringEquals": {"aws:SourceArn": TRAIL}}
    assert (deny["Effect"], deny["Principal"], deny["Action"], deny["Condition"]) == (
        "Deny", "*", "SNS:Publish", {"Bool": {"aws:SecureTransport": "false"}})


def test_disable_delivery_notifications_drops_topic_and_trail_link(deploy):
    plan = deploy({"disableDeliveryNotifications": True})
    assert not plan.has("tg-delivery-topic")
    assert "snsTopicName" not in plan.get("tg-trail").inputs


@pytest.mark.parametrize("name,key", [
    ("tg-cloudwatch-role", "assumeRolePolicy"), ("tg-cloudwatch-role-policy", "policy"),
    ("tg-delivery-topic-policy", "policy"), ("tg-key-key", "policy"), ("tg-logs-policy", "policy"),
])
def test_every_policy_document_is_valid_iam_json(org_plan, name, key):
    doc = json.loads(org_plan.get(name).inputs[key])
    assert doc["Version"] == "2012-10-17"
    assert all(s["Effect"] in ("Allow", "Deny") for s in doc["Statement"])
