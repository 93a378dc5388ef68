"""The `analyze` command: exact JSON values, text and LaTeX forms, one-line errors."""

import contextlib
import json

import pytest

from contract_theory.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_public_goods_json_exact_values(capsys):
    code, out, err = run(capsys, "analyze", "public_goods:n=4,r=8/5,e=20", "--k", "3", "--format", "json")
    assert code == 0 and err == ""
    d = json.loads(out)
    assert d["players"] == ["P0", "P1", "P2", "P3"]
    assert d["optimum"] == {"welfare": "128", "profiles": [["20", "20", "20", "20"]]}
    assert d["no_contract"] == {"welfare": "80", "payoffs": ["20"] * 4, "profile": ["0"] * 4}
    assert d["welfare_curve"] == {"1": "80", "2": "80", "3": "116"}
    assert d["by_k"][1]["coalition"] == [0, 1, 2]
    assert d["by_k"][1]["profile"] == ["20", "20", "20", "0"]
    assert d["by_k"][1]["payoffs"] == ["24", "24", "24", "44"]
    assert d["by_k"][1]["members_accept"] is True
    assert d["min_k_for_optimum"] is None
    assert d["price_of_partial_contracting"] == "32/29"
    assert d["stable_coalitions"] == [[0, 1, 2], [0, 1, 3], [0, 2, 3], [1, 2, 3]]
    assert d["pure_nash"] == [{"profile": ["0"] * 4, "payoffs": ["20"] * 4, "welfare": "80"}]


def test_text_and_latex(capsys):
    code, out, _ = run(capsys, "analyze", "n_prisoners_dilemma:n=5,b=3,c=2", "--k", "5")
    assert code == 0 and "smallest k reaching W*: 5" in out
    code, out, _ = run(capsys, "analyze", "stag_hunt", "--k", "2", "--format", "latex")
    assert code == 0 and "\\toprule" in out and "$W^* = 8$" in out


@pytest.mark.parametrize("argv, message", [
    (["analyze", "pd", "--k", "3"], "K=3 is out of range"),
    (["analyze", "nosuchgame", "--k", "2"], "unknown game"),
    (["analyze", "pd", "--k", "2", "--timing", "later"], "invalid choice"),
    (["analyze", "missing.nfg", "--k", "2"], "missing.nfg"),
    (["analyze", "public_goods:n=4,r=9", "--k", "2"], "1 < r < n"),
])
def test_errors_are_one_line(capsys, argv, message):
    with pytest.raises(SystemExit, match="^2$") if "invalid choice" in message else contextlib.nullcontext():
        code, out, err = run(capsys, *argv)
        assert code == 2
        assert message in err and err.count("\n") == 1 and "Traceback" not in err
    if "invalid choice" in message:
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1
