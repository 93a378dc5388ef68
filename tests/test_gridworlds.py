"""Cleanup and Harvest gridworlds (contract_theory.games.gridworlds): rules by hand, exact K-coalition analysis.

Hand derivations.
* Harvest, 3 agents, 2 cells (regrow 1/2, gamma 9/10): an empty cell next to an apple regrows with
  probability (1/2)(1/2) = 1/4.  Team optimum: harvest one apple in AA, wait in the one-apple state:
  V(AA) = 1 + V(.A), V(.A) = gamma (V(AA)/4 + 3 V(.A)/4), so V(.A) = 9/13 V(AA) and W* = V(AA) = 13/4.
  No contract: everyone harvests at once (welfare 1/2 + 1 + 1/2 = 2, then an empty orchard); agent 1
  restraining instead would get 0 + gamma (1/4 + 3/4) = 9/10 < 1, so it is an MPE.
* Cleanup, 3 agents, river 1 (regrow 1): one apple per step at most, so W* <= 1/(1 - gamma) = 10,
  reached when one agent cleans forever (the river is clean after cleaning, so the apple regrows).
Independent cross-check: float value iteration on the team MDP for W*.
"""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest

from contract_theory import TheoremSpace, api
from contract_theory.api import partial_contract_analysis
from contract_theory.games.gridworlds import cleanup_gridworld, harvest_gridworld
from contract_theory.games.loading import load_game
from contract_theory.markov.menus import coalition_penalty_menu
from contract_theory.markov.mixed_mpe import mixed_mpe_solve, verify_mixed_mpe
from contract_theory.markov.mpe import is_mpe
from contract_theory.markov.protocol import markov_theorem_contract_space
from contract_theory.markov.values import welfare

GAMES = {  # spec: (n, states)
    "harvest_gridworld:n=2,cells=3": (2, 8),
    "harvest_gridworld:n=3,cells=2": (3, 4),
    "cleanup_gridworld:n=2,river=2": (2, 6),
    "cleanup_gridworld:n=3,river=1": (3, 4),
}


def test_rules_by_hand():
    g = harvest_gridworld(2, 3)
    # the middle cell of A.A has two apple neighbours: it regrows with probability (1/2)(2/2) = 1/2
    assert g.transition("A.A", ("Restrain", "Restrain")) == {"A.A": F(1, 2), "AAA": F(1, 2)}
    # agent 0 harvests cell 0: the empty end cell has one neighbour apple, the harvested cell one too
    assert g.transition("AA.", ("Harvest", "Restrain")) == {".A.": F(9, 16), ".AA": F(3, 16), "AA.": F(3, 16),
                                                            "AAA": F(1, 16)}
    assert g.reward("AA.", ("Harvest", "Harvest")) == (1, 1)
    h = harvest_gridworld(3, 2)   # agents 0 and 2 share cell 0
    assert h.reward("AA", ("Harvest", "Harvest", "Harvest")) == (F(1, 2), 1, F(1, 2))
    c = cleanup_gridworld(2, 2, pollute="1/3")
    # from d2-: one cleaner -> dirt 1, apple with probability (2 - 1)/2 = 1/2, pollution 1/3 -> dirt 2
    assert c.transition("d2-", ("Clean", "Harvest")) == {"d1-": F(1, 3), "d1+A": F(1, 3), "d2-": F(1, 6),
                                                         "d2+A": F(1, 6)}


def _value_iteration_welfare(game, iters=2000):
    R = np.asarray(game.flat_rewards, dtype=object).astype(float).sum(axis=-1)
    P = np.asarray(game.flat_transitions, dtype=object).astype(float)
    V = np.zeros(game.n_states)
    for _ in range(iters):
        V = (R + float(game.discount) * P @ V).max(axis=1)
    return float(np.asarray(game.initial, dtype=object).astype(float) @ V)


@pytest.mark.parametrize("spec", sorted(GAMES))
def test_exact_k_coalition_analysis(spec):
    g = load_game(spec)
    n, states = GAMES[spec]
    assert (g.n_players, g.n_states) == (n, states)
    a = partial_contract_analysis(g, n)
    assert a.complete
    assert abs(float(a.optimum_welfare) - _value_iteration_welfare(g)) < 1e-9
    base = a.no_contract
    assert is_mpe(g, base.policy) and welfare(g, base.policy) == base.welfare
    for out in a.outcomes.values():
        assert welfare(g, out.policy) == out.welfare
    assert a.welfare_curve[n] == a.optimum_welfare           # the grand coalition reaches W*
    curve = [a.welfare_curve[k] for k in sorted(a.welfare_curve)]
    assert curve == sorted(curve)                             # W_k is non-decreasing by definition
    menu = coalition_penalty_menu(g, 2)
    r = api.spe_solve(g, [c for _S, _t, c in menu], k=2)
    assert base.welfare <= r.worst_welfare <= r.best_welfare <= a.optimum_welfare


def test_hand_derived_values():
    h = load_game("harvest_gridworld:n=3,cells=2")
    a = partial_contract_analysis(h, 3)
    assert a.optimum_welfare == F(13, 4) and a.no_contract.welfare == 2
    assert is_mpe(h, ((0,) * 4,) * 3)
    assert {k: w for k, w in a.welfare_curve.items()} == {1: 2, 2: F(13, 4), 3: F(13, 4)}
    c = load_game("cleanup_gridworld:n=3,river=1")
    b = partial_contract_analysis(c, 3)
    assert b.optimum_welfare == 10 and b.welfare_curve[2] == 10
    # the protocol over the theorem's rich space with pairs: the SPE reaches W*
    r = api.spe_solve(c, markov_theorem_contract_space(c, 0, k=2, space=TheoremSpace(targets="optimal")), k=2)
    assert r.worst_welfare == r.best_welfare == 10


def test_mixed_mpe_on_a_gridworld():
    g = harvest_gridworld(2, 1)      # two agents on one cell: 2 states, exact enumeration
    r = mixed_mpe_solve(g)
    assert r.exact and len(r) >= 1
    assert all(verify_mixed_mpe(g, e) for e in r.all_equilibria)
