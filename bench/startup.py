"""Start-up cost of the CLI: wall time of short commands, and which heavy modules they load.

    .venv/bin/python bench/startup.py [--runs N]

Each command runs N times in a fresh interpreter (subprocess, like a user's shell); the median is
printed next to a bare ``python -c pass`` baseline. A second pass runs each command under
``-X importtime`` and lists the heavy packages it imported, with their cumulative import time. The goal
(no assertion: machines differ) is that ``--help`` and ``controls`` stay close to the baseline and import
none of boto3, botocore, pulumi.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

HEAVY = ("boto3", "botocore", "pulumi", "pulumi_aws", "moto", "yaml", "tabulate", "jinja2", "tqdm")
COMMANDS = {
    "python -c pass (baseline)": ["-c", "pass"],
    "python -m checks --help": ["-m", "checks", "--help"],
    "python -m checks controls": ["-m", "checks", "controls"],
    "python -m checks controls --format json": ["-m", "checks", "controls", "--format", "json"],
    "python -c 'import boto3' (for scale)": ["-c", "import boto3"],
}


def _env() -> dict:
    env = dict(os.environ)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    return env


def time_command(args: list[str], runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       env=_env(), check=False)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), min(samples)


def heavy_imports(args: list[str]) -> dict[str, float]:
    """Top-level heavy package -> cumulative import time in ms, from ``-X importtime`` (stderr)."""
    proc = subprocess.run([sys.executable, "-X", "importtime", *args], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, env=_env(), check=False)
    found: dict[str, float] = {}
    for line in proc.stderr.splitlines():
        # "import time:      self [us] |  cumulative | imported package"
        if not line.startswith("import time:") or "|" not in line:
            continue
        parts = [p.strip() for p in line[len("import time:"):].split("|")]
        if len(parts) != 3 or not parts[1].isdigit():
            continue
        name = parts[2].strip()
        if name in HEAVY:  # the top-level entry carries the whole package's cumulative time
            found[name] = max(found.get(name, 0.0), int(parts[1]) / 1000)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per command (default 7)")
    runs = parser.parse_args().runs
    print(f"python {sys.version.split()[0]} at {sys.executable}; {runs} runs per command\n")
    print(f"{'command':<45} {'median ms':>10} {'min ms':>8}   heavy modules imported (cumulative ms)")
    for label, args in COMMANDS.items():
        median, fastest = time_command(args, runs)
        heavy = heavy_imports(args)
        listed = ", ".join(f"{k} {v:.0f}" for k, v in sorted(heavy.items(), key=lambda kv: -kv[1])) or "none"
        print(f"{label:<45} {median:>10.1f} {fastest:>8.1f}   {listed}")


if __name__ == "__main__":
    main()
