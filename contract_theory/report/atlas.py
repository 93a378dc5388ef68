r"""The claims atlas: which built-in claim holds for which assumptions, over all games of a shape.

For each built-in claim with an encoding x timing x selection x sharing x tie rule (the tie rule
only for ``stable-is-best``, the one claim that reads it) and each shape (2x2, 2x2x2, then 2x3),
:func:`contract_theory.search.prove.prove` decides the claim over all games with real payoffs:
``holds``, ``fails`` with the smallest robust counterexample found and its margin
(`docs/background/deciding-claims.md#the-margin`), or ``unknown``.  This is the table a paper's
"which assumptions matter" section needs.

The report's atlas is fixed and complete (:func:`report_cells`, :class:`AtlasSection`): the whole
atlas, the same 288 cells (96 each for 2x2, 2x2x2 and 2x3) in every report, each decided (no
budget; a cell's solver limit far above the slowest cell), on two worker processes that start
before the game sections, so the solver runs while the games are studied; a worker decides every
claim, sharing and tie rule of one shape and timing x selection (:func:`_jobs`), whose encodings
share their building blocks and, for some claims, their formula.  Its
cache lives in the report's folder (``OUT/.contract-theory/atlas-cache.json``) and changes how long
the atlas takes, never what it says.  :func:`claims_atlas` also takes a time budget (cells stop
being started after it and say ``not run``) for interactive use.  Measured serially on the shared
2-core development machine (CPU time, other sessions running): the whole atlas took 106 s with the
encoding built node by node and one z3 call per cell; it takes 46 s built merged
(:func:`contract_theory.search.encoding.merging`) and 21 s when a formula met again is not solved
again (:func:`contract_theory.search.prove.prove` remembers z3's answers by formula:
optimum-reachable, welfare-rises and outsiders-gain have one formula for the three sharing rules,
stable-is-best one for two tie rules where no outsider can join, K = 2), with the same verdicts,
margins and counterexamples in every cell (``tests/test_atlas_reference.py``).  A group of 24 2x2
or 2x3 cells takes under 0.6 s, of 2x2x2 cells 3-7 s.
:func:`claims_atlas` caches in ``$CONTRACT_THEORY_CACHE/atlas.json`` (default
``~/.cache/contract_theory/atlas.json``) or its ``cache`` argument.  A cache entry is keyed by the
SHA-256 of the source of the modules that define the answer (claims, encoding, margin, certificates,
prove) and the z3 version, so a cell is recomputed only when that code changes.

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
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

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


#: The report's fixed atlas (:func:`report_cells`), decided completely on every run: a cell's time limit
#: far above the slowest cell measured (11 s), so no cell of it is left ``unknown`` by a slow machine.
REPORT_CELL_TIMEOUT = 600.0


def report_cells() -> list[dict[str, Any]]:
    """The report's fixed atlas: the whole atlas, every cell of 2x2, 2x2x2 and 2x3 (96 each, 288 in all).

    Why all of it fits: the encoding is built merged (:func:`contract_theory.search.encoding.merging`)
    from blocks shared by a convention's claims and tie rules, and a formula that several cells share
    is solved once, so the 2x2x2 ``stable-is-best`` cells, 36 of which were left out before, take
    about 0.15 s of CPU each instead of 1.3 s; the whole atlas is about 21 s of CPU on the shared
    development machine (it was 106 s), about 11 s on each of the report's two workers.

    Examples
    --------
    >>> cells = report_cells()
    >>> len(cells), sum(c["shape"] == [2, 2, 2] for c in cells), cells == atlas_cells()
    (288, 96, True)
    """
    return atlas_cells()


#: CPU seconds a cell took on the development machine (measured serially over the whole atlas, after the
#: merged encoding), by (players, claim); the rest about 0.1 s.  Only the order of the work reads them.
_MEASURED = {(3, "optimum-reachable"): 1.6, (3, "stable-is-best"): 0.4, (3, "members-gain"): 0.3,
             (3, "welfare-rises"): 0.25, (3, "outsiders-gain"): 0.25, (2, "stable-is-best"): 0.1}


def _convention(c: dict[str, Any]) -> tuple[Any, ...]:
    """The cells one worker decides together: one shape and one timing x selection.  Their encodings
    share building blocks (per sharing rule), and optimum-reachable, welfare-rises and outsiders-gain
    have one formula for the three sharing rules, which z3 then answers once
    (:func:`contract_theory.search.prove.prove` remembers answers by formula)."""
    return tuple(c["shape"]), c["timing"], c["selection"]


#: Claims whose failure formula does not read the sharing rule (one formula, one z3 answer, for the three rules).
_SHARING_FREE = ("optimum-reachable", "welfare-rises", "outsiders-gain")


def _jobs(cells: Sequence[dict[str, Any]], todo: Sequence[int]) -> list[list[int]]:
    """The cells to decide, grouped (:func:`_convention`: every claim, sharing and tie rule of one shape
    and timing x selection, decided by one process), the longest measured group first (ties: in atlas
    order), so the workers finish together.

    Examples
    --------
    >>> cells = atlas_cells(((2, 2), (2, 2, 2)))
    >>> jobs = _jobs(cells, range(len(cells)))
    >>> len(jobs), [len(j) for j in jobs[:2]], cells[jobs[0][0]]["shape"], cells[jobs[-1][0]]["shape"]
    (8, [24, 24], [2, 2, 2], [2, 2])
    """
    groups: dict[tuple[Any, ...], list[int]] = {}
    for i in todo:
        groups.setdefault(_convention(cells[i]), []).append(i)

    def cost(job: list[int]) -> float:  # a formula shared by the sharing rules counts once
        return sum(_MEASURED.get((len(cells[i]["shape"]), cells[i]["claim"]), 0.1)
                   / (3 if cells[i]["claim"] in _SHARING_FREE else 1) for i in job)

    return sorted(groups.values(), key=lambda job: (-cost(job), job[0]))


#: A decided cell: its index in the run, its row and, for ``fails``, the counterexample's certificate.
_Decided = tuple[int, dict[str, Any], dict[str, Any] | None]


def _decide_job(job: tuple[list[int], list[dict[str, Any]], float]) -> list[_Decided]:
    """Decide a group of cells in a worker process: ``(indices, cells, timeout)`` -> ``[(index, row, certificate)]``."""
    indices, cells, timeout = job
    return [(i, *_decide(c, timeout)) for i, c in zip(indices, cells)]


#: The report's atlas prints one progress line each time this many more cells are decided (and at the end).
PROGRESS_EVERY = 48


class AtlasRun:
    """Decide a list of atlas cells completely, on ``workers`` processes, reusing the verified cache.

    :meth:`start` reads the cache and hands every cell it does not verify to a pool of ``workers``
    processes, grouped by convention (:func:`_jobs`: one process builds a convention's blocks once for
    all its claims and tie rules) and the longest group first (each cell's answer does not depend on
    what its process solved before: :func:`~contract_theory.search.prove.prove` uses a fresh z3
    context per call), so the caller can do other work meanwhile; :meth:`finish` waits for them,
    writes the cache and returns the atlas (the document of :func:`claims_atlas`); :meth:`cancel`
    stops a started run (its processes are terminated).  ``workers`` 1: the cells are decided in
    :meth:`finish`, in this process.  ``cache=""`` disables the cache.  ``progress``: called with
    ``[atlas D/T cells]`` as cells are decided (every :data:`PROGRESS_EVERY` cells and at the end;
    from the pool's result thread while the caller works).  Complexity: one
    :func:`~contract_theory.search.prove.prove` call per cell not verified from the cache.

    Examples
    --------
    >>> cells = [c for c in atlas_cells(((2, 2),)) if c["claim"] == "welfare-rises"][:2]
    >>> atlas = AtlasRun(cells, cache="", progress=print).start().finish()
    [atlas 2/2 cells]
    >>> [r["verdict"] for r in atlas["rows"]], atlas["computed"], atlas["unknown"]
    (['holds', 'holds'], 2, 0)
    """

    def __init__(self, cells: Sequence[dict[str, Any]], *, cache: str = "", workers: int = 1,
                 cell_timeout: float = REPORT_CELL_TIMEOUT, progress: Callable[[str], None] | None = None) -> None:
        self.cells = list(cells)
        self.cache, self.workers, self.cell_timeout, self.progress = cache, workers, cell_timeout, progress
        self._pool: Any = None
        self._pending: list[Any] = []
        self._arrived: list[_Decided] = []
        self._lock = threading.Lock()
        self._todo: list[int] = []
        self._rows: dict[int, dict[str, Any]] = {}
        self._entries: dict[str, Any] = {}
        self._notes: list[str] = []
        self._started = 0.0
        self._told = 0

    def start(self) -> AtlasRun:
        """Read the cache and start the cells it does not verify (see the class docstring)."""
        from contract_theory.search.prove import import_z3

        self._started = time.perf_counter()
        z3 = import_z3()
        self.solver = f"z3 {z3.get_version_string()}"
        self.key = key = _code_key(z3.get_version_string())
        stored, self._notes, self._writable = _load_cache(self.cache, key)
        self.rejected = 0
        for i, c in enumerate(self.cells):
            k = _cell_key(c)
            row = _verified_row(c, stored[k], key) if k in stored else None
            if row is not None:
                self._rows[i] = row
                self._entries[k] = stored[k]
                continue
            self.rejected += k in stored
            self._todo.append(i)
        self.cached = len(self._rows)
        if self.workers > 1 and self._todo:
            import multiprocessing

            from contract_theory.util.interrupts import ignore_interrupts

            # workers ignore SIGINT: a terminal's Ctrl-C reaches the whole group, the parent cancels them
            self._pool = multiprocessing.Pool(self.workers, initializer=ignore_interrupts)
            self._pending = [self._pool.apply_async(_decide_job, ((job, [self.cells[i] for i in job], self.cell_timeout),),
                                                    callback=self._arrive)
                             for job in _jobs(self.cells, self._todo)]
        return self

    def _arrive(self, decided: list[_Decided]) -> None:
        """A group decided by a worker (the pool's result thread): kept for :meth:`finish`, and the progress line."""
        with self._lock:
            self._arrived.extend(decided)
            self._tell(len(self._arrived))

    def _tell(self, computed: int) -> None:
        done, total = self.cached + computed, len(self.cells)
        if self.progress is not None and (done == total or done >= self._told + PROGRESS_EVERY):
            self._told = done
            self.progress(f"[atlas {done}/{total} cells]")

    def cancel(self) -> None:
        """Stop a started run: its worker processes are terminated."""
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None

    def _results(self) -> Iterator[_Decided]:
        if self._pool is not None:
            for pending in self._pending:
                pending.get()  # waits; a worker's exception is raised here
            yield from self._arrived
        else:
            for n, i in enumerate(self._todo):
                yield (i, *_decide(self.cells[i], self.cell_timeout))
                self._tell(n + 1)

    def finish(self, progress: Callable[[str], None] | None = None) -> dict[str, Any]:
        """Wait for every cell; write the cache; the atlas document (:func:`claims_atlas`).

        ``progress`` (a per-cell line, for interactive use): called with each decided cell's verdict."""
        computed = 0
        try:
            for i, row, cert in self._results():
                self._rows[i] = row
                computed += 1
                if row["verdict"] in ("holds", "fails"):
                    self._entries[_cell_key(row)] = _entry(row, self.key, cert)
                if progress is not None:
                    progress(f"atlas: {row['claim']} {'x'.join(map(str, row['shape']))} {row['timing']} "
                             f"{row['selection']} {row['sharing']} {row['tie'] or ''}: {row['verdict']}")
            if not self._todo:
                self._tell(0)
        finally:
            self.cancel()
        return self._document(computed)

    def _document(self, computed: int) -> dict[str, Any]:
        notes = self._notes
        if self.rejected:
            notes.append(f"{self.rejected} cached cell(s) failed verification (a counterexample that does not re-verify, "
                         "a broken seal or a malformed entry): ignored, recomputed and rewritten")
        if self.cache and self._writable and (computed or self.rejected or notes):
            failed = _save_cache(self.cache, self.key, self._entries)
            if failed:
                notes.append(failed)
        for note in notes:
            sys.stderr.write(f"contract-theory: atlas cache: {note}\n")
        rows = [self._rows[i] for i in range(len(self.cells))]
        return {"rows": rows, "computed": computed, "cached": self.cached, "not_run": 0,
                "unknown": sum(r["verdict"] not in ("holds", "fails") for r in rows),
                "seconds": round(time.perf_counter() - self._started, 2), "cache": self.cache or None,
                "solver": self.solver, "workers": self.workers, "cache_notes": notes}


def claims_atlas(*, shapes: Sequence[tuple[int, ...]] = DEFAULT_SHAPES, budget_seconds: float | None = 50.0,
                 cell_timeout: float = 10.0, cache: str | None = None,
                 progress: Callable[[str], None] | None = None, claims: Sequence[str] | None = None,
                 cells: Sequence[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Decide the atlas cells (module docstring), reusing the verified cache.

    Returns ``{"rows": [...], "computed", "cached", "not_run", "seconds", "cache", "solver",
    "cache_notes"}``; each row is a cell plus ``verdict`` (holds / fails / unknown / not run),
    ``margin`` and ``counterexample`` (payoff rows) for ``fails``.  ``cache=""`` disables the cache;
    ``claims`` keeps only those claims' cells; ``cells`` replaces the cells of ``shapes``.
    ``budget_seconds`` ``None``: every cell is decided (serially; :class:`AtlasRun` runs cells on
    several processes); a number: cells stop being started after that many seconds (serially) and the rest
    say ``not run``.  ``cache_notes`` says what of the cache was ignored and why.  Complexity: one
    :func:`~contract_theory.search.prove.prove` call per cell not verified from the cache, one
    certificate check per cached ``fails`` cell.
    """
    from contract_theory.search.prove import import_z3

    chosen = [c for c in (atlas_cells(shapes) if cells is None else cells) if claims is None or c["claim"] in claims]
    path = cache_path() if cache is None else cache
    if budget_seconds is None:
        return AtlasRun(chosen, cache=path, cell_timeout=cell_timeout).start().finish(progress)
    z3 = import_z3()
    key = _code_key(z3.get_version_string())
    stored, notes, writable = _load_cache(path, key)
    entries: dict[str, Any] = {}
    rejected = 0
    start = time.perf_counter()
    rows, computed, cached, not_run = [], 0, 0, 0
    for c in chosen:
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


def _flat(payoffs: list[list[str]] | None) -> str:
    if payoffs is None:
        return ""
    return " ".join("(" + ",".join(row) + ")" for row in payoffs)


#: Where the report keeps the atlas cache: inside its output folder's state folder
#: (:data:`contract_theory.util.folders.STATE_NAME`), kept from one report into the same ``--out`` to the next.
REPORT_CACHE = os.path.join(".contract-theory", "atlas-cache.json")

#: Worker processes of the report's atlas (the machine the report is sized for has two cores).
REPORT_WORKERS = 2


class AtlasSection:
    """The report's claims atlas section: the fixed cells of :func:`report_cells`, every one decided.

    Called as an extra section, ``section(out_dir) -> (markdown, {"atlas": ...})``; the cache is
    ``out_dir/.contract-theory/atlas-cache.json`` (:data:`REPORT_CACHE`) unless ``cache`` is given.
    :meth:`start` (``contract_theory.report.study.run_report`` calls it before the game sections)
    starts the cells on :data:`REPORT_WORKERS` processes, so the solver runs while the games are
    studied; the call then only waits.  The cache changes how long the atlas takes, never what it says.
    """

    __name__ = "atlas_section"

    def __init__(self, *, cells: Sequence[dict[str, Any]] | None = None, cache: str | None = None,
                 workers: int = REPORT_WORKERS) -> None:
        self.cells, self.cache, self.workers = cells, cache, workers
        self._runs: dict[str, AtlasRun] = {}

    def _run(self, out_dir: str, progress: Callable[[str], None] | None = None) -> AtlasRun:
        cache = self.cache if self.cache is not None else os.path.join(out_dir, REPORT_CACHE)
        return AtlasRun(report_cells() if self.cells is None else self.cells, cache=cache, workers=self.workers,
                        progress=progress)

    def start(self, out_dir: str, progress: Callable[[str], None] | None = None) -> None:
        """Start deciding the cells for the report in ``out_dir`` (a missing z3: nothing starts);
        ``progress`` gets the ``[atlas D/T cells]`` lines (:class:`AtlasRun`)."""
        try:
            self._runs[out_dir] = self._run(out_dir, progress).start()
        except ValueError:  # z3 missing: the section says so when called
            pass

    def cancel(self, out_dir: str) -> None:
        """Stop the cells started for ``out_dir``."""
        run = self._runs.pop(out_dir, None)
        if run is not None:
            run.cancel()

    def __call__(self, out_dir: str) -> tuple[str, dict[str, Any]]:
        run = self._runs.pop(out_dir, None)
        try:
            atlas = (run or self._run(out_dir).start()).finish()
        except ValueError as exc:  # z3 missing: say so in the report instead of failing it
            return f"## Claims atlas\n\nNot computed: {exc}\n", {"atlas": None}
        return _atlas_markdown(out_dir, atlas), {"atlas": atlas}


def atlas_section(out_dir: str, *, shapes: Sequence[tuple[int, ...]] | None = None, cache: str | None = None,
                  workers: int = REPORT_WORKERS) -> tuple[str, dict[str, Any]]:
    """The report's claims atlas section: a Markdown table and ``{"atlas": ...}`` (also ``atlas.json``).

    The cells are :func:`report_cells` (``shapes``: every cell of those shapes instead), all decided,
    on ``workers`` processes; the cache as in :class:`AtlasSection`.
    """
    cells = None if shapes is None else atlas_cells(shapes)
    return AtlasSection(cells=cells, cache=cache, workers=workers)(out_dir)


def _coverage(rows: Sequence[dict[str, Any]]) -> str:
    """Which cells of their shapes ``rows`` cover, in words: all of them, or how many.

    Examples
    --------
    >>> _coverage(atlas_cells(((2, 2),)))
    'every timing x selection x sharing convention for every claim and shape, and every tie rule for stable-is-best'
    >>> _coverage(atlas_cells(((2, 2),))[:12])
    'a part of the whole atlas of these shapes, 12 of its 96 cells'
    """
    shapes = tuple(dict.fromkeys(tuple(r["shape"]) for r in rows))
    everything = {_cell_key(c) for c in atlas_cells(shapes)}
    present = {_cell_key(r) for r in rows} & everything
    if present == everything:
        return ("every timing x selection x sharing convention for every claim and shape, and every tie rule for "
                "stable-is-best")
    return f"a part of the whole atlas of these shapes, {len(present)} of its {len(everything)} cells"


def _atlas_markdown(out_dir: str, atlas: dict[str, Any]) -> str:
    """The section's text (and ``atlas.json`` in ``out_dir``: the rows and the solver, no timings)."""
    write_text(os.path.join(out_dir, "atlas.json"), json.dumps(
        {k: v for k, v in atlas.items() if k not in ("cache", "seconds", "computed", "cached")}, indent=1))
    rows = []
    for r in atlas["rows"]:
        rows.append(" | ".join([r["claim"], "x".join(map(str, r["shape"])), r["timing"], r["selection"], r["sharing"],
                                r["tie"] or "-", r["verdict"], "" if r.get("margin") is None else r["margin"],
                                _flat(r.get("counterexample"))]))
    shapes = list(dict.fromkeys("x".join(map(str, r["shape"])) for r in atlas["rows"]))
    header = "claim | shape | timing | selection | sharing | tie | verdict | margin | smallest robust counterexample"
    unknown = atlas.get("unknown", 0)
    return "\n".join([
        "## Claims atlas", "",
        "Each built-in claim decided over **all** games of the shape with real payoffs (`contract-theory prove`, "
        f"{atlas['solver']}): holds, fails (the smallest robust counterexample found, payoffs per profile in "
        "lexicographic order, and its margin: every game that close in max norm fails too; margin 0 = it rests "
        "on ties), or unknown. The tie rule is listed only for stable-is-best, the one claim that reads it; "
        "K is N - 1 (2 for two players).",
        "",
        f"The atlas is a fixed set of {len(atlas['rows'])} cells (shapes {', '.join(shapes)}), every one decided in "
        f"every report: {_coverage(atlas['rows'])}. "
        + (f"{unknown} cell(s) were left unknown by the solver. " if unknown else "")
        + "Decided cells are cached in this folder (.contract-theory/atlas-cache.json) and re-verified when read "
        "(every entry by its seal, a counterexample also by the independent certificate code); the cache changes "
        "how long the atlas takes, never what it says."
        + "".join(f" Cache note: {n}." for n in atlas.get("cache_notes", [])), "",
        header, " | ".join(["---"] * 9), *rows, ""])
