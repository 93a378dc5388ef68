"""Small Markov social dilemmas, exact and parameterized (docs/background/model.md#1-games, Markov games).

Every constructor documents its states, actions, rewards and transitions exactly; parameters are
exact numbers (ints, Fractions, strings such as ``"9/10"``).  Arrays are built by numpy
broadcasting over the joint-action grid, never by a Python loop over joint actions.

* :func:`repeated_prisoners_dilemma` -- the PD as a one-state Markov game;
* :func:`commons_markov` -- a common-pool resource with states Full/Depleted (the Markov analogue of
  Harvest in Christoffersen et al., arXiv 2208.10469);
* :func:`cleanup_markov` -- a pollution game with states Clean/Dirty (the analogue of Cleanup);
* :func:`random_markov_game` -- seeded random games with exact rational probabilities;
* :func:`repeated_game` -- any normal-form game played forever, as a one-state Markov game.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from contract_theory.errors import GameError, ParameterError
from contract_theory.exact.numbers import fmt
from contract_theory.games.gridworlds import GRIDWORLDS
from contract_theory.games.markov import MarkovGame
from contract_theory.games.normal_form import NormalFormGame
from contract_theory.games.size import check_markov_tensors
from contract_theory.games.specs import exact_parameter, integer_parameter, options_of, takes_options

__all__ = ["repeated_prisoners_dilemma", "commons_markov", "cleanup_markov", "random_markov_game", "repeated_game",
           "MARKOV_GAMES", "CommonsOptions", "RandomMarkovOptions"]


_F = exact_parameter
_int_param = integer_parameter


def _prob(x: Any, name: str) -> Fraction:
    p = _F(x, name)
    if not 0 <= p <= 1:
        raise ParameterError(f"parameter {name} must be a probability in [0, 1], got {fmt(p)}")
    return p


def _discount(x: Any) -> Fraction:
    g = _F(x, "discount")
    if not 0 <= g < 1:
        raise ParameterError(f"discount must lie in [0, 1), got {fmt(g)}")
    return g


def _binary_grid(n: int) -> np.ndarray:
    """Int array ``(2,)*n + (n,)``: ``[..., i]`` = player i's action index (0 or 1)."""
    check_markov_tensors(2, (2,) * n, "tensors of the library Markov game")  # refuse before allocating
    return np.moveaxis(np.indices((2,) * n, dtype=np.int64), 0, -1)


def _where(mask: np.ndarray, yes: Fraction, no: Fraction) -> np.ndarray:
    """``np.where`` with exact scalars: an object array holding ``yes`` where ``mask`` holds, else ``no``."""
    return np.where(mask, np.array(yes, dtype=object), np.array(no, dtype=object))


def _fr(x: np.ndarray) -> np.ndarray:
    """Int/object array -> object array of Fractions."""
    out = np.empty(x.shape, dtype=object)
    out.reshape(-1)[:] = [v if isinstance(v, Fraction) else Fraction(int(v)) for v in x.reshape(-1)]
    return out


def repeated_prisoners_dilemma(T: Any = 5, R: Any = 3, P: Any = 1, S: Any = 0,
                               discount: Any = "9/10") -> MarkovGame:
    """The prisoner's dilemma repeated forever, as a one-state Markov game.

    One state ``play`` (always returning to itself), players ``Row``/``Column``, actions ``C``/``D``,
    stage rewards (C,C) = (R,R), (C,D) = (S,T), (D,C) = (T,S), (D,D) = (P,P).  A stationary policy
    is one stage action per player, so the stationary MPE are the stage-game Nash equilibria:
    with T > R > P > S only (D, D), values P/(1-gamma); the team optimum is (C, C) with
    2R/(1-gamma) when 2R > T + S.

    Examples
    --------
    >>> g = repeated_prisoners_dilemma(discount="1/2")
    >>> g.reward("play", ("C", "D"))
    (Fraction(0, 1), Fraction(5, 1))
    """
    t, r, p, s = (_F(v, k) for v, k in ((T, "T"), (R, "R"), (P, "P"), (S, "S")))
    g = _discount(discount)
    rew = np.empty((1, 2, 2, 2), dtype=object)
    rew[0, 0, 0], rew[0, 0, 1], rew[0, 1, 0], rew[0, 1, 1] = [r, r], [s, t], [t, s], [p, p]
    trans = np.full((1, 2, 2, 1), Fraction(1), dtype=object)
    return MarkovGame(["Row", "Column"], ["play"], [["C", "D"], ["C", "D"]], trans, rew, g, [1],
                      title=f"repeated prisoner's dilemma (T={fmt(t)}, R={fmt(r)}, P={fmt(p)}, S={fmt(s)}, "
                            f"discount={fmt(g)})")


@dataclass(frozen=True)
class CommonsOptions:
    """The rewards, dynamics and discount of :func:`commons_markov` (each a keyword of the builder and of its spec)."""

    restrain: Any = 1
    greedy: Any = 2
    depleted_restrain: Any = 0
    depleted_greedy: Any = "1/2"
    deplete: Any = 1
    recover: Any = "1/2"
    discount: Any = "9/10"
    depletion: str = "any"


@takes_options(CommonsOptions)
def commons_markov(n: Any = 2, **options: Any) -> MarkovGame:
    """N-agent common-pool resource: states ``Full``/``Depleted``, actions ``Restrain``/``Greedy``.

    Rewards (each agent, own action only):

    ========== =================== ===================
    state      Restrain            Greedy
    ========== =================== ===================
    Full       ``restrain``        ``greedy``
    Depleted   ``depleted_restrain`` ``depleted_greedy``
    ========== =================== ===================

    Transitions: from ``Full`` with k Greedy agents the stock becomes ``Depleted`` with probability
    ``deplete`` if k >= 1 (``depletion="any"``, the default: any greedy agent may destroy the stock),
    or ``deplete * k / n`` (``depletion="proportional"``: each greedy agent adds its share, which makes
    over-harvesting a per-capita social dilemma); otherwise it stays Full (always when k = 0).  From ``Depleted``, if
    *every* agent restrains it recovers to ``Full`` with probability ``recover``; otherwise it stays
    Depleted.  Initial state: Full.  Greed pays more now (``greedy > restrain``) but any greedy
    agent may destroy the stock, and recovery needs unanimity: the Markov analogue of the Harvest
    environment (Christoffersen et al. 2022, arXiv 2208.10469, section 5).

    Examples
    --------
    >>> g = commons_markov(2)
    >>> g.transition("Full", ("Restrain", "Greedy")), g.reward("Depleted", ("Greedy", "Restrain"))
    ({'Depleted': Fraction(1, 1)}, (Fraction(1, 2), Fraction(0, 1)))
    """
    o: CommonsOptions = options_of(CommonsOptions, options, "commons_markov")
    n = _int_param(n, "n", 1)
    r, gr, dr, dg = (_F(v, k) for v, k in ((o.restrain, "restrain"), (o.greedy, "greedy"),
                                          (o.depleted_restrain, "depleted_restrain"),
                                          (o.depleted_greedy, "depleted_greedy")))
    pd, pr = _prob(o.deplete, "deplete"), _prob(o.recover, "recover")
    g = _discount(o.discount)
    depletion = o.depletion
    if depletion not in ("any", "proportional"):
        raise ParameterError(f"depletion must be 'any' or 'proportional', got {depletion!r}")
    grid = _binary_grid(n)                          # 1 = Greedy
    any_greedy = grid.max(axis=-1)                   # shape (2,)*n
    rew = np.empty((2,) + (2,) * n + (n,), dtype=object)
    rew[0] = _where(grid == 1, gr, r)
    rew[1] = _where(grid == 1, dg, dr)
    trans = np.empty((2,) + (2,) * n + (2,), dtype=object)
    if depletion == "any":
        to_dep = _fr(any_greedy) * pd                # from Full
    else:
        to_dep = _fr(grid.sum(axis=-1)) * Fraction(pd, n)
    trans[0, ..., 1] = to_dep
    trans[0, ..., 0] = 1 - to_dep
    to_full = _fr(1 - any_greedy) * pr               # from Depleted
    trans[1, ..., 0] = to_full
    trans[1, ..., 1] = 1 - to_full
    return MarkovGame([f"P{i}" for i in range(n)], ["Full", "Depleted"], [("Restrain", "Greedy")] * n,
                      trans, rew, g, {"Full": 1},
                      title=f"commons Markov game (n={n}, restrain={fmt(r)}, greedy={fmt(gr)}, "
                            f"depleted_restrain={fmt(dr)}, depleted_greedy={fmt(dg)}, deplete={fmt(pd)}, "
                            f"recover={fmt(pr)}, discount={fmt(g)}, depletion={depletion})")


def cleanup_markov(n: Any = 2, harvest: Any = 1, clean_cost: Any = "1/4", pollute: Any = 1, restore: Any = "1/2",
                   discount: Any = "9/10") -> MarkovGame:
    """N-agent pollution/cleanup game: states ``Clean``/``Dirty``, actions ``Harvest``/``Clean``.

    Rewards (each agent, own action only): ``Harvest`` pays ``harvest`` in state Clean and 0 in state
    Dirty; ``Clean`` pays ``-clean_cost`` in both states.  Transitions: from ``Clean``, if *nobody*
    cleans the river becomes ``Dirty`` with probability ``pollute`` (else stays Clean); if someone
    cleans it stays Clean.  From ``Dirty``, if at least one agent cleans it becomes ``Clean`` with
    probability ``restore``; otherwise it stays Dirty.  Initial state: Clean.  Cleaning is a public
    good (one cleaner suffices), harvesting a private gain: the Markov analogue of the Cleanup
    environment (Christoffersen et al. 2022, arXiv 2208.10469, section 5).

    Examples
    --------
    >>> g = cleanup_markov(2)
    >>> g.transition("Clean", ("Harvest", "Harvest")), g.reward("Dirty", ("Harvest", "Clean"))
    ({'Dirty': Fraction(1, 1)}, (Fraction(0, 1), Fraction(-1, 4)))
    """
    n = _int_param(n, "n", 1)
    h, c = _F(harvest, "harvest"), _F(clean_cost, "clean_cost")
    pp, pr = _prob(pollute, "pollute"), _prob(restore, "restore")
    g = _discount(discount)
    grid = _binary_grid(n)                           # 1 = Clean
    someone = grid.max(axis=-1)
    rew = np.empty((2,) + (2,) * n + (n,), dtype=object)
    rew[0] = _where(grid == 1, -c, h)
    rew[1] = _where(grid == 1, -c, Fraction(0))
    trans = np.empty((2,) + (2,) * n + (2,), dtype=object)
    to_dirty = _fr(1 - someone) * pp
    trans[0, ..., 1] = to_dirty
    trans[0, ..., 0] = 1 - to_dirty
    to_clean = _fr(someone) * pr
    trans[1, ..., 0] = to_clean
    trans[1, ..., 1] = 1 - to_clean
    return MarkovGame([f"P{i}" for i in range(n)], ["Clean", "Dirty"], [("Harvest", "Clean")] * n,
                      trans, rew, g, {"Clean": 1},
                      title=f"cleanup Markov game (n={n}, harvest={fmt(h)}, clean_cost={fmt(c)}, "
                            f"pollute={fmt(pp)}, restore={fmt(pr)}, discount={fmt(g)})")


@dataclass(frozen=True)
class RandomMarkovOptions:
    """The reward range, transition weights and discount of :func:`random_markov_game` (keywords)."""

    low: int = -5
    high: int = 5
    weight: int = 3
    denominator: int = 1
    discount: Any = "9/10"


@takes_options(RandomMarkovOptions)
def random_markov_game(n_players: int = 2, n_states: int = 2, n_actions: int | Sequence[int] = 2,
                       seed: int = 0, **options: Any) -> MarkovGame:
    """Seeded random Markov game with exact rational probabilities.

    Rewards are k/denominator with k uniform in [low, high]; each transition row draws integer
    weights uniform in [0, weight] (a row of zeros gets weight 1 on a random next state) and
    divides by their sum; rho0 uses weights in [1, weight].  Same arguments, same game
    (numpy ``default_rng(seed)``).

    Examples
    --------
    >>> g = random_markov_game(2, 3, 2, seed=1)
    >>> g.shape, g.n_states, all(sum(g.transition(s, (0, 1)).values()) == 1 for s in g.states)
    ((2, 2), 3, True)
    """
    o: RandomMarkovOptions = options_of(RandomMarkovOptions, options, "random_markov_game")
    n = _int_param(n_players, "n_players", 1)
    S = _int_param(n_states, "n_states", 1)
    acts = [n_actions] * n if isinstance(n_actions, (int, np.integer)) else list(n_actions)
    if len(acts) != n:
        raise ParameterError(f"n_actions lists {len(acts)} counts for {n} players")
    shape = tuple(_int_param(m, "n_actions", 1) for m in acts)
    low, high = _int_param(o.low, "low", -(2**62)), _int_param(o.high, "high", -(2**62))
    weight, denominator = _int_param(o.weight, "weight", 1), _int_param(o.denominator, "denominator", 1)
    seed = _int_param(seed, "seed", 0)
    if high < low:
        raise ParameterError(f"high={high} is below low={low}")
    g = _discount(o.discount)
    check_markov_tensors(S, shape, "tensors of the random Markov game")
    rng = np.random.default_rng(seed)
    rew = _fr(rng.integers(low, high + 1, size=(S,) + shape + (n,))) / denominator
    w = rng.integers(0, weight + 1, size=(S,) + shape + (S,))
    zero = w.sum(axis=-1) == 0
    fix = rng.integers(0, S, size=zero.shape)
    w[zero, fix[zero]] = 1
    trans = _fr(w) / _fr(w.sum(axis=-1, keepdims=True))
    rho = rng.integers(1, weight + 1, size=S)
    rho0 = _fr(rho) / int(rho.sum())
    return MarkovGame(n, S, list(shape), trans, rew, g, rho0,
                      title=f"random Markov game {shape} states={S} seed={seed}")


def repeated_game(game: NormalFormGame, discount: Any = "9/10") -> MarkovGame:
    """A normal-form game played forever: one state ``play``, rewards = the payoffs, exact.

    Its stationary MPE are the stage game's Nash equilibria (one state: a stationary policy is one
    stage strategy, and the continuation is the same after every action).

    Examples
    --------
    >>> from contract_theory.games.library import matching_pennies
    >>> g = repeated_game(matching_pennies(), "1/2")
    >>> g.states, g.shape, g.discount
    (('play',), (2, 2), Fraction(1, 2))
    """
    if not isinstance(game, NormalFormGame):
        raise GameError(f"repeated_game needs a NormalFormGame, got {type(game).__name__}")
    g = _discount(discount)
    rew = np.asarray(game.fractions, dtype=object)[None]
    trans = np.empty((1,) + tuple(game.shape) + (1,), dtype=object)
    trans[...] = Fraction(1)
    return MarkovGame(list(game.players), ["play"], [list(a) for a in game.actions], trans, rew, g, [1],
                      title=f"{game.title or 'game'} repeated (discount={fmt(g)})")


#: Name -> constructor of the Markov library (for a future ``from_spec``).
MARKOV_GAMES: dict[str, Callable[..., MarkovGame]] = {
    "repeated_pd": repeated_prisoners_dilemma,
    "commons_markov": commons_markov,
    "cleanup_markov": cleanup_markov,
    "random_markov": random_markov_game,
    **GRIDWORLDS,
}
