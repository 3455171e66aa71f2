"""The layout AWS recommends: the organization trail (management account) writes to a bucket of a
log-archive member. The bucket is assessed once, in the log-archive account's findings; every other
account's bucket controls are NOT_APPLICABLE naming the log-archive account, not the trail's owner."""
from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from checks import org
from checks.catalog import all_controls
from checks.model import Status
from checks.org_owners import resolve_bucket_owners
from testkit.org import OrgTrailShadows, factory_installing, member_session, seed_organization

CONTROLS = [c for c in all_controls() if "live" in c.targets and c.family in ("trail", "resources")]
BUCKET_CONTROLS = [c.id for c in CONTROLS if c.id.startswith(("cloudtrail_bucket_", "s3_trail_bucket_"))]
BUCKET = "org-logs-archive-0001"


@pytest.fixture
def run():
    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        management, members = seed_organization(session, 3)
        archive = members[0]
        member_session(session, archive).client("s3").create_bucket(Bucket=BUCKET)
        ct = session.client("cloudtrail")
        arn = ct.create_trail(Name="org-trail", S3BucketName=BUCKET, IsMultiRegionTrail=True,
                              IsOrganizationTrail=True)["TrailARN"]
        ct.start_logging(Name="org-trail")
        factory = factory_installing(OrgTrailShadows(session, arn).install)
        yield org.audit_organization(session, CONTROLS, workers=4, session_factory=factory), management, members


def test_log_archive_bucket_is_assessed_once_in_its_owner_account(run):
    result, management, members = run
    archive = members[0]
    for control_id in BUCKET_CONTROLS:
        found = {f.account_id: f for f in result.findings if f.control_id == control_id
                 and f.resource == f"arn:aws:s3:::{BUCKET}"}
        assert set(found) == {management, *members}, control_id
        assert found[archive].status in (Status.PASS, Status.FAIL), (control_id, found[archive].reason)
        for account in {management, *members} - {archive}:
            assert found[account].status is Status.NOT_APPLICABLE, (control_id, account, found[account].reason)
            assert f"owned by account {archive}" in found[account].reason


def test_resolve_bucket_owners_leaves_unknown_and_own_buckets_alone():
    from checks.facts import AccountFacts, BucketFacts

    a = AccountFacts("111111111111", owned_buckets=frozenset({"logs"}))
    b = AccountFacts("222222222222", owned_buckets=frozenset(),
                     buckets={"logs": BucketFacts("logs", owned_elsewhere=True, exists=True),
                              "elsewhere": BucketFacts("elsewhere", owned_elsewhere=True, exists=True),
                              "gone": BucketFacts("gone", exists=False)})
    same_a, named = resolve_bucket_owners([a, b])
    assert same_a is a and b.buckets["logs"].owner_account_id is None  # the collected facts are not mutated
    assert named.buckets["logs"].owner_account_id == "111111111111"
    assert named.buckets["elsewhere"].owner_account_id is None  # outside the run: stays unknown
    assert named.buckets["gone"].owner_account_id is None
