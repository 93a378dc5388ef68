"""The compiled vertex-enumeration kernel: exact wide arithmetic, tiers, limits, first-call cost.

* :mod:`contract_theory.equilibria._wide_int` against Python integers (hypothesis): 128-bit
  products and differences modulo 2**128, exact division through the inverse of the odd
  part, exact sign of a difference of two 256-bit products.
* The depth-first search with its int64 -> 128-bit -> Python-integer tiers gives the same
  vertices, label sets and number of lexicographic bases as the numpy kernel, on random
  positive matrices whose entries force each tier.
* Equilibrium sets equal to pygambit's rational enumeration (``enummixed_solve``, exact) on
  random generic games (payoffs 0..n^2-1, a permutation: no ties) and degenerate ones
  (payoffs 0..2), up to 8 x 8.
* :func:`lex_bases_bound` (McMullen's upper bound theorem) on polytopes with a known vertex
  count, and as an upper bound on what the search visits.
* Issue 29 item 2: a 30 x 30 and a 1000 x 1000 mixed solve are refused before any pivot, in
  under a second, under a 1 GB address-space cap (a subprocess with ``RLIMIT_AS``), and the
  CLI says so in one line with exit 2.
* Issue 28 item 3: in a fresh process with numba imported and an empty numba cache, the
  first 2 x 2 mixed solve takes under a second and never loads the kernel.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract_theory.equilibria import vertex_enumeration as ve
from contract_theory.equilibria.vertex_enumeration import lex_bases_bound, vertex_enumeration_solve
from contract_theory.errors import SizeLimitError
from contract_theory.games.normal_form import NormalFormGame
from contract_theory.games.size import size_limit
from tests.test_fast_paths import _gambit_extreme

W = pytest.importorskip("contract_theory.equilibria._wide_int")
ROOT = Path(__file__).resolve().parents[1]
M128 = 1 << 128


def _enc(v: int) -> tuple[np.uint64, np.uint64]:
    v %= M128
    return np.uint64(v >> 64), np.uint64(v & ((1 << 64) - 1))


def _dec(h: int, lo: int) -> int:
    v = (int(h) << 64) | int(lo)
    return v - M128 if v >= 1 << 127 else v


def _signed128(v: int) -> int:
    return _dec(*_enc(v))


BIG = st.integers(-(2 ** 126), 2 ** 126)


@given(BIG, BIG, BIG, BIG)
def test_wide_products_differences_and_exact_signs(a, b, c, d):
    assert _dec(*W.mul(*_enc(a), *_enc(b))) == _signed128(a * b)
    assert _dec(*W.sub(*_enc(a), *_enc(b))) == _signed128(a - b)
    assert abs(W.to_float(*_enc(a)) - a) <= abs(a) * 2.0 ** -52 + 1
    for x, y in ((c, d), (a, b)):  # equal products included
        diff = a * b - x * y
        assert W.cmp_products(_enc(a), _enc(b), _enc(x), _enc(y)) == (diff > 0) - (diff < 0)


@given(st.integers(-(2 ** 100), 2 ** 100), st.integers(0, 20), st.integers(1, 2 ** 60))
def test_exact_quotient_through_the_inverse_of_the_odd_part(q, s, odd):
    det = (2 * odd + 1) << s
    s_, oh, ol = W.odd_part(*_enc(det))
    assert (s_, _dec(oh, ol)) == (s, 2 * odd + 1)
    ih, il = W.inverse(np.uint64(oh), np.uint64(ol))
    assert (_dec(ih, il) * (2 * odd + 1)) % M128 == 1
    assert _dec(*W.exact_quotient(*_enc(q * det), s, np.uint64(ih), np.uint64(il))) == q
    if abs(q) < 2 ** (62 - s) and det < 2 ** 63:
        num = (q * det + 2 ** 63) % 2 ** 64 - 2 ** 63  # the int64 wrap of q * det
        assert W.quotient64(np.int64(num), s, np.uint64(W.inverse64(np.uint64(2 * odd + 1)))) == q


def _vertex_set(V: ve._Vertices) -> set:
    out = set()
    for v in range(len(V.labels)):
        nums, det = V.point(v)
        out.add((tuple(Fraction(c, det) for c in nums), tuple(np.flatnonzero(V.labels[v]).tolist())))
    return out


@pytest.mark.parametrize("shape, high, tier", [((6, 7), 9, 1), ((7, 6), 200, 1), ((6, 6), 10 ** 6, 2),
                                               ((4, 5), 10 ** 8, 2), ((5, 5), 10 ** 17, 3)])
def test_tiers_give_the_numpy_kernels_vertices(shape, high, tier):
    """Random positive matrices whose minors need int64, 128 bits, or more: the compiled search
    (widening in place) and the numpy breadth-first kernel find the same vertices (exact
    coordinates and label sets) and visit the same number of lexicographic bases."""
    from contract_theory.equilibria._lex_search import CompiledSearch

    kernel = ve._compiled_kernel()
    for seed in range(2):
        M = np.random.default_rng(seed).integers(1, high + 1, size=shape).astype(np.int64)
        search = CompiledSearch(kernel, M, 10 ** 5, 10 ** 6)
        assert search.run() == kernel.OK
        assert search.tier == tier
        fast = ve._polytope_vertices(M, 10 ** 5, 10 ** 6, "P", kernel)[0]
        ref = ve._enumerate_vertices(M, 10 ** 5, 10 ** 6, "P")
        assert _vertex_set(fast) == _vertex_set(ref)
        assert search.result().n_bases == fast.n_bases == ref.n_bases


@pytest.mark.parametrize("n, seeds, kind", [(6, range(3), "generic"), (8, range(1), "generic"),
                                            (6, range(3), "degenerate"), (7, range(1), "degenerate")])
def test_equilibrium_sets_equal_pygambits_rational_enumeration(n, seeds, kind):
    """Generic payoffs 0..n^2-1 (two random permutations: no equal payoffs, though integer
    payoffs can still make a game degenerate by coincidence: the 8 x 8 one here is) and
    small payoffs 0..2 (degenerate); the compiled kernel is forced.  pygambit 16.7 ``enummixed_solve(rational=True)``
    is the oracle (exact lrs-style enumeration of extreme equilibria)."""
    for seed in seeds:
        rng = np.random.default_rng(seed)
        if kind == "generic":
            A, B = (rng.permutation(n * n).reshape(n, n) for _ in range(2))
        else:
            A, B = (rng.integers(0, 3, (n, n)) for _ in range(2))
        g = NormalFormGame.from_bimatrix(A, B)
        an = ve._analyse(g, 10 ** 5, None, compiled=True)
        ours = {p.strategies for p, _, _ in ve._profiles(an)}
        assert ours == _gambit_extreme(g), (n, seed, kind)


def test_lex_bases_bound_matches_known_polytopes_and_bounds_the_search():
    """McMullen's bound: a d-simplex has d + 1 vertices (N = d + 1 facets); the 3-cube 8; the
    dual of the cyclic 4-polytope with N vertices has N (N - 3) / 2 vertices (the facets of
    C(N, 4); Ziegler, *Lectures on Polytopes*, 1995, example 0.6).  The unit d-cube
    ``{0 <= z <= 1}`` (M the identity) is simple with 2^d vertices: the search visits exactly
    those bases, within the bound.  On random degenerate games the bound holds for the bases
    visited (more than the vertices)."""
    assert [lex_bases_bound(1, d) for d in (1, 2, 5)] == [2, 3, 6]
    assert lex_bases_bound(3, 3) == 8
    assert [lex_bases_bound(N - 4, 4) for N in range(5, 11)] == [N * (N - 3) // 2 for N in range(5, 11)]
    cube = ve._polytope_vertices(np.eye(6, dtype=np.int64), 10 ** 5, 10 ** 6, "P", ve._compiled_kernel())[0]
    assert len(cube.labels) == cube.n_bases == 64 <= lex_bases_bound(6, 6)
    for seed in range(3):
        rng = np.random.default_rng(seed)
        g = NormalFormGame.from_bimatrix(rng.integers(0, 3, (7, 5)), rng.integers(0, 3, (7, 5)))
        an = ve._analyse(g, 10 ** 5, None, compiled=True)
        assert an.P.n_bases <= lex_bases_bound(5, 7) and an.Q.n_bases <= lex_bases_bound(7, 5)


def test_the_size_budget_refuses_before_pivoting():
    """The default budget (2**22 cells) admits every square game up to 16 x 16 (2 x 980,628
    bases at worst) and refuses 17 x 17 (2 x 2,163,150); :func:`size_limit` (``--max-entries``)
    moves the line: a 4 x 4 game may need 2 x 20 = 40 bases."""
    big = NormalFormGame.from_bimatrix(np.zeros((17, 17), dtype=np.int64), np.eye(17, dtype=np.int64))
    with pytest.raises(SizeLimitError, match=r"at most 4,326,300 lexicographic bases .* of a 17 x 17 game"):
        vertex_enumeration_solve(big)
    g = NormalFormGame.from_bimatrix(np.eye(4, dtype=np.int64), np.eye(4, dtype=np.int64))
    with size_limit(39), pytest.raises(SizeLimitError, match="at most 40 lexicographic bases"):
        vertex_enumeration_solve(g)
    with size_limit(40):
        assert len(vertex_enumeration_solve(g).equilibria) == 15  # the 2^4 - 1 supports of I x I


_CAPPED = textwrap.dedent("""
    import json, resource, sys, time
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
    from contract_theory.equilibria.vertex_enumeration import vertex_enumeration_solve
    from contract_theory.errors import SizeLimitError
    from contract_theory.games.library import random_game
    out = {}
    for n in (30, 1000):
        game = random_game((n, n), 0, 9, seed=1)
        t = time.perf_counter()
        try:
            vertex_enumeration_solve(game)
        except SizeLimitError as exc:
            out[n] = [time.perf_counter() - t, str(exc)]
    print(json.dumps(out))
""")


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def test_oversize_mixed_solves_are_refused_in_under_a_second_under_a_1gb_cap():
    proc = subprocess.run([sys.executable, "-c", _CAPPED], capture_output=True, text=True, env=_env(),
                          timeout=120, check=True)
    out = json.loads(proc.stdout)
    for n, (seconds, message) in ((30, out["30"]), (1000, out["1000"])):
        assert seconds < 1.0 and f"of a {n} x {n} game" in message and "--max-entries" in message
    cli = subprocess.run([sys.executable, "-c", "import resource, runpy, sys; "
                          "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30)); "
                          "sys.argv = ['contract-theory', 'solve', 'random:shape=30|30,seed=1', '--concept', 'mixed']; "
                          "runpy.run_module('contract_theory.cli', run_name='__main__')"],
                         capture_output=True, text=True, env=_env(), timeout=120)
    assert cli.returncode == 2 and cli.stdout == ""
    assert cli.stderr.count("\n") == 1 and "vertex enumeration: at most 919,646,468,224" in cli.stderr


_FIRST_CALL = textwrap.dedent("""
    import json, sys, time
    import numba  # loaded, as when quantecon or a learning module is in use
    from contract_theory.equilibria.vertex_enumeration import vertex_enumeration_solve
    from contract_theory.games.library import battle_of_the_sexes
    t = time.perf_counter()
    res = vertex_enumeration_solve(battle_of_the_sexes())
    print(json.dumps([time.perf_counter() - t, len(res.equilibria),
                      "contract_theory.equilibria._lex_kernel" in sys.modules]))
""")


def test_first_2x2_mixed_solve_in_a_fresh_process_with_numba_takes_under_a_second(tmp_path):
    env = {**_env(), "NUMBA_CACHE_DIR": str(tmp_path)}  # an empty cache: nothing compiled yet
    proc = subprocess.run([sys.executable, "-c", _FIRST_CALL], capture_output=True, text=True, env=env,
                          timeout=120, check=True)
    seconds, n_equilibria, kernel_loaded = json.loads(proc.stdout)
    assert n_equilibria == 3 and not kernel_loaded
    assert seconds < 1.0, seconds
