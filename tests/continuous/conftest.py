"""tests/continuous: sharding, merge, the scheduled audit's handlers, its state machine and component."""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent  # for `import asl_interpreter` under --import-mode=importlib
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))
