r"""Hypothesis strategies for games.

Model: ``docs/background/model.md#1-games``, ``docs/background/model.md#2-solution-concepts``,
``docs/background/model.md#3-contracts``, ``docs/background/model.md#4-partial-contracts``; issue 5:
conjecture search.

**Requires hypothesis** (in the ``test`` extra): importing this module without it raises an
:class:`ImportError` saying so.  The strategies are public so that researchers can state their own
conjectures as property tests::

    from hypothesis import given
    from contract_theory.search.strategies import games, social_dilemmas

    @given(games(players=(3, 3), payoffs=(0, 3)))
    def test_my_conjecture(game): ...

Shrinking.  Every strategy draws the number of players first, then the action counts, then the
payoffs, all as bounded integers, so hypothesis shrinks toward fewer players, fewer actions and
payoffs closer to 0 (integers in ``low..high`` shrink toward 0 when the range contains it, else
toward the bound nearest 0).

Strategies:

* :func:`games` — normal-form games by size and payoff range (integers, or small rationals with
  ``denominators``);
* :func:`symmetric_games` — a payoff that depends on one's own action and the *multiset* of the
  others' actions (invariant under every permutation of the players);
* :func:`prisoners_dilemmas` (T > R > P > S), :func:`public_goods_games` (linear public goods with
  1 < r < N), :func:`n_prisoners_dilemmas`, and :func:`social_dilemmas` (any of them);
* :func:`games_with_pure_equilibrium` — a drawn profile is made an equilibrium by raising each
  player's payoff there to the maximum over its deviations;
* :func:`games_with_inefficient_equilibria` — a pure equilibrium exists and no optimal profile is
  an equilibrium (filtered; cheap for small games).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

try:
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover - exercised only without the test extra
    raise ImportError("contract_theory.search.strategies needs hypothesis: pip install 'contract-theory[test]'") from exc

import numpy as np

from contract_theory.games.normal_form import NormalFormGame

__all__ = ["payoff_values", "games", "symmetric_games", "prisoners_dilemmas", "n_prisoners_dilemmas",
           "public_goods_games", "social_dilemmas", "games_with_pure_equilibrium",
           "games_with_inefficient_equilibria"]

Range = tuple[int, int]


def payoff_values(low: int = 0, high: int = 3, denominators: Sequence[int] = (1,)) -> st.SearchStrategy[Fraction]:
    """Exact payoffs k/d with d in ``denominators`` and low <= k/d <= high (shrinks toward 0, d first).

    Examples
    --------
    >>> from hypothesis import find
    >>> find(payoff_values(-2, 3), lambda v: True)
    Fraction(0, 1)
    """
    dens = sorted(set(int(d) for d in denominators))
    if not dens or dens[0] < 1:
        raise ValueError(f"denominators must be positive integers, got {list(denominators)}")
    if len(dens) == 1:  # the common case: no flatmap, which shrinks slowly
        d = dens[0]
        return st.integers(low * d, high * d).map(lambda k: Fraction(k, d))
    return st.sampled_from(dens).flatmap(
        lambda d: st.integers(low * d, high * d).map(lambda k: Fraction(k, d)))


def _payoff_table(draw: Any, shape: tuple[int, ...], low: int, high: int, denominators: Sequence[int]) -> np.ndarray:
    n = len(shape)
    size = n * math.prod(shape)
    vals = draw(st.lists(payoff_values(low, high, denominators), min_size=size, max_size=size))
    arr = np.empty(size, dtype=object)
    arr[:] = vals
    return arr.reshape(shape + (n,))


@st.composite
def games(draw: Any, players: Range = (2, 3), actions: Range = (2, 3), payoffs: Range = (0, 3),
          denominators: Sequence[int] = (1,)) -> NormalFormGame:
    """Normal-form games with ``players`` and per-player ``actions`` in the given (min, max) ranges.

    Payoffs are integers in ``payoffs`` (or k/d for d in ``denominators``).  Shrinks toward fewer
    players, fewer actions, payoffs near 0.
    """
    n = draw(st.integers(players[0], players[1]))
    shape = tuple(draw(st.integers(actions[0], actions[1])) for _ in range(n))
    return NormalFormGame(_payoff_table(draw, shape, payoffs[0], payoffs[1], denominators))


@st.composite
def symmetric_games(draw: Any, players: Range = (2, 3), actions: Range = (2, 3), payoffs: Range = (0, 3),
                    denominators: Sequence[int] = (1,)) -> NormalFormGame:
    """Symmetric games: u_i(a) = f(a_i, multiset of a_{-i}) for one drawn function f.

    Every player has the same m actions.  The multiset of the others' actions is encoded by its
    count vector; the payoff tensor is built by numpy indexing (no loop over joint actions).
    Such games satisfy :func:`contract_theory.contracting.coalitions.normal_form.is_symmetric`.
    """
    n = draw(st.integers(players[0], players[1]))
    m = draw(st.integers(actions[0], actions[1]))
    # all count vectors of n-1 others over m actions, in a fixed order
    counts = [c for c in np.ndindex(*(n,) * m) if sum(c) == n - 1]
    index = {c: k for k, c in enumerate(counts)}
    size = m * len(counts)
    vals = draw(st.lists(payoff_values(payoffs[0], payoffs[1], denominators), min_size=size, max_size=size))
    f = np.empty((m, len(counts)), dtype=object)
    f.reshape(-1)[:] = vals
    grid = np.moveaxis(np.indices((m,) * n), 0, -1)           # (m,)*n + (n,)
    onehot = np.eye(m, dtype=np.int64)[grid]                    # (m,)*n + (n, m)
    total = onehot.sum(axis=-2, keepdims=True)                  # counts of all actions
    others = total - onehot                                     # counts of the others', per player
    radix = n ** np.arange(m)
    code = (others * radix).sum(axis=-1)                        # (m,)*n + (n,)
    lookup = np.full(n ** m, -1, dtype=np.int64)
    for c, k in index.items():
        lookup[int(np.dot(c, radix))] = k
    pay = f[grid, lookup[code]]
    return NormalFormGame(pay, title="symmetric game")


@st.composite
def prisoners_dilemmas(draw: Any, payoffs: Range = (0, 5)) -> NormalFormGame:
    """Two-player prisoner's dilemmas with integer S < P < R < T in ``payoffs`` (needs a range of >= 4 values).

    Drawn as S and three positive gaps, so shrinking goes to (T, R, P, S) = (3, 2, 1, 0) + low.
    """
    from contract_theory.games.library import prisoners_dilemma

    low, high = payoffs
    if high - low < 3:
        raise ValueError(f"a prisoner's dilemma needs at least 4 distinct payoffs in {low}..{high}")
    s = draw(st.integers(low, high - 3))
    p = draw(st.integers(s + 1, high - 2))
    r = draw(st.integers(p + 1, high - 1))
    t = draw(st.integers(r + 1, high))
    return prisoners_dilemma(T=t, R=r, P=p, S=s)


@st.composite
def n_prisoners_dilemmas(draw: Any, players: Range = (2, 5), max_benefit: int = 6) -> NormalFormGame:
    """N-player prisoner's dilemmas (library ``n_prisoners_dilemma``) with integers 0 < c < b <= max_benefit."""
    from contract_theory.games.library import n_prisoners_dilemma

    n = draw(st.integers(players[0], players[1]))
    c = draw(st.integers(1, max_benefit - 1))
    b = draw(st.integers(c + 1, max_benefit))
    return n_prisoners_dilemma(n, b, c)


@st.composite
def public_goods_games(draw: Any, players: Range = (2, 5), endowment: Range = (1, 4),
                       r_denominator: int = 4) -> NormalFormGame:
    """Linear public goods games (library ``public_goods``): 1 < r < N, r a multiple of 1/``r_denominator``."""
    from contract_theory.games.library import public_goods

    n = draw(st.integers(max(2, players[0]), players[1]))
    k = draw(st.integers(r_denominator + 1, n * r_denominator - 1))
    e = draw(st.integers(endowment[0], endowment[1]))
    return public_goods(n, Fraction(k, r_denominator), e)


def social_dilemmas(players: Range = (2, 4)) -> st.SearchStrategy[NormalFormGame]:
    """Any of: a 2-player PD, an N-player PD, a linear public goods game (N in ``players``)."""
    return st.one_of(prisoners_dilemmas(), n_prisoners_dilemmas(players), public_goods_games(players))


@st.composite
def games_with_pure_equilibrium(draw: Any, players: Range = (2, 3), actions: Range = (2, 3),
                                payoffs: Range = (0, 3)) -> NormalFormGame:
    """Games with at least one pure Nash equilibrium (integer payoffs).

    A profile a is drawn and each player's payoff at a is raised to the maximum of its payoffs
    over its own deviations from a, which makes a an equilibrium and keeps payoffs in range.
    """
    g = draw(games(players, actions, payoffs))
    prof = tuple(draw(st.integers(0, m - 1)) for m in g.shape)
    t = np.array(g.table, dtype=np.int64)
    for i in range(g.n_players):
        idx = list(prof)
        idx[i] = slice(None)
        t[prof + (i,)] = t[tuple(idx) + (i,)].max()
    return NormalFormGame(t)


def games_with_inefficient_equilibria(players: Range = (2, 3), actions: Range = (2, 2),
                                      payoffs: Range = (0, 3)) -> st.SearchStrategy[NormalFormGame]:
    """Games with a pure equilibrium where no welfare-optimal profile is an equilibrium (a dilemma)."""
    from contract_theory.equilibria.pure import pure_nash_mask
    from contract_theory.equilibria.welfare import welfare_scores

    def inefficient(g: NormalFormGame) -> bool:
        s, _ = welfare_scores(g)
        return not bool(pure_nash_mask(g)[s == s.max()].any())

    return games_with_pure_equilibrium(players, actions, payoffs).filter(inefficient)
