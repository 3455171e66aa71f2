"""The control catalog: the only place a control is defined.

Each family module (``trail``, ``monitoring``) calls :func:`register` for its controls at import time;
``all_controls()`` imports every family and returns the controls ordered by their reference (CT-01,
CT-02, ..., CM-01, ...). Control ids are never renamed: users key waivers and dashboards on them.
"""
from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field

from checks.catalog import plan
from checks.model import Severity

ID_PATTERN = re.compile(r"^[a-z0-9]+(_[a-z0-9]+){2,}$")
TARGETS = frozenset({"live", "stack", "verify"})
POLICY_KINDS = ("resource", "stack")  # verify: judged by `trailguard verify` only
FAMILIES = ("trail", "monitoring", "resources", "history", "lake", "integrity")


@dataclass(frozen=True)
class FrameworkRef:
    """A mapping of a control to a framework item.

    framework: "CIS AWS Foundations", "AWS Security Hub" or "AWS Config".
    version: the CIS version(s) the item number applies to ("1.4", "3.0-5.0", "6.0+"), "" otherwise.
    item: the CIS item number, Security Hub control id or Config managed rule identifier.
    """

    framework: str
    item: str
    version: str = ""

    def label(self) -> str:
        v = f" v{self.version}" if self.version else ""
        return f"{self.framework}{v} {self.item}"


@dataclass(frozen=True)
class Control:
    id: str  # <service>_<resource>_<expected_state>; also the SARIF ruleId; policy name = kebab form
    ref: str  # catalog reference, e.g. "CT-05" (controls.md §6)
    title: str
    severity: Severity
    rationale: str
    remediation: str
    remediation_setting: str  # the component setting (Pulumi config key) that fixes it, "" if none
    frameworks: tuple[FrameworkRef, ...]
    targets: frozenset[str]
    family: str
    tags: tuple[str, ...] = field(default_factory=tuple)
    # What the audit collects for it beyond the trail inventory (need names of checks.catalog.plan); the
    # collector's plan, the API calls and the IAM actions all follow from it. Empty for a verify-only control.
    collects: frozenset[str] = frozenset()
    pass_when: str = ""  # what PASS means, one line for the docs' control tables ("" = the title says it)
    setting_note: str = ""  # docs: how to use remediation_setting ("(leave off)", "(`s3-read` preset)")
    # The pack's policy for it: "resource" (validates each aws:cloudtrail/trail:Trail, so a violation points
    # at the trail) or "stack" (validates the whole stack: the trail with its bucket, key, log group...).
    policy_kind: str = "stack"
    # JSON-schema properties its policy's config section adds (pack config key -> schema); {} for none.
    config_schema: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def policy_name(self) -> str:
        return self.id.replace("_", "-")

    @property
    def api_calls(self) -> tuple[str, ...]:
        """The botocore ``service:Operation`` calls the audit may make for this control."""
        return plan.calls_for(self.collects) if "live" in self.targets else ()

    @property
    def iam_actions(self) -> tuple[str, ...]:
        """The IAM actions those calls need (what the read-only audit role must allow)."""
        return plan.iam_actions(self.api_calls)

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "ref": self.ref,
            "title": self.title,
            "severity": self.severity.value,
            "rationale": self.rationale,
            "remediation": self.remediation,
            "remediation_setting": self.remediation_setting,
            "frameworks": [
                {"framework": f.framework, "version": f.version, "item": f.item} for f in self.frameworks
            ],
            "targets": sorted(self.targets),
            "family": self.family,
            "iam_actions": list(self.iam_actions),
        }


_REGISTRY: dict[str, Control] = {}


def register(control: Control) -> Control:
    if control.id in _REGISTRY:
        raise ValueError(f"control id {control.id!r} is defined twice")
    if not ID_PATTERN.match(control.id):
        raise ValueError(f"control id {control.id!r} is not <service>_<resource>_<expected_state>")
    plan.check_needs(control.id, control.collects)
    if control.policy_kind not in POLICY_KINDS:
        raise ValueError(f"control {control.id}: policy_kind {control.policy_kind!r} is not one of "
                         f"{', '.join(POLICY_KINDS)}")
    bad = set(control.targets) - TARGETS
    if bad or not control.targets:
        raise ValueError(f"control {control.id}: targets must be a non-empty subset of {sorted(TARGETS)}")
    _REGISTRY[control.id] = control
    return control


def _ref_key(ref: str) -> tuple:
    prefix, _, num = ref.partition("-")
    order = {"CT": 0, "CM": 1, "CX": 2}
    return (order.get(prefix, 9), prefix, int(num) if num.isdigit() else 0)


def all_controls() -> list[Control]:
    for family in FAMILIES:
        try:
            importlib.import_module(f"checks.catalog.{family}")
        except ModuleNotFoundError as exc:  # a family not written yet
            if exc.name != f"checks.catalog.{family}":
                raise
    return sorted(_REGISTRY.values(), key=lambda c: _ref_key(c.ref))


def get(control_id: str) -> Control:
    controls = {c.id: c for c in all_controls()}
    try:
        return controls[control_id]
    except KeyError:
        raise KeyError(f"unknown control id {control_id!r}") from None


def select(include: list[str] | None = None, skip: list[str] | None = None) -> list[Control]:
    """Controls filtered by id; unknown ids raise ValueError naming them and the allowed ids."""
    controls = all_controls()
    known = {c.id for c in controls}
    for option, ids in (("--controls", include or []), ("--skip", skip or [])):
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise ValueError(
                f"{option}: unknown control id(s) {', '.join(unknown)}; allowed: {', '.join(sorted(known))}."
            )
    chosen = [c for c in controls if not include or c.id in include]
    return [c for c in chosen if c.id not in set(skip or [])]
