"""Markdown: text from AWS in a table cell is never raw HTML, and reads back as the original.

GitHub Flavored Markdown spec, 6.6 "Raw HTML": an open tag, closing tag or HTML comment in inline text is
passed through as HTML; GitHub then sanitises it (drops tags it does not allow, keeps e.g. <b>, <a>,
<img>). So a resource or reason holding '<b>' or '<!--' would render as markup or hide text. Spec 6.1
("Backslash escapes") and 2.5 ("Entity and numeric character references"): '&lt;' renders as '<', so the
cell shows the real name.
"""
from __future__ import annotations

import html

from report_sample import A, live_controls, options

from checks.model import AuditRun, Finding, Severity, Status
from checks.report import render

NAMES = ["<b>bold</b>", "a<!-- hidden", "<img src=x onerror=alert(1)>", "x&amp;y", "<script>t</script>|p"]


def test_aws_text_in_markdown_cells_is_inert_and_reads_back():
    cid = live_controls()[0].id
    run = AuditRun([Finding(cid, Status.FAIL, Severity.HIGH, A, "us-east-1", f"arn:aws:s3:::{n}", f"why {n}")
                    for n in NAMES], [A])
    md = render("markdown", run, live_controls(), options())
    rows = [line for line in md.splitlines() if line.startswith("| ❌ FAIL")]
    assert len(rows) == len(NAMES)
    for row in rows:
        assert "<" not in row and ">" not in row, row
        cells = [c.strip() for c in row.strip("|").replace("\\|", "\x00").split("|")]
        resource = html.unescape(cells[4].replace("\x00", "|")).replace("\\\\", "\\")
        assert resource.removeprefix("arn:aws:s3:::") in NAMES
    assert sorted(html.unescape(r.replace("\\|", "|")).split(" | ")[4].removeprefix("arn:aws:s3:::")
                  for r in rows) == sorted(NAMES)
