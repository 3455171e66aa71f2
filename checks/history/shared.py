"""Organization runs: member accounts inherit the owner's organization trail history.

A member's LookupEvents does not show the management account's StopLogging of the organization trail.
In an organization run every account is collected in this process, so the owner publishes the events
of its organization trails on a board and a member's collector waits for them (bounded) when the
owner's collection has begun. When the owner is not part of the run (or takes too long), the member
falls back to the trail's GetTrailStatus times and the finding says so.

The process-wide board (``BOARD``, and the module functions over it) serves the CLI's runs; its entries
expire, so a later run in the same process (tests) never reads an earlier one's events. A caller that
must not share with other runs at all (the fault sweep: every replay is its own run) passes its own
:class:`Board` in the history options.
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


class Board:
    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def begin(self, account_id: str) -> None:
        """The account's collection has started: members may wait for what it publishes."""
        with self._lock:
            self._entries[account_id] = _Entry()

    def publish(self, account_id: str, trails: dict[str, tuple[HistoryEvent, ...]]) -> None:
        """The account's organization trails (by ARN) and their events; also called when it found none."""
        with self._lock:
            entry = self._entries.setdefault(account_id, _Entry())
        entry.trails = dict(trails)
        entry.done.set()

    def inherited(self, owner_id: str, timeout: float = WAIT_S) -> dict[str, tuple[HistoryEvent, ...]] | None:
        """The owner's organization trails (by ARN, deleted ones too) and their events; None when the owner
        is not (yet) in this run."""
        with self._lock:
            entry = self._entries.get(owner_id)
        if entry is None or time.monotonic() - entry.began > TTL_S:
            return None
        if not entry.done.wait(timeout):
            return None
        return dict(entry.trails)

    def forget(self, account_id: str) -> None:
        with self._lock:
            self._entries.pop(account_id, None)


BOARD = Board()
begin, publish, inherited = BOARD.begin, BOARD.publish, BOARD.inherited
