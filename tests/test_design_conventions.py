"""`design` under one convention (issues 21 and 30): regression cases with values derived by hand.

Each docstring gives the derivation; the assertions are the hand values, and the design rows
are compared with the plain studies under the same rules.
"""

import functools
import itertools
from fractions import Fraction

import pytest

from contract_theory import Rules
from contract_theory.contracting.coalitions.normal_form import no_contract_outcome
from contract_theory.contracting.coalitions.partial_contracts import partial_contract_analysis
from contract_theory.contracting.coalitions.rules import SELECTIONS, SHARINGS, TIES, TIMINGS
from contract_theory.contracting.modifications.coalition_structures import structure_analysis
from contract_theory.contracting.modifications.design import _OPPOSITE_TIE, design_comparison
from contract_theory.contracting.modifications.observing_contracts import observation_comparison
from contract_theory.contracting.modifications.outsider_payments import PaymentTerms, payments_analysis
from contract_theory.contracting.modifications.recruitment import Admission, recruitment_analysis, recruitment_path
from contract_theory.contracting.modifications.repairs import REPAIR_FUNCTIONS, REPAIRS
from contract_theory.games.library import cournot, n_stag_hunt
from contract_theory.games.loading import load_game

STAG4 = n_stag_hunt(4)
COURNOT4 = cournot(4, a=12, c=0, grid=[2, 3])


def test_observing_outsiders_follows_selection_in_the_four_player_stag_hunt():
    """Issue 30.1.  Stag hunt N = 4, m = 4, stag 4, hare 3; S = {P0, P1} under Nash timing.

    The bloc game (bloc versus outsiders P2, P3, simultaneous) has two pure equilibria:
    all Stag (bloc total 8, outsiders 4 > 3 from Hare, welfare 16) and all Hare (bloc total
    6 = its best against two hare hunters, outsiders 3 > 0 from Stag, welfare 12).  No other
    profile is one (a lone stag hunter gets 0 < 3).  Pessimistic selection takes the worst
    equilibrium for the bloc, all Hare: welfare 12, as the plain Nash-timing coalition does;
    optimistic takes all Stag: 16.
    """
    pess = observation_comparison(STAG4, [0, 1], selection="pessimistic")
    opt = observation_comparison(STAG4, [0, 1], selection="optimistic")
    assert pess.welfare == {"members": Fraction(12), "all": Fraction(12)}
    assert pess.selected["all"] == (1, 1, 1, 1)
    assert opt.welfare == {"members": Fraction(16), "all": Fraction(16)}
    assert partial_contract_analysis(STAG4, 2, Rules(timing="nash")).w_k == 12


def test_recruitment_uses_every_start_when_the_no_contract_outcome_is_not_symmetric():
    """Issue 30.2.  Cournot N = 4, a = 12, c = 0, q_i in {2, 3}, u_i = q_i (12 - Q); K = 3, lump sum.

    No contract (pessimistic): the equilibria are one firm at 3 (welfare 27) and two at 3,
    (2, 2, 3, 3) with payoffs (4, 4, 6, 6), welfare 20 (a 3-firm gets 6 either way; a 2-firm
    gets 4 > 3); pessimistic takes 20.  Stackelberg, pessimistic:
    {P0, P1} or {P0, P2} commit to (3, 3) with the outsiders at (2, 2): bloc 12 (the other
    commitments give at worst 8 and 10).  {P0, P1, P2} commit to (2, 2, 2), the outsider plays
    3: bloc 18, welfare 27.  Lump sum gives each member its no-contract payoff plus an equal
    share of the surplus.  From {P0, P1} (baseline 4 + 4, total 12): admitting P2 gives P0 and
    P1 4 + 4/3 each, 32/3 < 12, no (P3 alike): stop, welfare 20.  From {P0, P2} (baseline
    4 + 6, total 12): admitting P1 gives them 10 + 8/3 = 38/3 > 12 and P1 16/3 >= 4 as an
    outsider: admitted; admitting P3 only 10 + 4/3.  So {P0, P1, P2}, welfare 27.
    """
    rules = Rules(sharing="lump_sum")
    assert no_contract_outcome(COURNOT4).profile == (0, 0, 1, 1)
    assert recruitment_path(COURNOT4, [0, 1], rules, k=3).outcome.welfare == 20
    p = recruitment_path(COURNOT4, [0, 2], rules, k=3)
    assert p.path == ((0, 2), (0, 1, 2)) and p.outcome.welfare == 27
    a = recruitment_analysis(COURNOT4, 3, rules)
    assert a.curve.w_k == 27 == recruitment_analysis(COURNOT4, 3, rules, use_symmetry=False).curve.w_k
    assert len(a.paths) == 6


def _design_json(spec: str, *flags: str) -> dict:
    import contextlib
    import io
    import json

    from contract_theory.cli import main as cli_main

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        rc = cli_main(["design", spec, *flags, "--format", "json"])
    assert rc in (0, None)
    return json.loads(buf.getvalue())


def test_payments_row_of_ten_player_public_goods_matches_the_hand_value():
    """public_goods n=10, r=3, e=1, K=3, pessimistic selection, equal sharing.

    By hand: u_i = e - c_i + (r/n) sum_j c_j. Contributing costs an outsider 1 - 3/10 = 7/10, so
    the bloc pays each of the 7 outsiders 7/10: cost 49/10 (an infimum under pessimistic selection,
    where an exactly indifferent outsider does not comply). The members keep their endowment (a unit
    returns them only 9/10): they get 3 (1 + 21/10) = 93/10 gross, 93/10 - 49/10 = 22/5 net against 3
    with no contract, a gain of 7/5. Each outsider gets 21/10 + 7/10 - 1 = 9/5 more: 63/5 in all.
    Welfare (transfers cancel): 93/10 + 7 * 21/10 = 24 < W* = 30, and the binding reason is the
    members' own marginal gain (9 at the optimum against 93/10 by not contributing).
    """
    d = _design_json("public_goods:n=10,r=3,e=1", "--k", "3")
    row = next(r for r in d["modifications"] if r["name"] == "payments to outsiders")
    assert (row["welfare"], row["cost"], row["members_gain"], row["outsiders_gain"]) == ("24", "49/10", "7/5", "63/5")
    assert row["cost_attained"] is False
    assert row["coalition_names"] == ["P0", "P1", "P2"]
    binding = row["diagnosis"]["binding"][0]
    assert (binding["code"], binding["here"], binding["there"]) == ("members", "9", "93/10")
    assert Fraction(row["welfare"]) < 30
    # every row answered, none refused
    assert all(r["status"] == "computed" for r in d["modifications"])


# ------------------------------------------------------------------ every design row against its plain study
# Issue 30: "Every `design` row is compared with the matching plain study under the same rules."
# Each row is recomputed from the study a user would run on its own (analyze, the modification's
# own analysis, recruitment from every start without the symmetry shortcut, each repair on a
# fresh table at every k' <= K), never from the design module's shared context, so a row that
# drops a rule (selection, sharing, tie or timing) disagrees with its study on some game below.
# The games: the four-player stag hunt (selection changes every welfare: 12 against 16),
# Cournot N = 4 on {2, 3} at K = 2 and 3 (sharing changes recruitment, 20 against 27, and
# stability), public goods N = 4.  Every timing x selection x sharing combination, with the
# stability tie rotating through the four rules so that each tie meets both timings and both
# selections (the tie only enters stability, i.e. the baseline's stable welfare and the repairs).


# (spec, K, whether the rules change some row): public goods has a dominant strategy for every player
# (a unit returns r/n < 1 to its giver) and no tie, so every rule gives its one outcome (80; payments 104)
_GAMES = [("n_stag_hunt:n=4", 2, True), ("cournot:n=4,grid=2|3", 2, True), ("cournot:n=4,grid=2|3", 3, True),
          ("public_goods:n=4", 2, False)]
_COMBOS = [Rules(timing=t, selection=s, sharing=h, tie=TIES[i % len(TIES)])
           for i, (t, s, h) in enumerate(itertools.product(TIMINGS, SELECTIONS, SHARINGS))]


@functools.cache
def _observed(game, k: int, selection: str) -> tuple[Fraction | None, ...]:
    """observation_comparison's welfare (observing everyone) of every coalition of 2..K members; it
    depends on the selection only, so it is computed once per selection (most of this test's time)."""
    return tuple(observation_comparison(game, S, selection=selection).welfare["all"]
                 for s in range(2, k + 1) for S in itertools.combinations(range(game.n_players), s))


def _stable_welfare(a) -> Fraction | None:
    """analyze's best stable welfare: the best W(S) over its stable coalitions, else no contract."""
    stable = [a.outcomes[S].welfare for S in a.stable_coalitions if a.outcomes[S].welfare is not None]
    return max(stable) if stable else a.no_contract.welfare


def _repair_min_k(game, k: int, rules: Rules, name: str) -> int | None:
    """The smallest k' <= K at which the repair, run on its own (a fresh table), reaches W*."""
    return next((kk for kk in range(2, k + 1) if REPAIR_FUNCTIONS[name](game, kk, rules).reaches_optimum), None)


def _expected_rows(game, k: int, rules: Rules) -> dict[str, dict]:
    """Each row's welfare, smallest k and reference values from the plain studies (module comment above)."""
    n = game.n_players
    plain = {t: partial_contract_analysis(game, k, rules.replace(timing=t)) for t in TIMINGS}
    a, nash, stack = plain[rules.timing], plain["nash"], plain["stackelberg"]
    pess = rules.selection == "pessimistic"
    # payments: Stackelberg; pessimistic selection = an indifferent outsider does not comply (strict offers,
    # the infimum as the margin -> 0+), optimistic = it complies
    terms = (PaymentTerms(indifferent="defect", margin=Fraction(1, game.denominator * (n + 1))) if pess
             else PaymentTerms(indifferent="comply"))
    pay = payments_analysis(game, k, rules.replace(timing="stackelberg"), terms=terms)
    # observing outsiders: the best bloc-game equilibrium that `selection` picks when the contract observes
    # everyone, over every coalition of 2..K members, or no contract; and the plain Nash-timing study
    observed = [w for w in _observed(game, k, rules.selection) if w is not None]
    obs_best = max(observed + [nash.no_contract.welfare])
    # recruitment: every start of two members, growth capped at K, no symmetry shortcut
    rec = max([recruitment_path(game, S, rules, k=k).outcome.welfare for S in itertools.combinations(range(n), 2)]
              + [a.no_contract.welfare])
    flipped = recruitment_analysis(game, k, rules, admission=Admission(incumbent_tie="weak", recruit_tie="strict"),
                                   use_symmetry=False).curve.w_k
    structures = structure_analysis(game, k, rules).curve
    out = {
        "none": {"welfare": a.w_k, "min_k": a.min_k_for_optimum, "stable_welfare": _stable_welfare(a)},
        "payments to outsiders": {"welfare": pay.curve.w_k, "min_k": pay.curve.min_k_for_optimum,
                                  "reference_welfare": None if rules.timing == "stackelberg" else stack.w_k},
        "observing outsiders": {"welfare": obs_best, "min_k": nash.min_k_for_optimum,
                                "reference_welfare": None if rules.timing == "nash" else nash.w_k},
        "several contracts": {"welfare": structures.w_k, "min_k": structures.min_k_for_optimum},
        "recruitment": {"welfare": rec, "tie_welfare": None if flipped == rec else flipped},
    }
    assert obs_best == nash.w_k, (f"{rules.as_dict()}: the bloc-game equilibrium that selection picks when the "
                                  f"contract observes everyone gives {obs_best}, analyze --timing nash {nash.w_k}")
    opposite = rules.replace(tie=_OPPOSITE_TIE[rules.tie])
    for name in REPAIRS:
        w = REPAIR_FUNCTIONS[name](game, k, rules).stable_welfare
        w_flip = REPAIR_FUNCTIONS[name](game, k, opposite).stable_welfare
        out[name] = {"welfare": w, "min_k": _repair_min_k(game, k, rules, name),
                     "tie_welfare": None if w_flip == w else w_flip}
    return out


@pytest.mark.parametrize("spec,k,varies", _GAMES, ids=[f"{s}-k{k}" for s, k, _ in _GAMES])
def test_every_design_row_equals_its_plain_study_under_the_same_rules(spec, k, varies):
    """Issue 30: each row of `design` is the value of the study it names, run on its own under the same rules
    (see the comment above); 12 rule combinations per game, and the rows actually differ across them
    (a selection or sharing that no row listened to would pass vacuously)."""
    game = load_game(spec)
    seen: set[tuple] = set()
    for rules in _COMBOS:
        d = design_comparison(game, k, rules)
        want = _expected_rows(game, k, rules)
        rows = {r.name: r for r in (d.baseline,) + d.modifications}
        assert set(rows) == set(want)
        for name, fields in want.items():
            r = rows[name]
            got = {"welfare": r.welfare, "min_k": r.min_k_for_optimum, "stable_welfare": r.stable_welfare,
                   "reference_welfare": r.reference_welfare, "tie_welfare": r.tie_welfare}
            for f, v in fields.items():
                assert got[f] == v, f"{spec} K={k} {rules.as_dict()}: row {name!r} {f} = {got[f]}, its study {v}"
            if "tie_welfare" in fields:
                assert r.tie_dependent == (fields["tie_welfare"] is not None)
        seen.add(tuple(str(rows[name].welfare) for name in sorted(rows)))
    assert (len(seen) >= 2) == varies, f"{spec}: {len(seen)} distinct sets of rows over the rule combinations"
