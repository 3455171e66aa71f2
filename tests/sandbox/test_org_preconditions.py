"""The emulator answers getOrganization as the provider would, so the program's preconditions run there too."""
from __future__ import annotations

import boto3
import pytest


def _org_without_trusted_access(endpoint: str) -> dict:
    orgs = boto3.session.Session(region_name="us-east-1").client("organizations", endpoint_url=endpoint)
    return orgs.create_organization(FeatureSet="ALL")["Organization"]


def test_organization_without_cloudtrail_trusted_access_is_refused_before_any_resource(emulator):
    from sandbox.demo import create_alarm_queue, demo_config
    from sandbox.deployer import deploy

    emulator.reset()
    org = _org_without_trusted_access(emulator.endpoint_url)
    config = demo_config(org["Id"], org["MasterAccountId"], create_alarm_queue(emulator.endpoint_url))
    with pytest.raises(Exception, match="enable-aws-service-access --service-principal cloudtrail.amazonaws.com"):
        deploy(emulator.endpoint_url, config)
    s3 = boto3.session.Session(region_name="us-east-1").client("s3", endpoint_url=emulator.endpoint_url)
    assert s3.list_buckets()["Buckets"] == []


def test_emulator_reports_the_enabled_service_principals_to_the_management_account(emulator):
    from sandbox.legacy import create_organization
    from sandbox.org_invokes import get_organization

    emulator.reset()
    org = create_organization(emulator.endpoint_url)
    orgs = boto3.session.Session(region_name="us-east-1").client("organizations", endpoint_url=emulator.endpoint_url)
    got = get_organization(orgs, org.management_account_id)
    assert (got["id"], got["featureSet"], got["masterAccountId"]) == (org.id, "ALL", org.management_account_id)
    assert "cloudtrail.amazonaws.com" in got["awsServiceAccessPrincipals"]
