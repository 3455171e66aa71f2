"""checks.org_guests' pure parts, table-driven: plan_guests (which owner judges which guest, with which trail),
bucket_prober (naming a bucket's owner outside a shard, each account listed once, lowest id first) and
merge_guest_findings (merge keeps what one run keeps)."""
from __future__ import annotations

import pytest

from checks.facts import TrailFacts
from checks.model import Finding, Severity, Status
from checks.org_guests import GuestUse, bucket_prober, merge_guest_findings, plan_guests

O, M1, M2, X = "111111111111", "222222222222", "333333333333", "999999999999"
KEY = f"arn:aws:kms:us-east-1:{O}:key/k1"
LOGS = "arn:aws:s3:::logs"


def _trail(account: str, name: str) -> TrailFacts:
    return TrailFacts(f"arn:aws:cloudtrail:us-east-1:{account}:trail/{name}", name, "us-east-1", account)


T1, T2 = _trail(M1, "a"), _trail(M2, "a")  # T1's ARN < T2's ARN (account ids)


def bucket(user: str, trail: TrailFacts, owner: str = "") -> GuestUse:
    return GuestUse("bucket", "logs", owner, trail, user)


def key(user: str, trail: TrailFacts) -> GuestUse:
    return GuestUse("key", KEY, O, trail, user)


OK = (False, [])  # an audited owner whose visible trails use nothing


def _no_probe(name: str):
    raise AssertionError(f"probe called for {name}, which the run's evidence names")


# (uses, owners by bucket, home, probe) -> {owner: ({bucket: trail ARN}, {key: trail ARN}, user)}
PLANS = {
    "lowest-trail-arn-wins": ([bucket(M2, T2), bucket(M1, T1)], {"logs": O}, {O: OK}, _no_probe,
                              {O: ({"logs": T1.arn}, {}, M1)}),
    "key-owner-from-its-arn": ([key(M2, T2), key(M1, T1)], {}, {O: OK}, _no_probe, {O: ({}, {KEY: T1.arn}, M1)}),
    "bucket-and-key-one-owner": ([bucket(M2, T2), key(M1, T1)], {"logs": O}, {O: OK}, _no_probe,
                                 {O: ({"logs": T2.arn}, {KEY: T1.arn}, M2)}),  # user: the first guest's
    "owner-outside-selection": ([bucket(M1, T1)], {"logs": X}, {}, _no_probe, {}),
    "owner-is-the-user": ([bucket(M1, T1)], {"logs": M1}, {M1: OK}, _no_probe, {}),
    "owner-could-not-be-audited": ([bucket(M1, T1), key(M1, T1)], {"logs": O}, {O: (True, None)}, _no_probe, {}),
    "bucket-in-owners-uses": ([bucket(M1, T1), key(M1, T1)], {"logs": O}, {O: (False, [LOGS])}, _no_probe,
                              {O: ({}, {KEY: T1.arn}, M1)}),
    "key-in-owners-uses": ([key(M1, T1)], {}, {O: (False, [KEY])}, _no_probe, {}),
    "owners-uses-unknown": ([bucket(M1, T1)], {"logs": O}, {O: (False, None)}, _no_probe,
                            {O: ({"logs": T1.arn}, {}, M1)}),
    "owner-in-another-shard": ([bucket(M1, T1)], {"logs": O}, {}, _no_probe, {O: ({"logs": T1.arn}, {}, M1)}),
    "unnamed-bucket-probed": ([bucket(M1, T1)], {}, {}, {"logs": O}.get, {O: ({"logs": T1.arn}, {}, M1)}),
    "unnamed-bucket-no-probe": ([bucket(M1, T1)], {}, {}, None, {}),
    "unnamed-bucket-probe-finds-none": ([bucket(M1, T1)], {}, {}, {}.get, {}),
    "named-by-the-user-itself": ([bucket(M1, T1, owner=O)], {}, {O: OK}, _no_probe, {O: ({"logs": T1.arn}, {}, M1)}),
}


@pytest.mark.parametrize("case", sorted(PLANS))
def test_plan_guests(case):
    uses, owners, home, probe, expected = PLANS[case]
    plan = plan_guests(uses, selection={O, M1, M2}, owners=owners, home=home, partition="aws", probe=probe)
    got = {owner: ({n: t.arn for n, t in g.buckets.items()}, {k: t.arn for k, t in g.keys.items()}, g.user)
           for owner, g in plan.items()}
    assert got == expected
    for owner, guests in plan.items():
        assert guests.owner == owner


def test_bucket_prober_lists_each_account_once_lowest_id_first():
    listed: list[str] = []
    holdings = {O: ["logs"], M1: ["logs", "other"], M2: None}  # M2's s3:ListBuckets can't be read

    def list_buckets(account):
        listed.append(account)
        return holdings[account]

    owner_of = bucket_prober(list_buckets, [M2, M1, O])
    assert owner_of("logs") == O and listed == [O]  # the lowest id holding it; nobody after it is listed
    assert owner_of("other") == M1 and listed == [O, M1]
    assert owner_of("missing") is None and listed == [O, M1, M2]
    assert owner_of("logs") == O and owner_of("gone") is None and listed == [O, M1, M2]  # never listed twice


def _f(account: str, resource: str, status: Status = Status.PASS, control: str = "s3_trail_bucket_versioning_enabled"):
    return Finding(control_id=control, status=status, severity=Severity.MEDIUM, account_id=account,
                   region="us-east-1", resource=resource, reason=f"{account} {resource}.")


def _g(owner: str, resource: str, trail: TrailFacts) -> dict:
    return {"account": owner, "resource": resource, "trail": trail.arn}


# parts: (findings, accounts audited, guests judged); evidence; failed -> the kept (part, finding) indexes
MERGES = {
    "lowest-trail-arn-of-two-parts": (
        [([_f(M2, T2.arn), _f(O, LOGS, Status.FAIL)], [M2], [_g(O, LOGS, T2)]),
         ([_f(M1, T1.arn), _f(O, LOGS, Status.FAIL)], [M1], [_g(O, LOGS, T1)]),
         ([_f(O, O, Status.FAIL)], [O], [])],
        {O: {"uses": []}}, set(), {(0, 0), (1, 0), (1, 1), (2, 0)}),
    "owners-own-run-uses-it": (
        [([_f(M1, T1.arn), _f(O, LOGS)], [M1], [_g(O, LOGS, T1)]), ([_f(O, LOGS)], [O], [])],
        {O: {"uses": [LOGS]}}, set(), {(0, 0), (1, 0)}),
    "owner-could-not-be-audited": (
        [([_f(O, LOGS), _f(O, KEY)], [M1], [_g(O, LOGS, T1), _g(O, KEY, T1)]),
         ([_f(O, O, Status.ERROR)], [O], [])],
        {}, {O}, {(1, 0)}),
    "owner-in-no-part": ([([_f(M1, T1.arn), _f(X, LOGS)], [M1], [_g(X, LOGS, T1)])], {}, set(), {(0, 0)}),
    "one-part-judges-only-its-entries": (
        [([_f(O, LOGS), _f(O, KEY, control="kms_trail_key_rotation_enabled")], [M1], [_g(O, KEY, T2)]),
         ([_f(O, KEY, control="kms_trail_key_rotation_enabled")], [O], [_g(O, KEY, T1)])],
        {O: {"uses": []}}, set(), {(0, 0), (1, 0)}),
    "older-inputs-without-guests": ([([_f(O, LOGS)], [O], []), ([_f(M1, LOGS)], [M1], [])], {}, set(),
                                    {(0, 0), (1, 0)}),
}


@pytest.mark.parametrize("case", sorted(MERGES))
def test_merge_guest_findings_keeps_what_one_run_keeps(case):
    parts, evidence, failed, kept = MERGES[case]
    out = merge_guest_findings(parts, evidence, failed)
    assert [id(f) for f in out] == [id(parts[p][0][i]) for p, i in sorted(kept)]
