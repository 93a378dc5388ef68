r"""The report's "Tight guarantees" table: the exact worst case of each quantity over a class of games.

For the report's convention (its :class:`~contract_theory.contracting.coalitions.rules.Rules`),
:func:`contract_theory.search.bounds.guarantees_table` computes the tight constant c at K = N - 1,
with a game attaining it or games approaching it: ``ratio``, ``welfare-gain`` and ``members-gain``
for 2x2, 2x3, 2x2x2 and symmetric N = 3, 4 games (two actions; where the class supports the
quantity), then the rows of :data:`EXTRA_ROWS`: ``min-member-gain`` and ``outsiders-loss`` for
2x2x2, ``min-member-gain`` for symmetric N = 3, ``ratio`` and ``welfare-gain`` for symmetric N = 5,
``ratio`` for symmetric N = 6, and ``ratio`` and ``members-gain`` for 2x2x2 in general position (the
premise ``generic``: the ratio's minimum becomes an infimum, the members' gain rises from -2 to 0).
Ratios W_K / W* are taken over nonnegative payoffs with W* > 0; differences over payoffs in [0, 1].
The rows print no witness game, so they skip the canonical witness (``canonical=False``).

Cost, measured cold on one core of the shared development machine at load average 6.6: 18.2 s for
the 19 rows (the 11 default rows' seconds summed: 8.1, two of them members-gain by counts, new; the 8
extra rows': 8.9), a few milliseconds from the cache; the guarantees helper measured the nine rows of
the first version at 3 s on a quieter machine, about a third of the time here.  The extra rows are the
subset chosen to keep their cost near 10 s on a busy core (about 3 s quiet): left out are symmetric
N = 5 members-gain (10.5 s under load: the integer candidates are undercut and the optimizer runs),
min-member-gain at N = 4, 5 (about 2 s each), symmetric N = 7, 8 (25 s and more each) and the other
quantities in general position (min-member-gain: 12.9 s).

The rows are cached in the report's folder (``OUT/.contract-theory/guarantees-cache.json``,
:data:`REPORT_CACHE`) by the atlas's cache mechanism (:mod:`contract_theory.report.atlas`: the same
document format, code key and seal): an entry is keyed by the convention and sealed with the
SHA-256 of the code key (the source of :mod:`contract_theory.search.bounds` and the z3 version),
the cell and its rows; an entry whose seal does not match is recomputed.  The cache changes how long
the table takes, never what it says.
"""

from __future__ import annotations

import hashlib
import inspect
import os
from collections.abc import Sequence
from typing import Any

from contract_theory.contracting.coalitions.rules import Rules
from contract_theory.util.latex import tex_escape, tex_number

__all__ = ["QUANTITIES", "REPORT_CACHE", "guarantees_doc", "guarantees_json", "guarantees_lines", "guarantees_latex"]

#: The quantities of the report's table (each computed where the class supports it).
QUANTITIES: tuple[str, ...] = ("ratio", "welfare-gain", "members-gain", "min-member-gain", "outsiders-loss")

#: Rows beyond the default table, (quantities, class, premises), chosen by their measured cold cost (module
#: docstring): symmetric N = 5 and 6, and 2x2x2 in general position, where bounds that rest on ties move.
EXTRA_ROWS: tuple[tuple[tuple[str, ...], tuple[str, int, int, bool], tuple[str, ...]], ...] = (
    (("min-member-gain", "outsiders-loss"), ("2x2x2", 3, 2, False), ()),
    (("min-member-gain",), ("symmetric N=3", 3, 2, True), ()),
    (("ratio", "welfare-gain"), ("symmetric N=5", 5, 2, True), ()),
    (("ratio",), ("symmetric N=6", 6, 2, True), ()),
    (("ratio", "members-gain"), ("2x2x2", 3, 2, False), ("generic",)),
)

#: Where the report keeps the rows: beside the atlas cache in its output folder's state folder.
REPORT_CACHE = os.path.join(".contract-theory", "guarantees-cache.json")


def _code_key(z3_version: str) -> str:
    from contract_theory.search import bounds, counts, premises

    h = hashlib.sha256(("guarantees|" + z3_version).encode())
    for module in (bounds, premises, counts):
        h.update(inspect.getsource(module).encode())
    return h.hexdigest()[:16]


def _cell_key(rules: Rules) -> str:
    extra = [f"{'+'.join(q)}@{shape[0]}@{'+'.join(p)}" for q, shape, p in EXTRA_ROWS]
    return "|".join([rules.timing, rules.selection, rules.sharing, *QUANTITIES, *extra])


def guarantees_doc(out_dir: str, rules: Rules, *, cache: str | None = None) -> dict[str, Any]:
    """The Tight guarantees rows for ``rules`` (module docstring), read from the cache in ``out_dir``
    when its seal verifies, else computed and cached.

    Returns ``{"rows": [BoundResult.to_json(), ...], "computed": bool, "cache_notes": [...]}``.
    ``cache=""`` disables the cache.  Raises ``ValueError`` when z3 is missing.  Complexity: one
    :func:`~contract_theory.search.bounds.tight_bound` per row when not cached (about 3 s in all).

    Examples
    --------
    >>> doc = guarantees_doc("", Rules(), cache="")
    >>> [(r["quantity"], r["bound"], r["attained"]) for r in doc["rows"]][0]
    ('ratio', '0', True)
    """
    import z3

    from contract_theory.report.atlas import _load_cache, _save_cache, _seal
    from contract_theory.search.bounds import guarantees_table

    path = os.path.join(out_dir, REPORT_CACHE) if cache is None else cache
    key, cell = _code_key(z3.get_version_string()), _cell_key(rules)
    stored, notes, writable = _load_cache(path, key)
    entry = stored.get(cell)
    if isinstance(entry, dict) and entry.get("seal") == _seal(key, cell, entry) and isinstance(
            entry.get("certificate"), list):
        return {"rows": entry["certificate"], "computed": False, "cache_notes": notes}
    if entry is not None:
        notes.append("the cached guarantees failed verification (a broken seal or a malformed entry): recomputed")
    rows = [r.to_json() for r in guarantees_table(rules, quantities=QUANTITIES[:3], canonical=False)]
    for quantities, shape, premises in EXTRA_ROWS:
        rows += [r.to_json() for r in guarantees_table(rules, quantities=quantities, shapes=(shape,),
                                                       premises=premises, canonical=False)]
    if path and writable:
        new = {"verdict": "exact", "certificate": rows}
        new["seal"] = _seal(key, cell, new)
        failed = _save_cache(path, key, {**stored, cell: new})
        if failed:
            notes.append(failed)
    return {"rows": rows, "computed": True, "cache_notes": notes}


#: The keys of a row that do not depend on the run (z3's witness game and the timings do).
_STABLE = ("quantity", "parameters", "shape", "premises", "normalization", "bound", "attained", "status", "complete")


def guarantees_json(doc: dict[str, Any] | None) -> dict[str, Any] | None:
    """The report.json part of :func:`guarantees_doc`: per row the keys that do not depend on the run
    (quantity, parameters, shape, premises, normalization, bound, attained, status, complete); the
    witness games, which z3 picks differently from run to run, stay in the cache.  Complexity O(rows).

    Examples
    --------
    >>> guarantees_json({"rows": [{"quantity": "ratio", "bound": "0", "elapsed_seconds": 0.1}], "computed": True})
    {'rows': [{'quantity': 'ratio', 'bound': '0'}]}
    """
    if doc is None:
        return None
    return {"rows": [{k: r[k] for k in _STABLE if k in r} for r in doc["rows"]]}


def _label(r: dict[str, Any]) -> str:
    extra = [x for x in r["premises"] if x not in ("symmetric", "nonnegative-payoffs", "payoffs-in-unit-interval")]
    tail = ", " + ", ".join(extra) if extra else ""
    if "symmetric" in r["premises"]:
        return f"symmetric N = {len(r['shape'])}, two actions{tail}"
    return "x".join(str(m) for m in r["shape"]) + tail


def _kind(r: dict[str, Any]) -> str:
    if r["bound"] is None:
        return "undecided"
    limit = "supremum" if r["quantity"] == "outsiders-loss" else "infimum"
    return "attained" if r["attained"] else f"{limit}, not attained" if r["attained"] is False else "undecided"


def _witness(r: dict[str, Any]) -> str:
    if r.get("witness"):
        return f"a game with value {r['witness']['value']}"
    if r.get("approach"):
        return "games with values " + ", ".join(a["value"] for a in r["approach"])
    return "-"


def _convention(rules: Rules) -> str:
    return f"timing {rules.timing}, selection {rules.selection}, sharing {rules.sharing}"


_NORMALIZATION = ("ratio is W_K / W* over games with nonnegative payoffs and W* > 0 (W_K the best welfare over "
                  "coalitions of at most K, no contract included); welfare-gain is the minimum over coalitions S "
                  "with 2 <= |S| <= K of W(S) - W_0, members-gain the minimum over those S of the members' "
                  "total gain over no contract, min-member-gain the minimum over those S and their members of a "
                  "member's gain under the sharing rule, and outsiders-loss the maximum over those S and their "
                  "outsiders of an outsider's loss (an upper bound: the quantity is at most c), all over games "
                  "whose payoffs all lie between 0 and 1.")


_NORMALIZATION_TEX = ("The ratio is $W_K / W^*$ over games with nonnegative payoffs and $W^* > 0$ ($W_K$ the best "
                      "welfare over coalitions of at most $K$, no contract included); welfare-gain is the minimum "
                      "over coalitions $S$ with $2 \\le |S| \\le K$ of $W(S) - W_0$, members-gain the minimum "
                      "over those $S$ of the members' total gain over no contract, min-member-gain the minimum over "
                      "those $S$ and their members of a member's gain under the sharing rule, and outsiders-loss the "
                      "maximum over those $S$ and their outsiders of an outsider's loss (at most $c$), all over games "
                      "with "
                      "$0 \\le u_i(a) \\le 1$ for every player $i$ and joint action $a$.")


def guarantees_lines(doc: dict[str, Any] | None, rules: Rules) -> list[str]:
    """The "Tight guarantees" subsection of the Answers section (Markdown lines) from
    :func:`guarantees_doc`; ``None``: a line saying it was not computed.  Complexity O(rows).

    Examples
    --------
    >>> row = {"quantity": "ratio", "shape": [2, 2], "premises": ["nonnegative-payoffs"], "parameters": {"k": 1},
    ...        "bound": "0", "attained": True, "witness": {"value": "0"}, "approach": [], "status": "exact"}
    >>> print(guarantees_lines({"rows": [row], "cache_notes": []}, Rules())[-1])
    | 2x2 | 1 | ratio | 0 | attained | a game with value 0 |
    """
    lines = ["", "### Tight guarantees", ""]
    if doc is None:
        return [*lines, "The tight guarantees were not computed (z3 is missing)."]
    lines += [f"For every game of each class, at K = N - 1 and under this convention ({_convention(rules)}), "
              "the quantity is at least c (at most c for outsiders-loss), and c is tight: either some game attains "
              "it, or it is an infimum (a supremum for outsiders-loss), not attained, approached by the games "
              "listed. Each c is proved by z3 and every game listed re-evaluated by the exact coalition solver. "
              + _NORMALIZATION[0].upper() + _NORMALIZATION[1:], "",
              "| class | K | quantity | c | attained? | games (verified exactly) |", "|---|---|---|---|---|---|"]
    for r in doc["rows"]:
        lines.append(f"| {_label(r)} | {r['parameters']['k']} | {r['quantity']} | "
                     f"{'undecided' if r['bound'] is None else r['bound']} | {_kind(r)} | {_witness(r)} |")
    lines += [f"Cache note: {n}." for n in doc.get("cache_notes", [])]
    return lines


def guarantees_latex(doc: dict[str, Any], rules: Rules) -> str:
    r"""The table as a booktabs ``table`` float (``guarantees.tex`` of the report).  Complexity O(rows).

    Examples
    --------
    >>> row = {"quantity": "welfare-gain", "shape": [2, 2, 2], "premises": ["symmetric"], "parameters": {"k": 2},
    ...        "bound": "-1", "attained": False, "witness": None, "approach": [{"value": "-9/10"}], "status": "exact"}
    >>> print(next(line for line in guarantees_latex({"rows": [row]}, Rules()).splitlines() if line.startswith("sym")))
    symmetric N = 3, two actions & 2 & welfare-gain & $-1$ & infimum, not attained \\
    """
    rows: Sequence[str] = [
        f"{tex_escape(_label(r))} & {r['parameters']['k']} & {tex_escape(r['quantity'])} & "
        f"{'undecided' if r['bound'] is None else tex_number(r['bound'])} & {tex_escape(_kind(r))} \\\\"
        for r in doc["rows"]]
    return "\n".join([
        "% requires \\usepackage{booktabs}",
        "\\begin{table}[ht]", "\\centering",
        f"\\caption{{Tight guarantees at $K = N - 1$ ({tex_escape(_convention(rules))}): every game of the class has "
        "the quantity at least $c$ (at most $c$ for outsiders-loss), and $c$ is attained by a game or an infimum "
        "(a supremum for outsiders-loss), not attained. "
        + _NORMALIZATION_TEX + "}",
        "\\begin{tabular}{lrlrl}", "\\toprule",
        "class & $K$ & quantity & $c$ & kind \\\\", "\\midrule",
        *rows, "\\bottomrule", "\\end{tabular}", "\\end{table}"]) + "\n"
