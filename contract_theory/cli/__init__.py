"""The ``contract-theory`` command line.

Each sub-command lives in :mod:`contract_theory.cli.commands` as a module with
``add_parser(subparsers)`` and ``run(args) -> int``.  Any :class:`ValueError` (every input
error of this package is one), ``OSError`` on files, or Ctrl-C becomes one line on stderr
and exit status 2 (130 for Ctrl-C) — never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn

__all__ = ["main", "COMMANDS"]

#: Sub-command modules, in the order ``--help`` lists them.
COMMANDS: tuple[str, ...] = ("solve", "analyze", "search", "learn", "report", "design")


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line and exit status 2."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"contract-theory: error: {message}\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="contract-theory",
                     description="Equilibria, welfare and stability under partial K-agent contracts.")
    from contract_theory import __version__
    parser.add_argument("--version", action="version", version=f"contract-theory {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in COMMANDS:
        importlib.import_module(f".commands.{name}", __package__).add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except KeyboardInterrupt:
        sys.stderr.write("contract-theory: interrupted\n")
        return 130
    except (ValueError, OSError) as exc:
        text = " ".join(str(exc).split()) or type(exc).__name__
        sys.stderr.write(f"contract-theory: error: {text}\n")
        return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
