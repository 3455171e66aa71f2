"""The demo stack, deployed into the emulator, passes every live control; the legacy member fails its set."""
from __future__ import annotations

import pytest

from sandbox_stack import CM_ALL, audit, deploy_demo_stack, ids_with, live_controls

# The member sees the organization trail as a shadow trail (as in AWS), which covers every Region with
# management events, Insights and the CIS alarms (judged in the management account); the legacy trail's
# own defects still fail.
LEGACY_FAIL = {
    "cloudtrail_log_file_validation_enabled",
    "cloudtrail_kms_encryption_enabled",
    "cloudtrail_cloudwatch_logs_integrated",
    "cloudtrail_bucket_access_logging_enabled",
    "cloudtrail_bucket_deletion_protection_enabled",
    "cloudtrail_trail_tagged",
    "cloudtrail_sns_notifications_enabled",
    "s3_trail_bucket_ownership_enforced",
    "s3_trail_bucket_versioning_enabled",
    "s3_trail_bucket_sse_kms_enabled",
    "s3_trail_bucket_policy_secure",  # public read, no TLS-only deny, no aws:SourceArn
    "s3_trail_bucket_public_access_block_enabled",
}
LEGACY_PASS = {
    "cloudtrail_global_service_events_enabled", "cloudtrail_multi_region_management_events_enabled",
    "cloudtrail_all_regions_covered", "cloudtrail_security_trail_enabled", "cloudtrail_insights_enabled",
    # the organization trail (seen as a shadow) records S3 object events of all buckets, for members too
    "cloudtrail_s3_write_data_events_enabled", "cloudtrail_s3_read_data_events_enabled",
}
LEGACY_NOT_APPLICABLE = CM_ALL | {
    "cloudtrail_delivery_healthy",  # a stopped trail delivers nothing; CT-02 reports the gap
    "kms_trail_key_rotation_enabled",  # no key
    "cloudwatch_trail_log_group_retention_sufficient",  # no log group
    "cloudwatch_trail_log_group_kms_encrypted",
}
PUBLIC_BUCKET = "cloudtrail_bucket_not_public"


@pytest.fixture(scope="module")
def org(emulator):
    """The demo's organization: the provisioned management account and a seeded legacy member."""
    from sandbox.legacy import create_member, seed_legacy

    provisioned = deploy_demo_stack(emulator)
    account_id, creds = create_member(emulator.endpoint_url, "legacy-workloads", "legacy@example.com")
    legacy = seed_legacy(emulator.endpoint_url, account_id, creds)
    return provisioned, audit(emulator.endpoint_url, account_id, creds), legacy


def test_provisioned_stack_has_no_fail_and_no_error(org):
    provisioned, _, _ = org
    bad = [f"{f.control_id}: {f.status.value}: {f.reason}" for f in provisioned.findings
           if f.status.value in ("FAIL", "ERROR")]
    assert bad == []


def test_provisioned_stack_passes_every_live_control(org):
    provisioned, _, _ = org
    assert ids_with(provisioned.findings, "PASS") == {c.id for c in live_controls()}


def test_provisioned_outputs_are_what_aws_reports(org, emulator):
    import boto3

    provisioned, _, _ = org
    outputs = provisioned.deployed.outputs
    ct = boto3.client("cloudtrail", region_name="us-east-1", endpoint_url=emulator.endpoint_url)
    trail = ct.describe_trails(trailNameList=[outputs["trailArn"]])["trailList"][0]
    assert trail["S3BucketName"] == outputs["logBucketName"]
    assert trail["KmsKeyId"] == outputs["kmsKeyArn"]
    assert trail["CloudWatchLogsLogGroupArn"] == outputs["logGroupArn"] + ":*"  # pulumi-aws v7: no ":*"
    assert trail["IsOrganizationTrail"] is True
    assert ct.get_trail_status(Name=outputs["trailArn"])["IsLogging"] is True


def test_legacy_account_fails_exactly_its_seeded_misconfigurations(org):
    _, legacy_findings, _ = org
    assert ids_with(legacy_findings, "FAIL") == LEGACY_FAIL | {PUBLIC_BUCKET}
    assert ids_with(legacy_findings, "ERROR") == set()
    # besides these, the organization trail's own resources are NOT_APPLICABLE here: assessed in their owner
    assert LEGACY_NOT_APPLICABLE <= ids_with(legacy_findings, "NOT_APPLICABLE")
    assert ids_with(legacy_findings, "PASS") == LEGACY_PASS


def test_legacy_public_bucket_fails_cloudtrail_bucket_not_public(org):
    _, legacy_findings, legacy = org
    statuses = {f.status.value for f in legacy_findings if f.control_id == PUBLIC_BUCKET and legacy.bucket in f.resource}
    assert statuses == {"FAIL"}, f"{PUBLIC_BUCKET} on {legacy.bucket}: {statuses}"


def test_provisioned_lake_store_passes_every_lake_control(org, emulator):
    """trailguard:lake (on in Pulumi.sandbox.yaml): the organization event data store the stack deployed,
    encrypted with the trail key, passes CL-01..CL-06 (the opt-out's NOT_APPLICABLE: tests/history)."""
    import boto3

    from checks.catalog import all_controls
    from checks.collect import collect_account
    from checks.engine import evaluate
    from sandbox_stack import endpoint_env

    provisioned, _, _ = org
    controls = [c for c in all_controls() if c.family == "lake"]
    with endpoint_env(emulator.endpoint_url):
        facts = collect_account(boto3.session.Session(region_name="us-east-1"), account_id=provisioned.account_id,
                                controls=controls)
    assert {f.status.value for f in evaluate(facts, controls)} == {"PASS"}
    (store,) = facts.lake.stores
    assert store.kms_key_id == provisioned.deployed.outputs["kmsKeyArn"]
