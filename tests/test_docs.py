"""The documentation builds warning-free (mkdocs strict mode) and its examples are true."""

import re
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
    for page in (site / "reference").glob("*/index.html"):
        html = page.read_text()
        assert "<blockquote>" not in html, page       # a doctest outside an Examples section renders as a quote
        assert not re.search(r":(class|func|meth|mod|attr|data|exc):<code>", html), page   # roles: links or code


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


# ----------------------------------------------------------------------------- executed examples
# Every code block of the README, the tutorial and the how-tos is run and its printed output compared:
# mktestdocs finds the fenced blocks, the standard library's doctest runs ``python`` blocks (written as
# ``>>>`` sessions) and compares what they print, and doctest's OutputChecker compares the output of each
# ``$ command`` of a ``console`` block with the lines under it (``...`` matches anything, runs of
# whitespace compare equal).  ``bash`` blocks are the ones no test can run (installs, a dask cluster):
# NOT_RUN lists each with the reason, so a new ``bash`` block fails until it becomes a ``console`` block.
import doctest  # noqa: E402
import os  # noqa: E402

mktestdocs = pytest.importorskip("mktestdocs")  # part of the test extra

EXAMPLE_FILES = ["README.md", "docs/tutorial/first-study.md",
                 *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "docs" / "howto").glob("*.md"))]
NOT_RUN = {  # bash blocks (first line) that install software or need a cluster
    "pip install .": "installs the package",
    'pip install -e ".[test]" && python -m pytest': "installs the package and runs the whole suite",
    'pip install "contract-theory[dask]"      # = contract-theory + dask[distributed]>=2024.1': "installs dask",
    "dask scheduler                                   # prints e.g. tcp://10.0.0.5:8786": "starts a dask cluster",
    "contract-theory search spe-optimal --players 3 --max-games 100000 --scheduler tcp://10.0.0.5:8786":
        "needs the dask cluster of the block before",
    'pip install "contract-theory[prove]"      # or: pip install z3-solver': "installs z3",
}
SMALL = {  # heavy commands run on small inputs (same code path, seconds instead of minutes): the command run
    # and the output expected from it instead of the documented one (None: the documented one)
    "contract-theory report --out report":
        ("contract-theory report --games prisoners_dilemma --games-only --out report", None),
    "contract-theory report --out my-report":
        ("contract-theory report --games prisoners_dilemma --games-only --out my-report", None),
    "contract-theory search welfare-rises --players 3 --max-games 5000 --workers 2":
        ("contract-theory search welfare-rises --players 3 --max-games 100 --workers 2",
         "claim: welfare-rises (timing=stackelberg, selection=pessimistic, sharing=equal, tie=inside, k=2)\n"
         "searched: 100 games (random; ... in the claim's domain)...\n..."),
    "contract-theory learn stag_hunt --sweep --seeds 0..9 --grid alpha 0.1 0.3 --grid episodes 1000 4000":
        ("contract-theory learn stag_hunt --sweep --seeds 0..1 --grid alpha 0.1 0.3 --grid episodes 100 400",
         "Stag hunt: sweep of 8 points, 8 finished\n...full contract: mean match rate 1.000; mean welfare 8\n..."),
}
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _run_doctest(source: str) -> None:
    test = doctest.DocTestParser().get_doctest(source, {"__name__": "__main__"}, "doc example", None, 0)
    out: list[str] = []
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    runner.run(test, out=out.append)
    assert runner.failures == 0, "".join(out)


def _run_console(source: str, cwd: Path) -> None:
    parts = re.split(r"^\$ ", source, flags=re.M)
    assert not parts[0].strip(), f"a console block starts with '$ ': {source[:200]}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "80"}
    for part in parts[1:]:
        command, _, want = part.partition("\n")
        if command.endswith("<<'EOF'"):                  # a here-document: the lines up to EOF are input
            body, _, want = want.partition("EOF\n")
            command = f"{command}\n{body}EOF"
        small, small_want = SMALL.get(command.split("  #")[0].strip(), (command, None))
        command, want = small, want if small_want is None else small_want
        code, out, err = _run_command(command, cwd, env)
        assert code == 0, f"$ {command}\n{err[-2000:]}"
        if want.strip():
            checker = doctest.OutputChecker()
            assert checker.check_output(want, out, FLAGS), f"$ {command}\nwant:\n{want}\ngot:\n{out}"


def _run_command(command: str, cwd: Path, env: dict[str, str]) -> tuple[int, str, str]:
    """A plain ``contract-theory ...`` line runs in this process (``cli.main``, as the console script
    does; saves a second of start-up per command); anything else (pipes, here-documents) runs in bash, and
    so does ``prove``: z3's model (so the counterexample and its margin) depends on the queries made earlier
    in the same process (``prove welfare-rises`` printed margin 2 after the how-to's Python ``prove`` call,
    1/2 in a fresh process), and a user runs it in a fresh one."""
    if (command.startswith("contract-theory ") and not command.startswith("contract-theory prove")
            and not re.search(r"[|<>;&$]", command.replace("'", " "))):
        import contextlib
        import io
        import shlex

        from contract_theory.cli import main
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(shlex.split(command, comments=True)[1:])
        return code, out.getvalue(), err.getvalue()
    line = re.sub(r"(^|\| *)contract-theory ", rf"\1{sys.executable} -m contract_theory.cli ", command)
    proc = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", line], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)
    return proc.returncode, proc.stdout, proc.stderr


def _fences(text: str) -> list[str]:
    return [line.strip()[3:].split()[0] for line in _fence_openings(text)]


def _fence_openings(text: str) -> list[str]:
    out, inside = [], False
    for line in text.splitlines():
        if line.strip().startswith("```"):
            if not inside:
                out.append(line)
            inside = not inside
    return out


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_documented_examples_print_what_the_docs_say(name, tmp_path, monkeypatch):
    text = (ROOT / name).read_text()
    kinds = _fences(text)
    assert set(kinds) <= {"python", "console", "bash", "text"}, kinds
    for block in mktestdocs.grab_code_blocks(text, lang="bash"):
        first = block.strip().splitlines()[0]
        assert first in NOT_RUN, f"{name}: a bash block is not run; make it a console block: {first}"
    for block in mktestdocs.grab_code_blocks(text, lang="python"):
        assert block.lstrip().startswith(">>>"), f"{name}: python blocks are >>> sessions: {block[:80]}"
    monkeypatch.chdir(tmp_path)
    mktestdocs.register_executor("python", _run_doctest)
    mktestdocs.register_executor("console", lambda src: _run_console(src, tmp_path))
    mktestdocs.check_md_file(ROOT / name, lang="python", memory=True)
    mktestdocs.check_md_file(ROOT / name, lang="console")
