"""verify's work queue: at most `limit` files submitted and not yet handed back, every result handed back once."""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from checks.verify.run import bounded


@pytest.mark.parametrize("workers, limit, n", [(1, 1, 5), (4, 2, 50), (4, 8, 50), (16, 32, 300), (8, 500, 40)])
def test_bounded_never_holds_more_than_limit_and_returns_everything(workers, limit, n):
    state = {"pulled": 0, "yielded": 0, "worst": 0}

    def items():
        for i in range(n):
            state["pulled"] += 1
            state["worst"] = max(state["worst"], state["pulled"] - state["yielded"])
            yield i

    def work(i):
        time.sleep(0.001 * (i % 3))
        return i * i

    got = []
    with ThreadPoolExecutor(workers) as pool:
        for result in bounded(pool, work, items(), limit):
            state["yielded"] += 1
            got.append(result)
    assert sorted(got) == [i * i for i in range(n)]
    assert state["worst"] <= limit


def test_bounded_raises_what_the_work_raised():
    with ThreadPoolExecutor(2) as pool, pytest.raises(ZeroDivisionError):
        list(bounded(pool, lambda i: 1 // i, [3, 2, 1, 0], 2))
