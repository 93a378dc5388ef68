"""Markov games in the ``solve`` and ``analyze`` commands (the command bodies)."""

from __future__ import annotations

import json
from typing import Any

from contract_theory.games.markov import MarkovGame
from contract_theory.report.markov import (
    markov_analysis_json,
    markov_analysis_latex,
    markov_analysis_text,
    markov_solve_json,
    markov_solve_text,
)

__all__ = ["run_markov_solve", "run_markov_analyze"]


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
        print(markov_solve_text(game, doc))
    return 0


def run_markov_analyze(game: MarkovGame, args: Any) -> int:
    """``contract-theory analyze`` on a Markov game (the options of the normal-form command)."""
    from contract_theory.markov.partial_contracts import markov_partial_contract_analysis

    a = markov_partial_contract_analysis(game, args.k, timing=args.timing, selection=args.selection,
                                         sharing=args.sharing, tie=args.tie,
                                         require_acceptance=args.require_acceptance)
    fmt_ = getattr(args, "format", "text")
    if fmt_ == "json":
        _emit(markov_analysis_json(a))
    elif fmt_ == "latex":
        import sys
        sys.stdout.write(markov_analysis_latex(a))
    else:
        print(markov_analysis_text(a))
    return 0
