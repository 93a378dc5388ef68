"""``contract-theory analyze GAME --k K``: the partial-contract study of one game."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from contract_theory.cli.commands import add_study_options
from contract_theory.contracting.coalitions.partial_contracts import partial_contract_analysis
from contract_theory.contracting.protocol.assumptions import ASSUMPTIONS, check_assumptions
from contract_theory.games.compact import AnonymousGame
from contract_theory.report.analysis import analysis_json, analysis_latex, analysis_text


def add_parser(sub: Any) -> None:
    p = sub.add_parser("analyze", help="what coalitions of at most K signatories achieve",
                       description="Welfare by coalition size, stability and the theorem's assumptions under "
                                   "partial K-agent contracts (docs/background/model.md#4-partial-contracts to "
                                   "#6-assumptions).",
                       epilog="Assumptions checked: " + "; ".join(f"{a.id} {a.name}" for a in ASSUMPTIONS) + ".")
    p.add_argument("game", help="path to .nfg/.json, or a library spec name:key=value,...")
    p.add_argument("--k", type=int, required=True, help="largest coalition size K (2 <= K <= N)")
    add_study_options(p)
    p.add_argument("--require-acceptance", action="store_true",
                   help="count a coalition for W_k only if its members accept")
    p.add_argument("--format", choices=("text", "json", "latex"), default="text")
    p.set_defaults(run=run)


def _assumptions(game: Any, a: Any) -> list[Any]:
    return list(check_assumptions(game, k=a.k, timing=a.timing, selection=a.selection))


def run(args: argparse.Namespace) -> int:
    from contract_theory.cli.markov_support import run_markov_analyze
    from contract_theory.games.loading import load_game

    game = load_game(args.game)
    if isinstance(game, AnonymousGame):  # compact (anonymous / typed / aggregative): by composition
        return _run_compact(game, args)
    if game.kind == "markov":  # a contract-theory/markov-game file or a Markov spec
        return run_markov_analyze(game, args)
    from contract_theory.games.size import progress
    progress(f"coalitions of 2..{args.k} of {game.n_players} players in a game of {game.n_profiles:,} profiles",
             game.n_profiles)
    a = partial_contract_analysis(game, args.k, timing=args.timing, selection=args.selection,
                                  sharing=args.sharing, tie=args.tie, require_acceptance=args.require_acceptance)
    return _emit(args, a, _assumptions(game, a), analysis_json, analysis_latex, analysis_text)


def _emit(args: argparse.Namespace, a: Any, checks: list[Any], as_json: Callable[..., Any],
          as_latex: Callable[..., str], as_text: Callable[..., str]) -> int:
    """Print an analysis in the requested ``--format`` with the given renderers."""
    if args.format == "json":
        json.dump(as_json(a, checks), sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif args.format == "latex":
        sys.stdout.write(as_latex(a, checks))
    else:
        print(as_text(a, checks))
    return 0


def _run_compact(game: AnonymousGame, args: argparse.Namespace) -> int:
    """``analyze`` for a compact game: coalitions by composition (docs/howto/large-games.md)."""
    from contract_theory.contracting.coalitions.compact import compact_analysis
    from contract_theory.contracting.protocol.compact_checks import compact_assumptions
    from contract_theory.report.compact import compact_analysis_json, compact_analysis_latex, compact_analysis_text

    a = compact_analysis(game, args.k, timing=args.timing, selection=args.selection, sharing=args.sharing,
                         tie=args.tie, require_acceptance=args.require_acceptance)
    checks = compact_assumptions(game, k=a.k, timing=a.timing, selection=a.selection, analysis=a)
    return _emit(args, a, checks, compact_analysis_json, compact_analysis_latex, compact_analysis_text)
