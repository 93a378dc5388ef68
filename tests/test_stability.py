"""Tests of :mod:`contract_theory.contracting.coalitions.stability`: every tie rule on hand-computed payoffs.

The payoffs are those of the emissions-abatement model (Barrett 1994; Carraro and Siniscalco 1993;
``docs/background/model.md#8-compact-games``) with b = c = 1 and N = 6: outsiders abate 1, a
k-bloc's members abate k each, so Q = k^2 + (N - k) and

* a member of a k-bloc gets pi_s(k) = Q - k^2/2 = k^2/2 + 6 - k:   pi_s(2) = 6, pi_s(3) = 15/2, pi_s(4) = 10;
* an outsider of a k-bloc gets pi_n(k) = Q - 1/2 = k^2 + 11/2 - k:  pi_n(1) = 11/2, pi_n(2) = 15/2,
  pi_n(3) = 23/2, pi_n(4) = 35/2 (a "bloc" of one is no agreement: everybody abates 1);

so the stability function F(k) = pi_s(k) - pi_n(k-1) = -(1/2)(k-1)(k-3) is 1/2, 0, -3/2 for k = 2, 3, 4:
a member of a 3-bloc is exactly indifferent to leaving, and an outsider of a 2-bloc exactly
indifferent to joining.  The four tie rules therefore give four different answers (hand-derived):

========== =========== =========== ======================
``tie``    size 2      size 3      stable sizes (K = 6)
========== =========== =========== ======================
inside     joins (tie)  stays (tie) [3]
outside    stays out    leaves      [2]
both-weak  stays out    stays       [2, 3]
both-strict joins       leaves      []
========== =========== =========== ======================
"""

from fractions import Fraction as F

import pytest

from contract_theory import Rules, load_game, partial_contract_analysis
from contract_theory.contracting.coalitions.stability import StabilityCheck, coalition_stability, prefers_stay, strictness
from contract_theory.errors import ParameterError

N = 6


def pi_s(k):
    return F(k * k, 2) + N - k


def pi_n(k):
    return k * k + F(11, 2) - k


def barrett(T, i):
    """v_i(T) in the abatement model above (|T| < 2: no agreement, everybody abates 1)."""
    k = len(T)
    if k < 2:
        return pi_n(1)
    return pi_s(k) if i in T else pi_n(k)


def check(S, tie, k=N, **kw):
    c = coalition_stability(S, S, barrett, N, k, tie, **kw)
    return c.internal, c.external, c.internal_witness, c.external_witness


def test_the_hand_values():
    assert [pi_s(k) - pi_n(k - 1) for k in (2, 3, 4)] == [F(1, 2), 0, F(-3, 2)]
    assert (pi_s(2), pi_s(3), pi_s(4), pi_n(1), pi_n(2), pi_n(3)) == (6, F(15, 2), 10, F(11, 2), F(15, 2), F(23, 2))


@pytest.mark.parametrize("tie, size2, size3", [
    # size 2: internal 6 > 11/2 always; the outsider 2 is indifferent (15/2 outside, 15/2 inside)
    # size 3: member 0 is indifferent (15/2 inside, 15/2 after leaving); outsider 3 prefers 23/2 to 10
    ("inside", (True, False, None, (2, F(15, 2), F(15, 2))), (True, True, None, None)),
    ("outside", (True, True, None, None), (False, True, (0, F(15, 2), F(15, 2)), None)),
    ("both-weak", (True, True, None, None), (True, True, None, None)),
    ("both-strict", (True, False, None, (2, F(15, 2), F(15, 2))), (False, True, (0, F(15, 2), F(15, 2)), None)),
])
def test_every_tie_rule_on_the_exact_ties(tie, size2, size3):
    assert check((0, 1), tie) == size2
    assert check((0, 1, 2), tie) == size3
    # size 4: member 0 gets 10 < 23/2 after leaving under every rule; outsider 4 prefers 35/2 to pi_s(5)
    assert check((0, 1, 2, 3), tie) == (False, True, (0, F(10), F(23, 2)), None)


def test_strictness_table():
    assert {t: strictness(t) for t in ("inside", "outside", "both-weak", "both-strict")} == {
        "inside": (False, True), "outside": (True, False), "both-weak": (False, False), "both-strict": (True, True)}
    with pytest.raises(ParameterError, match="unknown tie rule 'sideways'"):
        strictness("sideways")
    with pytest.raises(ParameterError, match="unknown tie rule"):
        coalition_stability((0, 1), (0, 1), barrett, N, N, "sideways")


def test_prefers_stay():
    assert prefers_stay(F(2), F(1), True) and prefers_stay(F(2), F(1), False)
    assert prefers_stay(F(1), F(1), False) and not prefers_stay(F(1), F(1), True)
    assert not prefers_stay(F(1), F(2), False) and not prefers_stay(F(1), F(2), True)


def test_a_coalition_of_k_is_not_tested_for_joining():
    """|S| = K: no outsider may join, so even the indifferent outsider of a 2-bloc is no threat."""
    assert check((0, 1), "inside", k=2) == (True, True, None, None)
    assert check((0, 1), "inside", k=3) == (True, False, None, (2, F(15, 2), F(15, 2)))


def test_the_first_mover_is_the_witness():
    """Members are tested in increasing order; ``movers`` restricts (and orders) who is tested."""
    assert check((1, 3, 4), "outside")[2] == (1, F(15, 2), F(15, 2))
    assert check((1, 3, 4), "outside", movers=((4,), (0,)))[2] == (4, F(15, 2), F(15, 2))
    assert check((0, 1), "inside", movers=((0, 1), (5, 2)))[3] == (5, F(15, 2), F(15, 2))
    assert check((0, 1), "inside", movers=((0, 1), ())) == (True, True, None, None)


def test_undefined_payoffs():
    """An undefined outcome is undefined stability; an undefined payoff after a move stops that test."""
    def undefined_here(T, i):
        return None if len(T) == 2 else barrett(T, i)

    assert coalition_stability((0, 1), (0, 1), undefined_here, N, N, "inside") == StabilityCheck((0, 1), None, None)

    def undefined_alone(T, i):
        return None if len(T) < 2 else barrett(T, i)

    c = coalition_stability((0, 1), (0, 1), undefined_alone, N, N, "inside")
    assert (c.internal, c.internal_witness, c.external, c.stable) == (None, None, False, None)

    def undefined_after_a_failure(T, i):  # member 0 leaves first (strict tie), member 1's test is never reached
        return None if T == (0, 2) else barrett(T, i)

    c = coalition_stability((0, 1, 2), (0, 1, 2), undefined_after_a_failure, N, N, "outside")
    assert (c.internal, c.internal_witness) == (False, (0, F(15, 2), F(15, 2)))


def test_stable_combines_both_sides():
    assert [StabilityCheck((0, 1), i, e).stable for i, e in ((True, True), (True, False), (False, True),
                                                             (None, True), (True, None), (False, None))] == [
        True, False, False, None, None, None]


@pytest.mark.parametrize("tie, sizes", [("inside", [3]), ("outside", [2]), ("both-weak", [2, 3]), ("both-strict", [])])
def test_the_study_applies_the_tie_rule_per_player(tie, sizes):
    """The same four answers from the coalition study of the abatement game (compact, N = 6, K = 6): the
    canonical coalitions and, the model being uniform, every arrangement."""
    a = partial_contract_analysis(load_game("iea:n=6,b=1,c=1"), N, Rules(tie=tie))
    assert a.stable_sizes == sizes
    assert a.stable_in_every_arrangement == [(s,) for s in sizes]
    assert (a.stability[(3,)].internal, a.stability[(2,)].external) == (tie in ("inside", "both-weak"),
                                                                      tie in ("outside", "both-weak"))


def test_defaults_and_the_recorded_key():
    """The default tie rule is "inside"; the result records the key it is given (a compact game's
    composition), whatever the players; no players, or an undefined payoff of the first member, is an
    undefined outcome."""
    assert coalition_stability((0, 1, 2), (0, 1, 2), barrett, N, N) == coalition_stability(
        (0, 1, 2), (0, 1, 2), barrett, N, N, "inside")
    assert coalition_stability((3,), (0, 1, 2), barrett, N, N).coalition == (3,)
    assert coalition_stability((), (), barrett, N, N) == StabilityCheck((), None, None)

    def first_undefined(T, i):
        return None if i == T[0] else barrett(T, i)

    assert coalition_stability((1, 2), (1, 2), first_undefined, N, N) == StabilityCheck((1, 2), None, None)

    def only_here(T, i):  # the outcome of (1, 2) is undefined: known from its first member, whoever moves
        return None if T == (1, 2) and i == 1 else barrett(T, i)

    assert coalition_stability((1, 2), (1, 2), only_here, N, N, movers=((2,), (0,))) == StabilityCheck((1, 2), None,
                                                                                                       None)
