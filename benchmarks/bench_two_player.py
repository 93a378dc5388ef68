"""Benchmark: all extreme equilibria of random two-player games, ours against quantecon, pygambit, lrsnash.

    python benchmarks/bench_two_player.py [--sizes 4 6 8 10 12 14 16] [--kinds generic small]
                                          [--games 2] [--gambit-max 8] [--budget 120] [--smoke]

For every size n and payoff kind, the same seeded n x n games are solved by

* ours: ``vertex_enumeration_solve`` (exact, complete; compiled kernel, loaded before timing),
* quantecon ``game_theory.vertex_enumeration`` (float64, numba; compiled before timing),
* pygambit ``enummixed_solve(rational=True)`` (exact) up to ``--gambit-max``,
* lrslib's ``lrsnash`` (exact, C: 64-bit, 128-bit, then GMP arithmetic) when installed,
  run as a process on a game file written beforehand.

Payoff kinds: ``generic`` -- each player's payoffs a random permutation of 0..n^2-1 (no
equal payoffs: where two-player enumeration works hardest on its arithmetic); ``small`` --
payoffs uniform in 0..9 (ties everywhere: degenerate games, continua of equilibria).

Repetition rule, the same for every method of a row: per game, the best of R timed runs
(:func:`_bench.best_time`; R = 5 up to n = 10, 3 up to n = 14, 1 beyond), then the mean over
the games.  lrsnash is timed as a whole process (its start-up is about 2 ms).  Ratios are
``other / ours`` (above 1: ours is faster).  Every exact method's equilibrium set is checked
to equal ours; for quantecon the table shows how many of the exact extreme equilibria it
recovers within 1e-9 (floats miss equilibria of degenerate games).  A series (one kind)
stops when the guard predicts the next size above ``--budget`` seconds for ours (time grows
about 3x per +2 in n).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import warnings
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
from _bench import Guard, best_time, fmt_seconds, ratio, smoke_args

from contract_theory.equilibria.vertex_enumeration import vertex_enumeration_solve
from contract_theory.games.normal_form import NormalFormGame

Equilibria = set[tuple[tuple[Fraction, ...], tuple[Fraction, ...]]]


def make_games(n: int, kind: str, count: int) -> list[NormalFormGame]:
    """``count`` seeded n x n games of the given payoff kind (module docstring)."""
    out = []
    for seed in range(count):
        rng = np.random.default_rng(1000 * n + seed)
        if kind == "generic":
            A, B = (rng.permutation(n * n).reshape(n, n) for _ in range(2))
        else:
            A, B = (rng.integers(0, 10, (n, n)) for _ in range(2))
        out.append(NormalFormGame.from_bimatrix(A, B, title=f"{kind} {n}x{n} seed {seed}"))
    return out


def repeats(n: int) -> int:
    return 5 if n <= 10 else 3 if n <= 14 else 1


# ----------------------------------------------------------------------------- the methods
def ours(g: NormalFormGame) -> Equilibria:
    return {p.strategies for p in vertex_enumeration_solve(g).equilibria}


def _quantecon_game(g: NormalFormGame) -> Any:
    import quantecon.game_theory as qe
    return qe.NormalFormGame((qe.Player(g.table[..., 0].astype(float)), qe.Player(g.table[..., 1].T.astype(float))))


def quantecon(qg: Any) -> list[np.ndarray]:
    import quantecon.game_theory as qe
    return [np.concatenate(xy) for xy in qe.vertex_enumeration(qg)]


def gambit(g: NormalFormGame) -> Equilibria:
    import pygambit as gbt
    A, B = ([[int(v) for v in row] for row in g.table[..., i].tolist()] for i in range(2))
    gg = gbt.Game.from_arrays(A, B)
    m = g.shape[0]
    out = set()
    for eq in gbt.nash.enummixed_solve(gg, rational=True).equilibria:
        v = [Fraction(str(eq[s])) for s in gg.strategies]
        out.add((tuple(v[:m]), tuple(v[m:])))
    return out


def lrsnash_file(g: NormalFormGame, folder: Path) -> Path:
    """The game in lrsnash's input format: ``m n``, then A and B row by row."""
    m, n = g.shape
    rows = [f"{m} {n}", ""] + [" ".join(map(str, r)) for r in g.table[..., 0].tolist()] + [""] \
        + [" ".join(map(str, r)) for r in g.table[..., 1].tolist()]
    path = folder / f"game-{id(g)}.txt"
    path.write_text("\n".join(rows) + "\n")
    return path


def lrsnash(path: Path) -> Equilibria:
    """Run lrsnash; its blocks list player 2's strategies ('2 ...') and player 1's ('1 ...'),
    the last number of each line being a payoff; every pair within a block is an equilibrium."""
    text = subprocess.run(["lrsnash", str(path)], capture_output=True, text=True, check=True).stdout
    out: Equilibria = set()
    for block in text.split("\n\n"):
        lines = [ln.split() for ln in block.splitlines() if ln[:2] in ("1 ", "2 ")]
        xs = [tuple(Fraction(v) for v in ln[1:-1]) for ln in lines if ln[0] == "1"]
        ys = [tuple(Fraction(v) for v in ln[1:-1]) for ln in lines if ln[0] == "2"]
        out |= {(x, y) for x in xs for y in ys}
    return out


def recovered(exact: Equilibria, found: list[np.ndarray]) -> int:
    """How many exact equilibria have a float one within 1e-9 (max norm)."""
    if not found:
        return 0
    F = np.array(found)
    return sum(bool((np.abs(F - np.array([float(v) for v in x + y])).max(axis=1) < 1e-9).any()) for x, y in exact)


# ----------------------------------------------------------------------------- one row
@dataclass
class Row:
    n: int
    kind: str
    games: int
    times: dict[str, float] = field(default_factory=dict)
    equilibria: int = 0
    quantecon_recovered: int = 0
    notes: list[str] = field(default_factory=list)


def _mean_best(fn: Any, items: list[Any], r: int) -> float:
    return float(np.mean([best_time(lambda x=x: fn(x), repeat=r) for x in items]))


def bench_row(n: int, kind: str, count: int, gambit_max: int, folder: Path) -> Row:
    """Time and cross-check every method on the games of one size and kind."""
    gs = make_games(n, kind, count)
    r = repeats(n)
    row = Row(n, kind, count)
    exact = [ours(g) for g in gs]
    row.equilibria = sum(len(e) for e in exact)
    row.times["ours"] = _mean_best(vertex_enumeration_solve, gs, r)
    qgs = [_quantecon_game(g) for g in gs]
    row.quantecon_recovered = sum(recovered(e, quantecon(q)) for e, q in zip(exact, qgs))
    row.times["quantecon"] = _mean_best(quantecon, qgs, r)
    if n <= gambit_max:
        if any(gambit(g) != e for g, e in zip(gs, exact)):
            raise SystemExit(f"n={n} {kind}: pygambit and ours disagree")
        row.times["pygambit"] = _mean_best(gambit, gs, r)
    if shutil.which("lrsnash"):
        paths = [lrsnash_file(g, folder) for g in gs]
        if any(lrsnash(p) != e for p, e in zip(paths, exact)):
            raise SystemExit(f"n={n} {kind}: lrsnash and ours disagree")
        row.times["lrsnash"] = _mean_best(lrsnash, paths, r)
    return row


def warm_up() -> None:
    """Load and compile both numba kernels (ours from its disk cache) outside the timings."""
    warnings.simplefilter("ignore")
    g = make_games(12, "generic", 1)[0]
    vertex_enumeration_solve(g)
    quantecon(_quantecon_game(g))


HEADER = (f"{'n':>3} {'payoffs':<8} {'#eq':>5} {'ours':>10} {'quantecon':>10} {'pygambit':>10} {'lrsnash':>10}"
          f" {'qe/ours':>8} {'gbt/ours':>8} {'lrs/ours':>8} {'qe found':>9}")


def format_row(row: Row) -> str:
    t = row.times
    nan = float("nan")
    return (f"{row.n:>3} {row.kind:<8} {row.equilibria:>5} {fmt_seconds(t['ours']):>10} "
            f"{fmt_seconds(t.get('quantecon', nan)):>10} {fmt_seconds(t.get('pygambit', nan)):>10} "
            f"{fmt_seconds(t.get('lrsnash', nan)):>10} {ratio(t.get('quantecon', nan), t['ours']):>8} "
            f"{ratio(t.get('pygambit', nan), t['ours']):>8} {ratio(t.get('lrsnash', nan), t['ours']):>8} "
            f"{row.quantecon_recovered:>4}/{row.equilibria:<4}")


def run(sizes: list[int], kinds: list[str], count: int, gambit_max: int, budget: float) -> list[Row]:
    """Every row of the table, printed as it is measured."""
    warm_up()
    print(HEADER)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for kind in kinds:
            guard = Guard(budget, 3.5)
            for n in sizes:
                if not guard.allows():
                    print(f"    {kind}: {guard.reason}")
                    break
                row = bench_row(n, kind, count, gambit_max, Path(tmp))
                guard.record(row.times["ours"] * count * repeats(n))
                rows.append(row)
                print(format_row(row), flush=True)
    if not shutil.which("lrsnash"):
        print("lrsnash: not installed (Debian package lrslib); its column is empty")
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[4, 6, 8, 10, 12, 14, 16])
    ap.add_argument("--kinds", nargs="+", choices=("generic", "small"), default=["generic", "small"])
    ap.add_argument("--games", type=int, default=2, help="games per size and kind")
    ap.add_argument("--gambit-max", type=int, default=8, help="largest n run through pygambit (slow from 10)")
    ap.add_argument("--budget", type=float, default=120.0, help="seconds per row for ours before a series stops")
    smoke_args(ap)
    a = ap.parse_args(argv)
    if a.smoke:
        a.sizes, a.games, a.gambit_max = [3], 1, 3
    run(a.sizes, a.kinds, a.games, a.gambit_max, a.budget)
    return 0


if __name__ == "__main__":
    sys.exit(main())
