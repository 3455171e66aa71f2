"""CloudTrail event records as the history rules read them, and the event names they look for.

LookupEvents returns each event with its full record as a JSON string (``CloudTrailEvent``); the fields
used here are those of the CloudTrail record contents (user guide, "CloudTrail record contents"):
eventTime, eventName, eventSource, awsRegion, sourceIPAddress, userIdentity, requestParameters,
responseElements and errorCode (present only when the call failed, and a failed call changed nothing).
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any, Mapping

from checks.facts import AdvancedSelector, ClassicSelector, DataResource, EventSelectors, FieldSelector

CLOUDTRAIL = "cloudtrail.amazonaws.com"
# Calls that change whether, where or what a trail records (continuity).
TRAIL_EVENTS = ("CreateTrail", "DeleteTrail", "StartLogging", "StopLogging", "UpdateTrail", "PutEventSelectors")
# Calls that can weaken the audit trail's own resources (tamper), by event source.
TAMPER_EVENTS: dict[str, tuple[str, ...]] = {
    # CloudTrail names the bucket Block Public Access calls after their IAM actions (s3:PutBucketPublicAccessBlock,
    # which the S3 API reference says PutPublicAccessBlock requires), not after the API operations; no AWS page
    # we found lists the event names, so the API names are looked up too: an unused name costs one empty lookup,
    # a missed name would read as "untampered".
    "s3.amazonaws.com": ("PutBucketPolicy", "DeleteBucketPolicy", "PutBucketAcl", "PutBucketPublicAccessBlock",
                         "DeleteBucketPublicAccessBlock", "PutPublicAccessBlock", "DeletePublicAccessBlock",
                         "DeleteBucket"),
    "kms.amazonaws.com": ("DisableKey", "ScheduleKeyDeletion", "PutKeyPolicy"),
    "logs.amazonaws.com": ("DeleteLogGroup", "PutRetentionPolicy", "DisassociateKmsKey", "DeleteMetricFilter",
                           "PutMetricFilter"),
    "monitoring.amazonaws.com": ("DeleteAlarms", "DisableAlarmActions", "PutMetricAlarm"),
    "organizations.amazonaws.com": ("DisableAWSServiceAccess", "DeregisterDelegatedAdministrator"),
}


@dataclass(frozen=True)
class HistoryEvent:
    """One management event. ``request``/``response`` are the record's requestParameters/responseElements."""

    event_id: str
    name: str
    source: str
    time: dt.datetime  # UTC
    region: str
    actor: str = ""  # userIdentity ARN (or type, e.g. Root), "" when unknown
    source_ip: str = ""
    request: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    response: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    error_code: str = ""  # the call failed: it changed nothing
    synthetic: bool = False  # derived from GetTrailStatus times, not from a record

    def who(self) -> str:
        ip = f" from {self.source_ip}" if self.source_ip else ""
        return f"{self.actor or 'an unknown principal'}{ip}"


def _utc(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")).astimezone(dt.timezone.utc)


def actor_of(identity: Mapping[str, Any] | None) -> str:
    identity = identity or {}
    issuer = (identity.get("sessionContext") or {}).get("sessionIssuer") or {}
    return identity.get("arn") or issuer.get("arn") or identity.get("invokedBy") or identity.get("type") or ""


def from_lookup(item: Mapping[str, Any], region: str) -> HistoryEvent:
    """One element of LookupEvents' ``Events`` -> HistoryEvent (the record's fields win over the summary's)."""
    record = json.loads(item.get("CloudTrailEvent") or "{}")
    return HistoryEvent(
        event_id=record.get("eventID") or item.get("EventId", ""),
        name=record.get("eventName") or item.get("EventName", ""),
        source=record.get("eventSource") or item.get("EventSource", ""),
        time=_utc(record.get("eventTime") or item["EventTime"]),
        region=record.get("awsRegion") or region,
        actor=actor_of(record.get("userIdentity")) or item.get("Username", ""),
        source_ip=record.get("sourceIPAddress", ""),
        request=record.get("requestParameters") or {},
        response=record.get("responseElements") or {},
        error_code=record.get("errorCode", ""),
    )


def trail_name(ref: str) -> str:
    """A trail name or ARN (arn:...:trail/NAME) -> NAME."""
    return ref.rsplit(":trail/", 1)[-1] if ":trail/" in (ref or "") else (ref or "")


def trail_of(event: HistoryEvent) -> str:
    """The trail an event acts on: requestParameters name (or trailName for selectors), as a name."""
    return trail_name(str(event.request.get("name") or event.request.get("trailName") or ""))


def selectors_of(request: Mapping[str, Any]) -> EventSelectors | None:
    """PutEventSelectors requestParameters (camelCase) -> EventSelectors; None when neither kind is there."""
    advanced = request.get("advancedEventSelectors")
    if advanced:
        return EventSelectors(advanced=tuple(
            AdvancedSelector(name=a.get("name", ""), field_selectors=tuple(
                FieldSelector(field=f.get("field", ""), equals=tuple(f.get("equals") or ()),
                              not_equals=tuple(f.get("notEquals") or ()),
                              starts_with=tuple(f.get("startsWith") or ()),
                              not_starts_with=tuple(f.get("notStartsWith") or ()),
                              ends_with=tuple(f.get("endsWith") or ()),
                              not_ends_with=tuple(f.get("notEndsWith") or ()))
                for f in a.get("fieldSelectors") or ()))
            for a in advanced))
    classic = request.get("eventSelectors")
    if classic is None:
        return None
    return EventSelectors(classic=tuple(
        ClassicSelector(
            read_write_type=c.get("readWriteType", "All"),
            include_management_events=c.get("includeManagementEvents", True),
            data_resources=tuple(DataResource(d.get("type", ""), tuple(d.get("values") or ()))
                                 for d in c.get("dataResources") or ()),
            exclude_management_event_sources=tuple(c.get("excludeManagementEventSources") or ()))
        for c in classic))
