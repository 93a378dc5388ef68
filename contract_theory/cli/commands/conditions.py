"""``contract-theory conditions CLAIM``: which premise sets suffice for a claim over a shape (issue 23).

Explores the subsets of the registered premises (or ``--from``) from small to large with
:func:`contract_theory.search.conditions.conditions`, pruning by monotonicity, and prints the
minimal sufficient sets, the maximal insufficient ones with a counterexample each, and the sets
left undecided.  Exit status 0; 2 on bad input, z3 missing, or more decisions than ``--max-calls``.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def add_parser(sub: Any) -> None:
    from contract_theory.cli.commands.search import add_claim_arguments
    from contract_theory.search.conditions import DEFAULT_MAX_CALLS
    from contract_theory.search.encoding import ENCODABLE
    from contract_theory.search.premises import PREMISES

    p = sub.add_parser(
        "conditions", help="which premise sets make a claim hold for all games of a shape",
        description="For a built-in claim and a shape, decide the claim under subsets of the registered premises "
                    "(from small to large, pruning by monotonicity): the minimal sufficient sets, the maximal "
                    "insufficient sets with a counterexample each, and the undecided ones. Needs z3.")
    p.add_argument("claim", choices=sorted(ENCODABLE), help="built-in claim with an encoding")
    p.add_argument("--players", type=int, required=True, help="number of players N")
    p.add_argument("--actions", default="2", help="actions per player M, or one count per player (e.g. 2,3)")
    add_claim_arguments(p)
    p.add_argument("--from", dest="candidates", default=None, metavar="P[,P...]",
                   help="the premises to combine (default: " + ", ".join(n for n, q in PREMISES.items() if not q.same_as and q.lattice)
                        + "; A4 is B1's class with unbounded transfers)")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds per decision (default 30)")
    p.add_argument("--max-calls", type=int, default=DEFAULT_MAX_CALLS,
                   help="most decisions (prove calls) to make (default %(default)s)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from contract_theory.cli.commands.prove import _actions
    from contract_theory.cli.commands.search import claim_params
    from contract_theory.search.claims import get_claim
    from contract_theory.search.conditions import conditions
    from contract_theory.search.premises import parse_premises

    claim = get_claim(args.claim)
    candidates = parse_premises(args.candidates) if args.candidates is not None else None
    r = conditions(claim.name, args.players, _actions(args.actions, args.players), params=claim_params(args, claim),
                   candidates=candidates, timeout=args.timeout, max_calls=args.max_calls)
    if args.format == "json":
        json.dump(r.to_json(), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(_text(r))
    return 0


def _names(s: Any) -> str:
    return ", ".join(s) if s else "no premise"


def _text(r: Any) -> str:
    doc = r.to_json()
    params = ", ".join(f"{k}={v}" for k, v in doc["parameters"].items())
    lines = [f"claim: {r.claim} ({params})",
             f"games: all {'x'.join(map(str, r.shape))} games with real payoffs",
             f"premises combined: {_names(r.candidates)}",
             f"decisions: {r.calls} ({r.elapsed:.2f}s)",
             "holds under (minimal sufficient sets):"]
    lines += [f"  {_names(s)}" for s in r.sufficient] or ["  none found"]
    if r.empty:
        lines.append("holds vacuously under (no game satisfies them):")
        lines += [f"  {_names(s)}" for s in r.empty]
    lines.append("fails under (maximal insufficient sets, with a counterexample satisfying every premise):")
    for d in r.insufficient:
        m = d["counterexample"]["certificate"]["margin"]["value"]
        lines.append(f"  {_names(d['premises'])} (margin {m}{', rests on ties' if m == '0' else ''})")
        lines += ["    " + row for row in d["counterexample"]["nfg"].strip().splitlines()]
    if not r.insufficient:
        lines.append("  none")
    if r.undecided:
        lines.append("undecided (timed out):")
        lines += [f"  {_names(s)}" for s in r.undecided]
    return "\n".join(lines)
