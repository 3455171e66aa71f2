"""CSV: one row per finding, the columns people filter on in a spreadsheet.

account, region, control id, catalog ref, CIS items, severity, status, resource, resource type, reason,
remediation setting, waiver reason. The standard library's ``csv`` writer does the quoting (commas,
quotes, CR and LF in reasons; rows end in CRLF, RFC 4180). Cells that a spreadsheet would run as a
formula (``=``, ``+``, ``-``, ``@``, tab or CR first) get a leading apostrophe: resource names and
reasons come from AWS and must stay data (OWASP "CSV injection"). Rows are in the JSON report's order,
so two runs diff cleanly.
"""
from __future__ import annotations

import csv
import io
from typing import Sequence

from checks.model import AuditRun
from checks.report import ReportOptions
from checks.report.resources import cis_items

COLUMNS = ("account_id", "region", "control_id", "ref", "cis", "severity", "status", "resource",
           "resource_type", "reason", "remediation_setting", "waiver_reason")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def render(run: AuditRun, controls: Sequence, options: ReportOptions) -> str:
    by_id = {c.id: c for c in controls}
    buf = io.StringIO()
    # CRLF, as RFC 4180 asks; it also makes the writer quote any field holding a CR, not only an LF (it
    # quotes what is in lineterminator): a bare CR in a reason would end the row for a spreadsheet
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for f in run.sorted_findings():
        c = by_id.get(f.control_id)
        writer.writerow([safe(v) for v in (
            f.account_id, f.region, f.control_id, c.ref if c else "", "; ".join(cis_items(c)),
            f.severity.value, f.status.value, f.resource, f.resource_type, f.reason,
            c.remediation_setting if c else "", f.waiver_reason)])
    return buf.getvalue()
