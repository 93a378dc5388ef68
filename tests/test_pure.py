"""Tests of :mod:`contract_theory.equilibria.pure` on hand-computed games: the masks, the result object, deviations.

Together with ``test_pure_oracle.py`` (pygambit and quantecon as oracles, hypothesis properties)
these are the module's own tests.  Payoff tables are written out, so every expected value can be
read off the table by hand.
"""

from fractions import Fraction as F

import numpy as np

from contract_theory.equilibria.pure import (
    best_response_masks,
    is_pure_nash,
    profitable_deviation,
    pure_nash_mask,
    pure_nash_solve,
)
from contract_theory.games.library import matching_pennies, prisoners_dilemma
from contract_theory.games.normal_form import NormalFormGame

#: Three players, two actions each; u[a0][a1][a2] = (u0, u1, u2).  Player 0 strictly prefers action 0
#: unless both others play 1; player 1 copies player 2; player 2 plays 1 only against (0, 0).
THREE = [[[(3, 1, 0), (3, 0, 2)], [(3, 0, 1), (1, 2, 0)]],
         [[(0, 1, 2), (0, 0, 0)], [(0, 0, 2), (2, 2, 1)]]]


def test_best_response_masks_of_the_prisoners_dilemma():
    """u = [[(3, 3), (0, 5)], [(5, 0), (1, 1)]]: defecting (1) is each player's only best response."""
    br = best_response_masks(prisoners_dilemma().table)
    assert br.shape == (2, 2, 2) and br.dtype == bool
    assert br[..., 0].tolist() == [[False, False], [True, True]]
    assert br[..., 1].tolist() == [[False, True], [False, True]]
    only_1 = best_response_masks(prisoners_dilemma().table, [1])
    assert only_1.shape == (2, 2, 1) and only_1[..., 0].tolist() == br[..., 1].tolist()


def test_three_player_masks_by_hand():
    """Best responses read off THREE (profiles in lexicographic order 000, 001, ..., 111): player 0
    plays 0 (3 > 0) except against (1, 1), where 2 > 1; player 1 plays as player 2 (1 > 0, 2 > 0);
    player 2 plays 1 against (0, 0) (2 > 0) and 0 otherwise (1 > 0, 2 > 0, 2 > 1).  No profile has all
    three best-responding (e.g. 111: player 2 gets 1 < 2 at 110), so there is no pure equilibrium."""
    g = NormalFormGame(THREE)
    br = best_response_masks(g.table)
    assert br[..., 0].reshape(-1).tolist() == [True, True, True, False, False, False, False, True]
    assert br[..., 1].reshape(-1).tolist() == [True, False, False, True, True, False, False, True]
    assert br[..., 2].reshape(-1).tolist() == [False, True, True, False, True, False, True, False]
    assert not pure_nash_mask(g).any()
    assert pure_nash_solve(g).equilibria == ()


def test_candidates_and_equilibria_by_hand():
    """u0 = 5 at (0, 0, .) and (1, 1, .), else 0: player 0 best-responds at (0, 0, .) and (1, 1, .).
    u1 = 5 at (0, 1, 1), else 0: at (0, ., 0) and (1, ., .) player 1 is indifferent, at (0, ., 1) it
    plays 1, so (0, 0, 1) drops.  u2 = -1 at (0, 0, 1), 3 at (0, 1, 0), else 0: at (0, 0) player 2
    plays 0, at (1, 1) it is indifferent.  Equilibria: (0, 0, 0), (1, 1, 0), (1, 1, 1)."""
    u = np.zeros((2, 2, 2, 3), dtype=int)
    u[0, 0, :, 0] = u[1, 1, :, 0] = 5
    u[0, 1, 1, 1] = 5
    u[0, 0, 1, 2], u[0, 1, 0, 2] = -1, 3
    g = NormalFormGame(u)
    assert pure_nash_solve(g).equilibria == ((0, 0, 0), (1, 1, 0), (1, 1, 1))
    assert pure_nash_solve(g).equilibria == tuple(tuple(int(v) for v in r) for r in np.argwhere(pure_nash_mask(g)))


def test_candidates_can_run_out_before_the_last_player():
    """Player 0 best-responds only at (0, 0, .) and (1, 1, .) (u0 = 5 there); player 1 wants a1 = 1 - a0
    (u1 = 1 there), which neither candidate family has: no candidate is left for player 2's test, and
    the game has no pure equilibrium."""
    u = np.zeros((2, 2, 2, 3), dtype=int)
    u[0, 0, :, 0] = u[1, 1, :, 0] = 5
    u[0, 1, :, 1] = u[1, 0, :, 1] = 1
    u[..., 2] = 7  # player 2 indifferent: it is never the reason
    g = NormalFormGame(u)
    assert pure_nash_solve(g).equilibria == ()
    assert not pure_nash_mask(g).any() and best_response_masks(g.table)[..., 2].all()


def test_the_result_records_method_exactness_and_completeness():
    r = pure_nash_solve(prisoners_dilemma())
    assert (r.equilibria, r.method, r.exact, r.complete, r.parameters, r.notes, r.payoffs_exact) == (
        ((1, 1),), "pure-enumeration", True, True, {}, (), True)
    floats = pure_nash_solve(NormalFormGame(np.array([[(1.5, 1.5), (0.0, 2.0)], [(2.0, 0.0), (0.5, 0.5)]])))
    assert (floats.equilibria, floats.payoffs_exact, floats.notes, floats.exact) == (
        ((1, 1),), False, ("payoffs were given as floats",), True)
    assert pure_nash_solve(matching_pennies()).equilibria == ()


def test_every_profile_of_a_constant_game_is_an_equilibrium_in_lexicographic_order():
    """All payoffs 0: every player is indifferent, so all 12 profiles are equilibria (the dense test path)."""
    g = NormalFormGame(np.zeros((3, 2, 2, 3), dtype=int))
    eqs = pure_nash_solve(g).equilibria
    assert len(eqs) == 12 and list(eqs) == sorted(eqs) and eqs[0] == (0, 0, 0) and eqs[-1] == (2, 1, 1)
    assert pure_nash_mask(g).all() and best_response_masks(g.table).all()


def test_many_candidates_take_the_dense_test():
    """Player 0 indifferent everywhere (every profile a candidate), player 1 with 3 actions: its test is
    the dense one.  Player 1 wants action a0 + a2 (mod 3), player 2 to match player 0."""
    u = np.zeros((2, 3, 2, 3), dtype=object)
    for a0 in range(2):
        for a1 in range(3):
            for a2 in range(2):
                u[a0, a1, a2] = (0, int(a1 == (a0 + a2) % 3), int(a2 == a0))
    eqs = pure_nash_solve(NormalFormGame(u)).equilibria
    assert eqs == ((0, 0, 0), (1, 2, 1))


def test_profitable_deviation_is_the_lowest_players_best_one():
    pd = prisoners_dilemma()
    assert profitable_deviation(pd, (0, 0)) == (0, 1)        # T = 5 > R = 3 for player 0 first
    assert profitable_deviation(pd, (1, 0)) == (1, 1)        # player 0 already defects; player 1 gains 1 > 0
    assert profitable_deviation(pd, ("D", "D")) is None
    assert is_pure_nash(pd, (1, 1)) and not is_pure_nash(pd, (0, 1))
    # two best deviations of equal value: the lowest action index
    g = NormalFormGame(np.array([[(0, 0), (0, 0)], [(2, 0), (0, 0)], [(2, 0), (0, 0)]]))
    assert profitable_deviation(g, (0, 0)) == (0, 1)
    assert profitable_deviation(g, (1, 1)) is None and is_pure_nash(g, (2, 0))
    assert not is_pure_nash(NormalFormGame(THREE), (0, 0, 0))
    # exact: a deviation worth 1/6 is found
    h = NormalFormGame(np.array([[(F(1, 3), 0), (0, 0)], [(F(1, 2), 0), (0, 0)]], dtype=object))
    assert profitable_deviation(h, (0, 0)) == (0, 1)
