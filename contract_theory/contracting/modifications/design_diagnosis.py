r"""Why a row of the design table stops below W*: the binding reason, with its witness.

Definition (``docs/background/modifications.md#what-the-table-says``).  A row's outcome is
reached by *blocks* (one coalition acting as a bloc, every other player alone; or a coalition
structure), each maximizing its members' total.  An optimal profile a* (social welfare W*) is
the row's outcome only if, at a*, no block gains by changing its own joint action.  The
diagnosis looks, over the optimal profiles (at most ``max_profiles`` of them, lexicographic
order), for the one where the fewest blocks gain by deviating, and reports there:

* ``"members"``: a block of two or more members gains by changing its joint action -- the
  bloc internalizes only its members' share of welfare (members' marginal gain below the
  cost); witness: the block, its better joint action, its total at a* and after;
* ``"B1"``: an outsider (a block of one) is not best-responding at a* (MODEL.md section 6,
  B1); witness: the outsider, its better action, its payoff at a* and after;
* ``"commitment"``: every block best-responds at a*, but the bloc's total at the row's
  outcome exceeds its total at a* (a leader's advantage under Stackelberg timing);
* ``"selection"``: every block best-responds at a* and the bloc would do at least as well
  there, so the row's outcome comes from the equilibrium ``selection`` takes among the
  outsiders' (or the bloc game's) equilibria (B3).

Other reasons are stated by the row that has them (:class:`Reason` codes ``"budget"``,
``"not stable"``, ``"recruitment stops"``, ``"undefined"``).  Domain data only: the
sentences are built in :mod:`contract_theory.report.design`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from contract_theory.games.normal_form import Profile

__all__ = ["Reason", "Diagnosis", "block_deviations", "blocks_diagnosis"]


@dataclass(frozen=True)
class Reason:
    """One binding reason (module docstring).

    ``code`` names it; ``profile`` is the optimal profile a* it is found at; ``players`` the
    block (or outsider, or coalition) it concerns; ``action`` that block's better joint action
    (one entry per player in ``players``); ``here`` and ``there`` the block's total at a* and
    after the change (for ``"commitment"``: at a* and at the row's outcome; for ``"budget"``:
    the members' net total at a* and at the row's outcome).  ``detail`` holds the rest
    (e.g. ``cost``, ``structure``, ``stop_reason``, ``rejected``).
    """

    code: str
    profile: Profile | None = None
    players: tuple[int, ...] = ()
    action: tuple[int, ...] = ()
    here: Fraction | None = None
    there: Fraction | None = None
    detail: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Diagnosis:
    """A row's diagnosis: binding reasons below W*, or why failing assumptions do not bind at W*.

    ``reaches_optimum``: the row's welfare is W*.  ``reasons``: the binding reasons (empty when
    W* is reached).  ``not_binding``: ``(assumption id, why)`` for each assumption of the plain
    contract that fails although the row reaches W* (``why`` a short code:
    ``"payments buy the outsiders' best response"``, ``"every block best-responds at the
    optimum"``, ...).
    """

    reaches_optimum: bool
    reasons: tuple[Reason, ...] = ()
    not_binding: tuple[tuple[str, str], ...] = ()


def block_deviations(game: Any, blocks: Sequence[Sequence[int]], profile: Profile
                     ) -> list[Reason]:
    """The blocks that gain by changing their own joint action at ``profile``, with the best change.

    For each block B: max over B's joint actions x of sum_{i in B} u_i(x, a_{-B}) against
    U_B(a); a block whose maximum is larger is reported (``"members"`` if |B| >= 2, ``"B1"`` for
    one player) with the first maximizing x.  Complexity O(sum_B prod_{i in B} m_i * |B|).  A compact
    game (``kind == "compact"``) is read by counts (:func:`_compact_deviation`), any N.

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> g = public_goods(3, 2, 6)          # contributing costs 6, returns 2 * 6 / 3 = 4 to each
    >>> [(r.code, r.players, r.action, str(r.here), str(r.there))
    ...  for r in block_deviations(g, [(0, 1), (2,)], (1, 1, 1))]
    [('B1', (2,), (0,), '12', '14')]
    """
    if getattr(game, "kind", None) == "compact":
        memo: dict[Any, tuple[Fraction, Fraction, tuple[int, ...]] | None] = {}
        found = [(tuple(b), _compact_deviation(game, tuple(b), profile, memo)) for b in blocks]
        return [Reason("members" if len(b) >= 2 else "B1", tuple(profile), b, d[2], d[0], d[1])
                for b, d in found if d is not None]
    t = game.table
    den = game.denominator
    out: list[Reason] = []
    for block in blocks:
        b = tuple(block)
        idx: list[Any] = list(profile)
        for i in b:
            idx[i] = slice(None)
        sub = t[tuple(idx)][..., list(b)].sum(axis=-1)
        here = int(t[tuple(profile)][list(b)].sum())
        best = int(sub.max())
        if best > here:
            flat = int(np.argmax(sub.reshape(-1) == best))
            action = tuple(int(v) for v in np.unravel_index(flat, sub.shape))
            out.append(Reason("members" if len(b) >= 2 else "B1", tuple(profile), b, action,
                              Fraction(here, den), Fraction(best, den)))
    return out


def _compact_deviation(game: Any, block: tuple[int, ...], profile: Profile,
                       memo: dict[Any, tuple[Fraction, Fraction, tuple[int, ...]] | None]
                       ) -> tuple[Fraction, Fraction, tuple[int, ...]] | None:
    """A compact game's block B at ``profile``, by counts: (U_B here, the best U_B over B's count matrices,
    the smallest joint action reaching it), or ``None`` when B cannot gain.  B's players of one type are
    exchangeable, so a count matrix M of B stands for its arrangements, the smallest of which plays
    M's actions in ascending order over B's players of each type; blocks alike in (type, action)
    share one answer (``memo``).  Complexity O(#M * sum m_t) payoffs, #M = prod_t C(b_t + m_t - 1, m_t - 1)."""
    from contract_theory.contracting.coalitions.compact import _dists, _sum_counts
    from contract_theory.contracting.modifications.shared import profile_counts

    types = [game.player_type(i) for i in block]
    key = (tuple(sorted(zip(types, (profile[i] for i in block)))), profile_counts(game, profile))
    if key in memo:
        return memo[key]
    rest = profile_counts(game, profile, [i for i in range(game.n_players) if i not in set(block)])
    sizes = [types.count(t) for t in range(game.n_types)]

    def total(M: Any) -> Fraction:
        c = _sum_counts(M, rest)
        return sum((k * game.payoff(t, b, c) for t, row in enumerate(M) for b, k in enumerate(row) if k), Fraction(0))

    here = total(profile_counts(game, profile, block))
    scored = [(total(M), M) for M in map(game.unflatten, _dists(game, sizes).tolist())]
    best = max(v for v, _ in scored)
    if best <= here:
        memo[key] = None
        return None

    def arranged(M: Any) -> tuple[int, ...]:
        queues = [[b for b, k in enumerate(row) for _ in range(k)] for row in M]
        return tuple(queues[t].pop(0) for t in types)

    memo[key] = (here, best, min(arranged(M) for v, M in scored if v == best))
    return memo[key]


def blocks_diagnosis(game: Any, blocks: Sequence[Sequence[int]], optima: Sequence[Profile],
                     bloc: Sequence[int] | None = None, bloc_value: Fraction | None = None, *,
                     max_profiles: int = 64) -> tuple[Reason, ...]:
    """The binding reasons of a row whose outcome is played by ``blocks`` (module docstring).

    ``optima``: the optimal profiles; ``bloc`` and ``bloc_value``: the contracting coalition and
    its total at the row's outcome (for ``"commitment"`` versus ``"selection"``).  Complexity:
    :func:`block_deviations` per optimal profile examined (at most ``max_profiles``).

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> g = public_goods(3, 2, 6)
    >>> [(r.code, r.players) for r in blocks_diagnosis(g, [(0, 1), (2,)], [(1, 1, 1)])]
    [('B1', (2,))]
    """
    best: list[Reason] | None = None
    best_profile: Profile | None = None
    for prof in list(optima)[:max_profiles]:
        devs = block_deviations(game, blocks, prof)
        if best is None or len(devs) < len(best):
            best, best_profile = devs, prof
        if not devs:
            break
    if best is None or best_profile is None:
        return ()
    if best:
        return tuple(best)
    if bloc is None or bloc_value is None:
        return (Reason("selection", best_profile),)
    from contract_theory.contracting.modifications.shared import profile_payoffs

    at = profile_payoffs(game, best_profile)
    at_opt = sum((at[i] for i in bloc), Fraction(0))
    code = "commitment" if bloc_value > at_opt else "selection"
    return (Reason(code, best_profile, tuple(bloc), (), at_opt, bloc_value),)
