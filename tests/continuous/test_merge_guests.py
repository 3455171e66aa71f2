"""Guests across shards and scheduled batches: a member M's own trail writes to a bucket (and encrypts with a
KMS key) of an archive member O (the CloudTrail user guide's "Receiving CloudTrail log files from multiple
accounts" layout, testkit/guests.py). A shard holding M but not O names O by listing the other selected
accounts' buckets and judges the guest in O's row, recording it in its "guests" list; `merge` keeps what the
single `--org` run keeps (checks/org_guests.py), whichever shard O lands in.
"""
from __future__ import annotations

import json
import re

import boto3
import pytest
from moto import mock_aws

from checks import org
from checks.catalog import all_controls
from checks.merge.core import load_part, merge_parts
from checks.model import Status
from checks.org_shard import Shard, audit_shard, shard_of
from checks.report import ReportOptions, render
from checks.rules import all_rules
from testkit.guests import allow_writers, archive, writer_trail
from testkit.org import seed_organization

_RULES = all_rules()
CONTROLS = [c for c in all_controls() if "live" in c.targets and c.family in ("trail", "resources")]
BUCKET_IDS = {c.id for c in CONTROLS if _RULES[c.id].scope == "bucket"}
BUCKET = "org-archive-guest-0002"
B_ARN = f"arn:aws:s3:::{BUCKET}"
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)?")


def _json(run) -> str:
    doc = json.loads(render("json", run, CONTROLS, ReportOptions()))
    doc["summary"].pop("generated_at")
    return _TIME.sub("<time>", json.dumps(doc, indent=1))


def _apart(accounts: list[str]) -> tuple[int, str, str]:
    """A shard count and two of ``accounts`` in different shards (jump hash of random moto ids: searched)."""
    for count in range(2, 8):
        for owner in accounts:
            for user in accounts:
                if shard_of(owner, count) != shard_of(user, count):
                    return count, owner, user
    raise AssertionError(f"no shard count of 2..7 separates any two of {accounts}")


@pytest.mark.parametrize("owner_uses_it", [False, True], ids=["owner-sees-no-trail", "owners-own-trail-uses-it"])
def test_guests_judged_by_the_users_shard_merge_to_the_single_run(owner_uses_it):
    """Without a trail of its own on the bucket, the archive's shard judges nothing there and M's shard judges
    the guest in O's row; with O's own trail on it, O's shard judges it and merge drops M's shard's rows (O's
    evidence lists the bucket in "uses"), as the single run never judges it twice."""
    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        _, members = seed_organization(session, 3)
        count, owner, user = _apart(members)
        key = archive(session, owner, BUCKET)
        trails = [writer_trail(session, user, "own", BUCKET, key)]
        if owner_uses_it:
            trails.append(writer_trail(session, owner, "archive-own", BUCKET, key))
        allow_writers(session, owner, BUCKET, trails)
        whole = org.audit_organization(session, CONTROLS, workers=3)
        shards = [audit_shard(Shard(k, count), session, CONTROLS, workers=3) for k in range(1, count + 1)]
    mine = next(s for s in shards if user in s.accounts)
    theirs = next(s for s in shards if owner in s.accounts)
    judged = [f for f in mine.findings if f.account_id == owner and f.resource in (B_ARN, key)]
    assert {f.control_id for f in judged if f.resource == B_ARN} == BUCKET_IDS  # M's shard judged O's guest
    assert all(f.status in (Status.PASS, Status.FAIL) for f in judged if f.resource == B_ARN)
    assert {(g["account"], g["resource"]) for g in mine.shard["guests"]} == {(owner, B_ARN), (owner, key)}
    assert owner not in mine.accounts  # the row is filed in O's account, not audited by M's shard
    own_rows = [f for f in theirs.findings if f.account_id == owner and f.resource == B_ARN]
    if owner_uses_it:
        assert {f.control_id for f in own_rows} == BUCKET_IDS and theirs.shard["guests"] == []
        assert B_ARN in theirs.shard["accounts"][owner]["uses"]
    else:
        assert own_rows == [] and theirs.shard["guests"] == []  # O's shard sees no trail on B: judges nothing
    merged = merge_parts([load_part(render("json", s, CONTROLS, ReportOptions()), f"shard-{i}.json")
                          for i, s in enumerate(shards, 1)])
    assert _json(merged) == _json(whole)
    in_owner = [f for f in merged.findings if f.account_id == owner and f.resource == B_ARN]
    assert sorted(f.control_id for f in in_owner) == sorted(BUCKET_IDS)  # once per control, from one shard


def test_scheduled_run_whose_archive_batch_failed_keeps_no_guest_rows_for_it():
    """The writer's batch judges the archive's guests (the archive is in the run's selection); the archive's
    own batch never reports. merge_run files the archive as "not audited" (ERROR rows naming the failed batch),
    and, as a single run keeps no guest rows for an account it could not audit, the writer's guest rows go."""
    from checks.continuous.runs import BATCH_FAILED, RunConfig, audit_batch, list_accounts, merge_run

    controls = [c for c in CONTROLS if c.id in BUCKET_IDS]
    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        management, (owner, user) = seed_organization(session, 2)
        key = archive(session, owner, BUCKET)
        allow_writers(session, owner, BUCKET, [writer_trail(session, user, "own", BUCKET, key)])
        session.client("s3").create_bucket(Bucket="trailguard-results-guests")
        cfg = RunConfig(bucket="trailguard-results-guests", controls=tuple(c.id for c in controls))
        listed = list_accounts(session, cfg, "2026-03-02")
        for account in (management, user):  # the archive's batch is lost
            audit_batch(session, cfg, [account], run_id="2026-03-02", caller=listed["caller"],
                        partition=listed["partition"], management_id=listed["management_id"])
        reports = session.client("s3")
        batch = json.loads(reports.get_object(Bucket=cfg.bucket, Key=f"runs/2026-03-02/accounts/{user}.json")
                           ["Body"].read())
        merge_run(session, cfg, "2026-03-02")
        ours = json.loads(reports.get_object(Bucket=cfg.bucket, Key="runs/2026-03-02/report.json")["Body"].read())
    judged = [f for f in batch["findings"] if f["account_id"] == owner and f["resource"] == B_ARN]
    assert sorted(f["control_id"] for f in judged) == sorted(BUCKET_IDS)  # the writer's batch did judge them
    rows = [f for f in ours["findings"] if f["account_id"] == owner]
    assert rows and all(f["status"] == "ERROR" and f["outcome"] == BATCH_FAILED for f in rows), rows
