"""Coverage attribution on facts: organization trail, own trail, none, unknown."""
from __future__ import annotations

from checks.facts import TrailFacts, TrailStatus
from checks.org_coverage import attribute_coverage

MGMT, A, B, C = "111111111111", "222222222222", "333333333333", "444444444444"


def trail(owner, name, *, org=False, multi=True, logging=True):
    status = None if logging is None else TrailStatus(is_logging=logging)
    return TrailFacts(arn=f"arn:aws:cloudtrail:us-east-1:{owner}:trail/{name}", name=name, home_region="us-east-1",
                      owner_account_id=owner, is_multi_region=multi, is_organization=org, status=status)


ORG = trail(MGMT, "org", org=True)


def test_logging_org_trail_in_management_covers_every_member():
    cov = attribute_coverage({MGMT: [ORG], A: [], B: [trail(B, "own")]}, MGMT)
    assert cov == {MGMT: "organization-trail", A: "organization-trail", B: "organization-trail"}


def test_org_trail_seen_as_a_shadow_counts_when_management_is_not_audited():
    cov = attribute_coverage({A: [ORG], B: []}, MGMT)
    assert cov == {A: "organization-trail", B: "organization-trail"}


def test_own_logging_multi_region_trail_without_org_trail():
    cov = attribute_coverage({MGMT: [], A: [trail(A, "own")], B: [trail(B, "regional", multi=False)]}, MGMT)
    assert cov == {MGMT: "none", A: "own-trail", B: "none"}


def test_stopped_org_trail_covers_nobody():
    stopped = trail(MGMT, "org", org=True, logging=False)
    cov = attribute_coverage({MGMT: [stopped], A: [stopped, trail(A, "own")], B: [stopped]}, MGMT)
    assert cov == {MGMT: "none", A: "own-trail", B: "none"}


def test_single_region_org_trail_does_not_cover():
    cov = attribute_coverage({MGMT: [trail(MGMT, "org", org=True, multi=False)], A: []}, MGMT)
    assert cov == {MGMT: "none", A: "none"}


def test_failed_collection_is_unknown_even_with_an_org_trail():
    cov = attribute_coverage({MGMT: [ORG], A: None}, MGMT)
    assert cov == {MGMT: "organization-trail", A: "unknown"}


def test_unknown_status_of_the_only_candidate_is_unknown_not_none():
    cov = attribute_coverage({A: [trail(A, "own", logging=None)], B: [trail(B, "own"), trail(B, "x", logging=None)]},
                             MGMT)
    assert cov == {A: "unknown", B: "own-trail"}


def test_org_trail_of_another_owner_is_not_the_organizations():
    foreign = trail(C, "other-org", org=True)
    cov = attribute_coverage({MGMT: [], A: [foreign]}, MGMT)
    assert cov == {MGMT: "none", A: "none"}


def test_keys_are_sorted():
    cov = attribute_coverage({B: [], A: [], MGMT: []}, None)
    assert list(cov) == [MGMT, A, B]
