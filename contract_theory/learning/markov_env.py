"""A :class:`~contract_theory.games.markov.MarkovGame` as a learning environment.

:class:`MarkovGameEnv` implements :class:`~contract_theory.learning.qlearning.TabularEnv`
for the vectorized Q-learner: every method works on all R runs at once (states ``(R,)``,
joint actions ``(R, n)``), rewards and transition probabilities are float64 copies of the
exact game (learning is search; the exact solvers judge), next states are drawn by
inverse-CDF sampling with the learner's seeded generator.  A contract is learned by passing
the augmented game (``contract.augmented_game()``); its welfare equals the base game's
because transfers are budget-balanced.

Examples
--------
>>> from contract_theory.games.markov_library import repeated_prisoners_dilemma
>>> env = MarkovGameEnv(repeated_prisoners_dilemma())
>>> env.n_states, env.action_counts
(1, (2, 2))
"""

from __future__ import annotations

from typing import Any

import numpy as np

from contract_theory.games.markov import MarkovGame

__all__ = ["MarkovGameEnv", "greedy_policies"]


class MarkovGameEnv:
    """Vectorized environment of a Markov game (see the module docstring)."""

    def __init__(self, game: MarkovGame) -> None:
        self.game = game
        self.n_players = game.n_players
        self.n_states = game.n_states
        self.action_counts = tuple(int(m) for m in game.shape)
        self._R = np.asarray(game.flat_rewards, dtype=object).astype(np.float64)        # (S, J, n)
        self._W = self._R.sum(axis=-1)                                                    # (S, J)
        P = np.asarray(game.flat_transitions, dtype=object).astype(np.float64)          # (S, J, S)
        self._cdf = np.cumsum(P, axis=-1)
        self._rho = np.asarray(game.initial, dtype=object).astype(np.float64)
        strides = np.ones(self.n_players, dtype=np.int64)
        for i in range(self.n_players - 2, -1, -1):
            strides[i] = strides[i + 1] * self.action_counts[i + 1]
        self._strides = strides

    def _joint(self, actions: np.ndarray) -> np.ndarray:
        return actions.astype(np.int64) @ self._strides

    def initial_states(self, runs: int, rng: np.random.Generator) -> np.ndarray:
        return rng.choice(self.n_states, size=runs, p=self._rho).astype(np.int64)

    def rewards(self, states: np.ndarray, actions: np.ndarray) -> np.ndarray:
        return self._R[states, self._joint(actions)]

    def welfare(self, states: np.ndarray, actions: np.ndarray) -> np.ndarray:
        return self._W[states, self._joint(actions)]

    def transition(self, states: np.ndarray, actions: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        cdf = self._cdf[states, self._joint(actions)]                                    # (R, S)
        u = rng.random(len(states))[:, None]
        return np.minimum((u >= cdf).sum(axis=1), self.n_states - 1).astype(np.int64)


def greedy_policies(result: Any) -> np.ndarray:
    """Each run's greedy deterministic stationary policy, ``(R, n, S)`` action indices.

    Ties go to the lowest action index (``np.argmax``).
    """
    return np.argmax(result.q_values, axis=-1)
