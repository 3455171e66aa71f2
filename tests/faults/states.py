"""The four account states the fault sweep runs on, built in the emulator and recorded once each.

- provisioned: the management account after the demo stack (the real Pulumi program) is deployed;
- legacy: a member seeded with the common misconfigurations (sandbox/legacy.py), plus a second
  trail encrypted with a KMS key that was disabled later (the case a false PASS on CT-07 hides);
- cross-account: a member whose trail writes to a bucket and encrypts with a key of a log-archive account;
- org-member: a member with no trail of its own that sees the organization trail (as a shadow trail).
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


def _session(creds=None):
    import boto3

    kw = {}
    if creds is not None:
        kw = {"aws_access_key_id": creds.access_key_id, "aws_secret_access_key": creds.secret_access_key,
              "aws_session_token": creds.session_token}
    return boto3.Session(region_name=REGION, **kw)


def _record(name: str, session, account_id: str, controls) -> State:
    from sweep import audit

    calls = record(session)
    at = dt.datetime.now(dt.timezone.utc)
    outcome = audit(session, account_id, controls, at)
    assert not outcome.aborted, outcome.aborted
    return State(name, account_id, calls, outcome.findings, at)


def build_states(endpoint_url: str, controls) -> dict[str, State]:
    from testkit.org import OrgTrailShadows
    from sandbox.demo import create_alarm_queue, demo_config
    from sandbox.deployer import deploy
    from sandbox.legacy import create_member, create_organization, seed_legacy

    with mock.patch.dict(os.environ, {"AWS_ENDPOINT_URL": endpoint_url}):
        org = create_organization(endpoint_url)
        deploy(endpoint_url, demo_config(org.id, org.management_account_id, create_alarm_queue(endpoint_url)))
        states = {"provisioned": _record("provisioned", _session(), org.management_account_id, controls)}

        legacy_id, legacy_creds = create_member(endpoint_url, "legacy", "legacy@example.test")
        seed_legacy(endpoint_url, legacy_id, legacy_creds)
        _trail_with_disabled_key(_session(legacy_creds), legacy_id)
        states["legacy"] = _record("legacy", _session(legacy_creds), legacy_id, controls)

        archive_id, archive_creds = create_member(endpoint_url, "log-archive", "archive@example.test")
        member_id, member_creds = create_member(endpoint_url, "workload", "workload@example.test")
        _cross_account_trail(_session(archive_creds), _session(member_creds), archive_id)
        states["cross-account"] = _record("cross-account", _session(member_creds), member_id, controls)

        viewer_id, viewer_creds = create_member(endpoint_url, "viewer", "viewer@example.test")
        management = _session()
        org_arn = next(t["TrailARN"] for t in management.client("cloudtrail").describe_trails()["trailList"]
                       if t.get("IsOrganizationTrail"))
        viewer = OrgTrailShadows(management, org_arn).install(_session(viewer_creds))
        states["org-member"] = _record("org-member", viewer, viewer_id, controls)
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
