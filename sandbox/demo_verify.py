"""The demo's integrity step: synthetic CloudTrail delivery, tampering, then `trailguard verify --org`.

The emulator stores the trail but never delivers log files, so this step writes a few hours of log and
signed digest files into the provisioned bucket the way CloudTrail does (sandbox.deliver), says so
on screen, modifies one log file and deletes another, and shows that `verify` reports both.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import TextIO

HOURS = 4
REGIONS = ("us-east-1", "eu-west-1")
REPORT = "verify.json"
TIMEOUT_S = 600


def _client(service: str, endpoint: str, region: str = "us-east-1"):
    import boto3

    return boto3.session.Session(region_name=region).client(service, endpoint_url=endpoint)


def verify_step(endpoint: str, accounts: list[str], out_dir: Path, out: TextIO, *, now: dt.datetime | None = None):
    from sandbox.deliver import deliver, make_key
    from sandbox.demo import SAFE_ENV, DemoError, _heading, load_run
    from sandbox.deployer import PROJECT_ROOT
    from checks.verify.layout import UTC, Stream

    _heading(out, "Verify log integrity (CT-06): python -m checks verify --org --endpoint-url " + endpoint)
    trail = next(t for t in _client("cloudtrail", endpoint).describe_trails()["trailList"]
                 if t.get("IsOrganizationTrail"))
    org_id = _client("organizations", endpoint).describe_organization()["Organization"]["Id"]
    s3 = _client("s3", endpoint)
    now = (now or dt.datetime.now(UTC)).replace(microsecond=0)
    first_end = now - dt.timedelta(hours=HOURS)
    keys = {r: [make_key(r, now - dt.timedelta(days=1), now + dt.timedelta(days=1))] for r in REGIONS}
    chains = {}
    for account in accounts:
        for region in REGIONS:
            stream = Stream(trail["S3BucketName"], trail.get("S3KeyPrefix") or "", org_id, account, region,
                            trail["Name"], trail["HomeRegion"])
            chains[(account, region)] = deliver(s3, stream, keys[region], first_end, HOURS)
    n_logs = sum(len(c.logs) for c in chains.values())
    out.write(f"The emulator does not deliver CloudTrail logs: wrote {n_logs} synthetic log files and "
              f"{sum(len(c.digests) for c in chains.values())} signed digest files ({HOURS} hours, accounts "
              f"{', '.join(accounts)}, regions {', '.join(REGIONS)}) into s3://{trail['S3BucketName']}, "
              "as CloudTrail would; the emulator answers ListPublicKeys with the signing keys.\n")
    modified = chains[(accounts[0], REGIONS[0])].logs[1]
    deleted = chains[(accounts[-1], REGIONS[1])].logs[2]
    import gzip

    s3.put_object(Bucket=trail["S3BucketName"], Key=modified,
                  Body=gzip.compress(b'{"Records": [{"eventName": "ConsoleLogin", "note": "edited"}]}'))
    s3.delete_object(Bucket=trail["S3BucketName"], Key=deleted)
    out.write(f"tampered: modified {modified}\n          deleted  {deleted}\n")
    iso = "%Y-%m-%dT%H:%M:%SZ"
    cmd = [sys.executable, "-m", "checks", "verify", "--org", "--endpoint-url", endpoint,
           "--start", (first_end - dt.timedelta(minutes=30)).strftime(iso), "--end", now.strftime(iso),
           "--format", "json", "--output", str(out_dir / REPORT), "--quiet"]
    env = {**os.environ, **SAFE_ENV, "AWS_ENDPOINT_URL": endpoint, "NO_COLOR": "1"}
    proc = subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        stdout, stderr = proc.communicate(timeout=TIMEOUT_S)
    except BaseException:
        proc.kill()
        proc.communicate()
        raise
    if proc.returncode != 1:  # 1: the planted tampering must make it fail
        raise DemoError(f"verify exited {proc.returncode}, expected 1: {(stderr or stdout).strip()[-2000:]}")
    run = load_run(out_dir / REPORT)
    bad = [f for f in run.findings if f.status.value != "PASS"]
    for f in bad:
        out.write(f"  {f.status.value:<5} {f.outcome:<16} {f.account_id} {f.region}  {f.reason}\n")
    found = {f.object_key: f.outcome for f in bad}
    if found.get(modified) != "log_modified" or found.get(deleted) != "log_deleted":
        raise DemoError(f"verify did not report the planted tampering; it reported {found}.")
    passed = sum(1 for f in run.findings if f.status.value == "PASS")
    out.write(f"detected both: {modified.rsplit('/', 1)[1]} modified, {deleted.rsplit('/', 1)[1]} deleted; "
              f"{passed} digests verified; report {out_dir / REPORT}\n")
    summary = json.loads((out_dir / REPORT).read_text(encoding="utf-8"))["summary"]
    return {"report": out_dir / REPORT, "modified": modified, "deleted": deleted, "summary": summary}
