"""Reading a game file's text: the one place the file readers decode bytes.

:func:`read_text` reads a path as UTF-8 and turns a decoding failure into a
:class:`~contract_theory.errors.ParseError` naming the file and the line of the first bad byte.
"""

from __future__ import annotations

import os
from pathlib import Path

from contract_theory.errors import ParseError

__all__ = ["read_text"]


def read_text(path: str | os.PathLike[str]) -> str:
    """The UTF-8 text of the file at ``path``.

    Missing files raise :class:`FileNotFoundError` (an :class:`OSError`); bytes that are not
    UTF-8 raise :class:`~contract_theory.errors.ParseError` with the line of the first bad
    byte.  Complexity O(file size).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = Path(d) / "g.nfg"
    ...     _ = p.write_bytes(b"NFG 1 R\\n\\xff")
    ...     read_text(p)
    Traceback (most recent call last):
    ...
    contract_theory.errors.ParseError: ... is not UTF-8 text (line 2)
    """
    raw = Path(path).read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParseError(f"{os.fspath(path)!r} is not UTF-8 text", line=raw[: exc.start].count(b"\n") + 1) from None
