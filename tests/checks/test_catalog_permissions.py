"""Catalog-wide permissions meta-test (in the style of Cloud Custodian's tests/test_policy.py permission checks).

Every control declares what the audit collects for it (``Control.collects``); the API calls and IAM actions
follow from one table (checks/catalog/plan.py). This holds that table against botocore's service models and
against the calls the collector really makes, control by control, so a new collector call cannot ship
without the read-only role (and its docs) allowing it.
"""
from __future__ import annotations

import botocore.session
import pytest

from checks.catalog import all_controls, plan
from checks.collect import collect_account

LIVE = [c for c in all_controls() if "live" in c.targets]
READ_ONLY = ("Describe", "Get", "List", "Lookup")
NO_PERMISSION = {"sts:GetCallerIdentity"}  # "No permissions are required to perform this operation" (STS API ref)


def _all_calls() -> set[str]:
    return set(plan.ALWAYS).union(*plan.NEED_CALLS.values())


@pytest.mark.parametrize("call", sorted(_all_calls()))
def test_every_declared_call_is_an_operation_in_botocores_service_model(call):
    service, operation = call.split(":")
    assert operation in botocore.session.get_session().get_service_model(service).operation_names


def test_every_declared_call_and_action_is_read_only():
    calls = _all_calls()
    assert [c for c in calls if not c.split(":")[1].startswith(READ_ONLY)] == []
    assert [a for a in plan.iam_actions(calls) if not a.split(":")[1].startswith(READ_ONLY)] == []


def test_every_live_control_declares_what_it_collects_and_a_verify_control_nothing():
    assert all(c.api_calls for c in LIVE)
    assert [c.id for c in all_controls() if "live" not in c.targets and c.api_calls] == []


def test_a_control_with_an_unknown_need_is_refused():
    with pytest.raises(ValueError, match="unknown collect need"):
        plan.check_needs("cloudtrail_thing_enabled", {"status", "bucket:everything"})


def test_every_call_the_collector_makes_for_a_control_is_declared_by_it(world, kit):
    """Collect each live control alone on a hardened account: what the collector calls must be in that
    control's api_calls, so the generated IAM policy never misses an action. Controls declaring the same
    ``collects`` share one collection (the plan depends on nothing else)."""
    world.hardened()
    by_needs: dict[frozenset, list] = {}
    for control in LIVE:
        by_needs.setdefault(control.collects, []).append(control)
    undeclared = {}
    for controls in by_needs.values():
        calls: set[str] = set()

        def record(model, **_):
            calls.add(f"{model.service_model.service_name}:{model.name}")

        world.session.events.register("before-parameter-build", record)
        try:
            collect_account(world.session, account_id=kit.ACCOUNT, controls=controls[:1])
        finally:
            world.session.events.unregister("before-parameter-build", record)
        for control in controls:
            extra = calls - set(control.api_calls) - NO_PERMISSION
            if extra:
                undeclared[control.id] = sorted(extra)
    assert len(by_needs) < len(LIVE) and undeclared == {}


def test_everything_collected_is_covered_by_the_union_of_the_controls():
    assert set(plan.calls_for(plan.EVERYTHING)) <= set().union(*(c.api_calls for c in LIVE))
