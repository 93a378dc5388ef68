r"""The membership stage under the treaty's terms: who signs, and which coalitions are stable.

The repairs of ``docs/background/modifications.md#repairs-that-change-the-treaty`` (minimum
participation, sanctions on outsiders, stabilizing transfers) change neither the game nor what a
coalition does once it has formed (``docs/background/model.md#4-partial-contracts``: a bloc
maximizing its members' total, outsiders best-responding); they change what a player *gets* from
joining or leaving.  This module holds what they share:

* a :class:`CoalitionTable`, the K-coalition study seen from the membership stage: for every
  coalition S with 2 <= |S| <= K its welfare W(S), its members' total U_S and each *group* of
  players' payoffs as member and as outsider under the study's sharing rule.  A group is one player
  in a dense game and one type in a compact game, where a coalition is a *composition*; the no
  agreement outcome (fewer than two members) is the no-contract equilibrium;
* :class:`Terms`, the treaty's terms: minimum participation ``m`` (the contract binds only when at
  least m sign), a ``penalty`` each outsider pays while a contract is in force (``destination``:
  shared equally by the members or burned), and ``transfers`` (the stabilizing sharing of
  :mod:`~contract_theory.contracting.modifications.stabilizing_transfers`);
* :func:`repaired_payoffs` (every group's payoffs when T has signed, under the terms),
  :func:`repaired_stability` (the internal and external stability of d'Aspremont et al. 1983 with
  the project's tie rule, :mod:`contract_theory.contracting.coalitions.stability`) and
  :func:`stable_outcomes` (every stable coalition and the best one).

Definitions.  T is *in force* when |T| >= max(m, 2); a coalition that is not in force is no
agreement: everyone gets the no-contract payoff and no sanction is due.  When T is in force, a
member of group g gets its payoff under the sharing rule plus, with ``destination="members"``,
penalty * (N - |T|) / |T|; an outsider gets its payoff minus the penalty.  With ``transfers`` a
member of T instead gets x_g(T) = o_g(T) + sigma(T) / |T|, where o_g(T) is g's payoff (under the
same terms) as an outsider of T minus one member of g and sigma(T) = (what T's members hold in
total) - sum over T's members of o_g(T).  S (in force, 2 <= |S| <= K) is internally stable when no
member gains by leaving (its payoff in S against its payoff when S minus it has signed) and
externally stable when |S| = K or no outsider gains by joining; ``tie`` decides which inequality
is strict.  The best stable outcome is the stable coalition with the highest welfare W(S) (minus
the burned penalties), then the fewest members, then the smallest coalition (canonical members,
compact games); with no stable coalition it is no agreement.

Groups whose players get different payoffs in one role (a compact outcome in which players of a
type play different actions) are compared in the worst case for stability (the lowest payoff where
the player is, the highest where it would go; sums of outside options use the highest), as
:mod:`contract_theory.contracting.coalitions.compact` does; the table says so (``uniform``).
Complexity: O(groups) table look-ups per coalition and terms.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

from contract_theory.contracting.coalitions.compact import Runs, canonical_coalition
from contract_theory.contracting.coalitions.partial_contracts import check_k, partial_contract_analysis
from contract_theory.contracting.coalitions.rules import Rules
from contract_theory.contracting.coalitions.stability import StabilityCheck, prefers_stay, strictness
from contract_theory.contracting.modifications.shared import SolverRecord
from contract_theory.errors import ParameterError, SizeLimitError

__all__ = ["Key", "Destination", "DESTINATIONS", "Terms", "CoalitionTable", "coalition_table", "RepairedPayoffs",
           "repaired_payoffs", "repaired_stability", "StableOutcomes", "stable_outcomes", "best_stable", "run_values",
           "Change", "payoff_changes", "gains", "RepairOutcome", "repair_record", "changes_from"]

#: A coalition: sorted player indices (dense games) or members per type (compact games).
Key = tuple[int, ...]
Destination = Literal["members", "burned"]
DESTINATIONS: tuple[Destination, ...] = ("members", "burned")


def run_values(runs: Runs) -> list[Fraction]:
    """The distinct payoffs of a run list, in order.

    Examples
    --------
    >>> run_values(((Fraction(1), 2), (Fraction(3), 1)))
    [Fraction(1, 1), Fraction(3, 1)]
    """
    return [v for v, _ in runs]


def _count(runs: Runs) -> int:
    return sum(k for _, k in runs)


def _total(runs: Runs) -> Fraction:
    return sum((v * k for v, k in runs), Fraction(0))


@dataclass(frozen=True)
class Terms:
    """The treaty's terms (module docstring): threshold ``m``, ``penalty`` per outsider and its
    ``destination``, stabilizing ``transfers``.  ``Terms()`` is the plain contract.

    Examples
    --------
    >>> Terms(m=3, penalty=Fraction(2)).in_force(2), Terms(m=3).in_force(3)
    (False, True)
    >>> Terms(penalty=Fraction(-1))
    Traceback (most recent call last):
    ...
    contract_theory.errors.ParameterError: the penalty per outsider must be >= 0, got -1
    """

    m: int = 2
    penalty: Fraction = Fraction(0)
    destination: Destination = "members"
    transfers: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.m, bool) or not isinstance(self.m, int) or self.m < 1:
            raise ParameterError(f"the minimum participation m must be a positive integer, got {self.m!r}")
        object.__setattr__(self, "penalty", Fraction(self.penalty))
        if self.penalty < 0:
            raise ParameterError(f"the penalty per outsider must be >= 0, got {self.penalty}")
        if self.destination not in DESTINATIONS:
            raise ParameterError(f"unknown penalty destination {self.destination!r}; choose one of {list(DESTINATIONS)}")

    def in_force(self, size: int) -> bool:
        """Whether a contract signed by ``size`` players binds: size >= max(m, 2)."""
        return size >= max(self.m, 2)


class CoalitionTable:
    """The K-coalition study seen from the membership stage (module docstring).

    Built by :func:`coalition_table`; ``kind`` is ``"players"`` (dense: a group is a player) or
    ``"compositions"`` (compact: a group is a type, a coalition its members per type).
    """

    def __init__(self, analysis: Any, kind: Literal["players", "compositions"]) -> None:
        self.analysis = analysis
        self.kind = kind
        game = analysis.game
        self.n_players: int = game.n_players
        self.k: int = analysis.k
        self.group_sizes: tuple[int, ...] = (tuple(game.type_counts) if kind == "compositions"
                                             else (1,) * game.n_players)
        self.keys: tuple[Key, ...] = tuple(analysis.outcomes)
        self.keys_order: dict[Key, int] = {key: i for i, key in enumerate(self.keys)}
        self.optimum_welfare: Fraction = analysis.optimum_welfare
        base = analysis.no_contract
        self.no_contract_welfare: Fraction | None = base.welfare
        self._base = self._baseline_runs(base)
        self._runs = {key: self._outcome_runs(key) for key in self.keys}
        # results the repairs ask for many times, shared with restricted copies (keys carry K where it matters)
        self.plain_memo: dict[tuple[Any, ...], RepairedPayoffs | None] = {}
        self.transfers_memo: dict[tuple[Any, ...], RepairedPayoffs | None] = {}
        self.stable_memo: dict[tuple[Any, ...], StableOutcomes] = {}
        self.uniform: bool = all(len(r) <= 1 for pair in self._runs.values() if pair is not None
                                 for m, o in pair for r in (m, o)) and all(
            len(r) <= 1 for r in (self._base or ()))

    # -- building
    def _baseline_runs(self, base: Any) -> tuple[Runs, ...] | None:
        if base.payoffs is None:
            return None
        if self.kind == "compositions":
            return tuple(base.runs)
        return tuple(((Fraction(v), 1),) for v in base.payoffs)

    def _outcome_runs(self, key: Key) -> tuple[tuple[Runs, Runs], ...] | None:
        o = self.analysis.outcomes[key]
        if self.kind == "compositions":
            if o.member_runs is None or o.outsider_runs is None:
                return None
            return tuple(zip(o.member_runs, o.outsider_runs))
        if o.payoffs is None:
            return None
        return tuple((((Fraction(v), 1),), ()) if i in key else ((), ((Fraction(v), 1),))
                     for i, v in enumerate(o.payoffs))

    # -- reading
    def size(self, key: Key | None) -> int:
        """|T| (0 for no agreement)."""
        if key is None:
            return 0
        return sum(key) if self.kind == "compositions" else len(key)

    def members(self, key: Key, group: int) -> int:
        """How many players of ``group`` are members of ``key``."""
        if self.kind == "compositions":
            return key[group]
        return int(group in key)

    def member_groups(self, key: Key) -> list[int]:
        """The groups with at least one member in ``key``."""
        return [g for g in range(len(self.group_sizes)) if self.members(key, g)]

    def outsider_groups(self, key: Key) -> list[int]:
        """The groups with at least one outsider of ``key``."""
        return [g for g, n in enumerate(self.group_sizes) if self.members(key, g) < n]

    def leave(self, key: Key, group: int) -> Key | None:
        """The coalition after one member of ``group`` leaves (``None``: fewer than two remain)."""
        if self.kind == "compositions":
            out = key[:group] + (key[group] - 1,) + key[group + 1:]
        else:
            out = tuple(i for i in key if i != group)
        return out if self.size(out) >= 2 else None

    def join(self, key: Key, group: int) -> Key | None:
        """The coalition after one outsider of ``group`` joins (``None``: it would exceed K)."""
        if self.size(key) >= self.k:
            return None
        if self.kind == "compositions":
            return key[:group] + (key[group] + 1,) + key[group + 1:]
        return tuple(sorted(key + (group,)))

    def runs(self, key: Key | None, group: int) -> tuple[Runs, Runs] | None:
        """(members', outsiders') payoffs of ``group`` when ``key`` signs, under the sharing rule, as runs
        over the group's players (members first); no agreement when ``key`` is ``None``; ``None`` when
        undefined (no pure outcome)."""
        if key is None:
            return None if self._base is None else ((), self._base[group])
        pair = self._runs[key]
        return None if pair is None else pair[group]

    def welfare(self, key: Key | None) -> Fraction | None:
        """W(T) (the no-contract welfare for no agreement)."""
        if key is None:
            return self.no_contract_welfare
        w = self.analysis.outcomes[key].welfare
        return None if w is None else Fraction(w)

    def bloc_total(self, key: Key) -> Fraction | None:
        """U_T, the members' total before any repair."""
        b = self.analysis.outcomes[key].bloc_value
        return None if b is None else Fraction(b)

    def players(self, key: Key) -> tuple[int, ...]:
        """The coalition's (canonical) members."""
        if self.kind == "compositions":
            return canonical_coalition(self.analysis.game, key)
        return key

    def restricted(self, k: int) -> CoalitionTable:
        """The same table with coalitions of at most ``k`` members (2 <= k <= K): the study with bound k."""
        if not 2 <= k <= self.k:
            raise ParameterError(f"a restricted coalition bound must satisfy 2 <= k <= K={self.k}, got {k}")
        out = object.__new__(CoalitionTable)
        out.__dict__.update(self.__dict__)
        out.k = k
        out.keys = tuple(key for key in self.keys if self.size(key) <= k)
        return out

    def order(self, key: Key) -> tuple[int, tuple[int, ...]]:
        """The tie-break among equally good coalitions: fewer members, then the smallest members."""
        return self.size(key), self.players(key)


def coalition_table(game: Any, k: int, rules: Rules = Rules(), *, analysis: Any = None) -> CoalitionTable:
    """The :class:`CoalitionTable` of ``game`` with coalitions of 2..``k`` members under ``rules``.

    ``analysis`` reuses a table (restricted to ``k`` when its K is larger) or a K-coalition study with
    the same K and rules (any kind of game: a
    :class:`~contract_theory.contracting.coalitions.partial_contracts.PartialContractAnalysis`, a
    Markov game's, or a compact game's by composition); otherwise normal-form games are studied by
    :func:`~contract_theory.contracting.coalitions.partial_contracts.partial_contract_analysis` and
    compact games by composition.  Complexity: that study's.

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> t = coalition_table(public_goods(4, "8/5", 20), 4)
    >>> t.runs((0, 1, 2), 3), t.runs(None, 3)
    (((), ((Fraction(44, 1), 1),)), ((), ((Fraction(20, 1), 1),)))
    """
    kind = getattr(game, "kind", None)
    if isinstance(analysis, CoalitionTable):
        return analysis if analysis.k == k else analysis.restricted(k)
    if analysis is None:
        check_k(game, k)
        if kind == "compact":
            from contract_theory.contracting.coalitions.compact import CompactBloc
            from contract_theory.contracting.coalitions.partial_contracts import partial_contract_study
            analysis = partial_contract_study(CompactBloc(game, max_pairs=rules.budgets.max_pairs), k, rules)
        elif kind == "normal-form":
            analysis = partial_contract_analysis(game, k, rules)
        else:
            raise ParameterError(f"the treaty repairs need a normal-form or compact game, or the K-coalition study "
                                 f"of a {kind} game (analysis=...)")
    elif analysis.k != k:
        raise ParameterError(f"the study given has K = {analysis.k}, not {k}")
    if kind != "compact":
        return CoalitionTable(analysis, "players")
    table = CoalitionTable(analysis, "compositions")
    if by_composition(table):
        return table
    return CoalitionTable(PlayerStudy(analysis, rules.budgets.max_coalitions), "players")


def by_composition(table: CoalitionTable) -> bool:
    """Whether a compact table decides every coalition of a composition alike, so that the repairs solved
    on compositions are the dense game's: every type's players get one payoff per role in every outcome
    and at no contract (``uniform``), and no composition has outcomes tied on (U_S, W) (the dense tie rule
    would pick among them by the players' indices).  Complexity O(#compositions).

    Examples
    --------
    >>> from contract_theory.games.compact_library import public_goods_compact
    >>> by_composition(coalition_table(public_goods_compact(10, 3, 1), 3))
    True
    """
    return table.uniform and all(len(o.ties) <= 1 for o in table.analysis.outcomes.values())


@dataclass(frozen=True)
class PlayerOutcome:
    """One coalition of players of a compact game, as the dense study reports it: every player's payoff
    (``payoffs``, index order), W(T) (``welfare``) and U_T (``bloc_value``); ``None`` when undefined."""

    payoffs: tuple[Fraction, ...] | None
    welfare: Fraction | None
    bloc_value: Fraction | None


class PlayerStudy:
    """A compact game's K-coalition study seen per player, as the dense study (the repairs' fallback).

    When players of one type are treated differently (``by_composition`` fails), a repair solved on
    compositions is not the dense game's: a member's outside option is its *own* payoff once it has
    left, and which players form a coalition matters.  This view lists every coalition T of players with
    2 <= |T| <= K (by size, then lexicographically, the dense order) with each player's payoff v_i(T)
    from :meth:`~contract_theory.contracting.coalitions.compact.CompactBloc.stability_value` (T's
    composition's outcome arranged on T's players, the dense tie rule; the per-player definition the
    compact stability uses) and the no-contract payoffs player by player.  Complexity
    O(sum_{k<=K} C(N, k) * N) look-ups; more than ``max_coalitions`` such payoffs raise
    :class:`~contract_theory.errors.SizeLimitError` (the repairs are refused, never answered by
    composition).

    Examples
    --------
    >>> from contract_theory import load_game
    >>> study = coalition_table(load_game("volunteers_dilemma:n=4,compact=true"), 2).analysis
    >>> type(study).__name__, len(study.outcomes), [str(v) for v in study.no_contract.payoffs]  # P0 volunteers
    ('PlayerStudy', 6, ['1', '2', '2', '2'])
    """

    def __init__(self, analysis: Any, max_coalitions: int) -> None:
        from contract_theory.contracting.coalitions.compact import CompactBloc, _composition_of, _expand

        game = analysis.game
        n, k = game.n_players, analysis.k
        count = sum(math.comb(n, size) for size in range(2, k + 1))
        if count * n > max_coalitions:
            raise SizeLimitError(
                f"players of one type are treated differently, so the treaty repairs are solved per player: "
                f"{count * n:,} payoffs ({count:,} coalitions x {n} players) > max_coalitions={max_coalitions:,}; "
                f"lower K")
        self.game, self.k, self.analysis = game, k, analysis
        self.optimum_welfare = analysis.optimum_welfare
        self.complete, self.notes = analysis.complete, analysis.notes
        base = analysis.no_contract
        pays = None if base.runs is None else tuple(v for r in base.runs for v in _expand(r))
        self.no_contract = PlayerOutcome(pays, base.welfare, None)
        value = CompactBloc(game).stability_value(analysis.outcomes, base)
        self.outcomes: dict[Key, PlayerOutcome] = {}
        for size in range(2, k + 1):
            for T in itertools.combinations(range(n), size):
                o = analysis.outcomes[_composition_of(game, T)]
                vals = [value(T, i) for i in range(n)] if o.welfare is not None else [None]
                if any(v is None for v in vals):
                    self.outcomes[T] = PlayerOutcome(None, None, None)
                    continue
                exact = tuple(Fraction(v) for v in vals if v is not None)
                self.outcomes[T] = PlayerOutcome(exact, Fraction(o.welfare), sum((exact[i] for i in T), Fraction(0)))


# ---------------------------------------------------------------------------- repaired payoffs
@dataclass(frozen=True)
class RepairedPayoffs:
    """Every group's payoffs when a coalition (or nobody) has signed, under :class:`Terms`.

    ``groups[g]`` = (members' runs, outsiders' runs) of group g; ``welfare`` is W(T) minus the
    burned penalties; ``in_force`` whether the contract binds; ``paid`` the penalties the
    outsiders pay; ``transfers[g]`` what the stabilizing transfers add to (or take from) each of
    g's members beyond the sharing rule (runs; empty without transfers or members).
    """

    key: Key | None
    in_force: bool
    groups: tuple[tuple[Runs, Runs], ...]
    welfare: Fraction
    paid: Fraction
    transfers: tuple[Runs, ...] = ()


def _shift(runs: Runs, by: Fraction) -> Runs:
    return tuple((v + by, k) for v, k in runs) if by else runs


def _plain(table: CoalitionTable, key: Key | None, terms: Terms) -> RepairedPayoffs | None:
    """Payoffs under the threshold and the sanction, before stabilizing transfers (memoized)."""
    memo = (key, terms.m, terms.penalty, terms.destination)
    if memo not in table.plain_memo:
        table.plain_memo[memo] = _plain_payoffs(table, key, terms)
    return table.plain_memo[memo]


def _plain_payoffs(table: CoalitionTable, key: Key | None, terms: Terms) -> RepairedPayoffs | None:
    size = table.size(key)
    force = key is not None and terms.in_force(size)
    used = key if force else None
    pairs = [table.runs(used, g) for g in range(len(table.group_sizes))]
    welfare = table.welfare(used)
    if welfare is None or any(p is None for p in pairs):
        return None
    outsiders = table.n_players - size if force else 0
    paid = terms.penalty * outsiders
    share = paid / size if force and terms.destination == "members" else Fraction(0)
    groups = tuple((_shift(m, share), _shift(o, -terms.penalty if force else Fraction(0)))
                   for m, o in (p for p in pairs if p is not None))
    burned = paid if terms.destination == "burned" else Fraction(0)
    return RepairedPayoffs(key, force, groups, welfare - burned, paid)


def _outside_option(table: CoalitionTable, key: Key, group: int, terms: Terms) -> Fraction | None:
    """The highest payoff a member of ``group`` gets as an outsider once it has left ``key``."""
    after = _plain(table, table.leave(key, group), terms)
    if after is None:
        return None
    return max(run_values(after.groups[group][1]))


def repaired_payoffs(table: CoalitionTable, key: Key | None, terms: Terms = Terms()) -> RepairedPayoffs | None:
    """Every group's payoffs when ``key`` has signed (``None``: nobody), under ``terms`` (module docstring).

    ``None`` when an outcome needed is undefined (no pure equilibrium).  With ``terms.transfers``
    each member of group g gets o_g(T) + sigma(T)/|T|.  Complexity O(groups) look-ups
    (O(groups^2) with transfers).

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> t = coalition_table(public_goods(4, "8/5", 20), 4)
    >>> p = repaired_payoffs(t, (0, 1, 2), Terms(penalty=Fraction(6)))
    >>> p.groups[0][0], p.groups[3][1], p.paid, p.welfare   # members 24 + 6/3, the outsider 44 - 6
    (((Fraction(26, 1), 1),), ((Fraction(38, 1), 1),), Fraction(6, 1), Fraction(116, 1))
    """
    plain = _plain(table, key, terms)
    if plain is None or not terms.transfers or key is None or not plain.in_force:
        return plain
    memo = (key, terms)
    if memo not in table.transfers_memo:
        table.transfers_memo[memo] = _with_transfers(table, key, terms, plain)
    return table.transfers_memo[memo]


def _with_transfers(table: CoalitionTable, key: Key, terms: Terms, plain: RepairedPayoffs) -> RepairedPayoffs | None:
    """Every member gets its outside option plus an equal share of the surplus (module docstring)."""
    options = {g: _outside_option(table, key, g, terms) for g in table.member_groups(key)}
    if any(v is None for v in options.values()):
        return None
    held = sum((_total(m) for m, _ in plain.groups), Fraction(0))
    sigma = held - sum((table.members(key, g) * v for g, v in options.items() if v is not None), Fraction(0))
    size = table.size(key)
    groups: list[tuple[Runs, Runs]] = []
    transfers: list[Runs] = []
    for g, (m, o) in enumerate(plain.groups):
        option = options.get(g)
        if option is not None:
            x = option + sigma / size
            groups.append((((x, table.members(key, g)),), o))
            transfers.append(tuple((x - v, n) for v, n in m))
        else:
            groups.append((m, o))
            transfers.append(())
    return RepairedPayoffs(key, True, tuple(groups), plain.welfare, plain.paid, tuple(transfers))


def _moves(here: Sequence[Fraction], there: Sequence[Fraction], strict: bool) -> tuple[Fraction, Fraction] | None:
    """The (worst payoff here, best payoff there) pair when a player of the group moves, else ``None``."""
    low, high = min(here), max(there)
    return None if prefers_stay(low, high, strict) else (low, high)


def _side(table: CoalitionTable, now: RepairedPayoffs, moves: Iterable[tuple[int, Key | None, int]], terms: Terms,
          strict: bool) -> tuple[bool | None, tuple[int, Fraction, Fraction] | None]:
    """One side's stability: (holds?, witness).  ``moves``: (group, coalition after the move, role index there)."""
    for g, after, role in moves:
        there = repaired_payoffs(table, after, terms)
        if there is None:
            return None, None
        here_runs = now.groups[g][1 - role]
        found = _moves(run_values(here_runs), run_values(there.groups[g][role]), strict)
        if found is not None:
            return False, (g, found[0], found[1])
    return True, None


def repaired_stability(table: CoalitionTable, key: Key, terms: Terms = Terms(), tie: str = "inside") -> StabilityCheck:
    """Internal and external stability of ``key`` under ``terms`` (module docstring), with witnesses.

    A coalition that is not in force is never stable (it is no agreement).  Witnesses name the
    group (a player, or a type) with its payoff where it is and where it would go.  Complexity
    O(groups) calls of :func:`repaired_payoffs`.

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> t = coalition_table(public_goods(4, "8/5", 20), 4)
    >>> repaired_stability(t, (0, 1, 2, 3)).internal_witness     # a member gets 32, 44 after leaving
    (0, Fraction(32, 1), Fraction(44, 1))
    >>> repaired_stability(t, (0, 1, 2, 3), Terms(m=4)).stable    # leaving now ends the contract: 20
    True
    """
    strict_in, strict_out = strictness(tie)
    now = repaired_payoffs(table, key, terms)
    if now is None:
        return StabilityCheck(key, None, None)
    if not now.in_force:
        return StabilityCheck(key, False, None)
    internal, iw = _side(table, now, ((g, table.leave(key, g), 1) for g in table.member_groups(key)), terms, strict_in)
    external: bool | None = True
    ew = None
    if table.size(key) < table.k:
        joins = ((g, table.join(key, g), 0) for g in table.outsider_groups(key))
        external, ew = _side(table, now, joins, terms, strict_out)
    return StabilityCheck(key, internal, external, iw, ew)


# ---------------------------------------------------------------------------- stable outcomes
@dataclass(frozen=True)
class StableOutcomes:
    """The coalitions stable under some terms, and the best stable outcome (module docstring).

    ``stable`` lists the stable coalitions in the table's order, ``sizes`` their sizes (ascending,
    distinct); ``best`` is the best one
    (``None``: no coalition is stable, the outcome is no agreement); ``welfare`` is the best
    stable outcome's welfare (the no-contract welfare without a stable coalition); ``payoffs``
    its groups' payoffs; ``undecided`` the coalitions whose stability is undefined.
    """

    terms: Terms
    tie: str
    stable: tuple[Key, ...]
    best: Key | None
    welfare: Fraction | None
    payoffs: RepairedPayoffs | None
    sizes: tuple[int, ...] = ()
    undecided: tuple[Key, ...] = ()
    notes: tuple[str, ...] = field(default=())


def best_stable(table: CoalitionTable, stable: Sequence[Key], terms: Terms) -> tuple[Key | None, RepairedPayoffs | None]:
    """The best of ``stable``: highest repaired welfare, then fewest members, then smallest members;
    ``(None, no agreement's payoffs)`` when ``stable`` is empty.  Complexity O(|stable|).

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> t = coalition_table(public_goods(4, "8/5", 20), 4)
    >>> best_stable(t, [(1, 2, 3), (0, 1, 2)], Terms())[0], best_stable(t, [], Terms())[1].welfare
    ((0, 1, 2), Fraction(80, 1))
    """
    scored = [(p.welfare, key, p) for key in stable if (p := repaired_payoffs(table, key, terms)) is not None]
    if not scored:
        return None, repaired_payoffs(table, None, terms)
    top = max(w for w, _, _ in scored)
    _, key, p = min(((w, key, p) for w, key, p in scored if w == top), key=lambda x: table.order(x[1]))
    return key, p


def stable_outcomes(table: CoalitionTable, terms: Terms = Terms(), tie: str = "inside") -> StableOutcomes:
    """Every coalition of the table stable under ``terms`` and the best stable outcome.

    Complexity: :func:`repaired_stability` per coalition.

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> t = coalition_table(public_goods(4, "8/5", 20), 4)
    >>> s = stable_outcomes(t)
    >>> s.stable, s.best, s.welfare
    (((0, 1, 2), (0, 1, 3), (0, 2, 3), (1, 2, 3)), (0, 1, 2), Fraction(116, 1))
    """
    memo = (terms, tie, table.k)
    if memo in table.stable_memo:
        return table.stable_memo[memo]
    checks = {key: repaired_stability(table, key, terms, tie) for key in table.keys}
    stable = tuple(key for key, c in checks.items() if c.stable)
    undecided = tuple(key for key, c in checks.items() if c.stable is None and terms.in_force(table.size(key)))
    best, pay = best_stable(table, stable, terms)
    notes = [] if table.uniform else ["players of one group get different payoffs in some outcome; stability "
                                      "compares them in the worst case"]
    welfare = pay.welfare if pay is not None else None
    sizes = tuple(sorted({table.size(key) for key in stable}))
    table.stable_memo[memo] = out = StableOutcomes(terms, tie, stable, best, welfare, pay, sizes, undecided, tuple(notes))
    return out


# ---------------------------------------------------------------------------- who gains, who pays
@dataclass(frozen=True)
class Change:
    """``count`` players of ``group`` whose payoff goes from ``before`` to ``after`` between two outcomes.

    ``was_member`` / ``is_member``: their roles (signatory or outsider) in each outcome.  In a compact
    game a type's first players are its members (the canonical coalition), so two compositions
    are compared position by position.
    """

    group: int
    count: int
    was_member: bool
    is_member: bool
    before: Fraction
    after: Fraction

    @property
    def delta(self) -> Fraction:
        """after - before."""
        return self.after - self.before


def _tagged(pair: tuple[Runs, Runs]) -> list[tuple[Fraction, bool, int]]:
    return [(v, True, k) for v, k in pair[0]] + [(v, False, k) for v, k in pair[1]]


def _aligned(a: list[tuple[Fraction, bool, int]], b: list[tuple[Fraction, bool, int]]
             ) -> list[tuple[Fraction, bool, Fraction, bool, int]]:
    """Aligned segments of two tagged run lists over the same players."""
    out: list[tuple[Fraction, bool, Fraction, bool, int]] = []
    i = j = 0
    left_a = a[0][2] if a else 0
    left_b = b[0][2] if b else 0
    while i < len(a) and j < len(b):
        step = min(left_a, left_b)
        seg = (a[i][0], a[i][1], b[j][0], b[j][1], step)
        if out and out[-1][:4] == seg[:4]:
            out[-1] = seg[:4] + (out[-1][4] + step,)
        else:
            out.append(seg)
        left_a, left_b = left_a - step, left_b - step
        if not left_a:
            i += 1
            left_a = a[i][2] if i < len(a) else 0
        if not left_b:
            j += 1
            left_b = b[j][2] if j < len(b) else 0
    return out


def payoff_changes(before: RepairedPayoffs, after: RepairedPayoffs) -> list[Change]:
    """Every group's payoff changes from outcome ``before`` to outcome ``after`` (same table), by segments
    of players with the same roles and payoffs.  Complexity O(total runs).

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> t = coalition_table(public_goods(4, "8/5", 20), 4)
    >>> c = payoff_changes(repaired_payoffs(t, (0, 1, 2)), repaired_payoffs(t, (0, 1, 2, 3)))
    >>> [(x.group, x.was_member, str(x.delta)) for x in c]
    [(0, True, '8'), (1, True, '8'), (2, True, '8'), (3, False, '-12')]
    """
    out = []
    for g, (pa, pb) in enumerate(zip(before.groups, after.groups)):
        for va, ma, vb, mb, k in _aligned(_tagged(pa), _tagged(pb)):
            out.append(Change(g, k, ma, mb, va, vb))
    return out


def gains(table: CoalitionTable, outcome: RepairedPayoffs) -> tuple[Fraction, Fraction] | None:
    """(members' total, outsiders' total) gain of ``outcome`` over no agreement (``None`` if undefined).

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> t = coalition_table(public_goods(4, "8/5", 20), 4)
    >>> gains(t, repaired_payoffs(t, (0, 1, 2)))
    (Fraction(12, 1), Fraction(24, 1))
    """
    none = repaired_payoffs(table, None)
    if none is None:
        return None
    members = outsiders = Fraction(0)
    for c in payoff_changes(none, outcome):
        if c.is_member:
            members += c.count * c.delta
        else:
            outsiders += c.count * c.delta
    return members, outsiders


# ---------------------------------------------------------------------------- one repair's answer
@dataclass(frozen=True, kw_only=True)
class RepairOutcome(SolverRecord):
    """What every repair reports (``docs/background/modifications.md#repairs-that-change-the-treaty``).

    ``parameter`` is the repair's parameter found by the tool (threshold m, penalty per outsider,
    transfer vector) at which the best stable outcome is reached, ``None`` when the repair changes
    nothing reachable; ``terms`` the treaty's terms there and ``outcome`` the stable coalitions
    under them.  ``cost`` is what changes hands in that outcome (penalties paid by outsiders,
    transfers among members; a threshold costs nothing); ``changes`` compares every player's payoff
    with the best stable outcome without repair (``baseline``).  ``within_theorem_class``: the
    repair, as applied at its parameter, keeps contracts among signatories only and
    budget-balanced (a zero penalty charges nobody); otherwise ``gives_up`` names the assumptions
    of the theorem it gives up (ids of :mod:`contract_theory.contracting.protocol.assumptions`).
    """

    name: str
    table: CoalitionTable = field(repr=False, compare=False)
    kind: str
    k: int
    optimum_welfare: Fraction
    no_contract_welfare: Fraction | None
    parameter: Any
    terms: Terms
    outcome: StableOutcomes
    baseline: StableOutcomes
    cost: Fraction
    within_theorem_class: bool
    gives_up: tuple[str, ...] = ()
    changes: tuple[Change, ...] = ()

    @property
    def stable_welfare(self) -> Fraction | None:
        """The welfare of the best stable outcome under the repair."""
        return self.outcome.welfare

    @property
    def reaches_optimum(self) -> bool:
        """Whether the best stable outcome under the repair reaches W*."""
        return self.outcome.welfare is not None and self.outcome.welfare == self.optimum_welfare

    @property
    def signatures(self) -> int:
        """How many sign in the best stable outcome (0: no agreement)."""
        best = self.outcome.best
        return 0 if best is None else (sum(best) if self.kind == "compositions" else len(best))


def repair_record(table: CoalitionTable, tie: str, rules: Rules, method: str, extra: dict[str, Any]
                  ) -> dict[str, Any]:
    """The keyword fields every repair's result shares: the table's facts, the baseline, the record."""
    baseline = stable_outcomes(table, Terms(), tie)
    complete = bool(table.analysis.complete) and table.uniform
    notes = list(table.analysis.notes) + list(baseline.notes)
    return {"table": table, "kind": table.kind, "k": table.k, "optimum_welfare": table.optimum_welfare,
            "no_contract_welfare": table.no_contract_welfare, "baseline": baseline, "method": method,
            "payoffs_exact": bool(getattr(table.analysis.game, "exact", True)), "complete": complete,
            "parameters": {"k": table.k, **rules.as_dict(), **extra}, "notes": tuple(notes)}


def changes_from(baseline: StableOutcomes, outcome: StableOutcomes) -> tuple[Change, ...]:
    """Every payoff change from the best stable outcome without repair to the one with it."""
    if baseline.payoffs is None or outcome.payoffs is None:
        return ()
    return tuple(payoff_changes(baseline.payoffs, outcome.payoffs))
