r"""The full-contract theorem's assumptions as checks (MODEL.md section 6).

Each check is a predicate on (game, contract space, K, protocol) that returns
``"holds"``, ``"fails"`` or ``"not applicable"``, with a *witness* when it fails (the
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
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from contract_theory.contracting.coalitions import no_contract_outcome
from contract_theory.contracting.enforcement import deviation_penalty_threshold, outsider_deviation
from contract_theory.contracting.partial_contracts import check_k, partial_contract_analysis
from contract_theory.equilibria.pure import best_response_masks, pure_nash_mask
from contract_theory.equilibria.welfare import optimum
from contract_theory.errors import ParameterError
from contract_theory.games.normal_form import NormalFormGame, Profile

__all__ = ["AssumptionCheck", "check_assumptions", "explain"]

HOLDS, FAILS, NA = "holds", "fails", "not applicable"


@dataclass(frozen=True)
class AssumptionCheck:
    """Result of one assumption check."""

    id: str
    name: str
    status: str
    witness: Any = None
    explanation: str = ""

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


def check_assumptions(
    game: NormalFormGame, *, k: int | None = None, cap: Any = None, lump_sums: bool = True,
    observes: str = "members", contracts: Sequence[Any] | None = None, voting: Any = "unanimous",
    refinement: str = "sequential", default: str = "pessimistic", timing: str = "stackelberg",
    selection: str = "pessimistic",
) -> list[AssumptionCheck]:
    """Evaluate A1-A12 and B1-B4 for a game, a contract space, K and a protocol.

    Complexity: dominated by the four coalition analyses of B3/B4 (see
    :func:`contract_theory.contracting.partial_contracts.partial_contract_analysis`).

    >>> from contract_theory.games.library import public_goods
    >>> checks = check_assumptions(public_goods(4, "8/5", 20), k=3)
    >>> " ".join(c.id for c in checks if c.status == "fails")
    'A4 B1'
    """
    n = game.n_players
    k = n if k is None else check_k(game, k)
    if observes not in ("members", "all"):
        raise ParameterError(f"observes must be 'members' or 'all', got {observes!r}")
    from contract_theory.contracting.protocol import REFINEMENTS, check_voting
    rule, committee = check_voting(voting)
    if refinement not in REFINEMENTS:
        raise ParameterError(f"unknown voting refinement {refinement!r}; choose one of {list(REFINEMENTS)}")
    if default not in ("pessimistic", "optimistic", "any"):
        raise ParameterError(f"default must be 'pessimistic', 'optimistic' or 'any', got {default!r}")
    cap_f = None if cap is None else Fraction(cap)
    if cap_f is not None and cap_f < 0:
        raise ParameterError(f"cap must be non-negative, got {cap}")
    partial = k < n
    out: list[AssumptionCheck] = []
    w_star, opt_profiles = optimum(game)
    base = no_contract_outcome(game, selection)

    # A1 contractibility
    out.append(AssumptionCheck(
        "A1", "contractibility", HOLDS, None,
        f"The contract observes {'every agent' if observes == 'all' else 'the members'}' actions, so each "
        "signatory's own action can be fined; outsiders' actions can at most be conditioned on, never paid."))

    # A2 budget balance
    bad = None
    if contracts is not None:
        for idx, c in enumerate(contracts):
            theta = np.asarray(c.transfers, dtype=object)
            s = theta.sum(axis=-1)
            nz = np.argwhere(s != 0)
            if len(nz):
                bad = (idx, game.labels(tuple(int(v) for v in nz[0])), s[tuple(nz[0])])
                break
    out.append(AssumptionCheck(
        "A2", "budget balance", FAILS if bad else HOLDS, bad,
        "Transfers sum to zero at every outcome, so they redistribute and never create welfare."
        if not bad else f"Contract {bad[0]} does not sum to zero at {bad[1]} (sum {bad[2]})."))

    # A3 transfers large enough, A4 an enforcing contract for the optimum
    enf = _enforceable_optimum(game, k)
    if enf is None:
        p0 = opt_profiles[0]
        dev = outsider_deviation(game, (), p0)  # some agent who would deviate at the optimum
        out.append(AssumptionCheck(
            "A3", "transfers large enough", NA, None,
            "No coalition of at most K members can make an optimal profile an equilibrium, whatever the cap."))
        out.append(AssumptionCheck(
            "A4", "an enforcing contract for the optimum exists", FAILS,
            {"profile": game.labels(p0), "outsider": dev[0] if dev else None,
             "deviation": game.actions[dev[0]][dev[1]] if dev else None, "gain": str(dev[2]) if dev else None},
            f"At every optimal profile more than K={k} agents would deviate, so some outsider, who cannot be "
            "fined, has a profitable deviation: no contract among at most K agents enforces the optimum."))
    else:
        prof, S = enf
        need = deviation_penalty_threshold(game, S, prof)
        if cap_f is None or need <= cap_f:
            out.append(AssumptionCheck(
                "A3", "transfers large enough", HOLDS, {"needed": str(need), "cap": None if cap_f is None else str(cap_f)},
                f"A deviation penalty of {need} makes {game.labels(prof)} an equilibrium for coalition {list(S)}"
                + ("; transfers are unbounded." if cap_f is None else f", within the cap {cap_f}.")))
            out.append(AssumptionCheck(
                "A4", "an enforcing contract for the optimum exists", HOLDS, None,
                f"Coalition {list(S)} can enforce the optimal profile {game.labels(prof)}."))
        else:
            out.append(AssumptionCheck(
                "A3", "transfers large enough", FAILS, {"needed": str(need), "cap": str(cap_f), "profile": game.labels(prof)},
                f"Enforcing {game.labels(prof)} needs a penalty of {need}, above the cap {cap_f}."))
            out.append(AssumptionCheck(
                "A4", "an enforcing contract for the optimum exists", FAILS, {"needed": str(need), "cap": str(cap_f)},
                "With the cap, no contract in the space enforces an optimal profile."))

    # A5 lump-sum closure
    out.append(AssumptionCheck(
        "A5", "lump-sum closure", HOLDS if lump_sums else FAILS,
        None if lump_sums else "the space has no unconditional transfers",
        "Unconditional budget-balanced transfers let the proposer compensate responders and claim the surplus."
        if lump_sums else "Without lump sums the proposer cannot compensate a responder who loses at the "
        "optimum, so a welfare-improving contract can be vetoed."))
    # A6 binding, A8 quasi-linear, A9 SPE, A12 optimum: properties of the model itself
    out.append(AssumptionCheck("A6", "binding", HOLDS, None,
                               "Accepted transfers are applied automatically at every outcome (model assumption)."))

    # A7 voluntary participation with veto
    if rule != "unanimous":
        out.append(AssumptionCheck(
            "A7", "voluntary participation with veto", FAILS, {"voting": str(voting)},
            f"Under {voting!r} voting a contract can bind a signatory who voted against it."))
    elif partial:
        S_best = partial_contract_analysis(game, k, timing=timing, selection=selection).by_k[k]
        loser = None
        if S_best is not None and base.payoffs is not None:
            losses = [(S_best.payoffs[o] - base.payoffs[o], o) for o in S_best.outsiders]
            worst = min(losses, default=None)
            if worst is not None and worst[0] < 0:
                loser = {"coalition": list(S_best.coalition), "outsider": worst[1], "loss": str(-worst[0])}
        out.append(AssumptionCheck(
            "A7", "voluntary participation with veto", FAILS if loser else HOLDS, loser,
            "Outsiders have no veto: the contract can lower their payoff without their consent."
            if loser else "Only signatories vote and no outsider loses at the best coalition's outcome."))
    else:
        out.append(AssumptionCheck("A7", "voluntary participation with veto", HOLDS, None,
                                   "Every agent signs and any one can veto."))
    out.append(AssumptionCheck("A8", "quasi-linear utility", HOLDS, None,
                               "Transfers are added to payoffs in payoff units (model assumption)."))
    out.append(AssumptionCheck("A9", "SPE as the solution", HOLDS, None,
                               "The contracting game is solved for subgame-perfect equilibria."))

    # A10 proposal-independent disagreement payoff
    eqs = [tuple(int(v) for v in r) for r in np.argwhere(pure_nash_mask(game))]
    if not eqs:
        out.append(AssumptionCheck("A10", "disagreement payoff independent of the proposal", FAILS,
                                   "no pure equilibrium", "The default game has no pure equilibrium."))
    elif len(eqs) == 1 or default != "any":
        pays = [game.payoff(e) for e in eqs]
        spread = [str(max(p[i] for p in pays) - min(p[i] for p in pays)) for i in range(n)]
        out.append(AssumptionCheck(
            "A10", "disagreement payoff independent of the proposal", HOLDS,
            None if len(eqs) == 1 else {"equilibria": len(eqs), "payoff spread": spread},
            "The default game has a unique pure equilibrium." if len(eqs) == 1 else
            f"The default game has {len(eqs)} pure equilibria; the protocol fixes the {default} one."))
    else:
        pays = [game.payoff(e) for e in eqs]
        spread = [str(max(p[i] for p in pays) - min(p[i] for p in pays)) for i in range(n)]
        out.append(AssumptionCheck(
            "A10", "disagreement payoff independent of the proposal", FAILS,
            {"equilibria": [game.labels(e) for e in eqs], "payoff spread": spread},
            "Several equilibria may follow a rejection, so the threat after a rejection can depend on the proposal."))

    # A11 no coordination failure in voting
    max_voters = k - 1
    if refinement == "simultaneous" and max_voters >= 2 and rule in ("unanimous", "committee"):
        out.append(AssumptionCheck(
            "A11", "no coordination failure in voting", FAILS,
            {"voters": max_voters, "equilibrium": "everyone rejects"},
            f"With simultaneous unanimous votes and {max_voters} voters, 'everyone rejects' is an equilibrium of "
            "every vote: no single vote is pivotal."))
    else:
        out.append(AssumptionCheck(
            "A11", "no coordination failure in voting", HOLDS, None,
            f"Voting is {refinement}" + (" with a single voter." if max_voters < 2 else
                                         ": voters accept whenever acceptance serves them.")))
    out.append(AssumptionCheck("A12", "the optimum exists", HOLDS, {"W*": str(w_star)},
                               "A finite game attains its maximum welfare."))

    # ---------------- B checks (K < N)
    if not partial:
        for bid, name in (("B1", "outsiders' incentives at the optimum"), ("B2", "externality sign"),
                          ("B3", "selection sensitivity"), ("B4", "timing sensitivity")):
            out.append(AssumptionCheck(bid, name, NA, None, "Every agent signs (K = N): there are no outsiders."))
        return out
    # B1: does every outsider already best-respond at some optimal profile (for some |S| <= K)?
    if enf is not None:
        out.append(AssumptionCheck("B1", "outsiders' incentives at the optimum", HOLDS,
                                   {"profile": game.labels(enf[0]), "coalition": list(enf[1])},
                                   "Outsiders of that coalition already best-respond at an optimal profile."))
    else:
        p0 = opt_profiles[0]
        dev = outsider_deviation(game, (), p0)
        out.append(AssumptionCheck(
            "B1", "outsiders' incentives at the optimum", FAILS,
            {"profile": game.labels(p0), "outsider": dev[0], "deviation": game.actions[dev[0]][dev[1]],
             "gain": str(dev[2])},
            f"At the optimal profile {game.labels(p0)}, {n - k if n - k > 1 else 'an'} outsider(s) would deviate; "
            f"e.g. player {dev[0]} gains {dev[2]} by playing {game.actions[dev[0]][dev[1]]}."))
    # B2: externality of the best coalition on outsiders
    a = partial_contract_analysis(game, k, timing=timing, selection=selection)
    best = a.by_k[k]
    if best is None or base.payoffs is None:
        out.append(AssumptionCheck("B2", "externality sign", NA, None, "No pure outcome to compare."))
    else:
        diffs = {o: best.raw_payoffs[o] - base.payoffs[o] for o in best.outsiders}
        neg = {o: d for o, d in diffs.items() if d < 0}
        sign = "negative" if neg else ("positive" if any(d > 0 for d in diffs.values()) else "none")
        out.append(AssumptionCheck(
            "B2", "externality sign (no outsider harmed)", FAILS if neg else HOLDS,
            {"coalition": list(best.coalition), "sign": sign, "outsider changes": {o: str(d) for o, d in diffs.items()}},
            f"The best coalition's play has a {sign} externality on outsiders"
            + ("; welfare can fall below the no-contract level." if neg else ".")))
    # B3 selection sensitivity, B4 timing sensitivity
    other_sel = "optimistic" if selection == "pessimistic" else "pessimistic"
    b = partial_contract_analysis(game, k, timing=timing, selection=other_sel)
    gap = (a.welfare_curve[k], b.welfare_curve[k])
    out.append(AssumptionCheck(
        "B3", "selection insensitivity", HOLDS if gap[0] == gap[1] else FAILS,
        None if gap[0] == gap[1] else {selection: str(gap[0]), other_sel: str(gap[1])},
        "W_K does not depend on which outsider equilibrium is selected." if gap[0] == gap[1] else
        f"W_K is {gap[0]} under {selection} and {gap[1]} under {other_sel} selection."))
    other_t = "nash" if timing == "stackelberg" else "stackelberg"
    c = partial_contract_analysis(game, k, timing=other_t, selection=selection)
    tg = (a.welfare_curve[k], c.welfare_curve[k])
    out.append(AssumptionCheck(
        "B4", "timing insensitivity", HOLDS if tg[0] == tg[1] else FAILS,
        None if tg[0] == tg[1] else {timing: str(tg[0]), other_t: str(tg[1])},
        "W_K is the same whether the coalition commits first or moves with the outsiders." if tg[0] == tg[1]
        else f"W_K is {tg[0]} with {timing} timing and {tg[1]} with {other_t} timing."))
    return out


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
