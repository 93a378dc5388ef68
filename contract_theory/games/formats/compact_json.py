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
import math
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

from contract_theory.errors import GameError, ParseError
from contract_theory.exact.bounds import MAX_EXPONENT, short_token
from contract_theory.exact.numbers import fmt, to_fraction
from contract_theory.games.compact import AggregativeGame, AnonymousGame, Counts, distributions
from contract_theory.games.formats.text import read_json
from contract_theory.games.size import check_size

__all__ = ["FORMAT", "VERSION", "compact_game_to_dict", "compact_game_from_dict", "read_compact_game",
           "write_compact_game", "is_compact_document", "table_rows"]

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
    if not isinstance(x, (int, str)):
        raise ParseError(f"{where}: numbers must be integers or exact strings, got {type(x).__name__}")
    try:
        return to_fraction(x, what=where)
    except (GameError, ValueError) as exc:
        raise ParseError(str(exc)) from None


def _int(x: Any, where: str, low: int = 0) -> int:
    if isinstance(x, bool) or not isinstance(x, int) or x < low:
        raise ParseError(f"{where} must be an integer >= {low}, got {short_token(json.dumps(x), 40)}")
    return x


def _object(x: Any, where: str) -> dict[str, Any]:
    if not isinstance(x, dict):
        raise ParseError(f"{where} must be an object, got {type(x).__name__} {short_token(json.dumps(x), 40)}")
    return x


def _list(x: Any, where: str) -> list[Any]:
    if not isinstance(x, list):
        raise ParseError(f"{where} must be a list, got {type(x).__name__} {short_token(json.dumps(x), 40)}")
    return x


def _types(data: dict[str, Any]) -> tuple[list[dict[str, Any]], list[int], list[str]]:
    """The ``types`` objects, their player counts and names."""
    types = data.get("types")
    if not isinstance(types, list) or not types:
        raise ParseError("key 'types' must be a non-empty list")
    objs = [_object(t, f"types[{i}]") for i, t in enumerate(types)]
    counts = [_int(t.get("count"), f"types[{i}].count", 1) for i, t in enumerate(objs)]
    names = [str(t.get("name", f"T{i}")) for i, t in enumerate(objs)]
    return objs, counts, names


def _polynomial(t: dict[str, Any], i: int) -> dict[tuple[int, int], Fraction]:
    """A type's payoff terms {(x exponent, X exponent): coefficient}; exponents at most MAX_EXPONENT."""
    poly: dict[tuple[int, int], Fraction] = {}
    for j, term in enumerate(_list(t.get("payoff"), f"types[{i}].payoff")):
        where = f"types[{i}].payoff[{j}]"
        term = _object(term, where)
        key = (_int(term.get("x", 0), f"{where}.x"), _int(term.get("X", 0), f"{where}.X"))
        for e, name in zip(key, ("x", "X")):
            if e > MAX_EXPONENT:
                raise ParseError(f"{where}.{name}: exponent {e} is above {MAX_EXPONENT}, the largest a compact game "
                                 "accepts (exact powers grow with the exponent)")
        poly[key] = poly.get(key, Fraction(0)) + _num(term.get("coef"), f"{where}.coef")
    return poly


def _aggregative(objs: list[dict[str, Any]], counts: list[int], names: list[str], title: str) -> AggregativeGame:
    values = [[_num(v, f"types[{i}].values") for v in _list(t.get("values", []), f"types[{i}].values")]
              for i, t in enumerate(objs)]
    polys = [_polynomial(t, i) for i, t in enumerate(objs)]
    weights = [_num(t.get("weight", 1), f"types[{i}].weight") for i, t in enumerate(objs)]
    labels = [_list(t["actions"], f"types[{i}].actions") for i, t in enumerate(objs)] \
        if all("actions" in t for t in objs) else None
    return AggregativeGame(counts, values, weights=weights, poly=polys, labels=labels, title=title, type_names=names)


def table_rows(type_counts: Sequence[int], n_actions: Sequence[int]) -> int:
    """Rows of a complete ``anonymous`` payoff table: one per (type t, action b, count matrix c) with
    ``c[t][b] >= 1``, that is ``sum_{t,b} C(n_t + m_t - 2, m_t - 1) prod_{t' != t} C(n_t' + m_t' - 1, m_t' - 1)``,
    in integer arithmetic (O(types) binomials, never an enumeration).

    Examples
    --------
    >>> table_rows([2], [2])   # counts (2,0), (1,1), (0,2): 1 + 2 + 1 rows
    4
    """
    per_type = [math.comb(n + m - 1, m - 1) for n, m in zip(type_counts, n_actions)]
    total = math.prod(per_type)
    return sum(m * math.comb(n + m - 2, m - 1) * (total // c)
               for n, m, c in zip(type_counts, n_actions, per_type))


def _anonymous(data: dict[str, Any], objs: list[dict[str, Any]], counts: list[int], names: list[str],
               title: str) -> AnonymousGame:
    acts = [_list(t.get("actions"), f"types[{i}].actions") for i, t in enumerate(objs)]
    rows = _list(data.get("payoffs"), "key 'payoffs' (rows {type, action, counts, payoff})")
    needed = table_rows(counts, [len(a) for a in acts])
    matrices = math.prod(math.comb(n + len(a) - 1, len(a) - 1) for n, a in zip(counts, acts))
    check_size("payoff table of the compact game", needed,
               f"{sum(counts):,} players in {len(counts)} type(s) with {'/'.join(str(len(a)) for a in acts)} actions: "
               f"{matrices:,} count matrices", way_out="use an aggregative game (its payoff is a formula) or fewer players")
    table: dict[tuple[int, int, Counts], Fraction] = {}
    for j, r in enumerate(rows):
        r = _object(r, f"payoffs[{j}]")
        c = tuple(tuple(_int(v, f"payoffs[{j}].counts") for v in _list(row, f"payoffs[{j}].counts"))
                  for row in _list(r.get("counts", []), f"payoffs[{j}].counts"))
        table[(_int(r.get("type"), f"payoffs[{j}].type"), _int(r.get("action"), f"payoffs[{j}].action"),
               c)] = _num(r.get("payoff"), f"payoffs[{j}].payoff")
    game = AnonymousGame(counts, acts, lambda t, b, c: _lookup(table, t, b, c), title=title, type_names=names)
    for c in _all_counts(game):  # every row must be present (at most `needed` look-ups: within the budget)
        for t, row in enumerate(c):
            for b, k in enumerate(row):
                if k:
                    _lookup(table, t, b, c)
    return game


def compact_game_from_dict(data: Any) -> AnonymousGame:
    """Build a compact game from a parsed document; :class:`ParseError` names the key or row at fault.

    Every ``types`` entry and payoff row must be an object, numbers within the bounds of
    :mod:`contract_theory.exact.bounds`, polynomial exponents at most
    :data:`~contract_theory.exact.bounds.MAX_EXPONENT`; an ``anonymous`` table's size (one row per
    type, action and count matrix) is checked against the one size budget before it is read.

    Examples
    --------
    >>> compact_game_from_dict({"format": FORMAT, "version": 1, "kind": "anonymous", "types": [3]})
    Traceback (most recent call last):
    ...
    contract_theory.errors.ParseError: types[0] must be an object, got int 3
    """
    if not is_compact_document(data):
        raise ParseError(f"not a compact game: expected \"format\": \"{FORMAT}\"")
    if data.get("version") != VERSION:
        raise ParseError(f"unsupported compact-game version {short_token(json.dumps(data.get('version')), 20)}; "
                         f"expected {VERSION}")
    kind = data.get("kind")
    if kind not in ("aggregative", "anonymous"):
        raise ParseError(f"unknown compact-game kind {short_token(json.dumps(kind), 30)}; expected 'anonymous' or "
                         "'aggregative'", token=short_token(str(kind)))
    objs, counts, names = _types(data)
    title = str(data.get("title", ""))
    try:
        if kind == "aggregative":
            return _aggregative(objs, counts, names, title)
        return _anonymous(data, objs, counts, names, title)
    except GameError as exc:
        raise ParseError(str(exc)) from None


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
    """Read a compact game file (through the input boundary,
    :func:`contract_theory.games.formats.text.read_json`); :class:`ParseError` on invalid JSON or content."""
    return compact_game_from_dict(read_json(path))

