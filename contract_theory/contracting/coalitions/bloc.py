r"""One coalition study for every kind of game: the bloc, its continuations and the tie rule.

See ``docs/background/model.md#4-partial-contracts``.  A coalition S (2 <= |S|) that signs a rich
contract acts as one *bloc* maximizing its members' total U_S; the outsiders keep their own
payoffs.  This module holds everything about that study that does not depend on the kind of
game -- the parameters (``timing``, ``selection``, ``sharing``), the outcome classes, the tie
rule, sharing and acceptance, the symmetry reduction and the loop over all coalitions -- and
reaches the game only through a small adapter, :class:`BlocGame`, that the normal-form game
(:class:`contract_theory.contracting.coalitions.normal_form.NormalFormBloc`) and the Markov game
(:class:`contract_theory.markov.coalitions.MarkovBloc`) both provide:

* ``outsiders_equilibria(members, selection)``: for every commitment of the bloc, the
  outsiders' continuation selected among their equilibria (worst or best for the bloc, then
  welfare in the same direction), as :class:`Candidate` (U_S, W, outcome);
* ``bloc_equilibria(members, selection)``: the selected equilibria of the game between the
  bloc and the outsiders (Nash timing);
* ``evaluate(outcome)``: the players' payoffs of an outcome (and the outcome's own fields);
* ``no_contract(selection)``, ``optimum()``, ``is_symmetric()``, ``check_size(members)``,
  ``is_mixed(outcome)``.

**Tie rule** (named, applied to every kind of game).  Candidates are ranked lexicographically by
(1) the bloc total U_S, highest first -- the bloc's objective; (2) the social welfare W, lowest
first under ``selection="pessimistic"`` and highest first under ``"optimistic"``; (3) pure
outcomes before mixed ones, then the smallest outcome (profile or policy, compared as tuples of
action indices); mixed outcomes keep the adapter's order.  Every outcome tied on (1)-(2) is kept
in ``ties``.

**Symmetry.**  In a symmetric game the coalition {0..k-1} is solved once per size and its outcome
transported to every other coalition of that size by the order-preserving permutation
(:func:`transport`); payoffs are re-evaluated exactly.

Complexity: what the adapter's continuation functions cost, times the number of coalitions
(C(n, <= K), or K - 1 in a symmetric game).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Protocol

from contract_theory.contracting.coalitions.rules import Rules, Selection, Sharing, Timing
from contract_theory.errors import ParameterError, SizeLimitError
from contract_theory.games.size import check_size

__all__ = [
    "Strategies", "Outcome", "CoalitionOutcome", "Shared", "share", "check_coalition", "check_coalition_sizes",
    "Candidate", "Continuations", "BlocGame", "rank_candidates", "transport", "solve_coalition",
    "solve_all_coalitions",
]

#: A mixed profile as per-player probability tuples (exact).
Strategies = tuple[tuple[Fraction, ...], ...]


def check_coalition_sizes(n: int, min_size: int, k: int, max_coalitions: int) -> int:
    """Validate a range of coalition sizes (2 <= min_size <= k <= n) and return how many coalitions it holds.

    More than ``max_coalitions`` raises :class:`~contract_theory.errors.SizeLimitError`.

    >>> check_coalition_sizes(4, 2, 4, 100)
    11
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


@dataclass(frozen=True)
class Shared:
    """The bloc total divided by a sharing rule, with acceptance and gains."""

    payoffs: tuple[Fraction, ...]
    bloc_value: Fraction
    welfare: Fraction
    members_accept: bool | None
    gains: tuple[Fraction, Fraction, Fraction] | None


def share(raw: Sequence[Any], members: Sequence[int], sharing: str,
          baseline: Sequence[Fraction] | None) -> Shared:
    """Divide the bloc total U_S = sum_{i in S} raw_i by ``sharing`` and compare with ``baseline``.

    ``"equal"``: each member gets U_S/|S|; ``"lump_sum"``: each member gets its baseline
    payoff plus an equal share of the surplus, and members accept iff U_S covers their
    baseline total; ``"none"``: members keep raw_i.  Acceptance (each member at least its
    baseline payoff) and gains (members' total, outsiders' total, social) are ``None``
    when ``baseline`` is.  Used for normal-form and Markov outcomes alike.  O(n).

    >>> share([0, 5], [0, 1], "none", [1, 1]).members_accept
    False
    >>> share([0, 5], [0, 1], "lump_sum", [1, 1]).payoffs
    (Fraction(5, 2), Fraction(5, 2))
    """
    raw = [Fraction(v) for v in raw]
    bloc = sum((raw[i] for i in members), Fraction(0))
    wel = sum(raw, Fraction(0))
    pay = list(raw)
    if sharing == "equal":
        for i in members:
            pay[i] = bloc / len(members)
    elif sharing == "lump_sum" and baseline is not None:
        surplus = bloc - sum(baseline[i] for i in members)
        for i in members:
            pay[i] = baseline[i] + surplus / len(members)
    if baseline is None:
        return Shared(tuple(pay), bloc, wel, None, None)
    if sharing == "lump_sum":
        accept = bloc >= sum(baseline[i] for i in members)
    else:
        accept = all(pay[i] >= baseline[i] for i in members)
    outs = [i for i in range(len(raw)) if i not in members]
    gains = (sum((pay[i] - baseline[i] for i in members), Fraction(0)),
             sum((pay[i] - baseline[i] for i in outs), Fraction(0)),
             wel - sum(baseline, Fraction(0)))
    return Shared(tuple(pay), bloc, wel, accept, gains)


@dataclass(frozen=True)
class Candidate:
    """One continuation the bloc may end in.

    ``bloc`` is its bloc total U_S, ``welfare`` its W, ``outcome`` a profile, mixed profile or
    policy, ``mixed`` whether it is a mixed profile (ranked after pure ones among ties).
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


class BlocGame(Protocol):
    """The adapter a kind of game provides to the coalition study (see the module docstring)."""

    @property
    def game(self) -> Any:
        """The game (``n_players`` and ``player_index`` are used)."""
        ...

    @property
    def outcome_type(self) -> type[CoalitionOutcome]:
        """The class of the coalition outcomes built (a :class:`CoalitionOutcome`)."""
        ...

    @property
    def missing_baseline_note(self) -> str:
        """The note added when the no-contract payoffs are undefined."""
        ...

    @property
    def continuation_kind(self) -> str:
        """What continuations are, in notes (``"pure equilibria"``, ``"stationary pure MPE"``)."""
        ...

    def optimum(self) -> tuple[Fraction, tuple[Any, ...], tuple[str, ...]]:
        """W*, the outcomes attaining it, and notes about them."""
        ...

    def no_contract(self, selection: Selection) -> Outcome:
        """The default (no-contract) outcome under ``selection`` (assumption A10)."""
        ...

    def is_symmetric(self) -> bool:
        """Whether the game is invariant under every permutation of the players."""
        ...

    def check_size(self, members: tuple[int, ...]) -> None:
        """Raise :class:`~contract_theory.errors.SizeLimitError` when solving ``members`` is too big."""
        ...

    def outsiders_equilibria(self, members: tuple[int, ...], selection: Selection) -> Continuations:
        """Per bloc commitment, the outsiders' selected continuation (Stackelberg timing)."""
        ...

    def bloc_equilibria(self, members: tuple[int, ...], selection: Selection) -> Continuations:
        """The selected equilibria of the game between the bloc and the outsiders (Nash timing)."""
        ...

    def evaluate(self, outcome: Any) -> tuple[tuple[Fraction, ...], dict[str, Any]]:
        """Exact payoffs of an outcome and the outcome's fields of :attr:`outcome_type` (``profile`` ...)."""
        ...

    def is_mixed(self, outcome: Any) -> bool:
        """Whether an outcome is a mixed profile (kept out of ``ties``)."""
        ...


def rank_candidates(candidates: Sequence[Candidate], selection: Selection) -> list[Any]:
    """The outcomes tied first under the module's tie rule, representative first.

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
    return sorted(c.outcome for c in tied if not c.mixed) + [c.outcome for c in tied if c.mixed]


def transport(outcome: Sequence[Any], canon_members: Sequence[int], members: Sequence[int], n: int) -> tuple[Any, ...]:
    """Map an outcome of the canonical coalition {0..k-1} to coalition ``members``.

    Order-preserving bijection: the j-th canonical member plays as the j-th member, the
    j-th canonical outsider as the j-th outsider.  ``outcome`` has one entry per player
    (an action, a mixed strategy or a stationary policy).

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


def _empty(bloc: BlocGame, members: tuple[int, ...], rules: Rules, complete: bool,
           notes: Sequence[str]) -> CoalitionOutcome:
    return bloc.outcome_type(members, rules.timing, rules.selection, rules.sharing, None, None, None, None, None, None,
                             None, (), complete, tuple(notes))


@dataclass(frozen=True)
class _Found:
    """A ranked outcome with its ties, and what the continuation search said about it."""

    outcome: Any
    ties: tuple[Any, ...]
    notes: list[str]
    complete: bool


def _finish(bloc: BlocGame, members: tuple[int, ...], rules: Rules, found: _Found, baseline: Outcome) -> CoalitionOutcome:
    """Payoffs, sharing, acceptance and gains of one outcome."""
    raw, fields = bloc.evaluate(found.outcome)
    sh = share(raw, members, rules.sharing, baseline.payoffs)
    notes = found.notes
    if baseline.payoffs is None:
        notes = notes + [bloc.missing_baseline_note]
    return bloc.outcome_type(
        coalition=members, timing=rules.timing, selection=rules.selection, sharing=rules.sharing,
        raw_payoffs=tuple(raw), payoffs=sh.payoffs, bloc_value=sh.bloc_value, welfare=sh.welfare,
        members_accept=sh.members_accept, gains=sh.gains, ties=tuple(t for t in found.ties if not bloc.is_mixed(t)),
        complete=found.complete, notes=tuple(notes), **fields)


def solve_coalition(bloc: BlocGame, coalition: Iterable[int | str], rules: Rules = Rules(), *,
                    baseline: Outcome | None = None) -> CoalitionOutcome:
    """The outcome coalition S reaches with a rich contract, for any :class:`BlocGame`.

    Validates the coalition, asks the adapter for the continuations under ``rules.timing``,
    ranks them by the tie rule (``rules.selection``) and shares the bloc total
    (``rules.sharing``).  ``baseline`` is the no-contract outcome (the adapter's under
    ``rules.selection`` when omitted).

    >>> from contract_theory.contracting.coalitions.normal_form import NormalFormBloc
    >>> from contract_theory.games.library import public_goods
    >>> solve_coalition(NormalFormBloc(public_goods(4, "8/5", 20)), [0, 1, 2]).profile
    (1, 1, 1, 0)
    """
    members = check_coalition(bloc.game, coalition)
    bloc.check_size(members)
    if baseline is None:
        baseline = bloc.no_contract(rules.selection)
    found = (bloc.outsiders_equilibria(members, rules.selection) if rules.timing == "stackelberg"
             else bloc.bloc_equilibria(members, rules.selection))
    ranked = rank_candidates(found.candidates, rules.selection)
    if not ranked:
        return _empty(bloc, members, rules, False, found.notes)
    return _finish(bloc, members, rules, _Found(ranked[0], tuple(ranked), found.notes, found.complete), baseline)


def solve_all_coalitions(
    bloc: BlocGame, k: int, rules: Rules = Rules(), *, min_size: int = 2, baseline: Outcome | None = None,
    use_symmetry: bool = True,
) -> dict[tuple[int, ...], CoalitionOutcome]:
    """:func:`solve_coalition` for every coalition with ``min_size <= |S| <= k``.

    In a symmetric game (and with ``use_symmetry``) the canonical coalition {0..size-1} is
    solved once per size and its outcome transported to every other coalition of that size;
    W(S), U_S and the multisets of members' and outsiders' payoffs are those of a direct solve,
    the representative outcome may differ among outcomes tied on (U_S, W).  More than
    ``rules.budgets.max_coalitions`` coalitions raises :class:`~contract_theory.errors.SizeLimitError`.

    >>> from contract_theory.contracting.coalitions.normal_form import NormalFormBloc
    >>> from contract_theory.games.library import public_goods
    >>> out = solve_all_coalitions(NormalFormBloc(public_goods(3, "8/5", 20)), 3)
    >>> {S: str(o.welfare) for S, o in out.items()}
    {(0, 1): '84', (0, 2): '84', (1, 2): '84', (0, 1, 2): '96'}
    """
    n = bloc.game.n_players
    count = check_coalition_sizes(n, min_size, k, rules.budgets.max_coalitions)
    sym = use_symmetry and bloc.is_symmetric()
    table = getattr(bloc.game, "table", None)  # a normal-form game: each solve scans its payoff tensor
    if table is not None:
        solves = k - min_size + 1 if sym else count
        check_size("coalition solves", solves * table.size,
                   f"{solves:,} coalitions x {table.size // n:,} profiles x {n} players")
    if baseline is None:
        baseline = bloc.no_contract(rules.selection)
    out: dict[tuple[int, ...], CoalitionOutcome] = {}
    for size in range(min_size, k + 1):
        if sym:
            out.update(_transported(bloc, size, rules, baseline))
        else:
            for S in itertools.combinations(range(n), size):
                out[S] = solve_coalition(bloc, S, rules, baseline=baseline)
    return out


def _transported(bloc: BlocGame, size: int, rules: Rules, baseline: Outcome) -> dict[tuple[int, ...], CoalitionOutcome]:
    """Every coalition of ``size`` in a symmetric game: the canonical one solved, the others transported."""
    n = bloc.game.n_players
    canon = tuple(range(size))
    base = solve_coalition(bloc, canon, rules, baseline=baseline)
    outcome = base.profile if base.strategies is None else base.strategies
    out: dict[tuple[int, ...], CoalitionOutcome] = {}
    for S in itertools.combinations(range(n), size):
        if S == canon:
            out[S] = base
        elif outcome is None:
            out[S] = _empty(bloc, S, rules, base.complete, base.notes)
        else:
            ties = tuple(sorted(transport(p, canon, S, n) for p in base.ties))
            notes = list(base.notes) + [f"symmetric game: outcome transported from coalition {list(canon)}"]
            out[S] = _finish(bloc, S, rules, _Found(transport(outcome, canon, S, n), ties, notes, base.complete),
                             baseline)
    return out
