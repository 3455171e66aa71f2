"""Events in the window that weakened the audit trail's own resources (pure).

Which resources: the buckets, KMS keys and CloudWatch Logs log groups of the account's own trails, the
metric filters on those log groups, the alarms on the filters' metrics, and CloudTrail's trusted access
in AWS Organizations. Which events: :data:`checks.history.events.TAMPER_EVENTS`; a PutRetentionPolicy
counts only when it sets a retention shorter than the required minimum, a PutBucketPublicAccessBlock
only when it leaves one of the four settings off. An event made by a deployer role (the trailguard
stack's own) is INFO, not a finding.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from checks.history.events import HistoryEvent

CLOUDTRAIL_PRINCIPAL = "cloudtrail.amazonaws.com"
_PAB_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


@dataclass(frozen=True)
class AuditResources:
    buckets: frozenset[str] = frozenset()
    keys: frozenset[str] = frozenset()  # key ARNs and key ids
    log_groups: frozenset[str] = frozenset()  # names
    alarms: frozenset[str] | None = frozenset()  # names; None: unknown (every alarm event counts)
    min_retention_days: int = 365


@dataclass(frozen=True)
class Tamper:
    event: HistoryEvent
    resource: str
    by_deployer: bool

    def describe(self) -> str:
        when = self.event.time.strftime("%Y-%m-%dT%H:%M:%SZ")
        return f"{self.event.name} on {self.resource} at {when} by {self.event.who()}"


def _key_matches(ref: str, keys: frozenset[str]) -> bool:
    return bool(ref) and (ref in keys or any(k.endswith(f"key/{ref}") for k in keys))


def target(event: HistoryEvent, res: AuditResources) -> str | None:
    """The audit resource an event weakened, or None when it is not one (or did not weaken it)."""
    req = event.request or {}
    source = event.source.split(".")[0]
    if source == "s3" and req.get("bucketName") in res.buckets:
        if event.name in ("PutBucketPublicAccessBlock", "PutPublicAccessBlock") and _all_blocked(req):
            return None
        return f"bucket {req['bucketName']}"
    if source == "kms" and _key_matches(str(req.get("keyId", "")), res.keys):
        return f"key {req['keyId']}"
    if source == "logs" and req.get("logGroupName") in res.log_groups:
        days = req.get("retentionInDays")
        if event.name == "PutRetentionPolicy" and isinstance(days, int) and days >= res.min_retention_days:
            return None
        what = "metric filter " + str(req.get("filterName", "")) + " of " if "MetricFilter" in event.name else ""
        return f"{what}log group {req['logGroupName']}"
    if source == "monitoring":
        names = set(req.get("alarmNames") or [])
        hit = names if res.alarms is None else names & res.alarms
        return f"alarm(s) {', '.join(sorted(hit))}" if hit else None
    if source == "organizations" and req.get("servicePrincipal") == CLOUDTRAIL_PRINCIPAL:
        return "CloudTrail trusted access in AWS Organizations"
    return None


def _all_blocked(req: dict) -> bool:
    config = req.get("PublicAccessBlockConfiguration") or req.get("publicAccessBlockConfiguration") or {}
    return all(str(config.get(f, config.get(f[:1].lower() + f[1:], ""))).lower() == "true" for f in _PAB_FLAGS)


def by_role(event: HistoryEvent, roles: Sequence[str]) -> bool:
    """Was the call made by one of these roles (an assumed-role session of it)?"""
    arn = event.actor
    if ":assumed-role/" in arn:
        name = arn.split(":assumed-role/", 1)[1].split("/", 1)[0]
    elif ":role/" in arn:
        name = arn.rsplit("/", 1)[-1]
    else:
        return False
    return name in roles


def find(events: Iterable[HistoryEvent], res: AuditResources, deployer_roles: Sequence[str]) -> list[Tamper]:
    found = {}
    for ev in sorted(events, key=lambda e: (e.time, e.event_id)):
        if ev.error_code:
            continue
        what = target(ev, res)
        if what is not None:
            found.setdefault(ev.event_id, Tamper(ev, what, by_role(ev, deployer_roles)))
    return list(found.values())
