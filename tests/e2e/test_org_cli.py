"""End to end: ``python -m checks audit --org`` as a subprocess against a moto server over HTTP.

The organization: the management account (moto's default 123456789012) owns a logging multi-region
organization trail; three members, one with its own trail as well. moto shows no org-trail shadows to
members, so here coverage comes from the management account's view (docs/org.md explains why that is
enough); the shadow path is covered in-process by tests/checks/test_org_integration.py.
"""
from __future__ import annotations

import json
import subprocess
import sys

import boto3
import pytest

pytestmark = pytest.mark.e2e

CONTROLS = "cloudtrail_multi_region_management_events_enabled,cloudtrail_log_file_validation_enabled"
SECRET = "e2e-external-id-do-not-print"


def _trail(session_kwargs, endpoint, name, bucket, organization=False):
    s = boto3.Session(region_name="us-east-1", **session_kwargs)
    s.client("s3", endpoint_url=endpoint).create_bucket(Bucket=bucket)
    ct = s.client("cloudtrail", endpoint_url=endpoint)
    ct.create_trail(Name=name, S3BucketName=bucket, IsMultiRegionTrail=True, IsOrganizationTrail=organization,
                    EnableLogFileValidation=True)
    ct.put_event_selectors(TrailName=name, EventSelectors=[{"ReadWriteType": "All", "IncludeManagementEvents": True}])
    ct.start_logging(Name=name)


@pytest.fixture(scope="module")
def organization(moto_server, moto_client):
    orgs = moto_client("organizations")
    management = orgs.create_organization(FeatureSet="ALL")["Organization"]["MasterAccountId"]
    members = [orgs.create_account(AccountName=f"e2e-{i}", Email=f"e2e-{i}@example.test")
               ["CreateAccountStatus"]["AccountId"] for i in range(3)]
    _trail({"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}, moto_server,
           "org-trail", "e2e-org-trail-bucket", organization=True)
    creds = moto_client("sts").assume_role(RoleArn=f"arn:aws:iam::{members[0]}:role/OrganizationAccountAccessRole",
                                           RoleSessionName="seed")["Credentials"]
    _trail({"aws_access_key_id": creds["AccessKeyId"], "aws_secret_access_key": creds["SecretAccessKey"],
            "aws_session_token": creds["SessionToken"]}, moto_server, "own-trail", "e2e-member-trail-bucket")
    return management, members


def run_cli(env, *args):
    return subprocess.run([sys.executable, "-m", "checks", "audit", "--org", "--controls", CONTROLS, *args],
                          env=env, capture_output=True, text=True, timeout=180)


def test_org_json_audits_every_account_with_coverage(organization, moto_cli_env):
    management, members = organization
    proc = run_cli(moto_cli_env, "--format", "json", "--workers", "3", "--external-id", SECRET)
    assert proc.returncode in (0, 1), proc.stderr
    doc = json.loads(proc.stdout)
    everyone = sorted([management, *members])
    assert sorted(doc["summary"]["accounts"]) == everyone
    assert doc["summary"]["coverage"] == {a: "organization-trail" for a in everyone}
    ct01 = {f["account_id"]: f["status"] for f in doc["findings"]
            if f["control_id"] == "cloudtrail_multi_region_management_events_enabled"}
    assert ct01[management] == "PASS" and ct01[members[0]] == "PASS"
    assert SECRET not in proc.stdout + proc.stderr


def test_org_unknown_account_is_an_error_row_and_exit_1(organization, moto_cli_env):
    management, members = organization
    proc = run_cli(moto_cli_env, "--format", "json", "--quiet", "--accounts", f"{members[1]},999999999999")
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert sorted(doc["summary"]["accounts"]) == sorted([members[1], "999999999999"])
    assert {k: v for k, v in doc["summary"]["accounts"]["999999999999"].items() if v} == {"ERROR": 2}
    assert any("999999999999" in n for n in doc["summary"]["notes"])
    assert "999999999999" in proc.stderr  # the note reaches stderr too
    assert "audited" not in proc.stderr  # --quiet: no progress lines


def test_org_table_prints_matrix_and_progress(organization, moto_cli_env):
    management, members = organization
    proc = run_cli(moto_cli_env, "--format", "table")
    assert proc.returncode in (0, 1), proc.stderr
    assert "Accounts by control" in proc.stdout and "Trail coverage" in proc.stdout
    assert all(a in proc.stdout for a in [management, *members])
    assert "trailguard: audited 4/4 accounts" in proc.stderr
