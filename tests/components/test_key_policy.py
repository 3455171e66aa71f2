"""The trail key and its policy, read back from the registered kms.Key inputs, statement by statement."""
from __future__ import annotations

import pytest


MGMT, ARCHIVE, REGION, ORG = "111111111111", "222222222222", "eu-west-1", "o-abcdefghij"
TRAIL = f"arn:aws:cloudtrail:{REGION}:{MGMT}:trail/trailguard-organization-trail"
CT_PATTERN = f"arn:aws:cloudtrail:*:{MGMT}:trail/*"
CT = "cloudtrail.amazonaws.com"


def statement(policy: dict, sid: str) -> dict:
    matches = [s for s in policy["Statement"] if s.get("Sid") == sid]
    assert len(matches) == 1, f"expected one statement {sid}, got {len(matches)}"
    return matches[0]


@pytest.fixture
def key_policy(org_plan) -> dict:
    return org_plan.get("tg-key-key").policy()


def test_key_has_rotation_a_30_day_window_and_is_single_region(org_plan):
    key = org_plan.get("tg-key-key").inputs
    assert (key["enableKeyRotation"], key["deletionWindowInDays"], key["multiRegion"]) == (True, 30, False)


def test_key_alias_is_named_for_the_trail_and_targets_the_key(deploy):
    plan = deploy({"trailName": "org.trail"})
    alias = plan.get("tg-key-alias").inputs
    assert alias["name"] == "alias/org-trail"
    assert alias["targetKeyId"] == "key-tg-key-key"


def test_deletion_window_follows_the_setting(deploy):
    assert deploy({"kmsDeletionWindowDays": 7}).get("tg-key-key").inputs["deletionWindowInDays"] == 7


def test_account_root_administers_the_key(key_policy):
    s = statement(key_policy, "EnableKeyAccountAdministration")
    assert (s["Effect"], s["Principal"], s["Action"], s["Resource"]) == (
        "Allow", {"AWS": f"arn:aws:iam::{MGMT}:root"}, "kms:*", "*")
    assert "Condition" not in s


def test_cloudtrail_encrypts_only_with_its_context_and_this_trail(key_policy):
    s = statement(key_policy, "AllowCloudTrailEncryptLogs")
    assert (s["Effect"], s["Principal"], s["Action"]) == ("Allow", {"Service": CT}, "kms:GenerateDataKey*")
    assert s["Condition"] == {
        "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": CT_PATTERN},
        "StringEquals": {"aws:SourceArn": TRAIL},
    }


def test_cloudtrail_describe_key_is_limited_to_this_trail(key_policy):
    s = statement(key_policy, "AllowCloudTrailDescribeKey")
    assert (s["Principal"], s["Action"], s["Condition"]) == (
        {"Service": CT}, "kms:DescribeKey", {"StringEquals": {"aws:SourceArn": TRAIL}})


def test_cloudtrail_may_decrypt_for_s3_bucket_keys_only_as_this_trail(key_policy):
    s = statement(key_policy, "AllowCloudTrailDecryptForBucketKeys")
    assert (s["Effect"], s["Principal"], s["Action"], s["Condition"]) == (
        "Allow", {"Service": CT}, "kms:Decrypt", {"StringEquals": {"aws:SourceArn": TRAIL}})


def test_log_readers_decrypt_only_cloudtrail_logs_in_reader_accounts(deploy):
    policy = deploy({"orgId": ORG, "logReaderAccountIds": '["333333333333"]'}).get("tg-key-key").policy()
    s = statement(policy, "AllowLogReadersDecryptCloudTrailLogs")
    assert (s["Effect"], s["Principal"], sorted(s["Action"])) == (
        "Allow", {"AWS": "*"}, ["kms:Decrypt", "kms:ReEncryptFrom"])
    assert s["Condition"] == {
        "StringEquals": {"kms:CallerAccount": [MGMT, "333333333333"]},
        "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": CT_PATTERN},
    }


def test_cloudwatch_logs_may_use_the_key_only_for_the_trail_log_group(key_policy):
    s = statement(key_policy, "AllowCloudWatchLogsForTrailLogGroup")
    assert s["Principal"] == {"Service": f"logs.{REGION}.amazonaws.com"}
    assert "kms:GenerateDataKey*" in s["Action"] and "kms:Decrypt*" in s["Action"]
    assert s["Condition"] == {"ArnEquals": {
        "kms:EncryptionContext:aws:logs:arn":
            f"arn:aws:logs:{REGION}:{MGMT}:log-group:trailguard/cloudtrail/trailguard-organization-trail"}}


DELIVERY_TOPIC = f"arn:aws:sns:{REGION}:{MGMT}:trailguard-organization-trail-delivery"
ALARM_TOPIC = f"arn:aws:sns:{REGION}:{MGMT}:trailguard-organization-trail-alarms"
SNS_CONTEXT = "kms:EncryptionContext:aws:sns:topicArn"


def test_cloudtrail_may_encrypt_delivery_notifications_only_as_this_trail_for_its_topic(key_policy):
    """SNS SSE calls KMS with the encryption context aws:sns:topicArn (SNS Developer Guide, "Encryption at
    rest": key management), so the grant can name the one topic."""
    s = statement(key_policy, "AllowCloudTrailEncryptedTopicDelivery")
    assert (s["Principal"], sorted(s["Action"]), s["Condition"]) == (
        {"Service": CT}, ["kms:Decrypt", "kms:GenerateDataKey*"],
        {"StringEquals": {"aws:SourceArn": TRAIL, SNS_CONTEXT: DELIVERY_TOPIC}})


def test_cloudwatch_alarms_may_use_the_key_only_for_the_alarm_topic(deploy):
    from components.monitoring import MonitoringArgs

    plan = deploy({"orgId": ORG}, monitoring=MonitoringArgs())
    s = statement(plan.get("tg-key-key").policy(), "AllowCloudWatchAlarmsEncryptedTopics")
    assert (s["Principal"], sorted(s["Action"]), s["Condition"]) == (
        {"Service": "cloudwatch.amazonaws.com"}, ["kms:Decrypt", "kms:GenerateDataKey*"],
        {"StringEquals": {"aws:SourceAccount": MGMT, SNS_CONTEXT: ALARM_TOPIC}})
    assert plan.get("tg-monitoring-topic").inputs["name"] == ALARM_TOPIC.split(":")[-1]


@pytest.mark.parametrize("monitoring", [None, "all-disabled"])
def test_no_cloudwatch_alarms_grant_without_alarms(deploy, monitoring):
    from components.monitoring import MonitoringArgs

    args = MonitoringArgs(disable_cis_alarms=True) if monitoring else None
    sids = {s["Sid"] for s in deploy({"orgId": ORG}, monitoring=args).get("tg-key-key").policy()["Statement"]}
    assert "AllowCloudWatchAlarmsEncryptedTopics" not in sids


def test_separate_key_serves_the_log_group_and_topics_and_the_trail_key_only_cloudtrail(deploy):
    from components.monitoring import MonitoringArgs

    plan = deploy({"orgId": ORG, "separateLogsAndTopicsKey": True}, monitoring=MonitoringArgs())
    trail_sids = {s["Sid"] for s in plan.get("tg-key-key").policy()["Statement"]}
    logs_sids = {s["Sid"] for s in plan.get("tg-logs-key-key").policy()["Statement"]}
    assert trail_sids == {"EnableKeyAccountAdministration", "AllowCloudTrailEncryptLogs", "AllowCloudTrailDescribeKey",
                          "AllowCloudTrailDecryptForBucketKeys", "AllowLogReadersDecryptCloudTrailLogs"}
    assert logs_sids == {"EnableKeyAccountAdministration", "AllowCloudWatchLogsForTrailLogGroup",
                         "AllowCloudTrailEncryptedTopicDelivery", "AllowCloudWatchAlarmsEncryptedTopics"}
    logs_key = "arn:aws:kms:eu-west-1:111111111111:key/key-tg-logs-key-key"
    assert plan.get("tg-cloudwatch-log-group").inputs["kmsKeyId"] == logs_key
    assert plan.get("tg-delivery-topic").inputs["kmsMasterKeyId"] == logs_key
    assert plan.get("tg-monitoring-topic").inputs["kmsMasterKeyId"] == logs_key
    assert plan.get("tg-trail").inputs["kmsKeyId"] != logs_key


def test_key_policy_has_no_unconditioned_service_grant(key_policy):
    for s in key_policy["Statement"]:
        if s["Principal"] != {"AWS": f"arn:aws:iam::{MGMT}:root"}:
            assert s.get("Condition"), s["Sid"]


def test_logs_and_topic_grants_are_dropped_when_those_features_are_off(deploy):
    policy = deploy({"disableCloudWatchLogs": True, "disableDeliveryNotifications": True}).get("tg-key-key").policy()
    sids = {s["Sid"] for s in policy["Statement"]}
    assert "AllowCloudWatchLogsForTrailLogGroup" not in sids
    assert "AllowCloudTrailEncryptedTopicDelivery" not in sids
    assert "AllowCloudTrailEncryptLogs" in sids


def test_cross_account_key_is_administered_by_the_archive_account_and_read_by_both(deploy):
    policy = deploy({"orgId": ORG, "logArchiveAccountId": ARCHIVE,
                     "logArchiveRoleArn": f"arn:aws:iam::{ARCHIVE}:role/deployer"}).get("tg-key-key").policy()
    assert statement(policy, "EnableKeyAccountAdministration")["Principal"] == {"AWS": f"arn:aws:iam::{ARCHIVE}:root"}
    readers = statement(policy, "AllowLogReadersDecryptCloudTrailLogs")["Condition"]["StringEquals"]
    assert readers == {"kms:CallerAccount": [MGMT, ARCHIVE]}
    # The encryption context still names the management account: that is where the trail lives.
    enc = statement(policy, "AllowCloudTrailEncryptLogs")["Condition"]
    assert enc["StringLike"]["kms:EncryptionContext:aws:cloudtrail:arn"] == CT_PATTERN
