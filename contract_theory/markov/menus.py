r"""Finite contract menus of K-coalition deviation penalties (docs/background/model.md#5-the-contracting-protocol).

The menu a proposer chooses from in the learning experiments, the PettingZoo contracting stage and
the gridworld studies: for every coalition S of 2..K players, the members' deviation penalty
(:func:`contract_theory.markov.contracts.deviation_penalty`) toward the policy their bloc reaches
(the coalition engine on :class:`contract_theory.markov.coalitions.MarkovBloc`, Stackelberg, pessimistic).
The penalty is psi when given, else 2 psi* with psi* the least penalty making the target an MPE
for the members (:func:`contract_theory.markov.contracts.min_penalty`; psi = 1 when psi* = 0):
the factor 2 leaves a margin so learners separate the actions.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from contract_theory.contracting.coalitions.bloc import solve_coalition
from contract_theory.errors import ParameterError
from contract_theory.exact.numbers import fmt, to_fraction
from contract_theory.games.markov import MarkovGame
from contract_theory.markov.coalitions import MarkovBloc
from contract_theory.markov.contracts import MarkovContract, deviation_penalty, min_penalty

__all__ = ["penalty_toward", "coalition_penalty_menu"]


def penalty_toward(game: MarkovGame, members: Sequence[int], target: Any, psi: Any = None) -> MarkovContract:
    """The members' deviation penalty toward ``target`` at ``psi`` (default 2 psi*, module docstring).

    Complexity: one :func:`~contract_theory.markov.contracts.min_penalty` (exact evaluations).

    Examples
    --------
    >>> from contract_theory.games.markov_library import repeated_prisoners_dilemma
    >>> penalty_toward(repeated_prisoners_dilemma(), [0, 1], ((0,), (0,))).name   # psi* = T - R = 2
    'deviation penalty psi=4'
    """
    if psi is None:
        star = min_penalty(game, members, target).psi
        p = 2 * star if star > 0 else Fraction(1)
    else:
        p = to_fraction(psi, what="psi")
        if p <= 0:
            raise ParameterError(f"psi must be positive, got {fmt(p)}")
    return deviation_penalty(game, members, target, p)


def coalition_penalty_menu(game: MarkovGame, k: int, psi: Any = None) -> list[tuple[tuple[int, ...], Any, MarkovContract]]:
    """``(coalition, target policy, contract)`` for every coalition of 2..k players with a pure bloc outcome.

    Coalitions in size then lexicographic order; a coalition whose bloc reaches no stationary pure
    outcome is left out.  Complexity: one coalition solve per coalition (prod_i m_i^|S| policies).

    Examples
    --------
    >>> from contract_theory.games.markov_library import repeated_prisoners_dilemma
    >>> [(S, t) for S, t, _ in coalition_penalty_menu(repeated_prisoners_dilemma(), 2)]
    [((0, 1), ((0,), (0,)))]
    """
    if isinstance(k, bool) or not isinstance(k, int) or not 2 <= k <= game.n_players:
        raise ParameterError(f"K must be an integer with 2 <= K <= n = {game.n_players}, got {k!r}")
    out = []
    for size in range(2, k + 1):
        for S in itertools.combinations(range(game.n_players), size):
            pol = solve_coalition(MarkovBloc(game), S).policy
            if pol is not None:
                out.append((S, pol, penalty_toward(game, S, pol, psi)))
    return out
