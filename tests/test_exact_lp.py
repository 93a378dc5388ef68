"""Tests of contract_theory.exact.lp: hand-solved LPs, degenerate and cycling-prone LPs,
infeasible/unbounded certificates re-checked here from scratch, and scipy HiGHS as a float oracle."""

from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.optimize import linprog

from contract_theory.errors import ParameterError, SizeLimitError
from contract_theory.exact.lp import LPResult, solve_lp

BOTH = ["auto", "simplex"]


# ---------------------------------------------------------------- independent certificate checker
def _bounds_list(bounds, n):
    if len(bounds) == 2 and not isinstance(bounds[0], (list, tuple)) and not isinstance(bounds[1], (list, tuple)):
        bounds = [bounds] * n
    return [(None if lo is None else F(lo), None if hi is None else F(hi)) for lo, hi in bounds]


def verify(r: LPResult, c, A_ub=None, b_ub=None, A_eq=None, b_eq=None, bounds=(0, None), maximize=False):
    """Re-check the certificate of ``r`` in plain Fraction arithmetic (no code shared with the module)."""
    n = len(c)
    c = [F(v) for v in c]
    if maximize:
        c = [-v for v in c]
    A_ub = [[F(v) for v in row] for row in (A_ub or [])]
    b_ub = [F(v) for v in (b_ub or [])]
    A_eq = [[F(v) for v in row] for row in (A_eq or [])]
    b_eq = [F(v) for v in (b_eq or [])]
    bl = _bounds_list(bounds, n)
    assert r.certified

    def feasible(x):
        assert all(lo is None or x[j] >= lo for j, (lo, _) in enumerate(bl))
        assert all(hi is None or x[j] <= hi for j, (_, hi) in enumerate(bl))
        assert all(sum(a * v for a, v in zip(row, x)) <= b for row, b in zip(A_ub, b_ub))
        assert all(sum(a * v for a, v in zip(row, x)) == b for row, b in zip(A_eq, b_eq))

    cert = r.certificate
    if r.status == "unbounded":
        x, d = cert["point"], cert["ray"]
        feasible(x)
        assert all(sum(a * v for a, v in zip(row, d)) <= 0 for row in A_ub)
        assert all(sum(a * v for a, v in zip(row, d)) == 0 for row in A_eq)
        assert all(lo is None or d[j] >= 0 for j, (lo, _) in enumerate(bl))
        assert all(hi is None or d[j] <= 0 for j, (_, hi) in enumerate(bl))
        assert sum(a * v for a, v in zip(c, d)) < 0
        return
    y, z, ylo, yhi = cert["y_ub"], cert["z_eq"], cert["y_lower"], cert["y_upper"]
    assert all(v >= 0 for v in y + ylo + yhi)
    assert all(v == 0 for j, v in enumerate(ylo) if bl[j][0] is None)
    assert all(v == 0 for j, v in enumerate(yhi) if bl[j][1] is None)
    grad = [sum(A_ub[k][j] * y[k] for k in range(len(y))) + sum(A_eq[k][j] * z[k] for k in range(len(z)))
            - ylo[j] + yhi[j] for j in range(n)]
    hy = (sum(b * v for b, v in zip(b_ub, y)) + sum(b * v for b, v in zip(b_eq, z))
          - sum(bl[j][0] * ylo[j] for j in range(n) if ylo[j]) + sum(bl[j][1] * yhi[j] for j in range(n) if yhi[j]))
    if r.status == "infeasible":
        assert grad == [0] * n and hy < 0
        assert r.x is None and r.value is None
        return
    assert r.status == "optimal"
    feasible(r.x)
    assert [cj + g for cj, g in zip(c, grad)] == [0] * n
    primal = sum(a * v for a, v in zip(c, r.x))
    assert primal == -hy
    assert r.value == (-primal if maximize else primal)


# ---------------------------------------------------------------- hand-solved
@pytest.mark.parametrize("method", BOTH)
def test_two_constraint_vertex(method):
    # max x + y s.t. x + 2y <= 4, 3x + y <= 6: both tight at (8/5, 6/5), value 14/5;
    # duals from y1 + 3 y2 = 1, 2 y1 + y2 = 1: (2/5, 1/5) (shadow prices of the maximum).
    kw = dict(A_ub=[[1, 2], [3, 1]], b_ub=[4, 6])
    r = solve_lp([1, 1], **kw, maximize=True, method=method)
    assert (r.status, r.x, r.value) == ("optimal", (F(8, 5), F(6, 5)), F(14, 5))
    assert r.duals_ub == (F(2, 5), F(1, 5))
    verify(r, [1, 1], **kw, maximize=True)
    rmin = solve_lp([-1, -1], **kw, method=method)
    assert rmin.value == F(-14, 5) and rmin.duals_ub == (F(-2, 5), F(-1, 5))


@pytest.mark.parametrize("method", BOTH)
def test_fractional_equality(method):
    # min x + y s.t. x/2 + y/3 = 1, x, y >= 0: x = 2 costs 2, y = 3 costs 3 -> (2, 0), value 2;
    # scaling b_eq scales x, so d value / d b_eq = 2.
    kw = dict(A_eq=[["1/2", "1/3"]], b_eq=[1])
    r = solve_lp([1, 1], **kw, method=method)
    assert (r.x, r.value, r.duals_eq) == ((F(2), F(0)), F(2), (F(2),))
    verify(r, [1, 1], **kw)


@pytest.mark.parametrize("method", BOTH)
def test_beale_cycling_example(method):
    # Beale (1955), the classic LP on which the textbook (Dantzig) rule cycles; Bland's rule must
    # terminate.  min -3/4 x4 + 20 x5 - 1/2 x6 + 6 x7 s.t.
    #   1/4 x4 - 8 x5 - x6 + 9 x7 <= 0,  1/2 x4 - 12 x5 - 1/2 x6 + 3 x7 <= 0,  x6 <= 1,  x >= 0.
    # Optimum: x6 = 1 and the first two rows give x4 = 1 (row 2 tight), value -3/4 - 1/2 = -5/4.
    c = ["-3/4", 20, "-1/2", 6]
    kw = dict(A_ub=[["1/4", -8, -1, 9], ["1/2", -12, "-1/2", 3], [0, 0, 1, 0]], b_ub=[0, 0, 1])
    r = solve_lp(c, **kw, method=method)
    assert r.value == F(-5, 4)
    assert r.x == (F(1), F(0), F(1), F(0))
    verify(r, c, **kw)


@pytest.mark.parametrize("method", BOTH)
def test_degenerate_apex(method):
    # max z s.t. z <= x, z <= y, z <= 1 - x, z <= 1 - y: apex (1/2, 1/2, 1/2) has 4 tight rows in R^3.
    A = [[-1, 0, 1], [0, -1, 1], [1, 0, 1], [0, 1, 1]]
    kw = dict(A_ub=A, b_ub=[0, 0, 1, 1], bounds=(None, None))
    r = solve_lp([0, 0, 1], **kw, maximize=True, method=method)
    assert r.value == F(1, 2) and r.x == (F(1, 2), F(1, 2), F(1, 2))
    verify(r, [0, 0, 1], **kw, maximize=True)


@pytest.mark.parametrize("method", BOTH)
def test_infeasible_certificate(method):
    # x + y <= 1 and x + y >= 2: Farkas multipliers (1, 1) sum the rows to 0 <= -1.
    kw = dict(A_ub=[[1, 1], [-1, -1]], b_ub=[1, -2])
    r = solve_lp([1, 1], **kw, method=method)
    assert r.status == "infeasible" and r.method == "exact-simplex"
    verify(r, [1, 1], **kw)


@pytest.mark.parametrize("method", BOTH)
def test_unbounded_certificate(method):
    # min -x s.t. x - y <= 1, x, y >= 0: ray (1, 1).
    kw = dict(A_ub=[[1, -1]], b_ub=[1])
    r = solve_lp([-1, 0], **kw, method=method)
    assert r.status == "unbounded" and r.value is None
    verify(r, [-1, 0], **kw)


def test_crossing_bounds_and_free_variables():
    r = solve_lp([1, 1], bounds=[(0, 1), (3, 2)])
    assert r.status == "infeasible"
    verify(r, [1, 1], bounds=[(0, 1), (3, 2)])
    # free variables, equalities only: x - y = 1, x + y = 3 -> (2, 1), any objective
    kw = dict(A_eq=[[1, -1], [1, 1]], b_eq=[1, 3], bounds=(None, None))
    for method in BOTH:
        r = solve_lp([5, -7], **kw, method=method)
        assert r.x == (F(2), F(1)) and r.value == F(3)
        verify(r, [5, -7], **kw)


def test_upper_bounds_only_and_boxes():
    # max x + 2y, x <= 3 (no lower bound), -1 <= y <= 5/2, x + y <= 4 -> y = 5/2, x = 3/2, value 13/2
    kw = dict(A_ub=[[1, 1]], b_ub=[4], bounds=[(None, 3), (-1, "5/2")])
    for method in BOTH:
        r = solve_lp([1, 2], **kw, maximize=True, method=method)
        assert r.x == (F(3, 2), F(5, 2)) and r.value == F(13, 2)
        verify(r, [1, 2], **kw, maximize=True)


def test_errors_and_limits():
    with pytest.raises(ParameterError, match="float"):
        solve_lp([1.0, 2])
    with pytest.raises(ParameterError, match="rows"):
        solve_lp([1, 2], A_ub=[[1, 2]], b_ub=[1, 2])
    with pytest.raises(ParameterError, match="columns"):
        solve_lp([1, 2], A_ub=[[1, 2, 3]], b_ub=[1])
    with pytest.raises(ParameterError, match="method"):
        solve_lp([1], method="dantzig")
    with pytest.raises(SizeLimitError, match="max_size=2"):
        solve_lp([1, 1, 1], method="simplex", max_size=2)


def test_medium_random_lp_agrees():
    rng = np.random.default_rng(7)
    n, m = 30, 20
    A = rng.integers(-5, 10, (m, n)).tolist()
    b = rng.integers(10, 50, m).tolist()
    c = rng.integers(-9, 3, n).tolist()
    fl = linprog(c, A_ub=A, b_ub=b, method="highs")
    r1 = solve_lp(c, A_ub=A, b_ub=b)
    r2 = solve_lp(c, A_ub=A, b_ub=b, method="simplex")
    assert r1.method == "highs+exact-recovery"
    assert r1.value == r2.value and abs(float(r1.value) - fl.fun) < 1e-7
    verify(r1, c, A_ub=A, b_ub=b)
    verify(r2, c, A_ub=A, b_ub=b)


# ---------------------------------------------------------------- hypothesis vs HiGHS and simplex
BOUND_CHOICES = [(0, None), (None, None), (-1, 2), (None, 3), (1, 1)]


@st.composite
def small_lps(draw):
    n = draw(st.integers(1, 4))
    m1 = draw(st.integers(0, 4))
    m2 = draw(st.integers(0, 2))
    ints = st.integers(-3, 3)
    c = [draw(ints) for _ in range(n)]
    A = [[draw(ints) for _ in range(n)] for _ in range(m1)]
    b = [draw(st.integers(-2, 5)) for _ in range(m1)]
    E = [[draw(st.integers(-2, 2)) for _ in range(n)] for _ in range(m2)]
    f = [draw(st.integers(-2, 2)) for _ in range(m2)]
    bounds = [draw(st.sampled_from(BOUND_CHOICES)) for _ in range(n)]
    return c, dict(A_ub=A or None, b_ub=b or None, A_eq=E or None, b_eq=f or None, bounds=bounds)


@given(small_lps())
def test_random_lps_certified_and_agree_with_highs(lp):
    c, kw = lp
    r1 = solve_lp(c, **kw)
    r2 = solve_lp(c, **kw, method="simplex")
    fl = linprog(c, **kw, method="highs")
    assert r1.status == r2.status
    verify(r1, c, **kw)
    verify(r2, c, **kw)
    # HiGHS is an oracle for optimal LPs only: it sometimes calls an unbounded LP "infeasible"
    # (test_float_status_is_not_trusted), which the exact certificates above settle.
    assert (fl.status == 0) == (r1.status == "optimal")
    if fl.status == 0:
        assert r1.value == r2.value
        assert abs(float(r1.value) - fl.fun) < 1e-7


def test_fallback_when_float_solver_unavailable(monkeypatch):
    # If HiGHS gives nothing usable, "auto" must still return the exact certified optimum.
    import contract_theory.exact.lp as lp

    monkeypatch.setattr(lp, "_highs", lambda p: None)
    kw = dict(A_ub=[[1, 2], [3, 1]], b_ub=[4, 6])
    r = solve_lp([1, 1], **kw, maximize=True)
    assert r.method == "exact-simplex" and r.value == F(14, 5)
    verify(r, [1, 1], **kw, maximize=True)


def test_huge_and_tiny_coefficients():
    # min x s.t. x >= 10**40 + 1/3 and x <= 10**40 + 1/2: optimum 10**40 + 1/3 exactly (floats cannot tell).
    big = 10**40
    kw = dict(A_ub=[[-1], [1]], b_ub=[-(big + F(1, 3)), big + F(1, 2)], bounds=(None, None))
    r = solve_lp([1], **kw)
    assert r.x == (big + F(1, 3),) and r.duals_ub == (F(-1), F(0))
    verify(r, [1], **kw)


def test_float_status_is_not_trusted():
    # scipy 1.17.1 HiGHS reports this LP "infeasible" (status 2, also with highs-ds / highs-ipm).
    # By hand it is feasible and unbounded: x = (0, 0, -2, 0) satisfies every row (row values
    # 0, 0, -4, -2, 2, -2 against 0, 0, 3, 2, 2, 1) and the bounds; along d = (0, 0, -2, -1) the rows
    # change by 0, 0, -6, -2, 0, -1 (all <= 0), the bounds x1 >= 0, x2 <= 0 hold, and c @ d = -8 < 0.
    c = [1, 3, 3, 2]
    kw = dict(A_ub=[[-2, -2, 0, 0], [-2, -2, 0, 0], [-1, 2, 2, 2], [-1, -1, 1, 0], [-2, -1, -1, 2], [1, -2, 1, -1]],
              b_ub=[0, 0, 3, 2, 2, 1], bounds=[(None, None), (0, None), (None, 0), (None, None)])
    r = solve_lp(c, **kw)
    assert r.status == "unbounded"
    verify(r, c, **kw)
    x, d = (0, 0, -2, 0), (0, 0, -2, -1)
    assert [sum(a * v for a, v in zip(row, x)) for row in kw["A_ub"]] == [0, 0, -4, -2, 2, -2]
    assert [sum(a * v for a, v in zip(row, d)) for row in kw["A_ub"]] == [0, 0, -6, -2, 0, -1]
