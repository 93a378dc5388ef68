"""Tests of contract_theory.contracting.contracts.contract_space (docs/background/model.md#3-contracts, #6-assumptions: A2, A3, A5)."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract_theory.contracting.contracts.contract import deviation_penalty, lump_sum, null_contract
from contract_theory.contracting.contracts.contract_space import (
    Check,
    DeviationPenaltySpace,
    FiniteContractSpace,
    LumpSumClosure,
    UserContractSpace,
    is_budget_balanced,
    is_capped,
    is_lump_sum_closed,
    with_lump_sums,
)
from contract_theory.errors import ContractError, ParameterError
from contract_theory.games.library import prisoners_dilemma, public_goods, random_game

PD = prisoners_dilemma()
PG = public_goods(4, "8/5", 20)
CC = ("C", "C")


def test_finite_space_membership_and_errors():
    a = deviation_penalty(PD, [0, 1], CC, 2)
    sp = FiniteContractSpace([null_contract(PD), a])
    assert len(sp) == 2 and list(sp) == [null_contract(PD), a]
    assert deviation_penalty(PD, [0, 1], CC, 2) in sp          # equal as transfer functions
    assert deviation_penalty(PD, [0, 1], CC, 3) not in sp
    assert "not a contract" not in sp
    with pytest.raises(ParameterError, match="needs at least one contract"):
        FiniteContractSpace([])
    with pytest.raises(ContractError, match="not a Contract"):
        FiniteContractSpace([a, 3])
    with pytest.raises(ContractError, match="different game"):
        FiniteContractSpace([a, null_contract(PG)])


def test_deviation_penalty_space_cap_filters_grid():
    # max |θ| of the deviation penalty is psi (the lone deviator pays psi)
    sp = DeviationPenaltySpace(PG, [0, 1, 2], ("20",) * 3 + ("0",), [0, "3/2", 6, 12], cap=6)
    assert sp.psi_values == (0, F(3, 2), 6) and sp.dropped == (12,)
    assert [c.max_transfer for c in sp] == [0, F(3, 2), 6]
    with pytest.raises(ParameterError, match="cap"):
        DeviationPenaltySpace(PD, [0, 1], CC, [3, 4], cap=2)
    with pytest.raises(ParameterError, match="psi"):
        DeviationPenaltySpace(PD, [0, 1], CC, [-1])
    with pytest.raises(ParameterError, match="empty"):
        DeviationPenaltySpace(PD, [0, 1], CC, [])


def test_with_lump_sums_grid():
    sp = DeviationPenaltySpace(PD, [0, 1], CC, [0, 2])
    ext = with_lump_sums(sp, [[1, -1], {"Column": 3, "Row": -3}])
    # 2 base contracts x (zero lump sum + 2 lump sums), all distinct
    assert len(ext) == 6
    assert deviation_penalty(PD, [0, 1], CC, 2) + lump_sum(PD, [0, 1], [-3, 3]) in ext
    assert deviation_penalty(PD, [0, 1], CC, 2) + lump_sum(PD, [0, 1], [-1, 1]) not in ext
    with pytest.raises(ContractError, match="add up to 1"):
        with_lump_sums(sp, [[1, 0]])
    with pytest.raises(ParameterError, match="'all'"):
        with_lump_sums(sp, "some")


def test_full_lump_sum_closure():
    base = DeviationPenaltySpace(PD, [0, 1], CC, [2])
    cl = with_lump_sums(base, "all")
    assert isinstance(cl, LumpSumClosure) and not cl.is_finite
    th = deviation_penalty(PD, [0, 1], CC, 2)
    assert th in cl
    assert th + lump_sum(PD, [0, 1], ["7/3", "-7/3"]) in cl
    # a different psi is not a lump-sum shift of psi = 2: the transfer at (D, C) moves by 1
    # while (C, C) does not
    assert deviation_penalty(PD, [0, 1], CC, 3) not in cl
    # a contract that pays by outcome differently is not a constant shift either
    assert null_contract(PD) not in cl
    with pytest.raises(ParameterError, match="infinite"):
        len(cl)
    chk = is_lump_sum_closed(cl)
    assert chk == Check(True, None, chk.reason) and chk


def test_is_lump_sum_closed_finite_witness():
    sp = DeviationPenaltySpace(PG, [0, 1, 2], ("20",) * 3 + ("0",), [0, 6])
    chk = is_lump_sum_closed(sp)
    assert not chk.holds
    th, c = chk.witness
    assert th in sp
    # c is a lump sum: constant, zero-sum over th's signatories, M = 2 * 6 + 1 = 13
    assert c.signatories == th.signatories
    assert c.transfer((0, 0, 0, 0)) == (13, -13, 0, 0) == c.transfer((1, 0, 1, 1))
    assert (th + c) not in sp
    # trivially closed: only contracts with fewer than two signatories (lump sums are 0)
    assert is_lump_sum_closed(FiniteContractSpace([null_contract(PD)])).holds


def test_is_capped():
    sp = DeviationPenaltySpace(PD, [0, 1], CC, [1, "5/2"])
    assert is_capped(sp, 3).holds and is_capped(sp, "5/2").holds
    chk = is_capped(sp, 2)
    assert not chk.holds
    assert chk.witness[0] == F(5, 2) and chk.witness[1] == deviation_penalty(PD, [0, 1], CC, "5/2")
    cl = with_lump_sums(sp, "all")
    chk = is_capped(cl, 100)
    assert not chk.holds and chk.witness[0] > 100 and chk.witness[1] in cl
    with pytest.raises(ParameterError, match="cap must be >= 0, got -1"):
        is_capped(sp, -1)


def test_user_space_budget_balance_witness():
    # parameter p: row pays p to column at (C, C); and at (D, D) the row alone gets p (unbalanced)
    def fam(p):
        return [[[-p, p], [0, 0]], [[0, 0], [p, 0]]]

    sp = UserContractSpace(fam, [0, 2, 3], game=PD, signatories=[0, 1], name="fam")
    chk = is_budget_balanced(sp)
    assert not chk.holds
    assert chk.witness == (2, ("D", "D"), ("sum", F(2)))
    with pytest.raises(ContractError, match="parameter 2"):
        sp.contracts
    # a family paying a non-signatory of S = {0, 1} in the 4-player game
    def fam2(p):
        t = np.zeros(PG.shape + (4,), dtype=object)
        t[0, 0, 0, 0] = [p, 0, -p, 0]
        return t

    chk = is_budget_balanced(UserContractSpace(fam2, [0, 5], game=PG, signatories=[0, 1]))
    assert chk.witness == (5, ("0", "0", "0", "0"), ("pays non-signatory", "P2", F(-5)))
    # capped: the largest |θ| over the family is 3, at parameter 3
    assert is_capped(sp, 3).witness == (3, 3)


def test_user_space_of_contracts_is_balanced():
    sp = UserContractSpace(lambda p: deviation_penalty(PD, [0, 1], CC, p), [1, 2])
    assert is_budget_balanced(sp).holds
    assert is_budget_balanced(with_lump_sums(FiniteContractSpace(sp.contracts), "all")).holds
    assert [c.max_transfer for c in sp] == [1, 2]
    with pytest.raises(ContractError, match="game="):
        UserContractSpace(lambda p: [[0]], [1])


@given(seed=st.integers(0, 10**6), grid=st.lists(st.fractions(0, 10, max_denominator=5), min_size=1, max_size=4))
def test_deviation_space_predicates(seed, grid):
    g = random_game((2, 2, 3), seed=seed)
    sp = DeviationPenaltySpace(g, [0, 2], (0, 0, 0), grid)
    assert is_budget_balanced(sp).holds
    m = max(grid)
    assert is_capped(sp, m).holds and is_capped(sp, m).witness[0] == m
    chk = is_lump_sum_closed(sp)
    assert not chk.holds and (chk.witness[0] + chk.witness[1]) not in sp
    # each contract is in its own lump-sum closure, shifted by any lump sum
    cl = with_lump_sums(sp, "all")
    c = sp.contracts[0] + lump_sum(g, [0, 2], [seed % 7, -(seed % 7)])
    assert c in cl
