"""The assumption registry: one function per check, the docs table read from it, and A2's failing branch."""

import re
from fractions import Fraction as F
from pathlib import Path

import numpy as np
import pytest

from contract_theory.cli import main
from contract_theory.contracting.contracts.contract import deviation_penalty
from contract_theory.contracting.protocol.assumptions import ASSUMPTIONS, assumptions_table, check_assumptions, explain
from contract_theory.games.library import prisoners_dilemma, public_goods

ROOT = Path(__file__).resolve().parents[1]


def test_registry_lists_a1_to_a12_then_b1_to_b4_and_check_assumptions_runs_each_once():
    ids = [a.id for a in ASSUMPTIONS]
    assert ids == [f"A{i}" for i in range(1, 13)] + [f"B{i}" for i in range(1, 5)]
    assert [c.id for c in check_assumptions(public_goods(4, "8/5", 20), k=3)] == ids
    assert [c.id for c in check_assumptions(prisoners_dilemma())] == ids


def test_theorem_doc_lists_exactly_the_registered_checks():
    """docs/background/theorem.md carries the registry's table verbatim (regenerate it with assumptions_table())."""
    text = (ROOT / "docs" / "background" / "theorem.md").read_text()
    assert assumptions_table() in text
    rows = re.findall(r"^\| ([AB]\d+) \| ([^|]+) \|", text, flags=re.M)
    assert [(i, n.strip()) for i, n in rows] == [(a.id, a.name) for a in ASSUMPTIONS]


class _Transfers:
    """A transfer table not built by Contract (which refuses unbalanced transfers): what a user's own space may hold."""

    def __init__(self, transfers):
        self.transfers = transfers


def test_a2_fails_on_a_contract_that_does_not_sum_to_zero():
    """PD (C, D labels): theta is zero except theta_0(D, C) = 1, so the transfers sum to 1 at (D, C),
    the first profile in C order where the sum is not 0.  The witness names the contract's index in the
    list (1: the first is a budget-balanced deviation penalty), the profile by labels and the sum."""
    g = prisoners_dilemma()
    theta = np.zeros(g.shape + (2,), dtype=object)
    theta[...] = F(0)
    theta[1, 0, 0] = F(1)
    theta[1, 1, 0], theta[1, 1, 1] = F(5), F(-5)  # balanced at (D, D): not a witness
    checks = {c.id: c for c in check_assumptions(g, contracts=[deviation_penalty(g, [0, 1], (0, 0), 3),
                                                                _Transfers(theta)])}
    a2 = checks["A2"]
    assert a2.status == "fails" and a2.holds is False
    assert a2.witness == (1, ("D", "C"), F(1))
    assert a2.explanation == "Contract 1 does not sum to zero at ('D', 'C') (sum 1)."
    assert "A2 (budget balance)" in explain(list(checks.values()))
    # the same space without the unbalanced table passes
    ok = {c.id: c for c in check_assumptions(g, contracts=[deviation_penalty(g, [0, 1], (0, 0), 3)])}
    assert ok["A2"].status == "holds" and ok["A2"].witness is None


def test_analyze_help_lists_the_registered_checks(capsys):
    with pytest.raises(SystemExit, match="^0$"):
        main(["analyze", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert all(f"{a.id} {a.name}" in out for a in ASSUMPTIONS)
