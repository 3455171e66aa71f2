"""Pulumi props of aws:cloudtrail/eventDataStore:EventDataStore -> LakeFacts, for the Lake policies (CL-01..06).

pulumi-aws defaults when a prop is absent (its EventDataStore docs): multiRegionEnabled true,
organizationEnabled false, retentionPeriod 2557, terminationProtectionEnabled true; ``suspend`` true means
ingestion stopped. A stack with no event data store gives ``stores == []``: every Lake policy is then not
applicable with the reason "has no CloudTrail Lake event data store", so opting out stays visible.
"""
from __future__ import annotations

from checks.lake import EventDataStore, LakeFacts

from .props import UNKNOWN

EDS_TYPE = "aws:cloudtrail/eventDataStore:EventDataStore"
TRAIL_TYPE = "aws:cloudtrail/trail:Trail"


def _value(value, default):
    if value is UNKNOWN:
        return None  # unknown at preview: the rule says ERROR, the policy not applicable
    return default if value is None else value


def add_lake(builder) -> None:
    """Fill ``builder.view.account.lake`` from the stack's event data stores (builder: stack_adapter._Builder)."""
    stores = []
    for res in builder.of(EDS_TYPE):
        arn = builder.arn(res, "cloudtrail", f"eventdatastore/{res.name}")
        key = builder.ref(res, "kmsKeyId", "key")
        suspend = _value(res.get("suspend"), False)
        stores.append(EventDataStore(
            arn=arn, name=_value(res.get("name"), res.name) or res.name, region=builder.p.region,
            status=None if suspend is None else ("STOPPED_INGESTION" if suspend else "ENABLED"),
            kms_key_id=None if key is UNKNOWN else (key or ""),
            termination_protection=_value(res.get("terminationProtectionEnabled"), True),
            retention_days=_value(res.get("retentionPeriod"), 2557),
            multi_region=_value(res.get("multiRegionEnabled"), True),
            organization=_value(res.get("organizationEnabled"), False)))
        builder.view.urns[arn] = res.urn
    organization_trail = any(r.get("isOrganizationTrail") is True for r in builder.of(TRAIL_TYPE))
    builder.view.account.lake = LakeFacts(
        stores=stores, is_management_account=organization_trail or builder.p.expect_organization_trail)
