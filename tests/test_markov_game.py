"""MarkovGame validation, the JSON format and the Markov library (contract_theory.markov).

Every expected value below is derived by hand from the definitions in docs/background/model.md#1-games and the
constructors' docstrings.
"""

from __future__ import annotations

import json
from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract_theory.errors import GameError, ParameterError, ParseError
from contract_theory.markov import (
    MarkovGame,
    cleanup_markov,
    commons_markov,
    markov_game_from_dict,
    markov_game_to_dict,
    random_markov_game,
    read_markov_game,
    repeated_prisoners_dilemma,
    write_markov_game,
)


def cycle_game(discount="1/2"):
    """One player, one action; A -> B -> A deterministically; reward 1 in A, 0 in B."""
    return MarkovGame(["P"], ["A", "B"], [["go"]], [[[0, 1]], [[1, 0]]], [[[1]], [[0]]], discount, {"A": 1})


def small_args():
    """Two players x two actions, two states; all moves stay in place; rewards 0."""
    P = np.zeros((2, 2, 2, 2), dtype=object)
    P[0, ..., 0] = 1
    P[1, ..., 1] = 1
    R = np.zeros((2, 2, 2, 2), dtype=object)
    return dict(players=["Ann", "Bob"], states=["X", "Y"], actions=[["l", "r"], ["u", "d"]],
                transitions=P, rewards=R, discount="9/10", initial=[1, 0])


# ---------------------------------------------------------------------------- construction
def test_cycle_game_basic_facts():
    g = cycle_game()
    assert g.n_players == 1 and g.n_states == 2 and g.shape == (1,) and g.n_joint == 1
    assert g.discount == F(1, 2) and g.exact
    assert g.transition("A", ["go"]) == {"B": 1}
    assert g.reward("A", ["go"]) == (F(1),)
    assert list(g.initial) == [1, 0]
    assert g.transition_denominator == 1 and g.reward_denominator == 1


def test_default_initial_is_uniform_and_default_names():
    P = [[[F(1, 2), F(1, 2)]], [[F(1, 3), F(2, 3)]]]
    g = MarkovGame(1, 2, [1], P, [[[0]], [[0]]], 0)
    assert g.players == ("P0",) and g.states == ("s0", "s1") and g.actions == (("a0",),)
    assert list(g.initial) == [F(1, 2), F(1, 2)]
    assert g.transition_denominator == 6          # lcm(2, 3)
    assert g.transition_table.reshape(-1).tolist() == [3, 3, 2, 4]


def test_probability_sum_error_names_state_joint_action_and_sum():
    a = small_args()
    a["transitions"][1, 0, 1] = [F(1, 2), F(1)]          # state Y, joint (l, d): sums to 3/2
    with pytest.raises(GameError, match=r"state 'Y', joint action \('l', 'd'\) sum to 3/2, not 1"):
        MarkovGame(**a)


def test_negative_probability_error():
    a = small_args()
    a["transitions"][0, 1, 0] = [F(2), F(-1)]
    with pytest.raises(GameError, match=r"negative transition probability -1 at state 'X', joint action "
                                        r"\('r', 'u'\) to state 'Y'"):
        MarkovGame(**a)


@pytest.mark.parametrize("gamma", [1, "-1/10", "3/2"])
def test_discount_outside_unit_interval(gamma):
    a = small_args()
    a["discount"] = gamma
    with pytest.raises(GameError, match="discount must lie in \\[0, 1\\), got " + str(F(gamma))):
        MarkovGame(**a)


def test_initial_not_a_distribution():
    a = small_args()
    a["initial"] = [F(1, 2), F(1, 3)]
    with pytest.raises(GameError, match="initial distribution sums to 5/6, not 1"):
        MarkovGame(**a)
    a["initial"] = [2, -1]
    with pytest.raises(GameError, match="state 'Y' the negative probability -1"):
        MarkovGame(**a)
    a["initial"] = {"Z": 1}
    with pytest.raises(GameError, match="unknown state 'Z'"):
        MarkovGame(**a)


def test_shape_mismatches_and_duplicates():
    a = small_args()
    a["rewards"] = np.zeros((2, 2, 2, 3), dtype=object)
    with pytest.raises(GameError, match=r"rewards have shape \(2, 2, 2, 3\), expected .* \(2, 2, 2, 2\)"):
        MarkovGame(**a)
    a = small_args()
    a["transitions"] = a["transitions"][:, :1]
    with pytest.raises(GameError, match="transitions have shape"):
        MarkovGame(**a)
    for key, val, msg in [("players", ["A", "A"], "duplicate player names"),
                          ("states", ["X", "X"], "duplicate state names"),
                          ("actions", [["l", "l"], ["u", "d"]], "duplicate action names of player 'Ann'")]:
        a = small_args()
        a[key] = val
        with pytest.raises(GameError, match=msg):
            MarkovGame(**a)


def test_float_rows_are_renormalized_and_marked_inexact():
    a = small_args()
    a["transitions"] = a["transitions"].astype(float)
    a["transitions"][0, 0, 0] = [0.1, 0.9]
    g = MarkovGame(**a)
    assert not g.exact
    row = g.transitions[0, 0, 0]
    assert sum(row) == 1 and row[0] == F(0.1) / (F(0.1) + F(0.9))


def test_equality_and_transforms():
    g = cycle_game()
    assert g == cycle_game() and hash(g) == hash(cycle_game())
    assert g != cycle_game("1/3")
    assert g.with_discount("1/3") == cycle_game("1/3")
    stage = g.stage_game("A")
    assert stage.payoff((0,)) == (F(1),)


# ---------------------------------------------------------------------------- JSON
def test_json_round_trip_library(tmp_path):
    for g in (repeated_prisoners_dilemma(), commons_markov(3, depletion="proportional"), cleanup_markov(2),
              random_markov_game(2, 3, [2, 3], seed=4, denominator=7)):
        path = tmp_path / "g.json"
        text = write_markov_game(g, path)
        assert json.loads(text)["format"] == "contract-theory/markov-game"
        back = read_markov_game(path)
        assert back == g and back.title == g.title and back.exact


def test_json_round_trip_keeps_inexact_flag():
    a = small_args()
    a["discount"] = 0.5
    g = MarkovGame(**a)
    d = markov_game_to_dict(g)
    assert d["exact"] is False and d["discount"] == "1/2"
    back = markov_game_from_dict(json.loads(json.dumps(d)))
    assert back == g and not back.exact


@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(0, 10**6))
def test_json_round_trip_random(n, S, m, seed):
    g = random_markov_game(n, S, m, seed=seed, denominator=3)
    assert markov_game_from_dict(json.loads(write_markov_game(g))) == g


def test_json_accepts_numbers_and_strings():
    d = markov_game_to_dict(repeated_prisoners_dilemma())
    d["transitions"][0]["rewards"] = [3, "6/2"]
    d["discount"] = "0.9"
    g = markov_game_from_dict(d)
    assert g == repeated_prisoners_dilemma() and g.exact


def test_json_float_probabilities_are_renormalized():
    """0.1 + 0.2 + 0.7 as binary floats does not sum to exactly 1; the row is divided by its exact sum."""
    d = markov_game_to_dict(MarkovGame(1, 3, [1], [[[1, 0, 0]], [[0, 1, 0]], [[0, 0, 1]]],
                                       [[[0]], [[0]], [[0]]], "1/2"))
    d["transitions"][0]["next"] = {"s0": 0.1, "s1": 0.2, "s2": 0.7}
    assert F(0.1) + F(0.2) + F(0.7) != 1
    g = markov_game_from_dict(d)
    assert not g.exact and sum(g.transitions[0, 0]) == 1
    assert g.transitions[0, 0, 0] == F(0.1) / (F(0.1) + F(0.2) + F(0.7))
    d["transitions"][0]["next"] = {"s0": "1/10", "s1": "2/10", "s2": "7/10"}
    assert markov_game_from_dict(d).exact


def _pd_dict():
    return markov_game_to_dict(repeated_prisoners_dilemma())


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d["transitions"].pop(2), r"no row for state 'play', actions \['D', 'C'\] \(3 of 4 rows"),
    (lambda d: d["transitions"].append(dict(d["transitions"][0])), r"row 4 duplicates row 0"),
    (lambda d: d["transitions"][1].__setitem__("state", "nowhere"), r"row 1: unknown state 'nowhere'"),
    (lambda d: d["transitions"][3].__setitem__("actions", ["D", "X"]),
     r"row 3: unknown action 'X' of player 'Column'"),
    (lambda d: d["transitions"][2].__setitem__("next", {"elsewhere": 1}), r"row 2: unknown next state"),
    (lambda d: d["transitions"][0].__setitem__("rewards", [1]), r"row 0: 'rewards' must list one number"),
    (lambda d: d["transitions"][0].__setitem__("rewards", [1, "x"]), r"not a number"),
    (lambda d: d["transitions"][0].__setitem__("next", {"play": "1/2"}), r"sum to 1/2, not 1"),
    (lambda d: d.__setitem__("discount", "1"), r"discount must lie in \[0, 1\), got 1"),
    (lambda d: d.__setitem__("format", "other"), r"field 'format'"),
    (lambda d: d.__setitem__("version", 2), r"unsupported version 2"),
    (lambda d: d.__setitem__("states", ["play", "play"]), r"duplicate states"),
    (lambda d: d.__setitem__("initial", {"play": "1/2"}), r"initial distribution sums to 1/2"),
])
def test_json_errors(mutate, message):
    d = _pd_dict()
    mutate(d)
    with pytest.raises(ParseError, match=message):
        markov_game_from_dict(d)


def test_read_invalid_json(tmp_path):
    p = tmp_path / "bad.json"
    p.write_text("{\n  \"format\": \n}")
    with pytest.raises(ParseError, match="invalid JSON.*line 3"):
        read_markov_game(p)


# ---------------------------------------------------------------------------- library
def test_commons_definition_any_and_proportional():
    g = commons_markov(3, restrain=1, greedy=2, deplete="1/2", recover="1/3")
    # Full with one greedy agent: depleted with probability deplete = 1/2 ("any")
    assert g.transition("Full", ("Greedy", "Restrain", "Restrain")) == {"Full": F(1, 2), "Depleted": F(1, 2)}
    assert g.transition("Full", ("Restrain",) * 3) == {"Full": 1}
    # recovery needs everyone to restrain
    assert g.transition("Depleted", ("Restrain",) * 3) == {"Full": F(1, 3), "Depleted": F(2, 3)}
    assert g.transition("Depleted", ("Restrain", "Greedy", "Restrain")) == {"Depleted": 1}
    assert g.reward("Full", ("Greedy", "Restrain", "Greedy")) == (2, 1, 2)
    assert g.reward("Depleted", ("Greedy", "Restrain", "Greedy")) == (F(1, 2), 0, F(1, 2))
    p = commons_markov(3, deplete="1/2", depletion="proportional")
    # two greedy of three: 1/2 * 2/3 = 1/3
    assert p.transition("Full", ("Greedy", "Restrain", "Greedy")) == {"Full": F(2, 3), "Depleted": F(1, 3)}


def test_cleanup_definition():
    g = cleanup_markov(3, harvest=2, clean_cost="1/4", pollute="1/2", restore="1/3")
    assert g.transition("Clean", ("Harvest",) * 3) == {"Clean": F(1, 2), "Dirty": F(1, 2)}
    assert g.transition("Clean", ("Harvest", "Clean", "Harvest")) == {"Clean": 1}
    assert g.transition("Dirty", ("Harvest",) * 3) == {"Dirty": 1}
    assert g.transition("Dirty", ("Clean", "Harvest", "Harvest")) == {"Clean": F(1, 3), "Dirty": F(2, 3)}
    assert g.reward("Clean", ("Harvest", "Clean", "Harvest")) == (2, F(-1, 4), 2)
    assert g.reward("Dirty", ("Harvest", "Clean", "Harvest")) == (0, F(-1, 4), 0)


def test_repeated_pd_definition():
    g = repeated_prisoners_dilemma(T=7, R=4, P=2, S=-1, discount="1/3")
    assert g.reward("play", ("D", "C")) == (7, -1) and g.reward("play", ("C", "C")) == (4, 4)
    assert g.discount == F(1, 3) and g.states == ("play",)


def test_random_game_seeded_and_exact():
    a, b = random_markov_game(3, 2, 2, seed=5), random_markov_game(3, 2, 2, seed=5)
    assert a == b and a != random_markov_game(3, 2, 2, seed=6)
    assert a.exact and all(sum(row) == 1 for row in a.flat_transitions.reshape(-1, 2))


def test_library_parameter_errors():
    with pytest.raises(ParameterError, match="deplete must be a probability in \\[0, 1\\], got 3/2"):
        commons_markov(2, deplete="3/2")
    with pytest.raises(ParameterError, match="discount must lie in \\[0, 1\\), got 1"):
        cleanup_markov(2, discount=1)
    with pytest.raises(ParameterError, match="depletion must be"):
        commons_markov(2, depletion="some")
    with pytest.raises(ParameterError, match="n must be an integer >= 1"):
        cleanup_markov(0)
