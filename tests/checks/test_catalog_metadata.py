"""Per-control metadata lives on the declaration: policy kind, config schema, what to collect (issue 18 item 4)."""
from __future__ import annotations

import dataclasses

import pytest

from checks.catalog import POLICY_KINDS, all_controls, get, register

CONTROLS = all_controls()


def test_a_resource_policy_is_only_declared_for_a_stack_control():
    assert [c.id for c in CONTROLS if c.policy_kind == "resource" and "stack" not in c.targets] == []
    assert {c.policy_kind for c in CONTROLS} <= set(POLICY_KINDS)


def test_config_schemas_are_json_schema_properties_with_a_type_and_description():
    for control in (c for c in CONTROLS if c.config_schema):
        assert "stack" in control.targets, control.id
        for key, prop in control.config_schema.items():
            assert key[:1].islower() and "_" not in key, (control.id, key)  # Pulumi config keys are camelCase
            assert prop.get("type") in ("integer", "array", "boolean", "string") and prop.get("description")


@pytest.mark.parametrize("change, message", [
    ({"policy_kind": "cluster"}, "policy_kind 'cluster' is not one of resource, stack"),
    ({"collects": frozenset({"bucket:everything"})}, "unknown collect need"),
])
def test_register_refuses_bad_metadata_naming_the_allowed_values(change, message):
    ghost = dataclasses.replace(get("cloudtrail_trail_tagged"), id="cloudtrail_ghost_thing_enabled", **change)
    with pytest.raises(ValueError, match=message):
        register(ghost)


def test_controls_json_lists_each_controls_iam_actions():
    doc = get("cloudtrail_trail_tagged").to_dict()
    assert doc["iam_actions"] == ["cloudtrail:DescribeTrails", "cloudtrail:ListTags", "cloudtrail:ListTrails"]
