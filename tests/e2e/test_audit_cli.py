"""End to end: the real CLI, as a subprocess, audits a moto server over HTTP.

One account with a private bucket (public access block on) and two trails: ``validated`` has log file
validation, ``unvalidated`` does not, neither has a KMS key. With the four controls below only medium
controls fail, so --fail-on critical exits 0 and the default (low) exits 1. Three CLI runs in all: each
collects the whole account, so every run costs seconds; the table format is covered by unit tests.
"""
from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

pytestmark = pytest.mark.e2e

BUCKET = "trailguard-e2e-trail-bucket"  # not "logs": that name breaks moto's routing
CONTROLS = ",".join((
    "cloudtrail_log_file_validation_enabled",  # medium: FAIL on 'unvalidated'
    "cloudtrail_kms_encryption_enabled",  # medium: FAIL on both
    "cloudtrail_bucket_not_public",  # critical: PASS
    "cloudtrail_multi_region_management_events_enabled",  # high
))


@pytest.fixture(scope="module")
def seeded(moto_client):
    s3 = moto_client("s3")
    s3.create_bucket(Bucket=BUCKET)
    s3.put_public_access_block(Bucket=BUCKET, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True})
    cloudtrail = moto_client("cloudtrail")
    for name, validation in (("validated", True), ("unvalidated", False)):
        cloudtrail.create_trail(Name=name, S3BucketName=BUCKET, IsMultiRegionTrail=True,
                                EnableLogFileValidation=validation)
        cloudtrail.start_logging(Name=name)
    return moto_client("sts").get_caller_identity()["Account"]


def run_cli(env, *args, timeout=120):
    return subprocess.run([sys.executable, "-m", "checks", "audit", "--controls", CONTROLS, *args],
                          env=env, capture_output=True, text=True, timeout=timeout)


def test_e2e_json_exit_0_when_only_medium_fails_and_fail_on_critical(seeded, moto_cli_env):
    proc = run_cli(moto_cli_env, "--format", "json", "--fail-on", "critical")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    status = {(f["control_id"], f["resource"].rsplit("/", 1)[-1]): f["status"] for f in doc["findings"]}
    assert status[("cloudtrail_log_file_validation_enabled", "validated")] == "PASS"
    assert status[("cloudtrail_log_file_validation_enabled", "unvalidated")] == "FAIL"
    assert status[("cloudtrail_kms_encryption_enabled", "unvalidated")] == "FAIL"
    assert {f["status"] for f in doc["findings"] if f["severity"] == "critical"} == {"PASS"}
    assert all(f["account_id"] == seeded for f in doc["findings"])
    assert doc["summary"]["accounts"][seeded]["FAIL"] >= 2
    assert doc["summary"]["failing"] == 0


def test_e2e_sarif_file_has_rules_and_located_results_and_default_fail_on_exits_1(seeded, moto_cli_env,
                                                                                     tmp_path):
    out = tmp_path / "audit.sarif"
    proc = run_cli(moto_cli_env, "--format", "sarif", "--output", str(out))
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == ""
    assert "failing at or above low" in proc.stderr
    doc = json.loads(out.read_text())
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert {r["id"] for r in rules} == set(CONTROLS.split(","))
    assert run["results"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri.startswith(f"aws/{seeded}/")
    assert "cloudtrail_log_file_validation_enabled" in {r["ruleId"] for r in run["results"]}


def test_e2e_junit_counts_match_testcases(seeded, moto_cli_env):
    proc = run_cli(moto_cli_env, "--format", "junit", "--fail-on", "medium", "--errors-ok")
    assert proc.returncode == 1, proc.stderr
    root = ET.fromstring(proc.stdout)
    (suite,) = root.findall("testsuite")
    cases = suite.findall("testcase")
    assert int(suite.get("tests")) == len(cases) >= 4
    assert int(suite.get("failures")) == len(suite.findall("testcase/failure")) >= 2
    failing = {(c.get("classname"), c.get("name").rsplit("/", 1)[-1]) for c in cases
               if c.find("failure") is not None}
    assert ("cloudtrail_log_file_validation_enabled", "unvalidated") in failing
    assert ("cloudtrail_log_file_validation_enabled", "validated") not in failing
