r"""Pure equilibria and the optimum of compact games, by counts (``docs/background/model.md#8-compact-games``).

In a typed anonymous game (:class:`~contract_theory.games.compact.AnonymousGame`) a pure
profile matters only through its count matrix c (players per type and action): payoffs,
welfare W(c) = ``sum_{t,b} c[t][b] f_t(b, c)`` and the equilibrium property are functions of c.
A count matrix is a **pure Nash equilibrium** iff every occupied (t, b) is a best response:
f_t(b, c) >= f_t(b', c - e_{t,b} + e_{t,b'}) for every action b' of type t.

Algorithm (:class:`CountTables`).  All prod_t C(n_t + m_t - 1, m_t - 1) count matrices are
enumerated once -- polynomial in N for fixed types and actions -- with exact integer payoff
tables (one common denominator) and, per occupied (t, b), whether it is a best response
(``content``).  Count matrices are looked up by a linear code (mixed radix over all but the
last action of each type), so code(M + O) = code(M) + code(O): coalition solvers add
members' and outsiders' codes.  Everything is vectorized over count matrices.

Linear aggregative games (:attr:`~contract_theory.games.compact.AggregativeGame.linear`,
u_i = alpha_t X + h_t(x_i)) are solved without tables: a player's own part
alpha_t w_t x + h_t(x) does not depend on the others, so the equilibria are exactly the
profiles of dominant actions (the aggregate fixed point is immediate) and the optimum is
per-player: each player maximizes (sum_j alpha_{t(j)}) w_t x + h_t(x).  Cost O(sum_t m_t).
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from contract_theory.equilibria.aggregative import MAX_LATTICE_CELLS, aggregate_form, lattice_cells
from contract_theory.equilibria.results import EquilibriumResult
from contract_theory.errors import SizeLimitError
from contract_theory.exact.numbers import integer_table
from contract_theory.games.compact import AggregativeGame, AnonymousGame, Counts, distributions

__all__ = ["CountTables", "count_tables", "compact_welfare", "compact_welfares",
           "dominant_actions", "linear_parts", "linear_game", "MAX_COUNT_MATRICES"]

#: Default limit on the number of count matrices enumerated.
MAX_COUNT_MATRICES = 2_000_000


@dataclass(frozen=True)
class CountTables:
    """Every count matrix of a compact game with exact integer payoffs (see the module docstring).

    ``rows[r]`` is a flattened count matrix, ``codes[r]`` its code (sorted ascending),
    ``radix[d]`` the code weight of column d, ``table[r, d]`` = f_t(b, c) * ``denominator``
    where column d = (t, b) is occupied (else 0), ``welfare[r]`` = W(c) * ``denominator``,
    ``content[r, d]`` whether players on an occupied (t, b) best-respond (True when empty).
    """

    rows: np.ndarray
    codes: np.ndarray
    radix: np.ndarray
    table: np.ndarray
    denominator: int
    welfare: np.ndarray
    content: np.ndarray

    def index(self, codes: np.ndarray) -> np.ndarray:
        """Row indices of count matrices given by their codes (which must exist)."""
        return np.searchsorted(self.codes, codes)

    def code(self, rows: np.ndarray) -> np.ndarray:
        """Codes of flattened count rows (of the whole game or of a part of the players)."""
        return rows @ self.radix


def _radix(game: AnonymousGame) -> np.ndarray:
    radix, weight = [], 1
    for n, m in zip(game.type_counts, game.n_actions):
        for b in range(m):
            if b == m - 1:
                radix.append(0)
            else:
                radix.append(weight)
                weight *= n + 1
    if weight >= 1 << 62:
        raise SizeLimitError(f"count codes of this game need {weight.bit_length()} bits; at most 62 are supported "
                             "(fewer types or actions)")
    return np.array(radix, dtype=np.int64)


def count_tables(game: AnonymousGame, max_count_matrices: int = MAX_COUNT_MATRICES) -> CountTables:
    """Build (once per game, cached) the :class:`CountTables` of ``game``.

    Raises :class:`~contract_theory.errors.SizeLimitError` when the game has more than
    ``max_count_matrices`` count matrices.  Complexity O(#count matrices * sum_t m_t^2).

    Examples
    --------
    >>> from contract_theory.games.compact import anonymous_game
    >>> t = count_tables(anonymous_game(2, ["C", "D"], lambda b, c: 3 * c[0][0] - 2 * (b == 0)))
    >>> t.rows.tolist(), (t.welfare // t.denominator).tolist(), t.content.tolist()
    ([[0, 2], [1, 1], [2, 0]], [0, 4, 8], [[True, False], [True, False], [True, True]])
    """
    cached = _TABLES.get(game)
    if cached is not None:
        return cached
    size = game.n_count_matrices
    if size > max_count_matrices:
        cells = lattice_cells(game)
        lattice = "" if cells is None or cells <= MAX_LATTICE_CELLS else (
            f"; the aggregate engine of one-type aggregative compact games would need {cells:,} lattice cells, "
            f"above MAX_LATTICE_CELLS={MAX_LATTICE_CELLS:,}: use fewer players or a coarser action grid")
        raise SizeLimitError(
            f"{game.title or 'the game'} has {size} count matrices, above max_count_matrices={max_count_matrices}; "
            "use fewer actions or types, or a linear aggregative payoff (solved without tables)" + lattice)
    per_type = [distributions(n, m) for n, m in zip(game.type_counts, game.n_actions)]
    rows = per_type[0]
    for part in per_type[1:]:
        rows = np.concatenate([np.repeat(rows, len(part), axis=0), np.tile(part, (len(rows), 1))], axis=1)
    radix = _radix(game)
    codes = rows @ radix
    order = np.argsort(codes, kind="stable")
    rows, codes = rows[order], codes[order]
    table, den = integer_table(game.payoff_rows(rows))
    welfare = (rows * table).sum(axis=1)
    content = np.ones(rows.shape, dtype=bool)
    cols = game.columns
    for d, (t, _) in enumerate(cols):
        occupied = rows[:, d] >= 1
        for d2, (t2, _) in enumerate(cols):
            if t2 != t or d2 == d:
                continue
            moved = np.searchsorted(codes, codes - radix[d] + radix[d2])
            moved = np.where(occupied, moved, 0)
            content[:, d] &= ~occupied | (table[:, d] >= table[moved, d2])
    out = CountTables(rows, codes, radix, table, den, welfare, content)
    _TABLES[game] = out
    return out


#: :func:`count_tables` of each game, built once (released with the game).
_TABLES: weakref.WeakKeyDictionary[AnonymousGame, CountTables] = weakref.WeakKeyDictionary()


def linear_game(game: AnonymousGame) -> AggregativeGame | None:
    """``game`` itself when it is a linear aggregative game (:attr:`AggregativeGame.linear`), else ``None``.

    Examples
    --------
    >>> from contract_theory.games.compact_library import iea, volunteers_dilemma_compact
    >>> linear_game(iea(4, 1, 1)) is not None, linear_game(volunteers_dilemma_compact(3))
    (True, None)
    """
    if isinstance(game, AggregativeGame) and game.linear is not None:
        return game
    return None


def linear_parts(game: AnonymousGame) -> tuple[tuple[Fraction, ...], tuple[tuple[Fraction, ...], ...]] | None:
    """(alpha_t, h_t(values)) of a linear aggregative game, else ``None``."""
    lin = linear_game(game)
    return None if lin is None else lin.linear


def _own_scores(game: AggregativeGame, coef: Fraction, t: int) -> list[Fraction]:
    """coef * w_t * x + h_t(x) for each action of type t (the separable part of a linear game)."""
    lin = game.linear
    assert lin is not None
    return [coef * game.weights[t] * x + h for x, h in zip(game.values[t], lin[1][t])]


def dominant_actions(game: AggregativeGame, coef: Fraction | None = None) -> tuple[tuple[int, ...], ...]:
    """Per type, the actions maximizing coef * w_t * x + h_t(x) (default coef = alpha_t: dominant actions).

    Examples
    --------
    >>> from contract_theory.games.compact import AggregativeGame
    >>> dominant_actions(AggregativeGame([3], [[0, 1, 2]], poly=[{(0, 1): 1, (2, 0): "-1/2"}]))
    ((1,),)
    """
    lin = game.linear
    if lin is None:
        raise ValueError("dominant_actions needs a linear aggregative game")
    cache = game.__dict__.setdefault("_dominant_cache", {})
    if coef in cache:
        return cache[coef]
    out = []
    for t in range(game.n_types):
        s = _own_scores(game, lin[0][t] if coef is None else coef, t)
        best = max(s)
        out.append(tuple(b for b, v in enumerate(s) if v == best))
    cache[coef] = tuple(out)
    return cache[coef]


def compact_welfare(game: AnonymousGame, c: Counts) -> Fraction:
    """W(c) = ``sum_{t,b} c[t][b] f_t(b, c)``, exact."""
    return sum((k * game.payoff(t, b, c) for t, row in enumerate(c) for b, k in enumerate(row) if k),
               Fraction(0))


def compact_welfares(game: AnonymousGame, counts: Sequence[Counts]) -> list[Fraction]:
    """:func:`compact_welfare` of many count matrices: read from the game's :func:`count_tables` when
    they are built (one code lookup per matrix, no payoff call), else computed one by one.

    Examples
    --------
    >>> from contract_theory.games.compact_library import volunteers_dilemma_compact
    >>> g = volunteers_dilemma_compact(3)
    >>> _ = count_tables(g)
    >>> compact_welfares(g, [((1, 2),), ((0, 3),)]) == [compact_welfare(g, c) for c in [((1, 2),), ((0, 3),)]]
    True
    """
    t = _TABLES.get(game)
    if t is None or not counts:
        return [compact_welfare(game, c) for c in counts]
    rows = np.array([[k for row in c for k in row] for c in counts], dtype=np.int64)
    found = t.welfare[t.index(t.code(rows))].tolist()
    return [Fraction(int(w), t.denominator) for w in found]


def _counts_over(game: AnonymousGame, allowed: tuple[tuple[int, ...], ...], limit: int) -> list[Counts]:
    """Every count matrix using only ``allowed[t]`` actions for type t (at most ``limit``)."""
    per_type = []
    for t, acts in enumerate(allowed):
        rows = distributions(game.type_counts[t], len(acts))
        full = np.zeros((len(rows), game.n_actions[t]), dtype=np.int64)
        full[:, list(acts)] = rows
        per_type.append([tuple(int(v) for v in r) for r in full])
    total = math.prod(len(p) for p in per_type)
    if total > limit:
        raise SizeLimitError(f"{total} count matrices to list, above the limit {limit}")
    out: list[Counts] = [()]
    for p in per_type:
        out = [c + (r,) for c in out for r in p]
    return sorted(out)


def _compact_pure_equilibria(game: AnonymousGame, *, max_count_matrices: int = MAX_COUNT_MATRICES,
                            max_listed: int = 100_000) -> EquilibriumResult:
    """All pure Nash equilibria as count matrices (lexicographic order).

    Linear aggregative games: every combination of dominant actions.  Others: the count
    matrices whose occupied (type, action) pairs all best-respond (:func:`count_tables`).
    Complexity: O(sum_t m_t) plus the listing (linear), O(#count matrices * sum m_t^2) (tables).

    Examples
    --------
    >>> from contract_theory.games.compact_library import volunteers_dilemma_compact
    >>> _compact_pure_equilibria(volunteers_dilemma_compact(3)).equilibria
    (((1, 2),),)
    """
    lin = linear_game(game)
    if lin is not None:
        eqs = _counts_over(lin, dominant_actions(lin), max_listed)
        return EquilibriumResult("compact-dominant-actions", True, tuple(eqs), True, {"game": game.title},
                                 ("linear aggregative game: the equilibria are the profiles of dominant actions",))
    form = aggregate_form(game)
    if form is not None:
        return EquilibriumResult("compact-aggregate-dp", True, form.equilibria(max_listed), True, {"game": game.title},
                                 ("aggregative game: equilibria by partial sums of the aggregate",))
    t = count_tables(game, max_count_matrices)
    rows = t.rows[t.content.all(axis=1)]
    eqs = sorted(game.unflatten(r) for r in rows.tolist())
    return EquilibriumResult("compact-count-enumeration", True, tuple(eqs), True, {"game": game.title}, ())


def _compact_optimum(game: AnonymousGame, *, max_count_matrices: int = MAX_COUNT_MATRICES,
                    max_listed: int = 10_000) -> tuple[Fraction, tuple[Counts, ...]]:
    """W* and the optimal count matrices (lexicographic order).

    Linear aggregative games: each player independently maximizes
    (sum_j alpha_{t(j)}) w_t x + h_t(x); others: the maximum over :func:`count_tables`.

    Examples
    --------
    >>> from contract_theory.games.compact_library import public_goods_compact
    >>> _compact_optimum(public_goods_compact(200, 3, 1))
    (Fraction(600, 1), (((0, 200),),))
    """
    agg = linear_game(game)
    if agg is not None and agg.linear is not None:
        a_all = sum((n * a for n, a in zip(agg.type_counts, agg.linear[0])), Fraction(0))
        best = _counts_over(agg, dominant_actions(agg, a_all), max_listed)
        return compact_welfare(agg, best[0]), tuple(best)
    form = aggregate_form(game)
    if form is not None:
        top_int, best_counts = form.optimum(max_listed)
        return form.fraction(top_int), best_counts
    t = count_tables(game, max_count_matrices)
    top = t.welfare.max()
    rows = t.rows[t.welfare == top]
    return Fraction(int(top), t.denominator), tuple(sorted(game.unflatten(r) for r in rows.tolist()))
