"""CLI: usage errors (exit 2 naming option and allowed values), --fail-on exit codes, output handling.

The audit itself is replaced by a stub returning a hand-built run: these tests are about the front end.
"""
from __future__ import annotations

import json

import pytest

import checks.audit
from checks.catalog import get
from checks.cli import main
from checks.model import AuditRun, Finding, Status

ACCT = "111111111111"


def finding(cid, status):
    c = get(cid)
    return Finding(cid, status, c.severity, ACCT, "us-east-1", f"arn:aws:cloudtrail:us-east-1:{ACCT}:trail/t",
                   f"Trail t is {status.value}.")


@pytest.fixture
def stub_audit(monkeypatch):
    """Make audit_account return the findings the test sets; records the call's arguments."""
    state = {"findings": [], "calls": []}

    def fake(session, controls, *, account_id=None, required_tags=(), account_timeout=None):
        state["calls"].append({"controls": [c.id for c in controls], "required_tags": required_tags,
                               "region": session.region_name})
        state["account_timeout"] = account_timeout
        return AuditRun(findings=list(state["findings"]), accounts=[ACCT])

    monkeypatch.setattr(checks.audit, "audit_account", fake)
    return state


MEDIUM_FAIL = ("cloudtrail_log_file_validation_enabled", Status.FAIL)
CRITICAL_ERROR = ("cloudtrail_bucket_not_public", Status.ERROR)


@pytest.mark.parametrize(
    ("findings", "args", "code"),
    [
        ([MEDIUM_FAIL], [], 1),  # default --fail-on low
        ([MEDIUM_FAIL], ["--fail-on", "medium"], 1),
        ([MEDIUM_FAIL], ["--fail-on", "HIGH"], 0),
        ([MEDIUM_FAIL], ["--fail-on", "critical"], 0),
        ([("cloudtrail_bucket_not_public", Status.FAIL)], ["--fail-on", "critical"], 1),
        ([CRITICAL_ERROR], ["--fail-on", "critical"], 1),  # ERROR fails closed
        ([CRITICAL_ERROR], ["--errors-ok"], 0),
        ([("cloudtrail_log_file_validation_enabled", Status.PASS)], [], 0),
        ([("cloudtrail_log_file_validation_enabled", Status.WAIVED)], [], 0),
        ([("cloudtrail_log_file_validation_enabled", Status.NOT_APPLICABLE)], [], 0),
    ],
)
def test_audit_exit_code_follows_fail_on(stub_audit, capsys, findings, args, code):
    stub_audit["findings"] = [finding(*f) for f in findings]
    assert main(["audit", "--format", "json", *args]) == code
    assert json.loads(capsys.readouterr().out)["summary"]["failing"] == code


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["audit", "--fail-on", "urgent"], ["--fail-on", "critical", "high", "medium", "low"]),
        (["audit", "--format", "yaml"], ["--format", "table", "json", "sarif", "junit", "markdown"]),
        (["audit", "--controls", "cloudtrail_nope"], ["--controls", "cloudtrail_nope",
                                                      "allowed:", "cloudtrail_bucket_not_public"]),
        (["audit", "--skip", "x,cloudtrail_bucket_not_public"], ["--skip", "unknown control id(s) x;"]),
        (["audit", "--controls", ","], ["--controls", "comma-separated"]),
        (["audit", "--org", "--accounts", "12345,111111111111"], ["--accounts", "'12345'", "12-digit"]),
        (["audit", "--org", "--exclude-accounts", "abc"], ["--exclude-accounts", "12-digit"]),
        (["audit", "--org", "--workers", "0"], ["--workers", "1 to 64"]),
        (["audit", "--org", "--workers", "65"], ["--workers", "1 to 64"]),
        (["audit", "--org", "--processes", "0"], ["--processes", "'0'", "1 to 64"]),
        (["audit", "--org", "--processes", "two"], ["--processes", "'two'", "1 to 64"]),
        (["audit", "--processes", "2"], ["--processes only apply with --org"]),
        (["audit", "--accounts", ACCT], ["--accounts only apply with --org"]),
        (["audit", "--role-name", "R"], ["--role-name only apply with --org"]),
        (["audit", "--endpoint-url", "localhost:5000"], ["--endpoint-url", "http(s)://"]),
        (["audit", "--controls", "kms_trail_key_lockout_safety_check_enabled"], ["only apply to Pulumi stacks"]),
        (["controls", "--format", "sarif"], ["--format", "table", "json"]),
        ([], ["controls", "audit"]),
    ],
)
def test_usage_errors_exit_2_naming_option_and_allowed_values(stub_audit, capsys, args, expected):
    assert main(args) == 2
    err = capsys.readouterr().err
    for text in expected:
        assert text in err
    assert "Traceback" not in err
    assert stub_audit["calls"] == []  # nothing was audited


def test_controls_and_skip_select_the_audited_controls(stub_audit, capsys):
    assert main(["audit", "--controls", "cloudtrail_bucket_not_public,cloudtrail_kms_encryption_enabled",
                 "--skip", "cloudtrail_kms_encryption_enabled", "--required-tags", "owner, env"]) == 0
    (call,) = stub_audit["calls"]
    assert call["controls"] == ["cloudtrail_bucket_not_public"]
    assert call["required_tags"] == ("owner", "env")


def test_default_audit_runs_only_live_controls(stub_audit, capsys):
    assert main(["audit", "--quiet"]) == 0
    ids = stub_audit["calls"][0]["controls"]
    assert "cloudtrail_bucket_not_public" in ids
    assert all("live" in get(i).targets for i in ids)


def test_region_option_reaches_the_session(stub_audit, capsys):
    main(["audit", "--region", "eu-west-1"])
    assert stub_audit["calls"][0]["region"] == "eu-west-1"


def test_output_file_gets_the_report_and_stderr_the_summary(stub_audit, capsys, tmp_path):
    stub_audit["findings"] = [finding(*MEDIUM_FAIL)]
    out = tmp_path / "report.sarif"
    assert main(["audit", "--format", "sarif", "--output", str(out)]) == 1
    assert json.loads(out.read_text())["version"] == "2.1.0"
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "1 failing at or above low" in captured.err and str(out) in captured.err


def test_unwritable_output_is_a_fatal_error(stub_audit, capsys, tmp_path):
    assert main(["audit", "--output", str(tmp_path / "no" / "such" / "dir.json")]) == 2
    assert "--output" in capsys.readouterr().err


def test_table_to_a_non_tty_has_no_colour(stub_audit, capsys, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    stub_audit["findings"] = [finding(*MEDIUM_FAIL)]
    main(["audit"])
    assert "\033[" not in capsys.readouterr().out


def test_waiver_file_waives_and_expired_waiver_is_noted_on_stderr(stub_audit, capsys, tmp_path):
    stub_audit["findings"] = [finding(*MEDIUM_FAIL)]
    path = tmp_path / "w.yaml"
    path.write_text("- control_id: cloudtrail_log_file_validation_enabled\n  resource: '*trail/t'\n"
                    "  reason: Accepted.\n  expires: 2999-01-01\n"
                    "- control_id: cloudtrail_bucket_not_public\n  resource: '*'\n"
                    "  reason: Old.\n  expires: 2000-01-01\n")
    assert main(["audit", "--format", "json", "--waivers", str(path)]) == 0
    captured = capsys.readouterr()
    doc = json.loads(captured.out)
    assert doc["findings"][0]["status"] == "WAIVED"
    assert "expired on 2000-01-01" in doc["summary"]["notes"][0]
    assert "note: waiver #1" in captured.err


def test_invalid_waiver_file_exits_2_before_auditing(stub_audit, capsys, tmp_path):
    path = tmp_path / "w.json"
    path.write_text(json.dumps([{"control_id": "cloudtrail_bucket_not_public", "resource": "*",
                                 "reason": "x", "expires": "soon"}]))
    assert main(["audit", "--waivers", str(path)]) == 2
    assert "entry 0 field 'expires'" in capsys.readouterr().err
    assert stub_audit["calls"] == []


def test_org_mode_without_checks_org_exits_2_with_message(stub_audit, capsys, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "checks.org", None)  # import of checks.org now raises ImportError
    assert main(["audit", "--org"]) == 2
    assert "organization mode is not available" in capsys.readouterr().err


def test_org_flags_are_passed_to_audit_organization(stub_audit, capsys, monkeypatch):
    import sys
    import types

    seen = {}

    def fake_org(session, controls, **kwargs):
        seen.update(kwargs)
        return AuditRun([finding(*MEDIUM_FAIL)], [ACCT], coverage={ACCT: "organization-trail"})

    monkeypatch.setitem(sys.modules, "checks.org", types.SimpleNamespace(audit_organization=fake_org))
    code = main(["audit", "--org", "--quiet", "--accounts", ACCT, "--exclude-accounts", "222222222222",
                 "--workers", "3", "--processes", "2", "--external-id", "xyz", "--fail-on", "high"])
    assert code == 0
    progress = seen.pop("progress")
    assert seen == {"role_name": "OrganizationAccountAccessRole", "external_id": "xyz", "accounts": [ACCT],
                    "exclude_accounts": ["222222222222"], "workers": 3, "required_tags": (),
                    "account_timeout": 300, "processes": 2}
    assert hasattr(progress, "advance")  # a checks.progress.Progress (silent under --quiet)
    assert "organization-trail" in capsys.readouterr().out


def test_aws_region_env_is_honoured_when_botocore_ignores_it(stub_audit, capsys, monkeypatch):
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.setenv("AWS_REGION", "ap-south-1")
    assert main(["audit", "--quiet"]) == 0
    assert stub_audit["calls"][0]["region"] == "ap-south-1"


@pytest.mark.parametrize(("no_color", "coloured"), [(None, True), ("1", False)])
def test_table_on_a_tty_is_coloured_unless_no_color(stub_audit, capsys, monkeypatch, no_color, coloured):
    import sys

    if no_color is None:
        monkeypatch.delenv("NO_COLOR", raising=False)
    else:
        monkeypatch.setenv("NO_COLOR", no_color)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    stub_audit["findings"] = [finding(*MEDIUM_FAIL)]
    main(["audit"])
    assert ("\033[31mFAIL" in capsys.readouterr().out) is coloured
