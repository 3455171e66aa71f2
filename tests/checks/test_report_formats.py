"""JSON, JUnit, Markdown and table renderers on one hand-built two-account run."""
from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET

import pytest

from checks.catalog import get
from checks.model import AuditRun, Finding, Severity, Status
from checks.report import FORMATS, ReportOptions, render

A, B = "111111111111", "222222222222"
IDS = ("cloudtrail_multi_region_management_events_enabled", "cloudtrail_log_file_validation_enabled",
       "cloudtrail_kms_encryption_enabled", "cloudtrail_bucket_not_public")
WHEN = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)


def finding(cid, status, account=A, resource=None, reason=None):
    c = get(cid)
    resource = resource or f"arn:aws:cloudtrail:us-east-1:{account}:trail/org"
    return Finding(cid, status, c.severity, account, "us-east-1", resource,
                   reason or f"Trail {resource} is {status.value}.", title=c.title)


@pytest.fixture
def controls():
    return [get(i) for i in IDS]


@pytest.fixture
def run():
    return AuditRun(
        findings=[
            finding("cloudtrail_multi_region_management_events_enabled", Status.PASS),
            finding("cloudtrail_log_file_validation_enabled", Status.FAIL, reason='Reason with <xml> & "quotes" | pipe.'),
            finding("cloudtrail_bucket_not_public", Status.ERROR, resource="arn:aws:s3:::bkt"),
            finding("cloudtrail_kms_encryption_enabled", Status.WAIVED),
            finding("cloudtrail_multi_region_management_events_enabled", Status.FAIL, account=B),
            finding("cloudtrail_kms_encryption_enabled", Status.NOT_APPLICABLE, account=B),
        ],
        accounts=[A, B],
        coverage={A: "organization-trail", B: "none"},
        notes=["waiver #0 expired on 2025-01-01 and no longer applies."],
    )


def opts(**kw):
    return ReportOptions(generated_at=WHEN, **kw)


def test_render_rejects_unknown_format_naming_allowed_values(run, controls):
    with pytest.raises(ValueError, match="allowed: table, json, sarif, junit, markdown"):
        render("yaml", run, controls, opts())


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders_an_empty_run(fmt, controls):
    assert render(fmt, AuditRun(findings=[], accounts=[]), controls, opts()).strip()


# --- json -------------------------------------------------------------------------------------------


def test_json_findings_carry_every_required_field(run, controls):
    doc = json.loads(render("json", run, controls, opts()))
    assert len(doc["findings"]) == 6
    for f in doc["findings"]:
        for key in ("control_id", "status", "severity", "account_id", "region", "resource", "reason"):
            assert f[key], key


def test_json_summary_counts_by_status_severity_and_account(run, controls):
    summary = json.loads(render("json", run, controls, opts(fail_on=Severity.HIGH)))["summary"]
    assert summary["by_status"] == {"PASS": 1, "FAIL": 2, "ERROR": 1, "NOT_APPLICABLE": 1, "WAIVED": 1}
    assert summary["by_severity"]["critical"]["ERROR"] == 1
    assert summary["by_severity"]["medium"]["FAIL"] == 1
    assert summary["accounts"][A] == {"PASS": 1, "FAIL": 1, "ERROR": 1, "NOT_APPLICABLE": 0, "WAIVED": 1}
    assert summary["accounts"][B]["FAIL"] == 1
    # at or above high: the high FAIL in B and the critical ERROR in A; the medium FAIL does not count
    assert (summary["failing"], summary["failing_errors"]) == (2, 1)
    assert summary["coverage"] == {A: "organization-trail", B: "none"}
    assert summary["notes"][0].startswith("waiver #0 expired")
    assert summary["tool"]["name"] == "trailguard" and summary["tool"]["version"]
    assert summary["generated_at"] == "2026-01-02T03:04:05+00:00"


def test_json_summary_errors_ok_stops_counting_errors(run, controls):
    summary = json.loads(render("json", run, controls, opts(errors_ok=True)))["summary"]
    assert (summary["failing"], summary["failing_errors"]) == (2, 0)


def test_json_without_coverage_has_no_coverage_key(controls):
    run = AuditRun([finding("cloudtrail_log_file_validation_enabled", Status.PASS)], [A])
    assert "coverage" not in json.loads(render("json", run, controls, opts()))["summary"]


# --- junit ------------------------------------------------------------------------------------------


def test_junit_has_a_suite_per_account_with_matching_counts(run, controls):
    root = ET.fromstring(render("junit", run, controls, opts()))
    assert root.tag == "testsuites"
    suites = {s.get("name").split()[-1]: s for s in root.findall("testsuite")}
    assert set(suites) == {A, B}
    a = suites[A]
    assert (a.get("tests"), a.get("failures"), a.get("errors"), a.get("skipped")) == ("4", "1", "1", "1")
    assert len(a.findall("testcase")) == 4
    assert len(a.findall("testcase/failure")) == 1 and len(a.findall("testcase/error")) == 1
    assert root.get("tests") == "6" and root.get("failures") == "2" and root.get("skipped") == "2"


def test_junit_testcase_names_and_escaped_failure_message(run, controls):
    root = ET.fromstring(render("junit", run, controls, opts()))
    case = next(c for c in root.iter("testcase") if c.find("failure") is not None and A in c.get("name"))
    assert case.get("classname") == "cloudtrail_log_file_validation_enabled"
    assert case.get("name") == f"{A}/us-east-1/arn:aws:cloudtrail:us-east-1:{A}:trail/org"
    assert case.find("failure").get("message") == 'Reason with <xml> & "quotes" | pipe.'
    assert "Remediation:" in case.find("failure").text


def test_junit_waived_and_not_applicable_are_skipped_with_reason(run, controls):
    root = ET.fromstring(render("junit", run, controls, opts()))
    skipped = [c.find("skipped").get("message") for c in root.iter("testcase") if c.find("skipped") is not None]
    assert len(skipped) == 2 and all(m.endswith(".") for m in skipped)


# --- markdown ---------------------------------------------------------------------------------------


def test_markdown_has_summary_and_per_account_tables_worst_first(run, controls):
    md = render("markdown", run, controls, opts())
    assert "failing" in md.splitlines()[2]
    assert md.index(f"### Account {B}") < md.index(f"### Account {A}")  # B has a high FAIL
    assert f"| {B} | none | 1 |" in md


def test_markdown_escapes_pipes_and_omits_passing_rows(run, controls):
    md = render("markdown", run, controls, opts())
    assert "quotes\" \\| pipe." in md
    assert "✅ PASS" not in md.split("### Account", 1)[1]  # the summary header has it, detail rows not
    assert "1 passing or not-applicable finding(s) not listed." in md


# --- table ------------------------------------------------------------------------------------------


def test_table_multi_account_has_matrix_coverage_then_detail(run, controls):
    out = render("table", run, controls, opts(fail_on=Severity.MEDIUM))
    matrix, coverage, detail_b, detail_a = (out.index(s) for s in (
        "Accounts by control", "Trail coverage", f"Account {B} (none)", f"Account {A} (organization-trail)"))
    assert matrix < coverage < detail_b < detail_a
    # two accounts: controls as rows, accounts as columns, worst account (B) first
    header = next(line for line in out.splitlines() if line.startswith("ref"))
    assert header.split() == ["ref", "control", B, A]
    cells = {line.split()[1]: line.split()[2:] for line in out.splitlines() if line.startswith("CT-")}
    assert cells == {IDS[0]: ["FAIL", "PASS"], IDS[1]: ["-", "FAIL"], IDS[2]: ["N/A", "WVD"], IDS[3]: ["-", "ERR"]}
    assert "status    severity    control" in out


def test_table_summary_line_counts_statuses_and_failing_at_threshold(run, controls):
    last = render("table", run, controls, opts(fail_on=Severity.MEDIUM)).strip().splitlines()[-1]
    assert last == ("Summary: 2 FAIL, 1 ERROR, 1 WAIVED, 1 PASS, 1 NOT_APPLICABLE; "
                    "3 failing at or above medium (incl. 1 ERROR).")


def test_table_single_account_has_no_matrix(controls):
    run = AuditRun([finding("cloudtrail_log_file_validation_enabled", Status.FAIL)], [A])
    out = render("table", run, controls, opts())
    assert "Accounts by control" not in out and f"Account {A}" in out


def test_table_colour_only_when_asked(run, controls):
    assert "\033[" not in render("table", run, controls, opts())
    assert "\033[31mFAIL\033[0m" in render("table", run, controls, opts(color=True))


def test_junit_stays_well_formed_xml_with_any_character_from_aws():
    """XML 1.0, 2.2 Characters: Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-...].
    A reason quoting an AWS error message may carry any other C0 control; one such character made the
    whole report unparseable (CI then drops it). The reason must still say where it was."""
    bad = [chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF)]
    findings = [Finding("CT-01", Status.FAIL, Severity.HIGH, A, "us-east-1", f"arn:aws:s3:::b{i}{ch}",
                        f"denied{ch}here") for i, ch in enumerate(bad)]
    root = ET.fromstring(render("junit", AuditRun(findings, [A]), [], opts()).encode("utf-8"))
    messages = [el.get("message") for el in root.iter("failure")]
    assert len(messages) == len(bad) and all(m.startswith("denied\\") and m.endswith("here") for m in messages)
