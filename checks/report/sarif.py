"""SARIF 2.1.0 for GitHub code scanning (and any SARIF viewer).

What GitHub needs, and how an AWS finding (which has no source file) satisfies it:
- Every result needs a location with ``physicalLocation.artifactLocation.uri``; one result without it
  makes GitHub reject the whole upload ("locationFromSarifResult: expected at least one location").
  The uri is a virtual, repository-relative path ``aws/<account>/<region|global>/<service>/<resource>``:
  stable across runs (alerts track it) and readable in the alert list. The file need not exist.
- ``properties.security-severity`` on the rule (a number as a string) sets the alert's severity, and only
  when the rule's tags include "security".
- ``partialFingerprints.primaryLocationLineHash`` is how GitHub matches a result across runs; with no
  source line to hash we give it a stable hash of control, account, region and resource.
- GitHub ignores SARIF ``suppressions`` (a suppressed result becomes an open alert), so WAIVED findings
  are left out of ``results`` and only counted in ``runs[0].properties``.
"""
from __future__ import annotations

import hashlib
import json
from typing import Sequence
from urllib.parse import quote

from checks.model import AuditRun, Finding, Severity, Status
from checks.report import TOOL_NAME, ReportOptions
from checks.report.project import homepage

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
# GitHub's bands: >= 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
SECURITY_SEVERITY = {Severity.CRITICAL: "9.5", Severity.HIGH: "8.0", Severity.MEDIUM: "5.5",
                     Severity.LOW: "3.0"}
LEVEL = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning",
         Severity.LOW: "warning"}
FINGERPRINT_KEY = "primaryLocationLineHash"


def _pascal(control_id: str) -> str:
    return "".join(part.capitalize() for part in control_id.split("_"))


def _help(control) -> dict:
    setting = f" Component setting: `{control.remediation_setting}`." if control.remediation_setting else ""
    refs = [f.label() for f in control.frameworks]
    text = f"{control.remediation}{setting}"
    md = f"**Remediation.** {control.remediation}{setting}"
    if refs:
        text += " Frameworks: " + "; ".join(refs) + "."
        md += "\n\n**Frameworks.**\n" + "\n".join(f"- {r}" for r in refs)
    return {"text": text.replace("`", ""), "markdown": md}


def rule(control) -> dict:
    tags = ["security", "aws", "cloudtrail", control.family, control.ref, f"severity/{control.severity.value}"]
    tags += [f.label() for f in control.frameworks] + list(control.tags)
    return {
        "id": control.id,
        "name": _pascal(control.id),
        "shortDescription": {"text": control.title},
        "fullDescription": {"text": control.rationale},
        "help": _help(control),
        "defaultConfiguration": {"level": LEVEL[control.severity]},
        "properties": {
            "security-severity": SECURITY_SEVERITY[control.severity],
            "tags": list(dict.fromkeys(tags)),  # de-duplicated, order kept
            # The predicates read API facts deterministically: no heuristics, hence the top precision.
            "precision": "very-high",
        },
    }


def _stub_rule(control_id: str, severity: Severity) -> dict:
    """A rule for a finding whose control the caller did not pass: every ruleIndex must resolve."""
    return {
        "id": control_id,
        "name": _pascal(control_id),
        "shortDescription": {"text": control_id},
        "fullDescription": {"text": control_id},
        "help": {"text": control_id, "markdown": control_id},
        "defaultConfiguration": {"level": LEVEL[severity]},
        "properties": {"security-severity": SECURITY_SEVERITY[severity], "tags": ["security"],
                       "precision": "very-high"},
    }


def artifact_uri(f: Finding) -> str:
    """``aws/<account>/<region|global>/<service>/<resource path>``; ``.../account`` for account scope."""
    if f.service:
        resource = f.resource.split(":", 5)[-1]
        tail = [f.service, *[p for p in resource.replace(":", "/").split("/") if p]]
    else:
        tail = ["account"]
    segments = ["aws", f.account_id or "unknown-account", f.region or "global", *tail]
    return "/".join(quote(s, safe="-_.~@+=,") for s in segments)


def fingerprint(f: Finding) -> str:
    key = "\x1f".join((f.control_id, f.account_id, f.region, f.resource))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _result(f: Finding, index: int) -> dict:
    if f.status is Status.ERROR:
        # Fail closed, but not "error": the violation is unproven; the message says data is missing.
        level, text = "warning", f"Could not evaluate {f.control_id}: {f.reason}"
    else:
        level, text = LEVEL[f.severity], f.reason
    return {
        "ruleId": f.control_id,
        "ruleIndex": index,
        "level": level,
        "message": {"text": text},
        "locations": [{
            "physicalLocation": {"artifactLocation": {"uri": artifact_uri(f)}, "region": {"startLine": 1}},
            "logicalLocations": [{"fullyQualifiedName": f.resource or f.account_id, "kind": "resource"}],
        }],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(f)},
        "properties": {"account_id": f.account_id, "region": f.region, "resource": f.resource,
                       "status": f.status.value, "severity": f.severity.value},
    }


def build(run: AuditRun, controls: Sequence, options: ReportOptions) -> dict:
    rules = [rule(c) for c in controls]
    index = {c.id: i for i, c in enumerate(controls)}
    results = []
    for f in run.sorted_findings():
        if f.status not in (Status.FAIL, Status.ERROR):
            continue
        if f.control_id not in index:
            index[f.control_id] = len(rules)
            rules.append(_stub_rule(f.control_id, f.severity))
        results.append(_result(f, index[f.control_id]))
    notifications = [{"level": "warning", "message": {"text": n}} for n in run.notes]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": TOOL_NAME, "informationUri": homepage(),
                                "version": options.version, "semanticVersion": options.version,
                                "rules": rules}},
            "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications,
                             "endTimeUtc": options.generated_at.strftime("%Y-%m-%dT%H:%M:%SZ")}],
            "results": results,
            "properties": {"accounts": list(run.accounts),
                           "waived": sum(1 for f in run.findings if f.status is Status.WAIVED)},
        }],
    }


def render(run: AuditRun, controls: Sequence, options: ReportOptions) -> str:
    return json.dumps(build(run, controls, options), indent=2) + "\n"
