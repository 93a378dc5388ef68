"""The issue-26 benchmark table in one run: ``python -m benchmarks.run`` (or ``python benchmarks/run.py``).

    python -m benchmarks.run [--quick] [--report] [--gambit-max 8] [--games 2] [--smoke]

1. Pure equilibria of random 5^5 and 3^8 games (payoffs 0..9): solve, and build + solve
   from the same int64 array, ours against pygambit (:mod:`bench_pure`).
2. All extreme equilibria of random n x n games, n = 4, 6, ..., 16, generic payoffs
   (permutations of 0..n^2-1) and small payoffs (0..9), ours against quantecon, pygambit
   (up to ``--gambit-max``) and lrsnash (:mod:`bench_two_player`).
3. With ``--report``: wall time of the README main job ``contract-theory report`` into a
   fresh folder, cold (empty numba, bytecode and claims-atlas caches) and then warm (the
   same caches, a second run), each in a fresh process; the atlas's cells computed and
   not run within its 50 s budget are printed with each.

Every ratio is ``other / ours`` from two times measured by the same rule on the same input
(``benchmarks/_bench.py``); above 1 means ours is faster.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the sibling scripts and _bench

import bench_pure  # noqa: E402
import bench_two_player  # noqa: E402
from _bench import ROOT, smoke_args  # noqa: E402


def pure_section(smoke: bool, repeat: int) -> None:
    import numpy as np

    rng = np.random.default_rng(26)
    games = [("random 3^4 {0..9}", rng.integers(0, 10, (3,) * 4 + (4,)))] if smoke else \
        [("random 5^5 {0..9}", rng.integers(0, 10, (5,) * 5 + (5,))),
         ("random 3^8 {0..9}", rng.integers(0, 10, (3,) * 8 + (8,)))]
    libraries = ["ours", "pygambit"]
    rows = [(name, bench_pure.bench_game(arr, libraries, repeat)) for name, arr in games]
    bench_pure.print_table(rows, libraries)


def report_section(out: Path) -> None:
    """Cold then warm wall time of the main job, each in a fresh process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NUMBA_CACHE_DIR": str(out / "numba-cache"),
           "PYTHONPYCACHEPREFIX": str(out / "pycache"), "CONTRACT_THEORY_CACHE": str(out / "cache")}
    cmd = [sys.executable, "-m", "contract_theory.cli", "report", "--out"]
    for label in ("cold", "warm"):
        target = out / f"report-{label}"
        t0 = time.perf_counter()
        subprocess.run(cmd + [str(target)], env=env, check=True, capture_output=True)
        wall = time.perf_counter() - t0
        atlas = json.loads((target / "atlas.json").read_text())
        print(f"report ({label}): {wall:.1f} s wall; atlas {atlas['computed']} cells computed, "
              f"{atlas['cached']} cached, {atlas['not_run']} not run")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="two-player sizes up to 12, one game each")
    ap.add_argument("--report", action="store_true", help="also time the main job, cold and warm (minutes)")
    ap.add_argument("--games", type=int, default=2, help="two-player games per size and kind")
    ap.add_argument("--gambit-max", type=int, default=8, help="largest two-player n run through pygambit")
    ap.add_argument("--repeat", type=int, default=5, help="timed loops per cell of the pure table")
    smoke_args(ap)
    a = ap.parse_args(argv)
    sizes = [4, 6, 8, 10, 12, 14, 16]
    if a.quick:
        sizes, a.games = sizes[:5], 1
    if a.smoke:
        sizes, a.games, a.gambit_max, a.repeat = [3], 1, 3, 1
    print("1. pure Nash equilibria, ours vs pygambit (same int64 array; best of the same timed loops)\n")
    pure_section(a.smoke, a.repeat)
    print("\n2. all extreme equilibria of two-player games (exact unless noted)\n")
    bench_two_player.run(sizes, ["generic", "small"], a.games, a.gambit_max, budget=600.0)
    if a.report:
        print("\n3. the README main job\n")
        with tempfile.TemporaryDirectory() as tmp:
            report_section(Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
