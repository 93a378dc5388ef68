"""``contract-theory solve`` through ``contract_theory.cli.main`` (exact JSON values, errors).

Hand-derived values (docs/background/model.md#1-games, #2-solution-concepts):

* Prisoner's dilemma (T,R,P,S) = (5,3,1,0): D strictly dominant, so the unique Nash (and,
  since every strictly dominated action gets probability 0 in any correlated or coarse
  correlated equilibrium, the unique CE/CCE) is (D,D), welfare 2; W* = 6 at (C,C);
  PoA = PoS = 6/2 = 3.
* Public goods n=4, r=8/5, e=20: u_i = 20 - c_i + (2/5) sum_j c_j, contributing 20 changes
  one's own payoff by -20 + 8 = -12 whatever the others do, so keeping (0) is strictly
  dominant: unique equilibrium all-0, payoffs 20, welfare 80; W* = 4 * 32 = 128 at all-20;
  PoA = PoS = 128/80 = 8/5; likewise the unique CE/CCE.
* Battle of the sexes (2,1): pure equilibria (O,O) and (F,F), welfare 3 = W*; the mixed one
  has row O w.p. 2/3 (column indifferent: 1 * p = 2 * (1 - p)) and column O w.p. 1/3, both
  payoffs 2/3, welfare 4/3: mixed PoA = 3 / (4/3) = 9/4, PoS = 1.
"""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from contract_theory.cli import main
from contract_theory.games.formats import write_json_game, write_nfg
from contract_theory.games.library import battle_of_the_sexes, prisoners_dilemma
from contract_theory.games.normal_form import NormalFormGame


def run_json(capsys, *args: str) -> dict:
    code = main(["solve", *args, "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    return json.loads(out)


def run_error(capsys, *args: str) -> str:
    try:
        code = main(["solve", *args])
    except SystemExit as exc:  # argparse usage errors
        code = exc.code
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("contract-theory: error:")
    assert "Traceback" not in err
    return lines[0]


PD_NASH = [{"profile": ["D", "D"], "payoffs": ["1", "1"], "welfare": "2"}]


def test_pd_pure_json(capsys):
    d = run_json(capsys, "prisoners_dilemma")
    assert d["players"] == ["Row", "Column"]
    assert d["actions"] == [["C", "D"], ["C", "D"]]
    assert d["pure_nash"] == PD_NASH
    assert d["optimum"] == {"welfare": "6", "profiles": [["C", "C"]]}
    assert d["price_of_anarchy"] == {"pure": "3"} and d["price_of_stability"] == {"pure": "3"}
    assert d["exact"] is True and d["notes"] == []
    assert "mixed_nash" not in d and "correlated" not in d


def test_pd_mixed_json(capsys):
    d = run_json(capsys, "pd", "--concept", "mixed")
    assert d["mixed_nash"] == [{"strategies": [{"D": "1"}, {"D": "1"}], "payoffs": ["1", "1"], "welfare": "2"}]
    assert d["mixed_complete"] is True
    assert d["price_of_anarchy"] == {"pure": "3", "mixed": "3"}
    assert d["price_of_stability"] == {"pure": "3", "mixed": "3"}


def test_public_goods_json(capsys):
    d = run_json(capsys, "public_goods:n=4,r=8/5,e=20", "--concept", "mixed")
    assert d["players"] == ["P0", "P1", "P2", "P3"]
    assert d["actions"] == [["0", "20"]] * 4
    assert d["pure_nash"] == [{"profile": ["0"] * 4, "payoffs": ["20"] * 4, "welfare": "80"}]
    assert d["optimum"] == {"welfare": "128", "profiles": [["20"] * 4]}
    assert d["mixed_nash"] == [{"strategies": [{"0": "1"}] * 4, "payoffs": ["20"] * 4, "welfare": "80"}]
    assert d["mixed_complete"] is True
    assert d["price_of_anarchy"] == {"pure": "8/5", "mixed": "8/5"}
    assert d["price_of_stability"] == {"pure": "8/5", "mixed": "8/5"}


def test_battle_of_the_sexes_mixed_ratios(capsys):
    d = run_json(capsys, "battle_of_the_sexes", "--concept", "mixed")
    mixed = [e for e in d["mixed_nash"] if len(e["strategies"][0]) == 2]
    assert mixed == [{"strategies": [{"Opera": "2/3", "Football": "1/3"}, {"Opera": "1/3", "Football": "2/3"}],
                      "payoffs": ["2/3", "2/3"], "welfare": "4/3"}]
    assert len(d["mixed_nash"]) == 3
    assert d["price_of_anarchy"] == {"pure": "1", "mixed": "9/4"}
    assert d["price_of_stability"] == {"pure": "1", "mixed": "1"}


def test_undefined_ratios_are_null_with_a_note(capsys):
    # matching pennies: no pure equilibrium, W* = 0
    d = run_json(capsys, "matching_pennies", "--concept", "mixed")
    assert d["pure_nash"] == [] and d["optimum"]["welfare"] == "0"
    assert d["price_of_anarchy"] == {"pure": None, "mixed": None}
    assert any("no pure equilibrium" in n for n in d["notes"])
    assert any("W* = 0" in n and "difference W* - W = 0" in n for n in d["notes"])


def test_irrational_mixed_equilibria_reported(capsys):
    # volunteer's dilemma n=3 (b=2, c=1): symmetric mixed equilibrium with P(Ignore)^2 = c/b,
    # P(Ignore) = sqrt(2)/2 (irrational) -> reported separately, mixed ratios null.
    d = run_json(capsys, "volunteers_dilemma:n=3", "--concept", "mixed")
    assert len(d["pure_nash"]) == 3
    irr = d["mixed_nash_irrational"]
    assert len(irr) == 1 and irr[0]["strategies"][0]["Ignore"] == "sqrt(2)/2"
    assert abs(irr[0]["approx"][0]["Ignore"] - 2 ** 0.5 / 2) < 1e-12
    assert d["price_of_anarchy"] == {"pure": "1", "mixed": None}


def test_nfg_and_json_paths(capsys, tmp_path):
    path = tmp_path / "pd.nfg"
    write_nfg(prisoners_dilemma(), path)
    d = run_json(capsys, str(path))
    assert d["pure_nash"] == PD_NASH and d["optimum"]["welfare"] == "6"
    jpath = tmp_path / "bos.json"
    write_json_game(battle_of_the_sexes(), jpath)
    d = run_json(capsys, str(jpath))
    assert [e["profile"] for e in d["pure_nash"]] == [["Opera", "Opera"], ["Football", "Football"]]


def test_text_output_has_payoff_table(capsys):
    assert main(["solve", "pd"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert "  Row \\ Column     C     D" in lines
    assert "  D             5, 0  1, 1" in lines
    assert "  (D, D)  payoffs (1, 1)  welfare 2" in lines
    assert "optimum welfare W* = 6 at (C, C)" in lines
    assert "price of anarchy: pure: 3" in lines


def test_text_output_three_player_tables(capsys):
    assert main(["solve", "n_stag_hunt:n=3,m=2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    # stag hunters get 4 when at least 2 of 3 hunt stag; P2 hunting hare with P0, P1 on stag
    assert "  P2 plays Hare:" in lines
    assert "  Stag     4, 4, 3  0, 3, 3" in lines


@pytest.mark.parametrize("args,words", [
    (("missing.nfg",), "No such file"),
    (("no_such_game",), "unknown game 'no_such_game'"),
    (("pd", "--concept", "bogus"), "invalid choice: 'bogus'"),
    (("pd", "--format", "xml"), "invalid choice: 'xml'"),
    (("public_goods:n=4,r=9",), "1 < r < n"),
])
def test_errors_one_line_exit_2(capsys, args, words):
    assert words in run_error(capsys, *args)


def test_malformed_nfg_error_names_line(capsys, tmp_path):
    path = tmp_path / "bad.nfg"
    path.write_text('NFG 1 R "x" { "A" "B" }\n{ 2 2 }\n1 2 3 4\n5 6 7 x8\n')
    line = run_error(capsys, str(path))
    assert "line 4" in line and "'x8'" in line
    path.write_text('NFG 1 R "x" { "A" "B" }\n{ 2 2 }\n1 2 3 4\n5 6 7\n')
    assert "wrong number of payoffs" in run_error(capsys, str(path))
    jpath = tmp_path / "bad.json"
    jpath.write_text('{"format": "contract-theory/normal-form", "version": 1}')
    assert "missing key 'players'" in run_error(capsys, str(jpath))


def test_mixed_size_limit_is_an_error(capsys):
    # support enumeration refuses more than 4 players (SizeLimitError names the limit)
    line = run_error(capsys, "el_farol:n=5,capacity=3", "--concept", "mixed")
    assert "5 players" in line and "max_players=4" in line


# ----------------------------------------------------------------------------- correlated (integration)
def test_correlated_values(capsys):
    d = run_json(capsys, "pd", "--concept", "correlated")
    only_dd = {"max_welfare": "2", "min_welfare": "2",
               "max_welfare_distribution": [{"profile": ["D", "D"], "probability": "1"}]}
    assert d["correlated"] == only_dd and d["coarse_correlated"] == only_dd
    d = run_json(capsys, "public_goods:n=4,r=8/5,e=20", "--concept", "all")
    only_keep = {"max_welfare": "80", "min_welfare": "80",
                 "max_welfare_distribution": [{"profile": ["0"] * 4, "probability": "1"}]}
    assert d["correlated"] == only_keep and d["coarse_correlated"] == only_keep
    assert d["price_of_anarchy"] == d["price_of_stability"] == {
        "pure": "8/5", "mixed": "8/5", "correlated": "8/5", "coarse_correlated": "8/5"}


def test_correlated_traffic_light(capsys, tmp_path):
    # Aumann's (1974) chicken u(C,C)=(6,6), u(C,D)=(2,7), u(D,C)=(7,2), u(D,D)=(0,0): the
    # welfare-maximizing CE puts 1/2 on (C,C) and 1/4 on each of (C,D), (D,C): welfare
    # 1/2 * 12 + 1/2 * 9 = 21/2, above every Nash equilibrium (9, 9 and 28/3 for the mixed one).
    g = NormalFormGame.from_bimatrix([[6, 2], [7, 0]], [[6, 7], [2, 0]], actions=[["C", "D"], ["C", "D"]])
    path = tmp_path / "chicken.nfg"
    write_nfg(g, path)
    d = run_json(capsys, str(path), "--concept", "all")
    assert d["correlated"]["max_welfare"] == "21/2"
    assert d["correlated"]["max_welfare_distribution"] == [
        {"profile": ["C", "C"], "probability": "1/2"}, {"profile": ["C", "D"], "probability": "1/4"},
        {"profile": ["D", "C"], "probability": "1/4"}]
    # By hand, p = (p_CC, p_CD, p_DC, p_DD), welfare W = 12 p_CC + 9 (p_CD + p_DC).  Obedience:
    # row told C: 6 p_CC + 2 p_CD >= 7 p_CC, i.e. p_CC <= 2 p_CD; row told D: 7 p_DC >= 6 p_DC + 2 p_DD,
    # i.e. p_DC >= 2 p_DD; the column player symmetrically p_CC <= 2 p_DC and p_CD >= 2 p_DD.
    # Max: p_DD = 0 and p_CD, p_DC >= p_CC / 2 give p_CC = 1/2, p_CD = p_DC = 1/4, W = 21/2.
    # Min: p_CD + p_DC >= 4 p_DD gives p_CD + p_DC >= 4 (1 - p_CC) / 5, so W >= 12 p_CC + 36 (1 - p_CC) / 5
    # >= 36/5, attained at p_CD = p_DC = 2/5, p_DD = 1/5.  With two actions each the coarse
    # constraints (never deviate to a fixed action) are the same four inequalities: CCE = CE.
    assert d["correlated"]["min_welfare"] == "36/5"
    assert (d["coarse_correlated"]["max_welfare"], d["coarse_correlated"]["min_welfare"]) == ("21/2", "36/5")
    mixed_w = [Fraction(e["welfare"]) for e in d["mixed_nash"]]
    assert sorted(mixed_w) == [9, 9, Fraction(28, 3)]  # mixed: C w.p. 2/3 each, payoff 7 * 2/3 = 14/3
    assert Fraction(d["correlated"]["min_welfare"]) <= min(mixed_w)
    # W* = 12: PoA = 12/9 over both; PoS = 12/9 over pure, 12/(28/3) = 9/7 over mixed
    assert d["price_of_anarchy"]["pure"] == d["price_of_anarchy"]["mixed"] == "4/3"
    assert d["price_of_stability"]["pure"] == "4/3" and d["price_of_stability"]["mixed"] == "9/7"
    # over CE (= CCE): PoS = 12 / (21/2) = 8/7; PoA = 12 / (36/5) = 5/3
    assert d["price_of_stability"]["correlated"] == d["price_of_stability"]["coarse_correlated"] == "8/7"
    assert d["price_of_anarchy"]["correlated"] == d["price_of_anarchy"]["coarse_correlated"] == "5/3"
