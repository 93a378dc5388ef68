r"""All extreme Nash equilibria of two-player games by vertex enumeration (docs/background/model.md#2-solution-concepts).

Mathematics
-----------
Let the row player have payoff matrix A (m x n) and the column player B (m x n).  Adding a
constant to a player's payoffs or multiplying them by a positive number changes no best
response, so we first replace A by (A - min A)/g + 1 with g the gcd of the entries of
A - min A (exact integers, all >= 1), and the same for B.  With positive payoffs the
*best-response polytopes*

    P = {x in R^m : x >= 0,  B^T x <= 1},        Q = {y in R^n : A y <= 1,  y >= 0}

are bounded.  Every point carries *labels* in {0, ..., m+n-1}: x in P has label i when
x_i = 0 and label m+j when (B^T x)_j = 1 (column j is a best response to x); y in Q has label
i when (A y)_i = 1 (row i is a best response to y) and label m+j when y_j = 0.  A pair
(x, y) in P x Q, (x, y) != (0, 0), is *completely labeled* when every label in
{0..m+n-1} occurs at x or at y; then (x / sum x, y / sum y) is a Nash equilibrium, and every
equilibrium arises this way (von Stengel, "Computing equilibria for two-person games",
Handbook of Game Theory vol. 3, ch. 45, 2002, section 3).  The *extreme* equilibria
(vertices of the maximal convex sets of equilibria) are exactly the completely labeled
pairs of *vertices* of P and Q; this holds for degenerate games too (Audet, Hansen, Jaumard &
Savard, "Enumeration of all extreme equilibria of bimatrix games", SIAM J. Sci. Comput.
23 (2001); Avis, Rosenberg, Savani & von Stengel, "Enumeration of Nash equilibria for
two-player games", Economic Theory 42 (2010)).  The game is *degenerate* when some mixed
strategy with support size k has more than k pure best responses; equivalently some vertex
of P has more than m labels or some vertex of Q more than n labels.

Vertex enumeration (exact and complete also for degenerate polytopes).  Write a polytope as
{z >= 0 : M z <= 1} with M a positive integer k x d matrix and slacks s = 1 - M z >= 0.
A basis is a set of k of the d + k variables; its basic solution is a vertex when feasible.
We explore feasible bases by simplex pivots starting from the slack basis (the origin),
using the *lexicographic* ratio test (Dantzig, Orden & Wolfe, Pacific J. Math. 5, 1955):
among the rows with a positive entry in the entering column, the leaving row minimises the
vector (rhs_i, (B^{-1})_{i,.}) / t_{ie} lexicographically.  This is the simplex method on
the perturbed polytope P_eps = {z >= 0 : M z <= 1 + (eps, eps^2, ..., eps^k)} for all small
eps > 0, which is *simple* and nondegenerate: its vertices are exactly the lexicographically
feasible bases, adjacent vertices are one lexicographic pivot apart, and its graph is
connected (Balinski), so a breadth-first search from the origin visits every one of them.
Every vertex v of P is the basic solution of some lex-feasible basis (run the lexicographic
simplex method with an objective that v uniquely maximises: the final basis is feasible and
optimal for eps = 0), so projecting the visited bases onto their basic solutions gives all
vertices of P, each possibly several times (a degenerate vertex has several lex-feasible
bases).  Vertices are identified by their label sets: distinct vertices have distinct tight
constraint sets.  The same method runs on Q.  (This is the lexicographic pivoting that
makes lrs exact on degenerate input; the search here is breadth-first rather than reverse
search, trading memory for vectorization.)

Exact arithmetic.  The tableau is kept fraction-free (integer pivoting, Edmonds/Bareiss) in
dictionary form: row i reads ``det * x_{B_i} + sum_j T_ij x_{N_j} = T_i,rhs`` over the d
nonbasic variables (the basic columns, det times unit vectors, are not stored).  A pivot on
row r and nonbasic position e replaces every other entry by ``(T_re T_ij - T_ie T_rj) / det``
(an exact division: all entries are integer minors of ``[M | I | 1]``), sets column e to
``-T_ie`` (the leaving variable) with the old ``det`` on row r, and the new ``det`` is
``T_re > 0``.  The columns of the slack variables hold det * B^{-1}, which the
lexicographic rule reads.  The private kernel pivots a whole chunk of bases at once in
numpy ``int64`` and *proves* each result: the quotient is rounded from a float64 evaluation
with a rigorous error bound e, and accepted only if ``q * det == T_re T_ij - T_ie T_rj``
modulo 2^64 (numpy integer arithmetic wraps) while ``|det| (1 + e) < 2^61``; then the true
difference ``det * (q - exact quotient)`` is a multiple of 2^64 smaller than 2^63 in
magnitude, hence zero.  When a check fails (big payoffs, big games) the kernel switches to
Python integers in object arrays for the rest of that branch of the search.  Ratio tests
are decided in float64 where certain: a ratio beaten by the minimum by a relative margin
of 1e-12 is certainly larger (float ratios of integers are within 3 ulp of the truth), and
a minimum of exactly 0 is exact.  Candidates within the margin are tested for exact
equality (products modulo 2^64 plus a float magnitude bound, the same argument) and go on
to the next lexicographic position; a near-tie that is not an exact tie is settled in
Python integers.  Every number in the result is therefore exact.

Compiled kernel.  When numba is installed (the ``fast`` extra) the same search runs as
compiled scalar loops in :mod:`contract_theory.equilibria._lex_kernel`: depth first, keeping
only the current tableau (going back up is the same fraction-free pivot once more) and one
hash-table word per visited basis, in int64 arithmetic proved exact pivot by pivot; where a
quotient leaves int64's provable range the kernel widens the tableau to 128-bit arithmetic in
place and goes on (and narrows back when the numbers are small again); past 128 bits the
same search continues in Python integers from the same step (:mod:`._lex_search`) -- nothing
is redone.  The matching below then uses one int64 bit set per vertex; see :func:`_analyse`
for when the kernel is loaded (small games never load it).  Its functions are cached on disk
by numba (``cache=True``): the first use on a machine compiles them (about 20 s), every later
process loads them in about a second.

Matching.  Labels are bit sets in ``uint64`` words.  Between a vertex of P with exactly m
labels and one of Q with exactly n, complementary means equal to the complement: a
sort-and-search join.  Pairs involving a degenerate vertex (extra labels) are tested
directly, ``((LP[:, None] | LQ[None, :]) == full).all(-1)``, vectorized over blocks.

Complexity.  Time and memory are linear in the number of lex-feasible bases of P and Q (at
least the number of vertices, which can grow exponentially with min(m, n): up to about
2.6^n for n x n games) times the O(k d) cost of a pivot and ratio test, plus
O(|V| log |V|) for the matching join and O(|V_deg| |V|) for the direct tests of degenerate
vertices.  Random 10 x 10 games have about 1000 vertices per polytope, random 16 x 16 ones
about 70,000.  Before any pivot or allocation the work is bounded by McMullen's upper bound
theorem on the lex-feasible bases of P and Q (:func:`lex_bases_bound`, from the polytopes'
dimensions and facet counts alone), charged to the one size budget of
:mod:`contract_theory.games.size` (one visited-basis cell each): by default every game up to
16 x 16 is admitted and 17 x 17 or a 30 x 30 is refused at once.  The search itself is then
bounded by ``max_vertices`` (distinct vertices per polytope) and ``max_bases``.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from math import comb, gcd
from typing import Any

import numpy as np

from contract_theory.equilibria._lex_search import CompiledSearch, SearchResult, _join
from contract_theory.equilibria.results import EquilibriumResult, MixedProfile
from contract_theory.errors import GameError, ParameterError, SizeLimitError
from contract_theory.games.normal_form import NormalFormGame
from contract_theory.games.size import check_size, progress

__all__ = [
    "vertex_enumeration_solve",
    "equilibrium_components",
    "is_degenerate",
    "Component",
    "best_response_polytope_vertices",
    "lex_bases_bound",
]

#: Bases processed together by the vectorized kernel (bounds the memory of one step).
_CHUNK = 2048
#: Relative margin above which a float64 ratio comparison is certain (float error <= ~7e-16).
_RATIO_TOL = 1e-12
_U = 2.0 ** -52


# ----------------------------------------------------------------------------- kernel
@dataclass
class _Vertices:
    """Vertices of one polytope {z >= 0 : M z <= 1}.

    ``labels``: bool array (V, d + k), tight constraints in *variable* order (z_0..z_{d-1},
    s_0..s_{k-1}); ``coords``: numerators (V, d) (int64 or object); ``dets``: denominators
    (V,), so that vertex v = coords[v] / dets[v]; ``n_bases``: lex-feasible bases visited.
    When ``low`` is set (the compiled kernel's 128-bit tier), ``coords`` and ``dets`` hold
    the high words and ``low`` the low words of signed 128-bit numbers (``uint64`` each):
    read them with :meth:`point` and :meth:`nonzero`.
    """

    labels: np.ndarray
    coords: np.ndarray
    dets: np.ndarray
    n_bases: int
    low: tuple[np.ndarray, np.ndarray] | None = None

    def nonzero(self) -> np.ndarray:
        """Bool (V,): the vertex is not the origin."""
        nz = (self.coords != 0).any(axis=1)
        return nz | (self.low[0] != 0).any(axis=1) if self.low is not None else nz

    def point(self, v: int) -> tuple[list[int], int]:
        """Coordinate numerators and denominator of vertex v as Python ints."""
        if self.low is None:
            return [int(c) for c in self.coords[v].tolist()], int(self.dets[v])
        lo, dlo = self.low
        return ([_join(h, x) for h, x in zip(self.coords[v].tolist(), lo[v].tolist())],
                _join(self.dets[v], dlo[v]))


def _positive_integer_matrix(table: np.ndarray) -> np.ndarray:
    """Exact positive affine rescaling ``(X - min X) / gcd + 1`` of an integer matrix."""
    lo = table.min()
    shifted = table - lo
    if shifted.dtype == object:
        g = gcd(*(int(v) for v in set(shifted.reshape(-1).tolist())))
    else:
        g = int(np.gcd.reduce(shifted, axis=None))
    if g > 1:
        shifted = shifted // g
    out = shifted + 1
    if out.dtype == object and max(int(v) for v in out.reshape(-1)) < 2 ** 52:
        out = out.astype(np.int64)
    return out


def _pivot_chunk(T: np.ndarray, det: np.ndarray, r: np.ndarray, e: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer (fraction-free) pivots on rows ``r`` / nonbasic positions ``e`` of every tableau.

    ``T`` holds reduced tableaux (K, k, d + 1): the columns of the nonbasic variables and the
    right-hand side (basic columns are det * unit vectors and are not stored).  Row i
    reads ``det * x_{B_i} + sum_j T_ij x_{N_j} = T_i,rhs``.  After the pivot, position ``e``
    holds the leaving variable: its column is ``-T_ie`` off the pivot row and the old
    ``det`` on it; row r is otherwise unchanged; every other entry is
    ``(T_re T_ij - T_ie T_rj) / det`` (exact division).  Returns the new tableaux and
    determinants.  ``int64`` input is processed in ``int64``
    with a proof of exactness (module docstring); if the proof fails, the result is an
    ``object`` array of Python ints.
    """
    K = T.shape[0]
    ar = np.arange(K)
    prow = T[ar, r, :]                # (K, c)
    pcol = T[ar, :, e]                # (K, k)
    p = pcol[ar, r]                   # (K,)
    if T.dtype != object:
        # int64 products wrap modulo 2^64 by design (caller holds np.errstate(all="ignore"))
        num = p[:, None, None] * T - pcol[:, :, None] * prow[:, None, :]   # wraps mod 2^64
        Tf = T.astype(np.float64)
        pf = p.astype(np.float64)[:, None, None]
        cf = pcol.astype(np.float64)[:, :, None]
        rf = prow.astype(np.float64)[:, None, :]
        df = det.astype(np.float64)[:, None, None]
        vf = (pf * Tf - cf * rf) / df
        ok = bool(np.all(np.abs(vf) < 2.0 ** 61))
        if ok:
            q = np.rint(vf).astype(np.int64)
            ok = bool(np.all(q * det[:, None, None] - num == 0))
        if ok:
            # per-basis bound on |float quotient - exact quotient|, from maxima
            amax = np.abs(Tf).max(axis=(1, 2))
            bound_num = np.abs(pf[:, 0, 0]) * amax + np.abs(cf).max(axis=(1, 2)) * np.abs(rf).max(axis=(1, 2))
            err = (4 * _U) * bound_num / np.abs(df[:, 0, 0]) + (4 * _U) * np.abs(vf).max(axis=(1, 2))
            ok = bool(np.all(np.abs(df[:, 0, 0]) * (1.0 + err) < 2.0 ** 61))
        if ok:
            q[ar, :, e] = -pcol
            q[ar, r, :] = prow
            q[ar, r, e] = det
            return q, p.copy()
        T = T.astype(object)
        prow, pcol, p = prow.astype(object), pcol.astype(object), p.astype(object)
        det = det.astype(object)
    num = p[:, None, None] * T - pcol[:, :, None] * prow[:, None, :]
    out = num // det[:, None, None]
    out[ar, :, e] = -pcol
    out[ar, r, :] = prow
    out[ar, r, e] = det
    return out, p.copy()


def _ratio_test(T: np.ndarray, det: np.ndarray, basic: np.ndarray, nonbasic: np.ndarray, d: int, k: int) -> np.ndarray:
    """Leaving row of every (basis, entering nonbasic variable) pair, lexicographic rule.

    Returns an int array (K, d).  The rule: among rows i with t_ie > 0, minimise
    L_i = (rhs_i, t_{i,d}, ..., t_{i,d+k-1}) / t_ie lexicographically (the slack columns
    hold det * B^{-1}).  Positions are scanned in order, in float64: rows whose ratio exceeds
    the minimum by more than the relative margin ``_RATIO_TOL`` are certainly larger
    (float ratios of integers are within 3 ulp of the truth) and drop out; a minimum of 0
    is exact (0 / t = 0), so rows tied at 0 are exact ties and go on to the next position.
    A near-tie at a nonzero value is settled exactly in Python integers.
    Call inside ``np.errstate(all="ignore")``.
    """
    K = T.shape[0]
    np.arange(K)
    colsT = T[:, :, :d].transpose(0, 2, 1)                               # (K, d, k)
    cand = colsT > 0
    cf: np.ndarray | None
    rf: np.ndarray | None
    try:
        cf = colsT.astype(np.float64)
        rf = T[:, :, -1].astype(np.float64)
    except OverflowError:  # pragma: no cover - integers beyond 1e308
        cf = rf = None
    if cf is not None and rf is not None:
        ratio = np.divide(np.broadcast_to(rf[:, None, :], cf.shape), cf, out=np.full(cf.shape, np.inf), where=cand)
        leave = ratio.argmin(axis=2)
        mn = np.take_along_axis(ratio, leave[:, :, None], axis=2)
        # rhs >= 0, so ratios are >= 0 and the margin is mn * (1 + tol); argmin row is near itself
        near = ratio <= mn * (1.0 + _RATIO_TOL)
        amb = near.sum(axis=2) > 1
        if not amb.any():
            return leave
    else:  # pragma: no cover
        leave = np.zeros((K, d), dtype=np.int64)
        amb = np.ones((K, d), dtype=bool)
    # near-ties (degenerate vertices): scan the lexicographic positions on these pairs only
    kk, jj = np.nonzero(amb)
    cand = cand[kk, jj]                                                  # (Np, k)
    slow = np.zeros(len(kk), dtype=bool)
    Vx = _lex_data(T, det, basic, nonbasic, kk, d, k)                    # (Np, k, 1 + k) exact
    Cx = colsT[kk, jj]                                                   # (Np, k) exact
    try:
        if cf is None:  # pragma: no cover - the float copy overflowed above
            raise OverflowError
        R = Vx.astype(np.float64) / np.where(cand, cf[kk, jj], 1.0)[:, :, None]
    except (OverflowError, TypeError):  # pragma: no cover - integers beyond 1e308
        slow[:] = True
        R = None
    if R is not None:
        alive = cand.copy()
        for t in range(k + 1):
            r = np.where(alive, R[:, :, t], np.inf)
            mn = r.min(axis=1, keepdims=True)
            near = alive & (r - mn <= _RATIO_TOL * np.abs(mn))
            cnt = near.sum(axis=1)
            single = cnt == 1
            if single.any():
                leave[kk[single], jj[single]] = near[single].argmax(axis=1)
            sus = (cnt > 1) & (mn[:, 0] != 0)
            if sus.any():
                # exact test: are all near rows exact ties with the float argmin row?
                q = np.flatnonzero(sus)
                ref = r[q].argmin(axis=1)
                a, c = Vx[q, :, t], Cx[q]
                aq = np.arange(len(q))
                eq = _exact_equal(a, c, a[aq, ref][:, None], c[aq, ref][:, None])
                bad = (near[q] & ~eq).any(axis=1)
                sus[:] = False
                sus[q[bad]] = True
                slow |= sus
            near[single | sus] = False
            alive = near
            if not alive.any():
                break
        else:  # pragma: no cover - rows of B^{-1} are independent, so some position separates them
            raise AssertionError("lexicographic ratio test did not terminate")
    for qi in np.flatnonzero(slow).tolist():
        leave[kk[qi], jj[qi]] = _lex_min_python(Vx[qi], Cx[qi], np.flatnonzero(cand[qi]))
    return leave


def _exact_equal(a: np.ndarray, c: np.ndarray, a0: np.ndarray, c0: np.ndarray) -> np.ndarray:
    """Exact test of a/c == a0/c0 (c, c0 > 0), i.e. a*c0 == a0*c, elementwise.

    For ``int64`` input the products wrap modulo 2^64; equality modulo 2^64 together with a
    float64 estimate |a c0 - a0 c| <= 1e-12 (|a c0| + |a0 c|) and magnitudes below 1e30
    proves the difference is a multiple of 2^64 below 2^63 in magnitude, hence 0.  Where
    the magnitude test fails the entry is reported unequal (the caller then decides in
    Python integers).  Call inside ``np.errstate(all="ignore")``.
    """
    if a.dtype == object or c.dtype == object:
        return (a * c0 - a0 * c) == 0
    wrap = (a * c0 - a0 * c) == 0
    x = a.astype(np.float64) * c0.astype(np.float64)
    y = a0.astype(np.float64) * c.astype(np.float64)
    small = np.abs(x - y) <= 1e-12 * (np.abs(x) + np.abs(y))
    safe = (np.abs(x) < 1e30) & (np.abs(y) < 1e30)
    return wrap & small & safe


def _lex_data(T: np.ndarray, det: np.ndarray, basic: np.ndarray, nonbasic: np.ndarray,
              kk: np.ndarray, d: int, k: int) -> np.ndarray:
    """Rows (rhs_i, det * (B^{-1})_{i,0..k-1}) of the bases ``kk``: shape (len(kk), k, 1 + k).

    Column j of det * B^{-1} is the tableau column of slack variable d + j: stored in ``T``
    when the slack is nonbasic, det * e_row when it is basic in row ``row``.
    """
    Tk = T[kk]
    out = np.zeros((len(kk), k, 1 + k), dtype=T.dtype)
    out[:, :, 0] = Tk[:, :, -1]
    nn, pp = np.nonzero(nonbasic[kk] >= d)
    out[nn, :, 1 + nonbasic[kk][nn, pp] - d] = Tk[nn, :, pp]
    nn, rr = np.nonzero(basic[kk] >= d)
    out[nn, rr, 1 + basic[kk][nn, rr] - d] = det[kk][nn]
    return out


def _lex_min_python(data: np.ndarray, col: np.ndarray, rows: np.ndarray) -> int:
    """Exact lexicographic minimum of data[i] / col[i] over ``rows`` in Python integers."""
    rows = rows.tolist()
    vals = data[rows].tolist()
    piv = [int(col[i]) for i in rows]
    best = 0
    for t in range(1, len(rows)):
        a, ca, b, cb = vals[t], piv[t], vals[best], piv[best]
        for u in range(len(a)):
            lhs, rhs = int(a[u]) * cb, int(b[u]) * ca
            if lhs != rhs:
                if lhs < rhs:
                    best = t
                break
    return rows[best]


def _bitset(var: np.ndarray, on: np.ndarray | None, W: int) -> np.ndarray:
    """OR of the bits ``var[..., i]`` (where ``on``) into ``uint64`` words: shape (..., W)."""
    one = np.uint64(1)
    shift = (var % 64).astype(np.uint64)
    word = var // 64
    out = np.empty(var.shape[:-1] + (W,), dtype=np.uint64)
    for w in range(W):
        sel = word == w if on is None else (word == w) & on
        out[..., w] = np.bitwise_or.reduce(np.where(sel, one << shift, np.uint64(0)), axis=-1)
    return out


def _flip(keys: np.ndarray, var: np.ndarray) -> None:
    """Toggle bit ``var`` in each row of ``keys`` (in place); ``var`` has shape keys.shape[:-1]."""
    one = np.uint64(1)
    if keys.shape[-1] == 1:
        keys[..., 0] ^= one << (var % 64).astype(np.uint64)
        return
    for w in range(keys.shape[-1]):
        keys[..., w] ^= np.where(var // 64 == w, one << (var % 64).astype(np.uint64), np.uint64(0))


def _hashable(keys: np.ndarray) -> np.ndarray:
    """(N, W) uint64 words as a 1-d array that np.unique / np.isin can handle."""
    if keys.shape[-1] == 1:
        return keys[..., 0]
    keys = np.ascontiguousarray(keys)
    return keys.view(np.dtype((np.void, 8 * keys.shape[-1])))[..., 0]


def _compiled_kernel() -> Any:
    """The numba kernel module (:mod:`contract_theory.equilibria._lex_kernel`), or ``None``
    when numba is not installed (then the numpy kernel runs; same results, slower)."""
    global _KERNEL
    if _KERNEL is None:
        try:
            from contract_theory.equilibria import _lex_kernel
        except ImportError:  # pragma: no cover - numba is in the test extra
            _KERNEL = False
        else:
            _KERNEL = _lex_kernel
    return _KERNEL or None


_KERNEL: Any = None
#: Games with at least this many cells (m * n) load the compiled kernel (see :func:`_analyse`).
COMPILED_MIN_CELLS = 144


def _size_error(name: str, what: str, max_vertices: int, max_bases: int) -> SizeLimitError:
    if what == "vertices":
        return SizeLimitError(
            f"the best-response polytope {name} has more than max_vertices={max_vertices} vertices; "
            "raise max_vertices or use a method for larger games")
    return SizeLimitError(
        f"the best-response polytope {name} has more than max_bases={max_bases} lexicographic bases "
        "(one per vertex, more at degenerate vertices); raise max_bases / max_vertices or use a method "
        "for larger games")


def _enumerate_vertices(M: np.ndarray, max_vertices: int, max_bases: int, name: str) -> _Vertices:
    """Vertices of {z >= 0 : M z <= 1} by the numpy kernel."""
    with np.errstate(all="ignore"):
        return _enumerate_vertices_kernel(M, max_vertices, max_bases, name)


def _polytope_vertices(M: np.ndarray, max_vertices: int, max_bases: int, name: str,
                       kernel: Any) -> tuple[_Vertices, np.ndarray | None]:
    """Vertices of {z >= 0 : M z <= 1} and, from the compiled kernel, their label bit masks.

    The compiled kernel (``kernel``, see :func:`_compiled_kernel`) runs when the labels fit
    in one int64 word; it widens its arithmetic from int64 to 128 bits to Python integers
    where a pivot needs it, continuing the same search (:mod:`._lex_search`).
    """
    k, d = M.shape
    if kernel is None or M.dtype != np.int64 or d + k > kernel.MAX_VARIABLES:
        return _enumerate_vertices(M, max_vertices, max_bases, name), None
    search = CompiledSearch(kernel, M, max_vertices, max_bases)
    status = search.run()
    if status == kernel.TOO_MANY_VERTICES:
        raise _size_error(name, "vertices", max_vertices, max_bases)
    if status == kernel.TOO_MANY_BASES:
        raise _size_error(name, "bases", max_vertices, max_bases)
    res = search.result()
    masks = res.masks if not res.extra else np.concatenate([res.masks, [m for m, _, _ in res.extra]])
    labels = ((masks[:, None] >> np.arange(d + k, dtype=np.int64)) & 1).astype(bool)
    return _compiled_vertices(res, labels, d), masks


def _compiled_vertices(res: SearchResult, labels: np.ndarray, d: int) -> _Vertices:
    """:class:`_Vertices` of a compiled search: int64 when every number fits, else 128-bit
    words, else (after the Python tier) Python ints."""
    if res.extra:
        rows = [_join(h, x) for h, x in zip(res.hi.reshape(-1).tolist(), res.lo.reshape(-1).tolist())]
        coords = np.empty((len(res.masks) + len(res.extra), d), dtype=object)
        coords[: len(res.masks)].reshape(-1)[:] = rows if d else []
        dets = np.empty(len(coords), dtype=object)
        dets[: len(res.masks)] = [_join(h, x) for h, x in zip(res.det_hi.tolist(), res.det_lo.tolist())]
        for t, (_, c, det) in enumerate(res.extra):
            coords[len(res.masks) + t] = c
            dets[len(res.masks) + t] = det
        return _Vertices(labels=labels, coords=coords, dets=dets, n_bases=res.n_bases)
    lo, dlo = res.lo.view(np.int64), res.det_lo.view(np.int64)
    if np.array_equal(res.hi, (lo >> 63).view(np.uint64)) and np.array_equal(res.det_hi, (dlo >> 63).view(np.uint64)):
        return _Vertices(labels=labels, coords=lo, dets=dlo, n_bases=res.n_bases)
    return _Vertices(labels=labels, coords=res.hi, dets=res.det_hi, n_bases=res.n_bases, low=(res.lo, res.det_lo))


def _fresh(keys: np.ndarray, seen_sorted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the first occurrence of each key not in ``seen_sorted``; updated sorted set."""
    uniq, first = np.unique(keys, return_index=True)
    if len(seen_sorted):
        idx = np.searchsorted(seen_sorted, uniq)
        hit = seen_sorted[np.minimum(idx, len(seen_sorted) - 1)] == uniq
        uniq, first = uniq[~hit], first[~hit]
    if len(uniq):
        seen_sorted = np.sort(np.concatenate([seen_sorted, uniq]))
    return np.sort(first), seen_sorted


def _enumerate_vertices_kernel(M: np.ndarray, max_vertices: int, max_bases: int, name: str) -> _Vertices:
    """All vertices of {z >= 0 : M z <= 1} for a positive integer matrix M (k x d).

    Breadth-first search over lexicographically feasible bases (module docstring).  Bases
    and vertices are identified by bit sets in ``uint64`` words: the basic variables, and
    the tight constraints (labels) respectively.
    """
    k, d = M.shape
    nv = d + k
    W = -(-nv // 64)
    dtype = np.int64 if M.dtype != object else object
    T0 = np.zeros((1, k, d + 1), dtype=dtype)
    T0[0, :, :d] = M
    T0[0, :, -1] = 1
    basic0 = np.arange(d, d + k, dtype=np.int64)[None, :]
    nonbasic0 = np.arange(d, dtype=np.int64)[None, :]
    det0 = np.ones(1, dtype=dtype)
    key0 = _bitset(basic0, None, W)
    all_vars = _bitset(np.arange(nv)[None, :], None, W)[0]
    visited = _hashable(key0)
    seen_vertices = _hashable(np.zeros((0, W), dtype=np.uint64))
    queue: deque[tuple[np.ndarray, ...]] = deque([(T0, det0, basic0, nonbasic0, key0)])
    lab_list: list[np.ndarray] = []
    coord_list: list[np.ndarray] = []
    det_list: list[np.ndarray] = []
    n_vertices = 0
    n_bases = 1
    while queue:
        T, det, basic, nonbasic, key = queue.popleft()
        K = T.shape[0]
        rhs = T[:, :, -1]
        # vertices of these bases: tight = nonbasic, or basic at value 0
        tight = (all_vars ^ key) | _bitset(basic, rhs == 0, W)
        first, seen_vertices = _fresh(_hashable(tight), seen_vertices)
        if len(first):
            n_vertices += len(first)
            if n_vertices > max_vertices:
                raise _size_error(name, "vertices", max_vertices, max_bases)
            coords = np.zeros((len(first), d), dtype=T.dtype)
            b = basic[first]
            rr, ii = np.nonzero(b < d)
            coords[rr, b[rr, ii]] = rhs[first][rr, ii]
            lab_list.append(tight[first])
            coord_list.append(coords)
            det_list.append(det[first])
        # neighbours: one lexicographic pivot per nonbasic variable
        leave_row = _ratio_test(T, det, basic, nonbasic, d, k)           # (K, d)
        leave_var = basic[np.arange(K)[:, None], leave_row]              # (K, d)
        nkeys = np.repeat(key[:, None, :], d, axis=1)                    # (K, d, W)
        _flip(nkeys, nonbasic)
        _flip(nkeys, leave_var)
        nkeys = nkeys.reshape(K * d, W)
        first, visited = _fresh(_hashable(nkeys), visited)
        if not len(first):
            continue
        n_bases += len(first)
        if n_bases > max_bases:
            raise _size_error(name, "bases", max_vertices, max_bases)
        src, j = np.divmod(first, d)
        for start in range(0, len(src), _CHUNK):
            s, jj_ = src[start:start + _CHUNK], j[start:start + _CHUNK]
            r = leave_row[s, jj_]
            e = nonbasic[s, jj_]
            T2, det2 = _pivot_chunk(T[s], det[s], r, jj_)
            ar2 = np.arange(len(s))
            b2 = basic[s]
            b2[ar2, r] = e
            n2 = nonbasic[s]
            n2[ar2, jj_] = leave_var[s, jj_]
            queue.append((T2, det2, b2, n2, nkeys[first[start:start + _CHUNK]]))
    coord_dtype = object if any(c.dtype == object for c in coord_list) else np.int64
    words = np.concatenate(lab_list)
    labels = np.unpackbits(np.ascontiguousarray(words, dtype="<u8").view(np.uint8), axis=1,
                           bitorder="little")[:, :nv]
    return _Vertices(
        labels=labels.astype(bool),
        coords=np.concatenate([c.astype(coord_dtype) for c in coord_list]),
        dets=np.concatenate([c.astype(coord_dtype) for c in det_list]),
        n_bases=n_bases,
    )


# ----------------------------------------------------------------------------- analysis
@dataclass
class _Analysis:
    m: int
    n: int
    P: _Vertices
    Q: _Vertices
    labels_P: np.ndarray          # bool (VP, m+n), game label order
    labels_Q: np.ndarray          # bool (VQ, m+n)
    pairs: np.ndarray             # int (E, 2): complementary (P vertex, Q vertex), origin excluded
    degenerate: bool
    exact: bool


def _check_game(game: Any) -> NormalFormGame:
    if not isinstance(game, NormalFormGame):
        raise GameError(f"expected a NormalFormGame, got {type(game).__name__}")
    if game.n_players != 2:
        raise GameError(f"vertex enumeration needs a 2-player game, this one has {game.n_players} players")
    return game


def lex_bases_bound(k: int, d: int) -> int:
    """Upper bound on the lexicographically feasible bases of {z >= 0 : M z <= 1}, M k x d.

    The lex-feasible bases are the vertices of the perturbed polytope P_eps (module
    docstring): a simple d-polytope with at most N = d + k facets.  By McMullen's upper bound
    theorem (P. McMullen, "The maximum numbers of faces of a convex polytope", Mathematika 17,
    1970), such a polytope has at most ``C(N - floor((d+1)/2), N - d) + C(N - floor((d+2)/2), N - d)``
    vertices, attained by the duals of cyclic polytopes.  This bounds the vertices too.
    Exact integer arithmetic; O(1) big-integer operations.

    Examples
    --------
    >>> lex_bases_bound(2, 2), lex_bases_bound(3, 3), lex_bases_bound(16, 16)   # square, cube, 16 x 16 game
    (4, 8, 980628)
    """
    N = d + k
    return comb(N - (d + 1) // 2, N - d) + comb(N - (d + 2) // 2, N - d)


#: Games whose bound reaches this many bases (16 x 16 and larger squares) say so on stderr first:
#: they may run for seconds; smaller ones (a 14 x 14 game: at most 310,080, a second at most) stay quiet.
PROGRESS_BASES = 10**6
#: The way out named when the bound on the bases is above the size budget.
_WORK_WAY_OUT = ("the bound is the worst case (McMullen's upper bound theorem); for one equilibrium use "
                 "Lemke-Howson, which follows one path instead of enumerating vertices (solve --concept one; "
                 "contract_theory.equilibria.lemke_howson in Python); to try anyway, raise the limit "
                 "with --max-entries N (contract_theory.games.size.size_limit in Python): max_vertices and "
                 "max_bases still stop the search")


def _check_work(m: int, n: int) -> int:
    """Refuse, before pivoting or allocating, an m x n game whose polytopes P (dimension m,
    n + m facets) and Q (dimension n) may have more lex-feasible bases in all than the size
    budget (one visited-basis table cell each; :mod:`contract_theory.games.size`)."""
    bound = lex_bases_bound(n, m) + lex_bases_bound(m, n)
    size = f"{bound:,}" if bound < 10**15 else f"about {Decimal(bound):.3e}"
    detail = f"at most {size} lexicographic bases in the best-response polytopes of a {m} x {n} game"
    check_size("vertex enumeration", min(bound, 10**300), detail, _WORK_WAY_OUT)  # the cap keeps floats finite
    if bound >= PROGRESS_BASES:
        progress(f"vertex enumeration of a {m} x {n} game, worst case in lexicographic bases", bound)
    return bound


def _check_limit(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ParameterError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def _analyse(game: NormalFormGame, max_vertices: int, max_bases: int | None, *,
             compiled: bool | None = None) -> _Analysis:
    """Vertices of P and Q, their labels in game order, and the complementary pairs.

    Kernel choice (``compiled=None``): the compiled kernel when this process has already
    loaded it (a larger game ran before), or when the game has at least
    :data:`COMPILED_MIN_CELLS` cells (there the one-off cost of importing numba and loading
    the kernel from numba's on-disk cache, about a second, is repaid); the numpy kernel
    otherwise -- so a small game never imports numba or compiles anything, even when numba
    is already imported by something else.  ``True`` / ``False`` force one (``False``: the
    reference the compiled one is tested against)."""
    game = _check_game(game)
    max_vertices = _check_limit(max_vertices, "max_vertices")
    max_bases = 10 * max_vertices if max_bases is None else _check_limit(max_bases, "max_bases")
    m, n = game.shape
    _check_work(m, n)
    if compiled is None:
        compiled = bool(_KERNEL) or m * n >= COMPILED_MIN_CELLS
    kernel = _compiled_kernel() if compiled else None
    A = _positive_integer_matrix(game.table[..., 0])
    B = _positive_integer_matrix(game.table[..., 1])
    P, masks_P = _polytope_vertices(np.ascontiguousarray(B.T), max_vertices, max_bases,
                                    "P (row player's mixed strategies)", kernel)
    Q, masks_Q = _polytope_vertices(np.ascontiguousarray(A), max_vertices, max_bases,
                                    "Q (column player's mixed strategies)", kernel)
    # P's variables are x_0..x_{m-1}, s_0..s_{n-1}: already labels 0..m+n-1.
    labels_P = P.labels
    # Q's variables are y_0..y_{n-1}, r_0..r_{m-1}: label i <- r_i, label m+j <- y_j.
    labels_Q = Q.labels[:, np.concatenate([np.arange(n, n + m), np.arange(n)])]
    degenerate = bool((labels_P.sum(axis=1) > m).any() or (labels_Q.sum(axis=1) > n).any())
    nonzero_P, nonzero_Q = P.nonzero(), Q.nonzero()
    if kernel is not None and masks_P is not None and masks_Q is not None:
        game_masks_Q = ((masks_Q >> n) & ((1 << m) - 1)) | ((masks_Q & ((1 << n) - 1)) << m)
        pairs = kernel.complementary_pairs(masks_P, game_masks_Q, nonzero_P, nonzero_Q, m, n)
    else:
        pairs = _complementary_pairs(labels_P, labels_Q, nonzero_P, nonzero_Q, m, n)
    return _Analysis(m, n, P, Q, labels_P, labels_Q, pairs, degenerate, game.exact)


def _complementary_pairs(labels_P: np.ndarray, labels_Q: np.ndarray, nonzero_P: np.ndarray,
                         nonzero_Q: np.ndarray, m: int, n: int) -> np.ndarray:
    """All (i, j) with labels_P[i] | labels_Q[j] = all m + n labels, both vertices nonzero.

    A vertex of P has >= m labels and one of Q >= n.  Between vertices with exactly m and n
    labels, complementary means labels_Q[j] == complement(labels_P[i]): a sort-and-search
    join.  Pairs involving a vertex with extra labels (degenerate) are tested directly,
    ``((LP[:, None] | LQ[None, :]) == full).all(-1)`` in uint64 words, in blocks.
    """
    LP, LQ, full = _words(labels_P), _words(labels_Q), _words(np.ones((1, m + n), dtype=bool))[0]
    degP = labels_P.sum(axis=1) > m
    degQ = labels_Q.sum(axis=1) > n
    found = []
    # nondegenerate x nondegenerate: exact join on the complement
    iP = np.flatnonzero(nonzero_P & ~degP)
    iQ = np.flatnonzero(nonzero_Q & ~degQ)
    if len(iP) and len(iQ):
        keysQ = _hashable(LQ[iQ])
        order = np.argsort(keysQ)
        sortedQ = keysQ[order]
        target = _hashable(np.ascontiguousarray(LP[iP] ^ full))
        pos = np.minimum(np.searchsorted(sortedQ, target), len(sortedQ) - 1)
        hit = sortedQ[pos] == target
        found.append(np.stack([iP[hit], iQ[order[pos[hit]]]], axis=1))
    # pairs with a degenerate vertex: direct test
    for rows, cols in ((np.flatnonzero(nonzero_P & degP), np.flatnonzero(nonzero_Q)),
                       (np.flatnonzero(nonzero_P & ~degP), np.flatnonzero(nonzero_Q & degQ))):
        if not len(rows) or not len(cols):
            continue
        LPr, LQc = LP[rows], LQ[cols]
        step = max(1, 2_000_000 // len(cols))
        for a in range(0, len(rows), step):
            block = LPr[a:a + step]
            comp = (block[:, None, 0] | LQc[None, :, 0]) == full[0]
            for w in range(1, LP.shape[1]):
                comp &= (block[:, None, w] | LQc[None, :, w]) == full[w]
            ii, jj = np.nonzero(comp)
            if len(ii):
                found.append(np.stack([rows[ii + a], cols[jj]], axis=1))
    return np.concatenate(found) if found else np.zeros((0, 2), dtype=np.int64)


def _words(bits: np.ndarray) -> np.ndarray:
    """Bool rows (V, L) as label bit sets in ``uint64`` words (V, ceil(L / 64))."""
    V, L = bits.shape
    W = max(1, -(-L // 64))
    padded = np.zeros((V, 64 * W), dtype=bool)
    padded[:, :L] = bits
    return np.packbits(padded, axis=1, bitorder="little").view("<u8")


_ZERO, _ONE = Fraction(0), Fraction(1)


def _normalized(vals: list[int]) -> tuple[Fraction, ...]:
    """The vertex numerators ``vals`` scaled to a probability vector (zeros and ones shared)."""
    total = sum(vals)
    return tuple(_ZERO if v == 0 else _ONE if v == total else Fraction(v, total) for v in vals)


def _profiles(an: _Analysis) -> list[tuple[MixedProfile, int, int]]:
    """(profile, P vertex, Q vertex) for every extreme equilibrium, in the documented order."""
    xs: dict[int, tuple[Fraction, ...]] = {}
    ys: dict[int, tuple[Fraction, ...]] = {}
    out = []
    for i, j in an.pairs.tolist():
        if i not in xs:
            xs[i] = _normalized(an.P.point(i)[0])
        if j not in ys:
            ys[j] = _normalized(an.Q.point(j)[0])
        out.append((MixedProfile((xs[i], ys[j])), i, j))
    out.sort(key=lambda t: t[0].strategies)
    return out


def _has_continuum(an: _Analysis) -> bool:
    """Some extreme strategy is in two extreme equilibria (then their segment is in the set)."""
    pairs = an.pairs.tolist()
    return len({i for i, _ in pairs}) < len(pairs) or len({j for _, j in pairs}) < len(pairs)


# ----------------------------------------------------------------------------- public API
def vertex_enumeration_solve(
    game: NormalFormGame, *, max_vertices: int = 200_000, max_bases: int | None = None,
) -> EquilibriumResult:
    """All extreme Nash equilibria of a 2-player game, exact (docs/background/model.md#2-solution-concepts).

    The equilibria are the normalized completely labeled vertex pairs of the best-response
    polytopes P and Q (module docstring), as :class:`~contract_theory.equilibria.results.MixedProfile`
    of exact Fractions.  Correct on degenerate games: there the equilibrium set may contain
    continua (line segments, polygons, ...) and the list holds the *extreme points* of its
    maximal convex pieces (see :func:`equilibrium_components`); ``notes`` say so.

    Order: ascending lexicographic order of ``(row strategy, column strategy)``, each a
    tuple of Fractions (so a profile whose row player puts less weight on action 0 comes
    first).

    Parameters
    ----------
    max_vertices
        Raise :class:`~contract_theory.errors.SizeLimitError` when P or Q has more distinct
        vertices than this.
    max_bases
        Raise :class:`SizeLimitError` when the search visits more lexicographically feasible
        bases than this in P or Q (only degenerate games have more bases than vertices).
        Default ``10 * max_vertices``.

    Raises
    ------
    GameError
        For a game without exactly 2 players (:class:`~contract_theory.errors.GameError`).
    SizeLimitError
        Before any pivot, when the bound on the bases (:func:`lex_bases_bound`) exceeds the
        size budget.

    Notes
    -----
    Complexity: linear in the number of vertices/bases of P and Q, which can grow
    exponentially with min(m, n) (module docstring); with the compiled kernel about 1 ms for
    a random 8 x 8 game, 40 ms for 12 x 12 and 2 s for 16 x 16 with payoffs 0..n^2-1, no
    slower than quantecon's float enumeration (``benchmarks/bench_two_player.py``).

    Examples
    --------
    >>> from contract_theory.games.library import battle_of_the_sexes
    >>> res = vertex_enumeration_solve(battle_of_the_sexes())
    >>> [p.as_strings() for p in res.equilibria]
    [[['0', '1'], ['0', '1']], [['2/3', '1/3'], ['1/3', '2/3']], [['1', '0'], ['1', '0']]]
    >>> res.notes[0]
    'nondegenerate game: every equilibrium is isolated'
    """
    an = _analyse(game, max_vertices, max_bases)
    eqs = tuple(p for p, _, _ in _profiles(an))
    notes = []
    if an.degenerate:
        if _has_continuum(an):
            notes.append("degenerate game; the equilibrium set contains continua: the list holds the extreme "
                         "points of its maximal convex pieces (see equilibrium_components)")
        else:
            notes.append("degenerate game; every extreme equilibrium is isolated")
    else:
        notes.append("nondegenerate game: every equilibrium is isolated")
    notes.append(f"vertices: {len(an.P.labels)} in P, {len(an.Q.labels)} in Q; lexicographic bases visited: "
                 f"{an.P.n_bases} in P, {an.Q.n_bases} in Q")
    if not an.exact:
        notes.append("payoffs were given as floats (computed exactly from their binary values)")
    return EquilibriumResult(method="vertex-enumeration", exact=True, equilibria=eqs, complete=True,
                             parameters={"max_vertices": max_vertices, "max_bases": max_bases},
                             notes=tuple(notes), payoffs_exact=an.exact)


@dataclass(frozen=True)
class Component:
    """A connected component of the Nash equilibrium set of a 2-player game.

    Attributes
    ----------
    equilibria
        The extreme equilibria in the component, in the order of
        :func:`vertex_enumeration_solve`.
    nash_subsets
        The maximal Nash subsets (maximal convex sets of equilibria) whose union is the
        component, each as the indices into ``equilibria`` of its extreme points.  A maximal
        Nash subset is conv(X) x conv(Y) for a maximal biclique X x Y of compatible extreme
        strategies, and its extreme points are exactly the pairs in X x Y.
    """

    equilibria: tuple[MixedProfile, ...]
    nash_subsets: tuple[tuple[int, ...], ...]

    @property
    def is_isolated(self) -> bool:
        """True when the component is a single equilibrium."""
        return len(self.equilibria) == 1


def equilibrium_components(
    game: NormalFormGame, *, max_vertices: int = 200_000, max_bases: int | None = None,
) -> list[Component]:
    """Connected components of the equilibrium set, with their maximal Nash subsets.

    Definition (Audet, Hansen, Jaumard & Savard 2001; Avis et al. 2010): extreme
    equilibria (x, y) and (x', y') are linked when x = x' or y = y'; the bipartite
    "compatibility" graph on the extreme strategies x (vertices of P) and y (vertices of Q)
    with an edge per extreme equilibrium has the equilibrium components as its connected
    components.  The maximal bicliques X x Y of that graph are the maximal Nash subsets
    conv(X) x conv(Y) (found with :func:`networkx.find_cliques` on the graph completed within
    each side).  Two maximal Nash subsets intersect iff they share an extreme equilibrium,
    because conv(X) is a face of P.  Components are listed in the order of their first
    equilibrium.  Limits as in :func:`vertex_enumeration_solve`; clique enumeration is
    exponential in the worst case but components are small in practice.

    Examples
    --------
    >>> from contract_theory import NormalFormGame
    >>> g = NormalFormGame.from_bimatrix([[1, 1], [0, 2]], [[1, 1], [1, 0]])
    >>> comps = equilibrium_components(g)
    >>> [(len(c.equilibria), c.nash_subsets) for c in comps]
    [(2, ((0, 1),))]
    """
    import networkx as nx

    an = _analyse(game, max_vertices, max_bases)
    profs = _profiles(an)
    G = nx.Graph()
    for idx, (_, i, j) in enumerate(profs):
        G.add_edge(("x", i), ("y", j), eq=idx)
    comps = []
    for nodes in nx.connected_components(G):
        xs = sorted(v for v in nodes if v[0] == "x")
        ys = sorted(v for v in nodes if v[0] == "y")
        H = G.subgraph(nodes).copy()
        H.add_edges_from((a, b) for t, a in enumerate(xs) for b in xs[t + 1:])
        H.add_edges_from((a, b) for t, a in enumerate(ys) for b in ys[t + 1:])
        members = sorted({G.edges[e]["eq"] for e in G.subgraph(nodes).edges})
        local = {g_idx: pos for pos, g_idx in enumerate(members)}
        subsets = []
        for clique in nx.find_cliques(H):
            cx = [v for v in clique if v[0] == "x"]
            cy = [v for v in clique if v[0] == "y"]
            if cx and cy:
                subsets.append(tuple(sorted(local[G.edges[a, b]["eq"]] for a in cx for b in cy)))
        comps.append(Component(tuple(profs[g][0] for g in members), tuple(sorted(subsets))))
    comps.sort(key=lambda c: c.equilibria[0].strategies)
    return comps


def is_degenerate(game: NormalFormGame, *, max_vertices: int = 200_000, max_bases: int | None = None) -> bool:
    """Whether a 2-player game is degenerate.

    Definition (von Stengel 2002, Def. 3.2): some mixed strategy with support size k has more
    than k pure best responses.  Decided exactly from the vertex labels: the game is
    degenerate iff some vertex of P has more than m labels or some vertex of Q more than n
    (a point of P with more than m labels lies on a face all of whose vertices have them).
    Same cost and limits as :func:`vertex_enumeration_solve`.

    Examples
    --------
    >>> from contract_theory.games.library import matching_pennies
    >>> from contract_theory import NormalFormGame
    >>> is_degenerate(matching_pennies())
    False
    >>> is_degenerate(NormalFormGame.from_bimatrix([[1, 1], [0, 2]], [[1, 1], [1, 0]]))
    True
    """
    return _analyse(game, max_vertices, max_bases).degenerate


def best_response_polytope_vertices(
    game: NormalFormGame, *, max_vertices: int = 200_000, max_bases: int | None = None,
) -> tuple[list[tuple[tuple[Fraction, ...], frozenset[int]]], list[tuple[tuple[Fraction, ...], frozenset[int]]]]:
    """Vertices of P and Q with their label sets, for inspection and teaching.

    Each vertex is ``(point, labels)`` with exact Fraction coordinates in the *rescaled*
    polytopes (payoffs mapped to (X - min X)/gcd + 1, module docstring) and labels in
    {0..m+n-1}.  Sorted by coordinates.

    Examples
    --------
    >>> from contract_theory.games.library import matching_pennies
    >>> P, Q = best_response_polytope_vertices(matching_pennies())
    >>> [(tuple(map(str, x)), sorted(l)) for x, l in P]
    [(('0', '0'), [0, 1]), (('0', '1/2'), [0, 2]), (('1/3', '1/3'), [2, 3]), (('1/2', '0'), [1, 3])]
    """
    an = _analyse(game, max_vertices, max_bases)
    out = []
    for V, L in ((an.P, an.labels_P), (an.Q, an.labels_Q)):
        pts = []
        for v in range(len(L)):
            nums, det = V.point(v)
            pt = tuple(Fraction(c, det) for c in nums)
            pts.append((pt, frozenset(np.flatnonzero(L[v]).tolist())))
        pts.sort(key=lambda t: t[0])
        out.append(pts)
    return out[0], out[1]
