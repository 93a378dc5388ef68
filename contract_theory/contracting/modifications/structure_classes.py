r"""Coalition structures by composition: classes of structures of games with exchangeable players.

Definition (``docs/background/modifications.md#several-contracts-coalition-structures``).  In a
game whose players come in types and are exchangeable within a type (a symmetric dense game:
one type; a typed anonymous or aggregative compact game: its types), what a coalition
structure reaches depends, up to relabelling the players, only on its **class**: the multiset
of its blocks' *kinds*, a kind being a block's members per type.  With one type a class is an
integer partition of N into parts of at most K; with T types it is a multiset of vectors
(s_1, ..., s_T), 1 <= sum s_t <= K, summing to the type counts.

Conventions.  A kind is a tuple of members per type; a class is a tuple of kinds in
non-increasing order (by size, then lexicographically).  The **canonical structure** of a class
gives its blocks, in class order, the next s_t players of each type (players are numbered type
by type, as in :mod:`contract_theory.games.compact`): for one type, blocks of consecutive players,
the largest first.  A class stands for :func:`class_multiplicity` labelled structures.

Counts.  Partitions of 10 into parts of at most 3: 14 classes for 61,136 structures; of 100 into
parts of at most 3: 884 classes.  :func:`count_structure_classes` counts by dynamic programming
(O(prod_t (n_t + 1) x kinds^2)) before anything is enumerated, so a class count over the budget
is refused at once.

Examples
--------
>>> count_structure_classes((10,), 3), sum(class_multiplicity((10,), c) for c in structure_classes((10,), 3))
(14, 61136)
>>> canonical_structure((4,), ((2,), (1,), (1,)))
((0, 1), (2,), (3,))
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator, Sequence
from functools import cache

from contract_theory.errors import ParameterError, SizeLimitError

__all__ = ["Kind", "StructureClass", "block_kinds", "count_structure_classes", "structure_classes",
           "class_multiplicity", "canonical_structure", "canonical_blocks", "class_of", "player_types", "moved_class",
           "check_class_budget"]

#: Members per type of one block.
Kind = tuple[int, ...]
#: A structure class: the kinds of its blocks in non-increasing order.
StructureClass = tuple[Kind, ...]


def _key(kind: Kind) -> tuple[int, Kind]:
    return sum(kind), kind


def block_kinds(type_counts: Sequence[int], k: int) -> tuple[Kind, ...]:
    """Every kind of block with 1..k members within the type counts, in decreasing order (size, then vector).

    Examples
    --------
    >>> block_kinds((2, 1), 2)
    ((2, 0), (1, 1), (1, 0), (0, 1))
    """
    out: list[Kind] = [()]
    for n in type_counts:
        out = [c + (x,) for c in out for x in range(n + 1)]
    kinds = [c for c in out if 1 <= sum(c) <= k]
    return tuple(sorted(kinds, key=_key, reverse=True))


def _check(type_counts: Sequence[int], k: int) -> tuple[int, ...]:
    tc = tuple(int(n) for n in type_counts)
    if not tc or any(n < 1 for n in tc) or k < 1:
        raise ParameterError(f"need type counts >= 1 and k >= 1, got type counts {list(type_counts)}, k={k}")
    return tc


def count_structure_classes(type_counts: Sequence[int], k: int) -> int:
    """How many structure classes (blocks of at most k members) the type counts have.

    Dynamic programming over (players left per type, smallest kind index allowed).

    Examples
    --------
    >>> count_structure_classes((100,), 3), count_structure_classes((5,), 5)
    (884, 7)
    """
    tc = _check(type_counts, k)
    kinds = block_kinds(tc, k)

    @cache
    def count(left: tuple[int, ...], start: int) -> int:
        if not any(left):
            return 1
        total = 0
        for j in range(start, len(kinds)):
            kd = kinds[j]
            if all(a <= b for a, b in zip(kd, left)):
                total += count(tuple(b - a for a, b in zip(kd, left)), j)
        return total

    return count(tc, 0)


def check_class_budget(type_counts: Sequence[int], k: int, max_structures: int) -> int:
    """The class count, or :class:`~contract_theory.errors.SizeLimitError` when it exceeds ``max_structures``.

    Examples
    --------
    >>> check_class_budget((10,), 3, 100)
    14
    """
    total = count_structure_classes(type_counts, k)
    if total > max_structures:
        raise SizeLimitError(f"{total} classes of coalition structures of {sum(type_counts)} players (types "
                             f"{list(type_counts)}) with blocks of at most {k} exceed max_structures={max_structures}; "
                             "lower K or raise the budget (--max-structures N)")
    return total


def structure_classes(type_counts: Sequence[int], k: int, *, max_structures: int = 10_000) -> Iterator[StructureClass]:
    """Every structure class with blocks of at most k members, each once, in lexicographic order of kinds.

    Raises :class:`~contract_theory.errors.SizeLimitError` when there are more than
    ``max_structures`` (counted first).  Complexity O(classes x blocks).

    Examples
    --------
    >>> list(structure_classes((4,), 2))
    [((2,), (2,)), ((2,), (1,), (1,)), ((1,), (1,), (1,), (1,))]
    """
    tc = _check(type_counts, k)
    check_class_budget(tc, k, max_structures)
    kinds = block_kinds(tc, k)

    def rec(left: tuple[int, ...], start: int, acc: list[Kind]) -> Iterator[StructureClass]:
        if not any(left):
            yield tuple(acc)
            return
        for j in range(start, len(kinds)):
            kd = kinds[j]
            if all(a <= b for a, b in zip(kd, left)):
                acc.append(kd)
                yield from rec(tuple(b - a for a, b in zip(kd, left)), j, acc)
                acc.pop()

    yield from rec(tc, 0, [])


def class_multiplicity(type_counts: Sequence[int], cls: StructureClass) -> int:
    """How many labelled structures a class stands for: prod_t n_t! / (prod_blocks prod_t s_t! x prod_kinds r!).

    Examples
    --------
    >>> class_multiplicity((4,), ((2,), (1,), (1,))), class_multiplicity((4,), ((2,), (2,)))
    (6, 3)
    """
    num = math.prod(math.factorial(n) for n in type_counts)
    den = math.prod(math.factorial(x) for kd in cls for x in kd)
    for kd in set(cls):
        den *= math.factorial(cls.count(kd))
    return num // den


def player_types(type_counts: Sequence[int]) -> tuple[int, ...]:
    """The type of each player (players numbered type by type).

    Examples
    --------
    >>> player_types((2, 1))
    (0, 0, 1)
    """
    return tuple(t for t, n in enumerate(type_counts) for _ in range(n))


def canonical_structure(type_counts: Sequence[int], cls: StructureClass) -> tuple[tuple[int, ...], ...]:
    """The canonical labelled structure of a class (module docstring), as a sorted tuple of sorted blocks.

    Examples
    --------
    >>> canonical_structure((2, 2), ((1, 1), (1, 1)))
    ((0, 2), (1, 3))
    """
    return tuple(b for b, _ in canonical_blocks(type_counts, cls))


def canonical_blocks(type_counts: Sequence[int], cls: StructureClass) -> tuple[tuple[tuple[int, ...], Kind], ...]:
    """The canonical structure's blocks with their kinds, in structure order.

    Examples
    --------
    >>> canonical_blocks((3,), ((2,), (1,)))
    (((0, 1), (2,)), ((2,), (1,)))
    """
    nxt = [sum(type_counts[:t]) for t in range(len(type_counts))]
    out = []
    for kd in cls:
        b: list[int] = []
        for t, x in enumerate(kd):
            b += range(nxt[t], nxt[t] + x)
            nxt[t] += x
        out.append((tuple(sorted(b)), kd))
    return tuple(sorted(out))


def _kind(block: Sequence[int], types: Sequence[int], n_types: int) -> Kind:
    kd = [0] * n_types
    for i in block:
        kd[types[i]] += 1
    return tuple(kd)


def class_of(type_counts: Sequence[int], structure: Sequence[Sequence[int]]) -> StructureClass:
    """The class of a labelled structure.

    Examples
    --------
    >>> class_of((4,), ((0, 3), (1,), (2,)))
    ((2,), (1,), (1,))
    """
    types = player_types(type_counts)
    return tuple(sorted((_kind(b, types, len(type_counts)) for b in structure), key=_key, reverse=True))


def moved_class(cls: StructureClass, source: int, t: int, target: int | None) -> StructureClass:
    """The class after a type-t member of block ``source`` (an index into ``cls``) moves alone
    (``target=None``) or into block ``target``.

    Examples
    --------
    >>> moved_class(((2,), (1,), (1,)), 1, 0, 2)
    ((2,), (2,))
    """
    count = Counter(cls)
    src = cls[source]
    left = tuple(x - (u == t) for u, x in enumerate(src))
    count[src] -= 1
    if target is None:
        count[tuple(int(u == t) for u in range(len(left)))] += 1
    else:
        count[cls[target]] -= 1
        count[tuple(x + (u == t) for u, x in enumerate(cls[target]))] += 1
    if any(left):
        count[left] += 1
    return tuple(kd for kd in sorted(count, key=_key, reverse=True) for _ in range(count[kd]))
