"""Tests of contract_theory.equilibria.welfare_ratios: exact prices of anarchy / stability derived by hand."""

from fractions import Fraction as F

import pytest

from contract_theory.equilibria.correlated import correlated_solve
from contract_theory.equilibria.pure import pure_nash_solve
from contract_theory.equilibria.results import MixedProfile
from contract_theory.equilibria.welfare import optimum
from contract_theory.equilibria.welfare_ratios import (
    equilibrium_welfare_values,
    price_of_anarchy,
    price_of_stability,
)
from contract_theory.errors import ParameterError
from contract_theory.games.library import (
    battle_of_the_sexes,
    chicken,
    matching_pennies,
    prisoners_dilemma,
    public_goods,
    random_game,
    stag_hunt,
)


def test_prisoners_dilemma():
    # W* = 3 + 3 = 6 at (C, C); the only NE (D, D) gives 1 + 1 = 2: PoA = PoS = 3.
    for f in (price_of_anarchy, price_of_stability):
        r = f(prisoners_dilemma())
        assert (r.value, r.measure, r.optimum, r.worst, r.best) == (F(3), "ratio", F(6), F(2), F(2))
        assert r.equilibria == "pure"
    # CE = {(D, D)} too (strict dominance), so the correlated PoA is also 3
    assert price_of_anarchy(prisoners_dilemma(), "correlated").value == 3


def test_public_goods():
    # n = 4, r = 8/5, e = 20: W* = 4 * (8/5 * 80 / 4) = 128 (all contribute); the unique NE is
    # nobody contributing (each keeps 20, welfare 80): PoA = PoS = 128/80 = 8/5.
    g = public_goods(4, "8/5", 20)
    assert price_of_anarchy(g).value == F(8, 5)
    assert price_of_stability(g).value == F(8, 5)


def test_stag_hunt_poa_and_pos_differ():
    # (Stag,Stag) = 8 = W*, (Hare,Hare) = 6: PoS = 1, PoA = 8/6 = 4/3.
    assert price_of_stability(stag_hunt()).value == 1
    assert price_of_anarchy(stag_hunt()).value == F(4, 3)


def test_negative_welfare_gives_difference():
    # PD shifted by -10: (C,C) = (-7,-7), (C,D) = (-10,-5), (D,C) = (-5,-10), (D,D) = (-9,-9).
    # W* = -14, NE (D, D) welfare -18: no meaningful ratio, difference W* - W_NE = 4.
    g = prisoners_dilemma(T=-5, R=-7, P=-9, S=-10)
    r = price_of_anarchy(g)
    assert (r.value, r.measure, r.optimum, r.worst) == (F(4), "difference", F(-14), F(-18))
    assert "not meaningful" in r.note
    with pytest.raises(ParameterError, match="positive welfare"):
        price_of_anarchy(g, measure="ratio")
    # forced difference on a positive game: PD 6 - 2 = 4
    assert price_of_anarchy(prisoners_dilemma(), measure="difference").value == 4


def test_chicken_zero_optimum_difference():
    # chicken(): W* = 0 at (Sw,Sw), (Sw,St), (St,Sw); pure NE (Sw,St), (St,Sw) have welfare 0: difference 0.
    # Over CE the worst welfare is -20/19 (see test_correlated): PoA as difference 0 - (-20/19) = 20/19.
    assert price_of_anarchy(chicken()).value == 0
    r = price_of_anarchy(chicken(), "correlated")
    assert (r.value, r.measure, r.worst, r.best) == (F(20, 19), "difference", F(-20, 19), F(0))
    assert price_of_stability(chicken(), "correlated").value == 0


def test_no_pure_equilibrium():
    r = price_of_anarchy(matching_pennies())
    assert r.value is None and r.worst is None and "no equilibrium" in r.note


def test_given_sets_mixed_and_values():
    # BoS (2,1)/(1,2): W* = 3.  Mixed NE: row O w.p. 2/3, column O w.p. 1/3, so P(OO) = P(FF) = 2/9 and
    # welfare = 3 * (P(OO) + P(FF)) = 4/3.  Over {both pure NE (welfare 3), mixed}: PoA = 3 / (4/3) = 9/4.
    g = battle_of_the_sexes()
    mixed = MixedProfile.from_lists([["2/3", "1/3"], ["1/3", "2/3"]])
    eqs = list(pure_nash_solve(g).equilibria) + [mixed]
    r = price_of_anarchy(g, eqs)
    assert (r.value, r.worst, r.best, r.equilibria) == (F(9, 4), F(4, 3), F(3), "given")
    assert price_of_stability(g, eqs).value == 1
    assert price_of_anarchy(g, ["3", F(4, 3)]).value == F(9, 4)  # plain welfare values
    assert price_of_anarchy(g, [{(0, 0): "1/2", (1, 1): "1/2"}]).value == 1  # a distribution
    with pytest.raises(ParameterError, match="unknown equilibrium set"):
        price_of_anarchy(g, "trembling")
    with pytest.raises(ParameterError, match="measure"):
        price_of_anarchy(g, measure="log")


def test_egalitarian_kind():
    # PD egalitarian: W* = min(3,3) = 3; NE (D,D) has min 1: PoA = 3.
    r = price_of_anarchy(prisoners_dilemma(), kind="egalitarian")
    assert (r.value, r.kind) == (F(3), "egalitarian")


@pytest.mark.parametrize("seed", range(6))
def test_correlated_bounds_relations(seed):
    # CE contains every pure NE: worst CE <= worst pure NE <= best pure NE <= best CE <= W*,
    # hence on positive games PoA(CE) >= PoA(pure) and PoS(CE) <= PoS(pure).
    g = random_game((3, 3), low=1, high=9, seed=seed)
    ce = correlated_solve(g)
    w_star, _ = optimum(g)
    vals, _ = equilibrium_welfare_values(g, "pure")
    assert ce.max_welfare <= w_star
    if vals:
        assert ce.min_welfare <= min(vals) and max(vals) <= ce.max_welfare
        assert price_of_anarchy(g, "correlated").value >= price_of_anarchy(g).value
        assert price_of_stability(g, "correlated").value <= price_of_stability(g).value
    assert price_of_anarchy(g, "coarse").value >= price_of_anarchy(g, "correlated").value


def test_equilibrium_result_inputs():
    from contract_theory.equilibria.results import EquilibriumResult

    g = prisoners_dilemma()
    res = EquilibriumResult(method="partial", exact=True, equilibria=((1, 1),), complete=False)
    r = price_of_anarchy(g, res)
    assert r.value == 3 and "not known to be complete" in r.note
    assert "not known" not in price_of_anarchy(g, pure_nash_solve(g)).note


def test_irrational_equilibria_refused():
    from dataclasses import dataclass

    from contract_theory.equilibria.results import EquilibriumResult

    @dataclass(frozen=True)
    class WithAlgebraic(EquilibriumResult):
        algebraic: tuple = ()

    res = WithAlgebraic(method="support-enumeration", exact=True, equilibria=(), algebraic=("irrational",))
    with pytest.raises(ParameterError, match="irrational"):
        price_of_anarchy(prisoners_dilemma(), res)
