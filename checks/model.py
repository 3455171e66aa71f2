"""Statuses, severities, results and findings shared by the audit, the policy pack and the reports."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field


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
    """One control evaluated on one resource in one account and region."""

    control_id: str
    status: Status
    severity: Severity
    account_id: str
    region: str
    resource: str
    reason: str
    title: str = ""
    waiver_reason: str = ""
    extra: dict = field(default_factory=dict, compare=False, hash=False)

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
        }
        if self.waiver_reason:
            d["waiver_reason"] = self.waiver_reason
        if self.extra:
            d["extra"] = dict(self.extra)
        return d

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
