"""Finite Markov games with exact rewards and transitions (docs/background/model.md#1-games).

A Markov game M = (N, S, (A_i), P, (R_i), gamma, rho0) has players ``0..n-1``, finite
states ``0..|S|-1``, per-player action sets A_i (the same labels in every state), a
transition kernel P(s' | s, a) for every state s and joint action a = (a_0, ..., a_{n-1}),
rewards R_i(s, a), a discount gamma in [0, 1) and an initial distribution rho0.

Representation.  Transitions are one object array of :class:`~fractions.Fraction` of shape
``(|S|, m_0, ..., m_{n-1}, |S|)`` (last axis = next state) and rewards one of shape
``(|S|, m_0, ..., m_{n-1}, n)`` (last axis = player).  Both are also held as integer tables
with one common denominator (:func:`contract_theory.exact.numbers.integer_table`), and as *flat*
views ``(|S|, J, ...)`` with J = prod(m_i) joint actions in lexicographic order (player 0
most significant), which the solvers index with numpy.

Exactness.  Exact input (ints, Fractions, decimal or ``"p/q"`` strings) is kept exact.
Floats are accepted and mark the game ``exact=False``; a float probability row whose exact
sum differs from 1 by at most :data:`FLOAT_ROW_TOLERANCE` is divided by that exact sum (so
the stored kernel is an exact stochastic matrix); exact rows must sum to exactly 1.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from fractions import Fraction
from typing import Any, ClassVar, Literal

import numpy as np

from contract_theory.errors import GameError, UnknownPlayerError
from contract_theory.exact.bounds import short_token
from contract_theory.exact.numbers import fmt, fraction_array, integer_table, is_exact_input, to_fraction

__all__ = ["MarkovGame", "FLOAT_ROW_TOLERANCE"]

#: Largest |sum - 1| accepted for a probability row given with floats (then renormalized exactly).
FLOAT_ROW_TOLERANCE = 1e-9


def _names(given: Any, default_prefix: str, what: str, owner: str = "") -> tuple[str, ...]:
    """Names from a sequence of labels, or ``count`` default names from an int."""
    if isinstance(given, (int, np.integer)) and not isinstance(given, bool):
        if given < 1:
            raise GameError(f"a Markov game needs at least one {what}{owner}, got {given}")
        return tuple(f"{default_prefix}{k}" for k in range(int(given)))
    if isinstance(given, str) or not isinstance(given, Sequence) and not isinstance(given, np.ndarray):
        raise GameError(f"{what} names{owner} must be a list of labels or a count, got {given!r}")
    names = tuple(str(x) for x in given)
    if not names:
        raise GameError(f"a Markov game needs at least one {what}{owner}")
    if len(set(names)) != len(names):
        dup = sorted(x for x, c in Counter(names).items() if c > 1)  # one pass, not a count per name
        raise GameError(f"duplicate {what} names{owner}: {', '.join(dup[:5])}"
                        + (f", ... ({len(dup)} in all)" if len(dup) > 5 else ""))
    return names


class MarkovGame:
    """A finite N-player Markov game with exact transitions and rewards.

    Parameters
    ----------
    players
        Player names (distinct), or their number (names ``P0, P1, ...``).
    states
        State names (distinct), or their number (names ``s0, s1, ...``).
    actions
        Per-player action labels, the same in every state (distinct within a player), or
        per-player counts (labels ``a0, a1, ...``).
    transitions
        ``P[s, a_0, ..., a_{n-1}, s']``: array-like of shape ``(|S|, m_0, ..., m_{n-1}, |S|)``.
        Every row must be non-negative and sum to 1.
    rewards
        ``R[s, a_0, ..., a_{n-1}, i]``: array-like of shape ``(|S|, m_0, ..., m_{n-1}, n)``.
    discount
        gamma in [0, 1) (exact number or string such as ``"9/10"``).
    initial
        rho0: a sequence of |S| probabilities, or a mapping ``{state name: probability}``
        (states left out get 0).  Default ``None``: uniform over the states.

    Notes
    -----
    The keyword ``title`` is free text kept in files.

    Raises
    ------
    GameError
        Shape mismatches, duplicate labels, negative probabilities, rows not summing to 1
        (naming the state, the joint action by labels and the sum), gamma outside [0, 1)
        (naming the value), rho0 not a distribution, NaN/inf.

    Examples
    --------
    Two states visited in turn, player 0 earns 1 in ``A`` and 0 in ``B``:

    >>> g = MarkovGame(["P"], ["A", "B"], [["stay"]], [[[0, 1]], [[1, 0]]], [[[1]], [[0]]],
    ...                "1/2", {"A": 1})
    >>> g.n_states, g.shape, g.discount, g.transition("A", ("stay",))
    (2, (1,), Fraction(1, 2), {'B': Fraction(1, 1)})
    """

    __slots__ = ("players", "states", "actions", "title", "exact", "discount", "_P", "_R", "_rho",
                 "reward_table", "reward_denominator", "transition_table", "transition_denominator",
                 "_hash")

    #: The :class:`~contract_theory.games.interface.Game` tag of this class.
    kind: ClassVar[Literal["markov"]] = "markov"

    def __init__(
        self,
        players: Sequence[str] | int,
        states: Sequence[str] | int,
        actions: Sequence[Sequence[str]] | Sequence[int],
        transitions: Any,
        rewards: Any,
        discount: Any,
        initial: Sequence[Any] | Mapping[str, Any] | np.ndarray | None = None,
        **meta: str,
    ) -> None:
        unknown = sorted(set(meta) - {"title"})
        if unknown:
            raise GameError(f"MarkovGame has no parameter {unknown[0]!r} (the keyword arguments are: title)")
        self.players: tuple[str, ...] = _names(players, "P", "player")
        self.states: tuple[str, ...] = _names(states, "s", "state")
        n, S = len(self.players), len(self.states)
        if isinstance(actions, str) or not isinstance(actions, (Sequence, np.ndarray)) or len(actions) != n:
            raise GameError(f"actions must give one label list (or count) per player ({n} players), got {actions!r}")
        self.actions: tuple[tuple[str, ...], ...] = tuple(
            _names(a, "a", "action", f" of player {self.players[i]!r}") for i, a in enumerate(actions))
        shape = tuple(len(a) for a in self.actions)
        self.title: str = str(meta.get("title", ""))

        P, exact_p = fraction_array(transitions, what="transitions")
        if P.shape != (S,) + shape + (S,):
            raise GameError(f"transitions have shape {P.shape}, expected (states, actions..., next states) = "
                            f"{(S,) + shape + (S,)}")
        R, exact_r = fraction_array(rewards, what="rewards")
        if R.shape != (S,) + shape + (n,):
            raise GameError(f"rewards have shape {R.shape}, expected (states, actions..., players) = "
                            f"{(S,) + shape + (n,)}")
        self.exact: bool = exact_p and exact_r
        P = self._checked_kernel(P, exact_p)
        if not is_exact_input(discount):
            self.exact = False
        try:
            gamma = to_fraction(discount, what="discount")
        except GameError:
            raise GameError(f"discount {discount!r} is not a number") from None
        if not 0 <= gamma < 1:
            shown = repr(float(discount)) if isinstance(discount, float) else short_token(fmt(gamma), 40)
            raise GameError(f"discount must lie in [0, 1), got {shown}")  # a float as given, not its 309 digits
        self.discount: Fraction = gamma
        self._rho = self._checked_initial(initial)
        for arr in (P, R, self._rho):
            arr.setflags(write=False)
        self._P, self._R = P, R
        rt, rd = integer_table(R)
        pt, pd = integer_table(P)
        rt.setflags(write=False)
        pt.setflags(write=False)
        #: Integer rewards, shape ``(|S|, m..., n)``; true rewards are ``reward_table / reward_denominator``.
        self.reward_table: np.ndarray = rt
        self.reward_denominator: int = rd
        #: Integer transitions, shape ``(|S|, m..., |S|)``; true P is ``transition_table / transition_denominator``.
        self.transition_table: np.ndarray = pt
        self.transition_denominator: int = pd
        self._hash: int | None = None

    # ------------------------------------------------------------------ validation
    def _joint_from_flat(self, k: int) -> tuple[int, ...]:
        return tuple(int(x) for x in np.unravel_index(k, self.shape))

    def _checked_kernel(self, P: np.ndarray, exact: bool) -> np.ndarray:
        S = self.n_states
        flat = P.reshape(S, -1, S)
        neg = np.argwhere(flat < 0)
        if len(neg):
            s, k, t = (int(x) for x in neg[0])
            raise GameError(f"negative transition probability {fmt(flat[s, k, t])} at state {self.states[s]!r}, "
                            f"joint action {self.labels(self._joint_from_flat(k))} to state {self.states[t]!r}")
        sums = flat.sum(axis=-1)
        bad = np.argwhere(sums != 1)
        if len(bad) and not exact:
            # float input: renormalize rows whose sum is within the documented tolerance
            close = np.array([abs(float(v) - 1.0) <= FLOAT_ROW_TOLERANCE for v in sums.reshape(-1)]).reshape(sums.shape)
            bad = np.argwhere(~close)
            if not len(bad):
                flat = flat / sums[..., None]
                P = flat.reshape(P.shape)
        if len(bad):
            s, k = (int(x) for x in bad[0])
            raise GameError(f"transition probabilities at state {self.states[s]!r}, joint action "
                            f"{self.labels(self._joint_from_flat(k))} sum to {fmt(sums[s, k])}, not 1")
        return P

    def _checked_initial(self, initial: Any) -> np.ndarray:
        S = self.n_states
        if initial is None:
            return np.array([Fraction(1, S)] * S, dtype=object)
        if isinstance(initial, Mapping):
            vec = [Fraction(0)] * S
            for name, p in initial.items():
                vec[self.state_index(name)] = to_fraction(p, what=f"initial probability of state {name!r}")
                if not is_exact_input(p):
                    self.exact = False
        else:
            rho, ex = fraction_array(initial, what="initial distribution")
            if rho.shape != (S,):
                raise GameError(f"initial distribution has shape {rho.shape}, expected ({S},) (one per state)")
            self.exact = self.exact and ex
            vec = list(rho)
        for s, p in enumerate(vec):
            if p < 0:
                raise GameError(f"initial distribution gives state {self.states[s]!r} the negative probability "
                                f"{fmt(p)}")
        total = sum(vec, Fraction(0))
        if total != 1:
            if not self.exact and abs(float(total) - 1) <= FLOAT_ROW_TOLERANCE:
                vec = [p / total for p in vec]
            else:
                raise GameError(f"initial distribution sums to {fmt(total)}, not 1")
        return np.array(vec, dtype=object)

    # ------------------------------------------------------------------ basic facts
    @property
    def n_players(self) -> int:
        """Number of players n."""
        return len(self.players)

    @property
    def n_states(self) -> int:
        """Number of states |S|."""
        return len(self.states)

    @property
    def shape(self) -> tuple[int, ...]:
        """Action counts ``(m_0, ..., m_{n-1})``."""
        return tuple(len(a) for a in self.actions)

    @property
    def n_joint(self) -> int:
        """Number of joint actions J = prod(m_i)."""
        return int(np.prod(self.shape, dtype=object))

    @property
    def transitions(self) -> np.ndarray:
        """Read-only Fraction array ``P[s, a_0, ..., a_{n-1}, s']``."""
        return self._P

    @property
    def rewards(self) -> np.ndarray:
        """Read-only Fraction array ``R[s, a_0, ..., a_{n-1}, i]``."""
        return self._R

    @property
    def initial(self) -> np.ndarray:
        """Read-only Fraction array rho0 of shape ``(|S|,)``."""
        return self._rho

    @property
    def flat_transitions(self) -> np.ndarray:
        """``P`` reshaped to ``(|S|, J, |S|)``, joint actions in lexicographic order."""
        return self._P.reshape(self.n_states, self.n_joint, self.n_states)

    @property
    def flat_rewards(self) -> np.ndarray:
        """``R`` reshaped to ``(|S|, J, n)``, joint actions in lexicographic order."""
        return self._R.reshape(self.n_states, self.n_joint, self.n_players)

    # ------------------------------------------------------------------ indices and labels
    def player_index(self, player: int | str) -> int:
        """Index of a player given by index or name; :class:`UnknownPlayerError` otherwise."""
        if isinstance(player, (int, np.integer)) and not isinstance(player, bool):
            if 0 <= int(player) < self.n_players:
                return int(player)
            raise UnknownPlayerError(f"player index {player} is out of range 0..{self.n_players - 1}")
        if isinstance(player, str) and player in self.players:
            return self.players.index(player)
        raise UnknownPlayerError(f"unknown player {player!r}; players are {list(self.players)}")

    def state_index(self, state: int | str) -> int:
        """Index of a state given by index or name; :class:`GameError` otherwise."""
        if isinstance(state, (int, np.integer)) and not isinstance(state, bool):
            if 0 <= int(state) < self.n_states:
                return int(state)
        elif isinstance(state, str) and state in self.states:
            return self.states.index(state)
        raise GameError(f"unknown state {state!r}; states are {list(self.states)}")

    def action_index(self, player: int | str, action: int | str) -> int:
        """Index of an action of ``player`` given by index or label."""
        i = self.player_index(player)
        if isinstance(action, (int, np.integer)) and not isinstance(action, bool):
            if 0 <= int(action) < self.shape[i]:
                return int(action)
        elif isinstance(action, str) and action in self.actions[i]:
            return self.actions[i].index(action)
        raise GameError(f"unknown action {action!r} of player {self.players[i]!r}; "
                        f"actions are {list(self.actions[i])}")

    def check_joint(self, joint: Sequence[int | str]) -> tuple[int, ...]:
        """Validate a joint action (indices or labels) and return it as indices."""
        j = tuple(joint)
        if len(j) != self.n_players:
            raise GameError(f"a joint action needs {self.n_players} actions, got {len(j)}: {list(j)}")
        return tuple(self.action_index(i, a) for i, a in enumerate(j))

    def labels(self, joint: Sequence[int]) -> tuple[str, ...]:
        """Action labels of a joint action given by indices."""
        return tuple(self.actions[i][int(a)] for i, a in enumerate(joint))

    def joint_actions(self) -> Iterator[tuple[int, ...]]:
        """All joint actions in lexicographic order (player 0 most significant)."""
        return itertools.product(*(range(m) for m in self.shape))

    # ------------------------------------------------------------------ look-ups
    def transition(self, state: int | str, joint: Sequence[int | str]) -> dict[str, Fraction]:
        """``{next state: probability}`` (positive entries only) after ``joint`` in ``state``."""
        s = self.state_index(state)
        row = self._P[(s,) + self.check_joint(joint)]
        return {self.states[t]: p for t, p in enumerate(row) if p != 0}

    def reward(self, state: int | str, joint: Sequence[int | str], player: int | str | None = None) -> Any:
        """Exact reward(s) R_i(s, a): one player's, or the tuple of all players'."""
        s = self.state_index(state)
        r = self._R[(s,) + self.check_joint(joint)]
        return tuple(r) if player is None else r[self.player_index(player)]

    def stage_game(self, state: int | str) -> Any:
        """The stage game at ``state`` (immediate rewards only) as a :class:`~contract_theory.games.normal_form.NormalFormGame`."""
        from contract_theory.games.normal_form import NormalFormGame

        s = self.state_index(state)
        return NormalFormGame(self._R[s], players=self.players, actions=self.actions,
                              title=f"{self.title} stage game at {self.states[s]}".strip())

    # ------------------------------------------------------------------ transformations
    def with_rewards(self, rewards: Any, *, title: str | None = None) -> MarkovGame:
        """Same game with new rewards of shape ``(|S|, m..., n)``."""
        return MarkovGame(self.players, self.states, self.actions, self._P, rewards, self.discount,
                          self._rho, title=self.title if title is None else title)

    def with_discount(self, discount: Any) -> MarkovGame:
        """Same game with another discount."""
        return MarkovGame(self.players, self.states, self.actions, self._P, self._R, discount, self._rho,
                          title=self.title)

    def with_initial(self, initial: Any) -> MarkovGame:
        """Same game with another initial distribution."""
        return MarkovGame(self.players, self.states, self.actions, self._P, self._R, self.discount, initial,
                          title=self.title)

    # ------------------------------------------------------------------ dunder
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MarkovGame):
            return NotImplemented
        return (self.players == other.players and self.states == other.states and self.actions == other.actions
                and self.discount == other.discount and bool(np.all(self._rho == other._rho))
                and bool(np.all(self._P == other._P)) and bool(np.all(self._R == other._R)))

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash((self.players, self.states, self.actions, self.discount, tuple(self._rho),
                               tuple(self._R.reshape(-1))))
        return self._hash

    def __repr__(self) -> str:
        t = f" {self.title!r}" if self.title else ""
        return (f"<MarkovGame{t} players={list(self.players)} states={list(self.states)} shape={self.shape} "
                f"discount={fmt(self.discount)}{'' if self.exact else ' inexact'}>")
