"""Members inherit the owner's organization trail history in an organization run (checks/history/shared.py).

AWS: an organization trail "logs events for all AWS accounts in the organization" and "member accounts
can see the trail but cannot modify it" (CloudTrail user guide, "Creating a trail for an organization"):
the StopLogging that blinds a member is recorded in the management account's history, not the member's.
"""
from __future__ import annotations

import datetime as dt

from checks.collect.history import _share
from checks.facts import AccountFacts, ClassicSelector, EventSelectors, TrailFacts, TrailStatus
from checks.history import shared
from checks.history.facts import HistoryFacts
from checks.model import Status
from checks.rules.history import logging_continuous
from history_support import END, START, ago, event

OWNER, MEMBER = "999999999999", "111111111111"
ORG_ARN = f"arn:aws:cloudtrail:us-east-1:{OWNER}:trail/org-trail"
REGIONS = ("eu-west-1", "us-east-1")


def _org_trail(started=None, stopped=None) -> TrailFacts:
    return TrailFacts(arn=ORG_ARN, name="org-trail", home_region="us-east-1", owner_account_id=OWNER,
                      is_multi_region=True, is_organization=True,
                      status=TrailStatus(is_logging=True, start_logging_time=started or ago(24 * 40),
                                         stop_logging_time=stopped),
                      selectors=EventSelectors(classic=(ClassicSelector(),)))


def _account(account_id: str, events=()) -> AccountFacts:
    facts = AccountFacts(account_id=account_id, enabled_regions=REGIONS, trails=[_org_trail()], collected_at=END)
    facts.history = HistoryFacts(start=START, end=END, days=7, regions=REGIONS,
                                 trail_events={"us-east-1": tuple(events)})
    return facts


def test_member_inherits_the_owner_stop_and_start_of_the_organization_trail():
    shared.begin(OWNER)
    owner = _account(OWNER, [event("StopLogging", 10, name="org-trail"), event("StartLogging", 8, name="org-trail")])
    _share(owner, owner.history)
    member = _account(MEMBER)
    _share(member, member.history)
    assert [e.name for e in member.history.inherited[ORG_ARN]] == ["StopLogging", "StartLogging"]
    for region in REGIONS:
        result = logging_continuous(member, region)
        assert result.status == Status.FAIL and "StopLogging of trail org-trail" in result.reason


def test_member_inherits_a_deleted_organization_trail_known_from_its_creation():
    shared.begin(OWNER)
    owner = _account(OWNER, [event("CreateTrail", 100, name="old-org", isMultiRegionTrail=True, isOrganizationTrail=True),
                             event("StartLogging", 99, name="old-org"), event("DeleteTrail", 5, name="old-org")])
    _share(owner, owner.history)
    assert f"arn:aws:cloudtrail:us-east-1:{OWNER}:trail/old-org" in shared.inherited(OWNER, timeout=0)


def test_member_without_the_owner_in_the_run_uses_the_trail_status_times():
    shared.BOARD.forget("888888888888")
    member = _account(MEMBER)
    member.trails = [_org_trail(started=ago(3), stopped=ago(6))]
    member.trails[0].owner_account_id = "888888888888"
    _share(member, member.history)
    assert member.history.inherited == {}
    result = logging_continuous(member, "eu-west-1")
    assert result.status == Status.FAIL and "GetTrailStatus time" in result.reason
