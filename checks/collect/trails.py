"""CloudTrail facts: ListTrails once, then per home region one batched DescribeTrails and per trail
GetTrailStatus / GetEventSelectors / GetInsightSelectors, and batched ListTags.

ListTrails returns every trail the account sees (own trails in all regions, and an organization trail
owned by the management account) with its HomeRegion, so no region sweep is needed: the number of calls
grows with the number of trails, never with the number of enabled regions. Every per-trail call names the
trail by ARN, which is what AWS requires for an organization trail seen from a member account.
"""
from __future__ import annotations

from checks.arns import arn_account
from checks.collect.clients import CALL_ERRORS, Clients, error_code, failure
from checks.facts import (
    AccountFacts, AdvancedSelector, ClassicSelector, DataResource, EventSelectors, TrailFacts, TrailStatus,
)
from checks.shapes import SELECTOR_FIELDS, SELECTOR_NAME, TRAIL_KEYS, field_selector

# Value when DescribeTrails leaves a member out: an unset flag is false, an unset name or ARN empty.
_OMITTED = {"is_multi_region": False, "is_organization": False, "include_global_service_events": False,
            "log_file_validation_enabled": False}
_TAG_BATCH = 20  # ListTags accepts at most 20 ARNs per call


def collect_trails(clients: Clients, facts: AccountFacts, needs: set[str]) -> None:
    try:
        pages = clients.get("cloudtrail").get_paginator("list_trails").paginate()
        listed = [t for page in pages for t in page.get("Trails", [])]
    except CALL_ERRORS as exc:
        facts.trails = None
        facts.errors["trails"] = failure("cloudtrail:ListTrails", f"account {facts.account_id}", exc)
        return
    by_region: dict[str, list[TrailFacts]] = {}
    for item in sorted(listed, key=lambda t: t["TrailARN"]):
        arn = item["TrailARN"]
        trail = TrailFacts(arn=arn, name=item.get("Name") or arn.rsplit("/", 1)[-1],
                           home_region=item.get("HomeRegion", ""), owner_account_id=arn_account(arn))
        by_region.setdefault(trail.home_region, []).append(trail)
    facts.trails = [t for region in sorted(by_region) for t in by_region[region]]
    for region, trails in sorted(by_region.items()):
        client = clients.get("cloudtrail", region or None)
        _describe(client, trails)
        for trail in trails:
            if "status" in needs:
                _status(client, trail)
            if "selectors" in needs:
                _selectors(client, trail)
            if "insights" in needs:
                _insights(client, trail)
        if "tags" in needs:
            # Another account's organization trail: its tags are not ours to read (CT-16 is N/A for it).
            _tags(client, [t for t in trails if t.owner_account_id == facts.account_id])


def _describe(client, trails: list[TrailFacts]) -> None:
    try:
        found = client.describe_trails(trailNameList=[t.arn for t in trails], includeShadowTrails=True)
        by_arn = {d.get("TrailARN"): d for d in found.get("trailList", [])}
    except CALL_ERRORS as exc:
        for trail in trails:
            _unknown(trail, failure("cloudtrail:DescribeTrails", f"trail {trail.name}", exc))
        return
    for trail in trails:
        described = by_arn.get(trail.arn)
        if described is None:
            _unknown(trail, f"cloudtrail:DescribeTrails did not return trail {trail.name}.")
            continue
        for key in TRAIL_KEYS:
            value = described.get(key.described)
            setattr(trail, key.fact, _OMITTED.get(key.fact, "") if value is None else value)


def _unknown(trail: TrailFacts, message: str) -> None:
    for key in TRAIL_KEYS:
        trail.errors[key.fact] = message


def _status(client, trail: TrailFacts) -> None:
    try:
        s = client.get_trail_status(Name=trail.arn)
    except CALL_ERRORS as exc:
        trail.errors["status"] = failure("cloudtrail:GetTrailStatus", f"trail {trail.name}", exc)
        return
    trail.status = TrailStatus(
        is_logging=bool(s.get("IsLogging", False)),
        latest_delivery_time=s.get("LatestDeliveryTime"),
        latest_delivery_error=s.get("LatestDeliveryError", ""),
        latest_digest_delivery_time=s.get("LatestDigestDeliveryTime"),
        latest_digest_delivery_error=s.get("LatestDigestDeliveryError", ""),
        latest_cloudwatch_logs_delivery_time=s.get("LatestCloudWatchLogsDeliveryTime"),
        latest_cloudwatch_logs_delivery_error=s.get("LatestCloudWatchLogsDeliveryError", ""),
        start_logging_time=s.get("StartLoggingTime"),
        stop_logging_time=s.get("StopLoggingTime"),
    )


def _selectors(client, trail: TrailFacts) -> None:
    try:
        got = client.get_event_selectors(TrailName=trail.arn)
    except CALL_ERRORS as exc:
        trail.errors["selectors"] = failure("cloudtrail:GetEventSelectors", f"trail {trail.name}", exc)
        return
    trail.selectors = parse_selectors(got)


def parse_selectors(got: dict) -> EventSelectors:
    """GetEventSelectors answer -> EventSelectors (classic or advanced, never both)."""
    advanced = tuple(
        AdvancedSelector(name=a.get(SELECTOR_NAME.api, ""), field_selectors=tuple(
            field_selector(f, "api") for f in a.get(SELECTOR_FIELDS.api, [])))
        for a in got.get("AdvancedEventSelectors") or [])
    if advanced:
        return EventSelectors(advanced=advanced)
    classic = tuple(
        ClassicSelector(
            read_write_type=c.get("ReadWriteType", "All"),
            include_management_events=c.get("IncludeManagementEvents", True),
            data_resources=tuple(DataResource(d.get("Type", ""), tuple(d.get("Values", ())))
                                 for d in c.get("DataResources", [])),
            exclude_management_event_sources=tuple(c.get("ExcludeManagementEventSources", ())))
        for c in got.get("EventSelectors") or [])
    return EventSelectors(classic=classic)


def _insights(client, trail: TrailFacts) -> None:
    try:
        got = client.get_insight_selectors(TrailName=trail.arn)
    except CALL_ERRORS as exc:
        if error_code(exc) == "InsightNotEnabledException":  # AWS's way of saying "none"
            trail.insight_types = ()
            return
        trail.errors["insight_types"] = failure("cloudtrail:GetInsightSelectors", f"trail {trail.name}", exc)
        return
    trail.insight_types = tuple(s["InsightType"] for s in got.get("InsightSelectors") or [] if s.get("InsightType"))


def _tags(client, trails: list[TrailFacts]) -> None:
    for start in range(0, len(trails), _TAG_BATCH):
        batch = trails[start:start + _TAG_BATCH]
        try:
            pages = client.get_paginator("list_tags").paginate(ResourceIdList=[t.arn for t in batch])
            answered = {r["ResourceId"]: r.get("TagsList", []) for page in pages
                        for r in page.get("ResourceTagList", [])}
        except CALL_ERRORS as exc:
            for trail in batch:
                trail.errors["tags"] = failure("cloudtrail:ListTags", f"trail {trail.name}", exc)
            continue
        for trail in batch:
            if trail.arn in answered:
                trail.tags = {t["Key"]: t.get("Value", "") for t in answered[trail.arn]}
            else:
                trail.errors["tags"] = f"cloudtrail:ListTags did not return trail {trail.name}."
