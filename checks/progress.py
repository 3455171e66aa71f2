"""Progress for long organization audits, on stderr so it never mixes with a report on stdout.

- a TTY gets tqdm's bar, redrawn in place;
- anything else (CI logs, a file) gets a plain line every tenth of the accounts and at least every
  ``interval`` seconds, so a 200-account run logs about ten lines, not two hundred;
- ``quiet`` gets nothing.

Workers call :meth:`Progress.advance` concurrently; every implementation serialises on a lock. Lines
name counts only, never account ids with reasons (those belong in the report).
"""
from __future__ import annotations

import sys
import threading
import time
from typing import Callable, TextIO


class Progress:
    """The interface ``audit_organization`` drives; this base class does nothing (quiet)."""

    def start(self, total: int) -> None:  # called once the accounts to audit are known
        pass

    def advance(self, account_id: str, *, error: bool = False) -> None:  # one account finished
        pass

    def finish(self) -> None:
        pass


class _Counting(Progress):
    noun, verb, doing = "accounts", "audited", "auditing"  # what is counted: a history run counts lookups

    def __init__(self, total: int = 0) -> None:
        self.total = total
        self.done = 0
        self.errors = 0
        self._lock = threading.Lock()

    def start(self, total: int) -> None:
        with self._lock:
            self.total = total
            self._started()

    def advance(self, account_id: str, *, error: bool = False) -> None:
        with self._lock:
            self.done += 1
            self.errors += bool(error)
            self._advanced()

    def finish(self) -> None:
        with self._lock:
            self._finished()

    def text(self) -> str:
        errors = f", {self.errors} error{'s' if self.errors != 1 else ''}" if self.errors else ""
        return f"{self.verb} {self.done}/{self.total} {self.noun}{errors}"

    def _started(self) -> None:
        pass

    def _advanced(self) -> None:
        pass

    def _finished(self) -> None:
        pass


class LineProgress(_Counting):
    """Plain lines through ``emit`` (a stream writer or the CLI's message callback)."""

    def __init__(self, emit: Callable[[str], None], total: int = 0, *, interval: float = 10.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(total)
        self._emit = emit
        self._interval = interval
        self._clock = clock
        self._last_time = clock()
        self._last_done = 0

    def _started(self) -> None:
        self._emit(f"{self.doing} {self.total} {self.noun if self.total != 1 else self.noun.rstrip('s')}")

    def _advanced(self) -> None:
        step = max(1, self.total // 10)
        now = self._clock()
        if self.done == self.total or self.done - self._last_done >= step or now - self._last_time >= self._interval:
            self._last_done, self._last_time = self.done, now
            self._emit(self.text())

    def _finished(self) -> None:
        if self._last_done != self.done:
            self._emit(self.text())


class BarProgress(_Counting):
    """tqdm's bar on a terminal (rate, elapsed, remaining time, resized with the window).

    tqdm is imported when the first bar starts, so ``--help``, single-account runs and non-TTY runs never
    load it (bench/startup.py: importing tqdm costs ~90 ms). Counting stays in ``_Counting`` under its lock,
    so tqdm only draws.
    """

    FORMAT = "trailguard: {desc}{bar} {n_fmt}/{total_fmt} %s{postfix} [{elapsed}<{remaining}]"

    def __init__(self, stream: TextIO, total: int = 0, *, mininterval: float = 0.1) -> None:
        super().__init__(total)
        self._stream = stream
        self._mininterval = mininterval
        self._bar = None

    def _started(self) -> None:
        from tqdm import tqdm

        if self._bar is not None:
            self._bar.close()
        self._bar = tqdm(total=self.total, file=self._stream, desc=f"{self.doing} ", bar_format=self.FORMAT % self.noun,
                         dynamic_ncols=True, mininterval=self._mininterval, leave=True)

    def _advanced(self) -> None:
        if self._bar is None:
            self._started()
        if self.errors:
            self._bar.set_postfix_str(f"{self.errors} error{'s' if self.errors != 1 else ''}", refresh=False)
        self._bar.update(1)

    def _finished(self) -> None:  # the final state stays on screen, with a newline
        if self._bar is not None:
            self._bar.close()


def make_progress(stream: TextIO | None = None, quiet: bool = False, total: int = 0, *,
                  interval: float = 10.0, counting: tuple[str, str, str] | None = None) -> Progress:
    """The right Progress for ``stream`` (default stderr): nothing when quiet, a bar on a TTY, else lines.
    ``counting``: (noun, verb, doing) when the units are not accounts, e.g. ("lookups", "done", "looking up")."""
    if quiet:
        return Progress()
    stream = stream if stream is not None else sys.stderr
    isatty = getattr(stream, "isatty", None)
    if isatty is not None and isatty():
        progress: _Counting = BarProgress(stream, total)
    else:
        def emit(line: str) -> None:
            stream.write(f"trailguard: {line}\n")
            stream.flush()

        progress = LineProgress(emit, total, interval=interval)
    if counting:
        progress.noun, progress.verb, progress.doing = counting
    return progress


def as_progress(progress: "Progress | Callable[[str], None] | None") -> Progress:
    """Accept a Progress, a plain ``callable(message)`` (lines) or None (nothing)."""
    if progress is None:
        return Progress()
    if isinstance(progress, Progress):
        return progress
    if callable(progress):
        return LineProgress(progress)
    raise TypeError(f"progress: expected a Progress or a callable, got {type(progress).__name__}")
