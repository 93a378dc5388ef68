r"""Compact games for many players: anonymous, typed anonymous and aggregative games.

See ``docs/background/model.md#8-compact-games``.  A dense payoff tensor grows as
|A|^N; the three classes here store a payoff *function* instead:

* **typed anonymous** games (:class:`AnonymousGame`): players come in types t = 0..T-1
  (``type_counts[t]`` players each, numbered type by type: type 0 first), a player of type t
  has the actions ``actions[t]``, and its payoff is  u_i(a) = f_{t(i)}(a_i, c(a))  where
  ``c(a)[t][b]`` counts the players of type t playing action b.  One type = an **anonymous**
  (symmetric) game;
* **aggregative** games (:class:`AggregativeGame`): the actions of type t are numbers
  ``values[t]`` and u_i(a) = f_{t(i)}(x_i, X) with the aggregate X = sum_j w_{t(j)} x_j.  The
  payoff is a polynomial ``sum_{p,q} coef[t][(p, q)] x^p X^q`` (exact, storable in a file) or
  any exact function of (type, x, X).  A polynomial without mixed terms and at most linear
  in X, f_t(x, X) = alpha_t X + h_t(x), is **linear aggregative** (:attr:`AggregativeGame.linear`):
  every player then has dominant actions, which the solvers use.

Everything is exact: payoffs are Fractions.  A count matrix ``c`` is a tuple of tuples,
``c[t][b]``.  :meth:`AnonymousGame.to_dense` builds the equivalent
:class:`~contract_theory.games.normal_form.NormalFormGame` for small N (the oracle of the
tests), and :meth:`AnonymousGame.from_dense` recognizes a dense game whose payoffs depend
only on the own action and the counts (per type) as a compact one.

Examples
--------
>>> g = anonymous_game(3, ["C", "D"], lambda a, c: 2 * c[0][0] - 3 * (a == 0))
>>> g.payoff(0, 0, ((2, 1),))
Fraction(1, 1)
>>> AnonymousGame.from_dense(g.to_dense()).payoff(0, 0, ((2, 1),))
Fraction(1, 1)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any, ClassVar, Literal

import numpy as np

from contract_theory.errors import GameError, SizeLimitError
from contract_theory.exact.bounds import MAX_EXPONENT
from contract_theory.exact.numbers import integer_table, to_fraction
from contract_theory.games.normal_form import NormalFormGame
from contract_theory.games.size import capped_product, check_grouped_tensor, fits_budget, power_text

__all__ = [
    "Counts", "AnonymousGame", "AggregativeGame", "anonymous_game", "CompactGame", "distributions",
    "MAX_PAYOFF_BITS",
]

#: A count matrix: ``c[t][b]`` players of type t on action b.
Counts = tuple[tuple[int, ...], ...]
#: Largest size, in bits of numerator plus denominator, a polynomial payoff may reach at the extreme
#: action value and aggregate (estimated from the exponents before anything is evaluated): about 3,000
#: decimal digits, below what Python prints (4,300) and what exact solves handle in seconds.
MAX_PAYOFF_BITS = 10_000


def distributions(total: int, m: int) -> np.ndarray:
    """Every way to put ``total`` exchangeable players on ``m`` actions, as rows (C(total+m-1, m-1) x m).

    Rows are in lexicographic order of the counts.  Complexity O(rows * m).

    Examples
    --------
    >>> distributions(2, 2).tolist()
    [[0, 2], [1, 1], [2, 0]]
    """
    if m == 1:
        return np.array([[total]], dtype=np.int64)
    parts = []
    for first in range(total + 1):
        rest = distributions(total - first, m - 1)
        parts.append(np.concatenate([np.full((len(rest), 1), first, dtype=np.int64), rest], axis=1))
    return np.concatenate(parts, axis=0)


class AnonymousGame:
    """A typed anonymous game: u_i(a) = f_{t(i)}(a_i, c(a)).

    Parameters
    ----------
    type_counts
        Players per type (each >= 1); players are numbered type by type.
    actions
        Action labels per type (distinct within a type).
    payoff
        ``payoff(t, b, c)``: the exact payoff of a player of type t on action b when the count
        matrix is ``c`` (``c[t][b] >= 1`` always holds; ints, Fractions or exact strings).
    title, type_names, player_prefix
        Free text; type names default to ``"T0", "T1", ...``, player names to ``"P0", "P1", ...``.

    Notes
    -----
    Complexity: a payoff is one call of ``payoff`` (cached).

    Examples
    --------
    >>> g = AnonymousGame([2, 1], [["x", "y"], ["z"]], lambda t, b, c: c[0][0] + t)
    >>> g.n_players, g.player_type(2), g.payoff(1, 0, ((1, 1), (1,)))
    (3, 1, Fraction(2, 1))
    """

    #: The game-kind tag (``docs/background/model.md#8-compact-games``); dense kinds are in
    #: :mod:`contract_theory.games.interface`.
    kind: ClassVar[Literal["compact"]] = "compact"

    def __init__(self, type_counts: Sequence[int], actions: Sequence[Sequence[str]],
                 payoff: Callable[[int, int, Counts], Any], *, title: str = "",
                 type_names: Sequence[str] | None = None, player_prefix: str = "P") -> None:
        counts = tuple(int(n) for n in type_counts)
        if not counts or any(n < 1 for n in counts):
            raise GameError(f"every type needs at least one player, got type counts {list(type_counts)}")
        acts = tuple(tuple(str(x) for x in a) for a in actions)
        if len(acts) != len(counts):
            raise GameError(f"{len(counts)} types but {len(acts)} action lists")
        for t, a in enumerate(acts):
            if not a or len(set(a)) != len(a):
                raise GameError(f"type {t} needs distinct action labels, got {list(a)}")
        names = tuple(f"T{t}" for t in range(len(counts))) if type_names is None else tuple(type_names)
        if len(names) != len(counts):
            raise GameError(f"{len(counts)} types but {len(names)} type names")
        self.type_counts: tuple[int, ...] = counts
        self.actions: tuple[tuple[str, ...], ...] = acts
        self.title = title
        self.type_names: tuple[str, ...] = names
        self.player_prefix = player_prefix
        self._fn = payoff
        self._cache: dict[tuple[int, int, Counts], Fraction] = {}

    # ------------------------------------------------------------------ shape
    @property
    def n_players(self) -> int:
        return sum(self.type_counts)

    @property
    def n_types(self) -> int:
        return len(self.type_counts)

    @property
    def n_actions(self) -> tuple[int, ...]:
        """Actions per type."""
        return tuple(len(a) for a in self.actions)

    @property
    def players(self) -> tuple[str, ...]:
        """Player names ``P0, P1, ...`` (prefix ``player_prefix``), type by type."""
        return tuple(f"{self.player_prefix}{i}" for i in range(self.n_players))

    def player_type(self, i: int) -> int:
        """The type of player i (players are numbered type by type)."""
        if not 0 <= i < self.n_players:
            raise GameError(f"player {i} is out of range 0..{self.n_players - 1}")
        return int(np.searchsorted(np.cumsum(self.type_counts), i, side="right"))

    @property
    def n_profiles(self) -> int:
        """Joint profiles of the dense equivalent, prod_t m_t^{n_t} (exact: for many players a huge
        integer; :meth:`to_dense` estimates it against the size budget without building it)."""
        return math.prod(m ** n for m, n in zip(self.n_actions, self.type_counts))

    @property
    def n_count_matrices(self) -> int:
        """Distinct count matrices, prod_t C(n_t + m_t - 1, m_t - 1)."""
        return math.prod(math.comb(n + m - 1, m - 1) for n, m in zip(self.type_counts, self.n_actions))

    # ------------------------------------------------------------------ payoffs
    def payoff(self, t: int, b: int, c: Counts) -> Fraction:
        """f_t(b, c), exact; ``c[t][b]`` must be at least 1 (the player itself)."""
        key = (t, b, c)
        got = self._cache.get(key)
        if got is None:
            if c[t][b] < 1:
                raise GameError(f"count matrix {c} has no player of type {t} on action {b}")
            got = to_fraction(self._fn(t, b, c), what=f"payoff of type {t}, action {b}")
            if len(self._cache) < 1_000_000:
                self._cache[key] = got
        return got

    def payoff_rows(self, rows: np.ndarray) -> np.ndarray:
        """Payoffs f_t(b, c) for many count matrices at once.

        ``rows`` has one flattened count matrix per row (columns type-major, then action);
        the result (object array, same shape) holds f_t(b, c) where ``c[t][b] >= 1``, else 0.
        Subclasses vectorize this.  Complexity O(rows * sum_t m_t) payoff calls.
        """
        out = np.zeros(rows.shape, dtype=object)
        cols = self.columns
        for r, row in enumerate(rows.tolist()):
            c = self.unflatten(row)
            for d, (t, b) in enumerate(cols):
                if row[d] >= 1:
                    out[r, d] = self.payoff(t, b, c)
        return out

    @property
    def columns(self) -> tuple[tuple[int, int], ...]:
        """The (type, action) pair of each column of a flattened count matrix."""
        return tuple((t, b) for t, m in enumerate(self.n_actions) for b in range(m))

    def unflatten(self, row: Sequence[int]) -> Counts:
        """A flattened count row as a count matrix."""
        out, k = [], 0
        for m in self.n_actions:
            out.append(tuple(int(v) for v in row[k:k + m]))
            k += m
        return tuple(out)

    def canonical_profile(self, counts: Counts) -> tuple[int, ...]:
        """The lexicographically smallest dense profile with these counts (actions ascending per type)."""
        prof: list[int] = []
        for row in counts:
            for b, k in enumerate(row):
                prof += [b] * k
        return tuple(prof)

    # ------------------------------------------------------------------ conversions
    def dense_fits(self) -> bool:
        """Whether :meth:`to_dense` fits the one size budget (prod_t m_t^{n_t} profiles x N players
        at most ``--max-entries`` cells; :func:`contract_theory.games.size.fits_budget`), in
        microseconds whatever N.

        Examples
        --------
        >>> from contract_theory.games.compact_library import public_goods_compact
        >>> public_goods_compact(3, 2, 1).dense_fits(), public_goods_compact(22, 2, 1).dense_fits()
        (True, False)
        """
        return fits_budget(zip(self.n_actions, self.type_counts))

    def dense_size_text(self) -> str:
        """The dense form's size for a message: ``"2^22 profiles x 22 players"`` (never a big power built)."""
        return f"{power_text(zip(self.n_actions, self.type_counts))} profiles x {self.n_players:,} players"

    def to_dense(self, max_profiles: int | None = None) -> NormalFormGame:
        """The equivalent dense game (players type by type), for small N.

        Its payoff tensor (prod_t m_t^{n_t} profiles x N players) is checked against the one size
        budget (:func:`contract_theory.games.size.check_grouped_tensor`, raised with
        ``--max-entries``) in integer arithmetic before anything is built, so a 20,000-player game
        is refused in microseconds; ``max_profiles`` (optional) is a further cap on the profiles.
        Both raise :class:`~contract_theory.errors.SizeLimitError`.  Complexity O(prod m^N * N),
        vectorized except for one payoff evaluation per distinct count matrix.
        """
        groups = list(zip(self.n_actions, self.type_counts))
        way_out = ("analyze the compact game directly (docs/howto/large-games.md) or raise the limit with "
                   "--max-entries N")
        check_grouped_tensor(groups, "dense form of the compact game", way_out=way_out)  # the one size budget
        if max_profiles is not None and capped_product([m**n for m, n in groups], max_profiles) is None:
            raise SizeLimitError(
                f"the dense form of this {self.n_players}-player compact game has {power_text(groups)} profiles, above "
                f"max_profiles={max_profiles}; analyze the compact game directly (docs/howto/large-games.md)")
        types = np.repeat(np.arange(self.n_types), self.type_counts)
        shape = tuple(self.n_actions[t] for t in types)
        grid = np.indices(shape, dtype=np.int64).reshape(len(shape), -1).T  # (P, N)
        cols = self.columns
        flat = np.stack([((types == t)[None, :] & (grid == b)).sum(axis=1) for t, b in cols], axis=1)
        uniq, inv = np.unique(flat, axis=0, return_inverse=True)
        table = self.payoff_rows(uniq)[np.asarray(inv).reshape(-1)]  # (P, D)
        offset = np.cumsum((0,) + self.n_actions[:-1])
        col_of = offset[types][None, :] + grid  # (P, N): column of each player's (type, action)
        pay = np.take_along_axis(table, col_of, axis=1)
        labels = [self.actions[t] for t in types]
        return NormalFormGame(pay.reshape(shape + (len(types),)), players=self.players, actions=labels,
                              title=self.title)

    @classmethod
    def from_dense(cls, game: NormalFormGame, type_counts: Sequence[int] | None = None) -> AnonymousGame:
        """Recognize a dense game as (typed) anonymous, or raise :class:`~contract_theory.errors.GameError`.

        ``type_counts`` (default: one type) splits the players, in order, into types; players
        of a type must share action labels.  The game is anonymous iff every player's payoff
        is a function of (its type, its action, the counts per type and action) alone: checked
        on the whole table by grouping (type, action, counts) keys.  For one type this is
        the same as invariance under every permutation of the players
        (:func:`contract_theory.contracting.coalitions.normal_form.is_symmetric`).  Complexity
        O(N prod m_i log).

        Examples
        --------
        >>> from contract_theory.games.library import public_goods, battle_of_the_sexes
        >>> AnonymousGame.from_dense(public_goods(4, "8/5", 20)).type_counts
        (4,)
        >>> AnonymousGame.from_dense(battle_of_the_sexes())  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        contract_theory.errors.GameError: the game is not anonymous: player 1 on action 0 gets 1 where ...
        """
        n = game.n_players
        tc = (n,) if type_counts is None else tuple(int(x) for x in type_counts)
        if sum(tc) != n or any(x < 1 for x in tc):
            raise GameError(f"type counts {list(tc)} do not split the game's {n} players")
        types = np.repeat(np.arange(len(tc)), tc)
        starts = np.cumsum((0,) + tc[:-1])
        acts = [game.actions[s] for s in starts]
        for i in range(n):
            if game.actions[i] != acts[types[i]]:
                raise GameError(f"player {i} has actions {list(game.actions[i])}, unlike the others of its type "
                                f"({list(acts[types[i]])}): not a typed anonymous game")
        grid = np.indices(game.shape, dtype=np.int64).reshape(n, -1).T
        cols = [(t, b) for t in range(len(tc)) for b in range(len(acts[t]))]
        flat = np.stack([((types == t)[None, :] & (grid == b)).sum(axis=1) for t, b in cols], axis=1)
        fr = game.fractions.reshape(-1, n)
        keys = np.concatenate([np.repeat(flat, n, axis=0),
                               np.tile(types, len(grid))[:, None], grid.reshape(-1, 1)], axis=1)
        vals = fr.reshape(-1)
        players = np.tile(np.arange(n), len(grid))
        _, first, inv = np.unique(keys, axis=0, return_index=True, return_inverse=True)
        inv = np.asarray(inv).reshape(-1)
        ref = vals[first][inv]
        bad = np.nonzero(ref != vals)[0]
        if len(bad):
            j = int(bad[0])
            i0 = int(players[first[inv[j]]])
            raise GameError(f"the game is not anonymous: player {int(players[j])} on action {int(keys[j, -1])} "
                            f"gets {vals[j]} where player {i0} gets {ref[j]} at the same counts")
        table: dict[tuple[int, int, Counts], Fraction] = {}
        m = [len(a) for a in acts]

        def split(row: Sequence[int]) -> Counts:
            out, k = [], 0
            for mt in m:
                out.append(tuple(int(v) for v in row[k:k + mt]))
                k += mt
            return tuple(out)

        for j in first.tolist():
            row = keys[j]
            table[(int(row[-2]), int(row[-1]), split(row[:-2].tolist()))] = Fraction(vals[j])
        prefix = game.players[0].rstrip("0123456789")
        keep = all(name == f"{prefix}{i}" for i, name in enumerate(game.players))
        return cls(tc, acts, lambda t, b, c: table[(t, b, c)], title=game.title,
                   player_prefix=prefix if keep else "P")

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(types={list(self.type_counts)}, actions={[list(a) for a in self.actions]}, "
                f"title={self.title!r})")


def anonymous_game(n: int, actions: Sequence[str], payoff: Callable[[int, Counts], Any], *,
                   title: str = "") -> AnonymousGame:
    """A one-type anonymous game: ``payoff(b, c)`` = f(b, c) with ``c[0][b]`` the count on action b.

    Examples
    --------
    >>> anonymous_game(2, ["a", "b"], lambda b, c: c[0][b]).payoff(0, 1, ((0, 2),))
    Fraction(2, 1)
    """
    return AnonymousGame([n], [actions], lambda t, b, c: payoff(b, c), title=title)


class AggregativeGame(AnonymousGame):
    """u_i = f_{t(i)}(x_i, X) with X = sum_j w_{t(j)} x_j and numeric actions ``values[t]``.

    Parameters
    ----------
    type_counts
        Players per type.
    values
        Exact action values per type (distinct); labels are ``str(value)`` unless ``labels``.
    weights
        w_t per type (default 1).
    poly
        Per type, a mapping {(p, q): coef} for f_t(x, X) = sum coef x^p X^q (exact), or ``None``.
    fn
        Instead of ``poly``: ``fn(t, x, X)`` returning an exact payoff.
    labels
        Action labels per type (default ``str(value)``).

    Notes
    -----
    The naming keywords ``title``, ``type_names`` and ``player_prefix`` are as for
    :class:`AnonymousGame`.  Polynomial exponents are at most :data:`~contract_theory.exact.bounds.MAX_EXPONENT` and the
    largest payoff's estimated size at most :data:`MAX_PAYOFF_BITS` bits
    (:class:`~contract_theory.errors.SizeLimitError` otherwise, before any payoff is evaluated).

    Examples
    --------
    >>> g = AggregativeGame([3], [[0, 1]], poly=[{(0, 1): 2, (1, 0): -3}])   # 2X - 3x
    >>> g.payoff(0, 1, ((1, 2),)), g.linear is not None
    (Fraction(1, 1), True)
    """

    def __init__(self, type_counts: Sequence[int], values: Sequence[Sequence[Any]], *,
                 weights: Sequence[Any] | None = None,
                 poly: Sequence[Mapping[tuple[int, int], Any]] | None = None,
                 fn: Callable[[int, Fraction, Fraction], Any] | None = None,
                 labels: Sequence[Sequence[str]] | None = None, **names: Any) -> None:
        unknown = sorted(set(names) - {"title", "type_names", "player_prefix"})
        if unknown:
            raise GameError(f"AggregativeGame has no parameter {unknown[0]!r} (the naming keywords are title, "
                            "type_names and player_prefix)")
        vals = tuple(tuple(to_fraction(v, what="action value") for v in vs) for vs in values)
        T = len(vals)
        w = tuple(Fraction(1) for _ in range(T)) if weights is None else tuple(
            to_fraction(x, what="weight") for x in weights)
        if len(w) != T:
            raise GameError(f"{T} types but {len(w)} weights")
        if (poly is None) == (fn is None):
            raise GameError("an aggregative game needs exactly one of poly= or fn=")
        self.values = vals
        self.weights = w
        self.poly: tuple[dict[tuple[int, int], Fraction], ...] | None = None
        if poly is not None:
            if len(poly) != T:
                raise GameError(f"{T} types but {len(poly)} payoff polynomials")
            self.poly = tuple({(int(p), int(q)): to_fraction(cf, what="coefficient") for (p, q), cf in P.items()}
                              for P in poly)
            for P in self.poly:
                _check_exponents(P)
        self._agg_fn: Callable[[int, Fraction, Fraction], Any] | None = fn
        self._linear: Any = False  # not computed yet
        acts = labels if labels is not None else [[str(v) for v in vs] for vs in vals]
        super().__init__(type_counts, acts, self._from_counts, **names)
        if self.poly is not None:
            _check_magnitude(self)

    def value(self, t: int, x: Fraction, X: Fraction) -> Fraction:
        """f_t(x, X)."""
        if self.poly is not None:
            return sum((cf * x ** p * X ** q for (p, q), cf in self.poly[t].items()), Fraction(0))
        fn = self._agg_fn
        if fn is None:  # unreachable: __init__ requires exactly one of poly= and fn=
            raise GameError("an aggregative game needs exactly one of poly= or fn=")
        return to_fraction(fn(t, x, X), what="payoff")

    def aggregate(self, c: Counts) -> Fraction:
        """X = ``sum_t w_t sum_b c[t][b] values[t][b]``."""
        return sum((self.weights[t] * k * self.values[t][b] for t, row in enumerate(c) for b, k in enumerate(row)
                    if k), Fraction(0))

    def _from_counts(self, t: int, b: int, c: Counts) -> Fraction:
        return self.value(t, self.values[t][b], self.aggregate(c))

    def payoff_rows(self, rows: np.ndarray) -> np.ndarray:
        """Vectorized f_t(x_b, X(c)) over rows of flattened count matrices (see the base class).

        f_t reads a row only through its aggregate X, so it is evaluated once per distinct X (X as
        one integer matrix-vector product over a common denominator).  Complexity O(rows * columns)
        integer operations plus O(#distinct X * columns) payoff calls.
        """
        cols = self.columns
        xs = [self.values[t][b] for t, b in cols]
        coef, den = integer_table(np.array([self.weights[t] * x for (t, _), x in zip(cols, xs)], dtype=object))
        wide = int(np.abs(coef).max(initial=0)) * int(rows.sum(axis=1).max(initial=0)) >= 2**62
        dtype: Any = object if wide else np.int64
        # f_t depends on the row only through X: one evaluation per distinct aggregate, not per row
        aggregates, where = np.unique(rows.astype(dtype) @ coef.astype(dtype), return_inverse=True)
        X = [Fraction(int(a), den) for a in aggregates.tolist()]
        out = np.zeros(rows.shape, dtype=object)
        for d, (t, _) in enumerate(cols):
            col = np.array([self.value(t, xs[d], Xa) for Xa in X], dtype=object)
            out[:, d] = np.where(rows[:, d] >= 1, col[where.reshape(-1)], 0)
        return out

    @property
    def linear(self) -> tuple[tuple[Fraction, ...], tuple[tuple[Fraction, ...], ...]] | None:
        """(alpha_t, ``h_t(values[t][b])``) when f_t(x, X) = alpha_t X + h_t(x) for every type, else ``None``.

        Then u_i = alpha_t w_t x_i + h_t(x_i) + alpha_t X_{-i}: the own part does not depend on
        the others, so each player has dominant actions and a bloc's total is separable
        across its members (``docs/background/model.md#8-compact-games``).
        """
        if self._linear is not False:
            return self._linear
        self._linear = self._linear_parts()
        return self._linear

    def _linear_parts(self) -> tuple[tuple[Fraction, ...], tuple[tuple[Fraction, ...], ...]] | None:
        if self.poly is None:
            return None
        alphas, hs = [], []
        for t, P in enumerate(self.poly):
            if any(q > 1 or (q == 1 and p > 0) for p, q in P):
                return None
            alpha = P.get((0, 1), Fraction(0))
            alphas.append(alpha)
            hs.append(tuple(sum((cf * x ** p for (p, q), cf in P.items() if q == 0), Fraction(0))
                            for x in self.values[t]))
        return tuple(alphas), tuple(hs)


def _check_exponents(P: Mapping[tuple[int, int], Any]) -> None:
    for p, q in P:
        if p < 0 or q < 0:
            raise GameError(f"polynomial exponents must be non-negative: {sorted(P)}")
        if max(p, q) > MAX_EXPONENT:
            raise SizeLimitError(f"payoff polynomial exponent {max(p, q)} is above {MAX_EXPONENT}, the largest a compact "
                                 "game accepts (an exact power grows with its exponent)")


def _bits(f: Fraction) -> int:
    """Size of an exact number: bits of the numerator plus bits of the denominator."""
    return abs(f.numerator).bit_length() + f.denominator.bit_length()


def _check_magnitude(game: AggregativeGame) -> None:
    """Refuse a polynomial whose largest term, at the extreme action value x and aggregate X, would exceed
    :data:`MAX_PAYOFF_BITS` bits: size(coef) + p size(x) + q size(X), with X bounded by
    N max|w x| over the common denominator of the w x.  Integer arithmetic, O(terms + values)."""
    assert game.poly is not None
    wx = [abs(w * v) for w, vs in zip(game.weights, game.values) for v in vs] or [Fraction(0)]
    den = math.lcm(*(f.denominator for f in wx))
    X_bits = (game.n_players * max(wx) * den).numerator.bit_length() + den.bit_length()
    for t, P in enumerate(game.poly):
        x_bits = max((_bits(v) for v in game.values[t]), default=1)
        for (p, q), cf in P.items():
            bits = _bits(cf) + p * x_bits + q * X_bits
            if bits > MAX_PAYOFF_BITS:
                raise SizeLimitError(
                    f"payoff polynomial of type {game.type_names[t]}: the term x^{p} X^{q} reaches about {bits:,} bits "
                    f"at the largest action value and aggregate ({game.n_players:,} players), above {MAX_PAYOFF_BITS:,} "
                    "bits; use smaller exponents, values or fewer players")


#: Any compact game.
CompactGame = AnonymousGame

