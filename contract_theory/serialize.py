"""Exact JSON-ready views of results: numbers as strings ("21/2"), labels, indices."""

from __future__ import annotations

from typing import Any

from .exact import fmt
from .game import NormalFormGame, Profile
from .results import MixedProfile
from .welfare import welfare

__all__ = ["pure_profile_json", "mixed_profile_json"]


def pure_profile_json(game: NormalFormGame, profile: Profile, kind: str = "utilitarian") -> dict[str, Any]:
    """``{"profile": [labels], "payoffs": [...], "welfare": "..."}`` for a pure profile."""
    return {
        "profile": list(game.labels(profile)),
        "payoffs": [fmt(v) for v in game.payoff(profile)],
        "welfare": fmt(welfare(game, profile, kind)),
    }


def mixed_profile_json(game: NormalFormGame, profile: MixedProfile) -> dict[str, Any]:
    """``{"strategies": [{label: prob}], "payoffs": [...], "welfare": "..."}``."""
    pay = game.expected_payoffs(profile.strategies)
    return {
        "strategies": [
            {game.actions[i][k]: fmt(p) for k, p in enumerate(s) if p != 0}
            for i, s in enumerate(profile.strategies)
        ],
        "payoffs": [fmt(v) for v in pay],
        "welfare": fmt(sum(pay)),
    }
