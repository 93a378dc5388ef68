"""``contract-theory learn GAME``: tabular Q-learning against the exact predictions (docs/background/model.md#7-learning).

GAME may be a normal-form or a Markov game (file or spec): Markov games go to
:func:`contract_theory.learning.markov_experiment.run_markov_experiment` (predictions from the exact
stationary pure MPE, learners discounting with the game's discount), with the same JSON ``conditions``.

Conditions: no contract, one per coalition studied (``--coalition`` repeatable, ``--k`` = every
coalition of exactly K players), and the full contract.  See
:mod:`contract_theory.learning.experiment` for what is predicted and reported.  A progress bar
goes to stderr when stderr is a terminal.

``--sweep`` runs the experiment at every point of ``--grid KEY VALUE...`` x ``--seeds`` through
:func:`contract_theory.learning.sweep.sweep` on :mod:`contract_theory.util.execution` (``--backend``,
``--workers``, ``--scheduler``, ``--checkpoint``; default local processes on every core): the same
numbers on every backend.  Exit status 1 when a point fails on every retry; 2 at once when a point's
input is bad (``--grid episodes -5``: never retried).  ``--grid KEY=VALUE VALUE...`` is accepted too.

Sizes: the learning tables and work (episodes x runs x players x actions per condition) are checked
against the one size budget before anything is allocated
(:func:`contract_theory.learning.qlearning.check_learning_size`; ``--max-entries`` raises it).
``--save`` and ``--plot`` create missing folders.

Ctrl-C: a plain run prints the conditions finished before it (the one in progress is abandoned), a
sweep the points finished before it (kept in ``--checkpoint``, which a re-run resumes from); then one
line "interrupted: ...; resume with: ..." on stderr, exit status 130.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from contract_theory.errors import ParameterError
from contract_theory.games.loading import load_game
from contract_theory.games.markov import MarkovGame
from contract_theory.learning.experiment import ExperimentResult, plot_learning, run_experiment, save_results
from contract_theory.learning.markov_experiment import run_markov_experiment
from contract_theory.learning.qlearning import Boltzmann, EpsilonGreedy
from contract_theory.learning.schedules import parse_schedule


def add_parser(sub: Any) -> None:
    p = sub.add_parser("learn", help="Q-learning on a game, with and without contracts, vs the exact prediction",
                       description="Independent tabular Q-learning (vectorized over runs) on the repeated game: "
                                   "no contract, each coalition studied under a deviation-penalty contract, and "
                                   "the full contract; each compared with the exact pure-equilibrium prediction.")
    p.add_argument("game", help="path to .nfg/.json (normal-form or Markov game), or a library spec name:key=value,...")
    p.add_argument("--k", type=int, default=None, help="study every coalition of exactly K players")
    p.add_argument("--coalition", action="append", default=[], metavar="i,j,...",
                   help="a coalition to study (player indices or names, comma-separated); repeatable")
    p.add_argument("--no-full", action="store_true", help="leave out the full-contract condition")
    p.add_argument("--episodes", type=int, default=2000, help="plays of the stage game per run (default 2000)")
    p.add_argument("--runs", type=int, default=200, help="independent runs per condition (default 200)")
    p.add_argument("--seed", type=int, default=0, help="seed (default 0): same seed, same numbers")
    p.add_argument("--alpha", default="0.1", help="learning-rate schedule, e.g. 0.1 or power:1,0.7 (default 0.1)")
    p.add_argument("--epsilon", default=None,
                   help="epsilon schedule, e.g. linear:1,0.02,1000 (default: linear 1 -> 0.02 over half the episodes)")
    p.add_argument("--temperature", default=None, help="Boltzmann temperature schedule instead of epsilon-greedy")
    p.add_argument("--psi", default=None, help="penalty of every contract (default: twice the largest deviation gain)")
    p.add_argument("--voting", default=None,
                   help="also report acceptance against no contract: unanimous, majority or committee:c")
    p.add_argument("--save", default=None, metavar="PATH", help="write the full results (with curves) as JSON")
    p.add_argument("--plot", default=None, metavar="PATH", help="save a figure (needs matplotlib)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    sw = p.add_argument_group("sweeps (contract_theory.learning.sweep)")
    sw.add_argument("--sweep", action="store_true",
                    help="run the experiment at every point of --grid x --seeds, in parallel (default backend: "
                         "processes on all cores)")
    sw.add_argument("--seeds", default=None, metavar="SEEDS",
                    help="sweep seeds: LOW..HIGH or a comma list (default: just --seed)")
    sw.add_argument("--grid", nargs="+", action="append", default=[], metavar=("KEY", "VALUE"),
                    help="a swept parameter and its values, e.g. --grid alpha 0.1 power:1,0.7; repeatable; keys: "
                         + ", ".join(_GRID_PARSERS))
    from contract_theory.util.execution import add_execution_arguments
    add_execution_arguments(p, default="processes on all cores; --sweep only")
    p.set_defaults(run=run)


class ProgressBar:
    """A one-line progress bar on a stream; silent unless the stream is a TTY."""

    def __init__(self, stream: TextIO, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self.enabled = bool(getattr(stream, "isatty", lambda: False)())
        self._last = -1

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        pct = int(100 * done / total)
        if pct == self._last:
            return
        self._last = pct
        fill = self.width * done // total
        self.stream.write(f"\rlearn [{'#' * fill}{'.' * (self.width - fill)}] {pct:3d}%")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self._last >= 0:
            self.stream.write("\n")
            self.stream.flush()


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ParameterError(f"expected an integer, got {text!r}") from None


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ParameterError(f"expected a number, got {text!r}") from None


#: --grid keys: (run_experiment keyword, parser of one value).
_GRID_PARSERS: dict[str, tuple[str, Any]] = {
    "episodes": ("episodes", _int), "runs": ("runs", _int), "alpha": ("alpha", parse_schedule),
    "epsilon": ("exploration", lambda t: EpsilonGreedy(parse_schedule(t))),
    "temperature": ("exploration", lambda t: Boltzmann(parse_schedule(t))),
    "psi": ("psi", str), "gamma": ("gamma", _float), "q_init": ("q_init", _float), "ties": ("ties", str),
    "k": ("k", _int), "voting": ("voting", str),
}


def _seeds(text: str | None, seed: int) -> list[int]:
    from contract_theory.search.spaces import parse_range

    if text is None:
        return [seed]
    if ".." in text:
        lo, hi = parse_range(text, "--seeds")
        return list(range(lo, hi + 1))
    return [_int(t.strip()) for t in text.split(",") if t.strip()]


def _grid(items: list[list[str]]) -> dict[str, list[Any]]:
    grid: dict[str, list[Any]] = {}
    for item in items:
        key, values = item[0], item[1:]
        if "=" in key:   # --grid episodes=100 200: the first value written with the key
            key, first = key.split("=", 1)
            values = [first, *values]
        if key not in _GRID_PARSERS:
            raise ParameterError(f"unknown --grid key {key!r}; choose one of {list(_GRID_PARSERS)}")
        if not values:
            raise ParameterError(f"--grid {key} needs at least one value")
        name, parse = _GRID_PARSERS[key]
        if name in grid:
            raise ParameterError(f"--grid sets {name!r} twice (epsilon and temperature both set the exploration)")
        grid[name] = [parse(v) for v in values]
    return grid


def render_sweep(result: Any) -> str:
    """Text view of a :class:`~contract_theory.learning.sweep.SweepResult`: one line per combination and condition."""
    lines = [f"{result.title or 'game'}: sweep of {result.total} points, {len(result.points)} finished"
             + (" (interrupted)" if result.interrupted else "")
             + (f", {len(result.resumed)} from the checkpoint" if result.resumed else "")]
    for g in result.summary():
        params = ", ".join(f"{k}={v}" for k, v in g["params"].items()) or "(no grid)"
        lines.append(f"{params}; seeds {g['seeds']}:")
        for c in g["conditions"]:
            lines.append(f"  {c['name']}: mean match rate {c['match_rate_mean']:.3f}; "
                         f"mean welfare {c['welfare_mean']:.4g}")
    return "\n".join(lines)


def _run_sweep(args: argparse.Namespace, game: Any, exploration: Any) -> int:
    from contract_theory.learning.sweep import sweep
    from contract_theory.util.execution import ChunkError, executor_from_args, make_executor

    if args.plot:
        raise ParameterError("--plot is not available with --sweep (plot one point with a plain run)")
    grid = _grid(args.grid)
    fixed: dict[str, Any] = {"coalitions": _coalitions(args.coalition), "k": args.k, "full": not args.no_full,
                             "episodes": args.episodes, "runs": args.runs, "alpha": parse_schedule(args.alpha),
                             "exploration": exploration, "psi": args.psi, "voting": args.voting}
    fixed = {k: v for k, v in fixed.items() if k not in grid}
    executor = executor_from_args(args) or make_executor("processes")
    done = [0]

    def tick(r: Any) -> None:
        done[0] += 1
        if sys.stderr.isatty():
            sys.stderr.write(f"\rsweep: point {r.index} done ({done[0]} finished)")
            sys.stderr.flush()
    try:
        with executor:
            result = sweep(game, seeds=_seeds(args.seeds, args.seed), grid=grid, executor=executor,
                           checkpoint=args.checkpoint, on_result=tick, **fixed)
    except ChunkError as exc:
        sys.stderr.write(f"\ncontract-theory: {exc}\n")
        return 1
    finally:
        if sys.stderr.isatty() and done[0]:
            sys.stderr.write("\n")
    if args.save:
        from contract_theory.util.atomic import write_text
        write_text(args.save, json.dumps(result.to_json(full=True), indent=1, allow_nan=False) + "\n")
    if args.format == "json":
        json.dump(result.to_json(full=False), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        from contract_theory.util.latex import terminal_safe
        print(terminal_safe(render_sweep(result)))
    if result.interrupted:
        from contract_theory.cli import interrupted, resume_command
        resume = (f"resume with: {resume_command(args)} (the checkpoint keeps the finished points)" if args.checkpoint
                  else "this sweep kept no checkpoint: give --checkpoint PATH to make it resumable")
        return interrupted(f"{len(result.points)} of {result.total} sweep points finished", resume)
    return 0


def _coalitions(texts: list[str]) -> list[list[str]]:
    out = []
    for t in texts:
        members = [m.strip() for m in t.split(",") if m.strip()]
        if not members:
            raise ParameterError(f"empty coalition {t!r}: list players as i,j,...")
        out.append(members)
    return out


def _contract_text(contract: dict[str, Any]) -> str:
    """A learning condition's contract (its JSON form) as words: kind, signatories by name, target, penalty."""
    parts = [str(contract.get("kind", "contract"))]
    if contract.get("signatories"):
        parts.append("signed by {" + ", ".join(str(p) for p in contract["signatories"]) + "}")
    if contract.get("target"):
        parts.append("toward (" + ", ".join(str(a) for a in contract["target"]) + ")")
    parts += [f"{k} {v}" for k, v in contract.items() if k not in ("kind", "signatories", "target")]
    return ", ".join(parts)


def render_text(result: ExperimentResult) -> str:
    lines = [f"{result.title or 'game'}: {result.parameters['runs']} runs x {result.parameters['episodes']} "
             f"episodes, seed {result.parameters['seed']}" + (" (interrupted: the conditions finished before it)"
                                                              if result.interrupted else "")]
    for c in result.conditions:
        pred = ", ".join("(" + ", ".join(p) + ")" for p in c.predicted) or "no pure equilibrium"
        ci = "" if c.welfare_ci is None else f", 95% interval {c.welfare_ci[0]:.4g} to {c.welfare_ci[1]:.4g}"
        lines.append(f"{c.name}:")
        if c.contract:
            lines.append(f"  contract: {_contract_text(c.contract)}")
        lines.append(f"  predicted: {pred}  (welfare {', '.join(c.predicted_welfare) or '-'})")
        lines.append(f"  match rate {c.match_rate:.3f}; welfare mean {c.welfare_mean:.4g}{ci} (normal approx.)")
        if c.acceptance_rate is not None:
            lines.append(f"  accepted in {c.acceptance_rate:.3f} of runs")
        top = "; ".join(f"({', '.join(p)}) x{n}" for p, n in c.outcomes[:5])
        lines.append(f"  outcomes: {top}{' ...' if len(c.outcomes) > 5 else ''}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    game = load_game(args.game, dense=True)  # a compact game: its dense form (SizeLimitError beyond the limit)
    if args.epsilon is not None and args.temperature is not None:
        raise ParameterError("give --epsilon or --temperature, not both")
    exploration = (Boltzmann(parse_schedule(args.temperature)) if args.temperature is not None
                   else EpsilonGreedy(parse_schedule(args.epsilon)) if args.epsilon is not None else None)
    markov = isinstance(game, MarkovGame)
    if args.sweep:
        if markov:
            raise ParameterError("--sweep takes normal-form games; run a Markov game point by point")
        return _run_sweep(args, game, exploration)
    if args.grid or any(getattr(args, a) is not None for a in ("seeds", "checkpoint", "backend", "workers",
                                                                 "scheduler")):
        raise ParameterError("--grid, --seeds, --checkpoint, --backend, --workers and --scheduler need --sweep "
                             "(a single experiment is one vectorized job)")
    bar = ProgressBar(sys.stderr)
    try:
        runner: Any = run_markov_experiment if markov else run_experiment
        result = runner(game, coalitions=_coalitions(args.coalition), k=args.k, full=not args.no_full,
                        episodes=args.episodes, runs=args.runs, seed=args.seed,
                        alpha=parse_schedule(args.alpha), exploration=exploration, psi=args.psi,
                        voting=args.voting, progress=bar)
    except KeyboardInterrupt as exc:
        from contract_theory.util.interrupts import partial_of
        result = partial_of(exc)
        if result is None:
            raise
    finally:
        bar.close()
    if args.save:
        save_results(result, args.save)
    if args.plot:
        import os
        os.makedirs(os.path.dirname(os.path.abspath(args.plot)), exist_ok=True)
        plot_learning(result, args.plot)
    if args.format == "json":
        doc: dict[str, Any] = {"exact": bool(getattr(game, "exact", True)),
                               "conditions": [c.to_json(full=False) for c in result.conditions]}
        if result.interrupted:  # the partial answer is marked: only the conditions finished before the stop
            doc["interrupted"] = True
        json.dump(doc, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        from contract_theory.report.analysis import exactness_text
        from contract_theory.util.latex import terminal_safe
        print(terminal_safe(render_text(result)) + "\n" + exactness_text(game).replace("exact:", "exact predictions:"))
    if result.interrupted:
        from contract_theory.cli import interrupted
        names = ", ".join(c.name for c in result.conditions) or "none"
        return interrupted(f"{len(result.conditions)} condition(s) finished ({names}); the one in progress was "
                           "abandoned", "a single experiment keeps no checkpoint: run it again, or use --sweep "
                           "--checkpoint PATH to keep finished points")
    return 0
