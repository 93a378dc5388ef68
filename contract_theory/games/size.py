"""One size budget for everything a computation is about to build (issue 12).

Every builder and solver that allocates a table over joint actions estimates the number of
cells *before* allocating it and calls :func:`check_size`.  The one budget is
:data:`DEFAULT_MAX_ENTRIES` cells (payoff entries, LP matrix entries, coalition solves times
payoff entries, Markov joint policies times states, learning-table entries); above it a
:class:`~contract_theory.errors.SizeLimitError` names the size, the limit and the two ways out:
a compact game (anonymous/aggregative, see docs), whose payoffs depend only on counts and are
never expanded into a tensor, or a larger limit (``--max-entries`` on the command line,
:func:`size_limit` in Python).

Why a count of cells: the exact payoff tensor of ``prod(m_i)`` joint actions and ``n``
players holds ``n * prod(m_i)`` Fractions (about 100 bytes and 10-25 microseconds to build
each), so the cell count predicts both memory and time; the estimate is exact integer
arithmetic on the shape and costs microseconds, so a refusal is immediate.

Work that is allowed but long (above :data:`PROGRESS_ENTRIES` cells) reports its stages on
stderr through :func:`progress`.

Background: ``docs/background/model.md#1-games`` (a game's joint actions A = A_1 x ... x A_n).
"""

from __future__ import annotations

import math
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

from contract_theory.errors import ParameterError, SizeLimitError

__all__ = ["DEFAULT_MAX_ENTRIES", "PROGRESS_ENTRIES", "max_entries", "size_limit", "check_size",
           "payoff_entries", "check_payoff_tensor", "check_grouped_tensor", "check_markov_tensors", "progress",
           "capped_product", "power_text", "fits_budget", "WAY_OUT", "RAISE_LIMIT", "MARKOV_WAY_OUT"]

#: Default budget, in table cells, for anything built over joint actions: 2**22 = 4,194,304
#: cells, e.g. the exact payoff tensor of a 2-action game of 17 players (2**17 profiles x 17
#: players = 2,228,224 cells; about 30-60 s to build on one core) -- one more player
#: (2**18 x 18 = 4.7M cells) is refused.  Raise it with ``--max-entries`` or :func:`size_limit`.
DEFAULT_MAX_ENTRIES: int = 2**22

#: Work on at least this many cells (e.g. any game of 10**5 or more profiles) reports progress on stderr.
PROGRESS_ENTRIES: int = 10**5

_LIMIT: ContextVar[int] = ContextVar("contract_theory_max_entries", default=DEFAULT_MAX_ENTRIES)

#: How to raise the budget, the last way out of every refusal.
RAISE_LIMIT = "raise the limit with --max-entries N (contract_theory.games.size.size_limit in Python)"

#: The way out, named in every refusal of a payoff tensor.
WAY_OUT = f"use a compact game (anonymous/aggregative, see docs) or {RAISE_LIMIT}"

#: The way out of a Markov game's tensors: there is no compact Markov game, so a smaller one.
MARKOV_WAY_OUT = f"use a Markov game with fewer states or joint actions, or {RAISE_LIMIT}"


def max_entries() -> int:
    """The budget in force: :data:`DEFAULT_MAX_ENTRIES` unless :func:`size_limit` changed it.

    Examples
    --------
    >>> max_entries() == DEFAULT_MAX_ENTRIES
    True
    """
    return _LIMIT.get()


@contextmanager
def size_limit(entries: int) -> Iterator[int]:
    """Run a block with a different budget (in cells); restores the previous one after.

    Examples
    --------
    >>> with size_limit(10):
    ...     max_entries()
    10
    """
    if not isinstance(entries, int) or isinstance(entries, bool) or entries < 1:
        raise ParameterError(f"the size limit must be a positive integer number of cells, got {entries!r}")
    token = _LIMIT.set(entries)
    try:
        yield entries
    finally:
        _LIMIT.reset(token)


def check_size(what: str, entries: int, detail: str = "", way_out: str = WAY_OUT) -> int:
    """Refuse, before building it, anything of more than :func:`max_entries` cells.

    ``what`` names the object (``"payoff tensor of public_goods"``), ``detail`` how the count
    arises (``"2**40 profiles x 40 players"``), ``way_out`` what to do instead (default
    :data:`WAY_OUT`).  Returns ``entries``.  O(1) (integer arithmetic; a count of any size is
    formatted without floats).

    Examples
    --------
    >>> check_size("payoff tensor", 8)
    8
    >>> with size_limit(4):
    ...     check_size("payoff tensor", 8, "4 profiles x 2 players")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    contract_theory.errors.SizeLimitError: payoff tensor: 4 profiles x 2 players = 8 cells, above the limit of 4 cells; use...
    """
    limit = max_entries()
    if entries > limit:
        size = f"{detail} = {_num(entries)} cells" if detail else f"{_num(entries)} cells"
        raise SizeLimitError(f"{what}: {size}, above the limit of {_num(limit)} cells; {way_out}")
    return entries


def capped_product(factors: Iterable[int], cap: int) -> int | None:
    """``prod(factors)`` when it is at most ``cap``, else ``None``.

    Multiplies only until the product passes ``cap`` (then a zero factor is still looked for),
    so ``2**1000000`` is never built: O(len(factors)) small multiplications.

    Examples
    --------
    >>> capped_product([2] * 10, 1024), capped_product([2] * 10**6, 10**9), capped_product([2] * 80 + [0], 5)
    (1024, None, 0)
    """
    values = [int(f) for f in factors]
    if 0 in values:
        return 0
    out = 1
    for v in values:
        out *= v
        if out > cap:
            return None
    return out


def power_text(groups: Iterable[tuple[int, int]]) -> str:
    """A product ``m_1^k_1 x m_2^k_2 ...`` of (base, exponent) pairs as text, exact when it is small.

    Examples
    --------
    >>> power_text([(2, 10)]), power_text([(2, 1000000)]), power_text([(3, 2), (2, 60)])
    ('1,024', '2^1000000', '2^60 x 3^2')
    """
    pairs = sorted((int(m), int(k)) for m, k in groups if int(k) > 0 and int(m) != 1)
    exact = _capped_power(pairs, 10**15 - 1)
    if exact is not None:
        return _num(exact)
    return " x ".join(_num(m) if k == 1 else f"{_num(m)}^{k}" for m, k in pairs) or "1"


def _groups(shape: Iterable[int]) -> list[tuple[int, int]]:
    """``(actions, players with that many)`` pairs of an action shape, in ascending order."""
    return sorted(Counter(int(m) for m in shape).items())


def payoff_entries(shape: Iterable[int], n_players: int | None = None) -> int:
    """Cells of the payoff tensor: ``prod(shape) * n_players`` (default ``len(shape)``), exact.

    Examples
    --------
    >>> payoff_entries([2] * 40)
    43980465111040
    """
    shape = [int(m) for m in shape]
    return math.prod(shape) * (len(shape) if n_players is None else int(n_players))


def check_grouped_tensor(groups: Iterable[tuple[int, int]], what: str = "payoff tensor", n_players: int | None = None,
                         way_out: str = WAY_OUT, *, quiet: bool = False) -> int:
    """:func:`check_size` on the payoff tensor of ``k_t`` players with ``m_t`` actions for each
    pair ``(m_t, k_t)`` of ``groups``: ``prod m_t^k_t`` profiles x n players (default
    ``sum k_t``), estimated in integer arithmetic and stopped as soon as it passes the budget
    (a million players cost microseconds, never ``m^1000000``).  Reports progress for large
    ones unless ``quiet``.  Returns the cell count.

    Examples
    --------
    >>> check_grouped_tensor([(2, 3), (3, 1)])
    96
    >>> check_grouped_tensor([(2, 1000000)])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    contract_theory.errors.SizeLimitError: payoff tensor: 2^1000000 profiles x 1,000,000 players, above the limit of ...
    """
    pairs = [(int(m), int(k)) for m, k in groups]
    n = sum(k for _, k in pairs) if n_players is None else int(n_players)
    limit = max_entries()
    profiles = _capped_power(pairs, _SHOWN)  # exact unless astronomically large (then never built)
    if profiles is None or profiles * n > limit:
        cells = "" if profiles is None else f" = {_num(profiles * n)} cells"
        raise SizeLimitError(f"{what}: {power_text(pairs)} profiles x {_num(n)} players{cells}, above the limit of "
                             f"{_num(limit)} cells; {way_out}")
    entries = profiles * n
    if not quiet:
        progress(f"building the {what}: {_num(profiles)} profiles x {n} players", entries)
    return entries


#: Counts up to this size are computed exactly for the message (microseconds); larger ones are not built.
_SHOWN = 1 << 4096


def _capped_power(pairs: Sequence[tuple[int, int]], cap: int) -> int | None:
    """``prod m^k`` over ``pairs`` when at most ``cap`` (else ``None``), without building a big power."""
    if any(m == 0 and k > 0 for m, k in pairs):
        return 0
    out = 1
    for m, k in pairs:
        if m == 1 or k == 0:
            continue
        if k * (m.bit_length() - 1) > cap.bit_length():  # m^k >= 2^(k (bits - 1)) > cap
            return None
        out *= m**k
        if out > cap:
            return None
    return out


def fits_budget(groups: Iterable[tuple[int, int]]) -> bool:
    """Whether the payoff tensor of ``k_t`` players with ``m_t`` actions per pair ``(m_t, k_t)``
    (``prod m_t^k_t`` profiles x ``sum k_t`` players) fits the size budget, in integer arithmetic
    without building a big power (the test behind :func:`check_grouped_tensor`, without raising).

    Examples
    --------
    >>> fits_budget([(2, 3)]), fits_budget([(2, 10**6)])
    (True, False)
    """
    pairs = [(int(m), int(k)) for m, k in groups]
    limit = max_entries()
    profiles = _capped_power(pairs, limit)
    return profiles is not None and profiles * sum(k for _, k in pairs) <= limit


def check_payoff_tensor(shape: Iterable[int], what: str = "payoff tensor", n_players: int | None = None,
                        way_out: str = WAY_OUT, *, quiet: bool = False) -> int:
    """:func:`check_size` on the payoff tensor of a game of this action shape; reports progress
    for large ones (unless ``quiet``).  Called by every game builder before it allocates.
    Returns the cell count.  Integer arithmetic throughout (:func:`check_grouped_tensor`).

    Examples
    --------
    >>> check_payoff_tensor((2, 2))
    8
    """
    return check_grouped_tensor(_groups(shape), what, n_players, way_out, quiet=quiet)


def check_markov_tensors(n_states: int, shape: Iterable[int], what: str = "Markov game tensors") -> int:
    """:func:`check_size` on a Markov game's rewards and transitions: ``S * prod(m_i) * (n + S)``
    cells (``docs/background/model.md#1-games``), in integer arithmetic, before any tensor is
    allocated; a refusal names :data:`MARKOV_WAY_OUT`.  Returns the cell count.

    Examples
    --------
    >>> check_markov_tensors(2, (2, 2))
    32
    """
    groups = _groups(shape)
    S, n = int(n_states), sum(k for _, k in groups)
    limit = max_entries()
    joint = _capped_power(groups, _SHOWN)
    detail = f"{_num(S)} states x {power_text(groups)} joint actions x ({n} players + {_num(S)} next states)"
    if joint is None or S * joint * (n + S) > limit:
        cells = "" if joint is None else f" = {_num(S * joint * (n + S))} cells"
        raise SizeLimitError(f"{what}: {detail}{cells}, above the limit of {_num(limit)} cells; {MARKOV_WAY_OUT}")
    entries = S * joint * (n + S)
    progress(f"building the {what}", entries)
    return entries


def progress(message: str, entries: int) -> None:
    """Write ``message`` to stderr when the work is large (``entries >= PROGRESS_ENTRIES``)."""
    if entries >= PROGRESS_ENTRIES:
        sys.stderr.write(f"contract-theory: {message} ({_num(entries)} cells)...\n")
        sys.stderr.flush()


def _num(x: int) -> str:
    """``1234567`` -> ``'1,234,567'``; from 10^15 on in scientific form (``'4.398e+13'`` style),
    computed from the digits (never a float, so any size works); beyond 4000 digits by bit length.

    Examples
    --------
    >>> _num(1234567), _num(2**60), _num(2**100000)
    ('1,234,567', '1.153e+18', 'about 2^100000')
    """
    x = int(x)
    if abs(x) < 10**15:
        return f"{x:,}"
    if x.bit_length() > 13000:  # more digits than Python prints (4300): say the power of two
        return f"about 2^{x.bit_length() - 1}"
    digits = str(abs(x))
    mantissa, exponent = int(digits[:4]) + (digits[4] >= "5"), len(digits) - 1  # 4 significant digits, rounded
    if mantissa == 10000:
        mantissa, exponent = 1000, exponent + 1
    m = str(mantissa)
    return f"{'-' if x < 0 else ''}{m[0]}.{m[1:]}e+{exponent}"
