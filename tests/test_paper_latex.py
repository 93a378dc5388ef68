"""LaTeX a paper can \\input (contract_theory.report.paper): the K < N tables' real values, and every
.tex the report writes compiles with pdflatex inside a minimal document."""

import functools
import re
import shutil
import subprocess

import pytest

from contract_theory.report.atlas import AtlasSection, atlas_cells
from contract_theory.report.study import counterexample_section, run_report, spec_slug

PG = "public_goods:n=4,r=8/5,e=20"


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """A small report: public goods N = 4 and a 3-player volunteer's dilemma, the counterexample
    section (certificate tables) on a small search, and an atlas of the 12 welfare-rises 2x2 cells."""
    out = tmp_path_factory.mktemp("paper") / "rep"
    cells = [c for c in atlas_cells(((2, 2),)) if c["claim"] == "welfare-rises"]
    extras = (functools.partial(counterexample_section, budget_seconds=2, max_games=300), AtlasSection(cells=cells))
    run_report(str(out), specs=[PG, "volunteers_dilemma:n=3,b=2,c=1"], extra_sections=extras)
    return out


def test_k_below_n_tables_have_names_witnesses_and_exact_values(report):
    """Public goods N = 4, r = 8/5, e = 20 at K = 3 (derivation in tests/test_answers.py): A4 and B1
    fail with gain 12; without a modification W = 116 with members' gain 4 each... as totals: members
    24 - 20 = 4 each, 12 in all, and the outsider 44 - 20 = 24; paying the outsider more than its loss
    12 reaches W* = 128 from k = 3."""
    tex = (report / f"{spec_slug(PG)}-k-below-n.tex").read_text()
    assert ("B1 & outsiders already best-respond at an optimum & not applicable & fails & at the optimal profile (20, 20, "
            "20, 20), player P0 gains 12 by switching to 0; at every optimal profile more players would deviate than a "
            "coalition of at most K can fine, so some outsider always has a profitable deviation \\\\") in tex
    assert "A4 & an enforcing contract for the optimum exists & holds & fails &" in tex
    assert "none & $116$ & -- & $0$ & $12$ & $24$ \\\\" in tex
    assert "payments to outsiders & $128$ & 3 & $>12$ &" in tex
    assert "$K = 3 < N = 4$" in tex and "$W^* = 128$" in tex
    atlas = (report / "atlas.tex").read_text()
    assert "welfare-rises & holds \\\\" in atlas and "$2 \\times 2$" in atlas
    for name in (report / "atlas.tex", report / f"{spec_slug(PG)}-k-below-n.tex"):
        text = name.read_text()
        assert not re.search(r"Fraction\(|\{'|None|True|False|\[\(", text), name


def test_every_emitted_tex_compiles(report, tmp_path):
    files = sorted(report.glob("*.tex"))
    kinds = {p.name.split("-")[0] for p in files}
    assert len(files) >= 6 and {"atlas.tex", "guarantees.tex"} <= {p.name for p in files} and "counterexample" in kinds
    pdflatex = shutil.which("pdflatex")
    if pdflatex is None:
        pytest.skip("pdflatex is not installed (.ci/run installs texlive-latex-base and texlive-latex-recommended)")
    for tex in files:
        doc = tmp_path / f"wrap-{tex.stem}.tex"
        doc.write_text("\\documentclass{article}\n\\usepackage{booktabs}\n\\usepackage{amsmath}\n\\begin{document}\n"
                       f"\\input{{{tex}}}\n\\end{{document}}\n")
        run = subprocess.run([pdflatex, "-interaction=nonstopmode", "-halt-on-error", doc.name], cwd=tmp_path,
                             capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, (tex.name, run.stdout[-1500:])
        assert "Undefined control sequence" not in run.stdout, tex.name
