"""Writing report files atomically: a temporary file in the same folder, then one rename.

A report that cannot be written whole (disk full, permission denied, a killed process) must never leave a
truncated file behind nor destroy the previous report: pipelines diff and upload what they find there.
``os.replace`` is atomic on POSIX and Windows when source and target are on the same file system, which a
sibling temporary file guarantees.
"""
from __future__ import annotations

import os
import tempfile


class ReportWriteError(OSError):
    """The report at ``path`` could not be written; the previous file there, if any, is untouched."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: cannot write the report: {reason}")
        self.path = path
        self.reason = reason


def write_atomic(path: str, data: str | bytes) -> None:
    """Write ``data`` (text is UTF-8) to ``path`` all at once, or not at all (raises ReportWriteError).

    A path that exists and is not a regular file (``/dev/null``, a FIFO, ``/dev/stdout``) is written to, never
    renamed over: renaming would replace the device itself (run as root, ``--output /dev/null`` turned
    /dev/null into a regular file for the whole machine).
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if _special(path):
        try:
            with open(path, "wb") as fh:
                fh.write(payload)
            return
        except OSError as exc:
            raise ReportWriteError(path, exc.strerror or str(exc)) from None
    folder = os.path.dirname(os.path.abspath(path))
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        if os.path.exists(path):  # keep the permissions the user gave the previous report
            os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        raise ReportWriteError(path, exc.strerror or str(exc)) from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _special(path: str) -> bool:
    import stat

    try:
        return not stat.S_ISREG(os.stat(path).st_mode)  # follows links: /dev/stdout -> /proc/self/fd/1
    except OSError:
        return False  # missing (created below) or unreadable (the write below names the error)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
