"""Benchmark for issue 17: the three speed ratios side by side, each the median of several runs.

    python benchmarks/bench_issue17.py [--runs 5] [--sizes 4 6 8 10 12] [--gambit-max 8] [--quick] [--smoke]

1. **Reading a large Gambit file, whole process.**  A 6-player, 6-action random game
   (payoffs 0..99) written by pygambit (``Game.from_arrays(...).to_nfg()``: the outcome
   form, ~1.6 MB, 46,656 profiles) is solved for pure equilibria by two fresh processes:
   ``python -m contract_theory.cli solve big.nfg --concept pure --format json`` and a
   pygambit script (``read_nfg`` + ``enumpure_solve``).  Wall time and CPU time (user + sys
   of the child) of each, runs interleaved; both with a warm bytecode cache (a warm-up run
   each first, bytecode under a temporary ``PYTHONPYCACHEPREFIX``).  Ratio: pygambit / ours.
   The two answers are checked to be the same profiles.
2. **Small two-player games.**  Random n x n games with payoffs 0..9 (often degenerate),
   all extreme equilibria: ours (exact, complete) against quantecon's float64
   ``vertex_enumeration``, pygambit's exact ``enummixed_solve(rational=True)`` (up to
   ``--gambit-max``) and lrsnash -- the rows of :mod:`bench_two_player` (payoff kind
   ``small``), every method timed by the same rule (:func:`_bench.best_time`, the same number
   of runs per game), exact answers checked equal.
3. **Pure equilibria.**  Random 5-player, 5-action games (payoffs 0..9): ``pure_nash_solve``
   against pygambit ``enumpure_solve``, solve and build + solve, by :mod:`bench_pure`'s rule.

The machine may be shared: item 1's ratio is the median over ``--runs`` interleaved rounds
(min..max printed); items 2 and 3 take the best of the same number of timed runs on both sides.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import bench_pure
import bench_two_player
import numpy as np
from _bench import ROOT, smoke_args

GAMBIT_SCRIPT = """
import json, sys, pygambit as gbt
g = gbt.read_nfg(sys.argv[1])
eqs = gbt.nash.enumpure_solve(g).equilibria
print(json.dumps(sorted([[[eq[s] for s in p.strategies].index(1) for p in g.players] for eq in eqs])))
"""


def _summary(values: list[float]) -> str:
    return f"{statistics.median(values):9.2f}  ({min(values):.2f}..{max(values):.2f})"


# ----------------------------------------------------------------------------- 1. whole process
def _child(cmd: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Run ``cmd``; return wall seconds, CPU seconds (user + sys) and stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, out


def bench_file(runs: int, tmp: Path, size: int = 6, warm_up: bool = True) -> list[tuple[str, list[float], str]]:
    import pygambit as gbt

    rng = np.random.default_rng(17)
    arrays = [rng.integers(0, 100, size=(size,) * size) for _ in range(size)]
    path = tmp / "big.nfg"
    path.write_text(gbt.Game.from_arrays(*arrays, title="big").to_nfg())
    script = tmp / "gambit_pure.py"
    script.write_text(GAMBIT_SCRIPT)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(ROOT)
    env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    ours_cmd = [sys.executable, "-m", "contract_theory.cli", "solve", str(path), "--concept", "pure",
                "--format", "json"]
    gbt_cmd = [sys.executable, str(script), str(path)]
    if warm_up:  # bytecode cache, disk cache
        _child(ours_cmd, env)
        _child(gbt_cmd, env)
    walls, cpus, rows = [], [], []
    for _ in range(runs):
        ow, oc, ours_out = _child(ours_cmd, env)
        gw, gc, gbt_out = _child(gbt_cmd, env)
        walls.append(gw / ow)
        cpus.append(gc / oc)
        rows.append((ow, oc, gw, gc))
    ours_eq = sorted([[int(a) - 1 for a in e["profile"]] for e in json.loads(ours_out)["pure_nash"]])
    if ours_eq != json.loads(gbt_out):
        raise SystemExit(f"item 1: pygambit and ours disagree: {json.loads(gbt_out)} vs {ours_eq}")
    mb = path.stat().st_size / 1e6
    print(f"\n1. {path.name}: {mb:.2f} MB, {size} players x {size} actions, {len(ours_eq)} pure equilibria "
          "(same in both)")
    print("   run   ours wall / cpu [s]   pygambit wall / cpu [s]")
    for k, (ow, oc, gw, gc) in enumerate(rows):
        print(f"   {k + 1:3d}   {ow:7.3f} / {oc:6.3f}       {gw:7.3f} / {gc:6.3f}")
    return [("1", walls, "pygambit / ours, whole process, wall time (target >= 10)"),
            ("1", cpus, "pygambit / ours, whole process, CPU time")]


# ----------------------------------------------------------------------------- 2. two players
def bench_two_player_small(sizes: list[int], games: int, gambit_max: int) -> None:
    bench_two_player.run(sizes, ["small"], games, gambit_max, budget=600.0)


# ----------------------------------------------------------------------------- 3. pure
def bench_pure_5x5(games: int, repeat: int) -> None:
    rng = np.random.default_rng(11)
    rows = [(f"random 5^5 {{0..9}} #{k + 1}", bench_pure.bench_game(rng.integers(0, 10, (5,) * 5 + (5,)),
                                                                   ["ours", "pygambit"], repeat))
            for k in range(games)]
    bench_pure.print_table(rows, ["ours", "pygambit"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5, help="interleaved rounds of item 1 (median reported)")
    ap.add_argument("--sizes", type=int, nargs="+", default=[4, 6, 8, 10, 12])
    ap.add_argument("--games", type=int, default=3, help="games per size (item 2) and 5^5 games (item 3)")
    ap.add_argument("--gambit-max", type=int, default=8, help="largest n run through pygambit (item 2)")
    ap.add_argument("--quick", action="store_true", help="3 runs, sizes 4 6 8")
    smoke_args(ap)
    args = ap.parse_args(argv)
    if args.quick:
        args.runs, args.sizes = 3, [4, 6, 8]
    if args.smoke:
        args.runs, args.sizes, args.games, args.gambit_max = 1, [3], 1, 3
    with tempfile.TemporaryDirectory() as tmp:
        rows = bench_file(args.runs, Path(tmp), 3 if args.smoke else 6, warm_up=not args.smoke)
    print(f"\n   item 1: median of {args.runs} interleaved runs (min..max):")
    for item, values, what in rows:
        print(f"  {item}  {_summary(values)}  {what}")
    print("\n2. small two-player games (payoffs 0..9)")
    bench_two_player_small(args.sizes, args.games, args.gambit_max)
    print("\n3. pure equilibria, 5 players x 5 actions")
    bench_pure_5x5(args.games, 1 if args.smoke else 5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
