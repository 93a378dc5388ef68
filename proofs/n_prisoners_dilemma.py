r"""The N-player prisoner's dilemma threshold (library ``n_prisoners_dilemma``; docs/background/model.md#4-partial-contracts).

Game: u_i = b (cooperators other than i) / (n - 1) - c [i cooperates], 0 < c < b; defection is
strictly dominant, so outsiders defect whatever the coalition does (Stackelberg = Nash timing).

Result.  If j of the k members of S cooperate, the bloc total is
    U_S(j) = j [ (k - 1) b / (n - 1) - c ],
linear in j: the bloc cooperates fully iff **(k - 1) b / (n - 1) > c** and defects if it is < c (at
equality it is indifferent and the pessimistic selection, lowest welfare first, picks defection,
because cooperation raises outsiders' payoffs).  When it cooperates: members get
(k - 1) b / (n - 1) - c each, outsiders k b / (n - 1), and W(S) = k (b - c); otherwise everything is 0.
The smallest cooperating coalition is k_min = floor(c (n - 1) / b) + 2 (if <= n): k - 1 > c (n - 1) / b.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from fractions import Fraction
from typing import Any

import sympy as sp

from contract_theory import Rules

__all__ = ["cooperates", "member_payoff", "outsider_payoff", "welfare", "smallest_cooperating", "derive",
           "spot_check", "CASES"]

#: (n, b, c) spot-check cases, including ties (k - 1) b / (n - 1) = c (n=3, b=2, c=1; n=5, b=4, c=2).
CASES: tuple[tuple[int, Any, Any], ...] = ((3, 3, 1), (3, 2, 1), (4, 3, 2), (5, 4, 2), (5, "7/2", 3), (6, 5, 1))


def cooperates(n: int, b: Any, c: Any, k: int) -> bool:
    """Whether a coalition of k >= 2 cooperates: (k - 1) b / (n - 1) > c."""
    return k >= 2 and (k - 1) * Fraction(b) / (n - 1) > Fraction(c)


def member_payoff(n: int, b: Any, c: Any, k: int) -> Fraction:
    """(k - 1) b / (n - 1) - c if the bloc cooperates, else 0."""
    return (k - 1) * Fraction(b) / (n - 1) - Fraction(c) if cooperates(n, b, c, k) else Fraction(0)


def outsider_payoff(n: int, b: Any, c: Any, k: int) -> Fraction:
    """k b / (n - 1) if the bloc cooperates, else 0."""
    return k * Fraction(b) / (n - 1) if cooperates(n, b, c, k) else Fraction(0)


def welfare(n: int, b: Any, c: Any, k: int) -> Fraction:
    """W(S) = k (b - c) if the bloc cooperates, else 0."""
    return k * (Fraction(b) - Fraction(c)) if cooperates(n, b, c, k) else Fraction(0)


def smallest_cooperating(n: int, b: Any, c: Any) -> int | None:
    """k_min = floor(c (n - 1) / b) + 2 (the least k with k - 1 > c (n - 1) / b); None if it exceeds n."""
    k = math.floor(Fraction(c) * (n - 1) / Fraction(b)) + 2
    return k if k <= n else None


def derive() -> dict[str, sp.Expr]:
    """Symbolic derivation of the bloc total, payoffs and welfare."""
    n, b, c, k, j = sp.symbols("n b c k j", positive=True)
    coop = j * (b * (j - 1) / (n - 1) - c)        # j cooperating members: j - 1 other cooperators each
    defect = (k - j) * (b * j / (n - 1))          # k - j defecting members: j cooperators each
    bloc = sp.factor(sp.expand(coop + defect))
    assert sp.simplify(bloc - j * ((k - 1) * b / (n - 1) - c)) == 0
    W = sp.simplify(bloc.subs(j, k) + (n - k) * k * b / (n - 1))
    assert sp.simplify(W - k * (b - c)) == 0
    return {"bloc": bloc, "welfare": W}


def spot_check(cases: Iterable[tuple[int, Any, Any]] = CASES) -> list[str]:
    """Compare with coalition_outcome on the library game for every coalition size."""
    from contract_theory.contracting.coalitions.normal_form import coalition_outcome
    from contract_theory.contracting.coalitions.partial_contracts import partial_contract_analysis
    from contract_theory.games.library import n_prisoners_dilemma

    problems = []
    for n, b, c in cases:
        game = n_prisoners_dilemma(n, b, c)
        for k in range(2, n + 1):
            for timing in ("stackelberg", "nash"):
                o = coalition_outcome(game, range(k), rules=Rules(timing=timing))
                if o.welfare != welfare(n, b, c, k):
                    problems.append(f"n={n} b={b} c={c} k={k} {timing}: W {o.welfare} vs {welfare(n, b, c, k)}")
                if any(o.raw_payoffs[i] != member_payoff(n, b, c, k) for i in range(k)):
                    problems.append(f"n={n} b={b} c={c} k={k} {timing}: members {o.raw_payoffs[:k]}")
                if any(o.raw_payoffs[i] != outsider_payoff(n, b, c, k) for i in range(k, n)):
                    problems.append(f"n={n} b={b} c={c} k={k} {timing}: outsiders {o.raw_payoffs[k:]}")
        a = partial_contract_analysis(game, n)
        smallest = next((k for k in range(2, n + 1) if a.welfare_curve[k] > 0), None)
        if smallest != smallest_cooperating(n, b, c):
            problems.append(f"n={n} b={b} c={c}: smallest cooperating coalition {smallest} vs "
                            f"{smallest_cooperating(n, b, c)}")
    return problems
