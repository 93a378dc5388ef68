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
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from contract_theory.errors import GameError, ParseError
from contract_theory.exact.numbers import fmt, to_fraction
from contract_theory.games.markov import MarkovGame

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
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ParseError(f"{what} must be a JSON number or an exact string, got {value!r}",
                         line=None, token=None if row is None else f"transitions[{row}]")
    try:
        f = to_fraction(value, what=what)
        # floats are passed on as floats so that MarkovGame marks the game inexact (and applies its
        # documented renormalization of float probability rows)
        return (value if isinstance(value, float) else f), not isinstance(value, float)
    except GameError as exc:
        raise ParseError(str(exc) + ("" if row is None else f" in transitions row {row}")) from None


def _labels(d: dict[str, Any], key: str) -> list[Any]:
    v = d.get(key)
    if not isinstance(v, list) or not v:
        raise ParseError(f"field {key!r} must be a non-empty list, got {v!r}")
    return v


def markov_game_from_dict(data: Any) -> MarkovGame:
    """Build a :class:`MarkovGame` from the dict form; :class:`ParseError` names the offending row.

    Examples
    --------
    >>> from contract_theory.games.markov_library import commons_markov
    >>> g = commons_markov(2)
    >>> markov_game_from_dict(markov_game_to_dict(g)) == g
    True
    """
    if not isinstance(data, dict):
        raise ParseError(f"a Markov game file must hold a JSON object, got {type(data).__name__}")
    if data.get("format") != FORMAT:
        raise ParseError(f"field 'format' must be {FORMAT!r}, got {data.get('format')!r}")
    if data.get("version") != VERSION:
        raise ParseError(f"unsupported version {data.get('version')!r} (this reader knows version {VERSION})")
    players = [str(p) for p in _labels(data, "players")]
    states = [str(s) for s in _labels(data, "states")]
    actions = _labels(data, "actions")
    if len(actions) != len(players) or not all(isinstance(a, list) and a for a in actions):
        raise ParseError(f"field 'actions' must hold one non-empty label list per player ({len(players)})")
    actions = [[str(x) for x in a] for a in actions]
    for name, seq in [("players", players), ("states", states)] + [
            (f"actions of player {players[i]!r}", a) for i, a in enumerate(actions)]:
        if len(set(seq)) != len(seq):
            raise ParseError(f"duplicate {name}: {sorted({x for x in seq if seq.count(x) > 1})}")
    exact = True
    if "discount" not in data:
        raise ParseError("field 'discount' is missing")
    gamma, ex = _num(data["discount"], "discount")
    exact &= ex
    init = data.get("initial")
    if not isinstance(init, dict):
        raise ParseError(f"field 'initial' must be an object {{state: probability}}, got {init!r}")
    rho: list[Fraction | float] = [Fraction(0)] * len(states)
    for name, p in init.items():
        if name not in states:
            raise ParseError(f"unknown state {name!r} in 'initial'; states are {states}")
        rho[states.index(name)], ex = _num(p, f"initial probability of {name!r}")
        exact &= ex
    rows = data.get("transitions")
    if not isinstance(rows, list):
        raise ParseError("field 'transitions' must be a list of rows")
    n, S = len(players), len(states)
    shape = tuple(len(a) for a in actions)
    P = np.empty((S,) + shape + (S,), dtype=object)
    P[...] = Fraction(0)
    R = np.empty((S,) + shape + (n,), dtype=object)
    seen: dict[tuple[int, ...], int] = {}
    for k, row in enumerate(rows):
        if not isinstance(row, dict):
            raise ParseError(f"transitions row {k} is not an object", token=f"transitions[{k}]")
        extra = set(row) - {"state", "actions", "rewards", "next"}
        missing = {"state", "actions", "rewards", "next"} - set(row)
        if missing or extra:
            raise ParseError(f"transitions row {k} must have exactly the keys state, actions, rewards, next "
                             f"(missing {sorted(missing)}, unknown {sorted(extra)})", token=f"transitions[{k}]")
        if row["state"] not in states:
            raise ParseError(f"transitions row {k}: unknown state {row['state']!r}; states are {states}",
                             token=f"transitions[{k}]")
        s = states.index(row["state"])
        acts = row["actions"]
        if not isinstance(acts, list) or len(acts) != n:
            raise ParseError(f"transitions row {k}: 'actions' must list one label per player ({n}), got {acts!r}",
                             token=f"transitions[{k}]")
        joint = []
        for i, a in enumerate(acts):
            if a not in actions[i]:
                raise ParseError(f"transitions row {k}: unknown action {a!r} of player {players[i]!r}; "
                                 f"actions are {actions[i]}", token=f"transitions[{k}]")
            joint.append(actions[i].index(a))
        key = (s,) + tuple(joint)
        if key in seen:
            raise ParseError(f"transitions row {k} duplicates row {seen[key]} (state {row['state']!r}, "
                             f"actions {acts})", token=f"transitions[{k}]")
        seen[key] = k
        rew = row["rewards"]
        if not isinstance(rew, list) or len(rew) != n:
            raise ParseError(f"transitions row {k}: 'rewards' must list one number per player ({n}), got {rew!r}",
                             token=f"transitions[{k}]")
        for i, v in enumerate(rew):
            R[key + (i,)], ex = _num(v, f"reward of player {players[i]!r}", k)
            exact &= ex
        nxt = row["next"]
        if not isinstance(nxt, dict) or not nxt:
            raise ParseError(f"transitions row {k}: 'next' must be a non-empty object {{state: probability}}",
                             token=f"transitions[{k}]")
        for name, p in nxt.items():
            if name not in states:
                raise ParseError(f"transitions row {k}: unknown next state {name!r}; states are {states}",
                                 token=f"transitions[{k}]")
            P[key + (states.index(name),)], ex = _num(p, f"probability of next state {name!r}", k)
            exact &= ex
    total = S
    for m in shape:
        total *= m
    if len(seen) != total:
        for key in np.ndindex((S,) + shape):
            if key not in seen:
                raise ParseError(f"transitions has no row for state {states[key[0]]!r}, actions "
                                 f"{[actions[i][a] for i, a in enumerate(key[1:])]} "
                                 f"({len(seen)} of {total} rows given)")
    if data.get("exact") is False:
        exact = False
    try:
        game = MarkovGame(players, states, actions, P, R, gamma, rho, str(data.get("title", "")))
    except GameError as exc:
        raise ParseError(str(exc)) from None
    if not exact:
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
    """Read a Markov game JSON file; :class:`ParseError` on invalid JSON or content."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ParseError(f"cannot read {path}: {exc.strerror}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(f"invalid JSON in {path}: {exc.msg}", line=exc.lineno) from None
    return markov_game_from_dict(data)
