"""Atomic file writes: a reader never sees a half-written file.

Each write goes to a temporary file in the target's directory and is moved into place
with :func:`os.replace`, which is atomic on POSIX and Windows for files on one file
system.  An interrupted run leaves either the old file or the new one, never a fragment.

Permissions are those of an ordinary write: a new file gets ``0o666`` minus the user's umask
(not the ``0o600`` of the temporary file), a replaced file keeps its mode.

Examples
--------
>>> import tempfile, os
>>> d = tempfile.mkdtemp()
>>> write_text(os.path.join(d, "a.txt"), "hello")
>>> open(os.path.join(d, "a.txt")).read()
'hello'
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable

__all__ = ["write_text", "write_bytes", "write_with", "current_umask"]


def current_umask() -> int:
    """The process's file-creation mask (read by setting and restoring it).

    Examples
    --------
    >>> 0 <= current_umask() <= 0o777
    True
    """
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _mode(path: str) -> int:
    """The mode a plain ``open(path, "w")`` would leave: the existing file's, else 0o666 minus the umask."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return 0o666 & ~current_umask()


def write_with(path: str, writer: Callable[[str], None]) -> None:
    """Call ``writer(tmp_path)`` to produce the file, then move it to ``path`` atomically (with the
    permissions of an ordinary write, module docstring)."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=os.path.splitext(path)[1], dir=directory)
    os.close(fd)
    try:
        writer(tmp)
        os.chmod(tmp, _mode(path))
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_bytes(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    def w(tmp: str) -> None:
        with open(tmp, "wb") as fh:
            fh.write(data)
    write_with(path, w)


def write_text(path: str, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    write_bytes(path, text.encode("utf-8"))
