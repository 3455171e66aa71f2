"""boto3 -> AccountFacts. The only package that imports boto3/botocore; read-only calls only.

``collect_account`` collects what the selected controls need and nothing more: no S3 calls without a
bucket control, no ec2:DescribeRegions without the region-coverage control. Controls this module does
not know (families written elsewhere) get everything, so a new control never runs on missing facts.
A failed call becomes an ``errors[...]`` sentence naming the API; it never raises out of here, except
sts:GetCallerIdentity when no account id is given (without it nothing can be attributed).
"""
from __future__ import annotations

import datetime as dt
import importlib
from typing import TYPE_CHECKING, Sequence

from checks.collect.buckets import collect_buckets
from checks.collect.clients import CALL_ERRORS, Clients, failure
from checks.collect.keys_logs import collect_keys, collect_log_groups
from checks.collect.trails import collect_trails
from checks.facts import AccountFacts

if TYPE_CHECKING:  # pragma: no cover
    import boto3

    from checks.catalog import Control
    from checks.history.options import HistoryOptions

# What each CloudTrail control needs beyond the trail inventory (DescribeTrails is always made).
NEEDS: dict[str, frozenset[str]] = {
    "cloudtrail_multi_region_management_events_enabled": frozenset({"status", "selectors"}),
    "cloudtrail_all_regions_covered": frozenset({"status", "regions"}),
    "cloudtrail_delivery_healthy": frozenset({"status"}),
    "cloudtrail_global_service_events_enabled": frozenset(),
    "cloudtrail_log_file_validation_enabled": frozenset(),
    "cloudtrail_kms_encryption_enabled": frozenset({"keys"}),
    "cloudtrail_cloudwatch_logs_integrated": frozenset({"status"}),
    "cloudtrail_bucket_not_public": frozenset({"bucket:public"}),
    "cloudtrail_bucket_access_logging_enabled": frozenset({"bucket:logging"}),
    "cloudtrail_bucket_deletion_protection_enabled": frozenset({"bucket:lock"}),
    # the log bucket's access-log target may be excluded from S3 data events without losing coverage
    "cloudtrail_s3_write_data_events_enabled": frozenset({"status", "selectors", "bucket:logging"}),
    "cloudtrail_s3_read_data_events_enabled": frozenset({"status", "selectors", "bucket:logging"}),
    "cloudtrail_security_trail_enabled": frozenset({"status", "selectors", "keys"}),
    "cloudtrail_insights_enabled": frozenset({"status", "insights"}),
    "cloudtrail_trail_tagged": frozenset({"tags"}),
    "cloudtrail_sns_notifications_enabled": frozenset(),
}
EVERYTHING = frozenset({"status", "selectors", "insights", "tags", "regions", "keys", "log_groups", "bucket:all"})
NEEDS.update(importlib.import_module("checks.collect.history_needs").NEEDS)  # issue 14: history and Lake


def needs_for(controls: Sequence["Control"] | None) -> set[str]:
    if controls is None:
        return set(EVERYTHING) | {"monitoring"}
    needs: set[str] = set()
    for control in controls:
        needs |= NEEDS.get(control.id, EVERYTHING)
        if control.family == "monitoring":
            needs.add("monitoring")
    return needs


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
