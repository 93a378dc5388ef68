"""`design` under one convention (issues 21 and 30): regression cases with values derived by hand.

Each docstring gives the derivation; the assertions are the hand values, and the design rows
are compared with the plain studies under the same rules.
"""

from fractions import Fraction

from contract_theory import Rules
from contract_theory.contracting.coalitions.normal_form import no_contract_outcome
from contract_theory.contracting.coalitions.partial_contracts import partial_contract_analysis
from contract_theory.contracting.modifications.observing_contracts import observation_comparison
from contract_theory.contracting.modifications.recruitment import recruitment_analysis, recruitment_path
from contract_theory.games.library import cournot, n_stag_hunt

STAG4 = n_stag_hunt(4)
COURNOT4 = cournot(4, a=12, c=0, grid=[2, 3])


def test_observing_outsiders_follows_selection_in_the_four_player_stag_hunt():
    """Issue 30.1.  Stag hunt N = 4, m = 4, stag 4, hare 3; S = {P0, P1} under Nash timing.

    The bloc game (bloc versus outsiders P2, P3, simultaneous) has two pure equilibria:
    all Stag (bloc total 8, outsiders 4 > 3 from Hare, welfare 16) and all Hare (bloc total
    6 = its best against two hare hunters, outsiders 3 > 0 from Stag, welfare 12).  No other
    profile is one (a lone stag hunter gets 0 < 3).  Pessimistic selection takes the worst
    equilibrium for the bloc, all Hare: welfare 12, as the plain Nash-timing coalition does;
    optimistic takes all Stag: 16.
    """
    pess = observation_comparison(STAG4, [0, 1], selection="pessimistic")
    opt = observation_comparison(STAG4, [0, 1], selection="optimistic")
    assert pess.welfare == {"members": Fraction(12), "all": Fraction(12)}
    assert pess.selected["all"] == (1, 1, 1, 1)
    assert opt.welfare == {"members": Fraction(16), "all": Fraction(16)}
    assert partial_contract_analysis(STAG4, 2, Rules(timing="nash")).w_k == 12


def test_recruitment_uses_every_start_when_the_no_contract_outcome_is_not_symmetric():
    """Issue 30.2.  Cournot N = 4, a = 12, c = 0, q_i in {2, 3}, u_i = q_i (12 - Q); K = 3, lump sum.

    No contract (pessimistic): the equilibria are one firm at 3 (welfare 27) and two at 3,
    (2, 2, 3, 3) with payoffs (4, 4, 6, 6), welfare 20 (a 3-firm gets 6 either way; a 2-firm
    gets 4 > 3); pessimistic takes 20.  Stackelberg, pessimistic:
    {P0, P1} or {P0, P2} commit to (3, 3) with the outsiders at (2, 2): bloc 12 (the other
    commitments give at worst 8 and 10).  {P0, P1, P2} commit to (2, 2, 2), the outsider plays
    3: bloc 18, welfare 27.  Lump sum gives each member its no-contract payoff plus an equal
    share of the surplus.  From {P0, P1} (baseline 4 + 4, total 12): admitting P2 gives P0 and
    P1 4 + 4/3 each, 32/3 < 12, no (P3 alike): stop, welfare 20.  From {P0, P2} (baseline
    4 + 6, total 12): admitting P1 gives them 10 + 8/3 = 38/3 > 12 and P1 16/3 >= 4 as an
    outsider: admitted; admitting P3 only 10 + 4/3.  So {P0, P1, P2}, welfare 27.
    """
    rules = Rules(sharing="lump_sum")
    assert no_contract_outcome(COURNOT4).profile == (0, 0, 1, 1)
    assert recruitment_path(COURNOT4, [0, 1], rules, k=3).outcome.welfare == 20
    p = recruitment_path(COURNOT4, [0, 2], rules, k=3)
    assert p.path == ((0, 2), (0, 1, 2)) and p.outcome.welfare == 27
    a = recruitment_analysis(COURNOT4, 3, rules)
    assert a.curve.w_k == 27 == recruitment_analysis(COURNOT4, 3, rules, use_symmetry=False).curve.w_k
    assert len(a.paths) == 6


def _design_json(spec: str, *flags: str) -> dict:
    import contextlib
    import io
    import json

    from contract_theory.cli import main as cli_main

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        rc = cli_main(["design", spec, *flags, "--format", "json"])
    assert rc in (0, None)
    return json.loads(buf.getvalue())


def test_payments_row_of_ten_player_public_goods_matches_the_hand_value():
    """public_goods n=10, r=3, e=1, K=3, pessimistic selection, equal sharing.

    By hand: u_i = e - c_i + (r/n) sum_j c_j. Contributing costs an outsider 1 - 3/10 = 7/10, so
    the bloc pays each of the 7 outsiders 7/10: cost 49/10 (an infimum under pessimistic selection,
    where an exactly indifferent outsider does not comply). The members keep their endowment (a unit
    returns them only 9/10): they get 3 (1 + 21/10) = 93/10 gross, 93/10 - 49/10 = 22/5 net against 3
    with no contract, a gain of 7/5. Each outsider gets 21/10 + 7/10 - 1 = 9/5 more: 63/5 in all.
    Welfare (transfers cancel): 93/10 + 7 * 21/10 = 24 < W* = 30, and the binding reason is the
    members' own marginal gain (9 at the optimum against 93/10 by not contributing).
    """
    d = _design_json("public_goods:n=10,r=3,e=1", "--k", "3")
    row = next(r for r in d["modifications"] if r["name"] == "payments to outsiders")
    assert (row["welfare"], row["cost"], row["members_gain"], row["outsiders_gain"]) == ("24", "49/10", "7/5", "63/5")
    assert row["cost_attained"] is False
    assert row["coalition_names"] == ["P0", "P1", "P2"]
    binding = row["diagnosis"]["binding"][0]
    assert (binding["code"], binding["here"], binding["there"]) == ("members", "9", "93/10")
    assert Fraction(row["welfare"]) < 30
    # every row answered, none refused
    assert all(r["status"] == "computed" for r in d["modifications"])
