r"""Output folders: one writer at a time, and a folder that is always the old run or the new one.

:class:`OutputFolder` is how ``contract-theory report`` writes ``--out`` (issue 27 item 5, issue 29
item 3):

* **One writer.**  A lock file, ``OUT/.contract-theory.lock``, is locked (``fcntl.flock``, released
  by the kernel when the process ends, even by SIGKILL) for the whole run; a second writer into
  the same folder gets a :class:`~contract_theory.errors.ParameterError` naming the process that
  holds it.  Where ``fcntl`` is missing the lock is an exclusively created file holding the pid,
  taken over when that process is gone.
* **Old or new, never both.**  Everything is written into a sibling temporary folder
  ``.OUT.tmp-XXXX`` (same parent, so same file system), which replaces ``OUT`` at the end in one
  step: ``renameat2(RENAME_EXCHANGE)`` swaps the two folders atomically (Linux); elsewhere two
  renames, with the old folder kept as ``.OUT.old-XXXX`` until the new one is in place (a run
  killed between the two renames leaves ``OUT`` missing and the old folder beside it, which the
  next run puts back).  A reader of ``OUT`` -- a person, a browser, a script -- therefore sees
  the complete previous report or the complete new one, never report files of one run beside
  plots of another.  Why a swap rather than a manifest: nothing reading the folder has to know
  about a manifest to get a consistent view.  Each folder still carries a small manifest,
  ``OUT/.contract-theory-run.json`` (the run's start time, pid and command), which also marks the
  folder as one this tool may replace.
* **No temporaries left behind.**  The temporary folder is removed on every exit path (success,
  error, Ctrl-C, ``SystemExit``, SIGTERM, which is turned into ``SystemExit`` while the folder is
  open); after a SIGKILL the next run into ``OUT`` removes the stale ``.OUT.tmp-*`` and
  ``.OUT.old-*`` siblings (it holds the lock, so no other writer owns them).
* **Safety.**  ``OUT`` may be missing, empty, or a folder written by this tool (it has the manifest,
  or ``report.json`` and ``report.md`` from a version before the manifest); anything else -- a file,
  a folder of other files -- is refused rather than replaced.

Hidden entries (``.contract-theory.lock``, ``.contract-theory-run.json``, ``.contract-theory/``:
state kept for resuming an interrupted run) are the tool's own; the report is the rest.

Examples
--------
>>> import tempfile, os
>>> parent = tempfile.mkdtemp()
>>> out = os.path.join(parent, "rep")
>>> with OutputFolder(out) as work:
...     with open(os.path.join(work, "a.txt"), "w") as fh:
...         _ = fh.write("new")
>>> sorted(n for n in os.listdir(out) if not n.startswith("."))
['a.txt']
>>> sorted(os.listdir(parent))
['rep']
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from types import FrameType
from typing import Any

from contract_theory.errors import ParameterError
from contract_theory.util.atomic import current_umask

__all__ = ["OutputFolder", "exchange_folders", "LOCK_NAME", "MANIFEST_NAME", "STATE_NAME"]

#: The lock file inside an output folder.
LOCK_NAME = ".contract-theory.lock"
#: The manifest naming the run that wrote the folder.
MANIFEST_NAME = ".contract-theory-run.json"
#: A folder inside the output folder for state kept between runs (resume checkpoints).
STATE_NAME = ".contract-theory"

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _renameat2() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    return fn


def exchange_folders(a: str, b: str) -> bool:
    """Swap the folders ``a`` and ``b`` in one atomic step; ``False`` when the system cannot
    (not Linux, an old kernel or C library, a file system without ``RENAME_EXCHANGE``).

    Examples
    --------
    >>> import tempfile, os
    >>> d = tempfile.mkdtemp()
    >>> for n in ("a", "b"):
    ...     os.mkdir(os.path.join(d, n)); open(os.path.join(d, n, n), "w").close()
    >>> exchange_folders(os.path.join(d, "a"), os.path.join(d, "b")) and os.listdir(os.path.join(d, "a")) == ["b"]
    True
    """
    fn = _renameat2()
    if fn is None:
        return False
    return fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0


class _Lock:
    """An exclusive, non-blocking lock on one file (``fcntl.flock``; pid file where fcntl is missing)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.fd: int | None = None

    def acquire(self, folder: str) -> None:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            self._acquire_pid_file(folder)
            return
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.read(fd, 4096).decode("utf-8", "replace").strip()
            os.close(fd)
            raise ParameterError(_busy(folder, holder)) from None
        os.ftruncate(fd, 0)
        os.write(fd, _holder().encode())
        self.fd = fd

    def _acquire_pid_file(self, folder: str) -> None:  # pragma: no cover - Windows
        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o666)
            except FileExistsError:
                with open(self.path, encoding="utf-8", errors="replace") as fh:
                    holder = fh.read().strip()
                if _alive(holder):
                    raise ParameterError(_busy(folder, holder)) from None
                os.unlink(self.path)  # its process is gone: take the lock over
                continue
            os.write(fd, _holder().encode())
            self.fd = fd
            return
        raise ParameterError(_busy(folder, ""))

    def release(self) -> None:
        if self.fd is None:
            return
        os.close(self.fd)  # closing the descriptor releases the flock
        self.fd = None
        if "fcntl" not in sys.modules:  # pragma: no cover - the pid-file lock is removed
            os.unlink(self.path)


def _holder() -> str:
    return f"pid {os.getpid()}, started {time.strftime('%Y-%m-%d %H:%M:%S')}"


def _alive(holder: str) -> bool:  # pragma: no cover - Windows
    try:
        pid = int(holder.split(",")[0].split()[1])
        os.kill(pid, 0)
    except (IndexError, ValueError, OSError):
        return False
    return True


def _busy(folder: str, holder: str) -> str:
    who = f" ({holder})" if holder else ""
    return (f"another contract-theory run{who} is writing into {folder!r}; wait for it to finish or choose "
            "another --out")


class OutputFolder:
    """Write a folder as one unit (module docstring): ``with OutputFolder(out) as work:`` write into
    ``work``; on a normal exit ``work`` replaces ``out``; on any other exit ``out`` is unchanged and
    ``work`` is removed.

    ``command`` is recorded in the manifest.  :attr:`state` is ``out/.contract-theory`` (created),
    a place for state that must survive an interrupted run (it lives in the old folder and goes
    away with it when a run completes).
    """

    def __init__(self, path: str, *, command: str = "") -> None:
        if not isinstance(path, str) or not path:
            raise ParameterError(f"an output folder must be a non-empty path, got {path!r}")
        self.path = os.path.realpath(path)  # a symlink to a folder: the folder it names is replaced
        self.command = command
        self.parent, self.name = os.path.split(self.path)
        self.work: str | None = None
        self._locks: list[_Lock] = []
        self._term: Any = None
        self._hook: Any = sys.unraisablehook

    @property
    def state(self) -> str:
        """``out/.contract-theory``: kept across interrupted runs, replaced with the folder on success."""
        return os.path.join(self.path, STATE_NAME)

    def __enter__(self) -> str:
        self._restore_old()
        self._check_replaceable()
        os.makedirs(self.path, exist_ok=True)
        lock = _Lock(os.path.join(self.path, LOCK_NAME))
        lock.acquire(self.path)
        self._locks.append(lock)
        try:
            self._remove_stale()
            os.makedirs(self.state, exist_ok=True)
            self._trap_sigterm()  # before the temporary folder exists: SIGTERM cannot leave it behind
            self.work = tempfile.mkdtemp(prefix=f".{self.name}.tmp-", dir=self.parent)
            os.chmod(self.work, 0o777 & ~current_umask())
        except BaseException:
            self._close()
            raise
        return self.work

    def __exit__(self, kind: Any, exc: Any, tb: Any) -> None:
        try:
            if kind is None:
                self._commit()
        finally:
            self._close()

    # ------------------------------------------------------------------ steps
    def _check_replaceable(self) -> None:
        if os.path.lexists(self.path) and not os.path.isdir(self.path):
            raise ParameterError(f"--out {self.path!r} is a file, not a folder; give a folder for the report")
        if not os.path.isdir(self.path):
            if not os.path.isdir(self.parent or "."):
                os.makedirs(self.parent, exist_ok=True)
            return
        entries = set(os.listdir(self.path))
        ours = MANIFEST_NAME in entries or {"report.json", "report.md"} <= entries
        if entries - {LOCK_NAME, STATE_NAME} and not ours:
            raise ParameterError(f"--out {self.path!r} holds files that are not a contract-theory report; it would be "
                                 "replaced: choose an empty or new folder")

    def _siblings(self, kind: str) -> list[str]:
        prefix = f".{self.name}.{kind}-"
        try:
            return [os.path.join(self.parent, n) for n in os.listdir(self.parent) if n.startswith(prefix)]
        except OSError:
            return []

    def _restore_old(self) -> None:
        """A run killed between the two renames of the fallback swap: put the old folder back."""
        if not os.path.lexists(self.path):
            old = sorted(self._siblings("old"))
            if old:
                os.rename(old[-1], self.path)

    def _remove_stale(self) -> None:
        for stale in self._siblings("tmp") + self._siblings("old"):
            shutil.rmtree(stale, ignore_errors=True)

    def _commit(self) -> None:
        assert self.work is not None
        with open(os.path.join(self.work, MANIFEST_NAME), "w", encoding="utf-8") as fh:
            json.dump({"tool": "contract-theory", "pid": os.getpid(), "finished": time.strftime("%Y-%m-%d %H:%M:%S"),
                       "command": self.command}, fh)
        new_lock = _Lock(os.path.join(self.work, LOCK_NAME))  # the new folder is locked before it is visible
        new_lock.acquire(self.path)
        self._locks.append(new_lock)
        if not exchange_folders(self.work, self.path):
            old = tempfile.mkdtemp(prefix=f".{self.name}.old-", dir=self.parent)
            os.rmdir(old)
            os.rename(self.path, old)
            os.rename(self.work, self.path)
            os.rename(old, self.work)
        # self.work now holds the old folder: removed in _close

    def _close(self) -> None:
        self._restore_sigterm()
        if self.work is not None:
            shutil.rmtree(self.work, ignore_errors=True)
            self.work = None
        for lock in reversed(self._locks):
            lock.release()
        self._locks.clear()

    # ------------------------------------------------------------------ SIGTERM: an exit path like any other
    def _trap_sigterm(self) -> None:
        def stop(signum: int, frame: FrameType | None) -> None:
            raise SystemExit(128 + signum)
        try:
            self._term = signal.signal(signal.SIGTERM, stop)
        except ValueError:  # not the main thread: leave SIGTERM alone
            self._term = None
            return
        self._hook = sys.unraisablehook
        sys.unraisablehook = _resend_swallowed_sigterm(self._hook)

    def _restore_sigterm(self) -> None:
        if self._term is not None:
            signal.signal(signal.SIGTERM, self._term)
            sys.unraisablehook = self._hook
            self._term = None


def _resend_swallowed_sigterm(fallback: Any) -> Any:
    """An ``unraisablehook``: the SystemExit of a SIGTERM raised where it cannot propagate (z3's
    ``Context.__del__`` during garbage collection prints "Exception ignored" and goes on) is sent again
    10 ms later, from a timer thread, so the signal is handled in ordinary code instead of being lost."""
    code = 128 + signal.SIGTERM

    def hook(unraisable: Any) -> None:
        if isinstance(unraisable.exc_value, SystemExit) and unraisable.exc_value.code == code:
            import threading
            threading.Timer(0.01, os.kill, (os.getpid(), signal.SIGTERM)).start()
            return
        fallback(unraisable)
    return hook
