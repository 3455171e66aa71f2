"""Assemble a self-contained, publishable copy of the policy pack: `python policies/build_pack.py [OUT]`.

`pulumi policy publish [org-name]` runs in the pack's folder and uploads a tarball of that folder only, so
the pack in the checkout (which imports the control catalog, `checks`, from the folder above) fails once
published. This copies the pack (PulumiPolicy.yaml, __main__.py, requirements.txt, trailguard_policies/) and
the catalog and rules it imports (`checks/`, without the sandbox, which only tests and the demo use) into
OUT (default: out/policy-pack). Publish from there: `cd out/policy-pack && pulumi policy publish <org>`.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

PACK_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACK_DIR.parent
DEFAULT_OUT = REPO_ROOT / "out" / "policy-pack"
PACK_FILES = ("PulumiPolicy.yaml", "__main__.py", "requirements.txt")
VENDORED = ("trailguard_policies", "checks")
_SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "sandbox")


def build(out: Path = DEFAULT_OUT) -> Path:
    """Recreate ``out`` as the publishable pack folder; returns it."""
    out = Path(out).resolve()
    if out == PACK_DIR or PACK_DIR in out.parents or out in (REPO_ROOT, *REPO_ROOT.parents):
        raise ValueError(f"{out}: refusing to overwrite the checkout; allowed: a separate folder such as {DEFAULT_OUT}.")
    staging = out.with_name(out.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for name in PACK_FILES:
        shutil.copy2(PACK_DIR / name, staging / name)
    shutil.copytree(PACK_DIR / "trailguard_policies", staging / "trailguard_policies", ignore=_SKIP)
    shutil.copytree(REPO_ROOT / "checks", staging / "checks", ignore=_SKIP)
    shutil.rmtree(out, ignore_errors=True)
    staging.rename(out)  # all or nothing: a failed build never leaves a half-copied pack behind
    return out


if __name__ == "__main__":
    target = build(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT)
    print(f"publishable policy pack in {target}; publish with: cd {target} && pulumi policy publish <org-name>")
