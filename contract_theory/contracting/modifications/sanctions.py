r"""Sanctions on outsiders: each outsider pays while a contract is in force.

See ``docs/background/modifications.md#sanctions-on-outsiders``.

Nordhaus (2015), "Climate clubs": members charge non-members (a tariff) while the club is active.
The treaty's terms gain a penalty pi >= 0 per outsider, due while a contract of at least m
signatories is in force (m = 2 by default: every contract), paid to the members in equal shares
(``destination="members"``) or burned (``"burned"``)
(:class:`~contract_theory.contracting.modifications.membership.Terms`).  A lump sum changes no
action: what each coalition does is unchanged; what changes is joining and leaving.

Every stability inequality of a coalition S is linear in pi, so S is stable exactly on an interval
of penalties (:class:`PenaltyInterval`):

* a member of S compares its payoff in S plus pi (N - |S|)/|S| (members' destination) with its
  payoff as an outsider of S minus it, minus pi when that coalition is still in force: a lower
  bound on pi;
* an outsider (|S| < K) compares its payoff minus pi with its payoff as a member of S plus it,
  plus pi (N - |S| - 1)/(|S| + 1): an upper bound.

The tie rule makes each bound strict or not.  Welfare is W(S), minus pi (N - |S|) when burned.
:func:`sanctions_analysis` finds the best stable outcome over all pi >= 0 and the smallest
penalty reaching it (an infimum, not attained, when the bound is strict); at that penalty the
stable coalitions are recomputed directly (or just above it, when it is not attained).  When the
best stable coalition is the grand coalition the penalty is never paid: it deters.

Outside the theorem's class: a non-signatory is charged without its consent (it gives up A7,
voluntary participation with veto: contracts bind only those who sign), and burned penalties are
not budget-balanced (A2) -- whenever the penalty found is positive; a zero penalty (no sanction
needed) charges nobody and stays inside.  Complexity: O(groups) table look-ups per coalition.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from contract_theory.contracting.coalitions.rules import Rules
from contract_theory.contracting.coalitions.stability import strictness
from contract_theory.contracting.modifications.membership import (
    DESTINATIONS,
    CoalitionTable,
    Destination,
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
from contract_theory.errors import ParameterError

__all__ = ["PenaltyInterval", "penalty_interval", "SanctionsAnalysis", "sanctions_analysis", "gives_up"]


@dataclass(frozen=True)
class PenaltyInterval:
    """The penalties pi >= 0 under which one coalition is stable: from ``low`` to ``high`` (``None``: no
    upper bound), each end excluded when ``*_strict``; ``empty`` when no penalty works.

    Examples
    --------
    >>> i = PenaltyInterval((0, 1), Fraction(2), True, Fraction(5), False)
    >>> i.contains(Fraction(2)), i.contains(Fraction(5)), i.empty
    (False, True, False)
    """

    key: Key
    low: Fraction
    low_strict: bool
    high: Fraction | None
    high_strict: bool

    @property
    def empty(self) -> bool:
        """Whether no penalty makes the coalition stable."""
        if self.high is None:
            return False
        return self.low > self.high or (self.low == self.high and (self.low_strict or self.high_strict))

    def contains(self, penalty: Fraction) -> bool:
        """Whether the coalition is stable at ``penalty``."""
        above = penalty > self.low if self.low_strict else penalty >= self.low
        below = self.high is None or (penalty < self.high if self.high_strict else penalty <= self.high)
        return above and below


def _tighter(bounds: Iterable[tuple[Fraction, bool]], lower: bool) -> tuple[Fraction, bool] | None:
    """The binding bound (the largest lower or smallest upper; strict wins a tie)."""
    best: tuple[Fraction, bool] | None = None
    for v, strict in bounds:
        if best is None or (v > best[0] if lower else v < best[0]) or (v == best[0] and strict):
            best = (v, strict)
    return best


def _bound(gap: Fraction, slope: Fraction, strict: bool) -> tuple[Fraction, bool] | bool:
    """The bound on pi of ``gap + slope * pi >= 0`` (``> 0`` when strict): (value, strict), a lower bound
    when ``slope > 0`` and an upper one when ``slope < 0``; with ``slope == 0`` whether it always holds."""
    if slope == 0:
        return gap > 0 if strict else gap >= 0
    return -gap / slope, strict


def _share(table: CoalitionTable, key: Key, destination: Destination) -> Fraction:
    """What one penalty unit gives each member of ``key``: (N - |S|)/|S| to members, 0 if burned."""
    size = table.size(key)
    return Fraction(table.n_players - size, size) if destination == "members" else Fraction(0)


def penalty_interval(table: CoalitionTable, key: Key, m: int = 2, destination: Destination = "members",
                     tie: str = "inside") -> PenaltyInterval | None:
    """The interval of penalties under which ``key`` (in force: |S| >= max(m, 2)) is stable (module docstring).

    ``None`` when an outcome needed is undefined or ``key`` is not in force; an empty interval when
    a member leaves whatever the penalty (a burned penalty and a pivotal member).  Complexity O(groups).

    Linear public goods, N = 4, r = 8/5: a member of the grand coalition gets 32 and would get 44
    as the outsider of three contributors, less pi: stable from pi = 12 on.

    Examples
    --------
    >>> from contract_theory.contracting.modifications.membership import coalition_table
    >>> from contract_theory.games.library import public_goods
    >>> i = penalty_interval(coalition_table(public_goods(4, "8/5", 20), 4), (0, 1, 2, 3))
    >>> i.low, i.low_strict, i.high
    (Fraction(12, 1), False, None)
    """
    terms = Terms(m=m, destination=destination)
    now = repaired_payoffs(table, key, terms)
    if now is None or not now.in_force:
        return None
    strict_in, strict_out = strictness(tie)
    bounds: list[tuple[Fraction, bool] | bool] = []
    for g in table.member_groups(key):
        after = repaired_payoffs(table, table.leave(key, g), terms)
        if after is None:
            return None
        gap = min(run_values(now.groups[g][0])) - max(run_values(after.groups[g][1]))
        bounds.append(_bound(gap, _share(table, key, destination) + (1 if after.in_force else 0), strict_in))
    lows: list[tuple[Fraction, bool]] = [(Fraction(0), False)]
    lows += [b for b in bounds if not isinstance(b, bool)]
    highs: list[tuple[Fraction, bool]] = []
    for g in table.outsider_groups(key) if table.size(key) < table.k else ():
        joined = table.join(key, g)
        after = repaired_payoffs(table, joined, terms)
        if joined is None or after is None:
            return None
        gap = min(run_values(now.groups[g][1])) - max(run_values(after.groups[g][0]))
        b = _bound(gap, -1 - _share(table, joined, destination), strict_out)
        assert not isinstance(b, bool)  # the slope is at most -1
        highs.append(b)
    if False in bounds:  # a member leaves whatever the penalty (its choice does not involve pi)
        return PenaltyInterval(key, Fraction(0), True, Fraction(0), True)
    low = _tighter(lows, True)
    high = _tighter(highs, False)
    assert low is not None  # the bound pi >= 0 is always there
    return PenaltyInterval(key, low[0], low[1], None if high is None else high[0], bool(high and high[1]))


def gives_up(destination: Destination) -> tuple[str, ...]:
    """The theorem's assumptions a sanction gives up: A7 (outsiders are charged without signing), and A2
    (budget balance) when the penalty is burned.

    Examples
    --------
    >>> gives_up("members"), gives_up("burned")
    (('A7',), ('A2', 'A7'))
    """
    return ("A2", "A7") if destination == "burned" else ("A7",)


@dataclass(frozen=True, kw_only=True)
class SanctionsAnalysis(RepairOutcome):
    """:class:`~contract_theory.contracting.modifications.membership.RepairOutcome` of the sanction
    (``parameter`` = the smallest penalty per outsider reaching the best stable outcome over all
    penalties), with every coalition's :class:`PenaltyInterval` (``intervals``; empty ones
    included), whether that penalty is ``attained`` (``False``: any penalty above it works, it
    does not), ``destination`` and ``m``; ``evaluated_at`` is the penalty at which ``outcome``
    was computed (the parameter, or a point just above it)."""

    intervals: dict[Key, PenaltyInterval]
    attained: bool
    destination: Destination
    m: int
    evaluated_at: Fraction


def _welfare_at(table: CoalitionTable, key: Key, penalty: Fraction, destination: Destination) -> Fraction | None:
    w = table.welfare(key)
    if w is None:
        return None
    return w - penalty * (table.n_players - table.size(key)) if destination == "burned" else w


def _best_penalty(table: CoalitionTable, intervals: dict[Key, PenaltyInterval], destination: Destination
                  ) -> tuple[Fraction, bool] | None:
    """The smallest penalty at which the best stable welfare over all penalties is reached, and whether
    it is attained; ``None`` when no coalition is stable at any penalty."""
    scored = []
    for key, iv in intervals.items():
        w = None if iv.empty else _welfare_at(table, key, iv.low, destination)
        if w is not None:
            scored.append((w, iv.low, iv.low_strict))
    if not scored:
        return None
    top = max(w for w, _, _ in scored)
    low = min(p for w, p, _ in scored if w == top)
    attained = any(w == top and p == low and not strict for w, p, strict in scored)
    return low, attained


def _just_above(intervals: dict[Key, PenaltyInterval], penalty: Fraction) -> Fraction:
    """A penalty above ``penalty`` and below every interval end larger than it (exact)."""
    ends = [e for iv in intervals.values() for e in (iv.low, iv.high) if e is not None and e > penalty]
    nxt = min(ends, default=penalty + 2)
    return (penalty + nxt) / 2


def sanctions_analysis(game: Any, k: int, rules: Rules = Rules(), *, destination: Destination = "members", m: int = 2,
                       analysis: Any = None) -> SanctionsAnalysis:
    """The sanction repair on ``game`` with coalitions of at most ``k`` (module docstring).

    ``destination``: where the penalties go (``"members"``, default, or ``"burned"``); ``m``: the
    smallest contract in force (sanctions are due only then); ``rules`` and ``analysis`` as for
    :func:`~contract_theory.contracting.modifications.minimum_participation.minimum_participation_analysis`.

    Linear public goods, N = 4: a penalty of 12 per outsider makes the grand coalition stable; it
    is never paid.

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> a = sanctions_analysis(public_goods(4, "8/5", 20), 4)
    >>> a.parameter, a.attained, a.outcome.best, a.stable_welfare, a.cost, a.gives_up
    (Fraction(12, 1), True, (0, 1, 2, 3), Fraction(128, 1), Fraction(0, 1), ('A7',))
    """
    if destination not in DESTINATIONS:
        raise ParameterError(f"unknown penalty destination {destination!r}; choose one of {list(DESTINATIONS)}")
    table = coalition_table(game, k, rules, analysis=analysis)
    intervals = {key: iv for key in table.keys
                 if (iv := penalty_interval(table, key, m, destination, rules.tie)) is not None}
    found = _best_penalty(table, intervals, destination)
    penalty, attained = (Fraction(0), True) if found is None else found
    at = penalty if attained else _just_above(intervals, penalty)
    terms = Terms(m=m, penalty=at, destination=destination)
    outcome = stable_outcomes(table, terms, rules.tie)
    record = repair_record(table, rules.tie, rules, "stability intervals in the penalty, per coalition",
                           {"destination": destination, "m": m})
    notes = list(record.pop("notes"))
    if not attained:
        notes.append(f"the penalty must exceed {penalty} (a strict stability inequality); computed at {at}")
    cost = Fraction(0) if outcome.payoffs is None else outcome.payoffs.paid
    charged = at > 0  # a zero penalty charges nobody: the contract stays among signatories
    return SanctionsAnalysis(
        name="sanctions on outsiders", parameter=None if found is None else penalty, terms=terms, outcome=outcome,
        cost=cost, within_theorem_class=not charged, gives_up=gives_up(destination) if charged else (),
        changes=changes_from(record["baseline"], outcome), intervals=intervals, attained=attained,
        destination=destination, m=m, evaluated_at=at, notes=tuple(notes), **record)
