r"""Learning sweeps over seeds x hyper-parameters on :mod:`contract_theory.util.execution`.

Model: ``docs/background/model.md#7-learning``; issue 8.

A sweep runs :func:`~contract_theory.learning.experiment.run_experiment` at every **point** of
``grid x seeds``: the Cartesian product of the grid's values (keys in the order given, the last key
varying fastest), and for each combination every seed (seeds varying fastest).  Point ``i`` is
chunk ``i`` of an execution job; it carries its own experiment seed, so its result depends on the
point alone and the sweep returns the same numbers on every backend and for any number of workers
(results are put back in point order).  ``seeds`` is a list of non-negative ints, or an int ``s``
meaning ``range(s)``.

Grid keys are :func:`run_experiment` keywords: ``episodes``, ``runs``, ``alpha``, ``exploration``,
``psi``, ``gamma``, ``ties``, ``q_init``, ``alpha_clock``, ``record_every``, ``full``, ``k``, ``voting``.
Any other keyword of :func:`run_experiment` (``coalitions``, ...) can be fixed for every point.

Examples
--------
>>> from contract_theory.games.library import prisoners_dilemma
>>> from contract_theory.util.execution import Executor
>>> with Executor("serial") as ex:
...     res = sweep(prisoners_dilemma(), seeds=2, grid={"episodes": [200, 400]}, runs=20, executor=ex)
>>> [(p.seed, p.params["episodes"]) for p in res.points]
[(0, 200), (1, 200), (0, 400), (1, 400)]
>>> res.points[3].result.conditions[1].match_rate
1.0
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from contract_theory.errors import ParameterError
from contract_theory.games.normal_form import NormalFormGame
from contract_theory.learning.experiment import ExperimentResult, run_experiment
from contract_theory.learning.qlearning import check_seed
from contract_theory.search.certificates import game_payload
from contract_theory.util.execution import Chunk, ChunkResult, Executor, collect

__all__ = ["GRID_KEYS", "SweepPoint", "SweepResult", "sweep", "sweep_chunk", "sweep_points"]

#: Keywords of :func:`run_experiment` a sweep may vary.
GRID_KEYS = ("episodes", "runs", "alpha", "exploration", "psi", "gamma", "ties", "q_init", "alpha_clock",
             "record_every", "full", "k", "voting")

_FORMAT = "contract-theory/learning-sweep/1"


def _shown(v: Any) -> Any:
    """A JSON-able view of a parameter value (repr for objects such as schedules)."""
    return v if isinstance(v, (int, float, str, bool)) or v is None else repr(v)


@dataclass(frozen=True)
class SweepPoint:
    """One point: its index, the experiment ``seed``, the varied ``params`` (JSON-able views) and the result."""

    index: int
    seed: int
    params: dict[str, Any]
    result: ExperimentResult

    def to_json(self, full: bool = False) -> dict[str, Any]:
        return {"index": self.index, "seed": self.seed, "params": self.params, "result": self.result.to_json(full)}


@dataclass
class SweepResult:
    """All finished points in point order; ``interrupted`` on Ctrl-C; ``resumed`` = points read from a checkpoint;
    ``total`` = number of points of the whole sweep."""

    title: str
    points: list[SweepPoint]
    total: int
    interrupted: bool = False
    resumed: list[int] = field(default_factory=list)

    def summary(self) -> list[dict[str, Any]]:
        """Per grid combination and condition: mean match rate and mean welfare over the finished seeds."""
        groups: dict[str, dict[str, Any]] = {}
        for p in self.points:
            key = repr(sorted(p.params.items()))
            g = groups.setdefault(key, {"params": p.params, "seeds": [], "conditions": {}})
            g["seeds"].append(p.seed)
            for c in p.result.conditions:
                g["conditions"].setdefault(c.name, []).append((c.match_rate, c.welfare_mean))
        out = []
        for g in groups.values():
            out.append({"params": g["params"], "seeds": g["seeds"], "conditions": [
                {"name": name, "match_rate_mean": sum(m for m, _ in v) / len(v),
                 "welfare_mean": sum(w for _, w in v) / len(v)} for name, v in g["conditions"].items()]})
        return out

    def to_json(self, full: bool = False) -> dict[str, Any]:
        return {"format": _FORMAT, "title": self.title, "total": self.total, "finished": len(self.points),
                "interrupted": self.interrupted, "resumed": list(self.resumed), "summary": self.summary(),
                "points": [p.to_json(full) for p in self.points]}


def sweep_points(seeds: int | Sequence[int],
                 grid: Mapping[str, Sequence[Any]] | None) -> list[tuple[int, dict[str, Any]]]:
    """The points ``(seed, {key: value})`` in sweep order (module docstring).

    Examples
    --------
    >>> sweep_points([3, 4], {"runs": [10, 20]})
    [(3, {'runs': 10}), (4, {'runs': 10}), (3, {'runs': 20}), (4, {'runs': 20})]
    """
    if isinstance(seeds, int) and not isinstance(seeds, bool):
        if seeds < 1:
            raise ParameterError(f"seeds must be a positive count or a list of seeds, got {seeds!r}")
        seeds = list(range(seeds))
    seed_list = [check_seed(s) for s in cast(Sequence[int], seeds)]
    if not seed_list or not all(isinstance(s, int) for s in seed_list):
        raise ParameterError("seeds must be a non-empty list of non-negative integers")
    grid = dict(grid or {})
    bad = sorted(set(grid) - set(GRID_KEYS))
    if bad:
        raise ParameterError(f"cannot sweep over {bad}; grid keys are {list(GRID_KEYS)}")
    for k, vals in grid.items():
        if isinstance(vals, (str, bytes)) or not isinstance(vals, Sequence) or len(vals) == 0:
            raise ParameterError(f"grid[{k!r}] must be a non-empty list of values, got {vals!r}")
    keys = list(grid)
    return [(s, dict(zip(keys, combo))) for combo in itertools.product(*(grid[k] for k in keys)) for s in seed_list]


def sweep_chunk(chunk: Chunk) -> dict[str, Any]:
    """Run one point (payload ``(game, seed, kwargs)``); returns the experiment's full JSON document."""
    game, seed, kwargs = chunk.payload
    return run_experiment(game, seed=seed, **kwargs).to_json(full=True)


def sweep(
    game: NormalFormGame, *, seeds: int | Sequence[int], grid: Mapping[str, Sequence[Any]] | None = None,
    executor: Executor | None = None, checkpoint: str | None = None,
    on_result: Callable[[ChunkResult], None] | None = None, **fixed: Any,
) -> SweepResult:
    """Run :func:`run_experiment` at every point of ``grid x seeds`` (module docstring) on ``executor``.

    ``executor`` defaults to ``Executor("serial")``.  ``fixed`` are keywords passed to every point
    (not ``seed``, not ``progress``).  ``checkpoint``: JSON-lines file; a re-run of the same sweep
    skips finished points.  ``on_result(chunk_result)`` is called as each point finishes (progress).
    On Ctrl-C the finished points are returned with ``interrupted=True``.
    Cost: one :func:`run_experiment` per point.
    """
    if not isinstance(game, NormalFormGame):
        raise ParameterError(f"sweep needs a NormalFormGame, got {type(game).__name__}")
    for k in ("seed", "progress"):
        if k in fixed:
            raise ParameterError(f"{k!r} cannot be fixed in a sweep (seeds come from seeds=, progress from on_result=)")
    clash = sorted(set(fixed) & set(grid or {}))
    if clash:
        raise ParameterError(f"{clash} given both in the grid and as fixed keywords")
    points = sweep_points(seeds, grid)
    chunks = [Chunk(i, None, (game, s, {**fixed, **p})) for i, (s, p) in enumerate(points)]
    job = {"kind": "learning-sweep", "game": game_payload(game),
           "points": [[s, {k: _shown(v) for k, v in p.items()}] for s, p in points],
           "fixed": {k: _shown(v) for k, v in sorted(fixed.items())}}
    own = executor is None
    ex = Executor("serial") if executor is None else executor
    try:
        run = collect(ex, sweep_chunk, chunks, on_result=on_result, checkpoint=checkpoint, job=job)
    finally:
        if own:
            ex.close()
    out = [SweepPoint(i, points[i][0], {k: _shown(v) for k, v in points[i][1].items()},
                      ExperimentResult.from_json(run.results[i])) for i in sorted(run.results)]
    return SweepResult(game.title, out, len(points), run.interrupted, sorted(run.resumed))
