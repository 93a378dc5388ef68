"""The package installs into a new virtual environment and its console script runs.

The new venv sees the dependencies already installed for the *running* interpreter -- a
``.pth`` file lists its site-packages directories -- so only the build backend is fetched
(pip's isolated build).  ``--system-site-packages`` is not used: inside a venv it would expose
the *base* interpreter's site-packages, which need not hold python-flint (issue 12).  Plain
path lines in a ``.pth`` file do not run the ``.pth`` files of those directories, so an
editable install of the source tree stays invisible and the copy that runs is the one just
installed.  What it checks is our own packaging: the wheel build, the package contents and
the ``contract-theory`` entry point, outside the source tree.
"""

import json
import os
import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_fresh_venv_install_runs_the_main_commands(tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=False, with_pip=True).create(env_dir)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    py = bindir / "python"
    running = [p for p in site.getsitepackages() + [site.getusersitepackages()] if os.path.isdir(p)]
    nested_site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                 capture_output=True, text=True, check=True).stdout.strip()
    Path(nested_site, "running_interpreter_deps.pth").write_text("\n".join(running) + "\n")
    seen = subprocess.run([str(py), "-c", "import sys; print(sys.path)"], capture_output=True, text=True).stdout
    assert all(p in seen for p in running), (running, seen, sys.prefix)
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
