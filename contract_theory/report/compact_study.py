"""The report's section on treaty-sized games: compact games with 100 players (issue 14).

:func:`compact_section` analyzes, by coalition composition, the emissions-abatement model
``iea:n=100,b=1,c=1`` (Barrett 1994) under both tie rules and a typed public goods game
(60 players with endowment 1, 40 with endowment 2), writes each game's welfare curve as a PNG and
the LaTeX table, and returns the markdown and the JSON documents
(:func:`contract_theory.report.analysis.analysis_json`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Any

from contract_theory.api import theorem_check
from contract_theory.contracting.coalitions.compact import CompactAnalysis, CompactBloc
from contract_theory.contracting.coalitions.partial_contracts import partial_contract_study
from contract_theory.contracting.coalitions.rules import Rules
from contract_theory.errors import ParameterError, SizeLimitError
from contract_theory.games.loading import load_game
from contract_theory.report.analysis import analysis_json, analysis_latex
from contract_theory.report.normal_form import composition_text
from contract_theory.report.plots import plot_welfare_curve
from contract_theory.report.wording import num
from contract_theory.util.atomic import write_text
from contract_theory.util.latex import markdown_safe

__all__ = ["compact_section", "DEFAULT_COMPACT"]

#: Compact games of the default report: (spec, K).
DEFAULT_COMPACT: tuple[tuple[str, int], ...] = (("iea:n=100,b=1,c=1", 100),
                                                ("public_goods:counts=60|40,e=1|2,r=3", 100))


def compact_section(out_dir: str, games: Sequence[tuple[str, int]] = DEFAULT_COMPACT) -> tuple[str, dict[str, Any]]:
    """Markdown and JSON for the compact games (K = N; stable sizes under ``inside`` and ``outside`` ties),
    with each game's Answers at K = N - 1 (:func:`contract_theory.report.kind_answers.compact_answers`).

    Cost: per game one compact study (K = N; the other tie rule and K = N - 1 reuse its compositions'
    outcomes, redoing only stability) and the compact assumption checks at K = N - 1 (two more
    studies, for B3 and B4); linear aggregative here.
    """
    from contract_theory.api import check_assumptions
    from contract_theory.report.answers import k_partial
    from contract_theory.report.kind_answers import compact_answers

    lines = ["## Games with 100 players (compact)", "",
             "Coalitions are described by composition (members per type); all numbers are exact.", ""]
    docs = []
    for spec, k in games:
        g = load_game(spec)
        if g.kind != "compact":
            raise ParameterError(f"{spec!r} is not a compact game; add compact=true or use more than 12 players")
        a: CompactAnalysis = partial_contract_study(CompactBloc(g), k, Rules())
        doc = analysis_json(a)
        doc["spec"] = spec
        outside: CompactAnalysis = partial_contract_study(CompactBloc(g), k, Rules(tie="outside"), reuse=a)
        doc["stable_sizes_tie_outside"] = outside.stable_sizes
        try:  # the protocol's SPE over the theorem's contracts, all N signing (needs small action sets)
            spe = theorem_check(g)
            doc["spe"] = {"worst_welfare": num(spe.worst_welfare), "best_welfare": num(spe.best_welfare),
                          "every_spe_optimal": spe.every_spe_optimal}
            low, high = doc["spe"]["worst_welfare"], doc["spe"]["best_welfare"]
            spe_text = (" All sign (K = N): " + (f"every SPE has welfare {low}." if low == high else
                                                 f"the SPEs have welfare from {low} to {high}."))
        except (ParameterError, SizeLimitError):  # e.g. iea: N + 1 actions, too many count matrices
            doc["spe"] = None
            spe_text = (" The SPE check with all signing was not run: it enumerates count matrices, and this game "
                        "has more than the check's limit.")
        kk = k_partial(g.n_players, k)
        if kk is not None:  # the Answers at K = N - 1
            a_k: CompactAnalysis = partial_contract_study(CompactBloc(g), kk, Rules(), reuse=a)  # a's compositions
            doc["answers"] = compact_answers(a, a_k, check_assumptions(g, kk, Rules(), analysis=a_k), doc["spe"])
        slug = re.sub(r"[^a-z0-9]+", "-", spec.lower()).strip("-")
        doc["anchor"] = f"game-compact-{slug}"
        png = os.path.join(out_dir, f"{slug}-welfare.png")
        plot_welfare_curve(a, png)  # a CompactAnalysis has the curve's fields
        write_text(os.path.join(out_dir, f"{slug}.tex"), analysis_latex(a))
        first = next((r for r in doc["by_k"] if r["composition"] is not None and r["gains"] is not None
                      and r["gains"]["total"] != "0"), None)
        stable = doc["stable_compositions"]
        lines += [f'<a id="{doc["anchor"]}"></a>', "", f"### {markdown_safe(g.title)}", "",
                  f"{g.n_players} players; W* = {doc['optimum']['welfare']}, no contract W = "
                  f"{doc['no_contract']['welfare']}; W_K = {doc['welfare_curve'][str(k)]} at K = {k}; smallest k "
                  f"reaching W*: {doc['min_k_for_optimum'] or 'none'}; price of partial contracting "
                  f"({doc['price_measure']}): {doc['price_of_partial_contracting']}.",
                  "",
                  f"Stable sizes: {_sizes(doc['stable_sizes'])} (indifferent agents stay in), "
                  f"{_sizes(outside.stable_sizes)} (indifferent agents stay out); "
                  f"{len(stable)} stable composition{'' if len(stable) == 1 else 's'}"
                  + ((": " if len(stable) <= 3 else ", e.g. ") + "; ".join(composition_text(doc, c) for c in stable[:3])
                     if stable else "") + ". "
                  + ("" if first is None else f"The smallest coalition that changes welfare has composition "
                     f"{composition_text(doc, first['composition'])} (W = {first['welfare']}).") + spe_text,
                  "", f"![welfare by K]({slug}-welfare.png)", ""]
        docs.append(doc)
    return "\n".join(lines), {"compact": docs}


def _sizes(sizes: Sequence[int]) -> str:
    """Stable sizes in words: ``3``, ``2 and 3``, ``none``."""
    if not sizes:
        return "none"
    return ", ".join(map(str, sizes[:-1])) + (" and " if len(sizes) > 1 else "") + str(sizes[-1])
