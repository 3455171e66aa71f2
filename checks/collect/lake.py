"""ListEventDataStores / GetEventDataStore -> LakeFacts, in the audit's first region.

Event data stores are regional resources (a multi-region store still lives in one home region); the
collector lists them in every enabled region (cloudtrail:ListEventDataStores, paginated) and reads each
one (cloudtrail:GetEventDataStore: the list answer has no KmsKeyId). Whether the account is the
organization's management account comes from organizations:DescribeOrganization, asked only when a
store exists; AWSOrganizationsNotInUseException is a definite "no".
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from checks.collect.clients import CALL_ERRORS, Clients, error_code, failure
from checks.lake import EventDataStore, LakeFacts

if TYPE_CHECKING:  # pragma: no cover
    from checks.facts import AccountFacts


def _store(client, summary: dict, region: str) -> EventDataStore:
    arn = summary["EventDataStoreArn"]
    try:
        got = client.get_event_data_store(EventDataStore=arn)
    except CALL_ERRORS as exc:
        return EventDataStore(arn=arn, name=summary.get("Name", ""), region=region, status=summary.get("Status"),
                              error=failure("cloudtrail:GetEventDataStore", f"event data store {arn}", exc))
    return EventDataStore(arn=arn, name=got.get("Name", ""), region=region, status=got.get("Status"),
                          kms_key_id=got.get("KmsKeyId", ""),
                          termination_protection=got.get("TerminationProtectionEnabled"),
                          retention_days=got.get("RetentionPeriod"), multi_region=got.get("MultiRegionEnabled"),
                          organization=got.get("OrganizationEnabled"))


def _list(client) -> list[dict]:
    """ListEventDataStores has NextToken but no botocore paginator."""
    summaries, token = [], None
    while True:
        page = client.list_event_data_stores(**({"NextToken": token} if token else {}))
        summaries.extend(page.get("EventDataStores", []))
        token = page.get("NextToken")
        if not token:
            return summaries


def collect_lake(session, facts: "AccountFacts") -> None:
    clients = Clients(session)
    lake = LakeFacts(stores=[])
    for region in sorted(facts.enabled_regions or (clients.region,)):
        client = clients.get("cloudtrail", region)
        try:
            summaries = _list(client)
        except CALL_ERRORS as exc:
            lake.stores = None
            lake.errors["stores"] = failure("cloudtrail:ListEventDataStores", f"region {region}", exc)
            break
        lake.stores.extend(_store(client, s, region) for s in summaries
                           if s.get("EventDataStoreArn", "").split(":")[3:4] in ([region], []))
    if lake.stores:
        try:
            org = clients.get("organizations").describe_organization()["Organization"]
            lake.is_management_account = org.get("MasterAccountId") == facts.account_id
        except CALL_ERRORS as exc:
            if error_code(exc) == "AWSOrganizationsNotInUseException":
                lake.is_management_account = False
            else:
                lake.errors["organization"] = failure("organizations:DescribeOrganization",
                                                      f"account {facts.account_id}", exc)
    facts.lake = lake
