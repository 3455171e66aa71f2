"""Scheduled audit (ContinuousAudit) benchmark: cost of ``audit_batch`` and ``merge`` per account on moto,
then the wall time and AWS cost of a daily run at 1k, 10k and 20k accounts from those figures.

    .venv/bin/python bench/continuous_bench.py                      # 30 members, 50 ms per call
    .venv/bin/python bench/continuous_bench.py --members 60 --latency 0.08 --concurrency 40 --batch 10

Measured (moto in this process, the real handlers of checks/continuous/runs.py):
- API calls per account, by service, as the audited account's calls (hooks on the audit's clients);
- CPU seconds per account of audit_batch with zero latency: the audit plus moto's own work (an upper
  bound of the Lambda's CPU: in AWS the service side is not ours);
- wall seconds per account with --latency injected after every call (the batch audits sequentially);
- merge: CPU per account and S3 requests.
The organization: a logging multi-region organization trail, members see it as a shadow (as in AWS),
a third of the members also keep a trail of their own.

Then, per organization size: Lambda GB-seconds, Step Functions state transitions, S3 requests, and the
shared API rate (STS AssumeRole from the audit account) against the assumed budget; prices and budgets are
named in PRICES/ASSUMPTIONS and printed with the table (docs/continuous.md quotes a run).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import threading
import time
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
from org_bench import _fake_env  # noqa: E402  (bench/ is this script's folder: the same fake environment)

PRICES = {  # us-east-1 list prices (AWS pricing pages), USD
    "lambda_gb_second_arm64": 0.0000133334, "lambda_request": 0.20 / 1e6,
    "sfn_standard_transition": 0.025 / 1000, "s3_put_or_list": 0.005 / 1000, "s3_get": 0.0004 / 1000,
}
ASSUMPTIONS = {
    "lambda_memory_gb": 1.0,  # components/continuous_settings.py default lambdaMemoryMb 1024
    "lambda_cold_start_s": 1.5,  # per child batch: import botocore + build clients (not measured here)
    "transitions_per_child": 3,  # child execution: start, AuditBatch task, end (retries add more)
    "transitions_parent": 8,  # List, Audit (Map), Merge, Notify with their starts/ends
    "assume_role_budget_per_s": 100,  # our own ceiling for the audit account's STS calls (see docs)
    "s3_get_latency_s": 0.02,  # one merge GET; 32 at a time (checks/continuous/runs.py MERGE_READERS)
    "list_accounts_page": 20,  # ListAccounts MaxResults
}


class Meter:
    def __init__(self) -> None:
        self.latency = 0.0
        self.calls: Counter = Counter()
        self.lock = threading.Lock()

    def install(self, session) -> None:
        session.events.register("after-call", self._after)
        session.events.register("before-call.ec2.DescribeRegions", self._regions)

    def _after(self, event_name: str, **_) -> None:
        _, service, op = event_name.split(".", 2)
        with self.lock:
            self.calls[f"{service}.{op}"] += 1
        if self.latency:
            time.sleep(self.latency)

    def _regions(self, **_):  # four regions, answered here (moto's EC2 backend costs what AWS does not)
        from botocore.awsrequest import AWSResponse

        names = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"]
        parsed = {"Regions": [{"RegionName": r, "OptInStatus": "opt-in-not-required"} for r in names],
                  "ResponseMetadata": {"HTTPStatusCode": 200}}
        return AWSResponse("https://emulated.invalid/", 200, {}, None), parsed


def measure(members: int, latency: float, batch: int) -> dict:
    import boto3
    from moto import mock_aws

    from checks.continuous import runs
    from testkit.org import OrgTrailShadows, create_trail, factory_installing, member_session, \
        seed_organization

    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        management, ids = seed_organization(session, members)
        trail = create_trail(session, "org-trail", "bench-org-trail", organization=True)
        for i, m in enumerate(ids):
            if i % 3 == 0:
                create_trail(member_session(session, m), f"own-{i}", f"bench-own-{m}")
        session.client("s3").create_bucket(Bucket="bench-results")
        meter = Meter()
        meter.install(session)
        shadows = OrgTrailShadows(session, trail)
        factory = factory_installing(shadows.install, meter.install)
        cfg = runs.RunConfig(bucket="bench-results")
        listed = runs.list_accounts(session, cfg, "2026-01-01")
        accounts = [management, *ids]
        batches = [accounts[i:i + batch] for i in range(0, len(accounts), batch)]
        out = {"accounts": len(accounts)}
        for label, lat in (("cpu", 0.0), ("wall", latency)):
            meter.latency, before = lat, dict(meter.calls)
            t0, c0 = time.perf_counter(), time.process_time()
            for b in batches:
                runs.audit_batch(session, cfg, b, run_id="2026-01-01", caller=listed["caller"],
                                 partition=listed["partition"], management_id=listed["management_id"],
                                 session_factory=factory)
            out[f"{label}_wall_s"], out[f"{label}_cpu_s"] = time.perf_counter() - t0, time.process_time() - c0
            if label == "cpu":
                out["calls"] = {k: v - before.get(k, 0) for k, v in meter.calls.items() if v - before.get(k, 0)}
        meter.latency = 0.0
        before = dict(meter.calls)
        c0 = time.process_time()
        runs.merge_run(session, cfg, "2026-01-01")
        out["merge_cpu_s"] = time.process_time() - c0
        out["merge_calls"] = {k: v - before.get(k, 0) for k, v in meter.calls.items() if v - before.get(k, 0)}
    return out


def per_account(m: dict) -> dict:
    n = m["accounts"]
    audit_calls = Counter()
    for k, v in m["calls"].items():
        if k != "s3.PutObject":  # the report write is ours, not the audit's
            audit_calls[k.split(".")[0]] += v
    return {"calls": sum(audit_calls.values()) / n, "calls_by_service": {k: round(v / n, 2) for k, v in
                                                                          sorted(audit_calls.items())},
            "puts": m["calls"].get("s3.PutObject", 0) / n, "cpu_s": m["cpu_cpu_s"] / n, "wall_s": m["wall_wall_s"] / n,
            "merge_cpu_s": m["merge_cpu_s"] / n}


def project(p: dict, accounts: int, concurrency: int, batch: int) -> dict:
    a = ASSUMPTIONS
    children = math.ceil(accounts / batch)
    child_s = a["lambda_cold_start_s"] + batch * p["wall_s"]
    waves = math.ceil(children / concurrency)
    list_s = 1 + math.ceil(accounts / a["list_accounts_page"]) * 0.1
    merge_s = accounts * p["merge_cpu_s"] + accounts / 32 * a["s3_get_latency_s"]
    wall = list_s + waves * child_s + merge_s + 2
    gb_s = a["lambda_memory_gb"] * (children * child_s + list_s + merge_s + 1)
    transitions = a["transitions_parent"] + children * a["transitions_per_child"]
    puts = accounts * p["puts"] + 12 + children  # per-account reports, run files, ResultWriter (upper bound)
    lists = math.ceil(accounts / 1000)
    gets = accounts + 4
    cost = {
        "lambda": gb_s * PRICES["lambda_gb_second_arm64"] + (children + 3) * PRICES["lambda_request"],
        "step_functions": transitions * PRICES["sfn_standard_transition"],
        "s3": (puts + lists) * PRICES["s3_put_or_list"] + gets * PRICES["s3_get"],
    }
    return {"accounts": accounts, "children": children, "wall_min": wall / 60, "gb_s": gb_s,
            "transitions": transitions, "s3_requests": int(puts + lists + gets),
            "assume_role_per_s": concurrency / p["wall_s"], "cost": cost, "total": sum(cost.values()),
            "merge_s": merge_s, "child_s": child_s}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, default=30)
    ap.add_argument("--latency", type=float, default=0.05)
    ap.add_argument("--batch", type=int, default=10)
    ap.add_argument("--concurrency", type=int, default=40)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    _fake_env()
    m = measure(args.members, args.latency, args.batch)
    p = per_account(m)
    rows = [project(p, n, args.concurrency, args.batch) for n in (1_000, 10_000, 20_000)]
    if args.json:
        print(json.dumps({"measured": m, "per_account": p, "rows": rows}, indent=2))
        return 0
    print(f"measured on {m['accounts']} accounts, {args.latency * 1000:.0f} ms per call, batch {args.batch}:")
    print(f"  calls/account {p['calls']:.1f} {p['calls_by_service']}; S3 PUTs/account {p['puts']:.1f}")
    print(f"  CPU/account {p['cpu_s'] * 1000:.0f} ms (audit + in-process moto); wall/account {p['wall_s']:.2f} s; "
          f"merge CPU/account {p['merge_cpu_s'] * 1000:.1f} ms")
    floor_s = p["calls"] * args.latency + p["cpu_s"]  # a member can't take less, whatever the machine's load
    safe = int(ASSUMPTIONS["assume_role_budget_per_s"] * floor_s)
    print(f"assumptions: {ASSUMPTIONS}\nprices: {PRICES}")
    print(f"MaxConcurrency {args.concurrency} (largest keeping AssumeRole under "
          f"{ASSUMPTIONS['assume_role_budget_per_s']}/s even at the floor of {floor_s:.2f} s/account: {safe}):")
    print("| accounts | child executions | wall | Lambda GB-s | transitions | S3 requests | AssumeRole/s | "
          "Lambda $ | Step Functions $ | S3 $ | total $/run | total $/month |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        c = r["cost"]
        print(f"| {r['accounts']:,} | {r['children']:,} | {r['wall_min']:.1f} min | {r['gb_s']:,.0f} | "
              f"{r['transitions']:,} | {r['s3_requests']:,} | {r['assume_role_per_s']:.1f} | {c['lambda']:.3f} | "
              f"{c['step_functions']:.3f} | {c['s3']:.3f} | {r['total']:.2f} | {r['total'] * 30:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
