"""HTML report: self-contained and escaped (static checks), then loaded in headless Chromium.

The browser test reads the DOM after the page's script ran (``chromium --headless --dump-dom``) and
compares the summary counts and every matrix cell with the JSON report of the same run; it also checks
that a resource name carrying a ``<script>`` tag stayed text. ``make test`` installs Debian's chromium;
without it the browser tests are skipped locally and fail under CI (CI=true), so CI cannot pass them
silently.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from report_sample import C, HOSTILE, live_controls, options, sample_run

from checks.report import render
from checks.report.html import script_hash

BROWSER = next((shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)
needs_browser = pytest.mark.skipif(BROWSER is None and not os.environ.get("CI"),
                                   reason="no chromium on this machine (make test installs it)")


class Dom(HTMLParser):
    """Elements as (tag, attrs, text) in document order; text is the element's own direct text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[dict] = []
        self._open: list[dict] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        el = {"tag": tag, "attrs": dict(attrs), "text": ""}
        self.elements.append(el)
        if tag not in ("meta", "br", "input", "link", "img"):
            self._open.append(el)

    def handle_endtag(self, tag):
        while self._open and self._open.pop()["tag"] != tag:
            pass

    def handle_data(self, data):
        if self._open:
            self._open[-1]["text"] += data

    def find(self, tag=None, **attrs):
        return [e for e in self.elements if (tag is None or e["tag"] == tag)
                and all(e["attrs"].get(k.replace("_", "-")) == v for k, v in attrs.items())]


def html_run():
    """The sample run plus an ERROR beside a PASS in one cell (account C's first control, another region):
    a cell with several statuses, so the matrix must pick the worst, not the best or the first."""
    from checks.model import Finding, Status

    run = sample_run()
    first = live_controls()[0]
    run.findings.append(Finding(first.id, Status.ERROR, first.severity, C, "eu-west-1",
                                f"arn:aws:cloudtrail:eu-west-1:{C}:trail/other", "GetTrailStatus: AccessDenied"))
    return run


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    run = html_run()
    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_text(render("html", run, live_controls(), options()), encoding="utf-8")
    return run, path, json.loads(render("json", run, live_controls(), options()))


def test_self_contained_no_network_fetch(report):
    html = report[1].read_text()
    assert not re.search(r"""<(link|img|iframe|object|embed)\b|\bsrc=|@import|url\(""", html, re.I)
    assert f"script-src '{script_hash()}'" in html and "default-src 'none'" in html


def test_aws_text_is_escaped(report):
    html = report[1].read_text()
    assert "<script>document.body" not in html
    assert "&lt;script&gt;document.body" in html
    assert len(re.findall(r"<script\b", html)) == 1


def _chromium(url: str) -> Dom:
    if BROWSER is None:
        pytest.fail("chromium is not installed; `make test` installs it (apt-get install chromium)")
    proc = subprocess.run([BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                           "--no-first-run", "--virtual-time-budget=2000", "--dump-dom", url],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and "<html" in proc.stdout, proc.stderr[-2000:]
    return Dom(proc.stdout)


@pytest.fixture(scope="module")
def dom(report):
    return _chromium(report[1].as_uri())


@needs_browser
def test_browser_ran_the_page_script_and_only_it(dom):
    body = dom.find("body")[0]["attrs"]
    assert body.get("data-filters") == "ready"  # the CSP hash matches: the filter script ran
    assert "data-pwned" not in body  # the script in the resource name did not
    assert len(dom.find("script")) == 1
    assert any(HOSTILE in e["text"] for e in dom.find("code", **{"class": "resource"}))


@needs_browser
def test_browser_summary_counts_match_the_json(report, dom):
    summary = report[2]["summary"]
    table = [e for e in dom.find("td") if e["attrs"].get("data-status") and e["attrs"].get("class") == "num"]
    by_status = {e["attrs"]["data-status"]: int(e["text"]) for e in table[:5]}
    assert by_status == summary["by_status"]
    verdict = dom.find(id="verdict")[0]
    assert int(verdict["attrs"]["data-failing"]) == summary["failing"]


# docs/audit.md: "worst status first", FAIL before ERROR before WAIVED before PASS before NOT_APPLICABLE;
# matrix cells read FAIL, ERR, WVD, PASS, N/A and "-" for no finding. Written here, not imported: the
# expectation must not come from the code under test (with matrix_cell's own answer, a matrix showing
# the best status instead of the worst passed).
WORST_FIRST = ("FAIL", "ERROR", "WAIVED", "PASS", "NOT_APPLICABLE")
LABEL = {"FAIL": "FAIL", "ERROR": "ERR", "WAIVED": "WVD", "PASS": "PASS", "NOT_APPLICABLE": "N/A"}


@needs_browser
def test_browser_matrix_cells_match_the_json(report, dom):
    findings = report[2]["findings"]
    cells = [e for e in dom.find("td") if "cell" in e["attrs"].get("class", "")]
    rows = [e["attrs"]["data-account"] for e in dom.find("tr") if e["attrs"].get("data-account")]
    accounts = list(dict.fromkeys(rows))
    controls = [e["attrs"]["data-control"] for e in dom.find("th") if "col" in e["attrs"].get("class", "")]
    assert len(cells) == len(accounts) * len(controls)
    mixed = 0
    for i, cell in enumerate(cells):
        account, control = accounts[i // len(controls)], controls[i % len(controls)]
        assert cell["attrs"]["data-control"] == control
        statuses = {f["status"] for f in findings if f["account_id"] == account and f["control_id"] == control}
        mixed += len(statuses) > 1
        worst = min(statuses, key=WORST_FIRST.index) if statuses else None
        assert (cell["text"], cell["attrs"]["data-status"]) == ((LABEL[worst], worst) if worst else ("-", "NONE"))
    assert mixed  # some cell has several statuses, so worst-versus-best is really tested


@needs_browser
def test_browser_filters_from_the_url(report):
    dom = _chromium(report[1].as_uri() + "#status=FAIL&account=222222222222")
    shown = [e for e in dom.find("details") if "hidden" not in e["attrs"]]
    expected = [f for f in report[2]["findings"] if f["status"] == "FAIL" and f["account_id"] == "222222222222"]
    assert shown and len(shown) == len(expected)
    assert dom.find(id="shown")[0]["text"] == str(len(expected))
