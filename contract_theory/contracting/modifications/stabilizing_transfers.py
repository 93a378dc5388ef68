r"""Stabilizing transfers among members (``docs/background/modifications.md#stabilizing-transfers``).

Carraro, Eyckmans and Finus (2006); Eyckmans and Finus (2009, the "almost ideal sharing scheme").
Write v_i(S) for player i's payoff when coalition S forms and v_i(S \ {i}) for i's payoff as an
outsider of S \ {i} (the no-contract payoff when S \ {i} has one member left).  Coalition S is
**potentially internally stable** (PIS) iff

    sigma(S) = sum_{i in S} v_i(S) - sum_{i in S} v_i(S \ {i}) >= 0,

where sum_{i in S} v_i(S) = U_S is the members' total (the same under every sharing rule).  A PIS
coalition is made internally stable by budget-balanced transfers among its members: give each
member its outside option plus an equal share of the surplus,

    x_i(S) = v_i(S \ {i}) + sigma(S) / |S|,      sum_{i in S} x_i(S) = U_S,

and internal stability x_i(S) >= v_i(S \ {i}) holds for every member iff sigma(S) >= 0
(strictly iff sigma(S) > 0, for the tie rules whose internal inequality is strict).

The repair applies this sharing to every coalition that may form (x_i(T) for every T, with the
outside options under the same terms), so external stability is checked as usual with it: an
outsider j of S, who would get v_j(S) + sigma(S + j)/(|S| + 1) inside, stays out iff
sigma(S + j) <= 0 (< 0 under the ``"inside"`` tie rule, whose external inequality is strict).
Hence (Eyckmans and Finus 2009) S is stable with stabilizing transfers iff S is PIS and no S + j
is.  The transfers stay among members and sum to zero: the repair keeps the theorem's class.

:func:`transfers_analysis` reports the PIS coalitions, the coalitions stable with the transfers,
the best stable outcome, its transfer vector t_i = x_i(S) - (i's share under the sharing rule)
and the smallest budget any stabilizing scheme needs, sum_i max(0, v_i(S \ {i}) - share_i): what
must reach the members whose share is below their outside option.  The predicate
(:func:`pis_surplus`, :func:`potentially_internally_stable`) is public for other modules
(coalition formation).  Complexity: O(groups^2) table look-ups per coalition.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from contract_theory.contracting.coalitions.compact import Runs
from contract_theory.contracting.coalitions.rules import Rules
from contract_theory.contracting.coalitions.stability import strictness
from contract_theory.contracting.modifications.membership import (
    CoalitionTable,
    Key,
    RepairOutcome,
    Terms,
    changes_from,
    coalition_table,
    repair_record,
    repaired_payoffs,
    run_values,
    stable_outcomes,
)

__all__ = ["pis_surplus", "potentially_internally_stable", "coalition_surplus", "minimum_budget",
           "TransfersAnalysis", "transfers_analysis"]


def pis_surplus(bloc_total: Fraction, outside_options: Iterable[Fraction]) -> Fraction:
    r"""sigma(S) = U_S - sum_{i in S} v_i(S \ {i}): what the members' total exceeds their outside options by.

    ``bloc_total`` is U_S = sum_{i in S} v_i(S); ``outside_options`` the members' v_i(S \ {i}).
    Complexity O(|S|).

    Examples
    --------
    >>> pis_surplus(Fraction(72), [Fraction(20)] * 3)
    Fraction(12, 1)
    """
    return Fraction(bloc_total) - sum((Fraction(v) for v in outside_options), Fraction(0))


def potentially_internally_stable(bloc_total: Fraction, outside_options: Iterable[Fraction], strict: bool = False) -> bool:
    r"""Whether S is PIS: U_S >= sum_{i in S} v_i(S \ {i}) (``>`` when ``strict``; module docstring).

    ``strict`` follows the internal inequality of the tie rule
    (:func:`contract_theory.contracting.coalitions.stability.strictness`): with a strict internal
    inequality a coalition can be made internally stable only when the surplus is positive.
    Complexity O(|S|).

    Linear public goods with N = 4, r = 8/5, e = 20: three contributors hold 72 in total and each
    would get 20 after leaving (two members do not contribute), so the three are PIS; all four hold
    128, and each would get 44 as the outsider of a contributing three: not PIS.

    Examples
    --------
    >>> potentially_internally_stable(Fraction(72), [Fraction(20)] * 3)
    True
    >>> potentially_internally_stable(Fraction(128), [Fraction(44)] * 4)
    False
    >>> potentially_internally_stable(Fraction(60), [Fraction(20)] * 3, strict=True)
    False
    """
    surplus = pis_surplus(bloc_total, outside_options)
    return surplus > 0 if strict else surplus >= 0


def _options(table: CoalitionTable, key: Key, terms: Terms) -> dict[int, Fraction] | None:
    """Each member group's outside option: its highest payoff as an outsider after leaving ``key``."""
    out = {}
    for g in table.member_groups(key):
        after = repaired_payoffs(table, table.leave(key, g), Terms(terms.m, terms.penalty, terms.destination))
        if after is None:
            return None
        out[g] = max(run_values(after.groups[g][1]))
    return out


def coalition_surplus(table: CoalitionTable, key: Key, m: int = 2) -> Fraction | None:
    r"""sigma(S) of a coalition of the table (threshold ``m``: S \ {i} is no agreement below it); ``None``
    when undefined or S is not in force.

    Examples
    --------
    >>> from contract_theory.contracting.modifications.membership import coalition_table
    >>> from contract_theory.games.library import public_goods
    >>> t = coalition_table(public_goods(4, "8/5", 20), 4)
    >>> coalition_surplus(t, (0, 1, 2)), coalition_surplus(t, (0, 1, 2, 3))
    (Fraction(12, 1), Fraction(-48, 1))
    """
    terms = Terms(m=m)
    now = repaired_payoffs(table, key, terms)
    options = _options(table, key, terms)
    if now is None or options is None or not now.in_force:
        return None
    held = sum((v * n for g in options for v, n in now.groups[g][0]), Fraction(0))
    return pis_surplus(held, [table.members(key, g) * v for g, v in options.items()])  # a group's options, summed


def minimum_budget(table: CoalitionTable, key: Key, m: int = 2) -> Fraction | None:
    r"""The least total any internally stabilizing transfer scheme moves in ``key``:
    sum over members of max(0, v_i(S \ {i}) - share_i) (module docstring); ``None`` when undefined.

    Examples
    --------
    >>> from contract_theory.contracting.modifications.membership import coalition_table
    >>> from contract_theory.games.library import public_goods
    >>> minimum_budget(coalition_table(public_goods(4, "8/5", 20), 4), (0, 1, 2))
    Fraction(0, 1)
    """
    terms = Terms(m=m)
    now = repaired_payoffs(table, key, terms)
    options = _options(table, key, terms)
    if now is None or options is None:
        return None
    return sum((n * max(Fraction(0), options[g] - v) for g in options for v, n in now.groups[g][0]), Fraction(0))


@dataclass(frozen=True, kw_only=True)
class TransfersAnalysis(RepairOutcome):
    """:class:`~contract_theory.contracting.modifications.membership.RepairOutcome` of the stabilizing
    transfers (``parameter`` = the best stable coalition's transfer vector, per group as runs, ``None``
    without a stable coalition), with ``pis`` (the PIS coalitions), ``surplus`` (sigma of every
    coalition in force), ``budget`` (what the vector moves: the sum of its positive entries),
    ``min_budget`` (the least any stabilizing scheme moves there) and ``m``."""

    pis: tuple[Key, ...]
    surplus: dict[Key, Fraction]
    budget: Fraction | None
    min_budget: Fraction | None
    m: int


def transfers_analysis(game: Any, k: int, rules: Rules = Rules(), *, m: int = 2, analysis: Any = None
                       ) -> TransfersAnalysis:
    """The stabilizing-transfers repair on ``game`` with coalitions of at most ``k`` (module docstring).

    ``m``: a minimum participation combined with the transfers (a threshold contract; 2 = none);
    ``rules`` and ``analysis`` as for
    :func:`~contract_theory.contracting.modifications.minimum_participation.minimum_participation_analysis`.

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> a = transfers_analysis(public_goods(4, "8/5", 20), 4)
    >>> len(a.pis), a.surplus[(0, 1)], a.outcome.best, a.stable_welfare, a.budget   # pairs: sigma = 0
    (10, Fraction(0, 1), (0, 1, 2), Fraction(116, 1), Fraction(0, 1))
    """
    table = coalition_table(game, k, rules, analysis=analysis)
    strict_in = strictness(rules.tie)[0]
    surplus = {key: s for key in table.keys if (s := coalition_surplus(table, key, m)) is not None}
    pis = tuple(key for key, s in surplus.items() if (s > 0 if strict_in else s >= 0))
    terms = Terms(m=m, transfers=True)
    outcome = stable_outcomes(table, terms, rules.tie)
    pay = outcome.payoffs
    vector: tuple[Runs, ...] | None = None if outcome.best is None or pay is None else pay.transfers
    budget = None if vector is None else sum((max(Fraction(0), v) * n for r in vector for v, n in r), Fraction(0))
    record = repair_record(table, rules.tie, rules, "potential internal stability and the stabilizing sharing, per "
                           "coalition", {"m": m})
    return TransfersAnalysis(
        name="stabilizing transfers", parameter=vector, terms=terms, outcome=outcome,
        cost=budget or Fraction(0), within_theorem_class=True, changes=changes_from(record["baseline"], outcome),
        pis=pis, surplus=surplus, budget=budget,
        min_budget=None if outcome.best is None else minimum_budget(table, outcome.best, m), m=m, **record)
