"""The modification comparison (`contract-theory design`) on games of growing size (issue 15).

Run: python benchmarks/bench_modifications.py [--smoke]
Prints, per game, the time of each modification's exact analysis at K = N - 1 and of the
whole comparison, so the costly step (coalition structures: restricted Bell numbers;
observing outsiders: one LP per candidate profile) is visible.  Each is timed once (these are
seconds-long exact analyses, not a comparison between libraries).  ``--smoke``: the two
smallest games only (the test suite's rot check).
"""

from __future__ import annotations

import argparse
import sys
import time

from _bench import smoke_args

from contract_theory.contracting.modifications.coalition_structures import count_structures, structure_analysis
from contract_theory.contracting.modifications.design import design_comparison
from contract_theory.contracting.modifications.outsider_payments import payments_analysis
from contract_theory.contracting.modifications.recruitment import recruitment_analysis
from contract_theory.games.library import cournot, public_goods, random_game


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    smoke_args(ap)
    args = ap.parse_args(argv)
    games = [("public_goods n=6 r=5/2", public_goods(6, "5/2", 10)),
             ("public_goods n=7 r=3", public_goods(7, 3, 10)),
             ("cournot n=4 grid 2|3|4", cournot(4, 12, 0, (2, 3, 4))),
             ("random 2^5 (asymmetric)", random_game((2,) * 5, 0, 9, seed=1))]
    if args.smoke:
        games = [("public_goods n=4 r=5/2", public_goods(4, "5/2", 10)), ("random 2^3", random_game((2,) * 3, 0, 9, seed=1))]
    print(f"{'game':<26}{'K':>3}{'structures':>11}{'payments s':>12}{'structures s':>14}{'recruit s':>11}"
          f"{'design s':>10}")
    for name, g in games:
        k = g.n_players - 1
        _, t_pay = timed(lambda: payments_analysis(g, k))
        _, t_str = timed(lambda: structure_analysis(g, k))
        _, t_rec = timed(lambda: recruitment_analysis(g, k))
        _, t_all = timed(lambda: design_comparison(g, k))
        print(f"{name:<26}{k:>3}{count_structures(g.n_players, k):>11}{t_pay:>12.3f}{t_str:>14.3f}{t_rec:>11.3f}"
              f"{t_all:>10.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
