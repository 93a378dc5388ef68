r"""Exact rational linear algebra on top of python-flint.

Model: ``docs/background/model.md#1-games``, ``docs/background/model.md#2-solution-concepts`` ("exact on exact
input").

Every function takes a matrix as a nested list / tuple or a numpy array (``int``, ``object``
of ints / Fractions / exact strings) and returns Python :class:`~fractions.Fraction`\ s.  The
work is done by FLINT's ``fmpq_mat`` (C code, fraction-free Gaussian elimination), so a
dense ``n x n`` solve costs O(n^3) exact operations on integers whose size grows at most
linearly in ``n`` (Hadamard bound), with no floating point anywhere.

Floats are refused (:class:`~contract_theory.errors.ParameterError`): an exact answer for an
inexact input would only be exact for the binary value of the float, which callers must
request explicitly by converting with :func:`~contract_theory.exact.numbers.to_fraction` first.

Functions
---------
:func:`to_fmpq_mat`, :func:`from_fmpq_mat`
    Converters between nested Fractions and ``flint.fmpq_mat``.
:func:`solve_exact`
    The *unique* solution of ``A x = b`` (square or overdetermined consistent), else ``None``.
:func:`particular_solution_exact`
    *Some* solution of ``A x = b`` (free variables set to 0), else ``None`` if inconsistent.
:func:`rref_exact`, :func:`rank_exact`, :func:`nullspace_exact`
    Reduced row echelon form (with pivot columns), rank, and a canonical null-space basis.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import flint
import numpy as np

from contract_theory.errors import ParameterError
from contract_theory.exact.numbers import to_fraction

__all__ = [
    "to_fmpq_mat",
    "from_fmpq_mat",
    "as_fraction_matrix",
    "as_fraction_vector",
    "exact_entry",
    "solve_exact",
    "particular_solution_exact",
    "rref_exact",
    "rank_exact",
    "nullspace_exact",
]

Matrix = Any  # nested sequences or a 2-D numpy array of exact numbers


def exact_entry(value: Any, what: str) -> Fraction:
    """One exact matrix or vector entry as a Fraction; floats are refused.

    Accepts what :func:`contract_theory.exact.numbers.to_fraction` accepts except floats (a
    float entry is almost always a mistake in exact linear algebra): ints, Fractions, exact
    strings such as ``'8/5'``.  ``what`` names the entry in the error.  Raises
    :class:`~contract_theory.errors.ParameterError`.  O(1) for ints and Fractions.

    Examples
    --------
    >>> exact_entry("8/5", "A[0][1]")
    Fraction(8, 5)
    >>> exact_entry(0.5, "b[0]")
    Traceback (most recent call last):
    ...
    contract_theory.errors.ParameterError: b[0] is a float (0.5); exact linear algebra needs ints, Fractions or \
strings such as '8/5' (convert floats with contract_theory.exact.numbers.to_fraction if that is meant)
    """
    if isinstance(value, (float, np.floating)):
        raise ParameterError(
            f"{what} is a float ({value!r}); exact linear algebra needs ints, Fractions or strings "
            "such as '8/5' (convert floats with contract_theory.exact.numbers.to_fraction if that is meant)"
        )
    try:
        return to_fraction(value, what=what)
    except ValueError as exc:
        raise ParameterError(str(exc)) from None


def as_fraction_matrix(A: Matrix, *, what: str = "matrix", ncols: int | None = None) -> list[list[Fraction]]:
    """Validate a 2-D exact matrix and return it as a list of rows of Fractions.

    ``ncols`` fixes the column count (needed for a matrix with zero rows).  Ragged rows,
    non-2-D input and floats raise :class:`~contract_theory.errors.ParameterError`.

    Examples
    --------
    >>> as_fraction_matrix([[1, "1/2"], [0, 3]])
    [[Fraction(1, 1), Fraction(1, 2)], [Fraction(0, 1), Fraction(3, 1)]]
    """
    if isinstance(A, flint.fmpq_mat):
        return from_fmpq_mat(A)
    if isinstance(A, np.ndarray):
        if A.ndim != 2:
            raise ParameterError(f"{what} must be 2-dimensional, got shape {A.shape}")
        if A.dtype.kind in "iu":
            rows = [[Fraction(int(v)) for v in row] for row in A.tolist()]
        else:
            rows = [[exact_entry(v, f"{what}[{i}][{j}]") for j, v in enumerate(row)] for i, row in enumerate(A.tolist())]
        if ncols is not None and A.shape[1] != ncols and A.shape[0] > 0:
            raise ParameterError(f"{what} has {A.shape[1]} columns, expected {ncols}")
        return rows
    try:
        raw = list(A)
    except TypeError:
        raise ParameterError(f"{what} must be a 2-D array or a list of rows, got {type(A).__name__}") from None
    out: list[list[Fraction]] = []
    width = ncols
    for i, row in enumerate(raw):
        if isinstance(row, (str, bytes)) or not hasattr(row, "__len__"):
            raise ParameterError(f"{what} row {i} is not a sequence (a 2-D matrix is needed)")
        if width is None:
            width = len(row)
        if len(row) != width:
            if ncols is not None:
                raise ParameterError(f"{what} row {i} has {len(row)} columns, expected {ncols}")
            raise ParameterError(f"{what} is ragged: row {i} has {len(row)} entries, expected {width}")
        out.append([exact_entry(v, f"{what}[{i}][{j}]") for j, v in enumerate(row)])
    return out


def as_fraction_vector(b: Any, what: str = "vector") -> list[Fraction]:
    """Validate a 1-D exact vector (sequence or numpy array) and return it as a list of Fractions.

    Entries as for :func:`exact_entry` (no floats); an integer numpy array is converted
    directly.  Raises :class:`~contract_theory.errors.ParameterError` naming ``what``.  O(len).

    Examples
    --------
    >>> as_fraction_vector(["1/2", 3])
    [Fraction(1, 2), Fraction(3, 1)]
    """
    if isinstance(b, np.ndarray):
        if b.ndim != 1:
            raise ParameterError(f"{what} must be 1-dimensional, got shape {b.shape}")
        if b.dtype.kind in "iu":
            return [Fraction(int(x)) for x in b.tolist()]
        b = b.tolist()
    try:
        vals = list(b)
    except TypeError:
        raise ParameterError(f"{what} must be a sequence of numbers, got {type(b).__name__}") from None
    return [exact_entry(v, f"{what}[{i}]") for i, v in enumerate(vals)]


def _fmpq(f: Fraction) -> flint.fmpq:
    return flint.fmpq(f.numerator, f.denominator)


def _frac(q: flint.fmpq) -> Fraction:
    return Fraction(int(q.p), int(q.q))


def to_fmpq_mat(A: Matrix, *, ncols: int | None = None) -> flint.fmpq_mat:
    """Convert an exact 2-D matrix to ``flint.fmpq_mat`` (validated as in :func:`as_fraction_matrix`).

    Examples
    --------
    >>> to_fmpq_mat([[1, "1/2"]]).entries()
    [1, 1/2]
    """
    if isinstance(A, flint.fmpq_mat):
        return A
    if isinstance(A, np.ndarray) and A.ndim == 2 and (
        A.dtype.kind in "iu" or (A.dtype == object and all(type(v) is int for v in A.flat))
    ):  # fast path: integer matrices go to FLINT without Fractions
        if ncols is not None and A.shape[0] and A.shape[1] != ncols:
            raise ParameterError(f"matrix has {A.shape[1]} columns, expected {ncols}")
        return flint.fmpq_mat(A.shape[0], A.shape[1], [int(v) for v in A.flat])
    rows = as_fraction_matrix(A, ncols=ncols)
    r = len(rows)
    c = len(rows[0]) if rows else (ncols or 0)
    return flint.fmpq_mat(r, c, [_fmpq(v) for row in rows for v in row])


def from_fmpq_mat(M: flint.fmpq_mat) -> list[list[Fraction]]:
    """Convert a ``flint.fmpq_mat`` to a list of rows of Fractions.

    Examples
    --------
    >>> from_fmpq_mat(to_fmpq_mat([[2, "3/4"]]))
    [[Fraction(2, 1), Fraction(3, 4)]]
    """
    r, c = M.nrows(), M.ncols()
    flat = [_frac(q) for q in M.entries()]
    return [flat[i * c:(i + 1) * c] for i in range(r)]


def _shape(A: Matrix) -> tuple[flint.fmpq_mat, int, int]:
    M = to_fmpq_mat(A)
    return M, M.nrows(), M.ncols()


def rref_exact(A: Matrix) -> tuple[tuple[tuple[Fraction, ...], ...], tuple[int, ...]]:
    """Reduced row echelon form and the pivot columns.

    Returns ``(rows, pivots)``: all ``r`` rows of the RREF (zero rows last), and the
    increasing tuple of pivot column indices (its length is the rank).  The RREF of a
    matrix is unique, so this agrees with ``sympy.Matrix.rref()``.  Complexity O(r c min(r, c)).

    Examples
    --------
    >>> rows, piv = rref_exact([[1, 2, 3], [2, 4, 7]])
    >>> [[str(v) for v in row] for row in rows], piv
    ([['1', '2', '0'], ['0', '0', '1']], (0, 2))
    """
    M, r, c = _shape(A)
    if r == 0 or c == 0:
        return tuple(tuple(Fraction(0) for _ in range(c)) for _ in range(r)), ()
    R, rank = M.rref()
    rows = from_fmpq_mat(R)
    pivots = []
    for i in range(rank):
        row = rows[i]
        pivots.append(next(j for j in range(c) if row[j] != 0))
    return tuple(tuple(row) for row in rows), tuple(pivots)


def rank_exact(A: Matrix) -> int:
    """Exact rank.  Complexity O(r c min(r, c)).

    Examples
    --------
    >>> rank_exact([[1, 2], [2, 4]]), rank_exact([[1, 0], [0, "1/3"]]), rank_exact([])
    (1, 2, 0)
    """
    M, r, c = _shape(A)
    if r == 0 or c == 0:
        return 0
    return int(M.rank())


def nullspace_exact(A: Matrix, *, ncols: int | None = None) -> tuple[tuple[Fraction, ...], ...]:
    """A basis of the right null space {x : A x = 0}, canonical form.

    One basis vector per free (non-pivot) column ``f`` of the RREF, in increasing order of
    ``f``: it has ``x_f = 1``, ``x_g = 0`` for the other free columns and the pivot
    variables determined by the RREF (the same basis ``sympy.Matrix.nullspace()`` returns).
    ``ncols`` gives the column count of a matrix with no rows.  Complexity O(r c min(r, c)).

    Examples
    --------
    >>> [[str(v) for v in vec] for vec in nullspace_exact([[1, 2, 3]])]
    [['-2', '1', '0'], ['-3', '0', '1']]
    >>> nullspace_exact([[1, 0], [0, 1]])
    ()
    """
    M = to_fmpq_mat(A, ncols=ncols)
    r, c = M.nrows(), M.ncols()
    rows, pivots = rref_exact(M) if r else ((), ())
    pivset = set(pivots)
    basis = []
    for f in range(c):
        if f in pivset:
            continue
        vec = [Fraction(0)] * c
        vec[f] = Fraction(1)
        for i, p in enumerate(pivots):
            vec[p] = -rows[i][f]
        basis.append(tuple(vec))
    return tuple(basis)


def _augmented_rref(M: flint.fmpq_mat, bv: list[Fraction]) -> tuple[list[Any], int, tuple[int, ...]]:
    """RREF of ``[M | b]`` as a flat list of fmpq entries (row-major), its width, and the pivot columns.

    Works on FLINT values throughout; only the entries the caller reads become Fractions.
    """
    r, c = M.nrows(), M.ncols()
    ent = M.entries()
    flat = []
    for i in range(r):
        flat.extend(ent[i * c:(i + 1) * c])
        flat.append(_fmpq(bv[i]))
    R, rank = flint.fmpq_mat(r, c + 1, flat).rref()
    e = R.entries()
    w = c + 1
    pivots = []
    for i in range(int(rank)):
        base = i * w
        pivots.append(next(j for j in range(w) if e[base + j] != 0))
    return e, w, tuple(pivots)


def _system(A: Matrix, b: Any) -> tuple[Any, int, int, list[Fraction]]:
    """``A`` as a FLINT matrix, its row and column counts, and ``b`` checked against the rows."""
    M = to_fmpq_mat(A)
    r, c = M.nrows(), M.ncols()
    bv = as_fraction_vector(b, "b")
    if len(bv) != r:
        raise ParameterError(f"b has {len(bv)} entries but A has {r} rows")
    return M, r, c, bv


def solve_exact(A: Matrix, b: Any) -> tuple[Fraction, ...] | None:
    """The unique exact solution of ``A x = b``, or ``None``.

    ``A`` is ``r x c`` and ``b`` has ``r`` entries.  Returns the solution when it exists and
    is unique, i.e. rank(A) = c and the system is consistent; this covers square nonsingular
    systems and overdetermined consistent ones (e.g. a degenerate LP vertex with more than
    ``c`` active constraints).  Returns ``None`` when ``A`` has rank < c (singular or
    underdetermined: no unique solution) or the system is inconsistent.  A shape mismatch
    or a float entry raises :class:`~contract_theory.errors.ParameterError`.
    Complexity O(r c^2) (square: FLINT's fraction-free LU).

    Examples
    --------
    >>> solve_exact([[2, 1], [1, 3]], [3, 5])
    (Fraction(4, 5), Fraction(7, 5))
    >>> solve_exact([[1, 1], [1, -1], [2, 0]], [2, 0, 2])   # overdetermined, consistent
    (Fraction(1, 1), Fraction(1, 1))
    >>> solve_exact([[1, 1], [2, 2]], [1, 2]) is None        # singular
    True
    """
    M, r, c, bv = _system(A, b)
    if c == 0:
        return () if all(v == 0 for v in bv) else None
    if r == c:
        try:
            X = M.solve(flint.fmpq_mat(r, 1, [_fmpq(v) for v in bv]))
        except ZeroDivisionError:
            return None
        return tuple(_frac(q) for q in X.entries())
    if r < c:
        return None
    e, w, piv = _augmented_rref(M, bv)
    if len(piv) != c or (piv and piv[-1] == c):
        return None
    return tuple(_frac(e[i * w + c]) for i in range(c))


def particular_solution_exact(A: Matrix, b: Any) -> tuple[Fraction, ...] | None:
    """Some exact solution of ``A x = b`` (the basic one: free variables 0), or ``None`` if inconsistent.

    The free variables are the non-pivot columns of the RREF of ``[A | b]``.  When the
    solution is unique this equals :func:`solve_exact`.  Complexity O(r c min(r, c)).

    Examples
    --------
    >>> particular_solution_exact([[1, 1]], [2])
    (Fraction(2, 1), Fraction(0, 1))
    >>> particular_solution_exact([[1, 1], [1, 1]], [1, 2]) is None
    True
    """
    M, r, c, bv = _system(A, b)
    if r == 0:
        return tuple(Fraction(0) for _ in range(c))
    if c == 0:
        return () if all(v == 0 for v in bv) else None
    e, w, piv = _augmented_rref(M, bv)
    if piv and piv[-1] == c:
        return None
    x = [Fraction(0)] * c
    for i, p in enumerate(piv):
        x[p] = _frac(e[i * w + c])
    return tuple(x)
