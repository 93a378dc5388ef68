r"""One Nash equilibrium of a two-player game by the Lemke-Howson algorithm, exactly (docs/background/model.md#2-solution-concepts).

Definition.  With A, B the m x n payoff matrices, shifted to positive integers (adding a
constant changes no best response), the best-response polytopes are

    P = {x in R^m : x >= 0, B^T x <= 1},        Q = {y in R^n : A y <= 1, y >= 0}.

Labels are 0..m+n-1: x in P has label i when x_i = 0 and label m+j when (B^T x)_j = 1;
y in Q has label i when (A y)_i = 1 and label m+j when y_j = 0.  A pair (x, y) != (0, 0)
carrying every label is an equilibrium after normalisation (von Stengel, "Computing
equilibria for two-person games", Handbook of Game Theory 3, 2002, ch. 45, sec. 3).

Method.  Lemke-Howson (Lemke & Howson, SIAM J. Appl. Math. 12, 1964) from the artificial
equilibrium (0, 0) with *missing label* k: label k is dropped in the polytope where it
belongs (x_k enters P's basis for k < m, y_{k-m} enters Q's for k >= m); the variable that
leaves carries a duplicate label, whose variable then enters the other polytope's basis, and
so on until the leaving variable has label k.  The end of the path is completely labelled.
Every missing label gives an equilibrium, possibly the same one; :func:`lh_solve` with
``label=None`` runs all m + n of them and reports the distinct equilibria found (the set is
not the full equilibrium set: ``complete=False``).

Exact pivoting.  Each polytope is an integer tableau ``[M | I | 1]`` kept fraction-free
(Edmonds' integer pivoting: on pivot element p = T_re every other row becomes
(p T_i - T_ie T_r) / det, an exact division, and det := p), held as a python-flint
``fmpz_mat`` so a pivot is one rank-one update in C.  The basic solution is rhs / det.

Degenerate games.  The ratio test is *lexicographic* (minimum of (rhs_i, (B^{-1})_{i,.}) /
T_ie, the slack columns holding det * B^{-1}): Lemke-Howson on the perturbed polytopes
{M z <= 1 + (eps, ..., eps^k)}, which are nondegenerate for all small eps > 0, so the
path is unique and ends (von Stengel 2002, sec. 6); its end point at eps = 0 is a completely
labelled pair of vertices, i.e. an extreme equilibrium of the original game.  The leaving
row is unique because B^{-1} has no two proportional rows.

Certificate.  Every equilibrium is re-checked with integer arithmetic on the game's table:
each action in a player's support earns the maximum payoff against the other's strategy.

Complexity.  One pivot costs O(k (d + k)) integer operations on entries that are minors of
the payoff matrices; the number of pivots is small on random games but exponential in the
worst case (Savani & von Stengel, Econometrica 74, 2006), hence ``max_pivots``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from contract_theory.equilibria.results import EquilibriumResult, MixedProfile
from contract_theory.errors import GameError, ParameterError
from contract_theory.games.normal_form import NormalFormGame
from contract_theory.games.size import RAISE_LIMIT, check_size, progress

__all__ = ["LemkeHowsonResult", "lh_solve", "lemke_howson_path", "is_nash_pair", "check_lh_size",
           "DEFAULT_MAX_PIVOTS"]

#: Default limit on the pivots of one path (paths are short on random games; exponential ones exist).
DEFAULT_MAX_PIVOTS = 100_000

_METHOD = "lemke-howson"


@dataclass(frozen=True)
class LemkeHowsonResult(EquilibriumResult):
    """:class:`EquilibriumResult` of :func:`lh_solve` plus which labels led to which equilibrium.

    ``found_by[e]`` lists the missing labels whose path ended at ``equilibria[e]``;
    ``pivots[k]`` is ``(label, number of pivots of its path)`` for every label run.
    """

    found_by: tuple[tuple[int, ...], ...] = ()
    pivots: tuple[tuple[int, int], ...] = ()


_U = 2.0**-53  # unit roundoff of float64


class _Tableau:
    """Basis of {z >= 0 : M z <= 1} (``M`` positive integers, k x d), solved exactly on demand.

    Variables 0..d-1 are z, d..d+k-1 the slacks.  A basis is the set C of basic z-variables and
    the set R of rows whose slacks are *not* basic (|R| = |C|); with B = [M_{.C} | I_{.,not R}],
    B^{-1} = [[M_RC^{-1}, 0], [-M_nC M_RC^{-1}, I]] (n = rows not in R).  A pivot solves the
    |C| x |C| system M_RC exactly (python-flint) and evaluates the slack rows
    a_n - M_nC M_RC^{-1} a_R in float64 with a rigorous error bound; a row whose sign or ratio
    the bound cannot decide is recomputed in integers.  So every pivoting decision is exact, at a
    cost of O(|C|^3 + k |C|) per pivot instead of O(k (d + k)) for a full integer tableau.
    """

    def __init__(self, M: np.ndarray) -> None:
        self.k, self.d = M.shape
        self.rows = [[int(v) for v in r] for r in M]
        self.floats = max(max(r) for r in self.rows) < 2**53  # M exact in float64
        self.M = np.array(self.rows, dtype=np.int64 if self.floats else object)
        self.Mf = self.M.astype(float) if self.floats else None
        self.C: list[int] = []  # basic z-variables
        self.R: list[int] = []  # rows whose slack is nonbasic

    def _sub(self, rows: Sequence[int]) -> Any:
        """The fmpz_mat M[rows, C]."""
        import flint

        return flint.fmpz_mat(self.M[np.ix_(rows, self.C)].tolist())

    def _block(self, a: Sequence[int]) -> tuple[list[int], list[int], int]:
        """Numerators of M_RC^{-1} a_R and M_RC^{-1} 1 over one positive denominator."""
        import flint

        if not self.C:
            return [], [], 1
        N, den = self._sub(self.R).solve(flint.fmpz_mat([[a[i], 1] for i in self.R])).numer_denom()
        e = [int(v) for v in N.entries()]
        return e[0::2], e[1::2], int(den)

    def _slack_rows(self, n: list[int], a: Sequence[int], nc: list[int], nr: list[int],
                    den: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Float values and error bounds of col_n = a_n - M_nC c and rhs_n = 1 - M_nC r (c, r = nc/den, nr/den)."""
        an = np.array([float(a[i]) for i in n])
        if not self.floats or self.Mf is None:
            inf = np.full(len(n), np.inf)
            return an, np.ones(len(n)), inf, inf
        if not self.C:
            z = np.zeros(len(n))
            return an, np.ones(len(n)), z, z
        Mn = self.Mf[np.ix_(n, self.C)]
        cf = np.array([v / den for v in nc])
        rf = np.array([v / den for v in nr])
        g = (len(self.C) + 4) * _U * 1.01
        col = an - Mn @ cf
        rhs = 1.0 - Mn @ rf
        return col, rhs, g * (np.abs(an) + Mn @ np.abs(cf)), g * (1.0 + Mn @ np.abs(rf))

    def _exact_row(self, i: int, a: Sequence[int], nc: list[int], nr: list[int], den: int) -> tuple[int, int]:
        """Exact (col, rhs) of the basic slack of row i, times ``den``."""
        r = self.rows[i]
        return (den * a[i] - sum(r[c] * v for c, v in zip(self.C, nc)),
                den - sum(r[c] * v for c, v in zip(self.C, nr)))

    def _inverse_rows(self, basic: Sequence[int]) -> list[list[int]]:
        """Rows of B^{-1} of the basic variables ``basic``, over the slack columns 0..k-1, times one
        positive integer (the lexicographic rule compares them)."""
        C, R, k = self.C, self.R, self.k
        N, den = self._sub(R).inv().numer_denom()
        dd = int(den)
        slack = [v - self.d for v in basic if v >= self.d]
        prod = (self._sub(slack) * N).entries() if slack else []
        out = []
        for v in basic:
            row = [0] * k
            if v < self.d:
                p = C.index(v)
                for q, i in enumerate(R):
                    row[i] = int(N[p, q])
            else:
                t = slack.index(v - self.d)
                row[v - self.d] = dd
                for q, i in enumerate(R):
                    row[i] = -int(prod[t * len(R) + q])
            out.append(row)
        return out

    @staticmethod
    def _lex_min(rows: list[int], col: dict[int, int], vectors: dict[int, list[int]]) -> int:
        """The row t minimising vectors[t] / col[t] lexicographically (col[t] > 0)."""
        for j in range(len(vectors[rows[0]])):
            if len(rows) == 1:
                break
            best: list[int] = []
            num, den = 0, 1
            for t in rows:
                a, b = vectors[t][j], col[t]
                if not best or a * den < num * b:
                    best, num, den = [t], a, b
                elif a * den == num * b:
                    best.append(t)
            rows = best
        return rows[0]

    def _candidates(self, e: int) -> tuple[list[int], dict[int, int], dict[int, int]]:
        """Basic variables that may leave, with their exact (col, rhs), for entering variable ``e``.

        Every basic variable whose minimum ratio the float bounds cannot rule out is returned
        with exact values (see the class docstring); the others are certainly not the minimum.
        """
        a = [r[e] for r in self.rows] if e < self.d else [int(i == e - self.d) for i in range(self.k)]
        nc, nr, den = self._block(a)
        inR = set(self.R)
        n = [i for i in range(self.k) if i not in inR]
        col, rhs, bc, br = self._slack_rows(n, a, nc, nr, den)
        lo: dict[int, float] = {}
        hi: dict[int, float] = {}
        exact_col: dict[int, int] = {}
        exact_rhs: dict[int, int] = {}
        for c, vc, vr in zip(self.C, nc, nr):  # basic z-variables: exact already
            if vc > 0:
                exact_col[c], exact_rhs[c] = vc, vr
                lo[c] = hi[c] = vr / vc
        n_arr = np.array(n, dtype=np.int64)
        pos = col - bc > 0  # certainly positive: ratio interval
        with np.errstate(divide="ignore", invalid="ignore"):
            rl, rh = rhs - br, rhs + br
            lo_n = np.where(rl >= 0, rl / (col + bc), rl / (col - bc))
            hi_n = rh / (col - bc)
        for i, lv, hv in zip(n_arr[pos].tolist(), lo_n[pos].tolist(), hi_n[pos].tolist()):
            lo[self.d + i], hi[self.d + i] = lv, hv
        for i in n_arr[~pos & (col + bc > 0)].tolist():  # sign undecided: exact
            vc, vr = self._exact_row(i, a, nc, nr, den)
            if vc > 0:
                exact_col[self.d + i], exact_rhs[self.d + i] = vc, vr
                lo[self.d + i] = hi[self.d + i] = vr / vc
        if not lo:  # pragma: no cover - impossible: the polytope is bounded (M > 0)
            raise ArithmeticError("unbounded ray in a bounded polytope")
        top = min(hi.values())
        top = top + abs(top) * 1e-9 + 1e-300
        out = [v for v in lo if lo[v] - abs(lo[v]) * 1e-9 <= top]
        for v in out:
            if v not in exact_col:
                exact_col[v], exact_rhs[v] = self._exact_row(v - self.d, a, nc, nr, den)
        return [v for v in out if exact_col[v] > 0], exact_col, exact_rhs

    def pivot(self, e: int) -> int:
        """Bring variable ``e`` into the basis (lexicographic ratio test); returns the variable that left."""
        cand, col, rhs = self._candidates(e)
        best: list[int] = []
        num, den = 0, 1
        for v in cand:
            if not best or rhs[v] * den < num * col[v]:
                best, num, den = [v], rhs[v], col[v]
            elif rhs[v] * den == num * col[v]:
                best.append(v)
        if len(best) > 1:  # degenerate: lexicographic comparison of B^{-1} rows / column entry
            out = self._lex_min(best, col, dict(zip(best, self._inverse_rows(best))))
        else:
            out = best[0]
        if e < self.d:
            self.C.append(e)
        else:
            self.R.remove(e - self.d)
        if out < self.d:
            self.C.remove(out)
        else:
            self.R.append(out - self.d)
        return out

    def values(self) -> list[int]:
        """Numerators of z (length d) over a common positive denominator."""
        z = [0] * self.d
        _nc, nr, _den = self._block([0] * self.k)
        for c, v in zip(self.C, nr):
            z[c] = v
        return z


#: The way out of an oversize Lemke-Howson run.
LH_WAY_OUT = f"use a smaller game, or {RAISE_LIMIT}"


def check_lh_size(m: int, n: int) -> int:
    """Refuse, before any pivot, an m x n game whose Lemke-Howson tableaux exceed the one size budget.

    The two integer tableaux ``[M | I | 1]`` (P: n rows, Q: m rows, each m + n + 1 columns) hold
    (m + n) x (m + n + 1) exact entries; every pivot evaluates entries of them (here implicitly,
    see :class:`_Tableau`).  Above :func:`~contract_theory.games.size.max_entries` cells
    (``--max-entries``) a :class:`~contract_theory.errors.SizeLimitError` names the size, the
    limit and the way out.  Returns the cells.  O(1).

    Measured (one core, random games, payoffs 0..999, label 0): 60 x 60 (14,520 cells) 0.03 s,
    200 x 200 (160,400 cells) 0.5-2.2 s, 400 x 400 (640,800 cells) over 100 s for seed 1 -- the
    pivot count, not the size, makes a run long: ``--timeout N`` stops it between pivots.

    Examples
    --------
    >>> check_lh_size(200, 200)   # 400 rows x 401 columns
    160400
    """
    return check_size("Lemke-Howson integer tableaux", (m + n) * (m + n + 1),
                      f"{m + n:,} rows x {m + n + 1:,} columns of a {m:,} x {n:,} game", LH_WAY_OUT)


def _positive(M: np.ndarray) -> np.ndarray:
    """M - min(M) + 1 as Python integers (best responses are unchanged)."""
    Mo = M.astype(object)
    return Mo - Mo.min() + 1


def lemke_howson_path(A: np.ndarray, B: np.ndarray, label: int, *,
                      max_pivots: int = DEFAULT_MAX_PIVOTS) -> tuple[list[int], list[int], int] | None:
    """The Lemke-Howson path with missing ``label`` on integer matrices A, B (m x n).

    Returns ``(x, y, pivots)``: integer vectors proportional to the equilibrium strategies at
    the end of the path (lexicographic rule, module docstring) and the number of pivots, or
    ``None`` when the path is longer than ``max_pivots``.  O(pivots * (m + n)^2) integer operations.

    Examples
    --------
    >>> import numpy as np
    >>> lemke_howson_path(np.array([[1, 0], [0, 1]]), np.array([[0, 1], [1, 0]]), 0)
    ([1, 1], [1, 1], 4)
    """
    m, n = A.shape
    P = _Tableau(_positive(B).T)  # x: vars 0..m-1 (label = var), slacks r_j: vars m..m+n-1 (label = var)
    Q = _Tableau(_positive(A))    # y: vars 0..n-1 (label m+j), slacks s_i: vars n..n+m-1 (label i)

    def q_label(v: int) -> int:
        return v + m if v < n else v - n

    def q_var(lab: int) -> int:
        return lab + n if lab < m else lab - m

    in_p = label < m
    enter = label if in_p else q_var(label)
    for pivots in range(1, max_pivots + 1):
        tab = P if in_p else Q
        left = tab.pivot(enter)
        lab = left if in_p else q_label(left)
        if lab == label:
            return P.values(), Q.values(), pivots
        in_p = not in_p
        enter = lab if in_p else q_var(lab)
    return None


def is_nash_pair(A: np.ndarray, B: np.ndarray, x: Sequence[int], y: Sequence[int]) -> bool:
    """Exact check that (x, y) (non-negative, not all zero, any positive scale) is a Nash equilibrium.

    Every action in the support of x is a best response to y in A, and every action in the support
    of y a best response to x in B; integer arithmetic, O(m n).

    Examples
    --------
    >>> import numpy as np
    >>> is_nash_pair(np.array([[1, 0], [0, 1]]), np.array([[0, 1], [1, 0]]), [1, 1], [1, 1])
    True
    """
    xv = np.array([int(v) for v in x], dtype=object)
    yv = np.array([int(v) for v in y], dtype=object)
    if (xv < 0).any() or (yv < 0).any() or not xv.any() or not yv.any():
        return False
    row = A.astype(object).dot(yv)
    col = xv.dot(B.astype(object))
    return bool((row[xv > 0] == row.max()).all() and (col[yv > 0] == col.max()).all())


def _profile(x: Sequence[int], y: Sequence[int]) -> MixedProfile:
    sx, sy = sum(x), sum(y)
    return MixedProfile((tuple(Fraction(v, sx) for v in x), tuple(Fraction(v, sy) for v in y)))


def _labels(game: NormalFormGame, label: int | None) -> list[int]:
    if not isinstance(game, NormalFormGame):
        raise GameError(f"expected a NormalFormGame, got {type(game).__name__}")
    if game.n_players != 2:
        raise GameError(f"Lemke-Howson needs a 2-player game, this one has {game.n_players} players")
    total = sum(game.shape)
    if label is None:
        return list(range(total))
    if isinstance(label, bool) or not isinstance(label, (int, np.integer)) or not 0 <= int(label) < total:
        raise ParameterError(f"label must be None or an integer in 0..{total - 1} (0..{game.shape[0] - 1} the "
                             f"row player's actions, {game.shape[0]}..{total - 1} the column player's), got {label!r}")
    return [int(label)]


def lh_solve(game: NormalFormGame, label: int | None = None, *,
             max_pivots: int = DEFAULT_MAX_PIVOTS) -> LemkeHowsonResult:
    """Equilibria of a two-player game by exact Lemke-Howson from one or every missing label.

    Definition, method, degeneracy rule and certificate: module docstring
    (docs/background/model.md#2-solution-concepts).  ``label`` k in 0..m-1 is the row player's
    action k, m..m+n-1 the column player's action k - m; ``None`` runs every label.  The
    distinct equilibria are listed in the order their first label found them; each one is an
    exact :class:`MixedProfile`, certified by the support's best-response check, and an extreme
    equilibrium of the game.  ``complete`` is ``False``: Lemke-Howson does not promise the full set.

    Complexity: per label O(pivots * (m + n)^2) integer operations (module docstring); a path
    longer than ``max_pivots`` is abandoned with a note.  Interrupting (Ctrl-C) a run over all
    labels returns what was found, with a note.  Before any pivot, :func:`check_lh_size` refuses a
    game whose tableaux exceed the size budget (``--max-entries``); a run within it that is long
    (many pivots) is stopped by ``--timeout`` between pivots.

    Examples
    --------
    >>> from contract_theory.games.library import matching_pennies
    >>> r = lh_solve(matching_pennies())
    >>> [p.as_strings() for p in r.equilibria], r.found_by, r.complete
    ([[['1/2', '1/2'], ['1/2', '1/2']]], ((0, 1, 2, 3),), False)
    """
    labels = _labels(game, label)
    if not isinstance(max_pivots, int) or isinstance(max_pivots, bool) or max_pivots < 1:
        raise ParameterError(f"max_pivots must be a positive integer, got {max_pivots!r}")
    m, n = game.shape
    cells = check_lh_size(m, n)
    progress(f"Lemke-Howson on a {m:,} x {n:,} game: the pivots are few on most games but exponential in "
             "the worst case; --timeout N stops the run", cells)
    A = game.table[..., 0]
    B = game.table[..., 1]
    found: dict[MixedProfile, list[int]] = {}
    pivots: list[tuple[int, int]] = []
    notes: list[str] = []
    try:
        for k in labels:
            out = lemke_howson_path(A, B, k, max_pivots=max_pivots)
            if out is None:
                notes.append(f"label {k}: the path exceeded max_pivots={max_pivots} and was abandoned")
                continue
            x, y, npiv = out
            if not is_nash_pair(A, B, x, y):  # pragma: no cover - internal bug guard
                raise AssertionError(f"Lemke-Howson end point for label {k} failed the exact Nash check")
            pivots.append((k, npiv))
            found.setdefault(_profile(x, y), []).append(k)
    except KeyboardInterrupt:
        if not found:
            raise
        notes.append(f"interrupted after {len(pivots)} of {len(labels)} labels")
    notes.append("Lemke-Howson finds some equilibria, not necessarily all of them")
    if not game.exact:
        notes.append("payoffs were given as floats; they were used as exact binary rationals")
    return LemkeHowsonResult(
        method=_METHOD, exact=True, equilibria=tuple(found), complete=False,
        parameters={"label": label, "max_pivots": max_pivots}, notes=tuple(notes), payoffs_exact=game.exact,
        found_by=tuple(tuple(v) for v in found.values()), pivots=tuple(pivots))
