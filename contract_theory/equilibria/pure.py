r"""Pure Nash equilibria of N-player normal-form games (docs/background/model.md#2-solution-concepts).

A pure profile a is a Nash equilibrium when no player gains by a unilateral deviation:
u_i(a) >= u_i(b_i, a_{-i}) for every player i and action b_i.

Algorithm.  For each player i, the best-response mask
``table[..., i] == table[..., i].max(axis=i, keepdims=True)`` marks, for every joint
action, whether player i's action is a best response to the others'; the equilibria are
the joint actions where all n masks hold.  This is O(n * prod(m_i)) integer comparisons,
all inside numpy (no Python loop over joint actions), and exact because the table is an
integer table with one common denominator (:mod:`contract_theory.exact.numbers`).
"""

from __future__ import annotations

import numpy as np

from contract_theory.equilibria.results import EquilibriumResult
from contract_theory.games.normal_form import NormalFormGame, Profile

__all__ = ["best_response_masks", "pure_nash_mask", "pure_nash_solve", "is_pure_nash", "profitable_deviation"]


def best_response_masks(table: np.ndarray, players: list[int] | None = None) -> np.ndarray:
    """Boolean array ``(..., k)``: is player i's action a best response at each profile.

    ``table`` has shape ``(m_0, ..., m_{n-1}, n)``; ``players`` selects the players
    (default all).  Exact for integer tables.  Complexity O(k * prod(m_i)).
    """
    n = table.ndim - 1
    players = list(range(n)) if players is None else players
    out = np.empty(table.shape[:-1] + (len(players),), dtype=bool)
    for k, i in enumerate(players):
        u = table[..., i]
        out[..., k] = u == u.max(axis=i, keepdims=True)
    return out


def pure_nash_mask(game: NormalFormGame) -> np.ndarray:
    """Boolean array of shape ``game.shape``: ``True`` exactly at pure Nash equilibria.

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> pure_nash_mask(prisoners_dilemma()).astype(int).tolist()
    [[0, 0], [0, 1]]
    """
    t = game.table
    mask = np.ones(game.shape, dtype=bool)
    for i in range(game.n_players):  # combine as we go: no (..., n) intermediate
        u = t[..., i]
        mask &= u == u.max(axis=i, keepdims=True)
    return mask


def _pure_nash_indices(table: np.ndarray) -> np.ndarray:
    """Flat (C-order, hence lexicographic) indices of the pure equilibria of an integer table.

    Candidate filtering: the profiles where player 0 best-responds (one reduction over the
    outermost axis), then, player by player, the candidates where player i does too.  For
    player i the candidates' m_i deviations are gathered from the flat table (k * m_i
    entries for k candidates) while that is no more than the dense test over all prod(m)
    profiles, which is used otherwise.  Same result as :func:`pure_nash_mask`, with far fewer
    and smaller numpy calls when few profiles survive (random games: a 1/m_i fraction per
    player).  Time O(n * prod(m_i)) at worst, memory O(prod(m_i)).
    """
    shape = table.shape[:-1]
    n = len(shape)
    size = table[..., 0].size
    flat = np.ascontiguousarray(table).reshape(size, n)
    u = table[..., 0]
    cand = np.flatnonzero(u == u.max(axis=0, keepdims=True))
    stride = size
    for i in range(1, n):
        stride //= shape[i - 1]  # prod(shape[i + 1:]) * shape[i]
        step, m = stride // shape[i], shape[i]
        if not cand.size:
            break
        if cand.size * m <= size:
            own = flat[cand, i]
            base = cand - ((cand // step) % m) * step
            best = flat[base[:, None] + step * np.arange(m), i].max(axis=1)
            cand = cand[own == best]
        else:
            u = table[..., i]
            cand = cand[(u == u.max(axis=i, keepdims=True)).reshape(-1)[cand]]
    return cand


def pure_nash_solve(game: NormalFormGame) -> EquilibriumResult:
    """All pure Nash equilibria, in lexicographic order of action indices.

    Exact on exact input; complete (every pure equilibrium is listed).  Complexity
    O(n * prod(m_i)) vectorized comparisons and O(prod(m_i)) memory.

    Examples
    --------
    >>> from contract_theory.games.library import battle_of_the_sexes
    >>> pure_nash_solve(battle_of_the_sexes()).equilibria
    ((0, 0), (1, 1))
    """
    cand = _pure_nash_indices(game.table)
    eqs = tuple(zip(*(idx.tolist() for idx in np.unravel_index(cand, game.shape)))) if cand.size else ()
    return EquilibriumResult(method="pure-enumeration", exact=True, equilibria=eqs, complete=True,
                             parameters={}, notes=() if game.exact else ("payoffs were given as floats",),
                             payoffs_exact=game.exact)


def profitable_deviation(game: NormalFormGame, profile: Profile) -> tuple[int, int] | None:
    """A profitable unilateral deviation ``(player, action)`` from ``profile``, or ``None``.

    The deviation returned is the best one of the lowest-indexed player who has one
    (ties between best deviations broken by the lowest action index).
    """
    prof = game.check_profile(profile)
    for i in range(game.n_players):
        idx: list[int | slice] = list(prof)
        idx[i] = slice(None)
        u = game.table[tuple(idx) + (i,)]
        best = int(np.argmax(u))
        if u[best] > u[prof[i]]:
            return i, best
    return None


def is_pure_nash(game: NormalFormGame, profile: Profile) -> bool:
    """Whether a pure profile is a Nash equilibrium (exact check, O(sum m_i))."""
    return profitable_deviation(game, profile) is None
