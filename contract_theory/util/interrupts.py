r"""Interrupts that keep what was done (issue 29 item 1).

Rule (named): a Ctrl-C (SIGINT, Python's ``KeyboardInterrupt``) **abandons the current unit** of
work -- a game of a search, a chunk, a sweep point, a learning condition -- and keeps every unit
finished before it.  Code that can report a partial answer raises :class:`Interrupted`, a
``KeyboardInterrupt`` that carries it (``partial``), so a caller that does not know about it still
sees an ordinary interrupt, and one that does can report the partial answer and exit with status
130 (the shell's convention for SIGINT).

Worker processes never handle the interrupt themselves: :func:`ignore_interrupts` (the initializer
of every worker pool and the first thing a supervised child does; :func:`interrupts_ignored` around
the start of a Dask ``LocalCluster``, whose processes inherit it) makes them ignore SIGINT, so a
Ctrl-C in a terminal, which reaches the whole foreground process group, interrupts only the parent;
the parent then stops its workers, and no worker prints a traceback.

Examples
--------
>>> try:
...     raise Interrupted(partial={"searched": 12})
... except KeyboardInterrupt as exc:
...     print(partial_of(exc))
{'searched': 12}
"""

from __future__ import annotations

import math
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["Interrupted", "partial_of", "ignore_interrupts", "interrupts_ignored", "interrupts_deferred",
           "deadline", "timed_out", "EXIT_TIMEOUT"]

#: Exit status of a command stopped by its ``--timeout`` (after printing the partial answer it kept),
#: as for GNU ``timeout``; a Ctrl-C gives 130.
EXIT_TIMEOUT = 124


class Interrupted(KeyboardInterrupt):
    """A Ctrl-C that carries the answer computed before it (``partial``; None when there is none)."""

    def __init__(self, partial: Any = None) -> None:
        super().__init__()
        self.partial = partial


def partial_of(exc: BaseException) -> Any:
    """The partial answer an interrupt carries (None for a plain ``KeyboardInterrupt``)."""
    return getattr(exc, "partial", None)


def ignore_interrupts() -> None:
    """Ignore SIGINT in this process and let SIGTERM kill it: the initializer of worker processes.

    A forked worker inherits its parent's Python handlers.  SIGINT is ignored (the parent handles a
    Ctrl-C and stops its workers).  SIGTERM, the signal a pool's ``terminate()`` sends, gets its default
    action back: a Python SIGTERM handler inherited from the parent (the report folder's, which raises
    ``SystemExit``) can be swallowed where an exception cannot propagate (z3's ``Context.__del__``
    during garbage collection prints "Exception ignored" and goes on), and the parent's ``terminate()``
    then waits for that worker for ever (the CI hang of ``report --timeout``).  The parent's
    ``unraisablehook`` (:func:`deadline`'s) is dropped for the same reason.  A no-op outside the main thread.

    Not doctested: it would make the test runner itself ignore Ctrl-C.
    """
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        sys.unraisablehook = sys.__unraisablehook__


@contextmanager
def interrupts_ignored() -> Iterator[None]:
    """Ignore SIGINT while the block runs (so processes it starts inherit the ignored signal), then restore.

    For worker processes started by a library without an initializer hook (Dask's ``LocalCluster``).
    Outside the main thread it changes nothing.

    Examples
    --------
    >>> with interrupts_ignored():
    ...     signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    True
    >>> signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    False
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Hold a Ctrl-C that arrives while the block runs and raise it (``KeyboardInterrupt``) when the block ends.

    For short writes that must not be cut in two, such as one checkpoint line: the unit the line records
    is then either on disk and counted as finished, or neither.  Outside the main thread it changes nothing.
    Complexity: O(1) besides the block.

    Examples
    --------
    >>> import os
    >>> try:
    ...     with interrupts_deferred():
    ...         os.kill(os.getpid(), signal.SIGINT)
    ...         print("the block ran to its end")
    ... except KeyboardInterrupt:
    ...     print("then the interrupt")
    the block ran to its end
    then the interrupt
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    old = signal.signal(signal.SIGINT, lambda signum, frame: held.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)
    if held:
        raise KeyboardInterrupt


#: The ``--timeout`` that fired in this process (seconds), or None (:func:`timed_out`).
_FIRED: list[float] = []


def timed_out() -> float | None:
    """The seconds of the :func:`deadline` that fired in this process, or None if none did.

    Examples
    --------
    >>> timed_out() is None
    True
    """
    return _FIRED[-1] if _FIRED else None


@contextmanager
def deadline(seconds: float | None, *, heartbeat: float | None = None, label: str = "the command") -> Iterator[None]:
    """Stop the block after ``seconds`` as a Ctrl-C would, so that it keeps its partial answer, and
    report progress every ``heartbeat`` seconds on stderr.

    Rule (named): the **timeout is a timed interrupt**.  When the time is up the process runs its SIGINT
    handler, so every rule of this module applies unchanged: the unit in progress is abandoned, the
    finished ones are kept (:class:`Interrupted`), a checkpoint line being written is finished first
    (:func:`interrupts_deferred`), workers ignore it; :func:`timed_out` then tells a caller that the
    interrupt was the timeout (the command line says "timed out" and exits :data:`EXIT_TIMEOUT`).
    A process that ignores SIGINT (a job started with ``&`` from a script inherits SIG_IGN) is still
    stopped: the timeout then raises ``KeyboardInterrupt`` itself.  ``seconds`` None: no limit.
    ``heartbeat``: one line ``contract-theory: LABEL still running, N s elapsed`` every so many seconds
    (None: none).  Needs the main thread for the timer (elsewhere only the heartbeat runs).
    Complexity: O(1) besides the block; the timer is SIGALRM (``setitimer``), and a long call into C
    (z3, a numba kernel) is stopped when it returns to Python.

    Examples
    --------
    >>> try:
    ...     with deadline(0.05):
    ...         while True:
    ...             pass
    ... except KeyboardInterrupt:
    ...     print("stopped after", timed_out(), "s")
    stopped after 0.05 s
    >>> _FIRED.clear()
    """
    if seconds is not None and not (isinstance(seconds, (int, float)) and 0 < seconds < math.inf):
        from contract_theory.errors import ParameterError
        raise ParameterError(f"--timeout must be a positive finite number of seconds, got {seconds!r}")
    stop = threading.Event()
    beat = None
    if heartbeat is not None and heartbeat > 0:
        beat = threading.Thread(target=_heartbeat, args=(stop, heartbeat, label), daemon=True)
        beat.start()
    limit = float(seconds) if seconds is not None else None
    timer = limit is not None and threading.current_thread() is threading.main_thread()
    fired: list[float] = []   # this block's firings (_FIRED keeps every block's)
    if timer and limit is not None:
        def fire(signum: int, frame: Any) -> None:  # what a SIGINT would do now, without risking SIG_DFL's kill
            _FIRED.append(limit)
            fired.append(limit)
            handler = signal.getsignal(signal.SIGINT)
            if callable(handler):
                handler(signal.SIGINT, frame)   # raises, or holds the interrupt (interrupts_deferred)
                return
            raise KeyboardInterrupt  # SIGINT ignored (a job started with `&` from a script): the timeout still stops it

        old = signal.signal(signal.SIGALRM, fire)
        old_hook = sys.unraisablehook
        sys.unraisablehook = _redeliver_swallowed_timeout(old_hook, fired)
        signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        yield
    finally:
        if timer:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)
            sys.unraisablehook = old_hook
        stop.set()


#: Seconds after which a timeout swallowed by a callback is delivered again.
_REDELIVER = 0.01


def _redeliver_swallowed_timeout(fallback: Any, fired: list[float]) -> Any:
    """An ``unraisablehook`` for the :func:`deadline` block: a timeout raised where Python cannot propagate it
    (a weakref callback or ``__del__`` running during garbage collection prints "Exception ignored" and goes
    on) is fired again :data:`_REDELIVER` seconds later, in ordinary code, instead of being lost with a
    traceback on stderr; anything else (and a plain Ctrl-C: ``fired`` is empty) goes to ``fallback``."""
    def hook(unraisable: Any) -> None:
        if fired and isinstance(unraisable.exc_value, KeyboardInterrupt):
            signal.setitimer(signal.ITIMER_REAL, _REDELIVER)
            return
        fallback(unraisable)
    return hook


def _heartbeat(stop: threading.Event, every: float, label: str) -> None:
    """One progress line on stderr every ``every`` seconds until ``stop`` is set."""
    start = time.monotonic()
    while not stop.wait(every):
        sys.stderr.write(f"contract-theory: {label} still running, {time.monotonic() - start:.1f} s elapsed\n")
        sys.stderr.flush()
