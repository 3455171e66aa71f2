"""AWS Security Finding Format (ASFF): a JSON array of findings for Security Hub ``BatchImportFindings``.

The audit stays read-only: it writes the file, a person or a pipeline imports it (docs/audit.md has the
command and the IAM permission). What the Security Hub documentation asks of a custom integration:
- ``ProductArn`` is the account's default product, ``arn:<partition>:securityhub:<region>:<account>:
  product/<account>/default``, and the caller must be the finding's own account (``AwsAccountId``), so
  every finding names its own account; an organization's file is imported account by account.
- ``Id`` is unique per product and the same on every run, so a re-import updates the finding instead of
  adding one: the control id and the stable hash SARIF uses (control, account, region, resource).
- ``Compliance.Status`` is PASSED, FAILED, WARNING or NOT_AVAILABLE. ERROR (the data could not be read)
  is NOT_AVAILABLE ("could not be performed due to ... an API error") with its reason kept in
  ``Description`` and ``ProductFields``; NOT_APPLICABLE is NOT_AVAILABLE too. A WAIVED finding is FAILED
  with ``Workflow.Status`` SUPPRESSED: the risk is accepted, not fixed.
- PASSED findings carry ``Severity.Label`` INFORMATIONAL ("no issue was found"); the control's severity
  stays in ``Severity.Original``. Severity and Types are repeated in ``FindingProviderFields``, the only
  place a re-import may update them. ``Workflow`` is taken only when a finding is created; later
  imports leave it to Security Hub (which sets it back to NEW when a PASSED finding fails again).
- Lengths: Title 256, Description 1024, Remediation text 512, RelatedRequirements 32 items.
"""
from __future__ import annotations

import json
from typing import Sequence

from checks.model import AuditRun, Finding, Status
from checks.report import TOOL_NAME, ReportOptions
from checks.report.project import homepage
from checks.report.resources import partition
from checks.report.sarif import fingerprint

SCHEMA_VERSION = "2018-10-08"
DEFAULT_REGION = "us-east-1"
COMPLIANCE = {Status.PASS: "PASSED", Status.FAIL: "FAILED", Status.WAIVED: "FAILED",
              Status.ERROR: "NOT_AVAILABLE", Status.NOT_APPLICABLE: "NOT_AVAILABLE"}
WORKFLOW = {Status.PASS: "RESOLVED", Status.FAIL: "NEW", Status.WAIVED: "SUPPRESSED", Status.ERROR: "NEW",
            Status.NOT_APPLICABLE: "RESOLVED"}
CIS_TYPE = "Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark"
BEST_PRACTICE_TYPE = "Software and Configuration Checks/AWS Security Best Practices"


def product_arn(account: str, region: str, aws_partition: str = "aws") -> str:
    return f"arn:{aws_partition}:securityhub:{region}:{account}:product/{account}/default"


def requirements(control) -> list[str]:
    """Framework items in Security Hub's own form, e.g. ``CIS AWS Foundations Benchmark v1.4-5.0/3.1``."""
    out = []
    for ref in getattr(control, "frameworks", ()):
        name = "CIS AWS Foundations Benchmark" if ref.framework == "CIS AWS Foundations" else ref.framework
        out.append(f"{name}{' v' + ref.version if ref.version else ''}/{ref.item}")
    return out[:32]


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _resource(f: Finding, region: str) -> dict:
    rtype = f.resource_type
    rid = f.resource if rtype != "AwsAccount" else f"AWS::::Account:{f.resource or f.account_id}"
    return {"Type": rtype, "Id": rid, "Partition": partition(f, region),
            "Region": f.region or region}


def finding(f: Finding, control, options: ReportOptions, region: str) -> dict:
    when = options.generated_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    observed = f.observed_at.strftime("%Y-%m-%dT%H:%M:%SZ") if f.observed_at else when  # when the facts were read
    aws_partition = partition(f, region)
    title = control.title if control else f.title or f.control_id
    remediation = control.remediation if control else ""
    if control and control.remediation_setting:
        remediation += f" Pulumi setting: {control.remediation_setting}."
    fields = {"trailguard/status": f.status.value, "trailguard/reason": _cut(f.reason, 2048),
              "trailguard/ref": control.ref if control else "", "ProviderName": TOOL_NAME,
              "ProviderVersion": options.version}
    if f.waiver_reason:
        fields["trailguard/waiver_reason"] = _cut(f.waiver_reason, 2048)
    doc = {
        "SchemaVersion": SCHEMA_VERSION,
        "Id": f"{TOOL_NAME}/{f.control_id}/{fingerprint(f)}",
        "ProductArn": product_arn(f.account_id, region, aws_partition),
        "ProductName": TOOL_NAME,
        "CompanyName": TOOL_NAME,
        "GeneratorId": f.control_id,
        "AwsAccountId": f.account_id,
        "Types": [CIS_TYPE if any(r.framework == "CIS AWS Foundations" for r in getattr(control, "frameworks", ()))
                  else BEST_PRACTICE_TYPE],
        "FirstObservedAt": observed,
        "LastObservedAt": observed,
        "CreatedAt": when,
        "UpdatedAt": when,
        "Severity": {"Label": "INFORMATIONAL" if f.status is Status.PASS else f.severity.value.upper(),
                     "Original": f.severity.value},
        "Title": _cut(title, 256),
        "Description": _cut(f.reason or title, 1024),
        "Resources": [_resource(f, region)],
        "Compliance": {"Status": COMPLIANCE[f.status]},
        "Workflow": {"Status": WORKFLOW[f.status]},
        "RecordState": "ACTIVE",
        "ProductFields": fields,
    }
    # BatchImportFindings ignores updates of Severity and Types on a finding that exists; providers
    # update them through FindingProviderFields (API reference, BatchImportFindings).
    doc["FindingProviderFields"] = {"Severity": dict(doc["Severity"]), "Types": list(doc["Types"])}
    reqs = requirements(control)
    if reqs:
        doc["Compliance"]["RelatedRequirements"] = reqs
    if remediation:
        rec = {"Text": _cut(remediation, 512)}
        if homepage():
            rec["Url"] = homepage()
        doc["Remediation"] = {"Recommendation": rec}
    return doc


def build(run: AuditRun, controls: Sequence, options: ReportOptions) -> list[dict]:
    by_id = {c.id: c for c in controls}
    region = options.region or DEFAULT_REGION
    return [finding(f, by_id.get(f.control_id), options, region) for f in run.sorted_findings()]


def render(run: AuditRun, controls: Sequence, options: ReportOptions) -> str:
    return json.dumps(build(run, controls, options), indent=2) + "\n"
