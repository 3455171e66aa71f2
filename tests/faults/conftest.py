"""Fault-sweep fixtures: the five recorded states, built once per test run.

Building them deploys the demo stack into the emulator (seconds), so under pytest-xdist the first
worker builds and pickles them and the others wait on a file lock and read the pickle.
"""
from __future__ import annotations

import fcntl
import os
import pickle
import sys
from pathlib import Path

import pytest

HERE = str(Path(__file__).resolve().parent)  # `import sweep` / `import states` under --import-mode=importlib
if HERE not in sys.path:
    sys.path.insert(0, HERE)


def _build():
    from sandbox.emulator import Emulator
    from states import build_states, live_controls

    with Emulator() as em:
        em.reset()  # moto's backends are process-wide: forget what earlier tests in this worker left
        return build_states(em.endpoint_url, live_controls())


@pytest.fixture(scope="session")
def swept_states(tmp_path_factory):
    if not os.environ.get("PYTEST_XDIST_WORKER"):  # not under xdist
        return _build()
    shared = tmp_path_factory.getbasetemp().parent
    with open(shared / "fault-sweep.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        # One file per test run: the parent folder outlives runs, and a stale pickle would sweep old code's states.
        cache = shared / f"fault-sweep-states-{os.environ.get('PYTEST_XDIST_TESTRUNUID', 'run')}.pickle"
        if cache.exists():
            return pickle.loads(cache.read_bytes())
        states = _build()
        cache.write_bytes(pickle.dumps(states))
        return states
