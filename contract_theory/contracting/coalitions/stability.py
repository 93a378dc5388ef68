r"""Internal and external stability of coalitions (docs/background/model.md#4-partial-contracts).

Following d'Aspremont, Jacquemin, Gabszewicz & Weymark (1983), Carraro & Siniscalco
(1993) and Barrett (1994): with v_i(S) the payoff of player i when coalition S forms
(a member's share under the sharing rule, an outsider's own payoff),

* S is **internally stable** if no member gains by leaving:  v_i(S) >= v_i(S \ {i}) for
  every i in S, where a coalition of one member is no agreement (the no-contract outcome);
* S is **externally stable** if no outsider gains by joining:  v_j(S) >= v_j(S u {j}) for
  every j not in S with |S| + 1 <= K (a coalition cannot grow beyond K).

The definition is per player: player i is compared with *its own* payoff in the other
coalition's outcome.  :func:`coalition_stability` is the one implementation, for every kind of
game: it reads v_i(T) through a function the coalition adapter provides
(:meth:`contract_theory.contracting.coalitions.bloc.BlocGame.stability_value`), so a compact game's
composition is decided player by player exactly as the dense game's coalition.

Which inequalities are strict is the ``tie`` parameter, because textbook models sit
exactly on ties:

========== =================== =================== ==========================================
``tie``    internal             external            reading
========== =================== =================== ==========================================
inside     v_i(S) >= v_i(S\i)  v_j(S) > v_j(S+j)   an indifferent agent prefers to be inside
outside    v_i(S) > v_i(S\i)   v_j(S) >= v_j(S+j)  an indifferent agent prefers to be outside
both-weak  >=                  >=
both-strict >                  >
========== =================== =================== ==========================================
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction

from contract_theory.contracting.coalitions.bloc import StabilityValue
from contract_theory.contracting.coalitions.rules import TIES
from contract_theory.errors import ParameterError

__all__ = ["StabilityCheck", "coalition_stability", "prefers_stay", "strictness"]

# tie -> (internal strict?, external strict?)
_STRICT = {"inside": (False, True), "outside": (True, False), "both-weak": (False, False),
           "both-strict": (True, True)}


@dataclass(frozen=True)
class StabilityCheck:
    """Stability of one coalition, with the agent that breaks it when it fails.

    ``coalition`` is the coalition's key (its members; a compact game's composition);
    ``internal_witness`` = (member, payoff inside, payoff after leaving);
    ``external_witness`` = (outsider, payoff outside, payoff after joining), players by index.
    ``None`` values mean undefined (an outcome without a pure equilibrium).

    Examples
    --------
    >>> StabilityCheck((0, 1), True, None).stable is None
    True
    """

    coalition: tuple[int, ...]
    internal: bool | None
    external: bool | None
    internal_witness: tuple[int, Fraction, Fraction] | None = None
    external_witness: tuple[int, Fraction, Fraction] | None = None

    @property
    def stable(self) -> bool | None:
        """Internally and externally stable (``None`` when either is undefined)."""
        if self.internal is None or self.external is None:
            return None
        return self.internal and self.external


def prefers_stay(inside: Fraction, outside: Fraction, strict: bool) -> bool:
    """Whether an agent stays where it is: ``inside`` beats ``outside`` (strictly when ``strict``).

    Examples
    --------
    >>> prefers_stay(Fraction(1), Fraction(1), False), prefers_stay(Fraction(1), Fraction(1), True)
    (True, False)
    """
    return inside > outside if strict else inside >= outside


def strictness(tie: str) -> tuple[bool, bool]:
    """(internal inequality strict?, external inequality strict?) of a tie rule (the table above).

    Examples
    --------
    >>> [strictness(t) for t in ("inside", "outside", "both-weak", "both-strict")]
    [(False, True), (True, False), (False, False), (True, True)]
    """
    if tie not in _STRICT:
        raise ParameterError(f"unknown tie rule {tie!r}; choose one of {list(TIES)}")
    return _STRICT[tie]


def _first_mover(
    movers: Iterable[int], here: Callable[[int], Fraction | None], there: Callable[[int], Fraction | None],
    strict: bool,
) -> tuple[bool | None, tuple[int, Fraction, Fraction] | None]:
    """(everyone stays?, the first mover's witness): ``None`` as soon as a payoff is undefined."""
    for i in movers:
        now, then = here(i), there(i)
        if now is None or then is None:
            return None, None
        if not prefers_stay(now, then, strict):
            return False, (i, now, then)
    return True, None


def coalition_stability(
    coalition: tuple[int, ...], players: tuple[int, ...], value: StabilityValue, n_players: int, k: int,
    tie: str = "inside", *, movers: tuple[Iterable[int], Iterable[int]] | None = None,
) -> StabilityCheck:
    """Internal and external stability of the coalition of ``players`` (sorted indices), per player.

    ``value(T, i)`` is v_i(T) for any coalition T (sorted indices; |T| < 2 is no agreement, the
    no-contract payoff), ``None`` when undefined; ``coalition`` is the key recorded in the result;
    ``movers`` = (members, outsiders) to test, in increasing order (default: every member and
    every outsider; an adapter may pass one player per class of equivalent players).  Members are
    tested for leaving, then, when |S| < ``k``, outsiders for joining; the first who moves is the
    witness.  Complexity: O(n) calls of ``value``.

    Examples
    --------
    >>> F = Fraction
    >>> pay = {(0, 1): (F(3), F(3), F(1)), (0, 1, 2): (F(2), F(2), F(2)), (): (F(1), F(1), F(1))}
    >>> v = lambda T, i: pay[T if len(T) >= 2 else ()][i]
    >>> coalition_stability((0, 1), (0, 1), v, 3, 3, "inside").stable   # 2 joining would get 2 > 1
    False
    """
    strict_in, strict_out = strictness(tie)
    inside, outside = movers if movers is not None else (players, [j for j in range(n_players) if j not in players])
    if not players or value(players, players[0]) is None:
        return StabilityCheck(coalition, None, None)

    def here(i: int) -> Fraction | None:
        return value(players, i)

    internal, iw = _first_mover(inside, here, lambda i: value(tuple(m for m in players if m != i), i), strict_in)
    external: bool | None = True
    ew = None
    if len(players) < k:  # j stays out if being outside is (strictly) better than joining
        external, ew = _first_mover(outside, here, lambda j: value(tuple(sorted(players + (j,))), j), strict_out)
    return StabilityCheck(coalition, internal, external, iw, ew)
