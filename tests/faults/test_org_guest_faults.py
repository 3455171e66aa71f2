"""Fail closed in the guest step of an organization run: who owns a member's trail bucket is learnt from
the other accounts' s3:ListBuckets (the run's ownership evidence, or a shard's probe of the accounts
outside it; checks/org_guests.py). When the log-archive account's s3:ListBuckets fails, nobody can name
the owner: the bucket must not silently go unassessed (the member's rows say "owned by another account;
audit that account", the archive's would say nothing). Same invariant as test_fault_sweep.py, on the
archive's s3:ListBuckets x every fault class, in one run, in shards merged and in scheduled batches merged.

The layout is the one AWS recommends: a member's trail writes to a bucket of a log-archive account.
"""
from __future__ import annotations

import contextlib
import json
import threading

import boto3
from moto import mock_aws

from checks.org_sessions import SessionFactory
from sweep import FAULTS, Outcome, fault_answer, judge

_ACTIVE = threading.local()  # the account whose calls the current thread makes (set by _Factory's sessions)
# Batches cost five runs each: an error answer and a malformed 200 (the probe and the collector treat every
# error class alike; the one run and the shards take all six).
BATCH_FAULTS = ("denied", "missing-key")
FAULT: dict = {}  # {"account", "kind", "recorded"}: fault that account's s3:ListBuckets


def _controls():
    """The controls the guest step judges: bucket-scope rules and the rules that judge the trail's key."""
    from checks.catalog import all_controls
    from checks.rules import all_rules

    rules = all_rules()
    return [c for c in all_controls() if "live" in c.targets
            and (rules[c.id].scope == "bucket" or rules[c.id].judges == "key")]


def _fault_list_buckets(context, **_):
    if FAULT and getattr(_ACTIVE, "account", None) == FAULT["account"]:
        got = fault_answer(FAULT["kind"], "s3", "ListBuckets", FAULT["recorded"])
        if isinstance(got, Exception):
            raise got
        return got
    return None


class _Factory(SessionFactory):
    """The run's factory; its sessions tell the hook which account is calling."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.session.events.register("before-call.s3.ListBuckets", _fault_list_buckets)

    def assumed_session(self, account_id: str):
        session = super().assumed_session(account_id)
        inner = session.active

        @contextlib.contextmanager
        def active():
            previous, _ACTIVE.account = getattr(_ACTIVE, "account", None), account_id
            try:
                with inner():
                    yield
            finally:
                _ACTIVE.account = previous

        session.active = active
        return session


def _outcome(run) -> Outcome:
    return Outcome({(f.control_id, f.account_id, f.region, f.resource): (f.status.value, f.reason)
                    for f in run.findings})


def _layout(session, archive: str, member: str) -> str:
    from testkit.org import member_session

    bucket = f"trailguard-logs-{archive}"
    archive_session = member_session(session, archive)
    archive_session.client("s3").create_bucket(Bucket=bucket)
    key = archive_session.client("kms").create_key(Description="log archive")["KeyMetadata"]["Arn"]
    ct = member_session(session, member).client("cloudtrail")
    ct.create_trail(Name="workload-trail", S3BucketName=bucket, IsMultiRegionTrail=True, KmsKeyId=key,
                    EnableLogFileValidation=True)
    ct.start_logging(Name="workload-trail")
    return bucket


def _apart(management: str, members: list[str]):
    """A shard count and (archive, member) in different shards, neither with the management account."""
    from checks.org_shard import shard_of

    for count in range(2, 8):
        away = [m for m in members if shard_of(m, count) != shard_of(management, count)]
        pairs = [(a, m) for a in away for m in away if shard_of(a, count) != shard_of(m, count)]
        if pairs:
            return count, *pairs[0]
    raise AssertionError(f"no shard count of 2..7 separates {management} and {members}")


def _batches(session, controls, run_id: str, accounts: list[str]) -> list[str]:
    """The scheduled audit (checks/continuous/runs.py), every account alone in its batch, merged: _rows."""
    from checks.continuous.runs import RunConfig, audit_batch, list_accounts, merge_run

    cfg = RunConfig(bucket="trailguard-results-faults", controls=tuple(c.id for c in controls))
    listed = list_accounts(session, cfg, run_id)
    for account in accounts:
        audit_batch(session, cfg, [account], run_id=run_id, caller=listed["caller"], partition=listed["partition"],
                    management_id=listed["management_id"], session_factory=_Factory)
    merge_run(session, cfg, run_id)
    report = session.client("s3").get_object(Bucket=cfg.bucket, Key=f"runs/{run_id}/report.json")["Body"].read()
    return sorted(json.dumps([f["control_id"], f["account_id"], f["region"], f["resource"], f["status"], f["reason"]])
                  for f in json.loads(report)["findings"])


def _org_runs():
    """(names, the fault-free one run, {fault: (one run, shards merged, batches merged)}) with the archive's
    ListBuckets faulted."""
    from checks.merge.core import load_part, merge_parts
    from checks.org import audit_organization
    from checks.org_shard import Shard, audit_shard
    from checks.report import ReportOptions, render
    from testkit.org import member_session, seed_organization

    controls, runs = _controls(), {}
    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        management, members = seed_organization(session, 4)
        count, archive, member = _apart(management, members)
        bucket = _layout(session, archive, member)
        recorded = member_session(session, archive).client("s3").list_buckets()
        session.client("s3").create_bucket(Bucket="trailguard-results-faults")
        base = audit_organization(session, controls, workers=2, session_factory=_Factory)
        for kind in FAULTS:
            FAULT.update(account=archive, kind=kind, recorded=recorded)
            try:
                whole = audit_organization(session, controls, workers=2, session_factory=_Factory)
                shards = [audit_shard(Shard(k, count), session, controls, workers=2, session_factory=_Factory)
                          for k in range(1, count + 1)]
                batches = (_batches(session, controls, f"2026-03-{len(runs) + 1:02d}", sorted([management, *members]))
                           if kind in BATCH_FAULTS else None)
            finally:
                FAULT.clear()
            runs[kind] = (whole, merge_parts([load_part(render("json", s, controls, ReportOptions()), f"shard-{k}.json")
                                              for k, s in enumerate(shards, 1)]), batches)
    return {"archive": archive, "member": member, "bucket": bucket}, base, runs


def _rows(run) -> list[str]:
    return sorted(json.dumps([f.control_id, f.account_id, f.region, f.resource, f.status.value, f.reason])
                  for f in run.findings)


def test_org_guest_archive_list_buckets_every_fault_keeps_the_invariant_in_every_org_mode():
    """Fault-free, the member's bucket is judged in the archive's row. With the archive's s3:ListBuckets
    faulted (every class), in one run: the archive's rows on the bucket turn ERROR naming s3:ListBuckets and
    nothing turns PASS or FAIL (the member's rows stay NOT_APPLICABLE, only no longer naming the owner: nobody
    could); with the archive and the member in different shards (the member's shard probes the archive's
    bucket list), and in a scheduled audit of one account per batch, the merge has the single run's
    findings. One test, so one xdist worker builds the runs."""
    from checks.org_owners import bucket_owner_reason

    names, base_run, runs = _org_runs()
    base = _outcome(base_run)
    bucket_arn = f"arn:aws:s3:::{names['bucket']}"
    judged = {k[0]: v[0] for k, v in base.findings.items() if k[1] == names["archive"] and k[3] == bucket_arn}
    assert judged and set(judged.values()) <= {"PASS", "FAIL"}  # judged there, not skipped
    assert judged["s3_trail_bucket_versioning_enabled"] == "FAIL"  # moto's new bucket: never versioned
    unnamed = ("NOT_APPLICABLE", bucket_owner_reason(names["bucket"], None))
    for fault, (whole, merged, batches) in runs.items():
        got = _outcome(whole)
        renamed = {k for k, v in got.findings.items() if v == unnamed and base.findings[k][0] == "NOT_APPLICABLE"}
        assert renamed and {k[1] for k in renamed} == {names["member"]}, fault
        got.findings.update({k: base.findings[k] for k in renamed})
        verdict = judge(("s3", "ListBuckets"), fault, base, got)
        assert verdict.violations == [], fault
        erred = {k[0] for k, (status, reason) in got.findings.items() if k[1] == names["archive"]
                 and k[3] == bucket_arn and status == "ERROR" and "s3:ListBuckets" in reason}
        assert erred == set(judged), fault
        assert _rows(merged) == _rows(whole), fault
        assert batches is None or batches == _rows(whole), fault
    assert {f for f, (_, _, b) in runs.items() if b is not None} == set(BATCH_FAULTS)
