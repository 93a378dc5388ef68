"""Stationary pure Markov perfect equilibria by enumeration (docs/background/model.md#2-solution-concepts).

Hand derivations are in the docstrings.  Independent cross-checks: exact enumeration without the
float prefilter, and the characterization "pi is an MPE iff every pi_i is a best response"
computed by policy iteration (contract_theory.markov.values.best_response), a separate code path.
"""

from __future__ import annotations

import itertools
from fractions import Fraction as F

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract_theory.errors import GameError, SizeLimitError
from contract_theory.markov import (
    best_response,
    cleanup_markov,
    commons_markov,
    evaluate,
    mpe_solve,
    random_markov_game,
    repeated_prisoners_dilemma,
    team_optimum,
)
from contract_theory.markov.mpe import is_mpe, one_shot_gains


def all_policies(game):
    per = [list(itertools.product(range(m), repeat=game.n_states)) for m in game.shape]
    return [tuple(p) for p in itertools.product(*per)]


def mpe_by_best_response(game):
    """Set of deterministic policies in which every player's policy is an optimal (best) response."""
    out = set()
    for pol in all_policies(game):
        if all(best_response(game, pol, i).is_optimal(pol[i]) for i in range(game.n_players)):
            out.add(pol)
    return out


def test_repeated_pd_mpe():
    """One state: a stationary policy is a stage action.  Against C or D, D gains T - R = 2 or
    P - S = 1 now and the state does not change, so only (D, D) survives; V = P/(1 - gamma) = 10."""
    res = mpe_solve(repeated_prisoners_dilemma())
    assert [e.policy for e in res] == [((1,), (1,))]
    assert res[0].values == ((F(10),), (F(10),)) and res[0].welfare == 20
    assert team_optimum(repeated_prisoners_dilemma()).welfare == 60        # all C: 2 * 3/(1/10)


def test_commons_mpe_hand():
    """commons_markov(2, greedy=3, proportional depletion, recover=1, gamma=1/2); rewards Full R 1 / G 3,
    Depleted R 0 / G 1/2.

    A: both Greedy in Full, Restrain in Depleted (F -> D -> F): V(F) = 3 + V(D)/2, V(D) = V(F)/2,
       so V_i(F) = 4, V_i(D) = 2, welfare 8 = W*.  Deviations: Restrain in F (depletion w.p. 1/2):
       1 + (4 + 2)/4 = 5/2 < 4; Greedy in D (stays D): 1/2 + 2/2 = 3/2 < 2.  MPE.
    B: always Greedy (D absorbing): V_i(D) = (1/2)/(1/2) = 1, V_i(F) = 3 + 1/2 = 7/2, welfare 7.
       Deviations: Restrain in D (other greedy, stays D): 0 + 1/2 < 1; Restrain in F: 1 + (7/2 + 1)/4
       = 17/8 < 7/2.  MPE.
    Not an MPE, e.g. always Restrain: V(F) = 2, V(D) = 1, Greedy in F gives 3 + (2 + 1)/4 = 15/4 > 2.
    """
    g = commons_markov(2, greedy=3, depletion="proportional", recover=1, discount="1/2")
    res = mpe_solve(g)
    assert [e.policy for e in res] == [((1, 0), (1, 0)), ((1, 1), (1, 1))]
    assert res[0].values == ((4, 2), (4, 2)) and res[0].welfare == 8
    assert res[1].values == ((F(7, 2), 1), (F(7, 2), 1)) and res[1].welfare == 7
    assert not is_mpe(g, [[0, 0], [0, 0]])
    assert one_shot_gains(g, [[0, 0], [0, 0]])[0][0, 1] == F(15, 4) - 2
    assert {e.policy for e in res} == mpe_by_best_response(g)


def test_cleanup_mpe_hand():
    """cleanup_markov(2, clean_cost=1/4, restore=1/2, gamma=1/2); Harvest pays 1 in Clean, 0 in Dirty.

    E1: both always Harvest; Dirty is absorbing: V_i(D) = 0, V_i(C) = 1; welfare 2.  Cleaning in D
        gives -1/4 + (1/2)(1/2 * 1 + 1/2 * 0) = 0 = V(D) (a tie, not profitable); in C it gives
        -1/4 + 1/2 * 1 = 1/4 < 1.  MPE.
    E2: P0 always Harvest, P1 Harvest in C and Clean in D.  P0: V(C) = 1 + V(D)/2,
        V(D) = (V(C) + V(D))/4 => V0 = (6/5, 2/5).  P1: V(C) = 1 + V(D)/2, V(D) = -1/4 + (V(C) + V(D))/4
        => V1 = (1, 0).  Welfare 11/5 = W*.  P1 harvesting in D: 0 + 0/2 = 0 = V1(D) (tie);
        P1 cleaning in C: -1/4 + 1/2 < 1; P0 cleaning in D: -1/4 + (6/5 + 2/5)/4 = 3/20 < 2/5;
        P0 cleaning in C: -1/4 + 3/5 < 6/5.  MPE.  E3 is E2 with the players swapped.
    """
    g = cleanup_markov(2, clean_cost="1/4", restore="1/2", discount="1/2")
    res = mpe_solve(g)
    assert [e.policy for e in res] == [((0, 0), (0, 0)), ((0, 0), (0, 1)), ((0, 1), (0, 0))]
    assert res[0].values == ((1, 0), (1, 0)) and res[0].welfare == 2
    assert res[1].values == ((F(6, 5), F(2, 5)), (1, 0)) and res[1].welfare == F(11, 5)
    assert res[2].values == ((1, 0), (F(6, 5), F(2, 5)))
    assert {e.policy for e in res} == mpe_by_best_response(g)
    assert max(e.welfare for e in res) == team_optimum(g).welfare


def test_default_library_games_n2_cross_checked():
    for g in (commons_markov(2), cleanup_markov(2), commons_markov(2, depletion="proportional")):
        res = mpe_solve(g)
        assert res == mpe_solve(g, prefilter=False)
        assert {e.policy for e in res} == mpe_by_best_response(g)


def test_fixed_players_and_subsets():
    """Cleanup (as above) with P0 fixed to 'always Harvest': P1's best responses are exactly the
    policies found by the best-response MDP: Harvest in Clean, and either action in Dirty (tie)."""
    g = cleanup_markov(2, clean_cost="1/4", restore="1/2", discount="1/2")
    res = mpe_solve(g, players=[1], fixed={0: ["Harvest", "Harvest"]})
    assert [e.policy for e in res] == [((0, 0), (0, 0)), ((0, 0), (0, 1))]
    br = best_response(g, [[0, 0], None], 1)
    assert br.optimal_actions == ((0,), (0, 1))
    # fixed mixed policy: P0 harvests in Clean and cleans w.p. 1/2 in Dirty
    res = mpe_solve(g, fixed={"P0": [[1, 0], ["1/2", "1/2"]]})
    for e in res:
        assert is_mpe(g, e.policy, players=[1]) and e.welfare == sum(sum(v * r for v, r in zip(row, g.initial))
                                                                      for row in e.values)
    with pytest.raises(GameError, match="neither enumerated nor given a fixed policy"):
        mpe_solve(g, players=[1])
    with pytest.raises(GameError, match="both enumerated and fixed"):
        mpe_solve(g, players=[0, 1], fixed={0: [0, 0]})


def test_size_limit():
    g = commons_markov(5)                          # 2^(5*2) = 1024 joint policies
    with pytest.raises(SizeLimitError, match="1024 .* max_policies=1000"):
        mpe_solve(g, max_policies=1000)
    assert len(mpe_solve(g, max_policies=1024)) >= 1


@given(st.integers(1, 3), st.integers(1, 2), st.integers(1, 3), st.integers(0, 10**6),
       st.sampled_from(["0", "1/2", "9/10"]))
def test_reported_mpe_have_no_profitable_deviation(n, S, m, seed, gamma):
    g = random_markov_game(n, S, m, seed=seed, discount=gamma)
    res = mpe_solve(g)
    for e in res:
        V = evaluate(g, e.policy)
        assert tuple(tuple(r) for r in V) == e.values
        assert all((gains <= 0).all() for gains in one_shot_gains(g, e.policy))
    assert res == mpe_solve(g, prefilter=False)


@given(st.integers(0, 10**6))
def test_mpe_set_equals_best_response_characterization(seed):
    g = random_markov_game(2, 2, 2, seed=seed, low=-2, high=2, discount="3/4")   # small range: many ties
    assert {e.policy for e in mpe_solve(g)} == mpe_by_best_response(g)
