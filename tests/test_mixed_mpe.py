"""Stationary mixed MPE (contract_theory.markov.mixed_mpe).

Hand derivations: repeated matching pennies has one stationary equilibrium (one state, so a
stationary policy is one stage strategy and the continuation gamma V(play) is the same after every
action: the MPE are the stage Nash equilibria, here the unique 1/2-1/2 mix), values 0/(1 - gamma) = 0.
Independent checks: the stage-game solver nplayer_mixed_solve on one-state games; exact best
responses by policy iteration (contract_theory.markov.values.best_response, another code path)
for every rational equilibrium; verify_mixed_mpe's number-field check and a float check for the
irrational ones.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract_theory.equilibria.support_enumeration import nplayer_mixed_solve
from contract_theory.errors import ParameterError, SizeLimitError
from contract_theory.games.library import battle_of_the_sexes, matching_pennies, random_game
from contract_theory.games.markov_library import cleanup_markov, random_markov_game, repeated_game
from contract_theory.markov.mixed_mpe import (
    AlgebraicMPE,
    ExactLimits,
    MixedMPE,
    mixed_mpe_solve,
    verify_mixed_mpe,
)
from contract_theory.markov.mpe import mpe_solve
from contract_theory.markov.values import best_response

HALF = (F(1, 2), F(1, 2))


def test_repeated_matching_pennies_exact():
    g = repeated_game(matching_pennies(), "9/10")
    r = mixed_mpe_solve(g)
    assert (r.method, r.exact, r.complete) == ("markov-support-enumeration-groebner", True, True)
    assert len(r) == 1 and r.algebraic == ()
    eq = r.equilibria[0]
    assert eq.policy == ((HALF,), (HALF,))
    assert eq.values == ((F(0),), (F(0),)) and eq.welfare == 0
    assert not eq.is_pure and verify_mixed_mpe(g, eq)
    assert len(mpe_solve(g)) == 0        # no pure stationary MPE: why the mixed solver is needed


@pytest.mark.parametrize("game", [matching_pennies(), battle_of_the_sexes(), random_game([2, 2, 2], seed=5),
                                  random_game([2, 3], seed=0), random_game([2, 3], seed=7)])
def test_one_state_games_equal_stage_equilibria(game):
    """One state: the stationary MPE are the stage Nash equilibria, values u / (1 - gamma)."""
    gamma = F(1, 2)
    r = mixed_mpe_solve(repeated_game(game, gamma))
    stage = nplayer_mixed_solve(game)
    assert r.complete and stage.complete
    got = sorted(tuple(tuple(pl[0]) for pl in e.policy) for e in r.equilibria)
    want = sorted(tuple(tuple(s) for s in p.strategies) for p in stage.equilibria)
    assert got == want
    assert len(r.algebraic) == len(stage.algebraic)
    for e in r.equilibria:
        strat = [list(pl[0]) for pl in e.policy]
        for i in range(game.n_players):
            dev = game.deviation_payoffs(strat, i)
            on = [dev[k] for k, p in enumerate(strat[i]) if p > 0]
            assert e.values[i][0] == on[0] / (1 - gamma)


def test_cleanup_mixed_equilibrium_by_hand():
    """cleanup_markov(2): both harvest when Clean and clean with probability 16/45 when Dirty.

    With q the probability of cleaning in Dirty: the river is restored w.p. (1/2)(1 - (1 - q)^2).
    Indifference of a player in Dirty between Clean and Harvest: -1/4 + gamma (1/2)(V_C - V_D) =
    gamma (1/2) q (V_C - V_D), the value of not cleaning being restored only by the other.  The
    solver's value pair must satisfy that equation exactly.
    """
    g = cleanup_markov(2)
    r = mixed_mpe_solve(g)
    mixed = [e for e in r.equilibria if not e.is_pure]
    assert len(mixed) == 1
    e = mixed[0]
    q = F(16, 45)
    assert e.policy == (((1, 0), (1 - q, q)), ((1, 0), (1 - q, q)))
    VC, VD = e.values[0]
    gamma = g.discount
    assert -F(1, 4) + gamma * F(1, 2) * (VC - VD) == gamma * F(1, 2) * q * (VC - VD)
    assert r.complete


def test_algebraic_equilibria_checked_in_the_number_field():
    g = random_markov_game(2, 2, 2, seed=3)
    r = mixed_mpe_solve(g)
    assert r.complete and len(r.algebraic) == 2
    for eq in r.algebraic:
        assert verify_mixed_mpe(g, eq)
        # a wrong value (shifted by 1/1000) must be refused: the check is not vacuous
        bad_values = tuple(tuple(tuple([c[0] + F(1, 1000)] + list(c[1:])) for c in row) for row in eq.values)
        assert not verify_mixed_mpe(g, AlgebraicMPE(eq.profile, bad_values, eq.n_states))
        _float_check(g, eq.approx(), eq.approx_values())


def _float_check(game, policy, values, tol=1e-9):
    """Float one-shot check of a policy given as floats (independent arithmetic)."""
    R = np.asarray(game.rewards, dtype=object).astype(float)
    P = np.asarray(game.transitions, dtype=object).astype(float)
    g = float(game.discount)
    n, S = game.n_players, game.n_states
    pol = [np.array(p, dtype=float) for p in policy]
    for i in range(n):
        for s in range(S):
            for b in range(game.shape[i]):
                q = 0.0
                for a in np.ndindex(*game.shape):
                    if a[i] != b:
                        continue
                    w = np.prod([pol[j][s][a[j]] for j in range(n) if j != i])
                    q += w * (R[(s,) + a + (i,)] + g * P[(s,) + a] @ np.array(values[i]))
                assert q <= values[i][s] + tol
                if pol[i][s][b] > tol:
                    assert abs(q - values[i][s]) < 1e-7


@given(n_states=st.integers(1, 2), seed=st.integers(0, 10_000), gamma=st.sampled_from(["0", "1/2", "9/10"]))
def test_every_reported_mixed_mpe_is_verified(n_states, seed, gamma):
    g = random_markov_game(2, n_states, 2, seed=seed, discount=gamma, low=-3, high=3)
    r = mixed_mpe_solve(g, limits=ExactLimits(timeout=120))
    pure = {tuple(tuple(row) for row in e.policy) for e in mpe_solve(g)}
    assert {e.policy for e in r.equilibria if e.is_pure} == {
        tuple(tuple(tuple(F(int(a == k)) for k in range(2)) for a in pl) for pl in p) for p in pure}
    if r.complete:
        assert len(r) >= 1                # Fink (1964): a stationary equilibrium exists
    for e in r.equilibria:
        assert verify_mixed_mpe(g, e)
        for i in range(g.n_players):      # policy iteration: V_i is the best-response value, supports optimal
            br = best_response(g, list(e.policy), i)
            assert br.values == e.values[i]
            for s in range(g.n_states):
                assert {k for k, p in enumerate(e.policy[i][s]) if p > 0} <= set(br.optimal_actions[s])
    for e in r.algebraic:
        assert verify_mixed_mpe(g, e)
        _float_check(g, e.approx(), e.approx_values())


def test_homotopy_certified_and_flagged_inexact():
    g = repeated_game(matching_pennies(), "9/10")
    r = mixed_mpe_solve(g, method="homotopy")
    assert (r.exact, r.complete, r.method) == (False, False, "logit-homotopy-certified")
    eq = r.equilibria[0]
    assert eq.epsilon <= F(r.parameters["precision"])
    assert verify_mixed_mpe(g, eq)     # the certificate: epsilon is exactly the largest one-shot gain
    assert not verify_mixed_mpe(g, replace(eq, epsilon=eq.epsilon + 1))
    assert all(abs(float(p) - 0.5) < 1e-3 for pl in eq.policy for p in pl[0])


def test_beyond_the_limits():
    g = cleanup_markov(3)            # 3 players x 2 states x 2 actions = 12 unknowns
    with pytest.raises(SizeLimitError, match="max_unknowns"):
        mixed_mpe_solve(g, method="exact")
    r = mixed_mpe_solve(g)           # auto: the homotopy, one certified equilibrium
    assert not r.exact and not r.complete and "exact enumeration skipped" in r.notes[0]
    assert len(r.equilibria) == 1 and verify_mixed_mpe(g, r.equilibria[0])
    with pytest.raises(ParameterError, match="method must be one of .* got 'newton'"):
        mixed_mpe_solve(g, method="newton")


def test_result_types():
    r = mixed_mpe_solve(repeated_game(battle_of_the_sexes(), "1/2"))
    assert all(isinstance(e, MixedMPE) for e in r.equilibria) and len(r.equilibria) == 3


def test_fixed_players_give_the_outsiders_continuation():
    """cleanup_markov(3) with the pair P0, P1 always harvesting: the outsider cleans the dirty river
    (the coalition docstring's hand derivation: welfare 285/29), a pure best response found by the
    mixed solver on the reduced one-player game; cross-checked with the pure enumeration."""
    g = cleanup_markov(3)
    fixed = {0: [0, 0], 1: [0, 0]}
    r = mixed_mpe_solve(g, fixed=fixed)
    assert r.exact and r.complete and r.parameters["fixed"] == ["P0", "P1"]
    pure = mpe_solve(g, players=[2], fixed=fixed)
    assert [e.welfare for e in r.equilibria] == [e.welfare for e in pure] == [F(285, 29)]
    assert r.equilibria[0].policy[2] == ((1, 0), (0, 1))


def test_select_mixed_by_welfare():
    from contract_theory.markov.mixed_mpe import select_mixed

    r = mixed_mpe_solve(repeated_game(battle_of_the_sexes(), "1/2"))
    # battle of the sexes ((2, 1), (1, 2) on the diagonal, 0 off it): the pure equilibria give welfare 3 per
    # stage; in the mixed one each player goes to its favourite with probability 2/3 and earns 2 * 1/3 = 2/3,
    # so the welfares are 3 / (1 - 1/2) = 6 and (4/3) / (1 - 1/2) = 8/3
    lo, hi = select_mixed(r, "pessimistic"), select_mixed(r, "optimistic")
    assert lo.welfare == F(8, 3) and lo.values == ((F(4, 3),), (F(4, 3),)) and not lo.is_pure
    assert hi.welfare == 6 and hi.is_pure and hi.policy == min(e.policy for e in r.equilibria if e.welfare == 6)


def test_solve_command_lists_mixed_mpe(tmp_path):
    """``solve`` on repeated matching pennies: no pure MPE, the mixed one (1/2, 1/2) with values 0."""
    import json
    import subprocess
    import sys

    from contract_theory.games.formats.markov_json import write_markov_game

    path = tmp_path / "mp.json"
    write_markov_game(repeated_game(matching_pennies(), "9/10"), path)
    out = subprocess.run([sys.executable, "-m", "contract_theory.cli", "solve", str(path), "--format", "json"],
                         capture_output=True, text=True, timeout=300, check=True)
    doc = json.loads(out.stdout)
    assert doc["mpe"] == []
    mixed = doc["mixed_mpe"]
    assert (mixed["exact"], mixed["complete"]) == (True, True)
    assert mixed["equilibria"] == [{"policy": {"Row": {"play": "Heads 1/2, Tails 1/2"},
                                               "Column": {"play": "Heads 1/2, Tails 1/2"}},
                                    "values": {"Row": {"play": "0"}, "Column": {"play": "0"}}, "welfare": "0"}]


def _pd_plus_pennies(gamma="1/2"):
    """Four players, one state: P0 and P1 play the prisoner's dilemma, P2 and P3 matching pennies
    (payoffs separable).  Whatever the pair {P0, P1} commits to, the outsiders have no pure MPE."""
    import numpy as np

    from contract_theory.games.markov import MarkovGame

    pd = np.array([[[3, 3], [0, 5]], [[5, 0], [1, 1]]])
    mp = np.array([[[1, -1], [-1, 1]], [[-1, 1], [1, -1]]])
    R = np.zeros((1, 2, 2, 2, 2, 4), dtype=np.int64)
    R[..., 0:2] = pd[:, :, None, None, :]
    R[..., 2:4] = mp[None, None, :, :, :]
    P = np.ones((1, 2, 2, 2, 2, 1), dtype=np.int64)
    return MarkovGame(4, ["play"], [["C", "D"], ["C", "D"], ["H", "T"], ["H", "T"]], P, R, gamma)


def test_outsiders_mixed_continuations_in_the_coalition_study():
    """The pair commits to (C, C) (bloc total 2 * 3 / (1 - 1/2) = 12) and the outsiders mix 1/2-1/2
    (values 0): before, every commitment was excluded and the outcome undefined."""
    from contract_theory.api import coalition_outcome
    from contract_theory.markov.coalitions import _markov_no_contract_outcome

    g = _pd_plus_pennies()
    base = _markov_no_contract_outcome(g)
    assert base.welfare == 4 and "mixed MPE" in base.notes[0]        # (D, D) and the pennies' mix: 2 * 1 / (1/2)
    o = coalition_outcome(g, [0, 1])
    assert o.complete and o.bloc_value == 12 and o.welfare == 12
    assert o.policy == (((1, 0),), ((1, 0),), (HALF,), (HALF,))
    assert any("mixed MPE were used" in n for n in o.notes)


def test_protocol_with_mixed_default():
    """Repeated matching pennies: the disagreement outcome is the mixed MPE (welfare 0 = W*)."""
    from contract_theory import api

    r = api.spe_solve(repeated_game(matching_pennies(), "9/10"), [])
    assert r.worst_welfare == r.best_welfare == 0 == r.optimum
