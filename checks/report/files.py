"""Writing report files atomically: a temporary file in the same folder, then one rename.

A report that cannot be written whole (disk full, permission denied, a killed process) must never leave a
truncated file behind nor destroy the previous report: pipelines diff and upload what they find there.
``os.replace`` is atomic on POSIX and Windows when source and target are on the same file system, which a
sibling temporary file guarantees.

Two kinds of path are not replaced:
- a symbolic link: the file it points to is written (atomically), and the link stays;
- anything that is not a regular file (``/dev/null``, ``/dev/stdout``, a named pipe): a rename would put a
  regular file in place of the device, which for ``/dev/null`` run as root breaks the whole machine. The
  data is written straight through, since no rename can make writing to a device atomic.
"""
from __future__ import annotations

import os
import stat
import tempfile


class ReportWriteError(OSError):
    """The report at ``path`` could not be written; the previous file there, if any, is untouched."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: cannot write the report: {reason}")
        self.path = path
        self.reason = reason


def write_atomic(path: str, data: str | bytes) -> None:
    """Write ``data`` (text is UTF-8) to ``path`` all at once, or not at all (raises ReportWriteError)."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    target = os.path.realpath(path)
    try:
        if _is_special(target):
            with open(target, "wb") as fh:
                fh.write(payload)
            return
    except OSError as exc:
        raise ReportWriteError(path, exc.strerror or str(exc)) from None
    folder = os.path.dirname(target)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        if os.path.exists(target):  # keep the permissions the user gave the previous report
            os.chmod(tmp, os.stat(target).st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise ReportWriteError(path, exc.strerror or str(exc)) from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _is_special(target: str) -> bool:
    """True when ``target`` exists and is not a regular file (a device, a FIFO, a socket)."""
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return False
    return not stat.S_ISREG(mode)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
