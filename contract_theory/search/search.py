r"""The counterexample search: plan, evaluate, shrink, certify (`docs/background/model.md#4-partial-contracts`).

:func:`find_counterexample` looks for a game in a :class:`~contract_theory.search.spaces.GameSpace` on
which a claim (:mod:`contract_theory.search.claims`) fails, shrinks the failure to a minimal game and
returns it with a **certificate** (:mod:`contract_theory.search.certificates`) whose numbers are
re-verified by independent loop-based code.  :func:`contract_theory.search.parallel.parallel_search`
runs the same search in chunks on an execution backend; both end in :func:`finish_search`.

Search (named steps):

1. **Exhaustive** when the number of games to evaluate is at most ``exhaustive_limit``: every
   payoff table of every shape in the space (:func:`~contract_theory.search.spaces.enumerate_tables`),
   one representative per relabelling orbit when the claim is invariant.
2. Otherwise **random**: the single stream :func:`~contract_theory.search.spaces.random_tables` of
   ``numpy.random.default_rng(seed)`` (shape uniform among the space's shapes, payoffs uniform), until a
   failure, the time ``budget_seconds`` or ``max_games``.  **One stream per seed**: the chunked search
   cuts this same stream into chunks, so the first counterexample is the same on every backend, for any
   number of workers or chunk size, and without a backend.
3. **Shrink** (greedy passes, deterministic): drop a player (fixing its action), drop an action, move
   every payoff one step toward 0, then each payoff to 0 (or the bound of the range nearest 0) and
   one step toward it, keeping a change only when the claim still fails and the game is smaller in
   the order (players, total actions, sum |payoff|, largest |payoff|, payoff list).  It stays inside
   the space (its minimum players/actions and payoff range).

The same seed gives the same games in the same order, so the first counterexample and its shrunk
form are reproducible (the *number* searched within a time budget is not; pass ``max_games`` for a
fully deterministic run).  Ctrl-C (KeyboardInterrupt) ends the search or the shrinking and returns
what was found so far (``interrupted=True``).
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from contract_theory.games.formats.nfg import write_nfg
from contract_theory.games.normal_form import NormalFormGame
from contract_theory.search.certificates import certificate_for
from contract_theory.search.claims import Claim, claim_parameters, get_claim, json_parameters
from contract_theory.search.margin import robust_margin
from contract_theory.search.spaces import GameSpace, enumerate_tables, random_tables

__all__ = ["SearchResult", "find_counterexample", "shrink", "resolve_search", "search_plan", "table_stream",
           "evaluate_tables", "finish_search"]


# ---------------------------------------------------------------------------- results
@dataclass
class SearchResult:
    """What :func:`find_counterexample` found.

    ``searched``: games evaluated (orbit representatives count once); ``exhaustive``: the space was
    enumerated systematically (all of it when nothing was found and the search was not cut short:
    then ``complete`` is True); ``in_domain``: evaluated games inside the claim's domain;
    ``original`` is the first failing game before shrinking; ``shrink_steps`` the accepted steps.
    """

    found: bool
    game: NormalFormGame | None
    certificate: dict[str, Any] | None
    searched: int
    exhaustive: bool
    elapsed: float
    complete: bool = False
    in_domain: int = 0
    claim: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)
    original: NormalFormGame | None = None
    shrink_steps: int = 0
    interrupted: bool = False
    seed: int = 0
    space: GameSpace | None = None
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The ``search --format json`` document: found, nfg, certificate, searched, ..."""
        return {"claim": self.claim, "parameters": json_parameters(self.parameters), "found": self.found,
                "nfg": None if self.game is None else write_nfg(self.game),
                "certificate": self.certificate,
                "searched": {"games": self.searched, "exhaustive": self.exhaustive, "complete": self.complete,
                             "in_domain": self.in_domain},
                "seed": self.seed, "elapsed_seconds": round(self.elapsed, 3), "interrupted": self.interrupted,
                "shrink_steps": self.shrink_steps,
                "space": None if self.space is None else {
                    "players": list(self.space.players), "actions": list(self.space.actions),
                    "payoffs": f"{self.space.low}..{self.space.high}", "denominator": self.space.denominator},
                "notes": list(self.notes)}


# ---------------------------------------------------------------------------- shrinking
def _key(ints: np.ndarray) -> tuple[Any, ...]:
    n = ints.ndim - 1
    flat = [int(v) for v in ints.reshape(-1)]
    return (n, sum(ints.shape[:-1]), math.prod(ints.shape[:-1]), sum(abs(v) for v in flat),
            max((abs(v) for v in flat), default=0), tuple(abs(v) for v in flat), tuple(flat))


def _candidates(ints: np.ndarray, space: GameSpace) -> Iterator[np.ndarray]:
    n = ints.ndim - 1
    shape = ints.shape[:-1]
    lo, hi = space.low * space.denominator, space.high * space.denominator
    target = min(max(0, lo), hi)
    if n > space.players[0]:
        for i in range(n):
            for a in range(shape[i]):
                yield np.delete(np.take(ints, a, axis=i), i, axis=-1)
    for i in range(n):
        if shape[i] > space.actions[0]:
            for a in range(shape[i]):
                yield np.delete(ints, a, axis=i)
    step = np.sign(target - ints)
    if step.any():
        yield ints + step
    flat = ints.reshape(-1)
    for e in range(flat.size):
        v = int(flat[e])
        if v == target:
            continue
        for new in dict.fromkeys((target, v + (1 if target > v else -1))):
            c = flat.copy()
            c[e] = new
            yield c.reshape(ints.shape)


def shrink(claim: Claim, params: dict[str, Any], ints: np.ndarray, space: GameSpace, *,
           deadline: float | None = None, keep: Callable[[np.ndarray], bool] | None = None
           ) -> tuple[np.ndarray, int, bool]:
    """Greedy shrinking of a failing payoff table (module docstring, step 3).

    Returns ``(smallest failing table, accepted steps, interrupted)``.  Deterministic; stops at a
    local minimum, at ``deadline`` (``time.perf_counter()`` value) or on Ctrl-C.
    """
    cur = np.asarray(ints, dtype=np.int64)
    steps = 0

    def fails(t: np.ndarray) -> bool:
        g = space.game(t)
        return (claim.evaluate(g, claim_parameters(claim, g.n_players, params)).holds is False
                and (keep is None or keep(t)))

    try:
        improved = True
        while improved:
            improved = False
            for cand in _candidates(cur, space):
                if deadline is not None and time.perf_counter() > deadline:
                    return cur, steps, False
                if _key(cand) < _key(cur) and fails(cand):
                    cur, steps, improved = cand, steps + 1, True
                    break
    except KeyboardInterrupt:
        return cur, steps, True
    return cur, steps, False


# ---------------------------------------------------------------------------- the search
def resolve_search(claim: Claim | str, space: GameSpace | None, params: dict[str, Any] | None
                   ) -> tuple[Claim, GameSpace, dict[str, Any]]:
    """A search's claim (by name or object), space (default :class:`GameSpace`) and validated parameters."""
    if isinstance(claim, str):
        claim = get_claim(claim)
    space = space or GameSpace()
    params = dict(params or {})
    claim_parameters(claim, space.players[1], params)  # validate early
    return claim, space, params


def search_plan(space: GameSpace, invariant: bool, exhaustive_limit: int, cap: int) -> list[np.ndarray] | None:
    """The exhaustive order (module docstring, step 1) as a list of payoff tables, or None (random search).

    >>> len(search_plan(GameSpace(high=1), True, 100, 10_000))
    43
    """
    batches = []
    total = 0
    for shape in space.shapes():
        b = enumerate_tables(space, shape, invariant, cap)
        if b is None:
            return None
        batches.append(b + space.low * space.denominator)
        total += len(b)
    if total > exhaustive_limit:
        return None
    return [t for b in batches for t in b]


def table_stream(space: GameSpace, plan: list[np.ndarray] | None, seed: int,
                 max_games: int | None) -> Iterator[np.ndarray]:
    """The games a search evaluates, in order: the exhaustive ``plan``, or the seeded random stream.

    The chunked search cuts exactly this stream into chunks (module docstring, step 2).
    """
    if plan is not None:
        return iter(plan)
    stream = random_tables(space, np.random.default_rng(seed))
    return stream if max_games is None else itertools.islice(stream, max_games)


def evaluate_tables(claim: Claim, params: dict[str, Any], space: GameSpace, tables: Iterable[np.ndarray], *,
                    allow_ties: bool = True, deadline: float | None = None,
                    tick: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Evaluate ``claim`` on each table in order until the first counterexample to report.

    With ``allow_ties`` that is the first failing table; without, the first failing table whose
    margin (:func:`contract_theory.search.margin.robust_margin`) is > 0 (claims without an encoding
    have no margin: their first failing table is reported).  Returns ``{"searched", "in_domain",
    "found", "tied", "cut"}``: ``found`` the table (or None), ``tied`` the first failing table with
    margin 0 passed over (or None), ``cut`` whether ``deadline`` (a ``time.perf_counter()`` value)
    stopped it.  ``tick(searched)`` is called after each game.  Complexity: one claim evaluation
    per game, plus one robustness pass per failing game.
    """
    searched = in_domain = 0
    tied = None
    for ints in tables:
        if deadline is not None and time.perf_counter() > deadline:
            return {"searched": searched, "in_domain": in_domain, "found": None, "tied": tied, "cut": True}
        g = space.game(ints)
        p = claim_parameters(claim, g.n_players, params)
        v = claim.evaluate(g, p)
        searched += 1
        if v.holds is not None:
            in_domain += 1
        if v.holds is False:
            table = np.asarray(ints)
            if allow_ties or _margin(claim, p, space, table) != 0:
                return {"searched": searched, "in_domain": in_domain, "found": table, "tied": tied, "cut": False}
            if tied is None:
                tied = table
        if tick is not None:
            tick(searched)
    return {"searched": searched, "in_domain": in_domain, "found": None, "tied": tied, "cut": False}


def _margin(claim: Claim, p: dict[str, Any], space: GameSpace, table: np.ndarray) -> Fraction | None:
    """The margin of a failing table (None: the claim has no encoding)."""
    return robust_margin(claim.name, space.game(table).table, p, file=claim.file)


def finish_search(claim: Claim, space: GameSpace, params: dict[str, Any], found: np.ndarray | None, *,
                  searched: int, in_domain: int, exhaustive: bool, complete: bool, interrupted: bool,
                  notes: list[str], start: float, seed: int, shrink_seconds: float | None,
                  tied: np.ndarray | None = None, allow_ties: bool = True) -> SearchResult:
    """The one ending of every search: shrink the counterexample, certify it, build the result.

    Without ``allow_ties`` the reported game is ``found`` (margin > 0) and shrinking keeps its margin
    > 0; when no such game was found, the first tie-resting one (``tied``) is reported with a note.
    """
    robust = not allow_ties and found is not None
    if found is None and tied is not None:
        found = tied
        notes.append("no counterexample with margin > 0 was found in what was searched: this one rests on ties "
                     "(margin 0; the certificate names them)")
    original = None if found is None else space.game(found)
    steps = 0
    if found is not None and not interrupted:
        sdl = None if shrink_seconds is None else time.perf_counter() + shrink_seconds
        keep = None
        if robust:
            def keep(t: np.ndarray) -> bool:
                g = space.game(t)
                return _margin(claim, claim_parameters(claim, g.n_players, params), space, t) != 0
        found, steps, interrupted = shrink(claim, params, found, space, deadline=sdl, keep=keep)
        if interrupted:
            notes.append("interrupted during shrinking: the game is the smallest found so far")
    game = None if found is None else space.game(found)
    cert = None if game is None else certificate_for(claim, game, params)
    return SearchResult(found=game is not None, game=game, certificate=cert, searched=searched,
                        exhaustive=exhaustive, elapsed=time.perf_counter() - start, complete=complete,
                        in_domain=in_domain, claim=claim.name,
                        parameters=claim_parameters(claim, space.players[1], params), original=original,
                        shrink_steps=steps, interrupted=interrupted, seed=seed, space=space, notes=notes)


def find_counterexample(
    claim: Claim | str, space: GameSpace | None = None, *, params: dict[str, Any] | None = None,
    budget_seconds: float = 30.0, seed: int = 0, exhaustive_limit: int = 20_000, max_games: int | None = None,
    shrink_seconds: float | None = 60.0, enumerate_cap: int = 2_000_000,
    progress: Callable[[int, float, str], None] | None = None, allow_ties: bool = False,
) -> SearchResult:
    """Search ``space`` for a game on which ``claim`` fails; shrink it; certify it.

    By default the search keeps looking for a counterexample with margin > 0 (one that does not rest
    on ties, :mod:`contract_theory.search.margin`) and reports a tie-resting one only when none with a
    margin was found (saying so in ``notes``); ``allow_ties=True`` reports the first failing game.

    ``params`` are the claim's parameters (``k``, ``timing``, ...; see :mod:`contract_theory.search.claims`).
    ``exhaustive_limit`` is the largest number of games (orbit representatives for invariant
    claims) enumerated exhaustively; larger spaces are sampled at random.  ``budget_seconds``
    bounds the search (not the shrinking, bounded by ``shrink_seconds``); ``max_games`` bounds the
    number of random games.  ``progress(games, elapsed, phase)`` is called about every 0.2 s.
    Complexity: one claim evaluation per game (a coalition study: C(n, <=K) coalition solves).

    >>> r = find_counterexample("welfare-rises", GameSpace(players=(2, 2), high=1), budget_seconds=10)
    >>> r.found, r.exhaustive, r.complete, r.searched
    (False, True, True, 43)
    """
    claim, space, params = resolve_search(claim, space, params)
    start = time.perf_counter()
    invariant = claim.invariant(params)
    plan = search_plan(space, invariant, exhaustive_limit, enumerate_cap)
    exhaustive = plan is not None
    phase = "exhaustive" if exhaustive else "random"
    notes: list[str] = []
    if plan is not None:
        notes.append(f"exhaustive over {len(plan)} games" + (" (one per relabelling orbit)" if invariant else ""))
    last = [start]

    def tick(games: int) -> None:
        now = time.perf_counter()
        if progress is not None and now - last[0] >= 0.2:
            last[0] = now
            progress(games, now - start, phase)

    out: dict[str, Any] = {"searched": 0, "in_domain": 0, "found": None, "tied": None, "cut": False}
    interrupted = False
    try:
        out = evaluate_tables(claim, params, space, table_stream(space, plan, seed, max_games),
                              allow_ties=allow_ties, deadline=start + budget_seconds, tick=tick)
    except KeyboardInterrupt:
        interrupted = True
        notes.append("interrupted during the search")
    if out["cut"] and plan is not None:
        notes.append(f"time budget reached after {out['searched']} of {len(plan)} games")
    complete = exhaustive and out["found"] is None and out["tied"] is None and not out["cut"] and not interrupted
    return finish_search(claim, space, params, out["found"], searched=out["searched"], in_domain=out["in_domain"],
                         exhaustive=exhaustive, complete=complete, interrupted=interrupted, notes=notes,
                         start=start, seed=seed, shrink_seconds=shrink_seconds, tied=out["tied"],
                         allow_ties=allow_ties)
