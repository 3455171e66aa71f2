"""The replay backend as the benchmark uses it: the server in its own process, the audit pointed at it.

``ReplayBackend(recording, latency)`` starts bench/replay_server.py, points ``AWS_ENDPOINT_URL`` at it and
reads the server's CPU and counters on demand; ``replay_audit`` runs the benchmark's audit against it.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


class ReplayBackend:
    def __init__(self, recording: str, latency: float) -> None:
        self.recording, self.latency = recording, latency
        self._marked: dict = {"cpu_s": 0.0, "calls": 0, "misses": 0}

    def __enter__(self) -> "ReplayBackend":
        self._proc = subprocess.Popen([sys.executable, os.path.join(HERE, "replay_server.py"), "--recording",
                                       self.recording, "--latency", str(self.latency)],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        port = self._proc.stdout.readline().strip()
        if not port:
            raise RuntimeError(f"replay server did not start (exit {self._proc.wait()})")
        self.endpoint_url = f"http://127.0.0.1:{port}"
        os.environ["AWS_ENDPOINT_URL"] = self.endpoint_url
        return self

    def counters(self) -> dict:
        """The server's CPU seconds, calls and misses so far."""
        self._proc.stdin.write("\n")
        self._proc.stdin.flush()
        return json.loads(self._proc.stdout.readline())

    def mark(self) -> None:
        self._marked = self.counters()

    def since_mark(self) -> dict:
        now = self.counters()
        return {k: round(now[k] - self._marked[k], 3) for k in now}

    def __exit__(self, *exc) -> None:
        os.environ.pop("AWS_ENDPOINT_URL", None)
        self._proc.stdin.close()
        self._proc.wait(timeout=30)


def replay_audit(recording: dict, latency: float, workers: int = 16, processes: int = 1, meter=None):
    """Audit the recorded organization through a Session on the replay server (``AWS_ENDPOINT_URL`` set).

    ``recording``: the recording's metadata (``FILE.json``: regions, denied role ARNs). ``latency``: the one
    the server adds; hook-answered calls sleep it locally. Returns (run, meter, processes used)."""
    import boto3

    from testkit.org import deny_assume_role
    from org_world import Meter, audit_entry, live_controls, metered_factory

    meter = meter or Meter(0.0, recording["regions"], local_latency=latency)
    session = boto3.Session(region_name="us-east-1")
    meter.install(session)
    deny_assume_role(session, recording["denied"])

    Factory = metered_factory(meter)
    entry, used = audit_entry(processes)
    return entry(session, live_controls(), workers=workers, session_factory=Factory), meter, used
