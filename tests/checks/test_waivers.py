"""Waivers: matching, expiry, ERROR never waived, and file validation errors that name entry and field."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from checks.catalog import all_controls
from checks.model import AuditRun, Finding, Severity, Status
from checks.waivers import WaiverError, apply_waivers, load_waivers, parse_waivers

KNOWN = [c.id for c in all_controls()]
TODAY = dt.date(2026, 6, 1)
ACCT = "111111111111"
LEGACY = f"arn:aws:cloudtrail:us-east-1:{ACCT}:trail/legacy-1"
CID = "cloudtrail_kms_encryption_enabled"


def waiver(**kw):
    entry = {"control_id": CID, "resource": "arn:aws:cloudtrail:*:*:trail/legacy-*",
             "reason": "Replaced in Q3 (SEC-1).", "expires": "2026-09-30"}
    entry.update(kw)
    return entry


def parse(*entries):
    return parse_waivers(list(entries), source="w.yaml", known_ids=KNOWN)


def fail(resource=LEGACY, status=Status.FAIL, account=ACCT, cid=CID):
    return Finding(cid, status, Severity.MEDIUM, account, "us-east-1", resource, f"Trail {resource} has no KMS key.")


def applied(findings, *entries, today=TODAY):
    return apply_waivers(AuditRun(findings, [ACCT]), parse(*entries), today=today)


def test_waiver_turns_matching_fail_into_waived_keeping_reason():
    (f,) = applied([fail()], waiver()).findings
    assert f.status is Status.WAIVED
    assert f.waiver_reason == "Replaced in Q3 (SEC-1)."
    assert f.reason.startswith("Waived until 2026-09-30 (Replaced in Q3 (SEC-1)): Trail ")
    assert f.reason.endswith("has no KMS key.")


@pytest.mark.parametrize(
    "finding",
    [
        fail(resource=f"arn:aws:cloudtrail:us-east-1:{ACCT}:trail/prod"),  # resource pattern misses
        fail(cid="cloudtrail_log_file_validation_enabled"),  # other control
        fail(status=Status.PASS),
    ],
)
def test_waiver_leaves_non_matching_findings_alone(finding):
    assert applied([finding], waiver()).findings == [finding]


def test_waiver_never_turns_error_into_waived():
    error = fail(status=Status.ERROR)
    assert applied([error], waiver()).findings[0].status is Status.ERROR


def test_waiver_account_pattern_restricts_accounts():
    entries = [waiver(account_id="2222*")]
    assert applied([fail()], *entries).findings[0].status is Status.FAIL
    assert applied([fail(account="222222222222")], *entries).findings[0].status is Status.WAIVED


def test_waiver_applies_through_its_expiry_day():
    assert applied([fail()], waiver(), today=dt.date(2026, 9, 30)).findings[0].status is Status.WAIVED


def test_expired_waiver_stops_applying_and_is_noted():
    run = applied([fail()], waiver(expires="2026-05-31"))
    assert run.findings[0].status is Status.FAIL
    (note,) = run.notes
    assert "waiver #0" in note and "expired on 2026-05-31" in note and CID in note


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (waiver(control_id="cloudtrail_nope"), "entry 0 field 'control_id': unknown control id 'cloudtrail_nope'; allowed: "),
        (waiver(reason=""), "entry 0 field 'reason' is missing or empty."),
        ({k: v for k, v in waiver().items() if k != "resource"}, "entry 0 field 'resource' is missing"),
        (waiver(expires="30/09/2026"), "entry 0 field 'expires': '30/09/2026' is not a date; use YYYY-MM-DD."),
        (waiver(expires="2026-02-30"), "entry 0 field 'expires': '2026-02-30' is not a date"),
        ({k: v for k, v in waiver().items() if k != "expires"}, "entry 0 field 'expires' is missing"),
        (waiver(owner="me"), "entry 0: unknown field(s) owner; allowed: control_id, resource"),
        ("just text", "entry 0: expected a mapping"),
    ],
)
def test_invalid_waiver_entry_is_rejected_naming_entry_and_field(entry, message):
    with pytest.raises(WaiverError) as exc:
        parse(entry)
    assert message in str(exc.value)
    assert str(exc.value).startswith("--waivers w.yaml: ")


def test_invalid_second_entry_is_reported_by_index():
    with pytest.raises(WaiverError, match="entry 1 field 'reason'"):
        parse(waiver(), waiver(reason=None))


def test_load_yaml_file_with_waivers_key_and_unquoted_date(tmp_path):
    path = tmp_path / "waivers.yml"
    path.write_text(f"waivers:\n  - control_id: {CID}\n    resource: 'arn:*'\n    reason: Legacy.\n"
                    "    expires: 2026-09-30\n")
    (w,) = load_waivers(path, known_ids=KNOWN)
    assert (w.control_id, w.resource, w.expires, w.account_id) == (CID, "arn:*", dt.date(2026, 9, 30), "*")


def test_load_json_file_chosen_by_content_without_extension(tmp_path):
    path = tmp_path / "waivers"
    path.write_text(json.dumps([waiver()]))
    assert load_waivers(path, known_ids=KNOWN)[0].expires == dt.date(2026, 9, 30)


@pytest.mark.parametrize(("name", "text", "message"), [
    ("w.json", "[{", "not valid JSON"),
    ("w.yaml", "waivers: [unclosed", "not valid YAML"),
    ("w.yaml", "control_id: x", "expected a list of waivers"),
])
def test_load_rejects_malformed_files(tmp_path, name, text, message):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(WaiverError, match=message):
        load_waivers(path, known_ids=KNOWN)


def test_load_missing_file_names_the_option_and_path(tmp_path):
    with pytest.raises(WaiverError, match=r"--waivers .*absent\.yaml: cannot read the file"):
        load_waivers(tmp_path / "absent.yaml", known_ids=KNOWN)
