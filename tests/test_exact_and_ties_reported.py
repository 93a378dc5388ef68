"""``exact`` and the ties a result rests on, in every output of analyze, design and learn; titles
rendered safely (issue 29 item 4).

Oracles: the game's own ``exact`` flag (False exactly when a payoff was given as a float); ties
derived by hand for small games (below); a hostile title checked character by character in text
(no escape sequence reaches the terminal), JSON (the title round-trips unchanged, escaped by JSON)
and LaTeX (every special character escaped once).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from contract_theory import partial_contract_analysis
from contract_theory.cli import main
from contract_theory.contracting.modifications.design import design_comparison
from contract_theory.games.formats.json_game import game_to_json_dict
from contract_theory.games.normal_form import NormalFormGame
from contract_theory.report.analysis import FLOAT_NOTE, analysis_json, analysis_latex, analysis_text, result_ties
from contract_theory.report.design import design_json, design_latex, design_section, design_text
from contract_theory.util.latex import tex_escape

TITLE = "T \x1b[31mred\x1b[0m\x07 <b>$x_1$ & *t* | \\ % # ~ ^ {y} _"
# a float game: 2x2, payoffs by player (player-major form), 0.1 and 1.25 are not integers
FLOAT_TABLE = [[[3.5, 0.1], [4.0, 1.25]], [[3.5, 4.0], [0.1, 1.25]]]


@pytest.fixture(scope="module")
def float_game() -> NormalFormGame:
    return NormalFormGame(FLOAT_TABLE, title=TITLE)


@pytest.fixture(scope="module")
def exact_game() -> NormalFormGame:
    return NormalFormGame([[[7, 0], [8, 1]], [[7, 8], [0, 1]]], title="exact")


def test_analyze_carries_exact_in_every_format(float_game, exact_game):
    assert float_game.exact is False and exact_game.exact is True
    for game, flag in ((float_game, False), (exact_game, True)):
        a = partial_contract_analysis(game, 2)
        assert analysis_json(a)["exact"] is flag
        text = analysis_text(a)
        assert (f"exact: no ({FLOAT_NOTE})" in text) is (not flag) and ("exact: yes" in text) is flag
        latex = analysis_latex(a)
        assert ("Exact: no" in latex) is (not flag) and ("Exact: yes" in latex) is flag


def test_design_carries_exact_in_every_format(float_game):
    d = design_comparison(float_game, 2)
    assert design_json(d)["exact"] is False
    assert f"exact: no ({FLOAT_NOTE})" in design_text(d)
    assert "Exact: no (payoffs were given as floats" in design_latex(d)
    three = NormalFormGame(np.array([[[[1.5, 0, 0]] * 2] * 2] * 2))  # 2x2x2, K = 2 < N
    markdown, doc = design_section(three, 2)
    assert FLOAT_NOTE in markdown and "(exact;" not in markdown and doc["design"]["exact"] is False


def test_learn_carries_exact_in_text_and_json(tmp_path, capsys, float_game):
    path = tmp_path / "g.json"
    path.write_text(json.dumps(game_to_json_dict(float_game)))
    assert main(["learn", str(path), "--episodes", "50", "--runs", "2", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["exact"] is False
    assert main(["learn", str(path), "--episodes", "50", "--runs", "2"]) == 0
    out = capsys.readouterr().out
    assert f"exact predictions: no ({FLOAT_NOTE})" in out and "\x1b" not in out


def test_ties_inside_a_coalition_and_at_no_contract_are_reported():
    # Player-major 2x2: u1 = [[1, 1], [0, 0]] (row a0 always gives 1), u2 = [[0, 0], [1, 1]] (player 2
    # indifferent).  Equilibria: (a0, a0) and (a0, a1), both W = 1: a tie at no contract.  The pair
    # {1, 2} maximizes U = W: W = 1 at all four profiles, so its outcome rests on a 4-way tie.
    g = NormalFormGame([[[1, 1], [0, 0]], [[0, 0], [1, 1]]])
    ties = result_ties(partial_contract_analysis(g, 2))
    assert ties == ["no contract: 2 equilibria tied on welfare under selection=pessimistic ((a0, a0), (a0, a1)); "
                    "the smallest profile is taken",
                    "k = 2: coalition {P0, P1} has 4 outcomes tied on the members' total and welfare "
                    "((a0, a0), (a0, a1), (a1, a0), (a1, a1)); the smallest joint action is taken"]
    a = partial_contract_analysis(g, 2)
    assert analysis_json(a)["ties"] == ties
    assert "ties: " + "; ".join(ties) in analysis_text(a)
    # Prisoners' dilemma: unique equilibrium, unique optimum for the pair: nothing rests on a tie.
    pd = NormalFormGame([[[3, 0], [5, 1]], [[3, 5], [0, 1]]])
    assert result_ties(partial_contract_analysis(pd, 2)) == []
    assert "ties: none" in analysis_text(partial_contract_analysis(pd, 2))


def test_coalitions_tied_on_welfare_are_reported():
    # all-zero 2x2x2 game: 8 tied equilibria, every pair's outcome ties 4 ways, 3 pairs tie on W(S) = 0
    a = partial_contract_analysis(NormalFormGame(np.zeros((2, 2, 2, 3), dtype=int)), 2)
    ties = result_ties(a)
    assert ties[0].startswith("no contract: 8 equilibria tied") and ties[0].count("(a") == 6 and ", ..." in ties[0]
    assert ties[-1] == "k = 2: 3 coalitions tied on W(S) ({P0, P1}, {P0, P2}, {P1, P2})"


def test_a_hostile_title_renders_safely_in_every_format(float_game):
    a = partial_contract_analysis(float_game, 2)
    d = design_comparison(float_game, 2)
    for text in (analysis_text(a), design_text(d)):
        assert "\x1b" not in text and "\x07" not in text
        assert "T red <b>$x_1$ & *t* | \\ % # ~ ^ {y} _" in text  # printable characters kept as typed
    for doc in (analysis_json(a), design_json(d)):
        assert doc["title"] == TITLE and "\x1b" not in json.dumps(doc)  # JSON escapes it: \u001b
    safe = ("T red <b>\\$x\\_1\\$ \\& *t* | \\textbackslash{} \\% \\# \\textasciitilde{} \\^{} \\{y\\} \\_")
    assert tex_escape(TITLE) == safe
    for latex in (analysis_latex(a), design_latex(d)):
        assert safe in latex and "\x1b" not in latex
        assert "\\textbackslash\\{\\}" not in latex  # escaped once, not twice
