"""``contract-theory design GAME --k K``: which contract modification restores optimality with K signatories."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from contract_theory.cli.commands import add_structure_budget, add_study_options, rules_from_args
from contract_theory.contracting.coalitions.rules import MAX_PAIRS

_DESCRIPTION = ("One row per modification (none, payments to outsiders, observing outsiders, several contracts, "
                "recruitment, and the treaty repairs minimum participation, sanctions on outsiders, stabilizing "
                "transfers): welfare, smallest K reaching W*, cost, gains, the convention each row is computed "
                "under, whether it rests on a tie, and the binding reason (diagnosis) of a row below W* "
                "(docs/background/modifications.md).  --stable-view prints instead the stable coalitions under no "
                "repair and under each treaty repair (compact games by composition, any N).")


def add_parser(sub: Any) -> None:
    p = sub.add_parser("design", help="compare contract modifications when only K sign", description=_DESCRIPTION)
    p.add_argument("game", help="a .nfg/.json game file or a library spec name:key=value,...")
    p.add_argument("--k", type=int, required=True, help="the most signatories a contract may have (2 <= K <= N)")
    add_study_options(p)
    add_structure_budget(p)
    p.add_argument("--max-pairs", type=int, default=MAX_PAIRS, metavar="N",
                   help="compact games: the most member x outsider count-matrix pairs one coalition's continuation "
                        "or payments may enumerate (default: %(default)s); over it, that row alone is not computed")
    p.add_argument("--format", choices=("text", "json", "latex"), default="text")
    p.add_argument("--stable-view", action="store_true",
                   help="print the stable coalitions (compositions) with their welfare under no repair, the best "
                        "threshold, the smallest deterring penalty and stabilizing transfers")
    p.add_argument("--destination", choices=("members", "burned"), default="members",
                   help="where sanctions on outsiders go (default: %(default)s)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from contract_theory.contracting.modifications.design import design_comparison
    from contract_theory.games.loading import load_game
    from contract_theory.report.design import design_json, design_latex, design_text

    game = load_game(args.game)
    if args.stable_view:
        return _stable_view(game, args)
    rules = rules_from_args(args).replace(max_pairs=args.max_pairs)
    d = design_comparison(game, args.k, rules)
    return _emit(args.format, d, design_json, design_latex, design_text)


def _emit(form: str, result: Any, as_json: Callable[[Any], Any], as_latex: Callable[[Any], str],
          as_text: Callable[[Any], str]) -> int:
    """Print ``result`` in the ``--format`` asked for."""
    if form == "json":
        json.dump(as_json(result), sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif form == "latex":
        sys.stdout.write(as_latex(result))
    else:
        print(as_text(result))
    return 0


def _stable_view(game: Any, args: argparse.Namespace) -> int:
    """``--stable-view``: the stable coalitions under each treaty repair (any kind the repairs accept)."""
    from contract_theory.contracting.modifications.repairs import repair_comparison, stable_view
    from contract_theory.report.stable_view import stable_view_json, stable_view_latex, stable_view_text

    view = stable_view(repair_comparison(game, args.k, rules_from_args(args), destination=args.destination))
    return _emit(args.format, view, stable_view_json, stable_view_latex, stable_view_text)
