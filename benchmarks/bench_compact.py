"""Compact games with hundreds of players (issue 14): how ``analyze`` scales with N.

Run: python benchmarks/bench_compact.py [--quick]
Times the whole command ``analyze SPEC --k N --format json`` in-process (loading, every
composition of size 2..N, stability, the assumption checks, rendering) on one core for

* ``public_goods:n=N,r=3,e=1`` and ``iea:n=N,b=1,c=1`` (linear aggregative: dominant-action engine),
* ``volunteers_dilemma:n=N`` (general anonymous game: the counts engine),

for N = 50, 100, 200, 400, 1000, fits the growth exponent p of time ~ N^p by least squares on
log-log over the measured N, and asserts the issue's targets: public goods N = 200 and iea
N = 100 each within 10 s.  A series stops when its time guard predicts the next N above
``--budget`` seconds (4 x the last time: N doubles or more, at growth exponents up to 2)
or after a run above it.  ``--smoke``: N = 5 and 10 (the test suite's rot check).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import math
import sys
import time

from _bench import Guard, smoke_args

from contract_theory.cli import main as cli

SIZES = (50, 100, 200, 400, 1000)
SERIES = {
    "public_goods": "public_goods:n={n},r=3,e=1",
    "iea": "iea:n={n},b=1,c=1",
    "volunteers_dilemma": "volunteers_dilemma:n={n},compact=true",
}


def run(spec: str, k: int) -> float:
    buf = io.StringIO()
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(buf):
        status = cli(["analyze", spec, "--k", str(k), "--format", "json"])
    elapsed = time.perf_counter() - t0
    assert status == 0, spec
    return elapsed


def exponent(points: list[tuple[int, float]]) -> float:
    """Least-squares slope of log t against log N."""
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="N = 50, 100, 200 only")
    parser.add_argument("--budget", type=float, default=120.0, help="seconds per run before a series stops")
    smoke_args(parser)
    args = parser.parse_args(argv)
    sizes = (5, 10) if args.smoke else SIZES[:3] if args.quick else SIZES
    targets = {("public_goods", 200): 10.0, ("iea", 100): 10.0}
    run("public_goods:n=5,r=3,e=1", 5)  # warm-up: imports and caches outside the timings
    print(f"{'series':<20}" + "".join(f"{'N=' + str(n):>10}" for n in sizes) + f"{'exponent':>10}")
    for name, pattern in SERIES.items():
        points: list[tuple[int, float]] = []
        guard = Guard(args.budget, 4.0)
        for n in sizes:
            if not guard.allows():
                break
            t = run(pattern.format(n=n), n)
            guard.record(t)
            points.append((n, t))
            limit = targets.get((name, n))
            if limit is not None:
                assert t <= limit, f"{name} N={n} took {t:.2f} s > {limit} s"
        cells = "".join(f"{t:>10.2f}" for _, t in points) + "".join(f"{'-':>10}" for _ in sizes[len(points):])
        p = exponent(points) if len(points) >= 2 else float("nan")
        print(f"{name:<20}{cells}{p:>10.2f}" + (f"   ({guard.reason})" if guard.reason else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
