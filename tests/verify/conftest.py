"""Fixtures for tests/verify: a World (verify_world.py) inside mock_aws, ListPublicKeys installed."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent  # for `import verify_world` under --import-mode=importlib
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from moto import mock_aws  # noqa: E402

from sandbox import publickeys  # noqa: E402
from verify_world import World  # noqa: E402


@pytest.fixture
def world():
    publickeys.install()
    publickeys.clear()
    with mock_aws():
        yield World()
    publickeys.clear()


@pytest.fixture
def plain_world():
    publickeys.install()
    publickeys.clear()
    with mock_aws():
        yield World(org=False, prefix="audit/logs")
    publickeys.clear()
