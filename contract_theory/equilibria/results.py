"""Result objects shared by the solvers.

Every ``*_solve`` function returns an :class:`EquilibriumResult` that records the method,
whether the arithmetic was exact, the parameters it was called with, and whether the list
is known to be complete — so a result can be reproduced and cited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from contract_theory.exact.numbers import fmt

__all__ = ["MixedProfile", "EquilibriumResult"]


@dataclass(frozen=True)
class MixedProfile:
    """A mixed profile: one exact probability vector per player.

    >>> p = MixedProfile.from_lists([[1, 0], ["1/2", "1/2"]])
    >>> p.support(1), p.is_pure()
    ((0, 1), False)
    """

    strategies: tuple[tuple[Fraction, ...], ...]

    @classmethod
    def from_lists(cls, strategies: Sequence[Sequence[Any]]) -> MixedProfile:
        return cls(tuple(tuple(Fraction(p) for p in s) for s in strategies))

    @classmethod
    def from_pure(cls, profile: Sequence[int], shape: Sequence[int]) -> MixedProfile:
        """The degenerate mixed profile that plays ``profile`` with probability 1."""
        return cls(tuple(tuple(Fraction(int(k == a)) for k in range(m)) for a, m in zip(profile, shape)))

    def support(self, player: int) -> tuple[int, ...]:
        return tuple(k for k, p in enumerate(self.strategies[player]) if p != 0)

    def is_pure(self) -> bool:
        return all(len(self.support(i)) == 1 for i in range(len(self.strategies)))

    def pure_profile(self) -> tuple[int, ...]:
        if not self.is_pure():
            raise ValueError("profile is not pure")
        return tuple(self.support(i)[0] for i in range(len(self.strategies)))

    def as_strings(self) -> list[list[str]]:
        return [[fmt(p) for p in s] for s in self.strategies]


@dataclass(frozen=True)
class EquilibriumResult:
    """Equilibria found by one method.

    Attributes
    ----------
    method : name of the algorithm (e.g. ``"pure-enumeration"``, ``"vertex-enumeration"``).
    exact : ``True`` when every number was computed in exact rational arithmetic.
    equilibria : the equilibria, in a documented deterministic order.
    complete : ``True`` when the list is provably the full set the method promises.
    parameters : the arguments the method was called with.
    notes : facts the caller must know (degeneracy, continua, size limits hit, ...).
    """

    method: str
    exact: bool
    equilibria: tuple[Any, ...]
    complete: bool = True
    parameters: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.equilibria)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.equilibria)

    def __getitem__(self, k: int) -> Any:
        return self.equilibria[k]
