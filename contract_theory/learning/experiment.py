r"""Learning experiments against the exact predictions (docs/background/model.md#7-learning).

Conditions, each trained in its own independent batch of R runs (seeds
``SeedSequence(seed).spawn(number of conditions)``, in the order listed):

1. ``"no contract"``: the base game.  Predicted: the set of pure Nash equilibria of the game.
2. one ``"coalition ..."`` condition per coalition studied: the coalition signs a deviation-
   penalty contract (:func:`~contract_theory.learning.contracted.penalty_contract`) toward its
   bloc target (:func:`~contract_theory.learning.contracted.bloc_target`); outsiders keep their
   payoffs.  Predicted: the pure Nash equilibria of the exact augmented game.
3. ``"full contract"``: all N sign a penalty contract toward the lexicographically lowest
   welfare-optimal profile.  Predicted: the pure Nash equilibria of that augmented game.

Reported per condition: ``predicted`` (profiles as labels, the whole set; empty if the
augmented game has no pure equilibrium, then ``match_rate`` is 0), ``predicted_welfare``
(exact strings), ``match_rate`` (share of runs whose final greedy joint action is in the
predicted set), ``welfare_mean`` and ``welfare_ci`` over runs of the base-game welfare of the
final greedy joint action, the CI being the **95% normal approximation** mean -/+ 1.96 s/sqrt(R)
(``None`` when R = 1), ``outcomes`` (count per final joint action, by labels, most frequent
first, ties in lexicographic order of action indices), and the greedy-welfare ``curve``.
With ``voting`` given, ``acceptance_rate`` is the share of runs in which the condition's
contract would be accepted against the null contract (values of run r of the no-contract
batch versus run r of the condition's batch; rules in :mod:`.contracted`).

Examples
--------
>>> from contract_theory.games.library import prisoners_dilemma
>>> res = run_experiment(prisoners_dilemma(), episodes=400, runs=40, seed=0)
>>> [(c.name, c.predicted, c.match_rate) for c in res.conditions]
[('no contract', (('D', 'D'),), 1.0), ('full contract', (('C', 'C'),), 1.0)]
"""

from __future__ import annotations

import itertools
import json
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields, replace
from fractions import Fraction
from typing import Any

import numpy as np

from contract_theory.equilibria.pure import pure_nash_mask
from contract_theory.equilibria.welfare import optimum, welfare_scores
from contract_theory.errors import ParameterError, SizeLimitError
from contract_theory.exact.numbers import fmt, to_fraction
from contract_theory.games.normal_form import NormalFormGame
from contract_theory.learning.contracted import (
    TransferContract,
    augmented_game,
    decide,
    null_contract,
    penalty_contract,
    train_contracted,
)
from contract_theory.learning.qlearning import (
    DEFAULT_ALPHA,
    Z95,
    QLearning,
    TrainingResult,
    check_learning_size,
    check_seed,
)
from contract_theory.util.interrupts import Interrupted

__all__ = ["ConditionResult", "ExperimentResult", "Conditions", "run_experiment", "evaluate", "coalitions_of_size",
           "save_results", "load_results", "plot_learning", "DEFAULT_MAX_COALITIONS", "experiment_options", "acceptance_rate"]

#: Largest number of coalitions ``k=`` may expand to before SizeLimitError.
DEFAULT_MAX_COALITIONS = 16

_FORMAT = "contract-theory/learning-experiment/1"


@dataclass(frozen=True)
class ConditionResult:
    """One condition's outcome; plain Python types only (JSON round-trips to an equal object)."""

    name: str
    coalition: tuple[str, ...]
    contract: dict[str, Any] | None
    predicted: tuple[tuple[str, ...], ...]
    predicted_welfare: tuple[str, ...]
    match_rate: float
    welfare_mean: float
    welfare_ci: tuple[float, float] | None
    outcomes: tuple[tuple[tuple[str, ...], int], ...]
    curve: dict[str, tuple[float, ...]] = field(default_factory=dict)
    acceptance_rate: float | None = None

    def to_json(self, full: bool = True) -> dict[str, Any]:
        """JSON view; ``full=False`` leaves out the curve (the CLI's compact document)."""
        doc: dict[str, Any] = {
            "name": self.name, "coalition": list(self.coalition), "contract": self.contract,
            "predicted": [list(p) for p in self.predicted], "predicted_welfare": list(self.predicted_welfare),
            "match_rate": self.match_rate, "welfare_mean": self.welfare_mean,
            "welfare_ci": None if self.welfare_ci is None else list(self.welfare_ci),
            "outcomes": [{"profile": list(p), "count": c} for p, c in self.outcomes],
        }
        if self.acceptance_rate is not None:
            doc["acceptance_rate"] = self.acceptance_rate
        if full:
            doc["curve"] = {k: list(v) for k, v in self.curve.items()}
        return doc

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> ConditionResult:
        return cls(
            name=doc["name"], coalition=tuple(doc["coalition"]), contract=doc["contract"],
            predicted=tuple(tuple(p) for p in doc["predicted"]),
            predicted_welfare=tuple(doc["predicted_welfare"]),
            match_rate=float(doc["match_rate"]), welfare_mean=float(doc["welfare_mean"]),
            welfare_ci=None if doc["welfare_ci"] is None else (float(doc["welfare_ci"][0]),
                                                               float(doc["welfare_ci"][1])),
            outcomes=tuple((tuple(o["profile"]), int(o["count"])) for o in doc["outcomes"]),
            curve={k: tuple(float(x) for x in v) for k, v in doc.get("curve", {}).items()},
            acceptance_rate=doc.get("acceptance_rate"),
        )


@dataclass(frozen=True)
class ExperimentResult:
    """All conditions of one experiment, with the game's title, players and the parameters used."""

    title: str
    players: tuple[str, ...]
    parameters: dict[str, Any]
    conditions: tuple[ConditionResult, ...]
    interrupted: bool = False       #: a Ctrl-C ended it: ``conditions`` are those finished before it

    def to_json(self, full: bool = True) -> dict[str, Any]:
        doc: dict[str, Any] = {"format": _FORMAT, "title": self.title, "players": list(self.players),
               "parameters": self.parameters, "conditions": [c.to_json(full) for c in self.conditions]}
        if self.interrupted:
            doc["interrupted"] = True
        return doc

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> ExperimentResult:
        if doc.get("format") != _FORMAT:
            raise ParameterError(f"not a learning-experiment document (format {doc.get('format')!r}, "
                                 f"expected {_FORMAT!r})")
        return cls(doc["title"], tuple(doc["players"]), dict(doc["parameters"]),
                   tuple(ConditionResult.from_json(c) for c in doc["conditions"]), bool(doc.get("interrupted", False)))


def coalitions_of_size(game: NormalFormGame, k: int, *, max_coalitions: int = DEFAULT_MAX_COALITIONS,
                       ) -> list[tuple[int, ...]]:
    """All coalitions of exactly k players, lexicographic; SizeLimitError above ``max_coalitions``.

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> coalitions_of_size(public_goods(4, "8/5", 20), 3)
    [(0, 1, 2), (0, 1, 3), (0, 2, 3), (1, 2, 3)]
    """
    n = game.n_players
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 2 <= k <= n:
        raise ParameterError(f"K must be an integer with 2 <= K <= n = {n} (one agent cannot sign a "
                             f"budget-balanced contract), got {k!r}")
    count = math.comb(n, int(k))
    if count > max_coalitions:
        raise SizeLimitError(f"{count} coalitions of size {k} exceed max_coalitions={max_coalitions}; "
                             "name the coalitions to study instead")
    return list(itertools.combinations(range(n), int(k)))


def evaluate(game: NormalFormGame, name: str, coalition: Sequence[int], contract: TransferContract,
             training: TrainingResult, predicted_mask: np.ndarray) -> ConditionResult:
    """Compare one batch with an exact prediction (a boolean mask over the game's joint actions)."""
    final = training.final_greedy_profiles
    idx = tuple(final.T)
    scores, den = welfare_scores(game)
    w = np.asarray(scores[idx], dtype=np.float64) / den
    R = final.shape[0]
    mean = float(w.mean())
    ci = None
    if R > 1:
        half = Z95 * float(w.std(ddof=1)) / math.sqrt(R)
        ci = (mean - half, mean + half)
    pred = [tuple(int(v) for v in p) for p in np.argwhere(predicted_mask)]
    items = sorted(training.outcome_counts.items(), key=lambda kv: (-kv[1], kv[0]))
    curve = training.welfare_curve
    return ConditionResult(
        name=name, coalition=tuple(game.players[i] for i in coalition), contract=contract.description,
        predicted=tuple(game.labels(p) for p in pred),
        predicted_welfare=tuple(fmt(Fraction(int(scores[p]), den)) for p in pred),
        match_rate=float(predicted_mask[idx].mean()), welfare_mean=mean, welfare_ci=ci,
        outcomes=tuple((game.labels(p), c) for p, c in items),
        curve={"steps": tuple(float(s) for s in curve.steps), "mean": tuple(float(x) for x in curve.mean),
               "low": tuple(float(x) for x in curve.low), "high": tuple(float(x) for x in curve.high)},
    )


@dataclass(frozen=True)
class Conditions:
    """Which conditions an experiment trains (module docstring).

    ``coalitions`` (players by index or name) and ``k`` (every coalition of exactly k players, at
    most ``max_coalitions`` of them) add coalition conditions, ``coalitions`` first; ``full=False``
    drops the full contract; ``psi`` overrides the penalty of every contract; ``voting`` adds the
    acceptance rate against no contract.
    """

    coalitions: Sequence[Sequence[int | str]] | None = None
    k: int | None = None
    full: bool = True
    psi: Any = None
    voting: Any = None
    max_coalitions: int = DEFAULT_MAX_COALITIONS


_CONDITION_KEYS = frozenset(f.name for f in fields(Conditions))
_LEARNER_KEYS = frozenset(f.name for f in fields(QLearning))


def experiment_options(conditions: Conditions | None, options: dict[str, Any]) -> tuple[Conditions, dict[str, Any]]:
    """Split an experiment's keywords: :class:`Conditions` fields (applied to ``conditions``) and the
    learners' :class:`~contract_theory.learning.qlearning.QLearning` fields (returned as keywords,
    validated); anything else is a ParameterError.

    Examples
    --------
    >>> experiment_options(None, {"k": 2, "gamma": 0.5})
    (Conditions(coalitions=None, k=2, full=True, psi=None, voting=None, max_coalitions=16), {'gamma': 0.5})
    """
    unknown = sorted(set(options) - _CONDITION_KEYS - _LEARNER_KEYS)
    if unknown:
        raise ParameterError(f"unknown experiment keyword(s) {unknown}; conditions take {sorted(_CONDITION_KEYS)}, "
                             f"learners {sorted(_LEARNER_KEYS)}")
    cond = replace(conditions or Conditions(), **{k: v for k, v in options.items() if k in _CONDITION_KEYS})
    learner = {k: v for k, v in options.items() if k in _LEARNER_KEYS}
    QLearning(**learner)  # validate before any training
    return cond, learner


def _plans(game: NormalFormGame, cond: Conditions) -> list[tuple[str, tuple[int, ...], TransferContract]]:
    studied: list[tuple[int, ...]] = []
    for c in cond.coalitions or ():
        studied.append(tuple(sorted({game.player_index(p) for p in c})))
    if cond.k is not None:
        studied += coalitions_of_size(game, cond.k, max_coalitions=cond.max_coalitions)
    plans: list[tuple[str, tuple[int, ...], TransferContract]] = [("no contract", (), null_contract(game))]
    for S in studied:
        plans.append(("coalition " + "+".join(game.players[i] for i in S), S,
                      penalty_contract(game, S, psi=cond.psi)))
    if cond.full and game.n_players >= 2:
        S = tuple(range(game.n_players))
        plans.append(("full contract", S, penalty_contract(game, S, target=optimum(game)[1][0], psi=cond.psi)))
    return plans


def run_experiment(game: NormalFormGame, *, episodes: int = 2000, runs: int = 200, seed: int = 0,
                   conditions: Conditions | None = None, progress: Callable[[int, int], None] | None = None,
                   **options: Any) -> ExperimentResult:
    """Run the conditions listed in the module docstring and compare each with its exact prediction.

    ``conditions`` (:class:`Conditions`) says which conditions; ``options`` are keywords replacing its
    fields (``coalitions``, ``k``, ``full``, ``psi``, ``voting``, ``max_coalitions``) or setting the
    learners' rules (:class:`~contract_theory.learning.qlearning.QLearning`: ``alpha``,
    ``exploration``, ``gamma``, ...).  ``progress(done, total)`` counts environment steps per run over
    all conditions.  The whole experiment's tables and work are checked against the size budget
    before the first condition trains.  On Ctrl-C it raises
    :class:`~contract_theory.util.interrupts.Interrupted` carrying the conditions finished so far
    (``interrupted=True``); the one in progress is abandoned.
    Cost: (number of conditions) trainings of ``episodes * runs`` steps.
    """
    seed = check_seed(seed)
    cond, learner = experiment_options(conditions, options)
    check_learning_size(episodes, runs, (game.n_players, 1, max(game.shape)))  # one condition, before the plans' solves
    plans = _plans(game, cond)
    check_learning_size(episodes, runs, (game.n_players, 1, max(game.shape)), conditions=len(plans))
    children = np.random.SeedSequence(seed).spawn(len(plans) + 1)
    total = len(plans) * episodes
    out: list[ConditionResult] = []
    trainings: list[TrainingResult] = []
    params = experiment_parameters(episodes=episodes, runs=runs, seed=seed, alpha=learner.get("alpha", DEFAULT_ALPHA),
                                   exploration=learner.get("exploration"), psi=cond.psi, voting=cond.voting,
                                   **{k: v for k, v in learner.items() if k not in ("alpha", "exploration")})
    try:
        for ci, (name, S, tc) in enumerate(plans):
            cb = None if progress is None else (lambda d, T, _o=ci * episodes: progress(_o + d, total))
            tr = train_contracted(game, tc, episodes=episodes, runs=runs, seed=children[ci], progress=cb, **learner)
            trainings.append(tr)
            mask = pure_nash_mask(game if tc.is_null else augmented_game(game, tc))
            res = evaluate(game, name, S, tc, tr, mask)
            if cond.voting is not None and not tc.is_null:
                res = replace(res, acceptance_rate=acceptance_rate(game, trainings[0], tr, tc.signatories, cond.voting,
                                                               children[-1]))
            out.append(res)
    except KeyboardInterrupt:
        raise Interrupted(ExperimentResult(game.title, tuple(game.players), params, tuple(out), True)) from None
    return ExperimentResult(game.title, tuple(game.players), params, tuple(out))


def acceptance_rate(game: Any, base: TrainingResult, tr: TrainingResult, signatories: Sequence[int], voting: Any,
                seq: np.random.SeedSequence, values: Callable[[TrainingResult], np.ndarray] | None = None) -> float:
    """Share of runs in which the condition's contract is accepted against no contract (run r vs run r)."""
    learned = values or (lambda t: t.learned_values())
    V = np.stack([learned(base), learned(tr)])
    sig = np.zeros((2, game.n_players), dtype=bool)
    sig[1, list(signatories)] = True
    accepted, _ = decide(V, sig, voting, seed=seq.spawn(1)[0])
    return float(accepted[1].mean())


def experiment_parameters(*, episodes: int, runs: int, seed: Any, alpha: Any, exploration: Any, psi: Any,
                          voting: Any, **train_kwargs: Any) -> dict[str, Any]:
    """The JSON-safe ``parameters`` record of an experiment (shared by the normal-form and Markov runners).

    Examples
    --------
    >>> experiment_parameters(episodes=10, runs=2, seed=0, alpha=0.1, exploration=None, psi="3", voting=None)["psi"]
    '3'
    """
    return {"episodes": episodes, "runs": runs, "seed": seed, "alpha": repr(alpha),
            "exploration": repr(exploration) if exploration is not None else "default_exploration(episodes)",
            "psi": None if psi is None else fmt(to_fraction(psi, what="psi")),
            "voting": None if voting is None else list(voting) if isinstance(voting, tuple) else voting,
            **{k2: (v if isinstance(v, (int, float, str, bool)) or v is None else repr(v))
               for k2, v in train_kwargs.items()}}


def save_results(result: ExperimentResult, path: str | os.PathLike[str]) -> None:
    """Write the full JSON document (with curves) to ``path`` (atomically; missing folders are created)."""
    from contract_theory.util.atomic import write_text

    write_text(os.fspath(path), json.dumps(result.to_json(full=True), indent=1, allow_nan=False) + "\n")


def load_results(path: str | os.PathLike[str]) -> ExperimentResult:
    """Read a document written by :func:`save_results` (an equal :class:`ExperimentResult`)."""
    with open(path, encoding="utf-8") as fh:
        try:
            doc = json.load(fh)
        except json.JSONDecodeError as exc:
            raise ParameterError(f"{path}: not JSON ({exc})") from None
    return ExperimentResult.from_json(doc)


def plot_learning(result: ExperimentResult | ConditionResult, path: str | os.PathLike[str]) -> None:
    """Save a figure: greedy welfare over training (mean and 95% band per condition, the predicted
    welfare as dashed lines) and the final-outcome frequencies as grouped bars.

    matplotlib is imported lazily (non-interactive Agg backend); it is an optional dependency.
    """
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("plot_learning needs matplotlib (a core dependency of contract-theory): pip install matplotlib") from exc
    conds = (result,) if isinstance(result, ConditionResult) else result.conditions
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.5))
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for c, cond in enumerate(conds):
        col = colors[c % len(colors)]
        cur = cond.curve
        if cur.get("steps"):
            ax1.plot(cur["steps"], cur["mean"], color=col, label=cond.name)
            ax1.fill_between(cur["steps"], cur["low"], cur["high"], color=col, alpha=0.2)
        for w in sorted(set(cond.predicted_welfare)):
            ax1.axhline(float(Fraction(w)), color=col, linestyle="--", linewidth=1)
    ax1.set_xlabel("step")
    ax1.set_ylabel("welfare of the greedy joint action")
    ax1.set_title("welfare over training (dashed: exact prediction)")
    ax1.legend(fontsize="small")
    labels = sorted({p for cond in conds for p, _ in cond.outcomes})
    width = 0.8 / max(1, len(conds))
    x = np.arange(len(labels))
    for c, cond in enumerate(conds):
        total = sum(n for _, n in cond.outcomes) or 1
        freq = dict(cond.outcomes)
        ax2.bar(x + c * width, [freq.get(p, 0) / total for p in labels], width,
                color=colors[c % len(colors)], label=cond.name)
    ax2.set_xticks(x + width * (len(conds) - 1) / 2)
    ax2.set_xticklabels(["(" + ",".join(p) + ")" for p in labels], rotation=45, ha="right", fontsize="small")
    ax2.set_ylabel("share of runs")
    ax2.set_title("final greedy joint actions")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
