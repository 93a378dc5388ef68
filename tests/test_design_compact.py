"""`design` on compact games, by composition (issue 21.5): every row answered at any N.

Linear public goods (``contract_theory.games.compact_library.public_goods_compact``, the compact
form of ``contract_theory.games.library.public_goods``): N players, each keeps e or contributes it,
u_i = e - x_i + (r/N) X with x_i in {0, e} and X = sum_j x_j.  W(X) = N e + (r - 1) X, so
W* = r N e (everyone contributes).  A player's private loss from contributing is (1 - r/N) e;
a bloc of k members gains k (r/N) e from one more contribution (its own or an outsider's).
"""

import json
import time
from fractions import Fraction

import pytest

from contract_theory.cli import main
from contract_theory.contracting.coalitions.rules import Budgets, Rules
from contract_theory.contracting.modifications.design import design_comparison
from contract_theory.games.compact_library import public_goods_compact
from contract_theory.games.library import public_goods


def _rows(d):
    return [d.baseline, *d.modifications]


def _facts(r):
    codes = None if r.diagnosis is None else (r.diagnosis.reaches_optimum, tuple(x.code for x in r.diagnosis.reasons))
    return (r.name, r.status, r.welfare, r.min_k_for_optimum, r.cost, r.cost_attained, r.members_gain,
            r.outsiders_gain, r.tie_dependent, r.tie_welfare, r.coalition, r.structure, codes)


@pytest.mark.parametrize("k", [3, 4])
def test_compact_n10_gives_the_dense_rows(k):
    """Cross-check of two independent paths: the dense game (payoff tensor, LP-certified payments, every
    coalition) and its compact form (compositions, closed-form payments over count pairs) give the same
    rows -- welfare, smallest k, cost, gains, tie dependence, contracts, diagnosis codes -- for every
    modification, and the compact path answers in well under a second."""
    dense = design_comparison(public_goods(10, 3, 1), k)
    t = time.perf_counter()
    compact = design_comparison(public_goods_compact(10, 3, 1), k)
    elapsed = time.perf_counter() - t
    assert [_facts(r) for r in _rows(compact)] == [_facts(r) for r in _rows(dense)]
    assert all(r.status == "computed" for r in _rows(compact))
    assert (compact.optimum_welfare, compact.no_contract_welfare) == (30, 10)
    assert elapsed < 5


@pytest.mark.parametrize("spec", ["binary_public_good:n=5", "n_stag_hunt:n=5", "n_prisoners_dilemma:n=5",
                                  "public_goods:counts=3|2,r=2,e=1|2"])
@pytest.mark.parametrize("rules", [Rules(), Rules(selection="optimistic"), Rules(timing="nash")],
                         ids=["stackelberg-pessimistic", "stackelberg-optimistic", "nash-pessimistic"])
def test_compact_rows_equal_dense_rows_on_small_games(spec, rules):
    """The same cross-check on games whose no-contract outcome treats the players of a type alike (one run
    per type), under three conventions, K = 3: two types (the typed public goods) and non-linear payoffs
    (stag hunt) included.  Only the representative of the best coalition structure may differ (the
    typed game: tied structures of one class, same welfare and gains)."""
    from contract_theory.games.compact_library import compact_from_spec

    g, _ = compact_from_spec(spec + ",compact=true")
    c, d = design_comparison(g, 3, rules), design_comparison(g.to_dense(), 3, rules)

    def facts(r):
        f = _facts(r)
        return f[:11] + f[12:] if r.name == "several contracts" else f
    assert [facts(r) for r in _rows(c)] == [facts(r) for r in _rows(d)]


def test_payments_row_by_hand_n10():
    """N = 10, r = 3, e = 1 (r/N = 3/10; private loss 7/10).
    K = 3: the bloc gains 9/10 from a contribution: not its own (9/10 < 1), but an outsider's, paid
    just over 7/10 (pessimistic selection: an infimum, not attained): all 7 outsiders, cost 49/10.
    X = 7: W = 10 + 2 * 7 = 24.  Members: 3 * (1 + 21/10) - 49/10 - 3 = 7/5; outsiders:
    7 * (21/10 + 7/10 - 1) = 63/5.
    K = 4: the bloc gains 6/5 > 1 from its own contributions too, pays 6 * 7/10 = 21/5: X = 10,
    W = W* = 30 from k = 4.  Members: 4 * 3 - 21/5 - 4 = 19/5; outsiders 6 * (3 + 7/10 - 1) = 81/5."""
    g = public_goods_compact(10, 3, 1)
    p3 = design_comparison(g, 3).modifications[0]
    assert p3.name == "payments to outsiders"
    assert (p3.welfare, p3.cost, p3.cost_attained, p3.members_gain, p3.outsiders_gain, p3.min_k_for_optimum) == (
        24, Fraction(49, 10), False, Fraction(7, 5), Fraction(63, 5), None)
    p4 = design_comparison(g, 4).modifications[0]
    assert (p4.welfare, p4.cost, p4.members_gain, p4.outsiders_gain, p4.min_k_for_optimum) == (
        30, Fraction(21, 5), Fraction(19, 5), Fraction(81, 5), 4)
    assert p4.diagnosis.reaches_optimum


def test_payments_row_by_hand_n100_r40():
    """N = 100, r = 40, e = 1, K = 3 (r/N = 2/5; private loss 3/5).  A 3-bloc gains 6/5 > 1 from its own
    contribution and 6/5 > 3/5 from an outsider's: it contributes and pays each of the 97 outsiders
    (just over) 3/5, cost 291/5, X = 100: W* = 40 * 100 = 4000.  Members: 3 * 40 - 291/5 - 3 = 294/5;
    outsiders 97 * (40 + 3/5 - 1) = 19206/5.  At k = 2 (4/5 < 1: members keep, 4/5 > 3/5: 98 outsiders
    paid) W = 100 + 39 * 98 = 3922 < W*, so the smallest k is 3."""
    d = design_comparison(public_goods_compact(100, 40, 1), 3)
    p = d.modifications[0]
    assert (p.welfare, p.cost, p.cost_attained, p.members_gain, p.outsiders_gain, p.min_k_for_optimum) == (
        4000, Fraction(291, 5), False, Fraction(294, 5), Fraction(19206, 5), 3)
    assert d.optimum_welfare == 4000


def test_compact_n100_answers_every_row():
    """N = 100, r = 3, e = 1, K = 3 (the issue's case; its dense form has 2^100 profiles).  A k-bloc gains
    3k/100 from one contribution: no bloc within K contributes (9/100 < 1) nor pays an outsider
    (9/100 < 97/100), so every row stays at the no-contract W = 100 = N e, cost 0, against W* = 300;
    the binding reason is the members' share."""
    t = time.perf_counter()
    d = design_comparison(public_goods_compact(100, 3, 1), 3)
    assert time.perf_counter() - t < 30
    assert [r.name for r in _rows(d)] == ["none", "payments to outsiders", "observing outsiders", "several contracts",
                                          "recruitment", "minimum participation", "sanctions on outsiders",
                                          "stabilizing transfers"]
    assert all(r.status == "computed" and r.welfare == 100 and r.cost == 0 for r in _rows(d))
    assert (d.optimum_welfare, d.no_contract_welfare) == (300, 100)
    assert all(not r.diagnosis.reaches_optimum for r in _rows(d))
    assert "members" in [x.code for x in d.baseline.diagnosis.reasons]


def test_a_compact_row_over_its_budget_is_refused_alone():
    """max_pairs = 100: payments to outsiders of the first composition, 2 members, need 3 x 99 = 297
    member x outsider count pairs (2 + 1 member count vectors, 98 + 1 outsider ones), so that row is "not
    computed" with its size, limit and flag; the others (linear engine, no pairs) are still answered, and
    the CLI prints the row as refused."""
    d = design_comparison(public_goods_compact(100, 3, 1), 3, Rules(budgets=Budgets(max_pairs=100)))
    pay = d.modifications[0]
    assert pay.status == "not computed" and (pay.limit["size"], pay.limit["limit"]) == (297, 100)
    assert pay.limit["flag"] == "--max-pairs"
    assert all(r.status == "computed" for r in _rows(d) if r is not pay)


def test_cli_refuses_the_row_not_the_table(capsys):
    code = main(["design", "public_goods:n=100,r=3,e=1,compact=true", "--k", "3", "--max-pairs", "100"])
    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    line = next(x for x in out.splitlines() if x.startswith("payments to outsiders"))
    assert "not computed" in line and "over budget (297 > 100, --max-pairs)" in line
    assert next(x for x in out.splitlines() if x.startswith("several contracts")).split()[2] == "100"


def test_cli_design_compact_n100(capsys):
    """The issue's command: exit 0, every row printed, no Python repr, the profile by runs of players."""
    code = main(["design", "public_goods:n=100,r=3,e=1,compact=true", "--k", "3"])
    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    assert "W* = 300" in out and "not computed" not in out
    for bad in ("Fraction(", "None", "True", "[(", "{'", "((", "dense form"):
        assert bad not in out
    assert "(P0 to P99 (100 players) play 1)" in out
    code = main(["design", "public_goods:n=100,r=3,e=1,compact=true", "--k", "3", "--format", "json"])
    doc = json.loads(capsys.readouterr()[0])
    assert code == 0 and doc["modifications"][0]["welfare"] == "100"


def test_diagnosis_reads_every_optimal_arrangement():
    """Cournot, N = 4, a = 12, c = 0, grid 0|2|3|4|6, K = 3: W* = 36 at total output 6, reached by count
    matrices whose players produce different quantities, so which player plays what matters.  The dense
    diagnosis scans the optimal profiles in lexicographic order and finds one where the bloc {P0, P1, P2}
    does not gain by changing its own joint action: the binding reason of payments is the budget (recorded
    from the dense game, 70 s).  Reading only each optimal count matrix's canonical arrangement (members on
    the smallest quantities) would blame the members' share instead."""
    from contract_theory.games.compact_library import compact_from_spec

    g, _ = compact_from_spec("cournot:n=4,compact=true")
    d = design_comparison(g, 3)
    pay = d.modifications[0]
    assert (d.optimum_welfare, pay.welfare, pay.cost) == (36, 35, 6)
    assert [x.code for x in pay.diagnosis.reasons] == ["budget"]


def test_a_row_needing_the_dense_form_is_refused_alone(capsys):
    """N-player stag hunt, N = 20 (not linear aggregative): coalition structures of such a compact game go
    through its dense form, 2^20 profiles x 20 players = 20,971,520 cells > 4,194,304 (the default
    --max-entries), so that row alone is "not computed", with that size, limit and flag; the other rows are
    answered by composition."""
    code = main(["design", "n_stag_hunt:n=20,compact=true", "--k", "3", "--format", "json"])
    doc = json.loads(capsys.readouterr()[0])
    assert code == 0
    rows = {r["name"]: r for r in [doc["baseline"], *doc["modifications"]]}
    sc = rows.pop("several contracts")
    assert sc["status"] == "not computed"
    assert (sc["limit"]["size"], sc["limit"]["limit"], sc["limit"]["flag"]) == (2**20 * 20, 4_194_304, "--max-entries")
    assert all(r["status"] == "computed" for r in rows.values())


def test_refused_row_names_the_budget_it_exceeds():
    """N = 1000, K = 3: the coalition structures are the integer partitions of 1000 into parts of at most
    3, 83,834 classes (the coefficient of x^1000 in 1/((1-x)(1-x^2)(1-x^3)), the nearest integer to
    (n + 3)^2 / 12 = 1003^2/12 = 83,834.08), above the default 10,000: the limit read is the budget's
    (not the 1000 players the message also names), with the flag the design command has."""
    d = design_comparison(public_goods_compact(1000, 3, 1), 3)
    sc = d.modifications[2]
    assert sc.name == "several contracts" and sc.status == "not computed"
    assert (sc.limit["size"], sc.limit["limit"], sc.limit["flag"]) == (83_834, 10_000, "--max-structures")
    assert d.modifications[0].welfare == 1000 and d.modifications[0].status == "computed"
