"""Where `trailguard verify` spends CPU and memory, at two data sizes (a profiler, not a timed test).

    .venv/bin/python bench/verify_profile.py                    # seed 1x and 2x, measure both
    .venv/bin/python bench/verify_profile.py --modes rss,profile,tracemalloc --logs-per-hour 3

The emulator (moto's server, ListPublicKeys from sandbox.publickeys) runs in this process; each
measurement runs `verify()` in a fresh child process, so the figures are the client's alone:

- ``rss``: CPU (user+sys) and wall of the run, S3 and CloudTrail calls made, RSS after imports, peak RSS
  (VmHWM), RSS sampled every 25 ms against the files done so far (growth while files go by is retained
  data; a plateau is buffers), glibc's malloc totals at the end (in use vs free-but-kept), thread count;
- ``profile``: cProfile of the run, top functions by cumulative and by own time;
- ``tracemalloc``: peak of Python allocations during the run (imports excluded).
"""
from __future__ import annotations

import argparse
import ctypes
import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "bench"))


def _status(field: str) -> float:
    """A /proc/self/status field in MB (VmRSS, VmHWM)."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


class _MallInfo2(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                                                "fsmblks", "uordblks", "fordblks", "keepcost")]


def _mallinfo() -> dict:
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = _MallInfo2
        m = libc.mallinfo2()
    except (OSError, AttributeError):
        return {}
    mb = 1 << 20
    return {"heap_mb": round(m.arena / mb, 1), "mmap_mb": round(m.hblkhd / mb, 1),
            "in_use_mb": round(m.uordblks / mb, 1), "free_kept_mb": round(m.fordblks / mb, 1)}


def client(args) -> None:
    """One verify() run in this (child) process; prints one JSON line of figures."""
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    import boto3

    from checks.verify.run import Progress, Request, verify

    rss_imported = _status("VmRSS")
    calls: dict[str, int] = {}

    def count(event_name, **_):
        service = event_name.split(".")[1]
        calls[service] = calls.get(service, 0) + 1

    session = boto3.Session(region_name="us-east-1")
    session.events.register("before-send", count)
    start = dt.datetime.fromisoformat(args.start)
    end = dt.datetime.fromisoformat(args.end)
    req = Request(trail=args.trail, start=start, end=end, org=True, workers=args.workers)

    class Count(Progress):
        done = 0

        def tick(self) -> None:
            Count.done += 1

    samples: list[tuple[int, float]] = []
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.025):
            samples.append((Count.done, _status("VmRSS")))

    sampler = threading.Thread(target=sample, daemon=True)
    profiler = None
    if args.client == "tracemalloc":
        import tracemalloc

        tracemalloc.start()
    elif args.client == "profile":
        import cProfile

        profiler = cProfile.Profile()
    sampler.start()
    thread_profiles = []
    if profiler:  # cProfile sees one thread: give every worker thread its own, merged at the end
        original_run = threading.Thread.run

        def profiled_run(self):
            import cProfile

            prof = cProfile.Profile()
            thread_profiles.append(prof)
            prof.enable()
            try:
                original_run(self)
            finally:
                prof.disable()

        threading.Thread.run = profiled_run
    run_t0, run_cpu0 = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    outcome = verify(session, req, progress=Count())
    if profiler:
        profiler.disable()
    run_wall, run_cpu = time.perf_counter() - run_t0, time.process_time() - run_cpu0
    stop.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_SELF)
    figures = {"findings": len(outcome.run.findings), "files": Count.done, "calls": calls,
               "run_wall_s": round(run_wall, 2), "run_cpu_s": round(run_cpu, 2),
               "process_cpu_s": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 2),
               "process_wall_s": round(time.perf_counter() - t0, 2), "rss_imported_mb": round(rss_imported, 1),
               "peak_rss_mb": round(_status("VmHWM"), 1), "threads_at_end": threading.active_count(),
               "malloc": _mallinfo()}
    if samples:
        total = max(Count.done, 1)
        quarters = {}
        for q in (0.25, 0.5, 0.75, 1.0):
            upto = [rss for done, rss in samples if done <= q * total]
            quarters[f"{int(q * 100)}%"] = round(max(upto), 1) if upto else None
        figures["rss_by_progress_mb"] = quarters
    if args.client == "tracemalloc":
        import tracemalloc

        figures["traced_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / (1 << 20), 2)
        top = tracemalloc.take_snapshot().statistics("lineno")[:5]
        figures["traced_top_at_end"] = [f"{s.traceback[0].filename.split('site-packages/')[-1]}:"
                                        f"{s.traceback[0].lineno} {s.size / 1024:.0f} KiB" for s in top]
    print(json.dumps(figures))
    if profiler:
        import pstats

        stats = pstats.Stats(profiler, stream=sys.stderr)
        for prof in thread_profiles:
            stats.add(prof)
        for order in ("cumulative", "tottime"):
            print(f"--- top by {order} (all threads; waits included in cumulative) ---", file=sys.stderr)
            stats.sort_stats(order).print_stats(args.top)


def run_client(endpoint: str, trail: str, start, end, mode: str, workers: int, top: int) -> tuple[dict, str]:
    from verify_bench import _env

    cmd = [sys.executable, os.path.abspath(__file__), "--client", mode, "--trail", trail, "--start",
           start.isoformat(), "--end", end.isoformat(), "--workers", str(workers), "--top", str(top)]
    proc = subprocess.run(cmd, env=_env(endpoint), capture_output=True, text=True, cwd=ROOT)
    if proc.returncode:
        raise SystemExit(f"client failed: {proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1]), proc.stderr


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--client", choices=("rss", "profile", "tracemalloc"), help=argparse.SUPPRESS)
    p.add_argument("--trail", help=argparse.SUPPRESS)
    p.add_argument("--start", help=argparse.SUPPRESS)
    p.add_argument("--end", help=argparse.SUPPRESS)
    p.add_argument("--top", type=int, default=25)
    p.add_argument("--accounts", type=int, default=10)
    p.add_argument("--regions", type=int, default=4)
    p.add_argument("--hours", type=int, default=24)
    p.add_argument("--logs-per-hour", type=int, default=3)
    p.add_argument("--latency", type=float, default=0.02)
    p.add_argument("--workers", type=int, default=16)
    p.add_argument("--modes", default="rss,tracemalloc,profile")
    p.add_argument("--server", choices=("keepalive", "werkzeug"), default="keepalive")
    p.add_argument("--serve", action="store_true", help="seed, print the endpoint, serve until Ctrl-C")
    args = p.parse_args()
    if args.client:
        client(args)
        return 0
    from verify_bench import world

    with world(args) as w:
        for label, trail in w.trails.items():
            print(f"[{label}] {w.counts[label]}")
        if args.serve:
            print(f"endpoint {w.endpoint} window {w.start.isoformat()} {w.end.isoformat()}", flush=True)
            threading.Event().wait()
        for mode in args.modes.split(","):
            for label, trail in w.trails.items():
                print(f"# load average: {os.getloadavg()[0]:.2f}")
                figures, err = run_client(w.endpoint, trail, w.start, w.end, mode, args.workers, args.top)
                print(f"[{label}] {mode}: {json.dumps(figures)}", flush=True)
                if mode == "profile":
                    print(err)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
