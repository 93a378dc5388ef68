"""The aggregate engine (:mod:`contract_theory.equilibria.aggregative`,
:mod:`contract_theory.contracting.coalitions.aggregative`) on Cournot and the commons.

Two kinds of evidence (issue 28, item 4):

* closed forms at N = 4 derived by hand below (equilibria, optimum, no-contract outcome under both
  selections, coalition outcomes under both timings), asserted on the engine itself, on the public
  API and on the dense solver of the same game;
* agreement of three independent engines on every combination of the rules (timing x selection x
  sharing x tie = 48) at N = 3 and 4, for K = N and K < N: the aggregate engine (DP over partial
  sums), the counts engine (count matrices; the aggregate engine switched off) and the dense engine
  (``to_dense()`` and :func:`~contract_theory.contracting.coalitions.partial_contracts.partial_contract_analysis`).
"""

import itertools
from fractions import Fraction as F

import pytest

from contract_theory import Rules, api
from contract_theory.contracting.coalitions import compact as coalitions_compact
from contract_theory.contracting.coalitions.aggregative import aggregate_nash, aggregate_stackelberg
from contract_theory.contracting.coalitions.partial_contracts import partial_contract_analysis
from contract_theory.contracting.coalitions.rules import SELECTIONS, SHARINGS, TIES, TIMINGS
from contract_theory.contracting.protocol import compact_checks
from contract_theory.equilibria import compact as equilibria_compact
from contract_theory.equilibria.aggregative import aggregate_form
from contract_theory.equilibria.pure import pure_nash_solve
from contract_theory.equilibria.welfare import optimum
from contract_theory.games.compact_library import commons_compact, cournot_compact

ALL_RULES = list(itertools.product(TIMINGS, SELECTIONS, SHARINGS, TIES))


def counts_of(profile, m):
    return (tuple(sum(1 for a in profile if a == b) for b in range(m)),)


def dense_equilibria(game):
    m = game.n_actions[0]
    return sorted({counts_of(p, m) for p in pure_nash_solve(game.to_dense()).equilibria})


# ---------------------------------------------------------------------------- Cournot, N = 4, by hand
# u_i = q_i (12 - Q), q_i in {2, 3} (a = 12, c = 0: the price never reaches its kink at 0 since Q <= 12).
# With j firms on 3, Q = 8 + j.
#   A firm on 2 is content iff 2 (12 - Q) >= 3 (12 - (Q + 1)) = 3 (11 - Q)  <=>  Q >= 9 (a tie at Q = 9).
#   A firm on 3 is content iff 3 (12 - Q) >= 2 (12 - (Q - 1)) = 2 (13 - Q)  <=>  Q <= 10 (a tie at Q = 10).
#   So the equilibria are j = 1 (Q = 9) and j = 2 (Q = 10): count vectors (3, 1) and (2, 2).
#   Welfare Q (12 - Q): 27 at Q = 9, 20 at Q = 10; the optimum over Q in 8..12 is Q = 8, W* = 32, (4, 0).
#   No contract: pessimistic (2, 2), W = 20, payoffs 2*2 = 4 and 3*2 = 6; optimistic (3, 1), W = 27, 6 and 9.
# Stackelberg bloc of 3 (members' total Qm in 6..9, one outsider): the outsider on 2 earns 2 (10 - Qm),
#   on 3 earns 3 (9 - Qm): it plays 3 iff Qm <= 7, 2 iff Qm >= 7 (indifferent at Qm = 7).
#   Bloc value Qm (12 - Q): Qm = 6 -> Q = 9, 18; Qm = 7 -> Q = 9 (21) or Q = 10 (14); Qm = 8 -> Q = 10, 16;
#   Qm = 9 -> Q = 11, 9.  Optimistic: Qm = 7 with the outsider on 2: U = 21, W = 27, members (2, 1),
#   outsider (1, 0).  Pessimistic: Qm = 6: U = 18, W = 27, members (3, 0), outsider (0, 1).
# Stackelberg bloc of 2 (Qm in 4..6; two outsiders content at Q by the rules above):
#   Qm = 4: Qo = 5 (Q = 9, U = 12) or Qo = 6 (Q = 10, U = 8);  Qm = 5: Qo = 4 (Q = 9, U = 15) or Qo = 5
#   (Q = 10, U = 10);  Qm = 6: Qo = 4 (Q = 10, U = 12).  Pessimistic: max(8, 10, 12) = 12 at Qm = 6:
#   members (0, 2), outsiders (2, 0), W = 20.  Optimistic: max(12, 15, 12) = 15 at Qm = 5: members (1, 1),
#   outsiders (2, 0), W = 27.
# Nash bloc of 2: the bloc's best reply to Qo maximizes Qm (12 - Qm - Qo): Qm = 4 for Qo in 4..6
#   (Qo = 4: 16 > 15 > 12; Qo = 5: 12 > 10 > 6; Qo = 6: 8 > 5 > 0).  Q = 8 leaves the outsiders on 2
#   discontent; Q = 9 (Qo = 5, U = 12, W = 27) and Q = 10 (Qo = 6, U = 8, W = 20) are equilibria.
#   Pessimistic U = 8, W = 20; optimistic U = 12, W = 27.
def cournot4():
    return cournot_compact(4, grid=(2, 3))


# ---------------------------------------------------------------------------- commons, N = 4, by hand
# u_i = x_i (6 - X)/6, x_i in {0, 1, 2}; counts (n0, n1, n2), X = n1 + 2 n2 in 0..8.  Scaled by 6:
#   on 0: 0; deviating to 1 earns 5 - X, to 2 earns 2 (4 - X)            -> content iff X >= 5;
#   on 1: 6 - X; to 0 earns 0, to 2 earns 2 (5 - X)                       -> content iff 4 <= X <= 6;
#   on 2: 2 (6 - X); to 0 earns 0, to 1 earns 7 - X                       -> content iff X <= 5.
#   Content sets A(X): {2} for X <= 3, {1, 2} at 4, {0, 1, 2} at 5, {0, 1} at 6, {0} above.
#   Four players: X = 4 on {1, 2}: (0, 4, 0);  X = 5: (0, 3, 1) and (1, 1, 2);  X = 6 on {0, 1}: none.
#   Welfare X (6 - X)/6: 4/3 at X = 4, 5/6 at X = 5; optimum at X = 3: 3/2, by (1, 3, 0) and (2, 1, 1).
#   No contract: pessimistic W = 5/6, tied (0, 3, 1) and (1, 1, 2), the smallest profile 0 1 2 2 is
#   (1, 1, 2) with payoffs 0, 1/6, 1/3; optimistic (0, 4, 0), W = 4/3, payoff 1/3 each.
# Stackelberg bloc of 2 (Zm in 0..4; two outsiders with Zo reachable on A(Zm + Zo)):
#   Zm = 0: X = 4 (U 0);  Zm = 1: X = 4 (U 1/3) or 5 (U 1/6);  Zm = 2: X = 4 (U 2/3, W 4/3) or 5 (U 1/3);
#   Zm = 3: X = 5 (U 1/2);  Zm = 4: X = 5 (U 2/3, W 5/6) or 6 (U 0).
#   Pessimistic: worst per Zm 0, 1/6, 1/3, 1/2, 0 -> Zm = 3: members (0, 1, 1), outsiders at Zo = 2 on
#   {0, 1, 2}: (0, 2, 0) or (1, 0, 1), the smallest profile (1, 0, 1); U = 1/2, W = 5/6.
#   Optimistic: best per Zm 0, 1/3, 2/3, 1/2, 2/3 -> U = 2/3 at Zm = 2 (W = 4/3) and Zm = 4 (W = 5/6);
#   optimistic takes W = 4/3: members with Zm = 2 (h = 0: the smallest profile) (1, 0, 1), outsiders
#   (0, 2, 0) at X = 4.
def commons4():
    return commons_compact(4, 6, (0, 1, 2))


def test_cournot_closed_form_at_four():
    g = cournot4()
    form = aggregate_form(g)
    assert form is not None and form.z == (0, 1)
    assert form.equilibria(100) == (((2, 2),), ((3, 1),)) and form.n_equilibria() == 2
    assert form.n_equilibria(profiles=True) == 4 + 6  # C(4, 1) + C(4, 2) firm assignments
    assert dense_equilibria(g) == [((2, 2),), ((3, 1),)]
    assert equilibria_compact._compact_optimum(g) == (F(32), (((4, 0),),))
    assert optimum(g.to_dense())[0] == 32
    for sel, counts, welfare, runs in (("pessimistic", (2, 2), 20, ((F(4), 2), (F(6), 2))),
                                       ("optimistic", (3, 1), 27, ((F(6), 3), (F(9), 1)))):
        base = api.no_contract_outcome(g, Rules(selection=sel))
        assert (base.counts, base.welfare, base.runs) == ((counts,), welfare, (runs,))
    expect = {("stackelberg", "optimistic", 3): (21, 27, (2, 1), (1, 0)),
              ("stackelberg", "pessimistic", 3): (18, 27, (3, 0), (0, 1)),
              ("stackelberg", "pessimistic", 2): (12, 20, (0, 2), (2, 0)),
              ("stackelberg", "optimistic", 2): (15, 27, (1, 1), (2, 0))}
    for (timing, sel, k), (u, w, mem, out) in expect.items():
        c = aggregate_stackelberg(form, k, sel)
        assert [(x.bloc, x.welfare, x.outcome) for x in c.candidates] == [(u, w, ((mem,), (out,)))]
        o = api.coalition_outcome(g, [k], Rules(timing=timing, selection=sel))
        assert (o.bloc_value, o.welfare, o.members, o.outsiders) == (u, w, (mem,), (out,))
        d = api.coalition_outcome(g.to_dense(), range(k), Rules(timing=timing, selection=sel))
        assert (d.bloc_value, d.welfare) == (u, w)
    for sel, u, w in (("pessimistic", 8, 20), ("optimistic", 12, 27)):
        c = aggregate_nash(form, 2, sel)
        assert {(x.bloc, x.welfare) for x in c.candidates} == {(u, w)}
        d = api.coalition_outcome(g.to_dense(), [0, 1], Rules(timing="nash", selection=sel))
        assert (d.bloc_value, d.welfare) == (u, w)


def test_commons_closed_form_at_four():
    g = commons4()
    form = aggregate_form(g)
    assert form is not None and form.z == (0, 1, 2)
    assert [form.content_set(x) for x in range(9)] == [(2,)] * 4 + [(1, 2), (0, 1, 2), (0, 1), (0,), (0,)]
    assert form.equilibria(100) == (((0, 3, 1),), ((0, 4, 0),), ((1, 1, 2),))
    assert dense_equilibria(g) == [((0, 3, 1),), ((0, 4, 0),), ((1, 1, 2),)]
    assert equilibria_compact._compact_optimum(g) == (F(3, 2), (((1, 3, 0),), ((2, 1, 1),)))
    assert optimum(g.to_dense())[0] == F(3, 2)
    pess = api.no_contract_outcome(g, Rules(selection="pessimistic"))
    assert (pess.counts, pess.welfare, pess.runs) == (((1, 1, 2),), F(5, 6), (((0, 1), (F(1, 6), 1), (F(1, 3), 2)),))
    opt = api.no_contract_outcome(g, Rules(selection="optimistic"))
    assert (opt.counts, opt.welfare, opt.runs) == (((0, 4, 0),), F(4, 3), (((F(1, 3), 4),),))
    for sel, (u, w, mem, out) in (("pessimistic", (F(1, 2), F(5, 6), (0, 1, 1), (1, 0, 1))),
                                  ("optimistic", (F(2, 3), F(4, 3), (1, 0, 1), (0, 2, 0)))):
        c = aggregate_stackelberg(form, 2, sel)
        assert [(x.bloc, x.welfare, x.outcome) for x in c.candidates] == [(u, w, ((mem,), (out,)))]
        o = api.coalition_outcome(g, [2], Rules(selection=sel))
        assert (o.bloc_value, o.welfare, o.members, o.outsiders) == (u, w, (mem,), (out,))
        d = api.coalition_outcome(g.to_dense(), [0, 1], Rules(selection=sel))
        assert (d.bloc_value, d.welfare) == (u, w)


# ---------------------------------------------------------------------------- three engines, every rule
GAMES = {
    "cournot n=3 grid 0,2,3,4,6": lambda: cournot_compact(3),
    "cournot n=4 grid 2,3": cournot4,
    "cournot n=4 a=10 c=1 grid 1,2,4": lambda: cournot_compact(4, a=10, c=1, grid=(1, 2, 4)),
    # the price reaches 0: the outsiders' continuations tie across totals (U = W = 0), so the smallest
    # profile is chosen among several totals
    "cournot n=3 a=3 grid 0,2,3": lambda: cournot_compact(3, a=3, grid=(0, 2, 3)),
    "cournot n=4 a=3 grid 1,2,3": lambda: cournot_compact(4, a=3, grid=(1, 2, 3)),
    "commons n=3 capacity 12": lambda: commons_compact(3),
    "commons n=4 capacity 6 grid 0,1,2": commons4,
    "commons n=4 capacity 7 grid 0,1,3": lambda: commons_compact(4, 7, (0, 1, 3)),
}


@pytest.fixture
def counts_engine(monkeypatch):
    """Switch the aggregate engine off: every caller falls back to count matrices."""
    def off(game):
        return None
    for mod in (coalitions_compact, equilibria_compact, compact_checks):
        monkeypatch.setattr(mod, "aggregate_form", off)
    return monkeypatch


def outcome_fields(o):
    return (o.members, o.outsiders, o.member_runs, o.raw_member_runs, o.outsider_runs, o.bloc_value, o.welfare,
            o.members_accept, o.gains, o.complete)


def summary(a):
    """Everything a compact study reports, except notes (which name the engine)."""
    nc = a.no_contract
    return {
        "optimum": (a.optimum_welfare, a.optimum_profiles),
        "no_contract": (nc.counts, nc.runs, nc.welfare),
        "curve": a.welfare_curve, "min_k": a.min_k_for_optimum,
        "price": (a.price_of_partial_contracting, a.price_measure), "complete": a.complete,
        "outcomes": {s: outcome_fields(o) for s, o in a.outcomes.items()},
        "by_k": {k: None if o is None else outcome_fields(o) for k, o in a.by_k.items()},
        "best": dict(a.best_compositions_by_k),
        "stability": {s: (c.stable, c.internal, c.external) for s, c in a.stability.items()},
        "every_arrangement": a.every_arrangement,
    }


def assert_dense_agrees(cg, a, k, rules):
    """The compact study ``a`` against the dense study of ``cg.to_dense()`` with the same rules and K."""
    b = partial_contract_analysis(cg.to_dense(), k, mixed=False, rules=rules)
    m = cg.n_actions[0]
    assert a.optimum_welfare == b.optimum_welfare
    assert set(a.optimum_profiles) == {counts_of(p, m) for p in b.optimum_profiles}
    assert (a.no_contract.welfare, a.no_contract.payoffs) == (b.no_contract.welfare, b.no_contract.payoffs)
    assert a.no_contract.profile == b.no_contract.profile
    assert a.welfare_curve == b.welfare_curve and a.min_k_for_optimum == b.min_k_for_optimum
    assert a.complete == b.complete
    for size in range(2, k + 1):
        x, y = a.by_k[size], b.by_k[size]
        assert (x is None) == (y is None)
        if x is not None:
            assert (x.coalition, x.profile, x.payoffs, x.bloc_value, x.welfare, x.members_accept, x.gains) == \
                   (y.coalition, y.profile, y.payoffs, y.bloc_value, y.welfare, y.members_accept, y.gains)
    for S, o in b.outcomes.items():
        assert (a.outcomes[(len(S),)].welfare, a.outcomes[(len(S),)].bloc_value) == (o.welfare, o.bloc_value)
    # one type: the canonical coalition of each size is a coalition of the dense game; every arrangement
    # of that size is stable in the dense game iff the compact study says so
    for size in range(1, k + 1):
        verdicts = {chk.stable for S, chk in b.stability.items() if len(S) == size}
        if verdicts:
            assert a.every_arrangement[(size,)] == (verdicts == {True}), size


def assert_ties_reduced(agg, slow):
    """The aggregate engine lists one tied equilibrium per partial sum (the no-contract outcome) or per pair
    of partial sums (a coalition's continuation), the smallest profile among those that share it: a subset
    of the counts engine's ties (stability, which reads the selected outcome per arrangement, is compared
    in full by :func:`summary`)."""
    assert set(agg.no_contract.ties) <= set(slow.no_contract.ties)
    assert agg.no_contract.counts in agg.no_contract.ties
    for s, o in agg.outcomes.items():
        full = slow.outcomes[s].ties
        assert set(o.ties) <= set(full), s
        assert len(o.ties) <= len(full), s


@pytest.mark.parametrize("name", list(GAMES))
def test_aggregate_counts_and_dense_engines_agree_on_every_rule(name, counts_engine):
    cg = GAMES[name]()
    assert aggregate_form(cg) is not None
    n = cg.n_players
    compared = 0
    for k in sorted({n - 1, n}):
        for timing, selection, sharing, tie in ALL_RULES:
            rules = Rules(timing=timing, selection=selection, sharing=sharing, tie=tie)
            counts_engine.undo()
            agg = api.partial_contract_analysis(cg, k, rules)
            assert any("aggregate engine" in note for o in agg.outcomes.values() for note in o.notes)
            fast = summary(agg)
            assert_dense_agrees(cg, agg, k, rules)
            for mod in (coalitions_compact, equilibria_compact, compact_checks):
                counts_engine.setattr(mod, "aggregate_form", lambda game: None)
            slow = api.partial_contract_analysis(cg, k, rules)
            assert not any("aggregate engine" in note for o in slow.outcomes.values() for note in o.notes)
            assert fast == summary(slow), (k, rules)
            assert_ties_reduced(agg, slow)
            compared += 1
    assert compared == 2 * 48


def test_a_lattice_above_the_limit_is_refused_with_its_size():
    """commons:n=1000: (N + 1)(N max z + 1) = 1001 x 4001 = 4,005,001 cells, just above the limit; the counts
    engine then refuses at once, naming both sizes (issue 28: refuse before the work, not after)."""
    from contract_theory.equilibria.aggregative import MAX_LATTICE_CELLS, lattice_cells
    from contract_theory.errors import SizeLimitError

    assert lattice_cells(commons_compact(1000)) == 1001 * 4001 > MAX_LATTICE_CELLS
    assert lattice_cells(cournot_compact(100)) == 101 * 601 and aggregate_form(commons_compact(999)) is not None
    with pytest.raises(SizeLimitError, match=r"would need 4,005,001 lattice cells, above MAX_LATTICE_CELLS=4,000,000"):
        equilibria_compact._compact_pure_equilibria(commons_compact(1000))


# ---------------------------------------------------------------- the estimate before the work (issue 28 item 4)
def test_study_cost_by_hand_and_an_upper_bound_on_the_tables_built():
    """Cournot N = 4, a = 12, grid {2, 3}: offsets z = (0, 1), L = 4 x 1 + 1 = 5 partial sums; content sets
    (derived above: on 2 iff Q >= 9, on 3 iff Q <= 10, Q = 8 + Z) {3} for Z <= 0, {2, 3} for Z = 1, 2, {2}
    for Z >= 3, so S = 3; tables: {0}, {0, 1}, {1} (suffixes add nothing), T = 3.  Held: T (N + 1) L = 75;
    work T N m L = 3 x 4 x 2 x 5 = 120.  Up to K = 4: held + 2 (4 + 1) 5 + (S + 1) L m + 4 (N + 1) L
    = 75 + 50 + 40 + 100 = 265; work + sum_{c=2..4} 6 (c + 1) 5 + 3 x 6 (S + 1) m L (N + 1)
    = 120 + 360 + 3 x 1200 = 4080.  And on real studies the tables the engine builds never exceed T."""
    f = aggregate_form(cournot_compact(4, grid=(2, 3)))
    assert {f.content_set(Z) for Z in range(f.L)} == {(1,), (0, 1), (0,)}
    assert (f.L, f.n_content_sets, f.n_tables) == (5, 3, 3)
    assert f.study_cost(None) == (75, 120) and f.study_cost(4) == (265, 4080)
    for game in (cournot_compact(12), commons_compact(12), cournot_compact(9, a=10, c=1, grid=(1, 2, 4))):
        for timing in TIMINGS:
            form = aggregate_form(game)
            api.partial_contract_analysis(game, game.n_players, Rules(timing=timing))
            assert 0 < len(form._tables) <= form.n_tables


def test_tables_above_the_budget_are_refused_within_a_second():
    """cournot:n=300: lattice offsets 0..6, L = 1801; T = 14 tables of 301 x 1801 = 7,589,414 entries, above
    the default budget of 2**22 = 4,194,304: refused before any table is built, naming size, limit and
    the way out; with a budget above it, the refusal moves to the bloc tables of K = 300."""
    import time

    from contract_theory.errors import SizeLimitError
    from contract_theory.games.size import size_limit

    game = cournot_compact(300)
    start = time.perf_counter()
    with pytest.raises(SizeLimitError) as err:
        api.partial_contract_analysis(game, 300)
    assert time.perf_counter() - start < 1.0
    text = str(err.value)
    assert "14 DP tables of 301 x 1,801 entries" in text and "= 7,589,414 cells" in text
    assert "above the limit of 4,194,304 cells" in text and "--max-entries" in text and "smaller K" not in text
    assert aggregate_form(game)._tables == {}  # nothing built
    with size_limit(8_000_000), pytest.raises(SizeLimitError, match=r"bloc tables up to K = 300: .*= 16,326,065 cells"
                                              r".*choose a smaller K"):
        api.partial_contract_analysis(game, 300)


def test_progress_lines_count_the_coalition_sizes_and_the_arrangements(monkeypatch, capsys):
    """With the thresholds lowered, a study of cournot N = 6 writes the estimate, one line per coalition size
    (5 of them: 2..6) counting those solved, then the stability checks' count; at the default thresholds
    the same study writes nothing."""
    from contract_theory.contracting.coalitions import aggregative as engine

    game = cournot_compact(6)
    api.partial_contract_analysis(game, 6)
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(engine, "PROGRESS_WORK", 1)
    monkeypatch.setattr(engine, "PROGRESS_SECONDS", 0.0)
    api.partial_contract_analysis(cournot_compact(6), 6)
    lines = capsys.readouterr().err.splitlines()
    assert all(line.startswith("contract-theory: aggregate engine: ") and line.endswith(" s)") for line in lines)
    assert "Cournot (n=6, a=12, c=0): the DP tables, the optimum and the no-contract equilibria: about" in lines[0]
    assert "5 coalition sizes up to K = 6: about" in lines[1]
    assert [line.split(": ", 2)[2].split(" (")[0] for line in lines[2:7]] == [
        f"{i} of 5 coalition sizes solved, size {i + 2} next" for i in range(5)]
    assert "5 of 5 coalition sizes solved; stability checks next" in lines[7]
    assert lines[8:] and all("stability: " in line and "coalitions of players arranged" in line for line in lines[8:])
    assert [int(line.split("stability: ")[1].split(" ")[0]) for line in lines[8:]] == list(range(2, len(lines) - 6))


def test_a_long_study_shows_progress_and_stops_at_its_timeout():
    """commons:n=200 --k 200 (about 8.1e9 entry operations estimated, 4,213,260 entries held with
    --max-entries 5000000): the estimate is on stderr at once, then progress lines; --timeout 2 stops
    it with exit status 124 and the timeout line."""
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "contract_theory.cli", "analyze", "commons:n=200", "--k", "200",
                           "--max-entries", "5000000", "--timeout", "2"], capture_output=True, text=True, env=env,
                          timeout=120)
    assert proc.returncode == 124 and time.monotonic() - start < 30
    lines = proc.stderr.splitlines()
    assert "Commons (n=200, capacity=12): 199 coalition sizes up to K = 200: about 8,087,961,330 entry operations, " \
           "4,213,260 entries held" in proc.stderr
    assert "0 of 199 coalition sizes solved, size 2 next" in lines[1]
    assert "timed out after 2 s (--timeout)" in lines[-1]
