"""The only boto3 code of ``verify``; read-only by construction.

S3 ListObjectsV2 (narrowed to one day's prefix) and GetObject, S3 GetBucketLocation, CloudTrail
DescribeTrails and ListPublicKeys. Every call that fails becomes a sentence naming the API and the
subject (an ERROR later); NoSuchKey is a verdict (deleted), not an error.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import threading
import zlib
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from checks import sdk_config

from checks.verify import digest as dg
from checks.verify.facts import DigestRead, LogRead
from checks.verify.layout import DigestName

READ = 64 << 10  # bytes read from S3 at a time
INFLATE = 256 << 10  # most uncompressed bytes held at once (a gzip ratio of 1000:1 included)
CALL_ERRORS = (ClientError, BotoCoreError)
MISSING = ("NoSuchKey", "404", "NotFound")


def code(exc: Exception) -> str:
    if isinstance(exc, ClientError):
        return exc.response.get("Error", {}).get("Code") or "ClientError"
    return type(exc).__name__


def failure(api: str, subject: str, exc: Exception) -> str:
    return f"{api} failed for {subject}: {code(exc)}"


class Clients:
    """One S3 client for the bucket's region and one CloudTrail client per region, shared by all workers
    (botocore clients are thread-safe); the connection pool is sized for the worker count."""

    def __init__(self, session: Any, workers: int) -> None:
        self.session = session
        self._config = sdk_config.verify(workers)
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, str], Any] = {}

    def get(self, service: str, region: str) -> Any:
        with self._lock:
            if (service, region) not in self._cache:
                self._cache[(service, region)] = self.session.client(service, region_name=region,
                                                                     config=self._config)
            return self._cache[(service, region)]


def bucket_region(s3: Any, bucket: str, default: str) -> str:
    try:
        return s3.get_bucket_location(Bucket=bucket).get("LocationConstraint") or "us-east-1"
    except CALL_ERRORS:
        return default  # the Gets below then say what is wrong, per object


def describe_trails(cloudtrail: Any) -> list[dict]:
    """Every trail visible from the caller's account, organization trails of the management account included."""
    return cloudtrail.describe_trails(includeShadowTrails=True).get("trailList", [])


def common_prefixes(s3: Any, bucket: str, prefix: str) -> list[str]:
    """The 'folders' right under ``prefix`` (their last path part)."""
    found = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix, Delimiter="/"):
        found += [p["Prefix"][len(prefix):].rstrip("/") for p in page.get("CommonPrefixes", [])]
    return found


def list_keys(s3: Any, bucket: str, prefix: str) -> list[str]:
    keys: list[str] = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys += [o["Key"] for o in page.get("Contents", [])]
    return keys


def read_digest(s3: Any, bucket: str, name: DigestName) -> DigestRead:
    try:
        resp = s3.get_object(Bucket=bucket, Key=name.key)
        body = resp["Body"].read()
    except CALL_ERRORS as exc:
        if code(exc) in MISSING:
            return DigestRead(name, missing=True)
        return DigestRead(name, error=failure("s3:GetObject", f"s3://{bucket}/{name.key}", exc))
    try:
        return DigestRead(name, digest=dg.parse(bucket, name.key, body, resp.get("Metadata", {})))
    except dg.DigestFormatError as exc:
        return DigestRead(name, malformed=str(exc))


def gunzip_sha256(chunks) -> str:
    """Hex SHA-256 of the gunzipped content of ``chunks``, in bounded memory: READ bytes in and at most
    INFLATE bytes out at a time, whatever the file's size or compression ratio. ValueError when the
    bytes are not exactly one gzip stream."""
    inflate = zlib.decompressobj(zlib.MAX_WBITS | 16)
    sha = hashlib.sha256()
    try:
        for chunk in chunks:
            while chunk:
                sha.update(inflate.decompress(chunk, INFLATE))
                chunk = inflate.unconsumed_tail
        while not inflate.eof and (out := inflate.decompress(b"", INFLATE)):
            sha.update(out)
        sha.update(inflate.flush())
    except zlib.error:
        raise ValueError("not gzip") from None
    if inflate.unused_data or not inflate.eof:
        raise ValueError("data after the end of the gzip stream" if inflate.eof else "truncated gzip stream")
    return sha.hexdigest()


def hash_log(s3: Any, ref: dg.LogRef) -> LogRead:
    """SHA-256 of the uncompressed content, streamed from S3 (see ``gunzip_sha256``)."""
    try:
        body = s3.get_object(Bucket=ref.bucket, Key=ref.key)["Body"]
        try:
            return LogRead(ref, sha256=gunzip_sha256(body.iter_chunks(READ)))
        except ValueError as exc:
            return LogRead(ref, malformed=str(exc))
        finally:
            body.close()
    except CALL_ERRORS as exc:
        if code(exc) in MISSING:
            return LogRead(ref, missing=True)
        return LogRead(ref, error=failure("s3:GetObject", f"s3://{ref.bucket}/{ref.key}", exc))


def public_keys(cloudtrail: Any, start: dt.datetime, end: dt.datetime) -> dict[str, bytes]:
    """fingerprint -> Value of every public key valid in [start, end] in the client's region."""
    resp = cloudtrail.list_public_keys(StartTime=start, EndTime=end)
    keys = {k["Fingerprint"]: k["Value"] for k in resp.get("PublicKeyList", [])}
    token = resp.get("NextToken")
    while token:  # "reserved for future use" today; followed anyway
        resp = cloudtrail.list_public_keys(StartTime=start, EndTime=end, NextToken=token)
        keys.update({k["Fingerprint"]: k["Value"] for k in resp.get("PublicKeyList", [])})
        token = resp.get("NextToken")
    return keys
