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

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from contract_theory.contracting.coalitions.normal_form import Outcome, is_symmetric, share
from contract_theory.contracting.coalitions.partial_contracts import check_k, partial_contract_analysis
from contract_theory.contracting.coalitions.rules import Rules
from contract_theory.contracting.modifications.coalition_structures import structure_analysis
from contract_theory.contracting.modifications.membership import RepairOutcome
from contract_theory.contracting.modifications.observing_contracts import observation_comparison
from contract_theory.contracting.modifications.outsider_payments import payments_analysis
from contract_theory.contracting.modifications.recruitment import recruitment_analysis
from contract_theory.contracting.modifications.repairs import REPAIRS, repair_rows
from contract_theory.contracting.modifications.shared import SolverRecord, modification_curve
from contract_theory.contracting.protocol.assumptions import check_assumptions
from contract_theory.equilibria.pure import best_response_masks
from contract_theory.errors import ParameterError, SizeLimitError
from contract_theory.games.normal_form import NormalFormGame

__all__ = ["MODIFICATIONS", "DesignRow", "DesignComparison", "design_comparison", "restores_optimality", "dense_game"]

MODIFICATIONS: tuple[str, ...] = ("payments to outsiders", "observing outsiders", "several contracts",
                                  "recruitment") + REPAIRS


@dataclass(frozen=True)
class DesignRow:
    """One row of the comparison (module docstring); ``assumptions`` maps check id to status."""

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


@dataclass(frozen=True)
class DesignComparison(SolverRecord):
    """The baseline and one row per modification, with W*, K and the parameters."""

    game: NormalFormGame
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


def design_comparison(game: Any, k: int, rules: Rules = Rules(), *, max_lps: int = 20_000) -> DesignComparison:
    """Compute the baseline and every modification's row (module docstring).

    ``rules``: timing, selection and sharing of the baseline and of every modification that has them
    (:class:`~contract_theory.contracting.coalitions.rules.Rules`).

    ``game`` is a normal-form game or a compact game small enough to expand
    (:func:`dense_game`).  Complexity: one partial-contract analysis, the assumption checks, and each
    modification's analysis (payments: one solve per coalition; observing: up to
    2 * prod(m_i) small LPs per coalition, bounded by ``max_lps`` in total; structures:
    restricted Bell(N, K) solves; recruitment: starts x K paths).

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
    game = dense_game(game)
    check_k(game, k)
    timing, selection, sharing = rules.timing, rules.selection, rules.sharing
    a = partial_contract_analysis(game, k, rules)
    base = a.no_contract
    w_star = a.optimum_welfare
    checks = _statuses(check_assumptions(game, k, rules))
    # ---- baseline
    w_k = a.w_k
    best = next((o for s, o in sorted(a.by_k.items()) if o is not None and o.welfare == w_k), None)
    pay = None if best is None else best.payoffs
    signers = set() if best is None else set(best.coalition)
    mg, og = _gains(pay if best is not None else base.payoffs, signers, base)
    stable, repaired = repair_rows(game, k, rules, analysis=a)
    baseline = DesignRow("none", w_k, a.min_k_for_optimum, Fraction(0), mg, og, checks, stable_welfare=stable.welfare)
    rows = []
    # ---- payments to outsiders
    p = payments_analysis(game, k, rules)
    pb = p.best
    st = dict(checks)
    st.update({"A4": "holds", "B1": "holds"})
    if pb is None:
        rows.append(DesignRow(MODIFICATIONS[0], p.curve.w_k, p.curve.min_k_for_optimum, Fraction(0), Fraction(0),
                              Fraction(0), st, ("no coalition beats no contract",)))
    else:
        st["A7"] = _a7(pb.payoffs, set(pb.coalition), base)
        mg, og = _gains(pb.payoffs, set(pb.coalition), base)
        rows.append(DesignRow(MODIFICATIONS[0], p.curve.w_k, p.curve.min_k_for_optimum, pb.cost, mg, og, st,
                              (f"coalition {list(pb.coalition)}, rule {p.rule}",)))
    # ---- observing outsiders (Nash timing)
    rows.append(_observing_row(game, k, rules, base, w_star, max_lps))
    # ---- several contracts
    s = structure_analysis(game, k, rules)
    st = dict(checks)
    sb = s.best
    if sb is None:
        rows.append(DesignRow(MODIFICATIONS[2], None, None, Fraction(0), None, None, st, s.notes))
    else:
        signers = {i for b in sb.structure if len(b) >= 2 for i in b}
        reach = "holds" if any(o.optimum_is_equilibrium for o in s.outcomes.values()) else "fails"
        st.update({"A4": reach, "B1": reach, "A7": _a7(sb.payoffs, signers, base)})
        mg, og = _gains(sb.payoffs, signers, base)
        rows.append(DesignRow(MODIFICATIONS[2], s.curve.w_k, s.curve.min_k_for_optimum, Fraction(0), mg, og, st,
                              (f"structure {[list(b) for b in sb.structure]}; "
                               f"{s.stable_count('open')} open-stable, {s.stable_count('exclusive')} exclusive-stable",)))
    # ---- recruitment
    r = recruitment_analysis(game, k, rules)
    rb = r.best
    st = dict(checks)
    if rb is None:
        rows.append(DesignRow(MODIFICATIONS[3], None, None, Fraction(0), None, None, st, r.notes))
    else:
        st["A7"] = _a7(rb.outcome.payoffs, set(rb.path[-1]), base)
        mg, og = _gains(rb.outcome.payoffs, set(rb.path[-1]), base)
        rows.append(DesignRow(MODIFICATIONS[3], r.curve.w_k, r.curve.min_k_for_optimum, Fraction(0), mg, og, st,
                              (f"from {list(rb.start)} growth stops at size {rb.stop_size} ({rb.stop_reason})",)))
    rows += [_repair_row(r, checks, base) for r in repaired]
    return DesignComparison(game, k, timing, selection, sharing, w_star, base.welfare, baseline, tuple(rows),
                            notes=a.notes, method="one exact solver per modification", payoffs_exact=game.exact,
                            complete=a.complete, parameters={"k": k, "timing": timing, "selection": selection,
                                                             "sharing": sharing, "tie": rules.tie, "max_lps": max_lps})


def _observing_row(game: NormalFormGame, k: int, rules: Rules, base: Outcome, w_star: Fraction,
                   max_lps: int) -> DesignRow:
    """Nash timing with ``observes="all"``: best welfare per size, and whether observing enlarged anything."""
    import itertools

    n = game.n_players
    sym = is_symmetric(game)
    coalitions = [tuple(range(s)) for s in range(2, k + 1)] if sym else [
        S for s in range(2, k + 1) for S in itertools.combinations(range(n), s)]
    br = best_response_masks(game.table)  # one LP per profile where every outsider best-responds, per observation
    needed = sum(2 * int(br[..., [i for i in range(n) if i not in S]].all(axis=-1).sum()) for S in coalitions)
    if needed > max_lps:
        raise SizeLimitError(f"observing outsiders needs {needed} LPs, above max_lps={max_lps}; lower K or raise "
                             "max_lps")
    best: dict[int, Any] = {}
    enlarges = False
    for S in coalitions:
        c = observation_comparison(game, S, selection=rules.selection, max_lps=max_lps)
        enlarges |= c.enlarges
        w = c.welfare["all"]
        if w is not None and (len(S) not in best or w > best[len(S)][0]):
            best[len(S)] = (w, S, c.selected["all"])
    curve = modification_curve({s: v[0] for s, v in best.items()}, base.welfare, w_star, k)
    checks = _statuses(check_assumptions(game, k, rules.replace(timing="nash"), observes="all"))
    top = next((v for s, v in sorted(best.items()) if v[0] == curve.w_k), None)
    note = ("observing outsiders enlarges the reachable set" if enlarges else
            "same enforceable and reachable sets as observing members only (Nash timing)")
    if top is None:
        return DesignRow(MODIFICATIONS[1], curve.w_k, curve.min_k_for_optimum, Fraction(0), Fraction(0),
                         Fraction(0), checks, (note,))
    _, S, prof = top
    pay = share(game.payoff(prof), S, rules.sharing, base.payoffs).payoffs
    checks["A7"] = _a7(pay, set(S), base)
    mg, og = _gains(pay, set(S), base)
    return DesignRow(MODIFICATIONS[1], curve.w_k, curve.min_k_for_optimum, Fraction(0), mg, og, checks,
                     (note, f"coalition {list(S)}"))


def _repair_row(r: Any, checks: dict[str, str], base: Outcome) -> DesignRow:
    """A treaty repair's row: the best stable outcome under it, A7 re-evaluated there, what it gives up."""
    st = dict(checks)
    pay = r.repair.outcome.payoffs
    signers = set() if r.repair.outcome.best is None else set(r.repair.outcome.best)
    if pay is not None and base.payoffs is not None:
        flat = [v for m, o in pay.groups for v, _ in m + o]
        st["A7"] = _a7(flat, signers, base)
    st.update(r.statuses)
    mg, og = (None, None) if r.gains is None else r.gains
    w = r.repair.stable_welfare
    return DesignRow(r.repair.name, w, r.min_k_for_optimum, r.repair.cost, mg, og, st, r.repair.notes, stable_welfare=w,
                     repair=r.repair)


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
            f"{d.baseline.welfare} of W* = {d.optimum_welfare}")
    if d.baseline.min_k_for_optimum is not None:
        return head.replace("reaches", "already reaches") + f" (from k = {d.baseline.min_k_for_optimum})."
    if not rows:
        return head + "; no modification studied restores W* within K."
    parts = ", ".join(f"{r.name} (from k = {r.min_k_for_optimum})" for r in rows)
    return head + f"; W* is restored by {parts}."
