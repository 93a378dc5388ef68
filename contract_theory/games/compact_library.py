r"""The library's N-player dilemmas as compact games, typed variants, and the abatement model ``iea``.

See ``docs/background/model.md#8-compact-games``.  Each ``*_compact`` builder
has the same payoffs as its dense namesake in :mod:`contract_theory.games.library` (tested
player by player on small N) but stores a payoff function, so any N works.  Typed variants
take ``counts`` (players per type) and per-type parameters as lists of the same length;
players are numbered type by type.

Which form a spec gives (:func:`compact_from_spec`, used by
:func:`contract_theory.games.loading.load_game`): a spec is **compact** when its name is
``iea`` (compact only), when it has ``counts=`` (typed), when it says ``compact=true``, or
when it has more than :data:`COMPACT_ABOVE` players; otherwise (and with ``compact=false``)
the dense game is built, unchanged.

Examples
--------
>>> g = public_goods_compact(counts=[60, 40], e=[1, 2], r=3)
>>> g.n_players, g.actions
(100, (('0', '1'), ('0', '2')))
>>> iea(4, 1, 1).payoff(0, 1, ((0, 4, 0, 0, 0),))   # b Q - (c/2) q^2 = 4 - 1/2
Fraction(7, 2)
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from contract_theory.errors import ParameterError
from contract_theory.games.compact import AggregativeGame, AnonymousGame, Counts
from contract_theory.games.specs import build_named, exact_parameter, integer_parameter, parse_spec, spec_parameter

__all__ = [
    "public_goods_compact", "n_prisoners_dilemma_compact", "n_stag_hunt_compact", "volunteers_dilemma_compact",
    "el_farol_compact", "commons_compact", "cournot_compact", "iea", "COMPACT_GAMES", "COMPACT_ABOVE",
    "wants_compact", "binary_public_good_compact",
]

#: Specs with more players than this build compact games (the dense analysis of N = 12 binary players
#: already takes seconds).
COMPACT_ABOVE = 12


_F = exact_parameter


def _positive(x: Any, name: str) -> int:
    """A positive integer parameter (a count of players)."""
    f = _F(x, name)
    if f.denominator != 1 or f < 1:
        raise ParameterError(f"parameter {name} must be a positive integer, got {_F(x, name)}")
    return int(f)


def _types(n: Any, counts: Any) -> list[int]:
    """Players per type: ``counts`` when given (typed), else one type of ``n``."""
    if counts is None:
        return [_positive(n, "n")]
    cs = counts if isinstance(counts, (list, tuple)) else [counts]
    out = [_positive(c, "counts") for c in cs]
    if n is not None and _positive(n, "n") != sum(out):
        raise ParameterError(f"n={_F(n, 'n')} disagrees with counts={out} (sum {sum(out)})")
    return out


def _per_type(x: Any, k: int, name: str) -> list[Fraction]:
    """A parameter given once (all types) or once per type."""
    xs = x if isinstance(x, (list, tuple)) else [x]
    if len(xs) == 1:
        xs = list(xs) * k
    if len(xs) != k:
        raise ParameterError(f"parameter {name} needs 1 or {k} values (one per type), got {len(xs)}")
    return [_F(v, name) for v in xs]


def _suffix(counts: list[int]) -> str:
    return f"n={counts[0]}" if len(counts) == 1 else f"counts={'|'.join(map(str, counts))}"


def public_goods_compact(n: Any = None, r: Any = "8/5", e: Any = 20, counts: Any = None) -> AggregativeGame:
    """Linear public goods, all-or-nothing: u_i = e_t - x_i + (r/N) X, x_i in {0, e_t}.

    As :func:`contract_theory.games.library.public_goods` (needs 1 < r < N), with endowment
    e_t per type in the typed variant.  Linear aggregative (alpha = r/N, h(x) = e_t - x).
    """
    tc = _types(4 if n is None and counts is None else n, counts)
    N = sum(tc)
    r_f = _F(r, "r")
    es = _per_type(e, len(tc), "e")
    if not 1 < r_f < N:
        raise ParameterError(f"a public goods dilemma needs 1 < r < n, got r={r_f}, n={N}")
    if any(v <= 0 for v in es):
        raise ParameterError(f"endowments must be positive, got {[str(v) for v in es]}")
    return AggregativeGame(tc, [[0, v] for v in es], poly=[{(0, 0): v, (1, 0): -1, (0, 1): r_f / N} for v in es],
                           title=f"Linear public goods ({_suffix(tc)}, r={r_f}, e={'|'.join(map(str, es))})")


def binary_public_good_compact(n: Any = None, b: Any = 1, c: Any = "5/2", counts: Any = None) -> AggregativeGame:
    """Binary public good: u_i = b_t X - c_t x_i, x_i in {0, 1} (``Keep``, ``Contribute``), X the contributors.

    As :func:`contract_theory.games.library.binary_public_good`, with b_t, c_t per type in the
    typed variant.  Linear aggregative (alpha = b_t, h(x) = -c_t x).
    """
    tc = _types(4 if n is None and counts is None else n, counts)
    bs, cs = _per_type(b, len(tc), "b"), _per_type(c, len(tc), "c")
    if any(v <= 0 for v in bs + cs):
        raise ParameterError("a binary public good needs b > 0 and c > 0")
    return AggregativeGame(tc, [[0, 1]] * len(tc), poly=[{(0, 1): bt, (1, 0): -ct} for bt, ct in zip(bs, cs)],
                           labels=[("Keep", "Contribute")] * len(tc),
                           title=f"Binary public good ({_suffix(tc)}, b={'|'.join(map(str, bs))}, "
                                 f"c={'|'.join(map(str, cs))})")


def n_prisoners_dilemma_compact(n: Any = None, b: Any = 3, c: Any = 1, counts: Any = None) -> AggregativeGame:
    """N-player prisoner's dilemma: u_i = b (cooperators other than i)/(N-1) - c_t [i cooperates].

    As :func:`contract_theory.games.library.n_prisoners_dilemma`; typed: cost c_t per type.
    Linear aggregative with x = 1 for ``C``: alpha = b/(N-1), h(x) = -(b/(N-1) + c_t) x.
    """
    tc = _types(3 if n is None and counts is None else n, counts)
    N = sum(tc)
    if N < 2:
        raise ParameterError("an N-player prisoner's dilemma needs n >= 2")
    b_f = _F(b, "b")
    cs = _per_type(c, len(tc), "c")
    if not all(0 < v < b_f for v in cs):
        raise ParameterError(f"an N-player prisoner's dilemma needs 0 < c < b, got b={b_f}, c={[str(v) for v in cs]}")
    beta = b_f / (N - 1)
    return AggregativeGame(tc, [[1, 0]] * len(tc), poly=[{(0, 1): beta, (1, 0): -beta - v} for v in cs],
                           labels=[("C", "D")] * len(tc),
                           title=f"{N}-player prisoner's dilemma (b={b_f}, c={'|'.join(map(str, cs))})")


def _binary(tc: list[int], labels: tuple[str, str], f: Callable[[int, int, int], Any], title: str) -> AnonymousGame:
    """A typed anonymous game on two actions whose payoff depends on the total count on action 0."""
    def pay(t: int, b: int, c: Counts) -> Any:
        return f(t, b, sum(row[0] for row in c))
    return AnonymousGame(tc, [labels] * len(tc), pay, title=title)


def n_stag_hunt_compact(n: Any = None, m: Any = None, stag: Any = 4, hare: Any = 3,
                        counts: Any = None) -> AnonymousGame:
    """Threshold stag hunt: a stag hunter gets ``stag`` if at least m hunt stag (else 0), a hare hunter ``hare``."""
    tc = _types(3 if n is None and counts is None else n, counts)
    N = sum(tc)
    mm = N if m is None else integer_parameter(m, "m", 1)
    s, h = _F(stag, "stag"), _F(hare, "hare")
    if not 1 <= mm <= N or not s > h > 0:
        raise ParameterError(f"an N-player stag hunt needs 1 <= m <= n and stag > hare > 0; got m={mm}, n={N}, "
                             f"stag={s}, hare={h}")
    return _binary(tc, ("Stag", "Hare"), lambda t, b, k: (s if k >= mm else 0) if b == 0 else h,
                   f"{N}-player stag hunt (m={mm})")


def volunteers_dilemma_compact(n: Any = None, b: Any = 2, c: Any = 1, counts: Any = None) -> AnonymousGame:
    """Volunteer's dilemma: u_i = b [someone volunteers] - c_t [i volunteers]; typed: cost per type."""
    tc = _types(3 if n is None and counts is None else n, counts)
    b_f = _F(b, "b")
    cs = _per_type(c, len(tc), "c")
    if not all(0 < v < b_f for v in cs):
        raise ParameterError(f"a volunteer's dilemma needs 0 < c < b, got b={b_f}, c={[str(v) for v in cs]}")
    return _binary(tc, ("Volunteer", "Ignore"), lambda t, a, k: b_f * (k >= 1) - cs[t] * (a == 0),
                   f"Volunteer's dilemma ({_suffix(tc)}, b={b_f}, c={'|'.join(map(str, cs))})")


def el_farol_compact(n: Any = 5, capacity: Any = 3) -> AnonymousGame:
    """El Farol: going pays +1 when attendance <= capacity and -1 otherwise; staying pays 0."""
    tc = _types(n, None)
    cap = integer_parameter(capacity, "capacity", 0)
    return _binary(tc, ("Go", "Stay"), lambda t, a, k: (1 if k <= cap else -1) if a == 0 else 0,
                   f"El Farol (n={tc[0]}, capacity={cap})")


def commons_compact(n: Any = 3, capacity: Any = 12, grid: Any = (0, 1, 2, 3, 4)) -> AggregativeGame:
    """Commons: u_i = x_i (capacity - X)/capacity on an extraction grid (aggregative, not linear)."""
    tc = _types(n, None)
    K = _F(capacity, "capacity")
    if K <= 0:
        raise ParameterError(f"capacity must be positive, got {K}")
    q = [_F(v, "grid") for v in (grid if isinstance(grid, (list, tuple)) else [grid])]
    return AggregativeGame(tc, [q], poly=[{(1, 0): 1, (1, 1): -1 / K}], title=f"Commons (n={tc[0]}, capacity={K})")


def cournot_compact(n: Any = 2, a: Any = 12, c: Any = 0, grid: Any = (0, 2, 3, 4, 6)) -> AggregativeGame:
    """Cournot on a grid: u_i = q_i (max(a - Q, 0) - c) (aggregative with a kinked price)."""
    tc = _types(n, None)
    a_f, c_f = _F(a, "a"), _F(c, "c")
    q = [_F(v, "grid") for v in (grid if isinstance(grid, (list, tuple)) else [grid])]
    return AggregativeGame(tc, [q], fn=lambda t, x, X: x * (max(a_f - X, Fraction(0)) - c_f),
                           title=f"Cournot (n={tc[0]}, a={a_f}, c={c_f})", player_prefix="F")


def iea(n: Any = None, b: Any = 1, c: Any = 1, counts: Any = None) -> AggregativeGame:
    """Emissions abatement (Barrett 1994; Carraro and Siniscalco 1993): u_i = b Q - (c/2) q_i^2.

    q_i in {0, b/c, 2b/c, ..., N b/c}, Q the total abatement.  Linear aggregative: a
    non-signatory abates b/c (dominant), a k-bloc's members k b/c each, and the stability
    function F(k) = pi_s(k) - pi_n(k-1) = -(b^2/2c)(k-1)(k-3) makes 3 the stable size
    (``docs/background/model.md#8-compact-games``).  Typed: b_t, c_t per type,
    each type on its own grid {0, b_t/c_t, ..., N b_t/c_t}.
    """
    tc = _types(4 if n is None and counts is None else n, counts)
    N = sum(tc)
    bs, cs = _per_type(b, len(tc), "b"), _per_type(c, len(tc), "c")
    if any(v <= 0 for v in bs + cs):
        raise ParameterError("iea needs b > 0 and c > 0")
    return AggregativeGame(tc, [[k * bt / ct for k in range(N + 1)] for bt, ct in zip(bs, cs)],
                           poly=[{(0, 1): bt, (2, 0): -ct / 2} for bt, ct in zip(bs, cs)],
                           title=f"Emissions abatement ({_suffix(tc)}, b={'|'.join(map(str, bs))}, "
                                 f"c={'|'.join(map(str, cs))})")


#: Spec name -> compact builder.
COMPACT_GAMES: dict[str, Callable[..., AnonymousGame]] = {
    "public_goods": public_goods_compact,
    "binary_public_good": binary_public_good_compact,
    "n_prisoners_dilemma": n_prisoners_dilemma_compact,
    "n_stag_hunt": n_stag_hunt_compact,
    "volunteers_dilemma": volunteers_dilemma_compact,
    "el_farol": el_farol_compact,
    "commons": commons_compact,
    "cournot": cournot_compact,
    "iea": iea,
}


def wants_compact(name: str, params: dict[str, Any], flag: bool | None = None) -> bool:
    """Whether a spec's game is built compact (see the module docstring); ``flag`` is ``compact=``.

    Examples
    --------
    >>> wants_compact("public_goods", {"n": 200}), wants_compact("public_goods", {"n": 4})
    (True, False)
    """
    if name not in COMPACT_GAMES:
        return False
    if flag is not None:
        return flag
    if name == "iea" or "counts" in params:
        return True
    n = params.get("n")
    try:
        return n is not None and int(Fraction(n)) > COMPACT_ABOVE
    except (TypeError, ValueError):
        return False



def compact_from_spec(spec: str) -> tuple[AnonymousGame | None, str]:
    """Build the compact game a spec asks for, or ``(None, spec)`` for the dense path.

    The returned spec has ``compact=`` removed.  ``compact=false`` on a compact-only name
    (``iea``) gives the compact game's dense form via ``to_dense`` at the caller.  The spec is
    read by :func:`contract_theory.games.specs.parse_spec` (a key given twice is an error).

    Examples
    --------
    >>> g, _ = compact_from_spec("iea:n=100,b=1,c=1")
    >>> g.n_players
    100
    >>> compact_from_spec("public_goods:n=4,compact=false")
    (None, 'public_goods:n=4')
    """
    name, raw = parse_spec(spec)
    flag: bool | None = None
    if "compact" in raw:
        text = raw.pop("compact")
        flag = text == "true" if text in ("true", "false") else None
        if flag is None:
            raise ParameterError(f"compact= takes true or false, got {text!r}")
    stripped = name + (":" + ",".join(f"{k}={v}" for k, v in raw.items()) if raw else "")
    params = {k: spec_parameter(name, k, v) for k, v in raw.items() if k in ("n", "counts")}
    if not wants_compact(name, params, flag):
        return None, stripped
    return build_named(name, raw, COMPACT_GAMES, what="compact game", int_params=("counts",)), stripped
