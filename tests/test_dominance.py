"""Tests of contract_theory.equilibria.dominance: exact values derived by hand, oracles, properties."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract_theory.equilibria.dominance import (
    Dominance,
    _mixed_dominator,
    dominant_strategies,
    dominated_actions,
    dominates,
    iesds,
)
from contract_theory.equilibria.pure import pure_nash_mask, pure_nash_solve
from contract_theory.errors import GameError, ParameterError, UnknownPlayerError
from contract_theory.exact.lp import maximize_standard_form
from contract_theory.games.library import prisoners_dilemma, public_goods, random_game
from contract_theory.games.normal_form import NormalFormGame

F = Fraction


def _zero_column(rows: list[list[int]]) -> NormalFormGame:
    """Row player's payoffs ``rows``; the column player gets 0 everywhere."""
    return NormalFormGame.from_bimatrix(rows, [[0] * len(rows[0]) for _ in rows])


# ------------------------------------------------------------------ hand-derived values
def test_prisoners_dilemma_defection_strictly_dominates():
    # Axelrod payoffs (T,R,P,S) = (5,3,1,0): u(D,.) - u(C,.) = (5-3, 1-0) = (2, 1) > 0.
    g = prisoners_dilemma()
    assert dominated_actions(g, 0) == [Dominance(0, 0, 1, True)]
    assert dominated_actions(g, "Column") == [Dominance(1, 0, 1, True)]
    assert dominant_strategies(g) == {0: 1, 1: 1}
    assert dominant_strategies(g, strict=False) == {0: 1, 1: 1}
    r = iesds(g)
    assert r.kept == ((1,), (1,)) and r.solved and len(r.steps) == 1
    assert pure_nash_solve(r.game).equilibria == ((0, 0),)


def test_public_goods_contributing_nothing_strictly_dominant():
    # n=4, r=8/5, e=20: u_i(keep) - u_i(give) = 20 - 20 * r / n = 20 - 8 = 12 > 0 at every profile.
    g = public_goods(4, "8/5", 20)
    assert dominant_strategies(g) == {i: 0 for i in range(4)}
    for i in range(4):
        assert dominated_actions(g, i) == [Dominance(i, 1, 0, True)]
    r = iesds(g)
    assert r.kept == ((0,),) * 4 and len(r.steps) == 1 and r.game.payoff((0, 0, 0, 0)) == (F(20),) * 4


def test_dominated_only_by_a_mixture():
    # Textbook pattern (e.g. Fudenberg & Tirole, Game Theory, 1991, sec. 2.1; numbers derived here):
    # rows T = (3, 0), M = (0, 3), B = (1, 1) against columns L, R.  Neither T nor M dominates B
    # (3 > 1 but 0 < 1), but p T + (1-p) M = (3p, 3 - 3p) > (1, 1) iff 1/3 < p < 2/3.  The LP
    # maximizing the worst margin min(3p - 1, 2 - 3p) has the unique optimum p = 1/2 (margin 1/2).
    g = _zero_column([[3, 0], [0, 3], [1, 1]])
    assert dominated_actions(g, 0) == []
    [d] = dominated_actions(g, 0, mixed=True)
    assert (d.action, d.dominator, d.strict, d.is_mixed) == (2, (F(1, 2), F(1, 2), F(0)), True, True)
    assert dominates(g, 0, ("1/3", "2/3", 0), 2) is False  # margin exactly 0 at p = 1/3
    assert dominates(g, 0, ("2/5", "3/5", 0), 2) is True
    r = iesds(g)
    assert r.kept == ((0, 1), (0, 1)) and r.steps == ((Dominance(0, 2, (F(1, 2), F(1, 2), F(0))),),)
    assert iesds(g, mixed=False).kept == ((0, 1, 2), (0, 1))


def test_mixture_boundary_cases_are_exact():
    # B = (3/2, 3/2): the best mixture (1/2, 1/2) gives exactly (3/2, 3/2): neither strictly nor
    # weakly dominated (equality everywhere).  B = (3/2, 1) *is* strictly dominated: p = 3/5 gives
    # (9/5, 6/5).  With a third column where T, M, B all get 0, B = (1, 1, 0) is weakly dominated
    # by p T + (1-p) M exactly for p in [1/3, 2/3] (3p >= 1, 3 - 3p >= 1, one strict) and never
    # strictly (the third column is a tie for every mixture).
    tie = _zero_column([["3", 0], [0, 3], ["3/2", "3/2"]])
    assert dominated_actions(tie, 0, mixed=True) == []
    assert dominated_actions(tie, 0, strict=False, mixed=True) == []
    strict = _zero_column([[3, 0], [0, 3], ["3/2", 1]])
    [d] = dominated_actions(strict, 0, mixed=True)
    assert d.action == 2 and F(1, 2) < d.dominator[0] < F(2, 3)
    weak = _zero_column([[3, 0, 0], [0, 3, 0], [1, 1, 0]])
    assert dominated_actions(weak, 0, mixed=True) == []
    [d] = dominated_actions(weak, 0, strict=False, mixed=True)
    assert d.action == 2 and not d.strict and d.is_mixed
    p = d.dominator[0]
    assert F(1, 3) <= p <= F(2, 3) and d.dominator[1] == 1 - p and d.dominator[2] == 0
    assert dominates(weak, 0, d.dominator, 2, strict=False)
    assert not dominates(weak, 0, d.dominator, 2)


def test_gibbons_figure_1_1_1_iesds():
    # Gibbons, Game Theory for Applied Economists (1992), Fig. 1.1.1.  Rows Up/Down, columns
    # Left/Middle/Right:  Up: (1,0) (1,2) (0,1);  Down: (0,3) (0,1) (2,0).
    # Round 1: Right is strictly dominated by Middle for player 2 (2 > 1, 1 > 0); nothing for
    # player 1 (Down is better against Right).  Round 2: Down dominated by Up (1 > 0, 1 > 0).
    # Round 3: Left dominated by Middle (2 > 0).  Survivor: (Up, Middle).
    g = NormalFormGame.from_bimatrix([[1, 1, 0], [0, 0, 2]], [[0, 2, 1], [3, 1, 0]],
                                     actions=[["Up", "Down"], ["Left", "Middle", "Right"]])
    r = iesds(g)
    assert r.steps == ((Dominance(1, 2, 1),), (Dominance(0, 1, 0),), (Dominance(1, 0, 1),))
    assert r.kept == ((0,), (1,)) and r.game.actions == (("Up",), ("Middle",)) and r.solved
    assert dominant_strategies(g) == {0: None, 1: None}
    assert iesds(g, max_rounds=1).kept == ((0, 1), (0, 1))


def test_cournot_duopoly_iesds_reaches_cournot_quantity():
    # u(q, q') = q (12 - q - q') on the grid {0, 2, 3, 4, 6} (indices 0..4).  Against q' in the grid:
    #   u(0) = 0;  u(2) = 20,16,14,12,8;  u(3) = 27,21,18,15,9;  u(4) = 32,24,20,16,8;  u(6) = 36,24,18,12,0.
    # Round 1: 0 is dominated by 2 (lowest dominator), 2 by 3 (4 ties at q' = 6); 6 survives (36 > 32).
    # Round 2 (q' in {3,4,6}): u(3) = 18,15,9, u(4) = 20,16,8, u(6) = 18,12,0: 6 dominated by 4.
    # Round 3 (q' in {3,4}): u(3) = 18,15 < u(4) = 20,16.  Survivor: the Cournot quantity 4.
    from contract_theory.games.library import cournot
    r = iesds(cournot())
    assert r.steps == ((Dominance(0, 0, 1), Dominance(0, 1, 2), Dominance(1, 0, 1), Dominance(1, 1, 2)),
                       (Dominance(0, 4, 3), Dominance(1, 4, 3)), (Dominance(0, 2, 3), Dominance(1, 2, 3)))
    assert r.kept == ((3,), (3,)) and r.game.actions == (("4",), ("4",))


def test_weak_versus_strict():
    # Top = (1, 1), Bottom = (1, 0): Top weakly (not strictly) dominates Bottom.
    g = _zero_column([[1, 1], [1, 0]])
    assert dominated_actions(g, 0) == []
    assert dominated_actions(g, 0, strict=False) == [Dominance(0, 1, 0, False)]
    assert dominant_strategies(g) == {0: None, 1: None}
    # the column player has identical columns: neither weakly dominates the other
    assert dominant_strategies(g, strict=False) == {0: 0, 1: None}
    assert iesds(g).kept == ((0, 1), (0, 1))
    dup = _zero_column([[1, 1], [1, 1]])
    assert dominated_actions(dup, 0, strict=False, mixed=True) == []


def test_one_action_player_is_dominant_and_three_players():
    # 3-player n-PD with b=3, c=1: D gains c = 1 whatever the others do.
    from contract_theory.games.library import n_prisoners_dilemma
    g = n_prisoners_dilemma(3, 3, 1)
    assert dominant_strategies(g) == {0: 1, 1: 1, 2: 1}
    assert iesds(g).kept == ((1,), (1,), (1,))
    one = NormalFormGame.from_bimatrix([[1, 2]], [[0, 1]])
    assert dominant_strategies(one) == {0: 0, 1: 1}


def test_bad_input():
    g = prisoners_dilemma()
    with pytest.raises(UnknownPlayerError, match="player index 5 is out of range"):
        dominated_actions(g, 5)
    with pytest.raises(ParameterError, match="strict and mixed must be booleans"):
        dominated_actions(g, 0, strict="yes")  # type: ignore[arg-type]
    with pytest.raises(GameError, match="expected a NormalFormGame, got list"):
        iesds([[1, 2]])  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="max_rounds must be a non-negative integer or None, got -1"):
        iesds(g, max_rounds=-1)
    with pytest.raises(GameError, match="probabilities of player 'Row' sum to 5/6, not 1"):
        dominates(g, 0, ("1/2", "1/3"), 0)


# ------------------------------------------------------------------ exact LP machinery
def test_exact_lp_adapter_small_cases():
    # max x1 + x2, x1 + 2 x2 = 4: optimum x = (4, 0), value 4.
    assert maximize_standard_form([1, 1], [[1, 2]], [4]) == ("optimal", [F(4), F(0)], F(4))
    assert maximize_standard_form([1, 0], [[1, 1], [1, 1]], [1, 2])[0] == "infeasible"
    assert maximize_standard_form([1, 0], [[1, -1]], [0])[0] == "unbounded"
    # redundant equality row: x1 + x2 = 1 twice; max x1 - x2 -> 1
    assert maximize_standard_form([1, -1], [[1, 1], [2, 2]], [1, 2])[2] == F(1)


@given(st.integers(0, 10**6))
def test_exact_lp_adapter_matches_scipy(seed):
    from scipy.optimize import linprog
    rng = np.random.default_rng(seed)
    m, n = int(rng.integers(1, 4)), int(rng.integers(2, 6))
    A = rng.integers(-5, 6, size=(m, n))
    x0 = rng.integers(0, 3, size=n)
    b = A @ x0  # feasible by construction
    c = rng.integers(-5, 6, size=n)
    status, x, value = maximize_standard_form(list(c), A.tolist(), list(b))
    res = linprog(-c, A_eq=A, b_eq=b, bounds=[(0, None)] * n, method="highs")
    if res.status == 3:
        assert status == "unbounded"
    else:
        assert status == "optimal" and abs(float(value) + res.fun) < 1e-7
        assert all(v >= 0 for v in x) and (A.astype(object).dot(np.array(x, dtype=object)) == b).all()


@given(st.integers(0, 10**6), st.booleans())
def test_float_search_and_exact_lp_agree(seed, strict):
    # Two independent paths: float LP + rounding certificates, and the exact simplex alone.
    rng = np.random.default_rng(seed)
    K, R = int(rng.integers(2, 4)), int(rng.integers(2, 5))
    M = rng.integers(-3, 4, size=(K, R))
    a = _mixed_dominator(M, strict)
    b = _mixed_dominator(M, strict, use_float=False)
    assert (a is None) == (b is None)
    for s in (a, b):
        if s is not None:
            v = np.array(s, dtype=object).dot(M.astype(object))
            assert all(v > 0) if strict else (all(v >= 0) and any(v > 0))


# ------------------------------------------------------------------ properties
@st.composite
def small_games(draw):
    n = draw(st.integers(2, 3))
    shape = tuple(draw(st.integers(1, 4 if n == 2 else 3)) for _ in range(n))
    return random_game(shape, 0, draw(st.integers(2, 9)), seed=draw(st.integers(0, 10**6)))


def _independent_check(game: NormalFormGame, d: Dominance) -> bool:
    """Check a Dominance with the Fraction payoffs (not the integer table)."""
    u = np.moveaxis(game.fractions[..., d.player], d.player, 0)
    u = u.reshape(u.shape[0], -1)
    s = d.dominator if d.is_mixed else tuple(F(int(k == d.dominator)) for k in range(u.shape[0]))
    v = np.array(s, dtype=object).dot(u) - u[d.action]
    return bool(all(v > 0)) if d.strict else bool(all(v >= 0) and any(v > 0))


def _strictly_dominated_lp(game: NormalFormGame, i: int, a: int, mixed: bool) -> bool:
    """Independent of the package: is action ``a`` of player ``i`` strictly dominated?

    Pure: some other action pays strictly more against every opponent profile (Fractions).
    Mixed: one float LP (scipy HiGHS), max eps s.t. sum_k s_k u(k, c) - u(a, c) >= eps for every
    opponent profile c, s in the simplex; its answer is then confirmed exactly -- if eps > 0 the
    rationalized dominator s must dominate strictly in Fractions; otherwise the LP for a belief y
    over opponent profiles to which ``a`` is a best response, rationalized, must satisfy
    u(a) . y >= u(k) . y for every k in Fractions (so ``a`` is not dominated, by duality).
    """
    from scipy.optimize import linprog

    u = np.moveaxis(game.fractions[..., i], i, 0)
    u = u.reshape(u.shape[0], -1)  # rows: own actions, columns: opponent profiles
    m, c = u.shape
    if not mixed:
        return any(all(u[k] > u[a]) for k in range(m) if k != a)
    uf = u.astype(float)
    # variables (s_0..s_{m-1}, eps): minimize -eps; eps - (s . u[:, col] - u[a, col]) <= 0
    res = linprog(np.r_[np.zeros(m), -1.0], A_ub=np.c_[-uf.T, np.ones(c)], b_ub=-uf[a],
                  A_eq=np.r_[np.ones(m), 0.0][None, :], b_eq=[1.0], bounds=[(0, None)] * m + [(None, None)],
                  method="highs")
    assert res.status == 0
    if -res.fun > 1e-9:
        s_ = [F(x).limit_denominator(10**6) for x in res.x[:m]]
        s_ = [x / sum(s_) for x in s_]
        assert all(np.array(s_, dtype=object).dot(u) - u[a] > 0), "the float LP's dominator fails exactly"
        return True
    # a is a best response to some belief y: (u[k] - u[a]) . y <= 0 for every k, y in the simplex
    res = linprog(np.zeros(c), A_ub=uf - uf[a], b_ub=np.zeros(m), A_eq=np.ones((1, c)), b_eq=[1.0],
                  bounds=[(0, None)] * c, method="highs")
    assert res.status == 0, "neither a dominator nor a belief: the float LPs disagree"
    y = [F(x).limit_denominator(10**6) for x in res.x]
    y = np.array([x / sum(y) for x in y], dtype=object)
    assert all(u[k].dot(y) <= u[a].dot(y) for k in range(m)), "the float LP's belief fails exactly"
    return False


def test_lp_oracle_on_hand_games():
    # Row payoffs against 2 columns: (3,0), (0,3), (1,1): (1,1) is strictly dominated by the
    # half-half mixture (3/2, 3/2) but by neither pure action; (2,2) would not be.
    g = _zero_column([[3, 0], [0, 3], [1, 1]])
    assert [_strictly_dominated_lp(g, 0, a, True) for a in range(3)] == [False, False, True]
    assert [_strictly_dominated_lp(g, 0, a, False) for a in range(3)] == [False, False, False]
    h = _zero_column([[3, 0], [0, 3], [2, 2]])
    assert [_strictly_dominated_lp(h, 0, a, True) for a in range(3)] == [False, False, False]


@given(small_games(), st.booleans())
def test_reported_dominators_verify_independently(game, mixed):
    for strict in (True, False):
        for i in range(game.n_players):
            for d in dominated_actions(game, i, strict=strict, mixed=mixed):
                assert _independent_check(game, d)
                assert not d.is_mixed or sum(d.dominator) == 1
    r = iesds(game, mixed=mixed)
    kept_mask = [set(k) for k in r.kept]
    # replay: each elimination is valid in the game that remained before its round
    keep = [list(range(m)) for m in game.shape]
    for rnd in r.steps:
        sub = game.restrict(keep)
        for d in rnd:
            pos = keep[d.player].index(d.action)
            dom = (tuple(d.dominator[k] for k in keep[d.player]) if d.is_mixed
                   else keep[d.player].index(d.dominator))
            assert _independent_check(sub, Dominance(d.player, pos, dom, True))
        gone = {(d.player, d.action) for d in rnd}
        keep = [[k for k in ks if (i, k) not in gone] for i, ks in enumerate(keep)]
    assert [set(k) for k in keep] == kept_mask
    # nothing left is dominated -- checked by the independent LP, not by dominated_actions
    for i in range(game.n_players):
        assert not any(_strictly_dominated_lp(r.game, i, a, mixed) for a in range(r.game.shape[i]))
    # and everything removed was dominated in the game it was removed from (replayed above)


@given(small_games(), st.booleans())
def test_iesds_preserves_pure_nash(game, mixed):
    r = iesds(game, mixed=mixed)
    original = set(pure_nash_solve(game).equilibria)
    for prof in original:  # never removes an action used in a pure equilibrium
        assert all(a in r.kept[i] for i, a in enumerate(prof))
    reduced = {tuple(r.kept[i][a] for i, a in enumerate(p)) for p in pure_nash_solve(r.game).equilibria}
    assert reduced == original


@given(small_games())
def test_iesds_order_independent(game):
    # Eliminate one dominated action at a time (the last one found, to differ from the rounds).
    keep = [list(range(m)) for m in game.shape]
    while True:
        sub = game.restrict(keep)
        # the independent LP oracle picks the eliminations, not dominated_actions
        found = [(i, a) for i in range(game.n_players) for a in range(sub.shape[i])
                 if _strictly_dominated_lp(sub, i, a, True)]
        if not found:
            break
        i, a = found[-1]
        keep[i].remove(keep[i][a])
    assert iesds(game, mixed=True).kept == tuple(tuple(k) for k in keep)


@pytest.mark.slow
@given(st.integers(0, 10**6), st.integers(2, 4), st.integers(2, 4))
def test_iesds_keeps_supports_of_all_nash_equilibria(seed, m1, m2):
    # Oracle: pygambit enummixed lists the extreme equilibria of a 2-player game; no action in
    # the support of a Nash equilibrium is strictly dominated (by a pure or mixed strategy).
    gbt = pytest.importorskip("pygambit")
    g = random_game((m1, m2), 0, 6, seed=seed)
    A, B = g.table[..., 0].astype(int), g.table[..., 1].astype(int)
    gg = gbt.Game.from_arrays(A, B)
    eqs = gbt.nash.enummixed_solve(gg, rational=True).equilibria
    r = iesds(g, mixed=True)
    for eq in eqs:
        for i, p in enumerate(gg.players):
            probs = [F(str(eq[p][s])) for s in p.strategies]
            assert all(k in r.kept[i] for k, q in enumerate(probs) if q > 0)
    mask = pure_nash_mask(g)
    assert mask.sum() == pure_nash_mask(r.game).sum()
