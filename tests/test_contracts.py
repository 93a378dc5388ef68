"""Tests of contract_theory.contracting.contracts.contract (MODEL.md section 3).

Values are derived by hand in the comments; games come from contract_theory.games.library
(prisoner's dilemma defaults T,R,P,S = 5,3,1,0; public goods n=4, r=8/5, e=20 where
u_i = 20 - c_i + (2/5) * sum_j c_j).
"""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract_theory.contracting.contracts.contract import (
    Contract,
    deviation_penalty,
    equalizing,
    lump_sum,
    null_contract,
    resolve_signatories,
)
from contract_theory.errors import ContractError, ParameterError, UnknownPlayerError
from contract_theory.games.library import prisoners_dilemma, public_goods, random_game

PD = prisoners_dilemma()
PG = public_goods(4, "8/5", 20)


def _zeros(shape):
    z = np.empty(shape, dtype=object)
    z[...] = F(0)
    return z


# ---------------------------------------------------------------------- construction
def test_full_array_and_exact_values():
    # row pays column 1/2 whenever row defects
    t = [[[0, 0], [0, 0]], [["-1/2", "1/2"], ["-1/2", "1/2"]]]
    c = Contract(PD, ["Row", "Column"], t, name="x")
    assert c.signatories == (0, 1)
    assert c.transfer(("D", "C")) == (F(-1, 2), F(1, 2))
    assert c.transfer((0, 0)) == (0, 0)
    assert c.max_transfer == F(1, 2)
    assert c.exact and not c.is_null
    assert c.transfers.dtype == object and not c.transfers.flags.writeable


def test_members_only_array_is_broadcast_over_outsiders():
    # S = {0, 2} in the 4-player public goods game; θ over (a_0, a_2):
    # member 0 pays 3 to member 2 when member 0 keeps (action 0) and member 2 gives.
    members = [[[0, 0], [-3, 3]], [[0, 0], [0, 0]]]          # shape (2, 2) + (|S|=2,)
    c = Contract(PG, [2, 0], members)
    for a1 in range(2):
        for a3 in range(2):
            assert c.transfer((0, a1, 1, a3)) == (-3, 0, 3, 0)
            assert c.transfer((1, a1, 1, a3)) == (0, 0, 0, 0)
    # same contract given with the last axis over all n players
    wide = [[[0, 0, 0, 0], [-3, 0, 3, 0]], [[0, 0, 0, 0], [0, 0, 0, 0]]]
    assert Contract(PG, [0, 2], wide) == c
    # and as the full array
    assert Contract(PG, [0, 2], c.transfers, observes="all") == c
    assert c.members_transfers().shape == (2, 2, 4)


def test_augmented_game_adds_transfers_exactly():
    c = deviation_penalty(PD, [0, 1], ("C", "C"), "5/2")
    aug = c.augmented_game()
    assert aug.players == PD.players and aug.actions == PD.actions
    # (D, C): row gets T - 5/2 = 5/2, column gets S + 5/2 = 5/2
    assert aug.payoff(("D", "C")) == (F(5, 2), F(5, 2))
    assert aug.payoff(("C", "C")) == (3, 3)
    # (D, D): both deviate, each pays 5/2 and receives 5/2
    assert aug.payoff(("D", "D")) == (1, 1)
    assert aug.exact


# ---------------------------------------------------------------------- validation
def test_budget_balance_error_names_first_outcome_and_sum():
    t = _zeros((2, 2, 2))
    t[1, 0] = [F(2), F(-1)]     # sum 1 at (D, C)
    t[1, 1] = [F(5), F(0)]      # sum 5 at (D, D), later in lexicographic order
    with pytest.raises(ContractError, match=r"sum to 1, not 0, at outcome \('D', 'C'\)"):
        Contract(PD, [0, 1], t)


def test_budget_balance_error_in_public_goods_uses_labels():
    t = _zeros(PG.shape + (4,))
    t[0, 1, 0, 1, 0] = F(1, 3)
    with pytest.raises(ContractError, match=r"sum to 1/3, not 0, at outcome \('0', '20', '0', '20'\)"):
        Contract(PG, [0, 1], t, observes="all")


def test_paying_a_non_signatory_is_named():
    t = _zeros(PG.shape + (4,))
    t[1, 1, 0, 0] = [F(1), F(0), F(-1), F(0)]       # pays outsider P2
    with pytest.raises(ContractError, match=r"non-signatory 'P2'.*-1 at outcome \('20', '20', '0', '0'\)"):
        Contract(PG, [0, 1], t, observes="all")


def test_members_observation_rejects_dependence_on_outsiders():
    t = _zeros(PG.shape + (4,))
    t[:, :, 1, :, 0] = F(2)        # depends on outsider P2's action
    t[:, :, 1, :, 1] = F(-2)
    with pytest.raises(ContractError, match=r"depends on outsiders' actions.*'P0'.*0 at \('0', '0', '0', '0'\).*"
                                            r"2 at \('0', '0', '20', '0'\)"):
        Contract(PG, [0, 1], t)
    c = Contract(PG, [0, 1], t, observes="all")     # fine when it may observe everyone
    assert c.transfer((0, 0, 1, 0)) == (2, -2, 0, 0)


def test_single_signatory_only_null():
    t = _zeros((2, 2, 2))
    assert Contract(PD, [0], t).is_null
    t[0, 0, 0] = F(1)
    with pytest.raises(ContractError, match="single agent cannot sign"):
        Contract(PD, [0], t)


def test_unknown_and_duplicate_players_and_bad_options():
    t = _zeros((2, 2, 2))
    with pytest.raises(UnknownPlayerError, match=r"player index 2 is out of range 0\.\.1"):
        Contract(PD, [0, 2], t)
    with pytest.raises(UnknownPlayerError, match="unknown player 'Nobody'"):
        Contract(PD, ["Row", "Nobody"], t)
    with pytest.raises(ContractError, match="named twice"):
        Contract(PD, [0, "Row"], t)
    with pytest.raises(ParameterError, match="observes"):
        Contract(PD, [0, 1], t, observes="outsiders")
    with pytest.raises(ContractError, match="shape"):
        Contract(PD, [0, 1], [[1, -1], [0, 0]])
    with pytest.raises(ContractError, match="observes='all'"):
        Contract(PG, [0, 1], _zeros((2, 2, 2)), observes="all")
    with pytest.raises(ContractError, match="not a number"):
        Contract(PD, [0, 1], [[["x", 0], [0, 0]], [[0, 0], [0, 0]]])


def test_resolve_signatories_sorted():
    assert resolve_signatories(PG, ["P3", "P1"]) == (1, 3)
    with pytest.raises(ContractError, match="signatories must be a sequence of players, got 'P1'"):
        resolve_signatories(PG, "P1")


# ---------------------------------------------------------------------- constructors
def test_deviation_penalty_values_three_members():
    # S = {0, 1, 2}, target: members give 20, psi = 6: a lone deviator pays 6, the two
    # others get 3 each; two deviators each pay 6 and each gets 3 from the other,
    # net -3, and the complier gets 3 + 3 = 6; all three deviating: net 0.
    c = deviation_penalty(PG, [0, 1, 2], ("20", "20", "20", "0"), 6)
    assert c.transfer(("0", "20", "20", "0")) == (-6, 3, 3, 0)
    assert c.transfer(("0", "0", "20", "20")) == (-3, -3, 6, 0)
    assert c.transfer(("0", "0", "0", "0")) == (0, 0, 0, 0)
    assert c.transfer(("20", "20", "20", "0")) == (0, 0, 0, 0)
    assert c.max_transfer == 6
    assert c.observes == "members"


def test_deviation_penalty_errors():
    with pytest.raises(ParameterError, match="psi"):
        deviation_penalty(PD, [0, 1], ("C", "C"), -1)
    with pytest.raises(ContractError, match="at least 2"):
        deviation_penalty(PD, [0], ("C", "C"), 1)


@given(seed=st.integers(0, 10**6), k=st.integers(2, 4), psi=st.fractions(0, 20, max_denominator=7))
def test_deviation_penalty_budget_balanced_and_prices_unilateral_deviation(seed, k, psi):
    rng = np.random.default_rng(seed)
    g = random_game((2, 3, 2, 2), seed=seed)
    S = sorted(rng.choice(4, size=k, replace=False).tolist())
    target = tuple(int(rng.integers(0, m)) for m in g.shape)
    c = deviation_penalty(g, S, target, psi)          # construction validates budget balance
    assert all(sum(c.transfer(p)) == 0 for p in g.profiles())
    # a member's transfer falls by exactly psi when it alone switches away from a*_j,
    # whatever the others do (its receipts from other deviators are unchanged)
    for p in list(g.profiles())[::5]:
        for j in S:
            if p[j] == target[j]:
                for b in range(g.shape[j]):
                    if b != target[j]:
                        q = list(p)
                        q[j] = b
                        assert c.transfer(p)[j] - c.transfer(tuple(q))[j] == psi


def test_lump_sum_and_addition():
    c = lump_sum(PG, ["P3", "P0"], [5, -5])
    assert c.transfer((0, 1, 0, 1)) == (-5, 0, 0, 5)
    assert lump_sum(PG, [0, 3], {"P0": -5, 3: 5}) == c
    with pytest.raises(ContractError, match="add up to 1"):
        lump_sum(PG, [0, 3], [3, -2])
    with pytest.raises(ContractError, match="not a signatory"):
        lump_sum(PG, [0, 3], {1: 0})
    pen = deviation_penalty(PG, [0, 3], ("20", "0", "0", "20"), 4)
    s = pen + c
    # P0 deviates alone: pays 4 and pays the lump sum 5
    assert s.transfer(("0", "0", "0", "20")) == (-9, 0, 0, 9)
    assert s.signatories == (0, 3)
    with pytest.raises(ContractError, match="different signatories"):
        pen + lump_sum(PG, [0, 1], [1, -1])
    with pytest.raises(ContractError, match="different games"):
        pen + lump_sum(PD, [0, 1], [1, -1])


def test_equalizing_contract():
    c = equalizing(PD, [0, 1])
    aug = c.augmented_game()
    # everyone gets the average: (C,D) -> (0+5)/2
    assert aug.payoff(("C", "D")) == (F(5, 2), F(5, 2))
    assert aug.payoff(("D", "D")) == (1, 1)
    assert c.observes == "all"
    # three members of the public goods game: at (20, 0, 0, 0) payoffs are (8, 28, 28, 28);
    # members average (8+28+28)/3 = 64/3, outsider P3 unchanged
    c3 = equalizing(PG, [0, 1, 2])
    assert c3.augmented_game().payoff(("20", "0", "0", "0")) == (F(64, 3), F(64, 3), F(64, 3), 28)
    # in the linear public goods game an outsider's contribution raises every member's
    # payoff by the same 8 * 2/5, so u_i - mean_S u does not depend on it: members-only is valid
    assert equalizing(PG, [0, 1, 2], observes="members") == c3
    # in a generic game it does depend on the outsider's action
    g = random_game((2, 2, 2), seed=3)
    with pytest.raises(ContractError, match="depends on outsiders"):
        equalizing(g, [0, 1], observes="members")


def test_null_contract():
    c = null_contract(PG)
    assert c.is_null and c.signatories == () and c.max_transfer == 0
    assert c.augmented_game() == PG
    assert Contract.null(PD) == null_contract(PD)


# ---------------------------------------------------------------------- welfare invariance
@st.composite
def game_and_contract(draw):
    n = draw(st.integers(2, 4))
    shape = tuple(draw(st.lists(st.integers(1, 3), min_size=n, max_size=n)))
    seed = draw(st.integers(0, 10**6))
    g = random_game(shape, low=-9, high=9, seed=seed, denominator=draw(st.integers(1, 4)))
    k = draw(st.integers(2, n))
    S = sorted(draw(st.permutations(range(n)))[:k])
    rng = np.random.default_rng(seed + 1)
    t = _zeros(shape + (n,))
    ints = rng.integers(-20, 21, size=shape + (k - 1,))
    den = draw(st.integers(1, 6))
    vals = ints.astype(object) * F(1, den)
    t[..., S[:-1]] = vals
    t[..., S[-1]] = -vals.sum(axis=-1)
    return g, S, t


@given(game_and_contract())
def test_welfare_is_invariant_under_budget_balanced_contracts(data):
    g, S, t = data
    c = Contract(g, S, t, observes="all")
    aug = c.augmented_game()
    assert np.all(aug.fractions.sum(axis=-1) == g.fractions.sum(axis=-1))
    # and outsiders' payoffs are untouched
    outs = [o for o in range(g.n_players) if o not in S]
    assert np.all(aug.fractions[..., outs] == g.fractions[..., outs])
    # transfers add exactly
    assert np.all(aug.fractions - g.fractions == c.transfers)


def test_bad_numbers_raise_package_errors():
    with pytest.raises(ParameterError, match="psi"):
        deviation_penalty(PD, [0, 1], ("C", "C"), "lots")
    with pytest.raises(ContractError, match="lump sum of 'Row'"):
        lump_sum(PD, [0, 1], ["x", 0])
