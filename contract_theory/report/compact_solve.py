"""The ``solve`` document of a compact game too large for its dense form: pure equilibria, optimum, welfare.

``contract-theory solve`` answers a compact game (``docs/background/model.md#8-compact-games``)
through the compact solvers when its dense form is beyond the one size budget
(:meth:`~contract_theory.games.compact.CompactGame.dense_fits`, ``--max-entries``; smaller ones keep the dense document of
:func:`contract_theory.cli.commands.solve.solve_report`).  The JSON document has the dense keys
where they make sense, with profiles replaced by **count matrices** (one ``{action label: count}``
per type):

* ``kind`` ``"compact"``, ``players`` (the number), ``types`` (name, count, actions);
* ``pure_nash``: at most 100 equilibria, each ``{"counts": C, "welfare": "..."}``, and
  ``pure_nash_count``, how many count matrices are equilibria;
* ``optimum``: ``{"welfare", "profiles"}`` (optimal count matrices, at most 100);
* ``price_of_anarchy`` / ``price_of_stability``: ``{"pure": ...}`` exact strings or ``null``
  (:func:`~contract_theory.equilibria.welfare_ratios.price_from_values`); ``notes``.

Examples
--------
>>> from contract_theory.games.compact_library import public_goods_compact
>>> d = compact_solve_json(public_goods_compact(200, 3, 1))
>>> d["pure_nash"], d["optimum"]["welfare"], d["price_of_anarchy"]
([{'counts': [{'0': 200}], 'welfare': '200'}], '600', {'pure': '3'})
"""

from __future__ import annotations

from typing import Any

from contract_theory.api import optimum, pure_equilibria
from contract_theory.equilibria.compact import compact_welfares
from contract_theory.equilibria.welfare_ratios import price_from_values
from contract_theory.games.compact import AnonymousGame
from contract_theory.report.compact import counts_json
from contract_theory.report.serialize import ratio_entry
from contract_theory.report.wording import num

__all__ = ["compact_solve_json", "compact_solve_text", "LISTED"]

#: Most equilibria and optimal count matrices listed.
LISTED = 100


def compact_solve_json(game: AnonymousGame) -> dict[str, Any]:
    """The ``solve`` JSON document of a compact game, by counts (module docstring).

    Complexity: :func:`contract_theory.api.pure_equilibria` and :func:`contract_theory.api.optimum`
    on the compact game (linear in the count matrices; O(sum m_t) for linear aggregative games).
    """
    eqs = pure_equilibria(game)
    w_star, profiles = optimum(game)
    welfare = compact_welfares(game, list(eqs.equilibria))
    doc: dict[str, Any] = {
        "title": game.title,
        "kind": "compact",
        "players": game.n_players,
        "types": [{"name": name, "count": n, "actions": list(acts)}
                  for name, n, acts in zip(game.type_names, game.type_counts, game.actions)],
        "pure_nash": [{"counts": counts_json(game, c), "welfare": num(w)}
                      for c, w in zip(eqs.equilibria[:LISTED], welfare)],
        "pure_nash_count": len(eqs.equilibria),
        "optimum": {"welfare": num(w_star), "profiles": [counts_json(game, c) for c in profiles[:LISTED]]},
        "price_of_anarchy": {},
        "price_of_stability": {},
    }
    notes = list(eqs.notes)
    for key in ("price_of_anarchy", "price_of_stability"):
        value, note = ratio_entry(price_from_values(w_star, welfare, key, equilibria="pure"), "pure")
        doc[key]["pure"] = value
        if note:
            notes.append(note)
    doc["notes"] = notes
    return doc


def _counts_text(c: list[dict[str, int]]) -> str:
    return " | ".join(", ".join(f"{n} x {lab}" for lab, n in row.items()) or "-" for row in c)


def compact_solve_text(doc: dict[str, Any]) -> str:
    """The readable ``solve`` output of :func:`compact_solve_json`'s document.

    Examples
    --------
    >>> from contract_theory.games.compact_library import public_goods_compact
    >>> print(compact_solve_text(compact_solve_json(public_goods_compact(200, 3, 1))).splitlines()[2])
      200 x 0  (welfare 200)
    """
    types = ", ".join(f"{t['name']}: {t['count']}" for t in doc["types"])
    count = doc["pure_nash_count"]
    lines = [f"{doc['title'] or 'compact game'}: {doc['players']} players ({types}), solved by counts",
             f"pure Nash equilibria ({count} count {'matrix' if count == 1 else 'matrices'}"
             f"{', the first ' + str(LISTED) if count > LISTED else ''}):"]
    lines += [f"  {_counts_text(e['counts'])}  (welfare {e['welfare']})" for e in doc["pure_nash"]] or ["  none"]
    opt = doc["optimum"]
    lines.append(f"optimum welfare W* = {opt['welfare']} at " + "; ".join(_counts_text(c) for c in opt["profiles"]))
    for key, name in (("price_of_anarchy", "price of anarchy"), ("price_of_stability", "price of stability")):
        value = doc[key]["pure"]
        lines.append(f"{name} (pure): {'undefined' if value is None else value}")
    lines += [f"note: {n}" for n in doc["notes"]]
    return "\n".join(lines)
