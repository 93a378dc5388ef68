"""Tests of contract_theory.learning (docs/background/model.md#7-learning) and the ``learn`` command.

Every learning test is seeded; the thresholds (>= 90% of runs at the exact prediction) are the
issue's acceptance criteria.  Exact predictions used below, derived by hand:

* Prisoner's dilemma (T, R, P, S) = (5, 3, 1, 0) (Axelrod 1984): D strictly dominates C
  (5 > 3, 1 > 0), so the unique pure NE is (D, D).  Full deviation-penalty contract toward
  (C, C) with psi = 3: a defector pays 3 to the other.  Row's augmented payoffs: (C,C) 3,
  (C,D) 0 + 3 = 3, (D,C) 5 - 3 = 2, (D,D) 1 - 3 + 3 = 1, so C strictly dominates (3 > 2, 3 > 1)
  and the unique NE is (C, C).
* Public goods n = 4, r = 8/5, e = 20, levels {0, 20} (Isaac & Walker 1988): contributing 20
  returns 20 * r / n = 8 to the contributor, so free-riding gains 12 and is strictly dominant.
  A coalition of k members contributing returns 8 k to each member: worth it iff 8k > 20, i.e.
  k >= 3 (k r / n > 1).  Under the penalty contract of {P0, P1, P2} toward contributing,
  contributing is dominant for members (psi > 12) and the outsider P3 still free-rides:
  the unique NE is (20, 20, 20, 0), welfare 3 * 24 + 44 = 116.
"""

from __future__ import annotations

import argparse
import io
import json
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract_theory.cli.commands import learn as learn_cmd
from contract_theory.equilibria.pure import is_pure_nash, pure_nash_solve
from contract_theory.errors import ContractError, ParameterError, SizeLimitError, UnknownPlayerError
from contract_theory.games.library import prisoners_dilemma, public_goods
from contract_theory.games.normal_form import NormalFormGame
from contract_theory.learning.contracted import (
    as_transfers,
    augmented_game,
    bloc_target,
    decide,
    default_psi,
    negotiate,
    parse_voting,
    penalty_contract,
    train_contracted,
)
from contract_theory.learning.experiment import (
    coalitions_of_size,
    load_results,
    plot_learning,
    run_experiment,
    save_results,
)
from contract_theory.learning.qlearning import Boltzmann, EpsilonGreedy, RepeatedGameEnv, train
from contract_theory.learning.schedules import (
    Constant,
    ExponentialDecay,
    LinearDecay,
    PowerDecay,
    check_range,
    parse_schedule,
)

PD = prisoners_dilemma()
PG = public_goods(4, "8/5", 20)
C, D = 0, 1


# ----------------------------------------------------------------------------- schedules
def test_schedule_values_by_hand() -> None:
    assert Constant(0.25).value(10**9) == 0.25
    assert LinearDecay(1.0, 0.2, 4).value([0, 2, 4, 8]).tolist() == [1.0, 0.6, 0.2, 0.2]
    assert LinearDecay(0.0, 1.0, 2).value(1) == 0.5                    # increasing is allowed
    assert ExponentialDecay(2.0, 0.5).value([0, 1, 3]).tolist() == [2.0, 1.0, 0.25]
    assert ExponentialDecay(1.0, 0.5, floor=0.3).value(5) == 0.3
    assert PowerDecay(2.0, 0.5, offset=4).value([0, 5]).tolist() == [1.0, 2.0 / 3.0]
    assert PowerDecay(1.0, 1.0).value(np.arange(6).reshape(2, 3)).shape == (2, 3)
    assert isinstance(Constant(1).value(0), float)


@pytest.mark.parametrize("make, word", [
    (lambda: Constant(-0.1), "c"),
    (lambda: Constant(float("nan")), "c"),
    (lambda: Constant(True), "c"),
    (lambda: LinearDecay(1, 0, 0), "steps"),
    (lambda: LinearDecay(1, 0, 2.5), "steps"),
    (lambda: LinearDecay(1, -1, 3), "end"),
    (lambda: ExponentialDecay(1, 1.5), "decay"),
    (lambda: ExponentialDecay(1, 0), "decay"),
    (lambda: ExponentialDecay(1, 0.5, floor=2), "floor"),
    (lambda: PowerDecay(1, 0), "power"),
    (lambda: PowerDecay(1, 1, offset=0), "offset"),
    (lambda: PowerDecay("x", 1), "scale"),
])
def test_schedule_parameters_validated(make, word) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ParameterError, match=word):
        make()


def test_schedule_steps_validated() -> None:
    with pytest.raises(ParameterError, match=">= 0"):
        Constant(1).value(-1)
    with pytest.raises(ParameterError, match="integers"):
        Constant(1).value(0.5)


def test_parse_schedule() -> None:
    assert parse_schedule("exponential:1,0.9,0.1") == ExponentialDecay(1.0, 0.9, 0.1)
    assert parse_schedule("power:1,0.7") == PowerDecay(1.0, 0.7)
    for bad, why in (("cosine:1", "unknown schedule 'cosine:1'"), ("linear:1,2", "wrong number of parameters"),
                     ("linear:a,b,c", "not a number"), ("x", "unknown schedule 'x'")):
        with pytest.raises(ParameterError, match=why):
            parse_schedule(bad)


def test_schedule_ranges_for_learning() -> None:
    with pytest.raises(ParameterError, match="alpha"):
        train(PD, episodes=2, runs=2, seed=0, alpha=Constant(0.0))
    with pytest.raises(ParameterError, match="above 1"):
        train(PD, episodes=2, runs=2, seed=0, alpha=Constant(1.5))
    with pytest.raises(ParameterError, match="epsilon"):
        EpsilonGreedy(Constant(2.0))
    with pytest.raises(ParameterError, match="temperature"):
        Boltzmann(ExponentialDecay(1.0, 0.5))           # decays to 0: needs a positive floor
    check_range(PowerDecay(1.0, 1.0), "alpha", low=0.0, high=1.0, low_open=True)  # tends to 0, never 0


@given(st.sampled_from([Constant(0.3), LinearDecay(0.9, 0.1, 7), LinearDecay(0.1, 0.8, 3),
                        ExponentialDecay(1.0, 0.8, 0.05), PowerDecay(0.5, 0.6, 2.0)]),
       st.lists(st.integers(0, 10**6), min_size=1, max_size=20))
def test_schedule_values_within_bounds_and_vectorized(s, ts) -> None:  # type: ignore[no-untyped-def]
    lo, hi = s.bounds()
    vals = s.value(np.array(ts))
    assert np.all((vals >= lo - 1e-15) & (vals <= hi + 1e-15))
    assert [s.value(t) for t in ts] == pytest.approx(vals.tolist(), rel=1e-13)  # scalar and vector paths agree


# ----------------------------------------------------------------------------- Q-learning
def test_pd_learners_defect_without_contract() -> None:
    res = train(PD, episodes=1000, runs=200, seed=11)
    assert res.outcome_counts.get((D, D), 0) >= 0.9 * 200
    assert res.welfare_curve.mean[-1] == pytest.approx(2.0, abs=0.2)     # W(D, D) = 2


def test_pd_learners_cooperate_under_full_penalty_contract() -> None:
    pen = penalty_contract(PD, [0, 1], target=("C", "C"), psi=3)
    assert pure_nash_solve(augmented_game(PD, pen)).equilibria == ((C, C),)
    res = train_contracted(PD, pen, episodes=1000, runs=200, seed=12)
    assert res.outcome_counts.get((C, C), 0) >= 0.9 * 200
    assert res.welfare_curve.mean[-1] == pytest.approx(6.0, abs=0.3)     # W(C, C) = 6


def test_pd_boltzmann_learners_agree() -> None:
    expl = Boltzmann(ExponentialDecay(2.0, 0.995, floor=0.05))
    plain = train(PD, episodes=1500, runs=200, seed=3, exploration=expl)
    pen = train_contracted(PD, penalty_contract(PD, [0, 1], ("C", "C"), 3), episodes=1500, runs=200, seed=3,
                           exploration=expl)
    assert plain.outcome_counts.get((D, D), 0) >= 180
    assert pen.outcome_counts.get((C, C), 0) >= 180


def test_public_goods_three_member_coalition_contributes_outsider_free_rides() -> None:
    target = bloc_target(PG, [0, 1, 2])
    assert PG.labels(target) == ("20", "20", "20", "0")
    assert PG.labels(bloc_target(PG, [0, 1])) == ("0", "0", "0", "0")    # k = 2: 2 * 8 < 20
    assert default_psi(PG, [0, 1, 2], target) == 24                     # 2 x the free-riding gain 12
    pen = penalty_contract(PG, [0, 1, 2])
    aug = augmented_game(PG, pen)
    assert pure_nash_solve(aug).equilibria == ((1, 1, 1, 0),)
    assert is_pure_nash(aug, (1, 1, 1, 0)) and not is_pure_nash(PG, (1, 1, 1, 0))
    res = train_contracted(PG, pen, episodes=1000, runs=200, seed=5)
    assert res.outcome_counts.get((1, 1, 1, 0), 0) >= 0.9 * 200
    assert res.welfare_curve.mean[-1] == pytest.approx(116.0, abs=3.0)


def test_q_values_are_sample_means_matching_exact_expected_payoffs() -> None:
    """With uniform play (epsilon = 1) and alpha = 1/(visits+1), Q_i(a) is the average reward of a,
    whose expectation is player i's exact payoff of a against the uniform mix (deviation_payoffs)."""
    res = train(PD, episodes=400, runs=500, seed=8, alpha=PowerDecay(1.0, 1.0), alpha_clock="visits",
                exploration=EpsilonGreedy(Constant(1.0)))
    half = [Fraction(1, 2), Fraction(1, 2)]
    for i in range(2):
        exact = PD.deviation_payoffs([half, half], i)                   # (3/2, 3) for both players
        assert exact == (Fraction(3, 2), Fraction(3))
        got = res.q_values[:, i, 0, :].mean(axis=0)
        # sd of one run's average over ~200 plays is <= 2.5/sqrt(200); over 500 runs / sqrt(500)
        assert got == pytest.approx([float(v) for v in exact], abs=0.05)


def test_deterministic_rewards_with_unit_step_are_exact() -> None:
    """Payoffs depending only on one's own action: after one visit with alpha = 1, Q = the payoff."""
    g = NormalFormGame(np.array([[[1, 4], [1, 7]], [[2, 4], [2, 7]]]))  # u0 = 1 or 2 by a0, u1 = 4 or 7 by a1
    res = train(g, episodes=50, runs=20, seed=0, alpha=Constant(1.0), exploration=EpsilonGreedy(Constant(1.0)))
    assert np.array_equal(res.q_values[:, 0, 0, :], np.tile([1.0, 2.0], (20, 1)))
    assert np.array_equal(res.q_values[:, 1, 0, :], np.tile([4.0, 7.0], (20, 1)))
    assert res.outcome_counts == {(1, 1): 20}


def test_unequal_action_counts_and_discount() -> None:
    g = NormalFormGame(np.array([[[0, 0], [0, 1], [0, 2]], [[1, 0], [1, 1], [1, 2]]]))  # shape (2, 3)
    res = train(g, episodes=600, runs=30, seed=1, gamma=0.5)
    assert res.q_values.shape == (30, 2, 1, 3)
    assert np.all(np.isneginf(res.q_values[:, 0, 0, 2]))                # player 0 has only 2 actions
    assert res.outcome_counts.get((1, 2), 0) >= 27
    # gamma = 0.5 in a one-state game: Q -> r + 0.5 V, so the greedy value of player 1 tends to 2/(1-0.5) = 4
    assert np.median(res.learned_values()[:, 1]) == pytest.approx(4.0, abs=0.5)


def test_lowest_tie_rule_is_deterministic() -> None:
    g = NormalFormGame(np.zeros((2, 2, 2), dtype=np.int64))           # every payoff 0: all ties
    low = train(g, episodes=5, runs=10, seed=0, ties="lowest")
    assert low.outcome_counts == {(0, 0): 10}
    rnd = train(g, episodes=5, runs=400, seed=0, ties="random")
    assert len(rnd.outcome_counts) == 4                                  # random ties reach every profile


def test_reproducible_bit_for_bit_and_seed_sensitive() -> None:
    kw = dict(episodes=300, runs=64, alpha=PowerDecay(0.5, 0.6), exploration=EpsilonGreedy(LinearDecay(1, 0.1, 200)))
    a = train(PD, seed=42, **kw)
    b = train(PD, seed=42, **kw)
    c = train(PD, seed=43, **kw)
    for x, y in ((a.q_values, b.q_values), (a.final_greedy_profiles, b.final_greedy_profiles),
                 (a.welfare_curve.mean, b.welfare_curve.mean), (a.played_welfare_curve.high, b.played_welfare_curve.high)):
        assert x.dtype == y.dtype and x.tobytes() == y.tobytes()
    assert a.outcome_counts == b.outcome_counts
    assert not np.array_equal(a.q_values, c.q_values)
    # the random stream does not depend on how often the curves are recorded
    d = train(PD, seed=42, record_every=7, **kw)
    assert d.q_values.tobytes() == a.q_values.tobytes()


def test_training_parameters_validated() -> None:
    for kw, word in ((dict(episodes=0), "episodes"), (dict(runs=-1), "runs"), (dict(seed=-3), "seed"),
                     (dict(seed=np.random.default_rng(0)), "Generator"), (dict(gamma=1.0), "gamma"),
                     (dict(ties="first"), "ties"), (dict(alpha_clock="t"), "alpha_clock"),
                     (dict(exploration="greedy"), "exploration"), (dict(record_every=0), "record_every")):
        args = dict(episodes=5, runs=2, seed=0)
        args.update(kw)
        with pytest.raises(ParameterError, match=word):
            train(PD, **args)
    from contract_theory.games.size import size_limit
    with size_limit(100), pytest.raises(SizeLimitError, match=r"Q-learning tables: 100 runs x 2 players x 1 states x 2 "
                                                               r"actions = 400 cells, above the limit of 100"):
        train(PD, episodes=1, runs=100, seed=0)
    # the work: 10**12 episodes x 1 run x 2 players x 2 actions = 4e12 updates = 4e9 cells, refused at once
    with pytest.raises(SizeLimitError, match=r"Q-learning work: 1 condition\(s\) x 1,000,000,000,000 episodes"):
        train(PD, episodes=10**12, runs=1, seed=0)


def test_progress_callback_reports_every_record() -> None:
    seen: list[tuple[int, int]] = []
    train(PD, episodes=50, runs=2, seed=0, record_every=20, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(20, 50), (40, 50), (50, 50)]


# ----------------------------------------------------------------------------- contracts
def test_penalty_contract_transfers_by_hand() -> None:
    pen = penalty_contract(PD, ["Row", "Column"], target=("C", "C"), psi=3)
    got = [[[str(v) for v in pen.transfers[a, b]] for b in range(2)] for a in range(2)]
    assert got == [[["0", "0"], ["3", "-3"]], [["-3", "3"], ["0", "0"]]]
    assert pen.signatories == (0, 1)
    assert pen.description == {"kind": "penalty", "signatories": ["Row", "Column"], "target": ["C", "C"], "psi": "3"}
    # three members: a deviator's fine is shared equally by the two others; the outsider gets nothing
    pg = penalty_contract(PG, [0, 1, 2], target=(1, 1, 1, 0), psi=24)
    assert [str(v) for v in pg.transfers[0, 1, 1, 0]] == ["-24", "12", "12", "0"]
    assert [str(v) for v in pg.transfers[0, 0, 1, 1]] == ["-12", "-12", "24", "0"]  # P0, P1 deviate


def test_contract_validation_names_the_problem() -> None:
    unbalanced = np.zeros((2, 2, 2), dtype=object)
    unbalanced[1, 0] = ["1/2", 0]
    with pytest.raises(ContractError, match=r"profile \(D, C\) sum to 1/2"):
        as_transfers(PD, unbalanced)
    outsider = np.zeros((2,) * 4 + (4,), dtype=np.int64)
    outsider[0, 0, 0, 1] = [1, 0, 0, -1]
    with pytest.raises(ContractError, match=r"non-signatory 'P3'.*\(0, 0, 0, 20\)"):
        as_transfers(PG, outsider, signatories=[0, 1, 2])
    with pytest.raises(ContractError, match="shape"):
        as_transfers(PD, np.zeros((2, 2)))
    with pytest.raises(ParameterError, match="at least 2 signatories"):
        penalty_contract(PD, [0])
    with pytest.raises(UnknownPlayerError, match="unknown player 'Nobody'"):
        penalty_contract(PD, [0, "Nobody"])


def test_duck_typed_contract_object() -> None:
    class FakeContract:  # the interface of contract_theory.contracting.contracts.contract.Contract that this module relies on
        signatories = ("Row", "Column")

        def augmented_game(self) -> NormalFormGame:
            return augmented_game(PD, penalty_contract(PD, [0, 1], ("C", "C"), 3))

    tc = as_transfers(PD, FakeContract())
    assert tc.signatories == (0, 1)
    assert str(tc.transfers[1, 0, 0]) == "-3"
    res = train_contracted(PD, FakeContract(), episodes=600, runs=50, seed=2)
    assert res.outcome_counts.get((C, C), 0) >= 45


def test_decide_rules() -> None:
    # values (C=3 contracts, R=1 run, n=3): null, a contract 2 of 3 like, a contract all like weakly
    V = np.array([[[1.0, 1.0, 1.0]], [[2.0, 2.0, 0.5]], [[1.0, 1.5, 1.0]]])
    sig = np.ones((3, 3), dtype=bool)
    acc, ch = decide(V, sig, "unanimous")
    assert acc[:, 0].tolist() == [True, False, True] and ch.tolist() == [2]   # weak acceptance (ties accept)
    acc, ch = decide(V, sig, "majority")
    assert acc[:, 0].tolist() == [True, True, False] and ch.tolist() == [1]   # 2 >= 1; 1 < 2 (ties are "not")
    sig2 = sig.copy()
    sig2[1, 2] = False                                                        # the loser is not a signatory
    assert decide(V, sig2, "unanimous")[1].tolist() == [1]
    with pytest.raises(ParameterError, match="committee size must be a positive integer, got 0"):
        parse_voting(("committee", 0))
    with pytest.raises(ParameterError, match="unknown voting rule 'plurality'"):
        parse_voting("plurality")


def test_committee_samples_with_the_seed() -> None:
    # one contract, 2000 runs, 2 signatories: player 0 gains, player 1 loses; a committee of 1
    R = 2000
    V = np.zeros((2, R, 2))
    V[1, :, 0], V[1, :, 1] = 1.0, -1.0
    sig = np.ones((2, 2), dtype=bool)
    acc, _ = decide(V, sig, ("committee", 1), seed=9)
    assert 0.45 < acc[1].mean() < 0.55                                       # the winner sits in half the committees
    assert np.array_equal(acc, decide(V, sig, "committee:1", seed=9)[0])
    assert not acc[1].all() and decide(V, sig, ("committee", 2), seed=9)[0][1].sum() == 0


def test_negotiation_adopts_pd_penalty_and_rejects_a_lopsided_lump_sum() -> None:
    pen = penalty_contract(PD, [0, 1], ("C", "C"), 3)
    lump = np.zeros((2, 2, 2), dtype=object)
    lump[...] = 0
    lump[..., 0], lump[..., 1] = 1, -1                                       # Column pays Row 1 always
    res = negotiate(PD, [pen, lump], voting="unanimous", episodes=800, runs=100, seed=4)
    assert res.values.shape == (3, 100, 2)
    # Column loses 1 at every outcome; only a run whose learners sit at another outcome under the lump
    # sum than under no contract (independent learners sometimes linger at (C, C)) can accept it
    assert res.accepted[2].mean() <= 0.1
    assert res.chosen_counts.get(1, 0) >= 90
    assert res.outcome_counts.get((C, C), 0) >= 90


# ----------------------------------------------------------------------------- experiments and CLI
def test_experiment_conditions_and_roundtrip(tmp_path) -> None:  # type: ignore[no-untyped-def]
    res = run_experiment(PG, coalitions=[["P0", "P1", "P2"]], episodes=800, runs=100, seed=0, voting="unanimous")
    names = [c.name for c in res.conditions]
    assert names == ["no contract", "coalition P0+P1+P2", "full contract"]
    none, coal, full = res.conditions
    assert none.predicted == (("0", "0", "0", "0"),) and none.predicted_welfare == ("80",)
    assert coal.predicted == (("20", "20", "20", "0"),) and coal.predicted_welfare == ("116",)
    assert full.predicted == (("20", "20", "20", "20"),) and full.predicted_welfare == ("128",)
    assert none.match_rate >= 0.9 and coal.match_rate >= 0.9 and full.match_rate >= 0.9
    assert coal.acceptance_rate is not None and coal.acceptance_rate >= 0.9   # members: 24 > 20
    assert coal.welfare_ci is not None and coal.welfare_ci[0] <= coal.welfare_mean <= coal.welfare_ci[1]
    assert sum(n for _, n in coal.outcomes) == 100
    path = tmp_path / "res.json"
    save_results(res, path)
    assert load_results(path) == res
    with pytest.raises(ParameterError, match="format"):
        (tmp_path / "bad.json").write_text('{"conditions": []}')
        load_results(tmp_path / "bad.json")


def test_experiment_match_rate_counts_only_predicted_profiles() -> None:
    # a very short run leaves some learners off the prediction: match_rate must equal the share at (D, D)
    res = run_experiment(PD, episodes=3, runs=200, seed=1, full=False)
    cond = res.conditions[0]
    at = dict(cond.outcomes).get(("D", "D"), 0)
    assert cond.match_rate == at / 200 < 1.0
    mean = sum(float(sum(PD.payoff(PD.check_profile(p)))) * n for p, n in cond.outcomes) / 200
    assert cond.welfare_mean == pytest.approx(mean)


def test_coalitions_of_size_limits() -> None:
    assert coalitions_of_size(PG, 4) == [(0, 1, 2, 3)]
    with pytest.raises(ParameterError, match="2 <= K"):
        coalitions_of_size(PG, 1)
    with pytest.raises(SizeLimitError, match="max_coalitions=3"):
        coalitions_of_size(PG, 2, max_coalitions=3)


def _cli(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    learn_cmd.add_parser(sub)
    return parser.parse_args(["learn", *argv])


def test_cli_json(capsys) -> None:  # type: ignore[no-untyped-def]
    args = _cli(["public_goods:n=4,r=8/5,e=20", "--coalition", "0,1,2", "--episodes", "600", "--runs", "60",
                 "--seed", "3", "--format", "json"])
    assert args.run(args) == 0
    out, err = capsys.readouterr()
    assert err == ""                                                          # no bar when stderr is not a TTY
    doc = json.loads(out)
    keys = {"name", "coalition", "contract", "predicted", "match_rate", "welfare_mean", "welfare_ci", "outcomes"}
    assert [c["name"] for c in doc["conditions"]] == ["no contract", "coalition P0+P1+P2", "full contract"]
    assert all(keys <= set(c) for c in doc["conditions"])
    coal = doc["conditions"][1]
    assert coal["coalition"] == ["P0", "P1", "P2"] and coal["predicted"] == [["20", "20", "20", "0"]]
    assert coal["match_rate"] >= 0.9 and coal["contract"]["psi"] == "24"
    args2 = _cli(["public_goods:n=4,r=8/5,e=20", "--coalition", "0,1,2", "--episodes", "600", "--runs", "60",
                  "--seed", "3", "--format", "json"])
    args2.run(args2)
    assert capsys.readouterr().out == out                                      # reproducible end to end


def test_cli_text_k_and_errors(capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    args = _cli(["pd", "--k", "2", "--episodes", "400", "--runs", "40", "--temperature", "exponential:2,0.99,0.05",
                 "--save", str(tmp_path / "r.json")])
    assert args.run(args) == 0
    text = capsys.readouterr().out
    assert "coalition Row+Column" in text and "predicted: (D, D)" in text
    assert "welfare mean 2, 95% interval 2 to 2 (normal approx.)" in text
    assert len(load_results(tmp_path / "r.json").conditions) == 3
    for argv, exc, why in ((["pd", "--k", "1"], ParameterError, "2 <= K <= n = 2"),
                           (["pd", "--coalition", "0,9"], UnknownPlayerError, "unknown player '9'"),
                           (["pd", "--epsilon", "0.1", "--temperature", "1"], ParameterError, "not both"),
                           (["pd", "--episodes", "0"], ParameterError, "episodes must be a positive integer"),
                           (["pd", "--alpha", "fast"], ParameterError, "unknown schedule 'fast'")):
        a = _cli(argv)
        with pytest.raises(exc, match=why):
            a.run(a)


def test_progress_bar_only_on_tty() -> None:
    plain = io.StringIO()
    bar = learn_cmd.ProgressBar(plain)
    bar(5, 10)
    bar.close()
    assert plain.getvalue() == ""

    class TTY(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = TTY()
    bar = learn_cmd.ProgressBar(tty, width=10)
    bar(5, 10)
    bar(10, 10)
    bar.close()
    assert tty.getvalue() == "\rlearn [#####.....]  50%\rlearn [##########] 100%\n"


def test_plot_learning(tmp_path) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("matplotlib")
    res = run_experiment(PD, episodes=200, runs=20, seed=0)
    path = tmp_path / "learn.png"
    plot_learning(res, path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    plot_learning(res.conditions[0], tmp_path / "one.png")
    assert (tmp_path / "one.png").stat().st_size > 0


def test_environment_rewards_include_transfers_for_members_only() -> None:
    pen = penalty_contract(PG, [0, 1, 2], target=(1, 1, 1, 0), psi=24)
    env = RepeatedGameEnv(PG, transfers=pen.transfers)
    acts = np.array([[0, 1, 1, 1]])                     # member P0 free-rides, outsider P3 contributes
    r = env.rewards(np.zeros(1, dtype=np.int64), acts)[0]
    base = [float(v) for v in PG.payoff((0, 1, 1, 1))]  # (44, 24, 24, 24)
    assert r.tolist() == [base[0] - 24, base[1] + 12, base[2] + 12, base[3]]
    assert env.welfare(np.zeros(1, dtype=np.int64), acts)[0] == math.fsum(base)


class _FlipEnv:
    """Two-state toy TabularEnv (the Markov plug-in point): the state alternates 0, 1, 0, ...;
    each player's reward is 1 for playing action == state, else 0 (independent of the others)."""

    n_players = 2
    n_states = 2
    action_counts = (2, 3)

    def initial_states(self, runs: int, rng: np.random.Generator) -> np.ndarray:
        return np.zeros(runs, dtype=np.int64)

    def rewards(self, states: np.ndarray, actions: np.ndarray) -> np.ndarray:
        return (actions == states[:, None]).astype(np.float64)

    def welfare(self, states: np.ndarray, actions: np.ndarray) -> np.ndarray:
        return self.rewards(states, actions).sum(axis=1)

    def transition(self, states: np.ndarray, actions: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        return 1 - states


@pytest.mark.parametrize("gamma", [0.0, 0.5])
def test_multi_state_environment_plugs_in(gamma: float) -> None:
    res = train(_FlipEnv(), episodes=600, runs=40, seed=0, gamma=gamma)
    q = res.q_values
    assert q.shape == (40, 2, 2, 3) and np.all(np.isneginf(q[:, 0, :, 2]))
    assert np.array_equal(q[:, :, 0, :].argmax(-1), np.zeros((40, 2)))     # state 0: play 0
    assert np.array_equal(q[:, :, 1, :].argmax(-1), np.ones((40, 2)))      # state 1: play 1
    # greedy value in a state: 1 + gamma * (greedy value of the other state) -> 1 / (1 - gamma)
    assert np.median(q[:, :, 0, :].max(-1)) == pytest.approx(1.0 / (1.0 - gamma), abs=0.05)
    assert res.outcome_counts == {(0, 0): 40}                              # greedy at the initial state
    assert res.welfare_curve.mean[-1] == 2.0


@given(st.lists(st.lists(st.integers(-3, 3), min_size=4, max_size=4), min_size=1, max_size=30),
       st.integers(0, 2**32 - 1))
def test_greedy_tie_rules_against_argmax(rows, seed) -> None:  # type: ignore[no-untyped-def]
    from contract_theory.learning.qlearning import _greedy
    q = np.array(rows, dtype=np.float64)                               # (P, M) with many ties
    cols = [np.ascontiguousarray(q[:, k]) for k in range(q.shape[1])]
    low, mx = _greedy(cols, "lowest", None)
    assert np.array_equal(low, q.argmax(axis=1)) and np.array_equal(mx, q.max(axis=1))
    u = np.random.default_rng(seed).random(len(rows))
    rnd, _ = _greedy(cols, "random", u)
    assert np.all(q[np.arange(len(rows)), rnd] == mx)                  # always a maximal action
    ties = (q == mx[:, None]).sum(axis=1)
    j = np.floor(u * ties).astype(int)                                  # the j-th maximal index, by hand
    expect = [np.flatnonzero(q[p] == mx[p])[j[p]] for p in range(len(rows))]
    assert rnd.tolist() == expect


@given(st.integers(0, 10**6), st.sampled_from([(2, 2, 2), (3, 2), (2, 3, 2), (2, 2, 2, 2)]), st.data())
def test_default_penalty_makes_target_strictly_dominant(seed, shape, data) -> None:  # type: ignore[no-untyped-def]
    from contract_theory.games.library import random_game
    g = random_game(shape, -5, 5, seed=seed, denominator=2)
    n = g.n_players
    S = sorted(data.draw(st.sets(st.integers(0, n - 1), min_size=2, max_size=n)))
    pen = penalty_contract(g, S)
    assert all(pen.transfers[p].sum() == 0 for p in g.profiles())      # budget balance, exactly
    t = bloc_target(g, S)
    aug = augmented_game(g, pen)
    for i in S:
        u = aug.table[..., i]
        at = np.take(u, [t[i]], axis=i)
        others = np.delete(u, t[i], axis=i)
        assert np.all(at > others)                                      # strictly dominant for members
    for o in set(range(n)) - set(S):
        assert np.array_equal(aug.table[..., o] * g.denominator, g.table[..., o] * aug.denominator)


def test_agrees_with_contracts_module_and_accepts_its_contract_objects() -> None:
    """Cross-check with the independent implementation in contract_theory.contracting.contracts.contract (when present)."""
    contracts = pytest.importorskip("contract_theory.contracting.contracts.contract")
    for game, S, target, psi in ((PD, [0, 1], (C, C), 3), (PG, [0, 1, 2], (1, 1, 1, 0), 24),
                                 (PG, [1, 3], (0, 1, 0, 1), "5/2")):
        theirs = contracts.deviation_penalty(game, S, target, psi)
        ours = penalty_contract(game, S, target, psi)
        tc = as_transfers(game, theirs)
        assert tc.signatories == ours.signatories
        assert np.array_equal(tc.transfers, ours.transfers)
    res = train_contracted(PG, contracts.deviation_penalty(PG, [0, 1, 2], (1, 1, 1, 0), 24),
                           episodes=600, runs=50, seed=6)
    assert res.outcome_counts.get((1, 1, 1, 0), 0) >= 45


def test_markov_library_game_learners_match_the_exact_mpe():
    """Repeated PD as a one-state Markov game (gamma = 9/10): the only stationary MPE is
    (D, D) in every state; under the members' deviation penalty psi = bound + 1 with
    bound = (R_max - R_min)/(1 - gamma) = 50, cooperating is the MPE of the augmented game.
    Learners with the game's discount end there in >= 90% of seeded runs.  (With 3000
    episodes some runs still sit at (C, C) without a contract: discounted self-play keeps
    cooperation alive longer; 10000 episodes gave 96% defection when measured.)"""
    from contract_theory.learning.markov_env import MarkovGameEnv, greedy_policies
    from contract_theory.learning.qlearning import train
    from contract_theory.markov import deviation_penalty, mpe_solve, repeated_prisoners_dilemma

    g = repeated_prisoners_dilemma()
    assert [m.policy for m in mpe_solve(g)] == [((1,), (1,))]
    contract = deviation_penalty(g, [0, 1], ((0,), (0,)), 51)
    assert [m.policy for m in mpe_solve(contract.augmented_game())] == [((0,), (0,))]
    for game, target in ((g, 1), (contract.augmented_game(), 0)):
        res = train(MarkovGameEnv(game), episodes=10_000, runs=100, seed=3, gamma=0.9)
        pol = greedy_policies(res)
        assert pol.shape == (100, 2, 1)
        assert (pol[:, :, 0] == target).all(axis=1).mean() >= 0.9


def test_markov_env_samples_transitions_and_rewards_of_the_exact_game():
    """cleanup_markov(2): rewards are the exact rewards (as floats) and next states follow
    P(s' | s, a) -- 20000 seeded draws from each (state, joint action) within 0.02."""
    from contract_theory.learning.markov_env import MarkovGameEnv
    from contract_theory.markov import cleanup_markov

    g = cleanup_markov(2)
    env = MarkovGameEnv(g)
    rng = np.random.default_rng(0)
    for s in range(g.n_states):
        for joint in g.joint_actions():
            states = np.full(20_000, s, dtype=np.int64)
            acts = np.tile(np.array(joint, dtype=np.int64), (20_000, 1))
            assert env.rewards(states[:1], acts[:1])[0].tolist() == [float(r) for r in g.reward(s, joint)]
            nxt = env.transition(states, acts, rng)
            probs = g.transition(s, joint)
            for t, name in enumerate(g.states):
                assert abs((nxt == t).mean() - float(probs.get(name, 0))) < 0.02  # absent: probability 0


# ------------------------------------------------------------------ coordination: several equilibria
# In these games the predicted set has two strict equilibria, all-Stag and all-Hare, and the
# question is which one independent learners reach.  Heuristic that orders the cases (exploration
# starts uniform, epsilon = 1): early on a Stag hunter's Q-value tracks stag * P(the hunt succeeds
# against uniformly random others), a Hare hunter's tracks hare.  When that expected stag value is
# below hare, Hare wins in every run; above it, Stag wins in most runs; equal, the seeds split
# them.  The exact counts are those of the seeded runs (SeedSequence(seed), numpy PCG64: the same
# on every platform); the bounds are what the heuristic predicts.
def _coordination(game, seed=0):
    res = run_experiment(game, episodes=400, runs=60, seed=seed, full=False)
    (c,) = res.conditions
    return c, dict(c.outcomes)


def test_stag_hunt_learners_reach_the_risk_dominant_equilibrium():
    from contract_theory.games.library import stag_hunt
    # stag 4, hare 3, sucker 0: Stag against a uniform partner is worth 4/2 = 2 < 3, and (Hare, Hare)
    # risk-dominates (Harsanyi & Selten 1988: (3 - 0)(3 - 0) = 9 > (4 - 3)(4 - 3) = 1).
    c, out = _coordination(stag_hunt())
    assert set(c.predicted) == {("Stag", "Stag"), ("Hare", "Hare")} and c.predicted_welfare == ("8", "6")
    assert c.match_rate == 1.0 and out == {("Hare", "Hare"): 60}
    # stag 7: a uniform partner makes Stag worth 7/2 > 3 and (Stag, Stag) risk-dominant (16 > 9):
    # most runs coordinate on Stag, but the early draws send some to Hare -- both equilibria are reached
    c, out = _coordination(stag_hunt(stag=7))
    assert c.match_rate == 1.0 and out == {("Stag", "Stag"): 39, ("Hare", "Hare"): 21}
    assert out[("Stag", "Stag")] > 30 > out[("Hare", "Hare")] > 0


@pytest.mark.parametrize("m, stag, expected", [
    # threshold 3 of 3, stag 5: success needs both others, 5 * 1/4 = 5/4 < 3: every run ends at Hare
    (3, 5, {("Hare",) * 3: 60}),
    # threshold 2 of 3, stag 4: success needs one of two others, 4 * 3/4 = 3 = hare: a knife edge, split
    (2, 4, {("Hare",) * 3: 37, ("Stag",) * 3: 23}),
    # threshold 2 of 3, stag 5: 5 * 3/4 = 15/4 > 3: Stag in almost every run
    (2, 5, {("Stag",) * 3: 57, ("Hare",) * 3: 3}),
])
def test_three_player_threshold_stag_hunt_learners(m, stag, expected):
    from contract_theory.games.library import n_stag_hunt
    g = n_stag_hunt(3, m, stag, 3)
    c, out = _coordination(g)
    # the predicted set, by hand: all-Stag (each gets stag > 3) and all-Hare (a lone deviator to
    # Stag gets 0 < 3) are equilibria; with m = 2 a profile with two Stags is not (the Hare hunter
    # gains stag - 3 by joining), nor one with a single Stag (it gets 0)
    assert set(c.predicted) == {("Stag",) * 3, ("Hare",) * 3}
    assert c.predicted_welfare == (str(3 * stag), "9")
    assert c.match_rate == 1.0 and out == expected
    if stag * (3 if m == 2 else 1) < 3 * 4:      # expected stag value < hare: Hare in every run
        assert out == {("Hare",) * 3: 60}
    elif stag * (3 if m == 2 else 1) == 3 * 4:   # equal: both reached, neither in fewer than 1/4 of runs
        assert min(out.values()) >= 15 and len(out) == 2
    else:                                        # above: Stag in most runs
        assert out[("Stag",) * 3] >= 50
    # a different seed gives a different sample but the same picture
    c1, out1 = _coordination(g, seed=1)
    assert c1.match_rate == 1.0 and max(out1, key=out1.get) == max(out, key=out.get)
