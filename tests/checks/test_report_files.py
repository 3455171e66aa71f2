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


def test_write_atomic_writes_into_a_fifo_instead_of_replacing_it(tmp_path):
    """Like /dev/null or /dev/stdout: renaming over a non-regular file would replace the device itself."""
    import stat
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    write_atomic(str(fifo), "report\n")
    reader.join(10)
    assert got == [b"report\n"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]  # no temporary file left

