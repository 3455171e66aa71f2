"""The history controls CH-01..CH-02: what happened in the window, not only how things are configured.

Both judge CloudTrail event history (LookupEvents, the last 1-90 days, ``--history-days``); with
``--history-days off`` they are not run. Live only: a Pulumi plan has no history.
"""
from __future__ import annotations

from checks.catalog import Control, FrameworkRef, register
from checks.model import Severity

_LIVE = frozenset({"live"})
_ATTACK = FrameworkRef("MITRE ATT&CK", "T1562.008 Impair Defenses: Disable or Modify Cloud Logs")

register(Control(
    id="cloudtrail_logging_continuous", ref="CH-01",
    collects=frozenset({"status", "selectors", "regions", "history"}),
    title="Every enabled region was recorded by a logging trail with all management events throughout the window",
    severity=Severity.HIGH,
    rationale="Stopping a trail, narrowing its selectors or making it single-region, then putting it back, "
              "leaves a trail that looks healthy now but was blind for hours; only the event history shows it.",
    remediation="Find who opened each gap (the finding names the event, principal and source IP), restrict "
                "cloudtrail:StopLogging/DeleteTrail/UpdateTrail/PutEventSelectors with an SCP, and keep the "
                "CisMonitoring CloudTrailCfgChanges and TrailSelectorChanges alarms subscribed.",
    remediation_setting="",
    frameworks=(_ATTACK, FrameworkRef("CIS AWS Foundations", "4.5 (CloudTrail configuration changes monitored)",
                                      "1.4-5.0")),
    targets=_LIVE, family="history", tags=("history",),
))

register(Control(
    id="cloudtrail_audit_resources_untampered", ref="CH-02",
    collects=frozenset({"status", "selectors", "regions", "monitoring", "history", "bucket:logging"}),
    title="No event in the window weakened the audit trail's bucket, key, log group, alarms or Organizations access",
    severity=Severity.HIGH,
    rationale="Changing the log bucket's policy, disabling the key, deleting the log group or its alarms, or "
              "turning off CloudTrail's trusted access in Organizations blinds or exposes the audit trail "
              "without touching the trail itself.",
    remediation="Review each event (who, when, what), restore the resource's setting from the stack "
                "(pulumi up), and name the stack's deployer role with --deployer-role so its own changes are "
                "reported as INFO.",
    remediation_setting="",
    frameworks=(_ATTACK, FrameworkRef("CIS AWS Foundations", "4.7-4.8 (CMK and S3 bucket policy changes monitored)",
                                      "1.4-5.0")),
    targets=_LIVE, family="history", tags=("history",),
))
