"""Coalition structures by composition against the labelled enumeration (the definition).

The composition engine (``contracting.modifications.structure_classes`` and the class-level
stability of ``coalition_structures``) must give, for every class's canonical structure, exactly
the outcome and the stability verdict (with its witness) that the player-by-player enumeration of
labelled structures gives that structure, and the same best welfare, curve and counts.
"""

from __future__ import annotations

import time
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contract_theory import Rules
from contract_theory.contracting.modifications.coalition_structures import count_structures, structure_analysis
from contract_theory.contracting.modifications.structure_classes import (
    class_multiplicity,
    count_structure_classes,
    structure_classes,
)
from contract_theory.errors import SizeLimitError
from contract_theory.games.compact import AggregativeGame, AnonymousGame
from contract_theory.games.compact_library import public_goods_compact
from contract_theory.games.library import public_goods


def _random_anonymous(type_counts, n_actions, seed, high):
    """A typed anonymous game with integer payoffs drawn per (type, action, counts): small ranges make ties."""
    rng = np.random.default_rng(seed)
    table: dict = {}

    def pay(t, b, c):
        key = (t, b, c)
        if key not in table:
            table[key] = int(rng.integers(0, high + 1))
        return table[key]

    return AnonymousGame(type_counts, [[str(a) for a in range(m)] for m in n_actions], pay)


def _same(comp, dense):
    assert comp.by_composition and not dense.by_composition
    assert comp.n_structures == len(dense.outcomes)
    assert comp.optimum_welfare == dense.optimum_welfare
    assert (comp.best is None) == (dense.best is None)
    if comp.best is not None:
        assert (comp.best.welfare, comp.best.contracts) == (dense.best.welfare, dense.best.contracts)
    assert comp.one_contract_welfare == dense.one_contract_welfare
    assert comp.curve == dense.curve
    for s, o in comp.outcomes.items():
        d = dense.outcomes[s]
        assert (o.profile, o.payoffs, o.welfare) == (d.profile, d.payoffs, d.welfare), s
        assert comp.stability[s] == dense.stability[s], s
    # the classes' welfare stands for all their labelled structures (relabelling keeps the welfare)
    by_welfare: dict = {}
    for o in dense.outcomes.values():
        by_welfare[o.welfare] = by_welfare.get(o.welfare, 0) + 1
    comp_welfare: dict = {}
    for s, o in comp.outcomes.items():
        comp_welfare[o.welfare] = comp_welfare.get(o.welfare, 0) + comp.multiplicity[s]
    assert comp_welfare == by_welfare


rules = st.builds(Rules, timing=st.sampled_from(["nash", "stackelberg"]),
                  selection=st.sampled_from(["pessimistic", "optimistic"]),
                  sharing=st.sampled_from(["equal", "none", "lump_sum"]))


@settings(deadline=None)
@given(st.integers(3, 5), st.integers(0, 10**6), st.integers(1, 3), rules, st.data())
def test_symmetric_dense_by_composition_is_the_enumeration(n, seed, high, r, data):
    """One type, two actions, payoffs in 0..high (ties are frequent): every class agrees with the
    labelled enumeration, including stability witnesses under both tie rules."""
    g = _random_anonymous([n], [2], seed, high).to_dense()
    k = data.draw(st.integers(2, n))
    move = data.draw(st.sampled_from(["strict", "weak"]))
    comp = structure_analysis(g, k, r, move_tie=move)
    dense = structure_analysis(g, k, r, move_tie=move, use_symmetry=False)
    _same(comp, dense)


@settings(deadline=None)
@given(st.sampled_from([(2, 1), (1, 2), (2, 2), (3, 1)]), st.integers(0, 10**6), rules, st.data())
def test_typed_compact_by_composition_is_the_enumeration(counts, seed, r, data):
    """Two types (a compact game solved through its small dense form, per type)."""
    g = _random_anonymous(list(counts), [2, 2], seed, 3)
    k = data.draw(st.integers(2, sum(counts)))
    _same(structure_analysis(g, k, r), structure_analysis(g.to_dense(), k, r, use_symmetry=False))


@settings(deadline=None)
@given(st.sampled_from([[4], [5], [2, 2], [3, 2]]), st.integers(0, 10**6), rules, st.data())
def test_linear_aggregative_by_counts_is_the_enumeration(counts, seed, r, data):
    """A linear aggregative game u = alpha_t X + h_t(x) with small integer coefficients (ties among
    actions are frequent): the counts engine against the dense enumeration of its dense form."""
    rng = np.random.default_rng(seed)
    T = len(counts)
    polys = [{(0, 1): int(rng.integers(0, 3)), (1, 0): int(rng.integers(-3, 2)), (2, 0): int(rng.integers(-1, 1))}
             for _ in range(T)]
    g = AggregativeGame(counts, [[0, 1, 2]] * T, poly=polys)
    assert g.linear is not None
    k = data.draw(st.integers(2, sum(counts)))
    _same(structure_analysis(g, k, r), structure_analysis(g.to_dense(), k, r, use_symmetry=False))


def test_public_goods_ten_players_by_composition_in_seconds():
    """Issue 21 item 5: public goods N = 10, r = 3, e = 1 at K = 3 and 4 -- 61,136 and 106,012 labelled
    structures, refused before -- are 14 and 23 classes.  u_i = 3 X / 10 + (1 - x_i), x_i in {0, 1}:
    a block of b members gains 3b/10 - 1 per contributing member, so it contributes iff b >= 4
    (dominant, whatever the others do).  W* = 30 (everyone contributes) needs every block of 4 or
    more, impossible within K = 4 (10 = 4 + 4 + 2 at best); with K = 3 nobody contributes:
    W_3 = the no-contract 10."""
    g = public_goods(10, 3, 1)
    t0 = time.perf_counter()
    a3 = structure_analysis(g, 3)
    a4 = structure_analysis(g, 4)
    elapsed = time.perf_counter() - t0
    assert (len(a3.outcomes), a3.n_structures) == (14, 61136)
    assert (len(a4.outcomes), a4.n_structures) == (23, count_structures(10, 4))
    assert a3.best.welfare == 10 and a3.curve.min_k_for_optimum is None
    # K = 4: blocks 4 + 4 + (2 or 1 + 1): the 8 contributors put 8 in, the pot 8 * 3 = 24 is shared by
    # all ten (12/5 each); contributors keep 0, the 2 others 1 each: W = 24 + 2 = 26.
    assert a4.best.welfare == 26 and a4.best.structure[:2] == ((0, 1, 2, 3), (4, 5, 6, 7))
    compact = public_goods_compact(10, 3, 1)
    assert structure_analysis(compact, 4).best.welfare == 26
    assert elapsed < 30


def test_compact_hundred_players_and_the_budget():
    """N = 100 (compact, linear): 884 classes at K = 3 and 8,037 at K = 4; a bloc contributes iff
    3b/100 > 1, i.e. b >= 34, so no block within K = 4 contributes: W_K = the no-contract 100.
    Beyond the budget the refusal comes before any solve."""
    g = public_goods_compact(100, 3, 1)
    a = structure_analysis(g, 3)
    assert len(a.outcomes) == 884 and a.best.welfare == 100 and a.optimum_welfare == 300
    t0 = time.perf_counter()
    with pytest.raises(SizeLimitError, match="8037 classes .* exceed max_structures=1000.*--max-structures"):
        structure_analysis(g, 4, Rules().replace(max_structures=1000))
    assert time.perf_counter() - t0 < 1
    assert count_structure_classes((100,), 4) == 8037


def test_class_counts_cover_every_structure():
    for n in range(1, 8):
        for k in range(1, n + 1):
            assert sum(class_multiplicity((n,), c) for c in structure_classes((n,), k)) == count_structures(n, k)
            for a in range(1, n):
                total = sum(class_multiplicity((a, n - a), c) for c in structure_classes((a, n - a), k))
                assert total == count_structures(n, k)
    assert Fraction(count_structures(10, 3)) == 61136
