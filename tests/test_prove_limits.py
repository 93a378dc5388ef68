"""``prove`` estimates its encoding before building it (issue 27 item 2).

Oracles: the estimate (:func:`estimated_atoms`) against the atoms of the formulas the builders make
before merging (:func:`unmerged_formula`, :func:`formula_size`) on every encodable claim, both
timings, shapes up to 2x2x2x2; the issue's two oversize commands (``--players 30``,
``--actions 1000``, which reached 6.7 GB and 8.2 GB before) refused in under 2 s with a small peak
allocation (tracemalloc in process, ``ru_maxrss`` of the CLI child).
"""

from __future__ import annotations

import subprocess
import sys
import time
import tracemalloc

import pytest

from contract_theory.errors import ParameterError, SizeLimitError
from contract_theory.games.size import size_limit
from contract_theory.search.claims import claim_parameters, get_claim
from contract_theory.search.encoding import (
    ENCODABLE,
    EncodingError,
    EncodingSizeError,
    canonical,
    check_encoding_size,
    estimated_atoms,
    failure_formula,
    formula_size,
    unmerged_formula,
)
from contract_theory.search.margin import counterexample_margin

SHAPES = [(2, 2), (2, 3), (3, 2), (3, 3), (2, 2, 2), (2, 3, 2), (2, 2, 2, 2)]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("timing", ["stackelberg", "nash"])
def test_the_estimate_bounds_the_built_formula_within_a_factor_four(shape, timing):
    for name in ENCODABLE:
        if len(shape) == 4 and name != "welfare-rises":
            continue  # seconds each (stable-is-best: 1.5 M estimated atoms, the case the estimate refuses)
        p = claim_parameters(get_claim(name), len(shape), {"timing": timing})
        with size_limit(10**9):
            enc, f, _ = failure_formula(name, shape, p)
        # the estimate bounds what the builders make before merging (the most a build allocates) ...
        atoms = formula_size(unmerged_formula(name, shape, p))["atoms"]
        est = estimated_atoms(name, shape, p["k"], timing)
        assert est >= atoms, (name, shape, timing, atoms, est)
        assert atoms == 0 or est <= 4 * atoms, (name, shape, timing, atoms, est)
        # ... and the merged formula is that formula with equal nodes merged
        assert formula_size(f) == formula_size(canonical(unmerged_formula(name, shape, p))), (name, shape, timing)


def test_the_estimate_is_the_budget_check_and_is_exact_integer_arithmetic():
    p = {"k": 2, "timing": "stackelberg"}
    # 2x2 welfare-rises: P = 4, N = 2, D = 2.  No contract: 2PD + 3P(P-1) + P^2(D+3) = 16 + 36 + 80 = 132.
    # The one coalition {0, 1}: M_S = 4, G = 1, D_S = 0, a = 0 + 1 * 6 = 6;
    # 6P^2 + P(0 + 8 + 6) = 96 + 56 = 152; claim P^2 max(2, 0) = 32.  Total 316 atoms x 8 variables.
    assert estimated_atoms("welfare-rises", (2, 2), 2, "stackelberg") == 316
    assert check_encoding_size("welfare-rises", (2, 2), p) == 316 * 8
    with size_limit(316 * 8):
        assert check_encoding_size("welfare-rises", (2, 2), p) == 2528
    with size_limit(316 * 8 - 1), pytest.raises(EncodingSizeError) as err:
        check_encoding_size("welfare-rises", (2, 2), p)
    assert "2,528 cells, above the limit of 2,527 cells" in str(err.value)
    assert "--max-entries 2528" in str(err.value)
    assert isinstance(err.value, SizeLimitError) and isinstance(err.value, EncodingError)


def _refused_in_process(players, actions):
    pytest.importorskip("z3")
    from contract_theory.search.prove import prove

    tracemalloc.start()
    t0 = time.perf_counter()
    with pytest.raises(EncodingSizeError) as err:
        prove("welfare-rises", players, actions)
    elapsed = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return str(err.value), elapsed, peak


def test_the_issues_thirty_players_are_refused_before_allocation():
    msg, elapsed, peak = _refused_in_process(30, 2)
    assert elapsed < 2 and peak < 10 * 2**20, (elapsed, peak)  # before: 6.7 GB
    # 2^30 profiles x 30 players = 32,212,254,720 payoff variables; K = 29 (the default N - 1).
    assert "1,073,741,824 profiles x 30 players" in msg and "32,212,254,720 payoff variables" in msg
    assert "above the limit of 4,194,304 cells" in msg
    assert "prove_symmetric: 60 payoff unknowns" in msg  # 2 actions x C(30, 1) counts of the others
    assert "smaller shape" in msg


def test_the_issues_thousand_actions_are_refused_before_allocation():
    msg, elapsed, peak = _refused_in_process(2, 1000)
    assert elapsed < 2 and peak < 10 * 2**20, (elapsed, peak)  # before: 8.2 GB
    # P = 10^6, D = 1998: the no-contract selection alone is 3P(P-1) + P^2(D+3) ~ 2.0e15 atoms.
    assert "1,000,000 profiles x 2 players" in msg and "about 2.014e+15 linear inequalities" in msg
    assert "prove_symmetric" not in msg  # 1000 x C(1000, 999) = 10^6 count unknowns: no way out there


#: Runs the command line in this child and writes the child's peak resident memory (VmHWM, kB) to argv[1]:
#: VmHWM belongs to the address space made at exec, while ru_maxrss (RUSAGE_CHILDREN or os.wait4) keeps the
#: high-water mark of the forked copy of the parent, 1.5 GB inside the full test session.
_PEAK = """
import re, sys
path = sys.argv.pop(1)
sys.argv[0] = "contract-theory"
try:
    from contract_theory.cli import main
    sys.exit(main(sys.argv[1:]))
finally:
    with open("/proc/self/status") as fh:
        hwm = re.search(r"VmHWM:\\s+(\\d+) kB", fh.read()).group(1)
    with open(path, "w") as out:
        out.write(hwm)
"""


def test_cli_refuses_the_issues_sizes_with_one_line_and_exit_two(tmp_path):
    pytest.importorskip("z3")
    peak = tmp_path / "peak"
    for extra in (["--players", "30"], ["--players", "2", "--actions", "1000"]):
        proc = subprocess.run([sys.executable, "-c", _PEAK, str(peak), "prove", "welfare-rises", *extra],
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 2 and proc.stdout == "", proc.stderr
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("contract-theory: error: the encoding of welfare-rises")
        assert "use a compact game" not in lines[0]  # the encoding's own way out, no generic suffix
        assert int(peak.read_text()) < 1024 * 1024  # kB: the refusal allocates nothing big (was 6.7 / 8.2 GB)


def test_a_raised_limit_lets_the_same_shape_through():
    p = claim_parameters(get_claim("stable-is-best"), 4, {})
    with pytest.raises(EncodingSizeError):
        check_encoding_size("stable-is-best", (2, 2, 2, 2), p)
    with size_limit(10**8):
        assert check_encoding_size("stable-is-best", (2, 2, 2, 2), p) <= 10**8


def test_a_searchs_margin_on_an_oversize_encoding_is_skipped_not_a_crash():
    # stable-is-best on 2x2x2x2 (about 1.5 M atoms) has no margin within the budget: the margin says why.
    p = claim_parameters(get_claim("stable-is-best"), 4, {})
    table = [[[[[0] * 4] * 2] * 2] * 2] * 2
    out = counterexample_margin("stable-is-best", table, p)
    assert out["value"] is None and "above the limit" in out["reason"]


@pytest.mark.parametrize("timeout", [0, -1, float("nan"), float("inf")])
def test_prove_refuses_a_timeout_that_is_not_positive_and_finite(timeout):
    pytest.importorskip("z3")
    from contract_theory.search.prove import prove

    with pytest.raises(ParameterError, match="--timeout must be a positive finite number"):
        prove("welfare-rises", 2, 2, timeout=timeout)
