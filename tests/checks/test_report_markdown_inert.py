"""Markdown output keeps AWS-controlled text inert: names of trails, buckets or selectors (any string an
account owner can choose) can't inject HTML, links, images, code spans or @mentions into a PR comment."""
from __future__ import annotations

import pytest

from checks.catalog import get
from checks.model import AuditRun, Finding, Severity, Status
from checks.report import ReportOptions, render

CONTROL = get("cloudtrail_s3_write_data_events_enabled")
HOSTILE = [
    ("<img src=x onerror=alert(1)>", "<img", "&lt;img src=x onerror=alert(1)&gt;"),
    ("[click me](https://evil.example/x)", "[click me](", "\\[click me\\](https://evil.example/x)"),
    ("![pixel](https://evil.example/p.png)", "![pixel]", "!\\[pixel\\]"),
    ("cc @octocat and @org/team", "@octocat", "@\u200boctocat"),
    ("`rm -rf` **bold** ~~gone~~", "`rm -rf`", "\\`rm -rf\\` \\*\\*bold\\*\\* \\~\\~gone\\~\\~"),
    ("a | b\nc", "a | b", "a \\| b c"),
]


@pytest.mark.parametrize("hostile, raw, escaped", HOSTILE)
def test_markdown_renders_aws_controlled_text_inert(hostile, raw, escaped):
    finding = Finding(CONTROL.id, Status.FAIL, Severity.HIGH, "123456789012", "global",
                      f"arn:aws:cloudtrail:us-east-1:123456789012:trail/{hostile}", f"Selector {hostile} narrows.",
                      title=CONTROL.title)
    run = AuditRun([finding], ["123456789012"], notes=[f"note about {hostile}"])
    md = render("markdown", run, [CONTROL], ReportOptions(fail_on=Severity.LOW))
    detail = md.split("### Account", 1)[1]
    assert raw not in detail and raw not in md.split("### Account", 1)[0].split("> **Note:**", 1)[1]
    assert escaped in detail
    assert f"`{CONTROL.id}`" in detail  # our own Markdown (the control id as code) is kept
