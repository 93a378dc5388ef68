r"""Mixed Nash equilibria of small N-player games by support enumeration (docs/background/model.md#2-solution-concepts).

Definition.  A mixed profile sigma = (sigma_1, ..., sigma_n) is a Nash equilibrium when every
action in the support S_i of sigma_i is a best response to sigma_{-i}:
U_i(k, sigma_{-i}) = v_i for k in S_i and U_i(k, sigma_{-i}) <= v_i for k not in S_i.

Method.  For every support profile (S_1, ..., S_n) (all non-empty subsets, ordered by total
support size, then lexicographically; the all-singleton profiles are handled at once by the
vectorized pure-equilibrium mask of :mod:`contract_theory.equilibria.pure`):

1. *Pruning* (exact, vectorized): if some action of S_i is strictly dominated by an action of
   A_i against every opponent profile in S_{-i}, no equilibrium has these supports
   (conditional dominance, Porter, Nudelman & Shoham, GEB 2008).
2. *Equations*: unknowns x_{i,k} for k in S_i minus its first element (whose probability is
   1 - sum of the others); equations U_i(k) - U_i(S_i[0]) = 0 for k in S_i[1:].  These are
   sum_i (|S_i| - 1) multilinear polynomial equations (degree n - 1) in as many unknowns,
   with integer coefficients (the game's integer table).
3. *Exact solution*: a lexicographic Groebner basis (sympy: grevlex Buchberger, then FGLM
   to lex) of the equations plus
   t - sum_j c_j x_j for a separating linear form t (c = 1, 2, 3, ... first, then seeded random
   forms) puts a zero-dimensional radical system in *shape position*
   {x_j - g_j(t), f(t)} (shape lemma).  f is factored over Q (python-flint); every real root
   theta of an irreducible factor p gives one candidate x_j = g_j(theta) in the field Q(theta).
4. *Exact check*: probabilities on S_i must be > 0, and U_i(k) - U_i(S_i[0]) must be 0 on S_i and
   <= 0 off S_i.  Each quantity is a polynomial g(theta) reduced modulo p; g(theta) = 0 iff the
   reduced polynomial is 0 (p is the minimal polynomial of theta), otherwise its sign is
   decided rigorously by bisecting theta's rational isolating interval until a Lipschitz
   bound separates g from 0.  Rational equilibria are re-checked with
   :meth:`NormalFormGame.deviation_payoffs` (Fractions).

Representation of the answer.  Equilibria with rational probabilities are
:class:`~contract_theory.equilibria.results.MixedProfile` objects in ``result.equilibria``.  Equilibria
with *irrational* probabilities (they exist for n >= 3) are :class:`AlgebraicProfile` objects
in the separate field ``result.algebraic``: every probability is an exact polynomial (rational
coefficients) in one real algebraic number theta, given by its minimal polynomial and an
isolating interval (equivalently ``sympy.CRootOf(p, root_index)``).  A note in the result
says how many there are.

Continua.  When the equations of a support profile have a positive-dimensional complex
solution set (degenerate games, e.g. a player indifferent for every opponent mix), the set
is *not* enumerated.  If every payoff polynomial is affine (always for 2 players) an exact LP
decides whether equilibria with exactly these supports exist: if not, the support is
skipped; if so (a genuine continuum) the support profile is listed in ``notes`` and
``complete=False``.  Otherwise (non-linear case) the support profile is listed in ``notes``
as "possibly a continuum" and ``complete=False``.  The
same happens if no separating form puts the system in shape position (never observed on
the tests) or the timeout is hit.

Limits.  ``n >= 2`` players, at most ``max_players`` (default 4) and at most
``max_profiles`` joint actions prod(m_i) (default 27, e.g. 3x3x3) -- otherwise
:class:`~contract_theory.errors.SizeLimitError`.  The number of support profiles is
prod(2^{m_i} - 1) (343 for 3x3x3) and each needs a Groebner basis whose cost grows quickly
with the number of unknowns; ``timeout`` (seconds, default 60, checked between support
profiles, so one Groebner basis can overrun it) stops the enumeration early
(``complete=False``, with a note).  Most support profiles never reach a Groebner basis: the
pair elimination of :mod:`contract_theory.equilibria.support_systems` solves them exactly.
Measured (``benchmarks/bench_nplayer.py --cpu``, payoffs 0..99, CPU time per game on the shared
2-core machine): 3x3x3 about 24 ms, 2x2x2x2 about 7-9 ms (pygambit's ``enumpoly_solve``: about 30
and 6.5-7 ms on the same games, in the same runs).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from contract_theory.equilibria.pure import pure_nash_mask
from contract_theory.equilibria.results import EquilibriumResult, MixedProfile
from contract_theory.errors import GameError, ParameterError, SizeLimitError
from contract_theory.games.normal_form import NormalFormGame

__all__ = ["AlgebraicProfile", "NPlayerEquilibriumResult", "nplayer_mixed_solve", "support_profiles",
           "conditionally_dominated",
           "eval_in_field", "poly_coefficients", "real_root_intervals", "shape_position_basis", "sign_at_root",
           "nonempty_subsets", "to_flint_poly",
           "DEFAULT_MAX_PROFILES", "DEFAULT_MAX_PLAYERS", "DEFAULT_TIMEOUT"]

#: Default limit on prod(m_i), the number of joint actions.
DEFAULT_MAX_PROFILES = 27
#: Default limit on the number of players.
DEFAULT_MAX_PLAYERS = 4
#: Default time limit in seconds.
DEFAULT_TIMEOUT = 60.0

_METHOD = "support-enumeration-groebner"


# ------------------------------------------------------------------ exact real algebraic numbers
def _fq(x: Any) -> Fraction:
    """Fraction from a flint fmpq / sympy QQ element / int."""
    return Fraction(int(x.numerator), int(x.denominator)) if not isinstance(x, int) else Fraction(x)


def poly_coefficients(p: Any) -> list[Fraction]:
    """Coefficients (lowest degree first) of a flint fmpq_poly as Fractions.  O(degree).

    Examples
    --------
    >>> import flint
    >>> poly_coefficients(flint.fmpq_poly([1, 0, flint.fmpq(1, 2)]))
    [Fraction(1, 1), Fraction(0, 1), Fraction(1, 2)]
    """
    return [_fq(c) for c in p.coeffs()]


def _horner(coeffs: Sequence[Fraction], x: Fraction) -> Fraction:
    acc = Fraction(0)
    for c in reversed(coeffs):
        acc = acc * x + c
    return acc


def sign_at_root(g: Sequence[Fraction], p: Sequence[Fraction], interval: tuple[Fraction, Fraction]) -> int:
    """Exact sign of g(theta), theta the unique root of squarefree p in the open interval.

    ``g`` must be reduced modulo the minimal polynomial p (so g(theta) = 0 iff g = 0).
    Bisection on p's sign change; stops when |g(mid)| exceeds a Lipschitz bound of g on the
    interval times its half-width, which then certifies the sign.  Coefficients lowest degree first.

    Examples
    --------
    >>> from fractions import Fraction as F
    >>> sign_at_root([F(-3, 2), F(1)], [F(-2), F(0), F(1)], (F(1), F(2)))    # sqrt(2) - 3/2 < 0
    -1
    """
    if all(c == 0 for c in g):
        return 0
    if len(g) == 1 or all(c == 0 for c in g[1:]):
        return (g[0] > 0) - (g[0] < 0)
    a, b = interval
    pa = _horner(p, a)
    for _ in range(10_000):
        mid = (a + b) / 2
        gm = _horner(g, mid)
        B = max(abs(a), abs(b))
        lip = sum(abs(k * c) * B ** (k - 1) for k, c in enumerate(g) if k >= 1)
        if abs(gm) > lip * (b - a) / 2:
            return (gm > 0) - (gm < 0)
        pm = _horner(p, mid)
        if pm == 0:  # pragma: no cover - p irreducible of degree >= 2 has no rational root
            return (_horner(g, mid) > 0) - (_horner(g, mid) < 0)
        if (pa > 0) != (pm > 0):
            b = mid
        else:
            a, pa = mid, pm
    raise ArithmeticError("sign refinement did not terminate")  # pragma: no cover


@dataclass(frozen=True)
class AlgebraicProfile:
    """A mixed profile whose probabilities lie in Q(theta), theta a real algebraic number.

    Attributes
    ----------
    polynomial
        Minimal polynomial of theta over Q, monic, coefficients *lowest degree first*.
    root_index
        Theta is the ``root_index``-th smallest real root of ``polynomial`` (0-based;
        the same index as ``sympy.CRootOf(polynomial, root_index)``).
    interval
        An isolating interval ``(a, b)`` (Fractions) containing theta and no other root.
    coordinates
        ``coordinates[i][k]`` = coefficients (lowest first, degree < deg polynomial)
        of the polynomial q with sigma_i(k) = q(theta).

    Examples
    --------
    >>> prof = AlgebraicProfile((Fraction(-2), Fraction(0), Fraction(1)), 1, (Fraction(1), Fraction(2)),
    ...                         (((Fraction(0), Fraction(1, 2)), (Fraction(1), Fraction(-1, 2))),))
    >>> prof.strategies[0][0], round(prof.approx()[0][0], 6)
    (sqrt(2)/2, 0.707107)
    """

    polynomial: tuple[Fraction, ...]
    root_index: int
    interval: tuple[Fraction, Fraction]
    coordinates: tuple[tuple[tuple[Fraction, ...], ...], ...]

    @property
    def theta(self) -> Any:
        """theta as a sympy number: radicals for a quadratic, otherwise ``CRootOf``."""
        import sympy

        t = sympy.Symbol("t")
        expr = sum(sympy.Rational(c.numerator, c.denominator) * t**k for k, c in enumerate(self.polynomial))
        if len(self.polynomial) == 3:  # quadratic: two real roots, as radicals
            return sorted(sympy.solve(expr, t), key=lambda r: float(r))[self.root_index]
        return sympy.CRootOf(expr, self.root_index)

    @property
    def strategies(self) -> tuple[tuple[Any, ...], ...]:
        """The probabilities as exact sympy expressions (radicals when degree <= 2, else CRootOf)."""
        import sympy

        th = self.theta  # sympy gives radicals for degree <= 2
        return tuple(tuple(sympy.radsimp(sympy.expand(sum(sympy.Rational(c.numerator, c.denominator) * th**k
                                                          for k, c in enumerate(q)))) for q in s)
                     for s in self.coordinates)

    def approx(self, digits: int = 30) -> tuple[tuple[float, ...], ...]:
        """Float approximations of the probabilities (theta refined to ``digits`` digits)."""
        a, b = self.interval
        p = list(self.polynomial)
        pa = _horner(p, a)
        eps = Fraction(1, 10**digits)
        while b - a > eps:
            mid = (a + b) / 2
            pm = _horner(p, mid)
            if pm == 0:
                a = b = mid
                break
            if (pa > 0) != (pm > 0):
                b = mid
            else:
                a, pa = mid, pm
        th = (a + b) / 2
        return tuple(tuple(float(_horner(q, th)) for q in s) for s in self.coordinates)

    def sign(self, coeffs: Sequence[Any]) -> int:
        """Exact sign of q(theta) for a rational polynomial q (coefficients lowest first)."""
        import flint

        q = flint.fmpq_poly([flint.fmpq(Fraction(c).numerator, Fraction(c).denominator) for c in coeffs])
        p = flint.fmpq_poly([flint.fmpq(c.numerator, c.denominator) for c in self.polynomial])
        return sign_at_root(poly_coefficients(q % p) or [Fraction(0)], list(self.polynomial), self.interval)

    def support(self, player: int) -> tuple[int, ...]:
        """Actions of ``player`` with positive probability."""
        return tuple(k for k, q in enumerate(self.coordinates[player]) if any(c != 0 for c in q))

    def minimal_polynomials(self) -> tuple[tuple[Any, ...], ...]:
        """Minimal polynomial over Q (sympy, variable ``x``) of every probability."""
        import sympy

        x = sympy.Symbol("x")
        return tuple(tuple(sympy.minimal_polynomial(v, x) for v in s) for s in self.strategies)


@dataclass(frozen=True)
class NPlayerEquilibriumResult(EquilibriumResult):
    """:class:`EquilibriumResult` plus the equilibria with irrational probabilities.

    ``equilibria`` holds the rational ones (:class:`MixedProfile`), ``algebraic`` the
    irrational ones (:class:`AlgebraicProfile`); ``complete`` refers to both together.
    """

    algebraic: tuple[AlgebraicProfile, ...] = ()

    @property
    def all_equilibria(self) -> tuple[Any, ...]:
        """Rational then irrational equilibria."""
        return tuple(self.equilibria) + tuple(self.algebraic)


# ------------------------------------------------------------------ support profiles
def nonempty_subsets(m: int) -> list[tuple[int, ...]]:
    """The 2^m - 1 non-empty subsets of ``range(m)``, by size then lexicographically (candidate supports).

    Examples
    --------
    >>> nonempty_subsets(2)
    [(0,), (1,), (0, 1)]
    """
    return [s for size in range(1, m + 1) for s in itertools.combinations(range(m), size)]


def support_profiles(shape: Sequence[int]) -> list[tuple[tuple[int, ...], ...]]:
    """All support profiles, ordered by total size then lexicographically.

    Examples
    --------
    >>> support_profiles((2, 2))[:2], len(support_profiles((2, 2, 2)))
    ([((0,), (0,)), ((0,), (1,))], 27)
    """
    profs = list(itertools.product(*(nonempty_subsets(int(m)) for m in shape)))
    profs.sort(key=lambda s: (sum(len(x) for x in s), s))
    return profs


def _conditionally_dominated(table: np.ndarray, supports: Sequence[tuple[int, ...]]) -> bool:
    """Some action in S_i is strictly dominated by an action of A_i on S_{-i} (vectorized)."""
    return bool(conditionally_dominated(table, [tuple(supports)])[0])


def conditionally_dominated(table: np.ndarray, profiles: Sequence[Sequence[tuple[int, ...]]]) -> np.ndarray:
    """For each support profile: does some action of some S_i have a strict dominator in A_i on S_{-i}?

    This is the pruning test of Porter, Nudelman & Shoham (GEB 2008): such a profile carries no
    equilibrium.  One table per player and opponent-support profile (``D[i][S_{-i}]`` = bit mask of
    i's actions dominated given S_{-i}, built by one AND-reduction per opponent and subset of its
    actions), then one look-up per profile; for a pure opponent profile the test is the pure
    best-response test (S_i must consist of best responses).  Cost: sum_i sum_{j != i} (2^{m_j} - 1)
    vectorized reductions of at most m_i^2 prod_{j != i} (2^{m_j} - 1) booleans.

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> conditionally_dominated(prisoners_dilemma().table, [((0, 1), (1,)), ((1,), (1,))]).tolist()
    [True, False]
    """
    n = table.shape[-1]
    shape = table.shape[:-1]
    masks: list[dict[tuple[tuple[int, ...], ...], int]] = []
    for i in range(n):
        u = np.moveaxis(table[..., i], i, 0)  # own action first, then the others in order
        beats = u[:, None] > u[None, :]  # beats[b, k, r]: b earns more than k at the opponents' profile r
        others = [int(shape[j]) for j in range(n) if j != i]
        # "for every r in S_-i" as one AND per opponent axis and subset: that axis becomes the subsets
        for ax, m in enumerate(others, start=2):
            beats = np.stack([np.logical_and.reduce(beats.take(list(sub), axis=ax), axis=ax)
                              for sub in nonempty_subsets(m)], axis=ax)
        dom = beats.any(axis=0)  # dom[k, subset indices]: some b beats k against every profile of S_-i
        packed = np.tensordot(1 << np.arange(shape[i], dtype=np.int64), dom.astype(np.int64), axes=(0, 0))
        subsets = [nonempty_subsets(m) for m in others]
        table_i = {tuple(subsets[a][x] for a, x in enumerate(idx)): int(v) for idx, v in np.ndenumerate(packed)}
        masks.append(table_i)
    out = np.zeros(len(profiles), dtype=bool)
    for t, prof in enumerate(profiles):
        for i in range(n):
            bits = masks[i][tuple(prof[j] for j in range(n) if j != i)]
            if bits and any(bits >> k & 1 for k in prof[i]):
                out[t] = True
                break
    return out


# ------------------------------------------------------------------ one support profile
class _Support:
    """Polynomial system of one support profile in a sympy sparse ring over QQ."""

    def __init__(self, table: np.ndarray, supports: Sequence[tuple[int, ...]]) -> None:
        from sympy import QQ
        from sympy.polys.rings import ring

        self.supports = supports
        n = len(supports)
        names = [f"x{i}_{k}" for i, s in enumerate(supports) for k in s[1:]]
        self.nvars = len(names)
        self.ring, *gens = ring(",".join(names + ["t"]), QQ, "lex")
        self.gens = gens[:-1]
        self.t = gens[-1]
        R = self.ring
        # probability polynomials (full length over A_i; zero off the support)
        probs: list[list[Any]] = []
        g = iter(self.gens)
        for i, s in enumerate(supports):
            m = table.shape[i]
            row = [R.zero] * m
            rest = [next(g) for _ in s[1:]]
            row[s[0]] = R.one - sum(rest, R.zero)
            for k, x in zip(s[1:], rest):
                row[k] = x
            probs.append(row)
        self.probs = probs
        # payoff polynomials U_i(k, sigma_-i) for every action k of every player
        self.payoffs: list[list[Any]] = []
        for i in range(n):
            u = np.empty(table.shape[:-1], dtype=object)
            u[...] = table[..., i].astype(object)
            for j in range(n - 1, -1, -1):
                if j == i:
                    continue
                vec = np.empty(table.shape[j], dtype=object)
                for k in range(table.shape[j]):
                    vec[k] = probs[j][k]
                u = np.tensordot(u, vec, axes=([j], [0]))
            self.payoffs.append([R(v) for v in np.asarray(u).reshape(-1)])
        self.equations = [self.payoffs[i][k] - self.payoffs[i][s[0]]
                          for i, s in enumerate(supports) for k in s[1:]]


def _lex_basis(polys: list[Any], sup: _Support) -> list[Any] | None:
    """Reduced lex Groebner basis: grevlex Buchberger, then FGLM to lex (zero-dimensional only).

    Returns ``[1]`` for an inconsistent system and ``None`` when the ideal is not
    zero-dimensional.  (Direct lex Buchberger is 100-500 times slower on 3x3x3 supports.)
    """
    from sympy.polys.fglmtools import matrix_fglm
    from sympy.polys.groebnertools import groebner
    from sympy.polys.orderings import grevlex, lex

    Rg = sup.ring.clone(order=grevlex)
    G = groebner([q.set_ring(Rg) for q in polys], Rg)
    if len(G) == 1 and G[0] == Rg.one:
        return [sup.ring.one]
    nv = sup.nvars + 1
    lms = [g.LM for g in G]
    # zero-dimensional iff every variable has a pure power among the leading monomials
    for v in range(nv):
        if not any(lm[v] > 0 and all(lm[w] == 0 for w in range(nv) if w != v) for lm in lms):
            return None
    return [q.set_ring(sup.ring) for q in matrix_fglm(G, Rg, lex)]


def shape_position_basis(sup: Any, forms: Sequence[Sequence[int]]) -> tuple[str, Any, list[Any]]:
    """Lex Groebner basis in shape position: ``("empty"|"shape"|"positive"|"noshape", f, [g_j])``.

    ``sup`` is a polynomial system: attributes ``ring`` (sympy sparse ring over QQ, lex, last
    variable t), ``gens`` (the unknowns), ``t``, ``nvars`` and ``equations``; ``forms`` are the
    separating linear forms tried in turn (t = sum c_j x_j).  On success f(t) is the eliminant and
    x_j = g_j(t) (shape lemma).  Cost: Groebner bases, doubly exponential in the worst case.

    Examples
    --------
    >>> from sympy import QQ
    >>> from sympy.polys.rings import ring
    >>> from types import SimpleNamespace
    >>> R, x, t = ring("x,t", QQ, "lex")
    >>> status, f, gs = shape_position_basis(SimpleNamespace(ring=R, gens=[x], t=t, nvars=1,
    ...                                                     equations=[x**2 - 2]), [[1]])
    >>> status, f
    ('shape', t**2 - 2)
    """
    eqs = [e for e in sup.equations if e != 0]
    nv = sup.nvars
    for c in forms:
        lin = sup.t - sum((int(ci) * x for ci, x in zip(c, sup.gens)), sup.ring.zero)
        G = _lex_basis(eqs + [lin], sup)
        if G is None:
            return "positive", None, []
        if len(G) == 1 and G[0] == sup.ring.one:
            return "empty", None, []
        for _ in range(2):
            univ = [g for g in G if all(all(e == 0 for e in mon[:nv]) for mon in g.monoms())]
            shaped = {}
            for g in G:
                lm = g.LM
                if sum(lm[:nv]) == 1 and all(all(e == 0 for e in mon[:nv]) for mon in g.monoms()[1:]):
                    shaped[lm[:nv].index(1)] = g
            if len(univ) == 1 and len(shaped) == nv and len(G) == nv + 1:
                f = univ[0]
                gs = [sup.gens[j] - shaped[j] for j in range(nv)]  # polynomials in t only
                return "shape", f, gs
            # not in shape position: add the squarefree part of the eliminant and retry once
            if len(univ) != 1:
                break
            f = univ[0]
            fsq = f.quo(f.gcd(f.diff(sup.t)))
            G2 = _lex_basis(list(G) + [fsq], sup)
            if G2 is None:  # pragma: no cover - adding a polynomial cannot raise the dimension
                break
            G = G2
    return "noshape", None, []


def _linear_feasibility(sup: _Support, shape: Sequence[int]) -> bool | None:
    """When every payoff polynomial is affine (always for 2 players): exact LP deciding whether
    some profile has exactly these supports and is an equilibrium.  ``None`` if not affine.

    LP: maximize s subject to the indifference equations, sigma_i(k) >= s on S_i and
    U_i(k) <= U_i(S_i[0]) off S_i, unknowns >= 0.  Solved exactly (Fractions) by
    :func:`contract_theory.exact.lp.maximize_standard_form`.  Equilibria exist iff the optimum s > 0.
    """
    from contract_theory.exact.lp import maximize_standard_form

    nv = sup.nvars
    polys = [q for row in sup.payoffs for q in row] + [q for row in sup.probs for q in row]
    if any(sum(mon[:nv]) > 1 for q in polys for mon in q.monoms()):
        return None

    def affine(q: Any) -> tuple[list[Fraction], Fraction]:
        a = [Fraction(0)] * nv
        c = Fraction(0)
        for mon, coef in q.terms():
            if sum(mon[:nv]) == 0:
                c = _fq(coef)
            else:
                a[mon[:nv].index(1)] = _fq(coef)
        return a, c

    eq_rows: list[tuple[list[Fraction], Fraction, int]] = []  # (coeffs on y, rhs, kind: 0 '=', -1 '>= s', +1 '<= 0')
    for e in sup.equations:
        a, c = affine(e)
        eq_rows.append((a, -c, 0))
    for i, S in enumerate(sup.supports):
        for k in S:
            a, c = affine(sup.probs[i][k])
            eq_rows.append((a, -c, -1))
        for k in range(shape[i]):
            if k not in S:
                a, c = affine(sup.payoffs[i][k] - sup.payoffs[i][S[0]])
                eq_rows.append((a, -c, 1))
    n_slack = sum(1 for r in eq_rows if r[2] != 0)
    A, b = [], []
    slack = 0
    for a, rhs, kind in eq_rows:
        extra = [Fraction(0)] * n_slack
        s_coef = Fraction(0)
        if kind == -1:  # a.y + c - s - slack = 0
            s_coef = Fraction(-1)
            extra[slack] = Fraction(-1)
            slack += 1
        elif kind == 1:  # a.y + c + slack = 0
            extra[slack] = Fraction(1)
            slack += 1
        A.append(list(a) + [s_coef] + extra)
        b.append(rhs)
    c_obj = [Fraction(0)] * nv + [Fraction(1)] + [Fraction(0)] * n_slack
    status, _x, value = maximize_standard_form(c_obj, A, b)
    return status == "optimal" and value is not None and value > 0


def to_flint_poly(poly_t: Any, nv: int) -> Any:
    """A sympy ring element that involves only the last variable t (index ``nv``) as a flint fmpq_poly.

    O(number of terms).

    Examples
    --------
    >>> from sympy import QQ
    >>> from sympy.polys.rings import ring
    >>> R, x, t = ring("x,t", QQ, "lex")
    >>> to_flint_poly(t**2 / 2 + 3, 1)
    1/2*x^2 + 3
    """
    import flint

    coeffs: dict[int, Fraction] = {}
    for mon, c in poly_t.terms():
        coeffs[mon[nv]] = _fq(c)
    deg = max(coeffs, default=0)
    return flint.fmpq_poly([flint.fmpq(coeffs.get(k, Fraction(0)).numerator, coeffs.get(k, Fraction(0)).denominator)
                            for k in range(deg + 1)])


def eval_in_field(P: Any, gs: Sequence[Any], p: Any, nv: int) -> Any:
    """Substitute x_j = g_j(t) into the ring element P and reduce modulo p: P's value in Q[t]/(p).

    ``gs`` are flint polynomials in t, ``nv`` the number of x variables.  O(terms x nv) products mod p.

    Examples
    --------
    >>> import flint
    >>> from sympy import QQ
    >>> from sympy.polys.rings import ring
    >>> R, x, t = ring("x,t", QQ, "lex")
    >>> eval_in_field(x**2 + 1, [flint.fmpq_poly([0, 1])], flint.fmpq_poly([-2, 0, 1]), 1)   # t^2 + 1 mod t^2 - 2
    3
    """
    import flint

    powers: dict[tuple[int, int], Any] = {}
    total = flint.fmpq_poly([0])
    for mon, c in P.terms():
        term = flint.fmpq_poly([flint.fmpq(_fq(c).numerator, _fq(c).denominator)])
        for j in range(nv):
            e = mon[j]
            if e:
                key = (j, e)
                if key not in powers:
                    powers[key] = (gs[j] ** e) % p
                term = (term * powers[key]) % p
        total += term
    return total % p


def real_root_intervals(p: Any) -> list[tuple[int, tuple[Fraction, Fraction]]]:
    """Real roots of an irreducible fmpq_poly: ``(index, isolating interval)`` in increasing order.

    Exact isolating intervals by sympy (Vincent-Collins-Akritas bisection).

    Examples
    --------
    >>> import flint
    >>> real_root_intervals(flint.fmpq_poly([-2, 0, 1]))
    [(0, (Fraction(-2, 1), Fraction(-1, 1))), (1, (Fraction(1, 1), Fraction(2, 1)))]
    """
    import sympy

    coeffs = poly_coefficients(p)
    t = sympy.Symbol("t")
    sp = sympy.Poly([sympy.Rational(c.numerator, c.denominator) for c in reversed(coeffs)], t)
    out = []
    for k, ((a, b), _mult) in enumerate(sp.intervals()):
        out.append((k, (Fraction(int(a.p), int(a.q)), Fraction(int(b.p), int(b.q)))))
    return out


# ------------------------------------------------------------------ the solver
def _check_limits(game: NormalFormGame, max_profiles: int, max_players: int, timeout: float | None) -> None:
    if not isinstance(game, NormalFormGame):
        raise GameError(f"expected a NormalFormGame, got {type(game).__name__}")
    if not isinstance(max_profiles, int) or max_profiles < 1:
        raise ParameterError(f"max_profiles must be a positive integer, got {max_profiles!r}")
    if not isinstance(max_players, int) or max_players < 2:
        raise ParameterError(f"max_players must be an integer >= 2, got {max_players!r}")
    if timeout is not None and not (isinstance(timeout, (int, float)) and timeout > 0):
        raise ParameterError(f"timeout must be a positive number of seconds or None, got {timeout!r}")
    if game.n_players < 2:
        raise GameError(f"support enumeration needs at least 2 players, the game has {game.n_players}")
    if game.n_players > max_players:
        raise SizeLimitError(f"the game has {game.n_players} players; nplayer_mixed_solve is limited to "
                             f"max_players={max_players}")
    if game.n_profiles > max_profiles:
        raise SizeLimitError(f"the game has {game.n_profiles} joint actions (shape {game.shape}); "
                             f"nplayer_mixed_solve is limited to max_profiles={max_profiles}")


def _verify_rational(game: NormalFormGame, strategies: list[list[Fraction]]) -> bool:
    """Exact Nash check of a rational profile, independent of the polynomials.

    In integers: the true payoffs are ``game.table / game.denominator`` (one positive denominator),
    and player j's probabilities times the lcm L_j of their denominators are integers, so
    U_i(k, sigma_-i) * denominator * prod_{j != i} L_j is an integer sum over the opponents' supports;
    comparisons of these integers are the comparisons of the payoffs."""
    import math

    if any(p < 0 for s in strategies for p in s) or any(sum(s) != 1 for s in strategies):
        return False
    n = game.n_players
    payoffs = game.table.tolist()
    supports = [[k for k, p in enumerate(s) if p > 0] for s in strategies]
    scaled = []
    for s in strategies:
        L = math.lcm(*(p.denominator for p in s))
        scaled.append([int(p * L) for p in s])
    for i in range(n):
        others = [j for j in range(n) if j != i]
        dev = []
        for k in range(game.shape[i]):  # U_i(k, sigma_-i), scaled, summed over the opponents' supports
            total = 0
            for acts in itertools.product(*(supports[j] for j in others)):
                idx = [0] * n
                idx[i] = k
                w = 1
                for j, v in zip(others, acts):
                    idx[j] = v
                    w *= scaled[j][v]
                cell = payoffs
                for x in idx:
                    cell = cell[x]
                total += w * int(cell[i])
            dev.append(total)
        best = max(dev)
        if any(dev[k] != best for k in supports[i]):
            return False
    return True


def nplayer_mixed_solve(game: NormalFormGame, *, max_profiles: int = DEFAULT_MAX_PROFILES,
                        max_players: int = DEFAULT_MAX_PLAYERS,
                        timeout: float | None = DEFAULT_TIMEOUT) -> NPlayerEquilibriumResult:
    """All Nash equilibria of a small N-player game, exactly, by support enumeration.

    Definition, method, representation and limits: module docstring (docs/background/model.md#2-solution-concepts).
    Returns a :class:`NPlayerEquilibriumResult`: rational equilibria in ``equilibria``
    (:class:`MixedProfile`), irrational ones in ``algebraic`` (:class:`AlgebraicProfile`),
    each ordered by support profile (:func:`support_profiles` order, pure ones first in
    lexicographic order) and then by increasing root theta.  ``complete=True`` means every
    support profile was solved to a finite set (so the list is the full equilibrium set);
    otherwise ``notes`` says which supports carry a continuum or were not reached.

    Complexity: prod(2^{m_i} - 1) support profiles, each a lex Groebner basis in
    sum(|S_i| - 1) + 1 variables (doubly exponential in the worst case; milliseconds for
    2x2x2, seconds for 3x3x3).

    Raises :class:`SizeLimitError` beyond ``max_players`` players or ``max_profiles`` joint
    actions; :class:`GameError` for fewer than 2 players.

    Examples
    --------
    >>> from contract_theory.games.library import matching_pennies
    >>> r = nplayer_mixed_solve(matching_pennies())
    >>> [p.as_strings() for p in r.equilibria], r.complete
    ([[['1/2', '1/2'], ['1/2', '1/2']]], True)
    """
    _check_limits(game, max_profiles, max_players, timeout)
    start = time.monotonic()
    table = game.table
    shape = game.shape
    rational: list[MixedProfile] = [MixedProfile.from_pure(tuple(int(v) for v in prof), shape)
                                    for prof in np.argwhere(pure_nash_mask(game))]
    algebraic: list[AlgebraicProfile] = []
    notes: list[str] = []
    complete = True
    profiles = [s for s in support_profiles(shape) if any(len(x) > 1 for x in s)]
    survivors = [s for s, dom in zip(profiles, conditionally_dominated(table, profiles)) if not dom]
    rng = np.random.default_rng(20240229)
    for examined, supports in enumerate(survivors):
        if timeout is not None and time.monotonic() - start > timeout:
            complete = False
            notes.append(f"timeout of {timeout} s reached after {examined} of {len(survivors)} mixed support "
                         f"profiles left by the dominance test ({len(profiles)} in all); the list is incomplete")
            break
        found = _fast_profile(game, supports)
        if found is None:
            found, note = _groebner_profile(game, supports, rng)
            if note is not None:
                complete = False
                notes.append(note)
        for _key, prof in sorted(found, key=lambda kv: (kv[0], isinstance(kv[1], AlgebraicProfile))):
            (algebraic if isinstance(prof, AlgebraicProfile) else rational).append(prof)
    if algebraic:
        notes.append(f"{len(algebraic)} equilibria have irrational probabilities; they are exact "
                     "AlgebraicProfile objects in .algebraic, not in .equilibria")
    if not game.exact:
        notes.append("payoffs were given as floats; they were used as exact binary rationals")
    return NPlayerEquilibriumResult(
        method=_METHOD, exact=True, equilibria=tuple(rational), complete=complete,
        parameters={"max_profiles": max_profiles, "max_players": max_players, "timeout": timeout},
        notes=tuple(notes), payoffs_exact=game.exact, algebraic=tuple(algebraic))


def _fast_profile(game: NormalFormGame, supports: tuple[tuple[int, ...], ...]) -> list[tuple[float, Any]] | None:
    """Equilibria with exactly these supports by pair elimination (:mod:`.support_systems`), or ``None``."""
    from contract_theory.equilibria.support_systems import solve_support

    if sum(len(x) > 1 for x in supports) < 2:
        return None
    sols = solve_support(game.table, supports)
    if sols is None:
        return None
    return [_as_profile(game, pt, probs) for pt, probs in sols]


def _as_profile(game: NormalFormGame, pt: Any, probs: list[list[Any]]) -> tuple[float, Any]:
    """(sort key, MixedProfile or AlgebraicProfile) of an exact solution in Q(theta)."""
    if pt.degree == 1:
        theta = pt.rational()
        strategies = [[_horner(poly_coefficients(q) or [Fraction(0)], theta) for q in row] for row in probs]
        if not _verify_rational(game, strategies):  # pragma: no cover - internal bug guard
            raise AssertionError(f"candidate {strategies} failed the exact Nash check")
        return float(theta), MixedProfile.from_lists(strategies)
    c = [Fraction(int(v)) for v in pt.poly.coeffs()]
    monic = tuple(v / c[-1] for v in c)
    interval = pt.interval()
    coords = tuple(tuple(tuple(poly_coefficients(q) or [Fraction(0)]) for q in row) for row in probs)
    return float(interval[0]), AlgebraicProfile(monic, pt.index, interval, coords)


_CONTINUUM = "a continuum of equilibria (the linear system has a positive-dimensional feasible set)"


def _not_enumerated(supports: Sequence[tuple[int, ...]], what: str) -> str:
    """The note of a support profile whose equilibria are not enumerated."""
    return (f"supports {[list(s) for s in supports]}: indifference equations have {what}; "
            "equilibria with these supports are not enumerated")


def _one_mixer_interval(ptable: Any, supports: Sequence[tuple[int, ...]], i: int, shape: Sequence[int]) -> bool:
    """Do equilibria exist with exactly these supports, player i mixing two actions and the others pure?

    This is the exact LP of :func:`_linear_feasibility` solved by hand (the same answer, without the
    polynomial ring and the LP): with x the probability of i's second action the other players'
    payoffs are affine in x, i's are constants.  Equilibria exist iff i is indifferent on S_i and
    no better off it, and some x in the open interval (0, 1) satisfies every other player's
    constraint d0 + x (d1 - d0) <= 0 (d_t: the gain of a deviation when i plays S_i[t]); the
    solutions then form a whole interval (a continuum) or one point x.  O(sum_j m_j) integers.

    Examples
    --------
    >>> from contract_theory.games.library import random_game
    >>> t = [[[0, 1], [0, 0]], [[0, 0], [0, 1]]]   # P0 gets 0 everywhere; P1 wants to match P0
    >>> _one_mixer_interval(t, [(0, 1), (0,)], 0, (2, 2)), _one_mixer_interval(t, [(0, 1), (1,)], 0, (2, 2))
    (True, True)
    >>> _one_mixer_interval([[[0, 1], [0, 0]], [[1, 0], [0, 0]]], [(0, 1), (0,)], 0, (2, 2))   # P0 not indifferent
    False
    """
    base = [s[0] for s in supports]

    def at(j: int, k: int, t: int) -> int:  # u_j with j playing k and i its t-th support action
        idx = list(base)
        idx[i] = supports[i][t]
        idx[j] = k
        return _entry_of(ptable, idx, j)

    own = [at(i, k, 0) if k not in supports[i] else 0 for k in range(shape[i])]
    if at(i, supports[i][1], 1) != at(i, supports[i][0], 0) or any(v > at(i, supports[i][0], 0) for v in own):
        return False  # i is not indifferent between its two actions, or an action off S_i is better
    lo: Fraction | None = None  # x >= lo, x <= hi (non-strict); 0 < x < 1 strict
    hi: Fraction | None = None
    for j in range(len(supports)):
        if j == i:
            continue
        for k in range(shape[j]):
            d0, d1 = at(j, k, 0) - at(j, base[j], 0), at(j, k, 1) - at(j, base[j], 1)
            if d1 == d0:
                if d0 > 0:
                    return False
            elif d1 > d0:
                hi = Fraction(-d0, d1 - d0) if hi is None else min(hi, Fraction(-d0, d1 - d0))
            else:
                lo = Fraction(-d0, d1 - d0) if lo is None else max(lo, Fraction(-d0, d1 - d0))
    low, high = max(lo, Fraction(0)) if lo is not None else Fraction(0), min(hi, Fraction(1)) if hi is not None else 1
    return low < high or (lo is not None and lo == hi and 0 < lo < 1)


def _entry_of(ptable: Any, idx: Sequence[int], player: int) -> int:
    """u_player at the joint action ``idx`` of the payoff table as nested lists."""
    v = ptable
    for k in idx:
        v = v[k]
    return v[player]


def _groebner_profile(game: NormalFormGame, supports: tuple[tuple[int, ...], ...],
                      rng: np.random.Generator) -> tuple[list[tuple[float, Any]], str | None]:
    """Equilibria with exactly these supports by a Groebner basis; a note when they are not enumerated."""
    shape = game.shape
    nv = sum(len(s) - 1 for s in supports)
    forms = [list(range(1, nv + 1))] + [list(rng.integers(1, 50, size=nv)) for _ in range(3)]  # drawn always
    mixers = [i for i, s in enumerate(supports) if len(s) > 1]
    if len(mixers) == 1 and len(supports[mixers[0]]) == 2:  # one mixer: an interval of x, no Groebner basis
        interval = _one_mixer_interval(game.table.tolist(), supports, mixers[0], shape)
        return [], _not_enumerated(supports, _CONTINUUM) if interval else None
    sup = _Support(game.table, supports)
    status, f, gs_ring = shape_position_basis(sup, forms)
    if status == "empty":
        return [], None
    if status != "shape":
        linear = _linear_feasibility(sup, shape)
        if linear is False:
            return [], None  # exact LP: no equilibrium has exactly these supports
        if linear is True:
            what = _CONTINUUM
        elif status == "positive":
            what = "a positive-dimensional solution set (possibly a continuum of equilibria)"
        else:
            what = "a system not in shape position for any tried separating form"
        return [], _not_enumerated(supports, what)
    ff = to_flint_poly(f, nv)
    gs = [to_flint_poly(g, nv) for g in gs_ring]
    _content, factors = ff.factor()
    found: list[tuple[float, Any]] = []
    for p, _mult in factors:
        found.extend(_factor_solutions(game, sup, p / p.coeffs()[-1], gs))
    return found, None


def _factor_solutions(game: NormalFormGame, sup: _Support, p: Any, gs: list[Any]) -> list[tuple[float, Any]]:
    """Verified equilibria at the real roots of one monic irreducible factor p of the eliminant."""
    import flint

    from contract_theory.equilibria.support_systems import FieldPoint, real_roots, sign_at

    shape, n, nv = game.shape, game.n_players, sup.nvars
    xs = [g % p for g in gs]
    probs = [[eval_in_field(sup.probs[i][k], xs, p, nv) for k in range(shape[i])] for i in range(n)]
    pays = [[eval_in_field(sup.payoffs[i][k], xs, p, nv) for k in range(shape[i])] for i in range(n)]
    pz = flint.fmpz_poly([int(v * _lcm_den(poly_coefficients(p))) for v in poly_coefficients(p)])
    out = []
    n_roots = 1 if p.degree() == 1 else len(real_roots(pz, 64))
    for idx in range(n_roots):
        pt = FieldPoint(pz, idx)
        ok = all(sign_at(probs[i][k], pt) > 0 for i, s in enumerate(sup.supports) for k in s)
        ok = ok and all((sign_at(pays[i][k] - pays[i][s[0]], pt) == 0) if k in s
                        else sign_at(pays[i][k] - pays[i][s[0]], pt) <= 0
                        for i, s in enumerate(sup.supports) for k in range(shape[i]))
        if ok:
            out.append(_as_profile(game, pt, probs))
    return out


def _lcm_den(c: Sequence[Fraction]) -> int:
    import math

    L = 1
    for v in c:
        L = math.lcm(L, v.denominator)
    return L
