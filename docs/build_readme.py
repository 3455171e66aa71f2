"""README.md = its hand-written head + docs/*.md with every heading one level down.

    python docs/build_readme.py          # rewrite README.md after editing docs/*.md (make readme)
    python docs/build_readme.py --check  # exit 1 if README.md is stale (a test runs this)

The head is everything above the MARKER line; edit it in README.md. Edit the rest in docs/*.md, which
code and config files link to.
"""
from __future__ import annotations

import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOCS = ("provisioning", "monitoring", "audit", "controls", "org", "history", "continuous", "verify", "policies",
        "sandbox", "where")
MARKER = "<!-- Generated below from docs/*.md by `make readme`: edit those files, not this part. -->\n"


def _demoted(text: str) -> str:
    out, fence = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fence = not fence
        if not fence and re.match(r"^#{1,5} ", line):
            line = "#" + line
        out.append(line)
    return "\n".join(out).strip() + "\n"


def build(readme: str) -> str:
    if MARKER not in readme:
        raise SystemExit(f"README.md has no marker line {MARKER.strip()!r}; put it where the generated part starts.")
    head = readme[: readme.index(MARKER)]
    return head + MARKER + "\n" + "\n\n".join(_demoted((ROOT / "docs" / f"{n}.md").read_text()) for n in DOCS)


def main(argv: list[str]) -> int:
    path = ROOT / "README.md"
    current = path.read_text()
    wanted = build(current)
    if "--check" in argv:
        if current != wanted:
            print("README.md is stale: run `make readme` after editing docs/*.md.", file=sys.stderr)
            return 1
        return 0
    path.write_text(wanted)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
