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
shipped to workers by name (built-in) or by file path (a claim file must exist at the same path on
every worker).
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from contract_theory.errors import ContractTheoryError, ParameterError
from contract_theory.search.claims import BUILTIN_CLAIMS, Claim, json_parameters, load_claim_file
from contract_theory.search.search import (
    SearchResult,
    evaluate_tables,
    finish_search,
    resolve_search,
    search_plan,
    table_stream,
)
from contract_theory.search.spaces import GameSpace
from contract_theory.util.execution import Chunk, ChunkError, ChunkResult, Executor

__all__ = ["parallel_search", "search_chunk", "DEFAULT_CHUNK_SIZE"]

#: Games per chunk by default.
DEFAULT_CHUNK_SIZE = 100

_CLAIMS: dict[str, Claim] = {}


def _claim_from(ref: tuple[str, Any]) -> Claim:
    kind, what = ref
    if kind == "builtin":
        return BUILTIN_CLAIMS[what]
    if kind == "file":
        if what not in _CLAIMS:
            _CLAIMS[what] = load_claim_file(what)
        return _CLAIMS[what]
    return what  # "object": only for the serial backend (nothing is pickled)


def search_chunk(chunk: Chunk) -> dict[str, Any]:
    """Evaluate one chunk of a search (module docstring); picklable, runs on any worker.

    Payload keys: ``claim`` (reference), ``params``, ``space`` (players, actions, low, high,
    denominator) and ``tables`` (the chunk's slice of the search's stream).  Returns
    ``{"searched", "in_domain", "found", "tied"}`` with ``found`` the first payoff table to report
    (payload ``allow_ties``, default True: the first failing one; False: the first failing one with
    margin > 0) and ``tied`` the first tie-resting failing one passed over, as nested lists of ints
    (or None).

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
    return {"searched": out["searched"], "in_domain": out["in_domain"],
            "found": None if out["found"] is None else out["found"].tolist(),
            "tied": None if out["tied"] is None else out["tied"].tolist()}


def parallel_search(
    claim: Claim | str, space: GameSpace | None = None, *, executor: Executor, params: dict[str, Any] | None = None,
    seed: int = 0, max_games: int | None = None, budget_seconds: float | None = 30.0,
    chunk_size: int = DEFAULT_CHUNK_SIZE, exhaustive_limit: int = 20_000, enumerate_cap: int = 2_000_000,
    shrink_seconds: float | None = 60.0, checkpoint: str | None = None,
    progress: Callable[[int, float, str], None] | None = None, allow_ties: bool = False,
) -> SearchResult:
    """Search ``space`` for a counterexample to ``claim`` in chunks on ``executor``; shrink and certify it.

    Parameters are those of :func:`~contract_theory.search.search.find_counterexample`, plus
    ``executor``, ``chunk_size`` (games per chunk) and ``checkpoint`` (JSON-lines file of finished
    chunks; a re-run with the same claim, parameters, space, seed, chunk size and ``max_games``
    skips them).  The result rule (lowest chunk index wins) is in the module docstring.  Random
    search needs ``max_games`` or ``budget_seconds`` (ParameterError if both are None).
    ``progress(games, elapsed, phase)`` is called after each finished chunk.
    Complexity: one claim evaluation per game, spread over the executor's workers, plus at most
    ``executor.max_pending`` wasted chunks after a counterexample.

    >>> from contract_theory.util.execution import Executor
    >>> with Executor("serial") as ex:
    ...     r = parallel_search("welfare-rises", GameSpace(players=(2, 2), high=1), executor=ex)
    >>> r.found, r.exhaustive, r.complete, r.searched
    (False, True, True, 43)
    """
    claim, space, params = resolve_search(claim, space, params)
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise ParameterError(f"chunk_size must be a positive integer, got {chunk_size!r}")
    if max_games is not None and (isinstance(max_games, bool) or not isinstance(max_games, int) or max_games < 1):
        raise ParameterError(f"max_games must be a positive integer, got {max_games!r}")
    if claim.file is not None:
        ref: tuple[str, Any] = ("file", claim.file)
    elif BUILTIN_CLAIMS.get(claim.name) is claim:
        ref = ("builtin", claim.name)
    elif executor.backend == "serial":
        ref = ("object", claim)
    else:
        raise ParameterError(f"claim {claim.name!r} is neither built-in nor loaded from a file, so it cannot be "
                             f"sent to {executor.backend} workers; use a claim file or the serial backend")
    start = time.perf_counter()
    deadline = None if budget_seconds is None else start + budget_seconds
    invariant = claim.invariant(params)
    plan = search_plan(space, invariant, exhaustive_limit, enumerate_cap)
    exhaustive = plan is not None
    if not exhaustive and max_games is None and budget_seconds is None:
        raise ParameterError("a random search needs max_games or budget_seconds (both are None)")
    space_t = (tuple(space.players), tuple(space.actions), space.low, space.high, space.denominator)
    base = {"claim": ref, "params": params, "space": space_t, "allow_ties": allow_ties}
    total = len(plan) if plan is not None else max_games
    n_chunks = None if total is None else math.ceil(total / chunk_size)
    stream = table_stream(space, plan, seed, max_games)

    state: dict[str, Any] = {"best": None, "cut": False}
    results: dict[int, dict[str, Any]] = {}

    def chunks() -> Iterator[Chunk]:
        for i in (range(n_chunks) if n_chunks is not None else itertools.count()):
            if state["best"] is not None:
                return
            if deadline is not None and time.perf_counter() > deadline:
                state["cut"] = True
                return
            yield Chunk(i, None, dict(base, tables=list(itertools.islice(stream, chunk_size))))

    phase = "exhaustive" if exhaustive else "random"

    def on_result(r: ChunkResult) -> None:
        if progress is not None:
            progress(sum(v["searched"] for v in results.values()) + r.value["searched"],
                     time.perf_counter() - start, phase)

    job = {"kind": "search", "claim": ref[1] if ref[0] != "object" else claim.name, "params": json_parameters(params),
           "space": space_t, "seed": seed, "chunk_size": chunk_size, "max_games": max_games,
           "exhaustive": exhaustive, "exhaustive_limit": exhaustive_limit,
           "stream": "one stream per seed", "allow_ties": allow_ties}
    interrupted = False
    notes: list[str] = []
    try:
        gen = executor.map_chunks(search_chunk, chunks(), on_result=on_result, checkpoint=checkpoint, job=job)
        try:
            for r in gen:
                results[r.index] = r.value
                if r.value["found"] is not None and (state["best"] is None or r.index < state["best"]):
                    state["best"] = r.index
                b = state["best"]
                if b is not None and all(i in results for i in range(b)):
                    break  # every lower chunk is done: the answer can no longer change
        finally:
            getattr(gen, "close", lambda: None)()  # cancels chunks still running
    except KeyboardInterrupt:
        interrupted = True
        notes.append("interrupted during the search")
    except ChunkError as exc:
        if isinstance(exc.__cause__, ContractTheoryError):  # bad input (a claim file that raises): say it once
            raise exc.__cause__ from None
        raise
    best = state["best"]
    if best is not None and not all(i in results for i in range(best)):
        notes.append(f"chunks below {best} did not all finish: the counterexample may not be the first")
    upto = sorted(i for i in results if best is None or i <= best)
    searched = sum(results[i]["searched"] for i in upto)
    in_domain = sum(results[i]["in_domain"] for i in upto)
    found_ints = None if best is None else np.asarray(results[best]["found"], dtype=np.int64)
    tied_at = [i for i in upto if results[i].get("tied") is not None]
    tied = None if best is not None or not tied_at else np.asarray(results[tied_at[0]]["tied"], dtype=np.int64)
    if exhaustive:
        notes.append(f"exhaustive over {total} games" + (" (one per relabelling orbit)" if invariant else "")
                     + f" in {n_chunks} chunks of {chunk_size}")
    else:
        notes.append(f"random search in chunks of {chunk_size} games (one stream from seed {seed})")
    if state["cut"]:
        notes.append(f"time budget reached after {searched} games")
    complete = exhaustive and best is None and tied is None and not interrupted and len(results) == n_chunks
    return finish_search(claim, space, params, found_ints, searched=searched, in_domain=in_domain,
                         exhaustive=exhaustive, complete=complete, interrupted=interrupted, notes=notes,
                         start=start, seed=seed, shrink_seconds=shrink_seconds, tied=tied, allow_ties=allow_ties)
