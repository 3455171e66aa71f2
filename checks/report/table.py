"""Terminal table: what a person reads after ``trailguard audit``.

Several accounts: an account x control matrix first (worst accounts on top) so the one broken account
among two hundred is on the first screen, then the coverage table, then per-account detail. Colour is
decided by the caller (TTY and NO_COLOR): a file or a pipe never gets escape codes.
"""
from __future__ import annotations

from typing import Sequence

from tabulate import tabulate

from checks.model import AuditRun, Finding, Status
from checks.report import (
    ReportOptions,
    detail_order,
    findings_by_account,
    matrix_cell,
    summary_line,
    worst_first,
)

_COLORS = {
    Status.FAIL: "\033[31m",  # red
    Status.ERROR: "\033[35m",  # magenta: distinct from FAIL, the data is missing rather than wrong
    Status.WAIVED: "\033[36m",  # cyan
    Status.PASS: "\033[32m",  # green
    Status.NOT_APPLICABLE: "\033[2m",  # dim
}
_RESET = "\033[0m"
_BOLD = "\033[1m"
_CELL_STATUS = {"FAIL": Status.FAIL, "ERR": Status.ERROR, "WVD": Status.WAIVED, "PASS": Status.PASS,
                "N/A": Status.NOT_APPLICABLE}
DETAIL_HEADERS = ("status", "severity", "control", "region", "resource", "reason")


def _paint(text: str, status: Status | None, color: bool) -> str:
    if not color or status is None:
        return text
    return f"{_COLORS[status]}{text}{_RESET}"


def _heading(text: str, color: bool) -> str:
    return f"{_BOLD}{text}{_RESET}" if color else text


def _detail(findings: Sequence[Finding], controls: Sequence, color: bool) -> str:
    rows = [
        (_paint(f.status.value, f.status, color), f.severity.value, f.control_id, f.region or "-",
         f.resource or "-", f.reason)
        for f in detail_order(findings, controls)
    ]
    return tabulate(rows, headers=DETAIL_HEADERS, tablefmt="simple")


def _matrix(run: AuditRun, controls: Sequence, color: bool) -> str:
    grouped = findings_by_account(run)
    ids = [c.id for c in controls]
    ids += sorted({f.control_id for f in run.findings} - set(ids))  # findings of a control not passed in
    refs = {c.id: c.ref for c in controls}
    rows = []
    for account in worst_first(run):
        cells = []
        for cid in ids:
            cell = matrix_cell([f for f in grouped[account] if f.control_id == cid])
            cells.append(_paint(cell, _CELL_STATUS.get(cell), color))
        rows.append([account, *cells])
    table = tabulate(rows, headers=["account", *(refs.get(i, i) for i in ids)], tablefmt="simple")
    legend = "\n".join(f"  {refs[i]:<6} {i}" for i in ids if i in refs)
    return f"{table}\n\nColumns:\n{legend}" if legend else table


def render(run: AuditRun, controls: Sequence, options: ReportOptions) -> str:
    color = options.color
    parts: list[str] = []
    grouped = findings_by_account(run)
    multi = len(grouped) > 1
    if multi:
        parts.append(_heading(f"Accounts by control ({len(grouped)} accounts, worst first)", color))
        parts.append(_matrix(run, controls, color))
        if run.coverage:
            rows = [(a, run.coverage.get(a, "unknown")) for a in worst_first(run)]
            parts.append(_heading("Trail coverage", color))
            parts.append(tabulate(rows, headers=("account", "coverage"), tablefmt="simple"))
    for account in worst_first(run) if multi else grouped:
        coverage = f" ({run.coverage[account]})" if account in run.coverage else ""
        parts.append(_heading(f"Account {account}{coverage}", color))
        fs = grouped[account]
        parts.append(_detail(fs, controls, color) if fs else "No findings.")
    if not grouped:
        parts.append("No accounts were audited.")
    for note in run.notes:
        parts.append(f"Note: {note}")
    parts.append(summary_line(run, options))
    return "\n\n".join(parts) + "\n"

