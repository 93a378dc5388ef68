"""Treaty repairs (issue 24): minimum participation, sanctions on outsiders, stabilizing transfers.

Every expected value is derived by hand in the test's docstring.  Notation: pi_s(k) is a member's
payoff in a coalition of k, pi_n(k) an outsider's, "stable" is internal and external stability
(d'Aspremont et al. 1983) under the default tie rule ``inside`` (internal weak, external strict).
"""

from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contract_theory.contracting.coalitions.rules import Rules
from contract_theory.contracting.modifications.membership import (
    Terms,
    coalition_table,
    repaired_payoffs,
    repaired_stability,
    stable_outcomes,
)
from contract_theory.contracting.modifications.minimum_participation import (
    minimum_participation_analysis,
    threshold_rows,
)
from contract_theory.contracting.modifications.repairs import (
    cheapest_repair,
    repair_comparison,
    repair_min_k,
    stable_view,
)
from contract_theory.contracting.modifications.sanctions import penalty_interval, sanctions_analysis
from contract_theory.contracting.modifications.stabilizing_transfers import (
    coalition_surplus,
    minimum_budget,
    potentially_internally_stable,
    transfers_analysis,
)
from contract_theory.errors import ParameterError
from contract_theory.games.compact_library import (
    binary_public_good_compact,
    iea,
    n_prisoners_dilemma_compact,
    public_goods_compact,
)
from contract_theory.games.library import binary_public_good, public_goods


# ---------------------------------------------------------------------------- binary public good
def _binary_stable_size(m, b=F(1), c=F(5, 2)):
    """Stable size in the symmetric binary public good with threshold m (see the test below)."""
    s_star = int(c / b) + 1          # smallest s with s b > c (c/b not an integer here)
    return max(m, s_star)


@pytest.mark.parametrize("game", [binary_public_good(5, 1, "5/2"), binary_public_good_compact(5, 1, "5/2")],
                         ids=["dense", "compact"])
def test_binary_public_good_stable_size_as_a_function_of_m(game):
    """u_i = b X - c x_i, b = 1, c = 5/2, N = K = 5.

    A k-bloc makes its members contribute iff k b > c, i.e. k >= 3; outsiders never do (b < c).
    So pi_s(k) = k b - c, pi_n(k) = k b for k >= 3 and everyone gets 0 below.  Without threshold:
    k = 3 is internally stable (1/2 >= 0: leaving ends the contribution) and externally stable
    (an outsider's 3 > pi_s(4) = 3/2); k > 3 is not (a member's k - 5/2 < its k - 1 outside);
    k = 2 is not (an outsider joins: 1/2 > 0).  With threshold m >= 3 a coalition of exactly m is
    internally stable (leaving ends the contract: m - 5/2 >= 0) and externally stable
    (m > m + 1 - 5/2); larger ones are not.  Stable size max(m, 3): 3, 3, 4, 5 for m = 2..5;
    welfare of size s: s(s - 5/2) + (5 - s) s = 5s/2 -> 15/2, 15/2, 10, 25/2 = W*.
    """
    rows = threshold_rows(coalition_table(game, 5))
    assert {m: r.sizes for m, r in rows.items()} == {m: (_binary_stable_size(m),) for m in range(2, 6)}
    assert {m: r.welfare for m, r in rows.items()} == {2: F(15, 2), 3: F(15, 2), 4: F(10), 5: F(25, 2)}
    a = minimum_participation_analysis(game, 5)
    assert (a.parameter, a.min_m_for_optimum, a.stable_welfare, a.reaches_optimum) == (5, 5, F(25, 2), True)


def test_binary_public_good_at_n_100_by_composition():
    """The same game with N = 100 (compact, by composition): stable size max(m, 3) for every m;
    the grand coalition needs a penalty c - b = 3/2 (a member's 100 - 5/2 against 99 - pi outside)
    and is then never charged; W* = 100 (100 - 5/2) = 9750."""
    g = binary_public_good_compact(100, 1, "5/2")
    table = coalition_table(g, 100)
    rows = threshold_rows(table)
    assert all(r.sizes == (_binary_stable_size(m),) for m, r in rows.items())
    s = sanctions_analysis(g, 100, analysis=table)
    assert (s.parameter, s.attained, s.outcome.best, s.stable_welfare, s.cost) == (F(3, 2), True, (100,), F(9750), 0)
    assert penalty_interval(table, (100,)).low == F(3, 2)


# ---------------------------------------------------------------------------- abatement (iea)
def _iea(N, k):
    """(pi_s(k), pi_n(k)) with b = c = 1: members abate k, outsiders 1, Q = k^2 + N - k (MODEL.md section 8)."""
    Q = k * k + N - k
    return F(Q) - F(k * k, 2), F(Q) - F(1, 2)


@pytest.mark.parametrize("game", [iea(5, 1, 1), iea(5, 1, 1).to_dense()], ids=["compact", "dense"])
def test_iea_threshold_and_grand_coalition_penalty(game):
    """Abatement, b = c = 1, N = K = 5.  F(k) = pi_s(k) - pi_n(k-1) = -(k-1)(k-3)/2 (MODEL.md section 8).

    No threshold: 3 is the stable size (F(3) = 0 >= 0 inside, F(4) = -3/2 < 0 for the joiner).  With m:
    a coalition of m is internally stable against no agreement (pi_s(m) - (N - 1/2) = (m-1)^2/2 >= 0)
    and externally stable iff F(m+1) = -m(m-2)/2 < 0, true for m >= 3; larger ones need F <= 0...
    internal F(s) >= 0, false for s > 3.  So stable size max(m, 3).  The grand coalition is stable
    with a penalty pi >= pi_n(4) - pi_s(5) = -F(5) = 4.
    """
    rows = threshold_rows(coalition_table(game, 5))
    assert {m: r.sizes for m, r in rows.items()} == {2: (3,), 3: (3,), 4: (4,), 5: (5,)}
    for m, r in rows.items():
        s = max(m, 3)
        ps, pn = _iea(5, s)
        assert r.welfare == s * ps + (5 - s) * pn
    s = sanctions_analysis(game, 5)
    assert (s.parameter, s.stable_welfare) == (F(4), F(125, 2))     # W* = 5 (25 - 25/2) = 125/2


def test_iea_at_n_100():
    """N = 100: the penalty that makes the grand coalition stable is -F(100) = 99 * 97 / 2 = 9603/2;
    the threshold that does it is m = 100; transfers do not (the grand coalition is not PIS:
    100 pi_s(100) = 500000 < 100 pi_n(99) = 100 (9801 + 1 - 1/2))."""
    c = repair_comparison(iea(100, 1, 1), 100)
    m, s, t = c.repairs
    assert (m.parameter, s.parameter, t.outcome.best) == (100, F(9603, 2), (3,))
    assert coalition_surplus(c.table, (100,)) == 500000 - 100 * (_iea(100, 99)[1])
    assert c.baseline.sizes == (3,) and t.stable_welfare == c.baseline.welfare


# ---------------------------------------------------------------------------- 3 heterogeneous players
HETERO = {"dense": binary_public_good(3, 2, [3, 5, 5]), "compact": binary_public_good_compact(counts=[1, 2], b=2,
                                                                                              c=[3, 5])}


@pytest.mark.parametrize("kind", ["dense", "compact"])
def test_pis_but_unstable_under_equal_sharing_transfers_raise_stable_welfare(kind):
    """u_i = 2 X - c_i x_i, c = (3, 5, 5).  No contract: nobody gives, W = 0.

    {0, j}: benefit 4 per contributor covers player 0's cost only: u = (-1, 2), the outsider 2; shares
    1/2; W = 3.  {1, 2}: 4 < 5, nobody gives.  N: 6 covers every cost: u = (3, 1, 1), W = W* = 5.
    Equal sharing: {0, j} is stable (1/2 >= 0 inside, the outsider's 2 > 5/3 if it joined); N is not
    (player 1's 5/3 < 2 as the outsider of {0, 2}).  Best stable welfare 3.
    N is PIS: 5 >= 0 + 2 + 2 (sigma = 1).  Transfers x = outside option + 1/3 = (1/3, 7/3, 7/3),
    t = x - 5/3 = (-4/3, 2/3, 2/3); the least budget raises 1 and 2 from 5/3 to 2: 2/3.  With the
    same sharing, {0, j} is no longer externally stable (the outsider gets 2 + 1/3 inside), so N is the
    only stable coalition: welfare 3 -> 5.
    """
    g = HETERO[kind]
    grand = (1, 2) if kind == "compact" else (0, 1, 2)
    table = coalition_table(g, 3)
    assert repaired_stability(table, grand).stable is False
    assert coalition_surplus(table, grand) == 1 and minimum_budget(table, grand) == F(2, 3)
    t = transfers_analysis(g, 3, analysis=table)
    assert t.baseline.welfare == 3 and t.stable_welfare == 5 and t.outcome.stable == (grand,)
    vector = [(v, n) for runs in t.parameter for v, n in runs]
    assert sorted(vector) == sorted([(F(-4, 3), 1), (F(2, 3), 2)] if kind == "compact" else
                                    [(F(-4, 3), 1), (F(2, 3), 1), (F(2, 3), 1)])
    assert (t.budget, t.min_budget, t.within_theorem_class) == (F(4, 3), F(2, 3), True)
    assert sum(v * n for v, n in vector) == 0                                   # budget-balanced


@pytest.mark.parametrize("kind", ["dense", "compact"])
def test_heterogeneous_threshold_and_penalty(kind):
    """Same game.  m = 3: leaving N ends the contract, player 1 compares 5/3 with 0: stable, W* = 5.
    Sanctions: player 1 needs 5/3 >= 2 - pi, pi >= 1/3 (player 0: 5/3 >= 0 - pi); never paid.  The
    cheapest repair: all three need 3 signatures; the threshold and the sanction cost 0 in
    equilibrium (transfers move 4/3), and the threshold stays inside the theorem's class."""
    c = repair_comparison(HETERO[kind], 3)
    m, s, t = c.repairs
    assert (m.parameter, s.parameter, s.cost, s.gives_up) == (3, F(1, 3), 0, ("A7",))
    cheap = cheapest_repair(c)
    assert (cheap.name, cheap.signatures, cheap.cost, cheap.within_theorem_class) == ("minimum participation", 3, 0,
                                                                                      True)
    assert [x[0] for x in cheap.candidates] == ["minimum participation", "sanctions on outsiders",
                                                "stabilizing transfers"]


# ---------------------------------------------------------------------------- sanctions
def test_sanctions_destination_members_or_burned():
    """Linear public goods N = 5, r = 2, e = 20, K = 4.  A 4-bloc gives: members 32, the outsider 52;
    a member leaving becomes the outsider of a giving 3-bloc: 44.  No repair: 3 is the stable size
    (W = 160).  To members: 32 + pi/4 >= 44 - pi, pi >= 48/5, paid by the outsider, W(4) = 180.
    Burned: 32 >= 44 - pi, pi >= 12, W = 180 - 12 = 168 > 160: still the best stable outcome."""
    g = public_goods(5, 2, 20)
    to_members = sanctions_analysis(g, 4)
    burned = sanctions_analysis(g, 4, destination="burned")
    assert (to_members.parameter, to_members.stable_welfare, to_members.cost) == (F(48, 5), F(180), F(48, 5))
    assert (burned.parameter, burned.stable_welfare, burned.cost) == (F(12), F(168), F(12))
    assert burned.gives_up == ("A2", "A7") and to_members.baseline.welfare == 160


@pytest.mark.parametrize("compact", [False, True])
def test_a_burned_penalty_can_cost_more_than_it_restores(compact):
    """Binary public good N = 8, b = 1, c = 5/2, K = 4.  A k-bloc (k >= 3) gives: members k - 5/2,
    outsiders k.  W(3) = 3/2 + 15 = 33/2, W(4) = 6 + 16 = 22; without repair 3 is stable, 4 is not (a
    member's 3/2 against 3 as the outsider of three).  To members: 3/2 + pi >= 3 - pi, pi >= 3/4,
    W = 22, the four outsiders pay 3 in all.  Burned: 3/2 >= 3 - pi, pi >= 3/2, W = 22 - 4 * 3/2 = 16
    < 33/2: the best stable outcome stays the 3-bloc without sanction (penalty 0)."""
    g = binary_public_good_compact(8, 1, "5/2") if compact else binary_public_good(8, 1, "5/2")
    members = sanctions_analysis(g, 4)
    burned = sanctions_analysis(g, 4, destination="burned")
    assert (members.parameter, members.stable_welfare, members.cost, members.outcome.sizes) == (F(3, 4), 22, 3, (4,))
    assert (burned.parameter, burned.stable_welfare, burned.cost, burned.outcome.sizes) == (0, F(33, 2), 0, (3,))
    assert burned.within_theorem_class and not members.within_theorem_class


@pytest.mark.parametrize("compact", [False, True])
def test_a_threshold_can_break_the_only_stable_coalition(compact):
    """Volunteer's dilemma N = 4, b = 2, c = 1.  No contract (pessimistic, smallest profile): P0
    volunteers, payoffs (1, 2, 2, 2), W = 7 = W*.  The grand coalition (7/4 each) is stable without a
    threshold: a member who leaves is the outsider of three who commit to ignore, so it volunteers and
    gets 1 < 7/4.  With m = 4 leaving ends the contract and P1 gets 2 > 7/4: nothing is stable (the
    compact form compares a type's best no-contract payoff, 2, the same answer)."""
    from contract_theory.games.compact_library import volunteers_dilemma_compact
    from contract_theory.games.library import volunteers_dilemma
    g = volunteers_dilemma_compact(4) if compact else volunteers_dilemma(4)
    rows = threshold_rows(coalition_table(g, 4))
    assert [(m, r.sizes, r.welfare) for m, r in rows.items()] == [(2, (4,), 7), (3, (4,), 7), (4, (), 7)]


def test_sanction_threshold_is_an_infimum_under_a_strict_internal_tie():
    """Public goods N = 4 (a member of N: 32, after leaving 44 - pi).  With tie 'outside' the internal
    inequality is strict: any pi > 12 works, 12 does not; evaluated just above."""
    a = sanctions_analysis(public_goods(4, "8/5", 20), 4, Rules(tie="outside"))
    assert (a.parameter, a.attained, a.outcome.best) == (F(12), False, (0, 1, 2, 3))
    assert a.evaluated_at > 12
    table = coalition_table(public_goods(4, "8/5", 20), 4, Rules(tie="outside"))
    assert not repaired_stability(table, (0, 1, 2, 3), Terms(penalty=F(12)), "outside").stable


def _points(intervals):
    ends = sorted({e for iv in intervals.values() for e in (iv.low, iv.high) if e is not None and e >= 0} | {F(0)})
    return ends + [(a + b) / 2 for a, b in zip(ends, ends[1:])] + [ends[-1] + 1]


@pytest.mark.parametrize("destination", ["members", "burned"])
@pytest.mark.parametrize("tie", ["inside", "outside", "both-weak", "both-strict"])
def test_penalty_intervals_agree_with_direct_evaluation(destination, tie):
    """Cross-check of two methods: the stability intervals (linear in pi) against the stability
    computed at every interval end and between them, on public goods N = 5, K = 4, m = 2 and 3, and
    K = 2 (pairs, whose members are indifferent at pi = 0: a strict internal tie excludes 0)."""
    for g, k, ms in ((public_goods(5, 2, 20), 4, (2, 3)), (public_goods(5, 2, 20), 2, (2,))):
        _intervals_agree(g, k, ms, destination, tie)


def _intervals_agree(g, k, ms, destination, tie):
    table = coalition_table(g, k, Rules(tie=tie))
    for m in ms:
        intervals = {key: penalty_interval(table, key, m, destination, tie) for key in table.keys
                     if table.size(key) >= m}
        for p in _points(intervals):
            direct = stable_outcomes(table, Terms(m=m, penalty=p, destination=destination), tie).stable
            assert direct == tuple(k for k, iv in intervals.items() if iv.contains(p)), (m, p)


# ---------------------------------------------------------------------------- cross-checks
@pytest.mark.parametrize("tie", ["inside", "outside", "both-weak", "both-strict"])
def test_threshold_fast_path_agrees_with_direct_evaluation(tie):
    """The threshold rows (two stability checks per coalition) equal the stable coalitions computed
    directly under Terms(m) for every m, on public goods N = 5, abatement N = 6 by composition, and
    the volunteer's dilemma and El Farol with N = 4 (where a coalition of m can be stable against the
    smaller coalitions but not against no agreement)."""
    from contract_theory.games.library import el_farol, volunteers_dilemma
    for g, k in ((public_goods(5, 2, 20), 5), (iea(6, 1, 1), 6), (volunteers_dilemma(4), 4), (el_farol(4, 2), 4)):
        table = coalition_table(g, k, Rules(tie=tie))
        for m, row in threshold_rows(table, tie).items():
            direct = stable_outcomes(table, Terms(m=m), tie)
            assert (row.stable, row.best, row.welfare) == (direct.stable, direct.best, direct.welfare)


def test_transfers_make_exactly_the_pis_coalitions_internally_stable():
    """Under the stabilizing sharing a coalition is internally stable iff it is PIS, for every tie rule
    (weak PIS for a weak internal inequality, strict otherwise), on the heterogeneous game and on
    public goods N = 5."""
    for g, k in ((HETERO["dense"], 3), (public_goods(5, 2, 20), 5)):
        for tie in ("inside", "outside"):
            table = coalition_table(g, k, Rules(tie=tie))
            for key in table.keys:
                sigma = coalition_surplus(table, key)
                internal = repaired_stability(table, key, Terms(transfers=True), tie).internal
                strict = tie == "outside"
                assert internal == potentially_internally_stable(sigma, [], strict), key


def _composition(key, counts):
    out, start = [], 0
    for n in counts:
        out.append(sum(1 for i in key if start <= i < start + n))
        start += n
    return tuple(out)


def _typed_game(family, counts, b, c):
    """A small typed linear aggregative game of the library (every type's players share one action)."""
    T = len(counts)
    if family == "binary_public_good":
        return binary_public_good_compact(counts=counts, b=b[:T], c=c[:T])
    if family == "public_goods":
        n = sum(counts)
        return public_goods_compact(counts=counts, r=F(n * 2 + 1, 3) if n >= 2 else 2, e=c[:T])
    if family == "n_prisoners_dilemma":
        return n_prisoners_dilemma_compact(counts=counts, b=max(b) + max(c[:T]), c=c[:T])
    return iea(counts=counts, b=b[:T], c=c[:T])


def repair_facts(r):
    """Every field of a repair's answer (:class:`RepairOutcome`) that a dense and a compact run share."""
    return (r.name, r.kind, r.k, r.optimum_welfare, r.no_contract_welfare, r.parameter, r.terms, r.outcome.stable,
            r.outcome.best, r.outcome.welfare, r.outcome.sizes, r.outcome.undecided, r.baseline.stable,
            r.baseline.best, r.baseline.welfare, r.cost, r.within_theorem_class, r.gives_up, r.changes,
            r.signatures, r.reaches_optimum, r.complete)


def _assert_agree(compact, dense, counts):
    if compact.kind == "players":   # a type's players treated differently: solved per player, the dense answer
        assert [repair_facts(r) for r in compact.repairs] == [repair_facts(r) for r in dense.repairs]
        return
    assert set(compact.baseline.stable) == {_composition(s, counts) for s in dense.baseline.stable}
    for rc, rd in zip(compact.repairs, dense.repairs):
        assert set(rc.outcome.stable) == {_composition(s, counts) for s in rd.outcome.stable}, rc.name
        assert (rc.stable_welfare, rc.cost, rc.signatures) == (rd.stable_welfare, rd.cost, rd.signatures), rc.name
        if rc.name == "stabilizing transfers" and rc.parameter is not None:
            per_type = [sorted(v for runs in rd.parameter[sum(counts[:t]):sum(counts[:t + 1])] for v, _ in runs)
                        for t in range(len(counts))]
            assert [sorted(v for v, n in runs for _ in range(n)) for runs in rc.parameter] == per_type
        elif rc.name != "stabilizing transfers":
            assert rc.parameter == rd.parameter, rc.name


@settings(max_examples=30, deadline=None)
@given(family=st.sampled_from(["binary_public_good", "public_goods", "n_prisoners_dilemma", "iea"]),
       counts=st.sampled_from([[2], [3], [4], [1, 1], [1, 2], [2, 2], [1, 3], [1, 1, 1]]),
       b=st.lists(st.integers(1, 4), min_size=3, max_size=3), c=st.lists(st.integers(1, 9), min_size=3, max_size=3),
       tie=st.sampled_from(["inside", "outside", "both-weak", "both-strict"]),
       destination=st.sampled_from(["members", "burned"]))
def test_compact_and_dense_agree(family, counts, b, c, tie, destination):
    """Every repair's answer on a small typed linear aggregative game by composition equals the dense
    game's (its oracle): parameters, stable compositions, best stable welfare, cost, signatures and the
    transfers per type."""
    if family == "iea" and sum(counts) > 3:
        counts = [1, 2] if len(counts) > 1 else [3]        # (N + 1)^N dense profiles; keep N >= 2
    g = _typed_game(family, counts, b, c)
    rules = Rules(tie=tie)
    k = g.n_players
    _assert_agree(repair_comparison(g, k, rules, destination=destination),
                  repair_comparison(g.to_dense(), k, rules, destination=destination), counts)


@pytest.mark.parametrize("spec", ["cournot:n=3,a=12,c=0,grid=0|2|3|4", "cournot:n=4,a=12,c=0,grid=2|3",
                                  "commons:n=3", "n_stag_hunt:n=4,m=3", "volunteers_dilemma:n=3", "el_farol:n=4,capacity=2"])
def test_compact_and_dense_agree_on_anonymous_library_games(spec):
    """The same agreement on the library's anonymous (counts-engine) games, where some outcomes split a
    type's players over actions (the table is not uniform) and the composition answer compares them in
    the worst case: on these games it is the dense answer."""
    from contract_theory.games.loading import load_game
    g = load_game(spec + ",compact=true")
    k = g.n_players
    _assert_agree(repair_comparison(g, k), repair_comparison(g.to_dense(), k), list(g.type_counts))


# ---------------------------------------------------------------------------- view, cheapest, k, errors
def test_stable_view_public_goods_at_n_100():
    """Compact public goods N = 100, r = 8/5, e = 20: a k-bloc gives iff 8k/5 > 100, k >= 63, the stable
    size: X = 1260, members get (8/5) 1260/100 = 504/25, outsiders 20 more, W = 63 * 504/25 + 37 * 1004/25
    = 2756.  The threshold m = 100 and a penalty of pi_n(99) - pi_s(100) = 20 + (8/5) 1980/100 - 32 =
    492/25 make the grand coalition stable (W* = 100 * 32 = 3200); transfers keep 63 (the grand
    coalition is not PIS: 3200 < 100 * 1292/25)."""
    v = stable_view(repair_comparison(public_goods_compact(100, "8/5", 20), 100))
    assert [(r.key, r.best_in) for r in v.rows] == [
        ((63,), ("no repair", "stabilizing transfers")),
        ((100,), ("minimum participation", "sanctions on outsiders"))]
    assert v.parameters["sanctions on outsiders"] == F(492, 25)
    assert v.best_welfare == {"no repair": F(2756), "minimum participation": F(3200),
                              "sanctions on outsiders": F(3200), "stabilizing transfers": F(2756)}


def test_repairs_need_everyone_when_k_is_below_n():
    """Public goods N = 4, K = 3: no coalition within K reaches W* = 128, so no repair does; the
    threshold's best is m = 2 (the stable 3-blocs, 116, need no threshold) and the sanction's 0, which
    charges nobody and so stays inside the theorem's class; repair_min_k is 4 with K = 4."""
    c = repair_comparison(public_goods(4, "8/5", 20), 3)
    assert not any(r.reaches_optimum for r in c.repairs) and cheapest_repair(c).name is None
    m, s, _ = c.repairs
    assert (m.parameter, m.stable_welfare, s.parameter, s.within_theorem_class, s.gives_up) == (2, 116, 0, True, ())
    assert repair_min_k(public_goods(4, "8/5", 20), 4, Rules(), "sanctions on outsiders") == 4


def test_what_the_threshold_costs_whom():
    """Public goods N = 4: from the stable {P0, P1, P2} (24 each, P3 free-rides on 44) to the grand
    coalition (32 each): the members gain 8 each, the former free rider loses 12."""
    a = minimum_participation_analysis(public_goods(4, "8/5", 20), 4)
    assert [(x.group, x.was_member, x.is_member, x.delta) for x in a.changes] == [
        (0, True, True, 8), (1, True, True, 8), (2, True, True, 8), (3, False, True, -12)]


def test_cheapest_repair_orders_by_signatures_then_cost_then_class():
    """The order of module repairs' docstring, on made-up answers: fewer signatures first; at equal
    signatures the lower cost; at equal cost inside the theorem's class before outside."""
    from types import SimpleNamespace as NS

    def answer(name, signatures, cost, inside, reaches=True):
        return NS(name=name, reaches_optimum=reaches, signatures=signatures, cost=F(cost), within_theorem_class=inside,
                  parameter=None, gives_up=() if inside else ("A7",))

    def pick(*repairs):
        c = NS(repairs=repairs, baseline=NS(welfare=F(1)), optimum_welfare=F(2), title="t", k=3, n_players=3)
        return cheapest_repair(c).name

    assert pick(answer("minimum participation", 4, 0, True), answer("sanctions on outsiders", 3, 5, False)) == \
        "sanctions on outsiders"
    assert pick(answer("sanctions on outsiders", 3, 0, False), answer("stabilizing transfers", 3, 1, True)) == \
        "sanctions on outsiders"
    assert pick(answer("sanctions on outsiders", 3, 0, False), answer("stabilizing transfers", 3, 0, True)) == \
        "stabilizing transfers"
    assert pick(answer("minimum participation", 2, 0, True, reaches=False)) is None


def test_bad_input_is_refused_with_a_reason():
    with pytest.raises(ParameterError, match="penalty per outsider must be >= 0"):
        Terms(penalty=-1)
    with pytest.raises(ParameterError, match="minimum participation m must be a positive integer"):
        Terms(m=0)
    with pytest.raises(ParameterError, match="unknown penalty destination"):
        sanctions_analysis(public_goods(3, 2, 6), 3, destination="charity")
    with pytest.raises(ParameterError, match="K=5 is out of range"):
        repair_comparison(public_goods(3, 2, 6), 5)
    from contract_theory.games.markov_library import MARKOV_GAMES
    markov = next(iter(MARKOV_GAMES.values()))()
    with pytest.raises(ParameterError, match="need a normal-form or compact game"):
        coalition_table(markov, 2)


def test_no_agreement_payoffs_and_welfare():
    """Below the threshold nothing binds: everyone gets the no-contract payoff (20 in public goods N = 4)
    and no sanction is due."""
    table = coalition_table(public_goods(4, "8/5", 20), 4)
    p = repaired_payoffs(table, (0, 1, 2), Terms(m=4, penalty=F(5)))
    assert (p.in_force, p.paid, p.welfare) == (False, 0, 80)
    assert {v for m, o in p.groups for v, _ in m + o} == {20}


# ---------------------------------------------------------------------------- the how-to's examples
def _blocks(text, lang):
    import re
    return re.findall(rf"```{lang}\n(.*?)```", text, flags=re.S)


def test_howto_examples_print_what_the_doc_says(capsys):
    """Every ``$ contract-theory`` block of docs/howto/contracts-without-everyone.md prints exactly the
    lines below it, and every Python block passes as a doctest."""
    import doctest
    import shlex
    from pathlib import Path

    from contract_theory.cli import main

    text = (Path(__file__).resolve().parents[1] / "docs" / "howto" / "contracts-without-everyone.md").read_text()
    commands = [b for b in _blocks(text, "console") if b.startswith("$ contract-theory ")]
    assert len(commands) == 5
    for block in commands:
        head, _, expected = block.partition("\n")
        assert main(shlex.split(head.removeprefix("$ contract-theory "))) == 0
        assert capsys.readouterr().out == expected, head
    pythons = _blocks(text, "python")
    assert len(pythons) == 2
    parser, runner = doctest.DocTestParser(), doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for i, block in enumerate(pythons):
        runner.run(parser.get_doctest(block, {}, f"howto block {i}", None, 0))
    assert runner.summarize(verbose=False).failed == 0


# ---------------------------------------------------------------------------- the command line
def test_cli_stable_view_json_latex_and_errors(capsys):
    """design --stable-view: JSON names the columns with their parameters and lists every coalition
    (4 stable 3-blocs without repair in public goods N = 4, the grand coalition under the threshold
    and the sanction); LaTeX typesets the table; a Markov game is one line on stderr, exit 2."""
    import json

    from contract_theory.cli import main

    assert main(["design", "public_goods:n=4,r=8/5,e=20", "--k", "4", "--stable-view", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [(c["name"], c["parameter"], c["best_welfare"]) for c in doc["columns"]] == [
        ("no repair", None, "116"), ("minimum participation", 4, "128"), ("sanctions on outsiders", "12", "128"),
        ("stabilizing transfers", [{"player": f"P{i}", "index": i, "transfer": "0", "count": 1} for i in range(3)],
         "116")]
    assert [r["players"] for r in doc["rows"] if r["size"] == 3] == [["P0", "P1", "P2"], ["P0", "P1", "P3"],
                                                                     ["P0", "P2", "P3"], ["P1", "P2", "P3"]]
    assert doc["rows"][-1] == {"coalition": [0, 1, 2, 3], "players": ["P0", "P1", "P2", "P3"], "size": 4,
                               "welfare": {"minimum participation": "128", "sanctions on outsiders": "128"},
                               "best_in": ["minimum participation", "sanctions on outsiders"]}
    assert main(["design", "iea:n=100,b=1,c=1", "--k", "100", "--stable-view", "--format", "latex",
                 "--destination", "burned"]) == 0
    tex = capsys.readouterr().out
    assert "\\begin{tabular}" in tex and "100 of 100 & 100 & -- & $500000$$^*$" in tex
    assert main(["design", "commons_markov:n=3", "--k", "2", "--stable-view"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "need a normal-form or compact game" in err


def test_design_rows_of_the_repairs(capsys):
    """design --format json on public goods N = 4, K = 4: the repair rows carry the parameter found
    (m = 4, penalty 12), the stable welfare (128, 128, 116), the stable sizes and the class; the
    baseline's stable welfare is 116 (the 3-blocs) although W_4 = 128."""
    import json

    from contract_theory.cli import main

    assert main(["design", "public_goods:n=4,r=8/5,e=20", "--k", "4", "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    rows = {r["name"]: r for r in d["modifications"]}
    assert (d["baseline"]["welfare"], d["baseline"]["stable_welfare"]) == ("128", "116")
    got = [(rows[n]["parameter"], rows[n]["stable_welfare"], rows[n]["stable_sizes"], rows[n]["within_theorem_class"],
            rows[n]["min_k_for_optimum"]) for n in ("minimum participation", "sanctions on outsiders")]
    assert got == [(4, "128", [4], True, 4), ("12", "128", [4], False, 4)]
    t = rows["stabilizing transfers"]
    assert (t["stable_welfare"], t["stable_sizes"], len(t["stable_coalitions"]), t["min_k_for_optimum"]) == (
        "116", [3], 4, None)
    assert rows["sanctions on outsiders"]["assumptions"]["A7"] == "fails" and rows["sanctions on outsiders"]["gives_up"] == ["A7"]
