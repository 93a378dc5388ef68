"""Render the modification comparison (:mod:`contract_theory.contracting.modifications.design`) and its report section.

JSON (the contract of ``contract-theory design --format json``): ``baseline`` and
``modifications``, each ``{name, welfare, min_k_for_optimum, cost, members_gain,
outsiders_gain, assumptions, notes}`` with exact numbers as strings (the baseline also
``stable_welfare``, the best stable welfare without repair; each treaty repair also
``parameter``, ``stable_welfare``, ``stable_sizes``, ``stable_coalitions`` and
``within_theorem_class``, :func:`contract_theory.report.stable_view.repair_json`), ``min_k_for_optimum``
``null`` when W* is out of reach within K and ``assumptions`` mapping a check id to
``"holds"``, ``"fails"`` or ``"not applicable"``; plus ``optimum``, ``no_contract``, ``k``,
``parameters`` and ``restores_optimality`` (one sentence).

The report section (:func:`design_section`) answers "which assumptions hold when only
K < N sign" for one game: the assumption table at K = N and at the K < N studied, the
modifications table at that K, and the sentence on what restores optimality.

Example (the text, Markdown and LaTeX forms of one comparison):

Examples
--------
>>> from contract_theory.games.library import public_goods
>>> from contract_theory.contracting.modifications.design import design_comparison
>>> d = design_comparison(public_goods(3, 2, 6), 2)   # K = 2 < N = 3
>>> design_text(d).splitlines()[3].split("  ")[0], " ".join(design_text(d).splitlines()[3].split()[1:])
('none', '30 - 0 4 8 as the command no B1')
>>> design_markdown(d).splitlines()[3]
'| payments to outsiders | 36 | 2 | > 2 | 10 | 8 | as the command | no | none (reaches W*) |'
>>> print([line for line in design_latex(d).splitlines() if line.startswith("payments")][0])
payments to outsiders & $36$ & 2 & $>2$ & $10$ & $8$ & as the command & no & none (reaches W*) \\\\
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from contract_theory.contracting.coalitions.rules import Rules
from contract_theory.contracting.modifications.design import DesignComparison, DesignRow, design_comparison, restores_optimality
from contract_theory.contracting.modifications.design_diagnosis import Reason
from contract_theory.games.normal_form import NormalFormGame
from contract_theory.report.analysis import FLOAT_NOTE, exactness_text
from contract_theory.report.stable_view import repair_json, repair_note
from contract_theory.report.wording import num, witness_sentence
from contract_theory.util.latex import terminal_safe, tex_escape, tex_number

__all__ = ["design_json", "design_text", "design_markdown", "design_latex", "design_section", "assumption_rows"]

_COLUMNS = ("modification", "welfare", "smallest k reaching W*", "cost", "members' gain", "outsiders' gain",
            "convention", "tie-dependent", "binding reason")

_SHORT = {"members": "members' share", "B1": "B1", "commitment": "commitment", "selection": "selection (B3)",
          "budget": "payment budget", "not stable": "not stable", "recruitment stops": "recruitment stops",
          "undefined": "undefined"}



def _compact(game: Any) -> bool:
    return getattr(game, "kind", None) == "compact"


def _label(game: Any, i: int, a: int) -> str:
    """Player i's action a by its label (a compact game's labels are its type's)."""
    return str(game.actions[game.player_type(i)][a] if _compact(game) else game.actions[i][a])


def _runs(players: Sequence[int], key: Any = None) -> list[tuple[int, int]]:
    """Consecutive indices (with equal ``key``) as (first, last) runs."""
    out: list[tuple[int, int]] = []
    for i in players:
        if out and out[-1][1] == i - 1 and (key is None or key(i) == key(out[-1][0])):
            out[-1] = (out[-1][0], i)
        else:
            out.append((i, i))
    return out


def _names(game: Any, players: Sequence[int] | None) -> str:
    """Players by name, ``P0, P1``; in a compact game a run of four or more consecutive players as
    ``P3 to P99 (97 players)``."""
    if not _compact(game):
        return ", ".join(str(game.players[i]) for i in players or ())
    parts = []
    for a, b in _runs(list(players or ())):
        parts += ([f"{game.players[a]} to {game.players[b]} ({b - a + 1} players)"] if b - a >= 3
                  else [str(game.players[i]) for i in range(a, b + 1)])
    return ", ".join(parts)


def _players(game: Any, players: Sequence[int] | None) -> str:
    """A coalition by its players' names: ``{P0, P1}``."""
    return "{" + _names(game, players) + "}"


def _profile(game: Any, profile: Sequence[int] | None) -> str:
    """A profile by its action labels: ``(0, 1, 1)``; in a compact game by runs of players playing one
    action: ``(P0 to P1 play 0, P2 to P99 play 1)``."""
    if profile is None:
        return "-"
    if not _compact(game):
        return "(" + ", ".join(game.labels(profile)) + ")"
    runs = _runs(range(len(profile)), key=lambda i: (game.player_type(i), profile[i]))
    return "(" + ", ".join(f"{_names(game, range(a, b + 1))} {'plays' if a == b else 'play'} {_label(game, a, profile[a])}"
                           for a, b in runs) + ")"


def _actions(game: Any, players: Sequence[int], action: Sequence[int]) -> str:
    labels = [_label(game, i, a) for i, a in zip(players, action)]
    return labels[0] if len(labels) == 1 else "(" + ", ".join(labels) + ")"


def _reason_text(game: NormalFormGame, r: Reason, selection: str) -> str:
    """One binding reason as a sentence with player and action labels."""
    at = f"at the optimum {_profile(game, r.profile)}"
    who = _players(game, r.players)
    if r.code == "members":
        return (f"members' marginal gain below cost: {at}, {who} get {num(r.here)} in total; playing "
                f"{_actions(game, r.players, r.action)} instead they get {num(r.there)}")
    if r.code == "B1":
        many = len(r.players) > 1
        names = _names(game, r.players)
        return (f"B1: {at}, {names} (in no contract) {'each get' if many else 'gets'} {num(r.here)}; switching to "
                f"{_actions(game, r.players[:1], r.action[:1])} {'each gets' if many else 'it gets'} {num(r.there)}")
    if r.code == "commitment":
        return (f"every block best-responds {at}, but {who} get {num(r.there)} at the row's outcome against "
                f"{num(r.here)} there")
    if r.code == "selection":
        return (f"every block best-responds {at}, but {selection} selection picks an equilibrium worse for the "
                "contract (B3)")
    if r.code == "budget":
        return (f"payment budget exceeds members' gain: making {_profile(game, r.profile)} the outsiders' outcome "
                f"costs {num(r.detail.get('cost'))}, leaving {who} {num(r.here)}, against {num(r.there)} at the "
                "row's outcome")
    if r.code == "not stable":
        stable = r.detail.get("stable")
        rest = "no coalition is stable" if stable is None else f"the best stable one is {_players(game, stable)}"
        return (f"best structure not stable: {who} (welfare {num(r.here)}) is not stable; {rest} "
                f"(welfare {num(r.there)})")
    if r.code == "recruitment stops":
        rejected = r.detail.get("rejected", ())
        said = {j: 'incumbents total does not rise' if w == 'incumbents' else w for j, w in rejected}
        groups = _runs(list(said), key=said.get) if _compact(game) else [(j, j) for j in said]
        why = "; ".join(f"{_names(game, range(a, b + 1))} ({said[a]})" for a, b in groups)
        return (f"growth from {_players(game, r.detail.get('start'))} stops at {who} ({r.detail.get('stop_reason')})"
                + (f"; refused: {why}" if why else ""))
    return "no pure outcome is defined for the row's contract"


def _merged(game: NormalFormGame, reasons: Sequence[Reason]) -> list[Reason]:
    """B1 reasons at one profile with the same payoffs and the same better action label, as one reason."""
    out: list[Reason] = []
    for x in reasons:
        last = out[-1] if out else None
        if (last is not None and x.code == "B1" == last.code and (x.profile, x.here, x.there) ==
                (last.profile, last.here, last.there)
                and _label(game, x.players[0], x.action[0]) == _label(game, last.players[0], last.action[0])):
            out[-1] = dataclasses.replace(last, players=last.players + x.players, action=last.action + x.action)
        else:
            out.append(x)
    return out


def _diagnosis_json(game: NormalFormGame, r: DesignRow, selection: str) -> dict[str, Any] | None:
    d = r.diagnosis
    if d is None:
        return None
    binding = [{"code": x.code, "profile": None if x.profile is None else list(x.profile),
                "profile_labels": None if x.profile is None else [_label(game, i, a) for i, a in enumerate(x.profile)],
                "players": list(x.players), "player_names": [str(game.players[i]) for i in x.players],
                "action": list(x.action), "here": num(x.here), "there": num(x.there),
                "text": _reason_text(game, x, selection)} for x in _merged(game, d.reasons)]
    if d.reaches_optimum:
        by_why: dict[str, list[str]] = {}
        for i, why in d.not_binding:
            by_why.setdefault(why, []).append(i)
        text = "reaches W*" + "".join(f"; {', '.join(ids)} {'fail' if len(ids) > 1 else 'fails'} for one plain "
                                      f"contract and {'do' if len(ids) > 1 else 'does'} not bind here: {why}"
                                      for why, ids in by_why.items())
    else:
        text = "; ".join(str(b["text"]) for b in binding)
    return {"reaches_optimum": d.reaches_optimum, "binding": binding,
            "not_binding": [{"id": i, "why": why} for i, why in d.not_binding], "text": text}


def _row_json(r: DesignRow, game: NormalFormGame, selection: str) -> dict[str, Any]:
    out: dict[str, Any] = {"name": r.name, "welfare": num(r.welfare), "min_k_for_optimum": r.min_k_for_optimum,
                           "cost": num(r.cost), "members_gain": num(r.members_gain),
                           "outsiders_gain": num(r.outsiders_gain),
                           "assumptions": dict(sorted(r.assumptions.items(), key=lambda kv: (kv[0][0], int(kv[0][1:])))),
                           "notes": list(r.notes), "status": r.status,
                           "convention": None if r.convention is None else {"timing": r.convention},
                           "reference_welfare": num(r.reference_welfare), "tie_dependent": r.tie_dependent,
                           "tie": r.tie, "tie_welfare": num(r.tie_welfare), "cost_attained": r.cost_attained,
                           "coalition": None if r.coalition is None else list(r.coalition),
                           "coalition_names": None if r.coalition is None else [str(game.players[i]) for i in r.coalition],
                           "structure": None if r.structure is None else [list(b) for b in r.structure],
                           "diagnosis": _diagnosis_json(game, r, selection)}
    if r.limit is not None:
        out["limit"] = dict(r.limit)
    if r.name == "none":
        out["stable_welfare"] = num(r.stable_welfare)
    if r.repair is not None:
        extra = repair_json(r.repair)
        out.update({key: extra[key] for key in ("parameter", "stable_welfare", "stable_sizes", "stable_coalitions",
                                                "stable_compositions", "within_theorem_class", "gives_up")
                    if key in extra})
        out["notes"] = [repair_note(r.repair)] + out["notes"]
    return out


def design_json(d: DesignComparison) -> dict[str, Any]:
    """The JSON document (module docstring).

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> from contract_theory.contracting.modifications.design import design_comparison
    >>> d = design_comparison(public_goods(3, 2, 6), 2)   # K = 2 < N = 3
    >>> doc = design_json(d)
    >>> doc["baseline"]["welfare"], [(r["name"], r["welfare"], r["cost"]) for r in doc["modifications"]][0]
    ('30', ('payments to outsiders', '36', '2'))
    """
    g, sel = d.game, d.selection
    return {"title": d.game.title, "k": d.k, "n_players": d.game.n_players,
            "parameters": {"timing": d.timing, "selection": d.selection, "sharing": d.sharing,
                           "tie": d.parameters.get("tie", "inside")},
            "optimum": num(d.optimum_welfare), "no_contract": num(d.no_contract_welfare),
            "baseline": _row_json(d.baseline, g, sel), "modifications": [_row_json(r, g, sel) for r in d.modifications],
            "restores_optimality": restores_optimality(d), "notes": list(d.notes),
            "exact": bool(getattr(g, "exact", True)),
            "tie_dependent_rows": [r.name for r in [d.baseline, *d.modifications] if r.tie_dependent]}


def _binding_cell(r: dict[str, Any]) -> str:
    if r["status"] != "computed":
        lim = r.get("limit") or {}
        flag = f", {lim['flag']}" if lim.get("flag") else ""
        size, most = (f"{x:,}" if isinstance(x, int) else "-" for x in (lim.get("size"), lim.get("limit")))
        return f"over budget ({size} > {most}{flag})"
    diag = r["diagnosis"]
    if diag is None:
        return "-"
    if diag["reaches_optimum"]:
        return "none (reaches W*)"
    codes = list(dict.fromkeys(_SHORT.get(b["code"], b["code"]) for b in diag["binding"]))
    return ", ".join(codes) or "-"


def _cells(r: dict[str, Any]) -> list[str]:
    if r["status"] != "computed":
        return [r["name"], "not computed", "-", "-", "-", "-", "-", "-", _binding_cell(r)]
    conv = "as the command" if r["convention"] is None else (
        f"{r['convention']['timing']} timing (none there: {r['reference_welfare'] or '-'})")
    tie = f"yes ({r['tie_welfare'] or '-'} otherwise)" if r["tie_dependent"] else "no"
    cost = r["cost"] if r["cost_attained"] else f"> {r['cost']}" if r["cost"] != "0" else "> 0"
    return [r["name"], r["welfare"] or "-", "-" if r["min_k_for_optimum"] is None else str(r["min_k_for_optimum"]),
            cost, r["members_gain"] or "-", r["outsiders_gain"] or "-", conv, tie, _binding_cell(r)]


def _row_lines(r: dict[str, Any]) -> list[str]:
    """The lines under the table for one row: tie, cost, convention, diagnosis, notes."""
    name = r["name"]
    out = []
    if r["status"] != "computed":
        out.append(f"not computed ({name}): {r['limit']['message']}")
        return out
    if r["convention"] is not None:
        out.append(f"convention ({name}): exists only under {r['convention']['timing']} timing; compare with none "
                   f"there, {r['reference_welfare'] or '-'}")
    if r["tie_dependent"]:
        out.append(f"tie ({name}): with {r['tie']} the welfare would be {r['tie_welfare'] or '-'}")
    if not r["cost_attained"]:
        out.append(f"cost ({name}): {r['cost']} is an infimum, not attained: under pessimistic selection an "
                   "indifferent outsider does not comply, so each paid outsider needs strictly more than its loss")
    if r["diagnosis"] is not None:
        out.append(f"diagnosis ({name}): {r['diagnosis']['text']}")
    if r["coalition_names"]:
        out.append(f"contract ({name}): {{{', '.join(r['coalition_names'])}}}")
    out += [f"note ({name}): {note}" for note in r["notes"]]
    return out


def design_text(d: DesignComparison) -> str:
    """A plain-text table, one row per modification, then the sentence. Example: the module docstring.
    """
    doc = design_json(d)
    rows = [list(_COLUMNS)] + [_cells(r) for r in [doc["baseline"]] + doc["modifications"]]
    widths = [max(len(r[c]) for r in rows) for c in range(len(_COLUMNS))]
    lines = [f"{d.game.title or 'game'}: {d.game.n_players} players; K = {d.k}; W* = {doc['optimum']}; "
             f"no contract W = {doc['no_contract']}; timing={d.timing}, selection={d.selection}, sharing={d.sharing}, "
             f"tie={doc['parameters']['tie']}",
             ""]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines += ["", doc["restores_optimality"]]
    for r in [doc["baseline"]] + doc["modifications"]:
        lines += _row_lines(r)
    lines += [exactness_text(d.game), "rests on a tie: " + (", ".join(doc["tie_dependent_rows"]) or "no row")]
    return terminal_safe("\n".join(lines))


def design_markdown(d: DesignComparison) -> str:
    """The comparison as a Markdown table. Example: the module docstring.
    """
    doc = design_json(d)
    rows = [_cells(r) for r in [doc["baseline"]] + doc["modifications"]]
    out = ["| " + " | ".join(_COLUMNS) + " |", "|" + "---|" * len(_COLUMNS)]
    out += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows]
    return "\n".join(out)


def design_latex(d: DesignComparison) -> str:
    """A booktabs table of the comparison. Example: the module docstring.
    """
    doc = design_json(d)
    body = []
    for r in [doc["baseline"]] + doc["modifications"]:
        c = _cells(r)
        cost = tex_number(r["cost"]) if r["cost_attained"] else "$>" + tex_number(r["cost"]).strip("$") + "$"
        nums = ([tex_number(r["welfare"]), tex_escape(c[2]), cost, tex_number(r["members_gain"]),
                 tex_number(r["outsiders_gain"])] if r["status"] == "computed" else [tex_escape(c[1])] + ["-"] * 4)
        body.append(" & ".join([tex_escape(c[0]), *nums, tex_escape(c[6]), tex_escape(c[7]), tex_escape(c[8])])
                    + " \\\\")
    return "\n".join([
        "% requires \\usepackage{booktabs}", "\\begin{table}[ht]", "\\centering",
        f"\\caption{{Contract modifications with $K = {d.k}$: {tex_escape(d.game.title or 'game')} "
        f"($W^* = {doc['optimum']}$). {tex_escape(doc['restores_optimality'])} "
        f"{tex_escape(exactness_text(d.game).capitalize())}.}}",
        "\\begin{tabular}{lrrrrrlll}", "\\toprule",
        "modification & $W$ & smallest $k$ & cost & members' gain & outsiders' gain & convention & tie-dependent & "
        "binding reason \\\\", "\\midrule",
        *body, "\\bottomrule", "\\end{tabular}", "\\end{table}"]) + "\n"


def assumption_rows(full: Sequence[Any], partial: Sequence[Any], game: Any = None
                    ) -> list[tuple[str, str, str, str, str]]:
    """(id, the registry's name, status at K = N, status at K < N, the witness sentence of a failure at
    K < N, players named by ``game``) per check; the name and both statuses are about one statement.

    Examples
    --------
    >>> from contract_theory.contracting.protocol.assumptions import check_assumptions
    >>> from contract_theory.games.library import public_goods
    >>> g = public_goods(3, 2, 6)
    >>> rows = assumption_rows(check_assumptions(g, k=3), check_assumptions(g, k=2))
    >>> from contract_theory.contracting.protocol.assumption_names import NAMES
    >>> [(r[0], r[1] == NAMES[r[0]], r[2], r[3]) for r in rows if r[0] in ("A4", "B1")]
    [('A4', True, 'holds', 'fails'), ('B1', True, 'not applicable', 'fails')]
    """
    at_k = {c.id: c for c in partial}
    rows = []
    for c in full:
        p = at_k.get(c.id)
        witness = "" if p is None or p.status != "fails" else witness_sentence(p, game)
        if c.status == "fails" and not witness:
            witness = f"(K = N) {witness_sentence(c, game)}"
        rows.append((c.id, c.name, c.status, "-" if p is None else p.status, witness))
    return rows


def design_section(game: NormalFormGame, k: int | None = None,
                   rules: Rules = Rules()) -> tuple[str, dict[str, Any]]:
    """Markdown and JSON answering "which assumptions hold when only K < N sign" for one game.

    ``k`` is the K < N studied (default N - 1); ``rules`` those of the checks and the modifications.
    Returns ``("", {})`` when no K with 2 <= K < N exists (two-player games).

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma, public_goods
    >>> design_section(prisoners_dilemma())
    ('', {})
    >>> text, doc = design_section(public_goods(3, 2, 6))
    >>> text.splitlines()[0], doc["k_partial"]
    ('### Which assumptions hold when only K = 2 < N = 3 sign', 2)
    """
    from contract_theory.contracting.protocol.assumptions import check_assumptions

    n = game.n_players
    kk = n - 1 if k is None or k >= n else k
    if kk < 2:
        return "", {}
    full = check_assumptions(game, n, rules)
    partial = check_assumptions(game, kk, rules)
    d = design_comparison(game, kk, rules)
    rows = assumption_rows(full, partial, game)
    lines = [f"### Which assumptions hold when only K = {kk} < N = {n} sign", "",
             "| id | assumption | K = N | K = " + str(kk) + " | witness of the failure |", "|---|---|---|---|---|"]
    lines += ["| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |" for r in rows]
    how = "exact" if getattr(game, "exact", True) else FLOAT_NOTE
    lines += ["", f"Modifications with K = {kk} ({how}; W* = {num(d.optimum_welfare)}):", "", design_markdown(d), "",
              restores_optimality(d), ""]
    doc = {"k_partial": kk,
           "assumptions": [{"id": r[0], "name": r[1], "k_equals_n": r[2], "k_partial": r[3], "witness": r[4] or None}
                           for r in rows],
           "design": design_json(d)}
    return "\n".join(lines), doc
