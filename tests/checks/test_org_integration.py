"""Organization mode with the real collector and engine on moto, org-trail shadows added by hooks.

moto does not show the organization trail to members; ``OrgTrailShadows`` adds it to the members'
ListTrails/DescribeTrails answers and serves GetTrailStatus & co. for its ARN from the management
account, as AWS does (see testkit/org.py).
"""
from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from checks import org
from checks.catalog import all_controls
from checks.model import Status
from testkit.org import (OrgTrailShadows, create_trail, deny_assume_role, factory_installing,
                                member_session, seed_organization)

CONTROLS = [c for c in all_controls() if "live" in c.targets and c.family in ("trail", "resources")]
ROLE = "OrganizationAccountAccessRole"


@pytest.fixture
def aws():
    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        management, members = seed_organization(session, 3)
        yield session, management, members


def _audit(session, org_trail_arn=None, **kw):
    factory = factory_installing(OrgTrailShadows(session, org_trail_arn).install) if org_trail_arn else None
    extra = {"session_factory": factory} if factory else {}
    return org.audit_organization(session, CONTROLS, workers=4, **extra, **kw)


def _by(run, account, control_id):
    return [f for f in run.findings if f.account_id == account and f.control_id == control_id]


def test_org_trail_covers_members_and_its_bucket_is_assessed_only_in_management(aws):
    session, management, members = aws
    arn = create_trail(session, "org-trail", "org-trail-bucket-0001", organization=True)
    create_trail(member_session(session, members[0]), "own-trail", "member-own-bucket-0001")
    run = _audit(session, arn)
    assert set(run.coverage.values()) == {"organization-trail"}
    for member in members:
        ct01 = _by(run, member, "cloudtrail_multi_region_management_events_enabled")
        assert [f.status for f in ct01] == [Status.PASS], ct01
    bucket = [f for f in run.findings if f.control_id == "cloudtrail_bucket_access_logging_enabled"
              and f.resource == "arn:aws:s3:::org-trail-bucket-0001"]
    assert {f.account_id: f.status for f in bucket} == {management: Status.FAIL,
                                                        **{m: Status.NOT_APPLICABLE for m in members}}
    assert all(f"owned by account {management}" in f.reason for f in bucket if f.account_id != management)


def test_org_trail_settings_are_not_applicable_in_members(aws):
    session, management, members = aws
    arn = create_trail(session, "org-trail", "org-trail-bucket-0002", organization=True)
    run = _audit(session, arn)
    for control_id in ("cloudtrail_kms_encryption_enabled", "cloudtrail_sns_notifications_enabled"):
        assert {f.status for f in _by(run, management, control_id)} == {Status.FAIL}
        for member in members:
            rows = _by(run, member, control_id)
            assert [f.status for f in rows] == [Status.NOT_APPLICABLE], rows


def test_without_org_trail_members_rely_on_their_own_trails(aws):
    session, management, members = aws
    create_trail(member_session(session, members[0]), "own-trail", "member-own-bucket-0003")
    create_trail(member_session(session, members[1]), "weak-trail", "member-weak-bucket-0003",
                 multi_region=False, logging=False)
    run = _audit(session)
    assert run.coverage == {management: "none", members[0]: "own-trail", members[1]: "none",
                            members[2]: "none"}
    ct01 = _by(run, members[1], "cloudtrail_multi_region_management_events_enabled")
    assert [f.status for f in ct01] == [Status.FAIL]


def test_unassumable_member_is_one_error_row_beside_real_results(aws):
    session, management, members = aws
    arn = create_trail(session, "org-trail", "org-trail-bucket-0004", organization=True)
    deny_assume_role(session, [f"arn:aws:iam::{members[2]}:role/{ROLE}"])
    run = _audit(session, arn)
    row = [f for f in run.findings if f.account_id == members[2]]
    assert len(row) == len(CONTROLS) and {f.status for f in row} == {Status.ERROR}
    assert run.coverage[members[2]] == "unknown"
    assert run.coverage[members[0]] == "organization-trail"
    assert Status.ERROR not in {f.status for f in run.findings if f.account_id != members[2]}
