r"""One coalition engine for every kind of game: the bloc, its continuations, the tie rule, sharing.

See ``docs/background/model.md#4-partial-contracts``.  A coalition S (2 <= |S|) that signs a rich
contract acts as one *bloc* maximizing its members' total U_S; the outsiders keep their own
payoffs.  This module holds everything about that study that does not depend on the kind of
game -- the outcome classes, the tie rule, sharing and acceptance, the symmetry reduction and the
loop over all coalitions -- and reaches the game only through an adapter, :class:`BlocGame`,
which the normal-form game
(:class:`contract_theory.contracting.coalitions.normal_form.NormalFormBloc`), the Markov game
(:class:`contract_theory.markov.coalitions.MarkovBloc`) and the compact games
(:class:`contract_theory.contracting.coalitions.compact.CompactBloc`, where a coalition is named
by its *composition*, members per type) all provide.  What an adapter supplies:

* its coalitions: ``coalition(spec)`` validates one and returns its *key* (the sorted member
  indices; a compact game's composition), ``coalitions(min_size, k, rules, symmetric)`` lists
  the keys of a study, ``size(key)`` and ``players(key)`` (the members; a composition's
  canonical members, the first s_t players of each type);
* its continuation functions: ``outsiders_equilibria(key, selection)`` (for every commitment of
  the bloc, the outsiders' continuation selected among their equilibria: worst or best for the
  bloc, then welfare in the same direction; Stackelberg timing) and ``bloc_equilibria(key,
  selection)`` (the selected equilibria of the game between the bloc and the outsiders; Nash
  timing), as :class:`Candidate` (U_S, W, outcome) in :class:`Continuations`;
* ``outcome_order(outcome)`` (the smallest-profile part of the tie rule), ``is_mixed(outcome)``;
* ``evaluate(key, outcome, baseline)``: the outcome's payoffs as :class:`Slot` (players who share
  one payoff; one slot per player for normal-form and Markov games, one per run of equal players
  for compact games) and the outcome's own fields; ``build`` and ``empty`` make the adapter's
  outcome class from the shared slots;
* ``no_contract(selection)``, ``optimum()``, ``is_symmetric()``, ``check_size(key)``;
* for stability (:mod:`contract_theory.contracting.coalitions.stability`): ``stability_value``
  (v_i(T) for any coalition T of players) and ``movers(key, outcomes, baseline)`` (the members and
  outsiders whose moves must be tested; equivalent players are tested once).

**Tie rule** (named, applied to every kind of game).  Candidates are ranked lexicographically by
(1) the bloc total U_S, highest first -- the bloc's objective; (2) the social welfare W, lowest
first under ``selection="pessimistic"`` and highest first under ``"optimistic"``; (3) pure
outcomes before mixed ones, then the smallest outcome (profile or policy, compared as tuples of
action indices; compact games compare the canonical profile of the counts); mixed outcomes keep
the adapter's order.  Every pure outcome tied on (1)-(2) is kept in ``ties``.

**Sharing** (:func:`share_slots`, once for every kind): ``"equal"`` gives each member U_S/|S|,
``"lump_sum"`` each member its no-contract payoff plus an equal share of the surplus (members
accept iff U_S covers their no-contract total), ``"none"`` leaves members their own payoffs.

**Symmetry.**  In a symmetric game the coalition {0..k-1} is solved once per size and its tied
outcomes transported to every other coalition of that size by the order-preserving permutation
(:func:`transport`); the representative is the smallest transported tie, exactly what a direct
solve selects, and payoffs are re-evaluated exactly.  (A compact game's compositions already are
the classes of coalitions under the permutations that preserve types.)

Complexity: what the adapter's continuation functions cost, times the number of coalitions
(C(n, <= K), K - 1 in a symmetric game, the compositions of a compact game).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Protocol

from contract_theory.contracting.coalitions.rules import Rules, Selection, Sharing, Timing
from contract_theory.errors import ParameterError, SizeLimitError

__all__ = [
    "Strategies", "Outcome", "CoalitionOutcome", "Slot", "Shared", "share", "share_slots", "shared_payoffs", "player_slots",
    "check_coalition", "check_coalition_sizes", "Candidate", "Continuations", "Found", "BlocGame", "PlayerBloc",
    "StabilityValue", "rank_candidates", "transport", "solve_coalition", "solve_all_coalitions",
]

#: A mixed profile as per-player probability tuples (exact).
Strategies = tuple[tuple[Fraction, ...], ...]
#: v_i(T): player i's payoff when coalition T (sorted player indices) forms; ``None`` when undefined.
StabilityValue = Callable[[tuple[int, ...], int], "Fraction | None"]


def check_coalition_sizes(n: int, min_size: int, k: int, max_coalitions: int) -> int:
    """Validate a range of coalition sizes (2 <= min_size <= k <= n) and return how many coalitions it holds.

    More than ``max_coalitions`` raises :class:`~contract_theory.errors.SizeLimitError`.

    Examples
    --------
    >>> check_coalition_sizes(4, 2, 4, 100)
    11
    >>> check_coalition_sizes(4, 2, 4, 10)
    Traceback (most recent call last):
    ...
    contract_theory.errors.SizeLimitError: 11 coalitions exceed max_coalitions=10
    """
    if not 2 <= min_size <= k <= n:
        raise ParameterError(f"coalition sizes must satisfy 2 <= min_size <= k <= n={n}; "
                             f"got min_size={min_size}, k={k}")
    count = sum(math.comb(n, size) for size in range(min_size, k + 1))
    if count > max_coalitions:
        raise SizeLimitError(f"{count} coalitions exceed max_coalitions={max_coalitions}")
    return count


class HasPlayers(Protocol):
    """What :func:`check_coalition` needs of a game (normal-form and Markov games both have it)."""

    def player_index(self, player: int | str) -> int:
        """The index of a player given by index or name."""
        ...


def check_coalition(game: HasPlayers, coalition: Iterable[int | str]) -> tuple[int, ...]:
    """Validate a coalition (indices or names) and return its sorted player indices.

    A coalition needs at least two distinct members: a single agent cannot sign a
    budget-balanced transfer with anyone (``docs/background/model.md#4-partial-contracts``).

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> check_coalition(public_goods(4, "8/5", 20), ["P2", 0])
    (0, 2)
    """
    coalition = list(coalition)
    members = [game.player_index(p) for p in coalition]
    if len(set(members)) != len(members):
        raise ParameterError(f"coalition {coalition} names a player twice")
    if len(members) < 2:
        raise ParameterError(
            f"coalition {coalition} has {len(members)} member(s); a contract needs at least 2 signatories "
            "(|S| = 1 means no contract)")
    return tuple(sorted(members))


@dataclass(frozen=True)
class Outcome:
    """An outcome with exact payoffs (the no-contract reference).

    ``profile`` is the pure profile (a policy in a Markov game), or ``None`` when the outcome is
    mixed; then ``strategies`` holds the exact mixed profile and ``payoffs`` are expected payoffs.
    """

    profile: Any
    payoffs: tuple[Fraction, ...] | None
    welfare: Fraction | None
    ties: tuple[Any, ...] = ()
    notes: tuple[str, ...] = ()
    strategies: Strategies | None = None


@dataclass(frozen=True)
class CoalitionOutcome:
    """What coalition S achieves (``docs/background/model.md#4-partial-contracts``).

    ``profile`` is the representative outcome (see the module's tie rule), ``payoffs``
    are final payoffs after the bloc total is shared (``raw_payoffs`` before), ``welfare``
    is the social welfare W(S) (invariant under sharing), ``bloc_value`` is U_S.
    ``members_accept`` is ``None`` when the no-contract payoffs are unknown (no pure
    equilibrium).  ``gains`` = (members' total, outsiders' total, social) over no contract.
    """

    coalition: tuple[int, ...]
    timing: Timing
    selection: Selection
    sharing: Sharing
    profile: Any
    raw_payoffs: tuple[Fraction, ...] | None
    payoffs: tuple[Fraction, ...] | None
    bloc_value: Fraction | None
    welfare: Fraction | None
    members_accept: bool | None
    gains: tuple[Fraction, Fraction, Fraction] | None
    ties: tuple[Any, ...] = ()
    complete: bool = True
    notes: tuple[str, ...] = field(default=())
    strategies: Strategies | None = None

    @property
    def outsiders(self) -> tuple[int, ...]:
        """Players outside the coalition, in increasing index order."""
        n = len(self.raw_payoffs) if self.raw_payoffs is not None else 0
        return tuple(i for i in range(n) if i not in self.coalition)


# ---------------------------------------------------------------------------- sharing
@dataclass(frozen=True)
class Slot:
    """``count`` players with one payoff: ``raw`` each before sharing, ``base`` each at no contract
    (``None``: undefined), members or outsiders; ``tag`` is the adapter's label of the slot."""

    raw: Fraction
    base: Fraction | None
    member: bool
    count: int = 1
    tag: Any = None


@dataclass(frozen=True)
class Shared:
    """The bloc total divided by a sharing rule, with acceptance and gains.

    ``payoffs`` has one entry per slot (per player for :func:`share`); acceptance and gains are
    ``None`` when some no-contract payoff is undefined.
    """

    payoffs: tuple[Fraction, ...]
    bloc_value: Fraction
    welfare: Fraction
    members_accept: bool | None
    gains: tuple[Fraction, Fraction, Fraction] | None


def shared_payoffs(slots: Sequence[Slot], sharing: str) -> tuple[tuple[Fraction, ...], Fraction, Fraction, Fraction | None]:
    """(final payoff per slot, U_S, W, the members' no-contract total or ``None``) under ``sharing``.

    ``"equal"``: each member gets U_S/|S|; ``"lump_sum"``: each member gets its no-contract payoff
    plus an equal share of the surplus U_S - (members' no-contract total) (its raw payoff when a
    no-contract payoff is undefined); ``"none"``: members keep their raw payoffs.  O(#slots).
    In the example U_S = 0 + 2*6 = 12 and the members' no-contract total is 1 + 2*1 = 3, so each of the
    three members gets 1 + (12 - 3)/3 = 4.

    Examples
    --------
    >>> F = Fraction
    >>> shared_payoffs([Slot(F(0), F(1), True), Slot(F(6), F(1), True, 2), Slot(F(3), F(4), False)], "lump_sum")[0]
    (Fraction(4, 1), Fraction(4, 1), Fraction(3, 1))
    """
    bloc = wel = base_members = Fraction(0)
    size = 0
    defined = True
    for s in slots:
        total = s.raw * s.count
        wel += total
        if s.base is None:
            defined = False
        if s.member:
            bloc += total
            size += s.count
            if s.base is not None:
                base_members += s.base * s.count
    if sharing == "equal":
        each = bloc / size
        pay = tuple(each if s.member else s.raw for s in slots)
    elif sharing == "lump_sum" and defined:
        extra = (bloc - base_members) / size
        pay = tuple(s.base + extra if s.member and s.base is not None else s.raw for s in slots)
    else:
        pay = tuple(s.raw for s in slots)
    return pay, bloc, wel, base_members if defined else None


def share_slots(slots: Sequence[Slot], sharing: str) -> Shared:
    """Divide the bloc total U_S = sum over member slots of raw * count by ``sharing`` (:func:`shared_payoffs`).

    Members accept (each at least its no-contract payoff; under ``"lump_sum"``: U_S covers their
    no-contract total); gains are (members' total, outsiders' total, social) over no contract.
    Acceptance and gains are ``None`` when a slot's ``base`` is.  The one sharing rule of every
    kind of game.  O(#slots).

    Examples
    --------
    >>> F = Fraction
    >>> s = share_slots([Slot(F(0), F(1), True), Slot(F(5), F(1), True, 2), Slot(F(3), F(4), False)], "equal")
    >>> s.payoffs, s.bloc_value, s.members_accept, s.gains
    ((Fraction(10, 3), Fraction(10, 3), Fraction(3, 1)), Fraction(10, 1), True, (Fraction(7, 1), Fraction(-1, 1), Fraction(6, 1)))
    """
    pay, bloc, wel, base_members = shared_payoffs(slots, sharing)
    if base_members is None:
        return Shared(pay, bloc, wel, None, None)
    members = outsiders = base = Fraction(0)
    accept = True
    for p, s in zip(pay, slots):
        assert s.base is not None
        diff = (p - s.base) * s.count
        base += s.base * s.count
        if s.member:
            members += diff
            accept = accept and p >= s.base
        else:
            outsiders += diff
    if sharing == "lump_sum":
        accept = bloc >= base_members
    return Shared(pay, bloc, wel, accept, (members, outsiders, wel - base))


def player_slots(raw: Sequence[Any], members: Sequence[int], baseline: Sequence[Fraction] | None) -> list[Slot]:
    """One :class:`Slot` per player: raw payoff, no-contract payoff (``baseline``), membership.

    Examples
    --------
    >>> player_slots([1, 2], [1], None)[1]
    Slot(raw=Fraction(2, 1), base=None, member=True, count=1, tag=1)
    """
    inside = set(members)
    return [Slot(Fraction(v), None if baseline is None else Fraction(baseline[i]), i in inside, 1, i)
            for i, v in enumerate(raw)]


def share(raw: Sequence[Any], members: Sequence[int], sharing: str,
          baseline: Sequence[Fraction] | None) -> Shared:
    """Divide the bloc total U_S = sum_{i in S} raw_i by ``sharing`` and compare with ``baseline``.

    :func:`share_slots` with one slot per player (``payoffs`` per player).  Used for normal-form
    and Markov outcomes and by the modifications.  O(n).

    Examples
    --------
    >>> share([0, 5], [0, 1], "none", [1, 1]).members_accept
    False
    >>> share([0, 5], [0, 1], "lump_sum", [1, 1]).payoffs
    (Fraction(5, 2), Fraction(5, 2))
    """
    return share_slots(player_slots(raw, members, baseline), sharing)


# ---------------------------------------------------------------------------- continuations
@dataclass(frozen=True)
class Candidate:
    """One continuation the bloc may end in.

    ``bloc`` is its bloc total U_S, ``welfare`` its W, ``outcome`` a profile, mixed profile,
    policy or (compact games) a pair of count matrices, ``mixed`` whether it is a mixed profile
    (ranked after pure ones among ties).
    """

    bloc: Fraction
    welfare: Fraction
    outcome: Any
    mixed: bool = False


@dataclass(frozen=True)
class Continuations:
    """What an adapter's continuation function found: the candidates, notes, and whether none was excluded."""

    candidates: list[Candidate]
    notes: list[str]
    complete: bool


@dataclass(frozen=True)
class Found:
    """A ranked outcome with its ties, and what the continuation search said about it."""

    outcome: Any
    ties: tuple[Any, ...]
    notes: list[str]
    complete: bool


class BlocGame(Protocol):
    """The adapter a kind of game provides to the coalition engine (see the module docstring)."""

    @property
    def game(self) -> Any:
        """The game (``n_players`` is used)."""
        ...

    @property
    def missing_baseline_note(self) -> str:
        """The note added when the no-contract payoffs are undefined."""
        ...

    @property
    def continuation_kind(self) -> str:
        """What continuations are, in notes (``"pure equilibria"``, ``"stationary pure MPE"``)."""
        ...

    @property
    def analysis_type(self) -> type:
        """The class of the study's result (a ``PartialContractAnalysis``)."""
        ...

    def coalition(self, spec: Iterable[Any]) -> tuple[int, ...]:
        """Validate a coalition given by the caller and return its key."""
        ...

    def coalitions(self, min_size: int, k: int, rules: Rules, symmetric: bool) -> list[tuple[int, ...]]:
        """The keys of every coalition with ``min_size <= size <= k``, by size then key (size limits checked)."""
        ...

    def size(self, key: tuple[int, ...]) -> int:
        """How many members the coalition has."""
        ...

    def players(self, key: tuple[int, ...]) -> tuple[int, ...]:
        """The coalition's members (a composition's canonical members), increasing."""
        ...

    def optimum(self) -> tuple[Fraction, tuple[Any, ...], tuple[str, ...]]:
        """W*, the outcomes attaining it, and notes about them."""
        ...

    def no_contract(self, selection: Selection) -> Any:
        """The default (no-contract) outcome under ``selection`` (assumption A10)."""
        ...

    def is_symmetric(self) -> bool:
        """Whether the game is invariant under every permutation of the players."""
        ...

    def check_size(self, key: tuple[int, ...]) -> None:
        """Raise :class:`~contract_theory.errors.SizeLimitError` when solving ``key`` is too big."""
        ...

    def outsiders_equilibria(self, key: tuple[int, ...], selection: Selection) -> Continuations:
        """Per bloc commitment, the outsiders' selected continuation (Stackelberg timing)."""
        ...

    def bloc_equilibria(self, key: tuple[int, ...], selection: Selection) -> Continuations:
        """The selected equilibria of the game between the bloc and the outsiders (Nash timing)."""
        ...

    def outcome_order(self, outcome: Any) -> Any:
        """The sort key of a pure outcome in the tie rule's last step (smallest first)."""
        ...

    def is_mixed(self, outcome: Any) -> bool:
        """Whether an outcome is a mixed profile (kept out of ``ties``)."""
        ...

    def evaluate(self, key: tuple[int, ...], outcome: Any, baseline: Any) -> tuple[list[Slot], dict[str, Any]]:
        """The outcome's payoffs as slots (with the no-contract payoffs) and its own fields."""
        ...

    def build(self, key: tuple[int, ...], rules: Rules, found: Found, evaluated: tuple[list[Slot], dict[str, Any]],
              shared: Shared) -> Any:
        """The adapter's outcome object from the shared slots (``found.notes`` are its notes)."""
        ...

    def empty(self, key: tuple[int, ...], rules: Rules, complete: bool, notes: Sequence[str]) -> Any:
        """The outcome object of a coalition without any continuation."""
        ...

    def stability_value(self, outcomes: Mapping[tuple[int, ...], Any], baseline: Any) -> StabilityValue:
        """v_i(T) for coalitions T of players, from the study's outcomes and the no-contract outcome."""
        ...

    def movers(self, key: tuple[int, ...], outcomes: Mapping[tuple[int, ...], Any],
               baseline: Any) -> tuple[list[int], list[int]]:
        """The members and outsiders whose leaving or joining stability tests (one per class of equal players)."""
        ...


def rank_candidates(candidates: Sequence[Candidate], selection: Selection,
                    order: Callable[[Any], Any] | None = None) -> list[Any]:
    """The outcomes tied first under the module's tie rule, representative first.

    ``order`` is the sort key of pure outcomes (default: the outcome itself).

    Examples
    --------
    >>> F = Fraction
    >>> rank_candidates([Candidate(F(2), F(5), (1, 0)), Candidate(F(2), F(3), (0, 1)),
    ...                  Candidate(F(2), F(3), (0, 0)), Candidate(F(1), F(9), (1, 1))], "pessimistic")
    [(0, 0), (0, 1)]
    """
    if not candidates:
        return []
    best_b = max(c.bloc for c in candidates)
    tied = [c for c in candidates if c.bloc == best_b]
    best_w = (min if selection == "pessimistic" else max)(c.welfare for c in tied)
    tied = [c for c in tied if c.welfare == best_w]
    pure = sorted((c.outcome for c in tied if not c.mixed), key=order)
    return pure + [c.outcome for c in tied if c.mixed]


def transport(outcome: Sequence[Any], canon_members: Sequence[int], members: Sequence[int], n: int) -> tuple[Any, ...]:
    """Map an outcome of the canonical coalition {0..k-1} to coalition ``members``.

    Order-preserving bijection: the j-th canonical member plays as the j-th member, the
    j-th canonical outsider as the j-th outsider.  ``outcome`` has one entry per player
    (an action, a mixed strategy or a stationary policy).

    Examples
    --------
    >>> transport((1, 1, 0), (0, 1), (0, 2), 3)
    (1, 0, 1)
    """
    canon_out = [i for i in range(n) if i not in canon_members]
    outs = [i for i in range(n) if i not in members]
    new: list[Any] = [0] * n
    for c, m in zip(canon_members, members):
        new[m] = outcome[c]
    for c, o in zip(canon_out, outs):
        new[o] = outcome[c]
    return tuple(new)


def _finish(bloc: BlocGame, key: tuple[int, ...], rules: Rules, found: Found, baseline: Any) -> Any:
    """Payoffs, sharing, acceptance and gains of one outcome; the missing-baseline note when undefined."""
    evaluated = bloc.evaluate(key, found.outcome, baseline)
    shared = share_slots(evaluated[0], rules.sharing)
    if shared.gains is None:
        found = Found(found.outcome, found.ties, found.notes + [bloc.missing_baseline_note], found.complete)
    return bloc.build(key, rules, found, evaluated, shared)


def solve_coalition(bloc: BlocGame, coalition: Iterable[Any], rules: Rules = Rules(), *,
                    baseline: Any = None) -> Any:
    """The outcome coalition S reaches with a rich contract, for any :class:`BlocGame`.

    Validates the coalition, asks the adapter for the continuations under ``rules.timing``,
    ranks them by the tie rule (``rules.selection``) and shares the bloc total
    (``rules.sharing``).  ``baseline`` is the no-contract outcome (the adapter's under
    ``rules.selection`` when omitted).

    Examples
    --------
    >>> from contract_theory.contracting.coalitions.normal_form import NormalFormBloc
    >>> from contract_theory.games.library import public_goods
    >>> solve_coalition(NormalFormBloc(public_goods(4, "8/5", 20)), [0, 1, 2]).profile
    (1, 1, 1, 0)
    """
    return _solve_key(bloc, bloc.coalition(coalition), rules, bloc.no_contract(rules.selection) if baseline is None
                      else baseline)


def _solve_key(bloc: BlocGame, key: tuple[int, ...], rules: Rules, baseline: Any) -> Any:
    """:func:`solve_coalition` of a validated key."""
    bloc.check_size(key)
    found = (bloc.outsiders_equilibria(key, rules.selection) if rules.timing == "stackelberg"
             else bloc.bloc_equilibria(key, rules.selection))
    ranked = rank_candidates(found.candidates, rules.selection, bloc.outcome_order)
    if not ranked:
        return bloc.empty(key, rules, False, found.notes)
    pure = tuple(t for t in ranked if not bloc.is_mixed(t))
    return _finish(bloc, key, rules, Found(ranked[0], pure, list(found.notes), found.complete), baseline)


def solve_all_coalitions(
    bloc: BlocGame, k: int, rules: Rules = Rules(), *, min_size: int = 2, baseline: Any = None,
    use_symmetry: bool = True,
) -> dict[tuple[int, ...], Any]:
    """:func:`solve_coalition` for every coalition with ``min_size <= |S| <= k``, keyed by the adapter's keys.

    In a symmetric game (and with ``use_symmetry``) the canonical coalition {0..size-1} is
    solved once per size and its tied outcomes transported to every other coalition of that
    size; the representative is the smallest transported tie, as a direct solve selects.  The
    adapter's size limits apply (``rules.budgets``; :class:`~contract_theory.errors.SizeLimitError`).

    Examples
    --------
    >>> from contract_theory.contracting.coalitions.normal_form import NormalFormBloc
    >>> from contract_theory.games.library import public_goods
    >>> out = solve_all_coalitions(NormalFormBloc(public_goods(3, "8/5", 20)), 3)
    >>> {S: str(o.welfare) for S, o in out.items()}
    {(0, 1): '84', (0, 2): '84', (1, 2): '84', (0, 1, 2): '96'}
    """
    sym = use_symmetry and bloc.is_symmetric()
    keys = bloc.coalitions(min_size, k, rules, sym)
    if baseline is None:
        baseline = bloc.no_contract(rules.selection)
    if not sym:
        return {key: _solve_key(bloc, key, rules, baseline) for key in keys}
    out: dict[tuple[int, ...], Any] = {}
    for size in sorted({bloc.size(key) for key in keys}):
        out.update(_transported(bloc, size, rules, baseline))
    return out


def _transported(bloc: BlocGame, size: int, rules: Rules, baseline: Any) -> dict[tuple[int, ...], Any]:
    """Every coalition of ``size`` in a symmetric game: the canonical one solved, the others transported."""
    n = bloc.game.n_players
    canon = tuple(range(size))
    base = _solve_key(bloc, canon, rules, baseline)
    outcome = base.profile if base.strategies is None else base.strategies
    out: dict[tuple[int, ...], Any] = {}
    for S in itertools.combinations(range(n), size):
        if S == canon:
            out[S] = base
        elif outcome is None:
            out[S] = bloc.empty(S, rules, base.complete, base.notes)
        else:
            ties = tuple(sorted(transport(p, canon, S, n) for p in base.ties))
            notes = [x for x in base.notes if x != bloc.missing_baseline_note]
            notes.append(f"symmetric game: outcome transported from coalition {list(canon)}")
            rep = ties[0] if base.strategies is None and ties else transport(outcome, canon, S, n)
            out[S] = _finish(bloc, S, rules, Found(rep, ties, notes, base.complete), baseline)
    return out


class PlayerBloc:
    """What the adapters whose coalitions are sets of players share (normal-form and Markov games).

    A coalition's key is its sorted member indices; payoffs are one :class:`Slot` per player;
    outcomes are :attr:`outcome_type` (a :class:`CoalitionOutcome`).  Subclasses provide
    ``game``, :meth:`payoffs_of` and the continuation functions.
    """

    outcome_type: type[CoalitionOutcome] = CoalitionOutcome
    game: Any

    @property
    def analysis_type(self) -> type:
        """:class:`~contract_theory.contracting.coalitions.partial_contracts.PartialContractAnalysis`."""
        from contract_theory.contracting.coalitions.partial_contracts import PartialContractAnalysis

        return PartialContractAnalysis

    def coalition(self, spec: Iterable[Any]) -> tuple[int, ...]:
        """:func:`check_coalition`."""
        return check_coalition(self.game, spec)

    def coalitions(self, min_size: int, k: int, rules: Rules, symmetric: bool) -> list[tuple[int, ...]]:
        """Every coalition of ``min_size..k`` players, by size then lexicographically (:func:`check_coalition_sizes`)."""
        n = self.game.n_players
        check_coalition_sizes(n, min_size, k, rules.budgets.max_coalitions)
        return [S for size in range(min_size, k + 1) for S in itertools.combinations(range(n), size)]

    def size(self, key: tuple[int, ...]) -> int:
        """|S|."""
        return len(key)

    def players(self, key: tuple[int, ...]) -> tuple[int, ...]:
        """The members (the key itself)."""
        return key

    def outcome_order(self, outcome: Any) -> Any:
        """Profiles and policies compare as tuples of action indices."""
        return outcome

    def payoffs_of(self, outcome: Any) -> tuple[tuple[Fraction, ...], dict[str, Any]]:
        """Exact payoffs of an outcome and the outcome's fields of :attr:`outcome_type` (``profile`` ...)."""
        raise NotImplementedError("an adapter provides payoffs_of")

    def evaluate(self, key: tuple[int, ...], outcome: Any, baseline: Any) -> tuple[list[Slot], dict[str, Any]]:
        """One slot per player (:func:`player_slots`) and the outcome's fields (:meth:`payoffs_of`)."""
        raw, fields = self.payoffs_of(outcome)
        return player_slots(raw, key, baseline.payoffs), fields

    def build(self, key: tuple[int, ...], rules: Rules, found: Found, evaluated: tuple[list[Slot], dict[str, Any]],
              shared: Shared) -> CoalitionOutcome:
        """A :attr:`outcome_type` with raw and shared payoffs per player."""
        slots, fields = evaluated
        return self.outcome_type(
            coalition=key, timing=rules.timing, selection=rules.selection, sharing=rules.sharing,
            raw_payoffs=tuple(s.raw for s in slots), payoffs=shared.payoffs, bloc_value=shared.bloc_value,
            welfare=shared.welfare, members_accept=shared.members_accept, gains=shared.gains, ties=found.ties,
            complete=found.complete, notes=tuple(found.notes), **fields)

    def empty(self, key: tuple[int, ...], rules: Rules, complete: bool, notes: Sequence[str]) -> CoalitionOutcome:
        """A :attr:`outcome_type` without profile or payoffs."""
        return self.outcome_type(key, rules.timing, rules.selection, rules.sharing, None, None, None, None, None,
                                 None, None, (), complete, tuple(notes))

    def stability_value(self, outcomes: Mapping[tuple[int, ...], Any], baseline: Any) -> StabilityValue:
        """v_i(T): i's final payoff in T's outcome (the no-contract payoff when |T| < 2)."""
        def value(T: tuple[int, ...], i: int) -> Fraction | None:
            pay = baseline.payoffs if len(T) < 2 else outcomes[T].payoffs
            return None if pay is None else pay[i]
        return value

    def movers(self, key: tuple[int, ...], outcomes: Mapping[tuple[int, ...], Any],
               baseline: Any) -> tuple[list[int], list[int]]:
        """Every member and every outsider."""
        return list(key), [j for j in range(self.game.n_players) if j not in key]
