r"""Learning experiments on Markov games against the exact MPE predictions (docs/background/model.md#7-learning).

The Markov counterpart of :func:`contract_theory.learning.experiment.run_experiment`, with the same
conditions and the same result classes (:class:`~contract_theory.learning.experiment.ConditionResult`,
so ``contract-theory learn`` prints the same JSON ``conditions`` for both kinds of game):

1. ``"no contract"``: the game.  Predicted: its stationary pure MPE
   (:func:`contract_theory.markov.mpe.mpe_solve`).
2. ``"coalition ..."``: the members sign the deviation penalty
   (:func:`contract_theory.markov.contracts.deviation_penalty`) toward the policy their bloc reaches
   (:func:`contract_theory.api.coalition_outcome`, Stackelberg, pessimistic);
   predicted: the stationary pure MPE of the augmented game.
3. ``"full contract"``: every player signs the penalty toward the team-optimal policy
   (:func:`contract_theory.markov.values.team_optimum`); predicted likewise.

The penalty is ``psi`` when given, else 2 psi* (:func:`contract_theory.markov.menus.penalty_toward`).

Learners: independent tabular Q-learners (:func:`contract_theory.learning.qlearning.train`) on
:class:`~contract_theory.learning.markov_env.MarkovGameEnv`, with ``gamma`` = the game's discount
unless given.  A run's learned policy is its greedy stationary policy (ties to the lowest action,
:func:`~contract_theory.learning.markov_env.greedy_policies`); ``match_rate`` is the share of runs
whose policy is a predicted MPE; ``welfare_mean`` / ``welfare_ci`` are over runs of the **exact**
welfare W(pi) = sum_i sum_s rho0(s) V_i^pi(s) of that policy in the base game (computed once per
distinct policy), the CI the 95% normal approximation.  **Match rule**: a run matches when its
greedy policy agrees with some predicted MPE on every state reachable from rho0 under the run's own
policy (:func:`reachable`): learners never visit the other states, so their greedy actions there
are arbitrary, and two policies that agree on path have the same values from rho0.  For one-state
games this is equality of policies.  Policies are shown per player as the
action label (one-state games) or ``state:action`` pairs joined by commas.  The curve is the
learners' per-step welfare of the greedy joint action (as for normal-form games).

Examples
--------
>>> from contract_theory.games.markov_library import repeated_prisoners_dilemma
>>> res = run_markov_experiment(repeated_prisoners_dilemma(), episodes=600, runs=20, seed=0)
>>> [(c.name, c.predicted) for c in res.conditions], res.conditions[1].match_rate
([('no contract', (('D', 'D'),)), ('full contract', (('C', 'C'),))], 1.0)

At discount 9/10 the learners bootstrap slowly: (D, D) needs about 10^4 plays per run to win in
nine runs out of ten (tests/test_markov_learning.py runs 20000).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import replace
from fractions import Fraction
from typing import Any

import numpy as np

from contract_theory.api import coalition_outcome
from contract_theory.errors import ParameterError, SizeLimitError
from contract_theory.exact.numbers import fmt
from contract_theory.games.markov import MarkovGame
from contract_theory.learning.experiment import (
    ConditionResult,
    Conditions,
    ExperimentResult,
    acceptance_rate,
    experiment_options,
    experiment_parameters,
)
from contract_theory.learning.markov_env import MarkovGameEnv, greedy_policies
from contract_theory.learning.qlearning import DEFAULT_ALPHA, Z95, TrainingResult, check_learning_size, check_seed, train
from contract_theory.markov.contracts import MarkovContract
from contract_theory.markov.menus import penalty_toward
from contract_theory.markov.mpe import mpe_solve
from contract_theory.markov.values import team_optimum, welfare
from contract_theory.util.interrupts import Interrupted

__all__ = ["run_markov_experiment", "policy_label"]

Policy = tuple[tuple[int, ...], ...]


def policy_label(game: MarkovGame, policy: Sequence[Sequence[int]]) -> tuple[str, ...]:
    """Per-player label of a deterministic policy: the action (one state) or ``state:action,...``.

    Examples
    --------
    >>> from contract_theory.games.markov_library import cleanup_markov
    >>> policy_label(cleanup_markov(2), ((0, 1), (0, 0)))
    ('Clean:Harvest,Dirty:Clean', 'Clean:Harvest,Dirty:Harvest')
    """
    if game.n_states == 1:
        return tuple(game.actions[i][int(p[0])] for i, p in enumerate(policy))
    return tuple(",".join(f"{game.states[s]}:{game.actions[i][int(a)]}" for s, a in enumerate(p))
                 for i, p in enumerate(policy))


def _coalitions(game: MarkovGame, cond: Conditions) -> list[tuple[int, ...]]:
    import itertools

    studied = [tuple(sorted({game.player_index(p) for p in c})) for c in cond.coalitions or ()]
    k = cond.k
    if k is not None:
        n = game.n_players
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 2 <= k <= n:
            raise ParameterError(f"K must be an integer with 2 <= K <= n = {n}, got {k!r}")
        if math.comb(n, int(k)) > cond.max_coalitions:
            raise SizeLimitError(f"{math.comb(n, int(k))} coalitions of size {k} exceed max_coalitions="
                                 f"{cond.max_coalitions}; name the coalitions to study instead")
        studied += list(itertools.combinations(range(n), int(k)))
    return studied


def _condition(game: MarkovGame, name: str, members: Sequence[int], contract: MarkovContract | None,
               target: Policy | None, training: TrainingResult) -> ConditionResult:
    played = contract.augmented_game() if contract is not None else game
    predicted = sorted(e.policy for e in mpe_solve(played))
    pols = greedy_policies(training)                                       # (R, n, S)
    flat = [tuple(tuple(int(a) for a in row) for row in p) for p in pols]
    cache: dict[Policy, Fraction] = {}
    for p in flat:
        if p not in cache:
            cache[p] = welfare(game, p)
    w = np.array([float(cache[p]) for p in flat])
    R = len(flat)
    mean = float(w.mean())
    ci = None
    if R > 1:
        half = Z95 * float(w.std(ddof=1)) / math.sqrt(R)
        ci = (mean - half, mean + half)
    match = {p: _matches(game, p, predicted) for p in cache}
    counts: dict[Policy, int] = {}
    for p in flat:
        counts[p] = counts.get(p, 0) + 1
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    curve = training.welfare_curve
    desc = None
    if contract is not None and target is not None:
        desc = {"kind": "penalty", "signatories": [game.players[i] for i in members],
                "target": [policy_label(game, target)[i] for i in members],
                "psi": contract.name.rpartition("=")[2]}
    return ConditionResult(
        name=name, coalition=tuple(game.players[i] for i in members), contract=desc,
        predicted=tuple(policy_label(game, p) for p in predicted),
        predicted_welfare=tuple(fmt(welfare(game, p)) for p in predicted),
        match_rate=float(np.mean([match[p] for p in flat])), welfare_mean=mean, welfare_ci=ci,
        outcomes=tuple((policy_label(game, p), c) for p, c in items),
        curve={"steps": tuple(float(s) for s in curve.steps), "mean": tuple(float(x) for x in curve.mean),
               "low": tuple(float(x) for x in curve.low), "high": tuple(float(x) for x in curve.high)})


def reachable(game: MarkovGame, policy: Policy) -> np.ndarray:
    """Boolean mask of the states reachable from the support of rho0 when ``policy`` is played.

    Graph search on P_pi(s, s') > 0, O(|S|^2) per step, at most |S| steps.

    Examples
    --------
    >>> from contract_theory.games.gridworlds import harvest_gridworld
    >>> g = harvest_gridworld(2, 2)
    >>> reachable(g, ((0, 0, 0, 0), (0, 0, 0, 0))).tolist()     # all harvest: AA -> .. forever
    [True, False, False, True]
    """
    S = game.n_states
    flat = np.ravel_multi_index(tuple(np.array(policy, dtype=np.int64)), game.shape)      # (S,) joint index
    edges = game.flat_transitions[np.arange(S), flat] != 0                                # (S, S)
    seen = np.asarray(game.initial != 0, dtype=bool)
    for _ in range(S):
        nxt = seen | edges[seen].any(axis=0)
        if (nxt == seen).all():
            break
        seen = nxt
    return seen


def _matches(game: MarkovGame, policy: Policy, predicted: Sequence[Policy]) -> bool:
    """Whether ``policy`` plays like some predicted MPE on every state it reaches from rho0."""
    on = reachable(game, policy)
    arr = np.array(policy)[:, on]
    return any((np.array(q)[:, on] == arr).all() for q in predicted)


def _learned_values(game: MarkovGame, tr: TrainingResult) -> np.ndarray:
    """``(R, n)``: each learner's greedy value averaged over rho0, sum_s rho0(s) max_a Q_i(s, a)."""
    rho = np.asarray(game.initial, dtype=object).astype(float)
    return (tr.q_values.max(axis=-1) * rho[None, None, :]).sum(axis=-1)


def _markov_plans(game: MarkovGame, cond: Conditions) -> list[tuple[str, tuple[int, ...], MarkovContract | None,
                                                                     Policy | None]]:
    plans: list[tuple[str, tuple[int, ...], MarkovContract | None, Policy | None]] = [("no contract", (), None, None)]
    for S in _coalitions(game, cond):
        out = coalition_outcome(game, S)
        if out.policy is None:
            raise ParameterError(f"coalition {[game.players[i] for i in S]} reaches no stationary pure outcome "
                                 f"({'; '.join(out.notes)}); it cannot be learned toward a target")
        plans.append(("coalition " + "+".join(game.players[i] for i in S), S,
                      penalty_toward(game, S, out.policy, cond.psi), out.policy))
    if cond.full and game.n_players >= 2:
        everyone = tuple(range(game.n_players))
        best = team_optimum(game).policy
        plans.append(("full contract", everyone, penalty_toward(game, everyone, best, cond.psi), best))
    return plans


def run_markov_experiment(game: MarkovGame, *, episodes: int = 2000, runs: int = 200, seed: int = 0,
                          conditions: Conditions | None = None, progress: Callable[[int, int], None] | None = None,
                          **options: Any) -> ExperimentResult:
    """Run the conditions of the module docstring on a Markov game and compare each with its exact prediction.

    Parameters and seeding as :func:`contract_theory.learning.experiment.run_experiment` (one child
    seed per condition, in order; ``options`` are :class:`~contract_theory.learning.experiment.Conditions`
    or learner keywords); ``gamma`` defaults to the game's discount.  With ``voting``, a condition's
    ``acceptance_rate`` compares each run's rho0-averaged learned values with the no-contract batch's
    (rules of :func:`contract_theory.learning.contracted.decide`).  Size check and Ctrl-C as for
    ``run_experiment``.
    Cost: (number of conditions) trainings of ``episodes * runs`` steps plus one
    :func:`~contract_theory.markov.mpe.mpe_solve` per condition (SizeLimitError beyond its limit).
    """
    seed = check_seed(seed)
    cond, learner = experiment_options(conditions, options)
    learner.setdefault("gamma", float(game.discount))
    shape = (game.n_players, game.n_states, max(game.shape))
    check_learning_size(episodes, runs, shape)  # one condition's work, before the plans solve the game (team optimum)
    plans = _markov_plans(game, cond)
    check_learning_size(episodes, runs, shape, conditions=len(plans))
    children = np.random.SeedSequence(seed).spawn(len(plans) + 1)
    total = len(plans) * episodes
    results: list[ConditionResult] = []
    trainings: list[TrainingResult] = []
    params = experiment_parameters(episodes=episodes, runs=runs, seed=seed, alpha=learner.get("alpha", DEFAULT_ALPHA),
                                   exploration=learner.get("exploration"), psi=cond.psi, voting=cond.voting,
                                   kind="markov", **{k: v for k, v in learner.items() if k not in ("alpha", "exploration")})
    try:
        for ci, (name, S, contract, target) in enumerate(plans):
            cb = None if progress is None else (lambda d, T, _o=ci * episodes: progress(_o + d, total))
            env = MarkovGameEnv(contract.augmented_game() if contract is not None else game)
            tr = train(env, episodes=episodes, runs=runs, seed=children[ci], progress=cb, **learner)
            trainings.append(tr)
            res = _condition(game, name, S, contract, target, tr)
            if cond.voting is not None and contract is not None:
                res = replace(res, acceptance_rate=acceptance_rate(game, trainings[0], tr, S, cond.voting, children[-1],
                                                               lambda t: _learned_values(game, t)))
            results.append(res)
    except KeyboardInterrupt:
        raise Interrupted(ExperimentResult(game.title, tuple(game.players), params, tuple(results), True)) from None
    return ExperimentResult(game.title, tuple(game.players), params, tuple(results))
