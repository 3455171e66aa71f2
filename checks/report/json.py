"""JSON report: ``{"findings": [...], "summary": {...}}`` for scripts and dashboards.

Findings are ``Finding.to_dict()`` in a stable order (account, control, region, resource) so two runs
diff cleanly. The summary repeats the gate (fail_on, errors_ok, failing) so a consumer can tell why the
command exited 1 without re-implementing the rule.
"""
from __future__ import annotations

import json
from typing import Sequence

from checks.model import AuditRun
from checks.report import (
    TOOL_NAME,
    ReportOptions,
    blocking_summary,
    findings_by_account,
    severity_counts,
    status_counts,
)


def summary(run: AuditRun, options: ReportOptions) -> dict:
    failing, failing_errors = blocking_summary(run, options)
    out = {
        "by_status": status_counts(run.findings),
        "by_severity": severity_counts(run.findings),
        "accounts": {a: status_counts(fs) for a, fs in findings_by_account(run).items()},
        "fail_on": options.fail_on.value,
        "errors_ok": options.errors_ok,
        "failing": failing,
        "failing_errors": failing_errors,
        "notes": list(run.notes),
        "tool": {"name": TOOL_NAME, "version": options.version},
        "generated_at": options.generated_at.isoformat(),
    }
    if run.coverage:
        out["coverage"] = dict(sorted(run.coverage.items()))
    if run.organization_id:
        out["organization_id"] = run.organization_id
    return out


def render(run: AuditRun, controls: Sequence, options: ReportOptions) -> str:
    doc = {
        "findings": [f.to_dict() for f in run.sorted_findings()],
        "summary": summary(run, options),
    }
    if run.shard:  # only a --shard run: the inputs of `trailguard merge`, absent from a whole run
        doc["shard"] = run.shard
    # default=str: a value a format does not know how to write (a datetime) must never crash a report.
    return json.dumps(doc, indent=2, default=str) + "\n"
