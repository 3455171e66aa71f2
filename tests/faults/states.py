"""The five states the fault sweep runs on, built in the emulator and recorded once each.

- provisioned: the management account after the demo stack (the real Pulumi program) is deployed;
- legacy: a member seeded with the common misconfigurations (sandbox/legacy.py), plus a second
  trail encrypted with a KMS key that was disabled later (the case a false PASS on CT-07 hides);
- cross-account: a member whose trail writes to a bucket and encrypts with a key of a log-archive account;
- org-member: a member with no trail of its own that sees the organization trail (as a shadow trail);
- archive-guests: the log-archive account of "cross-account" judging that member's bucket and key as an
  organization run does (checks/org_guests.py: collect_guests + evaluate_guests with the archive's
  credentials), with the member's trail as its recorded run collected it and the guests planned by
  checks.org_guests.plan_guests: nothing hand-built.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from unittest import mock

from sweep import Call, record

REGION = "us-east-1"


@dataclass
class State:
    name: str
    account_id: str
    calls: list[Call]
    findings: dict  # the real (emulator) run's findings, key -> (status, reason)
    collected_at: dt.datetime
    guests: object = None  # a checks.org_guests.Guests: sweep the owner's guest run, not the account audit


def _session(creds=None):
    import boto3

    kw = {}
    if creds is not None:
        kw = {"aws_access_key_id": creds.access_key_id, "aws_secret_access_key": creds.secret_access_key,
              "aws_session_token": creds.session_token}
    return boto3.Session(region_name=REGION, **kw)


def _record(name: str, session, account_id: str, controls, guests=None) -> tuple[State, object]:
    """The state and the recorded run's AccountFacts."""
    from sweep import audit

    calls = record(session)
    at = dt.datetime.now(dt.timezone.utc)
    outcome = audit(session, account_id, controls, at, guests)
    assert not outcome.aborted, outcome.aborted
    return State(name, account_id, calls, outcome.findings, at, guests), outcome.facts


def _archive_guests(member_facts, archive, archive_id: str):
    """The archive's guests as an organization run of {archive, member} plans them from the member's facts
    (its trail's bucket and key owned elsewhere); the bucket's owner from the archive's s3:ListBuckets, as
    the run's ownership evidence names it."""
    from checks.org_guests import guest_uses, plan_guests

    owned = {b["Name"] for b in archive.client("s3").list_buckets()["Buckets"]}
    plan = plan_guests(guest_uses(member_facts), selection={archive_id, member_facts.account_id},
                       owners={name: archive_id for name in owned}, home={archive_id: (False, [])},
                       partition=member_facts.partition)
    guests = plan[archive_id]
    assert len(guests.buckets) == 1 and len(guests.keys) == 1, guests  # the trail's bucket and key
    return guests


def build_states(endpoint_url: str, controls) -> dict[str, State]:
    from testkit.org import OrgTrailShadows
    from sandbox.demo import create_alarm_queue, demo_config
    from sandbox.deployer import deploy
    from sandbox.legacy import create_member, create_organization, seed_legacy

    with mock.patch.dict(os.environ, {"AWS_ENDPOINT_URL": endpoint_url}):
        org = create_organization(endpoint_url)
        deploy(endpoint_url, demo_config(org.id, org.management_account_id, create_alarm_queue(endpoint_url)))
        states = {"provisioned": _record("provisioned", _session(), org.management_account_id, controls)[0]}

        legacy_id, legacy_creds = create_member(endpoint_url, "legacy", "legacy@example.test")
        seed_legacy(endpoint_url, legacy_id, legacy_creds)
        _trail_with_disabled_key(_session(legacy_creds), legacy_id)
        states["legacy"] = _record("legacy", _session(legacy_creds), legacy_id, controls)[0]

        archive_id, archive_creds = create_member(endpoint_url, "log-archive", "archive@example.test")
        member_id, member_creds = create_member(endpoint_url, "workload", "workload@example.test")
        _cross_account_trail(_session(archive_creds), _session(member_creds), archive_id)
        states["cross-account"], member_facts = _record("cross-account", _session(member_creds), member_id, controls)
        guests = _archive_guests(member_facts, _session(archive_creds), archive_id)
        states["archive-guests"] = _record("archive-guests", _session(archive_creds), archive_id, controls,
                                           guests)[0]

        viewer_id, viewer_creds = create_member(endpoint_url, "viewer", "viewer@example.test")
        management = _session()
        org_arn = next(t["TrailARN"] for t in management.client("cloudtrail").describe_trails()["trailList"]
                       if t.get("IsOrganizationTrail"))
        viewer = OrgTrailShadows(management, org_arn).install(_session(viewer_creds))
        states["org-member"] = _record("org-member", viewer, viewer_id, controls)[0]
    return states


def _trail_with_disabled_key(session, account_id: str) -> None:
    bucket = f"legacy-encrypted-{account_id}"
    session.client("s3").create_bucket(Bucket=bucket)
    kms = session.client("kms")
    meta = kms.create_key(Description="legacy trail key")["KeyMetadata"]
    key_arn = meta["Arn"]
    kms.disable_key(KeyId=meta["KeyId"])
    ct = session.client("cloudtrail")
    ct.create_trail(Name="legacy-encrypted", S3BucketName=bucket, KmsKeyId=key_arn, EnableLogFileValidation=True)
    ct.start_logging(Name="legacy-encrypted")


def _cross_account_trail(archive, member, archive_id: str) -> None:
    """The AWS-recommended layout: the log-archive account owns the bucket and the key; the member's trail
    uses both (moto, like AWS, accepts a bucket of another account when its policy lets CloudTrail write)."""
    bucket = f"trailguard-logs-{archive_id}"
    archive.client("s3").create_bucket(Bucket=bucket)
    key_arn = archive.client("kms").create_key(Description="log archive")["KeyMetadata"]["Arn"]
    ct = member.client("cloudtrail")
    ct.create_trail(Name="workload-trail", S3BucketName=bucket, IsMultiRegionTrail=True,
                    EnableLogFileValidation=True, IncludeGlobalServiceEvents=True, KmsKeyId=key_arn)
    ct.put_event_selectors(TrailName="workload-trail", EventSelectors=[
        {"ReadWriteType": "All", "IncludeManagementEvents": True}])
    ct.start_logging(Name="workload-trail")


def live_controls():
    """Every control an account audit runs: configuration, history (CH, LookupEvents paced on a virtual
    clock, see sweep.run_options) and Lake (CL)."""
    from checks.catalog import all_controls

    return [c for c in all_controls() if "live" in c.targets]
