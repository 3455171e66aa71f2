"""Sandbox fixtures: one emulator per test module, and "deploy the demo stack, then audit it" helpers.

Deploying costs real seconds (about 60 resources over HTTP), so modules share a server and reset it
between deployments instead of starting a new one.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent  # for `import sandbox_stack` under --import-mode=importlib
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))


@pytest.fixture(scope="module")
def emulator():
    from sandbox.emulator import Emulator

    with Emulator() as em:
        yield em
