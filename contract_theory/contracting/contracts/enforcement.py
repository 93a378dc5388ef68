r"""Enforceability: can coalition S make a target profile a* an equilibrium?

Model: ``docs/background/model.md#3-contracts`` (enforceable) and ``docs/background/model.md#6-assumptions``
(A3, A4).

Given a game G, signatories S (|S| ≥ 2) and a target pure profile a*, :func:`enforce`
decides whether some budget-balanced contract θ among S makes a* an equilibrium of the
augmented game G^θ (payoffs u + θ), and finds the **smallest penalty that does it**:
the least cap t = max_{i,a} |θ_i(a)| over all enforcing contracts.  This follows step 2 of
the proof idea (paper-notes B.3): members are fined for deviating and the fine is paid to
the other members, but only members' payoffs can move.

Outsiders.  An outsider's payoff is not changed by any contract among S, so if an outsider
o has a profitable deviation b_o at a* in G, a* is **never** enforceable by S, whatever the
contract and the cap.  The result then names the outsider, the deviation and its gain
(:class:`Deviation`).  For every concept the outsiders must best-respond at a*.

Concepts (``concept=``):

* ``"nash"`` — a* is a Nash equilibrium of G^θ.  LP over θ_i(a) for i ∈ S at a* and at the
  members' unilateral deviations (b_j, a*_{−j}): for each member j and b_j ≠ a*_j,
  u_j(a*) + θ_j(a*) ≥ u_j(b_j, a*_{−j}) + θ_j(b_j, a*_{−j}) + margin; Σ_{i∈S} θ_i = 0 at each of
  those outcomes; |θ_i(a)| ≤ t; minimize t.  θ is 0 elsewhere and depends on members'
  actions only, so the certificate serves both ``observes`` values.  Hand solution: with
  h_j = max_{b_j} [u_j(b_j, a*_{−j}) − u_j(a*)] + margin and h_j⁺ = max(h_j, 0),
  t* = max( max_j h_j⁺ / 2 , Σ_j h_j⁺ / |S| ), at most the deviation-penalty threshold
  ψ* = max_j h_j⁺ of :func:`deviation_penalty_threshold` (rebalancing θ(a*) among members helps
  when their gains differ).
* ``"dominant"`` — a*_j is a dominant strategy of every member j in G^θ, whatever all the
  others (members and outsiders) do: for all a_{−j} and b_j ≠ a*_j,
  u_j(a*_j, a_{−j}) + θ_j(a*_j, a_{−j}) ≥ u_j(b_j, a_{−j}) + θ_j(b_j, a_{−j}) + margin.  LP over all
  outcomes; with ``observes="members"`` θ is a function of a_S and the constraint holds
  against the worst outsiders' action (max over a_O of the gain).  Outsiders must
  best-respond at a* (a note says whether their a*_o is also dominant in G, i.e. whether a*
  is a dominant-strategy equilibrium of G^θ).
* ``"unique"`` — a* is the unique Nash equilibrium (pure or mixed) of G^θ.  **Sufficient
  condition, checked exactly**: iterated elimination of actions strictly dominated by pure
  actions leaves only a* in G^θ (strictly dominated strategies are never played in any Nash
  equilibrium).  First G itself is tested (then the null contract does it: min_penalty 0,
  exact); otherwise the construction makes every member's a*_j *strictly* dominant in G^θ
  (smallest cap by LP, an infimum) and then needs iterated strict dominance in the
  outsiders' game left when members play a*_S to leave only a*_O.  Definite negatives: an
  outsider deviates at a*; a* cannot be made a Nash equilibrium within the cap; with
  |S| < 2 (no transfer) the game has another pure equilibrium.  When the outsiders' part fails
  (but every outsider best-responds at a*), uniqueness might still be reachable by other
  contracts: the result has ``status="unknown"`` (``enforceable=False``), never a wrong
  "not enforceable".  The reported penalty is the smallest for the sufficient construction
  (``penalty_is_bound=True``: an upper bound on the true minimum for uniqueness).

Ties (named rule).  Weak inequalities: with ``margin=0`` and ``strict=False`` a* is
enforced even if a member is indifferent between a*_j and a deviation.  ``margin=m > 0``
requires every member's payoff at a* to exceed each deviation by at least m.
``strict=True`` makes the inequalities strict (> margin).  Strict constraints define an
open set, so the smallest penalty is an *infimum*: it equals the weak optimum t_w (a
deviation penalty with large ψ is strictly enforcing, and mixing it with a weak optimum
gives strictly enforcing contracts with caps arbitrarily close to t_w).  A second LP
(maximize the common slack δ at cap t_w) decides whether t_w is attained
(``attained=True``); if not, the certificate is the slack-maximizing contract at cap 2·t_w
(or at cap 1/denominator of the payoffs when t_w = 0), clipped to ``cap``.

Exactness.  The LPs are solved by :func:`contract_theory.exact.lp.solve_lp`, whose optimum
comes with an exact primal-dual optimality certificate (``Enforcement.certified``), so
``min_penalty`` is the exact minimum.  Independently, the returned certificate contract is
verified exactly by recomputing best responses (or dominance) on
``contract.augmented_game()`` (:func:`verify_enforcement`).

Size.  Budget balance is eliminated (the last member pays minus the others' sum), so the LP
has (|S| − 1)·C + 1 variables, C = outcomes involved: 1 + Σ_{j∈S}(m_j − 1) for "nash",
prod_{j∈S} m_j (``observes="members"``) or prod_i m_i (``"all"``) for "dominant"/"unique".
Beyond ``max_variables`` (default 200) :class:`~contract_theory.errors.SizeLimitError` is
raised.  Measured (2 shared cores, loaded): "nash" on 5×5×5 with |S| = 3, 0.02–0.06 s;
"dominant", ``observes="all"``, 3×3×3 with |S| = 3 (55 variables) 0.1–5 s and 4×4×4 (129
variables) 30–50 s — the slow cases are degenerate LPs where the float-to-exact recovery of
:mod:`~contract_theory.exact.lp` fails and its exact simplex runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal, NamedTuple

import numpy as np

from contract_theory.contracting.contracts.contract import (
    Contract,
    Observes,
    broadcast_members,
    check_observes,
    null_contract,
    resolve_signatories,
)
from contract_theory.equilibria.pure import pure_nash_mask
from contract_theory.errors import GameError, ParameterError, SizeLimitError
from contract_theory.exact.lp import solve_lp
from contract_theory.exact.numbers import fmt, to_fraction
from contract_theory.games.normal_form import NormalFormGame, Profile

__all__ = [
    "Enforcement", "Deviation", "enforce", "outsider_deviation", "deviation_penalty_threshold",
    "verify_enforcement", "CONCEPTS", "Concept", "EnforcementTerms",
]

#: Accepted values of ``concept``.
Concept = Literal["nash", "dominant", "unique"]
CONCEPTS = ("nash", "dominant", "unique")


@dataclass(frozen=True)
class EnforcementTerms:
    """What an enforcing contract may use and how strong the incentive must be (:func:`enforce`).

    ``observes``: what theta may condition on (``"members"`` or ``"all"``); ``cap``: the largest
    |theta| allowed (``None``: no cap); ``margin`` (>= 0): every member deviation must lose at least
    this much; ``strict``: and strictly more (the module docstring's tie rule).

    Examples
    --------
    >>> EnforcementTerms(cap=2, strict=True).cap
    2
    """

    observes: Observes = "members"
    cap: Any = None
    margin: Any = 0
    strict: bool = False


class Deviation(NamedTuple):
    """A profitable unilateral deviation: ``player`` switching to ``action`` gains ``gain`` > 0."""

    player: int
    action: int
    gain: Fraction


@dataclass(frozen=True)
class Enforcement:
    """Result of :func:`enforce`.

    Attributes
    ----------
    enforceable
        ``True`` iff an enforcing contract was found (within ``cap``) and verified
        exactly on its augmented game.
    min_penalty
        The smallest max_{i,a}|θ_i(a)| over enforcing contracts (Fraction), also
        reported when it exceeds ``cap``; ``None`` when no contract can enforce (an
        outsider deviates, or a single signatory) or, for "unique", when the outsiders' part
        of the sufficient condition fails.
    contract
        The certificate (a :class:`~contract_theory.contracting.contracts.contract.Contract`), or ``None``.
    reason
        One line saying why.
    witness
        For an outsider failure a :class:`Deviation`; for a cap failure
        ``("cap", min_penalty, cap)``; for "unique" with status "unknown" because of the
        outsiders, a dict outsider name -> action labels surviving iterated strict dominance;
        otherwise ``None``.
    status
        ``"enforceable"``, ``"not_enforceable"`` or ``"unknown"`` (only for
        ``concept="unique"``, whose test is a sufficient condition).
    concept
        The concept asked for.
    attained
        Whether ``min_penalty`` is attained by an enforcing contract (``False`` only
        for strict enforcement whose infimum is not attained).
    penalty_is_bound
        ``True`` for ``"unique"``: ``min_penalty`` is the minimum of the
        sufficient construction, an upper bound on the true minimum.
    certified
        Whether the LP optimum carries an exact optimality certificate.
    method
        LP method used.
    notes
        Further facts.
    parameters
        The arguments.

    ``bool(result)`` is ``result.enforceable``.
    """

    enforceable: bool
    min_penalty: Fraction | None
    contract: Contract | None
    reason: str
    witness: Any = None
    status: str = "enforceable"
    concept: Concept = "nash"
    attained: bool = True
    penalty_is_bound: bool = False
    certified: bool = True
    method: str = ""
    notes: tuple[str, ...] = ()
    parameters: dict[str, Any] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return self.enforceable


# ---------------------------------------------------------------------- helpers
def outsider_deviation(game: NormalFormGame, signatories: Sequence[int | str],
                       target: Sequence[int | str]) -> Deviation | None:
    """The profitable deviation of an outsider of S at ``target``, or ``None``.

    Outsiders keep their payoffs under any contract among S, so a non-``None`` answer means
    ``target`` is enforceable by S under no concept.  Tie rule: the lowest-index outsider
    with a profitable deviation, its best deviation, lowest action index among equals.
    O(Σ_o m_o).

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> outsider_deviation(public_goods(4, "8/5", 20), [0, 1], ("20", "20", "20", "20"))
    Deviation(player=2, action=0, gain=Fraction(12, 1))
    """
    S = resolve_signatories(game, signatories)
    prof = game.check_profile(target)
    for o in range(game.n_players):
        if o in S:
            continue
        idx: list[int | slice] = list(prof)
        idx[o] = slice(None)
        u = game.table[tuple(idx) + (o,)]
        best = int(np.argmax(u))
        if u[best] > u[prof[o]]:
            return Deviation(o, best, Fraction(int(u[best] - u[prof[o]]), game.denominator))
    return None


def deviation_penalty_threshold(game: NormalFormGame, signatories: Sequence[int | str],
                                target: Sequence[int | str], *, concept: Concept = "nash",
                                margin: Any = 0) -> Fraction:
    """Smallest ψ for which the deviation penalty θ^pen_ψ enforces ``target`` for the members
    (weak inequalities with ``margin``), in closed form.

    Under θ^pen a member who deviates alone pays ψ and what it receives from other
    deviators is the same whether it deviates or not, so its payoff difference is
    u_j(b_j, a_{−j}) − u_j(a*_j, a_{−j}) − ψ.  Hence ψ* = max_j max_{b_j} [gain + margin]⁺
    with the gain at a*_{−j} (``"nash"``) or the worst over all a_{−j} (``"dominant"``).
    Outsiders are not checked (see :func:`outsider_deviation`).  O(n · prod(m_i)).

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> deviation_penalty_threshold(prisoners_dilemma(), [0, 1], ("C", "C"))   # T - R
    Fraction(2, 1)
    """
    if concept not in ("nash", "dominant"):
        raise ParameterError(f"concept must be 'nash' or 'dominant' here, got {concept!r}")
    S = resolve_signatories(game, signatories)
    prof = game.check_profile(target)
    m = _nonneg(margin, "margin")
    best: Fraction | None = None
    for j in S:
        if game.shape[j] < 2:
            continue
        g = _deviation_gains(game.table, prof, j, concept)
        v = Fraction(int(g.max()), game.denominator) + m
        best = v if best is None or v > best else best
    return max(best, Fraction(0)) if best is not None else Fraction(0)


def _deviation_gains(table: np.ndarray, prof: tuple[int, ...], j: int, concept: str) -> np.ndarray:
    """Integer gains u_j(b_j, a_{-j}) - u_j(a*_j, a_{-j}) of player j's deviations b_j != a*_j from
    ``prof``: at a*_{-j} only (``concept="nash"``) or at every a_{-j} (otherwise).  Vectorized."""
    u = table[..., j]
    gain = u - np.take(u, [prof[j]], axis=j)
    if concept == "nash":
        idx: list[int | slice] = list(prof)
        idx[j] = slice(None)
        return np.asarray(np.delete(gain[tuple(idx)], prof[j]))
    return np.asarray(np.delete(gain, prof[j], axis=j))


def _nonneg(x: Any, what: str) -> Fraction:
    try:
        f = to_fraction(x, what=what)
    except GameError as exc:
        raise ParameterError(str(exc)) from None
    if f < 0:
        raise ParameterError(f"{what} must be >= 0, got {fmt(f)}")
    return f


# ---------------------------------------------------------------------- LP assembly
class _Constraints(NamedTuple):
    """θ_{S[q]}(hi) − θ_{S[q]}(lo) ≥ rhs (+ margin), cells as flat indices of ``cell_shape``."""

    cell_shape: tuple[int, ...]
    over_members: bool       # cells are members' joint actions (else full profiles)
    q: np.ndarray            # member position in S
    hi: np.ndarray
    lo: np.ndarray
    gain_num: np.ndarray     # integer gains; true gain = gain_num / den
    den: int


def _constraints(game: NormalFormGame, S: tuple[int, ...], prof: Profile, concept: str,
                 observes: Observes) -> _Constraints:
    """Incentive constraints, vectorized: one row per (member, cell where it deviates)."""
    n = game.n_players
    outs = [o for o in range(n) if o not in S]
    over_members = concept == "nash" or observes == "members"
    axes = list(S) if over_members else list(range(n))
    cell_shape = tuple(game.shape[i] for i in axes)
    qs, his, los, gains = [], [], [], []
    for q, j in enumerate(S):
        if game.shape[j] < 2:
            continue
        u = game.table[..., j]
        gain = u - np.take(u, [prof[j]], axis=j)            # full shape
        if concept == "nash":
            gain = gain[tuple(prof[i] if i in outs else slice(None) for i in range(n))]
        elif over_members and outs:
            gain = gain.max(axis=tuple(outs))                # worst outsiders' action
        p = axes.index(j)
        coords = np.indices(cell_shape).reshape(len(cell_shape), -1)
        mask = coords[p] != prof[j]
        if concept == "nash":
            for r, i in enumerate(axes):
                if i != j:
                    mask &= coords[r] == prof[i]
        lo = coords[:, mask]
        hi = lo.copy()
        hi[p] = prof[j]
        qs.append(np.full(lo.shape[1], q, dtype=np.int64))
        los.append(np.ravel_multi_index(tuple(lo), cell_shape))
        his.append(np.ravel_multi_index(tuple(hi), cell_shape))
        gains.append(gain.reshape(-1)[mask])
    if qs:
        cat = np.concatenate
        return _Constraints(cell_shape, over_members, cat(qs), cat(his), cat(los), cat(gains), game.denominator)
    e = np.zeros(0, dtype=np.int64)
    return _Constraints(cell_shape, over_members, e, e, e, e, game.denominator)


class _LPOut(NamedTuple):
    status: str
    values: dict[tuple[int, int], Fraction] | None   # (member position, cell) -> θ
    objective: Fraction | None
    certified: bool
    method: str


def _lp(S: tuple[int, ...], cons: _Constraints, margin: Fraction, *, mode: str,
        cap: Fraction | None = None) -> _LPOut:
    """Build (vectorized: the matrices are small-integer arrays) and solve one exact LP.

    ``mode="min_cap"``: minimize t s.t. incentives with ``margin``, budget balance, |θ| ≤ t.
    ``mode="max_slack"``: maximize δ s.t. incentives with ``margin + δ``, budget balance,
    |θ| ≤ ``cap``.

    Budget balance is eliminated: the variables are θ of the first |S| − 1 members at each
    involved cell, and the last member's transfer is minus their sum (the map ``M`` below), so
    the LP has (|S| − 1)·C + 1 variables and no equality rows.
    """
    k = len(S)
    used = np.unique(np.concatenate([cons.hi, cons.lo]))
    C = len(used)
    ny = (k - 1) * C                    # free θ_{S[q]}(cell), q < k-1, at q*C + cell
    nv = ny + 1                         # then t (min_cap) or δ (max_slack)
    M = np.zeros((k * C, ny), dtype=np.int64)        # full θ (q*C + cell) = M @ y
    M[:ny, :] = np.eye(ny, dtype=np.int64)
    for q in range(k - 1):
        M[ny + np.arange(C), q * C + np.arange(C)] = -1
    R = len(cons.q)
    rows = np.arange(R)
    inc_full = np.zeros((R, k * C), dtype=np.int64)
    inc_full[rows, cons.q * C + np.searchsorted(used, cons.lo)] += 1
    inc_full[rows, cons.q * C + np.searchsorted(used, cons.hi)] -= 1
    inc = np.zeros((R, nv), dtype=np.int64)
    inc[:, :ny] = inc_full @ M
    b_inc = [-(Fraction(int(gn), cons.den) + margin) for gn in cons.gain_num]
    zero = Fraction(0)
    obj = [0] * ny + [1]
    capm = np.unique(np.vstack([M, -M]), axis=0)     # ±θ_i(cell) as rows over y (duplicates merged)
    if mode == "min_cap":
        capr = np.hstack([capm, -np.ones((len(capm), 1), dtype=np.int64)])
        A_ub = np.vstack([inc, capr])
        b_ub = b_inc + [zero] * len(capm)
        maximize = False
    else:
        assert cap is not None
        inc[:, ny] = 1
        capr = np.hstack([capm, np.zeros((len(capm), 1), dtype=np.int64)])
        A_ub = np.vstack([inc, capr])
        b_ub = b_inc + [cap] * len(capm)
        maximize = True
    bounds: list[tuple[Any, Any]] = [(None, None)] * ny + [(0, None)]
    res = solve_lp(obj, A_ub=A_ub, b_ub=b_ub, bounds=bounds, maximize=maximize)
    method = f"exact_lp:{res.method}"
    if res.status != "optimal" or res.x is None:
        return _LPOut(res.status, None, None, res.certified, method)
    y = [Fraction(v) for v in res.x[:ny]]
    vals: dict[tuple[int, int], Fraction] = {}
    for cell in range(C):
        col = [y[q * C + cell] for q in range(k - 1)]
        col.append(-sum(col, zero))
        for q in range(k):
            vals[(q, int(used[cell]))] = col[q]
    return _LPOut(res.status, vals, Fraction(res.x[ny]), res.certified, method)


def _contract_from(game: NormalFormGame, S: tuple[int, ...], cons: _Constraints,
                   vals: dict[tuple[int, int], Fraction], observes: Observes, name: str) -> Contract:
    n = game.n_players
    arr = np.empty(cons.cell_shape + (n,), dtype=object)
    arr[...] = Fraction(0)
    flat = arr.reshape(-1, n)
    for (q, cell), v in vals.items():
        flat[cell, S[q]] = v
    if cons.over_members:
        arr = broadcast_members(game, S, arr)
    return Contract(game, S, arr, observes=observes, name=name)


# ---------------------------------------------------------------------- verification
def verify_enforcement(contract: Contract, target: Sequence[int | str], *, concept: Concept = "nash",
                       margin: Any = 0, strict: bool = False) -> bool:
    """Exact check that ``contract`` enforces ``target`` under ``concept`` for its members.

    ``"nash"``: ``target`` is a pure Nash equilibrium of ``contract.augmented_game()``
    (:func:`~contract_theory.equilibria.pure.pure_nash_mask`) and every member's payoff there exceeds
    each unilateral deviation by ≥ margin (> margin if ``strict``).  ``"dominant"`` /
    ``"unique"``: every member's a*_j beats every b_j by ≥ margin (> if strict; strict is
    forced for ``"unique"``) against every a_{−j}, and outsiders best-respond at a* (the
    outsiders' part of the "unique" construction is checked by :func:`enforce`).
    Vectorized, O(n · prod(m_i)).

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> from contract_theory.contracting.contracts.contract import deviation_penalty
    >>> c = deviation_penalty(prisoners_dilemma(), [0, 1], ("C", "C"), 2)   # psi = T - R
    >>> verify_enforcement(c, ("C", "C")), verify_enforcement(c, ("C", "C"), strict=True)
    (True, False)
    >>> verify_enforcement(c, ("C", "C"), concept="dominant")   # at (., D) the gain P - S = 1 < 2
    True
    """
    g = contract.augmented_game()
    prof = g.check_profile(target)
    m = _nonneg(margin, "margin")
    strict = strict or concept == "unique"
    if not bool(pure_nash_mask(g)[prof]):
        return False
    t, den = g.table, g.denominator
    for j in contract.signatories:
        if g.shape[j] < 2:
            continue
        # the smallest margin of complying over deviating: minus the largest deviation gain
        lo = -Fraction(int(_deviation_gains(t, prof, j, concept).max()), den)
        if lo < m or (strict and lo == m):
            return False
    return True


def _iesds(game: NormalFormGame) -> list[list[int]]:
    """Actions of every player surviving iterated elimination of actions strictly dominated by
    another pure action (order-independent for strict dominance).  One index list per player."""
    t = game.table
    alive = [list(range(m)) for m in game.shape]
    changed = True
    while changed:
        changed = False
        for r in range(game.n_players):
            sub = t[np.ix_(*alive, [r])][..., 0]
            u = np.moveaxis(sub, r, 0).reshape(len(alive[r]), -1)
            keep = [a for a in range(len(alive[r]))
                    if not any(bool(np.all(u[b] > u[a])) for b in range(len(alive[r])) if b != a)]
            if len(keep) < len(alive[r]):
                alive[r] = [alive[r][a] for a in keep]
                changed = True
    return alive


# ---------------------------------------------------------------------- main entry
def enforce(
    game: NormalFormGame,
    signatories: Sequence[int | str],
    target: Sequence[int | str],
    *,
    concept: Concept = "nash",
    terms: EnforcementTerms = EnforcementTerms(),
    max_variables: int = 200,
) -> Enforcement:
    """Can coalition S make ``target`` an equilibrium (``concept``) of the augmented game, and
    what is the smallest penalty that does it?  See the module docstring for the LPs,
    the tie rule (weak inequalities; ``terms.margin``; ``terms.strict``) and the sufficient
    condition used for ``"unique"``.

    Parameters: ``signatories`` (indices or names, |S| ≥ 2 unless the target is already
    enforced by the null contract); ``target`` a pure profile (indices or labels);
    ``terms`` (:class:`EnforcementTerms`): what θ may condition on, the largest |θ| allowed and
    the required incentive; ``max_variables`` the LP size limit (:class:`SizeLimitError`).

    Complexity: vectorized O(n · prod(m_i)) set-up and one or two exact LPs with
    (|S| − 1)·C + 1 variables (C and measured timings in the module docstring).

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> r = enforce(prisoners_dilemma(), [0, 1], ("C", "C"))
    >>> r.enforceable, r.min_penalty, r.contract.transfer(("D", "C"))
    (True, Fraction(2, 1), (Fraction(-2, 1), Fraction(2, 1)))
    >>> from contract_theory.games.library import public_goods
    >>> r = enforce(public_goods(4, "8/5", 20), [0, 1], ("20", "20", "20", "20"))
    >>> r.enforceable, r.witness
    (False, Deviation(player=2, action=0, gain=Fraction(12, 1)))
    """
    if concept not in CONCEPTS:
        raise ParameterError(f"concept must be one of {list(CONCEPTS)}, got {concept!r}")
    observes = check_observes(terms.observes)
    S = resolve_signatories(game, signatories)
    prof = game.check_profile(target)
    m = _nonneg(terms.margin, "margin")
    cap_f = None if terms.cap is None else _nonneg(terms.cap, "cap")
    strict = bool(terms.strict) or concept == "unique"
    params = {"signatories": S, "target": prof, "concept": concept, "observes": observes, "cap": cap_f,
              "margin": m, "strict": strict}
    job = _Job(game, S, prof, concept, params, [], cap_f, m, strict, observes)
    early = _without_lp(job)
    if early is not None:
        return early
    cons = _constraints(game, S, prof, "nash" if concept == "nash" else "dominant", observes)
    n_vars = (len(S) - 1) * len(np.unique(np.concatenate([cons.hi, cons.lo]))) + 1
    if n_vars > max_variables:
        raise SizeLimitError(f"the enforcement LP has {n_vars} variables, above max_variables={max_variables}")
    if len(cons.q) == 0 or len(S) < 2:  # no transfer possible or needed: only the null contract
        return _null_only(job, cons)
    weak = _lp(S, cons, m, mode="min_cap")
    if weak.status != "optimal":  # cannot happen for |S| >= 2 (deviation penalties enforce)
        raise RuntimeError(f"enforcement LP ended with status {weak.status!r}")
    assert weak.values is not None and weak.objective is not None
    t_w = weak.objective
    contract, attained, certified = _certificate(job, cons, weak)
    if cap_f is not None and (t_w > cap_f or (not attained and t_w >= cap_f)):
        return _over_cap(job, _Capped(t_w, attained, certified, weak.method), max_variables)
    assert contract is not None
    return _finish(job, contract, t_w, attained, "", certified, weak.method)


def _common(job: _Job) -> dict[str, Any]:
    return dict(concept=job.concept, parameters=job.params)


def _null(job: _Job) -> Contract:
    """The contract without transfers among the signatories."""
    return Contract(job.game, job.S, null_contract(job.game).transfers, observes=job.observes, name="null")


def _without_lp(job: _Job) -> Enforcement | None:
    """The answers that need no LP: an outsider deviates, or (``"unique"``) the game itself solves by dominance.

    Adds the outsiders' dominance note for ``"dominant"``.
    """
    game, S, prof = job.game, job.S, job.prof
    labels = game.labels(prof)
    dev = outsider_deviation(game, S, prof)
    if dev is not None:
        o, b, gain = dev
        return Enforcement(False, None, None,
                           f"outsider {game.players[o]!r} gains {fmt(gain)} by deviating to "
                           f"{game.actions[o][b]!r} at {labels}; no contract among the signatories changes "
                           "an outsider's payoff", witness=dev, status="not_enforceable", **_common(job))
    if job.concept == "unique" and all(al == [a] for al, a in zip(_iesds(game), prof)):
        return Enforcement(True, Fraction(0), _null(job), f"{labels} is the only profile surviving iterated strict "
                           "dominance in the game itself, hence its unique Nash equilibrium: no transfer is needed",
                           method="iterated-strict-dominance", **_common(job))
    if job.concept == "dominant":
        outs = [o for o in range(game.n_players) if o not in S]
        nondom = [game.players[o] for o in outs if not _is_dominant(game, o, prof[o])]
        job.notes.append("outsiders' target actions are weakly dominant in the game: a* is a dominant-strategy "
                         "equilibrium of the augmented game" if not nondom else
                         f"outsiders {nondom} best-respond at a* but their target actions are not dominant")
    return None


def _null_only(job: _Job, cons: _Constraints) -> Enforcement:
    """No transfer is possible (one signatory) or needed (no member has an alternative): only the null contract."""
    game, S, prof, concept = job.game, job.S, job.prof, job.concept
    labels = game.labels(prof)
    c0 = _null(job)
    if verify_enforcement(c0, prof, concept="nash" if concept == "nash" else "dominant", margin=job.m,
                          strict=job.strict):
        return _finish(job, c0, Fraction(0), True, "no member has an alternative action" if len(cons.q) == 0 else
                       f"{labels} is enforced without transfers", True, "trivial")
    who = f"{len(S)} signator{'y' if len(S) == 1 else 'ies'}"
    why = (f"{who} cannot sign a budget-balanced transfer and {labels} is not {'strictly ' if job.strict else ''}"
           "enforced without one")
    common = dict(_common(job), status="not_enforceable", method="trivial", notes=tuple(job.notes))
    if concept != "unique":
        return Enforcement(False, None, None, why, **common)
    if not verify_enforcement(c0, prof, concept="nash"):
        return Enforcement(False, None, None, f"{labels} is not even a Nash equilibrium and {who} cannot sign a "
                           "transfer", **common)
    others = [tuple(int(v) for v in row) for row in np.argwhere(pure_nash_mask(game)) if tuple(row) != prof]
    if others:  # the game is unchanged and has another equilibrium
        return Enforcement(False, None, None, f"no transfer is possible and {game.labels(others[0])} is "
                           "another Nash equilibrium", witness=others[0], **common)
    # the sufficient condition fails; uniqueness is not decided
    return Enforcement(False, None, None, "unknown: " + why + " (members not strictly dominant); a* might "
                       "still be the unique equilibrium", **dict(common, status="unknown"), penalty_is_bound=True)


def _certificate(job: _Job, cons: _Constraints, weak: _LPOut) -> tuple[Contract | None, bool, bool]:
    """(certificate contract, whether the minimum is attained, whether the LPs are certified).

    Weak enforcement: the minimum-cap LP's contract.  Strict: the largest slack at that cap; when
    none is positive the infimum is not attained and the certificate uses a larger cap (within
    ``cap``), or there is none.
    """
    assert weak.values is not None and weak.objective is not None
    game, S, m, cap_f, t_w = job.game, job.S, job.m, job.cap_f, weak.objective
    name = f"enforce {job.concept} {game.labels(job.prof)}"
    contract = _contract_from(game, S, cons, weak.values, job.observes, name)
    if not job.strict:
        return contract, True, weak.certified
    slack = _lp(S, cons, m, mode="max_slack", cap=t_w)
    certified = weak.certified and slack.certified
    if slack.status == "optimal" and slack.objective is not None and slack.objective > 0:
        assert slack.values is not None
        return _contract_from(game, S, cons, slack.values, job.observes, name), True, certified
    if cap_f is not None and cap_f <= t_w:
        return None, False, certified
    cap_c = 2 * t_w if t_w > 0 else Fraction(1, game.denominator)
    if cap_f is not None:
        cap_c = min(cap_c, cap_f)
    slack2 = _lp(S, cons, m, mode="max_slack", cap=cap_c)
    if slack2.status != "optimal" or slack2.values is None or not slack2.objective:
        raise RuntimeError("strict enforcement LP found no positive slack above the infimum")
    job.notes.append(f"strict enforcement: the infimum {fmt(t_w)} is not attained; the certificate uses "
                     f"cap {fmt(cap_c)}")
    return _contract_from(game, S, cons, slack2.values, job.observes, name), False, certified and slack2.certified


@dataclass(frozen=True)
class _Capped:
    """The minimum penalty of an LP that exceeds the cap: value, attained, certified, method."""

    t: Fraction
    attained: bool
    certified: bool
    method: str


def _over_cap(job: _Job, lp: _Capped, max_variables: int) -> Enforcement:
    """Enforcing needs more than the cap; for ``"unique"``, whether even a Nash equilibrium is out of reach."""
    labels, cap_f, t_w = job.game.labels(job.prof), job.cap_f, lp.t
    assert cap_f is not None
    more = "more than " if not lp.attained else ""
    common = dict(_common(job), attained=lp.attained, method=lp.method, notes=tuple(job.notes))
    if job.concept != "unique":
        return Enforcement(False, t_w, None, f"enforcing {labels} needs transfers of {more}{fmt(t_w)}, above the cap "
                           f"{fmt(cap_f)}", witness=("cap", t_w, cap_f), status="not_enforceable",
                           certified=lp.certified, **common)
    nash = enforce(job.game, job.S, job.prof, concept="nash", terms=EnforcementTerms(job.observes, cap_f, job.m),
                   max_variables=max_variables)
    if nash.status == "not_enforceable":  # a* cannot even be made a Nash equilibrium within the cap
        return Enforcement(False, t_w, None, f"{nash.reason}: a* cannot be made a Nash equilibrium, let alone the "
                           "unique one", witness=nash.witness, status="not_enforceable", penalty_is_bound=True,
                           certified=lp.certified and nash.certified, **common)
    # only the sufficient construction is too expensive
    return Enforcement(False, t_w, None, f"unknown: the sufficient construction (members strictly dominant) needs "
                       f"transfers of {more}{fmt(t_w)}, above the cap {fmt(cap_f)}; other contracts might still make "
                       "a* unique", witness=("cap", t_w, cap_f), status="unknown", penalty_is_bound=True,
                       certified=lp.certified, **common)


def _is_dominant(game: NormalFormGame, i: int, a: int) -> bool:
    u = game.table[..., i]
    return bool(np.all(np.take(u, [a], axis=i) >= u))


@dataclass(frozen=True)
class _Job:
    """One :func:`enforce` call's validated inputs (``notes`` is filled as it runs)."""

    game: NormalFormGame
    S: tuple[int, ...]
    prof: Profile
    concept: Concept
    params: dict[str, Any]
    notes: list[str]
    cap_f: Fraction | None
    m: Fraction
    strict: bool
    observes: Observes = "members"


def _finish(job: _Job, contract: Contract, t: Fraction, attained: bool, why: str, certified: bool,
            method: str) -> Enforcement:
    game, S, prof, concept, params, notes = job.game, job.S, job.prof, job.concept, job.params, job.notes
    m, strict = job.m, job.strict
    labels = game.labels(prof)
    check_concept: Concept = "nash" if concept == "nash" else "dominant"
    if not verify_enforcement(contract, prof, concept=check_concept, margin=m, strict=strict):
        raise RuntimeError(f"internal error: the certificate does not enforce {labels} ({method})")
    common: dict[str, Any] = dict(concept=concept, parameters=params, attained=attained, certified=certified,
                                  method=method)
    if not certified:
        notes.append("the LP optimum is not certified: the certificate contract is exact and verified, the "
                     "minimality of min_penalty is not")
    amount = fmt(t) if attained else f"just above {fmt(t)} (infimum, not attained)"
    if concept != "unique":
        what = "a Nash equilibrium" if concept == "nash" else "dominant for every member"
        return Enforcement(True, t, contract, why or f"{labels} made {what} with transfers of {amount}",
                           notes=tuple(notes), **common)
    alive = _iesds(contract.augmented_game())
    outs = [o for o in range(game.n_players) if o not in S]
    if all(len(a) == 1 for a in alive):  # the survivor is a* because a* is a Nash equilibrium
        return Enforcement(True, t, contract,
                           f"members strictly dominant and the outsiders' residual game is solved by iterated "
                           f"strict dominance: {labels} is the unique Nash equilibrium (sufficient condition) with "
                           f"transfers of {amount}",
                           penalty_is_bound=True, notes=tuple(notes), **common)
    left = {game.players[o]: [game.actions[o][a] for a in alive[o]] for o in outs}
    return Enforcement(False, None, None,
                       f"unknown: members can be made strictly dominant, but iterated strict dominance in the "
                       f"outsiders' residual game leaves {left}; uniqueness might still be reachable",
                       witness=left, status="unknown", penalty_is_bound=True, notes=tuple(notes),
                       **{k: v for k, v in common.items() if k != "attained"})
