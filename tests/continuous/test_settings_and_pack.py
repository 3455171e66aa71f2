"""``trailguard:continuousAudit`` validation, the Lambda package's reproducibility, and the whole program
with the scheduled audit on, judged by the policy pack (tests/policies' harness) with no violation."""
from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest

from testkit.continuous_mocks import fresh_event_loop
from components.continuous_settings import MAX_CONCURRENCY, ContinuousAuditSettings, parse
from components.errors import SettingsError
from components.lambda_package import build, write_zip
from components.settings import Settings

POLICIES = Path(__file__).resolve().parents[1] / "policies"


def test_empty_map_leaves_the_scheduled_audit_out():
    assert parse({}) == (None, [])
    assert parse({"enabled": False}) == (None, [])
    assert Settings.from_mapping({}).continuous_audit == {}


def test_defaults_are_daily_and_read_only():
    s, errors = parse({"enabled": True})
    assert not errors and s == ContinuousAuditSettings()
    assert (s.schedule, s.member_role_name, s.max_concurrency) == ("rate(1 day)", "TrailguardAudit", 40)


@pytest.mark.parametrize("value", [
    {"schedule": "rate(6 hours)"}, {"schedule": "rate(1 day)"}, {"schedule": "cron(0 5 * * ? *)"},
    {"scheduleTimezone": "Europe/Paris"}, {"maxConcurrency": MAX_CONCURRENCY}, {"batchSize": 100},
    {"toleratedFailurePercentage": 0}, {"controls": ["cloudtrail_log_file_validation_enabled"]},
    {"externalId": "a-b:c/d@e"}, {"failOn": "high"}, {"lambdaMemoryMb": 10240},
])
def test_good_values_parse(value):
    assert parse(value)[1] == []


BAD = [
    ({"schedule": "rate(0 days)"}, "continuousAudit.schedule: 'rate(0 days)' is not a recurring"),
    ({"schedule": "at(2026-01-01T00:00:00)"}, "allowed: rate(<n> minutes|hours|days) or cron("),
    ({"schedule": "cron(0 5 * * ?)"}, "continuousAudit.schedule"),
    ({"scheduleTimezone": "Mars/Olympus"}, "continuousAudit.scheduleTimezone: 'Mars/Olympus' is not an IANA"),
    ({"memberRoleName": "bad role"}, "continuousAudit.memberRoleName: 'bad role' is not an IAM role name"),
    ({"externalId": "x"}, "continuousAudit.externalId: the value is not a valid sts:ExternalId"),
    ({"maxConcurrency": 0}, f"continuousAudit.maxConcurrency: 0 is out of range; allowed: 1 to {MAX_CONCURRENCY}"),
    ({"maxConcurrency": MAX_CONCURRENCY + 1}, "continuousAudit.maxConcurrency"),
    ({"batchSize": 101}, "continuousAudit.batchSize: 101 is out of range; allowed: 1 to 100"),
    ({"toleratedFailurePercentage": 101}, "continuousAudit.toleratedFailurePercentage: 101 is out of range"),
    ({"toleratedFailurePercentage": 2.5}, "continuousAudit.toleratedFailurePercentage: 2.5 is not a int"),
    ({"resultsRetentionDays": 1}, "continuousAudit.resultsRetentionDays: 1 is out of range; allowed: 2 to 3650"),
    ({"lambdaMemoryMb": 64}, "continuousAudit.lambdaMemoryMb: 64 is out of range; allowed: 128 to 10240"),
    ({"failOn": "severe"}, "continuousAudit.failOn: 'severe' is not allowed; allowed: critical, high, medium, low"),
    ({"controls": ["no_such_control_here"]}, "continuousAudit.controls: 'no_such_control_here' not live control"),
    ({"package": "lambda.tar"}, "continuousAudit.package: 'lambda.tar' is not a .zip file"),
    ({"schedul": "rate(1 day)"}, "continuousAudit: unknown key(s) schedul; allowed:"),
    ({"batchSize": "10"}, "continuousAudit.batchSize: '10' is not a int"),
]


@pytest.mark.parametrize("value, message", BAD)
def test_bad_values_are_named_with_what_is_allowed(value, message):
    assert any(message in e for e in parse(value)[1]), parse(value)[1]


def test_settings_loader_reports_continuous_audit_problems_with_the_rest():
    with pytest.raises(SettingsError) as err:
        Settings.from_mapping({"trailName": "a..b", "continuousAudit": '{"batchSize": 0}'})
    assert "trailName" in str(err.value) and "continuousAudit.batchSize: 0 is out of range" in str(err.value)


def test_external_id_is_never_echoed_in_an_error():
    errors = parse({"externalId": "bad secret with spaces"})[1]
    assert errors and not any("bad secret" in e for e in errors)


def test_package_build_is_reproducible_and_holds_only_the_audit(tmp_path):
    first = build(tmp_path / "a.zip", with_dependencies=False)
    second = build(tmp_path / "b.zip", with_dependencies=False)
    assert first == second and (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "a.zip") as zf:
        names = zf.namelist()
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert "checks/aws_lambda.py" in names and names == sorted(names)
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc") or n.startswith("sandbox/")]


def _program_stack():
    for path in (POLICIES, POLICIES.parents[1] / "policies"):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    from testkit.pack import run_pack
    from test_pack_on_program import ORG_CONFIG, PACK_CONFIG, program_stack

    return run_pack, program_stack, ORG_CONFIG, PACK_CONFIG


def test_program_with_the_scheduled_audit_passes_the_policy_pack(tmp_path):
    tree = tmp_path / "tree"
    (tree / "checks").mkdir(parents=True)
    (tree / "checks" / "aws_lambda.py").write_text("")
    write_zip(tree, tmp_path / "pkg.zip")
    run_pack, program_stack, org_config, pack_config = _program_stack()
    fresh_event_loop()
    stack = program_stack({**org_config, "continuousAudit": {"package": str(tmp_path / "pkg.zip")}})
    types = {r.type for r in stack}
    assert {"aws:sfn/stateMachine:StateMachine", "aws:scheduler/schedule:Schedule",
            "aws:lambda/function:Function"} <= types
    results = run_pack(stack, pack_config)
    assert {cid: out.messages for cid, out in results.items() if out.violations} == {}
