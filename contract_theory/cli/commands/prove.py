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
    # premises (issue 23): one block, shared with `conditions` (contract_theory/cli/commands/conditions.py)
    from contract_theory.search.premises import PREMISES
    p.add_argument("--assuming", default=None, metavar="P[,P...]",
                   help="only games satisfying these premises: " + ", ".join(PREMISES))
    p.add_argument("--symmetric", action="store_true",
                   help="all symmetric games, encoded by counts (many players: N = 8 in seconds); claims "
                        "optimum-reachable, welfare-rises, members-gain; --actions one count")
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
    from contract_theory.search.prove import proof_latex

    claim = get_claim(args.claim)
    params = claim_params(args, claim)
    r = _decide(args, claim.name, params)
    if args.format == "json":
        json.dump(r.to_json(), sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif args.format == "latex":
        sys.stdout.write(proof_latex(r))
    elif args.format == "nfg":
        if r.counterexample is None or "nfg" not in r.counterexample:
            raise ParameterError(f"{claim.name} {r.verdict} for {'x'.join(map(str, r.shape))} games: "
                                 "no counterexample to write as .nfg" + (
                                     " (a symmetric counterexample above 27 profiles is reported by counts only; "
                                     "use --format json)" if r.counterexample is not None else ""))
        sys.stdout.write(r.counterexample["nfg"])
    else:
        print(_text(r))
    return 0


def _decide(args: argparse.Namespace, claim: str, params: dict[str, Any]) -> Any:
    """``prove`` over the dense shape with ``--assuming``, or ``prove_symmetric`` by counts with ``--symmetric``."""
    from contract_theory.errors import ParameterError
    from contract_theory.search.premises import parse_premises
    from contract_theory.search.prove import prove

    premises = parse_premises(args.assuming)
    actions = _actions(args.actions, args.players)
    if not args.symmetric:
        return prove(claim, args.players, actions, params=params, generic=args.generic, timeout=args.timeout,
                     assuming=premises)
    from contract_theory.search.counts import prove_symmetric
    if set(premises) - {"symmetric"} or args.generic:
        raise ParameterError("prove --symmetric decides over all symmetric games by counts and takes no other premise "
                             f"(got {', '.join(premises) or 'generic'}); drop --symmetric to combine premises on a "
                             "small dense shape")
    if len(set(actions)) != 1:
        raise ParameterError(f"prove --symmetric needs one action count for every player, got {args.actions}")
    return prove_symmetric(claim, args.players, actions[0], params=params, timeout=args.timeout)


def _text(r: Any) -> str:
    doc = r.to_json()
    from contract_theory.report.wording import data_text, params_text

    params = params_text(doc["parameters"])
    shape = "x".join(str(m) for m in r.shape)
    enc = r.solver["encoding"]
    kind = "symmetric " if enc.get("kind") == "counts" else ""
    lines = [f"claim: {r.claim} ({params})",
             f"games: all {kind}{shape} games with real payoffs{' in general position' if r.generic else ''}"]
    if r.premises:
        lines.append(f"premises: {', '.join(r.premises)}")
    lines += [f"encoding: {enc['atoms']} linear inequalities, {enc['nodes']} formula nodes, {enc['variables']} payoff "
              f"variables{' (by counts)' if kind else ''}; solver z3 {r.solver['version']} (QF_LRA), {r.elapsed:.2f}s",
              f"verdict: {r.verdict.upper()}" + (" (vacuously: no game of the shape satisfies the premises)"
                                                  if r.vacuous else "")]
    for t in r.solver["tried"]:
        lines.append(f"  {t['step']}: {t['result']}" + (f" ({t['seconds']}s)" if "seconds" in t else ""))
    cex = r.counterexample
    if cex is not None and "certificate" in cex and r.game is not None:
        cert = cex["certificate"]
        m = cert["margin"]
        lines.append(f"counterexample (re-verified independently; margin {m['value']}"
                     + (", rests on ties: " + "; ".join(m["ties"]) if m["value"] == "0" else "") + "):")
        for prof, row in zip(r.game.profiles(), cert["game"]["payoffs"]):
            lines.append(f"  ({', '.join(r.game.labels(prof))}): ({', '.join(row)})")
        if cert.get("witness"):
            lines.append(f"witness: {data_text(cert['witness'], cert['game']['players'])}")
    elif cex is not None:
        sym = cex["symmetric"]
        lines.append(f"counterexample by counts (margin {sym['margin']}; re-verified by {', '.join(sym['verified_by'])}):")
        lines += [f"  {k} = {v}" for k, v in sym["unknowns"].items()]
    return "\n".join(lines)
