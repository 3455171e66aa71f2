"""`trailguard verify --org` against `aws cloudtrail validate-logs` on the same data, in the same run.

    .venv/bin/python bench/verify_bench.py                       # 10 accounts x 4 regions x 24 h, 20 ms
    .venv/bin/python bench/verify_bench.py --logs-per-hour 3 --latency 0.02 --workers 16 --repeat 3

Data: two organization trails' buckets in the emulator (moto's server on 127.0.0.1 in this process, with
ListPublicKeys from sandbox.publickeys), holding what CloudTrail would have delivered for
--accounts x --regions x --hours: hourly signed digests and --logs-per-hour gzip'd log files each
(sandbox.deliver); the "2x" bucket holds twice the log files per hour. One log file is modified
and one deleted in each, so both tools have something to find.

Latency: after seeding, the server sleeps --latency seconds before answering every S3 request (both tools
pay the same per call, whatever their client). Both tools run as CLI subprocesses, as a user runs them:
the AWS CLI once per account and region (`--account-id`, `--region`: it validates one of each per run, the
only way it can), trailguard once for the whole organization. trailguard's --repeat runs are interleaved
with slices of the AWS CLI's runs, so both see the same machine load.

Every figure comes with the load average (the machine is shared): wall time, and CPU time (user+sys) of
each tool's processes from wait4(), plus the emulator's CPU (this process) while each tool ran, since on
a small machine the two compete for the same cores. Peak RSS of each trailguard run also comes from wait4().
Verdicts: speed by wall time (the issue's measure) and by CPU time; memory flat (2x vs 1x peak RSS).
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from types import SimpleNamespace

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"]
ISO = "%Y-%m-%dT%H:%M:%SZ"
TRAIL = "bench-org-trail"
FLAT = 0.10  # peak RSS within 10% when the file count doubles counts as flat


def _empty_file() -> str:
    """An empty AWS config/credentials file of our own (a shared machine's /dev/null was once replaced
    by a regular file that other processes wrote into, and botocore then failed to parse it)."""
    path = os.path.join(tempfile.gettempdir(), f"verify_bench_empty_{os.getuid()}")
    with open(path, "w", encoding="ascii"):
        pass
    return path


def _env(endpoint: str) -> dict:
    from testkit.env import subprocess_env

    empty = _empty_file()  # not /dev/null: see _empty_file
    return subprocess_env(endpoint or None, PYTHONPATH=ROOT, AWS_CONFIG_FILE=empty, AWS_SHARED_CREDENTIALS_FILE=empty)


class Latency:
    """Wraps the server's WSGI app: every S3 request (SigV4 scope .../s3/aws4_request) waits first."""

    def __init__(self, app) -> None:
        self.app, self.seconds = app, 0.0

    def __call__(self, environ, start_response):
        if self.seconds and "/s3/aws4_request" in environ.get("HTTP_AUTHORIZATION", ""):
            time.sleep(self.seconds)
        return self.app(environ, start_response)


def seed(endpoint: str, bucket: str, trail: str, accounts: list[str], regions: list[str], hours: int,
         logs_per_hour: int, first_end: dt.datetime):
    import boto3
    from botocore.config import Config

    from sandbox.deliver import deliver, make_key
    from checks.verify.layout import Stream

    session = boto3.Session(region_name="us-east-1")
    s3 = session.client("s3", endpoint_url=endpoint, config=Config(max_pool_connections=32))
    keys = {r: [make_key(r, first_end - dt.timedelta(days=2), first_end + dt.timedelta(days=2))] for r in regions}
    org_id = session.client("organizations", endpoint_url=endpoint).describe_organization()["Organization"]["Id"]
    streams = [Stream(bucket, "", org_id, a, r, trail, "us-east-1") for a in accounts for r in regions]
    with ThreadPoolExecutor(16) as pool:
        chains = list(pool.map(lambda s: deliver(s3, s, keys[s.region], first_end, hours,
                                                 logs_per_hour=logs_per_hour), streams))
    modified, deleted = chains[0].logs[5], chains[-1].logs[7]
    s3.put_object(Bucket=bucket, Key=modified, Body=gzip.compress(b'{"Records": []}'))
    s3.delete_object(Bucket=bucket, Key=deleted)
    return sum(len(c.logs) for c in chains), sum(len(c.digests) for c in chains), modified, deleted


@contextlib.contextmanager
def world(args):
    """The emulator with both buckets seeded (1x and 2x log files per hour), latency on once seeded."""
    for key, value in _env("").items():
        if key.startswith("AWS_") and key != "AWS_ENDPOINT_URL":
            os.environ[key] = value
    import boto3

    from sandbox.emulator import Emulator
    from sandbox.keepalive import KeepAliveEmulator

    accounts = [f"{100000000000 + 1111 * i:012d}" for i in range(args.accounts)]
    regions = REGIONS[:args.regions]
    first_end = dt.datetime(2026, 3, 1, 0, 1, 31, tzinfo=dt.timezone.utc)
    with (KeepAliveEmulator() if args.server == "keepalive" else Emulator()) as emulator:
        latency = Latency(emulator._server._server.app)
        emulator._server._server.app = latency
        ep = emulator.endpoint_url
        session = boto3.Session(region_name="us-east-1")
        session.client("organizations", endpoint_url=ep).create_organization(FeatureSet="ALL")
        ct = session.client("cloudtrail", endpoint_url=ep)
        w = SimpleNamespace(endpoint=ep, accounts=accounts, regions=regions, latency=latency, trails={}, arns={},
                            counts={}, planted={}, start=first_end - dt.timedelta(minutes=30),
                            end=first_end + dt.timedelta(hours=args.hours - 1))
        for label, per_hour in (("1x", args.logs_per_hour), ("2x", 2 * args.logs_per_hour)):
            bucket, trail = f"bench-org-logs-{label}", f"{TRAIL}-{label}"
            session.client("s3", endpoint_url=ep).create_bucket(Bucket=bucket)
            arn = ct.create_trail(Name=trail, S3BucketName=bucket, IsMultiRegionTrail=True, IsOrganizationTrail=True,
                                  EnableLogFileValidation=True)["TrailARN"]
            t0 = time.perf_counter()
            n_logs, n_digests, modified, deleted = seed(ep, bucket, trail, accounts, regions, args.hours, per_hour,
                                                        first_end)
            print(f"[{label}] seeded {n_logs} log files and {n_digests} digests in {time.perf_counter() - t0:.1f} s",
                  flush=True)
            w.trails[label], w.arns[label] = trail, arn
            w.counts[label] = {"logs": n_logs, "digests": n_digests}
            w.planted[label] = (modified, deleted)
        latency.seconds = args.latency
        yield w


@dataclass
class Run:
    wall: float  # s, around the subprocess
    cpu: float  # s, user+sys of the subprocess (wait4)
    rss: float  # MB, its peak RSS (wait4)
    emulator_cpu: float  # s, this process's CPU while it ran: the emulator's answers
    load: float  # 1-minute load average when it ended
    code: int
    out: str
    err: str


# Runs `python -m MODULE ARGS...` and, at exit, writes the process's own VmHWM (peak RSS, kB) to the file
# named by $VERIFY_BENCH_PEAK. wait4()'s ru_maxrss can't be used for that: Linux carries the parent's peak
# RSS into a child across fork/vfork + exec (this process holds the emulator and all its objects), so a
# child's ru_maxrss is at least this process's peak, and it grew when the 2x bucket was seeded. VmHWM
# belongs to the address space exec made, so it is the child's own.
_PEAK = """import atexit, os, runpy, sys
def _peak():
    with open('/proc/self/status') as fh:
        hwm = next(line.split()[1] for line in fh if line.startswith('VmHWM:'))
    with open(os.environ['VERIFY_BENCH_PEAK'], 'w') as out:
        out.write(hwm)
atexit.register(_peak)
sys.argv = sys.argv[1:]
runpy.run_module(sys.argv[0], run_name='__main__', alter_sys=True)
"""


def measured(module: str, args: list[str], env: dict) -> Run:
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err, \
            tempfile.NamedTemporaryFile("r", suffix=".peak") as peak:
        cmd = [sys.executable, "-c", _PEAK, module, *args]
        cpu0, started = time.process_time(), time.perf_counter()
        proc = subprocess.Popen(cmd, env={**env, "VERIFY_BENCH_PEAK": peak.name}, stdout=out, stderr=err,
                                text=True, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall, emulator_cpu = time.perf_counter() - started, time.process_time() - cpu0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        rss = int(peak.read().strip() or 0) / 1024
        return Run(wall, usage.ru_utime + usage.ru_stime, rss, emulator_cpu, os.getloadavg()[0], proc.returncode,
                   out.read(), err.read())


def trailguard(w, label: str, workers: int) -> tuple[Run, dict]:
    out_path = os.path.join(tempfile.gettempdir(), f"verify_bench_{os.getpid()}_{label}.json")
    args = ["verify", "--org", "--trail", w.trails[label], "--start", w.start.strftime(ISO), "--end",
            w.end.strftime(ISO), "--workers", str(workers), "--format", "json", "--output", out_path, "--quiet"]
    run = measured("checks", args, _env(w.endpoint))
    if run.code not in (0, 1):
        raise SystemExit(f"trailguard verify exited {run.code}: {run.err[-2000:]}")
    with open(out_path, encoding="utf-8") as fh:
        doc = json.load(fh)
    os.unlink(out_path)
    fails = {f["object_key"]: f["outcome"] for f in doc["findings"] if f["status"] != "PASS"}
    modified, deleted = w.planted[label]
    found = fails.get(modified) == "log_modified" and fails.get(deleted) == "log_deleted"
    return run, {"pass": doc["summary"]["by_status"].get("PASS", 0), "non_pass": sorted(set(fails.values())),
                 "found": found}


def awscli(w, pairs) -> list[tuple[Run, dict]]:
    runs = []
    for account, region in pairs:
        args = ["cloudtrail", "validate-logs", "--trail-arn", w.arns["1x"], "--start-time", w.start.strftime(ISO),
                "--end-time", w.end.strftime(ISO), "--account-id", account, "--region", region]
        run = measured("awscli", args, _env(w.endpoint))
        if run.code not in (0, 1):
            raise SystemExit(f"validate-logs exited {run.code} for {account} {region}: {run.err[-2000:]}")
        counts = {"logs_valid": 0, "logs_invalid": 0, "digests_valid": 0}
        for line in run.out.splitlines():
            if "log files valid" in line:
                counts["logs_valid"] += int(line.split("/")[0])
                if "INVALID" in line:
                    counts["logs_invalid"] += int(line.rsplit(", ", 1)[1].split("/")[0])
            elif "digest files valid" in line and "backfill" not in line:
                counts["digests_valid"] += int(line.split("/")[0])
        runs.append((run, counts))
    return runs


def _median(runs: list[Run], attr: str) -> float:
    return statistics.median(getattr(r, attr) for r in runs)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--accounts", type=int, default=10)
    p.add_argument("--regions", type=int, default=4, choices=range(1, len(REGIONS) + 1))
    p.add_argument("--hours", type=int, default=24)
    p.add_argument("--logs-per-hour", type=int, default=3)
    p.add_argument("--latency", type=float, default=0.02)
    p.add_argument("--workers", type=int, default=16)
    p.add_argument("--repeat", type=int, default=3, help="trailguard runs per size (median reported)")
    p.add_argument("--skip-awscli", action="store_true")
    p.add_argument("--server", choices=("keepalive", "werkzeug"), default="keepalive",
                   help="the emulator's HTTP server: keep-alive like AWS (default), or moto's (a connection per call)")
    args = p.parse_args()
    print(f"# verify_bench  nproc={os.cpu_count()}  python={sys.version.split()[0]}  latency={args.latency}s  "
          f"workers={args.workers}  {args.accounts} accounts x {args.regions} regions x {args.hours} h  "
          f"load average {os.getloadavg()[0]:.2f}", flush=True)
    with world(args) as w:
        pairs = [(a, r) for a in w.accounts for r in w.regions]
        slices = [pairs[i::args.repeat] for i in range(args.repeat)] if not args.skip_awscli else [[]] * args.repeat
        tg: dict[str, list[Run]] = {"1x": [], "2x": []}
        cli: list[tuple[Run, dict]] = []
        for i in range(args.repeat):  # trailguard runs interleaved with slices of the AWS CLI's runs
            for label in ("1x", "2x"):
                run, seen = trailguard(w, label, args.workers)
                tg[label].append(run)
                print(f"[{label}] trailguard verify --org: wall {run.wall:.2f} s, CPU {run.cpu:.2f} s (emulator "
                      f"{run.emulator_cpu:.2f} s), peak RSS {run.rss:.1f} MB, {seen['pass']} PASS, non-PASS "
                      f"{seen['non_pass']}, planted tampering found: {seen['found']}  (load {run.load:.2f})",
                      flush=True)
            if slices[i]:
                part = awscli(w, slices[i])
                cli += part
                print(f"[1x] aws cloudtrail validate-logs x {len(part)}: wall {sum(r.wall for r, _ in part):.2f} s, "
                      f"CPU {sum(r.cpu for r, _ in part):.2f} s (emulator {sum(r.emulator_cpu for r, _ in part):.2f}"
                      f" s)  (load {part[-1][0].load:.2f})", flush=True)
    return summary(args, w, tg, cli)


def summary(args, w, tg: dict, cli: list) -> int:
    one, two = w.counts["1x"], w.counts["2x"]
    print(f"\n# load average at the end: {os.getloadavg()[0]:.2f}")
    print("\n| tool | log files | digests | wall s | CPU s (user+sys) | emulator CPU s | peak RSS MB | load |")
    print("|---|---|---|---|---|---|---|---|")
    if cli:
        runs = [r for r, _ in cli]
        valid = {k: sum(c[k] for _, c in cli) for k in ("digests_valid", "logs_valid", "logs_invalid")}
        print(f"| aws cloudtrail validate-logs ({len(runs)} runs) | {one['logs']} | {one['digests']} | "
              f"{sum(r.wall for r in runs):.2f} | {sum(r.cpu for r in runs):.2f} | "
              f"{sum(r.emulator_cpu for r in runs):.2f} | {max(r.rss for r in runs):.1f} (one run) | "
              f"{min(r.load for r in runs):.1f}-{max(r.load for r in runs):.1f} |")
    for label, counts in (("1x", one), ("2x", two)):
        runs = tg[label]
        print(f"| trailguard verify --org ({label}, median of {len(runs)}) | {counts['logs']} | {counts['digests']} | "
              f"{_median(runs, 'wall'):.2f} | {_median(runs, 'cpu'):.2f} | {_median(runs, 'emulator_cpu'):.2f} | "
              f"{_median(runs, 'rss'):.1f} | {min(r.load for r in runs):.1f}-{max(r.load for r in runs):.1f} |")
    ideal = (one["logs"] + one["digests"]) * args.latency / args.workers
    print(f"\n(latency-bound ideal for trailguard at 1x: {ideal:.2f} s = Gets x latency / workers)")
    if cli:
        runs = [r for r, _ in cli]
        print(f"validate-logs: {valid['digests_valid']} digests and {valid['logs_valid']} log files valid, "
              f"{valid['logs_invalid']} INVALID")
        wall = sum(r.wall for r in runs) / _median(tg["1x"], "wall")
        cpu = sum(r.cpu for r in runs) / _median(tg["1x"], "cpu")
        both = sum(r.cpu + r.emulator_cpu for r in runs) / _median(
            [SimpleNamespace(x=r.cpu + r.emulator_cpu) for r in tg["1x"]], "x")
        print(f"speed, wall time: validate-logs / trailguard = {wall:.1f}x "
              f"(target >= 10x: {'met' if wall >= 10 else 'NOT met'})")
        print(f"speed, CPU time of the tool: {cpu:.1f}x; tool + emulator CPU: {both:.1f}x")
    rss1, rss2 = _median(tg["1x"], "rss"), _median(tg["2x"], "rss")
    growth = rss2 / rss1 - 1 if rss1 else 0.0
    print(f"memory: peak RSS {rss1:.1f} MB -> {rss2:.1f} MB with 2x log files: {growth:+.1%} "
          f"(flat target, within {FLAT:.0%}: {'met' if abs(growth) <= FLAT else 'NOT met'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
