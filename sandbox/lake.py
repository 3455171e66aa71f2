"""Emulator extension: CloudTrail Lake event data stores (moto 5.2 has none); see trail_history.install.

Semantics kept from the CloudTrail API reference: CreateEventDataStore defaults MultiRegionEnabled,
TerminationProtectionEnabled and StartIngestion to true, OrganizationEnabled to false, RetentionPeriod
to 2557 days (7 years) for the EXTENDABLE_RETENTION_PRICING billing mode, which is the default; the
status is ENABLED when ingestion starts and STOPPED_INGESTION otherwise; ListEventDataStores answers
the summary shape (no KmsKeyId), GetEventDataStore the full one; a store is addressed by ARN or by the
id at the end of it.
"""
from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

SUMMARY = ("EventDataStoreArn", "Name", "TerminationProtectionEnabled", "Status", "AdvancedEventSelectors",
           "MultiRegionEnabled", "OrganizationEnabled", "RetentionPeriod", "CreatedTimestamp", "UpdatedTimestamp")
FULL = ("EventDataStoreArn", "Name", "Status", "AdvancedEventSelectors", "MultiRegionEnabled",
        "OrganizationEnabled", "RetentionPeriod", "TerminationProtectionEnabled", "CreatedTimestamp",
        "UpdatedTimestamp", "KmsKeyId", "BillingMode")
DEFAULT_SELECTORS = [{"Name": "Default management events",
                      "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}]


class StoreError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def stores(account_id: str, region: str) -> dict[str, dict]:
    from moto.cloudtrail.models import cloudtrail_backends

    return cloudtrail_backends[account_id][region].__dict__.setdefault("trailguard_event_data_stores", {})


def _find(account_id: str, region: str, ref: str) -> dict:
    for arn, store in stores(account_id, region).items():
        if ref in (arn, arn.rsplit("/", 1)[-1], store["Name"]):
            return store
    raise StoreError("EventDataStoreNotFoundException", f"The specified event data store {ref} was not found.")


def create(account_id: str, region: str, p: dict) -> dict:
    if any(s["Name"] == p["Name"] for s in stores(account_id, region).values()):
        raise StoreError("EventDataStoreAlreadyExistsException", f"An event data store named {p['Name']} exists.")
    now = dt.datetime.now(dt.timezone.utc).timestamp()
    arn = f"arn:aws:cloudtrail:{region}:{account_id}:eventdatastore/{uuid.uuid4()}"
    store = {
        "EventDataStoreArn": arn, "Name": p["Name"],
        "Status": "ENABLED" if p.get("StartIngestion", True) else "STOPPED_INGESTION",
        "AdvancedEventSelectors": p.get("AdvancedEventSelectors") or DEFAULT_SELECTORS,
        "MultiRegionEnabled": p.get("MultiRegionEnabled", True),
        "OrganizationEnabled": p.get("OrganizationEnabled", False),
        "RetentionPeriod": p.get("RetentionPeriod", 2557),
        "TerminationProtectionEnabled": p.get("TerminationProtectionEnabled", True),
        "CreatedTimestamp": now, "UpdatedTimestamp": now,
        "BillingMode": p.get("BillingMode", "EXTENDABLE_RETENTION_PRICING"),
    }
    if p.get("KmsKeyId"):
        store["KmsKeyId"] = p["KmsKeyId"]
    stores(account_id, region)[arn] = store
    return {k: store[k] for k in FULL if k in store} | ({"TagsList": p["TagsList"]} if p.get("TagsList") else {})


def update(account_id: str, region: str, p: dict) -> dict:
    store = _find(account_id, region, p["EventDataStore"])
    for key in ("Name", "AdvancedEventSelectors", "MultiRegionEnabled", "OrganizationEnabled", "RetentionPeriod",
                "TerminationProtectionEnabled", "KmsKeyId", "BillingMode"):
        if key in p:
            store[key] = p[key]
    store["UpdatedTimestamp"] = dt.datetime.now(dt.timezone.utc).timestamp()
    return {k: store[k] for k in FULL if k in store}


def ingestion(account_id: str, region: str, p: dict, *, start: bool) -> dict:
    store = _find(account_id, region, p["EventDataStore"])
    store["Status"] = "ENABLED" if start else "STOPPED_INGESTION"
    return {}


def listing(account_id: str, region: str, p: dict) -> dict:
    every = sorted(stores(account_id, region).values(), key=lambda s: s["EventDataStoreArn"])
    return {"EventDataStores": [{k: s[k] for k in SUMMARY if k in s} for s in every]}


def get(account_id: str, region: str, p: dict) -> dict:
    store = _find(account_id, region, p["EventDataStore"])
    return {k: store[k] for k in FULL if k in store}


OPERATIONS = {"create_event_data_store": create, "update_event_data_store": update,
              "list_event_data_stores": listing, "get_event_data_store": get,
              "start_event_data_store_ingestion": lambda a, r, p: ingestion(a, r, p, start=True),
              "stop_event_data_store_ingestion": lambda a, r, p: ingestion(a, r, p, start=False)}


def install(response_class) -> None:
    from sandbox.trail_history import _error

    def method(fn):
        def handler(self) -> Any:
            try:
                return json.dumps(fn(self.current_account, self.region, json.loads(self.body or "{}")))
            except StoreError as exc:
                return _error(exc.code, exc.message)
        return handler

    for name, fn in OPERATIONS.items():
        setattr(response_class, name, method(fn))
    register_deployer_handler()


def register_deployer_handler() -> None:
    """The sandbox deployer's handler for pulumi-aws's EventDataStore (its id is the store's ARN)."""
    from sandbox.convert import drop_none, tag_list
    from sandbox.handlers import HANDLERS, _advanced_selector, handles

    if "aws:cloudtrail/eventDataStore:EventDataStore" in HANDLERS:
        return

    @handles("aws:cloudtrail/eventDataStore:EventDataStore")
    def event_data_store(ctx, name: str, p: dict) -> tuple[str, dict]:
        created = ctx.client("cloudtrail").create_event_data_store(**drop_none({
            "Name": p.get("name") or name, "KmsKeyId": p.get("kmsKeyId"),
            "MultiRegionEnabled": p.get("multiRegionEnabled"), "OrganizationEnabled": p.get("organizationEnabled"),
            "RetentionPeriod": p.get("retentionPeriod"),
            "TerminationProtectionEnabled": p.get("terminationProtectionEnabled"),
            "AdvancedEventSelectors": [_advanced_selector(s) for s in p.get("advancedEventSelectors") or []] or None,
            "BillingMode": p.get("billingMode"), "TagsList": tag_list(p.get("tags")),
        }))
        return created["EventDataStoreArn"], {"arn": created["EventDataStoreArn"], "name": created["Name"]}
