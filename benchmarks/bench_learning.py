"""Environment steps per second: contract_theory's vectorized Q-learning vs OpenSpiel's tabular QLearner.

Both learn the same matrix game, the prisoner's dilemma (T, R, P, S) = (5, 3, 1, 0), with two
independent epsilon-greedy tabular Q-learners.  One *environment step* is one play of the stage
game by all players plus every learner's update.

* ours: :func:`contract_theory.learning.contracted.train_contracted` with the full deviation-penalty
  contract (psi = 3) on, a power-decay learning rate, a linearly decaying epsilon and welfare
  logging every 10 steps, vectorized over ``--runs`` runs; steps/s = runs * episodes / seconds.
* OpenSpiel (``pip install open_spiel``): ``open_spiel.python.algorithms.tabular_qlearner.QLearner``
  for each player on ``pyspiel.create_matrix_game`` through ``rl_environment.Environment``, one
  episode (= one stage game) at a time, as in OpenSpiel's own examples.  If OpenSpiel cannot be
  imported, this line is skipped and said so.
* plain loop (always measured, labelled as such): a single-run pure-Python Q-learning loop with
  the same rules, for reference.

Run:  python benchmarks/bench_learning.py [--runs 20000] [--episodes 2000] [--baseline-episodes 20000]
Each measurement is the best of ``--repeat`` timings.  Keep it short on the shared 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time

import numpy as np

from contract_theory.games.library import prisoners_dilemma
from contract_theory.learning.contracted import penalty_contract, train_contracted
from contract_theory.learning.qlearning import EpsilonGreedy
from contract_theory.learning.schedules import LinearDecay, PowerDecay

ROW = [[3, 0], [5, 1]]
COL = [[3, 5], [0, 1]]


def bench_ours(runs: int, episodes: int) -> float:
    game = prisoners_dilemma()
    pen = penalty_contract(game, [0, 1], ("C", "C"), 3)
    t0 = time.perf_counter()
    train_contracted(game, pen, episodes=episodes, runs=runs, seed=0, alpha=PowerDecay(1.0, 0.7),
                     exploration=EpsilonGreedy(LinearDecay(1.0, 0.02, episodes // 2)), record_every=10)
    return runs * episodes / (time.perf_counter() - t0)


def bench_openspiel(episodes: int) -> float | None:
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
                                        epsilon_schedule=rl_tools.LinearSchedule(1.0, 0.02, episodes // 2))
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
    """Single run, pure Python: epsilon-greedy, random ties, alpha = 0.1, stateless update."""
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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20000)
    ap.add_argument("--episodes", type=int, default=2000)
    ap.add_argument("--baseline-episodes", type=int, default=20000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    ours = max(bench_ours(a.runs, a.episodes) for _ in range(a.repeat))
    os_rates = [bench_openspiel(a.baseline_episodes) for _ in range(a.repeat)]
    osr = None if os_rates[0] is None else max(r for r in os_rates if r is not None)
    plain = max(bench_plain_loop(a.baseline_episodes) for _ in range(a.repeat))
    doc = {"ours_steps_per_s": ours, "openspiel_steps_per_s": osr, "plain_python_loop_steps_per_s": plain,
           "ratio_vs_openspiel": None if osr is None else ours / osr, "ratio_vs_plain_loop": ours / plain,
           "runs": a.runs, "episodes": a.episodes, "baseline_episodes": a.baseline_episodes}
    if a.json:
        json.dump(doc, sys.stdout, indent=2)
        print()
        return 0
    print(f"ours (vectorized, {a.runs} runs x {a.episodes} steps, contract + schedules + logging): {ours:,.0f} steps/s")
    if osr is None:
        print("OpenSpiel: not importable on this machine (pip install open_spiel); skipped")
    else:
        print(f"OpenSpiel tabular QLearner (1 run, {a.baseline_episodes} steps): {osr:,.0f} steps/s "
              f"-> ratio {ours / osr:,.0f}x")
    print(f"plain single-run Python loop (reference, not OpenSpiel): {plain:,.0f} steps/s "
          f"-> ratio {ours / plain:,.0f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
