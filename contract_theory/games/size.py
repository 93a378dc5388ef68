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
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from contract_theory.errors import ParameterError, SizeLimitError

__all__ = ["DEFAULT_MAX_ENTRIES", "PROGRESS_ENTRIES", "max_entries", "size_limit", "check_size",
           "payoff_entries", "check_payoff_tensor", "check_markov_tensors", "progress", "WAY_OUT"]

#: Default budget, in table cells, for anything built over joint actions: 2**22 = 4,194,304
#: cells, e.g. the exact payoff tensor of a 2-action game of 17 players (2**17 profiles x 17
#: players = 2,228,224 cells; about 30-60 s to build on one core) -- one more player
#: (2**18 x 18 = 4.7M cells) is refused.  Raise it with ``--max-entries`` or :func:`size_limit`.
DEFAULT_MAX_ENTRIES: int = 2**22

#: Work on at least this many cells (e.g. any game of 10**5 or more profiles) reports progress on stderr.
PROGRESS_ENTRIES: int = 10**5

_LIMIT: ContextVar[int] = ContextVar("contract_theory_max_entries", default=DEFAULT_MAX_ENTRIES)

#: The way out, named in every refusal.
WAY_OUT = ("use a compact game (anonymous/aggregative, see docs) or raise the limit with --max-entries N "
           "(contract_theory.games.size.size_limit in Python)")


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
    :data:`WAY_OUT`).  Returns ``entries``.  O(1).

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


def payoff_entries(shape: Iterable[int], n_players: int | None = None) -> int:
    """Cells of the payoff tensor: ``prod(shape) * n_players`` (default ``len(shape)``), exact.

    Examples
    --------
    >>> payoff_entries([2] * 40)
    43980465111040
    """
    shape = [int(m) for m in shape]
    return math.prod(shape) * (len(shape) if n_players is None else int(n_players))


def check_payoff_tensor(shape: Iterable[int], what: str = "payoff tensor", n_players: int | None = None,
                        way_out: str = WAY_OUT) -> int:
    """:func:`check_size` on the payoff tensor of a game of this action shape; reports progress
    for large ones.  Called by every game builder before it allocates.  Returns the cell count.

    Examples
    --------
    >>> check_payoff_tensor((2, 2))
    8
    """
    shape = [int(m) for m in shape]
    n = len(shape) if n_players is None else int(n_players)
    entries = payoff_entries(shape, n)
    check_size(what, entries, f"{_num(math.prod(shape))} profiles x {n} players", way_out)
    progress(f"building the {what}: {_num(math.prod(shape))} profiles x {n} players", entries)
    return entries


def check_markov_tensors(n_states: int, shape: Iterable[int], what: str = "Markov game tensors") -> int:
    """:func:`check_size` on a Markov game's rewards and transitions: ``S * prod(m_i) * (n + S)``
    cells (``docs/background/model.md#1-games``).  Returns the cell count.

    Examples
    --------
    >>> check_markov_tensors(2, (2, 2))
    32
    """
    shape = [int(m) for m in shape]
    S, n, prof = int(n_states), len(shape), math.prod(shape)
    entries = S * prof * (n + S)
    check_size(what, entries, f"{S} states x {_num(prof)} joint actions x ({n} players + {S} next states)")
    progress(f"building the {what}", entries)
    return entries


def progress(message: str, entries: int) -> None:
    """Write ``message`` to stderr when the work is large (``entries >= PROGRESS_ENTRIES``)."""
    if entries >= PROGRESS_ENTRIES:
        sys.stderr.write(f"contract-theory: {message} ({_num(entries)} cells)...\n")
        sys.stderr.flush()


def _num(x: int) -> str:
    """``1234567`` -> ``'1,234,567'``; very large numbers in scientific form."""
    return f"{x:,}" if x < 10**15 else f"{x:.3e}"
