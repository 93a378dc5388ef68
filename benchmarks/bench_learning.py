"""Environment steps per second, like for like: our tabular Q-learning, OpenSpiel's QLearner, a plain loop.

All three learn the same matrix game, the prisoner's dilemma (T, R, P, S) = (5, 3, 1, 0), with
two independent epsilon-greedy tabular Q-learners and the same rules: constant learning rate
0.1, epsilon decaying linearly from 1 to 0.02 over the first half of the episodes, no
contract, no discounting.  One *environment step* is one play of the stage game by both
players plus both learners' updates.

* ours: :func:`contract_theory.learning.qlearning.train` (numpy, vectorized over runs);
* OpenSpiel (the ``bench`` extra, ``pip install open_spiel``):
  ``open_spiel.python.algorithms.tabular_qlearner.QLearner`` per player on
  ``pyspiel.create_matrix_game`` through ``rl_environment.Environment``, one episode (one
  stage game) at a time, as in OpenSpiel's examples; "not installed" when it cannot be imported;
* a plain single-run pure-Python loop with the same rules (a reference, not a library).

Per-run steps/s: every side runs ONE run of ``--episodes`` steps, timed by the same rule
(the best of ``--repeat`` runs), so the ratios compare the same work.  Separately, ours
with ``--runs`` runs advanced together shows what batching adds: its aggregate steps/s
(runs x episodes / seconds) against our own single run -- a property of our vectorization,
not a comparison with OpenSpiel, which has no batched mode.

Run:  python benchmarks/bench_learning.py [--episodes 20000] [--runs 2000] [--repeat 3] [--smoke]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time

import numpy as np
from _bench import ratio, smoke_args

from contract_theory.games.library import prisoners_dilemma
from contract_theory.learning.qlearning import EpsilonGreedy, train
from contract_theory.learning.schedules import Constant, LinearDecay

ROW = [[3, 0], [5, 1]]
COL = [[3, 5], [0, 1]]


def bench_ours(runs: int, episodes: int) -> float:
    """Aggregate steps/s of ``runs`` runs advanced together (per run when runs = 1)."""
    game = prisoners_dilemma()
    t0 = time.perf_counter()
    train(game, episodes=episodes, runs=runs, seed=0, alpha=Constant(0.1),
          exploration=EpsilonGreedy(LinearDecay(1.0, 0.02, max(1, episodes // 2))), record_every=episodes)
    return runs * episodes / (time.perf_counter() - t0)


def bench_openspiel(episodes: int) -> float | None:
    """Steps/s of one OpenSpiel run, or None when OpenSpiel is not installed."""
    try:
        import pyspiel
        from open_spiel.python import rl_environment, rl_tools
        from open_spiel.python.algorithms import tabular_qlearner
    except ImportError:
        return None
    game = pyspiel.create_matrix_game("pd", "prisoners dilemma", ["C", "D"], ["C", "D"], ROW, COL)
    env = rl_environment.Environment(game)
    np.random.seed(0)
    agents = [tabular_qlearner.QLearner(player_id=i, num_actions=2, step_size=0.1,
                                        epsilon_schedule=rl_tools.LinearSchedule(1.0, 0.02, max(1, episodes // 2)))
              for i in range(2)]
    t0 = time.perf_counter()
    for _ in range(episodes):
        ts = env.reset()
        actions = [a.step(ts).action for a in agents]
        ts = env.step(actions)
        for a in agents:
            a.step(ts)
    return episodes / (time.perf_counter() - t0)


def bench_plain_loop(episodes: int) -> float:
    """Steps/s of one pure-Python run: epsilon-greedy, random ties, alpha = 0.1, stateless update."""
    rnd = random.Random(0)
    q = [[0.0, 0.0], [0.0, 0.0]]
    pay = [[(3, 3), (0, 5)], [(5, 0), (1, 1)]]
    half = max(1, episodes // 2)
    t0 = time.perf_counter()
    for t in range(episodes):
        eps = 1.0 + (0.02 - 1.0) * min(t, half) / half
        acts = []
        for i in range(2):
            if rnd.random() < eps:
                acts.append(rnd.randrange(2))
            else:
                qi = q[i]
                acts.append(rnd.randrange(2) if qi[0] == qi[1] else int(qi[1] > qi[0]))
        r = pay[acts[0]][acts[1]]
        for i in range(2):
            q[i][acts[i]] += 0.1 * (r[i] - q[i][acts[i]])
    return episodes / (time.perf_counter() - t0)


def best_rate(fn, repeat: int) -> float | None:
    """The best steps/s of ``repeat`` runs (the same rule for every side); None when unavailable."""
    rates = [fn() for _ in range(repeat)]
    return None if rates[0] is None else max(rates)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--episodes", type=int, default=20000, help="steps of every single run")
    ap.add_argument("--runs", type=int, default=2000, help="runs advanced together in our batched line")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    smoke_args(ap)
    a = ap.parse_args(argv)
    if a.smoke:
        a.episodes, a.runs, a.repeat = 200, 20, 1
    ours1 = best_rate(lambda: bench_ours(1, a.episodes), a.repeat)
    batched = best_rate(lambda: bench_ours(a.runs, a.episodes), a.repeat)
    osr = best_rate(lambda: bench_openspiel(a.episodes), a.repeat)
    plain = best_rate(lambda: bench_plain_loop(a.episodes), a.repeat)
    assert ours1 is not None and batched is not None and plain is not None
    doc = {"episodes": a.episodes, "ours_one_run_steps_per_s": ours1, "openspiel_one_run_steps_per_s": osr,
           "plain_loop_one_run_steps_per_s": plain, "ours_batched_runs": a.runs,
           "ours_batched_aggregate_steps_per_s": batched,
           "ours_vs_openspiel_per_run": None if osr is None else ours1 / osr, "ours_vs_plain_loop_per_run": ours1 / plain,
           "batching_gain": batched / ours1}
    if a.json:
        json.dump(doc, sys.stdout, indent=2)
        print()
        return 0
    print(f"one run of {a.episodes} steps each, best of {a.repeat} (per-run steps/s):")
    print(f"  ours (numpy, runs=1)              {ours1:>12,.0f} steps/s")
    if osr is None:
        print("  OpenSpiel tabular QLearner        not installed (pip install open_spiel)")
    else:
        print(f"  OpenSpiel tabular QLearner        {osr:>12,.0f} steps/s   ours / OpenSpiel = {ratio(ours1, osr)}")
    print(f"  plain Python loop (reference)     {plain:>12,.0f} steps/s   ours / plain loop = {ratio(ours1, plain)}")
    print(f"batching (ours only): {a.runs} runs x {a.episodes} steps advanced together: {batched:,.0f} steps/s in all, "
          f"{ratio(batched, ours1)} our single run's rate")
    return 0


if __name__ == "__main__":
    sys.exit(main())
