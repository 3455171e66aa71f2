"""`python -m sandbox demo`: provision, then audit, in a local sandbox (no AWS account needed).

1. the plan: the real Pulumi program under inert mocks, printed as a resource tree;
2. the CrossGuard policy pack on that plan;
3. moto's server on 127.0.0.1, an organization, and the stack deployed into its management account
   (the sandbox deployer, a stand-in for `pulumi up`);
4. a "legacy" member account seeded with common misconfigurations;
5. the audit in organization mode, as a subprocess over HTTP (`python -m checks audit --org ...`): ONE
   run writes every report format (``--output FORMAT=PATH`` per format: table, JSON, SARIF, JUnit,
   Markdown, CSV, OCSF, ASFF, HTML); the table is printed and the HTML report's path too.

Every credential is fake and every call goes to 127.0.0.1: the demo sets its own environment first so a
developer's real AWS profile can never be used. The emulator, and any subprocess, stop on any exit.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from sandbox.deployer import PROJECT_ROOT
from testkit.env import FAKE_CREDENTIALS

STACK_FILE = PROJECT_ROOT / "Pulumi.sandbox.yaml"
REGION = "us-east-1"
AUDIT_TIMEOUT_S = 600  # a hung audit must not hang the demo (or CI) forever

def _report_names() -> dict[str, str]:
    from checks.report import REGISTRY  # every registered format: audit.txt, audit.json, ..., audit.html

    return {fmt: f"audit.{spec.extension}" for fmt, spec in REGISTRY.items()}


REPORTS = _report_names()
SAFE_ENV = {**FAKE_CREDENTIALS, "AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION}


class DemoError(RuntimeError):
    """The demo could not do what it promises; the message says which step and why."""


def stack_config(path: Path = STACK_FILE) -> dict[str, str]:
    import yaml

    with open(path, encoding="utf-8") as fh:
        doc = yaml.safe_load(fh) or {}
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in (doc.get("config") or {}).items()}


def demo_config(org_id: str, management_account_id: str, alarm_queue_arn: str,
                base: dict[str, str] | None = None) -> dict[str, str]:
    cfg = dict(stack_config() if base is None else base)
    cfg["trailguard:orgId"] = org_id
    cfg["trailguard:managementAccountId"] = management_account_id
    cfg["trailguard:alarmSubscriptions"] = json.dumps([{"protocol": "sqs", "endpoint": alarm_queue_arn}])
    return cfg


def create_alarm_queue(endpoint_url: str, name: str = "trailguard-alarms") -> str:
    import boto3

    sqs = boto3.session.Session(region_name=REGION).client("sqs", endpoint_url=endpoint_url)
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def use_fake_credentials() -> None:
    """Never the developer's AWS: fake keys, no profile, no shared config for this process and its children."""
    for key in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_CA_BUNDLE"):
        os.environ.pop(key, None)
    os.environ.update(SAFE_ENV)


def _heading(out: TextIO, text: str) -> None:
    out.write(f"\n== {text} ==\n")
    out.flush()


def run_audit(endpoint_url: str, out_dir: Path) -> tuple[int, str, str]:
    """The organization audit as a user runs it; returns (exit code, stdout, stderr) of the CLI."""
    cmd = [sys.executable, "-m", "checks", "audit", "--org", "--endpoint-url", endpoint_url, "--quiet"]
    for fmt, name in REPORTS.items():
        cmd += ["--output", f"{fmt}={out_dir / name}"]
    env = {**os.environ, **SAFE_ENV, "AWS_ENDPOINT_URL": endpoint_url, "NO_COLOR": "1"}
    proc = subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        stdout, stderr = proc.communicate(timeout=AUDIT_TIMEOUT_S)
    except BaseException:  # timeout, Ctrl-C, SIGTERM: the child must not outlive the demo
        proc.kill()
        proc.communicate()
        raise
    return proc.returncode, stdout, stderr


def load_run(path: Path):
    """The JSON report back into an AuditRun, so the other formats render the very same findings."""
    from checks.model import AuditRun, Finding

    doc = json.loads(path.read_text(encoding="utf-8"))
    findings = [Finding.from_dict(f) for f in doc["findings"]]
    summary = doc.get("summary", {})
    return AuditRun(findings=findings, accounts=list(summary.get("accounts", {})),
                    coverage=dict(summary.get("coverage", {})), notes=list(summary.get("notes", [])),
                    organization_id=summary.get("organization_id", ""))


def report_paths(out_dir: Path) -> dict[str, Path]:
    """Format -> file the audit run wrote; a missing file is a DemoError naming it."""
    paths = {fmt: out_dir / name for fmt, name in REPORTS.items()}
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        raise DemoError(f"the audit did not write {', '.join(missing)}.")
    return paths


def _status_counts(run, account_id: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for f in run.findings:
        if f.account_id == account_id:
            counts[f.status.value] = counts.get(f.status.value, 0) + 1
    return counts


def demo(out_dir: Path, out: TextIO = sys.stdout) -> dict[str, Any]:
    """Every step; raises DemoError (or the underlying error) on a real failure."""
    from sandbox.continuous_demo import continuous_config, run_scheduled_step
    from sandbox.demo_history import check_story, tell_story, unexpected_counts
    from sandbox.deployer import deploy, plan
    from sandbox.emulator import Emulator
    from sandbox.legacy import create_member, create_organization, seed_legacy
    from sandbox.plan import render_tree, render_verdicts, run_policy_pack

    use_fake_credentials()
    out_dir.mkdir(parents=True, exist_ok=True)
    with Emulator() as emulator:
        endpoint = emulator.endpoint_url
        org = create_organization(endpoint, REGION)
        config = demo_config(org.id, org.management_account_id, create_alarm_queue(endpoint))
        config.update(continuous_config())  # sandbox/continuous_demo.py: the scheduled audit

        _heading(out, "1/5 Plan: the Pulumi program (__main__.py) under mocks, no AWS")
        planned = plan(config)
        out.write(render_tree(planned) + "\n")

        _heading(out, "2/5 CrossGuard policy pack on the plan")
        verdicts = run_policy_pack(planned)
        out.write(render_verdicts(verdicts) + "\n")
        violated = [v.policy for v in verdicts if v.status == "VIOLATION"]
        if violated:
            raise DemoError(f"the demo stack violates policies {', '.join(violated)}; Pulumi.sandbox.yaml "
                            "should satisfy the whole pack.")

        _heading(out, f"3/5 Deploy into the emulator at {endpoint} (sandbox deployer, stands in for `pulumi up`)")
        started = time.monotonic()
        deployed = deploy(endpoint, config)
        custom = [r for r in deployed.resources if r.custom]
        out.write(f"organization {org.id}, management account {org.management_account_id}: "
                  f"{len(custom)} resources created in {time.monotonic() - started:.1f} s\n")
        for key, value in sorted(deployed.outputs.items()):
            out.write(f"  {key:<22} {value}\n")

        _heading(out, "4/5 Legacy member account with common misconfigurations")
        account_id, creds = create_member(endpoint, "legacy-workloads", "legacy@example.com", REGION)
        legacy = seed_legacy(endpoint, account_id, creds, REGION)
        out.write(f"account {legacy.account_id}: trail {legacy.trail_name} (single-region, stopped, no log file "
                  f"validation, no KMS, KMS events excluded), public bucket {legacy.bucket}, no metric filters\n")
        out.write(tell_story(org.management_account_id, legacy, REGION) + "\n")  # the last days' history

        _heading(out, "5/5 Audit the organization: python -m checks audit --org --endpoint-url " + endpoint)
        code, stdout, stderr = run_audit(endpoint, out_dir)
        if code not in (0, 1):  # 1 means "findings": expected for the legacy account
            raise DemoError(f"the audit exited {code}: {(stderr or stdout).strip()[-2000:]}")
        paths = report_paths(out_dir)
        run = load_run(paths["json"])
        out.write(_table_for(out, run, paths["table"]))
        mgmt = _status_counts(run, org.management_account_id)
        bad = unexpected_counts(run, org.management_account_id)  # the story's logging gap is expected
        if bad["FAIL"] or bad["ERROR"]:
            raise DemoError(f"the provisioned management account should pass every live control but the logging "
                            f"gap of the story, but has {bad['FAIL']} FAIL and {bad['ERROR']} ERROR; see "
                            f"{paths['table']}.")
        out.write(f"\nmanagement account {org.management_account_id} (provisioned): {_fmt(mgmt)}\n")
        out.write(f"legacy account {legacy.account_id} (seeded): {_fmt(_status_counts(run, legacy.account_id))}\n")
        out.write(check_story(run, legacy, REGION, org.management_account_id) + "\n")
        out.write("reports: " + ", ".join(str(p) for p in paths.values()) + "\n")
        out.write(f"HTML report: {paths['html'].resolve()}\n")
        from sandbox.demo_verify import verify_step

        integrity = verify_step(endpoint, [org.management_account_id, legacy.account_id], out_dir, out)
        scheduled = run_scheduled_step(out, endpoint, deployed, legacy)
        return {"integrity": integrity, "endpoint": endpoint, "organization": org, "legacy": legacy, "run": run,
                "reports": paths, "scheduled": scheduled}


def _table_for(out: TextIO, run, table_file: Path) -> str:
    """The audit's table file, or on a terminal the same run re-rendered to the terminal's width."""
    from checks.report.outputs import terminal_options

    from checks.report import ReportOptions, render

    options = terminal_options(ReportOptions(), out)
    if options.width is None:
        return table_file.read_text(encoding="utf-8")
    from checks.catalog import all_controls

    return render("table", run, [c for c in all_controls() if "live" in c.targets], options)


def _fmt(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no findings"


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main(out_dir: Path, out: TextIO = sys.stdout) -> int:
    # SIGTERM (CI cancelling a job, `timeout`) takes the same clean-up path as Ctrl-C.
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        demo(out_dir, out)
        return 0
    except KeyboardInterrupt:
        print("\ntrailguard sandbox: interrupted; the emulator is stopped.", file=sys.stderr)
        return 130
    except Exception as exc:
        if os.environ.get("TRAILGUARD_DEBUG"):
            raise
        print(f"\ntrailguard sandbox: error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGTERM, previous)
