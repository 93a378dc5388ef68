r"""Robustness margin of a counterexample (`docs/background/deciding-claims.md#the-margin`).

The **margin** of a game g on which a built-in claim fails is the radius of the largest max-norm
ball around g inside the failing set found by the encoding (:mod:`contract_theory.search.encoding`):
evaluating the claim's failure formula with min over ``And``, max over ``Or`` and an atom
``v.x >= 0`` (or ``> 0``) scored ``v.g / ||v||_1`` (the max-norm distance from g to the atom's
hyperplane) picks one conjunction of atoms true at g (the *witness cell*); the margin is

    max delta  subject to  v_j . g - delta * ||v_j||_1 >= 0  for every atom j of the witness cell,

an LP in delta solved and certified exactly by :func:`contract_theory.exact.lp.solve_lp` (its value
equals the min of the atoms' scores, which is checked).  Every game at max-norm distance < margin
from g fails the claim too.  The margin is 0 exactly when g sits on a tie that the failure needs:
the atoms attaining 0 are named (e.g. ``u3(0,1,0) >= u3(0,1,1)``, an outsider indifferent between
two actions).  It is a lower bound on the largest such radius (where a ball is covered by two
witness cells and by neither alone, the true radius can be larger).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from contract_theory.exact.lp import solve_lp
from contract_theory.exact.numbers import fmt
from contract_theory.search.encoding import (
    Atom,
    EncodingError,
    atom_text,
    failure_formula,
    flatten,
    holds_at,
    robustness,
    robustness_value,
)

__all__ = ["counterexample_margin", "robust_margin", "MARGIN_METHOD", "MAX_TIES"]

#: Ties named in a margin-0 certificate (the rest are counted).
MAX_TIES = 12

MARGIN_METHOD = ("robustness of the claim's failure formula (min over And, max over Or, atom v.x scored "
                 "v.g/||v||_1); the witness cell's ball LP certified by contract_theory.exact.lp")


def _lp_margin(atoms: list[Atom], x: list[int], den: int) -> Fraction:
    """max delta s.t. v.g - delta ||v||_1 >= 0 over the witness atoms, solved and certified exactly."""
    seen: dict[tuple[int, ...], Atom] = {}
    for a in atoms:
        seen.setdefault(tuple(int(c) for c in a.v), a)
    rows = [[a.norm] for a in seen.values()]
    rhs = [Fraction(sum(c * xi for c, xi in zip(key, x)), den) for key in seen]
    r = solve_lp([1], A_ub=rows, b_ub=rhs, bounds=[(None, None)], maximize=True)
    if r.status != "optimal" or r.value is None:
        raise RuntimeError(f"margin LP is {r.status}: the witness cell is empty (a bug)")
    return r.value


def counterexample_margin(name: str, table: Any, params: dict[str, Any], *, file: str | None = None
                          ) -> dict[str, Any]:
    """The margin of the game ``table`` (payoffs, shape ``shape + (n,)``) for the built-in claim ``name``.

    Returns ``{"value": "1/2" | "0" | None, "ties": [...], "method": ..., "certified": bool}``:
    ``value`` None (with ``reason``) when the claim has no encoding or does not fail on the game;
    ``ties``: the comparisons at equality that the failure rests on when the value is 0.
    Complexity: one pass over the failure formula plus a one-variable LP over the witness cell.

    The game below fails ``members-gain`` (no contract (a0, a0) with payoffs (2, 1); the equal split
    3/2 < 2).  The margin is the smallest witness score: player 2's equilibrium comparison
    u2(a0,a0) - u2(a0,a1) = 1 over ||v||_1 = 2, and the loss u1 - u2 = 1 at (a0, a0) over 2:

    Examples
    --------
    >>> from contract_theory.search.claims import get_claim, claim_parameters
    >>> p = claim_parameters(get_claim("members-gain"), 2, {})
    >>> counterexample_margin("members-gain", [[[2, 1], [1, 0]], [[0, 0], [0, 0]]], p)["value"]
    '1/2'
    """
    arr = np.asarray(table, dtype=object)
    try:
        enc, fails, _ = failure_formula(name, arr.shape[:-1], params, file=file)
    except EncodingError as exc:
        return {"value": None, "ties": [], "method": None, "certified": False, "reason": str(exc)}
    if not holds_at(enc, fails, arr):
        return {"value": None, "ties": [], "method": MARGIN_METHOD, "certified": False,
                "reason": "the claim does not fail on this game"}
    value, limiting, witness = robustness(enc, fails, arr)
    x, den = flatten(enc.size, arr)
    lp = _lp_margin(witness, x, den)
    if lp != value:
        raise RuntimeError(f"margin LP gives {lp}, the robustness {value} (a bug)")
    ties = sorted({atom_text(enc, a) for a in limiting}) if value == 0 else []
    if len(ties) > MAX_TIES:
        ties = ties[:MAX_TIES] + [f"... and {len(ties) - MAX_TIES} more"]
    return {"value": fmt(value), "ties": ties, "method": MARGIN_METHOD, "certified": True}


def robust_margin(name: str, table: Any, params: dict[str, Any], *, file: str | None = None) -> Fraction | None:
    """The margin's value alone (no LP, no tie names) for a game on which the claim fails; ``None`` when
    the claim has no encoding.  What the search calls on every failing game.

    Examples
    --------
    >>> from contract_theory.search.claims import get_claim, claim_parameters
    >>> p = claim_parameters(get_claim("members-gain"), 2, {})
    >>> robust_margin("members-gain", [[[2, 1], [1, 0]], [[0, 0], [0, 0]]], p)
    Fraction(1, 2)
    """
    arr = np.asarray(table, dtype=object)
    try:
        enc, fails, _ = failure_formula(name, arr.shape[:-1], params, file=file)
    except EncodingError:
        return None
    return max(robustness_value(enc, fails, arr), Fraction(0))
