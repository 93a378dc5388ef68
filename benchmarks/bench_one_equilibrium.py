"""Benchmark: one equilibrium (2 players: exact Lemke-Howson; N players: the logit path made exact)
and all N-player equilibria, ours vs quantecon and pygambit, as ratios, in one run.

Run ``python benchmarks/bench_one_equilibrium.py`` (a few minutes) or ``--smoke`` (tiny sizes,
seconds: what the test suite runs).  Inputs: seeded ``random_game`` with integer payoffs in
[0, 999] (nearly nondegenerate; the same matrices go to every library).  Rule: every method is
timed on the same games by the same rule (``_bench.best_time``: the best of ``--repeat`` timed
loops, for every library alike; quantecon warmed up first, so numba compilation is excluded); the
table shows the mean over games and the ratio theirs / ours (``_bench.ratio``: above 1, we are
faster).  Rows:

* one equilibrium, n x n: ours ``lh_solve(g, 0)`` vs quantecon ``lemke_howson(init_pivot=0)``,
  pygambit ``lcp_solve(rational=True, stop_after=1)`` and ``gnm_solve`` (float);
* one equilibrium, N players: ours ``one_equilibrium_solve`` vs pygambit ``gnm_solve``;
* all equilibria, N players: ours ``nplayer_mixed_solve`` vs pygambit ``enumpoly_solve``.
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
from _bench import best_time, ratio

from contract_theory.equilibria.lemke_howson import lh_solve
from contract_theory.equilibria.logit_path import one_equilibrium_solve
from contract_theory.equilibria.support_enumeration import nplayer_mixed_solve
from contract_theory.games.library import random_game


def _gambit_game(g):
    import pygambit as gbt

    return gbt.Game.from_arrays(*[g.table[..., i].astype(int) for i in range(g.n_players)])


def _row(name: str, ours: list[float], theirs: dict[str, list[float]]) -> str:
    o = float(np.mean(ours))
    cells = [f"{k} {np.mean(v) * 1e3:9.2f} ms ({k.split()[0]}/ours {ratio(float(np.mean(v)), o):>7})"
             for k, v in theirs.items()]
    return f"{name:<22} ours {o * 1e3:9.2f} ms | " + " | ".join(cells)


def two_player(sizes: list[int], games: int, repeat: int) -> list[str]:
    import pygambit as gbt
    import quantecon.game_theory as qe

    w = random_game((3, 3), 0, 9, seed=99)
    qe.lemke_howson(qe.NormalFormGame((qe.Player(w.table[..., 0].astype(float)),
                                       qe.Player(w.table[..., 1].T.astype(float)))))
    out = []
    for n in sizes:
        ours: list[float] = []
        theirs: dict[str, list[float]] = {"quantecon LH": [], "gambit lcp": [], "gambit gnm": []}
        for seed in range(games):
            g = random_game((n, n), 0, 999, seed=seed)
            A, B = g.table[..., 0].astype(float), g.table[..., 1].astype(float)
            qg = qe.NormalFormGame((qe.Player(A), qe.Player(B.T)))
            gg = _gambit_game(g)
            ours.append(best_time(lambda: lh_solve(g, 0), repeat))
            theirs["quantecon LH"].append(best_time(lambda: qe.lemke_howson(qg, init_pivot=0), repeat))
            theirs["gambit lcp"].append(best_time(lambda: gbt.nash.lcp_solve(gg, rational=True, stop_after=1), repeat))
            theirs["gambit gnm"].append(best_time(lambda: gbt.nash.gnm_solve(gg), repeat))
        out.append(_row(f"one eq. {n}x{n}", ours, theirs))
    return out


def n_player(shapes: list[tuple[int, ...]], games: int, repeat: int) -> list[str]:
    import pygambit as gbt

    out = []
    for shape in shapes:
        one: list[float] = []
        gnm: list[float] = []
        allq: list[float] = []
        enum: list[float] = []
        counts = [0, 0]
        for seed in range(games):
            g = random_game(shape, 0, 99, seed=seed)
            gg = _gambit_game(g)
            one.append(best_time(lambda: one_equilibrium_solve(g), repeat))
            gnm.append(best_time(lambda: gbt.nash.gnm_solve(gg), repeat))
            allq.append(best_time(lambda: nplayer_mixed_solve(g), repeat))
            enum.append(best_time(lambda: gbt.nash.enumpoly_solve(gg), repeat))
            counts[0] += len(nplayer_mixed_solve(g).all_equilibria)
            counts[1] += len(gbt.nash.enumpoly_solve(gg).equilibria)
        label = "x".join(map(str, shape))
        out.append(_row(f"one eq. {label}", one, {"gambit gnm": gnm}))
        out.append(_row(f"all eq. {label}", allq, {"gambit enumpoly": enum})
                   + f" | equilibria ours {counts[0]}, enumpoly {counts[1]}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--smoke", action="store_true", help="tiny sizes, one game, one run (for the test suite)")
    ap.add_argument("--games", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    warnings.simplefilter("ignore")
    if args.smoke:
        sizes, shapes, games, repeat = [4], [(2, 2, 2)], 1, 1
    else:
        sizes, shapes, games, repeat = [30, 60, 200], [(3, 3, 3), (2, 2, 2, 2)], args.games, args.repeat
    for line in two_player(sizes, games, repeat) + n_player(shapes, games, repeat):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
