"""Too-big input is refused up front, in one line, exit 2 (issue 12, section 2).

The two commands of the issue used to end in a numpy ``_ArrayMemoryError`` traceback (2**40
profiles) and in a run past 100 s (2**22 profiles x 22 players).  Now the first is answered
exactly through a compact (anonymous) game, the second refused in one line; dense games are
refused by the estimate in :mod:`contract_theory.games.size` before anything is allocated.  The time bound
(5 s for a whole interpreter start) is generous so it cannot flake; the refusal itself is
microseconds.
"""

import json
import subprocess
import sys
import time

import pytest

from contract_theory.contracting.coalitions.partial_contracts import partial_contract_analysis
from contract_theory.equilibria.correlated import correlated_solve
from contract_theory.errors import SizeLimitError
from contract_theory.games.library import public_goods, random_game
from contract_theory.games.markov_library import random_markov_game
from contract_theory.games.normal_form import NormalFormGame
from contract_theory.games.size import DEFAULT_MAX_ENTRIES, check_payoff_tensor, max_entries, size_limit


def _cli(argv):
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "contract_theory.cli", *argv], capture_output=True, text=True,
                          timeout=120)
    return proc, time.perf_counter() - t0


def test_the_issues_analyze_command_gets_the_exact_answer_through_a_compact_game():
    # public_goods n=40 (2**40 profiles) is built as an anonymous game.  By hand (r=2, e=20):
    # W* = 40 players x (r e) = 1600 when all give; a member's gift returns k r / n = 4/40 < 1 to a
    # bloc of 2, so no pair contributes and W_2 = W_1 = 40 x 20 = 800; ratio 1600/800 = 2.
    proc, elapsed = _cli(["analyze", "public_goods:n=40,e=20,r=2", "--k", "2"])
    assert proc.returncode == 0, proc.stderr
    assert "optimum W* = 1600" in proc.stdout and "no contract: W = 800" in proc.stdout
    assert "price of partial contracting (ratio): 2" in proc.stdout
    assert elapsed < 30, elapsed


@pytest.mark.parametrize("argv, size, limit, way_out", [
    # a dense random game of 2**40 profiles x 40 players
    (["analyze", "random:shape=" + "|".join(["2"] * 40), "--k", "2"], "43,980,465,111,040", "4,194,304",
     "compact game (anonymous/aggregative, see docs)"),
    # mixed equilibria of a compact game need its dense form, 2**22 profiles (pure ones are solved by counts)
    (["solve", "public_goods:n=22,r=2,e=1", "--concept", "mixed"], "4,194,304 profiles x 22 players",
     "above the limit of 4,194,304 cells",
     "--concept pure solves it by counts"),
    # the search's largest game, 2**30 profiles x 30 players, refused before the first draw
    (["search", "optimum-reachable", "--players", "30", "--actions", "2", "--k", "2", "--budget", "5"],
     "32,212,254,720", "4,194,304", "--max-entries"),
    # learning needs the dense form: 2**25 profiles
    (["learn", "public_goods:n=25,r=2,e=1"], "33,554,432 profiles x 25 players", "limit of 4,194,304 cells",
     "analyze the compact game directly"),
    # Markov: 40 states x 2**12 joint actions x (12 players + 40 next states)
    (["solve", "random_markov:n_players=12,n_states=40"], "8,519,680", "4,194,304", "--max-entries"),
])
def test_too_big_games_end_in_one_line_and_exit_2(argv, size, limit, way_out):
    proc, elapsed = _cli(argv)
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert size in proc.stderr and limit in proc.stderr and way_out in proc.stderr, proc.stderr
    assert elapsed < 5, elapsed


def test_the_flag_raises_and_lowers_the_limit():
    # public_goods n=4: 16 profiles x 4 players = 64 cells
    low = subprocess.run([sys.executable, "-m", "contract_theory.cli", "solve", "public_goods:n=4",
                          "--max-entries", "63"], capture_output=True, text=True, timeout=120)
    assert low.returncode == 2 and "= 64 cells, above the limit of 63 cells" in low.stderr
    ok = subprocess.run([sys.executable, "-m", "contract_theory.cli", "solve", "public_goods:n=4",
                         "--max-entries", "64", "--format", "json"], capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr


def test_every_builder_checks_before_allocating():
    with size_limit(63):
        assert max_entries() == 63
        with pytest.raises(SizeLimitError, match="16 profiles x 4 players = 64 cells"):
            public_goods(4, 2, 1)
        with pytest.raises(SizeLimitError, match="32 profiles x 2 players = 64 cells"):
            random_game((4, 8))
        with pytest.raises(SizeLimitError, match="64 cells"):
            NormalFormGame.from_function(lambda a: (0, 0), (4, 8))
        # Markov: 2 states x 4 joint actions x (2 players + 2 next states) = 32 cells fit; 3 states do not
        random_markov_game(2, 2, 2)
        with pytest.raises(SizeLimitError, match=r"3 states x 4 joint actions x \(2 players \+ 3 next states\) = 60"):
            with size_limit(59):
                random_markov_game(2, 3, 2)
    assert max_entries() == DEFAULT_MAX_ENTRIES  # restored
    assert check_payoff_tensor((2,) * 17) == 2**17 * 17  # 17 players fit the default, 18 do not
    with pytest.raises(SizeLimitError, match="262,144 profiles x 18 players = 4,718,592 cells, above the limit"):
        check_payoff_tensor((2,) * 18)


def test_solvers_check_what_they_build():
    g = random_game((3, 3), seed=1)  # 9 profiles x 2 players = 18 cells
    # the correlated LP: 2 players x 3 x 2 = 12 obedience rows x 9 profiles = 108 matrix cells
    with size_limit(107), pytest.raises(SizeLimitError, match="12 obedience constraints x 9 profile variables"):
        correlated_solve(g)
    with size_limit(108):
        correlated_solve(g)
    # coalitions of 2..3 of a non-symmetric 3-player game: 4 coalitions x 8 profiles x 3 players = 96
    h = random_game((2, 2, 2), seed=3)
    with size_limit(95), pytest.raises(SizeLimitError, match="4 coalitions x 8 profiles x 3 players = 96"):
        partial_contract_analysis(h, 3, use_symmetry=False)
    with size_limit(96):
        partial_contract_analysis(h, 3, use_symmetry=False)


def test_large_allowed_jobs_report_progress(capsys):
    public_goods(13, 2, 1)  # 8192 profiles x 13 players = 106,496 cells >= PROGRESS_ENTRIES
    err = capsys.readouterr().err
    assert "8,192 profiles x 13 players (106,496 cells)" in err
    public_goods(4, 2, 1)
    assert capsys.readouterr().err == ""


def test_a_solvers_own_limit_also_names_the_way_out(capsys):
    from contract_theory.cli import main
    # nplayer_mixed_solve is limited to 4 players (its Groebner bases): the line says so and the way out
    assert main(["solve", "random:shape=2|2|2|2|2", "--concept", "mixed"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "limited to max_players=4" in err
    assert "compact game (anonymous/aggregative, see docs)" in err


def test_the_dense_form_of_a_compact_game_uses_the_same_budget():
    from contract_theory.games.loading import load_game
    g = load_game("public_goods:n=16,r=2,e=1")  # more than 12 players: a compact game
    assert g.kind == "compact"
    # 2**16 profiles x 16 players = 1,048,576 cells; the way out is the compact game itself
    with size_limit(1_048_575), pytest.raises(SizeLimitError, match="1,048,576 cells.*analyze the compact game directly"):
        g.to_dense()


def test_solve_answers_a_large_compact_game_by_counts():
    """public_goods:n=22,r=2,e=1 (2**22 dense profiles, issue 22 item 5): nobody contributes (a contribution
    of 1 returns r/N = 1/11 to its giver), welfare 22; everybody contributing gives each 2, W* = 44, so
    both prices are 44/22 = 2."""
    proc, _ = _cli(["solve", "public_goods:n=22,r=2,e=1", "--format", "json"])
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert (doc["kind"], doc["players"], doc["pure_nash_count"]) == ("compact", 22, 1)
    assert doc["pure_nash"] == [{"counts": [{"0": 22}], "welfare": "22"}]
    assert doc["optimum"] == {"welfare": "44", "profiles": [[{"1": 22}]]}
    assert doc["price_of_anarchy"] == {"pure": "2"} and doc["price_of_stability"] == {"pure": "2"}
