"""contract_theory: equilibria, welfare and stability when only K of N agents sign a contract.

The model is described in ``docs/background/model.md``.  The names most studies need are
re-exported here (import them from ``contract_theory``): :func:`load_game`, the rules of a study
(:class:`Rules`), the solvers, and the analyses, which take a normal-form, a Markov or a compact game
through the same names (:mod:`contract_theory.api` dispatches on ``game.kind``).  Everything else
lives in the module named after its concept (``contract_theory.contracting.coalitions.bloc``,
``contract_theory.markov.mpe``, ``contract_theory.learning``, ...).  ``to_pettingzoo`` is available
lazily and needs the optional extra ``rl``.

Examples
--------
>>> from contract_theory import Rules, load_game, partial_contract_analysis
>>> partial_contract_analysis(load_game("public_goods:n=4,r=8/5,e=20"), 3, Rules(timing="nash")).w_k
Fraction(116, 1)
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
    from contract_theory.api import (
        all_coalition_outcomes,
        check_assumptions,
        coalition_outcome,
        mixed_equilibria,
        no_contract_outcome,
        optimum,
        partial_contract_analysis,
        pure_equilibria,
        spe_solve,
        theorem_check,
    )
    from contract_theory.contracting.coalitions.compact import CompactAnalysis
    from contract_theory.contracting.coalitions.partial_contracts import PartialContractAnalysis
    from contract_theory.contracting.coalitions.rules import Budgets, ProtocolRules, Rules
    from contract_theory.contracting.contracts.contract import Contract, deviation_penalty, equalizing, lump_sum, null_contract
    from contract_theory.contracting.contracts.enforcement import Enforcement, EnforcementTerms, enforce
    from contract_theory.contracting.modifications.design import design_comparison
    from contract_theory.contracting.protocol.assumptions import AssumptionCheck
    from contract_theory.contracting.protocol.spe import ProtocolResult, TheoremSpace
    from contract_theory.equilibria.correlated import correlated_solve, is_correlated_equilibrium
    from contract_theory.equilibria.dominance import dominant_strategies, dominated_actions, iesds
    from contract_theory.equilibria.pure import pure_nash_solve
    from contract_theory.equilibria.results import EquilibriumResult, MixedProfile
    from contract_theory.equilibria.support_enumeration import nplayer_mixed_solve
    from contract_theory.equilibria.vertex_enumeration import vertex_enumeration_solve
    from contract_theory.equilibria.welfare import welfare
    from contract_theory.equilibria.welfare_ratios import price_of_anarchy, price_of_stability
    from contract_theory.games.compact import AggregativeGame, AnonymousGame
    from contract_theory.games.formats import read_json_game, read_nfg, write_json_game, write_nfg
    from contract_theory.games.library import from_spec
    from contract_theory.games.loading import load_game
    from contract_theory.games.markov import MarkovGame
    from contract_theory.games.normal_form import NormalFormGame
    from contract_theory.learning.pettingzoo import to_pettingzoo as to_pettingzoo
    from contract_theory.markov.mixed_mpe import mixed_mpe_solve
    from contract_theory.markov.mpe import mpe_solve

#: Re-exported names by module, imported on first use (PEP 562) so that ``import
#: contract_theory.cli`` or ``contract_theory.games`` does not load every solver.
_LAZY: dict[str, tuple[str, ...]] = {
    "api": ("pure_equilibria", "mixed_equilibria", "optimum", "no_contract_outcome", "coalition_outcome",
             "all_coalition_outcomes", "partial_contract_analysis", "check_assumptions", "spe_solve", "theorem_check"),
    "contracting.coalitions.rules": ("Rules", "ProtocolRules", "Budgets"),
    "contracting.coalitions.partial_contracts": ("PartialContractAnalysis",),
    "contracting.coalitions.compact": ("CompactAnalysis",),
    "contracting.contracts.contract": ("Contract", "deviation_penalty", "equalizing", "lump_sum", "null_contract"),
    "contracting.contracts.enforcement": ("Enforcement", "EnforcementTerms", "enforce"),
    "contracting.modifications.design": ("design_comparison",),
    "contracting.protocol.assumptions": ("AssumptionCheck",),
    "contracting.protocol.spe": ("ProtocolResult", "TheoremSpace"),
    "equilibria.correlated": ("correlated_solve", "is_correlated_equilibrium"),
    "equilibria.dominance": ("dominant_strategies", "dominated_actions", "iesds"),
    "equilibria.pure": ("pure_nash_solve",),
    "equilibria.results": ("EquilibriumResult", "MixedProfile"),
    "equilibria.support_enumeration": ("nplayer_mixed_solve",),
    "equilibria.vertex_enumeration": ("vertex_enumeration_solve",),
    "equilibria.welfare": ("welfare",),
    "equilibria.welfare_ratios": ("price_of_anarchy", "price_of_stability"),
    "games.compact": ("AggregativeGame", "AnonymousGame"),
    "games.formats": ("read_json_game", "read_nfg", "write_json_game", "write_nfg"),
    "games.library": ("from_spec",),
    "games.loading": ("load_game",),
    "games.markov": ("MarkovGame",),
    "games.normal_form": ("NormalFormGame",),
    "markov.mixed_mpe": ("mixed_mpe_solve",),
    "markov.mpe": ("mpe_solve",),
    # needs the optional PettingZoo (extra ``rl``); not in __all__, so ``import *`` does not need it either
    "learning.pettingzoo": ("to_pettingzoo",),
}
_MODULE_OF = {name: module for module, names in _LAZY.items() for name in names}

__version__ = "0.1.0"


__all__ = [
    # loading games and the game classes
    "load_game", "from_spec", "read_nfg", "write_nfg", "read_json_game", "write_json_game",
    "NormalFormGame", "MarkovGame", "AnonymousGame", "AggregativeGame",
    # the rules of a study
    "Rules", "ProtocolRules", "Budgets", "TheoremSpace",
    # solvers: one entry point per concept for every kind of game, then the method-specific ones
    "pure_equilibria", "mixed_equilibria", "optimum", "welfare", "price_of_anarchy", "price_of_stability",
    "pure_nash_solve", "vertex_enumeration_solve", "nplayer_mixed_solve", "correlated_solve",
    "is_correlated_equilibrium", "dominated_actions", "dominant_strategies", "iesds", "mpe_solve", "mixed_mpe_solve",
    "EquilibriumResult", "MixedProfile",
    # contracts and enforcement
    "Contract", "deviation_penalty", "lump_sum", "null_contract", "equalizing", "enforce", "Enforcement",
    "EnforcementTerms",
    # the analyses (dense, Markov and compact games through the same names)
    "no_contract_outcome", "coalition_outcome", "all_coalition_outcomes", "partial_contract_analysis",
    "PartialContractAnalysis", "CompactAnalysis", "check_assumptions", "AssumptionCheck", "spe_solve",
    "theorem_check", "ProtocolResult", "design_comparison",
    # errors
    "ContractTheoryError", "GameError", "ParseError", "UnknownPlayerError", "SizeLimitError",
    "DegenerateGameError", "ContractError", "ParameterError",
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
