"""Exact policy iteration for one finite discounted MDP (docs/background/model.md#2-solution-concepts).

Used for a player's best response (the others' stationary policies fixed) and for the team
optimum (joint actions, reward sum_i R_i).  With exact arithmetic, Howard's policy iteration
terminates after finitely many steps: each improvement step strictly raises the value in some
state and never lowers it, and there are finitely many deterministic stationary policies.

Tie rule (named ``"keep-then-lowest"``): in the improvement step a state keeps its current
action when that action attains the maximal Q-value, otherwise it takes the *lowest-index*
maximizer.  The final policy is therefore deterministic and reproducible; the set of *all*
optimal deterministic stationary policies is the product over states of
:attr:`MDPSolution.optimal_actions` (a policy is optimal iff it is greedy for Q*, Puterman
1994, Thm. 6.2.7), which is reported too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from contract_theory.errors import GameError
from contract_theory.markov.linear import solve_values

__all__ = ["MDPSolution", "solve_mdp", "q_from_values", "TIE_RULE"]

#: Name of the tie rule of :func:`solve_mdp`.
TIE_RULE = "keep-then-lowest"


@dataclass(frozen=True)
class MDPSolution:
    """Optimal values, one optimal policy, and every optimal action per state.

    ``values[s]`` = V*(s); ``policy[s]`` = the action chosen by policy iteration;
    ``optimal_actions[s]`` = all actions attaining Q*(s, a) = V*(s) (ascending);
    ``q[s][a]`` = Q*(s, a); ``iterations`` = number of evaluations.
    """

    values: tuple[Fraction, ...]
    policy: tuple[int, ...]
    optimal_actions: tuple[tuple[int, ...], ...]
    q: tuple[tuple[Fraction, ...], ...]
    iterations: int


def q_from_values(rewards: np.ndarray, transitions: np.ndarray, discount: Fraction, values: np.ndarray) -> np.ndarray:
    """Q(s, a) = r(s, a) + discount * sum_s' P(s' | s, a) V(s'), exact, shape ``(S, m)``."""
    v = np.asarray(values, dtype=object)
    return rewards + discount * (transitions * v.reshape((1,) * (transitions.ndim - 1) + (-1,))).sum(axis=-1)


def solve_mdp(rewards: Any, transitions: Any, discount: Any, start: Sequence[int] | None = None) -> MDPSolution:
    """Optimal values and policies of an MDP by exact policy iteration (tie rule :data:`TIE_RULE`).

    ``rewards``: Fraction array ``(S, m)``; ``transitions``: ``(S, m, S)`` row-stochastic;
    ``discount`` in [0, 1); ``start``: initial policy (default: action 0 everywhere).
    Complexity per iteration: one exact S x S solve plus O(S^2 m) Fraction operations; the
    number of iterations is small in practice (bounded by the number of policies m^S).

    Examples
    --------
    >>> from fractions import Fraction as F
    >>> r = np.array([[F(1), F(0)], [F(0), F(2)]], dtype=object)     # stay/move rewards
    >>> P = np.zeros((2, 2, 2), dtype=object); P[...] = F(0)
    >>> P[0, 0, 0] = P[0, 1, 1] = P[1, 0, 1] = P[1, 1, 0] = F(1)     # action 0 stays, 1 moves
    >>> sol = solve_mdp(r, P, F(1, 2))
    >>> sol.policy, [str(v) for v in sol.values]      # V(0) = 1 + V(0)/2 = 2, V(1) = 2 + V(0)/2 = 3
    ((0, 1), ['2', '3'])
    """
    r = np.asarray(rewards, dtype=object)
    P = np.asarray(transitions, dtype=object)
    gamma = Fraction(discount)
    if r.ndim != 2 or P.shape != r.shape + (r.shape[0],):
        raise GameError(f"MDP needs rewards (S, m) and transitions (S, m, S); got {r.shape} and {P.shape}")
    S, m = r.shape
    pol = list(start) if start is not None else [0] * S
    if len(pol) != S or any(not 0 <= a < m for a in pol):
        raise GameError(f"start policy {pol} is not one action in 0..{m - 1} per state ({S} states)")
    states = np.arange(S)
    iterations = 0
    while True:
        iterations += 1
        idx = np.array(pol, dtype=np.int64)
        V = solve_values(P[states, idx], r[states, idx].reshape(S, 1), gamma)[:, 0]
        Q = q_from_values(r, P, gamma, V)
        best = Q.max(axis=1)
        new = []
        for s in range(S):
            if Q[s, pol[s]] == best[s]:
                new.append(pol[s])
            else:
                new.append(int(np.argmax(Q[s] == best[s])))
        if new == pol:
            break
        pol = new
    optimal = tuple(tuple(int(a) for a in np.flatnonzero(Q[s] == V[s])) for s in range(S))
    return MDPSolution(values=tuple(V), policy=tuple(pol), optimal_actions=optimal,
                       q=tuple(tuple(row) for row in Q), iterations=iterations)
