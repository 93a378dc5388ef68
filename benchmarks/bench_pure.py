"""Benchmark: pure Nash equilibria, ours against pygambit and quantecon: solve, and build + solve.

    python benchmarks/bench_pure.py [--repeat 5] [--no-quantecon] [--smoke]

Every library starts from the same input, one int64 payoff array per game (shape
``shape + (n,)``, payoffs 0..9 for the random games):

* build: ours ``NormalFormGame(array)`` (one integer table, no Fraction per payoff),
  pygambit ``Game.from_arrays(*per-player arrays)``, quantecon ``NormalFormGame(float array)``;
* solve: ``pure_nash_solve``, ``pygambit.nash.enumpure_solve``, ``quantecon.game_theory.pure_nash_brute``
  on a game built beforehand;
* build + solve: both in one call.

Repetition rule, the same for every cell: :func:`_bench.best_time` (best of ``--repeat``
autoranged loops, per call).  The answers are checked to be the same set of profiles before
timing.  Ratios are ``other / ours`` (above 1: ours is faster).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
from _bench import best_time, fmt_seconds, ratio, smoke_args

from contract_theory.equilibria.pure import pure_nash_solve
from contract_theory.games.library import el_farol, prisoners_dilemma, public_goods, volunteers_dilemma
from contract_theory.games.normal_form import NormalFormGame


def cases(smoke: bool) -> list[tuple[str, np.ndarray]]:
    """(name, int64 payoff array) of every game: library games at integer scale, random games."""
    def table(g: NormalFormGame) -> np.ndarray:
        return np.ascontiguousarray(g.table.astype(np.int64))

    rng = np.random.default_rng(11)
    out = [("prisoners_dilemma", table(prisoners_dilemma())), ("volunteers_dilemma n=4", table(volunteers_dilemma(4))),
           ("random 3^4 {0..9}", rng.integers(0, 10, (3,) * 4 + (4,)))]
    if not smoke:
        out += [("el_farol 5,3", table(el_farol(5, 3))), ("public_goods 4,8/5,20", table(public_goods(4, "8/5", 20))),
                ("random 5^5 {0..9}", rng.integers(0, 10, (5,) * 5 + (5,))),
                ("random 3^8 {0..9}", rng.integers(0, 10, (3,) * 8 + (8,))),
                ("random 5^5 {0..2}", rng.integers(0, 3, (5,) * 5 + (5,)))]
    return out


# ----------------------------------------------------------------------------- the libraries
def gambit_build(arr: np.ndarray) -> Any:
    import pygambit as gbt
    return gbt.Game.from_arrays(*[arr[..., i] for i in range(arr.shape[-1])])


def gambit_solve(g: Any) -> Any:
    import pygambit as gbt
    return gbt.nash.enumpure_solve(g)


def gambit_profiles(g: Any) -> list[tuple[int, ...]]:
    return sorted(tuple([eq[s] for s in p.strategies].index(1) for p in g.players)
                  for eq in gambit_solve(g).equilibria)


def quantecon_build(arr: np.ndarray) -> Any:
    from quantecon.game_theory import NormalFormGame as QGame
    return QGame(arr.astype(np.float64))


def quantecon_solve(g: Any) -> Any:
    from quantecon.game_theory import pure_nash_brute
    return pure_nash_brute(g)


LIBRARIES: dict[str, tuple[Callable[[np.ndarray], Any], Callable[[Any], Any]]] = {
    "ours": (NormalFormGame, pure_nash_solve),
    "pygambit": (gambit_build, gambit_solve),
    "quantecon": (quantecon_build, quantecon_solve),
}


def bench_game(arr: np.ndarray, libraries: list[str], repeat: int) -> dict[str, tuple[float, float]]:
    """{library: (solve time, build + solve time)} after checking every answer against ours."""
    mine = list(pure_nash_solve(NormalFormGame(arr)).equilibria)
    if gambit_profiles(gambit_build(arr)) != mine:
        raise SystemExit("pygambit disagrees")
    if "quantecon" in libraries and sorted(tuple(map(int, p)) for p in quantecon_solve(quantecon_build(arr))) != mine:
        raise SystemExit("quantecon disagrees")
    out = {}
    for name in libraries:
        build, solve = LIBRARIES[name]
        g = build(arr)
        out[name] = (best_time(lambda: solve(g), repeat), best_time(lambda: solve(build(arr)), repeat))
    out["#eq"] = (float(len(mine)), 0.0)
    return out


SHORT = {"pygambit": "gbt", "quantecon": "qe"}


def print_table(rows: list[tuple[str, dict[str, tuple[float, float]]]], libraries: list[str]) -> None:
    others = [lib for lib in libraries if lib != "ours"]
    head = f"{'game':<24} {'#NE':>4} {'step':<12} {'ours':>10}" + "".join(f" {lib:>10}" for lib in others) \
        + "".join(f" {SHORT[lib] + '/ours':>11}" for lib in others)
    print(head)
    print("-" * len(head))
    for name, t in rows:
        for k, step in enumerate(("solve", "build+solve")):
            cells = "".join(f" {fmt_seconds(t[lib][k]):>10}" for lib in others)
            ratios = "".join(f" {ratio(t[lib][k], t['ours'][k]):>11}" for lib in others)
            label = name if k == 0 else ""
            count = f"{int(t['#eq'][0]):>4}" if k == 0 else " " * 4
            print(f"{label:<24} {count} {step:<12} {fmt_seconds(t['ours'][k]):>10}{cells}{ratios}")


def run(smoke: bool, repeat: int, quantecon: bool) -> list[tuple[str, dict[str, tuple[float, float]]]]:
    libraries = ["ours", "pygambit"] + (["quantecon"] if quantecon else [])
    rows = [(name, bench_game(arr, libraries, repeat)) for name, arr in cases(smoke)]
    print_table(rows, libraries)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-quantecon", action="store_true", help="skip quantecon (slow import; slow on 3^8)")
    smoke_args(ap)
    a = ap.parse_args(argv)
    run(a.smoke, 1 if a.smoke else a.repeat, not a.no_quantecon)
    return 0


if __name__ == "__main__":
    sys.exit(main())
