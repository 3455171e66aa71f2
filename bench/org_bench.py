"""Organization audit benchmark on moto (in process): calls per account, dependent chain, wall vs ideal, memory.

    .venv/bin/python bench/org_bench.py                    # the standard matrix (takes a few minutes)
    .venv/bin/python bench/org_bench.py --accounts 50 --regions 4 --latency 0.05 --workers 16

Every configuration runs in a fresh child process (moto state and peak RSS start clean). The child seeds
an organization: the management account owns a logging multi-region organization trail; members, by
index, have nothing of their own (60%), a local multi-region trail too (20%), a weak local trail
(single-region, stopped; 15%) or a role that answers AccessDenied (5%). Members see the org trail as a
shadow (checks.org_testing.OrgTrailShadows). ec2:DescribeRegions answers --regions regions (from a hook).

Latency: an ``after-call`` hook sleeps --latency seconds on every API call (sleeping after instead of
before is the same for wall time, and after-call also fires for answers the shadow hooks give). Calls are
attributed to the account whose worker thread made them; calls in the main thread (GetCallerIdentity,
DescribeOrganization, ListAccounts pages) are run-level and sequential.

ideal = run_calls*latency + max(account_calls*latency/workers, chain*latency), where chain is the
longest sequence of dependent calls for one account (the collector is sequential per account, so it is
that account's call count). moto costs CPU on every call (and in process it holds the GIL), so each
configuration is also run with zero latency: that wall time is the emulator's own cost, reported apart.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import threading
import time
import tracemalloc

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

REGIONS = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-west-3",
           "eu-central-1", "eu-north-1", "ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
           "ap-southeast-1", "ap-southeast-2", "ca-central-1", "sa-east-1"]  # the 17 default-enabled regions
MATRIX = [  # (accounts, regions, workers)
    (10, 4, 16), (10, 17, 16), (50, 4, 16), (50, 17, 16), (200, 4, 16), (200, 17, 16),
]


def _fake_env() -> None:
    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1",
                      AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull,
                      AWS_EC2_METADATA_DISABLED="true")
    for key in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        os.environ.pop(key, None)


class Meter:
    """Counts calls per account (by worker thread), sleeps the injected latency, trims DescribeRegions."""

    def __init__(self, latency: float, regions: int) -> None:
        self.latency, self.regions = latency, regions
        self.local = threading.local()
        self.lock = threading.Lock()
        self.calls: dict[str, int] = {}

    def install(self, session) -> None:
        session.events.register("after-call", self._after)
        session.events.register("before-call.ec2.DescribeRegions", self._regions)

    def _after(self, **_) -> None:
        who = getattr(self.local, "account", "run")
        with self.lock:
            self.calls[who] = self.calls.get(who, 0) + 1
        if self.latency:
            time.sleep(self.latency)

    def _regions(self, **_):
        # Answered here, not by moto: moto builds a whole EC2 backend (default VPCs, AMI catalog: ~60 MB and
        # ~1 s of CPU) for every account that calls ec2:*, a cost real AWS doesn't have and we'd measure.
        from botocore.awsrequest import AWSResponse

        names = REGIONS[: self.regions]
        parsed = {"Regions": [{"RegionName": r, "Endpoint": f"ec2.{r}.amazonaws.com", "OptInStatus":
                               "opt-in-not-required"} for r in names], "ResponseMetadata": {"HTTPStatusCode": 200}}
        return AWSResponse("https://emulated.invalid/", 200, {}, None), parsed


def child(accounts: int, regions: int, latency: float, workers: int, trace: bool) -> dict:
    _fake_env()
    import boto3
    from moto import mock_aws

    from checks import org
    from checks.catalog import all_controls
    from checks.org_sessions import SessionFactory
    from checks.org_testing import (OrgTrailShadows, create_trail, deny_assume_role, member_session,
                                    seed_organization)

    controls = [c for c in all_controls() if "live" in c.targets]
    with mock_aws():
        seed = boto3.Session(region_name="us-east-1")
        management, members = seed_organization(seed, accounts)
        org_arn = create_trail(seed, "org-trail", "bench-org-trail-bucket", organization=True)
        denied = []
        for i, member in enumerate(members):
            kind = i % 20
            if 12 <= kind < 16:
                create_trail(member_session(seed, member), "local-trail", f"bench-local-{member}")
            elif 16 <= kind < 19:
                create_trail(member_session(seed, member), "weak-trail", f"bench-weak-{member}",
                             multi_region=False, logging=False, management_events=False)
            elif kind == 19:
                denied.append(f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole")
        shadows = OrgTrailShadows(boto3.Session(region_name="us-east-1"), org_arn)  # uninstrumented forwarder
        meter = Meter(latency, regions)
        session = boto3.Session(region_name="us-east-1")
        meter.install(session)
        deny_assume_role(session, denied)

        class Factory(SessionFactory):
            def caller_session(self):
                s = super().caller_session()
                meter.install(s)
                return s

            def assumed_session(self, account_id):
                s = super().assumed_session(account_id)
                meter.install(s)  # before the shadow hooks, so shadow answers are metered too
                shadows.install(s)
                return s

        real_audit = org._audit_account

        def attributed(factory, account_id, **kw):
            meter.local.account = account_id
            try:
                return real_audit(factory, account_id, **kw)
            finally:
                meter.local.account = "run"

        org._audit_account = attributed
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if trace:
            tracemalloc.start()
        start, cpu_start = time.perf_counter(), time.process_time()
        run = org.audit_organization(session, controls, workers=workers, session_factory=Factory)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        traced_peak = tracemalloc.get_traced_memory()[1] if trace else 0
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    per_account = {a: n for a, n in meter.calls.items() if a != "run"}
    audited = [a for a in per_account if run.coverage.get(a) != "unknown"]
    account_calls = sum(per_account.values())
    chain = max(per_account.values())
    run_calls = meter.calls.get("run", 0)
    ideal = run_calls * latency + max(account_calls * latency / workers, chain * latency)
    return {
        "accounts": accounts + 1, "regions": regions, "latency": latency, "workers": workers,
        "findings": len(run.findings), "errors_rows": len(denied),
        "run_calls": run_calls, "account_calls": account_calls,
        "calls_per_audited_account": round(sum(per_account[a] for a in audited) / max(1, len(audited)), 1),
        "max_calls_per_account": chain, "chain": chain,
        "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
        "cpu_ms_per_account": round(1000 * cpu / (accounts + 1)),
        "ideal_s": round(ideal, 2), "ratio": round(wall / ideal, 2) if ideal else None,
        "maxrss_mb_before": round(rss_before / 1024, 1), "maxrss_mb_after": round(rss_after / 1024, 1),
        "tracemalloc_peak_mb": round(traced_peak / 2**20, 1),
        "coverage": {v: list(run.coverage.values()).count(v) for v in sorted(set(run.coverage.values()))},
    }


def _spawn(accounts, regions, latency, workers, trace=False) -> dict:
    cmd = [sys.executable, __file__, "--child", "--accounts", str(accounts), "--regions", str(regions),
           "--latency", str(latency), "--workers", str(workers)] + (["--trace"] if trace else [])
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--trace", action="store_true", help="tracemalloc peak of the audit (slows it down)")
    p.add_argument("--accounts", type=int, help="member accounts (the management account comes on top)")
    p.add_argument("--regions", type=int, default=4)
    p.add_argument("--latency", type=float, default=0.05)
    p.add_argument("--workers", type=int, default=16)
    args = p.parse_args()
    if args.child:
        print(json.dumps(child(args.accounts, args.regions, args.latency, args.workers, args.trace)))
        return
    matrix = [(args.accounts, args.regions, args.workers)] if args.accounts else MATRIX
    print(f"# org_bench  nproc={os.cpu_count()}  python={sys.version.split()[0]}  latency={args.latency}s")
    print("| accounts | regions | workers | calls/acct | chain | run calls | wall s | CPU s | ideal s | wall/ideal "
          "| 0 ms: wall s (CPU ms/acct) | maxrss MB | audit tracemalloc peak MB | coverage |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for accounts, regions, workers in matrix:
        r = _spawn(accounts, regions, args.latency, workers)
        zero = _spawn(accounts, regions, 0.0, workers)
        mem = _spawn(accounts, regions, 0.0, workers, trace=True)
        print(f"| {r['accounts']} | {regions} | {workers} | {r['calls_per_audited_account']} | {r['chain']} "
              f"| {r['run_calls']} | {r['wall_s']} | {r['cpu_s']} | {r['ideal_s']} | {r['ratio']} "
              f"| {zero['wall_s']} ({zero['cpu_ms_per_account']}) "
              f"| {r['maxrss_mb_after']} | {mem['tracemalloc_peak_mb']} | {r['coverage']} |", flush=True)


if __name__ == "__main__":
    main()
