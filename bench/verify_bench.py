"""`trailguard verify --org` against `aws cloudtrail validate-logs` on the same data, in the same run.

    .venv/bin/python bench/verify_bench.py                       # 10 accounts x 4 regions x 24 h, 20 ms
    .venv/bin/python bench/verify_bench.py --logs-per-hour 3 --latency 0.02 --workers 16

Data: an organization trail's bucket in the emulator (moto's server on 127.0.0.1 in this process, with
ListPublicKeys from sandbox.publickeys), holding what CloudTrail would have delivered for
--accounts x --regions x --hours: hourly signed digests and --logs-per-hour gzip'd log files each
(sandbox.deliver). One log file is modified and one deleted, so both tools have something to find.

Latency: after seeding, the server sleeps --latency seconds before answering every S3 request (both tools
pay the same per call, whatever their client). Both tools run as CLI subprocesses, as a user runs them:
the AWS CLI once per account and region (`--account-id`, `--region`: it validates one of each per run, the
only way it can), trailguard once for the whole organization. Wall time is measured around the
subprocesses; peak RSS of each trailguard run comes from wait4(). The memory check runs trailguard again
on twice the log files (--logs-per-hour doubled, in a fresh bucket prefix) and compares peak RSS.
"""
from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"]
ISO = "%Y-%m-%dT%H:%M:%SZ"
TRAIL = "bench-org-trail"


def _env(endpoint: str) -> dict:
    from testkit.env import subprocess_env

    return subprocess_env(endpoint, PYTHONPATH=ROOT)


class Latency:
    """Wraps the server's WSGI app: every S3 request (SigV4 scope .../s3/aws4_request) waits first."""

    def __init__(self, app) -> None:
        self.app, self.seconds = app, 0.0

    def __call__(self, environ, start_response):
        if self.seconds and "/s3/aws4_request" in environ.get("HTTP_AUTHORIZATION", ""):
            time.sleep(self.seconds)
        return self.app(environ, start_response)


def seed(endpoint: str, bucket: str, accounts: list[str], regions: list[str], hours: int, logs_per_hour: int,
         first_end: dt.datetime):
    import boto3

    from sandbox.deliver import deliver, make_key
    from checks.verify.layout import Stream

    session = boto3.Session(region_name="us-east-1")
    s3 = session.client("s3", endpoint_url=endpoint, config=__import__("botocore.config").config.Config(
        max_pool_connections=32))
    keys = {r: [make_key(r, first_end - dt.timedelta(days=2), first_end + dt.timedelta(days=2))] for r in regions}
    org_id = session.client("organizations", endpoint_url=endpoint).describe_organization()["Organization"]["Id"]
    streams = [Stream(bucket, "", org_id, a, r, TRAIL, "us-east-1") for a in accounts for r in regions]
    with ThreadPoolExecutor(16) as pool:
        chains = list(pool.map(lambda s: deliver(s3, s, keys[s.region], first_end, hours,
                                                 logs_per_hour=logs_per_hour), streams))
    modified, deleted = chains[0].logs[5], chains[-1].logs[7]
    s3.put_object(Bucket=bucket, Key=modified, Body=gzip.compress(b'{"Records": []}'))
    s3.delete_object(Bucket=bucket, Key=deleted)
    return sum(len(c.logs) for c in chains), sum(len(c.digests) for c in chains), modified, deleted


def run_timed(cmd: list[str], env: dict) -> tuple[float, int, str, str, float]:
    """(wall s, exit code, stdout, stderr, peak RSS MB) of one subprocess."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    rss = 0.0
    try:  # Popen reaped it; its rusage is folded into RUSAGE_CHILDREN's max (a monotone maximum)
        import resource

        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    except ImportError:
        pass
    return wall, proc.returncode, out, err, rss


def trailguard(endpoint: str, start: dt.datetime, end: dt.datetime, workers: int, out_path: str):
    cmd = [sys.executable, "-m", "checks", "verify", "--org", "--trail", TRAIL, "--start", start.strftime(ISO),
           "--end", end.strftime(ISO), "--workers", str(workers), "--format", "json", "--output", out_path,
           "--quiet"]
    wall, code, out, err, _ = run_timed(cmd, _env(endpoint))
    if code not in (0, 1):
        raise SystemExit(f"trailguard verify exited {code}: {err[-2000:]}")
    return wall, json.load(open(out_path, encoding="utf-8"))


def peak_rss(endpoint: str, start, end, workers: int, out_path: str) -> tuple[float, float, float]:
    """(peak RSS MB, CPU s, wall s) of one trailguard run, from wait4 on its own pid."""
    cmd = [sys.executable, "-m", "checks", "verify", "--org", "--trail", TRAIL, "--start", start.strftime(ISO),
           "--end", end.strftime(ISO), "--workers", str(workers), "--format", "json", "--output", out_path,
           "--quiet"]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=_env(endpoint), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    _, _, usage = os.wait4(proc.pid, 0)
    proc.returncode = 0
    return usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, time.perf_counter() - started


def awscli(endpoint: str, trail_arn: str, accounts, regions, start, end):
    totals = {"wall": 0.0, "runs": 0, "logs_valid": 0, "logs_invalid": 0, "digests_valid": 0, "invalid_lines": []}
    started = time.perf_counter()
    for account in accounts:
        for region in regions:
            cmd = [sys.executable, "-m", "awscli", "cloudtrail", "validate-logs", "--trail-arn", trail_arn,
                   "--start-time", start.strftime(ISO), "--end-time", end.strftime(ISO), "--account-id", account,
                   "--region", region]
            _, code, out, err, _ = run_timed(cmd, _env(endpoint))
            totals["runs"] += 1
            for line in out.splitlines():
                if "log files valid" in line:
                    totals["logs_valid"] += int(line.split("/")[0])
                    if "INVALID" in line:
                        totals["logs_invalid"] += int(line.rsplit(", ", 1)[1].split("/")[0])
                elif "digest files valid" in line and "backfill" not in line:
                    totals["digests_valid"] += int(line.split("/")[0])
            totals["invalid_lines"] += [ln for ln in err.splitlines() if "INVALID" in ln]
            if code not in (0, 1):
                raise SystemExit(f"validate-logs exited {code} for {account} {region}: {err[-2000:]}")
    totals["wall"] = time.perf_counter() - started
    return totals


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--accounts", type=int, default=10)
    p.add_argument("--regions", type=int, default=4, choices=range(1, len(REGIONS) + 1))
    p.add_argument("--hours", type=int, default=24)
    p.add_argument("--logs-per-hour", type=int, default=3)
    p.add_argument("--latency", type=float, default=0.02)
    p.add_argument("--workers", type=int, default=16)
    p.add_argument("--skip-awscli", action="store_true")
    args = p.parse_args()
    for key, value in _env("").items():
        if key.startswith("AWS_") and key != "AWS_ENDPOINT_URL":
            os.environ[key] = value
    import boto3

    from sandbox.emulator import Emulator

    accounts = [f"{100000000000 + 1111 * i:012d}" for i in range(args.accounts)]
    regions = REGIONS[:args.regions]
    first_end = dt.datetime(2026, 3, 1, 0, 1, 31, tzinfo=dt.timezone.utc)
    start, end = first_end - dt.timedelta(minutes=30), first_end + dt.timedelta(hours=args.hours - 1)
    print(f"# load average before: {os.getloadavg()[0]:.2f}")
    print(f"# verify_bench  nproc={os.cpu_count()}  python={sys.version.split()[0]}  latency={args.latency}s  "
          f"workers={args.workers}  {args.accounts} accounts x {args.regions} regions x {args.hours} h")
    with Emulator() as emulator:
        latency = Latency(emulator._server._server.app)
        emulator._server._server.app = latency
        ep = emulator.endpoint_url
        session = boto3.Session(region_name="us-east-1")
        session.client("organizations", endpoint_url=ep).create_organization(FeatureSet="ALL")
        results = {}
        for label, per_hour, bucket in (("1x", args.logs_per_hour, "bench-org-logs"),
                                        ("2x", 2 * args.logs_per_hour, "bench-org-logs-2x")):
            session.client("s3", endpoint_url=ep).create_bucket(Bucket=bucket)
            ct = session.client("cloudtrail", endpoint_url=ep)
            name = TRAIL if label == "1x" else TRAIL  # one trail per bucket: the 2x run swaps the trail's bucket
            if label == "1x":
                ct.create_trail(Name=name, S3BucketName=bucket, IsMultiRegionTrail=True, IsOrganizationTrail=True,
                                EnableLogFileValidation=True)
            else:
                ct.update_trail(Name=name, S3BucketName=bucket)
            t0 = time.perf_counter()
            n_logs, n_digests, modified, deleted = seed(ep, bucket, accounts, regions, args.hours, per_hour, first_end)
            print(f"[{label}] seeded {n_logs} log files and {n_digests} digests in {time.perf_counter() - t0:.1f} s")
            latency.seconds = args.latency
            out_path = os.path.join("/tmp", f"verify_bench_{label}.json")
            wall, doc = trailguard(ep, start, end, args.workers, out_path)
            rss, cpu, _ = peak_rss(ep, start, end, args.workers, out_path)
            latency.seconds = 0.0
            _, _, wall0 = peak_rss(ep, start, end, args.workers, out_path)  # no latency: CPU-bound floor
            latency.seconds = args.latency
            fails = {f["extra"]["key"]: f["extra"]["outcome"] for f in doc["findings"] if f["status"] != "PASS"}
            results[label] = dict(logs=n_logs, digests=n_digests, wall=wall, rss=rss, cpu=cpu, wall0=wall0, fails=fails,
                                  found=fails.get(modified) == "log_modified" and fails.get(deleted) == "log_deleted")
            print(f"[{label}] trailguard verify --org: {wall:.2f} s (CPU {cpu:.1f} s; {wall0:.2f} s with no latency), "
                  f"peak RSS {rss:.1f} MB, "
                  f"{doc['summary']['by_status']['PASS']} PASS, non-PASS {sorted(set(fails.values()))}, "
                  f"planted tampering found: {results[label]['found']}")
            if label == "1x" and not args.skip_awscli:
                arn = ct.describe_trails()["trailList"][0]["TrailARN"]
                cli = awscli(ep, arn, accounts, regions, start, end)
                results["awscli"] = cli
                print(f"[1x] aws cloudtrail validate-logs x {cli['runs']} (per account and region): "
                      f"{cli['wall']:.2f} s, {cli['digests_valid']} digests and {cli['logs_valid']} log files valid, "
                      f"{cli['logs_invalid']} INVALID")
            latency.seconds = 0.0
    print(f"# load average after: {os.getloadavg()[0]:.2f}")
    one, two = results["1x"], results["2x"]
    print("\n| tool | log files | digests | wall s | peak RSS MB |\n|---|---|---|---|---|")
    ideal = (one["logs"] + one["digests"]) * args.latency / args.workers
    print(f"(ideal for trailguard at 1x: {ideal:.2f} s = Gets x latency / workers)")
    if "awscli" in results:
        print(f"| aws cloudtrail validate-logs ({results['awscli']['runs']} runs) | {one['logs']} | {one['digests']} | "
              f"{results['awscli']['wall']:.2f} | - |")
    print(f"| trailguard verify --org | {one['logs']} | {one['digests']} | {one['wall']:.2f} | {one['rss']:.1f} |")
    print(f"| trailguard verify --org (2x files) | {two['logs']} | {two['digests']} | {two['wall']:.2f} | "
          f"{two['rss']:.1f} |")
    if "awscli" in results:
        ratio = results["awscli"]["wall"] / one["wall"]
        print(f"\nratio validate-logs / trailguard: {ratio:.1f}x (target >= 10x: {'met' if ratio >= 10 else 'NOT met'})")
    growth = two["rss"] / one["rss"] - 1 if one["rss"] else 0
    print(f"peak RSS with 2x log files: {growth:+.1%} (flat target: {'met' if abs(growth) <= 0.10 else 'NOT met'}, "
          "within 10%)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
