r"""Which contract modification restores optimality when only K < N sign: the comparison table.

One row per modification (``docs/background/modifications.md``), each computed exactly on
the same game, K and parameters:

========================= =====================================================================
``none``                  one rich K-coalition (``docs/background/model.md#4-partial-contracts``)
``payments to outsiders`` :mod:`~contract_theory.contracting.modifications.outsider_payments` (Stackelberg)
``observing outsiders``   :mod:`~contract_theory.contracting.modifications.observing_contracts` (Nash timing,
                          ``observes="all"``)
``several contracts``     :mod:`~contract_theory.contracting.modifications.coalition_structures`
``recruitment``           :mod:`~contract_theory.contracting.modifications.recruitment` (from two members,
                          growth capped at K)
``minimum participation`` :mod:`~contract_theory.contracting.modifications.minimum_participation`
``sanctions on outsiders`` :mod:`~contract_theory.contracting.modifications.sanctions` (to members)
``stabilizing transfers`` :mod:`~contract_theory.contracting.modifications.stabilizing_transfers`
========================= =====================================================================

The last three are the treaty repairs
(:mod:`~contract_theory.contracting.modifications.repairs`): their welfare is that of the best
*stable* outcome under the repair (stability under the ``tie`` rule of ``rules``), their
smallest k the smallest bound at which that outcome reaches W*, and each carries its parameter,
its stable coalitions and whether it stays inside the theorem's class (``repair``); the baseline
row carries the best stable welfare without repair (``stable_welfare``).

Each row gives: the welfare reached, W_K^mod; the smallest k <= K reaching W* (``None``
when W* is out of reach within K); the cost (payments made to outsiders); the members'
and outsiders' gains over the no-contract outcome at the row's outcome (members: the
signatories of the row's contracts; outsiders: everyone else); and the status of the
assumptions the modification bears on.  The baseline's statuses are those of
:func:`contract_theory.contracting.protocol.assumptions.check_assumptions`; a modification
re-evaluates A4 (an arrangement within K makes an optimal profile an equilibrium outcome:
payments always can; several contracts when some structure has an optimal equilibrium),
A7 (no non-signatory loses at the row's outcome) and B1 (outsiders' incentives at the
optimum: bought by payments; for structures the same test as A4) for itself and
keeps the others (``"observing outsiders"`` takes the Nash-timing checks, with A1 observing
everyone).
"""

from __future__ import annotations

import dataclasses
import heapq
import itertools
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from contract_theory.contracting.coalitions.compact import CompactBloc, _composition_of
from contract_theory.contracting.coalitions.normal_form import Outcome, invariant_outcome, share
from contract_theory.contracting.coalitions.partial_contracts import check_k, partial_contract_analysis, partial_contract_study
from contract_theory.contracting.coalitions.rules import Rules
from contract_theory.contracting.modifications.coalition_structures import structure_analysis
from contract_theory.contracting.modifications.design_diagnosis import Diagnosis, Reason, blocks_diagnosis
from contract_theory.contracting.modifications.membership import RepairOutcome
from contract_theory.contracting.modifications.observing_contracts import observation_comparison
from contract_theory.contracting.modifications.outsider_payments import PaymentTerms, cheapest_payments, payments_analysis
from contract_theory.contracting.modifications.recruitment import Admission, recruitment_analysis
from contract_theory.contracting.modifications.repairs import REPAIRS, repair_rows
from contract_theory.contracting.modifications.shared import SolverRecord, is_compact, profile_payoffs
from contract_theory.contracting.protocol.assumptions import check_assumptions
from contract_theory.equilibria.welfare import optimum
from contract_theory.errors import ParameterError, SizeLimitError
from contract_theory.exact.numbers import fmt
from contract_theory.games.normal_form import NormalFormGame, Profile

__all__ = ["MODIFICATIONS", "DesignRow", "DesignComparison", "design_comparison", "restores_optimality", "dense_game"]

MODIFICATIONS: tuple[str, ...] = ("payments to outsiders", "observing outsiders", "several contracts",
                                  "recruitment") + REPAIRS


@dataclass(frozen=True)
class DesignRow:
    """One row of the comparison (module docstring); ``assumptions`` maps check id to status.

    ``status``: ``"computed"``, or ``"not computed"`` when the modification is over a budget
    (``limit`` then holds ``size``, ``limit``, ``flag`` and the ``message``).  ``convention``:
    ``None`` when the row is computed under the command's rules, else the timing it exists
    under (``"nash"``: observing outsiders; ``"stackelberg"``: payments to outsiders), and
    ``reference_welfare`` is "none" (one plain contract) under that timing.  ``tie_dependent``:
    the opposite resolution of ``tie`` (a named tie the row rests on) gives ``tie_welfare``
    instead.  ``cost_attained``: ``False`` when the cost is an infimum (payments under
    pessimistic selection: every paid or indifferent outsider must be paid strictly more).
    ``coalition`` / ``structure``: the row's contract(s), player indices.  ``diagnosis``:
    ``Diagnosis`` (``contract_theory.contracting.modifications.design_diagnosis``).
    """

    name: str
    welfare: Fraction | None
    min_k_for_optimum: int | None
    cost: Fraction
    members_gain: Fraction | None
    outsiders_gain: Fraction | None
    assumptions: dict[str, str]
    notes: tuple[str, ...] = field(default=())
    stable_welfare: Fraction | None = None
    repair: RepairOutcome | None = None
    status: str = "computed"
    limit: dict[str, Any] | None = None
    convention: str | None = None
    reference_welfare: Fraction | None = None
    tie_dependent: bool = False
    tie: str | None = None
    tie_welfare: Fraction | None = None
    cost_attained: bool = True
    coalition: tuple[int, ...] | None = None
    structure: tuple[tuple[int, ...], ...] | None = None
    diagnosis: Diagnosis | None = None


@dataclass(frozen=True)
class DesignComparison(SolverRecord):
    """The baseline and one row per modification, with W*, K and the parameters."""

    game: Any
    k: int
    timing: str
    selection: str
    sharing: str
    optimum_welfare: Fraction
    no_contract_welfare: Fraction | None
    baseline: DesignRow
    modifications: tuple[DesignRow, ...]


def dense_game(game: Any) -> NormalFormGame:
    """The dense normal-form game the modifications are computed on.

    A :class:`~contract_theory.games.normal_form.NormalFormGame` is returned as is; a compact
    game (anything with a ``to_dense()`` method, e.g. anonymous or aggregative games) is
    expanded, which raises the compact class's size error when its dense table is too large;
    anything else (a Markov game) is a :class:`~contract_theory.errors.ParameterError`.

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> dense_game(prisoners_dilemma()).shape
    (2, 2)
    """
    if isinstance(game, NormalFormGame):
        return game
    if callable(getattr(game, "to_dense", None)):
        dense = game.to_dense()
        if isinstance(dense, NormalFormGame):
            return dense
    raise ParameterError(f"the contract modifications are defined on normal-form games, got a {type(game).__name__} "
                         "(Markov games: use `analyze`)")


def _gains(payoffs: Sequence[Fraction] | None, signers: set[int], base: Outcome) -> tuple[Fraction | None, ...]:
    if payoffs is None or base.payoffs is None:
        return None, None
    mem = sum((payoffs[i] - base.payoffs[i] for i in signers), Fraction(0))
    out = sum((payoffs[i] - base.payoffs[i] for i in range(len(payoffs)) if i not in signers), Fraction(0))
    return mem, out


def _a7(payoffs: Sequence[Fraction] | None, signers: set[int], base: Outcome) -> str:
    if payoffs is None or base.payoffs is None:
        return "not applicable"
    ok = all(payoffs[i] >= base.payoffs[i] for i in range(len(payoffs)) if i not in signers)
    return "holds" if ok else "fails"


def _statuses(checks: Sequence[Any]) -> dict[str, str]:
    return {c.id: c.status for c in checks}


@dataclass(frozen=True)
class _Context:
    """What every row needs: the game, K, the command's rules, W*, its profiles, the baseline."""

    game: Any
    k: int
    rules: Rules
    w_star: Fraction
    optima: tuple[Profile, ...]
    base: Outcome
    checks: dict[str, str]
    plain: dict[str, Any]   # timing -> partial-contract analysis under the command's rules with that timing

    def plain_best(self, timing: str) -> Any:
        a = self.plain[timing]
        return next((o for _, o in sorted(a.by_k.items()) if o is not None and o.welfare == a.w_k), None)


#: The budget flag of each modification's size limit (the CLI option that raises it).
_FLAGS = {"several contracts": "--max-structures"}
#: The flag of a compact game's budget, by the budget's name in the message.
_BUDGET_FLAGS = {"max_pairs": "--max-pairs", "max_structures": "--max-structures"}


def _not_computed(name: str, err: Exception, checks: dict[str, str], game: Any = None) -> DesignRow:
    """A row refused by its own budget: the message (size and limit) and the flag that raises the limit.

    A compact game's row that would need the game's dense form gives that form's size (profiles x
    players, in cells) against the cell budget and ``--max-entries``."""
    if game is not None and is_compact(game) and "dense form" in str(err):
        from contract_theory.games.size import max_entries
        limit = {"message": str(err), "size": game.n_profiles * game.n_players, "limit": max_entries(),
                 "flag": "--max-entries"}
        return DesignRow(name, None, None, Fraction(0), None, None, dict(checks), status="not computed", limit=limit)
    nums = [int(x) for x in re.findall(r"(?<![\w/])(\d+)(?![\w/])", str(err).replace(",", ""))]
    named = re.search(r"max_\w+=([\d,]+)", str(err))   # the budget as the message names it
    most = int(named.group(1).replace(",", "")) if named else nums[1] if len(nums) > 1 else None
    limit = {"message": str(err), "size": nums[0] if nums else None, "limit": most,
             "flag": next((f for b, f in _BUDGET_FLAGS.items() if f"{b}=" in str(err)), _FLAGS.get(name))}
    return DesignRow(name, None, None, Fraction(0), None, None, dict(checks), status="not computed", limit=limit)


def _guarded(name: str, ctx: _Context, build: Callable[[], DesignRow]) -> DesignRow:
    """``build()``, or a "not computed" row when it is over a budget (or, in a compact game, computed by
    counts only where this one is not: the message says why)."""
    try:
        return build()
    except SizeLimitError as err:
        return _not_computed(name, err, ctx.checks, ctx.game)
    except ParameterError as err:
        if not is_compact(ctx.game):
            raise
        return _not_computed(name, err, ctx.checks, ctx.game)


def _not_binding(ctx: _Context, why: str) -> tuple[tuple[str, str], ...]:
    return tuple((i, why if i in ("A4", "B1") else "optimum reached under the command's rules")
                 for i, st in sorted(ctx.checks.items()) if st == "fails")


def _plain_diagnosis(ctx: _Context, outcome: Any, welfare: Fraction | None) -> Diagnosis:
    """One coalition against singletons (none, observing outsiders, recruitment's final coalition)."""
    if welfare is not None and welfare == ctx.w_star:
        return Diagnosis(True, (), _not_binding(ctx, "the optimum is reached"))
    if outcome is None or outcome.payoffs is None:
        return Diagnosis(False, (Reason("undefined"),))
    S = tuple(outcome.coalition)
    blocks = [S] + [(i,) for i in range(ctx.game.n_players) if i not in S]
    return Diagnosis(False, blocks_diagnosis(ctx.game, blocks, ctx.optima, S, outcome.bloc_value))


def _baseline_row(ctx: _Context, stable: Any) -> DesignRow:
    a = ctx.plain[ctx.rules.timing]
    best = ctx.plain_best(ctx.rules.timing)
    signers = set() if best is None else set(best.coalition)
    mg, og = _gains(ctx.base.payoffs if best is None else best.payoffs, signers, ctx.base)
    return DesignRow("none", a.w_k, a.min_k_for_optimum, Fraction(0), mg, og, dict(ctx.checks),
                     stable_welfare=None if stable is None else stable.welfare,
                     coalition=None if best is None else tuple(best.coalition),
                     diagnosis=_plain_diagnosis(ctx, best, a.w_k))


def design_comparison(game: Any, k: int, rules: Rules = Rules()) -> DesignComparison:
    """Compute the baseline and every modification's row (module docstring).

    ``rules``: timing, selection, sharing and tie of the baseline and of every modification
    (:class:`~contract_theory.contracting.coalitions.rules.Rules`); a modification that exists
    under one timing only is computed there and compared with "none" under that timing.

    ``game`` is a normal-form game or a compact game small enough to expand
    (:func:`dense_game`).  A modification over its budget (``rules.budgets.max_structures``,
    ``max_pairs``) becomes a row with ``status="not computed"``; the others are still answered.
    Complexity: two partial-contract analyses (both timings), the assumption checks, and each
    modification's analysis twice (under the tie it rests on and the opposite one; payments:
    one solve per coalition; observing: the enforceability closed form, O(|S| n prod(m_i)) exact
    integer operations per coalition (:func:`enforceable_profiles`); structures: by composition in symmetric games, else restricted
    Bell(N, K) solves; recruitment: starts x K paths).

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> d = design_comparison(public_goods(5, 2, 20), 3)
    >>> [(r.name, str(r.welfare), r.min_k_for_optimum, str(r.cost)) for r in (d.baseline,) + d.modifications]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('none', '160', None, '0'), ('payments to outsiders', '200', 3, '24'), ('observing outsiders', '160', None, '0'),
     ('several contracts', '160', None, '0'), ('recruitment', '160', None, '0'), ('minimum participation', '160', None, '0'),
     ('sanctions on outsiders', '160', None, '0'), ('stabilizing transfers', '160', None, '0')]
    """
    compact = is_compact(game)
    game = game if compact else dense_game(game)
    check_k(game, k)
    other = "nash" if rules.timing == "stackelberg" else "stackelberg"
    a = _plain_study(game, k, rules)
    plain = {rules.timing: a, other: _plain_study(game, k, rules.replace(timing=other))}
    optima = _compact_optima(game, a.optimum_profiles) if compact else optimum(game)[1]
    ctx = _Context(game, k, rules, a.optimum_welfare, optima, a.no_contract, _checks(game, k, rules, a), plain)
    try:
        stable, repaired = repair_rows(game, k, rules, analysis=a)
    except SizeLimitError as err:   # solved per player (a type's players treated differently), over budget
        stable, repaired, refused = None, [], [_not_computed(name, err, ctx.checks, game) for name in REPAIRS]
    else:
        refused = []
    rows = [_guarded(MODIFICATIONS[0], ctx, lambda: _payments_row(ctx)),
            _guarded(MODIFICATIONS[1], ctx, lambda: _observing_row(ctx)),
            _guarded(MODIFICATIONS[2], ctx, lambda: _structures_row(ctx)),
            _guarded(MODIFICATIONS[3], ctx, lambda: _recruitment_row(ctx))]
    rows += _repair_rows(ctx, repaired) + refused
    return DesignComparison(game, k, rules.timing, rules.selection, rules.sharing, ctx.w_star, ctx.base.welfare,
                            _baseline_row(ctx, stable), tuple(rows), notes=a.notes,
                            method="one exact solver per modification" + (", by composition" if compact else ""),
                            payoffs_exact=getattr(game, "exact", True),
                            complete=a.complete, parameters={"k": k, "timing": rules.timing,
                                                             "selection": rules.selection, "sharing": rules.sharing,
                                                             "tie": rules.tie})


def _arrangements(row: Sequence[int]) -> Iterator[tuple[int, ...]]:
    """Every distinct sequence of actions with the counts ``row`` (action b ``row[b]`` times), in
    lexicographic order (next permutation, O(length) each, no recursion)."""
    seq = [b for b, k in enumerate(row) for _ in range(k)]
    while True:
        yield tuple(seq)
        i = len(seq) - 2
        while i >= 0 and seq[i] >= seq[i + 1]:
            i -= 1
        if i < 0:
            return
        j = len(seq) - 1
        while seq[j] <= seq[i]:
            j -= 1
        seq[i], seq[j] = seq[j], seq[i]
        seq[i + 1:] = reversed(seq[i + 1:])


def _compact_optima(game: Any, counts: Sequence[Any], limit: int = 64) -> tuple[Profile, ...]:
    """The first ``limit`` optimal dense profiles of a compact game in lexicographic order (as the dense
    game lists them): every arrangement of each optimal count matrix, players type by type, merged."""
    def profiles(c: Any, t: int = 0) -> Iterator[tuple[int, ...]]:
        if t == len(c):
            yield ()
            return
        for part in _arrangements(c[t]):
            for rest in profiles(c, t + 1):
                yield part + rest
    return tuple(itertools.islice(heapq.merge(*(profiles(c) for c in counts)), limit))


def _plain_study(game: Any, k: int, rules: Rules) -> Any:
    """One plain contract within K under ``rules``: the one coalition engine, dense or compact adapter."""
    if is_compact(game):
        return partial_contract_study(CompactBloc(game, max_pairs=rules.budgets.max_pairs), k, rules)
    return partial_contract_analysis(game, k, rules)


def _checks(game: Any, k: int, rules: Rules, study: Any = None, **space: Any) -> dict[str, str]:
    """The assumption statuses: dense checks, or the compact ones by composition (reusing ``study`` when it is
    the one they read: ``rules``' timing and selection, equal sharing, the ``"inside"`` tie)."""
    if is_compact(game):
        from contract_theory.contracting.protocol.compact_checks import _compact_assumptions
        reuse = study is not None and (study.timing, study.selection, study.sharing, study.tie) == (
            rules.timing, rules.selection, "equal", "inside")
        return _statuses(_compact_assumptions(game, k, rules, analysis=study if reuse else None, **space))
    return _statuses(check_assumptions(game, k, rules, **space))


def _epsilon(game: Any) -> Fraction:
    """A margin below every payoff difference's unit divided by N + 1: the limit of strict offers as margin -> 0+."""
    return Fraction(1, _denominator(game) * (game.n_players + 1))


def _denominator(game: Any) -> int:
    """A common denominator of the payoffs: a dense game's; a compact game's count tables', or for a linear
    aggregative game (u = alpha_t X + h_t(x), X = sum w_t x) a multiple of every payoff's denominator,
    lcm(alpha) * lcm(w_t x) * lcm(h) -- all a margin below one unit needs."""
    if not is_compact(game):
        return int(game.denominator)
    from contract_theory.equilibria.compact import count_tables, linear_game

    lin = linear_game(game)
    if lin is not None and lin.linear is not None:
        alpha, h = lin.linear
        dens = [math.lcm(*(Fraction(x).denominator for x in xs)) for xs in (
            alpha, [w * v for w, vals in zip(lin.weights, lin.values) for v in vals], [v for row in h for v in row])]
        return math.prod(dens)
    return int(count_tables(game).denominator)


def _paid_figures(ctx: _Context, S: tuple[int, ...], target: Profile, rule: str) -> tuple[Any, ...]:
    """Cost, final payoffs and gains at ``target`` with the cheapest weak offer (the infimum of strict ones)."""
    offer = cheapest_payments(ctx.game, S, target, PaymentTerms(rule), baseline=ctx.base)
    assert offer.cost is not None
    raw = list(profile_payoffs(ctx.game, target))
    net = [raw[i] + offer.payments[i][target[i]] if i in offer.payments else raw[i] - offer.cost / len(S)
           for i in range(ctx.game.n_players)]
    pay = share(net, S, ctx.rules.sharing, ctx.base.payoffs).payoffs
    return offer.cost, pay, offer.members_value


def _payments_row(ctx: _Context) -> DesignRow:
    """Stackelberg timing; indifferent outsiders follow ``selection`` (module docstring)."""
    rules = ctx.rules.replace(timing="stackelberg")
    comply = payments_analysis(ctx.game, ctx.k, rules, terms=PaymentTerms(indifferent="comply"))
    strict = payments_analysis(ctx.game, ctx.k, rules,
                               terms=PaymentTerms(indifferent="defect", margin=_epsilon(ctx.game)))
    pess = ctx.rules.selection == "pessimistic"
    used, opposite = (strict, comply) if pess else (comply, strict)
    convention = None if ctx.rules.timing == "stackelberg" else "stackelberg"
    ref = None if convention is None else ctx.plain["stackelberg"].w_k
    tie_dep = used.curve.w_k != opposite.curve.w_k
    tie = ("indifferent outsiders comply" if pess else "indifferent outsiders defect") if tie_dep else None
    tie_welfare = opposite.curve.w_k
    pb = used.best
    if not tie_dep and pb is not None and pb.paid and _infimum_cost(ctx, pb, used.rule) == 0:
        # a gain at cost 0 rests on indifferent outsiders: unpaid, they need not comply
        tie_dep, tie = True, "indifferent outsiders left unpaid (they then need not comply)"
        tie_welfare = ctx.plain["stackelberg"].w_k
    common: dict[str, Any] = {"convention": convention, "reference_welfare": ref, "tie_dependent": tie_dep, "tie": tie,
              "tie_welfare": tie_welfare if tie_dep else None}
    st = dict(ctx.checks)
    st.update({"A4": "holds", "B1": "holds"})
    if pb is None or pb.profile is None:
        return DesignRow(MODIFICATIONS[0], used.curve.w_k, used.curve.min_k_for_optimum, Fraction(0), Fraction(0),
                         Fraction(0), st, diagnosis=Diagnosis(False, (Reason("undefined"),)), **common)
    S = tuple(pb.coalition)
    if pb.paid and pb.offer is not None:
        cost, pay, value = _paid_figures(ctx, S, pb.profile, used.rule)
    else:
        cost, pay, value = Fraction(0), pb.payoffs, pb.members_value
    attained = not (pess and pb.paid)
    st["A7"] = _a7(pay, set(S), ctx.base)
    mg, og = _gains(pay, set(S), ctx.base)
    diag = _payments_diagnosis(ctx, S, used.rule, value, used.curve.w_k)
    return DesignRow(MODIFICATIONS[0], used.curve.w_k, used.curve.min_k_for_optimum, cost, mg, og, st,
                     (f"rule {used.rule}",), cost_attained=attained, coalition=S, diagnosis=diag, **common)


def _infimum_cost(ctx: _Context, pb: Any, rule: str) -> Fraction:
    if pb.profile is None:
        return Fraction(0)
    return _paid_figures(ctx, tuple(pb.coalition), pb.profile, rule)[0]


def _payments_diagnosis(ctx: _Context, S: tuple[int, ...], rule: str, value: Fraction | None,
                        welfare: Fraction | None) -> Diagnosis:
    """Below W*: the members' own block does not best-respond at a*, or buying a* costs more than it gains."""
    if welfare is not None and welfare == ctx.w_star:
        return Diagnosis(True, (), _not_binding(ctx, "payments buy the outsiders' best response"))
    own = blocks_diagnosis(ctx.game, [S], ctx.optima)
    if own and own[0].code == "members":
        return Diagnosis(False, own)
    prof = ctx.optima[0] if not own else own[0].profile
    assert prof is not None
    offer = cheapest_payments(ctx.game, S, prof, PaymentTerms(rule), baseline=ctx.base)
    at_opt = offer.members_value
    return Diagnosis(False, (Reason("budget", prof, S, (), at_opt, value, {"cost": offer.cost}),))


def _observing_row(ctx: _Context) -> DesignRow:
    """Nash timing with ``observes="all"``; the same as "none" under Nash timing unless observing enlarges a set."""
    game, k, rules = ctx.game, ctx.k, ctx.rules.replace(timing="nash")
    if is_compact(game):
        return _observing_result(ctx, _checks(game, k, rules, ctx.plain["nash"], observes="all"),
                                 "one-shot game: observing outsiders enlarges neither the enforceable nor the reachable "
                                 "set (docs/background/modifications.md#contracts-observing-outsiders); by composition: none "
                                 "under Nash timing, not re-solved by LP")
    n = game.n_players
    sym = invariant_outcome(game, ctx.base)
    coalitions = [tuple(range(s)) for s in range(2, k + 1)] if sym else [
        S for s in range(2, k + 1) for S in itertools.combinations(range(n), s)]
    enlarges = any(observation_comparison(game, S, selection=rules.selection).enlarges
                   for S in coalitions)
    checks = _checks(game, k, rules, observes="all")
    note = ("observing outsiders enlarges the reachable set" if enlarges else
            "same enforceable and reachable sets as observing members only (Nash timing)")
    if enlarges:  # pragma: no cover - impossible in a one-shot game (observing_contracts module docstring)
        raise RuntimeError("observing outsiders enlarged a one-shot game's reachable set; the design row assumes not")
    return _observing_result(ctx, checks, note)


def _observing_result(ctx: _Context, checks: dict[str, str], note: str) -> DesignRow:
    """The observing row: "none" under Nash timing, with the Nash-timing checks observing everyone."""
    convention = None if ctx.rules.timing == "nash" else "nash"
    a = ctx.plain["nash"]
    best = ctx.plain_best("nash")
    signers = set() if best is None else set(best.coalition)
    pay = ctx.base.payoffs if best is None else best.payoffs
    checks["A7"] = _a7(pay, signers, ctx.base)
    mg, og = _gains(pay, signers, ctx.base)
    return DesignRow(MODIFICATIONS[1], a.w_k, a.min_k_for_optimum, Fraction(0), mg, og, checks, (note,),
                     convention=convention, reference_welfare=None if convention is None else a.w_k,
                     coalition=None if best is None else tuple(best.coalition),
                     diagnosis=_plain_diagnosis(ctx, best, a.w_k))


def _structures_row(ctx: _Context) -> DesignRow:
    s = structure_analysis(ctx.game, ctx.k, ctx.rules)
    st = dict(ctx.checks)
    sb = s.best
    if sb is None:
        return DesignRow(MODIFICATIONS[2], None, None, Fraction(0), None, None, st, s.notes,
                         diagnosis=Diagnosis(False, (Reason("undefined"),)))
    signers = {i for b in sb.structure if len(b) >= 2 for i in b}
    reach = "holds" if any(o.optimum_is_equilibrium for o in s.outcomes.values()) else "fails"
    st.update({"A4": reach, "B1": reach, "A7": _a7(sb.payoffs, signers, ctx.base)})
    mg, og = _gains(sb.payoffs, signers, ctx.base)
    structure = tuple(tuple(b) for b in sb.structure)
    stab = s.stability.get(sb.structure)
    open_stable = None if stab is None else getattr(stab, "open_stable", None)
    if s.curve.w_k == ctx.w_star:
        diag = Diagnosis(True, (), _not_binding(ctx, "every block best-responds at the optimum"))
    else:
        reasons = blocks_diagnosis(ctx.game, structure, ctx.optima)
        diag = Diagnosis(False, reasons or (Reason("selection", ctx.optima[0]),))
    note = (f"{s.stable_count('open')} open-stable, {s.stable_count('exclusive')} exclusive-stable structures",)
    row = DesignRow(MODIFICATIONS[2], s.curve.w_k, s.curve.min_k_for_optimum, Fraction(0), mg, og, st, note,
                    structure=structure, diagnosis=diag)
    if open_stable is False:
        row = dataclasses.replace(row, notes=row.notes + ("the best structure is not open-stable",))
    return row


def _recruitment_row(ctx: _Context) -> DesignRow:
    r = recruitment_analysis(ctx.game, ctx.k, ctx.rules)
    flipped = recruitment_analysis(ctx.game, ctx.k, ctx.rules, admission=Admission(incumbent_tie="weak",
                                                                                  recruit_tie="strict"))
    tie_dep = r.curve.w_k != flipped.curve.w_k
    common: dict[str, Any] = {"tie_dependent": tie_dep, "tie": "indifferent incumbents recruit, indifferent recruits stay out"
              if tie_dep else None, "tie_welfare": flipped.curve.w_k if tie_dep else None}
    rb = r.best
    st = dict(ctx.checks)
    if rb is None:
        return DesignRow(MODIFICATIONS[3], None, None, Fraction(0), None, None, st, r.notes,
                         diagnosis=Diagnosis(False, (Reason("undefined"),)), **common)
    final = tuple(rb.path[-1])
    st["A7"] = _a7(rb.outcome.payoffs, set(final), ctx.base)
    mg, og = _gains(rb.outcome.payoffs, set(final), ctx.base)
    diag = _plain_diagnosis(ctx, rb.outcome, r.curve.w_k)
    if not diag.reaches_optimum:
        stop = Reason("recruitment stops", None, final, (), None, None,
                      {"start": tuple(rb.start), "stop_reason": rb.stop_reason, "rejected": tuple(rb.rejected)})
        diag = Diagnosis(False, (stop,) + diag.reasons)
    return DesignRow(MODIFICATIONS[3], r.curve.w_k, r.curve.min_k_for_optimum, Fraction(0), mg, og, st,
                     coalition=final, diagnosis=diag, **common)


_OPPOSITE_TIE = {"inside": "outside", "outside": "inside", "both-weak": "both-strict", "both-strict": "both-weak"}


def _repair_rows(ctx: _Context, repaired: Sequence[Any]) -> list[DesignRow]:
    """The treaty repairs' rows, each with its welfare under the opposite stability tie."""
    if not repaired:
        return []
    tie = _OPPOSITE_TIE[ctx.rules.tie]
    _, flipped = repair_rows(ctx.game, ctx.k, ctx.rules.replace(tie=tie))
    other = {r.repair.name: r.repair.stable_welfare for r in flipped}
    return [_repair_row(ctx, r, tie, other.get(r.repair.name)) for r in repaired]


def _repair_row(ctx: _Context, r: Any, tie: str, tie_welfare: Fraction | None) -> DesignRow:
    """A treaty repair's row: the best stable outcome under it, A7 re-evaluated there, what it gives up."""
    base = ctx.base
    st = dict(ctx.checks)
    pay = r.repair.outcome.payoffs
    key = r.repair.outcome.best
    best = None if key is None else r.repair.table.players(key)
    signers = set() if best is None else set(best)
    if pay is not None and base.payoffs is not None:
        flat = [v for m, o in pay.groups for v, c in m + o for _ in range(c)]   # players in index order
        st["A7"] = _a7(flat, signers, base)
    st.update(r.statuses)
    mg, og = (None, None) if r.gains is None else r.gains
    w = r.repair.stable_welfare
    tie_dep = tie_welfare != w
    coalition = None if best is None else tuple(best)
    notes = tuple(r.repair.notes)
    return DesignRow(r.repair.name, w, r.min_k_for_optimum, r.repair.cost, mg, og, st, notes,
                     stable_welfare=w, repair=r.repair, tie_dependent=tie_dep,
                     tie=f"tie={tie}" if tie_dep else None, tie_welfare=tie_welfare if tie_dep else None,
                     coalition=coalition, diagnosis=_repair_diagnosis(ctx, best, w))


def _repair_diagnosis(ctx: _Context, stable: tuple[int, ...] | None, welfare: Fraction | None) -> Diagnosis:
    """Below W*: the best coalition within K is not stable under the repair, or the stable one's own reasons.
    ``stable``: the repair's best stable coalition, as players (a compact game's outcome is its composition's)."""
    if welfare is not None and welfare == ctx.w_star:
        return Diagnosis(True, (), _not_binding(ctx, "the optimum is reached"))
    a = ctx.plain[ctx.rules.timing]
    best = ctx.plain_best(ctx.rules.timing)
    reasons: list[Reason] = []
    if best is not None and best.welfare is not None and (welfare is None or best.welfare > welfare):
        reasons.append(Reason("not stable", None, tuple(best.coalition), (), best.welfare, welfare,
                              {"stable": stable}))
    key = None if stable is None else _composition_of(ctx.game, stable) if is_compact(ctx.game) else stable
    chosen = a.outcomes.get(key) if key is not None else None
    if chosen is not None and chosen.payoffs is not None and stable is not None:  # on its own players, not canonical
        blocks = [stable] + [(i,) for i in range(ctx.game.n_players) if i not in stable]
        reasons += blocks_diagnosis(ctx.game, blocks, ctx.optima, stable, chosen.bloc_value)
    elif chosen is not None:
        reasons += _plain_diagnosis(ctx, chosen, welfare).reasons
    else:
        blocks = [(i,) for i in range(ctx.game.n_players)]
        reasons += blocks_diagnosis(ctx.game, blocks, ctx.optima)
    return Diagnosis(False, tuple(reasons))


def restores_optimality(d: DesignComparison) -> str:
    """One sentence: which modifications reach W* within K, and with which smallest k.

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> restores_optimality(design_comparison(public_goods(5, 2, 20), 3))
    'With K = 3 < N = 5 one contract reaches 160 of W* = 200; W* is restored by payments to outsiders (from k = 3).'
    """
    n = d.game.n_players
    rows = [r for r in d.modifications if r.min_k_for_optimum is not None]
    head = (f"With K = {d.k}{' < N = ' + str(n) if d.k < n else ' = N'} one contract reaches "
            f"{fmt(d.baseline.welfare) if d.baseline.welfare is not None else 'nothing defined'} of "
            f"W* = {fmt(d.optimum_welfare)}")
    if d.baseline.min_k_for_optimum is not None:
        return head.replace("reaches", "already reaches") + f" (from k = {d.baseline.min_k_for_optimum})."
    if not rows:
        return head + "; no modification studied restores W* within K."

    def qualify(r: DesignRow) -> str:
        extra = [] if r.convention is None else [f"; under {r.convention} timing"]
        return "".join(extra + (["; resting on a tie"] if r.tie_dependent else []))

    parts = ", ".join(f"{r.name} (from k = {r.min_k_for_optimum}{qualify(r)})" for r in rows)
    return head + f"; W* is restored by {parts}."
