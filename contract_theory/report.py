"""The whole study on a set of games: ``contract-theory report``.

For each game of the set (by default :data:`DEFAULT_GAMES`, the library's social
dilemmas): equilibria and welfare, the welfare-by-K curve, stable coalitions, which of the
theorem's assumptions fail and their witnesses, the contracting game's SPE welfare at
K = N and at smaller K; then whatever the optional studies add (counterexamples to the
built-in claims, the learning check, Markov games).  Everything goes into one directory:

* ``report.md`` and ``report.html`` — the readable report;
* ``<game>-welfare.png``, ``<game>-gains.png`` — plots (:mod:`contract_theory.plots`);
* ``<game>.tex`` — booktabs tables;
* ``report.json`` — the raw, exact results (numbers as strings).

Every file is written atomically (:mod:`contract_theory.atomic`).
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from .analysis_report import analysis_json, analysis_latex
from .assumptions import check_assumptions, explain
from .atomic import write_text
from .exact import fmt
from .game import NormalFormGame
from .library import from_spec
from .partial_contracts import partial_contract_analysis
from .plots import plot_gains, plot_welfare_curve
from .protocol import theorem_check
from .pure import pure_nash_solve

__all__ = ["DEFAULT_GAMES", "StudyItem", "run_report"]

#: The embedded default set: (spec, K).  Each spec is a :func:`contract_theory.library.from_spec` string.
DEFAULT_GAMES: tuple[str, ...] = (
    "n_prisoners_dilemma:n=4,b=3,c=1",
    "public_goods:n=5,r=2,e=20",
    "volunteers_dilemma:n=4,b=2,c=1",
    "n_stag_hunt:n=4,m=3",
    "cournot:n=3,a=12,c=0,grid=0|2|3|4",
    "commons:n=3,capacity=12,grid=0|1|2|3|4",
)


@dataclass(frozen=True)
class StudyItem:
    """One game of the study and its largest coalition size K."""

    spec: str
    game: NormalFormGame
    k: int


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "game"


def _md_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def _game_section(item: StudyItem, out_dir: str, *, timing: str, selection: str, sharing: str,
                  tie: str) -> tuple[str, dict[str, Any]]:
    g, k = item.game, item.k
    slug = _slug(item.spec.split(":")[0] + "-" + str(g.n_players))
    a = partial_contract_analysis(g, k, timing=timing, selection=selection, sharing=sharing, tie=tie)
    checks = check_assumptions(g, k=k, timing=timing, selection=selection)
    doc = analysis_json(a, checks)
    full = theorem_check(g)
    partial = theorem_check(g, k=k - 1) if k - 1 >= 2 else None
    doc["spe"] = {
        "full_contract": {"worst_welfare": fmt(full.worst_welfare), "best_welfare": fmt(full.best_welfare),
                          "every_spe_optimal": full.every_spe_optimal},
        "k_minus_one": None if partial is None else {
            "k": k - 1, "worst_welfare": fmt(partial.worst_welfare), "best_welfare": fmt(partial.best_welfare),
            "every_spe_optimal": partial.every_spe_optimal},
    }
    doc["spec"] = item.spec
    plot_welfare_curve(a, os.path.join(out_dir, f"{slug}-welfare.png"))
    plot_gains(a, os.path.join(out_dir, f"{slug}-gains.png"))
    write_text(os.path.join(out_dir, f"{slug}.tex"), analysis_latex(a, checks))
    pure = pure_nash_solve(g).equilibria
    lines = [f"## {g.title or item.spec}", "", f"Spec `{item.spec}`; {g.n_players} players; K = {k}.", ""]
    lines.append(f"- Pure Nash equilibria: {len(pure)}"
                 + (f" (e.g. {', '.join(str(g.labels(p)) for p in pure[:3])})" if pure else ""))
    lines.append(f"- Optimum W* = {doc['optimum']['welfare']}; no contract ({selection}) W = "
                 f"{doc['no_contract']['welfare']}.")
    lines.append(f"- Smallest k reaching W*: {doc['min_k_for_optimum']}; price of partial contracting "
                 f"({a.price_measure}) = {doc['price_of_partial_contracting']}.")
    lines.append(f"- Contracting game, all {g.n_players} sign: SPE welfare in "
                 f"[{doc['spe']['full_contract']['worst_welfare']}, {doc['spe']['full_contract']['best_welfare']}]"
                 + (f"; with K = {k - 1}: [{doc['spe']['k_minus_one']['worst_welfare']}, "
                    f"{doc['spe']['k_minus_one']['best_welfare']}]." if partial else "."))
    lines.append("")
    rows = [(r["k"], doc["welfare_curve"][str(r["k"])], r["welfare"], r["coalition"],
             " ".join(r["profile"]) if r["profile"] else "-", r["members_accept"]) for r in doc["by_k"]]
    lines.append(_md_table(["k", "W_k", "best W(S), \\|S\\|=k", "coalition", "outcome", "members accept"], rows))
    lines.append("")
    stable = doc["stable_coalitions"]
    lines.append(f"Stable coalitions ({tie} ties): {len(stable)}"
                 + (f", e.g. {stable[:5]}" if stable else "") + ".")
    lines.append("")
    lines.append(f"![welfare by K]({slug}-welfare.png) ![gains by K]({slug}-gains.png)")
    lines.append("")
    fails = [c for c in checks if c.status == "fails"]
    lines.append(f"Assumptions: {explain(checks)}")
    if fails:
        lines.append("")
        lines.append(_md_table(["id", "assumption", "witness"],
                               [(c.id, c.name, str(c.witness).replace("|", "\\|")) for c in fails]))
    lines.append("")
    return "\n".join(lines), doc


def run_report(
    out_dir: str, *, specs: Sequence[str] | None = None, k: int | None = None, timing: str = "stackelberg",
    selection: str = "pessimistic", sharing: str = "equal", tie: str = "inside",
    progress: Callable[[str], None] | None = None, extra_sections: Sequence[Callable[..., tuple[str, dict]]] = (),
) -> dict[str, Any]:
    """Run the study and write the report into ``out_dir``; return the raw JSON document.

    ``k`` caps K for every game (default: K = N for each game).  ``extra_sections`` are
    callables ``(out_dir) -> (markdown, json)`` appended after the game sections.
    """
    from .partial_contracts import check_k

    t0 = time.perf_counter()
    items = []
    for spec in specs or DEFAULT_GAMES:
        g = from_spec(spec)
        kk = g.n_players if k is None else min(k, g.n_players)
        check_k(g, kk)
        items.append(StudyItem(spec, g, kk))
    os.makedirs(out_dir, exist_ok=True)
    md = ["# Partial contracts: the study", "",
          f"Parameters: timing = {timing}, selection = {selection}, sharing = {sharing}, tie = {tie}. "
          "All numbers are exact.", ""]
    docs = []
    for n_done, item in enumerate(items, 1):
        if progress:
            progress(f"[{n_done}/{len(items)}] {item.spec}")
        text, doc = _game_section(item, out_dir, timing=timing, selection=selection, sharing=sharing, tie=tie)
        md.append(text)
        docs.append(doc)
    extras = []
    for section in extra_sections:
        if progress:
            progress(f"[extra] {getattr(section, '__name__', 'section')}")
        text, doc = section(out_dir)
        md.append(text)
        extras.append(doc)
    elapsed = time.perf_counter() - t0
    md.append(f"---\nGenerated by contract-theory in {elapsed:.1f} s.")
    markdown_text = "\n".join(md) + "\n"
    result = {"parameters": {"timing": timing, "selection": selection, "sharing": sharing, "tie": tie, "k": k},
              "games": docs, "extras": extras}
    write_text(os.path.join(out_dir, "report.json"), json.dumps(result, indent=2))
    write_text(os.path.join(out_dir, "report.md"), markdown_text)
    write_text(os.path.join(out_dir, "report.html"), _html(markdown_text))
    return result


def _html(markdown_text: str) -> str:
    import markdown

    body = markdown.markdown(markdown_text, extensions=["tables"])
    return ("<!doctype html><html><head><meta charset='utf-8'><title>contract-theory report</title>"
            "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}"
            "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em}"
            "img{max-width:48%}</style></head><body>" + body + "</body></html>\n")
