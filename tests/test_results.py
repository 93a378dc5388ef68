"""Every ``*_solve`` returns a pygambit-style result, and both game kinds share one interface.

Values: traffic-light chicken (Aumann 1974; derivation in ``correlated_solve``'s docstring): the
best correlated equilibrium has welfare 21/2, the worst 36/5.  Repeated prisoner's dilemma with
discount 1/2 (``tests/test_markov_mpe.py``): the only stationary pure MPE is (D, D) forever.
"""

from fractions import Fraction as F

from contract_theory import api
from contract_theory.cli import main
from contract_theory.contracting.protocol.spe import spe_solve, theorem_contract_space
from contract_theory.equilibria.correlated import correlated_solve
from contract_theory.equilibria.pure import pure_nash_solve
from contract_theory.equilibria.results import EquilibriumResult, SolverResult
from contract_theory.equilibria.support_enumeration import nplayer_mixed_solve
from contract_theory.equilibria.vertex_enumeration import vertex_enumeration_solve
from contract_theory.games import Game, MarkovGame, NormalFormGame
from contract_theory.games.library import matching_pennies, prisoners_dilemma
from contract_theory.games.loading import load_game
from contract_theory.games.markov_library import repeated_prisoners_dilemma
from contract_theory.markov.mpe import mpe_solve
from contract_theory.markov.protocol import markov_theorem_contract_space

CHICKEN = ([[6, 2], [7, 0]], [[6, 7], [2, 0]])


def _solvers():
    g = prisoners_dilemma()
    return [pure_nash_solve(g), vertex_enumeration_solve(g), nplayer_mixed_solve(g), correlated_solve(g),
            mpe_solve(repeated_prisoners_dilemma(discount="1/2"))]


def test_every_solver_records_method_exactness_parameters_completeness_notes():
    for r in _solvers():
        assert isinstance(r, SolverResult), type(r)
        assert r.method and r.exact is True and r.payoffs_exact is True and r.complete is True
        assert isinstance(r.parameters, dict) and isinstance(r.notes, tuple)


def test_spe_results_record_method_exactness_parameters_completeness_notes():
    """The contracting-game solvers too.  Values: the theorem's rich space for proposer 0 in the
    prisoner's dilemma (tests/test_protocol.py) makes every SPE reach W* = 3 + 3 = 6; the repeated PD
    with discount 1/2 has values stage / (1 - 1/2), so W* = 12 (tests/test_markov_protocol.py)."""
    pd, rpd = prisoners_dilemma(), repeated_prisoners_dilemma(discount="1/2")
    nf = spe_solve(pd, theorem_contract_space(pd, 0), proposer=0)
    mk = api.spe_solve(rpd, markov_theorem_contract_space(rpd, 0), proposer=0)
    for r, w_star, adapter in ((nf, 6, "NormalFormProtocol"), (mk, 12, "MarkovProtocol")):
        assert isinstance(r, SolverResult), type(r)
        assert r.worst_welfare == r.best_welfare == r.optimum == w_star and r.every_spe_optimal is True
        assert adapter in r.method and r.exact is True and r.payoffs_exact is True
        assert r.complete is True and r.notes == ()
        assert r.parameters["proposer"] == 0 and r.parameters["voting"] == "unanimous"
    fl = NormalFormGame.from_bimatrix([[6.0, 2.0], [7.0, 0.0]], [[6.0, 7.0], [2.0, 0.0]])  # chicken, floats
    rf = spe_solve(fl, [])
    # no contract: the proposer picks among the pure NE (0, 1) and (1, 0), welfare 2 + 7 = 9; W* = 6 + 6
    assert (rf.worst_welfare, rf.optimum) == (9, 12) and rf.exact is True and rf.payoffs_exact is False


def test_mpe_solve_result_is_still_a_sequence_of_mpe():
    r = mpe_solve(repeated_prisoners_dilemma(discount="1/2"))
    assert isinstance(r, EquilibriumResult) and r.method == "mpe-enumeration"
    assert len(r) == 1 and r[0].policy == ((1,), (1,)) and [e.policy for e in r] == [((1,), (1,))]
    assert r[0].values == ((F(2),), (F(2),))  # (D, D) pays 1 per stage: V = 1 / (1 - 1/2)
    assert r.parameters == {"players": ["Row", "Column"], "fixed": [], "max_policies": 200_000, "prefilter": True}
    assert r.notes == ("4 deterministic stationary joint policies enumerated, every equilibrium verified exactly",)
    # parameters record the call but do not enter equality: the exact-only run finds the same equilibria
    slow = mpe_solve(repeated_prisoners_dilemma(discount="1/2"), prefilter=False)
    assert slow.parameters["prefilter"] is False and slow == r


def test_correlated_solve_records_its_call_and_the_two_exactness_flags():
    g = NormalFormGame.from_bimatrix(*CHICKEN)
    r = correlated_solve(g, lp_method="simplex")  # exact simplex only: same values as HiGHS + recovery
    assert (r.max_welfare, r.min_welfare) == (F(21, 2), F(36, 5)) and r.method == "lp:exact-simplex"
    assert r.parameters == {"kind": "utilitarian", "coarse": False, "max_profiles": None, "lp_method": "simplex",
                            "simplex_max_size": 400}
    assert r.exact and r.payoffs_exact and r.complete and r.notes == ()
    # float payoffs: the arithmetic is still exact (floats read as their binary values), the input was not
    fl = NormalFormGame.from_bimatrix([[6.0, 2.0], [7.0, 0.0]], [[6.0, 7.0], [2.0, 0.0]])
    rf = correlated_solve(fl)
    assert (rf.max_welfare, rf.min_welfare) == (F(21, 2), F(36, 5))
    assert rf.exact is True and rf.payoffs_exact is False and any("floats" in n for n in rf.notes)
    assert pure_nash_solve(fl).payoffs_exact is False and vertex_enumeration_solve(fl).payoffs_exact is False


def test_both_game_kinds_satisfy_the_game_interface():
    nf, mk = matching_pennies(), repeated_prisoners_dilemma()
    assert isinstance(nf, Game) and isinstance(mk, Game)
    assert (nf.kind, mk.kind) == ("normal-form", "markov")
    assert isinstance(load_game("commons_markov:n=2"), MarkovGame)
    assert load_game("pd").kind == "normal-form"
    assert not isinstance(object(), Game)


def test_sweeping_a_markov_game_is_a_one_line_error(capsys):
    # learn trains on Markov games (issue 16, tests/test_markov_learning.py); only --sweep is refused
    assert main(["learn", "commons_markov:n=2", "--episodes", "2", "--runs", "1", "--sweep"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "normal-form" in err
