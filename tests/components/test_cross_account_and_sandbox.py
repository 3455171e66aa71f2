"""Explicit providers: the log-archive account (assumed role) and the local sandbox emulator."""
from __future__ import annotations

import json

import pytest

from components.errors import SettingsError

MGMT, ARCHIVE, ORG = "111111111111", "222222222222", "o-abcdefghij"
ROLE = f"arn:aws:iam::{ARCHIVE}:role/trailguard-deployer"
CROSS = {"orgId": ORG, "logArchiveAccountId": ARCHIVE, "logArchiveRoleArn": ROLE}
ARCHIVE_SIDE = ["tg-key-key", "tg-key-alias", "tg-logs-bucket", "tg-logs-policy", "tg-logs-object-lock",
                "tg-access-logs-bucket", "tg-access-logs-policy", "tg-logs-encryption"]
MGMT_SIDE = ["tg-trail", "tg-cloudwatch-log-group", "tg-cloudwatch-role", "tg-cloudwatch-role-policy",
             "tg-delivery-topic"]


def config(provider) -> dict:
    """Provider inputs as the engine sends them: nested values JSON-encoded, booleans as strings."""
    out = {}
    for key, value in provider.inputs.items():
        if isinstance(value, str) and value[:1] in "[{":
            value = json.loads(value)
        elif value in ("true", "false"):
            value = value == "true"
        out[key] = value
    return out


@pytest.fixture
def cross(deploy):
    return deploy(CROSS)


def test_archive_provider_assumes_the_configured_role(cross):
    (provider,) = cross.of_type("pulumi:providers:aws")
    assert provider.name == "tg-log-archive"
    # camelCase keys: the provider ignores a JSON "role_arn" and would deploy into the wrong account.
    assert config(provider)["assumeRoles"] == [{"roleArn": ROLE, "sessionName": "trailguard-provisioning"}]
    assert config(provider)["region"] == "eu-west-1"


@pytest.mark.parametrize("name", ARCHIVE_SIDE)
def test_storage_and_key_land_in_the_archive_account(cross, name):
    assert "tg-log-archive" in cross.get(name).provider


@pytest.mark.parametrize("name", MGMT_SIDE)
def test_trail_log_group_role_and_topic_stay_in_the_management_account(cross, name):
    assert "tg-log-archive" not in cross.get(name).provider


def test_cross_account_bucket_names_use_the_archive_account(cross):
    assert cross.get("tg-logs-bucket").inputs["bucket"] == f"trailguard-logs-{ARCHIVE}-eu-west-1"
    assert cross.outputs["kmsKeyArn"].startswith(f"arn:aws:kms:eu-west-1:{ARCHIVE}:key/")


def test_trail_uses_the_archive_key_and_bucket(cross):
    inputs = cross.get("tg-trail").inputs
    assert inputs["kmsKeyId"].startswith(f"arn:aws:kms:eu-west-1:{ARCHIVE}:")
    assert inputs["s3BucketName"] == f"trailguard-logs-{ARCHIVE}-eu-west-1"


def test_without_archive_settings_no_explicit_provider_is_created(org_plan):
    assert org_plan.of_type("pulumi:providers:aws") == []


def test_archive_account_equal_to_the_deploying_account_is_rejected(deploy):
    with pytest.raises(SettingsError, match="logArchiveAccountId: '111111111111' is the management account"):
        deploy({"logArchiveAccountId": MGMT, "logArchiveRoleArn": f"arn:aws:iam::{MGMT}:role/x"})


def test_management_account_id_must_match_the_deploying_credentials(deploy):
    with pytest.raises(SettingsError, match="managementAccountId: '999999999999' but the deploying credentials "
                                            "belong to account 111111111111"):
        deploy({"managementAccountId": "999999999999"})


def test_management_account_id_matching_the_caller_is_accepted(deploy):
    assert deploy({"managementAccountId": MGMT}).outputs["trailArn"].split(":")[4] == MGMT


SANDBOX = "http://127.0.0.1:5055"


@pytest.fixture
def sandbox(deploy):
    return deploy({"orgId": ORG, "sandboxEndpoint": SANDBOX})


def test_sandbox_provider_points_every_service_at_the_emulator(sandbox):
    (provider,) = sandbox.of_type("pulumi:providers:aws")
    endpoints = config(provider)["endpoints"][0]
    for service in ("cloudtrail", "cloudwatchlogs", "iam", "kms", "s3", "sns", "sts"):
        assert endpoints[service] == SANDBOX, service


def test_sandbox_provider_skips_real_aws_lookups_and_uses_fake_keys(sandbox):
    (provider,) = sandbox.of_type("pulumi:providers:aws")
    i = config(provider)
    assert all(i[k] is True for k in ("skipCredentialsValidation", "skipRequestingAccountId",
                                      "skipMetadataApiCheck", "s3UsePathStyle"))
    secrets = [i[k]["value"] if isinstance(i[k], dict) else i[k] for k in ("accessKey", "secretKey")]
    assert secrets == ["testing", "testing"]


@pytest.mark.parametrize("name", ["tg-trail", "tg-logs-bucket", "tg-key-key", "tg-cloudwatch-role"])
def test_sandbox_resources_use_the_sandbox_provider(sandbox, name):
    assert "tg-sandbox" in sandbox.get(name).provider


def test_sandbox_invokes_go_through_the_sandbox_provider(sandbox):
    tokens = {token: provider for token, provider in sandbox.mocks.calls}
    assert "tg-sandbox" in tokens["aws:index/getCallerIdentity:getCallerIdentity"]
    assert "tg-sandbox" in tokens["aws:index/getRegion:getRegion"]


def test_sandbox_with_archive_account_assumes_the_role_against_the_emulator(deploy):
    plan = deploy({**CROSS, "sandboxEndpoint": SANDBOX})
    archive = config(plan.get("tg-log-archive"))
    assert archive["endpoints"][0]["sts"] == SANDBOX
    assert archive["assumeRoles"][0]["roleArn"] == ROLE
    assert archive["skipCredentialsValidation"] is True
