"""All-coalition studies on N-player binary public goods games (issue: partial contracts).

Run: python benchmarks/bench_coalitions.py
Prints, for N = 10 and 12, the time of `partial_contract_analysis(game, K=N)` (every
coalition of size 2..N, stability included) with the symmetry shortcut and without it
(a direct solve of each of the 2^N - N - 1 coalitions), and checks that both agree.
"""

from __future__ import annotations

import time

from contract_theory.contracting.coalitions.partial_contracts import partial_contract_analysis
from contract_theory.games.library import public_goods, random_game


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def main() -> None:
    print(f"{'game':<34}{'coalitions':>11}{'symmetric s':>13}{'direct s':>10}{'ratio':>8}")
    for n in (10, 12):
        g = public_goods(n, "5/2", 1)
        fast, t_fast = timed(lambda: partial_contract_analysis(g, n, use_symmetry=True))
        slow, t_slow = timed(lambda: partial_contract_analysis(g, n, use_symmetry=False))
        assert fast.welfare_curve == slow.welfare_curve
        assert fast.stable_coalitions == slow.stable_coalitions
        print(f"{f'public_goods n={n} r=5/2':<34}{len(fast.outcomes):>11}{t_fast:>13.3f}{t_slow:>10.3f}"
              f"{t_slow / t_fast:>8.1f}")
    g = random_game((2,) * 10, 0, 9, seed=1)
    res, t = timed(lambda: partial_contract_analysis(g, 10))
    print(f"{'random 2^10 (asymmetric)':<34}{len(res.outcomes):>11}{'-':>13}{t:>10.3f}{'-':>8}")


if __name__ == "__main__":
    main()
