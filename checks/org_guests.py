"""Organization runs: a bucket or KMS key that another account's trail uses is assessed once, in its owner's row.

A member's own trail often writes to a bucket, or encrypts with a key, of another account of the
organization (a log-archive or security account). The member can't read them: its rows say "owned by
<owner>; audit that account" (NOT_APPLICABLE). The owner can, but no trail it sees points at them, so its
own run would never look. An organization run closes that gap: after every account is collected, each
such resource whose owner is an account of the run's selection, and that no trail visible in the owner
uses (then the owner already judges it), is read with the owner's credentials (checks/collect/guests.py)
and judged in the owner's row by every bucket-scope rule, or every rule that judges the trail's key
(checks/engine.evaluate_guests), with the using trail of the lowest ARN. A "guest" here is such a resource.

Log groups need none of this: CreateTrail's API reference says of CloudWatchLogsLogGroupArn "You must use a
log group that exists in your account", so a trail's log group is always its own account's.

The result must not depend on which accounts share a run. A shard (``--shard K/N``) or a scheduled batch
may hold the trail but not the owner: it names a bucket's owner by listing the buckets (s3:ListBuckets) of
the selected accounts outside it, lowest id first, until one lists the bucket (a key's owner is in its ARN),
and judges the guest itself, in a row of the owner's account. A bucket nobody can name an owner for while
an account of the selection could not list its buckets (s3:ListBuckets failed, in its own run or in the
probe) may be that account's: it gets ERROR rows there naming s3:ListBuckets (``Guests.unlisted``), so a
failed list never makes a guest silently go unassessed. It records each guest it judged
(``{"account", "resource", "trail"}``) next to the coverage evidence, and every account records the
resources its visible trails use (``uses`` in checks/org_owners.ownership_evidence). ``trailguard merge``
then keeps, per (owner, resource), only the findings judged with the lowest trail ARN, and none when the
owner's own run used the resource or could not be audited (:func:`merge_guest_findings`): the single run's
result.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterable, Mapping, Sequence

from checks.arns import arn_account, is_arn, s3_bucket_arn
from checks.facts import TrailFacts
from checks.model import Finding, Status

if TYPE_CHECKING:  # pragma: no cover
    from checks.catalog import Control
    from checks.facts import AccountFacts
    from checks.org_sessions import SessionFactory


@dataclass(frozen=True)
class GuestUse:
    """A trail seen in account ``user`` whose bucket or key another account owns."""

    kind: str  # "bucket" | "key"
    name: str  # the bucket name | the key ARN
    owner: str  # the owner's account id; "" for a bucket whose owner ``user`` could not name
    trail: TrailFacts
    user: str


def guest_uses(facts: "AccountFacts") -> list[GuestUse]:
    """The account's trails' buckets and keys owned by other accounts (before any owner is named)."""
    uses = []
    for trail in facts.trails or ():
        bucket = facts.buckets.get(trail.s3_bucket_name or "")
        if bucket is not None and bucket.owned_elsewhere and bucket.exists:
            uses.append(GuestUse("bucket", bucket.name, bucket.owner_account_id or "", trail, facts.account_id))
        key = trail.kms_key_id or ""
        if is_arn(key) and arn_account(key) not in ("", facts.account_id):
            uses.append(GuestUse("key", key, arn_account(key), trail, facts.account_id))
    return uses


def resources_used(facts: "AccountFacts") -> list[str] | None:
    """The finding resources (bucket ARNs, key ids) the trails visible in the account use; None: trails unknown."""
    if facts.trails is None:
        return None
    used = {s3_bucket_arn(facts.partition, t.s3_bucket_name) for t in facts.trails if t.s3_bucket_name}
    return sorted(used | {t.kms_key_id for t in facts.trails if t.kms_key_id})


@dataclass
class Guests:
    """One owner's guests: bucket name / key ARN -> the using trail (lowest ARN), and who saw it."""

    owner: str
    buckets: dict[str, TrailFacts] = field(default_factory=dict)
    keys: dict[str, TrailFacts] = field(default_factory=dict)
    user: str = ""  # the account whose run saw the first guest's trail (where a batch files the findings)
    # Buckets nobody in the run could name an owner for while this account's s3:ListBuckets could not be read:
    # it may own them, so they get ERROR rows here (fail closed) instead of silently no assessment anywhere.
    unlisted: dict[str, TrailFacts] = field(default_factory=dict)

    def resources(self, partition: str) -> list[tuple[str, TrailFacts]]:
        buckets = {**self.unlisted, **self.buckets}
        return sorted([(s3_bucket_arn(partition, n), t) for n, t in buckets.items()] + list(self.keys.items()),
                      key=lambda rt: rt[0])


def plan_guests(uses: Iterable[GuestUse], *, selection: set[str], owners: Mapping[str, str],
                home: Mapping[str, tuple[bool, Sequence[str] | None]], partition: str,
                probe: Callable[[str], str | None] | None = None, unlisted: Iterable[str] = ()) -> dict[str, Guests]:
    """Owner -> its guests. ``owners``: bucket -> owner from the run's s3:ListBuckets evidence; ``probe``
    names the owner of a bucket nobody in the run lists (shards and batches; None: leave it unnamed);
    ``home``: the run's accounts -> (could not be audited, resources its visible trails use or None);
    ``unlisted``: the run's accounts whose s3:ListBuckets could not be read (the probe's are added): a bucket
    left without an owner is ``Guests.unlisted`` of each of them."""
    chosen: dict[tuple[str, str, str], GuestUse] = {}
    for use in sorted(uses, key=lambda u: (u.kind, u.name, u.trail.arn, u.user)):
        owner = use.owner or owners.get(use.name) or (probe(use.name) if probe else None) or ""
        suspects = [owner] if owner else sorted({*unlisted, *getattr(probe, "unlisted", ())})
        for suspect in suspects:
            if suspect not in selection or suspect == use.user:
                continue
            failed, used = home.get(suspect, (False, None))
            resource = s3_bucket_arn(partition, use.name) if use.kind == "bucket" else use.name
            if failed or resource in (used or ()):
                continue
            # the lowest trail ARN (sorted above)
            chosen.setdefault((suspect, use.kind if owner else "unlisted", use.name), use)
    plan: dict[str, Guests] = {}
    for (owner, kind, name), use in sorted(chosen.items()):
        guests = plan.setdefault(owner, Guests(owner, user=use.user))
        {"bucket": guests.buckets, "key": guests.keys, "unlisted": guests.unlisted}[kind][name] = use.trail
    return plan


def assess(guests: Guests, *, factory: "SessionFactory", caller: str, partition: str,
           controls: Sequence["Control"], tag_keys: tuple[str, ...] = (), external_id: str | None = None,
           account_timeout: float | None = None) -> list[Finding]:
    """The owner's findings on its guests, read with its credentials; ERROR rows naming the cause when the
    owner's role can't be assumed, a collector fails or ``account_timeout`` runs out (never a silent gap)."""
    from checks.collect.deadline import account_deadline
    from checks.collect.guests import collect_guests
    from checks.engine import evaluate_guests
    from checks.org import _error_text
    from checks.org_sessions import scrub
    from checks.params import AuditParams

    owner = guests.owner
    try:
        session = factory.session_for(owner, own=owner == caller)
        with account_deadline(owner, account_timeout) as ran_out:
            with session.active():
                facts = collect_guests(session, owner, partition, buckets=guests.buckets, keys=guests.keys,
                                       controls=controls)
        if ran_out():
            return _errors(guests, controls, partition, f"the --account-timeout of {account_timeout:g} s ran out")
        return evaluate_guests(facts, controls, AuditParams(now=facts.collected_at, required_tag_keys=tag_keys))
    except Exception as exc:  # AssumeRole denied, an SDK failure: ERROR rows for this owner's guests only
        return _errors(guests, controls, partition, scrub(_error_text(exc), external_id))


def _errors(guests: Guests, controls: Sequence["Control"], partition: str, cause: str) -> list[Finding]:
    """ERROR rows on exactly the subjects evaluate_guests would judge (checks/engine.guest_subjects)."""
    from checks.engine import guest_subjects
    from checks.facts import AccountFacts

    facts = AccountFacts(guests.owner, partition, trails=[], guest_buckets=guests.buckets, guest_keys=guests.keys)
    return [Finding(control_id=control.id, status=Status.ERROR, severity=control.severity, account_id=guests.owner,
                    region=s.region, resource=s.resource, partition=partition, outcome="audit", title=control.title,
                    reason=f"Could not assess {s.label} (used by trail {s.args[0].arn}) in account {guests.owner}: "
                           f"{cause.rstrip('.')}.")
            for control, subjects in guest_subjects(facts, controls) for s in subjects]


class bucket_prober:  # noqa: N801 - used as a function: name -> owner
    """name -> the first of ``accounts`` (sorted) whose bucket list holds it; each account listed at most once.
    ``unlisted``: the accounts listed so far whose list could not be read (None from ``list_buckets``)."""

    def __init__(self, list_buckets: Callable[[str], Iterable[str] | None], accounts: Sequence[str]) -> None:
        self._list, self._accounts = list_buckets, sorted(accounts)
        self._listed: dict[str, frozenset[str] | None] = {}

    @property
    def unlisted(self) -> list[str]:
        return sorted(a for a, names in self._listed.items() if names is None)

    def __call__(self, name: str) -> str | None:
        for account in self._accounts:
            if account not in self._listed:
                names = self._list(account)
                self._listed[account] = None if names is None else frozenset(names)
            if name in (self._listed[account] or ()):
                return account
        return None


def settle_guests(outcomes: Sequence, *, selection: set[str], partition: str, caller: str,
                  controls: Sequence["Control"], make_factory: Callable[[], "SessionFactory"],
                  tag_keys: tuple[str, ...] = (), external_id: str | None = None,
                  account_timeout: float | None = None) -> tuple[dict[str, list[Finding]], dict[str, list[dict]]]:
    """The guest step of an organization run, after every outcome (checks/org.py ``_Outcome``) is evaluated.
    ``make_factory()`` gives the run's one SessionFactory (called only when a guest is read or probed).

    An owner among ``outcomes`` gets its guest findings added to its own findings; the others (outside a shard
    or batch) are returned, by account to file them with (the account whose run saw the first guest's trail),
    with the guest evidence entries by the same account (an owner in the run: under its own id)."""
    from checks.org_owners import owners_by_bucket

    uses = [u for o in outcomes for u in (o.guests or ())]
    if not uses:
        return {}, {}
    in_run = {o.account_id: o for o in outcomes}
    outside = sorted(selection - set(in_run))
    probe = bucket_prober(lambda a: list_buckets(make_factory(), caller, a), outside) if outside else None
    plan = plan_guests(uses, selection=selection, partition=partition, probe=probe,
                       owners=owners_by_bucket({a: (o.ownership or {}).get("owns") for a, o in in_run.items()}),
                       home={a: (bool(o.error), (o.ownership or {}).get("uses")) for a, o in in_run.items()},
                       unlisted=[a for a, o in in_run.items() if o.ownership and o.ownership.get("owns") is None])
    extra: dict[str, list[Finding]] = {}
    evidence: dict[str, list[dict]] = {}
    for owner, guests in sorted(plan.items()):
        found = assess(guests, factory=make_factory(), caller=caller, partition=partition, controls=controls,
                       tag_keys=tag_keys, external_id=external_id, account_timeout=account_timeout
                       ) if guests.buckets or guests.keys else []
        if guests.unlisted:
            found += _errors(Guests(owner, buckets=guests.unlisted), controls, partition,
                             f"s3:ListBuckets of account {owner} could not be read, so whether it owns the bucket "
                             "is unknown")
        where = owner if owner in in_run else guests.user
        if owner in in_run:
            in_run[owner].findings = list(in_run[owner].findings) + found
        else:
            extra.setdefault(where, []).extend(found)
        evidence.setdefault(where, []).extend({"account": owner, "resource": r, "trail": t.arn}
                                              for r, t in guests.resources(partition))
    return extra, evidence


def list_buckets(factory: "SessionFactory", caller: str, account: str) -> list[str] | None:
    """The bucket names of ``account`` (s3:ListBuckets with its credentials); None when they can't be read."""
    from checks.collect.buckets import bucket_names
    from checks.collect.clients import Clients

    try:
        session = factory.session_for(account, own=account == caller)
        with session.active():
            return sorted(bucket_names(Clients(session)))
    except Exception:  # an account we can't read names no owner; its own run reports why
        return None


def merge_guest_findings(parts: Sequence[tuple[Sequence[Finding], Sequence[str], Sequence[Mapping]]],
                         evidence: Mapping[str, Mapping], failed: set[str]) -> list[Finding]:
    """Every part's findings, the guest ones (recorded in the part's ``guests``) kept only where the single
    run has them: per (owner, resource) the part that judged it with the lowest trail ARN, and none when
    the owner's own run used the resource (its evidence's ``uses``) or ``failed`` (could not be audited).
    ``parts``: (findings, accounts audited, guests entries)."""
    home = {a for _, accounts, _ in parts for a in accounts}
    best: dict[tuple[str, str], tuple[str, int]] = {}
    for i, (_, _, guests) in enumerate(parts):
        for g in guests:
            owner, resource = g["account"], g["resource"]
            if owner not in home or owner in failed or resource in ((evidence.get(owner) or {}).get("uses") or ()):
                continue
            key = (owner, resource)
            best[key] = min(best.get(key, (g["trail"], i)), (g["trail"], i))
    out = []
    for i, (findings, _, guests) in enumerate(parts):
        mine = {(g["account"], g["resource"]): g["trail"] for g in guests}
        out += [f for f in findings if (f.account_id, f.resource) not in mine
                or best.get((f.account_id, f.resource)) == (mine[(f.account_id, f.resource)], i)]
    return out
