"""The package installs into a new virtual environment and its console script runs.

The venv sees the already-installed dependencies (``--system-site-packages``), so only the
build backend is fetched (pip's isolated build); what it checks is our own packaging: the
wheel build, the package contents and the ``contract-theory`` entry point, outside the
source tree.
"""

import json
import os
import subprocess
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_fresh_venv_install_runs_the_main_commands(tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=True).create(env_dir)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    py = bindir / "python"
    proc = subprocess.run([str(py), "-m", "pip", "install", "--quiet", "--no-deps",
                           str(ROOT)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    exe = bindir / "contract-theory"
    out = subprocess.run([str(exe), "solve", "public_goods:n=4,r=8/5,e=20", "--format", "json"],
                         capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["optimum"]["welfare"] == "128" and doc["price_of_anarchy"]["pure"] == "8/5"
    rep = subprocess.run([str(exe), "report", "--out", str(tmp_path / "rep"), "--games", "stag_hunt",
                          "--games-only"], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert rep.returncode == 0, rep.stderr
    assert (tmp_path / "rep" / "report.md").exists()
    bad = subprocess.run([str(exe), "analyze", "pd", "--k", "9"], capture_output=True, text=True, cwd=tmp_path)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr
    # the installed copy is the one that ran, not the source tree
    where = subprocess.run([str(py), "-c", "import contract_theory, sys; print(contract_theory.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path)
    assert str(env_dir) in where.stdout or "site-packages" in where.stdout
    # PEP 561: the inline types ship with the package (package data in pyproject.toml)
    assert (Path(where.stdout.strip()).parent / "py.typed").exists()
