"""Coalition formation (issue 25): our exact cooperative values against coopgt, and structures by composition.

Run: python benchmarks/bench_formation.py [--smoke]
Same input and the same repetition rule for both sides (best of 3 runs):

* the Shapley value of random integer TU games with N = 6, 8 players: ours (exact, integer
  enumeration of the 2^N coalitions) against coopgt's (floats, average over the N! orders) -- the
  ratio is coopgt's time over ours;
* the core point: ours (one certified exact LP) against coopgt's Bondareva-Shapley LP (scipy, floats);
* coalition structures of public goods: by composition against the labelled enumeration (N = 7, 8)
  and by composition alone at N = 10 (61,136 and 106,012 structures) and N = 100 (compact);
* each formation concept end to end (issue 25's timings): dense games with N = 6 and 8 solved
  coalition by coalition (``use_symmetry=False``: the partition function over labelled structures,
  the characteristic function, core, Shapley value, nucleolus, Bloch's game, the largest consistent
  set) and the symmetric N = 100 game by composition (one run each; no peer computes these from a
  strategic game, so there is no ratio).
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from fractions import Fraction

import numpy as np
from _bench import smoke_args

from contract_theory.contracting.formation.bloch import bloch_sequential
from contract_theory.contracting.formation.characteristic import CharacteristicFunction, characteristic_function
from contract_theory.contracting.formation.cooperative import core, nucleolus, shapley_value
from contract_theory.contracting.formation.farsighted import farsighted_stability
from contract_theory.contracting.formation.partition_function import partition_function
from contract_theory.contracting.modifications.coalition_structures import structure_analysis
from contract_theory.games.compact_library import public_goods_compact
from contract_theory.games.library import from_spec, public_goods


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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    smoke_args(ap)
    smoke = ap.parse_args(argv).smoke
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

    concepts(smoke)
    return 0


def concepts(smoke: bool = False) -> None:
    """Every concept on one game per size, one run each (seconds)."""
    cases = [("public goods N=5 K=3 (dense)", public_goods(5, 2, 1), 3, False)] if smoke else [
        ("public goods N=6 K=3 (dense)", public_goods(6, 2, 1), 3, False),
        ("cournot N=6 K=3 (dense)", from_spec("cournot:n=6,a=12,c=0,grid=0|1|2|3"), 3, False),
        ("public goods N=8 K=4 (dense)", public_goods(8, 3, 1), 4, False),
        ("public goods N=100 K=3 (compact)", public_goods_compact(100, 3, 1), 3, True)]
    print(f"\n{'concept (seconds)':<34}{'partition':>10}{'v gamma':>9}{'v delta':>9}{'core':>7}{'Shapley':>9}"
          f"{'nucleol.':>9}{'Bloch':>8}{'LCS':>8}")
    for label, g, k, sym in cases:
        row = []
        row.append(_timed(lambda: partition_function(g, k, use_symmetry=sym)))
        t0 = time.perf_counter()
        v = characteristic_function(g, k, assumption="gamma", use_symmetry=sym)
        row.append(f"{time.perf_counter() - t0:.2f}")
        row.append(_timed(lambda: characteristic_function(g, k, assumption="delta", use_symmetry=sym)))
        row += [_timed(lambda: core(v)), _timed(lambda: shapley_value(v)), _timed(lambda: nucleolus(v))]
        row.append(_timed(lambda: bloch_sequential(g, k, use_symmetry=sym)))
        row.append(_timed(lambda: farsighted_stability(g, k)))
        print(f"{label:<34}" + "".join(f"{x:>{w}}" for x, w in zip(row, (10, 9, 9, 7, 9, 9, 8, 8))))


def _timed(fn) -> str:
    t0 = time.perf_counter()
    try:
        fn()
    except ValueError:  # refused by a budget (the size guard answers in well under a second)
        return "refused"
    return f"{time.perf_counter() - t0:.2f}"


if __name__ == "__main__":
    sys.exit(main())
