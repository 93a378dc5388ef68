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
what was found so far (``interrupted=True``): the games counted, and the counterexample found --
the one to report or, failing it, the first tie-resting one -- which is then certified unshrunk.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

import numpy as np

from contract_theory.errors import ParameterError
from contract_theory.games.formats.nfg import write_nfg
from contract_theory.games.normal_form import NormalFormGame
from contract_theory.search.certificates import certificate_for
from contract_theory.search.claims import Claim, claim_parameters, get_claim, json_parameters, verdicts
from contract_theory.search.margin import robust_margin
from contract_theory.search.spaces import GameSpace, enumerate_tables, random_tables

__all__ = ["SearchResult", "SearchOptions", "Tally", "find_counterexample", "shrink", "resolve_search", "search_plan",
           "table_stream", "evaluate_tables", "finish_search", "search_options"]


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


def _params_by_players(claim: Claim, params: dict[str, Any]) -> Callable[[int], dict[str, Any]]:
    """``claim_parameters`` for an N-player game, computed once per N (one dict object per N)."""
    cache: dict[int, dict[str, Any]] = {}

    def of(n: int) -> dict[str, Any]:
        if n not in cache:
            cache[n] = claim_parameters(claim, n, params)
        return cache[n]
    return of


def _first_smaller_failing(claim: Claim, params: dict[str, Any], cur: np.ndarray, space: GameSpace,
                           deadline: float | None, keep: Callable[[np.ndarray], bool] | None) -> np.ndarray | None:
    """The first candidate (in :func:`_candidates` order) smaller than ``cur`` on which the claim fails."""
    key = _key(cur)
    p_of = _params_by_players(claim, params)
    items = ((c, c, p_of(c.ndim - 1)) for c in _candidates(cur, space) if _key(c) < key)
    with closing(verdicts(claim, space, items)) as it:
        for cand, v in it:
            if deadline is not None and time.perf_counter() > deadline:
                return None
            if v.holds is False and (keep is None or keep(cand)):
                return cand
    return None


def shrink(claim: Claim, params: dict[str, Any], ints: np.ndarray, space: GameSpace, *,
           deadline: float | None = None, keep: Callable[[np.ndarray], bool] | None = None
           ) -> tuple[np.ndarray, int, bool]:
    """Greedy shrinking of a failing payoff table (module docstring, step 3).

    Returns ``(smallest failing table, accepted steps, interrupted)``.  Deterministic; stops at a
    local minimum, at ``deadline`` (``time.perf_counter()`` value) or on Ctrl-C.
    """
    cur = np.asarray(ints, dtype=np.int64)
    steps = 0
    try:
        while (nxt := _first_smaller_failing(claim, params, cur, space, deadline, keep)) is not None:
            cur, steps = nxt, steps + 1
    except KeyboardInterrupt:
        return cur, steps, True
    return cur, steps, False


# ---------------------------------------------------------------------------- options and tallies
def _check_int(value: Any, what: str, low: int) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        kind = "a positive integer" if low == 1 else "a non-negative integer"
        raise ParameterError(f"{what} must be {kind}, got {value!r}")


def _check_seconds(value: Any, what: str, positive: bool) -> None:
    if value is None:
        return
    bad = isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value)
    if bad or value < 0 or (positive and value == 0):
        kind = "a positive" if positive else "a non-negative"
        raise ParameterError(f"{what} must be {kind} number of seconds, got {value!r}")


@dataclass(frozen=True)
class SearchOptions:
    """How a search runs (every field validated here, so the API and the command line refuse alike).

    ``seed`` (>= 0) picks the random stream; ``budget_seconds`` (> 0, or None: no time limit) bounds
    the search, ``max_games`` (>= 1, or None) the number of random games, ``shrink_seconds`` (>= 0,
    or None) the shrinking; spaces of at most ``exhaustive_limit`` (>= 0) games (enumeration capped
    at ``enumerate_cap`` tables per shape) are enumerated; ``allow_ties`` reports the first failing
    game even if it rests on ties.  Chunked search only: ``chunk_size`` (>= 1) games per chunk and a
    ``checkpoint`` file (:func:`contract_theory.search.parallel.parallel_search`).

    Examples
    --------
    >>> SearchOptions(budget_seconds=float("nan"))
    Traceback (most recent call last):
    ...
    contract_theory.errors.ParameterError: the time budget (--budget) must be a positive number of seconds, got nan
    """

    seed: int = 0
    budget_seconds: float | None = 30.0
    max_games: int | None = None
    shrink_seconds: float | None = 60.0
    exhaustive_limit: int = 20_000
    enumerate_cap: int = 2_000_000
    allow_ties: bool = False
    chunk_size: int = 100
    checkpoint: str | None = None

    def __post_init__(self) -> None:
        _check_int(self.seed, "the seed (--seed)", 0)
        _check_seconds(self.budget_seconds, "the time budget (--budget)", positive=True)
        if self.max_games is not None:
            _check_int(self.max_games, "the game limit (--max-games)", 1)
        _check_seconds(self.shrink_seconds, "the shrinking budget (--shrink-budget)", positive=False)
        _check_int(self.exhaustive_limit, "the exhaustive limit (--exhaustive-limit)", 0)
        _check_int(self.enumerate_cap, "enumerate_cap", 0)
        _check_int(self.chunk_size, "the chunk size (--chunk-size)", 1)


def search_options(options: SearchOptions | None, overrides: dict[str, Any]) -> SearchOptions:
    """``options`` (default :class:`SearchOptions`) with the keyword ``overrides`` applied (and validated)."""
    base = options or SearchOptions()
    return replace(base, **overrides) if overrides else base


@dataclass
class Tally:
    """What a search did: games ``searched`` (and ``in_domain``), the table ``found`` to report (or None),
    the first tie-resting failing table passed over (``tied``), whether the time budget ``cut`` it or a
    Ctrl-C ``interrupted`` it, whether it was ``exhaustive`` (and ``complete``), and its ``notes``."""

    searched: int = 0
    in_domain: int = 0
    found: np.ndarray | None = None
    tied: np.ndarray | None = None
    cut: bool = False
    interrupted: bool = False
    exhaustive: bool = False
    complete: bool = False
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------- the search
def resolve_search(claim: Claim | str, space: GameSpace | None, params: dict[str, Any] | None
                   ) -> tuple[Claim, GameSpace, dict[str, Any]]:
    """A search's claim (by name or object), space (default :class:`GameSpace`) and validated parameters.

    K must satisfy 2 <= K <= N for the space's largest N (ParameterError otherwise).
    """
    if isinstance(claim, str):
        claim = get_claim(claim)
    space = space or GameSpace()
    params = dict(params or {})
    k, n = params.get("k"), space.players[1]
    if k is not None and (isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 2 <= k <= n):
        raise ParameterError(f"K = {k!r} is outside 2 <= K <= N = {n}: a contract needs two signatories and the "
                             f"space's games have at most {n} players (--k, --players)")
    claim_parameters(claim, n, params)  # validate early
    return claim, space, params


def search_plan(space: GameSpace, invariant: bool, exhaustive_limit: int, cap: int) -> list[np.ndarray] | None:
    """The exhaustive order (module docstring, step 1) as a list of payoff tables, or None (random search).

    Examples
    --------
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
                    tick: Callable[[int], None] | None = None) -> Tally:
    """Evaluate ``claim`` on each table in order until the first counterexample to report.

    With ``allow_ties`` that is the first failing table; without, the first failing table whose
    margin (:func:`contract_theory.search.margin.robust_margin`) is > 0 (claims without an encoding
    have no margin: their first failing table is reported).  Returns a :class:`Tally`: ``found`` the
    table (or None), ``tied`` the first failing table with margin 0 passed over (or None), ``cut``
    whether ``deadline`` (a ``time.perf_counter()`` value) stopped it.  A Ctrl-C ends it with
    ``interrupted=True`` and keeps everything counted and found before it.  ``tick(searched)`` is
    called after each game.  Complexity: one claim evaluation per game (a claim file's in batches,
    :func:`~contract_theory.search.claims.verdicts`), plus one robustness pass per failing game.
    """
    out = Tally()
    p_of = _params_by_players(claim, params)
    items = ((t, t, p_of(t.ndim - 1)) for t in map(np.asarray, tables))
    try:
        with closing(verdicts(claim, space, items)) as it:
            for table, v in it:
                if deadline is not None and time.perf_counter() > deadline:
                    out.cut = True
                    break
                out.searched += 1
                if v.holds is not None:
                    out.in_domain += 1
                if v.holds is False:
                    if allow_ties or _margin(claim, p_of(table.ndim - 1), space, table) != 0:
                        out.found = table
                        break
                    if out.tied is None:
                        out.tied = table
                if tick is not None:
                    tick(out.searched)
    except KeyboardInterrupt:
        out.interrupted = True
    return out


def _margin(claim: Claim, p: dict[str, Any], space: GameSpace, table: np.ndarray) -> Fraction | None:
    """The margin of a failing table (None: the claim has no encoding)."""
    return robust_margin(claim.name, space.game(table).table, p, file=claim.file)


def _certify(claim: Claim, game: NormalFormGame | None, params: dict[str, Any], notes: list[str]
             ) -> tuple[dict[str, Any] | None, bool]:
    """The certificate of the reported game and whether a Ctrl-C cut it short (the game is then kept,
    uncertified, and the search counts as interrupted: exit 130, never 0)."""
    if game is None:
        return None, False
    try:
        return certificate_for(claim, game, params), False
    except KeyboardInterrupt:
        notes.append("interrupted while certifying: the game is shown without its certificate")
        return None, True


def finish_search(claim: Claim, space: GameSpace, params: dict[str, Any], tally: Tally, options: SearchOptions,
                  start: float) -> SearchResult:
    """The one ending of every search: shrink the counterexample, certify it, build the result.

    Without ``options.allow_ties`` the reported game is ``tally.found`` (margin > 0) and shrinking
    keeps its margin > 0; when no such game was found, the first tie-resting one (``tally.tied``) is
    reported with a note.  After a Ctrl-C nothing is shrunk: the game found so far is certified and
    reported as it is.
    """
    notes = tally.notes
    found, interrupted = tally.found, tally.interrupted
    robust = not options.allow_ties and found is not None
    if found is None and tally.tied is not None:
        found = tally.tied
        notes.append("no counterexample with margin > 0 was found in what was searched: this one rests on ties "
                     "(margin 0; the certificate names them)")
    original = None if found is None else space.game(found)
    steps = 0
    if found is not None and not interrupted:
        sdl = None if options.shrink_seconds is None else time.perf_counter() + options.shrink_seconds
        keep = None
        if robust:
            def keep(t: np.ndarray) -> bool:
                return _margin(claim, claim_parameters(claim, t.ndim - 1, params), space, t) != 0
        found, steps, interrupted = shrink(claim, params, found, space, deadline=sdl, keep=keep)
        if interrupted:
            notes.append("interrupted during shrinking: the game is the smallest found so far")
    game = None if found is None else space.game(found)
    cert, cut = _certify(claim, game, params, notes)
    interrupted = interrupted or cut
    return SearchResult(found=game is not None, game=game, certificate=cert, searched=tally.searched,
                        exhaustive=tally.exhaustive, elapsed=time.perf_counter() - start, complete=tally.complete,
                        in_domain=tally.in_domain, claim=claim.name,
                        parameters=claim_parameters(claim, space.players[1], params), original=original,
                        shrink_steps=steps, interrupted=interrupted, seed=options.seed, space=space, notes=notes)


def find_counterexample(claim: Claim | str, space: GameSpace | None = None, *, params: dict[str, Any] | None = None,
                        options: SearchOptions | None = None,
                        progress: Callable[[int, float, str], None] | None = None, **overrides: Any) -> SearchResult:
    """Search ``space`` for a game on which ``claim`` fails; shrink it; certify it.

    By default the search keeps looking for a counterexample with margin > 0 (one that does not rest
    on ties, :mod:`contract_theory.search.margin`) and reports a tie-resting one only when none with a
    margin was found (saying so in ``notes``); ``allow_ties=True`` reports the first failing game.

    ``params`` are the claim's parameters (``k``, ``timing``, ...; see :mod:`contract_theory.search.claims`).
    ``options`` (:class:`SearchOptions`; keyword ``overrides`` such as ``budget_seconds=10, seed=3``
    replace its fields) holds the seed, the budgets and the exhaustive limit: spaces of at most
    ``exhaustive_limit`` games (orbit representatives for invariant claims) are enumerated, larger
    ones sampled at random; ``budget_seconds`` bounds the search (not the shrinking, bounded by
    ``shrink_seconds``); ``max_games`` bounds the number of random games.
    ``progress(games, elapsed, phase)`` is called about every 0.2 s.  A Ctrl-C keeps what was found
    (``interrupted=True``).  Complexity: one claim evaluation per game (a coalition study: C(n, <=K)
    coalition solves).

    Examples
    --------
    >>> r = find_counterexample("welfare-rises", GameSpace(players=(2, 2), high=1), budget_seconds=10)
    >>> r.found, r.exhaustive, r.complete, r.searched
    (False, True, True, 43)
    """
    opts = search_options(options, overrides)
    claim, space, params = resolve_search(claim, space, params)
    start = time.perf_counter()
    invariant = claim.invariant(params)
    plan = search_plan(space, invariant, opts.exhaustive_limit, opts.enumerate_cap)
    if plan is None and opts.max_games is None and opts.budget_seconds is None:
        raise ParameterError("a random search needs max_games or budget_seconds (both are None)")
    phase = "exhaustive" if plan is not None else "random"
    last = [start]

    def tick(games: int) -> None:
        now = time.perf_counter()
        if progress is not None and now - last[0] >= 0.2:
            last[0] = now
            progress(games, now - start, phase)

    deadline = None if opts.budget_seconds is None else start + opts.budget_seconds
    tally = evaluate_tables(claim, params, space, table_stream(space, plan, opts.seed, opts.max_games),
                            allow_ties=opts.allow_ties, deadline=deadline, tick=tick)
    tally.exhaustive = plan is not None
    if plan is not None:
        tally.notes.append(f"exhaustive over {len(plan)} games" + (" (one per relabelling orbit)" if invariant else ""))
    if tally.interrupted:
        tally.notes.append("interrupted during the search")
    if tally.cut and plan is not None:
        tally.notes.append(f"time budget reached after {tally.searched} of {len(plan)} games")
    tally.complete = (plan is not None and tally.found is None and tally.tied is None and not tally.cut
                      and not tally.interrupted)
    return finish_search(claim, space, params, tally, opts, start)
