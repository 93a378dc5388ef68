r"""Independent tabular Q-learning on a repeated normal-form game (docs/background/model.md#7-learning).

Learning here is *search*: it runs in float64 and is judged against the exact solvers'
predictions (:mod:`contract_theory.learning.experiment`), never the other way round.

Model.  N independent learners play the stage game repeatedly.  Each learner i keeps a
table Q_i(s, a_i) over its own actions only (it does not see the others' actions), and
after every play updates the entry it used:

    Q_i(s, a_i) <- Q_i(s, a_i) + alpha_t * (r_i + gamma * max_b Q_i(s', b) - Q_i(s, a_i)).

A repeated normal-form game is the one-state special case (s = s' = 0).  **Discount
choice**: the default ``gamma = 0`` learns the stage-game values E[r_i | a_i], which is
what the exact stage-game predictions are about.  ``gamma`` in (0, 1) bootstraps the
repeated game's continuation; with one state the continuation term gamma*max_b Q_i(0, b)
is the same for every action, so in the limit it adds the constant gamma/(1-gamma)*V_i to
every entry and leaves the greedy action unchanged, while slowing learning down.

Arrays.  Everything is vectorized over R independent runs.  The Q table is returned with
shape ``(R, n_players, n_states, max_actions)`` (player i's entries beyond its m_i actions
are ``-inf`` and never chosen or updated); internally it is stored as
``(n_states, max_actions, R * n_players)`` so that each action's column is contiguous.  Each
step all R runs act at once, rewards are gathered by fancy indexing into the flattened float
payoff tensor, and Q is updated with one numpy scatter.  Python loops run over time steps and,
inside a step, over the few action indices (greedy/softmax reductions) and players (joint-action
index); never over runs.  A Markov game plugs in as another :class:`TabularEnv`
(``n_states > 1`` and a real transition); the learner does not change.

Exploration.  :class:`EpsilonGreedy` (with probability epsilon_t a uniformly random own
action, else greedy; one uniform draw u per learner decides both: explore iff u < epsilon_t,
and then the action is floor(u / epsilon_t * m_i)) or :class:`Boltzmann` (softmax of
Q / temperature_t, sampled by inverse CDF).

**Greedy ties** (the ``ties`` parameter): ``"random"`` (default) picks uniformly among the
maximal entries with the seeded generator (the j-th maximal index, j = floor(u * #ties));
``"lowest"`` picks the lowest action index.  The rule applies when acting and to the final
greedy profiles; the welfare curve's greedy profile always uses ``"lowest"`` so that
recording never consumes random numbers (the random stream, hence every result, does not
depend on ``record_every``).

Reproducibility.  All randomness comes from one ``numpy.random.default_rng(seed)``, drawn in
a fixed order each step, so the same arguments give bit-for-bit identical arrays.

Complexity.  O(episodes * R * n * max_actions) time and O(R * n * n_states * max_actions)
memory (schedules are evaluated a block of steps at a time, so memory does not grow with the
episodes); both go through the one size budget before anything is allocated
(:func:`check_learning_size`: SizeLimitError above it, ``--max-entries`` raises it).

Examples
--------
>>> from contract_theory.games.library import prisoners_dilemma
>>> res = train(prisoners_dilemma(), episodes=300, runs=50, seed=1)
>>> res.final_greedy_profiles.shape, res.q_values.shape
((50, 2), (50, 2, 1, 2))
>>> res.outcome_counts[(1, 1)] >= 45     # the learners defect
True
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal, Protocol, Union

import numpy as np

from contract_theory.errors import ParameterError
from contract_theory.games.normal_form import NormalFormGame
from contract_theory.games.size import RAISE_LIMIT, check_size
from contract_theory.learning.schedules import Constant, LinearDecay, Schedule, check_range

__all__ = [
    "EpsilonGreedy", "Boltzmann", "Exploration", "TabularEnv", "RepeatedGameEnv", "WelfareCurve",
    "TrainingResult", "train", "DEFAULT_ALPHA", "default_exploration", "check_seed", "Z95", "QLearning",
    "check_learning_size", "UPDATES_PER_CELL",
]

#: Two-sided 95% normal quantile used by every confidence interval of this package's learning code.
Z95 = 1.959963984540054

#: Default learning rate: constant 0.1.
DEFAULT_ALPHA: Schedule = Constant(0.1)


@dataclass(frozen=True)
class EpsilonGreedy:
    """epsilon-greedy exploration: with probability epsilon(t) a uniform random own action.

    Examples
    --------
    >>> EpsilonGreedy(Constant(0.1)).epsilon.value(3)
    0.1
    """

    epsilon: Schedule

    def __post_init__(self) -> None:
        check_range(self.epsilon, "epsilon", low=0.0, high=1.0)


@dataclass(frozen=True)
class Boltzmann:
    """Boltzmann (softmax) exploration: P(a) proportional to exp(Q(a) / temperature(t)).

    The temperature must stay positive (an exponential decay needs a positive floor).

    Examples
    --------
    >>> Boltzmann(Constant(0.5)).temperature.value(0)
    0.5
    """

    temperature: Schedule

    def __post_init__(self) -> None:
        check_range(self.temperature, "temperature", low=0.0, high=math.inf, low_open=True)


Exploration = Union[EpsilonGreedy, Boltzmann]


def default_exploration(episodes: int) -> EpsilonGreedy:
    """epsilon decays linearly from 1 to 0.02 over the first half of training, then stays at 0.02.

    Examples
    --------
    >>> default_exploration(1000)
    EpsilonGreedy(epsilon=LinearDecay(start=1.0, end=0.02, steps=500))
    """
    return EpsilonGreedy(LinearDecay(1.0, 0.02, max(1, episodes // 2)))


class TabularEnv(Protocol):
    """What the learner needs from an environment (all methods vectorized over R runs).

    ``states`` are ``(R,)`` int arrays, ``actions`` ``(R, n)`` int arrays.
    """

    n_players: int
    n_states: int
    action_counts: tuple[int, ...]

    def initial_states(self, runs: int, rng: np.random.Generator) -> np.ndarray: ...
    def rewards(self, states: np.ndarray, actions: np.ndarray) -> np.ndarray: ...
    def welfare(self, states: np.ndarray, actions: np.ndarray) -> np.ndarray: ...
    def transition(self, states: np.ndarray, actions: np.ndarray, rng: np.random.Generator) -> np.ndarray: ...


class RepeatedGameEnv:
    """A normal-form game played repeatedly: one state, rewards = (payoffs + transfers) as float64.

    ``transfers`` (optional, shape ``game.shape + (n,)``, exact or float) is added to the
    rewards the learners see; ``welfare`` is always the base game's utilitarian welfare
    sum_i u_i (transfers are budget-balanced, so it is also the augmented welfare when they
    are).  Validation of transfers as a contract is :mod:`contract_theory.learning.contracted`'s job.

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> env = RepeatedGameEnv(prisoners_dilemma())
    >>> env.rewards(np.zeros(2, dtype=np.int64), np.array([[0, 1], [1, 1]])).tolist()
    [[0.0, 5.0], [1.0, 1.0]]
    """

    n_states = 1

    def __init__(self, game: NormalFormGame, transfers: Any = None) -> None:
        self.game = game
        self.n_players = game.n_players
        self.action_counts = tuple(game.shape)
        pay = np.asarray(game.fractions, dtype=object)
        self._welfare = pay.sum(axis=-1).astype(np.float64).reshape(-1)
        if transfers is not None:
            tr = np.asarray(transfers, dtype=object)
            if tr.shape != pay.shape:
                raise ParameterError(f"transfers have shape {tr.shape}, the game needs {pay.shape}")
            pay = pay + tr
        self._rewards = pay.astype(np.float64).reshape(-1, self.n_players)
        self._rewards_flat = self._rewards.reshape(-1)
        strides = np.ones(self.n_players, dtype=np.int64)
        for i in range(self.n_players - 2, -1, -1):
            strides[i] = strides[i + 1] * self.action_counts[i + 1]
        self._strides = strides

    def _flat(self, actions: np.ndarray) -> np.ndarray:
        # row-major index of each run's joint action (a loop over the few players, not the runs)
        idx = actions[:, -1].astype(np.int64, copy=True)
        for i in range(self.n_players - 2, -1, -1):
            idx += actions[:, i] * self._strides[i]
        return idx

    def initial_states(self, runs: int, rng: np.random.Generator) -> np.ndarray:
        return np.zeros(runs, dtype=np.int64)

    def rewards(self, states: np.ndarray, actions: np.ndarray) -> np.ndarray:
        lin = self._flat(actions)[:, None] * self.n_players + np.arange(self.n_players)
        return self._rewards_flat.take(lin)

    def welfare(self, states: np.ndarray, actions: np.ndarray) -> np.ndarray:
        return self._welfare[self._flat(actions)]

    def transition(self, states: np.ndarray, actions: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        return states


@dataclass(frozen=True, eq=False)
class WelfareCurve:
    """Float welfare over training: per recorded step, mean over runs and a 95% normal-approximation CI.

    ``low``/``high`` are mean -/+ 1.96 * sd / sqrt(R) (sample sd, ddof=1); with one run
    they equal the mean (no spread can be estimated).
    """

    steps: np.ndarray
    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray


@dataclass(eq=False)
class TrainingResult:
    """What :func:`train` returns.

    Attributes
    ----------
    final_greedy_profiles
        ``(R, n)`` int64, each run's greedy joint action at the end.
    q_values
        ``(R, n, n_states, max_actions)`` float64; entries beyond a player's actions are -inf.
    welfare_curve
        Welfare of the *greedy* joint action at each recorded step.
    played_welfare_curve
        Mean welfare of the joint actions *played* since the previous record.
    outcome_counts
        ``{profile: count}`` of the final greedy profiles (profiles as index tuples).
    parameters
        The arguments, for reproduction.
    """

    final_greedy_profiles: np.ndarray
    q_values: np.ndarray
    welfare_curve: WelfareCurve
    played_welfare_curve: WelfareCurve
    outcome_counts: dict[tuple[int, ...], int]
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def runs(self) -> int:
        return int(self.final_greedy_profiles.shape[0])

    def learned_values(self, state: int = 0) -> np.ndarray:
        """``(R, n)``: each learner's greedy value max_a Q_i(state, a) (its own estimate of its payoff)."""
        return self.q_values[:, :, state, :].max(axis=-1)


def check_seed(seed: Any) -> Any:
    """Accept a non-negative int or a ``numpy.random.SeedSequence``; ParameterError otherwise."""
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool) and seed >= 0:
        return int(seed)
    raise ParameterError(f"seed must be a non-negative integer or a numpy SeedSequence, got {seed!r} "
                         "(a Generator is refused: its state would make runs irreproducible)")


def _positive_int(x: Any, name: str) -> int:
    if isinstance(x, bool) or not isinstance(x, (int, np.integer)) or x < 1:
        raise ParameterError(f"{name} must be a positive integer, got {x!r}")
    return int(x)


def _greedy(cols: list[np.ndarray], ties: str, u: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Greedy action and maximal value of every learner, from the per-action columns Q[., k, .].

    ``cols[k]`` is a ``(P,)`` array (one entry per run-player pair).  Tie rule ``"lowest"``:
    the lowest maximal index; ``"random"``: the j-th maximal index in increasing order with
    j = floor(u * number of maximal entries), u uniform in [0, 1) per learner, which is uniform
    among the ties.  O(M * P) elementwise work; the loop is over the (few) action indices.
    """
    mx = cols[0].copy()
    for c in cols[1:]:
        np.maximum(mx, c, out=mx)
    best = np.zeros(mx.shape, dtype=np.int64)
    if ties == "lowest" or u is None:
        for k in range(len(cols) - 1, 0, -1):
            best[cols[k] == mx] = k
        best[cols[0] == mx] = 0
        return best, mx
    eqs = [c == mx for c in cols]
    count = np.zeros(mx.shape, dtype=np.int64)
    for e in eqs:
        count += e
    j = (u * count).astype(np.int64)              # which of the tied entries, 0-based
    seen = np.zeros(mx.shape, dtype=np.int64)
    for k, e in enumerate(eqs):
        best[e & (seen == j)] = k
        seen += e
    return best, mx


def _curve(steps: list[int], rows: list[np.ndarray]) -> WelfareCurve:
    data = np.array(rows, dtype=np.float64).reshape(len(rows), -1)  # (records, R)
    mean = data.mean(axis=1)
    if data.shape[1] > 1:
        half = Z95 * data.std(axis=1, ddof=1) / math.sqrt(data.shape[1])
    else:
        half = np.zeros_like(mean)
    return WelfareCurve(np.array(steps, dtype=np.int64), mean, mean - half, mean + half)


@dataclass(frozen=True)
class QLearning:
    """The learners' rules (module docstring), validated when built.

    ``alpha``: learning-rate schedule, values in (0, 1]; ``exploration``: :class:`EpsilonGreedy` or
    :class:`Boltzmann` (None: :func:`default_exploration` of the episodes); ``gamma``: discount in
    [0, 1); ``ties``: greedy tie rule, ``"random"`` (seeded) or ``"lowest"``; ``q_init``: initial Q
    value; ``alpha_clock``: ``"step"`` evaluates alpha at the global step t, ``"visits"`` at the
    number of earlier updates of that (run, player, state, action) entry (with ``PowerDecay(1, 1)``
    every Q entry is then the running average of its rewards); ``record_every``: record the welfare
    curves every this many steps (default ``max(1, episodes // 100)``; the last step always).

    Examples
    --------
    >>> QLearning(gamma=1.0)
    Traceback (most recent call last):
    ...
    contract_theory.errors.ParameterError: gamma must be a number in [0, 1), got 1.0
    """

    alpha: Schedule = DEFAULT_ALPHA
    exploration: Exploration | None = None
    gamma: float = 0.0
    ties: Literal["random", "lowest"] = "random"
    q_init: float = 0.0
    alpha_clock: Literal["step", "visits"] = "step"
    record_every: int | None = None

    def __post_init__(self) -> None:
        check_range(self.alpha, "alpha", low=0.0, high=1.0, low_open=True)
        if self.exploration is not None and not isinstance(self.exploration, (EpsilonGreedy, Boltzmann)):
            raise ParameterError(f"exploration must be EpsilonGreedy(...) or Boltzmann(...), got {self.exploration!r}")
        g = self.gamma
        if isinstance(g, bool) or not isinstance(g, (int, float)) or not 0.0 <= g < 1.0:
            raise ParameterError(f"gamma must be a number in [0, 1), got {g!r}")
        if self.ties not in ("random", "lowest"):
            raise ParameterError(f"ties must be 'random' or 'lowest', got {self.ties!r}")
        if self.alpha_clock not in ("step", "visits"):
            raise ParameterError(f"alpha_clock must be 'step' or 'visits', got {self.alpha_clock!r}")
        q = self.q_init
        if isinstance(q, bool) or not isinstance(q, (int, float)) or not math.isfinite(q):
            raise ParameterError(f"q_init must be a finite number, got {q!r}")
        if self.record_every is not None:
            _positive_int(self.record_every, "record_every")


#: A float Q-update costs about a thousandth of an exact payoff cell (an exact cell: 10-25 us to build,
#: issue 12; one Q-update: 0.02-0.05 us, measured with ``train`` at 200-2000 runs): the learning work
#: counts against the one size budget at this rate.
UPDATES_PER_CELL = 1000


def check_learning_size(episodes: int, runs: int, shape: tuple[int, int, int], conditions: int = 1) -> int:
    """Refuse, before allocating anything, learning whose tables or work exceed the size budget.

    ``shape`` is (players, states, largest action count).  The Q tables hold runs x players x
    states x actions cells; the work is conditions x episodes x runs x players x actions Q-updates,
    counted as one cell per :data:`UPDATES_PER_CELL` updates (:func:`contract_theory.games.size.check_size`:
    SizeLimitError naming the sizes and the way out).  O(1).  Returns the work in cells.

    Examples
    --------
    >>> check_learning_size(2000, 200, (2, 1, 2), conditions=3)     # 4.8 million Q-updates
    4800
    >>> check_learning_size(10**15, 200, (2, 1, 2))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    contract_theory.errors.SizeLimitError: Q-learning work: 1 condition(s) x 1,000,000,000,000,000 episodes x 200 runs x ...
    """
    n, S, M = shape
    check_size("Q-learning tables", runs * n * S * M, f"{runs:,} runs x {n} players x {S} states x {M} actions",
               f"use fewer --runs or {RAISE_LIMIT}")
    work = -(-(conditions * episodes * runs * n * M) // UPDATES_PER_CELL)
    return check_size("Q-learning work", work, f"{conditions} condition(s) x {episodes:,} episodes x {runs:,} runs x "
                      f"{n} players x {M} actions Q-updates / {UPDATES_PER_CELL} per cell",
                      f"use fewer --episodes or --runs (memory does not grow with episodes: this bounds the time) "
                      f"or {RAISE_LIMIT}")


_BLOCK = 4096   # schedule values are computed this many steps at a time (memory independent of episodes)


class _Learners:
    """The Q tables of R runs x n learners and one step of acting and updating (module docstring, Arrays)."""

    def __init__(self, env: TabularEnv, runs: int, rules: QLearning) -> None:
        self.env, self.rules = env, rules
        self.n, self.S = env.n_players, env.n_states
        m = np.array(env.action_counts, dtype=np.int64)
        self.M = int(m.max())
        self.P = runs * self.n                      # learners: run-major, p = r * n + i
        self.m_p = np.tile(m, runs)                 # (P,)
        # internal layout (n_states, max_actions, P): each action's column is contiguous, so the
        # greedy/softmax reductions are elementwise operations over all learners at once
        self.Q = np.full((self.S, self.M, self.P), float(rules.q_init))
        self.Q[:, np.arange(self.M)[:, None] >= self.m_p[None, :]] = -np.inf
        self.Qf = self.Q.reshape(-1)                # a view
        self.visits = np.zeros(self.Qf.shape, dtype=np.int64) if rules.alpha_clock == "visits" else None
        self.lanes = np.arange(self.P, dtype=np.int64)
        self.mf = self.m_p.astype(np.float64)

    def columns(self, states: np.ndarray) -> list[np.ndarray]:
        if self.S == 1:
            return [self.Q[0, k] for k in range(self.M)]
        sp = np.repeat(states, self.n) * (self.M * self.P) + self.lanes
        return [self.Qf[sp + k * self.P] for k in range(self.M)]

    def act(self, cols: list[np.ndarray], u: np.ndarray, explore: float) -> tuple[np.ndarray, np.ndarray]:
        """Each learner's action and its current max_a Q (exploration rule of the module docstring)."""
        if isinstance(self.rules.exploration, EpsilonGreedy):
            greedy, mx = _greedy(cols, self.rules.ties, u[1] if len(u) == 2 else None)
            if explore <= 0.0:
                return greedy, mx
            # one uniform u0 per learner: explore iff u0 < eps; then u0 / eps is uniform on
            # [0, 1) and picks the random action (saves a second draw per learner)
            rand = np.minimum((u[0] * (1.0 / explore) * self.mf).astype(np.int64), self.m_p - 1)
            return np.where(u[0] < explore, rand, greedy), mx
        mx = _column_max(cols)
        inv = 1.0 / explore
        cdf = np.zeros(self.P)
        cum = []
        for c in cols:
            cdf = cdf + np.exp((c - mx) * inv)
            cum.append(cdf)
        x = u[0] * cdf
        actions = np.zeros(self.P, dtype=np.int64)
        for c in cum[:-1]:
            actions += c <= x
        return np.minimum(actions, self.m_p - 1), mx

    def update(self, states: np.ndarray, actions: np.ndarray, r: np.ndarray, nxt: np.ndarray, mx: np.ndarray,
               alpha_t: Any) -> None:
        """Q(s, a) <- Q(s, a) + alpha (r + gamma max_b Q(s', b) - Q(s, a)) for every learner's entry."""
        gamma = self.rules.gamma
        lin = (np.repeat(states, self.n) * self.M if self.S > 1 else 0) + actions
        lin = lin * self.P + self.lanes
        q = self.Qf[lin]
        if gamma == 0.0:
            target = r
        elif self.S == 1:
            target = r + gamma * mx              # Q of the (same) next state, before this update
        else:
            target = r + gamma * _column_max(self.columns(nxt))
        if self.visits is not None:              # alpha_clock == "visits"
            alpha_t = self.rules.alpha.value(self.visits[lin])
            self.visits[lin] += 1
        self.Qf[lin] = q + alpha_t * (target - q)


def _column_max(cols: list[np.ndarray]) -> np.ndarray:
    mx = cols[0].copy()
    for c in cols[1:]:
        np.maximum(mx, c, out=mx)
    return mx


def train(game: NormalFormGame | TabularEnv, *, episodes: int, runs: int, seed: int | np.random.SeedSequence,
          rules: QLearning | None = None, progress: Callable[[int, int], None] | None = None,
          **overrides: Any) -> TrainingResult:
    """Train R independent runs of N independent tabular Q-learners for ``episodes`` plays each.

    Parameters
    ----------
    game
        A :class:`NormalFormGame` (wrapped in :class:`RepeatedGameEnv`) or any :class:`TabularEnv`.
    episodes
        Number of stage-game plays (environment steps) per run.
    runs
        Number R of independent runs, all advanced together.
    seed
        Int or SeedSequence; the same seed gives bit-for-bit identical results.
    rules
        The learners' :class:`QLearning` rules (alpha, exploration, gamma, ties, q_init,
        alpha_clock, record_every); keyword ``overrides`` (``gamma=0.9``, ...) replace its fields.
    progress
        Called as ``progress(steps_done, episodes)`` at each record.

    Notes
    -----
    The tables and the work are checked against the size budget first (:func:`check_learning_size`);
    memory does not grow with ``episodes`` (schedules are evaluated :data:`_BLOCK` steps at a time).
    """
    env: TabularEnv = RepeatedGameEnv(game) if isinstance(game, NormalFormGame) else game
    T = _positive_int(episodes, "episodes")
    R = _positive_int(runs, "runs")
    seed = check_seed(seed)
    rules = replace(rules or QLearning(), **overrides) if overrides else (rules or QLearning())
    if rules.exploration is None:
        rules = replace(rules, exploration=default_exploration(T))
    every = max(1, T // 100) if rules.record_every is None else rules.record_every
    check_learning_size(T, R, (env.n_players, env.n_states, max(env.action_counts)))
    check_size("Q-learning welfare curves", -(-T // every) * R * 2, f"{-(-T // every):,} records x {R:,} runs x 2",
               f"record less often (a larger record_every) or use fewer runs, or {RAISE_LIMIT}")
    rng = np.random.default_rng(seed)
    L = _Learners(env, R, rules)
    n = L.n
    draws = 2 if (isinstance(rules.exploration, EpsilonGreedy) and rules.ties == "random") else 1
    states = env.initial_states(R, rng)
    rec = _Recorder(R)
    for t0 in range(0, T, _BLOCK):
        steps = np.arange(t0, min(T, t0 + _BLOCK))
        alphas = rules.alpha.value(steps) if rules.alpha_clock == "step" else None
        explore = _explore_values(rules.exploration, steps)
        for j, t in enumerate(range(t0, t0 + len(steps))):
            u = rng.random((draws, L.P))
            actions, mx = L.act(L.columns(states), u, float(explore[j]))
            joint = actions.reshape(R, n)
            r = env.rewards(states, joint).reshape(L.P)
            rec.played(env.welfare(states, joint))
            nxt = env.transition(states, joint, rng)
            L.update(states, actions, r, nxt, mx, None if alphas is None else alphas[j])
            states = nxt
            if (t + 1) % every == 0 or t == T - 1:
                g_now, _ = _greedy(L.columns(states), "lowest", None)
                rec.record(t + 1, env.welfare(states, g_now.reshape(R, n)))
                if progress is not None:
                    progress(t + 1, T)
    return _result(env, L, rng, rec, {"episodes": T, "runs": R, "seed": seed if isinstance(seed, int) else repr(seed),
                                      "alpha": repr(rules.alpha), "exploration": repr(rules.exploration),
                                      "gamma": float(rules.gamma), "ties": rules.ties, "q_init": float(rules.q_init),
                                      "alpha_clock": rules.alpha_clock, "record_every": every})


def _explore_values(exploration: Any, steps: np.ndarray) -> np.ndarray:
    if isinstance(exploration, EpsilonGreedy):
        return np.asarray(exploration.epsilon.value(steps), dtype=np.float64)
    return np.maximum(exploration.temperature.value(steps), np.finfo(np.float64).tiny)


class _Recorder:
    """The welfare curves: greedy welfare at each record, mean played welfare since the previous one."""

    def __init__(self, runs: int) -> None:
        self.steps: list[int] = []
        self.greedy: list[np.ndarray] = []
        self.mean_played: list[np.ndarray] = []
        self._sum = np.zeros(runs)
        self._n = 0

    def played(self, welfare: np.ndarray) -> None:
        self._sum += welfare
        self._n += 1

    def record(self, step: int, greedy_welfare: np.ndarray) -> None:
        self.steps.append(step)
        self.greedy.append(greedy_welfare)
        self.mean_played.append(self._sum / self._n)
        self._sum = np.zeros_like(self._sum)
        self._n = 0


def _result(env: TabularEnv, L: _Learners, rng: np.random.Generator, rec: _Recorder,
            params: dict[str, Any]) -> TrainingResult:
    R, n = L.P // L.n, L.n
    s0 = env.initial_states(R, rng) if L.S > 1 else np.zeros(R, dtype=np.int64)
    fu = rng.random(L.P) if L.rules.ties == "random" else None
    final = _greedy(L.columns(s0), L.rules.ties, fu)[0].reshape(R, n)
    q_values = np.ascontiguousarray(L.Q.reshape(L.S, L.M, R, n).transpose(2, 3, 0, 1))
    profs, counts = np.unique(final, axis=0, return_counts=True)
    outcome_counts = {tuple(int(v) for v in p): int(c) for p, c in zip(profs, counts)}
    return TrainingResult(final, q_values, _curve(rec.steps, rec.greedy), _curve(rec.steps, rec.mean_played),
                          outcome_counts, params)
