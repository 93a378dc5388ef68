"""K-coalitions on Markov games (MODEL.md section 4, Markov part) and the CLI documents.

Hand derivations are in the docstrings (gamma = 9/10 throughout, library defaults).  Independent
cross-checks: the Stackelberg outcome is recomputed by brute force -- one
``mpe_solve(game, players=outsiders, fixed=members' policies)`` per bloc policy on the *original*
game, never the bloc game nor the zero-reward trick the module uses -- and the outsiders' best
responses are re-checked with ``is_mpe``; K = N is compared with the team optimum (policy
iteration, a separate code path).
"""

from __future__ import annotations

import dataclasses
import itertools
import json
from fractions import Fraction as F

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract_theory import Budgets, Rules
from contract_theory.api import all_coalition_outcomes, coalition_outcome, partial_contract_analysis
from contract_theory.contracting.coalitions.partial_contracts import PartialContractAnalysis
from contract_theory.errors import ParameterError, ParseError, SizeLimitError
from contract_theory.games.library import prisoners_dilemma
from contract_theory.games.loading import from_markov_spec, load_game
from contract_theory.markov import (
    cleanup_markov,
    commons_markov,
    evaluate,
    markov_game_from_dict,
    markov_game_to_dict,
    mpe_solve,
    random_markov_game,
    repeated_prisoners_dilemma,
    team_optimum,
    write_markov_game,
)
from contract_theory.markov.coalitions import (
    _markov_no_contract_outcome,
    bloc_game,
    expand_bloc_policy,
    is_symmetric_markov,
)
from contract_theory.markov.mpe import is_mpe
from contract_theory.report.analysis import analysis_json
from contract_theory.report.markov import (
    _markov_analysis_text,
    markov_solve_json,
    markov_solve_text,
)


def rho_values(game, policy):
    V = evaluate(game, policy)
    return [sum(V[i][s] * game.initial[s] for s in range(game.n_states)) for i in range(game.n_players)]


# ------------------------------------------------------------------------------------ bloc game
def test_bloc_game_is_the_original_game_regrouped():
    """Every (state, joint action) of the original game appears in the bloc game with the same
    next-state distribution, the bloc reward = sum of members' rewards, outsiders unchanged."""
    g = random_markov_game(3, 2, [2, 3, 2], seed=5)
    members = (0, 2)
    b = bloc_game(g, members)
    assert b.players == ("P0+P2", "P1") and b.shape == (4, 3)
    for s in range(g.n_states):
        for a in g.joint_actions():
            ba = (a[0] * 2 + a[2], a[1])
            assert list(b.transitions[(s,) + ba]) == list(g.transitions[(s,) + a])
            r = g.rewards[(s,) + a]
            assert tuple(b.rewards[(s,) + ba]) == (r[0] + r[2], r[1])
    assert expand_bloc_policy(g, members, ((3, 1), (2, 0))) == ((1, 0), (2, 0), (1, 1))


# ------------------------------------------------------------------------------------ hand-derived values
def test_cleanup3_pair_lets_the_outsider_clean():
    """cleanup_markov(3): harvest 1 in Clean, 0 in Dirty; cleaning costs 1/4; Clean -> Dirty surely
    when nobody cleans; Dirty -> Clean w.p. 1/2 when someone cleans.

    Stackelberg, pessimistic, S = {0, 1}.  If the pair never cleans, the outsider's best response
    is to clean in Dirty only ((H,H) gives 0, cleaning in Clean costs 1/4 forever): for a member
    V(C) = 1 + 9/10 V(D), V(D) = 9/20 (V(C) + V(D)), so V(D) = 9/11 V(C) and V(C) = 110/29; for the
    outsider V(C) = 1 + 9/10 V(D), V(D) = -1/4 + 9/20 (V(C) + V(D)): V(C) = 65/29.  Bloc value
    220/29 ~ 7.586 beats keeping the river clean itself (one member cleans forever:
    10 - 5/2 = 15/2 = 7.5), so W(S) = 220/29 + 65/29 = 285/29 < W* = 35/2 (one cleaner forever:
    (2 - 1/4)/(1/10)).  Under Nash timing the pessimistic MPE of the bloc game has bloc value 15/2:
    member 1 cleans always, W = 35/2.
    """
    g = cleanup_markov(3)
    o = coalition_outcome(g, [0, 1])
    assert o.policy == ((0, 0), (0, 0), (0, 1))
    assert o.raw_payoffs == (F(110, 29), F(110, 29), F(65, 29))
    assert (o.bloc_value, o.welfare) == (F(220, 29), F(285, 29))
    assert o.values[2] == (F(65, 29), F(-5 + 9 * F(65, 29), 11))   # V(D) = (-5 + 9 V(C)) / 11
    assert team_optimum(g).welfare == F(35, 2)
    n = coalition_outcome(g, [0, 1], rules=Rules(timing="nash"))
    assert (n.policy, n.bloc_value, n.welfare) == (((0, 0), (1, 1), (0, 0)), F(15, 2), F(35, 2))
    # equal sharing: 15/4 each < 110/29 (the no-contract value), so the pair would not sign
    assert n.payoffs[:2] == (F(15, 4), F(15, 4)) and n.members_accept is False
    lump = coalition_outcome(g, [0, 1], rules=Rules(timing="nash", sharing="lump_sum"))
    assert lump.members_accept is False and lump.gains[2] == F(35, 2) - F(285, 29)


def test_cleanup3_analysis_k2_fails_k3_reaches_optimum():
    """Stackelberg pessimistic: W_1 = no-contract welfare 285/29 (the MPE with the lowest welfare:
    P2 cleans the dirty river), W_2 = 285/29 (previous test), W_3 = W* = 35/2; price at K = 2 is
    (35/2)/(285/29) = 203/114.  Stability (tie="inside", equal sharing, K = 3): the grand coalition
    pays 35/6 each, more than an outsider of a pair gets (65/29) -> internally stable, and no
    external check at |S| = K; a pair {0, 2} loses outsider P1, who gets 65/29 < 35/6 by joining;
    so the only stable coalition is {0, 1, 2}."""
    g = cleanup_markov(3)
    a2 = partial_contract_analysis(g, 2)
    assert isinstance(a2, PartialContractAnalysis)
    assert a2.welfare_curve == {1: F(285, 29), 2: F(285, 29)}
    assert a2.min_k_for_optimum is None and a2.price_of_partial_contracting == F(203, 114)
    assert a2.price_measure == "ratio" and a2.w_k == F(285, 29)
    a3 = partial_contract_analysis(g, 3)
    assert a3.welfare_curve[3] == F(35, 2) and a3.min_k_for_optimum == 3
    assert a3.outcomes[(0, 1, 2)].payoffs == (F(35, 6),) * 3
    assert a3.stable_coalitions == [(0, 1, 2)]
    assert a3.no_contract.policy == ((0, 0), (0, 0), (0, 1))
    # Nash timing: the bloc cannot commit, so it cleans itself: W_2 = 35/2 already
    assert partial_contract_analysis(g, 2, rules=Rules(timing="nash")).welfare_curve[2] == F(35, 2)


def test_commons3_nash_pair_stays_greedy():
    """commons_markov(3): Full pays 1 (restrain) / 2 (greedy), Depleted 0 / 1/2; any greedy agent
    depletes Full; Depleted recovers w.p. 1/2 only if all restrain.

    All greedy: V(D) = (1/2)/(1/10) = 5, V(F) = 2 + 9/10 * 5 = 13/2, welfare 39/2.  It is an MPE of
    the bloc game for S = {0, 1}: the bloc restraining in Full gets 2 + 9/10 * 10 = 11 < 13 (the
    outsider still depletes); restraining in Depleted gives 0 and no recovery.  The outsider: 1 + 9/10
    * 5 = 11/2 < 13/2 in Full, 9/10 * 5 < 5 in Depleted.  Pessimistic Nash selection takes it: W_2 =
    39/2 < W* = 30 (all restrain: 3/(1/10)).  With Stackelberg timing the pair commits to restrain and
    the outsider's unique MPE reply is to restrain (greedy in Full: 2 + 9/10 * 90/11 = 103/11 < 10,
    V(D) = 90/11 while the pair restrains), so W_2 = 30."""
    g = commons_markov(3)
    assert _markov_no_contract_outcome(g).welfare == F(39, 2)
    n = coalition_outcome(g, [0, 1], rules=Rules(timing="nash"))
    assert (n.policy, n.bloc_value, n.welfare) == (((1, 1), (1, 1), (1, 1)), F(13), F(39, 2))
    s = coalition_outcome(g, [0, 1])
    assert (s.policy, s.bloc_value, s.welfare) == (((0, 0), (0, 0), (0, 0)), F(20), F(30))
    # the bloc's action in Depleted is never used from Full: four tied bloc policies
    assert len(s.ties) == 4 and all(p[0][0] == p[1][0] == p[2][0] == 0 for p in s.ties)
    a = partial_contract_analysis(g, 3, rules=Rules(timing="nash"))
    assert a.welfare_curve == {1: F(39, 2), 2: F(39, 2), 3: F(30)} and a.min_k_for_optimum == 3
    assert partial_contract_analysis(g, 3).welfare_curve == {1: F(39, 2), 2: F(30), 3: F(30)}


@pytest.mark.parametrize("game", [repeated_prisoners_dilemma(), commons_markov(2), commons_markov(3),
                                  cleanup_markov(2), cleanup_markov(3),
                                  commons_markov(3, greedy=3, depletion="proportional")],
                         ids=["pd", "commons2", "commons3", "cleanup2", "cleanup3", "commons3-prop"])
@pytest.mark.parametrize("timing", ["stackelberg", "nash"])
@pytest.mark.parametrize("selection", ["pessimistic", "optimistic"])
def test_grand_coalition_reaches_team_optimum(game, timing, selection):
    """With S = N there are no outsiders: the bloc solves the team MDP, so W(N) = W*."""
    o = coalition_outcome(game, range(game.n_players), rules=Rules(timing=timing, selection=selection))
    assert o.welfare == team_optimum(game).welfare == o.bloc_value


def test_symmetric_transport_matches_direct_solve():
    g = cleanup_markov(3)
    assert is_symmetric_markov(g) and not is_symmetric_markov(random_markov_game(3, 2, 2, seed=2))
    fast = all_coalition_outcomes(g, 3)
    slow = all_coalition_outcomes(g, 3, use_symmetry=False)
    for S in slow:
        assert fast[S].welfare == slow[S].welfare and fast[S].payoffs == slow[S].payoffs
        assert fast[S].policy in slow[S].ties


def test_errors():
    g = commons_markov(3)
    with pytest.raises(ParameterError, match="at least 2"):
        coalition_outcome(g, [1])
    with pytest.raises(ParameterError, match="unknown timing"):
        coalition_outcome(g, [0, 1], rules=Rules(timing="late"))
    with pytest.raises(SizeLimitError, match="max_policies=10"):
        coalition_outcome(g, [0, 1], rules=Rules(budgets=Budgets(max_policies=10)))
    with pytest.raises(ParameterError, match="out of range"):
        partial_contract_analysis(g, 4)


# ------------------------------------------------------------------------------------ properties
def brute_stackelberg(game, members, selection):
    """(U_S, W) of the Stackelberg outcome from first principles: for every members' policy, the
    outsiders' MPE of the original game given it, selected by (U_S, W) then the bloc's best."""
    outs = [i for i in range(game.n_players) if i not in members]
    per_member = [list(itertools.product(range(game.shape[m]), repeat=game.n_states)) for m in members]
    pess = selection == "pessimistic"
    best = None
    for choice in itertools.product(*per_member):
        fixed = dict(zip(members, choice))
        keys = []
        for e in mpe_solve(game, players=outs, fixed=fixed) if outs else [None]:
            pol = e.policy if e is not None else tuple(fixed[i] for i in range(game.n_players))
            pay = rho_values(game, pol)
            keys.append((sum(pay[i] for i in members), sum(pay)))
        if not keys:
            continue
        inner = min(keys) if pess else max(keys)
        if best is None or inner[0] > best[0] or (inner[0] == best[0] and (inner[1] < best[1] if pess
                                                                           else inner[1] > best[1])):
            best = inner
    return best


games = st.builds(lambda shape, seed: random_markov_game(len(shape), 2, list(shape), seed=seed, low=-3, high=3),
                  st.sampled_from([(2, 2), (2, 3), (3, 2), (2, 2, 2)]), st.integers(0, 10_000))


@given(games, st.sampled_from(["pessimistic", "optimistic"]), st.data())
def test_stackelberg_matches_brute_force(game, selection, data):
    members = tuple(sorted(data.draw(st.sets(st.integers(0, game.n_players - 1), min_size=2,
                                             max_size=game.n_players))))
    o = coalition_outcome(game, members, rules=Rules(selection=selection))
    brute = brute_stackelberg(game, members, selection)
    if brute is None:
        assert o.policy is None
        return
    assert (o.bloc_value, o.welfare) == brute
    outs = [i for i in range(game.n_players) if i not in members]
    assert is_mpe(game, o.policy, players=outs)              # outsiders play an MPE given the bloc
    assert rho_values(game, o.policy) == list(o.raw_payoffs)
    assert sum(o.payoffs) == o.welfare                         # sharing redistributes only


@given(games, st.sampled_from(["pessimistic", "optimistic"]), st.data())
def test_nash_outcome_is_an_mpe_of_the_bloc_game(game, selection, data):
    members = tuple(sorted(data.draw(st.sets(st.integers(0, game.n_players - 1), min_size=2,
                                             max_size=game.n_players))))
    o = coalition_outcome(game, members, rules=Rules(timing="nash", selection=selection))
    b = bloc_game(game, members)
    eqs = mpe_solve(b)
    if not eqs:
        assert o.policy is None
        return
    expanded = {expand_bloc_policy(game, members, e.policy): e for e in eqs}
    assert o.policy in expanded
    keys = [(sum(rho_values(game, p)[i] for i in members), sum(rho_values(game, p))) for p in expanded]
    assert (o.bloc_value, o.welfare) == (min(keys) if selection == "pessimistic" else max(keys))


@given(games, st.sampled_from(["stackelberg", "nash"]))
def test_w_at_k_equals_n_is_the_optimum(game, timing):
    a = partial_contract_analysis(game, game.n_players, rules=Rules(timing=timing))
    assert a.by_k[game.n_players].welfare == team_optimum(game).welfare == a.optimum_welfare
    assert a.w_k == a.optimum_welfare
    curve = [w for w in a.welfare_curve.values() if w is not None]
    assert curve == sorted(curve)


# ------------------------------------------------------------------------------------ CLI support
def test_load_any_and_specs(tmp_path):
    g = from_markov_spec("commons_markov:n=3,greedy=3,depletion=proportional")
    assert g == commons_markov(3, greedy=3, depletion="proportional")
    path = tmp_path / "g.json"
    write_markov_game(cleanup_markov(2), path)
    assert load_game(str(path)) == cleanup_markov(2)
    assert load_game("repeated_pd:discount=1/2") == repeated_prisoners_dilemma(discount="1/2")
    assert load_game("prisoners_dilemma").shape == (2, 2)
    with pytest.raises(ParseError, match="no parameter 'm'"):
        from_markov_spec("cleanup_markov:m=3")


def test_solve_json():
    """Repeated PD at gamma = 1/2: the only MPE is (D, D), V = 1/(1/2) = 2 each (welfare 4); the
    optimum (C, C) gives 2 * 3/(1/2) = 12; price of anarchy 12/4 = 3."""
    d = markov_solve_json(repeated_prisoners_dilemma(discount="1/2"))
    assert d["mpe"] == [{"policy": {"Row": {"play": "D"}, "Column": {"play": "D"}},
                         "values": {"Row": {"play": "2"}, "Column": {"play": "2"}}, "welfare": "4"}]
    assert d["optimum"]["welfare"] == "12" and d["price_of_anarchy"] == {"mpe": "3"}
    json.dumps(d)
    assert "price of anarchy over MPE: 3" in markov_solve_text(repeated_prisoners_dilemma(discount="1/2"), d)


def test_analysis_json_has_the_normal_form_keys():
    a = partial_contract_analysis(cleanup_markov(3), 3)
    d = analysis_json(a)  # the entry point analyze uses (it adds exact and ties to every kind)
    normal = analysis_json(partial_contract_analysis(prisoners_dilemma(), 2))
    assert set(normal) <= set(d) and {"mpe", "states", "discount"} <= set(d)
    assert set(normal["by_k"][0]) <= set(d["by_k"][0])
    assert d["welfare_curve"] == {"1": "285/29", "2": "285/29", "3": "35/2"}
    assert d["by_k"][0]["profile"]["P2"] == {"Clean": "Harvest", "Dirty": "Clean"}
    assert d["by_k"][1]["welfare"] == "35/2"
    assert sorted(F(e["welfare"]) for e in d["mpe"])[0] == F(285, 29)
    json.dumps(d)
    assert "smallest k reaching W*: 3" in _markov_analysis_text(a)


@pytest.mark.parametrize("scale", [F(10) ** 400, F(1, 10 ** 400)], ids=["huge", "tiny"])
def test_rewards_beyond_float_range(scale):
    """Scaling every reward by c scales every value by c and changes no incentive: the outcome of
    cleanup_markov(3) is the same policy with welfare c * 285/29 (Stackelberg) and c * 35/2 (Nash),
    although c * R overflows / underflows a float."""
    # built through the JSON reader so every Fraction has Python-int parts (the library's arrays hold
    # Fractions of numpy ints, which overflow in gcd at this size); the baseline is passed because
    # mpe_solve's own float prefilter does not handle rewards beyond float range (reported)
    g = markov_game_from_dict(markov_game_to_dict(cleanup_markov(3)))
    big = g.with_rewards(g.rewards * scale)
    base = _markov_no_contract_outcome(g)
    base = dataclasses.replace(base, payoffs=tuple(scale * x for x in base.payoffs), welfare=scale * base.welfare)
    s = coalition_outcome(big, [0, 1], baseline=base)
    assert (s.policy, s.welfare) == (((0, 0), (0, 0), (0, 1)), scale * F(285, 29))
    assert s.members_accept is True and s.gains[2] == 0
    n = coalition_outcome(big, [0, 1], baseline=base, rules=Rules(timing="nash"))
    assert (n.policy, n.welfare) == (((0, 0), (1, 1), (0, 0)), scale * F(35, 2))
