"""Deciding claims over every game of a shape, and counterexample margins (issue 13).

Oracles: the library's own claim evaluation (vectorized solvers) against the encoding's Boolean value
on random small-payoff games (ties frequent); every ``holds`` against exhaustive search on a small
integer grid (2-player shapes) or a large random sample (3 players); every ``fails`` re-verified by
the independent loop-based certificate code; margins by random perturbation inside the ball and a
perturbation just outside along a limiting inequality.
"""

from __future__ import annotations

import itertools
import json
import random
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract_theory import cli
from contract_theory.errors import ParameterError
from contract_theory.games.normal_form import NormalFormGame
from contract_theory.search.certificates import verify_certificate
from contract_theory.search.claims import claim_parameters, get_claim
from contract_theory.search.encoding import (
    ENCODABLE,
    And,
    Atom,
    EncodingError,
    Or,
    failure_formula,
    flatten,
    holds_at,
    robustness,
    robustness_value,
)
from contract_theory.search.margin import counterexample_margin
from contract_theory.search.search import find_counterexample
from contract_theory.search.spaces import GameSpace


def _z3():  # only the tests that call the solver skip without z3
    pytest.importorskip("z3", reason="z3-solver is not installed (pip install 'contract-theory[prove]')")
    from contract_theory.search.prove import prove
    return prove


COMBOS = [dict(timing=t, selection=s, sharing=h, tie=tie)
          for t, s, h in itertools.product(("stackelberg", "nash"), ("pessimistic", "optimistic"),
                                           ("equal", "lump_sum", "none"))
          for tie in ("inside", "outside", "both-weak", "both-strict")]


# ---------------------------------------------------------------------------- the encoding itself
@given(st.data())
def test_encoding_agrees_with_the_library_on_small_games(data):
    """The failure formula is true exactly where the library's solvers say the claim fails (payoffs
    0..2: ties everywhere, so every tie rule is exercised)."""
    name = data.draw(st.sampled_from(ENCODABLE))
    shape = data.draw(st.sampled_from([(2, 2), (2, 3), (2, 2, 2)]))
    params = claim_parameters(get_claim(name), len(shape), data.draw(st.sampled_from(COMBOS)))
    size = int(np.prod(shape)) * len(shape)
    table = np.array(data.draw(st.lists(st.integers(0, 2), min_size=size, max_size=size))).reshape(shape + (len(shape),))
    enc, fails, _ = failure_formula(name, shape, params)
    library = get_claim(name).evaluate(NormalFormGame(table), params).holds
    assert holds_at(enc, fails, table) == (library is False)


@pytest.mark.parametrize("name", ENCODABLE)
def test_encoding_agrees_with_the_library_for_every_parameter_combination(name):
    """Every timing x selection x sharing (x tie rule for stable-is-best) on 10 seeded games with
    payoffs 0..2 per shape: the encoding and the library's solvers agree on every game."""
    rng = np.random.default_rng(11)
    combos = COMBOS if name == "stable-is-best" else [c for c in COMBOS if c["tie"] == "inside"]
    disagreements = []
    for shape in ((2, 2), (2, 2, 2)):
        for combo in combos:
            params = claim_parameters(get_claim(name), len(shape), combo)
            enc, fails, _ = failure_formula(name, shape, params)
            for _ in range(10):
                table = rng.integers(0, 3, size=shape + (len(shape),))
                library = get_claim(name).evaluate(NormalFormGame(table), params).holds
                if holds_at(enc, fails, table) != (library is False):
                    disagreements.append((shape, combo, table.tolist()))
    assert disagreements == []


def test_unencodable_claims_say_why(capsys):
    with pytest.raises(EncodingError, match="spe-optimal cannot be encoded"):
        failure_formula("spe-optimal", (2, 2), {"k": 2})
    with pytest.raises(EncodingError, match="mixed continuations cannot be encoded"):
        failure_formula("welfare-rises", (2, 2), {"k": 2, "timing": "nash", "selection": "pessimistic",
                                                  "sharing": "equal", "mixed": True})
    with pytest.raises(EncodingError, match="user's Python claim"):
        failure_formula("mine", (2, 2), {}, file="/x/claim.py")
    assert cli.main(["prove", "spe-optimal", "--players", "2"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot be encoded" in err


def test_missing_z3_says_how_to_install(monkeypatch):
    import builtins

    from contract_theory.search import prove as prove_mod
    real = builtins.__import__

    def no_z3(name, *a, **k):
        if name == "z3":
            raise ImportError("no z3")
        return real(name, *a, **k)
    monkeypatch.setattr(builtins, "__import__", no_z3)
    with pytest.raises(ParameterError, match=r"pip install \"contract-theory\[prove\]\""):
        prove_mod.import_z3()


# ---------------------------------------------------------------------------- holds
HOLDS = [  # (claim, players, actions, params): each proved below and cross-checked
    ("optimum-reachable", 2, 2, {"k": 2}),                            # K = N = 2, Stackelberg: the grand
    ("optimum-reachable", 2, 2, {"k": 2, "timing": "nash"}),          # coalition maximizes W itself
    ("welfare-rises", 2, 2, {}),
    ("outsiders-gain", 2, 3, {"selection": "optimistic"}),            # no outsiders when S = N
    ("members-gain", 2, 2, {"sharing": "lump_sum"}),                  # lump sums: U_S(S) >= U_S(default)
    ("members-gain", 3, 2, {"sharing": "lump_sum", "selection": "optimistic"}),   # G1 (docs)
]


@pytest.mark.parametrize("claim,players,actions,params", HOLDS)
def test_claims_that_hold_by_construction_are_proved(claim, players, actions, params):
    prove = _z3()
    r = prove(claim, players, actions, params=params, timeout=120)
    assert r.verdict == "holds" and r.counterexample is None
    assert r.solver["tried"][0]["result"] == "unsat"
    # cross-check: no counterexample on an integer grid (exhaustive for 2 players, else a large sample)
    space = GameSpace(players=(players, players), actions=(actions, actions), low=0, high=2 if players == 2 else 3)
    s = find_counterexample(claim, space, params=params, budget_seconds=120, seed=1, max_games=3000,
                            exhaustive_limit=10_000, allow_ties=True)
    assert not s.found
    assert s.complete or s.searched == 3000


# ---------------------------------------------------------------------------- fails, with a margin
def test_optimum_reachable_three_players_k2_fails_with_a_margin():
    """The issue's claim: 3 players, 2 actions, K = 2.  The counterexample has integer payoffs, fails in
    the library, is reproduced by the independent certificate code, and has margin > 0."""
    prove = _z3()
    r = prove("optimum-reachable", 3, 2, params={"k": 2}, timeout=120)
    assert r.verdict == "fails" and r.margin is not None and r.margin > 0
    cert = r.counterexample["certificate"]
    assert verify_certificate(cert) and cert["holds"] is False
    assert cert["margin"]["certified"] and cert["margin"]["ties"] == []
    assert all(float(v).is_integer() for row in cert["game"]["payoffs"] for v in row)
    _perturb_inside(r.game, "optimum-reachable", claim_parameters(get_claim("optimum-reachable"), 3, {"k": 2}),
                    r.margin)


def _perturb_inside(game, name, params, margin, draws=40):
    """Random games strictly inside the margin's ball still fail the claim (library's own solvers)."""
    rnd = random.Random(7)
    base = np.asarray(game.table, dtype=object)
    claim = get_claim(name)
    for _ in range(draws):
        bump = np.array([Fraction(rnd.randint(-999, 999), 1000) * margin for _ in range(base.size)],
                        dtype=object).reshape(base.shape)
        assert claim.evaluate(NormalFormGame(base + bump), params).holds is False


def test_margin_is_tight_where_a_comparison_is_tight():
    """members-gain on u(a0,a0) = (2, 1), u(a0,a1) = (1, 0), zeros elsewhere: no contract (a0, a0), the
    equal split 3/2 < 2 hurts player 1.  By hand the witness's weakest comparisons are player 2's
    u2(a0,a0) - u2(a0,a1) = 1 and the loss u1 - u2 = 1 at (a0,a0), each over ||v||_1 = 2: margin 1/2.
    Inside the ball it still fails; just outside (player 2 pushed to indifference and past it), the
    default moves and the claim holds."""
    params = claim_parameters(get_claim("members-gain"), 2, {})
    table = np.array([[[2, 1], [1, 0]], [[0, 0], [0, 0]]])
    m = counterexample_margin("members-gain", table, params)
    assert m["value"] == "1/2" and m["certified"] and m["ties"] == []
    _perturb_inside(NormalFormGame(table), "members-gain", params, Fraction(1, 2))
    eps = Fraction(1, 100)
    out = table.astype(object)
    out[0, 0, 1] -= Fraction(1, 2) + eps        # u2(a0,a0) = 1/2 - eps
    out[0, 1, 1] += Fraction(1, 2) + eps        # u2(a0,a1) = 1/2 + eps: player 2 now prefers a1
    assert get_claim("members-gain").evaluate(NormalFormGame(out), params).holds is True


def test_tie_resting_counterexample_names_its_ties():
    """The issue's seed-3 game: all payoffs 0 but one; every coalition is indifferent, the claim fails
    only through the pessimistic tie rule: margin 0, and the ties are named."""
    params = claim_parameters(get_claim("optimum-reachable"), 3, {"k": 2})
    table = np.zeros((2, 2, 2, 3), dtype=np.int64)
    table.reshape(-1)[9] = 1
    assert get_claim("optimum-reachable").evaluate(NormalFormGame(table), params).holds is False
    m = counterexample_margin("optimum-reachable", table, params)
    # e.g. player 1 indifferent between its actions when the others play a0 (both payoffs 0)
    assert m["value"] == "0" and "u1(0,0,0) >= u1(1,0,0)" in m["ties"]


def test_generic_removes_a_tie_resting_failure():
    """members-gain, 3 players, lump sums, pessimistic: every counterexample rests on a tie (margin 0),
    and in general position the claim holds."""
    prove = _z3()
    p = {"sharing": "lump_sum"}
    r = prove("members-gain", 3, 2, params=p, timeout=120)
    assert r.verdict == "fails" and r.margin == 0 and r.counterexample["certificate"]["margin"]["ties"]
    assert verify_certificate(r.counterexample["certificate"])
    g = prove("members-gain", 3, 2, params=p, generic=True, timeout=120)
    assert g.verdict == "holds"


def test_robustness_is_a_lower_bound_checked_on_random_counterexamples():
    """On random failing 2x2x2 games the robustness never exceeds what perturbations allow: every
    perturbation strictly inside the computed margin keeps the claim failing."""
    rng = np.random.default_rng(5)
    params = claim_parameters(get_claim("welfare-rises"), 3, {})
    enc, fails, _ = failure_formula("welfare-rises", (2, 2, 2), params)
    checked = 0
    while checked < 5:
        table = rng.integers(-6, 7, size=(2, 2, 2, 3))
        value, _, _ = robustness(enc, fails, table)
        if value > 0:
            _perturb_inside(NormalFormGame(table), "welfare-rises", params, value, draws=10)
            checked += 1


def _robustness_by_recursion(enc, f, table):
    """The reference: the formula walked recursively with one Fraction per atom score (the
    implementation before the integer plan), ties between branches broken by truth."""
    x, den = flatten(enc.size, table)
    memo = {}
    big = Fraction(10) ** 30

    def go(g):
        if id(g) in memo:
            return memo[id(g)]
        if isinstance(g, Atom):
            s = sum(c * x[j] for j, c in g.terms)
            out = ((Fraction(s, den * g.norm), s > 0 if g.strict else s >= 0), [g], [g])
        elif not g.children:
            out = ((big, True) if isinstance(g, And) else (-big, False), [], [])
        else:
            kids = [go(c) for c in g.children]
            best = (min if isinstance(g, And) else max)(k[0] for k in kids)
            if isinstance(g, And):
                out = (best, [a for k in kids if k[0] == best for a in k[1]], [a for k in kids for a in k[2]])
            else:
                out = next((best, k[1], k[2]) for k in kids if k[0] == best)
        memo[id(g)] = out
        return out

    (value, truth), limiting, witness = go(f)
    return value, truth, limiting, witness


@given(st.data())
def test_integer_plan_equals_the_recursive_fraction_walk(data):
    """Issue 26 item 3: robustness as one integer matrix-vector product over the atoms and a min/max
    per height gives the same value, the same truth, and the same limiting and witness atoms (in
    order) as the recursive walk with Fractions; on payoffs 0..2 (ties at r = 0 everywhere), on
    fractions, and on payoffs near 10**18 (the Python-integer path)."""
    name = data.draw(st.sampled_from(ENCODABLE))
    shape = data.draw(st.sampled_from([(2, 2), (2, 3), (2, 2, 2)]))
    params = claim_parameters(get_claim(name), len(shape), data.draw(st.sampled_from(COMBOS)))
    size = int(np.prod(shape)) * len(shape)
    values = data.draw(st.sampled_from([st.integers(0, 2), st.fractions(-3, 3, max_denominator=4),
                                        st.integers(10**18 - 2, 10**18)]))
    table = np.array(data.draw(st.lists(values, min_size=size, max_size=size)), dtype=object)
    table = table.reshape(shape + (len(shape),))
    enc, fails, _ = failure_formula(name, shape, params)
    value, truth, limiting, witness = _robustness_by_recursion(enc, fails, table)
    got = robustness(enc, fails, table)
    assert got[0] == value == robustness_value(enc, fails, table)
    assert [id(a) for a in got[1]] == [id(a) for a in limiting]
    assert [id(a) for a in got[2]] == [id(a) for a in witness]
    assert holds_at(enc, fails, table) == truth


def test_robustness_of_the_constants_and_a_shared_atom():
    """Hand cases: TRUE and FALSE score +-10**30; x0 - x1 >= 0 at (3, 1) over ||v|| = 2 scores 1; an
    Or of it and its strict negation takes the larger score; an And sharing one atom twice keeps
    both occurrences in its witness."""
    from contract_theory.search.encoding import FALSE, TRUE, Encoding

    enc = Encoding((2,))  # two variables: one player, two actions
    a = Atom(np.array([1, -1]), strict=False)
    b = Atom(np.array([-1, 1]), strict=True)
    x = [[3], [1]]
    assert robustness_value(enc, TRUE, x) == Fraction(10) ** 30
    assert robustness_value(enc, FALSE, x) == -Fraction(10) ** 30
    assert robustness(enc, Or((b, a)), x) == (Fraction(1), [a], [a])
    assert robustness(enc, And((a, b, a)), x) == (Fraction(-1), [b], [a, b, a])
    assert robustness_value(enc, And((a, Or(()))), x) == -Fraction(10) ** 30


# ---------------------------------------------------------------------------- search with margins
def test_default_search_insists_on_a_margin():
    """The issue's seed-3 search: with ties allowed it returns a game resting on ties (margin 0); by
    default it keeps looking and returns one with margin > 0."""
    space = GameSpace(players=(3, 3), high=3)
    kw = dict(params={"k": 2}, seed=3, budget_seconds=120, max_games=1000, shrink_seconds=30)
    tied = find_counterexample("optimum-reachable", space, allow_ties=True, **kw)
    robust = find_counterexample("optimum-reachable", space, **kw)
    assert tied.certificate["margin"]["value"] == "0" and tied.certificate["margin"]["ties"]
    assert Fraction(robust.certificate["margin"]["value"]) > 0 and verify_certificate(robust.certificate)
    assert robust.searched == 583 and tied.searched == 21     # measured: the 583rd game of seed 3


def test_search_says_when_only_tie_resting_counterexamples_exist():
    """Stopped after the issue's 21st game (the first failing one, resting on ties) the search has no
    counterexample with a margin: it reports the tie-resting one and says so."""
    r = find_counterexample("optimum-reachable", GameSpace(players=(3, 3), high=3), params={"k": 2}, seed=3,
                            max_games=21, shrink_seconds=10)
    assert r.found and r.searched == 21 and r.certificate["margin"]["value"] == "0"
    assert any("no counterexample with margin > 0" in n for n in r.notes)


# ---------------------------------------------------------------------------- command line
def test_cli_prove_json_text_latex(capsys):
    _z3()  # every line below runs the solver
    assert cli.main(["prove", "members-gain", "--players", "2", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert list(doc) == ["claim", "parameters", "shape", "generic", "premises", "vacuous", "verdict", "counterexample",
                         "elapsed_seconds", "solver"]
    assert doc["verdict"] == "fails" and doc["shape"] == [2, 2] and doc["generic"] is False
    assert set(doc["counterexample"]) == {"nfg", "certificate"} and doc["counterexample"]["nfg"].startswith("NFG")
    assert verify_certificate(doc["counterexample"]["certificate"])
    assert cli.main(["prove", "optimum-reachable", "--players", "2", "--k", "2"]) == 0
    assert "verdict: HOLDS" in capsys.readouterr().out
    assert cli.main(["prove", "members-gain", "--players", "2", "--format", "latex"]) == 0
    tex = capsys.readouterr().out
    # refuted: typeset as a claim with its counterexample, never as a proposition (issue 23)
    assert "\\begin{claim}[refuted]" in tex and "\\begin{proposition}" not in tex
    assert "linear inequalities" in tex and "\\toprule" in tex
    assert cli.main(["prove", "welfare-rises", "--players", "2", "--actions", "2,3", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["shape"] == [2, 3]


def test_prove_does_not_depend_on_what_was_proved_before():
    """The same cell proved before and after other cells gives the same counterexample (z3's state
    is per call); before the fresh context, 54 of the 96 2x2 cells differed between two runs in
    one process."""
    from contract_theory.search.prove import prove

    _z3()
    params = {"timing": "stackelberg", "selection": "pessimistic", "sharing": "none"}
    first = prove("members-gain", 2, 2, params=params).counterexample["nfg"]
    for sharing in ("equal", "lump_sum"):
        prove("welfare-rises", 2, 2, params={**params, "sharing": sharing})
        prove("members-gain", 2, 2, params={**params, "sharing": sharing})
    assert prove("members-gain", 2, 2, params=params).counterexample["nfg"] == first


def test_claims_atlas_decides_and_caches(tmp_path):
    """2x2 atlas: optimum-reachable holds in every cell (K = N = 2); members-gain fails under equal
    sharing with Stackelberg timing and pessimistic selection (the measured 2x2 counterexample has
    margin > 0); a second run comes entirely from the cache with the same rows."""
    from contract_theory.report.atlas import atlas_section, claims_atlas

    # a budget of 0 starts nothing (an empty cache): every cell says "not run" -- no solver needed
    none = claims_atlas(shapes=((2, 2),), budget_seconds=0, cache="")
    assert none["not_run"] == 96 and {r["verdict"] for r in none["rows"]} == {"not run"}
    _z3()  # the cells below are decided by the solver
    cache = str(tmp_path / "atlas.json")
    first = claims_atlas(shapes=((2, 2),), budget_seconds=300, cache=cache)
    assert first["computed"] == 96 and first["not_run"] == 0
    cells = {(r["claim"], r["timing"], r["selection"], r["sharing"], r["tie"]): r for r in first["rows"]}
    assert all(r["verdict"] == "holds" for k, r in cells.items() if k[0] == "optimum-reachable")
    mg = cells[("members-gain", "stackelberg", "pessimistic", "equal", None)]
    assert mg["verdict"] == "fails" and Fraction(mg["margin"]) > 0
    again = claims_atlas(shapes=((2, 2),), budget_seconds=300, cache=cache)
    assert again["cached"] == 96 and again["computed"] == 0 and again["rows"] == first["rows"]
    text, doc = atlas_section(str(tmp_path), shapes=((2, 2),), cache=cache)  # complete, from the cache
    assert "## Claims atlas" in text and "a fixed set of 96 cells (shapes 2x2)" in text
    assert doc["atlas"]["cached"] == 96 and doc["atlas"]["rows"] == first["rows"] and (tmp_path / "atlas.json").exists()



def test_a_formula_met_again_is_not_solved_again_and_a_different_one_is():
    """optimum-reachable does not read the sharing rule: its 2x2x2 failure formula is one SMT-LIB text for
    the three rules, so the second prove reuses z3's answer (a note says so) and verifies the same
    counterexample for its own parameters (the certificate names lump_sum); members-gain's formula
    differs with the premises (symmetric and generic make it vacuous: W(0,1) = W(1,0)), so it is
    solved again and gives the other answer."""
    prove = _z3()
    from contract_theory.search.encoding import failure_formula
    from contract_theory.search.prove import clear_answers, smt2

    clear_answers()  # as in a new process: earlier tests may have decided these formulas

    base = {"k": 2, "timing": "nash", "selection": "pessimistic"}
    texts = {s: smt2(failure_formula("optimum-reachable", (2, 2, 2), {**base, "sharing": s})[1], 24, False)
             for s in ("equal", "lump_sum")}
    assert texts["equal"] == texts["lump_sum"]
    first = prove("optimum-reachable", 3, 2, params={**base, "sharing": "equal"})
    second = prove("optimum-reachable", 3, 2, params={**base, "sharing": "lump_sum"})
    assert first.verdict == second.verdict == "fails" and first.margin == second.margin == Fraction(1, 2)
    assert second.counterexample["certificate"]["game"] == first.counterexample["certificate"]["game"]
    assert second.counterexample["certificate"]["claim"]["parameters"]["sharing"] == "lump_sum"
    assert "decided earlier in this process" in second.solver["tried"][-1]["result"]
    assert prove("members-gain", 2, 2).verdict == "fails"
    vacuous = prove("members-gain", 2, 2, assuming=["symmetric", "generic"])  # same claim, other premises
    assert vacuous.verdict == "holds" and vacuous.vacuous
    assert not any("decided earlier" in t["result"] for t in vacuous.solver["tried"])


def test_an_answer_cut_short_by_the_time_limit_is_not_remembered():
    """A 1 ms limit leaves 2x2x2 stable-is-best undecided (z3 needs tens of milliseconds); the same cell
    with time to spare is then solved, not answered 'unknown' from memory."""
    prove = _z3()
    from contract_theory.search.prove import clear_answers

    clear_answers()
    params = {"timing": "stackelberg", "selection": "optimistic", "sharing": "equal", "tie": "outside"}
    cut = prove("stable-is-best", 3, 2, params=params, timeout=0.001)
    if cut.verdict != "unknown":
        pytest.skip("z3 decided the cell within 1 ms on this machine")
    full = prove("stable-is-best", 3, 2, params=params)
    assert full.verdict == "fails" and full.margin == Fraction(1)  # tests/data/atlas-reference.json
    assert not any("decided earlier" in t["result"] for t in full.solver["tried"])
