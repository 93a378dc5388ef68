"""Closed forms from the coalition literature, on compact games far too large for dense tensors."""

import json
import math
import subprocess
import sys
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract_theory import Rules
from contract_theory.api import coalition_outcome, partial_contract_analysis
from contract_theory.games.compact_library import iea, public_goods_compact


@given(st.integers(3, 60), st.sampled_from([Fraction(2), Fraction(3), Fraction(5, 2), Fraction(7, 3)]),
       st.sampled_from([Fraction(1), Fraction(2), Fraction(1, 2)]))
def test_public_goods_smallest_contributing_coalition_and_w_k(n, r, e):
    """Linear public goods u_i = e - x_i + (r/N) X, x_i in {0, e}, 1 < r < N.

    Derivation: contributing adds (r/N) e to every player's payoff and costs the contributor e,
    so outsiders never contribute (r/N < 1) and a k-bloc whose members all contribute changes
    its total by k e (k r/N - 1): members contribute iff k r > N (k r = N is a tie on the bloc
    total; optimistic selection then takes the higher welfare, i.e. contributing, pessimistic the
    lower).  So the smallest contributing coalition is ceil(N/r) under optimistic selection and
    floor(N/r) + 1 under pessimistic selection (the same when N/r is not an integer).  With k
    contributors the pot is r k e, shared by all N, and the contributors gave k e, so
    W = N e - k e + r k e = N e + (r - 1) k e; below that size W = N e.
    """
    if not 1 < r < n:
        return
    g = public_goods_compact(n, r, e)
    for selection, k0 in (("optimistic", math.ceil(n / r)), ("pessimistic", math.floor(n / r) + 1)):
        a = partial_contract_analysis(g, n, Rules(selection=selection))
        contributing = [k for k in range(2, n + 1) if a.by_k[k].members[0][1] == k]
        assert contributing[0] == max(k0, 2)
        assert contributing == list(range(max(k0, 2), n + 1))
        for k in range(2, n + 1):
            expected = n * e + (r - 1) * k * e if k >= k0 else n * e
            assert a.by_k[k].welfare == expected
            assert a.welfare_curve[k] == expected
        assert a.optimum_welfare == r * n * e and a.min_k_for_optimum == n


def iea_stability_function(k, b, c):
    """F(k) = pi_s(k) - pi_n(k-1) = -(b^2/2c)(k-1)(k-3) (Barrett 1994).

    Members of a k-bloc abate k b/c (the bloc's marginal benefit k b equals c q), outsiders
    b/c (their own marginal benefit b), so Q(k) = (k^2 + N - k) b/c,
    pi_s(k) = b Q - (c/2)(k b/c)^2 = (b^2/c)(k^2/2 - k + N) and
    pi_n(k) = b Q - (c/2)(b/c)^2 = (b^2/c)(k^2 - k + N - 1/2); the difference
    pi_s(k) - pi_n(k-1) = (b^2/c)(-k^2/2 + 2k - 3/2) = -(b^2/2c)(k-1)(k-3).
    """
    return -Fraction(b * b, 2 * c) * (k - 1) * (k - 3)


@given(st.integers(4, 40), st.integers(1, 3), st.integers(1, 3))
def test_iea_stable_size_three_and_two_with_outside_ties(n, b, c):
    """Internal stability F(k) >= 0 and external F(k+1) < 0 (default ``inside`` ties) hold exactly at
    k = 3 (F(3) = 0 is a tie the member resolves by staying); with ``outside`` ties (internal
    strict, external weak) exactly at k = 2."""
    g = iea(n, b, c)
    a = partial_contract_analysis(g, n)
    assert a.stable_sizes == [3]
    assert partial_contract_analysis(g, n, Rules(tie="outside")).stable_sizes == [2]
    base = a.no_contract.payoffs[0]
    for k in range(2, n + 1):
        o = a.by_k[k]
        assert o.members[0][k] == k  # members abate k b/c
        outsider_before = base if k == 2 else a.by_k[k - 1].outsider_runs[0][0][0]
        assert o.member_runs[0][0][0] - outsider_before == iea_stability_function(k, b, c)


def test_iea_large_n_closed_form():
    """N = 100: W_k from Q(k) = (k^2 + N - k) b/c; every composition's outcome in closed form."""
    n, b, c = 100, 1, 1
    g = iea(n, b, c)
    for k in (2, 3, 50, 100):
        o = coalition_outcome(g, [k])
        q = Fraction(k * k + n - k)
        assert o.welfare == k * (b * q - Fraction(c, 2) * k * k) + (n - k) * (b * q - Fraction(c, 2))


@pytest.mark.parametrize("tie,sizes", [("inside", [3]), ("outside", [2])])
def test_cli_json_for_a_compact_game(tie, sizes):
    out = subprocess.run([sys.executable, "-m", "contract_theory.cli", "analyze", "iea:n=30,b=1,c=1", "--k", "30",
                          "--tie", tie, "--format", "json"], capture_output=True, text=True, check=True)
    d = json.loads(out.stdout)
    assert d["stable_sizes"] == sizes
    assert "stable_coalitions" not in d and d["stable_compositions"] == [[s] for s in sizes]
    row = d["by_k"][1]
    assert row["k"] == 3 and row["composition"] == [3] and "coalition" not in row
    assert row["profile"] == {"members": [{"3": 3}], "outsiders": [{"1": 27}]}
    assert set(d) >= {"optimum", "no_contract", "welfare_curve", "min_k_for_optimum", "assumptions", "notes"}
