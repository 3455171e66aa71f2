"""Predicates for the history controls: logging continuity per region, and tamper events per account.

Both read ``AccountFacts.history`` (:class:`checks.history.facts.HistoryFacts`). Unknown history is
ERROR naming the failed call (cloudtrail:LookupEvents), never PASS: a throttled or denied lookup in
any enabled region leaves every region's continuity unknown, because a multi-region trail's StopLogging
is recorded only in the region it was called in.
"""
from __future__ import annotations

from checks.facts import AccountFacts, TrailFacts
from checks.history import tamper
from checks.history.events import trail_of
from checks.history.gaps import TrailHistory, TrailState, region_gaps
from checks.model import Result
from checks.params import AuditParams
from checks.rules import rule, subjects
from checks.rules.selectors import management_coverage

NOT_COLLECTED = "cloudtrail:LookupEvents was not called (history off or not collected)"


def _state(trail: TrailFacts) -> TrailState | str:
    unknown = subjects.unknown_logging_fact(trail)
    if unknown:
        return unknown
    return TrailState(exists=True, logging=trail.status.is_logging, multi_region=trail.is_multi_region,
                      organization=bool(trail.is_organization), management=management_coverage(trail.selectors).ok,
                      home_region=trail.home_region)


def trail_histories(account: AccountFacts) -> list[TrailHistory] | str:
    """Every trail's history input (own, deleted, inherited organization trails), or why it is unknown."""
    history = account.history
    events = history.all_trail_events()
    out, seen = [], set()
    for trail in account.trails or []:
        state = _state(trail)
        if isinstance(state, str):
            return state
        status = trail.status
        foreign = bool(trail.owner_account_id) and trail.owner_account_id != account.account_id
        own = () if foreign else tuple(e for e in events if trail_of(e) == trail.name)
        key = trail.arn if foreign else trail.name
        seen.add(key)
        out.append(TrailHistory(key=key, current=state, events=history.inherited.get(trail.arn, own),
                                via_organization=foreign, start_logging_time=status.start_logging_time,
                                stop_logging_time=status.stop_logging_time))
    for name in sorted({trail_of(e) for e in events} - seen):  # deleted trails
        out.append(TrailHistory(key=name, current=None, events=tuple(e for e in events if trail_of(e) == name)))
    for arn, inherited in sorted(history.inherited.items()):
        if arn not in seen:
            out.append(TrailHistory(key=arn, current=None, events=inherited, via_organization=True))
    return out


def _unknown(subject: str, errors: dict | None) -> Result | None:
    """ERROR when the history was not collected (errors None) or a lookup failed; None when it is known.

    ``subject`` ends with its verb ("... is", "... are"): the reason reads "<subject> unknown: <why>."."""
    if errors is None:
        return Result.error(f"{subject} unknown: {NOT_COLLECTED}.")
    if errors:
        return Result.error(f"{subject} unknown: {'; '.join(errors[k].rstrip('.') for k in sorted(errors))}.")
    return None


@rule("cloudtrail_logging_continuous", "region")
def logging_continuous(account: AccountFacts, region: str) -> Result:
    history = account.history
    unknown = _unknown(f"Logging continuity of region {region} is", history and history.errors)
    if unknown is not None:  # also when history is None: not collected
        return unknown
    trails = trail_histories(account)
    if isinstance(trails, str):
        return Result.error(f"Logging continuity of region {region} is unknown: {trails.rstrip('.')}.")
    gaps = region_gaps(trails, region, history.start, history.end)
    window = f"the last {history.days} day(s)"
    if not gaps:
        return Result.passed(f"Region {region} was recorded by a logging trail with all management events "
                             f"throughout {window}.")
    listed = "; ".join(g.describe() for g in gaps)
    return Result.failed(f"Region {region} had {len(gaps)} logging gap(s) in {window}: {listed}.")


def _unknown_resources(own: list[TrailFacts], account: AccountFacts) -> str | None:
    """Why the set of audit resources (or where their events are recorded) is unknown, or None: an event on
    a bucket we can't name, or in a region we did not look in, would otherwise read as "no event"."""
    for trail in own:
        unknown = subjects.unknown_setting(trail)
        if unknown:
            return unknown
        bucket = account.buckets.get(trail.s3_bucket_name or "")
        if bucket is not None and bucket.region is None and bucket.errors.get("region"):
            return f"the region of bucket {bucket.name}, where its events are recorded, is unknown: " + \
                bucket.errors["region"]
    return None


def _resources(account: AccountFacts, params: AuditParams) -> tamper.AuditResources | str | None:
    own = [t for t in account.trails or [] if t.owner_account_id in ("", account.account_id)]
    if not own:
        return None
    unknown = _unknown_resources(own, account)
    if unknown:
        return unknown
    groups = {subjects.log_group_name(t) for t in own} - {""}
    metrics = {(m.metric_namespace, m.metric_name) for g in account.log_groups.values() if g.name in groups
               for f in g.metric_filters or () for m in f.transformations}
    alarms = None if account.alarms is None else frozenset(
        a.name for a in account.alarms if (a.namespace, a.metric_name) in metrics)
    return tamper.AuditResources(
        buckets=frozenset(t.s3_bucket_name for t in own if t.s3_bucket_name),
        keys=frozenset(k for t in own for k in subjects.key_names(t)),
        log_groups=frozenset(groups), alarms=alarms, min_retention_days=params.min_log_retention_days)


@rule("cloudtrail_audit_resources_untampered", "account")
def audit_resources_untampered(account: AccountFacts, params: AuditParams) -> Result:
    history, acct = account.history, account.account_id
    unknown = _unknown(f"Tamper events of account {acct} are", history and history.tamper_errors)
    if unknown is not None:  # also when history is None: not collected
        return unknown
    res = _resources(account, params)
    if res is None:
        owners = sorted({t.owner_account_id for t in account.trails or []})
        return Result.not_applicable(f"Account {acct} owns no trail; the audit trail's resources belong to "
                                     f"account(s) {', '.join(owners)}, where their events are checked.")
    if isinstance(res, str):
        return Result.error(f"Tamper events of account {acct} are unknown: {res.rstrip('.')}.")
    found = tamper.find(history.tamper_events, res, history.deployer_roles)
    bad = [t for t in found if not t.by_deployer]
    info = [t for t in found if t.by_deployer]
    note = (f"; INFO: {len(info)} change(s) by the deployer role: " + "; ".join(t.describe() for t in info)
            if info else "")
    window = f"the last {history.days} day(s)"
    if bad:
        return Result.failed(f"{len(bad)} event(s) in {window} weakened the audit trail's resources of account "
                             f"{acct}: " + "; ".join(t.describe() for t in bad) + note + ".")
    return Result.passed(f"No event in {window} weakened the audit trail's resources of account {acct}{note}.")
