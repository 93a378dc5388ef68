"""Exact policy evaluation, welfare, best responses and the team optimum (docs/background/model.md#1-games, #2-solution-concepts).

Hand derivations are in the docstrings; independent checks: the Bellman equations recomputed with
plain Python loops over joint actions, and quantecon's DiscreteDP (float policy iteration) as an
oracle for optimal values.
"""

from __future__ import annotations

import itertools
from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract_theory.errors import GameError
from contract_theory.markov import (
    MarkovGame,
    best_response,
    check_policy,
    cleanup_markov,
    commons_markov,
    evaluate,
    q_values,
    random_markov_game,
    repeated_prisoners_dilemma,
    solve_mdp,
    team_optimum,
    welfare,
)


def test_two_state_cycle():
    """A -> B -> A, reward 1 in A, 0 in B, gamma = 1/2.

    V(A) = 1 + gamma V(B), V(B) = gamma V(A)  =>  V(A) = 1/(1 - gamma^2) = 4/3, V(B) = gamma 4/3 = 2/3.
    """
    g = MarkovGame(["P"], ["A", "B"], [["go"]], [[[0, 1]], [[1, 0]]], [[[1]], [[0]]], "1/2", {"A": 1})
    V = evaluate(g, [[0, 0]])
    assert V.shape == (1, 2) and V[0].tolist() == [F(4, 3), F(2, 3)]
    assert welfare(g, [["go", "go"]]) == F(4, 3)
    assert welfare(g.with_initial([F(1, 2), F(1, 2)]), [[0, 0]]) == F(1)     # (4/3 + 2/3)/2


def test_repeated_pd_values():
    """One state, gamma = 9/10: V = stage payoff / (1 - gamma) = 10 x stage payoff."""
    g = repeated_prisoners_dilemma()
    assert evaluate(g, [["D"], ["D"]]).tolist() == [[F(10)], [F(10)]]          # P/(1-g) = 1/(1/10)
    assert evaluate(g, [["C"], ["D"]]).tolist() == [[F(0)], [F(50)]]           # S and T over 1/10
    assert welfare(g, [["C"], ["C"]]) == F(60)                                # 2 R/(1-g)


def test_mixed_policy_values():
    """Repeated PD, gamma = 1/2, Row plays C w.p. 1/2, Column plays D.

    Stage payoff of Row = 1/2 * S + 1/2 * P = 1/2, of Column = 1/2 T + 1/2 P = 3; V = 2 x stage.
    """
    g = repeated_prisoners_dilemma(discount="1/2")
    V = evaluate(g, [[["1/2", "1/2"]], ["D"]])
    assert V.tolist() == [[F(1)], [F(6)]]
    pol = check_policy(g, [[["1/2", "1/2"]], ["D"]])
    assert pol == (((F(1, 2), F(1, 2)),), ((F(0), F(1)),))


def test_policy_validation_errors():
    g = commons_markov(2)
    with pytest.raises(GameError, match="has 1 entries, the game has 2 states"):
        evaluate(g, [[0], [0, 0]])
    with pytest.raises(GameError, match="unknown action 'Grab' of player 'P0'"):
        evaluate(g, [["Grab", 0], [0, 0]])
    with pytest.raises(GameError, match="state 'Depleted' sum to 3/2"):
        evaluate(g, [[0, ["1", "1/2"]], [0, 0]])
    with pytest.raises(GameError, match="needs one entry per player"):
        evaluate(g, [[0, 0]])


def test_best_response_pd():
    """PD gamma = 1/2 against C: D gives 5 + gamma V => V = 5/(1/2) = 10; C gives 3/(1/2) = 6."""
    g = repeated_prisoners_dilemma(discount="1/2")
    br = best_response(g, [["C"], ["C"]], "Column")
    assert br.player == 1 and br.policy == (1,) and br.values == (F(10),)
    assert br.optimal_actions == ((1,),) and br.q == ((F(8), F(10)),)   # Q(C) = 3 + 1/2 * 10
    assert br.tie_rule == "keep-then-lowest" and br.is_optimal((1,)) and not br.is_optimal((0,))


def test_best_response_tie_rule():
    """Cleanup (gamma = 1/2, cost 1/4, restore 1/2), P0 harvests everywhere.

    P1 in Dirty: Clean gives -1/4 + gamma (1/2 V(C) + 1/2 V(D)) and Harvest gives 0 + gamma V(D).
    With P1 = (Harvest in Clean, Harvest in Dirty): V(D) = 0, V(C) = 1; Clean in Dirty gives
    -1/4 + 1/2 * 1/2 = 0 = V(D): a tie. Best values V(C) = 1, V(D) = 0 either way, both actions
    optimal in Dirty; policy iteration keeps the starting action (tie rule), from either start.
    """
    g = cleanup_markov(2, clean_cost="1/4", restore="1/2", discount="1/2")
    for start in ((0, 0), (0, 1)):
        br = best_response(g, [[0, 0], list(start)], 1)
        assert br.values == (F(1), F(0)) and br.policy == start
        assert br.optimal_actions == ((0,), (0, 1))
    br = best_response(g, [[0, 0], None], 1)
    assert br.policy == (0, 0)


def test_team_optimum_pd():
    """Team reward: CC 6, CD/DC 5, DD 2 per step; W* = 6/(1 - 9/10) = 60 with all C."""
    opt = team_optimum(repeated_prisoners_dilemma())
    assert opt.welfare == 60 and opt.values == (F(60),)
    assert opt.policy == ((0,), (0,)) and opt.optimal_joint_actions == (((0, 0),),)


def test_team_optimum_commons_hand():
    """commons_markov(2, greedy=3, proportional depletion, recover=1, gamma=1/2).

    Team MDP.  Full: RR pays 2 (stay), RG/GR pay 4 (deplete w.p. 1/2), GG pays 6 (deplete).
    Depleted: RR pays 0 (recover), mixed pays 1/2, GG pays 1 (both stay Depleted).
    Candidate GG in Full, RR in Depleted: V(F) = 6 + V(D)/2, V(D) = V(F)/2 => V(F) = 8, V(D) = 4.
    Bellman check in F: RR 2 + 8/2 = 6, RG 4 + (8 + 4)/4 = 7, GG 6 + 4/2 = 8 (max, unique);
    in D: RR 0 + 8/2 = 4, RG 1/2 + 2 = 5/2, GG 1 + 2 = 3 (RR unique).  rho0 = Full: W* = 8.
    """
    g = commons_markov(2, greedy=3, depletion="proportional", recover=1, discount="1/2")
    opt = team_optimum(g)
    assert opt.welfare == 8 and opt.values == (F(8), F(4))
    assert opt.policy == ((1, 0), (1, 0)) and opt.optimal_joint_actions == (((1, 1),), ((0, 0),))


def test_team_optimum_cleanup_hand():
    """cleanup_markov(2, clean_cost=1/4, restore=1/2, gamma=1/2).

    HH in Clean (pays 2, pollutes), one cleaner in Dirty (pays -1/4, restores w.p. 1/2):
    V(C) = 2 + V(D)/2, V(D) = -1/4 + (V(C) + V(D))/4 => V(D) = (V(C) - 1)/3, V(C) = 11/5, V(D) = 2/5.
    Check in C: HC 3/4 + V(C)/2 = 37/20 < 44/20, CC -1/2 + 11/10 < 11/5; in D: HH V(D)/2 = 1/5 < 2/5,
    CC -1/2 + 13/20 = 3/20 < 2/5.  Optimal joint actions: Clean {HH}, Dirty {HC, CH}; W* = 11/5.
    """
    opt = team_optimum(cleanup_markov(2, clean_cost="1/4", restore="1/2", discount="1/2"))
    assert opt.welfare == F(11, 5) and opt.values == (F(11, 5), F(2, 5))
    assert opt.optimal_joint_actions == (((0, 0),), ((0, 1), (1, 0)))
    assert opt.policy == ((0, 0), (0, 1))        # lowest index in the lexicographic joint order: HC


# ---------------------------------------------------------------------------- properties
def _bellman_residual(game, policy, V):
    """R_pi + gamma P_pi V - V by explicit loops over states and joint actions (independent code)."""
    dists = []
    for i, p in enumerate(check_policy(game, policy)):
        if isinstance(p[0], tuple):
            dists.append(p)
        else:
            dists.append(tuple(tuple(F(int(a == k)) for a in range(game.shape[i])) for k in p))
    out = []
    for i in range(game.n_players):
        row = []
        for s in range(game.n_states):
            total = F(0)
            for joint in itertools.product(*(range(m) for m in game.shape)):
                prob = F(1)
                for j, a in enumerate(joint):
                    prob *= dists[j][s][a]
                if prob == 0:
                    continue
                nxt = sum(game.transitions[(s,) + joint + (t,)] * V[i][t] for t in range(game.n_states))
                total += prob * (game.rewards[(s,) + joint + (i,)] + game.discount * nxt)
            row.append(total - V[i][s])
        out.append(row)
    return out


game_params = st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(0, 10**6))


@st.composite
def game_and_policy(draw, mixed=False):
    n, S, m, seed = draw(game_params)
    g = random_markov_game(n, S, m, seed=seed, discount=draw(st.sampled_from(["0", "1/2", "9/10", "99/100"])))
    if not mixed:
        pol = [[draw(st.integers(0, m - 1)) for _ in range(S)] for _ in range(n)]
    else:
        pol = []
        for _ in range(n):
            rows = []
            for _ in range(S):
                w = [draw(st.integers(0, 3)) for _ in range(m)]
                if sum(w) == 0:
                    w[0] = 1
                rows.append([F(x, sum(w)) for x in w])
            pol.append(rows)
    return g, pol


@given(game_and_policy())
def test_values_satisfy_bellman_exactly_deterministic(gp):
    g, pol = gp
    V = evaluate(g, pol)
    assert all(r == 0 for row in _bellman_residual(g, pol, V) for r in row)


@given(game_and_policy(mixed=True))
def test_values_satisfy_bellman_exactly_mixed(gp):
    g, pol = gp
    V = evaluate(g, pol)
    assert all(r == 0 for row in _bellman_residual(g, pol, V) for r in row)


@given(game_and_policy())
def test_best_response_is_optimal_and_matches_quantecon(gp):
    """Optimal values agree with quantecon's DiscreteDP (floats) and dominate every pure policy's Q."""
    from quantecon.markov import DiscreteDP

    g, pol = gp
    i = 0
    br = best_response(g, pol, i)
    # the reported policy attains the reported values, and no one-shot deviation improves on them
    new = [list(p) for p in check_policy(g, pol)]
    new[i] = list(br.policy)
    V = evaluate(g, new)
    assert tuple(V[i]) == br.values
    Q = q_values(g, new, i, V)
    assert (Q <= V[i][:, None]).all()
    assert all((Q[s, a] == V[i][s]) == (a in br.optimal_actions[s]) for s in range(g.n_states)
               for a in range(g.shape[i]))
    if g.discount > 0:
        from contract_theory.markov.policy import check_player_policy, marginalize
        Pm, Rm = marginalize(g, {j: check_player_policy(g, j, p) for j, p in enumerate(pol) if j != i})
        ddp = DiscreteDP(Rm[..., i].astype(float), Pm.astype(float), float(g.discount))
        res = ddp.solve(method="policy_iteration")
        assert np.allclose(res.v, [float(v) for v in br.values], atol=1e-8)


@given(game_and_policy())
def test_team_optimum_dominates_every_policy(gp):
    g, pol = gp
    opt = team_optimum(g)
    assert welfare(g, opt.policy) == opt.welfare
    assert welfare(g, pol) <= opt.welfare
    V = evaluate(g, pol).sum(axis=0)
    assert all(V[s] <= opt.values[s] for s in range(g.n_states))     # optimal in every state


def test_solve_mdp_input_errors():
    with pytest.raises(GameError, match="MDP needs rewards"):
        solve_mdp(np.zeros((2, 2), dtype=object), np.zeros((2, 2), dtype=object), F(1, 2))
    r = np.array([[F(0)]], dtype=object)
    P = np.array([[[F(1)]]], dtype=object)
    with pytest.raises(GameError, match="start policy"):
        solve_mdp(r, P, F(1, 2), start=[3])
