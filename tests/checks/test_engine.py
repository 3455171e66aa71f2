"""checks.engine.evaluate: subjects per scope, fail-closed defaults, deterministic order."""
from __future__ import annotations

import random

import pytest

from checks.catalog import Control, all_controls, get
from checks.engine import evaluate
from checks.model import Severity, Status
from checks.rules import _RULES, Rule

TRAIL_CONTROLS = [c for c in all_controls() if c.family == "trail"]


def test_engine_order_is_deterministic_whatever_the_input_order(kit):
    trails = [kit.trail(n, region=r) for n, r in (("b", "eu-west-1"), ("a", "us-east-1"), ("c", "us-east-1"))]
    first = evaluate(kit.account(*trails), TRAIL_CONTROLS)
    shuffled_controls = list(TRAIL_CONTROLS)
    random.Random(7).shuffle(shuffled_controls)
    second = evaluate(kit.account(*reversed(trails)), shuffled_controls)
    assert [f.to_dict() for f in first] == [f.to_dict() for f in second]
    assert [f.sort_key() for f in first] == sorted(f.sort_key() for f in first)


def test_engine_trails_unknown_gives_one_error_per_control(kit):
    account = kit.account(trails=None)
    account.trails = None
    account.errors["trails"] = "cloudtrail:ListTrails failed for account 123456789012: AccessDenied."
    findings = evaluate(account, TRAIL_CONTROLS)
    assert len(findings) == len(TRAIL_CONTROLS)
    assert {f.status for f in findings} == {Status.ERROR}
    assert {f.reason for f in findings} == {"cloudtrail:ListTrails failed for account 123456789012: AccessDenied."}


def test_engine_no_trails_fails_every_non_region_control_once(kit):
    account = kit.account()
    account.trails = []
    findings = [f for f in evaluate(account, TRAIL_CONTROLS) if f.control_id != "cloudtrail_all_regions_covered"]
    assert len(findings) == len(TRAIL_CONTROLS) - 1
    assert {f.status for f in findings} == {Status.FAIL}
    assert {f.resource for f in findings} == {kit.ACCOUNT}


def test_engine_predicate_exception_becomes_error(kit, monkeypatch):
    def broken(account, trail):
        raise KeyError("boom")

    control_id = "cloudtrail_log_file_validation_enabled"
    monkeypatch.setitem(_RULES, control_id, Rule(control_id, "trail", broken))
    findings = evaluate(kit.account(), [get(control_id)])
    assert [(f.status, f.reason) for f in findings] == [(
        Status.ERROR, f"{control_id} could not be evaluated for trail {kit.trail().arn}: KeyError.")]


def test_engine_fills_severity_title_account_and_trail_region(kit):
    control = get("cloudtrail_log_file_validation_enabled")
    (finding,) = evaluate(kit.account(kit.trail(region="eu-west-1")), [control])
    assert (finding.severity, finding.title, finding.account_id, finding.region, finding.resource) == (
        control.severity, control.title, kit.ACCOUNT, "eu-west-1", kit.trail(region="eu-west-1").arn)


def test_engine_raises_for_a_control_without_a_rule(kit):
    ghost = Control(id="cloudtrail_future_thing_enabled", ref="CT-99", title="t", severity=Severity.LOW,
                    rationale="r", remediation="m", remediation_setting="", frameworks=(), targets=frozenset({"live"}),
                    family="trail")
    with pytest.raises(LookupError, match="cloudtrail_future_thing_enabled has no rule"):
        evaluate(kit.account(), [get("cloudtrail_log_file_validation_enabled"), ghost])
