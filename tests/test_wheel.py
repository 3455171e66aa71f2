"""The wheel holds product code only (issue 18 item 3): checks/ and components/, never the emulator
(sandbox/), the test helpers (testkit/), the tests or the benchmarks.

The wheel is built the way `pip install .` would, offline, from a copy of the checkout (setuptools writes
build/ and *.egg-info next to the sources; the checkout stays untouched). Its file list is what ships.
"""
from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("checks", "components")  # pyproject.toml [tool.setuptools.packages.find]
NOT_SHIPPED = ("sandbox", "testkit", "tests", "bench", "policies", "tools", "docs")
# Imports that mark test or emulator code; product code never needs them at any level.
TEST_ONLY_IMPORTS = ("moto", "pytest", "sandbox", "testkit", "tests", "bench", "pulumi.runtime.mocks")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    src = tmp_path_factory.mktemp("checkout") / "trailguard"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(
        ".git", ".venv", "venv", "build", "dist", "out", "*.egg-info", "__pycache__", "*.pyc", "node_modules"))
    dist = tmp_path_factory.mktemp("dist")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                           "--no-index", "--wheel-dir", str(dist), str(src)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    (path,) = dist.glob("trailguard-*.whl")
    with zipfile.ZipFile(path) as zf:
        yield zf


def _top_levels(names: list[str]) -> set[str]:
    return {n.split("/", 1)[0] for n in names if not n.split("/", 1)[0].endswith(".dist-info")}


def test_wheel_holds_only_the_product_packages(wheel):
    names = wheel.namelist()
    assert _top_levels(names) == set(PRODUCT)
    assert not [n for n in names if n.split("/", 1)[0] in NOT_SHIPPED or "/sandbox/" in n or "/tests/" in n]


def test_wheel_holds_every_product_source_file(wheel):
    """Nothing product-side is left out by the package discovery (a subpackage, the report templates)."""
    expected = {p.relative_to(ROOT).as_posix() for top in PRODUCT for p in (ROOT / top).rglob("*")
                if p.is_file() and "__pycache__" not in p.parts and p.suffix in (".py", ".j2", ".json")}
    shipped = {n for n in wheel.namelist() if not n.split("/", 1)[0].endswith(".dist-info")}
    assert expected == shipped


def _imports(source: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def test_no_shipped_module_imports_test_or_emulator_code(wheel):
    """A Lambda zip or a pip install must not carry a moto patch: no shipped module imports one, even lazily."""
    offenders = {}
    for name in wheel.namelist():
        if name.endswith(".py"):
            bad = {m for m in _imports(wheel.read(name).decode())
                   if any(m == t or m.startswith(t + ".") for t in TEST_ONLY_IMPORTS)}
            if bad:
                offenders[name] = sorted(bad)
    assert offenders == {}


def test_wheel_declares_the_cli_entry_point(wheel):
    (entry,) = [n for n in wheel.namelist() if n.endswith(".dist-info/entry_points.txt")]
    assert "trailguard = checks.cli:main" in wheel.read(entry).decode()
