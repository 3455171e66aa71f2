"""Hostile or foreign text from AWS in the terminal table: control characters, wide characters.

Control characters: the table never sends one from AWS text to the terminal.

Reasons quote AWS error messages (an ERROR's reason names the API and what it answered) and waiver files;
a terminal executes the ESC sequences it receives (ECMA-48: CSI ``ESC [`` and OSC ``ESC ]`` sequences clear
the screen, move the cursor, set the window title, colour text). So every C0 (U+0000-U+001F, U+007F) and
C1 (U+0080-U+009F) control character in a cell, a note or a coverage label is printed visibly (``\\x1b``),
tab/newline/CR as a space, at every width and without one. The table's own colour codes still come
through on a TTY. Wide characters: a CJK or emoji reason still fits the terminal's width in cells.
"""
from __future__ import annotations

import pytest
from report_sample import A, live_controls, options

from checks.model import AuditRun, Finding, Severity, Status
from checks.report import render

CONTROLS = [chr(c) for c in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0))]
EVIL = "ok\x1b[2J\x1b]0;pwned\x07\x9b31m\r\nFAKE PASS"


def hostile_run() -> AuditRun:
    cid = live_controls()[0].id
    findings = [Finding(cid, Status.ERROR, Severity.HIGH, A, "us-east-1", f"arn:aws:s3:::b{i}",
                        f"GetBucketPolicy said {ch}here") for i, ch in enumerate(CONTROLS)]
    findings.append(Finding(cid, Status.FAIL, Severity.HIGH, A, "us-east-1", "arn:aws:s3:::evil", EVIL))
    return AuditRun(findings, [A, "222222222222"], coverage={A: "own-trail\x1b[8m"},
                    notes=[f"waiver {EVIL} expired"])


@pytest.mark.parametrize("width", [None, 80, 120])
@pytest.mark.parametrize("color", [False, True])
def test_no_control_character_from_aws_reaches_the_terminal(width, color):
    out = render("table", hostile_run(), live_controls(), options(width=width, color=color))
    painted = out.replace("\033[1m", "").replace("\033[0m", "")
    for code in ("31", "35", "36", "32", "2"):
        painted = painted.replace(f"\033[{code}m", "")
    leaked = sorted({hex(ord(c)) for c in painted if c in CONTROLS and c != "\n"})
    assert not leaked, f"raw control characters in the table: {leaked}"
    assert "\\x1b[2J" in out and "\\x1b]0;pwned\\x07" in out and "\\x9b31m" in out
    assert "own-trail\\x1b[8m" in out


def test_whitespace_controls_become_spaces_so_a_row_stays_one_row():
    out = render("table", hostile_run(), live_controls(), options())
    lines = [line for line in out.splitlines() if "arn:aws:s3:::evil" in line]
    assert len(lines) == 1 and lines[0].rstrip().endswith("FAKE PASS")


WIDE = ["标签值不合规" * 12, "🚨 trail stopped 🚨 " * 8, "ﾃｽﾄ全角ＡＢＣ" * 10]


@pytest.mark.parametrize("width", [80, 120])
def test_wide_characters_count_as_two_columns_when_fitting_the_terminal(width):
    """Unicode UAX #11 (East Asian Width): W and F characters, and emoji presentation, take two terminal
    cells. Tag values and names quoted in reasons can be CJK; the width check must count cells, not code
    points (wcwidth.width measures what a terminal draws)."""
    import wcwidth

    cid = live_controls()[0].id
    run = AuditRun([Finding(cid, Status.FAIL, Severity.HIGH, A, "us-east-1", f"arn:aws:s3:::b{i}", f"tag {w}")
                    for i, w in enumerate(WIDE)], [A], notes=[f"waiver for {WIDE[0]} expired"])
    out = render("table", run, live_controls(), options(width=width))
    widest = max(wcwidth.width(line) for line in out.splitlines())
    assert widest <= width, f"a line of {widest} cells at {width} columns"
    assert all(w.split()[0][:3] in out for w in WIDE)
