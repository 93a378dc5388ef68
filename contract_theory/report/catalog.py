"""The catalog of built-in game specs as text and JSON (``contract-theory games``).

:func:`catalog_text` lists every name a spec may start with
(:func:`contract_theory.games.loading.library_specs`) with its parameters in spec syntax and their
defaults, its kind (normal-form, compact, Markov) and the first sentence of its builder's docs;
:func:`catalog_json` gives the same as data.

Examples
--------
>>> print(catalog_text(name="stag_hunt"))
stag_hunt  (normal-form)
  stag_hunt:stag=4,hare=3,sucker=0
  Two-player stag hunt, actions Stag, Hare.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from contract_theory.errors import ParseError
from contract_theory.games.loading import LibrarySpec, library_specs
from contract_theory.report.wording import num

__all__ = ["catalog_text", "catalog_json", "spec_default"]


def spec_default(value: Any) -> str | None:
    """A default in spec syntax (``8/5``, ``0|2|4``, ``true``), or ``None`` when there is none.

    Examples
    --------
    >>> spec_default((0, 2, "3")), spec_default("8/5"), spec_default(None), spec_default(False)
    ('0|2|3', '8/5', None, 'false')
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "|".join(spec_default(v) or "" for v in value)
    if isinstance(value, str):
        return value
    return num(value) if isinstance(value, int) or hasattr(value, "denominator") else str(value)


def _kind(s: LibrarySpec) -> str:
    if s.kind == "normal-form" and s.compact:
        return "normal-form; compact with compact=true or more than 12 players"
    return {"compact": "compact only", "markov": "Markov game"}.get(s.kind, s.kind)


def _sentence(summary: str) -> str:
    text = re.sub(r":\w+:`~?([^`]+)`", r"\1", summary).replace("``", "")
    m = re.match(r"(.+?\.)(\s|$)", text)
    return m.group(1) if m else text


def _select(name: str | None) -> list[LibrarySpec]:
    specs = library_specs()
    if name is None:
        return specs
    chosen = [s for s in specs if s.name == name]
    if not chosen:
        raise ParseError(f"unknown game {name!r}; the library has {', '.join(s.name for s in specs)}", token=name)
    return chosen


def catalog_text(specs: Sequence[LibrarySpec] | None = None, *, name: str | None = None) -> str:
    """Every spec (or the one called ``name``) with its parameters and defaults, as plain text.

    A parameter without a default (computed by the builder, e.g. ``m`` = n) is shown as ``key=?``.
    """
    chosen = list(specs) if specs is not None else _select(name)
    blocks = []
    for s in chosen:
        params = ",".join(f"{k}={spec_default(v) if spec_default(v) is not None else '?'}" for k, v in s.parameters)
        blocks.append("\n".join([f"{s.name}  ({_kind(s)})", f"  {s.name}" + (f":{params}" if params else ""),
                                 f"  {_sentence(s.summary)}"]))
    head = [] if name is not None else [
        f"{len(chosen)} built-in games. A spec is NAME:key=value,... (lists with |, e.g. grid=0|2|4; exact numbers "
        "such as 8/5); key=? has a computed default, given in the docs."]
    return "\n\n".join(head + blocks)


def catalog_json(*, name: str | None = None) -> list[dict[str, Any]]:
    """The catalog as JSON-ready data: name, kind, compact, parameters ``{key: default or null}``, summary.

    Examples
    --------
    >>> catalog_json(name="matching_pennies")[0]["parameters"]
    {}
    """
    return [{"name": s.name, "kind": s.kind, "compact": s.compact,
             "parameters": {k: spec_default(v) for k, v in s.parameters}, "summary": _sentence(s.summary)}
            for s in _select(name)]
