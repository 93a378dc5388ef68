"""Golden outputs of the command line: the proof that a restructuring did not change behaviour.

Each case below is one ``contract-theory`` invocation (mostly ``--format json``); its exit status,
standard output and standard error were recorded from the code of ``main`` before issue 20's
restructuring and are stored in ``tests/data/golden/<case>.json``.  The test runs the command
in-process (:func:`contract_theory.cli.main`, much faster than a subprocess) and compares the
parsed JSON with the stored one after removing what legitimately varies between runs: wall-clock
fields (``elapsed_seconds``, ``seconds``) and the z3 version string.

The cases cover ``analyze`` on normal-form games (2-player and N-player library games, every
``--timing``, ``--selection``, ``--sharing`` and ``--tie`` value, several K, ``--require-acceptance``),
on Markov games and on compact specs (anonymous, typed ``counts=``, aggregative, ``compact=true``),
plus samples of ``solve``, ``design``, seeded/bounded ``search`` (exhaustive or ``--max-games``, so the
result does not depend on the machine's speed), ``prove`` (needs z3; those cases are skipped without
it) and a few text outputs.

Changing an output on purpose (issue 21 does): regenerate the stored files with ::

    CONTRACT_THEORY_REGENERATE_GOLDEN=1 python -m pytest -q tests/test_cli_golden.py -p no:cacheprovider

then review ``git diff tests/data/golden`` -- every changed line must be one the change intended --
and commit the files with the change that caused them.  Set the variable to a comma-separated list
of case names to regenerate only those.  A new case is added by appending to :data:`CASES` and
regenerating it by name.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from contract_theory.cli import main

GOLDEN = Path(__file__).parent / "data" / "golden"
DATA = Path(__file__).parent / "data"
REGENERATE = os.environ.get("CONTRACT_THEORY_REGENERATE_GOLDEN", "")

PD = "prisoners_dilemma"
PG4 = "public_goods:n=4,r=8/5,e=20"
PG5 = "public_goods:n=5,r=2,e=20"
NPD4 = "n_prisoners_dilemma:n=4,b=3,c=1"
COURNOT3 = "cournot:n=3,a=12,c=0,grid=0|2|3|4"
COMMONS3 = "commons:n=3,capacity=12,grid=0|1|2|3|4"

#: (case name, argv).  Names are file names under tests/data/golden/.
CASES: list[tuple[str, list[str]]] = [
    # --- analyze, 2-player normal form: every tie rule, both timings and selections, every sharing
    ("analyze_pd_k2", ["analyze", PD, "--k", "2"]),
    ("analyze_pd_k2_tie_outside", ["analyze", PD, "--k", "2", "--tie", "outside"]),
    ("analyze_pd_k2_tie_both_weak", ["analyze", PD, "--k", "2", "--tie", "both-weak"]),
    ("analyze_pd_k2_tie_both_strict", ["analyze", PD, "--k", "2", "--tie", "both-strict"]),
    ("analyze_stag_hunt_k2", ["analyze", "stag_hunt", "--k", "2"]),
    ("analyze_chicken_k2_optimistic", ["analyze", "chicken", "--k", "2", "--selection", "optimistic"]),
    ("analyze_bos_k2_nash", ["analyze", "battle_of_the_sexes", "--k", "2", "--timing", "nash"]),
    ("analyze_matching_pennies_k2", ["analyze", "matching_pennies", "--k", "2"]),
    ("analyze_e02_nfg_k2", ["analyze", str(DATA / "e02.nfg"), "--k", "2"]),
    # --- analyze, N-player normal form
    ("analyze_pg4_k2", ["analyze", PG4, "--k", "2"]),
    ("analyze_pg4_k3", ["analyze", PG4, "--k", "3"]),
    ("analyze_pg4_k4", ["analyze", PG4, "--k", "4"]),
    ("analyze_pg4_k4_nash", ["analyze", PG4, "--k", "4", "--timing", "nash"]),
    ("analyze_pg4_k3_require_acceptance", ["analyze", PG4, "--k", "3", "--require-acceptance"]),
    ("analyze_pg5_k3_lump_sum", ["analyze", PG5, "--k", "3", "--sharing", "lump_sum"]),
    ("analyze_pg5_k3_sharing_none_tie_outside", ["analyze", PG5, "--k", "3", "--sharing", "none", "--tie", "outside"]),
    ("analyze_npd4_k3_sharing_none", ["analyze", NPD4, "--k", "3", "--sharing", "none"]),
    ("analyze_npd4_k2_optimistic_both_strict", ["analyze", NPD4, "--k", "2", "--selection", "optimistic",
                                                "--tie", "both-strict"]),
    ("analyze_volunteers4_k2_optimistic", ["analyze", "volunteers_dilemma:n=4,b=2,c=1", "--k", "2",
                                           "--selection", "optimistic"]),
    ("analyze_stag_hunt4_k3_both_weak", ["analyze", "n_stag_hunt:n=4,m=3", "--k", "3", "--tie", "both-weak"]),
    ("analyze_cournot3_k2", ["analyze", COURNOT3, "--k", "2"]),
    ("analyze_cournot3_k2_nash_optimistic", ["analyze", COURNOT3, "--k", "2", "--timing", "nash",
                                             "--selection", "optimistic"]),
    ("analyze_cournot3_k3_lump_sum_both_weak", ["analyze", COURNOT3, "--k", "3", "--sharing", "lump_sum",
                                                "--tie", "both-weak"]),
    ("analyze_commons3_k2_tie_outside", ["analyze", COMMONS3, "--k", "2", "--tie", "outside"]),
    ("analyze_commons3_k3_nash_both_strict", ["analyze", COMMONS3, "--k", "3", "--timing", "nash",
                                              "--tie", "both-strict"]),
    ("analyze_el_farol4_k3", ["analyze", "el_farol:n=4", "--k", "3"]),
    ("analyze_random_game_k2", ["analyze", "random:shape=3|2|2,seed=5,high=4", "--k", "2"]),
    # --- analyze, Markov games
    ("analyze_markov_repeated_pd_k2", ["analyze", "repeated_pd", "--k", "2"]),
    ("analyze_markov_repeated_pd_k2_nash_outside", ["analyze", "repeated_pd", "--k", "2", "--timing", "nash",
                                                    "--tie", "outside"]),
    ("analyze_markov_commons3_k2", ["analyze", "commons_markov:n=3", "--k", "2"]),
    ("analyze_markov_commons3_k3_optimistic_lump_sum", ["analyze", "commons_markov:n=3", "--k", "3",
                                                        "--selection", "optimistic", "--sharing", "lump_sum"]),
    ("analyze_markov_cleanup3_k3_nash", ["analyze", "cleanup_markov:n=3", "--k", "3", "--timing", "nash"]),
    ("analyze_markov_cleanup3_k2_both_weak_accept", ["analyze", "cleanup_markov:n=3", "--k", "2", "--tie",
                                                     "both-weak", "--require-acceptance"]),
    ("analyze_markov_random_k2_both_strict", ["analyze", "random_markov:n_players=2,n_states=2,n_actions=2,seed=3",
                                              "--k", "2", "--tie", "both-strict", "--sharing", "none"]),
    # --- analyze, compact specs
    ("analyze_compact_pg40_k3", ["analyze", "public_goods:n=40,e=20,r=2", "--k", "3"]),
    ("analyze_compact_pg40_k20_nash", ["analyze", "public_goods:n=40,e=20,r=2", "--k", "20", "--timing", "nash"]),
    ("analyze_compact_iea30_k3", ["analyze", "iea:n=30,b=1,c=1", "--k", "3"]),
    ("analyze_compact_iea30_k5_optimistic_outside", ["analyze", "iea:n=30,b=1,c=1", "--k", "5", "--selection",
                                                     "optimistic", "--tie", "outside"]),
    ("analyze_compact_pg_counts_k3", ["analyze", "public_goods:counts=3|2,e=20,r=2", "--k", "3"]),
    ("analyze_compact_pg_counts_k2_lump_sum_both_weak", ["analyze", "public_goods:counts=3|2,e=20|10,r=2", "--k",
                                                         "2", "--sharing", "lump_sum", "--tie", "both-weak"]),
    ("analyze_compact_npd20_k5", ["analyze", "n_prisoners_dilemma:n=20,b=3,c=1", "--k", "5"]),
    ("analyze_compact_volunteers15_k3_both_strict", ["analyze", "volunteers_dilemma:n=15,b=2,c=1", "--k", "3",
                                                     "--tie", "both-strict"]),
    ("analyze_compact_pg5_flag_k3", ["analyze", PG5 + ",compact=true", "--k", "3"]),
    ("analyze_compact_cournot3_flag_k2_accept", ["analyze", COURNOT3 + ",compact=true", "--k", "2",
                                                 "--require-acceptance"]),
    # --- solve
    ("solve_pd_all", ["solve", PD, "--concept", "all"]),
    ("solve_pg4_pure", ["solve", PG4]),
    ("solve_bos_mixed", ["solve", "battle_of_the_sexes", "--concept", "mixed"]),
    ("solve_volunteers3_mixed", ["solve", "volunteers_dilemma:n=3,b=2,c=1", "--concept", "mixed"]),
    ("solve_chicken_correlated", ["solve", "chicken", "--concept", "correlated"]),
    ("solve_markov_commons3", ["solve", "commons_markov:n=3"]),
    ("solve_compact_pg5_flag", ["solve", PG5 + ",compact=true"]),
    # --- design
    ("design_pg5_k3", ["design", PG5, "--k", "3"]),
    ("design_cournot3_k2", ["design", COURNOT3, "--k", "2"]),
    ("design_cournot3_k2_nash", ["design", COURNOT3, "--k", "2", "--timing", "nash"]),
    ("design_cournot4_k2", ["design", "cournot:n=4,a=12,c=0,grid=2|3", "--k", "2"]),
    ("design_npd4_k3_optimistic_lump_sum", ["design", NPD4, "--k", "3", "--selection", "optimistic",
                                            "--sharing", "lump_sum"]),
    # --- search (exhaustive or --max-games: independent of the machine's speed)
    ("search_members_gain_seed0", ["search", "members-gain", "--seed", "0", "--max-games", "200"]),
    ("search_welfare_rises_3p_seed1", ["search", "welfare-rises", "--players", "3", "--seed", "1",
                                       "--max-games", "100"]),
    ("search_outsiders_gain_seed4_nash", ["search", "outsiders-gain", "--seed", "4", "--max-games", "300",
                                          "--timing", "nash", "--tie", "outside"]),
    # --- prove (z3)
    ("prove_members_gain_2p", ["prove", "members-gain", "--players", "2"]),
    ("prove_welfare_rises_2x3", ["prove", "welfare-rises", "--players", "2", "--actions", "2,3"]),
    ("prove_optimum_reachable_2p_k2", ["prove", "optimum-reachable", "--players", "2", "--k", "2"]),
]

#: Commands whose golden case is JSON (``--format json`` is appended); TEXT_CASES are printed as text.
TEXT_CASES: list[tuple[str, list[str]]] = [
    ("text_analyze_pg4_k3", ["analyze", PG4, "--k", "3"]),
    ("text_analyze_markov_commons3_k2", ["analyze", "commons_markov:n=3", "--k", "2"]),
    ("text_analyze_compact_iea30_k3", ["analyze", "iea:n=30,b=1,c=1", "--k", "3"]),
    ("text_design_pg5_k3", ["design", PG5, "--k", "3"]),
    ("latex_analyze_cournot3_k2", ["analyze", COURNOT3, "--k", "2", "--format", "latex"]),
]

_VOLATILE_KEYS = {"elapsed_seconds", "seconds"}
_VOLATILE_TEXT = re.compile(r"\d+(\.\d+)?\s*(s|seconds)\b")


def _strip(doc: Any, parent: str | None = None) -> Any:
    """``doc`` without wall-clock fields and the z3 version (they vary between runs and machines)."""
    if isinstance(doc, dict):
        return {k: _strip(v, k) for k, v in doc.items()
                if k not in _VOLATILE_KEYS and not (parent == "solver" and k == "version")}
    if isinstance(doc, list):
        return [_strip(v, parent) for v in doc]
    return doc


def _run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> dict[str, Any]:
    code = main(argv)
    out, err = capsys.readouterr()
    return {"argv": argv, "exit": code, "stdout": out, "stderr": err}


def _portable(argv: list[str]) -> list[str]:
    """argv as stored: paths relative to tests/ so the files do not depend on the checkout's location."""
    return [os.path.relpath(a, Path(__file__).parent) if a.startswith(str(DATA)) else a for a in argv]


def _check(name: str, record: dict[str, Any], *, as_json: bool) -> None:
    stored_form = dict(record, argv=_portable(record["argv"]))
    if as_json:
        stored_form["stdout"] = _strip(json.loads(record["stdout"])) if record["stdout"] else None
    else:
        stored_form["stdout"] = _VOLATILE_TEXT.sub("<time>", record["stdout"]).splitlines()
    path = GOLDEN / f"{name}.json"
    if REGENERATE and (REGENERATE == "1" or name in REGENERATE.split(",")):
        GOLDEN.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(stored_form, indent=1, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")
    assert path.exists(), f"no golden file {path}; generate it with CONTRACT_THEORY_REGENERATE_GOLDEN={name}"
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert stored_form["exit"] == expected["exit"], f"{name}: exit status changed"
    assert stored_form["stderr"] == expected["stderr"], f"{name}: stderr changed"
    assert stored_form["stdout"] == expected["stdout"], f"{name}: output changed"


_HAS_Z3 = importlib.util.find_spec("z3") is not None


@pytest.mark.parametrize("name, argv", CASES, ids=[c[0] for c in CASES])
def test_json_output_unchanged(capsys: pytest.CaptureFixture[str], name: str, argv: list[str]) -> None:
    if argv[0] == "prove" and not _HAS_Z3:
        pytest.skip("prove needs z3 (pip install 'contract-theory[prove]')")
    _check(name, _run(capsys, [*argv, "--format", "json"]), as_json=True)


@pytest.mark.parametrize("name, argv", TEXT_CASES, ids=[c[0] for c in TEXT_CASES])
def test_text_output_unchanged(capsys: pytest.CaptureFixture[str], name: str, argv: list[str]) -> None:
    _check(name, _run(capsys, argv), as_json=False)


def test_every_golden_file_is_a_case() -> None:
    """No stored file is left over from a removed case (it would silently stop being checked)."""
    names = {c[0] for c in CASES + TEXT_CASES}
    stored = {p.stem for p in GOLDEN.glob("*.json")}
    assert stored <= names, f"golden files without a case: {sorted(stored - names)}"
    assert len(CASES) >= 40 and len({c[0] for c in CASES}) == len(CASES)


def test_strip_removes_only_volatile_fields() -> None:
    doc = {"elapsed_seconds": 1.5, "solver": {"name": "z3", "version": "4", "tried": [{"seconds": 0.1, "result": "sat"}]},
           "certificate": {"version": 1}}
    assert _strip(doc) == {"solver": {"name": "z3", "tried": [{"result": "sat"}]}, "certificate": {"version": 1}}
