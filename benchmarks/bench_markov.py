"""Benchmark: stationary pure MPE enumeration on the N-agent Markov library games.

For each family (commons_markov, cleanup_markov, at their default parameters) and N = 2, 3, ...
this times ``mpe_solve`` (float prefilter + exact re-check, the default) and prints N, the number of
joint policies (2^(2N): two states, two actions), the number of MPE, the best and worst MPE welfare
and the wall time.  The policy count grows 4x per agent, so a family stops as soon as one run
exceeds the budget, or when the next run is predicted (4.5 x the last time) to exceed it; the
largest N finishing within the budget (default 60 s) is reported.

Usage: ``python benchmarks/bench_markov.py [--budget 60] [--max-n 12] [--exact] [--smoke]``
(``--exact`` disables the float prefilter: every policy is checked in rational arithmetic;
``--smoke``: N = 2 and 3 only, the test suite's rot check).
"""

from __future__ import annotations

import argparse
import sys
import time

from _bench import smoke_args

from contract_theory.exact.numbers import fmt
from contract_theory.markov import cleanup_markov, commons_markov, mpe_solve


def run(budget: float, max_n: int, prefilter: bool) -> dict[str, int]:
    best: dict[str, int] = {}
    for name, make in (("commons_markov", commons_markov), ("cleanup_markov", cleanup_markov)):
        print(f"{name} (prefilter={prefilter}, budget {budget:g} s)")
        print(f"{'N':>3} {'policies':>10} {'MPE':>6} {'best W':>12} {'worst W':>12} {'seconds':>9}")
        last = 0.0
        for n in range(2, max_n + 1):
            if last and last * 4.5 > budget:
                print(f"    stop: N={n} predicted {last * 4.5:.1f} s > budget")
                break
            g = make(n)
            count = 4 ** n
            t0 = time.perf_counter()
            res = mpe_solve(g, max_policies=count, prefilter=prefilter)
            last = time.perf_counter() - t0
            ws = [e.welfare for e in res]
            print(f"{n:>3} {count:>10} {len(res):>6} {fmt(max(ws)) if ws else '-':>12} "
                  f"{fmt(min(ws)) if ws else '-':>12} {last:>9.2f}", flush=True)
            if last > budget:
                print(f"    N={n} exceeded the budget")
                break
            best[name] = n
        print(f"largest N within {budget:g} s for {name}: {best.get(name)}\n")
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--budget", type=float, default=60.0, help="seconds per run (default 60)")
    ap.add_argument("--max-n", type=int, default=12)
    ap.add_argument("--exact", action="store_true", help="disable the float prefilter")
    smoke_args(ap)
    args = ap.parse_args(argv)
    run(args.budget, 3 if args.smoke else args.max_n, not args.exact)
    return 0


if __name__ == "__main__":
    sys.exit(main())
