"""State-dependent contracts in Markov games: budget balance, augmented games, least penalties
(MODEL.md sections 3, 4, 6-A3).  Derivations in the docstrings."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract_theory.errors import ContractError
from contract_theory.markov import (
    MarkovContract,
    commons_markov,
    deviation_penalty,
    evaluate,
    min_penalty,
    mpe_solve,
    random_markov_game,
    repeated_prisoners_dilemma,
    team_optimum,
    welfare,
)
from contract_theory.markov.mpe import is_mpe


def test_budget_balance_error_names_state_and_profile():
    g = commons_markov(2)
    th = np.zeros((2, 2, 2, 2), dtype=object)
    th[1, 0, 1] = [F(1), F(-1, 2)]                        # Depleted, (Restrain, Greedy): sums to 1/2
    with pytest.raises(ContractError, match=r"sum to 1/2 at state 'Depleted', joint action \('Restrain', 'Greedy'\)"):
        MarkovContract(g, [0, 1], th)


def test_non_signatory_and_observability_errors():
    g = commons_markov(3)
    th = np.zeros((2, 2, 2, 2, 3), dtype=object)
    th[0, 1, 1, 1] = [1, 0, -1]
    with pytest.raises(ContractError, match=r"pays non-signatory 'P2' -1 at state 'Full', joint action "
                                            r"\('Greedy', 'Greedy', 'Greedy'\)"):
        MarkovContract(g, [0, 1], th)
    th = np.zeros((2, 2, 2, 2, 3), dtype=object)
    th[0, 0, 0, 1] = [1, -1, 0]                           # depends on outsider P2's action
    MarkovContract(g, [0, 1], th, observes="all")
    with pytest.raises(ContractError, match=r"change with the action of outsider 'P2' at state 'Full', "
                                            r"joint action \('Restrain', 'Restrain', 'Greedy'\)"):
        MarkovContract(g, [0, 1], th, observes="members")
    with pytest.raises(ContractError, match="at least two signatories"):
        MarkovContract(g, [0], np.zeros((2, 2, 2, 2, 3), dtype=object))
    with pytest.raises(ContractError, match="observes must be one of"):
        MarkovContract(g, [0, 1], np.zeros((2, 2, 2, 2, 3), dtype=object), observes="some")


def test_deviation_penalty_transfers():
    """Three members, target all Restrain, psi = 6: one deviator pays 6 and each other member gets 3;
    two deviators each pay 6 and receive 3 from the other: net -3, the compliant member +6."""
    g = commons_markov(3)
    c = deviation_penalty(g, [0, 1, 2], [[0, 0]] * 3, 6)
    assert c.transfer("Full", ("Greedy", "Restrain", "Restrain")) == (-6, 3, 3)
    assert c.transfer("Depleted", ("Greedy", "Greedy", "Restrain")) == (-3, -3, 6)
    assert c.transfer("Full", ("Restrain",) * 3) == (0, 0, 0)
    assert c.observes == "members"
    with pytest.raises(ContractError, match="non-negative"):
        deviation_penalty(g, [0, 1], [[0, 0]] * 3, -1)
    with pytest.raises(ContractError, match="deterministic target"):
        deviation_penalty(g, [0, 1], [[0, 0], [0, 0], [["1/2", "1/2"], 0]], 1)


def test_min_penalty_pd():
    """PD, gamma = 1/2, target (C, C): V = 3/(1/2) = 6; deviating once to D: 5 + 6/2 = 8, gain 2 = T - R.
    psi* = 2; bound (R_max - R_min)/(1 - gamma) = (5 - 0)/(1/2) = 10.
    Augmented stage game at psi = 2 (deviating from C pays 2 to the other): CC (3, 3), CD (0+2, 5-2) =
    (2, 3), DC (3, 2), DD (1-2+2, 1-2+2) = (1, 1).  MPE: CC (deviation 3 = 3, a tie), CD (Row: D gives
    1 < 2; Column: C gives 3 = 3) and DC; DD is not (switching to C gives 2 > 1).  Values: stage / (1/2)."""
    g = repeated_prisoners_dilemma(discount="1/2")
    r = min_penalty(g, ["Row", "Column"], [["C"], ["C"]])
    assert r.psi == 2 and r.bound == 10 and r.within_bound
    assert r.binding == (0, 0, 1, F(2)) and r.enforceable and r.verified and r.outsider_witness is None
    aug = deviation_penalty(g, [0, 1], [["C"], ["C"]], 2).augmented_game()
    res = mpe_solve(aug)
    assert [e.policy for e in res] == [((0,), (0,)), ((0,), (1,)), ((1,), (0,))]
    assert [e.values for e in res] == [((6,), (6,)), ((4,), (6,)), ((6,), (4,))]
    assert not is_mpe(deviation_penalty(g, [0, 1], [["C"], ["C"]], F(19, 10)).augmented_game(), [["C"], ["C"]])


def test_min_penalty_commons_members_only():
    """commons_markov(2, greedy=3, proportional, recover=1, gamma=1/2), target always Restrain:
    V(F) = 1/(1/2) = 2, V(D) = 0 + V(F)/2 = 1.  Greedy in F (depletion w.p. 1/2): 3 + (2 + 1)/4 = 15/4,
    gain 7/4; Greedy in D (stays D): 1/2 + 1/2 = 1, gain 0.  psi* = 7/4 <= bound 3/(1/2) = 6."""
    g = commons_markov(2, greedy=3, depletion="proportional", recover=1, discount="1/2")
    r = min_penalty(g, [0, 1], [[0, 0], [0, 0]])
    assert r.psi == F(7, 4) and r.bound == 6 and r.binding == (0, 0, 1, F(7, 4)) and r.verified


def test_min_penalty_outsider_witnesses():
    """Same commons with n = 3 and n = 4, members {P0, P1}, target always Restrain (V(F) = 2, V(D) = 1).
    n = 3: an outsider's Greedy in F depletes w.p. 1/3: 3 + (2/3 * 2 + 1/3 * 1)/2 = 23/6, gain 11/6.
    n = 4: w.p. 1/4: 3 + (3/4 * 2 + 1/4)/2 = 31/8, gain 15/8, for each of the outsiders P2 and P3."""
    g3 = commons_markov(3, greedy=3, depletion="proportional", recover=1, discount="1/2")
    r = min_penalty(g3, [0, 1], [[0, 0]] * 3)
    assert r.psi == F(11, 6) and not r.enforceable
    assert r.outsider_violations == ((2, 0, 1, F(11, 6)),) and r.outsider_witness == (2, 0, 1, F(11, 6))
    assert r.verified            # the members' conditions hold at psi*, and fail below it
    g4 = commons_markov(4, greedy=3, depletion="proportional", recover=1, discount="1/2")
    r = min_penalty(g4, [0, 1], [[0, 0]] * 4)
    assert r.outsider_violations == ((2, 0, 1, F(15, 8)), (3, 0, 1, F(15, 8)))
    assert r.outsider_witness == (2, 0, 1, F(15, 8)) and not r.enforceable
    # with everyone signing, the target is enforceable at psi* = 15/8
    full = min_penalty(g4, [0, 1, 2, 3], [[0, 0]] * 4)
    assert full.enforceable and full.psi == F(15, 8) and full.verified


@given(st.integers(2, 3), st.integers(1, 2), st.integers(1, 3), st.integers(0, 10**6), st.data())
def test_budget_balanced_contracts_leave_welfare_unchanged(n, S, m, seed, data):
    g = random_markov_game(n, S, m, seed=seed)
    rng = np.random.default_rng(seed)
    th = rng.integers(-5, 6, size=(S,) + g.shape + (n,)).astype(object)
    th[..., -1] = -th[..., :-1].sum(axis=-1)            # all players sign; the last one balances
    c = MarkovContract(g, range(n), th)
    aug = c.augmented_game()
    pol = [[data.draw(st.integers(0, m - 1)) for _ in range(S)] for _ in range(n)]
    assert welfare(aug, pol) == welfare(g, pol)
    assert (evaluate(aug, pol).sum(axis=0) == evaluate(g, pol).sum(axis=0)).all()
    assert team_optimum(aug).welfare == team_optimum(g).welfare


@given(st.integers(2, 3), st.integers(1, 2), st.integers(0, 10**6), st.data())
def test_min_penalty_is_exact_and_within_bound(n, S, seed, data):
    g = random_markov_game(n, S, 2, seed=seed, discount=data.draw(st.sampled_from(["0", "1/2", "9/10"])))
    target = [[data.draw(st.integers(0, 1)) for _ in range(S)] for _ in range(n)]
    members = list(range(n)) if data.draw(st.booleans()) else [0, 1]
    r = min_penalty(g, members, target)
    assert r.verified and r.within_bound and r.psi <= r.bound
    aug = deviation_penalty(g, members, target, r.psi).augmented_game()
    assert is_mpe(aug, target, players=members)
    assert is_mpe(aug, target) == r.enforceable
