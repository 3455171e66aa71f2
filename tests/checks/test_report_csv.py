"""CSV: the filterable columns, one row per finding, quoting by the csv module, formulas neutralised.

OWASP "CSV Injection": a cell starting with =, +, - or @ is run as a formula by spreadsheet programs;
prefixing an apostrophe keeps it text.
"""
from __future__ import annotations

import csv
import io

from report_sample import HOSTILE, live_controls, options, sample_run

from checks.report import render

COLUMNS = ["account_id", "region", "control_id", "ref", "cis", "severity", "status", "resource",
           "resource_type", "reason", "remediation_setting", "waiver_reason"]


def rows():
    return list(csv.DictReader(io.StringIO(render("csv", sample_run(), live_controls(), options()))))


def test_columns_and_one_row_per_finding():
    out = rows()
    assert list(out[0]) == COLUMNS
    run = sample_run()
    assert sorted((r["account_id"], r["control_id"], r["resource"].lstrip("'"), r["status"]) for r in out) == sorted(
        (f.account_id, f.control_id, f.resource, f.status.value) for f in run.findings)


def test_cis_items_and_refs_come_from_the_catalog():
    by_id = {c.id: c for c in live_controls()}
    for r in rows():
        c = by_id[r["control_id"]]
        assert r["ref"] == c.ref and r["severity"] == c.severity.value
        items = [f.item for f in c.frameworks if f.framework == "CIS AWS Foundations"]
        assert all(item in r["cis"] for item in items) and bool(items) == bool(r["cis"])


def test_hostile_text_round_trips_and_no_cell_starts_a_formula():
    out = rows()
    assert any(HOSTILE in r["resource"] and HOSTILE in r["reason"] for r in out)
    assert not any(v.startswith(("=", "+", "-", "@")) for r in out for v in r.values())
    reason = next(r["reason"] for r in out if HOSTILE in r["reason"])
    assert reason == f"Trail {HOSTILE} is broken."  # quotes, pipes and commas survive the quoting


FORMULA_STARTS = ["=", "+", "-", "@", "\t", "\r"]  # OWASP "CSV Injection": the characters to neutralise


def test_every_formula_start_in_every_aws_column_is_neutralised():
    """The sample run's hostile text never starts a cell (it sits inside an ARN or after 'Trail '), so
    sweep each formula character at the start of every free-text column: resource, reason, waiver."""
    from checks.model import AuditRun, Finding, Severity, Status

    cid = live_controls()[0].id
    run = AuditRun([Finding(cid, Status.WAIVED, Severity.HIGH, "123456789012", "us-east-1",
                            f"{ch}cmd|' /C calc'!A0", f"{ch}HYPERLINK(\"http://x\")", waiver_reason=f"{ch}1+1")
                    for ch in FORMULA_STARTS],
                   ["123456789012"])
    out = list(csv.DictReader(io.StringIO(render("csv", run, live_controls(), options()))))
    assert len(out) == len(FORMULA_STARTS)
    for r in out:
        for col in ("resource", "reason", "waiver_reason"):
            assert r[col].startswith("'") and r[col][1:2] in FORMULA_STARTS, (col, r[col])


def test_a_carriage_return_in_aws_text_cannot_split_a_row_or_start_a_formula():
    """RFC 4180 section 2: a field containing CR or LF must be enclosed in double quotes. A reason with a bare
    CR written unquoted ends the record for spreadsheet programs and csv readers alike, so the text after
    it becomes a row of its own whose first cell starts with '=': a formula past the apostrophe guard."""
    from checks.model import AuditRun, Finding, Severity, Status

    seps = ("\r", "\n", "\r\n")
    cid = live_controls()[0].id
    run = AuditRun([Finding(cid, Status.FAIL, Severity.HIGH, "123456789012", "us-east-1", "arn:aws:s3:::b",
                            f"denied{sep}=1+2") for sep in seps], ["123456789012"])
    text = render("csv", run, live_controls(), options())
    out = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [r["account_id"] for r in out] == ["123456789012"] * 3
    assert [r["reason"] for r in out] == [f"denied{sep}=1+2" for sep in seps]
