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

This module starts with the predicate (:func:`pis_surplus`, :func:`potentially_internally_stable`),
which other modules (coalition formation) reuse.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction

__all__ = ["pis_surplus", "potentially_internally_stable"]


def pis_surplus(bloc_total: Fraction, outside_options: Iterable[Fraction]) -> Fraction:
    r"""sigma(S) = U_S - sum_{i in S} v_i(S \ {i}): what the members' total exceeds their outside options by.

    ``bloc_total`` is U_S = sum_{i in S} v_i(S); ``outside_options`` the members' v_i(S \ {i}).
    Complexity O(|S|).

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

    >>> potentially_internally_stable(Fraction(72), [Fraction(20)] * 3)
    True
    >>> potentially_internally_stable(Fraction(128), [Fraction(44)] * 4)
    False
    >>> potentially_internally_stable(Fraction(60), [Fraction(20)] * 3, strict=True)
    False
    """
    surplus = pis_surplus(bloc_total, outside_options)
    return surplus > 0 if strict else surplus >= 0
