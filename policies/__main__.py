"""The trailguard policy pack: `pulumi preview --policy-pack policies [--policy-pack-config cfg.json]`.

Only builds the PolicyPack (its constructor starts the analyzer's gRPC server and never returns); the
policies live in the importable package trailguard_policies, generated from the control catalog.
"""
import os
import sys
from pathlib import Path

# Pulumi runs this file with the pack directory on sys.path. In the publishable folder that
# policies/build_pack.py assembles, `checks` sits beside this file; in the checkout it lives one level up.
_REPO_ROOT = str(Path(__file__).resolve().parent.parent)
if _REPO_ROOT not in sys.path:
    sys.path.append(_REPO_ROOT)

from pulumi_policy import PolicyPack  # noqa: E402

from trailguard_policies import DEFAULT_ENFORCEMENT, PACK_NAME, build_policies  # noqa: E402
from trailguard_policies.config import enforcement_level  # noqa: E402

PolicyPack(
    name=PACK_NAME,
    # per-policy levels and "all" come from --policy-pack-config; this env var sets the pack default in CI
    enforcement_level=enforcement_level(os.environ.get("TRAILGUARD_ENFORCEMENT_LEVEL"), DEFAULT_ENFORCEMENT),
    policies=build_policies(),
    description="trailguard: the hardened CloudTrail organization trail controls, enforced on Pulumi stacks.",
    display_name="trailguard CloudTrail controls",
    provider="aws",
    tags=["cloudtrail", "cis", "aws"],
)
