"""Premises (issue 23 item 1): each registered premise's formula agrees with its exact check.

Oracles: the exact check of every premise (the registered assumption checks for B1 and A4,
``is_symmetric``, ``dominant_strategies``, a constructed potential, loops over exact payoffs) against
the formula's exact Boolean value (:func:`holds_at`) on every game of small integer grids, and on
hypothesis games of 2x2x2 built to satisfy each class (so both answers occur).
"""

from __future__ import annotations

import itertools
from collections import Counter

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract_theory.games.normal_form import NormalFormGame
from contract_theory.search.encoding import Encoding, failure_formula, holds_at
from contract_theory.search.premises import PREMISES, PremiseError, parse_premises, premise_formula, satisfied_premises
from contract_theory.search.strategies import games, symmetric_games

PARAMS = {"timing": "stackelberg", "selection": "pessimistic", "sharing": "equal", "tie": "inside"}


def _grid(shape, values):
    n = len(shape)
    cells = int(np.prod(shape)) * n
    for vals in itertools.product(values, repeat=cells):
        yield NormalFormGame(np.array(vals, dtype=np.int64).reshape(tuple(shape) + (n,)))


def _agree(shape, k, games_):
    """Every premise's formula and exact check on every game; returns how often each held."""
    enc = Encoding(shape)
    formulas = {name: premise_formula([name], shape, k) for name in PREMISES}
    seen: Counter[tuple[str, bool]] = Counter()
    for g in games_:
        exact = satisfied_premises(g, k)
        for name, f in formulas.items():
            encoded = holds_at(enc, f, g.table)
            assert encoded == exact[name], (name, k, g.table.tolist())
            seen[(name, encoded)] += 1
    return seen


def test_every_premise_agrees_on_the_2x2_grid_0_1_2():
    """All 3^8 = 6561 games with payoffs in {0, 1, 2}; every premise both holds and fails on some,
    except those vacuous with two players and K = N = 2 (no coalition has outsiders: B1, A4 and the
    externality premises hold on every game) and nonnegative-payoffs (no negative payoff here); generic
    never holds (a player's four payoffs cannot be distinct with three values; it is exercised below)."""
    seen = _agree((2, 2), 2, _grid((2, 2), (0, 1, 2)))
    vacuous = ("B1", "A4", "B2", "positive-externalities", "negative-externalities", "nonnegative-payoffs")
    for name in PREMISES:  # B2-negative needs an outsider who loses: none at K = N
        assert (seen[(name, True)] == 0) == (name in ("generic", "B2-negative")), name
        assert (seen[(name, False)] == 0) == (name in vacuous), name
    # counted by hand: symmetric 2x2 games are f(0;0), f(0;1), f(1;0), f(1;1): 3^4 = 81 of them
    assert seen[("symmetric", True)] == 81


def test_every_premise_agrees_on_the_2x3_grid_0_1():
    """Every third of the 2^12 = 4096 games of shape 2x3 with payoffs in {0, 1} (in grid order), and all
    2x2 games with payoffs in {-1, 1} (negative payoffs exercise nonnegative-payoffs)."""
    seen = _agree((2, 3), 2, itertools.islice(_grid((2, 3), (0, 1)), 0, None, 3))
    assert seen[("symmetric", True)] == 0  # unequal action counts: no symmetric game
    assert seen[("potential", True)] > 0 and seen[("potential", False)] > 0
    seen = _agree((2, 2), 2, _grid((2, 2), (-1, 1)))
    assert seen[("nonnegative-payoffs", False)] > 0


def _potential_game(draw):
    """u_i(a) = P(a) + g_i(a_-i): an exact potential game (Monderer and Shapley 1996, Lemma 2.10)."""
    P = np.array(draw(st.lists(st.integers(0, 3), min_size=8, max_size=8))).reshape(2, 2, 2)
    t = np.empty((2, 2, 2, 3), dtype=np.int64)
    g = [np.array(draw(st.lists(st.integers(0, 2), min_size=4, max_size=4))).reshape(2, 2) for _ in range(3)]
    for a in itertools.product(range(2), repeat=3):
        for i in range(3):
            rest = tuple(x for j, x in enumerate(a) if j != i)
            t[a + (i,)] = P[a] + g[i][rest]
    return NormalFormGame(t)


@st.composite
def _three_player_games(draw):
    kind = draw(st.sampled_from(["any", "symmetric", "potential", "ties"]))
    if kind == "symmetric":
        return draw(symmetric_games(players=(3, 3), actions=(2, 2), payoffs=(0, 2)))
    if kind == "potential":
        return _potential_game(draw)
    return draw(games(players=(3, 3), actions=(2, 2), payoffs=(0, 1) if kind == "ties" else (-2, 6)))


@given(_three_player_games(), st.sampled_from([2, 3]))
def test_every_premise_agrees_on_2x2x2_games(g, k):
    _agree((2, 2, 2), k, [g])


def test_three_player_classes_both_ways():
    """300 seeded random 2x2x2 games with payoffs in {0, 1, 2, 3} and the zero game: the premises that
    random games meet are each seen to hold and to fail, for K = 2, B2 and B2-negative among them (B1 and A4
    hold on all of them: two
    deviators at every optimum are rare; test_b1_and_a4_by_hand has a game where they fail)."""
    rng = np.random.default_rng(23)
    sample = [NormalFormGame(rng.integers(0, 4, size=(2, 2, 2, 3))) for _ in range(300)]
    sample += [NormalFormGame(np.zeros((2, 2, 2, 3), dtype=np.int64))]
    seen = _agree((2, 2, 2), 2, sample)
    assert seen[("B1", True)] == seen[("A4", True)] == len(sample)
    for name in ("positive-externalities", "negative-externalities", "dominant-strategies", "B2", "B2-negative"):
        assert seen[(name, True)] > 0 and seen[(name, False)] > 0, name
    assert seen[("B2", True)] == seen[("B2-negative", False)]  # the two signs split every game


def test_generic_premise_is_the_general_position_of_prove():
    """``--assuming generic`` is the class ``prove --generic`` decides over: the same truth value as
    the encoding's own general-position formula, on seeded random games with payoffs below 10^6 (almost
    always in general position) and below 3 (never), for 2x2 and 2x2x2 at K = 2."""
    for shape in ((2, 2), (2, 2, 2)):
        rng = np.random.default_rng(7)
        sample = [NormalFormGame(rng.integers(0, top, size=shape + (len(shape),))) for top in (10**6, 3)
                  for _ in range(100)]
        enc, _, general = failure_formula("welfare-rises", shape, {"k": 2, **PARAMS}, generic=True)
        mine = premise_formula(["generic"], shape, 2)
        values = [(holds_at(enc, general, g.table), holds_at(enc, mine, g.table)) for g in sample]
        assert all(a == b for a, b in values)
        assert any(a for a, _ in values) and not all(a for a, _ in values)


def test_b1_and_a4_by_hand():
    """Derived by hand.  Game 1 (2x2x2): player 0 gets 1 at action 0, players 1 and 2 get 1 when they
    match player 0, else 0.  W* = 3 at (0,0,0), where everyone best-responds: B1 and A4 hold at K = 2.
    Game 2: (3,3,3) at (0,0,0), and each player i gets 4 when it alone moves to 1 (zero elsewhere).
    (0,0,0) is the unique optimum (W = 9 against at most 4) and all three players deviate there, so
    N - K = 1 best-responder is missing at K = 2 (fails), while at K = 3 = N the premise is vacuous."""
    t = np.zeros((2, 2, 2, 3), dtype=np.int64)
    for a in itertools.product(range(2), repeat=3):
        t[a + (0,)] = 1 if a[0] == 0 else 0
        for i in (1, 2):
            t[a + (i,)] = 1 if a[i] == a[0] else 0
    g = NormalFormGame(t)
    assert satisfied_premises(g, 2, ["B1", "A4"]) == {"B1": True, "A4": True}
    # every player deviates at the unique optimum (0,0,0) with W = 9: player i gains by moving
    t2 = np.zeros((2, 2, 2, 3), dtype=np.int64)
    t2[(0, 0, 0)] = (3, 3, 3)
    for i in range(3):
        dev = [0, 0, 0]
        dev[i] = 1
        t2[tuple(dev) + (i,)] = 4  # welfare 4 < 9 there, so (0,0,0) stays the unique optimum
    g2 = NormalFormGame(t2)
    enc = Encoding((2, 2, 2))
    for k, expect in ((2, False), (3, True)):  # 3 deviators need K = 3; at K = N the premise is vacuous
        assert satisfied_premises(g2, k, ["B1", "A4"]) == {"B1": expect, "A4": expect}
        assert holds_at(enc, premise_formula(["B1"], (2, 2, 2), k), t2) is expect


def test_parse_premises_rejects_unknown_names():
    assert parse_premises(" generic , symmetric,generic") == ("symmetric", "generic")
    with pytest.raises(PremiseError, match="unknown premise 'B7'; registered premises: B1, A4"):
        parse_premises("B7")
    assert parse_premises(None) == ()


def test_analyze_reports_premises(capsys):
    """``analyze --premises``: the exact checks of the registry, in JSON and text; refused above 64 profiles."""
    import json

    from contract_theory import cli
    from contract_theory.games.library import prisoners_dilemma

    assert cli.main(["analyze", "prisoners_dilemma", "--k", "2", "--premises", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["premises"] == satisfied_premises(prisoners_dilemma(), 2)
    assert doc["premises"]["potential"] is True and doc["premises"]["generic"] is False
    assert cli.main(["analyze", "prisoners_dilemma", "--k", "2", "--premises"]) == 0
    assert "satisfies B1, A4, B2, symmetric, dominant-strategies" in capsys.readouterr().out
    assert cli.main(["analyze", "public_goods:n=7", "--k", "2", "--premises"]) == 2
    assert "at most 64 profiles" in capsys.readouterr().err
