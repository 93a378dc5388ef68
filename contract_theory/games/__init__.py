"""Games: the objects of ``docs/background/model.md#1-games``, their library and their files.

* :mod:`.normal_form` -- :class:`NormalFormGame`, exact payoff tensors;
* :mod:`.markov` -- :class:`MarkovGame`, the exact model M = (N, S, (A_i), P, (R_i), gamma, rho0);
* :mod:`.library` / :mod:`.markov_library` / :mod:`.compact_library` -- the built-in games;
* :mod:`.specs` -- the one parser of ``name:key=value`` specs and the builders' parameter checks;
* :mod:`.size` -- the one size budget, estimated in integer arithmetic before anything is built;
* :mod:`.formats` -- Gambit ``.nfg``, the JSON game format and the Markov JSON format, read through one
  input boundary (:mod:`.formats.text`);
* :mod:`.loading` -- :func:`load_game`, one entry point for every file kind and spec;
* :mod:`.interface` -- :class:`Game`, the protocol both kinds satisfy, tagged by ``game.kind``.
"""

from contract_theory.games.interface import AnyGame, Game, GameKind
from contract_theory.games.markov import MarkovGame
from contract_theory.games.normal_form import NormalFormGame

__all__ = ["NormalFormGame", "MarkovGame", "Game", "GameKind", "AnyGame"]
