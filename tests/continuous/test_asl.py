"""The ContinuousAudit state machine: valid ASL (npm asl-validator), and run end to end on a 50-account
organization by testkit/asl_interpreter.py (standing in for Step Functions) with the real
handlers on moto, including a failed batch within ToleratedFailurePercentage and one beyond it."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from testkit.asl_interpreter import Interpreter, LambdaServiceError
from checks import aws_lambda
from testkit.org import create_trail, seed_organization
from components.continuous_asl import definition

ROOT = Path(__file__).resolve().parents[2]
VALIDATOR = ROOT / "tools" / "asl-validator" / "node_modules" / ".bin" / "asl-validator"
ARN = "arn:aws:lambda:us-east-1:123456789012:function:trailguard-"
FUNCTIONS = {name: ARN + name.replace("_", "-") for name in ("list_accounts", "audit_batch", "merge", "notify")}
BUCKET = "trailguard-continuous-results"
SWEEP = [dict(max_concurrency=c, batch_size=b, tolerated_failure_percentage=t)
         for c, b, t in [(1, 1, 0), (40, 10, 5), (1000, 100, 1), (10000, 50, 100)]]


def _validator() -> Path:
    if not VALIDATOR.exists():
        if os.environ.get("TRAILGUARD_REQUIRE_ASL_VALIDATOR"):
            pytest.fail(f"{VALIDATOR} is missing; `make test` installs it (npm ci in tools/asl-validator)")
        pytest.skip("asl-validator not installed; run `make test` (npm ci --prefix tools/asl-validator)")
    return VALIDATOR


def _validate(tmp_path, definitions) -> subprocess.CompletedProcess:
    args = [str(_validator())]
    for i, d in enumerate(definitions):
        path = tmp_path / f"machine-{i}.json"
        path.write_text(json.dumps(d))
        args += ["--json-path", str(path)]
    return subprocess.run(args, capture_output=True, text=True, timeout=120)


def test_generated_state_machines_pass_asl_validator(tmp_path):
    proc = _validate(tmp_path, [definition(FUNCTIONS, bucket=BUCKET, **s) for s in SWEEP])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("is valid") == len(SWEEP)


def test_asl_validator_rejects_a_broken_machine(tmp_path):
    broken = definition(FUNCTIONS, bucket=BUCKET, **SWEEP[1])
    del broken["States"]["Merge"]  # Audit's Next now names no state
    assert _validate(tmp_path, [broken]).returncode != 0


@pytest.fixture
def org50(monkeypatch):
    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        management, members = seed_organization(session, 49)
        create_trail(session, "org-trail", "continuous-org-trail", organization=True)
        session.client("s3").create_bucket(Bucket=BUCKET)
        monkeypatch.setenv("RESULTS_BUCKET", BUCKET)
        monkeypatch.setenv("CONTROLS", "cloudtrail_multi_region_management_events_enabled,"
                                       "cloudtrail_log_file_validation_enabled")
        monkeypatch.setattr(aws_lambda, "_session", lambda: session)
        yield session, sorted([management, *members]), management


def _interpreter(session, crash_batches_with=(), throttle_once=()):
    throttled = set()

    def audit_batch(payload):
        ids = {i["account_id"] for i in payload["Items"]}
        if ids & set(crash_batches_with):
            raise RuntimeError("simulated crash of the audit_batch function")
        if ids & set(throttle_once) and not throttled & ids:
            throttled.update(ids)
            raise LambdaServiceError("Lambda.TooManyRequestsException")
        return aws_lambda.audit_batch(payload)

    handlers = {"list_accounts": aws_lambda.list_accounts, "audit_batch": audit_batch, "merge": aws_lambda.merge,
                "notify": aws_lambda.notify}
    return Interpreter({FUNCTIONS[k]: h for k, h in handlers.items()}, session.client("s3"))


def _report(session, key="latest/report.json"):
    return json.loads(session.client("s3").get_object(Bucket=BUCKET, Key=key)["Body"].read())


def test_fifty_accounts_with_one_failed_batch_within_tolerance(org50):
    session, accounts, management = org50
    machine = definition(FUNCTIONS, bucket=BUCKET, max_concurrency=4, batch_size=5, tolerated_failure_percentage=10)
    # Not the management account's batch: in moto only the management account sees the organization trail.
    crashed, throttled = [b[0] for b in (accounts[i:i + 5] for i in range(0, 50, 5)) if management not in b][:2]
    run = _interpreter(session, crash_batches_with=[crashed], throttle_once=[throttled]).run(
        machine, {"scheduled_time": "2026-04-01T05:00:00Z"})
    assert run.status == "SUCCEEDED", (run.error, run.cause)
    [map_run] = run.map_runs
    assert map_run["children"] == 10 and map_run["failed"] == 1 and map_run["max_parallel"] <= 4
    assert ("AuditBatch", "Lambda.TooManyRequestsException", 2.0) in run.retries  # retried, then succeeded
    items = json.loads(session.client("s3").get_object(Bucket=BUCKET, Key="runs/2026-04-01/accounts.json")
                       ["Body"].read())
    failed_batch = next(items[i:i + 5] for i in range(0, 50, 5) if {"account_id": crashed} in items[i:i + 5])
    lost = sorted(i["account_id"] for i in failed_batch)
    doc = _report(session)
    assert sorted(doc["summary"]["accounts"]) == accounts
    errors = sorted({f["account_id"] for f in doc["findings"] if f["status"] == "ERROR"})
    assert errors == lost and all(doc["summary"]["coverage"][a] == "unknown" for a in lost)
    assert {doc["summary"]["coverage"][a] for a in accounts if a not in lost} == {"organization-trail"}
    manifest = session.client("s3").get_object(Bucket=BUCKET, Key=map_run["result_writer"])["Body"].read()
    assert len(json.loads(manifest)["ResultFiles"]["FAILED"]) == 1
    assert run.output["run_id"] == "2026-04-01" and run.output["new_fails"] >= 0  # Notify's answer


def test_beyond_tolerance_the_run_still_merges_then_fails(org50):
    session, accounts, _ = org50
    machine = definition(FUNCTIONS, bucket=BUCKET, max_concurrency=10, batch_size=10, tolerated_failure_percentage=10)
    run = _interpreter(session, crash_batches_with=[accounts[0], accounts[-1]]).run(
        machine, {"scheduled_time": "2026-04-02T05:00:00Z"})
    assert (run.status, run.error) == ("FAILED", "AuditIncomplete")
    assert ("Audit", "caught States.ExceedToleratedFailureThreshold") in run.events
    doc = _report(session, "runs/2026-04-02/report.json")
    assert len({f["account_id"] for f in doc["findings"] if f["status"] == "ERROR"}) == 20
