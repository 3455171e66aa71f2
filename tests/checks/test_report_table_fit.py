"""The terminal table fits the terminal: no line wider than options.width, at every width and run size.

Widths sweep 80 to 160 columns (the common terminal sizes); runs go from one account to 200 (an
organization). Without a width (a file, a pipe) the layout is stable and nothing is wrapped.
"""
from __future__ import annotations

import re

import pytest
from report_sample import A, live_controls, options, sample_run

from checks.model import AuditRun, Finding, Status
from checks.report import render

ANSI = re.compile(r"\033\[[0-9;]*m")


def org_run(n_accounts: int) -> AuditRun:
    controls = live_controls()
    accounts = [f"{100000000000 + i:012d}" for i in range(n_accounts)]
    findings = [Finding(c.id, Status.FAIL if (i + k) % 7 == 0 else Status.PASS, c.severity, a, "us-east-1",
                        f"arn:aws:cloudtrail:us-east-1:{a}:trail/org", f"Trail org in account {a} is checked "
                        f"against {c.id} and the reason runs on for a while, like real reasons do.")
                for i, a in enumerate(accounts) for k, c in enumerate(controls)]
    return AuditRun(findings=findings, accounts=accounts, coverage={a: "organization-trail" for a in accounts})


def one_account() -> AuditRun:
    run = sample_run()
    return AuditRun([f for f in run.findings if f.account_id == A], [A])


RUNS = {"one account": one_account, "three accounts": sample_run, "40 accounts": lambda: org_run(40),
        "200 accounts": lambda: org_run(200)}


CASES = [(w, name, verbose) for w in (80, 100, 120, 160) for name in RUNS for verbose in (False, True)
         if not (verbose and name == "200 accounts" and w != 80)]  # 8,000 rows once is enough


@pytest.mark.parametrize(("width", "name", "verbose"), CASES)
def test_no_line_is_wider_than_the_terminal(width, name, verbose):
    out = render("table", RUNS[name](), live_controls(), options(width=width, verbose=verbose, color=True))
    widest = max(len(ANSI.sub("", line)) for line in out.splitlines())
    assert widest <= width, f"{name} at {width} columns: a line of {widest}"


@pytest.mark.parametrize("width", [80, 120])
def test_many_accounts_get_one_character_cells_with_a_legend(width):
    out = render("table", org_run(200), live_controls(), options(width=width))
    rows = [line for line in out.splitlines() if re.match(r"^\d{12}  [F. ]", line)]
    assert len(rows) == 200
    assert "One character per control: F FAIL" in out and "CT-01" in out


def test_few_accounts_in_a_wide_terminal_are_transposed():
    out = render("table", sample_run(), live_controls(), options(width=160))
    assert re.search(r"^ref\s+control\s+\d{12}\s+\d{12}\s+\d{12}$", out, re.M)
    assert all(c.id in out for c in live_controls())


def test_failing_rows_first_passing_summarised_unless_verbose():
    run = one_account()
    short = render("table", run, live_controls(), options(width=120))
    passing = sum(1 for f in run.findings if f.status is Status.PASS)
    assert f"{passing} PASS" in short and "--verbose" in short
    assert not re.search(r"^PASS\s", short, re.M)
    full = render("table", run, live_controls(), options(width=120, verbose=True))
    assert len(re.findall(r"^PASS\s", full, re.M)) == passing
    lines = full.splitlines()
    first_pass = next(i for i, line in enumerate(lines) if line.startswith("PASS"))
    assert not any(line.startswith(("FAIL", "ERROR")) for line in lines[first_pass:])


def test_without_a_width_nothing_is_wrapped_and_the_layout_is_stable():
    run = sample_run()
    out = render("table", run, live_controls(), options())
    for f in run.findings:
        if f.status not in (Status.PASS, Status.NOT_APPLICABLE):
            assert any(f.reason in line and f.resource in line for line in out.splitlines()), f.reason
    assert out == render("table", sample_run(), live_controls(), options())


# --- markdown: GitHub's comment limit ----------------------------------------------------------------


def test_markdown_of_a_large_org_is_cut_under_githubs_limit_with_a_notice():
    from checks.report.limits import GITHUB_COMMENT_LIMIT, utf16_len

    big = render("markdown", org_run(200), live_controls(), options())
    assert utf16_len(big) <= GITHUB_COMMENT_LIMIT
    assert big.rstrip().endswith("for every finding.") and "**Truncated**" in big
    small = render("markdown", sample_run(), live_controls(), options())
    assert "Truncated" not in small
