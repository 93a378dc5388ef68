"""Benchmark for issue 17: the three speed ratios side by side, each the median of several runs.

    python benchmarks/bench_issue17.py [--runs 5] [--sizes 4 6 8 10 12] [--gambit-max 10] [--quick]

1. **Reading a large Gambit file, whole process.**  A 6-player, 6-action random game
   (payoffs 0..99) written by pygambit (``Game.from_arrays(...).to_nfg()``: the outcome
   form, ~1.6 MB, 46,656 profiles) is solved for pure equilibria by two fresh processes:
   ``python -m contract_theory.cli solve big.nfg --concept pure --format json`` and a
   pygambit script (``read_nfg`` + ``enumpure_solve``).  Wall time and CPU time (user + sys
   of the child) of each, runs interleaved; both with a warm bytecode cache (a warm-up run
   each first, bytecode under a temporary ``PYTHONPYCACHEPREFIX``).  Ratio: pygambit / ours.
   The two answers are checked to be the same profiles.
2. **Small two-player games.**  Random n x n games with payoffs 0..9 (``random_game``, often
   degenerate), all extreme equilibria: ours (exact, complete) vs quantecon's float64
   ``vertex_enumeration`` (numba, warmed up) in interleaved rounds; per round the time per
   game (best of 3 calls, mean over the games).  Ratio: ours / quantecon (target <= 1).
   pygambit's exact ``enummixed_solve(rational=True)`` runs once per game up to
   ``--gambit-max`` (slow: ~10 s per 10 x 10 game, minutes at 12 x 12); its answer must equal
   ours.  Ratio: pygambit / ours (target >= 100 from n = 8).  How many of the exact
   extreme equilibria quantecon recovers (within 1e-9) is printed too.
3. **Pure equilibria.**  Random 5-player, 5-action games (payoffs 0..9): ``pure_nash_solve``
   vs pygambit ``enumpure_solve`` on games built beforehand, interleaved rounds (best of an
   autoranged loop each).  Ratio: pygambit / ours (target >= 50).

The machine may be shared: each ratio is the median over ``--runs`` rounds measured side by
side, and the spread (min..max) is printed.
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
import timeit
import warnings
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # measure the code next to this script

import numpy as np  # noqa: E402

from contract_theory.equilibria.pure import pure_nash_solve  # noqa: E402
from contract_theory.equilibria.vertex_enumeration import vertex_enumeration_solve  # noqa: E402
from contract_theory.games.library import random_game  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_two_player import _best_time, _recovered  # noqa: E402

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


def bench_file(runs: int, tmp: Path) -> list[tuple[str, list[float], str]]:
    import pygambit as gbt

    rng = np.random.default_rng(17)
    arrays = [rng.integers(0, 100, size=(6,) * 6) for _ in range(6)]
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
    _, _, ours_out = _child(ours_cmd, env)  # warm-up runs: bytecode cache, disk cache
    _, _, gbt_out = _child(gbt_cmd, env)
    ours_eq = sorted([[int(a) - 1 for a in e["profile"]] for e in json.loads(ours_out)["pure_nash"]])
    if ours_eq != json.loads(gbt_out):
        raise SystemExit(f"item 1: pygambit and ours disagree: {json.loads(gbt_out)} vs {ours_eq}")
    walls, cpus, rows = [], [], []
    for _ in range(runs):
        ow, oc, _ = _child(ours_cmd, env)
        gw, gc, _ = _child(gbt_cmd, env)
        walls.append(gw / ow)
        cpus.append(gc / oc)
        rows.append((ow, oc, gw, gc))
    size = path.stat().st_size / 1e6
    print(f"\n1. {path.name}: {size:.2f} MB, 6 players x 6 actions, {len(ours_eq)} pure equilibria (same in both)")
    print("   run   ours wall / cpu [s]   pygambit wall / cpu [s]")
    for k, (ow, oc, gw, gc) in enumerate(rows):
        print(f"   {k + 1:3d}   {ow:7.3f} / {oc:6.3f}       {gw:7.3f} / {gc:6.3f}")
    return [("1", walls, "pygambit / ours, whole process, wall time (target >= 10)"),
            ("1", cpus, "pygambit / ours, whole process, CPU time")]


# ----------------------------------------------------------------------------- 2. two players
def bench_two_player(runs: int, sizes: list[int], games: int, gambit_max: int) -> list[tuple[str, list[float], str]]:
    import pygambit as gbt
    import quantecon.game_theory as qe

    warnings.simplefilter("ignore")
    w = random_game((3, 3), 0, 9, seed=999)  # numba warm-up for both
    qe.vertex_enumeration(qe.NormalFormGame((qe.Player(w.table[..., 0].astype(float)),
                                             qe.Player(w.table[..., 1].T.astype(float)))))
    vertex_enumeration_solve(w)
    out = []
    print("\n2.  n  ours [ms]  quantecon [ms]  pygambit [ms]  #eq  quantecon recovered")
    for n in sizes:
        gs = [random_game((n, n), 0, 9, seed=s) for s in range(games)]
        qgs = [qe.NormalFormGame((qe.Player(g.table[..., 0].astype(float)),
                                  qe.Player(g.table[..., 1].T.astype(float)))) for g in gs]
        results = [vertex_enumeration_solve(g) for g in gs]
        exact = [[np.array([float(v) for v in p.strategies[0] + p.strategies[1]]) for p in r] for r in results]
        recovered = sum(_recovered(e, [np.concatenate(xy) for xy in qe.vertex_enumeration(q)])
                        for e, q in zip(exact, qgs))
        ratios, ours_times, qe_times = [], [], []
        for _ in range(runs):
            t_ours = float(np.mean([_best_time(lambda g=g: vertex_enumeration_solve(g), 3)[0] for g in gs]))
            t_qe = float(np.mean([_best_time(lambda q=q: qe.vertex_enumeration(q), 3)[0] for q in qgs]))
            ratios.append(t_ours / t_qe)
            ours_times.append(t_ours)
            qe_times.append(t_qe)
        out.append(("2", ratios, f"ours / quantecon, n={n} (target <= 1)"))
        t_gbt = float("nan")
        if n <= gambit_max:
            k = games if n <= 8 else 1
            times = []
            for g, res in zip(gs[:k], results[:k]):
                A, B = ([[int(v) for v in row] for row in g.table[..., i].tolist()] for i in range(2))
                gg = gbt.Game.from_arrays(A, B)
                t, gres = _best_time(lambda gg=gg: gbt.nash.enummixed_solve(gg, rational=True), 1)
                times.append(t)
                theirs = set()
                for eq in gres.equilibria:
                    v = [Fraction(str(eq[s])) for s in gg.strategies]
                    theirs.add((tuple(v[:n]), tuple(v[n:])))
                if theirs != {p.strategies for p in res}:
                    raise SystemExit(f"item 2: n={n}: pygambit and ours disagree")
            t_gbt = float(np.mean(times))
            # pygambit runs once per game; divided by each round's time of ours on the same games
            ours_k = [float(np.mean([_best_time(lambda g=g: vertex_enumeration_solve(g), 3)[0] for g in gs[:k]]))
                      for _ in range(runs)]
            out.append(("2", [t_gbt / t for t in ours_k], f"pygambit rational / ours, n={n} "
                                                             f"({k} game{'s' if k > 1 else ''}; target >= 100 from n=8)"))
        total = sum(len(r) for r in results)
        print(f"   {n:2d}  {statistics.median(ours_times) * 1e3:9.3f}  {statistics.median(qe_times) * 1e3:14.3f}  "
              f"{t_gbt * 1e3:13.1f}  {total:4d}  {recovered}/{total}")
    return out


# ----------------------------------------------------------------------------- 3. pure
def _per_call(fn: Callable[[], Any]) -> float:
    timer = timeit.Timer(fn)
    number, _ = timer.autorange()
    return min(timer.repeat(repeat=3, number=max(1, number // 4))) / max(1, number // 4)


def bench_pure(runs: int, games: int) -> list[tuple[str, list[float], str]]:
    import pygambit as gbt

    gs = [random_game((5,) * 5, 0, 9, seed=11 + s) for s in range(games)]
    ggs = [gbt.Game.from_arrays(*[g.table[..., i].astype(np.int64) for i in range(5)]) for g in gs]
    for g, gg in zip(gs, ggs):
        theirs = sorted(tuple([eq[s] for s in p.strategies].index(1) for p in gg.players)
                        for eq in gbt.nash.enumpure_solve(gg).equilibria)
        if theirs != list(pure_nash_solve(g).equilibria):
            raise SystemExit("item 3: pygambit and ours disagree")
    ratios, ours, theirs_t = [], [], []
    for _ in range(runs):
        t_ours = float(np.mean([_per_call(lambda g=g: pure_nash_solve(g)) for g in gs]))
        t_gbt = float(np.mean([_per_call(lambda gg=gg: gbt.nash.enumpure_solve(gg)) for gg in ggs]))
        ratios.append(t_gbt / t_ours)
        ours.append(t_ours)
        theirs_t.append(t_gbt)
    print(f"\n3. {games} random 5^5 games: ours {statistics.median(ours) * 1e6:.1f} us, "
          f"pygambit {statistics.median(theirs_t) * 1e3:.2f} ms per game (medians)")
    return [("3", ratios, "pygambit / ours, pure equilibria, 5 players x 5 actions (target >= 50)")]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5, help="rounds per ratio (median reported)")
    ap.add_argument("--sizes", type=int, nargs="+", default=[4, 6, 8, 10, 12])
    ap.add_argument("--games", type=int, default=3, help="games per size (item 2) and 5^5 games (item 3)")
    ap.add_argument("--gambit-max", type=int, default=10, help="largest n run through pygambit (item 2)")
    ap.add_argument("--quick", action="store_true", help="3 runs, sizes 4 6 8, pygambit up to 8")
    args = ap.parse_args(argv)
    if args.quick:
        args.runs, args.sizes, args.gambit_max = 3, [4, 6, 8], 8
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rows += bench_file(args.runs, Path(tmp))
    rows += bench_two_player(args.runs, args.sizes, args.games, args.gambit_max)
    rows += bench_pure(args.runs, args.games)
    print(f"\nissue 17 ratios, median of {args.runs} side-by-side runs (min..max):")
    for item, values, what in rows:
        print(f"  {item}  {_summary(values)}  {what}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
