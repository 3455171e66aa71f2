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
