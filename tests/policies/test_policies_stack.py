"""Whole stacks through the whole pack: hardened -> silent, weak -> the expected controls, unknowns -> silent."""
from __future__ import annotations

import dataclasses

import pytest

from testkit.pack import Res, run_pack, run_stack_policy, policies, violated
from policy_stacks import U, hardened_stack, weak_stack

ORG = {"cloudtrail-organization-trail-enabled": {"expectOrganizationTrail": True}}

WEAK_VIOLATIONS = {
    # the plain trail: single-region, no validation, no KMS, no CloudWatch Logs, no SNS, no insights, no tags,
    # no data events; its plain bucket: nothing declared (no policy or ACL makes it public, so CT-09 passes
    # while CX-10 wants the four block-public-access flags)
    "cloudtrail_multi_region_management_events_enabled", "cloudtrail_log_file_validation_enabled",
    "cloudtrail_kms_encryption_enabled", "cloudtrail_cloudwatch_logs_integrated",
    "cloudtrail_bucket_access_logging_enabled",
    "cloudtrail_bucket_deletion_protection_enabled", "cloudtrail_s3_write_data_events_enabled",
    "cloudtrail_s3_read_data_events_enabled", "cloudtrail_security_trail_enabled", "cloudtrail_insights_enabled",
    "cloudtrail_trail_tagged", "cloudtrail_sns_notifications_enabled",
    "s3_trail_bucket_ownership_enforced", "s3_trail_bucket_versioning_enabled", "s3_trail_bucket_sse_kms_enabled",
    "s3_trail_bucket_policy_secure", "s3_trail_bucket_public_access_block_enabled",
}


def cm_controls() -> set[str]:
    return {cid for cid in policies() if cid.endswith("_alarm_configured")}


def test_hardened_stack_has_no_violation():
    results = run_pack(hardened_stack(), ORG)
    assert {cid: out.messages for cid, out in results.items() if out.violations} == {}


def test_weak_stack_violates_exactly_the_expected_controls():
    # no CIS metric filter or alarm exists, so every CM control fails too
    assert violated(run_pack(weak_stack())) == WEAK_VIOLATIONS | cm_controls()


def test_weak_stack_violations_name_the_resource_at_fault():
    results = run_pack(weak_stack())
    urns = {urn for cid in ("s3_trail_bucket_versioning_enabled", "cloudtrail_log_file_validation_enabled")
            for _, urn in results[cid].violations}
    assert urns == {Res("aws:s3/bucket:Bucket", "plain-bucket", {}).urn,
                    Res("aws:cloudtrail/trail:Trail", "plain-trail", {}).urn}


def test_stack_policy_without_a_trail_is_not_applicable():
    out = run_stack_policy(policies()["s3_trail_bucket_versioning_enabled"], [weak_stack()[0]])
    assert out.violations == [] and "no aws:cloudtrail/trail:Trail" in out.not_applicable


def test_organization_trail_is_required_only_when_configured():
    stack = hardened_stack(isOrganizationTrail=False)
    assert "cloudtrail_organization_trail_enabled" not in violated(run_pack(stack))
    assert "cloudtrail_organization_trail_enabled" in violated(run_pack(stack, ORG))


def test_retention_minimum_comes_from_policy_config():
    config = {"cloudwatch-trail-log-group-retention-sufficient": {"minimumRetentionDays": 400}}
    assert violated(run_pack(hardened_stack(), config)) == {"cloudwatch_trail_log_group_retention_sufficient"}


def _deps(res: Res, **props_from: str) -> Res:
    """The same resource as preview sees it: these props unknown, computed from the named resources."""
    return dataclasses.replace(res, props={**res.props, **{p: U for p in props_from}},
                               prop_deps={**res.prop_deps, **{p: (src,) for p, src in props_from.items()}})


def as_preview(stack: list[Res]) -> list[Res]:
    """Every name and ARN a provider computes is unknown; joins only through property dependencies."""
    out = []
    for res in stack:
        res = dataclasses.replace(res, props={k: v for k, v in res.props.items() if k != "arn"})
        if res.type.startswith("aws:s3/bucket") and "bucket" in res.props and res.type != "aws:s3/bucket:Bucket":
            src = res.props["bucket"]
            res = _deps(res, bucket=src, **({"targetBucket": res.props["targetBucket"]} if "targetBucket" in res.props
                                            else {}))
        elif res.type == "aws:cloudtrail/trail:Trail":
            res = _deps(res, s3BucketName="trail-logs", kmsKeyId="trail-key", cloudWatchLogsGroupArn="trail-group",
                        snsTopicName="alarms")
        elif res.type == "aws:cloudwatch/logMetricFilter:LogMetricFilter":
            res = _deps(res, logGroupName="trail-group")
        elif res.type == "aws:sns/topicSubscription:TopicSubscription":
            res = _deps(res, topic="alarms")
        elif res.type == "aws:cloudwatch/metricAlarm:MetricAlarm":
            res = dataclasses.replace(res, props={**res.props, "alarmActions": [U]},
                                      prop_deps={"alarmActions": ("alarms",)})
        out.append(res)
    return out


def test_hardened_stack_at_preview_joins_by_dependencies_and_has_no_violation():
    results = run_pack(as_preview(hardened_stack()), ORG)
    assert {cid: out.messages for cid, out in results.items() if out.violations} == {}


def test_hardened_stack_at_preview_still_judges_bucket_settings():
    stack = [r for r in as_preview(hardened_stack()) if r.name != "trail-logs-versioning"]
    assert violated(run_pack(stack, ORG)) >= {"s3_trail_bucket_versioning_enabled"}


def _with(stack: list[Res], name: str, **props) -> list[Res]:
    return [dataclasses.replace(r, props={**r.props, **props}) if r.name == name else r for r in stack]


ADVANCED_UNKNOWN = [{"name": "Management events selector", "fieldSelectors": [{"field": "eventCategory",
                                                                           "equals": [U]}]}]
UNKNOWN_CASES = [  # (control, resource, a known bad value: violation, the same prop unknown: no violation)
    ("cloudtrail_log_file_validation_enabled", "org", {"enableLogFileValidation": False},
     {"enableLogFileValidation": U}),
    ("cloudtrail_multi_region_management_events_enabled", "org", {"isMultiRegionTrail": False},
     {"isMultiRegionTrail": U}),
    ("cloudtrail_global_service_events_enabled", "org", {"includeGlobalServiceEvents": False},
     {"includeGlobalServiceEvents": U}),
    ("cloudtrail_kms_encryption_enabled", "org", {"kmsKeyId": ""}, {"kmsKeyId": U}),
    ("cloudtrail_cloudwatch_logs_integrated", "org", {"cloudWatchLogsGroupArn": ""}, {"cloudWatchLogsGroupArn": U}),
    ("cloudtrail_organization_trail_enabled", "org", {"isOrganizationTrail": False}, {"isOrganizationTrail": U}),
    ("cloudtrail_s3_write_data_events_enabled", "org", {"advancedEventSelectors": ADVANCED_UNKNOWN[:0]},
     {"advancedEventSelectors": ADVANCED_UNKNOWN}),
    ("cloudtrail_trail_tagged", "org", {"tags": {}}, {"tags": U}),
    ("kms_trail_key_rotation_enabled", "trail-key", {"enableKeyRotation": False}, {"enableKeyRotation": U}),
    ("kms_trail_key_lockout_safety_check_enabled", "trail-key", {"bypassPolicyLockoutSafetyCheck": True},
     {"bypassPolicyLockoutSafetyCheck": U}),
    ("cloudwatch_trail_log_group_retention_sufficient", "trail-group", {"retentionInDays": 7},
     {"retentionInDays": U}),
    ("cloudwatch_trail_log_group_kms_encrypted", "trail-group", {"kmsKeyId": ""}, {"kmsKeyId": U}),
    ("s3_trail_bucket_policy_secure", "trail-logs-policy", {"policy": "{}"}, {"policy": U}),
    ("s3_trail_bucket_versioning_enabled", "trail-logs-versioning", {"versioningConfiguration": {"status": "Suspended"}},
     {"versioningConfiguration": {"status": U}}),
    ("s3_trail_bucket_public_access_block_enabled", "trail-logs-pab", {"blockPublicPolicy": False},
     {"blockPublicPolicy": U}),
    ("cloudwatch_root_usage_alarm_configured", "filter-RootUsage", {"pattern": "{ $.eventName = Nothing }"},
     {"pattern": U}),
]


@pytest.mark.parametrize("control_id,name,bad,unknown", UNKNOWN_CASES, ids=[c[0] for c in UNKNOWN_CASES])
def test_unknown_values_never_cause_a_violation_where_known_bad_values_do(control_id, name, bad, unknown):
    assert run_pack(_with(hardened_stack(), name, **bad), ORG)[control_id].violations
    assert run_pack(_with(hardened_stack(), name, **unknown), ORG)[control_id].violations == []
