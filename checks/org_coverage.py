"""Which trail covers each audited account: the organization trail, the account's own trail, or nothing.

Values of ``AuditRun.coverage``:

- ``organization-trail``: a multi-region organization trail is logging. It is seen in the management
  account (which owns it) or, as a shadow trail, in a member; either view proves it, because an
  organization trail records every account of the organization and members cannot switch it off.
- ``own-trail``: no organization trail, but the account owns a multi-region trail that is logging.
- ``none``: the account's trails are known and none of the above holds.
- ``unknown``: the account's trails could not be collected (role not assumable, ListTrails denied), or
  the only candidate trail's logging status is unknown. We fail closed: no coverage is claimed for an
  account we could not read, even when the organization trail exists.
"""
from __future__ import annotations

from typing import Iterable, Mapping, Sequence

from checks.facts import TrailFacts

ORGANIZATION_TRAIL = "organization-trail"
OWN_TRAIL = "own-trail"
NONE = "none"
UNKNOWN = "unknown"


def _logging(trail: TrailFacts) -> bool | None:
    return None if trail.status is None else trail.status.is_logging


def _covers(trail: TrailFacts) -> bool | None:
    """True: multi-region and logging; None: multi-region but the status is unknown; False otherwise."""
    if trail.is_multi_region is not True:
        return False
    return _logging(trail)


def organization_trails(trails: Iterable[TrailFacts], management_id: str | None) -> list[TrailFacts]:
    """Org trails in one account's view; owned by the management account when we know which that is."""
    return [t for t in trails if t.is_organization is True
            and (management_id is None or t.owner_account_id == management_id)]


def covering_org_trail(
    trails_by_account: Mapping[str, Sequence[TrailFacts] | None], management_id: str | None
) -> TrailFacts | None:
    """A logging multi-region organization trail seen from any audited account (management view first)."""
    order = sorted(trails_by_account, key=lambda a: (a != management_id, a))
    for account in order:
        for trail in organization_trails(trails_by_account[account] or (), management_id):
            if _covers(trail):
                return trail
    return None


def account_coverage(account_id: str, trails: Sequence[TrailFacts] | None, org_trail: TrailFacts | None) -> str:
    if trails is None:
        return UNKNOWN
    if org_trail is not None:
        return ORGANIZATION_TRAIL
    own = [_covers(t) for t in trails if t.owner_account_id == account_id and t.is_organization is not True]
    if any(c is True for c in own):
        return OWN_TRAIL
    # A shadow of an org trail whose status we couldn't read also leaves the answer open.
    org_seen = [_covers(t) for t in trails if t.is_organization is True]
    if any(c is None for c in own + org_seen):
        return UNKNOWN
    return NONE


def attribute_coverage(
    trails_by_account: Mapping[str, Sequence[TrailFacts] | None], management_id: str | None
) -> dict[str, str]:
    """Coverage per account, keys sorted; ``None`` trails mean collection failed for that account."""
    org_trail = covering_org_trail(trails_by_account, management_id)
    return {a: account_coverage(a, trails_by_account[a], org_trail) for a in sorted(trails_by_account)}
