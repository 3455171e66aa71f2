"""Organization runs: read this account's buckets and KMS keys that OTHER accounts' trails use.

A member's trail may write to a bucket, or encrypt with a key, of another account of the organization (a
log-archive or security account). The member can't read them; the owner can, and assesses them in its own
row (checks/org_guests.py decides which; checks/engine.evaluate_guests judges them). This collector reads
exactly those resources with the owner's credentials, with the same calls and the same fail-closed errors
as the account's own trail resources (checks/collect/buckets.py, keys_logs.py), and nothing else.
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Mapping, Sequence

from checks.collect.buckets import read_account_pab, read_bucket
from checks.collect.clients import Clients
from checks.collect.keys_logs import describe_key
from checks.facts import AccountFacts, BucketFacts, TrailFacts

if TYPE_CHECKING:  # pragma: no cover
    import boto3

    from checks.catalog import Control


def collect_guests(session: "boto3.Session", account_id: str, partition: str, *,
                   buckets: Mapping[str, TrailFacts], keys: Mapping[str, TrailFacts],
                   controls: Sequence["Control"]) -> AccountFacts:
    """The facts of ``account_id``'s guest ``buckets`` (name -> using trail) and ``keys`` (ARN -> using
    trail) that the selected ``controls`` need; ``trails`` is [] (the account's own trails are its main run's)."""
    from checks.collect import needs_for

    facts = AccountFacts(account_id=account_id, partition=partition, trails=[],
                         collected_at=dt.datetime.now(dt.timezone.utc),
                         guest_buckets=dict(buckets), guest_keys=dict(keys))
    clients = Clients(session)
    needs = needs_for(controls)
    parts = {n.split(":", 1)[1] for n in needs if n.startswith("bucket:")}
    if buckets and parts:
        if "public" in parts or "all" in parts:
            read_account_pab(clients, facts)
        for name in sorted(buckets):  # listed by this account's s3:ListBuckets: it exists and is ours
            bucket = facts.buckets[name] = BucketFacts(name=name, owner_account_id=account_id, exists=True)
            read_bucket(clients, bucket, parts)
    if keys and "keys" in needs:
        for arn in sorted(keys):
            key = describe_key(clients, facts, arn)
            facts.keys[key.arn] = key
    return facts
