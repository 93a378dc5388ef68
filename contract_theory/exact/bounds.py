"""Bounds on exact number tokens: the length and exponent every reader accepts (issue 27).

Exact parsing of a decimal token expands its exponent: ``"1e99999999"`` is the integer
10^99999999 (a 40 MB number that takes minutes to build), ``"1e-99999999"`` a fraction with
that denominator.  Every reader and spec parser therefore checks a number token *before*
converting it (:func:`number_token_problem`, called by
:func:`contract_theory.exact.numbers.parse_number` and
:func:`contract_theory.exact.numbers.to_fraction`):

* at most :data:`MAX_NUMBER_LENGTH` characters (``"21/2"``, ``"-0.25"``, ``"3e-4"``);
* a decimal exponent of at most :data:`MAX_EXPONENT` in absolute value.

Both together keep every exact input below 10^2001 in numerator and denominator, so it can
still be printed (Python refuses to print integers of more than 4300 digits) and the sums and
products of a solve stay cheap.  A refused token gives one line naming it (shortened) and the
limit; the reader adds its position (line, key or parameter).

Examples
--------
>>> number_token_problem("21/2") is None
True
>>> number_token_problem("1e99999999")
"number '1e99999999' has the exponent 99999999; exact input allows |exponent| <= 1000"
"""

from __future__ import annotations

import re

__all__ = ["MAX_NUMBER_LENGTH", "MAX_EXPONENT", "number_token_problem", "short_token"]

#: Longest number token, in characters, that exact parsing accepts.
MAX_NUMBER_LENGTH = 1000
#: Largest |exponent| of a decimal token (``1e1000`` is accepted, ``1e1001`` refused).
MAX_EXPONENT = 1000

# a decimal mantissa then an exponent, as Fraction and float accept them (underscores between digits)
_EXPONENT = re.compile(r"\s*[+-]?(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)[eE]([+-]?\d[\d_]*)\s*\Z")


def short_token(text: str, width: int = 24) -> str:
    """``text`` cut to ``width`` characters (with ``...``) for a one-line message.

    Examples
    --------
    >>> short_token("1" * 100)
    '111111111111111111111...'
    """
    return text if len(text) <= width else text[: width - 3] + "..."


def number_token_problem(text: str) -> str | None:
    """What is wrong with ``text`` as an exact number token (length, exponent), or ``None``.

    Only the bounds are checked here, in O(len(text)) before anything is converted; whether the
    token is a number at all is the parser's business.

    Examples
    --------
    >>> number_token_problem("7" * 5000)
    "number '777777777777777777777...' has 5000 characters; exact input allows at most 1000"
    >>> number_token_problem("2.5e-1000") is None
    True
    """
    if len(text) > MAX_NUMBER_LENGTH:
        return (f"number {short_token(text)!r} has {len(text)} characters; exact input allows at most "
                f"{MAX_NUMBER_LENGTH}")
    m = _EXPONENT.match(text)
    if m is not None:
        exponent = int(m.group(1).replace("_", ""))
        if abs(exponent) > MAX_EXPONENT:
            return (f"number {short_token(text.strip())!r} has the exponent {exponent}; exact input allows "
                    f"|exponent| <= {MAX_EXPONENT}")
    return None
