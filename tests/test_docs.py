"""The documentation builds warning-free (mkdocs strict mode) and its examples are true."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(shutil.which("mkdocs") is None and not (Path(sys.prefix) / "bin" / "mkdocs").exists(),
                    reason="mkdocs is part of the test extra")
def test_docs_build_strict(tmp_path):
    """``mkdocs build --strict`` at the default log level (no ``-q``: quiet mode drops the warnings before
    strict mode counts them, which hid 101 of them) prints no warning at all, and math goes to MathJax."""
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    log = proc.stdout + proc.stderr
    warnings = [line for line in log.splitlines() if line.startswith(("WARNING", "ERROR"))]
    assert proc.returncode == 0 and not warnings, "\n".join(warnings[:40]) or log[-3000:]
    assert "Building documentation" in log          # the log level really shows INFO, so WARNING would show
    site = tmp_path / "site"
    assert (site / "reference" / "contracts" / "index.html").exists()
    tutorial = (site / "tutorial" / "first-study" / "index.html").read_text()
    assert '<span class="arithmatex">\\(W^* = 128\\)</span>' in tutorial      # $W^* = 128$ goes to MathJax
    assert "$W^*" not in tutorial
    ve = (site / "reference" / "equilibria" / "index.html").read_text()
    for word in ("Complexity", "exponentially", "Raises"):                  # prose is not a parameter
        assert f"<code>{word}</code>" not in ve


def test_tutorial_numbers_are_true():
    """The tutorial quotes exact numbers; recompute them."""
    from contract_theory.contracting.coalitions.partial_contracts import partial_contract_analysis
    from contract_theory.contracting.protocol.assumptions import check_assumptions
    from contract_theory.games.library import public_goods

    text = (ROOT / "docs" / "tutorial" / "first-study.md").read_text()
    a = partial_contract_analysis(public_goods(4, "8/5", 20), 4)
    assert "80, 80, 116, 128" in text and [str(a.welfare_curve[k]) for k in range(1, 5)] == ["80", "80", "116", "128"]
    assert str(a.stable_coalitions) in text
    fails = {c.id: c for c in check_assumptions(public_goods(4, "8/5", 20), k=3) if c.status == "fails"}
    assert set(fails) == {"A4", "B1"} and fails["B1"].witness["gain"] == "12" and "gains 12" in text
