"""Organization runs: member accounts inherit the owner's organization trail history.

A member's LookupEvents does not show the management account's StopLogging of the organization trail.
In an organization run every account is collected in this process, so the owner publishes the events
of its organization trails here and a member's collector waits for them (bounded) when the owner's
collection has begun. When the owner is not part of the run (or takes too long), the member falls back
to the trail's GetTrailStatus times and the finding says so. Entries expire, so a later run in the same
process (tests) never reads an earlier one's events.
"""
from __future__ import annotations

import threading
import time

from checks.history.events import HistoryEvent

WAIT_S = 120.0  # an owner whose collection crashed never publishes: members give up
TTL_S = 900.0


class _Entry:
    def __init__(self) -> None:
        self.began = time.monotonic()
        self.done = threading.Event()
        self.trails: dict[str, tuple[HistoryEvent, ...]] = {}


_ENTRIES: dict[str, _Entry] = {}
_LOCK = threading.Lock()


def begin(account_id: str) -> None:
    """The account's collection has started: members may wait for what it publishes."""
    with _LOCK:
        _ENTRIES[account_id] = _Entry()


def publish(account_id: str, trails: dict[str, tuple[HistoryEvent, ...]]) -> None:
    """The account's organization trails (by ARN) and their events; also called when it found none."""
    with _LOCK:
        entry = _ENTRIES.setdefault(account_id, _Entry())
    entry.trails = dict(trails)
    entry.done.set()


def inherited(owner_id: str, timeout: float = WAIT_S) -> dict[str, tuple[HistoryEvent, ...]] | None:
    """The owner's organization trails (by ARN, deleted ones too) and their events; None when the owner
    is not (yet) in this run."""
    with _LOCK:
        entry = _ENTRIES.get(owner_id)
    if entry is None or time.monotonic() - entry.began > TTL_S:
        return None
    if not entry.done.wait(timeout):
        return None
    return dict(entry.trails)
