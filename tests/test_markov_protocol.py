"""The contracting protocol on Markov games (MODEL.md section 5, Markov part).

Checks: the theorem at K = N on the library games (worst SPE welfare = W*), concrete failures when
an assumption is dropped (K < N, a transfer cap, simultaneous votes) with the welfare numbers
derived below, the generic backward induction against ``contract_theory.contracting.protocol.spe.spe_solve``
(an independent implementation on normal-form games), and properties of budget-balanced contracts.
gamma = 9/10 unless stated.
"""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract_theory import ProtocolRules, Rules, TheoremSpace, api
from contract_theory.contracting.protocol.spe import _default_set, _pure_equilibria, spe_solve, theorem_contract_space
from contract_theory.errors import ContractError, ParameterError
from contract_theory.games.library import chicken, prisoners_dilemma, public_goods, stag_hunt
from contract_theory.markov import (
    MarkovContract,
    cleanup_markov,
    commons_markov,
    deviation_penalty,
    evaluate,
    mpe_solve,
    random_markov_game,
    repeated_prisoners_dilemma,
    team_optimum,
    welfare,
)
from contract_theory.markov.protocol import (
    markov_lump_sum,
    markov_theorem_contract_space,
    spe_from_continuations,
)


# ------------------------------------------------------------------------------------ the theorem at K = N
@pytest.mark.parametrize("game", [repeated_prisoners_dilemma(), commons_markov(2), cleanup_markov(2),
                                  commons_markov(3), cleanup_markov(3)],
                         ids=["pd", "commons2", "cleanup2", "commons3", "cleanup3"])
def test_theorem_at_k_equals_n(game):
    """Rich space (deviation penalty above the one-shot bound toward every team-optimal policy, plus
    the lump sum leaving responders at their no-contract values), unanimous sequential voting,
    pessimistic default: every SPE reaches W* (W* = 60, 20, 15/2, 30, 35/2: all restrain / one cleaner,
    per-step welfare 6, 2, 3/4, 3, 7/4 over 1 - gamma = 1/10)."""
    r = api.theorem_check(game, space=TheoremSpace(targets="optimal"))
    assert r.optimum == team_optimum(game).welfare
    assert r.worst_welfare == r.best_welfare == r.optimum and r.every_spe_optimal is True and r.complete


def test_theorem_at_k_equals_n_with_every_target():
    """Same with every target policy in the space (64 per proposer) -- a larger space, same answer."""
    r = api.theorem_check(commons_markov(3))
    assert r.parameters["contracts"] == 3 * 64 * 2
    assert r.worst_welfare == r.optimum == 30


def test_repeated_pd_matches_the_normal_form_theorem():
    """A one-state Markov game is the repeated stage game: values are stage payoffs / (1 - gamma)."""
    from contract_theory.contracting.protocol.spe import theorem_check

    for kw in ({}, {"space": TheoremSpace(lump_sums=False)},
               {"rules": Rules(protocol=ProtocolRules(refinement="simultaneous"))}):
        nf = theorem_check(prisoners_dilemma(), **kw)
        mk = api.theorem_check(repeated_prisoners_dilemma(), **kw)
        assert (mk.worst_welfare, mk.best_welfare) == (nf.worst_welfare * 10, nf.best_welfare * 10)


# ------------------------------------------------------------------------------------ failures
def test_cleanup3_k2_fails():
    """K = 2 on cleanup_markov(3).  No-contract (pessimistic): P2 cleans the dirty river, values
    (110/29, 110/29, 65/29) (see test_markov_coalitions).  Proposer 0's best offers:
    * to P2: both harvest forever, leaving outsider P1 to clean when dirty (P1's best response);
      the pair earns 2 * 110/29 = 220/29, P2 is held at 65/29 by the lump sum, proposer 0 keeps
      155/29 = 310/58; welfare 220/29 + 65/29 = 285/29;
    * the efficient alternative, P2 cleaning forever: pair value 10 - 5/2 = 15/2, proposer keeps
      15/2 - 65/29 = 305/58 < 310/58 (and with P1: 15/2 - 110/29 = 215/58).
    So the proposer's SPE threshold is 155/29 and every SPE has welfare 285/29 < W* = 35/2."""
    g = cleanup_markov(3)
    r = api.theorem_check(g, k=2, space=TheoremSpace(surplus=0, targets="all"))  # responders exactly at values
    assert r.worst_welfare == r.best_welfare == F(285, 29) and r.optimum == F(35, 2)
    assert r.every_spe_optimal is False
    p0 = r.per_proposer[0]
    assert p0.threshold == F(155, 29)
    assert p0.worst.accepted and p0.worst.payoffs == (F(155, 29), F(65, 29), F(65, 29))


def test_commons3_cap_and_simultaneous_votes_fail():
    """commons_markov(3), K = N.
    * Simultaneous unanimous voting: with two voters "both reject" is a vote equilibrium (no single
      vote is pivotal), so the null outcome -- the pessimistic no-contract MPE, all greedy, welfare
      3 * 13/2 = 39/2 -- is an SPE; the best SPE is still W* = 30.
    * A per-step cap psi <= 1 (below the one-shot bound (2 - 0)/(1/10) = 20): the augmented games keep
      bad MPE, so the proposer's threshold drops and the worst SPE plays greedy in Full, restrain in
      Depleted: V(F) = 2 + 9/10 V(D), V(D) = 9/20 (V(F) + V(D)) -> V(F) = 220/29, welfare 660/29."""
    g = commons_markov(3)
    sim = api.theorem_check(g, space=TheoremSpace(targets="optimal"),
                                rules=Rules(protocol=ProtocolRules(refinement="simultaneous")))
    assert (sim.worst_welfare, sim.best_welfare) == (F(39, 2), F(30))
    capped = api.theorem_check(g, space=TheoremSpace(cap=1))
    assert capped.worst_welfare == F(660, 29) and capped.best_welfare == 30
    assert capped.per_proposer[0].worst.profile == ((1, 0), (1, 0), (1, 0))


def test_no_contracts_gives_the_default():
    """Only the null proposal: the default MPE is played (optimistic default: all restrain, 30)."""
    g = commons_markov(3)
    assert api.spe_solve(g, []).worst_welfare == F(39, 2)
    assert api.spe_solve(g, [], rules=Rules(protocol=ProtocolRules(default="optimistic"))).worst_welfare == 30
    with pytest.raises(ParameterError, match="default"):
        api.spe_solve(g, [], rules=Rules(protocol=ProtocolRules(default="mean")))
    with pytest.raises(ParameterError, match="out of range"):
        api.spe_solve(g, [], k=4)


# ------------------------------------------------------------------------------------ generic core
@pytest.mark.parametrize("game", [prisoners_dilemma(), stag_hunt(), chicken(), public_goods(3, 2, 1)],
                         ids=["pd", "stag", "chicken", "pg3"])
@pytest.mark.parametrize("opts", [dict(), dict(refinement="simultaneous"), dict(voting="majority"),
                                  dict(default="any", proposer="each"), dict(voting=("committee", 1)),
                                  dict(proposer="random", default="optimistic")])
def test_generic_core_agrees_with_spe_solve(game, opts):
    """spe_from_continuations fed with pure Nash equilibria reproduces protocol.spe_solve."""
    contracts = theorem_contract_space(game, 0, space=TheoremSpace(cap=1)) + theorem_contract_space(game, 1)
    opts = dict(opts)  # the parametrized dict is shared by every game
    proposer = opts.pop("proposer", 0)
    rules = Rules(protocol=ProtocolRules(**opts))
    ref = spe_solve(game, contracts, proposer=proposer, rules=rules)
    default = rules.protocol.default
    cont = lambda g: [(e, g.payoff(e)) for e in _pure_equilibria(g)]  # noqa: E731
    defaults = [(d, game.payoff(d)) for d in _default_set(game, default)]
    proposals = [(i, tuple(sorted(c.signatories)), cont(c.augmented_game())) for i, c in enumerate(contracts)]
    got = spe_from_continuations(game.n_players, ref.optimum, defaults, proposals, proposer=proposer, rules=rules)
    assert (got.worst_welfare, got.best_welfare) == (ref.worst_welfare, ref.best_welfare)
    assert [(x.threshold, x.worst, x.best) for x in got.per_proposer] == \
        [(x.threshold, x.worst, x.best) for x in ref.per_proposer]


# ------------------------------------------------------------------------------------ contracts
games = st.builds(lambda n, seed: random_markov_game(n, 2, 2, seed=seed), st.sampled_from([2, 3]),
                  st.integers(0, 10_000))


def random_policy(game, data):
    return tuple(tuple(data.draw(st.integers(0, m - 1)) for _ in range(game.n_states)) for m in game.shape)


@given(games, st.data())
def test_budget_balanced_contracts_leave_welfare_unchanged(game, data):
    n = game.n_players
    sig = sorted(data.draw(st.sets(st.integers(0, n - 1), min_size=2, max_size=n)))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**31)))
    th = np.zeros((game.n_states,) + game.shape + (n,), dtype=object)
    raw = rng.integers(-4, 5, size=(game.n_states,) + game.shape + (len(sig),))
    raw[..., -1] = -raw[..., :-1].sum(axis=-1)
    for t, i in enumerate(sig):
        th[..., i] = raw[..., t].astype(object)
    c = MarkovContract(game, sig, th)
    pol = random_policy(game, data)
    assert welfare(c.augmented_game(), pol) == welfare(game, pol)
    pen = deviation_penalty(game, sig, random_policy(game, data), data.draw(st.integers(0, 9)))
    assert welfare(pen.augmented_game(), pol) == welfare(game, pol)


@given(games, st.data())
def test_lump_sum_shifts_values_and_keeps_the_mpe(game, data):
    """The per-step (1 - gamma) c_j transfer adds exactly c_j to V_j in every state and changes no
    incentive: the MPE set is unchanged."""
    n = game.n_players
    amounts = [F(data.draw(st.integers(-9, 9)), data.draw(st.integers(1, 4))) for _ in range(n - 1)]
    amounts.append(-sum(amounts))
    c = markov_lump_sum(game, range(n), dict(enumerate(amounts)))
    aug = c.augmented_game()
    pol = random_policy(game, data)
    V, Va = evaluate(game, pol), evaluate(aug, pol)
    assert all(Va[i][s] == V[i][s] + amounts[i] for i in range(n) for s in range(game.n_states))
    assert [e.policy for e in mpe_solve(aug)] == [e.policy for e in mpe_solve(game)]


def test_lump_sum_must_balance_and_space_parameters():
    g = repeated_prisoners_dilemma()
    with pytest.raises(ContractError, match="sum to 0"):
        markov_lump_sum(g, [0, 1], {0: 1, 1: 1})
    with pytest.raises(ParameterError, match="penalty"):
        markov_theorem_contract_space(g, 0, space=TheoremSpace(penalty="huge"))
    # penalty="min": least enforcing psi (2 for (C, C) at gamma = 9/10: T - R = 2 now, same future) + margin 1
    space = markov_theorem_contract_space(g, 0, space=TheoremSpace(lump_sums=False, penalty="min", targets="optimal"))
    assert len(space) == 1 and space[0].transfer("play", ("D", "C")) == (F(-3), F(3))
    # penalty="bound": (5 - 0)/(1/10) + 1 = 51
    space = markov_theorem_contract_space(g, 0, space=TheoremSpace(lump_sums=False, targets="optimal"))
    assert space[0].transfer("play", ("D", "C")) == (F(-51), F(51))


def test_least_enforcing_penalty_is_not_enough():
    """random_markov_game(2, 2, 2, seed=13): W* = 80; the no-contract MPE pi0 = ((0, 1), (0, 0)) gives
    each player 640/31 (welfare 1280/31).  The least penalty that makes the team optimum an MPE
    (psi* = 9/23, plus margin 1: psi = 32/23) leaves pi0 an MPE of the augmented game too (on pi0's
    path the target's deviations are charged, but a single member cannot profitably return to the
    target alone).  So every proposal has a branch worth only 640/31 to the proposer, the threshold
    is 640/31, and "propose nothing" is an SPE: worst SPE welfare 1280/31 < 80.  With psi above the
    one-shot bound (R_max - R_min)/(1 - gamma) + 1 the second MPE disappears and every SPE is optimal:
    in a Markov game the *least* enforcing penalty does not make the target the unique continuation."""
    g = random_markov_game(2, 2, 2, seed=13)
    space = markov_theorem_contract_space(g, 0, space=TheoremSpace(surplus=0, penalty="min", targets="optimal"))
    assert [e.policy for e in mpe_solve(space[0].augmented_game())] == [((0, 0), (0, 1)), ((0, 1), (0, 0))]
    least = api.theorem_check(g, space=TheoremSpace(surplus=0, penalty="min", targets="optimal"))
    assert (least.optimum, least.worst_welfare, least.best_welfare) == (80, F(1280, 31), 80)
    assert least.per_proposer[0].threshold == F(640, 31) and least.per_proposer[0].worst.contract_index is None
    bound = api.theorem_check(g, space=TheoremSpace(surplus=0, targets="optimal"))
    assert bound.worst_welfare == bound.best_welfare == 80
    assert bound.per_proposer[0].threshold == F(1840, 31)      # 80 minus the responder's 640/31
