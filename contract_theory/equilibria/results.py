"""Result objects shared by the solvers.

Every ``*_solve`` function returns a result object in the style of pygambit's: it records the
method, whether the arithmetic was exact, the parameters it was called with, whether the answer
is known to be complete, and notes -- so a result can be reproduced and cited.  The fields every
result has are listed by the :class:`SolverResult` protocol; equilibrium lists are
:class:`EquilibriumResult` (``pure_nash_solve``, ``vertex_enumeration_solve``,
``nplayer_mixed_solve``, ``mpe_solve``), welfare ranges over correlated equilibria are
:class:`~contract_theory.equilibria.correlated.CorrelatedResult`.

Exactness has two named meanings, the same in every result:

- ``exact``: every number in the result was computed in exact rational (or exact algebraic)
  arithmetic; floats, if any were used, only screened candidates that were then verified exactly.
- ``payoffs_exact``: the game's payoffs were given exactly (``False`` when the input held floats,
  which are then read as their exact binary values, see ``docs/background/model.md#1-games``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Protocol, runtime_checkable

from contract_theory.exact.numbers import fmt

__all__ = ["MixedProfile", "EquilibriumResult", "SolverResult"]


@runtime_checkable
class SolverResult(Protocol):
    """What every ``*_solve`` result records (see the module docstring for the two exactness flags).

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> from contract_theory.equilibria.pure import pure_nash_solve
    >>> isinstance(pure_nash_solve(prisoners_dilemma()), SolverResult)
    True
    """

    @property
    def method(self) -> str: ...

    @property
    def exact(self) -> bool: ...

    @property
    def payoffs_exact(self) -> bool: ...

    @property
    def complete(self) -> bool: ...

    @property
    def parameters(self) -> dict[str, Any]: ...

    @property
    def notes(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class MixedProfile:
    """A mixed profile: one exact probability vector per player.

    Examples
    --------
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
    method
        Name of the algorithm (e.g. ``"pure-enumeration"``, ``"vertex-enumeration"``).
    exact
        ``True`` when every number was computed in exact arithmetic (module docstring).
    equilibria
        The equilibria, in a documented deterministic order.
    complete
        ``True`` when the list is provably the full set the method promises.
    parameters
        The arguments the method was called with (not compared by ``==``: two results
        listing the same equilibria by the same method are equal however they were called).
    notes
        Facts the caller must know (degeneracy, continua, size limits hit, ...).
    payoffs_exact
        ``True`` when the game's payoffs were exact (module docstring).

    The result is a sequence of its equilibria: ``len(r)``, ``r[k]``, ``for e in r``.
    """

    method: str
    exact: bool
    equilibria: tuple[Any, ...]
    complete: bool = True
    parameters: dict[str, Any] = field(default_factory=dict, compare=False)
    notes: tuple[str, ...] = ()
    payoffs_exact: bool = True

    def __len__(self) -> int:
        return len(self.equilibria)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.equilibria)

    def __getitem__(self, k: int) -> Any:
        return self.equilibria[k]
