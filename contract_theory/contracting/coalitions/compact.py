r"""Partial contracts in compact games, by coalition composition (``docs/background/model.md#8-compact-games``).

The questions of ``docs/background/model.md#4-partial-contracts`` for
:class:`~contract_theory.games.compact.AnonymousGame` and
:class:`~contract_theory.games.compact.AggregativeGame`, at a cost polynomial in N for a
fixed number of types and actions.  Players of a type are exchangeable, so what a coalition
achieves depends only on its **composition** s (members per type): a coalition is named by
s, and its *canonical* members are the first s_t players of each type.

Public API (stable; other modules may call it):

* :func:`_compact_no_contract` -- the default equilibrium (A10), as counts;
* :func:`_compact_coalition_outcome` -- what composition s reaches (same ``timing``,
  ``selection``, ``sharing`` and tie rule as
  :func:`contract_theory.contracting.coalitions.normal_form.coalition_outcome`);
* :func:`_compact_analysis` -- W_k, the welfare curve, the smallest k reaching W*, the price
  of partial contracting and stability under a ``tie`` rule, for every composition of size
  2..K (a :class:`CompactAnalysis`, the compact counterpart of
  :class:`~contract_theory.contracting.coalitions.partial_contracts.PartialContractAnalysis`);

The assumption checks and the theorem check on compact games (which need the protocol) are in
:mod:`contract_theory.contracting.protocol.compact_checks`.

Methods.  *Counts engine* (any typed anonymous game): the members' joint action is a count
matrix M (s_t members per type spread over actions), the outsiders' an O; the pair's
payoffs come from :func:`~contract_theory.equilibria.compact.count_tables`, outsiders'
equilibria from its ``content`` table (an outsider on (t, b) best-responds at M + O), all
vectorized over the #M x #O pairs.  Stackelberg: for every M the outsiders' equilibria
are selected by (bloc total, welfare) in the ``selection``'s direction, and the bloc takes
the best M (ties: welfare by ``selection``, then the smallest canonical profile), exactly the
dense rule.  Nash: the pairs where M is a bloc best response to O and O an outsiders'
equilibrium.  A commitment leaving the outsiders without a pure equilibrium is excluded
and ``complete=False`` (the dense code with ``mixed=False``).  Cost per composition
O(#M * #O * sum m_t) with #M = prod_t C(s_t + m_t - 1, m_t - 1).
*Linear engine* (linear aggregative games, u_i = alpha_t X + h_t(x_i)): every outsider has
dominant actions and the bloc's total is separable, so each member of type t plays an
action maximizing A_S w_t x + h_t(x) (A_S = sum_S alpha) and each outsider a dominant one;
ties go to the lowest (pessimistic) or highest (optimistic) bloc total, then welfare, then
the smallest action; Stackelberg and Nash coincide.  Cost O(sum_t m_t) per composition.

Payoffs of an outcome are stored per type as runs ``((payoff, count), ...)`` over the
canonical players in order, so an outcome of a 1000-player game is a few numbers.

Stability of a composition (``tie`` as in :mod:`contract_theory.contracting.coalitions.stability`) is
decided for every assignment of players to positions: a type-t member "gains by leaving"
if some member position of type t in s's outcome is worse (strictly or weakly) than some
type-t outsider position in the outcome of s - e_t (the no-contract outcome when one member
would be left), and symmetrically for joining.  When every type's members and outsiders
each play one action (all the library models) this is exactly the dense definition.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, cast

import numpy as np

from contract_theory.contracting.coalitions.normal_form import lex_select
from contract_theory.contracting.coalitions.partial_contracts import PartialContractAnalysis, check_k, welfare_curve_summary
from contract_theory.contracting.coalitions.rules import SELECTIONS, Rules, check_choice
from contract_theory.contracting.coalitions.stability import StabilityCheck, prefers_stay, strictness
from contract_theory.equilibria.compact import (
    CountTables,
    _compact_optimum,
    _compact_pure_equilibria,
    count_tables,
    dominant_actions,
    linear_parts,
)
from contract_theory.errors import ParameterError, SizeLimitError
from contract_theory.games.compact import AggregativeGame, AnonymousGame, Counts, distributions

__all__ = ["Runs", "CompactBaseline", "CompositionOutcome", "CompactAnalysis", "compositions",
           "canonical_coalition"]

#: Payoffs of consecutive canonical players of one type: ((payoff, how many), ...).
Runs = tuple[tuple[Fraction, int], ...]


# ---------------------------------------------------------------------------- runs
def _take(runs: Runs, start: int, length: int) -> Runs:
    out, pos = [], 0
    for v, k in runs:
        lo, hi = max(pos, start), min(pos + k, start + length)
        if hi > lo:
            out.append((v, hi - lo))
        pos += k
    return tuple(out)


def _total(runs: Runs) -> Fraction:
    return sum((v * k for v, k in runs), Fraction(0))


def _expand(runs: Runs) -> list[Fraction]:
    return [v for v, k in runs for _ in range(k)]


def _pairwise(a: Runs, b: Runs) -> Iterator[tuple[Fraction, Fraction, int]]:
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


def _values(runs: Runs) -> list[Fraction]:
    return [v for v, _ in runs]


# ---------------------------------------------------------------------------- results
def canonical_coalition(game: AnonymousGame, composition: Sequence[int]) -> tuple[int, ...]:
    """The canonical members of a composition: the first s_t players of each type.

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
        if self.counts is None:
            return None
        return tuple(b for row in self.counts for b, k in enumerate(row) for _ in range(k))


@dataclass(frozen=True)
class CompositionOutcome:
    """What a coalition of composition s reaches (``docs/background/model.md#4-partial-contracts``).

    ``members`` / ``outsiders`` are the count matrices M and O of the selected outcome;
    ``member_runs`` the members' final (shared) payoffs per type, ``raw_member_runs`` before
    sharing, ``outsider_runs`` the outsiders' payoffs; ``ties`` the (M, O) pairs tied with it
    on (bloc total, welfare).  The dense-style ``coalition``, ``profile``, ``payoffs`` and
    ``raw_payoffs`` describe the canonical coalition (for small N).
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
    ties: tuple[tuple[Counts, Counts], ...] = ()
    complete: bool = True
    notes: tuple[str, ...] = field(default=())
    strategies: None = None

    @property
    def size(self) -> int:
        return sum(self.composition)

    @property
    def coalition(self) -> tuple[int, ...]:
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
        return self._per_player(self.raw_member_runs)

    @property
    def profile(self) -> tuple[int, ...] | None:
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


# ---------------------------------------------------------------------------- helpers
def _dists(game: AnonymousGame, totals: Sequence[int]) -> np.ndarray:
    """All flattened count rows with ``totals[t]`` players of type t."""
    parts = [distributions(int(n), m) for n, m in zip(totals, game.n_actions)]
    rows = parts[0]
    for p in parts[1:]:
        rows = np.concatenate([np.repeat(rows, len(p), axis=0), np.tile(p, (len(rows), 1))], axis=1)
    return rows


def check_composition(game: AnonymousGame, composition: Sequence[int]) -> tuple[int, ...]:
    """Validate a composition: 0 <= s_t <= n_t and at least 2 members."""
    s = tuple(int(x) for x in composition)
    if len(s) != game.n_types or any(not 0 <= x <= n for x, n in zip(s, game.type_counts)):
        raise ParameterError(f"composition {list(composition)} must give 0..n_t members for each of the "
                             f"{game.n_types} types (type counts {list(game.type_counts)})")
    if sum(s) < 2:
        raise ParameterError(f"composition {list(s)} has {sum(s)} member(s); a contract needs at least 2 "
                             "signatories (|S| = 1 means no contract)")
    return s


def compositions(game: AnonymousGame, min_size: int, k: int) -> list[tuple[int, ...]]:
    """Every composition with min_size <= sum s <= k, by size then lexicographically."""
    out = [s for s in _product_ranges(game.type_counts) if min_size <= sum(s) <= k]
    return sorted(out, key=lambda s: (sum(s), s))


def _product_ranges(counts: Sequence[int]) -> list[tuple[int, ...]]:
    out: list[tuple[int, ...]] = [()]
    for n in counts:
        out = [s + (k,) for s in out for k in range(n + 1)]
    return out


def _frac(x: Any, den: int) -> Fraction:
    return Fraction(int(x), den)


# ---------------------------------------------------------------------------- baseline
def _compact_no_contract(game: AnonymousGame, selection: str = "pessimistic") -> CompactBaseline:
    """The default (no-contract) equilibrium: the pure equilibrium with the lowest (pessimistic)
    or highest (optimistic) welfare, ties to the smallest canonical profile (A10).

    >>> from contract_theory.games.compact_library import volunteers_dilemma_compact
    >>> b = _compact_no_contract(volunteers_dilemma_compact(3))
    >>> b.counts, b.payoffs
    (((1, 2),), (Fraction(1, 1), Fraction(2, 1), Fraction(2, 1)))
    """
    check_choice(selection, SELECTIONS, "selection")
    pess = selection == "pessimistic"
    lin = linear_parts(game)
    if lin is not None:
        assert isinstance(game, AggregativeGame)
        a_all = sum((n * a for n, a in zip(game.type_counts, lin[0])), Fraction(0))
        dom = dominant_actions(game)
        rows = []
        for t in range(game.n_types):
            score = [a_all * game.weights[t] * game.values[t][b] + lin[1][t][b] for b in dom[t]]
            target = min(score) if pess else max(score)
            b = dom[t][score.index(target)]
            rows.append(tuple(game.type_counts[t] * (x == b) for x in range(game.n_actions[t])))
        eqs = [tuple(rows)]
        notes: tuple[str, ...] = ()
    else:
        eqs = list(_compact_pure_equilibria(game).equilibria)
        notes = ()
    if not eqs:
        return CompactBaseline(None, None, None, (), ("the game has no pure Nash equilibrium; no-contract payoffs "
                                                      "are undefined here",))
    wel = [_welfare(game, c) for c in eqs]
    target = min(wel) if pess else max(wel)
    tied = [c for c, w in zip(eqs, wel) if w == target]
    best = min(tied, key=game.canonical_profile)
    runs = tuple(tuple((game.payoff(t, b, best), k) for b, k in enumerate(row) if k) for t, row in enumerate(best))
    return CompactBaseline(best, runs, target, tuple(tied), notes)


def _welfare(game: AnonymousGame, c: Counts) -> Fraction:
    return sum((k * game.payoff(t, b, c) for t, row in enumerate(c) for b, k in enumerate(row) if k), Fraction(0))


# ---------------------------------------------------------------------------- engines
def _counts_engine(game: AnonymousGame, tables: CountTables, s: tuple[int, ...], timing: str, selection: str,
                   max_pairs: int) -> tuple[list[tuple[Counts, Counts]], list[str], bool]:
    """Tied best (M, O) pairs (best first) for composition s; see the module docstring."""
    Ms = _dists(game, s)
    Os = _dists(game, [n - x for n, x in zip(game.type_counts, s)])
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
    W = tables.welfare[idx]
    pess = selection == "pessimistic"
    how = "min" if pess else "max"
    notes: list[str] = []
    complete = True
    if timing == "stackelberg":
        pick = lex_select(U, W, ok, how, how)
        valid = pick >= 0
        if not valid.all():
            complete = False
            bad = int(np.nonzero(~valid)[0][0])
            notes.append(f"{int((~valid).sum())} of {len(Ms)} member count choices leave the outsiders without a "
                         f"pure equilibrium (first: members {game.unflatten(Ms[bad].tolist())}); those were excluded "
                         "(mixed continuations are not computed by counts; the dense solver on to_dense() uses "
                         "the exact mixed equilibria of two outsiders)")
        if not valid.any():
            return [], notes, False
        r = np.nonzero(valid)[0]
        ru, rw = U[r, pick[r]], W[r, pick[r]]
        bu = ru.max()
        bw = (rw[ru == bu].min() if pess else rw[ru == bu].max())
        rows = r[(ru == bu) & (rw == bw)]
        cand = np.zeros(idx.shape, dtype=bool)
        cand[rows] = ok[rows] & (U[rows] == bu) & (W[rows] == bw)
    else:
        bloc_br = U == U.max(axis=0, keepdims=True)
        mask = bloc_br & ok
        if not mask.any():
            return [], ["the game between the bloc and the outsiders has no pure equilibrium"], False
        pick = lex_select(U.reshape(1, -1), W.reshape(1, -1), mask.reshape(1, -1), how, how)
        k = int(pick[0])
        cand = mask & (U == U.reshape(-1)[k]) & (W == W.reshape(-1)[k])
    pairs = [(game.unflatten(Ms[i].tolist()), game.unflatten(Os[j].tolist())) for i, j in np.argwhere(cand)]
    pairs.sort(key=lambda p: _canonical_profile(*p))
    return pairs, notes, complete


def _linear_engine(game: AggregativeGame, s: tuple[int, ...], selection: str) -> tuple[Counts, Counts]:
    """The selected (M, O) of a linear aggregative game (see the module docstring)."""
    lin = game.linear
    assert lin is not None
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
        assert lin is not None
        wx = [game.weights[t] * x for x in game.values[t]]
        scale = math.lcm(*(v.denominator for v in wx + list(lin[1][t])))
        cache[t] = (np.array([int(v * scale) for v in wx], dtype=object),
                    np.array([int(v * scale) for v in lin[1][t]], dtype=object))
    return cache[t]


def _finish(game: AnonymousGame, s: tuple[int, ...], rules: Rules, ties: tuple[tuple[Counts, Counts], ...],
            base: CompactBaseline, notes: list[str], complete: bool) -> CompositionOutcome:
    """The outcome of the selected pair (M, O) = ``ties[0]``: payoffs, sharing, acceptance, gains."""
    M, O = ties[0]
    sharing = rules.sharing
    c = tuple(tuple(a + b for a, b in zip(mt, ot)) for mt, ot in zip(M, O))
    pay = {(t, b): game.payoff(t, b, c) for t, row in enumerate(c) for b, k in enumerate(row) if k}
    raw_m = tuple(tuple((pay[(t, b)], k) for b, k in enumerate(row) if k) for t, row in enumerate(M))
    outs = tuple(tuple((pay[(t, b)], k) for b, k in enumerate(row) if k) for t, row in enumerate(O))
    bloc = sum((_total(r) for r in raw_m), Fraction(0))
    wel = bloc + sum((_total(r) for r in outs), Fraction(0))
    size = sum(s)
    base_m = None if base.runs is None else tuple(_take(r, 0, x) for r, x in zip(base.runs, s))
    base_o = None if base.runs is None else tuple(_take(r, x, n - x)
                                                  for r, x, n in zip(base.runs, s, game.type_counts))
    shared: tuple[Runs, ...]
    if sharing == "equal":
        shared = tuple(((bloc / size, x),) if x else () for x in s)
    elif sharing == "lump_sum" and base_m is not None:
        surplus = bloc - sum((_total(r) for r in base_m), Fraction(0))
        shared = tuple(tuple((v + surplus / size, k) for v, k in r) for r in base_m)
    else:
        shared = raw_m
    accept: bool | None = None
    gains = None
    if base_m is not None and base_o is not None and base.welfare is not None:
        base_total = sum((_total(r) for r in base_m), Fraction(0))
        if sharing == "lump_sum":
            accept = bloc >= base_total
        else:
            accept = all(a >= b for sh, bm in zip(shared, base_m) for a, b, _ in _pairwise(sh, bm))
        gains = (sum((_total(r) for r in shared), Fraction(0)) - base_total,
                 sum((_total(r) for r in outs), Fraction(0)) - sum((_total(r) for r in base_o), Fraction(0)),
                 wel - base.welfare)
    else:
        notes = notes + ["no no-contract equilibrium: acceptance and gains are undefined"]
    return CompositionOutcome(s, game.type_counts, rules.timing, rules.selection, sharing, M, O, shared, raw_m, outs,
                              bloc, wel, accept, gains, ties, complete, tuple(notes))


def _compact_coalition_outcome(
    game: AnonymousGame, composition: Sequence[int], rules: Rules = Rules(), *, baseline: CompactBaseline | None = None,
) -> CompositionOutcome:
    """The outcome a coalition of composition s reaches with a rich contract.

    Parameters as :func:`contract_theory.contracting.coalitions.normal_form.coalition_outcome` (with
    ``mixed=False``); the coalition is named by its members per type; ``rules.budgets.max_pairs``
    bounds the counts engine's member x outsider pairs.  Complexity: see the
    module docstring (linear engine O(sum m_t); counts engine O(#M #O sum m_t)).

    >>> from contract_theory.games.compact_library import public_goods_compact
    >>> g = public_goods_compact(200, 3, 1)          # a k-bloc contributes iff 3k/200 > 1
    >>> _compact_coalition_outcome(g, [67]).members, _compact_coalition_outcome(g, [67]).welfare
    (((0, 67),), Fraction(334, 1))
    """
    s = check_composition(game, composition)
    base = _compact_no_contract(game, rules.selection) if baseline is None else baseline
    if linear_parts(game) is not None:
        assert isinstance(game, AggregativeGame)
        M, O = _linear_engine(game, s, rules.selection)
        return _finish(game, s, rules, ((M, O),), base, ["linear aggregative game: dominant actions, separable bloc total"],
                       True)
    pairs, notes, complete = _counts_engine(game, count_tables(game), s, rules.timing, rules.selection,
                                            rules.budgets.max_pairs)
    if not pairs:
        return CompositionOutcome(s, game.type_counts, rules.timing, rules.selection, rules.sharing, None, None, None,
                                  None, None, None, None, None, None, (), False, tuple(notes))
    return _finish(game, s, rules, tuple(pairs), base, notes, complete)


# ---------------------------------------------------------------------------- analysis
@dataclass(frozen=True)
class CompactAnalysis(PartialContractAnalysis):
    """Everything :func:`_compact_analysis` computes: a PartialContractAnalysis by composition.

    The fields are those of :class:`~contract_theory.contracting.coalitions.partial_contracts.PartialContractAnalysis`
    with coalitions replaced by compositions: ``game`` is an
    :class:`~contract_theory.games.compact.AnonymousGame`; ``outcomes``, ``by_k`` (values
    :class:`CompositionOutcome`), ``best_coalitions_by_k`` (alias ``best_compositions_by_k``)
    and ``stability`` are keyed by composition; ``optimum_profiles`` are optimal count
    matrices; ``no_contract`` is a :class:`CompactBaseline`.  Code that renders a dense
    analysis's curve (``welfare_curve``, ``optimum_welfare``, ``no_contract.welfare``,
    ``by_k[k].gains``) renders this one.
    """

    @property
    def stable_compositions(self) -> list[tuple[int, ...]]:
        """Compositions that are internally and externally stable, by size then lexicographically."""
        return [s for s, c in self.stability.items() if c.stable]

    @property
    def stable_sizes(self) -> list[int]:
        """Coalition sizes with at least one stable composition."""
        return sorted({sum(s) for s in self.stable_compositions})

    # typed views of the inherited fields (their declared types are the dense ones)
    @property
    def compact_game(self) -> AnonymousGame:
        return cast(AnonymousGame, self.game)

    @property
    def baseline(self) -> CompactBaseline:
        return cast(CompactBaseline, self.no_contract)

    @property
    def optimum_counts(self) -> tuple[Counts, ...]:
        return cast("tuple[Counts, ...]", self.optimum_profiles)

    def best(self, k: int) -> CompositionOutcome | None:
        """The best composition's outcome of size k (``by_k[k]``)."""
        return cast("CompositionOutcome | None", self.by_k[k])

    @property
    def best_compositions_by_k(self) -> dict[int, tuple[tuple[int, ...], ...]]:
        """The compositions tied for the best welfare at each size."""
        return self.best_coalitions_by_k


def _stability(s: tuple[int, ...], outcomes: dict[tuple[int, ...], CompositionOutcome], base: CompactBaseline,
               k: int, tie: str) -> StabilityCheck:
    strict_in, strict_out = strictness(tie)
    here = outcomes[s]
    if here.member_runs is None or here.outsider_runs is None:
        return StabilityCheck(s, None, None)
    internal: bool | None = True
    iw = None
    for t, x in enumerate(s):
        if not x:
            continue
        smaller = s[:t] + (x - 1,) + s[t + 1:]
        if sum(smaller) < 2:
            after = None if base.runs is None else _values(base.runs[t])
        else:
            o = outcomes[smaller].outsider_runs
            after = None if o is None else _values(o[t])
        if after is None:
            internal = None
            break
        inside, outside = min(_values(here.member_runs[t])), max(after)
        if not prefers_stay(inside, outside, strict_in):
            internal, iw = False, (t, inside, outside)
            break
    external: bool | None = True
    ew = None
    if sum(s) < k:
        for t, (x, n) in enumerate(zip(s, here.type_counts)):
            if x == n:
                continue
            joined_o = outcomes[s[:t] + (x + 1,) + s[t + 1:]].member_runs
            if joined_o is None:
                external = None
                break
            outside, joined = min(_values(here.outsider_runs[t])), max(_values(joined_o[t]))
            if not prefers_stay(outside, joined, strict_out):
                external, ew = False, (t, outside, joined)
                break
    return StabilityCheck(s, internal, external, iw, ew)


def _compact_analysis(
    game: AnonymousGame, k: int, rules: Rules = Rules(), *, require_acceptance: bool = False,
) -> CompactAnalysis:
    """Solve every composition of size 2..K and summarize (``docs/background/model.md#4-partial-contracts``).

    ``rules`` as for :func:`contract_theory.contracting.coalitions.partial_contracts.partial_contract_analysis`;
    ``rules.budgets.max_compositions`` bounds the number of compositions.

    W_k, the curve, ``min_k_for_optimum`` and the price are defined as in
    :mod:`contract_theory.contracting.coalitions.partial_contracts` (shared code); the best composition
    of each size is the one whose canonical coalition is lexicographically smallest among
    those with the highest W (the dense rule).  Complexity: #compositions (at most
    prod_t (n_t + 1)) engine calls.

    >>> from contract_theory.games.compact_library import iea
    >>> a = _compact_analysis(iea(6, 1, 1), 6)
    >>> a.stable_sizes, a.min_k_for_optimum, str(a.optimum_welfare)
    ([3], 6, '108')
    """
    check_k(game, k)
    count = math.prod(n + 1 for n in game.type_counts)
    if count > rules.budgets.max_compositions:
        raise SizeLimitError(f"{count} compositions exceed max_compositions={rules.budgets.max_compositions}")
    w_star, opt = _compact_optimum(game)
    base = _compact_no_contract(game, rules.selection)
    outcomes = {s: _compact_coalition_outcome(game, s, rules, baseline=base) for s in compositions(game, 2, k)}
    by_k: dict[int, CompositionOutcome | None] = {}
    best: dict[int, tuple[tuple[int, ...], ...]] = {}
    for size in range(2, k + 1):
        cands = [o for s, o in outcomes.items() if sum(s) == size and o.welfare is not None
                 and (not require_acceptance or o.members_accept is True)]
        if not cands:
            by_k[size], best[size] = None, ()
            continue
        top = max(o.welfare for o in cands)  # type: ignore[type-var]  # reason: candidates are filtered to outcomes with a welfare; the field is Optional in general
        tied = sorted((o for o in cands if o.welfare == top), key=lambda o: canonical_coalition(game, o.composition))
        by_k[size], best[size] = tied[0], tuple(o.composition for o in tied)
    curve, min_k, price, measure = welfare_curve_summary(
        {size: (o.welfare if o is not None else None) for size, o in by_k.items()}, base.welfare, w_star, k)
    stab = {s: _stability(s, outcomes, base, k, rules.tie) for s in outcomes}
    notes = list(base.notes)
    complete = all(o.complete for o in outcomes.values())
    if not complete:
        notes.append("some compositions' continuation games lack pure equilibria; see each outcome's notes")
    return CompactAnalysis(game, k, rules.timing, rules.selection, rules.sharing, rules.tie, require_acceptance, w_star,
                           opt, base, outcomes, by_k, best, curve, min_k, price, measure,  # type: ignore[arg-type]  # reason: PartialContractAnalysis fields are typed for player tuples; compact ones hold compositions
                           stab, complete, tuple(notes))

