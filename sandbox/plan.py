"""The plan as a resource tree, and the CrossGuard policy pack run on it.

`render_tree` prints component -> children with box-drawing characters. `run_policy_pack` calls each
policy of the pack (``policies/trailguard_policies``) the way the analyzer would: resource policies on
every planned resource, stack policies once on the whole stack.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from sandbox.deployer import DeployedResource


def render_tree(resources: Iterable[DeployedResource]) -> str:
    """Stack children at the top, each component's children below it (sorted by name: stable output)."""
    resources = list(resources)
    known = {r.urn for r in resources}
    children: dict[str, list[DeployedResource]] = {}
    for r in resources:
        parent = r.parent if r.parent in known else ""
        children.setdefault(parent, []).append(r)
    lines: list[str] = []

    def walk(parent: str, prefix: str) -> None:
        kids = sorted(children.get(parent, []), key=lambda r: r.name)
        for i, r in enumerate(kids):
            last = i == len(kids) - 1
            lines.append(f"{prefix}{'└── ' if last else '├── '}{r.name}  ({r.type})")
            walk(r.urn, prefix + ("    " if last else "│   "))

    walk("", "")
    components = sum(1 for r in resources if not r.custom)
    lines.append(f"{len(resources) - components} resources in {components} components")
    return "\n".join(lines)


@dataclass
class PolicyVerdict:
    policy: str  # kebab name
    control_id: str
    violations: list[tuple[str, str | None]] = field(default_factory=list)  # (message, urn)
    not_applicable: str = ""

    @property
    def status(self) -> str:
        if self.violations:
            return "VIOLATION"
        return "NOT_APPLICABLE" if self.not_applicable else "PASS"


def _policy_resources(resources: list[DeployedResource]) -> list:
    from pulumi_policy import PolicyCustomTimeouts, PolicyResource, PolicyResourceOptions
    from pulumi_policy.proxy import unknown_checking_proxy

    by_urn: dict[str, PolicyResource] = {}
    custom = [r for r in resources if r.custom]
    for r in custom:
        opts = PolicyResourceOptions(False, [], r.parent or None, list(r.dependencies), PolicyCustomTimeouts(0, 0, 0),
                                     [], None)
        # State, not just inputs: after `pulumi up` the analyzer sees outputs (ARNs) the joins match on.
        by_urn[r.urn] = PolicyResource(r.type, unknown_checking_proxy(r.state), r.urn, r.name, opts, None, None,
                                       [], {})
    for r in custom:
        by_urn[r.urn].dependencies = [by_urn[d] for d in r.dependencies if d in by_urn]
    return list(by_urn.values())


def run_policy_pack(resources: list[DeployedResource], config: dict | None = None) -> list[PolicyVerdict]:
    """Every policy of the pack on the planned stack; `config` is per-policy pack config by policy name."""
    from pulumi_policy import ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs

    from testkit.pack import Outcome, build_policies, policy_controls, validate

    names = policy_controls()
    policy_resources = _policy_resources(resources)
    verdicts = []
    for policy in build_policies():
        cfg = (config or {}).get(policy.name)
        if isinstance(policy, ResourceValidationPolicy):
            calls = [ResourceValidationArgs(r.resource_type, r.props, r.urn, r.name, r.opts, None, cfg)
                     for r in policy_resources]
        else:
            calls = [StackValidationArgs(policy_resources, cfg)]
        out, reasons = Outcome(), []
        for args in calls:
            out.not_applicable = None
            validate(policy, args, out)
            if out.not_applicable is not None:
                reasons.append(out.not_applicable or "not applicable")
        verdict = PolicyVerdict(policy.name, names.get(policy.name, ""), out.violations)
        if reasons and not verdict.violations:
            verdict.not_applicable = " ".join(dict.fromkeys(reasons))
        verdicts.append(verdict)
    return verdicts


def render_verdicts(verdicts: list[PolicyVerdict]) -> str:
    width = max((len(v.policy) for v in verdicts), default=10)
    lines = []
    for v in verdicts:
        if v.status == "VIOLATION":
            lines.append(f"  FAIL  {v.policy:<{width}}")
            lines.extend(f"        - {message}" for message, _ in v.violations)
        elif v.status == "NOT_APPLICABLE":
            lines.append(f"  N/A   {v.policy:<{width}}  {v.not_applicable}")
        else:
            lines.append(f"  PASS  {v.policy}")
    failed = sum(1 for v in verdicts if v.status == "VIOLATION")
    lines.append(f"{len(verdicts)} policies: {len(verdicts) - failed} without violations, {failed} with violations")
    return "\n".join(lines)
