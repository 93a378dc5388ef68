"""Compact games against their dense forms: every quantity agrees exactly on games small enough for both.

The oracle is the dense code (:mod:`contract_theory.contracting.coalitions.partial_contracts`, ``mixed=False``)
applied to ``to_dense()`` of random anonymous, typed anonymous and aggregative games with at most
8 players; the compact code works by counts / compositions and never builds the tensor.
"""

import itertools
import math
import random
from fractions import Fraction
from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from contract_theory import ProtocolRules, Rules, api
from contract_theory.contracting.coalitions.compact import CompactBloc, canonical_coalition, counts_no_contract
from contract_theory.contracting.coalitions.normal_form import is_symmetric
from contract_theory.contracting.coalitions.partial_contracts import partial_contract_analysis
from contract_theory.contracting.protocol.assumptions import UNDECIDED, check_assumptions
from contract_theory.contracting.protocol.compact_checks import _compact_assumptions, _compact_theorem_check
from contract_theory.contracting.protocol.spe import theorem_check
from contract_theory.equilibria.compact import _compact_optimum, _compact_pure_equilibria
from contract_theory.equilibria.pure import pure_nash_solve
from contract_theory.equilibria.welfare import optimum
from contract_theory.errors import GameError, ParameterError, SizeLimitError
from contract_theory.games import library as L
from contract_theory.games.compact import AggregativeGame, AnonymousGame, anonymous_game, distributions
from contract_theory.games.compact_library import (
    commons_compact,
    cournot_compact,
    el_farol_compact,
    iea,
    n_prisoners_dilemma_compact,
    n_stag_hunt_compact,
    public_goods_compact,
    volunteers_dilemma_compact,
)
from contract_theory.games.normal_form import NormalFormGame

OPTIONS = list(itertools.product(("stackelberg", "nash"), ("pessimistic", "optimistic"),
                                 ("equal", "lump_sum", "none")))


def all_counts(type_counts, n_actions):
    out = [()]
    for n, m in zip(type_counts, n_actions):
        out = [c + (tuple(int(v) for v in r),) for c in out for r in distributions(n, m)]
    return out


def counts_of(game, profile):
    types = [game.player_type(i) for i in range(game.n_players)]
    return tuple(tuple(sum(1 for i, a in enumerate(profile) if types[i] == t and a == b)
                       for b in range(m)) for t, m in enumerate(game.n_actions))


def composition_of(game, coalition):
    return tuple(sum(1 for i in coalition if game.player_type(i) == t) for t in range(game.n_types))


# ---------------------------------------------------------------------------- strategies
def seeded_game(counts, m, seed, top=6, den=2):
    """The anonymous game with payoffs randint(-top, top)/den drawn by ``random.Random(seed)``, one per
    (type, action, count matrix) in :func:`all_counts` order (the strategies below; the falsifying
    examples name games by their seed)."""
    rng = random.Random(seed)
    table = {(t, b, c): Fraction(rng.randint(-top, top), den) for c in all_counts(counts, m)
             for t, row in enumerate(c) for b, k in enumerate(row) if k}
    return AnonymousGame(counts, [[f"a{b}" for b in range(mt)] for mt in m], lambda t, b, c: table[(t, b, c)])


@st.composite
def anonymous_games(draw, max_types=2):
    """Random typed anonymous games (payoffs k/2 with k in -6..6: many ties) with at most 8 players."""
    T = draw(st.integers(1, max_types))
    counts = [draw(st.integers(1, 8 if T == 1 else 3)) for _ in range(T)]
    m = [draw(st.integers(2, 3)) for _ in range(T)]
    assume(math.prod(mt ** n for mt, n in zip(m, counts)) <= 256 and sum(counts) >= 2)
    return seeded_game(counts, m, draw(st.integers(0, 2 ** 32 - 1)))


@st.composite
def aggregative_games(draw, linear=None):
    """Random aggregative games: small integer action values and weights, polynomial payoffs."""
    T = draw(st.integers(1, 2))
    counts = [draw(st.integers(1, 6 if T == 1 else 3)) for _ in range(T)]
    values = [sorted(draw(st.sets(st.integers(0, 4), min_size=2, max_size=3))) for _ in range(T)]
    assume(math.prod(len(v) ** n for v, n in zip(values, counts)) <= 256 and sum(counts) >= 2)
    weights = [draw(st.integers(1, 2)) for _ in range(T)]
    lin = draw(st.booleans()) if linear is None else linear
    terms = [(0, 1), (1, 0), (2, 0), (0, 0)] + ([] if lin else [(1, 1), (0, 2)])
    coef = st.fractions(min_value=-3, max_value=3, max_denominator=2)
    polys = [{pq: draw(coef) for pq in terms} for _ in range(T)]
    return AggregativeGame(counts, values, weights=weights, poly=polys)


# ---------------------------------------------------------------------------- the comparison
def assert_same(cg, timing, selection, sharing, tie="inside"):
    """Every quantity of the compact analysis equals the dense one (stability: where the dense answer
    does not depend on which players form a coalition of that composition and outcomes are uniform)."""
    d = cg.to_dense()
    n = cg.n_players
    a = api.partial_contract_analysis(cg, n, Rules(timing=timing, selection=selection, sharing=sharing, tie=tie))
    b = partial_contract_analysis(d, n, mixed=False, rules=Rules(timing=timing, selection=selection, sharing=sharing, tie=tie))
    assert a.optimum_welfare == b.optimum_welfare
    assert set(a.optimum_profiles) == {counts_of(cg, p) for p in b.optimum_profiles}
    assert a.no_contract.welfare == b.no_contract.welfare
    assert a.no_contract.payoffs == b.no_contract.payoffs
    assert a.no_contract.profile == b.no_contract.profile
    assert a.welfare_curve == b.welfare_curve
    assert a.min_k_for_optimum == b.min_k_for_optimum
    assert (a.price_of_partial_contracting, a.price_measure) == (b.price_of_partial_contracting, b.price_measure)
    assert a.complete == b.complete
    for k in range(2, n + 1):
        x, y = a.by_k[k], b.by_k[k]
        assert (x is None) == (y is None)
        if x is not None:
            assert (x.coalition, x.profile, x.payoffs, x.raw_payoffs, x.bloc_value, x.welfare, x.members_accept,
                    x.gains) == (y.coalition, y.profile, y.payoffs, y.raw_payoffs, y.bloc_value, y.welfare,
                                 y.members_accept, y.gains)
            assert set(a.best_compositions_by_k[k]) == {composition_of(cg, S) for S in b.best_coalitions_by_k[k]}
    # every coalition's welfare and bloc value depend on its composition only
    for S, o in b.outcomes.items():
        c = a.outcomes[composition_of(cg, S)]
        assert (c.welfare, c.bloc_value) == (o.welfare, o.bloc_value)
    dense = {}
    for S, chk in b.stability.items():
        dense.setdefault(composition_of(cg, S), set()).add(chk.stable)

    def uniform(s):
        o = a.outcomes.get(s)
        return o is None or o.member_runs is None or all(len(r) <= 1 for r in o.member_runs + o.outsider_runs)

    compared = 0
    for s, vals in dense.items():
        near = [s] + [s[:t] + (s[t] + dx,) + s[t + 1:] for t in range(len(s)) for dx in (-1, 1)]
        base_uniform = a.no_contract.runs is None or all(len(r) <= 1 for r in a.no_contract.runs)
        if len(vals) == 1 and all(uniform(z) for z in near) and base_uniform:
            assert a.stability[s].stable == next(iter(vals)), s
            compared += 1
    return compared


@given(anonymous_games(max_types=1), st.sampled_from(OPTIONS), st.sampled_from(("inside", "outside", "both-weak",
                                                                               "both-strict")))
def test_random_anonymous_games_agree_with_dense(cg, opts, tie):
    assert_same(cg, *opts, tie=tie)


@given(anonymous_games(max_types=2), st.sampled_from(OPTIONS))
def test_random_typed_games_agree_with_dense(cg, opts):
    assert_same(cg, *opts)


@given(aggregative_games(), st.sampled_from(OPTIONS), st.sampled_from(("inside", "outside")))
def test_random_aggregative_games_agree_with_dense(cg, opts, tie):
    assert_same(cg, *opts, tie=tie)


@given(anonymous_games(max_types=2))
def test_pure_equilibria_and_optimum_by_counts(cg):
    d = cg.to_dense()
    dense_eq = {counts_of(cg, p) for p in pure_nash_solve(d).equilibria}
    assert set(_compact_pure_equilibria(cg).equilibria) == dense_eq
    w, profs = optimum(d)
    assert _compact_optimum(cg) == (w, tuple(sorted({counts_of(cg, p) for p in profs})))


@given(aggregative_games(linear=True))
def test_linear_engine_equals_counts_engine(cg):
    """The dominant-action engine of linear aggregative games and the general counts engine agree."""
    plain = AnonymousGame(cg.type_counts, cg.actions, cg.payoff)  # same payoffs, no linear structure
    assert set(_compact_pure_equilibria(cg).equilibria) == set(_compact_pure_equilibria(plain).equilibria)
    assert _compact_optimum(cg) == _compact_optimum(plain)
    for sel in ("pessimistic", "optimistic"):
        b1, b2 = counts_no_contract(cg, sel), counts_no_contract(plain, sel)
        assert (b1.counts, b1.welfare) == (b2.counts, b2.welfare)
        for s in itertools.product(*(range(n + 1) for n in cg.type_counts)):
            if sum(s) < 2:
                continue
            for timing in ("stackelberg", "nash"):
                x = api.coalition_outcome(cg, s, baseline=b1, rules=Rules(timing=timing, selection=sel))
                y = api.coalition_outcome(plain, s, baseline=b2, rules=Rules(timing=timing, selection=sel))
                assert (x.members, x.outsiders, x.welfare, x.payoffs) == (y.members, y.outsiders, y.welfare,
                                                                          y.payoffs)


#: types [3, 1], actions 3 and 2, seed 60: every size-2 coalition leaves two outsiders, and some member
#: commitments leave them without a pure equilibrium; the dense W_2 uses their mixed equilibria
#: (57/91 pessimistic, 21/5 optimistic: B3 fails), the counts engine only pure ones (-1 both ways).
#: It used to answer "B3 holds"; now it says "undecided".
B3_MIXED_GAME = seeded_game([3, 1], [3, 2], 60)


@given(st.one_of(anonymous_games(max_types=2), aggregative_games()), st.sampled_from((2, 3)))
@example(B3_MIXED_GAME, 2)
def test_assumption_checks_agree_with_dense(cg, k):
    """Every check the compact code decides agrees with the dense one; it leaves undecided only the
    checks that read two-outsider Stackelberg outcomes it cannot solve (mixed continuations)."""
    assume(k <= cg.n_players)
    for kk in {k, cg.n_players}:
        for default in ("pessimistic", "any"):
            rules = Rules(protocol=ProtocolRules(default=default))
            x = [(c.id, c.status) for c in _compact_assumptions(cg, k=kk, rules=rules)]
            y = [(c.id, c.status) for c in check_assumptions(cg.to_dense(), k=kk, rules=rules)]
            assert [i for i, _ in x] == [i for i, _ in y]
            assert {i for i, st_ in x if st_ == UNDECIDED} <= {"A7", "B2", "B3", "B4"}
            assert [p for p in x if p[1] != UNDECIDED] == [q for p, q in zip(x, y) if p[1] != UNDECIDED]


def test_checks_on_two_outsider_mixed_continuations_are_undecided():
    """The falsifying example of the property above: the dense oracle's W_2 differs between selections
    (mixed equilibria of the two outsiders), so B3 fails there; the compact check must not say "holds"."""
    dense = {c.id: c for c in check_assumptions(B3_MIXED_GAME.to_dense(), k=2)}
    assert dense["B3"].status == "fails"
    assert dense["B3"].witness == {"pessimistic": "57/91", "optimistic": "21/5"}
    compact = {c.id: c for c in _compact_assumptions(B3_MIXED_GAME, k=2)}
    assert compact["B3"].status == UNDECIDED
    assert compact["B3"].witness["count"] > 0 and "mixed" in compact["B3"].explanation
    a = api.partial_contract_analysis(B3_MIXED_GAME, 2)
    assert not a.complete and any("mixed" in note for o in a.outcomes.values() for note in o.notes)


# ---------------------------------------------------------------------------- library
LIBRARY = [
    (public_goods_compact(4, "8/5", 20), L.public_goods(4, "8/5", 20)),
    (n_prisoners_dilemma_compact(5, 3, 1), L.n_prisoners_dilemma(5, 3, 1)),
    (volunteers_dilemma_compact(4), L.volunteers_dilemma(4)),
    (n_stag_hunt_compact(4, 2), L.n_stag_hunt(4, 2)),
    (el_farol_compact(5, 3), L.el_farol(5, 3)),
    (commons_compact(3), L.commons(3)),
    (cournot_compact(3), L.cournot(3)),
]


@pytest.mark.parametrize("cg,dense", LIBRARY, ids=lambda g: getattr(g, "title", ""))
def test_library_compact_games_equal_the_dense_ones(cg, dense):
    assert cg.to_dense() == dense
    assert AnonymousGame.from_dense(dense).to_dense() == dense
    compared = sum(assert_same(cg, *opts) for opts in OPTIONS)
    # stability is compared where outcomes are uniform (not e.g. the volunteer's dilemma: one volunteer)
    assert compared > 0 or any(len(r) > 1 for r in counts_no_contract(cg).runs)


@pytest.mark.parametrize("cg", [iea(5, 1, 2), public_goods_compact(counts=[2, 3], e=[1, 2], r=3),
                                iea(counts=[2, 2], b=[1, 2], c=1), volunteers_dilemma_compact(counts=[2, 2], c=[1, "1/2"]),
                                n_prisoners_dilemma_compact(counts=[3, 2], c=[1, 2])],
                         ids=lambda g: g.title)
def test_typed_library_games_agree_with_dense(cg):
    for opts in OPTIONS[::3]:
        assert_same(cg, *opts)


def test_symmetric_dense_games_are_recognized_as_anonymous():
    """Recognition agrees with the permutation test :func:`is_symmetric` on symmetric and asymmetric games."""
    for g in (L.public_goods(3), L.volunteers_dilemma(3), L.cournot(2), L.prisoners_dilemma()):
        assert is_symmetric(g)
        assert (AnonymousGame.from_dense(g).to_dense().fractions == g.fractions).all()
    for g in (L.battle_of_the_sexes(), L.matching_pennies(), L.random_game((2, 2, 2), seed=3)):
        assert not is_symmetric(g)
        with pytest.raises(GameError, match="not anonymous"):
            AnonymousGame.from_dense(g)
    typed = public_goods_compact(counts=[2, 1], e=[1, 2], r=2).to_dense()
    assert not is_symmetric(typed)
    assert AnonymousGame.from_dense(typed, [2, 1]).to_dense() == typed


@given(anonymous_games(max_types=1))
def test_from_dense_round_trip(cg):
    d = cg.to_dense()
    assert is_symmetric(d)
    assert AnonymousGame.from_dense(d).to_dense() == d


def test_limits_and_bad_input():
    with pytest.raises(SizeLimitError, match="compact game directly"):
        public_goods_compact(40, 3, 1).to_dense()
    with pytest.raises(ParameterError, match="at least 2"):
        api.coalition_outcome(public_goods_compact(5, 3, 1), [1])
    with pytest.raises(ParameterError, match="out of range"):
        api.partial_contract_analysis(public_goods_compact(5, 3, 1), 6)
    with pytest.raises(SizeLimitError, match="count matrices"):  # not aggregative: the counts engine's limit
        _compact_pure_equilibria(anonymous_game(60, list("abcde"), lambda b, c: c[0][b]), max_count_matrices=1000)
    # aggregative: counted by DP over partial sums (46,321 as the counts engine lists them), then refused
    with pytest.raises(SizeLimitError, match="46,321 pure equilibrium count matrices, above the listing limit 1,000"):
        _compact_pure_equilibria(cournot_compact(30), max_listed=1000)
    with pytest.raises(ParameterError, match="one per type"):
        public_goods_compact(counts=[2, 2], e=[1, 2, 3], r=3)
    assert isinstance(L.public_goods(4), NormalFormGame)


@st.composite
def protocol_games(draw):
    """Small anonymous / typed games whose default equilibrium pays each type uniformly (N <= 4)."""
    T = draw(st.integers(1, 2))
    counts = [draw(st.integers(1, 4 if T == 1 else 2)) for _ in range(T)]
    m = [draw(st.integers(2, 3 if sum(counts) <= 3 else 2)) for _ in range(T)]
    assume(sum(counts) >= 2)
    g = seeded_game(counts, m, draw(st.integers(0, 2 ** 32 - 1)), top=4, den=1)
    base = counts_no_contract(g)
    assume(base.runs is not None and all(len(r) == 1 for r in base.runs))
    return g


@given(protocol_games(), st.booleans())
# types [2, 2], binary actions, seed 287, K = 2: some member counts leave the outsiders no pure equilibrium,
# so no target profile (and no proposal) has them; the compact check used to crash on the empty set
@example(seeded_game([2, 2], [2, 2], 287, top=4, den=1), False)
def test_protocol_spe_agrees_with_dense_theorem_check(cg, full):
    """The SPE welfare range of the contracting game over the theorem's contract space, by counts and dense."""
    k = cg.n_players if full else 2
    a = _compact_theorem_check(cg, k=k)
    b = theorem_check(cg.to_dense(), k=k)
    assert (a.optimum, a.worst_welfare, a.best_welfare, a.every_spe_optimal) == (
        b.optimum, b.worst_welfare, b.best_welfare, b.every_spe_optimal)


# ---------------------------------------------------------------------------- stability, per player (issue 30 item 3)
def _verdicts(chk):
    return chk.internal, chk.external, chk.internal_witness, chk.external_witness


def test_volunteers_dilemma_three_pairs_all_stable_by_hand():
    """volunteers_dilemma:n=3 (b = 2, c = 1), K = 2, lump-sum sharing, tie "inside".

    By hand.  No contract: the equilibria have one volunteer (welfare 1 + 2 + 2 = 5); the smallest
    profile has player 0 volunteer, so the baselines are (1, 2, 2).  A pair commits to Ignore and the
    outsider volunteers (1 > 0): U_S = 2 + 2 = 4 beats a member volunteering (1 + 2 = 3).  Lump-sum
    shares are baseline + (4 - baselines)/2: {0, 1} and {0, 2} give (3/2, 5/2), {1, 2} gives (2, 2).
    Leaving a pair is no contract, so each member compares with its OWN baseline: 3/2 >= 1,
    5/2 >= 2, 2 >= 2 -- all three pairs are stable (K = 2: no external test).  The old compact rule
    compared the member share 3/2 with the other player's baseline 2 and found none stable.
    """
    cg = volunteers_dilemma_compact(3)
    a = api.partial_contract_analysis(cg, 2, Rules(sharing="lump_sum"))
    assert counts_no_contract(cg).payoffs == (1, 2, 2)
    assert a.outcomes[(2,)].member_runs == (((F(3, 2), 1), (F(5, 2), 1)),)
    for S, shares in (((0, 1), (F(3, 2), F(5, 2))), ((0, 2), (F(3, 2), F(5, 2))), ((1, 2), (F(2), F(2)))):
        assert _verdicts(a.coalition_stability(S)) == (True, True, None, None)
        value = CompactBloc(cg).stability_value(a.outcomes, a.no_contract)
        assert tuple(value(S, i) for i in S) == shares
    assert a.stable_compositions == [(2,)] and a.stable_in_every_arrangement == [(2,)]
    assert a.every_arrangement == {(2,): True} and a.arrangements_undecided == []


def test_cournot_only_the_canonical_triple_is_stable_by_hand():
    """cournot:n=4,grid=2|3 (u_i = q_i (12 - Q)), K = 3, optimistic, lump-sum, tie "outside".

    By hand.  Best responses: q = 3 iff the others produce R <= 7 (tie at 7).  The equilibria are one
    firm at 3 (Q = 9, payoffs 6, 6, 6, 9, welfare 27) and two at 3 (welfare 20); optimistic selection
    takes 27 and the smallest profile puts the 3 on firm 3: baselines (6, 6, 6, 9).  A triple does best
    with one member at 3 (Q_S = 7, the indifferent outsider plays 2 under optimistic selection): U_S =
    21, raw (6, 6, 9 | 6).  A pair does best with one member at 3 and both outsiders at 2: raw
    (6, 9 | 6, 6).  Lump-sum shares of a triple: 7 each for {0, 1, 2} (baselines 18), 6, 6, 9 when
    firm 3 is in.  Leaving a triple leaves a pair, where the leaver is an outsider with 6.  Under
    "outside" a member stays only if strictly better: 7 > 6 in {0, 1, 2}, but 6 > 6 fails in every
    triple with firm 3 -- only [0, 1, 2] is stable, the canonical coalition of composition (3,), so
    (3,) is stable for its canonical coalition and not in every arrangement.  The pair {0, 1} is
    internally stable but player 2 joins (6 < 7).
    """
    cg = cournot_compact(4, grid=(2, 3))
    rules = Rules(selection="optimistic", sharing="lump_sum", tie="outside")
    a = api.partial_contract_analysis(cg, 3, rules)
    assert counts_no_contract(cg, "optimistic").payoffs == (6, 6, 6, 9)
    assert a.outcomes[(3,)].raw_payoffs == (6, 6, 9, 6) and a.outcomes[(3,)].payoffs == (7, 7, 7, 6)
    assert _verdicts(a.coalition_stability((0, 1, 2))) == (True, True, None, None)
    for S in ((0, 1, 3), (0, 2, 3), (1, 2, 3)):
        assert _verdicts(a.coalition_stability(S)) == (False, True, (S[0], F(6), F(6)), None)
    assert _verdicts(a.stability[(2,)]) == (True, False, None, (2, F(6), F(7)))
    assert a.stable_compositions == [(3,)] and a.stable_sizes == [3]
    assert a.every_arrangement == {(2,): False, (3,): False} and a.stable_in_every_arrangement == []
    dense = partial_contract_analysis(cg.to_dense(), 3, rules)
    assert dense.stable_coalitions == [(0, 1, 2)]


def _family(draw):
    """A library compact family with N <= 6 players (few actions, so its dense form is small)."""
    name = draw(st.sampled_from(("public_goods", "public_goods_typed", "npd", "volunteers", "stag_hunt",
                                 "el_farol", "commons", "cournot", "iea")))
    n = draw(st.integers(2, 4 if name in ("commons", "iea") else 6))
    if name == "public_goods":
        return public_goods_compact(max(n, 3), draw(st.sampled_from(("3/2", 2))), draw(st.sampled_from((1, 20))))
    if name == "public_goods_typed":
        return public_goods_compact(counts=[draw(st.integers(1, 3)), draw(st.integers(1, 3))], e=[1, 2], r="3/2")
    if name == "npd":
        return n_prisoners_dilemma_compact(n, draw(st.sampled_from((2, 3))), 1)
    if name == "volunteers":
        return volunteers_dilemma_compact(n, draw(st.sampled_from((2, 3))), 1)
    if name == "stag_hunt":
        return n_stag_hunt_compact(n, draw(st.integers(1, n)))
    if name == "el_farol":
        return el_farol_compact(n, draw(st.integers(1, n)))
    if name == "commons":
        return commons_compact(n, draw(st.sampled_from((6, 12))), draw(st.sampled_from(((0, 1, 2), (0, 2, 4)))))
    if name == "cournot":
        return cournot_compact(min(n, 5), 12, 0, draw(st.sampled_from(((2, 3), (0, 2, 3), (1, 2, 4)))))
    return iea(n, 1, draw(st.sampled_from((1, 2))))


@st.composite
def library_settings(draw):
    cg = _family(draw)
    k = draw(st.integers(2, cg.n_players))
    rules = Rules(timing=draw(st.sampled_from(("stackelberg", "nash"))),
                  selection=draw(st.sampled_from(("pessimistic", "optimistic"))),
                  sharing=draw(st.sampled_from(("equal", "lump_sum", "none"))),
                  tie=draw(st.sampled_from(("inside", "outside", "both-weak", "both-strict"))))
    return cg, k, rules


@st.composite
def random_settings(draw):
    """Random typed anonymous games (payoffs k/2, many ties: several tied outcomes per composition)."""
    cg = draw(anonymous_games(max_types=2))
    assume(cg.n_players <= 6)
    return cg, draw(st.integers(2, cg.n_players)), Rules(sharing=draw(st.sampled_from(("none", "lump_sum"))),
                                                          tie=draw(st.sampled_from(("inside", "outside"))))


@given(st.one_of(library_settings(), random_settings()))
# three players on three actions, seed 21: composition (2,) has several tied outcomes and the dense tie
# rule (smallest profile for the coalition's own players) gives the coalition (1, 2) another one
@example((seeded_game([3], [3], 21), 3, Rules(sharing="none")))
@example((volunteers_dilemma_compact(3), 2, Rules(sharing="lump_sum")))
@example((cournot_compact(4, grid=(2, 3)), 3, Rules(selection="optimistic", sharing="lump_sum", tie="outside")))
@example((el_farol_compact(4, 2), 3, Rules(sharing="none", tie="both-weak")))
@example((commons_compact(3, 12, (0, 1, 2)), 2, Rules(sharing="lump_sum", tie="both-strict")))
def test_compact_stability_per_player_equals_dense_on_library_families(setting):
    """Every coalition of players, every player: v_i(S) and the stability verdicts (with the moving player)
    of the compact engine equal the dense game's (its oracle, ``mixed=False`` like the counts engine);
    a composition is stable iff its canonical coalition is, and stable in every arrangement iff every
    coalition of that composition is."""
    cg, k, rules = setting
    a = api.partial_contract_analysis(cg, k, rules)
    b = partial_contract_analysis(cg.to_dense(), k, rules, mixed=False)
    value = CompactBloc(cg).stability_value(a.outcomes, a.no_contract)
    for S, chk in b.stability.items():
        pay = b.outcomes[S].payoffs
        assert [value(S, i) for i in range(cg.n_players)] == (
            [None] * cg.n_players if pay is None else list(pay)), S
        assert _verdicts(a.coalition_stability(S)) == _verdicts(chk), S
    for s, chk in a.stability.items():
        assert _verdicts(chk)[:2] == _verdicts(b.stability[canonical_coalition(cg, s)])[:2], s
        every = {b.stability[S].stable for S in b.stability if composition_of(cg, S) == s}
        want = False if False in every else (None if None in every else True)
        assert a.every_arrangement[s] in (want, None), s
        assert a.every_arrangement[s] is not None or s in a.arrangements_undecided or chk.stable is None


@pytest.mark.parametrize("game", [
    AggregativeGame([3, 2], [[0, F(1, 2), 2], [1, 3]], weights=[F(2, 3), 5],
                    poly=[{(1, 0): 1, (1, 1): F(-1, 7)}, {(0, 2): F(1, 3), (1, 0): -2}]),
    AggregativeGame([4], [[0, 2, 3]], fn=lambda t, x, X: x * (max(12 - X, F(0)))),
    AggregativeGame([2, 1], [[0, 10**12], [1, 2**40]], weights=[10**7, 3], poly=[{(1, 1): 1}, {(0, 1): -1}]),
], ids=["two types, fractions", "cournot-like fn", "aggregates past int64"])
def test_vectorized_aggregative_payoff_rows_equal_the_per_row_payoffs(game):
    """Issue 26: AggregativeGame.payoff_rows evaluates f_t once per distinct aggregate X (an integer
    matrix-vector product over a common denominator, Python integers where int64 could overflow);
    the result equals the generic per-row, per-column payoff() of the base class on every count matrix."""
    rows = distributions(game.type_counts[0], game.n_actions[0])
    for n, m in zip(game.type_counts[1:], game.n_actions[1:]):
        part = distributions(n, m)
        rows = np.concatenate([np.repeat(rows, len(part), axis=0), np.tile(part, (len(rows), 1))], axis=1)
    assert AggregativeGame.payoff_rows(game, rows).tolist() == AnonymousGame.payoff_rows(game, rows).tolist()


def test_welfares_read_from_the_count_tables_equal_the_payoff_sums():
    """The no-contract selection reads each equilibrium's welfare from the count tables; on cournot
    (n = 7, a = 60, five quantities, 330 count matrices) every matrix's table welfare equals
    sum_{t,b} c[t][b] f_t(b, c) computed from the payoffs, and before the tables exist the same
    values come from the payoffs."""
    from contract_theory.equilibria.compact import compact_welfare, compact_welfares, count_tables
    from contract_theory.games.compact_library import cournot_compact

    g = cournot_compact(7, a=60)
    every = [g.unflatten(r) for r in distributions(7, 5).tolist()]
    by_payoffs = [compact_welfare(g, c) for c in every]
    assert compact_welfares(g, every) == by_payoffs   # no tables yet: one by one
    count_tables(g)
    assert compact_welfares(g, every) == by_payoffs and len(set(by_payoffs)) > 10
