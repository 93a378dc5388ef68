r"""The contracting game and its subgame-perfect equilibria (MODEL.md section 5).

The paper's protocol (Christoffersen, Haupt & Hadfield-Menell, arXiv 2208.10469), in its
K-version, over a *finite* contract space Theta:

1. **Proposal.**  A proposer p picks a contract (S, theta) in Theta with p in S and
   |S| <= K (``exact_k=True``: |S| = K), or proposes nothing (the null contract).
2. **Agreement.**  The other signatories V = S \ {p} vote.  ``voting="unanimous"`` (the
   paper's rule), ``"majority"`` (accepted iff at least half of V accept — the authors'
   released code keeps ties), or ``("committee", c)``: a uniformly random committee of c
   voters decides unanimously and the contract then binds every signatory (the released
   code's rule).  On rejection the original game is played.
3. **Play.**  The augmented game G^theta (only signatories' payoffs change) if accepted,
   the original game G otherwise.

Backward induction, exactly.  For a proposal theta a *branch* is a voting outcome
(accept/reject) with a continuation: a pure Nash equilibrium e of G^theta after
acceptance, the default equilibrium d after rejection.  A branch is admissible when its
vote profile is an equilibrium of the voting stage under the ``refinement``:

* ``"simultaneous"``: any pure Nash equilibrium of the simultaneous vote.  With two or
  more voters "everyone rejects" is always one (no single vote is pivotal) — the known
  trap, assumption A11;
* ``"sequential"``: voters vote one after another (subgame perfection), and
* ``"undominated"``: voters accept when not pivotal (no weakly dominated votes); for the
  rules here both reduce to *sincere voting*: each voter votes for the outcome it
  prefers, an indifferent voter follows ``voter_tie`` (``"accept"`` by default, the
  convention that lets the proposer leave responders exactly at their reservation value).

The default equilibrium after rejection is fixed (``default="pessimistic"`` or
``"optimistic"``: the pure equilibrium of G with the lowest/highest welfare, assumption
A10) or ``"any"`` (any pure equilibrium of G may follow any rejection: proposal-contingent
threats, A10 dropped).

SPE welfare range.  An SPE is a proposal theta* with an admissible branch b* such that no
other proposal gives the proposer more even when that proposal is met by its *worst*
admissible branch for the proposer: v_p(b*) >= max_theta min_{b in B(theta)} v_p(b).
The worst (best) SPE welfare is the min (max) of W(b*) over such pairs — exact, and
complete over pure-continuation SPE.  Proposals whose augmented game has no pure
equilibrium contribute only rejection branches and are listed in ``notes``.

``proposer``: an index (fixed), ``"each"`` (one analysis per agent), or ``"random"``
(uniform chance move: the SPE welfare range is the average of the per-proposer ranges,
since the subgames are independent).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from contract_theory.equilibria.pure import best_response_masks, pure_nash_mask
from contract_theory.equilibria.welfare import optimum
from contract_theory.errors import ParameterError
from contract_theory.games.normal_form import NormalFormGame, Profile

__all__ = ["Branch", "ProposerSPE", "ProtocolResult", "spe_solve", "spe_from_continuations", "REFINEMENTS"]

REFINEMENTS: tuple[str, ...] = ("simultaneous", "sequential", "undominated")


@dataclass(frozen=True)
class Branch:
    """One admissible continuation of a proposal: accepted or not, the profile played, payoffs."""

    contract_index: int | None  # None = the null proposal
    accepted: bool
    profile: Profile
    payoffs: tuple[Fraction, ...]

    @property
    def welfare(self) -> Fraction:
        return Fraction(sum(self.payoffs))


@dataclass(frozen=True)
class ProposerSPE:
    """SPE welfare range when ``proposer`` proposes, with an SPE attaining each end."""

    proposer: int
    worst_welfare: Fraction | None
    best_welfare: Fraction | None
    worst: Branch | None
    best: Branch | None
    threshold: Fraction | None  # max over proposals of the proposer's worst admissible payoff


@dataclass(frozen=True)
class ProtocolResult:
    """Worst and best SPE welfare of the contracting game against W*."""

    optimum: Fraction
    worst_welfare: Fraction | None
    best_welfare: Fraction | None
    per_proposer: tuple[ProposerSPE, ...]
    every_spe_optimal: bool | None
    parameters: dict[str, Any]
    complete: bool = True
    notes: tuple[str, ...] = field(default=())


def _check_voting(voting: Any) -> tuple[str, int | None]:
    if voting in ("unanimous", "majority"):
        return voting, None
    if isinstance(voting, (tuple, list)) and len(voting) == 2 and voting[0] == "committee":
        c = voting[1]
        if isinstance(c, int) and not isinstance(c, bool) and c >= 1:
            return "committee", c
    raise ParameterError(f"unknown voting rule {voting!r}; use 'unanimous', 'majority' or ('committee', c)")


def _accepts(accept_votes: int, voters: int, rule: str) -> bool:
    if rule == "majority":
        return 2 * accept_votes >= voters  # ties accepted, as the authors' NegotiationSolver
    return accept_votes == voters  # unanimous (also inside a committee)


def _vote_outcomes(gain: Sequence[int], rule: str, refinement: str, voter_tie: str) -> set[bool]:
    """Which outcomes (True = accepted) the voting stage supports.

    ``gain[j]`` is the sign of voter j's payoff difference accept-minus-reject (-1, 0, 1).
    A voter indifferent between the outcomes (gain 0) votes by ``voter_tie`` under every
    refinement; under ``"simultaneous"`` a voter whose vote is not pivotal may still vote
    either way, which is the coordination trap of assumption A11.
    """
    m = len(gain)
    if m == 0:
        return {True}
    if refinement in ("sequential", "undominated"):
        votes = sum(1 for g in gain if g > 0 or (g == 0 and voter_tie == "accept"))
        return {_accepts(votes, m, rule)}
    # simultaneous: pure Nash equilibria of the vote (each voter's payoff depends on the outcome)
    out: set[bool] = set()
    tie_vote = voter_tie == "accept"
    for profile in itertools.product((False, True), repeat=m):
        if any(g == 0 and v != tie_vote for g, v in zip(gain, profile)):
            continue  # an indifferent voter follows the tie rule
        outcome = _accepts(sum(profile), m, rule)
        stable = True
        for j in range(m):
            flipped = list(profile)
            flipped[j] = not flipped[j]
            alt = _accepts(sum(flipped), m, rule)
            if alt != outcome and ((alt and gain[j] > 0) or (not alt and gain[j] < 0)):
                stable = False
                break
        if stable:
            out.add(outcome)
    return out


def _pure_equilibria(game: NormalFormGame) -> list[Profile]:
    return [tuple(int(v) for v in row) for row in np.argwhere(pure_nash_mask(game))]


def _default_set(game: NormalFormGame, default: str) -> list[Profile]:
    eqs = _pure_equilibria(game)
    if default == "any" or not eqs:
        return eqs
    wel = [sum(game.payoff(e)) for e in eqs]
    target = min(wel) if default == "pessimistic" else max(wel)
    return [min(e for e, w in zip(eqs, wel) if w == target)]


def _signs(a: Sequence[Fraction], b: Sequence[Fraction], voters: Sequence[int]) -> list[int]:
    return [(a[j] > b[j]) - (a[j] < b[j]) for j in voters]


def spe_solve(
    game: NormalFormGame, contracts: Sequence[Any], *, k: int | None = None, exact_k: bool = False,
    proposer: int | str = 0, voting: Any = "unanimous", refinement: str = "sequential",
    voter_tie: str = "accept", default: str = "pessimistic",
) -> ProtocolResult:
    """SPE welfare range of the (K-)contracting game over a finite contract space.

    ``contracts`` are objects with ``signatories`` (player indices) and
    ``augmented_game()`` (e.g. :class:`contract_theory.contracting.contracts.Contract`); the null
    proposal is always available.  Complexity: one pure-equilibrium enumeration per
    contract, then O(|Theta| * |NE(G^theta)| * |NE(G)| * 2^|V|) for the voting stage (the
    simultaneous refinement enumerates vote profiles; |V| <= K).

    >>> from contract_theory.games.library import prisoners_dilemma
    >>> r = spe_solve(prisoners_dilemma(), [])
    >>> r.worst_welfare, r.best_welfare, r.optimum
    (Fraction(2, 1), Fraction(2, 1), Fraction(6, 1))
    """
    n = game.n_players
    k = n if k is None else k
    if isinstance(k, bool) or not isinstance(k, int) or not 2 <= k <= n:
        raise ParameterError(f"K={k!r} is out of range: a contract needs 2 <= K <= N={n}")
    rule, committee = _check_voting(voting)
    if refinement not in REFINEMENTS:
        raise ParameterError(f"unknown voting refinement {refinement!r}; choose one of {list(REFINEMENTS)}")
    if voter_tie not in ("accept", "reject"):
        raise ParameterError(f"voter_tie must be 'accept' or 'reject', got {voter_tie!r}")
    if default not in ("pessimistic", "optimistic", "any"):
        raise ParameterError(f"default must be 'pessimistic', 'optimistic' or 'any', got {default!r}")
    if proposer in ("each", "random"):
        proposers = list(range(n))
    else:
        proposers = [game.player_index(proposer)]
    w_star, _ = optimum(game)
    notes: list[str] = []
    defaults = _default_set(game, default)
    if not defaults:
        raise ParameterError("the original game has no pure Nash equilibrium: the disagreement outcome is "
                             "undefined for pure-continuation SPE")
    # continuation equilibria of each contract's augmented game
    cont: list[tuple[Any, list[Profile], NormalFormGame]] = []
    for idx, c in enumerate(contracts):
        sig = tuple(sorted(int(s) for s in c.signatories))
        if len(sig) > k or (exact_k and len(sig) != k):
            continue
        aug = c.augmented_game()
        eqs = _pure_equilibria(aug)
        if not eqs:
            notes.append(f"contract {idx}: its augmented game has no pure equilibrium; only rejection is "
                         "considered (pure-continuation SPE)")
        cont.append((idx, eqs, aug, sig))  # type: ignore[arg-type]
    params = {"k": k, "exact_k": exact_k, "proposer": proposer, "voting": voting, "refinement": refinement,
              "voter_tie": voter_tie, "default": default, "contracts": len(contracts)}
    return spe_from_continuations(
        n, w_star, [(d, game.payoff(d)) for d in defaults],
        [(idx, sig, [(e, aug.payoff(e)) for e in eqs]) for idx, eqs, aug, sig in cont],  # type: ignore[misc]
        proposer=proposer, proposers=proposers, voting=voting, refinement=refinement, voter_tie=voter_tie,
        parameters=params, notes=notes)


#: A continuation: (profile or policy, payoff vector).
Cont = tuple[Any, Sequence[Fraction]]


def spe_from_continuations(
    n: int, optimum: Fraction, defaults: Sequence[Cont],
    proposals: Sequence[tuple[int, tuple[int, ...], Sequence[Cont]]], *, proposer: int | str,
    proposers: Sequence[int], voting: Any = "unanimous", refinement: str = "sequential",
    voter_tie: str = "accept", parameters: dict[str, Any] | None = None, notes: Sequence[str] = (),
) -> ProtocolResult:
    """Backward induction of the contracting game given the continuation equilibria.

    ``defaults``: the (profile, payoffs) pairs that may follow a rejection or the null proposal;
    ``proposals``: ``(contract index, signatories, continuation equilibria after acceptance)``.
    :func:`spe_solve` (normal form) and :func:`contract_theory.markov.protocol.markov_spe_solve`
    (Markov games) both end here, with their own continuation equilibria.
    Complexity O(|Theta| |cont| |defaults| 2^|V|).

    >>> r = spe_from_continuations(2, Fraction(6), [((1, 1), (Fraction(1), Fraction(1)))], [],
    ...                            proposer=0, proposers=[0])
    >>> r.worst_welfare, r.every_spe_optimal
    (Fraction(2, 1), False)
    """
    rule, committee = _check_voting(voting)
    if refinement not in REFINEMENTS:
        raise ParameterError(f"unknown voting refinement {refinement!r}; choose one of {list(REFINEMENTS)}")
    if voter_tie not in ("accept", "reject"):
        raise ParameterError(f"voter_tie must be 'accept' or 'reject', got {voter_tie!r}")
    if not defaults:
        raise ParameterError("no continuation after rejection: the disagreement outcome is undefined")
    notes = list(notes)
    per: list[ProposerSPE] = []
    for p in proposers:
        branches: list[list[Branch]] = [[Branch(None, False, d, dp) for d, dp in defaults]]
        for idx, sig, eqs in proposals:
            if p not in sig:
                continue
            voters = [j for j in sig if j != p]
            bs: list[Branch] = []
            for e, acc_pay in eqs:
                for d, rej_pay in defaults:
                    sg = _signs(acc_pay, rej_pay, voters)
                    if rule == "committee":
                        c = min(committee, len(voters))  # type: ignore[type-var]
                        by_committee = [
                            _vote_outcomes([sg[voters.index(v)] for v in com], "unanimous", refinement, voter_tie)
                            for com in itertools.combinations(voters, c)]
                        for choice in itertools.product(*[sorted(o) for o in by_committee]):
                            share = Fraction(1, len(choice))
                            mix = tuple(sum((acc_pay[i] if a else rej_pay[i]) * share for a in choice)
                                        for i in range(n))
                            acc = all(choice)
                            bs.append(Branch(idx, acc, e if acc else d, tuple(Fraction(v) for v in mix)))
                    else:
                        for acc in _vote_outcomes(sg, rule, refinement, voter_tie):
                            bs.append(Branch(idx, acc, e if acc else d, acc_pay if acc else rej_pay))
            if not eqs:
                bs = [Branch(idx, False, d, dp) for d, dp in defaults]
            if bs:
                branches.append(bs)
        threshold = max(min(b.payoffs[p] for b in bs) for bs in branches)
        spe = [b for bs in branches for b in bs if b.payoffs[p] >= threshold]
        worst = min(spe, key=lambda b: (b.welfare, _key(b)))
        best = max(spe, key=lambda b: (b.welfare, tuple(-x for x in _flat_key(b))))
        per.append(ProposerSPE(p, worst.welfare, best.welfare, worst, best, threshold))
    if proposer == "random":
        worst_w = sum(x.worst_welfare for x in per) / len(per)  # type: ignore[misc]
        best_w = sum(x.best_welfare for x in per) / len(per)  # type: ignore[misc]
    else:
        worst_w = min(x.worst_welfare for x in per)  # type: ignore[type-var]
        best_w = max(x.best_welfare for x in per)  # type: ignore[type-var]
    return ProtocolResult(optimum, Fraction(worst_w), Fraction(best_w), tuple(per), worst_w == optimum,
                          dict(parameters or {}), not notes, tuple(notes))


def _flat_key(b: Branch) -> tuple[int, ...]:
    """``protocol._key`` with a policy flattened to integers (so it can be negated)."""
    prof = b.profile
    flat = tuple(x for part in prof for x in (part if isinstance(part, tuple) else (part,)))
    return (-1 if b.contract_index is None else b.contract_index, int(b.accepted)) + flat


def _key(b: Branch) -> tuple[int, ...]:
    """Deterministic tie rule between SPE of equal welfare: null proposal first, then contract index,
    rejected before accepted, then the smallest profile."""
    return (-1 if b.contract_index is None else b.contract_index, int(b.accepted)) + tuple(b.profile)


def dominance_penalty(game: NormalFormGame, members: Sequence[int], target: Profile, margin: Any = 1) -> Fraction:
    """Deviation penalty that makes ``target`` *strictly dominant* for every member (proof step 2).

    The closed form of :func:`contract_theory.contracting.enforcement.deviation_penalty_threshold`
    with ``concept="dominant"``: every member's payoff from complying exceeds each
    deviation by at least ``margin`` > 0 whatever the others do, so the members' part of
    the continuation is unique.

    >>> from contract_theory.games.library import prisoners_dilemma
    >>> dominance_penalty(prisoners_dilemma(), [0, 1], (0, 0))   # max(T-R, P-S) + 1
    Fraction(3, 1)
    """
    from contract_theory.contracting.enforcement import deviation_penalty_threshold

    if Fraction(margin) <= 0:
        raise ParameterError(f"margin must be positive, got {margin}")
    return deviation_penalty_threshold(game, members, target, concept="dominant", margin=margin)


def theorem_contract_space(
    game: NormalFormGame, proposer: int, *, k: int | None = None, cap: Any = None, lump_sums: bool = True,
    exact_k: bool = False, selection: str = "pessimistic", margin: Any = 1, surplus: Any = "auto",
    max_contracts: int = 20_000,
) -> list[Any]:
    """The finite "rich" contract space of the proof (notes B.3), for one proposer.

    For every coalition S containing ``proposer`` with 2 <= |S| <= K (or = K) and every
    profile a* at which all outsiders of S best-respond (no contract among S can enforce
    any other), it contains the deviation penalty toward a* with psi =
    :func:`dominance_penalty` (capped at ``cap``), and, when ``lump_sums``, that contract
    plus the lump sum giving every responder its no-contract payoff v_j^0 (under
    ``selection``) plus ``surplus`` and the proposer the rest (proof step 3: responders
    strictly gain, so even a voter who is not pivotal prefers acceptance).  ``surplus="auto"``
    is 1/(2 n d) with d the game's common denominator: every positive welfare gap is at
    least 1/d, so the n-1 responders' surpluses never change which proposal is best for
    the proposer.  ``surplus=0`` leaves responders indifferent (``voter_tie`` decides).
    Raises :class:`~contract_theory.errors.SizeLimitError` beyond ``max_contracts``.
    """
    from contract_theory.contracting.coalitions import no_contract_outcome
    from contract_theory.contracting.contracts import deviation_penalty, lump_sum
    from contract_theory.errors import SizeLimitError

    n = game.n_players
    k = n if k is None else k
    base = no_contract_outcome(game, selection)
    br = best_response_masks(game.table)
    cap_f = None if cap is None else Fraction(cap)
    eps = Fraction(1, 2 * n * game.denominator) if surplus == "auto" else Fraction(surplus)
    if eps < 0:
        raise ParameterError(f"surplus must be non-negative, got {surplus}")
    out: list[Any] = []
    sizes = [k] if exact_k else range(2, k + 1)
    for size in sizes:
        for S in itertools.combinations(range(n), size):
            if proposer not in S:
                continue
            outs = [o for o in range(n) if o not in S]
            ok = br[..., outs].all(axis=-1) if outs else np.ones(game.shape, dtype=bool)
            for row in np.argwhere(ok):
                target = tuple(int(v) for v in row)
                psi = dominance_penalty(game, S, target, margin)
                if cap_f is not None:
                    psi = min(psi, cap_f)
                pen = deviation_penalty(game, S, target, psi)
                out.append(pen)
                if lump_sums and base.payoffs is not None:
                    on_path = game.payoff(target)
                    amounts = {j: base.payoffs[j] + eps - on_path[j] for j in S if j != proposer}
                    amounts[proposer] = -sum(amounts.values(), Fraction(0))
                    out.append(pen + lump_sum(game, S, amounts))
                if len(out) > max_contracts:
                    raise SizeLimitError(f"the rich contract space exceeds max_contracts={max_contracts}")
    return out


def theorem_check(
    game: NormalFormGame, *, k: int | None = None, cap: Any = None, lump_sums: bool = True,
    voting: Any = "unanimous", refinement: str = "sequential", default: str = "pessimistic",
    proposer: int | str = "each", exact_k: bool | None = None, surplus: Any = "auto",
) -> ProtocolResult:
    """Solve the contracting game over :func:`theorem_contract_space` for every proposer.

    With K = N, no cap, lump sums, unanimous sequential voting and a fixed default, every
    SPE is optimal (the theorem): ``result.every_spe_optimal`` is ``True``.  ``exact_k``
    defaults to ``K == N``: the paper's contract binds every agent.  Allowing smaller
    coalitions even when K = N (``exact_k=False``) can break the theorem, because a
    sub-coalition can profit at the expense of non-signatories who have no veto (A7).  Dropping an
    assumption (a cap, no lump sums, simultaneous votes, K < N, majority voting) can make it
    ``False``; the result's branches are the counterexample.

    >>> from contract_theory.games.library import prisoners_dilemma
    >>> theorem_check(prisoners_dilemma()).every_spe_optimal
    True
    >>> theorem_check(prisoners_dilemma(), cap=1).worst_welfare
    Fraction(2, 1)
    """
    n = game.n_players
    if exact_k is None:
        exact_k = k is None or k == n
    props = list(range(n)) if proposer in ("each", "random") else [game.player_index(proposer)]
    contracts: list[Any] = []
    for p in props:
        contracts += theorem_contract_space(game, p, k=k, cap=cap, lump_sums=lump_sums, exact_k=exact_k,
                                            selection=default if default != "any" else "pessimistic",
                                            surplus=surplus)
    return spe_solve(game, contracts, k=k, exact_k=exact_k, proposer=proposer, voting=voting,
                     refinement=refinement, default=default)
