"""Markov games in the ``solve`` command (its body; ``analyze`` serves every kind through :mod:`contract_theory.api`)."""

from __future__ import annotations

import json
from typing import Any

from contract_theory.games.markov import MarkovGame
from contract_theory.report.markov import markov_solve_json, markov_solve_text

__all__ = ["run_markov_solve"]


# ------------------------------------------------------------------------------------ command bodies
def _emit(doc: dict[str, Any]) -> None:
    import sys

    json.dump(doc, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def run_markov_solve(game: MarkovGame, args: Any) -> int:
    """``contract-theory solve`` on a Markov game (``args.concept``, ``args.format`` as for normal form).

    Only ``--concept pure`` applies (stationary pure MPE); other concepts raise
    :class:`~contract_theory.errors.ParameterError`.
    """
    from contract_theory.errors import ParameterError

    concept = getattr(args, "concept", "pure")
    if concept != "pure":
        raise ParameterError(f"--concept {concept} is not available for Markov games; use --concept pure "
                             "(stationary pure Markov perfect equilibria)")
    doc = markov_solve_json(game)
    if getattr(args, "format", "text") == "json":
        _emit(doc)
    else:
        from contract_theory.util.latex import terminal_safe
        print(terminal_safe(markov_solve_text(game, doc)))
    return 0
