"""Tests of contract_theory.contracting.contracts.enforcement.

Model: docs/background/model.md#3-contracts "enforceable"; paper-notes B.3 step 2.

Hand derivation of the Nash LP (used as an oracle below).  Let h_j = max_{b_j} [u_j(b_j, a*_-j)
- u_j(a*)] + margin and h_j+ = max(h_j, 0).  Only θ at a* and at members' unilateral deviations
matter.  At a deviation outcome (b_j, a*_-j) the deviator can be fined the full cap t (the
other members absorb it), so the constraint is θ_j(a*) >= h_j - t; with |θ_j(a*)| <= t and
Σ_j θ_j(a*) = 0 a solution exists iff Σ_j (h_j+ - t) <= 0 and h_j+ - t <= t for every j:

    t* = max( max_j h_j+ / 2 ,  Σ_j h_j+ / |S| ).

The deviation-penalty family needs ψ* = max_j h_j+ >= t*.

Prisoner's dilemma (T,R,P,S) = (5,3,1,0), S = both, a* = (C,C): h = (2, 2), t* = max(1, 2) = 2
= T - R: the rebalancing does not help when the gains are equal.  With an asymmetric PD
(row's temptation 5, column's 4, R = 3): h = (2, 1), t* = max(1, 3/2) = 3/2 < ψ* = 2, reached
by θ(C,C) = (1/2, -1/2) and fining each deviator 3/2.
"""

from __future__ import annotations

import itertools
from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.optimize import linprog

from contract_theory import EnforcementTerms
from contract_theory.contracting.contracts.contract import deviation_penalty
from contract_theory.contracting.contracts.enforcement import (
    Deviation,
    Enforcement,
    deviation_penalty_threshold,
    enforce,
    outsider_deviation,
    verify_enforcement,
)
from contract_theory.equilibria.pure import pure_nash_mask
from contract_theory.errors import ParameterError, SizeLimitError, UnknownPlayerError
from contract_theory.games.library import n_prisoners_dilemma, prisoners_dilemma, public_goods, random_game
from contract_theory.games.normal_form import NormalFormGame

PD = prisoners_dilemma()
# asymmetric PD: row's temptation 5, column's temptation 4
APD = NormalFormGame.from_bimatrix([[3, 0], [5, 1]], [[3, 4], [0, 1]], actions=[["C", "D"], ["C", "D"]])
PG = public_goods(4, "8/5", 20)
CC = ("C", "C")


def _is_nash(contract, target):
    return bool(pure_nash_mask(contract.augmented_game())[contract.game.check_profile(target)])


def _dominance_slack(contract, target):
    """min over members j, b_j != a*_j, a_-j of u~_j(a*_j, a_-j) - u~_j(b_j, a_-j) (loops, exact)."""
    g = contract.augmented_game()
    slack = None
    for j in contract.signatories:
        for a in g.profiles():
            if a[j] == target[j]:
                continue
            comply = list(a)
            comply[j] = target[j]
            d = g.payoff(tuple(comply), j) - g.payoff(a, j)
            slack = d if slack is None else min(slack, d)
    return slack


# ---------------------------------------------------------------------- hand-derived values
def test_pd_nash_smallest_penalty_is_two():
    r = enforce(PD, [0, 1], CC)
    assert isinstance(r, Enforcement) and r.enforceable and r.status == "enforceable"
    assert r.min_penalty == 2 and r.attained and r.certified
    assert deviation_penalty_threshold(PD, [0, 1], CC) == 2            # T - R
    c = r.contract
    assert c.max_transfer == 2 and _is_nash(c, CC)
    # the forced solution: θ(C,C) = 0, each lone deviator fined 2 paid to the other
    assert c.transfer(CC) == (0, 0)
    assert c.transfer(("D", "C")) == (-2, 2) and c.transfer(("C", "D")) == (2, -2)
    # "nash" enforcement says nothing about other equilibria.  θ is 0 at (D, D) but the
    # complier is paid at (C, D): from (D, D) the row moves to C and gets S + 2 = 2 > P = 1, so
    # (D, D) is no longer an equilibrium; at (C, D) the column gets T - 2 = 3 = R (indifferent,
    # the weak tie rule) and the row 2 > P = 1, so (C, D) and symmetrically (D, C) are equilibria
    assert c.transfer(("D", "D")) == (0, 0)
    assert pure_nash_mask(c.augmented_game()).astype(int).tolist() == [[1, 1], [1, 0]]


def test_asymmetric_pd_rebalancing_beats_deviation_penalty():
    r = enforce(APD, [0, 1], CC)
    assert r.min_penalty == F(3, 2)
    assert deviation_penalty_threshold(APD, [0, 1], CC) == 2
    c = r.contract
    assert c.transfer(CC) == (F(1, 2), F(-1, 2))
    assert c.transfer(("D", "C"))[0] == F(-3, 2) and c.transfer(("C", "D"))[1] == F(-3, 2)
    assert _is_nash(c, CC)
    # with a cap of 3/2 it is enforceable, with 7/5 not (and min_penalty still reported)
    assert enforce(APD, [0, 1], CC, terms=EnforcementTerms(cap="3/2")).enforceable
    r = enforce(APD, [0, 1], CC, terms=EnforcementTerms(cap="7/5"))
    assert not r.enforceable and r.min_penalty == F(3, 2) and r.witness == ("cap", F(3, 2), F(7, 5))


def test_dominant_values_by_hand():
    # PD, f = θ_row (θ_col = -f).  C dominant for row: f(C,C)-f(D,C) >= 2, f(C,D)-f(D,D) >= 1;
    # for column: f(C,D)-f(C,C) >= 2, f(D,D)-f(D,C) >= 1.  Chain f(C,D) >= f(C,C)+2 >= f(D,C)+4
    # gives 2t >= 4: t* = 2, attained by f(C,D)=2, f(D,C)=-2, f(C,C)=0, |f(D,D)| <= 1.
    r = enforce(PD, [0, 1], CC, concept="dominant")
    assert r.min_penalty == 2 and _dominance_slack(r.contract, (0, 0)) >= 0
    assert r.contract.transfer(("C", "D")) == (2, -2) and r.contract.transfer(CC) == (0, 0)
    # asymmetric PD: column's gains are 1 and 1: f(C,D) >= f(C,C)+1 >= f(D,C)+3 -> t* = 3/2
    r = enforce(APD, [0, 1], CC, concept="dominant")
    assert r.min_penalty == F(3, 2) and _dominance_slack(r.contract, (0, 0)) >= 0
    assert deviation_penalty_threshold(APD, [0, 1], CC, concept="dominant") == 2


def test_public_goods_members_contribute_outsiders_free_ride():
    # S = {0, 1}, a* = (20, 20, 0, 0).  Outsiders: 0 is dominant (keep 20, lose 8).
    # Members: deviating keeps 20 and loses (8/5)(20)/4 = 8: gain 12 each, h = (12, 12),
    # t* = max(6, 12) = 12.  Dominant (observes members, f = θ_0 over (a_0, a_1)):
    # f(20,0)-f(0,0) >= 12, f(20,20)-f(0,20) >= 12, f(0,0)-f(0,20) >= 12, f(20,0)-f(20,20) >= 12;
    # so f(20,0) - f(0,20) >= 24 and t* = 12, attained by f(20,0) = 12 = -f(0,20), f = 0 on the diagonal.
    target = ("20", "20", "0", "0")
    for obs in ("members", "all"):
        r = enforce(PG, [0, 1], target, terms=EnforcementTerms(observes=obs))
        assert r.enforceable and r.min_penalty == 12 and _is_nash(r.contract, target)
        assert r.contract.observes == obs
        r = enforce(PG, [0, 1], target, concept="dominant", terms=EnforcementTerms(observes=obs))
        assert r.min_penalty == 12 and _dominance_slack(r.contract, PG.check_profile(target)) >= 0
    assert deviation_penalty_threshold(PG, [0, 1], target) == 12
    # all tight at t = 12, so strict dominance (needed for "unique") is not attained:
    # the infimum is 12 and the certificate uses a larger cap
    r = enforce(PG, [0, 1], target, concept="unique")
    assert r.enforceable and r.min_penalty == 12 and not r.attained and r.penalty_is_bound
    assert r.contract.max_transfer > 12 and _dominance_slack(r.contract, PG.check_profile(target)) > 0
    aug = r.contract.augmented_game()
    assert pure_nash_mask(aug).sum() == 1 and _is_nash(r.contract, target)
    # three members: h = (12, 12, 12), t* = max(6, 12) = 12
    assert enforce(PG, [0, 1, 2], ("20", "20", "20", "0")).min_penalty == 12


def test_everyone_contributes_is_not_enforceable_by_two():
    target = ("20", "20", "20", "20")
    for concept in ("nash", "dominant", "unique"):
        r = enforce(PG, [0, 1], target, concept=concept)
        assert not r.enforceable and r.status == "not_enforceable"
        assert r.min_penalty is None and r.contract is None
        # outsider P2 keeps 20 and loses its share 8 of its own contribution: gain 12
        assert r.witness == Deviation(2, 0, F(12)) == (2, 0, 12)
        assert "'P2'" in r.reason and "'0'" in r.reason
    assert outsider_deviation(PG, [0, 1, 2], target) == (3, 0, 12)
    assert enforce(PG, [0, 1, 2, 3], target).min_penalty == 12


def test_n_prisoners_outsider_witness():
    g = n_prisoners_dilemma(3, 3, 1)
    r = enforce(g, ["P0", "P1"], ("C", "C", "C"))
    assert not r.enforceable and r.witness == (2, 1, 1)          # defecting saves c = 1


def test_margin_and_strict():
    # margin 1: h = (3, 3), t* = 3
    r = enforce(PD, [0, 1], CC, terms=EnforcementTerms(margin=1))
    assert r.min_penalty == 3
    g = r.contract.augmented_game()
    assert g.payoff(CC, 0) - g.payoff(("D", "C"), 0) >= 1
    # strict Nash: at t = 2 both constraints are tight (θ(C,C) = 0 is forced): infimum 2, not attained
    r = enforce(PD, [0, 1], CC, terms=EnforcementTerms(strict=True))
    assert r.enforceable and r.min_penalty == 2 and not r.attained
    assert verify_enforcement(r.contract, CC, strict=True) and r.contract.max_transfer > 2
    r = enforce(PD, [0, 1], CC, terms=EnforcementTerms(cap=2, strict=True))
    assert not r.enforceable and r.witness == ("cap", 2, 2)
    r = enforce(PD, [0, 1], CC, terms=EnforcementTerms(cap="5/2", strict=True))
    assert r.enforceable and r.contract.max_transfer <= F(5, 2)
    # a strictly dominant target already: strict min penalty 0 attained
    r = enforce(PD, [0, 1], ("D", "D"), concept="dominant", terms=EnforcementTerms(strict=True))
    assert r.min_penalty == 0 and r.attained and r.contract.is_null


def _separable_game(outsiders_game):
    """Members 0, 1 play the PD; outsiders 2, 3 play ``outsiders_game`` (A, B) on their own."""
    A, B = outsiders_game
    pay = np.empty((2, 2, 2, 2, 4), dtype=object)
    pd = PD.fractions
    for a in itertools.product(range(2), repeat=4):
        pay[a] = [pd[a[0], a[1], 0], pd[a[0], a[1], 1], F(A[a[2]][a[3]]), F(B[a[2]][a[3]])]
    return NormalFormGame(pay, actions=[("C", "D")] * 2 + [("x", "y")] * 2)


def test_unique_reports_unknown_when_sufficient_condition_fails():
    # outsiders play a coordination game (two pure equilibria (x,x), (y,y)):
    # members can be made strictly dominant, but iterated dominance leaves both outsiders' actions
    g = _separable_game(([[2, 0], [0, 1]], [[2, 0], [0, 1]]))
    r = enforce(g, [0, 1], ("C", "C", "x", "x"), concept="unique")
    assert r.status == "unknown" and not r.enforceable and r.min_penalty is None
    assert r.witness == {"P2": ["x", "y"], "P3": ["x", "y"]}
    # but Nash enforcement is fine (penalty T - R = 2 as in the PD)
    assert enforce(g, [0, 1], ("C", "C", "x", "x")).min_penalty == 2
    # outsiders playing a PD among themselves: iterated dominance leaves (y, y) = (D, D)
    g2 = _separable_game(([[3, 0], [5, 1]], [[3, 5], [0, 1]]))
    r = enforce(g2, [0, 1], ("C", "C", "y", "y"), concept="unique")
    assert r.enforceable and r.status == "enforceable" and r.min_penalty == 2
    assert pure_nash_mask(r.contract.augmented_game()).sum() == 1
    # and a target where an outsider deviates is "not_enforceable", not "unknown"
    assert enforce(g2, [0, 1], ("C", "C", "x", "y"), concept="unique").status == "not_enforceable"


def test_single_signatory_and_errors():
    # S = {0}: (C, D) has the outsider best-responding, but the row gains 1 by D and no
    # single-signatory contract can move it
    r = enforce(PD, [0], ("C", "D"))
    assert not r.enforceable and r.status == "not_enforceable" and "signator" in r.reason
    r = enforce(PD, [0], ("D", "D"))
    assert r.enforceable and r.min_penalty == 0 and r.contract.is_null
    with pytest.raises(ParameterError, match="concept"):
        enforce(PD, [0, 1], CC, concept="correlated")
    with pytest.raises(ParameterError, match="margin"):
        enforce(PD, [0, 1], CC, terms=EnforcementTerms(margin=-1))
    with pytest.raises(ParameterError, match="observes"):
        enforce(PD, [0, 1], CC, terms=EnforcementTerms(observes="nobody"))
    with pytest.raises(UnknownPlayerError, match="player index 5 is out of range"):
        enforce(PD, [0, 5], CC)
    with pytest.raises(SizeLimitError, match="max_variables=10"):
        enforce(PG, [0, 1, 2], ("20", "20", "20", "0"), concept="dominant", max_variables=10, terms=EnforcementTerms(observes="all"))


# ---------------------------------------------------------------------- properties
def _float_lp_oracle(game, S, target, concept):
    """Independent float LP (scipy, loops, full outcome space, observes='all') for the min cap."""
    profiles = list(game.profiles())
    pidx = {p: k for k, p in enumerate(profiles)}
    k, P = len(S), len(profiles)
    nv = k * P + 1
    var = lambda q, p: q * P + pidx[p]  # noqa: E731
    A, b = [], []
    for q, j in enumerate(S):
        for p in profiles:
            if p[j] == target[j]:
                continue
            if concept == "nash" and any(p[i] != target[i] for i in range(game.n_players) if i != j):
                continue
            hi = list(p)
            hi[j] = target[j]
            hi = tuple(hi)
            row = np.zeros(nv)
            row[var(q, p)] += 1
            row[var(q, hi)] -= 1
            A.append(row)
            b.append(-float(game.payoff(p, j) - game.payoff(hi, j)))
    for v in range(k * P):
        for s in (1, -1):
            row = np.zeros(nv)
            row[v], row[-1] = s, -1
            A.append(row)
            b.append(0.0)
    Aeq = np.zeros((P, nv))
    for p in profiles:
        for q in range(k):
            Aeq[pidx[p], var(q, p)] = 1
    c = np.zeros(nv)
    c[-1] = 1
    res = linprog(c, A_ub=np.array(A), b_ub=b, A_eq=Aeq, b_eq=np.zeros(P),
                  bounds=[(None, None)] * (k * P) + [(0, None)], method="highs")
    assert res.status == 0
    return res.fun


@st.composite
def instance(draw, max_actions=3):
    n = draw(st.integers(2, 3))
    shape = tuple(draw(st.lists(st.integers(1, max_actions), min_size=n, max_size=n)))
    g = random_game(shape, low=0, high=9, seed=draw(st.integers(0, 10**6)), denominator=draw(st.integers(1, 3)))
    k = draw(st.integers(2, n))
    S = tuple(sorted(draw(st.permutations(range(n)))[:k]))
    target = tuple(draw(st.integers(0, m - 1)) for m in shape)
    return g, S, target


@given(instance())
def test_nash_enforcement_properties(data):
    g, S, target = data
    r = enforce(g, S, target)
    dev = outsider_deviation(g, S, target)
    if dev is not None:
        o, b, gain = dev
        assert not r.enforceable and r.witness == dev and r.min_penalty is None
        q = list(target)
        q[o] = b
        assert g.payoff(tuple(q), o) - g.payoff(target, o) == gain > 0
        return
    assert r.enforceable and r.certified
    c = r.contract
    # certificate: recomputed with pure_nash_mask on the augmented game
    assert bool(pure_nash_mask(c.augmented_game())[target])
    assert c.max_transfer == r.min_penalty
    # welfare invariance of the certificate
    assert np.all(c.augmented_game().fractions.sum(-1) == g.fractions.sum(-1))
    # hand formula t* = max(max h+/2, sum h+/|S|)
    h = []
    for j in S:
        best = F(0)
        for bj in range(g.shape[j]):
            q = list(target)
            q[j] = bj
            best = max(best, g.payoff(tuple(q), j) - g.payoff(target, j))
        h.append(best)
    assert r.min_penalty == max(max(h) / 2, sum(h) / len(S))
    # the LP never needs more than the deviation-penalty closed form, which itself works
    psi = deviation_penalty_threshold(g, S, target)
    assert psi == max(h) and r.min_penalty <= psi
    assert bool(pure_nash_mask(deviation_penalty(g, S, target, psi).augmented_game())[target])
    if psi > 0:
        below = deviation_penalty(g, S, target, psi - F(1, 100 * g.denominator))
        assert not bool(pure_nash_mask(below.augmented_game())[target])
    # and a cap just below the optimum fails
    if r.min_penalty > 0:
        assert not enforce(g, S, target, terms=EnforcementTerms(cap=r.min_penalty - F(1, 1000))).enforceable


@given(instance(max_actions=2), st.sampled_from(["members", "all"]))
def test_dominant_enforcement_properties(data, observes):
    g, S, target = data
    r = enforce(g, S, target, concept="dominant", terms=EnforcementTerms(observes=observes))
    if outsider_deviation(g, S, target) is not None:
        assert not r.enforceable
        return
    assert r.enforceable and r.certified and r.contract.observes == observes
    assert _dominance_slack(r.contract, target) is None or _dominance_slack(r.contract, target) >= 0
    assert r.contract.max_transfer == r.min_penalty
    nash = enforce(g, S, target).min_penalty
    assert nash <= r.min_penalty <= deviation_penalty_threshold(g, S, target, concept="dominant")
    if observes == "all":
        assert abs(float(r.min_penalty) - _float_lp_oracle(g, S, target, "dominant")) < 1e-7
        # observing only members is a restriction: it can only cost more
        assert enforce(g, S, target, concept="dominant", terms=EnforcementTerms(observes="members")).min_penalty >= r.min_penalty


@given(instance())
def test_nash_matches_independent_float_lp(data):
    g, S, target = data
    r = enforce(g, S, target)
    if r.enforceable:
        assert abs(float(r.min_penalty) - _float_lp_oracle(g, S, target, "nash")) < 1e-7


def test_strict_with_zero_weak_optimum_uses_payoff_resolution():
    # all payoffs 0 (denominator 1): the null contract enforces weakly (t_w = 0), but strict
    # preference needs some transfer; every cap > 0 works, so 0 is an infimum, not attained,
    # and the certificate uses cap 1/denominator = 1
    g = NormalFormGame(np.zeros((2, 2, 2), dtype=np.int64))
    assert enforce(g, [0, 1], (0, 0)).min_penalty == 0
    r = enforce(g, [0, 1], (0, 0), terms=EnforcementTerms(strict=True))
    assert r.enforceable and r.min_penalty == 0 and not r.attained
    assert r.contract.max_transfer == 1 and verify_enforcement(r.contract, (0, 0), strict=True)
    assert "infimum" in r.reason
    # with a cap of 0 strict enforcement is impossible
    r = enforce(g, [0, 1], (0, 0), terms=EnforcementTerms(cap=0, strict=True))
    assert not r.enforceable and r.witness == ("cap", 0, 0)


def test_unique_never_claims_impossibility_from_the_sufficient_condition():
    # PG, S = {0, 1}, a* = (20, 20, 0, 0): the construction needs more than 12 (infimum not
    # attained), so under a cap of 12 the answer is "unknown", not "not enforceable"
    target = ("20", "20", "0", "0")
    r = enforce(PG, [0, 1], target, concept="unique", terms=EnforcementTerms(cap=12))
    assert r.status == "unknown" and not r.enforceable and r.witness == ("cap", 12, 12)
    assert enforce(PG, [0, 1], target, concept="nash", terms=EnforcementTerms(cap=12)).enforceable
    # below the Nash minimum (12) even Nash enforcement fails: a definite "not enforceable"
    r = enforce(PG, [0, 1], target, concept="unique", terms=EnforcementTerms(cap=11))
    assert r.status == "not_enforceable" and r.witness == ("cap", 12, 11)
    # one signatory: no transfer is possible, and (C, D) is not a Nash equilibrium of the PD
    # (the row gains 1 by D): definite; an outsider failure is definite too
    assert enforce(PD, [0], ("C", "D"), concept="unique").status == "not_enforceable"
    assert enforce(PD, [0], ("C", "C"), concept="unique").status == "not_enforceable"
    # one signatory in the stag hunt: no transfer, and (hare, hare) is another equilibrium
    from contract_theory.games.library import stag_hunt
    r = enforce(stag_hunt(), [0], (0, 0), concept="unique")
    assert r.status == "not_enforceable" and r.witness == (1, 1)
    # the row's a0 is only weakly dominant (2 > 0 against a0, 1 = 1 against a1), but the
    # column's a0 is strictly dominant, and then the row's a1 is: iterated strict dominance
    # leaves (0, 0) in the game itself, so it is the unique equilibrium with no transfer
    g = NormalFormGame.from_bimatrix([[2, 1], [0, 1]], [[1, 0], [1, 0]])
    r = enforce(g, [0], (0, 0), concept="unique")
    assert r.enforceable and r.min_penalty == 0 and not r.penalty_is_bound and r.contract.is_null
    # (= random_game((3, 3), seed=4)) (0, 2) is the only pure equilibrium, the row's a0 is not
    # strictly dominant (7 < 9 against the column's a0) and iterated strict dominance removes
    # only the row's a2 (dominated by a0: 7 > 6, 8 > 5, 9 > 6).  With one signatory nothing
    # can be changed.  (In fact a* is not unique: against row a0 the column is indifferent
    # between a0 and a2 (9 = 9), and with the column mixing a0 with probability p <= 7/9 the
    # row's a0 stays best (7p + 9(1-p) >= 9p + 2(1-p)) -- a continuum of mixed equilibria.)
    # The sufficient test cannot prove either way and says "unknown": honest, never a wrong
    # "not enforceable" or "enforceable"
    g = NormalFormGame.from_bimatrix([[7, 8, 9], [9, 4, 2], [6, 5, 6]], [[9, 5, 9], [0, 6, 3], [8, 1, 8]])
    assert pure_nash_mask(g).astype(int).tolist() == [[0, 0, 1], [0, 0, 0], [0, 0, 0]]
    r = enforce(g, [0], (0, 2), concept="unique")
    assert r.status == "unknown" and not r.enforceable and "unknown" in r.reason
    # with no transfers and D strictly dominant for both, (D, D) is certified unique
    r = enforce(PD, [0], ("D", "D"), concept="unique")
    assert r.enforceable and r.min_penalty == 0


def test_every_outcome_of_enforce_on_the_prisoners_dilemma_by_hand():
    """PD (R, S, T, P) = (3, 0, 5, 1), both sign, target (C, C).  Nash: each member must lose T - R = 2 by
    deviating: min penalty 2, attained.  "unique" (members strictly dominant): C must beat D strictly
    against C (by more than 5 - 3 = 2) and against D (1 - 0 = 1): the infimum 2 is not attained, the
    certificate uses cap 2 * 2 = 4.  Every LP here is certified."""
    g = prisoners_dilemma()

    def run(concept, **terms):
        r = enforce(g, [0, 1], ("C", "C"), concept=concept, terms=EnforcementTerms(**terms))
        return r.status, r.min_penalty, r.attained, r.certified, r.penalty_is_bound, r.witness, r.notes

    assert run("nash") == ("enforceable", 2, True, True, False, None, ())
    assert run("nash", cap=1) == ("not_enforceable", 2, True, True, False, ("cap", 2, 1), ())
    strict_note = ("strict enforcement: the infimum 2 is not attained; the certificate uses cap 4",)
    assert run("nash", strict=True) == ("enforceable", 2, False, True, False, None, strict_note)
    assert run("nash", strict=True, cap=2) == ("not_enforceable", 2, False, True, False, ("cap", 2, 2), ())
    assert run("unique") == ("enforceable", 2, False, True, True, None, strict_note)
    # cap 1: not even a Nash equilibrium (needs 2); cap 2: Nash is enough within the cap, uniqueness unknown
    assert run("unique", cap=1) == ("not_enforceable", 2, False, True, True, ("cap", 2, 1), ())
    assert run("unique", cap=2) == ("unknown", 2, False, True, True, ("cap", 2, 2), ())
    assert "let alone the unique one" in enforce(g, [0, 1], ("C", "C"), concept="unique",
                                                 terms=EnforcementTerms(cap=1)).reason
