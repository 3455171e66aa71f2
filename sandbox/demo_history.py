"""The demo's history: what happened in the last days, told to the emulator's event history.

The sandbox deploys everything "now", so without this step every trail would be seconds old. The story:
- the management account's stack has been deployed for 30 days (its recorded deployment calls are
  dropped and its trails' StartLoggingTime set 30 days back); 8 hours ago an operator's principal
  (mallory, from 203.0.113.66) stopped the organization trail, and started it again 7 hours ago;
- in the legacy member, the same principal stopped the legacy trail 9 hours ago and started it again
  6 hours ago, opened the trail bucket to the public 8 hours ago, excluded KMS events from the trail's
  selectors 2 hours ago and stopped it again an hour ago: the state the seeded account is in now.
So the management account has a gap in every region (CH-01 FAIL there is the story, not a defect of the
stack), the legacy member inherits it where its own trail was stopped too (us-east-1 from 8 h to 7 h
ago: AWS shows members the organization trail, so its own stops alone leave no gap), and the bucket
policy change is a tamper event. :func:`check_story` raises when the audit doesn't say so.
"""
from __future__ import annotations

import datetime as dt

from sandbox.legacy import LegacyAccount

ACTOR_ROLE = "ops-admin"
SOURCE_IP = "203.0.113.66"
CONTINUITY = "cloudtrail_logging_continuous"
TAMPER = "cloudtrail_audit_resources_untampered"
ORG_STOPPED_H, ORG_STARTED_H = 8, 7


def _organization_trails(account_id: str) -> list[tuple[str, str]]:
    """(home region, name) of the account's organization trails in the emulator."""
    from moto.cloudtrail.models import cloudtrail_backends

    return [(backend.region_name, name) for backend in cloudtrail_backends[account_id].values()
            for name, trail in backend.trails.items() if getattr(trail, "is_org_trail", False)]


def tell_story(management_account_id: str, legacy: LegacyAccount, region: str,
               now: dt.datetime | None = None) -> str:
    from sandbox import trail_history as th
    from moto.cloudtrail.models import cloudtrail_backends

    now = now or dt.datetime.now(dt.timezone.utc)
    th.forget_account(management_account_id)
    for backend in cloudtrail_backends[management_account_id].values():
        for name in list(backend.trails):
            th.backdate_trail(management_account_id, backend.region_name, name, now - dt.timedelta(days=30))

    def event(acct: str, where: str, event_name: str, hours: float, source: str = "cloudtrail.amazonaws.com",
              **request) -> dict:
        actor = f"arn:aws:sts::{acct}:assumed-role/{ACTOR_ROLE}/mallory"
        return th.make_record(account_id=acct, region=where, name=event_name, source=source, request=request,
                              when=now - dt.timedelta(hours=hours), actor_arn=actor, source_ip=SOURCE_IP)

    org_trails = _organization_trails(management_account_id)
    if not org_trails:
        raise RuntimeError(f"the management account {management_account_id} has no organization trail to stop.")
    home, org_trail = org_trails[0]
    mgmt = management_account_id
    th.seed(mgmt, home, [event(mgmt, home, "StopLogging", ORG_STOPPED_H, name=org_trail),
                         event(mgmt, home, "StartLogging", ORG_STARTED_H, name=org_trail)])
    th.backdate_trail(mgmt, home, org_trail, now - dt.timedelta(hours=ORG_STARTED_H),
                      now - dt.timedelta(hours=ORG_STOPPED_H))

    acct = legacy.account_id
    th.forget_account(acct)
    th.seed(acct, region, [
        event(acct, region, "StopLogging", 9, name=legacy.trail_name),
        event(acct, region, "PutBucketPolicy", 8, source="s3.amazonaws.com", bucketName=legacy.bucket,
              policy='{"Statement":[{"Sid":"PublicRead","Principal":"*","Action":"s3:GetObject"}]}'),
        event(acct, region, "StartLogging", 6, name=legacy.trail_name),
        event(acct, region, "PutEventSelectors", 2, trailName=legacy.trail_name, eventSelectors=[{
            "readWriteType": "All", "includeManagementEvents": True,
            "excludeManagementEventSources": ["kms.amazonaws.com"]}]),
        event(acct, region, "StopLogging", 1, name=legacy.trail_name),
    ])
    th.backdate_trail(acct, region, legacy.trail_name, now - dt.timedelta(hours=6), now - dt.timedelta(hours=1))
    actor = f"assumed-role/{ACTOR_ROLE}/mallory from {SOURCE_IP}"
    return (f"account {mgmt}: stack deployed 30 days ago; {actor} stopped the organization trail {org_trail} "
            f"{ORG_STOPPED_H} h ago and restarted it {ORG_STARTED_H} h ago\n"
            f"account {acct}: the same principal stopped {legacy.trail_name} 9 h ago, made its bucket public "
            f"8 h ago, restarted it 6 h ago, excluded KMS events 2 h ago, stopped it 1 h ago")


def unexpected_counts(run, management_account_id: str) -> dict[str, int]:
    """The management account's FAIL and ERROR counts, leaving out the story's gap (CH-01 FAIL)."""
    counts = {"FAIL": 0, "ERROR": 0}
    for f in run.findings:
        if f.account_id == management_account_id and f.status.value in counts:
            if not (f.control_id == CONTINUITY and f.status.value == "FAIL"):
                counts[f.status.value] += 1
    return counts


def check_story(run, legacy: LegacyAccount, region: str, management_account_id: str = "") -> str:
    """What the audit found in the story's history; raises if the gaps or the tamper event are missing."""
    def found(account: str, control: str, where: str | None = None) -> list:
        return [f for f in run.findings if f.account_id == account and f.control_id == control
                and f.status.value == "FAIL" and where in (None, f.region)]

    lines = []
    if management_account_id:
        mgmt_gaps = found(management_account_id, CONTINUITY)
        if not any("StopLogging" in f.reason for f in mgmt_gaps):
            raise RuntimeError("the audit did not report the organization trail's logging gap in the management "
                               "account.")
        here = next((f for f in mgmt_gaps if f.region == region), mgmt_gaps[0])
        lines.append(f"history: management account, {len(mgmt_gaps)} region(s) with a gap; {here.reason}")
    gap = [f for f in found(legacy.account_id, CONTINUITY, region) if "StopLogging" in f.reason]
    if not gap:
        raise RuntimeError(f"the audit did not report the legacy account's logging gap in {region}.")
    tamper = found(legacy.account_id, TAMPER)
    if not tamper:
        raise RuntimeError("the audit did not report the legacy bucket's policy change.")
    return "\n".join(lines + [f"history: legacy account: {gap[0].reason}", f"history: {tamper[0].reason}"])
