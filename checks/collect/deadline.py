"""A per-account deadline (``--account-timeout``): calls made after it fail at once, without the network.

The deadline is thread-local, so in an organization run each worker's account has its own while all of
them share the same clients. A ``before-call`` hook on every collector client raises DeadlineExceeded
(a botocore error, so collectors record it like any failed call) once the calling thread's deadline has
passed. A call already in flight is bounded by the per-call timeouts in clients.py, not by this.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterator

from botocore.exceptions import BotoCoreError

DEFAULT_ACCOUNT_TIMEOUT_S = 300

_local = threading.local()


class DeadlineExceeded(BotoCoreError):
    fmt = "the --account-timeout of {seconds:g} s for account {account} ran out"


@contextmanager
def account_deadline(account_id: str, seconds: float | None,
                     clock: Callable[[], float] = time.monotonic) -> Iterator[Callable[[], bool]]:
    """Calls in this thread inside the block fail after ``seconds``; yields "has it run out?"."""
    previous = getattr(_local, "active", None)
    end = clock() + seconds if seconds else None
    _local.active = (account_id, seconds, end, clock) if end is not None else None
    try:
        yield lambda: end is not None and clock() > end
    finally:
        _local.active = previous


def check_deadline(**_kwargs) -> None:
    """before-call hook: refuse the call when the calling thread's account is past its deadline."""
    active = getattr(_local, "active", None)
    if active is not None and active[3]() > active[2]:
        raise DeadlineExceeded(seconds=active[1], account=active[0])
