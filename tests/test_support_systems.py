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
