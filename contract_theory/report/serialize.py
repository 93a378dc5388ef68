"""Exact JSON-ready views of results: numbers as strings ("21/2"), labels, indices."""

from __future__ import annotations

from typing import Any

from contract_theory.equilibria.results import MixedProfile
from contract_theory.equilibria.welfare import WelfareKind, welfare
from contract_theory.games.normal_form import NormalFormGame, Profile
from contract_theory.report.wording import num

__all__ = ["pure_profile_json", "mixed_profile_json", "ratio_entry"]


def pure_profile_json(game: NormalFormGame, profile: Profile, kind: WelfareKind = "utilitarian") -> dict[str, Any]:
    """``{"profile": [labels], "payoffs": [...], "welfare": "..."}`` for a pure profile."""
    return {
        "profile": list(game.labels(profile)),
        "payoffs": [num(v) for v in game.payoff(profile)],
        "welfare": num(welfare(game, profile, kind)),
    }


def mixed_profile_json(game: NormalFormGame, profile: MixedProfile) -> dict[str, Any]:
    """``{"strategies": [{label: prob}], "payoffs": [...], "welfare": "..."}``."""
    pay = game.expected_payoffs(profile.strategies)
    return {
        "strategies": [
            {game.actions[i][k]: num(p) for k, p in enumerate(s) if p != 0}
            for i, s in enumerate(profile.strategies)
        ],
        "payoffs": [num(v) for v in pay],
        "welfare": num(sum(pay)),
    }


def ratio_entry(res: Any, over: str) -> tuple[str | None, str | None]:
    """JSON value and note for one :class:`~contract_theory.equilibria.welfare_ratios.WelfareRatio`.

    The value is the exact ratio as a string when ``res.measure == "ratio"``; otherwise it
    is ``None`` and the note says why (no equilibrium, or welfare not positive -- then the
    note gives the difference W* - W instead).

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma, matching_pennies
    >>> from contract_theory.equilibria.welfare_ratios import price_of_anarchy
    >>> ratio_entry(price_of_anarchy(prisoners_dilemma()), "pure")
    ('3', None)
    >>> ratio_entry(price_of_anarchy(matching_pennies()), "pure")
    (None, 'price of anarchy over pure equilibria undefined: no pure equilibrium')
    """
    name = res.concept.replace("_", " ")
    over = over.replace("_", " ")
    if res.value is None:
        return None, f"{name} over {over} equilibria undefined: no {over} equilibrium"
    if res.measure == "ratio":
        return num(res.value), None
    which = "worst" if res.concept == "price_of_anarchy" else "best"
    ref = res.worst if which == "worst" else res.best
    return None, (f"{name} over {over} equilibria undefined as a ratio: W* = {num(res.optimum)} and the {which} "
                  f"equilibrium welfare {num(ref)} are not both positive; difference W* - W = {num(res.value)}")
