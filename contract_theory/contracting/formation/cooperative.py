r"""Cooperative values of a characteristic function, exact: core, least core, nucleolus, Shapley value.

Definitions (``docs/background/formation.md#cooperative-values``), for a TU game (N, v) with
x(S) = sum_{i in S} x_i and the excess e(S, x) = v(S) - x(S):

* the **core**: allocations x with x(N) = v(N) and x(S) >= v(S) for every coalition S (Gillies 1959);
* the **least core**: the allocations with x(N) = v(N) minimizing epsilon = max_{S != N, empty}
  e(S, x) (Maschler, Peleg and Shapley 1979); the core is non-empty iff epsilon <= 0;
* the **nucleolus**: the imputation (x(N) = v(N), x_i >= v({i})) whose excesses, sorted in
  decreasing order, are lexicographically smallest (Schmeidler 1969); when no imputation exists
  (sum_i v({i}) > v(N)) the pre-nucleolus (no individual rationality) instead, with a note;
* the **Shapley value**: phi_i = sum_{S not containing i} |S|! (n - |S| - 1)! / n! (v(S + i) - v(S))
  (Shapley 1953).

Methods.  Core and least core: one LP (minimize epsilon), certified by the exact LP of
:mod:`contract_theory.exact.lp`.  Nucleolus: the sequence of LPs of Maschler, Peleg and Shapley:
minimize the largest free excess; the coalitions with a non-zero exact dual multiplier are tight
at every optimum and are fixed at that level; coalitions whose incidence vector lies in the span
of the fixed ones are dropped; repeat until the fixed equalities determine x (every LP certified).
Shapley value: enumeration of the 2^N coalitions (N <= 16) in integer arithmetic.

By composition.  When the function is given per composition (players of a type exchangeable),
each set above is invariant under permutations within types and convex, so it contains an
allocation equal within types, and the nucleolus and Shapley value are equal within types: the LPs
have one variable per type and one row per composition, and phi_t sums over the compositions of
the others with their multiplicities.  Complexity: LPs over 2^N - 2 rows (dense) or prod_t (n_t + 1)
rows (by composition), at most N + 1 LPs for the nucleolus.

Examples
--------
>>> from contract_theory.contracting.formation.characteristic import CharacteristicFunction
>>> maj = CharacteristicFunction(3, 3, ("A", "B", "C"), "given",
...     {(0,): 0, (1,): 0, (2,): 0, (0, 1): 1, (0, 2): 1, (1, 2): 1, (0, 1, 2): 1})
>>> c = core(maj); c.empty, str(c.epsilon)
(True, '1/3')
>>> [str(x) for x in nucleolus(maj).point], [str(x) for x in shapley_value(maj).values]
(['1/3', '1/3', '1/3'], ['1/3', '1/3', '1/3'])
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from contract_theory.contracting.formation.characteristic import (
    MAX_PLAYERS_ENUMERATED,
    CharacteristicFunction,
    coalitions_of,
)
from contract_theory.contracting.modifications.shared import SolverRecord
from contract_theory.errors import SizeLimitError
from contract_theory.exact.linalg import rank_exact
from contract_theory.exact.lp import solve_lp

__all__ = ["CoreResult", "NucleolusResult", "ShapleyResult", "core", "least_core", "nucleolus", "shapley_value",
           "MAX_LP_PLAYERS"]

#: Largest N whose coalitions are all LP rows (2^12 - 2 = 4094 rows); larger games need composition.
MAX_LP_PLAYERS = 12


@dataclass(frozen=True)
class CoreResult(SolverRecord):
    """The least core's value ``epsilon`` and one of its points; the core is empty iff epsilon > 0.

    ``point`` is a core allocation (the least core point) when the core is non-empty, else ``None``;
    ``least_core_point`` is always given.  Allocations are per player.
    """

    empty: bool
    epsilon: Fraction
    point: tuple[Fraction, ...] | None
    least_core_point: tuple[Fraction, ...]


@dataclass(frozen=True)
class NucleolusResult(SolverRecord):
    """The nucleolus (per player), the excess levels fixed stage by stage, and whether it is over imputations."""

    point: tuple[Fraction, ...]
    levels: tuple[Fraction, ...]
    imputations: bool
    lps: int


@dataclass(frozen=True)
class ShapleyResult(SolverRecord):
    """The Shapley value, per player."""

    values: tuple[Fraction, ...]


# ---------------------------------------------------------------------------- rows
def _rows(v: CharacteristicFunction) -> tuple[list[tuple[int, ...]], list[Fraction], list[int], Fraction]:
    """LP rows: one per proper coalition (or composition), as (coefficients per variable, worth).

    Returns (rows, worths, variable weights in x(N), v(N)); variables are players, or types by
    composition (a coalition's coefficient on type t is its members of type t).
    """
    if v.type_counts is not None:
        tc = v.type_counts
        comps = [c for c in itertools.product(*(range(x + 1) for x in tc)) if 0 < sum(c) < v.n]
        return comps, [v.worth[c] for c in comps], list(tc), v.worth[tuple(tc)]
    if v.n > MAX_LP_PLAYERS:
        raise SizeLimitError(f"{2 ** v.n - 2} coalitions of {v.n} players as LP rows exceed the limit "
                             f"(N <= {MAX_LP_PLAYERS}); use a symmetric or compact game (by composition)")
    coals = [c for c in coalitions_of(v.n) if len(c) < v.n]
    rows = [tuple(int(i in c) for i in range(v.n)) for c in coals]
    return rows, [v.value(c) for c in coals], [1] * v.n, v.value(range(v.n))


def _per_player(v: CharacteristicFunction, x: tuple[Fraction, ...]) -> tuple[Fraction, ...]:
    if v.type_counts is None:
        return x
    return tuple(x[t] for t, n in enumerate(v.type_counts) for _ in range(n))


def _record(v: CharacteristicFunction, method: str) -> dict[str, Any]:
    return {"method": method + (" (by composition: one variable per type)" if v.type_counts is not None else ""),
            "parameters": {"assumption": v.assumption, "k": v.k}, "payoffs_exact": v.payoffs_exact}


def least_core(v: CharacteristicFunction) -> CoreResult:
    """The least core (module docstring): one certified LP.  See :func:`core`.

    Examples
    --------
    >>> from contract_theory.contracting.formation.characteristic import CharacteristicFunction
    >>> g = CharacteristicFunction(2, 2, ("A", "B"), "given", {(0,): 1, (1,): 2, (0, 1): 5})
    >>> r = least_core(g); str(r.epsilon), [str(x) for x in r.least_core_point]
    ('-1', ['2', '3'])
    """
    rows, worths, weights, vn = _rows(v)
    m = len(weights)
    # variables x_0..x_{m-1}, eps; rows: -a.x - eps <= -v(S)
    A_ub = [[-a for a in row] + [-1] for row in rows]
    res = solve_lp([0] * m + [1], A_ub or None, [-w for w in worths] or None, [list(weights) + [0]], [vn],
                   [(None, None)] * (m + 1))
    if res.status != "optimal" or res.x is None or res.value is None:  # pragma: no cover - bounded, feasible
        raise RuntimeError(f"least-core LP is {res.status}")
    eps = res.value if rows else Fraction(0)
    x = _per_player(v, tuple(res.x[:m]))
    rec = _record(v, "least-core LP, certified exact")
    return CoreResult(empty=eps > 0, epsilon=eps, point=None if eps > 0 else x, least_core_point=x, **rec)


def core(v: CharacteristicFunction) -> CoreResult:
    """The core: empty or not, with a point (module docstring); the least core LP decides it.

    Examples
    --------
    >>> from contract_theory.contracting.formation.characteristic import CharacteristicFunction
    >>> g = CharacteristicFunction(2, 2, ("A", "B"), "given", {(0,): 1, (1,): 2, (0, 1): 5})
    >>> r = core(g); r.empty, [str(x) for x in r.point]
    (False, ['2', '3'])
    """
    return least_core(v)


def nucleolus(v: CharacteristicFunction) -> NucleolusResult:
    """The nucleolus by the sequence of certified LPs (module docstring).

    Examples
    --------
    >>> from contract_theory.contracting.formation.characteristic import CharacteristicFunction
    >>> g = CharacteristicFunction(3, 3, ("A", "B", "C"), "given",
    ...     {(0,): 0, (1,): 0, (2,): 0, (0, 1): 5, (0, 2): 4, (1, 2): 4, (0, 1, 2): 6})
    >>> [str(x) for x in nucleolus(g).point]
    ['7/3', '7/3', '4/3']
    """
    rows, worths, weights, vn = _rows(v)
    m = len(weights)
    singles = [j for j, row in enumerate(rows) if sum(row) == 1]
    imput = sum(worths[j] * weights[row.index(1)] for j, row in enumerate(rows) if sum(row) == 1) <= vn \
        if v.type_counts is not None else sum(worths[j] for j in singles) <= vn
    eq_rows: list[list[Fraction]] = [[Fraction(w) for w in weights]]
    eq_rhs: list[Fraction] = [vn]
    free = list(range(len(rows)))
    levels: list[Fraction] = []
    lps = 0
    x: tuple[Fraction, ...] = ()
    while True:
        bounds_rows = [[-Fraction(a) for a in rows[j]] + [Fraction(0)] for j in singles] if imput else []
        bounds_rhs = [-worths[j] for j in singles] if imput else []
        A_ub = [[-Fraction(a) for a in rows[j]] + [Fraction(-1)] for j in free] + bounds_rows
        b_ub = [-worths[j] for j in free] + bounds_rhs
        A_eq = [r + [Fraction(0)] for r in eq_rows]
        res = solve_lp([0] * m + [1], A_ub or None, b_ub or None, A_eq, eq_rhs, [(None, None)] * (m + 1))
        lps += 1
        if res.status != "optimal" or res.x is None or res.value is None or res.duals_ub is None:
            raise RuntimeError(f"nucleolus LP is {res.status}")  # pragma: no cover - bounded, feasible
        x = tuple(res.x[:m])
        if not free:
            break
        t = res.value
        tight = [j for j, d in zip(free, res.duals_ub[:len(free)]) if d != 0]
        levels.append(t)
        for j in tight:
            eq_rows.append([Fraction(a) for a in rows[j]])
            eq_rhs.append(worths[j] - t)
        rank = rank_exact(eq_rows)
        if rank == m:
            break
        free = [j for j in free if j not in tight and rank_exact(eq_rows + [[Fraction(a) for a in rows[j]]]) > rank]
        if not free:
            break
    notes = () if imput else ("the imputation set is empty (the singletons' worths exceed v(N)): this is the "
                              "pre-nucleolus",)
    return NucleolusResult(_per_player(v, x), tuple(levels), imput, lps, notes=notes,
                           **_record(v, "sequence of certified LPs (Maschler, Peleg and Shapley 1979)"))


def shapley_value(v: CharacteristicFunction) -> ShapleyResult:
    """The Shapley value (module docstring), exact; by enumeration for N <= 16, else by composition.

    Examples
    --------
    >>> from contract_theory.contracting.formation.characteristic import CharacteristicFunction
    >>> g = CharacteristicFunction(2, 2, ("A", "B"), "given", {(0,): 1, (1,): 2, (0, 1): 5})
    >>> [str(x) for x in shapley_value(g).values]
    ['2', '3']
    """
    if v.type_counts is not None:
        return ShapleyResult(_per_player(v, _typed_shapley(v)), **_record(v, "Shapley value by composition"))
    n = v.n
    if n > MAX_PLAYERS_ENUMERATED:  # pragma: no cover - characteristic_function refuses first
        raise SizeLimitError(f"the Shapley value by enumeration needs N <= {MAX_PLAYERS_ENUMERATED}")
    den = math.lcm(*(v.value(c).denominator for c in coalitions_of(n)))
    worth = np.zeros(1 << n, dtype=object)
    for c in coalitions_of(n):
        worth[sum(1 << i for i in c)] = int(v.value(c) * den)
    masks = np.arange(1 << n)
    size = np.array([bin(int(s)).count("1") for s in masks])
    weight = np.array([math.factorial(int(s)) * math.factorial(n - int(s) - 1) if s < n else 0 for s in size],
                      dtype=object)
    total = math.factorial(n) * den
    out = []
    for i in range(n):
        without = masks[(masks >> i) & 1 == 0]
        diff = worth[without | (1 << i)] - worth[without]
        out.append(Fraction(int((weight[without] * diff).sum()), total))
    return ShapleyResult(tuple(out), **_record(v, "Shapley value by enumeration of coalitions"))


def _typed_shapley(v: CharacteristicFunction) -> tuple[Fraction, ...]:
    """phi_t = sum over compositions c of the others: prod_u C(n_u - [u = t], c_u) |c|! (N - |c| - 1)! / N!
    (v(c + e_t) - v(c))."""
    tc = v.type_counts
    assert tc is not None
    n = v.n
    out = []
    for t in range(len(tc)):
        avail = [x - (u == t) for u, x in enumerate(tc)]
        total = Fraction(0)
        for c in itertools.product(*(range(x + 1) for x in avail)):
            s = sum(c)
            ways = math.prod(math.comb(a, x) for a, x in zip(avail, c))
            plus = tuple(x + (u == t) for u, x in enumerate(c))
            here = v.worth[c] if s else Fraction(0)
            total += ways * math.factorial(s) * math.factorial(n - s - 1) * (v.worth[plus] - here)
        out.append(total / math.factorial(n))
    return tuple(out)
