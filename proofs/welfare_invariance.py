r"""Welfare invariance under budget-balanced transfers (docs/background/model.md#3-contracts; notes E.2 step 1).

Claim.  For any N, payoffs u_1..u_N and transfers theta_1..theta_N with sum_i theta_i = 0,
sum_i (u_i + theta_i) = sum_i u_i; for a coalition S with transfers only among members
(theta_i = 0 off S, sum_{i in S} theta_i = 0) the bloc total sum_{i in S} (u_i + theta_i) equals
sum_{i in S} u_i and every outsider's payoff is unchanged.

Derivation (sympy): with a symbolic N and indexed symbols, Sum(u_i + theta_i) splits into
Sum(u_i) + Sum(theta_i) and the constraint Sum(theta_i) = 0 leaves Sum(u_i).  For N = 2..6 the same is
checked with explicit symbols, theta_N = -(theta_1 + ... + theta_{N-1}).

Spot check: every contract of the library's families (deviation penalties, lump sums, their sums)
leaves the welfare of every joint action unchanged in the augmented game.
"""

from __future__ import annotations

from typing import Any

import sympy as sp

__all__ = ["welfare_gap", "symbolic_gap", "coalition_gap", "derive", "spot_check"]


def welfare_gap(n: int) -> sp.Expr:
    """W^theta - W for N = n explicit symbols with theta_n = -(theta_1 + ... + theta_{n-1}) (simplifies to 0)."""
    u = sp.symbols(f"u1:{n + 1}")
    t = list(sp.symbols(f"theta1:{n}"))
    t.append(-sum(t))
    return sp.simplify(sum(ui + ti for ui, ti in zip(u, t)) - sum(u))


def symbolic_gap() -> sp.Expr:
    """W^theta - W for a symbolic N, using the constraint Sum(theta_i, (i, 1, N)) = 0."""
    N = sp.Symbol("N", integer=True, positive=True)
    i = sp.Idx("i")
    u, th = sp.IndexedBase("u"), sp.IndexedBase("theta")
    total = sp.Sum(u[i] + th[i], (i, 1, N)).expand()        # linearity: Sum(u) + Sum(theta)
    return sp.simplify(total.subs(sp.Sum(th[i], (i, 1, N)), 0) - sp.Sum(u[i], (i, 1, N)))


def coalition_gap(n: int, members: tuple[int, ...]) -> tuple[sp.Expr, list[sp.Expr]]:
    """(bloc total with transfers - without, outsiders' payoff changes) for transfers inside ``members``."""
    u = sp.symbols(f"u0:{n}")
    k = len(members)
    t = list(sp.symbols(f"theta0:{k - 1}"))
    t.append(-sum(t))
    theta = [0] * n
    for m, ti in zip(members, t):
        theta[m] = ti
    bloc = sp.simplify(sum(u[m] + theta[m] for m in members) - sum(u[m] for m in members))
    outs = [sp.simplify(theta[j]) for j in range(n) if j not in members]
    return bloc, outs


def derive() -> dict[str, Any]:
    """Run the derivation: every gap is identically zero."""
    return {"explicit": {n: welfare_gap(n) for n in range(2, 7)}, "symbolic_N": symbolic_gap(),
            "coalition": {(n, S): coalition_gap(n, S) for n in range(3, 6) for S in [(0, 1), tuple(range(n - 1))]}}


def spot_check() -> list[str]:
    """Compare with the library: augmented games of budget-balanced contracts keep every welfare."""
    from contract_theory.contracting.contracts.contract import deviation_penalty, lump_sum
    from contract_theory.games.library import n_prisoners_dilemma, prisoners_dilemma, public_goods

    problems = []
    d = derive()
    if any(g != 0 for g in d["explicit"].values()) or d["symbolic_N"] != 0:
        problems.append(f"symbolic welfare gap is not zero: {d}")
    for key, (bloc, outs) in d["coalition"].items():
        if bloc != 0 or any(o != 0 for o in outs):
            problems.append(f"coalition gap for {key}: {bloc}, {outs}")
    for game in (prisoners_dilemma(), n_prisoners_dilemma(4, 3, 1), public_goods(3, "3/2", 4)):
        n = game.n_players
        S = tuple(range(n - 1)) if n > 2 else (0, 1)
        target = tuple(0 for _ in range(n))
        amounts = {S[0]: 5, S[1]: -5}
        for c in (deviation_penalty(game, S, target, 7), deviation_penalty(game, S, target, 7)
                  + lump_sum(game, S, amounts)):
            aug = c.augmented_game()
            before = game.table.sum(axis=-1) * aug.denominator
            after = aug.table.sum(axis=-1) * game.denominator
            if not (before == after).all():
                problems.append(f"{game.title}: contract changes welfare")
    return problems
