"""The history collector and CH-01/CH-02 end to end in process: moto + the sandbox's LookupEvents.

Two regions only (DescribeRegions is narrowed) and a fast token bucket keep these tests quick; the rate
limit itself is tested in test_ratelimit.py.
"""
from __future__ import annotations

import datetime as dt

import boto3
import pytest
from botocore.config import Config
from moto import mock_aws

from checks.catalog import get
from checks.collect import collect_account
from checks.engine import evaluate
from checks.history import options
from checks.history.ratelimit import Pacer
from checks.model import Status
from sandbox import trail_history

ACCOUNT, REGION, OTHER = "123456789012", "us-east-1", "eu-west-1"
NOW = dt.datetime.now(dt.timezone.utc)
FAST = Pacer(1000.0)  # the rate limit is tested in test_ratelimit.py
MALLORY = "arn:aws:sts::123456789012:assumed-role/ops-admin/mallory"
DEPLOYER = "arn:aws:sts::123456789012:assumed-role/trailguard-deployer/pulumi"


@pytest.fixture
def world(monkeypatch):
    import checks.collect as collect
    import checks.collect.clients as clients
    from moto.cloudtrail.models import CloudTrailBackend, cloudtrail_backends

    monkeypatch.setattr(CloudTrailBackend, "list_trails", lambda self: [
        t for b in cloudtrail_backends[self.account_id].values() for t in b.trails.values()])
    monkeypatch.setattr(collect, "_regions", lambda c, facts: setattr(facts, "enabled_regions", (OTHER, REGION)))
    monkeypatch.setattr(clients, "RETRY_CONFIG", Config(retries={"mode": "standard", "max_attempts": 1}))
    monkeypatch.setattr(options, "_current", options.HistoryOptions(pacer=FAST))
    trail_history.install()
    with mock_aws():
        session = boto3.Session(region_name=REGION)
        session.client("s3").create_bucket(Bucket="audit-trail-bucket")
        ct = session.client("cloudtrail")
        ct.create_trail(Name="audit-trail", S3BucketName="audit-trail-bucket", IsMultiRegionTrail=True,
                        KmsKeyId=session.client("kms").create_key()["KeyMetadata"]["Arn"])
        ct.put_event_selectors(TrailName="audit-trail", EventSelectors=[
            {"ReadWriteType": "All", "IncludeManagementEvents": True}])
        ct.start_logging(Name="audit-trail")
        # the stack was deployed a month ago: nothing of it is in the 7-day window
        trail_history.forget(ACCOUNT, REGION, lambda r: True)
        trail_history.backdate_trail(ACCOUNT, REGION, "audit-trail", NOW - dt.timedelta(days=30))
        yield session


def seed(event_name, hours, actor=MALLORY, region=REGION, source="cloudtrail.amazonaws.com", **request):
    trail_history.seed(ACCOUNT, region, [trail_history.make_record(
        account_id=ACCOUNT, region=region, name=event_name, source=source, when=NOW - dt.timedelta(hours=hours),
        request=request, actor_arn=actor, source_ip="203.0.113.50")])


def run(session, control_id):
    controls = [get(control_id)]
    return evaluate(collect_account(session, account_id=ACCOUNT, controls=controls), controls)


def test_cloudtrail_logging_continuous_pass_trail_logging_all_window(world):
    findings = run(world, "cloudtrail_logging_continuous")
    assert [(f.region, f.status) for f in findings] == [(OTHER, Status.PASS), (REGION, Status.PASS)]


def test_cloudtrail_logging_continuous_fail_stop_then_start_names_who_and_where(world):
    seed("StopLogging", 6, name="audit-trail")
    seed("StartLogging", 2, actor=DEPLOYER, name="audit-trail")
    findings = run(world, "cloudtrail_logging_continuous")
    assert {f.status for f in findings} == {Status.FAIL}
    reason = findings[0].reason
    assert "StopLogging of trail audit-trail by " + MALLORY + " from 203.0.113.50" in reason


def test_cloudtrail_logging_continuous_error_throttled_lookup_events_never_passes(world, monkeypatch):
    real = trail_history.lookup_events

    def throttled(account, region, params):
        if region == OTHER:
            raise trail_history.LookupError_("ThrottlingException", "Rate exceeded")
        return real(account, region, params)

    monkeypatch.setattr(trail_history, "lookup_events", throttled)
    findings = run(world, "cloudtrail_logging_continuous")
    assert {f.status for f in findings} == {Status.ERROR}  # us-east-1 too: a stop there may be recorded anywhere
    assert all("cloudtrail:LookupEvents failed" in f.reason and "ThrottlingException" in f.reason
               for f in findings)


def test_cloudtrail_audit_resources_untampered_pass_nothing_happened(world):
    (finding,) = run(world, "cloudtrail_audit_resources_untampered")
    assert finding.status == Status.PASS and "INFO" not in finding.reason


def test_cloudtrail_audit_resources_untampered_fail_key_disabled_and_bucket_policy_changed(world):
    key = world.client("cloudtrail").describe_trails()["trailList"][0]["KmsKeyId"]
    world.client("kms").disable_key(KeyId=key.rsplit("/", 1)[-1])  # recorded by the emulator as the call happens
    seed("PutBucketPolicy", 3, source="s3.amazonaws.com", bucketName="audit-trail-bucket", policy={})
    seed("PutBucketPolicy", 3, source="s3.amazonaws.com", bucketName="some-other-bucket", policy={})
    (finding,) = run(world, "cloudtrail_audit_resources_untampered")
    assert finding.status == Status.FAIL
    assert "2 event(s)" in finding.reason and "DisableKey on key" in finding.reason
    assert f"PutBucketPolicy on bucket audit-trail-bucket" in finding.reason and "some-other-bucket" not in finding.reason


def test_cloudtrail_audit_resources_untampered_pass_deployer_role_change_is_info(world, monkeypatch):
    monkeypatch.setattr(options, "_current", options.HistoryOptions(days=7, deployer_roles=("trailguard-deployer",),
                                                                    pacer=FAST))
    seed("PutBucketPolicy", 3, actor=DEPLOYER, source="s3.amazonaws.com", bucketName="audit-trail-bucket")
    (finding,) = run(world, "cloudtrail_audit_resources_untampered")
    assert finding.status == Status.PASS
    assert "INFO: 1 change(s) by the deployer role: PutBucketPolicy on bucket audit-trail-bucket" in finding.reason


def test_cloudtrail_audit_resources_untampered_fail_organizations_access_disabled(world):
    seed("DisableAWSServiceAccess", 1, source="organizations.amazonaws.com",
         servicePrincipal="cloudtrail.amazonaws.com")
    (finding,) = run(world, "cloudtrail_audit_resources_untampered")
    assert finding.status == Status.FAIL and "CloudTrail trusted access in AWS Organizations" in finding.reason


def test_cloudtrail_audit_resources_untampered_error_lookup_denied(world, monkeypatch):
    monkeypatch.setattr(trail_history, "lookup_events", lambda *a: (_ for _ in ()).throw(
        trail_history.LookupError_("AccessDeniedException", "not authorized")))
    (finding,) = run(world, "cloudtrail_audit_resources_untampered")
    assert finding.status == Status.ERROR and "cloudtrail:LookupEvents" in finding.reason


@pytest.mark.parametrize("throttle_other", [False, True])
def test_history_progress_counts_every_lookup_once_and_ends_complete(world, monkeypatch, throttle_other):
    """One progress over every (region, event name) lookup: it ends at total/total, a region whose lookups
    failed counts its unmade lookups as errors, and the number matches the LookupEvents requests made."""
    from checks.progress import LineProgress

    real = trail_history.lookup_events

    def lookup(account, region, params):
        if throttle_other and region == OTHER:
            raise trail_history.LookupError_("ThrottlingException", "Rate exceeded")
        return real(account, region, params)

    monkeypatch.setattr(trail_history, "lookup_events", lookup)
    lines: list[str] = []
    progress = LineProgress(lines.append)
    progress.noun, progress.verb, progress.doing = "history lookups", "done:", "looking up"
    controls = [get("cloudtrail_logging_continuous"), get("cloudtrail_audit_resources_untampered")]
    facts = collect_account(world, account_id=ACCOUNT, controls=controls,
                            history=options.HistoryOptions(pacer=FAST, progress=progress))
    total = progress.total
    assert lines[0] == f"looking up {total} history lookups" and progress.done == total
    assert lines[-1].startswith(f"done: {total}/{total} history lookups")
    if throttle_other:  # the first lookup in OTHER failed (one request), the region's other names were skipped
        assert progress.errors == len(trail_history_names()) and lines[-1].endswith(f"{progress.errors} errors")
        assert facts.history.calls == total - progress.errors
    else:
        assert progress.errors == 0 and facts.history.calls == total  # every lookup is one page here


def trail_history_names():
    from checks.history.events import TRAIL_EVENTS

    return TRAIL_EVENTS
