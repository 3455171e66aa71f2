"""Progress of a verification on stderr: a bar on a TTY, a line every tenth otherwise, nothing when quiet.

The total grows as the run learns it (digests first, then the log files they list).
"""
from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

from checks.verify.run import Progress


class FileProgress(Progress):
    WIDTH = 30

    def __init__(self, stream: TextIO, *, bar: bool, interval: float = 10.0) -> None:
        self._stream, self._bar, self._interval = stream, bar, interval
        self.total = self.done = 0
        self._lock = threading.Lock()
        self._last_done, self._last_time = 0, time.monotonic()

    def text(self) -> str:
        return f"verified {self.done}/{self.total} digest and log files"

    def grow(self, n: int) -> None:
        with self._lock:
            self.total += n
            self._draw(force=self._bar)

    def tick(self) -> None:
        with self._lock:
            self.done += 1
            self._draw()

    def finish(self) -> None:
        with self._lock:
            if self._bar:
                self._stream.write("\n")
            elif self._last_done != self.done:
                self._stream.write(f"trailguard: {self.text()}\n")
            self._stream.flush()

    def _draw(self, force: bool = False) -> None:
        if self._bar:
            filled = self.WIDTH * self.done // self.total if self.total else 0
            self._stream.write(f"\r[{'#' * filled}{'-' * (self.WIDTH - filled)}] {self.text()}")
            self._stream.flush()
            return
        now = time.monotonic()
        if force or self.done - self._last_done >= max(1, self.total // 10) or now - self._last_time >= self._interval:
            self._last_done, self._last_time = self.done, now
            self._stream.write(f"trailguard: {self.text()}\n")
            self._stream.flush()


def make_file_progress(stream: TextIO | None = None, quiet: bool = False) -> Progress:
    if quiet:
        return Progress()
    stream = stream if stream is not None else sys.stderr
    isatty = getattr(stream, "isatty", None)
    return FileProgress(stream, bar=bool(isatty and isatty()))
