"""The Rules value object (contracting.coalitions.rules) and the one-entry-point API (contract_theory.api).

Rules: defaults equal to the documented ones (docs/background/model.md#4-partial-contracts: Stackelberg,
pessimistic, equal sharing, the "inside" tie rule; #5: unanimous sequential voting, indifferent voters
accept, the pessimistic default equilibrium), validation at construction with a named error, and
the same answers as passing each choice to the implementation.  The API: each entry point gives,
for every kind of game, what the kind's own implementation gives (compact games are cross-checked
against their dense form, the oracle of docs/background/model.md#8-compact-games).
"""

import dataclasses
from fractions import Fraction as F

import pytest

from contract_theory import (
    Budgets,
    ProtocolRules,
    Rules,
    TheoremSpace,
    all_coalition_outcomes,
    check_assumptions,
    coalition_outcome,
    load_game,
    no_contract_outcome,
    optimum,
    partial_contract_analysis,
    pure_equilibria,
    spe_solve,
    theorem_check,
)
from contract_theory.cli.commands import rules_from_args
from contract_theory.errors import ParameterError, SizeLimitError


def test_defaults_are_the_documented_ones():
    r = Rules()
    assert r.as_dict() == {"timing": "stackelberg", "selection": "pessimistic", "sharing": "equal", "tie": "inside"}
    assert (r.protocol.voting, r.protocol.refinement, r.protocol.voter_tie, r.protocol.default) == (
        "unanimous", "sequential", "accept", "pessimistic")
    assert (r.budgets.max_coalitions, r.budgets.max_policies, r.budgets.max_compositions, r.budgets.max_pairs) == (
        200_000, 200_000, 1_000_000, 20_000_000)
    assert hash(r) == hash(Rules()) and r == Rules()


@pytest.mark.parametrize("kwargs, message", [
    ({"timing": "later"}, "unknown timing 'later'"),
    ({"selection": "median"}, "unknown selection 'median'"),
    ({"sharing": "half"}, "unknown sharing 'half'"),
    ({"tie": "sideways"}, "unknown tie rule 'sideways'"),
    ({"protocol": "unanimous"}, "protocol must be a ProtocolRules"),
    ({"budgets": 5}, "budgets must be a Budgets"),
])
def test_bad_rules_are_refused_at_construction(kwargs, message):
    with pytest.raises(ParameterError, match=message):
        Rules(**kwargs)


@pytest.mark.parametrize("kwargs, message", [
    ({"voting": "plurality"}, "unknown voting rule 'plurality'"),
    ({"voting": ("committee", 0)}, "unknown voting rule"),
    ({"refinement": "secret"}, "unknown voting refinement 'secret'"),
    ({"voter_tie": "abstain"}, "unknown voter tie 'abstain'"),
    ({"default": "mean"}, "unknown default equilibrium 'mean'"),
])
def test_bad_protocol_rules_are_refused(kwargs, message):
    with pytest.raises(ParameterError, match=message):
        ProtocolRules(**kwargs)


def test_budgets_must_be_positive_integers():
    with pytest.raises(ParameterError, match="max_policies must be a positive integer"):
        Budgets(max_policies=0)
    with pytest.raises(ParameterError, match="max_coalitions must be a positive integer"):
        Budgets(max_coalitions=True)


def test_replace_reaches_nested_fields_and_names_unknown_ones():
    r = Rules().replace(timing="nash", voting="majority", max_coalitions=7)
    assert (r.timing, r.protocol.voting, r.budgets.max_coalitions) == ("nash", "majority", 7)
    assert r.protocol.refinement == "sequential" and r.budgets.max_policies == 200_000
    assert ProtocolRules(voting=["committee", 2]).voting == ("committee", 2)  # JSON lists stay hashable
    with pytest.raises(ParameterError, match=r"unknown rule\(s\) \['speed'\]"):
        Rules().replace(speed=3)
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field .timing."):
        r.timing = "stackelberg"


def test_the_cli_builds_one_rules_value_from_its_flags():
    import argparse

    args = argparse.Namespace(timing="nash", selection="optimistic", sharing="lump_sum", tie="both-weak",
                              voting="majority", refinement="simultaneous", default="any")
    r = rules_from_args(args)
    assert r == Rules(timing="nash", selection="optimistic", sharing="lump_sum", tie="both-weak",
                      protocol=ProtocolRules(voting="majority", refinement="simultaneous", default="any"))


def test_budgets_are_applied():
    """PG(4): C(4,2) + C(4,3) = 10 coalitions of size 2..3 (no symmetry shortcut when the limit is below)."""
    g = load_game("public_goods:n=4,r=8/5,e=20")
    with pytest.raises(SizeLimitError, match="10 coalitions exceed max_coalitions=9"):
        partial_contract_analysis(g, 3, Rules(budgets=Budgets(max_coalitions=9)))
    with pytest.raises(SizeLimitError, match="max_policies=10"):
        partial_contract_analysis(load_game("commons_markov:n=3"), 2, Rules().replace(max_policies=10))


def test_rules_change_the_answer_as_the_model_says():
    """Cournot u_i = q_i (12 - Q), q_i in {0, 2, 3, 4}, pair {0, 1}, derived by hand.

    Stackelberg (pessimistic): the outsider best-responds to the pair's total Q_S with
    argmax q (12 - Q_S - q): 4 after Q_S = 4, {3, 4} after 5 (pessimistic: 4), 3 after 6, {2, 3} after 7
    (pessimistic: 3), 2 after 8; the pair's totals are 16, 15, 18, 14, 16, so it commits to Q_S = 6:
    (2, 4), (3, 3), (4, 2) tie at U_S = 18, W = 27, the smallest profile (2, 4, 3) represents them.
    Nash (optimistic): the equilibria are (Q_S, q_o) = (5, 3) with U_S = 20 and (4, 4) with U_S = 16,
    both W = 32; optimistic selection takes U_S = 20: (2, 3, 3), tied with (3, 2, 3)."""
    g = load_game("cournot:n=3,a=12,c=0,grid=0|2|3|4")
    st = coalition_outcome(g, [0, 1])
    nash = coalition_outcome(g, [0, 1], Rules(timing="nash", selection="optimistic"))
    assert (g.labels(st.profile), st.bloc_value, st.welfare) == (("2", "4", "3"), F(18), F(27))
    assert [g.labels(p) for p in st.ties] == [("2", "4", "3"), ("3", "3", "3"), ("4", "2", "3")]
    assert (g.labels(nash.profile), nash.bloc_value, nash.welfare) == (("2", "3", "3"), F(20), F(32))
    assert [g.labels(p) for p in nash.ties] == [("2", "3", "3"), ("3", "2", "3")]
    assert (st.timing, st.selection, nash.timing, nash.selection) == ("stackelberg", "pessimistic", "nash", "optimistic")


# ---------------------------------------------------------------------------- one entry point per concept
def test_every_entry_point_serves_every_kind():
    """The same names on a normal-form, a Markov and a compact game, against each kind's implementation."""
    from contract_theory.contracting.coalitions.compact import CompactBloc
    from contract_theory.contracting.coalitions.normal_form import NormalFormBloc
    from contract_theory.contracting.coalitions.partial_contracts import partial_contract_study
    from contract_theory.markov.coalitions import MarkovBloc

    rules = Rules(timing="nash", tie="outside")
    nf, mk, cp = (load_game(s) for s in ("public_goods:n=4,r=8/5,e=20", "commons_markov:n=3", "iea:n=30,b=1,c=1"))
    assert [g.kind for g in (nf, mk, cp)] == ["normal-form", "markov", "compact"]
    for g, bloc in ((nf, NormalFormBloc(nf)), (mk, MarkovBloc(mk)), (cp, CompactBloc(cp))):
        got, ref = partial_contract_analysis(g, 3, rules), partial_contract_study(bloc, 3, rules)
        assert (got.welfare_curve, got.stability, got.tie) == (ref.welfare_curve, ref.stability, "outside")
    assert pure_equilibria(nf).equilibria == ((0, 0, 0, 0),)
    assert optimum(nf) == (F(128), ((1, 1, 1, 1),))
    assert optimum(mk)[0] == F(30) and pure_equilibria(mk).equilibria
    assert no_contract_outcome(cp).welfare == F(885)  # golden analyze_compact_iea30_k3: W_1 = 885
    assert len(all_coalition_outcomes(cp, 3)) == 2 and set(all_coalition_outcomes(nf, 2)) == {
        (0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)}


def test_compact_entry_points_agree_with_the_dense_oracle():
    """public goods N = 5, r = 2, e = 20 compact and dense: the same study, outcome and checks."""
    cg = load_game("public_goods:n=5,r=2,e=20,compact=true")
    dg = load_game("public_goods:n=5,r=2,e=20")
    assert cg.kind == "compact" and dg.kind == "normal-form"
    a, b = partial_contract_analysis(cg, 3), partial_contract_analysis(dg, 3)
    assert a.welfare_curve == b.welfare_curve == {1: F(100), 2: F(100), 3: F(160)}
    assert coalition_outcome(cg, [3]).welfare == coalition_outcome(dg, [0, 1, 2]).welfare == F(160)
    assert [(c.id, c.status) for c in check_assumptions(cg, 3)] == [(c.id, c.status) for c in check_assumptions(dg, 3)]
    assert theorem_check(cg).every_spe_optimal is theorem_check(dg).every_spe_optimal is True


def test_kinds_without_an_implementation_say_the_way_out():
    mk, cp = load_game("commons_markov:n=3"), load_game("iea:n=30,b=1,c=1")
    with pytest.raises(ParameterError, match="assumption checks is not available for markov games"):
        check_assumptions(mk, 2)
    with pytest.raises(ParameterError, match=r"not available for compact games; expand it with game.to_dense\(\)"):
        spe_solve(cp, [])
    with pytest.raises(ParameterError, match="supports only the theorem's defaults"):
        theorem_check(cp, space=TheoremSpace(cap=1))
    with pytest.raises(ParameterError, match="is not a game of a known kind"):
        partial_contract_analysis("public_goods", 2)
