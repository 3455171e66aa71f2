"""Organization-wide audit: every ACTIVE account, concurrently, one account's failure isolated from the rest.

Flow: sts:GetCallerIdentity (who and which partition) -> organizations:DescribeOrganization (management
account id) -> organizations:ListAccounts (paginated) -> filters -> a thread pool of ``workers`` that,
per account, picks its credentials (the caller's own account: the caller's; others: AssumeRole into
``role_name``), collects facts through the run's shared clients signing as that account (see
checks/org_sessions.py) and evaluates the controls -> coverage attribution -> one AuditRun.

Design decisions (docs/org.md explains them for users):

- An account that can't be audited (AssumeRole denied, an account id given with --accounts that isn't
  in the organization, an unexpected failure while collecting) gets ONE row in the accounts-by-control
  matrix: one ERROR finding per selected control, all carrying the same one-sentence reason, plus one
  run note naming the account. Per control rather than a made-up pseudo-control because every report,
  waiver and dashboard is keyed on catalog control ids, and "could not check" must show up under each
  control an auditor looks at (fail closed) rather than as a missing cell that reads like a pass.
- The output does not depend on worker count or completion order: findings, accounts, coverage keys
  and notes are sorted; nothing timing-dependent (worker count, durations) goes into the AuditRun.
- Organizations errors (not in an organization, not the management account or a delegated
  administrator) propagate as botocore ClientError: the run cannot go on, and the CLI turns them into
  one sentence and exit code 2.
"""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Sequence

from checks.model import AuditRun, Finding, Status
from checks.org_coverage import attribute_coverage
from checks.org_sessions import ROLE_SESSION_NAME, SessionFactory, scrub
from checks.progress import Progress, as_progress, make_progress

if TYPE_CHECKING:  # pragma: no cover - typing only; boto3 is imported lazily to keep the CLI fast
    import boto3

    from checks.catalog import Control
    from checks.facts import AccountFacts, TrailFacts

__all__ = ["audit_organization", "make_progress", "Progress", "OrgAccount", "list_organization_accounts",
           "ROLE_SESSION_NAME", "ACCOUNT_ERROR"]

DEFAULT_ROLE_NAME = "OrganizationAccountAccessRole"
ACCOUNT_ERROR = "account_error"  # key in Finding.extra marking the per-control ERROR rows of an account
_ACCOUNT_ID = re.compile(r"^\d{12}$")


@dataclass(frozen=True)
class OrgAccount:
    id: str
    name: str
    state: str  # ACTIVE | SUSPENDED | PENDING_CLOSURE | PENDING_ACTIVATION | CLOSED


@dataclass
class _Outcome:
    account_id: str
    findings: list[Finding]
    trails: "list[TrailFacts] | None"  # None: not collected (coverage "unknown")
    error: str = ""  # the reason when the account could not be audited


# --- seams: the collector and the engine are imported lazily; tests and bench/ wrap these -------------


def _collect(session: "boto3.Session", account_id: str, controls: Sequence["Control"]) -> "AccountFacts":
    from checks.collect import collect_account

    return collect_account(session, account_id=account_id, controls=controls)


def _evaluate(facts: "AccountFacts", controls: Sequence["Control"]) -> list[Finding]:
    from checks.engine import evaluate

    return list(evaluate(facts, controls))


# --- the organization ---------------------------------------------------------------------------------


def _client(session: "boto3.Session", service: str):
    from botocore.config import Config

    return session.client(service, config=Config(retries={"mode": "standard", "max_attempts": 4}))


def caller_identity(session: "boto3.Session") -> tuple[str, str]:
    """(account id, partition) of the caller; raises on bad credentials (the CLI exits 2)."""
    ident = _client(session, "sts").get_caller_identity()
    return ident["Account"], ident["Arn"].split(":")[1]


def list_organization_accounts(session: "boto3.Session") -> list[OrgAccount]:
    """Every account of the organization (any state), sorted by id. Needs organizations:ListAccounts."""
    pages = _client(session, "organizations").get_paginator("list_accounts").paginate()
    accounts = []
    for page in pages:
        for a in page.get("Accounts", []):
            # "State" (2025) supersedes "Status"; older endpoints and emulators only send Status.
            accounts.append(OrgAccount(a["Id"], a.get("Name", ""), a.get("State") or a.get("Status") or ""))
    return sorted(accounts, key=lambda a: a.id)


def _management_account_id(session: "boto3.Session", notes: list[str]) -> str | None:
    from botocore.exceptions import ClientError

    try:
        return _client(session, "organizations").describe_organization()["Organization"]["MasterAccountId"]
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "error")
        if code == "AWSOrganizationsNotInUseException":  # not in an organization: nothing to audit in --org
            raise
        notes.append(f"organizations:DescribeOrganization failed ({code}): the management account is unknown, "
                     "so any organization trail seen counts as the organization's.")
        return None


def select_accounts(
    org_accounts: Sequence[OrgAccount],
    accounts: Sequence[str] | None,
    exclude_accounts: Sequence[str] | None,
) -> tuple[list[str], list[str], list[str]]:
    """(accounts to audit, requested ids not in the organization, notes), all sorted.

    Raises ValueError for an id that is not 12 digits (a usage error, not an audit result).
    """
    for option, ids in (("--accounts", accounts or ()), ("--exclude-accounts", exclude_accounts or ())):
        bad = [i for i in ids if not _ACCOUNT_ID.match(i)]
        if bad:
            raise ValueError(f"{option}: {', '.join(map(repr, bad))} is not a 12-digit AWS account id.")
    by_id = {a.id: a for a in org_accounts}
    exclude = set(exclude_accounts or ())
    if accounts:
        requested = sorted(set(accounts) - exclude)
        unknown = [i for i in requested if i not in by_id]
        scope = [by_id[i] for i in requested if i in by_id]
    else:
        unknown, scope = [], [a for a in org_accounts if a.id not in exclude]
    chosen = sorted(a.id for a in scope if a.state == "ACTIVE")
    notes = []
    inactive = sorted((a for a in scope if a.state != "ACTIVE"), key=lambda a: a.id)
    if inactive:
        listed = ", ".join(f"{a.id} ({a.state or 'no state'})" for a in inactive)
        notes.append(f"Skipped {len(inactive)} account(s) that are not ACTIVE: {listed}.")
    if unknown:
        notes.append(f"--accounts: {', '.join(unknown)} not in the organization; reported as ERROR.")
    stray = sorted(exclude - set(by_id))
    if stray:
        notes.append(f"--exclude-accounts: {', '.join(stray)} not in the organization; nothing to exclude.")
    return chosen, unknown, notes


# --- one account ----------------------------------------------------------------------------------------


def error_findings(account_id: str, controls: Sequence["Control"], reason: str, resource: str,
                   kind: str) -> list[Finding]:
    """The account's single matrix row: every selected control ERROR with the same reason."""
    return [Finding(control_id=c.id, status=Status.ERROR, severity=c.severity, account_id=account_id,
                    region="", resource=resource, reason=reason, title=c.title, extra={ACCOUNT_ERROR: kind})
            for c in controls]


def _error_text(exc: Exception) -> str:
    from botocore.exceptions import ClientError

    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        return f"{err.get('Code', 'error')}: {err.get('Message', '').rstrip('.')}"
    return f"{type(exc).__name__}: {str(exc).rstrip('.')}"


def _audit_account(factory: SessionFactory, account_id: str, *, own: bool, controls: Sequence["Control"],
                   tag_keys: tuple[str, ...], external_id: str | None) -> _Outcome:
    arn = factory.role_arn(account_id)
    try:
        session = factory.caller_session(account_id) if own else factory.assumed_session(account_id)
    except Exception as exc:  # ClientError (AccessDenied), connection errors: this account only
        reason = scrub(f"Could not assume role {arn}: {_error_text(exc)}.", external_id)
        return _Outcome(account_id, error_findings(account_id, controls, reason, arn, "assume_role"), None, reason)
    try:
        with session.active():  # the shared clients sign as this account in this thread
            facts = _collect(session, account_id, controls)
        if tag_keys:
            facts.required_tag_keys = tag_keys
        return _Outcome(account_id, _evaluate(facts, controls), facts.trails)
    except Exception as exc:  # a collector bug or an unexpected SDK failure must not stop the other accounts
        reason = scrub(f"Audit of account {account_id} failed: {_error_text(exc)}.", external_id)
        return _Outcome(account_id, error_findings(account_id, controls, reason, account_id, "audit"), None, reason)


# --- the run --------------------------------------------------------------------------------------------


def audit_organization(
    session: "boto3.Session",
    controls: Sequence["Control"],
    *,
    role_name: str = DEFAULT_ROLE_NAME,
    external_id: str | None = None,
    accounts: Sequence[str] | None = None,
    exclude_accounts: Sequence[str] | None = None,
    workers: int = 8,
    progress: "Progress | Callable[[str], None] | None" = None,
    required_tag_keys: Sequence[str] = (),
    required_tags: Sequence[str] = (),  # alias: the CLI's name for the same thing
    session_factory: Callable[..., SessionFactory] = SessionFactory,
    account_filter: Callable[[str], bool] | None = None,
    on_trails: Callable[[dict, str | None], None] | None = None,
) -> AuditRun:
    """Audit every selected ACTIVE account of the caller's organization; see the module docstring.

    ``progress`` is a :class:`checks.progress.Progress` (see :func:`make_progress`) or a plain
    ``callable(message)``. ``session_factory`` exists for tests (fake clocks, short expiries).
    ``account_filter`` keeps only the accounts (listed or requested) it accepts, after selection, so the
    run notes stay the whole organization's; ``on_trails(trails_by_account, management_id)`` sees what
    coverage is judged from. Both serve ``--shard`` (checks/org_shard.py).
    """
    caller, partition = caller_identity(session)
    notes: list[str] = []
    management_id = _management_account_id(session, notes)
    org_accounts = list_organization_accounts(session)
    chosen, unknown, select_notes = select_accounts(org_accounts, accounts, exclude_accounts)
    notes.extend(select_notes)
    if account_filter is not None:
        chosen, unknown = [a for a in chosen if account_filter(a)], [a for a in unknown if account_filter(a)]
    factory = session_factory(session, role_name=role_name, partition=partition, external_id=external_id,
                              max_connections=workers)
    tag_keys = tuple(required_tag_keys or required_tags or ())

    outcomes = [
        _Outcome(a, error_findings(a, controls, f"Account {a} is not an account of the organization; it was "
                                   "not audited.", a, "not_in_organization"), None, "not in the organization")
        for a in unknown
    ]
    outcomes += _run_pool(factory, chosen, caller=caller, controls=controls, tag_keys=tag_keys,
                          external_id=external_id, workers=workers, progress=as_progress(progress))

    trails = {o.account_id: o.trails for o in outcomes}
    coverage = attribute_coverage(trails, management_id)
    if on_trails is not None:
        on_trails(trails, management_id)
    for o in sorted(outcomes, key=lambda o: o.account_id):
        if o.error and o.account_id not in unknown:
            notes.append(f"Account {o.account_id} was not audited: {o.error}")
    findings = [f for o in outcomes for f in o.findings]
    findings.sort(key=lambda f: (*f.sort_key(), f.status.value, f.reason))
    return AuditRun(findings=findings, accounts=sorted(trails), coverage=coverage, notes=notes)


def _run_pool(factory: SessionFactory, chosen: Sequence[str], *, caller: str, controls, tag_keys, external_id,
              workers: int, progress: Progress) -> list[_Outcome]:
    progress.start(len(chosen))
    outcomes: list[_Outcome] = []
    if not chosen:
        progress.finish()
        return outcomes
    pool = ThreadPoolExecutor(max_workers=max(1, min(workers, len(chosen))), thread_name_prefix="trailguard-org")
    try:
        # The caller's own account first: it is usually the management account, which owns the organization
        # trail, its bucket, key and log group, so it has the most calls; started last it would be the tail.
        first = sorted(chosen, key=lambda a: a != caller)
        futures = [pool.submit(_audit_account, factory, a, own=(a == caller), controls=controls,
                               tag_keys=tag_keys, external_id=external_id) for a in first]
        for future in as_completed(futures):
            outcome = future.result()
            outcomes.append(outcome)
            progress.advance(outcome.account_id, error=bool(outcome.error))
    finally:
        # On Ctrl-C don't start the remaining accounts; the ones in flight finish their current call.
        pool.shutdown(wait=True, cancel_futures=True)
    progress.finish()
    return outcomes
