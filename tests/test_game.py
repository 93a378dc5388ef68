"""NormalFormGame construction, validation and exact arithmetic."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract_theory import GameError, NormalFormGame, UnknownPlayerError
from contract_theory.exact.numbers import fmt, integer_table, to_fraction


def test_exact_strings_and_fractions_stay_exact():
    g = NormalFormGame([[["8/5", "0.25"], [1, Fraction(1, 3)]], [[0, 0], [0, 0]]])
    # layout: two per-player arrays of shape (2, 2)
    assert g.exact
    assert g.payoff((0, 0)) == (Fraction(8, 5), Fraction(0))
    assert g.payoff((1, 1), 0) == Fraction(1, 3)
    assert g.denominator == 60
    assert g.table[0, 1, 0] == 15  # 1/4 * 60


def test_floats_mark_game_inexact_but_values_are_exact_binary():
    g = NormalFormGame.from_bimatrix([[0.5, 1], [2, 3]], [[1, 1], [1, 1]])
    assert not g.exact
    assert g.payoff((0, 0), 0) == Fraction(1, 2)


@pytest.mark.parametrize(
    "payoffs, message",
    [
        ([[1, 2], [3]], "ragged"),
        ([[1, float("nan")], [3, 4]], "not finite"),
        ([[1, float("inf")], [3, 4]], "not finite"),
        ([[1, "abc"], [3, 4]], "not a number"),
        ([1, 2, 3], "not a game"),
        (np.zeros((2, 2, 3)), "action axes"),
        ([[True, False], [1, 1]], "boolean"),
    ],
)
def test_bad_payoffs_raise_clear_errors(payoffs, message):
    with pytest.raises(GameError, match=message):
        NormalFormGame(payoffs)


def test_bad_labels_raise():
    with pytest.raises(GameError, match="duplicate action labels"):
        NormalFormGame.from_bimatrix([[1, 2], [3, 4]], [[1, 2], [3, 4]], actions=[["x", "x"], ["a", "b"]])
    with pytest.raises(GameError, match="duplicate player names"):
        NormalFormGame.from_bimatrix([[1]], [[1]], players=["A", "A"])
    with pytest.raises(GameError, match="3 player names"):
        NormalFormGame.from_bimatrix([[1]], [[1]], players=["A", "B", "C"])
    with pytest.raises(GameError, match="at least one action"):
        NormalFormGame(np.zeros((0, 2, 2)))


def test_unknown_player_and_action():
    g = NormalFormGame.from_bimatrix([[1, 2], [3, 4]], [[1, 2], [3, 4]], players=["A", "B"])
    assert g.player_index("B") == 1
    with pytest.raises(UnknownPlayerError, match="unknown player 'Z'"):
        g.player_index("Z")
    with pytest.raises(UnknownPlayerError, match="out of range"):
        g.player_index(5)
    with pytest.raises(GameError, match="unknown action"):
        g.check_profile((0, 7))


def test_mixed_validation_and_expected_payoffs():
    # matching pennies at (1/2, 1/2): both expect 0
    g = NormalFormGame.from_bimatrix([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
    assert g.expected_payoffs([["1/2", "1/2"], ["1/2", "1/2"]]) == (0, 0)
    assert g.expected_payoffs([[1, 0], ["1/4", "3/4"]]) == (Fraction(-1, 2), Fraction(1, 2))
    assert g.deviation_payoffs([[1, 0], ["1/4", "3/4"]], 0) == (Fraction(-1, 2), Fraction(1, 2))
    with pytest.raises(GameError, match="sum to 9/10"):
        g.expected_payoffs([["1/2", "2/5"], ["1/2", "1/2"]])
    with pytest.raises(GameError, match="negative probability"):
        g.expected_payoffs([["3/2", "-1/2"], ["1/2", "1/2"]])


def test_from_function_and_restrict_and_permute():
    g = NormalFormGame.from_function(lambda a: (a[0] * 10 + a[1], a[1] - a[0], a[2]), (2, 3, 2))
    assert g.payoff((1, 2, 1)) == (12, 1, 1)
    sub = g.restrict([[1], [2, 0], [0, 1]])
    assert sub.shape == (1, 2, 2) and sub.payoff((0, 0, 1)) == (12, 1, 1)
    p = g.permute_players([2, 0, 1])
    assert p.payoff((1, 1, 2)) == (1, 12, 1)
    q = g.permute_actions(1, [2, 1, 0])
    assert q.payoff((1, 0, 1)) == g.payoff((1, 2, 1))


@given(st.lists(st.fractions(max_denominator=50), min_size=1, max_size=30))
def test_integer_table_is_exact(values):
    arr = np.array(values, dtype=object)
    table, den = integer_table(arr)
    assert all(Fraction(int(t), den) == v for t, v in zip(table, values))
    assert all(to_fraction(fmt(v)) == v for v in values)


def test_from_nashpy_keeps_exact_values():
    """nashpy stores numpy arrays; integer matrices come back as the same exact game."""
    import nashpy

    ng = nashpy.Game(np.array([[3, 0], [5, 1]]), np.array([[3, 5], [0, 1]]))
    g = NormalFormGame.from_nashpy(ng, actions=[["C", "D"], ["C", "D"]])
    assert g.exact and g.payoff(("D", "C")) == (5, 0)
    from contract_theory.games.library import prisoners_dilemma
    assert g.table.tolist() == prisoners_dilemma().table.tolist()
