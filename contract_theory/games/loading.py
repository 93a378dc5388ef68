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

Files go through the input boundary (:mod:`contract_theory.games.formats.text`: regular files
only, size before reading, bounded JSON) and are read once; specs through
:func:`contract_theory.games.specs.parse_spec`.  :func:`library_specs` lists every spec name
with its parameters and defaults (the ``contract-theory games`` command).

Examples
--------
>>> load_game("prisoners_dilemma").shape
(2, 2)
>>> load_game("cleanup_markov:n=3").states
('Clean', 'Dirty')
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, overload

from contract_theory.errors import ParameterError, ParseError
from contract_theory.games.compact import AnonymousGame
from contract_theory.games.formats.markov_json import FORMAT
from contract_theory.games.interface import AnyGame
from contract_theory.games.library import from_spec
from contract_theory.games.markov import MarkovGame
from contract_theory.games.markov_library import MARKOV_GAMES

__all__ = ["load_game", "from_markov_spec", "is_markov_source", "AnyGame", "library_specs", "LibrarySpec",
           "check_spec_name"]

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
    from contract_theory.games.specs import build_from_spec
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
        from contract_theory.games.formats.text import read_json
        try:
            data = read_json(source)
        except (OSError, ValueError):
            return False
        return isinstance(data, dict) and data.get("format") == FORMAT
    return source.partition(":")[0].strip() in MARKOV_GAMES


@overload
def load_game(source: str | os.PathLike[str], *, dense: Literal[True]) -> AnyGame: ...
@overload
def load_game(source: str | os.PathLike[str], *, dense: bool = False) -> AnyGame | AnonymousGame: ...
def load_game(source: str | os.PathLike[str], *, dense: bool = False) -> AnyGame | AnonymousGame:
    """Return the game named by ``source``.

    ``source`` ending in ``.nfg`` is read as a Gambit strategic-form file, ``.json`` as a
    contract-theory JSON game file; anything else is a library spec such as
    ``"public_goods:n=4,r=8/5,e=20"`` (see :func:`contract_theory.games.library.from_spec`).
    With ``dense=True`` a compact game comes back in its dense form, for the commands whose
    solvers need payoff tensors (``SizeLimitError`` beyond the size budget).  ``source`` must be
    a string or a path (``None``, numbers and bytes are a
    :class:`~contract_theory.errors.ParameterError`).

    Examples
    --------
    >>> load_game("public_goods:n=3,compact=true", dense=True).kind
    'normal-form'
    >>> load_game(None)
    Traceback (most recent call last):
    ...
    contract_theory.errors.ParameterError: load_game needs a path or a spec string, got NoneType
    """
    if isinstance(source, bytes) or not isinstance(source, (str, os.PathLike)) or \
            not isinstance(os.fspath(source), str):
        raise ParameterError(f"load_game needs a path or a spec string, got {type(source).__name__}")
    if not isinstance(dense, bool):
        raise ParameterError(f"dense must be True or False, got {dense!r}")
    game = _load(os.fspath(source))
    return game.to_dense() if dense and game.kind == "compact" else game


def _load(source: str) -> AnyGame | AnonymousGame:
    lower = source.lower()
    if lower.endswith(".nfg"):
        from contract_theory.games.formats.nfg import read_nfg
        return read_nfg(source)
    if lower.endswith(".json"):
        return _load_json(source)
    if os.path.isfile(source):
        raise ParseError(f"cannot tell the format of {source!r}: game files end in .nfg or .json")
    return _load_spec(source)


def _load_json(path: str) -> AnyGame | AnonymousGame:
    """A JSON game file, read once (through the input boundary) and dispatched on its ``format``."""
    from contract_theory.games.formats.compact_json import compact_game_from_dict, is_compact_document
    from contract_theory.games.formats.json_game import game_from_json_dict
    from contract_theory.games.formats.markov_json import markov_game_from_dict
    from contract_theory.games.formats.text import read_json

    doc = read_json(path)
    if isinstance(doc, dict) and doc.get("format") == FORMAT:
        return markov_game_from_dict(doc)
    if is_compact_document(doc):
        return compact_game_from_dict(doc)
    return game_from_json_dict(doc)


def _load_spec(spec: str) -> AnyGame | AnonymousGame:
    from contract_theory.games.compact_library import COMPACT_GAMES, compact_from_spec
    from contract_theory.games.library import GAMES
    from contract_theory.games.specs import build_from_spec

    name = check_spec_name(spec)
    if name in MARKOV_GAMES:
        return from_markov_spec(spec)
    compact, stripped = compact_from_spec(spec)
    if compact is not None:
        return compact
    if name in COMPACT_GAMES and name not in GAMES:  # compact-only (iea) with compact=false: its dense form
        return build_from_spec(stripped, COMPACT_GAMES, what="compact game", int_params=("counts",)).to_dense()
    return from_spec(stripped)


# ----------------------------------------------------------------------------- the catalog
@dataclass(frozen=True)
class LibrarySpec:
    """One name a spec may start with: its kind, its parameters with their defaults, its summary.

    ``kind`` is ``"normal-form"``, ``"compact"`` (compact only: ``iea``) or ``"markov"``;
    ``compact`` says whether the name also has a compact form (``compact=true``, or more than
    12 players); ``parameters`` are ``(name, default)`` pairs, the default ``None`` when there is
    none or it is computed (documented in the builder).
    """

    name: str
    kind: str
    parameters: tuple[tuple[str, Any], ...]
    summary: str
    compact: bool = False


def _parameters(ctor: Callable[..., Any]) -> tuple[tuple[str, Any], ...]:
    out = []
    for p in inspect.signature(ctor).parameters.values():
        default = None if p.default is inspect.Parameter.empty else p.default
        out.append((p.name, default))
    return tuple(out)


def library_specs() -> list[LibrarySpec]:
    """Every spec name of the three libraries (normal-form, compact, Markov), sorted by name.

    Examples
    --------
    >>> specs = library_specs()
    >>> len(specs), [s.name for s in specs if s.kind == "compact"]
    (22, ['iea'])
    >>> dict(next(s for s in specs if s.name == "public_goods").parameters)["r"]
    '8/5'
    """
    from contract_theory.games.compact_library import COMPACT_GAMES
    from contract_theory.games.library import GAMES

    out = [LibrarySpec(name, "normal-form", _parameters(ctor), _summary(ctor), name in COMPACT_GAMES)
           for name, ctor in GAMES.items()]
    out += [LibrarySpec(name, "compact", _parameters(ctor), _summary(ctor), True)
            for name, ctor in COMPACT_GAMES.items() if name not in GAMES]
    out += [LibrarySpec(name, "markov", _parameters(ctor), _summary(ctor)) for name, ctor in MARKOV_GAMES.items()]
    return sorted(out, key=lambda s: s.name)


def _summary(ctor: Callable[..., Any]) -> str:
    doc = inspect.getdoc(ctor) or ""
    return doc.split("\n\n")[0].replace("\n", " ").strip()


def check_spec_name(spec: str) -> str:
    """The name of ``spec`` when a library knows it, else a :class:`ParseError` listing every name.

    Examples
    --------
    >>> check_spec_name("public_goods:n=4")
    'public_goods'
    """
    from contract_theory.games.specs import parse_spec

    name, _ = parse_spec(spec)
    names = [s.name for s in library_specs()]
    if name not in names:
        raise ParseError(f"unknown game {name!r}; the library has {', '.join(names)} "
                         "(contract-theory games lists their parameters)", token=name)
    return name
