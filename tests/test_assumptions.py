"""Assumption checks A1-A12, B1-B4: statuses and witnesses on games where they are derived by hand."""

import pytest

from contract_theory import ParameterError, ProtocolRules, Rules
from contract_theory.contracting.contracts.contract import deviation_penalty
from contract_theory.contracting.contracts.enforcement import deviation_penalty_threshold
from contract_theory.contracting.protocol.assumptions import check_assumptions, explain
from contract_theory.games.library import cournot, prisoners_dilemma, public_goods, stag_hunt, volunteers_dilemma


def by_id(checks):
    return {c.id: c for c in checks}


def test_full_contract_pd_everything_holds():
    c = by_id(check_assumptions(prisoners_dilemma(), k=2))
    assert all(c[a].status == "holds" for a in [f"A{i}" for i in range(1, 13)])
    assert all(c[b].status == "not applicable" for b in ("B1", "B2", "B3", "B4"))
    assert c["A3"].witness == {"needed": "2", "cap": None}
    assert "every subgame-perfect equilibrium is socially optimal" in explain(list(c.values()))


def test_cap_below_the_needed_penalty_fails_a3_a4():
    """PD: enforcing (C,C) needs the penalty T - R = 2 (the row player's gain from defecting)."""
    assert deviation_penalty_threshold(prisoners_dilemma(), [0, 1], (0, 0)) == 2
    c = by_id(check_assumptions(prisoners_dilemma(), k=2, cap="3/2"))
    assert c["A3"].status == "fails" and c["A3"].witness["needed"] == "2" and c["A3"].witness["cap"] == "3/2"
    assert c["A4"].status == "fails"
    assert by_id(check_assumptions(prisoners_dilemma(), k=2, cap=2))["A3"].status == "holds"


def test_public_goods_k3_outsider_witness():
    """n=4, r=8/5, e=20: at the optimum (all contribute) an outsider gains 20 - 8 = 12 by keeping its endowment."""
    c = by_id(check_assumptions(public_goods(4, "8/5", 20), k=3))
    assert c["A4"].status == "fails" and c["B1"].status == "fails"
    assert c["B1"].witness == {"profile": ("20", "20", "20", "20"), "outsider": 0, "deviation": "0", "gain": "12"}
    # contributions help outsiders: positive externality, no outsider harmed
    assert c["B2"].status == "holds" and c["B2"].witness["sign"] == "positive"
    assert c["A7"].status == "holds"


def test_negative_externality_in_cournot():
    """Cournot with 3 firms, grid {0,3,4,6}, optimistic selection: the default (3,3,3) pays 9 each.

    The bloc leads with total 9 (3 and 6); the follower earns 0 whatever it replies (q = 0 earns
    nothing, q >= 3 drives the price to 0), and the reply best for the bloc, 0, leaves the
    outsider 0: a loss of 9."""
    c = by_id(check_assumptions(cournot(3, 12, 0, (0, 3, 4, 6)), k=2, rules=Rules(selection="optimistic")))
    assert c["B2"].status == "fails" and c["B2"].witness["sign"] == "negative"
    assert c["B2"].witness["outsider changes"] == {2: "-9"}
    assert c["A7"].status == "fails" and c["A7"].witness["loss"] == "9"


def test_timing_sensitivity():
    """Cournot, K=2, pessimistic: as a leader the bloc gets W_2 = 27 (Q_S = 6, follower 3: 18 + 9);
    moving simultaneously it is a duopolist: 4 and 4 at price 4, W_2 = 32 (test_coalitions derives both)."""
    c = by_id(check_assumptions(cournot(3, 12, 0, (0, 3, 4, 6)), k=2))
    assert c["B4"].status == "fails"
    assert c["B4"].witness == {"stackelberg": "27", "nash": "32"}
    assert c["B3"].status == "holds"


def test_selection_sensitivity():
    """4-player stag hunt needing all 4 hunters, K=2: the two outsiders face a 2-player stag hunt.

    Pessimistic: they hunt hare, so the bloc hunts hare too: W_2 = 4*3 = 12. Optimistic: all
    hunt stag, W_2 = 16."""
    from contract_theory.games.library import n_stag_hunt
    c = by_id(check_assumptions(n_stag_hunt(4, 4), k=2))
    assert c["B3"].status == "fails"
    assert c["B3"].witness == {"pessimistic": "12", "optimistic": "16"}


def test_protocol_checks_a7_a10_a11():
    g = public_goods(3, 2, 1)
    c = by_id(check_assumptions(g, k=3, rules=Rules(protocol=ProtocolRules(refinement="simultaneous"))))
    assert c["A11"].status == "fails" and c["A11"].witness["voters"] == 2
    assert by_id(check_assumptions(g, k=2, rules=Rules(protocol=ProtocolRules(refinement="simultaneous"))))["A11"].status == "holds"
    assert by_id(check_assumptions(g, rules=Rules(protocol=ProtocolRules(voting="majority"))))["A7"].status == "fails"
    s = by_id(check_assumptions(stag_hunt(), rules=Rules(protocol=ProtocolRules(default="any"))))
    assert s["A10"].status == "fails" and s["A10"].witness["payoff spread"] == ["1", "1"]
    assert by_id(check_assumptions(stag_hunt()))["A10"].status == "holds"


def test_no_lump_sums_fails_a5_and_budget_balance_checked_on_contracts():
    g = prisoners_dilemma()
    c = by_id(check_assumptions(g, lump_sums=False, contracts=[deviation_penalty(g, [0, 1], (0, 0), 3)]))
    assert c["A5"].status == "fails" and c["A2"].status == "holds"


def test_bad_input():
    with pytest.raises(ParameterError, match="K=7"):
        check_assumptions(volunteers_dilemma(4), k=7)
    with pytest.raises(ParameterError, match="cap must be non-negative"):
        check_assumptions(prisoners_dilemma(), cap=-1)
    with pytest.raises(ParameterError, match="observes"):
        check_assumptions(prisoners_dilemma(), observes="nobody")
