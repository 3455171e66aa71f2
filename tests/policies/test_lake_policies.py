"""The Lake policies (CL-01..CL-06) on Pulumi stacks: the hardened store passes, each weakened prop is a
violation on the store's URN, and a stack without a store is not applicable (the opt-out is visible).

Defaults when a prop is absent are pulumi-aws's (EventDataStore docs): multiRegionEnabled true,
organizationEnabled false, retentionPeriod 2557, terminationProtectionEnabled true.
"""
from __future__ import annotations

import pytest

from testkit.pack import Res, policies, run_stack_policy
from policy_stacks import KEY_ARN, hardened_stack

EDS = "aws:cloudtrail/eventDataStore:EventDataStore"
STORE = {"name": "org-lake", "arn": "arn:aws:cloudtrail:us-east-1:111111111111:eventdatastore/lake",
         "kmsKeyId": KEY_ARN, "multiRegionEnabled": True, "organizationEnabled": True, "retentionPeriod": 365,
         "terminationProtectionEnabled": True}
WEAK = [
    ("cloudtrail_lake_kms_encryption_enabled", {"kmsKeyId": None}),
    ("cloudtrail_lake_termination_protection_enabled", {"terminationProtectionEnabled": False}),
    ("cloudtrail_lake_retention_sufficient", {"retentionPeriod": 90}),
    ("cloudtrail_lake_multi_region_enabled", {"multiRegionEnabled": False}),
    ("cloudtrail_lake_organization_enabled", {"organizationEnabled": False}),
    ("cloudtrail_lake_ingestion_enabled", {"suspend": True}),
]


def stack(**store):
    props = {k: v for k, v in {**STORE, **store}.items() if v is not None}
    return [*hardened_stack(), Res(EDS, "lake", props)]


@pytest.mark.parametrize("control_id,weak", WEAK, ids=[w[0] for w in WEAK])
def test_lake_policy_passes_the_hardened_store_and_flags_the_weakened_prop(control_id, weak):
    policy = policies()[control_id]
    assert run_stack_policy(policy, stack()).violations == []
    out = run_stack_policy(policy, stack(**weak))
    assert [urn for _, urn in out.violations] == [Res(EDS, "lake", {}).urn]


@pytest.mark.parametrize("control_id", [w[0] for w in WEAK])
def test_lake_policy_without_a_store_is_not_applicable_naming_the_opt_out(control_id):
    out = run_stack_policy(policies()[control_id], hardened_stack())
    assert out.violations == [] and "has no CloudTrail Lake event data store" in out.not_applicable


def test_lake_defaults_of_the_provider_keep_events_2557_days_but_not_organization_wide():
    bare = {"name": "bare"}
    assert run_stack_policy(policies()["cloudtrail_lake_retention_sufficient"],
                            [*hardened_stack(), Res(EDS, "bare", bare)]).violations == []
    assert run_stack_policy(policies()["cloudtrail_lake_organization_enabled"],
                            [*hardened_stack(), Res(EDS, "bare", bare)]).violations
