"""Sub-commands of the ``contract-theory`` command line (one module each)."""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["add_study_options", "add_structure_budget", "rules_from_args"]


def add_study_options(p: Any, *, tie: bool = True) -> None:
    """Add the coalition-study options every study command shares to the argparse parser ``p``.

    ``--timing``, ``--selection``, ``--sharing`` and (``tie=True``) ``--tie``, each with the
    choices of :mod:`contract_theory.contracting.coalitions.rules` and the :class:`Rules` default
    (stackelberg, pessimistic, equal, inside); :func:`rules_from_args` builds the one
    :class:`~contract_theory.contracting.coalitions.rules.Rules` value from them.

    Examples
    --------
    >>> import argparse
    >>> p = argparse.ArgumentParser()
    >>> add_study_options(p)
    >>> vars(p.parse_args(["--tie", "outside"]))
    {'timing': 'stackelberg', 'selection': 'pessimistic', 'sharing': 'equal', 'tie': 'outside'}
    """
    from contract_theory.contracting.coalitions.rules import SELECTIONS, SHARINGS, TIES, TIMINGS, Rules

    default = Rules()
    options: list[tuple[str, tuple[str, ...], str]] = [
        ("--timing", TIMINGS, default.timing), ("--selection", SELECTIONS, default.selection),
        ("--sharing", SHARINGS, default.sharing)]
    for flag, choices, value in options + ([("--tie", TIES, default.tie)] if tie else []):
        p.add_argument(flag, choices=choices, default=value)


def add_structure_budget(p: Any) -> None:
    """Add ``--max-structures N`` (the :class:`~contract_theory.contracting.coalitions.rules.Budgets`
    limit on coalition structures solved; classes of structures when they are enumerated by
    composition) to the argparse parser ``p``; :func:`rules_from_args` reads it.

    Examples
    --------
    >>> import argparse
    >>> p = argparse.ArgumentParser()
    >>> add_structure_budget(p)
    >>> rules_from_args(p.parse_args(["--max-structures", "50"])).budgets.max_structures
    50
    """
    from contract_theory.contracting.coalitions.rules import DEFAULT_MAX_STRUCTURES

    p.add_argument("--max-structures", type=int, default=DEFAULT_MAX_STRUCTURES, metavar="N",
                   help="refuse to solve more than N coalition structures (classes of structures in symmetric and "
                        "compact games, which are enumerated by composition; default: %(default)s)")


def rules_from_args(args: argparse.Namespace) -> Any:
    """The :class:`~contract_theory.contracting.coalitions.rules.Rules` of a command's flags.

    Reads ``--timing``, ``--selection``, ``--sharing``, ``--tie`` and, where the command has them,
    the protocol flags ``--voting``, ``--refinement``, ``--default``; a flag the command lacks keeps
    its :class:`Rules` default.

    Examples
    --------
    >>> r = rules_from_args(argparse.Namespace(timing="nash", selection="optimistic", sharing="none", voting="majority"))
    >>> r.as_dict(), r.protocol.voting
    ({'timing': 'nash', 'selection': 'optimistic', 'sharing': 'none', 'tie': 'inside'}, 'majority')
    """
    from contract_theory.contracting.coalitions.rules import Rules

    names = ("timing", "selection", "sharing", "tie", "voting", "refinement", "default", "max_structures")
    given = {n: getattr(args, n) for n in names if getattr(args, n, None) is not None}
    return Rules().replace(**given)
