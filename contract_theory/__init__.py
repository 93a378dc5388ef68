"""contract_theory: equilibria, welfare and stability when only K of N agents sign a contract.

The model is described in ``docs/background/model.md``.  The names most studies need are
re-exported here; everything else lives in the module named after its concept
(``contract_theory.contracting.coalitions.normal_form``, ``contract_theory.markov``, ``contract_theory.learning``, ...).
"""

from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from contract_theory.contracting.coalitions.compact import CompactAnalysis, compact_analysis, compact_coalition_outcome
    from contract_theory.contracting.coalitions.normal_form import coalition_outcome, no_contract_outcome
    from contract_theory.contracting.coalitions.partial_contracts import PartialContractAnalysis, partial_contract_analysis
    from contract_theory.contracting.contracts.contract import Contract, deviation_penalty, equalizing, lump_sum, null_contract
    from contract_theory.contracting.contracts.enforcement import Enforcement, enforce
    from contract_theory.contracting.modifications.design import design_comparison
    from contract_theory.contracting.protocol.assumptions import AssumptionCheck, check_assumptions
    from contract_theory.contracting.protocol.spe import spe_solve, theorem_check
    from contract_theory.equilibria.correlated import correlated_solve, is_correlated_equilibrium
    from contract_theory.equilibria.dominance import dominant_strategies, dominated_actions, iesds
    from contract_theory.equilibria.pure import pure_nash_solve
    from contract_theory.equilibria.results import EquilibriumResult, MixedProfile
    from contract_theory.equilibria.support_enumeration import nplayer_mixed_solve
    from contract_theory.equilibria.vertex_enumeration import vertex_enumeration_solve
    from contract_theory.equilibria.welfare import optimum, welfare
    from contract_theory.equilibria.welfare_ratios import price_of_anarchy, price_of_stability
    from contract_theory.games.compact import AggregativeGame, AnonymousGame
    from contract_theory.games.formats import read_json_game, read_nfg, write_json_game, write_nfg
    from contract_theory.games.library import from_spec
    from contract_theory.games.normal_form import NormalFormGame
    from contract_theory.learning.pettingzoo import to_pettingzoo as to_pettingzoo

#: Re-exported names by module, imported on first use (PEP 562) so that ``import
#: contract_theory.cli`` or ``contract_theory.games`` does not load every solver.
_LAZY: dict[str, tuple[str, ...]] = {
    "contracting.protocol.assumptions": ("AssumptionCheck", "check_assumptions"),
    "contracting.coalitions.normal_form": ("coalition_outcome", "no_contract_outcome"),
    "contracting.coalitions.compact": ("CompactAnalysis", "compact_analysis", "compact_coalition_outcome"),
    "contracting.contracts.contract": ("Contract", "deviation_penalty", "equalizing", "lump_sum", "null_contract"),
    "contracting.modifications.design": ("design_comparison",),
    "contracting.contracts.enforcement": ("Enforcement", "enforce"),
    "contracting.coalitions.partial_contracts": ("PartialContractAnalysis", "partial_contract_analysis"),
    "contracting.protocol.spe": ("spe_solve", "theorem_check"),
    "equilibria.correlated": ("correlated_solve", "is_correlated_equilibrium"),
    "equilibria.dominance": ("dominant_strategies", "dominated_actions", "iesds"),
    "equilibria.pure": ("pure_nash_solve",),
    "equilibria.results": ("EquilibriumResult", "MixedProfile"),
    "equilibria.support_enumeration": ("nplayer_mixed_solve",),
    "equilibria.vertex_enumeration": ("vertex_enumeration_solve",),
    "equilibria.welfare": ("optimum", "welfare"),
    "equilibria.welfare_ratios": ("price_of_anarchy", "price_of_stability"),
    "games.compact": ("AggregativeGame", "AnonymousGame"),
    "games.formats": ("read_json_game", "read_nfg", "write_json_game", "write_nfg"),
    "games.library": ("from_spec",),
    "games.normal_form": ("NormalFormGame",),
    # needs the optional PettingZoo (extra ``rl``); not in __all__, so ``import *`` does not need it either
    "learning.pettingzoo": ("to_pettingzoo",),
}
_MODULE_OF = {name: module for module, names in _LAZY.items() for name in names}

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
    "AnonymousGame", "AggregativeGame", "compact_analysis", "compact_coalition_outcome", "CompactAnalysis",
]


def __getattr__(name: str) -> Any:
    """Import a re-exported name (or a subpackage) on first use."""
    import importlib

    if name in _MODULE_OF:
        value = getattr(importlib.import_module(f"contract_theory.{_MODULE_OF[name]}"), name)
    elif not name.startswith("_"):
        try:
            value = importlib.import_module(f"contract_theory.{name}")
        except ModuleNotFoundError:
            raise AttributeError(f"module 'contract_theory' has no attribute {name!r}") from None
    else:
        raise AttributeError(f"module 'contract_theory' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_MODULE_OF))
