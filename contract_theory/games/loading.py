"""Load any game -- normal-form or Markov -- from a path (``.nfg``, ``.json``) or a library spec.

One entry point, :func:`load_game`, for every file kind and spec:

* ``.nfg`` -- a Gambit strategic-form file (:mod:`contract_theory.games.formats.nfg`);
* ``.json`` -- a contract-theory JSON game file; a file whose ``"format"`` is
  ``contract-theory/markov-game`` gives a :class:`~contract_theory.games.markov.MarkovGame`
  (:mod:`contract_theory.games.formats.markov_json`), ``contract-theory/compact-game`` a compact
  game (:mod:`contract_theory.games.formats.compact_json`);
* anything else -- a library spec ``"name:key=value,..."``: Markov library names
  (:data:`~contract_theory.games.markov_library.MARKOV_GAMES`) give Markov games, the others
  normal-form games (:func:`contract_theory.games.library.from_spec`), except that specs of
  ``iea``, typed specs (``counts=``) and specs with more than 12 players give compact games
  (:mod:`contract_theory.games.compact_library`).

Examples
--------
>>> load_game("prisoners_dilemma").shape
(2, 2)
>>> load_game("cleanup_markov:n=3").states
('Clean', 'Dirty')
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Literal, overload

from contract_theory.errors import ParseError
from contract_theory.games.compact import AnonymousGame
from contract_theory.games.formats.markov_json import FORMAT, read_markov_game
from contract_theory.games.interface import AnyGame
from contract_theory.games.library import from_spec
from contract_theory.games.markov import MarkovGame
from contract_theory.games.markov_library import MARKOV_GAMES

__all__ = ["load_game", "from_markov_spec", "is_markov_source", "AnyGame"]

_INT_PARAMS = ("n", "n_players", "n_states", "seed", "low", "high", "weight", "denominator")


def from_markov_spec(spec: str) -> MarkovGame:
    """Build a library Markov game from ``"name:key=value,..."``; :class:`ParseError` names the problem.

    Examples
    --------
    >>> from_markov_spec("commons_markov:n=3,greedy=3").n_players
    3
    >>> from_markov_spec("random_markov:n_players=2,n_states=3,n_actions=2|3,seed=4").shape
    (2, 3)
    """
    from contract_theory.games.library import build_from_spec
    return build_from_spec(spec, MARKOV_GAMES, what="Markov game", int_params=_INT_PARAMS + ("n_actions",))


def is_markov_source(source: str) -> bool:
    """Whether ``source`` names a Markov game: a JSON file of format ``contract-theory/markov-game``
    or a spec whose name is in the Markov library.

    Examples
    --------
    >>> is_markov_source("commons_markov:n=4"), is_markov_source("public_goods:n=4")
    (True, False)
    """
    if source.lower().endswith(".json") and os.path.isfile(source):
        try:
            with open(source, encoding="utf-8") as fh:
                data = json.load(fh)
        except (OSError, ValueError):
            return False
        return isinstance(data, dict) and data.get("format") == FORMAT
    return source.partition(":")[0].strip() in MARKOV_GAMES


@overload
def load_game(source: str, *, dense: Literal[True]) -> AnyGame: ...
@overload
def load_game(source: str, *, dense: bool = False) -> AnyGame | AnonymousGame: ...
def load_game(source: str, *, dense: bool = False) -> AnyGame | AnonymousGame:
    """Return the game named by ``source``.

    ``source`` ending in ``.nfg`` is read as a Gambit strategic-form file, ``.json`` as a
    contract-theory JSON game file; anything else is a library spec such as
    ``"public_goods:n=4,r=8/5,e=20"`` (see :func:`contract_theory.games.library.from_spec`).
    With ``dense=True`` a compact game comes back in its dense form, for the commands whose
    solvers need payoff tensors (``SizeLimitError`` beyond the dense-form limit).

    Examples
    --------
    >>> load_game("public_goods:n=3,compact=true", dense=True).kind
    'normal-form'
    """
    game = _load(source)
    return game.to_dense() if dense and game.kind == "compact" else game


def _load(source: str) -> AnyGame | AnonymousGame:
    if is_markov_source(source):
        if source.lower().endswith(".json"):
            return read_markov_game(source)
        return from_markov_spec(source)
    lower = source.lower()
    if lower.endswith(".nfg"):
        from contract_theory.games.formats.nfg import read_nfg
        return read_nfg(source)
    if lower.endswith(".json"):
        from contract_theory.games.formats.compact_json import is_compact_document, read_compact_game
        from contract_theory.games.formats.json_game import read_json_game
        if _json_head_is(source, is_compact_document):
            return read_compact_game(source)
        return read_json_game(source)
    if os.path.isfile(source):
        raise ParseError(f"cannot tell the format of {source!r}: game files end in .nfg or .json")
    from contract_theory.games.compact_library import COMPACT_GAMES, compact_from_spec
    from contract_theory.games.library import GAMES

    compact, spec = compact_from_spec(source)
    if compact is not None:
        return compact
    name = spec.partition(":")[0].strip()
    if name in COMPACT_GAMES and name not in GAMES:  # compact-only (iea) with compact=false: its dense form
        return COMPACT_GAMES[name](**_params(spec)).to_dense()
    return from_spec(spec)


def _json_head_is(path: str, test: Callable[[object], bool]) -> bool:
    """Whether the JSON document at ``path`` satisfies ``test`` (False when unreadable)."""
    try:
        with open(path, encoding="utf-8") as fh:
            return test(json.load(fh))
    except (OSError, ValueError):
        return False


def _params(spec: str) -> dict[str, object]:
    from contract_theory.games.library import spec_value
    rest = spec.partition(":")[2]
    return {k.strip(): spec_value(v.strip()) for k, _, v in (s.partition("=") for s in rest.split(",") if s.strip())}
