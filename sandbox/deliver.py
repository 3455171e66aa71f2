"""CloudTrail's delivery, played into the emulator: log files and signed digest files, as AWS writes them.

moto stores trails but never delivers logs, so the demo, the tests and the benchmark write them here, in
the layout and format of the CloudTrail User Guide ("CloudTrail digest file structure"): gzip'd JSON log
files, one digest per hour that lists them with the SHA-256 of their uncompressed content, chained by
``previousDigest*``, signed SHA256withRSA over the documented data-signing string, with the signature in
the ``signature`` / ``signature-algorithm`` object metadata. The public keys go to the emulator's
ListPublicKeys (``sandbox.publickeys``).
"""
from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from typing import Any

from checks.verify.digest import SIGNATURE_ALGORITHM
from checks.verify.layout import UTC, Stream, digest_key, log_key


@dataclass(frozen=True)
class SigningKey:
    private_key: Any  # cryptography RSAPrivateKey
    region: str
    start: dt.datetime
    end: dt.datetime
    fingerprint: str

    def sign(self, data: bytes) -> str:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        return self.private_key.sign(data, padding.PKCS1v15(), hashes.SHA256()).hex()


def make_key(region: str, start: dt.datetime, end: dt.datetime) -> SigningKey:
    """A new RSA key pair for ``region``; its public half is published by the emulator's ListPublicKeys."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    from sandbox.publickeys import add_public_key

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    der = private.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
    return SigningKey(private, region, start, end, add_public_key(region, der, start, end))


def _iso(when: dt.datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Chain:
    """What was delivered for one stream, oldest first (tests and the demo tamper with it)."""

    digests: list[str] = field(default_factory=list)
    logs: list[str] = field(default_factory=list)
    signatures: dict[str, str] = field(default_factory=dict)  # digest key -> hex signature
    raw: dict[str, bytes] = field(default_factory=dict)  # digest key -> uncompressed content


def log_body(stream: Stream, when: dt.datetime, n_events: int = 2) -> bytes:
    records = [{"eventVersion": "1.09", "eventTime": _iso(when - dt.timedelta(minutes=i)), "eventSource":
                "sts.amazonaws.com", "eventName": "GetCallerIdentity", "awsRegion": stream.region,
                "recipientAccountId": stream.account, "eventID": secrets.token_hex(16)} for i in range(n_events)]
    return json.dumps({"Records": records}).encode()


def _signed_digest(stream: Stream, key: SigningKey, start: dt.datetime, end: dt.datetime, logs: list[dict],
                   previous: tuple[str, str, bytes] | None, dkey: str) -> tuple[bytes, str]:
    times = [t for f in logs for t in (f["oldestEventTime"], f["newestEventTime"])]
    data = {
        "awsAccountId": stream.account, "digestStartTime": _iso(start), "digestEndTime": _iso(end),
        "digestS3Bucket": stream.bucket, "digestS3Object": dkey,
        "digestPublicKeyFingerprint": key.fingerprint, "digestSignatureAlgorithm": SIGNATURE_ALGORITHM,
        "newestEventTime": max(times) if times else None, "oldestEventTime": min(times) if times else None,
        "previousDigestS3Bucket": stream.bucket if previous else None,
        "previousDigestS3Object": previous[0] if previous else None,
        "previousDigestHashValue": hashlib.sha256(previous[2]).hexdigest() if previous else None,
        "previousDigestHashAlgorithm": "SHA-256" if previous else None,
        "previousDigestSignature": previous[1] if previous else None,
        "logFiles": logs,
    }
    raw = json.dumps(data).encode()
    to_sign = "\n".join((data["digestEndTime"], f"{stream.bucket}/{dkey}", hashlib.sha256(raw).hexdigest(),
                         previous[1] if previous else "null")).encode()
    return raw, key.sign(to_sign)


def _put_logs(s3, stream: Stream, start: dt.datetime, end: dt.datetime, count: int) -> list[dict]:
    entries = []
    for i in range(count):
        when = start + (end - start) * (i + 1) / (count + 1)
        body = log_body(stream, when)
        key = log_key(stream, when, secrets.token_hex(8))
        s3.put_object(Bucket=stream.bucket, Key=key, Body=gzip.compress(body))
        entries.append({"s3Bucket": stream.bucket, "s3Object": key, "hashValue": hashlib.sha256(body).hexdigest(),
                        "hashAlgorithm": "SHA-256", "newestEventTime": _iso(when),
                        "oldestEventTime": _iso(when - dt.timedelta(minutes=1))})
    return entries


def deliver(s3, stream: Stream, keys: list[SigningKey], first_end: dt.datetime, hours: int, *,
            logs_per_hour: int = 2, chain: Chain | None = None) -> Chain:
    """``hours`` hourly digests ending at ``first_end``, ``first_end`` + 1 h, ...; the first one starts a
    chain unless ``chain`` (an earlier delivery of the same stream) is continued. Each digest is signed
    with the key in ``keys`` valid at its end time (a rotation inside the window just works)."""
    chain = chain or Chain()
    for h in range(hours):
        end = first_end + dt.timedelta(hours=h)
        start = end - dt.timedelta(hours=1)
        key = next(k for k in keys if k.start <= end <= k.end and k.region == stream.region)
        logs = _put_logs(s3, stream, start, end, logs_per_hour)
        previous = None
        if chain.digests:
            last = chain.digests[-1]
            previous = (last, chain.signatures[last], chain.raw[last])
        dkey = digest_key(stream, end)
        raw, signature = _signed_digest(stream, key, start, end, logs, previous, dkey)
        s3.put_object(Bucket=stream.bucket, Key=dkey, Body=gzip.compress(raw), ContentType="application/json",
                      Metadata={"signature": signature, "signature-algorithm": SIGNATURE_ALGORITHM})
        chain.digests.append(dkey)
        chain.logs += [f["s3Object"] for f in logs]
        chain.signatures[dkey], chain.raw[dkey] = signature, raw
    return chain


def deliver_backfill(s3, stream: Stream, key: SigningKey, end: dt.datetime, generated: dt.datetime,
                     logs: int = 1) -> tuple[str, list[str]]:
    """A backfill digest (``_backfill`` suffix, ``backfill-generation-timestamp`` metadata) for log files
    a processing delay kept out of the original digest; it starts its own chain."""
    entries = _put_logs(s3, stream, end - dt.timedelta(hours=1), end, logs)
    dkey = digest_key(stream, end, backfill=True)
    raw, signature = _signed_digest(stream, key, end - dt.timedelta(hours=1), end, entries, None, dkey)
    s3.put_object(Bucket=stream.bucket, Key=dkey, Body=gzip.compress(raw), ContentType="application/json",
                  Metadata={"signature": signature, "signature-algorithm": SIGNATURE_ALGORITHM,
                            "backfill-generation-timestamp": _iso(generated)})
    return dkey, [f["s3Object"] for f in entries]
