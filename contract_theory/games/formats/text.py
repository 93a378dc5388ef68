"""The input boundary of the game files: the one place the readers open files and decode JSON.

Every reader (``.nfg``, JSON, Markov JSON, compact JSON, :func:`~contract_theory.games.loading.load_game`)
reads through :func:`read_bytes` / :func:`read_text` / :func:`read_json`, which bound what they
accept *before* anything is converted (issue 27):

* **file type**: regular files only.  The file is opened without blocking (a FIFO does not hang
  the open) and checked on the open descriptor (so a symlink to ``/dev/zero`` is seen as the
  character device it is); a directory, FIFO, device or socket is a
  :class:`~contract_theory.errors.ParseError` naming the path and its type;
* **file size**: at most :func:`max_file_bytes` bytes (:data:`BYTES_PER_CELL` per cell of the one
  size budget, :func:`contract_theory.games.size.max_entries`: 64 MiB by default; raised with
  ``--max-entries``), checked before reading, a
  :class:`~contract_theory.errors.SizeLimitError` otherwise;
* **encoding**: UTF-8, else a ParseError with the line of the first bad byte;
* **JSON** (:func:`load_json`): nesting at most :data:`MAX_JSON_DEPTH` levels (checked on the
  text before parsing, so a document nested 200,000 deep is one line, not a RecursionError), no
  duplicate key in any object, no ``NaN``/``Infinity``, and every number literal within the
  bounds of :mod:`contract_theory.exact.bounds`; each error names the line.

Exact strings inside a document (``"21/2"``) are bounded where they are converted
(:func:`contract_theory.exact.numbers.parse_number`), and the reader names their key.
"""

from __future__ import annotations

import json
import os
import re
import stat
from typing import Any

import numpy as np

from contract_theory.errors import ParameterError, ParseError, SizeLimitError
from contract_theory.exact.bounds import number_token_problem, short_token

__all__ = ["read_bytes", "read_text", "read_json", "load_json", "max_file_bytes", "check_path",
           "BYTES_PER_CELL", "MAX_JSON_DEPTH"]

#: Bytes of game file allowed per cell of the size budget (64 MiB at the default 2**22 cells).
BYTES_PER_CELL = 16
#: Deepest JSON nesting accepted: a dense ``payoff_array`` of n players needs n + 2 levels.
MAX_JSON_DEPTH = 100

_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def max_file_bytes() -> int:
    """The largest game file read: :data:`BYTES_PER_CELL` x the size budget in force.

    Examples
    --------
    >>> max_file_bytes()
    67108864
    """
    from contract_theory.games.size import max_entries
    return BYTES_PER_CELL * max_entries()


def check_path(path: Any, what: str = "a game file") -> str:
    """``path`` as a string, or a :class:`~contract_theory.errors.ParameterError` when it is not a
    path (``None``, a number, bytes).

    Examples
    --------
    >>> from pathlib import Path
    >>> check_path(Path("g.nfg"))
    'g.nfg'
    """
    if isinstance(path, (str, os.PathLike)) and not isinstance(path, bytes):
        text = os.fspath(path)
        if isinstance(text, str):
            return text
    raise ParameterError(f"{what} must be a path (str or os.PathLike), got {type(path).__name__}")


def _kind(mode: int) -> str | None:
    return next((name for test, name in _KINDS if test(mode)), None if stat.S_ISREG(mode) else "not a regular file")


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """The bytes of the regular file at ``path``, refused before reading when it is not a regular
    file or is larger than :func:`max_file_bytes` (module docstring).

    A missing file raises :class:`FileNotFoundError` (an :class:`OSError`).  Complexity O(size).

    Examples
    --------
    >>> read_bytes("/dev/null")
    Traceback (most recent call last):
    ...
    contract_theory.errors.ParseError: '/dev/null' is not a regular file (it is a character device); game files must be regular files
    """
    name = check_path(path)
    fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        kind = _kind(info.st_mode)
        if kind is not None:
            raise ParseError(f"{name!r} is not a regular file (it is {kind}); game files must be regular files")
        limit = max_file_bytes()
        if info.st_size > limit:
            raise SizeLimitError(_too_big(name, info.st_size, limit))
        chunks, total = [], 0
        while chunk := os.read(fd, min(1 << 20, limit + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # the file grew while we read it
                raise SizeLimitError(_too_big(name, total, limit))
        return b"".join(chunks)
    finally:
        os.close(fd)


def _too_big(name: str, size: int, limit: int) -> str:
    return (f"{name!r} is {size:,} bytes, above the limit of {limit:,} bytes for a game file "
            f"({BYTES_PER_CELL} bytes per cell of the size budget); raise it with --max-entries N "
            "(contract_theory.games.size.size_limit in Python)")


def read_text(path: str | os.PathLike[str]) -> str:
    """The UTF-8 text of the file at ``path`` (through :func:`read_bytes`).

    Bytes that are not UTF-8 raise :class:`~contract_theory.errors.ParseError` with the line of
    the first bad byte.  Complexity O(file size).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = Path(d) / "g.nfg"
    ...     _ = p.write_bytes(b"NFG 1 R\\n\\xff")
    ...     read_text(p)
    Traceback (most recent call last):
    ...
    contract_theory.errors.ParseError: ... is not UTF-8 text (line 2)
    """
    raw = read_bytes(path)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParseError(f"{os.fspath(path)!r} is not UTF-8 text", line=raw[: exc.start].count(b"\n") + 1) from None


# ----------------------------------------------------------------------------- JSON
_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')


def _depth_problem(text: str) -> int | None:
    """The line where the nesting first exceeds :data:`MAX_JSON_DEPTH`, or ``None``.

    Strings are blanked first (they cannot hold a raw newline, so lines are kept), then the depth
    is a running sum over the brackets (numpy, in chunks of 4 MiB).  Skipped when the text has
    too few brackets to nest that deep.  Complexity O(len(text)).
    """
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:
        return None
    raw = np.frombuffer(_STRING.sub('""', text).encode("utf-8"), dtype=np.uint8)
    step = np.zeros(256, dtype=np.int32)
    step[[ord("["), ord("{")]] = 1
    step[[ord("]"), ord("}")]] = -1
    depth, block = 0, 1 << 22
    for start in range(0, raw.size, block):
        running = depth + np.cumsum(step[raw[start:start + block]])
        over = np.flatnonzero(running > MAX_JSON_DEPTH)
        if over.size:
            return int(np.count_nonzero(raw[:start + int(over[0])] == 10)) + 1
        depth = int(running[-1]) if running.size else depth
    return None


def _line_of(text: str, token: str) -> int | None:
    """The line of the first occurrence of the number ``token`` standing alone (not inside a string)."""
    m = re.search(r"(?:^|[\s,\[:])" + re.escape(token) + r"(?=$|[\s,\]}])", text)
    return None if m is None else text.count("\n", 0, m.start()) + 1


def _number_hook(text: str, convert: Any) -> Any:
    def hook(token: str) -> Any:
        problem = number_token_problem(token)
        if problem is not None:
            raise ParseError(problem, line=_line_of(text, token))
        return convert(token)
    return hook


def _no_constant(name: str) -> Any:
    raise ParseError(f"{name} is not a JSON number (use a number or an exact string)", token=name)


def _pairs_hook(text: str) -> Any:
    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                raise ParseError(f"duplicate key {short_token(key, 40)!r} in a JSON object", line=_dup_line(text, key))
            out[key] = value
        return out
    return hook


def _dup_line(text: str, key: str) -> int | None:
    """The line of the second ``"key":`` inside one innermost object holding it twice (best effort)."""
    k = re.escape(json.dumps(key))
    m = re.search(r"\{[^{}]*?" + k + r"\s*:[^{}]*?(" + k + r")\s*:", text)
    return None if m is None else text.count("\n", 0, m.start(1)) + 1


def load_json(text: str, source: str = "JSON") -> Any:
    """Parse JSON ``text`` within the bounds of the module docstring; ``source`` names it in errors.

    Invalid JSON is a :class:`~contract_theory.errors.ParseError` with the line and the text at
    the error.  Complexity O(len(text)).

    Examples
    --------
    >>> load_json('{"a": [1, "2/3"]}')
    {'a': [1, '2/3']}
    >>> load_json('{"a": 1, "a": 2}')
    Traceback (most recent call last):
    ...
    contract_theory.errors.ParseError: duplicate key 'a' in a JSON object (line 1)
    >>> load_json("[" * 200)
    Traceback (most recent call last):
    ...
    contract_theory.errors.ParseError: JSON nested deeper than 100 levels; game files need at most the number of players + 2 (line 1)
    """
    line = _depth_problem(text)
    if line is not None:
        raise ParseError(f"{source} nested deeper than {MAX_JSON_DEPTH} levels; game files need at most the number "
                         "of players + 2", line=line)
    try:
        return json.loads(text, object_pairs_hook=_pairs_hook(text), parse_int=_number_hook(text, int),
                          parse_float=_number_hook(text, float), parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise ParseError(f"invalid {source}: {exc.msg}", line=exc.lineno,
                         token=short_token(exc.doc[exc.pos:exc.pos + 20]) or None) from None
    except RecursionError:  # pragma: no cover - the depth check above comes first
        raise ParseError(f"{source} nested too deeply") from None


def read_json(path: str | os.PathLike[str]) -> Any:
    """The JSON document in the file at ``path``: :func:`read_text` then :func:`load_json`."""
    return load_json(read_text(path), f"JSON in {os.fspath(path)!r}")
