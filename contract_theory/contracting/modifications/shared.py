r"""What the contract modifications share: the selection rule over profiles and the welfare curve.

The modifications of ``docs/background/modifications.md`` (payments to outsiders, contracts
observing outsiders, coalition structures, recruitment) each map a coalition bound K to the
best social welfare they reach, W_K^mod, and to the smallest K with W_K^mod = W*.  This
module holds the pieces they have in common so that each modification's module only states
its own definition:

* :func:`select_profile` — the tie rule of ``docs/background/model.md#4-partial-contracts``:
  the largest objective first; then social welfare, lowest first under ``"pessimistic"``
  selection and highest first under ``"optimistic"``; then the smallest profile;
* :class:`SolverRecord` — method, exactness, parameters, completeness and notes, kept by
  every modification's result;
* :class:`ModificationCurve` and :func:`modification_curve` — W_k^mod for k = 1..K (k = 1
  is the no-contract welfare: a single agent signs nothing), non-decreasing in k, and the
  smallest k reaching W*.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from contract_theory.contracting.coalitions.partial_contracts import welfare_curve_summary
from contract_theory.contracting.coalitions.rules import Rules, Selection
from contract_theory.errors import ParameterError
from contract_theory.games.compact import Counts
from contract_theory.games.normal_form import Profile

__all__ = ["select_profile", "ModificationCurve", "modification_curve", "check_selection", "SolverRecord", "is_compact",
           "profile_payoffs", "profile_counts", "no_contract_of", "compact_coalition",
           "compact_coalition_outcome", "optimum_welfare"]


@dataclass(frozen=True, kw_only=True)
class SolverRecord:
    """What every modification's result records besides its answer (keyword-only fields).

    ``method`` (how it was computed), ``exact`` (exact arithmetic: always, here),
    ``payoffs_exact`` (the game's payoffs were given exactly, not as floats), ``complete``
    (nothing was excluded, e.g. continuations without a pure equilibrium), ``parameters``
    (the call's options) and ``notes``.
    """

    method: str = ""
    exact: bool = True
    payoffs_exact: bool = True
    complete: bool = True
    parameters: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    notes: tuple[str, ...] = ()


def check_selection(selection: str) -> Selection:
    """Validate a selection rule name (``"pessimistic"`` or ``"optimistic"``) and return it.

    Examples
    --------
    >>> check_selection("optimistic")
    'optimistic'
    """
    if selection not in ("pessimistic", "optimistic"):
        raise ParameterError(f"unknown selection {selection!r}; choose one of ['pessimistic', 'optimistic']")
    return "pessimistic" if selection == "pessimistic" else "optimistic"


def select_profile(objective: np.ndarray, welfare: np.ndarray, mask: np.ndarray,
                   selection: str) -> tuple[Profile, tuple[Profile, ...]] | None:
    """The profile the tie rule picks among ``mask``, and every profile tied with it.

    Maximize ``objective``; among ties take the lowest (``"pessimistic"``) or highest
    (``"optimistic"``) ``welfare``; then the smallest profile.  Arrays share one shape (the
    game's) and hold exact integers (or Python ints in object arrays).  ``None`` when
    ``mask`` is empty.  Complexity O(prod(m_i)), vectorized.

    Examples
    --------
    >>> import numpy as np
    >>> v = np.array([[1, 2], [2, 0]]); w = np.array([[5, 3], [4, 9]])
    >>> select_profile(v, w, np.ones((2, 2), bool), "pessimistic")
    ((0, 1), ((0, 1),))
    >>> select_profile(v, w, np.ones((2, 2), bool), "optimistic")
    ((1, 0), ((1, 0),))
    """
    check_selection(selection)
    keep = np.asarray(mask, dtype=bool).copy()
    if not keep.any():
        return None
    best = max(objective[keep].tolist())
    keep &= objective == best
    vals = welfare[keep].tolist()
    target = min(vals) if selection == "pessimistic" else max(vals)
    keep &= welfare == target
    tied = tuple(tuple(int(v) for v in row) for row in np.argwhere(keep))
    return tied[0], tied


@dataclass(frozen=True)
class ModificationCurve:
    """W_k under one modification for k = 1..K, and the smallest k reaching W*.

    ``welfare_by_k[k]`` is the best welfare with coalitions of at most k members (k = 1: the
    no-contract welfare); ``min_k_for_optimum`` is ``None`` when W* is out of reach within K.
    """

    welfare_by_k: dict[int, Fraction | None]
    optimum_welfare: Fraction
    min_k_for_optimum: int | None
    notes: tuple[str, ...] = field(default=())

    @property
    def w_k(self) -> Fraction | None:
        """The welfare at the largest k studied."""
        return self.welfare_by_k[max(self.welfare_by_k)]


def modification_curve(best_by_size: Mapping[int, Fraction | None], no_contract: Fraction | None,
                       optimum_welfare: Fraction, k: int) -> ModificationCurve:
    """Running maximum of the best welfare per coalition size (k = 2..K) over the no-contract welfare.

    ``best_by_size[s]`` is the best welfare a coalition of exactly s members reaches under the
    modification (``None``: undefined for every such coalition); the curve of
    :func:`~contract_theory.contracting.coalitions.partial_contracts.welfare_curve_summary`.  Complexity O(K).

    Examples
    --------
    >>> c = modification_curve({2: Fraction(3), 3: Fraction(5)}, Fraction(4), Fraction(5), 3)
    >>> {k: str(w) for k, w in c.welfare_by_k.items()}, c.min_k_for_optimum
    ({1: '4', 2: '4', 3: '5'}, 3)
    """
    curve, min_k, _, _ = welfare_curve_summary(dict(best_by_size), no_contract, optimum_welfare, k)
    return ModificationCurve(curve, optimum_welfare, min_k)


def is_compact(game: Any) -> bool:
    """Whether ``game`` is a compact game (typed anonymous or aggregative, ``kind == "compact"``).

    Examples
    --------
    >>> from contract_theory.games.compact_library import public_goods_compact
    >>> from contract_theory.games.library import public_goods
    >>> is_compact(public_goods_compact(4, 2, 1)), is_compact(public_goods(4, 2, 1))
    (True, False)
    """
    return getattr(game, "kind", None) == "compact"


def profile_payoffs(game: Any, profile: Sequence[int]) -> tuple[Fraction, ...]:
    """Every player's exact payoff at a dense ``profile`` (one action per player), dense or compact game.

    A compact game's players are numbered type by type; a player's payoff is its type's payoff at
    the profile's count matrix.  Complexity O(N) payoff look-ups.

    Examples
    --------
    >>> from contract_theory.games.compact_library import public_goods_compact
    >>> [str(v) for v in profile_payoffs(public_goods_compact(3, 2, 3), (1, 1, 0))]   # X = 6, r/N = 2/3
    ['4', '4', '7']
    """
    if not is_compact(game):
        return tuple(game.payoff(tuple(profile)))
    counts = profile_counts(game, profile)
    types = [t for t, n in enumerate(game.type_counts) for _ in range(n)]
    return tuple(game.payoff(t, int(b), counts) for t, b in zip(types, profile))


def profile_counts(game: Any, profile: Sequence[int], players: Sequence[int] | None = None) -> Counts:
    """The count matrix of ``profile`` over ``players`` (default: all) in a compact game.

    Examples
    --------
    >>> from contract_theory.games.compact_library import public_goods_compact
    >>> profile_counts(public_goods_compact(3, 2, 3), (1, 1, 0)), profile_counts(public_goods_compact(3, 2, 3), (1, 1, 0), [2])
    (((1, 2),), ((1, 0),))
    """
    out = [[0] * m for m in game.n_actions]
    types = [t for t, n in enumerate(game.type_counts) for _ in range(n)]
    for i in range(len(profile)) if players is None else players:
        out[types[i]][int(profile[i])] += 1
    return tuple(tuple(row) for row in out)


def no_contract_of(game: Any, selection: str) -> Any:
    """The no-contract outcome under ``selection``: dense, or by counts for a compact game.

    Examples
    --------
    >>> from contract_theory.games.compact_library import public_goods_compact
    >>> no_contract_of(public_goods_compact(100, 3, 1), "pessimistic").welfare
    Fraction(100, 1)
    """
    if is_compact(game):
        from contract_theory.contracting.coalitions.compact import counts_no_contract
        return counts_no_contract(game, check_selection(selection))
    from contract_theory.contracting.coalitions.normal_form import no_contract_outcome
    return no_contract_outcome(game, check_selection(selection))


def compact_coalition(game: Any, coalition: Iterable[int | str]) -> tuple[int, ...]:
    """A compact game's coalition, validated: the canonical members of a composition (the first s_t players
    of each type), by index or name.

    Examples
    --------
    >>> from contract_theory.games.compact_library import public_goods_compact
    >>> compact_coalition(public_goods_compact(100, 3, 1), ["P1", 0])
    (0, 1)
    """
    from contract_theory.contracting.coalitions.compact import _composition_of, canonical_coalition, check_composition

    members = tuple(sorted({game.players.index(x) if isinstance(x, str) else int(x) for x in coalition}))
    if any(not 0 <= i < game.n_players for i in members):
        raise ParameterError(f"coalition {list(coalition)} names a player outside 0..{game.n_players - 1}")
    s = check_composition(game, _composition_of(game, members))
    if canonical_coalition(game, s) != members:
        raise ParameterError(f"a compact game's modifications are solved for the canonical coalition of a composition "
                             f"(the first s_t players of each type); got {list(members)}")
    return members


def compact_coalition_outcome(game: Any, members: tuple[int, ...], rules: Rules, baseline: Any) -> Any:
    """The plain coalition outcome of ``members``' composition under ``rules`` (the one coalition engine's
    compact adapter, :class:`~contract_theory.contracting.coalitions.compact.CompactBloc`).

    Examples
    --------
    >>> from contract_theory.games.compact_library import public_goods_compact
    >>> g = public_goods_compact(100, 3, 1)
    >>> compact_coalition_outcome(g, (0, 1), Rules(), no_contract_of(g, "pessimistic")).welfare
    Fraction(100, 1)
    """
    from contract_theory.contracting.coalitions.bloc import solve_coalition
    from contract_theory.contracting.coalitions.compact import CompactBloc, _composition_of

    return solve_coalition(CompactBloc(game, max_pairs=rules.budgets.max_pairs), _composition_of(game, members), rules,
                           baseline=baseline)


def optimum_welfare(game: Any) -> Fraction:
    """W*, the best welfare of a dense or compact game (by counts).

    Examples
    --------
    >>> from contract_theory.games.compact_library import public_goods_compact
    >>> optimum_welfare(public_goods_compact(100, 3, 1))
    Fraction(300, 1)
    """
    if not is_compact(game):
        from contract_theory.equilibria.welfare import optimum
        return optimum(game)[0]
    from contract_theory.equilibria.compact import _compact_optimum
    return _compact_optimum(game)[0]
