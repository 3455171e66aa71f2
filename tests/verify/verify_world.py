"""Test helper: a CloudTrail bucket in moto (in process) with digest and log files delivered the way CloudTrail does.

Keys are real RSA key pairs made per test; their public halves are answered by the emulator's
ListPublicKeys (sandbox.publickeys), which moto lacks.
"""
from __future__ import annotations

import datetime as dt
import gzip

import boto3
from moto import mock_aws

from sandbox import deliver, publickeys
from checks.verify.layout import UTC, Stream

MGMT = "123456789012"  # moto's default account: the trail owner
MEMBER = "444455556666"
ORG = "o-abc123def4"
BUCKET = "org-trail-logs"
TRAIL = "org-trail"
HOME = "us-east-1"
T0 = dt.datetime(2026, 3, 1, 0, 1, 31, tzinfo=UTC)  # first digest end; a fixed past window


class World:
    def __init__(self, *, org: bool = True, prefix: str = "") -> None:
        self.session = boto3.Session(region_name=HOME)
        self.s3 = self.session.client("s3")
        self.s3.create_bucket(Bucket=BUCKET)
        self.org, self.prefix = org, prefix
        ct = self.session.client("cloudtrail")
        ct.create_trail(Name=TRAIL, S3BucketName=BUCKET, IsMultiRegionTrail=True, EnableLogFileValidation=True,
                        IsOrganizationTrail=org, **({"S3KeyPrefix": prefix} if prefix else {}))
        self.trail_arn = ct.describe_trails()["trailList"][0]["TrailARN"]
        self.keys: dict[str, list[deliver.SigningKey]] = {}

    def key(self, region: str, start: dt.datetime = T0 - dt.timedelta(days=30),
            end: dt.datetime = T0 + dt.timedelta(days=30)) -> deliver.SigningKey:
        k = deliver.make_key(region, start, end)
        self.keys.setdefault(region, []).append(k)
        return k

    def stream(self, account: str = MGMT, region: str = HOME) -> Stream:
        return Stream(BUCKET, self.prefix, ORG if self.org else "", account, region, TRAIL, HOME)

    def deliver(self, account: str = MGMT, region: str = HOME, hours: int = 3, first_end: dt.datetime = T0,
                **kw) -> deliver.Chain:
        if region not in self.keys:
            self.key(region)
        return deliver.deliver(self.s3, self.stream(account, region), self.keys[region], first_end, hours, **kw)

    # --- tampering, as an attacker with s3:PutObject/DeleteObject would ---

    def overwrite(self, key: str, body: bytes = b'{"Records": []}') -> None:
        self.s3.put_object(Bucket=BUCKET, Key=key, Body=gzip.compress(body))

    def delete(self, key: str) -> None:
        self.s3.delete_object(Bucket=BUCKET, Key=key)

    def set_metadata(self, key: str, metadata: dict) -> None:
        body = self.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
        self.s3.put_object(Bucket=BUCKET, Key=key, Body=body, Metadata=metadata)

    def verify(self, start: dt.datetime = T0 - dt.timedelta(minutes=30), end: dt.datetime | None = None, **kw):
        from checks.verify.run import Request, verify

        end = end or T0 + dt.timedelta(hours=3)
        req = Request(trail=kw.pop("trail", TRAIL), start=start, end=end, org=kw.pop("org", self.org), **kw)
        return verify(self.session, req, now=T0 + dt.timedelta(days=2))


def outcomes(outcome) -> dict[str, set]:
    """outcome kind -> the S3 keys it was reported for."""
    found: dict[str, set] = {}
    for f in outcome.run.findings:
        found.setdefault(f.outcome, set()).add(f.object_key)
    return found


