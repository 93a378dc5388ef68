"""Who forms which coalition, and who gets what: the table of ``contract-theory coalitions``.

One concept per table (:data:`CONCEPTS`):

=============  ==================================================================================
``djgw``       coalitions internally and externally stable against singletons (d'Aspremont et al.
               1983), with the ``tie`` rule -- the myopic answer of ``analyze``
``pis``        potentially internally stable coalitions (Carraro, Eyckmans and Finus 2006)
``core``       the core of the characteristic function under ``assumption``: empty or a point, and
               the least core's epsilon
``shapley``    the Shapley value of that characteristic function
``nucleolus``  its nucleolus
``bloch``      the structure Bloch's (1996) sequential game forms, per-capita shares
``lcs``        Chwe's (1994) largest consistent set over structures, and the singleton farsighted
               stable sets
=============  ==================================================================================

JSON keys (the command's contract): ``concept``, ``assumption`` (``null`` for the concepts that do
not use one), ``parameters``, ``values`` (the characteristic function used: ``{coalition: [names],
indices: [...], value}``, plus ``count`` -- coalitions with that composition -- by composition),
``shares`` (player name -> exact share: Shapley, nucleolus, Bloch's per-capita payoffs; else
``null``), ``core`` (``{empty, point: {name: value} | null, epsilon}`` for core, shapley and
nucleolus; else ``null``), ``structures`` (``{blocks: [[names]], indices: [[...]], welfare}``: what
forms or is stable), ``complete``, ``notes``.  Numbers are exact strings.

Examples
--------
>>> from contract_theory.games.library import public_goods
>>> t = formation_table(public_goods(3, 2, 1), 3, concept="shapley", assumption="gamma")
>>> formation_json(t)["shares"]
{'P0': '2', 'P1': '2', 'P2': '2'}
>>> print(formation_text(t).splitlines()[0])
Coalition formation in Linear public goods (n=3, r=2, e=1): Shapley value, gamma assumption (others split into singletons), K = 3
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from contract_theory.contracting.coalitions.rules import Rules, check_choice
from contract_theory.report.wording import num
from contract_theory.util.latex import tex_escape, tex_number

__all__ = ["CONCEPTS", "CONCEPT_NAMES", "ASSUMPTION_NAMES", "FormationTable", "formation_table", "formation_json",
           "formation_text", "formation_latex", "formation_section", "formation_markdown"]

CONCEPTS: tuple[str, ...] = ("djgw", "pis", "core", "shapley", "nucleolus", "bloch", "lcs")
CONCEPT_NAMES = {"djgw": "internal and external stability (d'Aspremont et al. 1983)",
                 "pis": "potential internal stability (Carraro, Eyckmans and Finus 2006)",
                 "core": "core and least core", "shapley": "Shapley value", "nucleolus": "nucleolus",
                 "bloch": "Bloch's sequential game (1996)", "lcs": "largest consistent set (Chwe 1994)"}
ASSUMPTION_NAMES = {"alpha": "alpha assumption (others minimize the coalition's total)",
                    "beta": "beta assumption (others commit first against the coalition)",
                    "gamma": "gamma assumption (others split into singletons)",
                    "delta": "delta assumption (others stay together)"}
_COOPERATIVE = ("core", "shapley", "nucleolus")
#: Rows of worths printed in text and LaTeX (JSON has them all).
MAX_ROWS = 24


@dataclass(frozen=True)
class FormationTable:
    """The data of one table (module docstring); coalitions and structures by player index."""

    title: str
    players: tuple[str, ...]
    k: int
    concept: str
    assumption: str | None
    parameters: dict[str, Any]
    values: tuple[tuple[tuple[int, ...], Fraction, int], ...] = ()
    shares: tuple[Fraction, ...] | None = None
    core: tuple[bool, tuple[Fraction, ...] | None, Fraction] | None = None
    structures: tuple[tuple[tuple[tuple[int, ...], ...], Fraction | None], ...] = ()
    complete: bool = True
    notes: tuple[str, ...] = field(default=())


# ---------------------------------------------------------------------------- building
def _against_singletons(S: Sequence[int], n: int) -> tuple[tuple[int, ...], ...]:
    return tuple(sorted([tuple(S)] + [(i,) for i in range(n) if i not in S]))


def _djgw(game: Any, k: int, rules: Rules) -> dict[str, Any]:
    from contract_theory.api import partial_contract_analysis

    a = partial_contract_analysis(game, k, rules)
    n = game.n_players
    compact = getattr(game, "kind", None) == "compact"
    rows = []
    for key, chk in a.stability.items():
        if chk.stable is not True:
            continue
        if compact:
            from contract_theory.contracting.coalitions.compact import canonical_coalition

            S = canonical_coalition(game, key)
        else:
            S = tuple(key)
        rows.append((_against_singletons(S, n), a.outcomes[key].welfare))
    notes = [f"stability tie rule: {rules.tie}"] + (["compact game: one coalition per composition"] if compact else [])
    return {"structures": tuple(rows), "complete": a.complete, "notes": tuple(notes) + tuple(a.notes)}


def _pis(game: Any, k: int, rules: Rules) -> dict[str, Any]:
    from contract_theory.contracting.formation.potential_stability import potential_internal_stability
    from contract_theory.contracting.modifications.coalition_structures import structure_engine

    r = potential_internal_stability(game, k, rules)
    engine = structure_engine(game, rules)
    n = game.n_players
    rows = tuple((_against_singletons(S, n), engine.outcome(_against_singletons(S, n)).welfare) for S in r.pis)
    notes = list(r.notes) + ["PIS is computed by this command's minimal predicate (the repairs' PIS is not on main)"]
    if r.by_composition:
        notes.append("one coalition per composition: " + ", ".join(
            f"{len(S)} members stand for {r.multiplicity[S]} coalitions" for S in r.pis))
    return {"structures": rows, "complete": r.complete, "notes": tuple(notes)}


def _cooperative(game: Any, k: int, rules: Rules, concept: str, assumption: str) -> dict[str, Any]:
    from contract_theory.contracting.formation import cooperative as coop
    from contract_theory.contracting.formation.characteristic import characteristic_function

    v = characteristic_function(game, k, rules, assumption=assumption)
    values = _worth_rows(v)
    c = coop.core(v)
    out: dict[str, Any] = {"values": values, "core": (c.empty, c.point, c.epsilon), "notes": tuple(v.notes)}
    if concept == "shapley":
        out["shares"] = coop.shapley_value(v).values
    elif concept == "nucleolus":
        nu = coop.nucleolus(v)
        out["shares"] = nu.point
        out["notes"] += nu.notes
    if k == game.n_players:
        out["structures"] = ((tuple(range(game.n_players)),), v.value(range(game.n_players))),
    else:
        out["notes"] += (f"v(N) = {num(v.value(range(game.n_players)))} is the best arrangement of the players into "
                         f"contracts of at most K = {k}",)
    return out


def _worth_rows(v: Any) -> tuple[tuple[tuple[int, ...], Fraction, int], ...]:
    import itertools
    import math

    if v.type_counts is None:
        return tuple((S, val, 1) for S, val in v.table().items())
    tc = v.type_counts
    starts = [sum(tc[:t]) for t in range(len(tc))]
    rows = []
    for c in sorted((c for c in itertools.product(*(range(x + 1) for x in tc)) if sum(c)), key=lambda c: (sum(c), c)):
        S = tuple(i for t, x in enumerate(c) for i in range(starts[t], starts[t] + x))
        rows.append((S, v.worth[c], math.prod(math.comb(x, y) for x, y in zip(tc, c))))
    return tuple(rows)


def _bloch(game: Any, k: int, rules: Rules) -> dict[str, Any]:
    from contract_theory.contracting.formation.bloch import bloch_sequential

    b = bloch_sequential(game, k, rules)
    order = ", ".join(game.players[i] for i in b.order[:12]) + (", ..." if len(b.order) > 12 else "")
    return {"structures": ((b.structure, b.welfare),), "shares": b.payoffs, "complete": b.complete,
            "notes": (f"protocol order {order}; proposer's tie rule: {b.tie}; an indifferent responder accepts; "
                      "equal sharing inside coalitions",) + b.notes}


def _lcs(game: Any, k: int, rules: Rules) -> dict[str, Any]:
    from contract_theory.contracting.formation.farsighted import farsighted_stability

    r = farsighted_stability(game, k, rules)
    single = "; ".join(_blocks_text(s, game.players) for s in r.stable_singletons) or "none"
    notes = (f"{len(r.lcs)} of {len(r.states)} structures are in the largest consistent set",
             f"singleton farsighted stable sets: {single}") + r.notes
    return {"structures": tuple((s, r.welfare[s]) for s in r.lcs), "complete": r.complete, "notes": notes}


def formation_table(game: Any, k: int, rules: Rules = Rules(), *, concept: str = "core",
                    assumption: str = "gamma") -> FormationTable:
    """Compute one table (module docstring); ``assumption`` matters for core, shapley and nucleolus only."""
    check_choice(concept, CONCEPTS, "concept")
    from contract_theory.contracting.formation.characteristic import ASSUMPTIONS

    check_choice(assumption, ASSUMPTIONS, "assumption")
    if concept in _COOPERATIVE:
        got = _cooperative(game, k, rules, concept, assumption)
    else:
        got = {"djgw": _djgw, "pis": _pis, "bloch": _bloch, "lcs": _lcs}[concept](game, k, rules)
    params = {"k": k, **rules.as_dict(), "max_structures": rules.budgets.max_structures}
    return FormationTable(getattr(game, "title", "") or "game", tuple(game.players), k, concept,
                          assumption if concept in _COOPERATIVE else None, params, got.get("values", ()),
                          got.get("shares"), got.get("core"), got.get("structures", ()), got.get("complete", True),
                          tuple(got.get("notes", ())))


# ---------------------------------------------------------------------------- rendering

def _names(S: Sequence[int], players: Sequence[str]) -> list[str]:
    return [players[i] for i in S]


def _blocks_text(structure: Sequence[Sequence[int]], players: Sequence[str]) -> str:
    return " ".join("{" + ", ".join(_names(b, players)) + "}" for b in structure)


def formation_json(t: FormationTable) -> dict[str, Any]:
    """The JSON document (module docstring)."""
    p = t.players
    values = [{"coalition": _names(S, p), "indices": list(S), "value": num(v), **({"count": c} if c != 1 else {})}
              for S, v, c in t.values]
    core = None if t.core is None else {
        "empty": t.core[0], "point": None if t.core[1] is None else {p[i]: num(x) for i, x in enumerate(t.core[1])},
        "epsilon": num(t.core[2])}
    return {"concept": t.concept, "assumption": t.assumption, "parameters": {**t.parameters, "title": t.title},
            "values": values,
            "shares": None if t.shares is None else {p[i]: num(x) for i, x in enumerate(t.shares)},
            "core": core,
            "structures": [{"blocks": [_names(b, p) for b in s], "indices": [list(b) for b in s], "welfare": num(w)}
                           for s, w in t.structures],
            "complete": t.complete, "notes": list(t.notes)}


def _heading(t: FormationTable) -> str:
    what = CONCEPT_NAMES[t.concept]
    if t.assumption is not None:
        what += ", " + ASSUMPTION_NAMES[t.assumption]
    return f"Coalition formation in {t.title}: {what}, K = {t.k}"


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    return ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]


def formation_text(t: FormationTable) -> str:
    """Plain text: heading, rules, what forms or is stable, the shares, the core, the worths, the notes."""
    p = t.players
    par = t.parameters
    lines = [_heading(t), f"rules: timing {par['timing']}, selection {par['selection']}, sharing {par['sharing']}, "
                          f"stability tie {par['tie']}", ""]
    if t.structures and t.concept in _COOPERATIVE:
        s, w = t.structures[0]
        lines.append(f"to share: v(N) = {num(w) or '-'}, the grand coalition {_blocks_text(s, p)}")
    elif t.structures:
        rows = [["structure", "welfare"]] + [[_blocks_text(s, p), num(w) or "-"] for s, w in t.structures[:MAX_ROWS]]
        lines += _table(rows)
        if len(t.structures) > MAX_ROWS:
            lines.append(f"... {len(t.structures) - MAX_ROWS} more structures (--format json lists them all)")
    elif t.concept not in _COOPERATIVE:
        lines.append("no coalition structure forms or is stable under this concept")
    if t.shares is not None:
        lines += ["", *_table([["player", "share"]] + [[p[i], num(x)] for i, x in enumerate(t.shares[:MAX_ROWS])])]
        if len(t.shares) > MAX_ROWS:
            lines.append(f"... {len(t.shares) - MAX_ROWS} more players (--format json lists them all)")
    if t.core is not None:
        empty, point, eps = t.core
        lines += ["", ("core: empty" if empty else "core: non-empty") + f"; least core epsilon = {num(eps)}"]
        if point is not None:
            more = len(point) - MAX_ROWS
            lines.append("a core allocation: " + ", ".join(f"{p[i]} {num(x)}" for i, x in enumerate(point[:MAX_ROWS]))
                         + (f", and {more} more players (--format json lists them all)" if more > 0 else ""))
    if t.values:
        rows = [["coalition", "worth"] + (["coalitions"] if any(c != 1 for *_, c in t.values) else [])]
        for S, v, c in t.values[:MAX_ROWS]:
            rows.append(["{" + ", ".join(_names(S, p)) + "}", num(v)] + ([str(c)] if len(rows[0]) == 3 else []))
        lines += ["", *_table(rows)]
        if len(t.values) > MAX_ROWS:
            lines.append(f"... {len(t.values) - MAX_ROWS} more coalitions (--format json lists them all)")
    lines += ([""] if t.notes or not t.complete else []) + [f"note: {n}" for n in t.notes]
    if not t.complete:
        lines.append("note: incomplete (see the notes above)")
    return "\n".join(line for j, line in enumerate(lines) if line or (j and lines[j - 1]))


def formation_latex(t: FormationTable) -> str:
    """A booktabs table of the structures (and the shares, when there are any)."""
    p = t.players
    body = [f"{tex_escape(_blocks_text(s, p))} & {tex_number(num(w))} \\\\" for s, w in t.structures[:MAX_ROWS]]
    out = ["% requires \\usepackage{booktabs}", "\\begin{table}[ht]", "\\centering",
           f"\\caption{{{tex_escape(_heading(t))}}}", "\\begin{tabular}{lr}", "\\toprule", "structure & welfare \\\\",
           "\\midrule", *(body or ["\\multicolumn{2}{l}{none} \\\\"]), "\\bottomrule", "\\end{tabular}"]
    if t.shares is not None:
        out += ["\\quad", "\\begin{tabular}{lr}", "\\toprule", "player & share \\\\", "\\midrule",
                *[f"{tex_escape(p[i])} & {tex_number(num(x))} \\\\" for i, x in enumerate(t.shares)],
                "\\bottomrule", "\\end{tabular}"]
    return "\n".join(out + ["\\end{table}"]) + "\n"


def formation_section(game: Any, k: int, rules: Rules = Rules(), *,
                      concepts: Sequence[str] = ("djgw", "pis", "core", "shapley", "nucleolus", "bloch"),
                      assumption: str = "gamma") -> list[FormationTable]:
    """The tables of several concepts for one game (data for the study report): the myopic answer
    (``djgw``) first, then the others; a concept too large for the game is left out, its refusal kept
    as the table's only note.

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> [t.concept for t in formation_section(public_goods(3, 2, 1), 3)]
    ['djgw', 'pis', 'core', 'shapley', 'nucleolus', 'bloch']
    """
    out = []
    for c in concepts:
        try:
            out.append(formation_table(game, k, rules, concept=c, assumption=assumption))
        except ValueError as exc:
            out.append(FormationTable(getattr(game, "title", "") or "game", tuple(game.players), k, c,
                                      assumption if c in _COOPERATIVE else None, {"k": k, **rules.as_dict()},
                                      complete=False, notes=(f"not computed: {exc}",)))
    return out


# ---------------------------------------------------------------------------- the study report's section
#: Structures and players listed in a Markdown cell before "and n more".
_MD_ITEMS = 3


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _canon(structure: Sequence[Sequence[int]]) -> tuple[tuple[int, ...], ...]:
    return tuple(sorted(tuple(sorted(b)) for b in structure))


def _structures_cell(t: FormationTable) -> str:
    if not t.structures:
        return "none"
    shown = "; ".join(_blocks_text(s, t.players) for s, _ in t.structures[:_MD_ITEMS])
    more = len(t.structures) - _MD_ITEMS
    return shown + (f"; and {more} more" if more > 0 else "")


def _shares_cell(shares: Sequence[Fraction] | None, players: Sequence[str]) -> str:
    if shares is None:
        return "-"
    return ", ".join(f"{players[i]} {num(x)}" for i, x in enumerate(shares))


def _best(t: FormationTable) -> Fraction | None:
    ws = [w for _, w in t.structures if w is not None]
    return max(ws) if ws else None


def _against_myopic(t: FormationTable, myopic: FormationTable | None) -> str:
    """How a concept's answer compares with the myopic (DJGW) one: same structures, how many of them
    are myopically stable, and the best welfare of each."""
    if t.concept == "djgw":
        return "the myopic answer"
    if myopic is None or not myopic.complete and not myopic.structures:
        return "-"
    m_best = _best(myopic)
    m_text = "no myopic-stable structure" if m_best is None else f"best myopic-stable welfare {num(m_best)}"
    if t.concept in _COOPERATIVE:
        return (f"v(N) = {num(t.structures[0][1])}; " if t.structures and t.structures[0][1] is not None
                else "") + m_text
    mine = {_canon(s) for s, _ in t.structures}
    theirs = {_canon(s) for s, _ in myopic.structures}
    if mine == theirs:
        return "the same structures"
    inside = len(mine & theirs)
    several = sum(1 for s in mine if sum(len(b) >= 2 for b in s) >= 2)
    best = _best(t)
    return (f"{inside} of {len(mine)} myopic-stable"
            + (f" ({several} with several coalitions, which the myopic answer does not consider)" if several else "")
            + (f"; best welfare {num(best)}" if best is not None else "") + f" vs {m_text}")


def _row(t: FormationTable, myopic: FormationTable | None) -> list[str]:
    name = CONCEPT_NAMES[t.concept] + (f", {t.assumption}" if t.assumption else "")
    if t.notes and t.notes[0].startswith("not computed"):
        return [name, "not computed (see below)", "-", "-", "-"]
    if t.concept in _COOPERATIVE and t.core is not None:
        empty, point, eps = t.core
        what = "core empty" if empty else "core non-empty"
        what += f", least core epsilon {num(eps)}"
        shares = t.shares if t.concept != "core" else point
        return [name, what, num(t.structures[0][1]) if t.structures and t.structures[0][1] is not None else "-",
                _shares_cell(shares, t.players), _against_myopic(t, myopic)]
    best = _best(t)
    return [name, _structures_cell(t), "-" if best is None else num(best), _shares_cell(t.shares, t.players),
            _against_myopic(t, myopic)]


def formation_markdown(tables: Sequence[FormationTable]) -> str:
    """The study report's Markdown section from :func:`formation_section`: one row per concept --
    what forms or is stable (or the core's verdict), its best welfare (v(N) for the cooperative
    values), the players' shares, and the comparison with the myopic answer (``djgw``); refusals
    follow the table, one line each.

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> md = formation_markdown(formation_section(public_goods(3, 2, 1), 3, concepts=("djgw", "shapley")))
    >>> print(md.splitlines()[-1])
    | Shapley value, gamma | core non-empty, least core epsilon -1 | 6 | P0 2, P1 2, P2 2 | v(N) = 6; best myopic-stable welfare 5 |
    """
    if not tables:
        return ""
    myopic = next((t for t in tables if t.concept == "djgw"), None)
    t0 = tables[0]
    assumption = next((t.assumption for t in tables if t.assumption), None)
    lines = [f"### How coalitions form and share (K = {t0.k})", ""]
    if assumption is not None:
        lines += [f"Cooperative values on the characteristic function under the {ASSUMPTION_NAMES[assumption]}; "
                  "structures against singletons for the myopic and potential stability answers.", ""]
    rows = [["concept", "forms or is stable", "welfare", "shares", "against the myopic answer"]]
    rows += [_row(t, myopic) for t in tables]
    lines.append("| " + " | ".join(rows[0]) + " |")
    lines.append("|" + "---|" * len(rows[0]))
    lines += ["| " + " | ".join(_cell(c) for c in r) + " |" for r in rows[1:]]
    refused = [f"- {CONCEPT_NAMES[t.concept]}: {t.notes[0]}" for t in tables
               if t.notes and t.notes[0].startswith("not computed")]
    incomplete = [f"- {CONCEPT_NAMES[t.concept]}: incomplete ({'; '.join(t.notes)})" for t in tables
                  if not t.complete and not (t.notes and t.notes[0].startswith("not computed"))]
    if refused or incomplete:
        lines += ["", *refused, *incomplete]
    return "\n".join(lines) + "\n"
