r"""Aggregative games solved through the aggregate (``docs/background/model.md#8-compact-games``).

A one-type :class:`~contract_theory.games.compact.AggregativeGame` whose payoff has the
**aggregate form**

    f(x, X) = g0(X) + x g1(X) + h(x)

(Cournot u = x P(X) - C(x) and the commons u = x (K - X)/K are of this form) is solved without
enumerating count matrices.  Actions are put on an integer lattice: w x_b = base + step z_b with
integers z_b >= 0 (step the gcd of the differences), so the aggregate of any c players is
X = c base + step Z with Z = sum z_b an integer partial sum in 0..N max z.  Then, for c players
with counts C: the total payoff is c g0(X) + X_C g1(X) + H(C) with H(C) = sum_b C_b h(x_b), which
reads C only through (its partial sum, H(C)).  Dynamic programming over partial sums
(:meth:`AggregateForm.table`) gives, for every action set A, count c and partial sum Z, whether
some C on A reaches it and the largest and smallest H(C); a player on b is **content** at total
Z iff f(x_b, X(Z)) >= f(x_b', X(Z - z_b + z_b')) for every b', so the pure equilibria with total Z
are the count vectors on the content set A(Z) with partial sum Z.

Ties to the smallest profile (the dense rule: players in index order on their actions ascending)
are resolved by :meth:`AggregateForm.lex_first`: among count vectors with given (c, Z, H), the
one with the most players on the first action, then the second, ..., found greedily with the
DP tables of the action suffixes.

The form is detected exactly (:func:`aggregate_form`) on the payoff table F[b, Z] =
f(x_b, X(Z)) over the whole lattice, so it applies to payoffs given as a function as well as a
polynomial.  Complexity: m (N max z + 1) payoff evaluations; per action set used, a DP of
O(N * |A| * N max z) integer operations (vectorized over Z) and O(N * N max z) memory.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from contract_theory.errors import SizeLimitError
from contract_theory.games.compact import AggregativeGame, AnonymousGame, Counts

__all__ = ["AggregateForm", "aggregate_form", "lattice_cells", "MAX_LATTICE_CELLS"]

#: Largest DP table (count x partial sum cells) the aggregate engine builds; beyond it the counts engine
#: (or its refusal) applies.
MAX_LATTICE_CELLS = 4_000_000
#: Magnitude bound keeping every sum of the engine inside int64.
_SAFE = 1 << 56

#: One table per action set: (reachable, largest H, smallest H), each (N + 1) x L.
Table = tuple[np.ndarray, np.ndarray, np.ndarray]


@dataclass(frozen=True, eq=False)
class AggregateForm:
    """A one-type aggregative game in the aggregate form, on its integer lattice (module docstring).

    ``z[b]`` is action b's lattice offset, ``L = N max z + 1`` the number of partial sums;
    ``F[b, Z]``, ``G0[Z]``, ``G1[Z]`` and ``h[b]`` are integers over ``denominator`` with
    F[b, Z] = G0[Z] + z_b G1[Z] + h[b]; ``content[b, Z]`` says whether a player on b best-responds
    at total Z.
    """

    game: AnonymousGame
    z: tuple[int, ...]
    F: np.ndarray
    G0: np.ndarray
    G1: np.ndarray
    h: np.ndarray
    denominator: int
    content: np.ndarray
    _tables: dict[tuple[int, ...], Table] = field(default_factory=dict, repr=False)
    _lex: dict[tuple[tuple[int, ...], int, bool], np.ndarray] = field(default_factory=dict, repr=False)

    @property
    def n(self) -> int:
        """N."""
        return self.game.n_players

    @property
    def m(self) -> int:
        """Number of actions."""
        return len(self.z)

    @property
    def L(self) -> int:
        """Partial sums of the whole game: 0..N max z."""
        return int(self.F.shape[1])

    @property
    def n_content_sets(self) -> int:
        """How many distinct content sets A(Z) there are."""
        return len({self.content_set(Z) for Z in range(self.L)})

    @property
    def n_tables(self) -> int:
        """How many DP tables (:meth:`table`) a study builds: one per content set, per the set of
        all actions, and per suffix of these (ascending actions) that :meth:`lex_first`,
        :meth:`lex_table` and :meth:`vectors` complete a vector on."""
        sets = {self.content_set(Z) for Z in range(self.L)} | {tuple(range(self.m))}
        return len({tuple(sorted(A))[j:] for A in sets for j in range(len(A))})

    def study_cost(self, k: int | None) -> tuple[int, int]:
        """(entries held at once, entry operations in all) of the engine's DP tables and, unless
        ``k`` is ``None``, of the continuations of every bloc size 2..k, estimated before any of
        it is built.  With L partial sums, T tables (:attr:`n_tables`), S content sets, m actions
        and z the largest lattice offset:

        * held: T DP tables of (N + 1) x L (each entry a reach flag and two extreme H); with k,
          also the outsiders' two tables of (k z + 1) x L, the lexicographic tables (S + 1) x L x m
          of one bloc size (:meth:`clear_lex` forgets the previous size's) and the 4 (N + 1) x L
          temporaries of :meth:`lex_table`;
        * work: T N m L for the DP tables, then per bloc size c: 6 (c z + 1) L for the
          outsiders' tables and 6 (S + 1) m L (N + 1) for the lexicographic tables.

        The stability checks that follow a study are not counted (their work depends on the ties
        found).  O(L) to count the sets.

        Examples
        --------
        >>> from contract_theory.games.compact_library import cournot_compact
        >>> f = aggregate_form(cournot_compact(4, grid=(2, 3)))
        >>> f.L, f.n_content_sets, f.n_tables, f.study_cost(None), f.study_cost(4)
        (5, 3, 3, (75, 120), (265, 4080))
        """
        T, n, L, m = self.n_tables, self.n, self.L, self.m
        held, work = T * (n + 1) * L, T * n * m * L
        if k is None:
            return held, work
        S, zmax = self.n_content_sets, max(self.z)
        held += 2 * (k * zmax + 1) * L + (S + 1) * L * m + 4 * (n + 1) * L
        work += sum(6 * (c * zmax + 1) * L + 6 * (S + 1) * m * L * (n + 1) for c in range(2, k + 1))
        return held, work

    def clear_lex(self) -> None:
        """Forget the lexicographic tables (:meth:`lex_table`): one bloc size's are not reused by the next."""
        self._lex.clear()

    def content_set(self, Z: int) -> tuple[int, ...]:
        """A(Z): the actions whose players best-respond at total Z."""
        return tuple(int(b) for b in np.nonzero(self.content[:, Z])[0])

    def table(self, actions: tuple[int, ...]) -> Table:
        """(reach, hmax, hmin) for count vectors on ``actions``: ``reach[c, Z]`` whether some vector of c
        players has partial sum Z, ``hmax`` / ``hmin`` the extreme H there (0 where unreachable).
        Cached per action set.  Complexity O(N |A| L).
        """
        got = self._tables.get(actions)
        if got is not None:
            return got
        n, L = self.n, self.L
        reach = np.zeros((n + 1, L), dtype=bool)
        hmax = np.zeros((n + 1, L), dtype=np.int64)
        hmin = np.zeros((n + 1, L), dtype=np.int64)
        reach[0, 0] = True
        for c in range(1, n + 1):
            for b in actions:
                zb, hb = self.z[b], int(self.h[b])
                src = reach[c - 1, :L - zb]
                if not src.any():
                    continue
                old = reach[c, zb:]
                up, lo = hmax[c - 1, :L - zb] + hb, hmin[c - 1, :L - zb] + hb
                hmax[c, zb:] = np.where(src, np.where(old, np.maximum(hmax[c, zb:], up), up), hmax[c, zb:])
                hmin[c, zb:] = np.where(src, np.where(old, np.minimum(hmin[c, zb:], lo), lo), hmin[c, zb:])
                reach[c, zb:] = old | src
        self._tables[actions] = (reach, hmax, hmin)
        return reach, hmax, hmin

    def lex_first(self, actions: tuple[int, ...], c: int, Z: int, target: int, largest: bool) -> tuple[int, ...]:
        """The count vector (over all m actions) on ``actions`` with c players, partial sum Z and
        H = ``target`` (the largest H there when ``largest``, else the smallest) that has the most
        players on the first action, then the next: the smallest profile.  Complexity O(c m) lookups.
        """
        out = [0] * self.m
        acts = sorted(actions)
        for j, b in enumerate(acts):
            rest = tuple(acts[j + 1:])
            zb, hb = self.z[b], int(self.h[b])
            top = c if zb == 0 else min(c, Z // zb)
            for k in range(top, -1, -1):
                if self._completes(rest, c - k, Z - k * zb, target - k * hb, largest):
                    out[b] = k
                    c, Z, target = c - k, Z - k * zb, target - k * hb
                    break
            else:  # pragma: no cover - the caller asks only for reachable extremes
                raise ValueError(f"no count vector with {c} players and partial sum {Z} on actions {acts}")
        return tuple(out)

    def lex_table(self, actions: tuple[int, ...], c: int, largest: bool) -> np.ndarray:
        """:meth:`lex_first` for every partial sum at once: row Z is the count vector with c players on
        ``actions``, partial sum Z and the extreme H (largest when ``largest``) with the most players on
        the first actions; ``-1`` in every entry where no vector reaches Z.  Cached; O(m L c) vectorized.
        """
        key = (actions, c, largest)
        cached = self._lex.get(key)
        if cached is not None:
            return cached
        L = self.L
        reach, hmax, hmin = self.table(actions)
        ext = hmax if largest else hmin
        out = np.zeros((L, self.m), dtype=np.int64)
        cc = np.full(L, c, dtype=np.int64)
        ZZ = np.arange(L, dtype=np.int64)
        need = ext[c].copy()
        acts = sorted(actions)
        ks = np.arange(c + 1, dtype=np.int64)
        for j, b in enumerate(acts):
            rest = tuple(acts[j + 1:])
            if not rest:
                out[:, b] = cc
                break
            zb, hb = self.z[b], int(self.h[b])
            rc, rz, rn = cc[:, None] - ks[None, :], ZZ[:, None] - ks[None, :] * zb, need[:, None] - ks[None, :] * hb
            ok = (rc >= 0) & (rz >= 0) & (rz < L)
            R, HX, HN = self.table(rest)
            rcc, rzc = np.clip(rc, 0, self.n), np.clip(rz, 0, L - 1)
            ok &= R[rcc, rzc] & ((HX if largest else HN)[rcc, rzc] == rn)
            k = c - np.argmax(ok[:, ::-1], axis=1)
            k = np.where(ok.any(axis=1), k, 0)
            out[:, b] = k
            cc, ZZ, need = cc - k, ZZ - k * zb, need - k * hb
        out[~reach[c]] = -1
        self._lex[key] = out
        return out

    def _completes(self, rest: tuple[int, ...], c: int, Z: int, need: int, largest: bool) -> bool:
        if not rest:
            return c == 0 and Z == 0 and need == 0
        if Z < 0 or Z >= self.L:
            return False
        reach, hmax, hmin = self.table(rest)
        return bool(reach[c, Z]) and int((hmax if largest else hmin)[c, Z]) == need

    def vectors(self, actions: tuple[int, ...], c: int, Z: int, target: int | None = None) -> Iterator[tuple[int, ...]]:
        """Every count vector on ``actions`` with c players and partial sum Z (and H = ``target`` when
        given: the largest H there), in decreasing lexicographic order (smallest profile first)."""
        acts = sorted(actions)

        def rec(j: int, c: int, Z: int, need: int | None, prefix: list[int]) -> Iterator[tuple[int, ...]]:
            if j == len(acts):
                if c == 0 and Z == 0 and (need is None or need == 0):
                    out = [0] * self.m
                    for b, k in zip(acts, prefix):
                        out[b] = k
                    yield tuple(out)
                return
            b, rest = acts[j], tuple(acts[j + 1:])
            zb, hb = self.z[b], int(self.h[b])
            top = c if zb == 0 else min(c, Z // zb)
            for k in range(top, -1, -1):
                left = None if need is None else need - k * hb
                if rest:
                    zz = Z - k * zb
                    if zz < 0 or zz >= self.L:
                        continue
                    reach, hmax, _ = self.table(rest)
                    if not reach[c - k, zz] or (left is not None and int(hmax[c - k, zz]) != left):
                        continue
                yield from rec(j + 1, c - k, Z - k * zb, left, prefix + [k])
        yield from rec(0, c, Z, target, [])

    def counts(self, vector: tuple[int, ...]) -> Counts:
        """A count vector as the game's count matrix (one type)."""
        return (tuple(vector),)

    def fraction(self, x: int) -> Fraction:
        """An integer of the engine as the exact payoff it stands for."""
        return Fraction(int(x), self.denominator)

    # ------------------------------------------------------------------ the whole game
    def equilibrium_sums(self) -> list[int]:
        """The totals Z at which some pure equilibrium exists (every player content)."""
        out = []
        for Z in range(self.L):
            reach = self.table(self.content_set(Z))[0]
            if reach[self.n, Z]:
                out.append(Z)
        return out

    def welfare_of_sum(self, c: int, Z: int, H: int) -> int:
        """W = N g0 + Z g1 + H at total Z (integers over the denominator), the whole game of c = N."""
        return c * int(self.G0[Z]) + Z * int(self.G1[Z]) + H

    def no_contract(self, pessimistic: bool) -> tuple[Counts, int, tuple[Counts, ...]] | None:
        """The pure equilibrium of lowest (pessimistic) or highest welfare, ties to the smallest profile:
        (counts, welfare, the tied equilibria of that welfare, one per total), or ``None``."""
        best: list[tuple[int, int, int]] = []  # (welfare, Z, H)
        for Z in self.equilibrium_sums():
            reach, hmax, hmin = self.table(self.content_set(Z))
            H = int((hmin if pessimistic else hmax)[self.n, Z])
            best.append((self.welfare_of_sum(self.n, Z, H), Z, H))
        if not best:
            return None
        target = (min if pessimistic else max)(w for w, _, _ in best)
        tied = [self.lex_first(self.content_set(Z), self.n, Z, H, not pessimistic) for w, Z, H in best if w == target]
        tied.sort(reverse=True)
        return self.counts(tied[0]), target, tuple(self.counts(v) for v in tied)

    def optimum(self, max_listed: int) -> tuple[int, tuple[Counts, ...]]:
        """W* (integer over the denominator) and every optimal count matrix, in lexicographic order."""
        acts = tuple(range(self.m))
        reach, hmax, _ = self.table(acts)
        vals = [(self.welfare_of_sum(self.n, Z, int(hmax[self.n, Z])), Z) for Z in range(self.L) if reach[self.n, Z]]
        top = max(w for w, _ in vals)
        out: list[tuple[int, ...]] = []
        for w, Z in vals:
            if w != top:
                continue
            for v in self.vectors(acts, self.n, Z, int(hmax[self.n, Z])):
                out.append(v)
                if len(out) > max_listed:
                    raise SizeLimitError(f"more than {max_listed:,} optimal count matrices to list")
        out.sort()
        return top, tuple(self.counts(v) for v in out)

    def equilibria(self, max_listed: int) -> tuple[Counts, ...]:
        """Every pure equilibrium count matrix (lexicographic order), refused beyond ``max_listed``
        after counting them (:meth:`n_equilibria`) without listing."""
        total = self.n_equilibria()
        if total > max_listed:
            raise SizeLimitError(f"{self.game.title or 'the game'} has {total:,} pure equilibrium count matrices, "
                                 f"above the listing limit {max_listed:,}")
        out = [v for Z in self.equilibrium_sums() for v in self.vectors(self.content_set(Z), self.n, Z)]
        return tuple(sorted(self.counts(v) for v in out))

    def _ways(self, actions: tuple[int, ...], ordered: bool) -> np.ndarray:
        """Python-integer counts of the vectors (``ordered=False``) or profiles (``True``) with N players."""
        n, L = self.n, self.L
        if ordered:
            ways = np.zeros((n + 1, L), dtype=object)
            ways[0, 0] = 1
            for c in range(1, n + 1):
                ways[c] = 0
                for b in actions:
                    zb = self.z[b]
                    ways[c, zb:] = ways[c, zb:] + ways[c - 1, :L - zb]
            return ways[n]
        cnt = np.zeros((n + 1, L), dtype=object)
        cnt[0, 0] = 1
        for b in actions:
            zb = self.z[b]
            for c in range(1, n + 1):
                cnt[c, zb:] = cnt[c, zb:] + cnt[c - 1, :L - zb]
        return cnt[n]

    def n_equilibria(self, profiles: bool = False) -> int:
        """How many pure equilibria: count matrices, or profiles (``profiles=True``), by counting DP."""
        cache: dict[tuple[int, ...], np.ndarray] = {}
        total = 0
        for Z in self.equilibrium_sums():
            A = self.content_set(Z)
            if A not in cache:
                cache[A] = self._ways(A, profiles)
            total += int(cache[A][Z])
        return total


def aggregate_form(game: AnonymousGame) -> AggregateForm | None:
    """The game's :class:`AggregateForm` (cached), or ``None`` when it does not apply: not a one-type
    aggregative game, not of the form g0(X) + x g1(X) + h(x) on its lattice, a lattice above
    :data:`MAX_LATTICE_CELLS`, or payoffs too large for 64-bit sums.

    Examples
    --------
    >>> from contract_theory.games.compact_library import cournot_compact, volunteers_dilemma_compact
    >>> f = aggregate_form(cournot_compact(4, grid=(2, 3)))
    >>> f.z, f.L, aggregate_form(volunteers_dilemma_compact(3)) is None
    ((0, 1), 5, True)
    """
    if game in _FORMS:
        return _FORMS[game]
    form = _build(game)
    _FORMS[game] = form
    return form


_FORMS: weakref.WeakKeyDictionary[AnonymousGame, AggregateForm | None] = weakref.WeakKeyDictionary()


def lattice_cells(game: AnonymousGame) -> int | None:
    """The DP cells (N + 1) (N max z + 1) the aggregate engine needs for a one-type aggregative game
    (``None`` for other games), to compare with :data:`MAX_LATTICE_CELLS`; it does not check the
    payoff form.  O(m).

    Examples
    --------
    >>> from contract_theory.games.compact_library import commons_compact
    >>> lattice_cells(commons_compact(100)), lattice_cells(commons_compact(1000)) > MAX_LATTICE_CELLS
    (40501, True)
    """
    if not isinstance(game, AggregativeGame) or game.n_types != 1 or game.n_actions[0] < 2:
        return None
    wx = [game.weights[0] * x for x in game.values[0]]
    diffs = [v - min(wx) for v in wx]
    den = math.lcm(*(d.denominator for d in diffs))
    g = math.gcd(*(int(d * den) for d in diffs))
    if g == 0:
        return None
    zmax = max(int(d * den) // g for d in diffs)
    return (game.n_players + 1) * (game.n_players * zmax + 1)


def _lattice(game: AggregativeGame) -> tuple[Fraction, Fraction, list[int]] | None:
    wx = [game.weights[0] * x for x in game.values[0]]
    base = min(wx)
    diffs = [v - base for v in wx]
    den = math.lcm(*(d.denominator for d in diffs))
    g = math.gcd(*(int(d * den) for d in diffs))
    if g == 0:
        return None
    step = Fraction(g, den)
    z = [int(d / step) for d in diffs]
    cells = (game.n_players + 1) * (game.n_players * max(z) + 1)
    return (base, step, z) if cells <= MAX_LATTICE_CELLS else None


def _build(game: AnonymousGame) -> AggregateForm | None:
    if not isinstance(game, AggregativeGame) or game.n_types != 1 or game.n_actions[0] < 2:
        return None
    lat = _lattice(game)
    if lat is None:
        return None
    base, step, z = lat
    n, m = game.n_players, len(z)
    L = n * max(z) + 1
    xs = game.values[0]
    F = [[game.value(0, xs[b], n * base + step * Z) for Z in range(L)] for b in range(m)]
    b0, b1 = z.index(0), z.index(max(z))
    G0 = F[b0]
    G1 = [(F[b1][Z] - F[b0][Z] - F[b1][0] + F[b0][0]) / z[b1] for Z in range(L)]
    h = [F[b][0] - F[b0][0] for b in range(m)]
    if any(F[b][Z] != G0[Z] + z[b] * G1[Z] + h[b] for b in range(m) for Z in range(L)):
        return None
    den = math.lcm(*(v.denominator for row in F for v in row), *(v.denominator for v in G1))
    ints = [[int(v * den) for v in row] for row in F]
    g0 = [int(v * den) for v in G0]
    g1 = [int(v * den) for v in G1]
    hh = [int(v * den) for v in h]
    big = max(max(abs(v) for row in ints for v in row), max(abs(v) for v in g1), 1)
    if big * (n + 1) * L > _SAFE:
        return None
    Fa = np.array(ints, dtype=np.int64)
    content = np.ones((m, L), dtype=bool)
    for b in range(m):
        for b2 in range(m):
            if b2 == b:
                continue
            moved = np.arange(L) - z[b] + z[b2]
            inside = (moved >= 0) & (moved < L)
            other = Fa[b2, np.clip(moved, 0, L - 1)]
            content[b] &= ~inside | (Fa[b] >= other)
    return AggregateForm(game, tuple(z), Fa, np.array(g0, dtype=np.int64), np.array(g1, dtype=np.int64),
                         np.array(hh, dtype=np.int64), den, content)
