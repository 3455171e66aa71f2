"""LookupEvents -> HistoryFacts: the trail events of every enabled region and the tamper events.

Design for the real constraint, LookupEvents' 2 requests per second per account and region:
- one lookup attribute per request is all the API allows, so events are looked up by EventName, one
  query per name, each usually a single page (these calls are rare);
- trail events (CreateTrail, DeleteTrail, StartLogging, StopLogging, UpdateTrail, PutEventSelectors) in
  every enabled region, since each call is recorded in the region it was made in; tamper events only
  where they can be recorded: the regions of the trail's bucket, keys and log groups, and us-east-1 for
  AWS Organizations (a global service);
- regions in parallel (a thread each, up to 8), every request first taking a token from its (account,
  region) bucket (:mod:`checks.history.ratelimit`); adaptive retries behind that;
- a region whose lookups fail is recorded as unknown (errors), never as "no events".
"""
from __future__ import annotations

import contextlib
import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from checks.collect.clients import CALL_ERRORS, Clients, failure
from checks.history.events import TAMPER_EVENTS, TRAIL_EVENTS, HistoryEvent, from_lookup
from checks.history.facts import HistoryFacts
from checks.history.options import HistoryOptions, current
from checks.history.ratelimit import Pacer

if TYPE_CHECKING:  # pragma: no cover
    from checks.facts import AccountFacts

MAX_REGION_THREADS = 20  # the limit is per region: a thread per region costs nothing of it
GLOBAL_REGION = "us-east-1"  # where global service events (Organizations) are recorded


def _lookup(clients: Clients, pacer: Pacer, account_id: str, region: str, name: str, start, end,
            counter: list) -> list[HistoryEvent]:
    client = clients.get("cloudtrail", region)
    bucket = pacer.bucket(account_id, region)
    events, token = [], None
    while True:
        counter[1] += bucket.acquire()
        kwargs = {"LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": name}],
                  "StartTime": start, "EndTime": end, "MaxResults": 50}
        if token:
            kwargs["NextToken"] = token
        page = client.lookup_events(**kwargs)
        counter[0] += 1
        events.extend(from_lookup(item, region) for item in page.get("Events", []))
        token = page.get("NextToken")
        if not token:
            return events


def _region_job(clients, pacer, account_id, region, names, start, end, progress=None):
    # An organization run's shared clients sign as the thread's active account (checks/org_sessions.py):
    # this worker thread must make the account active again.
    active = getattr(clients.session, "active", None)
    with active() if active else contextlib.nullcontext():
        return _region_lookups(clients, pacer, account_id, region, names, start, end, progress)


def _region_lookups(clients, pacer, account_id, region, names, start, end, progress=None):
    counter = [0, 0.0]
    found: list[HistoryEvent] = []
    errors: dict[str, str] = {}
    for i, name in enumerate(names):
        try:
            found.extend(_lookup(clients, pacer, account_id, region, name, start, end, counter))
        except CALL_ERRORS as exc:
            errors[name] = failure("cloudtrail:LookupEvents", f"{name} events in region {region}", exc)
            if progress is not None:  # the region is unknown now: its remaining lookups are not made
                for _ in names[i:]:
                    progress.advance(region, error=True)
            break  # the region is unknown now; further names would only spend its budget
        if progress is not None:
            progress.advance(region)
    return region, found, errors, counter


def tamper_regions(facts: "AccountFacts") -> set[str]:
    """Where the account's own trails' resources live (and us-east-1 for Organizations); none without own trails:
    then the tamper control is NOT_APPLICABLE and its lookups would only spend the rate limit."""
    own = [t for t in facts.trails or [] if t.owner_account_id in ("", facts.account_id)]
    if not own:
        return set()
    regions = {GLOBAL_REGION}
    for trail in own:
        bucket = facts.buckets.get(trail.s3_bucket_name or "")
        regions.add((bucket.region if bucket and bucket.region else None) or trail.home_region)
        for arn in (trail.kms_key_id or "", trail.cloudwatch_logs_log_group_arn or ""):
            if arn.startswith("arn:") and arn.split(":")[3]:
                regions.add(arn.split(":")[3])
    return regions


def begin(account_id: str, options: HistoryOptions | None = None) -> None:
    """The account's collection has started: in an organization run, members may wait for its history."""
    (options or current()).the_board().begin(account_id)


def skip(account_id: str, options: HistoryOptions | None = None) -> None:
    """Nothing to look up (no trail inventory): members must not wait for this account."""
    (options or current()).the_board().publish(account_id, {})


def collect_history(session, facts: "AccountFacts", options: HistoryOptions | None = None) -> None:
    """Fill ``facts.history``; every failed call is an entry in its errors, never an exception."""
    options = options or current()
    try:
        _collect_history(session, facts, options)
    except Exception:  # a bug or an unexpected SDK error: members of an org run must not wait for us
        skip(facts.account_id, options)
        raise


def _collect_history(session, facts: "AccountFacts", options: HistoryOptions) -> None:
    end = options.end or facts.collected_at or dt.datetime.now(dt.timezone.utc)
    start = end - dt.timedelta(days=options.days)
    clients = Clients(session)
    regions = tuple(sorted(facts.enabled_regions or (clients.region,)))
    history = HistoryFacts(start=start, end=end, days=options.days, regions=regions,
                           deployer_roles=options.deployer_roles)
    tamper_names = [n for names in TAMPER_EVENTS.values() for n in names]
    jobs = [(r, TRAIL_EVENTS, "trail") for r in regions]
    jobs += [(r, tuple(tamper_names if r == GLOBAL_REGION else
                       [n for s, ns in TAMPER_EVENTS.items() if s != "organizations.amazonaws.com" for n in ns]),
              "tamper") for r in sorted(tamper_regions(facts))]
    progress = options.progress
    if progress is not None:  # honest: LookupEvents is 2 per second per region, the slow part of the audit
        progress.start(sum(len(names) for _, names, _ in jobs))
    with ThreadPoolExecutor(max_workers=min(MAX_REGION_THREADS, len(jobs)) or 1,
                            thread_name_prefix="trailguard-history") as pool:
        futures = [(kind, pool.submit(_region_job, clients, options.the_pacer(), facts.account_id, r, names, start,
                                      end, progress))
                   for r, names, kind in jobs]
        tamper: list[HistoryEvent] = []
        for kind, future in futures:
            region, found, errors, (calls, waited) = future.result()
            history.calls += calls
            history.waited_s += waited
            if kind == "trail":
                if errors:
                    history.errors[region] = next(iter(errors.values()))
                else:
                    history.trail_events[region] = tuple(found)
            else:
                tamper.extend(found)
                history.tamper_errors.update({f"{region} {n}": e for n, e in errors.items()})
    if progress is not None:
        progress.finish()
    history.tamper_events = tuple(tamper)
    facts.history = history
    _share(facts, history, options)


def _share(facts: "AccountFacts", history: HistoryFacts, options: HistoryOptions | None = None) -> None:
    """Publish own organization trails' events; pick up those of organization trails owned elsewhere."""
    from checks.history.events import trail_of

    events = history.all_trail_events()
    own_org = {t.name: t.arn for t in facts.trails or []
               if t.is_organization and t.owner_account_id == facts.account_id}
    for ev in events:  # deleted organization trails: known from their CreateTrail / UpdateTrail
        name = trail_of(ev)
        if ev.request.get("isOrganizationTrail") is True and name not in own_org:
            own_org[name] = f"arn:{facts.partition}:cloudtrail:{ev.region}:{facts.account_id}:trail/{name}"
    board = (options or current()).the_board()
    board.publish(facts.account_id, {arn: tuple(e for e in events if trail_of(e) == name)
                                      for name, arn in own_org.items()})
    owners = sorted({t.owner_account_id for t in facts.trails or []
                     if t.is_organization and t.owner_account_id and t.owner_account_id != facts.account_id})
    for owner in owners:
        got = board.inherited(owner)
        if got is not None:
            history.inherited.update(got)
