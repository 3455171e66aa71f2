"""Terminal table: what a person reads after ``trailguard audit``.

Several accounts: the account x control matrix first (worst accounts on top) so the one broken account
among two hundred is on the first screen, then the coverage table, then per-account detail. Colour is
decided by the caller (TTY and NO_COLOR): a file or a pipe never gets escape codes.

Fitting the terminal. ``options.width`` is the terminal's width when stdout is a TTY, else None:
- with a width, every line fits it: detail columns are wrapped to share the width (see ``_fit``; the
  region column, usually inside the ARN, is dropped) and the matrix is transposed (controls as rows,
  accounts as columns) when that fits without wrapping a control id, else compact: one character per
  control, grouped by family, with a legend;
- without one (files, pipes, CI logs) the layout is stable and unwrapped: transposed up to
  ``TRANSPOSE_MAX`` accounts, compact beyond, so a diff of two runs is a diff of findings;
- PASS and NOT_APPLICABLE rows are summarised in one line per account unless ``options.verbose``.
"""
from __future__ import annotations

import re
import textwrap
from typing import Sequence

import wcwidth
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
CHAR = {"FAIL": "F", "ERR": "E", "WVD": "W", "PASS": ".", "N/A": "n", "-": " "}
DETAIL_HEADERS = ("status", "severity", "control", "region", "resource", "reason")
HIDDEN = (Status.PASS, Status.NOT_APPLICABLE)
TRANSPOSE_MAX = 4  # unsized output: controls as rows up to this many accounts
SEP = 2  # tabulate "simple" puts two spaces between columns


# C0 and C1 control characters. Reasons quote AWS error messages and waiver files, and a terminal runs an
# ESC sequence it is sent (clear the screen, retitle the window, fake a PASS in green): shown as \xNN,
# never sent raw. Tab, newline and carriage return become spaces (a table row is one line per cell).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    """Text from AWS or a waiver file, safe to print: no control character reaches the terminal."""
    return _CONTROL.sub(lambda m: " " if m.group() in "\t\n\r" else f"\\x{ord(m.group()):02x}", text)


def _paint(text: str, status: Status | None, color: bool) -> str:
    if not color or status is None:
        return text
    return f"{_COLORS[status]}{text}{_RESET}"


def _heading(text: str, color: bool) -> str:
    return f"{_BOLD}{text}{_RESET}" if color else text


def _fit(rows: list[list[str]], headers: Sequence[str], width: int | None, flex: dict[int, float],
         plain: list[list[str]] | None = None) -> str:
    """tabulate, wrapping the ``flex`` columns (index -> share of the spare width) so lines fit ``width``.

    The flexible columns are wrapped with the standard library's textwrap before tabulate sees them. That
    is what tabulate's ``maxcolwidths`` does, but tabulate's wrapper strips ANSI codes character by
    character: on 8,000 findings (200 accounts, --verbose) it took 6.5 s against 0.8 s for textwrap plus
    tabulate, measured on the 2-core dev machine. Flexible columns never carry colour, so nothing is lost.
    """
    plain = plain or rows
    # tabulate pads a column to its header plus MIN_PADDING (2) when there are headers
    natural = [max([len(h) + 2] + [_width(r[i]) for r in plain]) for i, h in enumerate(headers)]
    if width is None or sum(natural) + SEP * (len(headers) - 1) <= width:
        return tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True)
    fixed = sum(n for i, n in enumerate(natural) if i not in flex) + SEP * (len(headers) - 1)
    spare = max(width - fixed, 6 * len(flex))
    caps = {i: max(6, min(natural[i], int(spare * share / sum(flex.values())))) for i, share in flex.items()}
    for i in sorted(flex, key=lambda k: natural[k]):  # hand what a short column leaves to the others
        left = spare - sum(caps.values())
        if left <= 0:
            break
        caps[i] = min(natural[i], caps[i] + left)
    wrapped = [[_wrap_cell(cell, caps[i]) if i in caps else cell for i, cell in enumerate(row)] for row in rows]
    return tabulate(wrapped, headers=headers, tablefmt="simple", disable_numparse=True)


def _width(text: str) -> int:
    """Terminal columns: a CJK character or an emoji takes two (wcwidth; tabulate aligns with it too)."""
    return len(text) if text.isascii() else max(wcwidth.width(text), 0)


def _wrap_cell(text: str, cap: int) -> str:
    wrap = textwrap.wrap if text.isascii() else wcwidth.wrap  # textwrap counts characters, not columns
    return "\n".join(wrap(text, width=cap, break_on_hyphens=False)) or text


def _detail(findings: Sequence[Finding], controls: Sequence, options: ReportOptions) -> str:
    ordered = detail_order(findings, controls)
    shown = ordered if options.verbose else [f for f in ordered if f.status not in HIDDEN]
    sized = options.width is not None
    cols = [0, 1, 2, 4, 5] if sized else [0, 1, 2, 3, 4, 5]
    plain = [[clean((f.status.value, f.severity.value, f.control_id, f.region or "-", f.resource or "-",
                     f.reason)[i]) for i in cols] for f in shown]
    rows = [[_paint(r[0], f.status, options.color), *r[1:]] for r, f in zip(plain, shown)]
    headers = [DETAIL_HEADERS[i] for i in cols]
    parts = []
    if shown:
        flex = {2: 0.3, 3: 0.3, 4: 0.4} if sized else {}
        parts.append(_fit(rows, headers, options.width, flex, plain))
    hidden = [f for f in ordered if f not in shown]
    if hidden:
        counts = ", ".join(f"{sum(1 for f in hidden if f.status is s)} {s.value}" for s in HIDDEN
                           if any(f.status is s for f in hidden))
        parts.append(_wrap(f"{'Nothing failing, in error or waived; ' if not shown else ''}{counts} not "
                           f"listed (--verbose lists them).", options.width))
    return "\n".join(parts)


def _wrap(text: str, width: int | None, indent: str = "") -> str:
    if width is None:
        return indent + text
    wrap = textwrap.wrap if text.isascii() else wcwidth.wrap
    return "\n".join(wrap(text, width=width, initial_indent=indent, subsequent_indent=indent + "  "))


def _ids(run: AuditRun, controls: Sequence) -> list[str]:
    ids = [c.id for c in controls]
    return ids + sorted({f.control_id for f in run.findings} - set(ids))  # findings of a control not passed in


def _cells(run: AuditRun, ids: Sequence[str]) -> dict[str, list[str]]:
    grouped = findings_by_account(run)
    return {a: [matrix_cell([f for f in grouped[a] if f.control_id == cid]) for cid in ids]
            for a in worst_first(run)}


def _transposed(run: AuditRun, controls: Sequence, options: ReportOptions) -> str:
    ids = _ids(run, controls)
    refs = {c.id: c.ref for c in controls}
    cells = _cells(run, ids)
    accounts = list(cells)
    plain = [[refs.get(cid, "-"), cid, *(cells[a][i] for a in accounts)] for i, cid in enumerate(ids)]
    rows = [[r[0], r[1], *(_paint(c, _CELL_STATUS.get(c), options.color) for c in r[2:])] for r in plain]
    return _fit(rows, ["ref", "control", *accounts], options.width, {1: 1.0}, plain)


def _compact(run: AuditRun, controls: Sequence, options: ReportOptions) -> str:
    ids = _ids(run, controls)
    family = {c.id: c.family for c in controls}
    refs = {c.id: c.ref for c in controls}
    groups: dict[str, list[int]] = {}
    for i, cid in enumerate(ids):
        groups.setdefault(family.get(cid, "other"), []).append(i)
    cells = _cells(run, ids)
    span = {name: max(len(idx), len(name)) for name, idx in groups.items()}
    head = ["account".ljust(12)] + [name.ljust(span[name]) for name in groups]
    lines = ["  ".join(head).rstrip()]
    for account, row in cells.items():
        strips = ["".join(_paint(CHAR[row[i]], _CELL_STATUS.get(row[i]), options.color) for i in idx)
                  + " " * (span[name] - len(idx)) for name, idx in groups.items()]
        lines.append("  ".join([account.ljust(12), *strips]).rstrip())
    legend = ["One character per control: F FAIL, E ERROR, W WAIVED, . PASS, n NOT_APPLICABLE, blank no finding."]
    for name, idx in groups.items():
        legend.append(f"{name}: " + " ".join(refs.get(ids[i], ids[i]) for i in idx))
    legend.append("Control ids: `trailguard controls`.")
    return "\n".join(lines) + "\n\n" + "\n".join(_wrap(line, options.width) for line in legend)


def _matrix(run: AuditRun, controls: Sequence, options: ReportOptions) -> str:
    n = len(findings_by_account(run))
    if options.width is None:
        transpose = n <= TRANSPOSE_MAX
    else:
        longest = max((len(i) for i in _ids(run, controls)), default=0)
        transpose = 5 + SEP + longest + n * (12 + SEP) <= options.width  # no control id wrapped
    return _transposed(run, controls, options) if transpose else _compact(run, controls, options)


def render(run: AuditRun, controls: Sequence, options: ReportOptions) -> str:
    color = options.color
    parts: list[str] = []
    grouped = findings_by_account(run)
    multi = len(grouped) > 1
    if multi:
        parts.append(_heading(f"Accounts by control ({len(grouped)} accounts, worst first)", color))
        parts.append(_matrix(run, controls, options))
        if run.coverage:
            rows = [(a, clean(run.coverage.get(a, "unknown"))) for a in worst_first(run)]
            parts.append(_heading("Trail coverage", color))
            parts.append(tabulate(rows, headers=("account", "coverage"), tablefmt="simple"))
    for account in worst_first(run) if multi else grouped:
        coverage = f" ({run.coverage[account]})" if account in run.coverage else ""
        parts.append(_heading(clean(f"Account {account}{coverage}"), color))
        fs = grouped[account]
        parts.append(_detail(fs, controls, options) if fs else "No findings.")
    if not grouped:
        parts.append("No accounts were audited.")
    for note in run.notes:
        parts.append(_wrap(clean(f"Note: {note}"), options.width))
    parts.append(_wrap(summary_line(run, options), options.width))
    return "\n\n".join(parts) + "\n"
