"""Contract modifications when only K < N sign: closed forms derived here, independent checks, properties.

Every equilibrium claim is re-checked by code written here (plain loops over profiles, or
an explicit game with one player per bloc checked by ``is_pure_nash``), not by the code
under test.
"""

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract_theory import Rules
from contract_theory.contracting.coalitions.normal_form import coalition_outcome, no_contract_outcome
from contract_theory.contracting.coalitions.partial_contracts import partial_contract_analysis
from contract_theory.contracting.modifications.coalition_structures import (
    coalition_structures,
    count_structures,
    structure_analysis,
    structure_outcome,
)
from contract_theory.contracting.modifications.design import design_comparison
from contract_theory.contracting.modifications.observing_contracts import observation_comparison
from contract_theory.contracting.modifications.outsider_payments import (
    PaymentTerms,
    cheapest_payments,
    payments_analysis,
    payments_outcome,
)
from contract_theory.contracting.modifications.recruitment import Admission, recruitment_analysis, recruitment_path
from contract_theory.equilibria.pure import is_pure_nash
from contract_theory.equilibria.welfare import optimum
from contract_theory.errors import ParameterError, SizeLimitError
from contract_theory.games.library import cournot, public_goods, random_game
from contract_theory.games.normal_form import NormalFormGame


# ----------------------------------------------------------------------------- independent helpers
def bloc_game(game, blocks):
    """The game with one player per block (action = joint action of its members, payoff = their total).

    Built by plain loops over profiles: an independent construction of the game between blocs.
    """
    blocks = [tuple(b) for b in blocks]
    sizes = [math.prod(game.shape[i] for i in b) for b in blocks]
    pay = np.empty(tuple(sizes) + (len(blocks),), dtype=object)
    for joint in itertools.product(*(range(s) for s in sizes)):
        prof = [0] * game.n_players
        for b, j in zip(blocks, joint):
            for i, a in zip(b, np.unravel_index(j, [game.shape[i] for i in b])):
                prof[i] = int(a)
        u = game.payoff(tuple(prof))
        pay[joint] = [sum((u[i] for i in b), Fraction(0)) for b in blocks]
    return NormalFormGame(pay)


def bloc_profile(game, blocks, profile):
    return tuple(int(np.ravel_multi_index([profile[i] for i in b], [game.shape[i] for i in b])) for b in blocks)


def naive_gap(game, members, target, o, rule, margin=0):
    """Outsider o's private loss at ``target`` plus ``margin``, by loops over its other actions (and, for
    dominance, the other outsiders' actions); never below 0."""
    outs = [i for i in range(game.n_players) if i not in members and i != o]
    xs = itertools.product(*(range(game.shape[j]) for j in outs)) if rule == "dominant" else [None]
    worst = Fraction(0)
    for x in xs:
        base = list(target)
        if x is not None:
            for j, v in zip(outs, x):
                base[j] = v
        here = game.payoff(tuple(base))[o]
        for b in range(game.shape[o]):
            if b != target[o]:
                base[o] = b
                worst = max(worst, game.payoff(tuple(base))[o] - here + margin)
        base[o] = target[o]
    return worst


small_games = st.builds(
    lambda shape, seed, deg: random_game(shape, 0, 4, seed=seed, degenerate=deg),
    st.sampled_from([(2, 2, 2), (3, 2, 2), (2, 2, 2, 2), (2, 3, 2)]),
    st.integers(0, 10_000), st.booleans())
selections = st.sampled_from(["pessimistic", "optimistic"])


# ----------------------------------------------------------------------------- 1. payments, closed forms
@pytest.mark.parametrize("n, r, e", [(5, 2, 20), (7, 3, 10), (6, "5/2", 12), (4, "3/2", 8)])
def test_public_goods_paying_the_private_loss(n, r, e):
    """Linear public goods, u_i = e - c_i + (r/N) sum_j c_j with c_i in {0, e}.

    An outsider who contributes loses e - r e / N = (1 - r/N) e of its own payoff whatever the
    others do (the game is additively separable), so under both rules the cheapest offer
    making it contribute pays exactly (1 - r/N) e on the path and 0 off it.  Its contribution
    raises each member's payoff by r e / N, the k members' total by k r e / N; net of the
    payment the members gain k r e / N - (1 - r/N) e = e ((k+1) r - N) / N, which is >= 0
    exactly when (k+1) r >= N.
    """
    r, e = Fraction(r), Fraction(e)
    g = public_goods(n, r, e)
    loss = (1 - r / n) * e
    for k in range(2, n):
        members = tuple(range(k))
        for rule in ("nash", "dominant"):
            everyone = cheapest_payments(g, members, (1,) * n, terms=PaymentTerms(rule=rule))
            assert everyone.certified and everyone.cost == (n - k) * loss
            assert all(everyone.payments[o] == (0, loss) for o in range(k, n))
            # one more paid outsider, members' actions fixed
            without = (1,) * k + (0,) * (n - k)
            with_one = (1,) * (k + 1) + (0,) * (n - k - 1)
            worth = (cheapest_payments(g, members, with_one, terms=PaymentTerms(rule=rule)).members_value
                     - cheapest_payments(g, members, without, terms=PaymentTerms(rule=rule)).members_value)
            assert worth == e * ((k + 1) * r - n) / n
            assert (worth >= 0) == ((k + 1) * r >= n)


@pytest.mark.parametrize("n, r", [(5, 2), (7, 3), (6, 2), (8, "5/2"), (4, "3/2")])
def test_public_goods_payments_reach_optimum_with_ceil_n_over_r(n, r):
    """W* needs every player to contribute.  Members contribute iff k r > N (a member's euro
    returns k r / N to the bloc); at k r = N the bloc is indifferent and the module's tie rule
    takes the lower welfare under pessimistic selection, the higher under optimistic.  Once
    members contribute, (k+1) r > N, so paying every outsider its private loss is worth it.
    Hence with payments W* is reached from k = ceil(N/r) (optimistic) and from floor(N/r) + 1
    (pessimistic; the two differ only when r divides N), instead of k = N without payments.
    """
    r = Fraction(r)
    g = public_goods(n, r, 10)
    w_star, _ = optimum(g)
    assert w_star == n * r * 10
    expected = {"optimistic": math.ceil(n / r), "pessimistic": math.floor(n / r) + 1}
    for selection, k_min in expected.items():
        a = payments_analysis(g, n, rules=Rules(selection=selection))
        assert a.curve.min_k_for_optimum == k_min
        assert partial_contract_analysis(g, n, rules=Rules(selection=selection)).min_k_for_optimum == n
    if (n / r).denominator == 1:
        assert expected["pessimistic"] == expected["optimistic"] + 1


def test_payments_below_threshold_buy_outsiders_but_not_members():
    """N=5, r=2, e=20, k=2: 2r = 4 < 5 so members keep; (k+1) r = 6 >= 5 so each outsider is paid
    (1 - 2/5) 20 = 12 and contributes.  Members' net 2*(20 + 2*60/5) - 36 = 52 vs 40 unpaid; each
    outsider gets 2*60/5 + 12 = 36, each member 52/2 = 26 (equal sharing); W = 52 + 108 = 160."""
    g = public_goods(5, 2, 20)
    o = payments_outcome(g, [0, 1])
    assert o.profile == (0, 0, 1, 1, 1) and o.cost == 36 and o.welfare == 160
    assert o.members_value == 52 and o.plain_members_value == 40 and o.members_gain_vs_plain == 12
    assert o.payoffs == (26, 26, 36, 36, 36)


def test_payments_cap_margin_and_indifference():
    """N = 4, r = 2, e = 20: an outsider's private loss is (1 - 2/4) 20 = 10, so a cap of 9 cannot buy
    it and a strict margin of 1 costs 11 per outsider.  Under indifferent="defect" an outsider
    whose loss is exactly paid would not contribute: the offer must beat its alternative."""
    g = public_goods(4, 2, 20)
    assert not cheapest_payments(g, [0, 1], (1, 1, 1, 1), cap=9).feasible
    assert cheapest_payments(g, [0, 1], (1, 1, 1, 1), terms=PaymentTerms(margin=1)).cost == 22
    assert cheapest_payments(g, [0, 1], (1, 1, 1, 1), terms=PaymentTerms(indifferent="defect", margin="1/3")).cost == Fraction(62, 3)
    o = payments_outcome(g, [0, 1, 2], terms=PaymentTerms(indifferent="defect", margin="1/2"))   # 3 r = 6 > 4: members contribute
    assert o.profile == (1, 1, 1, 1) and o.cost == Fraction(21, 2) and o.welfare == 160
    with pytest.raises(ParameterError, match="non-negative"):
        cheapest_payments(g, [0, 1], (1, 1, 1, 1), terms=PaymentTerms(margin=-1))
    with pytest.raises(ParameterError, match="give margin > 0"):
        payments_outcome(g, [0, 1], terms=PaymentTerms(indifferent="defect"))
    with pytest.raises(ParameterError, match="unknown payment rule"):
        payments_outcome(g, [0, 1], terms=PaymentTerms(rule="bribe"))


# ----------------------------------------------------------------------------- 2. observing outsiders
def test_observing_outsiders_does_not_enlarge_one_shot_outcomes():
    g = public_goods(4, "8/5", 20)
    for S in ([0, 1], [0, 1, 2]):
        c = observation_comparison(g, S)
        assert not c.enlarges
        assert c.enforceable["all"] == c.enforceable["members"]
        nash = coalition_outcome(g, S, rules=Rules(timing="nash"))
        assert c.welfare["all"] == nash.welfare


# ----------------------------------------------------------------------------- 3. several contracts
def test_cournot_two_contracts_beat_one():
    """Cournot, N = 4, a = 12, c = 0, q_i in {2, 3}, K = 2; u_i = q_i (12 - Q).

    Alone, a firm facing others' output R prefers 3 iff 3(9 - R) >= 2(10 - R), i.e. R <= 7.
    With j firms at 3, Q = 8 + j; a 3-firm has R = 5 + j <= 7 iff j <= 2 and a 2-firm
    R = 6 + j >= 7 iff j >= 1, so the equilibria have j in {1, 2}, welfare Q (12 - Q) = 27 or
    20: pessimistic no-contract W = 20.  W* = max_Q Q(12 - Q) over Q in 8..12 = 32 at Q = 8.
    A pair facing the other two's output R_O in {4, 5, 6} earns s(12 - s - R_O) for its
    total s in {4, 5, 6}: (16, 15, 12), (12, 10, 6), (8, 5, 0), so s = 4 is strictly dominant.
    Two pairs: both produce 4, Q = 8, W = 32 = W*.  One pair with two single firms
    (simultaneous): the pair produces 4, the singles' equilibria are (3,3), (2,3), (3,2) and
    the pessimistic one gives Q = 10, W = 20; committing first (Stackelberg) the pair's best
    is s = 6 (the singles then play (2, 2)), Q = 10, W = 20 too.
    """
    g = cournot(4, 12, 0, (2, 3))
    a = structure_analysis(g, 2, Rules(timing="nash"))
    assert a.optimum_welfare == 32 and a.best.welfare == 32 and a.best.contracts == 2
    assert a.one_contract_welfare == 20
    assert a.curve.welfare_by_k == {1: 20, 2: 32} and a.curve.min_k_for_optimum == 2
    for timing in ("stackelberg", "nash"):
        assert partial_contract_analysis(g, 2, rules=Rules(timing=timing)).w_k == 20
    assert no_contract_outcome(g).welfare == 20
    two = structure_outcome(g, ((0, 1), (2, 3)))
    assert two.profile == (0, 0, 0, 0) and two.payoffs == (8, 8, 8, 8)
    # Stability.  Two pairs: everyone gets 8; a leaver stands alone against the other pair (which
    # produces 4) and a single firm that produces 3 (pessimistic), Q = 10: it gets 3 * 2 = 6 < 8, and no
    # pair can take a third member (K = 2), so two pairs are stable under both memberships.  One pair:
    # the pair gets 4 each, the singles 3 * 2 = 6; single firm 2 joining firm 3 makes two pairs and
    # gets 8 > 6 (firm 3 consents, 8 >= 6), so one pair is unstable either way.
    # The game is symmetric, so the 10 structures are solved as 3 classes (2+2, 2+1+1, 1+1+1+1),
    # each by its canonical structure; the 3 pairings are one class.
    pairs = ((0, 1), (2, 3))
    singles = ((0,), (1,), (2,), (3,))
    assert a.by_composition and a.multiplicity == {pairs: 3, ((0, 1), (2,), (3,)): 6, singles: 1}
    assert a.stable("open") == a.stable("exclusive") == [pairs, singles]
    assert a.stable_count("open") == 4
    assert a.stability[((0, 1), (2,), (3,))].open_witness == (2, (2,), (3,), 6, 8)
    assert a.stability[((0, 1), (2,), (3,))].exclusive_witness == (2, (2,), (3,), 6, 8)
    # The contracts leading (Stackelberg timing, the default): the pair produces 6 and earns 12
    # (6 each), the singles produce 2 and earn 4; so a single firm joining the other gains 8 > 4.
    # From no contract (pessimistic: firms 0, 1 produce 2 and earn 4, firms 2, 3 produce 3 and
    # earn 6), firm 0 joining firm 1 makes a leading pair: 6 > 4, and firm 1 consents (6 >= 4).
    led = structure_analysis(g, 2)
    assert led.outcomes[((0, 1), (2,), (3,))].payoffs == (6, 6, 4, 4)
    assert led.stability[((0, 1), (2,), (3,))].open_witness == (2, (2,), (3,), 4, 8)
    assert led.stability[singles].open_witness == (0, (0,), (1,), 4, 6)
    assert led.stable("open") == [pairs] and led.best.welfare == 32


def test_structure_enumeration_guard():
    assert count_structures(10, 10) == 115975
    assert len(list(coalition_structures(5, 5))) == 52 == count_structures(5, 5)
    with pytest.raises(SizeLimitError, match="115975 coalition structures"):
        next(coalition_structures(10, 10))
    with pytest.raises(ParameterError, match="not a partition"):
        structure_outcome(cournot(3), ((0, 1),))


# ----------------------------------------------------------------------------- 4. recruitment
@pytest.mark.parametrize("n, r", [(5, 2), (7, 2), (9, 4), (6, "5/2")])
def test_public_goods_recruitment_stops_at_stable_size(n, r):
    """Equal sharing: a coalition of k contributes iff k r > N (pessimistic tie), then a member gets
    r k e / N and an outsider e + r k e / N.  The stable size k* is the smallest k with k r > N:
    internally stable since r k* / N > 1 = what a leaver gets (S minus it does not contribute),
    and k* + 1 is not (r/N < 1); externally stable since an outsider keeps e more than a member.
    Recruitment: from k* - 1 members the admission of one more makes contributions pay
    (incumbents' total rises), the recruit gets r k* e / N >= e; from k* no recruit gains
    (r (k*+1) e / N < e + r k* e / N).  So growth stops at k*.  From a smaller start the first
    admissions change nothing (no one contributes), so with a strict incumbent tie growth
    stalls there; with the weak incumbent tie it reaches k*.
    """
    r = Fraction(r)
    g = public_goods(n, r, 10)
    k_star = math.floor(n / r) + 1
    stable_sizes = {len(S) for S in partial_contract_analysis(g, n).stable_coalitions}
    assert stable_sizes == {k_star}
    start = tuple(range(max(2, k_star - 1)))
    p = recruitment_path(g, start)
    assert p.stop_size == k_star and p.stop_reason == "no recruit is as well off inside"
    assert recruitment_path(g, (0, 1), admission=Admission(incumbent_tie="weak")).stop_size == k_star
    if k_star > 3:
        assert recruitment_path(g, (0, 1)).stop_size == 2
    assert not recruitment_analysis(g, start_size=len(start)).grand_coalition_reached


# ----------------------------------------------------------------------------- 5. design comparison
def test_design_public_goods_rows():
    d = design_comparison(public_goods(5, 2, 20), 3)
    rows = {r.name: r for r in d.modifications}
    assert d.baseline.welfare == 160 and d.baseline.min_k_for_optimum is None
    pay = rows["payments to outsiders"]
    assert pay.welfare == 200 and pay.min_k_for_optimum == 3 and pay.cost == 24
    assert pay.members_gain + pay.outsiders_gain == 200 - 100
    assert pay.assumptions["B1"] == "holds" and d.baseline.assumptions["B1"] == "fails"
    assert rows["observing outsiders"].welfare == 160


# ----------------------------------------------------------------------------- properties
@given(small_games, selections, st.sampled_from([0, Fraction(1, 2), 1]), st.data())
def test_payments_outcome_is_an_equilibrium_of_the_modified_game(game, selection, margin, data):
    n = game.n_players
    S = tuple(sorted(data.draw(st.sets(st.integers(0, n - 1), min_size=2, max_size=n - 1))))
    o = payments_outcome(game, S, terms=PaymentTerms(margin=margin), rules=Rules(selection=selection))
    outs = [i for i in range(n) if i not in S]
    if not o.paid and o.offer is None:
        return
    assert all(v >= 0 for p in o.offer.payments.values() for v in p)
    # modified game: outsiders get u_o + p_o(a_o); check the target independently
    prof = o.profile
    for i in outs:
        p = o.offer.payments[i]
        others = [j for j in outs if j != i] if o.rule == "dominant" else []
        for x in itertools.product(*(range(game.shape[j]) for j in others)):
            base = list(prof)
            for j, v in zip(others, x):
                base[j] = v
            here = game.payoff(tuple(base))[i] + p[prof[i]]
            for b in range(game.shape[i]):
                base[i] = b
                assert here >= game.payoff(tuple(base))[i] + p[b] + (margin if b != prof[i] else 0)
            base[i] = prof[i]
    # the bloc's choice is the best net value over every target (naive costs)
    best = max(sum(game.payoff(a)[m] for m in S) - sum(naive_gap(game, S, a, i, o.rule, margin) for i in outs)
               for a in game.profiles())
    assert o.members_value == best
    assert o.offer.cost == sum(naive_gap(game, S, prof, i, o.rule, margin) for i in outs)


@given(small_games, selections)
def test_structure_outcomes_are_equilibria_between_blocs(game, selection):
    k = game.n_players
    a = structure_analysis(game, k, rules=Rules(selection=selection, timing="nash"))
    for s, out in a.outcomes.items():
        if out.profile is None:
            continue
        assert is_pure_nash(bloc_game(game, s), bloc_profile(game, s, out.profile))


def test_one_leading_contract_and_the_singletons_tie_rule():
    """The singletons' reply is selected by the leader's total first, as for one coalition: on games
    with payoffs in 0..2 (frequent ties; about 6% of these cases separate the leader's total from
    welfare) the structure's outcome is ``coalition_outcome``'s."""
    for seed in range(100):
        for shape in ((2, 2, 2), (2, 2, 2, 2)):
            g = random_game(shape, 0, 2, seed=seed)
            structure = tuple(sorted([(0, 1)] + [(i,) for i in range(2, len(shape))]))
            for selection in ("pessimistic", "optimistic"):
                rules = Rules(selection=selection)
                one = coalition_outcome(g, (0, 1), rules=rules, mixed=False)
                assert structure_outcome(g, structure, rules).profile == one.profile


@given(small_games, selections, st.data())
def test_one_leading_contract_is_the_stackelberg_coalition(game, selection, data):
    """With one contract and singletons, the contracts-lead timing of a structure is the Stackelberg
    coalition outcome with pure continuations (``coalition_outcome``, independent code), tie rule included."""
    n = game.n_players
    S = tuple(sorted(data.draw(st.sets(st.integers(0, n - 1), min_size=2, max_size=n - 1))))
    structure = tuple(sorted([S] + [(i,) for i in range(n) if i not in S]))
    rules = Rules(selection=selection)
    led = structure_outcome(game, structure, rules)
    one = coalition_outcome(game, S, rules=rules, mixed=False)
    assert led.welfare == one.welfare and led.profile == one.profile


@given(small_games, selections, st.data())
def test_observing_outcome_is_an_equilibrium_between_bloc_and_outsiders(game, selection, data):
    n = game.n_players
    S = tuple(sorted(data.draw(st.sets(st.integers(0, n - 1), min_size=2, max_size=n - 1))))
    c = observation_comparison(game, S, selection=selection)
    assert not c.enlarges and c.reachable["all"] == c.reachable["members"]
    blocks = [S] + [(i,) for i in range(n) if i not in S]
    bg = bloc_game(game, blocks)
    for prof in c.reachable["all"]:
        assert is_pure_nash(bg, bloc_profile(game, blocks, prof))
    # and every equilibrium of the bloc game is reachable (no rich contract is ever missing)
    for prof in game.profiles():
        if is_pure_nash(bg, bloc_profile(game, blocks, prof)):
            assert prof in c.reachable["all"]


@given(small_games, selections)
def test_recruitment_stops_where_no_admission_qualifies(game, selection):
    n = game.n_players
    p = recruitment_path(game, (0, 1), rules=Rules(selection=selection))
    S = p.path[-1]
    here = coalition_outcome(game, S, rules=Rules(selection=selection))
    if p.stop_reason in ("grand coalition", "undefined outcome") or here.payoffs is None:
        return
    for j in range(n):
        if j in S:
            continue
        new = coalition_outcome(game, tuple(sorted(S + (j,))), rules=Rules(selection=selection))
        if new.payoffs is None:
            continue
        rise = sum(new.payoffs[i] for i in S) - sum(here.payoffs[i] for i in S)
        assert not (rise > 0 and new.payoffs[j] >= here.payoffs[j])


@given(small_games, selections)
def test_with_k_equal_n_every_modification_reaches_the_optimum(game, selection):
    """The full-contract theorem: the grand coalition's bloc maximizes total payoff, so W_N = W*."""
    n = game.n_players
    w_star, _ = optimum(game)
    assert payments_analysis(game, n, rules=Rules(selection=selection)).curve.w_k == w_star
    assert structure_analysis(game, n, rules=Rules(selection=selection)).best.welfare == w_star
    assert observation_comparison(game, tuple(range(n)), selection=selection).welfare["all"] == w_star


def test_one_outsider_payments_do_not_always_restore_optimum():
    """Commons, N = 3, capacity 12, x_i in {0..4}, u_i = x_i (12 - X) / 12, K = 2 = N - 1.

    With payments the bloc's net value is W(a) - v_o(a_S), where v_o(a_S) = max_x u_o(a_S, x) is the
    outsider's best-response payoff: the bloc pays it exactly what it gives up.  W* = 3 needs X = 6;
    with a_S summing to 6 the outsider could get max_x x (6 - x) / 12 = 9/12 (x = 3), so the bloc's net
    is at most 3 - 3/4 = 9/4.  Over-extracting a_S = (3, 4) (X_S = 7) pushes v_o down to
    max_x x (5 - x) / 12 = 1/2 (x = 2 or 3); with the outsider paid 1/2 to extract 0 the members get
    7 * 5/12 - 1/2 = 29/12 > 9/4, and W = 35/12 < 3.  The bloc manipulates the outsider's
    reservation value (Jackson and Wilkie 2005), so "K = N - 1 plus payments to the single
    outsider" (paper notes E.3 G4(e)) is not efficient in general.
    """
    from contract_theory.games.library import commons

    g = commons(3, 12, (0, 1, 2, 3, 4))
    for selection in ("pessimistic", "optimistic"):
        a = payments_analysis(g, 2, rules=Rules(selection=selection))
        assert a.curve.welfare_by_k == {1: Fraction(9, 4), 2: Fraction(35, 12)}
        assert a.curve.min_k_for_optimum is None
        b = a.best
        assert g.labels(b.profile) == ("3", "4", "0") and b.cost == Fraction(1, 2)
        assert b.members_value == Fraction(29, 12)
    assert payments_analysis(g, 3).curve.min_k_for_optimum == 3


def test_cournot_structures_in_a_stated_order():
    """Same Cournot game, blocs moving one after another (backward induction, pessimistic ties).

    Pair {0, 1} first, then firm 2, then firm 3.  If the pair produces 6, each single firm faces
    R >= 8 and produces 2 (Q = 10, the pair earns 12).  If it produces 5, firm 2 producing 3 leaves
    firm 3 at R = 8, so firm 3 produces 2 and firm 2 earns 6 > 4: Q = 10, the pair earns 10.  If it
    produces 4, firm 2 is indifferent between 2 and 3 (6 either way) and the pessimistic rule takes
    the lower welfare, Q = 10: the pair earns 8.  So the pair produces 6 and W = 20, the
    Stackelberg coalition outcome.  Two pairs: producing 4 is strictly dominant for each, W = 32.
    """
    g = cournot(4, 12, 0, (2, 3))
    one = structure_outcome(g, ((0, 1), (2,), (3,)), order=(0, 1, 2, 3))
    assert one.profile == (1, 1, 0, 0) and one.welfare == 20
    assert coalition_outcome(g, (0, 1)).profile == (1, 1, 0, 0)
    two = structure_outcome(g, ((0, 1), (2, 3)), order=(2, 3, 0, 1))
    assert two.profile == (0, 0, 0, 0) and two.optimum_is_equilibrium
    assert structure_analysis(g, 2, order=(0, 1, 2, 3)).best.welfare == 32
    with pytest.raises(ParameterError, match="order must list every player"):
        structure_outcome(g, ((0, 1), (2, 3)), order=(0, 1))


@given(st.sampled_from([(2, 2, 2), (3, 2, 2), (2, 3, 3)]), st.integers(0, 10_000))
def test_sequential_bloc_then_one_outsider_is_the_stackelberg_outcome(shape, seed):
    """A bloc {0, 1} moving before the single outsider 2 is the Stackelberg coalition of
    :mod:`coalitions` (independent code) whenever no tie needs a rule (distinct payoffs)."""
    from hypothesis import assume

    g = random_game(shape, 0, 10**6, seed=seed)
    bloc = g.table[..., 0] + g.table[..., 1]
    assume(len(set(bloc.reshape(-1).tolist())) == bloc.size)
    for a in itertools.product(range(shape[0]), range(shape[1])):
        col = g.table[a][:, 2].tolist()
        assume(len(set(col)) == len(col))
    seq = structure_outcome(g, ((0, 1), (2,)), order=(0, 1, 2))
    assert seq.profile == coalition_outcome(g, (0, 1)).profile


def test_exclusive_membership_needs_consent():
    """A random game (seed 2) where player 0 gains by joining player 1 (3 -> 7/2, equal sharing) but
    player 1 would fall from 4 to 7/2: open membership lets 0 in (unstable), exclusive membership
    needs 1's consent, which it refuses (stable)."""
    g = random_game((2, 2, 2), 0, 4, seed=2)
    a = structure_analysis(g, 3)
    alone = ((0,), (1,), (2,))
    assert a.outcomes[alone].payoffs == (3, 4, 3)
    joined = structure_outcome(g, ((0, 1), (2,)), baseline=no_contract_outcome(g))
    assert joined.payoffs[:2] == (Fraction(7, 2), Fraction(7, 2))
    assert a.stability[alone].open_witness == (0, (0,), (1,), 3, Fraction(7, 2))
    assert a.stability[alone].exclusive_stable is True
    assert alone in a.stable("exclusive") and alone not in a.stable("open")
    # a receiving member who must be strictly better off refuses too; one who accepts a loss would not
    assert structure_analysis(g, 3, consent_tie="strict").stability[alone].exclusive_stable is True


@pytest.mark.parametrize("n, r, k_min", [(7, 3, 4), (6, 3, 3), (5, 2, 5), (8, 3, 4)])
def test_public_goods_several_contracts(n, r, k_min):
    """Separable payoffs: a bloc of b members contributes iff b r > N whatever the others do (pessimistic
    tie at b r = N: not), so W* needs a partition of N into blocks each of more than N/r members and at
    most K: the smallest K is the smallest largest part of such a partition.  N = 7, r = 3: parts >= 3,
    7 = 3 + 4, K = 4.  N = 6, r = 3: parts >= 3, 6 = 3 + 3.  N = 5, r = 2: parts >= 3, only 5 itself.
    N = 8, r = 3: parts >= 3, 8 = 4 + 4 (3 + 5 has a larger part, 3 + 3 + 2 a part too small)."""
    a = structure_analysis(public_goods(n, r, 10), n)
    assert a.curve.min_k_for_optimum == k_min


def test_members_still_gain_after_paying():
    """N = 5, r = 2, e = 20, k = 2, target everyone contributes: members get r e = 40 each (80) and pay
    the three outsiders 12 each (36): 44 > 40 = their no-contract total.  Making only the outsiders
    contribute instead: members get 20 + 2*60/5 = 44 each (88) and pay 36: 52.  With a coalition of 2
    in N = 9, r = 2, e = 20, everyone contributing pays 7 outsiders (1 - 2/9) 20 = 140/9 each,
    980/9 in all, against 2 r e = 80 received: net 80 - 980/9 = -260/9 against 2 e = 40 without a
    contract, a gain of -620/9: the members would not gain."""
    g = public_goods(5, 2, 20)
    o = cheapest_payments(g, [0, 1], (1,) * 5)
    assert o.members_value == 44 and o.members_gain == 4 and o.members_still_gain
    assert cheapest_payments(g, [0, 1], (0, 0, 1, 1, 1)).members_gain == 12
    big = cheapest_payments(public_goods(9, 2, 20), [0, 1], (1,) * 9)
    assert big.members_gain == Fraction(-620, 9) and big.members_still_gain is False


def test_every_result_records_method_exactness_parameters_completeness_notes():
    g = public_goods(4, 2, 20)
    results = [payments_analysis(g, 3), payments_outcome(g, [0, 1]), observation_comparison(g, [0, 1]),
               structure_analysis(g, 3), recruitment_analysis(g, 3), design_comparison(g, 3)]
    for r in results:
        assert r.method and r.exact is True and r.payoffs_exact is True and r.complete is True
        assert isinstance(r.parameters, dict) and r.parameters and isinstance(r.notes, tuple)
    assert results[0].parameters == {"k": 3, "selection": "pessimistic", "rule": "dominant", "sharing": "equal",
                                     "use_symmetry": True, "max_coalitions": 20_000, "indifferent": "comply",
                                     "margin": "0"}
    floats = NormalFormGame(np.array(g.fractions, dtype=float))
    assert payments_analysis(floats, 3).payoffs_exact is False


@given(small_games, st.sampled_from(["nash", "dominant"]), st.sampled_from([0, Fraction(1, 2), 1]), st.data())
def test_cheapest_payments_match_the_private_loss_at_every_target(game, rule, margin, data):
    """The vectorized gaps and the certified LP both equal the loop-computed private loss (plus margin)."""
    from contract_theory.contracting.modifications.outsider_payments import payment_gaps

    n = game.n_players
    S = tuple(sorted(data.draw(st.sets(st.integers(0, n - 1), min_size=2, max_size=n - 1))))
    target = tuple(data.draw(st.integers(0, m - 1)) for m in game.shape)
    outs = [i for i in range(n) if i not in S]
    naive = [naive_gap(game, S, target, i, rule, margin) for i in outs]
    gaps, scale = payment_gaps(game, S, rule, margin)
    assert [Fraction(int(v), scale) for v in gaps[target]] == naive
    offer = cheapest_payments(game, S, target, terms=PaymentTerms(rule=rule, margin=margin))
    assert offer.certified and offer.cost == sum(naive)
    assert all(offer.payments[i][target[i]] == g for i, g in zip(outs, naive))
    assert all(v >= 0 for p in offer.payments.values() for v in p)


@given(small_games, st.integers(2, 4))
def test_open_membership_stability_by_brute_force(game, k):
    """A structure T is one move of player i away from S iff removing i from both leaves the same
    partition of the others (and T != S); S is open-stable iff no such move makes i strictly better off."""
    n = game.n_players
    k = min(k, n)
    a = structure_analysis(game, k)

    def without(struct, i):
        return tuple(sorted(tuple(x for x in b if x != i) for b in struct if b != (i,)))

    for S, st_ in a.stability.items():
        here = a.outcomes[S].payoffs
        if here is None or st_.open_stable is None:
            continue
        gains = [a.outcomes[T].payoffs[i] > here[i] for T in a.outcomes for i in range(n)
                 if T != S and without(T, i) == without(S, i) and a.outcomes[T].payoffs is not None]
        assert st_.open_stable == (not any(gains))


def test_recruitment_on_the_compact_abatement_game_stops_at_barretts_size():
    """Emissions abatement (docs/background/model.md#8-compact-games), N = 5, b = c = 1, expanded from its
    compact form: outsiders abate b/c, a k-bloc's members k b/c.  A recruit compares a member's payoff in
    k + 1 with an outsider's in k: F(k+1) = -(b^2/2c) k (k-2) >= 0 iff k <= 2 (F(3) = 0: the weak
    recruit tie joins).  The incumbents gain (k = 2 -> 3: Q = 7 -> 11, a member's payoff 7 - 2 = 5 ->
    11 - 9/2 = 13/2).  So recruitment from two members stops at 3, Barrett's stable size, which the
    stability analysis also finds; and the design comparison accepts the compact game directly."""
    from contract_theory.games.compact_library import compact_from_spec

    compact, _ = compact_from_spec("iea:n=5,b=1,c=1")
    g = compact.to_dense()
    p = recruitment_path(g, (0, 1))
    assert p.path == ((0, 1), (0, 1, 2)) and p.stop_reason == "no recruit is as well off inside"
    assert p.outcome.payoffs[:3] == (Fraction(13, 2),) * 3
    assert {len(S) for S in partial_contract_analysis(g, 5).stable_coalitions} == {3}
    d = design_comparison(compact, 2)
    assert d.baseline.welfare == design_comparison(g, 2).baseline.welfare
