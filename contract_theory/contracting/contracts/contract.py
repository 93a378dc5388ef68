r"""Contracts among a coalition of signatories (``docs/background/model.md#3-contracts``).

A **contract** (S, θ) names its signatories S ⊆ N and a transfer θ_i(a) for every player i
and every joint action a of the game, with

* θ_i ≡ 0 for every non-signatory i ∉ S (outsiders can be neither paid nor fined);
* **budget balance**: Σ_{i∈S} θ_i(a) = 0 at every outcome a;
* ``observes="members"``: θ(a) depends only on the members' joint action a_S;
  ``observes="all"``: θ may also condition on outsiders' actions;
* |S| ≥ 2 unless the contract is null (a single agent cannot sign a budget-balanced
  transfer with anyone).

The **augmented game** G^θ has payoffs u_i + θ_i.  Since transfers are zero-sum,
Σ_i (u_i + θ_i)(a) = Σ_i u_i(a) at every outcome: transfers redistribute welfare, they never
create it.

Representation.  Transfers are stored once, as the canonical integer table of shape
``game.shape + (n,)`` over one common denominator (:attr:`Contract.table`,
:attr:`Contract.denominator`), so every validation is an exact, vectorized integer
comparison and the augmented game is an integer sum of two tables; the Fraction view
(:attr:`Contract.transfers`) is built on first read.  Integer, float and
:class:`~contract_theory.exact.numbers.IntegerTable` input never becomes one Fraction per
entry.  Signatories are stored as sorted player indices.
Floats are accepted but kept as the exact rational value of the binary float (and mark the
contract ``exact=False``); budget balance is then checked on those exact values, so pass
exact numbers (ints, Fractions, strings such as ``"8/5"``).

**One contract interface.**  :class:`ContractLike` is what every contract type provides --
this module's :class:`Contract`, :class:`contract_theory.markov.contracts.MarkovContract` and
:class:`contract_theory.learning.contracted.TransferContract`: ``signatories``, ``observes``,
exact ``transfers`` (the last axis over all players) and ``augmented_game()``.  Every type
validates its transfers with the one check :func:`transfer_violation` (non-signatories unpaid,
budget balance, observability) and words the violation in its own terms.  ``observes``
defaults to :data:`DEFAULT_OBSERVES` (``"members"``); Markov contracts keep ``"all"`` as their
documented default (they were introduced with it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np

from contract_theory.errors import ContractError, GameError, ObservesError, ParameterError
from contract_theory.exact.numbers import (
    INT64_SAFE,
    IntegerTable,
    common_denominator,
    exact_table,
    fmt,
    fractions_of_table,
    int_times,
    to_fraction,
)
from contract_theory.games.normal_form import NormalFormGame

__all__ = [
    "Contract", "OBSERVES", "Observes", "DEFAULT_OBSERVES", "ContractLike", "AugmentsGame", "TransferViolation",
    "transfer_violation", "check_observes", "broadcast_members", "null_contract", "deviation_penalty", "lump_sum",
    "equalizing", "resolve_signatories",
]

#: What a contract may observe: the members' joint action (and the state) or every action.
Observes = Literal["members", "all"]
#: Accepted values of the ``observes`` parameter.
OBSERVES: tuple[Observes, ...] = ("members", "all")
#: The default of ``observes``: a contract sees what its signatories do.
DEFAULT_OBSERVES: Observes = "members"


@runtime_checkable
class AugmentsGame(Protocol):
    """The part of the contract interface the protocol solvers and learners use."""

    @property
    def signatories(self) -> Sequence[int | str]:
        """The signatories (indices, or names for contracts of other libraries)."""
        ...

    def augmented_game(self) -> Any:
        """The game with payoffs (rewards) u_i + theta_i."""
        ...


@runtime_checkable
class ContractLike(AugmentsGame, Protocol):
    """The one contract interface (module docstring): signatories, observes, exact transfers, augmented game."""

    @property
    def signatories(self) -> tuple[int, ...]:
        """Signatories as sorted player indices."""
        ...

    @property
    def observes(self) -> Observes:
        """``"members"`` or ``"all"``."""
        ...

    @property
    def transfers(self) -> np.ndarray:
        """Exact transfers, last axis over all players (budget-balanced among the signatories)."""
        ...


def check_observes(observes: str) -> Observes:
    """``observes`` if it is ``"members"`` or ``"all"``, else :class:`~contract_theory.errors.ObservesError`.

    Examples
    --------
    >>> check_observes("all")
    'all'
    """
    if observes == "members":
        return "members"
    if observes == "all":
        return "all"
    raise ObservesError(f"observes must be one of {list(OBSERVES)}, got {observes!r}")


@dataclass(frozen=True)
class TransferViolation:
    """The first way a transfer array breaks the rules of a contract (:func:`transfer_violation`).

    ``kind`` is ``"non-signatory"`` (``player`` is paid ``value`` at ``where``), ``"single"`` (one
    signatory with non-zero transfers), ``"budget"`` (the signatories' transfers sum to ``value``
    at ``where``) or ``"observes"`` (``player``'s transfer is ``base_value`` at ``base`` and ``value``
    at ``where``, which differ only in the actions of outsiders, the first being ``outsider``).
    ``where`` and ``base`` index every axis but the last (players).
    """

    kind: Literal["non-signatory", "single", "budget", "observes"]
    where: tuple[int, ...]
    value: Fraction
    player: int | None = None
    base: tuple[int, ...] | None = None
    base_value: Fraction | None = None
    outsider: int | None = None


def transfer_violation(
    theta: np.ndarray, signatories: Sequence[int], *, observes: Observes = DEFAULT_OBSERVES, lead: int = 0,
    denominator: int = 1, single: bool = False,
) -> TransferViolation | None:
    """The one contract validator: the first violation of theta's rules, or ``None``.

    ``theta`` has shape ``L + (m_0, ..., m_{n-1}) + (n,)`` with ``lead`` = len(L) leading axes (the
    state of a Markov game) and holds exact numbers (object Fractions, or integers over
    ``denominator``).  Checked in this order, each at the first outcome in lexicographic order:
    θ_o = 0 for every non-signatory o; with ``single``, no non-zero transfer when |S| < 2;
    **budget balance** Σ_{i∈S} θ_i = 0; with ``observes="members"``, θ unchanged when outsiders'
    actions are set to their first action.  Vectorized, O(n · size of theta).

    Examples
    --------
    >>> th = np.zeros((2, 2, 2), dtype=np.int64); th[1, 0] = [2, -1]
    >>> transfer_violation(th, (0, 1))
    TransferViolation(kind='budget', where=(1, 0), value=Fraction(1, 1), player=None, base=None, base_value=None, outsider=None)
    """
    n = theta.shape[-1]
    S = [int(i) for i in signatories]
    outsiders = [o for o in range(n) if o not in S]

    def val(where: tuple[int, ...], x: Any) -> Fraction:
        f = Fraction(x) if not isinstance(x, (int, np.integer)) else Fraction(int(x))
        return Fraction(int(f.numerator), int(f.denominator)) / denominator

    if outsiders:
        bad = np.argwhere(theta[..., outsiders] != 0)
        if len(bad):
            where = tuple(int(v) for v in bad[0][:-1])
            o = outsiders[int(bad[0][-1])]
            return TransferViolation("non-signatory", where, val(where, theta[where + (o,)]), player=o)
    if single and len(S) < 2 and np.any(theta != 0):
        return TransferViolation("single", (), Fraction(0))
    sums = theta[..., S].sum(axis=-1) if S else np.zeros(theta.shape[:-1], dtype=np.int64)
    bad = np.argwhere(sums != 0)
    if len(bad):
        where = tuple(int(v) for v in bad[0])
        return TransferViolation("budget", where, val(where, sums[where]))
    if observes == "members" and outsiders:
        ref = theta[tuple(slice(0, 1) if ax - lead in outsiders else slice(None) for ax in range(theta.ndim - 1))]
        bad = np.argwhere(theta != ref)
        if len(bad):
            where = tuple(int(v) for v in bad[0][:-1])
            i = int(bad[0][-1])
            base = tuple(0 if ax - lead in outsiders else a for ax, a in enumerate(where))
            first = next(o for o in outsiders if where[lead + o] != 0)
            return TransferViolation("observes", where, val(where, theta[where + (i,)]), player=i, base=base,
                                     base_value=val(base, theta[base + (i,)]), outsider=first)
    return None


def resolve_signatories(game: NormalFormGame, signatories: Sequence[int | str]) -> tuple[int, ...]:
    """Signatories (indices or names) as a sorted tuple of player indices.

    Unknown players raise :class:`~contract_theory.errors.UnknownPlayerError`; a player named
    twice raises :class:`~contract_theory.errors.ContractError`.  O(|S| log |S|).

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> resolve_signatories(public_goods(4, "8/5", 20), ["P2", 0])
    (0, 2)
    """
    if isinstance(signatories, (str, int, np.integer)):
        raise ContractError(f"signatories must be a sequence of players, got {signatories!r}")
    idx = [game.player_index(p) for p in signatories]
    seen: set[int] = set()
    for _p, i in zip(signatories, idx):
        if i in seen:
            raise ContractError(
                f"player {game.players[i]!r} is named twice among the signatories {list(signatories)!r}")
        seen.add(i)
    return tuple(sorted(idx))


def broadcast_members(game: NormalFormGame, S: tuple[int, ...], arr: np.ndarray) -> np.ndarray:
    """Expand an array over A_S (axes in increasing player order) + (n,) to ``game.shape + (n,)``.

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> broadcast_members(public_goods(3, 2, 1), (0, 2), np.zeros((2, 2, 3))).shape
    (2, 2, 2, 3)
    """
    n = game.n_players
    outsiders = [o for o in range(n) if o not in S]
    expanded = np.expand_dims(arr, axis=tuple(outsiders)) if outsiders else arr
    return np.broadcast_to(expanded, game.shape + (n,)).copy()


class Contract:
    """A budget-balanced transfer scheme among signatories S (docs/background/model.md#3-contracts).

    Parameters
    ----------
    game
        The game whose outcomes the contract pays on.
    signatories
        Players (indices or names) who sign; order does not matter, duplicates are an error.
    transfers
        Either the full array of shape ``game.shape + (n,)``: ``transfers[a][i]`` = θ_i(a);
        or, with ``observes="members"`` only, an array over the members' joint actions with
        shape ``(m_{s_1}, ..., m_{s_k}) + (n,)`` or ``+ (k,)`` — axes in *increasing player
        index* order, last axis over all players or over the members in increasing index
        order — broadcast over the outsiders' actions.
    observes
        ``"members"`` (default): θ may depend only on members' actions (checked);
        ``"all"``: θ may also depend on outsiders' actions.
    name
        Free text used in messages and reprs.

    Raises
    ------
    UnknownPlayerError
        A signatory is not a player of the game.
    ContractError
        Duplicate signatory; wrong shape; a non-zero transfer to a non-signatory (naming
        the player and the profile); fewer than two signatories with non-zero transfers;
        Σ_{i∈S} θ_i(a) ≠ 0 at some outcome (naming the first such outcome in lexicographic
        order, by labels, and the sum); ``observes="members"`` but θ depends on outsiders'
        actions (naming two profiles differing only in outsiders' actions).
    ParameterError
        ``observes`` is not ``"members"`` or ``"all"``.

    Complexity: O(n · prod(m_i)) exact conversions and vectorized integer comparisons.

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> g = prisoners_dilemma()
    >>> c = Contract(g, [0, 1], [[[0, 0], [2, -2]], [[-2, 2], [0, 0]]], name="fine defectors")
    >>> c.transfer(("D", "C")), c.max_transfer
    ((Fraction(-2, 1), Fraction(2, 1)), Fraction(2, 1))
    >>> c.augmented_game().payoff(("D", "C"))
    (Fraction(3, 1), Fraction(2, 1))
    >>> Contract(g, [0, 1], [[[1, 0], [0, 0]], [[0, 0], [0, 0]]])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    contract_theory.errors.ContractError: ... sum to 1, not 0, at outcome ('C', 'C')
    """

    __slots__ = ("game", "signatories", "observes", "name", "exact", "_transfers", "table", "denominator", "_hash")

    def __init__(
        self,
        game: NormalFormGame,
        signatories: Sequence[int | str],
        transfers: Any,
        *,
        observes: Observes = DEFAULT_OBSERVES,
        name: str = "",
    ) -> None:
        if not isinstance(game, NormalFormGame):
            raise ContractError(f"a contract needs a NormalFormGame, got {type(game).__name__}")
        observes = check_observes(observes)
        S = resolve_signatories(game, signatories)
        try:
            table, den, exact = exact_table(transfers, what="transfers")
        except GameError as exc:
            raise ContractError(str(exc)) from None
        self.game = game
        #: Signatories as sorted player indices.
        self.signatories: tuple[int, ...] = S
        self.observes: Observes = observes
        self.name = str(name)
        self.exact = exact
        self._transfers: np.ndarray | None = None  # the Fraction view, built on first read
        #: Integer transfer table, shape ``game.shape + (n,)``; θ = ``table / denominator``.
        self.table: np.ndarray = self._full_table(table)
        #: Common positive denominator of all transfers.
        self.denominator: int = den
        self._hash: int | None = None
        self._validate()
        self.table.setflags(write=False)

    def _full_table(self, table: np.ndarray) -> np.ndarray:
        """The transfers over every joint action: as given, or broadcast from the members' joint
        actions (``observes="members"``; last axis over all players or over the members)."""
        g, S, n = self.game, self.signatories, self.game.n_players
        full_shape = g.shape + (n,)
        members_shape = tuple(g.shape[i] for i in S)
        if table.shape == full_shape:
            return table
        if table.ndim == len(S) + 1 and table.shape[:-1] == members_shape and table.shape[-1] in (n, len(S)):
            if self.observes != "members":
                raise ContractError(
                    f"transfers of shape {table.shape} are given over the members' joint actions only; "
                    f"with observes='all' give the full array of shape {full_shape}")
            if table.shape[-1] != n:  # last axis over members only: place them among all players
                wide = np.zeros(members_shape + (n,), dtype=table.dtype)
                wide[..., list(S)] = table
                table = wide
            return broadcast_members(g, S, table)
        hint = f" or {members_shape + (n,)} / {members_shape + (len(S),)} over the members' actions" \
            if self.observes == "members" else ""
        raise ContractError(f"transfers have shape {table.shape}; expected {full_shape}{hint}")

    # ------------------------------------------------------------------ validation
    def _what(self) -> str:
        return f"contract {self.name!r}" if self.name else "contract"

    def _validate(self) -> None:
        g, S, den = self.game, self.signatories, self.denominator
        v = transfer_violation(self.table, S, observes=self.observes, denominator=den, single=True)
        if v is None:
            return
        if v.kind == "non-signatory":
            raise ContractError(
                f"{self._what()} pays non-signatory {g.players[v.player or 0]!r}: θ = {fmt(v.value)} "
                f"at outcome {g.labels(v.where)} (transfers to non-signatories must be 0)")
        if v.kind == "single":
            raise ContractError(
                f"{self._what()} has {len(S)} signator{'y' if len(S) == 1 else 'ies'}: a single agent cannot "
                "sign a budget-balanced transfer, only the null contract is allowed")
        if v.kind == "budget":
            raise ContractError(
                f"{self._what()} is not budget-balanced: the members' transfers sum to "
                f"{fmt(v.value)}, not 0, at outcome {g.labels(v.where)}")
        raise ContractError(
            f"{self._what()} observes only members but depends on outsiders' actions: θ of "
            f"{g.players[v.player or 0]!r} is {fmt(v.base_value or Fraction(0))} at {g.labels(v.base or ())} and "
            f"{fmt(v.value)} at {g.labels(v.where)} (use observes='all')")

    # ------------------------------------------------------------------ facts
    @property
    def transfers(self) -> np.ndarray:
        """Read-only object array of exact transfers, shape ``game.shape + (n,)`` (built on
        first read, one Fraction per distinct value)."""
        if self._transfers is None:
            fr = fractions_of_table(self.table, self.denominator)
            fr.setflags(write=False)
            self._transfers = fr
        return self._transfers

    @property
    def outsiders(self) -> tuple[int, ...]:
        """Players who did not sign, in increasing index order."""
        return tuple(i for i in range(self.game.n_players) if i not in self.signatories)

    @property
    def is_null(self) -> bool:
        """Whether every transfer is zero."""
        return not bool(np.any(self.table != 0))

    @property
    def max_transfer(self) -> Fraction:
        """max_{i,a} |θ_i(a)|: the transfer cap this contract needs (exact; O(n prod m_i))."""
        return Fraction(int(np.abs(self.table).max()) if self.table.size else 0, self.denominator)

    def transfer(self, profile: Sequence[int | str]) -> tuple[Fraction, ...]:
        """Exact transfers θ_i(a) of every player at a pure profile (indices or labels)."""
        prof = self.game.check_profile(profile)
        return tuple(Fraction(int(v), self.denominator) for v in self.table[prof].tolist())

    def members_transfers(self) -> np.ndarray:
        """θ over the members' joint actions, shape ``(m_s for s in S) + (n,)``.

        Only for ``observes="members"`` contracts (outsiders' actions fixed at index 0, which
        is without loss since θ does not depend on them).
        """
        if self.observes != "members":
            raise ContractError(f"{self._what()} observes all players; its transfers are not a function of a_S")
        idx = tuple(slice(None) if i in self.signatories else 0 for i in range(self.game.n_players))
        return self.transfers[idx]

    def augmented_game(self) -> NormalFormGame:
        """The augmented game G^θ with payoffs u_i + θ_i (same players and labels; exact).

        Examples
        --------
        >>> from contract_theory.games.library import prisoners_dilemma
        >>> g = prisoners_dilemma()
        >>> deviation_penalty(g, [0, 1], ("C", "C"), 3).augmented_game().payoff(("D", "C"))
        (Fraction(2, 1), Fraction(3, 1))
        """
        g = self.game
        title = f"{g.title} under {self.name}" if self.name else (f"{g.title} under a contract" if g.title else "")
        (u, theta), den = common_denominator([(g.table, g.denominator), (self.table, self.denominator)])
        return NormalFormGame(IntegerTable(u + theta, den, g.exact and self.exact), players=g.players,
                              actions=g.actions, title=title)

    # ------------------------------------------------------------------ algebra
    def __add__(self, other: Contract) -> Contract:
        """Sum of two contracts with the same game and the same signatories.

        The sum observes ``"all"`` if either summand does, else ``"members"``.
        """
        if not isinstance(other, Contract):
            return NotImplemented
        if other.game is not self.game and other.game != self.game:
            raise ContractError("cannot add contracts on different games")
        if other.signatories != self.signatories:
            g = self.game
            raise ContractError(
                f"cannot add contracts with different signatories: {[g.players[i] for i in self.signatories]} "
                f"and {[g.players[i] for i in other.signatories]}")
        observes: Observes = "all" if "all" in (self.observes, other.observes) else "members"
        name = " + ".join(x for x in (self.name, other.name) if x)
        (a, b), den = common_denominator([(self.table, self.denominator), (other.table, other.denominator)])
        return Contract(self.game, self.signatories, IntegerTable(a + b, den, self.exact and other.exact),
                        observes=observes, name=name)

    def __eq__(self, other: object) -> bool:
        """Equal as transfer functions: same game, signatories and transfers (name and
        ``observes`` are ignored)."""
        if not isinstance(other, Contract):
            return NotImplemented
        # canonical tables (lowest common denominator): equal transfers <=> equal tables
        return (self.signatories == other.signatories and (self.game is other.game or self.game == other.game)
                and self.denominator == other.denominator and bool(np.array_equal(self.table, other.table)))

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash((self.signatories, self.game.shape, self.denominator,
                               tuple(self.table.reshape(-1).tolist())))
        return self._hash

    def __repr__(self) -> str:
        g = self.game
        nm = f" {self.name!r}" if self.name else ""
        return (f"<Contract{nm} signatories={[g.players[i] for i in self.signatories]} "
                f"observes={self.observes!r} max_transfer={fmt(self.max_transfer)}>")

    @classmethod
    def null(cls, game: NormalFormGame) -> Contract:
        """The null contract (no signatories, every transfer 0); same as :func:`null_contract`."""
        return null_contract(game)


# ---------------------------------------------------------------------- constructors
def _zeros(game: NormalFormGame) -> IntegerTable:
    return IntegerTable(np.zeros(game.shape + (game.n_players,), dtype=np.int64))


def null_contract(game: NormalFormGame) -> Contract:
    """The null contract θ ≡ 0 with no signatories (the paper's default contract θ₀).

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> g = prisoners_dilemma()
    >>> c = null_contract(g)
    >>> c.is_null, c.augmented_game() == g
    (True, True)
    """
    return Contract(game, (), _zeros(game), observes="members", name="null")


def deviation_penalty(
    game: NormalFormGame,
    signatories: Sequence[int | str],
    target_profile: Sequence[int | str],
    psi: Any,
    *,
    name: str | None = None,
) -> Contract:
    r"""The paper's deviation penalty θ^pen restricted to the coalition S (paper-notes B.3 step 2).

    With D(a) = {j ∈ S : a_j ≠ a*_j} the deviating members,
    θ_i(a) = −ψ·1[i ∈ D(a)] + ψ/(|S|−1) · |D(a) ∖ {i}| for i ∈ S, and 0 for outsiders:
    each deviating member pays ψ, shared equally by the *other* members, and each member
    receives ψ/(|S|−1) from every other deviator.  Budget balance:
    Σ_i θ_i = −ψ|D| + ψ/(|S|−1)·(|S||D| − |D|) = 0.  Depends on members' actions only
    (``observes="members"``); the outsiders' entries of ``target_profile`` are ignored.
    ``max_transfer`` is ψ as soon as some member has a second action.

    ``psi`` must be ≥ 0 (:class:`ParameterError`); |S| ≥ 2 (:class:`ContractError`).
    Complexity O(n · prod(m_i)), vectorized.

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> c = deviation_penalty(public_goods(4, "8/5", 20), [0, 1, 2], ("20", "20", "20", "0"), 6)
    >>> [str(x) for x in c.transfer(("0", "20", "0", "20"))]
    ['-3', '6', '-3', '0']
    """
    S = resolve_signatories(game, signatories)
    if len(S) < 2:
        raise ContractError(f"a deviation penalty needs at least 2 signatories, got {len(S)}")
    try:
        psi_f = to_fraction(psi, what="psi")
    except GameError as exc:
        raise ParameterError(str(exc)) from None
    if psi_f < 0:
        raise ParameterError(f"the deviation penalty psi must be >= 0, got {fmt(psi_f)}")
    target = game.check_profile(target_profile)
    members_shape = tuple(game.shape[i] for i in S)
    k = len(S)
    grid = np.indices(members_shape, dtype=np.int64) if members_shape else np.zeros((0,), dtype=np.int64)
    dev = np.stack([grid[q] != target[i] for q, i in enumerate(S)], axis=-1).astype(np.int64)  # (A_S, k)
    n_dev = dev.sum(axis=-1, keepdims=True)
    # θ_i = ψ·(−(|S|−1)·dev_i + (D − dev_i)) / (|S|−1) = ψ·(D − |S|·dev_i)/(|S|−1)
    theta = IntegerTable(int_times(n_dev - k * dev, psi_f.numerator), psi_f.denominator * (k - 1))
    return Contract(game, S, theta, observes="members",
                    name=f"deviation penalty psi={fmt(psi_f)}" if name is None else name)


def _amount(v: Any, player: str) -> Fraction:
    try:
        return to_fraction(v, what=f"lump sum of {player!r}")
    except GameError as exc:
        raise ContractError(str(exc)) from None


def lump_sum(
    game: NormalFormGame,
    signatories: Sequence[int | str],
    amounts: Sequence[Any] | Mapping[int | str, Any],
    *,
    name: str | None = None,
) -> Contract:
    """An unconditional (constant) transfer c among the signatories, Σ_{i∈S} c_i = 0.

    ``amounts`` is a sequence aligned with ``signatories`` *as given*, or a mapping
    player -> amount (missing signatories get 0).  A non-zero sum raises
    :class:`ContractError` with the sum.  O(n · prod(m_i)).

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> c = lump_sum(prisoners_dilemma(), ["Column", "Row"], ["1/2", "-1/2"])
    >>> c.transfer(("C", "D"))
    (Fraction(-1, 2), Fraction(1, 2))
    """
    S_given = list(signatories)
    S = resolve_signatories(game, S_given)
    vec = [Fraction(0)] * game.n_players
    if isinstance(amounts, Mapping):
        for p, v in amounts.items():
            i = game.player_index(p)
            if i not in S:
                raise ContractError(f"lump sum names {game.players[i]!r}, who is not a signatory")
            vec[i] = _amount(v, game.players[i])
    else:
        amounts = list(amounts)
        if len(amounts) != len(S_given):
            raise ContractError(f"{len(amounts)} lump-sum amounts for {len(S_given)} signatories")
        for p, v in zip(S_given, amounts):
            i = game.player_index(p)
            vec[i] = _amount(v, game.players[i])
    total = sum(vec, Fraction(0))
    if total != 0:
        raise ContractError(f"lump sums must add up to 0 over the signatories, they add up to {fmt(total)}")
    row, den, _ = exact_table(vec, what="lump sums")
    arr = IntegerTable(np.broadcast_to(row, game.shape + (game.n_players,)).copy(), den)
    return Contract(game, S, arr, observes="members",
                    name=("lump sum " + ",".join(fmt(v) for v in vec)) if name is None else name)


def equalizing(
    game: NormalFormGame, signatories: Sequence[int | str], *, observes: Observes = "all", name: str = "equalizing",
) -> Contract:
    """The equalizing contract: every member gets the members' average payoff.

    θ_i(a) = (1/|S|) Σ_{j∈S} u_j(a) − u_i(a) for i ∈ S (paper-notes B.4: with S = N it turns
    the game into a common-payoff game).  It conditions on the whole outcome, hence
    ``observes="all"`` by default; ``observes="members"`` is accepted when the members'
    payoffs do not depend on outsiders' actions (checked).  O(n · prod(m_i)).

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> equalizing(prisoners_dilemma(), [0, 1]).augmented_game().payoff(("C", "D"))
    (Fraction(5, 2), Fraction(5, 2))
    """
    S = resolve_signatories(game, signatories)
    if len(S) < 2:
        raise ContractError(f"an equalizing contract needs at least 2 signatories, got {len(S)}")
    k, u = len(S), game.table
    if u.dtype != object and int(np.abs(u).max()) * 2 * k >= INT64_SAFE:
        u = u.astype(object)  # the sums below stay exact
    uS = u[..., list(S)]
    theta = np.zeros(game.shape + (game.n_players,), dtype=u.dtype)
    theta[..., list(S)] = uS.sum(axis=-1, keepdims=True) - k * uS  # (sum_S u_j / k - u_i) * k d
    return Contract(game, S, IntegerTable(theta, k * game.denominator, game.exact), observes=observes, name=name)
