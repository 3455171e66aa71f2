"""The LookupEvents token bucket: 2 requests per second per account and region (CloudTrail quotas page:
"LookupEvents ... 2 transactions per second (TPS) per account per Region"), on a fake clock."""
from __future__ import annotations

import pytest

from checks.history.ratelimit import Pacer, TokenBucket, bucket_for


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.mark.parametrize("calls,rate,expected_s", [(2, 2.0, 0.0), (3, 2.0, 0.5), (10, 2.0, 4.0), (21, 2.0, 9.5),
                                                   (5, 1.0, 4.0)])
def test_token_bucket_spaces_calls_at_the_rate_after_the_burst(calls, rate, expected_s):
    clock = FakeClock()
    bucket = TokenBucket(rate, clock=clock, sleep=clock.sleep)
    for _ in range(calls):
        bucket.acquire()
    assert clock.now == pytest.approx(expected_s)


def test_token_bucket_refills_while_idle():
    clock = FakeClock()
    bucket = TokenBucket(2.0, clock=clock, sleep=clock.sleep)
    bucket.acquire(), bucket.acquire()
    clock.now += 10  # idle: refills to the burst, not beyond
    waits = [bucket.acquire() for _ in range(3)]
    assert waits == [0.0, 0.0, pytest.approx(0.5)]


def test_one_bucket_per_account_and_region():
    assert bucket_for("111111111111", "us-east-1") is bucket_for("111111111111", "us-east-1")
    assert bucket_for("111111111111", "us-east-1") is not bucket_for("111111111111", "eu-west-1")
    assert bucket_for("111111111111", "us-east-1") is not bucket_for("222222222222", "us-east-1")


def test_a_pacer_keeps_one_bucket_per_account_and_region_on_its_own_clock():
    """The clock is a parameter of the run's pacer (the fault sweep passes a virtual one), not a module global."""
    clock = FakeClock()
    pacer = Pacer(2.0, clock=clock, sleep=clock.sleep)
    assert pacer.bucket("111111111111", "us-east-1") is pacer.bucket("111111111111", "us-east-1")
    assert pacer.bucket("111111111111", "us-east-1") is not bucket_for("111111111111", "us-east-1")
    for _ in range(5):
        pacer.bucket("111111111111", "us-east-1").acquire()
    pacer.bucket("111111111111", "eu-west-1").acquire()  # another region: its own budget, no wait
    assert clock.now == pytest.approx(1.5)


@pytest.mark.parametrize("make", [TokenBucket, Pacer])
def test_rate_must_be_positive(make):
    with pytest.raises(ValueError, match="rate 0"):
        make(0)
