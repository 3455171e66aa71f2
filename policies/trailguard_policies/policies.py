"""The policies, generated from the control catalog: one per control that targets "stack".

Each policy's name is the control's kebab id, and its description, severity, framework and remediation
steps come from the catalog entry, so nothing is written twice. Each validation adapts Pulumi props to
the same facts the audit collects and runs the same predicate through :func:`checks.engine.evaluate`.

Resource or stack policy:
- controls judged on a trail's own props (:data:`TRAIL_RESOURCE_CONTROLS`) are resource policies on
  ``aws:cloudtrail/trail:Trail``: they see one trail, can remediate, and need no join. CT-01 is an
  account-scope rule ("some trail records all management events") judged here on each trail alone, so
  that multi-region can be remediated; a stack whose second trail is deliberately narrow (data events
  only) gets a CT-01 violation on that trail (see docs/policies.md);
- every other control (buckets, keys, log groups, metric filters, alarms, account-wide "some trail does
  X" controls) is a stack policy: only the stack view can tell which key or bucket a trail uses, and a
  key or bucket that no trail uses is outside the catalog's scope.

Verdicts: FAIL is a violation (on the URN of the resource at fault); PASS is silence; ERROR and
NOT_APPLICABLE (typically: a value unknown at preview, or a resource outside the stack) make the policy
not applicable with the reasons, unless another subject of the same policy passed or failed.
"""
from __future__ import annotations

from typing import Callable

from pulumi_policy import (
    EnforcementLevel, PolicyComplianceFramework, ReportViolation, ResourceValidationArgs,
    ResourceValidationPolicy, Severity, StackValidationArgs, StackValidationPolicy,
)

from checks.catalog import Control, all_controls
from checks.model import Finding, Status

from . import config, remediation
from .props import from_policy_resource
from .stack_adapter import StackView, account_from_stack
from .trail_adapter import TRAIL_TYPE

# the policy kind is declared on each control (Control.policy_kind, checks/catalog)
TRAIL_RESOURCE_CONTROLS = frozenset(c.id for c in all_controls() if c.policy_kind == "resource")
NO_TRAIL = "The stack declares no aws:cloudtrail/trail:Trail."


def stack_controls() -> list[Control]:
    return [c for c in all_controls() if "stack" in c.targets]


def framework(control: Control) -> PolicyComplianceFramework | None:
    """The SDK holds one framework per policy: the first catalog mapping, the others listed in tags."""
    if not control.frameworks:
        return None
    first = control.frameworks[0]
    return PolicyComplianceFramework(name=first.framework, version=first.version or None, reference=first.item)


def _metadata(control: Control) -> dict:
    description = f"{control.title}. {control.rationale}"
    if control.id in remediation.REMEDIATIONS:
        description += " " + remediation.describe(control.id)
    steps = control.remediation
    if control.remediation_setting:
        steps += f" trailguard stack setting: {control.remediation_setting}."
    return dict(
        name=control.policy_name, description=description, display_name=control.title,
        severity=Severity(control.severity.value), framework=framework(control),
        tags=[control.ref, control.family, *control.tags, *(f.label() for f in control.frameworks)],
        remediation_steps=steps, config_schema=config.schema_for(control.id),
    )


def evaluate(control: Control, view: StackView) -> list[Finding]:
    from checks.engine import evaluate as run  # the engine imports every rule family; keep start-up cheap

    if not view.account.trails:  # the audit FAILs an account without a trail; most stacks simply have none
        return []
    return [f for f in run(view.account, [control], view.params) if f.control_id == control.id]


def report(control: Control, findings: list[Finding], view: StackView, report_violation: ReportViolation,
           not_applicable: Callable[[str], None], default_urn: str | None = None) -> None:
    """FAIL -> violation; no PASS and no FAIL -> not applicable with every reason."""
    judged, reasons = False, []
    for finding in findings:
        if finding.status is Status.FAIL:
            urn = view.urns.get(finding.resource) or default_urn
            report_violation(f"[{control.id}] {finding.reason}", urn)
            judged = True
        elif finding.status in (Status.PASS, Status.WAIVED):
            judged = True
        else:
            reasons.append(finding.reason)
    if not judged:
        not_applicable(" ".join(dict.fromkeys(reasons)) or NO_TRAIL)


def resource_policy(control: Control) -> ResourceValidationPolicy:
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if args.resource_type != TRAIL_TYPE:
            return
        view = account_from_stack([from_policy_resource(args)], config.params(args.get_config()))
        report(control, evaluate(control, view), view, report_violation, args.not_applicable, args.urn)

    remediate = remediation.remediator(control.id) if control.id in remediation.REMEDIATIONS else None
    return ResourceValidationPolicy(validate=validate, remediate=remediate, **_metadata(control))


def stack_policy(control: Control) -> StackValidationPolicy:
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        resources = [from_policy_resource(r) for r in args.resources]
        view = account_from_stack(resources, config.params(args.get_config()))
        report(control, evaluate(control, view), view, report_violation, args.not_applicable)

    return StackValidationPolicy(validate=validate, **_metadata(control))


def build_policies() -> list:
    return [resource_policy(c) if c.id in TRAIL_RESOURCE_CONTROLS else stack_policy(c) for c in stack_controls()]


def policy_controls() -> dict[str, str]:
    """Policy name -> control id: the explicit map the pack's contract test checks both ways."""
    return {c.policy_name: c.id for c in stack_controls()}


DEFAULT_ENFORCEMENT = EnforcementLevel.ADVISORY
