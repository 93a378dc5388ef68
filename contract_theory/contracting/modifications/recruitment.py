r"""Recruitment: dynamically sized contracts (arXiv 2408.09686), with exact payoffs.

Definition (``docs/background/modifications.md#recruitment``).  A coalition S (at least two
members, a rich contract, one bloc: ``docs/background/model.md#4-partial-contracts``) admits an
outsider j when

1. the incumbents' total rises: sum_{i in S} v_i(S + j) > sum_{i in S} v_i(S), where v_i(T)
   is i's payoff when T forms, a member's share under ``sharing``
   (:func:`contract_theory.contracting.coalitions.normal_form.coalition_outcome`); and
2. the recruit is at least as well off inside: v_j(S + j) >= v_j(S).

Admissions repeat from a starting coalition until none is possible or the coalition has
``k`` members.  Tie rules (parameters): ``incumbent_tie="strict"`` (default: an
indifferent incumbent group does not recruit; ``"weak"`` recruits); ``recruit_tie="weak"``
(default: an indifferent recruit joins; ``"strict"``: it stays out).  When several
outsiders qualify, ``order="best"`` admits the one that raises the incumbents' total most
(ties: the smallest index), ``order="first"`` the smallest index.

The stop is a coalition no qualified outsider wants to join or may be admitted to; compare
it with external stability (``docs/background/model.md#4-partial-contracts``): under the
default tie rules, a coalition where recruitment stops because no recruit gains is
externally stable, and in linear public goods recruitment from two members stops at the
smallest k with k r > N, the stable size.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from contract_theory.contracting.coalitions.compact import canonical_coalition, compositions
from contract_theory.contracting.coalitions.normal_form import (
    CoalitionOutcome,
    check_coalition,
    coalition_outcome,
    invariant_outcome,
)
from contract_theory.contracting.coalitions.rules import Rules
from contract_theory.contracting.modifications.shared import (
    ModificationCurve,
    SolverRecord,
    compact_coalition,
    compact_coalition_outcome,
    is_compact,
    modification_curve,
    no_contract_of,
    optimum_welfare,
)
from contract_theory.equilibria.welfare import optimum
from contract_theory.errors import ParameterError, SizeLimitError

__all__ = ["Admission", "RecruitmentPath", "recruitment_path", "RecruitmentAnalysis", "recruitment_analysis", "ORDERS"]

ORDERS: tuple[str, ...] = ("best", "first")


@dataclass(frozen=True)
class Admission:
    """How a coalition admits recruits (module docstring).

    ``order``: ``"best"`` admits the recruit raising the incumbents' total most, ``"first"`` the
    lowest-indexed admissible one; ``incumbent_tie`` / ``recruit_tie``: whether the incumbents'
    total must rise and the recruit gain ``"strict"``-ly or ``"weak"``-ly (defaults strict, weak).

    Examples
    --------
    >>> Admission(order="first").recruit_tie
    'weak'
    """

    order: str = "best"
    incumbent_tie: str = "strict"
    recruit_tie: str = "weak"

    def __post_init__(self) -> None:
        if self.order not in ORDERS:
            raise ParameterError(f"unknown order {self.order!r}; choose one of {list(ORDERS)}")
        if self.incumbent_tie not in ("strict", "weak") or self.recruit_tie not in ("strict", "weak"):
            raise ParameterError("incumbent_tie and recruit_tie must be 'strict' or 'weak'")


@dataclass(frozen=True)
class RecruitmentPath:
    """The coalitions from ``start`` to where growth stops, and why it stopped.

    ``path[0]`` is the start, ``path[-1]`` the final coalition; ``outcome`` is its
    :class:`~contract_theory.contracting.coalitions.normal_form.CoalitionOutcome`; ``stop_reason`` is
    ``"grand coalition"``, ``"size cap"``, ``"no admission raises the incumbents' total"``,
    ``"no recruit is as well off inside"`` or ``"undefined outcome"``.
    """

    start: tuple[int, ...]
    path: tuple[tuple[int, ...], ...]
    outcome: CoalitionOutcome
    stop_reason: str
    grand_coalition: bool
    rejected: tuple[tuple[int, str], ...] = ()

    @property
    def stop_size(self) -> int:
        return len(self.path[-1])


def _value(o: CoalitionOutcome, players: Iterable[int]) -> Fraction | None:
    if o.payoffs is None:
        return None
    return sum((o.payoffs[i] for i in players), Fraction(0))


def _recruits(game: Any, S: tuple[int, ...]) -> list[int]:
    """The outsiders S may admit: every one; in a compact game, where S is the canonical coalition of its
    composition, the next player of each type (players of a type are exchangeable, and the canonical
    coalition of the grown composition is S plus that player)."""
    if not is_compact(game):
        return [j for j in range(game.n_players) if j not in S]
    starts = list(itertools.accumulate((0,) + tuple(game.type_counts[:-1])))
    out = []
    for first, n in zip(starts, game.type_counts):
        taken = sum(1 for i in S if first <= i < first + n)
        if taken < n:
            out.append(first + taken)
    return out


def _best_admission(S: tuple[int, ...], here: CoalitionOutcome, before: Fraction,
                    solve: Callable[[tuple[int, ...]], CoalitionOutcome], recruits: Sequence[int], admission: Admission
                    ) -> tuple[tuple[Fraction, int] | None, list[tuple[int, str]]]:
    """The admission chosen from S by ``admission`` ((rise of the incumbents' total, recruit) or ``None``)
    and the rejected outsiders with why (``"undefined outcome"``, ``"incumbents"``, ``"recruit"``)."""
    assert here.payoffs is not None
    best: tuple[Fraction, int] | None = None
    rejected: list[tuple[int, str]] = []
    for j in recruits:
        new = solve(tuple(sorted(S + (j,))))
        after = _value(new, S)
        if after is None or new.payoffs is None:
            rejected.append((j, "undefined outcome"))
            continue
        rise = after - before
        if not (rise > 0 if admission.incumbent_tie == "strict" else rise >= 0):
            rejected.append((j, "incumbents"))
            continue
        gain = new.payoffs[j] - here.payoffs[j]
        if not (gain > 0 if admission.recruit_tie == "strict" else gain >= 0):
            rejected.append((j, "recruit"))
            continue
        if best is None or (admission.order == "best" and rise > best[0]):
            best = (rise, j)
    return best, rejected


def recruitment_path(game: Any, start: Iterable[int | str], rules: Rules = Rules(), *, k: int | None = None,
                     admission: Admission = Admission(), baseline: Any = None,
                     _cache: dict[tuple[int, ...], CoalitionOutcome] | None = None) -> RecruitmentPath:
    """Grow ``start`` by admissions (module docstring) until none is possible or the coalition has ``k`` members.

    ``rules``: timing, selection and sharing of every coalition solve; ``k`` (default N): the size cap.
    A compact game (``kind == "compact"``) grows the canonical coalition of a composition by one
    player of a type at a time (:func:`_recruits`), each coalition solved by the one coalition
    engine's compact adapter.

    Complexity: at most N - |start| steps of N coalition solves each.

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> p = recruitment_path(public_goods(5, 2, 20), [0, 1])
    >>> p.path, p.stop_reason, p.outcome.welfare
    (((0, 1), (0, 1, 2)), 'no recruit is as well off inside', Fraction(160, 1))
    """
    n = game.n_players
    members = compact_coalition(game, start) if is_compact(game) else check_coalition(game, start)
    cap = n if k is None else k
    if not len(members) <= cap <= n:
        raise ParameterError(f"k={k} must lie between the start's size {len(members)} and N={n}")
    if baseline is None:
        baseline = no_contract_of(game, rules.selection)
    cache = {} if _cache is None else _cache

    def solve(S: tuple[int, ...]) -> CoalitionOutcome:
        if S not in cache:
            cache[S] = (compact_coalition_outcome(game, S, rules, baseline) if is_compact(game)
                        else coalition_outcome(game, S, rules, baseline=baseline))
        return cache[S]

    path = [members]
    while True:
        S = path[-1]
        here = solve(S)
        if len(S) == n:
            return RecruitmentPath(members, tuple(path), here, "grand coalition", True)
        if len(S) >= cap:
            return RecruitmentPath(members, tuple(path), here, "size cap", False)
        before = _value(here, S)
        if before is None or here.payoffs is None:
            return RecruitmentPath(members, tuple(path), here, "undefined outcome", False)
        best, rejected = _best_admission(S, here, before, solve, _recruits(game, S), admission)
        if is_compact(game):  # a type's outsiders are exchangeable: each is refused for its representative's reason
            why_of = {game.player_type(j): why for j, why in rejected}
            rejected = [(j, why_of[game.player_type(j)]) for j in range(n)
                        if j not in S and game.player_type(j) in why_of]
        if best is None:
            why = ("no recruit is as well off inside" if any(r == "recruit" for _, r in rejected)
                   else "no admission raises the incumbents' total")
            return RecruitmentPath(members, tuple(path), here, why, False, tuple(rejected))
        path.append(tuple(sorted(S + (best[1],))))


@dataclass(frozen=True)
class RecruitmentAnalysis(SolverRecord):
    """Recruitment from every starting coalition of ``start_size`` members, growth capped at K.

    ``paths`` maps each start to its :class:`RecruitmentPath`; ``curve`` is, for each cap
    k = 2..K, the best final welfare over the starts (k = 1: no contract).
    """

    k: int
    start_size: int
    paths: dict[tuple[int, ...], RecruitmentPath]
    curve: ModificationCurve
    stop_sizes: tuple[int, ...]
    grand_coalition_reached: bool

    @property
    def best(self) -> RecruitmentPath | None:
        """The path with the highest final welfare (ties: the first start)."""
        defined = [(w, p) for p in self.paths.values() if (w := p.outcome.welfare) is not None]
        return max(defined, key=lambda wp: wp[0], default=(None, None))[1]


def recruitment_analysis(game: Any, k: int | None = None, rules: Rules = Rules(), *, start_size: int = 2,
                         admission: Admission = Admission(), use_symmetry: bool = True,
                         max_starts: int = 5_000) -> RecruitmentAnalysis:
    """Paths from every start of ``start_size`` members, with growth capped at each k <= K.

    K defaults to N.  One start stands for all only when the whole no-contract outcome is
    invariant under every permutation of the players (a symmetric game whose no-contract
    profile gives every player the same action): members' shares and recruits' comparisons
    use each player's no-contract payoff, so an asymmetric baseline breaks the shortcut.  More than ``max_starts`` starts raises
    :class:`~contract_theory.errors.SizeLimitError`.  A compact game starts from the canonical
    coalition of every composition of ``start_size`` members (:func:`recruitment_path`).
    Complexity: starts x K caps x one path.

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> a = recruitment_analysis(public_goods(5, 2, 20))
    >>> a.stop_sizes, a.grand_coalition_reached, {k: str(w) for k, w in a.curve.welfare_by_k.items()}
    ((3,), False, {1: '100', 2: '100', 3: '160', 4: '160', 5: '160'})
    """
    n = game.n_players
    k = n if k is None else k
    if not 2 <= start_size <= k <= n:
        raise ParameterError(f"need 2 <= start_size <= K <= N; got start_size={start_size}, K={k}, N={n}")
    base = no_contract_of(game, rules.selection)
    compact = is_compact(game)
    sym = not compact and use_symmetry and invariant_outcome(game, base)
    if compact:
        starts = [canonical_coalition(game, s) for s in compositions(game, start_size, start_size)]
    else:
        starts = [tuple(range(start_size))] if sym else list(itertools.combinations(range(n), start_size))
    if not sym and not compact and math.comb(n, start_size) > max_starts:
        raise SizeLimitError(f"{math.comb(n, start_size)} starting coalitions exceed max_starts={max_starts}")
    w_star = optimum_welfare(game) if compact else optimum(game)[0]
    cache: dict[tuple[int, ...], CoalitionOutcome] = {}
    by_cap: dict[int, Fraction | None] = {}
    paths: dict[tuple[int, ...], RecruitmentPath] = {}
    for cap in range(start_size, k + 1):
        got = {S: recruitment_path(game, S, rules, k=cap, admission=admission, baseline=base, _cache=cache)
               for S in starts}
        ws = [p.outcome.welfare for p in got.values() if p.outcome.welfare is not None]
        by_cap[cap] = max(ws) if ws else None
        paths = got
    curve = modification_curve(by_cap, base.welfare, w_star, k)
    notes = ["symmetric game: one start stands for all"] if sym else (
        ["compact game: one start per composition, one recruit per type"] if compact else [])
    return RecruitmentAnalysis(k, start_size, paths, curve, tuple(sorted({p.stop_size for p in paths.values()})),
                               any(p.grand_coalition for p in paths.values()), notes=tuple(notes),
                               method="recruitment from every start (one start in symmetric games)",
                               payoffs_exact=getattr(game, "exact", True), complete=all(p.outcome.complete for p in paths.values()),
                               parameters={"k": k, "start_size": start_size, "timing": rules.timing,
                                           "selection": rules.selection, "sharing": rules.sharing,
                                           "order": admission.order, "incumbent_tie": admission.incumbent_tie,
                                           "recruit_tie": admission.recruit_tie})
