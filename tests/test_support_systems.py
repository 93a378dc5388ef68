"""Pair elimination for support systems, the vectorized dominance pruning, and the one-equilibrium
N-player method (contract_theory.equilibria.support_systems, .support_enumeration, .logit_path).

Independent checks: the Groebner-basis method of support_enumeration on the same support profile
(a different algorithm: grevlex Buchberger + FGLM in sympy) must give the same equilibria as the
pair elimination; pygambit's enumpoly (float) equilibria must all be among ours; a direct loop
re-implementation of conditional dominance; the exact Nash check with Fractions.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import contract_theory.equilibria.logit_path as lp
import contract_theory.equilibria.support_systems as ss
from contract_theory.equilibria.logit_path import exact_regret, one_equilibrium_solve
from contract_theory.equilibria.support_enumeration import (
    AlgebraicProfile,
    _fast_profile,
    _groebner_profile,
    conditionally_dominated,
    nplayer_mixed_solve,
    support_profiles,
)
from contract_theory.games.library import matching_pennies, random_game
from contract_theory.games.normal_form import NormalFormGame
from tests.optional import optional

gbt = optional("pygambit")


def _approx(prof):
    if isinstance(prof, AlgebraicProfile):
        return tuple(tuple(round(v, 7) for v in s) for s in prof.approx(20))
    return tuple(tuple(round(float(v), 7) for v in s) for s in prof.strategies)


def _dominated_loop(table, supports):
    """Reference: some k in S_i and some b in A_i with u_i(b, r) > u_i(k, r) for every r in S_-i."""
    n = len(supports)
    for i in range(n):
        others = [supports[j] if j != i else [None] for j in range(n)]
        for k in supports[i]:
            for b in range(table.shape[i]):
                rs = list(itertools.product(*others))
                if all(table[tuple(b if j == i else r[j] for j in range(n)) + (i,)]
                       > table[tuple(k if j == i else r[j] for j in range(n)) + (i,)] for r in rs):
                    return True
    return False


@pytest.mark.parametrize("shape", [(3, 3, 3), (2, 2, 2, 2), (2, 3, 2)])
def test_dominance_table_matches_the_loop(shape):
    for seed in range(2):
        g = random_game(shape, 0, 5, seed=seed)
        profs = support_profiles(shape)
        assert conditionally_dominated(g.table, profs).tolist() == [_dominated_loop(g.table, p) for p in profs]


@pytest.mark.parametrize("shape,seed", [((2, 2, 2, 2), 0), ((2, 2, 2, 2), 1), ((3, 3, 3), 0), ((3, 3, 2), 2)])
def test_pair_elimination_equals_groebner_on_every_support(shape, seed):
    """seed 0 of 2x2x2x2 has a rank drop of M_a inside the parameter square (the special branch)."""
    g = random_game(shape, 0, 99, seed=seed)
    rng = np.random.default_rng(0)
    checked = 0
    for sup, dom in zip(support_profiles(shape), conditionally_dominated(g.table, support_profiles(shape))):
        if dom or sum(len(s) > 1 for s in sup) < 2 or sup == ((0, 1, 2),) * 3:
            continue  # the totally mixed 3x3x3 support takes seconds in sympy
        fast = _fast_profile(g, sup)
        if fast is None:
            continue
        slow, note = _groebner_profile(g, sup, rng)
        assert note is None
        assert sorted(_approx(p) for _k, p in fast) == sorted(_approx(p) for _k, p in slow), sup
        checked += 1
    assert checked >= 5


@settings(max_examples=8)
@given(st.sampled_from([(2, 2, 2), (3, 2, 2), (2, 2, 2, 2)]), st.integers(0, 10**6))
def test_contains_every_enumpoly_equilibrium(shape, seed):
    g = random_game(shape, 0, 99, seed=seed)
    r = nplayer_mixed_solve(g)
    ours = [np.concatenate([np.array(s, dtype=float) for s in _approx(p)]) for p in r.all_equilibria]
    gg = gbt.Game.from_arrays(*[g.table[..., i].astype(int) for i in range(g.n_players)])
    for eq in gbt.nash.enumpoly_solve(gg).equilibria:
        v = np.array([float(eq[s]) for s in gg.strategies])
        assert any(np.abs(v - o).max() < 1e-6 for o in ours), v


def _certified(game, prof):
    if isinstance(prof, AlgebraicProfile):  # independent float check at 30 digits
        s = [list(x) for x in prof.approx(30)]
        for i in range(game.n_players):
            dev = game.deviation_payoffs(_renorm(s), i)
            best = max(dev)
            assert all(float(best - d) < 1e-6 for k, d in enumerate(dev) if s[i][k] > 1e-9)
        return True
    strat = [list(x) for x in prof.strategies]
    for i in range(game.n_players):
        dev = game.deviation_payoffs(strat, i)
        assert all(dev[k] == max(dev) for k, p in enumerate(strat[i]) if p > 0)
    return True


def _renorm(s):
    out = []
    for t in s:
        fr = [Fraction(v).limit_denominator(10**12) for v in t]  # near the algebraic point
        tot = sum(fr)
        out.append([v / tot for v in fr])
    return out


@pytest.mark.parametrize("shape,seed", [((3, 3, 3), 2), ((2, 2, 2, 2), 2), ((2, 2, 2, 2, 2), 0)])
def test_one_equilibrium_certified_on_3_4_5_players(shape, seed):
    g = random_game(shape, 0, 99, seed=seed)
    r = one_equilibrium_solve(g)
    assert r.epsilon is None and len(r.all_equilibria) == 1 and not r.complete
    prof = r.all_equilibria[0]
    assert _certified(g, prof)
    if g.n_players <= 4:  # and it is one of the equilibria of the complete enumeration
        assert _approx(prof) in {_approx(p) for p in nplayer_mixed_solve(g).all_equilibria}


def test_epsilon_equilibrium_when_nothing_certifies(monkeypatch):
    monkeypatch.setattr(lp, "_best_on_supports", lambda *a: None)
    g = random_game((2, 2, 2), 0, 9, seed=3)
    r = one_equilibrium_solve(g)
    assert r.equilibria == () and r.approximate is not None
    strat = [list(s) for s in r.approximate.strategies]
    assert r.epsilon == exact_regret(g, strat) and r.epsilon >= 0
    assert f"epsilon = {r.epsilon}" in r.notes[0]


def test_exact_regret_by_hand():
    """Matching pennies at (Heads, Heads): the column player gains 2 by switching to Tails."""
    assert exact_regret(matching_pennies(), [[1, 0], [1, 0]]) == 2
    assert exact_regret(matching_pennies(), [["1/2", "1/2"], ["1/2", "1/2"]]) == 0


# ---------------------------------------------------------------- the early-rejection paths of support_systems
def _u(table, profile, player):
    return Fraction(int(table[tuple(profile) + (player,)]))


def _indifferent_mix(table, i, j, base):
    """Player j's mix (q, 1 - q) making player i indifferent between its actions 0 and 1 when the other
    players play ``base``: q d(0) + (1 - q) d(1) = 0 with d(c) = u_i(1, c) - u_i(0, c), so
    q = d(1) / (d(1) - d(0)).  A hand formula, independent of the module."""
    def d(c):
        hi, lo = list(base), list(base)
        hi[i], lo[i], hi[j], lo[j] = 1, 0, c, c
        return _u(table, hi, i) - _u(table, lo, i)
    return d(1) / (d(1) - d(0))


def test_two_mixers_of_equal_size_by_the_linear_systems():
    """2x2x2 seed 0, supports ({0, 1}, {0, 1}, {0}): by hand (payoffs with player 2 on action 0)
    u_1: 63 (0,0), 1 (0,1), 60 (1,0), 93 (1,1): 63p + 60(1 - p) = p + 93(1 - p) gives p = 33/95;
    u_0: 85, 7, 50, 55: 85q + 7(1 - q) = 50q + 55(1 - q) gives q = 48/83; player 2 earns more on 0.
    Equal support sizes used to take the D = 0 elimination; now both linear systems directly."""
    g = random_game((2, 2, 2), 0, 99, seed=0)
    p = _indifferent_mix(g.table, 1, 0, [0, 0, 0])
    q = _indifferent_mix(g.table, 0, 1, [0, 0, 0])
    assert (p, q) == (Fraction(33, 95), Fraction(48, 83))
    mix = {(a, b): (p if a == 0 else 1 - p) * (q if b == 0 else 1 - q) for a in (0, 1) for b in (0, 1)}
    u2 = [sum(w * _u(g.table, (a, b, c), 2) for (a, b), w in mix.items()) for c in (0, 1)]
    assert u2[0] > u2[1]
    [(pt, probs)] = ss.solve_support(g.table, [(0, 1), (0, 1), (0,)])
    assert pt.degree == 1 and [[str(x) for x in row] for row in probs] == [["33/95", "62/95"], ["48/83", "35/83"],
                                                                           ["1", "0"]]


def test_two_mixers_rejected_by_the_exact_best_response_check():
    """2x2x2 seed 0, supports ({0}, {0, 1}, {0, 1}): the indifference mixes are positive, but player 0,
    pure on action 0, earns strictly more on action 1 (computed here with Fractions)."""
    g = random_game((2, 2, 2), 0, 99, seed=0)
    p1 = _indifferent_mix(g.table, 2, 1, [0, 0, 0])  # player 1's mix keeps player 2 indifferent
    p2 = _indifferent_mix(g.table, 1, 2, [0, 0, 0])
    assert 0 < p1 < 1 and 0 < p2 < 1
    mix = {(b, c): (p1 if b == 0 else 1 - p1) * (p2 if c == 0 else 1 - p2) for b in (0, 1) for c in (0, 1)}
    u0 = [sum(w * _u(g.table, (a, b, c), 0) for (b, c), w in mix.items()) for a in (0, 1)]
    assert u0[1] > u0[0]
    assert ss.solve_support(g.table, [(0,), (0, 1), (0, 1)]) == []
    slow, note = _groebner_profile(g, ((0,), (0, 1), (0, 1)), np.random.default_rng(0))
    assert (slow, note) == ([], None)


def test_roots_with_a_nonpositive_probability_are_rejected_before_normalizing(monkeypatch):
    """2x2x2 seed 10, all supports mixed: theta = sigma_2(1) is a root of 78810 t^2 - 100673 t + 18603;
    at the larger root some probability is <= 0, so only root 0 reaches the payoff check (seen
    through :func:`ss._positive_roots`); the equilibrium equals the Groebner method's.  Seed 1: the
    candidate exists at both real roots and neither is positive (no equilibrium)."""
    monkeypatch.setattr(ss, "_three_mixers_excluded", lambda *a: False)  # would answer seed 1 before the elimination
    monkeypatch.setattr(ss, "_three_binary_mixers", lambda *a: None)  # the pair elimination, not the eliminant Q
    seen = []
    original = ss._positive_roots

    def spy(*args):
        out = original(*args)
        seen.append((ss._n_real_roots(args[1]), out))
        return out

    monkeypatch.setattr(ss, "_positive_roots", spy)
    g = random_game((2, 2, 2), 0, 99, seed=10)
    [(pt, probs)] = ss.solve_support(g.table, [(0, 1), (0, 1), (0, 1)])
    assert seen == [(2, [0])]
    assert [int(c) for c in pt.poly.coeffs()] == [18603, -100673, 78810] and pt.index == 0
    assert [[int(c) for c in x.coeffs()] for x in probs[2]] == [[1, -1], [0, 1]]  # sigma_2 = (1 - theta, theta)
    slow, note = _groebner_profile(g, ((0, 1),) * 3, np.random.default_rng(0))
    assert note is None and [_approx(p) for _k, p in slow] == [_approx(p) for _k, p in _fast_profile(g, ((0, 1),) * 3)]
    seen.clear()
    assert ss.solve_support(random_game((2, 2, 2), 0, 99, seed=1).table, [(0, 1)] * 3) == []
    assert seen == [(2, [])]


def test_rank_drop_points_outside_the_simplex_are_skipped(monkeypatch):
    """2x2x3, all supports mixed: M_a or M_b loses rank at parameter points; those outside the open
    simplex (``_inside`` False) are skipped before their linear system (``_rank_drop_candidates``).
    Seed 0: kappa_b is excluded by its signs at the pure profiles of player 2, kappa_a's one point is
    outside, no linear system; seed 6: one point of each kind, one linear system; seed 3: both kappas
    excluded, no point computed.  No equilibrium has these supports (seed 0: the Groebner method agrees)."""
    monkeypatch.setattr(ss, "_three_mixers_excluded", lambda *a: False)  # would answer before the elimination
    verdicts, systems = [], []
    inside, candidates = ss._inside, ss._rank_drop_candidates
    monkeypatch.setattr(ss, "_inside", lambda *a: verdicts.append(inside(*a)) or verdicts[-1])
    monkeypatch.setattr(ss, "_rank_drop_candidates", lambda *a: systems.append(a[1:]) or candidates(*a))
    sup = ((0, 1), (0, 1), (0, 1, 2))
    g = random_game((2, 2, 3), 0, 99, seed=0)
    assert ss.solve_support(g.table, sup) == [] and (verdicts, systems) == ([False], [])
    slow, note = _groebner_profile(g, sup, np.random.default_rng(0))
    assert (slow, note) == ([], None)
    for seed, expect, n_systems in ((6, [True, False], 1), (3, [], 0)):
        verdicts.clear()
        systems.clear()
        assert ss.solve_support(random_game((2, 2, 3), 0, 99, seed=seed).table, sup) == []
        assert (verdicts, len(systems)) == (expect, n_systems)


def test_mixed_signs_of_a_three_entry_kappa_reject_every_root(monkeypatch):
    """3x3x2 seed 0, supports ({0, 1, 2}, {0, 1, 2}, {0, 1}): the candidate's factor has 4 real roots and
    at none of them are the three entries of a kappa vector of one strict sign (a looser test, 'some
    entries share the first sign', would pass roots 1 and 2 on to the payoffs)."""
    seen = []
    original = ss._positive_roots
    monkeypatch.setattr(ss, "_positive_roots",
                        lambda *a: seen.append((ss._n_real_roots(a[1]), original(*a))) or seen[-1][1])
    g = random_game((3, 3, 2), 0, 99, seed=0)
    ss.solve_support(g.table, [(0, 1, 2), (0, 1, 2), (0, 1)])
    assert (4, []) in seen


def test_low_degree_real_roots_in_closed_form():
    """sqrt(2) and -sqrt(2); -1 and 5/2 (2t^2 - 3t - 5 = (2t - 5)(t + 1)); none for t^2 + 1; -2/3 for
    3t + 2: the same count as flint's isolation, each ball overlapping flint's and containing the root."""
    import flint

    cases = {(-2, 0, 1): [-(2 ** 0.5), 2 ** 0.5], (-5, -3, 2): [-1.0, 2.5], (1, 0, 1): [], (2, 3): [-2 / 3]}
    for coeffs, roots in cases.items():
        for prec in (64, 256):
            ours = ss.real_roots(flint.fmpz_poly(list(coeffs)), prec)
            theirs = ss._real_roots_cached(coeffs, prec)
            assert len(ours) == len(theirs) == len(roots)
            assert all(a.overlaps(b) and abs(float(a.mid()) - r) < 1e-12 for a, b, r in zip(ours, theirs, roots))
    assert ss._low_degree_roots((-5, -3, 2), 64)[1].contains(flint.fmpq(5, 2))


def test_evaluation_at_a_point_equals_the_direct_sum():
    """_at (cached reduced monomials) against the term-by-term evaluation, at a point of Q(sqrt 2)."""
    import flint

    ctx = flint.fmpz_mpoly_ctx.get(("u", "v"), "lex")
    u, v = ctx.gens()
    q = 3 * u**2 * v - 5 * u * v**3 + 7 * v - 2
    F = ss._Field(flint.fmpz_poly([-2, 0, 1]))
    t = flint.fmpq_poly([0, 1])
    vals = [F.red(t + 1), F.red(flint.fmpq(1, 3) * t - 2)]
    direct = F.red(3 * vals[0] ** 2 * vals[1] - 5 * vals[0] * vals[1] ** 3 + 7 * vals[1] - 2)
    assert ss._at(q, vals, F) == direct == ss._at(q, vals, F)  # the second call reads the cache


def _one_sign_column(table, i, j, supports):
    """Reference for the vertex test: player i's payoff difference u_i(S_i[1], l, a_P) - u_i(S_i[0], l, a_P)
    has one strict sign over every pure profile a_P of the other players, for some action l of j."""
    others = [p for p in range(len(supports)) if p not in (i, j)]
    for l in supports[j]:
        diffs = []
        for acts in itertools.product(*(supports[p] for p in others)):
            hi, lo = [0] * len(supports), [0] * len(supports)
            for p, x in zip(others, acts):
                hi[p] = lo[p] = x
            hi[i], lo[i], hi[j], lo[j] = supports[i][1], supports[i][0], l, l
            diffs.append(int(g_table(table, hi, i)) - int(g_table(table, lo, i)))
        if all(d > 0 for d in diffs) or all(d < 0 for d in diffs):
            return True
    return False


def g_table(table, profile, player):
    return table[tuple(profile) + (player,)]


def test_rank_drops_excluded_by_the_signs_at_the_pure_parameter_profiles(monkeypatch):
    """2x2x2x2, all supports mixed (a = 0, b = 1, parameters players 2 and 3): kappa_a = (m_1, -m_0) with
    m_l player 0's payoff difference against b's action l, linear in sigma_2 and in sigma_3; one strict
    sign at the four pure (a_2, a_3) excludes a rank drop in the closed square.  The test equals the
    direct look at the table on 12 seeds (seed 5: kappa_a excluded, seed 11: kappa_b); on those seeds the
    number of equilibria is 0 and 1 (seed 11: the Groebner method's), and no rank-drop resultant is
    computed for the excluded vector."""
    sup = ((0, 1),) * 4
    flags = {}
    for seed in range(12):
        g = random_game((2, 2, 2, 2), 0, 99, seed=seed)
        sysm = ss._System(g.table, sup, 0, 1, [2, 3])
        flags[seed] = (ss._nonzero_on_the_simplex(sysm, sysm.kappa_a), ss._nonzero_on_the_simplex(sysm, sysm.kappa_b))
        assert flags[seed] == (_one_sign_column(g.table, 0, 1, sup), _one_sign_column(g.table, 1, 0, sup)), seed
    assert [s for s, f in flags.items() if any(f)] == [5, 11]
    calls = []
    bivariate = ss._bivariate
    monkeypatch.setattr(ss, "_bivariate", lambda *a: calls.append(a) or bivariate(*a))
    monkeypatch.setattr(ss, "_four_binary_mixers", lambda *a: None)  # the pair elimination, not the four-mixer path
    for seed in (5, 11):
        calls.clear()
        fast = _fast_profile(random_game((2, 2, 2, 2), 0, 99, seed=seed), sup)
        assert len(calls) == 2 and len(fast) == {5: 0, 11: 1}[seed]  # the system's and one rank-drop resultant
    g = random_game((2, 2, 2, 2), 0, 99, seed=11)
    slow, note = _groebner_profile(g, sup, np.random.default_rng(0))
    assert note is None and [_approx(p) for _k, p in slow] == [_approx(p) for _k, p in fast]


# ---------------------------------------------------------------- early rejection of three mixers (issue 28 item 2)
def test_three_mixer_eliminant_is_the_pair_eliminations_polynomial():
    """2x2x2 seed 10, all mixed: the pair elimination's theta = sigma_2(1) is a root of
    78810 t^2 - 100673 t + 18603 (test above); the early rejection's Q(r), r = sigma_2(1), built from
    the three bilinear indifference equations alone, is the same polynomial up to the factor -2."""
    g = random_game((2, 2, 2), 0, 99, seed=10)
    Q, _forms, _build = ss._three_mixer_equations(g.table.tolist(), [(0, 1)] * 3, [0, 1, 2])
    assert Q == [-2 * c for c in (18603, -100673, 78810)]
    assert not ss._three_mixers_excluded(g.table.tolist(), [(0, 1)] * 3, [0, 1, 2], (2, 2, 2))  # it has one


def _three_mixer_profiles(shape):
    profiles = [s for s in support_profiles(shape) if sum(len(x) > 1 for x in s) == 3]
    return [s for s in profiles if sorted(len(x) for x in s if len(x) > 1) in ([2, 2, 2], [2, 2, 3])]


@pytest.mark.parametrize("shape,hi,games", [((2, 2, 2), 99, 40), ((3, 3, 3), 99, 6), ((2, 2, 2, 2), 99, 10),
                                            ((3, 3, 2), 9, 10), ((2, 2, 3), 3, 20)])
def test_early_rejection_only_where_the_elimination_finds_nothing(monkeypatch, shape, hi, games):
    """Every support profile the early rejection excludes has no equilibrium by the pair elimination
    (run with the rejection switched off), and by the Groebner method where the elimination declines;
    the rejection fires on most empty profiles (payoffs 0..3 and 0..9 bring ties and rank drops)."""
    excluded = kept_with_equilibria = 0
    for seed in range(games):
        g = random_game(shape, 0, hi, seed=seed)
        for sup in _three_mixer_profiles(shape):
            mixers = [i for i, s in enumerate(sup) if len(s) > 1]
            verdict = ss._three_mixers_excluded(g.table.tolist(), sup, mixers, shape)
            monkeypatch.setattr(ss, "_three_mixers_excluded", lambda *a: False)
            sols = ss.solve_support(g.table, sup)
            if sols is None:
                sols, _note = _groebner_profile(g, sup, np.random.default_rng(0))
            monkeypatch.undo()
            if verdict:
                excluded += 1
                assert sols == [], (seed, sup)
            kept_with_equilibria += bool(sols)
    assert excluded >= games // 2 and kept_with_equilibria >= 1


def _volunteers(gain_alone, gain_helped):
    """Four-player volunteer's dilemma: volunteering (action 1) pays ``gain_alone`` whatever the others do;
    not volunteering pays ``gain_helped`` if another player volunteers, else 0."""
    table = np.zeros((2, 2, 2, 2, 4), dtype=np.int64)
    for prof in itertools.product((0, 1), repeat=4):
        for i in range(4):
            helped = any(prof[j] for j in range(4) if j != i)
            table[prof + (i,)] = gain_alone if prof[i] else (gain_helped if helped else 0)
    return table


@pytest.mark.parametrize("alone,helped,poly,rational", [
    (1, 2, (Fraction(-1, 2), Fraction(3), Fraction(-3), Fraction(1)), None),
    (7, 8, None, Fraction(1, 2)),
])
def test_four_binary_mixers_volunteers_dilemma_by_hand(alone, helped, poly, rational):
    """With x_j the probability that j volunteers, player i's gain from volunteering is
    alone - helped * (1 - prod_{j != i} (1 - x_j)); indifference: prod_{j != i} y_j = c with
    y_j = 1 - x_j and c = 1 - alone / helped.  Dividing two of these equations gives y_i = y_k, so the
    only fully mixed solution is y^3 = c for every player.  alone = 1, helped = 2: c = 1/2,
    x = 1 - 2^(-1/3) (0.2063), a root of (1 - t)^3 = 1/2, i.e. of the irreducible
    t^3 - 3 t^2 + 3 t - 1/2 (its only real root, index 0); every probability is t or 1 - t.
    alone = 7, helped = 8: c = 1/8, y = 1/2, the rational profile (1/2, 1/2) for everyone."""
    table = _volunteers(alone, helped)
    sup = [(0, 1)] * 4
    direct = ss._four_binary_mixers(table.tolist(), sup, [0, 1, 2, 3], (2, 2, 2, 2))
    assert direct is not None and len(direct) == 1  # decided by the four-mixer path, one equilibrium
    ss._FIELDS.clear()
    slow = ss._solve_support(table, sup)  # the pair elimination: the same theta and field elements
    assert [(str(pt.poly), pt.index, str(p)) for pt, p in direct] == [(str(pt.poly), pt.index, str(p)) for pt, p in slow]
    game = NormalFormGame.from_integer_table(table)
    r = nplayer_mixed_solve(game)
    full = [p for p in r.all_equilibria if all(len(p.support(i)) == 2 for i in range(4))]
    assert len(full) == 1 and r.complete
    if poly is not None:
        prof = full[0]
        assert isinstance(prof, AlgebraicProfile) and prof.polynomial == poly and prof.root_index == 0
        one_minus, t = (Fraction(1), Fraction(-1)), (Fraction(0), Fraction(1))  # 1 - t, t (lowest first)
        assert prof.coordinates == ((one_minus, t),) * 4
        assert abs(prof.approx()[0][1] - (1 - 2 ** (-1 / 3))) < 1e-12
    else:
        assert full[0].as_strings() == [["1/2", "1/2"]] * 4


def test_four_binary_mixers_equal_the_pair_elimination():
    """The four-mixer path (one resultant, balls, the profile in Q(theta) with theta = x_u) gives
    exactly the pair elimination's answer (same minimal polynomial, root index and probabilities
    in Q(theta)) on the fully mixed support of 2x2x2x2 games, and decides nearly all of them."""
    sup = [(0, 1)] * 4
    decided = found = 0
    for hi, seeds in ((99, range(40)), (9, range(20))):
        for seed in seeds:
            table = random_game((2, 2, 2, 2), 0, hi, seed=seed).table
            ss._FIELDS.clear()
            fast = ss._four_binary_mixers(table.tolist(), sup, [0, 1, 2, 3], (2, 2, 2, 2))
            ss._FIELDS.clear()
            slow = ss._solve_support(table, sup)
            if fast is None:
                continue
            decided += 1
            found += len(fast)
            assert slow is not None
            key = sorted((str(pt.poly), pt.index, str(probs)) for pt, probs in fast)
            assert key == sorted((str(pt.poly), pt.index, str(probs)) for pt, probs in slow), (hi, seed)
    assert decided >= 50 and found >= 15


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 10**6))
def test_four_binary_mixers_contain_every_fully_mixed_enumpoly_equilibrium(seed):
    g = random_game((2, 2, 2, 2), 0, 99, seed=seed)
    sols = ss.solve_support(g.table, [(0, 1)] * 4)
    ours = [np.array([float(x) for x in _approx(prof)[i]]) for prof in
            (p for p in nplayer_mixed_solve(g).all_equilibria if all(len(p.support(i)) == 2 for i in range(4)))
            for i in range(4)]
    assert sols is not None and len(ours) == 4 * len(sols)
    gg = gbt.Game.from_arrays(*[g.table[..., i].astype(int) for i in range(4)])
    for eq in gbt.nash.enumpoly_solve(gg).equilibria:
        v = np.array([float(eq[s]) for s in gg.strategies])
        if (v > 1e-9).all():
            assert any(np.abs(v - np.concatenate(ours[4 * k:4 * k + 4])).max() < 1e-6 for k in range(len(sols))), v


def test_rank_drop_point_excluded_only_when_the_two_linear_equations_are_inconsistent():
    """At a rank-drop point of player a (its indifference holds for every x_b) b's equation fixes
    x_a = -num / den, and u's and w's equations are alpha z + beta = 0 in z = x_b.  By hand:
    x_a = 1/2 (num = -1, den = 2); E_u = 2 x_b - 1 and E_w = 4 x_b - 2 share x_b = 1/2 (determinant
    2 * (-2) - 4 * (-1) = 0: not excluded); E_w = 4 x_b - 1 does not (determinant 2: excluded); and
    x_a = 3/2 is outside (0, 1) whatever the equations (excluded)."""
    import flint

    ctx = flint.fmpz_mpoly_ctx.get(("u", "w"), "lex")
    c = ctx.from_dict

    def parts(e01, e00):  # (x_a x_b, x_a, x_b, 1) coefficients of E = e01 x_b + e00
        return (c({}), c({}), c({(0, 0): e01}), c({(0, 0): e00}))

    r = w = flint.arb(flint.fmpq(1, 3))
    half, outside = (c({(0, 0): -1}), c({(0, 0): 2})), (c({(0, 0): -3}), c({(0, 0): 2}))
    assert not ss._rank_drop_excluded({2: parts(2, -1), 3: parts(4, -2)}, half, r, w, False)
    assert ss._rank_drop_excluded({2: parts(2, -1), 3: parts(4, -1)}, half, r, w, False)
    assert ss._rank_drop_excluded({2: parts(2, -1), 3: parts(4, -2)}, outside, r, w, False)


def test_three_binary_mixers_equal_the_pair_elimination():
    """Three mixers of two actions (the others pure) from the degree-2 eliminant Q of the early
    rejection: the same answer as the pair elimination (theta = x_c, the same minimal polynomial,
    root index and field elements; a rational root gives constants) on every such support of
    random 2x2x2 (payoffs 0..99 and 0..9), 3x3x2 and 2x2x2x2 games."""
    decided = found = 0
    for shape, hi, seeds in (((2, 2, 2), 99, range(20)), ((2, 2, 2), 9, range(20)), ((3, 3, 2), 9, range(5)),
                             ((2, 2, 2, 2), 99, range(4))):
        for seed in seeds:
            g = random_game(shape, 0, hi, seed=seed)
            profs = support_profiles(shape)
            for sup, dom in zip(profs, conditionally_dominated(g.table, profs)):
                mixers = [i for i, s in enumerate(sup) if len(s) > 1]
                if dom or len(mixers) != 3 or any(len(sup[i]) != 2 for i in mixers):
                    continue
                ss._FIELDS.clear()
                fast = ss._three_binary_mixers(g.table, sup, mixers)
                ss._FIELDS.clear()
                slow = ss._solve_support(g.table, sup)
                if fast is None:
                    continue
                decided += 1
                found += len(fast)
                key = sorted((str(pt.poly), pt.index, str(p)) for pt, p in fast)
                assert slow is not None and key == sorted((str(pt.poly), pt.index, str(p)) for pt, p in slow)
    assert decided >= 70 and found >= 10
