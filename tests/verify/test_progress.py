"""verify's progress on stderr: a bar redrawn in place on a TTY, a few plain lines otherwise, none quiet."""
from __future__ import annotations

import io

from checks.verify.progress import FileProgress, make_file_progress
from checks.verify.run import Progress


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def drive(progress, total=40):
    progress.grow(total // 2)
    for _ in range(total // 2):
        progress.tick()
    progress.grow(total // 2)  # the log files, learnt from the digests
    for _ in range(total // 2):
        progress.tick()
    progress.finish()


def test_progress_bar_on_a_tty_ends_full_on_one_line():
    stream = Tty()
    drive(make_file_progress(stream))
    text = stream.getvalue()
    assert text.count("\n") == 1 and text.endswith("\n")
    assert text.rstrip("\n").rsplit("\r", 1)[1] == "[" + "#" * 30 + "] verified 40/40 digest and log files"


def test_progress_lines_off_a_tty_are_few_and_end_with_the_total():
    stream = io.StringIO()
    drive(make_file_progress(stream))
    lines = stream.getvalue().splitlines()
    assert 2 <= len(lines) <= 25 and "\r" not in stream.getvalue()
    assert lines[-1] == "trailguard: verified 40/40 digest and log files"


def test_progress_quiet_is_silent():
    progress = make_file_progress(Tty(), quiet=True)
    assert type(progress) is Progress and not isinstance(progress, FileProgress)
