import sys
from pathlib import Path

HERE = str(Path(__file__).resolve().parent)  # `import history_support` under --import-mode=importlib
if HERE not in sys.path:
    sys.path.insert(0, HERE)
