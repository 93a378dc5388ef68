r"""The one-shot-deviation penalty bound (R_max - R_min)/(1 - gamma) for Markov games (docs/background/model.md#6-assumptions, A3).

Claim.  In a discounted Markov game with rewards in [R_min, R_max] and discount 0 <= gamma < 1,
every value lies in [R_min/(1-gamma), R_max/(1-gamma)], so for any stationary policies and state
|V^pi(s) - V^pi'(s)| <= D/(1-gamma) with D = R_max - R_min; and every one-shot deviation gain
Q_i(s, b) - V_i(s) = [R_i(s, b, .) - R_i(s, pi(s))] + gamma [E_b V_i - E_pi V_i]
               <= D + gamma D/(1-gamma) = D/(1-gamma).
Hence a per-step deviation penalty psi = D/(1-gamma) always suffices to enforce a target for the
members, and the bound is attained (a deviation that moves from an absorbing R_min state to an
absorbing R_max one).  With a finite horizon H the series stops: D (1 - gamma^H)/(1 - gamma).

Spot check: ``contract_theory.markov.contracts.min_penalty(...).bound`` equals the formula; on
seeded random Markov games every one-shot gain and every value difference over all deterministic
stationary policies is within the bound; the absorbing-states game attains it exactly.
"""

from __future__ import annotations

import itertools
from fractions import Fraction
from typing import Any

import sympy as sp

__all__ = ["bound", "finite_horizon_bound", "derive", "tight_game", "spot_check"]


def bound(r_max: Any, r_min: Any, gamma: Any) -> Fraction:
    """(R_max - R_min)/(1 - gamma)."""
    return (Fraction(r_max) - Fraction(r_min)) / (1 - Fraction(gamma))


def finite_horizon_bound(r_max: Any, r_min: Any, gamma: Any, horizon: int) -> Fraction:
    """(R_max - R_min)(1 - gamma^H)/(1 - gamma) for H steps."""
    g = Fraction(gamma)
    return (Fraction(r_max) - Fraction(r_min)) * (1 - g ** horizon) / (1 - g)


def derive() -> dict[str, sp.Expr]:
    """The geometric series, its finite-horizon partial sum, and the one-shot decomposition."""
    g = sp.Symbol("gamma", positive=True)
    D = sp.Symbol("D", positive=True)
    t, H = sp.symbols("t H", integer=True, nonnegative=True)
    # sympy answers with a Piecewise: the convergent branch (gamma < 1) is the one we need
    series = sp.piecewise_fold(sp.summation(g ** t * D, (t, 0, sp.oo)))
    if isinstance(series, sp.Piecewise):
        series = next(expr for expr, cond in series.args if cond == (g < 1))
    assert sp.simplify(series - D / (1 - g)) == 0
    # finite horizon: the branch for gamma != 1 (sympy lists Eq(gamma, 1) first, the general case last)
    partial = sp.piecewise_fold(sp.summation(g ** t * D, (t, 0, H - 1)))
    if isinstance(partial, sp.Piecewise):
        partial = next(expr for expr, cond in partial.args if cond == sp.true)
    assert sp.simplify(partial - D * (1 - g ** H) / (1 - g)) == 0
    one_shot = sp.simplify(D + g * D / (1 - g))
    assert sp.simplify(one_shot - D / (1 - g)) == 0
    return {"series": series, "finite_horizon": partial, "one_shot": one_shot}


def tight_game(r_max: Any = 1, r_min: Any = 0, gamma: Any = "1/2") -> Any:
    """One player, states start/good/bad; from start 'stay' -> bad (R_min), 'dev' -> good (R_max);
    good and bad are absorbing with rewards R_max and R_min.  Deviating at start gains exactly the bound."""
    from contract_theory.games.markov import MarkovGame

    P = [[[0, 0, 1], [0, 1, 0]], [[0, 1, 0], [0, 1, 0]], [[0, 0, 1], [0, 0, 1]]]
    R = [[[r_min], [r_max]], [[r_max], [r_max]], [[r_min], [r_min]]]
    return MarkovGame(["P"], ["start", "good", "bad"], [["stay", "dev"]], P, R, gamma, initial=[1, 0, 0])


def spot_check(seeds: range = range(4)) -> list[str]:
    """Compare with the Markov solvers (exact)."""
    from contract_theory.games.markov_library import random_markov_game, repeated_prisoners_dilemma
    from contract_theory.markov.contracts import min_penalty
    from contract_theory.markov.mpe import one_shot_gains
    from contract_theory.markov.values import evaluate

    problems = []
    d = derive()
    if sp.simplify(d["series"] - d["one_shot"]) != 0:
        problems.append("series and one-shot bound differ")
    g = repeated_prisoners_dilemma(discount="1/2")
    r = min_penalty(g, [0, 1], [["C"], ["C"]])
    if r.bound != bound(5, 0, "1/2"):
        problems.append(f"min_penalty bound {r.bound} vs formula {bound(5, 0, '1/2')}")
    for seed in seeds:
        game = random_markov_game(2, 2, 2, seed=seed, discount="3/4")
        R = game.rewards
        b = bound(R.max(), R.min(), game.discount)
        pols = list(itertools.product(range(2), repeat=game.n_states))
        values = []
        for p0, p1 in itertools.product(pols, repeat=2):
            pol = [list(p0), list(p1)]
            values.append(evaluate(game, pol))
            for gains in one_shot_gains(game, pol):
                if gains.max() > b:
                    problems.append(f"seed {seed}: one-shot gain {gains.max()} exceeds the bound {b}")
        for i in range(game.n_players):
            for s in range(game.n_states):
                vs = [v[i][s] for v in values]
                if max(vs) - min(vs) > b:
                    problems.append(f"seed {seed}: value spread {max(vs) - min(vs)} exceeds the bound {b}")
        if min_penalty(game, [0, 1], [list(pols[0]), list(pols[0])]).bound != b:
            problems.append(f"seed {seed}: min_penalty bound differs from the formula")
    tg = tight_game(3, -1, "2/3")
    gain = one_shot_gains(tg, [[0, 0, 0]])[0][0, 1]
    if gain != bound(3, -1, "2/3"):
        problems.append(f"tight game: gain {gain} vs bound {bound(3, -1, '2/3')}")
    return problems
