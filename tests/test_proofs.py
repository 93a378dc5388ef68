"""Run every symbolic proof in proofs/ and show that a perturbed formula is caught by its spot check."""

from __future__ import annotations

import importlib
import math
import sys
from fractions import Fraction
from pathlib import Path

import pytest
import sympy as sp

# proofs/ lives at the repository root, outside the installed package: make it importable when
# pytest is run as ``pytest`` (which, unlike ``python -m pytest``, does not put the cwd on sys.path).
_ROOT = str(Path(__file__).resolve().parents[1])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from proofs import (  # noqa: E402
    MODULES,  # noqa: E402
    cournot,
    n_prisoners_dilemma,
    penalty_bound,
    public_goods,
    welfare_invariance,
)


@pytest.mark.parametrize("name", MODULES)
def test_proof_derives_and_matches_the_solvers(name):
    mod = importlib.import_module(f"proofs.{name}")
    assert mod.derive()
    assert mod.spot_check() == []


def test_welfare_invariance_is_identically_zero():
    assert all(welfare_invariance.welfare_gap(n) == 0 for n in range(2, 7))
    assert welfare_invariance.symbolic_gap() == 0
    # without budget balance the gap is the sum of the transfers: the check is not vacuous
    u, t = sp.symbols("u1:4"), sp.symbols("t1:4")
    assert sp.simplify(sum(a + b for a, b in zip(u, t)) - sum(u)) != 0


def test_public_goods_perturbed_threshold_is_caught(monkeypatch):
    # K r / N >= 1 differs exactly at N = 4, r = 2, K = 2 (the bloc is indifferent; pessimistic: no contribution)
    monkeypatch.setattr(public_goods, "contributes",
                        lambda N, r, K: K >= 2 and K * Fraction(r) / N >= 1)
    problems = public_goods.spot_check()
    assert problems and any("N=4 r=2" in p for p in problems)


def test_public_goods_perturbed_stable_size_is_caught(monkeypatch):
    monkeypatch.setattr(public_goods, "stable_size", lambda N, r: math.ceil(Fraction(N) / Fraction(r)) + 1)
    assert any("stable sizes" in p for p in public_goods.spot_check())


def test_public_goods_perturbed_welfare_is_caught(monkeypatch):
    good = public_goods.welfare
    monkeypatch.setattr(public_goods, "welfare", lambda N, r, e, K: good(N, r, e, K) + (1 if K == N else 0))
    assert any(f"W_{N}" in p for p in public_goods.spot_check() for N in (3, 4, 5, 6))


def test_public_goods_price_of_partial_contracting_g5():
    """G5: W(K)/W* = (N + (r-1) K 1[rK > N]) / (r N); e.g. N = 4, r = 8/5: K = 3 gives 116/128."""
    assert public_goods.welfare(4, "8/5", 20, 3) / (Fraction(8, 5) * 4 * 20) == Fraction(116, 128)
    assert public_goods.stable_size(4, "8/5") == 3


def test_n_pd_perturbed_threshold_is_caught(monkeypatch):
    monkeypatch.setattr(n_prisoners_dilemma, "cooperates",
                        lambda n, b, c, k: k >= 2 and (k - 1) * Fraction(b) / (n - 1) >= Fraction(c))
    assert any("n=3 b=2 c=1" in p for p in n_prisoners_dilemma.spot_check())


def test_n_pd_perturbed_smallest_coalition_is_caught(monkeypatch):
    monkeypatch.setattr(n_prisoners_dilemma, "smallest_cooperating",
                        lambda n, b, c: math.floor(Fraction(c) * (n - 1) / Fraction(b)) + 1)
    assert any("smallest cooperating" in p for p in n_prisoners_dilemma.spot_check())


def test_cournot_perturbed_formulas_are_caught(monkeypatch):
    with monkeypatch.context() as m:
        m.setattr(cournot, "stackelberg_bloc_total", lambda n, k, A: Fraction(A) ** 2 / (4 * (n - k + 2)))
        assert any("stackelberg: bloc" in p for p in cournot.spot_check())
    with monkeypatch.context() as m:
        m.setattr(cournot, "nash_outsider", lambda n, k, A: Fraction(A) ** 2 / (n - k + 1) ** 2)
        assert any("nash: outsiders" in p for p in cournot.spot_check())
    with monkeypatch.context() as m:    # the paradox read the wrong way round
        m.setattr(cournot, "members_gain", lambda n, k, timing: True)
        assert any("members condition" in p for p in cournot.spot_check())
    with monkeypatch.context() as m:
        m.setattr(cournot, "outsiders_gain", lambda n, k, timing: k >= 2)
        assert any("stackelberg: outsiders condition" in p for p in cournot.spot_check())


def test_cournot_known_values():
    """SSR (1983): with n = 3 a two-firm merger is unprofitable (16 < 2 * 9 with A = 12); under
    Stackelberg timing it is profitable (18 = 2 * 9: weakly) and welfare stays 27 (18 + 9)."""
    assert not cournot.members_gain(3, 2, "nash") and cournot.members_gain(3, 2, "stackelberg")
    assert cournot.nash_bloc_total(3, 2, 12) == 16 and cournot.premerger_profit(3, 12) == 9
    assert cournot.welfare_falls(4, 2, "stackelberg") and not cournot.welfare_falls(3, 2, "stackelberg")
    assert [cournot.ssr_threshold(n) for n in range(2, 12)] == [2, 3, 4, 5, 5, 6, 7, 8, 9, 10]
    assert all(cournot.ssr_threshold(n) >= 0.8 * n for n in range(5, 40))


def test_penalty_bound_perturbed_is_caught(monkeypatch):
    monkeypatch.setattr(penalty_bound, "bound",
                        lambda r_max, r_min, gamma: (Fraction(r_max) - Fraction(r_min)) / (1 - Fraction(gamma)) / 2)
    assert penalty_bound.spot_check()
    assert penalty_bound.finite_horizon_bound(1, 0, "1/2", 3) == Fraction(7, 4)
