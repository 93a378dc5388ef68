r"""Exact, certified linear programming.

Model: ``docs/background/model.md#2-solution-concepts`` (CE/CCE are LPs "with an exact rational value at the
end").

Problem (scipy ``linprog`` semantics, exact data)::

    minimize  c @ x   subject to  A_ub @ x <= b_ub,  A_eq @ x == b_eq,  lo_j <= x_j <= hi_j

(``maximize=True`` maximizes instead).  Every number is exact (int, Fraction, string such as
``"8/5"``); floats are refused.

Certification.  Internally the constraints are ``G x <= h`` (the ``A_ub`` rows, ``-x_j <= -lo_j``
for finite lower bounds, ``x_j <= hi_j`` for finite upper bounds) and ``E x = f``; with the
Lagrangian ``c x + y (G x - h) + z (E x - f)`` an answer is *certified* when it comes with
exact witnesses that are checked in exact arithmetic:

* ``optimal``: ``x`` with ``G x <= h``, ``E x = f``; ``y >= 0``, ``z`` with ``c + G^T y + E^T z = 0``
  (dual feasibility) and ``c x = -h y - f z`` (strong duality) -- so ``x`` is optimal and its
  value is the exact optimum;
* ``infeasible``: a Farkas certificate ``y >= 0``, ``z`` with ``G^T y + E^T z = 0`` and
  ``h y + f z < 0``;
* ``unbounded``: a feasible ``x`` and a ray ``d`` with ``G d <= 0``, ``E d = 0``, ``c d < 0``.

Why the float status is never trusted: scipy 1.17.1's HiGHS calls some unbounded LPs "infeasible" (see
``tests/test_exact_lp.py::test_float_status_is_not_trusted``).

Only ``y`` on the ``A_ub`` rows and ``z`` are searched for; the bound multipliers are then the
unique cheapest completion (``y_lo = max(q, 0)``, ``y_hi = max(-q, 0)`` with
``q = c + A_ub^T y_ub + A_eq^T z``).  The float solver's status is never trusted: every returned
result has ``certified=True`` (a failed certificate raises ``RuntimeError``, a bug).

Methods (``LPResult.method``):

``"highs+exact-recovery"``
    scipy's HiGHS solves in floating point; the active set of its solution (bounds and rows
    that are tight, rows and reduced costs with nonzero duals) gives square-ish exact systems
    that :mod:`contract_theory.exact.linalg` solves for an exact primal vertex and an exact
    dual; the pair is then certified.  Tolerances 1e-9, 1e-7, 1e-5 (relative) are tried in turn.
``"exact-simplex"``
    If recovery fails (degeneracy, HiGHS reports infeasible/unbounded or fails), a two-phase
    primal simplex in exact integer (fraction-free, Edmonds/Bareiss) arithmetic solves the
    problem and returns the certificates above.  Pricing is Dantzig's rule, switched to Bland's
    rule after 8 consecutive degenerate pivots (until the next strict improvement), so it cannot
    cycle and terminates.  Limited to ``max_size`` variables and ``max_size`` constraint rows
    (:class:`~contract_theory.errors.SizeLimitError` otherwise); worst-case exponential like
    every simplex method, each pivot O(rows x (vars + 2 rows)) big-integer operations.
    Measured (2-core shared machine): a random 8x8 game's CE LP (64 variables, 112 rows, highly
    degenerate) needs about 1100 pivots, ~5 s; HiGHS + recovery solves it in ~0.03 s.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal, TypedDict, Unpack

import numpy as np

from contract_theory.errors import ParameterError, SizeLimitError
from contract_theory.exact.linalg import (
    as_fraction_matrix,
    as_fraction_vector,
    exact_entry,
    particular_solution_exact,
    solve_exact,
)

__all__ = ["LPResult", "LPOptions", "solve_lp", "maximize_standard_form", "DEFAULT_MAX_SIZE", "LPStatus"]

LPStatus = Literal["optimal", "infeasible", "unbounded"]

#: Default limit on variables (and on constraint rows) for the exact simplex fallback.
DEFAULT_MAX_SIZE = 5000

_TOLS = (1e-9, 1e-7, 1e-5)

#: Consecutive degenerate pivots after which the exact simplex prices with Bland's rule.
_BLAND_AFTER = 8


@dataclass(frozen=True)
class LPResult:
    """Outcome of :func:`solve_lp`, exact and certified.

    Attributes
    ----------
    status
        ``"optimal"``, ``"infeasible"`` or ``"unbounded"``.
    x
        An optimal solution (a vertex when one exists), ``None`` unless optimal.
    value
        The exact optimal value of the problem as posed (maximum if ``maximize``), else ``None``.
    duals_ub, duals_eq : shadow prices ``d value / d b_ub``, ``d value / d b_eq`` in scipy's
        ``marginals`` sign convention (``duals_ub <= 0`` when minimizing, ``>= 0`` when
        maximizing); ``None`` unless optimal.
    certified
        ``True``: the status was proved with the exact certificate in ``certificate``.
    method
        ``"highs+exact-recovery"``, ``"exact-simplex"``, or ``"bounds-check"`` (infeasible
        because some lower bound exceeds its upper bound).
    certificate
        The witnesses checked (see the module docstring): for optimal
        ``{"y_ub", "z_eq", "y_lower", "y_upper"}`` (Lagrange multipliers of the minimization
        form), for infeasible the Farkas multipliers with the same keys, for unbounded
        ``{"point", "ray"}``.
    """

    status: LPStatus
    x: tuple[Fraction, ...] | None
    value: Fraction | None
    duals_ub: tuple[Fraction, ...] | None
    duals_eq: tuple[Fraction, ...] | None
    certified: bool
    method: str
    certificate: dict[str, tuple[Fraction, ...]] = field(default_factory=dict, compare=False, hash=False, repr=False)


# ====================================================================== problem data
class _Problem:
    """Validated minimization problem with exact data (internal).

    Each constraint row is stored scaled to integers: ``A_ub[k] = L_ub[k] * (row k)`` as a numpy
    object array of Python ints and ``b_ub[k] = L_ub[k] * b_k`` (an int), so every exact check is
    integer arithmetic.  Multipliers of the scaled rows are ``y / L`` of the original ones.
    """

    def __init__(self, c: Any, A_ub: Any, b_ub: Any, A_eq: Any, b_eq: Any, bounds: Any, maximize: bool) -> None:
        cv = _vector(c, "c")
        n = len(cv)
        if n == 0:
            raise ParameterError("c must have at least one entry (the LP needs a variable)")
        self.n = n
        self.maximize = bool(maximize)
        self.c = [-v for v in cv] if maximize else cv
        self.A_ub, self.b_ub, self.L_ub = _block(A_ub, b_ub, n, "A_ub", "b_ub")
        self.A_eq, self.b_eq, self.L_eq = _block(A_eq, b_eq, n, "A_eq", "b_eq")
        self.lo, self.hi = _bounds(bounds, n)
        self._float: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None

    def floats(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Float copies of the scaled rows (for HiGHS and tolerances)."""
        if self._float is None:
            self._float = (self.A_ub.astype(float), self.b_ub.astype(float),
                           self.A_eq.astype(float), self.b_eq.astype(float))
        return self._float

    def export(self, cert: dict[str, tuple[Fraction, ...]]) -> dict[str, tuple[Fraction, ...]]:
        """Certificate with row multipliers of the caller's (unscaled) rows."""
        out = dict(cert)
        if "y_ub" in out:
            out["y_ub"] = tuple(v * L for v, L in zip(out["y_ub"], self.L_ub))
            out["z_eq"] = tuple(v * L for v, L in zip(out["z_eq"], self.L_eq))
        return out


def _vector(v: Any, what: str) -> list[Fraction]:
    return [] if v is None else as_fraction_vector(v, what)


def _obj_array(rows: list[list[int]], r: int, c: int) -> np.ndarray:
    arr = np.empty((r, c), dtype=object)
    if r and c:
        arr[:, :] = rows
    return arr


def _block(A: Any, b: Any, n: int, an: str, bn: str) -> tuple[np.ndarray, np.ndarray, list[int]]:
    if A is None and b is None:
        return _obj_array([], 0, n), np.empty(0, dtype=object), []
    if A is None or b is None:
        raise ParameterError(f"{an} and {bn} must be given together")
    bv = _vector(b, bn)
    if isinstance(A, np.ndarray) and A.dtype.kind in "iu" and A.ndim == 2:
        if A.shape[1] != n and A.shape[0]:
            raise ParameterError(f"{an} has {A.shape[1]} columns but c has {n} entries")
        if A.shape[0] != len(bv):
            raise ParameterError(f"{an} has {A.shape[0]} rows but {bn} has {len(bv)} entries")
        L = [b_.denominator for b_ in bv]
        ints = A.astype(object)
        if any(v != 1 for v in L):
            ints = ints * np.array(L, dtype=object)[:, None]
        rhs = np.empty(len(bv), dtype=object)
        rhs[:] = [int(v * l) for v, l in zip(bv, L)]
        return ints.reshape(len(bv), n), rhs, L
    rows = as_fraction_matrix(A, what=an, ncols=n)
    if rows and len(rows[0]) != n:
        raise ParameterError(f"{an} has {len(rows[0])} columns but c has {n} entries")
    if len(bv) != len(rows):
        raise ParameterError(f"{an} has {len(rows)} rows but {bn} has {len(bv)} entries")
    out, rhs_l, L = [], [], []
    for row, bb in zip(rows, bv):
        l = math.lcm(bb.denominator, *(v.denominator for v in row))
        out.append([v.numerator * (l // v.denominator) for v in row])
        rhs_l.append(int(bb * l))
        L.append(l)
    rhs = np.empty(len(rhs_l), dtype=object)
    rhs[:] = rhs_l
    return _obj_array(out, len(out), n), rhs, L


def _bound_value(v: Any, what: str) -> Fraction | None:
    if v is None:
        return None
    if isinstance(v, (float, np.floating)) and math.isinf(v):
        return None
    return exact_entry(v, what)


def _bounds(bounds: Any, n: int) -> tuple[list[Fraction | None], list[Fraction | None]]:
    if bounds is None:
        bounds = (0, None)
    seq = list(bounds)
    is_pair = len(seq) == 2 and all(x is None or not isinstance(x, (list, tuple, np.ndarray)) for x in seq)
    pairs = [seq] * n if is_pair else seq
    if len(pairs) != n:
        raise ParameterError(f"bounds must be one (lo, hi) pair or {n} pairs, got {len(pairs)}")
    lo, hi = [], []
    for j, p in enumerate(pairs):
        if p is None:
            p = (None, None)
        p = list(p)
        if len(p) != 2:
            raise ParameterError(f"bounds[{j}] must be a pair (lo, hi), got {p!r}")
        lo.append(_bound_value(p[0], f"bounds[{j}][0]"))
        hi.append(_bound_value(p[1], f"bounds[{j}][1]"))
    return lo, hi


def _common(vec: Sequence[Fraction]) -> tuple[np.ndarray, int]:
    """Integers X (object array) and a positive D with vec == X / D."""
    D = math.lcm(*(v.denominator for v in vec)) if len(vec) else 1
    out = np.empty(len(vec), dtype=object)
    out[:] = [v.numerator * (D // v.denominator) for v in vec]
    return out, D


def _rows_int(A: np.ndarray, x: Sequence[Fraction]) -> tuple[np.ndarray, int]:
    """(A @ X, D) with x = X / D: the exact products A x = result / D."""
    X, D = _common(x)
    if A.shape[0] == 0:
        return np.empty(0, dtype=object), D
    return A.dot(X), D


def _transpose_dot(A: np.ndarray, y: Sequence[Fraction], n: int) -> list[Fraction]:
    """Exact A^T @ y as Fractions."""
    if A.shape[0] == 0:
        return [Fraction(0)] * n
    Y, D = _common(y)
    return [Fraction(int(v), D) for v in A.T.dot(Y)]


def _dot(a: Sequence[Any] | np.ndarray, b: Sequence[Fraction]) -> Fraction:
    return sum((u * v for u, v in zip(a, b) if u and v), Fraction(0))


def _bound_dot(bounds: Sequence[Fraction | None], y: Sequence[Fraction]) -> Fraction:
    """Σ bound_j · y_j over the nonzero multipliers (:func:`_complete` gives a finite bound to each)."""
    total = Fraction(0)
    for b, v in zip(bounds, y):
        if v:
            assert b is not None
            total += b * v
    return total


# ====================================================================== certificates
def _primal_feasible(p: _Problem, x: Sequence[Fraction]) -> bool:
    for lo, hi, xj in zip(p.lo, p.hi, x):
        if lo is not None and xj < lo:
            return False
        if hi is not None and xj > hi:
            return False
    v, D = _rows_int(p.A_ub, x)
    if any(a > b * D for a, b in zip(v, p.b_ub)):
        return False
    v, D = _rows_int(p.A_eq, x)
    return all(a == b * D for a, b in zip(v, p.b_eq))


def _complete(p: _Problem, q: list[Fraction]) -> tuple[list[Fraction], list[Fraction]] | None:
    """Bound multipliers y_lo - y_hi = q, cheapest split; None if q needs an infinite bound."""
    y_lo, y_hi = [], []
    for j, v in enumerate(q):
        if v > 0 and p.lo[j] is None:
            return None
        if v < 0 and p.hi[j] is None:
            return None
        y_lo.append(v if v > 0 else Fraction(0))
        y_hi.append(-v if v < 0 else Fraction(0))
    return y_lo, y_hi


def _check_optimal(p: _Problem, x: Sequence[Fraction], y_ub: Sequence[Fraction],
                   z: Sequence[Fraction]) -> dict[str, tuple[Fraction, ...]] | None:
    """Return the full certificate (scaled rows) if (x, y_ub, z) proves optimality, else None."""
    if len(x) != p.n or any(v < 0 for v in y_ub) or not _primal_feasible(p, x):
        return None
    q = [a + b + c for a, b, c in zip(p.c, _transpose_dot(p.A_ub, y_ub, p.n), _transpose_dot(p.A_eq, z, p.n))]
    split = _complete(p, q)
    if split is None:
        return None
    y_lo, y_hi = split
    dual = -_dot(p.b_ub, y_ub) - _dot(p.b_eq, z)
    dual += _bound_dot(p.lo, y_lo) - _bound_dot(p.hi, y_hi)
    if _dot(p.c, x) != dual:
        return None
    return {"y_ub": tuple(y_ub), "z_eq": tuple(z), "y_lower": tuple(y_lo), "y_upper": tuple(y_hi)}


def _check_farkas(p: _Problem, y_ub: Sequence[Fraction], z: Sequence[Fraction]) -> dict[str, tuple[Fraction, ...]] | None:
    if any(v < 0 for v in y_ub):
        return None
    q = [a + b for a, b in zip(_transpose_dot(p.A_ub, y_ub, p.n), _transpose_dot(p.A_eq, z, p.n))]
    split = _complete(p, q)
    if split is None:
        return None
    y_lo, y_hi = split
    val = _dot(p.b_ub, y_ub) + _dot(p.b_eq, z)
    val -= _bound_dot(p.lo, y_lo) - _bound_dot(p.hi, y_hi)
    if not val < 0:
        return None
    return {"y_ub": tuple(y_ub), "z_eq": tuple(z), "y_lower": tuple(y_lo), "y_upper": tuple(y_hi)}


def _check_unbounded(p: _Problem, x: Sequence[Fraction], d: Sequence[Fraction]) -> dict[str, tuple[Fraction, ...]] | None:
    if not _primal_feasible(p, x):
        return None
    for j in range(p.n):
        if p.lo[j] is not None and d[j] < 0:
            return None
        if p.hi[j] is not None and d[j] > 0:
            return None
    if any(v > 0 for v in _rows_int(p.A_ub, d)[0]) or any(v != 0 for v in _rows_int(p.A_eq, d)[0]):
        return None
    if not _dot(p.c, d) < 0:
        return None
    return {"point": tuple(x), "ray": tuple(d)}


def _optimal_result(p: _Problem, x: Sequence[Fraction], cert: dict[str, tuple[Fraction, ...]], method: str) -> LPResult:
    val = _dot(p.c, x)
    cert = p.export(cert)
    y_ub, z = cert["y_ub"], cert["z_eq"]
    if p.maximize:  # value = -min; d value / d b = +y
        return LPResult("optimal", tuple(x), -val, tuple(y_ub), tuple(z), True, method, cert)
    return LPResult("optimal", tuple(x), val, tuple(-v for v in y_ub), tuple(-v for v in z), True, method, cert)


# ====================================================================== HiGHS + recovery
def _highs(p: _Problem) -> Any:
    from scipy.optimize import linprog

    try:
        Af, bf, Ef, ff = p.floats()
    except OverflowError:  # pragma: no cover - numbers beyond float range: exact simplex only
        return None
    if Af.size > 10_000 and np.count_nonzero(Af) < 0.3 * Af.size:  # sparse constraint rows (e.g. CE LPs)
        from scipy.sparse import csr_matrix
        Af = csr_matrix(Af)
    bounds = [(None if l is None else float(l), None if h is None else float(h)) for l, h in zip(p.lo, p.hi)]
    try:
        return linprog(
            np.array([float(v) for v in p.c]), A_ub=Af if len(bf) else None, b_ub=bf if len(bf) else None,
            A_eq=Ef if len(ff) else None, b_eq=ff if len(ff) else None, bounds=bounds, method="highs",
        )
    except (ValueError, OverflowError):  # pragma: no cover - scipy refused the float data
        return None


def _recover(p: _Problem, res: Any) -> tuple[tuple[Fraction, ...], dict[str, tuple[Fraction, ...]]] | None:
    """Exact vertex and dual from a float HiGHS solution, certified; None when that fails."""
    xf = np.asarray(res.x, dtype=float)
    m1 = p.A_ub.shape[0]
    Af, bf, _, _ = p.floats()
    m2 = p.A_eq.shape[0]
    marg_ub = np.asarray(res.ineqlin.marginals, dtype=float) if m1 else np.zeros(0)
    marg_eq = np.asarray(res.eqlin.marginals, dtype=float) if m2 else np.zeros(0)
    rc = np.asarray(res.lower.marginals, dtype=float) + np.asarray(res.upper.marginals, dtype=float)
    row_scale = 1.0 + np.abs(bf) + (np.abs(Af) @ np.abs(xf) if m1 else 0.0)
    slack = bf - Af @ xf if m1 else np.zeros(0)
    dual_scale = 1.0 + max(float(np.max(np.abs(marg_ub), initial=0.0)), float(np.max(np.abs(rc), initial=0.0)),
                           float(np.max(np.abs(marg_eq), initial=0.0)),
                           float(np.max(np.abs([float(v) for v in p.c]), initial=0.0)))
    tried: set[tuple] = set()
    for tol in _TOLS:
        fixed: dict[int, Fraction] = {}
        for j in range(p.n):
            for bnd in (p.lo[j], p.hi[j]):
                if bnd is not None and abs(xf[j] - float(bnd)) <= tol * (1.0 + abs(float(bnd))):
                    fixed[j] = bnd
                    break
        free = [j for j in range(p.n) if j not in fixed]
        active = [k for k in range(m1) if abs(slack[k]) <= tol * row_scale[k]]
        support = [k for k in range(m1) if abs(marg_ub[k]) > tol * dual_scale]
        basic = sorted(set(free) | {j for j in range(p.n) if abs(rc[j]) <= tol * dual_scale})
        key = (tuple(sorted(fixed)), tuple(active), tuple(support), tuple(basic))
        if key in tried:
            continue
        tried.add(key)
        x = _recover_primal(p, fixed, free, active)
        if x is None:
            continue
        eq_support = [k for k in range(m2) if abs(marg_eq[k]) > tol * dual_scale]
        for eqs in ([eq_support, list(range(m2))] if len(eq_support) < m2 else [eq_support]):
            duals = _recover_dual(p, support, eqs, basic)
            if duals is None:
                continue
            cert = _check_optimal(p, x, *duals)
            if cert is not None:
                return x, cert
    return None


def _recover_primal(p: _Problem, fixed: dict[int, Fraction], free: list[int], active: list[int]) -> tuple[Fraction, ...] | None:
    x = [Fraction(0)] * p.n
    for j, v in fixed.items():
        x[j] = v
    if free:
        rows = np.concatenate([p.A_eq, p.A_ub[active]], axis=0) if active else p.A_eq
        if rows.shape[0] == 0:
            return None  # free variables with no tight constraint: not a vertex
        rhs_int = list(p.b_eq) + [p.b_ub[k] for k in active]
        fixed_idx = sorted(fixed)
        if fixed_idx:
            shift = _rows_int(rows[:, fixed_idx], [fixed[j] for j in fixed_idx])
            rhs = [b - Fraction(int(s), shift[1]) for b, s in zip(rhs_int, shift[0])]
        else:
            rhs = [Fraction(b) for b in rhs_int]
        sub = rows[:, free]
        sol = _some_solution(sub, rhs)
        if sol is None:
            return None
        for j, v in zip(free, sol):
            x[j] = v
    return tuple(x)


def _some_solution(A: Any, b: Sequence[Fraction]) -> tuple[Fraction, ...] | None:
    """The unique solution of ``A x = b`` when there is one (fast square path), else a basic one, else ``None``."""
    sol = solve_exact(A, b)
    return sol if sol is not None else particular_solution_exact(A, b)


def _recover_dual(p: _Problem, support: list[int], eq_support: list[int],
                  basic: list[int]) -> tuple[list[Fraction], list[Fraction]] | None:
    """Multipliers on ``support`` (A_ub rows) and ``eq_support`` (A_eq rows), zero elsewhere,
    making the reduced cost of every ``basic`` variable zero."""
    m1, m2 = p.A_ub.shape[0], p.A_eq.shape[0]
    y_ub = [Fraction(0)] * m1
    z = [Fraction(0)] * m2
    if (not support and not eq_support) or not basic:
        return y_ub, z  # nothing to solve for, or all reduced costs sit on bounds
    U = np.concatenate([p.A_ub[support], p.A_eq[eq_support]], axis=0)
    # equations: for j in basic, sum_k U[k, j] * w_k = -c_j
    sub = U[:, basic].T
    rhs = [-p.c[j] for j in basic]
    w = _some_solution(sub, rhs)
    if w is None:
        return None
    for k, v in zip(support, w):
        y_ub[k] = v
    for k, v in zip(eq_support, w[len(support):]):
        z[k] = v
    return y_ub, z


# ====================================================================== exact simplex
class _Simplex:
    """Two-phase primal simplex in fraction-free integer arithmetic, Bland's rule against cycling.

    Standard form ``min c' x'  s.t.  A' x' = b' >= 0, x' >= 0`` built from the problem by
    shifting variables to their bounds (free variables split in two), adding slacks for the
    ``A_ub`` rows and for finite upper bounds of boxed variables.  Rows whose slack can start
    basic (rhs >= 0) need no artificial; every row keeps an identity "tracker" column (the
    artificial's), from which ``B^{-1}`` and hence the exact duals are read.
    The tableau ``T`` (object array of Python ints) satisfies ``true value = T / d`` with
    ``d = |det B| > 0`` (integer pivoting: every update divides exactly by the previous pivot).
    """

    def __init__(self, p: _Problem) -> None:
        self.p = p
        n = p.n
        self.var_cols: list[list[tuple[int, int]]] = []  # per original var: (column, sign)
        self.shift: list[Fraction] = []
        col = 0
        box: list[tuple[int, Fraction]] = []  # boxed variables and their range hi - lo
        for j in range(n):
            lo, hi = p.lo[j], p.hi[j]
            if lo is not None:
                self.var_cols.append([(col, 1)])
                self.shift.append(lo)
                col += 1
                if hi is not None:
                    box.append((j, hi - lo))
            elif hi is not None:
                self.var_cols.append([(col, -1)])
                self.shift.append(hi)
                col += 1
            else:
                self.var_cols.append([(col, 1), (col + 1, -1)])
                self.shift.append(Fraction(0))
                col += 2
        n_struct = col
        m1, m2 = p.A_ub.shape[0], p.A_eq.shape[0]
        rows: list[list[Fraction]] = []
        rhs: list[Fraction] = []
        slack_of: list[int | None] = []
        n_slack = m1 + len(box)
        self.ncols = n_struct + n_slack  # real columns; artificials follow
        for k, (row, b) in enumerate(list(zip(p.A_ub, p.b_ub)) + list(zip(p.A_eq, p.b_eq))):
            r = [Fraction(0)] * self.ncols
            bb = Fraction(b)
            for j, a in enumerate(row):
                if a:
                    bb -= a * self.shift[j]
                    for cidx, s in self.var_cols[j]:
                        r[cidx] += s * a
            if k < m1:
                r[n_struct + k] = Fraction(1)
            slack_of.append(n_struct + k if k < m1 else None)
            rows.append(r)
            rhs.append(bb)
        for t, (j, span) in enumerate(box):
            r = [Fraction(0)] * self.ncols
            r[self.var_cols[j][0][0]] = Fraction(1)
            r[n_struct + m1 + t] = Fraction(1)
            slack_of.append(n_struct + m1 + t)
            rows.append(r)
            rhs.append(span)
        self.m = m = len(rows)
        self.m1, self.m2 = m1, m2
        self.sign: list[int] = []
        self.row_scale: list[int] = []
        width = self.ncols + m + 1
        T = np.empty((m + 1, width), dtype=object)
        T[:, :] = 0
        self.basis = []
        self.needs_artificial: list[bool] = []
        for i, (r, b) in enumerate(zip(rows, rhs)):
            s = -1 if b < 0 else 1
            self.sign.append(s)
            L = math.lcm(b.denominator, *(v.denominator for v in r))
            T[i, : self.ncols] = [int(s * v * L) for v in r]
            T[i, self.ncols + i] = 1  # artificial / tracker column: reads B^{-1} at any time
            T[i, -1] = int(s * b * L)
            self.row_scale.append(L)  # row i of T is sign * L * (original row)
            sl = slack_of[i]
            if sl is not None and s == 1:
                T[i, sl] = 1  # rescaled slack (L * slack >= 0) starts basic: no artificial needed
                self.basis.append(sl)
                self.needs_artificial.append(False)
            else:
                self.basis.append(self.ncols + i)
                self.needs_artificial.append(True)
        self.T = T
        self.d = 1
        # structural cost (integer-scaled)
        cost = [Fraction(0)] * self.ncols
        for j in range(n):
            for cidx, s in self.var_cols[j]:
                cost[cidx] += s * p.c[j]
        self.cost = cost

    # -------------------------------------------------------------- pivoting
    def pivot(self, r: int, s: int) -> None:
        T = self.T
        p = T[r, s]
        col = T[:, s].copy()
        col[r] = 0
        new = (T * p - np.outer(col, T[r])) // self.d
        new[r] = T[r]
        # rows with zero in column s: (T*p)//d is exact as well (same theorem)
        self.T = new
        self.d = p
        if self.d < 0:
            self.T = -self.T
            self.d = -self.d
        self.basis[r] = s

    def _entering(self, allowed: int, bland: bool) -> int | None:
        obj = self.T[-1, :allowed]
        neg = np.flatnonzero(obj < 0)
        if len(neg) == 0:
            return None
        if bland:
            return int(neg[0])
        vals = obj[neg]
        return int(neg[int(np.argmin(vals))])  # Dantzig: most negative (first on ties)

    def _leaving(self, s: int) -> int | None:
        T = self.T
        best = None
        for i in range(self.m):
            a = T[i, s]
            if a > 0:
                if best is None:
                    best = i
                    continue
                # compare T[i,-1]/a with T[best,-1]/T[best,s]
                lhs = T[i, -1] * T[best, s]
                rhs = T[best, -1] * a
                if lhs < rhs or (lhs == rhs and self.basis[i] < self.basis[best]):
                    best = i
        return best

    def _run(self, allowed: int) -> int | None:
        """Pivot to optimality; return None at optimality or the entering column of an unbounded ray.

        Pricing: Dantzig's rule (most negative reduced cost), switched to Bland's rule (lowest
        index entering, lowest basic index leaving on ties) after :data:`_BLAND_AFTER` consecutive
        degenerate pivots and back after a strict improvement.  Termination: every strict
        improvement visits a new basis with a lower objective (finitely many), and a run of
        degenerate Bland pivots is finite (Bland 1977), so no basis sequence cycles.
        """
        streak = 0
        while True:
            s = self._entering(allowed, streak >= _BLAND_AFTER)
            if s is None:
                return None
            r = self._leaving(s)
            if r is None:
                return s
            streak = streak + 1 if self.T[r, -1] == 0 else 0
            self.pivot(r, s)

    def _set_objective(self, cost: Sequence[Fraction]) -> None:
        """Objective row = reduced costs (times d) of the full-cost vector ``cost`` (length ncols + m)."""
        L = math.lcm(*(v.denominator for v in cost)) if cost else 1
        ci = np.empty(len(cost), dtype=object)
        ci[:] = [int(v * L) for v in cost]
        cb = ci[self.basis]
        T = self.T
        obj = np.empty(T.shape[1], dtype=object)
        obj[: len(cost)] = ci * self.d - cb.dot(T[: self.m, : len(cost)])
        obj[-1] = -cb.dot(T[: self.m, -1])
        T[-1] = obj
        self.cost_scale = L

    # -------------------------------------------------------------- driver
    def solve(self) -> LPResult:
        _p, m, nc = self.p, self.m, self.ncols
        # phase 1: minimize the sum of the artificials that start basic (artificials never re-enter)
        art_cost = [Fraction(int(f)) for f in self.needs_artificial]
        if any(self.needs_artificial):
            self._set_objective([Fraction(0)] * nc + art_cost)
            self._run(nc)
            if self.T[-1, -1] != 0:  # phase-1 optimum -T[-1,-1]/d > 0: infeasible
                pi = [art_cost[i] - Fraction(int(self.T[-1, nc + i]), self.d) for i in range(m)]
                return self._infeasible(pi)
        # drive artificials out of the basis (degenerate pivots, any sign)
        for i in range(m):
            if self.basis[i] >= nc:
                s = next((j for j in range(nc) if self.T[i, j] != 0), None)
                if s is not None:
                    self.pivot(i, s)
        # phase 2 (artificials may not enter)
        self._set_objective(list(self.cost) + [Fraction(0)] * m)
        s = self._run(nc)
        if s is not None:
            return self._unbounded(s)
        pi = [-Fraction(int(self.T[-1, nc + i]), self.d * self.cost_scale) for i in range(m)]
        return self._optimal(pi)

    def _x_prime(self) -> list[Fraction]:
        xp = [Fraction(0)] * (self.ncols + self.m)
        for i, b in enumerate(self.basis):
            xp[b] = Fraction(int(self.T[i, -1]), self.d)
        return xp

    def _to_x(self, xp: Sequence[Fraction], shift: bool = True) -> list[Fraction]:
        out = []
        for j in range(self.p.n):
            v = self.shift[j] if shift else Fraction(0)
            for cidx, s in self.var_cols[j]:
                v += s * xp[cidx]
            out.append(v)
        return out

    def _row_duals(self, pi: Sequence[Fraction]) -> tuple[list[Fraction], list[Fraction]]:
        """Multipliers y = -pi of the problem's integer-scaled A_ub / A_eq rows (undoing this tableau's sign flips and scaling)."""
        w = [pi[i] * self.sign[i] * self.row_scale[i] for i in range(self.m)]
        return [-v for v in w[: self.m1]], [-v for v in w[self.m1: self.m1 + self.m2]]

    def _optimal(self, pi: Sequence[Fraction]) -> LPResult:
        x = self._to_x(self._x_prime())
        y_ub, z = self._row_duals(pi)
        cert = _check_optimal(self.p, x, y_ub, z)
        if cert is None:  # pragma: no cover - would be a bug in the simplex
            raise RuntimeError("exact simplex produced an uncertified optimum (bug)")
        return _optimal_result(self.p, x, cert, "exact-simplex")

    def _infeasible(self, pi: Sequence[Fraction]) -> LPResult:
        # phase-1 dual pi: A'^T pi <= 0, b'^T pi > 0; Farkas multipliers w = -pi
        y_ub, z = self._row_duals(pi)
        cert = _check_farkas(self.p, y_ub, z)
        if cert is None:  # pragma: no cover
            raise RuntimeError("exact simplex produced an uncertified infeasibility (bug)")
        return LPResult("infeasible", None, None, None, None, True, "exact-simplex", self.p.export(cert))

    def _unbounded(self, s: int) -> LPResult:
        xp = self._x_prime()
        dp = [Fraction(0)] * (self.ncols + self.m)
        dp[s] = Fraction(1)
        for i, b in enumerate(self.basis):
            dp[b] = -Fraction(int(self.T[i, s]), self.d)
        x = self._to_x(xp)
        d = self._to_x(dp, shift=False)
        cert = _check_unbounded(self.p, x, d)
        if cert is None:  # pragma: no cover
            raise RuntimeError("exact simplex produced an uncertified ray (bug)")
        return LPResult("unbounded", None, None, None, None, True, "exact-simplex", cert)


def _trivially_infeasible(p: _Problem) -> LPResult | None:
    for j, (lo, hi) in enumerate(zip(p.lo, p.hi)):
        if lo is not None and hi is not None and lo > hi:
            y_lo = [Fraction(0)] * p.n
            y_hi = [Fraction(0)] * p.n
            y_lo[j] = y_hi[j] = Fraction(1)
            cert = {"y_ub": (Fraction(0),) * p.A_ub.shape[0], "z_eq": (Fraction(0),) * p.A_eq.shape[0],
                    "y_lower": tuple(y_lo), "y_upper": tuple(y_hi)}
            return LPResult("infeasible", None, None, None, None, True, "bounds-check", cert)
    return None


# ====================================================================== public
class LPOptions(TypedDict, total=False):
    """How :func:`solve_lp` solves: ``method`` (``"auto"``, default, or ``"simplex"``) and
    ``max_size`` (the exact simplex's limit on variables and rows, default
    :data:`DEFAULT_MAX_SIZE`)."""

    method: Literal["auto", "simplex"]
    max_size: int


def solve_lp(
    c: Any,
    A_ub: Any = None,
    b_ub: Any = None,
    A_eq: Any = None,
    b_eq: Any = None,
    bounds: Any = (0, None),
    *,
    maximize: bool = False,
    **options: Unpack[LPOptions],
) -> LPResult:
    """Solve a linear program exactly and certify the answer.

    ``minimize c @ x`` (``maximize=True``: maximize) subject to ``A_ub @ x <= b_ub``,
    ``A_eq @ x == b_eq`` and ``bounds``: one ``(lo, hi)`` pair for every variable or a list of
    ``n`` pairs, ``None`` (or a float infinity) meaning unbounded (default ``(0, None)``:
    x >= 0, as in scipy).
    Entries: ints, Fractions or exact strings; matrices as nested lists or numpy arrays.

    ``method="auto"`` (default) tries HiGHS + exact recovery first and falls back to the
    exact simplex; ``method="simplex"`` runs only the exact simplex.  Which optimal vertex is
    returned when the optimum is not unique is whatever the method reaches (the *value* is
    unique).  Infeasibility and unboundedness are always proved by the exact simplex (or a
    crossing pair of bounds), never taken from the float solver.

    Limits: the exact simplex raises :class:`~contract_theory.errors.SizeLimitError` when the
    problem has more than ``max_size`` variables or more than ``max_size`` constraint rows.
    Bad shapes or floats raise :class:`~contract_theory.errors.ParameterError`.

    Examples
    --------
    >>> r = solve_lp([-1, -1], A_ub=[[1, 2], [3, 1]], b_ub=[4, 6])   # vertex (8/5, 6/5)
    >>> r.status, r.x, r.value, r.certified
    ('optimal', (Fraction(8, 5), Fraction(6, 5)), Fraction(-14, 5), True)
    >>> r.duals_ub
    (Fraction(-2, 5), Fraction(-1, 5))
    >>> solve_lp([1], A_ub=[[1]], b_ub=[-1]).status
    'infeasible'
    >>> solve_lp([1, 0], bounds=(None, None), maximize=True).status
    'unbounded'
    """
    unknown = sorted(set(options) - {"method", "max_size"})
    if unknown:
        raise TypeError(f"solve_lp() got an unexpected keyword argument {unknown[0]!r}")
    method, max_size = options.get("method", "auto"), options.get("max_size", DEFAULT_MAX_SIZE)
    if method not in ("auto", "simplex"):
        raise ParameterError(f"unknown LP method {method!r}; choose 'auto' or 'simplex'")
    p = _Problem(c, A_ub, b_ub, A_eq, b_eq, bounds, maximize)
    triv = _trivially_infeasible(p)
    if triv is not None:
        return triv
    if method == "auto":
        res = _highs(p)
        if res is not None and res.status == 0 and res.x is not None:
            rec = _recover(p, res)
            if rec is not None:
                x, cert = rec
                return _optimal_result(p, x, cert, "highs+exact-recovery")
    return _exact_simplex(p, max_size)


def _exact_simplex(p: _Problem, max_size: int) -> LPResult:
    rows = p.A_ub.shape[0] + p.A_eq.shape[0]
    if p.n > max_size or rows > max_size:
        raise SizeLimitError(
            f"exact simplex limited to max_size={max_size} variables and constraint rows; "
            f"this LP has {p.n} variables and {rows} rows"
        )
    return _Simplex(p).solve()


def maximize_standard_form(c: Sequence[Any], A: Sequence[Sequence[Any]], b: Sequence[Any]
                           ) -> tuple[LPStatus, list[Fraction] | None, Fraction | None]:
    """``max c @ x`` subject to ``A @ x == b`` and ``x >= 0`` (standard form), exactly.

    A thin front end of :func:`solve_lp` for the equality-constrained LPs of the dominance
    and support-enumeration solvers.  Returns ``(status, x, value)``: status ``"optimal"``
    (then ``x`` and ``value`` are Fractions), ``"infeasible"`` or ``"unbounded"`` (then
    ``None, None``).  Complexity: that of :func:`solve_lp` on ``len(c)`` variables and
    ``len(b)`` rows.

    Examples
    --------
    >>> maximize_standard_form([1, 1], [[1, 2]], [4])    # x1 + 2 x2 = 4: best is x = (4, 0)
    ('optimal', [Fraction(4, 1), Fraction(0, 1)], Fraction(4, 1))
    >>> maximize_standard_form([1, 0], [[1, -1]], [0])[0]
    'unbounded'
    """
    res = solve_lp(c, None, None, A, b, [(0, None)] * len(c), maximize=True)
    if res.status != "optimal" or res.x is None or res.value is None:
        return res.status, None, None
    return "optimal", [Fraction(v) for v in res.x], Fraction(res.value)
