"""One digest file: parsed, its data-signing string, its SHA256withRSA signature checked (pure, no AWS).

CloudTrail User Guide, "Custom implementations of CloudTrail log file integrity validation":

- the signature is hex in the object's ``x-amz-meta-signature`` (boto3: ``Metadata["signature"]``), the
  algorithm in ``x-amz-meta-signature-algorithm``;
- the public key is the one ListPublicKeys returns, for the digest's time range, whose fingerprint equals
  ``digestPublicKeyFingerprint``; its value is a DER-encoded PKCS #1 RSA public key;
- Data_To_Sign_String = digestEndTime + '\\n' + digestS3Bucket/digestS3Object + '\\n' +
  Hex(SHA-256(uncompressed digest content)) + '\\n' + previousDigestSignature;
- verify it as SHA256withRSA (RSASSA-PKCS1-v1_5 with SHA-256).

A starting digest has ``previousDigestSignature`` null; AWS's reader (the CLI's validate-logs) then signs
the literal string ``null``, as CloudTrail's Java implementation does.
"""
from __future__ import annotations

import base64
import binascii
import gzip
import hashlib
import json
import zlib
from dataclasses import dataclass, field

SIGNATURE_ALGORITHM = "SHA256withRSA"
# Fields a digest must carry before it can be judged (the CLI's reader requires the same).
REQUIRED = ("digestPublicKeyFingerprint", "digestS3Bucket", "digestS3Object", "previousDigestSignature",
            "digestEndTime", "digestStartTime")


class DigestFormatError(ValueError):
    """The object is not a gzip'd JSON digest with the documented fields."""


@dataclass(frozen=True)
class LogRef:
    """One entry of a digest's ``logFiles``."""

    bucket: str
    key: str
    hash_value: str
    hash_algorithm: str


@dataclass(frozen=True)
class Digest:
    bucket: str  # where it was read from
    key: str
    sha256: str  # hex SHA-256 of the uncompressed content, exactly as delivered (it is what is signed)
    data: dict = field(compare=False, hash=False)  # the JSON fields, less logFiles (kept as ``logs``)
    signature: str | None  # hex, from the object metadata; None when the metadata is missing
    signature_algorithm: str | None
    backfill_generated: str | None = None  # metadata backfill-generation-timestamp (backfill digests)
    logs: tuple[LogRef, ...] = ()  # logFiles: a digest's bytes and JSON are not kept once parsed

    @property
    def fingerprint(self) -> str:
        return self.data["digestPublicKeyFingerprint"]

    @property
    def start_time(self) -> str:
        return self.data["digestStartTime"]

    @property
    def end_time(self) -> str:
        return self.data["digestEndTime"]

    @property
    def previous_key(self) -> str | None:
        return self.data.get("previousDigestS3Object")

    @property
    def previous_bucket(self) -> str | None:
        return self.data.get("previousDigestS3Bucket")

    @property
    def previous_signature(self) -> str | None:
        return self.data.get("previousDigestSignature")

    @property
    def is_starting(self) -> bool:
        """A starting digest (logging or validation (re)started): every previous* field is null."""
        return self.previous_key is None and self.previous_signature is None

    def log_files(self) -> tuple[LogRef, ...]:
        return self.logs

    def moved(self) -> bool:
        """True when the digest was not read from the location recorded inside it."""
        return self.data.get("digestS3Bucket") != self.bucket or self.data.get("digestS3Object") != self.key


def parse(bucket: str, key: str, body: bytes, metadata: dict) -> Digest:
    """A digest object (gzip'd JSON body and its user metadata, keys without ``x-amz-meta-``)."""
    try:
        raw = gzip.decompress(body)
        data = json.loads(raw.decode("utf-8"))
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, ValueError):
        raise DigestFormatError(f"s3://{bucket}/{key} is not a gzip-compressed JSON digest file") from None
    if not isinstance(data, dict):
        raise DigestFormatError(f"s3://{bucket}/{key} is not a JSON object")
    missing = [f for f in REQUIRED if f not in data]
    if missing:
        raise DigestFormatError(f"s3://{bucket}/{key} lacks {', '.join(missing)}")
    try:
        logs = tuple(LogRef(f["s3Bucket"], f["s3Object"], f["hashValue"], f.get("hashAlgorithm", "SHA-256"))
                     for f in data.pop("logFiles", None) or [])
    except (TypeError, KeyError, AttributeError):
        raise DigestFormatError(f"s3://{bucket}/{key} has a logFiles entry without s3Bucket, s3Object "
                                "or hashValue") from None
    meta = {k.lower(): v for k, v in (metadata or {}).items()}
    return Digest(bucket, key, hashlib.sha256(raw).hexdigest(), data, meta.get("signature"),
                  meta.get("signature-algorithm"), meta.get("backfill-generation-timestamp"), logs)


def signing_string(digest: Digest) -> bytes:
    previous = digest.previous_signature
    return "\n".join((
        digest.end_time,
        f"{digest.data['digestS3Bucket']}/{digest.data['digestS3Object']}",
        digest.sha256,
        "null" if previous is None else previous,
    )).encode("utf-8")


def load_public_key(value: bytes | str):
    """A ListPublicKeys ``Value`` as a cryptography public key.

    boto3 decodes the blob to DER bytes; the AWS CLI keeps the wire's base64 text and decodes it itself.
    The API reference warns that the encoding of ListPublicKeys' binary fields "is subject to change", so
    both DER and base64 text of DER are accepted, and PKCS #1 and SubjectPublicKeyInfo DER both load.
    """
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    data = value.encode("ascii") if isinstance(value, str) else bytes(value)
    if not data.startswith(b"\x30"):  # not a DER SEQUENCE: base64 text of one
        try:
            data = base64.b64decode(data, validate=True)
        except binascii.Error:
            raise ValueError("the public key is neither DER nor base64-encoded DER") from None
    return load_der_public_key(data)


def signature_valid(digest: Digest, public_key) -> bool:
    """SHA256withRSA over the data-signing string; False for a wrong or malformed signature."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    try:
        signature = bytes.fromhex(digest.signature or "")
    except ValueError:
        return False
    try:
        public_key.verify(signature, signing_string(digest), padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True
