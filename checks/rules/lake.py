"""Predicates for CL-01..CL-06: one result per event data store; none -> NOT_APPLICABLE; unknown -> ERROR."""
from __future__ import annotations

from typing import Callable

from checks.facts import AccountFacts
from checks.lake import EventDataStore
from checks.model import Result
from checks.rules import rule

MIN_RETENTION_DAYS = 365


def _each(account: AccountFacts, judge: Callable[[AccountFacts, EventDataStore], Result]) -> list[Result]:
    lake, acct = account.lake, account.account_id
    if lake is None or lake.stores is None:
        why = (lake.errors.get("stores") if lake else "") or "cloudtrail:ListEventDataStores was not called"
        return [Result.error(f"Event data stores of account {acct} are unknown: {why.rstrip('.')}.",
                             resource=acct, region="global")]
    if not lake.stores:
        return [Result.not_applicable(f"Account {acct} has no CloudTrail Lake event data store.",
                                      resource=acct, region="global")]
    out = []
    for store in sorted(lake.stores, key=lambda s: s.arn):
        if store.error:
            result = Result.error(store.error)
        else:
            result = judge(account, store)
        out.append(Result(result.status, result.reason, store.arn, store.region))
    return out


def _flag(value: bool | None, store: EventDataStore, yes: str, no: str) -> Result:
    if value is None:
        return Result.error(f"cloudtrail:GetEventDataStore did not report {yes.split(' ')[0]} of event data store "
                            f"{store.name}.")
    return (Result.passed if value else Result.failed)(f"Event data store {store.name} {yes if value else no}.")


@rule("cloudtrail_lake_kms_encryption_enabled", "account")
def lake_kms(account: AccountFacts):
    def judge(_, s):
        if s.kms_key_id is None:
            return Result.error(f"cloudtrail:GetEventDataStore did not report the key of event data store {s.name}.")
        if s.kms_key_id:
            return Result.passed(f"Event data store {s.name} is encrypted with KMS key {s.kms_key_id}.")
        return Result.failed(f"Event data store {s.name} is encrypted with an AWS owned key, not a customer "
                             "managed KMS key.")
    return _each(account, judge)


@rule("cloudtrail_lake_termination_protection_enabled", "account")
def lake_termination(account: AccountFacts):
    return _each(account, lambda _, s: _flag(s.termination_protection, s, "has termination protection on",
                                               "has termination protection off"))


@rule("cloudtrail_lake_retention_sufficient", "account")
def lake_retention(account: AccountFacts):
    def judge(_, s):
        if s.retention_days is None:
            return Result.error(f"cloudtrail:GetEventDataStore did not report the retention of event data store "
                                f"{s.name}.")
        ok = s.retention_days >= MIN_RETENTION_DAYS
        return (Result.passed if ok else Result.failed)(
            f"Event data store {s.name} keeps events {s.retention_days} days (at least {MIN_RETENTION_DAYS} "
            "required).")
    return _each(account, judge)


@rule("cloudtrail_lake_multi_region_enabled", "account")
def lake_multi_region(account: AccountFacts):
    return _each(account, lambda _, s: _flag(s.multi_region, s, "collects events from every region",
                                               "collects events from its own region only"))


@rule("cloudtrail_lake_organization_enabled", "account")
def lake_organization(account: AccountFacts):
    def judge(acct, s):
        if acct.lake.is_management_account is None:
            why = acct.lake.errors.get("organization") or "organizations:DescribeOrganization did not answer"
            return Result.error(f"Whether account {acct.account_id} is the management account is unknown: "
                                f"{why.rstrip('.')}.")
        if not acct.lake.is_management_account:
            return Result.not_applicable(f"Account {acct.account_id} is not the organization's management "
                                         f"account; event data store {s.name} need not be organization-wide.")
        return _flag(s.organization, s, "collects events of the whole organization",
                     "collects events of the management account only")
    return _each(account, judge)


@rule("cloudtrail_lake_ingestion_enabled", "account")
def lake_ingestion(account: AccountFacts):
    def judge(_, s):
        if not s.status:
            return Result.error(f"cloudtrail:GetEventDataStore did not report the status of event data store "
                                f"{s.name}.")
        ok = s.status in ("ENABLED", "STARTING_INGESTION")
        return (Result.passed if ok else Result.failed)(f"Event data store {s.name} status is {s.status}.")
    return _each(account, judge)
