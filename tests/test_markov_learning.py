"""``contract-theory learn`` on Markov games (contract_theory.learning.markov_experiment).

Exact predictions: the repeated prisoner's dilemma (discount 9/10) has the single stationary MPE
(D, D) with welfare 2 P / (1 - gamma) = 20; the members' penalty contract (psi = 2 (T - R) = 4)
makes C strictly dominant, so (C, C) with welfare 2 R / (1 - gamma) = 60 is the prediction.
"""

from __future__ import annotations

import json
import subprocess
import sys

from contract_theory.games.formats.markov_json import write_markov_game
from contract_theory.games.gridworlds import cleanup_gridworld
from contract_theory.games.markov_library import repeated_prisoners_dilemma
from contract_theory.learning.markov_experiment import reachable, run_markov_experiment

KEYS = {"name", "coalition", "contract", "predicted", "predicted_welfare", "match_rate", "welfare_mean",
        "welfare_ci", "outcomes"}


def test_cli_learn_repeated_pd_markov_file(tmp_path):
    path = tmp_path / "rpd.json"
    write_markov_game(repeated_prisoners_dilemma(discount="9/10"), path)
    out = subprocess.run([sys.executable, "-m", "contract_theory.cli", "learn", str(path), "--episodes", "20000",
                          "--runs", "100", "--coalition", "Row,Column", "--no-full", "--format", "json"],
                         capture_output=True, text=True, timeout=600, check=True)
    doc = json.loads(out.stdout)
    none, pair = doc["conditions"]
    assert set(none) == KEYS and set(pair) == KEYS
    assert none["predicted"] == [["D", "D"]] and none["predicted_welfare"] == ["20"]
    assert none["match_rate"] >= 0.9
    assert pair["contract"] == {"kind": "penalty", "signatories": ["Row", "Column"], "target": ["C", "C"],
                                "psi": "4"}
    assert pair["predicted"] == [["C", "C"]] and pair["predicted_welfare"] == ["60"]
    assert pair["match_rate"] >= 0.9
    lo, hi = pair["welfare_ci"]
    assert lo <= pair["welfare_mean"] <= hi and pair["welfare_mean"] > 55


def test_cli_sweep_refuses_markov_games():
    out = subprocess.run([sys.executable, "-m", "contract_theory.cli", "learn", "repeated_pd", "--sweep"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 2 and "normal-form" in out.stderr


def test_on_path_match_and_exact_welfare():
    """Cleanup gridworld (2 agents, river 2): the full contract's learners reach W* = 10 on path."""
    g = cleanup_gridworld(2, 2)
    res = run_markov_experiment(g, episodes=6000, runs=20, seed=1)
    full = res.conditions[-1]
    assert full.predicted_welfare == ("10",)
    assert full.match_rate >= 0.5 and full.welfare_mean > 9
    # P0 always cleans, P1 always harvests: from d0+A the dirt after cleaning is 0, so the apple regrows
    # for sure and pollution brings at most one dirty cell: only d0+A and d1+A are ever visited
    assert reachable(g, ((1,) * 6, (0,) * 6)).tolist() == [False, True, False, True, False, False]
    # all harvest: d0- never (an apple always regrows on a clean river), every other state is reached
    assert reachable(g, ((0,) * 6, (0,) * 6)).tolist() == [False, True, True, True, True, True]
