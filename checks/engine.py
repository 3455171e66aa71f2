"""facts -> findings: pick each control's subjects, call its pure predicate, build ordered Findings.

Subjects per rule scope: ``account`` (the account), ``region`` (each enabled region), ``trail`` (each trail
visible in the account: own, shadow and organization trails), ``bucket`` (each distinct trail bucket, via
the first trail by ARN that writes to it). A control never silently disappears: with the trail inventory
unknown it is one ERROR, with no trail it is one FAIL, and a predicate that raises becomes ERROR.
Controls without a registered rule (a family still being written) are skipped.
"""
from __future__ import annotations

from typing import Sequence

from checks.catalog import Control
from checks.facts import AccountFacts, TrailFacts
from checks.model import Finding, Result, sentence
from checks.rules import Rule, all_rules
from checks.rules.subjects import bucket_arn

ACCOUNT_REGION = "global"  # region of findings about the whole account


def evaluate(account: AccountFacts, controls: Sequence[Control]) -> list[Finding]:
    rules = all_rules()
    findings: list[Finding] = []
    for control in controls:
        found = rules.get(control.id)
        if found is not None:
            findings.extend(_finding(account, control, r) for r in _results(account, found))
    return sorted(findings, key=Finding.sort_key)


def _results(account: AccountFacts, rule: Rule) -> list[Result]:
    acct = account.account_id
    if account.trails is None:
        reason = account.errors.get("trails") or "cloudtrail:ListTrails did not answer"
        return [Result.error(sentence(reason), resource=acct, region=ACCOUNT_REGION)]
    if rule.scope == "region":
        if account.enabled_regions is None:
            reason = account.errors.get("regions") or "ec2:DescribeRegions did not answer"
            return [Result.error(sentence(reason), resource=acct, region=ACCOUNT_REGION)]
        return [_call(rule, f"region {r}", account, r, default=(acct, r)) for r in sorted(account.enabled_regions)]
    if not account.trails:
        return [Result.failed(f"Account {acct} has no CloudTrail trail.", resource=acct, region=ACCOUNT_REGION)]
    if rule.scope == "account":
        return _flatten(_call(rule, f"account {acct}", account, default=(acct, ACCOUNT_REGION)))
    trails = sorted(account.trails, key=lambda t: t.arn)
    if rule.scope == "trail":
        return [_call(rule, f"trail {t.arn}", account, t, default=(t.arn, t.home_region)) for t in trails]
    return [_call(rule, f"bucket {name}", account, t, default=_bucket_default(account, t))
            for name, t in _bucket_subjects(trails).items()]


def _bucket_subjects(trails: list[TrailFacts]) -> dict[str, TrailFacts]:
    subjects: dict[str, TrailFacts] = {}
    for trail in trails:
        if trail.s3_bucket_name is None:  # unknown: let the predicate report the error for this trail
            subjects[f"?{trail.arn}"] = trail
        else:
            subjects.setdefault(trail.s3_bucket_name, trail)
    return subjects


def _bucket_default(account: AccountFacts, trail: TrailFacts) -> tuple[str, str]:
    if trail.s3_bucket_name is None:
        return trail.arn, trail.home_region
    bucket = account.buckets.get(trail.s3_bucket_name)
    region = (bucket.region if bucket and bucket.region else "") or trail.home_region
    return bucket_arn(account, trail.s3_bucket_name), region


def _call(rule: Rule, subject: str, *args, default: tuple[str, str]):
    resource, region = default
    try:
        out = rule.predicate(*args)
    except Exception as exc:  # a bug in one predicate must not cost the whole audit its findings
        return Result.error(f"{rule.control_id} could not be evaluated for {subject}: {type(exc).__name__}.",
                            resource=resource, region=region)
    results = out if isinstance(out, list) else [out]
    if not results or not all(isinstance(r, Result) for r in results):
        return Result.error(f"{rule.control_id} returned no result for {subject}.", resource=resource, region=region)
    filled = [_fill(r, resource, region) for r in results]
    return filled if isinstance(out, list) else filled[0]


def _fill(result: Result, resource: str, region: str) -> Result:
    if result.resource and result.region:
        return result
    return Result(result.status, result.reason, result.resource or resource, result.region or region)


def _flatten(out) -> list[Result]:
    return list(out) if isinstance(out, list) else [out]


def _finding(account: AccountFacts, control: Control, result: Result) -> Finding:
    return Finding(
        control_id=control.id, status=result.status, severity=control.severity, account_id=account.account_id,
        region=result.region, resource=result.resource, reason=result.reason, title=control.title,
    )


