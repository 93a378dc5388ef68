"""The full-contract theorem and the conjectures of docs/background/model.md#4-partial-contracts / notes E.3 as properties.

* Theorem (notes B, docs/background/model.md#5-the-contracting-protocol): K = N, unbounded penalties, lump sums, unanimous sequential
  voting, a fixed default equilibrium -> every SPE of the contracting game is optimal.
* G1 (member individual rationality): with member veto and a fixed default, every signatory of an
  accepted contract gets at least its no-contract payoff; under lump-sum sharing with Stackelberg
  timing and optimistic selection members never lose, even without a veto.
* G2 (coalition-constrained optimality): under Stackelberg timing the bloc's value at the reported
  outcome is max over member joint actions of the selected continuation, recomputed here by brute
  force; under Nash timing the outcome is an equilibrium of the bloc-versus-outsiders game.
* Each dropped assumption (cap, no lump sums, any default, K < N, simultaneous votes, majority)
  yields a counterexample that :func:`find_counterexample` finds within a bounded budget.

The ci profile (tests/conftest.py) bounds and derandomizes every property; the ``slow`` ones run
more examples on request (``-m slow`` with ``HYPOTHESIS_PROFILE=thorough``).
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract_theory import Rules
from contract_theory.contracting.coalitions.normal_form import coalition_outcome, no_contract_outcome
from contract_theory.contracting.protocol.spe import theorem_check, theorem_contract_space
from contract_theory.search.certificates import verify_certificate
from contract_theory.search.search import find_counterexample
from contract_theory.search.spaces import GameSpace
from contract_theory.search.strategies import games, games_with_pure_equilibrium, social_dilemmas


# ---------------------------------------------------------------------------- brute force (test-local)
def _eq_for(game, prof, players):
    for i in players:
        for b in range(game.shape[i]):
            dev = prof[:i] + (b,) + prof[i + 1:]
            if game.payoff(dev, i) > game.payoff(prof, i):
                return False
    return True


def _bloc(game, S, prof):
    return sum((game.payoff(prof, i) for i in S), Fraction(0))


def _stackelberg_value(game, S, selection):
    """max over a_S of sel_{a_O in NE_O(a_S)} U_S, by loops; None if no a_S has a continuation."""
    n = game.n_players
    outs = [i for i in range(n) if i not in S]
    best = None
    for a_s in itertools.product(*(range(game.shape[i]) for i in S)):
        vals = []
        for a_o in itertools.product(*(range(game.shape[o]) for o in outs)):
            prof = [0] * n
            for i, a in zip(S, a_s):
                prof[i] = a
            for o, a in zip(outs, a_o):
                prof[o] = a
            if _eq_for(game, tuple(prof), outs):
                vals.append(_bloc(game, S, tuple(prof)))
        if vals:
            v = min(vals) if selection == "pessimistic" else max(vals)
            best = v if best is None else max(best, v)
    return best


# ---------------------------------------------------------------------------- the theorem
@given(games_with_pure_equilibrium(players=(2, 2), actions=(2, 3), payoffs=(0, 3)))
def test_full_contract_theorem_two_players(game):
    r = theorem_check(game)
    assert r.every_spe_optimal is True and r.worst_welfare == r.optimum


@given(games_with_pure_equilibrium(players=(3, 3), actions=(2, 2), payoffs=(0, 3)))
def test_full_contract_theorem_three_players(game):
    assert theorem_check(game).every_spe_optimal is True


@pytest.mark.slow
@given(st.one_of(games_with_pure_equilibrium(players=(2, 2), actions=(2, 3), payoffs=(-2, 4)),
                 games_with_pure_equilibrium(players=(3, 3), actions=(2, 2), payoffs=(-2, 4))))
def test_full_contract_theorem_thorough(game):
    # the strategy draws only games of at most 9 profiles, so the assertion runs on every draw
    assert game.n_profiles <= 9
    assert theorem_check(game).every_spe_optimal is True


def test_full_contract_theorem_has_no_small_counterexample():
    r = find_counterexample("spe-optimal", GameSpace(players=(2, 2), high=2), budget_seconds=20, seed=0,
                            exhaustive_limit=0, max_games=150)
    assert not r.found and r.searched == 150 and r.in_domain > 100


# ---------------------------------------------------------------------------- G1
def _contracts(game, k):
    """The contract list theorem_check builds (proposer "each"), to read signatories by index."""
    n = game.n_players
    out = []
    for p in range(n):
        out += theorem_contract_space(game, p, k=k, exact_k=(k == n), selection="pessimistic")
    return out


@given(games_with_pure_equilibrium(players=(3, 3), actions=(2, 2), payoffs=(0, 3)))
def test_g1_members_individually_rational_under_veto(game):
    """Member veto (unanimous sequential voting, voters accept only when not worse) and a fixed
    default: in every SPE every signatory of the accepted contract, and the proposer, gets at least
    its no-contract payoff -- even with K = 2 < N = 3, where the SPE need not be optimal."""
    default = no_contract_outcome(game, "pessimistic").payoffs
    contracts = _contracts(game, 2)
    r = theorem_check(game, k=2)
    for spe in r.per_proposer:
        assert spe.threshold >= default[spe.proposer]
        for branch in (spe.worst, spe.best):
            assert branch.payoffs[spe.proposer] >= default[spe.proposer]
            if branch.accepted:
                for i in contracts[branch.contract_index].signatories:
                    assert branch.payoffs[i] >= default[i]


@given(games(players=(3, 3), actions=(2, 3), payoffs=(0, 3)))
def test_g1_lump_sum_members_never_lose_with_commitment(game):
    """Stackelberg + optimistic + lump sums: committing to its part a0_S of the default equilibrium
    a0 leaves a0_O an outsiders' equilibrium, so U_S >= sum_S u_i(a0) and every member accepts."""
    base = no_contract_outcome(game, "optimistic")
    if base.payoffs is None:
        return
    for S in itertools.combinations(range(3), 2):
        o = coalition_outcome(game, S, baseline=base, rules=Rules(selection="optimistic", sharing="lump_sum"))
        assert o.members_accept is True
        assert all(o.payoffs[i] >= base.payoffs[i] for i in S)


def test_g1_fails_without_the_assumptions():
    """Pessimistic selection (outsiders may answer the commitment with the bloc's worst equilibrium)
    breaks member rationality even with lump sums; the search finds it within 10 s."""
    r = find_counterexample("members-gain", GameSpace(players=(3, 3)), params={"sharing": "lump_sum"},
                            budget_seconds=10, seed=0)
    assert r.found and r.game.shape == (2, 2, 2) and verify_certificate(r.certificate)


# ---------------------------------------------------------------------------- G2
@given(games(players=(2, 3), actions=(2, 3), payoffs=(-1, 3), denominators=(1, 2)))
def test_g2_coalition_constrained_optimality(game):
    n = game.n_players
    for S in (S for k in range(2, n + 1) for S in itertools.combinations(range(n), k)):  # every size
        for selection in ("pessimistic", "optimistic"):
            o = coalition_outcome(game, S, rules=Rules(timing="stackelberg", selection=selection))
            v = _stackelberg_value(game, S, selection)
            assert (o.bloc_value is None) == (v is None)
            if v is not None:
                assert o.bloc_value == v and _bloc(game, S, o.profile) == v  # the profile attains it
                # the reported profile's outsiders are in equilibrium given the commitment
                outs = [i for i in range(game.n_players) if i not in S]
                assert _eq_for(game, o.profile, outs)
            o = coalition_outcome(game, S, rules=Rules(timing="nash", selection=selection))
            if o.profile is not None:
                outs = [i for i in range(game.n_players) if i not in S]
                assert _eq_for(game, o.profile, outs)
                for a_s in itertools.product(*(range(game.shape[i]) for i in S)):
                    q = list(o.profile)
                    for i, a in zip(S, a_s):
                        q[i] = a
                    assert _bloc(game, S, tuple(q)) <= o.bloc_value


@given(social_dilemmas(players=(2, 4)))
def test_g3_positive_externalities_weakly_pareto_improve(game):
    """G3 on public goods and N-player PDs (members' cooperation raises outsiders' payoffs): every
    coalition's outcome gives outsiders at least their no-contract payoffs and W(S) >= W^0."""
    base = no_contract_outcome(game)
    for S in itertools.combinations(range(game.n_players), 2):
        o = coalition_outcome(game, S)
        assert o.welfare >= base.welfare
        assert all(o.raw_payoffs[j] >= base.payoffs[j] for j in o.outsiders)


# ---------------------------------------------------------------------------- dropped assumptions
DROPPED = [
    # (assumption dropped, players, params, shrunk shape measured with seed 0)
    ("A3 transfers capped", 2, {"cap": 1}, (2, 2)),
    ("A5 no lump sums", 2, {"lump_sums": False}, (2, 2)),
    ("A10 proposal-contingent default", 2, {"default": "any"}, (2, 2)),
    ("K < N", 3, {"k": 2}, (2, 2, 2)),
    ("A11 simultaneous votes", 3, {"refinement": "simultaneous"}, (2, 2, 2)),
    ("A7 majority voting", 3, {"voting": "majority"}, (2, 2, 2)),
]


@pytest.mark.parametrize("label,players,params,shape", DROPPED, ids=[d[0] for d in DROPPED])
def test_each_dropped_assumption_has_a_counterexample(label, players, params, shape):
    r = find_counterexample("spe-optimal", GameSpace(players=(players, players)), params=params,
                            budget_seconds=10, seed=0, shrink_seconds=20)
    assert r.found, label
    assert r.game.shape == shape
    assert verify_certificate(r.certificate)
    assert Fraction(r.certificate["spe"]["worst_welfare"]) < Fraction(r.certificate["optimum"]["welfare"])


def test_no_lump_sums_counterexample_by_hand():
    """Shrunk (seed 0) to u(a0,a0) = (0,1), zeros elsewhere.  Equilibria (a0,a0), (a1,a0), (a1,a1);
    the default (lowest welfare, smallest profile) is (a1,a0) with W = 0, W* = 1.  Without lump sums
    proposer 0 gains nothing from any contract (its payoff is 0 everywhere), so proposing nothing is
    an SPE: worst SPE welfare 0 < 1.  With lump sums it can charge player 1 and strictly prefers W*."""
    r = find_counterexample("spe-optimal", GameSpace(), params={"lump_sums": False}, budget_seconds=10, seed=0)
    assert r.game.table.reshape(-1).tolist() == [0, 1, 0, 0, 0, 0, 0, 0]
    assert r.certificate["spe"]["worst_welfare"] == "0" and r.certificate["optimum"]["welfare"] == "1"
    assert theorem_check(r.game).every_spe_optimal is True
