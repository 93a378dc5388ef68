"""Speed-up of the execution layer (issue 8): 1 process vs 2 local workers (processes and Dask).

Two jobs, each run on three executors of :mod:`contract_theory.util.execution`:

* **search**: :func:`contract_theory.search.parallel.parallel_search` for the claim ``spe-optimal``
  (the theorem: it holds, so every game is evaluated) over random 3-player 2x2x2 games with
  payoffs in 0..3, ``--games`` games in chunks of ``--chunk-size``;
* **sweep**: :func:`contract_theory.learning.sweep.sweep` of ``run_experiment`` on the stag hunt,
  ``--seeds`` seeds x 2 learning rates, ``--episodes`` episodes x ``--runs`` runs per point.

Executors: ``serial`` (the chunked job in this process = 1 process), ``processes`` with 2 workers
(a fresh ``ProcessPoolExecutor`` per job, its start-up included), ``dask`` on a
``LocalCluster(n_workers=2, processes=True, threads_per_worker=1)`` (cluster start-up timed once,
separately, and excluded from the job times).  Each time is the best of ``--repeat`` runs; the
results of the three executors are checked to be identical.

Run:  python benchmarks/bench_execution.py [--games 240] [--seeds 6] [--repeat 2] [--no-dask] [--smoke]
(``--smoke``: 20 games, 1 seed, 100 episodes x 10 runs, one repetition: the test suite's rot check).
The machine is shared: speed-ups depend on how many cores are really free (load average printed).
``cpu/wall`` (CPU seconds of this process and its worker processes per wall second) shows how many
cores the job actually got: about 1 for serial, up to 2 for two workers on two free cores.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from typing import Any

from _bench import smoke_args

from contract_theory.games.library import stag_hunt
from contract_theory.learning.schedules import Constant
from contract_theory.learning.sweep import sweep
from contract_theory.search.parallel import parallel_search
from contract_theory.search.spaces import GameSpace
from contract_theory.util.execution import Executor, dask_available


def search_job(ex: Executor, args: argparse.Namespace) -> Any:
    r = parallel_search("spe-optimal", GameSpace(players=(3, 3), high=3), executor=ex, max_games=args.games,
                        chunk_size=args.chunk_size, budget_seconds=None, exhaustive_limit=0, seed=1)
    return (r.found, r.searched, r.in_domain)


def sweep_job(ex: Executor, args: argparse.Namespace) -> Any:
    res = sweep(stag_hunt(), seeds=args.seeds, grid={"alpha": [Constant(0.1), Constant(0.3)]},
                episodes=args.episodes, runs=args.runs, executor=ex)
    return json.dumps([p.to_json(full=True) for p in res.points], sort_keys=True)


def best_of(repeat: int, make: Callable[[], Executor], job: Callable[..., Any], args: argparse.Namespace,
            keep_open: Executor | None = None) -> tuple[float, float, Any]:
    """(best wall time, CPU seconds of that run in this process and its reaped worker processes, result)."""
    best, cpu, out = float("inf"), 0.0, None
    for _ in range(repeat):
        ex = keep_open or make()
        c0 = os.times()
        t = time.perf_counter()
        out = job(ex, args)
        dt = time.perf_counter() - t
        if keep_open is None:
            ex.close()  # reaps the worker processes, so their CPU time is counted
        c1 = os.times()
        if dt < best:
            best = dt
            cpu = (c1.user - c0.user) + (c1.system - c0.system) + (c1.children_user - c0.children_user) \
                + (c1.children_system - c0.children_system)
    return best, cpu, out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--games", type=int, default=240)
    ap.add_argument("--chunk-size", type=int, default=10)
    ap.add_argument("--seeds", type=int, default=6)
    ap.add_argument("--episodes", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--no-dask", action="store_true", help="skip the Dask executor")
    smoke_args(ap)
    args = ap.parse_args(argv)
    if args.smoke:
        args.games, args.chunk_size, args.seeds, args.episodes, args.runs, args.repeat = 20, 10, 1, 100, 10, 1
    print(f"cores: {os.cpu_count()}; load average before: {os.getloadavg()[0]:.2f}")
    dask_ex = None
    if dask_available() and not args.no_dask:
        t = time.perf_counter()
        dask_ex = Executor("dask", workers=2)
        _ = dask_ex.client
        print(f"dask LocalCluster(2 workers) start-up: {time.perf_counter() - t:.2f} s (excluded below)")
    else:
        print("dask: not installed (dask.distributed) or --no-dask: the dask lines are skipped")
    for name, job, what in (("search", search_job, f"spe-optimal, {args.games} random 3-player games"),
                            ("sweep", sweep_job, f"stag hunt, {args.seeds * 2} points of {args.episodes} "
                                                 f"episodes x {args.runs} runs")):
        t1, c1, ref = best_of(args.repeat, lambda: Executor("serial"), job, args)
        print(f"{name} ({what}):")
        print(f"  1 process (serial)        {t1:7.2f} s   cpu {c1:6.2f} s (cpu/wall {c1 / t1:4.2f})")
        t2, c2, out = best_of(args.repeat, lambda: Executor("processes", workers=2), job, args)
        assert out == ref, "processes gave a different result"
        print(f"  2 processes               {t2:7.2f} s   cpu {c2:6.2f} s (cpu/wall {c2 / t2:4.2f})   "
              f"speed-up {t1 / t2:4.2f}x")
        if dask_ex is not None:
            t3, _, out = best_of(args.repeat, lambda: dask_ex, job, args, keep_open=dask_ex)
            assert out == ref, "dask gave a different result"
            print(f"  dask, 2 local workers     {t3:7.2f} s   speed-up {t1 / t3:4.2f}x")
        print("  results identical on every executor: yes")
    if dask_ex is not None:
        dask_ex.close()
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
