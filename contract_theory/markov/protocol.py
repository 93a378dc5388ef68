r"""The contracting protocol at the start of a Markov game's episode, and its SPE.

See ``docs/background/model.md#5-the-contracting-protocol``.

The protocol of :mod:`contract_theory.contracting.protocol.spe` (proposal, vote, play), run once before the
first step of a Markov game over a *finite* space of
:class:`~contract_theory.markov.contracts.MarkovContract` (state-dependent, budget-balanced).  Play
is a stationary pure MPE of the augmented Markov game M^theta after acceptance, of the original
game M after rejection; an agent's payoff is its value from the initial distribution,
sum_s rho0(s) V_i(s), and welfare the discounted welfare from rho0.  Everything else -- voting
rules, refinements, ``voter_tie``, the default after rejection (``"pessimistic"`` /
``"optimistic"``: the MPE of M with the lowest / highest welfare, ties to the smallest policy;
``"any"``: every MPE of M may follow any rejection), proposers, the SPE welfare range, the tie rule
between SPE -- is that of :func:`contract_theory.contracting.protocol.spe.spe_solve`: both are the one
protocol core :func:`contract_theory.contracting.protocol.spe.solve_protocol`, here on the Markov adapter
:class:`MarkovProtocol` (continuations = stationary pure MPE with rho0-weighted values, W* = the
team optimum), with the same result classes (``Branch`` with ``profile`` = a policy,
``ProposerSPE``, ``ProtocolResult``).  The rich space and the theorem check share
:func:`~contract_theory.contracting.protocol.spe.rich_contract_space` and
:func:`~contract_theory.contracting.protocol.spe.theorem_on` (the one theorem check, remembered per game,
K, rules and space) with the normal-form ones; the entry points are ``contract_theory.spe_solve`` and
``contract_theory.theorem_check``.

**The rich space of the theorem** (:func:`markov_theorem_contract_space`, notes B.3 in Markov
form).  For each coalition S containing the proposer and each deterministic stationary *target*
policy pi at which no outsider has a profitable one-shot deviation (``targets="all"``), or only the
team-optimal ones (``targets="optimal"``): the deviation penalty toward pi
(:func:`~contract_theory.markov.contracts.deviation_penalty`) with psi = the one-shot-deviation
bound (R_max - R_min)/(1 - gamma) + ``margin`` (``penalty="bound"``, the default) or the least
enforcing penalty + ``margin`` (``penalty="min"``, :func:`~contract_theory.markov.contracts.min_penalty`),
capped at ``cap``; and, with ``lump_sums``, the same penalty plus a *lump sum* leaving every
responder j at its no-contract value v_j^0 and the proposer the rest.  In a Markov game an
unconditional transfer c_j could be paid once at t = 0; this module implements it as the
state- and action-independent per-step transfer (1 - gamma) c_j, whose discounted total is c_j
exactly from every state, so it shifts every value V_j(s) by c_j and leaves all incentives (hence
the MPE set) unchanged.  It is budget-balanced (sum_j c_j = 0) and observes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from contract_theory.contracting.coalitions.rules import Selection
from contract_theory.contracting.protocol.spe import (
    Cont,
    RichSpaceBuilders,
    TheoremSpace,
    memoized,
    proposer_coalitions,
    rich_contract_space,
    spe_from_continuations,
)
from contract_theory.errors import ContractError, ParameterError
from contract_theory.games.markov import MarkovGame
from contract_theory.markov.coalitions import _markov_no_contract_outcome, policy_payoffs, team_optimal_policies
from contract_theory.markov.contracts import MarkovContract, deviation_penalty, min_penalty
from contract_theory.markov.mixed_mpe import mixed_mpe_solve
from contract_theory.markov.mpe import DEFAULT_MAX_POLICIES, is_mpe, mpe_solve
from contract_theory.markov.values import team_optimum

__all__ = ["spe_from_continuations", "markov_continuations", "markov_lump_sum",
           "markov_theorem_contract_space", "MarkovProtocol"]

Policy = tuple[tuple[int, ...], ...]


def _exact(x: Any) -> Fraction:
    """A Fraction with Python-int parts (library arrays may hold Fractions of numpy ints)."""
    f = Fraction(x)
    return Fraction(int(f.numerator), int(f.denominator))


def markov_continuations(game: MarkovGame, *, max_policies: int = DEFAULT_MAX_POLICIES) -> list[Cont]:
    """Every stationary pure MPE of ``game`` as (policy, rho0-weighted values per player).

    A game without one gets its exact rational stationary mixed MPE instead (mixed policies;
    :func:`contract_theory.markov.mixed_mpe.mixed_mpe_solve` within its exact limits, irrational
    equilibria left out), so the protocol's continuations exist where pure ones are missing.

    Examples
    --------
    >>> from contract_theory.games.markov_library import repeated_prisoners_dilemma
    >>> markov_continuations(repeated_prisoners_dilemma(discount="1/2"))
    [(((1,), (1,)), (Fraction(2, 1), Fraction(2, 1)))]
    """
    out: list[Cont] = []
    eqs: list[Any] = list(mpe_solve(game, max_policies=max_policies))
    if not eqs:  # no pure one: the exact rational stationary mixed MPE (when the exact solver applies)
        mixed = mixed_mpe_solve(game)
        eqs = list(mixed.equilibria) if mixed.exact else []
    for e in eqs:
        pay = tuple(_exact(sum((v * r for v, r in zip(e.values[i], game.initial)), Fraction(0)))
                    for i in range(game.n_players))
        out.append((e.policy, pay))
    return out


class MarkovProtocol:
    """The Markov game as a :class:`~contract_theory.contracting.protocol.spe.ProtocolGame`.

    Continuations are the stationary pure MPE (:func:`markov_continuations`), W* the team optimum.

    Examples
    --------
    >>> from contract_theory.games.markov_library import repeated_prisoners_dilemma
    >>> MarkovProtocol(repeated_prisoners_dilemma(discount="1/2")).optimum()
    Fraction(12, 1)
    """

    lacks_equilibrium = "no stationary pure MPE"
    original_lacks_equilibrium = "the original Markov game has no stationary pure MPE"

    def __init__(self, game: MarkovGame, *, max_policies: int = DEFAULT_MAX_POLICIES) -> None:
        self.game = game
        self.max_policies = max_policies

    def continuations(self, game: Any) -> list[Cont]:
        """:func:`markov_continuations` of ``game`` (the original or an augmented Markov game)."""
        return markov_continuations(game, max_policies=self.max_policies)

    def optimum(self) -> Fraction:
        """The team optimum W* from rho0."""
        return team_optimum(self.game).welfare

    def rich_space(self, proposer: int, k: int | None, exact_k: bool, selection: Selection,
                   space: TheoremSpace) -> list[Any]:
        """:func:`markov_theorem_contract_space` (within this adapter's ``max_policies``)."""
        return list(markov_theorem_contract_space(self.game, proposer, k=k, exact_k=exact_k, selection=selection,
                                                  space=space, max_policies=self.max_policies))


def markov_lump_sum(game: MarkovGame, signatories: Sequence[int | str],
                    amounts: Mapping[int | str, Any]) -> MarkovContract:
    """The unconditional transfer c (sum c_j = 0) paid as (1 - gamma) c_j at every step (module docstring).

    Its discounted total is exactly c_j from every state: V_j^theta(s) = V_j(s) + c_j.

    Examples
    --------
    >>> from contract_theory.games.markov_library import repeated_prisoners_dilemma
    >>> markov_lump_sum(repeated_prisoners_dilemma(discount="1/2"), [0, 1], {0: 4, 1: -4}).transfer("play", ("C", "C"))
    (Fraction(2, 1), Fraction(-2, 1))
    """
    sig = sorted(game.player_index(p) for p in signatories)
    c = {game.player_index(p): Fraction(v) for p, v in amounts.items()}
    if sum(c.values(), Fraction(0)) != 0:
        raise ContractError(f"lump sums must sum to 0 among the signatories, got {sum(c.values(), Fraction(0))}")
    th = np.empty((game.n_states,) + game.shape + (game.n_players,), dtype=object)
    th[...] = Fraction(0)
    for j, v in c.items():
        th[..., j] = v * (1 - game.discount)
    return MarkovContract(game, sig, th, observes="members", name="lump sum")


def _targets(game: MarkovGame, members: tuple[int, ...], targets: str, max_policies: int) -> list[Policy]:
    """Deterministic policies at which no outsider has a profitable one-shot deviation."""
    outs = [i for i in range(game.n_players) if i not in members]
    if targets == "optimal":
        pols, _ = team_optimal_policies(game)
        return [p for p in pols if not outs or is_mpe(game, p, players=outs)]
    # members' rewards set to 0: they never deviate, so the MPE are the outsiders' best responses
    R = np.array(game.rewards, dtype=object)
    R[..., list(members)] = Fraction(0)
    return [e.policy for e in mpe_solve(game.with_rewards(R), max_policies=max_policies)]


def _on_path(game: MarkovGame, pol: Any) -> tuple[Fraction, ...]:
    """Every player's rho0-weighted value sum_s rho0(s) V_i(s) of a policy (exact)."""
    return policy_payoffs(game, pol)[1]


def markov_theorem_contract_space(
    game: MarkovGame, proposer: int, *, k: int | None = None, exact_k: bool = False,
    selection: Selection = "pessimistic", space: TheoremSpace = TheoremSpace(),
    max_policies: int = DEFAULT_MAX_POLICIES,
) -> list[MarkovContract]:
    """The finite rich contract space of the theorem for one proposer (module docstring).

    ``space``: :class:`~contract_theory.contracting.protocol.spe.TheoremSpace` (cap, lump sums, margin,
    surplus, the penalty rule and the targets).
    Lump sums give each responder its no-contract value plus ``space.surplus`` (proof step 3).
    ``surplus="auto"`` is the smallest positive gap between the welfare values of W*, the
    targets and the default MPEs, divided by 2n (1/(2n) if there is no gap); unlike the
    normal-form rule this does not bound the gap to *every* continuation's welfare, so it
    is a documented heuristic: pass ``surplus`` explicitly to control it (0 leaves
    responders indifferent and ``voter_tie`` decides).
    Raises :class:`~contract_theory.errors.SizeLimitError` beyond ``max_contracts``
    (:func:`~contract_theory.contracting.protocol.spe.rich_contract_space`).

    Examples
    --------
    >>> from contract_theory.games.markov_library import repeated_prisoners_dilemma
    >>> len(markov_theorem_contract_space(repeated_prisoners_dilemma(), 0))   # 4 targets x (penalty, + lump sum)
    8
    """
    return list(memoized("markov_theorem_contract_space", (game, proposer, k, exact_k, selection, space, max_policies),
                         lambda: _markov_theorem_contract_space(game, proposer, k, exact_k, selection, space,
                                                                max_policies)))


def _markov_theorem_contract_space(game: MarkovGame, proposer: int, k: int | None, exact_k: bool,
                                   selection: Selection, space: TheoremSpace, max_policies: int) -> list[MarkovContract]:
    """:func:`markov_theorem_contract_space`, computed."""
    penalty, targets, surplus, margin = space.penalty, space.targets, space.surplus, space.margin
    n = game.n_players
    k = n if k is None else k
    base = _markov_no_contract_outcome(game, selection, max_policies=max_policies)
    R = game.rewards
    bound = (R.max() - R.min()) / (1 - game.discount)
    m = Fraction(margin)
    if m <= 0:
        raise ParameterError(f"margin must be positive, got {margin}")
    plan = [(S, pol) for S in proposer_coalitions(n, proposer, k, exact_k)
            for pol in _targets(game, S, targets, max_policies)]
    if surplus == "auto":
        wel = {team_optimum(game).welfare}
        if base.payoffs is not None:
            wel.add(Fraction(sum(base.payoffs)))
        wel |= {sum(_on_path(game, pol), Fraction(0)) for _, pol in plan}
        vals = sorted(wel)
        gaps = [b - a for a, b in zip(vals, vals[1:]) if b > a]
        eps = (min(gaps) if gaps else Fraction(1)) / (2 * n)
    else:
        eps = Fraction(surplus)
        if eps < 0:
            raise ParameterError(f"surplus must be non-negative, got {surplus}")

    def with_lump_sum(pen: MarkovContract, S: tuple[int, ...], amounts: Mapping[int | str, Fraction]) -> MarkovContract:
        lump = markov_lump_sum(game, S, amounts)
        return MarkovContract(game, S, pen.transfers + lump.transfers, observes="members", name=f"{pen.name} + lump sum")

    builders = RichSpaceBuilders(
        psi_of=lambda S, pol: bound + m if penalty == "bound" else min_penalty(game, S, pol).psi + m,
        penalty=lambda S, pol, psi: deviation_penalty(game, S, pol, psi), on_path=lambda pol: _on_path(game, pol),
        with_lump_sum=with_lump_sum, what="Markov ")
    return rich_contract_space(plan, proposer, builders, baseline=base.payoffs if space.lump_sums else None,
                               surplus=eps, cap=space.cap, max_contracts=space.max_contracts)
