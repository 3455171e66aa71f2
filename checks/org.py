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

from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Sequence

from checks.model import AuditRun, Finding, Status
from checks.org_accounts import (NothingToAudit, OrgAccount, _client, list_organization_accounts,
                                  nothing_to_audit, select_accounts)
from checks.org_coverage import attribute_coverage
from checks.org_guests import guest_uses, settle_guests
from checks.org_owners import ownership_evidence, resolve_bucket_owners
from checks.org_procs import choose_processes
from checks.org_sessions import ROLE_SESSION_NAME, SessionFactory, scrub
from checks.params import AuditParams
from checks.progress import Progress, as_progress, make_progress

if TYPE_CHECKING:  # pragma: no cover - typing only; boto3 is imported lazily to keep the CLI fast
    import boto3

    from checks.catalog import Control
    from checks.facts import AccountFacts, TrailFacts
    from checks.org_guests import GuestUse

__all__ = ["audit_organization", "make_progress", "Progress", "OrgAccount", "list_organization_accounts",
           "ROLE_SESSION_NAME", "ACCOUNT_ERROR", "NothingToAudit"]

DEFAULT_ROLE_NAME = "OrganizationAccountAccessRole"
ACCOUNT_ERROR = "account_error"  # (kept for importers) Finding.outcome marks an account's per-control ERROR rows


@dataclass
class _Outcome:
    account_id: str
    findings: list[Finding]
    trails: "list[TrailFacts] | None"  # None: not collected (coverage "unknown")
    error: str = ""  # the reason when the account could not be audited
    facts: "AccountFacts | None" = None  # collected, evaluated once every account is in (owners resolved)
    ownership: dict | None = None  # checks.org_owners.ownership_evidence, kept for merging shards
    guests: "list[GuestUse] | None" = None  # its trails' buckets and keys another account owns (org_guests.py)


# --- the default collector and engine (imported lazily); ``collect=``/``evaluate=`` replace them ----------

Collect = Callable[["boto3.Session", str, Sequence["Control"]], "AccountFacts"]
Evaluate = Callable[["AccountFacts", Sequence["Control"], AuditParams], list[Finding]]


def _collect(session: "boto3.Session", account_id: str, controls: Sequence["Control"]) -> "AccountFacts":
    from checks.collect import collect_account

    return collect_account(session, account_id=account_id, controls=controls)


def _evaluate(facts: "AccountFacts", controls: Sequence["Control"], params: AuditParams | None = None) -> list[Finding]:
    from checks.engine import evaluate

    return list(evaluate(facts, controls, params))


# --- the organization ---------------------------------------------------------------------------------


def caller_identity(session: "boto3.Session") -> tuple[str, str]:
    """(account id, partition) of the caller; raises on bad credentials (the CLI exits 2)."""
    from checks import sdk_config

    ident = session.client("sts", config=sdk_config.identity()).get_caller_identity()
    return ident["Account"], ident["Arn"].split(":")[1]


def _management_account_id(session: "boto3.Session", notes: list[str], org: dict | None = None) -> str | None:
    """The management account id; ``org`` (when given) receives the organization's id under "Id"."""
    from botocore.exceptions import ClientError

    try:
        described = _client(session, "organizations").describe_organization()["Organization"]
        if org is not None:
            org["Id"] = described.get("Id", "")
        return described["MasterAccountId"]
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "error")
        if code == "AWSOrganizationsNotInUseException":  # not in an organization: nothing to audit in --org
            raise
        notes.append(f"organizations:DescribeOrganization failed ({code}): the management account is unknown, "
                     "so any organization trail seen counts as the organization's.")
        return None


# --- one account ----------------------------------------------------------------------------------------


def error_findings(account_id: str, controls: Sequence["Control"], reason: str, resource: str,
                   kind: str) -> list[Finding]:
    """The account's single matrix row: every selected control ERROR with the same reason."""
    return [Finding(control_id=c.id, status=Status.ERROR, severity=c.severity, account_id=account_id,
                    region="", resource=resource, reason=reason, title=c.title, outcome=kind)
            for c in controls]


def _error_text(exc: Exception) -> str:
    from botocore.exceptions import ClientError

    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        return f"{err.get('Code', 'error')}: {err.get('Message', '').rstrip('.')}"
    return f"{type(exc).__name__}: {str(exc).rstrip('.')}"


def _audit_account(factory: SessionFactory, account_id: str, *, own: bool, controls: Sequence["Control"],
                   tag_keys: tuple[str, ...], external_id: str | None, account_timeout: float | None = None,
                   collect: Collect | None = None) -> _Outcome:
    from checks.collect.deadline import account_deadline

    with account_deadline(account_id, account_timeout) as ran_out:
        outcome = _audit_account_now(factory, account_id, own=own, controls=controls, tag_keys=tag_keys,
                                     external_id=external_id, collect=collect)
    if ran_out():  # facts after the deadline are missing: one row of ERRORs naming it, not a partial audit
        reason = f"Audit of account {account_id} stopped: the --account-timeout of {account_timeout:g} s ran out."
        return _Outcome(account_id, error_findings(account_id, controls, reason, account_id, "deadline"), None,
                        reason)
    return outcome


def _audit_account_now(factory: SessionFactory, account_id: str, *, own: bool, controls: Sequence["Control"],
                       tag_keys: tuple[str, ...], external_id: str | None, collect: Collect | None = None
                       ) -> _Outcome:
    arn = factory.role_arn(account_id)
    try:
        session = factory.session_for(account_id, own=own)
    except Exception as exc:  # ClientError (AccessDenied), connection errors: this account only
        reason = scrub(f"Could not assume role {arn}: {_error_text(exc)}.", external_id)
        return _Outcome(account_id, error_findings(account_id, controls, reason, arn, "assume_role"), None, reason)
    try:
        with session.active():  # the shared clients sign as this account in this thread
            facts = (collect or _collect)(session, account_id, controls)
        return _Outcome(account_id, [], facts.trails, facts=facts)
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
    account_timeout: float | None = None,
    account_filter: Callable[[str], bool] | None = None,
    on_trails: Callable[[dict, str | None, dict], None] | None = None,
    processes: int | None = 1,
    collect: Collect | None = None,
    evaluate: Evaluate | None = None,
) -> AuditRun:
    """Audit every selected ACTIVE account of the caller's organization; see the module docstring.

    ``progress`` is a :class:`checks.progress.Progress` (see :func:`make_progress`) or a plain
    ``callable(message)``. ``session_factory`` exists for tests (fake clocks, short expiries).
    ``account_filter`` keeps only the accounts (listed or requested) it accepts, after selection, so the
    run notes stay the whole organization's; ``on_trails(trails_by_account, management_id, ownership, guests)``
    sees what coverage is judged from, each collected account's bucket-ownership evidence
    (checks/org_owners.py) and the guests this run judged (checks/org_guests.py). Both serve ``--shard`` (checks/org_shard.py). ``processes`` > 1 audits the
    accounts in that many processes of ``workers`` threads each (checks/org_procs.py; None: the cores
    available, fewer for small organizations); the report is the same. ``session_factory`` must then be
    importable by name (it is sent to the child processes). ``collect(session, account_id, controls)`` and
    ``evaluate(facts, controls, params)`` replace the collector and the engine (None: the real ones); tests
    and bench/ pass them. With ``processes`` > 1 they too must be importable by name (or None).
    """
    choose_processes(processes, 0)  # a bad value fails before any AWS call
    caller, partition = caller_identity(session)
    notes: list[str] = []
    org: dict = {}
    management_id = _management_account_id(session, notes, org)
    org_accounts = list_organization_accounts(session)
    chosen, unknown, select_notes = select_accounts(org_accounts, accounts, exclude_accounts)
    if not chosen and not unknown:
        raise NothingToAudit(nothing_to_audit(org_accounts, accounts, exclude_accounts))
    notes.extend(select_notes)
    selection = set(chosen)  # a guest's owner is judged when selected, in this run or another shard's
    if account_filter is not None:
        chosen, unknown = [a for a in chosen if account_filter(a)], [a for a in unknown if account_filter(a)]
    tag_keys = tuple(required_tag_keys or required_tags or ())

    made: list[SessionFactory] = []

    def make_factory() -> SessionFactory:  # one per run: the guest step reuses the pool's assumed sessions
        if not made:
            made.append(session_factory(session, role_name=role_name, partition=partition,
                                        external_id=external_id, max_connections=workers))
        return made[0]

    outcomes = [
        _Outcome(a, error_findings(a, controls, f"Account {a} is not an account of the organization; it was "
                                   "not audited.", a, "not_in_organization"), None, "not in the organization")
        for a in unknown
    ]
    processes = choose_processes(processes, len(chosen))
    if processes > 1 and len(chosen) > 1:  # checks/org_procs.py: same outcomes, evaluated in the children
        from checks.org_procs import run_in_processes

        outcomes += run_in_processes(session, chosen, processes, caller=caller, partition=partition,
                                     controls=controls, role_name=role_name, external_id=external_id,
                                     workers=workers, tag_keys=tag_keys, account_timeout=account_timeout,
                                     session_factory=session_factory, progress=as_progress(progress),
                                     collect=collect, evaluate=evaluate)
    else:
        factory = make_factory()
        outcomes += _run_pool(factory, chosen, caller=caller, controls=controls, tag_keys=tag_keys,
                              external_id=external_id, workers=workers, progress=as_progress(progress),
                              account_timeout=account_timeout, collect=collect)
        _evaluate_all(outcomes, controls, external_id, tag_keys, evaluate=evaluate)
    extra, guests = settle_guests(outcomes, selection=selection, partition=partition, caller=caller,
                                  controls=controls, make_factory=make_factory, tag_keys=tag_keys,
                                  external_id=external_id, account_timeout=account_timeout)
    trails = {o.account_id: o.trails for o in outcomes}
    coverage = attribute_coverage(trails, management_id)
    if on_trails is not None:
        on_trails(trails, management_id, {o.account_id: o.ownership for o in outcomes if o.ownership},
                  [g for entries in guests.values() for g in entries])
    for o in sorted(outcomes, key=lambda o: o.account_id):
        if o.error and o.account_id not in unknown:
            notes.append(f"Account {o.account_id} was not audited: {o.error}")
    findings = [f for o in outcomes for f in o.findings] + [f for found in extra.values() for f in found]
    findings.sort(key=lambda f: (*f.sort_key(), f.status.value, f.reason))
    return AuditRun(findings=findings, accounts=sorted(trails), coverage=coverage, notes=notes,
                    organization_id=org.get("Id", ""))


def _evaluate_all(outcomes: list[_Outcome], controls, external_id: str | None, tag_keys: tuple[str, ...] = (), *,
                  evaluate: Evaluate | None = None) -> None:
    """Evaluate every collected account, after naming the owners of buckets another account of the run owns."""
    for o in outcomes:
        if o.facts is not None:
            o.ownership, o.guests = ownership_evidence(o.facts), guest_uses(o.facts)
    collected = [o for o in outcomes if o.facts is not None]
    for o, facts in zip(collected, resolve_bucket_owners(o.facts for o in collected)):
        o.facts = facts  # owners named on copies: the collected facts are never mutated
    for o in outcomes:
        if o.facts is None:
            continue
        try:
            params = AuditParams(now=o.facts.collected_at, required_tag_keys=tag_keys)
            o.findings = (evaluate or _evaluate)(o.facts, controls, params)
        except Exception as exc:  # an engine bug costs this account its findings, never the run
            o.error = scrub(f"Audit of account {o.account_id} failed: {_error_text(exc)}.", external_id)
            o.findings = error_findings(o.account_id, controls, o.error, o.account_id, "audit")
            o.trails = None
        o.facts = None


def _run_pool(factory: SessionFactory, chosen: Sequence[str], *, caller: str, controls, tag_keys, external_id,
              workers: int, progress: Progress, account_timeout: float | None = None,
              collect: Collect | None = None) -> list[_Outcome]:
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
                               tag_keys=tag_keys, external_id=external_id, account_timeout=account_timeout,
                               collect=collect)
                   for a in first]
        for future in as_completed(futures):
            outcome = future.result()
            outcomes.append(outcome)
            progress.advance(outcome.account_id, error=bool(outcome.error))
    finally:
        # On Ctrl-C don't start the remaining accounts; the ones in flight finish their current call.
        pool.shutdown(wait=True, cancel_futures=True)
    progress.finish()
    return outcomes
