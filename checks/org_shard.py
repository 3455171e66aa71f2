"""``audit --org --shard K/N``: which accounts shard K of N audits, and what a shard records for ``merge``.

Assignment: jump consistent hash (Lamping & Veach, "A Fast, Minimal Memory, Consistent Hash Algorithm",
2014) of the first 8 bytes of SHA-256 of the 12-digit account id. It depends on nothing but the account
id and N, so:

- every process, machine and Python version puts an account in the same shard (no ``hash()`` salt);
- adding or closing accounts never moves any other account to another shard;
- going from N to N+1 shards moves only about 1/(N+1) of the accounts (each to the new shard), so
  per-shard history stays comparable when the fleet is resized.

A shard's JSON report carries a ``"shard"`` section (the single ``--org`` run has none) with what
``checks.merge`` needs to rebuild the whole-organization run exactly: the shard's index, the selected
control ids, and per account the *coverage evidence*. Coverage is the one org-wide judgement: one
account that sees a logging organization trail makes every readable account ``organization-trail``
(checks/org_coverage.py), so a shard records, per account, whether its trails were read, whether it
saw a covering organization trail, and its coverage if no organization trail existed. Next to it goes
the account's bucket-ownership evidence (checks/org_owners.py), so the merge names the owner of a
member's trail bucket even when the owner was audited in another shard.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Mapping, Sequence

MAX_SHARDS = 10_000  # a Step Functions Distributed Map runs at most 10,000 child executions at once
_SPEC = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
# org.py's run note for an account that could not be audited (checks/org.py audit_organization).
ACCOUNT_NOTE = re.compile(r"^Account (\d{12}) was not audited: ")


def _key(account_id: str) -> int:
    return int.from_bytes(hashlib.sha256(account_id.encode("ascii")).digest()[:8], "big")


def jump_hash(key: int, buckets: int) -> int:
    """Bucket 0..buckets-1 for a 64-bit key (the published algorithm, with Python's unbounded ints masked)."""
    if buckets < 1:
        raise ValueError(f"buckets must be at least 1, not {buckets}")
    b, j = -1, 0
    while j < buckets:
        b = j
        key = (key * 2862933555777941757 + 1) & 0xFFFFFFFFFFFFFFFF
        j = int((b + 1) * (float(1 << 31) / float((key >> 33) + 1)))
    return b


def shard_of(account_id: str, count: int) -> int:
    """The 1-based shard (1..count) that audits ``account_id``."""
    return jump_hash(_key(account_id), count) + 1


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based
    count: int

    def __contains__(self, account_id: str) -> bool:
        return shard_of(account_id, self.count) == self.index

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(value: str) -> Shard:
    """``"K/N"`` -> Shard; ValueError naming the value and the allowed form otherwise."""
    m = _SPEC.match(value or "")
    if m:
        k, n = int(m.group(1)), int(m.group(2))
        if 1 <= n <= MAX_SHARDS and 1 <= k <= n:
            return Shard(k, n)
    raise ValueError(f"{value!r} is not a shard; expected K/N with 1 <= K <= N <= {MAX_SHARDS}, e.g. 2/7")


def coverage_evidence(trails_by_account: Mapping[str, Sequence | None], management_id: str | None,
                      ownership: Mapping[str, Mapping] | None = None) -> dict:
    """Per account: {"known": trails read, "sees_org_trail": saw a covering org trail, "alone": coverage
    if no organization trail covered anything}. See checks/org_coverage.py for the judgement itself.
    A collected account's ``ownership`` evidence ({"owns", "unowned"}, checks/org_owners.py) is added."""
    from checks.org_coverage import account_coverage, covering_org_trail

    ownership = ownership or {}
    return {a: {"known": trails is not None,
                "sees_org_trail": covering_org_trail({a: trails}, management_id) is not None,
                "alone": account_coverage(a, trails, None), **(ownership.get(a) or {})}
            for a, trails in sorted(trails_by_account.items())}


def coverage_from_evidence(evidence: Mapping[str, Mapping]) -> dict[str, str]:
    """The whole run's coverage from every account's evidence (org_coverage.attribute_coverage's result)."""
    from checks.org_coverage import ORGANIZATION_TRAIL

    org_trail = any(e["sees_org_trail"] for e in evidence.values())
    return {a: ORGANIZATION_TRAIL if org_trail and e["known"] else e["alone"] for a, e in sorted(evidence.items())}


def audit_shard(shard: Shard, session, controls, **kwargs):
    """``checks.org.audit_organization`` restricted to ``shard``, with the ``shard`` section for merging."""
    from checks.org import audit_organization

    seen: dict = {}

    def keep(trails_by_account, management_id, ownership, guests):
        seen["evidence"] = coverage_evidence(trails_by_account, management_id, ownership)
        seen["guests"] = guests

    run = audit_organization(session, controls, account_filter=shard.__contains__, on_trails=keep, **kwargs)
    run.shard = {"index": shard.index, "of": shard.count, "controls": [c.id for c in controls],
                 "accounts": seen.get("evidence", {}), "guests": seen.get("guests", [])}
    return run
