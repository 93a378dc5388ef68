"""The contract-theory JSON game format (``docs/formats.md``): exact, lossless, validated.

A document is a JSON object::

    {"format": "contract-theory/normal-form", "version": 1,
     "title": "Prisoner's dilemma",
     "players": ["Row", "Column"],
     "actions": [["C", "D"], ["C", "D"]],
     "payoffs": [{"profile": ["C", "C"], "payoffs": [3, 3]}, ...]}

``payoffs`` has one row per joint action (any order, each exactly once; ``profile`` lists
action labels, or action indices).  Instead of ``payoffs`` a document may give a dense
``payoff_array``: nested lists of shape ``(m_0, ..., m_{n-1}, n)``, last axis = player.
Numbers are JSON integers or exact strings (``"21/2"``, ``"-0.25"``); JSON floats are
accepted but make the game *inexact* (``NormalFormGame.exact == False``), as everywhere in
the package.  ``"exact": false`` in a written document records that.

The writer emits integers as JSON integers, other exact values as ``"p/q"`` strings, and —
for inexact games — every value that is exactly a binary float as a JSON float, so that
``game_from_json_dict(game_to_json_dict(g)) == g`` *and* the exactness flag survives.

Examples
--------
>>> from contract_theory.games.library import prisoners_dilemma
>>> d = game_to_json_dict(prisoners_dilemma())
>>> d["payoffs"][1]
{'profile': ['C', 'D'], 'payoffs': [0, 5]}
>>> game_from_json_dict(d) == prisoners_dilemma()
True
"""

from __future__ import annotations

import itertools
import json
import math
import os
from collections import Counter
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from contract_theory.errors import GameError, ParseError
from contract_theory.exact.bounds import number_token_problem
from contract_theory.exact.numbers import parse_number
from contract_theory.games.formats.text import load_json, read_text
from contract_theory.games.normal_form import NormalFormGame
from contract_theory.games.size import check_payoff_tensor

__all__ = [
    "FORMAT_NAME", "FORMAT_VERSION", "game_to_json_dict", "game_from_json_dict", "parse_json_game",
    "read_json_game", "write_json_game",
]

#: Value of the ``"format"`` key.
FORMAT_NAME = "contract-theory/normal-form"
#: Value of the ``"version"`` key understood by this reader.
FORMAT_VERSION = 1

_KNOWN_KEYS = {"format", "version", "title", "players", "actions", "payoffs", "payoff_array", "exact", "comment"}


def _json_number(v: Fraction, inexact: bool) -> Any:
    if inexact:
        f = float(v)
        if math.isfinite(f) and Fraction(f) == v:
            return f
    if v.denominator == 1:
        return int(v.numerator)
    return f"{v.numerator}/{v.denominator}"


def game_to_json_dict(game: NormalFormGame, *, layout: str = "rows") -> dict[str, Any]:
    """The JSON document of ``game`` as a Python dict (ready for :func:`json.dumps`).

    ``layout="rows"`` (default) writes one ``payoffs`` row per joint action in
    lexicographic order of action indices; ``layout="array"`` writes the dense
    ``payoff_array``.  Complexity O(n * prod(m_i)).

    Examples
    --------
    >>> from contract_theory.games.library import matching_pennies
    >>> game_to_json_dict(matching_pennies(), layout="array")["payoff_array"][0]
    [[1, -1], [-1, 1]]
    """
    if layout not in ("rows", "array"):
        raise ValueError(f"layout must be 'rows' or 'array', got {layout!r}")
    inexact = not game.exact
    doc: dict[str, Any] = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "title": game.title,
        "players": list(game.players),
        "actions": [list(a) for a in game.actions],
    }
    if inexact:
        doc["exact"] = False
    n = game.n_players
    flat = game.fractions.reshape(-1, n)
    values = [[_json_number(v, inexact) for v in row] for row in flat]
    if layout == "array":
        arr = np.empty(len(values), dtype=object)
        arr[:] = values
        doc["payoff_array"] = arr.reshape(game.shape).tolist()
    else:
        doc["payoffs"] = [{"profile": list(game.labels(p)), "payoffs": values[k]}
                          for k, p in enumerate(game.profiles())]
    return doc


def _number(value: Any, where: str) -> tuple[Fraction, bool]:
    """Exact value of one JSON payoff and whether it was exact (not a float)."""
    if isinstance(value, bool):
        raise ParseError(f"{where} is a boolean ({json.dumps(value)}), not a number", token=json.dumps(value))
    if isinstance(value, int):
        return Fraction(value), True
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ParseError(f"{where} is not finite", token=repr(value))
        return Fraction(value), False
    if isinstance(value, str):
        problem = number_token_problem(value.strip())
        if problem is not None:
            raise ParseError(f"{where}: {problem}")
        try:
            return parse_number(value), True
        except ParseError:
            raise ParseError(f"{where} is not a number (use e.g. 3, \"-0.25\" or \"21/2\")", token=value) from None
    raise ParseError(f"{where} must be a number or an exact string, got {type(value).__name__}",
                     token=json.dumps(value)[:40])


def _labels(value: Any, key: str) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ParseError(f"{key!r} must be a non-empty list of strings", token=json.dumps(value)[:60])
    if len(set(value)) != len(value):
        counts = Counter(value)  # one pass (a list.count per label is quadratic in the labels)
        dup = next(v for v in value if counts[v] > 1)
        raise ParseError(f"{key!r} has the duplicate label {dup!r}", token=dup)
    return list(value)


def game_from_json_dict(doc: Any) -> NormalFormGame:
    """Build a game from a JSON document (a dict), validating every key.

    Errors are :class:`~contract_theory.errors.ParseError` naming the offending key or
    row (``payoffs[3].profile``, ``payoff_array[1][0]``): wrong ``format``/``version``,
    unknown keys, missing or ragged data, unknown action labels, duplicate or missing joint
    actions, non-numbers.  Complexity O(n * prod(m_i)).

    Examples
    --------
    >>> g = game_from_json_dict({"format": "contract-theory/normal-form", "version": 1,
    ...     "players": ["A", "B"], "actions": [["x"], ["y", "z"]],
    ...     "payoff_array": [[[1, "1/2"], ["0.25", -3]]]})
    >>> g.payoff((0, 1))
    (Fraction(1, 4), Fraction(-3, 1))
    """
    if not isinstance(doc, dict):
        raise ParseError(f"a JSON game must be an object, got {type(doc).__name__}")
    if doc.get("format") != FORMAT_NAME:
        raise ParseError(f"key 'format' must be {FORMAT_NAME!r}", token=str(doc.get("format")))
    if doc.get("version") != FORMAT_VERSION or isinstance(doc.get("version"), bool):
        raise ParseError(f"key 'version' must be {FORMAT_VERSION} (the only version this reader knows)",
                         token=str(doc.get("version")))
    unknown = sorted(set(doc) - _KNOWN_KEYS)
    if unknown:
        raise ParseError(f"unknown key {unknown[0]!r}; known keys are {sorted(_KNOWN_KEYS)}", token=unknown[0])
    title = doc.get("title", "")
    if not isinstance(title, str):
        raise ParseError("key 'title' must be a string", token=json.dumps(title)[:40])
    if "players" not in doc:
        raise ParseError("missing key 'players'")
    players = _labels(doc["players"], "players")
    n = len(players)
    if "actions" not in doc:
        raise ParseError("missing key 'actions'")
    acts = doc["actions"]
    if not isinstance(acts, list) or len(acts) != n:
        raise ParseError(f"key 'actions' must be a list of {n} label lists (one per player)",
                         token=json.dumps(acts)[:60])
    actions = [_labels(a, f"actions[{i}]") for i, a in enumerate(acts)]
    shape = tuple(len(a) for a in actions)
    check_payoff_tensor(shape, "payoff tensor of the JSON game file")
    has_rows, has_array = "payoffs" in doc, "payoff_array" in doc
    if has_rows == has_array:
        raise ParseError("give exactly one of the keys 'payoffs' (rows) and 'payoff_array' (dense)")
    # values are collected first and the array allocated afterwards, so a huge declared
    # shape with little data fails with a ParseError instead of exhausting memory
    if has_array:
        flat, exact = _read_array(doc["payoff_array"], shape + (n,))
    else:
        flat, exact = _read_rows(doc["payoffs"], shape, actions, players)
    out = np.empty(len(flat), dtype=object)
    out[:] = flat
    out = out.reshape(shape + (n,))
    if doc.get("exact", True) is False:
        exact = False
    elif doc.get("exact", True) is not True:
        raise ParseError("key 'exact' must be true or false", token=json.dumps(doc.get("exact")))
    try:
        game = NormalFormGame(out, players=players, actions=actions, title=title)
    except GameError as exc:  # pragma: no cover - validated above
        raise ParseError(str(exc)) from None
    if game.exact and not exact:
        # re-create with float entries so the game carries exact=False (values unchanged)
        game = _mark_inexact(game)
    return game


def _mark_inexact(game: NormalFormGame) -> NormalFormGame:
    """The same game flagged inexact: entries that are exactly floats are passed as floats."""
    fr = game.fractions.copy()
    flat = fr.reshape(-1)
    for k, v in enumerate(flat):
        f = float(v)
        if Fraction(f) == v:
            flat[k] = f
            break
    return NormalFormGame(fr, players=game.players, actions=game.actions, title=game.title)


def _read_array(arr: Any, shape: tuple[int, ...]) -> tuple[list[Fraction], bool]:
    """Flat C-order payoff list of a dense ``payoff_array`` and whether it was exact."""
    flat: list[Fraction] = []
    exact = True

    def rec(v: Any, idx: tuple[int, ...]) -> None:
        nonlocal exact
        depth = len(idx)
        where = "payoff_array" + "".join(f"[{k}]" for k in idx)
        if depth == len(shape):
            val, ex = _number(v, where)
            exact = exact and ex
            flat.append(val)
            return
        if not isinstance(v, list) or len(v) != shape[depth]:
            got = f"length {len(v)}" if isinstance(v, list) else type(v).__name__
            what = "payoffs (one per player)" if depth == len(shape) - 1 else "actions"
            raise ParseError(f"{where} must be a list of {shape[depth]} entries ({what}), got {got}",
                             token=json.dumps(v)[:40])
        for k, item in enumerate(v):
            rec(item, idx + (k,))

    rec(arr, ())
    return flat, exact


def _read_rows(rows: Any, shape: tuple[int, ...], actions: list[list[str]],
               players: list[str]) -> tuple[list[Fraction], bool]:
    """Flat C-order payoff list from one row per joint action, and whether it was exact."""
    n = len(players)
    if not isinstance(rows, list):
        raise ParseError("key 'payoffs' must be a list of rows {\"profile\": [...], \"payoffs\": [...]}")
    index = [{lab: k for k, lab in enumerate(a)} for a in actions]
    values: dict[tuple[int, ...], list[Fraction]] = {}
    exact = True
    for r, row in enumerate(rows):
        where = f"payoffs[{r}]"
        if not isinstance(row, dict) or set(row) != {"profile", "payoffs"}:
            raise ParseError(f"{where} must be an object with exactly the keys 'profile' and 'payoffs'",
                             token=json.dumps(row)[:60])
        prof = row["profile"]
        if not isinstance(prof, list) or len(prof) != n:
            raise ParseError(f"{where}.profile must list one action per player ({n})", token=json.dumps(prof)[:60])
        idx = []
        for i, a in enumerate(prof):
            if isinstance(a, str) and a in index[i]:
                idx.append(index[i][a])
            elif isinstance(a, int) and not isinstance(a, bool) and 0 <= a < shape[i]:
                idx.append(a)
            else:
                raise ParseError(f"{where}.profile[{i}]: {a!r} is not an action of player {players[i]!r} "
                                 f"(actions {actions[i]})", token=str(a))
        t = tuple(idx)
        if t in values:
            raise ParseError(f"{where}: joint action {prof} appears twice", token=json.dumps(prof))
        pay = row["payoffs"]
        if not isinstance(pay, list) or len(pay) != n:
            raise ParseError(f"{where}.payoffs must list {n} payoffs (one per player)", token=json.dumps(pay)[:60])
        vals = []
        for i, v in enumerate(pay):
            val, ex = _number(v, f"{where}.payoffs[{i}]")
            exact = exact and ex
            vals.append(val)
        values[t] = vals
    total = math.prod(shape)
    if len(values) != total:  # find the first missing joint action (at most len(values) + 1 steps)
        missing = next(p for p in itertools.product(*(range(m) for m in shape)) if p not in values)
        labels = [actions[i][k] for i, k in enumerate(missing)]
        raise ParseError(f"key 'payoffs' has no row for joint action {labels} "
                         f"({total - len(values)} of {total} joint actions missing)", token=json.dumps(labels))
    flat = [v for p in itertools.product(*(range(m) for m in shape)) for v in values[p]]
    return flat, exact


def parse_json_game(text: str) -> NormalFormGame:
    """Parse JSON text into a game; invalid JSON raises ParseError with the line.

    The text goes through the input boundary (:func:`contract_theory.games.formats.text.load_json`:
    nesting depth, duplicate keys, number bounds).

    Examples
    --------
    >>> parse_json_game('{"format": "contract-theory/normal-form", "version": 1, "players": ["A"],'
    ...                 ' "actions": [["x", "y"]], "payoff_array": [[1], ["3/2"]]}').payoff((1,))
    (Fraction(3, 2),)
    """
    if not isinstance(text, str):
        raise ParseError(f"JSON game text must be a string, got {type(text).__name__}")
    return game_from_json_dict(load_json(text))


def read_json_game(path_or_text: str | os.PathLike[str]) -> NormalFormGame:
    """Read a JSON game from a path, or from its text when the string starts with ``{``."""
    if isinstance(path_or_text, str) and path_or_text.lstrip().startswith("{"):
        return parse_json_game(path_or_text)
    return parse_json_game(read_text(path_or_text))


def write_json_game(game: NormalFormGame, path: str | os.PathLike[str] | None = None, *,
                    layout: str = "rows", indent: int | None = 2) -> str:
    """Serialize ``game`` as JSON text (see :func:`game_to_json_dict`); also write it to ``path``.

    With ``indent`` (default 2) each top-level key and each payoff row is on its own line;
    ``indent=None`` writes one line.  Complexity O(n * prod(m_i)).

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> parse_json_game(write_json_game(prisoners_dilemma())) == prisoners_dilemma()
    True
    """
    doc = game_to_json_dict(game, layout=layout)
    if indent is None:
        text = json.dumps(doc, ensure_ascii=False) + "\n"
    else:  # one key per line, one payoff row (or first-axis slice of the array) per line
        pad = " " * indent
        parts = []
        for key, value in doc.items():
            if key in ("payoffs", "payoff_array") and value:
                inner = (",\n" + pad * 2).join(json.dumps(v, ensure_ascii=False) for v in value)
                parts.append(f"{pad}{json.dumps(key)}: [\n{pad * 2}{inner}\n{pad}]")
            else:
                parts.append(f"{pad}{json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}")
        text = "{\n" + ",\n".join(parts) + "\n}\n"
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text
