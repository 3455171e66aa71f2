"""Organization runs: name the owner of a trail bucket that another account of the run owns.

A member's trail often writes to a bucket of a log-archive account (the layout AWS recommends), and an
organization trail's bucket need not belong to the management account. The member can only tell that
the bucket is not its own (it is missing from its s3:ListBuckets). The run knows more: the account whose
s3:ListBuckets lists the bucket owns it, and that account's run assesses the bucket when a trail it sees
(its own or the organization trail) writes there. So the member's bucket controls are NOT_APPLICABLE
naming that account, and the bucket is judged once, where it lives.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:  # pragma: no cover
    from checks.facts import AccountFacts


def resolve_bucket_owners(all_facts: Iterable["AccountFacts"]) -> None:
    """Set ``owner_account_id`` of buckets owned elsewhere whose owner is among the run's accounts."""
    all_facts = list(all_facts)
    owners: dict[str, str] = {}
    for facts in sorted(all_facts, key=lambda f: f.account_id):
        for name in facts.owned_buckets or ():
            owners.setdefault(name, facts.account_id)
    for facts in all_facts:
        for bucket in facts.buckets.values():
            owner = owners.get(bucket.name)
            if bucket.owned_elsewhere and bucket.owner_account_id is None and owner and owner != facts.account_id:
                bucket.owner_account_id = owner
