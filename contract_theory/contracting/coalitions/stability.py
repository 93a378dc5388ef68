r"""Internal and external stability of coalitions (docs/background/model.md#4-partial-contracts).

Following d'Aspremont, Jacquemin, Gabszewicz & Weymark (1983), Carraro & Siniscalco
(1993) and Barrett (1994): with v_i(S) the payoff of player i when coalition S forms
(a member's share under the sharing rule, an outsider's own payoff),

* S is **internally stable** if no member gains by leaving:  v_i(S) >= v_i(S \ {i}) for
  every i in S, where a coalition of one member is no agreement (the no-contract outcome);
* S is **externally stable** if no outsider gains by joining:  v_j(S) >= v_j(S u {j}) for
  every j not in S with |S| + 1 <= K (a coalition cannot grow beyond K).

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

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from contract_theory.contracting.coalitions.bloc import CoalitionOutcome, Outcome
from contract_theory.contracting.coalitions.rules import TIES, Tie
from contract_theory.errors import ParameterError

__all__ = ["StabilityCheck", "coalition_stability", "prefers_stay", "strictness"]

# tie -> (internal strict?, external strict?)
_STRICT = {"inside": (False, True), "outside": (True, False), "both-weak": (False, False),
           "both-strict": (True, True)}


@dataclass(frozen=True)
class StabilityCheck:
    """Stability of one coalition, with the agent that breaks it when it fails.

    ``internal_witness`` = (member, payoff inside, payoff after leaving);
    ``external_witness`` = (outsider, payoff outside, payoff after joining).
    ``None`` values mean undefined (an outcome without a pure equilibrium).
    """

    coalition: tuple[int, ...]
    internal: bool | None
    external: bool | None
    internal_witness: tuple[int, Fraction, Fraction] | None = None
    external_witness: tuple[int, Fraction, Fraction] | None = None

    @property
    def stable(self) -> bool | None:
        if self.internal is None or self.external is None:
            return None
        return self.internal and self.external


def prefers_stay(inside: Fraction, outside: Fraction, strict: bool) -> bool:
    """Whether an agent stays where it is: ``inside`` beats ``outside`` (strictly when ``strict``)."""
    return inside > outside if strict else inside >= outside


def strictness(tie: str) -> tuple[bool, bool]:
    """(internal inequality strict?, external inequality strict?) of a tie rule (the table above).

    >>> strictness("inside")
    (False, True)
    """
    if tie not in _STRICT:
        raise ParameterError(f"unknown tie rule {tie!r}; choose one of {list(TIES)}")
    return _STRICT[tie]


def _first_mover(
    here: tuple[Fraction, ...], movers: Iterable[int], after: Callable[[int], tuple[Fraction, ...] | None], strict: bool,
) -> tuple[bool | None, tuple[int, Fraction, Fraction] | None]:
    """(everyone stays?, the first mover's witness): ``None`` as soon as an ``after(i)`` is undefined."""
    for i in movers:
        there = after(i)
        if there is None:
            return None, None
        if not prefers_stay(here[i], there[i], strict):
            return False, (i, here[i], there[i])
    return True, None


def coalition_stability(
    coalition: tuple[int, ...], outcomes: Mapping[tuple[int, ...], CoalitionOutcome], baseline: Outcome,
    n_players: int, k: int, tie: Tie = "inside",
) -> StabilityCheck:
    """Internal/external stability of ``coalition`` given precomputed outcomes.

    ``outcomes`` must contain every coalition of size 2..``k`` that is needed
    (S, S minus a member, S plus an outsider when |S| < k); ``baseline`` is the
    no-contract outcome (what a member gets when S minus it has one member left).
    Complexity O(n) lookups.
    """
    if tie not in _STRICT:
        raise ParameterError(f"unknown tie rule {tie!r}; choose one of {list(TIES)}")
    strict_in, strict_out = _STRICT[tie]
    here = outcomes[coalition]
    if here.payoffs is None:
        return StabilityCheck(coalition, None, None)

    def payoffs_of(S: tuple[int, ...]) -> tuple[Fraction, ...] | None:
        if len(S) < 2:
            return baseline.payoffs
        return outcomes[S].payoffs

    internal, iw = _first_mover(here.payoffs, coalition, lambda i: payoffs_of(tuple(m for m in coalition if m != i)),
                                strict_in)
    external: bool | None = True
    ew = None
    if len(coalition) < k:  # j stays out if being outside is (strictly) better than joining
        outsiders = [j for j in range(n_players) if j not in coalition]
        external, ew = _first_mover(here.payoffs, outsiders,
                                    lambda j: outcomes[tuple(sorted(coalition + (j,)))].payoffs, strict_out)
    return StabilityCheck(coalition, internal, external, iw, ew)
