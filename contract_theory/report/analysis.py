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
from contract_theory.report.wording import coalition_text
from contract_theory.util.latex import terminal_safe, tex_escape

if TYPE_CHECKING:
    from contract_theory.contracting.coalitions.compact import CompactAnalysis

__all__ = ["analysis_json", "analysis_text", "analysis_latex", "FLOAT_NOTE", "exactness_text", "result_ties"]

#: What ``exact = False`` means, in every output that carries it.
FLOAT_NOTE = "payoffs were given as floats; results are exact for their binary values"


def exactness_text(game: Any) -> str:
    """``exact: yes`` or ``exact: no (FLOAT_NOTE)`` for the game's ``exact`` flag (True when it has none).

    Examples
    --------
    >>> from contract_theory.games.normal_form import NormalFormGame
    >>> exactness_text(NormalFormGame([[[1, 1], [0, 0]], [[0, 0], [1, 1]]]))
    'exact: yes'
    >>> exactness_text(NormalFormGame([[[1.5, 1], [0, 0]], [[0, 0], [1, 1]]]))
    'exact: no (payoffs were given as floats; results are exact for their binary values)'
    """
    return "exact: yes" if getattr(game, "exact", True) else f"exact: no ({FLOAT_NOTE})"


def _listed(game: Any, tied: tuple[Any, ...]) -> str:
    """`` (p1, p2, ...)`` of at most six tied profiles as action labels, or nothing when they are not
    plain profiles (a Markov policy, a composition): then the count alone is reported."""
    try:
        shown = ["(" + ", ".join(game.labels(p)) + ")" for p in tied[:6]
                 if isinstance(p, tuple) and all(isinstance(x, int) for x in p)]
    except (AttributeError, IndexError, TypeError, ValueError):
        return ""
    if len(shown) != len(tied[:6]):
        return ""
    return f" ({', '.join(shown)}{', ...' if len(tied) > 6 else ''})"


def _who(game: Any, members: Any) -> str:
    """A coalition by its players' names (``{P0, P1}``) when ``members`` are player indices of ``game``."""
    players = list(getattr(game, "players", ()) or ())
    if all(isinstance(i, int) and 0 <= i < len(players) for i in members):
        return coalition_text(players, members)
    return "(" + ", ".join(str(x) for x in members) + ")"


def result_ties(a: PartialContractAnalysis) -> list[str]:
    """The ties the study's answer rests on, one sentence each: several no-contract equilibria of the
    selected welfare; several outcomes of a best coalition tied on the members' total and welfare
    (the smallest joint action is taken); several coalitions of one size tied on W(S) (the first
    in size-then-lexicographic order represents them).  Empty when nothing rests on a tie.

    Examples
    --------
    >>> from contract_theory import load_game, partial_contract_analysis
    >>> result_ties(partial_contract_analysis(load_game("prisoners_dilemma"), 2))
    []
    """
    g, out = a.game, []
    base_ties = tuple(getattr(a.no_contract, "ties", ()) or ())
    if len(base_ties) > 1:
        out.append(f"no contract: {len(base_ties)} equilibria tied on welfare under selection={a.selection}"
                   f"{_listed(g, base_ties)}; the smallest profile is taken")
    for k in range(2, a.k + 1):
        o = a.by_k.get(k)
        if o is None:
            continue
        tied = tuple(getattr(o, "ties", ()) or ())
        if len(tied) > 1:
            out.append(f"k = {k}: coalition {_who(g, o.coalition)} has {len(tied)} outcomes tied on the members' total "
                       f"and welfare{_listed(g, tied)}; the smallest joint action is taken")
        same = a.best_coalitions_by_k.get(k, ())
        if len(same) > 1:
            out.append(f"k = {k}: {len(same)} coalitions tied on W(S) "
                       f"({', '.join(_who(g, S) for S in same[:6])}{', ...' if len(same) > 6 else ''})")
    return out


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
    doc["exact"] = bool(getattr(a.game, "exact", True))
    doc["ties"] = result_ties(a)
    return doc


def analysis_text(a: PartialContractAnalysis, assumptions: Sequence[Any] = ()) -> str:
    """A readable report of a study of any kind: the welfare-by-k table, stability, the checks."""
    ties = result_ties(a)
    tail = [exactness_text(a.game), "ties: " + ("none" if not ties else "; ".join(ties))]
    return terminal_safe(str(_render(a, assumptions, "text")) + "\n" + "\n".join(tail))


def analysis_latex(a: PartialContractAnalysis, assumptions: Sequence[Any] = ()) -> str:
    """booktabs tables of a study of any kind: welfare by k and (when given) the assumption checks."""
    ties = result_ties(a)
    tail = (f"\\noindent {tex_escape(exactness_text(a.game).capitalize())}. "
            + ("No result rests on a tie." if not ties else "Ties: " + tex_escape("; ".join(ties)) + "."))
    return str(_render(a, assumptions, "latex")).rstrip("\n") + "\n\n" + tail + "\n"
