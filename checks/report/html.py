"""A self-contained HTML report: one file, no network fetch, readable by someone who never ran the CLI.

Rendered from ``templates/report.html.j2`` with Jinja2 and autoescaping on, so every value that comes
from AWS (resource names, reasons, account ids) is text, never markup: a trail named ``<script>...`` shows
as that string. The page carries its own CSS and a few lines of script (filters); a Content-Security-
Policy allows that one script by hash and nothing else, so even a missed escape could not run code or
fetch anything.

Sections: summary (counts by status and by severity), the accounts x controls matrix worst first (several
accounts), filters (status, severity, account, control), every finding expandable to its reason,
remediation and the Pulumi setting that fixes it, the coverage table (org mode) and notes.
"""
from __future__ import annotations

import base64
import functools
import hashlib
from pathlib import Path
from typing import Sequence

from checks.model import AuditRun, Severity
from checks.report import (
    SHORT,
    STATUS_ORDER,
    ReportOptions,
    blocking_summary,
    detail_order,
    findings_by_account,
    matrix_cell,
    status_counts,
    worst_first,
)
from checks.report.project import homepage
from checks.report.resources import cis_items

TEMPLATES = Path(__file__).with_name("templates")
# The filter script; its hash goes into the page's Content-Security-Policy.
SCRIPT = """
const sel = [...document.querySelectorAll('select[data-filter]')];
function apply() {
  const want = Object.fromEntries(sel.map(s => [s.dataset.filter, s.value]));
  let shown = 0;
  for (const row of document.querySelectorAll('details.finding')) {
    const ok = Object.entries(want).every(([k, v]) => !v || row.dataset[k] === v);
    row.hidden = !ok; shown += ok;
  }
  document.getElementById('shown').textContent = shown;
  const query = new URLSearchParams(Object.entries(want).filter(([, v]) => v)).toString();
  if (query || location.hash) history.replaceState(null, '', query ? '#' + query : location.pathname);
}
// report.html#status=FAIL&account=123456789012 opens with those filters (links in tickets, chat)
const preset = new URLSearchParams(location.hash.slice(1));
for (const s of sel) {
  const v = preset.get(s.dataset.filter);
  if (v && [...s.options].some(o => o.value === v)) s.value = v;
  s.addEventListener('change', apply);
}
apply();
document.body.dataset.filters = 'ready';
""".strip()
_CELL_STATUS = {v: k for k, v in SHORT.items()}


@functools.lru_cache(maxsize=1)
def _template():
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.get_template("report.html.j2")


def script_hash() -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()


def _matrix(run: AuditRun, controls: Sequence) -> dict:
    grouped = findings_by_account(run)
    ids = [c.id for c in controls] + sorted({f.control_id for f in run.findings} - {c.id for c in controls})
    refs = {c.id: c.ref for c in controls}
    rows = []
    for account in worst_first(run):
        cells = []
        for cid in ids:
            cell = matrix_cell([f for f in grouped[account] if f.control_id == cid])
            status = _CELL_STATUS.get(cell)
            cells.append({"control": cid, "text": cell, "status": status.value if status else "NONE"})
        rows.append({"account": account, "cells": cells})
    return {"columns": [{"id": i, "ref": refs.get(i, i)} for i in ids], "rows": rows}


def context(run: AuditRun, controls: Sequence, options: ReportOptions) -> dict:
    by_id = {c.id: c for c in controls}
    grouped = findings_by_account(run)
    failing, errors = blocking_summary(run, options)
    findings = []
    for f in detail_order(run.findings, controls):
        c = by_id.get(f.control_id)
        findings.append({"f": f, "ref": c.ref if c else "", "title": c.title if c else f.title,
                         "remediation": c.remediation if c else "", "rationale": c.rationale if c else "",
                         "setting": c.remediation_setting if c else "", "cis": cis_items(c),
                         "frameworks": [r.label() for r in c.frameworks] if c else []})
    return {
        "options": options, "failing": failing, "failing_errors": errors,
        "statuses": [s.value for s in STATUS_ORDER], "severities": [s.value for s in Severity],
        "by_status": status_counts(run.findings),
        "by_severity": {sev.value: status_counts([f for f in run.findings if f.severity is sev])
                        for sev in Severity},
        "accounts": worst_first(run),
        "account_counts": {a: status_counts(fs) for a, fs in grouped.items()},
        "matrix": _matrix(run, controls) if len(grouped) > 1 else None,
        "coverage": [(a, run.coverage.get(a, "unknown")) for a in worst_first(run)] if run.coverage else [],
        "control_ids": sorted({f.control_id for f in run.findings}),
        "findings": findings, "notes": list(run.notes), "script": SCRIPT, "script_hash": script_hash(),
        "homepage": homepage(), "total": len(run.findings),
    }


def render(run: AuditRun, controls: Sequence, options: ReportOptions) -> str:
    return _template().render(**context(run, controls, options))
