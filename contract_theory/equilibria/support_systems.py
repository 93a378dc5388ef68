r"""Exact solution of the support systems of N-player games by linear elimination (docs/background/model.md#2-solution-concepts).

A support profile (S_1, ..., S_n) asks for sigma_i in the relative interior of Delta(S_i) with
U_i(k, sigma_{-i}) = U_i(S_i[0], sigma_{-i}) for k in S_i.  Player i's equations are
multilinear in the *other* players' strategies; this module uses that structure instead of a
Groebner basis.

Method (pair elimination).  Let T be the players with |S_i| >= 2 and pick two of them, a and
b, with |S_a| = |S_b| = s; the others in T are the *parameters* P, with D = sum_{p in P}
(|S_p| - 1) free coordinates (this module handles D = 0, 1, 2).  For fixed parameters player
a's s - 1 equations are linear in sigma_b: M_a sigma_b = 0 with M_a an (s-1) x s matrix of
polynomials in the parameters; where M_a has rank s - 1, sigma_b is proportional to the vector
kappa_a of signed maximal minors of M_a, and the same for sigma_a and kappa_b.  Substituting
sigma_a ~ kappa_b and sigma_b ~ kappa_a into the parameter players' equations (bilinear in
sigma_a, sigma_b) leaves D polynomial equations in D unknowns:

* D = 0: linear algebra (the "2 players inside N" case); D = 1: one univariate polynomial;
* D = 2: two bivariate polynomials, eliminated by a resultant (python-flint) after a shear
  u + lambda v that separates the solutions; the second coordinate is the root of the gcd of the
  two polynomials over the number field Q(theta).

Every root gives a candidate profile in Q(theta) (theta a real root of an irreducible factor);
it is accepted only after the exact equilibrium check (probabilities > 0 on the supports,
indifference on the support, no better action off it), signs at theta being decided by ball
arithmetic (flint ``arb``) at increasing precision, which terminates because a nonzero element
of Q(theta) is nonzero at theta.

Completeness and the exceptions.  The candidates contain every solution at which M_a and M_b
have full rank.  Where M_a or M_b loses rank (every kappa component vanishes) a solution could
be missed; those parameter values are computed too, and when one lies in the open parameter
simplex, or when anything is degenerate (a polynomial vanishes identically, the gcd over
Q(theta) has degree >= 2 for every tried shear, no equal-size pair exists, D > 2), the solver
answers ``None`` and the caller uses the general Groebner method.  So the answer, when there is
one, is the complete finite list of equilibria with exactly these supports.

Exact early rejection (none of it changes an answer, only the work): a root theta is dropped
before any inversion in Q(theta) when some probability is <= 0 there (sigma_a ~ kappa_b is a
probability vector iff the entries of kappa_b are nonzero with one sign; the parameter players'
probabilities are polynomials in the parameters); payoffs in Q(theta) are computed only for a
candidate with a root that passes; a rank-drop point with no real conjugate in the open parameter
simplex is skipped before its linear system, and for a 2 x 2 pair the rank-drop points of a kappa
are not computed at all when one entry has a strict sign at every pure profile of the parameter
players (the entry is multilinear, so that sign holds on the whole closed simplex); exactly two mixers (whatever their sizes) go to two
linear systems over Q (flint ``fmpq``).  Real roots of degree <= 2 are isolated in closed form.
Three mixers with support sizes (2, 2, 2) or (2, 2, 3) are first tested without the elimination
(:func:`_three_mixers_excluded`): the bilinear equations give an integer eliminant of degree <= 2
whose roots in (0, 1), as balls, must carry positive probabilities and best responses; a profile
that certainly fails everywhere has no equilibrium and is answered ``[]`` before any polynomial
ring is built (on random 3x3x3 games it excludes 270 of the 283 such profiles that reach it).
Four mixers of two actions each (the fully mixed support of a 2x2x2x2 game) are solved first by
:func:`_four_binary_mixers`: one resultant of two integer bivariate polynomials, balls at its
roots in (0, 1), and the profile in Q(theta) only for a factor with a root that passes; it gives
the elimination's answer (the same theta = the first parameter, the same probabilities) or
defers to it at any degeneracy.  Three mixers of two actions that the early rejection leaves are
solved from its eliminant Q in the same way (:func:`_three_binary_mixers`).

Complexity: polynomial arithmetic of degree O(s D) in D <= 2 variables and one resultant;
milliseconds for the supports of 3x3x3 and 2x2x2x2 games.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

__all__ = ["FieldPoint", "solve_support", "real_roots", "sign_at", "pair_and_parameters", "solve_linear_in_field"]

_SHEARS = (0, 1, 2, 3, 5)


# ------------------------------------------------------------------ numbers in Q(theta)
@dataclass(frozen=True)
class FieldPoint:
    """A real algebraic number theta: the ``index``-th real root of the irreducible ``poly`` (flint
    fmpz_poly), or a rational number when ``poly`` has degree 1."""

    poly: Any
    index: int

    @property
    def degree(self) -> int:
        """Degree of theta over Q."""
        return int(self.poly.degree())

    def rational(self) -> Fraction:
        """theta itself when it is rational (degree 1)."""
        c = self.poly.coeffs()
        return Fraction(-int(c[0]), int(c[1]))

    def interval(self) -> tuple[Fraction, Fraction]:
        """An isolating interval (Fractions) of theta among the real roots of ``poly``."""
        ball = _real_roots_cached(tuple(int(c) for c in self.poly.coeffs()), 64)[self.index]  # flint's isolation
        mid, rad = ball.mid().man_exp(), ball.rad().man_exp()
        m = Fraction(int(mid[0])) * Fraction(2) ** int(mid[1])
        r = Fraction(int(rad[0])) * Fraction(2) ** int(rad[1])
        return m - r, m + r


def real_roots(p: Any, prec: int) -> list[Any]:
    """Real roots of the squarefree fmpz_poly ``p`` as flint ``arb`` balls, increasing, at ``prec`` bits.

    Degrees <= 2 in closed form (:func:`_low_degree_roots`); above, ``fmpz_poly.complex_roots``
    (certified isolation; real roots have exactly zero imaginary part).

    Examples
    --------
    >>> import flint
    >>> [float(r) for r in real_roots(flint.fmpz_poly([-2, 0, 1]), 64)]
    [-1.4142135623730951, 1.4142135623730951]
    """
    coeffs = tuple(int(c) for c in p.coeffs())
    if len(coeffs) <= 3:
        low = _low_degree_roots(coeffs, prec)
        if low is not None:
            return list(low)
    return list(_real_roots_cached(coeffs, prec))


@functools.lru_cache(maxsize=4096)
def _low_degree_roots(coeffs: tuple[int, ...], prec: int) -> tuple[Any, ...] | None:
    """Real roots of a squarefree polynomial of degree <= 2 in closed form, as ``arb`` balls at ``prec``
    bits: -c0/c1; (-b -+ sqrt(b^2 - 4ac)) / 2a, none when the (exact, integer) discriminant is
    negative.  ``None`` when two balls overlap (then :func:`_real_roots_cached` isolates them)."""
    import flint

    old = flint.ctx.prec
    try:
        flint.ctx.prec = prec
        if len(coeffs) < 2:
            return ()
        if len(coeffs) == 2:
            return (flint.arb(flint.fmpq(-coeffs[0], coeffs[1])),)
        c, b, a = coeffs
        disc = b * b - 4 * a * c
        if disc < 0:
            return ()
        if disc == 0:
            return (flint.arb(flint.fmpq(-b, 2 * a)),)
        root = flint.arb(disc).sqrt()
        pair = sorted(((-b - root) / (2 * a), (-b + root) / (2 * a)), key=lambda r: float(r.mid()))
        return None if pair[0].overlaps(pair[1]) else tuple(pair)
    finally:
        flint.ctx.prec = old


@functools.lru_cache(maxsize=4096)
def _real_roots_cached(coeffs: tuple[int, ...], prec: int) -> tuple[Any, ...]:
    """:func:`real_roots` keyed by the integer coefficients (one root isolation per polynomial and precision)."""
    import flint

    old = flint.ctx.prec
    try:
        flint.ctx.prec = prec
        poly: Any = flint.fmpz_poly(list(coeffs))
        roots = [c.real for c, _m in poly.complex_roots() if c.imag.is_zero()]
    finally:
        flint.ctx.prec = old
    return tuple(sorted(roots, key=lambda r: float(r.mid())))


def sign_at(g: Any, point: FieldPoint) -> int:
    """Exact sign of g(theta), g an fmpq_poly reduced modulo theta's minimal polynomial.

    g(theta) = 0 iff g = 0; otherwise the ball value of g at theta is refined until it excludes 0.

    Examples
    --------
    >>> import flint
    >>> sign_at(flint.fmpq_poly([-1, 1]), FieldPoint(flint.fmpz_poly([-2, 0, 1]), 1))   # sqrt(2) - 1
    1
    """
    import flint

    if g.is_zero():
        return 0
    if point.degree == 1:
        c = [Fraction(int(v.p), int(v.q)) for v in g.coeffs()]
        x = point.rational()
        v = sum(ci * x**k for k, ci in enumerate(c))
        return (v > 0) - (v < 0)
    coeffs = g.coeffs()
    for prec in (64, 256, 1024, 4096, 16384):
        old = flint.ctx.prec
        try:
            flint.ctx.prec = prec
            th = real_roots(point.poly, prec)[point.index]
            acc = flint.arb(0)
            for c in reversed(coeffs):
                acc = acc * th + flint.arb(c)
            if acc > 0:
                return 1
            if acc < 0:
                return -1
        finally:
            flint.ctx.prec = old
    raise ArithmeticError("sign refinement did not terminate")  # pragma: no cover


class _Field:
    """Arithmetic in Q[t]/(p) with elements as flint fmpq_poly (p irreducible); p = t - c for rationals.

    ``monomial`` caches the reduced monomials prod v_j^e_j of a point ``values`` (held by the cache,
    so their ids stay valid), so that evaluating many polynomials at one point (:func:`_at`) costs
    one integer combination of reduced monomials each."""

    def __init__(self, p: Any) -> None:
        import flint

        self.p = flint.fmpq_poly(p.coeffs())
        self.one = flint.fmpq_poly([1])
        self.zero = flint.fmpq_poly([])
        self._mono: dict[tuple[Any, ...], tuple[Sequence[Any], Any]] = {}

    def red(self, a: Any) -> Any:
        return a % self.p

    def inv(self, a: Any) -> Any:
        g, s, _t = a.xgcd(self.p)
        return self.red(s / g)

    def monomial(self, values: Sequence[Any], e: tuple[int, ...]) -> Any:
        """prod values[j]^e[j], reduced (cached per point and exponent, as are the powers)."""
        key = (tuple(map(id, values)), e)
        hit = self._mono.get(key)
        if hit is None:
            m = self.one
            for j, k in enumerate(e):
                if k:
                    pk = (id(values[j]), k)
                    if pk not in self._mono:
                        self._mono[pk] = (values, self.red(values[j] ** k))
                    m = self.red(m * self._mono[pk][1])
            hit = (values, m)
            self._mono[key] = hit
        return hit[1]


#: The fields of the support profile being solved (with their monomial caches), emptied by
#: :func:`solve_support` before and after each profile so that nothing outlives one solve.
_FIELDS: dict[tuple[int, ...], _Field] = {}


def _field(q: Any) -> _Field:
    """The field Q(theta) of the fmpz_poly q, shared by every caller within one support profile."""
    key = tuple(int(c) for c in q.coeffs())
    F = _FIELDS.get(key)
    if F is None:
        F = _FIELDS[key] = _Field(q)
    return F


def _entry(ptable: Any, idx: Sequence[int], player: int) -> int:
    """table[idx + (player,)] of the payoff table as nested Python lists (``table.tolist()``)."""
    v = ptable
    for k in idx:
        v = v[k]
    return int(v[player])


# ------------------------------------------------------------------ the elimination
def pair_and_parameters(supports: Sequence[tuple[int, ...]]) -> tuple[int, int, list[int]] | None:
    """Players (a, b) with equal support sizes and the parameter players P, minimising D <= 2.

    Examples
    --------
    >>> pair_and_parameters([(0, 1), (0, 1, 2), (1, 2)])
    (0, 2, [1])
    >>> pair_and_parameters([(0, 1, 2), (0, 1), (1,)]) is None
    True
    """
    T = [i for i, s in enumerate(supports) if len(s) > 1]
    best: tuple[int, int, int, list[int]] | None = None
    for a, b in itertools.combinations(T, 2):
        if len(supports[a]) != len(supports[b]):
            continue
        P = [p for p in T if p not in (a, b)]
        D = sum(len(supports[p]) - 1 for p in P)
        if D <= 2 and (best is None or D < best[0]):
            best = (D, a, b, P)
    return None if best is None else (best[1], best[2], best[3])


class _System:
    """The eliminated system of one support profile (module docstring): polynomials in the D parameters."""

    def __init__(self, table: np.ndarray, supports: Sequence[tuple[int, ...]], a: int, b: int,
                 P: list[int]) -> None:
        import flint

        self.table, self.supports, self.a, self.b, self.P = table, supports, a, b, P
        self.ptable = table.tolist()
        self.n = len(supports)
        names = [f"p{p}_{k}" for p in P for k in supports[p][1:]]
        self.D = len(names)
        self.ctx = flint.fmpz_mpoly_ctx.get(tuple(names) if names else ("u",), "lex")
        gens = list(self.ctx.gens())
        one = self.ctx.from_dict({(0,) * self.ctx.nvars(): 1})
        self.one = one
        self.sigma: dict[int, dict[int, Any]] = {}
        it = iter(gens)
        for p in P:
            rest = [next(it) for _ in supports[p][1:]]
            row = {supports[p][0]: one - sum(rest, 0 * one)}
            row.update(zip(supports[p][1:], rest))
            self.sigma[p] = row
        self.matrices: dict[int, list[list[Any]]] = {}  # M_i: player i's indifference rows in the partner
        self.kappa_a = self._kappa(a, b)  # over S_b: sigma_b ~ kappa_a
        self.kappa_b = self._kappa(b, a)  # over S_a: sigma_a ~ kappa_b
        self.forms: list[list[list[Any]]] = []
        self.equations = [self._parameter_equation(p, k) for p in P for k in supports[p][1:]]

    def _weighted(self, fixed: dict[int, int], player: int, skip: Sequence[int]) -> Any:
        """sum over the parameter players' actions (other than ``skip``) of u_player(fixed, a_P) prod sigma."""
        P = [p for p in self.P if p not in skip]
        total = 0 * self.one
        for acts in itertools.product(*(self.supports[p] for p in P)):
            idx = [self.supports[j][0] for j in range(self.n)]
            for j, v in fixed.items():
                idx[j] = v
            w = self.one
            for p, v in zip(P, acts):
                idx[p] = v
                w = w * self.sigma[p][v]
            total += _entry(self.ptable, idx, player) * w
        return total

    def _kappa(self, i: int, j: int) -> list[Any]:
        """Signed maximal minors of player i's indifference matrix in sigma_j (rows S_i[1:], columns S_j)."""
        Si, Sj = self.supports[i], self.supports[j]
        M = [[self._weighted({i: k, j: l}, i, ()) - self._weighted({i: Si[0], j: l}, i, ()) for l in Sj]
             for k in Si[1:]]
        self.matrices[i] = M
        return [(-1) ** c * _det([[row[x] for x in range(len(Sj)) if x != c] for row in M], self.one)
                for c in range(len(Sj))]

    def _parameter_equation(self, p: int, k: int) -> Any:
        """sum_{x, y} kappa_b[x] kappa_a[y] G[x][y]; G (kept in ``self.forms``) is the bilinear form of
        player p's indifference between k and S_p[0] in (sigma_a, sigma_b)."""
        Sa, Sb, Sp = self.supports[self.a], self.supports[self.b], self.supports[p]
        total = 0 * self.one
        G = [[(self._weighted({p: k, self.a: la, self.b: lb}, p, (p,))
               - self._weighted({p: Sp[0], self.a: la, self.b: lb}, p, (p,))) for lb in Sb] for la in Sa]
        self.forms.append(G)
        for x in range(len(Sa)):
            for y in range(len(Sb)):
                total += self.kappa_b[x] * self.kappa_a[y] * G[x][y]
        return total


def _det(M: list[list[Any]], one: Any) -> Any:
    """Determinant of a small square matrix of polynomials (Laplace expansion; size <= 3 in practice)."""
    if not M:
        return one
    if len(M) == 1:
        return M[0][0]
    return sum(((-1) ** c * M[0][c] * _det([row[:c] + row[c + 1:] for row in M[1:]], one)
                for c in range(len(M))), 0 * one)


def _univariate(q: Any, var: int = 0) -> Any:
    """An fmpz_mpoly in one variable (index ``var``) as an fmpz_poly."""
    import flint

    d = q.to_dict()
    deg = max((e[var] for e in d), default=0)
    c = [0] * (deg + 1)
    for e, v in d.items():
        c[e[var]] += int(v)
    return flint.fmpz_poly(c)


def _at(q: Any, values: Sequence[Any], F: _Field) -> Any:
    """The fmpz_mpoly q evaluated at reduced field elements ``values`` (one per variable): an integer
    combination of the point's cached reduced monomials (:meth:`_Field.monomial`), so already reduced."""
    total = F.zero
    for e, c in q.to_dict().items():
        total += int(c) * F.monomial(values, tuple(e))
    return total


def _irreducible_real_factors(p: Any) -> list[Any]:
    """Irreducible factors of the fmpz_poly p that have at least one real root."""
    _c, factors = p.factor()
    return [f for f, _m in factors if f.degree() >= 1 and real_roots(f, 64)]


def _solve_0(sysm: _System) -> list[tuple[Any, list[Any]]] | None:
    """D = 0 (two mixing players, the others pure): sigma_a ~ kappa_b, sigma_b ~ kappa_a, constants."""
    import flint

    if all(c.is_zero() for c in sysm.kappa_a) or all(c.is_zero() for c in sysm.kappa_b):
        return None  # rank-deficient: possibly a continuum, general method
    return [(flint.fmpz_poly([0, 1]), [])]


def _solve_1(sysm: _System) -> list[tuple[Any, list[Any]]] | None:
    """D = 1: roots of one univariate polynomial; [(irreducible factor, [parameter value in Q(theta)])]."""
    import flint

    f = _univariate(sysm.equations[0])
    if f.is_zero():
        return None
    return [(q, [flint.fmpq_poly([0, 1])]) for q in _irreducible_real_factors(f)]


def _gcd_over_field(f: list[Any], g: list[Any], F: _Field) -> list[Any]:
    """Monic gcd of two polynomials in v over Q(theta) (coefficient lists, lowest first)."""
    def strip(h: list[Any]) -> list[Any]:
        h = [F.red(c) for c in h]
        while h and h[-1].is_zero():
            h.pop()
        return h

    f, g = strip(f), strip(g)
    while g:
        inv = F.inv(g[-1])
        while len(f) >= len(g):
            c = F.red(f[-1] * inv)
            shift = len(f) - len(g)
            f = strip([fc - (c * g[i - shift] if i >= shift else 0) for i, fc in enumerate(f)])
            if not f:
                break
        f, g = g, f
    if not f:
        return []
    inv = F.inv(f[-1])
    return [F.red(c * inv) for c in f]


def _bivariate(E1: Any, E2: Any, ctx: Any) -> list[tuple[Any, list[Any]]] | None:
    """All complex common roots of E1, E2 in (u, v) with real u + lambda v, as (factor, [u, v] in Q(theta))."""
    import flint

    u, v = ctx.gens()
    for lam in _SHEARS:
        F1, F2 = (E.compose(u - lam * v, v) for E in (E1, E2))
        R = F1.resultant(F2, ctx.names()[1])
        if R.is_zero():
            return None
        out: list[tuple[Any, list[Any]]] = []
        ok = True
        sub = _first_subresultant(F1, F2)
        for q in _irreducible_real_factors(_univariate(R)):
            F = _field(q)
            theta = flint.fmpq_poly([0, 1])
            g = _gcd_by_subresultant(sub, F)
            if g is None:  # not decided by S_1: the gcd over Q(theta) by Euclid's algorithm
                cf = [_coeffs_in_v(Fi, theta, F) for Fi in (F1, F2)]
                g = _gcd_over_field(cf[0], cf[1], F)
            if len(g) == 1:
                continue  # no common root over this factor (the leading coefficients vanished)
            if len(g) != 2:
                ok = False
                break
            vv = F.red(-g[0])
            out.append((q, [F.red(theta - lam * vv), vv]))
        if ok:
            return out
    return None


def _in_v(E: Any) -> list[Any]:
    """The fmpz_mpoly E(u, v) as coefficients in v (lowest first), each an fmpz_poly in u."""
    import flint

    d = E.to_dict()
    deg = max((e[1] for e in d), default=0)
    cols: list[dict[int, int]] = [{} for _ in range(deg + 1)]
    for e, c in d.items():
        cols[e[1]][e[0]] = int(c)
    return [flint.fmpz_poly([col.get(k, 0) for k in range(max(col, default=-1) + 1)]) for col in cols]


def _det_bareiss(M: list[list[Any]]) -> Any:
    """Determinant of a square matrix of fmpz_poly by fraction-free (Bareiss) elimination: exact
    divisions only, O(n^3) polynomial products."""
    import flint

    M = [row[:] for row in M]
    n, sign, prev = len(M), 1, flint.fmpz_poly([1])
    for k in range(n - 1):
        if M[k][k].is_zero():
            r = next((r for r in range(k + 1, n) if not M[r][k].is_zero()), None)
            if r is None:
                return flint.fmpz_poly([])
            M[k], M[r], sign = M[r], M[k], -sign
        for i in range(k + 1, n):
            for j in range(k + 1, n):
                M[i][j] = (M[i][j] * M[k][k] - M[i][k] * M[k][j]) // prev
        prev = M[k][k]
    return M[n - 1][n - 1] * sign


def _first_subresultant(E1: Any, E2: Any) -> tuple[Any, Any, Any, Any] | None:
    """(s_11, s_10, lc E1, lc E2): the first subresultant S_1 = s_11(u) v + s_10(u) of E1, E2 in v
    (determinants of the Sylvester submatrices), with the leading coefficients; ``None`` if a degree < 2.

    Fundamental property (specialization of subresultants): at a root theta of the resultant
    where both leading coefficients are nonzero, gcd(E1(theta, v), E2(theta, v)) has degree 1
    iff s_11(theta) != 0, and it is then S_1(theta, v)."""
    A, B = _in_v(E1), _in_v(E2)
    m, n = len(A) - 1, len(B) - 1
    if m < 2 or n < 2:
        return None
    width = m + n - 1  # columns: coefficients of v^(m+n-2) .. v^0
    rows = []
    for shift in range(n - 2, -1, -1):
        rows.append([A[c - shift] if 0 <= c - shift <= m else A[0] * 0 for c in range(width - 1, -1, -1)])
    for shift in range(m - 2, -1, -1):
        rows.append([B[c - shift] if 0 <= c - shift <= n else B[0] * 0 for c in range(width - 1, -1, -1)])
    lead = [row[:width - 2] for row in rows]  # v^(m+n-2) .. v^2
    s11 = _det_bareiss([r + [row[width - 2]] for r, row in zip(lead, rows)])
    s10 = _det_bareiss([r + [row[width - 1]] for r, row in zip(lead, rows)])
    return s11, s10, A[-1], B[-1]


def _gcd_by_subresultant(sub: tuple[Any, Any, Any, Any] | None, F: _Field) -> list[Any] | None:
    """Monic gcd (degree 1) of E1(theta, v), E2(theta, v) from the first subresultant, or ``None``
    when it does not decide (a leading coefficient or s_11 vanishes at theta)."""
    import flint

    if sub is None:
        return None
    s11, s10, la, lb = (F.red(flint.fmpq_poly(c.coeffs())) for c in sub)
    if s11.is_zero() or la.is_zero() or lb.is_zero():
        return None
    return [F.red(s10 * F.inv(s11)), F.one]


def _coeffs_in_v(E: Any, theta: Any, F: _Field) -> list[Any]:
    """E(theta, v) as coefficients in v (lowest first) over Q(theta)."""
    d = E.to_dict()
    deg = max((e[1] for e in d), default=0)
    out = [F.zero] * (deg + 1)
    for e, c in d.items():
        out[e[1]] = out[e[1]] + F.red(int(c) * theta ** e[0])
    return out


def _rank_drop_points(sysm: _System) -> list[tuple[Any, list[Any]]] | None:
    """Parameter points (in Q(theta)) where kappa_a or kappa_b vanishes; ``None``: not computable."""
    import flint

    pts: list[tuple[Any, list[Any]]] = []
    for kap in (sysm.kappa_a, sysm.kappa_b):
        if _nonzero_on_the_simplex(sysm, kap):
            continue  # no rank drop in the closed parameter simplex: every such point would be skipped
        if sysm.D == 1:
            g = _univariate(kap[0])
            for c in kap[1:]:
                g = g.gcd(_univariate(c))
            if g.is_zero():
                return None
            sols = [(q, [flint.fmpq_poly([0, 1])]) for q in _irreducible_real_factors(g)] if g.degree() > 0 else []
        else:
            found = _bivariate(kap[0], kap[1], sysm.ctx)
            if found is None:
                return None
            sols = [(q, vals) for q, vals in found if all(_at(c, vals, _field(q)).is_zero() for c in kap[2:])]
        pts.extend(sols)
    return pts


def _nonzero_on_the_simplex(sysm: _System, kap: list[Any]) -> bool:
    """Some entry of a two-entry kappa has one strict sign at every pure profile of the parameter players.

    With |S_a| = |S_b| = 2, kappa's entries are the entries of M (1 x 2), each linear in every parameter
    player's mixed strategy, so on the product of the parameter simplices an entry's value is a convex
    combination of its values at the pure profiles: one strict sign there excludes a zero anywhere in
    the closed product, hence a rank-drop point inside it.  O(2 prod |S_p|) integer evaluations."""
    if len(kap) != 2:
        return False  # minors of larger matrices are not multilinear
    corners = []
    for acts in itertools.product(*(range(len(sysm.supports[p])) for p in sysm.P)):
        point = [int(j == k) for k, n in zip(acts, (len(sysm.supports[p]) for p in sysm.P)) for j in range(1, n)]
        corners.append(point)
    for c in kap:
        values = [int(c(*point)) for point in corners]  # D >= 1: every corner has a coordinate
        if all(v > 0 for v in values) or all(v < 0 for v in values):
            return True
    return False


def _rank_drop_candidates(sysm: _System, q: Any, vals: list[Any]) -> list[tuple[Any, list[list[Any]]]] | None:
    """Profiles at a rank-drop parameter point where exactly one of kappa_a, kappa_b vanishes.

    If kappa_a = 0 (M_a lost rank), sigma_a ~ kappa_b is fixed and sigma_b solves a *linear* system
    over Q(theta): M_a sigma_b = 0, the parameter players' equations (bilinear, so linear once
    sigma_a is fixed) and sum sigma_b = 1 (symmetrically when kappa_b = 0).  Exact Gaussian
    elimination over Q(theta): no solution gives ``[]``, a unique one the candidate; ``None`` (the
    general method) when both vanish or the solution is not unique (possibly a continuum)."""
    F = _field(q)
    ka = [_at(c, vals, F) for c in sysm.kappa_a]
    kb = [_at(c, vals, F) for c in sysm.kappa_b]
    if all(c.is_zero() for c in ka) == all(c.is_zero() for c in kb):
        return None  # both (or neither) vanish: general method
    swap = all(c.is_zero() for c in kb)  # then sigma_a is the free one
    known = ka if swap else kb
    tot = F.red(sum(known, F.zero))
    if tot.is_zero():
        return []  # the fixed player's kernel holds no probability vector
    inv = F.inv(tot)
    fixed = [F.red(c * inv) for c in known]
    free_player = sysm.a if swap else sysm.b
    size = len(sysm.supports[free_player])
    owner = sysm.b if swap else sysm.a  # the player whose indifference rows act on the free strategy
    rows = [[_at(c, vals, F) for c in row] + [F.zero] for row in sysm.matrices[owner]]
    for G in sysm.forms:
        Gv = [[_at(c, vals, F) for c in row] for row in G]
        if swap:  # sigma_b fixed: coefficient of sigma_a[x] is sum_y G[x][y] sigma_b[y]
            rows.append([F.red(sum((Gv[x][y] * fixed[y] for y in range(len(fixed))), F.zero))
                         for x in range(size)] + [F.zero])
        else:
            rows.append([F.red(sum((Gv[x][y] * fixed[x] for x in range(len(fixed))), F.zero))
                         for y in range(size)] + [F.zero])
    rows.append([F.one] * size + [F.one])
    status, free = solve_linear_in_field(rows, size, F)
    if status == "none":
        return []
    if status == "many":
        return None
    probs = _profile_in_field(sysm, vals, F, sysm.table.shape[:-1],
                              fixed={sysm.a: free if swap else fixed, sysm.b: fixed if swap else free})
    return [] if probs is None else [(q, probs)]


def solve_linear_in_field(rows: list[list[Any]], ncols: int, F: Any) -> tuple[str, list[Any]]:
    """Exact Gaussian elimination of the augmented rows ``[a_1 .. a_ncols | rhs]`` over a field.

    ``F`` provides ``red``, ``inv``, ``zero`` (field elements with ``is_zero``).  Returns
    ``("none", [])`` (inconsistent), ``("many", [])`` (a positive-dimensional solution set) or
    ``("unique", x)``.  O(rows x ncols^2) field operations.

    Examples
    --------
    >>> import flint
    >>> F = _Field(flint.fmpz_poly([0, 1]))       # the field Q, elements as constant polynomials
    >>> c = lambda v: flint.fmpq_poly([v])
    >>> status, x = solve_linear_in_field([[c(1), c(1), c(1)], [c(1), c(-1), c(0)]], 2, F)
    >>> status, [str(v) for v in x]
    ('unique', ['1/2', '1/2'])
    >>> solve_linear_in_field([[c(1), c(1), c(1)]], 2, F)[0], solve_linear_in_field([[c(0), c(0), c(1)]], 2, F)[0]
    ('many', 'none')
    """
    rows = [[F.red(v) for v in r] for r in rows]
    pivots: list[int] = []
    r0 = 0
    for col in range(ncols):
        piv = next((r for r in range(r0, len(rows)) if not rows[r][col].is_zero()), None)
        if piv is None:
            continue
        rows[r0], rows[piv] = rows[piv], rows[r0]
        inv = F.inv(rows[r0][col])
        rows[r0] = [F.red(v * inv) for v in rows[r0]]
        for r in range(len(rows)):
            if r != r0 and not rows[r][col].is_zero():
                f = rows[r][col]
                rows[r] = [F.red(v - f * w) for v, w in zip(rows[r], rows[r0])]
        pivots.append(col)
        r0 += 1
    if any(not rows[r][ncols].is_zero() for r in range(r0, len(rows))):
        return "none", []
    if len(pivots) < ncols:
        return "many", []
    return "unique", [rows[k][ncols] for k in range(ncols)]


def _parameter_probabilities(sysm: _System, vals: Sequence[Any], F: _Field) -> dict[int, dict[int, Any]]:
    return {p: {k: _at(q, vals, F) for k, q in row.items()} for p, row in sysm.sigma.items()}


def _profile_in_field(sysm: _System, vals: Sequence[Any], F: _Field, shape: Sequence[int],
                      fixed: dict[int, list[Any]] | None = None,
                      kappas: tuple[list[Any], list[Any]] | None = None) -> list[list[Any]] | None:
    """Full mixed profile (field elements) from parameter values (and ``fixed`` strategies over the
    supports of a and b; ``kappas``: kappa_b and kappa_a already evaluated there), or ``None`` where
    it is undefined."""
    probs: list[list[Any]] = []
    par = _parameter_probabilities(sysm, vals, F)
    for i, s in enumerate(sysm.supports):
        row = [F.zero] * shape[i]
        if fixed and i in fixed:
            for k, v in zip(s, fixed[i]):
                row[k] = v
        elif i in par:
            for k, v in par[i].items():
                row[k] = v
        elif i in (sysm.a, sysm.b):
            if kappas is not None:
                ks = kappas[0] if i == sysm.a else kappas[1]
            else:
                ks = [_at(c, vals, F) for c in (sysm.kappa_b if i == sysm.a else sysm.kappa_a)]
            tot = F.red(sum(ks, F.zero))
            if tot.is_zero():
                return None  # the kernel direction has no probability vector: no solution here
            inv = F.inv(tot)
            for k, v in zip(s, ks):
                row[k] = F.red(v * inv)
        else:
            row[s[0]] = F.one
        probs.append(row)
    return probs


def _payoffs_in_field(table: np.ndarray, probs: list[list[Any]], supports: Sequence[tuple[int, ...]],
                      F: _Field) -> list[list[Any]]:
    """U_i(k, sigma_{-i}) in Q(theta) for every player i and action k (sums over the supports only)."""
    n = len(probs)
    ptable = table.tolist()
    out = []
    for i in range(n):
        others = [j for j in range(n) if j != i]
        weighted = []  # (opponents' actions, their probability): the same for every own action k
        for acts in itertools.product(*(supports[j] for j in others)):
            w = F.one
            for j, v in zip(others, acts):
                w = F.red(w * probs[j][v])
            weighted.append((acts, w))
        out.append([F.red(_action_payoff(ptable, i, k, others, weighted, F.zero)) for k in range(len(probs[i]))])
    return out


def _action_payoff(ptable: Any, i: int, k: int, others: list[int], weighted: list[tuple[Any, Any]],
                   zero: Any) -> Any:
    """U_i(k, sigma_{-i}): the sum over the opponents' weighted joint actions ``(acts, w)`` of
    u_i(k, acts) * w, starting from ``zero`` (the number type's zero).  O(len(weighted) * n)."""
    total = zero
    idx = [0] * (len(others) + 1)
    idx[i] = k
    for acts, w in weighted:
        for j, v in zip(others, acts):
            idx[j] = v
        total += _entry(ptable, idx, i) * w
    return total


def _positive(probs: list[list[Any]], supports: Sequence[tuple[int, ...]], pt: FieldPoint) -> bool:
    """Every probability on the supports is > 0 at theta."""
    return all(sign_at(probs[i][k], pt) > 0 for i, s in enumerate(supports) for k in s)


def _best_responses(pays: list[list[Any]], supports: Sequence[tuple[int, ...]], pt: FieldPoint) -> bool:
    """Every support action earns the same (exactly: equal in Q(theta)) and none off the support more."""
    for i, s in enumerate(supports):
        base = pays[i][s[0]]
        for k in range(len(pays[i])):
            d = pays[i][k] - base
            if k in s and not d.is_zero():
                return False
            if k not in s and sign_at(d, pt) > 0:
                return False
    return True


def solve_support(table: np.ndarray, supports: Sequence[tuple[int, ...]]) -> list[tuple[FieldPoint, list[list[Any]]]] | None:
    """Every equilibrium with exactly the supports ``supports`` (each |S_i| <= the actions), or ``None``.

    ``table`` is the integer payoff table (shape ``(m_1, ..., m_n, n)``).  Each equilibrium is
    ``(theta, probs)``: ``probs[i][k]`` an fmpq_poly, the probability as a polynomial in theta
    (for rational theta of degree 1 evaluate at :meth:`FieldPoint.rational`).  ``None`` means the
    elimination does not apply or met an exception (module docstring): use the general method.
    Needs at least 2 players with |S_i| >= 2.

    Seed 15 has two fully mixed equilibria, the two real roots of one quadratic (pygambit 16.7's
    ``enumpoly_solve`` reports only the second); seed 1 has none (its one equilibrium is partly pure):

    Examples
    --------
    >>> from contract_theory.games.library import random_game
    >>> g = random_game((2, 2, 2), 0, 99, seed=15)
    >>> sols = solve_support(g.table, [(0, 1), (0, 1), (0, 1)])
    >>> [(pt.degree, pt.index) for pt, _ in sols]
    [(2, 0), (2, 1)]
    >>> solve_support(random_game((2, 2, 2), 0, 99, seed=1).table, [(0, 1), (0, 1), (0, 1)])
    []
    """
    mixers = [i for i, s in enumerate(supports) if len(s) > 1]
    if len(mixers) == 2:  # two decoupled linear systems over Q, whatever the sizes (cheaper than D = 0)
        return _two_mixers(table, supports, mixers[0], mixers[1])
    if len(mixers) == 3 and _three_mixers_excluded(table.tolist(), supports, mixers, table.shape[:-1]):
        return []  # no equilibrium: proved from the bilinear equations with integers and balls
    _FIELDS.clear()
    try:
        if len(mixers) == 3 and all(len(supports[i]) == 2 for i in mixers):
            three = _three_binary_mixers(table, supports, mixers)
            if three is not None:
                return three
            _FIELDS.clear()
        if len(mixers) == 4 and all(len(supports[i]) == 2 for i in mixers):
            found = _four_binary_mixers(table.tolist(), supports, mixers, table.shape[:-1])
            if found is not None:
                return found
            _FIELDS.clear()
        return _solve_support(table, supports)
    finally:
        _FIELDS.clear()


def _solve_support(table: np.ndarray, supports: Sequence[tuple[int, ...]]) -> list[tuple[FieldPoint, list[list[Any]]]] | None:
    """:func:`solve_support` within one field cache."""
    found = pair_and_parameters(supports)
    if found is None:
        return None
    a, b, P = found
    sysm = _System(table, supports, a, b, P)
    if sysm.D == 0:
        sols = _solve_0(sysm)
    elif sysm.D == 1:
        sols = _solve_1(sysm)
    elif sysm.D == 2:
        sols = _bivariate(sysm.equations[0], sysm.equations[1], sysm.ctx)
    else:
        return None
    if sols is None:
        return None
    shape = table.shape[:-1]
    cands: list[tuple[Any, list[list[Any]]]] = []
    roots: dict[int, list[int]] = {}
    for q, vals in sols:
        F = _field(q)
        kappas = ([_at(c, vals, F) for c in sysm.kappa_b], [_at(c, vals, F) for c in sysm.kappa_a])
        idxs = _positive_roots(sysm, q, vals, F, kappas)
        if not idxs:
            continue  # no real root with every probability > 0: rejected before normalizing
        probs = _profile_in_field(sysm, vals, F, shape, kappas=kappas)
        if probs is not None:
            roots[len(cands)] = idxs
            cands.append((q, probs))
    if sysm.D >= 1:
        drops = _rank_drop_points(sysm)
        if drops is None:
            return None
        for q, vals in drops:
            if not _inside(sysm, q, vals):
                continue  # no real conjugate in the open parameter simplex: no equilibrium there
            extra = _rank_drop_candidates(sysm, q, vals)
            if extra is None:
                return None
            cands.extend(extra)
    return _verified(table, supports, cands, roots)


# ------------------------------------------------------------------ early rejection of three mixers
def _bilinear(ptable: Any, supports: Sequence[tuple[int, ...]], i: int, k: int, j: int,
              l: int) -> tuple[int, int, int, int]:
    """(A, B, C, D) with U_i(k, .) - U_i(S_i[0], .) = A x y + B x + C y + D when the size-2 mixers j
    and l play their second support action with probabilities x and y and the others their first.

    With d(s, t) the difference at j's s-th and l's t-th support action, the bilinear interpolation
    (1-x)(1-y) d00 + (1-x) y d01 + x (1-y) d10 + x y d11 gives A = d00 - d01 - d10 + d11,
    B = d10 - d00, C = d01 - d00, D = d00.
    """
    base = [s[0] for s in supports]

    def d(s: int, t: int) -> int:
        hi, lo = list(base), list(base)
        hi[j] = lo[j] = supports[j][s]
        hi[l] = lo[l] = supports[l][t]
        hi[i] = k
        return _entry(ptable, hi, i) - _entry(ptable, lo, i)

    d00, d01, d10, d11 = d(0, 0), d(0, 1), d(1, 0), d(1, 1)
    return d00 - d01 - d10 + d11, d10 - d00, d01 - d00, d00


def _mul1(f: tuple[int, int], g: tuple[int, int]) -> list[int]:
    """(f0 + f1 r)(g0 + g1 r), coefficients lowest first."""
    return [f[0] * g[0], f[0] * g[1] + f[1] * g[0], f[1] * g[1]]


def _three_mixers_excluded(ptable: Any, supports: Sequence[tuple[int, ...]], mixers: list[int],
                           shape: Sequence[int]) -> bool:
    """True only when no equilibrium has these supports, proved without the elimination for three
    mixers with support sizes (2, 2, 2) or (2, 2, 3) (the other players pure); ``False`` means "not
    excluded" (the full elimination decides).  Never changes an answer, only skips work.

    Sizes (2, 2, 2), mixers a, b, c with second-action probabilities x, y, r: a's equation is
    alpha(r) y + beta(r) = 0, b's gamma(r) x + delta(r) = 0 and c's A x y + B x + C y + D = 0
    (:func:`_bilinear`); multiplying c's by alpha gamma and substituting alpha y = -beta,
    gamma x = -delta gives Q(r) = A beta delta - B alpha delta - C beta gamma + D alpha gamma = 0 at
    every solution (whatever alpha, gamma are there).  Sizes (2, 2, 3), c the size-3 player: c's two
    equations alpha_k(y) x + beta_k(y) = 0 give Q(y) = alpha_1 beta_2 - alpha_2 beta_1 = 0, and at a
    solution a's and b's equations with sum 1 are a 3 x 3 linear system in sigma_c.  So each
    equilibrium sits at a root of Q (degree <= 2, integer coefficients) in (0, 1); where a coefficient
    of x (or y) is nonzero x = -beta / alpha is determined and must lie in (0, 1); where the whole
    profile is determined, its probabilities must be positive and no action may earn more than the
    support (:func:`_ball_excluded`).  Roots and values are ``arb`` balls (128 bits); a sign the
    balls do not decide never excludes.  Complexity: O(prod |S_i| x sum m_i) ball operations.
    """
    import flint

    setup = _three_mixer_equations(ptable, supports, mixers)
    if setup is None:
        return False
    Q, forms, build = setup
    old = flint.ctx.prec
    try:
        flint.ctx.prec = 128
        roots = _unit_roots(Q)
        if roots is None:
            return False
        for r in roots:
            if any(_outside_unit(num, den, r) for num, den in forms):
                continue
            sigma = build(r)
            if sigma is None or not _ball_excluded(ptable, supports, sigma, shape):
                return False
        return True
    finally:
        flint.ctx.prec = old


def _three_mixer_equations(ptable: Any, supports: Sequence[tuple[int, ...]], mixers: list[int]) -> Any:
    """(Q, forms, build) of :func:`_three_mixers_excluded`, or ``None`` for other support sizes: Q the
    eliminant's integer coefficients, forms the (num, den) of each determined probability, build(r)
    the profile at a root as balls (``None`` where a denominator is not decided)."""
    if sorted(len(supports[i]) for i in mixers) == [2, 2, 2]:
        a, b, c = mixers
        Aa, Ba, Ca, Da = _bilinear(ptable, supports, a, supports[a][1], b, c)  # y = P(b), r = P(c)
        Ab, Bb, Cb, Db = _bilinear(ptable, supports, b, supports[b][1], a, c)  # x = P(a), r
        Ac, Bc, Cc, Dc = _bilinear(ptable, supports, c, supports[c][1], a, b)  # x, y
        alpha, beta, gamma, delta = (Ba, Aa), (Da, Ca), (Bb, Ab), (Db, Cb)
        terms = [(Ac, beta, delta), (-Bc, alpha, delta), (-Cc, beta, gamma), (Dc, alpha, gamma)]
        Q = [sum(w * _mul1(f, g)[e] for w, f, g in terms) for e in range(3)]

        def build(r: Any) -> Any:
            x, y = _ratio(delta, gamma, r), _ratio(beta, alpha, r)
            if x is None or y is None:
                return None
            return _pure_rest(supports, {a: x, b: y, c: r})

        return Q, [(beta, alpha), (delta, gamma)], build
    if sorted(len(supports[i]) for i in mixers) == [2, 2, 3]:
        c = next(i for i in mixers if len(supports[i]) == 3)
        a, b = (i for i in mixers if i != c)
        (A1, B1, C1, D1), (A2, B2, C2, D2) = (_bilinear(ptable, supports, c, k, a, b) for k in supports[c][1:])
        alphas, betas = [(B1, A1), (B2, A2)], [(D1, C1), (D2, C2)]  # in y = P(b): alpha_k x + beta_k
        Q = [u - v for u, v in zip(_mul1(alphas[0], betas[1]), _mul1(alphas[1], betas[0]))]
        forms = list(zip(betas, alphas))

        def build3(y: Any) -> Any:
            x = next((v for v in (_ratio(n, d, y) for n, d in forms) if v is not None), None)
            if x is None:
                return None
            sigma = _pure_rest(supports, {a: x, b: y})
            rows = [_indifference_row(ptable, supports, sigma, i, c) for i in (a, b)]
            sc = _cramer3(rows + [[1, 1, 1]], [0, 0, 1])
            if sc is None:
                return None
            sigma[c] = dict(zip(supports[c], sc))
            return sigma

        return Q, forms, build3
    return None


def _ratio(num: tuple[int, int], den: tuple[int, int], r: Any) -> Any:
    """-num(r) / den(r) as a ball, ``None`` when the ball of den(r) contains 0."""
    d = den[0] + den[1] * r
    return -(num[0] + num[1] * r) / d if (d > 0 or d < 0) else None


def _pure_rest(supports: Sequence[tuple[int, ...]], second: dict[int, Any]) -> dict[int, dict[int, Any]]:
    """sigma with the size-2 mixers of ``second`` at (1 - x, x) and the pure players at their action."""
    import flint

    sigma: dict[int, dict[int, Any]] = {}
    for i, s in enumerate(supports):
        if i in second:
            sigma[i] = {s[0]: 1 - second[i], s[1]: second[i]}
        elif len(s) == 1:
            sigma[i] = {s[0]: flint.arb(1)}
    return sigma


def _indifference_row(ptable: Any, supports: Sequence[tuple[int, ...]], sigma: dict[int, dict[int, Any]],
                      i: int, c: int) -> list[Any]:
    """U_i(S_i[1], .) - U_i(S_i[0], .) against each action z of S_c, the others at ``sigma`` (balls)."""
    n = len(supports)
    others = [j for j in range(n) if j not in (i, c)]
    row = []
    for z in supports[c]:
        total: Any = 0
        for acts in itertools.product(*(sorted(sigma[j]) for j in others)):
            w: Any = 1
            idx = [0] * n
            idx[c] = z
            for j, v in zip(others, acts):
                idx[j] = v
                w = w * sigma[j][v]
            hi, lo = list(idx), list(idx)
            hi[i], lo[i] = supports[i][1], supports[i][0]
            total = total + w * (_entry(ptable, hi, i) - _entry(ptable, lo, i))
        row.append(total)
    return row


def _cramer3(M: list[list[Any]], rhs: list[Any]) -> list[Any] | None:
    """x with M x = rhs (3 x 3, balls) by Cramer's rule; ``None`` when the determinant's ball contains 0."""
    def det(m: list[list[Any]]) -> Any:
        return (m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]))

    d = det(M)
    if not (d > 0 or d < 0):
        return None
    return [det([[rhs[r] if c == col else M[r][c] for c in range(3)] for r in range(3)]) / d for col in range(3)]


def _ball_excluded(ptable: Any, supports: Sequence[tuple[int, ...]], sigma: dict[int, dict[int, Any]],
                   shape: Sequence[int]) -> bool:
    """Some probability of ``sigma`` (balls) is certainly <= 0, or some player has an action that
    certainly earns more than its first support action: this profile is no equilibrium."""
    if any(v <= 0 for row in sigma.values() for v in row.values()):
        return True
    n = len(supports)
    for i in range(n):
        others = [j for j in range(n) if j != i]
        weighted = []
        for acts in itertools.product(*(sorted(sigma[j]) for j in others)):
            w: Any = 1
            for j, v in zip(others, acts):
                w = w * sigma[j][v]
            weighted.append((acts, w))
        base = _action_payoff(ptable, i, supports[i][0], others, weighted, 0)
        if any(_action_payoff(ptable, i, k, others, weighted, 0) - base > 0
               for k in range(shape[i]) if k not in supports[i]):
            return True
    return False


def _unit_roots(Q: list[int]) -> list[Any] | None:
    """The real roots of Q (degree <= 2, lowest coefficient first) whose balls meet (0, 1), at the
    current precision; ``None`` when Q vanishes identically.

    Examples
    --------
    >>> [float(r) for r in _unit_roots([-1, 2])], _unit_roots([3]), _unit_roots([0, 0, 0])
    ([0.5], [], None)
    >>> _unit_roots([2, -3, 1])   # roots 1 and 2: neither in the open interval
    []
    """
    import flint

    while Q and Q[-1] == 0:
        Q = Q[:-1]
    if not Q:
        return None
    if len(Q) == 1:
        return []
    if len(Q) == 2:
        roots = [flint.arb(flint.fmpq(-Q[0], Q[1]))]
    else:
        disc = Q[1] * Q[1] - 4 * Q[2] * Q[0]
        if disc < 0:
            return []
        sq = flint.arb(disc).sqrt()
        roots = [(-Q[1] - sq) / (2 * Q[2]), (-Q[1] + sq) / (2 * Q[2])]
    return [r for r in roots if not (r <= 0 or r >= 1)]


def _outside_unit(num: tuple[int, int], den: tuple[int, int], r: Any) -> bool:
    """den(r) is certainly nonzero and -num(r) / den(r) is certainly <= 0 or >= 1 (``arb`` ball r)."""
    v = _ratio(num, den, r)
    return v is not None and bool(v <= 0 or v >= 1)


def _n_real_roots(q: Any) -> int:
    """How many real roots theta of q a candidate is checked at (a linear q: its one root)."""
    return len(real_roots(q, 64)) if q.degree() > 1 else 1


def _same_strict_sign(values: Sequence[Any], pt: FieldPoint) -> bool:
    """Every value is nonzero at theta and all have the same sign."""
    first = sign_at(values[0], pt)
    return first != 0 and all(sign_at(v, pt) == first for v in values[1:])


def _positive_roots(sysm: _System, q: Any, vals: Sequence[Any], F: _Field,
                    kappas: tuple[list[Any], list[Any]]) -> list[int]:
    """The real roots theta of q (indices) at which every probability of the candidate is > 0, decided
    before any inversion in Q(theta): the parameter players' probabilities are polynomials in the
    parameters, and sigma_a = kappa_b / sum(kappa_b) is > 0 on S_a iff the entries of kappa_b are
    nonzero with one sign (then so is their sum), the same for sigma_b and kappa_a.  The exact
    equilibrium check (:func:`_verified`) would reject the other roots; this only skips the
    normalization and the payoffs there.  O(|S| x roots) sign decisions."""
    par = [x for row in _parameter_probabilities(sysm, vals, F).values() for x in row.values()]
    out = []
    for idx in range(_n_real_roots(q)):
        pt = FieldPoint(q, idx)
        if all(sign_at(x, pt) > 0 for x in par) and all(_same_strict_sign(k, pt) for k in kappas):
            out.append(idx)
    return out


def _two_mixers(table: np.ndarray, supports: Sequence[tuple[int, ...]], a: int,
                b: int) -> list[tuple[FieldPoint, list[list[Any]]]] | None:
    """Exactly two players mix (any support sizes), the others are pure: two decoupled *linear*
    systems over Q, M_a sigma_b = 0 and M_b sigma_a = 0 with sum 1 (exact Gaussian elimination over
    flint ``fmpq``, :func:`_solve_rational`).  ``[]`` when either is inconsistent or the solution fails
    the exact equilibrium check (in ``fmpq``), the candidate when both are unique and it passes,
    ``None`` (the general method, which decides continua) otherwise."""
    import flint

    ptable = table.tolist()
    base = [s[0] for s in supports]

    zero, one = flint.fmpq(0), flint.fmpq(1)

    def strategy(i: int, j: int) -> tuple[str, list[Any]]:
        rows = []
        for k in supports[i][1:]:
            row = []
            for col in supports[j]:
                hi, lo = list(base), list(base)
                hi[i], lo[i], hi[j], lo[j] = k, supports[i][0], col, col
                row.append(flint.fmpq(_entry(ptable, hi, i) - _entry(ptable, lo, i)))
            rows.append(row + [zero])
        rows.append([one] * len(supports[j]) + [one])
        return _solve_rational(rows, len(supports[j]))

    sb, sa = strategy(a, b), strategy(b, a)
    if "none" in (sa[0], sb[0]):
        return []
    if "many" in (sa[0], sb[0]):
        return None
    values = {i: sa[1] if i == a else sb[1] if i == b else [one] for i in range(len(supports))}
    sigma = [dict(zip(s, values[i])) for i, s in enumerate(supports)]
    if any(v <= 0 for row in sigma for v in row.values()) or not _rational_best_responses(ptable, sigma,
                                                                                          table.shape[:-1]):
        return []
    probs = [[flint.fmpq_poly([row[k]]) if k in row else flint.fmpq_poly([]) for k in range(table.shape[i])]
             for i, row in enumerate(sigma)]
    return [(FieldPoint(flint.fmpz_poly([0, 1]), 0), probs)]


def _solve_rational(rows: list[list[Any]], ncols: int) -> tuple[str, list[Any]]:
    """:func:`solve_linear_in_field` over Q with plain rational numbers (Fractions or flint ``fmpq``):
    ``("none", [])``, ``("many", [])`` or ``("unique", x)`` for the augmented rows ``[a_1 .. a_ncols | rhs]``.

    Examples
    --------
    >>> F = Fraction
    >>> _solve_rational([[F(1), F(1), F(1)], [F(1), F(-1), F(0)]], 2)
    ('unique', [Fraction(1, 2), Fraction(1, 2)])
    >>> _solve_rational([[F(1), F(1), F(1)]], 2)[0], _solve_rational([[F(0), F(0), F(1)]], 2)[0]
    ('many', 'none')
    """
    rows = [list(r) for r in rows]
    r0 = 0
    for col in range(ncols):
        piv = next((r for r in range(r0, len(rows)) if rows[r][col] != 0), None)
        if piv is None:
            continue
        rows[r0], rows[piv] = rows[piv], rows[r0]
        inv = 1 / rows[r0][col]
        rows[r0] = [v * inv for v in rows[r0]]
        for r in range(len(rows)):
            if r != r0 and rows[r][col] != 0:
                f = rows[r][col]
                rows[r] = [v - f * w for v, w in zip(rows[r], rows[r0])]
        r0 += 1
    if any(rows[r][ncols] != 0 for r in range(r0, len(rows))):
        return "none", []
    if r0 < ncols:
        return "many", []
    return "unique", [rows[k][ncols] for k in range(ncols)]


def _rational_best_responses(ptable: Any, sigma: list[dict[int, Any]], shape: Sequence[int]) -> bool:
    """Every support action of every player earns exactly the same and no action more (rationals)."""
    n = len(sigma)
    for i in range(n):
        others = [j for j in range(n) if j != i]
        weighted = []
        for acts in itertools.product(*(sorted(sigma[j]) for j in others)):
            w = sigma[others[0]][acts[0]]
            for j, v in zip(others[1:], acts[1:]):
                w *= sigma[j][v]
            weighted.append((acts, w))
        zero = 0 * weighted[0][1]  # a zero of the probabilities' number type
        pays = [_action_payoff(ptable, i, k, others, weighted, zero) for k in range(shape[i])]
        best = max(pays)
        if any(pays[k] != best for k in sigma[i]):
            return False
    return True


def _inside(sysm: _System, q: Any, vals: list[Any]) -> bool:
    """Some real conjugate of the parameter point lies in the open parameter simplex."""
    F = _field(q)
    probs = [x for row in _parameter_probabilities(sysm, vals, F).values() for x in row.values()]
    return any(all(sign_at(x, FieldPoint(q, idx)) > 0 for x in probs) for idx in range(len(real_roots(q, 64))))


def _verified(table: np.ndarray, supports: Sequence[tuple[int, ...]], cands: list[tuple[Any, list[list[Any]]]],
              roots: dict[int, list[int]] | None = None) -> list[tuple[FieldPoint, list[list[Any]]]]:
    """The candidates (at each real root of their factor, or at the roots ``roots[c]`` already known
    to be the only ones with positive probabilities for candidate c) that pass the exact
    equilibrium check, deduplicated.  Probabilities are checked first; the payoffs in Q(theta)
    are computed only for a candidate with a root that passes."""
    out: list[tuple[FieldPoint, list[list[Any]]]] = []
    seen: set[Any] = set()
    for c, (q, probs) in enumerate(cands):
        idxs = (roots or {}).get(c)
        pts = [FieldPoint(q, idx) for idx in (range(_n_real_roots(q)) if idxs is None else idxs)]
        pts = [pt for pt in pts if _positive(probs, supports, pt)]
        if not pts:
            continue
        pays = _payoffs_in_field(table, probs, supports, _field(q))
        for pt in pts:
            key = (str(q), pt.index, str(probs))
            if key not in seen and _best_responses(pays, supports, pt):
                seen.add(key)
                out.append((pt, probs))
    return out


# ------------------------------------------------------------------ four mixers of two actions each
def _four_binary_mixers(ptable: Any, supports: Sequence[tuple[int, ...]], mixers: list[int],
                        shape: Sequence[int]) -> list[tuple[FieldPoint, list[list[Any]]]] | None:
    r"""Every equilibrium where four players a < b < u < w mix two actions each (the others pure), by
    one resultant of two integer bivariate polynomials; ``None`` (the pair elimination decides) at
    any degeneracy.  The answer, when there is one, equals :func:`_solve_support`'s: theta is u's
    probability x_u (the same minimal polynomial and root index), the probabilities the same
    elements of Q(theta).

    Derivation.  With x_j the probability of j's second support action, each player's
    indifference U_i(S_i[1]) - U_i(S_i[0]) = 0 is multilinear in the other three x (integer
    coefficients, :func:`_multilinear`).  Player a's is a_1(u, w) x_b + b_1(u, w) = 0 and b's is
    a_2(u, w) x_a + b_2(u, w) = 0 (a_k, b_k bilinear in (x_u, x_w), written u, w).  At a solution
    with a_1, a_2 != 0, x_b = -b_1 / a_1 and x_a = -b_2 / a_2; u's equation
    A x_a x_b + B x_a + C x_b + D = 0 (A..D affine in w) times a_1 a_2 gives
    Q_u = A b_1 b_2 - B a_1 b_2 - C a_2 b_1 + D a_1 a_2 = 0 (degree <= 3 in w) and w's gives Q_w
    (degree <= 2 in w, coefficients affine in u).  So u is a root of R(u) = Res_w(Q_u, Q_w) in
    (0, 1), and w solves r_1(u) w + r_0(u) = 0: the one of degree 1 in w, or the pseudo-remainder
    of the other by the one of degree 2 (a combination of the two); unique where r_1(u) != 0.
    A solution with a_1 = 0 needs b_1 = 0 too (a's equation): a rank drop of a's indifference
    row, where x_b is free; those points solve a_1 = b_1 = 0, a quadratic after eliminating w,
    and are checked first (the same for a_2, b_2): there x_a is fixed by b's equation and u's and
    w's equations are two linear equations in x_b (:func:`_rank_drop_excluded`).

    Steps, each exact: (1) no rank-drop point in the open square carries an equilibrium
    (:func:`_no_rank_drop`), else ``None``; (2) R != 0, factored over Z; a factor without a root
    in (0, 1) (Descartes' rule on (0, 1), :func:`_descartes_unit`) is dropped, and so is a factor
    whose roots are rank-drop points (w unique there, checked exactly); (3) at each real root of a
    factor, as a ball (128 bits), w, x_a, x_b follow by the formulas: a root where one is
    certainly outside (0, 1) or a player certainly gains off its support is dropped
    (:func:`_ball_excluded`); a denominator the ball does not decide gives ``None``; (4) a factor
    with a remaining root gets the profile in Q(theta) (one inversion per formula; a denominator
    zero in Q(theta) gives ``None``) and the exact equilibrium check
    (:func:`_four_mixers_verified`).  Complexity: one resultant of polynomials of degree <= 3 in
    w (R of degree <= 13), its factorization, and one root isolation per factor with a root in
    (0, 1); about 2.6 ms per random 2x2x2x2 game (the pair elimination: 5.6 ms).
    """
    import flint

    a, b, u, w = mixers
    co = {i: _multilinear(ptable, supports, i, [j for j in mixers if j != i]) for i in mixers}
    ctx = flint.fmpz_mpoly_ctx.get(("u", "w"), "lex")

    def split(i: int) -> dict[tuple[int, int], Any]:  # {(e_a, e_b): coefficient of x_a^e_a x_b^e_b in (u, w)}
        d: dict[tuple[int, int], dict[tuple[int, ...], int]] = {}
        for mono, val in co[i].items():
            d.setdefault((int(a in mono), int(b in mono)), {})[int(u in mono), int(w in mono)] = val
        return {key: ctx.from_dict(d.get(key, {})) for key in ((1, 1), (1, 0), (0, 1), (0, 0))}

    sa, sb = split(a), split(b)
    a1, b1, a2, b2 = sa[0, 1], sa[0, 0], sb[1, 0], sb[0, 0]
    parts = {i: tuple(split(i).values()) for i in (u, w)}
    if not (_no_rank_drop(a1, b1, lambda r, x: _rank_drop_excluded(parts, (b2, a2), r, x, False))
            and _no_rank_drop(a2, b2, lambda r, x: _rank_drop_excluded(parts, (b1, a1), r, x, True))):
        return None
    Q = {i: parts[i][0] * b1 * b2 - parts[i][1] * a1 * b2 - parts[i][2] * a2 * b1 + parts[i][3] * a1 * a2
         for i in (u, w)}
    low, high = sorted((_in_v(Q[u]), _in_v(Q[w])), key=len)  # coefficients in w
    if len(low) not in (2, 3):
        return None  # w is not determined by a degree-1 or degree-2 polynomial
    Ru = _univariate(Q[u].resultant(Q[w], "w"))
    if Ru.is_zero():
        return None
    r0, r1 = _pseudo_remainder(high, low) if len(low) == 3 else (low[0], low[1])
    cands: list[tuple[Any, list[list[Any]]]] = []
    roots: dict[int, list[int]] = {}
    _c, factors = Ru.factor()
    old = flint.ctx.prec
    drops = [_univariate(p.resultant(q, "w")) for p, q in ((a1, b1), (a2, b2))]
    for f, _m in factors:
        if f.degree() < 1 or _descartes_unit(f) == 0:
            continue
        if any(_rank_drop_factor(f, d, p, q) for d, p, q in zip(drops, (a1, a2), (b1, b2))):
            if _divides(f, r1):
                return None  # w is not unique at these roots
            continue  # every root of f is a rank-drop point (checked above) or carries none in the square
        try:
            flint.ctx.prec = 128
            idxs = _four_mixer_roots(ptable, supports, shape, f, (r0, r1, a1, b1, a2, b2), mixers)
        finally:
            flint.ctx.prec = old
        if idxs is None:
            return None
        if not idxs:
            continue
        probs = _four_mixer_profile(supports, shape, f, (r0, r1, a1, b1, a2, b2), mixers)
        if probs is None:
            return None
        roots[len(cands)] = idxs
        cands.append((f, probs))
    return _four_mixers_verified(ptable, supports, shape, cands, roots, co)


def _multilinear(ptable: Any, supports: Sequence[tuple[int, ...]], i: int,
                 others: list[int]) -> dict[frozenset[int], int]:
    """U_i(S_i[1], .) - U_i(S_i[0], .) as a multilinear polynomial in the second-action probabilities
    of the size-2 players ``others`` (the rest at their first support action): {monomial: integer},
    a monomial the set of players whose probability it contains.

    From the values d(s) at the corners s in {0, 1}^k by Moebius inversion,
    c_T = sum_{S subset T} (-1)^{|T| - |S|} d(1_S), one difference along each axis in turn.
    O(k 2^k) integer operations.

    Examples
    --------
    >>> t = [[[0, 1], [0, 5]], [[2, 0], [7, 0]]]   # u_0(a_0, a_1): 0, 0 / 2, 7
    >>> sorted((sorted(m), c) for m, c in _multilinear(t, [(0, 1), (0, 1)], 0, [1]).items())
    [([], 2), ([1], 5)]
    """
    base = [s[0] for s in supports]
    vals: dict[tuple[int, ...], int] = {}
    for bits in itertools.product((0, 1), repeat=len(others)):
        idx = list(base)
        for j, bit in zip(others, bits):
            idx[j] = supports[j][bit]
        hi, lo = list(idx), list(idx)
        hi[i], lo[i] = supports[i][1], supports[i][0]
        vals[bits] = _entry(ptable, hi, i) - _entry(ptable, lo, i)
    for axis in range(len(others)):  # difference along each axis in turn: the Moebius inversion
        for bits in vals:
            if bits[axis]:
                vals[bits] -= vals[bits[:axis] + (0,) + bits[axis + 1:]]
    return {frozenset(j for j, t in zip(others, bits) if t): c for bits, c in vals.items() if c}


def _no_rank_drop(p: Any, q: Any, excluded_at: Any) -> bool:
    """No common zero of the bilinear fmpz_mpoly p, q in (u, w) in the open unit square carries an
    equilibrium, certainly.

    Either one of them has one strict sign at the four corners (bilinear: then on the whole closed
    square), or every common zero has u a root of Res_w(p, q) (degree <= 2) and w = -p_0(u) / p_1(u)
    (or from q); as balls, a zero with a coordinate certainly outside (0, 1) is dropped, and one
    inside must satisfy ``excluded_at(u, w)`` (no equilibrium there).  ``False`` when this is not
    decided (then the general method decides)."""
    import flint

    for g in (p, q):
        vals = [int(g(x, y)) for x in (0, 1) for y in (0, 1)]
        if all(v > 0 for v in vals) or all(v < 0 for v in vals):
            return True
    res = _univariate(p.resultant(q, "w"))
    if res.degree() > 2:
        return False  # pragma: no cover - bilinear p, q give degree <= 2
    old = flint.ctx.prec
    try:
        flint.ctx.prec = 128
        roots = _unit_roots([int(c) for c in res.coeffs()])
        if roots is None:
            return False
        for r in roots:
            ws = [_ratio(*_linear_in_w(g), r) for g in (p, q)]
            w = next((x for x in ws if x is not None), None)
            if w is None:
                return False
            if not _certainly_outside(w) and not excluded_at(r, w):
                return False
        return True
    finally:
        flint.ctx.prec = old


def _rank_drop_excluded(parts: dict[Any, Any], fixed: tuple[Any, Any], r: Any, w: Any, swap: bool) -> bool:
    """At a point (r, w) where player a's indifference vanishes for every x_b (``swap``: b's for every
    x_a), no equilibrium: the other of a, b fixes its partner's probability y = -num / den (``fixed``),
    and u's and w's equations, linear in the free probability z, alpha_i z + beta_i = 0, are
    certainly inconsistent (alpha_u beta_w - alpha_w beta_u != 0) or y is certainly outside (0, 1)."""
    num, den = (_ball_biv(g, r, w) for g in fixed)
    if not (den > 0 or den < 0):
        return False
    y = -num / den
    if _certainly_outside(y):
        return True
    rows = []
    for c11, c10, c01, c00 in parts.values():
        e11, e10, e01, e00 = (_ball_biv(g, r, w) for g in (c11, c10, c01, c00))
        # E = e11 x_a x_b + e10 x_a + e01 x_b + e00; y is x_a (a dropped) or x_b (b dropped)
        rows.append((e11 * y + e10, e01 * y + e00) if swap else (e11 * y + e01, e10 * y + e00))
    det = rows[0][0] * rows[1][1] - rows[1][0] * rows[0][1]
    return bool(det > 0 or det < 0)


def _rank_drop_factor(f: Any, res: Any, p: Any, q: Any) -> bool:
    """The irreducible f divides Res_w(p, q) != 0 and p's and q's w-coefficients are not both 0 at its
    roots: then at each root u of f some (u, w0) is a common zero of p and q."""
    if res.is_zero() or res.gcd(f).degree() != f.degree():
        return False
    (_, p1), (_, q1) = _linear_in_w(p), _linear_in_w(q)
    return not all(_divides(f, c) for c in (p1, q1))


def _divides(f: Any, c: Any) -> bool:
    """The fmpz_poly f divides c (an fmpz_poly or integer coefficients, lowest first) over Q."""
    import flint

    return bool((flint.fmpq_poly(list(c) if isinstance(c, tuple) else c.coeffs()) % flint.fmpq_poly(f.coeffs())).is_zero())


def _linear_in_w(g: Any) -> tuple[tuple[int, int], tuple[int, int]]:
    """(g_0, g_1) of a bilinear g = g_1(u) w + g_0(u), each as (constant, u-coefficient)."""
    d = {tuple(e): int(c) for e, c in g.to_dict().items()}
    return (d.get((0, 0), 0), d.get((1, 0), 0)), (d.get((0, 1), 0), d.get((1, 1), 0))


def _descartes_unit(f: Any) -> int:
    """Sign variations of (1 + x)^d f(1 / (1 + x)): an upper bound (of the same parity) on the number
    of roots of the fmpz_poly f in (0, 1) (Descartes' rule of signs after x -> 1 / (1 + x)).

    Examples
    --------
    >>> import flint
    >>> _descartes_unit(flint.fmpz_poly([-1, 2])), _descartes_unit(flint.fmpz_poly([-3, 2]))   # 1/2; 3/2
    (1, 0)
    """
    import flint

    h = flint.fmpz_poly([int(c) for c in f.coeffs()][::-1])(flint.fmpz_poly([1, 1]))
    signs = [c > 0 for c in (int(v) for v in h.coeffs()) if c]
    return sum(1 for x, y in zip(signs, signs[1:]) if x != y)


def _pseudo_remainder(A: list[Any], B: list[Any]) -> tuple[Any, Any]:
    """(r_0, r_1) with r_1(u) w + r_0(u) = alpha A + beta B for polynomials alpha, beta (A of degree >= 2,
    B of degree 2 in w, coefficient lists of fmpz_poly in u, lowest first): the pseudo-remainder.

    Examples
    --------
    >>> import flint
    >>> c = lambda *v: [flint.fmpz_poly([x]) for x in v]
    >>> [str(p) for p in _pseudo_remainder(c(0, 0, 0, 1), c(-2, 0, 1))]   # w^3 = 2 w modulo w^2 - 2
    ['0', '2']
    """
    A = list(A)
    while len(A) > 2:
        lead, shift = A[-1], len(A) - len(B)
        A = [B[-1] * c - (lead * B[k - shift] if 0 <= k - shift < len(B) else 0 * c) for k, c in enumerate(A)][:-1]
    return A[0], A[1]


def _ball_poly(coeffs: Sequence[Any], r: Any) -> Any:
    """The polynomial with integer coefficients ``coeffs`` (lowest first) at the ball r (Horner)."""
    import flint

    acc = flint.arb(0)
    for c in reversed(coeffs):
        acc = acc * r + int(c)
    return acc


def _ball_biv(g: Any, r: Any, w: Any) -> Any:
    """The fmpz_mpoly g(u, w) at the balls (r, w)."""
    total: Any = 0
    for e, c in g.to_dict().items():
        total = total + int(c) * r ** int(e[0]) * w ** int(e[1])
    return total


def _certainly_outside(x: Any) -> bool:
    return bool(x <= 0 or x >= 1)


def _four_mixer_roots(ptable: Any, supports: Sequence[tuple[int, ...]], shape: Sequence[int], f: Any,
                      polys: tuple[Any, ...], mixers: list[int]) -> list[int] | None:
    """Indices of the real roots of f at which the profile of :func:`_four_binary_mixers` may be an
    equilibrium (not certainly excluded by balls at the current precision); ``None`` when a
    denominator's ball contains 0."""
    r0, r1, a1, b1, a2, b2 = polys
    a, b, u, w = mixers
    c0, c1 = r0.coeffs(), r1.coeffs()
    out = []
    for idx, r in enumerate(real_roots(f, 64)):
        if _certainly_outside(r):
            continue
        den = _ball_poly(c1, r)
        if not (den > 0 or den < 0):
            return None
        wv = -_ball_poly(c0, r) / den
        if _certainly_outside(wv):
            continue
        xs = []
        for num, dd in ((b1, a1), (b2, a2)):
            dv = _ball_biv(dd, r, wv)
            xs.append(-_ball_biv(num, r, wv) / dv if (dv > 0 or dv < 0) else None)
        if any(x is not None and _certainly_outside(x) for x in xs):
            continue
        xb, xa = xs
        if xa is None or xb is None:
            return None
        if not _ball_excluded(ptable, supports, _pure_rest(supports, {a: xa, b: xb, u: r, w: wv}), shape):
            out.append(idx)
    return out


def _four_mixer_profile(supports: Sequence[tuple[int, ...]], shape: Sequence[int], f: Any,
                        polys: tuple[Any, ...], mixers: list[int]) -> list[list[Any]] | None:
    """The profile of :func:`_four_binary_mixers` in Q(theta), theta = x_u a root of f: w = -r_0 / r_1,
    x_b = -b_1 / a_1, x_a = -b_2 / a_2; ``None`` when a denominator is 0 in Q(theta).

    With g(theta, w) r_1 = g_0 r_1 - g_1 r_0 for a bilinear g = g_1(u) w + g_0(u), the three
    denominators are r_1, a_1 r_1, a_2 r_1, and one inversion of their product gives all three."""
    import flint

    r0, r1, a1, b1, a2, b2 = polys
    a, b, u, w = mixers
    F = _field(f)
    t = flint.fmpq_poly([0, 1])
    R0, R1 = (F.red(flint.fmpq_poly(c.coeffs())) for c in (r0, r1))

    def hom(g: Any) -> Any:  # g(theta, w) * r_1(theta)
        (c0, c1), (d0, d1) = _linear_in_w(g)
        return F.red(flint.fmpq_poly([c0, c1]) * R1 - flint.fmpq_poly([d0, d1]) * R0)

    A1, B1, A2, B2 = hom(a1), hom(b1), hom(a2), hom(b2)
    if R1.is_zero() or A1.is_zero() or A2.is_zero():
        return None
    x = {u: F.red(t), w: F.red(-R0 * F.inv(R1)), b: F.red(-B1 * F.inv(A1)), a: F.red(-B2 * F.inv(A2))}
    return _two_action_rows(F, supports, shape, x)


def _two_action_rows(F: Any, supports: Sequence[Sequence[int]], shape: Sequence[int], x: dict[int, Any]) -> list[list[Any]]:
    """The mixed profile over the field ``F``: player i in ``x`` plays ``s[1]`` with probability ``x[i]`` and
    ``s[0]`` with the rest; every other player plays its one action ``s[0]``."""
    probs = []
    for i, s in enumerate(supports):
        row = [F.zero] * shape[i]
        if i in x:
            row[s[0]], row[s[1]] = F.red(F.one - x[i]), x[i]
        else:
            row[s[0]] = F.one
        probs.append(row)
    return probs


def _four_mixers_verified(ptable: Any, supports: Sequence[tuple[int, ...]], shape: Sequence[int],
                          cands: list[tuple[Any, list[list[Any]]]],
                          roots: dict[int, list[int]],
                          co: dict[int, dict[frozenset[int], int]]) -> list[tuple[FieldPoint, list[list[Any]]]]:
    """The exact equilibrium check of the candidates: when the four mixers are all the players and
    have no other action, a profile is an equilibrium iff its probabilities are > 0 and every
    player's indifference polynomial (``co``, :func:`_multilinear`) vanishes there, in Q(theta); otherwise
    :func:`_verified` (payoffs of every action)."""
    n = len(supports)
    if n != 4 or any(m != 2 for m in shape):
        return _verified(np.asarray(ptable), supports, cands, roots)
    out = []
    for c, (q, probs) in enumerate(cands):
        F = _field(q)
        x = [probs[i][supports[i][1]] for i in range(n)]
        prods: dict[frozenset[int], Any] = {frozenset(): F.one}
        for size in range(1, n):
            for T in itertools.combinations(range(n), size):
                prods[frozenset(T)] = F.red(prods[frozenset(T[1:])] * x[T[0]])
        eqs = [sum((val * prods[T] for T, val in co[i].items()), F.zero) for i in range(n)]
        if any(not F.red(e).is_zero() for e in eqs):
            continue
        for idx in roots[c]:
            pt = FieldPoint(q, idx)
            if _positive(probs, supports, pt):
                out.append((pt, probs))
    return out


def _three_binary_mixers(table: np.ndarray, supports: Sequence[tuple[int, ...]],
                         mixers: list[int]) -> list[tuple[FieldPoint, list[list[Any]]]] | None:
    """Every equilibrium where three players a < b < c mix two actions each (the others pure), from
    the eliminant Q of :func:`_three_mixers_excluded` instead of the pair elimination; ``None`` (the
    elimination decides) at any degeneracy.  The same answer as :func:`_solve_support`: theta = x_c,
    the elimination's parameter (the same minimal polynomial, root index and probabilities).

    Every equilibrium has Q(x_c) = 0 (degree <= 2, integer coefficients); where alpha(x_c) and
    gamma(x_c) are nonzero, y = -beta / alpha and x = -delta / gamma.  So for each irreducible
    factor f of Q: its real roots in (0, 1) as balls, dropped when a probability is certainly
    outside (0, 1) or a player certainly gains off its support; for a factor with a root left, the
    profile in Q(theta) (``None`` when alpha or gamma is 0 there) and the exact check
    (:func:`_verified`).  ``None`` as well when Q vanishes identically or a ball does not decide a
    denominator.  O(|S| x roots) ball and field operations."""
    import flint

    ptable = table.tolist()
    shape = table.shape[:-1]
    setup = _three_mixer_equations(ptable, supports, mixers)
    if setup is None or not any(setup[0]):
        return None
    Q, forms, build = setup
    (beta, alpha), (delta, gamma) = forms
    a, b, c = mixers
    cands: list[tuple[Any, list[list[Any]]]] = []
    roots: dict[int, list[int]] = {}
    old = flint.ctx.prec
    for f, _m in flint.fmpz_poly(list(Q)).factor()[1]:
        if f.degree() < 1:
            continue
        idxs = []
        try:
            flint.ctx.prec = 128
            for idx, r in enumerate(real_roots(f, 64)):
                if _certainly_outside(r) or any(_outside_unit(num, den, r) for num, den in forms):
                    continue
                sigma = build(r)
                if sigma is None:
                    return None
                if not _ball_excluded(ptable, supports, sigma, shape):
                    idxs.append(idx)
        finally:
            flint.ctx.prec = old
        if not idxs:
            continue
        F = _field(f)
        t = flint.fmpq_poly([0, 1])
        lin = [F.red(flint.fmpq_poly(list(g))) for g in (beta, alpha, delta, gamma)]
        if lin[1].is_zero() or lin[3].is_zero():
            return None
        x = {c: F.red(t), b: F.red(-lin[0] * F.inv(lin[1])), a: F.red(-lin[2] * F.inv(lin[3]))}
        roots[len(cands)] = idxs
        cands.append((f, _two_action_rows(F, supports, shape, x)))
    return _verified(table, supports, cands, roots)
