"""`contract-theory report` on a small configuration: files, numbers, atomic writes."""

import json
import os

import pytest

from contract_theory.cli import main
from contract_theory.report.study import Execution, run_report
from contract_theory.util.atomic import write_with


def test_report_files_and_numbers(tmp_path):
    out = tmp_path / "rep"
    doc = run_report(str(out), specs=["public_goods:n=4,r=8/5,e=20", "prisoners_dilemma"])
    names = set(os.listdir(out))
    pg_slug, pd_slug = "public-goods-n-4-r-8-5-e-20-6efdfc", "prisoners-dilemma-a4c0e3"  # spec + hash (spec_slug)
    assert {"report.md", "report.html", "report.json", f"{pg_slug}-welfare.png", f"{pg_slug}-gains.png",
            f"{pg_slug}.tex", f"{pd_slug}-welfare.png"} <= names
    assert not [n for n in names if n.startswith(".tmp-")]
    assert not [n for n in os.listdir(tmp_path) if n != "rep"]  # no temporary folder beside it
    pg = doc["games"][0]
    assert pg["welfare_curve"] == {"1": "80", "2": "80", "3": "116", "4": "128"}
    assert pg["spe"]["full_contract"] == {"worst_welfare": "128", "best_welfare": "128", "every_spe_optimal": True}
    assert pg["spe"]["k_partial"] == {"k": 3, "worst_welfare": "116", "best_welfare": "116", "every_spe_optimal": False}
    assert json.loads((out / "report.json").read_text())["games"][1]["optimum"]["welfare"] == "6"
    md = (out / "report.md").read_text()
    assert "| 3 | 116 | 116 | {P0, P1, P2} | (20, 20, 20, 0) | yes |" in md
    assert "Stable coalitions (inside ties): 4, e.g. {P0, P1, P2}; {P0, P1, P3}; {P0, P2, P3}; {P1, P2, P3}." in md
    assert "- Pure Nash equilibria: 1 (e.g. (0, 0, 0, 0))" in md
    assert (out / f"{pg_slug}-welfare.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"![welfare by K]({pg_slug}-welfare.png)" in md
    assert "<table>" in (out / "report.html").read_text()
    _formation_numbers(pg["formation"], md)


def _formation_numbers(tables, md):
    """The report's formation section on public goods N = 4, r = 8/5, e = 20 at K = 4, derived by hand:
    u_i = 2X/5 + 20 - x_i, so a bloc contributes its 20 each iff 2b/5 > 1, i.e. b >= 3.  Under gamma
    v({i}) = 20, v(pair) = 40, v(triple) = 3 * 2 * 60/5 = 72, v(N) = 128 (W*).  By symmetry the
    Shapley value and the nucleolus are 32 each, and the least core is the symmetric point with
    epsilon = max(20 - 32, 40 - 64, 72 - 96) = -12 (core non-empty).  Bloch (1996), size announcements
    in the order P0..P3: with 3 left the next player forms the triple (24 > 20), so P0 stays alone for
    20 + 24 = 44 rather than 32 in the grand coalition: {P0} {P1, P2, P3}, welfare 44 + 72 = 116.  The
    myopic answer: the four triples (a leaver gets 20 < 24, a joiner 32 < 44), welfare 116."""
    by = {t["concept"]: t for t in tables}
    assert list(by) == ["djgw", "pis", "core", "shapley", "nucleolus", "bloch"]
    assert by["shapley"]["shares"] == by["nucleolus"]["shares"] == {f"P{i}": "32" for i in range(4)}
    assert by["core"]["core"]["empty"] is False and by["core"]["core"]["epsilon"] == "-12"
    assert {v["value"] for v in by["core"]["values"] if len(v["coalition"]) == 3} == {"72"}
    assert by["bloch"]["structures"] == [{"blocks": [["P0"], ["P1", "P2", "P3"]], "indices": [[0], [1, 2, 3]],
                                          "welfare": "116"}]
    assert by["bloch"]["shares"] == {"P0": "44", "P1": "24", "P2": "24", "P3": "24"}
    assert len(by["djgw"]["structures"]) == 4 and {s["welfare"] for s in by["djgw"]["structures"]} == {"116"}
    assert ("| Bloch's sequential game (1996) | {P0} {P1, P2, P3} | 116 | P0 44, P1 24, P2 24, P3 24 | "
            "1 of 1 myopic-stable; best welfare 116 vs best myopic-stable welfare 116 |") in md
    assert "| Shapley value, gamma | core non-empty, least core epsilon -12 | 128 | P0 32, P1 32, P2 32, P3 32 | " \
           "v(N) = 128; best myopic-stable welfare 116 |" in md


def test_report_cli_summary_and_bad_k(tmp_path, capsys, monkeypatch):
    # the games only: the extra sections (the complete claims atlas among them) are tested on their own
    code = main(["report", "--out", str(tmp_path / "r"), "--games", "stag_hunt", "--k", "2", "--games-only"])
    out, err = capsys.readouterr()
    assert code == 0 and "Stag hunt: W* = 8, no contract = 6, W_N = 8, smallest k reaching W* = 2" in out
    assert "plots for 1 game\n" in out
    assert "[1/1] stag_hunt" in err
    code = main(["report", "--out", str(tmp_path / "r2"), "--games", "stag_hunt", "--k", "1"])
    assert code == 2 and "K=1 is out of range" in capsys.readouterr().err


def test_interrupted_write_leaves_no_file(tmp_path):
    target = tmp_path / "x.txt"

    def boom(tmp):
        with open(tmp, "w") as fh:
            fh.write("half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt, match="^$"):
        write_with(str(target), boom)
    assert os.listdir(tmp_path) == []


def test_report_parallel_equals_serial(tmp_path):
    """Two worker processes produce the same JSON document as the serial run."""
    from contract_theory.util.execution import Executor

    specs = ["public_goods:n=4,r=8/5,e=20", "stag_hunt", "volunteers_dilemma:n=3,b=2,c=1"]
    serial = run_report(str(tmp_path / "s"), specs=specs)
    with Executor("processes", workers=2) as ex:
        par = run_report(str(tmp_path / "p"), specs=specs, execution=Execution(executor=ex))
    assert par["games"] == serial["games"]
    assert (tmp_path / "s" / "report.json").read_text() == (tmp_path / "p" / "report.json").read_text()


def test_report_extra_sections(tmp_path):
    """Markov games, counterexamples and the learning check, on a small configuration."""
    from contract_theory.report.study import counterexample_section, learning_section, markov_section

    text, doc = markov_section(str(tmp_path), specs=("cleanup_markov:n=2",))
    assert doc["markov"][0]["optimum"]["welfare"] == "15/2" and "W_2 = 15/2" in text
    text, doc = counterexample_section(str(tmp_path), budget_seconds=5, max_games=500)
    found = {d["claim"]: d for d in doc["counterexamples"]}
    assert found["welfare-rises"]["found"] and found["welfare-rises"]["verified"]
    assert found["spe-optimal"]["found"] and "3 players, shape 2x2x2" in text  # the A11 trap needs 2 voters
    text, doc = learning_section(str(tmp_path), episodes=800, runs=50)
    nc, full = doc["learning"][0], doc["learning"][-1]
    assert nc["predicted"] == [["D", "D"]] and full["predicted"] == [["C", "C"]]
    assert nc["match_rate"] >= 0.9 and full["match_rate"] >= 0.9


def test_counterexample_section_is_bounded_by_games_not_time(tmp_path):
    """With no time budget the seeded search and its shrinking are the same on every machine: two runs
    give the same counterexamples (the claims' smallest found games and the numbers of games searched;
    welfare-rises needs 1845 seeded games, members-gain 9)."""
    from contract_theory.report.study import counterexample_section

    runs = [counterexample_section(str(tmp_path / str(i)))[1]["counterexamples"] for i in range(2)]
    key = [[(d["claim"], d["searched"]["games"], str(d["certificate"]["game"])) for d in r] for r in runs]
    assert key[0] == key[1]
    assert dict((c, n) for c, n, _ in key[0])["welfare-rises"] == 1845
    assert dict((c, n) for c, n, _ in key[0])["members-gain"] == 9


def test_report_cli_summary_gives_w_k_and_the_price_at_k_below_n(tmp_path, capsys):
    """The terminal line of a game names the K < N studied: public goods n = 4, r = 8/5, e = 20 gives
    W* = 4 * 20 * 8/5 = 128, no contract 4 * 20 = 80, and at K = 3 the bloc contributes (3 * 8/5 / 4 = 6/5 > 1
    per unit) while the outsider does not: each gets 60 * 8/5 / 4 = 24, so W_3 = 3 * 24 + (20 + 24) = 116,
    price 128 / 116 = 32/29."""
    code = main(["report", "--out", str(tmp_path / "r"), "--games", "public_goods:n=4,r=8/5,e=20", "--games-only"])
    out = capsys.readouterr().out
    assert code == 0
    assert ("Linear public goods (n=4, r=8/5, e=20): W* = 128, no contract = 80, W_K at K = 3: 116 (price 32/29), "
            "smallest k reaching W* = 4") in out
