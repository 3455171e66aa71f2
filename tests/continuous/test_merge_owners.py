"""A member's trail bucket owned by another account: one ``audit --org`` run names the owner ("Bucket X is
owned by account A; audit that account.", checks/org_owners.py). A shard or a scheduled-audit batch that
does not hold the owner can't name it alone, so it records ownership evidence and the merge names it:
the merge must still equal the single run, whichever shard or batch the owner lands in.

The layout is the one AWS recommends (Organizations user guide, "Best practices for a multi-account
environment"; Control Tower's Log Archive account): the organization trail of the management account and
a member's own trail write to a bucket of a log-archive member.
"""
from __future__ import annotations

import json
import re

import boto3
import pytest
from moto import mock_aws

from checks import org
from checks.catalog import all_controls
from checks.continuous.runs import RunConfig, audit_batch, list_accounts, merge_run
from checks.merge.core import load_part, merge_parts
from checks.model import Finding, Severity, Status
from checks.org_owners import bucket_owner_reason, name_owners
from checks.org_shard import Shard, audit_shard, shard_of
from testkit.org import OrgTrailShadows, create_trail, factory_installing, member_session, seed_organization
from checks.report import ReportOptions, render

CONTROLS = [c for c in all_controls() if "live" in c.targets and c.family in ("trail", "resources")]
BUCKET_CONTROLS = {c.id for c in CONTROLS if c.id.startswith(("cloudtrail_bucket_", "s3_trail_bucket_"))}
ARCHIVE_BUCKET = "org-logs-archive-0002"
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)?")


def _json(run, controls=CONTROLS) -> str:
    doc = json.loads(render("json", run, controls, ReportOptions()))
    doc["summary"].pop("generated_at")
    return _TIME.sub("<time>", json.dumps(doc, indent=1))


def _archive_layout(session, archive: str, writer: str) -> str:
    """The archive bucket in ``archive``; the organization trail and ``writer``'s own trail write to it."""
    member_session(session, archive).client("s3").create_bucket(Bucket=ARCHIVE_BUCKET)
    ct = session.client("cloudtrail")
    arn = ct.create_trail(Name="org-trail", S3BucketName=ARCHIVE_BUCKET, IsMultiRegionTrail=True,
                          IsOrganizationTrail=True)["TrailARN"]
    ct.start_logging(Name="org-trail")
    own = member_session(session, writer).client("cloudtrail")
    own.create_trail(Name="own", S3BucketName=ARCHIVE_BUCKET, IsMultiRegionTrail=True)
    own.start_logging(Name="own")
    return arn


def _split(management: str, members: list[str]) -> tuple[int, str, str]:
    """A shard count and a log-archive member and a writing member, each in a shard without the management
    account and apart from each other where the count allows (jump hash of random moto ids: searched)."""
    for count in range(2, 8):
        home = shard_of(management, count)
        away = [m for m in members if shard_of(m, count) != home]
        for archive in away:
            writers = [m for m in away if m != archive and shard_of(m, count) != shard_of(archive, count)]
            if writers:
                return count, archive, writers[0]
    raise AssertionError(f"no shard count of 2..7 separates {management} and {members}")


def test_member_and_its_bucket_owner_in_different_shards_merge_to_the_single_run():
    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        management, members = seed_organization(session, 5)
        count, archive, writer = _split(management, members)
        factory = factory_installing(OrgTrailShadows(session, _archive_layout(session, archive, writer)).install)
        whole = org.audit_organization(session, CONTROLS, workers=3, session_factory=factory)
        shards = [audit_shard(Shard(k, count), session, CONTROLS, workers=3, session_factory=factory)
                  for k in range(1, count + 1)]
    unnamed = bucket_owner_reason(ARCHIVE_BUCKET, None)
    home = next(s for s in shards if management in s.accounts)
    assert any(f.reason == unnamed for f in home.findings if f.account_id == management)  # the shard can't name it
    merged = merge_parts([load_part(render("json", s, CONTROLS, ReportOptions()), f"shard-{i}.json")
                          for i, s in enumerate(shards, 1)])
    assert _json(merged) == _json(whole)
    for account in (management, writer):
        rows = [f for f in merged.findings if f.account_id == account and f.control_id in BUCKET_CONTROLS
                and f.resource.endswith(f":::{ARCHIVE_BUCKET}")]
        assert {f.control_id for f in rows} == BUCKET_CONTROLS
        assert all(f.status is Status.NOT_APPLICABLE and f"owned by account {archive};" in f.reason for f in rows)


def test_scheduled_audit_names_the_owner_across_batches_of_one_account_even_an_owner_without_trails():
    controls = [c for c in CONTROLS if c.id in BUCKET_CONTROLS]
    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        management, members = seed_organization(session, 3)
        archive, writer = members[0], members[2]
        _archive_layout(session, archive, writer)
        # moto shows the organization trail to no member, so the archive sees no trail at all: it is named as
        # the owner from its s3:ListBuckets, which it makes without a trail bucket of its own (collect/buckets.py)
        assert member_session(session, archive).client("cloudtrail").list_trails()["Trails"] == []
        session.client("s3").create_bucket(Bucket="trailguard-results-owners")
        cfg = RunConfig(bucket="trailguard-results-owners", controls=tuple(c.id for c in controls))
        listed = list_accounts(session, cfg, "2026-03-01")
        for account in sorted([management, *members]):  # every account alone in its batch: the owner never shares one
            audit_batch(session, cfg, [account], run_id="2026-03-01", caller=listed["caller"],
                        partition=listed["partition"], management_id=listed["management_id"])
        merge_run(session, cfg, "2026-03-01")
        ours = json.loads(session.client("s3").get_object(Bucket=cfg.bucket, Key="runs/2026-03-01/report.json")
                          ["Body"].read())
        whole = org.audit_organization(session, controls, workers=2)
    ours["summary"].pop("generated_at")
    assert _TIME.sub("<time>", json.dumps(ours, indent=1)) == _json(whole, controls)
    named = [f for f in ours["findings"] if f["account_id"] in (management, writer)]
    assert named and all(f"owned by account {archive};" in f["reason"] for f in named)
    # and the archive's row judges the bucket (a guest: no trail it sees uses it), once per control, though the
    # writer's batch alone saw the trail and named the owner by listing the other accounts' buckets
    judged = [(f["control_id"], f["status"]) for f in ours["findings"]
              if f["account_id"] == archive and f["resource"] == f"arn:aws:s3:::{ARCHIVE_BUCKET}"]
    assert sorted(c for c, _ in judged) == sorted(BUCKET_CONTROLS) and {s for _, s in judged} <= {"PASS", "FAIL"}


A, B, C = "111111111111", "222222222222", "333333333333"


def _na(account: str, bucket: str, status: Status = Status.NOT_APPLICABLE) -> Finding:
    return Finding(control_id="cloudtrail_bucket_not_public", status=status, severity=Severity.HIGH, account_id=account,
                   region="global", resource=f"arn:aws:s3:::{bucket}", reason=bucket_owner_reason(bucket, None))


@pytest.mark.parametrize("evidence, finding, owner", [
    ({A: {"owns": ["logs"], "unowned": []}, B: {"owns": [], "unowned": ["logs"]}}, _na(B, "logs"), A),
    ({B: {"owns": [], "unowned": ["logs"]}}, _na(B, "logs"), None),  # the owner is in no input
    ({A: {"owns": None, "unowned": []}, B: {"owns": [], "unowned": ["logs"]}}, _na(B, "logs"), None),  # not listed
    ({C: {"owns": ["logs"]}, A: {"owns": ["logs"]}, B: {"unowned": ["logs"]}}, _na(B, "logs"), A),  # lowest id
    ({A: {"owns": ["logs"]}, B: {"unowned": ["other"]}}, _na(B, "logs"), None),  # B did not report it unowned
    ({A: {"owns": ["logs"]}, B: {"unowned": ["logs"]}}, _na(B, "logs", Status.ERROR), None),  # not an N/A row
    ({A: {"owns": ["logs"]}, B: {"unowned": ["logs"]}}, _na(C, "logs"), None),  # another account's row
    ({B: {"owns": ["logs"], "unowned": ["logs"]}}, _na(B, "logs"), None),  # never itself
    ({}, _na(B, "logs"), None),  # inputs without evidence (older reports): left as they are
])
def test_name_owners_renames_only_what_the_evidence_proves(evidence, finding, owner):
    (out,) = name_owners([finding], evidence)
    assert out.reason == (f"Bucket logs is owned by account {owner}; audit that account." if owner else finding.reason)
    assert (out.status, out.resource, out.control_id) == (finding.status, finding.resource, finding.control_id)
