"""``contract-theory report``: the whole study on the built-in social dilemmas (or on the given games).

``--out`` is written as one unit (:mod:`contract_theory.util.folders`): one run at a time, the old
report or the new one, never a mix.  Ctrl-C keeps the finished games (a checkpoint in
``OUT/.contract-theory/``, or ``--checkpoint``), leaves ``--out`` unchanged, says how to resume
(the same command) and exits 130.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from contract_theory.cli.commands import add_study_options, rules_from_args
from contract_theory.report.study import (
    DEFAULT_GAMES,
    EXTRA_SECTIONS,
    Execution,
    ReportInterrupted,
    interrupted_text,
    run_report,
)


def add_parser(sub: Any) -> None:
    p = sub.add_parser("report", help="the whole study on the built-in social dilemmas",
                       description="Equilibria, welfare by K, stability, failing assumptions and SPE welfare for "
                                   "a set of games; writes Markdown/HTML, PNG plots, LaTeX tables and JSON.")
    p.add_argument("--out", default="contract-theory-report", help="output directory (default: %(default)s)")
    p.add_argument("--games", nargs="+", metavar="GAME", default=None,
                   help=".nfg/.json game files or library specs (contract-theory games lists them; default: "
                        + "; ".join(DEFAULT_GAMES) + ")")
    p.add_argument("--k", type=int, default=None, help="cap K (at least 2) for every game (default: K = N)")
    add_study_options(p)
    p.add_argument("--games-only", action="store_true",
                   help="skip the Markov games, counterexample and learning sections")
    from contract_theory.util.execution import add_execution_arguments
    add_execution_arguments(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    def progress(msg: str) -> None:
        sys.stderr.write(msg + "\n")
        sys.stderr.flush()

    from contract_theory.util.execution import ChunkError, executor_from_args

    executor = executor_from_args(args)  # None: the serial default (no flag, no $CONTRACT_THEORY_SCHEDULER)
    try:
        doc = run_report(args.out, specs=args.games, k=args.k, rules=rules_from_args(args), progress=progress,
                         extra_sections=() if args.games_only else EXTRA_SECTIONS,
                         execution=Execution(executor, args.checkpoint))
    except ReportInterrupted as exc:  # inside the run: the finished games are saved, --out is unchanged
        from contract_theory.cli import interrupted, resume_command
        return interrupted(interrupted_text(exc), f"resume with: {resume_command(args)}")
    except ChunkError as exc:
        sys.stderr.write(f"contract-theory: {exc}\n")
        return 1
    except KeyboardInterrupt:
        from contract_theory.cli import interrupted, resume_command
        if args.checkpoint:
            return interrupted("the game sections finished so far are in the checkpoint",
                               f"resume with: {resume_command(args)}")
        return interrupted("the report was interrupted before its first game section; nothing was kept",
                           f"run it again: {resume_command(args)}")
    finally:
        if executor is not None:
            executor.close()
    n_games = len(doc["games"])
    print(f"wrote {args.out}/report.md, report.html, report.json and plots for {n_games} game{'' if n_games == 1 else 's'}"
          + ("" if args.games_only else " plus the Markov and compact games, counterexamples, the claims atlas "
             "and the learning check"))
    from contract_theory.util.latex import terminal_safe
    for g in doc["games"]:
        print(f"  {terminal_safe(g['title'] or g['spec'])}: {_summary(g)}")
    return 0


def _summary(g: dict[str, Any]) -> str:
    """One game's terminal line: W*, no contract, W_K and the price at the K < N the Answers study, and the
    smallest k that reaches W* (``-``: none)."""
    curve, ans = g["welfare_curve"], g.get("answers") or {}
    k = ans.get("k")
    at_k = (f"W_K at K = {k}: {ans['w_k']} (price {ans['price']})" if k is not None and ans.get("w_k") is not None
            else f"W_N = {curve[max(curve, key=int)]}")
    smallest = g["min_k_for_optimum"]
    return (f"W* = {g['optimum']['welfare']}, no contract = {g['no_contract']['welfare']}, {at_k}, "
            f"smallest k reaching W* = {'-' if smallest is None else smallest}")
