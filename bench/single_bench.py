"""Single-account audit against a local backend: ``python -m checks audit`` wall time (issue 16 target <= 0.5 s).

    .venv/bin/python bench/single_bench.py [--runs 7]

The backend is moto's server (sandbox/emulator.py, in a thread of this process: its CPU is not the
audit's) holding one account with a logging multi-region trail (bench/org_world.py's create_trail). One
audit warms the server (moto builds its EC2 backend and request routers on first use, which AWS doesn't),
then each run is a fresh ``python -m checks audit --format json`` process: wall time from spawn to exit,
the process's CPU (user + system), the load average. Prints min / median / max.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
sys.path.insert(0, HERE)
from org_world import fake_env  # noqa: E402


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--history-days", default="off",
                   help="passed to audit (default off: LookupEvents is rate-limited to 2 calls/s per Region "
                        "by AWS, so the history controls alone take seconds, by design)")
    args = p.parse_args()
    fake_env()
    import boto3

    from testkit.org import create_trail
    from sandbox.emulator import Emulator

    with Emulator() as emu:
        seed = boto3.Session(region_name="us-east-1")
        kw = {"endpoint_url": emu.endpoint_url}
        create_trail(_EndpointSession(seed, kw), "main-trail", "single-bench-trail-bucket")
        cmd = [sys.executable, "-m", "checks", "audit", "--endpoint-url", emu.endpoint_url, "--region", "us-east-1",
               "--format", "json", "--errors-ok", "--quiet", "--history-days", args.history_days]
        env = {**os.environ, "PYTHONPATH": ROOT}
        subprocess.run(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, check=False)  # warm the server
        walls, cpus, loads = [], [], []
        for _ in range(args.runs):
            loads.append(os.getloadavg()[0])
            cpu0, t0 = _children_cpu(), time.perf_counter()
            subprocess.run(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, check=False)
            walls.append(time.perf_counter() - t0)
            cpus.append(_children_cpu() - cpu0)
    fmt = lambda xs: f"{min(xs):.3f} / {statistics.median(xs):.3f} / {max(xs):.3f}"  # noqa: E731
    print(f"# single_bench {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} nproc={os.cpu_count()} "
          f"runs={args.runs} history-days={args.history_days}")
    print(f"wall s (min / median / max): {fmt(walls)}; CPU s: {fmt(cpus)}; load average at each start: "
          f"{', '.join(f'{x:.1f}' for x in loads)}")
    median = statistics.median(walls)
    print(f"target <= 0.5 s wall: {'met' if median <= 0.5 else 'MISSED'} (median {median:.3f} s)")


class _EndpointSession:
    """``session.client(...)`` with the emulator's endpoint, for create_trail."""

    def __init__(self, session, kw: dict) -> None:
        self.session, self.kw = session, kw

    def client(self, service: str, region_name: str = "us-east-1"):
        return self.session.client(service, region_name=region_name, **self.kw)


if __name__ == "__main__":
    main()
