"""Start-up cost of the CLI: wall time of short commands, and which heavy modules they load.

    .venv/bin/python bench/startup.py [--runs N]
    .venv/bin/python bench/startup.py --audit [--runs N] [--code DIR]

``--audit`` times ``python -m checks audit`` on one account (a trail, its bucket) served by a moto server
in its own process, so the figures are the CLI's alone: wall and CPU (user+sys of the CLI process) per
run, median and minimum, and the heavy packages it imported. ``--code DIR`` runs another checkout's
``checks`` (e.g. ``git archive <commit> | tar -x -C DIR``) for a before/after on the same machine. Our
modules are byte-compiled first, as in an installed wheel (PYTHONDONTWRITEBYTECODE would otherwise make
every run compile them).

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


def _moto_server() -> tuple[subprocess.Popen, str]:
    """A moto server in its own process with one account's trail and bucket; (process, endpoint URL)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    code = (
        "import logging, sys, time\n"
        "logging.getLogger('werkzeug').setLevel(logging.ERROR)\n"
        "from moto.server import ThreadedMotoServer\n"
        f"ThreadedMotoServer(ip_address='127.0.0.1', port={port}, verbose=False).start()\n"
        "import boto3\n"
        f"kw = dict(region_name='us-east-1', endpoint_url='http://127.0.0.1:{port}')\n"
        "boto3.client('s3', **kw).create_bucket(Bucket='startup-trail-bucket')\n"
        "ct = boto3.client('cloudtrail', **kw)\n"
        "ct.create_trail(Name='main-trail', S3BucketName='startup-trail-bucket', IsMultiRegionTrail=True,"
        " EnableLogFileValidation=True)\n"
        "ct.start_logging(Name='main-trail')\n"
        "print('ready', flush=True)\n"
        "time.sleep(86400)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            env=_audit_env(""), text=True)
    assert proc.stdout.readline().strip() == "ready", "the moto server did not start"
    return proc, f"http://127.0.0.1:{port}"


def _audit_env(endpoint: str, code_dir: str | None = None) -> dict:
    env = {k: v for k, v in _env().items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1",
               AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_EC2_METADATA_DISABLED="true")
    if endpoint:
        env["AWS_ENDPOINT_URL"] = endpoint
    if code_dir:
        env["PYTHONPATH"] = code_dir
    return env


def audit_startup(runs: int, code_dir: str) -> None:
    import compileall
    import resource
    import tempfile

    compileall.compile_dir(os.path.join(code_dir, "checks"), quiet=1)
    server, endpoint = _moto_server()
    env = _audit_env(endpoint, code_dir)
    report = os.path.join(tempfile.mkdtemp(prefix="trailguard-startup-"), "report.json")
    args = ["-m", "checks", "audit", "--quiet", "--format", "json", "--output", report]
    try:
        warm = subprocess.run([sys.executable, *args], env=env, stderr=subprocess.PIPE, text=True, check=False)
        assert warm.returncode in (0, 1), warm.stderr  # 0/1: an audit ran (2 would be a fatal error)
        walls, cpus = [], []
        for _ in range(runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run([sys.executable, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           check=False)
            walls.append((time.perf_counter() - start) * 1000)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000)
        proc = subprocess.run([sys.executable, "-X", "importtime", *args], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True, check=False)
    finally:
        server.terminate()
        server.wait()
    heavy = {}
    for line in proc.stderr.splitlines():
        parts = [p.strip() for p in line[len("import time:"):].split("|")] if "|" in line else []
        if len(parts) == 3 and parts[1].isdigit() and parts[2] in HEAVY:
            heavy[parts[2]] = max(heavy.get(parts[2], 0.0), int(parts[1]) / 1000)
    print(f"code: {code_dir}; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"python -m checks audit (one account, local moto server), {runs} runs:")
    print(f"  wall ms: median {statistics.median(walls):.0f}, min {min(walls):.0f}")
    print(f"  CPU ms (user+sys of the CLI): median {statistics.median(cpus):.0f}, min {min(cpus):.0f}")
    print("  heavy imports (cumulative ms, -X importtime, one run): "
          + (", ".join(f"{k} {v:.0f}" for k, v in sorted(heavy.items(), key=lambda kv: -kv[1])) or "none"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per command (default 7)")
    parser.add_argument("--audit", action="store_true", help="time `audit` on one account against moto instead")
    parser.add_argument("--code", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        help="the checkout whose checks/ is run (default: this one)")
    opts = parser.parse_args()
    runs = opts.runs
    if opts.audit:
        audit_startup(runs, os.path.abspath(opts.code))
        return
    print(f"python {sys.version.split()[0]} at {sys.executable}; {runs} runs per command\n")
    print(f"{'command':<45} {'median ms':>10} {'min ms':>8}   heavy modules imported (cumulative ms)")
    for label, args in COMMANDS.items():
        median, fastest = time_command(args, runs)
        heavy = heavy_imports(args)
        listed = ", ".join(f"{k} {v:.0f}" for k, v in sorted(heavy.items(), key=lambda kv: -kv[1])) or "none"
        print(f"{label:<45} {median:>10.1f} {fastest:>8.1f}   {listed}")


if __name__ == "__main__":
    main()
