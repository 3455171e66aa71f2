"""trailguard:lake: the optional organization event data store and the key policy statement it needs.

Expected values: CreateEventDataStore (CloudTrail API reference) takes KmsKeyId, MultiRegionEnabled,
OrganizationEnabled, RetentionPeriod (7-3653 days with extendable retention pricing) and
TerminationProtectionEnabled; the CloudTrail user guide ("Configure AWS KMS key policies for CloudTrail")
requires kms:GenerateDataKey and kms:Decrypt for cloudtrail.amazonaws.com on a key that encrypts an
event data store.
"""
from __future__ import annotations

import pytest

from components.errors import SettingsError
from components.settings import Settings

ORG = "o-abcdefghij"
KEY_ARN = "arn:aws:kms:eu-west-1:111111111111:key/key-tg-key-key"  # what the mocks give the trail key
EDS = "aws:cloudtrail/eventDataStore:EventDataStore"
LAKE_SID = "AllowCloudTrailLakeEventDataStores"


def test_lake_is_off_by_default_no_store_and_no_key_grant(org_plan):
    assert org_plan.of_type(EDS) == []
    assert LAKE_SID not in {s.get("Sid") for s in org_plan.get("tg-key-key").policy()["Statement"]}


def test_lake_on_creates_one_hardened_organization_store_encrypted_with_the_trail_key(deploy):
    plan = deploy({"orgId": ORG, "lake": True})
    (store,) = plan.of_type(EDS)
    inputs = store.inputs
    assert inputs["kmsKeyId"] == KEY_ARN  # the trail's key
    assert store.protect
    assert (inputs["multiRegionEnabled"], inputs["organizationEnabled"], inputs["terminationProtectionEnabled"],
            inputs["retentionPeriod"]) == (True, True, True, 365)
    assert inputs["advancedEventSelectors"][0]["fieldSelectors"] == [{"field": "eventCategory", "equals": ["Management"]}]


def test_lake_on_grants_cloudtrail_lake_the_key(deploy):
    policy = deploy({"orgId": ORG, "lake": True}).get("tg-key-key").policy()
    (grant,) = [s for s in policy["Statement"] if s.get("Sid") == LAKE_SID]
    assert grant["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
    assert sorted(grant["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey"]


def test_lake_key_statement_is_the_one_the_cloudtrail_console_creates_for_event_data_stores():
    """CloudTrail user guide, "Default KMS key policy created in CloudTrail console", section "Default KMS key
    policy for CloudTrail Lake event data stores": the statement CloudTrail itself writes is
    {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
     "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": "*"} with no Condition. Ours is that
    statement (a Sid of our own aside): a condition CloudTrail Lake does not satisfy would make
    CreateEventDataStore fail with InsufficientEncryptionPolicyException."""
    from components.lake_documents import key_policy_statement

    ours = key_policy_statement("aws", "eu-west-1", "111111111111")
    assert {k: v for k, v in ours.items() if k != "Sid"} == {
        "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
        "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": "*"}


def test_lake_without_org_id_is_a_single_account_store(deploy):
    (store,) = deploy({"lake": True}).of_type(EDS)
    assert store.inputs["organizationEnabled"] is False


def test_lake_retention_follows_the_setting(deploy):
    (store,) = deploy({"orgId": ORG, "lake": True, "lakeRetentionDays": 2557}).of_type(EDS)
    assert store.inputs["retentionPeriod"] == 2557


@pytest.mark.parametrize("days", [6, 3654, 0])
def test_lake_retention_outside_7_to_3653_is_refused_naming_the_setting(days):
    with pytest.raises(SettingsError, match=r"lakeRetentionDays"):
        Settings.from_mapping({"lake": True, "lakeRetentionDays": days})
