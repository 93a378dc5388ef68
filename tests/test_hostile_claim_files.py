"""Hostile claim files and hostile flags of ``search`` and ``learn`` (issue 27 items 1 and 3, issue 29 item 2).

Every case is a generated input run as ``python -m contract_theory.cli ...`` in its own process group,
under a per-case wall-clock limit of 5 s (a case still running then is killed and fails) and with its
peak resident memory measured (``os.wait4``; the process and the workers it waited for).  Each case
states its expected exit status and the one line it must print on stderr: no traceback, no second
line, exit 2 for refused input, and less than 1 GB of memory for every refused input.

Categories (the counts before and after the fix are in the report of issues 27/29):

* ``claim-exit`` -- ``sys.exit(0)``, ``sys.exit(3)``, ``KeyboardInterrupt``, a ``BaseException``
  subclass and ``os._exit(7)`` in ``claim()`` or at import, serially and from worker processes;
* ``claim-hang`` -- a claim file that loops at import or in ``claim()``, serially and with
  ``--backend processes`` (short ``--claim-timeout``);
* ``claim-memory`` -- a claim file that allocates 8 GB, 256 MB at a time, at import or in ``claim()``
  (under ``--claim-memory 512``), or at once (under the default limit);
* ``retry`` -- a deterministic ``ParameterError`` inside a chunk (``learn --sweep --grid episodes -5``)
  is reported once, not retried;
* ``search-flags`` and ``learn-flags`` -- out-of-domain flag values, refused before any work.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CASE_SECONDS = 5.0
MEMORY_CAP_KB = 1024 * 1024          # 1 GB peak resident memory for a refused input
#: a hard cap on every case's address space, so that a regression cannot take the machine down
#: (the 8 GB claim then fails inside the case, measured as more than 1 GB resident)
ADDRESS_CAP = 6 * 2**30

LOOP = "while True:\n        pass\n"
ALLOC = ("import numpy as np\n    blocks = []\n    for _ in range(32):\n"
         "        blocks.append(np.ones(2**25))      # 256 MB each, touched: 8 GB in all\n")


def _claim(body: str, at_import: bool = False) -> str:
    """A claim file whose ``claim()`` (or, ``at_import``, whose module body) runs ``body``."""
    if at_import:
        return "def _load():\n    " + body + "\n_load()\n\ndef claim(game, **params):\n    return True\n"
    return "def claim(game, **params):\n    " + body + "\n    return True\n"


@dataclass
class Case:
    """One hostile input: the command, its files, the exit status and the stderr line expected."""

    id: str
    category: str
    argv: list[str]
    rc: int
    line: str                                    # regex the one stderr line must match (rc != 0)
    files: dict[str, str] = field(default_factory=dict)
    stdout: str | None = None                    # regex stdout must match (rc == 0)
    check: str | None = None                     # a path (relative to the case folder) that must exist after


def _claim_case(id: str, category: str, source: str, line: str, *extra: str) -> Case:
    return Case(id, category, ["search", "--claim-file", "{dir}/claim.py", "--max-games", "20", *extra], 2, line,
                {"claim.py": source})


_EXITS = [
    ("sys.exit(0)", "import sys\n    sys.exit(0)", r"raised SystemExit: 0"),
    ("sys.exit(3)", "import sys\n    sys.exit(3)", r"raised SystemExit: 3"),
    ("KeyboardInterrupt", "raise KeyboardInterrupt", r"raised KeyboardInterrupt"),
    ("BaseException", "class Escape(BaseException):\n        pass\n    raise Escape('out')", r"raised Escape: out"),
    ("os._exit(7)", "import os\n    os._exit(7)", r"ended its worker process with exit status 7"),
]

CASES: list[Case] = []
for _name, _body, _msg in _EXITS:
    CASES.append(_claim_case(f"claim {_name}", "claim-exit", _claim(_body), r"claim file \S+claim\.py.*" + _msg
                             + r".*in claim\(\)"))
    CASES.append(_claim_case(f"import {_name}", "claim-exit", _claim(_body, True),
                             r"claim file \S+claim\.py.*" + _msg + r".*while loading"))
CASES += [
    _claim_case("claim sys.exit(0), processes", "claim-exit", _claim("import sys\n    sys.exit(0)"),
                r"claim file \S+claim\.py.*raised SystemExit: 0.*in claim\(\)", "--backend", "processes",
                "--workers", "2"),
    _claim_case("claim os._exit(7), processes", "claim-exit", _claim("import os\n    os._exit(7)"),
                r"claim file \S+claim\.py ended its worker process with exit status 7", "--backend", "processes",
                "--workers", "2"),
    _claim_case("loop in claim()", "claim-hang", _claim(LOOP),
                r"claim file \S+claim\.py did not return from claim\(\) within 1 s.*--claim-timeout",
                "--claim-timeout", "1"),
    _claim_case("loop at import", "claim-hang", _claim(LOOP, True),
                r"claim file \S+claim\.py did not finish loading within 1 s.*--claim-timeout", "--claim-timeout", "1"),
    _claim_case("loop in claim(), processes", "claim-hang", _claim(LOOP),
                r"claim file \S+claim\.py did not return from claim\(\) within 1 s", "--claim-timeout", "1",
                "--backend", "processes", "--workers", "2"),
    _claim_case("sleep in claim()", "claim-hang", _claim("import time\n    time.sleep(60)"),
                r"did not return from claim\(\) within 1 s", "--claim-timeout", "1"),
    _claim_case("8 GB in claim()", "claim-memory", _claim(ALLOC),
                r"claim file \S+claim\.py.*MemoryError.*memory limit of 512 MB.*--claim-memory",
                "--claim-memory", "512"),
    _claim_case("8 GB at import", "claim-memory", _claim(ALLOC, True),
                r"claim file \S+claim\.py.*MemoryError.*memory limit of 512 MB.*while loading", "--claim-memory", "512"),
    _claim_case("8 GB in claim(), default limit", "claim-memory", _claim("import numpy as np\n    np.ones(2**30)"),
                r"claim file \S+claim\.py.*MemoryError.*memory limit of 1024 MB"),
    Case("sweep grid episodes -5", "retry",
         ["learn", "stag_hunt", "--sweep", "--grid", "episodes", "-5", "--runs", "4", "--backend", "serial"], 2,
         r"^contract-theory: error: episodes must be a positive integer, got -5$"),
    Case("sweep grid episodes -5, processes", "retry",
         ["learn", "stag_hunt", "--sweep", "--grid", "episodes", "100", "-5", "--runs", "4", "--workers", "2"], 2,
         r"^contract-theory: error: episodes must be a positive integer, got -5$"),
]

_SEARCH = ["search", "welfare-rises", "--players", "3", "--max-games", "50"]
for _flag, _value, _msg in [
    ("--budget", "-1", r"--budget.*positive.*-1"), ("--budget", "0", r"--budget.*positive.*0"),
    ("--budget", "nan", r"--budget.*positive.*nan"), ("--budget", "inf", r"--budget.*positive.*inf"),
    ("--shrink-budget", "-5", r"--shrink-budget.*non-negative.*-5"),
    ("--shrink-budget", "nan", r"--shrink-budget.*non-negative.*nan"),
    ("--k", "9", r"K = 9.*2 <= K <= N = 3"), ("--k", "1", r"K = 1.*2 <= K"),
    ("--seed", "-1", r"--seed.*non-negative.*-1"),
    ("--exhaustive-limit", "-1", r"--exhaustive-limit.*non-negative.*-1"),
    ("--max-games", "0", r"--max-games.*positive.*0"),
    ("--claim-timeout", "0", r"--claim-timeout.*positive.*0"),
    ("--claim-timeout", "nan", r"--claim-timeout.*positive.*nan"),
    ("--claim-memory", "0", r"--claim-memory.*at least 64.*0"),
]:
    CASES.append(Case(f"search {_flag} {_value}", "search-flags", [*_SEARCH, _flag, _value], 2,
                      r"^contract-theory: error: .*" + _msg))
CASES += [
    Case("search --chunk-size 0", "search-flags", [*_SEARCH, "--backend", "serial", "--chunk-size", "0"], 2,
         r"^contract-theory: error: .*--chunk-size.*positive.*0"),
    Case("search --chunk-size -3", "search-flags", [*_SEARCH, "--backend", "serial", "--chunk-size", "-3"], 2,
         r"^contract-theory: error: .*--chunk-size.*positive.*-3"),
    Case("learn --episodes 10**15", "learn-flags", ["learn", "stag_hunt", "--episodes", "1000000000000000"], 2,
         r"^contract-theory: error: Q-learning.*1,?000,?000,?000,?000,?000 episodes.*above the limit.*--max-entries"),
    Case("learn --episodes 3*10**8", "learn-flags", ["learn", "stag_hunt", "--episodes", "300000000"], 2,
         r"^contract-theory: error: Q-learning.*300,000,000 episodes.*above the limit"),
    Case("learn --runs 10**9", "learn-flags", ["learn", "stag_hunt", "--runs", "1000000000"], 2,
         r"^contract-theory: error: .*1,000,000,000 runs.*above the limit"),
    Case("learn --episodes -5", "learn-flags", ["learn", "stag_hunt", "--episodes", "-5"], 2,
         r"^contract-theory: error: episodes must be a positive integer, got -5$"),
    Case("learn --sweep --episodes 10**15", "learn-flags",
         ["learn", "stag_hunt", "--sweep", "--episodes", "1000000000000000", "--backend", "serial"], 2,
         r"^contract-theory: error: Q-learning.*episodes.*above the limit"),
    Case("learn --seed -1", "learn-flags", ["learn", "stag_hunt", "--seed", "-1", "--episodes", "10"], 2,
         r"^contract-theory: error: seed must be a non-negative integer"),
    Case("learn --save into a missing folder", "learn-flags",
         ["learn", "stag_hunt", "--episodes", "20", "--runs", "3", "--save", "{dir}/new/deeper/run.json"], 0, "",
         stdout=r"no contract:", check="new/deeper/run.json"),
    Case("learn --sweep --save into a missing folder", "learn-flags",
         ["learn", "stag_hunt", "--sweep", "--episodes", "20", "--runs", "3", "--backend", "serial",
          "--save", "{dir}/made/sweep.json"], 0, "", stdout=r"sweep of 1 points", check="made/sweep.json"),
]


@dataclass
class Outcome:
    rc: int | None
    out: str
    err: str
    seconds: float
    max_rss_kb: int
    folder: str


def _limit_memory() -> None:  # pragma: no cover - runs in the child before exec
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_CAP, ADDRESS_CAP))


def _run(case: Case) -> Outcome:
    folder = tempfile.mkdtemp(prefix="hostile-")
    for name, text in case.files.items():
        Path(folder, name).write_text(text)
    argv = [a.replace("{dir}", folder) for a in case.argv]
    env = dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS="200")
    out_path, err_path = Path(folder, "stdout"), Path(folder, "stderr")
    t0 = time.perf_counter()
    with open(out_path, "w") as out, open(err_path, "w") as err:
        proc = subprocess.Popen([sys.executable, "-m", "contract_theory.cli", *argv], stdout=out, stderr=err,
                                stdin=subprocess.DEVNULL, env=env, cwd=folder, start_new_session=True,
                                preexec_fn=_limit_memory)
    rc: int | None = None
    rss = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            rc, rss = os.waitstatus_to_exitcode(status), usage.ru_maxrss
            break
        if time.perf_counter() - t0 > CASE_SECONDS:
            os.killpg(proc.pid, signal.SIGKILL)
            _, status, usage = os.wait4(proc.pid, 0)
            rss = usage.ru_maxrss
            break
        time.sleep(0.02)
    proc.returncode = -1 if rc is None else rc        # reaped above: tell Popen not to wait again
    try:
        os.killpg(proc.pid, signal.SIGKILL)           # workers left behind by a broken case
    except (ProcessLookupError, PermissionError):
        pass
    return Outcome(rc, out_path.read_text(), err_path.read_text(), time.perf_counter() - t0, rss, folder)


@pytest.fixture(scope="module")
def outcomes() -> dict[str, Outcome]:
    # three cases at a time: most of a case is interpreter start-up and waiting for a limit
    with ThreadPoolExecutor(max_workers=3) as pool:
        return dict(zip((c.id for c in CASES), pool.map(_run, CASES)))


def verdict(case: Case, got: Outcome) -> list[str]:
    """What is wrong with ``got`` for ``case`` (empty: the case holds)."""
    bad = []
    if got.rc is None:
        bad.append(f"still running after {CASE_SECONDS} s (killed)")
    elif got.rc != case.rc:
        bad.append(f"exit status {got.rc}, expected {case.rc}")
    if "Traceback" in got.err:
        bad.append("a traceback on stderr")
    lines = got.err.splitlines()
    if case.rc != 0:
        if len(lines) != 1:
            bad.append(f"{len(lines)} lines on stderr, expected one")
        if not any(re.search(case.line, line) for line in lines):
            bad.append(f"no stderr line matches {case.line!r}")
        if got.max_rss_kb > MEMORY_CAP_KB:
            bad.append(f"peak memory {got.max_rss_kb // 1024} MB > 1 GB")
    else:
        if case.stdout is not None and not re.search(case.stdout, got.out):
            bad.append(f"stdout does not match {case.stdout!r}")
        if case.check is not None and not Path(got.folder, case.check).exists():
            bad.append(f"{case.check} was not written")
    return bad


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_input(case: Case, outcomes: dict[str, Outcome]) -> None:
    got = outcomes[case.id]
    assert verdict(case, got) == [], f"{case.category}: {case.id}: stderr={got.err!r} stdout={got.out[-300:]!r}"


def test_cases_per_category() -> None:
    """The module keeps every category of the issue (counts quoted in the report)."""
    counts: dict[str, int] = {}
    for c in CASES:
        counts[c.category] = counts.get(c.category, 0) + 1
    assert counts == {"claim-exit": 12, "claim-hang": 4, "claim-memory": 3, "retry": 2, "search-flags": 16,
                      "learn-flags": 8}


if __name__ == "__main__":  # pragma: no cover - `python tests/test_hostile_claim_files.py`: the per-category tally
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(_run, CASES))
    tally: dict[str, list[int]] = {}
    for c, r in zip(CASES, results):
        problems = verdict(c, r)
        tally.setdefault(c.category, [0, 0])[0 if problems else 1] += 1
        if problems:
            print(f"FAIL {c.category}: {c.id}: {'; '.join(problems)} | {r.err.strip()[-200:]!r}")
    for cat, (bad, good) in tally.items():
        print(f"{cat}: {good} of {bad + good} hold")
