r"""Dominated strategies and iterated elimination (docs/background/model.md#2-solution-concepts).

Definitions.  For player i, write r for an opponent profile a_{-i} in A_{-i} (pure actions of
every other player) and u_i(k, r) for i's payoff.

* Action a is **strictly dominated** by a (possibly mixed) strategy s in Delta(A_i) when
  sum_k s_k u_i(k, r) > u_i(a, r) for every r.
* Action a is **weakly dominated** by s when sum_k s_k u_i(k, r) >= u_i(a, r) for every r,
  with strict inequality for at least one r.  (Identical duplicate actions do not weakly
  dominate each other.)
* An action is **strictly (weakly) dominant** when it strictly (weakly) dominates every other
  action of its player.  A player with a single action has that action as a dominant one
  (vacuously).
* **IESDS**: repeatedly delete the strictly dominated actions of every player in the game
  that remains.  For strict dominance (pure or mixed dominators) the surviving game does
  not depend on the order or on how many actions are deleted per round (Gilboa, Kalai &
  Zemel, "On the order of eliminating dominated strategies", Oper. Res. Letters 1990; see
  also Osborne & Rubinstein, *A Course in Game Theory*, 1994, sec. 4.2), so :func:`iesds`
  deletes *all* dominated actions of *all* players in each round.  IESDS never deletes an
  action played in a Nash equilibrium, and the Nash equilibria of the reduced game are those
  of the original game.

Exactness.  Pure dominance is decided by vectorized integer comparisons over
:attr:`NormalFormGame.table`.  Mixed dominators are *searched* with a floating-point LP
(``scipy.optimize.linprog``, HiGHS) and every answer is then *certified* exactly in rational
arithmetic:

* "dominated" is certified by an exact rational dominator s (the float LP solution rounded
  with :meth:`fractions.Fraction.limit_denominator` and renormalized) that is checked exactly;
* "not strictly dominated" is certified by an exact belief q in Delta(A_{-i}) (the rounded
  dual solution) against which a is a best response among A_i (LP duality: the two are
  mutually exclusive and one of them always exists);
* "not weakly dominated" is certified by a belief q with q_r > 0 for *every* r against which
  a is a best response.

If rounding yields no certificate, the question is decided by the certified exact LP of
:mod:`contract_theory.exact.lp` (``solve_lp``).  The result never depends on a float.

Tie rule for the reported dominator: the lowest-index pure action that dominates; when no pure
action does and ``mixed=True``, the first rounded LP solution that verifies (denominators
tried in the order 1, 2, ..., 12, then 10**3, 10**4, 10**6, 10**9), else the exact LP optimum.
A mixed dominator is not claimed to be canonical.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from contract_theory.errors import GameError, ParameterError
from contract_theory.games.normal_form import NormalFormGame

__all__ = ["Dominance", "IESDSResult", "dominated_actions", "dominant_strategies", "iesds", "dominates"]

_DENOMINATORS = tuple(range(1, 13)) + (10**3, 10**4, 10**6, 10**9)


@dataclass(frozen=True)
class Dominance:
    """``action`` of ``player`` is (strictly if ``strict``, else weakly) dominated by ``dominator``.

    ``dominator`` is a pure action index (``int``) or an exact mixed strategy: a tuple of
    Fractions over *all* actions of the player in the game it refers to (the dominated
    action has probability 0).

    Examples
    --------
    >>> Dominance(0, 0, 1).is_mixed
    False
    """

    player: int
    action: int
    dominator: Any
    strict: bool = True

    @property
    def is_mixed(self) -> bool:
        """Whether the dominator is a mixed strategy (a tuple of probabilities)."""
        return isinstance(self.dominator, tuple)


@dataclass(frozen=True)
class IESDSResult:
    """Outcome of iterated elimination of strictly dominated strategies.

    Attributes
    ----------
    game
        The reduced :class:`NormalFormGame` (labels of the kept actions preserved).
    kept
        Per player, the kept action indices *of the original game*, increasing.
    steps
        One tuple of :class:`Dominance` per round, in original action indices; a mixed
        dominator is a tuple over the player's original actions, 0 on actions already deleted.
    mixed
        Whether mixed dominators were allowed.
    """

    game: NormalFormGame
    kept: tuple[tuple[int, ...], ...]
    steps: tuple[tuple[Dominance, ...], ...]
    mixed: bool = True

    @property
    def eliminations(self) -> tuple[Dominance, ...]:
        """All eliminations in order (round by round; within a round by player, then action)."""
        return tuple(d for rnd in self.steps for d in rnd)

    @property
    def solved(self) -> bool:
        """Whether exactly one profile survives (the game is dominance solvable)."""
        return all(len(k) == 1 for k in self.kept)


# ---------------------------------------------------------------------------- helpers
def _player_matrix(game: NormalFormGame, i: int) -> np.ndarray:
    """Integer payoffs of player i as a matrix (own actions x opponent profiles)."""
    u = np.moveaxis(game.table[..., i], i, 0)
    return u.reshape(u.shape[0], -1)


def _pure_dominance_matrix(u: np.ndarray, strict: bool) -> np.ndarray:
    """Boolean ``D[b, a]``: pure action b dominates a (rows of the integer matrix ``u``).

    One vectorized comparison of row b against all rows per b: O(m^2 R) integer
    comparisons, O(m R) memory.
    """
    m = u.shape[0]
    dom = np.zeros((m, m), dtype=bool)
    for b in range(m):
        gt = u[b][None, :] > u
        if strict:
            dom[b] = gt.all(axis=1)
        else:
            dom[b] = (u[b][None, :] >= u).all(axis=1) & gt.any(axis=1)
    np.fill_diagonal(dom, False)
    return dom


def _check_player(game: NormalFormGame, player: int | str) -> int:
    if not isinstance(game, NormalFormGame):
        raise GameError(f"expected a NormalFormGame, got {type(game).__name__}")
    return game.player_index(player)


def _round_simplex(x: Sequence[float], den: int) -> list[Fraction] | None:
    """Round a float probability vector to rationals of denominator <= den, renormalized."""
    r = [max(Fraction(float(v)).limit_denominator(den), Fraction(0)) for v in x]
    s = sum(r)
    if s <= 0:
        return None
    return [v / s for v in r]


def _int_vector(p: Sequence[Fraction]) -> tuple[np.ndarray, int]:
    """Scale a rational vector to integers: ``(ints (object array), L)`` with ``p = ints / L``."""
    L = 1
    for v in p:
        L = math.lcm(L, v.denominator)
    ints = np.array([v.numerator * (L // v.denominator) for v in p], dtype=object)
    return ints, L


def _combo(M: np.ndarray, p: Sequence[Fraction], axis: int) -> np.ndarray:
    """Exact ``p @ M`` (axis=0) or ``M @ p`` (axis=1), scaled by a positive integer."""
    ints, _ = _int_vector(p)
    Mo = M.astype(object)
    return ints.dot(Mo) if axis == 0 else Mo.dot(ints)


# --------------------------------------------------------------- mixed dominance (one action)
def _mixed_dominator(M: np.ndarray, strict: bool, *, use_float: bool = True) -> list[Fraction] | None:
    """Exact s in Delta(rows) with ``s @ M > 0`` (strict) / ``>= 0, != 0`` (weak), or ``None``.

    ``M[k, r] = u_i(k, r) - u_i(a, r)`` over the *other* actions k.  ``None`` is returned only
    when non-dominance is certified exactly (rounded dual belief, or the exact LP).
    ``use_float=False`` skips the float search (tests use it as an independent path).
    """
    if use_float:
        decided, s = (_float_strict if strict else _float_weak)(M)
        if decided:
            return s
    return _exact_dominator(M, strict)


def _float_strict(M: np.ndarray) -> tuple[bool, list[Fraction] | None]:
    """Float LP max eps s.t. (s M)_r >= eps, rounded: ``(True, s)`` certified dominator, ``(True, None)``
    certified non-dominance (a rounded dual belief q with M q <= 0), ``(False, None)`` undecided."""
    from scipy.optimize import linprog

    K, R = M.shape
    Mf = M.astype(float) / float(max(1, int(np.abs(M).max())))
    c = np.zeros(K + 1)
    c[-1] = -1.0
    A_ub = np.hstack([-Mf.T, np.ones((R, 1))])
    res = linprog(c, A_ub=A_ub, b_ub=np.zeros(R), A_eq=np.hstack([np.ones((1, K)), [[0.0]]]),
                  b_eq=[1.0], bounds=[(0, None)] * K + [(None, None)], method="highs")
    if res.status != 0:
        return False, None
    s_float, q_float = res.x[:K], -res.ineqlin.marginals
    for den in _DENOMINATORS:
        s = _round_simplex(s_float, den)
        if s is not None and all(v > 0 for v in _combo(M, s, 0)):
            return True, s
    for den in _DENOMINATORS:
        q = _round_simplex(q_float, den)
        if q is not None and all(v <= 0 for v in _combo(M, q, 1)):
            return True, None
    return False, None


def _float_weak(M: np.ndarray) -> tuple[bool, list[Fraction] | None]:
    """Float LP for a weak dominator, then for a fully mixed belief against which a is a best response."""
    from scipy.optimize import linprog

    K, R = M.shape
    Mf = M.astype(float) / float(max(1, int(np.abs(M).max())))
    # max sum_r (s M)_r  s.t. (s M)_r >= 0, sum s = 1
    res = linprog(-Mf.sum(axis=1), A_ub=-Mf.T, b_ub=np.zeros(R), A_eq=np.ones((1, K)), b_eq=[1.0],
                  bounds=[(0, None)] * K, method="highs")
    if res.status == 0:
        for den in _DENOMINATORS:
            s = _round_simplex(res.x, den)
            if s is not None:
                v = _combo(M, s, 0)
                if all(x >= 0 for x in v) and any(x > 0 for x in v):
                    return True, s
    # certificate of non-dominance: a fully mixed belief q with M q <= 0
    c = np.zeros(R + 1)
    c[-1] = -1.0
    A_ub = np.vstack([np.hstack([-np.eye(R), np.ones((R, 1))]), np.hstack([Mf, np.zeros((K, 1))])])
    res2 = linprog(c, A_ub=A_ub, b_ub=np.zeros(R + K), A_eq=np.hstack([np.ones((1, R)), [[0.0]]]),
                   b_eq=[1.0], bounds=[(0, None)] * R + [(None, None)], method="highs")
    if res2.status == 0 and -res2.fun > 0:
        for den in _DENOMINATORS:
            q = _round_simplex(res2.x[:R], den)
            if q is not None and all(v > 0 for v in q) and all(v <= 0 for v in _combo(M, q, 1)):
                return True, None
    return False, None


def _exact_dominator(M: np.ndarray, strict: bool) -> list[Fraction] | None:
    """The dominator question decided by the exact LP (standard form, Fractions)."""
    K, R = M.shape
    # exact LP in standard form: variables s (K), then for strict e+, e- ; slacks t (R)
    Mi = [[Fraction(int(M[k, r])) for r in range(R)] for k in range(K)]
    one, zero = Fraction(1), Fraction(0)
    if strict:
        # sum_k s_k M[k,r] - e+ + e- - t_r = 0 ;  sum s = 1 ; maximize e+ - e-
        A_ex = [[Mi[k][r] for k in range(K)] + [-one, one] + [-one if j == r else zero for j in range(R)]
                for r in range(R)]
        A_ex.append([one] * K + [zero, zero] + [zero] * R)
        c_ex = [zero] * K + [one, -one] + [zero] * R
    else:
        # sum_k s_k M[k,r] - t_r = 0 ; sum s = 1 ; maximize sum_r t_r
        A_ex = [[Mi[k][r] for k in range(K)] + [-one if j == r else zero for j in range(R)] for r in range(R)]
        A_ex.append([one] * K + [zero] * R)
        c_ex = [zero] * K + [one] * R
    b_ex = [zero] * R + [one]
    from contract_theory.exact.lp import maximize_standard_form

    status, x, value = maximize_standard_form(c_ex, A_ex, b_ex)
    if status != "optimal" or value is None or value <= 0:
        return None
    assert x is not None
    s = x[:K]
    v = _combo(M, s, 0)
    ok = all(t > 0 for t in v) if strict else (all(t >= 0 for t in v) and any(t > 0 for t in v))
    if not ok:  # pragma: no cover - would be a bug in the exact LP
        raise AssertionError("exact LP returned a dominator that does not verify")
    return s


# ---------------------------------------------------------------------------- public API
def dominates(game: NormalFormGame, player: int | str, dominator: Any, action: int, *,
              strict: bool = True) -> bool:
    """Exact check that ``dominator`` (action index or mixed strategy) dominates ``action``.

    Complexity O(m_i * prod(m_-i)) exact operations.

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> dominates(prisoners_dilemma(), 0, 1, 0), dominates(prisoners_dilemma(), 0, 0, 1)
    (True, False)
    >>> dominates(prisoners_dilemma(), 0, ("1/2", "1/2"), 0)  # (4, 1/2) > (3, 0)
    True
    """
    i = _check_player(game, player)
    a = game.action_index(i, action)
    u = _player_matrix(game, i)
    if isinstance(dominator, (int, np.integer)) and not isinstance(dominator, bool):
        s = [Fraction(int(k == game.action_index(i, int(dominator)))) for k in range(game.shape[i])]
    else:
        s = game.check_mixed([dominator if j == i else [1] + [0] * (game.shape[j] - 1)
                              for j in range(game.n_players)])[i]
    M = u - u[a][None, :]
    v = _combo(M, s, 0)
    return bool(all(t > 0 for t in v)) if strict else bool(all(t >= 0 for t in v) and any(t > 0 for t in v))


def dominated_actions(game: NormalFormGame, player: int | str, *, strict: bool = True,
                      mixed: bool = False) -> list[Dominance]:
    """Every action of ``player`` dominated by another pure action (or, with ``mixed``, a mixture).

    Definitions in the module docstring (docs/background/model.md#2-solution-concepts).  Returns one
    :class:`Dominance` per dominated action, in increasing action order.  Dominator rule:
    lowest-index dominating pure action; otherwise (``mixed=True``) an exact mixed dominator
    found by LP and verified exactly (module docstring).  Dominance is relative to *all*
    actions of the player (dominated ones included).

    Complexity: pure part O(m_i^2 * prod(m_-i)) vectorized integer comparisons; with
    ``mixed``, one LP with m_i - 1 variables and prod(m_-i) constraints per action that has no
    pure dominator (plus an exact LP in the rare case rounding gives no certificate).

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> dominated_actions(prisoners_dilemma(), 0)
    [Dominance(player=0, action=0, dominator=1, strict=True)]
    >>> from contract_theory.games.normal_form import NormalFormGame
    >>> g = NormalFormGame.from_bimatrix([[3, 0], [0, 3], [1, 1]], [[0, 0], [0, 0], [0, 0]])
    >>> dominated_actions(g, 0), dominated_actions(g, 0, mixed=True)[0].dominator
    ([], (Fraction(1, 2), Fraction(1, 2), Fraction(0, 1)))
    """
    i = _check_player(game, player)
    if not isinstance(strict, bool) or not isinstance(mixed, bool):
        raise ParameterError(f"strict and mixed must be booleans, got strict={strict!r}, mixed={mixed!r}")
    u = _player_matrix(game, i)
    m = u.shape[0]
    dom = _pure_dominance_matrix(u, strict)
    out: list[Dominance] = []
    for a in range(m):
        by = np.flatnonzero(dom[:, a])
        if by.size:
            out.append(Dominance(i, a, int(by[0]), strict))
        elif mixed and m >= 3:
            others = [k for k in range(m) if k != a]
            M = u[others] - u[a][None, :]
            s = _mixed_dominator(M, strict)
            if s is not None:
                full = [Fraction(0)] * m
                for k, p in zip(others, s):
                    full[k] = p
                out.append(Dominance(i, a, tuple(full), strict))
    return out


def dominant_strategies(game: NormalFormGame, *, strict: bool = True) -> dict[int, int | None]:
    """For each player, the action that strictly (weakly) dominates every other one, or ``None``.

    Such an action is unique when it exists.  A player with one action gets that action.
    Complexity O(n * m_i^2 * prod(m_-i)) vectorized integer comparisons.

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> dominant_strategies(prisoners_dilemma())
    {0: 1, 1: 1}
    """
    if not isinstance(game, NormalFormGame):
        raise GameError(f"expected a NormalFormGame, got {type(game).__name__}")
    out: dict[int, int | None] = {}
    for i in range(game.n_players):
        dom = _pure_dominance_matrix(_player_matrix(game, i), strict)
        m = dom.shape[0]
        np.fill_diagonal(dom, True)
        winners = np.flatnonzero(dom.all(axis=1)) if m > 1 else np.array([0])
        out[i] = int(winners[0]) if winners.size else None
    return out


def iesds(game: NormalFormGame, *, mixed: bool = True, max_rounds: int | None = None) -> IESDSResult:
    """Iterated elimination of strictly dominated strategies (docs/background/model.md#2-solution-concepts).

    Each round deletes every strictly dominated action of every player of the current game
    (by a pure action, or by a mixture of the player's *remaining* actions when ``mixed``);
    it stops when nothing is dominated or after ``max_rounds`` rounds.  The final game does
    not depend on the elimination order (module docstring).  At most ``sum_i (m_i - 1)`` rounds.

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> r = iesds(prisoners_dilemma())
    >>> r.kept, r.game.actions
    (((1,), (1,)), (('D',), ('D',)))
    """
    if not isinstance(game, NormalFormGame):
        raise GameError(f"expected a NormalFormGame, got {type(game).__name__}")
    if max_rounds is not None and (not isinstance(max_rounds, int) or max_rounds < 0):
        raise ParameterError(f"max_rounds must be a non-negative integer or None, got {max_rounds!r}")
    keep = [list(range(m)) for m in game.shape]
    rounds: list[tuple[Dominance, ...]] = []
    current = game
    while max_rounds is None or len(rounds) < max_rounds:
        found: list[Dominance] = []
        for i in range(game.n_players):
            for d in dominated_actions(current, i, strict=True, mixed=mixed):
                if d.is_mixed:
                    full = [Fraction(0)] * game.shape[i]
                    for k, p in zip(keep[i], d.dominator):
                        full[k] = p
                    dominator: Any = tuple(full)
                else:
                    dominator = keep[i][d.dominator]
                found.append(Dominance(i, keep[i][d.action], dominator, True))
        if not found:
            break
        gone = {(d.player, d.action) for d in found}
        keep = [[k for k in ks if (i, k) not in gone] for i, ks in enumerate(keep)]
        rounds.append(tuple(found))
        current = game.restrict(keep)
    return IESDSResult(game=current, kept=tuple(tuple(k) for k in keep), steps=tuple(rounds), mixed=mixed)
