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
    assert {"report.md", "report.html", "report.json", "public-goods-4-welfare.png", "public-goods-4-gains.png",
            "public-goods-4.tex", "prisoners-dilemma-2-welfare.png"} <= names
    assert not [n for n in names if n.startswith(".tmp-")]
    pg = doc["games"][0]
    assert pg["welfare_curve"] == {"1": "80", "2": "80", "3": "116", "4": "128"}
    assert pg["spe"]["full_contract"] == {"worst_welfare": "128", "best_welfare": "128", "every_spe_optimal": True}
    assert pg["spe"]["k_minus_one"]["worst_welfare"] == "116"
    assert json.loads((out / "report.json").read_text())["games"][1]["optimum"]["welfare"] == "6"
    md = (out / "report.md").read_text()
    assert "| 3 | 116 | 116 | [0, 1, 2] | 20 20 20 0 | True |" in md
    assert (out / "public-goods-4-welfare.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<table>" in (out / "report.html").read_text()


def test_report_cli_summary_and_bad_k(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CONTRACT_THEORY_CACHE", str(tmp_path / "cache"))    # the claims atlas: own cache,
    monkeypatch.setenv("CONTRACT_THEORY_ATLAS_BUDGET", "3")                  # a few cells (tested in test_prove)
    code = main(["report", "--out", str(tmp_path / "r"), "--games", "stag_hunt", "--k", "2"])
    out, err = capsys.readouterr()
    assert code == 0 and "Stag hunt: W* = 8, no contract = 6, W_K = 8, smallest k reaching W* = 2" in out
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
    assert found["spe-optimal"]["found"] and "shape (2, 2, 2)" in text  # the A11 trap needs 2 voters
    text, doc = learning_section(str(tmp_path), episodes=800, runs=50)
    nc, full = doc["learning"][0], doc["learning"][-1]
    assert nc["predicted"] == [["D", "D"]] and full["predicted"] == [["C", "C"]]
    assert nc["match_rate"] >= 0.9 and full["match_rate"] >= 0.9
