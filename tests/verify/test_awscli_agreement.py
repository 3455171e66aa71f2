"""AWS's own reader agrees with our signing and with our verdicts: `aws cloudtrail validate-logs`.

awscli (PyPI, test dependency) runs as a subprocess against the emulator (moto's server plus our
ListPublicKeys); it calls DescribeTrails, GetBucketLocation, ListObjects, GetObject and ListPublicKeys.
AWS CLI reference, validate-logs: "Validates CloudTrail logs for a given period of time... detect ...
modification or deletion of CloudTrail log files"; it exits 1 when a digest or log file is invalid.
"""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest

from sandbox import publickeys
from verify_world import HOME, T0, World, outcomes

START, END = T0 - dt.timedelta(minutes=30), T0 + dt.timedelta(hours=3)
ISO = "%Y-%m-%dT%H:%M:%SZ"


@pytest.fixture(scope="module")
def server():
    from sandbox.emulator import Emulator

    with Emulator() as emulator:
        yield emulator


@pytest.fixture
def served_world(server, monkeypatch):
    server.reset()
    publickeys.clear()
    monkeypatch.setenv("AWS_ENDPOINT_URL", server.endpoint_url)
    yield World(org=False, prefix="audit/logs")
    publickeys.clear()


def validate_logs(endpoint: str, trail_arn: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "AWS_ENDPOINT_URL": endpoint, "AWS_DEFAULT_REGION": HOME}
    cmd = [sys.executable, "-m", "awscli", "cloudtrail", "validate-logs", "--trail-arn", trail_arn,
           "--start-time", START.strftime(ISO), "--end-time", END.strftime(ISO), "--region", HOME, "--verbose"]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)


def test_awscli_validate_logs_accepts_our_digests_and_logs(served_world, server):
    chain = served_world.deliver(hours=3)
    proc = validate_logs(server.endpoint_url, served_world.trail_arn)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "3/3 digest files valid" in proc.stdout
    assert "6/6 log files valid" in proc.stdout
    assert outcomes(served_world.verify()) == {"digest_valid": set(chain.digests)}


def test_awscli_validate_logs_and_verify_both_report_the_tampered_file(served_world, server):
    chain = served_world.deliver(hours=3)
    served_world.overwrite(chain.logs[3], b'{"Records": []}')
    proc = validate_logs(server.endpoint_url, served_world.trail_arn)
    assert proc.returncode == 1
    bucket = served_world.stream().bucket
    assert f"Log file\ts3://{bucket}/{chain.logs[3]}\tINVALID: hash value doesn't match" in proc.stderr
    assert "5/6 log files valid, 1/6 log files INVALID" in proc.stdout
    assert outcomes(served_world.verify())["log_modified"] == {chain.logs[3]}


def test_awscli_validate_logs_and_verify_both_report_the_deleted_digest(served_world, server):
    chain = served_world.deliver(hours=3)
    served_world.delete(chain.digests[1])
    proc = validate_logs(server.endpoint_url, served_world.trail_arn)
    assert proc.returncode == 1
    assert f"{chain.digests[1]}\tINVALID: not found" in proc.stderr
    assert outcomes(served_world.verify())["digest_missing"] == {chain.digests[1]}


def test_awscli_validate_logs_agrees_on_an_organization_member_path(server, monkeypatch):
    """Organization trail: validate-logs needs --account-id and reads the org id from DescribeOrganization;
    the digests live under AWSLogs/<o-id>/<account>/ ("CloudTrail digest file structure")."""
    import boto3

    import verify_world

    server.reset()
    publickeys.clear()
    monkeypatch.setenv("AWS_ENDPOINT_URL", server.endpoint_url)
    org_id = boto3.client("organizations", region_name=HOME).create_organization(FeatureSet="ALL")[
        "Organization"]["Id"]
    monkeypatch.setattr(verify_world, "ORG", org_id)
    world = World(org=True)
    chain = world.deliver(account=verify_world.MEMBER, hours=3)
    world.overwrite(chain.logs[4])
    env = {**os.environ, "AWS_DEFAULT_REGION": HOME}
    cmd = [sys.executable, "-m", "awscli", "cloudtrail", "validate-logs", "--trail-arn", world.trail_arn,
           "--start-time", START.strftime(ISO), "--end-time", END.strftime(ISO), "--region", HOME,
           "--account-id", verify_world.MEMBER]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "3/3 digest files valid" in proc.stdout and "5/6 log files valid, 1/6 log files INVALID" in proc.stdout
    assert f"/{org_id}/{verify_world.MEMBER}/CloudTrail/" in proc.stderr
    out = world.verify(org=True)
    assert outcomes(out) == {"digest_valid": set(chain.digests), "log_modified": {chain.logs[4]}}
    publickeys.clear()
