"""All-coalition studies on N-player binary public goods games: the symmetry shortcut against direct solves.

Run: python benchmarks/bench_coalitions.py [--sizes 8 10 12] [--budget 120] [--smoke]

Prints, per N, the time of ``partial_contract_analysis(game, K=N)`` (every coalition of size
2..N, stability included) with the symmetry shortcut and without it (a direct solve of each
of the 2^N - N - 1 coalitions), checks that both agree, and gives the ratio direct /
symmetric (each side timed once: these runs take seconds).  An asymmetric random 2^N game
(direct only) closes the table.

The direct solves need ``coalitions x profiles x players`` cells, above the default size
budget from N = 10 (1,013 x 1,024 x 10 = 10.4 M cells): the script raises the budget with
:func:`contract_theory.games.size.size_limit` -- the documented way out -- and says so.
A series stops when its guard predicts the next N above ``--budget`` seconds (the work
grows about 4.5x per player: 2^N coalitions x 2^N profiles).
"""

from __future__ import annotations

import argparse
import sys

from _bench import Guard, smoke_args, time_once

from contract_theory.contracting.coalitions.partial_contracts import partial_contract_analysis
from contract_theory.games.library import public_goods, random_game
from contract_theory.games.size import max_entries, size_limit


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[8, 10, 12])
    ap.add_argument("--budget", type=float, default=120.0)
    ap.add_argument("--max-entries", type=int, default=2 ** 26, help="size budget for the direct solves")
    smoke_args(ap)
    a = ap.parse_args(argv)
    if a.smoke:
        a.sizes = [4, 5]
    with size_limit(a.max_entries):
        print(f"size budget raised to {max_entries():,} cells for the direct solves")
        print(f"{'game':<34}{'coalitions':>11}{'symmetric s':>13}{'direct s':>10}{'direct/sym':>12}")
        guard = Guard(a.budget, 4.5)
        for n in a.sizes:
            if not guard.allows():
                print(f"  {guard.reason}")
                break
            g = public_goods(n, "5/2", 1)
            t_fast, fast = time_once(lambda: partial_contract_analysis(g, n, use_symmetry=True))
            t_slow, slow = time_once(lambda: partial_contract_analysis(g, n, use_symmetry=False))
            guard.record(t_slow)
            assert fast.welfare_curve == slow.welfare_curve
            assert fast.stable_coalitions == slow.stable_coalitions
            print(f"{f'public_goods n={n} r=5/2':<34}{len(fast.outcomes):>11}{t_fast:>13.3f}{t_slow:>10.3f}"
                  f"{t_slow / t_fast:>11.1f}x")
        n = a.sizes[0]
        g = random_game((2,) * n, 0, 9, seed=1)
        t, res = time_once(lambda: partial_contract_analysis(g, n))
        print(f"{f'random 2^{n} (asymmetric)':<34}{len(res.outcomes):>11}{'-':>13}{t:>10.3f}{'-':>12}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
