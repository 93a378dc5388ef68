"""Treaty repairs of compact games equal the dense game's, field by field, also when players of one type
are treated differently (MODEL.md section 11; the defect: repairs by composition compared a member with
another player's no-contract payoff, the one issue 30 item 3 fixed for stability).

The dense game (:meth:`to_dense`, every coalition of players) is the oracle: the compact path must give
exactly its answer.  Reproductions from notes-compactdesign.md: cournot n=4 K=3 (stackelberg/pessimistic),
el_farol n=5 (nash), commons n=4, volunteers_dilemma n=5 (nash).
"""

from __future__ import annotations

from collections import Counter
from fractions import Fraction as F

import pytest

from contract_theory.contracting.coalitions.compact import CompactBloc
from contract_theory.contracting.coalitions.rules import Rules
from contract_theory.contracting.modifications.design import design_comparison
from contract_theory.contracting.modifications.repairs import REPAIRS, repair_comparison, repair_rows
from contract_theory.games.compact_library import compact_from_spec

RULES = {"stackelberg-pessimistic": Rules(), "stackelberg-optimistic": Rules(selection="optimistic"),
         "nash-pessimistic": Rules(timing="nash")}


def _game(spec):
    return compact_from_spec(spec + ",compact=true")[0]


def _repair_facts(r):
    """Every field of a repair's answer a dense and a compact run share (notes aside: the compact study's
    own notes name its engine)."""
    return (r.name, r.kind, r.k, r.optimum_welfare, r.no_contract_welfare, r.parameter, r.terms, r.outcome.stable,
            r.outcome.best, r.outcome.welfare, r.outcome.sizes, r.outcome.undecided, r.outcome.payoffs,
            r.baseline.stable, r.baseline.best, r.baseline.welfare, r.cost, r.within_theorem_class, r.gives_up,
            r.changes, r.signatures, r.reaches_optimum, r.complete, r.payoffs_exact)


def _players(table, keys):
    """Coalitions of players: a composition stands for every coalition with that composition."""
    if table.kind == "players":
        return tuple(sorted(keys))
    bloc = CompactBloc(table.analysis.game)
    return tuple(sorted(T for key in keys for T in bloc.arrangements(key)))


def _flat(runs_per_group):
    return tuple(v for runs in runs_per_group for v, n in runs for _ in range(n))


def _pay(p):
    if p is None:
        return None
    return (p.in_force, _flat(m + o for m, o in p.groups), p.welfare, p.paid, _flat(p.transfers))


def _as_players(r):
    """A repair's answer in players' terms (a uniform compact table solves compositions; a composition's
    canonical coalition is its best member, every arrangement of a stable composition is stable)."""
    t = r.table
    changes = Counter()
    for c in r.changes:
        changes[(c.was_member, c.is_member, c.before, c.after)] += c.count
    param = _flat(r.parameter) if r.name == "stabilizing transfers" and r.parameter is not None else r.parameter

    def best(key):
        return None if key is None else t.players(key)
    return (r.name, r.k, r.optimum_welfare, r.no_contract_welfare, param, r.terms, _players(t, r.outcome.stable),
            best(r.outcome.best), r.outcome.welfare, r.outcome.sizes, _players(t, r.outcome.undecided),
            _pay(r.outcome.payoffs), _players(t, r.baseline.stable), best(r.baseline.best), r.baseline.welfare,
            r.cost, r.within_theorem_class, r.gives_up, sorted(changes.items()), r.signatures, r.reaches_optimum,
            r.complete, r.payoffs_exact)


def _row_facts(row):
    """A :class:`RepairRow`: the repair's answer, the smallest k reaching W*, gains, statuses."""
    return (_as_players(row.repair), row.min_k_for_optimum, row.gains, row.statuses)


def _design_facts(r):
    """Every field of a ``design`` repair row, diagnosis reasons with their players and values included."""
    diag = None if r.diagnosis is None else (r.diagnosis.reaches_optimum, r.diagnosis.reasons, r.diagnosis.not_binding)
    return (r.name, r.status, r.welfare, r.min_k_for_optimum, r.cost, r.cost_attained, r.members_gain,
            r.outsiders_gain, r.assumptions, r.notes, r.convention, r.reference_welfare, r.stable_welfare,
            r.tie_dependent, r.tie, r.tie_welfare, r.coalition, r.structure, r.limit, diag, _repair_facts(r.repair))


def _assert_rows_agree(spec, k, rules):
    g = _game(spec)
    base_c, rows_c = repair_rows(g, k, rules)
    base_d, rows_d = repair_rows(g.to_dense(), k, rules)
    assert [_row_facts(r) for r in rows_c] == [_row_facts(r) for r in rows_d]
    assert base_c.welfare == base_d.welfare


REPRODUCTIONS = [("cournot:n=4", 3, "stackelberg-pessimistic"), ("el_farol:n=5", 3, "nash-pessimistic"),
                 ("commons:n=4", 3, "stackelberg-pessimistic"), ("volunteers_dilemma:n=5", 3, "nash-pessimistic")]


@pytest.mark.parametrize(("spec", "k", "rules"), REPRODUCTIONS, ids=[s for s, _, _ in REPRODUCTIONS])
def test_design_repair_rows_equal_dense_on_the_reproductions(spec, k, rules):
    """The four reported wrong answers: every field of every repair row of ``design`` (welfare, smallest
    k, cost, gains, statuses, notes, tie dependence, coalition, diagnosis) by composition equals the dense
    game's.  Before the fix: cournot transfers W 0 vs 27 and sanctions cost 9/2 vs 0; el_farol sanctions
    cost 4/5 vs 0 at (0, 1, 2) vs (3, 4); commons' tie dependence; volunteers' transfers cost 0 vs 1/2."""
    g = _game(spec)
    c, d = design_comparison(g, k, RULES[rules]), design_comparison(g.to_dense(), k, RULES[rules])
    rc = [r for r in c.modifications if r.name in REPAIRS]
    rd = [r for r in d.modifications if r.name in REPAIRS]
    assert [r.name for r in rc] == list(REPAIRS)
    assert [_design_facts(r) for r in rc] == [_design_facts(r) for r in rd]
    assert c.baseline.stable_welfare == d.baseline.stable_welfare
    assert not any("may differ" in n for r in rc for n in r.notes)


def test_reproduced_values():
    """The reported dense values themselves (so that a wrong dense path cannot hide the compact one)."""
    c = repair_comparison(_game("cournot:n=4"), 3)
    assert (c.repair("stabilizing transfers").stable_welfare, c.repair("sanctions on outsiders").cost) == (27, 0)
    e = repair_comparison(_game("el_farol:n=5"), 3, Rules(timing="nash")).repair("sanctions on outsiders")
    assert (e.cost, e.outcome.best) == (0, (3, 4))


def test_volunteers_transfers_by_hand():
    """Volunteer's dilemma N = 5, b = 2, c = 1, K = 3, Nash timing, pessimistic, equal sharing, tie inside.

    No contract (pessimistic, ties to the smallest profile): P0 volunteers, payoffs (1, 2, 2, 2, 2), W = 9
    = W*.  T = {0, 1}: the Nash outcomes are "a member volunteers" (U_T = 1 + 2 = 3) and "an outsider
    volunteers" (U_T = 4); pessimistic keeps U_T = 3, the smallest profile has P0 volunteer; W = 9.
    Stabilizing transfers: o_i(T) is i's own payoff once it has left, T - i = one player, no agreement:
    o_0 = 1 (P0 volunteers at no contract), o_1 = 2; sigma = 3 - (1 + 2) = 0, so x_0 = 1, x_1 = 2 against
    the equal shares 3/2: P0 pays 1/2 to P1, cost 1/2.  Leaving gives each exactly x_i (tie inside: stay).
    An outsider j joining {0, 1, j}: U = 5 (a member volunteers), o_j = 2 (outsider of {0, 1}), o_0 = 2
    ({1, j}: P1 volunteers), o_1 = 2, sigma = 5 - 6 = -1, x_j = 2 - 1/3 = 5/3 < 2: nobody joins.  So
    {0, 1} is stable, the smallest of the 2-coalitions at W = 9.  (By composition, with the type's best
    no-contract payoff 2 as everyone's outside option, the row said cost 0.)"""
    r = repair_comparison(_game("volunteers_dilemma:n=5"), 3, Rules(timing="nash")).repair("stabilizing transfers")
    assert (r.outcome.best, r.stable_welfare, r.cost) == ((0, 1), 9, F(1, 2))
    assert r.parameter[:2] == (((F(-1, 2), 1),), ((F(1, 2), 1),))
    assert r.outcome.payoffs.groups[:2] == ((((F(1), 1),), ()), (((F(2), 1),), ()))


SMALL = ["binary_public_good", "n_stag_hunt", "n_prisoners_dilemma", "volunteers_dilemma", "el_farol", "cournot",
         "commons", "public_goods"]
GRID = [(f"{family}:n={n}", k, rules) for family in SMALL for n in (3, 4, 5) for k in range(2, n) for rules in sorted(RULES)]


@pytest.mark.parametrize(("spec", "k", "rules"), GRID, ids=[f"{s}-K{k}-{r}" for s, k, r in GRID])
def test_repair_rows_equal_dense_grid(spec, k, rules):
    """Over the small built-in compact families, n = 3..5, K = 2..n-1, the three conventions of
    tests/test_design_compact.py (144 cases, ~15 s): every field of every repair row (parameter, stable
    coalitions, best, payoffs, cost, changes, smallest k, gains, statuses) by composition equals the
    dense game's -- by composition where the table is uniform, per player where it is not."""
    _assert_rows_agree(spec, k, RULES[rules])


def test_repairs_refused_not_answered_by_composition_when_per_player_is_over_budget():
    """Volunteer's dilemma N = 100, K = 3: P0 volunteers at no contract, so the repairs are solved per player:
    C(100, 2) + C(100, 3) = 4,950 + 161,700 = 166,650 coalitions x 100 players = 16,665,000 payoffs >
    200,000.  The three repair rows are refused with that size (never the composition answer); the other
    rows are still answered."""
    g = _game("volunteers_dilemma:n=100")
    d = design_comparison(g, 3)
    rows = {r.name: r for r in d.modifications}
    for name in REPAIRS:
        assert rows[name].status == "not computed"
        assert (rows[name].limit["size"], rows[name].limit["limit"]) == (16_665_000, 200_000)
    assert rows["recruitment"].status == "computed" and d.baseline.welfare == 199
