"""Pack configuration: enforcement levels and thresholds, as `pulumi preview --policy-pack-config` gives them.

Pulumi keys configuration by policy name (plus ``"all"`` for the pack's enforcement level), and a
policy only sees its own section (``args.get_config()``). Each threshold therefore lives in the schema of
the one policy that uses it; the engine fills schema defaults in, and :func:`params` applies the same
defaults when a test (or an older CLI) passes no config at all.
"""
from __future__ import annotations

from typing import Any, Mapping

from pulumi_policy import EnforcementLevel, PolicyConfigSchema

from checks.catalog import all_controls
from checks.params import DEFAULT_MIN_RETENTION_DAYS

from .stack_adapter import Params

DEFAULT_REGION = "us-east-1"

# control id -> the properties its policy's config schema adds (JSON schema), declared on the control
# (Control.config_schema, checks/catalog)
SCHEMAS: dict[str, dict[str, dict[str, Any]]] = {c.id: c.config_schema for c in all_controls() if c.config_schema}


def schema_for(control_id: str) -> PolicyConfigSchema | None:
    properties = SCHEMAS.get(control_id)
    return PolicyConfigSchema(properties=properties) if properties else None


def stack_setting(namespace: str, key: str) -> str | None:
    """A value of the stack being previewed (the engine passes stack config to the analyzer)."""
    try:
        import pulumi

        return pulumi.Config(namespace).get(key)
    except Exception:  # noqa: BLE001 - outside a Pulumi run there is no stack config: treat as unset
        return None


def params(config: Mapping[str, Any] | None) -> Params:
    """Stack-wide parameters for the adapter from one policy's config section."""
    config = dict(config or {})
    expect = config.get("expectOrganizationTrail")
    if expect is None:
        expect = bool(stack_setting("trailguard", "orgId"))
    return Params(
        region=stack_setting("aws", "region") or DEFAULT_REGION,
        required_tag_keys=tuple(config.get("requiredTagKeys") or ()),
        min_log_retention_days=int(config.get("minimumRetentionDays") or DEFAULT_MIN_RETENTION_DAYS),
        expect_organization_trail=bool(expect),
    )


def enforcement_level(value: str | None, default: EnforcementLevel = EnforcementLevel.ADVISORY) -> EnforcementLevel:
    """Parse a level name ("advisory", "mandatory", "remediate", "disabled"); ValueError names the choices."""
    if not value:
        return default
    try:
        return EnforcementLevel(value.lower())
    except ValueError:
        allowed = ", ".join(level.value for level in EnforcementLevel)
        raise ValueError(f"enforcement level {value!r} is not one of: {allowed}.") from None
