"""Cross-check of the replay backend against moto: the same audit, the same findings (issue 16 item 2).

    python bench/replay_check.py --accounts 20 [--regions 4]

Records the benchmark organization's audit from moto (bench/replay_record.py: those are the moto-backed
findings), replays it from bench/replay_server.py in its own process, and prints one JSON object:
{"moto": digest, "replay": digest, "server": {"calls", "misses", "cpu_s"}, "recorded_answers": n}.
tests/bench/test_replay.py compares the two digests.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def cross_check(members: int, regions: int, latency: float = 0.0) -> dict:
    from org_world import findings_digest
    from replay_backend import ReplayBackend, replay_audit
    from replay_record import record

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "recording.pickle")
        recorded = record(members, regions, path)
        with open(path + ".json") as fh:
            recording = json.load(fh)
        with ReplayBackend(path, latency) as backend:
            run, _, _ = replay_audit(recording, latency)
            server = backend.counters()
    return {"moto": recorded["digest"], "replay": findings_digest(run), "server": server,
            "recorded_answers": recorded["answers"], "conflicts": recorded["conflicts"]}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--accounts", type=int, default=20, help="member accounts (20: every kind of member once)")
    p.add_argument("--regions", type=int, default=4)
    args = p.parse_args()
    print(json.dumps(cross_check(args.accounts, args.regions)))


if __name__ == "__main__":
    main()
