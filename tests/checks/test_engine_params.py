"""The engine's contract (issue 18 items 5 and 7): a scope -> subject table, Rule.results always a list,
run parameters (AuditParams) apart from the facts, facts never mutated, and Findings that carry partition,
resource type, service and observed-at so no report re-parses ARNs."""
from __future__ import annotations

import copy
import dataclasses
import datetime as dt

import pytest

from checks.catalog import all_controls, get
from checks.engine import SUBJECTS, evaluate
from checks.model import Finding, Status
from checks.params import AuditParams
from checks.rules import SCOPES, all_rules

LIVE = [c for c in all_controls() if "live" in c.targets]
T0 = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.timezone.utc)


def test_every_scope_but_verify_stream_has_a_subject_picker():
    assert set(SUBJECTS) == set(SCOPES) - {"stream"}
    assert {r.scope for r in all_rules().values()} <= set(SCOPES)


def test_the_audit_engine_refuses_a_verify_only_control(kit):
    with pytest.raises(ValueError, match="cloudtrail_log_files_integrity_verified has scope 'stream'"):
        evaluate(kit.account(), [get("cloudtrail_log_files_integrity_verified")])


def test_rule_results_is_always_a_list_of_results(kit):
    account = kit.account()
    params = AuditParams(now=T0)
    for control in LIVE:
        rule = all_rules()[control.id]
        subject = {"account": (), "region": ("us-east-1",)}.get(rule.scope, (account.trails[0],))
        out = rule.results(account, *subject, params=params)
        assert isinstance(out, list) and out and {type(r).__name__ for r in out} == {"Result"}, control.id


def test_evaluate_never_mutates_the_facts(kit):
    account = kit.account()
    before = copy.deepcopy(account)
    evaluate(account, LIVE, AuditParams(required_tag_keys=("owner", "cost-center"), min_log_retention_days=400,
                                        expect_organization_trail=True))
    assert account == before


def test_delivery_age_is_measured_from_params_now_not_the_clock(kit):
    """CT-03: a log file delivered at 11:00 is fresh at 12:00 and stale (over 24 hours) two days later."""
    account = kit.account()
    fresh = kit.one("cloudtrail_delivery_healthy", account, AuditParams(now=T0))
    stale = kit.one("cloudtrail_delivery_healthy", account, AuditParams(now=T0 + dt.timedelta(days=2)))
    assert (fresh.status, stale.status) == (Status.PASS, Status.FAIL)


def test_params_now_defaults_to_the_collection_time(kit):
    account = kit.account(collected_at=T0 + dt.timedelta(days=2))
    assert kit.one("cloudtrail_delivery_healthy", account).status is Status.FAIL
    assert kit.one("cloudtrail_delivery_healthy", account).observed_at == T0 + dt.timedelta(days=2)


def test_a_predicate_never_reads_the_clock_itself(kit):
    rule = all_rules()["cloudtrail_delivery_healthy"]
    with pytest.raises(ValueError, match="AuditParams.now is not set"):
        rule.results(kit.account(), kit.trail(), params=AuditParams())


@pytest.mark.parametrize("kwargs, message", [
    ({"now": dt.datetime(2026, 1, 1)}, "timezone-aware"),
    ({"required_tag_keys": "owner"}, "sequence of tag keys"),
    ({"min_log_retention_days": 0}, "whole number of days >= 1"),
])
def test_audit_params_reject_bad_input_naming_it(kwargs, message):
    with pytest.raises(ValueError, match=message):
        AuditParams(**kwargs)


def test_findings_carry_partition_type_service_and_observed_at(kit):
    region, owner = "cn-north-1", kit.ACCOUNT
    trail = kit.trail(arn=f"arn:aws-cn:cloudtrail:{region}:{owner}:trail/org-trail", region=region,
                      kms_key_id=f"arn:aws-cn:kms:{region}:{owner}:key/k1",
                      cloudwatch_logs_log_group_arn=f"arn:aws-cn:logs:{region}:{owner}:log-group:g:*")
    account = kit.account(trail, partition="aws-cn", enabled_regions=(region,), collected_at=T0)
    findings = evaluate(account, LIVE)
    assert {f.partition for f in findings} == {"aws-cn"}
    assert {f.observed_at for f in findings} == {T0}
    by_type = {f.resource_type: f.service for f in findings}
    # ASFF Resources[].Type names; AwsAccount for the account-wide findings (resource = the account id)
    assert by_type["AwsCloudTrailTrail"] == "cloudtrail" and by_type["AwsS3Bucket"] == "s3"
    assert by_type["AwsAccount"] == ""


def test_finding_round_trips_through_its_dict(kit):
    for finding in evaluate(kit.account(), LIVE):
        assert Finding.from_dict(finding.to_dict()) == finding
    verify = dataclasses.replace(Finding("c_d_e", Status.FAIL, get("cloudtrail_log_files_integrity_verified").severity,
                                         kit.ACCOUNT, "us-east-1", "s3://b/k", "Modified."),
                                 outcome="log_modified", object_key="k", object_time="2026-01-01T00:00:00Z")
    assert Finding.from_dict(verify.to_dict()) == verify
