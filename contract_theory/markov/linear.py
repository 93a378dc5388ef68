"""Exact policy evaluation: the rational linear solve (I - gamma P_pi) V = R_pi (docs/background/model.md#2-solution-concepts).

For gamma in [0, 1) and a row-stochastic P_pi the matrix I - gamma P_pi is strictly diagonally
dominant, hence nonsingular, and V = sum_t gamma^t P_pi^t R_pi is its unique solution.  The solve
is done by python-flint over the rationals after scaling to integers: with P_pi = P'/d_P,
R_pi = R'/d_R and gamma = g/h,

    (d_P h I - g P') V = d_P h R' / d_R,

an integer system (``fmpz_mat.solve``, fraction-free, exact).
"""

from __future__ import annotations

from fractions import Fraction

import flint
import numpy as np

from contract_theory.exact.numbers import integer_table

__all__ = ["solve_values"]


def solve_values(P_pi: np.ndarray, R_pi: np.ndarray, discount: Fraction) -> np.ndarray:
    """Exact V solving ``(I - discount * P_pi) V = R_pi``.

    ``P_pi``: Fraction array ``(S, S)`` (row-stochastic); ``R_pi``: Fraction array ``(S, k)``
    (k reward columns, e.g. one per player).  Returns a Fraction object array ``(S, k)``.
    Complexity: one S x S rational solve with k right-hand sides (flint, O(S^3) integer ops).

    Examples
    --------
    >>> P = np.array([[Fraction(0), Fraction(1)], [Fraction(1), Fraction(0)]], dtype=object)
    >>> R = np.array([[Fraction(1)], [Fraction(0)]], dtype=object)
    >>> solve_values(P, R, Fraction(1, 2))[:, 0].tolist()
    [Fraction(4, 3), Fraction(2, 3)]
    """
    S = P_pi.shape[0]
    k = R_pi.shape[1]
    g, h = discount.numerator, discount.denominator
    Pi, dP = integer_table(np.asarray(P_pi, dtype=object))
    Ri, dR = integer_table(np.asarray(R_pi, dtype=object))
    scale = dP * h
    A = [[(scale if r == c else 0) - g * int(Pi[r, c]) for c in range(S)] for r in range(S)]
    B = [[scale * int(Ri[r, c]) for c in range(k)] for r in range(S)]
    X = flint.fmpz_mat(A).solve(flint.fmpz_mat(B))
    out = np.empty((S, k), dtype=object)
    for r in range(S):
        for c in range(k):
            x = X[r, c]
            out[r, c] = Fraction(int(x.p), int(x.q) * dR)
    return out
