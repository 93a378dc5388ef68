"""The classic social dilemmas of the contracting literature, as exact games.

Each constructor documents its payoff formula, its parameters (exact numbers: ints,
Fractions or strings such as ``"8/5"``) and a source.  N-player games are built with numpy
broadcasting over the joint-action grid, never with a Python loop over joint actions.

:func:`from_spec` reads a textual specification such as ``"public_goods:n=4,r=8/5,e=20"``;
:data:`GAMES` lists every name it accepts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from contract_theory.errors import ParameterError
from contract_theory.games.normal_form import NormalFormGame
from contract_theory.games.size import check_grouped_tensor, check_payoff_tensor
from contract_theory.games.specs import build_from_spec, exact_parameter, integer_parameter, spec_value

__all__ = [
    "prisoners_dilemma", "n_prisoners_dilemma", "public_goods", "stag_hunt", "n_stag_hunt",
    "chicken", "battle_of_the_sexes", "matching_pennies", "volunteers_dilemma", "cournot",
    "commons", "el_farol", "random_game", "from_spec", "GAMES", "spec_value", "build_from_spec",
    "binary_public_good",
]
# ``spec_value`` and ``build_from_spec`` are re-exported from :mod:`contract_theory.games.specs`.


_F = exact_parameter
_int_param = integer_parameter


def _grid(n: int, m: int) -> np.ndarray:
    """Object array ``(m,)*n + (n,)`` with ``[..., i]`` = player i's action index."""
    check_grouped_tensor([(m, n)], "payoff tensor of the library game")  # refuse before allocating (n players, m actions)
    idx = np.indices((m,) * n, dtype=np.int64)
    return np.moveaxis(idx, 0, -1).astype(object)


def _two(table: list[list[tuple[Any, Any]]], acts: Sequence[str], title: str,
         players: Sequence[str] = ("Row", "Column")) -> NormalFormGame:
    arr = np.empty((2, 2, 2), dtype=object)
    for r in range(2):
        for c in range(2):
            arr[r, c] = [Fraction(table[r][c][0]), Fraction(table[r][c][1])]
    return NormalFormGame(arr, players=players, actions=[acts, acts], title=title)


def prisoners_dilemma(T: Any = 5, R: Any = 3, P: Any = 1, S: Any = 0) -> NormalFormGame:
    """Two-player prisoner's dilemma with actions ``C``, ``D``.

    u(C,C) = (R,R), u(C,D) = (S,T), u(D,C) = (T,S), u(D,D) = (P,P).  A dilemma requires
    T > R > P > S (checked) and, for the usual repeated-game reading, 2R > T + S.
    Defaults (T,R,P,S) = (5,3,1,0) from Axelrod, *The Evolution of Cooperation* (1984).

    Examples
    --------
    >>> prisoners_dilemma().payoff((0, 1))
    (Fraction(0, 1), Fraction(5, 1))
    """
    T, R, P, S = (_F(v, k) for v, k in ((T, "T"), (R, "R"), (P, "P"), (S, "S")))
    if not T > R > P > S:
        raise ParameterError(f"a prisoner's dilemma needs T > R > P > S, got T={T}, R={R}, P={P}, S={S}")
    return _two([[(R, R), (S, T)], [(T, S), (P, P)]], ("C", "D"), "Prisoner's dilemma")


def n_prisoners_dilemma(n: Any = 3, b: Any = 3, c: Any = 1) -> NormalFormGame:
    """N-player prisoner's dilemma (benefit b, cost c), actions ``C``, ``D``.

    A cooperator pays c and creates a benefit b that is shared equally by the *other*
    n-1 players: u_i = b * (cooperators other than i) / (n-1) - c * [i cooperates].
    Defection is strictly dominant when c > 0; all-C is optimal when b > c (checked:
    0 < c < b).  A coalition S of size k gains from its members cooperating iff
    (k-1) b / (n-1) > c.  Source: the linear N-person PD of Hamburger (1973), in the
    per-capita-benefit form used by e.g. Santos, Pacheco & Lenaerts (PNAS 2006).

    Examples
    --------
    >>> n_prisoners_dilemma(3, 3, 1).payoff((0, 0, 1))
    (Fraction(1, 2), Fraction(1, 2), Fraction(3, 1))
    """
    n = _int_param(n, "n", 2)
    b, c = _F(b, "b"), _F(c, "c")
    if not 0 < c < b:
        raise ParameterError(f"an N-player prisoner's dilemma needs 0 < c < b, got b={b}, c={c}")
    coop = 1 - _grid(n, 2)  # action 0 = C
    total = coop.sum(axis=-1, keepdims=True)
    pay = b * (total - coop) / (n - 1) - c * coop
    return NormalFormGame(pay, players=[f"P{i}" for i in range(n)], actions=[("C", "D")] * n,
                          title=f"{n}-player prisoner's dilemma (b={b}, c={c})")


def public_goods(n: Any = 4, r: Any = "8/5", e: Any = 20, levels: Any = None) -> NormalFormGame:
    """Linear public goods game (voluntary contribution mechanism).

    Player i contributes c_i from a list of ``levels`` (default ``[0, e]``: keep or give
    everything) out of endowment e; the pot is multiplied by r and shared equally:
    u_i = e - c_i + (r/n) * sum_j c_j.  With 1 < r < n contributing nothing is strictly
    dominant while full contribution is optimal (checked: 1 < r < n).  A coalition of k
    members contributes iff k r / n > 1.  Source: Isaac & Walker (1988); Ledyard (1995).
    Action labels are the contribution amounts.

    Examples
    --------
    >>> public_goods(4, "8/5", 20).payoff((1, 1, 1, 1))
    (Fraction(32, 1), Fraction(32, 1), Fraction(32, 1), Fraction(32, 1))
    """
    n = _int_param(n, "n", 2)
    r, e = _F(r, "r"), _F(e, "e")
    if not 1 < r < n:
        raise ParameterError(f"a public goods dilemma needs 1 < r < n, got r={r}, n={n}")
    if e <= 0:
        raise ParameterError(f"endowment e must be positive, got {e}")
    lv = [Fraction(0), e] if levels is None else [_F(v, "levels") for v in levels]
    if len(set(lv)) != len(lv) or any(not 0 <= v <= e for v in lv):
        raise ParameterError(f"contribution levels must be distinct and within [0, e]: {[str(v) for v in lv]}")
    levels_arr = np.array(lv, dtype=object)
    contrib = levels_arr[_grid(n, len(lv)).astype(np.int64)]
    pot = contrib.sum(axis=-1, keepdims=True)
    pay = e - contrib + r * pot / n
    labels = [str(v) for v in lv]
    return NormalFormGame(pay, players=[f"P{i}" for i in range(n)], actions=[labels] * n,
                          title=f"Linear public goods (n={n}, r={r}, e={e})")


def _per_player(x: Any, n: int, name: str) -> list[Fraction]:
    """A parameter given once (every player) or once per player."""
    xs = list(x) if isinstance(x, (list, tuple)) else [x]
    if len(xs) == 1:
        xs *= n
    if len(xs) != n:
        raise ParameterError(f"parameter {name} needs 1 or {n} values (one per player), got {len(xs)}")
    return [_F(v, name) for v in xs]


def binary_public_good(n: Any = 4, b: Any = 1, c: Any = "5/2") -> NormalFormGame:
    """Binary public good: each contributor pays c_i and every player gets b_i per contributor.

    u_i = b_i X - c_i x_i with x_i in {0, 1} (actions ``Keep``, ``Contribute``) and X the number
    of contributors; b and c are given once (symmetric) or once per player.  With b_i < c_i
    keeping is strictly dominant; a coalition S makes member j contribute iff its members' total
    benefit covers j's cost, sum_{i in S} b_i > c_j (at equality the bloc is indifferent: the
    selection rule decides).  Symmetric, with b < c < n b, the stable coalition has the
    smallest size s with s b > c (Barrett 1994's binary participation model; the issue-24 test
    game).  Checked: b_i > 0, c_i > 0.

    Examples
    --------
    >>> binary_public_good(3, 1, 2).payoff((1, 1, 0))
    (Fraction(0, 1), Fraction(0, 1), Fraction(2, 1))
    """
    n = _int_param(n, "n", 2)
    bs, cs = _per_player(b, n, "b"), _per_player(c, n, "c")
    if any(v <= 0 for v in bs + cs):
        raise ParameterError(f"a binary public good needs b > 0 and c > 0, got b={[str(v) for v in bs]}, "
                             f"c={[str(v) for v in cs]}")
    x = _grid(n, 2)  # action 1 = Contribute
    X = x.sum(axis=-1, keepdims=True)
    pay = np.array(bs, dtype=object) * X - np.array(cs, dtype=object) * x
    same = len(set(bs)) == 1 and len(set(cs)) == 1
    params = f"b={bs[0]}, c={cs[0]}" if same else f"b={'|'.join(map(str, bs))}, c={'|'.join(map(str, cs))}"
    return NormalFormGame(pay, players=[f"P{i}" for i in range(n)], actions=[("Keep", "Contribute")] * n,
                          title=f"Binary public good (n={n}, {params})")


def stag_hunt(stag: Any = 4, hare: Any = 3, sucker: Any = 0) -> NormalFormGame:
    """Two-player stag hunt, actions ``Stag``, ``Hare``.

    u(Stag,Stag) = (stag,stag); a lone stag hunter gets ``sucker``; a hare hunter gets
    ``hare`` whatever the other does.  Needs stag > hare > sucker (checked).  Two pure
    equilibria, the payoff-dominant (Stag,Stag) and the risk-dominant (Hare,Hare) when
    hare - sucker > stag - hare.  Source: Skyrms, *The Stag Hunt* (2004).
    """
    s, h, z = _F(stag, "stag"), _F(hare, "hare"), _F(sucker, "sucker")
    if not s > h > z:
        raise ParameterError(f"a stag hunt needs stag > hare > sucker, got {s}, {h}, {z}")
    return _two([[(s, s), (z, h)], [(h, z), (h, h)]], ("Stag", "Hare"), "Stag hunt")


def n_stag_hunt(n: Any = 3, m: Any = None, stag: Any = 4, hare: Any = 3) -> NormalFormGame:
    """N-player threshold stag hunt, actions ``Stag``, ``Hare``.

    A stag hunter gets ``stag`` if at least m players hunt stag and 0 otherwise; a hare
    hunter gets ``hare``.  Needs 1 <= m <= n and stag > hare > 0.  Default m = n.  Source:
    Pacheco, Santos, Souza & Skyrms, "Evolutionary dynamics of collective action in
    N-person stag hunt dilemmas", Proc. R. Soc. B (2009).
    """
    n = _int_param(n, "n", 2)
    m = n if m is None else _int_param(m, "m", 1)
    if m > n:
        raise ParameterError(f"threshold m={m} exceeds n={n}")
    s, h = _F(stag, "stag"), _F(hare, "hare")
    if not s > h > 0:
        raise ParameterError(f"an N-player stag hunt needs stag > hare > 0, got {s}, {h}")
    hunt = 1 - _grid(n, 2)
    success = (hunt.sum(axis=-1, keepdims=True) >= m).astype(object)
    pay = hunt * success * s + (1 - hunt) * h
    return NormalFormGame(pay, players=[f"P{i}" for i in range(n)], actions=[("Stag", "Hare")] * n,
                          title=f"{n}-player stag hunt (m={m})")


def chicken(win: Any = 1, crash: Any = -10) -> NormalFormGame:
    """Chicken (hawk-dove), actions ``Swerve``, ``Straight``.

    u(Sw,Sw) = (0,0), u(Sw,St) = (-win, win), u(St,St) = (crash, crash).  Needs
    crash < -win < 0.  Source: Rapoport & Chammah, "The game of chicken" (1966).
    """
    w, c = _F(win, "win"), _F(crash, "crash")
    if not c < -w < 0:
        raise ParameterError(f"chicken needs crash < -win < 0, got win={w}, crash={c}")
    return _two([[(0, 0), (-w, w)], [(w, -w), (c, c)]], ("Swerve", "Straight"), "Chicken")


def battle_of_the_sexes(high: Any = 2, low: Any = 1) -> NormalFormGame:
    """Battle of the sexes, actions ``Opera``, ``Football``.

    u(O,O) = (high, low), u(F,F) = (low, high), miscoordination 0.  Needs high > low > 0.
    Mixed equilibrium: row plays O with probability high/(high+low).  Source: Luce &
    Raiffa, *Games and Decisions* (1957).
    """
    h, l = _F(high, "high"), _F(low, "low")
    if not h > l > 0:
        raise ParameterError(f"battle of the sexes needs high > low > 0, got {h}, {l}")
    return _two([[(h, l), (0, 0)], [(0, 0), (l, h)]], ("Opera", "Football"), "Battle of the sexes")


def matching_pennies() -> NormalFormGame:
    """Matching pennies: the row player wins 1 on a match, the column player on a mismatch.

    Unique equilibrium: both mix 1/2-1/2.  No pure equilibrium.
    """
    return _two([[(1, -1), (-1, 1)], [(-1, 1), (1, -1)]], ("Heads", "Tails"), "Matching pennies")


def volunteers_dilemma(n: Any = 3, b: Any = 2, c: Any = 1) -> NormalFormGame:
    """Volunteer's dilemma, actions ``Volunteer``, ``Ignore``.

    Everyone gets b if at least one player volunteers; each volunteer pays c:
    u_i = b * [someone volunteers] - c * [i volunteers].  Needs 0 < c < b.  The pure
    equilibria are exactly the profiles with one volunteer.  Source: Diekmann,
    "Volunteer's dilemma", J. Conflict Resolution (1985).
    """
    n = _int_param(n, "n", 2)
    b, c = _F(b, "b"), _F(c, "c")
    if not 0 < c < b:
        raise ParameterError(f"a volunteer's dilemma needs 0 < c < b, got b={b}, c={c}")
    vol = 1 - _grid(n, 2)
    any_v = (vol.sum(axis=-1, keepdims=True) >= 1).astype(object)
    pay = b * any_v - c * vol
    return NormalFormGame(pay, players=[f"P{i}" for i in range(n)], actions=[("Volunteer", "Ignore")] * n,
                          title=f"Volunteer's dilemma (n={n}, b={b}, c={c})")


def _quantities(grid: Any, name: str) -> list[Fraction]:
    q = [_F(v, name) for v in grid]
    if not q or len(set(q)) != len(q) or any(v < 0 for v in q):
        raise ParameterError(f"{name} must be distinct non-negative quantities, got {[str(v) for v in q]}")
    return q


def cournot(n: Any = 2, a: Any = 12, c: Any = 0, grid: Any = (0, 2, 3, 4, 6)) -> NormalFormGame:
    """Cournot oligopoly on a quantity grid.

    Firm i chooses q_i from ``grid``; inverse demand P = max(a - Q, 0) with Q = sum q_j;
    constant marginal cost c: u_i = q_i * (P - c).  Defaults: duopoly with a = 12, c = 0,
    grid {0, 2, 3, 4, 6}: the Cournot quantity (a-c)/(n+1) = 4 and the joint-monopoly
    split 3 are on the grid.  Source: Cournot (1838); Salant, Switzer & Reynolds, QJE
    (1983) for mergers.
    """
    n = _int_param(n, "n", 1)
    a, c = _F(a, "a"), _F(c, "c")
    q = _quantities(grid, "grid")
    qarr = np.array(q, dtype=object)[_grid(n, len(q)).astype(np.int64)]
    Q = qarr.sum(axis=-1, keepdims=True)
    price = np.maximum(a - Q, 0)
    pay = qarr * (price - c)
    return NormalFormGame(pay, players=[f"F{i}" for i in range(n)], actions=[[str(v) for v in q]] * n,
                          title=f"Cournot (n={n}, a={a}, c={c})")


def commons(n: Any = 3, capacity: Any = 12, grid: Any = (0, 1, 2, 3, 4)) -> NormalFormGame:
    """Commons (common-pool resource) game on an extraction grid.

    Agent i extracts x_i from ``grid``; each unit is worth (capacity - X)/capacity with X
    the total extraction, so overuse degrades everyone's yield (and can make it negative):
    u_i = x_i * (capacity - X) / capacity.  Gordon (1954) / Hardin (1968) linear form.
    """
    n = _int_param(n, "n", 1)
    K = _F(capacity, "capacity")
    if K <= 0:
        raise ParameterError(f"capacity must be positive, got {K}")
    q = _quantities(grid, "grid")
    x = np.array(q, dtype=object)[_grid(n, len(q)).astype(np.int64)]
    X = x.sum(axis=-1, keepdims=True)
    pay = x * (K - X) / K
    return NormalFormGame(pay, players=[f"P{i}" for i in range(n)], actions=[[str(v) for v in q]] * n,
                          title=f"Commons (n={n}, capacity={K})")


def el_farol(n: Any = 5, capacity: Any = 3) -> NormalFormGame:
    """El Farol bar problem, actions ``Go``, ``Stay``.

    Going pays +1 if attendance is at most ``capacity`` and -1 otherwise; staying pays 0.
    Source: Arthur, "Inductive reasoning and bounded rationality", AER (1994).
    """
    n = _int_param(n, "n", 1)
    cap = _int_param(capacity, "capacity", 0)
    go = 1 - _grid(n, 2)
    ok = (go.sum(axis=-1, keepdims=True) <= cap).astype(object)
    pay = go * (2 * ok - 1)
    return NormalFormGame(pay, players=[f"P{i}" for i in range(n)], actions=[("Go", "Stay")] * n,
                          title=f"El Farol (n={n}, capacity={cap})")


def random_game(
    shape: Sequence[int] = (3, 3), low: int = 0, high: int = 9, *, seed: int = 0,
    denominator: int = 1, degenerate: bool = False,
) -> NormalFormGame:
    """Seeded random game with payoffs k/denominator, k uniform in [low, high].

    ``degenerate=True`` copies, for every player, one payoff onto another entry of the
    same opponent profile so that ties (and typically degeneracy) appear.  The same
    arguments always give the same game (numpy ``default_rng(seed)``).
    """
    if isinstance(shape, (str, bytes)) or not isinstance(shape, Sequence):
        raise ParameterError(f"shape must be a sequence of action counts, got {type(shape).__name__}")
    shape = tuple(_int_param(m, "shape", 0) for m in shape)
    if not shape or any(m < 1 for m in shape):
        raise ParameterError(f"shape must list at least one action per player, got {list(shape)}")
    low, high = _int_param(low, "low", -(2**62)), _int_param(high, "high", -(2**62))
    seed, denominator = _int_param(seed, "seed", 0), _int_param(denominator, "denominator", 1)
    if high < low:
        raise ParameterError(f"high={high} is below low={low}")
    if max(abs(low), abs(high)) >= 2**62:
        raise ParameterError(f"payoff bounds must lie within +-2^62, got low={low}, high={high}")
    check_payoff_tensor(shape, "payoff tensor of the random game")
    rng = np.random.default_rng(seed)
    n = len(shape)
    ints = rng.integers(low, high + 1, size=shape + (n,))
    if degenerate:
        for i in range(n):
            if shape[i] >= 2:
                # duplicate player i's payoff of action 0 onto action 1 at one random opponent profile
                others = tuple(int(rng.integers(0, m)) for m in shape)
                src = list(others)
                dst = list(others)
                src[i], dst[i] = 0, 1
                ints[tuple(dst) + (i,)] = ints[tuple(src) + (i,)]
    pay = ints.astype(object)
    if denominator != 1:
        pay = pay * Fraction(1, denominator)
    return NormalFormGame(pay, title=f"random {shape} seed={seed}")


#: Name -> constructor for :func:`from_spec`.
GAMES: dict[str, Callable[..., NormalFormGame]] = {
    "prisoners_dilemma": prisoners_dilemma,
    "pd": prisoners_dilemma,
    "n_prisoners_dilemma": n_prisoners_dilemma,
    "public_goods": public_goods,
    "binary_public_good": binary_public_good,
    "stag_hunt": stag_hunt,
    "n_stag_hunt": n_stag_hunt,
    "chicken": chicken,
    "battle_of_the_sexes": battle_of_the_sexes,
    "matching_pennies": matching_pennies,
    "volunteers_dilemma": volunteers_dilemma,
    "cournot": cournot,
    "commons": commons,
    "el_farol": el_farol,
    "random": random_game,
}


def from_spec(spec: str) -> NormalFormGame:
    """Build a library game from ``"name:key=value,key=value"``.

    Values are exact numbers (``8/5``, ``0.25``); lists use ``|`` (``grid=0|2|4``);
    ``random`` takes ``shape=3|3`` and ``seed=1``.  Unknown names or parameters raise
    :class:`~contract_theory.errors.ParseError` listing what is accepted.

    Examples
    --------
    >>> from_spec("public_goods:n=4,r=8/5,e=20").n_players
    4
    """
    return build_from_spec(spec, GAMES, what="game", int_params=("shape", "seed", "low", "high", "denominator"))
