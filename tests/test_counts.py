"""The encoding of symmetric games by counts (``contract_theory.search.counts``).

Cross-checks: the counts failure formula against the dense one restricted to symmetric games
(N = 2, 3, every timing, selection, sharing and K); a symmetric N = 6 claim decided by counts and
the same claim at N = 3 agreeing with the dense encoding; counterexamples re-evaluated by the
compact coalition engine; the linear public goods closed form W_k = N e + (r - 1) k e.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest

from contract_theory.contracting.coalitions.compact import CompactBloc
from contract_theory.contracting.coalitions.partial_contracts import partial_contract_study
from contract_theory.contracting.coalitions.rules import Rules
from contract_theory.errors import ParameterError
from contract_theory.games.compact_library import public_goods_compact
from contract_theory.search.claims import claim_parameters, get_claim
from contract_theory.search.counts import (
    CountEncoding,
    compact_verdict,
    count_failure_formula,
    prove_symmetric,
    restrict_dense,
    symmetric_game,
)
from contract_theory.search.encoding import EncodingError, failure_formula
from contract_theory.search.prove import smt2


def _sat(f, size) -> str:
    import z3

    s = z3.Solver()
    s.add(z3.parse_smt2_string(smt2(f, size, False)))
    return str(s.check())


def _cases():
    for claim in ("optimum-reachable", "welfare-rises", "members-gain"):
        for n in (2, 3):
            for timing, sel, sharing in itertools.product(("stackelberg", "nash"), ("pessimistic", "optimistic"),
                                                          ("equal", "lump_sum")):
                if claim == "members-gain" or sharing == "equal":
                    for k in range(2, n + 1):
                        yield claim, n, {"k": k, "timing": timing, "selection": sel, "sharing": sharing}


def test_counts_agree_with_the_dense_encoding_restricted_to_symmetric_games():
    """For every parameter combination at N = 2, 3 (two actions) the dense failure formula with
    x[p, i] := f(p_i, others' counts) and the counts formula are both satisfiable or both not.
    Both verdicts occur (the check is not vacuous)."""
    seen = set()
    for claim, n, params in _cases():
        p = claim_parameters(get_claim(claim), n, params)
        _, dense, _ = failure_formula(claim, (2,) * n, p)
        enc, counts = count_failure_formula(claim, n, 2, p)
        a, b = _sat(restrict_dense(dense, n, 2), enc.size), _sat(counts, enc.size)
        assert a == b, (claim, n, params)
        seen.add(a)
    assert seen == {"sat", "unsat"}


def test_symmetric_n6_claim_by_counts_agrees_with_dense_at_n3():
    """members-gain with lump-sum sharing and optimistic selection holds for every symmetric game
    at N = 3 in the dense encoding restricted to symmetric games, and by counts at N = 3 and N = 6;
    with pessimistic selection it fails at both N, and the N = 6 counterexample fails in the compact
    engine (an independent oracle)."""
    params = {"k": 2, "selection": "optimistic", "sharing": "lump_sum"}
    p3 = claim_parameters(get_claim("members-gain"), 3, params)
    _, dense, _ = failure_formula("members-gain", (2, 2, 2), p3)
    assert _sat(restrict_dense(dense, 3, 2), 6) == "unsat"
    assert prove_symmetric("members-gain", 3, 2, params=params).verdict == "holds"
    r6 = prove_symmetric("members-gain", 6, 2, params={**params, "k": 5})
    assert r6.verdict == "holds" and r6.solver["encoding"]["variables"] == 12
    pess = {"k": 2, "sharing": "lump_sum"}
    r3 = prove_symmetric("members-gain", 3, 2, params=pess)
    assert r3.verdict == "fails" and "certificate" in r3.counterexample  # re-verified by the dense certificate code
    r6 = prove_symmetric("members-gain", 6, 2, params={**pess, "k": 5})
    assert r6.verdict == "fails"
    vals = [Fraction(v) for v in r6.counterexample["symmetric"]["unknowns"].values()]
    p6 = claim_parameters(get_claim("members-gain"), 6, {**pess, "k": 5})
    assert compact_verdict("members-gain", symmetric_game(6, 2, vals), p6) is False


@pytest.mark.parametrize("claim", ["optimum-reachable", "welfare-rises", "members-gain"])
def test_n8_is_decided_within_a_minute(claim):
    r = prove_symmetric(claim, 8, 2, params={"k": 7}, timeout=60)
    assert r.verdict == "fails" and r.elapsed < 60
    assert r.counterexample["symmetric"]["margin"] == "positive"


def test_public_goods_closed_form_by_counts():
    """Linear public goods (contribute e or not; the pot times r is shared by all N): a k-bloc
    contributes once k r > N (its members' share of their own contribution, k r e / N, exceeds the
    k e they put in); outsiders free-ride, so W_k = N e + (r - 1) k e then, and N e before.
    N = 6, r = 8/5, e = 20: W_2 = W_3 = 120, W_4 = 168, W_5 = 180, W_6 = 192.  The outcome the
    counts encoding selects (its formulas evaluated at the game's count unknowns) and the compact
    engine both give these numbers."""
    from contract_theory.search.counts import count_claims
    from contract_theory.search.encoding import holds_at

    n, e, r = 6, 20, Fraction(8, 5)
    g = public_goods_compact(n, "8/5", e)
    enc = CountEncoding(n, 2)
    vals = [g.payoff(0, a, ((c[0] + (a == 0), c[1] + (a == 1)),)) for a in range(2) for c in enc.contexts]
    a = partial_contract_study(CompactBloc(symmetric_game(n, 2, vals)), n, Rules())
    c = count_claims(n, 2, (("k", n), ("timing", "stackelberg"), ("selection", "pessimistic"), ("sharing", "equal")))
    expected = {2: 120, 3: 120, 4: 168, 5: 180, 6: 192}
    for k in range(2, n + 1):
        closed = n * e + ((r - 1) * k * e if k * r > n else 0)
        assert closed == expected[k] == a.outcomes[(k,)].welfare
        chosen = [q for q, f in c.oc[k].items() if holds_at(enc, f, vals)]
        assert len(chosen) == 1
        assert sum(int(w) * v for w, v in zip(c.Wq(chosen[0]), vals)) == closed


def test_claims_the_counts_do_not_record_are_refused():
    with pytest.raises(EncodingError, match="no encoding by counts"):
        count_failure_formula("outsiders-gain", 4, 2, {"k": 2, "timing": "stackelberg", "selection": "pessimistic",
                                                        "sharing": "equal"})
    with pytest.raises(EncodingError, match="sharing none"):
        count_failure_formula("members-gain", 4, 2, {"k": 2, "timing": "stackelberg", "selection": "pessimistic",
                                                      "sharing": "none"})
    with pytest.raises(ParameterError, match="payoff unknowns"):
        symmetric_game(3, 2, [1, 2])
    with pytest.raises(EncodingError, match="above 2000"):
        CountEncoding(60, 3)


@pytest.mark.parametrize("timing", ["stackelberg", "nash"])
@pytest.mark.parametrize("selection", ["pessimistic", "optimistic"])
def test_grouped_optimum_reachable_equals_the_two_way_form(timing, selection):
    """optimum-reachable by counts is written per outcome group, every selection positive; it must be
    the same set of games as the two-way form "some outcome is reached, and each reached outcome q
    has (not selected(q) or W(q) below the optimum)" (z3: the two formulas never differ), N = 4, K = 3."""
    import z3

    from contract_theory.search.counts import CountClaims, _unreached
    from contract_theory.search.encoding import conjunction, disjunction, gt, negate

    c = CountClaims(CountEncoding(4, 2), {"k": 3, "timing": timing, "selection": selection, "sharing": "equal"})
    enc = c.enc
    below = {p: disjunction(gt(enc.W(r), enc.W(p)) for r in enc.profiles if r != p) for p in enc.profiles}
    reached = [(f, b) for b, f in c.nc.items()] + [(f, c.profile(q)) for s in c.sizes for q, f in c.oc[s].items()]
    two_way = conjunction([disjunction(f for f, _ in reached)]
                          + [disjunction([negate(f), below[p]]) for f, p in reached])
    ctx = z3.Context()
    old = z3.And(*z3.parse_smt2_string(smt2(two_way, enc.size, False, "a"), ctx=ctx))
    new = z3.And(*z3.parse_smt2_string(smt2(_unreached(c), enc.size, False, "b"), ctx=ctx))
    s = z3.Solver(ctx=ctx)
    s.add(old != new)
    assert str(s.check()) == "unsat"
    s2 = z3.Solver(ctx=ctx)
    s2.add(new)
    assert str(s2.check()) == "sat"  # the claim fails at N = 4 (as prove --symmetric says): not vacuous
