r"""Markov games rendered: what ``solve`` and ``analyze`` print for a Markov game.

* :func:`markov_solve_json` / :func:`markov_solve_text` -- stationary pure MPE, team optimum,
  price of anarchy/stability over MPE;
* :func:`_markov_analysis_json` / :func:`_markov_analysis_text` / :func:`_markov_analysis_latex` --
  the keys of :func:`contract_theory.report.analysis.analysis_json`, with ``profile`` a policy
  ``{player: {state: action}}``, ``welfare`` the discounted welfare from rho0, payoffs the
  rho0-weighted values, plus ``mpe`` (list of ``{policy, values, welfare}``; ``pure_nash`` holds the
  same list, the stationary pure MPE being the Markov game's pure equilibria) and ``states``,
  ``discount``.
"""

from __future__ import annotations

from typing import Any

from contract_theory.games.markov import MarkovGame
from contract_theory.markov.mpe import DEFAULT_MAX_POLICIES, mpe_solve
from contract_theory.markov.policy import check_policy, is_deterministic, policy_labels
from contract_theory.markov.values import team_optimum
from contract_theory.report.wording import num

__all__ = ["markov_solve_json", "markov_solve_text", "policy_json", "values_json", "mixed_mpe_json"]


# ------------------------------------------------------------------------------------ JSON views
def policy_json(game: MarkovGame, policy: Any) -> dict[str, dict[str, str]]:
    """``{player: {state: action label}}``; a mixed policy gives ``"label p, label q"`` (positive probabilities)."""
    pol: Any = check_policy(game, policy)
    if is_deterministic(pol):
        return policy_labels(game, pol)
    return {game.players[i]: {game.states[s]: ", ".join(f"{game.actions[i][k]} {num(p)}" for k, p in enumerate(row)
                                                        if p != 0)
                              for s, row in enumerate(rows)} for i, rows in enumerate(pol)}


def mixed_mpe_json(game: MarkovGame) -> dict[str, Any]:
    """The stationary mixed MPE (:func:`contract_theory.markov.mixed_mpe.mixed_mpe_solve`) as JSON.

    Keys: ``method``, ``exact``, ``complete``, ``equilibria`` (``{policy, values, welfare}`` and
    ``epsilon`` for a certified approximation), ``algebraic`` (``{policy}`` with 12-digit float
    probabilities of the irrational equilibria), ``notes``.
    """
    from contract_theory.markov.mixed_mpe import mixed_mpe_solve

    r = mixed_mpe_solve(game)
    eqs = []
    for e in r.equilibria:
        doc = {"policy": policy_json(game, e.policy), "values": values_json(game, e.values), "welfare": num(e.welfare)}
        if hasattr(e, "epsilon"):
            doc["epsilon"] = num(e.epsilon)
        eqs.append(doc)
    alg = [{"policy": {game.players[i]: {game.states[s]: [round(x, 12) for x in row] for s, row in enumerate(rows)}
                       for i, rows in enumerate(e.approx())}} for e in r.algebraic]
    return {"method": r.method, "exact": r.exact, "complete": r.complete, "equilibria": eqs, "algebraic": alg,
            "notes": list(r.notes)}


def values_json(game: MarkovGame, values: Any) -> dict[str, dict[str, str]]:
    """``{player: {state: exact value string}}``."""
    return {game.players[i]: {game.states[s]: num(v) for s, v in enumerate(row)} for i, row in enumerate(values)}


def _mpe_json(game: MarkovGame, max_policies: int) -> list[dict[str, Any]]:
    return [{"policy": policy_json(game, e.policy), "values": values_json(game, e.values), "welfare": num(e.welfare)}
            for e in mpe_solve(game, max_policies=max_policies)]


def markov_solve_json(game: MarkovGame, *, max_policies: int = DEFAULT_MAX_POLICIES) -> dict[str, Any]:
    """The ``solve`` document of a Markov game (exact numbers as strings).

    Keys: ``title``, ``exact``, ``players``, ``states``, ``actions``, ``discount``, ``initial``,
    ``mpe`` (list of ``{policy, values, welfare}``), ``pure_nash`` (the same list), ``optimum``
    (``{welfare, policy, values}``: the team optimum from rho0), ``price_of_anarchy`` and
    ``price_of_stability`` (``{"mpe": ...}``, exact strings or ``null`` with a note, as for
    normal-form games), ``notes``.

    Examples
    --------
    >>> from contract_theory.games.markov_library import repeated_prisoners_dilemma
    >>> d = markov_solve_json(repeated_prisoners_dilemma(discount="1/2"))
    >>> d["mpe"][0]["policy"], d["optimum"]["welfare"], d["price_of_anarchy"]
    ({'Row': {'play': 'D'}, 'Column': {'play': 'D'}}, '12', {'mpe': '3'})
    """
    notes: list[str] = []
    if not game.exact:
        notes.append("the game was given with floats; results are exact for their binary values")
    mpe = _mpe_json(game, max_policies)
    opt = team_optimum(game)
    from contract_theory.markov.values import evaluate

    doc: dict[str, Any] = {
        "title": game.title, "exact": game.exact, "players": list(game.players), "states": list(game.states),
        "actions": [list(a) for a in game.actions], "discount": num(game.discount),
        "initial": {game.states[s]: num(p) for s, p in enumerate(game.initial) if p != 0},
        "mpe": mpe, "pure_nash": mpe,
        "optimum": {"welfare": num(opt.welfare), "policy": policy_json(game, opt.policy),
                    "values": values_json(game, evaluate(game, opt.policy))},
        "price_of_anarchy": {}, "price_of_stability": {},
    }
    from fractions import Fraction

    from contract_theory.equilibria.welfare_ratios import price_from_values
    from contract_theory.report.serialize import ratio_entry

    ws = [Fraction(e["welfare"]) for e in mpe]
    for key in ("price_of_anarchy", "price_of_stability"):
        value, note = ratio_entry(price_from_values(opt.welfare, ws, key, equilibria="mpe"), "mpe")
        doc[key]["mpe"] = value
        if note:
            notes.append(note)
    if not mpe:
        doc["mixed_mpe"] = mixed_mpe_json(game)
        notes.append("no stationary pure MPE: mixed_mpe lists the stationary mixed MPE (Fink 1964: one exists)")
    doc["notes"] = notes
    return doc


def _pol_text(pol: dict[str, dict[str, str]]) -> str:
    return "; ".join(f"{p}: " + " ".join(f"{s}->{a}" for s, a in st.items()) for p, st in pol.items())


def markov_solve_text(game: MarkovGame, doc: dict[str, Any]) -> str:
    """Readable summary of :func:`markov_solve_json`'s document."""
    lines = [f"{game.title or 'Markov game'}: {game.n_players} players ({', '.join(game.players)}), states "
             f"{', '.join(game.states)}, actions per player {' x '.join(str(len(a)) for a in game.actions)}, "
             f"discount {doc['discount']}"]
    lines.append(f"stationary pure Markov perfect equilibria ({len(doc['mpe'])}):")
    for e in doc["mpe"]:
        lines.append(f"  [{_pol_text(e['policy'])}]  welfare {e['welfare']}")
    mixed = doc.get("mixed_mpe")
    if mixed is not None:
        how = "exact" if mixed["exact"] else "certified approximation"
        lines.append(f"stationary mixed MPE ({len(mixed['equilibria']) + len(mixed['algebraic'])}, {how}, "
                     f"{'complete' if mixed['complete'] else 'possibly incomplete'}):")
        for e in mixed["equilibria"]:
            lines.append(f"  [{_pol_text(e['policy'])}]  welfare {e['welfare']}"
                         + (f"  (epsilon {e['epsilon']})" if "epsilon" in e else ""))
        for e in mixed["algebraic"]:
            lines.append(f"  [irrational] {e['policy']}")
    lines.append(f"team optimum W* = {doc['optimum']['welfare']} at [{_pol_text(doc['optimum']['policy'])}]")
    for key, name in (("price_of_anarchy", "price of anarchy"), ("price_of_stability", "price of stability")):
        v = doc[key]["mpe"]
        lines.append(f"{name} over MPE: {'undefined' if v is None else v}")
    for note in doc["notes"]:
        lines.append(f"note: {note}")
    return "\n".join(lines)



def _markov_analysis_json(a: Any, *, max_policies: int = DEFAULT_MAX_POLICIES) -> dict[str, Any]:
    """The ``analyze`` document of a Markov analysis (:func:`contract_theory.api.partial_contract_analysis`).

    Examples
    --------
    >>> from contract_theory.games.markov_library import cleanup_markov
    >>> from contract_theory.api import partial_contract_analysis
    >>> d = _markov_analysis_json(partial_contract_analysis(cleanup_markov(3), 2))
    >>> d["by_k"][0]["welfare"], d["by_k"][0]["profile"]["P2"], d["optimum"]["welfare"]
    ('285/29', {'Clean': 'Harvest', 'Dirty': 'Clean'}, '35/2')
    """
    from contract_theory.report.normal_form import analysis_json

    g: MarkovGame = a.game
    mpe = _mpe_json(g, max_policies)
    doc = analysis_json(a, render_profile=lambda p: policy_json(g, p), equilibria=mpe)
    for row in doc["by_k"]:
        o = a.by_k[row["k"]]
        if o is not None:
            row["values"] = values_json(g, o.values)
    doc.update({"states": list(g.states), "discount": num(g.discount), "mpe": mpe})
    return doc


def _markov_analysis_text(a: Any) -> str:
    """A readable report of a Markov analysis: the welfare-by-k table and stable coalitions."""
    from contract_theory.report.normal_form import curve_summary_lines, welfare_by_k_lines

    d = _markov_analysis_json(a)
    lines = [f"{d['title'] or 'Markov game'}: {len(d['players'])} players, states {', '.join(d['states'])}, discount "
             f"{d['discount']}; K = {a.k}; timing={a.timing}, selection={a.selection}, sharing={a.sharing}, "
             f"tie={a.tie}"]
    lines.append(f"team optimum W* = {d['optimum']['welfare']} (discounted, from the initial distribution)")
    nc = d["no_contract"]
    lines.append(f"no contract: W = {nc['welfare'] or '-'} at [{_pol_text(nc['profile']) if nc['profile'] else '-'}]")
    lines += welfare_by_k_lines(d, "policy", lambda pol: _pol_text(pol) if pol else "-")
    lines += curve_summary_lines(d)
    for note in d["notes"]:
        lines.append(f"note: {note}")
    return "\n".join(lines)


def _markov_analysis_latex(a: Any) -> str:
    """booktabs table of welfare by k for a Markov analysis (:func:`~contract_theory.report.analysis.analysis_latex`)."""
    from contract_theory.report.normal_form import analysis_latex

    return analysis_latex(a, doc=_markov_analysis_json(a), caption="Discounted welfare under partial contracts",
                          untitled="Markov game")
