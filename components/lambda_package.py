"""The scheduled audit's Lambda package: this repository's ``checks`` package plus its runtime dependencies,
zipped reproducibly (same inputs, same bytes, same hash, so ``pulumi up`` only redeploys on a real change).

    python -m components.lambda_package build/lambda/trailguard-audit.zip

Dependencies come from requirements-lambda.txt (pinned) as wheels for the Lambda runtime
(``pip install --only-binary=:all: --platform manylinux2014_aarch64 --python-version 3.12``), never
built from source on the deploying machine. Reproducible: entries sorted, every timestamp 1980-01-01
(the zip epoch), permissions normalised to 0644/0755, no __pycache__ or .pyc, no pip metadata that
records the install time (RECORD, INSTALLER, direct_url.json).
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = ROOT / "requirements-lambda.txt"
RUNTIME, ARCHITECTURE = "python3.12", "arm64"
PLATFORM, PYTHON_VERSION = "manylinux2014_aarch64", "3.12"
_EPOCH = (1980, 1, 1, 0, 0, 0)
_SKIP_NAMES = {"__pycache__", "RECORD", "INSTALLER", "direct_url.json", "REQUESTED"}


def _files(base: Path) -> list[Path]:
    return sorted(p for p in base.rglob("*") if p.is_file() and not (_SKIP_NAMES & set(p.relative_to(base).parts))
                  and p.suffix != ".pyc")


def write_zip(tree: Path, dest: Path) -> str:
    """Zip ``tree`` deterministically into ``dest``; returns the sha256 hex digest of the zip."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)  # concurrent builds
    os.close(fd)
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in _files(tree):
            info = zipfile.ZipInfo(path.relative_to(tree).as_posix(), date_time=_EPOCH)
            mode = 0o755 if os.access(path, os.X_OK) else 0o644
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, path.read_bytes())
    os.replace(tmp, dest)
    return hashlib.sha256(dest.read_bytes()).hexdigest()


def build(dest: Path, *, with_dependencies: bool = True, pip: list[str] | None = None) -> str:
    """Build the package at ``dest``; returns its sha256. ``with_dependencies=False`` packs only ``checks``."""
    with tempfile.TemporaryDirectory(prefix="trailguard-lambda-") as tmp:
        tree = Path(tmp)
        shutil.copytree(ROOT / "checks", tree / "checks", ignore=shutil.ignore_patterns("__pycache__", "*.pyc",
                                                                                       "sandbox"))
        if with_dependencies:
            cmd = (pip or [sys.executable, "-m", "pip"]) + [
                "install", "--quiet", "--no-compile", "--no-deps", "--only-binary=:all:", "--platform", PLATFORM,
                "--python-version", PYTHON_VERSION, "--implementation", "cp", "--target", str(tree),
                "-r", str(REQUIREMENTS)]
            subprocess.run(cmd, check=True)
        return write_zip(tree, dest)


if __name__ == "__main__":  # pragma: no cover - exercised by the Pulumi program and by hand
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "build/lambda/trailguard-audit.zip")
    print(f"{target} sha256={build(target)}")
