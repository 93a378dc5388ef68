r"""Potential internal stability (PIS) of single coalitions -- a minimal predicate for ``coalitions --concept pis``.

Definition (``docs/background/formation.md#potential-internal-stability``; Carraro, Eyckmans and
Finus 2006).  A coalition S (2 <= |S| <= K) against singletons is potentially internally stable iff
sum_{i in S} v_i(S) >= sum_{i in S} v_i(S \ {i}): its members' total covers what each member would
get as an outsider of S \ {i} (as a singleton of the no-contract game when S \ {i} is one player),
so budget-balanced transfers among members can make S internally stable.  v is the raw payoff in the
structure {S} + singletons (:mod:`~contract_theory.contracting.modifications.coalition_structures`,
``rules.timing`` and ``rules.selection``; with the contracts leading this is the Stackelberg
coalition outcome).  The margin is the left side minus the right side; PIS iff margin >= 0 (a
coalition on the tie is PIS, and the result says how many are on it).

This is the stand-in of issue 25 for the repairs' PIS (branch ``repairs``): one clearly named
function, to be replaced by that implementation when it lands.  Symmetric and compact games are
done per composition (one canonical coalition each).

Examples
--------
>>> from contract_theory.games.library import public_goods
>>> r = potential_internal_stability(public_goods(3, 2, 1), 3)    # a leaver of N free-rides on the pair: 7/3
>>> [(S, str(m)) for S, m in r.margins.items()]
[((0, 1), '2/3'), ((0, 1, 2), '-1')]
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from contract_theory.contracting.coalitions.partial_contracts import check_k
from contract_theory.contracting.coalitions.rules import Rules
from contract_theory.contracting.modifications.coalition_structures import Structure, StructureEngine, structure_engine
from contract_theory.contracting.modifications.shared import SolverRecord

__all__ = ["PISResult", "potential_internal_stability"]


@dataclass(frozen=True)
class PISResult(SolverRecord):
    """PIS margins per coalition (one canonical coalition per composition when ``by_composition``)."""

    k: int
    margins: dict[tuple[int, ...], Fraction | None]
    multiplicity: dict[tuple[int, ...], int]
    by_composition: bool

    @property
    def pis(self) -> list[tuple[int, ...]]:
        """The potentially internally stable coalitions (margin >= 0)."""
        return [S for S, m in self.margins.items() if m is not None and m >= 0]


def _against_singletons(members: tuple[int, ...], n: int) -> Structure:
    return tuple(sorted([members] + [(i,) for i in range(n) if i not in members])) if len(members) > 1 else \
        tuple((i,) for i in range(n))


def _margin(engine: StructureEngine, members: tuple[int, ...], n: int) -> Fraction | None:
    here = engine.outcome(_against_singletons(members, n)).raw_payoffs
    if here is None:
        return None
    total = sum((here[i] for i in members), Fraction(0))
    for i in members:
        rest = tuple(j for j in members if j != i)
        after = engine.outcome(_against_singletons(rest, n)).raw_payoffs
        if after is None:
            return None
        total -= after[i]
    return total


def potential_internal_stability(game: Any, k: int, rules: Rules = Rules()) -> PISResult:
    """PIS of every coalition of 2..K members (module docstring)."""
    import math

    check_k(game, k)
    engine = structure_engine(game, rules)
    n = game.n_players
    tc = engine.type_counts
    if tc is not None:
        starts = [sum(tc[:t]) for t in range(len(tc))]
        comps = [c for c in itertools.product(*(range(x + 1) for x in tc)) if 2 <= sum(c) <= k]
        coals = {tuple(i for t, x in enumerate(c) for i in range(starts[t], starts[t] + x)): c for c in comps}
        mult = {S: math.prod(math.comb(x, y) for x, y in zip(tc, c)) for S, c in coals.items()}
    else:
        coals = {S: S for s in range(2, k + 1) for S in itertools.combinations(range(n), s)}
        mult = {S: 1 for S in coals}
    margins = {S: _margin(engine, S, n) for S in sorted(coals, key=lambda S: (len(S), S))}
    undefined = sum(1 for m in margins.values() if m is None)
    ties = sum(1 for m in margins.values() if m == 0)
    notes = ([f"{undefined} coalitions have no pure outcome (PIS undefined)"] if undefined else []) + \
        ([f"{ties} coalitions are PIS on a tie (margin 0)"] if ties else [])
    return PISResult(k, margins, mult, tc is not None, method="minimal PIS predicate (issue 25 stand-in)",
                     complete=not undefined, notes=tuple(notes), payoffs_exact=bool(getattr(game, "exact", True)),
                     parameters={"k": k, "timing": rules.timing, "selection": rules.selection})
