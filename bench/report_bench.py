"""Render time and size of every report format for an organization-sized run (no AWS, no emulator).

    .venv/bin/python bench/report_bench.py [--accounts 200] [--width 120]

A synthetic run: every live control in every account, one finding in seven FAIL, one in thirteen ERROR.
Prints, per format, the median render time of 3 runs and the output size; the table twice (a file:
unwrapped; a terminal of --width columns: wrapped) and with --verbose. Targets (judged, not asserted):
every format under 2 s for 200 accounts on the 2-core dev machine, and the Markdown under GitHub's
65,536-character comment limit.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from checks.catalog import all_controls  # noqa: E402
from checks.model import AuditRun, Finding, Status  # noqa: E402
from checks.report import FORMATS, ReportOptions, render  # noqa: E402


def synthetic_run(n_accounts: int) -> tuple[AuditRun, list]:
    controls = [c for c in all_controls() if "live" in c.targets]
    accounts = [f"{100000000000 + i:012d}" for i in range(n_accounts)]
    findings = []
    for i, a in enumerate(accounts):
        for k, c in enumerate(controls):
            n = i * len(controls) + k
            status = Status.FAIL if n % 7 == 0 else Status.ERROR if n % 13 == 0 else Status.PASS
            findings.append(Finding(c.id, status, c.severity, a, "us-east-1",
                                    f"arn:aws:cloudtrail:us-east-1:{a}:trail/org",
                                    f"Trail org in account {a}: {c.title} is {status.value}.", title=c.title))
    return AuditRun(findings, accounts, coverage={a: "organization-trail" for a in accounts}), controls


def timed(fn, runs: int = 3) -> tuple[float, str]:
    samples, out = [], ""
    for _ in range(runs):
        start = time.perf_counter()
        out = fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--width", type=int, default=120)
    args = parser.parse_args()
    run, controls = synthetic_run(args.accounts)
    print(f"{args.accounts} accounts x {len(controls)} controls = {len(run.findings)} findings")
    print(f"{'format':<28} {'median s':>9} {'size':>12}")
    cases = [(f, ReportOptions()) for f in FORMATS]
    cases += [("table (terminal, wrapped)", ReportOptions(width=args.width)),
              ("table (terminal, --verbose)", ReportOptions(width=args.width, verbose=True))]
    for name, options in cases:
        fmt = name.split(" ")[0]
        seconds, out = timed(lambda: render(fmt, run, controls, options))
        print(f"{name:<28} {seconds:>9.2f} {len(out):>12,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
