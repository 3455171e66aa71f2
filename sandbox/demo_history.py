"""The demo's history: what happened in the last days, told to the emulator's event history.

The sandbox deploys everything "now", so without this step every trail would be seconds old. The story:
- the management account's stack has been deployed for 30 days and nothing touched it since (its
  recorded deployment calls are dropped and its trails' StartLoggingTime set 30 days back);
- in the legacy member, an operator's principal (mallory, from 203.0.113.66) stopped the legacy trail
  9 hours ago and started it again 6 hours ago, opened the trail bucket to the public 8 hours ago,
  excluded KMS events from the trail's selectors 2 hours ago and stopped it again an hour ago: the
  state the seeded account is in now.
The audit must then report the gaps and the tamper event; :func:`check_story` says so when it doesn't.
"""
from __future__ import annotations

import datetime as dt

from sandbox.legacy import LegacyAccount

ACTOR_ROLE = "legacy-ops"
SOURCE_IP = "203.0.113.66"
CONTINUITY = "cloudtrail_logging_continuous"
TAMPER = "cloudtrail_audit_resources_untampered"


def tell_story(management_account_id: str, legacy: LegacyAccount, region: str,
               now: dt.datetime | None = None) -> str:
    from sandbox import trail_history as th
    from moto.cloudtrail.models import cloudtrail_backends

    now = now or dt.datetime.now(dt.timezone.utc)
    th.forget_account(management_account_id)
    for backend in cloudtrail_backends[management_account_id].values():
        for name in list(backend.trails):
            th.backdate_trail(management_account_id, backend.region_name, name, now - dt.timedelta(days=30))

    acct = legacy.account_id
    th.forget_account(acct)
    actor = f"arn:aws:sts::{acct}:assumed-role/{ACTOR_ROLE}/mallory"

    def event(event_name: str, hours: float, source: str = "cloudtrail.amazonaws.com", **request) -> dict:
        return th.make_record(account_id=acct, region=region, name=event_name, source=source, request=request,
                              when=now - dt.timedelta(hours=hours), actor_arn=actor, source_ip=SOURCE_IP)

    th.seed(acct, region, [
        event("StopLogging", 9, name=legacy.trail_name),
        event("PutBucketPolicy", 8, source="s3.amazonaws.com", bucketName=legacy.bucket,
              policy='{"Statement":[{"Sid":"PublicRead","Principal":"*","Action":"s3:GetObject"}]}'),
        event("StartLogging", 6, name=legacy.trail_name),
        event("PutEventSelectors", 2, trailName=legacy.trail_name, eventSelectors=[{
            "readWriteType": "All", "includeManagementEvents": True,
            "excludeManagementEventSources": ["kms.amazonaws.com"]}]),
        event("StopLogging", 1, name=legacy.trail_name),
    ])
    th.backdate_trail(acct, region, legacy.trail_name, now - dt.timedelta(hours=6), now - dt.timedelta(hours=1))
    return (f"account {management_account_id}: stack deployed 30 days ago, untouched since\n"
            f"account {acct}: {actor} from {SOURCE_IP} stopped {legacy.trail_name} 9 h ago, made its bucket "
            f"public 8 h ago, restarted it 6 h ago, excluded KMS events 2 h ago, stopped it 1 h ago")


def check_story(run, legacy: LegacyAccount, region: str) -> str:
    """One line on what the audit found in the legacy account's history; raises if the gap is missing."""
    mine = [f for f in run.findings if f.account_id == legacy.account_id]
    gap = [f for f in mine if f.control_id == CONTINUITY and f.region == region and f.status.value == "FAIL"]
    tamper = [f for f in mine if f.control_id == TAMPER and f.status.value == "FAIL"]
    covered = [f for f in mine if f.control_id == CONTINUITY and f.region == region and f.status.value == "PASS"]
    if not tamper:
        raise RuntimeError("the audit did not report the legacy bucket's policy change.")
    if gap and "StopLogging" in gap[0].reason:
        return f"history: {gap[0].reason}\nhistory: {tamper[0].reason}"
    if covered:  # the organization trail (a shadow in the member, as in AWS) kept logging: no gap, rightly
        return (f"history: no gap in {region}: the organization trail kept logging while the legacy trail was "
                f"stopped ({covered[0].reason})\nhistory: {tamper[0].reason}")
    raise RuntimeError(f"the audit said neither a logging gap nor continuous logging for the legacy account in "
                       f"{region}.")
