"""Render a normal-form study (:class:`~contract_theory.contracting.coalitions.partial_contracts.PartialContractAnalysis`).

JSON, text or LaTeX.  The pieces the Markov and compact renderers share live here too
(:func:`outcome_numbers`, :func:`assumption_json`, :func:`welfare_by_k_lines`, ...);
:mod:`contract_theory.report.analysis` is the one entry point that dispatches on the game's kind.
The JSON document is the contract of ``contract-theory analyze --format json``: exact
numbers are strings (``"21/2"``), profiles are action labels, coalitions are lists of
player indices.  The LaTeX form is a set of ``booktabs`` tables a paper can include.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from contract_theory.contracting.coalitions.partial_contracts import PartialContractAnalysis
from contract_theory.equilibria.pure import pure_nash_solve
from contract_theory.report.serialize import pure_profile_json
from contract_theory.report.wording import coalition_text, jsonable, num, witness_sentence, yes_no
from contract_theory.util.latex import tex_escape, tex_number

__all__ = ["analysis_json", "analysis_text", "analysis_latex", "assumption_lines", "outcome_numbers", "assumption_json",
           "welfare_by_k_lines", "curve_summary_lines"]


def analysis_json(a: PartialContractAnalysis, assumptions: Sequence[Any] = (), *,
                  render_profile: Callable[[Any], Any] | None = None,
                  equilibria: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The ``analyze`` JSON document (see the module docstring).

    ``render_profile`` turns an outcome's profile into JSON (default: action labels; Markov
    analyses pass a policy renderer) and ``equilibria`` replaces the ``pure_nash`` list
    (default: the pure Nash equilibria of a normal-form game).
    """
    g = a.game
    render_pure = render_profile or (lambda p: list(g.labels(p)))

    def render(outcome: Any) -> Any:
        """Pure: the renderer's form; mixed (``strategies``): one {label: probability} per player."""
        if getattr(outcome, "strategies", None) is not None and outcome.profile is None:
            return [{g.actions[i][k]: num(q) for k, q in enumerate(st) if q != 0}
                    for i, st in enumerate(outcome.strategies)]
        return render_pure(outcome.profile)

    base = a.no_contract
    by_k: list[dict[str, Any]] = []
    for k in range(2, a.k + 1):
        o = a.by_k[k]
        if o is None:
            by_k.append({"k": k, "coalition": None, "profile": None, "payoffs": None, "welfare": None,
                         "members_accept": None, "tied_coalitions": []})
            continue
        by_k.append({
            "k": k,
            "coalition": list(o.coalition),
            "profile": render(o),
            "payoffs": [num(v) for v in o.payoffs or ()],
            "raw_payoffs": [num(v) for v in o.raw_payoffs or ()],
            **outcome_numbers(o),
            "tied_coalitions": [list(S) for S in a.best_coalitions_by_k[k]],
        })
    return {
        "title": g.title,
        "players": list(g.players),
        "actions": [list(x) for x in g.actions],
        "parameters": {"k": a.k, "timing": a.timing, "selection": a.selection, "sharing": a.sharing,
                       "tie": a.tie, "require_acceptance": a.require_acceptance},
        "pure_nash": ([pure_profile_json(g, p) for p in pure_nash_solve(g).equilibria]
                      if equilibria is None else equilibria),
        "optimum": {"welfare": num(a.optimum_welfare), "profiles": [render_pure(p) for p in a.optimum_profiles]},
        "no_contract": {"welfare": num(base.welfare),
                        "payoffs": None if base.payoffs is None else [num(v) for v in base.payoffs],
                        "profile": (None if base.profile is None and base.strategies is None
                                    else render(base))},
        "by_k": by_k,
        "welfare_curve": {str(k): num(w) for k, w in a.welfare_curve.items()},
        "min_k_for_optimum": a.min_k_for_optimum,
        "price_of_partial_contracting": num(a.price_of_partial_contracting),
        "price_measure": a.price_measure,
        "stable_coalitions": [list(S) for S in a.stable_coalitions],
        "assumptions": [assumption_json(x, g) for x in assumptions],
        "complete": a.complete,
        "notes": list(a.notes),
    }


def outcome_numbers(o: Any) -> dict[str, Any]:
    """The ``welfare``, ``bloc_value``, ``members_accept`` and ``gains`` keys of a ``by_k`` entry."""
    return {"welfare": num(o.welfare), "bloc_value": num(o.bloc_value), "members_accept": o.members_accept,
            "gains": None if o.gains is None else {"members": num(o.gains[0]), "outsiders": num(o.gains[1]),
                                                   "total": num(o.gains[2])}}


def profile_text(profile: Any) -> str:
    """A JSON profile as text: ``(C, D)``; a mixed strategy as ``{label: p}``; ``-`` if none."""
    if not profile:
        return "-"
    return "(" + ", ".join(str(p) if not isinstance(p, dict) else
                           "{" + ", ".join(f"{k}: {v}" for k, v in p.items()) + "}" for p in profile) + ")"


def assumption_json(x: Any, game: Any = None) -> dict[str, Any]:
    """One assumption check as JSON: id, the registry's name, status, holds (true/false/null), the witness
    sentence of a failure (:func:`~contract_theory.report.wording.witness_sentence`, players named by
    ``game``; ``null`` otherwise), the witness as data (``witness_data``) and the explanation."""
    holds = {"holds": True, "fails": False}.get(x.status, None)
    return {"id": x.id, "name": x.name, "status": x.status, "holds": holds,
            "witness": witness_sentence(x, game) or None, "witness_data": jsonable(x.witness),
            "explanation": x.explanation}


def analysis_text(a: PartialContractAnalysis, assumptions: Sequence[Any] = ()) -> str:
    """A readable report: the welfare-by-k table, stable coalitions, failing assumptions."""
    g = a.game
    d = analysis_json(a, assumptions)
    lines = [f"{g.title or 'game'}: {g.n_players} players; K = {a.k}; timing={a.timing}, "
             f"selection={a.selection}, sharing={a.sharing}, tie={a.tie}"]
    lines.append(f"optimum W* = {d['optimum']['welfare']} at {profiles_text(d['optimum']['profiles'])}")
    nc = d["no_contract"]
    lines.append(f"no contract: W = {nc['welfare']} at {profile_text(nc['profile'])}")
    lines.append("")
    lines += welfare_by_k_lines(d, "outcome", profile_text)
    lines.append("")
    lines += curve_summary_lines(d)
    return "\n".join(lines + assumption_lines(assumptions, d["notes"], g))


def profiles_text(profiles: Sequence[Sequence[Any]], shown: int = 4) -> str:
    """The first ``shown`` profiles (JSON label lists) as ``(C, C), (D, D)``, then how many more."""
    head = ", ".join("(" + ", ".join(str(x) for x in p) + ")" for p in profiles[:shown])
    return head + (f" and {len(profiles) - shown} more" if len(profiles) > shown else "") if profiles else "-"


def _names(d: dict[str, Any]) -> list[str]:
    players = d.get("players")
    return [str(p) for p in players] if isinstance(players, list) else []


def welfare_by_k_lines(d: dict[str, Any], column: str, outcome: Callable[[Any], str]) -> list[str]:
    """The welfare-by-k table of an analysis document (dense or Markov): a header, then per k
    W_k, the best W of a coalition of exactly k, that coalition, whether its members accept, and
    ``outcome(row["profile"])`` in the last column, titled ``column``.  O(K) lines."""
    names = _names(d)
    lines = [f"{'k':>3}  {'W_k (|S|<=k)':>14}  {'best |S|=k':>12}  {'coalition':<18} {'accept':<7} {column}"]
    for row in d["by_k"]:
        k = row["k"]
        lines.append(f"{k:>3}  {d['welfare_curve'][str(k)] or '-':>14}  {row['welfare'] or '-':>12}  "
                     f"{coalition_text(names, row['coalition']):<18} {yes_no(row['members_accept']):<7} "
                     f"{outcome(row['profile'])}")
    return lines


def curve_summary_lines(d: dict[str, Any]) -> list[str]:
    """The smallest k reaching W*, the price of partial contracting and the stable coalitions
    (the first ten) of an analysis document (dense or Markov)."""
    stable, names = d["stable_coalitions"], _names(d)
    shown = ", ".join(coalition_text(names, S) for S in stable[:10]) or "none"
    return [f"smallest k reaching W*: {min_k_text(d['min_k_for_optimum'])}; price of partial contracting "
            f"({d['price_measure']}): {d['price_of_partial_contracting'] or '-'}",
            f"stable coalitions ({len(stable)}): {shown}{' ...' if len(stable) > 10 else ''}"]


def min_k_text(k: int | None) -> str:
    """The smallest k reaching W*, or ``none within K``.

    Examples
    --------
    >>> min_k_text(3), min_k_text(None)
    ('3', 'none within K')
    """
    return "none within K" if k is None else str(k)


def assumption_lines(assumptions: Sequence[Any], notes: Sequence[str], game: Any = None) -> list[str]:
    """The tail of a text report: the assumption tally, each failing check with its witness sentence
    (players named by ``game``), then the notes."""
    lines: list[str] = []
    fails = [x for x in assumptions if x.status == "fails"]
    if assumptions:
        lines.append("")
        lines.append(f"assumptions: {sum(x.status == 'holds' for x in assumptions)} hold, {len(fails)} fail, "
                     f"{sum(x.status == 'not applicable' for x in assumptions)} not applicable")
        for x in fails:
            lines.append(f"  {x.id} {x.name}: fails — {witness_sentence(x, game)}")
    return lines + [f"note: {note}" for note in notes]


_tex = tex_escape


def composition_text(d: dict[str, Any], comp: Sequence[int] | None) -> str:
    """A compact document's composition as ``3 of 4`` (one type) or ``T0 1 of 2, T1 2 of 2``; ``-`` if none."""
    types = d.get("types") or []
    if comp is None:
        return "-"
    if len(types) == 1:
        return f"{comp[0]} of {types[0]['count']}"
    return ", ".join(f"{t['name']} {s} of {t['count']}" for t, s in zip(types, comp))


def _texnum(s: str | None) -> str:
    return tex_number(s)


def analysis_latex(a: PartialContractAnalysis, assumptions: Sequence[Any] = (), *,
                   doc: dict[str, Any] | None = None, caption: str = "Welfare under partial contracts",
                   untitled: str = "game") -> str:
    """booktabs tables: welfare by k, and the assumption checks.

    ``doc`` is the JSON document to typeset (default :func:`analysis_json`; Markov analyses
    pass theirs), ``caption`` and ``untitled`` word the table's caption.
    """
    d = analysis_json(a, assumptions) if doc is None else doc
    rows = []
    for row in d["by_k"]:
        k = row["k"]
        who = (coalition_text(_names(d), row["coalition"]) if "coalition" in row
               else composition_text(d, row.get("composition")))
        rows.append(f"{k} & {_texnum(d['welfare_curve'][str(k)])} & {_texnum(row['welfare'])} & "
                    f"{_tex(who)} & {yes_no(row['members_accept'])} \\\\")
    out = [
        "% requires \\usepackage{booktabs}",
        "\\begin{table}[ht]", "\\centering",
        f"\\caption{{{caption}: {_tex(d['title'] or untitled)} "
        f"($W^* = {d['optimum']['welfare']}$, no contract $W = {d['no_contract']['welfare']}$; "
        f"timing {a.timing}, selection {a.selection}, sharing {_tex(a.sharing)}).}}",
        "\\begin{tabular}{rrrlc}", "\\toprule",
        f"$k$ & $W_k$ & best $W(S)$, $|S|=k$ & {'composition' if d.get('kind') == 'compact' else 'coalition $S$'} "
        "& members accept \\\\", "\\midrule",
        *rows, "\\bottomrule", "\\end{tabular}", "\\end{table}",
    ]
    if assumptions:
        out += ["", "\\begin{table}[ht]", "\\centering", f"\\caption{{Assumptions of the full-contract theorem with $K = {a.k}$.}}",
                "\\begin{tabular}{lp{0.25\\linewidth}lp{0.45\\linewidth}}", "\\toprule",
                "id & assumption & status & witness of a failure \\\\", "\\midrule"]
        named = getattr(a, "compact_game", a.game)
        for x in assumptions:
            out.append(f"{x.id} & {_tex(x.name)} & {_tex(x.status)} & {_tex(witness_sentence(x, named))} \\\\")
        out += ["\\bottomrule", "\\end{tabular}", "\\end{table}"]
    return "\n".join(out) + "\n"
