"""Coalition formation (issue 25): our exact cooperative values against coopgt, and structures by composition.

Run: python benchmarks/bench_formation.py [--smoke]
Same input and the same repetition rule for both sides (best of 3 runs):

* the Shapley value of random integer TU games with N = 6, 8 players: ours (exact, integer
  enumeration of the 2^N coalitions) against coopgt's (floats, average over the N! orders) -- the
  ratio is coopgt's time over ours;
* the core point: ours (one certified exact LP) against coopgt's Bondareva-Shapley LP (scipy, floats);
* coalition structures of public goods: by composition against the labelled enumeration (N = 7, 8)
  and by composition alone at N = 10 (61,136 and 106,012 structures) and N = 100 (compact).
"""

from __future__ import annotations

import itertools
import sys
import time
from fractions import Fraction

import numpy as np

from contract_theory.contracting.formation.characteristic import CharacteristicFunction
from contract_theory.contracting.formation.cooperative import core, shapley_value
from contract_theory.contracting.modifications.coalition_structures import structure_analysis
from contract_theory.games.compact_library import public_goods_compact
from contract_theory.games.library import public_goods


def best_of(fn, reps=3):
    out, best = None, float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return out, best


def _tu(n, seed):
    rng = np.random.default_rng(seed)
    coals = [c for r in range(1, n + 1) for c in itertools.combinations(range(n), r)]
    vals = {c: Fraction(int(rng.integers(0, 10 * len(c)))) for c in coals}
    ours = CharacteristicFunction(n, n, tuple(f"P{i}" for i in range(n)), "given", vals)
    theirs = {(): 0, **{tuple(i + 1 for i in c): int(v) for c, v in vals.items()}}
    return ours, theirs


def main(smoke: bool = False) -> None:
    try:
        import coopgt.core
        import coopgt.shapley_value
    except ImportError:  # pragma: no cover
        coopgt = None
    print(f"{'TU game':<16}{'ours Shapley s':>15}{'coopgt s':>10}{'ratio':>8}{'ours core s':>13}{'coopgt s':>10}{'ratio':>8}")
    for n in ((4,) if smoke else (6, 8)):
        ours, theirs = _tu(n, n)
        _, t1 = best_of(lambda: shapley_value(ours))
        _, t3 = best_of(lambda: core(ours))
        if coopgt is not None:
            _, t2 = best_of(lambda: coopgt.shapley_value.calculate(theirs, n))
            _, t4 = best_of(lambda: coopgt.core.find_core_point(theirs, n))
            print(f"random N={n:<8}{t1:>15.4f}{t2:>10.4f}{t2 / t1:>8.1f}{t3:>13.4f}{t4:>10.4f}{t4 / t3:>8.2f}")
    print(f"\n{'structures':<34}{'by composition s':>17}{'enumeration s':>15}{'ratio':>8}")
    for n in ((5,) if smoke else (7, 8)):
        g = public_goods(n, 3, 1)
        _, tc = best_of(lambda: structure_analysis(g, n), reps=1)
        _, te = best_of(lambda: structure_analysis(g, n, use_symmetry=False), reps=1)
        print(f"{'public goods N=' + str(n) + ' K=N':<34}{tc:>17.3f}{te:>15.3f}{te / tc:>8.1f}")
    if not smoke:
        for label, g, k in (("public goods N=10 K=3 (dense)", public_goods(10, 3, 1), 3),
                            ("public goods N=10 K=4 (dense)", public_goods(10, 3, 1), 4),
                            ("public goods N=100 K=3 (compact)", public_goods_compact(100, 3, 1), 3)):
            _, tc = best_of(lambda: structure_analysis(g, k), reps=1)
            print(f"{label:<34}{tc:>17.3f}{'refused':>15}")


if __name__ == "__main__":
    main("--smoke" in sys.argv)
