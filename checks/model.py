"""Statuses, severities, results and findings shared by the audit, the policy pack and the reports."""
from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field

from checks.arns import arn_partition, arn_service, is_arn, resource_type


class Status(str, enum.Enum):
    PASS = "PASS"
    FAIL = "FAIL"
    ERROR = "ERROR"  # the data could not be collected: fail closed, never PASS
    NOT_APPLICABLE = "NOT_APPLICABLE"
    WAIVED = "WAIVED"


class Severity(str, enum.Enum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    @classmethod
    def parse(cls, value: str, *, option: str = "severity") -> "Severity":
        try:
            return cls(value.lower())
        except ValueError:
            allowed = ", ".join(s.value for s in cls)
            raise ValueError(f"{option}: {value!r} is not a severity; allowed: {allowed}.") from None


_SEVERITY_RANK = {Severity.CRITICAL: 4, Severity.HIGH: 3, Severity.MEDIUM: 2, Severity.LOW: 1}


def sentence(text: str) -> str:
    """A status reason as one sentence: capitalised and ending with exactly one period.

    Collector messages may or may not carry a period. A first word that is a name keeps its case: an API
    name (``logs:DescribeMetricFilters``), a camelCase property (``enableLogFileValidation``)."""
    text = text.rstrip().rstrip(".")
    first = text.split(" ", 1)[0]
    if first.islower() and ":" not in first:
        text = text[:1].upper() + text[1:]
    return text + "."


@dataclass(frozen=True)
class Result:
    """What one predicate says about one subject. `reason` is one sentence naming the resource."""

    status: Status
    reason: str
    resource: str = ""  # ARN (or account id) the result is about; the engine fills it when empty
    region: str = ""

    @classmethod
    def passed(cls, reason: str, **kw) -> "Result":
        return cls(Status.PASS, reason, **kw)

    @classmethod
    def failed(cls, reason: str, **kw) -> "Result":
        return cls(Status.FAIL, reason, **kw)

    @classmethod
    def error(cls, reason: str, **kw) -> "Result":
        return cls(Status.ERROR, reason, **kw)

    @classmethod
    def not_applicable(cls, reason: str, **kw) -> "Result":
        return cls(Status.NOT_APPLICABLE, reason, **kw)


@dataclass(frozen=True)
class Finding:
    """One control evaluated on one resource in one account and region.

    ``partition``, ``resource_type`` and ``service`` are derived from ``resource`` when not given (one ARN
    reading, :mod:`checks.arns`), so no report re-parses ARNs; the engine passes the account's partition,
    which also covers account-wide findings (resource = the account id)."""

    control_id: str
    status: Status
    severity: Severity
    account_id: str
    region: str
    resource: str
    reason: str
    title: str = ""
    waiver_reason: str = ""
    partition: str = ""  # aws | aws-cn | aws-us-gov ...; "" when neither the resource nor the run says
    resource_type: str = ""  # ASFF resource type name (AwsCloudTrailTrail, AwsS3Bucket, AwsAccount, Other)
    service: str = ""  # the resource ARN's service (cloudtrail, s3, kms, logs...); "" for an account
    observed_at: dt.datetime | None = None  # when the facts behind the finding were collected (UTC)
    outcome: str = ""  # machine-readable kind: a verify check ("log_modified"), an org account's error
    object_key: str = ""  # the S3 object a verify finding is about
    object_time: str = ""  # ISO time that object covers (digest end or log file)

    def __post_init__(self):
        if not self.resource_type:
            object.__setattr__(self, "resource_type", resource_type(self.resource))
        if is_arn(self.resource):
            if not self.partition:
                object.__setattr__(self, "partition", arn_partition(self.resource))
            if not self.service:
                object.__setattr__(self, "service", arn_service(self.resource))

    def to_dict(self) -> dict:
        d = {
            "control_id": self.control_id,
            "status": self.status.value,
            "severity": self.severity.value,
            "account_id": self.account_id,
            "region": self.region,
            "resource": self.resource,
            "reason": self.reason,
            "title": self.title,
            "partition": self.partition,
            "resource_type": self.resource_type,
            "service": self.service,
        }
        if self.observed_at is not None:
            d["observed_at"] = self.observed_at.isoformat()
        for name in ("waiver_reason", "outcome", "object_key", "object_time"):
            if getattr(self, name):
                d[name] = getattr(self, name)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Finding":
        """A finding back from :meth:`to_dict` (a JSON report); fields a report lacks take their defaults."""
        when = d.get("observed_at")
        return cls(control_id=d["control_id"], status=Status(d["status"]), severity=Severity(d["severity"]),
                   account_id=d["account_id"], region=d["region"], resource=d["resource"], reason=d["reason"],
                   title=d.get("title", ""), waiver_reason=d.get("waiver_reason", ""),
                   partition=d.get("partition", ""), resource_type=d.get("resource_type", ""),
                   service=d.get("service", ""), observed_at=dt.datetime.fromisoformat(when) if when else None,
                   outcome=d.get("outcome", ""), object_key=d.get("object_key", ""),
                   object_time=d.get("object_time", ""))

    def sort_key(self) -> tuple:
        return (self.account_id, self.control_id, self.region, self.resource)


@dataclass
class AuditRun:
    """The outcome of one audit run, single account or organization; what every report renders."""

    findings: list[Finding]
    accounts: list[str]
    # account id -> "organization-trail" | "own-trail" | "none" | "unknown" (org mode; may be empty)
    coverage: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # run-level notices (expired waivers, skipped accounts)
    organization_id: str = ""  # o-... in org mode when DescribeOrganization answered; "" otherwise
    shard: dict = field(default_factory=dict)  # `audit --org --shard`: what `merge` needs (checks/org_shard.py)

    def sorted_findings(self) -> list[Finding]:
        return sorted(self.findings, key=Finding.sort_key)
