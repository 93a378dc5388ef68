r"""The treaty repairs side by side: stable coalitions under each, and the cheapest that reaches W*.

See ``docs/background/modifications.md#repairs-that-change-the-treaty``.  For one game, K and
:class:`~contract_theory.contracting.coalitions.rules.Rules`, :func:`repair_comparison` runs the
three repairs on one :class:`~contract_theory.contracting.modifications.membership.CoalitionTable`
(one K-coalition study, dense or by composition):

* ``minimum participation`` (:mod:`.minimum_participation`) at the threshold the tool finds;
* ``sanctions on outsiders`` (:mod:`.sanctions`) at the smallest penalty reaching its best
  stable outcome;
* ``stabilizing transfers`` (:mod:`.stabilizing_transfers`).

:func:`stable_view` turns it into one table: every coalition (composition) stable under no repair
or under one of the repairs, with its welfare in each column where it is stable, and the best
stable outcome of each column.  :func:`cheapest_repair` names the repair whose best stable outcome
reaches W* with the fewest signatures, then at the lowest cost (what changes hands in that
outcome), then inside the theorem's class before outside it, then in the order above -- as data
for the report's answers.  :func:`repair_min_k` is the smallest coalition bound k <= K at which a
repair's best stable outcome reaches W* (the parameter re-chosen for each k).

Complexity: the K-coalition study once, then each repair's (O(groups) look-ups per coalition; the
threshold's also O(#coalitions) per m).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from contract_theory.contracting.coalitions.rules import Rules
from contract_theory.contracting.modifications.membership import (
    CoalitionTable,
    Destination,
    Key,
    RepairOutcome,
    StableOutcomes,
    coalition_table,
    gains,
    repaired_payoffs,
)
from contract_theory.contracting.modifications.minimum_participation import minimum_participation_analysis
from contract_theory.contracting.modifications.sanctions import sanctions_analysis
from contract_theory.contracting.modifications.shared import SolverRecord
from contract_theory.contracting.modifications.stabilizing_transfers import transfers_analysis

__all__ = ["REPAIRS", "NO_REPAIR", "RepairComparison", "repair_comparison", "StableViewRow", "StableView",
           "stable_view", "CheapestRepair", "cheapest_repair", "cheapest_repair_of", "repair_min_k", "REPAIR_FUNCTIONS", "RepairRow",
           "repair_rows"]

#: The repairs, in table order (their ``design`` row names).
REPAIRS: tuple[str, ...] = ("minimum participation", "sanctions on outsiders", "stabilizing transfers")
#: The stable view's column without a repair.
NO_REPAIR = "no repair"

#: Repair name -> its analysis ``(game, k, rules, analysis=...)``.
REPAIR_FUNCTIONS: dict[str, Callable[..., RepairOutcome]] = {
    "minimum participation": minimum_participation_analysis,
    "sanctions on outsiders": sanctions_analysis,
    "stabilizing transfers": transfers_analysis,
}


@dataclass(frozen=True, kw_only=True)
class RepairComparison(SolverRecord):
    """The three repairs on one table: ``baseline`` (stable outcomes without repair) and ``repairs``
    (one :class:`~contract_theory.contracting.modifications.membership.RepairOutcome` each, in
    :data:`REPAIRS` order)."""

    title: str
    n_players: int
    k: int
    kind: str
    optimum_welfare: Fraction
    no_contract_welfare: Fraction | None
    table: CoalitionTable = field(repr=False, compare=False)
    baseline: StableOutcomes
    repairs: tuple[RepairOutcome, ...]

    def repair(self, name: str) -> RepairOutcome:
        """The repair named ``name`` (one of :data:`REPAIRS`)."""
        return next(r for r in self.repairs if r.name == name)


def repair_comparison(game: Any, k: int, rules: Rules = Rules(), *, destination: Destination = "members",
                      analysis: Any = None) -> RepairComparison:
    """Run the three repairs on ``game`` with coalitions of at most ``k`` (module docstring).

    ``destination``: where sanctions go; ``analysis``: a K-coalition study or table to reuse.

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> c = repair_comparison(public_goods(4, "8/5", 20), 4)
    >>> [(r.name, str(r.parameter), str(r.stable_welfare)) for r in c.repairs[:2]], str(c.baseline.welfare)
    ([('minimum participation', '4', '128'), ('sanctions on outsiders', '12', '128')], '116')
    """
    table = coalition_table(game, k, rules, analysis=analysis)
    repairs = (minimum_participation_analysis(game, k, rules, analysis=table),
               sanctions_analysis(game, k, rules, destination=destination, analysis=table),
               transfers_analysis(game, k, rules, analysis=table))
    first = repairs[0]
    return RepairComparison(
        title=str(getattr(game, "title", "") or "game"), n_players=table.n_players, k=k, kind=table.kind,
        optimum_welfare=table.optimum_welfare, no_contract_welfare=table.no_contract_welfare, table=table,
        baseline=first.baseline, repairs=repairs, method="three repairs on one coalition table",
        payoffs_exact=first.payoffs_exact, complete=all(r.complete for r in repairs),
        parameters={"k": k, **rules.as_dict(), "destination": destination},
        notes=tuple(dict.fromkeys(n for r in repairs for n in r.notes)))


def repair_min_k(game: Any, k: int, rules: Rules, name: str, *, analysis: Any = None,
                 **options: Any) -> int | None:
    """The smallest coalition bound k' <= ``k`` at which repair ``name``'s best stable outcome reaches W*
    (its parameter re-chosen for each k'); ``None`` when it does not within ``k``.

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> repair_min_k(public_goods(4, "8/5", 20), 4, Rules(), "minimum participation")
    4
    """
    table = coalition_table(game, k, rules, analysis=analysis)
    for kk in range(2, k + 1):
        if REPAIR_FUNCTIONS[name](game, kk, rules, analysis=table.restricted(kk), **options).reaches_optimum:
            return kk
    return None


# ---------------------------------------------------------------------------- the stable view
@dataclass(frozen=True)
class StableViewRow:
    """One coalition of the stable view: its key (players, or members per type), canonical
    ``players``, ``size``, its welfare in every column where it is stable (``welfare``, by column
    name) and the columns where it is the best stable outcome (``best_in``)."""

    key: Key
    players: tuple[int, ...]
    size: int
    welfare: dict[str, Fraction]
    best_in: tuple[str, ...]


@dataclass(frozen=True)
class StableView:
    """The stable-coalition view across repairs (module docstring).

    ``columns``: :data:`NO_REPAIR` then :data:`REPAIRS`; ``parameters``: each column's parameter
    (``None`` for no repair); ``best_welfare``: each column's best stable welfare (the no-contract
    welfare when nothing is stable); ``rows`` in size-then-members order.
    """

    comparison: RepairComparison
    columns: tuple[str, ...]
    parameters: dict[str, Any]
    best_welfare: dict[str, Fraction | None]
    rows: tuple[StableViewRow, ...]


def stable_view(comparison: RepairComparison) -> StableView:
    """The stable view of a :class:`RepairComparison`.  Complexity O(columns x stable coalitions).

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> v = stable_view(repair_comparison(public_goods(4, "8/5", 20), 4))
    >>> [(r.key, sorted(r.welfare), r.best_in) for r in v.rows if r.size == 4]
    [((0, 1, 2, 3), ['minimum participation', 'sanctions on outsiders'], ('minimum participation', 'sanctions on outsiders'))]
    """
    table = comparison.table
    outcomes = {NO_REPAIR: comparison.baseline} | {r.name: r.outcome for r in comparison.repairs}
    welfare: dict[Key, dict[str, Fraction]] = {}
    best: dict[Key, list[str]] = {}
    for col, out in outcomes.items():
        for key in out.stable:
            w = _welfare(table, key, out)
            if w is not None:
                welfare.setdefault(key, {})[col] = w
        if out.best is not None:
            best.setdefault(out.best, []).append(col)
    rows = tuple(StableViewRow(key, table.players(key), table.size(key), welfare[key], tuple(best.get(key, ())))
                 for key in sorted(welfare, key=table.order))
    return StableView(comparison, tuple(outcomes), {NO_REPAIR: None} | {r.name: r.parameter for r in comparison.repairs},
                      {col: out.welfare for col, out in outcomes.items()}, rows)


def _welfare(table: CoalitionTable, key: Key, out: StableOutcomes) -> Fraction | None:
    pay = repaired_payoffs(table, key, out.terms)
    return None if pay is None else pay.welfare


# ---------------------------------------------------------------------------- the cheapest repair
@dataclass(frozen=True)
class CheapestRepair:
    """Which repair reaches W* most cheaply (module docstring's order), as data for the report.

    ``needed`` is ``False`` when the best stable outcome without repair already reaches W*;
    ``name`` is ``None`` when no repair reaches W* within K; ``candidates`` lists every repair
    reaching W* as (name, signatures, cost, within the theorem's class), in the order used.
    """

    title: str
    k: int
    n_players: int
    optimum_welfare: Fraction
    stable_welfare: Fraction | None
    needed: bool
    name: str | None
    parameter: Any
    signatures: int | None
    cost: Fraction | None
    within_theorem_class: bool | None
    gives_up: tuple[str, ...]
    candidates: tuple[tuple[str, int, Fraction, bool], ...]


def cheapest_repair(comparison: RepairComparison) -> CheapestRepair:
    """The cheapest repair reaching W* (module docstring).  Complexity O(repairs).

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> c = cheapest_repair(repair_comparison(public_goods(4, "8/5", 20), 4))
    >>> c.name, c.parameter, c.signatures, c.cost, c.within_theorem_class
    ('minimum participation', 4, 4, Fraction(0, 1), True)
    """
    order = {name: i for i, name in enumerate(REPAIRS)}
    reach = sorted((r for r in comparison.repairs if r.reaches_optimum),
                   key=lambda r: (r.signatures, r.cost, not r.within_theorem_class, order[r.name]))
    base = comparison.baseline
    needed = base.welfare is None or base.welfare != comparison.optimum_welfare
    top = reach[0] if reach else None
    return CheapestRepair(
        comparison.title, comparison.k, comparison.n_players, comparison.optimum_welfare, base.welfare, needed,
        None if top is None else top.name, None if top is None else top.parameter,
        None if top is None else top.signatures, None if top is None else top.cost,
        None if top is None else top.within_theorem_class, () if top is None else top.gives_up,
        tuple((r.name, r.signatures, r.cost, r.within_theorem_class) for r in reach))


def cheapest_repair_of(game: Any, k: int | None = None, rules: Rules = Rules(), *,
                       destination: Destination = "members") -> CheapestRepair:
    """The cheapest repair reaching W* in ``game`` with coalitions of at most ``k`` (default N), as data
    for the report's answers (normal-form games, and compact games by composition at any N).

    Examples
    --------
    >>> from contract_theory.games.compact_library import iea
    >>> c = cheapest_repair_of(iea(100, 1, 1))
    >>> c.name, c.signatures, c.within_theorem_class, [x[0] for x in c.candidates]
    ('minimum participation', 100, True, ['minimum participation', 'sanctions on outsiders'])
    """
    return cheapest_repair(repair_comparison(game, game.n_players if k is None else k, rules, destination=destination))


# ---------------------------------------------------------------------------- design rows
@dataclass(frozen=True)
class RepairRow:
    """What a ``design`` row of a repair needs beyond the repair's answer (``repair``: its parameter,
    best stable outcome and welfare, cost, stable coalitions, class): ``min_k_for_optimum``, the
    smallest k <= K at which it reaches W* (:func:`repair_min_k`); ``gains``, the signatories' and
    the others' total gain over no contract at its best stable outcome; ``statuses``, the
    assumption statuses it sets itself (``"fails"`` for those it gives up)."""

    repair: RepairOutcome
    min_k_for_optimum: int | None
    gains: tuple[Fraction, Fraction] | None
    statuses: dict[str, str]


def repair_rows(game: Any, k: int, rules: Rules = Rules(), *, analysis: Any = None,
                destination: Destination = "members") -> tuple[StableOutcomes, list[RepairRow]]:
    """The best stable outcome without repair and one :class:`RepairRow` per repair (:data:`REPAIRS`).

    Complexity: :func:`repair_comparison` plus :func:`repair_min_k` per repair.

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> base, rows = repair_rows(public_goods(4, "8/5", 20), 4)
    >>> str(base.welfare), [(r.repair.name, str(r.repair.stable_welfare), r.min_k_for_optimum, r.statuses) for r in rows][1]
    ('116', ('sanctions on outsiders', '128', 4, {'A7': 'fails'}))
    """
    table = coalition_table(game, k, rules, analysis=analysis)
    comparison = repair_comparison(game, k, rules, destination=destination, analysis=table)
    rows = []
    for r in comparison.repairs:
        options = {"destination": destination} if r.name == "sanctions on outsiders" else {}
        pay = r.outcome.payoffs
        rows.append(RepairRow(r, repair_min_k(game, k, rules, r.name, analysis=table, **options),
                              None if pay is None else gains(table, pay), {a: "fails" for a in r.gives_up}))
    return comparison.baseline, rows
