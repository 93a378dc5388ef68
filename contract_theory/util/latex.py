"""LaTeX helpers shared by every exporter: escaping text and typesetting exact numbers; and
:func:`terminal_safe`, the text of a title or name from a file without terminal escape sequences,
and :func:`markdown_safe`, the same text for a Markdown (and so HTML) report.

Examples
--------
>>> tex_escape("a_b & 50%")
'a\\\\_b \\\\& 50\\\\%'
>>> print(tex_escape("a\\\\b {c}"))   # one pass: the braces of \\textbackslash{} are not escaped again
a\\textbackslash{}b \\{c\\}
>>> tex_number("-21/2"), tex_number("3"), tex_number(None)
('$-\\\\frac{21}{2}$', '$3$', '--')
"""

from __future__ import annotations

import re

__all__ = ["tex_escape", "tex_number", "terminal_safe", "markdown_safe"]

_ESCAPES = (("\\", r"\textbackslash{}"), ("&", r"\&"), ("%", r"\%"), ("$", r"\$"), ("#", r"\#"),
            ("_", r"\_"), ("{", r"\{"), ("}", r"\}"), ("~", r"\textasciitilde{}"), ("^", r"\^{}"))
_SPECIAL = re.compile("|".join(re.escape(a) for a, _ in _ESCAPES))
_REPLACE = dict(_ESCAPES)
#: Terminal escape sequences (CSI; OSC, such as a window title, up to its BEL or ST) and control
#: characters other than tab and newline.
_CONTROL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?"
                      r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: Markdown's inline specials (escaped with a backslash) and HTML's (written as entities).
_MARKDOWN = re.compile(r"[\\`*_\[\]|#<>&]")
_MD_REPLACE = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}


def terminal_safe(text: object) -> str:
    """``str(text)`` without terminal escape sequences or control characters (tab and newline kept):
    what every text output does to a title or name read from a file before printing it.

    Examples
    --------
    >>> terminal_safe("\x1b[31mred\x1b[0m title\x07"), terminal_safe("\x1b]0;window\x07plain")
    ('red title', 'plain')
    """
    return _CONTROL.sub("", str(text))


def markdown_safe(text: object) -> str:
    """``str(text)`` as literal Markdown on one line: :func:`terminal_safe`, line breaks as spaces,
    Markdown's inline specials backslash-escaped and ``< > &`` as HTML entities, so a title from a
    file can neither format the report nor put raw HTML into report.html.  O(len(text)).

    Examples
    --------
    >>> print(markdown_safe("A <b>bold</b> *game* | x_1\x1b[31m"))
    A &lt;b&gt;bold&lt;/b&gt; \\*game\\* \\| x\\_1
    """
    flat = " ".join(terminal_safe(text).split())
    return _MARKDOWN.sub(lambda m: _MD_REPLACE.get(m.group(0), "\\" + m.group(0)), flat)


def tex_escape(text: object) -> str:
    """Escape the LaTeX special characters of ``str(text)`` in one pass (so no replacement is escaped
    again), after removing control characters (:func:`terminal_safe`)."""
    return _SPECIAL.sub(lambda m: _REPLACE[m.group(0)], terminal_safe(text))


def tex_number(exact: str | None, *, frac: str = "frac") -> str:
    """Typeset an exact number string (``"-21/2"``) in math mode; ``None`` becomes ``--``.

    ``frac`` names the fraction macro (``"frac"`` or ``"tfrac"``).
    """
    if exact is None:
        return "--"
    if "/" in exact:
        p, q = exact.split("/")
        return f"${'-' if p.startswith('-') else ''}\\{frac}{{{p.lstrip('-')}}}{{{q}}}$"
    return f"${exact}$"
