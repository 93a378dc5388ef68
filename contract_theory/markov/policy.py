"""Stationary policies of a Markov game (docs/background/model.md#1-games) and the games they leave behind.

Two forms, both indexed ``[player][state]``:

* deterministic: ``policy[i][s]`` is an action of player i (index or label);
* mixed: ``policy[i][s]`` is a probability vector over player i's actions (exact numbers).

A player's entry may also be a mapping ``{state name: action or vector}`` covering every state.
:func:`check_policy` validates and normalizes: a policy whose players are all deterministic
becomes a tuple of tuples of action indices; otherwise every player is given as a tuple of
per-state tuples of Fractions (deterministic players as indicator vectors).

:func:`marginalize` fixes some players' policies and returns the transition and reward arrays
of the game left to the others (docs/background/model.md#4-partial-contracts, "outsiders best-respond").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any, cast

import numpy as np

from contract_theory.errors import GameError
from contract_theory.exact.numbers import fmt, to_fraction
from contract_theory.games.markov import MarkovGame

__all__ = ["DeterministicPolicy", "MixedPolicy", "check_policy", "check_player_policy", "is_deterministic",
           "distributions", "marginalize", "policy_labels"]

#: ``policy[i][s]`` = action index of player i in state s.
DeterministicPolicy = tuple[tuple[int, ...], ...]
#: ``policy[i][s][a]`` = probability that player i plays a in state s.
MixedPolicy = tuple[tuple[tuple[Fraction, ...], ...], ...]


def _per_state(game: MarkovGame, i: int, entry: Any) -> list[Any]:
    if isinstance(entry, Mapping):
        out: list[Any] = [None] * game.n_states
        for name, v in entry.items():
            out[game.state_index(name)] = v
        missing = [game.states[s] for s, v in enumerate(out) if v is None]
        if missing:
            raise GameError(f"policy of player {game.players[i]!r} gives no action in states {missing}")
        return out
    if isinstance(entry, str) or not isinstance(entry, (Sequence, np.ndarray)):
        raise GameError(f"policy of player {game.players[i]!r} must list one entry per state, got {entry!r}")
    entry = list(entry)
    if len(entry) != game.n_states:
        raise GameError(f"policy of player {game.players[i]!r} has {len(entry)} entries, the game has "
                        f"{game.n_states} states")
    return entry


def check_player_policy(game: MarkovGame, player: int | str, entry: Any) -> tuple[Any, ...]:
    """Validate one player's stationary policy.

    Returns a tuple of action indices (deterministic) or a tuple of per-state tuples of
    Fractions (mixed).  Raises :class:`GameError` naming the player and state.

    Examples
    --------
    >>> from contract_theory.games.markov_library import repeated_prisoners_dilemma
    >>> g = repeated_prisoners_dilemma()
    >>> check_player_policy(g, 0, ["D"]), check_player_policy(g, 1, [["1/2", "1/2"]])
    ((1,), ((Fraction(1, 2), Fraction(1, 2)),))
    """
    i = game.player_index(player)
    rows = _per_state(game, i, entry)
    mixed = [isinstance(r, (Sequence, np.ndarray)) and not isinstance(r, str) for r in rows]
    if not any(mixed):
        return tuple(game.action_index(i, a) for a in rows)
    out = []
    for s, r in enumerate(rows):
        if not mixed[s]:
            k = game.action_index(i, r)
            out.append(tuple(Fraction(int(k == a)) for a in range(game.shape[i])))
            continue
        vec = tuple(to_fraction(p, what=f"probability of player {game.players[i]!r} in state {game.states[s]!r}")
                    for p in r)
        if len(vec) != game.shape[i]:
            raise GameError(f"player {game.players[i]!r} has {game.shape[i]} actions, its strategy in state "
                            f"{game.states[s]!r} has {len(vec)} entries")
        if any(p < 0 for p in vec):
            raise GameError(f"player {game.players[i]!r} has a negative probability in state {game.states[s]!r}: "
                            f"{[fmt(p) for p in vec]}")
        if sum(vec) != 1:
            raise GameError(f"probabilities of player {game.players[i]!r} in state {game.states[s]!r} sum to "
                            f"{fmt(sum(vec))}, not 1")
        out.append(vec)
    return tuple(out)


def _as_mixed(game: MarkovGame, i: int, pol: tuple[Any, ...]) -> tuple[tuple[Fraction, ...], ...]:
    if pol and isinstance(pol[0], tuple):
        return pol
    return tuple(tuple(Fraction(int(k == a)) for a in range(game.shape[i])) for k in pol)


def check_policy(game: MarkovGame, policy: Any) -> DeterministicPolicy | MixedPolicy:
    """Validate a joint stationary policy and normalize it (see the module docstring).

    Complexity O(n |S| max m_i).

    Examples
    --------
    >>> from contract_theory.games.markov_library import repeated_prisoners_dilemma
    >>> g = repeated_prisoners_dilemma()
    >>> check_policy(g, [["C"], [1]])
    ((0,), (1,))
    """
    if isinstance(policy, Mapping):
        items = {game.player_index(k): v for k, v in policy.items()}
        missing = [game.players[i] for i in range(game.n_players) if i not in items]
        if missing:
            raise GameError(f"policy gives no strategy for players {missing}")
        policy = [items[i] for i in range(game.n_players)]
    if isinstance(policy, str) or not isinstance(policy, (Sequence, np.ndarray)) or len(policy) != game.n_players:
        raise GameError(f"a joint policy needs one entry per player ({game.n_players}), got {policy!r}")
    parts = [check_player_policy(game, i, p) for i, p in enumerate(policy)]
    if all(not isinstance(p[0], tuple) for p in parts):
        return tuple(parts)
    return tuple(_as_mixed(game, i, p) for i, p in enumerate(parts))


def is_deterministic(policy: Any) -> bool:
    """True for a normalized deterministic policy (tuples of action indices).

    Examples
    --------
    >>> is_deterministic(((0, 1), (1, 1))), is_deterministic((((Fraction(1),),),))
    (True, False)
    """
    return all(not isinstance(p[0], tuple) for p in policy)


def distributions(game: MarkovGame, policy: Any) -> list[np.ndarray]:
    """Per-player Fraction arrays ``(|S|, m_i)`` of action probabilities of a joint policy."""
    pol = check_policy(game, policy)
    return [np.array(_as_mixed(game, i, p), dtype=object).reshape(game.n_states, game.shape[i])
            for i, p in enumerate(pol)]


def policy_labels(game: MarkovGame, policy: DeterministicPolicy) -> dict[str, dict[str, str]]:
    """``{player: {state: action label}}`` of a deterministic policy."""
    pol = check_policy(game, policy)
    if not is_deterministic(pol):
        raise GameError("policy_labels needs a deterministic policy")
    det = cast(DeterministicPolicy, pol)
    return {game.players[i]: {game.states[s]: game.actions[i][a] for s, a in enumerate(p)}
            for i, p in enumerate(det)}


def marginalize(game: MarkovGame, fixed: Mapping[int, tuple[Any, ...]]) -> tuple[np.ndarray, np.ndarray]:
    """Transitions and rewards of the game left when the players in ``fixed`` play their policies.

    ``fixed`` maps player index -> normalized player policy (:func:`check_player_policy`).
    Returns ``(P, R)`` with shapes ``(|S|, *m_rest, |S|)`` and ``(|S|, *m_rest, n)`` where
    ``m_rest`` are the action counts of the remaining players in index order; R keeps every
    player's reward (fixed players included).  Deterministic players are removed by indexing,
    mixed ones by an exact expectation.  Complexity O(|S|^2 J) Fraction operations at most.

    Examples
    --------
    >>> from contract_theory.games.markov_library import repeated_prisoners_dilemma
    >>> g = repeated_prisoners_dilemma()
    >>> P, R = marginalize(g, {1: (1,)})
    >>> P.shape, R[0, :, 0].tolist()
    ((1, 2, 1), [Fraction(0, 1), Fraction(1, 1)])
    """
    P, R = game.transitions, game.rewards
    S = game.n_states
    states = np.arange(S)
    for j in sorted(fixed, reverse=True):
        pol = fixed[j]
        axis = 1 + j
        if pol and not isinstance(pol[0], tuple):
            idx = np.array(pol, dtype=np.int64)
            P = np.moveaxis(P, axis, 1)[states, idx]
            R = np.moveaxis(R, axis, 1)[states, idx]
        else:
            w = np.array(pol, dtype=object)
            Pm, Rm = np.moveaxis(P, axis, 1), np.moveaxis(R, axis, 1)
            P = (Pm * w.reshape(w.shape + (1,) * (Pm.ndim - 2))).sum(axis=1)
            R = (Rm * w.reshape(w.shape + (1,) * (Rm.ndim - 2))).sum(axis=1)
    return P, R
