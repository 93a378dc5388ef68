"""Enforceable profiles of contracts observing members or everyone: the closed form against one exact LP
per profile, and the design row of a 30 x 30 game answered in seconds (issue 27/29 audit, leftover (a)).

Before the closed form, ``contract-theory design 'random:shape=30|30' --k 2`` ran 1,800 exact LPs of 118
variables for the observing-outsiders row (900 profiles, both observations), more than 100 s on a loaded
2-core machine; its ``--max-lps`` estimate (1,800 of 20,000) let it through.
"""

from __future__ import annotations

import itertools
import os
import resource
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contract_theory.contracting.modifications.observing_contracts import enforceable_profiles
from contract_theory.errors import ParameterError
from contract_theory.games.library import prisoners_dilemma
from contract_theory.games.normal_form import NormalFormGame

ROOT = Path(__file__).resolve().parents[1]


def _game(shape: tuple[int, ...], values: list[Fraction]) -> NormalFormGame:
    n = len(shape)
    cells = int(np.prod(shape)) * n
    arr = np.array([values[k % len(values)] for k in range(cells)], dtype=object).reshape(*shape, n)
    return NormalFormGame(arr)


@pytest.mark.parametrize("cap, expected", [(None, True), (1, False), ("3/2", False), (2, True), (3, True)])
def test_prisoners_dilemma_cooperation_needs_a_cap_of_two(cap, expected):
    # (C, C) = (3, 3); each member gains H_i = 5 - 3 = 2 by defecting.  With cap c the fine at the
    # deviation is at most c, so t_i = theta_i(C, C) >= 2 - c with t_0 + t_1 = 0: feasible iff
    # 2 (2 - c) <= 0, i.e. c >= 2 (and H_i <= 2c).  c = 3/2 meets H_i <= 2c but not the sum.
    for method in ("closed form", "lp"):
        for observes in ("members", "all"):
            got = enforceable_profiles(prisoners_dilemma(), [0, 1], observes=observes, cap=cap, method=method)
            assert bool(got[0, 0]) is expected, (method, observes, cap)


@pytest.mark.parametrize("cap, expected", [("3/2", False), (2, True)])
def test_one_members_gain_above_twice_the_cap_is_not_enforceable(cap, expected):
    # Three members at (0, 0, 0): player 0 gains 4 by deviating, players 1 and 2 gain nothing.  Sum
    # condition: 4 <= 3c holds for c = 3/2 (4 <= 9/2); member condition 4 <= 2c fails (t_0 >= 4 - 3/2 = 5/2
    # is above the cap 3/2).  c = 2: t = (2, -1, -1) works.
    pay = np.zeros((2, 2, 2, 3), dtype=object)
    pay[1, 0, 0, 0] = 4
    g = NormalFormGame(pay)
    for method in ("closed form", "lp"):
        assert bool(enforceable_profiles(g, [0, 1, 2], cap=cap, method=method)[0, 0, 0]) is expected


def test_an_unknown_method_is_refused():
    with pytest.raises(ParameterError, match="method must be one of"):
        enforceable_profiles(prisoners_dilemma(), [0, 1], method="simplex")


@settings(max_examples=60, deadline=None)
@given(st.sampled_from([(2, 2), (3, 2), (2, 2, 2), (3, 2, 2), (2, 3, 2)]),
       st.lists(st.fractions(min_value=-4, max_value=4, max_denominator=3), min_size=3, max_size=12),
       st.sampled_from([None, 0, Fraction(1, 3), 1, Fraction(3, 2), 3]),
       st.sampled_from(["members", "all"]), st.data())
def test_the_closed_form_agrees_with_one_exact_lp_per_profile(shape, values, cap, observes, data):
    g = _game(shape, values)
    size = data.draw(st.integers(2, len(shape)))
    S = data.draw(st.sampled_from(list(itertools.combinations(range(len(shape)), size))))
    closed = enforceable_profiles(g, S, observes=observes, cap=cap)
    lp = enforceable_profiles(g, S, observes=observes, cap=cap, method="lp")
    assert closed.tolist() == lp.tolist()


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def test_design_of_a_30_by_30_game_answers_the_observing_row_in_seconds():
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    t0 = time.monotonic()
    p = subprocess.run([sys.executable, "-m", "contract_theory.cli", "design", "random:shape=30|30", "--k", "2",
                        "--format", "json"], capture_output=True, text=True, env=env, timeout=60,
                       preexec_fn=_cap_memory)
    seconds = time.monotonic() - t0
    assert p.returncode == 0, p.stderr
    assert p.stderr == ""
    assert '"observing outsiders"' in p.stdout
    assert "not computed" not in p.stdout
    assert seconds < 20, seconds   # 2.3 s measured, interpreter included; one LP per profile: > 100 s
