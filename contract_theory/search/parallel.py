r"""Chunked, parallel counterexample search on :mod:`contract_theory.util.execution` (issue 8).

See `docs/background/model.md#4-partial-contracts` for the claims' quantities.

:func:`parallel_search` runs the search of :func:`contract_theory.search.search.find_counterexample` —
a game of a :class:`~contract_theory.search.spaces.GameSpace` on which a claim fails, shrunk and
certified — but cuts the games it evaluates into **chunks** that run on any
:class:`~contract_theory.util.execution.Executor`.

Chunks (named rule): the search's one stream of games
(:func:`~contract_theory.search.search.table_stream`: the exhaustive order, or the random stream of
``numpy.random.default_rng(seed)``) is drawn in the calling process and cut into consecutive slices of
``chunk_size`` tables; chunk ``i`` evaluates slice ``i`` and stops at its first failing game.

**Deterministic result rule**: the counterexample reported is the first failing game, in chunk
order then in order within the chunk, i.e. the first failing game of the stream: the same game as
the serial search's for the same seed, on every backend, for any number of workers and any chunk
size.  When a chunk finds one, no further chunks are started, chunks with higher indices are
cancelled, and every lower chunk is waited for; so with ``max_games`` (and a time budget not
reached) the counterexample, its shrunk form, the certificate, ``searched`` and ``in_domain`` are
identical everywhere.  ``searched`` counts the games of the chunks before the reporting one plus
that chunk's games up to and including the counterexample (work done by cancelled higher chunks is
discarded and not counted).  Under a time budget only the number of chunks run varies: no new chunk
starts after ``budget_seconds``.

Shrinking, the certificate and the result are the serial search's own ending
(:func:`~contract_theory.search.search.finish_search`), run in the calling process.  Claims are
shipped to workers by name (built-in) or by file path and limits (a claim file must exist at the
same path on every worker; each worker process runs it in its own supervised child,
:mod:`contract_theory.search.claim_worker`).

Interrupts: a Ctrl-C keeps every finished chunk (and the checkpoint has them); on the serial
backend the chunk being evaluated also gives what it found before the interrupt (a counterexample is
never dropped), but it is not checkpointed, so a re-run evaluates it again.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from contract_theory.errors import ParameterError
from contract_theory.search.claims import BUILTIN_CLAIMS, Claim, json_parameters, load_claim_file
from contract_theory.search.search import (
    SearchOptions,
    SearchResult,
    Tally,
    evaluate_tables,
    finish_search,
    resolve_search,
    search_options,
    search_plan,
    table_stream,
)
from contract_theory.search.spaces import GameSpace
from contract_theory.util.execution import Chunk, ChunkResult, Executor
from contract_theory.util.interrupts import Interrupted, partial_of

__all__ = ["parallel_search", "search_chunk", "DEFAULT_CHUNK_SIZE"]

#: Games per chunk by default.
DEFAULT_CHUNK_SIZE = SearchOptions.chunk_size


def _claim_from(ref: tuple[Any, ...]) -> Claim:
    kind, what = ref[0], ref[1]
    if kind == "builtin":
        return BUILTIN_CLAIMS[what]
    if kind == "file":
        return load_claim_file(what, ref[2] if len(ref) > 2 else None)   # one supervised child per worker process
    return what  # "object": only for the serial backend (nothing is pickled)


def _chunk_json(t: Tally) -> dict[str, Any]:
    return {"searched": t.searched, "in_domain": t.in_domain,
            "found": None if t.found is None else t.found.tolist(),
            "tied": None if t.tied is None else t.tied.tolist()}


def search_chunk(chunk: Chunk) -> dict[str, Any]:
    """Evaluate one chunk of a search (module docstring); picklable, runs on any worker.

    Payload keys: ``claim`` (reference), ``params``, ``space`` (players, actions, low, high,
    denominator) and ``tables`` (the chunk's slice of the search's stream).  Returns
    ``{"searched", "in_domain", "found", "tied"}`` with ``found`` the first payoff table to report
    (payload ``allow_ties``, default True: the first failing one; False: the first failing one with
    margin > 0) and ``tied`` the first tie-resting failing one passed over, as nested lists of ints
    (or None).  A Ctrl-C raises :class:`~contract_theory.util.interrupts.Interrupted` carrying the
    same document for the games evaluated before it (with the chunk's ``index``).

    Examples
    --------
    >>> from contract_theory.util.execution import make_chunks
    >>> tables = [[[[0, 0], [0, 0]], [[0, 0], [0, 0]]], [[[2, 1], [1, 0]], [[0, 0], [0, 0]]]]
    >>> pay = {"claim": ("builtin", "members-gain"), "params": {}, "tables": tables,
    ...        "space": ((2, 2), (2, 2), 0, 3, 1)}
    >>> search_chunk(make_chunks([pay])[0])
    {'searched': 2, 'in_domain': 2, 'found': [[[2, 1], [1, 0]], [[0, 0], [0, 0]]], 'tied': None}
    """
    p = chunk.payload
    players, actions, low, high, den = p["space"]
    space = GameSpace(players=tuple(players), actions=tuple(actions), low=low, high=high, denominator=den)
    tables = (np.asarray(t, dtype=np.int64) for t in p["tables"])
    out = evaluate_tables(_claim_from(p["claim"]), p["params"], space, tables, allow_ties=p.get("allow_ties", True))
    if out.interrupted:
        raise Interrupted(dict(_chunk_json(out), index=chunk.index))
    return _chunk_json(out)


def _claim_ref(claim: Claim, executor: Executor) -> tuple[Any, ...]:
    if claim.file is not None:
        return ("file", claim.file, claim.limits)
    if BUILTIN_CLAIMS.get(claim.name) is claim:
        return ("builtin", claim.name)
    if executor.backend == "serial":
        return ("object", claim)
    raise ParameterError(f"claim {claim.name!r} is neither built-in nor loaded from a file, so it cannot be "
                         f"sent to {executor.backend} workers; use a claim file or the serial backend")


@dataclass
class _Chunked:
    """The state of one chunked search: its stream cut into chunks, and the chunks' results."""

    space: GameSpace
    options: SearchOptions
    plan: list[np.ndarray] | None
    base: dict[str, Any]
    start: float
    progress: Callable[[int, float, str], None] | None
    results: dict[int, dict[str, Any]] = field(default_factory=dict)
    best: int | None = None
    cut: bool = False
    interrupted: bool = False

    @property
    def total(self) -> int | None:
        return len(self.plan) if self.plan is not None else self.options.max_games

    @property
    def n_chunks(self) -> int | None:
        return None if self.total is None else math.ceil(self.total / self.options.chunk_size)

    def chunks(self) -> Iterator[Chunk]:
        o = self.options
        stream = table_stream(self.space, self.plan, o.seed, o.max_games)
        deadline = None if o.budget_seconds is None else self.start + o.budget_seconds
        for i in range(self.n_chunks) if self.n_chunks is not None else itertools.count():
            if self.best is not None:
                return
            if deadline is not None and time.perf_counter() > deadline:
                self.cut = True
                return
            yield Chunk(i, None, dict(self.base, tables=list(itertools.islice(stream, o.chunk_size))))

    def on_result(self, r: ChunkResult) -> None:
        if self.progress is not None:
            self.progress(sum(v["searched"] for v in self.results.values()) + r.value["searched"],
                          time.perf_counter() - self.start, "exhaustive" if self.plan is not None else "random")

    def add(self, index: int, value: dict[str, Any]) -> bool:
        """Record a chunk's result; True when the answer can no longer change (every lower chunk is done)."""
        self.results[index] = value
        if value["found"] is not None and (self.best is None or index < self.best):
            self.best = index
        return self.best is not None and all(i in self.results for i in range(self.best))

    def run(self, executor: Executor, job: dict[str, Any]) -> None:
        gen = executor.map_chunks(search_chunk, self.chunks(), on_result=self.on_result,
                                  checkpoint=self.options.checkpoint, job=job)
        try:
            for r in gen:
                if self.add(r.index, r.value):
                    break
        except KeyboardInterrupt as exc:
            self.interrupted = True
            part = partial_of(exc)
            if isinstance(part, dict) and "index" in part:   # the serial chunk cut short: what it found counts
                self.add(part.pop("index"), part)
            elif isinstance(part, ChunkResult):              # a chunk finished as its checkpoint line was written
                self.add(part.index, part.value)
        finally:
            getattr(gen, "close", lambda: None)()  # cancels chunks still running

    def tally(self, invariant: bool) -> Tally:
        best, o = self.best, self.options
        upto = sorted(i for i in self.results if best is None or i <= best)
        t = Tally(searched=sum(self.results[i]["searched"] for i in upto),
                  in_domain=sum(self.results[i]["in_domain"] for i in upto), cut=self.cut,
                  interrupted=self.interrupted, exhaustive=self.plan is not None)
        t.found = None if best is None else np.asarray(self.results[best]["found"], dtype=np.int64)
        tied_at = [i for i in upto if self.results[i].get("tied") is not None]
        if best is None and tied_at:
            t.tied = np.asarray(self.results[tied_at[0]]["tied"], dtype=np.int64)
        if self.interrupted:
            t.notes.append("interrupted during the search")
        if best is not None and not all(i in self.results for i in range(best)):
            t.notes.append(f"chunks below {best} did not all finish: the counterexample may not be the first")
        if self.plan is not None:
            t.notes.append(f"exhaustive over {self.total} games" + (" (one per relabelling orbit)" if invariant else "")
                           + f" in {self.n_chunks} chunks of {o.chunk_size}")
        else:
            t.notes.append(f"random search in chunks of {o.chunk_size} games (one stream from seed {o.seed})")
        if self.cut:
            t.notes.append(f"time budget reached after {t.searched} games")
        t.complete = (self.plan is not None and best is None and t.tied is None and not self.interrupted
                      and len(self.results) == self.n_chunks)
        return t


def parallel_search(claim: Claim | str, space: GameSpace | None = None, *, executor: Executor,
                    params: dict[str, Any] | None = None, options: SearchOptions | None = None,
                    progress: Callable[[int, float, str], None] | None = None, **overrides: Any) -> SearchResult:
    """Search ``space`` for a counterexample to ``claim`` in chunks on ``executor``; shrink and certify it.

    Parameters are those of :func:`~contract_theory.search.search.find_counterexample` (``options``, a
    :class:`~contract_theory.search.search.SearchOptions`, or its fields as keywords), plus ``executor``;
    ``options.chunk_size`` is the number of games per chunk and ``options.checkpoint`` a JSON-lines
    file of finished chunks (a re-run with the same claim, parameters, space, seed, chunk size and
    ``max_games`` skips them).  The result rule (lowest chunk index wins) is in the module docstring.
    Random search needs ``max_games`` or ``budget_seconds`` (ParameterError if both are None).
    ``progress(games, elapsed, phase)`` is called after each finished chunk.  A deterministic input
    error inside a chunk (a claim file's :class:`~contract_theory.errors.ClaimFileError`) is raised
    once, never retried.
    Complexity: one claim evaluation per game, spread over the executor's workers, plus at most
    ``executor.max_pending`` wasted chunks after a counterexample.

    Examples
    --------
    >>> from contract_theory.util.execution import Executor
    >>> with Executor("serial") as ex:
    ...     r = parallel_search("welfare-rises", GameSpace(players=(2, 2), high=1), executor=ex)
    >>> r.found, r.exhaustive, r.complete, r.searched
    (False, True, True, 43)
    """
    opts = search_options(options, overrides)
    claim, space, params = resolve_search(claim, space, params)
    ref = _claim_ref(claim, executor)
    start = time.perf_counter()
    invariant = claim.invariant(params)
    plan = search_plan(space, invariant, opts.exhaustive_limit, opts.enumerate_cap)
    if plan is None and opts.max_games is None and opts.budget_seconds is None:
        raise ParameterError("a random search needs max_games or budget_seconds (both are None)")
    space_t = (tuple(space.players), tuple(space.actions), space.low, space.high, space.denominator)
    state = _Chunked(space, opts, plan, {"claim": ref, "params": params, "space": space_t,
                                         "allow_ties": opts.allow_ties}, start, progress)
    job = {"kind": "search", "claim": ref[1] if ref[0] != "object" else claim.name,
           "params": json_parameters(params), "space": space_t, "seed": opts.seed, "chunk_size": opts.chunk_size,
           "max_games": opts.max_games, "exhaustive": plan is not None, "exhaustive_limit": opts.exhaustive_limit,
           "stream": "one stream per seed", "allow_ties": opts.allow_ties}
    state.run(executor, job)
    return finish_search(claim, space, params, state.tally(invariant), opts, start)
