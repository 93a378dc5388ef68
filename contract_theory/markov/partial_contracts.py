r"""The K-coalition study of a Markov game: W_K, the welfare curve, stability (MODEL.md section 4).

The Markov counterpart of :func:`contract_theory.contracting.partial_contracts.partial_contract_analysis`,
returning the *same* :class:`~contract_theory.contracting.partial_contracts.PartialContractAnalysis` class
(so renderers and callers are shared) with:

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
  :func:`contract_theory.contracting.stability.coalition_stability` unchanged.
"""

from __future__ import annotations

import itertools
import math

from contract_theory.contracting.coalitions import SELECTIONS, SHARINGS, TIMINGS, _check_choice
from contract_theory.contracting.partial_contracts import PartialContractAnalysis, summarize
from contract_theory.contracting.stability import TIES
from contract_theory.errors import ParameterError
from contract_theory.games.markov import MarkovGame
from contract_theory.markov.coalitions import markov_all_coalition_outcomes, markov_no_contract_outcome
from contract_theory.markov.mpe import DEFAULT_MAX_POLICIES
from contract_theory.markov.values import team_optimum

__all__ = ["markov_partial_contract_analysis", "team_optimal_policies", "MAX_LISTED_OPTIMA"]

#: Largest number of team-optimal policies listed in ``optimum_profiles``.
MAX_LISTED_OPTIMA = 256


def team_optimal_policies(game: MarkovGame, limit: int = MAX_LISTED_OPTIMA) -> tuple[tuple, bool]:
    """Every deterministic stationary policy attaining V*(s) in every state (sorted), and whether all are listed.

    They are the product over states of the optimal joint actions (:class:`TeamOptimum`); when
    that product exceeds ``limit`` only the policy found by policy iteration is returned.

    >>> from contract_theory.games.markov_library import repeated_prisoners_dilemma
    >>> team_optimal_policies(repeated_prisoners_dilemma())
    ((((0,), (0,)),), True)
    """
    opt = team_optimum(game)
    count = math.prod(len(a) for a in opt.optimal_joint_actions)
    if count > limit:
        return (opt.policy,), False
    out = []
    for choice in itertools.product(*opt.optimal_joint_actions):
        out.append(tuple(tuple(choice[s][i] for s in range(game.n_states)) for i in range(game.n_players)))
    return tuple(sorted(out)), True


def markov_partial_contract_analysis(
    game: MarkovGame, k: int, *, timing: str = "stackelberg", selection: str = "pessimistic",
    sharing: str = "equal", tie: str = "inside", require_acceptance: bool = False, use_symmetry: bool = True,
    max_policies: int = DEFAULT_MAX_POLICIES,
) -> PartialContractAnalysis:
    """Solve every coalition of size 2..K of a Markov game and summarize (MODEL.md section 4).

    Same parameters and semantics as :func:`contract_theory.contracting.partial_contracts.partial_contract_analysis`
    (W_1 = no-contract welfare, W_k = max(W_1, best W(S) with |S| <= k), ties of the best coalition to
    the lexicographically smallest, price W*/W_K when both are positive else W* - W_K).  Complexity:
    sum_{k<=K} C(n, k) coalition solves (one per size in symmetric games), each enumerating
    prod_i m_i^|S_states| joint policies (``max_policies``, :class:`SizeLimitError` beyond).

    The three-agent cleanup game: a committed pair lets the outsider clean (W(S) = 285/29, the
    no-contract welfare), only the grand coalition reaches W* = 35/2:

    >>> from contract_theory.games.markov_library import cleanup_markov
    >>> a = markov_partial_contract_analysis(cleanup_markov(3), 3)
    >>> {k: str(w) for k, w in a.welfare_curve.items()}, a.min_k_for_optimum, a.price_of_partial_contracting
    ({1: '285/29', 2: '285/29', 3: '35/2'}, 3, Fraction(1, 1))
    """
    if isinstance(k, bool) or not isinstance(k, int):
        raise ParameterError(f"K must be an integer, got {k!r}")
    if not 2 <= k <= game.n_players:
        raise ParameterError(f"K={k} is out of range: a contract needs 2 <= K <= N={game.n_players}")
    _check_choice(timing, TIMINGS, "timing")
    _check_choice(selection, SELECTIONS, "selection")
    _check_choice(sharing, SHARINGS, "sharing")
    if tie not in TIES:
        raise ParameterError(f"unknown tie rule {tie!r}; choose one of {list(TIES)}")
    w_star = team_optimum(game).welfare
    opt_policies, all_listed = team_optimal_policies(game)
    base = markov_no_contract_outcome(game, selection, max_policies=max_policies)
    outcomes = markov_all_coalition_outcomes(game, k, timing=timing, selection=selection, sharing=sharing,
                                             baseline=base, use_symmetry=use_symmetry, max_policies=max_policies)
    notes: list[str] = list(base.notes)
    if not all_listed:
        notes.append("many team-optimal policies: optimum_profiles lists only the one found by policy iteration")
    complete = all(o.complete for o in outcomes.values())
    if not complete:
        notes.append("some coalitions' continuation games lack stationary pure MPE; see each outcome's notes")
    return summarize(game, k, timing=timing, selection=selection, sharing=sharing, tie=tie,  # type: ignore[arg-type]
                     require_acceptance=require_acceptance, optimum_welfare=w_star,
                     optimum_profiles=tuple(opt_policies), baseline=base, outcomes=outcomes,  # type: ignore[arg-type]
                     complete=complete, notes=notes)
