"""The `design` command and the report's "which assumptions hold when only K < N sign" section."""

import json

from contract_theory.cli import main
from contract_theory.games.library import public_goods
from contract_theory.report.design import design_section
from contract_theory.report.study import run_report

KEYS = {"name", "welfare", "min_k_for_optimum", "cost", "members_gain", "outsiders_gain", "assumptions", "notes",
        # issue 21: one convention per table, tie dependence, the diagnosis, a row refused alone
        "status", "convention", "reference_welfare", "tie_dependent", "tie", "tie_welfare", "cost_attained",
        "coalition", "coalition_names", "structure", "diagnosis"}
#: The treaty repairs' rows (issue 24) add these; the baseline adds ``stable_welfare``.
REPAIR_KEYS = {"parameter", "stable_welfare", "stable_sizes", "stable_coalitions", "within_theorem_class", "gives_up"}
REPAIRS = ["minimum participation", "sanctions on outsiders", "stabilizing transfers"]


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_design_json_public_goods(capsys):
    """N = 5, r = 2, e = 20, K = 3: the 3-coalition contributes (3*2 > 5); members get r*3e/5 = 24 each,
    outsiders 20 + 24 = 44: W = 72 + 88 = 160.  Payments: each outsider is
    paid (1 - 2/5) 20 = 12 to contribute (cost 24) and everyone gets r e = 40: W* = 200, members' gain
    3*40 - 24 - 60 = 36, outsiders' 2*52 - 40 = 64."""
    code, out, err = run(capsys, "design", "public_goods:n=5,r=2,e=20", "--k", "3", "--format", "json")
    assert code == 0 and err == ""
    d = json.loads(out)
    assert set(d["baseline"]) == KEYS | {"stable_welfare"}
    assert all(set(r) == (KEYS | REPAIR_KEYS if r["name"] in REPAIRS else KEYS) for r in d["modifications"])
    assert [r["name"] for r in d["modifications"]] == ["payments to outsiders", "observing outsiders",
                                                        "several contracts", "recruitment"] + REPAIRS
    assert d["baseline"]["welfare"] == "160" and d["baseline"]["min_k_for_optimum"] is None
    pay = d["modifications"][0]
    assert (pay["welfare"], pay["min_k_for_optimum"], pay["cost"]) == ("200", 3, "24")
    assert (pay["members_gain"], pay["outsiders_gain"]) == ("36", "64")
    assert d["baseline"]["assumptions"]["B1"] == "fails" and pay["assumptions"]["B1"] == "holds"
    assert d["optimum"] == "200" and d["no_contract"] == "100"


def test_design_text_latex_and_errors(capsys):
    code, out, _ = run(capsys, "design", "cournot:n=4,a=12,c=0,grid=2|3", "--k", "2")
    assert code == 0 and "several contracts" in out and "W* is restored by several contracts (from k = 2)" in out
    code, out, _ = run(capsys, "design", "public_goods:n=4,r=2,e=20", "--k", "2", "--format", "latex")
    assert code == 0 and "\\begin{tabular}" in out and "payments to outsiders" in out
    code, _, err = run(capsys, "design", "public_goods:n=4,r=2,e=20", "--k", "9")
    assert code == 2 and err.count("\n") == 1 and "K=9 is out of range" in err


def test_design_section_assumptions_at_k_n_and_below():
    text, doc = design_section(public_goods(4, "8/5", 20), 3)
    assert "| id | assumption | K = N | K = 3 |" in text
    rows = {r["id"]: r for r in doc["assumptions"]}
    assert rows["B1"]["k_equals_n"] == "not applicable" and rows["B1"]["k_partial"] == "fails"
    assert rows["B1"]["witness"] is not None and "gain" in rows["B1"]["witness"]
    assert rows["A4"]["k_equals_n"] == "holds" and rows["A4"]["k_partial"] == "fails"
    assert doc["design"]["baseline"]["welfare"] == "116"
    assert design_section(public_goods(2, "3/2", 1)) == ("", {})


def test_report_answers_k_below_n(tmp_path):
    doc = run_report(str(tmp_path), specs=["volunteers_dilemma:n=3,b=2,c=1"])
    md = (tmp_path / "report.md").read_text()
    assert "Which assumptions hold when only K = 2 < N = 3 sign" in md
    assert "Assumptions with K = 3 = N:" in md
    assert doc["games"][0]["k_below_n"]["design"]["k"] == 2


def test_howto_numbers_are_true(capsys):
    """The how-to quotes a design table and numbers; recompute them."""
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "howto" / "restore-optimality.md").read_text()
    code, out, _ = run(capsys, "design", "public_goods:n=5,r=2,e=20", "--k", "3")
    for line in out.splitlines()[2:5]:
        assert line in text
    code, out, _ = run(capsys, "design", "commons:n=3,capacity=12,grid=0|1|2|3|4", "--k", "2", "--format", "json")
    pay = json.loads(out)["modifications"][0]
    assert pay["welfare"] == "35/12" and "$35/12 < W^* = 3$" in text and "$1/2$" in text


def test_design_expands_compact_games_and_refuses_markov_games(capsys):
    """A compact game is anything with ``to_dense()``; its modifications are those of the dense game."""
    from contract_theory.contracting.modifications.design import dense_game, design_comparison

    class Compact:  # the duck type of contract_theory's compact games
        def to_dense(self):
            return public_goods(4, 2, 20)

    assert dense_game(Compact()) == public_goods(4, 2, 20)
    assert design_comparison(Compact(), 2).modifications[0].welfare == design_comparison(
        public_goods(4, 2, 20), 2).modifications[0].welfare
    code, _, err = run(capsys, "design", "commons_markov:n=2", "--k", "2")
    assert code == 2 and "got a MarkovGame" in err and err.count("\n") == 1
