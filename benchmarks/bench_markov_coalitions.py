"""K-coalition analysis on the N-agent Markov library games (issue 4: Markov games under partial contracts).

Run: python benchmarks/bench_markov_coalitions.py [--budget SECONDS] [--max-n N] [--game NAME] [--timing T]

For commons_markov(N) and cleanup_markov(N) (2 states, 2 actions per agent, so the bloc game of
every coalition has 4^N deterministic stationary joint policies) and both timings, times
``partial_contract_analysis(game, K=N)`` -- every coalition of size 2..N (one per size: the
games are symmetric), the no-contract MPE, the team optimum and stability -- for N = 3, 4, ...
until the time guard stops the series -- after a run above the budget (default 60 s), or
before one predicted above it (4.5 x the last time: the policies grow 4x per agent) -- and
reports the largest N that finished within it together with W_K and the smallest k reaching
W*.  ``max_policies`` is raised to 4^N so the size limit is not what stops the run.
``--smoke``: N = 3 only, one game, one timing (the test suite's rot check).
"""

from __future__ import annotations

import argparse
import sys
import time

from _bench import Guard, smoke_args

from contract_theory import Budgets, Rules
from contract_theory.api import partial_contract_analysis
from contract_theory.exact.numbers import fmt
from contract_theory.games.markov_library import cleanup_markov, commons_markov


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--budget", type=float, default=60.0)
    ap.add_argument("--max-n", type=int, default=12)
    ap.add_argument("--game", choices=("commons_markov", "cleanup_markov"), action="append")
    ap.add_argument("--timing", choices=("stackelberg", "nash"), action="append")
    smoke_args(ap)
    args = ap.parse_args(argv)
    if args.smoke:
        args.max_n, args.game, args.timing = 3, ["commons_markov"], ["stackelberg"]
    print(f"{'game':<16}{'timing':<13}{'N':>3}{'policies':>10}{'seconds':>10}  {'W*':>8} {'W_1':>10} "
          f"{'min k':>6}")
    for name, ctor in (("commons_markov", commons_markov), ("cleanup_markov", cleanup_markov)):
        if args.game and name not in args.game:
            continue
        for timing in args.timing or ("stackelberg", "nash"):
            largest = None
            guard = Guard(args.budget, 4.5)
            for n in range(3, args.max_n + 1):
                if not guard.allows():
                    print(f"  {guard.reason}")
                    break
                g = ctor(n)
                t0 = time.perf_counter()
                a = partial_contract_analysis(g, n, Rules(timing=timing, budgets=Budgets(max_policies=4 ** n)))
                dt = time.perf_counter() - t0
                guard.record(dt)
                print(f"{name:<16}{timing:<13}{n:>3}{4 ** n:>10}{dt:>10.2f}  {fmt(a.optimum_welfare):>8} "
                      f"{fmt(a.welfare_curve[1]):>10} {str(a.min_k_for_optimum):>6}", flush=True)
                if dt <= args.budget:
                    largest = n
            print(f"  -> largest N within {args.budget:.0f} s: {largest}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
