"""End to end: ``audit --history-days 7`` and ``audit --org --history-days 7`` report logging gaps and
tamper events from the emulator's event history (sandbox/trail_history.py), over HTTP.

The moto server runs in this process, so the history is told to it directly: each stack was deployed a
month ago (its recorded calls dropped, its trail's StartLoggingTime set back) and then the events below
happened. The server's state is reset before and after: the other e2e modules share moto's backends.
"""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import boto3
import pytest

from sandbox import trail_history as th

pytestmark = pytest.mark.e2e

CONTROLS = "cloudtrail_logging_continuous,cloudtrail_audit_resources_untampered"
NOW = dt.datetime.now(dt.timezone.utc)
IP = "203.0.113.50"


def _stack(endpoint, account, creds, name, bucket, organization=False):
    s = boto3.Session(region_name="us-east-1", **creds)
    s.client("s3", endpoint_url=endpoint).create_bucket(Bucket=bucket)
    ct = s.client("cloudtrail", endpoint_url=endpoint)
    ct.create_trail(Name=name, S3BucketName=bucket, IsMultiRegionTrail=True, IsOrganizationTrail=organization)
    ct.put_event_selectors(TrailName=name, EventSelectors=[{"ReadWriteType": "All", "IncludeManagementEvents": True}])
    ct.start_logging(Name=name)
    th.forget_account(account)
    th.backdate_trail(account, "us-east-1", name, NOW - dt.timedelta(days=30))


def _event(account, event_name, hours, actor, source="cloudtrail.amazonaws.com", **request):
    th.seed(account, "us-east-1", [th.make_record(
        account_id=account, region="us-east-1", name=event_name, source=source, request=request, source_ip=IP,
        when=NOW - dt.timedelta(hours=hours), actor_arn=f"arn:aws:sts::{account}:assumed-role/{actor}")])


@pytest.fixture(scope="module")
def clean(moto_reset):
    moto_reset()
    yield
    moto_reset()


def run_cli(env, *args):
    proc = subprocess.run([sys.executable, "-m", "checks", "audit", "--controls", CONTROLS, "--history-days", "7",
                           "--format", "json", "--quiet", *args], env=env, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def test_audit_history_reports_the_gap_and_the_bucket_policy_change(clean, moto_server, moto_cli_env):
    account = "123456789012"
    creds = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    _stack(moto_server, account, creds, "audit-trail", "e2e-history-bucket")
    _event(account, "StopLogging", 5, "ops/mallory", name="audit-trail")
    _event(account, "PutBucketPolicy", 4, "ops/mallory", source="s3.amazonaws.com", bucketName="e2e-history-bucket")
    _event(account, "StartLogging", 3, "ops/mallory", name="audit-trail")
    code, doc = run_cli(moto_cli_env)
    assert code == 1
    gaps = [f for f in doc["findings"] if f["control_id"] == "cloudtrail_logging_continuous"]
    assert len(gaps) > 1 and {f["status"] for f in gaps} == {"FAIL"}  # a multi-region trail: every region
    assert all("1 logging gap(s)" in f["reason"] for f in gaps)
    assert f"StopLogging of trail audit-trail by arn:aws:sts::{account}:assumed-role/ops/mallory from {IP}" in \
        gaps[0]["reason"]
    (tamper,) = [f for f in doc["findings"] if f["control_id"] == "cloudtrail_audit_resources_untampered"]
    assert tamper["status"] == "FAIL" and "PutBucketPolicy on bucket e2e-history-bucket" in tamper["reason"]


def test_audit_org_history_reports_the_member_gap_and_the_deployer_change_as_info(clean, moto_reset, moto_server,
                                                                               moto_client, moto_cli_env):
    moto_reset()
    orgs = moto_client("organizations")
    management = orgs.create_organization(FeatureSet="ALL")["Organization"]["MasterAccountId"]
    member = orgs.create_account(AccountName="e2e-history", Email="h@example.test")["CreateAccountStatus"]["AccountId"]
    _stack(moto_server, management, {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"},
           "org-trail", "e2e-history-org-bucket", organization=True)
    got = moto_client("sts").assume_role(RoleArn=f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole",
                                         RoleSessionName="seed")["Credentials"]
    _stack(moto_server, member, {"aws_access_key_id": got["AccessKeyId"], "aws_secret_access_key":
                                 got["SecretAccessKey"], "aws_session_token": got["SessionToken"]},
           "own-trail", "e2e-history-member-bucket")
    _event(member, "StopLogging", 30, "ops/mallory", name="own-trail")
    _event(member, "StartLogging", 26, "ops/mallory", name="own-trail")
    _event(management, "PutBucketPolicy", 2, "trailguard-deployer/pulumi", source="s3.amazonaws.com",
           bucketName="e2e-history-org-bucket")
    code, doc = run_cli(moto_cli_env, "--org", "--deployer-role", "trailguard-deployer")
    assert code == 1
    status = {(f["account_id"], f["control_id"]): set() for f in doc["findings"]}
    for f in doc["findings"]:
        status[(f["account_id"], f["control_id"])].add(f["status"])
    assert status[(member, "cloudtrail_logging_continuous")] == {"FAIL"}
    assert status[(management, "cloudtrail_logging_continuous")] == {"PASS"}
    (info,) = [f for f in doc["findings"] if f["account_id"] == management
               and f["control_id"] == "cloudtrail_audit_resources_untampered"]
    assert info["status"] == "PASS" and "INFO: 1 change(s) by the deployer role: PutBucketPolicy" in info["reason"]
