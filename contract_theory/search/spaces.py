r"""Finite spaces of games searched for counterexamples, and their enumeration.

A :class:`GameSpace` is players x actions x payoffs ``k / denominator`` in ``[low, high]``.
:func:`enumerate_tables` lists every payoff table of a shape, in order of increasing (largest payoff
magnitude, total), reduced to one representative per orbit of the relabelling group (player
permutations preserving the shape times action permutations of each player) when the claim is
invariant; e.g. all 2x2 games with payoffs in 0..3: 65,536 tables, 8,356 orbits.
:func:`random_tables` is the seeded stream of random games.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from contract_theory.errors import ParameterError, ParseError
from contract_theory.games.normal_form import NormalFormGame
from contract_theory.games.size import check_payoff_tensor

__all__ = ["GameSpace", "parse_range", "enumerate_tables", "random_tables"]


def parse_range(text: str | int | Sequence[int], what: str = "range") -> tuple[int, int]:
    """``"0..3"`` -> (0, 3); ``"3"`` or 3 -> (3, 3); negative bounds allowed (``"-2..2"``).

    Examples
    --------
    >>> parse_range("0..3"), parse_range("-1..2"), parse_range(2)
    ((0, 3), (-1, 2), (2, 2))
    """
    if isinstance(text, (tuple, list)):
        lo, hi = int(text[0]), int(text[-1])
    elif isinstance(text, int):
        lo = hi = text
    else:
        s = str(text).strip()
        try:
            if ".." in s:
                a, b = s.split("..", 1)
                lo, hi = int(a), int(b)
            else:
                lo = hi = int(s)
        except ValueError:
            raise ParseError(f"{what} must be an integer or LOW..HIGH", token=s) from None
    if lo > hi:
        raise ParameterError(f"{what} {lo}..{hi} is empty")
    return lo, hi


@dataclass(frozen=True)
class GameSpace:
    """A finite space of games: players, actions per player, payoffs k/denominator with k/den in [low, high].

    ``players`` and ``actions`` are (min, max) ranges.  ``shapes()`` lists every shape, smallest first.

    Examples
    --------
    >>> s = GameSpace(players=(2, 2), actions=(2, 2), low=0, high=3)
    >>> s.shapes(), s.size()
    ([(2, 2)], 65536)
    """

    players: tuple[int, int] = (2, 2)
    actions: tuple[int, int] = (2, 2)
    low: int = 0
    high: int = 3
    denominator: int = 1

    def __post_init__(self) -> None:
        if not 2 <= self.players[0] <= self.players[1]:
            raise ParameterError(f"players must be a range with 2 <= min <= max, got {self.players}")
        if not 1 <= self.actions[0] <= self.actions[1]:
            raise ParameterError(f"actions must be a range with 1 <= min <= max, got {self.actions}")
        if self.low > self.high:
            raise ParameterError(f"payoff range {self.low}..{self.high} is empty")
        if self.denominator < 1:
            raise ParameterError(f"denominator must be a positive integer, got {self.denominator}")
        # the largest game of the space is built for every draw: refuse it before the search starts
        check_payoff_tensor((self.actions[1],) * self.players[1], "payoff tensor of the search's largest game")

    @property
    def values(self) -> int:
        """Number of payoff values: (high - low) * denominator + 1."""
        return (self.high - self.low) * self.denominator + 1

    def shapes(self) -> list[tuple[int, ...]]:
        out = []
        for n in range(self.players[0], self.players[1] + 1):
            out += list(itertools.product(range(self.actions[0], self.actions[1] + 1), repeat=n))
        return sorted(out, key=lambda s: (len(s), sum(s), s))

    def size(self) -> int:
        """Number of payoff tables in the space (before any symmetry reduction)."""
        return sum(self.values ** (len(s) * math.prod(s)) for s in self.shapes())

    def game(self, ints: np.ndarray) -> NormalFormGame:
        """The game whose payoffs are ``ints / denominator`` (ints of shape ``shape + (n,)``)."""
        if self.denominator == 1:
            return NormalFormGame(np.asarray(ints, dtype=np.int64))
        arr = np.asarray(ints, dtype=object)
        fr = np.empty(arr.shape, dtype=object)
        fr.reshape(-1)[:] = [Fraction(int(v), self.denominator) for v in arr.reshape(-1)]
        return NormalFormGame(fr)


def _group(shape: tuple[int, ...]) -> list[tuple[list[int], list[list[int]]]]:
    """Relabellings (player order, per-player action orders) preserving the shape."""
    n = len(shape)
    orders = [list(o) for o in itertools.permutations(range(n)) if all(shape[o[k]] == shape[k] for k in range(n))]
    acts = list(itertools.product(*(list(itertools.permutations(range(m))) for m in shape)))
    return [(o, [list(a) for a in ac]) for o in orders for ac in acts]


def _apply(batch: np.ndarray, order: list[int], acts: list[list[int]]) -> np.ndarray:
    """Relabel a batch (B, *shape, n): new player k = old player order[k]; then permute actions."""
    n = len(order)
    out = np.transpose(batch, [0] + [1 + o for o in order] + [n + 1])[..., order]
    for i, perm in enumerate(acts):
        out = np.take(out, perm, axis=1 + i)
    return out


def enumerate_tables(space: GameSpace, shape: tuple[int, ...], invariant: bool, cap: int) -> np.ndarray | None:
    """All payoff tables (as value offsets 0..V-1) of ``shape``, one per orbit if ``invariant``.

    Ordered by (largest |payoff|, sum of |payoffs|, code).  ``None`` when there are more than ``cap``
    tables to enumerate.
    """
    n = len(shape)
    entries = n * math.prod(shape)
    V = space.values
    total = V ** entries
    if total > cap:
        return None
    codes = np.arange(total, dtype=np.int64)
    digits = np.empty((total, entries), dtype=np.int64)
    rest = codes.copy()
    for e in range(entries):
        digits[:, e] = rest % V
        rest //= V
    batch = digits.reshape((total,) + shape + (n,))
    if invariant:
        weights = V ** np.arange(entries, dtype=np.int64)
        canon = codes.copy()
        for order, acts in _group(shape):
            moved = _apply(batch, order, acts).reshape(total, entries)
            canon = np.minimum(canon, moved @ weights)
        batch = batch[canon == codes]
    vals = np.abs(batch.reshape(len(batch), -1) + space.low * space.denominator)
    key = np.lexsort((np.arange(len(batch)), vals.sum(axis=1), vals.max(axis=1)))
    return batch[key]


def random_tables(space: GameSpace, rng: np.random.Generator) -> Iterator[np.ndarray]:
    """The random stream: each game's shape uniform among ``space.shapes()``, then its payoffs uniform.

    Endless; the same ``rng`` state gives the same games in the same order.

    Examples
    --------
    >>> t = next(random_tables(GameSpace(), np.random.default_rng(0)))
    >>> t.shape, bool(((0 <= t) & (t <= 3)).all())
    ((2, 2, 2), True)
    """
    shapes = space.shapes()
    lo, hi = space.low * space.denominator, space.high * space.denominator
    while True:
        shape = shapes[int(rng.integers(len(shapes)))]
        yield rng.integers(lo, hi + 1, size=shape + (len(shape),))
