r"""Social welfare of outcomes and the optimum W* (docs/background/model.md#1-games, #2-solution-concepts).

Three welfare notions, named by the ``kind`` parameter everywhere in the package:

* ``"utilitarian"`` (default): W(a) = sum_i u_i(a);
* ``"egalitarian"``: W(a) = min_i u_i(a);
* ``"nash"``: W(a) = prod_i u_i(a), defined only when every payoff of the game is positive
  (otherwise :class:`~contract_theory.errors.ParameterError`).

Computations run on the game's integer table, so orderings are exact: the utilitarian
and egalitarian scores are in units of ``1/denominator``, the Nash product in units of
``1/denominator**n``.  Complexity O(n * prod(m_i)), vectorized.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any, Literal, cast

import numpy as np

from contract_theory.errors import ParameterError
from contract_theory.games.normal_form import NormalFormGame, Profile

__all__ = ["WelfareKind", "WELFARE_KINDS", "welfare_scores", "welfare", "optimum", "mixed_welfare"]

WelfareKind = Literal["utilitarian", "egalitarian", "nash"]
WELFARE_KINDS: tuple[str, ...] = ("utilitarian", "egalitarian", "nash")


def check_kind(kind: str) -> WelfareKind:
    """Validate a welfare kind name (:class:`ParameterError` naming the choices otherwise).

    Examples
    --------
    >>> check_kind("nash")
    'nash'
    """
    if kind not in WELFARE_KINDS:
        raise ParameterError(f"unknown welfare kind {kind!r}; choose one of {list(WELFARE_KINDS)}")
    return cast(WelfareKind, kind)


def welfare_scores(game: NormalFormGame, kind: WelfareKind = "utilitarian") -> tuple[np.ndarray, int]:
    """Integer welfare scores for every joint action and their common denominator.

    Returns ``(scores, den)`` with W(a) = scores[a] / den exactly; ``scores`` has shape
    ``game.shape`` and can be compared, maxed and argsorted exactly.

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> s, d = welfare_scores(prisoners_dilemma())
    >>> s.tolist(), d
    ([[6, 5], [5, 2]], 1)
    """
    check_kind(kind)
    t = game.table
    if kind == "utilitarian":
        return t.sum(axis=-1), game.denominator
    if kind == "egalitarian":
        return t.min(axis=-1), game.denominator
    if (t <= 0).any():
        bad = tuple(int(v) for v in np.argwhere((t <= 0).any(axis=-1))[0])
        raise ParameterError(f"Nash welfare needs positive payoffs; profile {bad} has a payoff <= 0")
    prod = t.astype(object).prod(axis=-1)
    return prod, game.denominator ** game.n_players


def welfare(game: NormalFormGame, profile: Profile, kind: WelfareKind = "utilitarian") -> Fraction:
    """Exact welfare of one pure profile.

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> welfare(prisoners_dilemma(), (0, 0))
    Fraction(6, 1)
    """
    prof = game.check_profile(profile)
    u = game.payoff(prof)
    check_kind(kind)
    if kind == "utilitarian":
        return Fraction(sum(u))
    if kind == "egalitarian":
        return Fraction(min(u))
    if any(v <= 0 for v in u):
        raise ParameterError(f"Nash welfare needs positive payoffs; profile {prof} has {[str(v) for v in u]}")
    out = Fraction(1)
    for v in u:
        out *= v
    return out


def optimum(game: NormalFormGame, kind: WelfareKind = "utilitarian") -> tuple[Fraction, tuple[Profile, ...]]:
    """W* = max over joint actions, and every profile attaining it (lexicographic order).

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> w, profs = optimum(public_goods(4, "8/5", 20))
    >>> w, profs
    (Fraction(128, 1), ((1, 1, 1, 1),))
    """
    scores, den = welfare_scores(game, kind)
    best = scores.max()
    profs = tuple(tuple(int(v) for v in row) for row in np.argwhere(scores == best))
    return Fraction(int(best), den), profs


def mixed_welfare(game: NormalFormGame, strategies: Sequence[Sequence[Any]], kind: WelfareKind = "utilitarian") -> Fraction:
    """Expected welfare of independent mixed strategies.

    Utilitarian welfare is the sum of expected payoffs; egalitarian and Nash welfare are
    taken *ex post* (the expectation of min_i u_i, resp. prod_i u_i, over outcomes).
    """
    check_kind(kind)
    probs = game.check_mixed(strategies)
    if kind == "utilitarian":
        return Fraction(sum(game.expected_payoffs(probs)))
    scores, den = welfare_scores(game, kind)
    t = scores.astype(object)
    for i in range(game.n_players - 1, -1, -1):
        t = np.tensordot(t, np.array(probs[i], dtype=object), axes=([i], [0]))
    total: Any = t.item() if hasattr(t, "item") else t
    return Fraction(total) / den
