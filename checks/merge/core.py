"""Combine JSON results (``audit --org --shard K/N`` reports, or the per-account files of the scheduled
audit) into one :class:`checks.model.AuditRun`, exactly the run one ``audit --org`` would have made.

Pure: text in, AuditRun out; reading files and rendering is the command's (checks/merge/__init__.py).

- Findings: the union, in the audit's order (account, control, region, resource, status, reason).
- Accounts: the union. An account in two inputs is an error (a shard given twice, or overlapping runs):
  adding its findings twice would double-count, keeping one would be a guess.
- Coverage: recomputed from each account's coverage evidence (checks/org_shard.py) when every input has
  it, because one account seeing a logging organization trail changes the verdict of all the others;
  otherwise the inputs' coverage maps are joined as they are.
- Bucket owners: a member's trail bucket owned by an account of another input is named from the inputs'
  ownership evidence (checks/org_owners.name_owners), as one run names it.
- Guests: a bucket or key another account's trail uses is judged in its owner's row, by the owner's own
  input or by the input that saw the trail; of those, the merge keeps what one run keeps
  (checks/org_guests.merge_guest_findings).
- Shards: when inputs say "shard K of N", all must agree on N and every K from 1 to N must be there
  once; a missing shard would silently shrink the organization to the shards that arrived.
- Notes: every input carries the whole run's notes (skipped accounts, expired waivers) plus its own
  accounts' "Account X was not audited" notes. The merge keeps each run note once, in order, and puts
  the account notes, sorted by account, where the audit puts them: after the selection notes.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from checks.model import AuditRun, Finding
from checks.org_guests import merge_guest_findings
from checks.org_owners import name_owners
from checks.org_shard import ACCOUNT_NOTE, coverage_from_evidence


class MergeError(ValueError):
    """An input that can't be merged; the message names the input and what was expected."""


@dataclass
class Part:
    name: str
    findings: list[Finding]
    accounts: list[str]
    coverage: dict[str, str]
    notes: list[str]
    shard: dict = field(default_factory=dict)
    organization_id: str = ""


def _finding(d: dict) -> Finding:
    return Finding.from_dict(d)


def load_part(text: str, name: str) -> Part:
    """One trailguard JSON report; MergeError naming ``name`` when it is not one."""
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise MergeError(f"{name}: not JSON ({exc}); expected a report of `trailguard audit --format json`.") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("findings"), list) or not isinstance(
            doc.get("summary"), dict) or not isinstance(doc["summary"].get("accounts"), dict):
        raise MergeError(f"{name}: not a trailguard JSON report; expected an object with \"findings\" and "
                         "\"summary.accounts\" (`trailguard audit --format json`).")
    try:
        findings = [_finding(f) for f in doc["findings"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise MergeError(f"{name}: a finding is malformed ({type(exc).__name__}: {exc}).") from None
    summary, shard = doc["summary"], dict(doc.get("shard") or {})
    # A shard's findings may include another account's row on a guest it judged (checks/org_guests.py): the
    # accounts it audited are those of its evidence; older reports without evidence: the summary's.
    accounts = shard["accounts"] if isinstance(shard.get("accounts"), dict) else summary["accounts"]
    return Part(name, findings, sorted(accounts), dict(summary.get("coverage") or {}),
                list(summary.get("notes") or []), shard, str(summary.get("organization_id") or ""))


def _check_shards(parts: list[Part]) -> None:
    sharded = [p for p in parts if "index" in p.shard]
    if not sharded:
        return
    counts = {p.shard["of"] for p in sharded}
    if len(counts) > 1 or len(sharded) != len(parts):
        raise MergeError("inputs come from different shardings ("
                         + ", ".join(f"{p.name}: {p.shard.get('index', '?')}/{p.shard.get('of', 'whole run')}"
                                     for p in parts) + "); merge the K/N reports of one sharding only.")
    n = counts.pop()
    seen: dict[int, str] = {}
    for p in sharded:
        k = p.shard["index"]
        if k in seen:
            raise MergeError(f"shard {k}/{n} is given twice: {seen[k]} and {p.name}.")
        seen[k] = p.name
    missing = [f"{k}/{n}" for k in range(1, n + 1) if k not in seen]
    if missing:
        raise MergeError(f"shard(s) {', '.join(missing)} missing; a merge needs all {n} shards.")


def _notes(parts: list[Part]) -> list[str]:
    run_notes: list[str] = []
    account_notes: dict[str, str] = {}
    split = None  # how many run notes precede the account notes (org.py's selection notes)
    for p in parts:
        for i, note in enumerate(p.notes):
            m = ACCOUNT_NOTE.match(note)
            if m:
                account_notes.setdefault(m.group(1), note)
                if split is None:
                    split = sum(1 for n in p.notes[:i] if not ACCOUNT_NOTE.match(n))
            elif note not in run_notes:
                run_notes.append(note)
    split = len(run_notes) if split is None else split
    return run_notes[:split] + [account_notes[a] for a in sorted(account_notes)] + run_notes[split:]


def merge_parts(parts: list[Part]) -> AuditRun:
    if not parts:
        raise MergeError("no inputs; give one or more JSON reports.")
    _check_shards(parts)
    owner: dict[str, str] = {}
    for p in parts:
        for a in p.accounts:
            if a in owner:
                raise MergeError(f"account {a} is in both {owner[a]} and {p.name}; each account must come from "
                                 "one input.")
            owner[a] = p.name
    evidence = {a: e for p in parts for a, e in (p.shard.get("accounts") or {}).items()}
    failed = {m.group(1) for p in parts for note in p.notes if (m := ACCOUNT_NOTE.match(note))}
    kept = merge_guest_findings([(p.findings, p.accounts, p.shard.get("guests") or ()) for p in parts],
                                evidence, failed)
    findings = sorted(name_owners(kept, evidence), key=lambda f: (*f.sort_key(), f.status.value, f.reason))
    if set(evidence) == set(owner):
        coverage = coverage_from_evidence(evidence)
    else:
        coverage = dict(sorted((a, c) for p in parts for a, c in p.coverage.items()))
    orgs = sorted({p.organization_id for p in parts if p.organization_id})
    if len(orgs) > 1:
        raise MergeError(f"the inputs come from {len(orgs)} organizations ({', '.join(orgs)}); merge the reports "
                         "of one organization at a time.")
    return AuditRun(findings=findings, accounts=sorted(owner), coverage=coverage, notes=_notes(parts),
                    organization_id=orgs[0] if orgs else "")


def controls_of(parts: list[Part]):
    """The catalog controls to render with: the shards' selection when recorded, else those with findings."""
    from checks.catalog import all_controls

    wanted = {c for p in parts for c in p.shard.get("controls", ())} or {f.control_id for p in parts
                                                                           for f in p.findings}
    return [c for c in all_controls() if c.id in wanted]
