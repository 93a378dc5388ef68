"""The one game interface: what every game kind offers, and how code tells the kinds apart.

A *game* (``docs/background/model.md#1-games``) is a normal-form game G = (N, (A_i), u), a Markov
game M = (N, S, (A_i), P, (R_i), gamma, rho0) or a compact game (``#8-compact-games``: anonymous,
typed or aggregative).  Every class carries a ``kind`` tag; the dense ones satisfy the :class:`Game`
protocol: named players and action labels, a title, whether the input was exact.  Code that accepts
several kinds (:mod:`contract_theory.api`, the commands, the report) branches on ``game.kind`` -- a
``Literal`` class attribute, so a type checker narrows the union in each branch -- never on
``hasattr(game, "table")`` or the game's class.

Examples
--------
>>> from contract_theory.games.library import prisoners_dilemma
>>> from contract_theory.games.markov_library import repeated_prisoners_dilemma
>>> from contract_theory.games.compact_library import iea
>>> [g.kind for g in (prisoners_dilemma(), repeated_prisoners_dilemma(), iea(30, 1, 1))]
['normal-form', 'markov', 'compact']
>>> all(isinstance(g, Game) for g in (prisoners_dilemma(), repeated_prisoners_dilemma()))
True
"""

from __future__ import annotations

from typing import Literal, Protocol, Union, runtime_checkable

from contract_theory.games.markov import MarkovGame
from contract_theory.games.normal_form import NormalFormGame

__all__ = ["Game", "GameKind", "AnyGame"]

#: The tag of each game class: ``NormalFormGame.kind == "normal-form"``, ``MarkovGame.kind == "markov"``,
#: ``AnonymousGame.kind == AggregativeGame.kind == "compact"`` (:mod:`contract_theory.games.compact`).
GameKind = Literal["normal-form", "markov", "compact"]

#: The dense game classes (what :func:`contract_theory.games.loading.load_game` returns with
#: ``dense=True``); a compact game is an :class:`~contract_theory.games.compact.AnonymousGame`.
AnyGame = Union[NormalFormGame, MarkovGame]


@runtime_checkable
class Game(Protocol):
    """What every game offers, whatever its kind.

    Attributes: ``kind`` (:data:`GameKind`), ``players`` (names), ``actions`` (labels per player),
    ``title``, ``exact`` (``False`` when the input held floats), ``n_players``, ``shape`` (actions
    per player) and ``player_index`` (a name or index to an index).  O(1) each.
    """

    @property
    def kind(self) -> GameKind: ...

    @property
    def players(self) -> tuple[str, ...]: ...

    @property
    def actions(self) -> tuple[tuple[str, ...], ...]: ...

    @property
    def title(self) -> str: ...

    @property
    def exact(self) -> bool: ...

    @property
    def n_players(self) -> int: ...

    @property
    def shape(self) -> tuple[int, ...]: ...

    def player_index(self, player: int | str) -> int: ...
