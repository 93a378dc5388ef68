r"""Several contracts at once: coalition structures and their stability.

Definition (``docs/background/modifications.md#several-contracts-coalition-structures``).  A
**coalition structure** is a partition of the players into disjoint coalitions, each of
at most K members; a coalition of one is no contract.  Each coalition B of two or more
members signs its own rich contract and acts as one bloc maximizing its members' total
U_B = sum_{i in B} u_i (``docs/background/model.md#4-partial-contracts``); singletons keep u_i.
The blocs and singletons play simultaneously: the outcomes are the profiles a at which
every coalition's joint action is a best response, a_B in argmax U_B(., a_-B) — the pure
Nash equilibria of the game between blocs (Ray and Vohra 1997; Yi 1997).  With a stated
``order`` the blocs move one after another instead, each observing the earlier moves, and
the outcome is the subgame-perfect one (backward induction).

Selection among a structure's equilibria: the lowest (``"pessimistic"``) or highest
(``"optimistic"``) social welfare, then the smallest profile; a structure whose bloc game
has no pure equilibrium has no outcome (``profile`` is ``None``; it never counts as
reaching a welfare and its stability is undefined).  Each bloc's total is divided by
``sharing`` (:func:`contract_theory.contracting.coalitions.normal_form.share`, applied per bloc).

Stability of a structure, with v_i the payoff of i under the structure's outcome:

* **open membership** (Yi 1997; Yi and Shin 2000): any player may leave its coalition to
  stand alone or to join any other coalition that stays within K members; the structure
  is stable if no such move makes the mover better off;
* **exclusive membership** (Yi 1997, the "exclusive membership game"): leaving to stand
  alone is free, joining a coalition needs the consent of every one of its members.

Tie rules (parameters): ``move_tie="strict"`` (default): a player moves only if strictly
better off (an indifferent player stays); ``"weak"``: an indifferent player moves.
``consent_tie="weak"`` (default): a receiving member consents when not worse off;
``"strict"``: only when strictly better off.

Size.  The number of structures with blocks of at most K members is the restricted Bell
number (52 for N = 5, K = 5; 203 for N = 6); more than ``max_structures`` raises
:class:`~contract_theory.errors.SizeLimitError` before anything is enumerated.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from contract_theory.contracting.coalitions.normal_form import Outcome, no_contract_outcome, share
from contract_theory.contracting.coalitions.rules import Rules
from contract_theory.contracting.modifications.shared import ModificationCurve, SolverRecord, modification_curve, select_profile
from contract_theory.equilibria.welfare import optimum
from contract_theory.errors import ParameterError, SizeLimitError
from contract_theory.games.normal_form import NormalFormGame, Profile

__all__ = ["Structure", "count_structures", "coalition_structures", "StructureOutcome", "structure_outcome",
           "StructureStability", "StructureAnalysis", "structure_analysis", "MOVE_TIES", "CONSENT_TIES"]

#: A coalition structure: sorted tuple of sorted blocks covering 0..n-1.
Structure = tuple[tuple[int, ...], ...]
MOVE_TIES: tuple[str, ...] = ("strict", "weak")
CONSENT_TIES: tuple[str, ...] = ("weak", "strict")


def count_structures(n: int, k: int) -> int:
    """Number of partitions of n players into blocks of at most k (restricted Bell number).

    Recurrence on the block containing the last player: T(n) = sum_{j<k} C(n-1, j) T(n-1-j).
    Complexity O(n k).

    Examples
    --------
    >>> count_structures(5, 5), count_structures(4, 2), count_structures(6, 6)
    (52, 10, 203)
    """
    t = [1] + [0] * n
    for m in range(1, n + 1):
        t[m] = sum(math.comb(m - 1, j) * t[m - 1 - j] for j in range(min(k, m)))
    return t[n]


def coalition_structures(n: int, k: int, *, max_structures: int = 10_000) -> Iterator[Structure]:
    """Every partition of players 0..n-1 into blocks of at most k members, canonical form.

    Raises :class:`~contract_theory.errors.SizeLimitError` when there are more than
    ``max_structures`` (counted first by :func:`count_structures`).  Complexity O(count * n).

    Examples
    --------
    >>> list(coalition_structures(3, 2))
    [((0,), (1,), (2,)), ((0,), (1, 2)), ((0, 1), (2,)), ((0, 2), (1,))]
    """
    if k < 1 or n < 1:
        raise ParameterError(f"need n >= 1 and k >= 1, got n={n}, k={k}")
    total = count_structures(n, k)
    if total > max_structures:
        raise SizeLimitError(f"{total} coalition structures of {n} players with blocks of at most {k} exceed "
                             f"max_structures={max_structures}; lower K or raise max_structures")

    def rec(i: int, blocks: list[list[int]]) -> Iterator[Structure]:
        if i == n:
            yield tuple(sorted(tuple(b) for b in blocks))
            return
        for b in blocks:
            if len(b) < k:
                b.append(i)
                yield from rec(i + 1, blocks)
                b.pop()
        blocks.append([i])
        yield from rec(i + 1, blocks)
        blocks.pop()

    yield from sorted(rec(0, []))


@dataclass(frozen=True)
class StructureOutcome:
    """The selected equilibrium of the game between a structure's blocs, shared per bloc.

    ``optimum_is_equilibrium``: some socially optimal profile is an equilibrium of the blocs'
    game (whether or not the selection rule picks it).
    """

    structure: Structure
    profile: Profile | None
    raw_payoffs: tuple[Fraction, ...] | None
    payoffs: tuple[Fraction, ...] | None
    welfare: Fraction | None
    ties: tuple[Profile, ...] = ()
    notes: tuple[str, ...] = field(default=())
    optimum_is_equilibrium: bool = False

    @property
    def contracts(self) -> int:
        """How many contracts the structure has (blocks of two or more)."""
        return sum(len(b) >= 2 for b in self.structure)


def _blocks_in_order(structure: Structure, order: Sequence[int], n: int) -> list[tuple[int, ...]]:
    if sorted(order) != list(range(n)):
        raise ParameterError(f"order must list every player 0..{n - 1} once, got {list(order)}")
    rank = {p: r for r, p in enumerate(order)}
    return sorted(structure, key=lambda b: min(rank[i] for i in b))


def _sequential(game: NormalFormGame, blocks: list[tuple[int, ...]], selection: str) -> Profile:
    """Subgame-perfect pure outcome when ``blocks`` move one after another, each seeing the earlier moves.

    Backward induction over the payoff tensor with axes grouped by block: the last block
    picks, for every history, its joint action with the highest bloc total, ties to the
    lowest (pessimistic) or highest (optimistic) welfare, then the smallest joint action;
    the tensor is then reduced along that axis.  Complexity O(n * prod(m_i)), vectorized.
    """
    players = [i for b in blocks for i in b]
    sizes = [math.prod(game.shape[i] for i in b) for b in blocks]
    t = np.transpose(game.table, players + [game.n_players]).reshape(sizes + [game.n_players])
    picks = []
    for depth in range(len(blocks) - 1, -1, -1):
        u = t[..., list(blocks[depth])].sum(axis=-1)
        w = t.sum(axis=-1)
        keep = u == u.max(axis=-1, keepdims=True)
        wk = np.where(keep, w, w.max() + 1 if selection == "pessimistic" else w.min() - 1)
        target = wk.min(axis=-1, keepdims=True) if selection == "pessimistic" else wk.max(axis=-1, keepdims=True)
        idx = np.argmax(keep & (w == target), axis=-1)
        picks.append(idx)
        t = np.take_along_axis(t, idx[..., None, None], axis=-2)[..., 0, :]
    history: list[int] = []
    for idx in reversed(picks):
        history.append(int(idx[tuple(history)]))
    prof = [0] * game.n_players
    for b, j in zip(blocks, history):
        for i, a in zip(b, np.unravel_index(j, [game.shape[i] for i in b])):
            prof[i] = int(a)
    return tuple(prof)


def structure_outcome(game: NormalFormGame, structure: Structure, rules: Rules = Rules(), *,
                      baseline: Outcome | None = None, order: Sequence[int] | None = None) -> StructureOutcome:
    """Outcome of a coalition structure (module docstring).  Complexity O(n * prod(m_i)), vectorized.

    ``rules``: ``selection`` among the blocs' equilibria and ``sharing`` within each bloc.

    ``order`` (a permutation of the players): the blocs move one after another, the bloc of
    the first player listed first, each observing the earlier moves; the outcome is the
    subgame-perfect one by backward induction (:func:`_sequential` states its tie rule), and
    ``optimum_is_equilibrium`` then says whether that outcome is optimal.  ``None``
    (default): simultaneous moves.

    Examples
    --------
    >>> from contract_theory.games.library import cournot
    >>> g = cournot(4, 12, 0, (2, 3))                 # each pair's total is highest at (2, 2)
    >>> [g.labels(structure_outcome(g, s).profile) for s in (((0, 1), (2,), (3,)), ((0, 1), (2, 3)))]
    [('2', '2', '3', '3'), ('2', '2', '2', '2')]
    """
    selection, sharing = rules.selection, rules.sharing
    covered = sorted(i for b in structure for i in b)
    if covered != list(range(game.n_players)):
        raise ParameterError(f"{[list(b) for b in structure]} is not a partition of the players 0..{game.n_players - 1}")
    t = game.table
    wel = t.sum(axis=-1)
    if order is not None:
        prof = _sequential(game, _blocks_in_order(structure, order, game.n_players), selection)
        optimal = bool(wel[prof] == max(wel.reshape(-1).tolist()))
        return _shared_outcome(game, structure, prof, (prof,), sharing, baseline, optimal)
    mask = np.ones(game.shape, dtype=bool)
    for b in structure:
        u = t[..., list(b)].sum(axis=-1)
        mask &= u == u.max(axis=tuple(b), keepdims=True)
    pick = select_profile(np.zeros(game.shape, dtype=np.int64), wel, mask, selection)
    if pick is None:
        return StructureOutcome(structure, None, None, None, None, (),
                                ("the game between this structure's blocs has no pure equilibrium",))
    optimal_eq = bool((mask & (wel == max(wel.reshape(-1).tolist()))).any())
    return _shared_outcome(game, structure, pick[0], pick[1], sharing, baseline, optimal_eq)


def _shared_outcome(game: NormalFormGame, structure: Structure, prof: Profile, ties: tuple[Profile, ...],
                    sharing: str, baseline: Outcome | None, optimal_eq: bool) -> StructureOutcome:
    raw = game.payoff(prof)
    pay = list(raw)
    base = None if baseline is None else baseline.payoffs
    for b in structure:
        if len(b) >= 2:
            shared = share(raw, b, sharing, base).payoffs
            for i in b:
                pay[i] = shared[i]
    return StructureOutcome(structure, prof, tuple(raw), tuple(pay), Fraction(sum(raw)), ties,
                            optimum_is_equilibrium=optimal_eq)


@dataclass(frozen=True)
class StructureStability:
    """Open- and exclusive-membership stability of one structure, with a breaking move when unstable.

    ``None``: no profitable move was found but some move leads to a structure without a pure
    outcome, so stability is undefined.  A witness is (player, from block, to block or ``()`` for alone, payoff before, payoff after).
    """

    structure: Structure
    open_stable: bool | None
    exclusive_stable: bool | None
    open_witness: tuple[int, tuple[int, ...], tuple[int, ...], Fraction, Fraction] | None = None
    exclusive_witness: tuple[int, tuple[int, ...], tuple[int, ...], Fraction, Fraction] | None = None


def _moves(structure: Structure, i: int, k: int) -> Iterator[tuple[tuple[int, ...], Structure]]:
    """(receiving block, new structure) for every move of player i: alone (``()``), or into another block."""
    own = next(b for b in structure if i in b)
    rest = [b for b in structure if b != own]
    left = tuple(x for x in own if x != i)
    if left:
        yield (), tuple(sorted(rest + [left, (i,)]))
    for b in rest:
        if len(b) + 1 <= k:
            others = [c for c in rest if c != b]
            yield b, tuple(sorted(others + ([left] if left else []) + [tuple(sorted(b + (i,)))]))


def _stability(structure: Structure, outcomes: dict[Structure, StructureOutcome], k: int, move_tie: str,
               consent_tie: str) -> StructureStability:
    here = outcomes[structure].payoffs
    if here is None:
        return StructureStability(structure, None, None)
    ow = ew = None
    undefined = False  # some move leads to a structure without an outcome
    for i in range(len(here)):
        own = next(b for b in structure if i in b)
        for into, new in _moves(structure, i, k):
            after = outcomes[new].payoffs
            if after is None:
                undefined = True
                continue
            wants = after[i] > here[i] if move_tie == "strict" else after[i] >= here[i]
            if not wants:
                continue
            if ow is None:
                ow = (i, own, into, here[i], after[i])
            consent = all((after[j] >= here[j]) if consent_tie == "weak" else (after[j] > here[j]) for j in into)
            if consent and ew is None:
                ew = (i, own, into, here[i], after[i])
    # a profitable move decides; otherwise an undefined move leaves stability undefined
    open_ok = False if ow else (None if undefined else True)
    excl_ok = False if ew else (None if undefined else True)
    return StructureStability(structure, open_ok, excl_ok, ow, ew)


@dataclass(frozen=True)
class StructureAnalysis(SolverRecord):
    """Every structure with blocks of at most K: outcomes, the best one, stability.

    ``best`` is the structure with the highest welfare (ties: fewest contracts, then the
    canonical order); ``one_contract_welfare`` is the best welfare of structures with at
    most one contract (one bloc against singletons, Nash timing); ``curve`` is the best
    structure's welfare with blocks of at most k, k = 1..K.
    """

    k: int
    selection: str
    sharing: str
    move_tie: str
    consent_tie: str
    optimum_welfare: Fraction
    outcomes: dict[Structure, StructureOutcome]
    stability: dict[Structure, StructureStability]
    best: StructureOutcome | None
    one_contract_welfare: Fraction | None
    curve: ModificationCurve

    def stable(self, membership: str = "open") -> list[Structure]:
        """Structures stable under ``"open"`` or ``"exclusive"`` membership."""
        if membership not in ("open", "exclusive"):
            raise ParameterError(f"membership must be 'open' or 'exclusive', got {membership!r}")
        attr = "open_stable" if membership == "open" else "exclusive_stable"
        return [s for s, st in self.stability.items() if getattr(st, attr) is True]


def structure_analysis(game: NormalFormGame, k: int, rules: Rules = Rules(), *, move_tie: str = "strict",
                       consent_tie: str = "weak", max_structures: int = 10_000,
                       order: Sequence[int] | None = None) -> StructureAnalysis:
    """Solve every structure with blocks of at most K, pick the best, check stability.

    ``rules``: ``selection`` and ``sharing`` as in :func:`structure_outcome`.

    ``order`` makes every structure's blocs move sequentially (see :func:`structure_outcome`).
    Complexity: count_structures(n, K) structure solves of O(n * prod(m_i)) each plus
    O(n^2) moves per structure.

    Examples
    --------
    >>> from contract_theory.games.library import cournot
    >>> a = structure_analysis(cournot(4, 12, 0, (2, 3)), 2)
    >>> a.best.structure, a.best.welfare, a.one_contract_welfare, a.optimum_welfare
    (((0, 1), (2, 3)), Fraction(32, 1), Fraction(20, 1), Fraction(32, 1))
    """
    from contract_theory.contracting.coalitions.partial_contracts import check_k

    check_k(game, k)
    selection, sharing = rules.selection, rules.sharing
    if move_tie not in MOVE_TIES or consent_tie not in CONSENT_TIES:
        raise ParameterError(f"move_tie must be one of {list(MOVE_TIES)} and consent_tie one of "
                             f"{list(CONSENT_TIES)}; got {move_tie!r}, {consent_tie!r}")
    w_star, _ = optimum(game)
    base = no_contract_outcome(game, selection)
    outcomes = {s: structure_outcome(game, s, rules, baseline=base, order=order)
                for s in coalition_structures(game.n_players, k, max_structures=max_structures)}
    stab = {s: _stability(s, outcomes, k, move_tie, consent_tie) for s in outcomes}
    defined = [o for o in outcomes.values() if o.welfare is not None]
    best = max(defined, key=lambda o: (o.welfare, -o.contracts), default=None)
    one = [o.welfare for o in defined if o.contracts <= 1 and o.welfare is not None]
    by_size: dict[int, Fraction | None] = {}
    for size in range(2, k + 1):
        ws = [o.welfare for o in defined if max(len(b) for b in o.structure) == size and o.welfare is not None]
        by_size[size] = max(ws) if ws else None
    trivial = outcomes[tuple((i,) for i in range(game.n_players))].welfare
    curve = modification_curve(by_size, trivial, w_star, k)
    missing = len(outcomes) - len(defined)
    notes = [f"{missing} structures have no pure equilibrium between their blocs"] if missing else []
    return StructureAnalysis(k, selection, sharing, move_tie, consent_tie, w_star, outcomes, stab, best,
                             max(one) if one else None, curve, complete=not missing, notes=tuple(notes),
                             method="enumeration of coalition structures", payoffs_exact=game.exact,
                             parameters={"k": k, "selection": selection, "sharing": sharing, "move_tie": move_tie,
                                         "consent_tie": consent_tie, "max_structures": max_structures,
                                         "order": None if order is None else list(order)})
