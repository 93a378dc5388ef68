"""Markov games under partial contracts.

Model: the Markov parts of ``docs/background/model.md#1-games``, ``#2-solution-concepts``,
``#4-partial-contracts`` and ``#5-the-contracting-protocol``.

Modules, one job each:

* :mod:`contract_theory.games.markov` -- :class:`MarkovGame`, the exact model M = (N, S, (A_i), P, (R_i), gamma, rho0);
* :mod:`contract_theory.games.formats.markov_json` -- the JSON file format ``contract-theory/markov-game`` (docs/markov-format.md);
* :mod:`contract_theory.games.markov_library` -- repeated prisoner's dilemma, commons and cleanup Markov games, random games;
* :mod:`.linear` -- exact policy evaluation (a rational linear solve with python-flint);
* :mod:`.policy` -- stationary policies (deterministic and mixed) and their reduction of a game;
* :mod:`.mdp` -- exact policy iteration for one finite MDP;
* :mod:`.values` -- values, welfare, best responses, team optimum;
* :mod:`.mpe` -- stationary pure Markov perfect equilibria by enumeration;
* :mod:`.mixed_mpe` -- stationary mixed MPE: exact support enumeration, certified homotopy beyond it;
* :mod:`.menus` -- K-coalition deviation-penalty menus;
* :mod:`.contracts` -- state-dependent budget-balanced contracts and deviation penalties;
* :mod:`.coalitions` -- the Markov adapter of the coalition engine: what a K-coalition reaches (the bloc
  game; Stackelberg or Nash timing), studied by :func:`contract_theory.api.partial_contract_analysis`;
* :mod:`.protocol` -- the contracting game's SPE on Markov games and the theorem's rich space;
* (rendering lives in :mod:`contract_theory.report.markov`, loading in :mod:`contract_theory.games.loading`;
  the public entry points -- ``coalition_outcome``, ``partial_contract_analysis``, ``spe_solve``,
  ``theorem_check`` for every kind of game -- are in :mod:`contract_theory.api`).
"""

from contract_theory.games.formats.markov_json import (
                         markov_game_from_dict,
                         markov_game_to_dict,
                         read_markov_game,
                         write_markov_game,
)
from contract_theory.games.markov import MarkovGame
from contract_theory.games.markov_library import (
                         cleanup_markov,
                         commons_markov,
                         random_markov_game,
                         repeated_prisoners_dilemma,
)
from contract_theory.markov.coalitions import (
                         MarkovCoalitionOutcome,
                         MarkovOutcome,
                         bloc_game,
)
from contract_theory.markov.contracts import MarkovContract, PenaltyBound, deviation_penalty, min_penalty
from contract_theory.markov.mdp import MDPSolution, solve_mdp
from contract_theory.markov.mixed_mpe import MixedMPEResult, mixed_mpe_solve, verify_mixed_mpe
from contract_theory.markov.mpe import MPE, mpe_solve
from contract_theory.markov.policy import check_policy, is_deterministic
from contract_theory.markov.protocol import markov_theorem_contract_space
from contract_theory.markov.values import (
                         BestResponse,
                         TeamOptimum,
                         best_response,
                         evaluate,
                         q_values,
                         team_optimum,
                         welfare,
)

__all__ = [
    "MarkovGame", "read_markov_game", "write_markov_game", "markov_game_to_dict", "markov_game_from_dict",
    "repeated_prisoners_dilemma", "commons_markov", "cleanup_markov", "random_markov_game",
    "check_policy", "is_deterministic", "evaluate", "welfare", "q_values", "best_response", "team_optimum",
    "BestResponse", "TeamOptimum", "MDPSolution", "solve_mdp", "MPE", "mpe_solve",
    "MixedMPEResult", "mixed_mpe_solve", "verify_mixed_mpe",
    "MarkovContract", "PenaltyBound", "deviation_penalty", "min_penalty",
    "MarkovOutcome", "MarkovCoalitionOutcome", "bloc_game", "markov_theorem_contract_space",
]
