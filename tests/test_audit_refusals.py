"""Refusals found in the audit of issues 27 and 29: each is one stderr line, exit 2, naming the size, the
limit and the way out, in a fresh interpreter under a 1 GB address-space cap.

* ``bound ratio --players 1000 --actions 1000``: the atom estimate (an integer of 6,302 digits) was printed
  with ``str``, so the one line was Python's "Exceeds the limit (4300 digits) for integer string
  conversion"; it is now written ``10^6301`` (floor(log10), found in integers).
* the correlated-equilibrium LP refused through its own ``max_profiles=4096`` ("this game has 1000000"),
  not the one size budget (``--max-entries``); now the obedience matrix's cells decide, so a 13-player
  2-action game (8,192 profiles, 213,000 cells) is solved, and a 200 x 200 game is refused with its cells.
* ``coalitions`` of a dense game had no estimate: the characteristic function solved one bloc problem per
  coalition (a 10-player game with K = 9 ran past 120 s); its worths are now budgeted first.
"""

from __future__ import annotations

import math
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract_theory.contracting.formation.characteristic import characteristic_function
from contract_theory.equilibria.correlated import correlated_solve, is_correlated_equilibrium
from contract_theory.errors import SizeLimitError
from contract_theory.games.library import random_game
from contract_theory.games.size import size_limit
from contract_theory.search.bounds import _magnitude

ROOT = Path(__file__).resolve().parents[1]


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def _refused(*argv: str) -> str:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    t0 = time.monotonic()
    p = subprocess.run([sys.executable, "-m", "contract_theory.cli", *argv], capture_output=True, text=True, env=env,
                       timeout=60, preexec_fn=_cap_memory)
    assert time.monotonic() - t0 < 20      # about 1.5 s measured, interpreter included
    assert p.returncode == 2, p.stderr
    assert p.stdout == ""
    lines = p.stderr.splitlines()
    assert len(lines) == 1, p.stderr
    assert lines[0].startswith("contract-theory: error: ") and "Traceback" not in p.stderr
    return lines[0]


def test_a_bound_over_1000_players_names_its_size_as_a_power_of_ten():
    # atoms = 6 (C + 1) P^2 + P sum(m), P = 1000^1000 = 10^3000, C = sum_{s=2}^{999} C(1000, s) = 2^1000 - 1002:
    # 6 (2^1000 - 1001) = 6.43e301, times 10^6000: 6.43e6301, so floor(log10) = 6301.
    line = _refused("bound", "ratio", "--players", "1000", "--actions", "1000")
    assert "needs about 10^6301 linear inequalities, above the budget of 20000" in line
    assert "1000-player (1000x1000x...x1000) games at K=999" in line
    assert "--symmetric" in line and "--max-atoms" in line
    assert len(line) < 300


@given(st.integers(1, 10**5000))
def test_the_power_of_ten_is_the_floor_of_log10(n):
    text = _magnitude(n)
    if n < 10**15:
        assert text == str(n)
    else:
        e = int(text.removeprefix("10^"))
        assert 10**e <= n < 10 ** (e + 1)


def test_the_correlated_lp_is_refused_by_the_one_size_budget():
    # 2 players x 200 x 199 = 79,600 obedience rows x 40,000 profiles = 3,184,000,000 cells (the game's own
    # 80,000 payoff cells are below the progress threshold of 10^5, so no progress line precedes the refusal)
    line = _refused("solve", "random:shape=200|200", "--concept", "correlated")
    assert "correlated equilibrium LP: 79,600 obedience constraints x 40,000 profile variables" in line
    assert "= 3,184,000,000 cells, above the limit of 4,194,304 cells" in line
    assert "--concept pure" in line and "--max-entries" in line and "max_profiles" not in line


def test_the_correlated_lp_follows_max_entries():
    line = _refused("solve", "random:shape=3|3", "--concept", "correlated", "--max-entries", "107")
    assert "12 obedience constraints x 9 profile variables = 108 cells, above the limit of 107 cells" in line


def test_a_correlated_lp_over_the_old_4096_profiles_is_solved_when_the_budget_allows():
    # 13 players, 2 actions: 8,192 profiles (the old max_profiles refused it); 26 rows x 8,192 = 212,992 cells
    g = random_game((2,) * 13, seed=1)
    assert math.prod(g.shape) == 8192
    r = correlated_solve(g)
    assert r.exact and r.complete and r.min_welfare <= r.max_welfare
    assert is_correlated_equilibrium(g, r.max_welfare_distribution)
    assert is_correlated_equilibrium(g, r.min_welfare_distribution)


def test_coalitions_of_a_12_player_game_are_refused_by_the_one_budget():
    # the characteristic function (gamma, K = 11 < N = 12): one bloc problem per coalition of 1..11 players,
    # sum_{s=1}^{11} C(12, s) = 2^12 - 2 = 4,094 worths x 2^12 = 4,096 profiles x 12 players = 201,228,288 cells.
    # On main a 10-player game (K = 9) ran past 120 s and a 14-player one past 65 s, with no estimate.
    line = _refused("coalitions", "random:shape=" + "|".join(["2"] * 12), "--k", "11")
    assert ("characteristic function (gamma): 4,094 coalition worths x 4,096 profiles x 12 players = "
            "201,228,288 cells, above the limit of 4,194,304 cells") in line
    assert "a smaller --k" in line and "--max-entries" in line


def test_the_worths_estimate_is_exact_at_the_limit():
    # 4 players, K = 2, gamma: C(4,1) + C(4,2) = 10 direct worths and C(4,3) = 4 joint ones above K:
    # 14 x 16 profiles x 4 players = 896 cells
    g = random_game((2, 2, 2, 2), seed=0)
    with size_limit(895), pytest.raises(SizeLimitError, match="14 coalition worths x 16 profiles x 4 players = 896"):
        characteristic_function(g, 2, assumption="gamma")
    with size_limit(896):
        assert len(characteristic_function(g, 2, assumption="gamma").worth) == 15


def test_a_bound_over_a_million_players_is_refused_in_seconds():
    # atoms = 6 (C + 1) P^2 + P sum(m) with P = 2^1000000 and C + 1 = 2^1000000 - 1000000 (K = N - 1):
    # about 6 * 2^3000000, log10 = 0.778 + 903,089.987, so 10^903090.  On main the running product of a
    # million 2s (69 s) and a million binomials in C ran past 65 s.
    line = _refused("bound", "ratio", "--players", "1000000")
    assert "1000000-player (2x2x...x2) games at K=999999 needs about 10^903090 linear inequalities" in line


def test_the_coalition_count_from_either_side_is_the_plain_sum():
    from contract_theory.search.bounds import _coalitions_2_to_k
    for n in range(1, 16):
        for k in range(1, n + 1):
            assert _coalitions_2_to_k(n, k) == sum(math.comb(n, s) for s in range(2, k + 1))
