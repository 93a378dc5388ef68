r"""The linear public goods game with a coalition (docs/background/model.md#4-partial-contracts; notes E.3 G5).

Game (library ``public_goods(N, r, e)``): each player keeps e or contributes it; u_i = e - c_i +
(r/N) sum_j c_j with 1 < r < N, so contributing nothing is strictly dominant for an outsider.

Results (coalition S of size K >= 2, Stackelberg or Nash timing alike since outsiders have a
dominant strategy; pessimistic selection; equal sharing and tie rule "inside"):

1. If j of the K members contribute, the bloc total is K e + j e (r K / N - 1): linear in j, so the
   bloc contributes fully iff **K r / N > 1** and not at all if K r / N < 1 (at K r / N = 1 it is
   indifferent and the pessimistic selection, lowest welfare first, picks no contribution).
2. Member payoff r K e / N, outsider payoff e + r K e / N when it contributes; everyone e otherwise.
3. Welfare **W(K) = e (N + (r - 1) K 1[r K > N])**; W_K (best over sizes <= K) has the same form,
   W* = r N e, so the price of partial contracting is W*/W_K = r N / (N + (r-1) K 1[rK > N]) (G5).
4. Stability: a contributing coalition loses internal stability iff it still contributes after a
   member leaves (the leaver gains e - r e / N > 0), and is externally stable (a joiner would lose
   e - r e/N); a non-contributing one is externally unstable if one more member makes it contribute
   and otherwise fails strict external stability (indifference).  Hence the **unique stable size is
   K* = ceil(N / r)** whenever N / r is not an integer (and 2 <= K* <= K).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from fractions import Fraction
from typing import Any

import sympy as sp

__all__ = ["contributes", "member_payoff", "outsider_payoff", "welfare", "stable_size", "derive", "spot_check",
           "CASES"]

#: (N, r, e) spot-check cases: non-integer N/r, plus integer N/r = 2 (the tie K r / N = 1).
CASES: tuple[tuple[int, str, int], ...] = ((3, "3/2", 2), (4, "8/5", 20), (4, "2", 1), (5, "2", 3),
                                           (5, "7/2", 1), (6, "5/2", 2), (6, "4", 1))


def contributes(N: int, r: Any, K: int) -> bool:
    """Whether a coalition of K >= 2 contributes: K r / N > 1 (strict; see result 1)."""
    return K >= 2 and K * Fraction(r) / N > 1


def member_payoff(N: int, r: Any, e: Any, K: int) -> Fraction:
    """A member's (raw and equal-share) payoff: r K e / N if the coalition contributes, else e."""
    r, e = Fraction(r), Fraction(e)
    return r * K * e / N if contributes(N, r, K) else e


def outsider_payoff(N: int, r: Any, e: Any, K: int) -> Fraction:
    """An outsider's payoff: e + r K e / N if the coalition contributes, else e."""
    r, e = Fraction(r), Fraction(e)
    return e + r * K * e / N if contributes(N, r, K) else e


def welfare(N: int, r: Any, e: Any, K: int) -> Fraction:
    """W(K) = e (N + (r - 1) K 1[r K > N]) (K = 1: no contract, W = e N)."""
    r, e = Fraction(r), Fraction(e)
    return e * (N + (r - 1) * K * (1 if contributes(N, r, K) else 0))


def stable_size(N: int, r: Any) -> int:
    """The unique stable coalition size ceil(N / r) (N / r not an integer)."""
    return math.ceil(Fraction(N) / Fraction(r))


def derive() -> dict[str, sp.Expr]:
    """Symbolic derivation of results 1-4 (returns the key expressions, each checked here)."""
    N, r, e, K, j = sp.symbols("N r e K j", positive=True)
    # j members contribute e each; the others keep e
    pot = j * e
    contrib_pay = e - e + r * pot / N
    keep_pay = e + r * pot / N
    bloc = j * contrib_pay + (K - j) * keep_pay
    gain = sp.factor(sp.expand(bloc - K * e))
    assert sp.simplify(gain - j * e * (r * K / N - 1)) == 0          # result 1: linear in j
    full = sp.simplify(bloc.subs(j, K))
    member = sp.simplify(contrib_pay.subs(j, K))
    outsider = sp.simplify(keep_pay.subs(j, K))
    W = sp.simplify(full + (N - K) * outsider)
    assert sp.simplify(W - e * (N + (r - 1) * K)) == 0                 # result 3
    # result 4: leaving a coalition that still contributes, and joining one
    leave_gain = sp.simplify((e + r * (K - 1) * e / N) - r * K * e / N)   # = e (1 - r/N) > 0
    join_gain = sp.simplify(r * (K + 1) * e / N - (e + r * K * e / N))    # = -e (1 - r/N) < 0
    assert sp.simplify(leave_gain - e * (1 - r / N)) == 0 and sp.simplify(join_gain + leave_gain) == 0
    return {"bloc_gain": gain, "member": member, "outsider": outsider, "welfare": W, "leave_gain": leave_gain,
            "join_gain": join_gain}


def spot_check(cases: Iterable[tuple[int, Any, Any]] = CASES) -> list[str]:
    """Compare the closed forms with coalition_outcome / partial_contract_analysis (exact)."""
    from contract_theory.contracting.coalitions.normal_form import coalition_outcome
    from contract_theory.contracting.coalitions.partial_contracts import partial_contract_analysis
    from contract_theory.games.library import public_goods

    problems = []
    for N, r, e in cases:
        game = public_goods(N, r, e)
        a = partial_contract_analysis(game, N)
        for K in range(1, N + 1):
            if a.welfare_curve[K] != welfare(N, r, e, K):
                problems.append(f"N={N} r={r} e={e}: W_{K} solver {a.welfare_curve[K]} formula {welfare(N, r, e, K)}")
            if K < 2:
                continue
            o = coalition_outcome(game, range(K))
            if any(o.raw_payoffs[i] != member_payoff(N, r, e, K) for i in range(K)):
                problems.append(f"N={N} r={r} K={K}: member payoffs {o.raw_payoffs[:K]}")
            if any(o.raw_payoffs[i] != outsider_payoff(N, r, e, K) for i in range(K, N)):
                problems.append(f"N={N} r={r} K={K}: outsider payoffs {o.raw_payoffs[K:]}")
        if (Fraction(N) / Fraction(r)).denominator != 1:
            sizes = sorted({len(S) for S in a.stable_coalitions})
            expected = [stable_size(N, r)] if 2 <= stable_size(N, r) <= N else []
            if sizes != expected:
                problems.append(f"N={N} r={r}: stable sizes {sizes}, formula {expected}")
    return problems
