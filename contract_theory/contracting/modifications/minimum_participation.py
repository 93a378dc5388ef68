r"""Minimum participation: the contract binds only if at least m sign.

See ``docs/background/modifications.md#minimum-participation``.

Carraro, Marchiori and Oreffice (2009); the IPCC's Third Assessment Report, WG III, 6.3.5.1.  The
treaty's terms gain a threshold m (2 <= m <= K): a coalition of fewer than m signatories is no
contract, everyone gets the no-contract payoff
(:class:`~contract_theory.contracting.modifications.membership.Terms`).  A coalition S with
|S| > m is stable exactly when it is without the threshold (leaving it, or joining it, leads to a
coalition in force); a coalition with |S| = m is internally stable when each member prefers its
share in S to the no-contract payoff -- every member is pivotal -- and externally stable as usual;
smaller coalitions are not in force.  The contract stays among signatories and has no transfers,
so the repair keeps the theorem's class (signatories only, budget-balanced).

:func:`minimum_participation_analysis` computes, for every m = 2..K, the stable coalitions and the
best stable outcome, and reports the smallest m whose best stable outcome is the best over all m
(the threshold the tool recommends), the smallest m reaching W* (if any) and who gains or loses
against the best stable outcome without a threshold.  Method: each coalition's stability is
decided twice, once against the coalitions one smaller in force (|S| > m) and once against no
agreement (|S| = m); the stable set of each m follows without re-solving.  Complexity: two
stability checks per coalition, then O(#coalitions) per m.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from contract_theory.contracting.coalitions.rules import Rules
from contract_theory.contracting.modifications.membership import (
    CoalitionTable,
    Key,
    RepairOutcome,
    StableOutcomes,
    Terms,
    best_stable,
    changes_from,
    coalition_table,
    repair_record,
    repaired_stability,
)

__all__ = ["ThresholdRow", "MinimumParticipationAnalysis", "minimum_participation_analysis", "threshold_rows"]


@dataclass(frozen=True)
class ThresholdRow:
    """Stability under one threshold m: the stable coalitions, their sizes, the best stable outcome."""

    m: int
    stable: tuple[Key, ...]
    sizes: tuple[int, ...]
    best: Key | None
    welfare: Fraction | None


@dataclass(frozen=True, kw_only=True)
class MinimumParticipationAnalysis(RepairOutcome):
    """:class:`~contract_theory.contracting.modifications.membership.RepairOutcome` of the threshold
    (``parameter`` = the recommended m), with ``by_m`` (a :class:`ThresholdRow` per m = 2..K) and
    ``min_m_for_optimum`` (the smallest m whose best stable outcome reaches W*, ``None`` if none)."""

    by_m: dict[int, ThresholdRow]
    min_m_for_optimum: int | None


def threshold_rows(table: CoalitionTable, tie: str = "inside") -> dict[int, ThresholdRow]:
    """:class:`ThresholdRow` for every m = 2..K (module docstring's method).

    Examples
    --------
    >>> from contract_theory.contracting.modifications.membership import coalition_table
    >>> from contract_theory.games.library import public_goods
    >>> rows = threshold_rows(coalition_table(public_goods(4, "8/5", 20), 4))
    >>> [(m, r.sizes, str(r.welfare)) for m, r in rows.items()]
    [(2, (3,), '116'), (3, (3,), '116'), (4, (4,), '128')]
    """
    above: dict[int, list[Key]] = {}
    pivotal: dict[int, list[Key]] = {}
    for key in table.keys:
        size = table.size(key)
        if repaired_stability(table, key, Terms(), tie).stable:
            above.setdefault(size, []).append(key)
        if repaired_stability(table, key, Terms(m=size), tie).stable:
            pivotal.setdefault(size, []).append(key)
    rows = {}
    larger: list[Key] = []  # the coalitions above m stable against smaller ones in force, by decreasing m
    for m in range(table.k, 1, -1):
        stable = tuple(sorted(pivotal.get(m, []) + larger, key=table.keys_order.__getitem__))
        best, pay = best_stable(table, stable, Terms(m=m))
        rows[m] = ThresholdRow(m, stable, tuple(sorted({table.size(key) for key in stable})), best,
                               None if pay is None else pay.welfare)
        larger = above.get(m, []) + larger
    return dict(sorted(rows.items()))


def _recommended(rows: dict[int, ThresholdRow]) -> int | None:
    """The smallest m with the highest best stable welfare (``None`` when no m has a defined welfare)."""
    defined = [(r.welfare, m) for m, r in rows.items() if r.welfare is not None]
    if not defined:
        return None
    top = max(w for w, _ in defined)
    return min(m for w, m in defined if w == top)


def minimum_participation_analysis(game: Any, k: int, rules: Rules = Rules(), *,
                                   analysis: Any = None) -> MinimumParticipationAnalysis:
    """The threshold repair on ``game`` with coalitions of at most ``k`` (module docstring).

    ``rules`` are the K-coalition study's (timing, selection, sharing, and the stability ``tie``);
    ``analysis`` reuses that study (see
    :func:`~contract_theory.contracting.modifications.membership.coalition_table`).  Dense and
    compact games alike (compact: by composition, any N).

    Linear public goods, N = 4, r = 8/5: three contributors are the stable coalition (116); with
    m = 4 every member of the grand coalition is pivotal (32 inside against 20 with no contract)
    and W* = 128 is stable:

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> a = minimum_participation_analysis(public_goods(4, "8/5", 20), 4)
    >>> a.parameter, a.stable_welfare, a.reaches_optimum, a.within_theorem_class
    (4, Fraction(128, 1), True, True)
    >>> [(c.group, str(c.delta)) for c in a.changes if c.delta < 0]   # the free rider of (0, 1, 2) loses 12
    [(3, '-12')]
    """
    table = coalition_table(game, k, rules, analysis=analysis)
    rows = threshold_rows(table, rules.tie)
    m = _recommended(rows)
    terms = Terms(m=m if m is not None else 2)
    row = rows.get(terms.m)
    best, pay = best_stable(table, row.stable if row is not None else (), terms)
    outcome = StableOutcomes(terms, rules.tie, row.stable if row is not None else (), best,
                             None if pay is None else pay.welfare, pay, row.sizes if row is not None else ())
    record = repair_record(table, rules.tie, rules, "stability against smaller coalitions and against no agreement, "
                           "per coalition", {"m": m})
    reach = [mm for mm, r in rows.items() if r.welfare is not None and r.welfare == table.optimum_welfare]
    return MinimumParticipationAnalysis(
        name="minimum participation", parameter=m, terms=terms, outcome=outcome, cost=Fraction(0),
        within_theorem_class=True, changes=changes_from(record["baseline"], outcome), by_m=rows,
        min_m_for_optimum=min(reach) if reach else None, **record)
