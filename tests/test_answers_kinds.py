"""The Answers of the report's Markov and compact games (report.kind_answers, issue 22.1 "for every built-in
game"): exact values derived by hand, the one guarantee evaluator against the built-in claims, the study's
``reuse`` against a fresh study, and every game section of the report having its Answers row."""

import json
import re
from fractions import Fraction

import pytest
from test_repr_leaks import leaks

from contract_theory.api import partial_contract_analysis
from contract_theory.contracting.coalitions.rules import Rules
from contract_theory.errors import ParameterError
from contract_theory.games.compact_library import public_goods_compact
from contract_theory.games.library import from_spec
from contract_theory.games.markov_library import cleanup_markov
from contract_theory.report.answers import GUARANTEES, answers_section
from contract_theory.report.compact_study import compact_section
from contract_theory.report.kind_answers import study_guarantees
from contract_theory.report.study import DEFAULT_GAMES, EXTRA_SECTIONS, _extra_answers, markov_section, run_report
from contract_theory.search.claims import get_claim


def _held(d):
    return {g["claim"]: g["holds"] for g in d["guarantees"]}


def test_cleanup_markov_at_k_2_by_hand(tmp_path):
    """cleanup_markov n = 3 (harvest 1 in Clean, cleaning costs 1/4, discount 9/10, start Clean; nobody
    cleaning in Clean makes it Dirty, someone cleaning in Dirty restores it with probability 1/2).

    W*: one player cleans in Clean, the river stays Clean, the team gets 2 - 1/4 = 7/4 a period:
    W* = (7/4) / (1 - 9/10) = 35/2 (all harvesting gives 3 now but then at most 1425/145 < 35/2).
    No contract, the pessimistic MPE: everyone harvests in Clean, P2 alone cleans in Dirty.  A harvester
    has V_C = 1 + (9/10) V_D, V_D = (9/10)(V_C + V_D)/2, so V_D = (9/11) V_C and V_C = 110/29; the cleaner
    has V_D = (-1/4 + (9/20) V_C) / (11/20) and V_C = 65/29: W = 2 * 110/29 + 65/29 = 285/29.
    K = 2: the bloc {P0, P1} does better free-riding on the outsider's cleaning (2 * 110/29 = 220/29) than
    cleaning itself (1 - 1/4 = 3/4 a period, 15/2 < 220/29), so W_2 = 285/29 = no contract, and the price
    of partial contracting is (35/2) / (285/29) = 1015/570 = 203/114.  Guarantees: every coalition of two
    reaches 285/29 (welfare weakly rises); its members get 110/29 each (equal sharing of 220/29), at least
    their 110/29 or 65/29 without a contract (members weakly gain); but with {P0, P2} signing, the outsider
    P1 becomes the cleaner and gets 65/29 < 110/29 (outsiders-gain fails); no coalition of two reaches W*.
    """
    text, doc = markov_section(str(tmp_path), specs=("cleanup_markov:n=3",))
    d = doc["markov"][0]["answers"]
    assert (d["kind"], d["k"], d["optimum"], d["no_contract"], d["w_k"], d["price"], d["price_measure"]) == (
        "markov", 2, "35/2", "285/29", "285/29", "203/114", "ratio")
    assert Fraction(35, 2) / Fraction(285, 29) == Fraction(203, 114)
    assert d["coalition"] == ["P0", "P1"] and d["full_k"] == 3 and d["fails"] is None
    assert _held(d) == {"optimum-reachable": False, "stable-is-best": True, "welfare-rises": True,
                        "members-gain": True, "outsiders-gain": False}
    loss = next(g["detail"] for g in d["guarantees"] if g["claim"] == "outsiders-gain")
    assert loss == "with {P0, P2} signing, P1 gets 65/29 < 110/29 without a contract"
    assert d["spe"] == {"worst": "285/29", "best": "285/29"}  # the SPE at K = 2 reaches no more than W_2
    md, _ = answers_section(_extra_answers([doc]), None, Rules())
    assert "not computed for Markov games: the checks of A1-A12 and B1-B4 are defined on" in md
    assert "of plain contracts, only the one all 3 players sign (K = N) reaches W\\*" in md
    assert "with all 3 signing every SPE has welfare 35/2" in md
    assert "| [cleanup\\_markov:n=3](#game-cleanup-markov-n-3-8f05d3) (Markov game) | 3 | 2 | 35/2 | 285/29 | 203/114 |" in md
    assert leaks(md, True) == [] and leaks(text, True) == []
    other, _ = answers_section(_extra_answers([doc]), None, Rules(timing="nash"))
    assert "Its section, and so this line, uses timing stackelberg, selection pessimistic" in other
    assert "Its section" not in md


def test_emissions_game_at_k_99_by_hand(tmp_path):
    """Emissions abatement (Barrett 1994), N = 100, b = c = 1: u_i = Q - q_i^2 / 2, Q = sum_j q_j.
    No contract: each abates 1 (marginal benefit 1 = marginal cost q_i): Q = 100, u = 199/2, W = 9950.
    W*: everyone abates 100: Q = 10^4, u = 10^4 - 5000, W* = 500000.  A bloc of k abates k each
    (k * Q - k * q^2/2), outsiders 1: Q = k^2 + 100 - k, a member gets Q - k^2/2, an outsider Q - 1/2.
    k = 99: Q = 9802, W_99 = 100 * 9802 - 99^3/2 - 1/2 = 495050 (W(k) rises on 1..99, so the best is
    k = 99); price 500000 / 495050 = 10000/9901.  At the optimum a player abating 1 instead of 100 loses
    99 of Q and saves 5000 - 1/2: it gains 9801/2, and 100 > 99 = K players would: A4 and B1 fail.
    Members gain: Q - k^2/2 - 199/2 = (k - 1)^2 / 2 >= 0; outsiders gain Q - 1/2 >= 199/2; welfare rises.
    Stability (inside ties): F(k) = -(k - 1)(k - 3)/2 makes 3 the stable size, whose welfare is
    3 * (106 - 9/2) + 97 * (106 - 1/2) = 10538 < 495050: stable-is-best fails, and no coalition of at
    most 99 reaches W*."""
    text, doc = compact_section(str(tmp_path), games=(("iea:n=100,b=1,c=1", 100),))
    d = doc["compact"][0]["answers"]
    assert (d["kind"], d["k"], d["optimum"], d["no_contract"], d["w_k"], d["price"], d["composition"]) == (
        "compact", 99, "500000", "9950", "495050", "10000/9901", "99 of 100")
    assert [(f["id"], f["name"]) for f in d["fails"]] == [("A4", "an enforcing contract for the optimum exists"),
                                                          ("B1", "outsiders already best-respond at an optimum")]
    assert d["fails"][1]["witness"].startswith("at the optimal counts (100 play 100), a player of type T0 playing 100 "
                                               "gains 9801/2 by switching to 1")
    assert _held(d) == {"optimum-reachable": False, "stable-is-best": False, "welfare-rises": True,
                        "members-gain": True, "outsiders-gain": True}
    detail = {g["claim"]: g["detail"] for g in d["guarantees"]}
    assert detail["stable-is-best"] == "the highest welfare is 495050; the stable coalitions reach 10538"
    assert detail["optimum-reachable"] == "the best welfare reached is 495050 < W* = 500000"
    assert d["spe"] is None and "not computed for compact games" in d["spe_note"] and d["guarantees_note"] is None
    md, _ = answers_section(_extra_answers([doc]), None, Rules())
    assert ("| [Emissions abatement (n=100, b=1, c=1)](#game-compact-iea-n-100-b-1-c-1) (compact game) | 100 | 99 | "
            "500000 | 495050 | 10000/9901 | A4, B1 | all N sign (modifications not computed) |") in md
    assert "the modifications are not computed for compact games" in md
    assert "Stable sizes: 3 (indifferent agents stay in), 2 (indifferent agents stay out); 1 stable composition: " \
           "3 of 100." in text
    assert leaks(md, True) == [] and leaks(text, True) == []


@pytest.mark.parametrize("spec", DEFAULT_GAMES)
@pytest.mark.parametrize("rules", [Rules(), Rules(timing="nash", tie="outside")], ids=["default", "nash-outside"])
def test_one_guarantee_evaluator_agrees_with_the_claims(spec, rules):
    """study_guarantees on a study (with the study's symmetry shortcut) and the built-in claims (their own
    coalition solves, no symmetry) are independent computations of the same definitions: same verdicts
    on every default game at K = N - 1, under two conventions."""
    g = from_spec(spec)
    kk = g.n_players - 1
    mine = {r["claim"]: r["holds"] for r in study_guarantees(partial_contract_analysis(g, kk, rules))}
    params = {"k": kk, "timing": rules.timing, "selection": rules.selection, "sharing": rules.sharing, "tie": rules.tie}
    assert mine == {name: get_claim(name).verdict(g, params).holds for name, _, _ in GUARANTEES}


@pytest.mark.parametrize("game,k", [(from_spec("public_goods:n=4,r=8/5,e=20"), 3), (cleanup_markov(3), 2),
                                    (public_goods_compact(30, "8/5", 20), 17)], ids=["dense", "markov", "compact"])
def test_a_study_reusing_a_larger_one_equals_a_fresh_study(game, k):
    """partial_contract_study(reuse=...) takes the coalition outcomes of a study with a larger K and
    redoes only the summary and stability: the same study as a fresh one, under another tie rule too."""
    full = partial_contract_analysis(game, game.n_players)
    for tie in ("inside", "outside"):
        fresh = partial_contract_analysis(game, k, Rules(tie=tie))
        again = partial_contract_analysis(game, k, Rules(tie=tie), reuse=full)
        assert again == fresh
    assert partial_contract_analysis(game, game.n_players, Rules(tie="outside"), reuse=full).stability == \
        partial_contract_analysis(game, game.n_players, Rules(tie="outside")).stability
    with pytest.raises(ParameterError, match="same game with K >= "):
        partial_contract_analysis(game, k, Rules(timing="nash"), reuse=full)
    with pytest.raises(ParameterError, match="got K = 2"):
        partial_contract_analysis(game, 3, reuse=partial_contract_analysis(game, 2))


def test_every_game_section_of_the_report_has_an_answers_row(tmp_path):
    """The default report's game sections (the six normal-form games, the Markov and the compact
    sections; the atlas, counterexample and learning sections hold no game): each heading has an anchor,
    and the Answers' summary table has one row per anchor, linking to it; report.json's answers list
    the same games with their kinds."""
    assert markov_section in EXTRA_SECTIONS and compact_section in EXTRA_SECTIONS
    out = tmp_path / "r"
    doc = run_report(str(out), extra_sections=(markov_section, compact_section))
    md = (out / "report.md").read_text()
    answers, rest = md.split("## Answers", 1)[1].split("### Which claims", 1)
    anchors = re.findall(r'<a id="(game-[^"]+)"></a>\n\n#+ (.+)', rest)
    assert len(anchors) == len(DEFAULT_GAMES) + 2 + 2  # six normal-form, two Markov, two compact games
    rows = re.findall(r"^\| \[(.+?)\]\(#(game-[^)]+)\)", answers, flags=re.M)
    assert [(a, t) for t, a in rows] == list(anchors)  # headings and rows both markdown_safe (a | escaped)
    headings = [h for h in re.findall(r"^#+ (.+)", rest, flags=re.M)]
    game_heads = [h for h in headings if not h.startswith(("Which", "How coalitions", "Tight", "Glossary"))
                  and h not in ("Markov games", "Games with 100 players (compact)")]
    assert sorted(game_heads) == sorted(t for _, t in anchors)  # no game heading without an anchor
    kinds = [g.get("kind", "normal-form") for g in doc["answers"]["games"]]
    assert kinds == ["normal-form"] * 6 + ["markov"] * 2 + ["compact"] * 2
    assert [g["anchor"] for g in doc["answers"]["games"]] == [a for a, _ in anchors]
    assert json.loads((out / "report.json").read_text())["answers"]["games"][7]["price"] == "203/114"
    html = (out / "report.html").read_text()
    assert '<a id="game-compact-iea-n-100-b-1-c-1"></a>' in html and 'href="#game-cleanup-markov-n-3-8f05d3"' in html
    assert leaks(answers, False) == []  # numeric profiles such as (20, 20, 20, 20, 20) are profiles here
