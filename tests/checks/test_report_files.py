"""Reports are written atomically: the previous report survives a failed write (issue 12, item 6)."""
from __future__ import annotations

import os

import pytest

from checks.report import files
from checks.report.files import ReportWriteError, write_atomic


def test_write_atomic_writes_utf8_text(tmp_path):
    target = tmp_path / "r.md"
    write_atomic(str(target), "é ok\n")
    assert target.read_bytes() == "é ok\n".encode("utf-8")


def test_write_atomic_failure_keeps_previous_report_and_leaves_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "report.json"
    target.write_text("previous")

    monkeypatch.setattr(files.os, "fdopen", lambda fd, mode: _Failing(fd))
    with pytest.raises(ReportWriteError) as err:
        write_atomic(str(target), "new report")
    assert err.value.path == str(target)
    assert "No space left on device" in err.value.reason
    assert target.read_text() == "previous"
    assert sorted(os.listdir(tmp_path)) == ["report.json"]


def test_write_atomic_missing_folder_names_path(tmp_path):
    target = tmp_path / "nope" / "r.json"
    with pytest.raises(ReportWriteError) as err:
        write_atomic(str(target), "x")
    assert str(target) in str(err.value)


def test_write_atomic_keeps_mode_of_previous_report(tmp_path):
    target = tmp_path / "r.txt"
    target.write_text("old")
    os.chmod(target, 0o640)
    write_atomic(str(target), "new")
    assert target.read_text() == "new"
    assert os.stat(target).st_mode & 0o777 == 0o640


def test_write_atomic_writes_through_a_fifo_instead_of_replacing_it(tmp_path):
    """`--output /dev/null` as root replaced the device with a regular file (os.replace renames over
    anything). A FIFO stands in for the device here: it must stay a FIFO and receive the report."""
    import stat
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    write_atomic(str(fifo), "report")
    reader.join(timeout=10)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and got == [b"report"]


def test_write_atomic_through_a_symlink_replaces_the_target_and_keeps_the_link(tmp_path):
    target = tmp_path / "reports" / "latest.json"
    target.parent.mkdir()
    target.write_text("old")
    link = tmp_path / "report.json"
    link.symlink_to(target)
    write_atomic(str(link), "new")
    assert link.is_symlink() and target.read_text() == "new"


class _Failing:
    def __init__(self, fd):
        self.fd = fd

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        os.close(self.fd)
        return False

    def write(self, data):
        raise OSError(28, "No space left on device")


def test_write_atomic_to_dev_null_leaves_a_character_device():
    import stat

    write_atomic(os.devnull, "discarded")
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
