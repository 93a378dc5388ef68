"""Stationary pure Markov perfect equilibria by enumeration (docs/background/model.md#2-solution-concepts).

A deterministic stationary joint policy pi is a Markov perfect equilibrium (MPE) iff no player has
a profitable *one-shot* deviation (the one-shot deviation principle for discounted games,
Blackwell 1965; Fudenberg & Tirole 1991, Thm. 4.2): for every player i, state s and action b,

    Q_i^pi(s, b) = R_i(s, b, pi_-i(s)) + gamma sum_s' P(s' | s, b, pi_-i(s)) V_i^pi(s')  <=  V_i^pi(s).

:func:`mpe_solve` enumerates all prod_i m_i^|S| deterministic stationary joint policies of the
enumerated players (optionally with some players' policies fixed: the equilibria *among* the
others, as docs/background/model.md#4-partial-contracts needs for outsiders), evaluates each and checks the condition for
all players, states and actions at once with numpy.

Exactness.  By default (``prefilter=True``) a batched float evaluation (numpy ``linalg.solve``)
discards policies whose largest one-shot gain exceeds a margin ``tol = 1e-9 (1 + max|R|) /
(1 - gamma)^2``, far above the float error of the solve (the condition number of I - gamma P_pi is
at most (1 + gamma)/(1 - gamma) and |V| <= max|R|/(1 - gamma)); every remaining candidate is
re-evaluated and re-checked in exact rational arithmetic, so only exact MPE are reported and,
because a true MPE has float gain ~ 0 < tol, none is missed.  ``prefilter=False`` checks every
policy exactly (slower; the tests cross-check the two).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from contract_theory.equilibria.results import EquilibriumResult
from contract_theory.errors import GameError, SizeLimitError
from contract_theory.games.markov import MarkovGame
from contract_theory.markov.linear import solve_values
from contract_theory.markov.policy import check_player_policy, check_policy, marginalize

__all__ = ["MPE", "mpe_solve", "one_shot_gains", "is_mpe", "DEFAULT_MAX_POLICIES", "POLICY_CHUNK", "ReducedGame"]

#: Default limit on the number of enumerated joint policies.
DEFAULT_MAX_POLICIES = 200_000
#: Joint policies screened per vectorized batch.
POLICY_CHUNK = 8192


@dataclass(frozen=True)
class MPE:
    """One stationary pure Markov perfect equilibrium.

    ``policy[i][s]``: action index of player i in state s (normalized joint policy, mixed form only
    if a fixed player's policy is mixed); ``values[i][s]`` = V_i(s); ``welfare`` = sum_i sum_s
    rho0(s) V_i(s).
    """

    policy: tuple[Any, ...]
    values: tuple[tuple[Fraction, ...], ...]
    welfare: Fraction


def one_shot_gains(game: MarkovGame, policy: Any) -> list[np.ndarray]:
    """Exact one-shot deviation gains ``Q_i(s, b) - V_i(s)``, one ``(|S|, m_i)`` array per player.

    The policy is an MPE iff every entry is <= 0.

    Examples
    --------
    >>> from contract_theory.games.markov_library import repeated_prisoners_dilemma
    >>> [g.tolist() for g in one_shot_gains(repeated_prisoners_dilemma(discount="1/2"), [["C"], ["C"]])]
    [[[Fraction(0, 1), Fraction(2, 1)]], [[Fraction(0, 1), Fraction(2, 1)]]]
    """
    from contract_theory.markov.values import evaluate, q_values

    pol = check_policy(game, policy)
    V = evaluate(game, pol)
    return [q_values(game, pol, i, V) - V[i][:, None] for i in range(game.n_players)]


def is_mpe(game: MarkovGame, policy: Any, players: Collection[int | str] | None = None) -> bool:
    """Whether no player (of ``players``, default all) has a profitable one-shot deviation (exact).

    Examples
    --------
    >>> from contract_theory.games.markov_library import repeated_prisoners_dilemma
    >>> g = repeated_prisoners_dilemma()
    >>> is_mpe(g, [["D"], ["D"]]), is_mpe(g, [["C"], ["D"]]), is_mpe(g, [["C"], ["D"]], players=["Column"])
    (True, False, True)
    """
    gains = one_shot_gains(game, policy)
    idx = range(game.n_players) if players is None else [game.player_index(p) for p in players]
    return all(bool((gains[i] <= 0).all()) for i in idx)


class ReducedGame:
    """The game left to the enumerated players, flattened to ``(S, J, ...)`` arrays.

    A joint policy of the enumerated ``players`` is given by per-state joint indices ``digits``
    (``S`` integers in ``range(J)``); ``fixed`` players are marginalized out.  Only the
    one-shot deviations of ``checked`` players (default: every enumerated player) are tested by
    :meth:`exact_check` and :meth:`float_candidates`.

    Examples
    --------
    >>> from contract_theory.games.markov_library import repeated_prisoners_dilemma
    >>> red = ReducedGame(repeated_prisoners_dilemma(), [0, 1], {}, checked=[1])
    >>> red.J, red.exact_check(np.array([2])) is not None    # (D, C): only Column is checked
    (4, False)
    """

    def __init__(self, game: MarkovGame, players: list[int], fixed: dict[int, tuple[Any, ...]],
                 checked: list[int] | None = None) -> None:
        P, R = marginalize(game, fixed)
        self.S = game.n_states
        all_shape = tuple(game.shape[i] for i in players)
        self.J = int(np.prod(all_shape, dtype=np.int64)) if players else 1
        self.P = P.reshape(self.S, self.J, self.S)
        self.R = R.reshape(self.S, self.J, game.n_players)
        strides, acc = [], 1
        for m in reversed(all_shape):
            strides.append(acc)
            acc *= m
        all_strides = list(reversed(strides))
        #: every enumerated player's (shape, stride) in the joint index, for decoding policies
        self.all_shape, self.all_strides = all_shape, all_strides
        keep = [players.index(p) for p in (players if checked is None else checked)]
        self.players = [players[t] for t in keep]
        self.sub_shape = tuple(all_shape[t] for t in keep)
        self.strides = [all_strides[t] for t in keep]
        self.gamma = game.discount

    def exact_values(self, digits: np.ndarray) -> np.ndarray:
        st = np.arange(self.S)
        return solve_values(self.P[st, digits], self.R[st, digits], self.gamma)

    def exact_check(self, digits: np.ndarray) -> np.ndarray | None:
        """Values ``(S, n)`` if the policy given by per-state joint indices is an MPE, else None."""
        V = self.exact_values(digits)
        st = np.arange(self.S)[:, None]
        for t, p in enumerate(self.players):
            m, stride = self.sub_shape[t], self.strides[t]
            own = (digits // stride) % m
            dev = digits[:, None] + (np.arange(m)[None, :] - own[:, None]) * stride
            Q = self.R[st, dev, p] + self.gamma * (self.P[st, dev] * V[:, p][None, None, :]).sum(axis=-1)
            if not (Q <= V[:, p][:, None]).all():
                return None
        return V

    def float_candidates(self, digits: np.ndarray, Pf: np.ndarray, Rf: np.ndarray, tol: float) -> np.ndarray:
        """Boolean mask over the batch: float one-shot gains all below ``tol``."""
        K = digits.shape[0]
        st = np.arange(self.S)
        g = float(self.gamma)
        A = np.eye(self.S)[None] - g * Pf[st[None, :], digits]
        V = np.linalg.solve(A, Rf[st[None, :], digits])                  # (K, S, n)
        ok = np.ones(K, dtype=bool)
        for t, p in enumerate(self.players):
            m, stride = self.sub_shape[t], self.strides[t]
            own = (digits // stride) % m
            dev = digits[:, :, None] + (np.arange(m)[None, None, :] - own[:, :, None]) * stride   # (K, S, m)
            sidx = st[None, :, None]
            Q = Rf[sidx, dev, p] + g * np.einsum("ksbj,kj->ksb", Pf[sidx, dev], V[:, :, p])
            ok &= (Q - V[:, :, p][:, :, None]).max(axis=(1, 2)) <= tol
        return ok


def mpe_solve(game: MarkovGame, *, players: Collection[int | str] | None = None,
              fixed: Mapping[int | str, Any] | None = None, max_policies: int = DEFAULT_MAX_POLICIES,
              prefilter: bool = True) -> EquilibriumResult:
    """All stationary pure MPE, by enumeration with exact one-shot-deviation checks.

    Returns an :class:`~contract_theory.equilibria.results.EquilibriumResult` (method
    ``"mpe-enumeration"``, ``exact=True``, ``complete=True``, the parameters, notes) whose
    ``equilibria`` are :class:`MPE` objects; the result is a sequence of them (``len``, indexing,
    iteration), so ``for e in mpe_solve(g)`` reads as before.

    ``fixed`` maps players to stationary policies (deterministic or mixed) they are held to;
    ``players`` are the players whose policies are enumerated and whose one-shot deviations are
    checked (default: every player not in ``fixed``).  Every player must be in exactly one of the
    two.  With ``fixed={members: pi_S}`` and ``players=outsiders`` this is "the outsiders play an
    MPE among themselves given the members' policy" (docs/background/model.md#4-partial-contracts, Markov games).

    Order: enumeration order, lexicographic in (a(s_0), a(s_1), ...) where a(s) is the enumerated
    players' joint action in state s (lexicographic, lowest player index most significant).
    Complexity: prod_{i in players} m_i^|S| policies, each O(|S|^3 + |S|^2 sum_i m_i); raises
    :class:`SizeLimitError` when that count exceeds ``max_policies``.

    Examples
    --------
    >>> from contract_theory.games.markov_library import repeated_prisoners_dilemma
    >>> r = mpe_solve(repeated_prisoners_dilemma(discount="1/2"))
    >>> [e.policy for e in r], r.method, r.exact, r.complete
    ([((1,), (1,))], 'mpe-enumeration', True, True)
    """
    asked_prefilter = prefilter
    fixed_n: dict[int, tuple[Any, ...]] = {}
    for k, pol in (fixed or {}).items():
        i = game.player_index(k)
        fixed_n[i] = check_player_policy(game, i, pol)
    if players is None:
        enum = [i for i in range(game.n_players) if i not in fixed_n]
    else:
        enum = sorted({game.player_index(p) for p in players})
        both = [game.players[i] for i in enum if i in fixed_n]
        if both:
            raise GameError(f"players {both} are both enumerated and fixed")
        missing = [game.players[i] for i in range(game.n_players) if i not in fixed_n and i not in enum]
        if missing:
            raise GameError(f"players {missing} are neither enumerated nor given a fixed policy")
    S = game.n_states
    count = 1
    for i in enum:
        count *= game.shape[i] ** S
    if count > max_policies:
        raise SizeLimitError(f"MPE enumeration needs {count} deterministic stationary joint policies, above "
                             f"the limit max_policies={max_policies}")
    red = ReducedGame(game, enum, fixed_n)
    J = red.J
    if prefilter:
        Pf = red.P.astype(float)
        try:
            Rf = red.R.astype(float)
            prefilter = bool(np.isfinite(Rf).all())  # rewards beyond float range: check everything exactly
        except OverflowError:                        # a Fraction too large for a float
            prefilter = False
    if prefilter:
        rmax = float(np.abs(Rf).max()) if Rf.size else 0.0
        tol = 1e-9 * (1.0 + rmax) / (1.0 - float(game.discount)) ** 2
    powers = np.array([J ** (S - 1 - s) for s in range(S)], dtype=np.int64)
    found: list[MPE] = []
    for start in range(0, count, POLICY_CHUNK):
        ks = np.arange(start, min(count, start + POLICY_CHUNK), dtype=np.int64)
        digits = (ks[:, None] // powers[None, :]) % J
        if prefilter:
            cand = digits[red.float_candidates(digits, Pf, Rf, tol)]
        else:
            cand = digits
        for d in cand:
            V = red.exact_check(d)
            if V is not None:
                found.append(_make(game, red, d, V, fixed_n))
    notes = [f"{count} deterministic stationary joint policies enumerated, every equilibrium verified exactly"]
    if not game.exact:
        notes.append("the game was given with floats; they were used as their exact binary values")
    return EquilibriumResult(
        method="mpe-enumeration", exact=True, equilibria=tuple(found), complete=True,
        parameters={"players": [game.players[i] for i in enum], "fixed": sorted(game.players[i] for i in fixed_n),
                    "max_policies": max_policies, "prefilter": asked_prefilter},
        notes=tuple(notes), payoffs_exact=game.exact)


def _make(game: MarkovGame, red: ReducedGame, digits: np.ndarray, V: np.ndarray,
          fixed: dict[int, tuple[Any, ...]]) -> MPE:
    parts: dict[int, Any] = dict(fixed)
    for t, p in enumerate(red.players):
        parts[p] = tuple(int(x) for x in (digits // red.strides[t]) % red.sub_shape[t])
    policy = check_policy(game, [parts[i] for i in range(game.n_players)])
    values = tuple(tuple(V[:, i]) for i in range(game.n_players))
    w = sum(((V[:, i] * game.initial).sum() for i in range(game.n_players)), Fraction(0))
    return MPE(policy=policy, values=values, welfare=Fraction(w))
