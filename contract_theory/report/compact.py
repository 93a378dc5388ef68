"""Render a :class:`~contract_theory.contracting.coalitions.compact.CompactAnalysis` as JSON, text or LaTeX.

The JSON document of ``contract-theory analyze --format json`` for a compact game has the
dense document's keys (:func:`contract_theory.report.analysis.analysis_json`) except that
coalitions are described by **composition** (members per type, in type order):

* each ``by_k`` entry has ``composition`` instead of ``coalition`` and ``tied_compositions``
  instead of ``tied_coalitions``; its ``profile`` is ``{"members": C, "outsiders": C}`` with
  C one ``{action label: count}`` per type, and ``payoffs`` / ``raw_payoffs`` are
  ``{"members": R, "outsiders": R}`` with R, per type, the runs
  ``[{"payoff": "3/2", "count": 40}, ...]`` over the canonical players (the first members of
  each type are the coalition);
* ``stable_sizes`` and ``stable_compositions`` replace ``stable_coalitions``: a composition is listed
  when its *canonical* coalition (the first s_t players of each type) is stable, decided per player
  as in the dense game; ``stable_in_every_arrangement`` lists the compositions every coalition of
  which is stable (whichever players of each type form it), ``arrangements_undecided`` those for
  which that was not decided within the budget
  (:data:`~contract_theory.contracting.coalitions.compact.ARRANGEMENT_BUDGET`);
* ``players`` is the number of players, ``actions`` the action labels per *type*, ``types``
  lists each type's name, count and actions,
  ``pure_nash`` lists at most 100 equilibrium count matrices (``pure_nash_count`` says how many).

Exact numbers are strings (``"21/2"``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from contract_theory.contracting.coalitions.compact import CompactAnalysis, Runs
from contract_theory.equilibria.compact import _compact_pure_equilibria
from contract_theory.errors import SizeLimitError
from contract_theory.games.compact import AnonymousGame, Counts
from contract_theory.report.normal_form import (
    analysis_latex,
    assumption_json,
    assumption_lines,
    composition_text,
    min_k_text,
    outcome_numbers,
)
from contract_theory.report.wording import num, yes_no

__all__ = ["counts_json"]


def counts_json(game: AnonymousGame, c: Counts) -> list[dict[str, int]]:
    """A count matrix as one ``{label: count}`` per type (zero counts left out)."""
    return [{game.actions[t][b]: int(x) for b, x in enumerate(row) if x} for t, row in enumerate(c)]


def _runs(rs: Sequence[Runs] | None) -> list[list[dict[str, Any]]] | None:
    return None if rs is None else [[{"payoff": num(v), "count": k} for v, k in r] for r in rs]


def _by_k_row(a: CompactAnalysis, k: int) -> dict[str, Any]:
    """One ``by_k`` entry: the best composition of size k, its counts, payoff runs and gains."""
    g, o = a.compact_game, a.best(k)
    row: dict[str, Any] = {"k": k, "composition": None, "profile": None, "payoffs": None, "welfare": None,
                           "members_accept": None, "tied_compositions": [list(s) for s in a.best_compositions_by_k[k]]}
    if o is None or o.members is None or o.outsiders is None:
        return row
    row.update(composition=list(o.composition),
               profile={"members": counts_json(g, o.members), "outsiders": counts_json(g, o.outsiders)},
               payoffs={"members": _runs(o.member_runs), "outsiders": _runs(o.outsider_runs)},
               raw_payoffs={"members": _runs(o.raw_member_runs), "outsiders": _runs(o.outsider_runs)},
               **outcome_numbers(o))
    return row


def _compact_analysis_json(a: CompactAnalysis, assumptions: Sequence[Any] = ()) -> dict[str, Any]:
    """The ``analyze`` JSON document of a compact game (see the module docstring)."""
    g = a.compact_game
    by_k = [_by_k_row(a, k) for k in range(2, a.k + 1)]
    try:
        eqs = _compact_pure_equilibria(g).equilibria
        pure: list[Any] = [counts_json(g, c) for c in eqs[:100]]
        n_pure: int | None = len(eqs)
    except SizeLimitError:
        pure, n_pure = [], None
    base = a.baseline
    return {
        "title": g.title,
        "kind": "compact",
        "players": g.n_players,
        "actions": [list(acts) for acts in g.actions],
        "types": [{"name": name, "count": n, "actions": list(acts)}
                  for name, n, acts in zip(g.type_names, g.type_counts, g.actions)],
        "parameters": {"k": a.k, "timing": a.timing, "selection": a.selection, "sharing": a.sharing,
                       "tie": a.tie, "require_acceptance": a.require_acceptance},
        "pure_nash": pure,
        "pure_nash_count": n_pure,
        "optimum": {"welfare": num(a.optimum_welfare),
                    "profiles": [counts_json(g, c) for c in a.optimum_counts[:100]]},
        "no_contract": {"welfare": num(base.welfare), "payoffs": _runs(base.runs),
                        "profile": None if base.counts is None else counts_json(g, base.counts)},
        "by_k": by_k,
        "welfare_curve": {str(k): num(w) for k, w in a.welfare_curve.items()},
        "min_k_for_optimum": a.min_k_for_optimum,
        "price_of_partial_contracting": num(a.price_of_partial_contracting),
        "price_measure": a.price_measure,
        "stable_sizes": a.stable_sizes,
        "stable_compositions": [list(s) for s in a.stable_compositions],
        "stable_in_every_arrangement": [list(s) for s in a.stable_in_every_arrangement],
        "arrangements_undecided": [list(s) for s in a.arrangements_undecided],
        "assumptions": [assumption_json(x, g) for x in assumptions],
        "complete": a.complete,
        "notes": list(a.notes),
    }


def _counts_text(c: list[dict[str, int]]) -> str:
    return " | ".join(", ".join(f"{n}x{lab}" for lab, n in row.items()) or "-" for row in c)


def _compact_analysis_text(a: CompactAnalysis, assumptions: Sequence[Any] = ()) -> str:
    """A readable report: welfare by k with compositions, stable sizes, failing assumptions."""
    g = a.compact_game
    d = _compact_analysis_json(a, assumptions)
    types = ", ".join(f"{t['name']}: {t['count']}" for t in d["types"])
    nc = d["no_contract"]
    lines = [
        f"{g.title or 'compact game'}: {g.n_players} players ({types}); K = {a.k}; timing={a.timing}, "
        f"selection={a.selection}, sharing={a.sharing}, tie={a.tie}",
        f"optimum W* = {d['optimum']['welfare']} at {_counts_text(d['optimum']['profiles'][0])}",
        f"no contract: W = {nc['welfare']} at {_counts_text(nc['profile']) if nc['profile'] else '-'}",
        "",
        f"{'k':>4}  {'W_k (|S|<=k)':>14}  {'best |S|=k':>12}  {'composition':<14} {'accept':<7} members | outsiders",
    ]
    for row in d["by_k"]:
        k = row["k"]
        prof = ("-" if row["profile"] is None else
                f"{_counts_text(row['profile']['members'])} || {_counts_text(row['profile']['outsiders'])}")
        lines.append(f"{k:>4}  {d['welfare_curve'][str(k)] or '-':>14}  {row['welfare'] or '-':>12}  "
                     f"{composition_text(d, row['composition']):<14} {yes_no(row['members_accept']):<7} {prof}")
    lines.append("")
    lines.append(f"smallest k reaching W*: {min_k_text(d['min_k_for_optimum'])}; price of partial contracting "
                 f"({d['price_measure']}): {d['price_of_partial_contracting'] or '-'}")
    stable = d["stable_compositions"]
    every = d["stable_in_every_arrangement"]

    def comps(xs: list[list[int]]) -> str:
        return "; ".join(composition_text(d, s) for s in xs[:10]) + (" ..." if len(xs) > 10 else "") or "none"
    sizes = ", ".join(str(s) for s in d["stable_sizes"]) or "none"
    lines.append(f"stable sizes: {sizes}; stable compositions ({len(stable)}, canonical coalition): "
                 f"{comps(stable)}; stable in every arrangement ({len(every)}): {comps(every)}"
                 + (f"; not decided for {len(d['arrangements_undecided'])}" if d["arrangements_undecided"] else ""))
    return "\n".join(lines + assumption_lines(assumptions, d["notes"], g))


def _compact_analysis_latex(a: CompactAnalysis, assumptions: Sequence[Any] = ()) -> str:
    """booktabs tables (welfare by k with the best composition, assumptions), as for dense games."""
    return analysis_latex(a, assumptions, doc=_compact_analysis_json(a, assumptions),
                          caption="Welfare under partial contracts (compact game)", untitled="compact game")
