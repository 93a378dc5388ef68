"""All extreme Nash equilibria of 2-player games (contract_theory.equilibria.vertex_enumeration).

Expected values are derived by hand in each fixture's docstring; the oracle is pygambit's
``enummixed_solve(rational=True)`` (lrs-style enumeration of extreme equilibria).
"""

from __future__ import annotations

import itertools
from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract_theory import GameError, NormalFormGame, ParameterError, SizeLimitError
from contract_theory.equilibria.pure import pure_nash_solve
from contract_theory.equilibria.vertex_enumeration import (
    Component,
    _enumerate_vertices,
    equilibrium_components,
    is_degenerate,
    vertex_enumeration_solve,
)
from contract_theory.games.library import battle_of_the_sexes, matching_pennies, random_game


# ----------------------------------------------------------------------------- helpers
def eq_set(result) -> set:
    return {p.strategies for p in result.equilibria}


def prof(x, y):
    return (tuple(F(v) for v in x), tuple(F(v) for v in y))


def is_nash(game: NormalFormGame, strategies) -> bool:
    """Exact mutual-best-response check: every action in a support earns the maximum."""
    for i in range(2):
        dev = game.deviation_payoffs(strategies, i)
        best = max(dev)
        if any(p > 0 and dev[a] != best for a, p in enumerate(strategies[i])):
            return False
    return True


# ----------------------------------------------------------------------------- fixtures
def von_stengel_3x2() -> NormalFormGame:
    """Von Stengel, "Computing equilibria for two-person games", Handbook of Game Theory
    vol. 3, ch. 45 (2002), running example of sections 2-3: A = [[3,3],[2,5],[0,6]],
    B = [[3,2],[2,6],[3,1]], with exactly three equilibria (stated there):

    * ((1,0,0), (1,0)): row payoffs vs L are 3,2,0; column payoffs vs row 0 are 3 > 2.
    * ((4/5,1/5,0), (2/3,1/3)): rows earn 3, 2*2/3+5/3 = 3, 6/3 = 2 -> rows 0,1 best;
      columns earn 3*4/5+2/5 = 14/5 and 2*4/5+6/5 = 14/5.
    * ((0,1/3,2/3), (1/3,2/3)): rows earn 3, 2/3+10/3 = 4, 12/3 = 4 -> rows 1,2 best;
      columns earn 2/3+6/3 = 8/3 and 6/3+2/3 = 8/3.
    """
    return NormalFormGame.from_bimatrix([[3, 3], [2, 5], [0, 6]], [[3, 2], [2, 6], [3, 1]])


def coordination_3x3() -> NormalFormGame:
    """A = B = identity (3 x 3): for every nonempty S, both uniform on S is an equilibrium
    (each action in S earns 1/|S|, others 0), and these 2^3 - 1 = 7 are all of them (the
    classic example of Quint & Shubik 1997 for 2^n - 1 equilibria)."""
    eye = np.eye(3, dtype=int)
    return NormalFormGame.from_bimatrix(eye, eye)


def degenerate_segment_2x2() -> NormalFormGame:
    """A = [[1,1],[0,2]], B = [[1,1],[1,0]].  Against row T the column player is indifferent
    (degenerate: a pure strategy with two best responses).  Row: T earns 1, B earns 2(1-q)
    against (q, 1-q), so T is a best response iff q >= 1/2.  Column: L earns 1, R earns p
    against (p, 1-p): R is a best response only at p = 1.  If p < 1 the column plays L,
    then row's best reply is T (1 > 0), i.e. p = 1: contradiction.  Equilibria:
    {T} x {(q, 1-q) : q >= 1/2}, a segment with extreme points (T, (1/2,1/2)) and (T, L)."""
    return NormalFormGame.from_bimatrix([[1, 1], [0, 2]], [[1, 1], [1, 0]])


def unequal_supports_3x2() -> NormalFormGame:
    """A = [[1,1],[0,2],[2,0]], B = [[1,1],[1,0],[0,1]].  No pure equilibrium (each pure
    profile has a deviation).  A pure column gives row a unique best reply (L -> B, R -> M)
    to which the column's reply is the other column, so the column mixes (q, 1-q), and is
    indifferent iff x_M = x_B.  Row earns T: 1, M: 2-2q, B: 2q; q > 1/2 forces x = B,
    contradicting x_M = x_B; symmetrically q < 1/2.  So q = 1/2 and all rows tie: the
    equilibria are {(1-2t, t, t) : 0 <= t <= 1/2} x {(1/2,1/2)}, extreme points
    ((1,0,0),(1/2,1/2)) -- supports of sizes 1 and 2 -- and ((0,1/2,1/2),(1/2,1/2))."""
    return NormalFormGame.from_bimatrix([[1, 1], [0, 2], [2, 0]], [[1, 1], [1, 0], [0, 1]])


def l_shaped_2x2() -> NormalFormGame:
    """A = B = [[1,1],[1,0]].  T is always a best reply for row and L for column.  Against
    T the column is indifferent, against L the row is indifferent, so {T} x Delta and
    Delta x {L} are equilibrium sets; (B, R) is not (row gets 0 < 1).  One component, the
    union of two maximal Nash subsets sharing the extreme equilibrium (T, L)."""
    return NormalFormGame.from_bimatrix([[1, 1], [1, 0]], [[1, 1], [1, 0]])


def zero_2x2() -> NormalFormGame:
    """All payoffs 0: every profile is an equilibrium; one Nash subset Delta x Delta."""
    return NormalFormGame.from_bimatrix([[0, 0], [0, 0]], [[0, 0], [0, 0]])


# ----------------------------------------------------------------------------- known games
def test_matching_pennies_unique_mixed():
    res = vertex_enumeration_solve(matching_pennies())
    assert res.method == "vertex-enumeration" and res.exact and res.complete
    assert [p.strategies for p in res] == [prof(["1/2", "1/2"], ["1/2", "1/2"])]
    assert "nondegenerate" in res.notes[0]
    assert not is_degenerate(matching_pennies())


def test_battle_of_the_sexes_three_equilibria_in_order():
    # library defaults high=2, low=1: row plays Opera w.p. high/(high+low) = 2/3, column 1/3.
    res = vertex_enumeration_solve(battle_of_the_sexes())
    assert [p.strategies for p in res] == [
        prof([0, 1], [0, 1]), prof(["2/3", "1/3"], ["1/3", "2/3"]), prof([1, 0], [1, 0])]


def test_von_stengel_example_three_equilibria():
    res = vertex_enumeration_solve(von_stengel_3x2())
    assert eq_set(res) == {prof([1, 0, 0], [1, 0]), prof(["4/5", "1/5", 0], ["2/3", "1/3"]),
                           prof([0, "1/3", "2/3"], ["1/3", "2/3"])}
    assert not is_degenerate(von_stengel_3x2())


def test_coordination_3x3_seven_equilibria():
    res = vertex_enumeration_solve(coordination_3x3())
    expected = set()
    for k in range(1, 4):
        for S in itertools.combinations(range(3), k):
            v = tuple(F(1, k) if a in S else F(0) for a in range(3))
            expected.add((v, v))
    assert eq_set(res) == expected and len(res) == 7


def test_degenerate_segment_extreme_points_and_component():
    g = degenerate_segment_2x2()
    res = vertex_enumeration_solve(g)
    assert [p.strategies for p in res] == [prof([1, 0], ["1/2", "1/2"]), prof([1, 0], [1, 0])]
    assert is_degenerate(g)
    assert "continua" in res.notes[0] and "extreme points" in res.notes[0]
    (comp,) = equilibrium_components(g)
    assert isinstance(comp, Component) and not comp.is_isolated
    assert comp.equilibria == res.equilibria and comp.nash_subsets == ((0, 1),)


def test_unequal_support_sizes():
    res = vertex_enumeration_solve(unequal_supports_3x2())
    assert [p.strategies for p in res] == [prof([0, "1/2", "1/2"], ["1/2", "1/2"]),
                                           prof([1, 0, 0], ["1/2", "1/2"])]
    assert [len(res[1].support(i)) for i in range(2)] == [1, 2]
    assert is_degenerate(unequal_supports_3x2())


def test_l_shaped_component_has_two_nash_subsets():
    res = vertex_enumeration_solve(l_shaped_2x2())
    # order: (B,L) = ((0,1),(1,0)) < (T,R) = ((1,0),(0,1)) < (T,L) = ((1,0),(1,0))
    assert [p.strategies for p in res] == [prof([0, 1], [1, 0]), prof([1, 0], [0, 1]), prof([1, 0], [1, 0])]
    (comp,) = equilibrium_components(l_shaped_2x2())
    assert comp.nash_subsets == ((0, 2), (1, 2))


def test_zero_game_one_square_nash_subset():
    res = vertex_enumeration_solve(zero_2x2())
    assert len(res) == 4 and all(p.is_pure() for p in res)
    (comp,) = equilibrium_components(zero_2x2())
    assert comp.nash_subsets == ((0, 1, 2, 3),)


def test_isolated_components_of_battle_of_the_sexes():
    comps = equilibrium_components(battle_of_the_sexes())
    assert [c.is_isolated for c in comps] == [True, True, True]
    assert [c.equilibria[0] for c in comps] == list(vertex_enumeration_solve(battle_of_the_sexes()).equilibria)


def test_one_action_players():
    # 1 x 3: row has one action; column payoffs 3, 1, 3 -> columns 0 and 2 tie (a segment).
    g = NormalFormGame.from_bimatrix([[1, 2, 3]], [[3, 1, 3]])
    assert eq_set(vertex_enumeration_solve(g)) == {prof([1], [1, 0, 0]), prof([1], [0, 0, 1])}
    assert is_degenerate(g)
    g = NormalFormGame.from_bimatrix([[1], [2]], [[3], [1]])
    assert eq_set(vertex_enumeration_solve(g)) == {prof([0, 1], [1])}


def test_fractional_and_float_payoffs():
    # scaling and shifting a player's payoffs changes nothing; fractions are exact
    g = von_stengel_3x2()
    A, B = g.to_bimatrix()
    h = NormalFormGame.from_bimatrix(A * F(7, 3) - F(5, 2), B * F(1, 9) + 4)
    assert eq_set(vertex_enumeration_solve(h)) == eq_set(vertex_enumeration_solve(g))
    fl = NormalFormGame.from_bimatrix(np.array([[0.5, 0.0], [0.0, 0.25]]), np.array([[0.25, 0.0], [0.0, 0.5]]))
    res = vertex_enumeration_solve(fl)
    assert res.exact and any("floats" in n for n in res.notes)
    # row indifferent: q/2 = (1-q)/4 -> q = 1/3; column indifferent: p/4 = (1-p)/2 -> p = 2/3
    assert eq_set(res) == {prof([1, 0], [1, 0]), prof([0, 1], [0, 1]), prof(["2/3", "1/3"], ["1/3", "2/3"])}


# ----------------------------------------------------------------------------- errors and limits
def test_errors():
    with pytest.raises(GameError, match="2-player game, this one has 3 players"):
        vertex_enumeration_solve(NormalFormGame(np.zeros((2, 2, 2, 3), dtype=int)))
    with pytest.raises(GameError, match="NormalFormGame"):
        vertex_enumeration_solve([[1, 2], [3, 4]])  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="max_vertices"):
        vertex_enumeration_solve(matching_pennies(), max_vertices=0)
    with pytest.raises(SizeLimitError, match="max_vertices=3"):
        vertex_enumeration_solve(coordination_3x3(), max_vertices=3)
    with pytest.raises(SizeLimitError, match="max_bases=2"):
        vertex_enumeration_solve(coordination_3x3(), max_bases=2)


# ----------------------------------------------------------------------------- exact kernel paths
def test_object_kernel_agrees_with_int64_kernel():
    """The Python-int path and the verified int64 path give the same vertices."""
    rng = np.random.default_rng(7)
    for _ in range(10):
        k, d = (int(v) for v in rng.integers(2, 6, 2))
        M = rng.integers(1, 5, (k, d))
        a = _enumerate_vertices(M.astype(np.int64), 10**6, 10**7, "test")
        b = _enumerate_vertices(M.astype(object), 10**6, 10**7, "test")
        assert b.coords.dtype == object
        pa = {(tuple(map(bool, l)), tuple(F(int(c), int(t)) for c in x)) for l, x, t in zip(a.labels, a.coords, a.dets)}
        pb = {(tuple(map(bool, l)), tuple(F(int(c), int(t)) for c in x)) for l, x, t in zip(b.labels, b.coords, b.dets)}
        assert pa == pb and a.n_bases == b.n_bases


def test_int64_kernel_falls_back_mid_search_and_stays_exact():
    """Entries ~1e8: the first pivots pass the int64 proof, later ones (bigger minors) fail
    it and continue in Python integers; the vertices equal those of the all-object search."""
    rng = np.random.default_rng(5)
    M = rng.integers(1, 10**8, (5, 5))
    a = _enumerate_vertices(M.astype(np.int64), 10**6, 10**7, "test")
    b = _enumerate_vertices(M.astype(object), 10**6, 10**7, "test")
    assert a.coords.dtype == object  # some branch switched to Python integers
    as_set = lambda v: {(tuple(map(bool, l)), tuple(F(int(c), int(t)) for c in x))
                        for l, x, t in zip(v.labels, v.coords, v.dets)}
    assert as_set(a) == as_set(b)


def test_exact_tie_breaking_paths_agree(monkeypatch):
    """With a huge float margin nearly every ratio comparison is a 'near-tie', so the exact
    equality test and the Python-integer lexicographic rule decide them: same answer."""
    import contract_theory.equilibria.vertex_enumeration as ve

    monkeypatch.setattr(ve, "_KERNEL", False)  # these are paths of the numpy kernel
    games = [random_game((5, 5), 0, 3, seed=s, degenerate=True) for s in range(12)]
    base = [vertex_enumeration_solve(g).equilibria for g in games]
    calls = []
    original = ve._lex_min_python
    monkeypatch.setattr(ve, "_lex_min_python", lambda *a: calls.append(1) or original(*a))
    monkeypatch.setattr(ve, "_RATIO_TOL", 0.5)
    assert [vertex_enumeration_solve(g).equilibria for g in games] == base
    assert len(calls) > 50  # the Python path really ran


def test_huge_payoffs_switch_to_python_integers_and_stay_exact():
    rng = np.random.default_rng(3)
    # entries ~1e21 (beyond int64), with no common factor for the rescaling to remove
    A = rng.integers(0, 10**15, (5, 5)).astype(object) * 10**6 + rng.integers(0, 10**6, (5, 5)).astype(object)
    B = rng.integers(0, 10**15, (5, 5)).astype(object) * 10**6 + rng.integers(0, 10**6, (5, 5)).astype(object)
    g = NormalFormGame.from_bimatrix(A, B)
    assert g.table.dtype == object
    res = vertex_enumeration_solve(g)
    assert not is_degenerate(g)
    assert len(res) % 2 == 1  # nondegenerate: an odd number of equilibria (Lemke-Howson)
    assert all(is_nash(g, p.strategies) for p in res)
    assert {p.pure_profile() for p in res if p.is_pure()} == set(pure_nash_solve(g).equilibria)


# ----------------------------------------------------------------------------- properties
payoff = st.integers(-3, 3)


@st.composite
def small_games(draw):
    m = draw(st.integers(1, 4))
    n = draw(st.integers(1, 4))
    A = draw(st.lists(st.lists(payoff, min_size=n, max_size=n), min_size=m, max_size=m))
    B = draw(st.lists(st.lists(payoff, min_size=n, max_size=n), min_size=m, max_size=m))
    return NormalFormGame.from_bimatrix(A, B)


@given(small_games())
def test_every_equilibrium_is_exact_mutual_best_response(g):
    res = vertex_enumeration_solve(g)
    assert len(res) >= 1  # Nash's theorem
    for p in res:
        assert is_nash(g, p.strategies)
    # pure equilibria are extreme, so the pure part is exactly pure_nash_solve's list
    assert {p.pure_profile() for p in res if p.is_pure()} == set(pure_nash_solve(g).equilibria)
    keys = [p.strategies for p in res]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    # nondegenerate games: equal support sizes and an odd number of equilibria
    if not is_degenerate(g):
        assert all(len(p.support(0)) == len(p.support(1)) for p in res) and len(res) % 2 == 1


@given(small_games(), st.randoms(use_true_random=False))
def test_permuting_actions_and_players_permutes_the_answer(g, rnd):
    base = eq_set(vertex_enumeration_solve(g))
    m, n = g.shape
    pr, pc = list(range(m)), list(range(n))
    rnd.shuffle(pr)
    rnd.shuffle(pc)
    h = g.permute_actions(0, pr).permute_actions(1, pc)
    got = eq_set(vertex_enumeration_solve(h))
    assert got == {(tuple(x[o] for o in pr), tuple(y[o] for o in pc)) for x, y in base}
    swapped = eq_set(vertex_enumeration_solve(g.permute_players([1, 0])))
    assert swapped == {(y, x) for x, y in base}


@given(small_games())
def test_components_partition_and_nash_subsets_are_convex(g):
    res = vertex_enumeration_solve(g)
    comps = equilibrium_components(g)
    assert sorted(p.strategies for c in comps for p in c.equilibria) == [p.strategies for p in res]
    for c in comps:
        covered = set()
        for sub in c.nash_subsets:
            covered.update(sub)
            xs = {c.equilibria[i].strategies[0] for i in sub}
            ys = {c.equilibria[i].strategies[1] for i in sub}
            assert len(sub) == len(xs) * len(ys)  # a biclique X x Y
            # the midpoint of the subset is an equilibrium (convexity of conv X x conv Y)
            mx = tuple(sum(v) / len(xs) for v in zip(*xs))
            my = tuple(sum(v) / len(ys) for v in zip(*ys))
            assert is_nash(g, (mx, my))
        assert covered == set(range(len(c.equilibria)))
    assert any(not c.is_isolated for c in comps) == ("continua" in res.notes[0])


def test_pure_strategy_with_two_best_responses_is_degenerate():
    for seed in range(30):
        g = random_game((3, 3), 0, 3, seed=seed, degenerate=True)
        B = g.table[..., 1]
        A = g.table[..., 0]
        two = any((B[i] == B[i].max()).sum() > 1 for i in range(3)) or \
            any((A[:, j] == A[:, j].max()).sum() > 1 for j in range(3))
        if two:
            assert is_degenerate(g)


# ----------------------------------------------------------------------------- oracle
def _gambit_set(g: NormalFormGame) -> set:
    gbt = pytest.importorskip("pygambit")
    A, B = (np.asarray(g.table[..., i], dtype=object).tolist() for i in range(2))
    gg = gbt.Game.from_arrays([[int(v) for v in r] for r in A], [[int(v) for v in r] for r in B])
    out = set()
    m = g.shape[0]
    for eq in gbt.nash.enummixed_solve(gg, rational=True).equilibria:
        v = [F(str(eq[s])) for s in gg.strategies]
        out.add((tuple(v[:m]), tuple(v[m:])))
    return out


ORACLE_CASES = [((3, 3), 3, True), ((2, 4), 2, True), ((4, 3), 3, False), ((4, 4), 2, True),
                ((5, 5), 9, True), ((3, 5), 1, True), ((5, 4), 4, False)]


def test_agrees_with_pygambit_on_some_games():
    for seed in range(4):
        for shape, high, deg in ORACLE_CASES:
            g = random_game(shape, 0, high, seed=seed, degenerate=deg)
            assert eq_set(vertex_enumeration_solve(g)) == _gambit_set(g), (shape, high, seed)
    # more than 64 labels: bit sets span two uint64 words
    g = random_game((2, 70), 0, 3, seed=5, degenerate=True)
    assert eq_set(vertex_enumeration_solve(g)) == _gambit_set(g)


@pytest.mark.slow
def test_agrees_with_pygambit_on_hundreds_of_games():
    count = degenerate = continua = 0
    for seed in range(50):
        for shape, high, deg in ORACLE_CASES:
            g = random_game(shape, 0, high, seed=1000 + seed, degenerate=deg)
            res = vertex_enumeration_solve(g)
            assert eq_set(res) == _gambit_set(g), (shape, high, seed)
            count += 1
            degenerate += "degenerate game" in res.notes[0]
            continua += "continua" in res.notes[0]
    # moderately large payoffs: the int64 kernel falls back to Python integers
    rng = np.random.default_rng(11)
    for _ in range(20):
        m, n = (int(v) for v in rng.integers(2, 6, 2))
        A, B = rng.integers(0, 10**8, (m, n)), rng.integers(0, 10**8, (m, n))
        g = NormalFormGame.from_bimatrix(A.astype(object), B.astype(object))
        assert eq_set(vertex_enumeration_solve(g)) == _gambit_set(g)
    assert count == 350 and degenerate > 50 and continua > 20  # the sweep really covers degenerate games
