"""Policy-pack tests import the pack's package the way Pulumi does: with policies/ on sys.path."""
from __future__ import annotations

import sys
from pathlib import Path

PACK_DIR = Path(__file__).resolve().parents[2] / "policies"
if str(PACK_DIR) not in sys.path:
    sys.path.insert(0, str(PACK_DIR))

HERE = Path(__file__).resolve().parent  # for `import policy_stacks` under --import-mode=importlib
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))
