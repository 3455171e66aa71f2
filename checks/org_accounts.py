"""The organization's accounts: listing them (organizations:ListAccounts) and choosing which to audit.

Split from checks/org.py (which re-exports these names); see its docstring for the run itself.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:  # pragma: no cover
    import boto3

_ACCOUNT_ID = re.compile(r"^\d{12}$")


def _client(session: "boto3.Session", service: str):
    from checks import sdk_config

    # Run-level calls (organization, account list): short timeouts so that a dead endpoint stops the run
    # in seconds (docs/org.md).
    return session.client(service, config=sdk_config.run_level())


class NothingToAudit(Exception):
    """The run would audit no account: one sentence saying why (the CLI exits 2, a gate must not pass)."""


@dataclass(frozen=True)
class OrgAccount:
    id: str
    name: str
    state: str  # ACTIVE | SUSPENDED | PENDING_CLOSURE | PENDING_ACTIVATION | CLOSED


def list_organization_accounts(session: "boto3.Session") -> list[OrgAccount]:
    """Every account of the organization (any state), sorted by id. Needs organizations:ListAccounts.

    Raises NothingToAudit when an answer can't be read (no Accounts list, an entry without a 12-digit
    Id): a garbled list must not shrink the organization silently.
    """
    from checks.collect.clients import check_answer

    client = _client(session, "organizations")
    client.meta.events.register("after-call", check_answer, unique_id="trailguard-check-answer")
    from botocore.exceptions import BotoCoreError

    accounts = []
    try:
        for page in client.get_paginator("list_accounts").paginate():
            for a in page["Accounts"]:
                if not isinstance(a, dict) or not _ACCOUNT_ID.match(str(a.get("Id", ""))):
                    raise NothingToAudit(f"organizations:ListAccounts returned an account entry without a "
                                         f"12-digit Id ({str(a)[:80]!r}); nothing was audited.")
                # "State" (2025) supersedes "Status"; older endpoints and emulators only send Status.
                accounts.append(OrgAccount(a["Id"], a.get("Name", ""), a.get("State") or a.get("Status") or ""))
    except (BotoCoreError, KeyError, TypeError) as exc:
        if isinstance(exc, BotoCoreError) and not type(exc).__name__ == "MalformedAnswer":
            raise  # connection and credential errors: the CLI's one-sentence fatal messages
        raise NothingToAudit(f"organizations:ListAccounts returned an answer that can't be read ({exc}); "
                             "nothing was audited.") from None
    return sorted(accounts, key=lambda a: a.id)


def nothing_to_audit(org_accounts: Sequence[OrgAccount], accounts: Sequence[str] | None,
                     exclude_accounts: Sequence[str] | None) -> str:
    """Why a selection audits no account (the caller knows it is empty)."""
    if not org_accounts:
        return "organizations:ListAccounts listed no accounts; nothing was audited."
    listed = {a.id for a in org_accounts}
    exclude = set(exclude_accounts or ())
    scope = (set(accounts) & listed) - exclude if accounts else listed - exclude
    if not scope:
        return (f"every account is excluded (--exclude-accounts/--accounts leave none of the {len(listed)} "
                "accounts of the organization); nothing was audited.")
    states = sorted({a.state or "no state" for a in org_accounts if a.id in scope})
    return f"no ACTIVE account to audit ({len(scope)} selected, all {', '.join(states)}); nothing was audited."


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
