"""Render the modification comparison (:mod:`contract_theory.contracting.modifications.design`) and its report section.

JSON (the contract of ``contract-theory design --format json``): ``baseline`` and
``modifications``, each ``{name, welfare, min_k_for_optimum, cost, members_gain,
outsiders_gain, assumptions, notes}`` with exact numbers as strings (the baseline also
``stable_welfare``, the best stable welfare without repair; each treaty repair also
``parameter``, ``stable_welfare``, ``stable_sizes``, ``stable_coalitions`` and
``within_theorem_class``, :func:`contract_theory.report.stable_view.repair_json`), ``min_k_for_optimum``
``null`` when W* is out of reach within K and ``assumptions`` mapping a check id to
``"holds"``, ``"fails"`` or ``"not applicable"``; plus ``optimum``, ``no_contract``, ``k``,
``parameters`` and ``restores_optimality`` (one sentence).

The report section (:func:`design_section`) answers "which assumptions hold when only
K < N sign" for one game: the assumption table at K = N and at the K < N studied, the
modifications table at that K, and the sentence on what restores optimality.

Example (the text, Markdown and LaTeX forms of one comparison):

Examples
--------
>>> from contract_theory.games.library import public_goods
>>> from contract_theory.contracting.modifications.design import design_comparison
>>> d = design_comparison(public_goods(3, 2, 6), 2)   # K = 2 < N = 3
>>> design_text(d).splitlines()[3]
'none                    30       -                       0     4              8                A4, B1'
>>> design_markdown(d).splitlines()[3]
'| payments to outsiders | 36 | 2 | 2 | 10 | 8 | none |'
>>> print([line for line in design_latex(d).splitlines() if line.startswith("payments")][0])
payments to outsiders & $36$ & 2 & $2$ & $10$ & $8$ & none \\\\
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from contract_theory.contracting.coalitions.rules import Rules
from contract_theory.contracting.modifications.design import DesignComparison, DesignRow, design_comparison, restores_optimality
from contract_theory.exact.numbers import fmt
from contract_theory.games.normal_form import NormalFormGame
from contract_theory.report.stable_view import repair_json, repair_note
from contract_theory.util.latex import tex_escape, tex_number

__all__ = ["design_json", "design_text", "design_markdown", "design_latex", "design_section", "assumption_rows"]

_COLUMNS = ("modification", "welfare", "smallest k reaching W*", "cost", "members' gain", "outsiders' gain",
            "assumptions failing")


def _num(x: Any) -> str | None:
    return None if x is None else fmt(x)


def _row_json(r: DesignRow) -> dict[str, Any]:
    out: dict[str, Any] = {"name": r.name, "welfare": _num(r.welfare), "min_k_for_optimum": r.min_k_for_optimum,
                           "cost": fmt(r.cost), "members_gain": _num(r.members_gain),
                           "outsiders_gain": _num(r.outsiders_gain),
                           "assumptions": dict(sorted(r.assumptions.items(), key=lambda kv: (kv[0][0], int(kv[0][1:])))),
                           "notes": list(r.notes)}
    if r.name == "none":
        out["stable_welfare"] = _num(r.stable_welfare)
    if r.repair is not None:
        extra = repair_json(r.repair)
        out.update({key: extra[key] for key in ("parameter", "stable_welfare", "stable_sizes", "stable_coalitions",
                                                "within_theorem_class", "gives_up")})
        out["notes"] = [repair_note(r.repair)] + out["notes"]
    return out


def design_json(d: DesignComparison) -> dict[str, Any]:
    """The JSON document (module docstring).

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> from contract_theory.contracting.modifications.design import design_comparison
    >>> d = design_comparison(public_goods(3, 2, 6), 2)   # K = 2 < N = 3
    >>> doc = design_json(d)
    >>> doc["baseline"]["welfare"], [(r["name"], r["welfare"], r["cost"]) for r in doc["modifications"]][0]
    ('30', ('payments to outsiders', '36', '2'))
    """
    return {"title": d.game.title, "k": d.k, "n_players": d.game.n_players,
            "parameters": {"timing": d.timing, "selection": d.selection, "sharing": d.sharing,
                           "tie": d.parameters.get("tie", "inside")},
            "optimum": fmt(d.optimum_welfare), "no_contract": _num(d.no_contract_welfare),
            "baseline": _row_json(d.baseline), "modifications": [_row_json(r) for r in d.modifications],
            "restores_optimality": restores_optimality(d), "notes": list(d.notes)}


def _cells(r: dict[str, Any]) -> list[str]:
    fails = [i for i, s in r["assumptions"].items() if s == "fails"]
    return [r["name"], r["welfare"] or "-", "-" if r["min_k_for_optimum"] is None else str(r["min_k_for_optimum"]),
            r["cost"], r["members_gain"] or "-", r["outsiders_gain"] or "-", ", ".join(fails) or "none"]


def design_text(d: DesignComparison) -> str:
    """A plain-text table, one row per modification, then the sentence. Example: the module docstring.
    """
    doc = design_json(d)
    rows = [list(_COLUMNS)] + [_cells(r) for r in [doc["baseline"]] + doc["modifications"]]
    widths = [max(len(r[c]) for r in rows) for c in range(len(_COLUMNS))]
    lines = [f"{d.game.title or 'game'}: {d.game.n_players} players; K = {d.k}; W* = {doc['optimum']}; "
             f"no contract W = {doc['no_contract']}; timing={d.timing}, selection={d.selection}, sharing={d.sharing}, "
             f"tie={doc['parameters']['tie']}",
             ""]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines += ["", doc["restores_optimality"]]
    for r in [doc["baseline"]] + doc["modifications"]:
        for note in r["notes"]:
            lines.append(f"note ({r['name']}): {note}")
    return "\n".join(lines)


def design_markdown(d: DesignComparison) -> str:
    """The comparison as a Markdown table. Example: the module docstring.
    """
    doc = design_json(d)
    rows = [_cells(r) for r in [doc["baseline"]] + doc["modifications"]]
    out = ["| " + " | ".join(_COLUMNS) + " |", "|" + "---|" * len(_COLUMNS)]
    out += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows]
    return "\n".join(out)


def design_latex(d: DesignComparison) -> str:
    """A booktabs table of the comparison. Example: the module docstring.
    """
    doc = design_json(d)
    body = []
    for r in [doc["baseline"]] + doc["modifications"]:
        c = _cells(r)
        body.append(" & ".join([tex_escape(c[0]), tex_number(r["welfare"]), tex_escape(c[2]), tex_number(r["cost"]),
                                tex_number(r["members_gain"]), tex_number(r["outsiders_gain"]), tex_escape(c[6])])
                    + " \\\\")
    return "\n".join([
        "% requires \\usepackage{booktabs}", "\\begin{table}[ht]", "\\centering",
        f"\\caption{{Contract modifications with $K = {d.k}$: {tex_escape(d.game.title or 'game')} "
        f"($W^* = {doc['optimum']}$). {tex_escape(doc['restores_optimality'])}}}",
        "\\begin{tabular}{lrrrrrl}", "\\toprule",
        "modification & $W$ & smallest $k$ & cost & members' gain & outsiders' gain & failing \\\\", "\\midrule",
        *body, "\\bottomrule", "\\end{tabular}", "\\end{table}"]) + "\n"


def assumption_rows(full: Sequence[Any], partial: Sequence[Any]) -> list[tuple[str, str, str, str, str]]:
    """(id, name, status at K = N, status at K < N, witness of a failure at K < N) per check.

    Examples
    --------
    >>> from contract_theory.contracting.protocol.assumptions import check_assumptions
    >>> from contract_theory.games.library import public_goods
    >>> g = public_goods(3, 2, 6)
    >>> rows = assumption_rows(check_assumptions(g, k=3), check_assumptions(g, k=2))
    >>> [r[:4] for r in rows if r[0] in ("A4", "B1")]
    [('A4', 'an enforcing contract for the optimum exists', 'holds', 'fails'), \
('B1', "outsiders' incentives at the optimum", 'not applicable', 'fails')]
    """
    at_k = {c.id: c for c in partial}
    rows = []
    for c in full:
        p = at_k.get(c.id)
        witness = "" if p is None or p.status != "fails" else str(p.witness)
        if c.status == "fails" and not witness:
            witness = f"(K = N) {c.witness}"
        rows.append((c.id, c.name, c.status, "-" if p is None else p.status, witness))
    return rows


def design_section(game: NormalFormGame, k: int | None = None,
                   rules: Rules = Rules()) -> tuple[str, dict[str, Any]]:
    """Markdown and JSON answering "which assumptions hold when only K < N sign" for one game.

    ``k`` is the K < N studied (default N - 1); ``rules`` those of the checks and the modifications.
    Returns ``("", {})`` when no K with 2 <= K < N exists (two-player games).

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma, public_goods
    >>> design_section(prisoners_dilemma())
    ('', {})
    >>> text, doc = design_section(public_goods(3, 2, 6))
    >>> text.splitlines()[0], doc["k_partial"]
    ('### Which assumptions hold when only K = 2 < N = 3 sign', 2)
    """
    from contract_theory.contracting.protocol.assumptions import check_assumptions

    n = game.n_players
    kk = n - 1 if k is None or k >= n else k
    if kk < 2:
        return "", {}
    full = check_assumptions(game, n, rules)
    partial = check_assumptions(game, kk, rules)
    d = design_comparison(game, kk, rules)
    rows = assumption_rows(full, partial)
    lines = [f"### Which assumptions hold when only K = {kk} < N = {n} sign", "",
             "| id | assumption | K = N | K = " + str(kk) + " | witness of the failure |", "|---|---|---|---|---|"]
    lines += ["| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |" for r in rows]
    lines += ["", f"Modifications with K = {kk} (exact; W* = {fmt(d.optimum_welfare)}):", "", design_markdown(d), "",
              restores_optimality(d), ""]
    doc = {"k_partial": kk,
           "assumptions": [{"id": r[0], "name": r[1], "k_equals_n": r[2], "k_partial": r[3], "witness": r[4] or None}
                           for r in rows],
           "design": design_json(d)}
    return "\n".join(lines), doc
