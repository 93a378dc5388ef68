r"""The whole study on a set of games: ``contract-theory report``.

For each game of the set (by default :data:`DEFAULT_GAMES`, the library's social
dilemmas; any ``.nfg``/``.json`` file or spec that :func:`~contract_theory.games.loading.load_game`
reads as a normal-form or compact game): equilibria and welfare, the welfare-by-K curve, stable
coalitions, which of the theorem's assumptions fail and their witnesses, the contracting game's
SPE welfare at K = N and at smaller K, the modifications, and how coalitions form and share (core,
Shapley value, nucleolus, Bloch's sequential game beside the myopic answer,
:mod:`contract_theory.report.formation`); then whatever the optional studies add (counterexamples
to the built-in claims, the learning check, Markov games).  Everything goes into one directory:

* ``report.md`` and ``report.html`` — the readable report;
* ``<game>-welfare.png``, ``<game>-gains.png`` — plots (:mod:`contract_theory.report.plots`);
* ``<game>.tex`` — booktabs tables; ``<game>-k-below-n.tex`` and ``atlas.tex`` — the K < N
  assumption and modification tables and the claims atlas, for a paper to ``\input``
  (:mod:`contract_theory.report.paper`); ``guarantees.tex`` — the tight guarantees table
  (:mod:`contract_theory.report.guarantees`);
* ``report.json`` — the raw, exact results (numbers as strings).

``<game>`` is :func:`spec_slug` of the spec: readable, and unique per spec (it ends in a hash of the
exact spec text, so ``public_goods:n=3,r=2`` and ``public_goods:n=3,r=5/2`` never share a file).

The folder is written as one unit (:class:`contract_theory.util.folders.OutputFolder`): one run at
a time (a second one into the same ``--out`` gets a one-line error), built in a sibling temporary
folder and swapped in at the end, so ``--out`` always holds the previous report or the new one,
never parts of both, and no temporary file stays behind.  Every game section is saved as it
finishes (a checkpoint in ``OUT/.contract-theory/``, or ``checkpoint=``); an interrupted report
(:class:`ReportInterrupted`) says how many games are saved, and the same command resumes from them.
Files are written with the user's umask (:mod:`contract_theory.util.atomic`).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from contract_theory.api import check_assumptions, partial_contract_analysis, theorem_check
from contract_theory.contracting.coalitions.rules import Rules
from contract_theory.contracting.protocol.assumptions import explain
from contract_theory.contracting.protocol.spe import TheoremSpace
from contract_theory.equilibria.pure import pure_nash_solve
from contract_theory.errors import ParameterError
from contract_theory.games.library import from_spec
from contract_theory.games.normal_form import NormalFormGame
from contract_theory.report.analysis import analysis_json, analysis_latex, exactness_text, result_ties
from contract_theory.report.answers import answers_section, game_answers, k_partial, price_phrase
from contract_theory.report.atlas import AtlasSection
from contract_theory.report.compact_study import compact_section
from contract_theory.report.guarantees import guarantees_json
from contract_theory.report.normal_form import profile_text
from contract_theory.report.plots import plot_gains, plot_welfare_curve
from contract_theory.report.wording import num, witness_sentence
from contract_theory.util.atomic import write_bytes, write_text
from contract_theory.util.folders import OutputFolder
from contract_theory.util.latex import markdown_safe

__all__ = ["DEFAULT_GAMES", "StudyItem", "Execution", "ReportInterrupted", "run_report", "spec_slug",
           "interrupted_text", "load_study_items"]

#: The embedded default set: (spec, K).  Each spec is a :func:`contract_theory.games.library.from_spec` string.
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


@dataclass(frozen=True)
class Execution:
    """Where the report's game sections run: ``executor`` (:class:`contract_theory.util.execution.Executor`,
    ``None``: serially here) and the ``checkpoint`` file of finished games (``None``: a file in
    ``OUT/.contract-theory/`` named after the job)."""

    executor: Any = None
    checkpoint: str | None = None


class ReportInterrupted(KeyboardInterrupt):
    """Ctrl-C during a report: ``done`` of ``total`` game sections are saved in ``checkpoint``; the
    output folder ``out_dir`` is unchanged.  :func:`interrupted_text` says how to resume."""

    def __init__(self, done: int, total: int, checkpoint: str, out_dir: str) -> None:
        super().__init__(f"report interrupted after {done} of {total} games")
        self.done, self.total, self.checkpoint, self.out_dir = done, total, checkpoint, out_dir


def interrupted_text(exc: ReportInterrupted) -> str:
    """What an interrupted report kept, for the command's one line (``contract-theory: interrupted:
    WHAT; resume with: COMMAND``, ``contract_theory.cli.interrupted``).

    Examples
    --------
    >>> print(interrupted_text(ReportInterrupted(2, 6, "rep/.contract-theory/r.jsonl", "rep")))
    2 of 6 games finished; 'rep' is unchanged and the finished games are saved in rep/.contract-theory/r.jsonl
    """
    return (f"{exc.done} of {exc.total} games finished; {exc.out_dir!r} is unchanged and the finished games are "
            f"saved in {exc.checkpoint}")


def spec_slug(spec: str) -> str:
    """A file-name stem for a game spec: readable (a file's base name, or the spec) and unique per
    spec (a hash of the exact text), so two specs never write the same plots.

    Examples
    --------
    >>> spec_slug("public_goods:n=3,r=2"), spec_slug("public_goods:n=3,r=5/2")
    ('public-goods-n-3-r-2-1c07a6', 'public-goods-n-3-r-5-2-ac143a')
    """
    readable = os.path.basename(spec) if spec.lower().endswith((".nfg", ".json")) else spec
    stem = re.sub(r"[^a-z0-9]+", "-", readable.lower()).strip("-")[:48].strip("-") or "game"
    return f"{stem}-{hashlib.sha256(spec.encode()).hexdigest()[:6]}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "game"


def _md_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def _spe_doc(g: NormalFormGame, kk: int | None, rules: Rules) -> dict[str, Any]:
    """The contracting game's SPE welfare with every player signing and with K = ``kk`` < N (the K studied)."""
    full = theorem_check(g, rules=rules)
    partial = theorem_check(g, k=kk, rules=rules) if kk is not None else None
    return {
        "full_contract": {"worst_welfare": num(full.worst_welfare), "best_welfare": num(full.best_welfare),
                          "every_spe_optimal": full.every_spe_optimal},
        "k_partial": None if partial is None else {
            "k": kk, "worst_welfare": num(partial.worst_welfare), "best_welfare": num(partial.best_welfare),
            "every_spe_optimal": partial.every_spe_optimal},
    }


def _game_files(a: Any, checks: Any, slug: str) -> dict[str, bytes]:
    """A game section's plots and LaTeX table, drawn in a private temporary folder and returned as
    bytes (so a section from a checkpoint or another machine brings its files with it)."""
    with tempfile.TemporaryDirectory(prefix="contract-theory-section-") as d:
        plot_welfare_curve(a, os.path.join(d, f"{slug}-welfare.png"))
        plot_gains(a, os.path.join(d, f"{slug}-gains.png"))
        write_text(os.path.join(d, f"{slug}.tex"), analysis_latex(a, checks))
        return {name: open(os.path.join(d, name), "rb").read() for name in sorted(os.listdir(d))}


def _range(spe: dict[str, Any]) -> str:
    """An SPE welfare range as words: ``6`` when every SPE gives it, else ``from 27 to 32``."""
    low, high = spe["worst_welfare"], spe["best_welfare"]
    return f"{low} in every SPE" if low == high else f"from {low} to {high}"


def _spe_words(spe: dict[str, Any]) -> str:
    """An SPE welfare range as a clause: ``every SPE has welfare 6`` or ``the SPEs have welfare from 27 to 32``."""
    low, high = spe["worst_welfare"], spe["best_welfare"]
    return f"every SPE has welfare {low}" if low == high else f"the SPEs have welfare from {low} to {high}"


def _game_section(item: StudyItem, rules: Rules) -> tuple[str, dict[str, Any], dict[str, bytes]]:
    g, k = item.game, item.k
    selection, tie = rules.selection, rules.tie
    slug = spec_slug(item.spec)
    kk = k_partial(g.n_players, k)
    a = partial_contract_analysis(g, k, rules)
    checks = check_assumptions(g, k, rules)
    doc = analysis_json(a, checks)
    doc["spe"] = _spe_doc(g, kk, rules)
    doc["spec"] = item.spec
    doc["anchor"] = f"game-{slug}"
    files = _game_files(a, checks, slug)
    pure = pure_nash_solve(g).equilibria
    lines = [f'<a id="game-{slug}"></a>', "", f"## {markdown_safe(g.title or item.spec)}", "",
             f"Spec `{item.spec}`; {g.n_players} players; K = {k}.", ""]
    lines.append(f"- Pure Nash equilibria: {len(pure)}"
                 + (f" (e.g. {'; '.join('(' + ', '.join(map(markdown_safe, g.labels(p))) + ')' for p in pure[:3])})"
                    if pure else ""))
    lines.append(f"- Optimum W* = {doc['optimum']['welfare']}; no contract ({selection}) W = "
                 f"{doc['no_contract']['welfare']}.")
    partial = doc["spe"]["k_partial"]
    at_k = "" if kk is None else f"; at K = {kk}: {price_phrase(a, kk)}"
    lines.append(f"- Smallest k reaching W*: {doc['min_k_for_optimum'] or 'none within K'}; price of partial "
                 f"contracting at K = {k}: {price_phrase(a, k)}{at_k}.")
    lines.append(f"- Contracting game, all {g.n_players} sign: SPE welfare {_range(doc['spe']['full_contract'])}"
                 + (f"; with K = {kk}: {_range(partial)}." if partial else "."))
    lines += _exact_and_ties(a)
    lines.append("")
    rows = [(r["k"], doc["welfare_curve"][str(r["k"])], r["welfare"] or "-", _members(g, r["coalition"]),
             markdown_safe(profile_text(r["profile"])), {True: "yes", False: "no"}.get(r["members_accept"], "-")) for r in doc["by_k"]]
    lines.append(_md_table(["k", "W_k", "best W(S), \\|S\\|=k", "coalition", "outcome", "members accept"], rows))
    lines.append("")
    stable = doc["stable_coalitions"]
    lines.append(f"Stable coalitions ({tie} ties): {len(stable)}"
                 + (f", e.g. {'; '.join(_members(g, S) for S in stable[:5])}" if stable else "") + ".")
    lines.append("")
    lines.append(f"![welfare by K]({slug}-welfare.png) ![gains by K]({slug}-gains.png)")
    lines.append("")
    fails = [c for c in checks if c.status == "fails"]
    lines.append(f"Assumptions with K = {k}{' = N' if k == g.n_players else ''}: {explain(checks)}")
    if fails:
        lines.append("")
        lines.append(_md_table(["id", "assumption", "witness"],
                               [(c.id, c.name, witness_sentence(c, g).replace("|", "\\|")) for c in fails]))
    lines.append("")
    from contract_theory.report.design import design_section  # K < N: assumptions and modifications

    text, doc["k_below_n"] = design_section(g, k, rules)
    lines.append(text)
    doc["answers"] = game_answers(g, a, kk, rules, doc["k_below_n"].get("design"), partial)
    from contract_theory.report.formation import formation_json, formation_markdown, formation_section

    tables = formation_section(g, k, rules)  # how coalitions form and share, beside the myopic answer
    doc["formation"] = [formation_json(t) for t in tables]
    lines += ["", formation_markdown(tables)]
    return "\n".join(lines), doc, files


def _exact_and_ties(a: Any) -> list[str]:
    """The section's ``exact`` and ``rests on a tie`` lines, in words (issue 29 item 4): the float
    note when the payoffs were floats; each tie of :func:`~contract_theory.report.analysis.result_ties`
    (no-contract equilibria, a best coalition's outcomes, coalitions tied on W(S)), or ``none``."""
    ties = result_ties(a)
    return [f"- {markdown_safe(exactness_text(a.game))}.",
            "- rests on a tie: " + ("none." if not ties else "; ".join(markdown_safe(t) for t in ties) + ".")]


def _members(g: Any, coalition: Sequence[int] | None) -> str:
    """A coalition by its players' names, ``{P0, P1}`` (``-`` for none)."""
    return "-" if coalition is None else "{" + ", ".join(markdown_safe(g.players[i]) for i in coalition) + "}"


def _section_chunk(chunk: Any) -> tuple[str, dict[str, Any], dict[str, bytes]]:
    """One game's section as an execution chunk (payload ``(item, rules)``); picklable."""
    item, rules = chunk.payload
    return _game_section(item, rules)


def _encode(section: tuple[str, dict[str, Any], dict[str, bytes]]) -> Any:
    text, doc, files = section
    return [text, doc, {name: base64.b64encode(data).decode("ascii") for name, data in files.items()}]


def _decode(stored: Any) -> tuple[str, dict[str, Any], dict[str, bytes]]:
    text, doc, files = stored
    return text, doc, {name: base64.b64decode(data) for name, data in files.items()}


def load_study_items(specs: Sequence[str] | None, k: int | None) -> list[StudyItem]:
    """The games of a report: every source read by :func:`~contract_theory.games.loading.load_game`
    (files and specs; a compact game in its dense form), with K = min(k, N) (default N).

    A Markov game, or ``k`` below 2, is a :class:`~contract_theory.errors.ParameterError`.
    """
    from contract_theory.contracting.coalitions.partial_contracts import check_k
    from contract_theory.games.loading import load_game

    if k is not None and (isinstance(k, bool) or not isinstance(k, int) or k < 2):
        raise ParameterError(f"K={k!r} is out of range: a contract needs 2 <= K <= N (--k caps K for every game)")
    items = []
    for spec in specs or DEFAULT_GAMES:
        g = load_game(spec, dense=True)
        if not isinstance(g, NormalFormGame):
            raise ParameterError(f"report --games takes normal-form and compact games; {spec!r} is a {g.kind} game "
                                 "(study it with contract-theory analyze; the report's Markov section covers "
                                 "commons_markov and cleanup_markov)")
        kk = g.n_players if k is None else min(k, g.n_players)
        check_k(g, kk)
        items.append(StudyItem(spec, g, kk))
    return items


def _run_sections(items: list[StudyItem], rules: Rules, executor: Any, checkpoint: str, job: dict[str, Any],
                  progress: Callable[[str], None] | None) -> list[tuple[str, dict[str, Any], dict[str, bytes]]]:
    """Every game section, in the order of ``items``, checkpointed as each finishes."""
    from contract_theory.util.execution import Chunk, ChunkError, Executor, collect

    own = executor is None
    ex = Executor("serial", retries=0) if own else executor
    finished: list[int] = []

    def tick(r: Any) -> None:
        finished.append(r.index)
        if progress:
            where = "" if own else f" (on {ex.backend})"
            progress(f"[{len(finished)}/{len(items)}] {items[r.index].spec}{where}")

    try:
        run = collect(ex, _section_chunk, [Chunk(i, None, (item, rules)) for i, item in enumerate(items)],
                      on_result=tick, checkpoint=checkpoint, job=job, codec=(_encode, _decode))
    except ChunkError as exc:  # a deterministic input error in a section: report it as itself (exit 2)
        if isinstance(exc.__cause__, ValueError):
            raise exc.__cause__ from None
        raise
    if run.interrupted:
        raise ReportInterrupted(len(run.results), len(items), checkpoint, "")
    return run.ordered()


def run_report(
    out_dir: str, *, specs: Sequence[str] | None = None, k: int | None = None, rules: Rules = Rules(),
    progress: Callable[[str], None] | None = None, extra_sections: Sequence[Callable[..., tuple[str, dict]]] = (),
    execution: Execution = Execution(),
) -> dict[str, Any]:
    """Run the study and write the report into ``out_dir``; return the raw JSON document.

    ``k`` caps K for every game (default: K = N for each game); ``rules`` are every game's study
    rules.  ``extra_sections`` are callables ``(folder) -> (markdown, json)`` appended after the
    game sections, writing their files into the folder they are given.  ``execution.executor``
    computes the game sections in parallel, one chunk per game, reassembled in the order of
    ``specs`` (same output as the serial run).  Every finished game section is checkpointed
    (``execution.checkpoint``, default a file in ``out_dir/.contract-theory/`` named after the
    job), so a re-run after Ctrl-C (:class:`ReportInterrupted`) or a crash skips them; a section
    brings its files with it, so Dask workers need no shared storage.  The folder is replaced as
    one unit (module docstring); a second concurrent run into ``out_dir`` raises
    :class:`~contract_theory.errors.ParameterError`.
    """
    t0 = time.perf_counter()
    items = load_study_items(specs, k)
    from contract_theory import __version__

    options = rules.as_dict()
    job = {"kind": "report", "version": __version__, "specs": [i.spec for i in items], "k": [i.k for i in items],
           **options, "rules": repr(rules)}  # protocol and budgets too: a resumed run never mixes two rule sets
    folder = OutputFolder(out_dir, command=f"report {' '.join(i.spec for i in items)}")
    with folder as work:
        ckpt = execution.checkpoint or os.path.join(folder.state, "report-" + hashlib.sha256(
            json.dumps(job, sort_keys=True, default=str).encode()).hexdigest()[:12] + ".jsonl")
        _keep_state(folder.state, work)
        started: list[Any] = [s for s in extra_sections if hasattr(s, "start")]  # the atlas: solved beside the games
        try:
            for section in started:
                section.start(work, progress)
            sections = _run_sections(items, rules, execution.executor, ckpt, job, progress)
            md, docs = [], []
            for text, doc, files in sections:
                for name, data in files.items():
                    write_bytes(os.path.join(work, name), data)
                md.append(text)
                docs.append(doc)
            extras = []
            for section in extra_sections:
                if progress:
                    progress(f"[extra] {getattr(section, '__name__', 'section')}")
                text, doc = section(work)
                md.append(text)
                extras.append(doc)
        except ReportInterrupted as exc:
            raise ReportInterrupted(exc.done, exc.total, ckpt, out_dir) from None
        except KeyboardInterrupt:  # during the extra sections: every game section is saved
            raise ReportInterrupted(len(items), len(items), ckpt, out_dir) from None
        finally:
            for section in started:
                section.cancel(work)
        guarantees = _guarantees(work, rules)
        answers_md, answers_doc = answers_section(
            [(markdown_safe(d["title"] or d["spec"]), d["anchor"], d["answers"]) for d in docs] + _extra_answers(extras),
            next((x["atlas"] for x in extras if isinstance(x, dict) and "atlas" in x), None), rules, guarantees)
        for entry, d in zip(answers_doc["games"], docs):  # the JSON keeps the exact title; Markdown the safe one
            entry["title"] = d["title"] or d["spec"]
        answers_doc["guarantees"] = guarantees_json(guarantees)
        _write_paper(work, docs, answers_doc["atlas"], rules)
        elapsed = time.perf_counter() - t0
        md = [*_head(rules), answers_md, *md, f"---\nGenerated by contract-theory in {elapsed:.1f} s."]
        markdown_text = re.sub(r"(?<!\\)W\*", r"W\\*", "\n".join(md) + "\n")  # W*: a star, not emphasis
        result = {"parameters": {**rules.as_dict(), "k": k}, "answers": answers_doc, "games": docs, "extras": extras}
        write_text(os.path.join(work, "report.json"), json.dumps(result, indent=2))
        write_text(os.path.join(work, "report.md"), markdown_text)
        write_text(os.path.join(work, "report.html"), _html(markdown_text))
    return result


def _extra_answers(extras: Sequence[Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """The Answers of the Markov and compact sections' games (:mod:`contract_theory.report.kind_answers`),
    as ``(title, anchor, answers)`` in the sections' order; a Markov game is titled by its spec, as its heading."""
    out = []
    for x in extras:
        for key in ("markov", "compact"):
            for d in x.get(key) or () if isinstance(x, dict) else ():
                if "answers" in d:
                    out.append((markdown_safe(d["spec"] if key == "markov" else d["title"] or d["spec"]), d["anchor"], d["answers"]))
    return out


def _head(rules: Rules) -> list[str]:
    """The report's title and its convention, named once (every sentence below is under it)."""
    timing = ("the signed contract is seen before play: the coalition commits first and the outsiders then play an "
              "equilibrium of the game left to them" if rules.timing == "stackelberg" else
              "the coalition and the outsiders move simultaneously")
    selection = ("of several outsiders' equilibria the one worst for the coalition, of the coalition's tied choices "
                 "the one with the lower welfare, and as the no-contract outcome the pure equilibrium with the lowest "
                 "welfare" if rules.selection == "pessimistic" else
                 "of several outsiders' equilibria the one best for the coalition, of its tied choices the one with "
                 "the higher welfare, and as the no-contract outcome the pure equilibrium with the highest welfare")
    sharing = {"equal": "each member gets the coalition's total divided by its size",
               "lump_sum": "any split that leaves each member at least its no-contract payoff",
               "none": "members keep their own payoffs; transfers only fine deviations"}[rules.sharing]
    return ["# Partial contracts: the study", "",
            f"Convention, for every statement of this report: timing = {rules.timing} ({timing}); selection = "
            f"{rules.selection} ({selection}); sharing = {rules.sharing} ({sharing}); tie = {rules.tie} (the "
            "stability tie rule, docs/background/model.md section 4). All numbers are exact.", ""]


def _write_paper(work: str, docs: Sequence[dict[str, Any]], fold: dict[str, Any] | None, rules: Rules) -> None:
    """The LaTeX a paper can input (:mod:`contract_theory.report.paper`): per game its K < N tables, and the atlas."""
    from contract_theory.report.answers import GUARANTEES
    from contract_theory.report.paper import atlas_latex, game_latex

    for d in docs:
        tex = game_latex(d, rules)
        if tex is not None:
            write_text(os.path.join(work, f"{spec_slug(d['spec'])}-k-below-n.tex"), tex)
    if fold is not None:
        write_text(os.path.join(work, "atlas.tex"), atlas_latex(fold, rules, [g[0] for g in GUARANTEES]))


def _guarantees(work: str, rules: Rules) -> dict[str, Any] | None:
    """The Tight guarantees rows (:mod:`contract_theory.report.guarantees`) and their ``guarantees.tex``;
    ``None`` when z3 is missing."""
    from contract_theory.report.guarantees import guarantees_doc, guarantees_latex

    try:
        doc = guarantees_doc(work, rules)
    except (ImportError, ValueError):  # z3 missing: the subsection says so
        return None
    write_text(os.path.join(work, "guarantees.tex"), guarantees_latex(doc, rules))
    return doc


def _keep_state(state: str, work: str) -> None:
    """Carry the state kept between reports (the atlas and guarantees caches) from the old folder into the new one."""
    from contract_theory.report.atlas import REPORT_CACHE
    from contract_theory.report.guarantees import REPORT_CACHE as GUARANTEES_CACHE

    for cache in (REPORT_CACHE, GUARANTEES_CACHE):
        old = os.path.join(os.path.dirname(state), cache)
        if os.path.isfile(old):
            os.makedirs(os.path.join(work, os.path.dirname(cache)), exist_ok=True)
            with open(old, "rb") as fh:
                write_bytes(os.path.join(work, cache), fh.read())


def _html(markdown_text: str) -> str:
    import markdown

    body = markdown.markdown(markdown_text, extensions=["tables"])
    return ("<!doctype html><html><head><meta charset='utf-8'><title>contract-theory report</title>"
            "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}"
            "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em}"
            "img{max-width:48%}</style></head><body>" + body + "</body></html>\n")


# ---------------------------------------------------------------------------- optional studies
#: Markov games of the default study (spec, K).
DEFAULT_MARKOV: tuple[str, ...] = ("commons_markov:n=3", "cleanup_markov:n=3")


def markov_section(out_dir: str, specs: Sequence[str] = DEFAULT_MARKOV) -> tuple[str, dict[str, Any]]:
    """Partial contracts on the Markov library games: welfare curve, stability, SPE at K = N and at
    K = N - 1, and each game's Answers (:func:`contract_theory.report.kind_answers.markov_answers`).

    Cost per game: the coalition studies at K = N and K = N - 1 and two theorem checks (K = N over
    contracts targeting team-optimal policies, K = N - 1 over every target; about 0.3 s each for the
    default games).
    """
    from contract_theory.games.loading import from_markov_spec
    from contract_theory.report.kind_answers import markov_answers

    lines = ["## Markov games", "",
             "Values are discounted welfare from the initial state distribution; W* is the team optimum and no "
             "contract the pessimistic stationary MPE.", ""]
    docs = []
    for spec in specs:
        g = from_markov_spec(spec)
        a = partial_contract_analysis(g, g.n_players)
        doc = analysis_json(a)
        full = theorem_check(g, space=TheoremSpace(targets="optimal"))
        doc["spe"] = {"full_contract": {"worst_welfare": num(full.worst_welfare), "best_welfare": num(full.best_welfare),
                                        "every_spe_optimal": full.every_spe_optimal}, "k_partial": None}
        kk = k_partial(g.n_players, g.n_players)
        a_k = partial_contract_analysis(g, kk, reuse=a) if kk is not None else None  # a's coalitions, K = N - 1
        spe_k = theorem_check(g, k=kk) if kk is not None else None  # the rich space: every target
        if spe_k is not None:
            doc["spe"]["k_partial"] = {"k": kk, "worst_welfare": num(spe_k.worst_welfare),
                                       "best_welfare": num(spe_k.best_welfare),
                                       "every_spe_optimal": spe_k.every_spe_optimal}
        slug = spec_slug(spec)
        doc["spec"], doc["anchor"] = spec, f"game-{slug}"
        doc["answers"] = markov_answers(a, a_k, spe_k, doc["spe"]["full_contract"])
        plot_welfare_curve(a, os.path.join(out_dir, f"{slug}-welfare.png"))
        curve = doc["welfare_curve"]
        stable = "; ".join(_members(g, S) for S in a.stable_coalitions) or "none"
        partial = doc["spe"]["k_partial"]
        lines += [f'<a id="game-{slug}"></a>', "", f"### {markdown_safe(spec)}", ""]
        lines.append(f"Team optimum W* = {doc['optimum']['welfare']}; no contract (pessimistic MPE) W = "
                     f"{doc['no_contract']['welfare']}; welfare curve "
                     + ", ".join(f"W_{k} = {w}" for k, w in curve.items())
                     + f"; smallest k reaching W*: {doc['min_k_for_optimum'] or 'none'}; stable coalitions: {stable}. "
                     f"All sign (contracts targeting team-optimal policies): {_spe_words(doc['spe']['full_contract'])}"
                     + ("." if partial is None else f"; with K = {kk} (every target at which outsiders best-respond): "
                        f"{_spe_words(partial)}."))
        lines.append("")
        lines.append(f"![welfare by K]({slug}-welfare.png)")
        lines.append("")
        docs.append(doc)
    return "\n".join(lines), {"markov": docs}


def counterexample_section(out_dir: str, *, budget_seconds: float | None = None, seed: int = 0,
                           max_games: int = 5000) -> tuple[str, dict[str, Any]]:
    """A certified, shrunk counterexample for each built-in claim (3 players, 2 actions, payoffs 0..3).

    The search is bounded by ``max_games`` seeded games, not by time (``budget_seconds`` ``None``, also
    for the shrinking), so the section says the same on every machine: measured 2.3-3.5 s of CPU for
    the six claims (each found within 1845 games).
    """
    from contract_theory.games.formats.nfg import write_nfg
    from contract_theory.search.certificates import certificate_latex, verify_certificate
    from contract_theory.search.claims import BUILTIN_CLAIMS
    from contract_theory.search.search import find_counterexample
    from contract_theory.search.spaces import GameSpace

    space = GameSpace(players=(2, 3), actions=(2, 2), low=0, high=3)
    rows, docs = [], []
    for name in sorted(BUILTIN_CLAIMS):
        params = {"k": 2} if name != "spe-optimal" else {"k": 3, "refinement": "simultaneous"}
        r = find_counterexample(name, space, params=params, budget_seconds=budget_seconds, seed=seed,
                                max_games=max_games, shrink_seconds=budget_seconds)
        entry = r.to_json()
        if r.found:
            assert r.game is not None and r.certificate is not None  # a found counterexample carries both
            slug = _slug("counterexample-" + name)
            write_text(os.path.join(out_dir, f"{slug}.nfg"), write_nfg(r.game))
            write_text(os.path.join(out_dir, f"{slug}.tex"), certificate_latex(r.certificate))
            ok = verify_certificate(r.certificate)
            entry["verified"] = ok
            rows.append((name, f"{r.game.n_players} players, shape {'x'.join(map(str, r.game.shape))}", "yes" if ok else "NO",
                         f"[{slug}.nfg]({slug}.nfg)", r.searched))
        else:
            rows.append((name, "none found", "-", "-", r.searched))
        docs.append(entry)
    text = "\n".join(["## Counterexamples to the built-in claims", "",
                      f"Space: 2-3 players, 2 actions, integer payoffs 0..3, seed {seed}; parameters k = 2 "
                      "(spe-optimal: K = 3 with simultaneous votes).", "",
                      _md_table(["claim", "smallest counterexample", "certificate re-verified", "file", "games searched"],
                                rows), ""])
    return text, {"counterexamples": docs}


def learning_section(out_dir: str, *, spec: str = "prisoners_dilemma", episodes: int = 1500, runs: int = 200,
                     seed: int = 0) -> tuple[str, dict[str, Any]]:
    """Independent Q-learners with and without the full contract, against the exact prediction."""
    from contract_theory.learning.experiment import run_experiment

    g = from_spec(spec)
    res = run_experiment(g, episodes=episodes, runs=runs, seed=seed)
    rows = []
    for c in res.conditions:
        ci = "-" if c.welfare_ci is None else f"[{c.welfare_ci[0]:.3f}, {c.welfare_ci[1]:.3f}]"
        rows.append((c.name, ", ".join(" ".join(p) for p in c.predicted), f"{c.match_rate:.1%}",
                     f"{c.welfare_mean:.3f}", ci))
    text = "\n".join(["## Learning check", "",
                      f"{runs} seeded runs of independent tabular Q-learning, {episodes} episodes each, on `{spec}`.",
                      "", _md_table(["condition", "exact prediction", "runs ending there", "welfare mean", "95% CI"],
                                    rows), ""])
    return text, {"learning": [c.to_json(full=False) for c in res.conditions]}


#: The optional studies ``contract-theory report`` runs after the games, in order.
EXTRA_SECTIONS = (markov_section, counterexample_section, AtlasSection(), learning_section, compact_section)
