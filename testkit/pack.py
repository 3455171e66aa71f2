"""The one policy-pack runner: call policies the way the analyzer does (SDK args objects, a collecting
reporter, awaiting when needed). tests/policies use it on declared stacks; sandbox/plan.py on the planned one."""
from __future__ import annotations

import asyncio
import inspect
import sys
from dataclasses import dataclass, field
from pathlib import Path

from pulumi_policy import (
    PolicyCustomTimeouts, PolicyResource, PolicyResourceOptions, ResourceValidationArgs, ResourceValidationPolicy,
    StackValidationArgs,
)
from pulumi_policy.policy import _NotApplicableError
from pulumi_policy.proxy import UnknownValueError, unknown_checking_proxy

PACK_DIR = Path(__file__).resolve().parents[1] / "policies"  # Pulumi runs the pack with this folder on sys.path
if str(PACK_DIR) not in sys.path:
    sys.path.append(str(PACK_DIR))
try:
    from trailguard_policies import build_policies, policy_controls
except ModuleNotFoundError as exc:
    if exc.name != "trailguard_policies":
        raise
    raise RuntimeError(f"the policy pack (policies/trailguard_policies) is missing: {exc}") from exc

TRAIL = "aws:cloudtrail/trail:Trail"


@dataclass
class Outcome:
    violations: list[tuple[str, str | None]] = field(default_factory=list)  # (message, urn)
    not_applicable: str | None = None

    @property
    def messages(self) -> str:
        return "\n".join(m for m, _ in self.violations)


def policies() -> dict[str, object]:
    """Control id -> policy."""
    names = policy_controls()
    return {names[p.name]: p for p in build_policies()}


def _opts() -> PolicyResourceOptions:
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], None)


def validate(policy, args, out: Outcome | None = None) -> Outcome:
    """One ``policy.validate`` call; its violations are added to ``out`` (a new Outcome by default)."""
    out = Outcome() if out is None else out

    def report(message: str, urn: str | None = None) -> None:
        out.violations.append((message, urn))

    try:
        result = policy.validate(args, report)
        if inspect.isawaitable(result):
            asyncio.run(result)
    except _NotApplicableError as exc:
        out.not_applicable = exc.reason or ""
    except UnknownValueError as exc:  # the analyzer turns this into an advisory "can't run" note: never ours
        raise AssertionError(f"policy read an unknown value: {exc.message}") from exc
    return out


def run_resource(policy, props: dict, *, type_: str = TRAIL, name: str = "trail", config: dict | None = None
                 ) -> Outcome:
    urn = f"urn:pulumi:test::trailguard::{type_}::{name}"
    args = ResourceValidationArgs(type_, unknown_checking_proxy(props), urn, name, _opts(), None, config)
    return validate(policy, args)


@dataclass
class Res:
    """A stack resource as a test declares it; dependencies and property dependencies by resource name."""

    type: str
    name: str
    props: dict
    deps: tuple[str, ...] = ()
    prop_deps: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def urn(self) -> str:
        return f"urn:pulumi:test::trailguard::{self.type}::{self.name}"


def policy_resources(resources: list[Res]) -> list[PolicyResource]:
    built = {r.name: PolicyResource(r.type, unknown_checking_proxy(r.props), r.urn, r.name, _opts(), None, None, [], {})
             for r in resources}
    for r in resources:
        built[r.name].dependencies = [built[d] for d in r.deps if d in built]
        built[r.name].property_dependencies = {k: [built[d] for d in v if d in built] for k, v in r.prop_deps.items()}
    return list(built.values())


def run_stack_policy(policy, resources: list[Res], config: dict | None = None) -> Outcome:
    return validate(policy, StackValidationArgs(policy_resources(resources), config))


def run_pack(resources: list[Res], config: dict | None = None) -> dict[str, Outcome]:
    """Every policy on the stack (resource policies on each resource), by control id."""
    results = {}
    for control_id, policy in policies().items():
        if isinstance(policy, ResourceValidationPolicy):
            out = Outcome()
            for r in resources:
                got = run_resource(policy, r.props, type_=r.type, name=r.name, config=(config or {}).get(policy.name))
                out.violations += got.violations
            results[control_id] = out
        else:
            results[control_id] = run_stack_policy(policy, resources, (config or {}).get(policy.name))
    return results


def violated(results: dict[str, Outcome]) -> set[str]:
    return {cid for cid, out in results.items() if out.violations}
