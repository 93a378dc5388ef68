"""Compiled kernel of :mod:`contract_theory.equilibria.vertex_enumeration` (numba, optional).

The same search as the numpy kernel there -- every lexicographically feasible basis of
{z >= 0 : M z <= 1}, reached by lexicographic simplex pivots from the slack basis, on
fraction-free (Bareiss) integer tableaux in dictionary form -- written as scalar loops that
numba compiles, depth first instead of breadth first (the set of bases visited is the same:
all lex-feasible bases).

Memory.  Only the current tableau is stored.  The depth-first path keeps, per level, the
pivot ``(r, e)`` that led there and the next entering position to try; going back up is the
same pivot once more (a fraction-free pivot on row r and position e is its own inverse: it
restores the parent's tableau and determinant exactly).  Bases and vertices are identified by
bit masks in one ``int64`` (at most 62 variables), kept in open-addressing hash tables.  So
memory is one word per visited basis and ``2 d + 3`` words per vertex, never a tableau per
basis.

Arithmetic tiers.  The state (tableau, path, tables, vertices) lives in numpy arrays owned by
the caller, so a search can stop at any step and continue in a wider arithmetic:

1. ``int64``.  A pivot entry ``(T_re T_ij - T_ie T_rj) / det`` is formed modulo 2**64
   (wrapping products) and divided exactly with the inverse of det's odd part
   (:func:`~contract_theory.equilibria._wide_int.quotient64`); a float64 bound
   ``(|T_re T_ij| + |T_ie T_rj|) / det < 2**(61 - s)`` (s = det's power of two) proves that
   the residue is the value -- once per row from the row's largest magnitude (kept per
   row, ``RM``), entry by entry only for a row whose bound fails.
2. 128 bits (two words, :mod:`~contract_theory.equilibria._wide_int`), the same way with the
   bound ``2**(125 - s)``.  Tier 1 widens the tableau in place when it cannot prove a pivot
   and goes on with the same pivot; tier 2 hands back to tier 1 as soon as every entry of a
   new tableau is below 2**60 (the low words are then the int64 values: no copy).  Random
   16 x 16 games with payoffs 0..255 spend about half their pivots in each tier.
3. When the 128-bit bound fails, :func:`run` returns ``OVERFLOW`` with the state intact, and
   the caller continues the same search in Python integers.

Ratio tests find the minimum of ``rhs_i / t_ie`` in float64 by cross products and settle the
rows within a relative 1e-12 of it exactly: ``a / t_a`` against ``b / t_b`` (``t > 0``) by
float64 when the products differ by more than a relative 1e-14 or are both below 2**53
(then exact), else by four-word products; ties go on along the lexicographic rows.

Importing this module imports numba; the caller imports it lazily, only when numba is
installed (the ``fast`` extra), and falls back to the numpy kernel otherwise.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

from contract_theory.equilibria import _wide_int as W

__all__ = ["OK", "OVERFLOW", "TOO_MANY_VERTICES", "TOO_MANY_BASES", "GROW", "MAX_VARIABLES",
           "start", "run", "rehash", "complementary_pairs"]

OK, OVERFLOW, TOO_MANY_VERTICES, TOO_MANY_BASES, GROW = 0, 1, 2, 3, 4
_CONT = -1
#: Label sets are bit masks in one int64.
MAX_VARIABLES = 62
#: Layout of the integer state vector ``iv``.
(K, D, DEPTH, NVERT, NBASES, TIER, MAXV, MAXB, KEY, NVIS, NSEEN, DET, DETHI, DETLO, GROW_WHAT, NARROW, CUR,
 PIVOTS64, PIVOTS128, RHS_OK) = range(20)
IV_SIZE = 20
#: The basis lives in ``iv[B0:]``: k basic variables, d nonbasic positions, k slack positions.
B0 = IV_SIZE
#: What a GROW status asks the caller to enlarge (``iv[GROW_WHAT]``).
G_PATH, G_VERTICES, G_VISITED, G_SEEN = 1, 2, 3, 4
EMPTY = -1
_HASH = np.uint64(0x9E3779B97F4A7C15)
_REL = 1e-14
_EXACT = 2.0 ** 53
#: Tier 2 hands back to tier 1 when every entry of the new tableau is below this (float bound).
_NARROW_BELOW = 2.0 ** 60
#: Powers of two 2**(j - 64), j = 0..193 (the tiers' quotient bounds).
_POW2 = 2.0 ** np.arange(-64, 130)


# ----------------------------------------------------------------------------- hash sets
@njit(cache=True, inline="always", error_model="numpy")
def _slot(table: Any, key: Any) -> Any:
    """Slot of ``key`` in an open-addressing table (power-of-two size), or of the empty cell
    where it would go."""
    mask = len(table) - 1
    h = np.int64((np.uint64(key) * _HASH) >> np.uint64(21)) & mask
    while table[h] != EMPTY and table[h] != key:
        h = (h + 1) & mask
    return h


@njit(cache=True, error_model="numpy")
def rehash(old: Any, new: Any) -> None:
    """Insert every key of ``old`` into the empty table ``new``."""
    for key in old:
        if key != EMPTY:
            new[_slot(new, key)] = key


# ----------------------------------------------------------------------------- tableau access
@njit(cache=True, inline="always", error_model="numpy")
def _float(iv: Any, TT: Any, i: int, j: int) -> float:
    """float64 of entry (i, j) of the current tableau (relative error below 2**-52)."""
    c = iv[CUR]
    if iv[TIER] == 1:
        return float(np.int64(TT[c, 1, i, j]))
    return W.to_float(TT[c, 0, i, j], TT[c, 1, i, j])


@njit(cache=True, inline="always", error_model="numpy")
def _wide(iv: Any, TT: Any, i: int, j: int) -> Any:
    """Entry (i, j) of the current tableau as a wide number ``(hi, lo)``."""
    c = iv[CUR]
    if iv[TIER] == 1:
        return W.wide(np.int64(TT[c, 1, i, j]))
    return TT[c, 0, i, j], TT[c, 1, i, j]


@njit(cache=True, inline="always", error_model="numpy")
def _det(iv: Any) -> Any:
    """The determinant as ``(hi, lo, float)``."""
    if iv[TIER] == 1:
        h, lo = W.wide(iv[DET])
        return h, lo, float(iv[DET])
    h, lo = np.uint64(iv[DETHI]), np.uint64(iv[DETLO])
    return h, lo, W.to_float(h, lo)


@njit(cache=True, inline="always", error_model="numpy")
def _lex_value(iv: Any, TT: Any, i: int, q: int) -> Any:
    """Position q of row i of (rhs, det B^{-1}) as ``(hi, lo, float)``: q = 0 the rhs,
    q = 1 + j the column of slack j (``bas[k + d + j]``: its nonbasic position, or -(row + 1))."""
    bas = iv[B0:]
    k, d = iv[K], iv[D]
    p = d if q == 0 else bas[k + d + q - 1]
    if p >= 0:
        h, lo = _wide(iv, TT, i, p)
        return h, lo, _float(iv, TT, i, p)
    if i == -p - 1:
        return _det(iv)
    return W.ZERO, W.ZERO, 0.0


@njit(cache=True, error_model="numpy")
def _cmp_ratio(a: Any, ta: Any, b: Any, tb: Any) -> int:
    """Sign of a / ta - b / tb for ta, tb > 0 (each ``(hi, lo, float)``): float64 when certain."""
    if a[2] == 0.0 and b[2] == 0.0:
        return 0
    lf, rf = a[2] * tb[2], b[2] * ta[2]
    if abs(lf - rf) > _REL * (abs(lf) + abs(rf)):
        return -1 if lf < rf else 1
    if abs(lf) < _EXACT and abs(rf) < _EXACT:  # products of integers below 2**53: exact in float64
        return -1 if lf < rf else (1 if lf > rf else 0)
    return W.cmp_products((a[0], a[1]), (tb[0], tb[1]), (b[0], b[1]), (ta[0], ta[1]))


@njit(cache=True, error_model="numpy")
def _slack_positions(iv: Any) -> None:
    """``bas[k + d + j]``: nonbasic position of slack j, or -(row + 1) when it is basic."""
    bas = iv[B0:]
    k, d = iv[K], iv[D]
    for j in range(d):
        if bas[k + j] >= d:
            bas[k + d + bas[k + j] - d] = j
    for i in range(k):
        if bas[i] >= d:
            bas[k + d + bas[i] - d] = -(i + 1)


@njit(cache=True, error_model="numpy")
def _lex_less(iv: Any, TT: Any, a: int, b: int, e: int) -> bool:
    """Whether row a's ratio vector is lexicographically below row b's (entering position e)."""
    ha, la = _wide(iv, TT, a, e)
    hb, lb = _wide(iv, TT, b, e)
    ta, tb = (ha, la, _float(iv, TT, a, e)), (hb, lb, _float(iv, TT, b, e))
    c = _cmp_ratio(_lex_value(iv, TT, a, 0), ta, _lex_value(iv, TT, b, 0), tb)
    if c == 0:
        _slack_positions(iv)
        for q in range(1, iv[K] + 1):
            c = _cmp_ratio(_lex_value(iv, TT, a, q), ta, _lex_value(iv, TT, b, q), tb)
            if c != 0:
                break
    return c < 0


@njit(cache=True, inline="always", error_model="numpy")
def _leaving_row(iv: Any, TT: Any, RM: Any, e: int) -> int:
    """Lexicographic ratio test for entering position e: the leaving row, -1 if none.

    The minimum of rhs_i / t_ie over rows with t_ie > 0 is found in float64 first (by cross
    products; each within 4 ulp of the truth); rows within a relative 1e-12 of it are
    compared exactly and lexicographically (:func:`_lex_less`)."""
    k, d = iv[K], iv[D]
    C, R = RM[2], RM[3]  # scratch: column e and the rhs (kept while iv[RHS_OK]) as floats
    if not iv[RHS_OK]:
        for i in range(k):
            R[i] = _float(iv, TT, i, d)
        iv[RHS_OK] = 1
    lead, lt, lr = -1, 1.0, 0.0
    tier1 = iv[TIER] == 1
    T = TT[iv[CUR], 1].view(np.int64)
    for i in range(k):  # branch-free (selects): the comparisons are data-dependent
        t = float(T[i, e]) if tier1 else _float(iv, TT, i, e)
        C[i] = t
        rh = R[i]
        better = (t > 0.0) & ((lead < 0) | (rh * lt < lr * t))
        lead = i if better else lead
        lt = t if better else lt
        lr = rh if better else lr
    best = lead
    if lead < 0:
        return -1
    for i in range(k):
        t = C[i]
        if i != lead and t > 0.0 and R[i] * lt <= lr * t * (1.0 + 1e-12) and _lex_less(iv, TT, i, best, e):
            best = i
    return best


# ----------------------------------------------------------------------------- pivots
@njit(cache=True, inline="always", error_model="numpy")
def _row64(T: Any, S: Any, i: int, r: int, coef: Any, checked: bool) -> Any:
    """Row i of a tier-1 pivot into S: ``(T_re T_ij - T_ie T_rj) / det`` for every column (the
    pivot column is overwritten by the caller).  ``coef = (T_re, T_ie, s, inv, a, b, lim)``.
    With ``checked`` each entry's float bound ``a |T_ij| + b |T_rj| < lim`` is tested (returns
    -1 on failure); otherwise the caller proved it for the row.  Returns max |entry|."""
    p, ce, s, inv, a, b, lim = coef
    big = 0
    for j in range(T.shape[1]):
        x, y = T[i, j], T[r, j]
        if checked and a * abs(float(x)) + b * abs(float(y)) >= lim:
            return -1
        q = W.quotient64(p * x - ce * y, s, inv)
        S[i, j] = q
        big = max(big, abs(q))
    return big


@njit(cache=True, error_model="numpy")
def _pivot64(iv: Any, TT: Any, RM: Any, r: int, e: int) -> bool:
    """Tier 1: fraction-free pivot on (r, e) into the other buffer; False if not provable.

    ``RM[buffer, i]`` bounds max_j |T_ij| (exact in tier 1): a row whose bound
    ``(|T_re| RM_i + |T_ie| RM_r) / det`` is below the limit is pivoted without per-entry
    checks."""
    c, n = iv[CUR], 1 - iv[CUR]
    T, S, rm, nm = TT[c, 1].view(np.int64), TT[n, 1].view(np.int64), RM[c], RM[n]
    det = iv[DET]
    s = W.trailing_zeros(np.uint64(det))
    inv = W.inverse64(np.uint64(det >> s))
    lim = _POW2[61 - s + 64]
    p = T[r, e]
    a = abs(float(p)) / float(det)
    for i in range(T.shape[0]):
        if i == r:
            continue
        ce = T[i, e]
        b = abs(float(ce)) / float(det)
        coef = (p, ce, s, inv, a, b, lim)
        big = _row64(T, S, i, r, coef, a * rm[i] + b * rm[r] >= lim)
        if big < 0:
            return False
        S[i, e] = -ce
        nm[i] = float(max(big, abs(ce)))
    S[r, :] = T[r, :]
    S[r, e] = det
    nm[r] = max(rm[r], float(det))
    return True


@njit(cache=True, error_model="numpy")
def _pivot128(iv: Any, TT: Any, RM: Any, r: int, e: int) -> bool:
    """Tier 2: the same pivot in 128-bit arithmetic; False if a quotient is not provable.
    Sets ``iv[NARROW]`` when every entry of the result (and the new det) is below 2**60."""
    c, n = iv[CUR], 1 - iv[CUR]
    k, c1 = TT.shape[2], TT.shape[3]
    U, SU = TT[c], TT[n]
    dh, dl = np.uint64(iv[DETHI]), np.uint64(iv[DETLO])
    s, oh, ol = W.odd_part(dh, dl)
    ih, il = W.inverse(oh, ol)
    lim = _POW2[125 - s + 64]
    ph, pl = U[0, r, e], U[1, r, e]
    pf, invdf = abs(W.to_float(ph, pl)), 1.0 / W.to_float(dh, dl)
    biggest = max(pf, 1.0 / invdf, RM[iv[CUR], r])  # new det; row r (gets the old det)
    nm = RM[1 - iv[CUR]]
    for i in range(k):
        if i == r:
            continue
        ch, cl = U[0, i, e], U[1, i, e]
        cf = abs(W.to_float(ch, cl))
        row = cf
        for j in range(c1):
            if j == e:
                continue
            xh, xl, yh, yl = U[0, i, j], U[1, i, j], U[0, r, j], U[1, r, j]
            bound = (pf * abs(W.to_float(xh, xl)) + cf * abs(W.to_float(yh, yl))) * invdf
            if bound >= lim:
                return False
            row = max(row, bound)
            ah, al = W.mul(ph, pl, xh, xl)
            bh, bl = W.mul(ch, cl, yh, yl)
            nh, nl = W.sub(ah, al, bh, bl)
            SU[0, i, j], SU[1, i, j] = W.exact_quotient(nh, nl, s, ih, il)
        SU[0, i, e], SU[1, i, e] = W.neg(ch, cl)
        nm[i] = row  # an upper bound on the row's magnitudes
        biggest = max(biggest, row)
    nm[r] = max(RM[iv[CUR], r], 1.0 / invdf)
    SU[:, r, :] = U[:, r, :]
    SU[0, r, e], SU[1, r, e] = dh, dl
    iv[NARROW] = 1 if biggest < _NARROW_BELOW else 0
    return True


@njit(cache=True, error_model="numpy")
def _widen(iv: Any, TT: Any) -> None:
    """Switch from tier 1 to tier 2: sign-extend the current tableau and det in place."""
    c = iv[CUR]
    for i in range(TT.shape[2]):
        for j in range(TT.shape[3]):
            TT[c, 0, i, j] = np.uint64(np.int64(TT[c, 1, i, j]) >> 63)
    h, lo = W.wide(iv[DET])
    iv[DETHI], iv[DETLO] = np.int64(h), np.int64(lo)
    iv[TIER] = 2


@njit(cache=True, inline="always", error_model="numpy")
def _pivot(iv: Any, TT: Any, RM: Any, r: int, e: int) -> bool:
    """Pivot on (r, e) and commit it (tableau, det, basis); False, state unchanged, when the
    128-bit tier cannot prove it.  Tier 2 hands back to tier 1 when the numbers are small
    again: the low words of a wide tableau are then its int64 values."""
    bas = iv[B0:]
    if iv[TIER] == 1 and not _pivot64(iv, TT, RM, r, e):
        _widen(iv, TT)
    c = iv[CUR]
    if iv[TIER] == 1:
        iv[PIVOTS64] += 1
        iv[DET] = np.int64(TT[c, 1, r, e])
    elif _pivot128(iv, TT, RM, r, e):
        iv[PIVOTS128] += 1
        iv[DETHI], iv[DETLO] = np.int64(TT[c, 0, r, e]), np.int64(TT[c, 1, r, e])
        if iv[NARROW]:
            iv[TIER], iv[DET] = 1, iv[DETLO]
    else:
        return False
    iv[CUR], iv[RHS_OK] = 1 - c, 0
    k = iv[K]
    bas[r], bas[k + e] = bas[k + e], bas[r]
    return True


# ----------------------------------------------------------------------------- search
@njit(cache=True, inline="always", error_model="numpy")
def _record_vertex(iv: Any, TT: Any, seen: Any, V: Any) -> int:
    """Store the current basic solution if its label set is new; TOO_MANY_VERTICES past the limit.

    ``V`` rows: label mask, d high words, d low words of the coordinate numerators, det's two words."""
    bas = iv[B0:]
    k, d = iv[K], iv[D]
    tight = ((np.int64(1) << (d + k)) - 1) ^ iv[KEY]
    for i in range(k):
        if _float(iv, TT, i, d) == 0.0:
            tight |= np.int64(1) << bas[i]
    slot = _slot(seen, tight)
    if seen[slot] == tight:
        return _CONT
    nv = iv[NVERT]
    if nv == iv[MAXV]:
        return TOO_MANY_VERTICES
    seen[slot] = tight
    iv[NSEEN] += 1
    V[nv, :] = 0
    V[nv, 0] = np.uint64(tight)
    for i in range(k):
        if bas[i] < d:
            V[nv, 1 + bas[i]], V[nv, 1 + d + bas[i]] = _wide(iv, TT, i, d)
    h, lo, f = _det(iv)
    V[nv, 1 + 2 * d], V[nv, 2 + 2 * d] = h, lo
    iv[NVERT] = nv + 1
    return _CONT


@njit(cache=True, inline="always", error_model="numpy")
def _needs_room(iv: Any, path: Any, visited: Any, seen: Any, V: Any) -> bool:
    """Set ``iv[GROW_WHAT]`` and return True when a table is full before the next step."""
    what = 0
    if iv[DEPTH] == len(path):
        what = G_PATH
    elif iv[NVERT] == len(V):
        what = G_VERTICES
    elif 2 * (iv[NVIS] + 1) > len(visited):
        what = G_VISITED
    elif 2 * (iv[NSEEN] + 1) > len(seen):
        what = G_SEEN
    iv[GROW_WHAT] = what
    return what != 0


@njit(cache=True, inline="always", error_model="numpy")
def _advance(iv: Any, TT: Any, RM: Any, path: Any, visited: Any, seen: Any, V: Any) -> int:
    """Try the next entering position at the current basis: pivot to an unvisited neighbour
    (and record its vertex), or skip the edge."""
    bas = iv[B0:]
    k, top = iv[K], iv[DEPTH] - 1
    e = path[top, 2]
    r = -1 if e == path[top, 1] else _leaving_row(iv, TT, RM, e)  # the way back up: the parent
    if r < 0:  # (or an unbounded edge: impossible for a polytope, kept for safety)
        path[top, 2] += 1
        return _CONT
    nkey = iv[KEY] ^ (np.int64(1) << bas[k + e]) ^ (np.int64(1) << bas[r])
    slot = _slot(visited, nkey)
    if visited[slot] == nkey:
        path[top, 2] += 1
        return _CONT
    if iv[NBASES] + 1 > iv[MAXB]:
        iv[NBASES] += 1
        return TOO_MANY_BASES
    if not _pivot(iv, TT, RM, r, e):
        return OVERFLOW
    visited[slot] = nkey
    iv[NVIS] += 1
    iv[NBASES] += 1
    iv[KEY] = nkey
    path[top, 2] += 1
    path[top + 1, 0], path[top + 1, 1], path[top + 1, 2] = r, e, 0
    iv[DEPTH] = top + 2
    return _record_vertex(iv, TT, seen, V)


@njit(cache=True, inline="always", error_model="numpy")
def _back(iv: Any, TT: Any, RM: Any, path: Any) -> int:
    """Go one level up: the pivot that led here, once more (OK at the root)."""
    bas = iv[B0:]
    top = iv[DEPTH] - 1
    if top == 0:
        return OK
    r, e = path[top, 0], path[top, 1]
    key = iv[KEY] ^ (np.int64(1) << bas[iv[K] + e]) ^ (np.int64(1) << bas[r])
    if not _pivot(iv, TT, RM, r, e):
        return OVERFLOW
    iv[KEY] = key
    iv[DEPTH] = top
    return _CONT


@njit(cache=True, error_model="numpy")
def start(iv: Any, TT: Any, RM: Any, path: Any, visited: Any, seen: Any, V: Any) -> int:
    """Initialise the slack basis of {z >= 0 : M z <= 1} (``TT[0, 1]`` holds [M | 1] as int64
    bit patterns) and record the origin."""
    bas = iv[B0:]
    k, d = iv[K], iv[D]
    key = np.int64(0)
    for i in range(k):
        bas[i] = d + i
        key |= np.int64(1) << (d + i)
    for j in range(d):
        bas[k + j] = j
    iv[KEY], iv[DET], iv[TIER], iv[DEPTH], iv[NBASES], iv[CUR] = key, 1, 1, 1, 1, 0
    for i in range(k):
        RM[0, i] = 1.0
        for j in range(d):
            RM[0, i] = max(RM[0, i], abs(float(np.int64(TT[0, 1, i, j]))))
    path[0, 0], path[0, 1], path[0, 2] = -1, -1, 0
    visited[_slot(visited, key)] = key
    iv[NVIS] = 1
    status = _record_vertex(iv, TT, seen, V)
    return OK if status == _CONT else status


@njit(cache=True, error_model="numpy")
def run(iv: Any, TT: Any, RM: Any, path: Any, visited: Any, seen: Any, V: Any) -> int:
    """Continue the search until it ends (OK), a limit trips, a table is full (GROW, see
    ``iv[GROW_WHAT]``) or the 128-bit tier overflows (OVERFLOW); the state stays consistent."""
    while True:
        if _needs_room(iv, path, visited, seen, V):
            return GROW
        if path[iv[DEPTH] - 1, 2] < iv[D]:
            status = _advance(iv, TT, RM, path, visited, seen, V)
        else:
            status = _back(iv, TT, RM, path)
        if status != _CONT:
            return status


# ----------------------------------------------------------------------------- matching

@njit(cache=True, error_model="numpy")
def _popcount(x: int) -> int:
    c = 0
    while x:
        x &= x - 1
        c += 1
    return c


@njit(cache=True, error_model="numpy")
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
