"""What identifies an AWS API call, for the benchmark's replay backend (issue 16 item 2).

A recorded answer is found again by the call, not by its bytes on the wire: the SigV4 signature, the
X-Amz-Date header, the Host's port and the user agent change on every run and are left out. What stays:

- service and Region: the SigV4 credential scope (``Credential=AKID/date/region/service/aws4_request``);
- the account: the access key of that scope, mapped to its account as moto mapped it while recording
  (long-term keys, and the temporary keys AssumeRole answered - the same keys again on replay, since the
  AssumeRole answer is itself replayed); a key nobody issued is the management account, as in moto;
- the operation and its parameters: method, path and canonical query string (rest-xml, S3; a bucket in the
  host name, virtual-hosted style, is read as the path-style bucket it names), the
  X-Amz-Target header (json protocols), the body (JSON: parsed and re-dumped with sorted keys; query
  protocol form bodies: sorted pairs), and ``x-amz-account-id`` (S3 Control).

The recording is a pickle: ``{"default_account", "keymap": {access key: account}, "answers": {key: (status,
headers, body)}}``. Only the standard library here: the replay server imports this and nothing else.
"""
from __future__ import annotations

import json
import pickle
import re
from urllib.parse import parse_qsl

_SCOPE = re.compile(rb"Credential=([^/\s,]+)/\d{8}/([^/\s,]+)/([^/\s,]+)/aws4_request")
_KEPT_HEADERS = (b"x-amz-target", b"x-amz-account-id")
# Response headers that describe one HTTP exchange, not the answer; the server writes its own.
DROPPED_RESPONSE_HEADERS = {"date", "server", "content-length", "connection", "transfer-encoding", "keep-alive"}


def scope(authorization: bytes) -> tuple[str, str, str]:
    """(access key, Region, service) of a SigV4 Authorization header; ('', '', '') when unsigned."""
    match = _SCOPE.search(authorization or b"")
    if not match:
        return "", "", ""
    akid, region, service = match.groups()
    return akid.decode(), region.decode(), service.decode()


def _canonical_body(body: bytes, content_type: bytes) -> str:
    if not body:
        return ""
    if b"json" in content_type:
        try:
            return json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"))
        except ValueError:
            return body.decode("latin-1")
    if b"x-www-form-urlencoded" in content_type:
        return repr(sorted(parse_qsl(body.decode("latin-1"), keep_blank_values=True)))
    return body.decode("latin-1")


def _bucket_in_host(host: bytes) -> bytes:
    """The bucket of a virtual-hosted-style S3 host (``bucket.s3.amazonaws.com``,
    ``bucket.s3.us-east-1.amazonaws.com``); b'' for path style or an IP endpoint."""
    host = host.split(b":")[0]
    if not host.endswith(b".amazonaws.com") or host.startswith((b"s3.", b"s3-")) or b".s3-control." in host:
        return b""  # S3 Control's host starts with the account id, which x-amz-account-id already carries
    bucket, sep, _ = host.partition(b".s3.")
    return bucket if sep else host.partition(b".s3-")[0] if b".s3-" in host else b""


def call_key(method: bytes, target: bytes, headers: dict[bytes, bytes], body: bytes,
             keymap: dict[str, str], default_account: str) -> tuple:
    """The identity of one call. ``headers``: lower-case names; ``target``: the request line's path?query."""
    akid, region, service = scope(headers.get(b"authorization", b""))
    account = keymap.get(akid, default_account)
    path, _, query = target.partition(b"?")
    if service == "s3":
        bucket = _bucket_in_host(headers.get(b"host", b""))
        if bucket:
            path = b"/" + bucket + (path if path != b"/" else b"")
    canonical_query = repr(sorted(parse_qsl(query.decode("latin-1"), keep_blank_values=True))) if query else ""
    kept = tuple(headers.get(h, b"").decode("latin-1") for h in _KEPT_HEADERS)
    return (service, region, account, method.decode(), path.decode("latin-1"), canonical_query, kept,
            _canonical_body(body, headers.get(b"content-type", b"")))


def save(path: str, recording: dict) -> None:
    with open(path, "wb") as fh:
        pickle.dump(recording, fh, protocol=pickle.HIGHEST_PROTOCOL)


def load(path: str) -> dict:
    with open(path, "rb") as fh:
        return pickle.load(fh)
