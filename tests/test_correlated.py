"""Tests of contract_theory.equilibria.correlated: hand-derived CE polytopes, properties, oracles.

Oracles: a float LP built here independently (a Python loop over profiles, scipy HiGHS);
pygambit's exact mixed equilibria (enummixed, rational), whose product distributions must be CE;
and nashpy's zero-sum LP (every CE/CCE of a two-player zero-sum game pays the row player the
value of the game).  quantecon and nashpy have no correlated-equilibrium routine (checked:
quantecon.game_theory and nashpy 0.0.43 expose Nash solvers and learning dynamics only).
"""

import itertools
from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.optimize import linprog

from contract_theory.equilibria.correlated import (
    correlated_solve,
    distribution_welfare,
    is_correlated_equilibrium,
    obedience_matrix,
)
from contract_theory.equilibria.pure import pure_nash_solve
from contract_theory.errors import GameError, ParameterError, SizeLimitError
from contract_theory.games.library import (
    battle_of_the_sexes,
    chicken,
    matching_pennies,
    n_prisoners_dilemma,
    prisoners_dilemma,
    random_game,
)
from contract_theory.games.normal_form import NormalFormGame
from tests.optional import optional


def aumann_chicken():
    """Aumann (1974) chicken: (C,C) = (6,6), (C,D) = (2,7), (D,C) = (7,2), (D,D) = (0,0)."""
    return NormalFormGame.from_bimatrix([[6, 2], [7, 0]], [[6, 7], [2, 0]], actions=[["C", "D"], ["C", "D"]])


# ---------------------------------------------------------------- hand-derived values
def test_aumann_chicken_best_and_worst_ce():
    # p = (a, b, c, d) on (CC, CD, DC, DD).  Obedience: row told C: -a + 2b >= 0; told D: c - 2d >= 0;
    # column told C: -a + 2c >= 0; told D: b - 2d >= 0.  W = 12a + 9b + 9c.
    # Max: d = 0 (d only tightens), W = 12a + 9(1 - a) = 9 + 3a, a <= 2b, a <= 2c, b + c = 1 - a
    #   -> a <= 1/2: a = 1/2, b = c = 1/4, W = 21/2 (each player 21/4).  Unique.
    # Min: W = 9 + 3a - 9d; a = 0 and d maximal with b, c >= 2d: 5d <= 1 -> d = 1/5,
    #   b = c = 2/5, W = 36/5.  Unique.
    g = aumann_chicken()
    r = correlated_solve(g)
    assert r.max_welfare == F(21, 2) and r.min_welfare == F(36, 5)
    assert r.max_welfare_distribution == {(0, 0): F(1, 2), (0, 1): F(1, 4), (1, 0): F(1, 4)}
    assert r.min_welfare_distribution == {(0, 1): F(2, 5), (1, 0): F(2, 5), (1, 1): F(1, 5)}
    assert r.exact and not r.coarse and r.method.startswith("lp:")
    # the traffic light (1/3 on CC, CD, DC) is a CE with payoff 5 each (welfare 10), not optimal
    light = {(0, 0): F(1, 3), (0, 1): F(1, 3), (1, 0): F(1, 3)}
    assert is_correlated_equilibrium(g, light) and distribution_welfare(g, light) == 10
    # the mixed NE (C w.p. 2/3 each) has welfare 12*4/9 + 9*4/9 = 28/3, inside [36/5, 21/2]
    mixed = {(a, b): F([2, 1][a], 3) * F([2, 1][b], 3) for a in range(2) for b in range(2)}
    assert is_correlated_equilibrium(g, mixed) and distribution_welfare(g, mixed) == F(28, 3)
    # 2 actions each: CCE = CE
    rc = correlated_solve(g, coarse=True)
    assert (rc.max_welfare, rc.min_welfare) == (F(21, 2), F(36, 5)) and rc.coarse


def test_library_chicken():
    # chicken(): (Sw,Sw) = (0,0), (Sw,St) = (-1,1), (St,Sw) = (1,-1), (St,St) = (-10,-10); p = (a,b,c,d).
    # Obedience: row told Sw: -a + 9b >= 0; told St: c - 9d >= 0; column: -a + 9c >= 0, b - 9d >= 0.
    # W = -20 d.  Max: any CE with d = 0, e.g. the pure NE (Sw,St): W = 0 = W*.
    # Min: maximize d with b, c >= 9d and a + b + c + d = 1: 19 d <= 1, d = 1/19, b = c = 9/19, a = 0:
    # W = -20/19 (below the mixed NE's -20/100, where both swerve w.p. 9/10).
    g = chicken()
    r = correlated_solve(g)
    assert r.max_welfare == 0 and r.min_welfare == F(-20, 19)
    assert r.min_welfare_distribution == {(0, 1): F(9, 19), (1, 0): F(9, 19), (1, 1): F(1, 19)}
    assert distribution_welfare(g, r.max_welfare_distribution) == 0
    assert is_correlated_equilibrium(g, r.max_welfare_distribution)
    mixed = {(a, b): F([9, 1][a], 10) * F([9, 1][b], 10) for a in range(2) for b in range(2)}
    assert is_correlated_equilibrium(g, mixed) and distribution_welfare(g, mixed) == F(-1, 5)
    # moving 1/100 more onto (St, St) breaks obedience of "St"
    worse = dict(mixed)
    worse[(1, 1)] += F(1, 100)
    worse[(0, 0)] -= F(1, 100)
    assert not is_correlated_equilibrium(g, worse)


def test_prisoners_dilemma_ce_is_dd():
    # D strictly dominates C, so obedience forces p(C, .) = p(., C) = 0: CE = CCE = {(D, D)}, W = 2.
    for coarse in (False, True):
        r = correlated_solve(prisoners_dilemma(), coarse=coarse)
        assert r.max_welfare == r.min_welfare == 2
        assert r.max_welfare_distribution == r.min_welfare_distribution == {(1, 1): F(1)}
    # 3-player PD: all-D is the unique CE
    r = correlated_solve(n_prisoners_dilemma(3))
    assert r.max_welfare_distribution == r.min_welfare_distribution == {(1, 1, 1): F(1)}


def test_matching_pennies_unique_uniform():
    # Obedience: row told H: p(HH) >= p(HT); told T: p(TT) >= p(TH); column told H: p(TH) >= p(HH);
    # told T: p(HT) >= p(TT).  Chain HH >= HT >= TT >= TH >= HH: all equal, the only CE is uniform.
    # Welfare is identically 0, so both LPs return the unique feasible point.
    r = correlated_solve(matching_pennies())
    uni = {prof: F(1, 4) for prof in itertools.product(range(2), repeat=2)}
    assert r.max_welfare == r.min_welfare == 0
    assert r.max_welfare_distribution == r.min_welfare_distribution == uni
    assert not is_correlated_equilibrium(matching_pennies(), {(0, 0): F(1, 2), (1, 1): F(1, 2)})


def test_battle_of_the_sexes_egalitarian_ex_post():
    # BoS: OO = (2,1), OF = FO = (0,0), FF = (1,2); p = (a, b, c, d) on OO, OF, FO, FF.
    # Obedience: row told O: 2a - b >= 0; told F: d - 2c >= 0; column told O: a - 2c >= 0; told F: 2d - b >= 0.
    # W = 3(a + d).  Best: a + d = 1 (pure NE and their mixtures), W = 3.
    # Worst: maximize b + c <= min(2a, 2d) + min(a, d)/2 <= 5s/2 with s = min(a, d), and b + c = 1 - a - d
    # <= 1 - 2s, so b + c <= 5/9 at s = 2/9: a = d = 2/9, b = 4/9, c = 1/9 (the mixed NE product), W = 4/3.
    g = battle_of_the_sexes()
    r = correlated_solve(g)
    assert r.max_welfare == 3 and r.min_welfare == F(4, 3)
    assert r.min_welfare_distribution == {(0, 0): F(2, 9), (0, 1): F(4, 9), (1, 0): F(1, 9), (1, 1): F(2, 9)}
    # Ex-post egalitarian: W(OO) = W(FF) = 1, 0 otherwise, i.e. W = a + d: the same LPs give best 1 and
    # worst 2/9 + 2/9 = 4/9.
    re = correlated_solve(g, "egalitarian")
    assert re.max_welfare == 1 and re.min_welfare == F(4, 9)
    with pytest.raises(ParameterError, match="positive"):
        correlated_solve(g, "nash")  # zeros in the table


def test_obedience_matrix_and_errors():
    M, labels = obedience_matrix(prisoners_dilemma(), coarse=True)
    # CCE row of player 0 against always-C: sum p(a)(u0(a) - u0(C, a1)) = p(DC)*2 + p(DD)*1
    assert labels == ((0, None, 0), (0, None, 1), (1, None, 0), (1, None, 1))
    assert M.tolist()[0] == [0, 0, 2, 1]
    with pytest.raises(GameError, match="sum"):
        is_correlated_equilibrium(prisoners_dilemma(), {(1, 1): F(1, 2)})
    with pytest.raises(GameError, match="negative"):
        is_correlated_equilibrium(prisoners_dilemma(), {(1, 1): 2, (0, 0): -1})
    with pytest.raises(SizeLimitError, match="max_profiles=3"):
        correlated_solve(prisoners_dilemma(), max_profiles=3)
    with pytest.raises(ParameterError, match="welfare kind"):
        correlated_solve(prisoners_dilemma(), "rawlsian")
    # labels accepted as profile keys
    assert is_correlated_equilibrium(prisoners_dilemma(), {("D", "D"): 1})


# ---------------------------------------------------------------- oracle: independent float LP
def float_ce_lp(game, coarse=False):
    """CE/CCE welfare range by a float LP built with explicit loops (independent of the module)."""
    shape = game.shape
    profs = list(itertools.product(*(range(m) for m in shape)))
    idx = {p: k for k, p in enumerate(profs)}
    u = np.array(game.fractions, dtype=float)
    rows = []
    for i, m in enumerate(shape):
        for b in range(m):
            if coarse:
                row = np.zeros(len(profs))
                for p in profs:
                    dev = p[:i] + (b,) + p[i + 1:]
                    row[idx[p]] = -(u[p][i] - u[dev][i])
                rows.append(row)
                continue
            for a in range(m):
                if a == b:
                    continue
                row = np.zeros(len(profs))
                for p in profs:
                    if p[i] == a:
                        dev = p[:i] + (b,) + p[i + 1:]
                        row[idx[p]] = -(u[p][i] - u[dev][i])
                rows.append(row)
    w = np.array([u[p].sum() for p in profs])
    kw = dict(A_ub=np.array(rows), b_ub=np.zeros(len(rows)), A_eq=np.ones((1, len(profs))), b_eq=[1.0],
              bounds=(0, None), method="highs")
    return -linprog(-w, **kw).fun, linprog(w, **kw).fun


@pytest.mark.parametrize("shape,seed", [((3, 3), 0), ((3, 4), 1), ((2, 2, 2), 2), ((3, 2, 2), 3), ((4, 4), 5)])
def test_against_float_lp(shape, seed):
    g = random_game(shape, low=-4, high=9, seed=seed)
    for coarse in (False, True):
        r = correlated_solve(g, coarse=coarse)
        hi, lo = float_ce_lp(g, coarse)
        assert abs(float(r.max_welfare) - hi) < 1e-7 and abs(float(r.min_welfare) - lo) < 1e-7
        assert is_correlated_equilibrium(g, r.max_welfare_distribution, coarse=coarse)
        assert is_correlated_equilibrium(g, r.min_welfare_distribution, coarse=coarse)
        assert distribution_welfare(g, r.max_welfare_distribution) == r.max_welfare
        assert distribution_welfare(g, r.min_welfare_distribution) == r.min_welfare


@pytest.mark.parametrize("shape,seed", [((3, 3), 11), ((2, 2, 2), 12), ((4, 3), 13)])
def test_exact_simplex_agrees_with_recovery(shape, seed):
    g = random_game(shape, low=-3, high=7, seed=seed, degenerate=True)
    for coarse in (False, True):
        a = correlated_solve(g, coarse=coarse)
        b = correlated_solve(g, coarse=coarse, lp_method="simplex")
        assert b.method == "lp:exact-simplex"
        assert (a.max_welfare, a.min_welfare) == (b.max_welfare, b.min_welfare)
        assert is_correlated_equilibrium(g, b.min_welfare_distribution, coarse=coarse)
    with pytest.raises(SizeLimitError, match="max_size=3"):
        correlated_solve(g, lp_method="simplex", simplex_max_size=3)


# ---------------------------------------------------------------- properties
games = st.builds(
    lambda shape, seed, deg: random_game(shape, low=-3, high=6, seed=seed, degenerate=deg),
    st.sampled_from([(2, 2), (2, 3), (3, 3), (2, 2, 2), (3, 2)]),
    st.integers(0, 10**6),
    st.booleans(),
)


@given(games)
def test_nash_inside_ce_inside_cce(g):
    ce = correlated_solve(g)
    cce = correlated_solve(g, coarse=True)
    assert cce.max_welfare >= ce.max_welfare >= ce.min_welfare >= cce.min_welfare
    assert is_correlated_equilibrium(g, ce.max_welfare_distribution)
    assert is_correlated_equilibrium(g, ce.min_welfare_distribution)
    assert is_correlated_equilibrium(g, ce.max_welfare_distribution, coarse=True)  # CE is a CCE
    for prof in pure_nash_solve(g).equilibria:
        assert is_correlated_equilibrium(g, {prof: 1})
        w = distribution_welfare(g, {prof: 1})
        assert ce.min_welfare <= w <= ce.max_welfare
    if all(m == 2 for m in g.shape):  # two actions each: CE and CCE coincide
        assert (cce.max_welfare, cce.min_welfare) == (ce.max_welfare, ce.min_welfare)


gbt = optional("pygambit")  # skips only the tests that call the oracle


def _gambit_mixed(g):
    A, B = g.to_bimatrix()
    gg = gbt.Game.from_arrays(A, B, title="t")
    out = []
    for eq in gbt.nash.enummixed_solve(gg, rational=True).equilibria:
        out.append([[F(int(eq[s].numerator), int(eq[s].denominator)) for s in p.strategies] for p in gg.players])
    return out


@given(st.sampled_from([(2, 2), (2, 3), (3, 3), (3, 4)]), st.integers(0, 10**6))
def test_mixed_nash_products_are_ce(shape, seed):
    g = random_game(shape, low=-3, high=6, seed=seed)
    ce = correlated_solve(g)
    for x, y in _gambit_mixed(g):
        dist = {(a, b): x[a] * y[b] for a in range(shape[0]) for b in range(shape[1]) if x[a] * y[b]}
        assert is_correlated_equilibrium(g, dist)
        w = distribution_welfare(g, dist)
        assert ce.min_welfare <= w <= ce.max_welfare
        assert w == sum(g.expected_payoffs([x, y]))


def test_huge_payoffs_stay_exact():
    # Scaling every payoff by B > 0 leaves the CE polytope unchanged and scales welfare by B:
    # Aumann chicken times 10**30 (object integer table) has best/worst CE welfare (21/2) B, (36/5) B.
    B = 10**30
    g = NormalFormGame.from_bimatrix([[6 * B, 2 * B], [7 * B, 0]], [[6 * B, 7 * B], [2 * B, 0]])
    assert g.table.dtype == object
    r = correlated_solve(g)
    assert (r.max_welfare, r.min_welfare) == (F(21, 2) * B, F(36, 5) * B)
    assert r.max_welfare_distribution == {(0, 0): F(1, 2), (0, 1): F(1, 4), (1, 0): F(1, 4)}


@pytest.mark.parametrize("seed", range(4))
def test_zero_sum_ce_pays_the_value(seed):
    # Two-player zero-sum: any CCE (a fortiori CE) gives the row player exactly the game value v:
    # deviating to a fixed action guarantees >= v for each side, and the payoffs sum to 0.
    nashpy = pytest.importorskip("nashpy")
    rng = np.random.default_rng(seed)
    A = rng.integers(-5, 6, size=(3, 4))
    g = NormalFormGame.from_bimatrix(A, -A)
    x, y = nashpy.Game(A).linear_program()
    v = float(x @ A @ y)
    for coarse in (False, True):
        r = correlated_solve(g, coarse=coarse)
        assert r.max_welfare == r.min_welfare == 0
        for dist in (r.max_welfare_distribution, r.min_welfare_distribution):
            row = sum(p * F(int(A[a])) for a, p in dist.items())
            assert abs(float(row) - v) < 1e-9
