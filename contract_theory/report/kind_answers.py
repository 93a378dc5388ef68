r"""The Answers of the report's Markov and compact games (issue 22.1: "for every built-in game").

:func:`contract_theory.report.answers.game_answers` answers a normal-form game from its section's
results; this module answers the games of the report's other two sections from theirs, with the
same keys, so :func:`~contract_theory.report.answers.answers_section` writes one line per game
whatever its kind:

* **Markov games** (``docs/background/model.md#2-solution-concepts``, section 4's Markov
  paragraph): W* is the team optimum and every welfare the discounted welfare from the initial
  distribution rho0; the no-contract outcome is the MPE the selection rule picks; W_K, the price
  of partial contracting and the guarantees come from the coalition study at the K < N studied; the
  SPE welfare range is the contracting game's over the theorem's rich contract space (every target
  policy at which outsiders best-respond).  The assumption checks and the modifications are defined
  on normal-form and compact games only, so the line says they are not computed.
* **Compact games** (``docs/background/model.md#8-compact-games``): coalitions are compositions
  (members per type); the assumption checks are the compact ones
  (:mod:`contract_theory.contracting.protocol.compact_checks`), reusing the section's study; the
  modifications need the dense form (too large at 100 players) and the compact SPE check at
  K < N enumerates every composition's proposals, so both are said to be not computed.

The guarantees (:data:`~contract_theory.report.answers.GUARANTEES`) are read off the study at
K by :func:`study_guarantees`, one evaluator for every kind: the built-in claims' definitions
(:mod:`contract_theory.search.claims`) applied to the study's outcomes, so on a normal-form game it
agrees with the claims (tested).  A compact study's outcomes are its compositions' canonical
coalitions (the first members of each type); when every type's players get one payoff without a
contract, every coalition of a composition decides alike, otherwise the line says the verdict is
the canonical coalitions'.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from contract_theory.report.answers import GUARANTEES, k_partial
from contract_theory.report.wording import coalition_text, num, witness_sentence

__all__ = ["study_guarantees", "markov_answers", "compact_answers", "MARKOV_NOT_COMPUTED", "COMPACT_NOT_COMPUTED"]

#: Why the Answers of a Markov game have no assumptions and no modifications.
MARKOV_NOT_COMPUTED = {
    "fails": "not computed for Markov games: the checks of A1-A12 and B1-B4 are defined on normal-form and compact "
             "games",
    "restores": "the modifications are not computed for Markov games (they are solved on normal-form games)",
}
#: Why the Answers of a compact game have no modifications and no SPE range at K < N.
COMPACT_NOT_COMPUTED = {
    "restores": "the modifications are not computed for compact games (they are solved on the dense form, too large "
                "to expand here)",
    "spe": "The SPE welfare of the contracting game with K = {k} is not computed for compact games: below K = N the "
           "compact SPE check enumerates every coalition's proposals by counts, beyond the report's time",
}


# ---------------------------------------------------------------------------------------- guarantees
def _loss(a: Any, o: Any, members: bool) -> tuple[int, Fraction, Fraction] | None:
    """The first player of ``o``'s members (or outsiders) below its no-contract payoff: (player, payoff, base)."""
    base = a.no_contract.payoffs
    inside = set(o.coalition)
    pay = o.payoffs if members else o.raw_payoffs
    for i, (p, b) in enumerate(zip(pay, base)):
        if (i in inside) == members and p < b:
            return i, p, b
    return None


def _verdict(a: Any, name: str, who: Callable[[Any, int | None], str]) -> tuple[bool | None, str]:
    """One guarantee on the study ``a``: (holds, the failure in words); ``who(outcome, player)`` names them."""
    base = a.no_contract
    live = [o for o in a.outcomes.values() if o.welfare is not None]
    if name == "optimum-reachable":
        reached = [o.welfare for o in live] + ([base.welfare] if base.welfare is not None else [])
        if not reached:
            return None, ""
        best = max(reached)
        return best == a.optimum_welfare, (f"the best welfare reached is {num(best)} < W* = "
                                           f"{num(a.optimum_welfare)}")
    if not live or (name != "stable-is-best" and base.payoffs is None):
        return None, ""
    if name == "stable-is-best":
        best = max(o.welfare for o in live)
        stable = [S for S, c in a.stability.items() if c.stable]
        if any(a.outcomes[S].welfare == best for S in stable):
            return True, ""
        reach = sorted({a.outcomes[S].welfare for S in stable if a.outcomes[S].welfare is not None})
        return False, (f"the highest welfare is {num(best)}; " + ("no coalition is stable" if not stable else
                       "the stable coalitions reach " + ", ".join(num(x) for x in reach)))
    for o in live:
        if name == "welfare-rises" and o.welfare < base.welfare:
            return False, f"{who(o, None)} reach {num(o.welfare)} < {num(base.welfare)} without a contract"
        if name in ("members-gain", "outsiders-gain"):
            lost = _loss(a, o, name == "members-gain")
            if lost is not None:
                i, p, b = lost
                return False, f"with {who(o, None)} signing, {who(o, i)} gets {num(p)} < {num(b)} without a contract"
    return True, ""


def study_guarantees(a: Any, who: Callable[[Any, int | None], str] | None = None) -> list[dict[str, Any]]:
    """The five guarantees of :data:`~contract_theory.report.answers.GUARANTEES` on a coalition study
    ``a`` at its K (any kind: normal-form, Markov, compact), each ``{claim, statement, negation,
    holds, detail}`` as in :func:`~contract_theory.report.answers.game_answers`.

    The built-in claims' definitions (:mod:`contract_theory.search.claims`) on the study's outcomes:
    a coalition of 2..K or no contract reaches W*; a stable coalition has the highest welfare of the
    coalitions; no coalition lowers welfare below no contract; no member's final payoff (no
    outsider's own payoff) is below its no-contract payoff.  ``holds`` is ``None`` where a needed
    outcome has no pure equilibrium.  ``who(outcome, player)`` words the coalition (``player``
    ``None``) or one of its players (default: the dense names, ``{P0, P1}`` and ``P2``).
    Complexity O(outcomes x N).

    Examples
    --------
    >>> from contract_theory.api import partial_contract_analysis
    >>> from contract_theory.games.library import public_goods
    >>> rows = study_guarantees(partial_contract_analysis(public_goods(4, "8/5", 20), 3))
    >>> [(r["claim"], r["holds"]) for r in rows][:2]
    [('optimum-reachable', False), ('stable-is-best', True)]
    >>> rows[0]["detail"]
    'the best welfare reached is 116 < W* = 128'
    """
    players = a.game.players

    def dense(o: Any, i: int | None) -> str:
        return coalition_text(players, o.coalition) if i is None else str(players[i])

    out = []
    for name, statement, negation in GUARANTEES:
        holds, detail = _verdict(a, name, who or dense)
        out.append({"claim": name, "statement": statement, "negation": negation, "holds": holds,
                    "detail": detail if holds is False else ""})
    return out


# ---------------------------------------------------------------------------------------- one game
def _common(a_k: Any, n: int, kind: str) -> dict[str, Any]:
    return {"kind": kind, "n": n, "k": a_k.k, "optimum": num(a_k.optimum_welfare),
            "no_contract": None if a_k.no_contract.welfare is None else num(a_k.no_contract.welfare),
            "w_k": None if a_k.w_k is None else num(a_k.w_k),
            "price": None if a_k.price_of_partial_contracting is None else num(a_k.price_of_partial_contracting),
            "price_measure": a_k.price_measure, "restores": [],
            "convention": {"timing": a_k.timing, "selection": a_k.selection, "sharing": a_k.sharing, "tie": a_k.tie},
            "baseline_reaches": a_k.w_k is not None and a_k.w_k == a_k.optimum_welfare}


def _full_contract(n: int, min_k: int | None, spe_full: dict[str, Any] | None) -> str:
    """What raising K does, from the section's study with K = N: the smallest K reaching W*."""
    if min_k is None:
        text = f"no plain contract of up to all {n} players reaches W*"
    elif min_k >= n:
        text = f"of plain contracts, only the one all {n} players sign (K = N) reaches W*"
    else:
        text = f"a plain contract of {min_k} players reaches W*"
    if spe_full is not None:
        low, high = num(spe_full["worst_welfare"]), num(spe_full["best_welfare"])
        text += (f"; with all {n} signing every SPE has welfare {low}" if low == high else
                 f"; with all {n} signing the SPEs have welfare from {low} to {high}")
    return text


def markov_answers(a_full: Any, a_k: Any | None, spe_k: Any = None,
                   spe_full: dict[str, Any] | None = None) -> dict[str, Any]:
    """The Answers document of a Markov game (module docstring), with the keys of
    :func:`~contract_theory.report.answers.game_answers`.

    ``a_full`` is the Markov section's coalition study with K = N, ``a_k`` the study at the K < N
    studied (``None`` for two players), ``spe_k`` the contracting game's SPE result at that K
    (:func:`contract_theory.api.theorem_check`, ``None``: not computed) and ``spe_full`` the
    section's ``{worst_welfare, best_welfare}`` with all signing.  Complexity: the guarantees'
    pass over the study's outcomes.

    Examples
    --------
    >>> from contract_theory.api import partial_contract_analysis
    >>> from contract_theory.games.markov_library import commons_markov
    >>> g = commons_markov(3)
    >>> d = markov_answers(partial_contract_analysis(g, 3), partial_contract_analysis(g, 2))
    >>> d["optimum"], d["no_contract"], d["w_k"], d["price"], d["coalition"]
    ('30', '39/2', '30', '1', ['P0', 'P1'])
    """
    g = a_full.game
    if a_k is None or k_partial(g.n_players, g.n_players) is None:
        return {"kind": "markov", "n": g.n_players, "k": None, "optimum": num(a_full.optimum_welfare),
                "no_contract": None if a_full.no_contract.welfare is None else num(a_full.no_contract.welfare)}
    doc = _common(a_k, g.n_players, "markov")
    best = a_k.by_k.get(a_k.k)
    doc.update({
        "coalition": None if best is None or best.welfare != a_k.w_k else [str(g.players[i]) for i in best.coalition],
        "fails": None, "fails_note": MARKOV_NOT_COMPUTED["fails"],
        "restores_note": MARKOV_NOT_COMPUTED["restores"] + "; "
                         + _full_contract(g.n_players, a_full.min_k_for_optimum, spe_full),
        "guarantees": study_guarantees(a_k),
        "spe": None if spe_k is None else {"worst": num(spe_k.worst_welfare), "best": num(spe_k.best_welfare)},
        "full_k": a_full.min_k_for_optimum,
        "values": f"Welfare is discounted, from the initial distribution; no contract is the {a_k.selection} MPE"})
    return doc


def _type_of(game: Any, i: int) -> str:
    """The type name of compact player ``i`` (players are numbered type by type)."""
    start = 0
    for name, count in zip(game.type_names, game.type_counts):
        if i < start + count:
            return str(name)
        start += count
    raise IndexError(i)


def _composition(game: Any, comp: Any) -> str:
    """A composition in words: ``3 of 100`` (one type) or ``T0 1 of 60, T1 33 of 40``."""
    if len(comp) == 1:
        return f"{comp[0]} of {game.type_counts[0]}"
    return ", ".join(f"{t} {s} of {c}" for t, s, c in zip(game.type_names, comp, game.type_counts))


def compact_answers(a_full: Any, a_k: Any, checks: Any, spe_full: dict[str, Any] | None = None) -> dict[str, Any]:
    """The Answers document of a compact game (module docstring), with the keys of
    :func:`~contract_theory.report.answers.game_answers`; the best coalition is ``composition``
    (in words) instead of ``coalition``.

    ``a_full`` is the compact section's study with K = N, ``a_k`` the study at K = N - 1, ``checks``
    the compact assumption checks at that K
    (:func:`contract_theory.api.check_assumptions` with ``analysis=a_k``), ``spe_full`` the
    section's SPE range with all signing (``None``: not run).  Complexity: the guarantees' pass over
    the study's compositions (each expanded to its N players).

    Examples
    --------
    >>> from contract_theory.api import check_assumptions, partial_contract_analysis
    >>> from contract_theory.games.compact_library import public_goods_compact
    >>> g = public_goods_compact(4, "8/5", 20)
    >>> a3 = partial_contract_analysis(g, 3)
    >>> d = compact_answers(partial_contract_analysis(g, 4), a3, check_assumptions(g, 3, analysis=a3))
    >>> d["w_k"], d["price"], d["composition"], [f["id"] for f in d["fails"]]
    ('116', '32/29', '3 of 4', ['A4', 'B1'])
    """
    g = a_full.game
    doc = _common(a_k, g.n_players, "compact")
    best = a_k.by_k.get(a_k.k)
    uniform = a_k.no_contract.runs is not None and all(len(r) == 1 for r in a_k.no_contract.runs)

    def who(o: Any, i: int | None) -> str:
        if i is None:
            return f"a coalition of {_composition(g, o.composition)}"
        return f"a {'member' if i in o.coalition else 'outsider'} of type {_type_of(g, i)}"

    doc.update({
        "composition": None if best is None or best.welfare != a_k.w_k else _composition(g, best.composition),
        "fails": [{"id": c.id, "name": c.name, "witness": witness_sentence(c, g)} for c in checks
                  if c.status == "fails"],
        "undecided": [{"id": c.id, "name": c.name, "witness": witness_sentence(c, g)} for c in checks
                      if c.status == "undecided"],
        "restores_note": COMPACT_NOT_COMPUTED["restores"] + "; "
                         + _full_contract(g.n_players, a_full.min_k_for_optimum, spe_full),
        "guarantees": study_guarantees(a_k, who),
        "guarantees_note": None if uniform else "decided on each composition's canonical coalition (the first "
                                                "members of each type)",
        "spe": None, "spe_note": COMPACT_NOT_COMPUTED["spe"].format(k=a_k.k),
        "full_k": a_full.min_k_for_optimum,
        "values": "Coalitions are compositions (members per type)"})
    return doc
