"""No Python repr in what people read (issue 21.4): every command's text, Markdown and LaTeX on small games.

Each command below runs in-process on built-in games (two with letter action labels, two with numeric
labels, a compact and a Markov game) and its output is scanned for the shapes a Python repr leaves:
``Fraction(``, ``{'``, ``[(``, quoted label tuples or lists (``('C', 'D')``), index lists as coalitions
(``[0, 1]``), ``None`` / ``True`` / ``False`` as words, ``np.`` and ``array(``.  On games whose actions
are letters a parenthesized integer tuple that is not a payoff vector (``(0, 1)`` as a profile) is a leak
too; on numeric-label games it is the profile itself, so that pattern is not applied there.  The
report's Markdown and LaTeX files (``report --games-only``) are scanned the same way.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import re
from pathlib import Path

import pytest

from contract_theory.cli import main

ALWAYS = [r"Fraction\(", r"\{'", r"\[\(", r"\[\d+(, \d+)*\]", r"\bNone\b", r"\bTrue\b", r"\bFalse\b", r"\bnp\.",
          r"array\(", r"\('[^']*'(, '[^']*')*\)", r"\['[^']*'(, '[^']*')*\]"]
#: A parenthesized integer tuple that is not a payoff vector ("payoffs (1, 1)", "u = (0, 1)", "(C, D): (3, 0)").
INDEX = r"(?<!payoffs )(?<!u = )(?<!\): )\(\d+(, \d+)+\)"
LETTER = ["prisoners_dilemma", "n_prisoners_dilemma:n=3"]
NUMERIC = ["public_goods:n=4,r=8/5,e=20", "cournot:n=3,a=12,c=0,grid=0|2|3|4"]
OTHER = ["public_goods:n=4,r=8/5,e=20,compact=true", "cleanup_markov:n=2"]
HAS_Z3 = importlib.util.find_spec("z3") is not None


def _commands() -> list[tuple[list[str], bool]]:
    out: list[tuple[list[str], bool]] = []
    for g in LETTER + NUMERIC + OTHER:
        out.append((["solve", g], g in LETTER))
        for f in ("text", "latex"):
            out.append((["analyze", g, "--k", "2", "--format", f], g in LETTER))
            if "markov" not in g:
                out.append((["design", g, "--k", "2", "--format", f], g in LETTER))
                out.append((["coalitions", g, "--k", "2", "--format", f], g in LETTER))
    for f in ("text", "latex"):
        out.append((["search", "welfare-rises", "--players", "3", "--max-games", "50", "--k", "2", "--format", f], True))
        # certificates (search.certificates.certificate_latex): coalition rows of a 2x2x2 counterexample,
        # the worst-SPE row (spe-optimal fails at cap 1), the bimatrix of a 2x2 one
        out.append((["search", "members-gain", "--players", "3", "--max-games", "200", "--format", f], True))
        out.append((["search", "spe-optimal", "--cap", "1", "--format", f], True))
        if HAS_Z3:
            out.append((["prove", "welfare-rises", "--players", "2", "--k", "2", "--format", f], True))
            out.append((["prove", "members-gain", "--players", "3", "--actions", "2", "--format", f], True))
            out.append((["prove", "stable-is-best", "--players", "2", "--format", f], True))
            # by counts: the counterexample's actions are labelled 0, 1, so (0, 1, 1) is its profile
            out.append((["prove", "members-gain", "--players", "3", "--symmetric", "--format", f], False))
    out += [(["learn", "prisoners_dilemma", "--episodes", "200", "--runs", "3"], True), (["games"], False)]
    return out


def leaks(text: str, letter_labels: bool) -> list[str]:
    """The lines of ``text`` that look like a Python repr (module docstring)."""
    patterns = [re.compile(p) for p in ALWAYS + ([INDEX] if letter_labels else [])]
    return [line for line in text.splitlines() if any(p.search(line) for p in patterns)]


def test_the_scanner_finds_each_kind_of_repr():
    """The patterns catch what issue 21 quotes (a test that cannot fail is a defect)."""
    quoted = ["{'profile': ('C','C','C','C'), 'outsider': 0}", "smallest k reaching W*: None", "at ('D', 'D', 'D')",
              "stable coalitions (1): [[0, 1]]", "W = Fraction(3, 2)", "accept True", "at (0, 1)"]
    assert all(leaks(q, True) for q in quoted)
    assert not leaks("at (C, D) payoffs (3, 0); coalition {P0, P1}; u = (0, 1)", True)


@pytest.mark.parametrize("argv,letter", _commands(), ids=lambda x: " ".join(x) if isinstance(x, list) else "")
def test_no_repr_in_command_output(argv, letter):
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert main(argv) == 0
    assert out.getvalue().strip()
    assert leaks(out.getvalue(), letter) == []


def test_no_repr_in_the_report_markdown_and_latex(tmp_path: Path):
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert main(["report", "--games", "prisoners_dilemma", NUMERIC[0], "--games-only", "--out",
                     str(tmp_path / "r")]) == 0
    files = sorted(p for p in (tmp_path / "r").iterdir() if p.suffix in (".md", ".tex"))
    assert len(files) >= 3  # report.md and at least one .tex per game
    assert "## Answers" in (tmp_path / "r" / "report.md").read_text()  # the whole report, its Answers included
    found = {p.name: leaks(p.read_text(), p.name.startswith("prisoners")) for p in files}
    assert found == {p.name: [] for p in files}


def test_one_number_formatter_in_report():
    """Issue 20.5: every module of contract_theory/report formats exact numbers with report.wording.num;
    none keeps its own copy (``def _num``) or imports the lower-level formatter itself.  Public goods N = 4,
    r = 8/5, e = 20, K = 3: W* = 4 * 20 * 8/5 = 128 and W_3 = 3 * 32 + 20 = 116 (three contributors get
    8/5 * 60 / 4 = 24 each, the outsider keeps 20 + 24 = 44: 72 + 44 = 116), so the price of partial
    contracting is 128/116 = 32/29, printed exactly (never 1.103...) in the dense and the compact text."""
    report = Path(__file__).resolve().parents[1] / "contract_theory" / "report"
    copies = [p.name for p in sorted(report.glob("*.py")) if p.name != "wording.py"
              and ("def _num(" in p.read_text() or "exact.numbers import fmt" in p.read_text())]
    assert copies == []
    own_witness_words = [p.name for p in sorted(report.glob("*.py")) if p.name != "wording.py"
                         and "def witness_words(" in p.read_text()]  # witnesses are worded by wording.witness_sentence
    assert own_witness_words == []
    for spec in (NUMERIC[0], OTHER[0]):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert main(["analyze", spec, "--k", "3"]) == 0
        assert "price of partial contracting (ratio): 32/29" in out.getvalue()
