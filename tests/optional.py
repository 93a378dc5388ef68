"""Optional test oracles (pygambit, quantecon), imported lazily.

``gbt = optional("pygambit")`` at module level skips only the tests that touch ``gbt``, at
the line that touches it (``pytest.importorskip`` on first attribute access); every other
test of the module -- the hand-derived ones in particular -- still runs without the oracle.
"""

from __future__ import annotations

from typing import Any

import pytest


class optional:  # noqa: N801 - reads as a function at the call site
    """A module proxy: the first attribute access imports it or skips the calling test."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith(("_", "pytest")):  # pytest's collection looks for __test__, pytestmark, ...
            raise AttributeError(attr)
        return getattr(pytest.importorskip(self._name), attr)
