r"""Gambit strategic-form files (``.nfg``, version 1): exact reader and writer.

The format (Gambit manual, "Game representation formats", strategic games) is a sequence
of whitespace-separated tokens; whitespace and newlines are not significant except inside
double-quoted labels, where ``\"`` stands for a quote character (and, here, ``\\`` for a
backslash).  A file is::

    NFG 1 R "title" { "Player 1" "Player 2" ... }  STRATEGIES  ["comment"]  BODY

* ``NFG`` then the version ``1`` then the number class ``R`` (rational) or ``D`` (decimal;
  read exactly all the same).
* STRATEGIES is either the action counts ``{ 3 2 }`` (labels default to ``"1"``, ``"2"``,
  ...) or one label list per player ``{ { "C" "D" } { "C" "D" } }``.
* An optional comment string.
* BODY is either

  - the **payoff form**: ``n * prod(m_i)`` numbers, one block of n payoffs (player 1
    first) per joint action, joint actions ordered with the *first player's action varying
    fastest*; or
  - the **outcome form**: an outcome list ``{ { "name" u_1 u_2 ... } ... }`` (payoffs may be
    separated by commas) followed by ``prod(m_i)`` outcome numbers in the same profile order,
    1-based into the list, ``0`` meaning the null outcome with all payoffs zero.

Numbers are integers, decimals (``0.25`` is read as exactly 1/4, exponents allowed) or
rationals ``3/2``, optionally signed; they are kept exact as :class:`~fractions.Fraction`.

Empty labels are replaced by the 1-based position (``"2"``), Gambit's default naming;
duplicate player names or duplicate action labels of one player are a
:class:`~contract_theory.errors.ParseError` (a :class:`NormalFormGame` needs distinct labels).

The writer emits the payoff form with explicit label lists and exact numbers (``p/q``), so
``parse_nfg(write_nfg(g)) == g`` for every game whose labels are non-empty.  The comment
string is not part of :class:`NormalFormGame`; :func:`write_nfg` takes it as an argument.

Examples
--------
>>> g = parse_nfg('NFG 1 R "PD" { "A" "B" } { { "C" "D" } { "C" "D" } } 3 3 5 0 0 5 1 1')
>>> g.payoff((1, 0)), g.actions[0]
((Fraction(5, 1), Fraction(0, 1)), ('C', 'D'))
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

from contract_theory.errors import GameError, ParseError
from contract_theory.exact.bounds import number_token_problem, short_token
from contract_theory.exact.numbers import INT64_SAFE
from contract_theory.games.formats.text import read_text
from contract_theory.games.normal_form import NormalFormGame
from contract_theory.games.size import check_payoff_tensor

__all__ = ["parse_nfg", "read_nfg", "write_nfg"]

#: Exact number syntax accepted in payoffs: integer, decimal with optional exponent, or p/q.
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?(/\d+)?\Z")


@dataclass(frozen=True)
class _Token:
    kind: str   # "str" (quoted label), "{", "}", ",", "word" (anything else)
    text: str
    line: int
    end: int    # offset in the text just after the token


def _tokenize(text: str) -> Iterator[_Token]:
    """Split ``.nfg`` text into tokens, keeping the 1-based line of each.  O(len(text)).

    A generator, so that the header can be read without tokenizing the (long) body.
    """
    i, n, line = 0, len(text), 1
    while i < n:
        ch = text[i]
        if ch == "\n":
            line += 1
            i += 1
        elif ch.isspace():
            i += 1
        elif ch in "{},":
            i += 1
            yield _Token(ch, ch, line, i)
        elif ch == '"':
            start_line = line
            i += 1
            buf: list[str] = []
            while True:
                if i >= n:
                    raise ParseError("unterminated string: no closing quote before the end of the file",
                                     line=start_line, token='"' + "".join(buf)[:30])
                c = text[i]
                if c == "\\" and i + 1 < n and text[i + 1] in '"\\':
                    buf.append(text[i + 1])
                    i += 2
                    continue
                if c == '"':
                    i += 1
                    break
                if c == "\n":
                    line += 1
                buf.append(c)
                i += 1
            yield _Token("str", "".join(buf), start_line, i)
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in '{},"':
                j += 1
            yield _Token("word", text[i:j], line, j)
            i = j


class _Reader:
    """Cursor over the tokens (pulled lazily) with error reporting by line and token."""

    def __init__(self, tokens: Iterator[_Token]) -> None:
        self._source = tokens
        self.tokens: list[_Token] = []
        self.pos = 0

    def rest(self) -> list[_Token]:
        """Tokenize the rest of the text; return the tokens from the cursor on."""
        self.tokens.extend(self._source)
        return self.tokens[self.pos:]

    def offset(self) -> int:
        """Offset in the text just after the last token consumed."""
        return self.tokens[self.pos - 1].end if self.pos else 0

    def last_line(self) -> int:
        self.rest()
        return self.tokens[-1].line if self.tokens else 1

    def peek(self) -> _Token | None:
        if self.pos == len(self.tokens):
            tok = next(self._source, None)
            if tok is None:
                return None
            self.tokens.append(tok)
        return self.tokens[self.pos]

    def next(self, what: str) -> _Token:
        tok = self.peek()
        if tok is None:
            raise ParseError(f"unexpected end of file: expected {what}", line=self.last_line())
        self.pos += 1
        return tok

    def expect(self, kind: str, what: str) -> _Token:
        tok = self.next(what)
        if tok.kind != kind:
            raise ParseError(f"expected {what}", line=tok.line, token=tok.text)
        return tok

    def number(self, what: str) -> Fraction:
        tok = self.next(what)
        if tok.kind == "str":
            raise ParseError(f"expected {what}, found a quoted string", line=tok.line, token=tok.text)
        problem = number_token_problem(tok.text) if tok.kind == "word" else None
        if problem is not None:
            raise ParseError(f"{what}: {problem}", line=tok.line)
        if tok.kind != "word" or not _NUMBER.match(tok.text):
            raise ParseError(f"expected {what} (an integer, decimal or p/q)", line=tok.line, token=short_token(tok.text))
        try:
            return Fraction(tok.text)
        except (ValueError, ZeroDivisionError):
            raise ParseError(f"{what} is not a valid number", line=tok.line, token=tok.text) from None

    def integer(self, what: str, low: int) -> int:
        tok = self.next(what)
        problem = number_token_problem(tok.text) if tok.kind == "word" else None
        if problem is not None:
            raise ParseError(f"{what}: {problem}", line=tok.line)
        if tok.kind != "word" or not re.fullmatch(r"\d+", tok.text) or int(tok.text) < low:
            raise ParseError(f"expected {what} (an integer >= {low})", line=tok.line, token=short_token(tok.text))
        return int(tok.text)

    def skip_comma(self) -> None:
        tok = self.peek()
        if tok is not None and tok.kind == ",":
            self.pos += 1


def _labels(raw: list[_Token], kind: str) -> list[str]:
    """Fill empty labels with their 1-based position and reject duplicates."""
    out = [t.text if t.text != "" else str(k + 1) for k, t in enumerate(raw)]
    seen: dict[str, int] = {}
    for k, lab in enumerate(out):
        if lab in seen:
            raise ParseError(f"duplicate {kind} label {lab!r}", line=raw[k].line, token=raw[k].text)
        seen[lab] = k
    return out


def parse_nfg(text: str) -> NormalFormGame:
    """Parse the text of a Gambit ``.nfg`` file (payoff or outcome form) into a game.

    Exact: the game holds every payoff as an exact rational (an integer table over one
    common denominator; :class:`~fractions.Fraction` on request).  Complexity
    O(len(text) + n * prod(m_i)).  Malformed input raises
    :class:`~contract_theory.errors.ParseError` whose message names the line and the token
    (unknown header, unterminated string, non-numeric payoff, wrong number of payoffs or
    outcome numbers, outcome number out of range, duplicate labels, ...).

    The header is read token by token; the body (payoffs, or outcomes and outcome numbers)
    is read in one vectorized pass over its bytes when it has the plain layout every
    writer produces (ASCII outside quoted names, no backslash escapes): numpy finds the
    token boundaries and kinds, one regular expression checks the token-kind sequence,
    each *distinct* number is converted once, and the integer table is built over the
    least common denominator without a Fraction per payoff.  Anything else -- and every
    malformed body -- goes through the token-by-token reader, which names the offending
    line and token.  Both readers give the same game (cross-checked in
    ``tests/test_formats.py``).

    Examples
    --------
    >>> g = parse_nfg('NFG 1 R "t" { "P1" "P2" } { 2 1 } 1 2 3/2 -0.25')
    >>> g.shape, g.payoff((1, 0)), g.actions
    ((2, 1), (Fraction(3, 2), Fraction(-1, 4)), (('1', '2'), ('1',)))
    """
    return _parse(text, fast=True)


def _parse(text: str, *, fast: bool) -> NormalFormGame:
    """:func:`parse_nfg`, with the vectorized body reader (``fast``) or only the token reader."""
    if not isinstance(text, str):
        raise ParseError(f"nfg text must be a string, got {type(text).__name__}")
    rd = _Reader(_tokenize(text))
    title, players, actions = _header(rd)
    n = len(players)
    shape = tuple(len(a) for a in actions)
    n_prof = math.prod(shape)
    check_payoff_tensor(shape, "payoff tensor of the .nfg file")
    body = _fast_body(text, rd.offset(), n, n_prof) if fast else None
    if body is not None:
        table, den = body
        return NormalFormGame.from_integer_table(_profile_axes(table, shape, n), den, players=players,
                                                 actions=actions, title=title)
    nxt = rd.peek()
    if nxt is not None and nxt.kind == "{":
        flat = _outcome_body(rd, n, n_prof)
    else:
        remaining = sum(t.kind != "," for t in rd.rest())
        if remaining < n_prof * n:  # checked before allocating: a huge declared shape fails fast
            raise ParseError(f"wrong number of payoffs: found {remaining}, expected n * prod(m) = "
                             f"{n} * {n_prof} = {n_prof * n}", line=rd.last_line())
        flat = np.empty(n_prof * n, dtype=object)
        for k in range(n_prof * n):
            flat[k] = rd.number(f"payoff {k + 1} of {n_prof * n}")
            rd.skip_comma()
    extra = rd.peek()
    if extra is not None:
        raise ParseError(f"unexpected token after the last of the {n_prof} profiles "
                         "(wrong number of payoffs or outcomes?)", line=extra.line, token=extra.text)
    try:
        return NormalFormGame(_profile_axes(flat, shape, n), players=players, actions=actions, title=title)
    except GameError as exc:  # pragma: no cover - labels and shape are validated above
        raise ParseError(str(exc)) from None


def _profile_axes(flat: np.ndarray, shape: tuple[int, ...], n: int) -> np.ndarray:
    """Payoffs in file order (profile with player 0 fastest, then the n payoffs) as shape + (n,)."""
    arr = flat.reshape(tuple(reversed(shape)) + (n,))
    return np.ascontiguousarray(np.transpose(arr, list(range(n - 1, -1, -1)) + [n]))


def _header(rd: _Reader) -> tuple[str, list[str], list[list[str]]]:
    """Read ``NFG 1 R "title" { players } { strategies } ["comment"]``: title, players, labels."""
    head = rd.next("the header 'NFG 1 R'")
    if head.kind != "word" or head.text != "NFG":
        raise ParseError("unknown header: a strategic-form Gambit file starts with 'NFG 1 R'",
                         line=head.line, token=head.text)
    ver = rd.next("the version number 1")
    if ver.text != "1":
        raise ParseError("unsupported nfg version (only version 1 is defined)", line=ver.line, token=ver.text)
    cls = rd.next("the number class R or D")
    if cls.text not in ("R", "D"):
        raise ParseError("expected the number class R (rational) or D (decimal)", line=cls.line, token=cls.text)
    title = rd.expect("str", "the quoted game title").text

    rd.expect("{", "'{' opening the player list")
    raw_players: list[_Token] = []
    while (tok := rd.next("a quoted player name or '}'")).kind != "}":
        if tok.kind != "str":
            raise ParseError("expected a quoted player name or '}'", line=tok.line, token=tok.text)
        raw_players.append(tok)
    if not raw_players:
        raise ParseError("the game has no players", line=tok.line, token=tok.text)
    players = _labels(raw_players, "player")
    n = len(players)

    open_tok = rd.expect("{", "'{' opening the strategy list")
    first = rd.peek()
    actions: list[list[str]] = []
    if first is not None and first.kind == "{":
        for i in range(n):
            rd.expect("{", f"'{{' opening the strategy labels of player {players[i]!r}")
            raw: list[_Token] = []
            while (tok := rd.next("a quoted strategy label or '}'")).kind != "}":
                if tok.kind != "str":
                    raise ParseError(f"expected a quoted strategy label of player {players[i]!r} or '}}'",
                                     line=tok.line, token=tok.text)
                raw.append(tok)
            if not raw:
                raise ParseError(f"player {players[i]!r} has no strategies", line=tok.line, token=tok.text)
            actions.append(_labels(raw, f"strategy (player {players[i]!r})"))
    else:
        counts = [rd.integer(f"the number of strategies of player {players[i]!r}", 1) for i in range(n)]
        check_payoff_tensor(counts, "payoff tensor of the .nfg file", quiet=True)  # before a label is made
        actions = [[str(k + 1) for k in range(m)] for m in counts]
    tok = rd.next("'}' closing the strategy list")
    if tok.kind != "}":
        raise ParseError(f"the strategy list has more entries than the {n} players "
                         f"(opened on line {open_tok.line})", line=tok.line, token=tok.text)
    nxt = rd.peek()
    if nxt is not None and nxt.kind == "str":  # optional comment
        rd.pos += 1
    return title, players, actions


# ----------------------------------------------------------------------------- vectorized body
#: Byte class of every byte outside quoted names: b"W" word, b" " blank, or the byte itself
#: for ``{`` ``}`` ``,`` and ``"`` (the ASCII characters ``str.isspace`` accepts are blanks).
_CLASS = np.full(256, ord("W"), dtype=np.uint8)
_CLASS[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = ord(" ")
for _c in b'{},"':
    _CLASS[_c] = _c


def _fast_body(text: str, start: int, n: int, n_prof: int) -> tuple[np.ndarray, int] | None:
    """The body from offset ``start`` as an integer table ``(n_prof, n)`` in file order and its
    denominator, or ``None`` when the body is not plain or not well formed (the token reader
    then reads it, or names the error).

    Every byte is classified outside quoted names (numpy); tokens start where the class
    changes; the sequence of token kinds (one character each: ``W`` word, ``"`` name, braces,
    commas) is checked against the grammar by string comparisons: commas only right after a
    payoff, and, without them, exactly ``W`` * n * prod(m) (payoff form) or
    ``{`` + ``{"W..W}`` * outcomes + ``}`` + ``W`` * prod(m) (outcome form).  Complexity
    O(len(text)) in numpy plus one Python step per *distinct* payoff token that is not a
    plain integer.
    """
    body = text[start:]
    if "\\" in body:
        return None
    a = np.frombuffer(body.encode("utf-8"), dtype=np.uint8)
    quote = a == 34
    inside = np.bitwise_xor.accumulate(quote.view(np.uint8)).view(bool)  # opening quote .. end of name
    if a.size and inside[-1]:
        return None  # unterminated string
    # Bytes >= 128 outside names join words (str.isspace knows more blanks than ASCII, e.g.
    # U+00A0), but such a word is never a number, so the token reader takes over.
    cls = _CLASS[a]
    cls[inside | quote] = 32
    cls[quote & inside] = 34  # a name is one token, at its opening quote
    word = cls == 87
    edge = np.diff(word.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    ws, we = np.flatnonzero(edge == 1), np.flatnonzero(edge == -1)  # word k is a[ws[k]:we[k]]
    starts = np.flatnonzero(((cls != 32) & ~word) | (edge[:-1] == 1))
    kb = cls[starts]
    commas = np.flatnonzero(kb == 44)
    if commas.size and (commas[0] == 0 or bool((kb[commas - 1] != 87).any())):
        return None  # a comma that does not follow a number
    kinds = kb.tobytes().decode("ascii")
    if kinds.startswith("{"):
        if len(kinds) < n_prof or kinds[len(kinds) - n_prof:] != "W" * n_prof:
            return None
        outcome_list = kinds[:len(kinds) - n_prof].replace(",", "")
        n_out = outcome_list.count('"')
        if outcome_list != "{" + ('{"' + "W" * n + "}") * n_out + "}":
            return None
        which = _plain_integers(a, cls, ws[n_out * n:], we[n_out * n:], signed=False)
        if which is None or (which.size and int(which.max()) > n_out):
            return None
        values = _exact_values(a, cls, ws[:n_out * n], we[:n_out * n])
        if values is None:
            return None
        ints, den = values
        outcomes = np.zeros((n_out + 1, n), dtype=ints.dtype)  # outcome 0: the null outcome
        outcomes[1:] = ints.reshape(n_out, n)
        return outcomes[which], den
    if len(kinds) - commas.size != n_prof * n or ws.size != n_prof * n:
        return None
    values = _exact_values(a, cls, ws, we)
    if values is None:
        return None
    return values[0].reshape(n_prof, n), values[1]


def _plain_integers(a: np.ndarray, cls: np.ndarray, ws: np.ndarray, we: np.ndarray,
                    *, signed: bool) -> np.ndarray | None:
    """The words ``a[ws[k]:we[k]]`` as ``int64`` when each is ``[+-]?digits`` (no sign unless
    ``signed``) with at most 15 digits, else ``None``.  Vectorized: digit k of a word from
    the right is weighted by 10^k."""
    if not ws.size:
        return np.zeros(0, dtype=np.int64)
    region = slice(int(ws[0]), int(we[-1]))
    wb, wc = a[region], cls[region]
    digit = (wb >= 48) & (wb <= 57)
    sign = (wb == 43) | (wb == 45)
    lead = a[ws]
    signed_word = (lead == 43) | (lead == 45)
    if not bool((digit | (wc != 87)).all() if not signed else (digit | sign | (wc != 87)).all()):
        return None
    if signed and int(np.count_nonzero(sign & (wc == 87))) != int(np.count_nonzero(signed_word)):
        return None  # a sign inside a word
    first = ws + signed_word
    width = int((we - first).max())
    if int((we - first).min()) < 1 or width > 15:
        return None
    values = np.zeros(ws.size, dtype=np.int64)
    for k in range(width):  # digit k from the right, 0 where the word is shorter
        pos = we - (k + 1)
        digit_k = a[pos].astype(np.int64) - 48
        values += np.where(pos >= first, digit_k, 0) * 10 ** k
    return np.where(lead == 45, -values, values)


def _exact_values(a: np.ndarray, cls: np.ndarray, ws: np.ndarray, we: np.ndarray) -> tuple[np.ndarray, int] | None:
    """Exact numbers ``a[ws[k]:we[k]]`` as integers over their least common denominator, or
    ``None`` when a word is not a number.  Plain integers are read vectorized; otherwise each
    distinct word is converted once (to a Fraction) and the table indexes the distinct values."""
    plain = _plain_integers(a, cls, ws, we, signed=True)
    if plain is not None:
        return plain, 1
    words = np.where(cls == 87, a, 32)[int(ws[0]):int(we[-1])].tobytes().split()
    distinct: dict[bytes, int] = dict.fromkeys(words, 0)
    nums, dens = [], []
    for k, w in enumerate(distinct):
        distinct[w] = k
        t = w.decode("latin-1")
        if not _NUMBER.match(t) or number_token_problem(t) is not None:
            return None  # the token reader names the problem
        try:
            f = Fraction(t)
        except (ValueError, ZeroDivisionError):
            return None
        nums.append(f.numerator)
        dens.append(f.denominator)
    den = math.lcm(*dens)
    ints = [v * (den // d) for v, d in zip(nums, dens)]
    index = np.fromiter(map(distinct.__getitem__, words), dtype=np.intp, count=len(words))
    if max(map(abs, ints), default=0) < INT64_SAFE:
        return np.array(ints, dtype=np.int64)[index], den
    table = np.empty(len(ints), dtype=object)
    table[:] = ints
    return table[index], den


def _outcome_body(rd: _Reader, n: int, n_prof: int) -> np.ndarray:
    """Read ``{ outcomes } indices`` and return the flat payoff list in file profile order."""
    rd.expect("{", "'{' opening the outcome list")
    outcomes: list[list[Fraction]] = [[Fraction(0)] * n]  # index 0 = null outcome
    while (tok := rd.next("'{' opening an outcome or '}' closing the outcome list")).kind != "}":
        if tok.kind != "{":
            raise ParseError("expected '{' opening an outcome or '}' closing the outcome list",
                             line=tok.line, token=tok.text)
        rd.expect("str", f"the quoted name of outcome {len(outcomes)}")
        pay = []
        for i in range(n):
            t = rd.peek()
            if t is not None and t.kind == "}":
                raise ParseError(f"outcome {len(outcomes)} has {i} payoffs, expected {n}", line=t.line, token="}")
            pay.append(rd.number(f"payoff {i + 1} of outcome {len(outcomes)}"))
            rd.skip_comma()
        end = rd.next(f"'}}' closing outcome {len(outcomes)}")
        if end.kind != "}":
            raise ParseError(f"outcome {len(outcomes)} has more than {n} payoffs", line=end.line, token=end.text)
        outcomes.append(pay)
    table = np.empty((len(outcomes), n), dtype=object)
    for k, row in enumerate(outcomes):
        table[k, :] = row
    remaining = len(rd.rest())
    if remaining < n_prof:
        raise ParseError(f"wrong number of outcome numbers: found {remaining}, expected one per profile ({n_prof})",
                         line=rd.last_line())
    idx = np.empty(n_prof, dtype=np.int64)
    for k in range(n_prof):
        t = rd.tokens[rd.pos]
        v = rd.integer(f"outcome number of profile {k + 1}", 0)
        if v >= len(outcomes):
            raise ParseError(f"outcome number {v} out of range: the file defines outcomes 1..{len(outcomes) - 1} "
                             "(0 = null outcome)", line=t.line, token=t.text)
        idx[k] = v
    return table[idx].reshape(-1)


def read_nfg(path_or_text: str | os.PathLike[str]) -> NormalFormGame:
    """Read a ``.nfg`` game from a file path or directly from its text.

    A string whose first non-blank characters are ``NFG`` is parsed as the file content;
    anything else is a path (missing files raise :class:`FileNotFoundError`, an
    :class:`OSError`).  Complexity as :func:`parse_nfg`.

    Examples
    --------
    >>> read_nfg('NFG 1 R "" { "A" "B" } { 1 1 } 7 8').payoff((0, 0))
    (Fraction(7, 1), Fraction(8, 1))
    """
    if isinstance(path_or_text, str) and path_or_text.lstrip().startswith("NFG"):
        return parse_nfg(path_or_text)
    return parse_nfg(read_text(path_or_text))


def _quote(label: str) -> str:
    return '"' + label.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _number(v: Fraction) -> str:
    return str(v.numerator) if v.denominator == 1 else f"{v.numerator}/{v.denominator}"


def write_nfg(game: NormalFormGame, path: str | os.PathLike[str] | None = None, *, comment: str = "") -> str:
    """Write ``game`` as a Gambit ``.nfg`` file in the payoff form; return the text.

    Labels are written as explicit lists, payoffs as exact integers or ``p/q`` (an
    inexact game's payoffs are the exact values of its binary floats).  One line per joint
    action, first player's action varying fastest.  With ``path`` the text is also written
    to that file.  Complexity O(n * prod(m_i)).

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> print(write_nfg(prisoners_dilemma()))  # doctest: +NORMALIZE_WHITESPACE
    NFG 1 R "Prisoner's dilemma" { "Row" "Column" }
    { { "C" "D" }
      { "C" "D" }
    }
    ""
    3 3
    5 0
    0 5
    1 1
    <BLANKLINE>
    """
    n = game.n_players
    lines = [f"NFG 1 R {_quote(game.title)} {{ " + " ".join(_quote(p) for p in game.players) + " }"]
    acts = [" ".join(_quote(a) for a in labels) for labels in game.actions]
    lines.append("{ { " + acts[0] + " }")
    lines.extend("  { " + a + " }" for a in acts[1:])
    lines.append("}")
    lines.append(_quote(comment))
    fr = np.transpose(game.fractions, list(range(n - 1, -1, -1)) + [n]).reshape(-1, n)
    lines.extend(" ".join(_number(v) for v in row) for row in fr)
    text = "\n".join(lines) + "\n"
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text
