"""Benchmark: all extreme equilibria of random 2-player games, ours vs the usual tools.

Run with ``python benchmarks/bench_two_player.py`` (about a minute on one core); ``--help``
lists the options.  For every size n, the same seeded n x n games with integer payoffs in
[0, 9] (``contract_theory.games.library.random_game``; such games are often degenerate) are
solved by

* ours: ``contract_theory.equilibria.vertex_enumeration.vertex_enumeration_solve`` (exact),
* pygambit ``enummixed_solve(rational=True)`` (exact; the oracle),
* quantecon ``game_theory.vertex_enumeration`` (float64, numba; warmed up first so JIT
  compilation is excluded),
* nashpy ``Game(A, B).vertex_enumeration()`` and ``support_enumeration()`` (float64).

Times are per game: the minimum over ``--repeat`` runs for the fast methods (ours,
quantecon), one run for the slow ones (gambit, nashpy), averaged over the games.  The table
prints the mean time, the ratio to ours, and the number of equilibria found, plus how many
of the exact extreme equilibria each float method recovered (within 1e-9) -- float methods
miss equilibria in degenerate games.
"""

from __future__ import annotations

import argparse
import time
import warnings
from fractions import Fraction

import numpy as np

from contract_theory.equilibria.vertex_enumeration import vertex_enumeration_solve
from contract_theory.games.library import random_game


def _best_time(fn, repeat: int):
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def _recovered(exact: list[np.ndarray], found: list[np.ndarray]) -> int:
    """How many exact equilibria (concatenated x, y) have a float equilibrium within 1e-9."""
    if not found:
        return 0
    F = np.array(found)
    return sum(bool((np.abs(F - e).max(axis=1) < 1e-9).any()) for e in exact)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[4, 6, 8, 10, 12])
    ap.add_argument("--games", type=int, default=3, help="games per size")
    ap.add_argument("--repeat", type=int, default=3, help="runs of the fast methods (min taken)")
    ap.add_argument("--gambit-max", type=int, default=10, help="largest n for pygambit")
    ap.add_argument("--nashpy-max", type=int, default=10, help="largest n for nashpy vertex_enumeration")
    ap.add_argument("--nashpy-support-max", type=int, default=8, help="largest n for nashpy support_enumeration")
    ap.add_argument("--nashpy-games", type=int, default=1, help="games per size run through nashpy (slow; 0 = skip)")
    args = ap.parse_args()

    import nashpy
    import pygambit as gbt
    import quantecon.game_theory as qe_gt

    warnings.simplefilter("ignore")
    # numba warm-up: compile quantecon's kernels before timing
    w = random_game((3, 3), 0, 9, seed=999)
    qe_gt.vertex_enumeration(qe_gt.NormalFormGame((qe_gt.Player(w.table[..., 0].astype(float)),
                                                   qe_gt.Player(w.table[..., 1].T.astype(float)))))

    rows = []
    for n in args.sizes:
        acc: dict[str, list[float]] = {}
        cnt: dict[str, list[int]] = {}
        rec: dict[str, list[int]] = {}
        for seed in range(args.games):
            g = random_game((n, n), 0, 9, seed=seed)
            A = g.table[..., 0].astype(np.int64)
            B = g.table[..., 1].astype(np.int64)
            t, res = _best_time(lambda: vertex_enumeration_solve(g), args.repeat)
            acc.setdefault("ours (exact)", []).append(t)
            cnt.setdefault("ours (exact)", []).append(len(res))
            exact = [np.array([float(v) for v in p.strategies[0] + p.strategies[1]]) for p in res]
            ours_set = {p.strategies for p in res}

            qg = qe_gt.NormalFormGame((qe_gt.Player(A.astype(float)), qe_gt.Player(B.T.astype(float))))
            t, qres = _best_time(lambda: qe_gt.vertex_enumeration(qg), args.repeat)
            acc.setdefault("quantecon (float)", []).append(t)
            cnt.setdefault("quantecon (float)", []).append(len(qres))
            rec.setdefault("quantecon (float)", []).append(
                _recovered(exact, [np.concatenate([x, y]) for x, y in qres]))

            if n <= args.gambit_max:
                gg = gbt.Game.from_arrays(A.tolist(), B.tolist())
                t, gres = _best_time(lambda: gbt.nash.enummixed_solve(gg, rational=True), 1)
                acc.setdefault("pygambit rational", []).append(t)
                gset = set()
                for eq in gres.equilibria:
                    v = [Fraction(str(eq[s])) for s in gg.strategies]
                    gset.add((tuple(v[:n]), tuple(v[n:])))
                cnt.setdefault("pygambit rational", []).append(len(gset))
                if gset != ours_set:
                    print(f"WARNING: n={n} seed={seed}: pygambit and ours differ")

            if seed < args.nashpy_games:
                ng = nashpy.Game(A.astype(float), B.astype(float))
                if n <= args.nashpy_max:
                    t, nres = _best_time(lambda: list(ng.vertex_enumeration()), 1)
                    acc.setdefault("nashpy vertex_enum", []).append(t)
                    cnt.setdefault("nashpy vertex_enum", []).append(len(nres))
                    rec.setdefault("nashpy vertex_enum", []).append(
                        _recovered(exact, [np.concatenate([x, y]) for x, y in nres]))
                if n <= args.nashpy_support_max:
                    t, sres = _best_time(lambda: list(ng.support_enumeration()), 1)
                    acc.setdefault("nashpy support_enum", []).append(t)
                    cnt.setdefault("nashpy support_enum", []).append(len(sres))
                    rec.setdefault("nashpy support_enum", []).append(
                        _recovered(exact, [np.concatenate([x, y]) for x, y in sres]))
        ours_per_game = acc["ours (exact)"]
        for name, ts in acc.items():
            k = len(ts)
            ratio = float(np.mean(ts)) / float(np.mean(ours_per_game[:k]))
            found = sum(cnt[name])
            recovered = f"{sum(rec[name])}/{sum(cnt['ours (exact)'][:k])}" if name in rec else "-"
            rows.append((n, name, k, float(np.mean(ts)), ratio, found, recovered))

    print(f"{'n':>3} {'method':<22} {'games':>5} {'time/game [s]':>14} {'time/ours':>10} {'#eq':>5} "
          f"{'exact eq recovered':>19}")
    for n, name, k, t, ratio, found, recovered in rows:
        print(f"{n:>3} {name:<22} {k:>5} {t:>14.5f} {ratio:>10.2f} {found:>5} {recovered:>19}")
    print()
    for n in args.sizes:
        r = {name: ratio for m, name, _, _, ratio, _, _ in rows if m == n}
        line = f"n={n}: ours / quantecon time = {1 / r['quantecon (float)']:.2f} (target <= 1)"
        if "pygambit rational" in r:
            line += f"; pygambit rational / ours = {r['pygambit rational']:.0f} (target >= 100)"
        print(line)


if __name__ == "__main__":
    main()
