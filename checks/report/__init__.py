"""Report renderers: one module per format, all ``render(run, controls, options) -> str``.

Every renderer takes the same :class:`checks.model.AuditRun` and the catalog controls of the run (for
titles, rationale and remediation), plus :class:`ReportOptions`. :data:`REGISTRY` is the one list of
formats (the CLI, ``--output-dir`` file names and the demo read it). Format modules are imported lazily
so ``--format json`` never pays for tabulate or Jinja2, and the CLI start stays fast.
"""
from __future__ import annotations

import datetime as dt
import importlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Sequence

from checks import __version__
from checks.audit import blocking
from checks.model import AuditRun, Finding, Severity, Status

TOOL_NAME = "trailguard"


@dataclass(frozen=True)
class Format:
    """One output format: its module in checks/report/, the file extension ``--output-dir`` uses."""

    name: str
    extension: str
    description: str

    @property
    def module(self) -> str:
        return f"checks.report.{self.name}"


REGISTRY: dict[str, Format] = {f.name: f for f in (
    Format("table", "txt", "terminal table (default)"),
    Format("json", "json", "every finding and the summary, for scripts"),
    Format("sarif", "sarif", "SARIF 2.1.0 for GitHub code scanning"),
    Format("junit", "junit.xml", "JUnit XML for CI test reports"),
    Format("markdown", "md", "pull-request comment / job summary"),
    Format("csv", "csv", "one row per finding, for spreadsheets"),
    Format("ocsf", "ocsf.json", "OCSF 1.5 Compliance Findings (Security Lake, SIEMs)"),
    Format("asff", "asff.json", "AWS Security Finding Format for Security Hub BatchImportFindings"),
    Format("html", "html", "self-contained HTML report"),
)}
FORMATS = tuple(REGISTRY)

# Short cell labels for the account x control matrix, and the order "worst first".
SHORT = {
    Status.FAIL: "FAIL",
    Status.ERROR: "ERR",
    Status.WAIVED: "WVD",
    Status.PASS: "PASS",
    Status.NOT_APPLICABLE: "N/A",
}
STATUS_ORDER = (Status.FAIL, Status.ERROR, Status.WAIVED, Status.PASS, Status.NOT_APPLICABLE)
_STATUS_RANK = {s: i for i, s in enumerate(STATUS_ORDER)}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


@dataclass(frozen=True)
class ReportOptions:
    fail_on: Severity = Severity.LOW
    errors_ok: bool = False
    color: bool = False  # ANSI colour; only the table uses it, and only on a TTY without NO_COLOR
    generated_at: dt.datetime = field(default_factory=_now)
    version: str = __version__
    width: int | None = None  # terminal columns the table must fit; None: stable unwrapped layout (files, pipes)
    verbose: bool = False  # the table lists passing rows too instead of one summary line per account
    region: str = ""  # the run's home region: where ASFF findings are imported (ProductArn); "" -> us-east-1


class UnknownFormat(ValueError):
    """``fmt`` is not in REGISTRY (the library's words; the CLI validates --format before rendering)."""

    def __init__(self, fmt: str) -> None:
        super().__init__(f"{fmt!r} is not a format; allowed: {', '.join(FORMATS)}.")
        self.format = fmt


def render(fmt: str, run: AuditRun, controls: Sequence, options: ReportOptions | None = None) -> str:
    if fmt not in REGISTRY:
        raise UnknownFormat(fmt)
    module = importlib.import_module(REGISTRY[fmt].module)
    return module.render(run, controls, options or ReportOptions())


# --- helpers shared by the renderers ----------------------------------------------------------------


def status_rank(status: Status) -> int:
    return _STATUS_RANK[status]


def detail_order(findings: Sequence[Finding], controls: Sequence) -> list[Finding]:
    """Worst status first, then highest severity, then catalog order, region and resource."""
    position = {c.id: i for i, c in enumerate(controls)}
    return sorted(
        findings,
        key=lambda f: (status_rank(f.status), -f.severity.rank, position.get(f.control_id, len(position)),
                       f.control_id, f.region, f.resource),
    )


def status_counts(findings: Sequence[Finding]) -> dict[str, int]:
    counts = Counter(f.status for f in findings)
    return {s.value: counts.get(s, 0) for s in Status}


def severity_counts(findings: Sequence[Finding]) -> dict[str, dict[str, int]]:
    """severity -> status -> count, every key present so consumers need no defaults."""
    return {sev.value: status_counts([f for f in findings if f.severity is sev]) for sev in Severity}


def findings_by_account(run: AuditRun) -> dict[str, list[Finding]]:
    """Account -> findings, in run.accounts order, plus any account that only appears in findings."""
    grouped: dict[str, list[Finding]] = {a: [] for a in run.accounts}
    for f in run.sorted_findings():
        grouped.setdefault(f.account_id, []).append(f)
    return grouped


def worst_first(run: AuditRun) -> list[str]:
    """Accounts ordered worst first: most critical/high FAILs, then most ERRORs, then most FAILs."""
    grouped = findings_by_account(run)

    def key(account: str) -> tuple:
        fs = grouped[account]
        severe = sum(1 for f in fs if f.status is Status.FAIL and f.severity.rank >= Severity.HIGH.rank)
        errors = sum(1 for f in fs if f.status is Status.ERROR)
        fails = sum(1 for f in fs if f.status is Status.FAIL)
        return (-severe, -errors, -fails, account)

    return sorted(grouped, key=key)


def matrix_cell(findings: Sequence[Finding]) -> str:
    """The worst status among one account's findings for one control; '-' when it has none."""
    if not findings:
        return "-"
    return SHORT[min((f.status for f in findings), key=status_rank)]


def blocking_summary(run: AuditRun, options: ReportOptions) -> tuple[int, int]:
    """(number of blocking findings, how many of them are ERRORs)."""
    blocked = blocking(run.findings, options.fail_on, errors_ok=options.errors_ok)
    return len(blocked), sum(1 for f in blocked if f.status is Status.ERROR)


def summary_line(run: AuditRun, options: ReportOptions) -> str:
    counts = status_counts(run.findings)
    parts = ", ".join(f"{counts[s.value]} {s.value}" for s in STATUS_ORDER)
    n, errors = blocking_summary(run, options)
    detail = f" (incl. {errors} ERROR)" if errors else ""
    return f"Summary: {parts}; {n} failing at or above {options.fail_on.value}{detail}."

