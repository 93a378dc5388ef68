"""JSON files for Markov games: format ``contract-theory/markov-game``, version 1.

The format is documented in ``docs/markov-format.md``.  Shape::

    {"format": "contract-theory/markov-game", "version": 1, "title": "...",
     "players": ["P0", "P1"], "states": ["Full", "Depleted"],
     "actions": [["Restrain", "Greedy"], ["Restrain", "Greedy"]],
     "discount": "9/10", "initial": {"Full": "1"},
     "transitions": [{"state": "Full", "actions": ["Restrain", "Greedy"],
                      "rewards": ["1", "2"], "next": {"Depleted": "1"}}, ...]}

with exactly one ``transitions`` row per (state, joint action).  Numbers are JSON numbers or exact
strings (``"3"``, ``"-1/2"``, ``"0.25"``); a JSON float marks the game inexact.  The writer emits
exact strings, rows in state-major lexicographic order and only positive ``next`` entries, so
``read(write(g)) == g`` exactly; an inexact game is written with ``"exact": false``.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from contract_theory.errors import GameError, ParseError
from contract_theory.exact.bounds import short_token
from contract_theory.exact.numbers import fmt, to_fraction
from contract_theory.games.formats.text import read_json
from contract_theory.games.markov import MarkovGame
from contract_theory.games.size import check_markov_tensors

__all__ = ["FORMAT", "VERSION", "markov_game_to_dict", "markov_game_from_dict", "read_markov_game",
           "write_markov_game"]

FORMAT = "contract-theory/markov-game"
VERSION = 1


def markov_game_to_dict(game: MarkovGame) -> dict[str, Any]:
    """The JSON-ready dict of a game (exact strings).  O(|S| J (n + |S|)).

    Examples
    --------
    >>> from contract_theory.games.markov_library import repeated_prisoners_dilemma
    >>> d = markov_game_to_dict(repeated_prisoners_dilemma())
    >>> d["discount"], d["transitions"][1]
    ('9/10', {'state': 'play', 'actions': ['C', 'D'], 'rewards': ['0', '5'], 'next': {'play': '1'}})
    """
    rows = []
    for s, state in enumerate(game.states):
        for joint in game.joint_actions():
            key = (s,) + joint
            rows.append({
                "state": state,
                "actions": list(game.labels(joint)),
                "rewards": [fmt(v) for v in game.rewards[key]],
                "next": {game.states[t]: fmt(p) for t, p in enumerate(game.transitions[key]) if p != 0},
            })
    out: dict[str, Any] = {"format": FORMAT, "version": VERSION, "title": game.title,
                           "players": list(game.players), "states": list(game.states),
                           "actions": [list(a) for a in game.actions], "discount": fmt(game.discount),
                           "initial": {game.states[s]: fmt(p) for s, p in enumerate(game.initial) if p != 0},
                           "transitions": rows}
    if not game.exact:
        out["exact"] = False
    return out


def _num(value: Any, what: str, row: int | None = None) -> tuple[Fraction | float, bool]:
    """One number of the file and whether it is exact; the message names ``what`` and the row."""
    where = "" if row is None else f"transitions row {row}: "
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ParseError(f"{where}{what} must be a JSON number or an exact string, got {_short(value)}")
    try:
        f = to_fraction(value, what=what)
        # floats are passed on as floats so that MarkovGame marks the game inexact (and applies its
        # documented renormalization of float probability rows)
        return (value if isinstance(value, float) else f), not isinstance(value, float)
    except GameError as exc:
        raise ParseError(f"{where}{exc}") from None


def _short(value: Any) -> str:
    """A JSON value for a one-line message (a string quoted, anything cut to 60 characters)."""
    if isinstance(value, str):
        return repr(short_token(value, 40))
    return short_token(json.dumps(value, default=str), 60)


def _listed(names: Sequence[str]) -> str:
    """``a, b, c`` -- or the first five and the count when there are many."""
    return ", ".join(names) if len(names) <= 8 else ", ".join(names[:5]) + f", ... ({len(names)} in all)"


def _labels(d: dict[str, Any], key: str) -> list[str]:
    v = d.get(key)
    if not isinstance(v, list) or not v:
        raise ParseError(f"field {key!r} must be a non-empty list, got {_short(v)}")
    return [str(x) for x in v]


def _header(data: Any) -> tuple[list[str], list[str], list[list[str]]]:
    """Format, version, players, states and actions of the document (distinct labels)."""
    if not isinstance(data, dict):
        raise ParseError(f"a Markov game file must hold a JSON object, got {type(data).__name__}")
    if data.get("format") != FORMAT:
        raise ParseError(f"field 'format' must be {FORMAT!r}, got {_short(data.get('format'))}")
    if data.get("version") != VERSION:
        raise ParseError(f"unsupported version {_short(data.get('version'))} (this reader knows version {VERSION})")
    players, states = _labels(data, "players"), _labels(data, "states")
    raw = data.get("actions")
    if not isinstance(raw, list) or len(raw) != len(players) or not all(isinstance(a, list) and a for a in raw):
        raise ParseError(f"field 'actions' must hold one non-empty label list per player ({len(players)})")
    actions = [[str(x) for x in a] for a in raw]
    for name, seq in [("players", players), ("states", states)] + [
            (f"actions of player {players[i]!r}", a) for i, a in enumerate(actions)]:
        if len(set(seq)) != len(seq):
            # counted once (a list.count per label would be quadratic: 200,000 states took minutes)
            raise ParseError(f"duplicate {name}: {_listed(sorted(x for x, c in Counter(seq).items() if c > 1))}")
    return players, states, actions


def _distribution(given: Any, states: list[str], what: str, row: int | None = None
                  ) -> tuple[list[tuple[int, Fraction | float]], bool]:
    """``{state: probability}`` as (state index, value) pairs, and whether every value is exact."""
    where = "" if row is None else f"transitions row {row}: "
    if not isinstance(given, dict) or not given:
        raise ParseError(f"{where}{what} must be a non-empty object {{state: probability}}, got {_short(given)}")
    index = {name: k for k, name in enumerate(states)}
    out, exact = [], True
    for name, p in given.items():
        if name not in index:
            kind = "next state" if row is not None else "state"
            raise ParseError(f"{where}unknown {kind} {short_token(name, 40)!r} in {what}; states are {_listed(states)}")
        value, ex = _num(p, f"probability of state {short_token(name, 40)!r} in {what}", row)
        out.append((index[name], value))
        exact &= ex
    return out, exact


_ROW_KEYS = {"state", "actions", "rewards", "next"}


def _row(row: Any, k: int, states: list[str], players: list[str], actions: list[list[str]]
         ) -> tuple[tuple[int, ...], list[Fraction | float], list[tuple[int, Fraction | float]], bool]:
    """One transitions row: its key (state, joint action), rewards, next-state pairs and exactness."""
    where = f"transitions row {k}"
    if not isinstance(row, dict) or set(row) != _ROW_KEYS:
        got = sorted(row) if isinstance(row, dict) else type(row).__name__
        raise ParseError(f"{where} must be an object with exactly the keys state, actions, rewards, next "
                         f"(got {short_token(str(got), 60)})")
    if row["state"] not in states:
        raise ParseError(f"{where}: unknown state {_short(row['state'])}; states are {_listed(states)}")
    acts, rew = row["actions"], row["rewards"]
    n = len(players)
    if not isinstance(acts, list) or len(acts) != n:
        raise ParseError(f"{where}: 'actions' must list one label per player ({n}), got {_short(acts)}")
    joint = []
    for i, a in enumerate(acts):
        if a not in actions[i]:
            raise ParseError(f"{where}: unknown action {_short(a)} of player {players[i]!r}; actions are "
                             f"{_listed(actions[i])}")
        joint.append(actions[i].index(a))
    if not isinstance(rew, list) or len(rew) != n:
        raise ParseError(f"{where}: 'rewards' must list one number per player ({n}), got {_short(rew)}")
    rewards, exact = [], True
    for i, v in enumerate(rew):
        value, ex = _num(v, f"reward of player {players[i]!r}", k)
        rewards.append(value)
        exact &= ex
    nxt, ex = _distribution(row["next"], states, "'next'", k)
    return (states.index(row["state"]),) + tuple(joint), rewards, nxt, exact and ex


def _rows(data: dict[str, Any], states: list[str], players: list[str], actions: list[list[str]]) -> tuple[list[Any], bool]:
    """Every transitions row, checked and complete (one per state and joint action), before any tensor exists."""
    rows = data.get("transitions")
    if not isinstance(rows, list):
        raise ParseError("field 'transitions' must be a list of rows")
    shape = (len(states),) + tuple(len(a) for a in actions)
    total = math.prod(shape)  # within the size budget: checked by the caller
    parsed: list[Any] = []
    seen: dict[tuple[int, ...], int] = {}
    exact = True
    for k, row in enumerate(rows):
        key, rewards, nxt, ex = _row(row, k, states, players, actions)
        if key in seen:
            raise ParseError(f"transitions row {k} duplicates row {seen[key]} (state {states[key[0]]!r}, "
                             f"actions {[actions[i][a] for i, a in enumerate(key[1:])]})")
        seen[key] = k
        parsed.append((key, rewards, nxt))
        exact &= ex
    if len(seen) != total:
        missing = next(key for key in np.ndindex(shape) if key not in seen)
        raise ParseError(f"transitions has no row for state {states[missing[0]]!r}, actions "
                         f"{[actions[i][a] for i, a in enumerate(missing[1:])]} ({len(seen)} of {total} rows given)")
    return parsed, exact


def markov_game_from_dict(data: Any) -> MarkovGame:
    """Build a :class:`MarkovGame` from the dict form; :class:`ParseError` names the offending row.

    The tensors' size (``S * prod(m_i) * (n + S)`` cells) is checked against the one size budget
    from the declared states and actions, and every row is read and the table found complete,
    *before* the tensors are allocated (:func:`contract_theory.games.size.check_markov_tensors`):
    a 3 KB file declaring 300 states and 20^3 joint actions is refused at once.

    Examples
    --------
    >>> from contract_theory.games.markov_library import commons_markov
    >>> g = commons_markov(2)
    >>> markov_game_from_dict(markov_game_to_dict(g)) == g
    True
    """
    players, states, actions = _header(data)
    shape = tuple(len(a) for a in actions)
    check_markov_tensors(len(states), shape, "tensors of the Markov game file")
    if "discount" not in data:
        raise ParseError("field 'discount' is missing")
    gamma, exact = _num(data["discount"], "discount")
    initial, ex = _distribution(data.get("initial"), states, "'initial'")
    rows, ex_rows = _rows(data, states, players, actions)
    n, S = len(players), len(states)
    rho: list[Fraction | float] = [Fraction(0)] * S
    for s, p in initial:
        rho[s] = p
    P = np.empty((S,) + shape + (S,), dtype=object)
    P[...] = Fraction(0)
    R = np.empty((S,) + shape + (n,), dtype=object)
    for key, rewards, nxt in rows:
        R[key] = rewards
        for t, p in nxt:
            P[key + (t,)] = p
    try:
        game = MarkovGame(players, states, actions, P, R, gamma, rho, title=str(data.get("title", "")))
    except GameError as exc:
        raise ParseError(str(exc)) from None
    if not (exact and ex and ex_rows) or data.get("exact") is False:
        game.exact = False
    return game


def write_markov_game(game: MarkovGame, path: str | Path | None = None) -> str:
    """Serialize to JSON text (one field per line, one transitions row per line); also write it to
    ``path`` when given.  Returns the text.

    Examples
    --------
    >>> from contract_theory.games.markov_library import repeated_prisoners_dilemma
    >>> print(write_markov_game(repeated_prisoners_dilemma()).splitlines()[10])
        {"state": "play", "actions": ["C", "C"], "rewards": ["3", "3"], "next": {"play": "1"}},
    """
    d = markov_game_to_dict(game)
    rows = d.pop("transitions")
    lines = [f"  {json.dumps(k)}: {json.dumps(v)}," for k, v in d.items()]
    body = ",\n".join(f"    {json.dumps(r)}" for r in rows)
    text = "{\n" + "\n".join(lines) + '\n  "transitions": [\n' + body + "\n  ]\n}\n"
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


def read_markov_game(path: str | Path) -> MarkovGame:
    """Read a Markov game JSON file (through the input boundary,
    :func:`contract_theory.games.formats.text.read_json`); :class:`ParseError` on invalid JSON or content."""
    return markov_game_from_dict(read_json(path))
