"""Stand-ins for the report's plots in the tests of the report *folder* (not of its content).

Drawing the two plots of a game takes most of a small report's time (matplotlib); the folder tests
only need files with those names written the way the plots are written (atomically, through
:func:`contract_theory.util.atomic.write_with`), so :func:`stub_plots` puts a tiny PNG there instead.
"""

from __future__ import annotations

from typing import Any

PNG = b"\x89PNG\r\n\x1a\n stand-in"


def _stub(a: Any, path: str, **_: Any) -> str:
    from contract_theory.util.atomic import write_with

    def write(tmp: str) -> None:
        with open(tmp, "wb") as fh:
            fh.write(PNG)
    write_with(path, write)
    return path


def stub_plots() -> None:
    """Replace the study's plot functions by :func:`_stub` (in a forked child: the parent keeps its own)."""
    import contract_theory.report.study as study

    study.plot_welfare_curve = _stub
    study.plot_gains = _stub
