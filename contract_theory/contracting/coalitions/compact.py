r"""The compact adapter of the coalition engine: coalitions by composition (``docs/background/model.md#8-compact-games``).

The questions of ``docs/background/model.md#4-partial-contracts`` for
:class:`~contract_theory.games.compact.AnonymousGame` and
:class:`~contract_theory.games.compact.AggregativeGame`, at a cost polynomial in N for a
fixed number of types and actions.  Players of a type are exchangeable, so what a coalition
achieves depends only on its **composition** s (members per type): a coalition is named by
s, and its *canonical* members are the first s_t players of each type.

:class:`CompactBloc` is the third adapter of :mod:`contract_theory.contracting.coalitions.bloc`
(beside the normal-form and Markov ones): the engine's outcome, tie rule, sharing, study
(W_k, the curve, the smallest k) and stability run unchanged on it, and this module keeps only
what is specific to counting -- the compositions, the two continuation engines below, and the
payoffs of an arrangement of players as runs.

Continuation engines.  *Counts engine* (any typed anonymous game): the members' joint action is
a count matrix M (s_t members per type spread over actions), the outsiders' an O; the pair's
payoffs come from :func:`~contract_theory.equilibria.compact.count_tables`, outsiders'
equilibria from its ``content`` table (an outsider on (t, b) best-responds at M + O), all
vectorized over the #M x #O pairs.  Stackelberg: for every M the outsiders' equilibria are
selected by (bloc total, welfare) in the ``selection``'s direction, then the smallest profile
(the O whose players, in index order, play the smallest actions) -- the dense rule, per
commitment.  Nash: the pairs where M is a bloc best response to O and O an outsiders'
equilibrium.  A commitment leaving the outsiders without a pure equilibrium is excluded and
``complete=False`` (the dense code with ``mixed=False``).  Cost per composition O(#M * #O *
sum m_t) with #M = prod_t C(s_t + m_t - 1, m_t - 1).  *Linear engine* (linear aggregative games,
u_i = alpha_t X + h_t(x_i)): every outsider has dominant actions and the bloc's total is
separable, so each member of type t plays an action maximizing A_S w_t x + h_t(x)
(A_S = sum_S alpha) and each outsider a dominant one; ties go to the lowest (pessimistic) or
highest (optimistic) bloc total, then welfare, then the smallest action; Stackelberg and Nash
coincide.  Cost O(sum_t m_t) per composition.  (An aggregative engine for non-linear payoffs
would be a third continuation function of :class:`CompactBloc`.)

Payoffs.  An outcome (M, O) is arranged on a coalition's players in index order: within a type,
members play M's actions in ascending order, outsiders O's; the no-contract outcome likewise
(:attr:`CompactBaseline.runs`).  The engine shares payoffs over :class:`~.bloc.Slot` runs of
equal players, so an outcome of a 1000-player game is a few numbers.

Stability (:mod:`contract_theory.contracting.coalitions.stability`, the one definition) is decided
**per player**, exactly as in the dense game: v_i(T) is player i's payoff in the outcome of
coalition T, for any set T of players, where T's outcome is its composition's outcome arranged
on T's players (among outcomes tied on (U_S, W), the one whose profile is smallest for T's
players: the dense tie rule).  Two notions are reported:

* ``stability[s]`` / :attr:`CompactAnalysis.stable_compositions`: the **canonical coalition** of
  s (the first s_t players of each type) is stable -- what the dense study says of that
  coalition;
* :attr:`CompactAnalysis.stable_in_every_arrangement`: **every** coalition of composition s is
  stable.  The two differ when players of one type are treated differently (a no-contract
  outcome in which they play different actions, lump-sum shares, or ties decided by the
  smallest profile); then the second is decided by enumerating the coalitions, up to
  :data:`ARRANGEMENT_BUDGET` player checks, and is ``None`` (undecided) beyond.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Any

import numpy as np

from contract_theory.contracting.coalitions.aggregative import (
    StudyProgress,
    aggregate_nash,
    aggregate_stackelberg,
    check_study_cost,
)
from contract_theory.contracting.coalitions.bloc import (
    Candidate,
    Continuations,
    Found,
    Shared,
    Slot,
    StabilityValue,
    shared_payoffs,
)
from contract_theory.contracting.coalitions.normal_form import lex_select
from contract_theory.contracting.coalitions.partial_contracts import PartialContractAnalysis, check_k
from contract_theory.contracting.coalitions.rules import MAX_PAIRS, SELECTIONS, Rules, Selection, check_choice
from contract_theory.contracting.coalitions.stability import coalition_stability
from contract_theory.equilibria.aggregative import aggregate_form
from contract_theory.equilibria.compact import (
    CountTables,
    _compact_optimum,
    _compact_pure_equilibria,
    compact_welfare,
    compact_welfares,
    count_tables,
    dominant_actions,
    linear_game,
)
from contract_theory.errors import ParameterError, SizeLimitError
from contract_theory.games.compact import AggregativeGame, AnonymousGame, Counts, distributions

__all__ = ["Runs", "CompactBaseline", "CompositionOutcome", "CompactAnalysis", "CompactBloc", "compositions",
           "canonical_coalition", "check_composition", "counts_no_contract", "ARRANGEMENT_BUDGET"]

#: Payoffs of consecutive canonical players of one type: ((payoff, how many), ...).
Runs = tuple[tuple[Fraction, int], ...]
#: A pair of count matrices: the members' M and the outsiders' O.
Pair = tuple[Counts, Counts]
#: Most (coalition x player) checks spent deciding :attr:`CompactAnalysis.stable_in_every_arrangement`.
ARRANGEMENT_BUDGET = 20_000


# ---------------------------------------------------------------------------- runs
def _take(runs: Runs, start: int, length: int) -> Runs:
    out, pos = [], 0
    for v, k in runs:
        lo, hi = max(pos, start), min(pos + k, start + length)
        if hi > lo:
            out.append((v, hi - lo))
        pos += k
    return tuple(out)


def _expand(runs: Runs) -> list[Fraction]:
    return [v for v, k in runs for _ in range(k)]


def _pairwise(a: Runs, b: Runs) -> Iterable[tuple[Fraction, Fraction, int]]:
    """Aligned (a value, b value, length) segments of two runs of equal total length."""
    i = j = 0
    ra = rb = 0
    while i < len(a) and j < len(b):
        left_a, left_b = a[i][1] - ra, b[j][1] - rb
        step = min(left_a, left_b)
        yield a[i][0], b[j][0], step
        ra += step
        rb += step
        if ra == a[i][1]:
            i, ra = i + 1, 0
        if rb == b[j][1]:
            j, rb = j + 1, 0


def _action_runs(row: Sequence[int]) -> list[tuple[int, int]]:
    """A count row as (action, count) runs in ascending action order (the arrangement on players)."""
    return [(b, k) for b, k in enumerate(row) if k]


# ---------------------------------------------------------------------------- results
def canonical_coalition(game: AnonymousGame, composition: Sequence[int]) -> tuple[int, ...]:
    """The canonical members of a composition: the first s_t players of each type.

    Examples
    --------
    >>> from contract_theory.games.compact_library import public_goods_compact
    >>> canonical_coalition(public_goods_compact(counts=[3, 2]), (1, 2))
    (0, 3, 4)
    """
    out: list[int] = []
    start = 0
    for n, s in zip(game.type_counts, composition):
        out += range(start, start + s)
        start += n
    return tuple(out)


def _composition_of(game: AnonymousGame, players: Iterable[int]) -> tuple[int, ...]:
    """Members per type of a set of players."""
    ends = list(itertools.accumulate(game.type_counts))
    s = [0] * game.n_types
    for i in players:
        s[bisect.bisect_right(ends, i)] += 1
    return tuple(s)


@dataclass(frozen=True)
class CompactBaseline:
    """The no-contract outcome as counts: ``counts``, per-type ``runs`` (players in order), welfare."""

    counts: Counts | None
    runs: tuple[Runs, ...] | None
    welfare: Fraction | None
    ties: tuple[Counts, ...] = ()
    notes: tuple[str, ...] = ()
    strategies: None = None

    @property
    def payoffs(self) -> tuple[Fraction, ...] | None:
        """Per-player payoffs (players type by type); use for small N."""
        return None if self.runs is None else tuple(v for r in self.runs for v in _expand(r))

    @property
    def profile(self) -> tuple[int, ...] | None:
        """The canonical profile: per type, the smallest actions on the first players."""
        if self.counts is None:
            return None
        return tuple(b for row in self.counts for b, k in enumerate(row) for _ in range(k))


@dataclass(frozen=True)
class CompositionOutcome:
    """What a coalition of composition s reaches (``docs/background/model.md#4-partial-contracts``).

    ``members`` / ``outsiders`` are the count matrices M and O of the selected outcome;
    ``member_runs`` the members' final (shared) payoffs per type, ``raw_member_runs`` before
    sharing, ``outsider_runs`` the outsiders' payoffs; ``ties`` the (M, O) pairs tied with it
    on (bloc total, welfare) (the dense rule's candidates, smallest canonical profile first).
    The dense-style ``coalition``, ``profile``, ``payoffs`` and ``raw_payoffs`` describe the
    canonical coalition (for small N).
    """

    composition: tuple[int, ...]
    type_counts: tuple[int, ...]
    timing: str
    selection: str
    sharing: str
    members: Counts | None
    outsiders: Counts | None
    member_runs: tuple[Runs, ...] | None
    raw_member_runs: tuple[Runs, ...] | None
    outsider_runs: tuple[Runs, ...] | None
    bloc_value: Fraction | None
    welfare: Fraction | None
    members_accept: bool | None
    gains: tuple[Fraction, Fraction, Fraction] | None
    ties: tuple[Pair, ...] = ()
    complete: bool = True
    notes: tuple[str, ...] = field(default=())
    strategies: None = None

    @property
    def size(self) -> int:
        """|S|."""
        return sum(self.composition)

    @property
    def coalition(self) -> tuple[int, ...]:
        """The canonical coalition (first s_t players of each type)."""
        out: list[int] = []
        start = 0
        for n, s in zip(self.type_counts, self.composition):
            out += range(start, start + s)
            start += n
        return tuple(out)

    def _per_player(self, member: tuple[Runs, ...] | None) -> tuple[Fraction, ...] | None:
        if member is None or self.outsider_runs is None:
            return None
        return tuple(v for m, o in zip(member, self.outsider_runs) for v in _expand(m) + _expand(o))

    @property
    def payoffs(self) -> tuple[Fraction, ...] | None:
        """Final payoffs of the canonical coalition's players (type by type)."""
        return self._per_player(self.member_runs)

    @property
    def raw_payoffs(self) -> tuple[Fraction, ...] | None:
        """Payoffs before sharing of the canonical coalition's players (type by type)."""
        return self._per_player(self.raw_member_runs)

    @property
    def profile(self) -> tuple[int, ...] | None:
        """The canonical profile of (M, O)."""
        if self.members is None or self.outsiders is None:
            return None
        return _canonical_profile(self.members, self.outsiders)


def _canonical_profile(M: Counts, O: Counts) -> tuple[int, ...]:
    prof: list[int] = []
    for mt, ot in zip(M, O):
        for row in (mt, ot):
            for b, k in enumerate(row):
                prof += [b] * k
    return tuple(prof)


# ---------------------------------------------------------------------------- compositions
def _dists(game: AnonymousGame, totals: Sequence[int]) -> np.ndarray:
    """All flattened count rows with ``totals[t]`` players of type t (lexicographic order)."""
    parts = [distributions(int(n), m) for n, m in zip(totals, game.n_actions)]
    rows = parts[0]
    for p in parts[1:]:
        rows = np.concatenate([np.repeat(rows, len(p), axis=0), np.tile(p, (len(rows), 1))], axis=1)
    return rows


def check_composition(game: AnonymousGame, composition: Sequence[int]) -> tuple[int, ...]:
    """Validate a composition: 0 <= s_t <= n_t and at least 2 members.

    Examples
    --------
    >>> from contract_theory.games.compact_library import public_goods_compact
    >>> check_composition(public_goods_compact(counts=[3, 2]), [1, 1])
    (1, 1)
    """
    s = tuple(int(x) for x in composition)
    if len(s) != game.n_types or any(not 0 <= x <= n for x, n in zip(s, game.type_counts)):
        raise ParameterError(f"composition {list(composition)} must give 0..n_t members for each of the "
                             f"{game.n_types} types (type counts {list(game.type_counts)})")
    if sum(s) < 2:
        raise ParameterError(f"composition {list(s)} has {sum(s)} member(s); a contract needs at least 2 "
                             "signatories (|S| = 1 means no contract)")
    return s


def compositions(game: AnonymousGame, min_size: int, k: int) -> list[tuple[int, ...]]:
    """Every composition with min_size <= sum s <= k, by size then lexicographically.

    Examples
    --------
    >>> from contract_theory.games.compact_library import public_goods_compact
    >>> compositions(public_goods_compact(counts=[2, 1]), 2, 3)
    [(1, 1), (2, 0), (2, 1)]
    """
    out = [s for s in _product_ranges(game.type_counts) if min_size <= sum(s) <= k]
    return sorted(out, key=lambda s: (sum(s), s))


def _product_ranges(counts: Sequence[int]) -> list[tuple[int, ...]]:
    out: list[tuple[int, ...]] = [()]
    for n in counts:
        out = [s + (k,) for s in out for k in range(n + 1)]
    return out


# ---------------------------------------------------------------------------- baseline
def counts_no_contract(game: AnonymousGame, selection: Selection = "pessimistic") -> CompactBaseline:
    """The default (no-contract) equilibrium: the pure equilibrium with the lowest (pessimistic)
    or highest (optimistic) welfare, ties to the smallest canonical profile (A10).

    Examples
    --------
    >>> from contract_theory.games.compact_library import volunteers_dilemma_compact
    >>> b = counts_no_contract(volunteers_dilemma_compact(3))
    >>> b.counts, b.payoffs
    (((1, 2),), (Fraction(1, 1), Fraction(2, 1), Fraction(2, 1)))
    """
    check_choice(selection, SELECTIONS, "selection")
    form = None if linear_game(game) is not None else aggregate_form(game)
    if form is not None:
        return _aggregate_no_contract(game, form, selection == "pessimistic")
    eqs = _linear_defaults(game, selection == "pessimistic")
    if eqs is None:
        eqs = list(_compact_pure_equilibria(game).equilibria)
    if not eqs:
        return CompactBaseline(None, None, None, (), ("the game has no pure Nash equilibrium; no-contract payoffs "
                                                      "are undefined here",))
    wel = compact_welfares(game, eqs)
    target = min(wel) if selection == "pessimistic" else max(wel)
    tied = [c for c, w in zip(eqs, wel) if w == target]
    best = min(tied, key=game.canonical_profile)
    runs = tuple(tuple((game.payoff(t, b, best), k) for b, k in enumerate(row) if k) for t, row in enumerate(best))
    return CompactBaseline(best, runs, target, tuple(tied), ())


def _aggregate_no_contract(game: AnonymousGame, form: Any, pess: bool) -> CompactBaseline:
    """:func:`counts_no_contract` through the aggregate (:mod:`contract_theory.equilibria.aggregative`)."""
    found = form.no_contract(pess)
    if found is None:
        return CompactBaseline(None, None, None, (), ("the game has no pure Nash equilibrium; no-contract payoffs "
                                                      "are undefined here",))
    best, welfare, tied = found
    runs = tuple(tuple((game.payoff(t, b, best), k) for b, k in enumerate(row) if k) for t, row in enumerate(best))
    return CompactBaseline(best, runs, form.fraction(welfare), tied, ())


def _linear_defaults(game: AnonymousGame, pess: bool) -> list[Counts] | None:
    """A linear aggregative game's selected profile of dominant actions (``None`` for other games)."""
    agg = linear_game(game)
    if agg is None or agg.linear is None:
        return None
    alphas, hs = agg.linear
    a_all = sum((n * a for n, a in zip(agg.type_counts, alphas)), Fraction(0))
    dom = dominant_actions(agg)
    rows = []
    for t in range(agg.n_types):
        score = [a_all * agg.weights[t] * agg.values[t][b] + hs[t][b] for b in dom[t]]
        target = min(score) if pess else max(score)
        b = dom[t][score.index(target)]
        rows.append(tuple(agg.type_counts[t] * (x == b) for x in range(agg.n_actions[t])))
    return [tuple(rows)]


# ---------------------------------------------------------------------------- continuation engines
def _frac(x: Any, den: int) -> Fraction:
    return Fraction(int(x), den)


def _pair_tables(game: AnonymousGame, tables: CountTables, s: tuple[int, ...], max_pairs: int
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(Ms, Os, U, W, ok) of composition s: member and outsider count rows (outsiders in ascending
    profile order), the bloc total and welfare of every pair (integers over the tables' denominator)
    and whether the outsiders are content."""
    Ms = _dists(game, s)
    Os = _dists(game, [n - x for n, x in zip(game.type_counts, s)])[::-1]  # reverse lexicographic = smallest profile first
    if len(Ms) * len(Os) > max_pairs:
        raise SizeLimitError(f"composition {list(s)} has {len(Ms)} x {len(Os)} member/outsider count pairs, above "
                             f"max_pairs={max_pairs}; use fewer actions or a linear aggregative payoff")
    idx = tables.index(tables.code(Ms)[:, None] + tables.code(Os)[None, :])
    ok = np.ones(idx.shape, dtype=bool)
    U = np.zeros(idx.shape, dtype=tables.table.dtype)
    for d in range(Ms.shape[1]):
        ok &= (Os[None, :, d] == 0) | tables.content[idx, d]
        if Ms[:, d].any():
            U = U + Ms[:, None, d] * tables.table[idx, d]
    return Ms, Os, U, tables.welfare[idx], ok


def _stackelberg_counts(game: AnonymousGame, s: tuple[int, ...], selection: Selection, max_pairs: int) -> Continuations:
    """Per member count matrix M, the outsiders' content O selected by (U, W) then the smallest profile;
    the candidates of the M that can rank first (best U, then W in the selection's direction)."""
    tables = count_tables(game)
    Ms, Os, U, W, ok = _pair_tables(game, tables, s, max_pairs)
    how = "min" if selection == "pessimistic" else "max"
    pick = lex_select(U, W, ok, how, how)
    valid = pick >= 0
    notes: list[str] = []
    if not valid.all():
        bad = int(np.nonzero(~valid)[0][0])
        notes.append(f"{int((~valid).sum())} of {len(Ms)} member count choices leave the outsiders without a "
                     f"pure equilibrium (first: members {game.unflatten(Ms[bad].tolist())}); those were excluded "
                     "(mixed continuations are not computed by counts; the dense solver on to_dense() uses "
                     "the exact mixed equilibria of two outsiders)")
    if not valid.any():
        return Continuations([], notes, False)
    r = np.nonzero(valid)[0]
    ru, rw = U[r, pick[r]], W[r, pick[r]]
    bu = ru.max()
    bw = rw[ru == bu].min() if selection == "pessimistic" else rw[ru == bu].max()
    den = tables.denominator
    cands = [Candidate(_frac(bu, den), _frac(bw, den),
                       (game.unflatten(Ms[i].tolist()), game.unflatten(Os[int(pick[i])].tolist())))
             for i in r[(ru == bu) & (rw == bw)]]
    return Continuations(cands, notes, bool(valid.all()))


def _nash_counts(game: AnonymousGame, s: tuple[int, ...], selection: Selection, max_pairs: int) -> Continuations:
    """The pairs (M, O) with M a bloc best response to O and O content, tied first on (U, W)."""
    tables = count_tables(game)
    Ms, Os, U, W, ok = _pair_tables(game, tables, s, max_pairs)
    mask = (U == U.max(axis=0, keepdims=True)) & ok
    if not mask.any():
        return Continuations([], ["the game between the bloc and the outsiders has no pure equilibrium"], False)
    how = "min" if selection == "pessimistic" else "max"
    k = int(lex_select(U.reshape(1, -1), W.reshape(1, -1), mask.reshape(1, -1), how, how)[0])
    u0, w0 = U.reshape(-1)[k], W.reshape(-1)[k]
    den = tables.denominator
    return Continuations([Candidate(_frac(u0, den), _frac(w0, den),
                                    (game.unflatten(Ms[i].tolist()), game.unflatten(Os[j].tolist())))
                          for i, j in np.argwhere(mask & (U == u0) & (W == w0))], [], True)


def _linear_pair(game: AggregativeGame, s: tuple[int, ...], selection: Selection) -> Pair:
    """The selected (M, O) of a linear aggregative game (see the module docstring)."""
    lin = game.linear
    if lin is None:
        raise ParameterError("the linear engine needs a linear aggregative game")
    alphas, hs = lin
    a_s = sum((x * a for x, a in zip(s, alphas)), Fraction(0))
    a_all = sum((n * a for n, a in zip(game.type_counts, alphas)), Fraction(0))
    pess = selection == "pessimistic"
    M, O = [], []
    dominant = dominant_actions(game)
    for t in range(game.n_types):
        w, xs, m = game.weights[t], game.values[t], game.n_actions[t]
        wx, hh = _scaled_parts(game, t)
        own = a_s.numerator * wx + a_s.denominator * hh  # (a_s w x + h) * a_s.den * scale, exact ints
        tied = np.nonzero(own == own.max())[0].tolist()
        wel = {b: a_all * w * xs[b] + hs[t][b] for b in tied}
        target = min(wel.values()) if pess else max(wel.values())
        bm = min(b for b in tied if wel[b] == target)
        dom = dominant[t]
        key = {b: (a_s * w * xs[b], a_all * w * xs[b] + hs[t][b]) for b in dom}
        target_o = min(key.values()) if pess else max(key.values())
        bo = min(b for b in dom if key[b] == target_o)
        M.append(tuple(s[t] * (b == bm) for b in range(m)))
        O.append(tuple((game.type_counts[t] - s[t]) * (b == bo) for b in range(m)))
    return tuple(M), tuple(O)


def _scaled_parts(game: AggregativeGame, t: int) -> tuple[np.ndarray, np.ndarray]:
    """(w_t x, h_t(x)) over type t's actions as exact integer arrays with one common scale (cached)."""
    cache = game.__dict__.setdefault("_scaled_cache", {})
    if t not in cache:
        lin = game.linear
        if lin is None:
            raise ParameterError("scaled parts need a linear aggregative game")
        wx = [game.weights[t] * x for x in game.values[t]]
        scale = math.lcm(*(v.denominator for v in wx + list(lin[1][t])))
        cache[t] = (np.array([int(v * scale) for v in wx], dtype=object),
                    np.array([int(v * scale) for v in lin[1][t]], dtype=object))
    return cache[t]


def _pair_totals(game: AnonymousGame, pair: Pair) -> tuple[Fraction, Fraction]:
    """(U_S, W) of a pair (M, O), exact."""
    M, O = pair
    c = _sum_counts(M, O)
    bloc = sum((k * game.payoff(t, b, c) for t, row in enumerate(M) for b, k in enumerate(row) if k), Fraction(0))
    return bloc, compact_welfare(game, c)


def _sum_counts(M: Counts, O: Counts) -> Counts:
    return tuple(tuple(a + b for a, b in zip(mt, ot)) for mt, ot in zip(M, O))


# ---------------------------------------------------------------------------- arrangements
def _membership(game: AnonymousGame, players: Sequence[int]) -> tuple[tuple[tuple[bool, int], ...], ...]:
    """Per type, the runs (member?, length) over the type's players in index order (``players`` sorted)."""
    out = []
    start, j = 0, 0
    for n in game.type_counts:
        runs: list[tuple[bool, int]] = []
        pos = start
        while j < len(players) and players[j] < start + n:
            i = players[j]
            if i > pos:
                runs.append((False, i - pos))
            if runs and runs[-1][0]:
                runs[-1] = (True, runs[-1][1] + 1)
            else:
                runs.append((True, 1))
            pos, j = i + 1, j + 1
        if pos < start + n:
            runs.append((False, start + n - pos))
        out.append(tuple(runs))
        start += n
    return tuple(out)


def _canonical_membership(game: AnonymousGame, s: Sequence[int]) -> tuple[tuple[tuple[bool, int], ...], ...]:
    """The membership runs of the canonical coalition: the first s_t players of each type."""
    return tuple(tuple(r for r in ((True, x), (False, n - x)) if r[1]) for x, n in zip(s, game.type_counts))


class _Queue:
    """Consume (label, length) runs in order, a few players at a time."""

    def __init__(self, runs: Sequence[tuple[Any, int]]) -> None:
        self.runs, self.i, self.used = list(runs), 0, 0

    def head(self) -> tuple[Any, int]:
        label, length = self.runs[self.i]
        return label, length - self.used

    def take(self, k: int) -> None:
        self.used += k
        if self.used == self.runs[self.i][1]:
            self.i, self.used = self.i + 1, 0


def _arranged(membership: Sequence[tuple[tuple[bool, int], ...]], pair: Pair,
              base_runs: tuple[Runs, ...] | None) -> list[tuple[int, int, bool, int, int | None, int]]:
    """Segments (type, first position in the type, member?, action, baseline run, length) of an arrangement:
    within each type, members play M's actions ascending and outsiders O's, in index order."""
    M, O = pair
    out: list[tuple[int, int, bool, int, int | None, int]] = []
    for t, runs in enumerate(membership):
        acts = {True: _Queue(_action_runs(M[t])), False: _Queue(_action_runs(O[t]))}
        base = None if base_runs is None else _Queue([(j, k) for j, (_, k) in enumerate(base_runs[t])])
        pos = 0
        for member, length in runs:
            left = length
            while left:
                b, ra = acts[member].head()
                j, rb = base.head() if base is not None else (None, left)
                step = min(left, ra, rb)
                out.append((t, pos, member, b, j, step))
                acts[member].take(step)
                if base is not None:
                    base.take(step)
                pos, left = pos + step, left - step
    return out


def _profile_key(membership: Sequence[tuple[tuple[bool, int], ...]], pair: Pair) -> tuple[int, ...]:
    """The arrangement's profile over all players in index order (the dense tie rule's key)."""
    return tuple(b for _, _, _, b, _, k in _arranged(membership, pair, None) for _ in range(k))


class CompactBloc:
    """A compact game as a :class:`~contract_theory.contracting.coalitions.bloc.BlocGame` (module docstring).

    A coalition's key is its composition s (members per type); outcomes are pairs of count
    matrices (M, O) ranked by their canonical profile; payoffs are slots of equal players.
    ``max_pairs`` bounds the counts engine's member x outsider pairs per composition.

    Examples
    --------
    >>> from contract_theory.contracting.coalitions.bloc import solve_coalition
    >>> from contract_theory.games.compact_library import public_goods_compact
    >>> g = public_goods_compact(200, 3, 1)          # a k-bloc contributes iff 3k/200 > 1
    >>> o = solve_coalition(CompactBloc(g), [67])
    >>> o.members, o.welfare
    (((0, 67),), Fraction(334, 1))
    """

    missing_baseline_note = "no no-contract equilibrium: acceptance and gains are undefined"
    continuation_kind = "pure equilibria"

    def __init__(self, game: AnonymousGame, *, max_pairs: int = MAX_PAIRS) -> None:
        self.game = game
        self.max_pairs = max_pairs
        self._starts = tuple(int(x) for x in np.cumsum((0,) + game.type_counts[:-1]))
        self._progress: StudyProgress | None = None

    @property
    def analysis_type(self) -> type:
        """:class:`CompactAnalysis`."""
        return CompactAnalysis

    # -- coalitions
    def coalition(self, spec: Iterable[Any]) -> tuple[int, ...]:
        """:func:`check_composition`."""
        return check_composition(self.game, list(spec))

    def coalitions(self, min_size: int, k: int, rules: Rules, symmetric: bool) -> list[tuple[int, ...]]:
        """Every composition of size ``min_size..k`` (:func:`compositions`); ``rules.budgets.max_compositions``."""
        check_k(self.game, k)
        count = math.prod(n + 1 for n in self.game.type_counts)
        if count > rules.budgets.max_compositions:
            raise SizeLimitError(f"{count} compositions exceed max_compositions={rules.budgets.max_compositions}")
        keys = compositions(self.game, min_size, k)
        form = None if self._linear_ok() else aggregate_form(self.game)
        if form is not None:  # the aggregate engine's estimate: refuse now, or report progress while it runs
            self._progress = check_study_cost(form, k, len(keys))
        return keys

    def size(self, key: tuple[int, ...]) -> int:
        """sum s."""
        return sum(key)

    def players(self, key: tuple[int, ...]) -> tuple[int, ...]:
        """:func:`canonical_coalition`."""
        return canonical_coalition(self.game, key)

    # -- the game
    def optimum(self) -> tuple[Fraction, tuple[Any, ...], tuple[str, ...]]:
        """W* and the optimal count matrices (:func:`~contract_theory.equilibria.compact._compact_optimum`)."""
        form = None if self._linear_ok() else aggregate_form(self.game)
        if form is not None:  # the aggregate engine's tables: refused, or announced, before they are built
            check_study_cost(form, None)
        w, opt = _compact_optimum(self.game)
        return w, opt, ()

    def no_contract(self, selection: Selection) -> CompactBaseline:
        """:func:`counts_no_contract`."""
        return counts_no_contract(self.game, selection)

    def is_symmetric(self) -> bool:
        """Compositions already are the classes of coalitions under type-preserving permutations."""
        return False

    def check_size(self, key: tuple[int, ...]) -> None:
        """The counts engine checks ``max_pairs`` itself; the aggregate engine's estimate was checked by
        :meth:`coalitions`, and a long study reports here which composition is next."""
        if self._progress is not None:
            self._progress.solved(sum(key))

    # -- continuations
    def outsiders_equilibria(self, key: tuple[int, ...], selection: Selection) -> Continuations:
        """Stackelberg: the linear engine, the aggregate engine, or the counts engine's outsiders' selection per M."""
        form = None if self._linear_ok() else aggregate_form(self.game)
        if form is not None:
            return aggregate_stackelberg(form, key[0], selection)
        return self._linear(key, selection) or _stackelberg_counts(self.game, key, selection, self.max_pairs)

    def bloc_equilibria(self, key: tuple[int, ...], selection: Selection) -> Continuations:
        """Nash: the linear engine (the timings coincide), the aggregate engine, or the counts engine's bloc-game
        equilibria."""
        form = None if self._linear_ok() else aggregate_form(self.game)
        if form is not None:
            return aggregate_nash(form, key[0], selection)
        return self._linear(key, selection) or _nash_counts(self.game, key, selection, self.max_pairs)

    def _linear_ok(self) -> bool:
        return linear_game(self.game) is not None

    def _linear(self, key: tuple[int, ...], selection: Selection) -> Continuations | None:
        agg = linear_game(self.game)
        if agg is None:
            return None
        pair = _linear_pair(agg, key, selection)
        bloc, wel = _pair_totals(agg, pair)
        return Continuations([Candidate(bloc, wel, pair)], ["linear aggregative game: dominant actions, separable "
                                                            "bloc total"], True)

    def outcome_order(self, outcome: Any) -> Any:
        """The canonical profile of (M, O)."""
        return _canonical_profile(*outcome)

    def is_mixed(self, outcome: Any) -> bool:
        """Count matrices are pure."""
        return False

    # -- outcomes
    def _slots(self, membership: Sequence[tuple[tuple[bool, int], ...]], pair: Pair,
               baseline: CompactBaseline) -> list[Slot]:
        c = _sum_counts(*pair)
        segs = _arranged(membership, pair, baseline.runs)
        runs = baseline.runs
        return [Slot(self.game.payoff(t, b, c), None if runs is None or j is None else runs[t][j][0], member, k,
                     (t, pos, b, j)) for t, pos, member, b, j, k in segs]

    def evaluate(self, key: tuple[int, ...], outcome: Any, baseline: Any) -> tuple[list[Slot], dict[str, Any]]:
        """The canonical arrangement's slots and the outcome's count matrices."""
        return self._slots(_canonical_membership(self.game, key), outcome, baseline), {}

    def build(self, key: tuple[int, ...], rules: Rules, found: Found, evaluated: tuple[list[Slot], dict[str, Any]],
              shared: Shared) -> CompositionOutcome:
        """A :class:`CompositionOutcome`: runs per type, merged by action (raw), by the sharing rule (shared)."""
        slots = evaluated[0]
        M, O = found.outcome
        T = self.game.n_types
        lump = rules.sharing == "lump_sum" and shared.gains is not None

        def runs(member: bool, values: Sequence[Fraction], by: int) -> tuple[Runs, ...]:
            out: list[list[tuple[Fraction, int]]] = [[] for _ in range(T)]
            last: list[Any] = [None] * T
            for s, v in zip(slots, values):
                if s.member != member:
                    continue
                t, group = s.tag[0], (None if by < 0 else s.tag[by])
                if out[t] and last[t] == group:
                    out[t][-1] = (v, out[t][-1][1] + s.count)
                else:
                    out[t].append((v, s.count))
                last[t] = group
            return tuple(tuple(r) for r in out)

        raw = [s.raw for s in slots]
        by = -1 if rules.sharing == "equal" else (3 if lump else 2)  # one run, baseline runs, or actions
        return CompositionOutcome(key, self.game.type_counts, rules.timing, rules.selection, rules.sharing, M, O,
                                  runs(True, shared.payoffs, by), runs(True, raw, 2), runs(False, raw, 2),
                                  shared.bloc_value, shared.welfare, shared.members_accept, shared.gains, found.ties,
                                  found.complete, tuple(found.notes))

    def empty(self, key: tuple[int, ...], rules: Rules, complete: bool, notes: Sequence[str]) -> CompositionOutcome:
        """A :class:`CompositionOutcome` without counts or payoffs."""
        return CompositionOutcome(key, self.game.type_counts, rules.timing, rules.selection, rules.sharing, None, None,
                                  None, None, None, None, None, None, None, (), complete, tuple(notes))

    # -- stability
    def stability_value(self, outcomes: Mapping[tuple[int, ...], Any], baseline: Any) -> StabilityValue:
        """v_i(T) for any set T of players: T's composition's outcome arranged on T (the dense tie rule
        picks, among the tied pairs, the one whose profile is smallest for T's players), shared by
        :func:`~contract_theory.contracting.coalitions.bloc.share_slots`."""
        game = self.game
        base = None if baseline.runs is None else [v for r in baseline.runs for v in _expand(r)]
        ends = list(itertools.accumulate(game.type_counts))
        slots_cache: dict[tuple[int, ...], list[Slot] | None] = {}
        shared_cache: dict[tuple[int, ...], tuple[Fraction, ...]] = {}

        def slots_of(T: tuple[int, ...]) -> list[Slot] | None:
            if T not in slots_cache:
                if self._progress is not None:
                    self._progress.arranging()
                o = outcomes[_composition_of(game, T)]
                if o.members is None or o.outsiders is None:
                    slots_cache[T] = None
                else:
                    mem = _membership(game, T)
                    pair = min(o.ties, key=lambda p: _profile_key(mem, p)) if len(o.ties) > 1 else (o.members, o.outsiders)
                    slots_cache[T] = self._slots(mem, pair, baseline)
            return slots_cache[T]

        def value(T: tuple[int, ...], i: int) -> Fraction | None:
            if len(T) < 2:
                return None if base is None else base[i]
            slots = slots_of(T)
            if slots is None:
                return None
            t = bisect.bisect_right(ends, i)
            pos = i - self._starts[t]
            k = next(k for k, s in enumerate(slots) if s.tag[0] == t and s.tag[1] <= pos < s.tag[1] + s.count)
            if not slots[k].member:  # an outsider keeps its own payoff
                return slots[k].raw
            if T not in shared_cache:
                shared_cache[T] = shared_payoffs(slots, outcomes[_composition_of(game, T)].sharing)[0]
            return shared_cache[T][k]
        return value

    def movers(self, key: tuple[int, ...], outcomes: Mapping[tuple[int, ...], Any],
               baseline: Any) -> tuple[list[int], list[int]]:
        """One member and one outsider per slot of the canonical arrangement (equal players decide alike),
        every player of a type whose leaving or joining reaches a composition with several tied outcomes."""
        o = outcomes[key]
        if o.members is None or o.outsiders is None:
            return [], []
        members: list[int] = []
        outsiders: list[int] = []
        for t, pos, member, _, _, k in _arranged(_canonical_membership(self.game, key), (o.members, o.outsiders),
                                                 baseline.runs):
            step = -1 if member else 1
            near = key[:t] + (key[t] + step,) + key[t + 1:]
            other = outcomes.get(near)
            every = other is not None and len(other.ties) > 1
            first = self._starts[t] + pos
            (members if member else outsiders).extend(range(first, first + k) if every else [first])
        return sorted(members), sorted(outsiders)

    def arrangements(self, key: tuple[int, ...]) -> Iterable[tuple[int, ...]]:
        """Every coalition of players with composition ``key`` (sorted indices), canonical first."""
        parts = [itertools.combinations(range(a, a + n), x) for a, n, x in zip(self._starts, self.game.type_counts, key)]
        for choice in itertools.product(*parts):
            yield tuple(i for part in choice for i in part)

    def n_arrangements(self, key: tuple[int, ...]) -> int:
        """prod_t C(n_t, s_t)."""
        return math.prod(math.comb(n, x) for n, x in zip(self.game.type_counts, key))


# ---------------------------------------------------------------------------- analysis
@dataclass(frozen=True)
class CompactAnalysis(PartialContractAnalysis[CompositionOutcome, CompactBaseline]):
    """The K-coalition study of a compact game, by composition: a PartialContractAnalysis.

    The fields are those of :class:`~contract_theory.contracting.coalitions.partial_contracts.PartialContractAnalysis`
    with coalitions named by compositions: ``game`` is an
    :class:`~contract_theory.games.compact.AnonymousGame`; ``outcomes``, ``by_k`` (values
    :class:`CompositionOutcome`), ``best_coalitions_by_k`` (alias ``best_compositions_by_k``)
    and ``stability`` are keyed by composition; ``optimum_profiles`` are optimal count
    matrices; ``no_contract`` is a :class:`CompactBaseline`.  ``stability[s]`` is the stability of
    s's canonical coalition (per player, as in the dense game); :attr:`every_arrangement` says
    whether every coalition of composition s is stable (see the module docstring).
    """

    @property
    def stable_compositions(self) -> list[tuple[int, ...]]:
        """Compositions whose canonical coalition is internally and externally stable, by size then lexicographically."""
        return [s for s, c in self.stability.items() if c.stable]

    @property
    def stable_sizes(self) -> list[int]:
        """Coalition sizes with a stable canonical coalition (so at least one stable coalition)."""
        return sorted({sum(s) for s in self.stable_compositions})

    @cached_property
    def every_arrangement(self) -> dict[tuple[int, ...], bool | None]:
        """Per composition: every coalition of that composition stable (``True``), some not (``False``),
        undecided (``None``: an undefined outcome, or beyond :data:`ARRANGEMENT_BUDGET` player checks)."""
        bloc = CompactBloc(self.game)
        value = bloc.stability_value(self.outcomes, self.no_contract)
        budget = ARRANGEMENT_BUDGET
        out: dict[tuple[int, ...], bool | None] = {}
        for s, chk in self.stability.items():
            if chk.stable is False or self._uniform(s):
                out[s] = chk.stable
                continue
            cost = bloc.n_arrangements(s) * self.game.n_players
            if cost > budget:
                out[s] = None
                continue
            budget -= cost
            verdicts = {coalition_stability(s, T, value, self.game.n_players, self.k, self.tie).stable
                        for T in bloc.arrangements(s)}
            out[s] = False if False in verdicts else (None if None in verdicts else True)
        return out

    def _uniform(self, s: tuple[int, ...]) -> bool:
        """Whether every coalition of composition s decides alike: one tied outcome at s and its neighbours,
        one action per type for members, for outsiders and at no contract."""
        base = self.no_contract.runs
        if base is not None and any(len(r) > 1 for r in base):
            return False
        near = [s] + [s[:t] + (s[t] + dx,) + s[t + 1:] for t in range(len(s)) for dx in (-1, 1)]
        for z in near:
            o = self.outcomes.get(z)
            if o is None or o.members is None or o.outsiders is None:
                continue
            if len(o.ties) > 1 or any(sum(1 for x in row if x) > 1 for row in o.members + o.outsiders):
                return False
        return True

    @property
    def stable_in_every_arrangement(self) -> list[tuple[int, ...]]:
        """Compositions every coalition of which is stable (whichever players of each type form it)."""
        return [s for s, v in self.every_arrangement.items() if v]

    @property
    def arrangements_undecided(self) -> list[tuple[int, ...]]:
        """Compositions for which :attr:`stable_in_every_arrangement` is not decided."""
        return [s for s, v in self.every_arrangement.items() if v is None and self.stability[s].stable is not None]

    def coalition_stability(self, players: Iterable[int]) -> Any:
        """The stability of any coalition of players (sizes 2..K), per player exactly as in the dense game.

        Examples
        --------
        >>> from contract_theory import load_game, partial_contract_analysis, Rules
        >>> a = partial_contract_analysis(load_game("volunteers_dilemma:n=3,compact=true"), 2, Rules(sharing="lump_sum"))
        >>> [a.coalition_stability(S).stable for S in ((0, 1), (0, 2), (1, 2))]
        [True, True, True]
        """
        T = tuple(sorted(int(i) for i in players))
        bloc = CompactBloc(self.game)
        s = check_composition(self.game, _composition_of(self.game, T))
        if sum(s) > self.k:
            raise ParameterError(f"coalition {list(T)} has more than K={self.k} members")
        return coalition_stability(s, T, bloc.stability_value(self.outcomes, self.no_contract), self.game.n_players,
                                   self.k, self.tie)

    # typed views of the generic fields
    @property
    def compact_game(self) -> AnonymousGame:
        """``game``."""
        game: AnonymousGame = self.game
        return game

    @property
    def baseline(self) -> CompactBaseline:
        """``no_contract``."""
        return self.no_contract

    @property
    def optimum_counts(self) -> tuple[Counts, ...]:
        """``optimum_profiles``: the optimal count matrices."""
        return self.optimum_profiles

    def best(self, k: int) -> CompositionOutcome | None:
        """The best composition's outcome of size k (``by_k[k]``)."""
        return self.by_k[k]

    @property
    def best_compositions_by_k(self) -> dict[int, tuple[tuple[int, ...], ...]]:
        """The compositions tied for the best welfare at each size."""
        return self.best_coalitions_by_k
