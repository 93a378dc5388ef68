r"""The claims atlas: which built-in claim holds for which assumptions, over all games of a shape.

For each built-in claim with an encoding x timing x selection x sharing x tie rule (the tie rule
only for ``stable-is-best``, the one claim that reads it) and each shape (2x2, 2x2x2, then 2x3),
:func:`contract_theory.search.prove.prove` decides the claim over all games with real payoffs:
``holds``, ``fails`` with the smallest robust counterexample found and its margin
(`docs/background/deciding-claims.md#the-margin`), or ``unknown``.  This is the table a paper's
"which assumptions matter" section needs.

Time bound (named): the atlas stops starting cells after ``budget_seconds`` (default 50 s) and
gives each cell at most ``cell_timeout`` seconds of solver time; cells not reached say
``not run``.  Every decided cell is cached in a JSON file (``$CONTRACT_THEORY_CACHE/atlas.json``,
default ``~/.cache/contract_theory/atlas.json``) under a key made of the SHA-256 of the source of
the modules that define the answer (claims, encoding, margin, certificates, prove) and the z3
version, so a cell is recomputed only when that code changes, and a later report fills in what an
earlier one did not reach.  Measured on the shared 2-core development machine: the whole atlas
(288 cells: 96 each for 2x2, 2x2x2 and 2x3) took 485 s cold (2x2 and 2x3 about 0.1-0.5 s a cell,
2x2x2 1-16 s a cell), and comes from the cache in well under a second.
"""

from __future__ import annotations

import hashlib
import inspect
import itertools
import json
import os
import time
from collections.abc import Callable, Sequence
from typing import Any

from contract_theory.util.atomic import write_text

__all__ = ["atlas_cells", "claims_atlas", "atlas_section", "cache_path", "DEFAULT_SHAPES"]

#: Shapes in the order they are computed (2x3 last: it is the one that may not fit the budget).
DEFAULT_SHAPES: tuple[tuple[int, ...], ...] = ((2, 2), (2, 2, 2), (2, 3))


def atlas_cells(shapes: Sequence[tuple[int, ...]] = DEFAULT_SHAPES) -> list[dict[str, Any]]:
    """Every (claim, shape, timing, selection, sharing, tie) cell, in computing order.

    Examples
    --------
    >>> len(atlas_cells(((2, 2),)))
    96
    """
    from contract_theory.search.encoding import ENCODABLE

    cells = []
    for shape in shapes:
        for name in ENCODABLE:
            ties = ("inside", "outside", "both-weak", "both-strict") if name == "stable-is-best" else (None,)
            for timing, selection, sharing, tie in itertools.product(
                    ("stackelberg", "nash"), ("pessimistic", "optimistic"), ("equal", "lump_sum", "none"), ties):
                cells.append({"claim": name, "shape": list(shape), "timing": timing, "selection": selection,
                              "sharing": sharing, "tie": tie})
    return cells


def cache_path() -> str:
    """Where decided cells are cached (module docstring)."""
    root = os.environ.get("CONTRACT_THEORY_CACHE") or os.path.join(os.path.expanduser("~"), ".cache",
                                                                   "contract_theory")
    return os.path.join(root, "atlas.json")


def _code_key(z3_version: str) -> str:
    from contract_theory.search import certificates, claims, encoding, margin, prove

    h = hashlib.sha256(z3_version.encode())
    for mod in (claims, encoding, margin, certificates, prove):
        h.update(inspect.getsource(mod).encode())
    return h.hexdigest()[:16]


def _cell_key(c: dict[str, Any]) -> str:
    return "|".join(str(c[k]) for k in ("claim", "shape", "timing", "selection", "sharing", "tie"))


def _decide(c: dict[str, Any], timeout: float) -> dict[str, Any]:
    from contract_theory.search.prove import prove

    params = {k: c[k] for k in ("timing", "selection", "sharing")}
    if c["tie"] is not None:
        params["tie"] = c["tie"]
    r = prove(c["claim"], len(c["shape"]), tuple(c["shape"]), params=params, timeout=timeout)
    row = dict(c, verdict=r.verdict, margin=None, counterexample=None, seconds=round(r.elapsed, 2))
    if r.counterexample is not None:
        cert = r.counterexample["certificate"]
        row["margin"] = cert["margin"]["value"]
        row["ties"] = cert["margin"]["ties"]
        row["counterexample"] = cert["game"]["payoffs"]
    return row


def claims_atlas(*, shapes: Sequence[tuple[int, ...]] = DEFAULT_SHAPES, budget_seconds: float = 50.0,
                 cell_timeout: float = 10.0, cache: str | None = None,
                 progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Decide every atlas cell within ``budget_seconds`` (module docstring), reusing the cache.

    Returns ``{"rows": [...], "computed", "cached", "not_run", "seconds", "cache", "solver"}``; each
    row is a cell plus ``verdict`` (holds / fails / unknown / not run), ``margin`` and
    ``counterexample`` (payoff rows) for ``fails``.  ``cache=""`` disables the cache.
    Complexity: one :func:`~contract_theory.search.prove.prove` call per uncached cell.
    """
    from contract_theory.search.prove import import_z3

    z3 = import_z3()
    path = cache_path() if cache is None else cache
    key = _code_key(z3.get_version_string())
    stored: dict[str, Any] = {}
    if path and os.path.exists(path):
        try:
            with open(path) as fh:
                doc = json.load(fh)
            stored = doc.get("cells", {}) if doc.get("key") == key else {}
        except (OSError, ValueError):
            stored = {}
    start = time.perf_counter()
    rows, computed, cached, not_run = [], 0, 0, 0
    for c in atlas_cells(shapes):
        k = _cell_key(c)
        if k in stored:
            rows.append(stored[k])
            cached += 1
            continue
        left = start + budget_seconds - time.perf_counter()
        if left <= 0:
            rows.append(dict(c, verdict="not run", margin=None, counterexample=None))
            not_run += 1
            continue
        row = _decide(c, min(cell_timeout, max(left, 1.0)))
        rows.append(row)
        computed += 1
        if row["verdict"] != "unknown":
            stored[k] = row
        if progress is not None:
            progress(f"atlas: {c['claim']} {'x'.join(map(str, c['shape']))} {c['timing']} {c['selection']} "
                     f"{c['sharing']} {c['tie'] or ''}: {row['verdict']}")
    if path and computed:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        write_text(path, json.dumps({"key": key, "cells": stored}, indent=1))
    return {"rows": rows, "computed": computed, "cached": cached, "not_run": not_run,
            "seconds": round(time.perf_counter() - start, 2), "cache": path or None,
            "solver": f"z3 {z3.get_version_string()}"}


def _flat(payoffs: list[list[str]] | None) -> str:
    if payoffs is None:
        return ""
    return " ".join("(" + ",".join(row) + ")" for row in payoffs)


def atlas_section(out_dir: str, *, budget_seconds: float = 50.0, shapes: Sequence[tuple[int, ...]] = DEFAULT_SHAPES,
                  cache: str | None = None) -> tuple[str, dict[str, Any]]:
    """The report's claims atlas section: a Markdown table and ``{"atlas": ...}`` (also ``atlas.json``).

    ``$CONTRACT_THEORY_ATLAS_BUDGET`` (seconds) overrides ``budget_seconds``.
    """
    budget_seconds = float(os.environ.get("CONTRACT_THEORY_ATLAS_BUDGET", budget_seconds))
    try:
        atlas = claims_atlas(shapes=shapes, budget_seconds=budget_seconds, cache=cache)
    except ValueError as exc:  # z3 missing: say so in the report instead of failing it
        return f"## Claims atlas\n\nNot computed: {exc}\n", {"atlas": None}
    write_text(os.path.join(out_dir, "atlas.json"), json.dumps(atlas, indent=1))
    rows = []
    for r in atlas["rows"]:
        rows.append(" | ".join([r["claim"], "x".join(map(str, r["shape"])), r["timing"], r["selection"], r["sharing"],
                                r["tie"] or "-", r["verdict"], "" if r.get("margin") is None else r["margin"],
                                _flat(r.get("counterexample"))]))
    header = "claim | shape | timing | selection | sharing | tie | verdict | margin | smallest robust counterexample"
    text = "\n".join([
        "## Claims atlas", "",
        "Each built-in claim decided over **all** games of the shape with real payoffs (`contract-theory prove`, "
        f"{atlas['solver']}): holds, fails (the smallest robust counterexample found, payoffs per profile in "
        "lexicographic order, and its margin: every game that close in max norm fails too; margin 0 = it rests "
        "on ties), or unknown. The tie rule is listed only for stable-is-best, the one claim that reads it; "
        "K is N - 1 (2 for two players).",
        "",
        f"Time bound: {atlas['computed']} cells computed this run, {atlas['cached']} from the cache "
        f"({atlas['cache']}), {atlas['not_run']} not run (budget {budget_seconds:g} s; a later report continues "
        f"from the cache), {atlas['seconds']} s.", "",
        header, " | ".join(["---"] * 9), *rows, ""])
    return text, {"atlas": atlas}
