"""The emulator's own CPU per request, with and without sandbox/moto_cache.py (issue 16 item 1).

    .venv/bin/python bench/moto_cache_bench.py [--accounts 10,1000,2000] [--calls 400]

For each organization size, a fresh child process (``TRAILGUARD_MOTO_CACHE=1`` or ``0``) seeds an
organization in moto (in process, ``mock_aws``), then from a member account's assumed role makes
--calls read calls of the audit's kind (cloudtrail DescribeTrails and GetTrailStatus by ARN, s3
GetBucketPolicyStatus ... see CALLS) and reports the CPU per call, botocore's client side included (the
same in both columns). Prints one table row per size: CPU us per call without / with the cache.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)


def child(accounts: int, calls: int) -> dict:
    from org_world import _Member, fake_env

    fake_env()
    import boto3
    from moto import mock_aws

    from testkit.org import create_trail, seed_organization
    from sandbox.emulator import _patch_moto

    _patch_moto()  # installs the cache unless TRAILGUARD_MOTO_CACHE=0
    with mock_aws():
        seed = boto3.Session(region_name="us-east-1")
        _, members = seed_organization(seed, accounts)
        member = _Member(seed, members[-1])
        arn = create_trail(member, "bench-trail", "moto-cache-bench-bucket")
        ct, s3, sts = member.client("cloudtrail"), member.client("s3"), member.client("sts")
        work = [lambda: ct.describe_trails(), lambda: ct.get_trail_status(Name=arn),
                lambda: ct.get_event_selectors(TrailName=arn), lambda: s3.get_bucket_acl(Bucket="moto-cache-bench-bucket"),
                lambda: sts.get_caller_identity()]
        for call in work:  # first use builds moto's routers: not what is measured
            call()
        start = time.process_time()
        for i in range(calls):
            work[i % len(work)]()
        cpu = time.process_time() - start
    return {"accounts": accounts + 1, "us_per_call": round(1e6 * cpu / calls)}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--accounts", default="10,1000,2000", help="member accounts per row, comma-separated")
    p.add_argument("--calls", type=int, default=400)
    p.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child is not None:
        print(json.dumps(child(args.child, args.calls)))
        return
    print(f"# moto_cache_bench {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} nproc={os.cpu_count()} "
          f"load average before: {os.getloadavg()[0]:.2f}")
    print("| accounts | CPU us/call, moto as is | CPU us/call, with moto_cache | load |")
    print("|---|---|---|---|")
    for n in (int(x) for x in args.accounts.split(",")):
        row = {}
        for mode in ("0", "1"):
            out = subprocess.run([sys.executable, __file__, "--child", str(n), "--calls", str(args.calls)],
                                 capture_output=True, text=True, check=True,
                                 env={**os.environ, "TRAILGUARD_MOTO_CACHE": mode})
            row[mode] = json.loads(out.stdout.strip().splitlines()[-1])["us_per_call"]
        print(f"| {n + 1} | {row['0']} | {row['1']} | {os.getloadavg()[0]:.1f} |", flush=True)


if __name__ == "__main__":
    main()
