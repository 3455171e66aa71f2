"""The CloudTrail Lake controls CL-01..CL-06: event data stores (ListEventDataStores, GetEventDataStore).

An account with no event data store gets NOT_APPLICABLE for each (Lake is optional); the component can
provision an organization event data store (``trailguard:lake``).
"""
from __future__ import annotations

from checks.catalog import Control, FrameworkRef, register
from checks.model import Severity

_BOTH = frozenset({"live", "stack"})
_GUIDE = FrameworkRef("AWS CloudTrail User Guide", "Lake event data stores")


def _cl(ref, cid, title, severity, rationale, remediation, frameworks=(_GUIDE,)):
    register(Control(id=cid, ref=ref, title=title, severity=severity, rationale=rationale,
                     remediation=remediation, remediation_setting="trailguard:lake", frameworks=tuple(frameworks),
                     targets=_BOTH, family="lake", tags=("lake",)))


_cl("CL-01", "cloudtrail_lake_kms_encryption_enabled",
    "CloudTrail Lake event data stores are encrypted with a customer managed KMS key", Severity.MEDIUM,
    "A customer managed key puts reading the stored events under your key policy and lets you revoke it.",
    "Create the event data store with KmsKeyId (the trailguard component uses the trail's key).",
    (FrameworkRef("AWS Security Hub", "CloudTrail.10"),
     FrameworkRef("AWS Config", "event-data-store-cmk-encryption-enabled")))
_cl("CL-02", "cloudtrail_lake_termination_protection_enabled",
    "CloudTrail Lake event data stores have termination protection on", Severity.MEDIUM,
    "Without termination protection one DeleteEventDataStore call removes the stored events.",
    "UpdateEventDataStore with TerminationProtectionEnabled=true.")
_cl("CL-03", "cloudtrail_lake_retention_sufficient",
    "CloudTrail Lake event data stores keep events for at least 365 days", Severity.MEDIUM,
    "Investigations and audits routinely reach back a year; shorter retention deletes the evidence.",
    "UpdateEventDataStore with RetentionPeriod of 365 days or more.")
_cl("CL-04", "cloudtrail_lake_multi_region_enabled",
    "CloudTrail Lake event data stores collect events from every region", Severity.MEDIUM,
    "A single-region event data store misses activity in every other region.",
    "UpdateEventDataStore with MultiRegionEnabled=true.")
_cl("CL-05", "cloudtrail_lake_organization_enabled",
    "In the management account, CloudTrail Lake event data stores collect the whole organization", Severity.LOW,
    "An event data store of the management account that is not organization-wide misses member accounts.",
    "UpdateEventDataStore with OrganizationEnabled=true (management account or delegated administrator).")
_cl("CL-06", "cloudtrail_lake_ingestion_enabled",
    "CloudTrail Lake event data stores are ingesting events", Severity.HIGH,
    "A store whose ingestion was stopped keeps old events but records nothing new.",
    "StartEventDataStoreIngestion for the store.")
