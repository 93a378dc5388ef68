"""The ``contract-theory`` command line.

Each sub-command lives in :mod:`contract_theory.cli.commands` as a module with
``add_parser(subparsers)`` and ``run(args) -> int``.  Any :class:`ValueError` (every input
error of this package is one), ``OSError`` on files, or Ctrl-C becomes one line on stderr
and exit status 2 (130 for Ctrl-C) — never a traceback.  A command that keeps a partial answer
on Ctrl-C prints it, then says what was done and how to resume in one line (:func:`interrupted`),
and exits 130, never 0.  ``--timeout SECONDS`` (every command but ``prove``, whose own ``--timeout``
bounds its solver and gives the verdict ``unknown``) is a timed Ctrl-C
(:func:`contract_theory.util.interrupts.deadline`): the same partial answer is printed, the line on
stderr says ``timed out after SECONDS s (--timeout)``, and the exit status is 124; ``--progress-every
SECONDS`` prints a line on stderr that often while the command runs (default: every 10 s when stderr
is a terminal; 0: never).  A closed output pipe (``contract-theory analyze ... | head``) ends the
command quietly with the status a program stopped by SIGPIPE has in the shell, 141 (128 + 13), and
no message.
"""

from __future__ import annotations

import argparse
import importlib
import os
import shlex
import sys
from collections.abc import Sequence
from typing import NoReturn

__all__ = ["main", "COMMANDS", "EXIT_BROKEN_PIPE", "error_line", "interrupted", "resume_command"]

#: Sub-command modules, in the order ``--help`` lists them.
COMMANDS: tuple[str, ...] = ("solve", "analyze", "search", "prove", "conditions", "bound", "learn", "report", "design",
                             "coalitions", "games")

#: Exit status after the reader of stdout went away (128 + SIGPIPE), as for a program killed by SIGPIPE.
EXIT_BROKEN_PIPE = 141


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line and exit status 2."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"contract-theory: error: {message}\n")
        raise SystemExit(2)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every sub-command, or only of ``only`` (the one being run: importing
    the others' solvers would only add start-up time)."""
    parser = _Parser(prog="contract-theory",
                     description="Equilibria, welfare and stability under partial K-agent contracts.")
    from contract_theory import __version__
    parser.add_argument("--version", action="version", version=f"contract-theory {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in COMMANDS if only is None else (only,):
        importlib.import_module(f".commands.{name}", __package__).add_parser(sub)
    from contract_theory.games.size import DEFAULT_MAX_ENTRIES
    for command in sub.choices.values():  # one size budget for every command (issue 12)
        command.add_argument("--max-entries", type=int, default=DEFAULT_MAX_ENTRIES, metavar="N",
                             help="refuse to build tables (payoff tensors, LPs, coalition solves, policies, "
                                  "learning tables) of more than N cells (default: %(default)s)")
        if not any("--timeout" in a.option_strings for a in command._actions):  # prove has its solver's own
            command.add_argument("--timeout", type=_seconds, default=None, dest="deadline_seconds", metavar="SECONDS",
                                 help="stop after SECONDS, keeping and printing the partial answer (marked "
                                      "interrupted); exit status 124")
        command.add_argument("--progress-every", type=_seconds_or_zero, default=None, metavar="SECONDS",
                             help="a progress line on stderr every SECONDS (default: 10 when stderr is a terminal; "
                                  "0: never)")
    return parser


def _seconds(text: str) -> float:
    """A positive finite number of seconds (argparse type)."""
    import math
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 < value < math.inf:
        raise argparse.ArgumentTypeError(f"must be a positive finite number of seconds, got {text!r}")
    return value


def _seconds_or_zero(text: str) -> float:
    """``0`` or a positive finite number of seconds (argparse type)."""
    return 0.0 if text.strip() in ("0", "0.0") else _seconds(text)


def interrupted(done: str, resume: str) -> int:
    """Report a Ctrl-C that kept its answer: one line ``interrupted: DONE; RESUME`` on stderr; returns 130
    (after ``--timeout``: ``timed out after S s (--timeout): DONE; RESUME``, returns 124)."""
    from contract_theory.util.interrupts import EXIT_TIMEOUT, timed_out
    seconds = timed_out()
    what = "interrupted" if seconds is None else f"timed out after {seconds:g} s (--timeout)"
    sys.stderr.write(f"contract-theory: {what}: {done}; {resume}\n")
    sys.stderr.flush()
    return 130 if seconds is None else EXIT_TIMEOUT


def resume_command(args: argparse.Namespace) -> str:
    """The command line that was run (``contract-theory ...``), to repeat it; else ``the same command``."""
    argv = getattr(args, "argv", None)
    return "contract-theory " + shlex.join(argv) if argv else "the same command"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv[0] if argv and argv[0] in COMMANDS else None)
    args = parser.parse_args(argv)
    args.argv = argv
    from contract_theory.games.size import size_limit
    from contract_theory.util.interrupts import deadline
    every = args.progress_every if args.progress_every is not None else (10.0 if sys.stderr.isatty() else 0.0)
    try:
        with size_limit(args.max_entries), deadline(getattr(args, "deadline_seconds", None), heartbeat=every or None,
                                                    label=args.command):
            code = int(args.run(args) or 0)
            sys.stdout.flush()  # a closed pipe shows here, inside the handler, not at exit
            return code
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        from contract_theory.util.interrupts import timed_out
        again = "with a larger --timeout" if timed_out() is not None else "to start over"
        return interrupted("the unit of work in progress was abandoned and nothing was kept",
                           f"run it again {again}: {resume_command(args)}")
    except (ValueError, OSError) as exc:
        sys.stderr.write(f"contract-theory: error: {error_line(exc)}\n")
        return 2


def error_line(exc: BaseException) -> str:
    """The one line the command line prints for an input error (no ``[Errno N]``, no newlines).

    Examples
    --------
    >>> error_line(FileNotFoundError(2, "No such file or directory", "g.nfg"))
    "No such file or directory: 'g.nfg'"
    """
    if isinstance(exc, OSError) and exc.strerror:
        text = exc.strerror + (f": {exc.filename!r}" if exc.filename is not None else "")
    else:
        text = str(exc)
    from contract_theory.util.latex import terminal_safe
    text = " ".join(terminal_safe(text).split()) or type(exc).__name__  # a label from a file: no escapes
    from contract_theory.errors import SizeLimitError
    if isinstance(exc, SizeLimitError) and "compact game" not in text and "--max-entries" not in text:
        # a solver's own limit that names no way out: say one
        text += "; use a compact game (anonymous/aggregative, see docs) or a smaller one"
    return text


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout without a file descriptor (captured): nothing to flush
        pass


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
