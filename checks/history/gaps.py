"""Logging continuity: when did each trail record, and where did an enabled region go unrecorded?

Pure functions over :class:`~checks.history.events.HistoryEvent` lists; nothing here calls AWS.

How a trail's timeline is rebuilt over the window [start, end):
- the state *after* an event comes from the event itself: CreateTrail (exists, not logging yet: the
  CreateTrail API does not start logging; isMultiRegionTrail and isOrganizationTrail from its request),
  DeleteTrail, StartLogging, StopLogging, UpdateTrail (isMultiRegionTrail / isOrganizationTrail when
  given), PutEventSelectors (does the new selector set record every management event?);
- the state at the window's start, per attribute, is the opposite of what the first event in the window
  that sets that attribute sets (a StopLogging first means the trail was logging before it; a StartLogging
  first means it was not, so a stop before the window shows as a gap from the window's start), else the
  trail's current state (DescribeTrails, GetTrailStatus, GetEventSelectors). A trail deleted in the window
  whose creation is older is taken to have covered every region until its deletion: the gap is
  attributed to the deletion, never invented before it;
- GetTrailStatus's StartLoggingTime / StopLoggingTime inside the window add a start or stop when no
  recorded event explains them (the only evidence a member has about an organization trail whose
  owner's history is not in the run);
- failed calls (records with an errorCode) change nothing; events are ordered by time whatever order
  the API returned them in, and within one second (eventTime's resolution) in lifecycle order.
A region is covered at an instant when some trail exists, is logging, records all management events
(reads and writes) and is multi-region or homed in that region; an organization trail seen from a member
covers it only while it is an organization trail.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Iterable, Sequence

from checks.history.events import TRAIL_EVENTS, HistoryEvent, selectors_of, trail_of
from checks.rules.selectors import management_coverage

NEAR = dt.timedelta(minutes=5)  # a status time this close to a recorded event is that event


@dataclass(frozen=True)
class TrailState:
    exists: bool = True
    logging: bool = True
    multi_region: bool = True
    organization: bool = False
    management: bool = True  # records every management event, reads and writes
    home_region: str = ""

    def covers(self, region: str, *, via_organization: bool = False) -> bool:
        if via_organization and not self.organization:
            return False
        return (self.exists and self.logging and self.management
                and (self.multi_region or self.home_region == region))


@dataclass(frozen=True)
class TrailHistory:
    """One trail's input: its current state (None: deleted, or not visible now) and its events."""

    key: str  # trail name (own trails) or ARN (an organization trail owned by another account)
    current: TrailState | None
    events: tuple[HistoryEvent, ...] = ()
    via_organization: bool = False  # seen from a member: covers it only while an organization trail
    start_logging_time: dt.datetime | None = None
    stop_logging_time: dt.datetime | None = None


@dataclass(frozen=True)
class Segment:
    start: dt.datetime
    end: dt.datetime
    state: TrailState
    opened_by: HistoryEvent | None  # the event that began this segment; None at the window's start


@dataclass(frozen=True)
class Gap:
    region: str
    start: dt.datetime
    end: dt.datetime
    opened_by: HistoryEvent | None  # None: the gap began before the window
    closed_by: HistoryEvent | None  # None: still open at the window's end

    def describe(self) -> str:
        began = (f"{_ts(self.start)} ({self.opened_by.name} of trail {trail_of(self.opened_by) or '?'} by "
                 f"{self.opened_by.who()})" if self.opened_by else f"{_ts(self.start)} (before the window)")
        ended = f"{_ts(self.end)}" if self.closed_by else f"{_ts(self.end)} (still open)"
        return f"{self.region} from {began} to {ended}"


def _ts(when: dt.datetime) -> str:
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# CloudTrail's eventTime has one-second resolution and separate lookups have no common order, so events
# of the same second are put in lifecycle order: a trail is created, configured, stopped, started, deleted.
# A stop and a start in the same second are a sub-second toggle, not a trail left stopped.
_SAME_SECOND = {"CreateTrail": 0, "UpdateTrail": 1, "PutEventSelectors": 2, "StopLogging": 3, "StartLogging": 4,
                "DeleteTrail": 5}


def ordered(events: Iterable[HistoryEvent]) -> list[HistoryEvent]:
    return sorted(events, key=lambda e: (e.time.replace(microsecond=0), _SAME_SECOND.get(e.name, 9), e.time,
                                         e.event_id))


def _after(state: TrailState, ev: HistoryEvent) -> TrailState:
    req = ev.request
    if ev.name == "CreateTrail":
        return TrailState(exists=True, logging=False, multi_region=bool(req.get("isMultiRegionTrail", False)),
                          organization=bool(req.get("isOrganizationTrail", False)), management=True,
                          home_region=ev.region)
    if ev.name == "DeleteTrail":
        return replace(state, exists=False, logging=False)
    if ev.name in ("StartLogging", "StopLogging"):
        return replace(state, logging=ev.name == "StartLogging")
    if ev.name == "UpdateTrail":
        multi, org = req.get("isMultiRegionTrail"), req.get("isOrganizationTrail")
        return replace(state, multi_region=state.multi_region if multi is None else bool(multi),
                       organization=state.organization if org is None else bool(org))
    if ev.name == "PutEventSelectors":
        selectors = selectors_of(req)
        return state if selectors is None else replace(state, management=management_coverage(selectors).ok)
    return state


def _sets(ev: HistoryEvent) -> dict[str, bool]:
    """attribute -> the value a change event (not a creation or deletion) sets, for the attributes it sets."""
    if ev.name in ("StartLogging", "StopLogging"):
        return {"logging": ev.name == "StartLogging"}
    if ev.name == "UpdateTrail":
        return {k: bool(ev.request[r]) for k, r in (("multi_region", "isMultiRegionTrail"),
                                                    ("organization", "isOrganizationTrail")) if r in ev.request}
    if ev.name == "PutEventSelectors" and selectors_of(ev.request) is not None:
        return {"management": _after(TrailState(), ev).management}
    return {}


def initial_state(trail: TrailHistory, events: Sequence[HistoryEvent]) -> TrailState:
    """The trail's state at the window's start (see the module docstring); ``events`` in time order."""
    base = trail.current or TrailState(organization=trail.via_organization,
                                       home_region=events[0].region if events else "")
    values: dict[str, bool] = {}
    for ev in events:
        if ev.name == "CreateTrail":  # nothing existed before it
            values.setdefault("exists", False)
            values.setdefault("logging", False)
        elif ev.name == "DeleteTrail":  # it existed, and is given the benefit of the doubt
            values.setdefault("exists", True)
            values.setdefault("logging", True)
        else:
            for attr, value in _sets(ev).items():
                values.setdefault(attr, not value)
    return replace(base, **values)


def _with_status_times(trail: TrailHistory, events: list[HistoryEvent], start: dt.datetime,
                       end: dt.datetime) -> list[HistoryEvent]:
    extra = []
    for when, name in ((trail.start_logging_time, "StartLogging"), (trail.stop_logging_time, "StopLogging")):
        if when is None or not start <= when <= end:
            continue
        explains = ("CreateTrail", name) if name == "StartLogging" else (name, "DeleteTrail")
        if not any(e.name in explains and abs(e.time - when) <= NEAR for e in events):
            extra.append(HistoryEvent(event_id=f"status-{name}", name=name, source="cloudtrail.amazonaws.com",
                                      time=when, region=(trail.current.home_region if trail.current else ""),
                                      actor="unknown (GetTrailStatus time; no recorded event)",
                                      request={"name": trail.key}, synthetic=True))
    return ordered([*events, *extra])


def timeline(trail: TrailHistory, start: dt.datetime, end: dt.datetime) -> list[Segment]:
    """The trail's states over [start, end) as consecutive segments."""
    events = [e for e in ordered(trail.events)
              if e.name in TRAIL_EVENTS and not e.error_code and start <= e.time <= end]
    events = _with_status_times(trail, events, start, end)
    state = initial_state(trail, events)
    segments, opened, at = [], None, start
    for ev in events:
        new = _after(state, ev)
        if ev.time > at:
            segments.append(Segment(at, ev.time, state, opened))
            at, opened = ev.time, ev
        elif new != state:
            opened = ev
        state = new
    segments.append(Segment(at, end, state, opened))
    return segments


def region_gaps(trails: Sequence[TrailHistory], region: str, start: dt.datetime, end: dt.datetime) -> list[Gap]:
    """The intervals of [start, end) in which no trail covered ``region``, with the events at their edges."""
    lines = [(t, timeline(t, start, end)) for t in trails]
    cuts = sorted({start, end, *(s.start for _, segs in lines for s in segs)})
    gaps: list[Gap] = []
    for lo, hi in zip(cuts, cuts[1:]):
        covering = [t for t, segs in lines if _state_at(segs, lo).covers(region, via_organization=t.via_organization)]
        if covering:
            continue
        if gaps and gaps[-1].end == lo:
            gaps[-1] = replace(gaps[-1], end=hi)
        else:
            gaps.append(Gap(region, lo, hi, _opener(lines, lo, start), None))
    return [replace(g, closed_by=_opener(lines, g.end, start) if g.end < end else None) for g in gaps]


def _state_at(segments: list[Segment], when: dt.datetime) -> TrailState:
    for seg in segments:
        if seg.start <= when < seg.end:
            return seg.state
    return segments[-1].state


def _opener(lines, when: dt.datetime, start: dt.datetime) -> HistoryEvent | None:
    if when <= start:
        return None
    found = [s.opened_by for _, segs in lines for s in segs if s.start == when and s.opened_by is not None]
    return ordered(found)[0] if found else None
