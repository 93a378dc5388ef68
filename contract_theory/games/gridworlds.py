r"""Small gridworld versions of Cleanup and Harvest, compiled to exact Markov games (docs/background/model.md#1-games).

The sequential social dilemmas of the contracting paper (Christoffersen et al. 2022, arXiv
2208.10469, section 5; after Hughes et al. 2018 and Perolat et al. 2017) on a few cells, small
enough that every K-coalition can be solved exactly (pure MPE, W_k, the protocol) for 2 and 3
agents, and still learned by our Q-learner and trained on through PettingZoo.  Agents stand on
fixed cells (movement is abstracted away; the state is what grows and what is polluted).  Every
array is built by numpy broadcasting over the joint-action grid.

**Harvest** (:func:`harvest_gridworld`).  An orchard of ``cells`` cells in a row, each with or
without an apple: 2^cells states, named by strings such as ``"A.A"`` (``A`` = apple).  Agent i
stands on cell ``i mod cells``; actions ``Harvest`` / ``Restrain``.  An agent that harvests on a
cell with an apple earns 1, split equally among the agents harvesting that cell; harvested apples
disappear.  **Regrowth rule**: after the harvest, every empty cell grows an apple independently with
probability ``regrow * (apple neighbours) / 2`` (left and right neighbours, counted after the
harvest; a cell at an end of the row has one possible neighbour): apples spread from apples, and an
empty orchard stays empty forever -- the commons tragedy.  Restraint keeps the seed apples.

**Cleanup** (:func:`cleanup_gridworld`).  A river of ``river`` cells, each clean or dirty, and one
orchard cell: states (d, a) with d dirty river cells (the cells are interchangeable, so d suffices)
and a in {apple, none}: 2 (river + 1) states, named like ``"d1+A"`` / ``"d1-"``.  Actions ``Harvest``
/ ``Clean``.  Harvest on an apple earns 1, split among the harvesters; each cleaner cleans one dirty
cell (d decreases by the number of cleaners, not below 0) and earns 0.  **Pollution and regrowth
rule**: after cleaning, one clean cell (if any) turns dirty with probability ``pollute``; an empty
orchard grows an apple with probability ``regrow * (river - d') / river`` where d' is the dirt after
cleaning (before the new pollution).  Cleaning is a public good, harvesting a private gain.

State counts and exact solve times (measured on the shared 2-core machine: the pure MPE, then
``contract_theory.api.partial_contract_analysis`` with K = n (every coalition's bloc game), then ``contract_theory.api.spe_solve``
on the pairs' penalty menu, all together, as in ``tests/test_gridworlds.py``):

=========================== ======== ================ ======================= ======
game                        states   joint policies   W_1 / W_2 / W_3 ; W*    solve
=========================== ======== ================ ======================= ======
harvest, 2 agents, 3 cells  8        4^8 = 65536      17/4, 11/2 ; 11/2       ~ 9 s
harvest, 3 agents, 2 cells  4        8^4 = 4096       2, 13/4, 13/4 ; 13/4    ~ 2 s
cleanup, 2 agents, river 2  6        4^6 = 4096       8261/1061, 10 ; 10      ~ 1 s
cleanup, 3 agents, river 1  4        8^4 = 4096       209/29, 10, 10 ; 10     ~ 2 s
=========================== ======== ================ ======================= ======

Larger boards are refused (``cells``, ``river`` at most 3, ``n`` at most 3): the enumeration of
prod_i m_i^|S| stationary policies grows too fast beyond them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np

from contract_theory.errors import ParameterError
from contract_theory.exact.numbers import fmt, to_fraction
from contract_theory.games.markov import MarkovGame

__all__ = ["harvest_gridworld", "cleanup_gridworld", "GRIDWORLDS"]


def _param(x: Any, name: str, low: Fraction, high: Fraction) -> Fraction:
    f = to_fraction(x, what=f"parameter {name}")
    if not low <= f <= high:
        raise ParameterError(f"parameter {name} must lie in [{fmt(low)}, {fmt(high)}], got {fmt(f)}")
    return f


def _count(x: Any, name: str, low: int, high: int) -> int:
    f = to_fraction(x, what=f"parameter {name}")
    if f.denominator != 1 or not low <= f <= high:
        raise ParameterError(f"parameter {name} must be an integer in [{low}, {high}] (the exact analysis "
                             f"enumerates every stationary policy), got {x!r}")
    return int(f)


def _discount(x: Any) -> Fraction:
    g = to_fraction(x, what="discount")
    if not 0 <= g < 1:
        raise ParameterError(f"discount must lie in [0, 1), got {fmt(g)}")
    return g


def _objects(a: np.ndarray) -> np.ndarray:
    out = np.empty(a.shape, dtype=object)
    out.reshape(-1)[:] = [Fraction(x) for x in a.reshape(-1).tolist()]
    return out


def _where(cond: np.ndarray, a: Any, b: Any) -> np.ndarray:
    """``np.where`` over object arrays of Fractions (exact scalars broadcast)."""
    return np.where(cond, a, b)


def _shares(grid: np.ndarray, where: np.ndarray, available: np.ndarray) -> np.ndarray:
    """Reward of each agent: 1 / (#harvesters on its cell) if it harvests there and an apple is available.

    ``grid[..., i]`` = 1 if agent i harvests; ``where[i]`` = agent i's cell; ``available[..., c]`` =
    apple on cell c (broadcast against the joint-action axes).  Exact Fractions, broadcast.
    """
    n = grid.shape[-1]
    onehot = (where[:, None] == np.arange(int(where.max()) + 1)[None, :]).astype(np.int64)   # (n, cells)
    per_cell = grid @ onehot                                                                   # harvesters per cell
    mine = per_cell[..., where]                                                                # (..., n)
    got = grid * np.take(available, where, axis=-1)
    num = _objects(got)
    den = _objects(np.maximum(mine, 1))
    return num / den if n else num


def harvest_gridworld(n: Any = 2, cells: Any = 3, regrow: Any = "1/2", discount: Any = "9/10") -> MarkovGame:
    """Harvest on a row of ``cells`` cells (module docstring): 2^cells states, ``n`` agents.

    Examples
    --------
    >>> g = harvest_gridworld(2, 2)
    >>> g.states, g.actions[0]
    (('..', '.A', 'A.', 'AA'), ('Harvest', 'Restrain'))
    >>> g.transition("AA", ("Harvest", "Restrain")), g.reward("AA", ("Harvest", "Harvest"))
    ({'.A': Fraction(3, 4), 'AA': Fraction(1, 4)}, (Fraction(1, 1), Fraction(1, 1)))
    """
    n = _count(n, "n", 1, 3)
    C = _count(cells, "cells", 1, 3)
    p = _param(regrow, "regrow", Fraction(0), Fraction(1))
    g = _discount(discount)
    S = 2 ** C
    bits = np.array(list(itertools.product((0, 1), repeat=C)), dtype=np.int64)            # (S, C), state order
    names = ["".join("A" if b else "." for b in row) for row in bits]
    grid = 1 - np.moveaxis(np.indices((2,) * n, dtype=np.int64), 0, -1)                     # 1 = Harvest (action 0)
    where = np.arange(n) % C
    harvested = (grid[..., :, None] * (where[:, None] == np.arange(C)[None, :])).max(axis=-2)   # (2,)*n + (C,)
    after = bits.reshape((S,) + (1,) * n + (C,)) * (1 - harvested)[None]                   # (S, 2..., C)
    rew = _shares(grid[None], where, bits.reshape((S,) + (1,) * n + (C,)))                 # (S, 2..., n)
    # regrowth of each empty cell: regrow * (apple neighbours after the harvest) / 2
    padded = np.pad(after, [(0, 0)] * (after.ndim - 1) + [(1, 1)])
    neigh = padded[..., :-2] + padded[..., 2:]
    grow = _objects(neigh) * (p / 2)
    one = _where(after == 1, Fraction(1), grow)                                         # P(apple next) per cell
    zero = 1 - one
    # P(s' | s, a) = prod_c (one if s'_c else zero): broadcast over next states
    nb = bits.reshape((1,) * (n + 1) + (S, C))
    trans = _where(nb == 1, one[..., None, :], zero[..., None, :]).prod(axis=-1)
    return MarkovGame([f"P{i}" for i in range(n)], names, [("Harvest", "Restrain")] * n, trans, rew, g,
                      {names[-1]: 1},
                      title=f"harvest gridworld (n={n}, cells={C}, regrow={fmt(p)}, discount={fmt(g)})")


def cleanup_gridworld(n: Any = 2, river: Any = 2, pollute: Any = "1/2", regrow: Any = 1,
                      discount: Any = "9/10") -> MarkovGame:
    """Cleanup with a river of ``river`` cells and one orchard cell (module docstring): 2 (river + 1) states.

    Examples
    --------
    >>> g = cleanup_gridworld(2, 1)
    >>> g.states
    ('d0-', 'd0+A', 'd1-', 'd1+A')

    From a dirty river without an apple one cleaner makes it clean: the apple grows for sure
    (regrow * 1/1 = 1) and the river is re-polluted with probability 1/2; two harvesters split an apple:

    >>> g.transition("d1-", ("Clean", "Harvest")), g.reward("d0+A", ("Harvest", "Harvest"))
    ({'d0+A': Fraction(1, 2), 'd1+A': Fraction(1, 2)}, (Fraction(1, 2), Fraction(1, 2)))
    """
    n = _count(n, "n", 1, 3)
    D = _count(river, "river", 1, 3)
    pp = _param(pollute, "pollute", Fraction(0), Fraction(1))
    pr = _param(regrow, "regrow", Fraction(0), Fraction(1))
    g = _discount(discount)
    d = np.repeat(np.arange(D + 1), 2)                                                     # state -> dirt
    a = np.tile(np.arange(2), D + 1)                                                       # state -> apple
    S = len(d)
    names = [f"d{x}{'+A' if y else '-'}" for x, y in zip(d, a)]
    grid = 1 - np.moveaxis(np.indices((2,) * n, dtype=np.int64), 0, -1)                     # 1 = Harvest
    cleaners = (1 - grid).sum(axis=-1)                                                     # (2,)*n
    harvesters = grid.sum(axis=-1)
    ex = (slice(None),) + (None,) * n
    rew = _shares(grid[None], np.zeros(n, dtype=np.int64), a[ex][..., None])
    d1 = np.maximum(d[ex] - cleaners[None], 0)                                             # dirt after cleaning
    apple_left = a[ex] * (harvesters[None] == 0)                                           # apple survives?
    p_apple = _where(apple_left == 1, Fraction(1), _objects(D - d1) * Fraction(pr, D))
    p_dirty = _where(d1 < D, pp, Fraction(0))
    trans = np.empty((S,) + (2,) * n + (S,), dtype=object)
    trans[...] = Fraction(0)
    for t in range(S):  # next states (few): (dirt, apple) = (d1 + polluted, grown)
        dt, at = int(d[t]), int(a[t])
        pa = p_apple if at else 1 - p_apple
        pd = _where(d1 == dt, 1 - p_dirty, Fraction(0)) + _where(d1 + 1 == dt, p_dirty, Fraction(0))
        trans[..., t] = pa * pd
    return MarkovGame([f"P{i}" for i in range(n)], names, [("Harvest", "Clean")] * n, trans, rew, g,
                      {names[1]: 1},
                      title=f"cleanup gridworld (n={n}, river={D}, pollute={fmt(pp)}, regrow={fmt(pr)}, "
                            f"discount={fmt(g)})")


#: Name -> constructor (registered in the Markov library's spec names).
GRIDWORLDS: dict[str, Callable[..., MarkovGame]] = {"harvest_gridworld": harvest_gridworld, "cleanup_gridworld": cleanup_gridworld}
