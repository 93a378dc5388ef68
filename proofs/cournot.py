r"""Cournot (and the commons game) with a coalition, under Stackelberg and Nash timing (docs/background/model.md#4-partial-contracts).

Model: n firms, inverse demand P = a - Q, marginal cost c, margin A = a - c > 0, continuous
quantities.  A coalition S of k >= 2 firms acts as one bloc maximizing its total profit (with a
constant marginal cost only the bloc's total quantity matters).  The game's welfare W is the sum of
the players' payoffs, i.e. industry profit (consumers are not players).  The library's commons game
u_i = x_i (C - X) / C is this game with a = C, c = 0, scaled by 1/C.

Closed forms (derived in :func:`derive`):

* no contract: q = A/(n+1), profit A^2/(n+1)^2 each;
* **Nash timing** (the bloc is one of m = n - k + 1 Cournot players): every player earns
  A^2/(n-k+2)^2, so members gain (equal shares) iff (n+1)^2 >= k (n-k+2)^2 -- the
  Salant-Switzer-Reynolds (QJE 1983) merger paradox: unprofitable unless k is large
  (:func:`ssr_threshold`, about 80% of the industry); outsiders always gain (k >= 2); industry
  profit m A^2/(m+1)^2 rises (decreasing in m), so welfare never falls;
* **Stackelberg timing** (the bloc commits first): bloc total Q_L = A/2, followers q_f = A/(2(n-k+1));
  bloc profit A^2/(4(n-k+1)), follower profit A^2/(4(n-k+1)^2).  Members gain iff
  (n+1)^2 >= 4k(n-k+1); outsiders gain iff 2k > n+1 (strictly); welfare falls iff
  (2(n-k)+1)(n+1)^2 < 4n(n-k+1)^2 (e.g. n = 4, k = 2: 5/36 < 4/25).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import sympy as sp

from contract_theory import Rules

__all__ = ["premerger_profit", "nash_bloc_total", "nash_outsider", "stackelberg_bloc_total",
           "stackelberg_outsider", "members_gain", "outsiders_gain", "welfare_falls", "ssr_threshold", "derive",
           "spot_check", "GRID_CASES"]

#: (n, k) on the library grid {0, 2, 3, 4, 6} with a = 12, c = 0 where the continuous solution lies on the grid.
GRID_CASES: tuple[tuple[int, int], ...] = ((2, 2), (3, 2), (3, 3), (4, 3))


def premerger_profit(n: int, A: Any) -> Fraction:
    """Cournot profit without a contract: A^2/(n+1)^2."""
    return Fraction(A) ** 2 / (n + 1) ** 2


def nash_bloc_total(n: int, k: int, A: Any) -> Fraction:
    """Bloc total under Nash timing: A^2/(n-k+2)^2."""
    return Fraction(A) ** 2 / (n - k + 2) ** 2


def nash_outsider(n: int, k: int, A: Any) -> Fraction:
    """Outsider profit under Nash timing: A^2/(n-k+2)^2."""
    return Fraction(A) ** 2 / (n - k + 2) ** 2


def stackelberg_bloc_total(n: int, k: int, A: Any) -> Fraction:
    """Bloc total under Stackelberg timing: A^2/(4(n-k+1))."""
    return Fraction(A) ** 2 / (4 * (n - k + 1))


def stackelberg_outsider(n: int, k: int, A: Any) -> Fraction:
    """Follower profit under Stackelberg timing: A^2/(4(n-k+1)^2)."""
    return Fraction(A) ** 2 / (4 * (n - k + 1) ** 2)


def members_gain(n: int, k: int, timing: str) -> bool:
    """Weak gain of each member (equal shares): Nash (n+1)^2 >= k(n-k+2)^2; Stackelberg (n+1)^2 >= 4k(n-k+1)."""
    if timing == "nash":
        return (n + 1) ** 2 >= k * (n - k + 2) ** 2
    return (n + 1) ** 2 >= 4 * k * (n - k + 1)


def outsiders_gain(n: int, k: int, timing: str) -> bool:
    """Strict gain of outsiders: Nash always (k >= 2); Stackelberg iff 2k > n + 1."""
    return k >= 2 if timing == "nash" else 2 * k > n + 1


def welfare_falls(n: int, k: int, timing: str) -> bool:
    """Industry profit strictly falls: never under Nash; Stackelberg iff (2(n-k)+1)(n+1)^2 < 4n(n-k+1)^2."""
    if timing == "nash":
        return False
    return (2 * (n - k) + 1) * (n + 1) ** 2 < 4 * n * (n - k + 1) ** 2


def ssr_threshold(n: int) -> int:
    """Smallest k whose merger is strictly profitable under Nash timing: (n+1)^2 > k (n-k+2)^2."""
    return next(k for k in range(2, n + 1) if (n + 1) ** 2 > k * (n - k + 2) ** 2)


def derive() -> dict[str, sp.Expr]:
    """First-order conditions solved symbolically; returns the profits and factored conditions."""
    A, q, qi, QL, m, f = sp.symbols("A q q_i Q_L m f", positive=True)
    n, k = sp.symbols("n k", positive=True)
    # symmetric Cournot among m players: FOC of q_i against m - 1 others at q
    foc = sp.diff(qi * (A - qi - (m - 1) * q), qi).subs(qi, q)
    q_star = sp.solve(sp.Eq(foc, 0), q)[0]
    profit_m = sp.simplify(q_star * (A - m * q_star))
    assert sp.simplify(profit_m - A ** 2 / (m + 1) ** 2) == 0
    # Stackelberg: f followers answer Q_L symmetrically, the leader maximizes
    foc_f = sp.diff(qi * (A - QL - qi - (f - 1) * q), qi).subs(qi, q)
    q_f = sp.solve(sp.Eq(foc_f, 0), q)[0]
    leader = sp.simplify(QL * (A - QL - f * q_f))
    QL_star = sp.solve(sp.Eq(sp.diff(leader, QL), 0), QL)[0]
    lead_profit = sp.simplify(leader.subs(QL, QL_star))
    follow_profit = sp.simplify((q_f * (A - QL - f * q_f)).subs(QL, QL_star))
    assert sp.simplify(QL_star - A / 2) == 0
    assert sp.simplify(lead_profit - A ** 2 / (4 * (f + 1))) == 0
    assert sp.simplify(follow_profit - A ** 2 / (4 * (f + 1) ** 2)) == 0
    # conditions with m = n - k + 1 (Nash) and f = n - k (Stackelberg)
    nash_gain = sp.factor(profit_m.subs(m, n - k + 1) - k * A ** 2 / (n + 1) ** 2)
    stack_out = sp.factor((n + 1) ** 2 - 4 * (n - k + 1) ** 2)   # sign of the outsiders' gain
    assert sp.expand(stack_out - (2 * k - n - 1) * (3 * n - 2 * k + 3)) == 0
    return {"q_nash": q_star, "profit_nash": profit_m, "leader_quantity": QL_star, "leader_profit": lead_profit,
            "follower_profit": follow_profit, "nash_merger_gain": nash_gain, "stackelberg_outsider_sign": stack_out}


def _consistency(n_max: int = 12) -> list[str]:
    """The stated conditions agree with the profit formulas for 2 <= k <= n <= n_max."""
    problems = []
    for n in range(2, n_max + 1):
        for k in range(2, n + 1):
            pre = premerger_profit(n, 1)
            checks = {
                ("members", "nash"): nash_bloc_total(n, k, 1) / k >= pre,
                ("members", "stackelberg"): stackelberg_bloc_total(n, k, 1) / k >= pre,
                ("outsiders", "nash"): k < n and nash_outsider(n, k, 1) > pre or k == n and k >= 2,
                ("outsiders", "stackelberg"): k < n and stackelberg_outsider(n, k, 1) > pre or k == n and 2 * k > n + 1,
                ("welfare", "nash"): nash_bloc_total(n, k, 1) + (n - k) * nash_outsider(n, k, 1) < n * pre,
                ("welfare", "stackelberg"): stackelberg_bloc_total(n, k, 1) + (n - k) * stackelberg_outsider(n, k, 1)
                < n * pre,
            }
            for (what, timing), direct in checks.items():
                fn = {"members": members_gain, "outsiders": outsiders_gain, "welfare": welfare_falls}[what]
                if fn(n, k, timing) != direct:
                    problems.append(f"n={n} k={k} {timing}: {what} condition {fn(n, k, timing)}, profits say {direct}")
    return problems


def spot_check() -> list[str]:
    """Conditions vs profit formulas, and formulas vs the grid solvers (cournot and commons games)."""
    from contract_theory.contracting.coalitions.normal_form import coalition_outcome
    from contract_theory.equilibria.pure import is_pure_nash
    from contract_theory.games.library import commons, cournot

    problems = _consistency()
    grid = (0, 2, 3, 4, 6)
    A = 12
    for n, k in GRID_CASES:
        game = cournot(n, A, 0, grid)
        S = list(range(k))
        for timing, bloc_f, out_f in (("stackelberg", stackelberg_bloc_total, stackelberg_outsider),
                                      ("nash", nash_bloc_total, nash_outsider)):
            o = coalition_outcome(game, S, rules=Rules(timing=timing))
            if o.bloc_value != bloc_f(n, k, A):
                problems.append(f"cournot n={n} k={k} {timing}: bloc {o.bloc_value} vs {bloc_f(n, k, A)}")
            if any(o.raw_payoffs[j] != out_f(n, k, A) for j in range(k, n)):
                problems.append(f"cournot n={n} k={k} {timing}: outsiders {o.raw_payoffs[k:]} vs {out_f(n, k, A)}")
            if n == 3 and k == 2:   # the commons game is Cournot scaled by 1/capacity
                c = coalition_outcome(commons(n, A, grid), S, rules=Rules(timing=timing))
                if c.bloc_value != bloc_f(n, k, A) / A:
                    problems.append(f"commons n={n} k={k} {timing}: bloc {c.bloc_value} vs {bloc_f(n, k, A) / A}")
    for n in (2, 3):
        game = cournot(n, A, 0, grid)
        idx = grid.index(A // (n + 1))
        prof = (idx,) * n
        if not is_pure_nash(game, prof) or game.payoff(prof, 0) != premerger_profit(n, A):
            problems.append(f"cournot n={n}: q = A/(n+1) is not a grid equilibrium with profit {premerger_profit(n, A)}")
    return problems
