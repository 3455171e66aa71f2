"""Fail closed, proven: every API call the audit makes, under every fault class, on five states (four
account audits, and a log-archive account judging another account's bucket and key as --org guests).

The invariant (issue 12): each finding of a faulted run is identical to the fault-free finding, or ERROR
with a reason naming the failed API (or, for a FAIL, still FAIL on other evidence); nothing the
fault-free run reported disappears unless its control reports that ERROR; and the run never aborts.
So a fault never turns into PASS where the truth is FAIL, nor into FAIL where the truth is PASS.

The operations swept are those the fault-free run really called (recorded), not a hand-written list.
"""
from __future__ import annotations

import pytest

from states import live_controls
from sweep import FAULTS, Replay, audit, ops_of, sweep

STATES = ("provisioned", "legacy", "cross-account", "org-member", "archive-guests")


@pytest.mark.parametrize("name", STATES)
def test_fault_sweep_every_operation_every_fault_keeps_the_invariant(swept_states, name):
    state = swept_states[name]
    base, verdicts = sweep(state.calls, state.account_id, live_controls(), state.collected_at, guests=state.guests)
    assert base.findings == state.findings  # the replay answers exactly as the emulator did
    violations = [v for verdict in verdicts for v in verdict.violations]
    assert violations == []
    assert {v.fault for v in verdicts} == set(FAULTS)
    assert sum(v.to_error for v in verdicts) > 0  # faults are really injected: findings did turn ERROR


def test_fault_sweep_records_the_calls_of_every_family(swept_states):
    """The recorded operations cover what each family reads (a sweep over nothing proves nothing), history
    (LookupEvents) and Lake (the provisioned stack's organization event data store) included."""
    ops = {op for state in swept_states.values() for op in ops_of(state.calls)}
    for expected in [("cloudtrail", "ListTrails"), ("cloudtrail", "DescribeTrails"), ("cloudtrail", "GetTrailStatus"),
                     ("cloudtrail", "GetEventSelectors"), ("s3", "ListBuckets"), ("s3", "GetBucketLogging"),
                     ("kms", "DescribeKey"), ("logs", "DescribeLogGroups"), ("ec2", "DescribeRegions"),
                     ("cloudwatch", "DescribeAlarms"), ("s3control", "GetPublicAccessBlock"),
                     ("cloudtrail", "LookupEvents"), ("cloudtrail", "ListEventDataStores"),
                     ("cloudtrail", "GetEventDataStore"), ("organizations", "DescribeOrganization")]:
        assert expected in ops, expected


def test_fault_sweep_catches_a_reintroduced_false_pass(swept_states, monkeypatch):
    """The sweep is not vacuous: put back the old CT-07 defect (an unknown key state counted as fine) and
    the legacy state's trail with a disabled key turns FAIL -> PASS when kms:DescribeKey is denied."""
    from checks.model import Status
    from checks.rules import trail

    def old_kms_verdict(account, t):
        key = account.keys.get(t.kms_key_id or "")
        if t.kms_key_id == "":
            return Status.FAIL, "does not encrypt its logs with a KMS key"
        if key and key.key_state not in (None, "Enabled"):
            return Status.FAIL, f"encrypts with KMS key {key.arn}, which is {key.key_state}"
        return Status.PASS, ""

    state = swept_states["legacy"]
    monkeypatch.setattr(trail, "kms_verdict", old_kms_verdict)
    _, verdicts = sweep(state.calls, state.account_id, live_controls(), state.collected_at, faults=("denied",))
    caught = [v for verdict in verdicts if verdict.op == ("kms", "DescribeKey") for v in verdict.violations]
    assert any("cloudtrail_kms_encryption_enabled" in v and "FAIL -> PASS" in v for v in caught), caught


def test_fault_sweep_kms_key_disabled_and_describe_key_denied_is_error_not_pass(swept_states):
    state = swept_states["legacy"]
    replay = Replay(state.calls)
    replay.fault = ("kms", "DescribeKey", "denied")
    got = audit(replay, state.account_id, live_controls(), state.collected_at)
    ct07 = {k[3]: v for k, v in state.findings.items() if k[0] == "cloudtrail_kms_encryption_enabled"}
    faulted = {k[3]: v for k, v in got.findings.items() if k[0] == "cloudtrail_kms_encryption_enabled"}
    arn = next(a for a in ct07 if a.endswith("/legacy-encrypted"))
    assert ct07[arn][0] == "FAIL" and "Disabled" in ct07[arn][1]
    assert faulted[arn][0] == "ERROR" and "kms:DescribeKey" in faulted[arn][1]


def test_fault_sweep_archive_guests_records_the_owner_reading_the_members_bucket_and_key(swept_states):
    """The guest state sweeps what an organization run reads with the log-archive account's credentials
    for the member's trail (checks/collect/guests.py): the bucket's settings, the account's Block Public
    Access and the key; its findings are the archive's rows about exactly that bucket and key."""
    state, member = swept_states["archive-guests"], swept_states["cross-account"]
    trail = next(iter(state.guests.buckets.values()))
    assert trail.owner_account_id == member.account_id != state.account_id
    ops = set(ops_of(state.calls))
    for expected in [("s3", "GetBucketVersioning"), ("s3", "GetBucketPolicy"), ("s3", "GetBucketLogging"),
                     ("s3", "GetObjectLockConfiguration"), ("s3control", "GetPublicAccessBlock"),
                     ("kms", "DescribeKey"), ("kms", "GetKeyRotationStatus")]:
        assert expected in ops, expected
    assert not any(service == "cloudtrail" for service, _ in ops)  # the member's trail is not read again
    resources = {f"arn:aws:s3:::{trail.s3_bucket_name}", trail.kms_key_id}
    assert {k[1] for k in state.findings} == {state.account_id}
    assert {k[3] for k in state.findings} == resources


def test_fault_sweep_catches_a_reintroduced_guest_false_pass(swept_states, monkeypatch):
    """Not vacuous on the guest path either: make collect_guests count an unreadable versioning state as
    "Enabled" and the archive's FAIL on the member's bucket turns PASS when s3:GetBucketVersioning is denied."""
    from checks.collect import guests

    real = guests.read_bucket

    def defective_read_bucket(clients, bucket, parts):
        real(clients, bucket, parts)
        if bucket.errors.pop("versioning_status", None):
            bucket.versioning_status = "Enabled"

    state = swept_states["archive-guests"]
    monkeypatch.setattr(guests, "read_bucket", defective_read_bucket)
    _, verdicts = sweep(state.calls, state.account_id, live_controls(), state.collected_at, faults=("denied",),
                        guests=state.guests)
    caught = [v for verdict in verdicts if verdict.op == ("s3", "GetBucketVersioning") for v in verdict.violations]
    assert any("s3_trail_bucket_versioning_enabled" in v and "FAIL -> PASS" in v for v in caught), caught
