r"""The full-contract theorem's assumptions as checks (``docs/background/model.md#6-assumptions``).

Each check is a predicate on (game, contract space, K, protocol) that returns
``"holds"``, ``"fails"`` or ``"not applicable"`` (or ``"undecided"``, :data:`UNDECIDED`, from a
solver that cannot decide it exactly), with a *witness* when it fails (the
profile, coalition, outsider or contract that breaks it) and a plain-language
explanation.  The contract space is described by the knobs the theorem turns on:

* ``cap`` — the largest transfer any contract may make (``None``: unbounded, A3);
* ``lump_sums`` — whether unconditional budget-balanced transfers can be added (A5);
* ``observes`` — ``"members"`` or ``"all"`` (A1: every signatory's action is seen either way);
* ``contracts`` — optionally a finite list of contracts, checked exactly for budget
  balance (A2) and lump-sum closure (A5).

The protocol is described by ``voting`` (``"unanimous"``, ``"majority"``,
``("committee", c)``), ``refinement`` (``"simultaneous"``, ``"sequential"``,
``"undominated"``) and ``default`` (``"pessimistic"``, ``"optimistic"``: a fixed default
equilibrium; ``"any"``: any equilibrium may follow a rejection).

Checks A1-A12 are those of the paper's theorem (notes B.2); B1-B4 are the additional
questions when only K < N agents sign (notes E.2).

**The registry.**  Each assumption is one small function ``(AssumptionInputs) -> AssumptionCheck``
registered in :data:`ASSUMPTIONS` (id, name, what breaks without it, the function), in the order
the checks are reported.  :func:`check_assumptions` validates the inputs once and runs every
registered check; the ``analyze`` command and the study report print its results, and the table
in ``docs/background/theorem.md`` is :func:`assumptions_table` (a test keeps the two equal).
Quantities several checks share (the optimum, the no-contract outcome, the enforceable optimum,
the coalition analyses) are computed once per call and cached on the inputs object.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Any, Protocol

import numpy as np

from contract_theory.contracting.coalitions.normal_form import no_contract_outcome
from contract_theory.contracting.coalitions.partial_contracts import PartialContractAnalysis, check_k, partial_contract_analysis
from contract_theory.contracting.coalitions.rules import Rules, Selection, Timing, check_voting
from contract_theory.contracting.contracts.contract import Observes, transfer_violation
from contract_theory.contracting.contracts.enforcement import deviation_penalty_threshold, outsider_deviation
from contract_theory.contracting.protocol.assumption_names import assumption_name
from contract_theory.equilibria.pure import best_response_masks, pure_nash_mask
from contract_theory.equilibria.welfare import optimum
from contract_theory.errors import ParameterError
from contract_theory.games.normal_form import NormalFormGame, Profile

__all__ = ["UNDECIDED", "AssumptionCheck", "Assumption", "AssumptionInputs", "ASSUMPTIONS", "check_assumptions", "explain",
           "assumptions_table", "ProtocolFacts", "protocol_check", "PROTOCOL_ONLY"]

HOLDS, FAILS, NA = "holds", "fails", "not applicable"
#: The status of a check a solver cannot decide exactly (the compact checks, when a coalition analysis they
#: read is incomplete); its witness says why and the way out.
UNDECIDED = "undecided"


@dataclass(frozen=True)
class AssumptionCheck:
    """Result of one assumption check."""

    id: str
    status: str
    witness: Any = None
    explanation: str = ""

    @property
    def name(self) -> str:
        """The one name of this assumption (:data:`~contract_theory.contracting.protocol.assumption_names.NAMES`)."""
        return assumption_name(self.id)

    @property
    def holds(self) -> bool | None:
        return {HOLDS: True, FAILS: False}.get(self.status)


def _enforceable_optimum(game: NormalFormGame, k: int) -> tuple[Profile, tuple[int, ...]] | None:
    """An optimal profile and a coalition |S| <= k whose outsiders all best-respond there.

    The coalition is the first (by size, then lexicographic) among those containing all
    players who do not best-respond; outsiders must be best-responding players.
    """
    _, profs = optimum(game)
    br = best_response_masks(game.table)
    for p in profs:
        not_br = [i for i in range(game.n_players) if not br[p + (i,)]]
        need = max(2, len(not_br))
        if need <= k:
            rest = [i for i in range(game.n_players) if i not in not_br]
            S = tuple(sorted(not_br + rest[: need - len(not_br)]))
            return p, S
    return None


@dataclass(frozen=True)
class Assumption:
    """One registered assumption: its id, its name, what breaks without it, and its check."""

    id: str
    breaks: str
    check: Callable[[AssumptionInputs], AssumptionCheck] = field(repr=False)

    @property
    def name(self) -> str:
        """The one name of this assumption (:data:`~contract_theory.contracting.protocol.assumption_names.NAMES`)."""
        return assumption_name(self.id)


#: Every assumption check, in report order (A1-A12, then B1-B4).  Filled by :func:`_register`.
ASSUMPTIONS: list[Assumption] = []


class ProtocolFacts(Protocol):
    """What the checks that read only the contract space and the protocol need (:data:`PROTOCOL_ONLY`).

    :class:`AssumptionInputs` provides it, and so do the compact checks
    (:mod:`contract_theory.contracting.protocol.compact_checks`), so those checks exist once.
    """

    @property
    def observes(self) -> str:
        """See :class:`AssumptionInputs`."""
        ...

    @property
    def lump_sums(self) -> bool:
        """See :class:`AssumptionInputs`."""
        ...

    @property
    def refinement(self) -> str:
        """See :class:`AssumptionInputs`."""
        ...

    @property
    def rule(self) -> str:
        """See :class:`AssumptionInputs`."""
        ...

    @property
    def k(self) -> int:
        """See :class:`AssumptionInputs`."""
        ...

    @property
    def w_star(self) -> Fraction:
        """See :class:`AssumptionInputs`."""
        ...


_PROTOCOL: dict[str, Callable[[ProtocolFacts], AssumptionCheck]] = {}


def _protocol_only(fn: Callable[[ProtocolFacts], AssumptionCheck]) -> Callable[[ProtocolFacts], AssumptionCheck]:
    """Mark a check that reads only :class:`ProtocolFacts` (stacked under :func:`_register`)."""
    _PROTOCOL[fn.__name__] = fn
    return fn


def protocol_check(aid: str, facts: ProtocolFacts) -> AssumptionCheck:
    """Run the registered check ``aid`` (one of :data:`PROTOCOL_ONLY`) on any :class:`ProtocolFacts`.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> protocol_check("A6", SimpleNamespace()).status
    'holds'
    """
    fn = next(a.check for a in ASSUMPTIONS if a.id == aid)
    if fn.__name__ not in _PROTOCOL:
        raise ParameterError(f"{aid} reads the game, not only the protocol; choose one of {list(PROTOCOL_ONLY)}")
    return _PROTOCOL[fn.__name__](facts)


def _register(id: str, breaks: str
              ) -> Callable[[Callable[[AssumptionInputs], AssumptionCheck]], Callable[[AssumptionInputs], AssumptionCheck]]:
    assumption_name(id)  # an id the name registry does not know is a programming error here
    def add(fn: Callable[[AssumptionInputs], AssumptionCheck]) -> Callable[[AssumptionInputs], AssumptionCheck]:
        ASSUMPTIONS.append(Assumption(id, breaks, fn))
        return fn
    return add


class AssumptionInputs:
    """The validated inputs of :func:`check_assumptions` and the quantities several checks share.

    The optimum and the no-contract outcome are computed when the inputs are built (as the checks
    always need them); the enforceable optimum and the coalition analyses on first use, once.
    """

    def __init__(self, game: NormalFormGame, k: int | None, rules: Rules, *, cap: Any, lump_sums: bool,
                 observes: Observes, contracts: Sequence[Any] | None) -> None:
        self.game = game
        self.n = n = game.n_players
        self.k: int = n if k is None else check_k(game, k)
        if observes not in ("members", "all"):
            raise ParameterError(f"observes must be 'members' or 'all', got {observes!r}")
        self.rules = rules
        self.rule, self.committee = check_voting(rules.protocol.voting)
        self.cap: Fraction | None = None if cap is None else Fraction(cap)
        if self.cap is not None and self.cap < 0:
            raise ParameterError(f"cap must be non-negative, got {cap}")
        self.lump_sums, self.observes, self.contracts = lump_sums, observes, contracts
        self.voting, self.refinement, self.default = rules.protocol.voting, rules.protocol.refinement, rules.protocol.default
        self.timing, self.selection = rules.timing, rules.selection
        self.partial = self.k < n
        self.w_star, self.opt_profiles = optimum(game)
        self.base = no_contract_outcome(game, rules.selection)
        self._analyses: dict[tuple[str, str], PartialContractAnalysis] = {}

    @cached_property
    def enforceable(self) -> tuple[Profile, tuple[int, ...]] | None:
        """An optimal profile and a coalition of at most K whose outsiders best-respond there."""
        return _enforceable_optimum(self.game, self.k)

    @cached_property
    def needed_penalty(self) -> Fraction | None:
        """The deviation penalty that enforces :attr:`enforceable` (``None`` without one)."""
        if self.enforceable is None:
            return None
        prof, S = self.enforceable
        return deviation_penalty_threshold(self.game, S, prof)

    @cached_property
    def optimum_deviation(self) -> tuple[Profile, Any]:
        """The first optimal profile and some agent's best deviation there (``None`` if nobody deviates)."""
        p0 = self.opt_profiles[0]
        return p0, outsider_deviation(self.game, (), p0)

    def analysis(self, timing: Timing, selection: Selection) -> PartialContractAnalysis:
        """The coalition analysis with coalitions of at most K, computed once per (timing, selection)."""
        key = (timing, selection)
        if key not in self._analyses:  # sharing and tie at their defaults: the checks read W_K and acceptance
            self._analyses[key] = partial_contract_analysis(
                self.game, self.k, Rules(timing=timing, selection=selection, budgets=self.rules.budgets))
        return self._analyses[key]

    @cached_property
    def pure_equilibria(self) -> list[Profile]:
        return [tuple(int(v) for v in r) for r in np.argwhere(pure_nash_mask(self.game))]


def check_assumptions(
    game: NormalFormGame, k: int | None = None, rules: Rules = Rules(), *, cap: Any = None, lump_sums: bool = True,
    observes: Observes = "members", contracts: Sequence[Any] | None = None,
) -> list[AssumptionCheck]:
    """Evaluate every registered assumption (:data:`ASSUMPTIONS`: A1-A12 and B1-B4) for a game, a
    contract space, K (default N) and a protocol.

    ``rules`` (:class:`~contract_theory.contracting.coalitions.rules.Rules`): ``timing`` and
    ``selection`` of the coalition analyses the B checks and A7 read (with equal sharing and the
    ``"inside"`` tie rule), and ``rules.protocol`` (voting, refinement, default equilibrium) for A7,
    A10 and A11.  ``cap``, ``lump_sums``, ``observes`` and ``contracts`` describe the contract space.

    Complexity: dominated by the three coalition analyses of A7/B2-B4 (see
    :func:`contract_theory.contracting.coalitions.partial_contracts.partial_contract_analysis`).

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> checks = check_assumptions(public_goods(4, "8/5", 20), k=3)
    >>> " ".join(c.id for c in checks if c.status == "fails")
    'A4 B1'
    """
    inputs = AssumptionInputs(game, k, rules, cap=cap, lump_sums=lump_sums, observes=observes, contracts=contracts)
    return [a.check(inputs) for a in ASSUMPTIONS]


def assumptions_table() -> str:
    """The Markdown table of the registered assumptions (the one in ``docs/background/theorem.md``).

    Examples
    --------
    >>> print(assumptions_table().splitlines()[2])
    | A1 | contractibility | members' deviations cannot be fined |
    """
    rows = ["| id | assumption | what breaks without it (tested) |", "|---|---|---|"]
    rows += [f"| {a.id} | {a.name} | {a.breaks} |" for a in ASSUMPTIONS]
    return "\n".join(rows)


# ====================================================================== A1-A12
@_register("A1", "members' deviations cannot be fined")
@_protocol_only
def _a1_contractibility(x: ProtocolFacts) -> AssumptionCheck:
    return AssumptionCheck(
        "A1", HOLDS, None,
        f"The contract observes {'every agent' if x.observes == 'all' else 'the members'}' actions, so each "
        "signatory's own action can be fined; outsiders' actions can at most be conditioned on, never paid.")


@_register("A2", "contracts could create welfare from outside")
def _a2_budget_balance(x: AssumptionInputs) -> AssumptionCheck:
    bad = None
    for idx, c in enumerate(x.contracts or ()):
        # the one transfer validator; every player counted as a signatory, so only the budget is checked
        v = transfer_violation(np.asarray(c.transfers, dtype=object), range(x.n))
        if v is not None:
            bad = (idx, x.game.labels(v.where), v.value)
            break
    return AssumptionCheck(
        "A2", FAILS if bad else HOLDS, bad,
        "Transfers sum to zero at every outcome, so they redistribute and never create welfare."
        if not bad else f"Contract {bad[0]} does not sum to zero at {bad[1]} (sum {bad[2]}).")


@_register("A3", "a capped penalty cannot enforce the optimum (PD with cap 1: SPE welfare in [2, 5], $W^* = 6$)")
def _a3_transfers_large_enough(x: AssumptionInputs) -> AssumptionCheck:
    if x.enforceable is None or x.needed_penalty is None:
        return AssumptionCheck(
            "A3", NA, None,
            "No coalition of at most K members can make an optimal profile an equilibrium, whatever the cap.")
    (prof, S), need, cap = x.enforceable, x.needed_penalty, x.cap
    labels = x.game.labels(prof)
    if cap is None or need <= cap:
        return AssumptionCheck(
            "A3", HOLDS, {"needed": str(need), "cap": None if cap is None else str(cap)},
            f"A deviation penalty of {need} makes {labels} an equilibrium for coalition {list(S)}"
            + ("; transfers are unbounded." if cap is None else f", within the cap {cap}."))
    return AssumptionCheck(
        "A3", FAILS, {"needed": str(need), "cap": str(cap), "profile": labels},
        f"Enforcing {labels} needs a penalty of {need}, above the cap {cap}.")


@_register("A4", "outsiders deviate at the optimum")
def _a4_enforcing_contract(x: AssumptionInputs) -> AssumptionCheck:
    if x.enforceable is None or x.needed_penalty is None:
        p0, dev = x.optimum_deviation
        return AssumptionCheck(
            "A4", FAILS,
            {"profile": x.game.labels(p0), "outsider": dev[0] if dev else None,
             "deviation": x.game.actions[dev[0]][dev[1]] if dev else None, "gain": str(dev[2]) if dev else None},
            f"At every optimal profile more than K={x.k} agents would deviate, so some outsider, who cannot be "
            "fined, has a profitable deviation: no contract among at most K agents enforces the optimum.")
    (prof, S), need, cap = x.enforceable, x.needed_penalty, x.cap
    if cap is None or need <= cap:
        return AssumptionCheck("A4", HOLDS, None,
                               f"Coalition {list(S)} can enforce the optimal profile {x.game.labels(prof)}.")
    return AssumptionCheck("A4", FAILS, {"needed": str(need), "cap": str(cap)},
                           "With the cap, no contract in the space enforces an optimal profile.")


@_register("A5", "a responder who loses at the optimum vetoes it")
@_protocol_only
def _a5_lump_sum_closure(x: ProtocolFacts) -> AssumptionCheck:
    return AssumptionCheck(
        "A5", HOLDS if x.lump_sums else FAILS,
        None if x.lump_sums else "the space has no unconditional transfers",
        "Unconditional budget-balanced transfers let the proposer compensate responders and claim the surplus."
        if x.lump_sums else "Without lump sums the proposer cannot compensate a responder who loses at the "
        "optimum, so a welfare-improving contract can be vetoed.")


@_register("A6", "(model assumption)")
@_protocol_only
def _a6_binding(x: ProtocolFacts) -> AssumptionCheck:
    return AssumptionCheck("A6", HOLDS, None,
                           "Accepted transfers are applied automatically at every outcome (model assumption).")


@_register("A7", "majority voting or sub-coalitions impose losses on dissenters and outsiders")
def _a7_veto(x: AssumptionInputs) -> AssumptionCheck:
    if x.rule != "unanimous":
        return AssumptionCheck("A7", FAILS, {"voting": str(x.voting)},
                               f"Under {x.voting!r} voting a contract can bind a signatory who voted against it.")
    if not x.partial:
        return AssumptionCheck("A7", HOLDS, None, "Every agent signs and any one can veto.")
    S_best = x.analysis(x.timing, x.selection).by_k[x.k]
    loser = None
    if S_best is not None and S_best.payoffs is not None and x.base.payoffs is not None:
        base = x.base.payoffs
        worst = min(((S_best.payoffs[o] - base[o], o) for o in S_best.outsiders), default=None)
        if worst is not None and worst[0] < 0:
            loser = {"coalition": list(S_best.coalition), "outsider": worst[1], "loss": str(-worst[0])}
    return AssumptionCheck(
        "A7", FAILS if loser else HOLDS, loser,
        "Outsiders have no veto: the contract can lower their payoff without their consent."
        if loser else "Only signatories vote and no outsider loses at the best coalition's outcome.")


@_register("A8", "(model assumption)")
@_protocol_only
def _a8_quasi_linear(x: ProtocolFacts) -> AssumptionCheck:
    return AssumptionCheck("A8", HOLDS, None,
                           "Transfers are added to payoffs in payoff units (model assumption).")


@_register("A9", "(model assumption)")
@_protocol_only
def _a9_spe(x: ProtocolFacts) -> AssumptionCheck:
    return AssumptionCheck("A9", HOLDS, None,
                           "The contracting game is solved for subgame-perfect equilibria.")


@_register("A10", "proposal-contingent threats")
def _a10_disagreement(x: AssumptionInputs) -> AssumptionCheck:
    eqs = x.pure_equilibria
    if not eqs:
        return AssumptionCheck("A10", FAILS, "no pure equilibrium", "The default game has no pure equilibrium.")
    pays = [x.game.payoff(e) for e in eqs]
    spread = [str(max(p[i] for p in pays) - min(p[i] for p in pays)) for i in range(x.n)]
    if len(eqs) == 1 or x.default != "any":
        return AssumptionCheck(
            "A10", HOLDS, None if len(eqs) == 1 else {"equilibria": len(eqs), "payoff spread": spread},
            "The default game has a unique pure equilibrium." if len(eqs) == 1 else
            f"The default game has {len(eqs)} pure equilibria; the protocol fixes the {x.default} one.")
    return AssumptionCheck(
        "A10", FAILS, {"equilibria": [x.game.labels(e) for e in eqs], "payoff spread": spread},
        "Several equilibria may follow a rejection, so the threat after a rejection can depend on the proposal.")


@_register("A11", "\"everyone rejects\" with simultaneous unanimous votes")
@_protocol_only
def _a11_voting_coordination(x: ProtocolFacts) -> AssumptionCheck:
    max_voters = x.k - 1
    if x.refinement == "simultaneous" and max_voters >= 2 and x.rule in ("unanimous", "committee"):
        return AssumptionCheck(
            "A11", FAILS, {"voters": max_voters, "equilibrium": "everyone rejects"},
            f"With simultaneous unanimous votes and {max_voters} voters, 'everyone rejects' is an equilibrium of "
            "every vote: no single vote is pivotal.")
    return AssumptionCheck(
        "A11", HOLDS, None,
        f"Voting is {x.refinement}" + (" with a single voter." if max_voters < 2 else
                                       ": voters accept whenever acceptance serves them."))


@_register("A12", "(finite games)")
@_protocol_only
def _a12_optimum_exists(x: ProtocolFacts) -> AssumptionCheck:
    return AssumptionCheck("A12", HOLDS, {"W*": str(x.w_star)},
                           "A finite game attains its maximum welfare.")


# ====================================================================== B1-B4 (K < N)
def _no_outsiders(bid: str) -> AssumptionCheck:
    return AssumptionCheck(bid, NA, None, "Every agent signs (K = N): there are no outsiders.")


@_register("B1", "no coalition smaller than N enforces the optimum")
def _b1_outsiders_at_optimum(x: AssumptionInputs) -> AssumptionCheck:
    if not x.partial:
        return _no_outsiders("B1")
    if x.enforceable is not None:
        return AssumptionCheck("B1", HOLDS,
                               {"profile": x.game.labels(x.enforceable[0]), "coalition": list(x.enforceable[1])},
                               "Outsiders of that coalition already best-respond at an optimal profile.")
    p0, dev = x.optimum_deviation
    assert dev is not None  # no enforceable optimum: some agent deviates at every optimal profile
    act = x.game.actions[dev[0]][dev[1]]
    return AssumptionCheck(
        "B1", FAILS, {"profile": x.game.labels(p0), "outsider": dev[0], "deviation": act, "gain": str(dev[2])},
        f"At the optimal profile {x.game.labels(p0)}, {x.n - x.k if x.n - x.k > 1 else 'an'} outsider(s) would "
        f"deviate; e.g. player {dev[0]} gains {dev[2]} by playing {act}.")


@_register("B2", "welfare can fall below the no-contract level")
def _b2_externality(x: AssumptionInputs) -> AssumptionCheck:
    if not x.partial:
        return _no_outsiders("B2")
    best = x.analysis(x.timing, x.selection).by_k[x.k]
    if best is None or best.raw_payoffs is None or x.base.payoffs is None:
        return AssumptionCheck("B2", NA, None, "No pure outcome to compare.")
    base = x.base.payoffs
    diffs = {o: best.raw_payoffs[o] - base[o] for o in best.outsiders}
    neg = {o: d for o, d in diffs.items() if d < 0}
    sign = "negative" if neg else ("positive" if any(d > 0 for d in diffs.values()) else "none")
    return AssumptionCheck(
        "B2", FAILS if neg else HOLDS,
        {"coalition": list(best.coalition), "sign": sign, "outsider changes": {o: str(d) for o, d in diffs.items()}},
        f"The best coalition's play has a {sign} externality on outsiders"
        + ("; welfare can fall below the no-contract level." if neg else "."))


@_register("B3", "the coalition's guarantee depends on outsiders' equilibrium")
def _b3_selection(x: AssumptionInputs) -> AssumptionCheck:
    if not x.partial:
        return _no_outsiders("B3")
    other: Selection = "optimistic" if x.selection == "pessimistic" else "pessimistic"
    w, w_other = (x.analysis(x.timing, s).welfare_curve[x.k] for s in (x.selection, other))
    return AssumptionCheck(
        "B3", HOLDS if w == w_other else FAILS,
        None if w == w_other else {x.selection: str(w), other: str(w_other)},
        "W_K does not depend on which outsider equilibrium is selected." if w == w_other else
        f"W_K is {w} under {x.selection} and {w_other} under {other} selection.")


@_register("B4", "commitment (Stackelberg) versus a merged player (Nash)")
def _b4_timing(x: AssumptionInputs) -> AssumptionCheck:
    if not x.partial:
        return _no_outsiders("B4")
    other: Timing = "nash" if x.timing == "stackelberg" else "stackelberg"
    w, w_other = (x.analysis(t, x.selection).welfare_curve[x.k] for t in (x.timing, other))
    return AssumptionCheck(
        "B4", HOLDS if w == w_other else FAILS,
        None if w == w_other else {x.timing: str(w), other: str(w_other)},
        "W_K is the same whether the coalition commits first or moves with the outsiders." if w == w_other
        else f"W_K is {w} with {x.timing} timing and {w_other} with {other} timing.")


#: The checks that read only the contract space and the protocol (:class:`ProtocolFacts`).
PROTOCOL_ONLY: tuple[str, ...] = ("A1", "A5", "A6", "A8", "A9", "A11", "A12")


def explain(checks: Sequence[AssumptionCheck]) -> str:
    """One plain-language paragraph summarizing which assumptions fail and what that means."""
    fails = [c for c in checks if c.status == FAILS]
    if not fails:
        return ("Every checked assumption holds: with these contracts and this protocol the full-contract "
                "argument goes through, so every subgame-perfect equilibrium is socially optimal.")
    names = ", ".join(f"{c.id} ({c.name})" for c in fails)
    return (f"{len(fails)} assumption(s) fail: {names}. The theorem's conclusion that every subgame-perfect "
            "equilibrium is socially optimal is therefore not guaranteed here; the witnesses show the concrete "
            "profile, agent or rule that breaks each step of the argument.")
