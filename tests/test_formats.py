"""Game files: Gambit ``.nfg`` and the contract-theory JSON format (contract_theory.games.formats).

Checks: hand-derived payoffs of fixture files (tests/data), exact numbers, round trips
ours -> text -> ours (library games and hypothesis-random games), interoperability with
pygambit 16.7 in both directions (payoffs compared as Fractions, including outcome-form
files with null outcomes written by pygambit), and one ParseError per kind of malformed
input, whose message names the line (nfg) or the key/row (JSON).
"""

from __future__ import annotations

import io
import json
import re
import string
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract_theory.errors import ParseError
from contract_theory.games.formats import (
    game_from_json_dict,
    game_to_json_dict,
    parse_json_game,
    parse_nfg,
    read_json_game,
    read_nfg,
    write_json_game,
    write_nfg,
)
from contract_theory.games.library import (
    cournot,
    el_farol,
    prisoners_dilemma,
    public_goods,
    random_game,
    volunteers_dilemma,
)
from contract_theory.games.loading import load_game
from contract_theory.games.normal_form import NormalFormGame
from tests.optional import optional

gbt = optional("pygambit")  # skips only the tests that call the oracle

DATA = Path(__file__).parent / "data"
F = Fraction


# ----------------------------------------------------------------------------- helpers
def gambit_payoffs(g) -> np.ndarray:
    """Exact payoff array ``shape + (n,)`` of a pygambit strategic game (null outcome = 0).

    Goes through the outcomes of every contingency, because ``Game.to_arrays`` fails on
    games with null outcomes.  Decimals and Rationals both convert exactly to Fraction.
    """
    pl = list(g.players)
    n = len(pl)
    shape = tuple(len(p.strategies) for p in pl)
    out = np.empty(shape + (n,), dtype=object)
    for c in g.contingencies:
        o = g[c]
        out[tuple(c)] = [F(0)] * n if o is None else [F(o[p]) for p in pl]
    return out


def gambit_labels(g) -> tuple[list[str], list[list[str]]]:
    pl = list(g.players)
    return [p.label for p in pl], [[s.label for s in p.strategies] for p in pl]


def gambit_read(text: str):
    return gbt.read_nfg(io.StringIO(text))


# ----------------------------------------------------------------------------- fixtures
def test_pd_outcome_form_fixture():
    # Written by hand (tests/data/pd_outcome.nfg): outcomes reward (3,3), sucker (0,5),
    # temptation (5,0), punishment (1,1); profile order (C,C),(D,C),(C,D),(D,D) -> 1 3 2 4.
    g = read_nfg(DATA / "pd_outcome.nfg")
    assert g == prisoners_dilemma()
    assert g.title == "Prisoner's dilemma"
    assert g.payoff((0, 1)) == (F(0), F(5)) and g.payoff((1, 0)) == (F(5), F(0))
    assert g.payoff((0, 0)) == (F(3), F(3)) and g.payoff((1, 1)) == (F(1), F(1))
    assert (gambit_payoffs(gbt.read_nfg(str(DATA / "pd_outcome.nfg"))) == g.fractions).all()


def test_e02_payoff_and_outcome_forms_agree():
    # Gambit manual example (Selten 1975, Fig. 2): payoff list 1 1 0 2 0 2 1 1 0 3 2 0 with
    # player 1's strategy fastest: (1,1)->(1,1) (2,1)->(0,2) (3,1)->(0,2) (1,2)->(1,1)
    # (2,2)->(0,3) (3,2)->(2,0).
    a = read_nfg(DATA / "e02.nfg")
    b = read_nfg(DATA / "e02_outcome.nfg")
    assert a == b
    assert a.shape == (3, 2) and a.players == ("Player 1", "Player 2")
    assert a.actions == (("1", "2", "3"), ("1", "2"))
    expected = {(0, 0): (1, 1), (1, 0): (0, 2), (2, 0): (0, 2), (0, 1): (1, 1), (1, 1): (0, 3), (2, 1): (2, 0)}
    for prof, pay in expected.items():
        assert a.payoff(prof) == tuple(F(v) for v in pay)
    for name in ("e02.nfg", "e02_outcome.nfg"):
        assert (gambit_payoffs(gbt.read_nfg(str(DATA / name))) == a.fractions).all()


def test_syntax_features_fixture():
    # tests/data/syntax_mix.nfg: escaped quotes, labels/players split over lines, multi-line
    # comment, decimals, p/q, exponent, negatives, commas, null outcome 0, indices over lines.
    g = read_nfg(DATA / "syntax_mix.nfg")
    assert g.title == 'A "quoted" title'
    assert g.players == ("Alice", "Bob", "Carol")
    assert g.actions == (("up", "down"), ("left", "right"), ("front", "back"))
    a = (F(1, 2), F(-1, 4), F(3))
    b = (F(1, 100), F(-7, 3), F(1, 8))
    z = (F(0),) * 3
    # indices "1 2 0 1 2 0 0 1" over profiles (u,l,f) (d,l,f) (u,r,f) (d,r,f) (u,l,b) (d,l,b) (u,r,b) (d,r,b)
    expected = {(0, 0, 0): a, (1, 0, 0): b, (0, 1, 0): z, (1, 1, 0): a,
                (0, 0, 1): b, (1, 0, 1): z, (0, 1, 1): z, (1, 1, 1): a}
    for prof, pay in expected.items():
        assert g.payoff(prof) == pay
    assert (gambit_payoffs(gbt.read_nfg(str(DATA / "syntax_mix.nfg"))) == g.fractions).all()


def test_numbers_are_exact():
    g = parse_nfg('NFG 1 R "" { "A" "B" } { 2 1 } 0.1 -0.25 3/2 1e-3')
    assert g.payoff((0, 0)) == (F(1, 10), F(-1, 4))
    assert g.payoff((1, 0)) == (F(3, 2), F(1, 1000))
    assert g.exact


def test_strategy_counts_and_label_lists_and_defaults():
    g = parse_nfg('NFG 1 D "t" { "" "" } { { "x" "" } { "" } }\n1 2 3 4')
    assert g.players == ("1", "2") and g.actions == (("x", "2"), ("1",))
    assert g.payoff((1, 0)) == (F(3), F(4))


def test_payoff_order_first_player_fastest_three_players():
    # 2x2x2 with payoff of player 1 at profile (a,b,c) = 100a + 10b + c (written first-fastest)
    vals = []
    for c in range(2):
        for b in range(2):
            for a in range(2):
                vals += [100 * a + 10 * b + c, 0, -1]
    g = parse_nfg('NFG 1 R "" { "1" "2" "3" } { 2 2 2 } ' + " ".join(map(str, vals)))
    for prof in g.profiles():
        a, b, c = prof
        assert g.payoff(prof) == (F(100 * a + 10 * b + c), F(0), F(-1))


# ----------------------------------------------------------------------------- round trips
LIBRARY = [prisoners_dilemma(), public_goods(4, "8/5", 20), cournot(), el_farol(5, 3), volunteers_dilemma(4),
           random_game((2, 3, 4), -5, 5, seed=3, denominator=6)]


@pytest.mark.parametrize("game", LIBRARY, ids=lambda g: g.title)
def test_round_trip_library(game, tmp_path):
    text = write_nfg(game)
    back = parse_nfg(text)
    assert back == game and back.title == game.title
    path = tmp_path / "g.nfg"
    write_nfg(game, path)
    assert read_nfg(path) == game and load_game(str(path)) == game
    for layout in ("rows", "array"):
        jpath = tmp_path / f"g_{layout}.json"
        write_json_game(game, jpath, layout=layout)
        assert read_json_game(jpath) == game and load_game(str(jpath)) == game
        assert game_from_json_dict(json.loads(json.dumps(game_to_json_dict(game, layout=layout)))) == game


def test_written_nfg_layout():
    text = write_nfg(prisoners_dilemma(), comment='note "x"')
    assert text.splitlines()[0] == 'NFG 1 R "Prisoner\'s dilemma" { "Row" "Column" }'
    assert '"note \\"x\\""' in text
    # (C,C) (D,C) (C,D) (D,D)
    assert text.splitlines()[-4:] == ["3 3", "5 0", "0 5", "1 1"]
    assert "3/2" in write_nfg(NormalFormGame([[["3/2", "-1/3"]]]))


SAFE_CHARS = string.ascii_letters + string.digits + " _-.,{}()'\"é"


#: Labels pygambit 16.7 accepts: printable ASCII, no leading/trailing space, no double space,
#: and no backslash (pygambit does not read back the backslashes it writes).  Labels start with
#: a letter: pygambit 16.7 rejects e.g. strategy labels ("2", "00", "0") as "not unique",
#: apparently because it renames its default labels "1", "2", "3" one at a time.
GAMBIT_CHARS = string.ascii_letters + string.digits + " _-.,{}()'\""


def labels_st(k: int, chars: str = SAFE_CHARS):
    text = st.text(chars, min_size=1, max_size=6)
    if chars == GAMBIT_CHARS:
        text = text.filter(lambda s: s[0].isalpha() and s == s.strip() and "  " not in s)
    return st.lists(text, min_size=k, max_size=k, unique=True)


@st.composite
def games(draw, chars: str = SAFE_CHARS, floats: bool = False):
    n = draw(st.integers(1, 3))
    shape = tuple(draw(st.lists(st.integers(1, 3), min_size=n, max_size=n)))
    size = int(np.prod(shape)) * n
    num = st.fractions(min_value=-50, max_value=50, max_denominator=12)
    if floats:
        num = st.one_of(num, st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False))
    vals = draw(st.lists(num, min_size=size, max_size=size))
    arr = np.empty(size, dtype=object)
    arr[:] = vals
    players = draw(labels_st(n, chars))
    actions = [draw(labels_st(m, chars)) for m in shape]
    title = draw(st.text(chars, max_size=10))
    if chars == GAMBIT_CHARS:
        title = " ".join(title.split())
    return NormalFormGame(arr.reshape(shape + (n,)), players=players, actions=actions, title=title)


@given(games(chars=SAFE_CHARS + "\\\n\t"))
def test_round_trip_nfg_random(game):
    back = parse_nfg(write_nfg(game))
    assert back == game and back.title == game.title


@given(games(floats=True), st.sampled_from(["rows", "array"]), st.sampled_from([None, 2]))
def test_round_trip_json_random(game, layout, indent):
    back = parse_json_game(write_json_game(game, layout=layout, indent=indent))
    assert back == game and back.title == game.title and back.exact == game.exact


# ----------------------------------------------------------------------------- pygambit interop
def _from_arrays(game: NormalFormGame):
    """A pygambit game with the same payoffs, built from per-player arrays of Fractions."""
    arrays = [np.array(game.fractions[..., i], dtype=object) for i in range(game.n_players)]
    return gbt.Game.from_arrays(*arrays, title=game.title or "untitled")


@given(games(chars=GAMBIT_CHARS))
def test_our_files_load_in_pygambit(game):
    g = gambit_read(write_nfg(game))
    assert (gambit_payoffs(g) == game.fractions).all()
    assert gambit_labels(g) == (list(game.players), [list(a) for a in game.actions])
    assert g.title == game.title


@given(games(chars=GAMBIT_CHARS))
def test_pygambit_files_load_here(game):
    text = _from_arrays(game).to_nfg()  # pygambit writes the outcome form
    ours = parse_nfg(text)
    assert (ours.fractions == game.fractions).all()
    assert ours.players == tuple(str(i + 1) for i in range(game.n_players))


def test_pygambit_decimals_and_labels():
    g = gbt.Game.from_arrays(np.array([[F(3, 2), 0], [5, 1]], dtype=object),
                             np.array([[3, gbt.Decimal("0.25")], [0, -1]], dtype=object), title='T "q"')
    pl = list(g.players)
    pl[0].label, pl[1].label = "Ann", "Bo"
    for k, s in enumerate(pl[0].strategies):
        s.label = ["top", "bottom"][k]
    text = g.to_nfg()
    assert "0.25" in text  # pygambit keeps the decimal
    ours = parse_nfg(text)
    assert ours.title == 'T "q"' and ours.players == ("Ann", "Bo") and ours.actions[0] == ("top", "bottom")
    assert ours.payoff((0, 1)) == (F(0), F(1, 4)) and ours.payoff((0, 0)) == (F(3, 2), F(3))
    assert (gambit_payoffs(g) == ours.fractions).all()


def test_pygambit_outcome_form_with_null_outcomes():
    # A 2x2x2 game built in pygambit with exact payoffs set per contingency (player 1:
    # k/3, player 2: -k, player 3: the decimal k + 0.5 at contingency number k), and the
    # outcomes of two contingencies deleted, so they become null (all payoffs zero).
    g = gbt.Game.new_table([2, 2, 2])
    conts = [tuple(c) for c in g.contingencies]
    for k, c in enumerate(conts):
        out = g[c]
        out["1"], out["2"], out["3"] = F(k, 3), -k, gbt.Decimal(f"{k}.5")
    g.delete_outcome(g[conts[1]])
    g.delete_outcome(g[conts[6]])
    text = g.to_nfg()
    ours = parse_nfg(text)
    assert (gambit_payoffs(g) == ours.fractions).all()
    for k, c in enumerate(conts):
        expected = (F(0), F(0), F(0)) if k in (1, 6) else (F(k, 3), F(-k), F(2 * k + 1, 2))
        assert ours.payoff(c) == expected
    # and the file we write for it loads back in pygambit with the same payoffs
    assert (gambit_payoffs(gambit_read(write_nfg(ours))) == ours.fractions).all()


# ----------------------------------------------------------------------------- malformed nfg
MALFORMED = [
    ("EFG 2 R \"x\" { \"A\" }", 1, "EFG", "unknown header"),
    ("NFG 2 R \"x\" { \"A\" } { 1 } 1", 1, "2", "version"),
    ("NFG 1 X \"x\" { \"A\" } { 1 } 1", 1, "X", "number class"),
    ("NFG 1 R \"x\" { \"A\" }\n{ 1 }\n\"comment\n1", 3, None, "unterminated string"),
    ("NFG 1 R \"x\" { \"A\" \"B\" }\n{ 1 2 }\n1 2\n3 x", 4, "x", "payoff"),
    ("NFG 1 R \"x\" { \"A\" \"B\" }\n{ 1 2 }\n1 2\n3", 4, None, "wrong number of payoffs"),
    ("NFG 1 R \"x\" { \"A\" \"B\" }\n{ 1 1 }\n1 2\n3", 4, "3", "wrong number of payoffs"),
    ("NFG 1 R \"x\" { \"A\" \"B\" } { 1 1 }\n1 \"two\"", 2, "two", "quoted string"),
    ("NFG 1 R \"x\" { \"A\" \"B\" } { 1 1 }\n1 3/0", 2, "3/0", "not a valid number"),
    ("NFG 1 R \"x\" { \"A\" \"B\" } { 0 1 }", 1, "0", "number of strategies"),
    ("NFG 1 R \"x\" { \"A\" \"A\" } { 1 1 } 1 2", 1, "A", "duplicate player"),
    ("NFG 1 R \"x\" { \"A\" \"B\" }\n{ { \"s\" \"s\" } { \"t\" } } 1 2 3 4", 2, "s", "duplicate strategy"),
    ("NFG 1 R \"x\" { \"A\" \"B\" } { 1 1 }\n{ { \"\" 1 2 } }\n3", 3, "3", "out of range"),
    ("NFG 1 R \"x\" { \"A\" \"B\" } { 1 1 }\n{ { \"\" 1 } }\n1", 2, "}", "has 1 payoffs"),
    ("NFG 1 R \"x\" { \"A\" \"B\" } { 1 1 }\n{ { \"\" 1 2 3 } }\n1", 2, "3", "more than 2 payoffs"),
    ("NFG 1 R \"x\" { \"A\" \"B\" } { 2 1 }\n{ { \"\" 1 2 } }\n1", 3, None, "wrong number of outcome"),
    ("NFG 1 R \"x\" { } { } ", 1, "}", "no players"),
    ("", 1, None, "end of file"),
    ("NFG 1 R \"x\" { \"A\" } { 1 2 } 1", 1, "2", "more entries"),
]


@pytest.mark.parametrize("text,line,token,words", MALFORMED, ids=[m[3] for m in MALFORMED])
def test_malformed_nfg(text, line, token, words):
    with pytest.raises(ParseError, match=re.escape(words)) as info:
        parse_nfg(text)
    msg = str(info.value)
    assert f"line {line}" in msg and info.value.line == line
    assert words in msg
    if token is not None:
        assert info.value.token == token and repr(token) in msg


def test_read_nfg_missing_file_and_non_utf8(tmp_path):
    with pytest.raises(FileNotFoundError, match="No such file or directory"):
        read_nfg(tmp_path / "nope.nfg")
    bad = tmp_path / "bad.nfg"
    bad.write_bytes(b'NFG 1 R "x" { "A" }\n{ 1 }\n\xff')
    with pytest.raises(ParseError, match="line 3"):
        read_nfg(bad)


# ----------------------------------------------------------------------------- JSON format
def _doc(**over):
    d = {"format": "contract-theory/normal-form", "version": 1, "title": "t", "players": ["A", "B"],
         "actions": [["x", "y"], ["z"]],
         "payoffs": [{"profile": ["x", "z"], "payoffs": [1, "21/2"]},
                     {"profile": ["y", "z"], "payoffs": ["-0.25", 0]}]}
    d.update(over)
    return {k: v for k, v in d.items() if v is not None}


def test_json_rows_exact_values():
    g = game_from_json_dict(_doc())
    assert g.exact and g.title == "t"
    assert g.payoff((0, 0)) == (F(1), F(21, 2)) and g.payoff((1, 0)) == (F(-1, 4), F(0))
    # rows in any order, profiles as indices
    h = game_from_json_dict(_doc(payoffs=[{"profile": [1, 0], "payoffs": ["-1/4", 0]},
                                          {"profile": ["x", 0], "payoffs": [1, "10.5"]}]))
    assert h == g


def test_json_array_layout_and_floats_mark_inexact():
    g = game_from_json_dict(_doc(payoffs=None, payoff_array=[[[1, "21/2"]], [["-1/4", 0]]]))
    assert g == game_from_json_dict(_doc()) and g.exact
    h = game_from_json_dict(_doc(payoffs=None, payoff_array=[[[1, 0.1]], [[0.5, 0]]]))
    assert not h.exact and h.payoff((0, 0))[1] == F(0.1) != F(1, 10)
    d = game_to_json_dict(h)
    assert d["exact"] is False and d["payoffs"][0]["payoffs"] == [1.0, 0.1]
    k = game_from_json_dict(_doc(exact=False))
    assert not k.exact and k == game_from_json_dict(_doc())


JSON_ERRORS = [
    (dict(format="gambit"), "'format'"),
    (dict(version=2), "'version'"),
    (dict(colour=1), "unknown key 'colour'"),
    (dict(players=None), "missing key 'players'"),
    (dict(players=["A", "A"]), "duplicate label 'A'"),
    (dict(actions=[["x", "y"]]), "'actions'"),
    (dict(payoff_array=[[[1, 2]], [[3, 4]]]), "exactly one"),
    (dict(payoffs=[{"profile": ["x", "z"], "payoffs": [1, 2]}]), "no row for joint action ['y', 'z']"),
    (dict(payoffs=[{"profile": ["x", "z"], "payoffs": [1, 2]}, {"profile": ["x", "z"], "payoffs": [1, 2]}]),
     "payoffs[1]: joint action ['x', 'z'] appears twice"),
    (dict(payoffs=[{"profile": ["x", "q"], "payoffs": [1, 2]}]), "payoffs[0].profile[1]"),
    (dict(payoffs=[{"profile": ["x", "z"], "payoffs": [1, "abc"]}]), "payoffs[0].payoffs[1] is not a number"),
    (dict(payoffs=[{"profile": ["x", "z"], "payoffs": [1, True]}]), "payoffs[0].payoffs[1] is a boolean"),
    (dict(payoffs=[{"profile": ["x", "z"], "payoffs": [1]}]), "payoffs[0].payoffs must list 2"),
    (dict(payoffs=[{"profile": ["x", "z"]}]), "payoffs[0] must be an object"),
    (dict(payoffs=None, payoff_array=[[[1, 2]], [[3]]]), "payoff_array[1][0] must be a list of 2"),
    (dict(payoffs=None, payoff_array=[[[1, 2]]]), "payoff_array must be a list of 2"),
    (dict(payoffs=None, payoff_array=[[[1, float("nan")]], [[3, 4]]]), "payoff_array[0][0][1] is not finite"),
    (dict(title=3), "'title'"),
]


@pytest.mark.parametrize("over,words", JSON_ERRORS, ids=[w for _, w in JSON_ERRORS])
def test_json_errors_name_the_key(over, words):
    with pytest.raises(ParseError, match=re.escape(words)) as info:
        game_from_json_dict(_doc(**over))
    assert words in str(info.value)


def test_json_syntax_error_names_line(tmp_path):
    with pytest.raises(ParseError, match="line 3"):
        parse_json_game('{\n "format": "contract-theory/normal-form",\n "version": 1,,\n}')
    p = tmp_path / "g.json"
    p.write_text("[1, 2]")
    with pytest.raises(ParseError, match="must be an object"):
        read_json_game(p)
    with pytest.raises(FileNotFoundError, match="No such file or directory"):
        read_json_game(tmp_path / "missing.json")
