r"""``contract-theory solve GAME``: equilibria and welfare of one game (docs/background/model.md#1-games, #2-solution-concepts).

GAME is a ``.nfg`` / ``.json`` file or a library spec (``public_goods:n=4,r=8/5,e=20``).  A compact
game (``docs/howto/large-games.md``) is solved through its dense form when that fits the one size
budget (profiles x players at most ``--max-entries`` cells,
:meth:`~contract_theory.games.compact.CompactGame.dense_fits`); beyond, ``--concept pure`` answers pure
equilibria, the optimum and the welfare ratios by counts
(:mod:`contract_theory.report.compact_solve`) and the other concepts are refused with that way out.
``--concept`` selects what is computed:

* ``pure``: pure Nash equilibria (:func:`contract_theory.equilibria.pure.pure_nash_solve`);
* ``mixed``: pure, plus all mixed equilibria — every extreme equilibrium of a 2-player game
  (:func:`contract_theory.equilibria.vertex_enumeration.vertex_enumeration_solve`), or all equilibria of
  a small N-player game (:func:`contract_theory.equilibria.support_enumeration.nplayer_mixed_solve`);
* ``one``: pure, plus one certified mixed equilibrium found fast — exact Lemke-Howson (missing label 0)
  for 2 players (:func:`contract_theory.equilibria.lemke_howson.lh_solve`), the logit path made exact on
  its support for N players (:func:`contract_theory.equilibria.logit_path.one_equilibrium_solve`);
  price ratios are not computed over it (one equilibrium is not the set);
* ``correlated``: pure, plus the best and worst utilitarian welfare over correlated and
  coarse correlated equilibria (:func:`contract_theory.equilibria.correlated.correlated_solve`);
* ``all``: everything.

Always reported: the utilitarian optimum W* with its profiles, and the price of anarchy
PoA = W* / (worst equilibrium welfare) and price of stability PoS = W* / (best equilibrium
welfare) (:mod:`contract_theory.equilibria.welfare_ratios`) over pure equilibria, and over the mixed
(correlated, coarse correlated) equilibria when they were computed.  A ratio is given (as an
exact string) only when it is meaningful: some equilibrium exists, W* > 0 and the equilibrium
welfare in the denominator is > 0; otherwise it is ``null`` and ``notes`` says why (with the
difference W* - W when the welfare is not positive).  Over mixed equilibria of a 2-player game
the extreme equilibria suffice: each maximal convex piece of the equilibrium set is a product
of polytopes and the expected welfare is bilinear, so its minimum and maximum are attained at
extreme equilibria.  Over N-player mixed equilibria with irrational probabilities the ratios
are ``null`` (not computed exactly) with a note.

``--format json`` prints one JSON document (exact numbers as strings, see
:func:`solve_report`); ``text`` prints a readable summary with the payoff table of a small
2-player game (one table per action of the third player for a small 3-player game).
"""

from __future__ import annotations

import argparse
import json
import sys
from fractions import Fraction
from typing import Any

from contract_theory.equilibria.pure import pure_nash_solve
from contract_theory.equilibria.welfare import optimum
from contract_theory.errors import ParameterError, SizeLimitError
from contract_theory.exact.numbers import fmt
from contract_theory.games.normal_form import NormalFormGame
from contract_theory.report.serialize import mixed_profile_json, pure_profile_json, ratio_entry

__all__ = ["CONCEPTS", "add_parser", "run", "solve_report", "render_text", "payoff_tables", "ratio_entry"]

CONCEPTS = ("pure", "mixed", "one", "correlated", "all")

#: Largest action count per player for which text output prints payoff tables.
TABLE_MAX_ACTIONS = 8


def add_parser(sub: Any) -> None:
    p = sub.add_parser("solve", help="equilibria and welfare of a game",
                       description="Equilibria and welfare of a game given as a .nfg/.json file or a library spec "
                                   "such as public_goods:n=4,r=8/5,e=20.")
    p.add_argument("game", help="path to .nfg/.json, or a library spec name:key=value,...")
    p.add_argument("--concept", choices=CONCEPTS, default="pure",
                   help="pure (default), mixed (adds mixed Nash equilibria), one (adds one certified equilibrium, fast at "
                        "any size), correlated (adds correlated and "
                        "coarse correlated welfare bounds), all")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=run)


# ----------------------------------------------------------------------------- ratios
def _ratios(doc: dict[str, Any], game: NormalFormGame, over: str, equilibria: Any, notes: list[str],
            why_none: str | None = None) -> None:
    """Fill ``doc['price_of_anarchy'][over]`` and ``doc['price_of_stability'][over]``.

    ``equilibria`` is passed to :mod:`contract_theory.equilibria.welfare_ratios` (a set name, an
    :class:`EquilibriumResult` or welfare values); ``None`` means not computable exactly,
    with ``why_none`` as the reason.
    """
    from contract_theory.equilibria.welfare_ratios import price_of_anarchy, price_of_stability

    if equilibria is None:
        doc["price_of_anarchy"][over] = doc["price_of_stability"][over] = None
        notes.append(f"price of anarchy/stability over {over} equilibria not computed: {why_none}")
        return
    for key, fn in (("price_of_anarchy", price_of_anarchy), ("price_of_stability", price_of_stability)):
        value, note = ratio_entry(fn(game, equilibria), over)
        doc[key][over] = value
        if note:
            notes.append(note)


# ----------------------------------------------------------------------------- solvers
def _mixed(game: NormalFormGame) -> tuple[Any, str]:
    if game.n_players == 2:
        from contract_theory.equilibria.vertex_enumeration import vertex_enumeration_solve
        return vertex_enumeration_solve(game), "vertex-enumeration (all extreme equilibria)"
    if game.n_players == 1:
        raise ParameterError("mixed equilibria need at least 2 players; this game has 1")
    from contract_theory.equilibria.support_enumeration import nplayer_mixed_solve
    return nplayer_mixed_solve(game), "support-enumeration (all equilibria)"


def _one(doc: dict[str, Any], game: NormalFormGame, notes: list[str]) -> None:
    """``one_nash``: one certified equilibrium (or an epsilon-equilibrium with its exact epsilon)."""
    from contract_theory.equilibria.logit_path import one_equilibrium_solve
    from contract_theory.games.size import progress

    if game.n_players < 2:
        raise ParameterError("an equilibrium search needs at least 2 players; this game has 1")
    progress("one equilibrium", game.n_profiles)
    res = one_equilibrium_solve(game)
    doc["one_nash"] = [mixed_profile_json(game, p) for p in res.equilibria]
    doc["one_method"] = res.method
    if res.algebraic:
        doc["one_nash_irrational"] = [_algebraic_json(game, p) for p in res.algebraic]
    if res.approximate is not None:
        doc["one_epsilon_equilibrium"] = {**mixed_profile_json(game, res.approximate), "epsilon": fmt(res.epsilon)}
    notes.extend(f"one: {n}" for n in res.notes)


def _correlated(game: NormalFormGame, coarse: bool) -> dict[str, Any]:
    from contract_theory.equilibria.correlated import correlated_solve
    res = correlated_solve(game, "utilitarian", coarse=coarse)
    dist = res.max_welfare_distribution
    rows = [{"profile": list(game.labels(p)), "probability": fmt(q)}
            for p, q in sorted(dist.items()) if q != 0]
    return {"max_welfare": fmt(res.max_welfare), "min_welfare": fmt(res.min_welfare),
            "max_welfare_distribution": rows}


def _algebraic_json(game: NormalFormGame, prof: Any) -> dict[str, Any]:
    """An equilibrium with irrational probabilities: exact sympy strings plus floats."""
    approx = prof.approx(20)
    return {
        "strategies": [{game.actions[i][k]: str(p) for k, p in enumerate(s) if p != 0}
                       for i, s in enumerate(prof.strategies)],
        "approx": [{game.actions[i][k]: p for k, p in enumerate(s) if p != 0} for i, s in enumerate(approx)],
    }


def solve_report(game: NormalFormGame, concept: str = "pure") -> dict[str, Any]:
    """The JSON document of ``solve`` (exact numbers as strings).

    Keys: ``title``, ``exact``, ``players``, ``actions``, ``pure_nash`` (list of
    ``{profile, payoffs, welfare}``), ``optimum`` (``{welfare, profiles}``),
    ``price_of_anarchy`` and ``price_of_stability`` (``{"pure": ..., "mixed": ...,
    "correlated": ..., "coarse_correlated": ...}`` for the sets computed; exact strings or
    ``null``), ``notes``; with mixed: ``mixed_nash`` (list of
    ``{strategies: [{label: prob}], payoffs, welfare}``), ``mixed_method``,
    ``mixed_complete`` and, for N-player games with irrational equilibria,
    ``mixed_nash_irrational``; with correlated: ``correlated`` and ``coarse_correlated``
    (``{max_welfare, min_welfare, max_welfare_distribution}``).  Welfare is utilitarian.

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> d = solve_report(prisoners_dilemma())
    >>> d["pure_nash"], d["optimum"], d["price_of_anarchy"]
    ([{'profile': ['D', 'D'], 'payoffs': ['1', '1'], 'welfare': '2'}], {'welfare': '6', 'profiles': [['C', 'C']]}, {'pure': '3'})
    """
    if concept not in CONCEPTS:
        raise ParameterError(f"unknown concept {concept!r}; choose one of {list(CONCEPTS)}")
    from contract_theory.games.size import progress
    notes: list[str] = []
    if concept in ("correlated", "all"):  # refused before any work is announced or done
        from contract_theory.equilibria.correlated import check_correlated_size
        check_correlated_size(game)
    progress(f"solving {concept} equilibria of a game of {game.n_profiles:,} profiles", game.n_profiles)
    if not game.exact:
        notes.append("payoffs were given as floats; results are exact for their binary values")
    pure = pure_nash_solve(game)
    w_star, profs = optimum(game)
    doc: dict[str, Any] = {
        "title": game.title,
        "exact": game.exact,
        "players": list(game.players),
        "actions": [list(a) for a in game.actions],
        "pure_nash": [pure_profile_json(game, p) for p in pure.equilibria],
        "optimum": {"welfare": fmt(w_star), "profiles": [list(game.labels(p)) for p in profs]},
        "price_of_anarchy": {},
        "price_of_stability": {},
    }
    _ratios(doc, game, "pure", pure, notes)

    if concept in ("mixed", "all"):
        progress("mixed equilibria", game.n_profiles)
        res, method = _mixed(game)
        doc["mixed_nash"] = [mixed_profile_json(game, p) for p in res.equilibria]
        doc["mixed_method"] = method
        doc["mixed_complete"] = bool(res.complete)
        notes.extend(f"mixed: {n}" for n in res.notes)
        algebraic = tuple(getattr(res, "algebraic", ()))
        if algebraic:
            doc["mixed_nash_irrational"] = [_algebraic_json(game, p) for p in algebraic]
            _ratios(doc, game, "mixed", None, notes,
                    f"{len(algebraic)} equilibria have irrational probabilities (see mixed_nash_irrational)")
        elif not res.complete:
            _ratios(doc, game, "mixed", None, notes, "the list of mixed equilibria is incomplete")
        else:
            _ratios(doc, game, "mixed", res, notes)

    if concept == "one":
        _one(doc, game, notes)

    if concept in ("correlated", "all"):
        progress("correlated equilibria (two LPs)", game.n_profiles)
        for key in ("correlated", "coarse_correlated"):
            doc[key] = _correlated(game, coarse=key == "coarse_correlated")
            # the worst and best welfare over the CE (CCE) polytope; every value between is attained
            _ratios(doc, game, key, [Fraction(doc[key]["min_welfare"]), Fraction(doc[key]["max_welfare"])], notes)
    doc["notes"] = notes
    return doc


# ----------------------------------------------------------------------------- text output
def _cell(game: NormalFormGame, prof: tuple[int, ...]) -> str:
    return ", ".join(fmt(v) for v in game.payoff(prof))


def _grid(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    return ["  " + "  ".join(cell.rjust(w) if c else cell.ljust(w) for c, (cell, w) in enumerate(zip(r, widths)))
            for r in rows]


def payoff_tables(game: NormalFormGame) -> list[str]:
    """Text payoff tables: rows = first player, columns = second; one table per action of a
    third player.  Empty for other games or more than :data:`TABLE_MAX_ACTIONS` actions.

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> print("\\n".join(payoff_tables(prisoners_dilemma())))
      Row \\ Column     C     D
      C             3, 3  0, 5
      D             5, 0  1, 1
    """
    n = game.n_players
    if n not in (2, 3) or max(game.shape) > TABLE_MAX_ACTIONS:
        return []
    out: list[str] = []
    layers = [()] if n == 2 else [(k,) for k in range(game.shape[2])]
    for layer in layers:
        if layer:
            out.append(f"  {game.players[2]} plays {game.actions[2][layer[0]]}:")
        rows = [[f"{game.players[0]} \\ {game.players[1]}"] + list(game.actions[1])]
        for r, lab in enumerate(game.actions[0]):
            rows.append([lab] + [_cell(game, (r, c) + layer) for c in range(game.shape[1])])
        out.extend(_grid(rows))
    return out


def render_text(game: NormalFormGame, doc: dict[str, Any]) -> str:
    """Readable summary of :func:`solve_report`'s document."""
    lines = [f"{game.title or 'game'}: {game.n_players} players ({', '.join(game.players)}), "
             f"actions per player {' x '.join(str(len(a)) for a in game.actions)}"]
    table = payoff_tables(game)
    if table:
        lines.append("payoffs:")
        lines.extend(table)
    lines.append(f"pure Nash equilibria ({len(doc['pure_nash'])}):")
    for e in doc["pure_nash"]:
        lines.append(f"  ({', '.join(e['profile'])})  payoffs ({', '.join(e['payoffs'])})  welfare {e['welfare']}")
    if "mixed_nash" in doc:
        lines.append(f"mixed Nash equilibria ({len(doc['mixed_nash'])}, {doc['mixed_method']}"
                     f"{'' if doc['mixed_complete'] else ', INCOMPLETE'}):")
        for e in doc["mixed_nash"]:
            strat = "; ".join(" ".join(f"{a}:{p}" for a, p in s.items()) for s in e["strategies"])
            lines.append(f"  [{strat}]  payoffs ({', '.join(e['payoffs'])})  welfare {e['welfare']}")
        for e in doc.get("mixed_nash_irrational", []):
            strat = "; ".join(" ".join(f"{a}:{p}" for a, p in s.items()) for s in e["strategies"])
            lines.append(f"  [{strat}]  (irrational)")
    if "one_method" in doc:
        lines.append(f"one equilibrium ({doc['one_method']}, certified):")
        for e in doc["one_nash"]:
            strat = "; ".join(" ".join(f"{a}:{p}" for a, p in s.items()) for s in e["strategies"])
            lines.append(f"  [{strat}]  payoffs ({', '.join(e['payoffs'])})  welfare {e['welfare']}")
        for e in doc.get("one_nash_irrational", []):
            strat = "; ".join(" ".join(f"{a}:{p}" for a, p in s.items()) for s in e["strategies"])
            lines.append(f"  [{strat}]  (irrational)")
        if "one_epsilon_equilibrium" in doc:
            e = doc["one_epsilon_equilibrium"]
            strat = "; ".join(" ".join(f"{a}:{p}" for a, p in s.items()) for s in e["strategies"])
            lines.append(f"  none certified; epsilon-equilibrium [{strat}] with epsilon {e['epsilon']}")
    for key, name in (("correlated", "correlated equilibria"), ("coarse_correlated", "coarse correlated equilibria")):
        if key in doc:
            c = doc[key]
            lines.append(f"{name}: welfare from {c['min_welfare']} to {c['max_welfare']}; a best one:")
            for row in c["max_welfare_distribution"]:
                lines.append(f"  ({', '.join(row['profile'])})  probability {row['probability']}")
    opt = doc["optimum"]
    lines.append(f"optimum welfare W* = {opt['welfare']} at "
                 + ", ".join("(" + ", ".join(p) + ")" for p in opt["profiles"]))
    for key, name in (("price_of_anarchy", "price of anarchy"), ("price_of_stability", "price of stability")):
        vals = ", ".join(f"{over}: {'undefined' if v is None else v}" for over, v in doc[key].items())
        lines.append(f"{name}: {vals}")
    for note in doc["notes"]:
        lines.append(f"note: {note}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from contract_theory.games.loading import load_game

    game = load_game(args.game)
    if game.kind == "compact":
        from contract_theory.games.size import max_entries

        if not game.dense_fits():  # too large to expand: pure equilibria and the optimum by counts
            if args.concept != "pure":
                raise SizeLimitError(
                    f"--concept {args.concept} needs the dense form of this {game.n_players:,}-player compact game, "
                    f"{game.dense_size_text()}, above the limit of {max_entries():,} cells; --concept pure solves "
                    "it by counts (or raise the limit with --max-entries N)")
            from contract_theory.report.compact_solve import compact_solve_json, compact_solve_text
            _print(args, compact_solve_json(game), compact_solve_text)
            return 0
        game = game.to_dense()  # small: the dense document, as for any normal-form game
    if game.kind == "markov":  # a contract-theory/markov-game file or a Markov spec
        from contract_theory.cli.markov_support import run_markov_solve
        return run_markov_solve(game, args)
    doc = solve_report(game, args.concept)
    _print(args, doc, lambda d: render_text(game, d))
    return 0


def _print(args: argparse.Namespace, doc: dict[str, Any], text: Any) -> None:
    """``doc`` as JSON (``--format json``) or as ``text(doc)``."""
    if args.format == "json":
        json.dump(doc, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        from contract_theory.util.latex import terminal_safe
        print(terminal_safe(text(doc)))  # titles and labels from a file: no escape sequence reaches the terminal
