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

from checks.facts import (
    AdvancedSelector, ClassicSelector, DataResource, EventSelectors, FieldSelector, TrailFacts, TrailStatus,
)

from .props import UNKNOWN, StackResource, contains_unknown

TRAIL_TYPE = "aws:cloudtrail/trail:Trail"
PREVIEW = "is not known until the stack is deployed (preview)"

# fact field -> (prop, default when absent)
_SCALARS = {
    "is_multi_region": ("isMultiRegionTrail", False),
    "is_organization": ("isOrganizationTrail", False),
    "include_global_service_events": ("includeGlobalServiceEvents", True),
    "log_file_validation_enabled": ("enableLogFileValidation", False),
    "kms_key_id": ("kmsKeyId", ""),
    "s3_bucket_name": ("s3BucketName", None),
    "s3_key_prefix": ("s3KeyPrefix", ""),
    "cloudwatch_logs_log_group_arn": ("cloudWatchLogsGroupArn", ""),
    "cloudwatch_logs_role_arn": ("cloudWatchLogsRoleArn", ""),
}
# FieldSelector attribute -> engine name of pulumi-aws v7's TrailAdvancedEventSelectorFieldSelector. v7 spells the
# prefix/suffix operators in the plural; reading the singular made a one-bucket S3 selector look like "all
# buckets" (tests/policies/test_selector_operators.py checks these names against the pulumi_aws type).
_FIELD_KEYS = (("equals", "equals"), ("not_equals", "notEquals"), ("starts_with", "startsWiths"),
               ("not_starts_with", "notStartsWiths"), ("ends_with", "endsWiths"), ("not_ends_with", "notEndsWiths"))


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
            AdvancedSelector(name=sel.get("name") or "", field_selectors=tuple(
                FieldSelector(field=fs.get("field", ""), **{attr: _strings(fs.get(key)) for attr, key in _FIELD_KEYS})
                for fs in sel.get("fieldSelectors") or []))
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
    for attr, (prop, default) in _SCALARS.items():
        value = refs[attr] if attr in refs else props.get(prop, default)
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
    sns = refs["sns_topic_arn"] if "sns_topic_arn" in refs else props.get("snsTopicName", "")
    if sns is UNKNOWN or sns is None:
        facts.errors["sns_topic_arn"] = f"snsTopicName of trail {name} {PREVIEW}."
        sns = None
    facts.sns_topic_arn = sns
    facts.tags = _tags(props)
    if facts.tags is None:
        facts.errors["tags"] = f"The tags of trail {name} are {PREVIEW[3:]}."
    return facts
