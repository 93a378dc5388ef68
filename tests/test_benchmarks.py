"""Every benchmark script runs (smoke mode), so none can rot; the shared rules behave as documented.

Each ``benchmarks/bench_*.py`` script and the runner ``benchmarks/run.py`` is imported and
its ``main(["--smoke"])`` called in this process (tiny sizes, one repetition; the imports of
quantecon, pygambit and numba are shared between them).  The test fails when a script
raises, returns non-zero, prints no table, or a new script appears without a smoke run
here.  The time guard is checked on its own and inside a growth series.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"

#: script -> a line fragment its smoke run must print
SCRIPTS = {
    "bench_pure": "build+solve",
    "bench_two_player": "qe/ours",
    "bench_issue17": "pygambit / ours, whole process",
    "bench_learning": "per-run steps/s",
    "bench_coalitions": "direct/sym",
    "bench_markov_coalitions": "largest N within",
    "bench_markov": "largest N within",
    "bench_compact": "exponent",
    "bench_aggregate": "exponents: least squares",
    "bench_nplayer": "enumpoly/ours",
    "bench_modifications": "design s",
    "bench_execution": "results identical on every executor: yes",
    "bench_one_equilibrium": "one eq. 4x4",
    "bench_claim_worker": "supervised ",
    "bench_formation": "concept (seconds)",
    "run": "all extreme equilibria of two-player games",
}


@pytest.fixture
def bench(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))

    def load(name):
        return importlib.import_module(name)

    return load


def test_every_script_has_a_smoke_run():
    assert {p.stem for p in BENCH.glob("bench_*.py")} | {"run"} == set(SCRIPTS)


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_smoke(name, bench, capsys):
    args = ["--smoke", "--no-dask"] if name == "bench_execution" else ["--smoke"]
    assert bench(name).main(args) == 0
    out = capsys.readouterr().out
    assert SCRIPTS[name] in out, out


def test_guard_stops_a_series_before_and_after_an_overlong_run(bench):
    Guard = bench("_bench").Guard
    g = Guard(10.0, 4.0)
    assert g.allows()
    g.record(2.0)
    assert g.allows()  # 4 x 2 = 8 <= 10
    g.record(3.0)
    assert not g.allows() and "predicted at 4 x 3.0 s > budget 10 s" in g.reason
    g.record(11.0)
    assert not g.allows() and "took 11.0 s" in g.reason


def test_growth_series_stops_at_its_budget(bench, capsys):
    assert bench("bench_markov_coalitions").main(["--budget", "0", "--max-n", "6", "--game", "commons_markov",
                                                   "--timing", "stackelberg"]) == 0
    out = capsys.readouterr().out
    assert "stopped: the last run took" in out and "commons_markov  stackelberg    4" not in out


def test_ratios_are_other_over_ours(bench):
    ratio = bench("_bench").ratio
    assert (ratio(3.0, 1.5), ratio(1.0, 4.0), ratio(float("nan"), 1.0), ratio(30.0, 1.0)) == ("2.00x", "0.25x", "-", "30x")


def test_modules_stay_importable_after_the_smoke_runs():
    assert str(BENCH) not in sys.path  # the fixture restored sys.path
