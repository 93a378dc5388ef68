"""One name per assumption (issue 21.3): the registry, every output reading it, no second name in the package.

The name registry is :mod:`contract_theory.contracting.protocol.assumption_names`; every ID is
rendered through every output (text, Markdown, LaTeX, JSON, ``analyze --help``, the docs table) and
compared with it, and the package source is searched for names written out anywhere else.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest

from contract_theory.cli import main
from contract_theory.contracting.protocol.assumption_names import NAMES, QUESTIONS, assumption_name
from contract_theory.contracting.protocol.assumptions import ASSUMPTIONS, FAILS, AssumptionCheck, check_assumptions
from contract_theory.errors import ParameterError
from contract_theory.games.library import cournot, public_goods
from contract_theory.report.design import design_section
from contract_theory.report.normal_form import assumption_lines
from contract_theory.report.wording import assumption_line, witness_sentence
from contract_theory.search.premises import PREMISES

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "contract_theory"
REGISTRY = PACKAGE / "contracting" / "protocol" / "assumption_names.py"
COURNOT3 = "cournot:n=3,a=12,c=0,grid=0|2|3|4"

#: Names the IDs carried before the registry (issue 21: two or three per ID across outputs); none may come back.
OLD_NAMES = ("outsiders' incentives at the optimum", "outsiders best-respond at the optimum", "externality sign",
             "no negative externality on outsiders", "selection sensitivity", "selection insensitivity",
             "timing sensitivity", "timing insensitivity", "an enforcing contract exists", "fixed disagreement payoff")


def _run(argv: list[str]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(argv) == 0
    return out.getvalue()


def test_the_registry_names_exactly_the_registered_checks_once_each():
    assert list(NAMES) == [a.id for a in ASSUMPTIONS] == list(QUESTIONS)
    assert len(set(NAMES.values())) == len(NAMES)  # no two IDs share a name
    assert all(a.name == NAMES[a.id] for a in ASSUMPTIONS)
    with pytest.raises(ParameterError, match="unknown assumption 'A13'"):
        assumption_name("A13")


def test_b3_and_b4_verdicts_are_about_the_positive_name():
    """Cournot n = 3, grid {0, 2, 3, 4}, K = 2 (test_assumptions derives W_2 = 27 under Stackelberg
    timing, 32 under Nash): W_K depends on the timing, so "insensitive to timing" must FAIL; the K = N
    check has no outsiders.  In the report's K < N table (design_section) the row's name, its K = N
    status and its K < N status are about the same statement (the table printed "timing sensitivity ...
    fails" before)."""
    g = cournot(3, 12, 0, [0, 2, 3, 4])
    b4 = {c.id: c for c in check_assumptions(g, k=2)}["B4"]
    assert (b4.name, b4.status) == ("insensitive to timing", FAILS)
    assert b4.witness == {"stackelberg": "27", "nash": "32"}
    text, doc = design_section(g, 2)
    rows = {r["id"]: r for r in doc["assumptions"]}
    assert (rows["B4"]["name"], rows["B4"]["k_equals_n"], rows["B4"]["k_partial"]) == (
        "insensitive to timing", "not applicable", "fails")
    assert "| B4 | insensitive to timing | not applicable | fails | W_K is 27 under stackelberg timing and 32 " \
           "under nash timing |" in text
    assert all(r["name"] == NAMES[i] for i, r in rows.items())


@pytest.mark.parametrize("spec", [COURNOT3, "public_goods:n=4,r=8/5,e=20", "public_goods:n=4,r=8/5,e=20,compact=true"])
def test_every_id_through_json_latex_and_text_uses_the_registry_name(spec):
    doc = json.loads(_run(["analyze", spec, "--k", "2", "--format", "json"]))
    assert [(x["id"], x["name"]) for x in doc["assumptions"]] == list(NAMES.items())
    latex = _run(["analyze", spec, "--k", "2", "--format", "latex"])
    rows = re.findall(r"^([AB]\d+) & ([^&]+) & ", latex, flags=re.M)
    assert [(i, n.strip().replace("\\", "")) for i, n in rows] == list(NAMES.items())
    text = _run(["analyze", spec, "--k", "2"])
    for x in doc["assumptions"]:  # the text lists the failing checks, by the same name
        assert (f"  {x['id']} {x['name']}: fails — " in text) == (x["status"] == "fails")


def test_every_id_through_the_text_lines_and_help_and_docs():
    for aid, name in NAMES.items():
        check = AssumptionCheck(aid, FAILS, None, "The witness is the explanation.")
        assert assumption_lines([check], [])[-1] == f"  {aid} {name}: fails — The witness is the explanation"
        assert assumption_line(check) == f"{aid} {name}: fails: The witness is the explanation"
    help_text = io.StringIO()
    with contextlib.redirect_stdout(help_text), pytest.raises(SystemExit, match="^0$"):
        main(["analyze", "--help"])
    flat = " ".join(help_text.getvalue().split())
    assert all(f"{aid} {name}" in flat for aid, name in NAMES.items())
    theorem = (ROOT / "docs" / "background" / "theorem.md").read_text()
    rows = re.findall(r"^\| ([AB]\d+) \| ([^|]+) \|", theorem, flags=re.M)
    assert [(i, n.strip()) for i, n in rows] == list(NAMES.items())


def test_no_name_is_written_out_outside_the_registry():
    """Every registry name longer than one word, as a string literal, and every old name, anywhere: only
    the registry module may spell them (the docs read the registry or quote it verbatim)."""
    long_names = [n for n in NAMES.values() if " " in n]  # one-word names ("binding") are ordinary words
    literal = re.compile("|".join(re.escape(f'"{n}"') + "|" + re.escape(f"'{n}'") for n in long_names))
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == REGISTRY:
            continue
        text = path.read_text()
        offenders += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in literal.finditer(text)]
        offenders += [f"{path.relative_to(ROOT)}: {old}" for old in OLD_NAMES if old in text]
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]:
        text = path.read_text()
        offenders += [f"{path.relative_to(ROOT)}: {old}" for old in OLD_NAMES if old in text]
    assert not offenders, "\n".join(offenders)


def test_the_b1_and_a4_premises_print_the_registry_name():
    """``prove --assuming B1`` / ``A4`` states the premise by its definition (prove's LaTeX hypotheses):
    it carries the assumption's one name, read from the registry, and no old name."""
    for aid in ("B1", "A4"):
        definition = PREMISES[aid].definition
        assert definition.startswith(f"{aid}") and f"({NAMES[aid]}" in definition, definition
        assert PREMISES[aid].assumption == aid
    assert not [old for p in PREMISES.values() for old in OLD_NAMES if old in p.definition]


def test_witness_sentences_name_players_actions_and_margins():
    """Public goods N = 4, r = 8/5, e = 20, K = 3: at the optimum (everyone contributes 20) player P0
    keeps 20 instead: it loses its share 8/5 * 20 / 4 = 8 and keeps 20, a gain of 12 (test_assumptions).
    Cournot n = 3, K = 2: the bloc {F0, F1} leaves F2 with 6 against 9 without a contract, a loss of 3."""
    g = public_goods(4, "8/5", 20)
    b1 = {c.id: c for c in check_assumptions(g, k=3)}["B1"]
    assert witness_sentence(b1, g).startswith(
        "at the optimal profile (20, 20, 20, 20), player P0 gains 12 by switching to 0; at every optimal profile")
    c = cournot(3, 12, 0, [0, 2, 3, 4])
    checks = {x.id: x for x in check_assumptions(c, k=2)}
    assert witness_sentence(checks["A7"], c) == ("at the outcome of the best coalition {F0, F1}, outsider F2 loses 3 "
                                                 "against no contract and has no veto")
    assert witness_sentence(checks["B2"], c) == ("at the outcome of the best coalition {F0, F1}, against no contract "
                                                 "F2 loses 3")
    assert witness_sentence(checks["B1"], c) == ""  # holds: no witness sentence
