"""``contract-theory analyze GAME --k K``: the partial-contract study of one game (any kind)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from contract_theory.cli.commands import add_study_options, rules_from_args
from contract_theory.contracting.protocol.assumptions import ASSUMPTIONS


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
    p.add_argument("--premises", action="store_true",
                   help="also report which premises of `prove --assuming` the game satisfies (normal-form games of "
                        "at most 64 profiles)")
    p.add_argument("--format", choices=("text", "json", "latex"), default="text")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Load the game, run the one study entry point and the assumption checks (not for Markov games),
    and print the analysis in ``--format`` (:mod:`contract_theory.report.analysis` renders every kind)."""
    from contract_theory.api import check_assumptions, partial_contract_analysis
    from contract_theory.games.loading import load_game
    from contract_theory.report.analysis import analysis_json, analysis_latex, analysis_text

    game = load_game(args.game)
    rules = rules_from_args(args)
    if game.kind == "normal-form":
        from contract_theory.games.size import progress
        progress(f"coalitions of 2..{args.k} of {game.n_players} players in a game of {game.n_profiles:,} profiles",
                 game.n_profiles)
    a = partial_contract_analysis(game, args.k, rules, require_acceptance=args.require_acceptance)
    checks: list[Any] = []
    if game.kind == "normal-form":  # the checks' own analyses use equal sharing (issue 21 revisits this)
        checks = check_assumptions(game, a.k, rules)
    elif game.kind == "compact":  # by composition, reusing the study
        checks = check_assumptions(game, a.k, rules, analysis=a)
    premises = _premises(game, a.k) if args.premises else None
    if args.format == "json":
        doc = analysis_json(a, checks)
        if premises is not None:
            doc["premises"] = premises
        json.dump(doc, sys.stdout, indent=2, ensure_ascii=game.kind != "markov")
        sys.stdout.write("\n")
    elif args.format == "latex":
        sys.stdout.write(analysis_latex(a, checks))
    else:
        print(analysis_text(a, checks))
        if premises is not None:
            held = [name for name, ok in premises.items() if ok]
            print(f"premises (the classes of `prove --assuming`, at K = {a.k}): satisfies "
                  f"{', '.join(held) or 'none'}; not {', '.join(n for n in premises if n not in held) or 'none'}")
    return 0


def _premises(game: Any, k: int) -> dict[str, bool]:
    """Which registered premises (:mod:`contract_theory.search.premises`) a small normal-form game satisfies."""
    from contract_theory.errors import ParameterError
    if game.kind != "normal-form" or game.n_profiles > 64:
        raise ParameterError(f"analyze --premises checks normal-form games of at most 64 profiles (the shapes prove "
                             f"decides), got a {game.kind} game of {game.n_profiles} profiles; drop --premises")
    from contract_theory.search.premises import satisfied_premises
    return satisfied_premises(game, k)
