"""contract_theory: equilibria, welfare and stability when only K of N agents sign a contract.

See ``docs/`` and the model in MODEL.md.  The most used names are re-exported here.
"""

from .errors import (ContractError, ContractTheoryError, DegenerateGameError, GameError, ParameterError,
                     ParseError, SizeLimitError, UnknownPlayerError)
from .game import NormalFormGame
from .pure import pure_nash_solve
from .results import EquilibriumResult, MixedProfile
from .welfare import optimum, welfare

__version__ = "0.1.0"

__all__ = [
    "NormalFormGame", "pure_nash_solve", "EquilibriumResult", "MixedProfile", "optimum", "welfare",
    "ContractTheoryError", "GameError", "ParseError", "UnknownPlayerError", "SizeLimitError",
    "DegenerateGameError", "ContractError", "ParameterError",
]
