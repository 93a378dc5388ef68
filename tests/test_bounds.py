"""Tight guarantees over every game of a shape (issue 23 items 3 and 5; MODEL.md section 10).

Oracles: constants derived by hand for the smallest shapes (derivations in the docstrings); every
witness and approaching game re-read from its .nfg text and re-evaluated by the library's exact
coalition solver, independently of z3 and of the encoding; exhaustive search over an integer grid of
2x2 games (every grid game respects the bound, and no grid game attains an infimum); the counts
encoding's witnesses against the dense solver.
"""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
from fractions import Fraction

import numpy as np
import pytest

from contract_theory import cli
from contract_theory.contracting.coalitions.normal_form import no_contract_outcome
from contract_theory.contracting.coalitions.partial_contracts import partial_contract_analysis
from contract_theory.contracting.coalitions.rules import Rules
from contract_theory.equilibria.welfare import optimum
from contract_theory.errors import ParameterError
from contract_theory.games.formats.nfg import parse_nfg
from contract_theory.games.normal_form import NormalFormGame

pytest.importorskip("z3", reason="z3-solver is not installed (pip install 'contract-theory[prove]')")

from contract_theory.search.bounds import (  # noqa: E402
    BoundLimits,
    BoundSizeError,
    bound_latex,
    bound_text,
    guarantees_markdown,
    guarantees_table,
    guarantees_text,
    tight_bound,
)

OPTIMISTIC = Rules(selection="optimistic")


def _ratio(game: NormalFormGame, k: int, rules: Rules) -> Fraction | None:
    """W_K / W* by the library's solver: K = 1 is the no-contract equilibrium alone (pure, ``selection``)."""
    w_star, _ = optimum(game)
    if k == 1:
        w_k = no_contract_outcome(game, rules.selection, mixed=False).welfare
    else:
        w_k = partial_contract_analysis(game, k, rules, mixed=False, use_symmetry=False).w_k
    return None if w_k is None or w_star <= 0 else Fraction(w_k) / Fraction(w_star)


def _welfare_gain(game: NormalFormGame, k: int, rules: Rules) -> Fraction | None:
    a = partial_contract_analysis(game, k, rules, mixed=False, use_symmetry=False)
    live = [o.welfare for o in a.outcomes.values() if o.welfare is not None]
    if a.no_contract.welfare is None or not live:
        return None
    return min(live) - a.no_contract.welfare


def _dense_symmetric(quantity, n, k=None, rules=None):
    """The bound over the dense shape (2,)*n restricted by the registered premise ``symmetric`` (a dense
    formula of equalities), not by the counts encoding: the second encoding of the symmetric class."""
    from contract_theory.search import bounds

    prob = bounds._dense_problem((2,) * n, n - 1 if k is None else k, rules or Rules(), quantity, BoundLimits(),
                                 ("symmetric",))
    import z3

    doc = {"tried": []}
    import time
    return bounds._solve(z3, prob, quantity, time.perf_counter() + 120, doc, False)


# ---------------------------------------------------------------------------- hand-derived constants
def test_2x2_no_contract_pessimistic_guarantee_is_0_attained():
    """2x2, K = 1 (no contract alone), pessimistic selection: c = 0, a minimum.

    By hand: payoffs are nonnegative, so W_1 >= 0 = 0 * W*, and c >= 0.  The prisoner's dilemma
    (C,C) = (1,1), (C,D) = (0,2), (D,C) = (2,0), (D,D) = (0,0) has W* = 2 and (D,D) is a pure
    equilibrium (u1(D,D) = 0 >= u1(C,D) = 0, u2(D,D) = 0 >= u2(D,C) = 0) with welfare 0, the lowest,
    so the pessimistic W_1 = 0: c = 0 is attained."""
    pd = NormalFormGame(np.array([[[1, 1], [0, 2]], [[2, 0], [0, 0]]]))
    assert _ratio(pd, 1, Rules()) == 0
    r = tight_bound("ratio", 2, 2, k=1)
    assert (r.bound, r.attained, r.status, r.complete) == (Fraction(0), True, "exact", True)
    assert r.witness is not None and r.witness["value"] == "0" and r.approach == [] and r.sequence is None
    assert _ratio(parse_nfg(r.witness["nfg"]), 1, Rules()) == 0  # re-read and re-solved, not z3


def test_2x2_no_contract_optimistic_guarantee_is_an_infimum_0():
    """2x2, K = 1, optimistic selection: c = 0, an infimum that no game attains.

    Approached: the prisoner's dilemma (C,C) = (1,1), (C,D) = (0,2), (D,C) = (2,0), (D,D) = (e,e) has
    the single equilibrium (D,D), so W_1 / W* = 2e / 2 = e -> 0.
    Not attained, by hand: let e = (a,b) be an equilibrium with welfare 0 (nonnegative payoffs: u(e) =
    (0,0)); its deviations give 0 too, so u1(a',b) = 0 and u2(a,b') = 0.  Write y = u2(a',b),
    z = u1(a,b'), (s,w) = u(a',b').  If y >= w, (a',b) is an equilibrium (welfare y): y = 0 forces w = 0;
    then (a,b') is one when z >= s (so z = s = 0: every payoff is 0, W* = 0) and (a',b') is one with
    welfare s > 0 otherwise.  If y < w, (a',b') is an equilibrium with welfare s + w > 0 when s >= z,
    and (a,b') one with welfare z > 0 when s < z.  So W* > 0 gives an equilibrium with positive
    welfare, the optimistic W_1 > 0 and the ratio > 0."""
    for e in (Fraction(1, 10), Fraction(1, 1000)):
        t = np.empty((2, 2, 2), dtype=object)
        t[:] = [[[1, 1], [0, 2]], [[2, 0], [e, e]]]
        assert _ratio(NormalFormGame(t), 1, OPTIMISTIC) == e
    r = tight_bound("ratio", 2, 2, k=1, rules=OPTIMISTIC)
    assert (r.bound, r.attained, r.status, r.witness) == (Fraction(0), False, "exact", None)
    assert [a["delta"] for a in r.approach] == ["1/10", "1/100", "1/1000"]
    for a in r.approach:
        v = _ratio(parse_nfg(a["nfg"]), 1, OPTIMISTIC)
        assert v is not None and 0 < v <= Fraction(a["delta"]) and str(v) == a["value"]
    seq = r.sequence  # G(s) = (1 - s) G0 + s G1, checked exactly at three s, values decreasing to 0
    assert seq is not None and [Fraction(x["value"]) for x in seq["checked"]] == sorted(
        (Fraction(x["value"]) for x in seq["checked"]), reverse=True)
    g0, g1 = parse_nfg(seq["G0"]["nfg"]), parse_nfg(seq["G1"]["nfg"])
    for x in seq["checked"]:
        s = Fraction(x["s"])
        t = np.empty(g0.table.shape, dtype=object)
        t[:] = [[[(1 - s) * Fraction(p) + s * Fraction(q) for p, q in zip(g0.payoff((i, j)), g1.payoff((i, j)))]
                 for j in range(2)] for i in range(2)]
        assert _ratio(NormalFormGame(t), 1, OPTIMISTIC) == Fraction(x["value"]) > 0


def test_grid_2x2_respects_the_bounds_and_never_attains_the_infimum():
    """Exhaustive search over the 2x2 games with payoffs in {0, 1, 2} (6561 games): every ratio is
    >= the bound; under the optimistic rule none is 0 (the infimum is not attained), under the
    pessimistic one some is (attained)."""
    pess, opt = [], []
    for vals in itertools.product(range(3), repeat=8):
        g = NormalFormGame(np.array(vals, dtype=np.int64).reshape(2, 2, 2))
        for rules, out in ((Rules(), pess), (OPTIMISTIC, opt)):
            v = _ratio(g, 1, rules)
            if v is not None:
                out.append(v)
    assert min(pess) == 0 and min(opt) > 0
    # the grid's smallest optimistic ratio, 1/3: u(0,0) = (0,0), u(0,1) = (1,0), u(1,0) = (2,1), u(1,1) = (0,2).
    # By hand: (0,0) -> player 1 moves to (1,0) (2 > 0); (1,0) -> player 2 to (1,1) (2 > 1); (1,1) -> player 1
    # to (0,1) (1 > 0); (0,1) is the only equilibrium (1 >= 0, 0 >= 0), welfare 1, while W* = W(1,0) = 3.
    g = NormalFormGame(np.array([[[0, 0], [1, 0]], [[2, 1], [0, 2]]]))
    assert min(opt) == _ratio(g, 1, OPTIMISTIC) == Fraction(1, 3)


def test_2x2_grand_coalition_guarantee_is_1():
    """2x2, K = 2 = N: the bloc is everybody and maximizes U_N = W, so W_2 = W* in every game: c = 1,
    attained (by every game of the class)."""
    r = tight_bound("ratio", 2, 2, k=2)
    assert (r.bound, r.attained) == (Fraction(1), True)
    assert _ratio(parse_nfg(r.witness["nfg"]), 2, Rules()) == 1


def test_welfare_gain_2x2_is_0_and_2x2x2_is_minus_3():
    """welfare-gain over payoffs in [0, 1].  2x2, K = 2: the grand coalition reaches W* >= W_0, so the
    gain is >= 0, and 0 is attained by any game whose equilibrium is optimal.  2x2x2, K = 2: W(S) >= 0
    and W_0 <= 3 (three payoffs at most 1), so the gain is >= -3; z3 finds it attained, and the witness
    is re-solved here."""
    r = tight_bound("welfare-gain", 2, 2, k=2)
    assert (r.bound, r.attained) == (Fraction(0), True)
    r = tight_bound("welfare-gain", 3, 2, k=2)
    assert (r.bound, r.attained) == (Fraction(-3), True)
    g = parse_nfg(r.witness["nfg"])
    assert _welfare_gain(g, 2, Rules()) == -3
    assert all(0 <= Fraction(v) <= 1 for p in g.profiles() for v in g.payoff(p))


def test_members_gain_2x2_is_0_and_2x2x2_is_minus_2():
    """members-gain (the members' total U_S(q_S) - U_S(b)) over payoffs in [0, 1].  2x2, K = 2: the grand
    coalition maximizes U_N = W over every profile, the no-contract outcome b included, so the gain is
    >= 0, and 0 is attained when b is optimal.  2x2x2, K = 2: U_S(q_S) >= 0 and U_S(b) <= 2 (two members),
    so the gain is >= -2; z3 finds it attained, and the witness is re-solved here (the outcome's
    ``gains[0]``, the members' total gain, computed by the coalition solver)."""
    r = tight_bound("members-gain", 2, 2, k=2)
    assert (r.bound, r.attained) == (Fraction(0), True)
    r = tight_bound("members-gain", 3, 2, k=2)
    assert (r.bound, r.attained) == (Fraction(-2), True)
    a = partial_contract_analysis(parse_nfg(r.witness["nfg"]), 2, Rules(), mixed=False, use_symmetry=False)
    assert min(o.gains[0] for o in a.outcomes.values() if o.gains is not None) == -2
    # by counts: the members' no-contract total ranges over the sub-multisets of the no-contract counts;
    # the same class through the dense encoding with the registered premise symmetric gives the same bound
    by_counts = tight_bound("members-gain", 3, 2, k=2, premises=("symmetric",))
    dense = _dense_symmetric("members-gain", 3)
    assert (by_counts.bound, by_counts.attained) == (dense.bound, dense.attained)


def test_general_position_turns_tie_bounds_into_infima_and_lifts_members_gain():
    """Premise generic (no ties among each player's payoffs, the welfare and the bloc totals).

    2x2, K = 1, pessimistic: still 0, but an infimum: W_1 = 0 needs an equilibrium paying (0, 0) whose
    deviations pay 0 too (nonnegative payoffs), a tie u1(a', b) = u1(a, b).
    2x2x2, K = 2, members-gain: >= 0 and attained.  By hand: the bloc S can commit to its no-contract
    actions b_S; the one outsider o then has b_o as a best response (b is an equilibrium), the only one in
    general position, so the bloc secures U_S(b) and its outcome has U_S(q_S) >= U_S(b); without the
    premise an indifferent outsider answers pessimistically and the bound is -2 (test above)."""
    r = tight_bound("ratio", 2, 2, k=1, premises=("generic",))
    assert (r.bound, r.attained, r.premises) == (Fraction(0), False, ["generic", "nonnegative-payoffs"])
    for a in r.approach:
        g = parse_nfg(a["nfg"])
        assert _ratio(g, 1, Rules()) == Fraction(a["value"]) > 0
        for i in range(2):  # general position: the player's four payoffs are distinct
            assert len({g.payoff(p)[i] for p in g.profiles()}) == 4
    r = tight_bound("members-gain", 3, 2, k=2, premises=("generic",))
    assert (r.bound, r.attained) == (Fraction(0), True)
    with pytest.raises(ParameterError, match="generic has no encoding by counts"):
        tight_bound("ratio", 3, 2, premises=("symmetric", "generic"))
    with pytest.raises(ParameterError, match="unknown premise 'convex'"):
        tight_bound("ratio", 3, 2, premises=("convex",))


def test_symmetric_counts_witnesses_agree_with_the_dense_solver():
    """Symmetric N = 3 by counts: welfare-gain is an infimum -1 (the dense class 2x2x2 reaches -3, only
    with asymmetric games); each approaching game, written dense, has the same value in the dense solver."""
    r = tight_bound("welfare-gain", 3, 2, k=2, premises=("symmetric",))
    assert (r.bound, r.attained, r.premises) == (Fraction(-1), False, ["symmetric", "payoffs-in-unit-interval"])
    for a in r.approach:
        assert _welfare_gain(parse_nfg(a["nfg"]), 2, Rules()) == Fraction(a["value"]) > -1
    r = tight_bound("ratio", 3, 2, k=2, premises=("symmetric",))
    assert (r.bound, r.attained) == (Fraction(0), True)
    assert _ratio(parse_nfg(r.witness["nfg"]), 2, Rules()) == 0


# ---------------------------------------------------------------------------- output, limits, CLI
def test_text_json_and_guarantees_table():
    r = tight_bound("ratio", 2, 2, k=1, rules=OPTIMISTIC)
    text = bound_text(r)
    assert "0 is not attained" in text and "an infimum, not a minimum" in text
    for bad in ("Fraction(", "None", "True", "False", "[(", "{'"):
        assert bad not in text
    doc = json.loads(json.dumps(r.to_json()))
    assert {"quantity", "parameters", "shape", "premises", "bound", "attained", "witness", "elapsed_seconds",
            "solver"} <= set(doc)
    assert doc["bound"] == "0" and doc["attained"] is False and doc["witness"] is None
    rows = guarantees_table()
    assert [(str(x.bound), x.attained, x.parameters["k"]) for x in rows] == [
        ("0", True, 1), ("0", True, 1), ("0", True, 2), ("0", True, 2), ("0", True, 3)]
    md = guarantees_markdown(rows)
    assert md.count("\n| ") == 5 and "symmetric N=4, M=2" in md
    assert "2x2x2" in guarantees_text(rows)


def test_latex_compiles():
    tex = bound_latex(tight_bound("ratio", 2, 2, k=1, rules=OPTIMISTIC)) + bound_latex(tight_bound("ratio", 2, 2, k=1))
    assert "\\begin{proposition}" in tex and "not attained" in tex and "\\toprule" in tex
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is not installed")
    doc = ("\\documentclass{article}\\usepackage{amsthm,booktabs}\\newtheorem{proposition}{Proposition}"
           "\\begin{document}\n" + tex + "\\end{document}\n")
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        with open(f"{d}/b.tex", "w") as fh:
            fh.write(doc)
        out = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "b.tex"], cwd=d,
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stdout[-2000:]


def test_size_budget_and_bad_input():
    with pytest.raises(BoundSizeError, match=r"about \d+ linear inequalities, above the budget of 100; .*--symmetric"):
        tight_bound("ratio", 3, 2, limits=BoundLimits(max_atoms=100))
    assert issubclass(BoundSizeError, ValueError)
    with pytest.raises(ParameterError, match="K >= 2"):
        tight_bound("welfare-gain", 2, 2, k=1)
    with pytest.raises(ParameterError, match="unknown quantity"):
        tight_bound("price", 2, 2)
    with pytest.raises(ParameterError, match="1 <= K <= N=2"):
        tight_bound("ratio", 2, 2, k=3)


def test_cli_bound(capsys):
    assert cli.main(["bound", "--players", "2", "--k", "1", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["bound"] == "0" and doc["attained"] is True and doc["witness"]["nfg"].startswith("NFG")
    assert cli.main(["bound", "--players", "2", "--k", "1", "--selection", "optimistic", "--format", "nfg"]) == 0
    g = parse_nfg(capsys.readouterr().out)  # an infimum: the closest approaching game, within 1/1000
    assert 0 < _ratio(g, 1, OPTIMISTIC) <= Fraction(1, 1000)
    assert cli.main(["bound", "--players", "7", "--symmetric", "--timeout", "0.2", "--format", "nfg"]) == 2
    assert "no witness game" in capsys.readouterr().err
    assert cli.main(["bound", "--players", "5", "--actions", "3"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "linear inequalities" in err and "--max-atoms" in err
    assert cli.main(["bound"]) == 2
    assert "--players" in capsys.readouterr().err
    assert cli.main(["bound", "--guarantees", "--format", "markdown"]) == 0
    assert "| 2x2x2 | 2 | ratio | 0 |" in capsys.readouterr().out
    assert cli.main(["bound", "members-gain", "--guarantees", "--generic"]) == 0
    out = capsys.readouterr().out  # the one dense 3-player class, in general position: 0, attained
    assert out.count("\n") == 2 and "2x2x2 generic  2  members-gain  0        min (attained)" in out


@pytest.mark.parametrize("quantity, selection", [("welfare-gain", "pessimistic"), ("ratio", "optimistic")])
def test_counts_bound_equals_the_dense_encoding_restricted_to_symmetric_games(quantity, selection):
    """Two encodings of the same class: the dense 2x2x2 outcome formulas with every payoff x[p, i]
    replaced by its symmetric unknown f(p_i; others' counts) (counts.restrict_dense) give the same
    tight bound, and the same kind (min or inf), as the counts encoding of symmetric N = 3 games."""
    import time

    import z3

    from contract_theory.search import bounds
    from contract_theory.search.counts import CountEncoding, restrict_dense
    from contract_theory.search.encoding import Encoding, claim_blocks

    rules = Rules(selection=selection)
    counts = bounds._counts_problem(3, 2, 2, rules, quantity, BoundLimits())
    enc, cnt = Encoding((2, 2, 2)), CountEncoding(3, 2)
    col = [cnt.index[(p[i], tuple(sum(1 for j, y in enumerate(p) if j != i and y == a) for a in range(2)))]
           for p in enc.profiles for i in range(3)]

    def lin(v):
        out = np.zeros(cnt.size, dtype=np.int64)
        np.add.at(out, col, v)
        return out

    c = claim_blocks((2, 2, 2), (("k", 2), ("timing", "stackelberg"), ("selection", selection), ("sharing", "equal")))
    nc = {q: restrict_dense(f, 3, 2) for q, f in c.nc.items()}
    oc = [(q, restrict_dense(f, 3, 2)) for S in c.coalitions for q, f in c.oc[S].items()]
    dense = bounds._Problem(
        cnt.size, [lin(enc.W(p)) for p in enc.profiles], [(f, lin(enc.W(q))) for q, f in nc.items()],
        [(f, lin(enc.W(q))) for q, f in oc], counts.evaluate, counts.describe,
        {"kind": "dense restricted to symmetric games"},
        [(fb, fq, lin(enc.W(q) - enc.W(b)), 1) for b, fb in nc.items() for q, fq in oc])
    ans = bounds._solve(z3, dense, quantity, time.perf_counter() + 60, {"tried": []})
    ref = tight_bound(quantity, 3, 2, k=2, rules=rules, premises=("symmetric",))
    assert (ans.status, ans.bound, ans.attained) == (ref.status, ref.bound, ref.attained) == (
        "exact", Fraction(-1) if quantity == "welfare-gain" else Fraction(0), False)


def test_timeout_gives_an_undecided_result_that_says_so():
    r = tight_bound("members-gain", 7, 2, premises=("symmetric",), limits=BoundLimits(timeout=0.2))  # > 60 s
    assert (r.status, r.bound, r.attained, r.complete) == ("unknown", None, None, False)
    assert r.solver["tried"][0]["result"] == "unknown" and r.solver["tried"][0]["reason"]
    assert "undecided: the solver timed out (raise --timeout)" in bound_text(r)
    assert "undecided" in bound_latex(r) and "undecided" in guarantees_text([r])


def test_grid_of_symmetric_3_player_games_respects_the_infimum_minus_1():
    """Exhaustive search over the symmetric 3-player 2-action games with f(a; c) in {0, 1/2, 1} (729 games),
    each solved densely: every welfare-gain is > -1 (the bound, an infimum, is never reached), and the grid
    is too coarse to come near it: z3's first approaching game (<= -9/10) is below every grid game."""
    from contract_theory.search.counts import symmetric_game

    vals = [Fraction(0), Fraction(1, 2), Fraction(1)]
    gains = []
    for f in itertools.product(vals, repeat=6):
        v = _welfare_gain(symmetric_game(3, 2, f).to_dense(), 2, Rules())
        if v is not None:
            gains.append(v)
    assert len(gains) > 300 and min(gains) > -1
    r = tight_bound("welfare-gain", 3, 2, k=2, premises=("symmetric",))
    assert -1 < Fraction(r.approach[0]["value"]) <= Fraction(-9, 10) < min(gains)


# ---------------------------------------------------------------------------- issue 23: the remaining quantities
def test_min_member_gain_2x2_is_minus_half_with_equal_sharing_and_0_with_lump_sums():
    """min-member-gain over payoffs in [0, 1], 2x2, K = 2 (the grand coalition, outcome q, no contract b).
    Equal sharing: member i gets W(q)/2 and W(q) >= W(b) = u_i(b) + u_j(b) (the bloc maximizes W over all
    profiles, b included), so the gain W(q)/2 - u_i(b) >= (u_j(b) - u_i(b))/2 >= -1/2; attained when b pays
    (1, 0) and is optimal.  The canonical witness is the lexicographically smallest such game: the profiles
    (a0, .) pay (0, 0) and (a1, .) pay (1, 0) (with (a0, a0) paying 0 the first payoffs can be 0; player 1's
    payoff at (a1, a0) must be 1: if it were below 1 the pessimistic no-contract outcome would pay player 1
    less than 1 and the gain would stay above -1/2).
    Lump sums: member i gets u_i(b) + (W(q) - W(b))/2 >= u_i(b): the bound is 0, attained (b optimal)."""
    r = tight_bound("min-member-gain", 2, 2, k=2)
    assert (r.bound, r.attained, r.status) == (Fraction(-1, 2), True, "exact")
    assert [row["payoffs"] for row in r.witness["payoffs"]] == [["0", "0"], ["0", "0"], ["1", "0"], ["1", "0"]]
    g = parse_nfg(r.witness["nfg"])
    a = partial_contract_analysis(g, 2, Rules(), mixed=False, use_symmetry=False)
    o = a.outcomes[(0, 1)]
    assert min(o.payoffs[i] - a.no_contract.payoffs[i] for i in (0, 1)) == Fraction(-1, 2)
    r = tight_bound("min-member-gain", 2, 2, k=2, rules=Rules(sharing="lump_sum"))
    assert (r.bound, r.attained) == (Fraction(0), True)
    assert "v_i(q_S) - u_i(b) >= -1/2 for every coalition S of size 2..2 with an outcome and every member i" in \
        bound_text(tight_bound("min-member-gain", 2, 2, k=2))


def test_outsiders_loss_2x2x2_is_1_and_a_maximum():
    """outsiders-loss (max over S and outsiders o of u_o(b) - u_o(q_S)) over payoffs in [0, 1], 2x2x2,
    K = 2: at most 1 - 0 = 1, and z3 finds it attained; the witness is re-solved by the coalition solver
    (raw payoffs of the outsider, before sharing).  It is an upper bound, so the statement reads "<=";
    with the grand coalition (K = N) there is no outsider and the quantity is refused."""
    r = tight_bound("outsiders-loss", 3, 2, k=2)
    assert (r.bound, r.attained, r.status) == (Fraction(1), True, "exact")
    a = partial_contract_analysis(parse_nfg(r.witness["nfg"]), 2, Rules(), mixed=False, use_symmetry=False)
    base = a.no_contract.payoffs
    assert max(base[o] - x.raw_payoffs[o] for x in a.outcomes.values() for o in range(3) if o not in x.coalition) == 1
    assert "u_o(b) - u_o(q_S) <= 1 for every coalition S" in bound_text(r) and "(a maximum)" in bound_text(r)
    assert "\\le 1" in bound_latex(r)
    with pytest.raises(ParameterError, match="outsiders-loss needs outsiders"):
        tight_bound("outsiders-loss", 3, 2, k=3)
    with pytest.raises(ParameterError, match="outsiders-loss has no bound by counts"):
        tight_bound("outsiders-loss", 3, 2, premises=("symmetric",))


def test_design_modifications_are_refused_with_the_reason(capsys):
    from contract_theory.search.bounds import refuse_modification

    for name in ("payments-to-outsiders", "several-contracts"):
        with pytest.raises(ParameterError, match=f"a bound under {name} is not encodable"):
            refuse_modification(name)
        assert cli.main(["bound", "members-gain", "--players", "3", "--design", name]) == 2
        err = capsys.readouterr().err
        assert "not encodable" in err and err.count("\n") == 1


def test_a_premise_lifts_the_min_member_gain_to_0_as_prove_says():
    """Checked two ways: the bound and prove of "quantity >= 0" (the claim members-gain: every member's
    payoff under the sharing rule is at least its no-contract payoff) agree, with and without a premise.
    2x2x2, K = 2, lump sums.  Without premises a member can lose (an indifferent outsider answers the
    bloc's commitment pessimistically), so prove fails and the bound is below 0.  Under ``generic`` the
    bloc can commit to its no-contract actions b_S, the one outsider's best reply b_o is then unique, so the
    bloc secures U_S(b): its total never falls, and with lump sums member i gets u_i(b) plus half of a
    nonnegative surplus: the gain is >= 0, and 0 is approached (a surplus that tends to 0)."""
    from contract_theory.search.prove import prove

    lump = Rules(sharing="lump_sum")
    params = {"k": 2, "sharing": "lump_sum"}
    free = tight_bound("min-member-gain", 3, 2, k=2, rules=lump, limits=BoundLimits(canonical=False))
    assert free.bound < 0 and prove("members-gain", 3, 2, params=params).verdict == "fails"
    gp = tight_bound("min-member-gain", 3, 2, k=2, rules=lump, premises=("generic",), limits=BoundLimits(canonical=False))
    assert gp.bound == 0 and gp.status == "exact"
    assert prove("members-gain", 3, 2, params=params, assuming=["generic"]).verdict == "holds"
    assert gp.premises == ["generic", "payoffs-in-unit-interval"]


def test_b2_with_either_sign_splits_the_class():
    """The premises B2 (no outsider of the best size-K coalition loses) and B2-negative (some outsider
    loses) split every 2x2x2 game with a pure no-contract outcome and a coalition outcome, so the bound
    over the whole class is the smaller of the two: welfare-gain -3 (test above).  Under B2 the welfare
    loss -3 stays attainable, as B2 speaks of the best coalition only while the bound takes the worst; under
    B2-negative the best coalition hurts an outsider; each witness satisfies its premise by the registered
    B2 check (tight_bound raises otherwise)."""
    pos = tight_bound("welfare-gain", 3, 2, k=2, premises=("B2",), limits=BoundLimits(canonical=False))
    neg = tight_bound("welfare-gain", 3, 2, k=2, premises=("B2-negative",), limits=BoundLimits(canonical=False))
    assert min(pos.bound, neg.bound) == -3 and pos.status == neg.status == "exact"
    from contract_theory.search.premises import premise_holds

    assert premise_holds("B2-negative", parse_nfg(neg.witness["nfg"]), 2) if neg.witness else True
    with pytest.raises(ParameterError, match="pure continuations only"):
        tight_bound("welfare-gain", 4, 2, k=2, premises=("B2",))


def test_counts_premises_restricted_from_the_dense_formula_agree_with_the_dense_class():
    """Symmetric N = 3 under dominant-strategies (written by counts) and positive-externalities (the dense
    formula restricted to symmetric games): the same bound as the dense 2x2x2 class under the registered
    premises symmetric + the same premise (a second encoding of the class)."""
    import time

    import z3

    from contract_theory.search import bounds

    for extra in ("dominant-strategies", "positive-externalities"):
        by_counts = tight_bound("welfare-gain", 3, 2, k=2, premises=("symmetric", extra),
                                limits=BoundLimits(canonical=False))
        prob = bounds._dense_problem((2, 2, 2), 2, Rules(), "welfare-gain", BoundLimits(), ("symmetric", extra))
        dense = bounds._solve(z3, prob, "welfare-gain", time.perf_counter() + 120, {"tried": []}, False)
        assert (by_counts.bound, by_counts.attained) == (dense.bound, dense.attained), extra
    with pytest.raises(ParameterError, match="has no formula by counts"):
        tight_bound("ratio", 7, 2, premises=("symmetric", "potential"))


def test_the_canonical_witness_is_the_same_in_two_processes():
    """z3's model depends on its search path; the printed witness is the lexicographically smallest game
    attaining the bound, a property of the class alone: two processes (different hash seeds) print the
    same .nfg, for an attained bound (2x2x2 members-gain) and for an infimum's approaching games
    (symmetric N = 3 welfare-gain)."""
    import os
    import sys

    outs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        docs = []
        for argv in (["members-gain", "--players", "3"], ["welfare-gain", "--players", "3", "--symmetric"]):
            p = subprocess.run([sys.executable, "-m", "contract_theory.cli", "bound", *argv, "--format", "json"],
                               capture_output=True, text=True, env=env, check=True, timeout=300)
            d = json.loads(p.stdout)
            docs.append([d["witness"] and d["witness"]["nfg"], [a["nfg"] for a in d["approach"]]])
        outs.append(docs)
    assert outs[0] == outs[1]
    assert outs[0][0][0] is not None and len(outs[0][1][1]) == 3


def test_count_premise_formulas_agree_with_the_exact_checks_on_a_symmetric_grid():
    """The premises by counts (nonnegative-payoffs and dominant-strategies written over f(a; c), B1 and
    positive-externalities restricted from the dense formula) against the registered exact checks of the
    dense game, on all 3^6 = 729 symmetric 3-player 2-action games with f in {0, 1, 2} (dominance needs
    > somewhere: the game with all six unknowns equal has no dominant action) and their negatives."""
    from contract_theory.search import bounds
    from contract_theory.search.counts import CountEncoding, symmetric_game
    from contract_theory.search.premises import satisfied_premises

    names = ("nonnegative-payoffs", "dominant-strategies", "B1", "positive-externalities")
    enc = CountEncoding(3, 2)
    formulas = {n: bounds._count_premises(enc, 3, 2, 2, (n,))[0] for n in names}
    seen = {(n, v): 0 for n in names for v in (True, False)}
    for vals in itertools.product((0, 1, 2), repeat=6):
        for sign in (1, -1):
            values = [Fraction(sign * v) for v in vals]
            exact = satisfied_premises(symmetric_game(3, 2, values).to_dense(), 2, names)
            for n, f in formulas.items():
                encoded = bounds._holds(f, values, {})
                assert encoded == exact[n], (n, values)
                seen[(n, encoded)] += 1
    assert all(seen.values()), seen
    assert bounds._holds(formulas["dominant-strategies"], [Fraction(1)] * 6, {}) is False


def test_counts_value_when_the_no_contract_outcome_leaves_an_action_unused():
    """Symmetric N = 3: f(0; c) = 0 and f(1; c) = 1 for every context c, so action 1 strictly dominates and
    the no-contract counts are (0, 3) (action 0 unused; its payoff at those counts is undefined, which
    crashed the evaluation once).  A pair's best commitment is both on 1 with the outsider on 1: U = 2 =
    U_S(b), so members-gain is 0, and each member's equal share 2/2 = 1 equals its no-contract payoff 1:
    min-member-gain is 0 too."""
    from contract_theory.search import bounds

    values = [Fraction(0)] * 3 + [Fraction(1)] * 3
    for quantity in ("members-gain", "min-member-gain"):
        prob = bounds._counts_problem(3, 2, 2, Rules(), quantity, BoundLimits())
        assert prob.evaluate(values) == 0, quantity


def _counts_solve(quantity, n, k, rules, *, grouped=True, trivial=True):
    """The counts bound through bounds._solve, with the ratio's grouped one-way form and the Stackelberg
    outcomes through one (U, W) per commitment (``grouped``; bounds._count_commitments), or the outcome
    formulas as they are and the two-way ratio of the dense encoding, and with the integer bisection
    (``trivial``) or OMT alone."""
    import time

    import z3

    from contract_theory.search import bounds

    prob = bounds._counts_problem(n, 2, k, rules, quantity, BoundLimits())
    if not grouped:
        prob.groups, prob.z3_outcomes = [], None
    if trivial:
        prob.trivial = Fraction({"ratio": 0, "welfare-gain": -n, "members-gain": -k}[quantity])
    ans = bounds._solve(z3, prob, quantity, time.perf_counter() + 120, {"tried": []}, False)
    return ans.status, ans.bound, ans.attained


@pytest.mark.parametrize("n, k, timing, selection, expected", [
    (4, 3, "stackelberg", "pessimistic", (Fraction(0), True)),
    (4, 3, "stackelberg", "optimistic", (Fraction(0), False)),
    (4, 4, "stackelberg", "pessimistic", (Fraction(1), True)),
    (4, 3, "nash", "pessimistic", (Fraction(0), True)),
    (3, 3, "nash", "optimistic", None)])
def test_grouped_ratio_agrees_with_the_two_way_form(n, k, timing, selection, expected):
    """The ratio by counts is written with each outcome group (no contract, each size) as "no outcome, or a
    selected outcome with W <= c" (bounds._Problem.groups, names one way): the same bound and kind as the
    two-way form (every outcome: not selected, or W <= c), and as OMT alone without the integer candidates.
    K = N: the grand coalition reaches W* (bound 1, attained by any game); K = N - 1 under pessimistic
    selection: 0 attained (notes-bounds2: N = 4 and 6), optimistic: 0 an infimum."""
    rules = Rules(timing=timing, selection=selection)
    two_way = _counts_solve("ratio", n, k, rules, grouped=False, trivial=False)
    assert _counts_solve("ratio", n, k, rules) == _counts_solve("ratio", n, k, rules, trivial=False) == two_way
    assert two_way[0] == "exact"
    if expected is not None:
        assert two_way[1:] == expected


@pytest.mark.parametrize("quantity, n, expected", [
    ("members-gain", 4, (Fraction(-1), True)), ("members-gain", 5, (Fraction(-2), True)),
    ("welfare-gain", 5, (Fraction(-5), False))])
def test_integer_bisection_agrees_with_omt(quantity, n, expected):
    """The integer candidates by bisection (bounds._bisect) give the values of notes-bounds2 (members-gain
    -1 at N = 4 and -2 at N = 5, attained; welfare-gain -N from N = 5, an infimum), the same as OMT alone
    (N = 4 only: OMT at N = 5 is the slow step the candidates avoid)."""
    got = _counts_solve(quantity, n, n - 1, Rules())
    assert got == ("exact", *expected)
    if n == 4:
        assert _counts_solve(quantity, n, n - 1, Rules(), trivial=False) == got


@pytest.mark.parametrize("quantity, selection", [
    ("welfare-gain", "pessimistic"), ("welfare-gain", "optimistic"), ("members-gain", "pessimistic"),
    ("members-gain", "optimistic")])
def test_commitment_values_agree_with_the_outcome_formulas(quantity, selection):
    """The Stackelberg outcomes written through one (U, W) per commitment give the same bound and kind as
    the outcome formulas (symmetric N = 4, K = 3); pessimistic: members-gain -1 (notes-bounds2), welfare-gain -2
    (both encodings here; -N only from N = 5)."""
    rules = Rules(selection=selection)
    got = _counts_solve(quantity, 4, 3, rules, trivial=False)
    assert got == _counts_solve(quantity, 4, 3, rules, grouped=False, trivial=False)
    assert got[0] == "exact"
    if selection == "pessimistic":
        assert got[1] == (Fraction(-1) if quantity == "members-gain" else Fraction(-2))
