"""Exact numbers: parsing, conversion to integer tables, and formatting.

Payoffs given as ``int``, :class:`fractions.Fraction`, :class:`decimal.Decimal`, sympy
rationals or strings such as ``"8/5"``, ``"0.25"``, ``"-3"``, ``"1e-2"`` are kept exact as
:class:`~fractions.Fraction`.  A Python/numpy ``float`` is accepted but marks the value
*inexact*: it is converted to the exact rational value of its binary representation
(``Fraction(0.1) != Fraction(1, 10)``), and every result computed from it carries
``exact=False``.

The solvers work on *integer tables*: all payoffs of a game multiplied by one common
positive denominator.  Comparisons (best responses, welfare orderings) are then exact
integer comparisons, vectorized by numpy.  Tables use ``int64`` when every intermediate
sum fits comfortably, and numpy ``object`` arrays of Python ints otherwise (exact, slower).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np

from contract_theory.errors import GameError, ParseError
from contract_theory.exact.bounds import number_token_problem, short_token

__all__ = [
    "to_fraction",
    "is_exact_input",
    "fraction_array",
    "integer_table",
    "canonical_table",
    "fractions_of_table",
    "exact_table",
    "IntegerTable",
    "int_times",
    "float_table",
    "common_denominator",
    "fmt",
    "parse_number",
    "INT64_SAFE",
]

#: Largest magnitude we allow in an int64 table, leaving room for sums over many players.
INT64_SAFE = 2**52


def is_exact_input(value: Any) -> bool:
    """Return ``False`` for floats (Python or numpy), ``True`` for every exact kind.

    Examples
    --------
    >>> is_exact_input(3), is_exact_input("8/5"), is_exact_input(0.5)
    (True, True, False)
    """
    return not isinstance(value, (float, np.floating))


def parse_number(text: str) -> Fraction:
    """Parse an exact number written as an integer, a decimal or a fraction ``p/q``.

    Raises :class:`~contract_theory.errors.ParseError` naming the token, also for a token
    beyond the bounds of :mod:`contract_theory.exact.bounds` (checked before converting).

    Examples
    --------
    >>> parse_number("8/5"), parse_number("-0.25"), parse_number("1e2")
    (Fraction(8, 5), Fraction(-1, 4), Fraction(100, 1))
    """
    s = text.strip()
    problem = number_token_problem(s)
    if problem is not None:
        raise ParseError(problem)
    try:
        value = Fraction(s)
    except (ValueError, ZeroDivisionError):
        raise ParseError("not a number", token=text) from None
    return value


def to_fraction(value: Any, *, what: str = "value") -> Fraction:
    """Convert one number to an exact :class:`~fractions.Fraction`.

    Complexity O(1).  NaN, infinities, booleans and non-numbers raise
    :class:`~contract_theory.errors.GameError` naming ``what``.

    Examples
    --------
    >>> to_fraction("8/5"), to_fraction(3), to_fraction(0.5)
    (Fraction(8, 5), Fraction(3, 1), Fraction(1, 2))
    """
    if isinstance(value, (bool, np.bool_)):
        raise GameError(f"{what} is a boolean ({value!r}), not a number")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, (int, np.integer)):
        return Fraction(int(value))
    if isinstance(value, (float, np.floating)):
        f = float(value)
        if not math.isfinite(f):
            raise GameError(f"{what} is not finite ({f!r})")
        return Fraction(f)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise GameError(f"{what} is not finite ({value!r})")
        value = str(value)  # exact; its exponent is bounded like a string's
    if isinstance(value, str):
        problem = number_token_problem(value.strip())
        if problem is not None:
            raise GameError(f"{what}: {problem}")
        try:
            return parse_number(value)
        except ParseError:
            raise GameError(f"{what} {short_token(value)!r} is not a number (use e.g. 3, -0.25 or 8/5)") from None
    # sympy Rational / Integer and anything with numerator/denominator
    num = getattr(value, "p", None), getattr(value, "q", None)
    if isinstance(num[0], int) and isinstance(num[1], int):
        return Fraction(num[0], num[1])
    if hasattr(value, "numerator") and hasattr(value, "denominator"):
        try:
            return Fraction(int(value.numerator), int(value.denominator))
        except (TypeError, ValueError):
            pass
    raise GameError(f"{what} {value!r} of type {type(value).__name__} is not a number")


def fraction_array(values: Any, *, what: str = "payoffs") -> tuple[np.ndarray, bool]:
    """Convert a (possibly nested) array-like of numbers to an object array of Fractions.

    Returns ``(array, exact)`` where ``exact`` is ``False`` if any entry was a float.
    Ragged input raises :class:`GameError`.  Complexity O(size); integer and float numpy
    arrays go through :func:`exact_table` (one Fraction per distinct value).

    Examples
    --------
    >>> arr, exact = fraction_array([[1, "1/2"], [0, 2]])
    >>> arr[0, 1], exact
    (Fraction(1, 2), True)
    """
    if isinstance(values, np.ndarray) and values.dtype.kind in "iubf":
        table, den, exact = exact_table(values, what=what)
        return fractions_of_table(table, den), exact
    if isinstance(values, IntegerTable):
        table, den, exact = exact_table(values, what=what)
        return fractions_of_table(table, den), exact
    raw = _object_array(values, what)
    flat = raw.reshape(-1)
    items = flat.tolist()
    if set(map(type, items)) <= {Fraction, int}:  # exact already (bools are not ints here)
        flat[:] = [v if type(v) is Fraction else Fraction(v) for v in items]
        return raw, True
    exact = True
    for k, v in enumerate(items):
        if not is_exact_input(v):
            exact = False
        try:
            flat[k] = to_fraction(v)
        except GameError:  # say where (the index is formatted only for the message)
            to_fraction(v, what=f"{what} entry {_index(k, raw.shape)}")
            raise
    return raw, exact


def _object_array(values: Any, what: str) -> np.ndarray:
    """``values`` as a numpy object array, refusing ragged nesting (:class:`GameError`).

    numpy leaves a sequence as an element exactly where the nesting is ragged, so the
    recursive check that names the depth runs only then."""
    try:
        raw = np.array(values, dtype=object)
    except ValueError as exc:  # numpy refuses some ragged inputs outright
        raise GameError(f"{what} are ragged: {exc}") from None
    if any(issubclass(k, (list, tuple, np.ndarray)) for k in set(map(type, raw.reshape(-1).tolist()))):
        _check_not_ragged(values, raw.shape, what)
        raise GameError(f"{what} are ragged: sequences of different lengths")
    return raw


@dataclass(frozen=True)
class IntegerTable:
    """Exact numbers given as an integer array over one positive denominator: ``table / denominator``.

    ``table`` has an integer dtype or holds Python ints in an object array; ``exact`` is
    ``False`` when the numbers came from floats.  Every constructor that reads numbers through
    :func:`exact_table` (games, contracts) accepts one, so exact data passes between them
    without a Fraction per entry.

    Examples
    --------
    >>> t, d, exact = exact_table(IntegerTable(np.array([2, 6]), 4))
    >>> t.tolist(), d, exact
    ([1, 3], 2, True)
    """

    table: np.ndarray
    denominator: int = 1
    exact: bool = True


def int_times(table: np.ndarray, factor: int) -> np.ndarray:
    """``table * factor`` exactly: ``int64`` while the products stay below :data:`INT64_SAFE`,
    Python ints in an object array otherwise (numpy's int64 products would wrap silently).

    Examples
    --------
    >>> int_times(np.array([3, -2]), 2 ** 60).dtype, int_times(np.array([3, -2]), 5).tolist()
    (dtype('O'), [15, -10])
    """
    factor = int(factor)
    if table.dtype != object and abs(factor) < INT64_SAFE and (
            not table.size or int(np.abs(table).max()) * abs(factor) < INT64_SAFE):
        return table.astype(np.int64, copy=False) * factor
    return table.astype(object) * factor


def exact_table(values: Any, *, what: str = "payoffs") -> tuple[np.ndarray, int, bool]:
    """The canonical integer table of an array-like of numbers, without a Fraction per entry.

    Returns ``(table, denominator, exact)`` with ``table / denominator`` equal to the values
    (as :func:`fraction_array` reads them), ``table`` and ``denominator`` as
    :func:`canonical_table` gives them, and ``exact`` ``False`` when any entry was a float.
    Paths: an :class:`IntegerTable` is reduced to canonical form; integer numpy arrays are
    copied and range-checked (no per-entry Python work);
    float arrays go through :func:`float_table`; nested lists of Python ints or of floats
    are gathered into a numpy array first; everything else (Fractions, strings, Decimals,
    mixtures) is converted entry by entry with :func:`to_fraction`.  Booleans, NaN and
    infinities raise :class:`GameError`.  Complexity O(size) numpy work on the fast paths.

    Examples
    --------
    >>> t, d, exact = exact_table(np.array([[2, 4], [6, 8]]))
    >>> t.tolist(), d, exact
    ([[2, 4], [6, 8]], 1, True)
    >>> t, d, exact = exact_table([[1, "1/2"], [0.25, 2]])
    >>> t.tolist(), d, exact
    ([[4, 2], [1, 8]], 4, False)
    """
    if isinstance(values, IntegerTable):
        table, den = canonical_table(values.table, values.denominator)
        return table, den, values.exact
    if isinstance(values, np.ndarray) and values.dtype.kind in "iub":
        if values.dtype.kind == "b":
            raise GameError(f"{what} are booleans, not numbers")
        table, den = canonical_table(values, 1)
        return table, den, True
    if isinstance(values, np.ndarray) and values.dtype.kind == "f":
        table, den = float_table(values, what=what)
        return table, den, False
    raw = values if isinstance(values, np.ndarray) and values.dtype == object else _object_array(values, what)
    kinds = set(map(type, raw.reshape(-1).tolist()))
    if kinds and kinds <= {int}:
        table, den = canonical_table(raw, 1)
        return table, den, True
    if kinds and kinds <= {float}:
        table, den = float_table(raw.astype(np.float64), what=what)
        return table, den, False
    if kinds and kinds <= {Fraction, int}:  # ints and Fractions both have numerator/denominator
        table, den = integer_table(raw)
        return table, den, True
    fr, exact = fraction_array(raw, what=what)
    table, den = integer_table(fr)
    return table, den, exact


def float_table(values: np.ndarray, *, what: str = "payoffs") -> tuple[np.ndarray, int]:
    """Canonical integer table of the exact binary values of a float array.

    Each finite float is ``mantissa * 2**exponent`` with an integer mantissa below 2**53
    (:func:`numpy.frexp`), so the values share the denominator ``2**(-smallest exponent)``;
    the table is built with shifts (``int64`` when it fits, Python ints otherwise) and then
    reduced by :func:`canonical_table`.  Equal to :func:`integer_table` of
    ``Fraction(float(v))`` for every entry.  NaN or infinities raise :class:`GameError`
    naming the first index.  Complexity O(size) in numpy (O(size) Python work only when the
    exponents span more than about 52 binary orders).

    Examples
    --------
    >>> t, d = float_table(np.array([0.5, 0.75, 3.0]))
    >>> t.tolist(), d
    ([2, 3, 12], 4)
    """
    finite = np.isfinite(values)
    if not finite.all():
        bad = tuple(int(i) for i in np.argwhere(~finite)[0])  # first offender
        raise GameError(f"{what} entry {bad} is not finite ({float(values[bad])!r})")
    mant, exp = np.frexp(values.astype(np.float64, copy=False))
    m = (mant * 2.0**53).astype(np.int64)          # exact: |mant| < 1 has 53 significant bits
    e = exp.astype(np.int64) - 53
    nonzero = m != 0
    if not nonzero.any():
        return np.zeros(values.shape, dtype=np.int64), 1
    low = np.where(nonzero, m & -m, 1)             # 2**(trailing zero bits): strip them, exactly
    m //= low
    e += np.frexp(low.astype(np.float64))[1] - 1
    base = min(int(e[nonzero].min()), 0)           # common denominator 2**(-base)
    shift = np.where(nonzero, e - base, 0)
    bits = np.frexp(np.abs(m).astype(np.float64))[1]   # bit length of each mantissa (exact below 2**53)
    if int((shift + bits).max()) < 52:
        table: np.ndarray = m << shift
    else:
        flat = np.empty(m.size, dtype=object)
        flat[:] = [mi << si for mi, si in zip(m.reshape(-1).tolist(), shift.reshape(-1).tolist())]
        table = flat.reshape(m.shape)
    return canonical_table(table, 1 << -base)


def common_denominator(tables: Sequence[tuple[np.ndarray, int]]) -> tuple[list[np.ndarray], int]:
    """Integer tables ``(t_k, d_k)`` rescaled to their least common denominator ``D``.

    Returns ``([t_k * (D // d_k)], D)``; a table stays ``int64`` when the rescaled entries
    stay below :data:`INT64_SAFE`, otherwise it becomes an ``object`` array of Python ints.
    Complexity O(total size).

    Examples
    --------
    >>> ts, d = common_denominator([(np.array([1, 3]), 2), (np.array([1]), 3)])
    >>> [t.tolist() for t in ts], d
    ([[3, 9], [2]], 6)
    """
    den = math.lcm(*(int(d) for _, d in tables)) if tables else 1
    return [table if den == int(d) else int_times(table, den // int(d)) for table, d in tables], den


def _index(k: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(int(i) for i in np.unravel_index(k, shape)) if shape else ()


def _check_not_ragged(values: Any, shape: tuple[int, ...], what: str) -> None:
    """Recursively check that nested lists have the lengths numpy inferred."""
    def rec(v: Any, depth: int) -> None:
        if depth == len(shape):
            if isinstance(v, (list, tuple)):
                raise GameError(f"{what} are ragged: sequences of different lengths at depth {depth - 1}")
            return
        if not isinstance(v, (list, tuple, np.ndarray)):
            raise GameError(f"{what} are ragged (a number where a sequence was expected at depth {depth})")
        if len(v) != shape[depth]:
            raise GameError(f"{what} are ragged: length {len(v)} where {shape[depth]} was expected at depth {depth}")
        for item in v:
            rec(item, depth + 1)

    if isinstance(values, (list, tuple)):
        rec(values, 0)


def integer_table(fractions: np.ndarray) -> tuple[np.ndarray, int]:
    """Scale an object array of Fractions to integers with one common denominator.

    Returns ``(table, denominator)`` with ``table / denominator == fractions`` exactly.
    ``table`` is ``int64`` when every entry is below :data:`INT64_SAFE` in magnitude,
    otherwise an ``object`` array of Python ints.  Complexity O(size).

    Examples
    --------
    >>> t, d = integer_table(np.array([Fraction(1, 2), Fraction(2, 3)], dtype=object))
    >>> t.tolist(), d
    ([3, 4], 6)
    """
    flat = list(fractions.reshape(-1))
    den = 1
    for f in flat:
        den = math.lcm(den, f.denominator)
    ints = [f.numerator * (den // f.denominator) for f in flat]
    biggest = max((abs(v) for v in ints), default=0)
    if biggest < INT64_SAFE:
        table: np.ndarray = np.array(ints, dtype=np.int64).reshape(fractions.shape)
    else:
        flat_obj = np.empty(len(ints), dtype=object)
        flat_obj[:] = ints
        table = flat_obj.reshape(fractions.shape)
    return table, den


def canonical_table(table: np.ndarray, denominator: int) -> tuple[np.ndarray, int]:
    """The canonical integer table of the payoffs ``table / denominator``.

    Divides ``table`` and ``denominator`` by their common gcd, so the denominator is the
    least common denominator of the values (the one :func:`integer_table` returns), and
    stores the result as ``int64`` when every entry is below :data:`INT64_SAFE` in
    magnitude, else as an ``object`` array of Python ints.  ``table`` must hold integers
    (an integer dtype or Python ints in an object array); ``denominator`` must be a
    positive integer.  Complexity O(size) (numpy for integer dtypes, one Python pass for
    object arrays).

    Examples
    --------
    >>> t, d = canonical_table(np.array([2, 4, -6]), 4)
    >>> t.tolist(), d
    ([1, 2, -3], 2)
    """
    if isinstance(denominator, bool) or not isinstance(denominator, (int, np.integer)) or denominator < 1:
        raise GameError(f"the denominator must be a positive integer, got {denominator!r}")
    den = int(denominator)
    if table.dtype.kind in "iu" and table.size:
        lo, hi = int(table.min()), int(table.max())
        if max(-lo, hi) < INT64_SAFE:
            t = table.astype(np.int64, copy=False)
            g = 1 if den == 1 else math.gcd(int(np.gcd.reduce(t, axis=None)), den)
            return (t // g if g > 1 else t.copy()), den // g
        table = table.astype(object)
    if table.dtype.kind not in "iuO":
        raise GameError(f"an integer table needs an integer dtype, got {table.dtype}")
    distinct = set(table.reshape(-1).tolist())
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in distinct):
        raise GameError("an integer table must hold Python or numpy integers only")
    g = 1 if den == 1 else math.gcd(den, *distinct)
    small = max((abs(v) for v in distinct), default=0) // g < INT64_SAFE
    ints = table.reshape(-1).tolist()
    if g > 1:
        ints = [v // g for v in ints]
    if small:
        return np.array(ints, dtype=np.int64).reshape(table.shape), den // g
    out = np.empty(len(ints), dtype=object)
    out[:] = ints
    return out.reshape(table.shape), den // g


def fractions_of_table(table: np.ndarray, denominator: int) -> np.ndarray:
    """Object array of the Fractions ``table / denominator``, one Fraction per distinct value.

    Complexity O(size log size) for ``int64`` tables (``np.unique``), O(size) otherwise.

    Examples
    --------
    >>> fractions_of_table(np.array([[3, 1], [3, 0]]), 2)[0].tolist()
    [Fraction(3, 2), Fraction(1, 2)]
    """
    if table.dtype != object:
        values, inverse = np.unique(table, return_inverse=True)
        distinct = np.empty(len(values), dtype=object)
        distinct[:] = [Fraction(v, denominator) for v in values.tolist()]
        return distinct[inverse.reshape(-1)].reshape(table.shape)
    cache: dict[int, Fraction] = {}
    out = np.empty(table.size, dtype=object)
    out[:] = [cache[v] if v in cache else cache.setdefault(v, Fraction(v, denominator))
              for v in table.reshape(-1).tolist()]
    return out.reshape(table.shape)


def fmt(value: Any) -> str:
    """Format an exact number as the shortest exact string: ``"3"``, ``"-21/2"``.

    Floats are formatted with ``repr``.

    Examples
    --------
    >>> fmt(Fraction(21, 2)), fmt(Fraction(4, 2)), fmt(3)
    ('21/2', '2', '3')
    """
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    f = to_fraction(value)
    return str(f.numerator) if f.denominator == 1 else f"{f.numerator}/{f.denominator}"
