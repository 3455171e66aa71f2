"""What the history collector found for one account (``AccountFacts.history``); None means unknown."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from checks.history.events import HistoryEvent


@dataclass
class HistoryFacts:
    start: dt.datetime
    end: dt.datetime
    days: int
    regions: tuple[str, ...]  # where trail events were looked up
    trail_events: dict[str, tuple[HistoryEvent, ...]] = field(default_factory=dict)  # by region; absent: failed
    errors: dict[str, str] = field(default_factory=dict)  # region -> why its trail events are unknown
    tamper_events: tuple[HistoryEvent, ...] = ()
    tamper_errors: dict[str, str] = field(default_factory=dict)  # "<region> <event>" -> why unknown
    deployer_roles: tuple[str, ...] = ()
    # organization trails owned by another account: trail ARN -> the owner's events for it (org mode)
    inherited: dict[str, tuple[HistoryEvent, ...]] = field(default_factory=dict)
    calls: int = 0  # LookupEvents requests made
    waited_s: float = 0.0  # time spent waiting for the rate limit

    def all_trail_events(self) -> list[HistoryEvent]:
        return [e for events in self.trail_events.values() for e in events]
