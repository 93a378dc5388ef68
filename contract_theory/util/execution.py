r"""One execution layer for embarrassingly parallel jobs: serial, local processes, or Dask (issue 8).

A job is a function ``fn(chunk) -> result`` applied to a sequence of :class:`Chunk` objects.
:meth:`Executor.map_chunks` runs them on a backend and yields :class:`ChunkResult` objects **in
completion order**, each carrying its chunk index, so results stream back while the job runs and
the caller reassembles them **by chunk index** (never by arrival order).

Backends (named):

``"serial"``
    in this process, chunk after chunk (the reference behaviour);
``"processes"``
    a stdlib :class:`concurrent.futures.ProcessPoolExecutor` with ``workers`` processes (default:
    all local cores, ``os.cpu_count()``);
``"dask"``
    a ``dask.distributed.Client`` connected to ``scheduler`` (an address such as
    ``tcp://10.0.0.5:8786``; default the environment variable ``CONTRACT_THEORY_SCHEDULER``), or,
    without an address, to a fresh ``LocalCluster(n_workers=workers, processes=True,
    threads_per_worker=1)`` started (and closed) by the executor.  Dask is an optional dependency
    (``pip install "contract-theory[dask]"``), imported only when this backend is used.

Determinism.  Every chunk carries its own seed, :func:`chunk_seed` ``(master, index)`` =
``numpy.random.SeedSequence(master, spawn_key=(index,))`` — exactly the ``index``-th child of
``SeedSequence(master).spawn(...)`` — so a chunk's result depends only on the master seed, the
chunk index and its payload: the same results come out of every backend with any number of
workers.

Failures.  A chunk whose function raises (or whose worker dies: ``BrokenProcessPool``, Dask's
``KilledWorker``) is resubmitted, at most ``retries`` times; after that :class:`ChunkError` is
raised naming the chunk index, chained to the last exception.  A lost worker therefore costs only
the chunks it was running.  **Bad input is deterministic** (named rule): a chunk raising a
:class:`~contract_theory.errors.ContractTheoryError` (``ParameterError``, ``SizeLimitError``, a claim
file's ``ClaimFileError``, ...) is never retried; that error is raised as it is, at once.

Checkpoints.  With ``checkpoint=PATH`` every finished chunk is appended to a JSON-lines file (one
line per chunk, flushed and ``fsync``-ed before the result is yielded).  The first line is a header
holding ``job`` (a JSON description of the job's parameters).  A re-run with the same ``job`` reads
the file, yields the stored results first (``from_checkpoint=True``) and runs only the missing
chunks; a different ``job`` raises :class:`~contract_theory.errors.ParameterError` rather than mix
two jobs.  A truncated last line (a crash mid-write) is ignored.  Results must be JSON-serializable
(or pass ``codec=(encode, decode)``).

Interruption.  Ctrl-C (KeyboardInterrupt) cancels outstanding chunks and propagates; every chunk
finished before it has been yielded and checkpointed.  Worker processes ignore SIGINT
(:func:`~contract_theory.util.interrupts.ignore_interrupts`), so they print no traceback; the pool
is then stopped and its workers terminated, abandoning the chunks they were running.
:func:`collect` catches the interrupt and returns the partial results with ``interrupted=True``.
A checkpoint's folder is created if missing.

Examples
--------
>>> chunks = make_chunks([1, 2, 3], seed=7)
>>> with Executor("serial") as ex:
...     run = collect(ex, _demo_square, chunks)
>>> run.ordered(), run.interrupted
([1, 4, 9], False)
"""

from __future__ import annotations

import concurrent.futures as cf
import json
import os
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from contract_theory.errors import ContractTheoryError, ParameterError
from contract_theory.util.interrupts import Interrupted, ignore_interrupts, interrupts_deferred, interrupts_ignored, partial_of

__all__ = ["BACKENDS", "SCHEDULER_ENV", "Chunk", "ChunkResult", "ChunkError", "Executor", "Collected",
           "chunk_seed", "make_chunks", "collect", "make_executor", "dask_available", "add_execution_arguments",
           "executor_from_args"]

#: The backends :class:`Executor` accepts.
BACKENDS = ("serial", "processes", "dask")

#: Environment variable holding a Dask scheduler address (used when no address is given).
SCHEDULER_ENV = "CONTRACT_THEORY_SCHEDULER"

_CHECKPOINT_FORMAT = "contract-theory/checkpoint/1"


def _demo_square(chunk: Chunk) -> int:
    """Doctest helper: the payload squared."""
    return chunk.payload * chunk.payload


def chunk_seed(master: int, index: int) -> np.random.SeedSequence:
    """The seed of chunk ``index`` of a job seeded by ``master``: ``SeedSequence(master, spawn_key=(index,))``.

    Equal (same state) to ``SeedSequence(master).spawn(index + 1)[index]``, but computable for any index
    without spawning the earlier ones.

    Examples
    --------
    >>> a = chunk_seed(5, 3).generate_state(2)
    >>> b = np.random.SeedSequence(5).spawn(4)[3].generate_state(2)
    >>> bool((a == b).all())
    True
    """
    if isinstance(master, bool) or not isinstance(master, (int, np.integer)) or master < 0:
        raise ParameterError(f"master seed must be a non-negative integer, got {master!r}")
    if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or index < 0:
        raise ParameterError(f"chunk index must be a non-negative integer, got {index!r}")
    return np.random.SeedSequence(int(master), spawn_key=(int(index),))


@dataclass(frozen=True)
class Chunk:
    """One unit of work: its ``index`` in the job, its own ``seed`` and a picklable ``payload``."""

    index: int
    seed: np.random.SeedSequence | None
    payload: Any = None


def make_chunks(payloads: Iterable[Any], seed: int | None = None, *, start: int = 0) -> list[Chunk]:
    """Chunks ``start, start+1, ...`` over ``payloads``, seeded by :func:`chunk_seed` (no seed when ``seed`` is None).

    Examples
    --------
    >>> [c.index for c in make_chunks("abc", seed=0)]
    [0, 1, 2]
    """
    return [Chunk(i, None if seed is None else chunk_seed(seed, i), p) for i, p in enumerate(payloads, start)]


@dataclass(frozen=True)
class ChunkResult:
    """A finished chunk: its index, the function's value, how many attempts it took, whether it was resumed."""

    index: int
    value: Any
    attempts: int = 1
    from_checkpoint: bool = False


class ChunkError(RuntimeError):
    """A chunk failed on every attempt; ``chunk`` is its index, ``attempts`` the attempts made."""

    def __init__(self, chunk: int, attempts: int, cause: BaseException) -> None:
        super().__init__(f"chunk {chunk} failed after {attempts} attempt(s): {type(cause).__name__}: {cause}")
        self.chunk = chunk
        self.attempts = attempts


def dask_available() -> bool:
    """Whether ``dask.distributed`` can be imported here."""
    try:
        import dask.distributed
    except ImportError:
        return False
    return dask.distributed is not None


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise ParameterError("the dask backend (--backend dask / --scheduler / $" + SCHEDULER_ENV + ") needs "
                             "dask.distributed, which is not installed: pip install \"contract-theory[dask]\" "
                             "(or pip install \"dask[distributed]\")") from None
    return distributed


# ---------------------------------------------------------------------------- checkpoints
class _Checkpoint:
    """JSON-lines checkpoint: header line, then one ``{"chunk": i, "result": ...}`` line per finished chunk."""

    def __init__(self, path: str, job: Any, encode: Callable[[Any], Any], decode: Callable[[Any], Any]) -> None:
        self.path = path
        self.job = json.loads(json.dumps(job))  # normalised (tuples -> lists)
        self.encode, self.decode = encode, decode
        self.done: dict[int, Any] = {}
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        if os.path.exists(path) and os.path.getsize(path) > 0:
            self._read()
        else:
            self._append({"format": _CHECKPOINT_FORMAT, "job": self.job})

    def _read(self) -> None:
        with open(self.path, encoding="utf-8") as fh:
            lines = fh.read().split("\n")
        try:
            head = json.loads(lines[0])
        except json.JSONDecodeError:
            raise ParameterError(f"checkpoint {self.path!r} has no readable header line") from None
        if not isinstance(head, dict) or head.get("format") != _CHECKPOINT_FORMAT:
            raise ParameterError(f"{self.path!r} is not a contract-theory checkpoint "
                                 f"(format {head.get('format') if isinstance(head, dict) else None!r})")
        if head.get("job") != self.job:
            raise ParameterError(f"checkpoint {self.path!r} belongs to another job ({head.get('job')!r}); "
                                 f"this job is {self.job!r}: use another path or delete the file")
        for line in lines[1:]:
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut short by a crash: that chunk is simply run again
            self.done[int(rec["chunk"])] = self.decode(rec["result"])
        if lines[-1].strip():  # the file does not end with a newline: finish the (discarded) torn line
            with open(self.path, "a", encoding="utf-8") as fh:
                fh.write("\n")

    def _append(self, record: dict[str, Any]) -> None:
        text = json.dumps(record, allow_nan=False, separators=(",", ":")) + "\n"
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())

    def record(self, index: int, value: Any) -> None:
        self._append({"chunk": index, "result": self.encode(value)})
        self.done[index] = value


def _identity(x: Any) -> Any:
    return x


# ---------------------------------------------------------------------------- the executor
class Executor:
    """Runs chunked jobs on one backend (module docstring).  Use as a context manager or call :meth:`close`.

    ``workers``: processes (``"processes"``) or local Dask workers (``"dask"`` without a scheduler);
    default ``os.cpu_count()``.  ``scheduler``: Dask scheduler address (``"dask"`` only; default
    ``$CONTRACT_THEORY_SCHEDULER``, else a LocalCluster).  ``retries``: extra attempts per chunk.
    ``max_pending``: chunks submitted ahead of the results consumed (default ``2 * workers``), so
    a job may be an unbounded iterator and an early stop wastes at most that many chunks.
    """

    def __init__(self, backend: str = "processes", *, workers: int | None = None, scheduler: str | None = None,
                 retries: int = 2, max_pending: int | None = None, client: Any = None) -> None:
        if backend not in BACKENDS:
            raise ParameterError(f"unknown backend {backend!r}; choose one of {list(BACKENDS)}")
        if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
            raise ParameterError(f"workers must be a positive integer, got {workers!r}")
        if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
            raise ParameterError(f"retries must be a non-negative integer, got {retries!r}")
        if scheduler is not None and backend != "dask":
            raise ParameterError(f"a scheduler address only makes sense with the dask backend, not {backend!r}")
        self.backend = backend
        self.retries = retries
        self.scheduler = scheduler
        self._client = client
        self._own_client = False
        self._cluster: Any = None
        self._pool: cf.ProcessPoolExecutor | None = None
        if backend == "serial":
            self.workers = 1
        elif backend == "processes":
            self.workers = workers or os.cpu_count() or 1
        else:
            self._distributed = _import_distributed()
            if self.scheduler is None and client is None:
                self.scheduler = os.environ.get(SCHEDULER_ENV) or None
            self.workers = workers or os.cpu_count() or 1
        self._max_pending = max_pending

    @property
    def max_pending(self) -> int:
        """Chunks submitted ahead of the consumer: as given, else twice the worker count (for a Dask
        scheduler: twice the threads of the workers connected when asked, at least 2)."""
        if self._max_pending:
            return self._max_pending
        if self.backend == "dask" and self.scheduler:
            threads = sum(w.get("nthreads", 1) for w in self.client.scheduler_info()["workers"].values())
            return 2 * max(1, threads)
        return 2 * self.workers

    def __repr__(self) -> str:
        where = f", scheduler={self.scheduler!r}" if self.scheduler else ""
        return f"Executor({self.backend!r}, workers={self.workers}{where})"

    # -- lifecycle
    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        """Shut the pool / Dask client (and a LocalCluster it started) down."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._own_client and self._client is not None:
            self._client.close()
            self._client = None
            self._own_client = False
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    @property
    def client(self) -> Any:
        """The ``dask.distributed.Client`` (dask backend only), connected on first use."""
        if self.backend != "dask":
            raise ParameterError(f"the {self.backend!r} backend has no Dask client")
        if self._client is None:
            d = self._distributed
            if self.scheduler:
                try:
                    self._client = d.Client(self.scheduler, timeout="30s")
                except OSError as exc:
                    raise ParameterError(f"cannot reach the Dask scheduler at {self.scheduler!r}: {exc}") from None
            else:
                with interrupts_ignored():   # the worker processes inherit SIGINT ignored (no tracebacks on Ctrl-C)
                    self._cluster = d.LocalCluster(n_workers=self.workers, processes=True, threads_per_worker=1,
                                                   dashboard_address=None)
                self._client = d.Client(self._cluster)
            self._own_client = True
        return self._client

    def _process_pool(self) -> cf.ProcessPoolExecutor:
        if self._pool is None:
            self._pool = cf.ProcessPoolExecutor(max_workers=self.workers, initializer=ignore_interrupts)
        return self._pool

    # -- submission (backend-specific)
    def _submit(self, fn: Callable[[Chunk], Any], chunk: Chunk, attempt: int) -> Any:
        if self.backend == "processes":
            return self._process_pool().submit(fn, chunk)
        return self.client.submit(fn, chunk, pure=False, key=f"ct-chunk-{chunk.index}-{attempt}-{id(self)}-"
                                                             f"{time.monotonic_ns()}")

    def _wait(self, futures: list[Any]) -> list[Any]:
        if self.backend == "processes":
            done, _ = cf.wait(futures, return_when=cf.FIRST_COMPLETED)
        else:
            done, _ = self._distributed.wait(futures, return_when="FIRST_COMPLETED")
        return list(done)

    def _cancel(self, futures: list[Any]) -> None:
        for f in futures:
            f.cancel()

    def _drop_pool(self) -> None:
        """Stop the process pool now: its workers are terminated (their chunks are abandoned)."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        # ProcessPoolExecutor has no public handle on its workers before Python 3.14 (terminate_workers)
        for proc in list((getattr(pool, "_processes", None) or {}).values()):
            proc.terminate()
        pool.shutdown(wait=False, cancel_futures=True)

    # -- the job
    def map_chunks(self, fn: Callable[[Chunk], Any], chunks: Iterable[Chunk], *,
                   on_result: Callable[[ChunkResult], None] | None = None,
                   checkpoint: str | os.PathLike[str] | None = None, job: Any = None,
                   codec: tuple[Callable[[Any], Any], Callable[[Any], Any]] | None = None,
                   ) -> Generator[ChunkResult, None, None]:
        """Run ``fn`` on every chunk; yield a :class:`ChunkResult` per chunk in completion order.

        ``fn`` must be picklable (a module-level function) for the process and Dask backends.
        ``chunks`` may be an unbounded iterator: at most ``max_pending`` chunks are submitted ahead
        of the consumer; closing the generator (``break``) cancels outstanding chunks.
        ``on_result(chunk_result)`` is called for each result before it is yielded (progress).
        ``checkpoint``/``job``/``codec`` (``(encode, decode)``): see the module docstring (``job`` is
        required with a checkpoint).  A Ctrl-C while a result's checkpoint line is written raises
        :class:`~contract_theory.util.interrupts.Interrupted` carrying that :class:`ChunkResult`.
        Raises :class:`ChunkError` after ``retries`` failed re-attempts;
        a :class:`~contract_theory.errors.ContractTheoryError` (bad input: deterministic) is raised
        as it is, at once, never retried.
        """
        ckpt = None
        if checkpoint is not None:
            if job is None:
                raise ParameterError("a checkpoint needs a job description (job=...) to recognise a re-run")
            encode, decode = codec or (_identity, _identity)
            ckpt = _Checkpoint(os.fspath(checkpoint), job, encode, decode)

        def todo() -> Iterator[tuple[Chunk, ChunkResult | None]]:
            for c in chunks:
                if ckpt is not None and c.index in ckpt.done:
                    yield c, ChunkResult(c.index, ckpt.done[c.index], 0, True)
                else:
                    yield c, None

        runner = self._serial if self.backend == "serial" else self._parallel
        for res in runner(fn, todo()):
            if ckpt is not None and not res.from_checkpoint:
                try:
                    with interrupts_deferred():   # a Ctrl-C here waits for the line: finished == on disk
                        ckpt.record(res.index, res.value)
                except KeyboardInterrupt:   # counted as finished only when its line is on disk
                    raise Interrupted(res if res.index in ckpt.done else None) from None
            if on_result is not None:
                on_result(res)
            yield res

    def _serial(self, fn: Callable[[Chunk], Any], todo: Iterator[tuple[Chunk, ChunkResult | None]]
                ) -> Iterator[ChunkResult]:
        for c, stored in todo:
            yield stored if stored is not None else self._attempts(fn, c)

    def _attempts(self, fn: Callable[[Chunk], Any], c: Chunk) -> ChunkResult:
        """``fn(c)`` in this process, retried on failure (never on bad input)."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return ChunkResult(c.index, fn(c), attempt)
            except ContractTheoryError:
                raise
            except Exception as exc:  # noqa: BLE001 - retried, then reported with the chunk id
                if attempt > self.retries:
                    raise ChunkError(c.index, attempt, exc) from exc

    def _parallel(self, fn: Callable[[Chunk], Any], todo: Iterator[tuple[Chunk, ChunkResult | None]]
                  ) -> Iterator[ChunkResult]:
        running: dict[Any, tuple[Chunk, int]] = {}
        exhausted = False
        try:
            while True:
                while not exhausted and len(running) < self.max_pending:
                    nxt = next(todo, None)
                    exhausted = nxt is None
                    if nxt is not None and nxt[1] is not None:
                        yield nxt[1]
                    elif nxt is not None:
                        running[self._submit(fn, nxt[0], 1)] = (nxt[0], 1)
                if not running:
                    return
                for fut in self._wait(list(running)):
                    c, attempt = running.pop(fut)
                    value, exc = _outcome(fut)
                    if exc is None:
                        yield ChunkResult(c.index, value, attempt)
                    elif self._retry(fn, (c, attempt), exc, running):
                        break   # a broken pool: everything running was resubmitted
        finally:
            # normal end, break by the consumer (GeneratorExit), ChunkError or Ctrl-C: drop what is outstanding
            self._cancel(list(running))
            if self.backend == "processes" and running:
                self._drop_pool()

    def _retry(self, fn: Callable[[Chunk], Any], failed: tuple[Chunk, int], exc: BaseException,
               running: dict[Any, tuple[Chunk, int]]) -> bool:
        """Resubmit a failed chunk (all running ones if the pool broke: returns True); ChunkError past the retries."""
        lost = [failed]
        broken = isinstance(exc, BrokenProcessPool)
        if broken:   # the pool is unusable: start a new one and resubmit everything that was running
            self._drop_pool()
            lost += list(running.values())
            running.clear()
        for c, attempt in lost:
            if attempt > self.retries:
                raise ChunkError(c.index, attempt, exc) from exc
            running[self._submit(fn, c, attempt + 1)] = (c, attempt + 1)
        return broken


def _outcome(fut: Any) -> tuple[Any, BaseException | None]:
    """A finished future's value, or the exception to retry; bad input and Ctrl-C are raised."""
    try:
        return fut.result(), None
    except (KeyboardInterrupt, ContractTheoryError):
        raise
    except BaseException as exc:  # noqa: BLE001 - includes dask's KilledWorker / CancelledError
        return None, exc


@dataclass
class Collected:
    """Results of :func:`collect`: ``results[index]`` per finished chunk, ``interrupted`` on Ctrl-C,
    ``resumed`` the chunk indices read back from a checkpoint."""

    results: dict[int, Any] = field(default_factory=dict)
    interrupted: bool = False
    resumed: list[int] = field(default_factory=list)

    def ordered(self) -> list[Any]:
        """Values by increasing chunk index (the reassembly rule)."""
        return [self.results[i] for i in sorted(self.results)]


def collect(executor: Executor, fn: Callable[[Chunk], Any], chunks: Iterable[Chunk], *,
            on_result: Callable[[ChunkResult], None] | None = None, checkpoint: str | os.PathLike[str] | None = None,
            job: Any = None, codec: tuple[Callable[[Any], Any], Callable[[Any], Any]] | None = None) -> Collected:
    """Run a whole job with :meth:`Executor.map_chunks`; on Ctrl-C return the partial results (``interrupted=True``)."""
    out = Collected()
    try:
        for r in executor.map_chunks(fn, chunks, on_result=on_result, checkpoint=checkpoint, job=job, codec=codec):
            out.results[r.index] = r.value
            if r.from_checkpoint:
                out.resumed.append(r.index)
    except KeyboardInterrupt as exc:
        out.interrupted = True
        part = partial_of(exc)
        if isinstance(part, ChunkResult):   # its checkpoint line was written while the Ctrl-C waited
            out.results[part.index] = part.value
    return out


def make_executor(backend: str | None = None, *, workers: int | None = None, scheduler: str | None = None,
                  retries: int = 2) -> Executor:
    """The executor a command asks for.

    Rule: a ``scheduler`` (or ``$CONTRACT_THEORY_SCHEDULER`` when ``backend`` is None or ``"dask"``)
    selects ``"dask"``; otherwise ``backend`` (default ``"processes"``).  A scheduler with another
    explicit backend is a ParameterError.

    Examples
    --------
    >>> make_executor("serial")
    Executor('serial', workers=1)
    """
    if scheduler is None and backend in (None, "dask"):
        scheduler = os.environ.get(SCHEDULER_ENV) or None
    if scheduler is not None:
        if backend not in (None, "dask"):
            raise ParameterError(f"--scheduler {scheduler!r} needs the dask backend, not --backend {backend}")
        backend = "dask"
    return Executor(backend or "processes", workers=workers, scheduler=scheduler, retries=retries)


# ---------------------------------------------------------------------------- command-line support
def add_execution_arguments(p: Any, default: str | None = None) -> None:
    """Add ``--backend``, ``--workers``, ``--scheduler``, ``--checkpoint`` to an argparse parser.

    ``default`` describes, for the help text, what runs when none of them is given.
    """
    g = p.add_argument_group("parallel execution (contract_theory.util.execution)")
    g.add_argument("--backend", choices=BACKENDS, default=None,
                   help="run in chunks on this backend; --workers or --checkpoint alone mean processes, "
                        "--scheduler or $" + SCHEDULER_ENV + " mean dask (default: "
                        + (default or "the classic serial run") + ")")
    g.add_argument("--workers", type=int, default=None,
                   help="local worker processes (default: all cores) for --backend processes/dask")
    g.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="Dask scheduler address, e.g. tcp://host:8786 (default $" + SCHEDULER_ENV + ")")
    g.add_argument("--checkpoint", default=None, metavar="PATH",
                   help="JSON-lines checkpoint: finished chunks are saved and skipped on a re-run")


def executor_from_args(args: Any) -> Executor | None:
    """The executor the execution flags ask for, or None for the classic (unchunked, serial) code path.

    Chunked mode is on when any of ``--backend``, ``--workers``, ``--scheduler``, ``--checkpoint``
    or ``$CONTRACT_THEORY_SCHEDULER`` is given.
    """
    backend = getattr(args, "backend", None)
    workers = getattr(args, "workers", None)
    scheduler = getattr(args, "scheduler", None)
    ckpt = getattr(args, "checkpoint", None)
    if backend is None and workers is None and scheduler is None and ckpt is None \
            and not os.environ.get(SCHEDULER_ENV):
        return None
    return make_executor(backend, workers=workers, scheduler=scheduler)
