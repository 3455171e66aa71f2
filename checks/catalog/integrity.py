"""CT-06, the integrity control: judged by ``trailguard verify`` on the digest chain, not by ``audit``.

Its target is ``verify``: the audit (``live``) and the policy pack (``stack``) never select it, because
proving log files intact means reading every digest and log file of a time window, which only the
``verify`` subcommand does.
"""
from __future__ import annotations

from checks.catalog import Control, FrameworkRef, register
from checks.model import Severity

register(Control(
    id="cloudtrail_log_files_integrity_verified",
    pass_when=("every digest in the window is CloudTrail-signed at its original location with an unbroken chain, "
        "every log file it lists matches its SHA-256, every log file is listed"),
    setting_note="(`trailguard verify`)",
    ref="CT-06",
    title="Log files and digests verify against CloudTrail's signed digest chain",
    severity=Severity.HIGH,
    rationale="Log file validation (CT-05) only makes CloudTrail write signed digests; a modified or deleted "
              "log file, or a deleted digest, goes unnoticed until someone validates the chain.",
    remediation="Run `trailguard verify` on a schedule; investigate each modified, deleted or uncovered file "
                "named in the report, and protect the bucket from deletion (CT-11, Object Lock).",
    remediation_setting="",
    frameworks=(FrameworkRef("NIST SP 800-53", "AU-9(3)", "5"),
                FrameworkRef("PCI DSS", "10.3.4", "4.0")),
    targets=frozenset({"verify"}),
    family="integrity",
))
