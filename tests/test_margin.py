"""`search.margin`'s own tests (issue 20: mutation score of the module with its own tests).

The margin of a failing game is the smallest score v.g / ||v||_1 of the witness cell's atoms,
certified by a one-variable LP.  `test_prove.py` checks margins through `prove` and the search;
here each field of the returned record is pinned on games small enough to derive by hand.

The game used throughout (`members-gain`, two players, Stackelberg, pessimistic, equal split):
u(a0,a0) = (2, 1), u(a0,a1) = (1, 0), u(a1,.) = (0, 0).  No contract plays (a0, a0) (a0 dominates
for player 1; player 2's best reply to a0 is a0, 1 > 0); the bloc {P0, P1} maximizes 3 at (a0, a0)
and splits 3/2 each, below player 1's 2: members-gain fails.  The witness scores: player 2's
comparison u2(a0,a0) - u2(a0,a1) = 1 over ||v||_1 = 2, and the loss u1 - u2 = 1 at (a0,a0) over
2, both 1/2: margin 1/2 (the docstring example).
"""

from fractions import Fraction

import numpy as np
import pytest

from contract_theory.search.claims import claim_parameters, get_claim
from contract_theory.search.margin import MARGIN_METHOD, MAX_TIES, _lp_margin, counterexample_margin, robust_margin

GAME = [[[2, 1], [1, 0]], [[0, 0], [0, 0]]]
PARAMS = claim_parameters(get_claim("members-gain"), 2, {})


def _scaled(table, by):
    return [[[Fraction(v) * by for v in cell] for cell in row] for row in table]


def test_margin_of_a_game_with_a_common_denominator_is_exact():
    """Halving every payoff halves every score v.g / ||v||_1 (each is linear in g): margin 1/4, and the
    LP's right-hand sides are divided by the table's denominator 2 (else the LP gives 1/2 and the
    cross-check with the robustness value raises)."""
    m = counterexample_margin("members-gain", _scaled(GAME, Fraction(1, 2)), PARAMS)
    assert m == {"value": "1/4", "ties": [], "method": MARGIN_METHOD, "certified": True}
    assert robust_margin("members-gain", _scaled(GAME, Fraction(1, 2)), PARAMS) == Fraction(1, 4)
    # thirds: denominator 3, margin 1/6
    assert counterexample_margin("members-gain", _scaled(GAME, Fraction(1, 3)), PARAMS)["value"] == "1/6"


def test_a_claim_without_encoding_has_no_margin_and_says_why():
    """spe-optimal has no encoding as linear inequalities: no value, no method, not certified, the reason."""
    m = counterexample_margin("spe-optimal", GAME, PARAMS)
    assert set(m) == {"value", "ties", "method", "certified", "reason"}
    assert (m["value"], m["ties"], m["method"], m["certified"]) == (None, [], None, False)
    assert m["reason"].startswith("spe-optimal cannot be encoded")
    assert robust_margin("spe-optimal", GAME, PARAMS) is None


def test_a_claim_file_is_passed_on_and_has_no_margin():
    """A user's Python claim (``file``) is not encodable, whatever its name: the same record, the file named."""
    m = counterexample_margin("members-gain", GAME, PARAMS, file="/x/claim.py")
    assert (m["value"], m["ties"], m["method"], m["certified"]) == (None, [], None, False)
    assert m["reason"].startswith("claim file /x/claim.py")
    assert robust_margin("members-gain", GAME, PARAMS, file="/x/claim.py") is None


def test_a_game_where_the_claim_holds_has_no_margin():
    """All payoffs equal to 1: the bloc's equal split equals every no-contract payoff, members-gain holds."""
    m = counterexample_margin("members-gain", [[[1, 1], [1, 1]], [[1, 1], [1, 1]]], PARAMS)
    assert m == {"value": None, "ties": [], "method": MARGIN_METHOD, "certified": False,
                 "reason": "the claim does not fail on this game"}


def test_an_empty_witness_cell_is_reported_as_a_bug():
    """No atom: max delta is unbounded, which no failing game produces (the cell holds g)."""
    with pytest.raises(RuntimeError, match="margin LP is unbounded: the witness cell is empty"):
        _lp_margin([], [], 1)


def test_max_ties_is_twelve():
    assert MAX_TIES == 12


def test_a_margin_of_zero_names_its_ties_and_counts_the_rest():
    """The seed-3 game of `test_prove.py`: three players, two actions, every payoff 0 but u1(0,1,1) = 1;
    optimum-reachable (K = 2, Stackelberg, pessimistic, equal) fails only through ties, so the margin is
    0 and the comparisons at equality are named: 18 of them, the first 12 (sorted) and a count.  None
    involves u1(0,1,1), the one payoff that is not 0 (a comparison with it is strict, not a tie)."""
    params = claim_parameters(get_claim("optimum-reachable"), 3, {"k": 2})
    table = np.zeros((2, 2, 2, 3), dtype=np.int64)
    table.reshape(-1)[9] = 1  # profile (0, 1, 1), player 1
    m = counterexample_margin("optimum-reachable", table, params)
    assert (m["value"], m["certified"], m["method"]) == ("0", True, MARGIN_METHOD)
    named, more = m["ties"][:MAX_TIES], m["ties"][MAX_TIES:]
    assert more == ["... and 6 more"] and named == sorted(named) and len(set(named)) == MAX_TIES
    assert "u1(0,0,0) >= u1(1,0,0)" in named  # player 1 indifferent at (a0, a0, a0): 0 against 0
    assert all("u1(0,1,1)" not in t for t in named)
    assert robust_margin("optimum-reachable", table, params) == 0


def test_the_lp_and_the_robustness_value_must_agree(monkeypatch):
    """The certificate cross-checks the LP against the formula's value (1/2 here); a disagreeing LP is a bug."""
    import contract_theory.search.margin as margin

    monkeypatch.setattr(margin, "_lp_margin", lambda atoms, x, den: Fraction(3, 2))
    with pytest.raises(RuntimeError, match=r"^margin LP gives 3/2, the robustness 1/2 \(a bug\)$"):
        counterexample_margin("members-gain", GAME, PARAMS)


def test_exactly_max_ties_are_all_named(monkeypatch):
    """With the cap at 18, the seed-3 game's 18 ties are listed in full, without a count line."""
    import contract_theory.search.margin as margin

    monkeypatch.setattr(margin, "MAX_TIES", 18)
    params = claim_parameters(get_claim("optimum-reachable"), 3, {"k": 2})
    table = np.zeros((2, 2, 2, 3), dtype=np.int64)
    table.reshape(-1)[9] = 1
    ties = counterexample_margin("optimum-reachable", table, params)["ties"]
    assert len(ties) == 18 and not any(t.startswith("...") for t in ties)
