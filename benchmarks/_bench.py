"""Rules shared by every benchmark: one repetition rule, like-for-like ratios, time guards, smoke mode.

* :func:`best_time` is THE repetition rule, applied to both sides of every comparison: the
  best of ``repeat`` timed loops of ``number`` calls each, ``number`` sized once by
  ``timeit.Timer.autorange`` (loops of at least ``min_seconds``); best-of-N because a shared
  machine only ever adds time.  Slow calls (one call above ``min_seconds``) are timed one
  call per loop.
* :func:`ratio` prints ``other / ours`` (above 1: ours is faster), always from two times
  measured by the same rule on the same input.
* :class:`Guard` stops a growth series before a run is predicted to exceed the budget
  (factor x the last time) and after one that did.
* ``--smoke`` (:func:`smoke_args`): tiny sizes and one repetition, so the test suite runs
  every script (``tests/test_benchmarks.py``) and none can rot.

A script is run as ``python benchmarks/bench_x.py`` (this directory is then on ``sys.path``)
or imported by ``python -m benchmarks.run``.
"""

from __future__ import annotations

import argparse
import sys
import time
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # measure the code next to the scripts, not an installed copy
    sys.path.insert(0, str(ROOT))

__all__ = ["ROOT", "best_time", "time_once", "ratio", "Guard", "smoke_args", "fmt_seconds"]


def best_time(fn: Callable[[], Any], repeat: int = 5, min_seconds: float = 0.02,
              clock: Callable[[], float] = time.perf_counter) -> float:
    """Best per-call wall time in seconds: ``repeat`` loops of ``number`` calls, ``number``
    chosen once so that a loop lasts at least ``min_seconds`` (1 for slow calls).  ``clock``:
    ``time.process_time`` measures this process's CPU time instead (on a loaded machine)."""
    timer = timeit.Timer(fn, timer=clock)
    t0 = clock()
    fn()  # one warm-up call, also the probe for slow calls
    first = clock() - t0
    if first >= min_seconds:
        return min([first] + [timer.timeit(number=1) for _ in range(repeat - 1)])
    number, _ = timer.autorange()
    number = max(1, int(number * min_seconds / 0.2))  # autorange aims at 0.2 s; scale to min_seconds
    return min(timer.repeat(repeat=repeat, number=number)) / number


def time_once(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Wall seconds of one call and its result."""
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def ratio(other: float, ours: float) -> str:
    """``other / ours`` as ``'12.3x'`` (``'-'`` when a side was not measured)."""
    if not (other == other and ours == ours) or ours <= 0:  # NaN: not measured
        return "-"
    return f"{other / ours:.2f}x" if other / ours < 10 else f"{other / ours:.0f}x"


def fmt_seconds(t: float) -> str:
    """A time with a unit that keeps 3 significant digits (``'-'`` for NaN)."""
    if t != t:
        return "-"
    if t < 1e-3:
        return f"{t * 1e6:.1f} us"
    if t < 1:
        return f"{t * 1e3:.2f} ms"
    return f"{t:.2f} s"


class Guard:
    """Time guard of a growth series: :meth:`allows` the next run unless the last one took more
    than ``budget`` seconds or ``factor`` times the last time exceeds it."""

    def __init__(self, budget: float, factor: float) -> None:
        self.budget, self.factor, self.last = budget, factor, 0.0
        self.reason = ""

    def allows(self) -> bool:
        if self.last > self.budget:
            self.reason = f"stopped: the last run took {self.last:.1f} s > budget {self.budget:g} s"
            return False
        if self.last * self.factor > self.budget:
            self.reason = (f"stopped: the next run is predicted at {self.factor:g} x {self.last:.1f} s "
                           f"> budget {self.budget:g} s")
            return False
        return True

    def record(self, seconds: float) -> None:
        self.last = seconds


def smoke_args(parser: argparse.ArgumentParser) -> None:
    """Add ``--smoke``: tiny sizes and one repetition (the test suite's rot check)."""
    parser.add_argument("--smoke", action="store_true",
                        help="tiny sizes, one repetition: checks that the script runs (tests/test_benchmarks.py)")
