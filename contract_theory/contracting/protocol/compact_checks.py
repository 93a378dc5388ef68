r"""The theorem's assumptions and the theorem check on compact games, by composition.

``docs/background/model.md#8-compact-games`` applied to ``#5-the-contracting-protocol`` and
``#6-assumptions``: what :func:`contract_theory.contracting.protocol.assumptions.check_assumptions`
and :func:`contract_theory.contracting.protocol.spe.theorem_check` need of a compact game, at a cost
polynomial in N.  The coalition analyses they read are the one engine's study on the compact
adapter (:class:`contract_theory.contracting.coalitions.compact.CompactBloc`); the checks that read
only the contract space and the protocol are the registered ones
(:func:`~contract_theory.contracting.protocol.assumptions.protocol_check`); what is specific to
counting stays here:

* :func:`_compact_assumptions` -- A3, A4, A7, A10 and B1-B4 decided on count matrices and
  compositions (witnesses name types and actions instead of players);
* :func:`_compact_theorem_check` -- the contracting protocol's SPE welfare range over the
  theorem's rich contract space, its branches enumerated by counts and ranked by the shared SPE
  threshold (:func:`~contract_theory.contracting.protocol.spe.spe_threshold`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, cast

import numpy as np

from contract_theory.contracting.coalitions.compact import (
    CompactAnalysis,
    CompactBaseline,
    CompactBloc,
    _dists,
    _pairwise,
    _take,
    compositions,
    counts_no_contract,
)
from contract_theory.contracting.coalitions.partial_contracts import check_k, partial_contract_study
from contract_theory.contracting.coalitions.rules import Rules, Selection, Timing, check_voting
from contract_theory.equilibria.aggregative import aggregate_form
from contract_theory.equilibria.compact import (
    CountTables,
    _compact_optimum,
    _compact_pure_equilibria,
    count_tables,
    dominant_actions,
    linear_game,
)
from contract_theory.errors import ParameterError, SizeLimitError
from contract_theory.games.compact import AnonymousGame, Counts

__all__: list[str] = []  # the compact checks are reached through contract_theory.api


# ---------------------------------------------------------------------------- assumptions
def compact_study(game: AnonymousGame, k: int, rules: Rules, timing: str, selection: str) -> CompactAnalysis:
    """The coalition analysis an assumption check reads: ``timing`` and ``selection``, equal sharing and
    the ``"inside"`` tie rule (as the dense checks), the caller's budgets."""
    study = Rules(timing=cast(Timing, timing), selection=cast(Selection, selection), budgets=rules.budgets)
    out: CompactAnalysis = partial_contract_study(CompactBloc(game, max_pairs=rules.budgets.max_pairs), k, study)
    return out


def _not_content(game: AnonymousGame, c: Counts) -> list[tuple[int, int, int, Fraction]]:
    """Occupied (type, action) pairs whose players would deviate at c: (t, b, better action, gain)."""
    out = []
    for t, row in enumerate(c):
        for b, k in enumerate(row):
            if not k:
                continue
            here = game.payoff(t, b, c)
            best, gain = b, Fraction(0)
            for b2 in range(len(row)):
                if b2 == b:
                    continue
                moved = tuple(tuple(v - (tt == t and bb == b) + (tt == t and bb == b2) for bb, v in enumerate(r))
                              for tt, r in enumerate(c))
                g = game.payoff(t, b2, moved) - here
                if g > gain:
                    best, gain = b2, g
            if gain > 0:
                out.append((t, b, best, gain))
    return out


def _equilibrium_profiles(game: AnonymousGame) -> int:
    """How many pure profiles (not count matrices) are equilibria."""
    lin = linear_game(game)
    if lin is not None:  # every combination of dominant actions
        return math.prod(len(d) ** nt for d, nt in zip(dominant_actions(lin), lin.type_counts))
    form = aggregate_form(game)
    if form is not None:  # counted by DP over partial sums, never listed
        return form.n_equilibria(profiles=True)
    eqs = _compact_pure_equilibria(game).equilibria
    return sum(math.prod(math.factorial(sum(row)) // math.prod(math.factorial(x) for x in row) for row in c)
               for c in eqs)


def _incomplete(analyses: Sequence[CompactAnalysis], size: int | None = None) -> list[tuple[int, ...]]:
    """Compositions (of ``size``, default every size) that the counts engine cannot decide exactly.

    Those are the Stackelberg outcomes with exactly two outsiders and a member commitment that
    leaves them without a pure equilibrium: the model (and the dense solver, ``mixed=True``)
    then uses the two outsiders' exact mixed equilibria, which the counts engine does not
    compute.  Other exclusions (three or more outsiders; a Nash-timing bloc game without a pure
    equilibrium) are the model's own pure-continuation rule and are decided alike by both.
    """
    return sorted({s for a in analyses if a.timing == "stackelberg" for s, o in a.outcomes.items()
                   if not o.complete and a.compact_game.n_players - sum(s) == 2
                   and (size is None or sum(s) == size)})


@dataclass(frozen=True)
class _Facts:
    """What the compact checks read: the validated inputs, the study and the enforceable optimum.

    Provides :class:`~contract_theory.contracting.protocol.assumptions.ProtocolFacts` for the
    registered protocol-only checks.  ``enforce`` = (an optimal count matrix, how many players
    deviate there) for the first optimum that at most K members can enforce; ``first_dev`` = the
    first optimal count matrix with a deviation and that deviation (t, b, better action, gain).
    """

    game: AnonymousGame
    k: int
    rules: Rules
    observes: str
    lump_sums: bool
    rule: str
    analysis: CompactAnalysis
    enforce: tuple[Counts, int] | None
    first_dev: tuple[Counts, tuple[int, int, int, Fraction]] | None

    @property
    def n(self) -> int:
        return self.game.n_players

    @property
    def refinement(self) -> str:
        return self.rules.protocol.refinement

    @property
    def voting(self) -> Any:
        return self.rules.protocol.voting

    @property
    def w_star(self) -> Fraction:
        return self.analysis.optimum_welfare

    @property
    def base(self) -> CompactBaseline:
        return self.analysis.baseline

    def label(self, c: Counts) -> list[dict[str, int]]:
        """A count matrix as one {action label: count} per type."""
        return [{self.game.actions[t][b]: x for b, x in enumerate(row) if x} for t, row in enumerate(c)]

    def deviation_witness(self) -> dict[str, Any]:
        """The first optimal count matrix's deviation, named by type and actions."""
        if self.first_dev is None:
            raise ParameterError("no optimal count matrix has a deviation")
        c0, (t, b, b2, gain) = self.first_dev
        return {"profile": self.label(c0), "type": t, "action": self.game.actions[t][b],
                "deviation": self.game.actions[t][b2], "gain": str(gain)}

    def outsider_changes(self) -> list[tuple[int, Fraction]] | None:
        """(type, change) of every outsider at the best size-K coalition's outcome against no contract."""
        best, base = self.analysis.best(self.k), self.base
        if best is None or best.outsider_runs is None or base.runs is None:
            return None
        return [(t, v - b0) for t, (x, nt) in enumerate(zip(best.composition, self.game.type_counts))
                for v, b0, _ in _pairwise(best.outsider_runs[t], _take(base.runs[t], x, nt - x))]


def _enforceable(game: AnonymousGame, a: CompactAnalysis, k: int
                 ) -> tuple[tuple[Counts, int] | None, tuple[Counts, tuple[int, int, int, Fraction]] | None]:
    """(first optimum enforceable by at most K members with its deviators, first optimum's deviation)."""
    first_dev = None
    for c in a.optimum_counts:
        devs = _not_content(game, c)
        movers = sum(c[t][b] for t, b, _, _ in devs)
        if first_dev is None and devs:
            first_dev = (c, devs[0])
        if max(2, movers) <= k:
            return (c, movers), first_dev
    return None, first_dev


def _undecided(x: _Facts, bid: str, missing: list[tuple[int, ...]], what: str) -> Any:
    """The check ``bid`` cannot be decided by counts: ``what`` reads outcomes of incomplete compositions."""
    from contract_theory.contracting.protocol.assumptions import UNDECIDED, AssumptionCheck

    return AssumptionCheck(
        bid, UNDECIDED, {"incomplete compositions": [list(s) for s in missing[:5]], "count": len(missing)},
        f"{what} reads coalition outcomes whose continuation games lack pure equilibria ({len(missing)} "
        "composition(s), e.g. " + str(list(missing[0])) + "); the counts engine excludes those branches, where the "
        "dense solver uses the two outsiders' exact mixed equilibria, so the answer is not decided here. For small "
        "N run check_assumptions on game.to_dense().")


def _a2(x: _Facts) -> Any:
    from contract_theory.contracting.protocol.assumptions import HOLDS, AssumptionCheck

    return AssumptionCheck("A2", HOLDS, None,
                           "Transfers sum to zero at every outcome, so they redistribute and never create welfare.")


def _a3(x: _Facts) -> Any:
    from contract_theory.contracting.protocol.assumptions import HOLDS, NA, AssumptionCheck

    if x.enforce is None:
        return AssumptionCheck("A3", NA, None,
                               "No coalition of at most K members can make an optimal profile an equilibrium.")
    return AssumptionCheck("A3", HOLDS, {"cap": None},
                           "Transfers are unbounded, so any deviation penalty is available.")


def _a4(x: _Facts) -> Any:
    from contract_theory.contracting.protocol.assumptions import FAILS, HOLDS, AssumptionCheck

    if x.enforce is None:
        return AssumptionCheck("A4", FAILS, x.deviation_witness(),
                               f"At every optimal profile more than K={x.k} agents would deviate.")
    return AssumptionCheck("A4", HOLDS, {"profile": x.label(x.enforce[0]), "deviators": x.enforce[1]},
                           f"{max(2, x.enforce[1])} members can enforce an optimal profile.")


def _a7(x: _Facts) -> Any:
    from contract_theory.contracting.protocol.assumptions import FAILS, HOLDS, AssumptionCheck

    if x.rule != "unanimous":
        return AssumptionCheck("A7", FAILS, {"voting": str(x.voting)},
                               f"Under {x.voting!r} voting a contract can bind a signatory who voted against it.")
    if x.k == x.n:
        return AssumptionCheck("A7", HOLDS, None, "Every agent signs and any one can veto.")
    missing = _incomplete([x.analysis], x.k)
    if missing:
        return _undecided(x, "A7", missing, "A7 (outsiders' losses)")
    losses = [(t, -d) for t, d in x.outsider_changes() or () if d < 0]
    if not losses:
        return AssumptionCheck("A7", HOLDS, None,
                               "Only signatories vote and no outsider loses at the best coalition's outcome.")
    t, loss = max(losses, key=lambda tl: tl[1])  # the largest loss, the first type among equal ones
    best = x.analysis.best(x.k)
    return AssumptionCheck("A7", FAILS, {"composition": list(best.composition) if best else None, "type": t,
                                               "loss": str(loss)},
                           "Outsiders have no veto: the contract can lower their payoff without their consent.")


def _a10(x: _Facts) -> Any:
    from contract_theory.contracting.protocol.assumptions import FAILS, HOLDS, AssumptionCheck

    n_eq = _equilibrium_profiles(x.game)
    if n_eq == 0:
        return AssumptionCheck("A10", FAILS, "no pure equilibrium", "The default game has no pure equilibrium.")
    default = x.rules.protocol.default
    ok = n_eq == 1 or default != "any"
    return AssumptionCheck(
        "A10", HOLDS if ok else FAILS, None if n_eq == 1 else {"equilibria": n_eq},
        "The default game has a unique pure equilibrium." if n_eq == 1 else
        f"The default game has {n_eq} pure equilibria; " +
        (f"the protocol fixes the {default} one." if ok else "the threat after a rejection can depend on "
         "the proposal."))


def _b1(x: _Facts) -> Any:
    from contract_theory.contracting.protocol.assumptions import FAILS, HOLDS, AssumptionCheck

    a4 = _a4(x)
    return AssumptionCheck("B1", HOLDS if x.enforce else FAILS,
                           a4.witness, a4.explanation)


def _b2(x: _Facts) -> Any:
    from contract_theory.contracting.protocol.assumptions import FAILS, HOLDS, NA, AssumptionCheck

    missing = _incomplete([x.analysis], x.k)
    if missing:
        return _undecided(x, "B2", missing,
                          "B2 (the best coalition's externality)")
    diffs = x.outsider_changes()
    best = x.analysis.best(x.k)
    if diffs is None or best is None:
        return AssumptionCheck("B2", NA, None, "No pure outcome to compare.")
    neg = any(d < 0 for _, d in diffs)
    sign = "negative" if neg else ("positive" if any(d > 0 for _, d in diffs) else "none")
    return AssumptionCheck("B2", FAILS if neg else HOLDS,
                           {"composition": list(best.composition), "sign": sign},
                           f"The best coalition's play has a {sign} externality on outsiders.")


def _sensitivity(bid: str, other_rules: Callable[[_Facts], dict[str, str]]) -> Callable[[_Facts], Any]:
    """B3 / B4: W_K here against W_K under the other selection / timing."""
    def check(x: _Facts) -> Any:
        from contract_theory.contracting.protocol.assumptions import FAILS, HOLDS, AssumptionCheck

        kw = other_rules(x)
        b = compact_study(x.game, x.k, x.rules, kw["timing"], kw["selection"])
        missing = _incomplete([x.analysis, b])
        if missing:
            return _undecided(x, bid, missing, f"{bid} (W_K under {kw})")
        here, other = x.analysis.welfare_curve[x.k], b.welfare_curve[x.k]
        same = other == here
        return AssumptionCheck(bid, HOLDS if same else FAILS,
                               None if same else {"this": str(here), "other": str(other), **kw},
                               f"W_K is {here} here and {other} with {kw}.")
    return check


#: The compact game's own checks, by id (the others are the registered protocol-only checks).
_COMPACT: dict[str, Callable[[_Facts], Any]] = {
    "A2": _a2, "A3": _a3, "A4": _a4, "A7": _a7, "A10": _a10,
    "B1": _b1, "B2": _b2,
    "B3": _sensitivity("B3", lambda x: {
        "timing": x.rules.timing, "selection": "optimistic" if x.rules.selection == "pessimistic" else "pessimistic"}),
    "B4": _sensitivity("B4", lambda x: {
        "timing": "nash" if x.rules.timing == "stackelberg" else "stackelberg", "selection": x.rules.selection}),
}

_NO_OUTSIDERS = ("B1", "B2", "B3", "B4")


def _compact_assumptions(
    game: AnonymousGame, k: int | None = None, rules: Rules = Rules(), *, lump_sums: bool = True,
    observes: str = "members", analysis: CompactAnalysis | None = None,
) -> list[Any]:
    """A1-A12 and B1-B4 (``docs/background/model.md#6-assumptions``) for a compact game.

    Same ids, statuses and meaning as :func:`contract_theory.contracting.protocol.assumptions.check_assumptions`
    with unbounded transfers (no ``cap``) and no explicit contract list (A2 holds by
    construction); witnesses name types and actions instead of players.  ``rules`` as there
    (timing, selection, the protocol).  ``analysis`` (the study with this K, timing and
    selection) is reused when given.  A7, B2, B3 and B4 are ``"undecided"``
    (:data:`~contract_theory.contracting.protocol.assumptions.UNDECIDED`, the witness names the
    compositions) when they read a Stackelberg outcome with two outsiders left without a pure
    equilibrium by some commitment: the model then uses their mixed equilibria, which counts do
    not compute.  Complexity: three compact studies (B3, B4) plus the optimum's deviation checks.

    Examples
    --------
    >>> from contract_theory.games.compact_library import public_goods_compact
    >>> checks = _compact_assumptions(public_goods_compact(4, "8/5", 20), k=3)
    >>> " ".join(c.id for c in checks if c.status == "fails")
    'A4 B1'
    """
    from contract_theory.contracting.protocol.assumptions import ASSUMPTIONS, NA, AssumptionCheck, protocol_check

    n = game.n_players
    k = n if k is None else k
    if observes not in ("members", "all"):
        raise ParameterError(f"observes must be 'members' or 'all', got {observes!r}")
    rule, _ = check_voting(rules.protocol.voting)
    a = analysis if analysis is not None else compact_study(game, k, rules, rules.timing, rules.selection)
    enforce, first_dev = _enforceable(game, a, k)
    facts = _Facts(game, k, rules, observes, lump_sums, rule, a, enforce, first_dev)
    out = []
    for x in ASSUMPTIONS:
        if k == n and x.id in _NO_OUTSIDERS:
            out.append(AssumptionCheck(x.id, NA, None,
                                       "Every agent signs (K = N): there are no outsiders."))
        elif x.id in _COMPACT:
            out.append(_COMPACT[x.id](facts))
        else:
            out.append(protocol_check(x.id, facts))
    return out


# ---------------------------------------------------------------------------- the protocol's SPE
@dataclass(frozen=True)
class _Units:
    """A compact game's payoffs in units of 1/(2 n d) (the surplus 1/(2 n d) is one unit): the count
    tables' payoffs ``F`` and welfare ``W``, every column's default payoff ``beta`` and the default welfare."""

    tables: CountTables
    F: np.ndarray
    W: np.ndarray
    beta: np.ndarray
    w0: int
    unit: int


def _units(game: AnonymousGame) -> _Units:
    """The default equilibrium and the tables in integer units; the default must be type-uniform."""
    tables = count_tables(game)
    base = counts_no_contract(game, "pessimistic")
    if base.runs is None or base.welfare is None:
        raise ParameterError("the game has no pure Nash equilibrium: the disagreement outcome is undefined")
    if any(len(r) > 1 for r in base.runs):
        raise ParameterError("the default equilibrium pays players of one type differently; the compact SPE check "
                             "needs a type-uniform default (run theorem_check on game.to_dense() for small N)")
    scale = 2 * game.n_players
    beta = np.array([int(base.runs[t][0][0] * tables.denominator * scale) for t, _ in game.columns], dtype=object)
    return _Units(tables, tables.table * scale, tables.welfare * scale, beta,
                  int(base.welfare * tables.denominator * scale), tables.denominator * scale)


def _member_proposals(game: AnonymousGame, u: _Units, tau: int, M: np.ndarray, E: np.ndarray
                      ) -> list[tuple[np.ndarray, np.ndarray]]:
    """The proposals of a type-``tau`` proposer whose members have counts M, the targets' rows ``E``:
    per proposer action, the penalty alone and the penalty with lump sums (one proposal per target)."""
    offsets = np.cumsum((0,) + game.n_actions[:-1])
    b_tau = int(u.beta[offsets[tau]])
    FE, WE = u.F[E], u.W[E]
    out = []
    for bp in range(game.n_actions[tau]):
        pcol = int(offsets[tau] + bp)
        if M[pcol] < 1:
            continue
        v = M.copy()
        v[pcol] -= 1
        voters = v > 0
        # contract 1: the deviation penalty alone (no transfers on the path)
        acc = np.all(~voters | (FE >= u.beta), axis=1)
        out.append((np.where(acc, FE[:, pcol], b_tau), np.where(acc, WE, u.w0)))
        # contract 2: plus lump sums giving each voter its default payoff + 1 unit at the target
        lump = (v * (u.beta + 1)).sum() - FE @ v  # per target O*: what the voters receive in total
        acc2 = np.all(~voters[None, None, :] | (FE[None, :, :] - FE[:, None, :] + 1 >= 0), axis=2)
        pay2 = np.where(acc2, FE[None, :, pcol] - lump[:, None], b_tau)
        out.append((pay2, np.where(acc2, WE[None, :], u.w0)))
    return out


def _compact_theorem_check(game: AnonymousGame, *, k: int | None = None, exact_k: bool | None = None,
                          max_branches: int = 5_000_000) -> Any:
    """SPE welfare range of the contracting game over the theorem's rich contract space, by counts.

    What :func:`contract_theory.contracting.protocol.spe.theorem_check` decides, with its defaults
    (every agent proposes in turn, unanimous sequential voting, indifferent voters accept, the
    pessimistic default equilibrium, no cap, lump sums with the automatic surplus 1/(2 N d)); see
    ``docs/background/model.md#5-the-contracting-protocol``.  A proposal (S, a*) matters only
    through the proposer's type and action, the members' counts M and the target outsiders' counts
    O* (outsiders content at M + O*): members then play a*_S (strictly dominant), outsiders any
    content continuation o, each voter accepts iff its payoff is at least its default payoff, and
    the proposer's SPE threshold is :func:`~contract_theory.contracting.protocol.spe.spe_threshold`.
    Needs a default equilibrium that pays every player of a type the same (else
    :class:`~contract_theory.errors.ParameterError`: use the dense check on ``to_dense()``).
    Returns a :class:`~contract_theory.contracting.protocol.spe.ProtocolResult` (``per_proposer``
    holds one entry per type, named by its first player).  Complexity: per composition and
    member counts M, O(|E(M)|^2) for the continuation sets E(M), vectorized.

    Examples
    --------
    >>> from contract_theory.games.compact_library import n_prisoners_dilemma_compact
    >>> r = _compact_theorem_check(n_prisoners_dilemma_compact(4))
    >>> r.every_spe_optimal, r.worst_welfare
    (True, Fraction(8, 1))
    """
    from contract_theory.contracting.protocol.spe import ProposerSPE, ProtocolResult, spe_threshold, spe_welfare_range

    n = game.n_players
    k = n if k is None else k
    check_k(game, k)
    exact = (k == n) if exact_k is None else exact_k
    u = _units(game)
    sizes = [k] if exact else list(range(2, k + 1))
    per: list[Any] = []
    budget = max_branches
    offsets = np.cumsum((0,) + game.n_actions[:-1])
    for tau in range(game.n_types):
        b_tau = int(u.beta[offsets[tau]])
        proposals = [(np.array([b_tau]), np.array([u.w0]))]  # the null proposal: the default
        for s in compositions(game, min(sizes), max(sizes)):
            if sum(s) not in sizes or s[tau] < 1:
                continue
            Os = _dists(game, [x - y for x, y in zip(game.type_counts, s)])
            for M in _dists(game, s):
                idx = u.tables.index(u.tables.code(M) + u.tables.code(Os))
                E = idx[np.all((Os == 0) | u.tables.content[idx], axis=1)]
                if not len(E):  # no target profile has these member counts: no proposal (as the dense space)
                    continue
                budget -= len(E) * (len(E) + 1) * game.n_actions[tau]
                if budget < 0:
                    raise SizeLimitError(f"the compact SPE check exceeds max_branches={max_branches}")
                proposals += _member_proposals(game, u, tau, M, E)
        threshold = int(spe_threshold(proposals))
        low, high = spe_welfare_range(proposals, threshold)
        per.append(ProposerSPE(sum(game.type_counts[:tau]), Fraction(int(low), u.unit), Fraction(int(high), u.unit),
                               None, None, Fraction(threshold, u.unit)))
    worst = min(x.worst_welfare for x in per)
    best = max(x.best_welfare for x in per)
    params = {"k": k, "exact_k": exact, "proposer": "each", "voting": "unanimous", "refinement": "sequential",
              "voter_tie": "accept", "default": "pessimistic"}
    w_star = _compact_optimum(game)[0]
    return ProtocolResult(w_star, worst, best, tuple(per), worst == w_star, params, True, ())
