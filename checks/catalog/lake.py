"""The CloudTrail Lake controls CL-01..CL-06: event data stores (ListEventDataStores, GetEventDataStore).

An account with no event data store gets NOT_APPLICABLE for each (Lake is optional); the component can
provision an organization event data store (``trailguard:lake``).
"""
from __future__ import annotations

from checks.catalog import Control, FrameworkRef, register
from checks.model import Severity

_BOTH = frozenset({"live", "stack"})
_GUIDE = FrameworkRef("AWS CloudTrail User Guide", "Lake event data stores")


def _cl(*, frameworks=(_GUIDE,), **kw) -> Control:
    return register(Control(remediation_setting="trailguard:lake", frameworks=tuple(frameworks), targets=_BOTH,
                            family="lake", tags=("lake",), collects=frozenset({"lake"}), **kw))


_cl(
    ref="CL-01",
    id="cloudtrail_lake_kms_encryption_enabled",
    title="CloudTrail Lake event data stores are encrypted with a customer managed KMS key",
    severity=Severity.MEDIUM,
    rationale="A customer managed key puts reading the stored events under your key policy and lets you revoke it.",
    remediation="Create the event data store with KmsKeyId (the trailguard component uses the trail's key).",
    frameworks=(FrameworkRef("AWS Security Hub", "CloudTrail.10"),
         FrameworkRef("AWS Config", "event-data-store-cmk-encryption-enabled")),
)
_cl(
    ref="CL-02",
    id="cloudtrail_lake_termination_protection_enabled",
    title="CloudTrail Lake event data stores have termination protection on",
    severity=Severity.MEDIUM,
    rationale="Without termination protection one DeleteEventDataStore call removes the stored events.",
    remediation="UpdateEventDataStore with TerminationProtectionEnabled=true.",
)
_cl(
    ref="CL-03",
    id="cloudtrail_lake_retention_sufficient",
    title="CloudTrail Lake event data stores keep events for at least 365 days",
    severity=Severity.MEDIUM,
    rationale="Investigations and audits routinely reach back a year; shorter retention deletes the evidence.",
    remediation="UpdateEventDataStore with RetentionPeriod of 365 days or more.",
)
_cl(
    ref="CL-04",
    id="cloudtrail_lake_multi_region_enabled",
    title="CloudTrail Lake event data stores collect events from every region",
    severity=Severity.MEDIUM,
    rationale="A single-region event data store misses activity in every other region.",
    remediation="UpdateEventDataStore with MultiRegionEnabled=true.",
)
_cl(
    ref="CL-05",
    id="cloudtrail_lake_organization_enabled",
    title="In the management account, CloudTrail Lake event data stores collect the whole organization",
    severity=Severity.LOW,
    rationale="An event data store of the management account that is not organization-wide misses member accounts.",
    remediation="UpdateEventDataStore with OrganizationEnabled=true (management account or delegated administrator).",
)
_cl(
    ref="CL-06",
    id="cloudtrail_lake_ingestion_enabled",
    title="CloudTrail Lake event data stores are ingesting events",
    severity=Severity.HIGH,
    rationale="A store whose ingestion was stopped keeps old events but records nothing new.",
    remediation="StartEventDataStoreIngestion for the store.",
)
