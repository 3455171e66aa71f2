"""The monitoring controls CM-01..CM-16 (controls.md §6): a metric filter, an alarm and a confirmed subscriber.

Ids, refs, CIS items and Security Hub ids come from :mod:`checks.cis`, the same specs the component
provisions from, so the catalog, the audit and the stack can never disagree about a filter.
"""
from __future__ import annotations

from checks import cis
from checks.catalog import Control, FrameworkRef, register
from checks.model import Severity

_BOTH = frozenset({"live", "stack"})

# Why each alarm matters: one sentence per filter, keyed by the spec name.
_RATIONALE = {
    "UnauthorizedAPICalls": "Bursts of refused calls reveal credential misuse, privilege probing and broken "
                            "automation early.",
    "NoMFAConsoleSignin": "A console sign-in without MFA means a password alone opened the account.",
    "RootUsage": "The root user bypasses IAM policies and should never be used day to day.",
    "IAMChanges": "Policy changes grant or remove permissions; an attacker's first persistence step.",
    "CloudTrailCfgChanges": "Stopping, deleting or re-pointing a trail blinds every other control.",
    "ConsoleSigninFailures": "Repeated failed sign-ins indicate password guessing.",
    "DisableOrDeleteCMK": "Disabling or deleting a KMS key makes the data encrypted with it unreadable, "
                          "including the trail's own logs.",
    "S3BucketPolicyChanges": "Bucket policy and ACL changes can make data (or the log bucket) public.",
    "AWSConfigChanges": "Stopping the Config recorder hides later configuration drift.",
    "SecurityGroupChanges": "Security group changes can expose hosts to the internet.",
    "NACLChanges": "Network ACL changes can open subnets to unwanted traffic.",
    "NetworkGWChanges": "A new or re-attached gateway can route traffic around inspection.",
    "RouteTableChanges": "Route changes can divert VPC traffic through an attacker-controlled path.",
    "VPCChanges": "VPC and peering changes create new network paths between environments.",
    "OrganizationsChanges": "Organization changes move accounts out of guardrails or change SCPs for all "
                            "accounts.",
    "TrailSelectorChanges": "PutEventSelectors can silently stop recording management events while the "
                            "trail keeps logging; the CIS CloudTrail-changes filter does not count it.",
}


def _frameworks(spec: cis.FilterSpec) -> tuple[FrameworkRef, ...]:
    refs = []
    if spec.cis_item is not None and spec.cis_item <= 14:  # CIS v1.2 3.1-3.14 (what Security Hub CloudWatch.N checks)
        refs.append(FrameworkRef("CIS AWS Foundations", f"3.{spec.cis_item}", "1.2"))
    if spec.cis_item is not None:
        refs.append(FrameworkRef("CIS AWS Foundations", f"4.{spec.cis_item}", "1.4-5.0"))
        refs.append(FrameworkRef("CIS AWS Foundations", f"5.{spec.cis_item}", "6.0+"))
    if spec.security_hub:
        refs.append(FrameworkRef("AWS Security Hub", spec.security_hub))
    if not refs:  # CM-16: no framework item yet; the public precedent for alerting on selector changes
        refs.append(FrameworkRef("elastic/detection-rules", "PR #6442 (PutEventSelectors)"))
    return tuple(refs)


def _remediation(spec: cis.FilterSpec) -> str:
    return (f"Keep the '{spec.name}' metric filter and alarm of the CisMonitoring component (do not list "
            f"it in trailguard:disabledAlarms, keep trailguard:disableCloudWatchLogs false) and confirm at "
            f"least one subscription to the alarm topic (trailguard:alarmSubscriptions).")


for _spec in cis.FILTER_SPECS:
    register(Control(
        id=_spec.control_id,
        ref=_spec.ref,
        title=f"A metric filter and alarm with a confirmed subscriber exist for {_spec.summary}",
        severity=Severity.LOW if _spec.cis_item is None else Severity.MEDIUM,
        rationale=_RATIONALE[_spec.name],
        remediation=_remediation(_spec),
        remediation_setting="trailguard:disabledAlarms",
        frameworks=_frameworks(_spec),
        targets=_BOTH,
        family="monitoring",
        tags=("cis-monitoring", _spec.name),
        # which trail counts (multi-region, logging, all management events) and which regions are audited
        collects=frozenset({"status", "selectors", "regions", "monitoring"}),
    ))
