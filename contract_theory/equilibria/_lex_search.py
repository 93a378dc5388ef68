"""Driver of the compiled depth-first vertex search, and its Python-integer continuation.

:mod:`contract_theory.equilibria._lex_kernel` runs the search on a state held in numpy
arrays (tableau, depth-first path, hash tables of visited bases and seen vertices, vertex
store).  :class:`CompiledSearch` allocates that state, enlarges a table when the kernel asks
(status ``GROW``), and, when the kernel's 128-bit tier cannot prove a pivot (status
``OVERFLOW``), continues the *same* search from the same step in Python integers
(:class:`_PythonTier`): same path, same visited bases, same vertices -- nothing is redone.

Only :mod:`contract_theory.equilibria.vertex_enumeration` uses this module, and only when
numba is installed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["CompiledSearch", "SearchResult"]

_TWO64 = 1 << 64
_TWO128 = 1 << 128


def _join(hi: int | np.integer[Any], lo: int | np.integer[Any]) -> int:
    """The signed 128-bit integer of two unsigned words."""
    v = (int(hi) << 64) | int(lo)
    return v - _TWO128 if v >= 1 << 127 else v


@dataclass
class SearchResult:
    """Vertices found: ``masks`` (V,) label bit masks, coordinates and determinants as
    high/low words (rows from the compiled tiers) plus ``extra`` rows from the Python tier,
    ``(mask, coords, det)`` with Python ints; ``n_bases`` lex-feasible bases visited;
    ``tier`` the widest arithmetic used (1: int64, 2: 128 bits, 3: Python ints)."""

    masks: np.ndarray
    hi: np.ndarray
    lo: np.ndarray
    det_hi: np.ndarray
    det_lo: np.ndarray
    n_bases: int
    tier: int
    extra: list[tuple[int, list[int], int]] = field(default_factory=list)


class CompiledSearch:
    """All lex-feasible bases of {z >= 0 : M z <= 1} by the compiled kernel (``kernel``, the
    :mod:`~contract_theory.equilibria._lex_kernel` module), M a positive ``int64`` k x d matrix
    with d + k <= 62.  :meth:`run` returns the kernel status: OK, TOO_MANY_VERTICES or
    TOO_MANY_BASES (never GROW or OVERFLOW: those are handled here)."""

    def __init__(self, kernel: Any, M: np.ndarray, max_vertices: int, max_bases: int) -> None:
        self.kernel = kn = kernel
        k, d = M.shape
        iv = np.zeros(kn.IV_SIZE, dtype=np.int64)
        iv[kn.K], iv[kn.D], iv[kn.MAXV], iv[kn.MAXB] = k, d, max_vertices, max_bases
        TT = np.zeros((2, 2, k, d + 1), dtype=np.uint64)  # [buffer, hi/lo word, row, column]
        TT[0, 1, :, :d] = M.astype(np.int64).view(np.uint64)
        TT[0, 1, :, d] = 1
        #: iv (scalars, basis), TT (tableau buffers), RM (row magnitudes per buffer, 2 scratch rows),
        #: path, visited, seen, V
        iv = np.concatenate([iv, np.zeros(2 * k + d, np.int64)])  # the basis lives in iv[B0:]
        self.arrays = [iv, TT, np.zeros((4, k)), np.empty((1024, 3), np.int64),
                       np.full(4096, kn.EMPTY, np.int64), np.full(4096, kn.EMPTY, np.int64),
                       np.zeros((1024, 2 * d + 3), np.uint64)]
        self.extra: list[tuple[int, list[int], int]] = []
        self.tier = 1

    def _grow(self) -> None:
        kn, a = self.kernel, self.arrays
        what = int(a[0][kn.GROW_WHAT])
        if what in (kn.G_PATH, kn.G_VERTICES):
            idx = 3 if what == kn.G_PATH else 6
            a[idx] = np.concatenate([a[idx], np.zeros_like(a[idx])])
        else:
            idx = 4 if what == kn.G_VISITED else 5
            new = np.full(2 * len(a[idx]), kn.EMPTY, np.int64)
            kn.rehash(a[idx], new)
            a[idx] = new

    def run(self) -> int:
        """Run the search to its end or a limit (module docstring)."""
        kn = self.kernel
        status = kn.start(*self.arrays)
        while status in (kn.OK, kn.GROW):
            status = kn.run(*self.arrays)
            if status != kn.GROW:
                break
            self._grow()
        self.tier = 2 if self.arrays[0][kn.PIVOTS128] or self.arrays[0][kn.TIER] == 2 else 1
        if status == kn.OVERFLOW:
            status = _PythonTier(self).run()
            self.tier = 3
        return int(status)

    def result(self) -> SearchResult:
        """The vertices found so far."""
        kn, iv, V = self.kernel, self.arrays[0], self.arrays[6]
        nv, d = int(iv[kn.NVERT]), int(iv[kn.D])
        V = V[:nv]
        return SearchResult(V[:, 0].view(np.int64), V[:, 1:1 + d], V[:, 1 + d:1 + 2 * d], V[:, 1 + 2 * d],
                            V[:, 2 + 2 * d], int(iv[kn.NBASES]), self.tier, self.extra)


class _PythonTier:
    """The depth-first search of the kernel, continued in Python integers from its state."""

    def __init__(self, search: CompiledSearch) -> None:
        kn = search.kernel
        iv, TT, _, path, visited, seen, _ = search.arrays
        bas = iv[kn.B0:]
        self.search, self.kn, self.iv = search, kn, iv
        self.k, self.d = int(iv[kn.K]), int(iv[kn.D])
        U = TT[int(iv[kn.CUR])]
        if int(iv[kn.TIER]) == 1:  # pragma: no cover - the kernel widens before it overflows
            U = np.stack([(U[1].view(np.int64) >> 63).view(np.uint64), U[1]])
        flat = [_join(h, lo) for h, lo in zip(U[0].reshape(-1).tolist(), U[1].reshape(-1).tolist())]
        self.T = np.empty(len(flat), dtype=object)
        self.T[:] = flat
        self.T = self.T.reshape(U.shape[1:])
        if int(iv[kn.TIER]) == 1:  # pragma: no cover
            self.det = int(iv[kn.DET])
        else:
            self.det = _join(np.uint64(iv[kn.DETHI]), np.uint64(iv[kn.DETLO]))
        self.basis = [int(b) for b in bas[: self.k + self.d]]
        self.path = [[int(x) for x in row] for row in path[: int(iv[kn.DEPTH])]]
        self.visited = set(visited[visited != kn.EMPTY].tolist())
        self.seen = set(seen[seen != kn.EMPTY].tolist())
        self.key = int(iv[kn.KEY])

    # ------------------------------------------------------------------ arithmetic
    def _lex_row(self, i: int) -> list[int]:
        """(rhs_i, det (B^{-1})_{i,.}) of row i: slack j's column, or det * e_i when basic."""
        k, d, T, basis = self.k, self.d, self.T, self.basis
        out = [int(T[i, d])] + [0] * k
        for pos in range(d):
            if basis[k + pos] >= d:
                out[1 + basis[k + pos] - d] = int(T[i, pos])
        if basis[i] >= d:
            out[1 + basis[i] - d] = self.det
        return out

    def _leaving_row(self, e: int) -> int:
        """The lexicographic ratio test, first component by cross products of Python ints."""
        col, rhs = self.T[:, e].tolist(), self.T[:, self.d].tolist()
        best = -1
        for i, t in enumerate(col):
            if t <= 0:
                continue
            if best < 0:
                best = i
                continue
            a, b = rhs[i] * col[best], rhs[best] * t
            if a < b or (a == b and self._lex_less(i, best, e)):
                best = i
        return best

    def _lex_less(self, a: int, b: int, e: int) -> bool:
        """Whether row a's ratio vector is lexicographically below row b's (rows tie on the rhs)."""
        ta, tb = int(self.T[a, e]), int(self.T[b, e])
        for x, y in zip(self._lex_row(a), self._lex_row(b)):
            if x * tb != y * ta:
                return x * tb < y * ta
        return False

    def _pivot(self, r: int, e: int) -> None:
        T, det = self.T, self.det
        p = T[r, e]
        col, row = T[:, e].copy(), T[r].copy()
        out = (p * T - col[:, None] * row[None, :]) // det
        out[:, e] = -col
        out[r] = row
        out[r, e] = det
        self.T, self.det = out, int(p)
        k = self.k
        self.basis[r], self.basis[k + e] = self.basis[k + e], self.basis[r]

    # ------------------------------------------------------------------ search
    def _record(self) -> bool:
        """Store the current vertex if new; False past max_vertices."""
        kn, k, d = self.kn, self.k, self.d
        tight = ((1 << (d + k)) - 1) ^ self.key
        for i in range(k):
            if self.T[i, d] == 0:
                tight |= 1 << self.basis[i]
        if tight in self.seen:
            return True
        if int(self.iv[kn.NVERT]) + len(self.search.extra) >= int(self.iv[kn.MAXV]):
            return False
        self.seen.add(tight)
        coords = [0] * d
        for i in range(k):
            if self.basis[i] < d:
                coords[self.basis[i]] = int(self.T[i, d])
        self.search.extra.append((tight, coords, self.det))
        return True

    def _advance(self, frame: list[int]) -> int | None:
        kn, k = self.kn, self.k
        e = frame[2]
        frame[2] += 1
        r = self._leaving_row(e)
        if r < 0:
            return None
        nkey = self.key ^ (1 << self.basis[k + e]) ^ (1 << self.basis[r])
        if nkey in self.visited:
            return None
        self.iv[kn.NBASES] += 1
        if int(self.iv[kn.NBASES]) > int(self.iv[kn.MAXB]):
            return int(kn.TOO_MANY_BASES)
        self.visited.add(nkey)
        self._pivot(r, e)
        self.key = nkey
        self.path.append([r, e, 0])
        return None if self._record() else int(kn.TOO_MANY_VERTICES)

    def run(self) -> int:
        kn, k = self.kn, self.k
        while True:
            frame = self.path[-1]
            if frame[2] < self.d:
                status = self._advance(frame)
                if status is not None:
                    return status
                continue
            if len(self.path) == 1:
                return int(kn.OK)
            r, e = frame[0], frame[1]
            self.key ^= (1 << self.basis[k + e]) ^ (1 << self.basis[r])
            self._pivot(r, e)
            self.path.pop()
