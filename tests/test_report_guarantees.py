"""The report's Tight guarantees table (contract_theory.report.guarantees): its values are the
hand-derived constants of tests/test_bounds.py, and a second report reads them from the sealed cache."""

import json
import re

import pytest

from contract_theory.contracting.coalitions.rules import Rules
from contract_theory.report import guarantees as G
from contract_theory.search import bounds

pytest.importorskip("z3")


@pytest.fixture(scope="module")
def pessimistic(tmp_path_factory):
    out = tmp_path_factory.mktemp("guar")
    return out, G.guarantees_doc(str(out), Rules())


def test_rendered_values_are_the_hand_derived_constants(pessimistic):
    """tests/test_bounds.py derives by hand, under Stackelberg / pessimistic / equal at K = N - 1:
    2x2 ratio 0, attained (K = 1 is no contract alone; a game whose pessimistically selected pure
    equilibrium pays nothing while W* > 0); 2x2x2 welfare-gain -3, attained (payoffs in [0, 1]: W(S) >= 0
    and W_0 <= 3, so >= -3); 2x2x2 members-gain -2, attained (U_S(q_S) >= 0 and U_S(b) <= 2 for two
    members, so >= -2).  The witness games in the rows are re-read and re-solved here."""
    _, doc = pessimistic
    text = "\n".join(G.guarantees_lines(doc, Rules()))
    assert "| 2x2 | 1 | ratio | 0 | attained | a game with value 0 |" in text
    assert "| 2x2x2 | 2 | welfare-gain | -3 | attained | a game with value -3 |" in text
    assert "| 2x2x2 | 2 | members-gain | -2 | attained | a game with value -2 |" in text
    assert "nonnegative payoffs and W* > 0" in text and "payoffs all lie between 0 and 1" in text
    assert "selection pessimistic" in text
    assert not re.search(r"Fraction\(|\{'|None|True|False|\[\(", text)
    # 11 default rows (members-gain by counts for symmetric N = 3, 4 now too) and the 8 of G.EXTRA_ROWS;
    # the new rows' constants: 2x2x2 min-member-gain -1 (a member's payoff falls from 1 to 0 at most, and one
    # does: attained), outsiders-loss 1 (the same for an outsider: at most 1, attained, "at most c"), and
    # 2x2x2 in general position members-gain 0, attained (tests/test_bounds.py derives it: the bloc can commit
    # to b_S and the outsider's unique best reply is b_o)
    assert doc["computed"] is True and len(doc["rows"]) == 19
    assert "| 2x2x2 | 2 | min-member-gain | -1 | attained | a game with value -1 |" in text
    assert "| 2x2x2 | 2 | outsiders-loss | 1 | attained | a game with value 1 |" in text
    assert "| 2x2x2, generic | 2 | members-gain | 0 | attained | a game with value 0 |" in text
    assert "| 2x2x2, generic | 2 | ratio | 0 | infimum, not attained |" in text
    assert "| symmetric N = 6, two actions | 5 | ratio | 0 | attained |" in text
    from contract_theory.contracting.coalitions.partial_contracts import partial_contract_analysis
    from contract_theory.games.formats.nfg import parse_nfg

    row = next(r for r in doc["rows"] if r["quantity"] == "ratio" and r["shape"] == [2, 2])
    a = partial_contract_analysis(parse_nfg(row["witness"]["nfg"]), 2)  # W_1 is the no-contract welfare
    assert a.optimum_welfare > 0 and a.no_contract.welfare == 0


def test_optimistic_ratio_is_an_infimum_not_attained(tmp_path):
    """tests/test_bounds.py (2x2 K = 1 optimistic): W_1 > 0 in every game, yet PD_e has ratio -> 0."""
    doc = G.guarantees_doc(str(tmp_path), Rules(selection="optimistic"))
    text = "\n".join(G.guarantees_lines(doc, Rules(selection="optimistic")))
    assert "| 2x2 | 1 | ratio | 0 | infimum, not attained | games with values " in text


def test_second_run_reads_the_cache_without_z3(pessimistic, monkeypatch):
    out, first = pessimistic

    def no_solver(*args, **kwargs):
        raise AssertionError("the solver ran although the cache verifies")

    monkeypatch.setattr(bounds, "guarantees_table", no_solver)
    second = G.guarantees_doc(str(out), Rules())
    assert second["computed"] is False and second["rows"] == first["rows"]


def test_an_edited_cache_is_recomputed(tmp_path, monkeypatch):
    G.guarantees_doc(str(tmp_path), Rules())
    path = tmp_path / G.REPORT_CACHE
    doc = json.loads(path.read_text())
    (entry,) = doc["cells"].values()
    entry["certificate"][0]["bound"] = "1/2"  # a forged constant: the seal no longer matches
    path.write_text(json.dumps(doc))
    calls = []
    real = bounds.guarantees_table
    monkeypatch.setattr(bounds, "guarantees_table", lambda *a, **k: calls.append(1) or real(*a, **k))
    again = G.guarantees_doc(str(tmp_path), Rules())
    assert calls == [1] * (1 + len(G.EXTRA_ROWS)) and again["computed"] is True and again["rows"][0]["bound"] == "0"
    assert any("failed verification" in n for n in again["cache_notes"])
