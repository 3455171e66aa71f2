"""SARIF renderer: the structure GitHub code scanning needs, on hand-built findings."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from checks.catalog import get
from checks.model import AuditRun, Finding, Severity, Status
from checks.report import ReportOptions, render
from checks.report.sarif import artifact_uri, fingerprint

ACCT = "111111111111"
TRAIL = f"arn:aws:cloudtrail:us-east-1:{ACCT}:trail/org"
CONTROL_IDS = ("cloudtrail_multi_region_management_events_enabled", "cloudtrail_log_file_validation_enabled",
               "cloudtrail_kms_encryption_enabled", "cloudtrail_bucket_not_public")
OPTIONS = ReportOptions(generated_at=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc))


def finding(cid, status, resource=TRAIL, account=ACCT, region="us-east-1", **kw):
    c = get(cid)
    return Finding(cid, status, c.severity, account, region, resource, f"{resource} is {status.value}.",
                   title=c.title, **kw)


@pytest.fixture
def controls():
    return [get(i) for i in CONTROL_IDS]


@pytest.fixture
def sarif(controls):
    run = AuditRun(
        findings=[
            finding("cloudtrail_multi_region_management_events_enabled", Status.PASS),
            finding("cloudtrail_log_file_validation_enabled", Status.FAIL),
            finding("cloudtrail_bucket_not_public", Status.FAIL, resource="arn:aws:s3:::trail-bucket"),
            finding("cloudtrail_bucket_not_public", Status.ERROR, resource="arn:aws:s3:::other-bucket"),
            finding("cloudtrail_kms_encryption_enabled", Status.WAIVED, waiver_reason="Legacy."),
            finding("cloudtrail_kms_encryption_enabled", Status.NOT_APPLICABLE, account="222222222222"),
        ],
        accounts=[ACCT, "222222222222"],
        notes=["waiver #1 expired on 2025-01-01 and no longer applies."],
    )
    return json.loads(render("sarif", run, controls, OPTIONS))


def test_sarif_top_level_is_version_2_1_0_with_schema(sarif):
    assert sarif["version"] == "2.1.0"
    assert sarif["$schema"].endswith("sarif-2.1.0.json")
    driver = sarif["runs"][0]["tool"]["driver"]
    assert driver["name"] == "trailguard"
    assert driver["informationUri"].startswith("https://")
    assert driver["version"]


def test_sarif_has_one_rule_per_control_with_help_and_security_severity(sarif, controls):
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [c.id for c in controls]
    expected = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}
    for rule, control in zip(rules, controls):
        assert rule["shortDescription"]["text"] == control.title
        assert rule["fullDescription"]["text"] == control.rationale
        assert control.remediation in rule["help"]["text"]
        assert control.remediation in rule["help"]["markdown"]
        assert rule["properties"]["security-severity"] == expected[control.severity.value]
        # GitHub only honours security-severity when the rule is tagged "security".
        assert "security" in rule["properties"]["tags"]
        assert control.frameworks[0].label() in rule["properties"]["tags"]
        assert rule["properties"]["precision"] in ("very-high", "high", "medium", "low")
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")


def test_sarif_results_are_fail_and_error_only_and_rule_index_points_at_rule(sarif):
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    statuses = sorted(r["properties"]["status"] for r in run["results"])
    assert statuses == ["ERROR", "FAIL", "FAIL"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["message"]["text"]
        assert result["properties"]["account_id"] == ACCT


def test_sarif_level_follows_severity_and_error_is_warning(sarif):
    by_resource = {r["properties"]["resource"]: r for r in sarif["runs"][0]["results"]}
    assert by_resource["arn:aws:s3:::trail-bucket"]["level"] == "error"  # critical FAIL
    assert by_resource[TRAIL]["level"] == "warning"  # medium FAIL
    error = by_resource["arn:aws:s3:::other-bucket"]
    assert error["level"] == "warning"
    assert error["message"]["text"].startswith("Could not evaluate cloudtrail_bucket_not_public")


def test_sarif_every_result_has_a_physical_location_uri(sarif):
    for result in sarif["runs"][0]["results"]:
        (loc,) = result["locations"]
        uri = loc["physicalLocation"]["artifactLocation"]["uri"]
        assert uri.startswith(f"aws/{ACCT}/us-east-1/")
        assert ":" not in uri  # a colon would make a relative URI look like a scheme


def test_sarif_waived_results_are_left_out_but_counted(sarif):
    run = sarif["runs"][0]
    assert all(r["properties"]["status"] != "WAIVED" for r in run["results"])
    assert run["properties"]["waived"] == 1


def test_sarif_notes_become_tool_notifications(sarif):
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert notes[0]["message"]["text"].startswith("waiver #1 expired")


def test_sarif_fingerprint_is_stable_and_distinguishes_resources():
    a = finding("cloudtrail_log_file_validation_enabled", Status.FAIL)
    b = finding("cloudtrail_log_file_validation_enabled", Status.ERROR)  # same subject, other status
    c = finding("cloudtrail_log_file_validation_enabled", Status.FAIL, region="eu-west-1")
    assert fingerprint(a) == fingerprint(b)
    assert fingerprint(a) != fingerprint(c)


@pytest.mark.parametrize(
    ("resource", "region", "uri"),
    [
        (TRAIL, "us-east-1", f"aws/{ACCT}/us-east-1/cloudtrail/trail/org"),
        ("arn:aws:s3:::my-bucket", "", f"aws/{ACCT}/global/s3/my-bucket"),
        (ACCT, "eu-west-1", f"aws/{ACCT}/eu-west-1/account"),
        (f"arn:aws:logs:us-east-1:{ACCT}:log-group:trail logs", "us-east-1",
         f"aws/{ACCT}/us-east-1/logs/log-group/trail%20logs"),
    ],
)
def test_sarif_artifact_uri_maps_arn_to_path(resource, region, uri):
    f = Finding("cloudtrail_log_file_validation_enabled", Status.FAIL, Severity.MEDIUM, ACCT, region,
                resource, "x.")
    assert artifact_uri(f) == uri


def test_sarif_finding_of_a_control_not_passed_in_gets_a_rule(controls):
    stray = Finding("cloudtrail_insights_enabled", Status.FAIL, Severity.LOW, ACCT, "us-east-1", TRAIL, "x.")
    doc = json.loads(render("sarif", AuditRun([stray], [ACCT]), controls, OPTIONS))
    run = doc["runs"][0]
    (result,) = run["results"]
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "cloudtrail_insights_enabled"
