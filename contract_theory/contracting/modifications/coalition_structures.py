r"""Several contracts at once: coalition structures and their stability.

Definition (``docs/background/modifications.md#several-contracts-coalition-structures``).  A
**coalition structure** is a partition of the players into disjoint coalitions, each of
at most K members; a coalition of one is no contract.  Each coalition B of two or more
members signs its own rich contract and acts as one bloc maximizing its members' total
U_B = sum_{i in B} u_i (``docs/background/model.md#4-partial-contracts``); singletons keep u_i.
How the blocs play is ``rules.timing``:

* ``"nash"``: the blocs and singletons play simultaneously; the outcomes are the profiles a at
  which every coalition's joint action is a best response, a_B in argmax U_B(., a_-B) -- the
  pure Nash equilibria of the game between blocs (Ray and Vohra 1997; Yi 1997);
* ``"stackelberg"`` (the default of :class:`Rules`): the contracts lead -- the signed contracts
  are observed before play, as for one coalition (``docs/background/model.md#4-partial-contracts``):
  the blocs of two or more members commit simultaneously, each anticipating the singletons'
  reply, and the singletons then play a pure equilibrium of the game left to them, selected by
  the leaders' total (lowest under pessimistic selection, highest under optimistic), then
  welfare in the same direction, then the smallest profile.  The leaders' outcomes are the pure
  equilibria of the induced game among them.  With one contract this is exactly the
  Stackelberg coalition outcome (pure continuations); a structure with no contract or no
  singleton is played simultaneously.  Commitments that leave the singletons without a pure
  equilibrium are unavailable to the leaders (a note says so).

With a stated ``order`` the blocs move one after another instead, each observing the earlier
moves, and the outcome is the subgame-perfect one (backward induction).

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
number (52 for N = 5, K = 5; 203 for N = 6; 61,136 for N = 10, K = 3); more than
``max_structures`` (default ``rules.budgets.max_structures``) raises
:class:`~contract_theory.errors.SizeLimitError` before anything is enumerated.

By composition.  In a symmetric dense game, and in a compact game (typed anonymous or
aggregative), players of a type are exchangeable, so :func:`structure_analysis` solves one
structure per *class* (:mod:`~contract_theory.contracting.modifications.structure_classes`: an
integer partition of N into parts of at most K, per type for typed games) -- 14 classes instead
of 61,136 structures for N = 10, K = 3; 884 for N = 100 -- and ``max_structures`` bounds the
classes.  Each class is represented by its canonical structure, solved exactly by the rule
above; ``multiplicity`` says how many labelled structures it stands for.  Stability moves are
evaluated per (block kind, type) when the outcomes involved are untied (then every labelled
structure of a class has the permuted outcome, so the answer is the labelled one); a class whose
selected outcome is tied with another profile is checked player by player on labelled
structures, exactly as without composition.  Compact games are solved by counts when they are
linear aggregative (each block's members play dominant actions of the block's separable
objective: ties to welfare in the ``selection``'s direction, then the smallest action) and
through their dense form when that is small; other compact games are refused with a
:class:`~contract_theory.errors.SizeLimitError`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from contract_theory.contracting.coalitions.normal_form import Outcome, is_symmetric, lex_select, no_contract_outcome, share
from contract_theory.contracting.coalitions.rules import Rules
from contract_theory.contracting.modifications.shared import ModificationCurve, SolverRecord, modification_curve, select_profile
from contract_theory.contracting.modifications.structure_classes import (
    StructureClass,
    canonical_blocks,
    canonical_structure,
    check_class_budget,
    class_multiplicity,
    class_of,
    player_types,
    structure_classes,
)
from contract_theory.equilibria.pure import best_response_masks
from contract_theory.equilibria.welfare import optimum
from contract_theory.errors import ParameterError, SizeLimitError
from contract_theory.games.normal_form import NormalFormGame, Profile

__all__ = ["Structure", "count_structures", "coalition_structures", "StructureOutcome", "structure_outcome",
           "StructureStability", "StructureAnalysis", "structure_analysis", "MOVE_TIES", "CONSENT_TIES",
           "StructureEngine", "structure_engine", "solve_structures"]

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
                             f"max_structures={max_structures}; lower K, raise the budget (--max-structures N) "
                             "or use a symmetric or compact game (enumerated by composition)")

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
    game (whether or not the selection rule picks it; with the contracts leading, an equilibrium
    of the leaders' game with the singletons' selected reply).  ``ties``: every profile tied
    with ``profile`` before the smallest-profile rule.
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

    def block_values(self) -> tuple[Fraction, ...] | None:
        """Each block's total of raw payoffs, in the order of ``structure`` (``None`` without an outcome)."""
        if self.raw_payoffs is None:
            return None
        raw = self.raw_payoffs
        den = math.lcm(*{x.denominator for x in raw})  # integer sums over one denominator, exact
        nums = [x.numerator * (den // x.denominator) for x in raw]
        return tuple(Fraction(sum(nums[i] for i in b), den) for b in self.structure)


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


def _led(game: NormalFormGame, structure: Structure, selection: str,
         br: np.ndarray) -> tuple[tuple[Profile, ...], bool, list[str]]:
    """The contracts lead, the singletons follow (module docstring): every tied outcome, and whether
    some equilibrium of the leaders' game is optimal.  Complexity O(n * prod(m_i)), vectorized."""
    n = game.n_players
    leaders = [b for b in structure if len(b) >= 2]
    followers = [b[0] for b in structure if len(b) == 1]
    lead = [i for b in leaders for i in b]
    axes = lead + followers
    dims = [math.prod(game.shape[i] for i in b) for b in leaders]
    rows, cols = math.prod(dims), math.prod(game.shape[i] for i in followers)
    T = np.transpose(game.table, axes + [n]).reshape(rows, cols, n)
    L, W = T[..., lead].sum(axis=-1), T.sum(axis=-1)
    M = np.transpose(br[..., followers].all(axis=-1), axes).reshape(rows, cols)
    how = "min" if selection == "pessimistic" else "max"
    pick = lex_select(L, W, M, how, how)
    ok = pick >= 0
    notes = [] if ok.all() else [f"{int((~ok).sum())} of {rows} joint commitments of the contracts leave the singletons "
                                 "without a pure equilibrium; those commitments are unavailable to the leaders"]
    if not ok.any():
        return (), False, notes + ["no commitment of the contracts leaves the singletons a pure equilibrium"]
    chosen = T[np.arange(rows), np.where(ok, pick, 0)].reshape(dims + [n])
    valid = ok.reshape(dims)
    eq = valid.copy()
    for j, b in enumerate(leaders):
        u = chosen[..., list(b)].sum(axis=-1)
        u = np.where(valid, u, int(u.min()) - 1)
        eq &= u == u.max(axis=j, keepdims=True)
    if not eq.any():
        return (), False, notes + ["the game among the contracts (the singletons replying) has no pure equilibrium"]
    w = chosen.sum(axis=-1)
    optimal = bool((eq & (w == int(game.table.sum(axis=-1).max()))).any())
    target = min(w[eq].tolist()) if selection == "pessimistic" else max(w[eq].tolist())
    lead_shape = [game.shape[i] for i in lead]
    fol_shape = [game.shape[i] for i in followers]
    ties = []
    for r in np.nonzero((eq & (w == target)).reshape(-1))[0].tolist():
        c = int(pick[r])
        same = M[r] & (L[r] == L[r, c]) & (W[r] == W[r, c])
        a_l = np.unravel_index(r, lead_shape)
        for cc in np.nonzero(same)[0].tolist():
            prof = [0] * n
            for i, a in zip(lead, a_l):
                prof[i] = int(a)
            for i, a in zip(followers, np.unravel_index(cc, fol_shape)):
                prof[i] = int(a)
            ties.append(tuple(prof))
    return tuple(sorted(ties)), optimal, notes


def structure_outcome(game: NormalFormGame, structure: Structure, rules: Rules = Rules(), *,
                      baseline: Outcome | None = None, order: Sequence[int] | None = None,
                      _br: np.ndarray | None = None) -> StructureOutcome:
    """Outcome of a coalition structure (module docstring).  Complexity O(n * prod(m_i)), vectorized.

    ``rules``: ``timing`` (simultaneous, or the contracts leading), ``selection`` among the
    blocs' equilibria and ``sharing`` within each bloc.

    ``order`` (a permutation of the players): the blocs move one after another, the bloc of
    the first player listed first, each observing the earlier moves; the outcome is the
    subgame-perfect one by backward induction (:func:`_sequential` states its tie rule), and
    ``optimum_is_equilibrium`` then says whether that outcome is optimal.  ``None``
    (default): ``rules.timing``.

    Examples
    --------
    >>> from contract_theory.games.library import cournot
    >>> g = cournot(4, 12, 0, (2, 3))                 # each pair's total is highest at (2, 2)
    >>> nash = Rules(timing="nash")
    >>> [g.labels(structure_outcome(g, s, nash).profile) for s in (((0, 1), (2,), (3,)), ((0, 1), (2, 3)))]
    [('2', '2', '3', '3'), ('2', '2', '2', '2')]
    >>> g.labels(structure_outcome(g, ((0, 1), (2,), (3,))).profile)   # the pair leads: produces 6
    ('3', '3', '2', '2')
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
    br = best_response_masks(t) if _br is None else _br
    if rules.timing == "stackelberg" and len(structure) < game.n_players and any(len(b) == 1 for b in structure):
        ties, optimal, notes = _led(game, structure, selection, br)
        if not ties:
            return StructureOutcome(structure, None, None, None, None, (), tuple(notes))
        out = _shared_outcome(game, structure, ties[0], ties, sharing, baseline, optimal)
        return StructureOutcome(out.structure, out.profile, out.raw_payoffs, out.payoffs, out.welfare, out.ties,
                                tuple(notes), optimal)
    mask = np.ones(game.shape, dtype=bool)
    for b in structure:
        if len(b) == 1:
            mask &= br[..., b[0]]
            continue
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


# ---------------------------------------------------------------------------- engines
class StructureEngine:
    """Outcomes of coalition structures of one game under one set of rules, cached.

    :meth:`outcome` solves a labelled structure; :meth:`class_outcome` the canonical structure of
    a class (:mod:`~contract_theory.contracting.modifications.structure_classes`);
    :meth:`untied` says whether a class's outcome is the same, up to relabelling, for every
    labelled structure of the class (then :meth:`outcome` transports it instead of solving).
    ``type_counts`` is ``None`` for a game whose players are not exchangeable (no classes).
    Build one with :func:`structure_engine`.
    """

    def __init__(self, n: int, type_counts: tuple[int, ...] | None, baseline_payoffs: tuple[Fraction, ...] | None,
                 sharing: str) -> None:
        self.n = n
        self.type_counts = type_counts
        self.types = player_types(type_counts) if type_counts is not None else tuple(range(n))
        self._base = baseline_payoffs
        self._sharing = sharing
        self._symmetric_base: bool | None = None
        self._labeled: dict[Structure, StructureOutcome] = {}
        self._classes: dict[StructureClass, StructureOutcome] = {}
        self._pos: dict[StructureClass, dict[tuple[tuple[int, ...], int], Fraction] | None] = {}
        self._canon: dict[StructureClass, tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]] = {}
        self._canon_structure: dict[StructureClass, Structure] = {}
        self._kind_values: dict[StructureClass, dict[tuple[int, ...], Fraction] | None] = {}

    def blocks(self, cls: StructureClass) -> tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]:
        """The canonical structure's (block, kind) pairs in structure order (cached)."""
        got = self._canon.get(cls)
        if got is None:
            assert self.type_counts is not None
            got = self._canon[cls] = canonical_blocks(self.type_counts, cls)
        return got

    def canonical(self, cls: StructureClass) -> Structure:
        """The class's canonical structure (cached)."""
        got = self._canon_structure.get(cls)
        if got is None:
            got = self._canon_structure[cls] = tuple(b for b, _ in self.blocks(cls))
        return got

    # subclasses provide the solver
    def solve(self, structure: Structure) -> StructureOutcome:
        raise NotImplementedError

    def class_outcome(self, cls: StructureClass) -> StructureOutcome:
        """The outcome of the class's canonical structure (cached)."""
        got = self._classes.get(cls)
        if got is None:
            assert self.type_counts is not None
            got = self.outcome(self.canonical(cls))
            self._classes[cls] = got
        return got

    def untied(self, cls: StructureClass) -> bool:
        """Whether every labelled structure of the class has the relabelled canonical outcome.

        True when the canonical outcome is the only profile its selection rule keeps before the
        smallest-profile rule (then relabelling maps the equilibrium set, and its selected
        element, onto each other's), and lump-sum shares start from a baseline equal within types.
        """
        out = self.class_outcome(cls)
        return len(out.ties) <= 1 and (self._sharing != "lump_sum" or self._baseline_symmetric())

    def kind_values(self, cls: StructureClass) -> dict[tuple[int, ...], Fraction] | None:
        """The raw total of a block of each kind in an untied class's outcome (cached); ``None`` when the
        class is tied or has no outcome (then every block of a kind has the same total: relabelling)."""
        if cls not in self._kind_values:
            got: dict[tuple[int, ...], Fraction] | None = None
            if self.untied(cls):
                vals = self.class_outcome(cls).block_values()
                if vals is not None:
                    got = {}
                    for (_, kd), v in zip(self.blocks(cls), vals):
                        got.setdefault(kd, v)
            self._kind_values[cls] = got
        return self._kind_values[cls]

    def positions(self, cls: StructureClass) -> dict[tuple[tuple[int, ...], int], Fraction] | None:
        """The payoff of each (block kind, type) position of an untied class's outcome, or ``None``
        when the class is tied, has no outcome, or its payoffs are not determined by positions."""
        if cls not in self._pos:
            self._pos[cls] = _positions(self, cls)
        return self._pos[cls]

    def _baseline_symmetric(self) -> bool:
        if self._symmetric_base is None:
            first: dict[int, Fraction] = {}
            self._symmetric_base = self._base is None or all(first.setdefault(t, v) == v
                                                             for t, v in zip(self.types, self._base))
        return self._symmetric_base

    def outcome(self, structure: Structure) -> StructureOutcome:
        """The exact outcome of a labelled structure (cached; transported from its class when untied)."""
        got = self._labeled.get(structure)
        if got is not None:
            return got
        if self.type_counts is not None:
            cls = class_of(self.type_counts, structure)
            canon = canonical_structure(self.type_counts, cls)
            if canon != structure and self.untied(cls):
                got = _relabel(self.class_outcome(cls), structure, self.types)
        if got is None:
            got = self.solve(structure)
        self._labeled[structure] = got
        return got


def _relabel(rep: StructureOutcome, structure: Structure, types: Sequence[int]) -> StructureOutcome:
    """The outcome ``rep`` carried to ``structure`` (same class) by a type-preserving relabelling."""
    def kind(b: Sequence[int]) -> tuple[int, ...]:
        return tuple(sorted(types[i] for i in b))

    pool: dict[tuple[int, ...], list[tuple[int, ...]]] = {}
    for b in structure:
        pool.setdefault(kind(b), []).append(b)
    perm = [0] * len(types)
    for b in rep.structure:
        target = pool[kind(b)].pop(0)
        by_type: dict[int, list[int]] = {}
        for j in sorted(target):
            by_type.setdefault(types[j], []).append(j)
        for i in sorted(b):
            perm[i] = by_type[types[i]].pop(0)

    def move(v: tuple[Any, ...] | None) -> tuple[Any, ...] | None:
        if v is None:
            return None
        out = list(v)
        for i, x in enumerate(v):
            out[perm[i]] = x
        return tuple(out)

    ties = tuple(p for p in (move(t) for t in rep.ties) if p is not None)
    return StructureOutcome(structure, move(rep.profile), move(rep.raw_payoffs), move(rep.payoffs), rep.welfare,
                            ties, rep.notes, rep.optimum_is_equilibrium)


class _DenseEngine(StructureEngine):
    """A dense game: :func:`structure_outcome` on the table (best responses computed once)."""

    def __init__(self, game: NormalFormGame, rules: Rules, type_counts: tuple[int, ...] | None,
                 order: Sequence[int] | None) -> None:
        self.game, self.rules, self.order = game, rules, order
        self.baseline = no_contract_outcome(game, rules.selection)
        super().__init__(game.n_players, type_counts, self.baseline.payoffs, rules.sharing)
        self._br = best_response_masks(game.table)

    def solve(self, structure: Structure) -> StructureOutcome:
        return structure_outcome(self.game, structure, self.rules, baseline=self.baseline, order=self.order,
                                 _br=self._br)


class _LinearEngine(StructureEngine):
    """A linear aggregative compact game (u = alpha_t X + h_t(x)), by counts.

    A block's total is separable across its members, so each member of type t of a block whose
    alphas sum to A plays an action maximizing A w_t x + h_t(x); ties go to the lower
    (pessimistic) or higher (optimistic) contribution to welfare, A_N w_t x + h_t(x), then to the
    smallest action -- the dense rule, player by player.  With the contracts leading, singletons
    break their ties by the leaders' total first (A_L w_t x).  Cost O(blocks + sum_t m_t) per structure.
    """

    def __init__(self, game: Any, rules: Rules) -> None:
        from contract_theory.contracting.coalitions.compact import counts_no_contract

        self.game, self.rules = game, rules
        alphas, hs = game.linear
        self.alphas, self.hs = alphas, hs
        self.a_all = sum((n * a for n, a in zip(game.type_counts, alphas)), Fraction(0))
        self.baseline_counts = counts_no_contract(game, rules.selection)
        base = self.baseline_counts.payoffs
        super().__init__(game.n_players, tuple(game.type_counts), base, rules.sharing)
        self._choice: dict[tuple[Fraction, Fraction | None], tuple[int, ...]] = {}
        self._reach: dict[tuple[int, ...], bool] = {}

    def _actions(self, a_block: Fraction, a_lead: Fraction | None) -> tuple[int, ...]:
        """Per type, the action a member of a block with alpha sum ``a_block`` plays."""
        key = (a_block, a_lead)
        if key not in self._choice:
            g, pess = self.game, self.rules.selection == "pessimistic"
            out = []
            for t in range(g.n_types):
                xs, w, h = g.values[t], g.weights[t], self.hs[t]
                own = [a_block * w * x + hv for x, hv in zip(xs, h)]
                cand = [b for b, v in enumerate(own) if v == max(own)]
                scores = ([lambda b: a_lead * w * xs[b]] if a_lead is not None else []) + \
                         [lambda b: self.a_all * w * xs[b] + h[b]]
                for score in scores:
                    vals = [score(b) for b in cand]
                    best = min(vals) if pess else max(vals)
                    cand = [b for b, v in zip(cand, vals) if v == best]
                out.append(cand[0])
            self._choice[key] = tuple(out)
        return self._choice[key]

    def solve(self, structure: Structure) -> StructureOutcome:
        assert self.type_counts is not None
        cls = class_of(self.type_counts, structure)
        rep = self.class_outcome(cls)
        return rep if rep.structure == structure else _relabel(rep, structure, self.types)

    def class_outcome(self, cls: StructureClass) -> StructureOutcome:
        got = self._classes.get(cls)
        if got is None:
            got = self._solve_class(cls)
            self._classes[cls] = got
        return got

    def positions(self, cls: StructureClass) -> dict[tuple[tuple[int, ...], int], Fraction] | None:
        self.class_outcome(cls)
        return self._pos[cls]

    def _solve_class(self, cls: StructureClass) -> StructureOutcome:
        """Per block kind and type: the action, the raw payoff and the shared payoff; O(blocks + N)."""
        g, types = self.game, self.types
        assert self.type_counts is not None
        n_types = len(self.type_counts)
        mult = Counter(cls)
        a_kind = {kd: sum((x * self.alphas[t] for t, x in enumerate(kd)), Fraction(0)) for kd in mult}
        contracts = [kd for kd in mult if sum(kd) >= 2]
        led = self.rules.timing == "stackelberg" and contracts and len(contracts) < len(mult)
        a_lead = sum((a_kind[kd] * r for kd, r in mult.items() if sum(kd) >= 2), Fraction(0)) if led else None
        act = {kd: self._actions(a_kind[kd], a_lead if sum(kd) == 1 else None) for kd in mult}
        X = sum((r * x * g.weights[t] * g.values[t][act[kd][t]] for kd, r in mult.items() for t, x in enumerate(kd)),
                Fraction(0))
        raw = {(kd, t): self.alphas[t] * X + self.hs[t][act[kd][t]] for kd in mult for t in range(n_types) if kd[t]}
        base = self._base_by_type()
        pos = {}
        for kd in mult:
            size = sum(kd)
            total = sum((x * raw[(kd, t)] for t, x in enumerate(kd) if x), Fraction(0))
            for t in range(n_types):
                if not kd[t]:
                    continue
                if size == 1 or self.rules.sharing == "none" or (self.rules.sharing == "lump_sum" and base is None):
                    pos[(kd, t)] = raw[(kd, t)]
                elif self.rules.sharing == "equal":
                    pos[(kd, t)] = total / size
                else:
                    assert base is not None
                    pos[(kd, t)] = base[t] + (total - sum((x * base[u] for u, x in enumerate(kd)), Fraction(0))) / size
        prof, rp, pp = [0] * self.n, [Fraction(0)] * self.n, [Fraction(0)] * self.n
        for b, kd in self.blocks(cls):
            for i in b:
                prof[i], rp[i], pp[i] = act[kd][types[i]], raw[(kd, types[i])], pos[(kd, types[i])]
        self._pos[cls] = pos
        optimal = all(self._reach_optimum(kd) for kd in mult)
        p = tuple(prof)
        welfare = sum((raw[(kd, t)] * x * r for kd, r in mult.items() for t, x in enumerate(kd) if x), Fraction(0))
        return StructureOutcome(self.canonical(cls), p, tuple(rp), tuple(pp), welfare, (p,),
                                optimum_is_equilibrium=optimal)

    def _base_by_type(self) -> tuple[Fraction, ...] | None:
        if self._base is None:
            return None
        out: dict[int, Fraction] = {}
        for t, v in zip(self.types, self._base):
            out.setdefault(t, v)
        return tuple(out[t] for t in range(len(out)))

    def _reach_optimum(self, kd: tuple[int, ...]) -> bool:
        """Whether a block of this kind can play welfare-maximizing actions in a best response (cached)."""
        got = self._reach.get(kd)
        if got is None:
            got = self._reach[kd] = self._reaches(kd)
        return got

    def _reaches(self, kd: tuple[int, ...]) -> bool:
        g = self.game
        a = sum((x * self.alphas[t] for t, x in enumerate(kd)), Fraction(0))
        for t in (u for u, x in enumerate(kd) if x):
            own = [a * g.weights[t] * x + hv for x, hv in zip(g.values[t], self.hs[t])]
            opt_own = {b for b, v in enumerate(own) if v == max(own)}
            if not opt_own & _welfare_best(g, t, self.a_all, self.hs[t]):
                return False
        return True


def _welfare_best(g: Any, t: int, a_all: Fraction, h: Sequence[Fraction]) -> set[int]:
    vals = [a_all * g.weights[t] * x + hv for x, hv in zip(g.values[t], h)]
    return {b for b, v in enumerate(vals) if v == max(vals)}


def structure_engine(game: Any, rules: Rules = Rules(), *, order: Sequence[int] | None = None,
                     use_symmetry: bool = True) -> StructureEngine:
    """The structure solver for a game: by composition where players are exchangeable.

    A symmetric dense game gets one type; a compact game its types (linear aggregative: by
    counts; otherwise through its dense form, refused with
    :class:`~contract_theory.errors.SizeLimitError` when that is too large); any other dense game,
    or a stated ``order``, no classes (labelled structures only).

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> structure_engine(public_goods(4, 2, 10)).type_counts
    (4,)
    """
    if getattr(game, "kind", None) == "compact":
        if order is not None:
            raise ParameterError("a stated order of moves is supported on dense games only")
        if getattr(game, "linear", None) is not None:
            return _LinearEngine(game, rules)
        from contract_theory.games.size import max_entries

        if not game.dense_fits():
            raise SizeLimitError(
                f"coalition structures of this {game.n_players:,}-player compact game are computed by counts only "
                f"when it is linear aggregative; its dense form has {game.dense_size_text()}, above the limit of "
                f"{max_entries():,} cells; use fewer players, a linear aggregative payoff, or raise the limit with "
                "--max-entries N")
        return _DenseEngine(game.to_dense(), rules, tuple(game.type_counts), None)
    if not isinstance(game, NormalFormGame):
        raise ParameterError(f"coalition structures are defined on normal-form and compact games, got a "
                             f"{type(game).__name__}")
    sym = use_symmetry and order is None and is_symmetric(game)
    return _DenseEngine(game, rules, (game.n_players,) if sym else None, order)


# ---------------------------------------------------------------------------- stability
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


def _wants(after: Fraction, here: Fraction, move_tie: str) -> bool:
    return after > here if move_tie == "strict" else after >= here


def _consents(after: Fraction, here: Fraction, consent_tie: str) -> bool:
    return after >= here if consent_tie == "weak" else after > here


def _verdict(ow: Any, ew: Any, undefined: bool, structure: Structure) -> StructureStability:
    """A profitable move decides; otherwise an undefined move leaves stability undefined."""
    open_ok = False if ow else (None if undefined else True)
    excl_ok = False if ew else (None if undefined else True)
    return StructureStability(structure, open_ok, excl_ok, ow, ew)


def _stability(structure: Structure, outcome: Callable[[Structure], StructureOutcome], k: int, move_tie: str,
               consent_tie: str) -> StructureStability:
    """Player by player, every move (the definition)."""
    here = outcome(structure).payoffs
    if here is None:
        return StructureStability(structure, None, None)
    ow = ew = None
    undefined = False  # some move leads to a structure without an outcome
    for i in range(len(here)):
        own = next(b for b in structure if i in b)
        for into, new in _moves(structure, i, k):
            after = outcome(new).payoffs
            if after is None:
                undefined = True
                continue
            if not _wants(after[i], here[i], move_tie):
                continue
            if ow is None:
                ow = (i, own, into, here[i], after[i])
            if ew is None and all(_consents(after[j], here[j], consent_tie) for j in into):
                ew = (i, own, into, here[i], after[i])
    return _verdict(ow, ew, undefined, structure)


def _positions(engine: StructureEngine, cls: StructureClass) -> dict[tuple[tuple[int, ...], int], Fraction] | None:
    """Payoff of each (block kind, type) in an untied class's outcome; ``None`` when not determined by them."""
    if not engine.untied(cls):
        return None
    out = engine.class_outcome(cls)
    if out.payoffs is None:
        return None
    assert engine.type_counts is not None
    pos: dict[tuple[tuple[int, ...], int], Fraction] = {}
    for b, kd in engine.blocks(cls):
        for i in b:
            if pos.setdefault((kd, engine.types[i]), out.payoffs[i]) != out.payoffs[i]:
                return None
    return pos


def _class_moves(cls: StructureClass, engine: StructureEngine, k: int) -> Iterator[tuple[Any, ...]]:
    """One representative move per (source kind, type, target kind or alone), in no particular order:
    (mover, its block index, target block index or -1, source kind, type, target kind or ``None``, new class).

    The mover is the smallest type-t player in a block of the source kind; the target block the
    first block of the target kind other than the mover's, in structure order.
    """
    assert engine.type_counts is not None
    n_types = len(engine.type_counts)
    types = engine.types
    firsts: dict[tuple[int, ...], list[int]] = {}
    mover: dict[tuple[tuple[int, ...], int], tuple[int, int]] = {}
    for bi, (b, kd) in enumerate(engine.blocks(cls)):
        got = firsts.setdefault(kd, [])
        if len(got) < 2:
            got.append(bi)
        for t in range(n_types):
            if kd[t]:
                i = next(i for i in b if types[i] == t)
                if (kd, t) not in mover or i < mover[(kd, t)][0]:
                    mover[(kd, t)] = (i, bi)
    count = Counter(cls)
    for (src, t), (i0, b0) in mover.items():
        left = tuple(x - (u == t) for u, x in enumerate(src))
        targets: list[tuple[int, tuple[int, ...] | None]] = [(-1, None)] if sum(src) >= 2 else []
        targets += [(next(j for j in firsts[kd] if j != b0), kd) for kd in firsts
                    if sum(kd) + 1 <= k and any(j != b0 for j in firsts[kd])]
        for bi, tkind in targets:
            new = count.copy()
            new[src] -= 1
            joined = tuple(int(u == t) for u in range(n_types)) if tkind is None else \
                tuple(x + (u == t) for u, x in enumerate(tkind))
            if tkind is not None:
                new[tkind] -= 1
            new[joined] += 1
            if any(left):
                new[left] += 1
            moved = tuple(kd for kd in sorted(new, key=lambda c: (sum(c), c), reverse=True) for _ in range(new[kd]))
            yield i0, b0, bi, src, t, tkind, joined, moved


def _class_stability(cls: StructureClass, engine: StructureEngine, k: int, move_tie: str,
                     consent_tie: str) -> StructureStability:
    """Stability of a class's canonical structure, one move per (block kind, type, target kind).

    Exact when every outcome involved is untied (relabelling maps equivalent moves onto each
    other); otherwise :func:`_stability` player by player.  The witness is the first profitable
    move in the player-by-player order (smallest player, then alone before joining, then the
    receiving blocks in structure order), as there.
    """
    assert engine.type_counts is not None
    canon = engine.canonical(cls)
    if engine.class_outcome(cls).payoffs is None:
        return StructureStability(canon, None, None)
    pos = engine.positions(cls)
    if pos is None:
        return _stability(canon, engine.outcome, k, move_tie, consent_tie)
    opens: list[tuple[tuple[int, int], Any]] = []
    excls: list[tuple[tuple[int, int], Any]] = []
    undefined = False
    for i0, b0, bi, src, t, tkind, joined, new in _class_moves(cls, engine, k):
        if engine.class_outcome(new).payoffs is None:
            undefined = True
            continue
        after_pos = engine.positions(new)
        if after_pos is None:
            return _stability(canon, engine.outcome, k, move_tie, consent_tie)
        before, after = pos[(src, t)], after_pos[(joined, t)]
        if not _wants(after, before, move_tie):
            continue
        witness = (i0, canon[b0], () if bi < 0 else canon[bi], before, after)
        opens.append(((i0, bi), witness))
        if tkind is None or all(_consents(after_pos[(joined, u)], pos[(tkind, u)], consent_tie)
                                for u, x in enumerate(tkind) if x):
            excls.append(((i0, bi), witness))
    ow = min(opens, key=lambda c: c[0])[1] if opens else None
    ew = min(excls, key=lambda c: c[0])[1] if excls else None
    return _verdict(ow, ew, undefined, canon)


# ---------------------------------------------------------------------------- analysis
@dataclass(frozen=True)
class StructureAnalysis(SolverRecord):
    """Every structure with blocks of at most K: outcomes, the best one, stability.

    ``best`` is the structure with the highest welfare (ties: fewest contracts, then the
    enumeration order); ``one_contract_welfare`` is the best welfare of structures with at
    most one contract (one bloc against singletons); ``curve`` is the best structure's welfare
    with blocks of at most k, k = 1..K.

    By composition (``by_composition``), ``outcomes`` and ``stability`` are keyed by each class's
    canonical structure and ``multiplicity`` says how many labelled structures each stands for
    (1 for every structure otherwise); :meth:`stable_count` counts labelled structures.
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
    timing: str = "nash"
    by_composition: bool = False
    multiplicity: dict[Structure, int] = field(default_factory=dict, compare=False)

    def stable(self, membership: str = "open") -> list[Structure]:
        """Structures (class representatives, by composition) stable under ``"open"`` or ``"exclusive"`` membership."""
        if membership not in ("open", "exclusive"):
            raise ParameterError(f"membership must be 'open' or 'exclusive', got {membership!r}")
        attr = "open_stable" if membership == "open" else "exclusive_stable"
        return [s for s, st in self.stability.items() if getattr(st, attr) is True]

    def stable_count(self, membership: str = "open") -> int:
        """How many labelled structures are stable (each class counted with its multiplicity).

        By composition this is exact for untied classes; a tied class counts with its
        representative's verdict (``notes`` name how many classes are tied)."""
        return sum(self.multiplicity.get(s, 1) for s in self.stable(membership))

    @property
    def n_structures(self) -> int:
        """Labelled structures covered (the restricted Bell number)."""
        return sum(self.multiplicity.get(s, 1) for s in self.outcomes)


def _check_ties(move_tie: str, consent_tie: str) -> None:
    if move_tie not in MOVE_TIES or consent_tie not in CONSENT_TIES:
        raise ParameterError(f"move_tie must be one of {list(MOVE_TIES)} and consent_tie one of "
                             f"{list(CONSENT_TIES)}; got {move_tie!r}, {consent_tie!r}")


def _optimum(game: Any) -> Fraction:
    if getattr(game, "kind", None) == "compact":
        from contract_theory.equilibria.compact import _compact_optimum

        return _compact_optimum(game)[0]
    return optimum(game)[0]


def structure_analysis(game: Any, k: int, rules: Rules = Rules(), *, move_tie: str = "strict",
                       consent_tie: str = "weak", order: Sequence[int] | None = None,
                       use_symmetry: bool = True) -> StructureAnalysis:
    """Solve every structure with blocks of at most K, pick the best, check stability.

    ``game``: a normal-form game or a compact game (module docstring, "By composition").
    ``rules``: ``timing``, ``selection`` and ``sharing`` as in :func:`structure_outcome`;
    ``rules.budgets.max_structures`` bounds the structures solved (classes, by composition),
    checked before anything is solved.
    ``order`` makes every structure's blocs move sequentially (see :func:`structure_outcome`;
    dense games, no composition).  ``use_symmetry=False`` enumerates labelled structures even in a
    symmetric dense game (the oracle of the tests).
    Complexity: count_structures(n, K) structure solves of O(n * prod(m_i)) each plus
    O(n^2) moves per structure; by composition, one solve per class (and per class a move is
    reached by) and O(kinds^2) moves per class.

    Examples
    --------
    >>> from contract_theory.games.library import cournot
    >>> a = structure_analysis(cournot(4, 12, 0, (2, 3)), 2, Rules(timing="nash"))
    >>> a.best.structure, a.best.welfare, a.one_contract_welfare, a.optimum_welfare, a.by_composition
    (((0, 1), (2, 3)), Fraction(32, 1), Fraction(20, 1), Fraction(32, 1), True)
    >>> len(a.outcomes), a.n_structures
    (3, 10)
    """
    from contract_theory.contracting.coalitions.partial_contracts import check_k

    check_k(game, k)
    _check_ties(move_tie, consent_tie)
    limit = rules.budgets.max_structures
    engine = structure_engine(game, rules, order=order, use_symmetry=use_symmetry)
    outcomes, mult, classes = solve_structures(engine, k, limit)
    if classes:
        stab = {engine.canonical(c): _class_stability(c, engine, k, move_tie, consent_tie) for c in classes}
    else:
        stab = {s: _stability(s, engine.outcome, k, move_tie, consent_tie) for s in outcomes}
    return _summarize(game, k, rules, outcomes, stab, mult,
                      {"k": k, "timing": rules.timing if order is None else "sequential",
                       "selection": rules.selection, "sharing": rules.sharing, "move_tie": move_tie,
                       "consent_tie": consent_tie, "max_structures": limit,
                       "order": None if order is None else list(order)})


def solve_structures(engine: StructureEngine, k: int, limit: int) -> tuple[
        dict[Structure, StructureOutcome], dict[Structure, int], list[StructureClass]]:
    """Every structure with blocks of at most k solved by ``engine``: (outcomes, multiplicities, classes).

    By composition (the engine has types) one canonical structure per class, with the number of
    labelled structures it stands for and the classes in enumeration order; otherwise every
    labelled structure (multiplicities and classes empty).  More than ``limit`` structures (classes)
    raises :class:`~contract_theory.errors.SizeLimitError` before anything is solved.
    """
    if engine.type_counts is None:
        return {s: engine.outcome(s) for s in coalition_structures(engine.n, k, max_structures=limit)}, {}, []
    tc = engine.type_counts
    check_class_budget(tc, k, limit)
    classes = list(structure_classes(tc, k, max_structures=limit))
    outcomes = {engine.canonical(c): engine.class_outcome(c) for c in classes}
    return outcomes, {engine.canonical(c): class_multiplicity(tc, c) for c in classes}, classes


def _summarize(game: Any, k: int, rules: Rules, outcomes: dict[Structure, StructureOutcome],
               stab: dict[Structure, StructureStability], mult: dict[Structure, int],
               parameters: dict[str, Any]) -> StructureAnalysis:
    w_star = _optimum(game)
    defined = [o for o in outcomes.values() if o.welfare is not None]
    best = max(defined, key=lambda o: (o.welfare, -o.contracts), default=None)
    one = [o.welfare for o in defined if o.contracts <= 1 and o.welfare is not None]
    by_size: dict[int, Fraction | None] = {}
    for size in range(2, k + 1):
        ws = [o.welfare for o in defined if max(len(b) for b in o.structure) == size and o.welfare is not None]
        by_size[size] = max(ws) if ws else None
    trivial = outcomes[tuple((i,) for i in range(game.n_players))].welfare
    curve = modification_curve(by_size, trivial, w_star, k)
    missing = sum(mult.get(s, 1) for s, o in outcomes.items() if o.welfare is None)
    notes = [f"{missing} structures have no pure equilibrium between their blocs"] if missing else []
    if mult:
        tied = sum(1 for c in outcomes.values() if len(c.ties) > 1)
        notes.append(f"{len(outcomes)} classes of structures (by composition) stand for {sum(mult.values())} "
                     "labelled structures" + (f"; {tied} classes have tied outcomes (their labelled structures may "
                                              "differ in the representative profile)" if tied else ""))
    method = ("coalition structures by composition (integer partitions into blocks of at most K, per type)"
              if mult else "enumeration of coalition structures")
    return StructureAnalysis(k, rules.selection, rules.sharing, parameters["move_tie"], parameters["consent_tie"],
                             w_star, outcomes, stab, best, max(one) if one else None, curve, parameters["timing"],
                             bool(mult), mult, complete=not missing, notes=tuple(notes), method=method,
                             payoffs_exact=bool(getattr(game, "exact", True)), parameters=parameters)
