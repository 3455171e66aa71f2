"""JUnit XML: CI systems (GitLab, Jenkins, Azure DevOps) show it as a test report.

One <testsuite> per account, one <testcase> per finding: classname = control id, name =
account/region/resource. FAIL -> <failure>, ERROR -> <error>, NOT_APPLICABLE and WAIVED -> <skipped>.
ElementTree does the escaping, so reasons with quotes or ARNs with '&' cannot break the XML. What no
escaping can carry is a character XML 1.0 does not allow at all (section 2.2 "Characters": C0 controls
other than tab, LF, CR, and U+FFFE/U+FFFF): ElementTree writes them raw and every parser rejects the whole
file. A reason quoting an AWS error message may hold one, so they are written visibly as ``\\xNN``.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Sequence

from checks.model import AuditRun, Status
from checks.report import TOOL_NAME, ReportOptions, detail_order, findings_by_account


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _visible(m: re.Match) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _suite(account: str, findings, controls, options: ReportOptions) -> ET.Element:
    remediation = {c.id: c.remediation for c in controls}
    suite = ET.Element("testsuite", name=f"{TOOL_NAME} account {account}")
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for f in detail_order(findings, controls):
        counts["tests"] += 1
        case = ET.SubElement(suite, "testcase", classname=f.control_id,
                             name=f"{f.account_id}/{f.region or 'global'}/{f.resource or f.account_id}")
        if f.status is Status.FAIL:
            counts["failures"] += 1
            el = ET.SubElement(case, "failure", message=f.reason, type=f.severity.value)
            el.text = f"{f.reason}\nRemediation: {remediation.get(f.control_id, 'see the control catalog.')}"
        elif f.status is Status.ERROR:
            counts["errors"] += 1
            el = ET.SubElement(case, "error", message=f.reason, type="collection")
            el.text = f.reason
        elif f.status in (Status.NOT_APPLICABLE, Status.WAIVED):
            counts["skipped"] += 1
            ET.SubElement(case, "skipped", message=f.reason)
    for key, value in counts.items():
        suite.set(key, str(value))
    suite.set("timestamp", options.generated_at.strftime("%Y-%m-%dT%H:%M:%S"))
    return suite


def render(run: AuditRun, controls: Sequence, options: ReportOptions) -> str:
    root = ET.Element("testsuites", name=TOOL_NAME)
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for account, findings in findings_by_account(run).items():
        suite = _suite(account, findings, controls, options)
        root.append(suite)
        for key in totals:
            totals[key] += int(suite.get(key))
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    xml = ET.tostring(root, encoding="unicode")  # markup never holds such a character: only values can
    xml = _NOT_XML.sub(_visible, xml)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + xml + "\n"
