r"""Characteristic functions from a game, under a named assumption about the others.

Definition (``docs/background/formation.md#characteristic-functions``).  For a coalition S the
worth v(S) is what S's members secure together when S acts as one bloc maximizing their total
U_S = sum_{i in S} u_i, under an assumption about the players outside S:

``"alpha"``
    the others minimize U_S after S has chosen: v(S) = max_{a_S} min_{a_-S} U_S (von Neumann and
    Morgenstern; Aumann and Peleg 1960);
``"beta"``
    the others commit first: v(S) = min_{a_-S} max_{a_S} U_S (>= alpha);
``"gamma"``
    the others split into singletons, each maximizing its own payoff (Chander and Tulkens 1997):
    v(S) = v(S; {S} + singletons), the partition function of
    :mod:`~contract_theory.contracting.formation.partition_function`;
``"delta"``
    the others stay together as one bloc (Hart and Kurz 1983): v(S) = v(S; {S, N \ S}).  The
    others' bloc is a conjecture about their behaviour, not a contract, so it is not bounded by K.

Gamma and delta follow ``rules.timing`` and ``rules.selection`` (with the contracts leading, under
gamma S commits first and the singletons reply: exactly the Stackelberg coalition value U_S).
v(N) is the grand coalition's maximum total, W*, under every assumption, and v of the empty set 0.

Coalitions larger than K cannot sign.  Their worth is that of the best arrangement of their
members into contracts of at most K (a partitioning game, Kaneko and Wooders 1982): under gamma and
delta, v(S) = max over partitions P of S into blocks of at most K of sum_{B in P} v(B; P + the
others), the blocks of P playing together with the others as the assumption says (so v(N) is the
best welfare of a structure within K); under alpha and beta, the cover: max over P of
sum_{B in P} v(B) (each block secures its own alpha worth whatever the others do).  A coalition
within K keeps its direct worth, even when a split of it pays more.  With K = N every
worth is direct.

By composition.  In a symmetric dense game and in a compact game, v(S) depends only on S's
members per type, and is computed once per composition (``by_composition``).  Complexity: one
bloc problem per coalition (2^N - 1) or per composition (prod_t (n_t + 1)), plus the cover.
More than ``rules.budgets.max_coalitions`` coalitions (dense) raises
:class:`~contract_theory.errors.SizeLimitError`.

Examples
--------
>>> from contract_theory.games.library import public_goods
>>> v = characteristic_function(public_goods(3, 2, 1), 3, assumption="gamma")
>>> [str(v.value(S)) for S in [(0,), (0, 1), (0, 1, 2)]]    # a pair contributes: 2 * 2 * 2/3 = 8/3
['1', '8/3', '6']
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

import numpy as np

from contract_theory.contracting.coalitions.partial_contracts import check_k
from contract_theory.contracting.coalitions.rules import Rules, check_choice
from contract_theory.contracting.formation.partition_function import player_names
from contract_theory.contracting.modifications.coalition_structures import StructureEngine, structure_engine
from contract_theory.contracting.modifications.shared import SolverRecord
from contract_theory.contracting.modifications.structure_classes import player_types
from contract_theory.errors import ParameterError, SizeLimitError
from contract_theory.games.size import RAISE_LIMIT, check_size

__all__ = ["Assumption", "ASSUMPTIONS", "CharacteristicFunction", "characteristic_function", "coalitions_of",
           "composition_of"]

Assumption = Literal["alpha", "beta", "gamma", "delta"]
ASSUMPTIONS: tuple[Assumption, ...] = ("alpha", "beta", "gamma", "delta")

#: Largest number of players whose coalitions are enumerated one by one (2^16 - 1 coalitions).
MAX_PLAYERS_ENUMERATED = 16


def coalitions_of(n: int) -> list[tuple[int, ...]]:
    """Every non-empty coalition of players 0..n-1, by size then lexicographically.

    Examples
    --------
    >>> coalitions_of(3)
    [(0,), (1,), (2,), (0, 1), (0, 2), (1, 2), (0, 1, 2)]
    """
    return [c for s in range(1, n + 1) for c in itertools.combinations(range(n), s)]


def composition_of(coalition: Iterable[int], type_counts: Sequence[int]) -> tuple[int, ...]:
    """Members per type of a coalition (players numbered type by type).

    Examples
    --------
    >>> composition_of((0, 2, 3), (2, 2))
    (1, 2)
    """
    types = player_types(type_counts)
    out = [0] * len(type_counts)
    for i in coalition:
        out[types[i]] += 1
    return tuple(out)


@dataclass(frozen=True)
class CharacteristicFunction(SolverRecord):
    """A TU game (N, v) induced by a strategic game (module docstring).

    ``worth`` maps a coalition (sorted tuple of player indices) to v(S), or, by composition
    (``type_counts`` set), a composition (members per type) to v; use :meth:`value` either way.
    """

    n: int
    k: int
    players: tuple[str, ...]
    assumption: str
    worth: dict[tuple[int, ...], Fraction]
    type_counts: tuple[int, ...] | None = None
    direct: frozenset[tuple[int, ...]] = field(default_factory=frozenset, compare=False)

    @property
    def by_composition(self) -> bool:
        return self.type_counts is not None

    def value(self, coalition: Iterable[int]) -> Fraction:
        """v(S); v of the empty coalition is 0."""
        s = tuple(sorted(set(int(i) for i in coalition)))
        if any(not 0 <= i < self.n for i in s):
            raise ParameterError(f"coalition {list(s)} names players outside 0..{self.n - 1}")
        if not s:
            return Fraction(0)
        key = composition_of(s, self.type_counts) if self.type_counts is not None else s
        return self.worth[key]

    def table(self) -> dict[tuple[int, ...], Fraction]:
        """v(S) for every non-empty coalition (2^N - 1 of them; for N <= 16)."""
        if self.n > MAX_PLAYERS_ENUMERATED:
            raise SizeLimitError(f"{2 ** self.n - 1} coalitions of {self.n} players: the table is listed for "
                                 f"N <= {MAX_PLAYERS_ENUMERATED}; ask value(S) or use the compositions in worth")
        return {c: self.value(c) for c in coalitions_of(self.n)}


# ---------------------------------------------------------------------------- worths
def _dense_alpha_beta(game: Any, members: tuple[int, ...], assumption: str) -> Fraction:
    """max_{a_S} min_{a_-S} U_S (alpha) or min_{a_-S} max_{a_S} U_S (beta) on the dense table."""
    n = game.n_players
    others = [i for i in range(n) if i not in members]
    u = game.table[..., list(members)].sum(axis=-1)
    if not others:
        return Fraction(int(u.max()), game.denominator)
    rows = math.prod(game.shape[i] for i in members)
    m = np.transpose(u, list(members) + others).reshape(rows, -1)
    val = m.min(axis=1).max() if assumption == "alpha" else m.max(axis=0).min()
    return Fraction(int(val), game.denominator)


def _linear_alpha_beta(game: Any, composition: Sequence[int]) -> Fraction:
    """Linear aggregative games: U_S = A_S X + sum_S h is separable, so alpha = beta =
    sum_{i in S} max_x (A_S w x + h(x)) + sum_{j not in S} min_x A_S w_j x."""
    alphas, hs = game.linear
    a_s = sum((x * a for x, a in zip(composition, alphas)), Fraction(0))
    total = Fraction(0)
    for t, (x, n) in enumerate(zip(composition, game.type_counts)):
        w, vals = game.weights[t], game.values[t]
        total += x * max(a_s * w * v + h for v, h in zip(vals, hs[t]))
        total += (n - x) * min(a_s * w * v for v in vals)
    return total


def _structure_worth(engine: StructureEngine, members: tuple[int, ...], assumption: str, n: int) -> Fraction | None:
    """v(S) under gamma ({S} + singletons) or delta ({S, N \\ S}) from the structure's outcome."""
    rest = tuple(i for i in range(n) if i not in members)
    if assumption == "gamma":
        blocks = [members] + [(i,) for i in rest]
    else:
        blocks = [members] + ([rest] if rest else [])
    structure = tuple(sorted(blocks))
    vals = engine.outcome(structure).block_values()
    return None if vals is None else vals[structure.index(members)]


def _worth(game: Any, engine: StructureEngine, members: tuple[int, ...], assumption: str) -> Fraction | None:
    if assumption in ("alpha", "beta"):
        if getattr(game, "kind", None) == "compact":
            if getattr(game, "linear", None) is None:
                raise SizeLimitError("alpha and beta worths of a compact game are computed for linear aggregative "
                                     "games only; use gamma or delta, or a dense game")
            return _linear_alpha_beta(game, composition_of(members, game.type_counts))
        return _dense_alpha_beta(game, members, assumption)
    return _structure_worth(engine, members, assumption, game.n_players)


# ---------------------------------------------------------------------------- above K
def _split_blocks(members: tuple[int, ...], k: int, types: Sequence[int], n_types: int) -> list[list[tuple[int, ...]]]:
    """The partitions of ``members`` into blocks of at most k: every one (dense), or one per class when
    the players of a type are exchangeable (``n_types`` > 0; members of a type in increasing order)."""
    if not n_types:
        from contract_theory.contracting.modifications.coalition_structures import coalition_structures

        return [[tuple(members[i] for i in b) for b in s]
                for s in coalition_structures(len(members), k, max_structures=10 ** 9)]
    from contract_theory.contracting.modifications.structure_classes import structure_classes

    comp = [sum(types[i] == t for i in members) for t in range(n_types)]
    present = [t for t in range(n_types) if comp[t]]
    pools = {t: [i for i in members if types[i] == t] for t in present}
    out = []
    for cls in structure_classes([comp[t] for t in present], k, max_structures=10 ** 9):
        nxt = {t: 0 for t in present}
        blocks = []
        for kd in cls:
            b: list[int] = []
            for t, x in zip(present, kd):
                b += pools[t][nxt[t]:nxt[t] + x]
                nxt[t] += x
            blocks.append(tuple(sorted(b)))
        out.append(blocks)
    return out


def _joint_worth(engine: StructureEngine, members: tuple[int, ...], assumption: str, n: int, k: int) -> Fraction | None:
    """|S| > K under gamma or delta: the best total of S's blocks over the partitions P of S into blocks of
    at most K, every block of P acting as a bloc in the structure P + the others (singletons, or one bloc)."""
    rest = tuple(i for i in range(n) if i not in members)
    others: list[tuple[int, ...]] = [(i,) for i in rest] if assumption == "gamma" else ([rest] if rest else [])
    n_types = len(engine.type_counts) if engine.type_counts is not None else 0
    if n_types:
        fast = _joint_worth_by_class(engine, members, assumption, k)
        if fast is not None:
            return fast
    best: Fraction | None = None
    for blocks in _split_blocks(members, k, engine.types, n_types):
        structure = tuple(sorted(blocks + others))
        vals = engine.outcome(structure).block_values()
        if vals is None:
            continue
        total = sum((vals[structure.index(b)] for b in blocks), Fraction(0))
        best = total if best is None or total > best else best
    return best


def _joint_worth_by_class(engine: StructureEngine, members: tuple[int, ...], assumption: str,
                          k: int) -> Fraction | None:
    """:func:`_joint_worth` per class of S's partitions, from the per-kind block totals of untied classes;
    ``None`` when some class involved is tied or has no outcome (then the labelled structures decide)."""
    from contract_theory.contracting.modifications.structure_classes import structure_classes

    tc = engine.type_counts
    assert tc is not None
    comp = [sum(engine.types[i] == t for i in members) for t in range(len(tc))]
    present = [t for t in range(len(tc)) if comp[t]]
    rest = tuple(x - c for x, c in zip(tc, comp))
    unit = [tuple(int(u == t) for u in range(len(tc))) for t in range(len(tc))]
    others = [unit[t] for t in range(len(tc)) for _ in range(rest[t])] if assumption == "gamma" else \
        ([rest] if any(rest) else [])
    best: Fraction | None = None
    for part in structure_classes([comp[t] for t in present], k, max_structures=10 ** 9):
        kinds = [tuple(kd[present.index(t)] if t in present else 0 for t in range(len(tc))) for kd in part]
        cls = tuple(sorted(kinds + others, key=lambda c: (sum(c), c), reverse=True))
        by_kind = engine.kind_values(cls)
        if by_kind is None:
            return None
        total = sum((by_kind[kd] for kd in kinds), Fraction(0))
        best = total if best is None or total > best else best
    return best


# ---------------------------------------------------------------------------- cover
def _cover_dense(direct: dict[tuple[int, ...], Fraction], n: int, k: int) -> dict[tuple[int, ...], Fraction]:
    """v(S) = max over partitions of S into blocks of at most k of the blocks' direct worths (|S| > k).

    The best split of every coalition is computed (of small ones too, since a remainder may be better
    split), and the worth of a coalition within k stays its direct worth."""
    best: dict[int, Fraction] = {0: Fraction(0)}
    for c in coalitions_of(n):
        mask = sum(1 << i for i in c)
        low = c[0]
        rest = c[1:]
        cand = None
        for size in range(0, k):
            for others in itertools.combinations(rest, size):
                b = (low,) + others
                bm = sum(1 << i for i in b)
                v = direct[b] + best[mask & ~bm]
                cand = v if cand is None or v > cand else cand
        assert cand is not None
        best[mask] = cand
    return {c: direct[c] if len(c) <= k else best[sum(1 << i for i in c)] for c in coalitions_of(n)}


def _cover_compositions(direct: dict[tuple[int, ...], Fraction], type_counts: Sequence[int],
                        k: int) -> dict[tuple[int, ...], Fraction]:
    """The cover by compositions: best[c] = max over kinds b <= c, |b| <= k, of direct[b] + best[c - b]."""
    comps = sorted(itertools.product(*(range(x + 1) for x in type_counts)), key=sum)
    best: dict[tuple[int, ...], Fraction] = {tuple(0 for _ in type_counts): Fraction(0)}
    kinds = [c for c in comps if 1 <= sum(c) <= k]
    for c in comps:
        if not sum(c):
            continue
        best[c] = max(direct[b] + best[tuple(x - y for x, y in zip(c, b))] for b in kinds
                      if all(y <= x for x, y in zip(c, b)))
    return {c: direct[c] if sum(c) <= k else v for c, v in best.items() if sum(c)}


def _check_worths(game: Any, n: int, k: int, assumption: str) -> None:
    """Refuse through the one size budget, before any worth is solved, the coalition worths of a dense game:
    one bloc problem over the payoff tensor per coalition of 1..K players (and, under gamma and delta, per
    coalition above K), each scanning n prod(m_i) cells."""
    solves = sum(math.comb(n, s) for s in range(1, min(k, n - 1) + 1))
    if assumption in ("gamma", "delta") and k < n:
        solves += sum(math.comb(n, s) for s in range(k + 1, n))
    profiles = int(game.n_profiles)
    check_size(f"characteristic function ({assumption})", solves * profiles * n,
               f"{solves:,} coalition worths x {profiles:,} profiles x {n} players",
               f"use a symmetric or compact game (by composition), a smaller --k, or {RAISE_LIMIT}")


def characteristic_function(game: Any, k: int, rules: Rules = Rules(), *, assumption: str = "gamma",
                            use_symmetry: bool = True) -> CharacteristicFunction:
    """The characteristic function of ``game`` under ``assumption`` (module docstring).

    ``k``: the largest contract (coalitions above it get the cover's worth).  ``rules``:
    ``timing`` and ``selection`` (gamma, delta), ``budgets.max_coalitions``.

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> v = characteristic_function(public_goods(3, 2, 1), 3, assumption="delta")
    >>> str(v.value((0,)))      # the pair contributes, the single player free-rides: 1 + 2*2/3
    '7/3'
    """
    check_k(game, k)
    check_choice(assumption, ASSUMPTIONS, "assumption")
    engine = structure_engine(game, rules, use_symmetry=use_symmetry)
    n = game.n_players
    tc = engine.type_counts
    from contract_theory.contracting.modifications.coalition_structures import _optimum

    w_star = _optimum(game)
    notes: list[str] = []
    if tc is not None:
        comps = [c for c in itertools.product(*(range(x + 1) for x in tc)) if 1 <= sum(c) <= k]
        direct = {}
        for c in comps:
            members = tuple(i for t, x in enumerate(c) for i in range(sum(tc[:t]), sum(tc[:t]) + x))
            direct[c] = _checked(_worth(game, engine, members, assumption) if sum(c) < n else w_star, members)
        worth = _cover_compositions(direct, tc, k)
        keyset = frozenset(direct)
        if assumption in ("gamma", "delta"):
            starts = [sum(tc[:t]) for t in range(len(tc))]
            for c in list(worth):
                if sum(c) > k:
                    members = tuple(i for t, x in enumerate(c) for i in range(starts[t], starts[t] + x))
                    worth[c] = _checked(_joint_worth(engine, members, assumption, n, k), members)
    else:
        if 2 ** n - 1 > rules.budgets.max_coalitions or n > MAX_PLAYERS_ENUMERATED:
            raise SizeLimitError(f"{2 ** n - 1} coalitions of {n} players exceed the enumeration limit "
                                 f"(N <= {MAX_PLAYERS_ENUMERATED}, max_coalitions={rules.budgets.max_coalitions}); "
                                 "use a symmetric or compact game (by composition)")
        _check_worths(game, n, k, assumption)
        direct = {c: _checked(_worth(game, engine, c, assumption) if len(c) < n else w_star, c)
                  for c in coalitions_of(n) if len(c) <= k}
        worth = _cover_dense(direct, n, k) if k < n else direct
        keyset = frozenset(direct)
        if assumption in ("gamma", "delta"):
            for c in list(worth):
                if len(c) > k:
                    worth[c] = _checked(_joint_worth(engine, c, assumption, n, k), c)
    if k < n:
        notes.append(f"coalitions of more than K = {k} players cannot sign: their worth is the best arrangement "
                     "of their members into contracts of at most K" + (
                         ", the blocks playing together against the others" if assumption in ("gamma", "delta")
                         else " (the sum of the blocks' worths)"))
    return CharacteristicFunction(n, k, player_names(game), assumption, worth, tc, keyset,
                                  method=("by composition" if tc is not None else "one bloc problem per coalition"),
                                  payoffs_exact=bool(getattr(game, "exact", True)), notes=tuple(notes),
                                  parameters={"k": k, "assumption": assumption, "timing": rules.timing,
                                              "selection": rules.selection})


def _checked(v: Fraction | None, members: tuple[int, ...]) -> Fraction:
    if v is None:
        raise ParameterError(f"the worth of coalition {list(members)} is undefined: the structure's blocks have no "
                             "pure equilibrium (try the other timing, or the alpha/beta assumption)")
    return v
