"""Organization audit benchmark: calls per account, dependent chain, wall vs ideal, CPU, memory, load.

    .venv/bin/python bench/org_bench.py                    # the standard matrix (long: 10,000 accounts)
    .venv/bin/python bench/org_bench.py --accounts 1000 --backend replay --workers 16
    .venv/bin/python bench/org_bench.py --accounts 10000 --backend replay --workers 64 --runs 1
    .venv/bin/python bench/org_bench.py --accounts 200 --backend process        # moto in process

Every run is a fresh child process (state and peak RSS start clean); each configuration runs --runs times
(3) and the table gives min / median / max. The organization (bench/org_world.py): the management account
owns a logging multi-region organization trail; members, by index, have nothing of their own (60%), a
local multi-region trail too (20%), a weak local trail (15%) or a role that answers AccessDenied (5%).
ec2:DescribeRegions answers --regions regions (from a hook).

Backends:
- ``replay`` (issue 16): the organization's answers recorded from moto once (bench/replay_record.py, kept in
  --recordings), served by bench/replay_server.py in its own process, which adds the latency. What is
  measured is trailguard's client side and the latency floor; the server's CPU is reported apart.
- ``process``: moto in the child process (its CPU competes with the audit's for the GIL; member accounts
  see the org trail through client-side hooks, testkit.org.OrgTrailShadows); the latency is slept
  in an ``after-call`` hook. ``server``: moto's server in a grandchild process, over HTTP.

Calls are attributed to the account whose worker thread made them (history's per-region threads too:
org_world.metered_factory); calls in the main thread
(GetCallerIdentity, DescribeOrganization, ListAccounts pages) are run-level and sequential.
ideal = run_calls*latency + max(account_calls*latency/workers, chain*latency), where chain is the longest
sequence of dependent calls of one account (the collector is sequential per account). "audit CPU" is the
audit process's CPU (plus any worker processes it ran, --processes) during the audit; with the replay
and server backends the backend's CPU is not in it and is reported apart (per call).
--processes N is passed to the organization audit when it takes it (issue 16 item 3, another branch:
checks.org_procs or a ``processes`` keyword of checks.org.audit_organization); otherwise 1 is used and
the table says so.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
sys.path.insert(0, HERE)
from org_world import (Meter, audit_entry, fake_env, live_controls, metered_factory,  # noqa: E402,F401
                       seed_world)

_fake_env = fake_env  # bench/continuous_bench.py imports it from here

MATRIX = [  # (members, regions, workers, backend)
    (200, 4, 16, "process"), (1000, 4, 16, "process"), (1000, 4, 16, "replay"), (10000, 4, 64, "replay"),
]
RECORDINGS = os.path.join(os.environ.get("TMPDIR", "/tmp"), "trailguard-replay")


def _serve_moto() -> None:
    """``--serve-moto``: moto's server for ``--emulator server``. Prints its port, then for every line read
    on stdin the CPU seconds it has used so far."""
    from sandbox import moto_cache
    from testkit.moto import start_server

    moto_cache.install()
    _server, url = start_server(quiet=True)
    print(url.rsplit(":", 1)[1], flush=True)
    for _ in sys.stdin:
        t = os.times()
        print(t.user + t.system, flush=True)


class _Emulator:
    """moto in a child process (``server``: its CPU is not ours, as AWS does its work on other machines)
    or in this process (``process``: its CPU competes with the audit's for the GIL)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._marked = 0.0

    def __enter__(self):
        if self.kind == "server":
            self._proc = subprocess.Popen([sys.executable, __file__, "--serve-moto"], stdin=subprocess.PIPE,
                                          stdout=subprocess.PIPE, text=True)
            os.environ["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{self._proc.stdout.readline().strip()}"
        else:
            from moto import mock_aws

            self._mock = mock_aws()
            self._mock.__enter__()
        return self

    def _server_cpu(self) -> float:
        self._proc.stdin.write("\n")
        self._proc.stdin.flush()
        return float(self._proc.stdout.readline())

    def mark(self) -> None:
        """The measured part starts now (after seeding)."""
        if self.kind == "server":
            self._marked = self._server_cpu()

    def cpu_since_mark(self) -> float | None:
        """The emulator's CPU seconds since ``mark`` (None in process: it is part of ours)."""
        return round(self._server_cpu() - self._marked, 2) if self.kind == "server" else None

    def __exit__(self, *exc) -> None:
        if self.kind == "server":
            self._proc.stdin.close()
            self._proc.wait(timeout=30)
        else:
            self._mock.__exit__(*exc)


def child(accounts: int, regions: int, latency: float, workers: int, trace: bool, emulator: str,
          history_days: int = 0, processes: int = 1) -> dict:
    """A run on moto (``process`` or ``server``)."""
    fake_env()
    import boto3

    from testkit.org import OrgTrailShadows, deny_assume_role

    controls = live_controls(history_days)
    if history_days:  # issue 14: CH-01/CH-02 on, LookupEvents served by the sandbox's extension
        from checks.history import options
        from sandbox.trail_history import install

        install()
        options.configure(options.HistoryOptions(days=history_days))
    if emulator == "process":
        from sandbox import moto_cache

        moto_cache.install()  # issue 16: moto's access-key scan, memoized (TRAILGUARD_MOTO_CACHE=0: off)
    with _Emulator(emulator) as emu:
        world = seed_world(boto3.Session(region_name="us-east-1"), accounts)
        shadows = OrgTrailShadows(boto3.Session(region_name="us-east-1"), world.org_arn)  # uninstrumented
        meter = Meter(latency, regions)
        session = boto3.Session(region_name="us-east-1")
        meter.install(session)
        deny_assume_role(session, world.denied)

        Factory = metered_factory(meter, shadows.install)  # shadow answers are metered too
        # Warm the emulator: moto builds its request routers and error models on the first request of each
        # service, without a lock, so 16 workers arriving together would each build them (seconds of CPU
        # that AWS never spends). One sequential audit of the management account, on a separate Session
        # (its own botocore loader: the audit's own one-time costs stay in the measurement), warms them.
        from checks.collect import collect_account

        collect_account(boto3.Session(region_name="us-east-1"), account_id=world.management, controls=controls)
        emu.mark()
        entry, used = audit_entry(processes)
        r = _measure(lambda: (entry(session, controls, workers=workers, session_factory=Factory), used),
                     meter, latency, workers, trace)
        emulator_cpu = emu.cpu_since_mark()
    calls = r["run_calls"] + r["account_calls"]
    r.update(regions=regions, backend=emulator, backend_cpu_s=emulator_cpu, backend_calls=calls, misses=0,
             backend_us_per_call=round(1e6 * emulator_cpu / calls, 1) if emulator_cpu is not None else None)
    return r


def _cpu() -> float:
    """CPU seconds of this process and of the children it has waited for (worker processes, if any)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _measure(body, meter: Meter, latency: float, workers: int, trace: bool) -> dict:
    """Run ``body()`` (the audit: returns (run, processes used)) under the clocks; the run's figures."""
    load_start = os.getloadavg()[0]
    if trace:
        tracemalloc.start()
    start, cpu_start = time.perf_counter(), _cpu()
    run, used = body()
    wall, cpu = time.perf_counter() - start, _cpu() - cpu_start
    traced_peak = tracemalloc.get_traced_memory()[1] if trace else 0
    per_account = {a: n for a, n in meter.calls.items() if a != "run"}
    audited = [a for a in per_account if run.coverage.get(a) != "unknown"]
    account_calls, chain = sum(per_account.values()), max(per_account.values(), default=0)
    run_calls = meter.calls.get("run", 0)
    # with worker processes (--processes) each runs its own pool; their calls are not counted here, and
    # the replay backend's own count is used instead (child_replay)
    ideal = run_calls * latency + max(account_calls * latency / (workers * used), chain * latency)
    accounts = len(run.coverage) or len(per_account)
    return {
        "accounts": accounts, "latency": latency, "workers": workers, "processes": used,
        "findings": len(run.findings), "run_calls": run_calls, "account_calls": account_calls,
        "calls_per_audited_account": round(sum(per_account[a] for a in audited) / max(1, len(audited)), 1),
        "chain": chain, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
        "cpu_ms_per_account": round(1000 * cpu / max(1, accounts), 2),
        "ideal_s": round(ideal, 2), "ratio": round(wall / ideal, 3) if ideal else None,
        "maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "children_maxrss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "tracemalloc_peak_mb": round(traced_peak / 2**20, 1),
        "load_start": round(load_start, 2), "load_end": round(os.getloadavg()[0], 2),
        "coverage": {v: list(run.coverage.values()).count(v) for v in sorted(set(run.coverage.values()))},
    }


def child_replay(recording: str, latency: float, workers: int, processes: int, trace: bool) -> dict:
    """A run on the replay server (the recording's metadata says which organization)."""
    fake_env()
    from replay_backend import ReplayBackend, replay_audit

    with open(recording + ".json") as fh:
        meta = json.load(fh)
    meter = Meter(0.0, meta["regions"], local_latency=latency)  # the server adds the latency
    with ReplayBackend(recording, latency) as backend:
        backend.mark()
        r = _measure(lambda: replay_audit(meta, latency, workers, processes, meter)[::2], meter, latency, workers,
                     trace)
        server = backend.since_mark()
    if not r["account_calls"]:  # the calls were made in worker processes: take the server's count
        r["account_calls"] = server["calls"] - r["run_calls"]
        r["calls_per_audited_account"] = round(r["account_calls"] / max(1, r["accounts"]), 1)
        r["chain"] = "?"
        r["ideal_s"] = round(r["run_calls"] * latency + r["account_calls"] * latency / (workers * r["processes"]), 2)
        r["ratio"] = round(r["wall_s"] / r["ideal_s"], 3) if r["ideal_s"] else None
    r.update(regions=meta["regions"], backend="replay", backend_cpu_s=round(server["cpu_s"], 2),
             backend_calls=server["calls"], misses=server["misses"],
             backend_us_per_call=round(1e6 * server["cpu_s"] / max(1, server["calls"]), 1))
    return r


def _recording(members: int, regions: int, directory: str) -> str:
    """The recording for this organization, made once (a child process) and kept in ``directory``."""
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, f"org-{members}-{regions}.pickle")
    if not os.path.exists(path + ".json"):
        started = time.perf_counter()
        subprocess.run([sys.executable, os.path.join(HERE, "replay_record.py"), "--accounts", str(members),
                        "--regions", str(regions), "--out", path], check=True, cwd=ROOT,
                       stdout=subprocess.DEVNULL)
        print(f"# recorded {members} members, {regions} regions from moto in {time.perf_counter() - started:.0f} s "
              f"-> {path}", flush=True)
    return path


def _spawn(args, members, regions, workers, backend, latency, trace=False) -> dict:
    cmd = [sys.executable, __file__, "--child", "--accounts", str(members), "--regions", str(regions),
           "--latency", str(latency), "--workers", str(workers), "--backend", backend,
           "--processes", str(args.processes), "--history-days", str(args.history_days),
           "--recordings", args.recordings] + (["--trace"] if trace else [])
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _mmm(rows: list[dict], key: str) -> str:
    values = [r[key] for r in rows if r.get(key) is not None]
    if not values:
        return "-"
    return " / ".join(f"{v:.4g}" for v in (min(values), statistics.median(values), max(values))) \
        if len(values) > 1 else f"{values[0]:.4g}"


HEADER = ("| accounts | regions | workers | processes | backend | calls/acct | chain | run calls | ideal s "
          "| wall s | wall/ideal | audit CPU ms/acct | backend CPU s (us/call) | peak RSS MB | load start -> end |")


def _line(rows: list[dict]) -> str:
    r = rows[0]
    backend_cpu = "-" if r.get("backend_cpu_s") is None else \
        f"{_mmm(rows, 'backend_cpu_s')} ({_mmm(rows, 'backend_us_per_call')})"
    loads = ", ".join(f"{x['load_start']:g}->{x['load_end']:g}" for x in rows)
    return (f"| {r['accounts']} | {r['regions']} | {r['workers']} | {r['processes']} | {r['backend']} "
            f"| {r['calls_per_audited_account']} | {r['chain']} | {r['run_calls']} | {r['ideal_s']} "
            f"| {_mmm(rows, 'wall_s')} | {_mmm(rows, 'ratio')} | {_mmm(rows, 'cpu_ms_per_account')} | {backend_cpu} "
            f"| {_mmm(rows, 'maxrss_mb')} | {loads} |")


def _targets(groups: list[list[dict]]) -> list[str]:
    """The issue's targets, judged on the medians of the configurations measured."""
    lines = []
    for rows in groups:
        r, ratio = rows[0], statistics.median(x["ratio"] for x in rows)
        wall, rss = statistics.median(x["wall_s"] for x in rows), max(x["maxrss_mb"] for x in rows)
        name = f"{r['accounts']} accounts @{r['latency'] * 1000:g} ms, {r['workers']} workers, {r['backend']}"
        if r["accounts"] >= 1000 and r["latency"] == 0.05:
            lines.append(f"{name}: median wall/ideal {ratio:g} ({'met' if ratio <= 1.3 else 'MISSED'}; target <= 1.3 "
                         f"at 1,000)")
        if r["accounts"] >= 10000:
            lines.append(f"{name}: median wall {wall:g} s ({'met' if wall <= 300 else 'MISSED'}; target <= 300 s); "
                         f"peak RSS {rss:g} MB ({'met' if rss < 1024 else 'MISSED'}; target < 1 GB)")
        if any(x.get("misses") for x in rows):
            lines.append(f"{name}: the replay server missed calls: NOT a measurement")
    return lines


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--trace", action="store_true", help="tracemalloc peak of the audit (slows it down)")
    p.add_argument("--accounts", type=int, help="member accounts (the management account comes on top)")
    p.add_argument("--regions", type=int, default=4)
    p.add_argument("--latency", type=float, default=0.05)
    p.add_argument("--workers", type=int, default=16)
    p.add_argument("--processes", type=int, default=1, help="passed to the audit when it has the option")
    p.add_argument("--runs", type=int, default=3, help="runs per configuration (min / median / max)")
    p.add_argument("--backend", "--emulator", dest="backend", choices=("replay", "process", "server"),
                   default="replay", help="replay (default), moto in process, or moto's server in a child")
    p.add_argument("--recordings", default=RECORDINGS, help=f"where replay recordings are kept ({RECORDINGS})")
    p.add_argument("--serve-moto", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--history-days", type=int, default=0,
                   help="also run the history controls over this many days (0: off; moto backends only)")
    args = p.parse_args()
    if args.history_days and args.backend == "replay":
        p.error("--history-days: the replay backend records the configuration audit only; "
                "use --backend process or server")
    if args.serve_moto:
        _serve_moto()
        return
    if args.child:
        if args.backend == "replay":
            path = os.path.join(args.recordings, f"org-{args.accounts}-{args.regions}.pickle")
            result = child_replay(path, args.latency, args.workers, args.processes, args.trace)
        else:
            result = child(args.accounts, args.regions, args.latency, args.workers, args.trace, args.backend,
                           args.history_days, args.processes)
        print(json.dumps(result))
        return
    matrix = [(args.accounts, args.regions, args.workers, args.backend)] if args.accounts else MATRIX
    print(f"# org_bench {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}  nproc={os.cpu_count()}  "
          f"python={sys.version.split()[0]}  latency={args.latency}s  runs={args.runs}  "
          f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    for members, regions, _, backend in matrix:
        if backend == "replay":
            _recording(members, regions, args.recordings)
    print(HEADER)
    print("|" + "---|" * (HEADER.count(" | ") + 1))
    groups = []
    for members, regions, workers, backend in matrix:
        rows = [_spawn(args, members, regions, workers, backend, args.latency) for _ in range(args.runs)]
        groups.append(rows)
        print(_line(rows), flush=True)
    print()
    for line in _targets(groups):
        print(f"- {line}")
    print(f"# load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
