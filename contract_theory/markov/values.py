"""Values, welfare, best responses and the team optimum of stationary policies.

Model: ``docs/background/model.md#1-games``, ``docs/background/model.md#2-solution-concepts``.

* V_i^pi(s) = E[sum_t gamma^t R_i(s_t, a_t) | s_0 = s], for a stationary (deterministic or mixed)
  joint policy pi, solves the Bellman equation V_i = R_{pi,i} + gamma P_pi V_i; :func:`evaluate`
  solves it exactly (:func:`contract_theory.markov.linear.solve_values`).
* W(pi) = sum_i sum_s rho0(s) V_i^pi(s) (utilitarian welfare), :func:`welfare`.
* Q_i^pi(s, b) = R_i(s, b, pi_-i(s)) + gamma sum_s' P(s' | s, b, pi_-i(s)) V_i^pi(s'): the value of
  a one-shot deviation to b in s, :func:`q_values`.
* :func:`best_response`: the optimal values and policies of player i's MDP with the others fixed.
* :func:`team_optimum`: the MDP over joint actions with reward sum_i R_i; its optimal values V*(s)
  are attained simultaneously in every state by one deterministic stationary policy, so that policy is
  optimal for *every* rho0 and W* = sum_s rho0(s) V*(s).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from contract_theory.games.markov import MarkovGame
from contract_theory.markov.linear import solve_values
from contract_theory.markov.mdp import TIE_RULE, q_from_values, solve_mdp
from contract_theory.markov.policy import check_player_policy, check_policy, marginalize

__all__ = ["evaluate", "welfare", "q_values", "best_response", "team_optimum", "BestResponse", "TeamOptimum"]


def evaluate(game: MarkovGame, policy: Any) -> np.ndarray:
    """Exact values ``V[i][s]`` (Fraction object array of shape ``(n, |S|)``) of a stationary policy.

    Complexity: building P_pi, R_pi is O(|S|^2 J) for mixed policies and O(|S|^2 n) for
    deterministic ones; then one exact |S| x |S| solve with n right-hand sides.

    Two states visited in turn (A -> B -> A), reward 1 in A, gamma = 1/2:
    V(A) = 1 + gamma^2 V(A) = 4/3 and V(B) = gamma V(A) = 2/3.

    Examples
    --------
    >>> g = MarkovGame(["P"], ["A", "B"], [["go"]], [[[0, 1]], [[1, 0]]], [[[1]], [[0]]], "1/2")
    >>> [str(v) for v in evaluate(g, [[0, 0]])[0]]
    ['4/3', '2/3']
    """
    pol = check_policy(game, policy)
    P, R = marginalize(game, dict(enumerate(pol)))
    return solve_values(P, R, game.discount).T.copy()


def welfare(game: MarkovGame, policy: Any) -> Fraction:
    """Utilitarian welfare W(pi) = sum_i sum_s rho0(s) V_i^pi(s) (docs/background/model.md#1-games), exact.

    Examples
    --------
    >>> from contract_theory.games.markov_library import repeated_prisoners_dilemma
    >>> welfare(repeated_prisoners_dilemma(discount="1/2"), [["C"], ["C"]])   # 2 * 3 / (1 - 1/2)
    Fraction(12, 1)
    """
    V = evaluate(game, policy)
    return sum((V[i] * game.initial).sum() for i in range(game.n_players))


def q_values(game: MarkovGame, policy: Any, player: int | str, values: np.ndarray | None = None) -> np.ndarray:
    """One-shot deviation values ``Q[s][b]`` of ``player`` against ``policy`` (shape ``(|S|, m_i)``).

    Q_i(s, b) = R_i(s, b, pi_-i(s)) + gamma sum_s' P(s' | s, b, pi_-i(s)) V_i^pi(s')
    (docs/background/model.md#2-solution-concepts).  ``values`` may pass precomputed :func:`evaluate` output.  The policy is a one-shot
    equilibrium for i iff ``Q[s][b] <= V_i(s)`` for every s, b.

    Examples
    --------
    >>> from contract_theory.games.markov_library import repeated_prisoners_dilemma
    >>> q_values(repeated_prisoners_dilemma(discount="1/2"), [["C"], ["C"]], 0)[0].tolist()
    [Fraction(6, 1), Fraction(8, 1)]
    """
    pol = check_policy(game, policy)
    i = game.player_index(player)
    V = evaluate(game, pol) if values is None else values
    P, R = marginalize(game, {j: p for j, p in enumerate(pol) if j != i})
    return q_from_values(R[..., i], P, game.discount, V[i])


@dataclass(frozen=True)
class BestResponse:
    """Player ``player``'s optimal values and policies against the others' fixed policies.

    ``values[s]`` = V_i*(s); ``policy`` = the policy found by policy iteration started at the
    player's current deterministic policy (tie rule :attr:`tie_rule`: keep the current action when
    it is optimal, else the lowest-index optimal action); ``optimal_actions[s]`` = every optimal
    action in s: the optimal deterministic stationary policies are exactly the product
    ``optimal_actions[0] x ... x optimal_actions[|S|-1]``.
    """

    player: int
    values: tuple[Fraction, ...]
    policy: tuple[int, ...]
    optimal_actions: tuple[tuple[int, ...], ...]
    q: tuple[tuple[Fraction, ...], ...]
    iterations: int
    tie_rule: str = TIE_RULE

    def is_optimal(self, player_policy: tuple[int, ...]) -> bool:
        """Whether a deterministic policy of the player is a best response."""
        return all(a in acts for a, acts in zip(player_policy, self.optimal_actions))


def best_response(game: MarkovGame, policy: Any, player: int | str) -> BestResponse:
    """Best response of ``player`` to the other players' stationary policies, by exact policy iteration.

    ``policy`` is a joint policy; the player's own entry is only the starting point (it may be
    ``None``: start from action 0 everywhere).  Definition: docs/background/model.md#2-solution-concepts (best-response MDP
    for one agent).  Complexity: policy iteration on an MDP with |S| states and m_i actions.

    Examples
    --------
    >>> from contract_theory.games.markov_library import repeated_prisoners_dilemma
    >>> br = best_response(repeated_prisoners_dilemma(discount="1/2"), [["C"], ["C"]], 1)
    >>> br.policy, br.values
    ((1,), (Fraction(10, 1),))
    """
    i = game.player_index(player)
    entries = list(policy) if not isinstance(policy, dict) else [policy.get(k, policy.get(game.players[k]))
                                                                 for k in range(game.n_players)]
    own = entries[i]
    start = None
    if own is not None:
        mine = check_player_policy(game, i, own)
        if not isinstance(mine[0], tuple):
            start = list(mine)
    entries[i] = [0] * game.n_states
    pol = check_policy(game, entries)
    P, R = marginalize(game, {j: p for j, p in enumerate(pol) if j != i})
    sol = solve_mdp(R[..., i], P, game.discount, start)
    return BestResponse(player=i, values=sol.values, policy=sol.policy, optimal_actions=sol.optimal_actions,
                        q=sol.q, iterations=sol.iterations)


@dataclass(frozen=True)
class TeamOptimum:
    """The team optimum: W*, the team values V*(s), one optimal joint policy and all optimal joint actions.

    ``policy[i][s]`` is player i's action in the policy found (tie rule ``keep-then-lowest`` on the
    lexicographic joint-action order); ``optimal_joint_actions[s]`` lists every joint action attaining
    V*(s): the optimal deterministic joint policies are their product over states.
    """

    welfare: Fraction
    values: tuple[Fraction, ...]
    policy: tuple[tuple[int, ...], ...]
    optimal_joint_actions: tuple[tuple[tuple[int, ...], ...], ...]
    iterations: int
    tie_rule: str = TIE_RULE


def team_optimum(game: MarkovGame) -> TeamOptimum:
    """W* and the optimal joint policies: the MDP over joint actions with reward sum_i R_i (docs/background/model.md#1-games).

    W* = sum_s rho0(s) V*(s); the policy attains V*(s) in every state at once, so it is optimal for
    any initial distribution.  Complexity: policy iteration with J = prod(m_i) actions per state.

    Examples
    --------
    >>> from contract_theory.games.markov_library import repeated_prisoners_dilemma
    >>> opt = team_optimum(repeated_prisoners_dilemma(discount="1/2"))
    >>> opt.welfare, opt.policy
    (Fraction(12, 1), ((0,), (0,)))
    """
    r = game.flat_rewards.sum(axis=-1)
    sol = solve_mdp(r, game.flat_transitions, game.discount)
    joint = [tuple(int(x) for x in np.unravel_index(j, game.shape)) for j in sol.policy]
    policy = tuple(tuple(joint[s][i] for s in range(game.n_states)) for i in range(game.n_players))
    optimal = tuple(tuple(tuple(int(x) for x in np.unravel_index(j, game.shape)) for j in acts)
                    for acts in sol.optimal_actions)
    W = (np.array(sol.values, dtype=object) * game.initial).sum()
    return TeamOptimum(welfare=Fraction(W), values=sol.values, policy=policy, optimal_joint_actions=optimal,
                       iterations=sol.iterations)
