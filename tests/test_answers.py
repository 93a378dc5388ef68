"""The report's Answers section (contract_theory.report.answers): exact K < N values derived by hand,
the words of the witnesses, the atlas fold, and the section opening a real report."""

import json
import re

from contract_theory.contracting.coalitions.partial_contracts import partial_contract_analysis
from contract_theory.contracting.coalitions.rules import Rules
from contract_theory.contracting.modifications.design import design_comparison
from contract_theory.games.library import n_prisoners_dilemma, public_goods
from contract_theory.report.answers import (
    answers_section,
    atlas_fold,
    game_answers,
    k_partial,
    price_phrase,
    spe_sentence,
)
from contract_theory.report.atlas import AtlasSection, atlas_cells
from contract_theory.report.design import design_json
from contract_theory.report.study import run_report

REPRS = ("Fraction(", "{'", "[(", "None", "True", "False", "')")


def _answers(g, kk, rules=Rules()):
    return game_answers(g, partial_contract_analysis(g, g.n_players, rules), kk, rules,
                        design_json(design_comparison(g, kk, rules)), None)


def test_public_goods_k_below_n_by_hand():
    """Public goods N = 4, r = 8/5, e = 20 (Isaac & Walker): u_i = 20 - c_i + (2/5) sum_j c_j.
    W* = 4 * (2/5) * 80 = 128 (all give 20).  A bloc of 3 gives iff 3 * 2/5 = 6/5 > 1, so at K = 3
    members get 20 - 20 + 24 = 24 and the free-riding outsider 20 + 24 = 44: W_3 = 3 * 24 + 44 = 116.
    Price of partial contracting 128 / 116 = 32/29.  At the optimum each player gains 20 - 8 = 12 by
    giving 0 (it keeps 20 and loses 2/5 * 20 = 8 of the pot), so all 4 > K = 3 players deviate: A4 and
    B1 fail with gain 12; paying the outsider its loss 12 restores W*, but under pessimistic selection an
    indifferent outsider does not comply, so the cost is any amount above 12 (an infimum)."""
    g = public_goods(4, "8/5", 20)
    d = _answers(g, 3)
    assert (d["optimum"], d["no_contract"], d["w_k"], d["price"], d["price_measure"]) == ("128", "80", "116", "32/29",
                                                                                          "ratio")
    assert d["coalition"] == ["P0", "P1", "P2"]
    assert [(f["id"], f["name"]) for f in d["fails"]] == [("A4", "an enforcing contract for the optimum exists"),
                                                          ("B1", "outsiders already best-respond at an optimum")]
    b1 = ("at the optimal profile (20, 20, 20, 20), player P0 gains 12 by switching to 0; at every optimal profile "
          "more players would deviate than a coalition of at most K can fine, so some outsider always has a profitable "
          "deviation")
    assert [f["witness"] for f in d["fails"]] == [b1, b1]  # report.wording.witness_sentence, the one wording
    assert d["restores"] == [{"modification": "payments to outsiders", "cost": "12", "cost_attained": False, "min_k": 3,
                              "timing": None, "tie_dependent": False}]
    held = {x["claim"]: x["holds"] for x in d["guarantees"]}
    assert held == {"optimum-reachable": False, "stable-is-best": True, "welfare-rises": True, "members-gain": True,
                    "outsiders-gain": True}
    text, doc = answers_section([("Public goods", "game-pg", d)], None, Rules())
    assert "price of partial contracting at K = 3: 32/29 (W\\* / W_3)" in text
    assert "payments to outsiders at any cost above 12 (not at 12 itself)" in text
    assert "no coalition of at most K reaches W\\* (the best welfare reached is 116 < W\\* = 128)" in text
    assert ("| [Public goods](#game-pg) | 4 | 3 | 128 | 116 | 32/29 | A4, B1 | payments to outsiders | stable is best, "
            "welfare rises, members gain, outsiders gain |") in text.replace("W\\*", "W*")
    assert "\n    - Restores W\\*: payments to outsiders" in text  # nested under the game's line (4 spaces)
    assert ("\n    - Assumptions failing at K = 3: A4 (an enforcing contract for the optimum exists) and B1 (outsiders "
            f"already best-respond at an optimum): {b1}.\n") in text.replace("W\\*", "W*")  # one shared witness
    assert not [r for r in REPRS if r in text]
    assert doc["games"][0]["price"] == "32/29"


def test_price_at_k_below_n_is_not_the_k_equals_n_price():
    """The K = N price is 1 by definition; the K < N one is what the Answers report.  4-player PD with
    b = 3, c = 1 (Hamburger): u_i = 3 * (other cooperators) / 3 - [i cooperates].  All cooperate: 3 - 1 = 2
    each, W* = 8.  A bloc of k cooperates iff (k - 1) * 3 / 3 > 1, i.e. k >= 3: its members get 2 - 1 = 1
    each and the defector 3, so W_3 = 3 * 1 + 3 = 6 and the price at K = 3 is 8 / 6 = 4/3."""
    a = partial_contract_analysis(n_prisoners_dilemma(4, 3, 1), 4)
    assert price_phrase(a, 4) == "1 (W* / W_4 = 8 / 8)"
    assert price_phrase(a, 3) == "4/3 (W* / W_3 = 8 / 6)"
    assert (k_partial(4, 4), k_partial(4, 3), k_partial(2, 2)) == (3, 3, None)


def test_spe_range_in_words():
    """The SPE welfare range of the contracting game prints one value when both ends agree and "from a to b"
    otherwise, never an interval repr like [116, 116].  Values from the protocol solver (report.study._spe_doc),
    cross-checked against the coalition study: in both games the worst SPE is W_K (public goods N = 4 at K = 3:
    116, derived above; Cournot N = 3, a = 12, c = 0, grid 0|2|3|4 at K = 2: 27, the W_K of the B4 witness under
    the default Stackelberg timing).  The best Cournot SPE is 32 (the protocol solver's value, not derived by
    hand), so there the range has two ends."""
    from contract_theory.games.library import cournot
    from contract_theory.report.study import _spe_doc

    cases = ((public_goods(4, "8/5", 20), 3, "Every SPE of the contracting game with K = 3 has welfare 116."),
             (cournot(3, 12, 0, [0, 2, 3, 4]), 2,
              "The SPEs of the contracting game with K = 2 have welfare from 27 to 32."))
    for g, kk, sentence in cases:
        rules = Rules()
        spe = _spe_doc(g, kk, rules)["k_partial"]
        d = game_answers(g, partial_contract_analysis(g, g.n_players, rules), kk, rules,
                         design_json(design_comparison(g, kk, rules)), spe)
        assert d["spe"]["worst"] == d["w_k"]
        text, _ = answers_section([("G", "game-g", d)], None, rules)
        guarantees = next(line for line in text.splitlines() if line.startswith("    - Guarantees"))
        assert guarantees.endswith(sentence) and "[" not in guarantees
    assert spe_sentence(2, None, None) == "The SPE welfare of the contracting game with K = 2 is undefined (no pure outcome)"


def test_difference_when_welfare_is_not_positive():
    """W* = 0 makes the ratio meaningless: the price is the difference.  Public goods shifted down by
    its optimum payoff 32 (a constant per player does not change any decision): W* = 0, W_3 = 116 - 128 = -12,
    so the difference is 0 - (-12) = 12."""
    import numpy as np

    from contract_theory.games.normal_form import NormalFormGame

    g0 = public_goods(4, "8/5", 20)
    g = NormalFormGame(np.vectorize(lambda x: x - 32, otypes=[object])(g0.table), actions=g0.actions)
    d = _answers(g, 3)
    assert (d["optimum"], d["w_k"], d["price"], d["price_measure"]) == ("0", "-12", "12", "difference")


def test_atlas_fold_counts_and_convention():
    rows = []  # synthetic verdicts: nash fails; stable-is-best also fails under the outside tie rule
    for c in atlas_cells(((2, 2),)):
        verdict = "fails" if c["timing"] == "nash" or c["tie"] == "outside" else "holds"
        rows.append(dict(c, verdict=verdict, margin="1/2" if verdict == "fails" else None))
    fold = atlas_fold({"rows": rows}, Rules())
    assert fold["cells"]["welfare-rises"]["2x2"] == {"verdict": "holds", "margin": None}
    assert fold["counts"]["welfare-rises"]["2x2"] == {"holds": 6, "fails": 6, "unknown": 0}
    assert fold["cells"]["stable-is-best"]["2x2"] == {"verdict": "holds", "margin": None}  # the inside tie's cell
    assert fold["counts"]["stable-is-best"]["2x2"] == {"holds": 18, "fails": 30, "unknown": 0}
    outside = atlas_fold({"rows": rows}, Rules(tie="outside"))
    assert outside["cells"]["stable-is-best"]["2x2"] == {"verdict": "fails", "margin": "1/2"}
    text, _ = answers_section([], {"rows": rows}, Rules(timing="nash"))
    assert "| welfare-rises | fails (margin 1/2) |" in text
    assert "it holds in 6 of 12 for 2x2" in text and "it holds in 18 of 48 for 2x2" in text


def test_report_opens_with_answers_and_keeps_its_atlas_cache(tmp_path):
    """A report with a small fixed atlas (the 12 welfare-rises 2x2 cells, each decided in well under a
    second): Answers first, the atlas computed completely, its cache under --out; a second report into
    the same folder reads every cell from that cache and says the same apart from the timing line."""
    cells = [c for c in atlas_cells(((2, 2),)) if c["claim"] == "welfare-rises"]
    out = tmp_path / "rep"
    first = run_report(str(out), specs=["public_goods:n=4,r=8/5,e=20"], extra_sections=(AtlasSection(cells=cells),))
    md = (out / "report.md").read_text()
    heads = [line for line in md.splitlines() if line.startswith("## ")]
    assert heads[:2] == ["## Answers", "## Linear public goods (n=4, r=8/5, e=20)"] and heads[-1] == "## Claims atlas"
    assert "price of partial contracting at K = 3: 32/29" in md and "timing = stackelberg (" in md.splitlines()[2]
    assert "| welfare-rises | holds |" in md and first["answers"]["atlas"]["counts"]["welfare-rises"]["2x2"]["holds"] == 12
    cache = out / ".contract-theory" / "atlas-cache.json"
    assert len(json.loads(cache.read_text())["cells"]) == 12
    assert first["extras"][0]["atlas"]["computed"] == 12 and first["extras"][0]["atlas"]["unknown"] == 0
    second = run_report(str(out), specs=["public_goods:n=4,r=8/5,e=20"], extra_sections=(AtlasSection(cells=cells),))
    assert second["extras"][0]["atlas"]["cached"] == 12 and second["extras"][0]["atlas"]["computed"] == 0
    again = (out / "report.md").read_text()
    strip = lambda t: re.sub(r"Generated by contract-theory in [0-9.]+ s\.", "", t)  # noqa: E731
    assert strip(again) == strip(md)
    assert json.loads((out / "atlas.json").read_text())["rows"] == first["extras"][0]["atlas"]["rows"]
    html = (out / "report.html").read_text()
    assert '<a id="game-public-goods-n-4-r-8-5-e-20-6efdfc"></a>' in html and "<em>: " not in html


def test_two_players_have_no_k_below_n():
    """With N = 2 the only contract is K = N = 2 (K = 1 is no contract): the Answers say so instead of
    inventing a K < N, and the summary row has no K."""
    from contract_theory.games.library import prisoners_dilemma

    g = prisoners_dilemma()
    d = game_answers(g, partial_contract_analysis(g, 2), k_partial(2, 2), Rules(), None, None)
    assert d == {"n": 2, "k": None, "optimum": "6", "no_contract": "2"}
    text, _ = answers_section([("PD", "game-pd", d)], None, Rules())
    assert "| [PD](#game-pd) | 2 | - | 6 | - | - | - | - | - |" in text
    assert "with two players no K < N leaves a contract" in text


def test_atlas_workers_leave_ctrl_c_to_the_report():
    """The atlas's worker processes ignore SIGINT (a terminal's Ctrl-C reaches every process of the
    group; the report cancels them), and cancel() terminates a started run."""
    import signal

    from contract_theory.report.atlas import AtlasRun

    cells = [c for c in atlas_cells(((2, 2),)) if c["claim"] == "welfare-rises"]
    run = AtlasRun(cells, workers=2).start()
    handler = run._pool.apply(signal.getsignal, (signal.SIGINT,))
    assert handler == signal.SIG_IGN
    workers = list(run._pool._pool)
    run.cancel()
    assert run._pool is None and not any(w.is_alive() for w in workers)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
