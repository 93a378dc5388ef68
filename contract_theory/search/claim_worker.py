r"""User claim files run in a supervised child process (issue 27 item 3).

A claim file (``search --claim-file``, :func:`contract_theory.search.claims.load_claim_file`) is
**trusted code run with the user's rights**: it can read and write the user's files like any script
the user runs.  The supervision below protects the *search* from the claim's failures -- it keeps
the one-line-error promise and bounds time and memory -- it is not a sandbox against malice.

Rule (named): :class:`ClaimWorker` starts ``python -m contract_theory.search.claim_worker`` with two
pipes, imports the claim file **in that child process**, and sends it games to evaluate **in
batches** (up to :data:`BATCH` games per message); the child streams the verdicts back in order, in
groups at least every :data:`FLUSH_SECONDS`, so the parent can stop a batch early (a counterexample,
a time budget) after the game being evaluated.

Limits (:class:`ClaimLimits`, both documented defaults, both flags of ``search``):

``timeout``
    wall-clock seconds for the import and for each ``claim()`` call (default
    :data:`DEFAULT_CLAIM_TIMEOUT`; ``--claim-timeout``); past it the child is killed;
``memory_mb``
    the child's address space in MB, ``resource.setrlimit(RLIMIT_AS)`` set before anything is
    imported (default :data:`DEFAULT_CLAIM_MEMORY_MB`; ``--claim-memory``); an allocation past it
    raises ``MemoryError`` inside the claim.

Whatever the claim does -- raise any exception, ``SystemExit`` (any code, 0 included),
``KeyboardInterrupt`` or another ``BaseException``, call ``os._exit(n)``, loop, sleep or allocate
without bound -- the parent raises one :class:`~contract_theory.errors.ClaimFileError` naming the file
(and the line, when the claim raised), what happened and when (while loading, or in ``claim()`` on a
game of a given shape).  The child ignores SIGINT (a Ctrl-C is the parent's to handle) and dies with
its parent (Linux ``PR_SET_PDEATHSIG``).  Its standard output goes to the parent's standard error, so
a ``print`` in a claim never mixes into ``--format json``.

Cost: one interpreter start (about 0.3 s) per claim file and process, then one pickled batch per
:data:`BATCH` games and one message of verdicts per batch or per :data:`FLUSH_SECONDS` (``benchmarks/bench_claim_worker.py`` measures
the overhead per game against evaluating the same claim in-process).
"""

from __future__ import annotations

import itertools
import math
import os
import signal
import subprocess
import sys
import time
import traceback
import weakref
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import numpy as np

from contract_theory.errors import ClaimFileError, ParameterError, ParseError

__all__ = ["ClaimLimits", "ClaimWorker", "DEFAULT_CLAIM_TIMEOUT", "DEFAULT_CLAIM_MEMORY_MB", "BATCH",
           "claim_file_failure"]

#: Default wall-clock limit, in seconds, on the import of a claim file and on each ``claim()`` call.
DEFAULT_CLAIM_TIMEOUT = 10.0

#: Default address-space limit of the claim's child process, in MB (the child needs about 150 MB for
#: Python and numpy).
DEFAULT_CLAIM_MEMORY_MB = 1024

#: Smallest memory limit accepted, in MB (below it the interpreter itself cannot start).
MIN_CLAIM_MEMORY_MB = 64

#: Games sent to the child per message.
BATCH = 128

#: The child sends its verdicts back in groups, at least this often (seconds), and at the end of a batch.
FLUSH_SECONDS = 0.01

#: The child looks for a stop request (or the next batch) between games at most this often (seconds).
POLL_SECONDS = 0.001

_START_SECONDS = 120.0   # the child's own start-up (interpreter and numpy), not the claim's time
_REPORT_FAILED = 70      # the child's exit status when it could not even report what the claim raised


@dataclass(frozen=True)
class ClaimLimits:
    """Wall-clock seconds per call (``timeout``) and address space in MB (``memory_mb``) of a claim's child.

    Examples
    --------
    >>> ClaimLimits()
    ClaimLimits(timeout=10.0, memory_mb=1024)
    >>> ClaimLimits(timeout=0)
    Traceback (most recent call last):
    ...
    contract_theory.errors.ParameterError: the claim timeout (--claim-timeout) must be a positive number of seconds, got 0
    """

    timeout: float = DEFAULT_CLAIM_TIMEOUT
    memory_mb: int = DEFAULT_CLAIM_MEMORY_MB

    def __post_init__(self) -> None:
        t = self.timeout
        if isinstance(t, bool) or not isinstance(t, (int, float)) or not math.isfinite(t) or t <= 0:
            raise ParameterError(f"the claim timeout (--claim-timeout) must be a positive number of seconds, got {t!r}")
        m = self.memory_mb
        if isinstance(m, bool) or not isinstance(m, int) or m < MIN_CLAIM_MEMORY_MB:
            raise ParameterError(f"the claim memory limit (--claim-memory) must be at least {MIN_CLAIM_MEMORY_MB} MB, "
                                 f"got {m!r}")


def claim_file_failure(path: str, exc: BaseException, when: str, memory_mb: int | None = None) -> ClaimFileError:
    """One line naming the claim file, the line in it where ``exc`` was raised, and what was raised.

    A ``MemoryError`` names the memory limit and the flag that raises it.

    Examples
    --------
    >>> try:
    ...     raise RuntimeError("boom")
    ... except RuntimeError as e:
    ...     print(claim_file_failure("/nowhere/claim.py", e, "in claim()"))
    claim file /nowhere/claim.py raised RuntimeError: boom in claim()
    """
    frames = traceback.extract_tb(exc.__traceback__)
    line = next((f.lineno for f in reversed(frames) if os.path.abspath(f.filename) == path), None)
    if line is None and isinstance(exc, SyntaxError) and exc.lineno is not None:
        line = exc.lineno
    where = f"{path}, line {line}" if line is not None else path
    text = " ".join(str(exc).split())
    what = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    if isinstance(exc, MemoryError) and memory_mb is not None:
        what += f" (the claim's memory limit of {memory_mb} MB; raise it with --claim-memory MB)"
    return ClaimFileError(f"claim file {where} raised {what} {when}")


def _shape(payload: Any) -> tuple[int, ...]:
    """The action shape of a game, or of an integer payoff table (its last axis is the players')."""
    return tuple(payload.shape) if hasattr(payload, "n_players") else tuple(payload.shape[:-1])


def _encode(payload: Any) -> Any:
    """A payoff table as (shape, bytes): a fifth of the cost of pickling the array; a game as itself."""
    if hasattr(payload, "n_players"):
        return payload
    return tuple(payload.shape), np.ascontiguousarray(payload, dtype=np.int64).tobytes()


def _decode(payload: Any, space: Any) -> Any:
    if space is None:
        return payload
    shape, data = payload
    return space.game(np.frombuffer(data, dtype=np.int64).reshape(shape).copy())


def _ended(status: int | None) -> str:
    if status is None:
        return "no exit status"
    if status == _REPORT_FAILED:
        return f"exit status {status} (it could not report what the claim raised: out of memory?)"
    if status >= 0:
        return f"exit status {status}"
    name = signal.Signals(-status).name if -status in signal.valid_signals() else str(-status)
    return f"signal {name}" + (" (killed: out of memory?)" if -status == signal.SIGKILL else "")


def _shutdown(proc: subprocess.Popen[bytes], owner: int) -> None:
    if os.getpid() == owner and proc.poll() is None:
        proc.kill()
        proc.wait()


class ClaimWorker:
    """A claim file imported and called in a supervised child process (module docstring).

    :meth:`start` imports the file and returns its metadata (``name``, ``description``,
    ``invariant``); :meth:`verdicts` evaluates games lazily, in batches; :meth:`evaluate` one game.
    A worker that was killed (a time limit) or died is started again on the next use.  The child
    belongs to the process that started it (a forked copy of this object does not use it).
    """

    def __init__(self, path: str, limits: ClaimLimits | None = None) -> None:
        self.path = path
        self.limits = limits or ClaimLimits()
        self._proc: subprocess.Popen[bytes] | None = None
        self._to: Connection | None = None
        self._from: Connection | None = None
        self._owner = os.getpid()

    # -- lifecycle
    def start(self) -> dict[str, Any]:
        """Start the child and import the claim file there; the file's metadata.

        Raises :class:`ClaimFileError` (the import raised, exited, timed out, ran out of memory)
        or :class:`ParseError` (no ``claim`` function).
        """
        self.close()
        self._owner = os.getpid()
        r_in, w_in = os.pipe()
        r_out, w_out = os.pipe()
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p))
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env.setdefault(var, "1")   # one thread: the address space stays small and the cores to the search
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "contract_theory.search.claim_worker", str(r_in), str(w_out),
                 str(self.limits.memory_mb)], pass_fds=(r_in, w_out), stdin=subprocess.DEVNULL, stdout=2, env=env)
        finally:
            os.close(r_in)
            os.close(w_out)
        self._to, self._from = Connection(w_in, readable=False), Connection(r_out, writable=False)
        weakref.finalize(self, _shutdown, self._proc, self._owner)
        self._receive("while starting its worker", "did not start its worker process within {} s", _START_SECONDS)
        self._to.send(("load", self.path))
        msg = self._receive("while loading", "did not finish loading within {} s", self.limits.timeout)
        if msg[0] == "failed":
            raise ClaimFileError(msg[1])
        if msg[0] == "nofunc":
            raise ParseError(f"claim file {self.path!r} defines no function claim(game, **params) -> bool")
        return dict(msg[1])

    def close(self) -> None:
        """Stop the child (if any)."""
        for conn in (self._to, self._from):
            if conn is not None:
                conn.close()
        self._to = self._from = None
        if self._proc is not None:
            _shutdown(self._proc, self._owner)
            self._proc = None

    def _ensure(self) -> None:
        if self._proc is None or self._proc.poll() is not None or self._owner != os.getpid():
            self._proc = None   # a forked copy must not touch its parent's child
            self.start()

    def _receive(self, when: str, late: str, seconds: float, grace: float = 0.0) -> tuple[Any, ...]:
        """The child's next message within ``seconds`` (plus ``grace``, the verdicts' flush interval).

        ``when`` says what the child was doing (for an exit), ``late`` what it did not do in time
        (``{}`` stands for the seconds).
        """
        assert self._from is not None and self._proc is not None
        if not self._from.poll(seconds + grace):
            self.close()
            raise ClaimFileError(f"claim file {self.path} {late.format(f'{seconds:g}')}; "
                                 "the limit is --claim-timeout SECONDS")
        try:
            msg: tuple[Any, ...] = self._from.recv()
        except (EOFError, OSError):
            raise self._died(when) from None
        return msg

    def _send(self, msg: tuple[Any, ...], when: str) -> None:
        assert self._to is not None and self._proc is not None
        try:
            self._to.send(msg)
        except OSError:   # the child is gone (a broken pipe)
            raise self._died(when) from None

    def _died(self, when: str) -> ClaimFileError:
        """The child has ended: reap it and say how."""
        assert self._proc is not None
        status = self._proc.wait()
        self.close()
        return ClaimFileError(f"claim file {self.path} ended its worker process with {_ended(status)} {when}")

    # -- evaluation
    def verdicts(self, space: Any, items: Iterable[tuple[Any, Any, dict[str, Any]]]) -> Iterator[tuple[Any, bool | None]]:
        """``(tag, holds)`` for each ``(tag, payload, params)`` of ``items``, in order, lazily.

        ``payload`` is an integer payoff table of ``space`` (:class:`~contract_theory.search.spaces.GameSpace`)
        or, with ``space=None``, a game.  Items are sent :data:`BATCH` at a time, two batches ahead (the
        child evaluates one while this process prepares the next); closing the iterator early stops the
        child after the game it is evaluating.
        """
        it = iter(items)
        sent: deque[tuple[Any, Any]] = deque()    # (tag, payload) sent, verdict not yet received
        more = True
        try:
            while True:
                while more and len(sent) < 2 * BATCH:
                    batch = list(itertools.islice(it, BATCH))
                    more = bool(batch)
                    if more:
                        if not sent:   # never restart a child that owes verdicts: its death is reported below
                            self._ensure()
                        self._send(("eval", space, [(_encode(payload), params) for _, payload, params in batch]),
                                   f"in claim() on a game of shape {_shape(batch[0][1])}")
                        sent.extend((tag, payload) for tag, payload, _ in batch)
                if not sent:
                    return
                shape = _shape(sent[0][1])
                msg = self._receive(f"in claim() on a game of shape {shape}",
                                    f"did not return from claim() within {{}} s on a game of shape {shape}",
                                    self.limits.timeout, FLUSH_SECONDS)
                if msg[0] == "failed":
                    sent.clear()
                    self.close()   # the child dropped what was queued: start afresh on the next use
                    raise ClaimFileError(msg[1])
                for holds in msg[1]:
                    yield sent.popleft()[0], holds
        except GeneratorExit:
            if sent:
                self._stop()
            raise
        except BaseException:
            if sent:
                self.close()   # interrupted mid-message: the pipe's state is unknown; start afresh next time
            raise

    def _stop(self) -> None:
        """Ask the child to abandon the rest of its batch; wait until it has (at most one claim call)."""
        try:
            assert self._to is not None
            self._to.send(("stop",))
            while self._receive("while stopping", "did not return from claim() within {} s", self.limits.timeout,
                                FLUSH_SECONDS)[0] != "stopped":
                pass
        except (ClaimFileError, OSError, AssertionError):
            self.close()

    def evaluate(self, game: Any, params: dict[str, Any]) -> bool | None:
        """The claim's verdict on one game (``True`` holds, ``False`` fails, ``None`` outside its domain)."""
        for _, holds in self.verdicts(None, [(None, game, params)]):
            return holds
        return None  # pragma: no cover - one item gives one verdict


# ---------------------------------------------------------------------------- the child
def _limit_memory(mb: int) -> None:
    import resource

    cap = mb * 2**20
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def _die_with_parent() -> None:
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG (Linux); elsewhere a no-op failure
    except (OSError, AttributeError):
        pass


def _load(path: str, memory_mb: int) -> tuple[tuple[Any, ...], Any]:
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"_contract_theory_claim_{abs(hash(path))}", path)
    if spec is None or spec.loader is None:
        return ("failed", f"claim file {path}: cannot be loaded as Python"), None
    mod = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(mod)
        fn = getattr(mod, "claim", None)
        if not callable(fn):
            return ("nofunc",), None
        meta = {"name": str(getattr(mod, "NAME", os.path.splitext(os.path.basename(path))[0])),
                "description": str(getattr(mod, "DESCRIPTION", fn.__doc__ or "user claim")),
                "invariant": bool(getattr(mod, "INVARIANT", False))}
    except BaseException as exc:  # noqa: BLE001 - SystemExit, KeyboardInterrupt, os-level: all become one line
        return ("failed", str(claim_file_failure(path, exc, "while loading", memory_mb))), None
    return ("loaded", meta), fn


def _evaluate(fn: Any, path: str, memory_mb: int, msg: tuple[Any, ...], io: tuple[Connection, Connection],
              queue: deque[tuple[Any, ...]]) -> None:
    """Evaluate one batch; verdicts go back in groups, at least every :data:`FLUSH_SECONDS`.

    Messages arriving meanwhile are queued (the next batch), except a stop, which drops this batch
    and the queued ones.
    """
    inp, out = io
    _, space, items = msg
    done: list[bool | None] = []
    last = polled = time.monotonic()
    for payload, params in items:
        now = time.monotonic()
        while now - polled >= POLL_SECONDS and inp.poll(0):
            nxt = inp.recv()
            if nxt[0] == "stop":
                queue.clear()
                out.send(("v", done))
                out.send(("stopped",))
                return
            queue.append(nxt)
        if now - polled >= POLL_SECONDS:
            polled = now
        try:
            res = fn(_decode(payload, space), **params)
            done.append(None if res is None else bool(res))
        except BaseException as exc:  # noqa: BLE001 - every way out of claim() becomes one line
            shape = tuple(payload.shape) if space is None else tuple(payload[0][:-1])
            queue.clear()
            out.send(("failed", str(claim_file_failure(path, exc, f"in claim() on a game of shape {shape}", memory_mb))))
            return
        after = time.monotonic()
        if after - last >= FLUSH_SECONDS:
            out.send(("v", done))
            done, last = [], after
    if done:
        out.send(("v", done))


def _child(argv: list[str]) -> None:  # pragma: no cover - runs in the child process
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    inp, out, memory_mb = Connection(int(argv[0]), writable=False), Connection(int(argv[1]), readable=False), int(argv[2])
    _limit_memory(memory_mb)
    _die_with_parent()
    out.send(("ready",))
    fn: Any = None
    path = ""
    queue: deque[tuple[Any, ...]] = deque()
    while True:
        try:
            msg = queue.popleft() if queue else inp.recv()
        except (EOFError, OSError):
            return
        if msg[0] == "load":
            path = msg[1]
            reply, fn = _load(path, memory_mb)
            out.send(reply)
        elif msg[0] == "eval":
            _evaluate(fn, path, memory_mb, msg, (inp, out), queue)
        elif msg[0] == "stop":
            out.send(("stopped",))


if __name__ == "__main__":  # pragma: no cover - the child process
    try:
        _child(sys.argv[1:])
    except BaseException:  # noqa: BLE001 - never a traceback from the child: the parent reports the exit status
        os._exit(_REPORT_FAILED)
    os._exit(0)
