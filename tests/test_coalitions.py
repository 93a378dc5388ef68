"""K-coalitions on normal-form games: exact values, an independent brute-force oracle, properties."""

import itertools
import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract_theory import ParameterError, Rules
from contract_theory.contracting.coalitions.normal_form import (
    all_coalition_outcomes,
    coalition_outcome,
    is_symmetric,
    no_contract_outcome,
)
from contract_theory.contracting.coalitions.partial_contracts import partial_contract_analysis
from contract_theory.equilibria.welfare import optimum
from contract_theory.games.library import (
    cournot,
    n_prisoners_dilemma,
    public_goods,
    random_game,
    stag_hunt,
    volunteers_dilemma,
)
from contract_theory.games.normal_form import NormalFormGame


# ----------------------------------------------------------------------------- oracle
def brute_stackelberg(game, members, selection):
    """Set of (bloc, welfare) values of the selected outcome, by plain loops (independent code)."""
    n = game.n_players
    outs = [i for i in range(n) if i not in members]
    sign = 1 if selection == "optimistic" else -1
    best = None
    for a_s in itertools.product(*(range(game.shape[m]) for m in members)):
        cands = []
        for a_o in itertools.product(*(range(game.shape[o]) for o in outs)):
            prof = [0] * n
            for m, a in zip(members, a_s):
                prof[m] = a
            for o, a in zip(outs, a_o):
                prof[o] = a
            pay = game.payoff(prof)
            ok = True
            for o in outs:
                for b in range(game.shape[o]):
                    dev = list(prof)
                    dev[o] = b
                    if game.payoff(dev)[o] > pay[o]:
                        ok = False
            if ok:
                cands.append((sum(pay[m] for m in members), sum(pay), tuple(prof)))
        if not cands:
            continue
        # outsiders' selection: worst/best for the bloc, then welfare in the same direction
        sel = max(cands, key=lambda bw: (sign * bw[0], sign * bw[1]))[:2]
        key = (sel[0], sign * sel[1])
        profs = [c[2] for c in cands if c[:2] == sel]
        if best is None or key > best[0]:
            best = (key, sel, profs)
        elif key == best[0]:
            best[2].extend(profs)
    # the tie rule (README): among tied outcomes the smallest profile is reported
    return None if best is None else best[1] + (min(best[2]),)


def brute_bloc_nash(game, members, selection):
    n = game.n_players
    outs = [i for i in range(n) if i not in members]
    sign = 1 if selection == "optimistic" else -1
    eqs = []
    for prof in itertools.product(*(range(m) for m in game.shape)):
        pay = game.payoff(prof)
        bloc = sum(pay[m] for m in members)
        ok = True
        for a_s in itertools.product(*(range(game.shape[m]) for m in members)):
            dev = list(prof)
            for m, a in zip(members, a_s):
                dev[m] = a
            if sum(game.payoff(dev)[m] for m in members) > bloc:
                ok = False
        for o in outs:
            for b in range(game.shape[o]):
                dev = list(prof)
                dev[o] = b
                if game.payoff(dev)[o] > pay[o]:
                    ok = False
        if ok:
            eqs.append((bloc, sum(pay), tuple(prof)))
    if not eqs:
        return None
    sel = max(eqs, key=lambda bw: (sign * bw[0], sign * bw[1]))[:2]
    return sel + (min(e[2] for e in eqs if e[:2] == sel),)  # smallest tied profile (README's tie rule)


def _every_coalition(n):
    """Every coalition of every size 2..n (the grand coalition included)."""
    return [S for k in range(2, n + 1) for S in itertools.combinations(range(n), k)]


small_games = st.builds(
    lambda shape, seed, deg: random_game(shape, 0, 4, seed=seed, degenerate=deg),
    st.sampled_from([(2, 2, 2), (3, 2, 2), (2, 2, 2, 2), (2, 3, 2), (3, 3, 2)]),
    st.integers(0, 10_000), st.booleans())


# ----------------------------------------------------------------------------- exact values
def test_public_goods_outcomes_by_hand():
    """n=4, r=8/5, e=20: a member's contribution returns 8k/20 to the bloc of size k.

    k=2: 16/20 < 1, nobody contributes, everyone keeps 20 (W = 80).
    k=3: 24/20 > 1, members contribute: members get 60*8/20 = 24, the outsider 20 + 24 = 44,
    W = 3*24 + 44 = 116.  k=4: everyone contributes, 32 each, W* = 128.
    """
    g = public_goods(4, "8/5", 20)
    o3 = coalition_outcome(g, [0, 1, 2])
    assert o3.profile == (1, 1, 1, 0)
    assert o3.raw_payoffs == (24, 24, 24, 44) and o3.welfare == 116
    assert o3.gains == (12, 24, 36)
    assert coalition_outcome(g, [1, 3]).profile == (0, 0, 0, 0)
    a = partial_contract_analysis(g, 4)
    assert a.welfare_curve == {1: 80, 2: 80, 3: 116, 4: 128}
    assert a.price_of_partial_contracting == 1 and a.price_measure == "ratio"
    a3 = partial_contract_analysis(g, 3)
    assert a3.price_of_partial_contracting == Fraction(128, 116) == Fraction(32, 29)


@pytest.mark.parametrize("n, r", [(10, 3), (7, 2), (5, "3/2"), (6, "5/2"), (9, 4)])
def test_public_goods_smallest_contributing_coalition_is_ceil_n_over_r(n, r):
    """Members contribute iff k r / n > 1: the smallest such k is ceil(n/r) when n/r is not an integer.

    Also the closed form of the notes (G5): W(K)/W* = (n + (r-1) K [rK > n]) / (r n).
    """
    r = Fraction(r)
    g = public_goods(n, r, 1)
    assert (n / r).denominator != 1
    k_min = math.ceil(n / r)
    a = partial_contract_analysis(g, n)
    w_star = a.optimum_welfare
    assert w_star == r * n
    # action 1 is "contribute e"; a contributing bloc of size k has exactly k contributors
    contributing = [k for k in range(2, n + 1) if a.by_k[k].profile.count(1) == k]
    assert contributing and min(contributing) == k_min
    for k in range(2, n + 1):
        expected = (n + (r - 1) * k * (r * k > n)) / (r * n)
        assert a.by_k[k].welfare / w_star == expected
    # exactly the coalitions of size ceil(n/r) are stable (Barrett 1994; internal >=, external >)
    assert {len(S) for S in a.stable_coalitions} == {k_min}


def test_n_player_prisoners_dilemma_threshold():
    """u_i = b (cooperators other than i)/(n-1) - c [i cooperates]: a bloc of k cooperates iff (k-1) b/(n-1) > c.

    n=5, b=3, c=2: (k-1)*3/4 > 2  <=>  k > 11/3, so k = 4 is the smallest cooperating bloc.
    """
    g = n_prisoners_dilemma(5, 3, 2)
    a = partial_contract_analysis(g, 5)
    coop = {k: a.by_k[k].profile.count(0) for k in range(2, 6)}
    assert coop == {2: 0, 3: 0, 4: 4, 5: 5}
    # k=4: members get (3 others coop... ) each member: 3*3/4 - 2 = 1/4; outsider 4*3/4 = 3
    o = a.by_k[4]
    assert sorted(o.raw_payoffs) == [Fraction(1, 4)] * 4 + [3]
    assert a.min_k_for_optimum == 5


def test_cournot_merger_hurts_members_under_nash_timing():
    """Salant, Switzer & Reynolds (1983): with 3 firms and linear demand a 2-firm merger is unprofitable.

    a=12, c=0, grid {0,3,4,6}: the Cournot outcome q=3 gives profit 3*(12-9) = 9 each (the
    best-welfare equilibrium; (6,6,6) with price 0 is the worst).  After the merger the bloc and
    the outsider play a duopoly: total 4 each, price 4, the bloc earns 16 < 18 = 2*9 and the
    outsider 16 > 9; welfare rises from 27 to 32.  As a Stackelberg leader (pessimistic
    follower) the bloc commits to 6, the follower's best reply is 3 (9 > 8 for 4): bloc 18.
    """
    g = cournot(3, 12, 0, (0, 3, 4, 6))
    base = no_contract_outcome(g, "optimistic")
    assert base.payoffs == (9, 9, 9)
    assert no_contract_outcome(g, "pessimistic").payoffs == (0, 0, 0)
    nash = coalition_outcome(g, [0, 1], rules=Rules(timing="nash", selection="optimistic"))
    assert nash.bloc_value == 16 and nash.raw_payoffs[2] == 16
    assert nash.members_accept is False and nash.gains == (-2, 7, 5)
    st_ = coalition_outcome(g, [0, 1], rules=Rules(timing="stackelberg", selection="pessimistic"))
    assert st_.bloc_value == 18 and st_.raw_payoffs[2] == 9 and g.labels(st_.profile)[2] == "3"


def test_volunteers_dilemma_k2_reaches_optimum():
    """Notes G4(d): in the volunteer's dilemma a coalition of 2 already reaches W*.

    n=4, b=2, c=1: W* = 4*2 - 1 = 7 (one volunteer).  Pessimistic no-contract: one volunteer too,
    so W = 7 already; but the bloc of 2 guarantees provision *itself* whatever outsiders do.
    """
    g = volunteers_dilemma(4, 2, 1)
    a = partial_contract_analysis(g, 2)
    assert a.optimum_welfare == 7 and a.welfare_curve[2] == 7
    o = coalition_outcome(g, [0, 1])
    assert o.welfare == 7


def test_stag_hunt_selection_gap():
    """Pessimistic baseline (Hare, Hare) = 6; the grand coalition enforces (Stag, Stag) = 8."""
    g = stag_hunt()
    a = partial_contract_analysis(g, 2)
    assert a.no_contract.welfare == 6 and a.welfare_curve[2] == 8 and a.min_k_for_optimum == 2
    a_opt = partial_contract_analysis(g, 2, rules=Rules(selection="optimistic"))
    assert a_opt.no_contract.welfare == 8 and a_opt.min_k_for_optimum == 1


def asymmetric_coordination():
    """Two equilibria: (a0,b0) = (1,1) (worst welfare, the pessimistic default) and (a1,b1) = (0,5) (optimal)."""
    return NormalFormGame.from_bimatrix([[1, 0], [0, 0]], [[1, 0], [0, 5]])


def test_sharing_rules_and_acceptance():
    """The grand coalition enforces (a1,b1) with total 5 against the default (1,1).

    equal: 5/2 each, both accept; none: (0,5), player 0 loses 1 and refuses; lump_sum: each gets
    its default 1 plus half the surplus 3, i.e. 5/2, and acceptance only needs 5 >= 2.
    """
    g = asymmetric_coordination()
    e = coalition_outcome(g, [0, 1], rules=Rules(sharing="equal"))
    n_ = coalition_outcome(g, [0, 1], rules=Rules(sharing="none"))
    ls = coalition_outcome(g, [0, 1], rules=Rules(sharing="lump_sum"))
    assert e.profile == n_.profile == ls.profile == (1, 1)
    assert e.payoffs == (Fraction(5, 2), Fraction(5, 2)) and e.members_accept is True
    assert n_.payoffs == (0, 5) and n_.members_accept is False and n_.gains == (3, 0, 3)
    assert ls.payoffs == (Fraction(5, 2), Fraction(5, 2)) and ls.members_accept is True
    assert e.welfare == n_.welfare == ls.welfare == 5
    pg = public_goods(4, "8/5", 20)
    assert coalition_outcome(pg, [0, 1, 2], rules=Rules(sharing="none")).payoffs[:3] == (24, 24, 24)


def test_require_acceptance_changes_the_curve():
    """Cournot under Nash timing (optimistic): no 2-firm merger is accepted (16 < 18), so W_2 = W_1 = 27."""
    g = cournot(3, 12, 0, (0, 3, 4, 6))
    free = partial_contract_analysis(g, 2, rules=Rules(timing="nash", selection="optimistic"))
    req = partial_contract_analysis(g, 2, require_acceptance=True, rules=Rules(timing="nash", selection="optimistic"))
    assert free.welfare_curve[2] == 32 and free.welfare_curve[1] == 27
    assert req.welfare_curve[2] == 27 and req.by_k[2] is None


def test_bad_parameters():
    g = public_goods(4, "8/5", 20)
    with pytest.raises(ParameterError, match="K=5 is out of range"):
        partial_contract_analysis(g, 5)
    with pytest.raises(ParameterError, match="K=1 is out of range"):
        partial_contract_analysis(g, 1)
    with pytest.raises(ParameterError, match="unknown timing"):
        coalition_outcome(g, [0, 1], rules=Rules(timing="sequential"))
    with pytest.raises(ParameterError, match="unknown tie rule"):
        partial_contract_analysis(g, 2, rules=Rules(tie="maybe"))
    with pytest.raises(ParameterError, match="at least 2 signatories"):
        coalition_outcome(g, [0])
    with pytest.raises(ParameterError, match="twice"):
        coalition_outcome(g, [0, 0])


def test_tie_rules_on_exact_tie():
    """n=4, r=2: a pair is exactly indifferent (2*2/4 = 1), so the tie rule decides stability.

    Pessimistic selection breaks the pair's tie toward lower welfare (no contribution), so a pair
    gives everyone e=1 as without contract.  A member of a pair is indifferent to leaving:
    stays under 'inside' (>=), leaves under 'outside' (>).
    """
    g = public_goods(4, 2, 1)
    inside = partial_contract_analysis(g, 2, rules=Rules(tie="inside"))
    outside = partial_contract_analysis(g, 2, rules=Rules(tie="outside"))
    assert all(c.internal for c in inside.stability.values())
    assert not any(c.internal for c in outside.stability.values())
    assert coalition_outcome(g, [0, 1]).profile == (0, 0, 0, 0)
    assert coalition_outcome(g, [0, 1], rules=Rules(selection="optimistic")).profile == (1, 1, 0, 0)


# ----------------------------------------------------------------------------- properties
@given(small_games, st.sampled_from(["pessimistic", "optimistic"]))
def test_stackelberg_matches_bruteforce_oracle(game, selection):
    """Pure continuations against the loop oracle (``mixed=False``: the oracle is pure)."""
    n = game.n_players
    for S in _every_coalition(n):
        o = coalition_outcome(game, S, mixed=False, rules=Rules(selection=selection))
        ref = brute_stackelberg(game, S, selection)
        if ref is None:
            assert o.profile is None
        else:
            assert (o.bloc_value, o.welfare, o.profile) == ref


@given(small_games, st.sampled_from(["pessimistic", "optimistic"]))
def test_mixed_continuations_are_equilibria_and_only_add_options(game, selection):
    """With mixed continuations the bloc does at least as well as with pure ones alone, and a
    reported mixed outcome has outsiders in mutual best responses (exact) and members pure."""
    for S in itertools.combinations(range(game.n_players), 2):
        o = coalition_outcome(game, S, rules=Rules(selection=selection))
        p = coalition_outcome(game, S, mixed=False, rules=Rules(selection=selection))
        if p.bloc_value is not None:
            assert o.bloc_value >= p.bloc_value
        if o.strategies is not None:
            for i in range(game.n_players):
                dev = game.deviation_payoffs(o.strategies, i)
                if i in S:
                    assert sorted(o.strategies[i]) == [0] * (len(dev) - 1) + [1]
                else:
                    assert max(dev) == o.raw_payoffs[i]


@given(small_games, st.sampled_from(["pessimistic", "optimistic"]))
def test_bloc_nash_matches_bruteforce_oracle(game, selection):
    for S in _every_coalition(game.n_players):
        o = coalition_outcome(game, S, rules=Rules(timing="nash", selection=selection))
        ref = brute_bloc_nash(game, S, selection)
        assert (None if o.profile is None else (o.bloc_value, o.welfare, o.profile)) == ref


@given(small_games, st.sampled_from(["stackelberg", "nash"]))
def test_grand_coalition_reaches_optimum(game, timing):
    """W_N = W*: with every agent signed, the bloc maximizes total welfare."""
    w_star, profs = optimum(game)
    o = coalition_outcome(game, range(game.n_players), rules=Rules(timing=timing))
    assert o.welfare == w_star and o.profile in profs


@given(small_games, st.sampled_from(["pessimistic", "optimistic"]), st.sampled_from(["equal", "none", "lump_sum"]))
def test_curve_monotone_and_equal_to_direct_max(game, selection, sharing):
    n = game.n_players
    a = partial_contract_analysis(game, n, rules=Rules(selection=selection, sharing=sharing))
    ws = [a.welfare_curve[k] for k in range(1, n + 1)]
    known = [w for w in ws if w is not None]
    assert known == sorted(known)
    for k in range(2, n + 1):
        direct = [coalition_outcome(game, S, rules=Rules(selection=selection)).welfare
                  for size in range(2, k + 1) for S in itertools.combinations(range(n), size)]
        direct = [w for w in direct if w is not None] + ([a.no_contract.welfare] if a.no_contract.welfare is not None else [])
        assert a.welfare_curve[k] == (max(direct) if direct else None)
    assert a.welfare_curve[n] == a.optimum_welfare


@given(small_games)
def test_lump_sum_acceptance_iff_bloc_total_covers_members_baseline(game):
    base = no_contract_outcome(game)
    for S in itertools.combinations(range(game.n_players), 2):
        o = coalition_outcome(game, S, rules=Rules(sharing="lump_sum"))
        if o.profile is None or base.payoffs is None:
            continue
        assert o.members_accept == (o.bloc_value >= sum(base.payoffs[i] for i in S))
        # sharing never changes welfare
        assert sum(o.payoffs) == o.welfare == sum(o.raw_payoffs)


@given(small_games)
def test_reported_outcome_is_an_equilibrium_of_the_stated_game(game):
    for S in itertools.combinations(range(game.n_players), 2):
        o = coalition_outcome(game, S)
        if o.profile is None:
            continue
        for j in o.outsiders:  # outsiders best-respond at the reported outcome
            for b in range(game.shape[j]):
                dev = list(o.profile)
                dev[j] = b
                assert game.payoff(dev)[j] <= o.raw_payoffs[j]


@pytest.mark.parametrize("game", [public_goods(6, "5/2", 2), n_prisoners_dilemma(5, 3, 2), volunteers_dilemma(5, 3, 1)])
def test_symmetry_shortcut_equals_direct_solve(game):
    assert is_symmetric(game)
    fast = all_coalition_outcomes(game, game.n_players, use_symmetry=True)
    slow = all_coalition_outcomes(game, game.n_players, use_symmetry=False)
    for S in slow:
        f, s = fast[S], slow[S]
        assert (f.bloc_value, f.welfare, f.members_accept) == (s.bloc_value, s.welfare, s.members_accept)
        assert sorted(f.payoffs[i] for i in S) == sorted(s.payoffs[i] for i in S)
        assert sorted(f.payoffs[i] for i in f.outsiders) == sorted(s.payoffs[i] for i in s.outsiders)


def test_outsiders_without_pure_equilibrium_use_exact_mixed_equilibria():
    """Outsiders 1 and 2 play matching pennies whatever players 0 and 3 do.

    Members 0 and 3 get their own action index, so the bloc commits to (1, 1) (total 2). The
    outsiders' only equilibrium is (1/2, 1/2) each, expected payoffs 0 and 0: W(S) = 2. The
    4-player game has no pure equilibrium and the mixed default covers two players only, so
    acceptance is undefined.  With ``mixed=False`` the commitment is excluded and reported."""
    mp = [[1, -1], [-1, 1]]

    def pay(a):
        x = mp[a[1]][a[2]]
        return (a[0], x, -x, a[3])

    g = NormalFormGame.from_function(pay, (2, 2, 2, 2))
    o = coalition_outcome(g, [0, 3])
    half = (Fraction(1, 2), Fraction(1, 2))
    assert o.profile is None and o.strategies == ((0, 1), half, half, (0, 1))
    assert o.raw_payoffs == (1, 0, 0, 1) and o.welfare == 2 and o.bloc_value == 2 and o.complete
    assert o.members_accept is None and "mixed equilibria" in o.notes[0]
    pure_only = coalition_outcome(g, [0, 3], mixed=False)
    assert pure_only.profile is None and pure_only.strategies is None and not pure_only.complete
    assert "without a pure equilibrium" in pure_only.notes[0]
    a = partial_contract_analysis(g, 2)  # every pair leaves two outsiders: all solved, pure or mixed
    assert a.complete and a.welfare_curve[2] == 2 and a.no_contract.payoffs is None
    assert not partial_contract_analysis(g, 2, mixed=False).complete


def test_two_player_default_without_pure_equilibrium_is_mixed():
    """Matching pennies: the default is the unique equilibrium (1/2, 1/2), welfare 0; the grand
    coalition reaches W* = 0 as well (zero-sum), and members accept."""
    from contract_theory.games.library import matching_pennies
    a = partial_contract_analysis(matching_pennies(), 2)
    assert a.no_contract.strategies == ((Fraction(1, 2), Fraction(1, 2)),) * 2
    assert a.no_contract.payoffs == (0, 0) and a.welfare_curve == {1: 0, 2: 0}
