"""contract_theory: equilibria, welfare and stability when only K of N agents sign a contract.

The model is described in ``docs/background/model.md``.  The names most studies need are
re-exported here; everything else lives in the module named after its concept
(``contract_theory.contracting.coalitions``, ``contract_theory.markov``, ``contract_theory.learning``, ...).
"""

from contract_theory.contracting.assumptions import AssumptionCheck, check_assumptions
from contract_theory.contracting.coalitions import coalition_outcome, no_contract_outcome
from contract_theory.contracting.contracts import Contract, deviation_penalty, equalizing, lump_sum, null_contract
from contract_theory.contracting.design import design_comparison
from contract_theory.contracting.enforcement import Enforcement, enforce
from contract_theory.contracting.partial_contracts import PartialContractAnalysis, partial_contract_analysis
from contract_theory.contracting.protocol import spe_solve, theorem_check
from contract_theory.equilibria.correlated import correlated_solve, is_correlated_equilibrium
from contract_theory.equilibria.dominance import dominant_strategies, dominated_actions, iesds
from contract_theory.equilibria.pure import pure_nash_solve
from contract_theory.equilibria.results import EquilibriumResult, MixedProfile
from contract_theory.equilibria.support_enumeration import nplayer_mixed_solve
from contract_theory.equilibria.vertex_enumeration import vertex_enumeration_solve
from contract_theory.equilibria.welfare import optimum, welfare
from contract_theory.equilibria.welfare_ratios import price_of_anarchy, price_of_stability
from contract_theory.errors import (
                     ContractError,
                     ContractTheoryError,
                     DegenerateGameError,
                     GameError,
                     ParameterError,
                     ParseError,
                     SizeLimitError,
                     UnknownPlayerError,
)
from contract_theory.games.formats import read_json_game, read_nfg, write_json_game, write_nfg
from contract_theory.games.library import from_spec
from contract_theory.games.normal_form import NormalFormGame

__version__ = "0.1.0"

__all__ = [
    "NormalFormGame", "from_spec", "read_nfg", "write_nfg", "read_json_game", "write_json_game",
    "pure_nash_solve", "vertex_enumeration_solve", "nplayer_mixed_solve", "dominated_actions",
    "dominant_strategies", "iesds", "correlated_solve", "is_correlated_equilibrium",
    "EquilibriumResult", "MixedProfile", "optimum", "welfare", "price_of_anarchy", "price_of_stability",
    "Contract", "deviation_penalty", "lump_sum", "null_contract", "equalizing", "enforce", "Enforcement",
    "coalition_outcome", "no_contract_outcome", "partial_contract_analysis", "PartialContractAnalysis",
    "spe_solve", "theorem_check", "check_assumptions", "AssumptionCheck",
    "design_comparison",
    "ContractTheoryError", "GameError", "ParseError", "UnknownPlayerError", "SizeLimitError",
    "DegenerateGameError", "ContractError", "ParameterError",
]
