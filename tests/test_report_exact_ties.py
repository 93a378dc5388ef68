"""``exact`` and the ties a result rests on in the report's Markdown and HTML, and titles from a file
rendered safely in the report and on the terminal (issue 29 item 4).

The report's JSON already carried ``exact`` and ``ties`` per game (``analysis_json``); its Markdown
and HTML did not.  Oracles: the game's own ``exact`` flag (False exactly when a payoff was a float)
and the ties derived by hand in ``tests/test_exact_and_ties_reported.py`` for the same 2x2 game:

    u1 = [[1, 1], [0, 0]] (row a0 always gives 1), u2 = [[0, 0], [1, 1]] (player 2 indifferent):
    equilibria (a0, a0) and (a0, a1), both W = 1 (a tie at no contract); the pair {P0, P1}
    maximizes W = 1 at all four profiles (a 4-way tie inside the coalition).

The float game is a prisoner's dilemma with float payoffs (3.5, 0.1, 4.0, 1.25): one equilibrium
(a1, a1) and one best outcome for the pair (a0, a0), W = 7 against 4.1 and 2.5: no tie.
"""

from __future__ import annotations

import json
import re

import pytest

from contract_theory.cli import main
from contract_theory.games.formats.json_game import game_to_json_dict
from contract_theory.games.normal_form import NormalFormGame
from contract_theory.report.analysis import FLOAT_NOTE
from contract_theory.report.study import run_report

HOSTILE = "T \x1b[31mred\x1b[0m\x1b]0;window\x07 <b>x_1</b> & *t* | \\ #"
#: A title that is bad mathtext ("$...$" that matplotlib cannot parse): the plots must not fail on it.
DOLLARS = "cost $\\frac{ $ tie"
TIE_SENTENCES = ("no contract: 2 equilibria tied on welfare under selection=pessimistic ((a0, a0), (a0, a1)); "
                 "the smallest profile is taken; k = 2: coalition {P0, P1} has 4 outcomes tied on the members' "
                 "total and welfare ((a0, a0), (a0, a1), (a1, a0), (a1, a1)); the smallest joint action is taken")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    d = tmp_path_factory.mktemp("rep")
    floats = NormalFormGame([[[3.5, 0.1], [4.0, 1.25]], [[3.5, 4.0], [0.1, 1.25]]], title=HOSTILE)
    ties = NormalFormGame([[[1, 1], [0, 0]], [[0, 0], [1, 1]]], title=DOLLARS)
    paths = []
    for name, g in (("floats.json", floats), ("ties.json", ties)):
        (d / name).write_text(json.dumps(game_to_json_dict(g)))
        paths.append(str(d / name))
    out = d / "out"
    doc = run_report(str(out), specs=paths)
    return doc, (out / "report.md").read_text(), (out / "report.html").read_text(), paths


def _section(markdown: str, heading: str) -> str:
    start = markdown.index("\n## " + heading)
    end = markdown.find("\n## ", start + 1)
    return markdown[start:end]


def test_exact_and_ties_in_the_markdown(report):
    doc, md, _, _ = report
    floats = _section(md, "T red")
    assert f"\n- exact: no ({FLOAT_NOTE}).\n- rests on a tie: none.\n" in floats
    ties = _section(md, "cost")
    assert f"\n- exact: yes.\n- rests on a tie: {TIE_SENTENCES}.\n" in ties
    assert [g["exact"] for g in doc["games"]] == [False, True]  # the JSON says the same
    assert "; ".join(doc["games"][1]["ties"]) == TIE_SENTENCES and doc["games"][0]["ties"] == []
    for section in (floats, ties):  # words, no reprs
        assert not re.search(r"\bTrue\b|\bFalse\b|\bNone\b|Fraction\(|\[\(|\{'", section)


def test_exact_and_ties_in_the_html(report):
    _, _, html, _ = report
    assert f"<li>exact: no ({FLOAT_NOTE}).</li>" in html and "<li>rests on a tie: none.</li>" in html
    assert "<li>exact: yes.</li>" in html
    assert f"<li>rests on a tie: {TIE_SENTENCES.replace(chr(39), '&#39;')}.</li>" in html or \
        f"<li>rests on a tie: {TIE_SENTENCES}.</li>" in html


def test_a_hostile_title_is_literal_text_in_markdown_and_html(report):
    doc, md, html, _ = report
    for text in (md, html):
        assert "\x1b" not in text and "\x07" not in text and "window" not in text  # the OSC sequence goes whole
    # Markdown: the specials escaped, HTML's as entities (so report.html gets no <b> from the title)
    assert "\n## T red &lt;b&gt;x\\_1&lt;/b&gt; &amp; \\*t\\* \\| \\\\ \\#\n" in md
    assert "<h2>T red &lt;b&gt;x_1&lt;/b&gt; &amp; *t* | \\ #</h2>" in html
    assert "<b>x_1</b>" not in html
    # the Answers table and list name the game by the same safe text; the JSON keeps the exact title
    assert "[T red &lt;b&gt;x\\_1&lt;/b&gt; &amp; \\*t\\* \\| \\\\ \\#](#game-" in md
    assert doc["games"][0]["title"] == HOSTILE and doc["answers"]["games"][0]["title"] == HOSTILE
    # bad mathtext in a title: the plots are drawn (the report above finished) with the dollars literal
    assert "\n## cost $\\\\frac{ $ tie\n" in md


def test_titles_reach_the_terminal_without_escape_sequences(report, capsys, tmp_path):
    *_, paths = report
    for argv in (["solve", paths[0]], ["coalitions", paths[0], "--k", "2"],
                 ["learn", paths[0], "--sweep", "--grid", "episodes=20", "--runs", "2"],
                 ["report", "--games", paths[0], "--games-only", "--out", str(tmp_path / "r")]):
        assert main(argv) == 0, argv
        captured = capsys.readouterr()
        for stream in (captured.out, captured.err):
            assert "\x1b" not in stream and "\x07" not in stream, (argv, stream[-500:])
        assert "T red <b>x_1</b> & *t* | \\ #" in captured.out, argv  # printable characters as typed
