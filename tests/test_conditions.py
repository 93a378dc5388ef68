"""Claims under premises and the premise lattice (issue 23 items 1-2), and prove's LaTeX and determinism.

Oracles: hand derivations (docstrings), the exact premise checks on every counterexample, the
independent certificate code (inside ``prove``), exhaustive search over a small integer grid of the
premise class, and ``pdflatex`` on the LaTeX output.
"""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess

import numpy as np
import pytest

from contract_theory import cli
from contract_theory.games.normal_form import NormalFormGame
from contract_theory.search.claims import claim_parameters, get_claim
from contract_theory.search.premises import satisfied_premises

z3 = pytest.importorskip("z3", reason="z3-solver is not installed (pip install 'contract-theory[prove]')")

from contract_theory.search.conditions import ConditionsError, conditions  # noqa: E402
from contract_theory.search.prove import proof_latex, prove  # noqa: E402

LUMP = {"k": 2, "sharing": "lump_sum"}


def test_generic_makes_lump_sum_members_gain_hold_at_2x2x2():
    """``members-gain`` with lump sums, 2x2x2, K = 2, Stackelberg, pessimistic: refuted over all games,
    proved under ``generic``.

    Why (by hand): with lump sums the claim is "for every pair S, the members' total at S's outcome is
    at least their total U_S(b) at the no-contract outcome b".  The one outsider o answers each
    commitment a_S with a best response, the worst for the bloc among ties.  In general position o's
    payoffs differ across all profiles, so its best response to a_S is unique; to a_S = b_S it is b_o
    (b is a Nash equilibrium).  So committing to b_S secures U_S(b), and the bloc's best commitment
    does at least as well: the claim holds.  Without general position the outsider can be indifferent
    at b_S and the pessimistic answer lowers the bloc below U_S(b): every counterexample rests on such
    a tie, so its margin is 0."""
    bare = prove("members-gain", 3, 2, params=LUMP)
    assert bare.verdict == "fails" and bare.margin == 0 and bare.premises == ()
    under = prove("members-gain", 3, 2, params=LUMP, assuming=["generic"])
    assert under.verdict == "holds" and not under.vacuous and under.premises == ("generic",)
    assert prove("members-gain", 3, 2, params=LUMP, generic=True).verdict == "holds"  # the same class


def test_symmetric_positive_externalities_suffice_but_neither_alone():
    """The same claim: ``symmetric`` alone and ``positive-externalities`` alone fail, each with a
    counterexample that satisfies its premise by the exact check; together they hold.  Exhaustive
    check of the proved case on the grid of symmetric 2x2x2 games with payoffs f(a; c) in {0, 1, 2}
    (3^6 = 729 games, 6 unknowns) that have positive externalities: no counterexample."""
    for names in (["symmetric"], ["positive-externalities"]):
        r = prove("members-gain", 3, 2, params=LUMP, assuming=names)
        assert r.verdict == "fails"
        assert all(satisfied_premises(r.game, 2, names).values())
    assert prove("members-gain", 3, 2, params=LUMP, assuming=["symmetric", "positive-externalities"]).verdict == "holds"
    from contract_theory.search.counts import symmetric_game
    c = get_claim("members-gain")
    p = claim_parameters(c, 3, dict(LUMP))
    checked = 0
    for vals in itertools.product((0, 1, 2), repeat=6):
        g = symmetric_game(3, 2, vals).to_dense()
        if satisfied_premises(g, 2, ["positive-externalities"])["positive-externalities"]:
            checked += 1
            assert c.evaluate(g, p).holds is not False, vals
    assert checked > 20


def test_counterexample_under_equality_premises_satisfies_them_exactly():
    """``potential`` is a set of equalities with eight terms: rounding a robust model could break one,
    so prove falls back to the exact model scaled to integers; the counterexample is a potential game."""
    r = prove("welfare-rises", 3, 2, params={"k": 2}, assuming=["potential", "nonnegative-payoffs"])
    assert r.verdict == "fails"
    assert satisfied_premises(r.game, 2, ["potential", "nonnegative-payoffs"]) == {"potential": True,
                                                                                    "nonnegative-payoffs": True}
    assert r.margin > 0


def test_vacuous_premises_are_said_so():
    """A symmetric 2x2 game has W(0,1) = W(1,0), so no symmetric game is in general position."""
    r = prove("members-gain", 2, 2, assuming=["symmetric", "generic"])
    assert r.verdict == "holds" and r.vacuous
    assert prove("members-gain", 2, 2, assuming=["symmetric"]).vacuous is False


def test_conditions_lattice_at_2x2x2():
    """Every reported minimal sufficient set is proved and each proper subset refuted (checked by
    separate prove calls); every maximal insufficient set has a counterexample satisfying all its
    premises; the lattice of four premises is settled in 6 of its 16 sets (measured; 8 without the rule
    "a counterexample satisfying Q refutes every subset of Q": a counterexample found earlier already has
    dominant strategies, so {dominant-strategies} is never decided)."""
    names = ["symmetric", "dominant-strategies", "positive-externalities", "generic"]
    r = conditions("members-gain", 3, 2, params=LUMP, candidates=names)
    assert sorted(r.sufficient) == [("generic",), ("symmetric", "positive-externalities")]
    assert r.undecided == [] and r.empty == [] and r.calls == 6
    assert [] in [d["premises"] for d in r.decisions] and ["dominant-strategies"] not in [d["premises"] for d in r.decisions]
    for s in r.sufficient:
        for sub in itertools.combinations(s, len(s) - 1):
            assert prove("members-gain", 3, 2, params=LUMP, assuming=sub).verdict == "fails"
    assert {d["premises"] for d in r.insufficient} == {("symmetric", "dominant-strategies"),
                                                       ("dominant-strategies", "positive-externalities")}
    from contract_theory.games.formats.nfg import read_nfg
    for d in r.insufficient:
        g = read_nfg(d["counterexample"]["nfg"])
        assert all(satisfied_premises(g, 2, d["premises"]).values())
        assert d["counterexample"]["certificate"]["holds"] is False


def test_conditions_bounds_its_work(capsys):
    with pytest.raises(ConditionsError, match=r"more than 2 decisions for 8 premises \(256 premise sets.*--from"):
        conditions("members-gain", 3, 2, params={"k": 2}, max_calls=2)
    assert cli.main(["conditions", "members-gain", "--players", "3", "--k", "2", "--max-calls", "1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--max-calls" in err and "[" not in err


def test_conditions_cli_json(capsys):
    assert cli.main(["conditions", "members-gain", "--players", "3", "--k", "2", "--sharing", "lump_sum",
                     "--from", "generic,dominant-strategies", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["sufficient"] == [["generic"]] and doc["undecided"] == []
    assert [d["premises"] for d in doc["insufficient"]] == [["dominant-strategies"]]
    assert set(doc["insufficient"][0]["counterexample"]) >= {"nfg", "certificate"}


def test_prove_cli_assuming_json_and_text(capsys):
    assert cli.main(["prove", "members-gain", "--players", "3", "--k", "2", "--sharing", "lump_sum",
                     "--assuming", "generic", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["premises"] == ["generic"] and doc["verdict"] == "holds" and doc["vacuous"] is False
    assert cli.main(["prove", "members-gain", "--players", "2", "--assuming", "symmetric,potential"]) == 0
    out = capsys.readouterr().out
    assert "premises: symmetric, potential" in out and "verdict: FAILS" in out
    for bad in ("['", "Fraction(", "None", "True"):
        assert bad not in out
    assert cli.main(["prove", "members-gain", "--players", "2", "--assuming", "convex"]) == 2
    assert "unknown premise 'convex'" in capsys.readouterr().err


def test_prove_is_deterministic():
    """The same call twice gives the same counterexample (a fresh z3 context per call)."""
    a = prove("welfare-rises", 3, 2, params={"k": 2}, assuming=["nonnegative-payoffs"])
    b = prove("welfare-rises", 3, 2, params={"k": 2}, assuming=["nonnegative-payoffs"])
    assert a.counterexample is not None and a.counterexample["nfg"] == b.counterexample["nfg"]
    c, d = prove("members-gain", 2, 2), prove("members-gain", 2, 2)
    assert c.counterexample["nfg"] == d.counterexample["nfg"]


def _compile(tex: str, tmp_path) -> None:
    doc = ("\\documentclass{article}\n\\usepackage{amsmath,amsthm,booktabs}\n\\begin{document}\n"
           + tex + "\n\\end{document}\n")
    (tmp_path / "p.tex").write_text(doc, encoding="utf-8")
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "p.tex"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-2000:]


def test_latex_states_refuted_claims_as_claims_and_compiles(tmp_path):
    refuted = proof_latex(prove("members-gain", 2, 2, assuming=["nonnegative-payoffs"]))
    proved = proof_latex(prove("members-gain", 3, 2, params=LUMP, assuming=["generic"]))
    assert "\\begin{claim}[refuted]" in refuted and "\\begin{proposition}" not in refuted
    assert "every payoff is nonnegative (\\texttt{nonnegative-payoffs})" in refuted
    assert "\\begin{proposition}" in proved and "\\texttt{generic}" in proved
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is not installed: the LaTeX was checked but not compiled")
    from contract_theory.search.counts import prove_symmetric
    by_counts = proof_latex(prove_symmetric("welfare-rises", 8, 2, params={"k": 7}))
    assert "(\\texttt{symmetric})" in by_counts and "$f(0; 7,0)$" in by_counts
    _compile(refuted + proved + refuted + by_counts, tmp_path)  # refuted twice: the guarded \newtheorem


def test_prove_symmetric_is_wired(capsys):
    """``prove --symmetric`` decides by counts; at N = 3 its verdict is the dense one under the
    ``symmetric`` premise (two independent encodings)."""
    for claim, k in (("welfare-rises", 2), ("optimum-reachable", 2), ("members-gain", 2)):
        assert cli.main(["prove", claim, "--players", "3", "--k", str(k), "--symmetric", "--format", "json"]) == 0
        doc = json.loads(capsys.readouterr().out)
        dense = prove(claim, 3, 2, params={"k": k}, assuming=["symmetric"])
        assert doc["verdict"] == dense.verdict, claim
        assert doc["premises"] == ["symmetric"] and doc["solver"]["encoding"]["kind"] == "counts"
    assert cli.main(["prove", "welfare-rises", "--players", "8", "--k", "7", "--symmetric"]) == 0
    out = capsys.readouterr().out
    assert "games: all symmetric 2x2x2x2x2x2x2x2 games" in out and "counterexample by counts" in out
    assert cli.main(["prove", "welfare-rises", "--players", "3", "--symmetric", "--assuming", "generic"]) == 2
    assert "takes no other premise" in capsys.readouterr().err


def test_zero_game_satisfies_every_premise_but_generic_and_dominance():
    """The zero game: every tie; no action weakly dominates (that needs > somewhere), nothing is generic, and
    no outsider loses (B2 holds, so its negative sign B2-negative fails)."""
    g = NormalFormGame(np.zeros((2, 2, 2, 3), dtype=np.int64))
    assert [n for n, ok in satisfied_premises(g, 2).items() if not ok] == ["B2-negative", "dominant-strategies",
                                                                           "generic"]


def test_conditions_of_a_claim_that_always_holds():
    """With K = N = 2 the grand coalition reaches W* in every 2x2 game: one decision, no premise needed."""
    r = conditions("optimum-reachable", 2, 2, params={"k": 2})
    assert r.sufficient == [()] and r.insufficient == [] and r.calls == 1


def test_optimum_reachable_under_b1_dominance_positive_externalities_generic():
    """``optimum-reachable`` at 2x2x2, K = 2 (Stackelberg, pessimistic) fails over all games and holds
    under {B1, dominant-strategies, positive-externalities, generic}, a minimal sufficient set found by
    ``conditions`` (50 decisions over the nine premises; each 3-subset fails, margins 0, 31, 15, 28).

    Why (by hand): in general position a weakly dominant action is strictly dominant, so each player i
    has one dominant action d_i and the outsider o of any pair answers every commitment with d_o.  B1
    gives an optimal profile p* at which N - K = 1 player best-responds, so it plays its dominant
    action there; let it be o and S the other two.  Committing to p*_S, the bloc gets U_S(p*); its best
    commitment q_S has U_S(q_S, d_o) >= U_S(p*), and by positive externalities u_o(q_S, d_o) >= u_o(p*)
    (strictly higher total implies weakly higher outsider payoff; equal totals mean q_S = p*_S in
    general position).  So W(q) >= W(p*) = W*: the optimum is reached.  Without generic it fails on
    ties (margin 0): weak dominance lets the pessimistic outsider answer differ from d_o."""
    full = ["B1", "dominant-strategies", "positive-externalities", "generic"]
    assert prove("optimum-reachable", 3, 2, params={"k": 2}).verdict == "fails"
    r = prove("optimum-reachable", 3, 2, params={"k": 2}, assuming=full)
    assert r.verdict == "holds" and not r.vacuous
    r = prove("optimum-reachable", 3, 2, params={"k": 2}, assuming=full[:3])
    assert r.verdict == "fails" and r.margin == 0
    assert all(satisfied_premises(r.game, 2, full[:3]).values())
