"""Benchmark: pure Nash equilibria, contract_theory vs pygambit vs quantecon.

    python benchmarks/bench_pure.py [--repeat 7] [--quick]

For every game, each library's game object is built *first* (contract_theory
``NormalFormGame`` with its integer table, ``pygambit.Game.from_arrays``,
``quantecon.game_theory.NormalFormGame``); only the solve call is timed:
``pure_nash_solve(game)``, ``pygambit.nash.enumpure_solve(game)``,
``quantecon.game_theory.pure_nash_brute(game)``.  Each time is the best of ``--repeat``
runs of a loop sized to last >= 20 ms (``timeit.Timer.autorange``), reported per call.
The three answers are checked to be the same set of profiles before timing.
"""

from __future__ import annotations

import argparse
import timeit
from collections.abc import Callable
from typing import Any

import numpy as np

from contract_theory.equilibria.pure import pure_nash_solve
from contract_theory.games.library import (
    cournot,
    el_farol,
    n_stag_hunt,
    prisoners_dilemma,
    public_goods,
    random_game,
    volunteers_dilemma,
)
from contract_theory.games.normal_form import NormalFormGame


def _gambit_game(game: NormalFormGame) -> Any:
    import pygambit as gbt
    arrays = [np.array(game.fractions[..., i], dtype=object) for i in range(game.n_players)]
    if game.denominator == 1:
        arrays = [a.astype(np.int64) for a in arrays]
    return gbt.Game.from_arrays(*arrays)


def _gambit_solve(g: Any) -> Any:
    import pygambit as gbt
    return gbt.nash.enumpure_solve(g)


def _gambit_profiles(g: Any) -> list[tuple[int, ...]]:
    players = list(g.players)
    out = []
    for eq in _gambit_solve(g).equilibria:
        out.append(tuple([eq[s] for s in p.strategies].index(1) for p in players))
    return sorted(out)


def _quantecon_game(game: NormalFormGame) -> Any:
    from quantecon.game_theory import NormalFormGame as QGame
    return QGame(game.table.astype(np.float64))


def _quantecon_solve(g: Any) -> Any:
    from quantecon.game_theory import pure_nash_brute
    return pure_nash_brute(g)


def best_time(fn: Callable[[], Any], repeat: int) -> float:
    """Best per-call time in seconds over ``repeat`` autoranged loops."""
    timer = timeit.Timer(fn)
    number, _ = timer.autorange()
    number = max(1, number // 10) if number > 10 else number
    return min(timer.repeat(repeat=repeat, number=number)) / number


def cases(quick: bool) -> list[tuple[str, NormalFormGame]]:
    out = [
        ("prisoners_dilemma", prisoners_dilemma()),
        ("volunteers_dilemma n=4", volunteers_dilemma(4)),
        ("cournot (default)", cournot()),
        ("el_farol 5,3", el_farol(5, 3)),
        ("n_stag_hunt 3,m=2", n_stag_hunt(3, m=2)),
        ("public_goods 4,8/5,20", public_goods(4, "8/5", 20)),
        ("random 4x4x4x4 {0..2}", random_game((4, 4, 4, 4), 0, 2, seed=7)),
        ("random 5x5x5x5x5 {0..9}", random_game((5,) * 5, 0, 9, seed=11)),
    ]
    if not quick:
        out.append(("random 5x5x5x5x5 {0..2}", random_game((5,) * 5, 0, 2, seed=12)))
    return out


def fmt_time(t: float) -> str:
    if t < 1e-3:
        return f"{t * 1e6:8.1f} us"
    return f"{t * 1e3:8.2f} ms"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--quick", action="store_true", help="skip the second 5^5 game")
    ap.add_argument("--no-quantecon", action="store_true", help="skip quantecon (slow import, slow on 5^5)")
    args = ap.parse_args(argv)

    header = f"{'game':26s} {'#NE':>4s} {'ours':>11s} {'pygambit':>11s} {'quantecon':>11s} {'gbt/ours':>9s} {'qe/ours':>9s}"
    print(header)
    print("-" * len(header))
    for name, game in cases(args.quick):
        g_gbt = _gambit_game(game)
        g_qe = None if args.no_quantecon else _quantecon_game(game)
        mine = list(pure_nash_solve(game).equilibria)
        if _gambit_profiles(g_gbt) != mine:
            raise SystemExit(f"{name}: pygambit disagrees")
        if g_qe is not None and sorted(tuple(map(int, p)) for p in _quantecon_solve(g_qe)) != mine:
            raise SystemExit(f"{name}: quantecon disagrees")
        t_ours = best_time(lambda: pure_nash_solve(game), args.repeat)
        t_gbt = best_time(lambda: _gambit_solve(g_gbt), args.repeat)
        t_qe = float("nan") if g_qe is None else best_time(lambda: _quantecon_solve(g_qe), max(3, args.repeat // 2))
        print(f"{name:26s} {len(mine):4d} {fmt_time(t_ours)} {fmt_time(t_gbt)} "
              f"{fmt_time(t_qe) if t_qe == t_qe else '        n/a'} {t_gbt / t_ours:8.1f}x "
              f"{(t_qe / t_ours) if t_qe == t_qe else float('nan'):8.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
