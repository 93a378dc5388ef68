"""Sub-commands of the ``contract-theory`` command line (one module each)."""

from __future__ import annotations

from typing import Any

__all__ = ["add_study_options"]


def add_study_options(p: Any, *, tie: bool = True) -> None:
    """Add the coalition-study options every study command shares to the argparse parser ``p``.

    ``--timing``, ``--selection``, ``--sharing`` and (``tie=True``) ``--tie``, each with the
    choices of the contracting layer and its first choice as the default (stackelberg,
    pessimistic, equal, inside).

    >>> import argparse
    >>> p = argparse.ArgumentParser()
    >>> add_study_options(p)
    >>> vars(p.parse_args(["--tie", "outside"]))
    {'timing': 'stackelberg', 'selection': 'pessimistic', 'sharing': 'equal', 'tie': 'outside'}
    """
    from contract_theory.contracting.coalitions.normal_form import SELECTIONS, SHARINGS, TIMINGS
    from contract_theory.contracting.coalitions.stability import TIES

    options: list[tuple[str, tuple[str, ...]]] = [("--timing", TIMINGS), ("--selection", SELECTIONS),
                                                  ("--sharing", SHARINGS)]
    for flag, choices in options + ([("--tie", TIES)] if tie else []):
        p.add_argument(flag, choices=choices, default=choices[0])
