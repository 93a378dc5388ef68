"""LaTeX helpers shared by every exporter: escaping text and typesetting exact numbers.

Examples
--------
>>> tex_escape("a_b & 50%")
'a\\\\_b \\\\& 50\\\\%'
>>> tex_number("-21/2"), tex_number("3"), tex_number(None)
('$-\\\\frac{21}{2}$', '$3$', '--')
"""

from __future__ import annotations

__all__ = ["tex_escape", "tex_number"]

_ESCAPES = (("\\", r"\textbackslash{}"), ("&", r"\&"), ("%", r"\%"), ("$", r"\$"), ("#", r"\#"),
            ("_", r"\_"), ("{", r"\{"), ("}", r"\}"), ("~", r"\textasciitilde{}"), ("^", r"\^{}"))


def tex_escape(text: object) -> str:
    """Escape the LaTeX special characters of ``str(text)``."""
    out = str(text)
    for a, b in _ESCAPES:
        out = out.replace(a, b)
    return out


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
