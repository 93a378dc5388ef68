"""Griffe extension: the docstrings' Sphinx roles (``:class:`~a.b.C```) as mkdocstrings cross-references.

The package's docstrings name objects with Sphinx roles; Markdown shows those literally
(":class:" before the name).  A fully qualified target that the reference renders (public, documented) becomes an autorefs link
(``[`C`][a.b.C]``, rendered as a link to its reference entry); any other target (a short or
relative name) becomes inline code.  The docstrings themselves stay unchanged.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

ROLE = re.compile(r":(?:class|func|meth|mod|attr|data|exc|obj):`(~?)([^`]+)`")


class RstRoles(griffe.Extension):
    def on_package(self, *, pkg: griffe.Module, loader: griffe.GriffeLoader, **kwargs: Any) -> None:
        known = loader.modules_collection

        def target(path: str) -> bool:
            """Whether the reference pages render ``path`` (public and documented), so a link resolves."""
            if any(part.startswith("_") for part in path.split(".")):
                return False
            try:
                obj = known.get_member(path)
                return bool(obj.docstring)
            except (KeyError, ValueError, griffe.AliasResolutionError, griffe.CyclicAliasError):
                return False

        def replace(match: re.Match[str]) -> str:
            tilde, path = match.groups()
            shown = path.rsplit(".", 1)[-1] if tilde else path.lstrip(".")
            if path.startswith(pkg.name + ".") and target(path):
                return f"[`{shown}`][{path}]"
            return f"`{shown}`"

        def walk(obj: griffe.Object) -> None:
            if obj.docstring is not None:
                obj.docstring.value = ROLE.sub(replace, obj.docstring.value)
            for member in obj.members.values():
                if not member.is_alias:
                    walk(member)

        walk(pkg)
