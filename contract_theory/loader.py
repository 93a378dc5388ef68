"""Load a game from a path (``.nfg``, ``.json``) or a library specification.

>>> load_game("prisoners_dilemma").shape
(2, 2)
"""

from __future__ import annotations

import os
from typing import Any

from .errors import ParseError
from .library import from_spec

__all__ = ["load_game"]


def load_game(source: str) -> Any:
    """Return the game named by ``source``.

    ``source`` ending in ``.nfg`` is read as a Gambit strategic-form file, ``.json`` as a
    contract-theory JSON game file; anything else is a library spec such as
    ``"public_goods:n=4,r=8/5,e=20"`` (see :func:`contract_theory.library.from_spec`).
    """
    lower = source.lower()
    if lower.endswith(".nfg"):
        from .formats.nfg import read_nfg
        return read_nfg(source)
    if lower.endswith(".json"):
        from .formats.json_game import read_json_game
        return read_json_game(source)
    if os.path.isfile(source):
        raise ParseError(f"cannot tell the format of {source!r}: game files end in .nfg or .json")
    return from_spec(source)
