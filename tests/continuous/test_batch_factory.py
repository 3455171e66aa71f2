"""``audit_batch(session_factory=...)``: the scheduled audit's accounts are audited through the factory given,
as ``checks.org.audit_organization``'s parameter of that name does (bench/continuous_bench.py meters calls
with it). moto shows the organization trail to no member; ``OrgTrailShadows`` (installed by the factory)
shows it as AWS does ("Organization trails appear in member accounts", CloudTrail user guide, "Creating a
trail for an organization"), so the member's coverage tells which factory audited it.
"""
from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

from checks.continuous.runs import RunConfig, audit_batch, list_accounts
from checks.org_coverage import ORGANIZATION_TRAIL
from testkit.org import OrgTrailShadows, create_trail, factory_installing, seed_organization


@pytest.mark.parametrize("shadowed", [False, True])
def test_the_batch_audits_through_the_factory_given(shadowed):
    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        management, members = seed_organization(session, 1)
        arn = create_trail(session, "org-trail", "org-trail-logs-0001", organization=True)
        session.client("s3").create_bucket(Bucket="trailguard-results-factory")
        cfg = RunConfig(bucket="trailguard-results-factory",
                        controls=("cloudtrail_multi_region_management_events_enabled",))
        listed = list_accounts(session, cfg, "2026-03-01")
        factory = factory_installing(OrgTrailShadows(session, arn).install) if shadowed else None
        counts = audit_batch(session, cfg, members, run_id="2026-03-01", caller=listed["caller"],
                             partition=listed["partition"], management_id=listed["management_id"],
                             session_factory=factory)
        report = json.loads(session.client("s3").get_object(
            Bucket=cfg.bucket, Key=f"runs/2026-03-01/accounts/{members[0]}.json")["Body"].read())
    assert counts["accounts"] == 1 and counts["errors"] == 0
    assert (report["summary"]["coverage"][members[0]] == ORGANIZATION_TRAIL) is shadowed
