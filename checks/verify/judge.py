"""The CT-06 verdicts for one digest chain: pure, over ``StreamFacts`` (what ``fetch`` read).

Every outcome of AWS's algorithm ("Custom implementations of CloudTrail log file integrity validation")
is one ``Check`` (a Result plus the S3 key and time it is about):

- ``digest_valid`` PASS: read from its own location, signed by CloudTrail (SHA256withRSA), chain link ok;
- ``digest_signature_invalid`` FAIL: signature wrong, or the ``signature`` metadata missing;
- ``digest_moved`` / ``digest_malformed`` FAIL: not at the location recorded in it / not a digest file;
- ``digest_missing`` FAIL: a digest the next one links to (``previousDigestS3Object``) is gone;
- ``digest_chain_mismatch`` FAIL: ``previousDigestSignature``/``previousDigestHashValue`` disagree with it;
- ``digest_unverifiable`` ERROR: no public key for its fingerprint, or a call was refused;
- ``log_modified`` / ``log_deleted`` FAIL; ``log_unverifiable`` ERROR;
- ``log_not_covered`` FAIL: a log file in S3 no valid digest of the window lists.

"Digest file structure" says a starting digest (null previous* fields) begins a chain whenever logging or
validation (re)starts, and that CloudTrail delivers a digest every hour even with no activity (empty
``logFiles``): a start is a chain boundary, not a gap; an empty digest is valid; a missing hour inside a
linked chain is a deleted digest.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from checks.model import Result, Status
from checks.verify import digest as dg
from checks.verify.facts import DigestRead, StreamFacts
from checks.verify.layout import UTC, parse_digest_key

PENDING = dt.timedelta(hours=2)  # log files this recent may not be in a delivered digest yet


@dataclass(frozen=True)
class Check:
    kind: str
    result: Result
    key: str  # S3 key the check is about
    time: str  # ISO time of the digest end or the log file


@dataclass
class Summary:
    digests: int = 0  # digests verified (signature and location)
    logs: int = 0  # log files whose hash matched
    hours: float = 0.0  # hours of the window covered by verified standard digests
    pending: int = 0  # recent log files not yet in a delivered digest (not judged)


@dataclass
class Verdict:
    checks: list[Check] = field(default_factory=list)
    summary: Summary = field(default_factory=Summary)


def _uri(bucket: str, key: str) -> str:
    return f"s3://{bucket}/{key}"


def _iso(when: dt.datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def judge(facts: StreamFacts, *, now: dt.datetime | None = None) -> Verdict:
    now = now or dt.datetime.now(UTC)
    out = Verdict()
    s = facts.stream
    region = s.region

    def add(kind: str, status: Status, reason: str, key: str, time: str, bucket: str = s.bucket) -> None:
        out.checks.append(Check(kind, Result(status, reason, resource=_uri(bucket, key), region=region), key, time))

    if facts.digests is None:
        add("digest_unverifiable", Status.ERROR, f"Digests of {s.label()} could not be listed: "
            f"{facts.listing_error.rstrip('.')}.", s.root() + f"CloudTrail-Digest/{region}/", _iso(facts.start))
        return out
    reads = sorted(facts.digests, key=lambda r: (r.name.end, r.name.key))
    valid: dict[str, dg.Digest] = {}
    parsed: dict[str, dg.Digest] = {}
    unreadable = False
    for read in reads:
        verdict = _digest(read, facts)
        if read.digest is not None:
            parsed[read.name.key] = read.digest
        unreadable |= verdict[1] is Status.ERROR
        if verdict[1] is Status.PASS:
            valid[read.name.key] = read.digest
            out.summary.digests += 1
        add(verdict[0], verdict[1], verdict[2], read.name.key, _iso(read.name.end))
    for backfill in (False, True):
        chain = [r for r in reads if r.name.backfill is backfill]
        out.checks.extend(_links(chain, parsed, valid, facts))
    out.summary.hours = _hours(valid.values(), facts)
    _judge_logs(facts, valid, parsed, unreadable, now, out, add)
    return out


def _digest(read: DigestRead, facts: StreamFacts) -> tuple[str, Status, str]:
    uri = _uri(facts.stream.bucket, read.name.key)
    if read.missing:
        return "digest_missing", Status.FAIL, f"Digest {uri} was listed but is gone (NoSuchKey)."
    if read.error:
        return "digest_unverifiable", Status.ERROR, f"Digest {uri} could not be read: {read.error.rstrip('.')}."
    if read.malformed or read.digest is None:
        return "digest_malformed", Status.FAIL, f"Digest {uri} is not a valid digest file: {read.malformed}."
    d = read.digest
    if d.moved():
        return ("digest_moved", Status.FAIL, f"Digest {uri} was not read from its original location "
                f"s3://{d.data.get('digestS3Bucket')}/{d.data.get('digestS3Object')}.")
    if not d.signature or not d.signature_algorithm:
        return ("digest_signature_invalid", Status.FAIL, f"Digest {uri} has no signature metadata "
                "(x-amz-meta-signature / x-amz-meta-signature-algorithm), so it cannot be CloudTrail's.")
    if d.signature_algorithm != dg.SIGNATURE_ALGORITHM:
        return ("digest_unverifiable", Status.ERROR, f"Digest {uri} is signed with {d.signature_algorithm!r}; "
                f"only {dg.SIGNATURE_ALGORITHM} is documented.")
    value = facts.public_keys.get(d.fingerprint)
    if value is None:
        why = (f"cloudtrail:ListPublicKeys failed: {facts.keys_error.rstrip('.')}" if facts.keys_error else
               f"no public key with fingerprint {d.fingerprint} in {facts.stream.region} for its time range")
        return "digest_unverifiable", Status.ERROR, f"Digest {uri} cannot be verified: {why}."
    try:
        key = dg.load_public_key(value)
    except ValueError as exc:
        return ("digest_unverifiable", Status.ERROR,
                f"Digest {uri} cannot be verified: public key {d.fingerprint} does not load ({exc}).")
    if not dg.signature_valid(d, key):
        return ("digest_signature_invalid", Status.FAIL,
                f"Digest {uri} fails SHA256withRSA verification with public key {d.fingerprint}.")
    return ("digest_valid", Status.PASS, f"Digest {uri} (ending {d.end_time}) is signed by CloudTrail and "
            f"lists {len(d.log_files())} log file(s).")


def _links(chain: list[DigestRead], parsed: dict, valid: dict, facts: StreamFacts) -> list[Check]:
    """previousDigest* of each digest against the digest it names (a gap = a deleted digest)."""
    s = facts.stream
    listed = {r.name.key for r in chain}
    checks: list[Check] = []
    for i, read in enumerate(chain):
        d = parsed.get(read.name.key)
        if d is None or d.is_starting:
            continue
        prev_key = d.previous_key or ""
        uri = _uri(s.bucket, read.name.key)
        prev = parsed.get(prev_key)
        if prev_key in listed and d.previous_bucket == s.bucket:
            if prev is None:
                continue  # the previous digest's own check already says why it is unreadable
            if prev.signature and d.previous_signature != prev.signature:
                reason = (f"Digest {uri} names previousDigestSignature that differs from the signature of "
                          f"s3://{s.bucket}/{prev_key}: the chain was altered.")
            elif d.data.get("previousDigestHashValue") not in (None, prev.sha256):
                reason = (f"Digest {uri} names previousDigestHashValue that differs from the SHA-256 of "
                          f"s3://{s.bucket}/{prev_key}: the previous digest was altered.")
            else:
                continue
            checks.append(Check("digest_chain_mismatch", Result.failed(reason, resource=uri, region=s.region),
                                read.name.key, _iso(read.name.end)))
            continue
        prev_name = parse_digest_key(prev_key)
        if prev_name is not None and prev_name.end < facts.start:
            continue  # the link leaves the window: what came before was not asked for
        last_good = next((c.name.key for c in reversed(chain[:i]) if c.name.key in valid), None)
        after = f"s3://{s.bucket}/{last_good}" if last_good else "the start of the window"
        reason = (f"Digest s3://{d.previous_bucket}/{prev_key} is missing: the chain is broken between "
                  f"{after} and {uri}.")
        checks.append(Check("digest_missing", Result.failed(reason, resource=f"s3://{d.previous_bucket}/{prev_key}",
                                                            region=s.region),
                            prev_key, _iso(prev_name.end) if prev_name else d.start_time))
    return checks


def _hours(digests, facts: StreamFacts) -> float:
    total = 0.0
    for d in digests:
        if parse_digest_key(d.key) and parse_digest_key(d.key).backfill:
            continue
        try:
            start = dt.datetime.fromisoformat(d.start_time.replace("Z", "+00:00"))
            end = dt.datetime.fromisoformat(d.end_time.replace("Z", "+00:00"))
        except ValueError:
            continue
        lo, hi = max(start, facts.start), min(end, facts.end)
        total += max(0.0, (hi - lo).total_seconds() / 3600)
    return round(total, 2)


def _judge_logs(facts, valid, parsed, unreadable, now, out, add) -> None:
    s = facts.stream
    referenced: set[str] = set()
    for d in parsed.values():
        referenced.update(ref.key for ref in d.log_files())
    seen: set[str] = set()
    for d in valid.values():
        for ref in d.log_files():
            if ref.key in seen:
                continue
            seen.add(ref.key)
            read = facts.logs.get(ref.key)
            uri = _uri(ref.bucket, ref.key)
            when = d.end_time
            if read is None or read.error:
                why = read.error.rstrip(".") if read else "it was not fetched"
                add("log_unverifiable", Status.ERROR, f"Log file {uri} could not be read: {why}.", ref.key, when,
                    ref.bucket)
            elif read.missing:
                add("log_deleted", Status.FAIL, f"Log file {uri} is listed in digest s3://{s.bucket}/{d.key} "
                    "but is missing from S3: it was deleted.", ref.key, when, ref.bucket)
            elif ref.hash_algorithm.upper() not in ("SHA-256", "SHA256"):
                add("log_unverifiable", Status.ERROR, f"Log file {uri} is hashed with {ref.hash_algorithm!r}; "
                    "only SHA-256 is documented.", ref.key, when, ref.bucket)
            elif read.malformed or read.sha256 != ref.hash_value.lower():
                add("log_modified", Status.FAIL, f"Log file {uri} does not match the SHA-256 recorded in digest "
                    f"s3://{s.bucket}/{d.key}: it was modified.", ref.key, when, ref.bucket)
            else:
                out.summary.logs += 1
    if facts.log_objects is None:
        add("log_unverifiable", Status.ERROR, f"Log files of {s.label()} could not be listed: "
            f"{facts.log_listing_error.rstrip('.')}.", s.root() + f"CloudTrail/{s.region}/", _iso(facts.start))
        return
    for key, when in sorted(facts.log_objects.items()):
        if key in referenced or not facts.start <= when <= facts.end:
            continue
        if when >= now - PENDING:
            out.summary.pending += 1
            continue
        status = Status.ERROR if unreadable else Status.FAIL
        tail = (" (an unreadable digest of the window may list it)" if unreadable else "")
        add("log_not_covered", status, f"Log file s3://{s.bucket}/{key} is not listed in any digest of the "
            f"window{tail}.", key, _iso(when))
