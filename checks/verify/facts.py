"""What ``fetch`` read for one digest chain, as plain data for ``judge`` (None = unknown, never "fine")."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from checks.verify.digest import Digest, LogRef
from checks.verify.layout import DigestName, Stream


@dataclass
class DigestRead:
    name: DigestName
    digest: Digest | None = None
    missing: bool = False  # listed, then NoSuchKey on GetObject
    error: str = ""  # the call could not answer (AccessDenied, throttled, ...): one sentence naming the API
    malformed: str = ""  # read, but not a digest file with the documented fields


@dataclass
class LogRead:
    ref: LogRef
    sha256: str | None = None  # hex SHA-256 of the *uncompressed* content
    missing: bool = False  # NoSuchKey: deleted
    error: str = ""
    malformed: str = ""  # not gzip


@dataclass
class StreamFacts:
    stream: Stream
    start: dt.datetime
    end: dt.datetime
    digests: list[DigestRead] | None = None  # None: the digest listing failed (see listing_error)
    listing_error: str = ""
    public_keys: dict[str, bytes] = field(default_factory=dict)  # fingerprint -> ListPublicKeys Value
    keys_error: str = ""  # cloudtrail:ListPublicKeys failed
    logs: dict[str, LogRead] = field(default_factory=dict)  # log key -> what hashing it found
    log_objects: dict[str, dt.datetime] | None = None  # log files in S3 in the window: key -> name time
    log_listing_error: str = ""
