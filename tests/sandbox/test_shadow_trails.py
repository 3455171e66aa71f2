"""The sandbox's emulator shows trails as AWS does: every Region's trails in ListTrails, and the organization
trail as a shadow trail in member accounts.

CloudTrail API reference: ListTrails "Lists trails that are in the current account" with their HomeRegion;
DescribeTrails includes shadow trails unless includeShadowTrails is false; a shadow trail's status and
selectors are read by its ARN (GetTrailStatus: "To get the status of a shadow trail ... the ARN is
required"). A member cannot change the organization trail.
"""
from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from sandbox_stack import audit, deploy_demo_stack, ids_with

TRAIL_CONTROLS = {"cloudtrail_multi_region_management_events_enabled", "cloudtrail_all_regions_covered"}


@pytest.fixture(scope="module")
def org_with_member(emulator):
    from sandbox.legacy import create_member

    audited = deploy_demo_stack(emulator)
    member, creds = create_member(emulator.endpoint_url, "workloads", "workloads@example.com")
    trail_arn = audited.deployed.outputs["trailArn"]
    return emulator.endpoint_url, audited, member, creds, trail_arn


def _ct(endpoint: str, creds=None, region: str = "us-east-1"):
    kw = {} if creds is None else {"aws_access_key_id": creds.access_key_id,
                                   "aws_secret_access_key": creds.secret_access_key,
                                   "aws_session_token": creds.session_token}
    return boto3.session.Session(region_name=region, **kw).client("cloudtrail", endpoint_url=endpoint)


def test_member_lists_and_describes_the_organization_trail(org_with_member):
    endpoint, _, _, creds, arn = org_with_member
    ct = _ct(endpoint, creds, "eu-west-1")
    assert {"TrailARN": arn, "Name": arn.split("/")[-1], "HomeRegion": "us-east-1"} in ct.list_trails()["Trails"]
    described = [t for t in ct.describe_trails()["trailList"] if t["TrailARN"] == arn]
    assert described and described[0]["IsOrganizationTrail"] is True
    assert arn not in {t["TrailARN"] for t in ct.describe_trails(includeShadowTrails=False)["trailList"]}


def test_member_reads_status_and_selectors_by_arn(org_with_member):
    endpoint, _, _, creds, arn = org_with_member
    ct = _ct(endpoint, creds)
    assert ct.get_trail_status(Name=arn)["IsLogging"] is True
    selectors = ct.get_event_selectors(TrailName=arn)
    assert selectors["TrailARN"] == arn and selectors["AdvancedEventSelectors"]


def test_member_cannot_stop_the_organization_trail(org_with_member):
    endpoint, _, _, creds, arn = org_with_member
    with pytest.raises(ClientError):
        _ct(endpoint, creds).stop_logging(Name=arn)


def test_management_account_lists_its_trail_from_another_region(org_with_member):
    endpoint, _, _, _, arn = org_with_member
    trails = _ct(endpoint, region="ap-southeast-2").list_trails()["Trails"]
    assert {"TrailARN": arn, "Name": arn.split("/")[-1], "HomeRegion": "us-east-1"} in trails


def test_member_audit_credits_the_organization_trail(org_with_member):
    endpoint, _, member, creds, _ = org_with_member
    findings = audit(endpoint, member, creds)
    assert TRAIL_CONTROLS <= ids_with(findings, "PASS")
