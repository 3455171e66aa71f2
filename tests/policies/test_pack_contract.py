"""The pack against the catalog: one policy per 'stack' control, metadata never written twice, pack wiring."""
from __future__ import annotations

import re
import runpy
import sys
from pathlib import Path

import pytest
from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy

from checks.catalog import all_controls
from testkit.pack import policies
from trailguard_policies import build_policies, policy_controls
from trailguard_policies.config import SCHEMAS, enforcement_level, params
from trailguard_policies.policies import TRAIL_RESOURCE_CONTROLS
from trailguard_policies.remediation import REMEDIATIONS

ROOT = Path(__file__).resolve().parents[2]


def test_every_stack_control_has_exactly_one_policy():
    stack_ids = sorted(c.id for c in all_controls() if "stack" in c.targets)
    assert sorted(policies()) == stack_ids


def test_every_policy_maps_to_a_catalog_control_by_its_kebab_id():
    catalog = {c.id: c for c in all_controls()}
    for name, control_id in policy_controls().items():
        assert catalog[control_id].policy_name == name == control_id.replace("_", "-")


def test_live_only_controls_have_no_policy():
    live_only = {c.id for c in all_controls() if c.targets == frozenset({"live"})}
    assert live_only and not live_only & set(policies())


def test_policy_metadata_comes_from_the_catalog():
    catalog = {c.id: c for c in all_controls()}
    for control_id, policy in policies().items():
        control = catalog[control_id]
        assert policy.severity.value == control.severity.value
        assert policy.description.startswith(control.title)
        assert policy.remediation_steps.startswith(control.remediation)
        assert control.ref in policy.tags
        if control.frameworks:
            first = control.frameworks[0]
            assert (policy.framework.name, policy.framework.reference) == (first.framework, first.item)
        else:
            assert policy.framework is None


def test_trail_controls_are_resource_policies_and_the_rest_stack_policies():
    for control_id, policy in policies().items():
        expected = ResourceValidationPolicy if control_id in TRAIL_RESOURCE_CONTROLS else StackValidationPolicy
        assert isinstance(policy, expected), control_id


def test_resource_policies_run_trail_scope_rules_except_the_documented_ct01():
    from checks.rules import all_rules

    scopes = {cid: all_rules()[cid].scope for cid in TRAIL_RESOURCE_CONTROLS}
    assert {cid for cid, scope in scopes.items() if scope != "trail"} == {
        "cloudtrail_multi_region_management_events_enabled"}


def test_remediable_policies_have_a_remediation_and_say_what_it_sets():
    for control_id, (prop, _) in REMEDIATIONS.items():
        policy = policies()[control_id]
        assert policy.has_remediation() and prop in policy.description


def test_thresholds_live_in_the_schema_of_the_policy_that_uses_them():
    for control_id, properties in SCHEMAS.items():
        assert set(policies()[control_id].config_schema.properties) == set(properties)


def test_params_apply_schema_defaults_when_no_config_is_given():
    p = params(None)
    assert (p.min_log_retention_days, p.required_tag_keys, p.expect_organization_trail) == (365, (), False)


def test_params_read_thresholds_from_config():
    p = params({"minimumRetentionDays": 731, "requiredTagKeys": ["Owner"], "expectOrganizationTrail": True})
    assert (p.min_log_retention_days, p.required_tag_keys, p.expect_organization_trail) == (731, ("Owner",), True)


def test_enforcement_level_parses_names_and_rejects_others():
    assert enforcement_level("Mandatory") is EnforcementLevel.MANDATORY
    assert enforcement_level(None) is EnforcementLevel.ADVISORY
    with pytest.raises(ValueError, match="advisory"):
        enforcement_level("strict")


def test_main_only_builds_one_pack_with_every_policy(monkeypatch):
    built = []
    monkeypatch.setattr("pulumi_policy.PolicyPack", lambda **kw: built.append(kw))
    monkeypatch.setenv("TRAILGUARD_ENFORCEMENT_LEVEL", "mandatory")
    monkeypatch.setattr(sys, "path", list(sys.path))
    runpy.run_path(str(ROOT / "policies"), run_name="__main__")  # what `python -m pulumi.policy` does
    assert len(built) == 1 and built[0]["name"] == "trailguard"
    assert built[0]["enforcement_level"] is EnforcementLevel.MANDATORY
    assert sorted(p.name for p in built[0]["policies"]) == sorted(p.name for p in build_policies())


def test_pack_requirements_pin_the_projects_versions():
    def pins(path: Path) -> dict[str, str]:
        lines = path.read_text().splitlines()
        return dict(m.groups() for m in (re.match(r"^([A-Za-z0-9_.-]+)==(\S+)", ln) for ln in lines) if m)

    pack, project = pins(ROOT / "policies" / "requirements.txt"), pins(ROOT / "requirements.txt")
    assert {"pulumi", "pulumi-policy"} <= set(pack)
    assert {k: project[k] for k in pack} == pack


def test_pulumi_policy_yaml_declares_the_python_runtime():
    text = (ROOT / "policies" / "PulumiPolicy.yaml").read_text()
    assert re.search(r"^runtime:\s*\n\s+name: python", text, re.M)
