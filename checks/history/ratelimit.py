"""A token bucket per (account, region): LookupEvents allows 2 requests per second per account and region.

CloudTrail's quota page lists LookupEvents at 2 transactions per second per account per region (not
adjustable). Every worker that calls LookupEvents for an account and region takes a token from that
pair's bucket first, so parallel regions never share a budget they don't have, and several threads on
the same pair queue instead of drawing ThrottlingException. botocore's adaptive retries remain the
second line of defence.
"""
from __future__ import annotations

import threading
import time
from typing import Callable

LOOKUP_EVENTS_RATE = 2.0  # per second, per account and region


class TokenBucket:
    def __init__(self, rate: float = LOOKUP_EVENTS_RATE, burst: float | None = None, *,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        if rate <= 0:
            raise ValueError(f"rate {rate!r} must be positive")
        self.rate, self.capacity = rate, burst if burst is not None else rate
        self._tokens, self._clock, self._sleep = self.capacity, clock, sleep
        self._last = clock()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Take one token, sleeping until there is one; returns the seconds waited."""
        with self._lock:  # holding the lock while sleeping keeps callers in arrival order
            now = self._clock()
            self._tokens = min(self.capacity, self._tokens + (now - self._last) * self.rate)
            self._last = now
            wait = 0.0 if self._tokens >= 1 else (1 - self._tokens) / self.rate
            if wait:
                self._sleep(wait)
                self._last = self._clock()
                self._tokens = 1.0
            self._tokens -= 1
            return wait


class Pacer:
    """The token buckets of one run: one per (account, region), shared by every thread that uses the pacer.

    The clock and the sleep are parameters, so a caller that must not wait (the fault sweep replays
    thousands of recorded LookupEvents answers) passes a virtual clock instead of patching this module.
    """

    def __init__(self, rate: float = LOOKUP_EVENTS_RATE, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if rate <= 0:
            raise ValueError(f"rate {rate!r} must be positive")
        self.rate, self._clock, self._sleep = rate, clock, sleep
        self._buckets: dict[tuple[str, str], TokenBucket] = {}
        self._lock = threading.Lock()

    def bucket(self, account_id: str, region: str) -> TokenBucket:
        with self._lock:
            key = (account_id, region)
            if key not in self._buckets:
                self._buckets[key] = TokenBucket(self.rate, clock=self._clock, sleep=self._sleep)
            return self._buckets[key]


PROCESS_PACER = Pacer()  # the default: real time, shared by every run in this process


def bucket_for(account_id: str, region: str) -> TokenBucket:
    """The process-wide bucket of one (account, region): shared by every thread of the run."""
    return PROCESS_PACER.bucket(account_id, region)
