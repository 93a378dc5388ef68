"""``contract-theory bound QUANTITY``: the tight guarantee of a quantity over every game of a shape (issue 23).

The quantity's worst case over the class (``ratio`` W_K / W* over nonnegative payoffs, ``welfare-gain``
min_S W(S) - W_0, ``members-gain`` the members' total gain, ``min-member-gain`` the smallest member's gain
and ``outsiders-loss`` the largest outsider's loss, over payoffs in [0, 1]; ``--assuming`` any registered
premise) is optimized by z3 and certified, and the game attaining it (or games approaching it, when it is an infimum) are re-evaluated
by the library's exact solver (:mod:`contract_theory.search.bounds`).  ``--guarantees`` prints the table of
tight constants at K = N - 1 for 2x2, 2x3, 2x2x2 and symmetric N = 3, 4 games.  Exit status 0 for every answer, 2 on bad input
(including a shape above the size budget, or z3 missing).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def add_parser(sub: Any) -> None:
    from contract_theory.cli.commands import add_study_options
    from contract_theory.search.bounds import DEFAULT_MAX_ATOMS, QUANTITIES

    p = sub.add_parser(
        "bound", help="the tight guarantee of a quantity over all games of a shape (z3 optimization, verified)",
        description="The exact worst case of a quantity over all games with N players and M actions each: "
                    "ratio = W_K / W* (nonnegative payoffs, W* > 0), welfare-gain = min over coalitions of "
                    "W(S) - W_0, members-gain = min over coalitions of the members' total gain, min-member-gain = "
                    "min over coalitions and members of a member's gain under the sharing rule, or outsiders-loss = "
                    "max over coalitions and outsiders of an outsider's loss (payoffs in [0, 1]), with a game "
                    "attaining it or games approaching it, each verified by the exact solver; the witness is the "
                    "lexicographically smallest such game, the same in every run. The design modifications "
                    "(payments to outsiders, several contracts) are not encodable as linear inequalities: --design "
                    "refuses them with the reason. Needs z3: pip install \"contract-theory[prove]\".")
    p.add_argument("quantity", nargs="?", choices=list(QUANTITIES), default="ratio",
                   help="the quantity (default ratio)")
    p.add_argument("--players", type=int, default=None, help="number of players N (required unless --guarantees)")
    p.add_argument("--actions", default="2", help="actions per player M, or one count per player (e.g. 2,3)")
    p.add_argument("--k", type=int, default=None, help="largest coalition size K (default N - 1; 1: no contract)")
    add_study_options(p, tie=False)
    p.add_argument("--symmetric", action="store_true", help="only symmetric games, encoded by counts (many players)")
    from contract_theory.search.bounds import MODIFICATIONS
    from contract_theory.search.premises import PREMISES
    p.add_argument("--assuming", default=None, metavar="P[,P...]",
                   help="only games satisfying these premises (the registry of prove --assuming): " + ", ".join(PREMISES))
    p.add_argument("--design", default=None, choices=list(MODIFICATIONS),
                   help="a treaty modification of design: not encodable, refused with the reason (exit 2)")
    p.add_argument("--generic", action="store_true",
                   help="only games in general position (no ties among each player's payoffs, the welfare and the "
                        "bloc totals across profiles); dense shapes")
    p.add_argument("--guarantees", action="store_true",
                   help="print the table of tight guarantees at K = N - 1 for 2x2, 2x3, 2x2x2 and symmetric N = 3, 4")
    p.add_argument("--timeout", type=float, default=60.0, help="solver time limit in seconds (default 60)")
    p.add_argument("--any-witness", action="store_true",
                   help="print z3's first witness instead of the canonical (lexicographically smallest) one: faster "
                        "for many players, but the witness may differ between runs")
    p.add_argument("--max-atoms", type=int, default=DEFAULT_MAX_ATOMS,
                   help="refuse formulas estimated above this many linear inequalities (default %(default)s)")
    p.add_argument("--format", choices=("text", "json", "latex", "markdown", "nfg"), default="text",
                   help="output format (markdown: the --guarantees table only; nfg: the witness, or for an infimum "
                        "the closest approaching game, for Gambit)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from contract_theory.cli.commands import rules_from_args
    from contract_theory.cli.commands.prove import _actions
    from contract_theory.errors import ParameterError
    from contract_theory.search import bounds
    from contract_theory.search.premises import parse_premises

    rules = rules_from_args(args)
    if args.design is not None:
        bounds.refuse_modification(args.design)
    assumed = parse_premises(args.assuming)
    if args.guarantees:
        rows = bounds.guarantees_table(rules, quantities=(args.quantity,), generic=args.generic,
                                       premises=[x for x in assumed if x != "symmetric"], timeout=args.timeout,
                                       canonical=not args.any_witness)
        if args.format == "json":
            json.dump([r.to_json() for r in rows], sys.stdout, indent=2)
            sys.stdout.write("\n")
        elif args.format == "markdown":
            print(bounds.guarantees_markdown(rows))
        elif args.format == "latex":
            sys.stdout.write("\n".join(bounds.bound_latex(r) for r in rows))
        else:
            print(bounds.guarantees_text(rows))
        return 0
    if args.players is None:
        raise ParameterError("bound needs --players N (or --guarantees for the table)")
    if args.format == "markdown":
        raise ParameterError("--format markdown is the --guarantees table; use text, json or latex for one bound")
    actions = _actions(args.actions, args.players)
    premises = list(assumed) + [name for name, on in (("symmetric", args.symmetric), ("generic", args.generic)) if on]
    r = bounds.tight_bound(args.quantity, args.players, actions, k=args.k, rules=rules, premises=premises,
                           limits=bounds.BoundLimits(timeout=args.timeout, max_atoms=args.max_atoms,
                                                     canonical=not args.any_witness))
    if args.format == "json":
        json.dump(r.to_json(), sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif args.format == "latex":
        sys.stdout.write(bounds.bound_latex(r))
    elif args.format == "nfg":
        game = r.witness if r.witness is not None else (r.approach[-1] if r.approach else None)
        if game is None or "nfg" not in game:
            raise ParameterError(f"no witness game to write as .nfg (bound {r.status}; a symmetric game of more "
                                 "than 64 profiles is given by its unknowns): use --format json")
        sys.stdout.write(game["nfg"])
    else:
        print(bounds.bound_text(r))
    return 0
