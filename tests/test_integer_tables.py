"""Integer tables end to end (issue 26 item 1): games are built without one Fraction per payoff.

* :func:`~contract_theory.exact.numbers.exact_table` and
  :func:`~contract_theory.exact.numbers.float_table` against the reference path (one
  :class:`~fractions.Fraction` per entry, then :func:`integer_table`): same canonical table,
  same dtype, same denominator, same exactness flag, on random integer, rational, float and
  mixed input (hypothesis).
* ``NormalFormGame`` from every accepted layout equals the game built from Fractions, and
  builds no Fraction until :attr:`fractions` is read.
* Timing: building a 5^5 game from an int64 array costs under 3x its pure-equilibrium
  solve, both sides measured as the best of the same number of timed loops.
"""

from __future__ import annotations

import timeit
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract_theory.equilibria.pure import pure_nash_solve
from contract_theory.errors import GameError
from contract_theory.exact.numbers import (
    canonical_table,
    common_denominator,
    exact_table,
    float_table,
    integer_table,
)
from contract_theory.games.normal_form import NormalFormGame


def _reference(values: list) -> tuple[np.ndarray, int]:
    arr = np.empty(len(values), dtype=object)
    arr[:] = [v if isinstance(v, Fraction) else Fraction(v) for v in values]
    return integer_table(arr)


FLOATS = st.floats(allow_nan=False, allow_infinity=False, allow_subnormal=True)
NUMBERS = st.one_of(st.integers(-(2 ** 70), 2 ** 70), st.integers(-9, 9),
                    st.fractions(-50, 50, max_denominator=12), FLOATS)


@given(st.lists(FLOATS, min_size=1, max_size=30))
def test_float_table_is_the_exact_binary_value_of_every_float(values):
    t, d = float_table(np.array(values, dtype=np.float64))
    ref_t, ref_d = _reference(values)
    assert (t.tolist(), t.dtype, d) == (ref_t.tolist(), ref_t.dtype, ref_d)


@given(st.lists(NUMBERS, min_size=1, max_size=30))
def test_exact_table_equals_the_fraction_path(values):
    t, d, exact = exact_table(values)
    ref_t, ref_d = _reference(values)
    assert (t.tolist(), t.dtype, d) == (ref_t.tolist(), ref_t.dtype, ref_d)
    assert exact == (not any(isinstance(v, float) for v in values))


@given(st.lists(st.integers(-(2 ** 62), 2 ** 62), min_size=1, max_size=30), st.integers(1, 10 ** 6))
def test_canonical_table_of_an_int64_array(values, den):
    t, d = canonical_table(np.array(values, dtype=np.int64), den)
    ref_t, ref_d = _reference([Fraction(v, den) for v in values])
    assert (t.tolist(), t.dtype, d) == (ref_t.tolist(), ref_t.dtype, ref_d)


def test_common_denominator_rescales_and_widens():
    ts, d = common_denominator([(np.array([2 ** 51, 1]), 3), (np.array([1]), 2)])
    assert d == 6
    assert ts[0].dtype == object and ts[0].tolist() == [2 ** 52, 2]  # 2^52 leaves int64's safe range
    assert ts[1].tolist() == [3]


@pytest.mark.parametrize("values, message", [
    (np.array([[1.0, np.nan]]), r"entry \(0, 1\) is not finite"),
    (np.array([True, False]), "booleans"),
    ([[1, 2], [3]], "ragged"),
    ([[1, [2, 3]], [4, 5]], "ragged"),
])
def test_exact_table_refuses_bad_input(values, message):
    with pytest.raises(GameError, match=message):
        exact_table(values)


@st.composite
def integer_games(draw):
    n = draw(st.integers(1, 3))
    shape = tuple(draw(st.lists(st.integers(1, 3), min_size=n, max_size=n)))
    size = int(np.prod(shape)) * n
    vals = draw(st.lists(st.integers(-(2 ** 40), 2 ** 40), min_size=size, max_size=size))
    return np.array(vals, dtype=np.int64).reshape(shape + (n,))


@given(integer_games(), st.sampled_from(["int64", "int32", "list", "per-player", "float", "halves"]))
def test_every_layout_builds_the_fraction_game(arr, layout):
    fr = np.empty(arr.shape, dtype=object)
    fr.reshape(-1)[:] = [Fraction(int(v)) for v in arr.reshape(-1)]
    if layout == "halves":
        fr = fr / 2
        payoffs = arr / 2
    else:
        payoffs = {"int64": arr, "int32": (arr % 2 ** 20).astype(np.int32), "list": arr.tolist(),
                   "per-player": [arr[..., i] for i in range(arr.shape[-1])],
                   "float": arr.astype(np.float64)}[layout]
        if layout == "int32":
            fr = fr % 2 ** 20
    g = NormalFormGame(payoffs)
    ref = NormalFormGame(fr)
    assert g == ref and hash(g) == hash(ref)
    assert (g.table.tolist(), g.table.dtype, g.denominator) == (ref.table.tolist(), ref.table.dtype,
                                                                ref.denominator)
    assert g.exact == (layout not in ("float", "halves"))
    assert g._fr is None  # no Fraction was built
    assert np.array_equal(g.fractions, fr)


def test_transformations_keep_the_table_and_exactness():
    """restrict / permute work on the integer table: the denominator is reduced (payoffs 2/4
    and 6/4 become 1/2 and 3/2), the float flag is kept, and no Fraction is built."""
    g = NormalFormGame(np.array([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]) / 4)  # floats: inexact
    r = g.restrict([[1], [0, 1]])
    assert (r.table.tolist(), r.denominator, r.exact) == ([[[5, 6], [7, 8]]], 4, False)
    r = g.restrict([[0], [0]])
    assert (r.table.tolist(), r.denominator) == ([[[1, 2]]], 4)
    p = g.permute_players([1, 0])
    assert p.payoff((0, 1)) == (Fraction(6, 4), Fraction(5, 4))  # g's profile (1, 0), players swapped
    q = g.permute_actions(0, [1, 0])
    assert q.payoff((0, 0)) == (Fraction(5, 4), Fraction(6, 4))
    assert (p._fr, q._fr) == (None, None) and not p.exact
    r = NormalFormGame.from_integer_table(np.array([[[2, 6]], [[1, 3]]]), 4).restrict([[0], [0]])
    assert (r.table.tolist(), r.denominator) == ([[[1, 3]]], 2)
    assert r == NormalFormGame(np.array([[["1/2", "3/2"]]], dtype=object))


def test_building_a_5x5x5x5x5_game_costs_under_3x_its_pure_solve():
    """Issue 26 item 1: ``NormalFormGame(int64 array)`` against ``pure_nash_solve`` on the same
    random 5^5 game (payoffs 0..9).  Both are timed by the same rule: the best of 7 timed
    loops of 200 calls each (best-of-N removes the noise of the shared machine, which only
    ever adds time)."""
    arr = np.random.default_rng(0).integers(0, 10, size=(5,) * 5 + (5,))
    game = NormalFormGame(arr)

    def best(fn) -> float:
        return min(timeit.repeat(fn, number=200, repeat=7)) / 200

    build, solve = best(lambda: NormalFormGame(arr)), best(lambda: pure_nash_solve(game))
    assert build < 3 * solve, f"build {build * 1e6:.1f} us vs solve {solve * 1e6:.1f} us"


# ----------------------------------------------------------------------------- contracts
def test_contracts_and_augmented_games_are_integer_tables():
    """``Contract`` reads transfers through ``exact_table`` and adds them to the game's table over
    the common denominator: the same contract and augmented game as from Fractions, and no
    Fraction is built on the way.  Hand check on the prisoner's dilemma with a fine of 5/2
    paid by a lone defector to the cooperator (u = ((3,3),(0,5);(5,0),(1,1)))."""
    from contract_theory.contracting.contracts.contract import Contract, deviation_penalty, equalizing, lump_sum
    from contract_theory.games.library import prisoners_dilemma

    g = prisoners_dilemma()
    fine = [[[0, 0], ["5/2", "-5/2"]], [["-5/2", "5/2"], [0, 0]]]
    c = Contract(g, [0, 1], fine)
    assert (c.table.tolist(), c.denominator) == ([[[0, 0], [5, -5]], [[-5, 5], [0, 0]]], 2)
    aug = c.augmented_game()
    assert aug.payoff(("D", "C")) == (Fraction(5, 2), Fraction(5, 2)) and aug.payoff(("C", "D")) == (Fraction(5, 2),) * 2
    assert c._transfers is None and aug._fr is None  # no Fraction built
    ref = g.with_payoffs(g.fractions + c.transfers)
    assert aug == ref and aug.exact
    assert c == Contract(g, [0, 1], np.array(c.transfers)) and hash(c) == hash(Contract(g, [0, 1], c.transfers))
    assert (c + c).table.tolist() == [[[0, 0], [5, -5]], [[-5, 5], [0, 0]]] and (c + c).denominator == 1
    pen = deviation_penalty(g, [0, 1], ("C", "C"), "3/2")
    assert (pen.table.tolist(), pen.denominator) == ([[[0, 0], [3, -3]], [[-3, 3], [0, 0]]], 2)
    assert lump_sum(g, [0, 1], ["1/3", "-1/3"]).table.tolist() == [[[1, -1]] * 2] * 2
    eq = equalizing(g, [0, 1])
    assert eq.augmented_game().payoff(("C", "D")) == (Fraction(5, 2), Fraction(5, 2))
    floats = Contract(g, [0, 1], np.array([[[0, 0], [2.5, -2.5]], [[-2.5, 2.5], [0, 0]]]))
    assert floats == c and not floats.exact and not floats.augmented_game().exact
