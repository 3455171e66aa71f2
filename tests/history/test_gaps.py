"""Gap reconstruction on event sequences (issue 14, item 6).

Expected gaps follow the CloudTrail API reference: StopLogging "suspends the recording of AWS API calls
and log file delivery for the specified trail" and StartLogging resumes it; a trail created with the
CreateTrail API does not log until StartLogging is called (user guide, "Creating a trail with the AWS
CLI": "run the start-logging command"); a single-region trail records only its home region; an
organization trail logs the member accounts only while it is one (UpdateTrail IsOrganizationTrail).
"""
from __future__ import annotations

import itertools
import random

import pytest

from checks.history.gaps import TrailHistory, TrailState, region_gaps, timeline
from history_support import END, START, ago, event

MULTI = TrailState(home_region="us-east-1")
SINGLE = TrailState(multi_region=False, home_region="us-east-1")
STOPPED = TrailState(logging=False, home_region="us-east-1")
ORG = TrailState(organization=True, home_region="us-east-1")


def spans(trails, region):
    return [(round((END - g.start).total_seconds() / 3600, 3), round((END - g.end).total_seconds() / 3600, 3))
            for g in region_gaps(trails, region, START, END)]


WINDOW = 7 * 24.0

CASES = [
    # id, trails (key, current, [(event, hours ago, request)]), region, expected gaps (hours ago: from, to)
    ("always-logging", [("a", MULTI, [])], "eu-west-1", []),
    ("stopped-now-no-events", [("a", STOPPED, [])], "eu-west-1", [(WINDOW, 0)]),
    ("stop-then-start", [("a", MULTI, [("StopLogging", 10, {}), ("StartLogging", 8, {})])], "us-west-2",
     [(10, 8)]),
    ("overlapping-trails", [("a", MULTI, [("StopLogging", 10, {}), ("StartLogging", 8, {})]),
                            ("b", MULTI, [("StopLogging", 9, {}), ("StartLogging", 5, {})])], "us-east-1",
     [(9, 8)]),
    ("overlap-covers-all", [("a", MULTI, [("StopLogging", 10, {}), ("StartLogging", 8, {})]),
                            ("b", MULTI, [("StopLogging", 7, {}), ("StartLogging", 5, {})])], "us-east-1", []),
    ("start-only-stop-before-window", [("a", MULTI, [("StartLogging", 48, {})])], "us-east-1", [(WINDOW, 48)]),
    ("stop-only-still-open", [("a", STOPPED, [("StopLogging", 3, {})])], "us-east-1", [(3, 0)]),
    ("multi-to-single-other-region", [("a", SINGLE, [("UpdateTrail", 24, {"isMultiRegionTrail": False})])],
     "eu-west-1", [(24, 0)]),
    ("multi-to-single-home-region", [("a", SINGLE, [("UpdateTrail", 24, {"isMultiRegionTrail": False})])],
     "us-east-1", []),
    ("single-region-trail-elsewhere", [("a", SINGLE, [])], "eu-west-1", [(WINDOW, 0)]),
    ("created-then-started", [("a", MULTI, [("CreateTrail", 30, {"isMultiRegionTrail": True}),
                                            ("StartLogging", 29, {})])], "eu-west-1", [(WINDOW, 29)]),
    ("deleted-trail", [("a", None, [("DeleteTrail", 6, {})])], "us-east-1", [(6, 0)]),
    ("deleted-trail-replaced", [("a", None, [("DeleteTrail", 6, {})]),
                                ("b", MULTI, [("CreateTrail", 7, {"isMultiRegionTrail": True}),
                                              ("StartLogging", 6.5, {})])], "eu-west-1", []),
    ("selectors-narrowed-classic", [("a", MULTI, [("PutEventSelectors", 12, {"eventSelectors": [
        {"readWriteType": "WriteOnly", "includeManagementEvents": True}]})])], "us-east-1", [(12, 0)]),
    ("selectors-mgmt-off-then-on", [("a", MULTI, [
        ("PutEventSelectors", 12, {"eventSelectors": [{"readWriteType": "All", "includeManagementEvents": False}]}),
        ("PutEventSelectors", 2, {"advancedEventSelectors": [
            {"name": "mgmt", "fieldSelectors": [{"field": "eventCategory", "equals": ["Management"]}]}]})])],
     "us-east-1", [(12, 2)]),
    ("failed-stop-changes-nothing", [("a", MULTI, [("StopLogging", 5, {"error": "AccessDenied"})])],
     "us-east-1", []),
    ("event-before-window-ignored", [("a", MULTI, [("StopLogging", WINDOW + 5, {})])], "us-east-1", []),
]


def _trails(spec):
    out = []
    for key, current, evs in spec:
        built = []
        for name, hours, req in evs:
            req = dict(req)
            error = req.pop("error", "")
            built.append(event(name, hours, error=error, name=key, **req))
        out.append(TrailHistory(key=key, current=current, events=tuple(built)))
    return out


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_gaps_on_event_sequences(case):
    _, spec, region, expected = case
    assert spans(_trails(spec), region) == expected


@pytest.mark.parametrize("case", [c for c in CASES if sum(len(t[2]) for t in c[1]) > 1], ids=lambda c: c[0])
def test_gaps_do_not_depend_on_the_order_events_arrive_in(case):
    _, spec, region, expected = case
    trails = _trails(spec)
    rng = random.Random(14)
    for trail in trails:
        for perm in itertools.islice(itertools.permutations(trail.events), 6):
            shuffled = [TrailHistory(t.key, t.current, perm if t is trail else tuple(rng.sample(t.events, len(t.events))))
                        for t in trails]
            assert spans(shuffled, region) == expected


def test_gap_names_the_event_that_opened_it_who_and_from_where():
    stop = event("StopLogging", 10, name="a", ip="203.0.113.9", actor="arn:aws:iam::111111111111:user/eve")
    trails = [TrailHistory("a", MULTI, (stop, event("StartLogging", 8, name="a")))]
    (gap,) = region_gaps(trails, "eu-west-1", START, END)
    assert gap.opened_by == stop and gap.closed_by.name == "StartLogging"
    text = gap.describe()
    assert "eu-west-1" in text and "StopLogging of trail a" in text
    assert "arn:aws:iam::111111111111:user/eve from 203.0.113.9" in text


def test_organization_trail_covers_a_member_only_while_it_is_one():
    trail = TrailHistory("arn:aws:cloudtrail:us-east-1:999999999999:trail/org", ORG,
                         (event("UpdateTrail", 20, name="org", isOrganizationTrail=False),
                          event("UpdateTrail", 15, name="org", isOrganizationTrail=True)), via_organization=True)
    assert spans([trail], "eu-west-1") == [(20, 15)]
    owner_view = TrailHistory("org", ORG, trail.events)
    assert spans([owner_view], "eu-west-1") == []  # the owner keeps its own logging meanwhile


def test_organization_trail_deleted_opens_a_gap_in_the_member():
    trail = TrailHistory("arn:aws:cloudtrail:us-east-1:999999999999:trail/org", None,
                         (event("DeleteTrail", 6, name="org"),), via_organization=True)
    (gap,) = region_gaps([trail], "ap-south-1", START, END)
    assert (gap.opened_by.name, gap.closed_by) == ("DeleteTrail", None)


def test_status_times_explain_a_stop_no_record_shows():
    """A member sees the owner's organization trail only through GetTrailStatus times."""
    trail = TrailHistory("org", ORG, (), start_logging_time=ago(4), stop_logging_time=ago(9))
    gaps = region_gaps([trail], "us-east-1", START, END)
    assert [(g.start, g.end) for g in gaps] == [(ago(9), ago(4))]
    assert gaps[0].opened_by.synthetic


def test_status_time_matching_a_record_adds_nothing():
    trail = TrailHistory("a", MULTI, (event("StopLogging", 9, name="a"), event("StartLogging", 4, name="a")),
                         start_logging_time=ago(4) + (ago(0) - ago(0.01)))
    segments = timeline(trail, START, END)
    assert [s.opened_by.name for s in segments[1:]] == ["StopLogging", "StartLogging"]
