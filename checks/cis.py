"""How a monitoring filter is specified and judged; the 16 specs themselves are in :mod:`checks.catalog.filters`.

Each :class:`FilterSpec` gives the pattern ``components/monitoring.py`` provisions *and* what the audit
and the policy pack demand of any pattern: the synthetic CloudTrail events it must count (``required``).
A filter is judged by what it counts: it passes when it counts every required event. Extra breadth is
fine (it still alerts on every event the control is about), so every published form passes: CIS v1.2
to v5.0 and v6.0+, Security Hub CloudWatch.1-.14, nozaq and Cloud Posse, including the CIS v1.2 /
Security Hub unauthorized-API filter without the later noise exclusions. The ``decoys`` (neighbours no
published form counts) only word the finding ("broader than needed: also counts ..."); ``advised`` events
(counted by some newer form, e.g. ModifySecurityGroupRules in CIS v5.0+) are named when missed. A filter
that misses a required event, or an ``&&`` join of event names (never fires), fails; so does one that
counts a ``floods`` probe, a routine event no published form counts (an empty or match-all pattern): its
alarm would sit in ALARM and, as alarm actions run on state changes, never notify of the control's events.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field

from checks.filterpattern import FilterPatternError, Node, matches, parse

NO_MFA = "NoMFAConsoleSignin"
VARIANTS = ("sso-friendly", "cis")
DEFAULT_VARIANT = "sso-friendly"


@dataclass(frozen=True)
class Probe:
    label: str  # names the event in a finding, e.g. "iam:PutRolePolicy"
    event: dict


@dataclass(frozen=True)
class FilterSpec:
    name: str  # metric name, filter name suffix and the value users put in trailguard:disabledAlarms
    ref: str  # catalog reference CM-NN
    control_id: str
    summary: str  # what the filter counts, for findings and docs
    cis_item: int | None  # N of CIS v1.4-5.0 item 4.N and v6.0+ item 5.N; None: not a CIS item
    security_hub: str  # "CloudWatch.N" or ""
    pattern: str
    required: tuple[Probe, ...]
    decoys: tuple[Probe, ...]
    advised: tuple[Probe, ...] = ()  # counted by a newer published form only: named when missed, never a FAIL
    # Routine events no published form counts: a filter counting one counts (nearly) everything, keeps its
    # alarm in ALARM and so never notifies of the control's events (actions run on state changes): FAIL.
    floods: tuple[Probe, ...] = field(default_factory=lambda: (NOISE,))
    # console sign-in without MFA: the provisioned text and the extra probes differ by variant
    variant_patterns: dict[str, str] = field(default_factory=dict)
    variant_required: dict[str, tuple[Probe, ...]] = field(default_factory=dict)
    variant_decoys: dict[str, tuple[Probe, ...]] = field(default_factory=dict)

    def pattern_for(self, variant: str | None = None) -> str:
        return self.variant_patterns.get(variant or DEFAULT_VARIANT, self.pattern)


@dataclass(frozen=True)
class FilterVerdict:
    ok: bool
    reason: str
    missed: tuple[str, ...] = ()
    decoys_hit: tuple[str, ...] = ()
    parse_error: str = ""
    counted: int = 0  # required events counted
    advised_missed: tuple[str, ...] = ()

    @property
    def distance(self) -> tuple[int, int, int]:
        """How far from passing; the finding reports the closest filter when none passes. A filter that
        counts none of the required events (another alarm's filter) is never closer than one that counts some;
        fewer missed events come first, then fewer decoys (a filter counting everything misses nothing)."""
        if self.parse_error:
            return (2, 0, 0)
        return (0 if self.counted else 1, len(self.missed), len(self.decoys_hit))


# --- synthetic CloudTrail events ------------------------------------------------------------------

_ACCOUNT = "111122223333"


def _merge(base: dict, extra: dict) -> dict:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = value
    return base


def event(source: str, name: str, **extra) -> dict:
    """A management-event record as CloudTrail writes it to CloudWatch Logs (fields the filters read)."""
    base = {
        "eventVersion": "1.09", "eventSource": source, "eventName": name, "eventType": "AwsApiCall",
        "awsRegion": "us-east-1", "sourceIPAddress": "203.0.113.10", "readOnly": False,
        "userIdentity": {"type": "IAMUser", "arn": f"arn:aws:iam::{_ACCOUNT}:user/alice",
                         "accountId": _ACCOUNT},
        "recipientAccountId": _ACCOUNT,
    }
    return _merge(base, copy.deepcopy(extra))


def calls(source: str, names) -> tuple[Probe, ...]:
    service = source.split(".")[0]
    return tuple(Probe(f"{service}:{n}", event(source, n)) for n in names)


# Counted by nothing we monitor: a filter that counts it counts (nearly) everything.
NOISE = Probe("ec2:DescribeInstances (read-only)", event("ec2.amazonaws.com", "DescribeInstances", readOnly=True))


def _names_pattern(names, source: str | None = None) -> str:
    # Compact unquoted form: CloudWatch caps a pattern at 1024 characters and Organizations has 18 names.
    names_or = " || ".join(f"($.eventName = {n})" for n in names)
    if source is None:
        return "{ " + names_or + " }"
    return "{ ($.eventSource = " + source + ") && (" + names_or + ") }"


def names_spec(name, ref, control_id, summary, cis_item, sh, source, names, decoy_names,
               *, with_source=True, extra_decoys=(), advised=()) -> FilterSpec:
    return FilterSpec(
        name=name, ref=ref, control_id=control_id, summary=summary, cis_item=cis_item, security_hub=sh,
        pattern=_names_pattern(tuple(names) + tuple(advised), source if with_source else None),
        required=calls(source, names), advised=calls(source, advised),
        decoys=calls(source, decoy_names) + tuple(extra_decoys) + (NOISE,),
    )


def get_spec(name: str) -> FilterSpec:
    from checks.catalog.filters import FILTER_NAMES, SPECS_BY_NAME

    try:
        return SPECS_BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown monitoring filter {name!r}; allowed: {', '.join(FILTER_NAMES)}") from None


def listed(labels, limit: int = 4) -> str:
    shown = ", ".join(labels[:limit])
    return shown + (f" and {len(labels) - limit} more" if len(labels) > limit else "")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def check_filter(spec: FilterSpec, pattern: str | Node, *, variant: str | None = None) -> FilterVerdict:
    """Run the spec's events through the pattern: it passes when it counts every required event.

    variant None (the audit) accepts both CIS sign-in forms; a stack that chose a variant is held to it
    (its variant_required must be counted, its variant_decoys must not)."""
    if variant is not None and variant not in VARIANTS:
        raise ValueError(f"variant {variant!r} not in {VARIANTS}")
    try:
        node = parse(pattern) if isinstance(pattern, str) else pattern
    except FilterPatternError as exc:
        return FilterVerdict(False, f"the pattern cannot be parsed ({exc})", parse_error=str(exc))
    required = spec.required + spec.variant_required.get(variant or "", ())
    missed = tuple(p.label for p in required if not matches(node, p.event))
    wrong = tuple(p.label for p in spec.variant_decoys.get(variant or "", ()) if matches(node, p.event))
    broad = tuple(p.label for p in spec.decoys if matches(node, p.event))
    flood = tuple(p.label for p in spec.floods if matches(node, p.event))
    advised = tuple(p.label for p in spec.advised if not matches(node, p.event))
    problems = []
    if missed:
        problems.append(f"does not count {listed(missed)}")
    if flood:
        problems.append(f"counts nearly every event (even {listed(flood)}, which no published form counts), so "
                        f"its alarm would stay in ALARM and never notify of {spec.summary}")
    if wrong:
        problems.append(f"counts {listed(wrong)}, which the chosen variant {variant!r} excludes")
    if problems:
        return FilterVerdict(False, " and ".join(problems), missed, tuple(dict.fromkeys(wrong + broad + flood)),
                             counted=len(required) - len(missed), advised_missed=advised)
    notes = [f"counts {spec.summary} ({_count(len(required), 'required event')})"]
    if broad:
        notes.append(f"broader than needed, it also counts {listed(broad)}")
    if advised:
        notes.append(f"it does not count {listed(advised)}, which newer CIS versions add")
    return FilterVerdict(True, "; ".join(notes), decoys_hit=broad, counted=len(required),
                         advised_missed=advised)


def evaluate_filter(spec_name: str, pattern: str, variant: str | None = None) -> tuple[bool, str]:
    """Pure check of one pattern against one spec, for the policy pack: (passes, reason)."""
    verdict = check_filter(get_spec(spec_name), pattern, variant=variant)
    return verdict.ok, verdict.reason


_MOVED = ("FILTER_SPECS", "SPECS_BY_NAME", "SPECS_BY_CONTROL", "FILTER_NAMES")


def __getattr__(name: str):
    """The specs live in :mod:`checks.catalog.filters`; ``from checks.cis import FILTER_SPECS`` still works
    (lazily, because the catalog module imports this one)."""
    if name in _MOVED:
        from checks.catalog import filters

        return getattr(filters, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
