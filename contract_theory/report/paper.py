r"""LaTeX a paper can ``\input``: per game the K < N assumption table and the modifications table, and the atlas.

``contract-theory report`` writes, next to its other files,

* ``<game>-k-below-n.tex`` per game with N >= 3 (:func:`game_latex`): the assumption checks at K = N
  and at the K < N studied, each id with its name and, for a failure at that K, the witness in words
  (:mod:`contract_theory.report.answers`); then the modifications at that K (welfare, smallest k
  reaching W*, cost -- an infimum written with ">" --, members' and outsiders' gains);
* ``atlas.tex`` (:func:`atlas_latex`): the claims atlas folded into claim x shape under the report's
  convention, a failure with its margin.

Every table is a ``table`` float with booktabs rules, built from the report's JSON (so a game section
from a checkpoint is typeset the same); the preamble they need is one line,
``\usepackage{booktabs}`` (:data:`PREAMBLE`).  Exact numbers are typeset by
:func:`~contract_theory.util.latex.tex_number` and text is escaped by
:func:`~contract_theory.util.latex.tex_escape`.

Examples
--------
>>> print(PREAMBLE)
\usepackage{booktabs}
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from contract_theory.contracting.coalitions.rules import Rules
from contract_theory.util.latex import tex_escape, tex_number

__all__ = ["PREAMBLE", "game_latex", "atlas_latex"]

#: The preamble line every emitted table needs.
PREAMBLE = r"\usepackage{booktabs}"


def _convention(rules: Rules) -> str:
    return (f"timing {rules.timing}, selection {rules.selection}, sharing {tex_escape(rules.sharing)}, "
            f"tie {tex_escape(rules.tie)}")


def _cost(r: dict[str, Any]) -> str:
    if r["cost_attained"]:
        return tex_number(r["cost"])
    return "$>" + tex_number(r["cost"]).strip("$") + "$"


def game_latex(doc: dict[str, Any], rules: Rules) -> str | None:
    """The K < N tables of one game section's JSON document (module docstring); ``None`` for a game
    without a K < N (two players).  Complexity O(checks + modifications).

    Examples
    --------
    >>> doc = {"title": "G", "players": ["P0", "P1", "P2"], "optimum": {"welfare": "6"},
    ...        "k_below_n": {"k_partial": 2, "assumptions": [
    ...            {"id": "B1", "name": "outsiders' incentives", "k_equals_n": "not applicable", "k_partial": "fails"}],
    ...            "design": {"baseline": {"name": "none", "status": "computed", "welfare": "5", "min_k_for_optimum": None,
    ...                                    "cost": "0", "cost_attained": True, "members_gain": "1", "outsiders_gain": "0"},
    ...                       "modifications": []}},
    ...        "answers": {"fails": [{"id": "B1", "witness": "P2 gains 1/2 by playing D"}]}}
    >>> tex = game_latex(doc, Rules())
    >>> print(next(line for line in tex.splitlines() if line.startswith("B1")))
    B1 & outsiders' incentives & not applicable & fails & P2 gains 1/2 by playing D \\\\
    """
    below = doc.get("k_below_n") or {}
    if not below:
        return None
    kk, n, title = below["k_partial"], len(doc["players"]), tex_escape(doc.get("title") or doc.get("spec") or "game")
    words = {f["id"]: f["witness"] for f in (doc.get("answers") or {}).get("fails", [])}
    rows = [f"{tex_escape(a['id'])} & {tex_escape(a['name'])} & {tex_escape(a['k_equals_n'])} & "
            f"{tex_escape(a['k_partial'])} & {tex_escape(words.get(a['id'], ''))} \\\\" for a in below["assumptions"]]
    design = below["design"]
    mods = []
    for r in [design["baseline"], *design["modifications"]]:
        if r["status"] != "computed":
            mods.append(f"{tex_escape(r['name'])} & \\multicolumn{{5}}{{l}}{{not computed}} \\\\")
            continue
        k_star = "--" if r["min_k_for_optimum"] is None else str(r["min_k_for_optimum"])
        mods.append(" & ".join([tex_escape(r["name"]), tex_number(r["welfare"]), k_star, _cost(r),
                                tex_number(r["members_gain"]), tex_number(r["outsiders_gain"])]) + " \\\\")
    w_star = tex_number(doc["optimum"]["welfare"]).strip("$")
    return "\n".join([
        "% requires " + PREAMBLE,
        "\\begin{table}[ht]", "\\centering", "\\small",
        f"\\caption{{Assumptions of the full-contract theorem with $K = {n}$ and $K = {kk} < N = {n}$: {title} "
        f"({_convention(rules)}).}}",
        "\\begin{tabular}{llllp{0.4\\linewidth}}", "\\toprule",
        f"id & assumption & $K = N$ & $K = {kk}$ & witness of the failure at $K = {kk}$ \\\\", "\\midrule",
        *rows, "\\bottomrule", "\\end{tabular}", "\\end{table}", "",
        "\\begin{table}[ht]", "\\centering", "\\small",
        f"\\caption{{Contract modifications with $K = {kk}$: {title} ($W^* = {w_star}$; {_convention(rules)}; "
        "a cost written $>c$ is an infimum, not attained).}",
        "\\begin{tabular}{lrrrrr}", "\\toprule",
        "modification & $W$ & smallest $k$ reaching $W^*$ & cost & members' gain & outsiders' gain \\\\", "\\midrule",
        *mods, "\\bottomrule", "\\end{tabular}", "\\end{table}"]) + "\n"


def _cell(cell: dict[str, Any] | None) -> str:
    if cell is None:
        return "--"
    if cell["verdict"] == "fails":
        return f"fails ({tex_number(cell['margin'])})" if cell.get("margin") not in (None, "0") else "fails (tie)"
    return tex_escape(cell["verdict"])


def atlas_latex(fold: dict[str, Any], rules: Rules, claims: Sequence[str]) -> str:
    """The folded atlas (:func:`contract_theory.report.answers.atlas_fold`) as a table: one row per claim
    of ``claims``, one column per shape.  Complexity O(claims x shapes).

    Examples
    --------
    >>> fold = {"shapes": ["2x2"], "cells": {"welfare-rises": {"2x2": {"verdict": "fails", "margin": "1/2"}}}}
    >>> print(next(line for line in atlas_latex(fold, Rules(), ["welfare-rises"]).splitlines() if line.startswith("w")))
    welfare-rises & fails ($\\frac{1}{2}$) \\\\
    """
    shapes, times = fold["shapes"], r" \times "
    rows = [f"{tex_escape(name)} & " + " & ".join(_cell(fold["cells"].get(name, {}).get(s)) for s in shapes) + " \\\\"
            for name in claims if name in fold["cells"]]
    return "\n".join([
        "% requires " + PREAMBLE,
        "\\begin{table}[ht]", "\\centering",
        f"\\caption{{Built-in claims decided over all games of each shape with real payoffs ({_convention(rules)}; "
        "$K = N - 1$, and $K = 2$ for two players). A failure's margin in parentheses: every game that close in max "
        "norm fails too; ``tie'' when the counterexample rests on a tie.}",
        "\\begin{tabular}{l" + "l" * len(shapes) + "}", "\\toprule",
        "claim & " + " & ".join("$" + s.replace("x", times) + "$" for s in shapes) + " \\\\", "\\midrule",
        *rows, "\\bottomrule", "\\end{tabular}", "\\end{table}"]) + "\n"
