r"""The contracting game and its subgame-perfect equilibria (``docs/background/model.md#5-the-contracting-protocol``).

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

**One core for every kind of game.**  :func:`solve_protocol` needs of a game only a
:class:`ProtocolGame` adapter -- its continuation equilibria with payoff vectors
(``continuations``), its optimum W* and two phrases for notes -- and ends in
:func:`spe_from_continuations`; :class:`NormalFormProtocol` (pure Nash equilibria) and
:class:`contract_theory.markov.protocol.MarkovProtocol` (stationary pure MPE) provide it.
The rich contract space of the proof and the theorem check are shared the same way
(:func:`proposer_coalitions`, :func:`rich_contract_space`, :func:`check_theorem`).
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal, Protocol

import numpy as np

from contract_theory.contracting.coalitions.rules import Default, Rules, Selection, check_voting
from contract_theory.contracting.contracts.contract import ContractLike
from contract_theory.equilibria.pure import best_response_masks, pure_nash_mask
from contract_theory.equilibria.welfare import optimum
from contract_theory.errors import ParameterError, SizeLimitError
from contract_theory.games.normal_form import NormalFormGame, Profile

__all__ = ["Branch", "ProposerSPE", "ProtocolResult", "ProtocolRecord", "spe_solve", "spe_from_continuations",
           "Cont", "ProtocolGame", "NormalFormProtocol", "solve_protocol", "check_protocol_k", "select_defaults",
           "proposer_coalitions", "RichSpaceBuilders", "rich_contract_space", "TheoremSpace", "check_theorem",
           "theorem_check", "theorem_contract_space", "dominance_penalty", "spe_threshold", "spe_welfare_range",
           "memoized", "MEMO_SIZE", "theorem_on"]

#: A continuation: (profile or policy, payoff vector).
Cont = tuple[Any, Sequence[Fraction]]


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
    """Worst and best SPE welfare of the contracting game against W*.

    Records what every solver result records (:class:`~contract_theory.equilibria.results.SolverResult`):
    ``method``, ``exact`` (the arithmetic is exact: always ``True``, the welfare values are
    Fractions), ``payoffs_exact`` (``False`` when the game's input held floats), ``parameters``,
    ``complete`` (``False`` exactly when ``notes`` is non-empty, e.g. a contract's augmented game
    had no continuation equilibrium, so only its rejection was considered) and ``notes``.
    """

    optimum: Fraction
    worst_welfare: Fraction | None
    best_welfare: Fraction | None
    per_proposer: tuple[ProposerSPE, ...]
    every_spe_optimal: bool | None
    parameters: dict[str, Any]
    complete: bool = True
    notes: tuple[str, ...] = field(default=())
    method: str = "spe_from_continuations"
    exact: bool = True
    payoffs_exact: bool = True


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


def select_defaults(continuations: Sequence[Cont], default: Default) -> list[Cont]:
    """The continuations that may follow a rejection: all (``"any"``), or the one with the lowest
    (``"pessimistic"``) / highest (``"optimistic"``) welfare, ties to the smallest profile or policy (A10).

    Examples
    --------
    >>> F = Fraction
    >>> select_defaults([((1, 0), (F(3), F(0))), ((0, 1), (F(0), F(3))), ((1, 1), (F(1), F(1)))], "pessimistic")
    [((1, 1), (Fraction(1, 1), Fraction(1, 1)))]
    """
    if default == "any" or not continuations:
        return list(continuations)
    wel = [sum(p, Fraction(0)) for _, p in continuations]
    target = min(wel) if default == "pessimistic" else max(wel)
    return [min((c for c, w in zip(continuations, wel) if w == target), key=lambda c: c[0])]


def _default_set(game: NormalFormGame, default: Default) -> list[Profile]:
    return [d for d, _ in select_defaults(NormalFormProtocol(game).continuations(game), default)]


def _signs(a: Sequence[Fraction], b: Sequence[Fraction], voters: Sequence[int]) -> list[int]:
    return [(a[j] > b[j]) - (a[j] < b[j]) for j in voters]


def check_protocol_k(n: int, k: int | None) -> int:
    """K (default N) if it is an integer with 2 <= K <= N, else :class:`~contract_theory.errors.ParameterError`.

    Examples
    --------
    >>> check_protocol_k(3, None)
    3
    """
    k = n if k is None else k
    if isinstance(k, bool) or not isinstance(k, int) or not 2 <= k <= n:
        raise ParameterError(f"K={k!r} is out of range: a contract needs 2 <= K <= N={n}")
    return k


class ProtocolGame(Protocol):
    """What :func:`solve_protocol` needs of a kind of game (see the module docstring)."""

    @property
    def game(self) -> Any:
        """The original game (``n_players`` and ``player_index`` are used)."""
        ...

    @property
    def lacks_equilibrium(self) -> str:
        """How notes say a game has no continuation, e.g. ``"no pure equilibrium"``."""
        ...

    @property
    def original_lacks_equilibrium(self) -> str:
        """The error raised when the original game has no continuation."""
        ...

    def continuations(self, game: Any) -> list[Cont]:
        """Every continuation equilibrium of ``game`` (the original or an augmented one) with its payoffs."""
        ...

    def optimum(self) -> Fraction:
        """W*, the best welfare of the original game."""
        ...

    def rich_space(self, proposer: int, k: int | None, exact_k: bool, selection: Selection,
                   space: TheoremSpace) -> list[Any]:
        """The theorem's rich contract space for ``proposer`` (notes B.3)."""
        ...


class NormalFormProtocol:
    """The normal-form game as a :class:`ProtocolGame`: continuations are pure Nash equilibria.

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> g = prisoners_dilemma()
    >>> NormalFormProtocol(g).continuations(g)
    [((1, 1), (Fraction(1, 1), Fraction(1, 1)))]
    """

    lacks_equilibrium = "no pure equilibrium"
    original_lacks_equilibrium = "the original game has no pure Nash equilibrium"

    def __init__(self, game: NormalFormGame) -> None:
        self.game = game

    def continuations(self, game: Any) -> list[Cont]:
        """The pure Nash equilibria of ``game`` (enumeration order) with their exact payoffs."""
        return [(e, game.payoff(e)) for e in _pure_equilibria(game)]

    def optimum(self) -> Fraction:
        """W* over the joint actions."""
        return optimum(self.game)[0]

    def rich_space(self, proposer: int, k: int | None, exact_k: bool, selection: Selection,
                   space: TheoremSpace) -> list[Any]:
        """:func:`theorem_contract_space`."""
        return theorem_contract_space(self.game, proposer, k=k, exact_k=exact_k, selection=selection, space=space)


def solve_protocol(
    adapter: ProtocolGame, contracts: Sequence[ContractLike], *, k: int | None = None, exact_k: bool = False,
    proposer: int | str = 0, rules: Rules = Rules(),
) -> ProtocolResult:
    """SPE welfare range of the (K-)contracting game over a finite contract space, for any :class:`ProtocolGame`.

    ``rules.protocol`` (:class:`~contract_theory.contracting.coalitions.rules.ProtocolRules`) gives the
    voting rule, its refinement, the indifferent voter's vote and the default equilibrium.
    Validates K, takes the continuations of the original game (the default after rejection,
    :func:`select_defaults`) and of each admissible contract's augmented game, and runs
    :func:`spe_from_continuations`.  Complexity: one continuation enumeration per contract, then
    the voting stage.

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> solve_protocol(NormalFormProtocol(prisoners_dilemma()), []).worst_welfare
    Fraction(2, 1)
    """
    game = adapter.game
    n = game.n_players
    k = check_protocol_k(n, k)
    proto = rules.protocol
    who: int | str = proposer if proposer in ("each", "random") else game.player_index(proposer)
    w_star = adapter.optimum()
    defaults = select_defaults(adapter.continuations(game), proto.default)
    if not defaults:
        raise ParameterError(f"{adapter.original_lacks_equilibrium}: the disagreement outcome is undefined for "
                             "pure-continuation SPE")
    notes: list[str] = []
    proposals: list[tuple[int, tuple[int, ...], Sequence[Cont]]] = []
    for idx, c in enumerate(contracts):
        sig = tuple(sorted(int(s) for s in c.signatories))
        if len(sig) > k or (exact_k and len(sig) != k):
            continue
        eqs = adapter.continuations(c.augmented_game())
        if not eqs:
            notes.append(f"contract {idx}: its augmented game has {adapter.lacks_equilibrium}; only rejection is "
                         "considered (pure-continuation SPE)")
        proposals.append((idx, sig, eqs))
    params = {"k": k, "exact_k": exact_k, "proposer": proposer, "voting": proto.voting, "refinement": proto.refinement,
              "voter_tie": proto.voter_tie, "default": proto.default, "contracts": len(contracts)}
    record = ProtocolRecord(params, tuple(notes), f"solve_protocol: backward induction over {type(adapter).__name__}"
                            " continuations", bool(game.exact))
    return spe_from_continuations(n, w_star, defaults, proposals, proposer=who, rules=rules, record=record)


def spe_solve(
    game: NormalFormGame, contracts: Sequence[ContractLike], *, k: int | None = None, exact_k: bool = False,
    proposer: int | str = 0, rules: Rules = Rules(),
) -> ProtocolResult:
    """SPE welfare range of the (K-)contracting game over a finite contract space.

    ``contracts`` follow the :class:`~contract_theory.contracting.contracts.contract.ContractLike` interface
    (``signatories`` and ``augmented_game()``, e.g. :class:`contract_theory.contracting.contracts.contract.Contract`);
    the null proposal is always available.  ``proposer``: an index or name, ``"each"`` or
    ``"random"``; ``rules.protocol``: the voting rules (:func:`solve_protocol`, on
    :class:`NormalFormProtocol`).  Complexity: one pure-equilibrium enumeration per
    contract, then O(|Theta| * |NE(G^theta)| * |NE(G)| * 2^|V|) for the voting stage (the
    simultaneous refinement enumerates vote profiles; |V| <= K).

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> r = spe_solve(prisoners_dilemma(), [])
    >>> r.worst_welfare, r.best_welfare, r.optimum
    (Fraction(2, 1), Fraction(2, 1), Fraction(6, 1))
    """
    return solve_protocol(NormalFormProtocol(game), contracts, k=k, exact_k=exact_k, proposer=proposer, rules=rules)


@dataclass(frozen=True)
class ProtocolRecord:
    """What a :class:`ProtocolResult` records besides its answer: parameters, notes, method, exact input."""

    parameters: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    method: str = "spe_from_continuations"
    payoffs_exact: bool = True


def spe_from_continuations(
    n: int, optimum: Fraction, defaults: Sequence[Cont],
    proposals: Sequence[tuple[int, tuple[int, ...], Sequence[Cont]]], *, proposer: int | str,
    rules: Rules = Rules(), record: ProtocolRecord = ProtocolRecord(),
) -> ProtocolResult:
    """Backward induction of the contracting game given the continuation equilibria.

    ``defaults``: the (profile, payoffs) pairs that may follow a rejection or the null proposal;
    ``proposals``: ``(contract index, signatories, continuation equilibria after acceptance)``;
    ``proposer``: a player index, ``"each"`` or ``"random"`` (the average of every player's range);
    ``rules.protocol``: voting rule, refinement and the indifferent voter's vote.
    :func:`spe_solve` (normal form) and :func:`solve_protocol` on :class:`contract_theory.markov.protocol.MarkovProtocol`
    (Markov games) both end here, with their own continuation equilibria.  ``record`` (parameters,
    notes, method, exact input) is copied into the result.
    Complexity O(|Theta| |cont| |defaults| 2^|V|).

    Examples
    --------
    >>> r = spe_from_continuations(2, Fraction(6), [((1, 1), (Fraction(1), Fraction(1)))], [], proposer=0)
    >>> r.worst_welfare, r.every_spe_optimal
    (Fraction(2, 1), False)
    """
    proto = rules.protocol
    rule, committee = check_voting(proto.voting)
    if not defaults:
        raise ParameterError("no continuation after rejection: the disagreement outcome is undefined")
    proposers = list(range(n)) if proposer in ("each", "random") else [int(proposer)]
    per = [_proposer_spe(p, n, defaults, proposals, (rule, committee), rules) for p in proposers]
    worsts = [x.worst_welfare for x in per if x.worst_welfare is not None]
    bests = [x.best_welfare for x in per if x.best_welfare is not None]
    if proposer == "random":
        worst_w = sum(worsts, Fraction(0)) / len(per)
        best_w = sum(bests, Fraction(0)) / len(per)
    else:
        worst_w, best_w = min(worsts), max(bests)
    notes = record.notes
    return ProtocolResult(optimum, Fraction(worst_w), Fraction(best_w), tuple(per), worst_w == optimum,
                          dict(record.parameters), not notes, tuple(notes), method=record.method, exact=True,
                          payoffs_exact=record.payoffs_exact)


def _proposer_spe(p: int, n: int, defaults: Sequence[Cont], proposals: Sequence[tuple[int, tuple[int, ...], Sequence[Cont]]],
                  voting: tuple[str, int | None], rules: Rules) -> ProposerSPE:
    """The SPE welfare range when ``p`` proposes: every proposal's admissible branches, then the threshold."""
    rule, committee = voting
    refinement, voter_tie = rules.protocol.refinement, rules.protocol.voter_tie
    branches: list[list[Branch]] = [[Branch(None, False, d, tuple(dp)) for d, dp in defaults]]
    for idx, sig, eqs in proposals:
        if p not in sig:
            continue
        voters = [j for j in sig if j != p]
        bs: list[Branch] = []
        for e, acc_pay in eqs:
            for d, rej_pay in defaults:
                sg = _signs(acc_pay, rej_pay, voters)
                if rule == "committee":
                    c = min(len(voters) if committee is None else committee, len(voters))
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
                        bs.append(Branch(idx, acc, e if acc else d, tuple(acc_pay if acc else rej_pay)))
        if not eqs:
            bs = [Branch(idx, False, d, tuple(dp)) for d, dp in defaults]
        if bs:
            branches.append(bs)
    threshold = spe_threshold([(np.array([b.payoffs[p] for b in bs], dtype=object), None) for bs in branches])
    spe = [b for bs in branches for b in bs if b.payoffs[p] >= threshold]
    worst = min(spe, key=lambda b: (b.welfare, _key(b)))
    best = max(spe, key=lambda b: (b.welfare, tuple(-x for x in _flat_key(b))))
    return ProposerSPE(p, worst.welfare, best.welfare, worst, best, threshold)


def spe_threshold(proposals: Iterable[tuple[Any, Any]]) -> Any:
    """The proposer's SPE threshold: the best, over proposals, of its worst admissible branch.

    ``proposals`` are (proposer's payoffs, welfare) arrays; the last axis runs over one proposal's
    admissible branches, any other axes over several proposals (the null proposal is one of them).
    An SPE is a branch paying the proposer at least the threshold (module docstring).  Shared by
    :func:`spe_from_continuations` and the compact theorem check, which computes its branches by
    counts.  O(total branches).

    Examples
    --------
    >>> int(spe_threshold([(np.array([1, 3]), None), (np.array([[2, 2], [0, 5]]), None)]))
    2
    """
    return max(np.max(np.min(np.asarray(pay), axis=-1)) for pay, _ in proposals)


def spe_welfare_range(proposals: Iterable[tuple[Any, Any]], threshold: Any) -> tuple[Any, Any]:
    """The lowest and highest welfare over the SPE branches (proposer's payoff at least ``threshold``).

    ``proposals`` as for :func:`spe_threshold`, with the welfare arrays.

    Examples
    --------
    >>> F = Fraction
    >>> spe_welfare_range([([F(1), F(3)], [F(9), F(4)]), ([F(2), F(2)], [F(6), F(7)])], 2)
    (Fraction(4, 1), Fraction(7, 1))
    """
    lows, highs = [], []
    for pay, wel in proposals:
        keep = np.asarray(pay) >= threshold
        if keep.any():
            lows.append(np.min(np.asarray(wel)[keep]))
            highs.append(np.max(np.asarray(wel)[keep]))
    return min(lows), max(highs)


def _flatten(x: Any) -> tuple[Any, ...]:
    """Nested tuples (a profile, a policy, a mixed policy) flattened to their numbers."""
    return tuple(y for part in x for y in _flatten(part)) if isinstance(x, tuple) else (x,)


def _flat_key(b: Branch) -> tuple[Any, ...]:
    """``protocol._key`` with a profile or (mixed) policy flattened to numbers (so it can be negated)."""
    return (-1 if b.contract_index is None else b.contract_index, int(b.accepted)) + _flatten(tuple(b.profile))


def _key(b: Branch) -> tuple[int, ...]:
    """Deterministic tie rule between SPE of equal welfare: null proposal first, then contract index,
    rejected before accepted, then the smallest profile."""
    return (-1 if b.contract_index is None else b.contract_index, int(b.accepted)) + tuple(b.profile)


def dominance_penalty(game: NormalFormGame, members: Sequence[int], target: Profile, margin: Any = 1) -> Fraction:
    """Deviation penalty that makes ``target`` *strictly dominant* for every member (proof step 2).

    The closed form of :func:`contract_theory.contracting.contracts.enforcement.deviation_penalty_threshold`
    with ``concept="dominant"``: every member's payoff from complying exceeds each
    deviation by at least ``margin`` > 0 whatever the others do, so the members' part of
    the continuation is unique.

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> dominance_penalty(prisoners_dilemma(), [0, 1], (0, 0))   # max(T-R, P-S) + 1
    Fraction(3, 1)
    """
    from contract_theory.contracting.contracts.enforcement import deviation_penalty_threshold

    if Fraction(margin) <= 0:
        raise ParameterError(f"margin must be positive, got {margin}")
    return deviation_penalty_threshold(game, members, target, concept="dominant", margin=margin)


def proposer_coalitions(n: int, proposer: int, k: int, exact_k: bool) -> Iterator[tuple[int, ...]]:
    """The coalitions S containing ``proposer`` with 2 <= |S| <= K (|S| = K with ``exact_k``), by size then lexicographically.

    Examples
    --------
    >>> list(proposer_coalitions(3, 1, 3, False))
    [(0, 1), (1, 2), (0, 1, 2)]
    """
    for size in ([k] if exact_k else range(2, k + 1)):
        yield from (S for S in itertools.combinations(range(n), size) if proposer in S)


@dataclass(frozen=True)
class RichSpaceBuilders:
    """How a kind of game builds the rich space's contracts (normal-form and Markov games provide them).

    ``psi_of(S, target)``: the deviation penalty toward the target; ``penalty(S, target, psi)``: that
    contract; ``on_path(target)``: everyone's payoffs on the target's path;
    ``with_lump_sum(contract, S, amounts)``: the contract plus lump sums; ``what``: a word for messages.
    """

    psi_of: Callable[[tuple[int, ...], Any], Fraction]
    penalty: Callable[[tuple[int, ...], Any, Fraction], Any]
    on_path: Callable[[Any], Sequence[Fraction]]
    with_lump_sum: Callable[[Any, tuple[int, ...], Mapping[int | str, Fraction]], Any]
    what: str = ""


def rich_contract_space(
    plan: Iterable[tuple[tuple[int, ...], Any]], proposer: int, builders: RichSpaceBuilders, *,
    baseline: Sequence[Fraction] | None, surplus: Fraction, cap: Any = None, max_contracts: int = 20_000,
) -> list[Any]:
    """The rich contract space of the proof (notes B.3) from a plan of (coalition, target) pairs.

    For each pair: the deviation penalty toward the target with psi = ``builders.psi_of(S, target)``
    capped at ``cap``, and, when ``baseline`` (the no-contract payoffs) is given, that penalty plus the
    lump sum leaving every responder j at ``baseline[j] + surplus`` on the target's path and the
    proposer the rest (proof step 3).  Shared by normal-form and Markov games, which supply the
    :class:`RichSpaceBuilders`.  :class:`~contract_theory.errors.SizeLimitError` beyond
    ``max_contracts``.  O(|plan|) contract constructions.

    Examples
    --------
    >>> F = Fraction
    >>> b = RichSpaceBuilders(psi_of=lambda S, t: F(5), penalty=lambda S, t, psi: [psi],
    ...                       on_path=lambda t: (F(1), F(1)), with_lump_sum=lambda pen, S, am: pen + [am])
    >>> rich_contract_space([((0, 1), "t")], 0, b, baseline=(F(2), F(2)), surplus=F(0), cap=3)
    [[Fraction(3, 1)], [Fraction(3, 1), {1: Fraction(1, 1), 0: Fraction(-1, 1)}]]
    """
    cap_f = None if cap is None else Fraction(cap)
    out: list[Any] = []
    for S, target in plan:
        psi = builders.psi_of(S, target)
        if cap_f is not None:
            psi = min(psi, cap_f)
        pen = builders.penalty(S, target, psi)
        out.append(pen)
        if baseline is not None:
            pay = builders.on_path(target)
            amounts: dict[int | str, Fraction] = {j: baseline[j] + surplus - pay[j] for j in S if j != proposer}
            amounts[proposer] = -sum(amounts.values(), Fraction(0))
            out.append(builders.with_lump_sum(pen, S, amounts))
        if len(out) > max_contracts:
            raise SizeLimitError(f"the rich {builders.what}contract space exceeds max_contracts={max_contracts}")
    return out


@dataclass(frozen=True)
class TheoremSpace:
    """The options of the theorem's rich contract space (notes B.3), for every kind of game.

    ``cap``: the transfer cap (``None``: unbounded, A3); ``lump_sums``: add the lump-sum variants
    (A5); ``margin`` (> 0): the strict incentive every penalty adds; ``surplus``: what each
    responder gains over its no-contract payoff in the lump-sum variants (``"auto"``: see
    :func:`theorem_contract_space`); ``max_contracts``: size limit.  Markov games only:
    ``penalty`` (``"bound"``: the one-shot-deviation bound; ``"min"``: the smallest enforcing
    penalty) and ``targets`` (``"all"`` profiles where outsiders best-respond, or only
    ``"optimal"`` ones); normal-form games use the closed-form dominance penalty and every target.

    Examples
    --------
    >>> TheoremSpace(cap=1).cap, TheoremSpace().lump_sums
    (1, True)
    """

    cap: Any = None
    lump_sums: bool = True
    margin: Any = 1
    surplus: Any = "auto"
    max_contracts: int = 20_000
    penalty: Literal["bound", "min"] = "bound"
    targets: Literal["all", "optimal"] = "all"

    def __post_init__(self) -> None:
        if self.penalty not in ("bound", "min"):
            raise ParameterError(f"penalty must be 'bound' or 'min', got {self.penalty!r}")
        if self.targets not in ("all", "optimal"):
            raise ParameterError(f"targets must be 'all' or 'optimal', got {self.targets!r}")


#: How many results each memo of :func:`memoized` keeps (least recently used first out).
MEMO_SIZE = 256
_MEMOS: dict[str, OrderedDict[Hashable, Any]] = {}


def memoized(name: str, key: Hashable, compute: Callable[[], Any]) -> Any:
    """``compute()``, remembered under ``key`` in the memo ``name`` (the last :data:`MEMO_SIZE` keys).

    The theorem check and its rich contract spaces are pure functions of (game, K, proposer, rules,
    space) and games hash by content, so the report and the claim search, which ask the same small
    games again and again, build each space and solve each contracting game once.  A key that
    cannot be hashed (e.g. a list-valued ``cap``) computes without remembering.

    Examples
    --------
    >>> memoized("doctest", 1, lambda: [0]) is memoized("doctest", 1, lambda: [1])
    True
    """
    memo = _MEMOS.setdefault(name, OrderedDict())
    try:
        hash(key)
    except TypeError:
        return compute()
    if key in memo:
        memo.move_to_end(key)
        return memo[key]
    out = memo[key] = compute()
    if len(memo) > MEMO_SIZE:
        memo.popitem(last=False)
    return out


def theorem_contract_space(
    game: NormalFormGame, proposer: int, *, k: int | None = None, exact_k: bool = False,
    selection: Selection = "pessimistic", space: TheoremSpace = TheoremSpace(),
) -> list[Any]:
    """The finite "rich" contract space of the proof (notes B.3), for one proposer.

    For every coalition S containing ``proposer`` with 2 <= |S| <= K (or = K) and every
    profile a* at which all outsiders of S best-respond (no contract among S can enforce
    any other), it contains the deviation penalty toward a* with psi =
    :func:`dominance_penalty` (margin ``space.margin``, capped at ``space.cap``), and, when
    ``space.lump_sums``, that contract plus the lump sum giving every responder its no-contract
    payoff v_j^0 (under ``selection``) plus ``space.surplus`` and the proposer the rest (proof
    step 3: responders strictly gain, so even a voter who is not pivotal prefers acceptance).
    ``surplus="auto"`` is 1/(2 n d) with d the game's common denominator: every positive welfare
    gap is at least 1/d, so the n-1 responders' surpluses never change which proposal is best for
    the proposer.  ``surplus=0`` leaves responders indifferent (``voter_tie`` decides).
    Raises :class:`~contract_theory.errors.SizeLimitError` beyond ``space.max_contracts``
    (:func:`rich_contract_space`).

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> len(theorem_contract_space(prisoners_dilemma(), 0))   # 4 targets x (penalty, + lump sum)
    8
    """
    return list(memoized("theorem_contract_space", (game, bool(game.exact), proposer, k, exact_k, selection, space),
                         lambda: _theorem_contract_space(game, proposer, k, exact_k, selection, space)))


def _theorem_contract_space(game: NormalFormGame, proposer: int, k: int | None, exact_k: bool, selection: Selection,
                            space: TheoremSpace) -> list[Any]:
    """:func:`theorem_contract_space`, computed."""
    from contract_theory.contracting.coalitions.normal_form import no_contract_outcome
    from contract_theory.contracting.contracts.contract import deviation_penalty, lump_sum

    n = game.n_players
    k = n if k is None else k
    base = no_contract_outcome(game, selection)
    br = best_response_masks(game.table)
    eps = Fraction(1, 2 * n * game.denominator) if space.surplus == "auto" else Fraction(space.surplus)
    if eps < 0:
        raise ParameterError(f"surplus must be non-negative, got {space.surplus}")

    def targets(S: tuple[int, ...]) -> Iterator[Profile]:
        outs = [o for o in range(n) if o not in S]
        ok = br[..., outs].all(axis=-1) if outs else np.ones(game.shape, dtype=bool)
        return (tuple(int(v) for v in row) for row in np.argwhere(ok))

    builders = RichSpaceBuilders(
        psi_of=lambda S, t: dominance_penalty(game, S, t, space.margin),
        penalty=lambda S, t, psi: deviation_penalty(game, S, t, psi), on_path=game.payoff,
        with_lump_sum=lambda pen, S, amounts: pen + lump_sum(game, S, amounts))
    return rich_contract_space(
        ((S, t) for S in proposer_coalitions(n, proposer, k, exact_k) for t in targets(S)), proposer, builders,
        baseline=base.payoffs if space.lump_sums else None, surplus=eps, cap=space.cap,
        max_contracts=space.max_contracts)


def check_theorem(
    game: Any, *, k: int | None, exact_k: bool | None, proposer: int | str, default: Default,
    space: Callable[[int, bool, Selection], list[Any]], solve: Callable[[list[Any], bool], ProtocolResult],
) -> ProtocolResult:
    """Solve the contracting game over the rich space of every proposer (normal-form and Markov alike).

    ``game`` needs ``n_players`` and ``player_index``; ``exact_k`` defaults to ``K == N``;
    ``space(p, exact_k, selection)`` is proposer p's rich space (the default's selection,
    pessimistic under ``"any"``); ``solve(contracts, exact_k)`` the SPE solver.

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> g = prisoners_dilemma()
    >>> check_theorem(g, k=None, exact_k=None, proposer=0, default="pessimistic",
    ...               space=lambda p, e, s: [], solve=lambda cs, e: spe_solve(g, cs)).worst_welfare
    Fraction(2, 1)
    """
    n = game.n_players
    if exact_k is None:
        exact_k = k is None or k == n
    props = list(range(n)) if proposer in ("each", "random") else [game.player_index(proposer)]
    selection: Selection = "pessimistic" if default == "any" else default
    contracts: list[Any] = []
    for p in props:
        contracts += space(p, exact_k, selection)
    return solve(contracts, exact_k)


def theorem_check(
    game: NormalFormGame, *, k: int | None = None, exact_k: bool | None = None, proposer: int | str = "each",
    rules: Rules = Rules(), space: TheoremSpace = TheoremSpace(),
) -> ProtocolResult:
    """Solve the contracting game over :func:`theorem_contract_space` for every proposer.

    With K = N, no cap, lump sums, unanimous sequential voting and a fixed default, every
    SPE is optimal (the theorem): ``result.every_spe_optimal`` is ``True``.  ``exact_k``
    defaults to ``K == N``: the paper's contract binds every agent.  Allowing smaller
    coalitions even when K = N (``exact_k=False``) can break the theorem, because a
    sub-coalition can profit at the expense of non-signatories who have no veto (A7).  Dropping an
    assumption (``space=TheoremSpace(cap=...)``, no lump sums, simultaneous votes in
    ``rules.protocol``, K < N, majority voting) can make it ``False``; the result's branches are the
    counterexample.  :func:`check_theorem`.

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> theorem_check(prisoners_dilemma()).every_spe_optimal
    True
    >>> theorem_check(prisoners_dilemma(), space=TheoremSpace(cap=1)).worst_welfare
    Fraction(2, 1)
    """
    return theorem_on(NormalFormProtocol(game), k=k, exact_k=exact_k, proposer=proposer, rules=rules, space=space)


def theorem_on(
    adapter: ProtocolGame, *, k: int | None = None, exact_k: bool | None = None, proposer: int | str = "each",
    rules: Rules = Rules(), space: TheoremSpace = TheoremSpace(),
) -> ProtocolResult:
    """The theorem check of any kind of game: :func:`check_theorem` over the adapter's rich space, solved
    by :func:`solve_protocol` on the same adapter, remembered per (game, K, proposer, rules, space)
    (:func:`memoized`).  :func:`theorem_check` (normal form) and the Markov check
    (:class:`contract_theory.markov.protocol.MarkovProtocol`) are this function.

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> theorem_on(NormalFormProtocol(prisoners_dilemma())).worst_welfare
    Fraction(6, 1)
    """
    game = adapter.game
    key = (type(adapter).__name__, game, bool(game.exact), getattr(adapter, "max_policies", None), k, exact_k,
           proposer, rules, space)
    return memoized("theorem_check", key, lambda: check_theorem(
        game, k=k, exact_k=exact_k, proposer=proposer, default=rules.protocol.default,
        space=lambda p, ek, sel: adapter.rich_space(p, k, ek, sel, space),
        solve=lambda cs, ek: solve_protocol(adapter, cs, k=k, exact_k=ek, proposer=proposer, rules=rules)))
