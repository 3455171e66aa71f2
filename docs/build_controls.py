"""Regenerate the catalog-derived parts of docs/controls.md: the CT control table and the read-only IAM policy.

Each part sits between ``<!-- generated: NAME -->`` and ``<!-- end generated: NAME -->``; everything else in the
page is hand-written. Run ``PYTHONPATH=. python docs/build_controls.py`` after changing a control, then
``docs/build_readme.py``; tests/test_docs_controls.py fails while the page is stale.
"""
from __future__ import annotations

import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "controls.md"
SCOPES = {"account": "account", "region": "per enabled region", "trail": "trail", "bucket": "log bucket",
          "stream": "digest chain (account × region)"}


def ct_table() -> str:
    from checks.catalog import all_controls
    from checks.rules import all_rules

    rules = all_rules()
    lines = ["| Ref | Control id | Sev | Scope | Targets | PASS when | Fix (component setting) |",
             "|---|---|---|---|---|---|---|"]
    for c in all_controls():
        if not c.ref.startswith("CT-"):
            continue
        fix = " ".join(p for p in (f"`{c.remediation_setting}`" if c.remediation_setting else "–", c.setting_note) if p)
        targets = ", ".join(t for t in ("live", "stack", "verify") if t in c.targets)
        lines.append(f"| {c.ref} | `{c.id}` | {c.severity.value} | {SCOPES[rules[c.id].scope]} | {targets} | "
                     f"{c.pass_when or c.title} | {fix} |")
    return "\n".join(lines)


def read_only_policy() -> str:
    from checks.catalog import all_controls
    from checks.catalog.plan import read_only_policy as policy

    return "```json\n" + json.dumps(policy(all_controls()), indent=2) + "\n```"


PARTS = {"ct-table": ct_table, "read-only-policy": read_only_policy}


def build(text: str) -> str:
    for name, render in PARTS.items():
        pattern = re.compile(rf"(<!-- generated: {name} -->\n).*?(\n<!-- end generated: {name} -->)", re.S)
        if not pattern.search(text):
            raise ValueError(f"docs/controls.md has no '<!-- generated: {name} -->' ... "
                             f"'<!-- end generated: {name} -->' block.")
        text = pattern.sub(lambda m: m.group(1) + render() + m.group(2), text)
    return text


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    PAGE.write_text(build(PAGE.read_text(encoding="utf-8")), encoding="utf-8")
