"""Regression diff between two runs' JSON reports: the FAILs that are new, nothing else.

A FAIL is keyed on (account, control, region, resource); it is new when the previous run had no FAIL with
that key (it passed, errored, was waived, or the account is new). No previous run: every FAIL is new,
since nobody was told about them yet.
"""
from __future__ import annotations

from typing import Sequence

MAX_LINES = 50  # an SNS message is at most 256 KB; people read the first screen, the report has the rest


def _fails(doc: dict | None) -> dict[tuple, dict]:
    if not doc:
        return {}
    return {(f["account_id"], f["control_id"], f["region"], f["resource"]): f
            for f in doc.get("findings", ()) if f.get("status") == "FAIL"}


def new_fails(previous: dict | None, current: dict) -> list[dict]:
    """FAIL findings of ``current`` that ``previous`` did not have, sorted by key."""
    before = _fails(previous)
    return [f for key, f in sorted(_fails(current).items()) if key not in before]


def fixed(previous: dict | None, current: dict) -> list[dict]:
    """FAILs of ``previous`` that are no longer FAIL (shown as good news under the regressions)."""
    now = _fails(current)
    return [f for key, f in sorted(_fails(previous).items()) if key not in now]


def message(run_id: str, regressions: Sequence[dict], resolved: Sequence[dict], where: str) -> tuple[str, str]:
    """(subject, body) of the notification; the subject fits SNS's 100 characters."""
    subject = f"trailguard: {len(regressions)} new FAIL(s) in run {run_id}"[:100]
    lines = [f"{len(regressions)} finding(s) FAIL now that did not in the previous run:", ""]
    lines += [f"- {f['account_id']} {f['control_id']} ({f['severity']}): {f['reason']}"
              for f in regressions[:MAX_LINES]]
    if len(regressions) > MAX_LINES:
        lines.append(f"- ... and {len(regressions) - MAX_LINES} more")
    if resolved:
        lines += ["", f"{len(resolved)} finding(s) FAILed in the previous run and no longer do."]
    lines += ["", f"Full report: {where}"]
    return subject, "\n".join(lines) + "\n"
