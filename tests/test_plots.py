"""Report plots: built on the Agg canvas without pyplot, titles wrapped inside the figure.

* In a fresh process, drawing both plots never imports ``matplotlib.pyplot`` and writes
  valid PNG files.
* The Markov commons game's title (143 characters) used to run past both edges of the
  welfare plot; it is now wrapped into lines of at most 70 characters, and the rendered
  title lies inside the figure (its window extent within the figure's bounding box).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from contract_theory.report.plots import TITLE_WIDTH, gains_figure, welfare_figure

pytest.importorskip("matplotlib")
ROOT = Path(__file__).resolve().parents[1]

_DRAW = textwrap.dedent("""
    import json, sys
    from contract_theory.api import partial_contract_analysis
    from contract_theory.games.library import public_goods
    from contract_theory.report.plots import plot_gains, plot_welfare_curve
    a = partial_contract_analysis(public_goods(4, "5/2", 1), 4)
    paths = [plot_welfare_curve(a, sys.argv[1] + "/w.png"), plot_gains(a, sys.argv[1] + "/g.png")]
    heads = [open(p, "rb").read(8).hex() for p in paths]
    print(json.dumps(["matplotlib.pyplot" in sys.modules, heads]))
""")


def test_plots_are_drawn_without_pyplot(tmp_path):
    proc = subprocess.run([sys.executable, "-c", _DRAW, str(tmp_path)], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300, check=True)
    pyplot_loaded, heads = json.loads(proc.stdout)
    assert not pyplot_loaded
    assert heads == ["89504e470d0a1a0a"] * 2  # the PNG signature


def _inside(fig, text) -> bool:
    renderer = fig.canvas.get_renderer()
    box, frame = text.get_window_extent(renderer), fig.bbox
    return frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1


def test_long_titles_wrap_inside_the_figure():
    from contract_theory.api import partial_contract_analysis
    from contract_theory.games.markov_library import commons_markov

    g = commons_markov(3)
    assert len(g.title) == 143
    a = partial_contract_analysis(g, 3)
    fig = welfare_figure(a)
    fig.tight_layout()
    fig.canvas.draw()
    title = fig.axes[0].title
    lines = title.get_text().split("\n")
    assert len(lines) == 3 and max(map(len, lines)) <= TITLE_WIDTH
    assert " ".join(lines) == g.title  # nothing dropped
    assert _inside(fig, title)


def test_gains_title_wraps_too():
    from contract_theory.api import partial_contract_analysis
    from contract_theory.games.library import public_goods

    a = partial_contract_analysis(public_goods(4, "5/2", 1), 4)
    fig = gains_figure(a, title="gains " * 30)
    fig.tight_layout()
    fig.canvas.draw()
    assert fig.axes[0].title.get_text().count("\n") == 2 and _inside(fig, fig.axes[0].title)
