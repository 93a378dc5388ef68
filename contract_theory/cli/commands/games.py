"""``contract-theory games [NAME]``: every built-in game spec with its parameters and defaults."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def add_parser(sub: Any) -> None:
    p = sub.add_parser("games", help="list the built-in game specs with their parameters and defaults",
                       description="Every name a library spec may start with (normal-form, compact and Markov "
                                   "games), its parameters in spec syntax with their defaults, and what it is.")
    p.add_argument("name", nargs="?", default=None, help="show only this game")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from contract_theory.report.catalog import catalog_json, catalog_text

    if args.format == "json":
        json.dump(catalog_json(name=args.name), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(catalog_text(name=args.name))
    return 0
