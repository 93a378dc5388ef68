r"""The partition function of a game: v(B; pi) for every structure pi with blocks of at most K.

Definition (``docs/background/formation.md#the-partition-function``).  For a coalition structure
pi (a partition of the players into blocks of at most K members) every block B acts as one bloc
maximizing its members' total and the blocks play the equilibrium of
:func:`~contract_theory.contracting.modifications.coalition_structures.structure_outcome`
(``rules.timing``: ``"nash"``, the blocks move simultaneously; ``"stackelberg"``, the contracts
lead and the singletons follow; ``rules.selection`` among the equilibria, with its tie rule).
v(B; pi) is B's total raw payoff at that outcome (before sharing).  A structure whose blocks'
game has no pure equilibrium has no values (``None``) and makes the function incomplete.

By composition.  In a symmetric dense game and in a compact game the values of a structure
depend, up to relabelling, only on its class (the members per type of its blocks), so one
structure per class is solved (:mod:`~contract_theory.contracting.modifications.structure_classes`),
and :meth:`PartitionFunction.block_value` answers any labelled structure (relabelled from its
class when the class's outcome is untied, solved directly otherwise).

Complexity: one structure solve (O(n prod m_i) dense, O(blocks) linear compact) per structure,
or per class by composition; ``rules.budgets.max_structures`` bounds the count, refused first.

Examples
--------
>>> from contract_theory.games.library import cournot
>>> pf = partition_function(cournot(3, 12, 0, (2, 3)), 3, Rules(timing="nash"))
>>> len(pf.values), pf.by_composition, pf.n_structures
(3, True, 5)
>>> [(s, [str(v) for v in vals]) for s, vals in pf.values.items()][:2]
[(((0, 1, 2),), ['36']), (((0, 1), (2,)), ['20', '12'])]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from contract_theory.contracting.coalitions.partial_contracts import check_k
from contract_theory.contracting.coalitions.rules import Rules
from contract_theory.contracting.modifications.coalition_structures import (
    Structure,
    StructureEngine,
    solve_structures,
    structure_engine,
)
from contract_theory.contracting.modifications.shared import SolverRecord
from contract_theory.errors import ParameterError

__all__ = ["PartitionFunction", "partition_function", "check_structure", "player_names"]


def player_names(game: Any) -> tuple[str, ...]:
    """The players' names of any kind of game (``game.players``)."""
    return tuple(str(p) for p in game.players)


def check_structure(structure: Any, n: int) -> Structure:
    """A structure as a sorted tuple of sorted blocks, or a :class:`~contract_theory.errors.ParameterError`.

    Examples
    --------
    >>> check_structure([[2], [1, 0]], 3)
    ((0, 1), (2,))
    """
    try:
        blocks = tuple(sorted(tuple(sorted(int(i) for i in b)) for b in structure))
    except (TypeError, ValueError):
        raise ParameterError(f"a coalition structure is a list of blocks of player indices, got {structure!r}") from None
    if sorted(i for b in blocks for i in b) != list(range(n)) or any(not b for b in blocks):
        raise ParameterError(f"{[list(b) for b in blocks]} is not a partition of the players 0..{n - 1}")
    return blocks


@dataclass(frozen=True)
class PartitionFunction(SolverRecord):
    """v(B; pi) for every structure with blocks of at most K (module docstring).

    ``values[pi]`` lists each block's value in the order of ``pi`` (``None`` when pi's blocks'
    game has no pure equilibrium); by composition (``by_composition``) the keys are the classes'
    canonical structures and ``multiplicity[pi]`` says how many labelled structures each stands for.
    """

    n: int
    k: int
    players: tuple[str, ...]
    timing: str
    selection: str
    values: dict[Structure, tuple[Fraction, ...] | None]
    by_composition: bool = False
    multiplicity: dict[Structure, int] = field(default_factory=dict, compare=False)
    engine: StructureEngine | None = field(default=None, compare=False, repr=False)

    @property
    def n_structures(self) -> int:
        """Labelled structures covered."""
        return sum(self.multiplicity.get(s, 1) for s in self.values)

    def outcome_values(self, structure: Any) -> tuple[Fraction, ...] | None:
        """The values of every block of any labelled structure (blocks of any size), in structure order."""
        s = check_structure(structure, self.n)
        if s in self.values:
            return self.values[s]
        if self.engine is None:
            raise ParameterError(f"structure {[list(b) for b in s]} is not in this partition function")
        return self.engine.outcome(s).block_values()

    def block_value(self, block: Any, structure: Any) -> Fraction | None:
        """v(B; pi) for a block B of a labelled structure pi."""
        s = check_structure(structure, self.n)
        b = tuple(sorted(int(i) for i in block))
        if b not in s:
            raise ParameterError(f"{list(b)} is not a block of {[list(x) for x in s]}")
        vals = self.outcome_values(s)
        return None if vals is None else vals[s.index(b)]


def partition_function(game: Any, k: int, rules: Rules = Rules(), *, use_symmetry: bool = True) -> PartitionFunction:
    """The partition function of ``game`` with blocks of at most ``k`` (module docstring).

    ``game``: a normal-form or compact game.  ``rules``: ``timing`` and ``selection`` (the
    blocks' equilibrium), ``budgets.max_structures``.  ``use_symmetry=False`` enumerates
    labelled structures even in a symmetric game.

    Examples
    --------
    >>> from contract_theory.games.compact_library import public_goods_compact
    >>> pf = partition_function(public_goods_compact(100, 3, 1), 3)   # no block of <= 3 contributes
    >>> len(pf.values), str(pf.block_value(range(3), [range(3)] + [[i] for i in range(3, 100)]))
    (884, '3')
    """
    check_k(game, k)
    limit = rules.budgets.max_structures
    engine = structure_engine(game, rules, use_symmetry=use_symmetry)
    outs, mult, _ = solve_structures(engine, k, limit)
    values = {s: o.block_values() for s, o in outs.items()}
    missing = sum(mult.get(s, 1) for s, v in values.items() if v is None)
    notes = [f"{missing} structures have no pure equilibrium between their blocks (no values)"] if missing else []
    method = ("by composition: one structure per class" if mult else "enumeration of coalition structures")
    return PartitionFunction(game.n_players, k, player_names(game), rules.timing, rules.selection, values, bool(mult),
                             mult, engine, method=method, payoffs_exact=bool(getattr(game, "exact", True)),
                             complete=not missing, notes=tuple(notes),
                             parameters={"k": k, "timing": rules.timing, "selection": rules.selection,
                                         "max_structures": limit})
