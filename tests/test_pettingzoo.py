"""PettingZoo ParallelEnvs of our games (contract_theory.learning.pettingzoo).

PettingZoo is the optional extra ``rl``; only the lines that need it are skipped without it.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from contract_theory.games.library import prisoners_dilemma
from contract_theory.games.markov_library import MARKOV_GAMES, repeated_prisoners_dilemma
from contract_theory.markov.mpe import mpe_solve

SPECS = sorted(MARKOV_GAMES)


def _pz():
    pytest.importorskip("pettingzoo")
    from contract_theory.learning import pettingzoo

    return pettingzoo


@pytest.mark.parametrize("spec", SPECS)
@pytest.mark.parametrize("options", [{}, {"k": 2}, {"k": 2, "voting": "majority", "discount_end": True}])
def test_parallel_api_test_every_markov_game(spec, options):
    pz = _pz()
    from pettingzoo.test import parallel_api_test

    env = pz.to_pettingzoo(spec, max_cycles=30, **options)
    with warnings.catch_warnings():
        warnings.simplefilter("error")       # the API test reports problems as warnings too
        parallel_api_test(env, num_cycles=60)


def test_parallel_api_test_repeated_normal_form_games():
    _pz()
    from pettingzoo.test import parallel_api_test

    import contract_theory

    for game in (prisoners_dilemma(), "public_goods:n=3,r=2,e=2,levels=0|2", "matching_pennies"):
        for options in ({}, {"k": 2}):
            env = contract_theory.to_pettingzoo(game, max_cycles=20, **options)
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                parallel_api_test(env, num_cycles=40)


def test_contracting_stage_adds_signed_transfers():
    """PD with the pair's penalty (psi = 2 (T - R) = 4): (D, C) pays Row 5 - 4 = 1 and Column 0 + 4 = 4."""
    pz = _pz()
    env = pz.to_pettingzoo(repeated_prisoners_dilemma(), k=2, max_cycles=2)
    assert len(env.menu) == 2 and env.menu[1].name == "deviation penalty psi=4"
    obs, info = env.reset(seed=0)
    assert obs == {"Row": 2, "Column": 2} and info["Row"]["phase"] == "propose"
    obs, rew, *_ = env.step({"Row": 1, "Column": 0})                  # Row proposes contract 1
    assert obs["Row"] == 2 + 1 + 1 and rew == {"Row": 0.0, "Column": 0.0}
    obs, *_ = env.step({"Row": 1, "Column": 1})                       # both accept
    assert obs["Row"] == 1                                            # contract 1, state 0
    _, rew, _, trunc, info = env.step({"Row": 1, "Column": 0})
    assert rew == {"Row": 1.0, "Column": 4.0} and info["Row"]["welfare"] == 5.0
    # a rejection leaves the base rewards
    env.reset(seed=0)
    env.step({"Row": 1, "Column": 0})
    env.step({"Row": 1, "Column": 0})                                 # Column rejects (unanimity fails)
    _, rew, *_ = env.step({"Row": 1, "Column": 0})
    assert rew == {"Row": 5.0, "Column": 0.0}
    _, _, _, trunc, _ = env.step({"Row": 0, "Column": 0})
    assert trunc == {"Row": True, "Column": True} and env.agents == []


def test_q_learner_through_pettingzoo_reaches_the_predicted_mpe():
    """Our Q-learner, trained through the PettingZoo interface, learns the exact MPE (D, D) of the repeated PD."""
    pz = _pz()
    from contract_theory.learning.qlearning import train

    game = repeated_prisoners_dilemma()
    predicted = [e.policy for e in mpe_solve(game)]
    assert predicted == [((1,), (1,))]
    runs = 20
    adapter = pz.TabularAdapter(lambda: pz.to_pettingzoo(game, max_cycles=100), runs=runs, seed=0)
    res = train(adapter, episodes=1500, runs=runs, seed=3)
    greedy = np.argmax(res.q_values, axis=-1)                         # (runs, n, states)
    hits = sum(tuple(tuple(int(a) for a in p) for p in run) == predicted[0] for run in greedy)
    assert hits >= 0.9 * runs


def test_gridworld_trains_through_pettingzoo():
    pz = _pz()
    from contract_theory.learning.qlearning import train

    adapter = pz.TabularAdapter(lambda: pz.to_pettingzoo("cleanup_gridworld:n=3,river=1", max_cycles=50),
                                runs=4, seed=0)
    res = train(adapter, episodes=300, runs=4, seed=0, gamma=0.9)
    assert res.q_values.shape == (4, 3, 4, 2) and np.isfinite(res.q_values).all()


def test_bad_options():
    pz = _pz()
    from contract_theory.errors import GameError, ParameterError

    with pytest.raises(ParameterError, match="voting"):
        pz.to_pettingzoo("repeated_pd", k=2, voting="dictator")
    with pytest.raises(ParameterError, match="K must"):
        pz.to_pettingzoo("repeated_pd", k=3)
    with pytest.raises(GameError, match="to_pettingzoo needs a Markov or normal-form game, a file or a spec; got float"):
        pz.to_pettingzoo(3.5)
