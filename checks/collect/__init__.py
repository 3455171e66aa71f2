"""boto3 -> AccountFacts. The only package that imports boto3/botocore; read-only calls only.

``collect_account`` collects what the selected controls declare (``Control.collects``, the need names of
:mod:`checks.catalog.plan`) and nothing more: no S3 calls without a bucket control, no ec2:DescribeRegions
without a control that reads the regions.
A failed call becomes an ``errors[...]`` sentence naming the API; it never raises out of here, except
sts:GetCallerIdentity when no account id is given (without it nothing can be attributed).
"""
from __future__ import annotations

import datetime as dt
import importlib
from typing import TYPE_CHECKING, Sequence

from checks.catalog.plan import EVERYTHING
from checks.collect.buckets import collect_buckets
from checks.collect.clients import CALL_ERRORS, Clients, failure
from checks.collect.keys_logs import collect_keys, collect_log_groups
from checks.collect.trails import collect_trails
from checks.facts import AccountFacts

if TYPE_CHECKING:  # pragma: no cover
    import boto3

    from checks.catalog import Control
    from checks.history.options import HistoryOptions


def needs_for(controls: Sequence["Control"] | None) -> set[str]:
    """The collection plan: what the selected controls declare in ``Control.collects`` (everything for None)."""
    if controls is None:
        return set(EVERYTHING)
    return set().union(*(c.collects for c in controls))


def collect_account(session: "boto3.Session", *, account_id: str | None = None,
                    controls: Sequence["Control"] | None = None,
                    history: "HistoryOptions | None" = None) -> AccountFacts:
    """``history``: the window, deployer roles, rate-limit pacer and org board (default: the CLI's run)."""
    clients = Clients(session)
    caller_arn = ""
    if account_id is None:
        identity = clients.get("sts").get_caller_identity()
        account_id, caller_arn = identity["Account"], identity.get("Arn", "")
    facts = AccountFacts(account_id=account_id, partition=_partition(session, clients.region, caller_arn),
                         collected_at=dt.datetime.now(dt.timezone.utc))
    needs = needs_for(controls)
    if "history" in needs:  # organization runs: members may wait for this account's organization trails
        importlib.import_module("checks.collect.history").begin(account_id, history)
    if "regions" in needs:
        _regions(clients, facts)
    collect_trails(clients, facts, needs)
    if facts.trails is None:
        _history_and_lake(session, facts, needs, history)  # nothing to look up, but members must not wait for it
        return facts
    bucket_parts = {n.split(":", 1)[1] for n in needs if n.startswith("bucket:")}
    if bucket_parts:
        collect_buckets(clients, facts, bucket_parts)
    if "keys" in needs:
        collect_keys(clients, facts)
    if "log_groups" in needs or "monitoring" in needs:
        collect_log_groups(clients, facts)
    if "monitoring" in needs:
        _monitoring(session, facts)
    _history_and_lake(session, facts, needs, history)
    return facts


def _history_and_lake(session, facts: AccountFacts, needs: set[str], history=None) -> None:
    """Hook for issue 14's collectors (checks/collect/history.py, checks/collect/lake.py)."""
    if facts.trails is None:
        if "history" in needs:
            importlib.import_module("checks.collect.history").skip(facts.account_id, history)
        return
    if "lake" in needs:
        importlib.import_module("checks.collect.lake").collect_lake(session, facts)
    if "history" in needs:
        importlib.import_module("checks.collect.history").collect_history(session, facts, history)


def _partition(session, region: str, caller_arn: str) -> str:
    if caller_arn.startswith("arn:"):
        return caller_arn.split(":")[1]
    try:
        return session.get_partition_for_region(region)
    except Exception:  # an unknown region name: the commercial partition is the only sane guess
        return "aws"


def _regions(clients: Clients, facts: AccountFacts) -> None:
    """Enabled regions only: AllRegions=False leaves out opt-in regions the account has not enabled."""
    try:
        got = clients.get("ec2").describe_regions(AllRegions=False)
    except CALL_ERRORS as exc:
        facts.errors["regions"] = failure("ec2:DescribeRegions", f"account {facts.account_id}", exc)
        return
    facts.enabled_regions = tuple(sorted(
        r["RegionName"] for r in got.get("Regions", [])
        if r.get("OptInStatus", "opt-in-not-required") in ("opt-in-not-required", "opted-in")))


def _monitoring(session, facts: AccountFacts) -> None:
    """Hook for the CM family's collector (checks/collect/monitoring.py, owned by its engineer)."""
    try:
        module = importlib.import_module("checks.collect.monitoring")
    except ModuleNotFoundError as exc:
        if exc.name != "checks.collect.monitoring":
            raise
        return
    module.collect_monitoring(session, facts)
