"""Compiled kernel of :mod:`contract_theory.equilibria.vertex_enumeration` (numba, optional).

The same search as the numpy kernel there -- every lexicographically feasible basis of
{z >= 0 : M z <= 1} reached by lexicographic simplex pivots from the slack basis, on
fraction-free (Bareiss) integer tableaux in dictionary form -- written as scalar loops that
numba compiles, depth first instead of breadth first (the set of bases visited is the same:
all lex-feasible bases).  Arithmetic is ``int64`` and *checked*: before every product the
float64 magnitudes of both products of a 2 x 2 minor (or of a cross-multiplied comparison)
are bounded by 4e18, so the exact result (< 8e18 < 2^63) cannot wrap; otherwise the kernel
stops with status ``OVERFLOW`` and the caller reruns the search with Python integers.
Divisions are exact (Bareiss: every entry is an integer minor).  Label sets are bit masks
in one ``int64`` (at most 62 variables).

Importing this module imports numba; the caller imports it lazily, only when numba is
installed (the ``fast`` extra), and falls back to the numpy kernel otherwise.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

__all__ = ["OK", "OVERFLOW", "TOO_MANY_VERTICES", "TOO_MANY_BASES", "MAX_VARIABLES",
           "enumerate_vertices", "complementary_pairs"]

OK, OVERFLOW, TOO_MANY_VERTICES, TOO_MANY_BASES = 0, 1, 2, 3
#: Label sets are bit masks in one int64.
MAX_VARIABLES = 62
_BIG = 4.0e18


@njit(cache=True)
def _slack_column_entry(T: Any, det: int, slack_pos: Any, i: int, j: int) -> int:
    """Entry (i, j) of det * B^{-1}: the tableau column of slack j, or det * e_row when basic."""
    p = slack_pos[j]
    if p >= 0:
        return T[i, p]
    return det if i == -p - 1 else 0


@njit(cache=True)
def _lex_compare(T: Any, det: int, slack_pos: Any, d: int, k: int, a: int, e: int, b: int) -> int:
    """Compare rows a, b of (rhs, det B^{-1}) / T[., e] lexicographically: -1, 0, 1, or 2 (overflow)."""
    ta, tb = T[a, e], T[b, e]
    for q in range(k + 1):
        if q == 0:
            va, vb = T[a, d], T[b, d]
        else:
            va = _slack_column_entry(T, det, slack_pos, a, q - 1)
            vb = _slack_column_entry(T, det, slack_pos, b, q - 1)
        if abs(float(va) * float(tb)) > _BIG or abs(float(vb) * float(ta)) > _BIG:
            return 2
        lhs, rhs = va * tb, vb * ta
        if lhs < rhs:
            return -1
        if lhs > rhs:
            return 1
    return 0


@njit(cache=True)
def _leaving_row(T: Any, det: int, slack_pos: Any, d: int, k: int, e: int) -> int:
    """Lexicographic ratio test for entering position e: the row, -1 if none, -2 on overflow."""
    best = -1
    for i in range(k):
        if T[i, e] > 0:
            if best < 0:
                best = i
            else:
                c = _lex_compare(T, det, slack_pos, d, k, i, e, best)
                if c == 2:
                    return -2
                if c < 0:
                    best = i
    return best


@njit(cache=True)
def _pivot(T: Any, det: int, r: int, e: int, out: Any) -> bool:
    """Fraction-free pivot on row r, nonbasic position e into ``out``; False on overflow."""
    k, c = T.shape
    p = T[r, e]
    for i in range(k):
        if i == r:
            for jj in range(c):
                out[i, jj] = T[r, jj]
            out[i, e] = det
            continue
        ce = T[i, e]
        for jj in range(c):
            if jj == e:
                out[i, jj] = -ce
                continue
            x, y = T[i, jj], T[r, jj]
            if abs(float(p) * float(x)) > _BIG or abs(float(ce) * float(y)) > _BIG:
                return False
            out[i, jj] = (p * x - ce * y) // det
    return True


@njit(cache=True)
def enumerate_vertices(M: Any, max_vertices: int, max_bases: int) -> Any:
    """All vertices of {z >= 0 : M z <= 1} (M a positive int64 k x d matrix, d + k <= 62).

    Returns ``(status, labels, coords, dets, n_bases)``: tight-constraint bit masks in variable
    order (z_0..z_{d-1}, s_0..s_{k-1}), coordinate numerators (V, d) and denominators (V,).
    """
    k, d = M.shape
    nv = d + k
    full = (np.int64(1) << nv) - 1
    cap = 64
    sT = np.empty((cap, k, d + 1), np.int64)
    sdet = np.empty(cap, np.int64)
    sbas = np.empty((cap, k), np.int64)
    snon = np.empty((cap, d), np.int64)
    skey = np.empty(cap, np.int64)
    sT[0, :, :d] = M
    sT[0, :, d] = 1
    sdet[0] = 1
    key0 = np.int64(0)
    for i in range(k):
        sbas[0, i] = d + i
        key0 |= np.int64(1) << (d + i)
    for j in range(d):
        snon[0, j] = j
    skey[0] = key0
    top = 1
    visited = {key0}
    seen = {np.int64(-1)}
    vcap = 64
    vlab = np.empty(vcap, np.int64)
    vcoord = np.zeros((vcap, d), np.int64)
    vdet = np.empty(vcap, np.int64)
    nvert = 0
    n_bases = 1
    T = np.empty((k, d + 1), np.int64)
    bas = np.empty(k, np.int64)
    non = np.empty(d, np.int64)
    slack_pos = np.empty(k, np.int64)
    while top > 0:
        top -= 1
        T[:, :] = sT[top]
        det = sdet[top]
        bas[:] = sbas[top]
        non[:] = snon[top]
        key = skey[top]
        tight = full ^ key
        for i in range(k):
            if T[i, d] == 0:
                tight |= np.int64(1) << bas[i]
        if tight not in seen:
            seen.add(tight)
            if nvert == max_vertices:
                return TOO_MANY_VERTICES, vlab[:nvert], vcoord[:nvert], vdet[:nvert], n_bases
            if nvert == vcap:
                vcap *= 2
                vlab2 = np.empty(vcap, np.int64)
                vcoord2 = np.zeros((vcap, d), np.int64)
                vdet2 = np.empty(vcap, np.int64)
                vlab2[:nvert] = vlab[:nvert]
                vcoord2[:nvert] = vcoord[:nvert]
                vdet2[:nvert] = vdet[:nvert]
                vlab, vcoord, vdet = vlab2, vcoord2, vdet2
            vlab[nvert] = tight
            for i in range(k):
                if bas[i] < d:
                    vcoord[nvert, bas[i]] = T[i, d]
            vdet[nvert] = det
            nvert += 1
        for j in range(d):
            if non[j] >= d:
                slack_pos[non[j] - d] = j
        for i in range(k):
            if bas[i] >= d:
                slack_pos[bas[i] - d] = -(i + 1)
        for e in range(d):
            r = _leaving_row(T, det, slack_pos, d, k, e)
            if r == -2:
                return OVERFLOW, vlab[:nvert], vcoord[:nvert], vdet[:nvert], n_bases
            if r < 0:
                continue  # an unbounded edge: impossible for a polytope, kept for safety
            nkey = key ^ (np.int64(1) << non[e]) ^ (np.int64(1) << bas[r])
            if nkey in visited:
                continue
            visited.add(nkey)
            n_bases += 1
            if n_bases > max_bases:
                return TOO_MANY_BASES, vlab[:nvert], vcoord[:nvert], vdet[:nvert], n_bases
            if top == cap:
                cap *= 2
                sT2 = np.empty((cap, k, d + 1), np.int64)
                sdet2 = np.empty(cap, np.int64)
                sbas2 = np.empty((cap, k), np.int64)
                snon2 = np.empty((cap, d), np.int64)
                skey2 = np.empty(cap, np.int64)
                sT2[:top] = sT[:top]
                sdet2[:top] = sdet[:top]
                sbas2[:top] = sbas[:top]
                snon2[:top] = snon[:top]
                skey2[:top] = skey[:top]
                sT, sdet, sbas, snon, skey = sT2, sdet2, sbas2, snon2, skey2
            if not _pivot(T, det, r, e, sT[top]):
                return OVERFLOW, vlab[:nvert], vcoord[:nvert], vdet[:nvert], n_bases
            sdet[top] = T[r, e]
            sbas[top] = bas
            sbas[top, r] = non[e]
            snon[top] = non
            snon[top, e] = bas[r]
            skey[top] = nkey
            top += 1
    return OK, vlab[:nvert], vcoord[:nvert], vdet[:nvert], n_bases


@njit(cache=True)
def _popcount(x: int) -> int:
    c = 0
    while x:
        x &= x - 1
        c += 1
    return c


@njit(cache=True)
def complementary_pairs(lp: Any, lq: Any, nzp: Any, nzq: Any, m: int, n: int) -> Any:
    """All (i, j) with lp[i] | lq[j] == all m + n labels (game label order), both nonzero.

    A vertex of P with exactly m labels matches only the Q vertex labelled by the
    complement (one dict lookup); pairs with a vertex with extra labels are tested directly.
    """
    full = (np.int64(1) << (m + n)) - 1
    index = {np.int64(-1): np.int64(-1)}
    degq = np.empty(len(lq), np.bool_)
    for j in range(len(lq)):
        degq[j] = _popcount(lq[j]) > n
        if nzq[j] and not degq[j]:
            index[lq[j]] = np.int64(j)
    degq_idx = np.flatnonzero(degq & nzq)
    out = []
    for i in range(len(lp)):
        if not nzp[i]:
            continue
        if _popcount(lp[i]) > m:
            for j in range(len(lq)):
                if nzq[j] and (lp[i] | lq[j]) == full:
                    out.append((i, j))
            continue
        target = full ^ lp[i]
        if target in index:
            out.append((i, int(index[target])))
        for jd in degq_idx:
            if (lp[i] | lq[jd]) == full:
                out.append((i, int(jd)))
    res = np.empty((len(out), 2), np.int64)
    for t in range(len(out)):
        res[t, 0] = out[t][0]
        res[t, 1] = out[t][1]
    return res
