"""`python -m sandbox demo|plan` end to end, as `make demo` / `make plan` run them."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from checks.catalog import all_controls
from checks.report import REGISTRY, ReportOptions, render
from sandbox.demo import load_run

ROOT = Path(__file__).resolve().parents[2]
# A CI budget, not a speed goal: the demo deploys ~60 resources and audits two accounts over HTTP.
DEMO_TIMEOUT_S = 300


def _env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["NO_COLOR"] = "1"
    return env  # no AWS_* at all: the demo must bring its own fake credentials


@pytest.mark.e2e
def test_demo_runs_end_to_end_and_writes_every_format_in_one_audit(tmp_path):
    out = tmp_path / "reports"
    proc = subprocess.run([sys.executable, "-m", "sandbox", "demo", "--out", str(out)], cwd=ROOT,
                          env=_env(), capture_output=True, text=True, timeout=DEMO_TIMEOUT_S)

    assert proc.returncode == 0, proc.stderr[-3000:]
    assert sorted(p.name for p in out.iterdir()) == sorted([f"audit.{r.extension}" for r in REGISTRY.values()]
                                                         + ["verify.json"])
    assert f"HTML report: {(out / 'audit.html').resolve()}" in proc.stdout
    assert "The emulator does not deliver CloudTrail logs" in proc.stdout and "detected both" in proc.stdout
    assert "── trailguard  (trailguard:index:OrganizationTrail)" in proc.stdout
    assert "── trailguard-continuous  (trailguard:index:ContinuousAudit)" in proc.stdout
    # the scheduled audit (sandbox/continuous_demo.py): one run, then the fixed legacy member's diff
    assert "stateMachine:trailguard-continuous: SUCCEEDED" in proc.stdout
    assert "0 new FAIL(s)" in proc.stdout and "cloudtrail_log_file_validation_enabled" in proc.stdout
    assert "with violations" in proc.stdout and " 0 with violations" in proc.stdout
    doc = json.loads((out / "audit.json").read_text())
    accounts = doc["summary"]["accounts"]
    assert len(accounts) == 2
    provisioned = accounts["123456789012"]
    legacy = next(counts for account, counts in accounts.items() if account != "123456789012")
    # the story (sandbox/demo_history.py): the organization trail was stopped 8 h ago for an hour, so the
    # management account's only FAILs are that logging gap, and the legacy member inherits it
    mgmt_fails = {f["control_id"] for f in doc["findings"] if f["account_id"] == "123456789012" and f["status"] == "FAIL"}
    assert mgmt_fails == {"cloudtrail_logging_continuous"} and provisioned["ERROR"] == 0 and provisioned["PASS"] > 0
    assert "history: management account" in proc.stdout and "history: legacy account" in proc.stdout
    assert "(StopLogging of trail trailguard-organization-trail by arn:aws:sts::123456789012:" in proc.stdout
    assert "weakened the audit trail's resources" in proc.stdout and "PutBucketPolicy on bucket legacy-" in proc.stdout
    assert legacy["FAIL"] > 0
    sarif = json.loads((out / "audit.sarif").read_text())
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"]
    junit = ET.parse(out / "audit.junit.xml").getroot()
    assert junit.iter("testcase") and any(True for _ in junit.iter("failure"))
    assert "legacy account" in proc.stdout and "management account 123456789012 (provisioned)" in proc.stdout
    ocsf = json.loads((out / "audit.ocsf.json").read_text())
    assert doc["summary"]["organization_id"].startswith("o-")
    assert {e["cloud"]["org"]["uid"] for e in ocsf} == {doc["summary"]["organization_id"]}
    assert {f["AwsAccountId"] for f in json.loads((out / "audit.asff.json").read_text())} == set(accounts)
    _table_fits_80_and_120_columns(out / "audit.json")


def _table_fits_80_and_120_columns(json_report: Path) -> None:
    """The demo's own run, as a user's terminal shows it: no line wider than the terminal."""
    run = load_run(json_report)
    controls = [c for c in all_controls() if "live" in c.targets]
    for width in (80, 120):
        table = render("table", run, controls, ReportOptions(width=width))
        assert max(len(line) for line in table.splitlines()) <= width, width


def test_plan_prints_the_tree_and_a_clean_policy_verdict():
    proc = subprocess.run([sys.executable, "-m", "sandbox", "plan"], cwd=ROOT, env=_env(),
                          capture_output=True, text=True, timeout=DEMO_TIMEOUT_S)

    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "│   ├── trailguard-logs-bucket  (aws:s3/bucket:Bucket)" in proc.stdout
    assert "FAIL" not in proc.stdout


def test_plan_with_a_setting_turned_off_shows_the_violation_and_exits_1():
    proc = subprocess.run([sys.executable, "-m", "sandbox", "plan", "--set", "disableLogFileValidation=true"],
                          cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=DEMO_TIMEOUT_S)

    assert proc.returncode == 1, proc.stderr[-3000:]
    assert "FAIL  cloudtrail-log-file-validation-enabled" in proc.stdout


@pytest.mark.e2e
def test_ctrl_c_stops_the_demo_and_leaves_no_process_behind(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "sandbox", "demo", "--out", str(tmp_path)], cwd=ROOT,
                            env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + DEMO_TIMEOUT_S
        for line in proc.stdout:  # wait until the emulator is up and the deploy has started
            if "3/5 Deploy" in line or time.monotonic() > deadline:
                break
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, stderr[-3000:]
    assert "interrupted" in stderr
