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
default ``~/.cache/contract_theory/atlas.json``, or the ``cache`` argument) under a key made of the
SHA-256 of the source of the modules that define the answer (claims, encoding, margin,
certificates, prove) and the z3 version, so a cell is recomputed only when that code changes, and
a later report fills in what an earlier one did not reach.  Measured on the shared 2-core
development machine: the whole atlas (288 cells: 96 each for 2x2, 2x2x2 and 2x3) took 485 s cold
(2x2 and 2x3 about 0.1-0.5 s a cell, 2x2x2 1-16 s a cell), and comes from the cache in well under
a second.

The cache is data, not truth (issue 27 item 4).  An entry holds what re-verifies its verdict:

* ``fails``: the counterexample's whole certificate.  Reading it re-checks it with the independent
  certificate code (:func:`contract_theory.search.certificates.certificate_mismatches`: the game's
  equilibria, optimum, coalition outcomes and the verdict recomputed by plain loops, about a
  millisecond a cell) and checks that it is a certificate of *this* cell (claim, parameters,
  shape); the row's margin and counterexample are read from the verified certificate, not from
  the entry.
* every entry, ``holds`` and ``fails``: a seal, the SHA-256 of the code key, the cell and the
  entry's content (verdict, certificate with its margin).  It catches a cache written by other
  code, an entry moved to another cell, a verdict flipped or a margin edited by hand, and
  corruption.  It does **not** protect against someone who recomputes the seal (it is a checksum
  with no secret, not a signature): for ``holds`` the proof is the solver's unsat answer and for a
  margin the encoding's LP, both too costly to redo on every read -- but a forged ``fails`` still
  has to carry a counterexample that the certificate code confirms.

Anything unreadable or malformed (not JSON, a list or null, ``cells`` not an object, the path a
folder or a FIFO) and every entry failing verification is ignored and recomputed, with a note (on
stderr and in the report); the cache is then rewritten.  A cache that cannot be written (its
folder is a file, a read-only place) is a note too: the atlas runs without it.
"""

from __future__ import annotations

import hashlib
import inspect
import itertools
import json
import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from contract_theory.errors import ParameterError
from contract_theory.util.atomic import write_text

__all__ = ["atlas_cells", "claims_atlas", "atlas_section", "cache_path", "DEFAULT_SHAPES", "CACHE_FORMAT",
           "CACHE_VERSION"]

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


#: The cache document's format (version 2: entries carry certificates and seals).
CACHE_FORMAT = "contract-theory/atlas-cache"
CACHE_VERSION = 2


def _seal(key: str, cell_key: str, entry: dict[str, Any]) -> str:
    """The seal of a cache entry: SHA-256 of the code key, the cell and the entry's verdict and
    certificate (module docstring)."""
    content = json.dumps({k: entry.get(k) for k in ("verdict", "certificate")}, sort_keys=True)
    return hashlib.sha256(f"{key}|{cell_key}|{content}".encode()).hexdigest()


def _entry(row: dict[str, Any], key: str, cert: dict[str, Any] | None) -> dict[str, Any]:
    """The cache entry of a decided cell: its verdict, the certificate for ``fails``, and the seal."""
    entry: dict[str, Any] = {"verdict": row["verdict"], "seconds": row.get("seconds")}
    if row["verdict"] == "fails":
        entry["certificate"] = cert
    entry["seal"] = _seal(key, _cell_key(row), entry)
    return entry


def _cell_parameters(c: dict[str, Any]) -> dict[str, Any]:
    from contract_theory.search.claims import claim_parameters, get_claim, json_parameters

    params = {k: c[k] for k in ("timing", "selection", "sharing")}
    if c["tie"] is not None:
        params["tie"] = c["tie"]
    return json_parameters(claim_parameters(get_claim(c["claim"]), len(c["shape"]), params))


def _verified_row(c: dict[str, Any], entry: Any, key: str) -> dict[str, Any] | None:
    """The row of cell ``c`` from a cache entry when the entry verifies (module docstring), else ``None``."""
    from contract_theory.search.certificates import certificate_mismatches

    if not isinstance(entry, dict) or entry.get("seal") != _seal(key, _cell_key(c), entry):
        return None
    seconds = entry.get("seconds") if isinstance(entry.get("seconds"), (int, float)) else None
    if entry.get("verdict") == "holds" and "certificate" not in entry:
        return dict(c, verdict="holds", margin=None, counterexample=None, seconds=seconds)
    cert = entry.get("certificate")
    if entry.get("verdict") != "fails" or not isinstance(cert, dict):
        return None
    try:
        mine = (cert["claim"]["name"] == c["claim"] and list(cert["game"]["shape"]) == list(c["shape"])
                and cert["claim"]["parameters"] == _cell_parameters(c))
        if not mine or cert.get("holds") is not False or certificate_mismatches(cert):
            return None
        margin = cert["margin"]
        return dict(c, verdict="fails", margin=margin["value"], ties=margin["ties"],
                    counterexample=cert["game"]["payoffs"], seconds=seconds)
    except (KeyError, TypeError, ValueError, AttributeError):  # malformed: recompute
        return None


def _load_cache(path: str, key: str) -> tuple[dict[str, Any], list[str], bool]:
    """The cached entries (unverified), notes, and whether the cache may be written."""
    from contract_theory.games.formats.text import read_json

    if not path or not os.path.lexists(path):
        return {}, [], bool(path)
    if os.path.isdir(path):
        return {}, [f"the cache {path!r} is a folder: ignored, the atlas runs without a cache"], False
    try:
        doc = read_json(path)
    except (OSError, ValueError) as exc:
        return {}, [f"the cache {path!r} is unreadable ({_one_line(exc)}): ignored and rewritten"], True
    if not isinstance(doc, dict) or doc.get("format") != CACHE_FORMAT or doc.get("version") != CACHE_VERSION:
        return {}, [f"the cache {path!r} is not an atlas cache of version {CACHE_VERSION}: ignored and rewritten"], True
    if doc.get("key") != key:
        return {}, [], True  # written by other code (or another z3): stale, silently recomputed
    cells = doc.get("cells")
    if not isinstance(cells, dict):
        return {}, [f"the cache {path!r} has no object of cells: ignored and rewritten"], True
    return cells, [], True


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__


def _save_cache(path: str, key: str, entries: dict[str, Any]) -> str | None:
    """Write the cache; a note (and no cache) when it cannot be written."""
    try:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        write_text(path, json.dumps({"format": CACHE_FORMAT, "version": CACHE_VERSION, "key": key,
                                     "cells": entries}, indent=1))
    except OSError as exc:
        return f"the cache {path!r} cannot be written ({exc.strerror or _one_line(exc)}): the atlas ran without a cache"
    return None


def _decide(c: dict[str, Any], timeout: float) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Decide one cell: its row and, for ``fails``, the counterexample's certificate."""
    from contract_theory.search.prove import prove

    params = {k: c[k] for k in ("timing", "selection", "sharing")}
    if c["tie"] is not None:
        params["tie"] = c["tie"]
    r = prove(c["claim"], len(c["shape"]), tuple(c["shape"]), params=params, timeout=timeout)
    row = dict(c, verdict=r.verdict, margin=None, counterexample=None, seconds=round(r.elapsed, 2))
    cert = None
    if r.counterexample is not None:
        cert = r.counterexample["certificate"]
        row["margin"] = cert["margin"]["value"]
        row["ties"] = cert["margin"]["ties"]
        row["counterexample"] = cert["game"]["payoffs"]
    return row, cert


def claims_atlas(*, shapes: Sequence[tuple[int, ...]] = DEFAULT_SHAPES, budget_seconds: float = 50.0,
                 cell_timeout: float = 10.0, cache: str | None = None,
                 progress: Callable[[str], None] | None = None, claims: Sequence[str] | None = None) -> dict[str, Any]:
    """Decide every atlas cell within ``budget_seconds`` (module docstring), reusing the verified cache.

    Returns ``{"rows": [...], "computed", "cached", "not_run", "seconds", "cache", "solver",
    "cache_notes"}``; each row is a cell plus ``verdict`` (holds / fails / unknown / not run),
    ``margin`` and ``counterexample`` (payoff rows) for ``fails``.  ``cache=""`` disables the cache;
    ``claims`` keeps only those claims' cells.  ``cache_notes`` says what of the cache was ignored
    and why.  Complexity: one :func:`~contract_theory.search.prove.prove` call per cell not
    verified from the cache, one certificate check per cached ``fails`` cell.
    """
    from contract_theory.search.prove import import_z3

    z3 = import_z3()
    path = cache_path() if cache is None else cache
    key = _code_key(z3.get_version_string())
    stored, notes, writable = _load_cache(path, key)
    entries: dict[str, Any] = {}
    rejected = 0
    start = time.perf_counter()
    rows, computed, cached, not_run = [], 0, 0, 0
    for c in atlas_cells(shapes):
        if claims is not None and c["claim"] not in claims:
            continue
        k = _cell_key(c)
        if k in stored:
            row = _verified_row(c, stored[k], key)
            if row is not None:
                rows.append(row)
                entries[k] = stored[k]
                cached += 1
                continue
            rejected += 1
        left = start + budget_seconds - time.perf_counter()
        if left <= 0:
            rows.append(dict(c, verdict="not run", margin=None, counterexample=None))
            not_run += 1
            continue
        row, cert = _decide(c, min(cell_timeout, max(left, 1.0)))
        rows.append(row)
        computed += 1
        if row["verdict"] in ("holds", "fails"):
            entries[k] = _entry(row, key, cert)
        if progress is not None:
            progress(f"atlas: {c['claim']} {'x'.join(map(str, c['shape']))} {c['timing']} {c['selection']} "
                     f"{c['sharing']} {c['tie'] or ''}: {row['verdict']}")
    if rejected:
        notes.append(f"{rejected} cached cell(s) failed verification (a counterexample that does not re-verify, a "
                     "broken seal or a malformed entry): ignored, recomputed or not run, and rewritten")
    if path and writable and (computed or rejected or notes):
        failed = _save_cache(path, key, entries)
        if failed:
            notes.append(failed)
    for note in notes:
        sys.stderr.write(f"contract-theory: atlas cache: {note}\n")
    return {"rows": rows, "computed": computed, "cached": cached, "not_run": not_run,
            "seconds": round(time.perf_counter() - start, 2), "cache": path or None,
            "solver": f"z3 {z3.get_version_string()}", "cache_notes": notes}


def _budget(value: Any) -> float:
    """A time budget in seconds: a finite number >= 0 (``$CONTRACT_THEORY_ATLAS_BUDGET`` is text)."""
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = math.nan
    if not math.isfinite(seconds) or seconds < 0:
        raise ParameterError(f"the atlas budget must be a finite number of seconds >= 0, got {value!r} "
                             "($CONTRACT_THEORY_ATLAS_BUDGET)")
    return seconds


def _flat(payoffs: list[list[str]] | None) -> str:
    if payoffs is None:
        return ""
    return " ".join("(" + ",".join(row) + ")" for row in payoffs)


def atlas_section(out_dir: str, *, budget_seconds: float = 50.0, shapes: Sequence[tuple[int, ...]] = DEFAULT_SHAPES,
                  cache: str | None = None) -> tuple[str, dict[str, Any]]:
    """The report's claims atlas section: a Markdown table and ``{"atlas": ...}`` (also ``atlas.json``).

    ``$CONTRACT_THEORY_ATLAS_BUDGET`` (seconds) overrides ``budget_seconds``.
    """
    budget_seconds = _budget(os.environ.get("CONTRACT_THEORY_ATLAS_BUDGET", budget_seconds))
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
        f"from the cache), {atlas['seconds']} s. Cached cells are re-verified when read: every entry by its seal, a "
        "counterexample also by the independent certificate code."
        + "".join(f" Cache note: {n}." for n in atlas.get("cache_notes", [])), "",
        header, " | ".join(["---"] * 9), *rows, ""])
    return text, {"atlas": atlas}
