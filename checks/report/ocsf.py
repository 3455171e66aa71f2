"""OCSF 1.5 Compliance Finding events (class_uid 2003): a JSON array, one event per finding.

Security Lake, and SIEMs that speak OCSF, ingest these without a mapping. Choices, by OCSF attribute:
- ``compliance``: ``control`` the control id, ``desc`` its title, ``requirements`` every framework item
  of the catalog (``CIS AWS Foundations v6.0+ 4.1``, ``AWS Security Hub CloudTrail.1``...), ``standards``
  the frameworks (``trailguard catalog`` for a control mapped to none: the schema requires ``standards``),
  ``status_id``/``status``: PASS -> 1 Pass, FAIL and WAIVED -> 3 Fail, ERROR -> 2 Warning ("did not
  yield a result due to missing information", which is what ERROR means), NOT_APPLICABLE -> 99 Other
  with the caption ``Not Applicable``.
- the finding's own ``status_id`` is its workflow state, as in ASFF: New (FAIL, ERROR), Suppressed
  (WAIVED), Resolved (PASS, NOT_APPLICABLE).
- ``severity_id``: low 2, medium 3, high 4, critical 5.
- ``finding_info.uid`` is ``trailguard-`` plus the stable hash SARIF and ASFF use (control, account,
  region, resource): the same finding has the same uid on every run. ``unmapped.trailguard`` repeats the
  readable key and our status, for diffing two runs without decoding hashes (``unmapped`` is OCSF's place
  for source-specific attributes).
- ``cloud`` (the cloud profile): provider AWS, the account (type_id 10, AWS Account) and the region;
  ``cloud.org`` when the run knows its organization id.
- ``resources[]``: the ARN as ``uid``, the ASFF type name as ``type``, ``region`` and ``cloud_partition``.
"""
from __future__ import annotations

import json
from typing import Sequence

from checks.model import AuditRun, Finding, Severity, Status
from checks.report import TOOL_NAME, ReportOptions
from checks.report.project import homepage
from checks.report.resources import partition
from checks.report.sarif import fingerprint

OCSF_VERSION = "1.5.0"
CLASS_UID, CATEGORY_UID, ACTIVITY_CREATE = 2003, 2, 1
SEVERITY_ID = {Severity.LOW: (2, "Low"), Severity.MEDIUM: (3, "Medium"), Severity.HIGH: (4, "High"),
               Severity.CRITICAL: (5, "Critical")}
COMPLIANCE_STATUS = {Status.PASS: (1, "Pass"), Status.FAIL: (3, "Fail"), Status.WAIVED: (3, "Fail"),
                     Status.ERROR: (2, "Warning"), Status.NOT_APPLICABLE: (99, "Not Applicable")}
FINDING_STATUS = {Status.FAIL: (1, "New"), Status.ERROR: (1, "New"), Status.WAIVED: (3, "Suppressed"),
                  Status.PASS: (4, "Resolved"), Status.NOT_APPLICABLE: (4, "Resolved")}
AWS_ACCOUNT_TYPE_ID = 10


def finding_uid(f: Finding) -> str:
    return f"{TOOL_NAME}-{fingerprint(f)}"


def _resource(f: Finding, home_region: str = "") -> dict:
    uid = f.resource or f.account_id
    name = uid.split(":", 5)[-1].split("/")[-1] if f.service else uid  # an ARN's resource name, else the id
    res = {"uid": uid, "name": name, "type": f.resource_type, "cloud_partition": partition(f, home_region)}
    if f.region:
        res["region"] = f.region
    return res


def event(f: Finding, control, options: ReportOptions, org_id: str = "") -> dict:
    ms = int(options.generated_at.timestamp() * 1000)
    sev_id, sev = SEVERITY_ID[f.severity]
    comp_id, comp = COMPLIANCE_STATUS[f.status]
    st_id, st = FINDING_STATUS[f.status]
    refs = list(getattr(control, "frameworks", ()))
    compliance = {"control": f.control_id, "status_id": comp_id, "status": comp}
    if control:
        compliance["desc"] = control.title
    # ``standards`` is the one required attribute of the compliance object: a control the catalog maps to
    # no framework (or a finding of a control not passed in) is measured against trailguard's own catalog
    compliance["standards"] = list(dict.fromkeys(
        f"{r.framework} v{r.version}" if r.version else r.framework for r in refs)) or [f"{TOOL_NAME} catalog"]
    if refs:
        compliance["requirements"] = [r.label() for r in refs]
    product = {"name": TOOL_NAME, "vendor_name": TOOL_NAME, "version": options.version}
    if homepage():
        product["url_string"] = homepage()
    cloud = {"provider": "AWS",
             "account": {"uid": f.account_id, "name": f.account_id, "type_id": AWS_ACCOUNT_TYPE_ID,
                         "type": "AWS Account"}}
    if f.region:
        cloud["region"] = f.region
    if org_id:
        cloud["org"] = {"uid": org_id}
    doc = {
        "category_uid": CATEGORY_UID, "category_name": "Findings",
        "class_uid": CLASS_UID, "class_name": "Compliance Finding",
        "activity_id": ACTIVITY_CREATE, "activity_name": "Create",
        "type_uid": CLASS_UID * 100 + ACTIVITY_CREATE, "type_name": "Compliance Finding: Create",
        "time": ms,
        "severity_id": sev_id, "severity": sev,
        "status_id": st_id, "status": st,
        "message": f.reason,
        "status_detail": f.reason,
        "metadata": {"version": OCSF_VERSION, "product": product, "profiles": ["cloud"],
                     "event_code": f.control_id},
        "finding_info": {"uid": finding_uid(f), "title": control.title if control else f.title or f.control_id,
                         "created_time": ms, "types": [control.family if control else "trailguard"]},
        "compliance": compliance,
        "cloud": cloud,
        "resources": [_resource(f, options.region)],
        "unmapped": {TOOL_NAME: {"finding_key": "|".join((f.control_id, f.account_id, f.region, f.resource)),
                                 "status": f.status.value, "ref": control.ref if control else ""}},
    }
    if control:
        doc["finding_info"]["desc"] = control.rationale
        desc = control.remediation + (f" Pulumi setting: {control.remediation_setting}."
                                      if control.remediation_setting else "")
        doc["remediation"] = {"desc": desc}
    if f.waiver_reason:
        doc["unmapped"][TOOL_NAME]["waiver_reason"] = f.waiver_reason
    return doc


def build(run: AuditRun, controls: Sequence, options: ReportOptions) -> list[dict]:
    by_id = {c.id: c for c in controls}
    org_id = run.organization_id
    return [event(f, by_id.get(f.control_id), options, org_id) for f in run.sorted_findings()]


def render(run: AuditRun, controls: Sequence, options: ReportOptions) -> str:
    return json.dumps(build(run, controls, options), indent=2) + "\n"
