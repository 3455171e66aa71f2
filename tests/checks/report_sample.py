"""A hand-built organization run for the format tests (tests/checks is on sys.path, see conftest.py).

Three accounts; every status appears; live controls of every family; a global account-wide finding; and
hostile text from "AWS": a trail whose name carries a script tag, quotes, an ampersand and a leading '='
(a spreadsheet formula), so every format's escaping is exercised by the same run.
"""
from __future__ import annotations

import datetime as dt

from checks.catalog import all_controls
from checks.model import AuditRun, Finding, Status
from checks.report import ReportOptions

WHEN = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
A, B, C = "111111111111", "222222222222", "333333333333"
HOSTILE = '=cmd|"<script>document.body.setAttribute(\'data-pwned\',\'1\')</script>&x'
STATUSES = list(Status)


def live_controls():
    return [c for c in all_controls() if "live" in c.targets]


def sample_run() -> AuditRun:
    controls = live_controls()
    findings = []
    for i, c in enumerate(controls):
        for j, account in enumerate((A, B, C)):
            status = STATUSES[(i + j) % len(STATUSES)] if account != C else Status.PASS
            if c.family == "trail":
                resource = f"arn:aws:cloudtrail:us-east-1:{account}:trail/org-{i}"
                region = "us-east-1"
            elif c.family == "monitoring":
                resource, region = account, ""  # account-wide
            else:
                resource, region = f"arn:aws:s3:::logs-{account}-{i}", "us-east-1"
            findings.append(Finding(c.id, status, c.severity, account, region, resource,
                                    f"Resource {resource} is {status.value}.", title=c.title,
                                    waiver_reason="accepted in SEC-1" if status is Status.WAIVED else ""))
    first = controls[0]
    findings.append(Finding(first.id, Status.FAIL, first.severity, B, "eu-west-1",
                            f"arn:aws:cloudtrail:eu-west-1:{B}:trail/{HOSTILE}", f"Trail {HOSTILE} is broken.",
                            title=first.title))
    return AuditRun(findings=findings, accounts=[A, B, C],
                    coverage={A: "organization-trail", B: "own-trail", C: "organization-trail"},
                    notes=["waiver #0 expired on 2025-01-01 and no longer applies."])


def options(**kw) -> ReportOptions:
    return ReportOptions(generated_at=WHEN, **kw)
