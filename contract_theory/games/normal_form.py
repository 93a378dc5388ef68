"""Normal-form games (docs/background/model.md#1-games).

A normal-form game G = (N, (A_i), u) has players ``0..n-1`` with names, finite action sets
A_i with labels, and a payoff u_i(a) for every joint action a in A = A_0 x ... x A_{n-1}.

Representation.  Payoffs are held once, as an array of shape ``(m_0, ..., m_{n-1}, n)``
whose last axis indexes the player.  Exact payoffs are stored once, as the canonical
integer table over the least common denominator (:attr:`NormalFormGame.table`,
:attr:`NormalFormGame.denominator`): every comparison a theorem depends on (best
responses, welfare orderings) is an exact integer comparison over that table, vectorized
with numpy.  Integer and float arrays become that table without one Fraction per payoff
(:func:`~contract_theory.exact.numbers.exact_table`); the Fraction view
(:attr:`NormalFormGame.fractions`) is built on first use, one Fraction per distinct value.
Float input is accepted and marks the game inexact (``exact=False``); it is kept as the
exact rational value of each binary float, so the arithmetic is still exact, but the
*meaning* of the numbers is only as good as the floats.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from fractions import Fraction
from typing import Any, ClassVar, Literal

import numpy as np

from contract_theory.errors import GameError, UnknownPlayerError
from contract_theory.exact.numbers import (
    canonical_table,
    common_denominator,
    exact_table,
    fractions_of_table,
    to_fraction,
)
from contract_theory.games.size import check_payoff_tensor

__all__ = ["NormalFormGame", "Profile"]

#: A pure profile: one action index per player.
Profile = tuple[int, ...]


def _duplicates(names: Sequence[str]) -> str:
    """The names given more than once, as text (at most five; one pass, so a long list costs O(n)).

    Examples
    --------
    >>> _duplicates(["a", "b", "a", "c", "b"])
    'a, b'
    """
    dup = sorted(x for x, c in Counter(names).items() if c > 1)
    return ", ".join(dup[:5]) + (f", ... ({len(dup)} in all)" if len(dup) > 5 else "")


class NormalFormGame:
    """A finite N-player normal-form game with exact payoffs.

    Parameters
    ----------
    payoffs
        Either one array of shape ``(m_0, ..., m_{n-1}, n)`` (last axis = player), or a
        sequence of ``n`` arrays each of shape ``(m_0, ..., m_{n-1})``.  Entries may be ints,
        Fractions, Decimals, strings (``"8/5"``, ``"0.25"``) or floats (marks the game inexact).
        Rule for the ambiguous case: a Python list/tuple whose n elements all have n axes
        of one shape is read as per-player arrays (so a nested list of shape (2, 2, 2) is
        two 2x2 matrices); pass a numpy array, or use :meth:`from_bimatrix`, to be explicit.
    players
        Player names (default ``"P0", "P1", ...``).  Must be distinct.
    actions
        Per-player action labels (default ``"a0", "a1", ...``).  Distinct within a player.
    title
        Free text kept in files.

    Raises
    ------
    GameError
        Ragged or mis-shaped payoffs, NaN/inf, duplicate labels, an empty action set, or
        a player count that does not match the array.

    Examples
    --------
    >>> g = NormalFormGame.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]],
    ...                                  actions=[["C", "D"], ["C", "D"]])
    >>> g.n_players, g.shape, g.payoff((1, 0))
    (2, (2, 2), (Fraction(5, 1), Fraction(0, 1)))
    """

    __slots__ = ("players", "actions", "title", "exact", "_fr", "table", "denominator", "_hash")

    #: The :class:`~contract_theory.games.interface.Game` tag of this class.
    kind: ClassVar[Literal["normal-form"]] = "normal-form"

    def __init__(
        self,
        payoffs: Any,
        players: Sequence[str] | None = None,
        actions: Sequence[Sequence[str]] | None = None,
        title: str = "",
    ) -> None:
        table, den, exact = _payoff_table(payoffs, None if players is None else len(players))
        self._setup(table, den, exact, None, players, actions, title)

    def _setup(self, table: np.ndarray, den: int, exact: bool, fr: np.ndarray | None,
               players: Sequence[str] | None, actions: Sequence[Sequence[str]] | None, title: str) -> None:
        """Validate the labels against the table's shape and set every attribute."""
        n = table.shape[-1]
        shape = table.shape[:-1]
        if any(m < 1 for m in shape):
            raise GameError(f"every player needs at least one action; action counts are {list(shape)}")
        if players is None:
            players = [f"P{i}" for i in range(n)]
        players = tuple(str(p) for p in players)
        if len(players) != n:
            raise GameError(f"{len(players)} player names for a game with {n} players")
        if len(set(players)) != n:
            raise GameError(f"duplicate player names: {_duplicates(players)}")
        if actions is None:
            actions = [[f"a{k}" for k in range(m)] for m in shape]
        if len(actions) != n:
            raise GameError(f"action labels given for {len(actions)} players, the game has {n}")
        labels = []
        for i, (acts, m) in enumerate(zip(actions, shape)):
            acts = tuple(str(a) for a in acts)
            if len(acts) != m:
                raise GameError(f"player {players[i]!r} has {m} actions in the payoffs but {len(acts)} labels")
            if len(set(acts)) != m:
                raise GameError(f"player {players[i]!r} has duplicate action labels: {_duplicates(acts)}")
            labels.append(acts)
        self.players: tuple[str, ...] = players
        self.actions: tuple[tuple[str, ...], ...] = tuple(labels)
        self.title: str = str(title)
        self.exact: bool = exact
        if fr is not None:
            fr.setflags(write=False)
        self._fr: np.ndarray | None = fr  # built on first use when the game came from an integer table
        table.setflags(write=False)
        #: Integer payoff table, shape ``shape + (n,)``; true payoffs are ``table / denominator``.
        self.table: np.ndarray = table
        #: Common positive denominator of all payoffs.
        self.denominator: int = den
        self._hash: int | None = None

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_bimatrix(
        cls, A: Any, B: Any, *, players: Sequence[str] | None = None,
        actions: Sequence[Sequence[str]] | None = None, title: str = "",
    ) -> NormalFormGame:
        """Two-player game from the row player's matrix ``A`` and the column player's ``B``.

        Examples
        --------
        >>> NormalFormGame.from_bimatrix([[1, -1], [-1, 1]], [[-1, 1], [1, -1]]).shape
        (2, 2)
        """
        return cls([A, B], players=players, actions=actions, title=title)

    @classmethod
    def from_integer_table(
        cls, table: np.ndarray, denominator: int = 1, *, players: Sequence[str] | None = None,
        actions: Sequence[Sequence[str]] | None = None, title: str = "",
    ) -> NormalFormGame:
        """Exact game with payoffs ``table / denominator``, without a Fraction per payoff.

        ``table`` is an integer array of shape ``(m_0, ..., m_{n-1}, n)`` (an integer dtype,
        or Python ints in an object array) and ``denominator`` a positive integer.  The game
        is the same as ``NormalFormGame(fractions)`` for those Fractions (equal, same
        canonical :attr:`table` and :attr:`denominator`), but the Fraction array is built
        only when :attr:`fractions` is first read.  The fast path of file readers
        (:mod:`contract_theory.games.formats.nfg`).  Complexity O(size) in numpy.

        Examples
        --------
        >>> import numpy as np
        >>> g = NormalFormGame.from_integer_table(np.array([[[6, 2], [0, 4]]]), 4)
        >>> g.shape, g.denominator, g.payoff((0, 1))
        ((1, 2), 2, (Fraction(0, 1), Fraction(1, 1)))
        >>> g == NormalFormGame([[["3/2", "1/2"], [0, 1]]])
        True
        """
        if not isinstance(table, np.ndarray):
            raise GameError(f"an integer table must be a numpy array, got {type(table).__name__}")
        if table.ndim < 2 or table.shape[-1] != table.ndim - 1:
            raise GameError(f"integer table of shape {table.shape} is not a game: the shape must be "
                            "(m_0, ..., m_(n-1), n) with one payoff per player on the last axis")
        canonical, den = canonical_table(table, denominator)
        game = cls.__new__(cls)
        game._setup(canonical, den, True, None, players, actions, title)
        return game

    @classmethod
    def from_nashpy(cls, game: Any, **kwargs: Any) -> NormalFormGame:
        """Build from a ``nashpy.Game`` (its two payoff matrices)."""
        A, B = game.payoff_matrices
        return cls.from_bimatrix(A, B, **kwargs)

    @classmethod
    def from_function(
        cls, payoff: Callable[[tuple[int, ...]], Sequence[Any]], shape: Sequence[int], **kwargs: Any
    ) -> NormalFormGame:
        """Build from ``payoff(profile) -> payoffs of every player``.

        The function is called once per joint action (a Python loop over ``prod(shape)``
        profiles): use array constructors for large games.

        Examples
        --------
        >>> g = NormalFormGame.from_function(lambda a: (a[0] + a[1], a[0] - a[1]), (2, 3))
        >>> g.payoff((1, 2))
        (Fraction(3, 1), Fraction(-1, 1))
        """
        shape = tuple(int(m) for m in shape)
        n = len(shape)
        if n == 0 or any(m < 1 for m in shape):
            raise GameError(f"shape must list at least one action per player, got {list(shape)}")
        check_payoff_tensor(shape)
        out = np.empty(shape + (n,), dtype=object)
        for prof in itertools.product(*(range(m) for m in shape)):
            vals = list(payoff(prof))
            if len(vals) != n:
                raise GameError(f"payoff function returned {len(vals)} values at {prof}, expected {n}")
            out[prof] = vals
        return cls(out, **kwargs)

    # ------------------------------------------------------------------ basic facts
    @property
    def n_players(self) -> int:
        """Number of players n."""
        return len(self.players)

    @property
    def shape(self) -> tuple[int, ...]:
        """Action counts ``(m_0, ..., m_{n-1})``."""
        return tuple(self.table.shape[:-1])

    @property
    def n_profiles(self) -> int:
        """Number of joint actions ``prod(m_i)``."""
        return int(np.prod(self.shape, dtype=object))

    @property
    def fractions(self) -> np.ndarray:
        """Read-only object array of exact payoffs, shape ``shape + (n,)``."""
        return self._fractions

    @property
    def _fractions(self) -> np.ndarray:
        if self._fr is None:
            fr = fractions_of_table(self.table, self.denominator)
            fr.setflags(write=False)
            self._fr = fr
        return self._fr

    def payoff(self, profile: Sequence[int], player: int | str | None = None) -> Any:
        """Exact payoff(s) at a pure profile (action indices).

        With ``player`` given, that player's payoff; otherwise the tuple of all payoffs.
        """
        prof = self.check_profile(profile)
        den = self.denominator
        if player is None:  # from the table: no need to build every Fraction of a big game
            return tuple(Fraction(int(v), den) for v in self.table[prof].tolist())
        return Fraction(int(self.table[prof + (self.player_index(player),)]), den)

    def payoff_array(self, player: int | str) -> np.ndarray:
        """Exact payoffs of one player as an object array of shape ``shape``."""
        return self._fractions[..., self.player_index(player)]

    def player_index(self, player: int | str) -> int:
        """Index of a player given by index or by name; :class:`UnknownPlayerError` otherwise."""
        if isinstance(player, (int, np.integer)) and not isinstance(player, bool):
            if 0 <= int(player) < self.n_players:
                return int(player)
            raise UnknownPlayerError(f"player index {player} is out of range 0..{self.n_players - 1}")
        if isinstance(player, str):
            if player in self.players:
                return self.players.index(player)
            if player.isdigit() and int(player) < self.n_players:
                return int(player)
        raise UnknownPlayerError(f"unknown player {player!r}; players are {list(self.players)}")

    def action_index(self, player: int | str, action: int | str) -> int:
        """Index of an action of ``player`` given by index or label."""
        i = self.player_index(player)
        if isinstance(action, (int, np.integer)) and not isinstance(action, bool):
            if 0 <= int(action) < self.shape[i]:
                return int(action)
        elif isinstance(action, str) and action in self.actions[i]:
            return self.actions[i].index(action)
        raise GameError(f"unknown action {action!r} of player {self.players[i]!r}; actions are {list(self.actions[i])}")

    def check_profile(self, profile: Sequence[int | str]) -> Profile:
        """Validate a pure profile (indices or labels) and return it as a tuple of indices."""
        prof = tuple(profile)
        if len(prof) != self.n_players:
            raise GameError(f"a profile needs {self.n_players} actions, got {len(prof)}: {list(prof)}")
        return tuple(self.action_index(i, a) for i, a in enumerate(prof))

    def labels(self, profile: Sequence[int]) -> tuple[str, ...]:
        """Action labels of a pure profile."""
        return tuple(self.actions[i][a] for i, a in enumerate(self.check_profile(profile)))

    def profiles(self) -> Iterable[Profile]:
        """All joint actions in lexicographic order (a generator)."""
        return itertools.product(*(range(m) for m in self.shape))

    # ------------------------------------------------------------------ transformations
    def with_payoffs(self, payoffs: Any, *, title: str | None = None) -> NormalFormGame:
        """Same players and labels, new payoffs (shape ``shape + (n,)``)."""
        return NormalFormGame(payoffs, players=self.players, actions=self.actions,
                              title=self.title if title is None else title)

    def restrict(self, keep: Sequence[Sequence[int]]) -> NormalFormGame:
        """Subgame keeping, for each player, the listed action indices (in that order)."""
        if len(keep) != self.n_players:
            raise GameError(f"restrict needs one action list per player ({self.n_players})")
        idx = []
        for i, ks in enumerate(keep):
            ks = [self.action_index(i, k) for k in ks]
            if not ks:
                raise GameError(f"restrict would leave player {self.players[i]!r} without actions")
            idx.append(ks)
        sub = self.table[np.ix_(*idx, list(range(self.n_players)))]
        return self._derived(sub, self.players, [[self.actions[i][k] for k in ks] for i, ks in enumerate(idx)])

    def permute_players(self, order: Sequence[int]) -> NormalFormGame:
        """Game whose player ``k`` is this game's player ``order[k]``."""
        order = [self.player_index(o) for o in order]
        if sorted(order) != list(range(self.n_players)):
            raise GameError(f"{order} is not a permutation of the players")
        t = np.transpose(self.table, order + [self.n_players])[..., order]
        return self._derived(t, [self.players[o] for o in order], [self.actions[o] for o in order])

    def permute_actions(self, player: int | str, order: Sequence[int]) -> NormalFormGame:
        """Game whose action ``k`` of ``player`` is this game's action ``order[k]``."""
        i = self.player_index(player)
        order = list(order)
        if sorted(order) != list(range(self.shape[i])):
            raise GameError(f"{order} is not a permutation of player {i}'s actions")
        acts = list(self.actions)
        acts[i] = tuple(self.actions[i][o] for o in order)
        return self._derived(np.take(self.table, order, axis=i), self.players, acts)

    def _derived(self, table: np.ndarray, players: Sequence[str],
                 actions: Sequence[Sequence[str]]) -> NormalFormGame:
        """A game on a rearranged part of this game's table: same denominator (reduced), title
        and exactness; no Fraction is built."""
        canonical, den = canonical_table(np.ascontiguousarray(table), self.denominator)
        game = NormalFormGame.__new__(NormalFormGame)
        game._setup(canonical, den, self.exact, None, players, actions, self.title)
        return game

    def to_bimatrix(self) -> tuple[np.ndarray, np.ndarray]:
        """The two payoff matrices (object arrays of Fractions) of a 2-player game."""
        if self.n_players != 2:
            raise GameError(f"to_bimatrix needs a 2-player game, this one has {self.n_players}")
        return self._fractions[..., 0].copy(), self._fractions[..., 1].copy()

    # ------------------------------------------------------------------ mixed strategies
    def expected_payoffs(self, strategies: Sequence[Sequence[Any]]) -> tuple[Fraction, ...]:
        """Exact expected payoff of every player under independent mixed strategies.

        ``strategies[i]`` is a probability vector over player i's actions (exact numbers;
        validated: non-negative, summing to 1).  Complexity O(n * prod(m_i)).
        """
        probs = self.check_mixed(strategies)
        t = self._fractions
        for i in range(self.n_players - 1, -1, -1):
            t = np.tensordot(t, np.array(probs[i], dtype=object), axes=([i], [0]))
        return tuple(Fraction(v) for v in t)

    def deviation_payoffs(self, strategies: Sequence[Sequence[Any]], player: int | str) -> tuple[Fraction, ...]:
        """Exact expected payoff of ``player`` for each of its pure actions against the others' mix."""
        i = self.player_index(player)
        probs = self.check_mixed(strategies)
        t = self._fractions[..., i]
        for j in range(self.n_players - 1, -1, -1):
            if j != i:
                t = np.tensordot(t, np.array(probs[j], dtype=object), axes=([j], [0]))
        return tuple(Fraction(v) for v in t)

    def check_mixed(self, strategies: Sequence[Sequence[Any]]) -> list[list[Fraction]]:
        """Validate a mixed profile and return it as lists of Fractions.

        Raises :class:`GameError` naming the player when a vector has the wrong length, a
        negative entry, or does not sum to exactly 1.
        """
        if len(strategies) != self.n_players:
            raise GameError(f"a mixed profile needs {self.n_players} strategies, got {len(strategies)}")
        out = []
        for i, s in enumerate(strategies):
            s = [to_fraction(p, what=f"probability of player {self.players[i]!r}") for p in s]
            if len(s) != self.shape[i]:
                raise GameError(f"player {self.players[i]!r} has {self.shape[i]} actions, strategy has {len(s)} entries")
            if any(p < 0 for p in s):
                raise GameError(f"player {self.players[i]!r} has a negative probability: {[str(p) for p in s]}")
            if sum(s) != 1:
                raise GameError(f"probabilities of player {self.players[i]!r} sum to {sum(s)}, not 1")
            out.append(s)
        return out

    # ------------------------------------------------------------------ dunder
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, NormalFormGame):
            return NotImplemented
        # canonical tables (lowest common denominator): equal payoffs <=> equal tables
        return (self.players == other.players and self.actions == other.actions
                and self.shape == other.shape and self.denominator == other.denominator
                and bool(np.array_equal(self.table, other.table)))

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash((self.players, self.actions, self.shape, self.denominator,
                               tuple(self.table.reshape(-1).tolist())))
        return self._hash

    def __repr__(self) -> str:
        t = f" {self.title!r}" if self.title else ""
        return f"<NormalFormGame{t} players={list(self.players)} shape={self.shape}{'' if self.exact else ' inexact'}>"


def _payoff_table(payoffs: Any, n_hint: int | None) -> tuple[np.ndarray, int, bool]:
    """Normalize the accepted payoff layouts to one canonical ``shape + (n,)`` integer table.

    Returns ``(table, denominator, exact)``; no Fraction is built for integer or float
    input (:func:`~contract_theory.exact.numbers.exact_table`).
    """
    if isinstance(payoffs, NormalFormGame):
        return payoffs.table, payoffs.denominator, payoffs.exact
    stacked = _per_player_tables(payoffs)
    if stacked is not None:
        return stacked
    table, den, exact = exact_table(payoffs)
    if table.ndim < 2:
        raise GameError(
            f"payoffs of shape {table.shape} are not a game: give one array of shape (m_0, ..., m_(n-1), n) "
            "or a list of n arrays of shape (m_0, ..., m_(n-1))"
        )
    n = table.shape[-1]
    if table.ndim - 1 != n:
        raise GameError(
            f"payoff array of shape {table.shape} has {table.ndim - 1} action axes but {n} payoffs per profile; "
            "the last axis must have one entry per player"
        )
    if n_hint is not None and n_hint != n:
        raise GameError(f"{n_hint} player names for a game with {n} players")
    return table, den, exact


def _per_player_tables(payoffs: Any) -> tuple[np.ndarray, int, bool] | None:
    """The list-of-per-player-arrays layout: n arrays of one shape with n axes, else ``None``."""
    if not (isinstance(payoffs, (list, tuple)) and payoffs
            and all(isinstance(p, (list, tuple, np.ndarray)) for p in payoffs)):
        return None
    try:
        parts = [exact_table(p, what=f"payoffs of player {i}") for i, p in enumerate(payoffs)]
    except GameError:
        return None
    shapes = {t.shape for t, _, _ in parts}
    if len(shapes) != 1 or len(next(iter(shapes))) != len(parts):
        return None
    tables, den = common_denominator([(t, d) for t, d, _ in parts])
    table, den = canonical_table(np.stack(tables, axis=-1), den)
    return table, den, all(exact for _, _, exact in parts)
