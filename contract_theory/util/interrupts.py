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

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["Interrupted", "partial_of", "ignore_interrupts", "interrupts_ignored", "interrupts_deferred"]


class Interrupted(KeyboardInterrupt):
    """A Ctrl-C that carries the answer computed before it (``partial``; None when there is none)."""

    def __init__(self, partial: Any = None) -> None:
        super().__init__()
        self.partial = partial


def partial_of(exc: BaseException) -> Any:
    """The partial answer an interrupt carries (None for a plain ``KeyboardInterrupt``)."""
    return getattr(exc, "partial", None)


def ignore_interrupts() -> None:
    """Ignore SIGINT in this process: the initializer of worker processes (a no-op outside the main thread).

    Not doctested: it would make the test runner itself ignore Ctrl-C.
    """
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)


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
