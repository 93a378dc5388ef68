
"""The contracting game: SPE by backward induction, the theorem at K = N, and one failure per dropped assumption."""

import itertools
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract_theory import ParameterError, ProtocolRules, Rules, TheoremSpace
from contract_theory.contracting.contracts.contract import deviation_penalty, lump_sum
from contract_theory.contracting.protocol.spe import _vote_outcomes, spe_solve, theorem_check
from contract_theory.equilibria.welfare import optimum
from contract_theory.games.library import prisoners_dilemma, public_goods, random_game, stag_hunt
from contract_theory.games.normal_form import NormalFormGame


def asymmetric_coordination():
    """(a0,b0) = (1,1) is the worst equilibrium; the optimum (a1,b1) = (0,5) leaves the row player below 1."""
    return NormalFormGame.from_bimatrix([[1, 0], [0, 0]], [[1, 0], [0, 5]])


def test_vote_stage_equilibria():
    # one voter: pivotal, votes its preference
    assert _vote_outcomes([1], "unanimous", "simultaneous", "accept") == {True}
    assert _vote_outcomes([-1], "unanimous", "simultaneous", "accept") == {False}
    # two voters who both gain: simultaneous unanimity also supports "everyone rejects"
    assert _vote_outcomes([1, 1], "unanimous", "simultaneous", "accept") == {True, False}
    assert _vote_outcomes([1, 1], "unanimous", "sequential", "accept") == {True}
    # indifference follows voter_tie under every refinement
    assert _vote_outcomes([0, 1], "unanimous", "undominated", "reject") == {False}
    assert _vote_outcomes([0], "unanimous", "simultaneous", "accept") == {True}
    assert _vote_outcomes([0], "unanimous", "simultaneous", "reject") == {False}
    # the indifferent voter accepts, so the other becomes pivotal and cannot reject
    assert _vote_outcomes([1, 0], "unanimous", "simultaneous", "accept") == {True}
    # majority with ties accepted: one of two suffices
    assert _vote_outcomes([1, -1], "majority", "sequential", "accept") == {True}


@pytest.mark.parametrize("game", [prisoners_dilemma(), stag_hunt(), asymmetric_coordination(),
                                  public_goods(3, 2, 1)], ids=["pd", "stag", "asym", "pg3"])
def test_theorem_every_spe_is_optimal_at_k_equals_n(game):
    r = theorem_check(game)
    w_star, _ = optimum(game)
    assert r.every_spe_optimal and r.worst_welfare == r.best_welfare == w_star
    for spe in r.per_proposer:
        assert spe.worst.accepted and spe.worst.welfare == w_star


@given(st.sampled_from([(2, 2), (2, 3), (3, 3), (2, 2, 2)]), st.integers(0, 5000))
def test_theorem_on_random_games(shape, seed):
    game = random_game(shape, 0, 5, seed=seed)  # the paper's contract: all N sign
    try:
        r = theorem_check(game)
    except ParameterError:  # no pure default equilibrium: the protocol's disagreement point is undefined
        # checked independently: every pure profile has a profitable unilateral deviation
        for prof in itertools.product(*(range(m) for m in game.shape)):
            assert any(game.payoff(prof[:i] + (b,) + prof[i + 1:], i) > game.payoff(prof, i)
                       for i in range(game.n_players) for b in range(game.shape[i]))
        return
    assert r.every_spe_optimal


def test_dropping_the_cap_assumption_a3():
    """PD: (C,C) is an equilibrium of the penalty game only if psi >= T-R = 2.

    With a cap of 1, (C,C) cannot be enforced; a penalty of 1 still makes (C,D) an
    equilibrium (the row player's gain P-S = 1 is cancelled), so the SPE welfare ranges over
    [2, 5] and never reaches W* = 6."""
    r = theorem_check(prisoners_dilemma(), space=TheoremSpace(cap=1))
    assert (r.worst_welfare, r.best_welfare, r.optimum) == (2, 5, 6) and not r.every_spe_optimal
    assert theorem_check(prisoners_dilemma(), space=TheoremSpace(cap=3)).every_spe_optimal


def subcoalition_counterexample():
    """A 3-player game (random_game((2,2,2), 0, 5, seed=94)) whose default equilibrium (1,1,1) is optimal.

    Payoffs (P0, P1, P2):
      (0,0,0) 0,1,5   (0,0,1) 4,1,4   (0,1,0) 2,0,0   (0,1,1) 1,4,1
      (1,0,0) 4,3,1   (1,0,1) 5,2,1   (1,1,0) 0,5,3   (1,1,1) 2,4,4   <- NE, W* = 10
    """
    return random_game((2, 2, 2), 0, 5, seed=94)


def test_subcoalitions_break_the_theorem_even_at_k_equals_n():
    """If two agents may sign without the third, they can profit at its expense (no veto, A7).

    Proposer 0 and player 1 enforce (1,0,0): (4,3,1); a lump sum of 1 + 1/6 from P0 to P1
    leaves P1 at its default 4 plus the responder's surplus 1/(2 n d) = 1/6, and P0 at
    17/6 > 2. The outsider drops from 4 to 1 and welfare from the optimal 10 to 8. With the
    paper's contract (all three sign), every SPE stays at 10."""
    g = subcoalition_counterexample()
    assert optimum(g)[0] == 10
    loose = theorem_check(g, exact_k=False)
    assert loose.worst_welfare == 8 and not loose.every_spe_optimal
    w = loose.per_proposer[0].worst
    assert w.profile == (1, 0, 0) and w.payoffs == (Fraction(17, 6), Fraction(25, 6), 1)
    assert theorem_check(g).every_spe_optimal


def test_dropping_lump_sums_a5():
    """Without lump sums the row player, who gets 0 < 1 at the optimum, vetoes it.

    Proposer = column player: its penalty contract toward (a1,b1) is rejected by the row
    player; every SPE plays the default (1,1), W = 2 < 5.  With lump sums the row player is
    compensated to 1 and W* = 5 is reached.
    """
    g = asymmetric_coordination()
    r = theorem_check(g, proposer=1, space=TheoremSpace(lump_sums=False))
    assert r.worst_welfare == 2 and r.best_welfare == 2
    assert theorem_check(g, proposer=1, space=TheoremSpace(lump_sums=True)).worst_welfare == 5


def test_simultaneous_voting_all_reject_a11():
    """Three-player public goods (r=2, e=1): W* = 6, default W = 3.

    With the grand contract's two voters under simultaneous unanimity 'everyone rejects'
    supports the default, so the worst SPE welfare is 3; sequential voting restores the
    theorem.  If two-member contracts are also allowed (one pivotal voter), the proposer
    falls back on one: P1 contributes alone, (5/3, 2/3, 5/3), P1 is paid 1/3 to reach its
    default 1, the proposer keeps 4/3 > 1: worst SPE welfare 4."""
    g = public_goods(3, 2, 1)
    r = theorem_check(g, rules=Rules(protocol=ProtocolRules(refinement="simultaneous")))
    assert r.worst_welfare == 3 and r.best_welfare == 6
    assert theorem_check(g, rules=Rules(protocol=ProtocolRules(refinement="sequential"))).worst_welfare == 6
    assert theorem_check(g, exact_k=False, rules=Rules(protocol=ProtocolRules(refinement="simultaneous"))).worst_welfare == 4


def test_partial_contracts_k_less_than_n():
    """public_goods(4, 8/5, 20): pairs never contribute (W = 80); triples reach 116; only K = 4 gives 128."""
    g = public_goods(4, "8/5", 20)
    assert theorem_check(g, k=2).worst_welfare == 80
    r3 = theorem_check(g, k=3)
    assert r3.worst_welfare == r3.best_welfare == 116
    assert theorem_check(g, k=4).every_spe_optimal


def test_majority_voting_binds_a_dissenter_a7():
    """Majority (ties accepted) lets the proposer extract a lump sum from a dissenting voter.

    3-player public goods, proposer 0, voters 1 and 2. Contract: penalty toward all-contribute
    plus lump sums (+1, 0, -1): payoffs (3, 2, 1) vs the default (1, 1, 1). Voter 2 is
    indifferent, voter 1 gains: accepted under majority. A second contract (+2, 0, -2) gives
    (4, 2, 0): voter 2 loses 1 but voter 1 still gains, so majority accepts it and the
    proposer prefers it: the SPE leaves voter 2 below its no-contract payoff.
    """
    g = public_goods(3, 2, 1)
    S = (0, 1, 2)
    pen = deviation_penalty(g, S, (1, 1, 1), 3)
    fair = pen + lump_sum(g, S, [1, 0, -1])
    greedy = pen + lump_sum(g, S, [2, 0, -2])
    maj = spe_solve(g, [fair, greedy], proposer=0, rules=Rules(protocol=ProtocolRules(voting="majority")))
    assert maj.per_proposer[0].worst.contract_index == 1
    assert maj.per_proposer[0].worst.payoffs == (4, 2, 0)
    una = spe_solve(g, [fair, greedy], proposer=0, rules=Rules(protocol=ProtocolRules(voting="unanimous")))
    assert una.per_proposer[0].worst.contract_index == 0 and una.per_proposer[0].worst.payoffs == (3, 2, 1)


def test_committee_rule_averages_over_committees():
    """Committee of one voter out of two, chosen uniformly: voter 1 accepts (+1), voter 2 rejects (-1).

    The contract binds with probability 1/2: expected payoffs average the two branches."""
    g = public_goods(3, 2, 1)
    S = (0, 1, 2)
    c = deviation_penalty(g, S, (1, 1, 1), 3) + lump_sum(g, S, [Fraction(3, 2), Fraction(1, 2), -2])
    r = spe_solve(g, [c], proposer=0, rules=Rules(protocol=ProtocolRules(voting=("committee", 1))))
    w = r.per_proposer[0].best
    # accepted: (2+3/2, 2+1/2, 0) = (7/2, 5/2, 0); rejected: (1, 1, 1)
    assert w.payoffs == (Fraction(9, 4), Fraction(7, 4), Fraction(1, 2))


def test_random_proposer_averages():
    g = asymmetric_coordination()
    r = theorem_check(g, proposer="random", space=TheoremSpace(lump_sums=False))
    # proposer 0 gets 0 at the optimum and never proposes it (W = 2); proposer 1's proposal is vetoed (W = 2)
    assert r.worst_welfare == 2
    assert theorem_check(g, proposer="random").worst_welfare == 5


def test_bad_protocol_parameters():
    g = prisoners_dilemma()
    with pytest.raises(ParameterError, match="unknown voting rule"):
        spe_solve(g, [], rules=Rules(protocol=ProtocolRules(voting="plurality")))
    with pytest.raises(ParameterError, match="refinement"):
        spe_solve(g, [], rules=Rules(protocol=ProtocolRules(refinement="secret")))
    with pytest.raises(ParameterError, match="K=3"):
        spe_solve(g, [], k=3)
    mp = NormalFormGame.from_bimatrix([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
    with pytest.raises(ParameterError, match="no pure Nash equilibrium"):
        spe_solve(mp, [])


def test_the_theorem_check_and_its_space_are_built_once_per_game_and_rules(monkeypatch):
    """The report and the claim search ask the same small games again: the second call with an equal game
    (a copy: games hash by content) and equal rules reuses the first result; other rules or spaces do not."""
    from contract_theory.contracting.protocol import spe as spe_mod
    from contract_theory.games.library import prisoners_dilemma

    built = []
    real = spe_mod.rich_contract_space
    monkeypatch.setattr(spe_mod, "rich_contract_space", lambda *a, **k: built.append(1) or real(*a, **k))
    spe_mod._MEMOS.clear()
    first = spe_mod.theorem_check(prisoners_dilemma())
    assert len(built) == 2  # one rich space per proposer
    again = spe_mod.theorem_check(prisoners_dilemma())
    assert again is first and len(built) == 2
    capped = spe_mod.theorem_check(prisoners_dilemma(), space=spe_mod.TheoremSpace(cap=1))
    assert capped.worst_welfare == 2 and first.worst_welfare == 6 and len(built) == 4
    space = spe_mod.theorem_contract_space(prisoners_dilemma(), 0)  # exact_k=False: not the check's space
    assert len(built) == 5
    space.append("not a contract")  # callers get a copy: the remembered space is unchanged
    assert len(spe_mod.theorem_contract_space(prisoners_dilemma(), 0)) == 8 and len(built) == 5
    unhashable = spe_mod.TheoremSpace(cap=[1])  # computed, not remembered
    assert spe_mod.memoized("test", (unhashable,), lambda: 1) == 1 and len(spe_mod._MEMOS["test"]) == 0
