"""Single-account audit orchestration and the exit-code gate shared by the CLI and the reports.

``audit_account`` is collect -> evaluate for the account the session's credentials belong to. boto3 and
the collectors are imported inside the function so importing this module (the CLI does) stays cheap.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Sequence

from checks.model import AuditRun, Finding, Severity, Status

if TYPE_CHECKING:  # pragma: no cover - typing only; importing boto3 here would slow every CLI start
    import boto3

    from checks.catalog import Control


def audit_account(
    session: "boto3.Session",
    controls: Sequence["Control"],
    *,
    account_id: str | None = None,
    required_tags: Sequence[str] = (),
    account_timeout: float | None = None,
) -> AuditRun:
    """Audit the session's account with ``controls``.

    When ``account_id`` is None it comes from sts:GetCallerIdentity, called here *before* collection on
    purpose: missing or rejected credentials and an unreachable endpoint must stop the run (exit 2)
    instead of turning every control into ERROR. botocore/ClientError exceptions propagate to the caller.
    """
    if account_id is None:
        account_id = caller_account_id(session)
    from checks.collect import collect_account
    from checks.engine import evaluate
    from checks.params import AuditParams

    from checks.collect.deadline import account_deadline

    with account_deadline(account_id, account_timeout) as ran_out:
        facts = collect_account(session, account_id=account_id, controls=controls)
    if ran_out():
        reason = f"Audit of account {account_id} stopped: the --account-timeout of {account_timeout:g} s ran out."
        return AuditRun(findings=[Finding(control_id=c.id, status=Status.ERROR, severity=c.severity,
                                          account_id=account_id, region="", resource=account_id, reason=reason,
                                          title=c.title) for c in controls],
                        accounts=[account_id], notes=[reason])
    params = AuditParams(now=facts.collected_at, required_tag_keys=tuple(required_tags or ()))
    return AuditRun(findings=list(evaluate(facts, controls, params)), accounts=[facts.account_id or account_id])


def identity_config():
    """For sts:GetCallerIdentity before a run (checks/sdk_config.py: 2 attempts, 5 s timeouts)."""
    from checks import sdk_config

    return sdk_config.identity()


def caller_account_id(session: "boto3.Session") -> str:
    return session.client("sts", config=identity_config()).get_caller_identity()["Account"]


def blocking(findings: Iterable[Finding], fail_on: Severity, *, errors_ok: bool = False) -> list[Finding]:
    """The findings that make the run fail: FAILs at or above ``fail_on``, and ERRORs likewise.

    ERROR counts by default (fail closed): an ERROR means the control could not be checked, so a broken
    trail hidden behind AccessDenied would otherwise exit 0. ``errors_ok`` relaxes that for accounts
    where some data is knowingly unreadable. WAIVED, PASS and NOT_APPLICABLE never block.
    """
    counted = {Status.FAIL} if errors_ok else {Status.FAIL, Status.ERROR}
    return [f for f in findings if f.status in counted and f.severity.rank >= fail_on.rank]


def exit_code(run: AuditRun, fail_on: Severity, *, errors_ok: bool = False) -> int:
    """0 when nothing blocks, 1 when something does (2 is the CLI's, for usage and fatal errors)."""
    return 1 if blocking(run.findings, fail_on, errors_ok=errors_ok) else 0
