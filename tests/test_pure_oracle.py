"""Pure Nash equilibria (contract_theory.equilibria.pure, docs/background/model.md#2-solution-concepts) against two oracles.

* pygambit 16.7 ``gbt.nash.enumpure_solve`` and quantecon ``pure_nash_brute`` on random
  games with 2-4 players, 2-4 actions and payoffs in {0, 1, 2} (so ties, hence weak best
  responses and many equilibria, are frequent);
* hypothesis properties: every reported profile has no profitable deviation (exact), every
  other profile has one; relabelling players or actions permutes the answer;
* hand-derived equilibria of the library games (derivations in the docstrings).
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract_theory.equilibria.pure import profitable_deviation, pure_nash_mask, pure_nash_solve
from contract_theory.games.library import (
    cournot,
    el_farol,
    n_stag_hunt,
    prisoners_dilemma,
    public_goods,
    random_game,
    volunteers_dilemma,
)
from contract_theory.games.normal_form import NormalFormGame
from tests.optional import optional

# oracles: only the tests that call them skip when they are missing
gbt = optional("pygambit")
qe_gt = optional("quantecon.game_theory")

F = Fraction


# ----------------------------------------------------------------------------- oracles
def gambit_pure(game: NormalFormGame) -> list[tuple[int, ...]]:
    """Pure equilibria by pygambit's enumpure_solve, as sorted action-index tuples."""
    g = gbt.Game.from_arrays(*[np.array(game.fractions[..., i], dtype=object) for i in range(game.n_players)])
    players = list(g.players)
    out = []
    for eq in gbt.nash.enumpure_solve(g).equilibria:
        prof = []
        for p in players:
            probs = [eq[s] for s in p.strategies]
            assert sorted(probs) == [0] * (len(probs) - 1) + [1]
            prof.append(probs.index(1))
        out.append(tuple(prof))
    return sorted(out)


def quantecon_pure(game: NormalFormGame) -> list[tuple[int, ...]]:
    """Pure equilibria by quantecon's pure_nash_brute on the integer table (exact as floats)."""
    g = qe_gt.NormalFormGame(game.table.astype(np.float64))
    return sorted(tuple(int(a) for a in p) for p in qe_gt.pure_nash_brute(g))


def ours(game: NormalFormGame) -> list[tuple[int, ...]]:
    return list(pure_nash_solve(game).equilibria)


def _random_cases(count: int, seed: int) -> list[NormalFormGame]:
    rng = np.random.default_rng(seed)
    cases = []
    for k in range(count):
        n = int(rng.integers(2, 5))
        shape = tuple(int(m) for m in rng.integers(2, 5, size=n))
        if np.prod(shape) > 64 and k % 3:  # keep most games small; every third may be up to 4^4
            shape = shape[:3]
        cases.append(random_game(shape, 0, 2, seed=int(rng.integers(0, 2**31))))
    return cases


def _check_against_oracles(games: list[NormalFormGame]) -> tuple[int, int]:
    """Compare with both oracles; return (#games without, #games with >= 2 pure equilibria)."""
    none = several = 0
    for game in games:
        mine = ours(game)
        assert mine == gambit_pure(game), game
        assert mine == quantecon_pure(game), game
        none += not mine
        several += len(mine) >= 2
    return none, several


def test_oracles_agree_on_random_games():
    games = _random_cases(40, seed=1)
    none, several = _check_against_oracles(games)
    assert none >= 1 and several >= 20  # both kinds occur: the comparison is not vacuous


@pytest.mark.slow
def test_oracles_agree_sweep():
    games = _random_cases(300, seed=2)
    none, several = _check_against_oracles(games)
    # with payoffs in {0,1,2} most games have several pure equilibria, a few have none
    assert none >= 2 and several >= 200
    # fractional payoffs (common denominator 7) and negative ones
    for seed in range(30):
        g = random_game((3, 2, 3), -3, 3, seed=seed, denominator=7)
        assert ours(g) == gambit_pure(g) == quantecon_pure(g)


# ----------------------------------------------------------------------------- properties
@st.composite
def small_games(draw):
    n = draw(st.integers(1, 4))
    shape = tuple(draw(st.lists(st.integers(1, 3), min_size=n, max_size=n)))
    size = int(np.prod(shape)) * n
    vals = draw(st.lists(st.integers(-2, 2), min_size=size, max_size=size))
    scale = draw(st.sampled_from([F(1), F(1, 3), F(5, 2)]))
    return NormalFormGame(np.array([v * scale for v in vals], dtype=object).reshape(shape + (n,)))


@given(small_games())
def test_reported_iff_no_profitable_deviation(game):
    reported = set(ours(game))
    for prof in game.profiles():
        dev = profitable_deviation(game, prof)
        if prof in reported:
            assert dev is None
        else:
            assert dev is not None
            i, b = dev
            alt = list(prof)
            alt[i] = b
            assert game.payoff(tuple(alt), i) > game.payoff(prof, i)  # exact Fractions
    # independent brute force over the Fraction array (no integer table involved)
    brute = []
    for prof in game.profiles():
        ok = True
        for i in range(game.n_players):
            for b in range(game.shape[i]):
                alt = list(prof)
                alt[i] = b
                if game.fractions[tuple(alt) + (i,)] > game.fractions[prof + (i,)]:
                    ok = False
        if ok:
            brute.append(prof)
    assert ours(game) == brute
    assert pure_nash_mask(game).sum() == len(brute)


@given(small_games(), st.data())
def test_permutations_permute_the_answer(game, data):
    n = game.n_players
    order = data.draw(st.permutations(range(n)))
    permuted = game.permute_players(order)
    expected = sorted(tuple(p[order[k]] for k in range(n)) for p in ours(game))
    assert ours(permuted) == expected
    i = data.draw(st.integers(0, n - 1))
    aorder = data.draw(st.permutations(range(game.shape[i])))
    inverse = {old: new for new, old in enumerate(aorder)}
    relabelled = game.permute_actions(i, aorder)
    expected = sorted(p[:i] + (inverse[p[i]],) + p[i + 1:] for p in ours(game))
    assert ours(relabelled) == expected


@given(small_games(), st.sampled_from([F(1, 2), F(3), F(7, 5)]), st.integers(-3, 3))
def test_positive_affine_transformations_keep_equilibria(game, a, b):
    scaled = game.with_payoffs(game.fractions * a + b)
    assert ours(scaled) == ours(game)


# ----------------------------------------------------------------------------- hand-derived values
def test_prisoners_dilemma():
    """D strictly dominates C (5 > 3, 1 > 0): the unique equilibrium is (D,D) with payoffs (1,1)."""
    g = prisoners_dilemma()
    assert ours(g) == [(1, 1)]
    assert g.payoff((1, 1)) == (F(1), F(1))


def test_volunteers_dilemma_four_players():
    """b=2, c=1.  With exactly one volunteer, she gets 1 (> 0 if she ignores: nobody volunteers)
    and each of the others gets 2 (> 1 if he volunteers too): equilibrium.  With none, anyone
    gains 1 by volunteering; with two or more, a volunteer gains 1 by ignoring.  So the
    equilibria are exactly the 4 one-volunteer profiles (action 0 = Volunteer)."""
    g = volunteers_dilemma(4)
    expected = sorted(tuple(0 if j == k else 1 for j in range(4)) for k in range(4))
    assert ours(g) == expected
    for prof in expected:
        assert sorted(g.payoff(prof)) == [F(1), F(2), F(2), F(2)]


def test_cournot_default():
    """a=12, c=0, grid {0,2,3,4,6}, u_i = q_i (12 - q_1 - q_2).  Best responses:
    BR(0)={6} (36), BR(2)={4,6} (24 each), BR(3)={4} (20), BR(4)={4} (16 vs 15 at 3, 12 at 6),
    BR(6)={3} (9).  Mutual best responses: only (4,4), with payoffs 4*4 = 16 each."""
    g = cournot()
    assert ours(g) == [(3, 3)]
    assert g.labels((3, 3)) == ("4", "4")
    assert g.payoff((3, 3)) == (F(16), F(16))


def test_el_farol_five_three():
    """Go pays +1 if attendance <= 3 else -1, stay pays 0.  With k goers: a goer keeps going iff
    k <= 3; a stayer stays iff going would give k+1 > 3, i.e. k >= 3.  So the equilibria are
    exactly the C(5,3) = 10 profiles with three goers (action 0 = Go)."""
    g = el_farol(5, 3)
    expected = sorted(p for p in itertools.product(range(2), repeat=5) if p.count(0) == 3)
    assert len(expected) == 10
    assert ours(g) == expected


def test_n_stag_hunt_three_threshold_two():
    """stag=4, hare=3, m=2.  With k stag hunters: k=3: a stag hunter gets 4 > 3 -> equilibrium;
    k=2: a hare hunter joining makes 3 hunters and gets 4 > 3 -> not; k=1: the lone hunter gets
    0 < 3 -> not; k=0: a deviator would be a lone hunter (0 < 3) -> equilibrium.  So exactly
    all-Stag and all-Hare."""
    g = n_stag_hunt(3, m=2)
    assert ours(g) == [(0, 0, 0), (1, 1, 1)]
    assert g.payoff((0, 0, 0)) == (F(4),) * 3 and g.payoff((1, 1, 1)) == (F(3),) * 3


def test_public_goods_all_keep():
    """u_i = 20 - c_i + (2/5) sum c: contributing 20 changes one's own payoff by -20 + 8 = -12,
    so keeping is strictly dominant: unique equilibrium all-0 with payoff 20 each."""
    g = public_goods(4, "8/5", 20)
    assert ours(g) == [(0, 0, 0, 0)]
    assert g.payoff((0, 0, 0, 0)) == (F(20),) * 4


@pytest.mark.parametrize("make", [prisoners_dilemma, lambda: volunteers_dilemma(4), cournot,
                                  lambda: el_farol(5, 3), lambda: n_stag_hunt(3, m=2)])
def test_library_games_match_oracles(make):
    g = make()
    assert ours(g) == gambit_pure(g) == quantecon_pure(g)
