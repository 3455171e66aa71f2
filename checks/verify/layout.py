"""Where CloudTrail puts digest and log files, and how their S3 keys parse (pure, no AWS).

From the CloudTrail User Guide, "CloudTrail digest file structure" (Digest file location):

    [prefix/]AWSLogs/[O-ID/]<account>/CloudTrail-Digest/<region>/<yyyy>/<mm>/<dd>/
        <account>_CloudTrail-Digest_<region>_<trail-name>_<home-region>_<yyyymmddThhmmssZ>.json.gz

with ``_backfill`` before ``.json.gz`` for backfill digests, and from "Finding your CloudTrail log files":

    [prefix/]AWSLogs/[O-ID/]<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/
        <account>_CloudTrail_<region>_<yyyymmddThhmmZ>_<unique>.json.gz

The date folders are the digest's *end* date (log files: delivery date), so a time window maps to a few
day prefixes and a listing never walks the whole bucket.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

UTC = dt.timezone.utc
DIGEST_TIME_FORMAT = "%Y%m%dT%H%M%SZ"  # in digest file names
_REGION = r"[a-z]{2}(?:-[a-z]+)+-\d+"
DIGEST_KEY = re.compile(
    r"^(?P<prefix>(?:.+/)?)AWSLogs/(?:(?P<org>o-[a-z0-9]+)/)?(?P<account>\d{12})/CloudTrail-Digest/"
    rf"(?P<region>{_REGION})/\d{{4}}/\d{{2}}/\d{{2}}/(?P=account)_CloudTrail-Digest_(?P=region)_"
    rf"(?P<trail>[A-Za-z0-9._-]+)_(?P<home>{_REGION})_(?P<end>\d{{8}}T\d{{6}}Z)(?P<backfill>_backfill)?\.json\.gz$"
)
LOG_KEY = re.compile(
    r"^(?P<prefix>(?:.+/)?)AWSLogs/(?:(?P<org>o-[a-z0-9]+)/)?(?P<account>\d{12})/CloudTrail/"
    rf"(?P<region>{_REGION})/\d{{4}}/\d{{2}}/\d{{2}}/(?P=account)_CloudTrail_(?P=region)_"
    r"(?P<time>\d{8}T\d{4}Z)_[A-Za-z0-9]+\.json\.gz$"
)


@dataclass(frozen=True)
class Stream:
    """One digest chain: one trail's files for one account and one source region in one bucket."""

    bucket: str
    prefix: str  # the trail's S3KeyPrefix, "" when none
    org_id: str  # "o-..." for an organization trail's member paths, "" otherwise
    account: str
    region: str  # the source region (where the events happened)
    trail_name: str
    home_region: str

    def root(self) -> str:
        org = f"{self.org_id}/" if self.org_id else ""
        prefix = f"{self.prefix.strip('/')}/" if self.prefix.strip("/") else ""
        return f"{prefix}AWSLogs/{org}{self.account}/"

    def digest_day_prefix(self, day: dt.date) -> str:
        return f"{self.root()}CloudTrail-Digest/{self.region}/{day:%Y/%m/%d}/"

    def log_day_prefix(self, day: dt.date) -> str:
        return f"{self.root()}CloudTrail/{self.region}/{day:%Y/%m/%d}/"

    def label(self) -> str:
        return f"{self.account}/{self.region}"


def days(start: dt.datetime, end: dt.datetime) -> list[dt.date]:
    """Every UTC calendar day the window [start, end] touches, oldest first."""
    first, last = start.astimezone(UTC).date(), end.astimezone(UTC).date()
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


@dataclass(frozen=True)
class DigestName:
    key: str
    end: dt.datetime
    backfill: bool
    trail_name: str
    home_region: str


def parse_digest_key(key: str, stream: Stream | None = None) -> DigestName | None:
    """The digest's end time and kind from its key; None for any other object (or another trail's)."""
    m = DIGEST_KEY.match(key)
    if not m:
        return None
    if stream is not None and (m["account"] != stream.account or m["region"] != stream.region
                               or m["trail"] != stream.trail_name or m["home"] != stream.home_region):
        return None
    end = dt.datetime.strptime(m["end"], DIGEST_TIME_FORMAT).replace(tzinfo=UTC)
    return DigestName(key, end, bool(m["backfill"]), m["trail"], m["home"])


def log_key_time(key: str) -> dt.datetime | None:
    """The time in a log file's name (minute precision); None when the key is not a CloudTrail log file."""
    m = LOG_KEY.match(key)
    if not m:
        return None
    return dt.datetime.strptime(m["time"], "%Y%m%dT%H%MZ").replace(tzinfo=UTC)


def digest_key(stream: Stream, end: dt.datetime, *, backfill: bool = False) -> str:
    """The key CloudTrail gives the digest of ``stream`` that ends at ``end`` (used by tests and the demo)."""
    end = end.astimezone(UTC)
    name = (f"{stream.account}_CloudTrail-Digest_{stream.region}_{stream.trail_name}_{stream.home_region}_"
            f"{end:{DIGEST_TIME_FORMAT}}{'_backfill' if backfill else ''}.json.gz")
    return stream.digest_day_prefix(end.date()) + name


def log_key(stream: Stream, when: dt.datetime, unique: str) -> str:
    when = when.astimezone(UTC)
    return (stream.log_day_prefix(when.date())
            + f"{stream.account}_CloudTrail_{stream.region}_{when:%Y%m%dT%H%MZ}_{unique}.json.gz")
