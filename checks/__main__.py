"""``python -m checks``: the same CLI as the ``trailguard`` console script."""
from checks.cli import main

raise SystemExit(main())
