"""The one game interface: what every game kind offers, and how code tells the kinds apart.

A *game* (``docs/background/model.md#1-games``) is a normal-form game G = (N, (A_i), u) or a Markov
game M = (N, S, (A_i), P, (R_i), gamma, rho0).  Both classes satisfy the :class:`Game` protocol:
named players and action labels, a title, whether the input was exact, and a ``kind`` tag.  Code
that accepts either kind (the commands, the report) types its argument as :data:`AnyGame` and
branches on ``game.kind`` -- a ``Literal`` class attribute, so a type checker narrows the union
in each branch -- never on ``hasattr(game, "table")``.

>>> from contract_theory.games.library import prisoners_dilemma
>>> from contract_theory.games.markov_library import repeated_prisoners_dilemma
>>> [g.kind for g in (prisoners_dilemma(), repeated_prisoners_dilemma())]
['normal-form', 'markov']
>>> all(isinstance(g, Game) for g in (prisoners_dilemma(), repeated_prisoners_dilemma()))
True
"""

from __future__ import annotations

from typing import Literal, Protocol, Union, runtime_checkable

from contract_theory.games.markov import MarkovGame
from contract_theory.games.normal_form import NormalFormGame

__all__ = ["Game", "GameKind", "AnyGame"]

#: The tag of each game class: ``NormalFormGame.kind == "normal-form"``, ``MarkovGame.kind == "markov"``.
GameKind = Literal["normal-form", "markov"]

#: Every concrete game class (what :func:`contract_theory.games.loading.load_game` returns).
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
