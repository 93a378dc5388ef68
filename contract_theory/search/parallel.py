r"""Chunked, parallel counterexample search on :mod:`contract_theory.util.execution`.

Model: ``docs/background/model.md#4-partial-contracts``,
``docs/background/model.md#5-the-contracting-protocol``, ``docs/background/model.md#6-assumptions``; issue 8.

:func:`parallel_search` looks for the same thing as
:func:`contract_theory.search.counterexamples.find_counterexample` — a game of a
:class:`~contract_theory.search.counterexamples.GameSpace` on which a claim fails, shrunk and certified —
but splits the search into **chunks** that run on any :class:`~contract_theory.util.execution.Executor`.

Chunks (named rule):

* **random** spaces: chunk ``i`` evaluates ``chunk_size`` games drawn by
  ``numpy.random.default_rng(chunk_seed(seed, i))`` (shape uniform among the space's shapes, then the
  payoffs uniform — the same drawing rule as the serial search, with a per-chunk stream), stopping at
  its first failing game;
* **exhaustive** spaces (at most ``exhaustive_limit`` games): the serial search's enumeration order
  cut into consecutive slices of ``chunk_size`` games.

**Deterministic result rule**: the counterexample reported is the first failing game, in chunk
order then in order within the chunk, i.e. the failing game of the *lowest chunk index* that has
one.  When a chunk finds one, no further chunks are started, chunks with higher indices are
cancelled, and every lower chunk is waited for; so with ``max_games`` (and a time budget not
reached) the counterexample, its shrunk form, the certificate, ``searched`` and ``in_domain`` are
identical on every backend and for any number of workers.  ``searched`` counts the games of the
chunks before the reporting one plus that chunk's games up to and including the counterexample
(work done by cancelled higher chunks is discarded and not counted).  Under a time budget only the
number of chunks run varies: no new chunk starts after ``budget_seconds``.

The random stream differs from :func:`~contract_theory.search.counterexamples.find_counterexample`'s single
stream, so for the same seed the two functions may report different (equally valid) counterexamples;
the exhaustive order is the same, so there the first counterexample is the same.

Shrinking (:func:`~contract_theory.search.counterexamples.shrink`) and the certificate run serially in
the calling process.  Claims are shipped to workers by name (built-in) or by file path (a claim
file must exist at the same path on every worker).
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from contract_theory.errors import ParameterError
from contract_theory.search.counterexamples import (
    BUILTIN_CLAIMS,
    Claim,
    GameSpace,
    SearchResult,
    _enumerate,
    _json_params,
    certificate_for,
    claim_parameters,
    load_claim_file,
    resolve_search,
    shrink,
)
from contract_theory.util.execution import Chunk, ChunkResult, Executor, chunk_seed

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
    denominator), ``count`` and either ``tables`` (exhaustive) or nothing (random, drawn from
    ``chunk.seed``).  Returns ``{"searched", "in_domain", "found"}`` with ``found`` the failing
    payoff table as nested lists of ints (or None).

    >>> from contract_theory.util.execution import make_chunks
    >>> pay = {"claim": ("builtin", "members-gain"), "params": {}, "count": 50,
    ...        "space": ((2, 2), (2, 2), 0, 3, 1)}
    >>> r = search_chunk(make_chunks([pay], seed=0)[0])
    >>> r["found"] is not None, r["searched"] <= 50
    (True, True)
    """
    p = chunk.payload
    claim = _claim_from(p["claim"])
    players, actions, low, high, den = p["space"]
    space = GameSpace(players=tuple(players), actions=tuple(actions), low=low, high=high, denominator=den)
    params = p["params"]
    searched = in_domain = 0
    if p.get("tables") is not None:
        games: Iterator[np.ndarray] = (np.asarray(t, dtype=np.int64) for t in p["tables"])
    else:
        rng = np.random.default_rng(chunk.seed)
        shapes = space.shapes()
        lo, hi = space.low * space.denominator, space.high * space.denominator

        def draw() -> Iterator[np.ndarray]:
            for _ in range(p["count"]):
                shape = shapes[int(rng.integers(len(shapes)))]
                yield rng.integers(lo, hi + 1, size=shape + (len(shape),))
        games = draw()
    for ints in games:
        g = space.game(ints)
        v = claim.evaluate(g, claim_parameters(claim, g.n_players, params))
        searched += 1
        if v.holds is not None:
            in_domain += 1
        if v.holds is False:
            return {"searched": searched, "in_domain": in_domain, "found": ints.tolist()}
    return {"searched": searched, "in_domain": in_domain, "found": None}


def _plan(space: GameSpace, invariant: bool, exhaustive_limit: int, cap: int) -> np.ndarray | None:
    """The serial search's exhaustive order as one list of tables (object array), or None (random search)."""
    batches = []
    total = 0
    for shape in space.shapes():
        b = _enumerate(space, shape, invariant, cap)
        if b is None:
            return None
        batches.append(b + space.low * space.denominator)
        total += len(b)
    if total > exhaustive_limit:
        return None
    out = np.empty(total, dtype=object)
    k = 0
    for b in batches:
        for t in b:
            out[k] = t
            k += 1
    return out


def parallel_search(
    claim: Claim | str, space: GameSpace | None = None, *, executor: Executor, params: dict[str, Any] | None = None,
    seed: int = 0, max_games: int | None = None, budget_seconds: float | None = 30.0,
    chunk_size: int = DEFAULT_CHUNK_SIZE, exhaustive_limit: int = 20_000, enumerate_cap: int = 2_000_000,
    shrink_seconds: float | None = 60.0, checkpoint: str | None = None,
    progress: Callable[[int, float, str], None] | None = None,
) -> SearchResult:
    """Search ``space`` for a counterexample to ``claim`` in chunks on ``executor``; shrink and certify it.

    Parameters are those of :func:`~contract_theory.search.counterexamples.find_counterexample`, plus
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
    plan = _plan(space, invariant, exhaustive_limit, enumerate_cap)
    exhaustive = plan is not None
    n_plan = 0 if plan is None else len(plan)
    if not exhaustive and max_games is None and budget_seconds is None:
        raise ParameterError("a random search needs max_games or budget_seconds (both are None)")
    space_t = (tuple(space.players), tuple(space.actions), space.low, space.high, space.denominator)
    base = {"claim": ref, "params": params, "space": space_t}
    if exhaustive:
        n_chunks: int | None = math.ceil(n_plan / chunk_size)
    else:
        n_chunks = None if max_games is None else math.ceil(max_games / chunk_size)

    state: dict[str, Any] = {"best": None, "cut": False}
    results: dict[int, dict[str, Any]] = {}

    def chunks() -> Iterator[Chunk]:
        for i in (range(n_chunks) if n_chunks is not None else itertools.count()):
            if state["best"] is not None:
                return
            if deadline is not None and time.perf_counter() > deadline:
                state["cut"] = True
                return
            if plan is not None:
                tables = plan[i * chunk_size:(i + 1) * chunk_size]
                yield Chunk(i, None, dict(base, tables=list(tables), count=len(tables)))
            else:
                count = chunk_size if max_games is None else min(chunk_size, max_games - i * chunk_size)
                yield Chunk(i, chunk_seed(seed, i), dict(base, count=count))

    phase = "exhaustive" if exhaustive else "random"

    def on_result(r: ChunkResult) -> None:
        if progress is not None:
            progress(sum(v["searched"] for v in results.values()) + r.value["searched"],
                     time.perf_counter() - start, phase)

    job = {"kind": "search", "claim": ref[1] if ref[0] != "object" else claim.name, "params": _json_params(params),
           "space": space_t, "seed": seed, "chunk_size": chunk_size, "max_games": max_games,
           "exhaustive": exhaustive, "exhaustive_limit": exhaustive_limit}
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
            gen.close()  # cancels chunks still running
    except KeyboardInterrupt:
        interrupted = True
        notes.append("interrupted during the search")
    best = state["best"]
    if best is not None and not all(i in results for i in range(best)):
        notes.append(f"chunks below {best} did not all finish: the counterexample may not be the first")
    upto = sorted(i for i in results if best is None or i <= best)
    searched = sum(results[i]["searched"] for i in upto)
    in_domain = sum(results[i]["in_domain"] for i in upto)
    found_ints = None if best is None else np.asarray(results[best]["found"], dtype=np.int64)
    if exhaustive:
        notes.append(f"exhaustive over {n_plan} games" + (" (one per relabelling orbit)" if invariant else "")
                     + f" in {n_chunks} chunks of {chunk_size}")
    else:
        notes.append(f"random search in chunks of {chunk_size} games (per-chunk seeds from seed {seed})")
    if state["cut"]:
        notes.append(f"time budget reached after {searched} games")
    complete = exhaustive and best is None and not interrupted and len(results) == n_chunks
    original = None if found_ints is None else space.game(found_ints)
    steps = 0
    if found_ints is not None and not interrupted:
        sdl = None if shrink_seconds is None else time.perf_counter() + shrink_seconds
        found_ints, steps, interrupted = shrink(claim, params, found_ints, space, deadline=sdl)
        if interrupted:
            notes.append("interrupted during shrinking: the game is the smallest found so far")
    game = None if found_ints is None else space.game(found_ints)
    cert = None if game is None else certificate_for(claim, game, params)
    return SearchResult(found=game is not None, game=game, certificate=cert, searched=searched,
                        exhaustive=exhaustive, elapsed=time.perf_counter() - start, complete=complete,
                        in_domain=in_domain, claim=claim.name,
                        parameters=claim_parameters(claim, space.players[1], params), original=original,
                        shrink_steps=steps, interrupted=interrupted, seed=seed, space=space, notes=notes)
