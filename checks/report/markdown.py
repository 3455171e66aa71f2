"""Markdown for pull-request comments and ``$GITHUB_STEP_SUMMARY``.

A summary table (one row per account, worst first), then per account the findings that need a look
(FAIL, ERROR, WAIVED). PASS and NOT_APPLICABLE rows are only counted: a 200-account organization would
otherwise blow GitHub's 65,536-character comment limit; the JSON format has every finding.
"""
from __future__ import annotations

import html
from typing import Sequence

from checks.model import AuditRun, Status
from checks.report.limits import truncate_for_github
from checks.report import (
    STATUS_ORDER,
    ReportOptions,
    blocking_summary,
    detail_order,
    findings_by_account,
    status_counts,
    worst_first,
)

_ICON = {Status.FAIL: "❌", Status.ERROR: "⚠️", Status.WAIVED: "🔕", Status.PASS: "✅",
         Status.NOT_APPLICABLE: "➖"}
_SHOWN = (Status.FAIL, Status.ERROR, Status.WAIVED)


def cell(text: str) -> str:
    """Make text safe inside a table cell: a '|' would start a new column, a newline ends the row, and
    '<', '>', '&' are written as entities so text from AWS is never raw HTML (GFM renders inline HTML and
    GitHub's sanitizer then drops what it dislikes: a resource named ``<b>x`` or ``a<!-- ...`` would show
    wrong or hide what follows). Entities render as the characters, so the reader sees the real name."""
    text = " ".join(str(text).split()).replace("\\", "\\\\").replace("|", "\\|")
    return html.escape(text, quote=False) or "-"


# AWS-controlled text (resource names, selector names in reasons, notes) must stay inert in a pull-request
# comment: no raw HTML, no links or images ([text](url)), no code spans, no emphasis, no @mentions that
# would notify GitHub users or teams. Backslash escapes and entities are CommonMark's own.
_INERT = str.maketrans({"\\": "\\\\", "<": "&lt;", ">": "&gt;", "&": "&amp;", "[": "\\[", "]": "\\]",
                        "`": "\\`", "*": "\\*", "_": "\\_", "~": "\\~", "|": "\\|",
                        "@": "@\u200b"})  # a zero-width space after @ breaks the mention


def inert(text: str) -> str:
    """AWS-controlled text as one line of inert Markdown, safe in a table cell."""
    return " ".join(str(text).split()).translate(_INERT) or "-"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], raw: int = 0) -> str:
    """``raw``: how many leading columns are our own Markdown (cell() only); the rest come from AWS (inert())."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell(c) if i < raw else inert(c) for i, c in enumerate(row)) + " |"
              for row in rows]
    return "\n".join(lines)


def render(run: AuditRun, controls: Sequence, options: ReportOptions) -> str:
    grouped = findings_by_account(run)
    order = worst_first(run)
    failing, errors = blocking_summary(run, options)
    verdict = "❌ failing" if failing else "✅ passing"
    out = [
        "## trailguard CloudTrail audit",
        "",
        f"**{verdict}**: {failing} finding(s) at or above **{options.fail_on.value}**"
        + (f" (incl. {errors} ERROR)" if errors else "")
        + f"; {len(grouped)} account(s); generated {options.generated_at.isoformat()} by trailguard "
        + f"{options.version}.",
        "",
    ]
    headers = ["account"] + (["coverage"] if run.coverage else []) + [f"{_ICON[s]} {s.value}"
                                                                        for s in STATUS_ORDER]
    rows = []
    for account in order:
        counts = status_counts(grouped[account])
        rows.append([account] + ([run.coverage.get(account, "unknown")] if run.coverage else [])
                    + [str(counts[s.value]) for s in STATUS_ORDER])
    out += [_table(headers, rows, raw=len(headers)), ""]
    for note in run.notes:
        out.append(f"> **Note:** {inert(note)}")
    if run.notes:
        out.append("")
    for account in order:
        shown = [f for f in detail_order(grouped[account], controls) if f.status in _SHOWN]
        hidden = len(grouped[account]) - len(shown)
        out.append(f"### Account {account}")
        out.append("")
        if shown:
            out.append(_table(
                ["status", "severity", "control", "region", "resource", "reason"],
                [[f"{_ICON[f.status]} {f.status.value}", f.severity.value, f"`{f.control_id}`",
                  f.region or "-", f.resource or "-", f.reason] for f in shown], raw=3,
            ))
        else:
            out.append("Nothing failing, in error or waived.")
        if hidden:
            out += ["", f"{hidden} passing or not-applicable finding(s) not listed."]
        out.append("")
    return truncate_for_github("\n".join(out))
