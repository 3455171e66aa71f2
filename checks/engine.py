"""facts -> findings: pick each control's subjects, call its pure predicate, build ordered Findings.

:data:`SUBJECTS` is the scope -> subject table: ``account`` (the account), ``region`` (each enabled region),
``trail`` (each trail visible in the account: own, shadow and organization trails), ``bucket`` (each distinct
trail bucket, via the first trail by ARN that writes to it). ``stream`` (one digest chain) is judged by
``trailguard verify`` only. A control never silently disappears: with the trail inventory unknown it is one
ERROR, with no trail it is one FAIL, a predicate that raises becomes ERROR, and a control without a rule
raises before anything is evaluated.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Callable, Sequence

from checks.arns import arn_region
from checks.catalog import Control
from checks.facts import AccountFacts, TrailFacts
from checks.model import Finding, Result, sentence
from checks.params import AuditParams
from checks.rules import Rule, all_rules
from checks.rules.subjects import bucket_arn

ACCOUNT_REGION = "global"  # region of findings about the whole account


@dataclass(frozen=True)
class Subject:
    """What one predicate call is about: its arguments after the account, and the finding's defaults."""

    label: str  # "trail arn:...", for the reason of a predicate that raised
    args: tuple
    resource: str
    region: str


def _account(account: AccountFacts) -> list[Subject]:
    return [Subject(f"account {account.account_id}", (), account.account_id, ACCOUNT_REGION)]


def _regions(account: AccountFacts) -> list[Subject] | Result:
    if account.enabled_regions is None:
        reason = account.errors.get("regions") or "ec2:DescribeRegions did not answer"
        return Result.error(sentence(reason), resource=account.account_id, region=ACCOUNT_REGION)
    return [Subject(f"region {r}", (r,), account.account_id, r) for r in sorted(account.enabled_regions)]


def _trails(account: AccountFacts) -> list[Subject]:
    return [Subject(f"trail {t.arn}", (t,), t.arn, t.home_region) for t in sorted(account.trails, key=lambda t: t.arn)]


def _buckets(account: AccountFacts) -> list[Subject]:
    firsts: dict[str, TrailFacts] = {}
    for trail in sorted(account.trails, key=lambda t: t.arn):
        # an unknown bucket name: the predicate reports the error for this trail
        firsts.setdefault(trail.s3_bucket_name if trail.s3_bucket_name is not None else f"?{trail.arn}", trail)
    return [Subject(f"bucket {name}", (t,), *_bucket_default(account, t)) for name, t in firsts.items()]


def _bucket_default(account: AccountFacts, trail: TrailFacts) -> tuple[str, str]:
    if trail.s3_bucket_name is None:
        return trail.arn, trail.home_region
    bucket = account.buckets.get(trail.s3_bucket_name)
    region = (bucket.region if bucket and bucket.region else "") or trail.home_region
    return bucket_arn(account, trail.s3_bucket_name), region


# scope -> (subjects of an account; does the scope need at least one trail?)
SUBJECTS: dict[str, tuple[Callable[[AccountFacts], "list[Subject] | Result"], bool]] = {
    "account": (_account, True),
    "region": (_regions, False),
    "trail": (_trails, True),
    "bucket": (_buckets, True),
}


def evaluate(account: AccountFacts, controls: Sequence[Control], params: AuditParams | None = None) -> list[Finding]:
    """Findings of ``controls`` on ``account``, ordered. ``params``: the run's parameters; by default
    :class:`AuditParams` measured from when the facts were collected (or from now, for facts that say nothing)."""
    params = _with_now(account, params)
    rules = all_rules()
    chosen = [(control, _rule_for(control, rules)) for control in controls]
    findings = [_finding(account, params, control, r) for control, rule in chosen
                for r in _results(account, rule, params)]
    return sorted(findings, key=Finding.sort_key)


def evaluate_guests(account: AccountFacts, controls: Sequence[Control], params: AuditParams | None = None
                    ) -> list[Finding]:
    """Findings of ``controls`` on the resources of ``account`` that other accounts' trails use
    (``guest_buckets``, ``guest_keys``; see checks/org_guests.py): each guest bucket is a subject of every
    bucket-scope rule, each guest key of every rule that judges the trail's key (``judges="key"``), called
    with the trail that uses it. Nothing else of the account is judged here."""
    params = _with_now(account, params)
    rules = all_rules()
    findings = [_finding(account, params, control, r) for control, subjects in guest_subjects(account, controls)
                for subject in subjects for r in _call(rules[control.id], account, subject, params)]
    return sorted(findings, key=Finding.sort_key)


def _with_now(account: AccountFacts, params: AuditParams | None) -> AuditParams:
    """``params`` (default: AuditParams()) with ``now`` set: the one place the clock is read; predicates
    measure from params.now (the collection time, or now for facts that say nothing)."""
    params = params or AuditParams()
    if params.now is None:
        params = dataclasses.replace(params, now=account.collected_at or dt.datetime.now(dt.timezone.utc))
    return params


def guest_subjects(account: AccountFacts, controls: Sequence[Control]) -> list[tuple[Control, list[Subject]]]:
    """Per control, the guests it judges: each guest bucket for a bucket-scope rule, each guest key for a
    rule that judges the trail's key; its one argument is the using trail."""
    rules = all_rules()
    out = []
    for control in controls:
        rule = _rule_for(control, rules)
        if rule.scope == "bucket":
            out.append((control, [Subject(f"bucket {name}", (t,), *_bucket_default(account, t))
                                  for name, t in sorted(account.guest_buckets.items())]))
        elif rule.judges == "key":
            out.append((control, [Subject(f"KMS key {arn}", (t,), arn, arn_region(arn) or t.home_region)
                                  for arn, t in sorted(account.guest_keys.items())]))
    return out


def _rule_for(control: Control, rules: dict[str, Rule]) -> Rule:
    rule = rules.get(control.id)
    if rule is None:
        raise LookupError(f"control {control.id} has no rule; register one with @rule({control.id!r}, scope) "
                          "in checks/rules/.")
    if rule.scope not in SUBJECTS:
        raise ValueError(f"control {control.id} has scope {rule.scope!r}, which the audit engine does not "
                         f"evaluate; scopes: {', '.join(SUBJECTS)}.")
    return rule


def _results(account: AccountFacts, rule: Rule, params: AuditParams) -> list[Result]:
    acct = account.account_id
    if account.trails is None:
        reason = account.errors.get("trails") or "cloudtrail:ListTrails did not answer"
        return [Result.error(sentence(reason), resource=acct, region=ACCOUNT_REGION)]
    pick, needs_trail = SUBJECTS[rule.scope]
    if needs_trail and not account.trails:
        return [Result.failed(f"Account {acct} has no CloudTrail trail.", resource=acct, region=ACCOUNT_REGION)]
    subjects = pick(account)
    if isinstance(subjects, Result):
        return [subjects]
    return [r for s in subjects for r in _call(rule, account, s, params)]


def _call(rule: Rule, account: AccountFacts, subject: Subject, params: AuditParams) -> list[Result]:
    try:
        results = rule.results(account, *subject.args, params=params)
    except Exception as exc:  # a bug in one predicate must not cost the whole audit its findings
        return [Result.error(f"{rule.control_id} could not be evaluated for {subject.label}: {type(exc).__name__}.",
                             resource=subject.resource, region=subject.region)]
    if not results or not all(isinstance(r, Result) for r in results):
        return [Result.error(f"{rule.control_id} returned no result for {subject.label}.",
                             resource=subject.resource, region=subject.region)]
    return [r if r.resource and r.region else
            Result(r.status, r.reason, r.resource or subject.resource, r.region or subject.region) for r in results]


def _finding(account: AccountFacts, params: AuditParams, control: Control, result: Result) -> Finding:
    return Finding(
        control_id=control.id, status=result.status, severity=control.severity, account_id=account.account_id,
        region=result.region, resource=result.resource, reason=result.reason, title=control.title,
        partition=account.partition, observed_at=params.now,
    )
