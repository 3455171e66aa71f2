"""Helpers shared by the CloudTrail trail rules: ownership, unknown facts, and "some trail does X" logic.

A Verdict is what one trail contributes to an account-level question: (Status, phrase). The phrase
completes the sentence "Trail <name> ...", e.g. "is not logging".
"""
from __future__ import annotations

import datetime as dt
from typing import Callable

from checks.facts import AccountFacts, TrailFacts
from checks.model import Result, Status, sentence
from checks.params import AuditParams
from checks.rules.subjects import missing

Verdict = tuple[Status, str]
MAX_DELIVERY_AGE = dt.timedelta(hours=24)  # CT-03/CT-08: older than this means delivery has stalled


def age(params: AuditParams, when: dt.datetime) -> dt.timedelta:
    """How long before the run's instant (``params.now``, the collection time) ``when`` was."""
    if params.now is None:
        raise ValueError("AuditParams.now is not set; checks.engine.evaluate sets it from the collection time.")
    if when.tzinfo is None:  # API timestamps are UTC; tolerate naive values from adapters
        when = when.replace(tzinfo=dt.timezone.utc)
    return params.now - when


def logging_verdict(trail: TrailFacts) -> Verdict | None:
    """None when the trail is logging; otherwise why it counts for nothing."""
    if trail.status is None or trail.status.is_logging is None:
        return Status.ERROR, missing(trail, "status", "cloudtrail:GetTrailStatus")
    if not trail.status.is_logging:
        return Status.FAIL, "is not logging"
    return None


def multi_region_logging(trail: TrailFacts) -> Verdict | None:
    """None when the trail is multi-region and logging (the precondition of the coverage controls)."""
    if trail.is_multi_region is None:
        return Status.ERROR, missing(trail, "is_multi_region", "cloudtrail:DescribeTrails")
    if not trail.is_multi_region:
        return Status.FAIL, "is not multi-region"
    return logging_verdict(trail)


def some_trail(account: AccountFacts, check: Callable[[TrailFacts], Verdict], achievement: str) -> Result:
    """PASS when at least one trail (own, organization or shadow) passes `check`.

    Otherwise fail closed: any trail with unknown facts (own, or an organization trail owned by another
    account) gives ERROR; else FAIL naming the first trail's shortfall.
    """
    trails = sorted(account.trails or [], key=lambda t: t.arn)
    verdicts = [(t, *check(t)) for t in trails]
    for trail, status, phrase in verdicts:
        if status is Status.PASS:
            suffix = f", {phrase}" if phrase else ""
            return Result.passed(f"Trail {trail.arn} {achievement}{suffix}.", resource=account.account_id)
    # An organization trail we could not read counts as unknown too: whether it covers this account is
    # this account's question, and "assessed in the owner account" would hide that the answer is missing.
    for trail, status, phrase in verdicts:
        if status is Status.ERROR:
            return Result.error(sentence(phrase), resource=account.account_id)
    if not verdicts:
        return Result.failed(f"Account {account.account_id} has no trail.", resource=account.account_id)
    trail, _, phrase = verdicts[0]
    return Result.failed(f"No trail in account {account.account_id} {achievement}: trail {trail.name} {phrase}.",
                         resource=account.account_id)

