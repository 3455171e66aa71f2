"""Organization runs: name the owner of a trail bucket that another account of the run owns.

A member's trail often writes to a bucket of a log-archive account (the layout AWS recommends), and an
organization trail's bucket need not belong to the management account. The member can only tell that
the bucket is not its own (it is missing from its s3:ListBuckets). The run knows more: the account whose
s3:ListBuckets lists the bucket owns it, and that account's run assesses the bucket when a trail it sees
(its own or the organization trail) writes there. So the member's bucket controls are NOT_APPLICABLE
naming that account, and the bucket is judged once, where it lives.

The naming must not depend on which accounts share a run: ``audit --org --shard K/N`` and the scheduled
audit's batches each see only part of the organization. So every account's *ownership evidence* (the
bucket names its s3:ListBuckets listed, and the trail buckets it found owned elsewhere with the owner
unknown) travels in the shard section next to the coverage evidence (checks/org_shard.py), and
``trailguard merge`` names the owners from all inputs' evidence with :func:`name_owners`. The reason is
rendered by one function, :func:`bucket_owner_reason`, in the rule and in the merge alike.
"""
from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Iterable, Mapping

if TYPE_CHECKING:  # pragma: no cover
    from checks.facts import AccountFacts
    from checks.model import Finding


def bucket_owner_reason(name: str, owner: str | None) -> str:
    """The NOT_APPLICABLE reason of a bucket control for a bucket another account owns (``owner``: None
    when that account is not known)."""
    if owner:
        return f"Bucket {name} is owned by account {owner}; audit that account."
    return (f"Bucket {name} is owned by another account (it is not in this account's s3:ListBuckets); "
            "audit that account.")


def owners_by_bucket(owned: Mapping[str, Iterable[str] | None]) -> dict[str, str]:
    """Bucket name -> the account whose s3:ListBuckets lists it (the lowest account id, should two claim it)."""
    owners: dict[str, str] = {}
    for account in sorted(owned):
        for name in owned[account] or ():
            owners.setdefault(name, account)
    return owners


def resolve_bucket_owners(all_facts: Iterable["AccountFacts"]) -> list["AccountFacts"]:
    """``all_facts`` with ``owner_account_id`` named for buckets owned elsewhere whose owner is among the run's
    accounts. New facts objects where something changed; the collected facts themselves are never mutated."""
    all_facts = list(all_facts)
    owners = owners_by_bucket({f.account_id: f.owned_buckets for f in all_facts})
    out = []
    for facts in all_facts:
        named = {b.name: dataclasses.replace(b, owner_account_id=owners[b.name]) for b in facts.buckets.values()
                 if b.owned_elsewhere and b.owner_account_id is None
                 and owners.get(b.name, facts.account_id) != facts.account_id}
        out.append(dataclasses.replace(facts, buckets={**facts.buckets, **named}) if named else facts)
    return out


def ownership_evidence(facts: "AccountFacts") -> dict:
    """What a merge needs to name owners across runs: {"owns": the account's s3:ListBuckets names (None: not
    listed), "unowned": its buckets owned elsewhere whose owner it could not tell, "uses": the resources its
    visible trails use (checks/org_guests.py: such a resource is judged in this account's own run)}. Taken before
    :func:`resolve_bucket_owners`, so it depends on the account alone, not on the accounts sharing its run."""
    from checks.org_guests import resources_used

    owned = facts.owned_buckets
    return {"owns": None if owned is None else sorted(owned),
            "unowned": sorted(b.name for b in facts.buckets.values()
                              if b.owned_elsewhere and b.owner_account_id is None),
            "uses": resources_used(facts)}


def name_owners(findings: Iterable["Finding"], evidence: Mapping[str, Mapping]) -> list["Finding"]:
    """``findings`` with each owner-unknown bucket reason replaced by the one naming the owner, where another
    account's evidence (``{account: {"owns": [...], "unowned": [...]}}``) lists the bucket. The same result
    :func:`resolve_bucket_owners` gives when all those accounts are in one run."""
    from checks.model import Status

    owners = owners_by_bucket({a: e.get("owns") for a, e in evidence.items()})
    renamed = {(account, bucket_owner_reason(name, None)): bucket_owner_reason(name, owners[name])
               for account, e in evidence.items() for name in e.get("unowned") or ()
               if owners.get(name, account) != account}
    return [dataclasses.replace(f, reason=renamed[(f.account_id, f.reason)])
            if f.status is Status.NOT_APPLICABLE and (f.account_id, f.reason) in renamed else f for f in findings]
