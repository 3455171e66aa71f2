"""CloudTrail ListPublicKeys for the emulator: moto has no such operation, CloudTrail's digests need it.

Tests and the demo sign digest files with their own RSA keys and register the public halves here, per
region, with a validity window, as CloudTrail publishes its per-region keys. The answer is shaped by
botocore's service model (``ListPublicKeysResponse``: ``PublicKeyList`` of ``PublicKey`` with ``Value``
(blob), ``ValidityStartTime``/``ValidityEndTime`` (timestamps, epoch seconds on the JSON protocol) and
``Fingerprint``); tests/verify/test_publickeys.py checks it against that model.

Two facts follow AWS, not moto:
- ``Value`` is a blob: on the wire the base64 of the DER PKCS #1 key (the API reference's sample starts
  ``MIIBCgKCAQEA``, an RSAPublicKey SEQUENCE). boto3 hands the DER bytes over; the AWS CLI keeps blobs as
  wire text (awscli/customizations/scalarparse.py) and its validate-logs base64-decodes them itself.
- Keys are selected by overlap with [StartTime, EndTime]; either missing means "now" (API reference).

The fingerprint is ours to choose (AWS does not document how it derives it): the MD5 hex of the DER key.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import threading
from dataclasses import dataclass

UTC = dt.timezone.utc
_LOCK = threading.Lock()
_KEYS: dict[str, list["PublicKey"]] = {}
_INSTALLED = False


@dataclass(frozen=True)
class PublicKey:
    region: str
    der: bytes  # PKCS #1 RSAPublicKey, DER
    start: dt.datetime
    end: dt.datetime
    fingerprint: str


def add_public_key(region: str, der: bytes, start: dt.datetime, end: dt.datetime) -> str:
    """Publish a public key for ``region`` valid from ``start`` to ``end``; returns its fingerprint."""
    if start.tzinfo is None or end.tzinfo is None or end <= start:
        raise ValueError("add_public_key: start and end must be timezone-aware with start < end")
    key = PublicKey(region, der, start, end, hashlib.md5(der, usedforsecurity=False).hexdigest())
    with _LOCK:
        _KEYS.setdefault(region, []).append(key)
    return key.fingerprint


def clear() -> None:
    with _LOCK:
        _KEYS.clear()


def keys_between(region: str, start: dt.datetime, end: dt.datetime) -> list[PublicKey]:
    with _LOCK:
        return [k for k in _KEYS.get(region, []) if k.start <= end and k.end >= start]


def _time(value) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return dt.datetime.fromtimestamp(value, UTC)
    text = str(value)
    try:
        return dt.datetime.fromtimestamp(float(text), UTC)
    except ValueError:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def response(region: str, params: dict, now: dt.datetime | None = None) -> dict:
    """The ListPublicKeys answer for ``params`` (the request's JSON body) in ``region``."""
    now = now or dt.datetime.now(UTC)
    start = _time(params.get("StartTime")) or now
    end = _time(params.get("EndTime")) or now
    return {"PublicKeyList": [{
        "Value": base64.b64encode(k.der).decode("ascii"),
        "ValidityStartTime": k.start.timestamp(),
        "ValidityEndTime": k.end.timestamp(),
        "Fingerprint": k.fingerprint,
    } for k in keys_between(region, start, end)]}


def install() -> None:
    """Teach moto's CloudTrail (in-process ``mock_aws`` and the threaded server alike) ListPublicKeys."""
    global _INSTALLED
    if _INSTALLED:
        return
    from moto.cloudtrail.responses import CloudTrailResponse

    def list_public_keys(self) -> str:
        return json.dumps(response(self.region, json.loads(self.body or "{}")))

    CloudTrailResponse.list_public_keys = list_public_keys
    _INSTALLED = True
