"""How coalitions form and share (issue 25): partition functions, characteristic functions, cooperative
values, Bloch's sequential game and Chwe's largest consistent set -- hand derivations, an independent
library (coopgt) and brute force."""

from __future__ import annotations

import importlib.util
import itertools
import json
import time
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contract_theory import Rules
from contract_theory.cli import main
from contract_theory.contracting.formation.bloch import bloch_sequential
from contract_theory.contracting.formation.characteristic import CharacteristicFunction, characteristic_function
from contract_theory.contracting.formation.cooperative import core, least_core, nucleolus, shapley_value
from contract_theory.contracting.formation.farsighted import farsighted_stability
from contract_theory.contracting.formation.partition_function import partition_function
from contract_theory.errors import ParameterError, SizeLimitError
from contract_theory.games.compact_library import public_goods_compact
from contract_theory.games.library import cournot, from_spec, public_goods

F = Fraction


def _game(worths: dict, n: int) -> CharacteristicFunction:
    return CharacteristicFunction(n, n, tuple(f"P{i}" for i in range(n)), "given", {k: F(v) for k, v in worths.items()})


# ----------------------------------------------------------------------------- public goods, gamma and delta
def _typed_public_goods():
    """u_i = 2X/3 + e_i - x_i, x_i in {0, e_i}, e = (1, 1, 2): players 0 and 1 of one type, 2 of another."""
    return public_goods_compact(counts=[2, 1], r=2, e=[1, 2])


@pytest.mark.parametrize("dense", [False, True])
def test_public_goods_shapley_and_core_under_gamma(dense):
    """A unit contributed earns every player 2/3.  A coalition contributes a member's e_i iff its
    members' share of it, |S| * 2 e_i / 3, exceeds e_i: never alone, always in pairs.  Gamma (the others
    alone, hence contributing nothing): v(0) = v(1) = 1, v(2) = 2; v(01) = 2 * (2 * 2/3) = 8/3;
    v(02) = v(12) = 2 * (2 * 3/3) = 4 (X = 3, endowments spent); v(N) = 3 * (2 * 4/3) = 8.
    Shapley (3 players): phi_i = v(i)/3 + (v(ij) - v(j))/6 + (v(ik) - v(k))/6 + (v(N) - v(jk))/3:
    phi_0 = 1/3 + 5/18 + 1/3 + 4/3 = 41/18 = phi_1, phi_2 = 2/3 + 1/2 + 1/2 + 16/9 = 31/9 (sum 8).
    Least core (symmetric in 0 and 1, x = (a, a, 8 - 2a)): the excesses 1 - a, 2a - 6, 8/3 - 2a, a - 4
    are balanced at 1 - a = 2a - 6, a = 7/3: epsilon = -4/3 < 0, so the core is non-empty, and with
    the three singletons tight the least core is the one point (7/3, 7/3, 10/3) -- the nucleolus.
    Source: the definitions of Shapley (1953), Maschler, Peleg and Shapley (1979), Chander and Tulkens (1997)."""
    g = _typed_public_goods()
    game = g.to_dense() if dense else g
    v = characteristic_function(game, 3, assumption="gamma")
    assert v.by_composition is (not dense)
    assert [v.value(S) for S in [(0,), (1,), (2,), (0, 1), (0, 2), (1, 2), (0, 1, 2)]] == \
        [1, 1, 2, F(8, 3), 4, 4, 8]
    assert shapley_value(v).values == (F(41, 18), F(41, 18), F(31, 9))
    c = core(v)
    assert not c.empty and c.epsilon == F(-4, 3)
    assert all(sum(c.point[i] for i in S) >= v.value(S) for r in range(1, 3) for S in itertools.combinations(range(3), r))
    assert c.least_core_point == nucleolus(v).point == (F(7, 3), F(7, 3), F(10, 3))


@pytest.mark.parametrize("dense", [False, True])
def test_public_goods_empty_core_under_delta(dense):
    """Delta (the others stay together, so the others' pair contributes everything): v(0) = v(1) =
    1 + 2 * 3/3 = 3 (X = 3 from players 1 and 2), v(2) = 2 + 2 * 2/3 = 10/3; pairs and N as under
    gamma.  The singletons alone claim 3 + 3 + 10/3 = 28/3 > v(N) = 8: the core is empty and there is no
    imputation.  Shapley: phi_0 = 1 + (8/3 - 3)/6 + (4 - 10/3)/6 + 4/3 = 43/18 = phi_1,
    phi_2 = 10/9 + 1/6 + 1/6 + 16/9 = 29/9.  Least core (x = (a, a, 8 - 2a)): 3 - a = 2a - 14/3 at
    a = 23/9, epsilon = 4/9 > 0, the point (23/9, 23/9, 26/9) with every singleton tight: the pre-nucleolus.
    Source: Hart and Kurz (1983) for delta; the definitions as above."""
    g = _typed_public_goods()
    v = characteristic_function(g.to_dense() if dense else g, 3, assumption="delta")
    assert [v.value(S) for S in [(0,), (1,), (2,)]] == [3, 3, F(10, 3)]
    assert shapley_value(v).values == (F(43, 18), F(43, 18), F(29, 9))
    c = core(v)
    assert c.empty and c.point is None and c.epsilon == F(4, 9)
    nu = nucleolus(v)
    assert nu.point == c.least_core_point == (F(23, 9), F(23, 9), F(26, 9)) and not nu.imputations


def test_nucleolus_of_an_empty_core_is_in_its_least_core():
    """v(12) = 5, v(13) = v(23) = 4, v(N) = 6, singletons 0.  The pairs claim 13 > 2 v(N) = 12: the core
    is empty.  Summing the three pair constraints x(S) >= v(S) - eps gives 12 >= 13 - 3 eps, eps >= 1/3;
    at eps = 1/3 all three are tight: x1 + x2 = 14/3, x1 + x3 = x2 + x3 = 11/3, so x = (7/3, 7/3, 4/3)
    -- a single point, hence the nucleolus (Schmeidler 1969; the least-core characterization of
    Maschler, Peleg and Shapley 1979)."""
    v = _game({(0,): 0, (1,): 0, (2,): 0, (0, 1): 5, (0, 2): 4, (1, 2): 4, (0, 1, 2): 6}, 3)
    c = least_core(v)
    assert c.empty and c.epsilon == F(1, 3)
    nu = nucleolus(v)
    assert nu.point == (F(7, 3), F(7, 3), F(4, 3)) and nu.imputations and nu.levels[0] == F(1, 3)
    # on the boundary: v(0) = v(1) = 1, v(01) = 2 has the one-point core (1, 1), epsilon = 0, not empty
    edge = core(_game({(0,): 1, (1,): 1, (0, 1): 2}, 2))
    assert edge.epsilon == 0 and not edge.empty and edge.point == (1, 1)
    # a published nucleolus: the example of the R package CoopGame's nucleolus()
    # manual page (Staudacher et al., version 0.2.2), v = (0,0,0,0, 5,5,8,9,10,8, 13,15,16,17, 21) in the
    # order singletons, pairs 12 13 14 23 24 34, triples, N: nucleolus (3.5, 4.5, 5.5, 7.5)
    w = _game({(0,): 0, (1,): 0, (2,): 0, (3,): 0, (0, 1): 5, (0, 2): 5, (0, 3): 8, (1, 2): 9, (1, 3): 10,
               (2, 3): 8, (0, 1, 2): 13, (0, 1, 3): 15, (0, 2, 3): 16, (1, 2, 3): 17, (0, 1, 2, 3): 21}, 4)
    nw = nucleolus(w)
    assert nw.point == (F(7, 2), F(9, 2), F(11, 2), F(15, 2)) and _kohlberg(w, nw.point)


# ----------------------------------------------------------------------------- Bloch, Cournot
def test_bloch_cournot_four_firms():
    """Cournot, N = 4, P = max(17 - Q, 0), q_i in {2, 3, 5}, blocks play Nash (pessimistic selection);
    per-capita values v(B; pi)/|B| by class:
    (4): max Q(17 - Q) = 72 at Q = 8 or 9: 18 each.
    (3, 1): facing q = 5 the triple maximizes T(12 - T) at T = 6 (36); facing T = 6 the single earns
    2*9, 3*8, 5*6: q = 5 (30); the only equilibrium: triple 12 each, single 30.
    (2, 2): facing 6 a pair's T(11 - T) is 30 at T = 5 or 6; (6, 6) (welfare 60) and (5, 6) (66) are
    equilibria: pessimistic (6, 6), 15 each.
    (2, 1, 1): (4, 5, 5) with P = 3 -- the pair facing 10 earns 4*3 > 5*2, a single facing 9 is indifferent
    between 3 and 5 (15) -- has welfare 42, the lowest: pair 6 each, singles 15.
    (1, 1, 1, 1): all produce 5, P = 0 (each indifferent, every option earns 0), welfare 0, the lowest.
    Size announcements (Bloch 1996, Thm 1.1), K = 3: if P0 stands alone, P1 alone (15 at (1, 1, 2),
    P2 then takes the pair, 6 > 0) beats a triple (12) and a pair (6): P0 gets 15; a pair gives P0
    6 (P2 is indifferent between (2, 2) and (2, 1, 1) at 15 and the smallest coalition rule picks 1);
    a triple 12.  So {P0}, {P1}, {P2, P3} forms.  K = 4: the grand coalition's 18 > 15: it forms."""
    g = cournot(4, 17, 0, (2, 3, 5))
    nash = Rules(timing="nash")
    pf = partition_function(g, 4, nash)
    per_capita = {s: tuple(v / len(b) for v, b in zip(vals, s)) for s, vals in pf.values.items()}
    assert per_capita == {((0, 1, 2, 3),): (18,), ((0, 1, 2), (3,)): (12, 30), ((0, 1), (2, 3)): (15, 15),
                          ((0, 1), (2,), (3,)): (6, 15, 15), ((0,), (1,), (2,), (3,)): (0, 0, 0, 0)}
    for sym in (True, False):  # size announcements and the dense stationary-equilibrium induction agree
        b3 = bloch_sequential(g, 3, nash, use_symmetry=sym)
        assert b3.structure == ((0,), (1,), (2, 3)) and b3.payoffs == (15, 15, 6, 6)
        assert bloch_sequential(g, 4, nash, use_symmetry=sym).structure == ((0, 1, 2, 3),)
    # the ties resolved the other way ("largest"): P2 answers P0's pair with a pair (15), so P0 is
    # indifferent between a pair and standing alone (15 both) and takes the pair: two pairs form
    assert bloch_sequential(g, 3, nash, tie="largest").structure == ((0, 1), (2, 3))


# ----------------------------------------------------------------------------- largest consistent set
def test_largest_consistent_set_public_goods():
    """Three-player public goods, r = 2, e = 1, K = 3, equal sharing: no contract pays 1 each; a pair
    contributes (4/3 each) and the single free-rides on it (7/3); N pays 2 each.  From no contract the
    pair {P0, P1} forming is never deterred: every state reachable from {P0, P1}{P2} pays both of them at
    least 4/3 > 1, so no contract is not in the LCS.  The four other states are: a member leaving N
    (7/3 > 2 at {P0}{P1, P2}) ends, by some chain, at a pair structure where it is a pair member (4/3),
    which deters it; the brute-force test below checks the definition on such an answer.
    Source: Chwe (1994), definitions of consistency and of the LCS."""
    g = public_goods(3, 2, 1)
    r = farsighted_stability(g, 3, Rules(timing="nash"))
    singles = ((0,), (1,), (2,))
    assert len(r.states) == 5 and singles not in r.lcs and len(r.lcs) == 4
    assert r.payoffs[((0,), (1, 2))] == (F(7, 3), F(4, 3), F(4, 3))


def _brute_moves(pi, U, n):
    for size in range(1, n + 1):
        for S in itertools.combinations(range(n), size):
            new = tuple(sorted([S] + [t for t in (tuple(i for i in b if i not in S) for b in pi) if t]))
            if new != pi and new in U:
                yield S, new


def _brute_dominates(c, b, U, n):
    """c >> b by Chwe's definition: a chain of distinct states from b ending at c, every mover strictly
    better off at c than where it moves from."""
    stack = [(b, {b})]
    while stack:
        a, seen = stack.pop()
        for S, nxt in _brute_moves(a, U, n):
            if all(U[c][i] > U[a][i] for i in S):
                if nxt == c:
                    return True
                if nxt not in seen:
                    stack.append((nxt, seen | {nxt}))
    return False


def _brute_consistent(Y, U, n):
    return all(any((c == b or _brute_dominates(c, b, U, n)) and not all(U[c][i] > U[a][i] for i in S) for c in Y)
               for a in Y for S, b in _brute_moves(a, U, n))


def _check_lcs_by_brute_force(g, k, rules):
    r = farsighted_stability(g, k, rules)
    n, states, U = g.n_players, list(r.states), r.payoffs
    assert all(r.dominates(c, b) == _brute_dominates(c, b, U, n) for c in states for b in states)
    assert _brute_consistent(set(r.lcs), U, n)
    # the largest: every consistent set lies inside the LCS (Chwe 1994, Proposition 1), over all subsets
    for m in range(1, len(states) + 1):
        for Y in itertools.combinations(states, m):
            if _brute_consistent(set(Y), U, n):
                assert set(Y) <= set(r.lcs)
    return r


def test_lcs_brute_force_on_the_definition():
    """The LCS is the largest consistent set: check consistency of the answer and that every consistent
    set lies inside it, by brute force over chains (every simple chain) on a 3-player game."""
    r = _check_lcs_by_brute_force(cournot(3, 12, 0, (2, 3)), 3, Rules(timing="nash"))
    assert len(r.states) == 5


@settings(deadline=None)
@given(st.integers(0, 10_000), st.sampled_from([2, 3]), st.sampled_from(["nash", "stackelberg"]))
def test_lcs_brute_force_on_random_games(seed, k, timing):
    """Random 3-player games (2 x 2 x 3 actions, integer payoffs): indirect dominance, consistency and
    largest-ness against the brute force of the definition (Chwe 1994)."""
    g = from_spec(f"random:shape=2|2|3,seed={seed}")
    try:
        _check_lcs_by_brute_force(g, k, Rules(timing=timing))
    except ValueError as exc:  # a structure without a pure outcome: not a state; nothing to compare
        assert "pure" in str(exc)


def test_farsighted_budget_refuses_at_once():
    g = public_goods(10, 3, 1)
    t0 = time.perf_counter()
    with pytest.raises(SizeLimitError, match="115975 coalition structures .* exceed max_structures=10000"):
        farsighted_stability(g, 10)
    assert time.perf_counter() - t0 < 1


# ----------------------------------------------------------------------------- cross-checks
def _kohlberg(v, x):
    """Kohlberg (1971): x is the nucleolus iff for every level the coalitions with the largest excesses
    (with the singletons at their worth when x is an imputation) form a balanced collection. Float LP."""
    from scipy.optimize import linprog

    n = v.n
    coals = [c for r in range(1, n) for c in itertools.combinations(range(n), r)]
    ex = {c: v.value(c) - sum(x[i] for i in c) for c in coals}
    levels = sorted(set(ex.values()), reverse=True)
    fixed = [c for c in coals if len(c) == 1 and x[c[0]] == v.value(c)]
    acc: list = []
    for lv in levels:
        acc += [c for c in coals if ex[c] == lv]
        cols = acc
        A = np.array([[1.0 if i in c else 0.0 for c in cols] + [1.0 if i in f else 0.0 for f in fixed]
                      for i in range(n)])
        m = len(cols)
        res = linprog(np.zeros(A.shape[1]), A_eq=A, b_eq=np.ones(n),
                      bounds=[(1e-6, None)] * m + [(0, None)] * len(fixed))
        if res.status != 0:
            return False
    return True


worths3 = st.lists(st.integers(-3, 9), min_size=7, max_size=7)


@settings(deadline=None)
@given(st.integers(3, 4), st.data())
def test_cooperative_values_against_coopgt_and_kohlberg(n, data):
    """Random TU games: the Shapley value equals the exact average of marginal contributions over the
    n! orders (Shapley 1953, by brute force) and coopgt's (Vince Knight's cooperative game library,
    the same average in floats); the core is empty iff coopgt's Bondareva-Shapley LP finds no point;
    a core point satisfies every coalition; the nucleolus meets Kohlberg's balancedness criterion.
    Only the coopgt lines need coopgt."""
    coals = [c for r in range(1, n + 1) for c in itertools.combinations(range(n), r)]
    vals = data.draw(st.lists(st.integers(-3, 12), min_size=len(coals), max_size=len(coals)))
    v = _game(dict(zip(coals, vals)), n)
    worth = {(): F(0), **{c: F(val) for c, val in zip(coals, vals)}}
    orders = list(itertools.permutations(range(n)))
    brute = [sum((worth[tuple(sorted(o[:o.index(i) + 1]))] - worth[tuple(sorted(o[:o.index(i)]))] for o in orders),
                 F(0)) / len(orders) for i in range(n)]
    assert list(shapley_value(v).values) == brute
    c = core(v)
    if not c.empty:
        assert all(sum(c.point[i] for i in S) >= v.value(S) for S in coals)
    assert _kohlberg(v, nucleolus(v).point)
    if importlib.util.find_spec("coopgt") is not None:
        import coopgt.core
        import coopgt.shapley_value

        cf = {(): 0, **{tuple(i + 1 for i in c): val for c, val in zip(coals, vals)}}
        assert np.allclose([float(x) for x in shapley_value(v).values], coopgt.shapley_value.calculate(cf, n))
        point = coopgt.core.find_core_point(cf, n)
        assert c.empty == (point is None) or c.epsilon == 0


@settings(deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(["gamma", "delta", "alpha", "beta"]), st.sampled_from([2, 3]))
def test_characteristic_function_by_composition_matches_coalition_by_coalition(seed, assumption, k):
    """A typed linear public goods game (random returns and endowments): the compact, by-composition
    characteristic function equals the dense one computed coalition by coalition, and so do the
    cooperative values."""
    rng = np.random.default_rng(seed)
    g = public_goods_compact(counts=[2, 2], r=F(int(rng.integers(5, 15)), 4), e=[int(rng.integers(1, 4)),
                                                                                    int(rng.integers(1, 4))])
    a = characteristic_function(g, k, assumption=assumption)
    b = characteristic_function(g.to_dense(), k, assumption=assumption, use_symmetry=False)
    assert a.by_composition and not b.by_composition
    assert a.table() == b.table()
    assert shapley_value(a).values == shapley_value(b).values
    assert core(a).epsilon == core(b).epsilon
    assert nucleolus(a).point == nucleolus(b).point


def test_gamma_is_the_stackelberg_coalition_value():
    """Under the default timing the gamma worth of S is the tool's bloc value U_S of the Stackelberg
    coalition outcome (pure continuations), the same convention as ``analyze``."""
    from contract_theory.contracting.coalitions.normal_form import coalition_outcome

    g = cournot(3, 12, 0, (2, 3, 4))
    v = characteristic_function(g, 3, Rules(), assumption="gamma", use_symmetry=False)
    for S in [(0, 1), (0, 2), (1, 2)]:
        assert v.value(S) == coalition_outcome(g, S, mixed=False).bloc_value


# ----------------------------------------------------------------------------- the command
def test_coalitions_command_json_keys_and_names(capsys):
    assert main(["coalitions", "public_goods:n=3,r=2,e=1", "--k", "3", "--concept", "shapley", "--format",
                 "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert list(doc) == ["concept", "assumption", "parameters", "values", "shares", "core", "structures",
                         "complete", "notes"]
    assert doc["shares"] == {"P0": "2", "P1": "2", "P2": "2"} and doc["core"]["empty"] is False
    assert doc["values"][0] == {"coalition": ["P0"], "indices": [0], "value": "1", "count": 3}
    for concept in ("djgw", "pis", "core", "nucleolus", "bloch", "lcs"):
        for fmt in ("text", "latex"):
            assert main(["coalitions", "public_goods:n=3,r=2,e=1", "--k", "3", "--concept", concept,
                         "--format", fmt]) == 0
            out = capsys.readouterr().out
            assert "None" not in out and "(0," not in out and "[0" not in out and "P0" in out
    # many players: the text lists MAX_ROWS shares and core entries and says how many more
    assert main(["coalitions", "public_goods:n=30,r=3,e=1", "--k", "2", "--concept", "shapley"]) == 0
    out = capsys.readouterr().out
    assert "... 6 more players (--format json lists them all)" in out and "P24 " not in out
    assert "\nP23     1\n... 6 more players" in out and "P23 1, and 6 more players (--format json lists them all)" in out


def test_coalitions_command_refuses_in_one_line(capsys):
    t0 = time.perf_counter()
    assert main(["coalitions", "public_goods:n=100,r=3,e=1", "--k", "3", "--concept", "lcs"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "max_structures" in err and time.perf_counter() - t0 < 5
    with pytest.raises(ParameterError, match="unknown assumption"):
        characteristic_function(public_goods(3, 2, 1), 3, assumption="epsilon")
