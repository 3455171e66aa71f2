"""Plan and run a verification: trail -> streams (account x region) -> listings -> Gets -> judge -> findings.

Work fans out on one thread pool (``workers``) across accounts, regions and days, then across every
digest and log file: the only serial steps are the few calls that find the trail and the accounts.
Listings are narrowed to each day's prefix; every worker shares one S3 client (the bucket's region) and
one CloudTrail client per region.
"""
from __future__ import annotations

import datetime as dt
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Sequence

from checks.model import AuditRun, Finding
from checks.verify.facts import DigestRead, StreamFacts
from checks.verify.judge import Summary, judge
from checks.verify.layout import Stream, days, log_key_time, parse_digest_key

CONTROL_ID = "cloudtrail_log_files_integrity_verified"
DIGEST_LOOKAHEAD = dt.timedelta(hours=1)  # a log file delivered before `end` can be in the next digest
KEY_MARGIN = dt.timedelta(hours=2)  # public keys: the CLI's reader asks for [start, end + 2 h] too
BACKFILL_KEY_MARGIN = dt.timedelta(hours=1)  # around backfill-generation-timestamp, as the CLI's reader
_ORG_ID = re.compile(r"^o-[a-z0-9]{10,32}$")
_ACCOUNT = re.compile(r"^\d{12}$")


class VerifyError(Exception):
    """The run cannot start (no such trail, no digests folder, bad combination): one sentence."""


@dataclass(frozen=True)
class Request:
    trail: str | None
    start: dt.datetime
    end: dt.datetime
    org: bool = False
    accounts: Sequence[str] | None = None
    regions: Sequence[str] | None = None
    workers: int = 16


@dataclass
class Outcome:
    run: AuditRun
    summaries: dict[str, Summary] = field(default_factory=dict)  # "account/region" -> counts
    trail_arn: str = ""


def choose_trail(trails: list[dict], wanted: str | None, org: bool) -> dict:
    """The trail named (name or ARN), else the only one that fits; a usage error names the choices."""
    if wanted:
        found = [t for t in trails if wanted in (t.get("Name"), t.get("TrailARN"))]
        if not found:
            names = ", ".join(sorted({t.get("Name", "?") for t in trails})) or "none"
            raise VerifyError(f"--trail: no trail named {wanted!r} is visible; trails: {names}.")
        return found[0]
    candidates = [t for t in trails if t.get("IsOrganizationTrail")] if org else trails
    candidates = [t for t in candidates if t.get("LogFileValidationEnabled")] or candidates
    if len(candidates) != 1:
        names = ", ".join(sorted({t.get("Name", "?") for t in candidates})) or "none"
        raise VerifyError(f"--trail is required: {len(candidates)} {'organization ' if org else ''}trails "
                          f"could be meant ({names}).")
    return candidates[0]


@dataclass(frozen=True)
class Absent:
    """Nothing to verify where files should be: FAIL when a listing said so, ERROR when it failed."""

    account: str
    region: str
    where: str  # s3:// URI of the folder
    reason: str
    unknown: bool = False


def _streams(s3, trail: dict, req: Request) -> tuple[list[Stream], list[Absent]]:
    """The digest chains to verify; where a listing finds no files, an Absent (a bucket with nothing
    delivered is a verdict, not an error: CloudTrail writes a digest every hour while validation is on)."""
    from checks.verify import fetch

    bucket, prefix = trail["S3BucketName"], (trail.get("S3KeyPrefix") or "").strip("/")
    name, home = trail["Name"], trail.get("HomeRegion") or trail["TrailARN"].split(":")[3]
    owner = trail["TrailARN"].split(":")[4]
    logs_root = f"{prefix}/AWSLogs/" if prefix else "AWSLogs/"
    off = ("" if trail.get("LogFileValidationEnabled") else
           f" Log file validation is off for trail {name} (CT-05), so CloudTrail writes no digest files.")
    absent: list[Absent] = []

    def folders(path: str, account: str, region: str) -> list[str] | None:
        try:
            return fetch.common_prefixes(s3, bucket, path)
        except fetch.CALL_ERRORS as exc:
            absent.append(Absent(account, region, f"s3://{bucket}/{path}", "Nothing under "
                                 f"s3://{bucket}/{path} could be verified: "
                                 f"{fetch.failure('s3:ListObjectsV2', f's3://{bucket}/{path}', exc)}.", True))
            return None

    def nothing(account: str, region: str, path: str, what: str) -> None:
        absent.append(Absent(account, region, f"s3://{bucket}/{path}", f"No {what} of trail {name} under "
                             f"s3://{bucket}/{path}: nothing was delivered there, so nothing can be verified."
                             + off))

    org_id = ""
    if trail.get("IsOrganizationTrail"):
        found = folders(logs_root, owner, home)
        if found is None:
            return [], absent
        orgs = [p for p in found if _ORG_ID.match(p)]
        if len(orgs) > 1:
            raise VerifyError(f"s3://{bucket}/{logs_root} holds {len(orgs)} organization folders "
                              f"({', '.join(orgs)}); expected exactly one for trail {name}.")
        if not orgs:
            nothing(owner, home, logs_root, "organization folder (o-...)")
            return [], absent
        org_id = orgs[0]
    elif req.org:
        raise VerifyError(f"--org: trail {name} is not an organization trail.")
    root = f"{logs_root}{org_id}/" if org_id else logs_root
    if req.org:
        found = folders(root, owner, home)
        if found is None:
            return [], absent
        accounts = [a for a in found if _ACCOUNT.match(a)]
        if req.accounts:
            for a in sorted(set(req.accounts) - set(accounts)):
                nothing(a, home, f"{root}{a}/", "files for account " + a)
            accounts = [a for a in accounts if a in req.accounts]
        elif not accounts:
            nothing(owner, home, root, "account folder")
    else:
        accounts = list(req.accounts or [owner])
    streams = []
    for account in sorted(accounts):
        path = f"{root}{account}/CloudTrail-Digest/"
        found = folders(path, account, home)
        if found is None:
            continue
        regions = [r for r in found if not req.regions or r in req.regions]
        regions += [r for r in (req.regions or []) if r not in found]  # asked for, no digests: judged below
        if not regions:
            nothing(account, home, path, "digest folder")
        streams += [Stream(bucket, prefix, org_id, account, r, name, home) for r in sorted(set(regions))]
    return streams, absent


class Progress:
    """What a run reports as it goes: files to fetch (grows as digests name log files) and files done."""

    def grow(self, n: int) -> None:
        pass

    def tick(self) -> None:
        pass

    def finish(self) -> None:
        pass


def verify(session: Any, req: Request, *, progress: Progress | None = None,
           now: dt.datetime | None = None) -> Outcome:
    """Streams go through in a bounded window (``in_flight`` of them at once), each listed, read, hashed and
    judged, then dropped: memory holds a few streams' facts, not the whole organization's, whatever the file
    count. Every S3 call runs on the one pool of ``workers`` threads, at most 2 x ``workers`` files submitted
    per stream at a time (``bounded``)."""
    from checks.catalog import get
    from checks.verify import fetch

    region = session.region_name or "us-east-1"
    clients = fetch.Clients(session, req.workers)
    trail = choose_trail(fetch.describe_trails(clients.get("cloudtrail", region)), req.trail, req.org)
    bucket = trail["S3BucketName"]
    s3 = clients.get("s3", fetch.bucket_region(clients.get("s3", region), bucket, region))
    streams, absent = _streams(s3, trail, req)
    progress = progress or Progress()
    keys = _Keys(clients, req)
    control = get(CONTROL_ID)
    in_flight = max(2, req.workers // 4)
    with ThreadPoolExecutor(max_workers=req.workers, thread_name_prefix="verify") as pool, \
            ThreadPoolExecutor(max_workers=in_flight, thread_name_prefix="verify-stream") as lanes:
        def one(stream: Stream):
            facts = StreamFacts(stream, req.start, req.end)
            _list(pool, s3, facts, req)
            progress.grow(len(facts.digests or []))
            facts.public_keys, facts.keys_error = keys.get(stream.region)
            for _ in bounded(pool, lambda i: _read(s3, facts, i, progress), range(len(facts.digests or [])),
                             2 * req.workers):
                pass
            _backfill_keys(keys, facts)
            _hash_logs(pool, s3, facts, progress, 2 * req.workers)
            verdict = judge(facts, now=now)
            checks = verdict.checks + ([_no_digest(facts)] if facts.digests == [] else [])
            return stream, verdict.summary, [_finding(control, stream, c) for c in checks]

        done = list(lanes.map(one, streams))
    progress.finish()
    findings = [_absent(control, a, req.start) for a in absent] + [f for _, _, fs in done for f in fs]
    summaries = {s.label(): summary for s, summary, _ in done}
    accounts = sorted({s.account for s in streams} | {a.account for a in absent})
    notes = [f"{label}: {v.digests} digests and {v.logs} log files verified, {v.hours:g} hours covered"
              + (f", {v.pending} recent log files not yet in a digest" if v.pending else "") + "."
              for label, v in sorted(summaries.items())]
    return Outcome(AuditRun(findings=findings, accounts=accounts, notes=notes), summaries, trail["TrailARN"])


def _list(pool, s3, f: StreamFacts, req: Request) -> None:
    from checks.verify import fetch

    def digests() -> None:
        names = []
        try:
            for day in days(req.start, req.end + DIGEST_LOOKAHEAD):
                for key in fetch.list_keys(s3, f.stream.bucket, f.stream.digest_day_prefix(day)):
                    name = parse_digest_key(key, f.stream)
                    if name and req.start <= name.end <= req.end + DIGEST_LOOKAHEAD:
                        names.append(name)
        except fetch.CALL_ERRORS as exc:
            f.listing_error = fetch.failure("s3:ListObjectsV2", f"s3://{f.stream.bucket}/{f.stream.root()}", exc)
            return
        f.digests = [DigestRead(n) for n in sorted(names, key=lambda n: n.end)]

    def logs() -> None:
        found = {}
        try:
            for day in days(req.start, req.end):
                for key in fetch.list_keys(s3, f.stream.bucket, f.stream.log_day_prefix(day)):
                    when = log_key_time(key)
                    if when is not None:
                        found[key] = when
        except fetch.CALL_ERRORS as exc:
            f.log_listing_error = fetch.failure("s3:ListObjectsV2", f"s3://{f.stream.bucket}/{f.stream.root()}",
                                                exc)
            return
        f.log_objects = found

    list(pool.map(lambda job: job(), (digests, logs)))


def _read(s3, f: StreamFacts, index: int, progress: Progress) -> None:
    from checks.verify import fetch

    f.digests[index] = fetch.read_digest(s3, f.stream.bucket, f.digests[index].name)  # one writer per slot
    progress.tick()


class _Keys:
    """ListPublicKeys per region (keys are per region, not per account), once per range, shared by streams."""

    def __init__(self, clients, req: Request) -> None:
        self._clients, self._req = clients, req
        self._lock = threading.Lock()
        self._cache: dict[tuple, tuple[dict, str]] = {}

    def get(self, region: str, start: dt.datetime | None = None, end: dt.datetime | None = None):
        from checks.verify import fetch

        start = start or self._req.start - KEY_MARGIN
        end = end or self._req.end + KEY_MARGIN
        with self._lock:  # one call per region and range, even when several streams ask at once
            if (region, start, end) not in self._cache:
                try:
                    found = fetch.public_keys(self._clients.get("cloudtrail", region), start, end), ""
                except fetch.CALL_ERRORS as exc:
                    found = {}, fetch.failure("cloudtrail:ListPublicKeys", f"region {region}", exc)
                self._cache[(region, start, end)] = found
            keys, error = self._cache[(region, start, end)]
        return dict(keys), error


def _backfill_keys(keys: _Keys, f: StreamFacts) -> None:
    """A backfill digest may be signed later than its window: ask for keys around its generation time."""
    for read in f.digests or []:
        d = read.digest
        if d is None or not read.name.backfill or d.fingerprint in f.public_keys or not d.backfill_generated:
            continue
        try:
            when = dt.datetime.fromisoformat(d.backfill_generated.replace("Z", "+00:00"))
        except ValueError:
            continue
        found, _ = keys.get(f.stream.region, when - BACKFILL_KEY_MARGIN, when + BACKFILL_KEY_MARGIN)
        f.public_keys.update(found)


def bounded(pool, fn, items, limit: int):
    """``fn`` over ``items`` on ``pool``, at most ``limit`` submitted and unfinished at once; results as they
    complete. (``Executor.map`` submits every item up front: one Future per file, all held to the end.)"""
    from concurrent.futures import FIRST_COMPLETED, wait

    pending: set = set()
    for item in items:
        pending.add(pool.submit(fn, item))
        while len(pending) >= limit:  # the next item is taken only when there is room for it
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            yield from (f.result() for f in done)
    while pending:
        done, pending = wait(pending, return_when=FIRST_COMPLETED)
        yield from (f.result() for f in done)


def _hash_logs(pool, s3, f: StreamFacts, progress: Progress, limit: int) -> None:
    from checks.verify import fetch

    refs = {}
    for read in f.digests or []:
        if read.digest is not None:
            for ref in read.digest.log_files():
                refs.setdefault(ref.key, ref)
    progress.grow(len(refs))

    def one(ref):
        result = fetch.hash_log(s3, ref)
        progress.tick()
        return ref.key, result

    f.logs.update(bounded(pool, one, refs.values(), limit))


def _no_digest(f: StreamFacts):
    from checks.model import Result
    from checks.verify.judge import Check, _iso

    s = f.stream
    where = f"s3://{s.bucket}/{s.root()}CloudTrail-Digest/{s.region}/"
    reason = (f"No digest file of trail {s.trail_name} for {s.label()} ends between {_iso(f.start)} and "
              f"{_iso(f.end + DIGEST_LOOKAHEAD)}; CloudTrail delivers one every hour while validation is on.")
    return Check("digest_missing", Result.failed(reason, resource=where, region=s.region), where, _iso(f.start))


def _absent(control, a: Absent, start: dt.datetime) -> Finding:
    from checks.model import Status
    from checks.verify.judge import _iso

    status, kind = (Status.ERROR, "digest_unverifiable") if a.unknown else (Status.FAIL, "digest_missing")
    return Finding(control_id=CONTROL_ID, status=status, severity=control.severity, account_id=a.account,
                   region=a.region, resource=a.where, reason=a.reason, title=control.title,
                   outcome=kind, object_key=a.where.split("/", 3)[3], object_time=_iso(start))


def _finding(control, s: Stream, check) -> Finding:
    r = check.result
    return Finding(control_id=CONTROL_ID, status=r.status, severity=control.severity, account_id=s.account,
                   region=r.region or s.region, resource=r.resource, reason=r.reason, title=control.title,
                   outcome=check.kind, object_key=check.key, object_time=check.time)
