"""Property: for random organizations and N from 1 to 7, `merge` of the N `--shard K/N` JSON reports is the
single `--org` run's JSON byte for byte (generated_at aside) with the same exit code.

The organizations vary what crosses accounts: an organization trail (logging or not) seen only from the
management account (moto) or also as shadows in members (AWS, via testkit/org.OrgTrailShadows), so
coverage must be recomputed across shards; members' own trails; members' own trails writing to a bucket (and
encrypting with a KMS key) of ANOTHER member, judged once in that owner's row whichever shard holds it
(checks/org_guests.py; testkit/guests.py); members whose role can't be assumed
(ERROR rows and notes; the guests' owner among them); a closed account (a selection note in every shard);
`--accounts` ids outside the organization; expired waivers (run notes after the account notes).
"""
from __future__ import annotations

import datetime as dt
import random
import re

import boto3
import pytest
from moto import mock_aws

from checks import org
from checks.audit import exit_code
from checks.catalog import all_controls
from checks.merge.core import controls_of, load_part, merge_parts
from checks.model import Severity
from checks.org_shard import Shard, audit_shard
from testkit.guests import archive, writer_trail
from testkit.org import (OrgTrailShadows, create_trail, deny_assume_role, factory_installing,
                                member_session, seed_organization)
from checks.report import ReportOptions, render
from checks.waivers import apply_waivers, parse_waivers

CONTROLS = [c for c in all_controls() if "live" in c.targets and c.family in ("trail", "resources")]
ROLE = "OrganizationAccountAccessRole"
AT = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
TODAY = dt.date(2026, 1, 1)


def _random_org(rnd: random.Random, session):
    management, members = seed_organization(session, rnd.randint(2, 7))
    org_trail = None
    if rnd.random() < 0.7:
        org_trail = create_trail(session, "org-trail", f"org-bucket-{rnd.randrange(10**6):06d}", organization=True,
                                 logging=rnd.random() < 0.8)
    # a member (not the last: it may be closed) owns a bucket and key that other members' trails (maybe its own) use
    owner = rnd.choice(members[:-1])
    key = archive(session, owner, f"guest-bucket-{owner}", hardened=rnd.random() < 0.5)
    others = [m for m in members if m != owner]
    writers = set(rnd.sample(others, rnd.randint(1, len(others)))) if others else set()
    for i, m in enumerate(members):
        if m in writers or (m == owner and rnd.random() < 0.25):
            writer_trail(session, m, f"guest-{i}", f"guest-bucket-{owner}", key if rnd.random() < 0.7 else None)
        elif rnd.random() < 0.35:
            create_trail(member_session(session, m), f"own-{i}", f"own-bucket-{m}", logging=rnd.random() < 0.7,
                         multi_region=rnd.random() < 0.8)
    denied = [m for m in members if rnd.random() < 0.25]
    deny_assume_role(session, [f"arn:aws:iam::{m}:role/{ROLE}" for m in denied])
    if rnd.random() < 0.4:
        session.client("organizations").close_account(AccountId=members[-1])
    options = {}
    if rnd.random() < 0.4:
        chosen = set(rnd.sample([management, *members], rnd.randint(1, len(members))))
        if writers and rnd.random() < 0.7:  # keep a guest's owner and a user in the selection
            chosen |= {owner, min(writers)}
        options["accounts"] = sorted(chosen) + ["999999999999"]
    shadows = org_trail is not None and rnd.random() < 0.5
    factory = factory_installing(OrgTrailShadows(session, org_trail).install) if shadows else None
    return options, ({"session_factory": factory} if factory else {})


WAIVERS = parse_waivers({"waivers": [
    {"control_id": "cloudtrail_kms_encryption_enabled", "account_id": "*", "resource": "*", "reason": "Key rollout in 2025.",
     "expires": "2025-06-30"},
    {"control_id": "cloudtrail_bucket_access_logging_enabled", "account_id": "*", "resource": "*", "reason": "Central logging soon.",
     "expires": "2026-12-31"},
]}, source="test", known_ids=[c.id for c in all_controls()])


_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)?")


def _report(run, fail_on=Severity.LOW, errors_ok=False):
    return render("json", run, CONTROLS, ReportOptions(fail_on=fail_on, errors_ok=errors_ok, generated_at=AT))


def timeless(text: str) -> str:
    """The report with timestamps masked: moto stamps a trail's last delivery with the time of the call, and
    the single run and the shards call at different moments (AWS reports the real delivery time)."""
    return _TIME.sub("<time>", text)


def _waived(run, waive: bool):
    return apply_waivers(run, WAIVERS, today=TODAY) if waive else run


@pytest.mark.parametrize("seed", range(7))
def test_merge_of_shards_equals_the_single_org_run(seed):
    rnd = random.Random(seed)
    count = seed + 1  # N = 1..7
    waive = rnd.random() < 0.5
    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        options, extra = _random_org(rnd, session)
        whole = _waived(org.audit_organization(session, CONTROLS, workers=3, **options, **extra), waive)
        shards = [_waived(audit_shard(Shard(k, count), session, CONTROLS, workers=3, **options, **extra), waive)
                  for k in range(1, count + 1)]
    parts = [load_part(_report(s), f"shard-{i}.json") for i, s in enumerate(shards, 1)]
    merged = merge_parts(parts)
    assert {c.id for c in controls_of(parts)} == {c.id for c in CONTROLS}
    assert timeless(_report(merged)) == timeless(_report(whole))
    for fail_on in Severity:
        for errors_ok in (False, True):
            assert exit_code(merged, fail_on, errors_ok=errors_ok) == exit_code(whole, fail_on, errors_ok=errors_ok)
    assert sorted(a for s in shards for a in s.accounts) == whole.accounts  # each account in one shard
