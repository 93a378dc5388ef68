"""``contract-theory prove CLAIM``: decide a built-in claim over every game of a shape (issue 13).

The claim's failure is encoded as linear inequalities in the payoffs and decided by the SMT solver z3
(:mod:`contract_theory.search.prove`); the verdict is ``holds``, ``fails`` (with a re-verified
counterexample, its certificate and margin) or ``unknown`` (timeout).  Exit status 0 for every
verdict, 2 on bad input (including a claim that cannot be encoded, or z3 missing).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def add_parser(sub: Any) -> None:
    from contract_theory.cli.commands.search import add_claim_arguments
    from contract_theory.search.claims import BUILTIN_CLAIMS

    p = sub.add_parser(
        "prove", help="decide a claim for all games of a shape (SMT over linear real arithmetic)",
        description="Decide a built-in claim over all games with N players and M actions each and real payoffs: "
                    "holds (proved), fails (a certified counterexample with its robustness margin) or unknown "
                    "(timeout), with the z3 SMT solver (a dependency).")
    p.add_argument("claim", choices=sorted(BUILTIN_CLAIMS), help="built-in claim")
    p.add_argument("--players", type=int, required=True, help="number of players N")
    p.add_argument("--actions", default="2", help="actions per player M, or one count per player (e.g. 2,3)")
    add_claim_arguments(p)
    p.add_argument("--generic", action="store_true",
                   help="only games in general position: no ties among each player's payoffs, the welfare and the "
                        "bloc totals across profiles")
    p.add_argument("--timeout", type=float, default=60.0, help="solver time limit in seconds (default 60)")
    p.add_argument("--format", choices=("text", "json", "latex", "nfg"), default="text")
    p.set_defaults(run=run)


def _actions(text: str, players: int) -> tuple[int, ...]:
    from contract_theory.errors import ParseError

    try:
        counts = tuple(int(t) for t in str(text).split(","))
    except ValueError:
        raise ParseError("--actions must be an integer or a comma-separated list of integers", token=text) from None
    return counts * players if len(counts) == 1 else counts


def run(args: argparse.Namespace) -> int:
    from contract_theory.cli.commands.search import claim_params
    from contract_theory.errors import ParameterError
    from contract_theory.search.claims import get_claim
    from contract_theory.search.prove import proof_latex, prove

    claim = get_claim(args.claim)
    params = claim_params(args, claim)
    r = prove(claim.name, args.players, _actions(args.actions, args.players), params=params, generic=args.generic,
              timeout=args.timeout)
    if args.format == "json":
        json.dump(r.to_json(), sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif args.format == "latex":
        sys.stdout.write(proof_latex(r))
    elif args.format == "nfg":
        if r.counterexample is None:
            raise ParameterError(f"{claim.name} {r.verdict} for {'x'.join(map(str, r.shape))} games: "
                                 "no counterexample to write as .nfg")
        sys.stdout.write(r.counterexample["nfg"])
    else:
        print(_text(r))
    return 0


def _text(r: Any) -> str:
    doc = r.to_json()
    params = ", ".join(f"{k}={v}" for k, v in doc["parameters"].items())
    shape = "x".join(str(m) for m in r.shape)
    enc = r.solver["encoding"]
    lines = [f"claim: {r.claim} ({params})",
             f"games: all {shape} games with real payoffs{' in general position' if r.generic else ''}",
             f"encoding: {enc['atoms']} linear inequalities, {enc['nodes']} formula nodes, {enc['variables']} payoff "
             f"variables; solver z3 {r.solver['version']} (QF_LRA), {r.elapsed:.2f}s",
             f"verdict: {r.verdict.upper()}"]
    for t in r.solver["tried"]:
        lines.append(f"  {t['step']}: {t['result']}" + (f" ({t['seconds']}s)" if "seconds" in t else ""))
    if r.counterexample is not None:
        cert = r.counterexample["certificate"]
        m = cert["margin"]
        lines.append(f"counterexample (re-verified independently; margin {m['value']}"
                     + (", rests on ties: " + "; ".join(m["ties"]) if m["value"] == "0" else "") + "):")
        for prof, row in zip(r.game.profiles(), cert["game"]["payoffs"]):
            lines.append(f"  {list(r.game.labels(prof))}: ({', '.join(row)})")
        if cert.get("witness"):
            lines.append(f"witness: {cert['witness']}")
    return "\n".join(lines)
