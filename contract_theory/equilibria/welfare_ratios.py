r"""Price of anarchy and price of stability (docs/background/model.md#2-solution-concepts, "Welfare ratios").

With W* the optimal welfare over joint actions (:func:`contract_theory.equilibria.welfare.optimum`) and a
set of equilibria with welfare values W_e:

* price of anarchy   PoA = W* / min_e W_e   (Koutsoupias & Papadimitriou 1999),
* price of stability PoS = W* / max_e W_e   (Anshelevich et al. 2004).

A ratio is only meaningful when both W* and the equilibrium welfare are positive.  With
``measure="auto"`` (default) the ratio is reported in that case and otherwise the
*difference* W* - W_e (>= 0 for pure, mixed and correlated equilibria, whose welfare never
exceeds W*); ``WelfareRatio.measure`` says which, and ``note`` says why.  ``measure="ratio"``
raises :class:`~contract_theory.errors.ParameterError` when the ratio is not meaningful;
``measure="difference"`` always gives the difference.

The equilibrium set (``equilibria``):

* ``"pure"`` (default): all pure Nash equilibria (:func:`contract_theory.equilibria.pure.pure_nash_solve`);
* ``"correlated"`` / ``"coarse"``: the whole CE / CCE polytope -- worst and best welfare by
  exact LP (:func:`contract_theory.equilibria.correlated.correlated_solve`);
* an :class:`~contract_theory.equilibria.results.EquilibriumResult` (one with irrational equilibria is
  refused; an incomplete list is said so in ``note``) or a sequence whose items are pure
  profiles (tuples of action indices), mixed profiles (:class:`~contract_theory.equilibria.results.MixedProfile`
  or per-player probability lists; their welfare as in :func:`contract_theory.equilibria.welfare.mixed_welfare`,
  ex post for egalitarian/Nash), distributions over joint actions (``dict`` profile -> probability;
  ex-post welfare) or plain exact welfare values (int / Fraction / string).

No equilibrium in the set (e.g. no pure equilibrium): ``value=None`` and a note.
All values are exact Fractions.  Cost: that of computing the equilibrium set plus
O(n prod(m_i)) for W*.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

from contract_theory.equilibria.results import EquilibriumResult, MixedProfile
from contract_theory.equilibria.welfare import WelfareKind, check_kind, mixed_welfare, optimum, welfare
from contract_theory.errors import ParameterError
from contract_theory.exact.numbers import fmt, to_fraction
from contract_theory.games.normal_form import NormalFormGame

__all__ = ["WelfareRatio", "price_of_anarchy", "price_of_stability", "price_from_values", "equilibrium_welfare_values"]

Measure = Literal["ratio", "difference"]


@dataclass(frozen=True)
class WelfareRatio:
    """A price of anarchy or of stability.

    Attributes
    ----------
    value
        W*/W_e (``measure="ratio"``) or W* - W_e (``"difference"``); ``None`` when the
        equilibrium set is empty.
    measure
        ``"ratio"`` or ``"difference"``.
    optimum
        W*, the optimal welfare over joint actions.
    worst, best : the lowest and highest equilibrium welfare (``None`` if no equilibrium);
        the price of anarchy uses ``worst``, the price of stability ``best``.
    note
        Why this measure was used, or why there is no value.
    concept
        ``"price_of_anarchy"`` or ``"price_of_stability"``.
    equilibria
        Which equilibrium set (``"pure"``, ``"correlated"``, ``"coarse"``, ``"given"``).
    kind
        The welfare kind.
    """

    value: Fraction | None
    measure: Measure
    optimum: Fraction
    worst: Fraction | None
    best: Fraction | None
    note: str
    concept: str
    equilibria: str
    kind: WelfareKind = "utilitarian"


def equilibrium_welfare_values(game: NormalFormGame, equilibria: Any = "pure",
                               kind: WelfareKind = "utilitarian") -> tuple[tuple[Fraction, ...], str]:
    """Exact welfare values of an equilibrium set and the set's name (see the module docstring).

    For ``"correlated"`` / ``"coarse"`` the two values returned are the worst and the best
    welfare over the polytope (every value in between is attained too).

    Examples
    --------
    >>> from contract_theory.games.library import battle_of_the_sexes
    >>> equilibrium_welfare_values(battle_of_the_sexes())
    ((Fraction(3, 1), Fraction(3, 1)), 'pure')
    """
    check_kind(kind)
    if isinstance(equilibria, str):
        if equilibria == "pure":
            from contract_theory.equilibria.pure import pure_nash_solve
            return tuple(welfare(game, p, kind) for p in pure_nash_solve(game).equilibria), "pure"
        if equilibria in ("correlated", "coarse"):
            from contract_theory.equilibria.correlated import correlated_solve
            r = correlated_solve(game, kind, coarse=equilibria == "coarse")
            return (r.min_welfare, r.max_welfare), equilibria
        raise ParameterError(
            f"unknown equilibrium set {equilibria!r}; use 'pure', 'correlated', 'coarse', an "
            "EquilibriumResult or a sequence of profiles / welfare values"
        )
    algebraic: tuple[Any, ...] = getattr(equilibria, "algebraic", ())  # NPlayerEquilibriumResult's irrational ones
    if isinstance(equilibria, EquilibriumResult) and algebraic:
        raise ParameterError(
            f"the equilibrium result lists {len(algebraic)} equilibria with irrational "
            "probabilities, whose welfare is not a rational number: pass their welfare values (or "
            "the rational equilibria only, knowingly) instead"
        )
    items: Iterable[Any] = equilibria.equilibria if isinstance(equilibria, EquilibriumResult) else equilibria
    try:
        items = list(items)
    except TypeError:
        raise ParameterError(f"equilibria must be a set name or a sequence, got {type(equilibria).__name__}") from None
    return tuple(_welfare_of(game, e, kind) for e in items), "given"


def _welfare_of(game: NormalFormGame, e: Any, kind: WelfareKind) -> Fraction:
    if isinstance(e, MixedProfile):
        return mixed_welfare(game, e.strategies, kind)
    if isinstance(e, dict):
        from contract_theory.equilibria.correlated import distribution_welfare
        return distribution_welfare(game, e, kind)
    if isinstance(e, (tuple, list)) and len(e) == game.n_players:
        if all(isinstance(a, (list, tuple)) for a in e):
            return mixed_welfare(game, e, kind)
        return welfare(game, tuple(e), kind)
    if hasattr(e, "strategies") and not callable(e.strategies):
        strategies = e.strategies
        if all(isinstance(v, Fraction) for s in strategies for v in s):
            return mixed_welfare(game, strategies, kind)
        raise ParameterError("equilibrium with non-rational probabilities: give its exact welfare value instead")
    try:
        return to_fraction(e, what="equilibrium welfare value")
    except ValueError:
        raise ParameterError(
            f"cannot read {e!r} as an equilibrium: give a pure profile, a mixed profile, a distribution "
            "over joint actions or an exact welfare value"
        ) from None


def _price(game: NormalFormGame, equilibria: Any, kind: WelfareKind, measure: str, concept: str) -> WelfareRatio:
    w_star, _ = optimum(game, kind)
    values, name = equilibrium_welfare_values(game, equilibria, kind)
    incomplete = isinstance(equilibria, EquilibriumResult) and not equilibria.complete
    return price_from_values(w_star, values, concept, measure=measure, equilibria=name, kind=kind,
                             incomplete_note=(f"; the equilibrium list ({equilibria.method}) is not known to be "
                                              "complete") if incomplete else "")


def price_from_values(w_star: Fraction, values: Sequence[Fraction], concept: str, *, measure: str = "auto",
                      equilibria: str = "given", kind: WelfareKind = "utilitarian", incomplete_note: str = "") -> WelfareRatio:
    """The price of anarchy/stability from W* and a list of equilibrium welfare values.

    The rule behind :func:`price_of_anarchy` and :func:`price_of_stability`, usable for any
    model (Markov games pass their MPE welfare values): a ratio W*/W_e when both are positive
    (``measure="auto"``), otherwise the difference W* - W_e, and the note says which.

    Examples
    --------
    >>> price_from_values(Fraction(6), [Fraction(2)], "price_of_anarchy").value
    Fraction(3, 1)
    >>> price_from_values(Fraction(0), [Fraction(-4)], "price_of_anarchy").measure
    'difference'
    """
    if measure not in ("auto", "ratio", "difference"):
        raise ParameterError(f"unknown measure {measure!r}; choose 'auto', 'ratio' or 'difference'")
    if concept not in ("price_of_anarchy", "price_of_stability"):
        raise ParameterError(f"unknown concept {concept!r}")
    if not values:
        return WelfareRatio(None, "difference" if measure == "difference" else "ratio",
                            w_star, None, None,
                            f"no equilibrium in the set ({equilibria}): {concept.replace('_', ' ')} undefined",
                            concept, equilibria, kind)
    worst, best = min(values), max(values)
    ref = worst if concept == "price_of_anarchy" else best
    which = "worst" if concept == "price_of_anarchy" else "best"
    meaningful = w_star > 0 and ref > 0
    if measure == "ratio" and not meaningful:
        raise ParameterError(
            f"{concept.replace('_', ' ')} as a ratio needs positive welfare; W* = {fmt(w_star)}, "
            f"{which} equilibrium welfare = {fmt(ref)} (use measure='difference' or 'auto')"
        )
    if measure == "difference" or not meaningful:
        note = (f"difference W* - {which} equilibrium welfare"
                + ("" if measure == "difference" else
                   f": ratio not meaningful (W* = {fmt(w_star)}, {which} = {fmt(ref)}, not both positive)"))
        return WelfareRatio(w_star - ref, "difference", w_star, worst, best, note + incomplete_note, concept,
                            equilibria, kind)
    return WelfareRatio(w_star / ref, "ratio", w_star, worst, best,
                        f"ratio W* / {which} equilibrium welfare" + incomplete_note, concept, equilibria, kind)


def price_of_anarchy(game: NormalFormGame, equilibria: Any = "pure", kind: WelfareKind = "utilitarian",
                     *, measure: str = "auto") -> WelfareRatio:
    """Price of anarchy W* / (worst equilibrium welfare), exact; difference when a ratio is meaningless.

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma, public_goods
    >>> price_of_anarchy(prisoners_dilemma()).value       # W* = 6, (D, D) gives 2
    Fraction(3, 1)
    >>> price_of_anarchy(public_goods(4, "8/5", 20)).value   # 128 / 80
    Fraction(8, 5)
    """
    check_kind(kind)
    return _price(game, equilibria, kind, measure, "price_of_anarchy")


def price_of_stability(game: NormalFormGame, equilibria: Any = "pure", kind: WelfareKind = "utilitarian",
                       *, measure: str = "auto") -> WelfareRatio:
    """Price of stability W* / (best equilibrium welfare), exact; difference when a ratio is meaningless.

    Examples
    --------
    >>> from contract_theory.games.library import stag_hunt
    >>> price_of_stability(stag_hunt()).value, price_of_anarchy(stag_hunt()).value   # 8/8 and 8/6
    (Fraction(1, 1), Fraction(4, 3))
    """
    check_kind(kind)
    return _price(game, equilibria, kind, measure, "price_of_stability")
