"""``contract-theory coalitions GAME --k K``: who forms which coalition, and who gets what."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from contract_theory.cli.commands import add_structure_budget, add_study_options, rules_from_args

_DESCRIPTION = ("One table per concept: what forms or is stable, its welfare and each player's share -- myopic "
                "stability (djgw), potential internal stability (pis), the core, Shapley value and nucleolus of the "
                "characteristic function under an assumption about the others, Bloch's sequential game, Chwe's "
                "largest consistent set (docs/howto/coalition-formation.md).")


def add_parser(sub: Any) -> None:
    from contract_theory.contracting.formation.characteristic import ASSUMPTIONS
    from contract_theory.report.formation import CONCEPTS

    p = sub.add_parser("coalitions", help="who forms which coalition, and who gets what", description=_DESCRIPTION)
    p.add_argument("game", help="a .nfg/.json game file or a library spec name:key=value,...")
    p.add_argument("--k", type=int, required=True, help="the most members a contract may have (2 <= K <= N)")
    p.add_argument("--concept", choices=CONCEPTS, default="core")
    p.add_argument("--assumption", choices=ASSUMPTIONS, default="gamma",
                   help="what the others do, for core, shapley and nucleolus (default: %(default)s)")
    add_study_options(p)
    add_structure_budget(p)
    p.add_argument("--format", choices=("text", "json", "latex"), default="text")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from contract_theory.games.loading import load_game
    from contract_theory.report.formation import formation_json, formation_latex, formation_table, formation_text

    game = load_game(args.game)
    t = formation_table(game, args.k, rules_from_args(args), concept=args.concept, assumption=args.assumption)
    if args.format == "json":
        json.dump(formation_json(t), sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif args.format == "latex":
        sys.stdout.write(formation_latex(t))
    else:
        from contract_theory.util.latex import terminal_safe
        print(terminal_safe(formation_text(t)))
    return 0
