r"""Render the treaty repairs (:mod:`contract_theory.contracting.modifications.repairs`): the stable view,
each repair's row keys and the cheapest repair, as JSON, text, Markdown and LaTeX.

The stable view (``contract-theory design GAME --k K --stable-view``) is one table: a row per
coalition (compact games: per composition) that is stable under no repair or under one of the
repairs, a column per repair with the coalition's welfare where it is stable there (``-`` where it
is not), ``*`` on each column's best stable outcome, and a last line with each column's best
stable welfare.  The column heads carry the parameter the tool found: the threshold m, the
smallest deterring penalty per outsider, the transfer vector.

JSON: ``{title, n_players, k, kind, parameters, optimum, no_contract, columns, rows, notes}``;
``columns[i]`` = ``{name, parameter, best_welfare, best}``; ``rows[i]`` =
``{coalition | composition, players, size, welfare: {column: value}, best_in}``.  Exact numbers
are strings; a coalition is its player names beside its 0-based indices; a composition its members
per type.  A parameter is an integer m, a penalty string, or a transfer list
``[{player | type, transfer, count}]``; ``null`` when there is none.

Examples
--------
>>> from contract_theory.contracting.modifications.repairs import repair_comparison, stable_view
>>> from contract_theory.games.library import public_goods
>>> v = stable_view(repair_comparison(public_goods(4, "8/5", 20), 4))
>>> print(stable_view_text(v).splitlines()[3])
{P0, P1, P2} and 3 more  3     116 *      -                              -                                    116 *
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from contract_theory.contracting.modifications.membership import CoalitionTable, Key, RepairOutcome
from contract_theory.contracting.modifications.repairs import NO_REPAIR, CheapestRepair, StableView
from contract_theory.report.wording import num
from contract_theory.util.latex import tex_escape, tex_number

__all__ = ["coalition_label", "parameter_json", "parameter_text", "column_head", "repair_json", "repair_note",
           "stable_view_json", "stable_view_text", "stable_view_markdown", "stable_view_latex",
           "cheapest_repair_json", "cheapest_repair_text"]

_CONTROL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _clean(text: Any) -> str:
    """``str(text)`` without terminal escape sequences or control characters (titles and names from files)."""
    return _CONTROL.sub("", str(text))



def _signed(x: Fraction) -> str:
    return ("+" if x > 0 else "") + num(x)


def coalition_label(table: CoalitionTable, key: Key | None) -> str:
    """A coalition by its players' names (``{P0, P1}``), a composition by members per type
    (``3 of 100``; typed: ``T0 1 of 1, T1 2 of 2``); ``no agreement`` for ``None``.

    Examples
    --------
    >>> from contract_theory.contracting.modifications.repairs import repair_comparison
    >>> from contract_theory.games.compact_library import iea
    >>> coalition_label(repair_comparison(iea(100, 1, 1), 100).table, (3,))
    '3 of 100'
    """
    if key is None:
        return "no agreement"
    game = table.analysis.game
    if table.kind == "compositions":
        counts = game.type_counts
        if len(counts) == 1:
            return f"{key[0]} of {counts[0]}"
        return ", ".join(f"{_clean(game.type_names[t])} {s} of {n}" for t, (s, n) in enumerate(zip(key, counts)))
    return "{" + ", ".join(_clean(game.players[i]) for i in key) + "}"


def _group_name(table: CoalitionTable, g: int) -> str:
    game = table.analysis.game
    names = game.type_names if table.kind == "compositions" else game.players
    return _clean(names[g])


def parameter_json(repair: RepairOutcome) -> Any:
    """A repair's parameter as JSON: m (int), a penalty (exact string), a transfer list, or ``None``."""
    p = repair.parameter
    if p is None or isinstance(p, int):
        return p
    if isinstance(p, Fraction):
        return num(p)
    key = "type" if repair.kind == "compositions" else "player"
    return [{key: _group_name(repair.table, g), "index": g, "transfer": num(v), "count": n}
            for g, runs in enumerate(p) for v, n in runs]


def parameter_text(repair: RepairOutcome) -> str:
    """A repair's parameter in words: ``m = 4``, ``penalty 12``, ``transfers P0 -4/3, P1 +2/3``.

    Examples
    --------
    >>> from contract_theory.contracting.modifications.repairs import repair_comparison
    >>> from contract_theory.games.library import public_goods
    >>> c = repair_comparison(public_goods(4, "8/5", 20), 4)
    >>> [parameter_text(r) for r in c.repairs]
    ['m = 4', 'penalty 12', 'no transfer needed']
    """
    p = repair.parameter
    if p is None:
        return "none"
    if isinstance(p, int):
        return f"m = {p}" + (", every contract binds" if p == 2 else "")
    if isinstance(p, Fraction):
        above = "" if getattr(repair, "attained", True) else "above "
        return f"penalty {above}{num(p)}" + (", none needed" if not p and not above else "")
    moves = [(g, v, n) for g, runs in enumerate(p) for v, n in runs if v]
    if not moves:
        return "no transfer needed"
    each = repair.kind == "compositions"
    return "transfers " + ", ".join(f"{_group_name(repair.table, g)} {_signed(v)}{' each' if each and n > 1 else ''}"
                                    for g, v, n in moves)


def column_head(view: StableView, column: str) -> str:
    """A column's head: the repair's name and its parameter in parentheses."""
    if column == NO_REPAIR:
        return column
    return f"{column} ({parameter_text(view.comparison.repair(column))})"


def _key_json(table: CoalitionTable, key: Key | None) -> dict[str, Any] | None:
    if key is None:
        return None
    if table.kind == "compositions":
        return {"composition": list(key)}
    game = table.analysis.game
    return {"coalition": list(key), "players": [_clean(game.players[i]) for i in key]}


def repair_json(repair: RepairOutcome) -> dict[str, Any]:
    """One repair's keys for a ``design`` row: ``parameter``, ``stable_welfare``, ``stable_sizes``,
    ``stable_coalitions`` (or ``stable_compositions``), ``within_theorem_class``, ``gives_up``,
    ``reaches_optimum``, ``signatures`` and ``cost``.

    Examples
    --------
    >>> from contract_theory.contracting.modifications.repairs import repair_comparison
    >>> from contract_theory.games.library import public_goods
    >>> c = repair_comparison(public_goods(4, "8/5", 20), 4)
    >>> d = repair_json(c.repairs[1])
    >>> d["parameter"], d["stable_welfare"], d["stable_sizes"], d["within_theorem_class"], d["gives_up"]
    ('12', '128', [4], False, ['A7'])
    """
    stable_key = "stable_compositions" if repair.kind == "compositions" else "stable_coalitions"
    return {"parameter": parameter_json(repair), "stable_welfare": num(repair.stable_welfare),
            "stable_sizes": list(repair.outcome.sizes), stable_key: [list(s) for s in repair.outcome.stable],
            "best": _key_json(repair.table, repair.outcome.best), "within_theorem_class": repair.within_theorem_class,
            "gives_up": list(repair.gives_up), "reaches_optimum": repair.reaches_optimum,
            "signatures": repair.signatures, "cost": num(repair.cost), "notes": list(repair.notes)}


def repair_note(repair: RepairOutcome) -> str:
    """One sentence on a repair's answer: its parameter, the best stable coalition, the theorem's class.

    Examples
    --------
    >>> from contract_theory.contracting.modifications.repairs import repair_comparison
    >>> from contract_theory.games.library import public_goods
    >>> repair_note(repair_comparison(public_goods(4, "8/5", 20), 4).repairs[1])
    "penalty 12: {P0, P1, P2, P3} is the best stable coalition; outside the theorem's class (gives up A7)"
    """
    best = repair.outcome.best
    where = "no coalition is stable" if best is None else f"{coalition_label(repair.table, best)} is the best stable coalition"
    inside = ("inside the theorem's class" if repair.within_theorem_class else
              "outside the theorem's class (gives up " + ", ".join(repair.gives_up) + ")")
    return f"{parameter_text(repair)}: {where}; {inside}"


def stable_view_json(view: StableView) -> dict[str, Any]:
    """The stable view as a JSON document (module docstring).

    Examples
    --------
    >>> from contract_theory.contracting.modifications.repairs import repair_comparison, stable_view
    >>> from contract_theory.games.library import public_goods
    >>> doc = stable_view_json(stable_view(repair_comparison(public_goods(4, "8/5", 20), 4)))
    >>> [(c["name"], c["parameter"], c["best_welfare"]) for c in doc["columns"]][:2]
    [('no repair', None, '116'), ('minimum participation', 4, '128')]
    """
    c = view.comparison
    outcomes = {NO_REPAIR: c.baseline} | {r.name: r.outcome for r in c.repairs}
    columns = [{"name": col, "parameter": None if col == NO_REPAIR else parameter_json(c.repair(col)),
                "best_welfare": num(view.best_welfare[col]), "best": _key_json(c.table, outcomes[col].best)}
               for col in view.columns]
    rows = [{**(_key_json(c.table, r.key) or {}), "size": r.size, "welfare": {col: num(w) for col, w in r.welfare.items()},
             "best_in": list(r.best_in)} for r in view.rows]
    return {"title": _clean(c.title), "n_players": c.n_players, "k": c.k, "kind": c.kind, "parameters": c.parameters,
            "optimum": num(c.optimum_welfare), "no_contract": num(c.no_contract_welfare), "columns": columns,
            "rows": rows, "notes": list(c.notes)}


def _cells(view: StableView) -> list[list[str]]:
    """The table's cells: head, one row per group of coalitions of one size with the same welfare in
    every column (``{P0, P1, P2} and 3 more``; JSON lists each), the best-welfare line."""
    c = view.comparison
    head = ["coalition", "size"] + [column_head(view, col) for col in view.columns]
    groups: dict[tuple[Any, ...], list[Any]] = {}
    for r in view.rows:
        groups.setdefault((r.size,) + tuple(r.welfare.get(col) for col in view.columns), []).append(r)
    body = []
    for members in groups.values():
        first = members[0]
        label = coalition_label(c.table, first.key) + (f" and {len(members) - 1} more" if len(members) > 1 else "")
        best = {col for r in members for col in r.best_in}
        cells = [label, str(first.size)]
        for col in view.columns:
            w = first.welfare.get(col)
            cells.append("-" if w is None else num(w) + (" *" if col in best else ""))
        body.append(cells)
    last = ["best stable welfare", ""] + [num(view.best_welfare[col]) or "-" for col in view.columns]
    return [head] + body + [last]


def _header(view: StableView) -> str:
    c = view.comparison
    p = c.parameters
    return (f"Stable coalitions of {_clean(c.title)}: {c.n_players} players; K = {c.k}; W* = {num(c.optimum_welfare)}; "
            f"no contract W = {num(c.no_contract_welfare) or '-'}; timing={p['timing']}, selection={p['selection']}, "
            f"sharing={p['sharing']}, tie={p['tie']}; sanctions go to {p['destination']}")


def stable_view_text(view: StableView, *, max_rows: int = 40) -> str:
    """The stable view as a plain-text table (module docstring); at most ``max_rows`` coalition rows,
    then a line saying how many more the JSON form lists."""
    cells = _cells(view)
    body = cells[1:-1]
    shown = [cells[0]] + body[:max_rows] + [cells[-1]]
    widths = [max(len(r[i]) for r in shown) for i in range(len(shown[0]))]
    lines = [_header(view), ""] + ["  ".join(x.ljust(w) for x, w in zip(r, widths)).rstrip() for r in shown]
    hidden = len(body) - max_rows
    if hidden > 0:
        lines.append(f"({hidden} more rows; --format json lists every coalition)")
    lines += ["", "* the column's best stable outcome (highest welfare, then fewest signatories); rows group the "
              "coalitions of one size with the same welfare everywhere (--format json lists each)"]
    lines += [f"note: {_clean(n)}" for n in view.comparison.notes]
    return "\n".join(lines)


def stable_view_markdown(view: StableView) -> str:
    """The stable view as a Markdown table (every row)."""
    cells = _cells(view)
    out = ["| " + " | ".join(cells[0]) + " |", "|" + "---|" * len(cells[0])]
    out += ["| " + " | ".join(x.replace("|", "\\|") for x in r) + " |" for r in cells[1:]]
    return "\n".join(out)


def stable_view_latex(view: StableView) -> str:
    """The stable view as a booktabs table (every row); welfare typeset exactly, ``--`` where not stable."""
    cells = _cells(view)
    body = []
    for r in cells[1:]:
        nums = [(tex_number(x.removesuffix(" *")) + ("$^*$" if x.endswith(" *") else "")) if x not in ("-", "") else
                ("--" if x == "-" else "") for x in r[2:]]
        body.append(" & ".join([tex_escape(r[0]), r[1]] + nums) + " \\\\")
    c = view.comparison
    return "\n".join([
        "% requires \\usepackage{booktabs}", "\\begin{table}[ht]", "\\centering",
        f"\\caption{{Stable coalitions under the treaty repairs, $K = {c.k}$: {tex_escape(_clean(c.title))} "
        f"($W^* = {num(c.optimum_welfare)}$); $^*$ marks each column's best stable outcome.}}",
        "\\begin{tabular}{lr" + "r" * len(view.columns) + "}", "\\toprule",
        " & ".join(tex_escape(h) for h in cells[0]) + " \\\\", "\\midrule", *body[:-1], "\\midrule", body[-1],
        "\\bottomrule", "\\end{tabular}", "\\end{table}"]) + "\n"


def cheapest_repair_json(c: CheapestRepair) -> dict[str, Any]:
    """The cheapest repair as JSON, for the report's answers.

    Examples
    --------
    >>> from contract_theory.contracting.modifications.repairs import cheapest_repair, repair_comparison
    >>> from contract_theory.games.library import public_goods
    >>> d = cheapest_repair_json(cheapest_repair(repair_comparison(public_goods(4, "8/5", 20), 4)))
    >>> d["repair"], d["signatures"], d["cost"], d["within_theorem_class"]
    ('minimum participation', 4, '0', True)
    """
    param = c.parameter
    if isinstance(param, Fraction):
        param = num(param)
    elif isinstance(param, tuple):
        param = [[{"transfer": num(v), "count": n} for v, n in runs] for runs in param]
    return {"title": _clean(c.title), "k": c.k, "n_players": c.n_players, "optimum": num(c.optimum_welfare),
            "stable_welfare": num(c.stable_welfare), "repair_needed": c.needed, "repair": c.name, "parameter": param,
            "signatures": c.signatures, "cost": num(c.cost), "within_theorem_class": c.within_theorem_class,
            "gives_up": list(c.gives_up),
            "candidates": [{"repair": n, "signatures": s, "cost": num(cost), "within_theorem_class": w}
                           for n, s, cost, w in c.candidates]}


def cheapest_repair_text(c: CheapestRepair, gives_up_names: Sequence[str] = ()) -> str:
    """One sentence: which repair reaches W* most cheaply, and whether it stays in the theorem's class.

    Examples
    --------
    >>> from contract_theory.contracting.modifications.repairs import cheapest_repair, repair_comparison
    >>> from contract_theory.games.library import public_goods
    >>> print(cheapest_repair_text(cheapest_repair(repair_comparison(public_goods(4, "8/5", 20), 4))))
    Cheapest repair reaching W* = 128 with K = 4: minimum participation (4 signatures, cost 0), inside the theorem's class.
    """
    head = f"Cheapest repair reaching W* = {num(c.optimum_welfare)} with K = {c.k}"
    if not c.needed:
        return f"{head}: none needed (the best stable coalition already reaches it)."
    if c.name is None:
        return f"{head}: none of the three repairs reaches it (best stable welfare {num(c.stable_welfare) or '-'})."
    where = "inside the theorem's class" if c.within_theorem_class else (
        "outside the theorem's class (gives up " + ", ".join(gives_up_names or c.gives_up) + ")")
    return f"{head}: {c.name} ({c.signatures} signatures, cost {num(c.cost)}), {where}."
