"""Tests of contract_theory.exact.linalg: hand-computed cases and sympy as an independent oracle."""

from fractions import Fraction as F

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from contract_theory.errors import ParameterError
from contract_theory.exact.linalg import (
    from_fmpq_mat,
    nullspace_exact,
    particular_solution_exact,
    rank_exact,
    rref_exact,
    solve_exact,
    to_fmpq_mat,
)

ENTRY = st.one_of(st.integers(-4, 4), st.fractions(min_value=-3, max_value=3, max_denominator=5))


@st.composite
def matrices(draw, max_rows=5, max_cols=5, rows=None, cols=None):
    r = rows if rows is not None else draw(st.integers(1, max_rows))
    c = cols if cols is not None else draw(st.integers(1, max_cols))
    # sparse-ish entries make rank deficiency common
    cell = st.one_of(st.just(0), ENTRY)
    return [[draw(cell) for _ in range(c)] for _ in range(r)]


def sym(A):
    return sympy.Matrix([[sympy.Rational(v.numerator, v.denominator) for v in map(F, row)] for row in A])


def to_f(x):
    return F(int(x.p), int(x.q))


# ---------------------------------------------------------------- hand-computed
def test_solve_hand():
    # 2x + y = 3, x + 3y = 5  ->  x = 4/5, y = 7/5 (Cramer: det 5)
    assert solve_exact([[2, 1], [1, 3]], [3, 5]) == (F(4, 5), F(7, 5))
    assert solve_exact([["1/2", 0], [0, "1/3"]], [1, 1]) == (F(2), F(3))


def test_solve_none_cases():
    assert solve_exact([[1, 1], [2, 2]], [1, 2]) is None  # singular (consistent)
    assert solve_exact([[1, 1], [2, 2]], [1, 3]) is None  # singular (inconsistent)
    assert solve_exact([[1, 0], [0, 1], [1, 1]], [1, 1, 3]) is None  # overdetermined, inconsistent
    assert solve_exact([[1, 1, 0]], [1]) is None  # underdetermined


def test_numpy_object_input_and_converters():
    A = np.array([[F(1, 2), 1], [3, F(-2, 7)]], dtype=object)
    M = to_fmpq_mat(A)
    assert from_fmpq_mat(M) == [[F(1, 2), F(1)], [F(3), F(-2, 7)]]
    assert rank_exact(np.array([[1, 2], [2, 4]], dtype=np.int64)) == 1


def test_bad_input():
    with pytest.raises(ParameterError, match="float"):
        solve_exact([[1.5, 0], [0, 1]], [1, 1])
    with pytest.raises(ParameterError, match="ragged"):
        rank_exact([[1, 2], [3]])
    with pytest.raises(ParameterError, match="rows"):
        solve_exact([[1, 2], [3, 4]], [1])


def test_nullspace_hand():
    # x + 2y + 3z = 0: basis (-2,1,0), (-3,0,1)
    assert nullspace_exact([[1, 2, 3]]) == ((F(-2), F(1), F(0)), (F(-3), F(0), F(1)))
    assert nullspace_exact([], ncols=2) == ((F(1), F(0)), (F(0), F(1)))


# ---------------------------------------------------------------- sympy oracle
@given(matrices())
def test_rref_rank_nullspace_match_sympy(A):
    S = sym(A)
    R, piv = S.rref()
    rows, pivots = rref_exact(A)
    assert pivots == tuple(piv)
    assert [[F(v) for v in row] for row in rows] == [[to_f(R[i, j]) for j in range(S.cols)] for i in range(S.rows)]
    assert rank_exact(A) == S.rank()
    ns = nullspace_exact(A)
    assert len(ns) == S.cols - S.rank()
    sym_ns = [[to_f(v[k]) for k in range(S.cols)] for v in S.nullspace()]
    assert [list(v) for v in ns] == sym_ns
    for v in ns:
        assert all(sum(a * F(x) for a, x in zip(map(F, row), v)) == 0 for row in A)


@given(st.integers(1, 5).flatmap(lambda n: st.tuples(matrices(rows=n, cols=n), st.lists(ENTRY, min_size=n, max_size=n))))
def test_square_solve_matches_sympy(data):
    A, b = data
    S = sym(A)
    x = solve_exact(A, b)
    if S.det() == 0:
        assert x is None
    else:
        expected = S.LUsolve(sym([[v] for v in b]))
        assert x == tuple(to_f(v) for v in expected)


@given(matrices(max_rows=6, max_cols=4), st.data())
def test_overdetermined_and_particular(A, data):
    r, c = len(A), len(A[0])
    x0 = data.draw(st.lists(ENTRY, min_size=c, max_size=c))
    b = [sum(F(a) * F(v) for a, v in zip(row, x0)) for row in A]  # consistent by construction
    x = solve_exact(A, b)
    if rank_exact(A) == c:
        assert x == tuple(F(v) for v in x0)
    else:
        assert x is None
    p = particular_solution_exact(A, b)
    assert p is not None
    assert [sum(F(a) * v for a, v in zip(row, p)) for row in A] == b
    # perturb b off the column space when possible -> inconsistent
    if rank_exact(A) < r:
        left = sym(A).T.nullspace()[0]
        y = [to_f(v) for v in left]
        k = next(i for i, v in enumerate(y) if v != 0)
        b2 = list(b)
        b2[k] += 1
        assert particular_solution_exact(A, b2) is None
        assert solve_exact(A, b2) is None
