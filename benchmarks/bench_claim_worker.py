"""Overhead of running a claim file in its supervised child process (issue 27 item 3).

The same claim file is evaluated on the same games two ways, side by side:

* **in-process**: the file imported here and ``claim(game)`` called in a loop (what ``search`` did
  before supervision, without any of its protection);
* **supervised**: :func:`contract_theory.search.claims.verdicts` on the claim loaded by
  :func:`~contract_theory.search.claims.load_claim_file`, i.e. the games sent to the child process in
  batches of :data:`~contract_theory.search.claim_worker.BATCH` and the verdicts streamed back.

Both build the game from its integer payoff table (the search's own step) and call the same claim,
which tests whether a pure equilibrium exists (about 30 us per 3-player game): a cheap claim, so the
ratio shows the supervision's cost at its most visible.  Each time is the best of ``--repeat`` runs
over ``--games`` random 3-player 2x2x2 games; the verdicts of the two ways are checked to be equal.
The child's start-up (one interpreter, about 0.3 s, once per claim file and process) is timed
separately and not included per game.

Run:  python benchmarks/bench_claim_worker.py [--games 5000] [--repeat 5] [--smoke]
The machine is shared: the load average is printed; the child process needs a core of its own to
run beside this one.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import os
import sys
import tempfile
import time

from _bench import smoke_args

from contract_theory.search.claims import load_claim_file, verdicts
from contract_theory.search.search import table_stream
from contract_theory.search.spaces import GameSpace

CLAIM = '''
def claim(game, **params):
    from contract_theory.equilibria.pure import pure_nash_mask
    return bool(pure_nash_mask(game).any())
'''


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--games", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=5)
    smoke_args(ap)
    args = ap.parse_args(argv)
    if args.smoke:
        args.games, args.repeat = 20, 1
    space = GameSpace(players=(3, 3), high=3)
    tables = list(itertools.islice(table_stream(space, None, 0, None), args.games))
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "pure.py")
        with open(path, "w") as fh:
            fh.write(CLAIM)
        spec = importlib.util.spec_from_file_location("bench_claim", path)
        assert spec is not None and spec.loader is not None
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        t = time.perf_counter()
        claim = load_claim_file(path)
        start_up = time.perf_counter() - t
        items = [(i, tb, {}) for i, tb in enumerate(tables)]
        best_in, best_sup = float("inf"), float("inf")
        for _ in range(args.repeat):
            t = time.perf_counter()
            direct = [mod.claim(space.game(tb)) for tb in tables]
            best_in = min(best_in, time.perf_counter() - t)
            t = time.perf_counter()
            supervised = [v.holds for _, v in verdicts(claim, space, items)]
            best_sup = min(best_sup, time.perf_counter() - t)
            assert supervised == direct
    per_in, per_sup = best_in / args.games * 1e6, best_sup / args.games * 1e6
    print(f"load average {os.getloadavg()[0]:.2f}; {args.games} games, best of {args.repeat}")
    print(f"in-process  {per_in:8.1f} us/game")
    print(f"supervised  {per_sup:8.1f} us/game   overhead {per_sup - per_in:+.1f} us/game, ratio {per_sup / per_in:.2f}")
    print(f"child start-up (once per claim file and process): {start_up:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
