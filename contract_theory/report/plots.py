"""Plots of a partial-contract analysis (matplotlib, drawn off-screen).

* :func:`plot_welfare_curve`: W_k against k (coalitions of at most k members), with the
  optimum W* and the no-contract welfare as horizontal reference lines;
* :func:`plot_gains`: members', outsiders' and total gains over the no-contract outcome
  of the best coalition of each size.

Both write a PNG atomically and return its path.  Exact values are converted to float
only for drawing.  Figures are built directly as :class:`matplotlib.figure.Figure` on the
Agg canvas: pyplot (its global figure manager and the backend machinery it imports) is never
loaded, which saves most of matplotlib's import time, and no figure outlives its function.
Titles are wrapped to the figure's width (:func:`_title`) instead of being clipped.
"""

from __future__ import annotations

import textwrap
from typing import Any

from contract_theory.contracting.coalitions.partial_contracts import PartialContractAnalysis
from contract_theory.util.atomic import write_with
from contract_theory.util.latex import terminal_safe

__all__ = ["plot_welfare_curve", "plot_gains", "welfare_figure", "gains_figure", "TITLE_WIDTH"]


#: Characters per title line at fontsize 10 on a 6.4-inch figure.
TITLE_WIDTH = 70


def _figure() -> tuple[Any, Any]:
    """A 6.4 x 4 inch, 120 dpi figure on the Agg canvas, and its one axes (no pyplot)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 4.0), dpi=120)
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def _title(text: str) -> str:
    """``text`` wrapped into lines of at most :data:`TITLE_WIDTH` characters (long words are
    broken) so that no title is wider than the figure; control characters removed
    (:func:`~contract_theory.util.latex.terminal_safe`: matplotlib would warn about their missing
    glyphs with the raw character on stderr) and ``$`` escaped (a title from a file is text, not
    mathtext, whose parse errors would end the report).

    Examples
    --------
    >>> _title("welfare by coalition size")
    'welfare by coalition size'
    >>> _title("x" * 75).split("\\n") == ["x" * 70, "x" * 5]
    True
    >>> print(_title("cost $a^{ $ and\x1b[31m\x07 bell"))
    cost \\$a^{ \\$ and bell
    """
    return textwrap.fill(" ".join(terminal_safe(text).split()), TITLE_WIDTH).replace("$", r"\$")


def _save(fig: Any, path: str) -> str:
    fig.tight_layout()
    write_with(path, lambda tmp: fig.savefig(tmp, format="png"))
    return path


def plot_welfare_curve(a: PartialContractAnalysis, path: str, *, title: str | None = None) -> str:
    """Draw W_k for k = 1..K (k = 1: no contract) with W* and the no-contract line."""
    return _save(welfare_figure(a, title=title), path)


def welfare_figure(a: PartialContractAnalysis, *, title: str | None = None) -> Any:
    """The :class:`matplotlib.figure.Figure` that :func:`plot_welfare_curve` saves."""
    points = [(k, float(w)) for k, w in a.welfare_curve.items() if w is not None]
    ks = [k for k, _ in points]
    ws = [w for _, w in points]
    fig, ax = _figure()
    ax.step(ks, ws, where="post", color="#1f77b4", linewidth=2, label="$W_k$ (coalitions of at most $k$)")
    ax.plot(ks, ws, "o", color="#1f77b4")
    ax.axhline(float(a.optimum_welfare), color="#2ca02c", linestyle="--", label=f"optimum $W^*$ = {a.optimum_welfare}")
    if a.no_contract.welfare is not None:
        ax.axhline(float(a.no_contract.welfare), color="#d62728", linestyle=":",
                   label=f"no contract = {a.no_contract.welfare}")
    ax.set_xlabel("largest coalition size $k$ (1 = no contract)")
    ax.set_ylabel("social welfare")
    if len(ks) <= 25:  # compact games: hundreds of sizes, let matplotlib choose ticks
        ax.set_xticks(ks)
    lo = min(ws + [float(a.optimum_welfare)])
    hi = max(ws + [float(a.optimum_welfare)])
    pad = (hi - lo) * 0.1 or 1.0
    ax.set_ylim(lo - pad, hi + pad)
    ax.set_title(_title(title or a.game.title or "welfare by coalition size"), fontsize=10)
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(alpha=0.3)
    return fig


def plot_gains(a: PartialContractAnalysis, path: str, *, title: str | None = None) -> str:
    """Grouped bars: gains of members, outsiders and society for the best coalition of each size."""
    return _save(gains_figure(a, title=title), path)


def gains_figure(a: PartialContractAnalysis, *, title: str | None = None) -> Any:
    """The :class:`matplotlib.figure.Figure` that :func:`plot_gains` saves."""
    ks, mem, out, tot = [], [], [], []
    for k, o in a.by_k.items():
        if o is None or o.gains is None:
            continue
        ks.append(k)
        mem.append(float(o.gains[0]))
        out.append(float(o.gains[1]))
        tot.append(float(o.gains[2]))
    fig, ax = _figure()
    width = 0.27
    xs = list(range(len(ks)))
    ax.bar([x - width for x in xs], mem, width, label="members (total)", color="#1f77b4")
    ax.bar(xs, out, width, label="outsiders (total)", color="#ff7f0e")
    ax.bar([x + width for x in xs], tot, width, label="social welfare", color="#2ca02c")
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(xs)
    ax.set_xticklabels([str(k) for k in ks])
    ax.set_xlabel("coalition size $|S| = k$ (best coalition of that size)")
    ax.set_ylabel("gain over no contract")
    ax.set_title(_title(title or a.game.title or "gains by coalition size"), fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    return fig
