"""Trail resource policies called with ResourceValidationArgs, and their remediations."""
from __future__ import annotations

import pytest
from pulumi_policy import ResourceValidationArgs
from pulumi_policy.proxy import UNKNOWN_BOOLEAN_VALUE, unknown_checking_proxy
from pulumi_policy.secret import secrets_preserving_proxy

from testkit.pack import _opts, policies, run_resource
from policy_stacks import U, hardened_trail
from trailguard_policies.remediation import REMEDIATIONS, remediate_props

GOOD = hardened_trail().props
TRAIL_CONTROLS = ["cloudtrail_multi_region_management_events_enabled", "cloudtrail_global_service_events_enabled",
                  "cloudtrail_log_file_validation_enabled", "cloudtrail_kms_encryption_enabled",
                  "cloudtrail_cloudwatch_logs_integrated", "cloudtrail_sns_notifications_enabled"]


def run(control_id: str, props: dict, config: dict | None = None, type_: str = "aws:cloudtrail/trail:Trail"):
    return run_resource(policies()[control_id], props, type_=type_, config=config)


@pytest.mark.parametrize("control_id", TRAIL_CONTROLS)
def test_hardened_trail_passes_each_trail_policy(control_id):
    out = run(control_id, GOOD)
    assert out.violations == [] and out.not_applicable is None


@pytest.mark.parametrize("control_id", [c for c in TRAIL_CONTROLS if c != "cloudtrail_global_service_events_enabled"])
def test_plain_trail_violates_each_trail_policy_on_its_urn(control_id):
    # (global service events default to on, so the plain trail passes CT-04; tested below)
    out = run(control_id, {"name": "plain", "s3BucketName": "logs"})
    assert len(out.violations) == 1
    message, urn = out.violations[0]
    assert message.startswith(f"[{control_id}]") and urn.endswith("::trail")


def test_global_service_events_turned_off_violate_ct04():
    assert run("cloudtrail_global_service_events_enabled", {**GOOD, "includeGlobalServiceEvents": False}).violations


def test_management_events_excluded_by_a_classic_selector_violate_ct01():
    props = {**GOOD, "advancedEventSelectors": None,
             "eventSelectors": [{"readWriteType": "All", "includeManagementEvents": True,
                                 "excludeManagementEventSources": ["kms.amazonaws.com"]}]}
    assert run("cloudtrail_multi_region_management_events_enabled", props).violations


def test_write_only_management_selector_violates_ct01():
    props = {**GOOD, "advancedEventSelectors": None, "eventSelectors": [{"readWriteType": "WriteOnly"}]}
    assert run("cloudtrail_multi_region_management_events_enabled", props).violations


def test_unknown_prop_makes_the_policy_not_applicable_with_the_reason():
    out = run("cloudtrail_log_file_validation_enabled", {**GOOD, "enableLogFileValidation": UNKNOWN_BOOLEAN_VALUE})
    assert out.violations == [] and "enableLogFileValidation" in out.not_applicable


def test_trail_policies_ignore_other_resource_types():
    out = run("cloudtrail_log_file_validation_enabled", {"bucket": "x"}, type_="aws:s3/bucket:Bucket")
    assert out.violations == [] and out.not_applicable is None


def test_required_tag_keys_come_from_the_policy_config():
    config = {"requiredTagKeys": ["CostCenter"]}
    assert run("cloudtrail_trail_tagged", GOOD, config).violations
    assert not run("cloudtrail_trail_tagged", {**GOOD, "tags": {"CostCenter": "sec"}}, config).violations


def test_organization_trail_policy_applies_only_when_expected():
    plain = {**GOOD, "isOrganizationTrail": False}
    assert run("cloudtrail_organization_trail_enabled", plain).not_applicable
    assert run("cloudtrail_organization_trail_enabled", plain, {"expectOrganizationTrail": True}).violations


# --- remediation -------------------------------------------------------------------------------------

@pytest.mark.parametrize("control_id", sorted(REMEDIATIONS))
def test_remediation_turns_the_setting_on_and_the_policy_then_passes(control_id):
    prop, value = REMEDIATIONS[control_id]
    plain = {"name": "plain", "s3BucketName": "logs", "isMultiRegionTrail": True}
    plain.pop(prop, None)
    args = ResourceValidationArgs("aws:cloudtrail/trail:Trail", plain, "urn:t", "plain", _opts(), None)
    new = policies()[control_id].remediate(args)
    assert new[prop] is value and prop not in plain  # the caller's dict is left alone
    assert {k: v for k, v in new.items() if k != prop} == plain


def test_remediation_explains_what_it_changed():
    _, message = remediate_props("cloudtrail_log_file_validation_enabled", "aws:cloudtrail/trail:Trail",
                                 {"name": "org", "enableLogFileValidation": False}, "org")
    assert message == ("trailguard remediated trail org: set enableLogFileValidation to true (was false) "
                       "for cloudtrail_log_file_validation_enabled.")


def test_remediation_leaves_a_compliant_trail_alone():
    args = ResourceValidationArgs("aws:cloudtrail/trail:Trail", GOOD, "urn:t", "org", _opts(), None)
    assert all(policies()[cid].remediate(args) is None for cid in REMEDIATIONS)


def test_remediation_ignores_other_resource_types():
    args = ResourceValidationArgs("aws:s3/bucket:Bucket", {"bucket": "b"}, "urn:b", "b", _opts(), None)
    assert policies()["cloudtrail_log_file_validation_enabled"].remediate(args) is None


def test_remediation_on_engine_props_keeps_unknown_values_and_secrets(capsys):
    # what the analyzer passes to Remediate: a secrets-preserving proxy inside the unknown-checking proxy
    raw = {"name": "org", "kmsKeyId": U, "enableLogFileValidation": False}
    props = unknown_checking_proxy(secrets_preserving_proxy(raw))
    args = ResourceValidationArgs("aws:cloudtrail/trail:Trail", props, "urn:t", "org", _opts(), None)
    new = policies()["cloudtrail_log_file_validation_enabled"].remediate(args)
    assert new["__target"] == {"name": "org", "kmsKeyId": U, "enableLogFileValidation": True}
    assert "set enableLogFileValidation to true" in capsys.readouterr().err
