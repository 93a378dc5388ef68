r"""The contracting protocol at the start of a Markov game's episode, and its SPE (MODEL.md section 5).

The protocol of :mod:`contract_theory.contracting.protocol` (proposal, vote, play), run once before the
first step of a Markov game over a *finite* space of
:class:`~contract_theory.markov.contracts.MarkovContract` (state-dependent, budget-balanced).  Play
is a stationary pure MPE of the augmented Markov game M^theta after acceptance, of the original
game M after rejection; an agent's payoff is its value from the initial distribution,
sum_s rho0(s) V_i(s), and welfare the discounted welfare from rho0.  Everything else -- voting
rules, refinements, ``voter_tie``, the default after rejection (``"pessimistic"`` /
``"optimistic"``: the MPE of M with the lowest / highest welfare, ties to the smallest policy;
``"any"``: every MPE of M may follow any rejection), proposers, the SPE welfare range, the tie rule
between SPE -- is that of :func:`contract_theory.contracting.protocol.spe_solve`, whose voting helpers
(``_check_voting``, ``_vote_outcomes``) and result classes (``Branch`` with ``profile`` = a policy,
``ProposerSPE``, ``ProtocolResult``) are reused.

The backward induction itself is :func:`spe_from_continuations`: it needs only, for each
proposal, the list of continuation equilibria with their payoff vectors, so it is the same for
normal-form and Markov games (``spe_solve`` could call it with pure Nash equilibria).

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

import itertools
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from contract_theory.contracting.protocol import Cont, ProtocolResult, _check_voting, spe_from_continuations
from contract_theory.errors import ContractError, ParameterError, SizeLimitError
from contract_theory.games.markov import MarkovGame
from contract_theory.markov.coalitions import markov_no_contract_outcome
from contract_theory.markov.contracts import MarkovContract, deviation_penalty, min_penalty
from contract_theory.markov.mpe import DEFAULT_MAX_POLICIES, mpe_solve
from contract_theory.markov.values import team_optimum

__all__ = ["spe_from_continuations", "markov_spe_solve", "markov_continuations", "markov_lump_sum",
           "markov_theorem_contract_space", "markov_theorem_check"]



def _signs(a: Sequence[Fraction], b: Sequence[Fraction], voters: Sequence[int]) -> list[int]:
    return [int(bool(a[j] > b[j])) - int(bool(a[j] < b[j])) for j in voters]


def _exact(x: Any) -> Fraction:
    """A Fraction with Python-int parts (library arrays may hold Fractions of numpy ints)."""
    f = Fraction(x)
    return Fraction(int(f.numerator), int(f.denominator))


def markov_continuations(game: MarkovGame, *, max_policies: int = DEFAULT_MAX_POLICIES) -> list[Cont]:
    """Every stationary pure MPE of ``game`` as (policy, rho0-weighted values per player).

    >>> from contract_theory.games.markov_library import repeated_prisoners_dilemma
    >>> markov_continuations(repeated_prisoners_dilemma(discount="1/2"))
    [(((1,), (1,)), (Fraction(2, 1), Fraction(2, 1)))]
    """
    out = []
    for e in mpe_solve(game, max_policies=max_policies):
        pay = tuple(_exact(sum((v * r for v, r in zip(e.values[i], game.initial)), Fraction(0)))
                    for i in range(game.n_players))
        out.append((e.policy, pay))
    return out


def _defaults(game: MarkovGame, default: str, max_policies: int) -> list[Cont]:
    eqs = markov_continuations(game, max_policies=max_policies)
    if default == "any" or not eqs:
        return eqs
    wel = [sum(p) for _, p in eqs]
    target = min(wel) if default == "pessimistic" else max(wel)
    return [min((e for e, w in zip(eqs, wel) if w == target), key=lambda c: c[0])]


def markov_spe_solve(
    game: MarkovGame, contracts: Sequence[Any], *, k: int | None = None, exact_k: bool = False,
    proposer: int | str = 0, voting: Any = "unanimous", refinement: str = "sequential",
    voter_tie: str = "accept", default: str = "pessimistic", max_policies: int = DEFAULT_MAX_POLICIES,
) -> ProtocolResult:
    """SPE welfare range of the (K-)contracting game on a Markov game over a finite contract space.

    Parameters as :func:`contract_theory.contracting.protocol.spe_solve`; ``contracts`` are
    :class:`~contract_theory.markov.contracts.MarkovContract` (or anything with ``signatories`` and
    ``augmented_game()`` returning a MarkovGame).  The optimum is the team optimum W* from rho0.
    Complexity: one MPE enumeration per contract (prod_i m_i^|S| policies, ``max_policies``) plus
    the voting stage as in ``spe_solve``.

    >>> from contract_theory.games.markov_library import repeated_prisoners_dilemma
    >>> r = markov_spe_solve(repeated_prisoners_dilemma(discount="1/2"), [])
    >>> r.worst_welfare, r.optimum
    (Fraction(4, 1), Fraction(12, 1))
    """
    n = game.n_players
    k = n if k is None else k
    if isinstance(k, bool) or not isinstance(k, int) or not 2 <= k <= n:
        raise ParameterError(f"K={k!r} is out of range: a contract needs 2 <= K <= N={n}")
    if default not in ("pessimistic", "optimistic", "any"):
        raise ParameterError(f"default must be 'pessimistic', 'optimistic' or 'any', got {default!r}")
    _check_voting(voting)
    proposers = list(range(n)) if proposer in ("each", "random") else [game.player_index(proposer)]
    defaults = _defaults(game, default, max_policies)
    if not defaults:
        raise ParameterError("the original Markov game has no stationary pure MPE: the disagreement outcome is "
                             "undefined for pure-continuation SPE")
    notes: list[str] = []
    proposals = []
    for idx, c in enumerate(contracts):
        sig = tuple(sorted(int(s) for s in c.signatories))
        if len(sig) > k or (exact_k and len(sig) != k):
            continue
        eqs = markov_continuations(c.augmented_game(), max_policies=max_policies)
        if not eqs:
            notes.append(f"contract {idx}: its augmented game has no stationary pure MPE; only rejection is "
                         "considered (pure-continuation SPE)")
        proposals.append((idx, sig, eqs))
    params = {"k": k, "exact_k": exact_k, "proposer": proposer, "voting": voting, "refinement": refinement,
              "voter_tie": voter_tie, "default": default, "contracts": len(contracts)}
    return spe_from_continuations(n, team_optimum(game).welfare, defaults, proposals, proposer=proposer,
                                  proposers=proposers, voting=voting, refinement=refinement, voter_tie=voter_tie,
                                  parameters=params, notes=notes)


def markov_lump_sum(game: MarkovGame, signatories: Sequence[int | str], amounts: dict[int, Any]) -> MarkovContract:
    """The unconditional transfer c (sum c_j = 0) paid as (1 - gamma) c_j at every step (module docstring).

    Its discounted total is exactly c_j from every state: V_j^theta(s) = V_j(s) + c_j.

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


def _targets(game: MarkovGame, members: tuple[int, ...], targets: str, max_policies: int) -> list[tuple]:
    """Deterministic policies at which no outsider has a profitable one-shot deviation."""
    from contract_theory.markov.mpe import is_mpe
    from contract_theory.markov.partial_contracts import team_optimal_policies

    outs = [i for i in range(game.n_players) if i not in members]
    if targets == "optimal":
        pols, _ = team_optimal_policies(game)
        return [p for p in pols if not outs or is_mpe(game, p, players=outs)]
    # members' rewards set to 0: they never deviate, so the MPE are the outsiders' best responses
    R = np.array(game.rewards, dtype=object)
    R[..., list(members)] = Fraction(0)
    return [e.policy for e in mpe_solve(game.with_rewards(R), max_policies=max_policies)]


def markov_theorem_contract_space(
    game: MarkovGame, proposer: int, *, k: int | None = None, cap: Any = None, lump_sums: bool = True,
    exact_k: bool = False, selection: str = "pessimistic", margin: Any = 1, penalty: str = "bound",
    targets: str = "all", surplus: Any = "auto", max_contracts: int = 20_000,
    max_policies: int = DEFAULT_MAX_POLICIES,
) -> list[MarkovContract]:
    """The finite rich contract space of the theorem for one proposer (module docstring).

    Lump sums give each responder its no-contract value plus ``surplus`` (proof step 3).
    ``surplus="auto"`` is the smallest positive gap between the welfare values of W*, the
    targets and the default MPEs, divided by 2n (1/(2n) if there is no gap); unlike the
    normal-form rule this does not bound the gap to *every* continuation's welfare, so it
    is a documented heuristic: pass ``surplus`` explicitly to control it (0 leaves
    responders indifferent and ``voter_tie`` decides).
    Raises :class:`~contract_theory.errors.SizeLimitError` beyond ``max_contracts``.

    >>> from contract_theory.games.markov_library import repeated_prisoners_dilemma
    >>> len(markov_theorem_contract_space(repeated_prisoners_dilemma(), 0))   # 4 targets x (penalty, + lump sum)
    8
    """
    if penalty not in ("bound", "min"):
        raise ParameterError(f"penalty must be 'bound' or 'min', got {penalty!r}")
    if targets not in ("all", "optimal"):
        raise ParameterError(f"targets must be 'all' or 'optimal', got {targets!r}")
    n = game.n_players
    k = n if k is None else k
    base = markov_no_contract_outcome(game, selection, max_policies=max_policies)
    R = game.rewards
    bound = (R.max() - R.min()) / (1 - game.discount)
    m = Fraction(margin)
    if m <= 0:
        raise ParameterError(f"margin must be positive, got {margin}")
    cap_f = None if cap is None else Fraction(cap)
    plan = [(S, pol) for size in ([k] if exact_k else range(2, k + 1))
            for S in itertools.combinations(range(n), size) if proposer in S
            for pol in _targets(game, S, targets, max_policies)]
    if surplus == "auto":
        wel = {team_optimum(game).welfare}
        if base.payoffs is not None:
            wel.add(Fraction(sum(base.payoffs)))
        wel |= {sum((v * r for row in _values(game, pol) for v, r in zip(row, game.initial)), Fraction(0))
                for _, pol in plan}
        vals = sorted(wel)
        gaps = [b - a for a, b in zip(vals, vals[1:]) if b > a]
        eps = (min(gaps) if gaps else Fraction(1)) / (2 * n)
    else:
        eps = Fraction(surplus)
        if eps < 0:
            raise ParameterError(f"surplus must be non-negative, got {surplus}")
    out: list[MarkovContract] = []
    for S, pol in plan:
        psi = bound + m if penalty == "bound" else min_penalty(game, S, pol).psi + m
        if cap_f is not None:
            psi = min(psi, cap_f)
        pen = deviation_penalty(game, S, pol, psi)
        out.append(pen)
        if lump_sums and base.payoffs is not None:
            on_path = [sum((v * r for v, r in zip(row, game.initial)), Fraction(0))
                       for row in _values(game, pol)]
            amounts = {j: base.payoffs[j] + eps - on_path[j] for j in S if j != proposer}
            amounts[proposer] = -sum(amounts.values(), Fraction(0))
            lump = markov_lump_sum(game, S, amounts)
            out.append(MarkovContract(game, S, pen.transfers + lump.transfers, observes="members",
                                      name=f"{pen.name} + lump sum"))
        if len(out) > max_contracts:
            raise SizeLimitError(f"the rich Markov contract space exceeds max_contracts={max_contracts}")
    return out


def _values(game: MarkovGame, pol: Any) -> np.ndarray:
    from contract_theory.markov.values import evaluate
    return evaluate(game, pol)


def markov_theorem_check(
    game: MarkovGame, *, k: int | None = None, cap: Any = None, lump_sums: bool = True,
    voting: Any = "unanimous", refinement: str = "sequential", default: str = "pessimistic",
    proposer: int | str = "each", exact_k: bool | None = None, penalty: str = "bound", targets: str = "all",
    margin: Any = 1, surplus: Any = "auto", max_policies: int = DEFAULT_MAX_POLICIES,
) -> ProtocolResult:
    """Solve the contracting game over :func:`markov_theorem_contract_space` (as ``protocol.theorem_check``).

    ``exact_k`` defaults to ``K == N`` (the paper's contract binds everyone).  With K = N, no cap,
    lump sums, unanimous sequential voting and a fixed default the theorem says every SPE is
    optimal: ``every_spe_optimal`` is then checked, not assumed.

    >>> from contract_theory.games.markov_library import repeated_prisoners_dilemma
    >>> r = markov_theorem_check(repeated_prisoners_dilemma())
    >>> r.every_spe_optimal, r.worst_welfare
    (True, Fraction(60, 1))
    """
    n = game.n_players
    if exact_k is None:
        exact_k = k is None or k == n
    props = list(range(n)) if proposer in ("each", "random") else [game.player_index(proposer)]
    contracts: list[Any] = []
    for p in props:
        contracts += markov_theorem_contract_space(
            game, p, k=k, cap=cap, lump_sums=lump_sums, exact_k=exact_k,
            selection=default if default != "any" else "pessimistic", margin=margin, penalty=penalty,
            targets=targets, surplus=surplus, max_policies=max_policies)
    return markov_spe_solve(game, contracts, k=k, exact_k=exact_k, proposer=proposer, voting=voting,
                            refinement=refinement, default=default, max_policies=max_policies)
