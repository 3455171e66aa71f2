"""The library API: ``audit(AuditRequest(...))`` returns the :class:`~checks.model.AuditRun`.

    from checks.api import AuditRequest, audit
    run = audit(AuditRequest(region="eu-west-1", endpoint_url="http://127.0.0.1:5000", controls=("...",)))

Everything a run needs is in the request: no environment variable is set or changed (the endpoint goes to
every client the run makes, assumed-role sessions included), and nothing is read from argparse. Errors carry
the request's field names and the offending values, never command-line flags; the CLI (checks/audit_cli.py)
maps them to its flags. botocore's own errors (no credentials, unreachable endpoint, AccessDenied on the
identity call) propagate unchanged. boto3 is imported only when a run starts.
"""
from __future__ import annotations

import datetime as dt
import importlib
import os
from dataclasses import dataclass
from functools import partial
from typing import Any, Sequence

DEFAULT_ROLE = "OrganizationAccountAccessRole"
DEFAULT_ACCOUNT_TIMEOUT_S = 300  # per audited account
DEFAULT_WORKERS = 8
ORG_ONLY = ("role_name", "external_id", "accounts", "exclude_accounts", "workers", "processes", "shard")


class AuditInputError(ValueError):
    """A request the audit cannot run: ``fields`` are the AuditRequest fields at fault, ``values`` the
    offending values, ``reason`` one sentence on what is wrong and what is allowed."""

    def __init__(self, fields: tuple[str, ...], values: Any, reason: str) -> None:
        super().__init__(f"{'/'.join(fields)}: {reason}")
        self.fields, self.values, self.reason = fields, values, reason


class OrgOnlyError(AuditInputError):
    """Organization options (``fields``) given without ``org=True``."""

    def __init__(self, fields: tuple[str, ...]) -> None:
        super().__init__(fields, fields, "only apply with org=True.")


class AuditError(Exception):
    """A run that cannot go on; ``field`` is the request field it concerns, when one does."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NoRegionError(AuditError):
    """Neither the request, AWS_REGION, AWS_DEFAULT_REGION nor the profile gives a region."""

    def __init__(self) -> None:
        super().__init__("no AWS region.", field="region")


@dataclass(frozen=True)
class AuditRequest:
    """One audit. ``controls``/``skip`` are control ids (None: every live control); ``history_days`` None
    turns the history controls off; ``waivers`` are loaded :class:`checks.waivers.Waiver` objects."""

    controls: Sequence[str] | None = None
    skip: Sequence[str] | None = None
    endpoint_url: str | None = None
    region: str | None = None
    profile: str | None = None
    required_tags: Sequence[str] = ()
    account_timeout: float | None = DEFAULT_ACCOUNT_TIMEOUT_S
    history_days: int | None = 7
    deployer_roles: Sequence[str] = ()
    waivers: Sequence[Any] = ()
    today: dt.date | None = None  # waiver expiry is judged on this day (default: today)
    org: bool = False
    role_name: str | None = None
    external_id: str | None = None
    accounts: Sequence[str] | None = None
    exclude_accounts: Sequence[str] | None = None
    workers: int | None = None
    processes: int | None = None  # checks/org_procs.py; None: the cores available, fewer for small organizations
    shard: Any = None  # checks.org_shard.Shard


def check_org_options(request: AuditRequest) -> None:
    """Organization options only mean something with ``org=True``; raises OrgOnlyError naming them."""
    given = tuple(n for n in ORG_ONLY if getattr(request, n) is not None)
    if given and not request.org:
        raise OrgOnlyError(given)


def select_controls(request: AuditRequest) -> list:
    """The live controls the request asks for; AuditInputError for unknown or stack-only ids, or none left."""
    from checks.catalog import all_controls, select

    known = {c.id for c in all_controls()}
    for name in ("controls", "skip"):
        unknown = [i for i in getattr(request, name) or () if i not in known]
        if unknown:
            raise AuditInputError((name,), unknown, f"unknown control id(s) {', '.join(unknown)}; "
                                                    f"allowed: {', '.join(sorted(known))}.")
    chosen = select(list(request.controls or []), list(request.skip or []))
    # Stack-only controls judge Pulumi plans (e.g. the key's lockout-safety flag); AWS has no live
    # equivalent, so asking for one in an audit is an input error rather than a silent no-op.
    stack_only = [c.id for c in chosen if "live" not in c.targets]
    if request.controls and stack_only:
        raise AuditInputError(("controls",), stack_only, f"{', '.join(stack_only)} only apply to Pulumi stacks "
                                                         "(policy pack), not to a live audit.")
    chosen = [c for c in chosen if "live" in c.targets]
    if request.history_days is None:
        chosen = _without_history(request, chosen)
    if not chosen:
        raise AuditInputError(("controls", "skip"), [], "no controls left to audit.")
    return chosen


def _without_history(request: AuditRequest, chosen: list) -> list:
    from checks.history.options import FAMILY

    history = [c.id for c in chosen if c.family == FAMILY]
    if request.controls and history:
        raise AuditInputError(("controls", "history_days"), history,
                              f"{', '.join(history)} need history, which history_days=None turns off.")
    if request.deployer_roles:
        raise AuditInputError(("deployer_roles", "history_days"), list(request.deployer_roles),
                              "deployer roles only apply with history on; history_days=None turns it off.")
    return [c for c in chosen if c.family != FAMILY]


def open_session(request: AuditRequest):
    """The run's boto3 Session: profile, region (else AWS_REGION, which botocore alone ignores) and endpoint."""
    from checks.endpoint_session import make_session, region_problem

    session = make_session(request.profile, request.region, request.endpoint_url)
    problem = region_problem(session, request.region)
    if problem:
        raise AuditInputError(("region",), request.region, problem)
    if not session.region_name and os.environ.get("AWS_REGION"):
        # botocore reads only AWS_DEFAULT_REGION; the other AWS SDKs and the CLI v2 read AWS_REGION too.
        session = make_session(request.profile, os.environ["AWS_REGION"], request.endpoint_url)
    if not session.region_name:
        raise NoRegionError()
    from checks.collect.slim_models import use_slim_models

    use_slim_models(session)  # our own Session: ec2 with DescribeRegions only (~100 ms less CPU)
    return session


def audit(request: AuditRequest, *, progress: Any = None) -> Any:
    """Run the audit the request describes and return the AuditRun (waivers applied).

    ``progress``: for organization runs, a checks.progress.Progress or a ``callable(message)``.
    """
    from checks.history import options as history_options

    check_org_options(request)
    controls = select_controls(request)
    if request.history_days is not None:
        history_options.configure(history_options.HistoryOptions(
            days=request.history_days, deployer_roles=tuple(request.deployer_roles or ())))
    run = _run(request, open_session(request), controls, progress)
    if request.waivers:
        from checks.waivers import apply_waivers

        run = apply_waivers(run, list(request.waivers), today=request.today or dt.date.today())
    return run


def _run(request: AuditRequest, session, controls: list, progress: Any):
    tags = tuple(request.required_tags or ())
    if not request.org:
        from checks import audit as single

        return single.audit_account(session, controls, required_tags=tags, account_timeout=request.account_timeout)
    try:
        org_mode = importlib.import_module("checks.org")
    except ImportError as exc:
        if exc.name != "checks.org":
            raise
        raise AuditError("organization mode is not available in this build (checks.org is missing).", "org")
    run_org = org_mode.audit_organization
    if request.shard is not None:  # checks/org_shard.py: one slice, plus what `merge` needs
        from checks.org_shard import audit_shard

        run_org = partial(audit_shard, request.shard)
    try:
        return run_org(session, controls, role_name=request.role_name or DEFAULT_ROLE,
                       external_id=request.external_id, accounts=request.accounts,
                       exclude_accounts=request.exclude_accounts, workers=request.workers or DEFAULT_WORKERS,
                       progress=progress, required_tags=tags, account_timeout=request.account_timeout,
                       processes=request.processes)
    except getattr(org_mode, "NothingToAudit", ()) as exc:  # a run that audits nothing must not pass a gate
        raise AuditError(str(exc), "org") from None
