r"""The K-coalition study of a Markov game: W_K, the welfare curve, stability (``docs/background/model.md#4-partial-contracts``).

:func:`contract_theory.contracting.coalitions.partial_contracts.partial_contract_study` on the Markov adapter
:class:`~contract_theory.markov.coalitions.MarkovBloc`, returning the *same*
:class:`~contract_theory.contracting.coalitions.partial_contracts.PartialContractAnalysis` class (so renderers and
callers are shared) with:

* ``game`` the :class:`~contract_theory.games.markov.MarkovGame`;
* ``optimum_welfare`` W* = sum_s rho0(s) V*(s) of the team MDP
  (:func:`contract_theory.markov.values.team_optimum`), ``optimum_profiles`` the optimal
  deterministic stationary *policies* (the product over states of the optimal joint actions,
  listed when at most :data:`MAX_LISTED_OPTIMA`, else only the one policy iteration found, with a
  note);
* ``no_contract`` a :class:`~contract_theory.markov.coalitions.MarkovOutcome`, ``outcomes`` /
  ``by_k`` :class:`~contract_theory.markov.coalitions.MarkovCoalitionOutcome` (``profile`` = policy);
* W(S), W_k, the price of partial contracting, ``min_k_for_optimum``, acceptance and stability
  defined exactly as for normal-form games (welfare = discounted welfare from rho0, a player's
  payoff = its rho0-weighted value); stability reuses
  :func:`contract_theory.contracting.coalitions.stability.coalition_stability` unchanged.
"""

from __future__ import annotations

from contract_theory.contracting.coalitions.partial_contracts import PartialContractAnalysis, partial_contract_study
from contract_theory.contracting.coalitions.rules import Rules
from contract_theory.games.markov import MarkovGame
from contract_theory.markov.coalitions import MAX_LISTED_OPTIMA, MarkovBloc, team_optimal_policies

__all__ = ["team_optimal_policies", "MAX_LISTED_OPTIMA"]


def _markov_partial_contract_analysis(
    game: MarkovGame, k: int, rules: Rules = Rules(), *, require_acceptance: bool = False, use_symmetry: bool = True,
) -> PartialContractAnalysis:
    """Solve every coalition of size 2..K of a Markov game and summarize (``docs/background/model.md#4-partial-contracts``).

    Same parameters and semantics as :func:`contract_theory.contracting.coalitions.partial_contracts.partial_contract_analysis`
    (W_1 = no-contract welfare, W_k = max(W_1, best W(S) with |S| <= k), ties of the best coalition to
    the lexicographically smallest, price W*/W_K when both are positive else W* - W_K).  Complexity:
    sum_{k<=K} C(n, k) coalition solves (one per size in symmetric games), each enumerating
    prod_i m_i^|S_states| joint policies (``rules.budgets.max_policies``, :class:`SizeLimitError` beyond).

    The three-agent cleanup game: a committed pair lets the outsider clean (W(S) = 285/29, the
    no-contract welfare), only the grand coalition reaches W* = 35/2:

    >>> from contract_theory.games.markov_library import cleanup_markov
    >>> a = _markov_partial_contract_analysis(cleanup_markov(3), 3)
    >>> {k: str(w) for k, w in a.welfare_curve.items()}, a.min_k_for_optimum, a.price_of_partial_contracting
    ({1: '285/29', 2: '285/29', 3: '35/2'}, 3, Fraction(1, 1))
    """
    return partial_contract_study(MarkovBloc(game, max_policies=rules.budgets.max_policies), k, rules,
                                  require_acceptance=require_acceptance, use_symmetry=use_symmetry)
