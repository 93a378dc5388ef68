"""JSON files for compact games: format ``contract-theory/compact-game``, version 1.

Documented in ``docs/formats.md`` (section "Compact games").  Two kinds::

    {"format": "contract-theory/compact-game", "version": 1, "title": "...", "kind": "aggregative",
     "types": [{"name": "T0", "count": 100, "values": ["0", "1", "2"], "weight": "1",
                "payoff": [{"x": 0, "X": 1, "coef": "1"}, {"x": 2, "X": 0, "coef": "-1/2"}]}]}

    {"format": "contract-theory/compact-game", "version": 1, "title": "...", "kind": "anonymous",
     "types": [{"name": "T0", "count": 3, "actions": ["C", "D"]}],
     "payoffs": [{"type": 0, "action": 0, "counts": [[1, 2]], "payoff": "3/2"}, ...]}

``aggregative``: u_i = sum coef x_i^x X^X with X = sum_j weight_{t(j)} x_j (action labels are
the values unless ``actions`` is given).  ``anonymous``: one ``payoffs`` row for every
(type, action, count matrix) with that (type, action) occupied -- the full table, polynomial
in N for a fixed number of types and actions.  Numbers are JSON integers or exact strings.
The writer emits exact strings, so ``read(write(g))`` has the same payoffs.

Examples
--------
>>> from contract_theory.games.compact_library import iea
>>> g = compact_game_from_dict(compact_game_to_dict(iea(5, 1, 2)))
>>> g.payoff(0, 1, ((0, 5, 0, 0, 0, 0),))
Fraction(9, 4)
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any

from contract_theory.errors import GameError, ParseError
from contract_theory.exact.numbers import fmt, to_fraction
from contract_theory.games.compact import AggregativeGame, AnonymousGame, Counts, distributions

__all__ = ["FORMAT", "VERSION", "compact_game_to_dict", "compact_game_from_dict", "read_compact_game",
           "write_compact_game", "is_compact_document"]

FORMAT = "contract-theory/compact-game"
VERSION = 1


def is_compact_document(data: Any) -> bool:
    """Whether a parsed JSON document is a compact game."""
    return isinstance(data, dict) and data.get("format") == FORMAT


def compact_game_to_dict(game: AnonymousGame, *, max_rows: int = 1_000_000) -> dict[str, Any]:
    """The JSON-ready dict: ``aggregative`` for a polynomial aggregative game, else the ``anonymous`` table.

    The table has one row per occupied (type, action, count matrix); more than ``max_rows``
    raises :class:`~contract_theory.errors.GameError`.
    """
    doc: dict[str, Any] = {"format": FORMAT, "version": VERSION, "title": game.title}
    if isinstance(game, AggregativeGame) and game.poly is not None:
        doc["kind"] = "aggregative"
        doc["types"] = [{"name": name, "count": n, "values": [fmt(v) for v in vals], "actions": list(acts),
                         "weight": fmt(w),
                         "payoff": [{"x": p, "X": q, "coef": fmt(c)} for (p, q), c in sorted(poly.items())]}
                        for name, n, vals, acts, w, poly in zip(game.type_names, game.type_counts, game.values,
                                                                game.actions, game.weights, game.poly)]
        return doc
    doc["kind"] = "anonymous"
    doc["types"] = [{"name": name, "count": n, "actions": list(acts)}
                    for name, n, acts in zip(game.type_names, game.type_counts, game.actions)]
    rows = _all_counts(game)
    if len(rows) * len(game.columns) > max_rows:
        raise GameError(f"the payoff table of this compact game has about {len(rows) * len(game.columns)} rows, "
                        f"above max_rows={max_rows}")
    table = []
    for c in rows:
        for t, row in enumerate(c):
            for b, k in enumerate(row):
                if k:
                    table.append({"type": t, "action": b, "counts": [list(r) for r in c],
                                  "payoff": fmt(game.payoff(t, b, c))})
    doc["payoffs"] = table
    return doc


def _all_counts(game: AnonymousGame) -> list[Counts]:
    out: list[Counts] = [()]
    for n, m in zip(game.type_counts, game.n_actions):
        part = [tuple(int(v) for v in r) for r in distributions(n, m)]
        out = [c + (r,) for c in out for r in part]
    return out


def _num(x: Any, where: str) -> Fraction:
    if isinstance(x, float) or isinstance(x, bool):
        raise ParseError(f"{where}: numbers must be integers or exact strings, got {x!r}", token=str(x))
    try:
        return to_fraction(x, what=where)
    except (GameError, ValueError) as exc:
        raise ParseError(f"{where}: {exc}", token=str(x)) from None


def _int(x: Any, where: str, low: int = 0) -> int:
    if isinstance(x, bool) or not isinstance(x, int) or x < low:
        raise ParseError(f"{where} must be an integer >= {low}, got {x!r}", token=str(x))
    return x


def compact_game_from_dict(data: Any) -> AnonymousGame:
    """Build a compact game from a parsed document; :class:`ParseError` names the key or row at fault."""
    if not is_compact_document(data):
        raise ParseError(f"not a compact game: expected \"format\": \"{FORMAT}\"")
    if data.get("version") != VERSION:
        raise ParseError(f"unsupported compact-game version {data.get('version')!r}; expected {VERSION}")
    types = data.get("types")
    if not isinstance(types, list) or not types:
        raise ParseError("key 'types' must be a non-empty list")
    kind = data.get("kind")
    counts = [_int(t.get("count"), f"types[{i}].count", 1) for i, t in enumerate(types)]
    names = [str(t.get("name", f"T{i}")) for i, t in enumerate(types)]
    title = str(data.get("title", ""))
    try:
        if kind == "aggregative":
            values = [[_num(v, f"types[{i}].values") for v in t.get("values", [])] for i, t in enumerate(types)]
            polys = []
            for i, t in enumerate(types):
                terms = t.get("payoff")
                if not isinstance(terms, list):
                    raise ParseError(f"types[{i}].payoff must be a list of {{x, X, coef}} terms")
                poly: dict[tuple[int, int], Fraction] = {}
                for j, term in enumerate(terms):
                    key = (_int(term.get("x", 0), f"types[{i}].payoff[{j}].x"),
                           _int(term.get("X", 0), f"types[{i}].payoff[{j}].X"))
                    poly[key] = poly.get(key, Fraction(0)) + _num(term.get("coef"), f"types[{i}].payoff[{j}].coef")
                polys.append(poly)
            weights = [_num(t.get("weight", 1), f"types[{i}].weight") for i, t in enumerate(types)]
            labels = [t["actions"] for t in types] if all("actions" in t for t in types) else None
            return AggregativeGame(counts, values, weights=weights, poly=polys, title=title, labels=labels,
                                   type_names=names)
        if kind == "anonymous":
            acts = [t.get("actions") for t in types]
            rows = data.get("payoffs")
            if not isinstance(rows, list):
                raise ParseError("key 'payoffs' must be a list of {type, action, counts, payoff} rows")
            table: dict[tuple[int, int, Counts], Fraction] = {}
            for j, r in enumerate(rows):
                c = tuple(tuple(_int(v, f"payoffs[{j}].counts") for v in row) for row in r.get("counts", []))
                table[(_int(r.get("type"), f"payoffs[{j}].type"), _int(r.get("action"), f"payoffs[{j}].action"),
                       c)] = _num(r.get("payoff"), f"payoffs[{j}].payoff")
            game = AnonymousGame(counts, acts, lambda t, b, c: _lookup(table, t, b, c), title=title,
                                 type_names=names)
            for c in _all_counts(game):  # every row must be present
                for t, row in enumerate(c):
                    for b, k in enumerate(row):
                        if k:
                            _lookup(table, t, b, c)
            return game
    except GameError as exc:
        raise ParseError(str(exc)) from None
    raise ParseError(f"unknown compact-game kind {kind!r}; expected 'anonymous' or 'aggregative'", token=str(kind))


def _lookup(table: dict[tuple[int, int, Counts], Fraction], t: int, b: int, c: Counts) -> Fraction:
    try:
        return table[(t, b, c)]
    except KeyError:
        raise ParseError(f"payoffs: no row for type {t}, action {b}, counts {[list(r) for r in c]}") from None


def write_compact_game(game: AnonymousGame, path: str | Path | None = None) -> str:
    """Write ``game`` as JSON (to ``path`` when given) and return the text."""
    text = json.dumps(compact_game_to_dict(game), indent=1) + "\n"
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


def read_compact_game(path: str | Path) -> AnonymousGame:
    """Read a compact game file; :class:`ParseError` on invalid JSON or content."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ParseError(f"cannot read compact game {str(path)!r}: {exc}") from None
    return compact_game_from_dict(data)

