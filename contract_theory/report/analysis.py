"""The ``analyze`` report section for every kind of game: JSON, text and LaTeX (one entry point each).

:func:`analysis_json`, :func:`analysis_text` and :func:`analysis_latex` dispatch on
``a.game.kind`` to the normal-form renderer (:mod:`contract_theory.report.normal_form`), the Markov
one (:mod:`contract_theory.report.markov`: policies, values, MPE) or the compact one
(:mod:`contract_theory.report.compact`: compositions and count matrices).  ``assumptions`` are the
checks to include (:func:`contract_theory.api.check_assumptions`; Markov analyses have none).

The JSON document is the contract of ``contract-theory analyze --format json``: exact numbers are
strings (``"21/2"``), profiles are action labels, coalitions are lists of player indices (compact:
compositions).

Examples
--------
>>> from contract_theory import load_game, partial_contract_analysis
>>> analysis_json(partial_contract_analysis(load_game("commons_markov:n=3"), 2))["discount"]
'9/10'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from contract_theory.contracting.coalitions.partial_contracts import PartialContractAnalysis
from contract_theory.report import normal_form

if TYPE_CHECKING:
    from contract_theory.contracting.coalitions.compact import CompactAnalysis

__all__ = ["analysis_json", "analysis_text", "analysis_latex"]


def _render(a: PartialContractAnalysis, assumptions: Sequence[Any], form: str) -> Any:
    """The renderer of ``form`` (``"json"``, ``"text"``, ``"latex"``) for the study's kind, applied."""
    kind = a.game.kind
    if kind == "markov":  # Markov analyses carry no assumption checks
        from contract_theory.report import markov
        return getattr(markov, f"_markov_analysis_{form}")(a)
    if kind == "compact":
        from contract_theory.report import compact
        return getattr(compact, f"_compact_analysis_{form}")(cast("CompactAnalysis", a), assumptions)
    return getattr(normal_form, f"analysis_{form}")(a, assumptions)


def analysis_json(a: PartialContractAnalysis, assumptions: Sequence[Any] = ()) -> dict[str, Any]:
    """The ``analyze`` JSON document of a study of any kind (see the module docstring)."""
    doc: dict[str, Any] = _render(a, assumptions, "json")
    return doc


def analysis_text(a: PartialContractAnalysis, assumptions: Sequence[Any] = ()) -> str:
    """A readable report of a study of any kind: the welfare-by-k table, stability, the checks."""
    return str(_render(a, assumptions, "text"))


def analysis_latex(a: PartialContractAnalysis, assumptions: Sequence[Any] = ()) -> str:
    """booktabs tables of a study of any kind: welfare by k and (when given) the assumption checks."""
    return str(_render(a, assumptions, "latex"))
