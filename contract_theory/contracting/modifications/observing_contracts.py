r"""Contracts that observe outsiders' actions (``observes="all"``) under Nash timing.

Definition (``docs/background/modifications.md#contracts-observing-outsiders``).  A contract
(S, theta) of a coalition S pays transfers theta_i(x), i in S, budget-balanced among the
members (sum_{i in S} theta_i(x) = 0), where x is what the contract observes:
``observes="members"``: the members' joint action a_S; ``observes="all"``: the whole profile
a, so members' transfers may depend on what outsiders do.  Outsiders are never paid or
fined (``docs/background/model.md#3-contracts``).  Under Nash timing the bloc and the
outsiders move simultaneously.

Two sets are computed, both ways, per coalition:

* **enforceable profiles**: a is a pure Nash equilibrium of the augmented game G^theta for
  some contract theta with the given observation (and |theta_i| <= ``cap`` when given) —
  decided per profile by a linear feasibility problem over the transfers at the observations
  a one-player deviation from a produces, solved in closed form over all profiles at once
  (exact integers; the exact, certified LP of :func:`contract_theory.exact.lp.solve_lp` per
  profile is kept as ``method="lp"``, the independent check);
* **reachable outcomes** (Nash timing): enforceable profiles at which the members' joint
  action maximizes their total U_S against the outsiders' actions (the bloc picks the
  contract to maximize U_S, which transfers do not change), outsiders best-responding.

Why the two observations reach the same sets in a one-shot game.  Outsiders' payoffs do
not contain theta, so their equilibrium conditions do not depend on the contract; a
member's deviation from a changes only its own action, so every member constraint
compares theta at a with theta at (b_i, a_-i) — both observe the outsiders at a_O.  The
"all" problem is the "members" problem with extra variables that enter no inequality.
Observing outsiders helps only where members can respond to what outsiders did: in
repeated or Markov games (contracts conditioning later play on observed actions, paper
notes E.3 G4(f)), not in a one-shot game.  :func:`observation_comparison` reports
``enlarges`` from the two computed sets, not from this argument.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from contract_theory.contracting.coalitions.normal_form import check_coalition
from contract_theory.contracting.coalitions.rules import Selection
from contract_theory.contracting.modifications.shared import SolverRecord, check_selection, select_profile
from contract_theory.equilibria.pure import best_response_masks
from contract_theory.errors import ParameterError, SizeLimitError
from contract_theory.exact.lp import solve_lp
from contract_theory.games.normal_form import NormalFormGame, Profile

__all__ = ["OBSERVATIONS", "ObservationComparison", "enforceable_profiles", "reachable_outcomes",
           "observation_comparison"]

OBSERVATIONS: tuple[str, ...] = ("members", "all")


def _observe(profile: tuple[int, ...], members: tuple[int, ...], observes: str) -> tuple[int, ...]:
    return tuple(profile[i] for i in members) if observes == "members" else profile


def _enforceable_lp(game: NormalFormGame, members: tuple[int, ...], prof: Profile, observes: str,
                    cap: Fraction | None) -> bool:
    """Exact LP: is there a budget-balanced theta (on ``observes``) making ``prof`` a pure NE for the members?"""
    fr = game.fractions
    points = [prof] + [prof[:j] + (b,) + prof[j + 1:] for j in range(game.n_players)
                       for b in range(game.shape[j]) if b != prof[j]]
    obs: dict[tuple[int, ...], int] = {}
    for p in points:
        obs.setdefault(_observe(p, members, observes), len(obs))
    m = len(members)
    nvar = m * len(obs)

    def var(i: int, x: tuple[int, ...]) -> int:
        return obs[x] * m + members.index(i)

    A_eq = [[int(v // m == k) for v in range(nvar)] for k in obs.values()]
    A_ub: list[list[Any]] = []
    b_ub: list[Fraction] = []
    here = _observe(prof, members, observes)
    for i in members:
        for b in range(game.shape[i]):
            if b == prof[i]:
                continue
            dev = prof[:i] + (b,) + prof[i + 1:]
            # u_i(dev) + theta_i(obs(dev)) <= u_i(prof) + theta_i(obs(prof))
            row: list[Any] = [0] * nvar
            row[var(i, _observe(dev, members, observes))] += 1
            row[var(i, here)] -= 1
            A_ub.append(row)
            b_ub.append(fr[prof][i] - fr[dev][i])
    bounds = (None, None) if cap is None else (-cap, cap)
    res = solve_lp([0] * nvar, A_ub=A_ub or None, b_ub=b_ub or None, A_eq=A_eq, b_eq=[0] * len(A_eq), bounds=bounds)
    if not res.certified:  # pragma: no cover - solve_lp raises rather than return an uncertified answer
        raise RuntimeError("uncertified LP answer")
    return res.status == "optimal"


def _enforceable_closed_form(game: NormalFormGame, members: tuple[int, ...], cands: np.ndarray,
                             cap: Fraction | None) -> np.ndarray:
    """The LP of :func:`_enforceable_lp` solved in closed form at every candidate profile at once.

    Each member deviation (i, b) is observed at its own point x (i's action is observed in both
    modes), which enters only i's inequality theta_i(x) - theta_i(a) <= u_i(a) - u_i(x); an
    outsider's deviation enters none.  So theta_i(x) is pushed as low as allowed: without a cap
    without bound (|S| >= 2: the other members take the fine), so every candidate is
    enforceable.  With cap c, theta_i(x) >= -c, so the profile is enforceable iff
    some t = theta(a) with sum 0 and |t_i| <= c has t_i >= H_i - c, where H_i >= 0 is i's best
    deviation gain at a: iff every H_i <= 2c and sum_i (H_i - c) <= 0.  Exact integer arithmetic
    (the table's units of 1 / denominator).
    """
    t = game.table
    gains = [(t[..., i].max(axis=i, keepdims=True) - t[..., i]).astype(object) for i in members]
    idx = tuple(cands.T)
    if cap is None:
        ok = np.ones(len(cands), dtype=bool)
    else:
        # H_i / den <= 2c and sum_i H_i / den <= |S| c, cleared of denominators
        num, den = cap.numerator * game.denominator, cap.denominator
        total = sum(g[idx] for g in gains)
        ok = (total * den <= len(members) * num) & np.logical_and.reduce([g[idx] * den <= 2 * num for g in gains])
    out = np.zeros(game.shape, dtype=bool)
    out[idx] = np.asarray(ok, dtype=bool)
    return out


#: How :func:`enforceable_profiles` decides a candidate profile: its closed form, or one exact LP each.
METHODS: tuple[str, ...] = ("closed form", "lp")


def enforceable_profiles(game: NormalFormGame, coalition: Iterable[int | str], *, observes: str = "members",
                         cap: Any = None, max_lps: int = 5_000, method: str = "closed form") -> np.ndarray:
    """Boolean array of shape ``game.shape``: profiles some contract of S (observing ``observes``) makes a pure NE.

    Outsiders' conditions are checked directly (they do not involve the contract); every
    profile where all outsiders best-respond is decided by the feasibility problem over the
    transfers, ``method="closed form"`` (default) by its solution in closed form, vectorized
    over all profiles (:func:`_enforceable_closed_form`), ``method="lp"`` by one exact,
    certified LP per profile.  The two agree (tests/test_modifications.py cross-checks them);
    the LP is kept as the independent check.  With ``"lp"``, more than ``max_lps`` candidate
    profiles raises :class:`~contract_theory.errors.SizeLimitError`.
    Complexity: closed form O(|S| * n * prod(m_i)) exact integer operations; LP: that many LPs
    of |S| * (1 + sum_i (m_i - 1)) variables (a 30 x 30 game: 900 LPs of 118 variables, more
    than a minute; the closed form: milliseconds).

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> bool(enforceable_profiles(prisoners_dilemma(), [0, 1], observes="all").all())
    True
    >>> bool(enforceable_profiles(prisoners_dilemma(), [0, 1], cap=1)[0, 0])  # (C, C) needs an off-path fine of 2
    False
    >>> bool(enforceable_profiles(prisoners_dilemma(), [0, 1], cap=2)[0, 0])
    True
    >>> bool(enforceable_profiles(prisoners_dilemma(), [0, 1], cap=1, method="lp")[0, 0])
    False
    """
    members = check_coalition(game, coalition)
    if observes not in OBSERVATIONS:
        raise ParameterError(f"observes must be one of {list(OBSERVATIONS)}, got {observes!r}")
    if method not in METHODS:
        raise ParameterError(f"method must be one of {list(METHODS)}, got {method!r}")
    cap_f = None if cap is None else Fraction(cap)
    if cap_f is not None and cap_f < 0:
        raise ParameterError(f"cap must be non-negative, got {cap}")
    outs = [i for i in range(game.n_players) if i not in members]
    br = best_response_masks(game.table, outs).all(axis=-1) if outs else np.ones(game.shape, dtype=bool)
    cands = np.argwhere(br)
    if method == "closed form":
        return _enforceable_closed_form(game, members, cands, cap_f)
    if len(cands) > max_lps:
        raise SizeLimitError(f"{len(cands)} candidate profiles need one LP each, above max_lps={max_lps}; "
                             "raise max_lps or study a smaller game")
    out = np.zeros(game.shape, dtype=bool)
    for row in cands:
        prof = tuple(int(v) for v in row)
        out[prof] = _enforceable_lp(game, members, prof, observes, cap_f)
    return out


def reachable_outcomes(game: NormalFormGame, coalition: Iterable[int | str], *, observes: str = "members",
                       cap: Any = None, max_lps: int = 5_000) -> np.ndarray:
    """Boolean array: Nash-timing outcomes of S — enforceable profiles where a_S maximizes U_S(., a_O).

    Complexity: :func:`enforceable_profiles` plus O(n * prod(m_i)).

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> g = public_goods(4, "8/5", 20)
    >>> [g.labels(tuple(p)) for p in np.argwhere(reachable_outcomes(g, [0, 1, 2], observes="all"))]
    [('20', '20', '20', '0')]
    """
    members = check_coalition(game, coalition)
    bloc = game.table[..., list(members)].sum(axis=-1)
    best = bloc == bloc.max(axis=tuple(members), keepdims=True)
    return best & enforceable_profiles(game, members, observes=observes, cap=cap, max_lps=max_lps)


@dataclass(frozen=True)
class ObservationComparison(SolverRecord):
    """What coalition S reaches under Nash timing observing the members only versus everyone.

    ``enforceable[obs]`` and ``reachable[obs]`` list the profiles (lexicographic order);
    ``selected[obs]`` is the reachable outcome ``selection`` picks among the equilibria of the
    bloc game, by the rule of the plain Nash-timing coalition
    (:mod:`~contract_theory.contracting.coalitions.normal_form`): ``"pessimistic"`` the lowest
    bloc total, then the lowest welfare; ``"optimistic"`` the highest, then the highest; then
    the smallest profile.  ``welfare[obs]`` is its social welfare.
    ``enlarges`` is ``True`` iff observing outsiders adds an enforceable or reachable profile.
    """

    coalition: tuple[int, ...]
    selection: str
    cap: Fraction | None
    enforceable: dict[str, tuple[Profile, ...]]
    reachable: dict[str, tuple[Profile, ...]]
    selected: dict[str, Profile | None]
    welfare: dict[str, Fraction | None]
    enlarges: bool


def _select_equilibrium(bloc: np.ndarray, wel: np.ndarray, mask: np.ndarray, selection: str) -> Profile | None:
    """The bloc-game equilibrium ``selection`` picks: worst (best) bloc total, then welfare, then smallest profile."""
    sign = -1 if selection == "pessimistic" else 1
    pick = select_profile(sign * bloc, sign * wel, mask, "optimistic")
    return None if pick is None else pick[0]


def observation_comparison(game: NormalFormGame, coalition: Iterable[int | str], *, selection: Selection = "pessimistic",
                           cap: Any = None, max_lps: int = 5_000) -> ObservationComparison:
    """Compute the enforceable and reachable sets of S both ways and compare them (module docstring).

    Complexity: twice :func:`reachable_outcomes`.

    Examples
    --------
    >>> from contract_theory.games.library import volunteers_dilemma
    >>> c = observation_comparison(volunteers_dilemma(3), [0, 1])
    >>> c.enlarges, c.reachable["members"] == c.reachable["all"], c.welfare["all"]
    (False, True, Fraction(5, 1))
    """
    members = check_coalition(game, coalition)
    check_selection(selection)
    den = game.denominator
    t = game.table
    bloc, wel = t[..., list(members)].sum(axis=-1), t.sum(axis=-1)
    enf, rea, sel, wsel = {}, {}, {}, {}
    for obs in OBSERVATIONS:
        e = enforceable_profiles(game, members, observes=obs, cap=cap, max_lps=max_lps)
        best = bloc == bloc.max(axis=tuple(members), keepdims=True)
        r = e & best
        enf[obs] = tuple(tuple(int(v) for v in p) for p in np.argwhere(e))
        rea[obs] = tuple(tuple(int(v) for v in p) for p in np.argwhere(r))
        pick = _select_equilibrium(bloc, wel, r, selection)
        sel[obs] = pick
        wsel[obs] = None if pick is None else Fraction(int(wel[pick]), den)
    enlarges = bool(set(enf["all"]) - set(enf["members"]) or set(rea["all"]) - set(rea["members"]))
    notes = [] if rea["all"] else ["the bloc game has no pure equilibrium: nothing is reachable under Nash timing"]
    return ObservationComparison(members, selection, None if cap is None else Fraction(cap), enf, rea, sel, wsel,
                                 enlarges, notes=tuple(notes), method="exact closed form of the per-profile feasibility LP",
                                 payoffs_exact=game.exact,
                                 parameters={"coalition": list(members), "selection": selection, "cap": cap,
                                             "max_lps": max_lps})

