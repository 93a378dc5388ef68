"""``contract-theory solve GAME``: equilibria and welfare of one game."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..exact import fmt
from ..game import NormalFormGame
from ..loader import load_game
from ..pure import pure_nash_solve
from ..serialize import pure_profile_json
from ..welfare import optimum

CONCEPTS = ("pure", "mixed", "correlated", "all")


def add_parser(sub: Any) -> None:
    p = sub.add_parser("solve", help="equilibria and welfare of a game",
                       description="Equilibria and welfare of a game given as a .nfg/.json file or a library spec "
                                   "such as public_goods:n=4,r=8/5,e=20.")
    p.add_argument("game", help="path to .nfg/.json, or a library spec name:key=value,...")
    p.add_argument("--concept", choices=CONCEPTS, default="pure")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=run)


def solve_report(game: NormalFormGame, concept: str) -> dict[str, Any]:
    """The JSON document of ``solve`` (exact numbers as strings)."""
    pure = pure_nash_solve(game)
    w, profs = optimum(game)
    doc: dict[str, Any] = {
        "title": game.title,
        "exact": game.exact,
        "players": list(game.players),
        "actions": [list(a) for a in game.actions],
        "pure_nash": [pure_profile_json(game, p) for p in pure.equilibria],
        "optimum": {"welfare": fmt(w), "profiles": [list(game.labels(p)) for p in profs]},
    }
    return doc


def render_text(game: NormalFormGame, doc: dict[str, Any]) -> str:
    lines = [f"{game.title or 'game'}: {game.n_players} players, actions {[len(a) for a in game.actions]}"]
    if not game.exact:
        lines.append("note: payoffs were given as floats; results are exact for their binary values")
    lines.append(f"pure Nash equilibria ({len(doc['pure_nash'])}):")
    for e in doc["pure_nash"]:
        lines.append(f"  {tuple(e['profile'])}  payoffs {e['payoffs']}  welfare {e['welfare']}")
    lines.append(f"optimum welfare W* = {doc['optimum']['welfare']} at {[tuple(p) for p in doc['optimum']['profiles']]}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    game = load_game(args.game)
    doc = solve_report(game, args.concept)
    if args.format == "json":
        json.dump(doc, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(render_text(game, doc))
    return 0
