r"""Stationary mixed Markov perfect equilibria (docs/background/model.md#2-solution-concepts, Markov part).

Definition.  A stationary behaviour-strategy profile sigma (sigma_i(s) a distribution over A_i in
every state) is a Markov perfect equilibrium (MPE) iff no player has a profitable one-shot
deviation: for every player i, state s and action b,

    Q_i^sigma(s, b) = sum_{a_-i} sigma_-i(s)(a_-i) [R_i(s, b, a_-i) + gamma sum_s' P(s' | s, b, a_-i) V_i(s')]
                    <= V_i(s),

with equality for every b in the support of sigma_i(s) (then V_i(s) is sigma's value).  Such a
profile exists in every finite discounted Markov game (Fink 1964), while a *pure* one may not
(repeated matching pennies).

Exact method (``method="exact"``): support enumeration with exact polynomial solving, the Markov
analogue of :func:`contract_theory.equilibria.support_enumeration.nplayer_mixed_solve` and built on
its machinery (shape-position lex Groebner bases, factorization over Q, exact signs of algebraic
numbers).  For every per-state support profile (S_{i,s} a non-empty subset of A_i for each player
i and state s; ordered by total size, then lexicographically over ``(i, s)`` player-major), the
unknowns are the probabilities x_{i,s,k} (k in S_{i,s} minus its first element) and *the values*
v_{i,s}; the equations Q_i(s, k) = v_{i,s} for k in S_{i,s} are polynomial (degree n in the
unknowns) and square.  Each real solution is checked exactly: probabilities > 0 on the supports,
Q_i(s, b) <= v_{i,s} off them.  All-singleton (pure) profiles are found at once by the vectorized
:func:`contract_theory.markov.mpe.mpe_solve`.  Rational equilibria are :class:`MixedMPE` objects
(exact Fractions); irrational ones :class:`AlgebraicMPE` (every probability and value an exact
polynomial in one real algebraic number theta).  A support profile whose system has a continuum of
solutions (or is not put in shape position) is listed in ``notes`` and the result says
``complete=False``.  Every reported equilibrium is re-verified by :func:`verify_mixed_mpe`, which
recomputes the values from the game and the policy alone (an exact linear solve, over Q or over
the number field Q(theta)) and checks the one-shot condition at every state.

Size limits (exact).  prod_{i,s} (2^{m_i} - 1) support profiles, at most ``max_supports`` (default
:data:`DEFAULT_MAX_SUPPORTS`); at most ``max_unknowns`` unknowns per system (default
:data:`DEFAULT_MAX_UNKNOWNS`); ``timeout`` seconds (checked between support profiles; the list
is then incomplete).  Beyond the first two, :class:`~contract_theory.errors.SizeLimitError`, or
with ``method="auto"`` the homotopy below.  Measured (shared 2-core machine): repeated matching
pennies 0.4 s, two-state 2x2 games 0.1-1 s (81 support profiles, 8 unknowns); a two-player
three-state 2x2 game (729 profiles, 12 unknowns) ran over 10 minutes, hence the default limits.

Homotopy method (``method="homotopy"``, or ``"auto"`` beyond the limits): one equilibrium by
following the logit quantal-response path sigma(lambda) = softmax(lambda Q^{sigma(lambda)})
(McKelvey & Palfrey 1995; for stochastic games Eibelshaeuser & Poensgen 2019) from lambda = 0
(uniform play) to ``lambda_max`` on a geometric grid, each point solved by a damped fixed-point
corrector started at the previous one (float64).  The end point is rounded to rationals and
**certified exactly**: its values are computed by an exact linear solve and epsilon = max_{i,s,b}
(Q_i(s, b) - V_i(s)) exactly; the profile is an epsilon-MPE.  The result has ``exact=False``,
``complete=False`` and the certified epsilon in :attr:`ApproximateMPE.epsilon`; it is accepted when
epsilon <= ``precision`` (default :data:`DEFAULT_PRECISION` times (1 + max|R|)/(1 - gamma)),
otherwise the result holds no equilibrium and a note gives the epsilon reached.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from contract_theory.equilibria.support_enumeration import (
    AlgebraicProfile,
    eval_in_field,
    nonempty_subsets,
    poly_coefficients,
    real_root_intervals,
    shape_position_basis,
    sign_at_root,
    to_flint_poly,
)
from contract_theory.errors import ParameterError, SizeLimitError
from contract_theory.games.markov import MarkovGame
from contract_theory.markov.mpe import DEFAULT_MAX_POLICIES, mpe_solve, one_shot_gains
from contract_theory.markov.policy import check_policy, distributions

__all__ = ["MixedMPE", "AlgebraicMPE", "ApproximateMPE", "MixedMPEResult", "mixed_mpe_solve", "verify_mixed_mpe",
           "select_mixed",
           "markov_support_profiles", "DEFAULT_MAX_SUPPORTS", "DEFAULT_MAX_UNKNOWNS", "DEFAULT_TIMEOUT",
           "DEFAULT_PRECISION", "METHODS", "ExactLimits", "HomotopyOptions"]

#: Largest number of per-state support profiles the exact method enumerates.
DEFAULT_MAX_SUPPORTS = 2_000
#: Largest number of unknowns (probabilities plus values) in one polynomial system.
DEFAULT_MAX_UNKNOWNS = 8
#: Default time limit of the exact enumeration, seconds.
DEFAULT_TIMEOUT = 60.0
#: Default certified precision of the homotopy, relative to (1 + max|R|) / (1 - gamma).
DEFAULT_PRECISION = 1e-6
#: Accepted ``method`` values.
METHODS = ("auto", "exact", "homotopy")



@dataclass(frozen=True)
class ExactLimits:
    """Limits of the exact enumeration of :func:`mixed_mpe_solve`.

    ``max_supports`` per-state support profiles, ``max_unknowns`` unknowns per polynomial system
    (beyond either: :class:`~contract_theory.errors.SizeLimitError` with ``method="exact"``, the
    homotopy with ``"auto"``), ``timeout`` seconds (``None``: none; the list is then marked
    incomplete), ``max_policies`` joint pure policies for the pure equilibria.
    """

    max_supports: int = DEFAULT_MAX_SUPPORTS
    max_unknowns: int = DEFAULT_MAX_UNKNOWNS
    timeout: float | None = DEFAULT_TIMEOUT
    max_policies: int = DEFAULT_MAX_POLICIES


@dataclass(frozen=True)
class HomotopyOptions:
    """The certified logit homotopy of :func:`mixed_mpe_solve` (module docstring).

    ``precision``: largest accepted certified epsilon (``None``: :data:`DEFAULT_PRECISION` *
    (1 + max|R|) / (1 - gamma)); ``lambda_max`` the last logit precision, ``steps`` points on the
    path, ``max_iterations`` per point.
    """

    precision: Any = None
    lambda_max: float = 1e4
    steps: int = 60
    max_iterations: int = 2_000


_EXACT = "markov-support-enumeration-groebner"
_HOMOTOPY = "logit-homotopy-certified"


@dataclass(frozen=True)
class MixedMPE:
    """A stationary MPE with rational probabilities.

    ``policy[i][s][k]`` = probability that player i plays action k in state s (Fractions, the
    mixed form of :func:`contract_theory.markov.policy.check_policy`); ``values[i][s]`` = V_i(s);
    ``welfare`` = sum_i sum_s rho0(s) V_i(s).
    """

    policy: tuple[tuple[tuple[Fraction, ...], ...], ...]
    values: tuple[tuple[Fraction, ...], ...]
    welfare: Fraction

    @property
    def is_pure(self) -> bool:
        """Whether every player plays one action with probability 1 in every state."""
        return all(max(row) == 1 for pl in self.policy for row in pl)

    def as_strings(self) -> list[list[list[str]]]:
        """``policy`` with every probability as a string ``"p/q"``."""
        return [[[str(p) for p in row] for row in pl] for pl in self.policy]


@dataclass(frozen=True)
class AlgebraicMPE:
    """A stationary MPE whose probabilities and values lie in Q(theta), theta a real algebraic number.

    ``profile`` is an :class:`~contract_theory.equilibria.support_enumeration.AlgebraicProfile` whose
    coordinate rows are the pairs (player, state) in player-major order: row ``i * |S| + s`` holds
    player i's probabilities in state s (polynomials in theta, lowest degree first).  ``values[i][s]``
    are the polynomials of V_i(s).  ``n_states`` gives the row layout.
    """

    profile: AlgebraicProfile
    values: tuple[tuple[tuple[Fraction, ...], ...], ...]
    n_states: int

    def approx(self, digits: int = 30) -> tuple[tuple[tuple[float, ...], ...], ...]:
        """Float probabilities ``[i][s][k]`` (theta refined to ``digits`` digits)."""
        rows = self.profile.approx(digits)
        S = self.n_states
        return tuple(tuple(rows[i * S + s] for s in range(S)) for i in range(len(rows) // S))

    def approx_values(self, digits: int = 30) -> tuple[tuple[float, ...], ...]:
        """Float values ``[i][s]``."""
        prof = AlgebraicProfile(self.profile.polynomial, self.profile.root_index, self.profile.interval,
                                tuple(tuple(row) for row in self.values))
        return prof.approx(digits)


@dataclass(frozen=True)
class ApproximateMPE:
    """An epsilon-MPE found by the homotopy: a rational policy, its exact values and its exact epsilon.

    ``epsilon`` = max_{i,s,b} Q_i(s, b) - V_i(s) >= 0, computed in exact arithmetic for ``policy``.
    """

    policy: tuple[tuple[tuple[Fraction, ...], ...], ...]
    values: tuple[tuple[Fraction, ...], ...]
    welfare: Fraction
    epsilon: Fraction


@dataclass(frozen=True)
class MixedMPEResult:
    """Stationary mixed MPE found by one method (the result-object convention of the package).

    ``equilibria``: rational equilibria (:class:`MixedMPE`, or :class:`ApproximateMPE` for the
    homotopy); ``algebraic``: irrational ones (:class:`AlgebraicMPE`).  ``complete`` is True when the
    two lists together are provably every stationary MPE of the game.
    """

    method: str
    exact: bool
    equilibria: tuple[Any, ...]
    complete: bool
    parameters: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    algebraic: tuple[AlgebraicMPE, ...] = ()

    @property
    def all_equilibria(self) -> tuple[Any, ...]:
        """Rational then irrational equilibria."""
        return tuple(self.equilibria) + tuple(self.algebraic)

    def __len__(self) -> int:
        return len(self.equilibria) + len(self.algebraic)


# ------------------------------------------------------------------ support profiles
def markov_support_profiles(game: MarkovGame) -> list[tuple[tuple[int, ...], ...]]:
    """Every per-state support profile: a tuple over pairs (i, s), player-major, of non-empty action subsets.

    Ordered by total support size, then lexicographically.  Count prod_{i,s} (2^{m_i} - 1).

    Examples
    --------
    >>> from contract_theory.games.markov_library import repeated_prisoners_dilemma
    >>> markov_support_profiles(repeated_prisoners_dilemma())[:2]
    [((0,), (0,)), ((0,), (1,))]
    """
    cells = [game.shape[i] for i in range(game.n_players) for _ in range(game.n_states)]
    profs = list(itertools.product(*(nonempty_subsets(m) for m in cells)))
    profs.sort(key=lambda s: (sum(len(x) for x in s), s))
    return profs


def _count_supports(game: MarkovGame) -> int:
    return math.prod((2 ** game.shape[i] - 1) ** game.n_states for i in range(game.n_players))


class _System:
    """The polynomial system of one per-state support profile (sympy sparse ring over QQ, lex order).

    Provides the attributes :func:`~contract_theory.equilibria.support_enumeration.shape_position_basis`
    reads (``ring``, ``gens``, ``t``, ``nvars``, ``equations``) plus ``probs[i][s][k]`` and
    ``gains[i][s][k]`` = Q_i(s, k) - v_{i,s}.
    """

    def __init__(self, game: MarkovGame, supports: Sequence[tuple[int, ...]], R: np.ndarray, P: np.ndarray) -> None:
        from sympy import QQ
        from sympy.polys.rings import ring

        n, S, shape = game.n_players, game.n_states, game.shape
        cell = {(i, s): supports[i * S + s] for i in range(n) for s in range(S)}
        xnames = [f"x{i}_{s}_{k}" for i in range(n) for s in range(S) for k in cell[i, s][1:]]
        vnames = [f"v{i}_{s}" for i in range(n) for s in range(S)]
        self.nvars = len(xnames) + len(vnames)
        self.ring, *gens = ring(",".join(xnames + vnames + ["t"]), QQ, "lex")
        self.gens = gens[:-1]
        self.t = gens[-1]
        Rg = self.ring
        xs = iter(self.gens[:len(xnames)])
        vs = np.empty((n, S), dtype=object)
        vs.reshape(-1)[:] = self.gens[len(xnames):]
        self.values = vs
        self.probs: list[list[list[Any]]] = []
        for i in range(n):
            rows = []
            for s in range(S):
                sup = cell[i, s]
                row = [Rg.zero] * shape[i]
                rest = [next(xs) for _ in sup[1:]]
                row[sup[0]] = Rg.one - sum(rest, Rg.zero)
                for k, x in zip(sup[1:], rest):
                    row[k] = x
                rows.append(row)
            self.probs.append(rows)
        self.gains: list[list[list[Any]]] = []
        for i in range(n):
            per_state = []
            for s in range(S):
                # C[a] = R_i(s, a) + gamma sum_s' P(s' | s, a) v_{i,s'}; then contract the others' mixes
                u = R[s, ..., i] + np.tensordot(P[s], vs[i], axes=([n], [0]))
                for j in range(n - 1, -1, -1):
                    if j != i:
                        vec = np.empty(shape[j], dtype=object)
                        vec[:] = self.probs[j][s]
                        u = np.tensordot(u, vec, axes=([j], [0]))
                per_state.append([Rg(q) - vs[i, s] for q in np.asarray(u).reshape(-1)])
            self.gains.append(per_state)
        self.equations = [self.gains[i][s][k] for i in range(n) for s in range(S) for k in cell[i, s]]


def _ring_arrays(game: MarkovGame) -> tuple[np.ndarray, np.ndarray]:
    """Rewards (times gamma-free) and gamma * transitions as object arrays of sympy QQ elements."""
    from sympy import QQ

    def conv(a: np.ndarray, scale: Fraction) -> np.ndarray:
        out = np.empty(a.shape, dtype=object)
        out.reshape(-1)[:] = [QQ(int((f * scale).numerator), int((f * scale).denominator)) for f in a.reshape(-1)]
        return out
    return conv(game.rewards, Fraction(1)), conv(game.transitions, game.discount)


def _welfare(game: MarkovGame, V: np.ndarray) -> Fraction:
    return Fraction(sum(((V[i] * game.initial).sum() for i in range(game.n_players)), Fraction(0)))


def _from_pure(game: MarkovGame, pol: Any) -> MixedMPE:
    mixed = tuple(tuple(tuple(Fraction(x) for x in row) for row in d.tolist()) for d in distributions(game, pol))
    return _rational(game, mixed)


def _rational(game: MarkovGame, policy: tuple[tuple[tuple[Fraction, ...], ...], ...]) -> MixedMPE:
    from contract_theory.markov.values import evaluate

    V = evaluate(game, policy)
    return MixedMPE(policy=policy, values=tuple(tuple(Fraction(x) for x in row) for row in V), welfare=_welfare(game, V))


def _solve_support(game: MarkovGame, supports: Sequence[tuple[int, ...]], arrays: tuple[np.ndarray, np.ndarray],
                   rng: np.random.Generator) -> tuple[str, list[MixedMPE | AlgebraicMPE]]:
    """Solve one support profile: ``("ok" | "empty" | reason, equilibria)``."""
    n, S, shape = game.n_players, game.n_states, game.shape
    sysm = _System(game, supports, *arrays)
    nv = sysm.nvars
    forms = [list(range(1, nv + 1))] + [list(rng.integers(1, 50, size=nv)) for _ in range(3)]
    status, f, gs_ring = shape_position_basis(sysm, forms)
    if status == "empty":
        return "empty", []
    if status != "shape":
        return status, []
    ff = to_flint_poly(f, nv)
    gs = [to_flint_poly(g, nv) for g in gs_ring]
    _content, factors = ff.factor()
    found: list[MixedMPE | AlgebraicMPE] = []
    cell = [(i, s) for i in range(n) for s in range(S)]
    for p, _mult in factors:
        p = p / p.coeffs()[-1]
        pc = poly_coefficients(p)
        xs = [g % p for g in gs]
        probs = [[[eval_in_field(sysm.probs[i][s][k], xs, p, nv) for k in range(shape[i])] for s in range(S)]
                 for i in range(n)]
        gains = [[[eval_in_field(sysm.gains[i][s][k], xs, p, nv) for k in range(shape[i])] for s in range(S)]
                 for i in range(n)]
        vals = [[eval_in_field(sysm.values[i, s], xs, p, nv) for s in range(S)] for i in range(n)]
        roots: list[tuple[int, tuple[Fraction, Fraction] | None]] = (
            [(0, None)] if p.degree() == 1 else list(real_root_intervals(p)))
        for idx, interval in roots:
            def sign(q: Any, iv: tuple[Fraction, Fraction] | None = interval) -> int:
                c = poly_coefficients(q) or [Fraction(0)]
                if iv is None:
                    v = c[0]
                    return (v > 0) - (v < 0)
                return sign_at_root(c, pc, iv)
            ok = all(sign(probs[i][s][k]) > 0 for (i, s) in cell for k in supports[i * S + s])
            ok = ok and all(sign(gains[i][s][k]) <= 0 for i in range(n) for s in range(S) for k in range(shape[i]))
            if not ok:
                continue
            if interval is None:
                pol = tuple(tuple(tuple((poly_coefficients(q) or [Fraction(0)])[0] for q in row) for row in pl)
                            for pl in probs)
                values = tuple(tuple((poly_coefficients(q) or [Fraction(0)])[0] for q in row) for row in vals)
                V = np.array(values, dtype=object)
                found.append(MixedMPE(policy=pol, values=values, welfare=_welfare(game, V)))
            else:
                coords = tuple(tuple(tuple(poly_coefficients(q) or [Fraction(0)]) for q in probs[i][s]) for (i, s) in cell)
                vcoords = tuple(tuple(tuple(poly_coefficients(q) or [Fraction(0)]) for q in row) for row in vals)
                found.append(AlgebraicMPE(AlgebraicProfile(tuple(pc), idx, interval, coords), vcoords, S))
    return "ok", found


# ------------------------------------------------------------------ independent verification
def _field_solve(A: list[list[Any]], b: list[Any], p: Any) -> list[Any]:
    """Solve A x = b over the number field Q[t]/(p) by Gaussian elimination (flint polynomials)."""
    import flint

    S = len(A)
    M = [[q % p for q in row] + [b[r] % p] for r, row in enumerate(A)]
    for c in range(S):
        piv = next(r for r in range(c, S) if not M[r][c].is_zero())
        M[c], M[piv] = M[piv], M[c]
        g, inv, _ = M[c][c].xgcd(p)
        inv = inv / g.coeffs()[0]
        M[c] = [(q * inv) % p for q in M[c]]
        for r in range(S):
            if r != c and not M[r][c].is_zero():
                f = M[r][c]
                M[r] = [(x - f * y) % p for x, y in zip(M[r], M[c])]
    return [M[r][S] if not M[r][S].is_zero() else flint.fmpq_poly([0]) for r in range(S)]


def _verify_algebraic(game: MarkovGame, eq: AlgebraicMPE) -> bool:
    """The check of :func:`verify_mixed_mpe` in Q(theta) = Q[t]/(p) (flint polynomials modulo p).

    Field elements are flint polynomials, which numpy would treat as sequences, so this check
    runs over the (few: the exact method's limits) joint actions in Python.
    """
    import flint

    prof = eq.profile
    p = flint.fmpq_poly([flint.fmpq(c.numerator, c.denominator) for c in prof.polynomial])
    n, S, shape = game.n_players, game.n_states, game.shape

    def el(c: Any) -> Any:
        if isinstance(c, (tuple, list)):
            return flint.fmpq_poly([flint.fmpq(int(Fraction(x).numerator), int(Fraction(x).denominator)) for x in c])
        f = Fraction(c)
        return flint.fmpq_poly([flint.fmpq(int(f.numerator), int(f.denominator))])

    def sign(q: Any) -> int:
        return sign_at_root(poly_coefficients(q % p) or [Fraction(0)], list(prof.polynomial), prof.interval)

    sig = [[[el(c) for c in prof.coordinates[i * S + s]] for s in range(S)] for i in range(n)]
    for i in range(n):
        for s in range(S):
            if any(sign(q) < 0 for q in sig[i][s]) or sign(sum(sig[i][s], el(-1))) != 0:
                return False
    joints = list(itertools.product(*(range(m) for m in shape)))
    R, P, gam = game.rewards, game.transitions, el(game.discount)

    def weight(s: int, a: tuple[int, ...], skip: int = -1) -> Any:
        w = el(1)
        for j, aj in enumerate(a):
            if j != skip:
                w = (w * sig[j][s][aj]) % p
        return w

    W = [[weight(s, a) for a in joints] for s in range(S)]
    for i in range(n):
        A = [[el(int(r == c)) - gam * sum((W[r][k] * el(P[(r,) + a + (c,)]) for k, a in enumerate(joints)), el(0))
              for c in range(S)] for r in range(S)]
        b = [sum((W[r][k] * el(R[(r,) + a + (i,)]) for k, a in enumerate(joints)), el(0)) for r in range(S)]
        V = _field_solve(A, b, p)
        for s in range(S):
            if sign(V[s] - el(eq.values[i][s])) != 0:
                return False
            Q = [el(0)] * shape[i]
            for a in joints:
                cont = el(R[(s,) + a + (i,)]) + gam * sum((el(P[(s,) + a + (t,)]) * V[t] for t in range(S)), el(0))
                Q[a[i]] = (Q[a[i]] + weight(s, a, skip=i) * cont) % p
            if any(sign(q - V[s]) > 0 for q in Q):
                return False
    return True


def verify_mixed_mpe(game: MarkovGame, eq: MixedMPE | AlgebraicMPE | ApproximateMPE) -> bool:
    """Exact, independent check that ``eq`` is a stationary MPE with the values it reports.

    Recomputes V from the game and the policy alone (rational: :func:`contract_theory.markov.values.evaluate`;
    algebraic: an exact linear solve over the number field Q(theta)) and checks that no player has
    a profitable one-shot deviation at any state.  An :class:`ApproximateMPE` passes iff its epsilon
    is exactly its largest one-shot gain (a certificate check).  Complexity: one |S| x |S| solve per
    player plus O(|S|^2 J n) field operations.

    Examples
    --------
    >>> from contract_theory.games.markov_library import repeated_prisoners_dilemma
    >>> g = repeated_prisoners_dilemma()
    >>> verify_mixed_mpe(g, mixed_mpe_solve(g).equilibria[0])
    True
    """
    if isinstance(eq, AlgebraicMPE):
        return _verify_algebraic(game, eq)
    pol = check_policy(game, eq.policy)
    from contract_theory.markov.values import evaluate

    V = evaluate(game, pol)
    if tuple(tuple(row) for row in V) != tuple(tuple(row) for row in eq.values):
        return False
    gains = one_shot_gains(game, pol)
    worst = max(Fraction(g.max()) for g in gains)
    if isinstance(eq, ApproximateMPE):
        return worst == eq.epsilon
    return worst <= 0


# ------------------------------------------------------------------ homotopy
def _float_q(Rf: np.ndarray, Pf: np.ndarray, gamma: float, sig: list[np.ndarray]) -> tuple[list[np.ndarray], np.ndarray]:
    """Float Q_i(s, k) for every player and V (n, S) of the profile ``sig`` (list of (S, m_i))."""
    n = len(sig)
    S = Rf.shape[0]
    letters = "abcdefghij"[:n]
    w = np.einsum(",".join(f"s{c}" for c in letters) + f"->s{letters}", *sig)        # (S, m...)
    Ppi = np.einsum(f"s{letters}t,s{letters}->st", Pf, w)
    Rpi = np.einsum(f"s{letters}i,s{letters}->si", Rf, w)
    V = np.linalg.solve(np.eye(S) - gamma * Ppi, Rpi).T                                 # (n, S)
    Qs = []
    for i in range(n):
        cont = Rf[..., i] + gamma * np.einsum(f"s{letters}t,t->s{letters}", Pf, V[i])
        others = [sig[j] for j in range(n) if j != i]
        spec = f"s{letters}," + ",".join(f"s{letters[j]}" for j in range(n) if j != i) + f"->s{letters[i]}"
        Qs.append(np.einsum(spec, cont, *others))
    return Qs, V


def _round_policy(sig: list[np.ndarray], denominator: int) -> tuple[tuple[tuple[Fraction, ...], ...], ...]:
    """Rationals near ``sig`` with rows summing exactly to 1 (the largest entry takes the remainder)."""
    out = []
    for d in sig:
        rows = []
        for row in d:
            fr = [Fraction(round(float(x) * denominator), denominator) for x in row]
            k = int(np.argmax(row))
            fr[k] = 1 - (sum(fr) - fr[k])
            if fr[k] < 0:  # pragma: no cover - rounding cannot push the largest entry below 0
                fr = [Fraction(int(j == k)) for j in range(len(row))]
            rows.append(tuple(fr))
        out.append(tuple(rows))
    return tuple(out)


def _homotopy(game: MarkovGame, precision: Fraction, lambda_max: float, steps: int,
              max_iterations: int) -> tuple[ApproximateMPE, list[str]]:
    from contract_theory.markov.values import evaluate

    S = game.n_states
    Rf = np.asarray(game.rewards, dtype=object).astype(float)
    Pf = np.asarray(game.transitions, dtype=object).astype(float)
    scale = max(1.0, float(np.abs(Rf).max())) / (1.0 - float(game.discount))
    Rs = Rf / scale
    g = float(game.discount)
    sig = [np.full((S, m), 1.0 / m) for m in game.shape]
    notes: list[str] = []
    best: ApproximateMPE | None = None
    for lam in np.geomspace(1.0, lambda_max, steps):
        for _ in range(max_iterations):
            Qs, _V = _float_q(Rs, Pf, g, sig)
            new = []
            for Q in Qs:
                z = lam * (Q - Q.max(axis=1, keepdims=True))
                e = np.exp(z)
                new.append(e / e.sum(axis=1, keepdims=True))
            delta = max(float(np.abs(a - b).max()) for a, b in zip(new, sig))
            sig = [0.5 * a + 0.5 * b for a, b in zip(new, sig)]
            if delta < 1e-13:
                break
    for denom in (10**6, 10**9, 10**12):
        pol = _round_policy(sig, denom)
        V = evaluate(game, pol)
        eps = max(Fraction(x.max()) for x in one_shot_gains(game, pol))
        cand = ApproximateMPE(policy=pol, values=tuple(tuple(Fraction(x) for x in row) for row in V),
                              welfare=_welfare(game, V), epsilon=max(eps, Fraction(0)))
        if best is None or cand.epsilon < best.epsilon:
            best = cand
        if best.epsilon <= precision:
            break
    assert best is not None
    return best, notes


def select_mixed(result: MixedMPEResult, selection: str = "pessimistic") -> MixedMPE | ApproximateMPE | None:
    """The rational equilibrium of lowest (``"pessimistic"``) or highest (``"optimistic"``) welfare.

    Tie rule: the smallest policy (tuple comparison of the probabilities, player-major, then state,
    then action).  ``None`` when the result holds no rational equilibrium (irrational ones are not
    compared).  Complexity O(len(result) log len(result)).

    Examples
    --------
    >>> from contract_theory.games.library import matching_pennies
    >>> from contract_theory.games.markov_library import repeated_game
    >>> select_mixed(mixed_mpe_solve(repeated_game(matching_pennies()))).welfare
    Fraction(0, 1)
    """
    if selection not in ("pessimistic", "optimistic"):
        raise ParameterError(f"selection must be 'pessimistic' or 'optimistic', got {selection!r}")
    eqs = list(result.equilibria)
    if not eqs:
        return None
    sign = 1 if selection == "pessimistic" else -1
    return min(eqs, key=lambda e: (sign * e.welfare, e.policy))


# ------------------------------------------------------------------ the solver
def _check(method: str, max_supports: int, max_unknowns: int, timeout: float | None) -> None:
    if method not in METHODS:
        raise ParameterError(f"method must be one of {list(METHODS)}, got {method!r}")
    for name, v in (("max_supports", max_supports), ("max_unknowns", max_unknowns)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise ParameterError(f"{name} must be a positive integer, got {v!r}")
    if timeout is not None and not (isinstance(timeout, (int, float)) and timeout > 0):
        raise ParameterError(f"timeout must be a positive number of seconds or None, got {timeout!r}")


def _size_problem(game: MarkovGame, max_supports: int, max_unknowns: int) -> str | None:
    count = _count_supports(game)
    if count > max_supports:
        return (f"{count} per-state support profiles (prod over players and states of 2^m_i - 1) exceed "
                f"max_supports={max_supports}")
    unknowns = sum(game.n_states * m for m in game.shape)   # (m_i - 1) probabilities + 1 value per (i, s)
    if unknowns > max_unknowns:
        return f"the largest polynomial system has {unknowns} unknowns, above max_unknowns={max_unknowns}"
    return None


def _reduce(game: MarkovGame, fixed: Mapping[int | str, Any]) -> tuple[MarkovGame, list[int], dict[int, Any]]:
    """The game left to the players not in ``fixed`` (their rewards only), the kept players, the fixed parts."""
    from contract_theory.markov.policy import check_player_policy, marginalize

    parts = {game.player_index(k): check_player_policy(game, game.player_index(k), v) for k, v in fixed.items()}
    keep = [i for i in range(game.n_players) if i not in parts]
    if not keep:
        raise ParameterError("every player is fixed: there is no equilibrium to find")
    P, R = marginalize(game, parts)
    sub = MarkovGame([game.players[i] for i in keep], list(game.states), [list(game.actions[i]) for i in keep],
                     P, R[..., keep], game.discount, list(game.initial), title=f"{game.title} (others fixed)")
    return sub, keep, parts


def _lift(game: MarkovGame, eq: Any, keep: list[int], parts: dict[int, Any]) -> Any:
    """An equilibrium of the reduced game as a policy of the whole game, values of every player."""
    if not isinstance(eq, (MixedMPE, ApproximateMPE)):
        return None
    from contract_theory.markov.values import evaluate

    entries: dict[int, Any] = dict(parts)
    for t, i in enumerate(keep):
        entries[i] = eq.policy[t]
    pol = check_policy(game, [entries[i] for i in range(game.n_players)])
    mixed = tuple(tuple(tuple(Fraction(x) for x in row) for row in d.tolist()) for d in distributions(game, pol))
    V = evaluate(game, mixed)
    values = tuple(tuple(Fraction(x) for x in row) for row in V)
    if isinstance(eq, ApproximateMPE):
        return ApproximateMPE(mixed, values, _welfare(game, V), eq.epsilon)
    return MixedMPE(mixed, values, _welfare(game, V))


def mixed_mpe_solve(game: MarkovGame, *, method: str = "auto", limits: ExactLimits = ExactLimits(),
                    homotopy: HomotopyOptions = HomotopyOptions(),
                    fixed: Mapping[int | str, Any] | None = None) -> MixedMPEResult:
    """Stationary mixed MPE: all of them exactly for small games, else one certified epsilon-MPE.

    Definition, methods and limits: module docstring (docs/background/model.md#2-solution-concepts).
    ``method``: ``"exact"`` (SizeLimitError beyond ``limits.max_supports`` / ``limits.max_unknowns``),
    ``"homotopy"``, or ``"auto"`` (exact within the limits, else the homotopy).  Order of the exact
    list: pure equilibria first (:func:`~contract_theory.markov.mpe.mpe_solve` order), then by
    support profile (:func:`markov_support_profiles`), then by increasing theta.  ``homotopy``:
    :class:`HomotopyOptions` (the certified precision, default
    :data:`DEFAULT_PRECISION` * (1 + max|R|) / (1 - gamma)).  ``fixed`` maps players to stationary
    policies they are held to: the result is then the MPE *among the others* (the outsiders'
    continuations of docs/background/model.md#4-partial-contracts), solved on the reduced game
    (:func:`contract_theory.markov.policy.marginalize`); rational equilibria are reported as policies
    of the whole game with every player's values, irrational ones are left out with a note.

    Complexity (exact): prod_{i,s} (2^{m_i} - 1) Groebner bases in at most
    sum_{i,s} m_i unknowns (doubly exponential in the worst case).  Homotopy: ``homotopy.steps`` points,
    each at most ``homotopy.max_iterations`` O(|S|^3 + |S|^2 J n) float iterations, then one exact evaluation.

    Repeated matching pennies (one state, discount 9/10): the unique MPE mixes 1/2, values 0.

    Examples
    --------
    >>> from contract_theory.games.markov import MarkovGame
    >>> mp = MarkovGame(["Row", "Column"], ["play"], [["H", "T"], ["H", "T"]], [[[[1], [1]], [[1], [1]]]],
    ...                 [[[[1, -1], [-1, 1]], [[-1, 1], [1, -1]]]], "9/10")
    >>> r = mixed_mpe_solve(mp)
    >>> r.equilibria[0].as_strings(), r.equilibria[0].values, r.complete, r.exact
    ([[['1/2', '1/2']], [['1/2', '1/2']]], ((Fraction(0, 1),), (Fraction(0, 1),)), True, True)
    """
    max_supports, max_unknowns, timeout = limits.max_supports, limits.max_unknowns, limits.timeout
    _check(method, max_supports, max_unknowns, timeout)
    if fixed:
        sub, keep, parts = _reduce(game, fixed)
        r = mixed_mpe_solve(sub, method=method, limits=limits, homotopy=homotopy)
        lifted = tuple(_lift(game, e, keep, parts) for e in r.equilibria)
        notes = list(r.notes)
        if r.algebraic:
            notes.append(f"{len(r.algebraic)} irrational equilibria of the players {[game.players[i] for i in keep]} "
                         "are not lifted to the whole game (solve the reduced game to see them)")
        return MixedMPEResult(r.method, r.exact, lifted, r.complete and not r.algebraic,
                              {**r.parameters, "fixed": sorted(game.players[i] for i in parts)}, tuple(notes))
    params: dict[str, Any] = {"method": method, "max_supports": max_supports, "max_unknowns": max_unknowns,
                              "timeout": timeout}
    problem = _size_problem(game, max_supports, max_unknowns)
    if method == "exact" and problem is not None:
        raise SizeLimitError(f"exact mixed MPE: {problem}; use method='homotopy' (one certified "
                             "epsilon-equilibrium) or raise the limit")
    if method == "homotopy" or problem is not None:
        Rmax = max((abs(Fraction(x)) for x in game.rewards.reshape(-1)), default=Fraction(0))
        precision = homotopy.precision
        prec = (Fraction(DEFAULT_PRECISION) * (1 + Rmax) / (1 - game.discount) if precision is None
                else Fraction(str(precision)) if isinstance(precision, float) else Fraction(precision))
        eq, notes = _homotopy(game, prec, homotopy.lambda_max, homotopy.steps, homotopy.max_iterations)
        params.update(precision=str(prec), lambda_max=homotopy.lambda_max, steps=homotopy.steps,
                      max_iterations=homotopy.max_iterations)
        if problem is not None:
            notes.insert(0, f"exact enumeration skipped: {problem}")
        if eq.epsilon <= prec:
            notes.append(f"one equilibrium (not the full set): a certified epsilon-MPE, epsilon = {eq.epsilon} "
                         f"(~{float(eq.epsilon):.3g}) <= precision {float(prec):.3g}, computed exactly")
            eqs: tuple[Any, ...] = (eq,)
        else:
            notes.append(f"the homotopy reached only epsilon = {float(eq.epsilon):.3g} > precision "
                         f"{float(prec):.3g}; no equilibrium reported (raise lambda_max or steps)")
            eqs = ()
        return MixedMPEResult(_HOMOTOPY, False, eqs, False, params, tuple(notes))
    start = time.monotonic()
    notes = []
    complete = True
    rational: list[MixedMPE] = [_from_pure(game, e.policy) for e in mpe_solve(game, max_policies=limits.max_policies)]
    algebraic: list[AlgebraicMPE] = []
    arrays = _ring_arrays(game)
    rng = np.random.default_rng(20240229)
    profiles = [s for s in markov_support_profiles(game) if any(len(x) > 1 for x in s)]
    for k, supports in enumerate(profiles):
        if timeout is not None and time.monotonic() - start > timeout:
            complete = False
            notes.append(f"timeout of {timeout} s reached after {k} of {len(profiles)} mixed support profiles; "
                         "the list is incomplete")
            break
        status, found = _solve_support(game, supports, arrays, rng)
        if status not in ("ok", "empty"):
            complete = False
            what = ("a positive-dimensional solution set (possibly a continuum of equilibria)" if status == "positive"
                    else "a system not in shape position for any tried separating form")
            notes.append(f"supports {[list(x) for x in supports]}: the equations have {what}; equilibria with "
                         "these supports are not enumerated")
        for found_eq in found:
            if not verify_mixed_mpe(game, found_eq):  # pragma: no cover - internal bug guard
                raise AssertionError(f"support {supports}: a candidate failed the independent exact MPE check")
            if isinstance(found_eq, AlgebraicMPE):
                algebraic.append(found_eq)
            else:
                rational.append(found_eq)
    if algebraic:
        notes.append(f"{len(algebraic)} equilibria have irrational probabilities; they are exact AlgebraicMPE "
                     "objects in .algebraic")
    if not game.exact:
        notes.append("the game was given with floats; they were used as exact binary rationals")
    return MixedMPEResult(_EXACT, True, tuple(rational), complete, params, tuple(notes), tuple(algebraic))
