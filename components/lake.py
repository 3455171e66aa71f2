"""OrganizationLake: an optional CloudTrail Lake event data store for the organization (``trailguard:lake``).

Off by default (Lake is billed per GB ingested and stored). When on, the store is organization-wide (in
the management account) and multi-region, records every management event, is encrypted with the
trail's KMS key, has termination protection on and keeps events ``trailguard:lakeRetentionDays`` days
(365 by default). Each default is one of the Lake controls (CL-01..CL-06); leaving ``trailguard:lake``
off shows as NOT_APPLICABLE in the audit and the pack ("no event data store"), never as a silent pass.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.event_selectors import build_selectors
from components.lake_documents import key_policy_statement  # noqa: F401  (re-exported: one home for the statement)

MIN_RETENTION_DAYS, MAX_RETENTION_DAYS = 7, 3653  # CreateEventDataStore, extendable retention pricing
# The trail's "management-all" selector; an event data store takes the same selector shape as a trail.
MANAGEMENT_EVENTS = build_selectors(["management-all"], partition="aws", excluded_buckets=[])


@dataclass
class OrganizationLakeArgs:
    name: str
    kms_key_arn: pulumi.Input[str]
    organization: bool = True  # organization-wide (CL-05); False for a single-account stack
    retention_days: int = 365  # CL-03
    tags: dict = field(default_factory=dict)
    protect: bool = True


class OrganizationLake(pulumi.ComponentResource):
    def __init__(self, name: str, args: OrganizationLakeArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("trailguard:index:OrganizationLake", name, None, opts)
        self.event_data_store = aws.cloudtrail.EventDataStore(
            f"{name}-event-data-store",
            name=args.name,
            kms_key_id=args.kms_key_arn,  # CL-01 / Security Hub CloudTrail.10
            multi_region_enabled=True,  # CL-04
            organization_enabled=args.organization,  # CL-05
            retention_period=args.retention_days,  # CL-03
            termination_protection_enabled=True,  # CL-02: DeleteEventDataStore is refused while on
            advanced_event_selectors=MANAGEMENT_EVENTS,
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        self.arn = self.event_data_store.arn
        self.register_outputs({"eventDataStoreArn": self.event_data_store.arn})
