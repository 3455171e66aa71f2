"""Safe automatic fixes: props the pack may flip on a trail under EnforcementLevel.REMEDIATE.

Only switches with no cost or dependency are remediated (they turn on more logging or integrity, and
CloudTrail accepts them on any trail): log file validation, multi-region, global service events.
Everything else (KMS keys, log groups, bucket policies) needs resources or key policies a remediation
cannot create, so those policies only report.
"""
from __future__ import annotations

import sys
from typing import Any, Mapping

from checks.shapes import TRAIL_KEY

from .props import UNKNOWN, StackResource, plain
from .trail_adapter import TRAIL_TYPE, trail_name

# control id -> (engine prop, value it is set to)
REMEDIATIONS: dict[str, tuple[str, Any]] = {
    "cloudtrail_log_file_validation_enabled": (TRAIL_KEY["log_file_validation_enabled"].engine, True),
    "cloudtrail_multi_region_management_events_enabled": (TRAIL_KEY["is_multi_region"].engine, True),
    "cloudtrail_global_service_events_enabled": (TRAIL_KEY["include_global_service_events"].engine, True),
}


def describe(control_id: str) -> str:
    """The sentence a remediable policy's description carries (the engine shows it with each remediation)."""
    prop, value = REMEDIATIONS[control_id]
    return f"Under enforcement level 'remediate' it sets {prop} to {str(value).lower()} on the trail."


def remediate_props(control_id: str, resource_type: str, props: Mapping[str, Any], name: str
                    ) -> tuple[Mapping[str, Any] | None, str]:
    """(new props or None when nothing changes, a sentence saying what changed and why)."""
    if resource_type != TRAIL_TYPE:
        return None, ""
    prop, value = REMEDIATIONS[control_id]
    current = plain(props).get(prop)
    if current == value:
        return None, ""
    trail = trail_name(StackResource(resource_type, plain(props), "", name))
    # proxies from the engine keep secrets and unknowns on write; a plain dict from a caller is not mutated
    new = dict(props) if isinstance(props, dict) else props
    new[prop] = value
    if current is None:
        was = "unset: the provider default"
    elif current is UNKNOWN:
        was = "unknown at preview"
    else:
        was = str(current).lower()
    return new, (f"trailguard remediated trail {trail}: set {prop} to {str(value).lower()} (was {was}) "
                 f"for {control_id}.")


def remediator(control_id: str):
    """A pulumi_policy ResourceRemediation for the control."""

    def remediate(args) -> Mapping[str, Any] | None:
        new, message = remediate_props(control_id, args.resource_type, args.props, args.name)
        if message:
            # the SDK's RemediateResponse carries only the policy description; stderr reaches the CLI's log
            print(message, file=sys.stderr)
        return new

    return remediate
