r"""The report's opening section: the answers to the research questions, from the study's results.

The three questions (``docs/background/model.md``, sections 4 and 6): when only K < N agents may
sign, *which of the theorem's assumptions still hold*, *what restores optimality*, and *what weaker
guarantee holds*.  Each game section computes its answers (:func:`game_answers`, a JSON-able
document: it travels through the report's checkpoint and worker processes like the rest of the
section); :func:`answers_section` then writes the section that opens the report from those
documents and from the claims atlas (:mod:`contract_theory.report.atlas`).

Per game, at the K < N studied (the command's ``--k`` when it is below N, else N - 1):

* W*, W_K and the **price of partial contracting** at that K: W* / W_K when both are positive,
  else the difference W* - W_K (:func:`~contract_theory.contracting.coalitions.partial_contracts.welfare_curve_summary`);
* the assumptions that fail at that K, by id and name, each witness in words
  (:func:`~contract_theory.report.wording.witness_sentence`);
* the modifications (:mod:`contract_theory.contracting.modifications.design`) that reach W* and their cost;
* the built-in claims (:data:`contract_theory.search.claims.BUILTIN_CLAIMS`) evaluated on the game
  at that K -- the guarantees that held and those that did not, with the failing coalition -- and
  the worst SPE welfare of the contracting game with that K.

Across games, the atlas folded into a claim x shape table under the report's convention (one
cell per claim and shape), with the number of the atlas's conventions under which the claim holds.

Every number is exact and printed by :func:`~contract_theory.report.wording.num`; every sentence is
stated under the report's convention (timing, selection, sharing, tie rule), which the report names
once at its top.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from contract_theory.contracting.coalitions.partial_contracts import welfare_curve_summary
from contract_theory.contracting.coalitions.rules import Rules
from contract_theory.games.normal_form import NormalFormGame
from contract_theory.report.guarantees import guarantees_lines
from contract_theory.report.wording import coalition_text, num, witness_sentence

__all__ = ["GUARANTEES", "price_phrase", "game_answers", "spe_sentence", "answers_section", "atlas_fold",
           "k_partial"]

#: The built-in claims read as guarantees, strongest first: (claim, the words when it holds, when it fails).
GUARANTEES: tuple[tuple[str, str, str], ...] = (
    ("optimum-reachable", "a coalition of at most K reaches W*", "no coalition of at most K reaches W*"),
    ("stable-is-best", "a stable coalition has the highest welfare among those of 2..K",
     "no stable coalition has the highest welfare"),
    ("welfare-rises", "welfare weakly rises whichever coalition of 2..K signs", "some coalition lowers welfare"),
    ("members-gain", "members weakly gain in every coalition of 2..K", "some member loses"),
    ("outsiders-gain", "outsiders weakly gain whichever coalition of 2..K signs", "some outsider loses"),
)


def k_partial(n: int, k: int) -> int | None:
    """The K < N the report studies for an N-player game run with K = ``k``: ``k`` itself when it is
    below N, else N - 1; ``None`` when no K with 2 <= K < N exists (two players).

    Complexity O(1).

    Examples
    --------
    >>> k_partial(5, 5), k_partial(5, 3), k_partial(2, 2)
    (4, 3, None)
    """
    kk = k if k < n else n - 1
    return kk if kk >= 2 else None


# ---------------------------------------------------------------------------------------- one game
def price_phrase(a: Any, k: int) -> str:
    """The price of partial contracting at coalition bound ``k`` (at most the study's K), in words:
    W*/W_k when both are positive, else the difference.  Complexity O(k).

    Examples
    --------
    >>> from contract_theory.contracting.coalitions.partial_contracts import partial_contract_analysis
    >>> from contract_theory.games.library import public_goods
    >>> a = partial_contract_analysis(public_goods(4, "8/5", 20), 4)
    >>> price_phrase(a, 3), price_phrase(a, 4)
    ('32/29 (W* / W_3 = 128 / 116)', '1 (W* / W_4 = 128 / 128)')
    """
    price, measure, w_k = _price(a, k)
    if price is None or w_k is None:
        return "undefined (no pure outcome)"
    w_star = num(a.optimum_welfare)
    if measure == "ratio":
        return f"{num(price)} (W* / W_{k} = {w_star} / {num(w_k)})"
    return f"{num(price)} (the difference W* - W_{k} = {w_star} - {num(w_k)}: welfare not positive)"


def _price(a: Any, kk: int) -> tuple[Fraction | None, str, Fraction | None]:
    """(price, measure, W_kk) from a study whose K is at least ``kk``."""
    by_size = {s: (o.welfare if o is not None else None) for s, o in a.by_k.items() if s <= kk}
    curve, _, price, measure = welfare_curve_summary(by_size, a.no_contract.welfare, a.optimum_welfare, kk)
    return price, measure, curve[kk]


def _guarantee(game: NormalFormGame, name: str, kk: int, rules: Rules) -> dict[str, Any]:
    """One built-in claim on ``game`` at K = ``kk`` under ``rules``: holds, and the witness in words."""
    from contract_theory.search.claims import get_claim

    params = {"k": kk, "timing": rules.timing, "selection": rules.selection, "sharing": rules.sharing, "tie": rules.tie}
    v = get_claim(name).verdict(game, params)
    w = v.witness
    detail = ""
    if v.holds is False:
        if name == "optimum-reachable":
            detail = f"the best welfare reached is {num(w['best_reached'])} < W* = {num(w['optimum'])}"
        elif name == "welfare-rises":
            detail = (f"{coalition_text(game.players, w['coalition'])} reach {num(w['welfare'])} < "
                      f"{num(w['no_contract_welfare'])} without a contract")
        elif name in ("members-gain", "outsiders-gain"):
            detail = (f"with {coalition_text(game.players, w['coalition'])} signing, {game.players[int(w['player'])]} "
                      f"gets {num(w['payoff'])} < {num(w['no_contract_payoff'])} without a contract")
        elif name == "stable-is-best":
            stable = w["stable"]
            detail = (f"the highest welfare is {num(w['best_welfare'])}; "
                      + ("no coalition is stable" if not stable else "the stable coalitions reach "
                         + ", ".join(num(x) for x in sorted(set(map(Fraction, w["stable_welfare"]))))))
    words = next(g for g in GUARANTEES if g[0] == name)
    return {"claim": name, "statement": words[1], "negation": words[2], "holds": v.holds, "detail": detail}


def _restores(design: dict[str, Any]) -> list[dict[str, Any]]:
    """The modifications that reach W* at the K studied (not the baseline), cheapest first."""
    out = []
    for r in design["modifications"]:
        if r["status"] == "computed" and r["welfare"] is not None and r["welfare"] == design["optimum"]:
            out.append({"modification": r["name"], "cost": r["cost"], "cost_attained": r["cost_attained"],
                        "min_k": r["min_k_for_optimum"], "timing": None if r["convention"] is None else
                        r["convention"]["timing"], "tie_dependent": r["tie_dependent"]})
    return sorted(out, key=lambda x: (x["timing"] is not None, Fraction(x["cost"])))


def game_answers(game: NormalFormGame, a: Any, kk: int | None, rules: Rules, design: dict[str, Any] | None,
                 spe: dict[str, Any] | None) -> dict[str, Any]:
    """The answers for one game at the K < N studied (module docstring), as a JSON-able document.

    ``a`` is the game's coalition study (K at least ``kk``), ``design`` the
    :func:`~contract_theory.report.design.design_json` document at ``kk``, ``spe`` the contracting
    game's SPE welfare range ``{"worst_welfare", "best_welfare"}`` at ``kk``.  ``kk`` ``None`` (two
    players): only W* and the note that no K < N exists.  Complexity: one assumption check and five
    claim evaluations at ``kk`` (each solves every coalition of size 2..kk).

    Examples
    --------
    >>> from contract_theory.contracting.coalitions.partial_contracts import partial_contract_analysis
    >>> from contract_theory.contracting.modifications.design import design_comparison
    >>> from contract_theory.games.library import public_goods
    >>> from contract_theory.report.design import design_json
    >>> g = public_goods(4, "8/5", 20)
    >>> d = game_answers(g, partial_contract_analysis(g, 4), 3, Rules(), design_json(design_comparison(g, 3)), None)
    >>> d["optimum"], d["w_k"], d["price"], [f["id"] for f in d["fails"]]
    ('128', '116', '32/29', ['A4', 'B1'])
    """
    from contract_theory.contracting.protocol.assumptions import check_assumptions

    doc: dict[str, Any] = {"n": game.n_players, "k": kk, "optimum": num(a.optimum_welfare),
                           "no_contract": None if a.no_contract.welfare is None else num(a.no_contract.welfare)}
    if kk is None or design is None:
        return doc
    price, measure, w_k = _price(a, kk)
    best = a.by_k.get(kk)
    doc.update({"w_k": None if w_k is None else num(w_k), "price": None if price is None else num(price),
                "price_measure": measure,
                "coalition": None if best is None or w_k != best.welfare else [str(game.players[i]) for i in best.coalition],
                "fails": [{"id": c.id, "name": c.name, "witness": witness_sentence(c, game)}
                          for c in check_assumptions(game, kk, rules) if c.status == "fails"],
                "restores": _restores(design), "baseline_reaches": design["baseline"]["welfare"] == design["optimum"],
                "guarantees": [_guarantee(game, name, kk, rules) for name, _, _ in GUARANTEES],
                "spe": None if spe is None else {"worst": spe["worst_welfare"], "best": spe["best_welfare"]}})
    return doc


# ---------------------------------------------------------------------------------------- the section
#: The terms the report uses, each with the page of docs/background/ that defines it.
_GLOSSARY: tuple[str, ...] = (
    "- **K, coalition, outsiders**: at most K of the N players sign a binding, budget-balanced contract; the "
    "coalition then acts as one bloc maximizing its members' total, and the N - K or more outsiders keep their own "
    "payoffs and best-respond (docs/background/model.md, section 4).",
    "- **W*, W_K**: the optimal social welfare (sum of payoffs) over all joint actions; W_K the best welfare a "
    "coalition of at most K reaches, or no contract if that is higher (section 4). In a Markov game welfare is the "
    "discounted sum of rewards from the initial state distribution, and W* the team optimum over joint policies "
    "(section 1).",
    "- **composition**: a coalition of a compact game (many players of a few types) named by how many members of "
    "each type it has, e.g. 3 of 100; its numbers are those of the first members of each type "
    "(docs/background/model.md section 8).",
    "- **price of partial contracting**: W* / W_K when both are positive, else the difference W* - W_K (section 4).",
    "- **assumptions A1-A12, B1-B4**: the full-contract theorem's assumptions and the four added when K < N, each a "
    "check with a witness when it fails (docs/background/theorem.md, docs/background/model.md section 6).",
    "- **stable**: no member gains by leaving (internal) and no outsider by joining (external); the tie rule says "
    "what an indifferent player does: inside (the default) means it prefers to be inside, so an indifferent member "
    "stays and an indifferent outsider joins; outside the reverse; both-weak and both-strict as named (section 4).",
    "- **SPE**: subgame-perfect equilibrium of the contracting game (propose, vote, play; section 5).",
    "- **MPE**: Markov perfect equilibrium of a Markov game: stationary policies, each a best response in every "
    "state (the Markov games section; docs/background/model.md section 2).",
    "- **modifications**: payments to outsiders, observing outsiders, several contracts, recruitment, minimum "
    "participation, sanctions on outsiders, stabilizing transfers (docs/background/modifications.md).",
    "- **holds / fails / margin**: a claim decided over all games of a shape; a failure's margin is the largest "
    "distance (max norm) within which every game fails too, 0 when the counterexample rests on a tie "
    "(docs/background/deciding-claims.md).",
)

def _price_text(d: dict[str, Any]) -> str:
    if d.get("price") is None:
        return "undefined (no pure outcome)"
    if d["price_measure"] == "ratio":
        return f"{d['price']} (W* / W_{d['k']})"
    return f"{d['price']} (difference W* - W_{d['k']}: welfare not positive)"


def _restore_text(d: dict[str, Any]) -> str:
    if d["baseline_reaches"]:
        return f"nothing needed: a plain contract of at most {d['k']} already reaches W*"
    if d.get("restores_note"):  # Markov and compact games (report.kind_answers): why not, and what K = N does
        return str(d["restores_note"])
    if not d["restores"]:
        return "no modification studied reaches W* with K = " + str(d["k"])
    parts = []
    for r in d["restores"]:
        cost = f"at cost {r['cost']}" if r["cost_attained"] else f"at any cost above {r['cost']} (not at {r['cost']} itself)"
        extra = "" if r["timing"] is None else f", under {r['timing']} timing only"
        extra += ", resting on a tie" if r["tie_dependent"] else ""
        parts.append(f"{r['modification']} {cost}{extra}")
    return "; ".join(parts)


def _guarantee_text(d: dict[str, Any]) -> str:
    held = [g["statement"] for g in d["guarantees"] if g["holds"] is True]
    failed = [f"{g['negation']} ({g['detail']})" for g in d["guarantees"] if g["holds"] is False]
    undefined = [g["statement"] for g in d["guarantees"] if g["holds"] is None]
    out = "; ".join(held) if held else "none of the built-in guarantees holds"
    if failed:
        out += ". But " + "; ".join(failed)
    if undefined:
        out += ". Undefined (no pure outcome): " + "; ".join(undefined)
    if d.get("guarantees_note"):
        out += f" ({d['guarantees_note']})"
    if d.get("spe") is not None:
        out += ". " + spe_sentence(d["k"], d["spe"]["worst"], d["spe"]["best"])
    elif d.get("spe_note"):
        out += ". " + d["spe_note"]
    return out


def spe_sentence(k: int, worst: Any, best: Any) -> str:
    """The SPE welfare range of the contracting game with coalition bound ``k``, in words: one value
    when every SPE gives the same welfare, else ``from worst to best``; exact numbers by :func:`num`.

    Complexity O(1).

    Examples
    --------
    >>> spe_sentence(3, "116", "116")
    'Every SPE of the contracting game with K = 3 has welfare 116'
    >>> spe_sentence(2, Fraction(27), "32")
    'The SPEs of the contracting game with K = 2 have welfare from 27 to 32'
    >>> spe_sentence(2, None, None)
    'The SPE welfare of the contracting game with K = 2 is undefined (no pure outcome)'
    """
    if worst is None or best is None:
        return f"The SPE welfare of the contracting game with K = {k} is undefined (no pure outcome)"
    low, high = num(worst), num(best)
    if Fraction(low) == Fraction(high):
        return f"Every SPE of the contracting game with K = {k} has welfare {low}"
    return f"The SPEs of the contracting game with K = {k} have welfare from {low} to {high}"


#: How each kind of game is named in the Answers (after its link).
_KIND = {"markov": "Markov game", "compact": "compact game"}


def _by_witness(checks: Sequence[dict[str, Any]]) -> str:
    """Checks failing for the same reason share one witness: ``A4 (name) and B1 (name): witness``."""
    by_witness: dict[str, list[str]] = {}
    for f in checks:
        by_witness.setdefault(f["witness"], []).append(f"{f['id']} ({f['name']})")
    return ". ".join(f"{' and '.join(ids)}: {w}" for w, ids in by_witness.items())


def _fails_line(d: dict[str, Any]) -> str:
    if d.get("fails") is None:  # Markov games: the checks are not defined there (report.kind_answers)
        return f"    - Assumptions at K = {d['k']}: {d.get('fails_note') or 'not computed'}."
    out = (f"    - Assumptions failing at K = {d['k']}: {_by_witness(d['fails'])}." if d["fails"] else
           f"    - Every checked assumption holds at K = {d['k']}.")
    if d.get("undecided"):
        out += f" Undecided: {_by_witness(d['undecided'])}."
    return out


def _convention_note(d: dict[str, Any], rules: Rules) -> str:
    """Where a game's section ran under another convention than the report's (the Markov and compact
    sections use the defaults), the words that say so; else ``""``."""
    conv = d.get("convention")
    mine = {"timing": rules.timing, "selection": rules.selection, "sharing": rules.sharing, "tie": rules.tie}
    if not conv or conv == mine:
        return ""
    return (" Its section, and so this line, uses timing " + conv["timing"] + ", selection " + conv["selection"]
            + ", sharing " + conv["sharing"] + " and tie " + conv["tie"] + ".")


def _game_lines(title: str, anchor: str, d: dict[str, Any], rules: Rules = Rules()) -> list[str]:
    kind = f", {_KIND[d['kind']]}" if d.get("kind") in _KIND else ""
    head = f"- **[{title}](#{anchor})** (N = {d['n']}{kind}): "
    if d.get("k") is None or "w_k" not in d:
        return [head + f"W* = {d['optimum']}; with two players no K < N leaves a contract (K = 1 is no contract)."]
    who = (f" by {{{', '.join(d['coalition'])}}}" if d.get("coalition") else
           f" by a coalition of {d['composition']}" if d.get("composition") else "")
    values = f" {d['values']}." if d.get("values") else ""
    lines = [head + f"W* = {d['optimum']}, no contract {d['no_contract'] or '-'}, W_{d['k']} = {d['w_k'] or '-'}{who}; "
             f"price of partial contracting at K = {d['k']}: {_price_text(d)}.{values}{_convention_note(d, rules)}"]
    lines.append(_fails_line(d))
    lines.append(f"    - Restores W*: {_restore_text(d)}.")
    lines.append(f"    - Guarantees at K = {d['k']}: {_guarantee_text(d)}.")
    return lines


def _not_restored(d: dict[str, Any]) -> str:
    """The summary cell of a Markov or compact game whose K < N misses W*: what K = N does, modifications not computed."""
    full = d.get("full_k")
    reach = ("all N sign" if full == d["n"] else f"{full} players sign" if full is not None else
             "no plain contract")
    return f"{reach} (modifications not computed)"


def _summary_table(games: Sequence[tuple[str, str, dict[str, Any]]]) -> list[str]:
    """One row per game: the numbers, the failing assumptions' ids, whether W* is restored, the guarantees held."""
    short = {"optimum-reachable": "W* reached", "stable-is-best": "stable is best", "welfare-rises": "welfare rises",
             "members-gain": "members gain", "outsiders-gain": "outsiders gain"}
    rows = ["| game | N | K | W* | W_K | price at K | failing at K | W* restored by | guarantees that hold |",
            "|---|---|---|---|---|---|---|---|---|"]
    for title, anchor, d in games:
        cell = re.sub(r"(?<!\\)\|", r"\\|", title)  # a | would end the table cell (titles come markdown_safe)
        name = f"[{cell}](#{anchor})" + (f" ({_KIND[d['kind']]})" if d.get("kind") in _KIND else "")
        if d.get("k") is None or "w_k" not in d:
            rows.append(f"| {name} | {d['n']} | - | {d['optimum']} | - | - | - | - | - |")
            continue
        kind = _KIND.get(d.get("kind", ""), "")
        restored = ("no modification needed" if d["baseline_reaches"] else
                    ", ".join(r["modification"] for r in d["restores"])
                    or (_not_restored(d) if d.get("restores_note") else "none of the modifications studied"))
        failing = (f"not computed ({kind})" if d.get("fails") is None else
                   ", ".join(f["id"] for f in d["fails"]) or "none")
        held = ", ".join(short[g["claim"]] for g in d["guarantees"] if g["holds"] is True) or "none"
        rows.append(f"| {name} | {d['n']} | {d['k']} | {d['optimum']} | {d['w_k'] or '-'} | "
                    f"{d['price'] or '-'} | {failing} | {restored} | {held} |")
    return [*rows, "", "Per game (the price is W* / W_K, or the difference where welfare is not positive):", ""]


def atlas_fold(atlas: dict[str, Any] | None, rules: Rules) -> dict[str, Any] | None:
    """The claims atlas folded into claim x shape under ``rules`` (verdict and margin per cell), with,
    per claim and shape, how many of the atlas's conventions it holds, fails or is unknown in.

    Complexity O(rows).

    Examples
    --------
    >>> rows = [{"claim": "welfare-rises", "shape": [2, 2], "timing": t, "selection": "pessimistic",
    ...          "sharing": "equal", "tie": None, "verdict": v, "margin": m}
    ...         for t, v, m in (("stackelberg", "holds", None), ("nash", "fails", "1/2"))]
    >>> fold = atlas_fold({"rows": rows}, Rules())
    >>> fold["cells"]["welfare-rises"]["2x2"], fold["counts"]["welfare-rises"]["2x2"]
    ({'verdict': 'holds', 'margin': None}, {'holds': 1, 'fails': 1, 'unknown': 0})
    """
    if atlas is None:
        return None
    mine = {"timing": rules.timing, "selection": rules.selection, "sharing": rules.sharing}
    cells: dict[str, dict[str, Any]] = {}
    counts: dict[str, dict[str, dict[str, int]]] = {}
    shapes: list[str] = []
    for r in atlas["rows"]:
        shape = "x".join(map(str, r["shape"]))
        if shape not in shapes:
            shapes.append(shape)
        c = counts.setdefault(r["claim"], {}).setdefault(shape, {"holds": 0, "fails": 0, "unknown": 0})
        c[r["verdict"] if r["verdict"] in c else "unknown"] += 1
        if all(r[k] == v for k, v in mine.items()) and r["tie"] in (None, rules.tie):
            cells.setdefault(r["claim"], {})[shape] = {"verdict": r["verdict"], "margin": r.get("margin")}
    return {"shapes": shapes, "cells": cells, "counts": counts}


def _cell_text(cell: dict[str, Any] | None) -> str:
    if cell is None:
        return "-"
    if cell["verdict"] == "fails":
        m = cell["margin"]
        return f"fails (margin {m})" if m not in (None, "0") else "fails (margin 0: on a tie)"
    return str(cell["verdict"])


def _claim_sentence(name: str, fold: dict[str, Any]) -> str:
    from contract_theory.search.claims import BUILTIN_CLAIMS

    cells = fold["cells"].get(name, {})
    holds = [s for s in fold["shapes"] if cells.get(s, {}).get("verdict") == "holds"]
    fails = [s for s in fold["shapes"] if cells.get(s, {}).get("verdict") == "fails"]
    parts = []
    if holds:
        parts.append(f"holds for every game of shape {', '.join(holds)}")
    if fails:
        parts.append(f"fails for some game of shape {', '.join(fails)}")
    rest = [s for s in fold["shapes"] if s not in holds and s not in fails]
    if rest:
        parts.append(f"is undecided for {', '.join(rest)}")
    counts = fold["counts"].get(name, {})
    tail = " Across the atlas's conventions it holds in " + ", ".join(
        f"{c['holds']} of {sum(c.values())} for {s}" for s, c in counts.items()) + "."
    return f"*{name}* ({BUILTIN_CLAIMS[name].description}): under this convention it {' and '.join(parts)}.{tail}"


def answers_section(games: Sequence[tuple[str, str, dict[str, Any]]], atlas: dict[str, Any] | None,
                    rules: Rules, guarantees: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
    """The Answers section (Markdown) and its JSON, from each game's ``(title, anchor, answers)`` and
    the claims atlas (``None``: not computed).

    Complexity O(games + atlas rows).

    Examples
    --------
    >>> text, doc = answers_section([], None, Rules())
    >>> text.splitlines()[0]
    '## Answers'
    """
    lines = ["## Answers", "",
             "The three questions of the study, answered from the results below, for the K < N each game is studied "
             "at (N - 1 unless --k is smaller; the Markov and compact games at N - 1): which of the theorem's "
             "assumptions hold when only K < N sign, what restores the optimal welfare W*, and what weaker guarantee "
             "holds. Every statement is under the convention named above.", ""]
    if games:
        lines += _summary_table(games)
    for title, anchor, d in games:
        lines += _game_lines(title, anchor, d, rules)
    fold = atlas_fold(atlas, rules)
    lines += ["", "### Which claims hold for every game of a shape", ""]
    if fold is None:
        lines.append("The claims atlas was not computed (see its section).")
    else:
        lines.append("The claims atlas (its section below) decided over all games with real payoffs, under this "
                     f"convention (timing {rules.timing}, selection {rules.selection}, sharing {rules.sharing}, tie "
                     f"{rules.tie}; K = N - 1, and K = 2 for two players). A margin is how far every nearby game "
                     "also fails (max norm).")
        lines += ["", "| claim | " + " | ".join(fold["shapes"]) + " |", "|---|" + "---|" * len(fold["shapes"])]
        for name, _, _ in GUARANTEES:
            if name in fold["cells"]:
                lines.append(f"| {name} | " + " | ".join(_cell_text(fold["cells"][name].get(s)) for s in fold["shapes"])
                             + " |")
        lines.append("")
        lines += [f"- {_claim_sentence(name, fold)}" for name, _, _ in GUARANTEES if name in fold["cells"]]
    lines += guarantees_lines(guarantees, rules)  # report.guarantees: the tight constants, or that they are missing
    lines += ["", "### Glossary", "", *_GLOSSARY]
    lines.append("")
    text = "\n".join(lines).replace("W*", "W\\*")  # a literal star: two of them on a line are no emphasis
    return text, {"games": [dict(d, title=t, anchor=a) for t, a, d in games], "atlas": fold}
