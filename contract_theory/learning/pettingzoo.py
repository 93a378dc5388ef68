r"""PettingZoo ``ParallelEnv``s of our games, with an optional contracting stage (docs/background/model.md#5-the-contracting-protocol).

:func:`to_pettingzoo` turns any Markov game (object, file or spec) or normal-form game (played
repeatedly: :func:`contract_theory.games.markov_library.repeated_game`) into a
:class:`ContractGameEnv`, a ``pettingzoo.ParallelEnv`` whose exact answer the package computes,
so any PettingZoo-compatible trainer can be run on it.  PettingZoo is the optional extra ``rl``
(``pip install 'contract-theory[rl]'``).

Episode.  Agents are the players (their names).  Without a contracting stage every step is one
play of the Markov game: observation = the state index (``Discrete(|S|)``), action = an action
index (``Discrete(m_i)``), reward R_i(s, a) as float, the next state drawn from P(. | s, a) with the
environment's seeded generator (``reset(seed=...)``), the first from rho0.  The episode is
truncated after ``max_cycles`` plays; with ``discount_end=True`` it also terminates after each play
with probability 1 - gamma, so the expected undiscounted return is the discounted value V_i(s0).

Contracting stage (``k`` or ``contracts`` given).  The menu is the null contract (index 0) followed
by ``contracts`` or, with ``k``, one deviation penalty per coalition of 2..k players toward the
policy its bloc reaches (:func:`contract_theory.markov.menus.coalition_penalty_menu`); every
contract has at most k signatories.  Step 1: the ``proposer`` picks a menu index (its action modulo the menu size;
the others' actions are ignored).  Step 2: every agent votes, accept iff its action is odd; the
signatories decide under ``voting`` -- ``"unanimous"`` (all accept) or ``"majority"`` (#accept >=
#reject) -- and an accepted contract is in force for the episode (else the null contract).  Then
the plays follow, each agent receiving R_i(s, a) + theta_i(s, a) (the signed transfers).  Rewards of
the two contracting steps are 0.  With C menu entries, observations are ``Discrete(C |S| + 1 + C)``:
``c |S| + s`` while playing in state s under contract c, ``C |S|`` at the proposal, ``C |S| + 1 + c``
at the vote on proposal c; action spaces are ``Discrete(max(m_i, 2, C))`` (a play action is taken
modulo m_i).  ``infos[agent]`` holds ``phase``, ``state`` (name), ``contract`` (index in force or
proposed) and ``welfare`` (the base game's sum of rewards of the step).

:class:`TabularAdapter` drives R independent copies of an env through the
:class:`~contract_theory.learning.qlearning.TabularEnv` protocol, so our vectorized Q-learner
(:func:`contract_theory.learning.qlearning.train`) trains *through the PettingZoo interface*.

Examples
--------
>>> from contract_theory.games.markov_library import repeated_prisoners_dilemma
>>> env = to_pettingzoo(repeated_prisoners_dilemma(), max_cycles=3)
>>> obs, infos = env.reset(seed=0)
>>> obs, env.action_space("Row")
({'Row': 0, 'Column': 0}, Discrete(2))
>>> env.step({"Row": 1, "Column": 0})[1]
{'Row': 5.0, 'Column': 0.0}
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

try:
    from gymnasium import spaces
    from pettingzoo import ParallelEnv
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError("contract_theory.learning.pettingzoo needs PettingZoo: pip install 'contract-theory[rl]'"
                      ) from exc

from contract_theory.errors import ContractError, GameError, ParameterError
from contract_theory.games.loading import load_game
from contract_theory.games.markov import MarkovGame
from contract_theory.games.markov_library import repeated_game
from contract_theory.games.normal_form import NormalFormGame
from contract_theory.markov.contracts import MarkovContract
from contract_theory.markov.menus import coalition_penalty_menu

__all__ = ["ContractGameEnv", "ContractingStage", "TabularAdapter", "to_pettingzoo", "VOTING_RULES"]

#: Voting rules of the contracting stage.
VOTING_RULES = ("unanimous", "majority")

_PLAY, _PROPOSE, _VOTE = "play", "propose", "vote"


@dataclass(frozen=True)
class ContractingStage:
    """The contracting stage of :class:`ContractGameEnv`: the menu (every coalition of 2..``k`` players'
    penalty contract, or the given ``contracts``), the ``proposer`` and the ``voting`` rule.  With
    neither ``k`` nor ``contracts`` there is no contracting stage."""

    k: int | None = None
    contracts: Sequence[MarkovContract] | None = None
    proposer: int | str = 0
    voting: str = "unanimous"


def _menu(game: MarkovGame, k: int | None, contracts: Sequence[MarkovContract] | None) -> list[MarkovContract | None]:
    if contracts is None:
        assert k is not None
        return [None] + [c for _S, _t, c in coalition_penalty_menu(game, k)]
    menu: list[MarkovContract | None] = [None]
    for c in contracts:
        if not isinstance(c, MarkovContract) or (c.game is not game and c.game != game):
            raise ContractError("contracts must be MarkovContract objects on the environment's game")
        if k is not None and len(c.signatories) > k:
            raise ContractError(f"contract {c.name or c!r} has {len(c.signatories)} signatories, above K={k}")
        menu.append(c)
    return menu


class ContractGameEnv(ParallelEnv):
    """A Markov game as a PettingZoo ``ParallelEnv``, optionally with a contracting stage (module docstring)."""

    metadata = {"name": "contract_theory_v0", "render_modes": ["ansi"], "is_parallelizable": True}

    def __init__(self, game: MarkovGame, *, stage: ContractingStage | None = None, max_cycles: int = 100,
                 discount_end: bool = False, render_mode: str | None = None) -> None:
        stage = stage or ContractingStage()
        k, contracts, proposer, voting = stage.k, stage.contracts, stage.proposer, stage.voting
        if not isinstance(game, MarkovGame):
            raise GameError(f"ContractGameEnv needs a MarkovGame, got {type(game).__name__}")
        if isinstance(max_cycles, bool) or not isinstance(max_cycles, int) or max_cycles < 1:
            raise ParameterError(f"max_cycles must be a positive integer, got {max_cycles!r}")
        if k is not None and (isinstance(k, bool) or not isinstance(k, int) or not 2 <= k <= game.n_players):
            raise ParameterError(f"K must be an integer with 2 <= K <= n = {game.n_players}, got {k!r}")
        if voting not in VOTING_RULES:
            raise ParameterError(f"voting must be one of {list(VOTING_RULES)}, got {voting!r}")
        if render_mode not in (None, "ansi"):
            raise ParameterError(f"render_mode must be None or 'ansi', got {render_mode!r}")
        self.game = game
        self.max_cycles = max_cycles
        self.voting = voting
        self.discount_end = bool(discount_end)
        self.render_mode = render_mode
        self.proposer = game.player_index(proposer)
        self.contracting = k is not None or contracts is not None
        self.menu = _menu(game, k, contracts) if self.contracting else [None]
        self.possible_agents = list(game.players)
        self.agents: list[str] = []
        S, C = game.n_states, len(self.menu)
        base = np.asarray(game.flat_rewards, dtype=object).astype(np.float64)              # (S, J, n)
        self._rewards = np.stack([base if c is None else
                                  np.asarray(c.augmented_game().flat_rewards, dtype=object).astype(np.float64)
                                  for c in self.menu])                                   # (C, S, J, n)
        self._welfare = base.sum(axis=-1)
        self._cdf = np.cumsum(np.asarray(game.flat_transitions, dtype=object).astype(np.float64), axis=-1)
        self._rho = np.asarray(game.initial, dtype=object).astype(np.float64)
        self._sig = [np.zeros(game.n_players, dtype=bool) for _ in self.menu]
        for c, con in enumerate(self.menu):
            if con is not None:
                self._sig[c][list(con.signatories)] = True
        n_obs = C * S + 1 + C if self.contracting else S
        shape = game.shape
        self._obs_spaces = {a: spaces.Discrete(n_obs) for a in self.possible_agents}
        self._act_spaces = {a: spaces.Discrete(max(shape[i], 2, C) if self.contracting else shape[i])
                            for i, a in enumerate(self.possible_agents)}
        self._rng = np.random.default_rng()
        self._phase, self._state, self._contract, self._cycles = _PLAY, 0, 0, 0

    # -------------------------------------------------------------- spaces
    @functools.cache  # noqa: B019 - one env, a handful of agents
    def observation_space(self, agent: str) -> spaces.Discrete:
        """``Discrete`` observation space of ``agent`` (the same object on every call)."""
        return self._obs_spaces[agent]

    @functools.cache  # noqa: B019
    def action_space(self, agent: str) -> spaces.Discrete:
        """``Discrete`` action space of ``agent`` (the same object on every call)."""
        return self._act_spaces[agent]

    # -------------------------------------------------------------- episode
    def _obs(self) -> int:
        S, C = self.game.n_states, len(self.menu)
        if self._phase == _PLAY:
            return self._contract * S + self._state
        if self._phase == _PROPOSE:
            return C * S
        return C * S + 1 + self._contract

    def _observe(self) -> tuple[dict[str, int], dict[str, dict[str, Any]]]:
        o = self._obs()
        info = {"phase": self._phase, "state": self.game.states[self._state], "contract": self._contract}
        return {a: o for a in self.agents}, {a: dict(info) for a in self.agents}

    def reset(self, seed: int | None = None, options: dict[str, Any] | None = None
              ) -> tuple[dict[str, int], dict[str, dict[str, Any]]]:
        """Start an episode (the proposal step when contracting, else the first play)."""
        if seed is not None:
            self._rng = np.random.default_rng(seed)
        self.agents = list(self.possible_agents)
        self._state = int(self._rng.choice(self.game.n_states, p=self._rho))
        self._contract, self._cycles = 0, 0
        self._phase = _PROPOSE if self.contracting else _PLAY
        return self._observe()

    def _joint(self, actions: dict[str, Any]) -> tuple[int, ...]:
        missing = [a for a in self.agents if a not in actions]
        if missing:
            raise ParameterError(f"step needs an action for every live agent; missing {missing}")
        return tuple(int(actions[a]) % m for a, m in zip(self.possible_agents, self.game.shape))

    def step(self, actions: dict[str, Any]) -> tuple[dict[str, int], dict[str, float], dict[str, bool],
                                                      dict[str, bool], dict[str, dict[str, Any]]]:
        """One step (proposal, vote or play) for every agent; see the module docstring."""
        if not self.agents:
            raise ParameterError("the episode is over: call reset()")
        zero = {a: 0.0 for a in self.agents}
        false = {a: False for a in self.agents}
        if self._phase == _PROPOSE:
            self._contract = int(actions[self.possible_agents[self.proposer]]) % len(self.menu)
            self._phase = _VOTE
            obs, infos = self._observe()
            return obs, zero, false, dict(false), infos
        if self._phase == _VOTE:
            yes = np.array([int(actions[a]) % 2 == 1 for a in self.possible_agents])
            sig = self._sig[self._contract]
            accepted = self._contract != 0 and (
                bool(yes[sig].all()) if self.voting == "unanimous" else 2 * int(yes[sig].sum()) >= int(sig.sum()))
            if not accepted:
                self._contract = 0
            self._phase = _PLAY
            obs, infos = self._observe()
            return obs, zero, false, dict(false), infos
        joint = self._joint(actions)
        j = int(np.ravel_multi_index(joint, self.game.shape))
        r = self._rewards[self._contract, self._state, j]
        w = float(self._welfare[self._state, j])
        u = self._rng.random()
        self._state = int(min((u >= self._cdf[self._state, j]).sum(), self.game.n_states - 1))
        self._cycles += 1
        end = bool(self.discount_end and self._rng.random() >= float(self.game.discount))
        trunc = self._cycles >= self.max_cycles and not end
        rewards = {a: float(r[i]) for i, a in enumerate(self.possible_agents) if a in self.agents}
        obs, infos = self._observe()
        for a in infos:
            infos[a]["welfare"] = w
        terms = {a: end for a in self.agents}
        truncs = {a: trunc for a in self.agents}
        if end or trunc:
            self.agents = []
        return obs, rewards, terms, truncs, infos

    def render(self) -> str | None:
        """``"ansi"``: one line with the phase, the state and the contract in force."""
        if self.render_mode != "ansi":
            return None
        return f"phase={self._phase} state={self.game.states[self._state]} contract={self._contract}"

    def close(self) -> None:
        """Nothing to release."""

    def state(self) -> np.ndarray:
        """The global state: ``[observation index]``."""
        return np.array([self._obs()], dtype=np.int64)


def to_pettingzoo(game: Any, **options: Any) -> ContractGameEnv:
    """A PettingZoo ``ParallelEnv`` of ``game`` (module docstring; docs/background/model.md#5-the-contracting-protocol).

    ``game``: a :class:`MarkovGame`, a :class:`NormalFormGame` (played repeatedly; option
    ``discount``, default 9/10, only matters for ``discount_end`` and the contract menu), a file path
    or a library spec (:func:`contract_theory.games.loading.load_game`).  Other options go to
    :class:`ContractGameEnv`: ``max_cycles``, ``discount_end``, ``render_mode``, and the
    :class:`ContractingStage` fields ``k``, ``contracts``, ``proposer``, ``voting``.  Complexity: float copies
    of the game's arrays, O(C |S| J n);
    building the ``k`` menu solves one coalition outcome per coalition of 2..k players.

    Examples
    --------
    >>> env = to_pettingzoo("prisoners_dilemma", k=2, max_cycles=2)
    >>> len(env.menu), env.observation_space("Row")     # null + the pair's penalty; 2*1 + 1 + 2 observations
    (2, Discrete(5))
    """
    discount = options.pop("discount", "9/10")
    if isinstance(game, (str, os.PathLike)):
        game = load_game(os.fspath(game))
    if isinstance(game, NormalFormGame):
        game = repeated_game(game, discount)
    if not isinstance(game, MarkovGame):
        raise GameError(f"to_pettingzoo needs a Markov or normal-form game, a file or a spec; got {type(game).__name__}")
    stage = {key: options.pop(key) for key in ("k", "contracts", "proposer", "voting") if key in options}
    return ContractGameEnv(game, stage=ContractingStage(**stage), **options)


class TabularAdapter:
    """R copies of a :class:`ContractGameEnv` as a :class:`~contract_theory.learning.qlearning.TabularEnv`.

    States are observation indices; every run's env is reset with seed ``seed + r`` at the start
    and reset again (no seed) when its episode ends.  The learner calls, in each step,
    :meth:`rewards`, then :meth:`welfare`, then :meth:`transition` with the same arguments: the first
    steps every env (a Python loop over the R envs: the PettingZoo interface is per env), the other
    two return what that step produced.  ``welfare`` is the base game's welfare of the play (0 in
    the contracting steps).

    Examples
    --------
    >>> from contract_theory.learning.qlearning import train
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> ad = TabularAdapter(lambda: to_pettingzoo(prisoners_dilemma(), max_cycles=50), runs=4, seed=0)
    >>> res = train(ad, episodes=300, runs=4, seed=0)
    >>> sorted(res.outcome_counts)
    [(1, 1)]
    """

    def __init__(self, make_env: Any, runs: int, seed: int = 0) -> None:
        self.envs = [make_env() for _ in range(runs)]
        env = self.envs[0]
        self.agents = list(env.possible_agents)
        self.n_players = len(self.agents)
        self.n_states = int(env.observation_space(self.agents[0]).n)
        self.action_counts = tuple(int(env.action_space(a).n) for a in self.agents)
        self.seed = seed
        self._last: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def initial_states(self, runs: int, rng: np.random.Generator) -> np.ndarray:
        if runs != len(self.envs):
            raise ParameterError(f"the adapter holds {len(self.envs)} envs, the learner asked for {runs} runs")
        first = self.agents[0]
        return np.array([env.reset(seed=self.seed + r)[0][first] for r, env in enumerate(self.envs)], dtype=np.int64)

    def rewards(self, states: np.ndarray, actions: np.ndarray) -> np.ndarray:
        R, n = actions.shape
        rew = np.zeros((R, n))
        wel = np.zeros(R)
        nxt = np.zeros(R, dtype=np.int64)
        for r, env in enumerate(self.envs):
            obs, rw, term, trunc, info = env.step({a: int(actions[r, i]) for i, a in enumerate(self.agents)})
            rew[r] = [rw[a] for a in self.agents]
            wel[r] = info[self.agents[0]].get("welfare", 0.0)
            if not env.agents:
                obs, _ = env.reset()
            nxt[r] = obs[self.agents[0]]
        self._last = (rew, wel, nxt)
        return rew

    def welfare(self, states: np.ndarray, actions: np.ndarray) -> np.ndarray:
        assert self._last is not None, "rewards() must be called first"
        return self._last[1]

    def transition(self, states: np.ndarray, actions: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        assert self._last is not None, "rewards() must be called first"
        return self._last[2]
