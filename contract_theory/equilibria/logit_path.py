r"""One Nash equilibrium of N-player games: the logit path, then an exact support solve (docs/background/model.md#2-solution-concepts).

Definition.  The logit quantal response equilibria of G at precision lambda >= 0 are the fixed
points sigma = L_lambda(sigma), L_lambda(sigma)_i = softmax(lambda U_i(., sigma_{-i})), with U the
payoffs rescaled to [0, 1].  At lambda = 0 the unique one is the uniform profile; for generic
games the branch that starts there is a smooth curve whose limit as lambda -> infinity is a Nash
equilibrium (McKelvey & Palfrey, GEB 10, 1995; Turocy, GEB 51, 2005).  Gambit's ``logit``
traces the same branch.

Method.  (1) *Search, in floats*: the branch is followed by natural-parameter continuation --
lambda grows geometrically, each point is found by Newton's method on sigma - L_lambda(sigma) = 0
from the previous one, the step is halved when Newton fails (near a turning point of lambda).
(2) *Exact, on the support*: at lambda = 20, 50, 200, 1000, 5000, 20000 the actions with
probability above 10^-2, 10^-4 or 10^-6 are taken as a support profile and the equilibria with
exactly these supports are computed exactly (pure profiles by the best-response check, others by
:func:`contract_theory.equilibria.support_systems.solve_support` or the Groebner method of
:mod:`contract_theory.equilibria.support_enumeration`); the one nearest to the float profile is
returned, certified by the exact equilibrium check (rational, or algebraic with its minimal
polynomial).  (3) When no support gives one, the float profile is rounded to rationals and
returned as an *epsilon-equilibrium*, with epsilon = max_i (max_k U_i(k, sigma_{-i}) -
U_i(sigma)) computed exactly (in the game's own payoff units).

Two-player games go to exact Lemke-Howson (:func:`contract_theory.equilibria.lemke_howson.lh_solve`,
label 0) instead.

Complexity: O(n^2 prod(m_i)) per Newton step (the payoff Jacobian), a few hundred steps; the
exact step is one support system.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from contract_theory.equilibria.results import MixedProfile
from contract_theory.equilibria.support_enumeration import (
    AlgebraicProfile,
    NPlayerEquilibriumResult,
    _fast_profile,
    _groebner_profile,
    _verify_rational,
)
from contract_theory.errors import GameError
from contract_theory.games.normal_form import NormalFormGame

__all__ = ["OneEquilibriumResult", "one_equilibrium_solve", "logit_branch", "exact_regret"]

_CHECKPOINTS = (20.0, 50.0, 200.0, 1000.0, 5000.0, 20000.0)
_THRESHOLDS = (1e-2, 1e-4, 1e-6)
_METHOD = "logit-path+exact-support"


@dataclass(frozen=True)
class OneEquilibriumResult(NPlayerEquilibriumResult):
    """One equilibrium (in ``equilibria`` or ``algebraic``), or an epsilon-equilibrium.

    ``approximate`` and ``epsilon`` are set only when no exact equilibrium was certified: the
    rounded profile and its exact epsilon (largest gain of a unilateral deviation).
    """

    approximate: MixedProfile | None = None
    epsilon: Fraction | None = None


def _scaled(game: NormalFormGame) -> np.ndarray:
    t = game.table.astype(float)
    lo, hi = t.min(), t.max()
    return (t - lo) / (hi - lo) if hi > lo else np.zeros_like(t)


def _contract(u: np.ndarray, sigma: list[np.ndarray], keep: tuple[int, ...]) -> np.ndarray:
    """Contract axes of u (one per player) with sigma, except the axes in ``keep``."""
    for j in range(len(sigma) - 1, -1, -1):
        if j not in keep:
            u = np.tensordot(u, sigma[j], axes=([j], [0]))
    return u


def _residual_and_jacobian(u: np.ndarray, sigma: list[np.ndarray], lam: float) -> tuple[np.ndarray, np.ndarray]:
    """H(sigma, lambda) = sigma - L_lambda(sigma) and its Jacobian in (sigma, lambda) (last column)."""
    n = len(sigma)
    sizes = [len(s) for s in sigma]
    off = np.concatenate([[0], np.cumsum(sizes)])
    F = np.empty(off[-1])
    J = np.zeros((off[-1], off[-1] + 1))
    J[:, :-1] = np.eye(off[-1])
    for i in range(n):
        ui = u[..., i]
        v = _contract(ui, sigma, (i,))
        q = np.exp(lam * (v - v.max()))
        q /= q.sum()
        F[off[i]:off[i + 1]] = sigma[i] - q
        dq = np.diag(q) - np.outer(q, q)
        J[off[i]:off[i + 1], -1] = -dq @ v
        for j in range(n):
            if j != i:
                d = _contract(ui, sigma, (min(i, j), max(i, j)))
                d = d if i < j else d.T  # rows: i's actions, columns: j's
                J[off[i]:off[i + 1], off[j]:off[j + 1]] = -lam * dq @ d
    return F, J


def _split(x: np.ndarray, sizes: list[int]) -> list[np.ndarray]:
    return np.split(x[:-1], np.cumsum(sizes)[:-1])


def _tangent(J: np.ndarray, prev: np.ndarray | None) -> np.ndarray:
    """Unit null vector of the M x (M+1) Jacobian, oriented along ``prev`` (or increasing lambda)."""
    t = np.linalg.svd(J)[2][-1]
    ref = prev if prev is not None else np.eye(len(t))[-1]
    return t if t @ ref >= 0 else -t


def _correct(u: np.ndarray, x: np.ndarray, t: np.ndarray, sizes: list[int]) -> np.ndarray | None:
    """Newton on [H(x); t . (x - x0)] = 0 from the predicted point x0 (pseudo-arclength corrector)."""
    x0 = x.copy()
    for _ in range(12):
        F, J = _residual_and_jacobian(u, _split(x, sizes), x[-1])
        if np.abs(F).max() < 1e-12:
            return x
        A = np.vstack([J, t])
        rhs = np.concatenate([F, [t @ (x - x0)]])
        try:
            x = x - np.linalg.solve(A, rhs)
        except np.linalg.LinAlgError:
            return None
        if (x[:-1] <= 0).any() or not np.isfinite(x).all():
            return None
    return None


def logit_branch(game: NormalFormGame, checkpoints: tuple[float, ...] = _CHECKPOINTS,
                 max_steps: int = 5000) -> list[tuple[float, list[np.ndarray]]]:
    """Points of the principal logit branch (payoffs rescaled to [0, 1]) past each lambda in ``checkpoints``.

    Pseudo-arclength continuation in (sigma, lambda), which passes turning points of lambda
    (module docstring), at most ``max_steps`` steps; returns what it reached.
    O(steps * n^2 prod(m_i)).

    Examples
    --------
    >>> from contract_theory.games.library import matching_pennies
    >>> [np.round(s, 3).tolist() for s in logit_branch(matching_pennies(), (10.0,))[0][1]]
    [[0.5, 0.5], [0.5, 0.5]]
    """
    u = _scaled(game)
    sizes = [int(m) for m in game.shape]
    x = np.concatenate([np.full(m, 1.0 / m) for m in sizes] + [np.zeros(1)])
    out: list[tuple[float, list[np.ndarray]]] = []
    todo = list(checkpoints)
    h, t = 0.3, None
    for _ in range(max_steps):
        if not todo:
            break
        _F, J = _residual_and_jacobian(u, _split(x, sizes), x[-1])
        t = _tangent(J, t)
        new = _correct(u, x + h * t, t, sizes)
        if new is None:
            h /= 2
            if h < 1e-9:
                break
            continue
        x, h = new, min(h * 1.4, max(1.0, x[-1] / 4))
        while todo and x[-1] >= todo[0]:
            out.append((float(x[-1]), _split(x, sizes)))
            todo.pop(0)
    if todo:
        out.append((float(x[-1]), _split(x, sizes)))
    return out


def exact_regret(game: NormalFormGame, strategies: Sequence[Sequence[Any]]) -> Fraction:
    """Exact epsilon of a profile: max over players of (best deviation payoff - payoff).  O(n^2 prod(m_i)).

    Examples
    --------
    >>> from contract_theory.games.library import matching_pennies
    >>> exact_regret(matching_pennies(), [[1, 0], [1, 0]])
    Fraction(2, 1)
    """
    strategies = game.check_mixed(strategies)
    eps = Fraction(0)
    for i in range(game.n_players):
        dev = game.deviation_payoffs(strategies, i)
        value = sum((p * d for p, d in zip(strategies[i], dev)), Fraction(0))
        eps = max(eps, max(dev) - value)
    return eps


def _supports(sigma: list[np.ndarray]) -> list[tuple[tuple[int, ...], ...]]:
    out = []
    for th in _THRESHOLDS:
        sup = tuple(tuple(int(k) for k in np.flatnonzero(s > th)) or (int(np.argmax(s)),) for s in sigma)
        if sup not in out:
            out.append(sup)
    return out


def _exact_on_support(game: NormalFormGame, supports: tuple[tuple[int, ...], ...], rng: np.random.Generator) -> list[Any]:
    if all(len(s) == 1 for s in supports):
        prof = MixedProfile.from_pure(tuple(s[0] for s in supports), game.shape)
        return [prof] if _verify_rational(game, [list(x) for x in prof.strategies]) else []
    found = _fast_profile(game, supports)
    if found is None:
        found, _note = _groebner_profile(game, supports, rng)
    return [p for _k, p in found]


def _distance(prof: Any, sigma: list[np.ndarray]) -> float:
    approx = prof.approx(15) if isinstance(prof, AlgebraicProfile) else [[float(p) for p in s] for s in prof.strategies]
    return max(float(np.abs(np.array(a) - s).max()) for a, s in zip(approx, sigma))


def one_equilibrium_solve(game: NormalFormGame) -> OneEquilibriumResult:
    """One Nash equilibrium, exact and certified, by the logit path and an exact support solve.

    Definition and method: module docstring (docs/background/model.md#2-solution-concepts).  The
    result holds one equilibrium (rational in ``equilibria``, irrational in ``algebraic``), or
    none and an epsilon-equilibrium in ``approximate`` with its exact ``epsilon``;
    ``complete=False`` always.  Two-player games use exact Lemke-Howson (label 0).

    Examples
    --------
    >>> from contract_theory.games.library import random_game
    >>> r = one_equilibrium_solve(random_game((2, 2, 2), 0, 9, seed=3))
    >>> len(r.all_equilibria), r.epsilon
    (1, None)
    """
    if not isinstance(game, NormalFormGame):
        raise GameError(f"expected a NormalFormGame, got {type(game).__name__}")
    if game.n_players < 2:
        raise GameError(f"an equilibrium search needs at least 2 players, the game has {game.n_players}")
    if game.n_players == 2:
        from contract_theory.equilibria.lemke_howson import lh_solve

        lh = lh_solve(game, 0)
        return OneEquilibriumResult(method=lh.method, exact=True, equilibria=lh.equilibria, complete=False,
                                    parameters=dict(lh.parameters), notes=lh.notes, payoffs_exact=game.exact)
    rng = np.random.default_rng(20240229)
    tried: set[tuple[tuple[int, ...], ...]] = set()
    lam, sigma = 0.0, [np.full(m, 1.0 / m) for m in game.shape]
    for lam, sigma in logit_branch(game):
        best = _best_on_supports(game, sigma, tried, rng)
        if best is not None:
            prof, sup = best
            params = {"lambda": lam, "support": [list(s) for s in sup]}
            alg = isinstance(prof, AlgebraicProfile)
            return OneEquilibriumResult(
                method=_METHOD, exact=True, equilibria=() if alg else (prof,), complete=False, parameters=params,
                notes=("one equilibrium, certified exactly on the support found by the logit path",),
                payoffs_exact=game.exact, algebraic=(prof,) if alg else ())
    strategies = [[Fraction(float(p)).limit_denominator(10**6) for p in s] for s in sigma]
    strategies = [[p / sum(s) for p in s] for s in strategies]
    eps = exact_regret(game, strategies)
    return OneEquilibriumResult(
        method=_METHOD, exact=True, equilibria=(), complete=False, parameters={"lambda": lam},
        notes=(f"no exact equilibrium certified on the supports of the logit path; the rounded profile is an "
               f"epsilon-equilibrium with epsilon = {eps} (exact, in payoff units)",),
        payoffs_exact=game.exact, approximate=MixedProfile.from_lists(strategies), epsilon=eps)


def _best_on_supports(game: NormalFormGame, sigma: list[np.ndarray], tried: set[Any],
                      rng: np.random.Generator) -> tuple[Any, tuple[tuple[int, ...], ...]] | None:
    for sup in _supports(sigma):
        if sup in tried:
            continue
        tried.add(sup)
        found = _exact_on_support(game, sup, rng)
        if found:
            return min(found, key=lambda p: _distance(p, sigma)), sup
    return None
