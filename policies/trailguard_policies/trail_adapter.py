"""aws:cloudtrail/trail:Trail props (camelCase engine names) -> :class:`checks.facts.TrailFacts`.

Absent props take the provider's (and CloudTrail's) defaults, so a plain ``aws.cloudtrail.Trail`` is
judged as AWS would create it: single-region, global service events on, log file validation off,
logging on, no KMS key, and - with no selectors at all - CloudTrail's default classic selector
(all management events, reads and writes). A prop unknown at preview becomes ``None`` with an
``errors`` sentence, which every rule turns into a non-PASS, non-FAIL result; the pack reports that as
not applicable.
"""
from __future__ import annotations

from typing import Any

from checks.facts import AdvancedSelector, ClassicSelector, DataResource, EventSelectors, TrailFacts, TrailStatus
from checks.shapes import SELECTOR_FIELDS, SELECTOR_NAME, TRAIL_KEY, TRAIL_KEYS, field_selector

from .props import UNKNOWN, StackResource, contains_unknown

TRAIL_TYPE = "aws:cloudtrail/trail:Trail"
PREVIEW = "is not known until the stack is deployed (preview)"

# Read apart: the SNS prop is a topic name, the fact an ARN (the stack view resolves it).
_SCALARS = tuple(key for key in TRAIL_KEYS if key.fact != "sns_topic_arn")


def trail_name(res: StackResource) -> str:
    name = res.get("name")
    return name if isinstance(name, str) and name else res.name


def _strings(values: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in (values or ()))


def selectors(props: dict) -> EventSelectors:
    """The trail's selectors as GetEventSelectors would report them (call only when nothing is unknown)."""
    advanced = props.get("advancedEventSelectors") or []
    if advanced:
        return EventSelectors(advanced=tuple(
            AdvancedSelector(name=sel.get(SELECTOR_NAME.engine) or "", field_selectors=tuple(
                field_selector(fs, "engine") for fs in sel.get(SELECTOR_FIELDS.engine) or []))
            for sel in advanced))
    classic = props.get("eventSelectors") or []
    if not classic:  # CloudTrail's default for a trail created without selectors
        return EventSelectors(classic=(ClassicSelector(),))
    return EventSelectors(classic=tuple(
        ClassicSelector(
            read_write_type=sel.get("readWriteType") or "All",
            include_management_events=sel.get("includeManagementEvents", True) is not False,
            data_resources=tuple(DataResource(d.get("type", ""), _strings(d.get("values")))
                                 for d in sel.get("dataResources") or []),
            exclude_management_event_sources=_strings(sel.get("excludeManagementEventSources")))
        for sel in classic))


def _tags(props: dict) -> dict | None:
    merged: dict = {}
    for key in ("tagsAll", "tags"):  # tagsAll adds the provider's default tags once known
        value = props.get(key)
        if value is UNKNOWN:
            if key == "tags":
                return None
            continue
        merged.update(value or {})
    return None if contains_unknown(merged) else {k: str(v) for k, v in merged.items()}


def trail_facts(res: StackResource, *, account_id: str, region: str, partition: str = "aws",
                refs: dict[str, str | None] | None = None) -> TrailFacts:
    """Facts for one trail. ``refs`` overrides props the stack view resolved through dependencies."""
    props, refs = res.props, refs or {}
    name = trail_name(res)
    arn = res.get("arn")
    if not isinstance(arn, str) or not arn:
        arn = f"arn:{partition}:cloudtrail:{region}:{account_id}:trail/{name}"
    home = res.get("homeRegion") if isinstance(res.get("homeRegion"), str) else region
    facts = TrailFacts(arn=arn, name=name, home_region=home or region, owner_account_id=account_id)
    for key in _SCALARS:
        attr, prop = key.fact, key.engine
        value = refs[attr] if attr in refs else props.get(prop, key.default)
        if value is UNKNOWN or value is None:
            facts.errors[attr] = f"{prop} of trail {name} {PREVIEW}."
            value = None
        setattr(facts, attr, value)
    logging = props.get("enableLogging", True)
    facts.status = TrailStatus(is_logging=None if logging is UNKNOWN else bool(logging))
    if logging is UNKNOWN:
        facts.errors["status"] = f"enableLogging of trail {name} {PREVIEW}."
    sel_props = {k: props.get(k) for k in ("advancedEventSelectors", "eventSelectors")}
    if contains_unknown(sel_props):
        facts.errors["selectors"] = f"The event selectors of trail {name} are {PREVIEW[3:]}."
    else:
        facts.selectors = selectors(props)
    insight = props.get("insightSelectors")
    if contains_unknown(insight):
        facts.errors["insight_types"] = f"The insight selectors of trail {name} are {PREVIEW[3:]}."
    else:
        facts.insight_types = tuple(i.get("insightType", "") for i in insight or ())
    sns_key = TRAIL_KEY["sns_topic_arn"]
    sns_prop = sns_key.engine
    sns = refs["sns_topic_arn"] if "sns_topic_arn" in refs else props.get(sns_prop, sns_key.default)
    if sns is UNKNOWN or sns is None:
        facts.errors["sns_topic_arn"] = f"{sns_prop} of trail {name} {PREVIEW}."
        sns = None
    facts.sns_topic_arn = sns
    facts.tags = _tags(props)
    if facts.tags is None:
        facts.errors["tags"] = f"The tags of trail {name} are {PREVIEW[3:]}."
    return facts
