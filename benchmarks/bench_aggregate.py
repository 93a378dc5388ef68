"""The aggregate engine's growth (issue 28, item 4): time and memory of ``analyze`` on Cournot and the commons.

Run: nice -n 5 python benchmarks/bench_aggregate.py [--repeat 2] [--budget 120]

Each point is run in a **fresh process** on one core, in two modes: ``analyze``, the whole command
``analyze SPEC --k N --format json`` (every composition of size 2..N, stability, the stability of
every arrangement up to its budget of player checks, the assumption checks, rendering), and
``study``, :func:`contract_theory.api.partial_contract_analysis` alone (the engine's outcomes of
every composition, the curve and the canonical coalitions' stability), for

* ``cournot:n=N`` (a = 12, c = 0, grid 0, 2, 3, 4, 6: five actions, lattice offsets 0..6),
* ``commons:n=N`` (capacity 12, grid 0..4: five actions, offsets 0..4),

both one-type aggregative games of the aggregate form g0(X) + x g1(X) + h(x), solved by DP over the
partial sums of the aggregate (:mod:`contract_theory.equilibria.aggregative`), at N = 10, 20, 40,
80, 100.  Reported per point: the best CPU time (``time.process_time``: on a shared machine it
does not count the other jobs, as wall time does) of ``--repeat`` processes (imports and lazy
imports excluded: the clock starts after a warm-up ``analyze commons:n=3``) and the peak resident
memory above the process's resident memory after the warm-up (``ru_maxrss`` minus the RSS before
the call, MB).  The growth exponents p of time ~ N^p and of memory ~ N^p are least-squares
slopes on log-log over the measured points with N >= 40 (below, fixed costs dominate, and at N = 20
``analyze`` spends most of its time checking every arrangement of players up to its budget).
A series stops when its time guard predicts the next point above ``--budget`` wall seconds
((N_next / N_last)^3 x the last time: growth exponents up to 3) or after a run above it.
``--smoke``: N = 4 and 6, one process each (the test suite's rot check).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import subprocess
import sys

from _bench import ROOT, Guard, smoke_args

SIZES = (10, 20, 40, 80, 100)
SERIES = {"cournot": "cournot:n={n},compact=true", "commons": "commons:n={n},compact=true"}

DRIVER = r"""
import contextlib, io, json, resource, sys, time
from contract_theory.cli import main as cli
def rss_kb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() // 1024
with contextlib.redirect_stdout(io.StringIO()):  # warm-up: lazy imports and caches outside the clock
    cli(["analyze", "commons:n=3,compact=true", "--k", "3", "--format", "json"])
before = rss_kb()
buf = io.StringIO()
t0, c0 = time.perf_counter(), time.process_time()
if sys.argv[3] == "analyze":
    with contextlib.redirect_stdout(buf):
        status = cli(["analyze", sys.argv[1], "--k", sys.argv[2], "--format", "json"])
else:  # the study alone: outcomes of every composition, the curve, stability of the canonical coalitions
    from contract_theory import api, load_game
    api.partial_contract_analysis(load_game(sys.argv[1]), int(sys.argv[2]))
    status = 0
elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"status": status, "seconds": elapsed, "cpu": cpu, "extra_mb": max(peak - before, 0) / 1024,
                  "peak_mb": peak / 1024}))
"""


def run(spec: str, k: int, mode: str) -> dict[str, float]:
    """One fresh process: seconds of the command, peak MB above the RSS after imports, peak MB."""
    out = subprocess.run([sys.executable, "-c", DRIVER, spec, str(k), mode], capture_output=True, text=True, cwd=ROOT,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, check=True)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["status"] == 0, (spec, out.stderr)
    return got


def exponent(points: list[tuple[int, float]]) -> float:
    """Least-squares slope of log y against log N (NaN below two points)."""
    pts = [(n, y) for n, y in points if y > 0]
    if len(pts) < 2:
        return float("nan")
    xs = [math.log(n) for n, _ in pts]
    ys = [math.log(y) for _, y in pts]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def series(pattern: str, mode: str, sizes: tuple[int, ...], repeat: int,
           budget: float) -> tuple[list[tuple[int, float, float]], str]:
    guard = Guard(budget, 8.0)
    points: list[tuple[int, float, float]] = []
    for n in sizes:
        if points:
            guard.factor = (n / points[-1][0]) ** 3
        if not guard.allows():
            break
        runs = [run(pattern.format(n=n), n, mode) for _ in range(repeat)]
        best = min(runs, key=lambda r: r["cpu"])
        guard.record(best["seconds"])
        points.append((n, best["cpu"], min(r["extra_mb"] for r in runs)))
    return points, guard.reason


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=2, help="fresh processes per point (the best time is kept)")
    parser.add_argument("--budget", type=float, default=200.0, help="seconds per run before a series stops")
    smoke_args(parser)
    args = parser.parse_args(argv)
    sizes, repeat, fit_from = ((4, 6), 1, 0) if args.smoke else (SIZES, args.repeat, 40)
    head = f"{'series':<18}{'':<4}" + "".join(f"{'N=' + str(n):>10}" for n in sizes) + f"{'exponent':>10}"
    print(head)
    for (name, pattern), mode in itertools.product(SERIES.items(), ("analyze", "study")):
        points, reason = series(pattern, mode, sizes, repeat, args.budget)
        name = f"{name} {mode}"
        pad = "".join(f"{'-':>10}" for _ in sizes[len(points):])
        fit = [p for p in points if p[0] >= fit_from]
        pt = exponent([(n, t) for n, t, _ in fit])
        pm = exponent([(n, m) for n, _, m in fit])
        print(f"{name:<18}{'s':<4}" + "".join(f"{t:>10.2f}" for _, t, _ in points) + pad + f"{pt:>10.2f}"
              + (f"   ({reason})" if reason else ""))
        print(f"{'':<18}{'MB':<4}" + "".join(f"{m:>10.1f}" for _, _, m in points) + pad + f"{pm:>10.2f}")
    print(f"exponents: least squares on log-log over N >= {fit_from}; s = best CPU seconds of {repeat} "
          "fresh processes, MB = peak resident memory above the RSS after imports")
    return 0


if __name__ == "__main__":
    sys.exit(main())
