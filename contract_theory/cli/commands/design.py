"""``contract-theory design GAME --k K``: which contract modification restores optimality with K signatories."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from contract_theory.cli.commands import add_study_options, rules_from_args

_DESCRIPTION = ("One row per modification (none, payments to outsiders, observing outsiders, several contracts, "
                "recruitment): welfare, smallest K reaching W*, cost, gains and the assumptions that then hold "
                "(docs/background/modifications.md).")


def add_parser(sub: Any) -> None:
    p = sub.add_parser("design", help="compare contract modifications when only K sign", description=_DESCRIPTION)
    p.add_argument("game", help="a .nfg/.json game file or a library spec name:key=value,...")
    p.add_argument("--k", type=int, required=True, help="the most signatories a contract may have (2 <= K <= N)")
    add_study_options(p, tie=False)
    p.add_argument("--format", choices=("text", "json", "latex"), default="text")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from contract_theory.contracting.modifications.design import design_comparison
    from contract_theory.games.loading import load_game
    from contract_theory.report.design import design_json, design_latex, design_text

    game = load_game(args.game)
    d = design_comparison(game, args.k, rules_from_args(args))
    if args.format == "json":
        json.dump(design_json(d), sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif args.format == "latex":
        sys.stdout.write(design_latex(d))
    else:
        print(design_text(d))
    return 0
