"""Progress lines and bar for organization audits (stderr), and nothing under --quiet."""
from __future__ import annotations

import io
import threading

from checks.progress import BarProgress, LineProgress, Progress, as_progress, make_progress


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _run(progress, total, errors=()):
    progress.start(total)
    for i in range(total):
        progress.advance(f"{i:012d}", error=i in errors)
    progress.finish()


def test_plain_stream_gets_a_line_per_tenth_not_per_account():
    out = io.StringIO()
    _run(make_progress(out, total=0), 200, errors={3, 7})
    lines = out.getvalue().splitlines()
    assert lines[0] == "trailguard: auditing 200 accounts"
    assert "trailguard: audited 40/200 accounts, 2 errors" in lines
    assert lines[-1] == "trailguard: audited 200/200 accounts, 2 errors"
    assert len(lines) == 11


def test_plain_stream_also_reports_after_the_interval():
    lines, now = [], [0.0]
    progress = LineProgress(lines.append, interval=5, clock=lambda: now[0])
    progress.start(100)
    progress.advance("a")
    now[0] = 6.0
    progress.advance("b")
    assert lines == ["auditing 100 accounts", "audited 2/100 accounts"]


def test_tty_gets_a_bar_redrawn_in_place():
    out = Tty()
    _run(make_progress(out), 4, errors={0})
    text = out.getvalue()
    assert text.startswith("\r") and text.endswith("\n") and "\n" not in text[:-1]  # one line, redrawn
    final = text.rstrip("\n").split("\r")[-1]
    assert final.startswith("trailguard: auditing") and "4/4 accounts, 1 error" in final
    assert isinstance(make_progress(Tty()), BarProgress)


def test_quiet_prints_nothing():
    out = Tty()
    progress = make_progress(out, quiet=True)
    _run(progress, 3)
    assert out.getvalue() == ""
    assert type(progress) is Progress


def test_counts_are_exact_under_concurrent_advances():
    progress = LineProgress(lambda line: None)
    progress.start(800)
    threads = [threading.Thread(target=lambda: [progress.advance("x", error=True) for _ in range(100)])
               for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert (progress.done, progress.errors) == (800, 800)


def test_a_plain_callable_is_accepted_as_line_progress():
    lines = []
    progress = as_progress(lines.append)
    _run(progress, 1)
    assert lines == ["auditing 1 account", "audited 1/1 accounts"]
