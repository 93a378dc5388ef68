r"""Correlated and coarse correlated equilibria (docs/background/model.md#2-solution-concepts).

A *correlated equilibrium* (CE; Aumann 1974) is a distribution p over joint actions A such that
no player gains by disobeying a recommendation: for every player i and actions a_i != b_i,

    sum_{a_-i} p(a_i, a_-i) [u_i(a_i, a_-i) - u_i(b_i, a_-i)] >= 0            (obedience)

A *coarse correlated equilibrium* (CCE; Moulin & Vial 1978, "Hannan set") only asks that no
player gains by committing ex ante to a fixed action b_i:

    sum_a p(a) [u_i(a) - u_i(b_i, a_-i)] >= 0                                  (for every i, b_i)

Both sets are polytopes, CE ⊆ CCE, and every Nash equilibrium (as the product distribution of
its mixed strategies) is a CE.  Over such a polytope a welfare that is linear in p has its
best and worst value at vertices, found by linear programs solved exactly with
:func:`contract_theory.exact.lp.solve_lp` (HiGHS + exact vertex recovery, exact simplex as
fallback; every optimum is certified by an exact dual).

Welfare of a distribution.  ``kind="utilitarian"`` is W(p) = sum_a p(a) sum_i u_i(a), the sum of
the players' expected payoffs.  ``"egalitarian"`` and ``"nash"`` are taken **ex post**:
W(p) = sum_a p(a) min_i u_i(a), resp. sum_a p(a) prod_i u_i(a) -- the expected welfare of the
realized outcome, which is linear in p (the ex-ante versions min_i E[u_i] and prod_i E[u_i]
are not linear, and are not what is computed).  ``"nash"`` needs positive payoffs.

Constraint matrices are built with numpy over the integer payoff table (loops only over
players and action pairs): ``sum_i m_i (m_i - 1)`` CE rows (``sum_i m_i`` CCE rows) by
``prod_i m_i`` columns.  Rows that are identically zero (duplicate actions) are dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from contract_theory.equilibria.welfare import WelfareKind, check_kind, welfare_scores
from contract_theory.errors import GameError, SizeLimitError
from contract_theory.exact.lp import solve_lp
from contract_theory.exact.numbers import to_fraction
from contract_theory.games.normal_form import NormalFormGame, Profile
from contract_theory.games.size import RAISE_LIMIT, check_size

__all__ = [
    "CorrelatedResult",
    "correlated_solve",
    "is_correlated_equilibrium",
    "obedience_matrix",
    "distribution_array",
    "distribution_welfare",
    "DEFAULT_MAX_PROFILES",
    "DEFAULT_SIMPLEX_MAX_SIZE",
    "check_correlated_size",
]

#: Default further limit on the number of joint actions prod(m_i) (= LP variables): none, so the one size
#: budget (:mod:`contract_theory.games.size`, ``--max-entries``) on the obedience matrix decides alone.
DEFAULT_MAX_PROFILES: int | None = None

#: The ways out of a refused CE LP: a compact game does not help (its CE need the dense form).
CORRELATED_WAY_OUT = f"use a game with fewer joint actions or --concept pure, or {RAISE_LIMIT}"

#: Default limit (variables and rows) for the exact-simplex fallback of the CE/CCE LPs.
DEFAULT_SIMPLEX_MAX_SIZE = 400


@dataclass(frozen=True)
class CorrelatedResult:
    """Best and worst welfare over the CE (or CCE) polytope of a game.

    Attributes
    ----------
    max_welfare, min_welfare : exact best and worst welfare over the set.
    max_welfare_distribution, min_welfare_distribution : a distribution attaining each value,
        as ``{profile (action indices): probability}`` restricted to its support, profiles in
        lexicographic order.  It is the vertex the LP reached; the optimizer need not be unique.
    method
        The LP method that produced both values (``"lp:highs+exact-recovery"``,
        ``"lp:exact-simplex"``, or ``"lp:mixed"`` if the two LPs used different ones).
    exact
        ``True``: both values were computed and certified in exact rational arithmetic
        (always, see :mod:`contract_theory.equilibria.results` for the two exactness flags).
    coarse
        ``True`` for CCE, ``False`` for CE.
    kind
        The welfare kind (``"utilitarian"``, ``"egalitarian"`` or ``"nash"``; ex post).
    complete
        ``True``: the two values are the exact extremes over the whole set (both LPs
        solved to a certified optimum).
    parameters
        The arguments the solver was called with.
    notes
        Facts the caller must know (e.g. payoffs given as floats).
    payoffs_exact
        ``True`` when the game's payoffs were exact (no floats in the input).
    """

    max_welfare: Fraction
    min_welfare: Fraction
    max_welfare_distribution: dict[Profile, Fraction] = field(hash=False)
    min_welfare_distribution: dict[Profile, Fraction] = field(hash=False)
    method: str
    exact: bool = True
    coarse: bool = False
    kind: WelfareKind = "utilitarian"
    complete: bool = True
    parameters: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    notes: tuple[str, ...] = ()
    payoffs_exact: bool = True


def obedience_matrix(game: NormalFormGame, *, coarse: bool = False) -> tuple[np.ndarray, tuple[tuple[int, int | None, int], ...]]:
    """Incentive constraints as a matrix M with p a CE (CCE) iff M @ p >= 0 and p is a distribution.

    Columns are the joint actions in lexicographic (C) order, ``prod(m_i)`` of them; entries
    are in units of ``1/game.denominator`` (integer table, ``int64`` or object ints).  Row
    labels ``(i, a_i, b_i)`` for CE (recommended a_i, deviation b_i), ``(i, None, b_i)`` for
    CCE.  Identically zero rows are dropped.  Complexity O(sum_i m_i^2 * prod(m_i)), vectorized.

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> M, labels = obedience_matrix(prisoners_dilemma())
    >>> M.tolist(), labels
    ([[-2, -1, 0, 0], [0, 0, 2, 1], [-2, 0, -1, 0], [0, 2, 0, 1]], ((0, 0, 1), (0, 1, 0), (1, 0, 1), (1, 1, 0)))
    """
    table = game.table
    shape = game.shape
    rows: list[np.ndarray] = []
    labels: list[tuple[int, int | None, int]] = []
    for i, m in enumerate(shape):
        u = table[..., i]
        for b in range(m):
            dev = np.take(u, [b], axis=i)  # u_i(b_i, a_-i), broadcast along axis i
            gain = u - dev  # u_i(a) - u_i(b_i, a_-i)
            if coarse:
                if np.any(gain != 0):
                    rows.append(gain.reshape(-1))
                    labels.append((i, None, b))
                continue
            for a in range(m):
                if a == b:
                    continue
                row = np.zeros_like(gain)
                sl: list[int | slice] = [slice(None)] * len(shape)
                sl[i] = a
                row[tuple(sl)] = gain[tuple(sl)]
                if np.any(row != 0):
                    rows.append(row.reshape(-1))
                    labels.append((i, a, b))
    n_prof = game.n_profiles
    if rows:
        M = np.stack(rows)
    else:
        M = np.zeros((0, n_prof), dtype=table.dtype)
    # rows were produced in (player, b, a) order; sort to (player, a, b)
    order = sorted(range(len(labels)), key=lambda k: (labels[k][0], -1 if labels[k][1] is None else labels[k][1], labels[k][2]))
    return M[order], tuple(labels[k] for k in order)


def check_correlated_size(game: NormalFormGame, coarse: bool = False, max_profiles: int | None = None) -> int:
    """Refuse, before it is built, an obedience matrix over the one size budget; return its cells.

    The matrix has one row per (player, recommended, deviation) pair -- sum_i m_i (m_i - 1)
    rows, sum_i m_i for ``coarse`` -- and one column per joint action, prod(m_i).  Above
    :func:`~contract_theory.games.size.max_entries` cells (``--max-entries``) a
    :class:`~contract_theory.errors.SizeLimitError` names the rows, the profiles, the limit and
    the ways out; ``max_profiles`` (optional) is a further cap on the profiles.  O(n) integer
    arithmetic.

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> check_correlated_size(prisoners_dilemma())   # 2 x 1 obedience rows x 4 profiles
    16
    """
    if max_profiles is not None and game.n_profiles > max_profiles:
        raise SizeLimitError(
            f"correlated equilibrium LP limited to max_profiles={max_profiles:,} joint actions; "
            f"this game has {game.n_profiles:,}; use a game with fewer joint actions"
        )
    rows = sum(m if coarse else m * (m - 1) for m in game.shape)
    return check_size("correlated equilibrium LP", rows * game.n_profiles,
                      f"{rows:,} obedience constraints x {game.n_profiles:,} profile variables", CORRELATED_WAY_OUT)


def _welfare_vector(game: NormalFormGame, kind: WelfareKind) -> tuple[np.ndarray, int]:
    scores, den = welfare_scores(game, kind)
    return scores.reshape(-1), den


def _support(game: NormalFormGame, x: tuple[Fraction, ...]) -> dict[Profile, Fraction]:
    flat = np.flatnonzero(np.array([v != 0 for v in x], dtype=bool))
    return {tuple(int(k) for k in np.unravel_index(j, game.shape)): x[j] for j in flat}


def correlated_solve(
    game: NormalFormGame,
    kind: WelfareKind = "utilitarian",
    *,
    coarse: bool = False,
    max_profiles: int | None = DEFAULT_MAX_PROFILES,
    lp_method: str = "auto",
    simplex_max_size: int = DEFAULT_SIMPLEX_MAX_SIZE,
) -> CorrelatedResult:
    """Best and worst (ex-post) welfare over the correlated (``coarse=True``: coarse correlated) equilibria.

    Two LPs over distributions p on joint actions: maximize and minimize sum_a p(a) W(a)
    subject to the obedience constraints (module docstring), p >= 0, sum p = 1.  The CE set is
    never empty (Nash's theorem), so both LPs are feasible and bounded; the values are exact
    and certified by exact LP duals.  ``kind`` as in :mod:`contract_theory.equilibria.welfare` (ex post).

    ``lp_method`` is passed to :func:`~contract_theory.exact.lp.solve_lp` (``"auto"``: HiGHS +
    exact recovery, exact simplex fallback; ``"simplex"``: exact simplex only).

    Limits: :class:`~contract_theory.errors.SizeLimitError` when the obedience matrix is over
    the one size budget (:func:`check_correlated_size`; ``prod(m_i) > max_profiles`` when that
    optional cap is given), or when the exact simplex is needed (recovery
    failed, or ``lp_method="simplex"``) and the LP has more than ``simplex_max_size`` variables
    or rows (default :data:`DEFAULT_SIMPLEX_MAX_SIZE`; CE LPs are highly degenerate, a random
    8x8 game takes ~1100 exact pivots, ~5 s).  Cost: building the matrix is
    O(sum_i m_i^2 prod(m_i)); the LPs have prod(m_i) variables.  Measured wall time of one call
    (both LPs, HiGHS + recovery, ``random_game(shape, seed=1)``, shared 2-core machine):
    20x20 about 0.5 s, 10x10x10 0.2-0.6 s, 32x32 2-6 s, 16x16x16 (4096 profiles) about 4-7 s.

    Traffic-light chicken (Aumann 1974): the best CE puts 1/2 on (C, C) and 1/4 on each of
    (C, D), (D, C) -- welfare 21/2 -- and the worst puts 2/5, 2/5, 1/5 on (C,D), (D,C), (D,D):

    Examples
    --------
    >>> g = NormalFormGame.from_bimatrix([[6, 2], [7, 0]], [[6, 7], [2, 0]])
    >>> r = correlated_solve(g)
    >>> r.max_welfare, r.min_welfare
    (Fraction(21, 2), Fraction(36, 5))
    >>> sorted(r.max_welfare_distribution.items())
    [((0, 0), Fraction(1, 2)), ((0, 1), Fraction(1, 4)), ((1, 0), Fraction(1, 4))]
    """
    check_kind(kind)
    check_correlated_size(game, coarse, max_profiles)
    M, _ = obedience_matrix(game, coarse=coarse)
    w, den = _welfare_vector(game, kind)
    n_prof = game.n_profiles
    A_ub = -M  # M p >= 0  <=>  -M p <= 0
    b_ub = [0] * A_ub.shape[0]
    A_eq = np.ones((1, n_prof), dtype=np.int64)
    kw: dict[str, Any] = dict(A_ub=A_ub if A_ub.shape[0] else None, b_ub=b_ub if A_ub.shape[0] else None,
                              A_eq=A_eq, b_eq=[1], bounds=(0, None), method=lp_method, max_size=simplex_max_size)
    c = w.astype(object) if w.dtype != object else w
    best = solve_lp(c, maximize=True, **kw)
    worst = solve_lp(c, maximize=False, **kw)
    if best.status != "optimal" or worst.status != "optimal":  # pragma: no cover - CE set is nonempty, W bounded
        raise RuntimeError(f"correlated equilibrium LP returned {best.status}/{worst.status} (bug)")
    assert best.value is not None and best.x is not None and worst.value is not None and worst.x is not None
    method = f"lp:{best.method}" if best.method == worst.method else "lp:mixed"
    return CorrelatedResult(
        max_welfare=best.value / den,
        min_welfare=worst.value / den,
        max_welfare_distribution=_support(game, best.x),
        min_welfare_distribution=_support(game, worst.x),
        method=method,
        exact=True,
        coarse=coarse,
        kind=kind,
        complete=True,
        parameters={"kind": kind, "coarse": coarse, "max_profiles": max_profiles, "lp_method": lp_method,
                    "simplex_max_size": simplex_max_size},
        notes=() if game.exact else ("payoffs were given as floats (used as their exact binary values)",),
        payoffs_exact=game.exact,
    )


def distribution_array(game: NormalFormGame, distribution: Any) -> np.ndarray:
    """Validate a distribution over joint actions; return it as an object array of shape ``game.shape``.

    ``distribution`` is a mapping ``{profile: probability}`` (profiles as action indices or
    labels; missing profiles have probability 0) or an array of shape ``game.shape``.
    Probabilities must be exact, non-negative and sum to exactly 1; otherwise
    :class:`~contract_theory.errors.GameError` naming the problem.

    Examples
    --------
    >>> from contract_theory.games.library import matching_pennies
    >>> distribution_array(matching_pennies(), {("Heads", "Heads"): 1}).tolist()
    [[Fraction(1, 1), Fraction(0, 1)], [Fraction(0, 1), Fraction(0, 1)]]
    """
    P = np.empty(game.shape, dtype=object)
    P.reshape(-1)[:] = [Fraction(0)] * game.n_profiles
    if isinstance(distribution, Mapping):
        for prof, prob in distribution.items():
            key = game.check_profile(prof)
            P[key] = P[key] + to_fraction(prob, what=f"probability of profile {prof}")
    else:
        arr = np.asarray(distribution, dtype=object)
        if arr.shape != game.shape:
            raise GameError(f"a distribution array must have the game's shape {game.shape}, got {arr.shape}")
        P.reshape(-1)[:] = [to_fraction(v, what="probability") for v in arr.reshape(-1)]
    neg = [k for k, v in enumerate(P.reshape(-1)) if v < 0]
    if neg:
        prof = tuple(int(v) for v in np.unravel_index(neg[0], game.shape))
        raise GameError(f"distribution has a negative probability at profile {prof}")
    total = sum(P.reshape(-1), Fraction(0))
    if total != 1:
        raise GameError(f"distribution probabilities sum to {total}, not 1")
    return P


def is_correlated_equilibrium(game: NormalFormGame, distribution: Any, coarse: bool = False) -> bool:
    """Exact check that a distribution over joint actions is a CE (``coarse=True``: a CCE).

    ``distribution`` as in :func:`distribution_array`.  Every obedience inequality of the
    module docstring is evaluated in exact rational arithmetic.  Complexity
    O(sum_i m_i^2 prod(m_i)).

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> g = prisoners_dilemma()
    >>> is_correlated_equilibrium(g, {(1, 1): 1}), is_correlated_equilibrium(g, {(0, 0): 1})
    (True, False)
    """
    P = distribution_array(game, distribution).reshape(-1)
    M, _ = obedience_matrix(game, coarse=coarse)
    if M.shape[0] == 0:
        return True
    lhs = M.astype(object).dot(P)
    return bool(all(v >= 0 for v in lhs))


def distribution_welfare(game: NormalFormGame, distribution: Any, kind: WelfareKind = "utilitarian") -> Fraction:
    """Exact ex-post expected welfare sum_a p(a) W(a) of a distribution over joint actions.

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> distribution_welfare(prisoners_dilemma(), {(0, 0): "1/2", (1, 1): "1/2"})
    Fraction(4, 1)
    """
    check_kind(kind)
    P = distribution_array(game, distribution).reshape(-1)
    w, den = _welfare_vector(game, kind)
    return Fraction(w.astype(object).dot(P)) / den
