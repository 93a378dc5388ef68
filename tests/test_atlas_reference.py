"""The merged encoding decides the atlas exactly as the encoding built node by node did (issues 22, 26).

Reference: ``tests/data/atlas-reference.json``, the 288 atlas cells decided by
:func:`contract_theory.search.prove.prove` at commit 27b09ea, when the failure formulas were built
node by node (stable-is-best 2x2x2: 33,188 nodes, 3,156 of them distinct) and the report left out
36 of its cells for time.  Oracles:

* structure: the merged formula :func:`~contract_theory.search.encoding.failure_formula` returns is
  the unmerged one with equal nodes merged (:func:`~contract_theory.search.encoding.canonical`): the
  same SMT-LIB text, so z3 reads the same terms (it merges equal terms itself when it parses);
* text: :func:`~contract_theory.search.prove.smt2` (a walk over the cached post-order) writes what the
  recursive generator it replaced wrote (kept below as ``_recursive_smt2``);
* decisions: cells decided again give the reference's verdict, margin, ties and counterexample,
  a sample here (one 2x2x2 convention's 8 cells, every 2x2 cell, the 2x3 stable-is-best cells of one
  convention; on two worker processes through :class:`~contract_theory.report.atlas.AtlasRun`) and
  all 288 under ``slow``.
"""

from __future__ import annotations

import json
import os

import pytest

pytest.importorskip("z3")

from contract_theory.report.atlas import AtlasRun, atlas_cells, report_cells  # noqa: E402
from contract_theory.search.claims import claim_parameters, get_claim  # noqa: E402
from contract_theory.search.encoding import (  # noqa: E402
    And,
    Atom,
    canonical,
    failure_formula,
    formula_size,
    unmerged_formula,
)
from contract_theory.search.prove import smt2  # noqa: E402

HERE = os.path.dirname(__file__)
COMPARED = ("verdict", "margin", "ties", "counterexample")


def _key(c):
    return (c["claim"], tuple(c["shape"]), c["timing"], c["selection"], c["sharing"], c["tie"])


@pytest.fixture(scope="module")
def reference():
    with open(os.path.join(HERE, "data", "atlas-reference.json")) as fh:
        return {_key(r): r for r in json.load(fh)["rows"]}


def _params(c):
    params = {k: c[k] for k in ("timing", "selection", "sharing")}
    if c["tie"] is not None:
        params["tie"] = c["tie"]
    return claim_parameters(get_claim(c["claim"]), len(c["shape"]), params)


def _recursive_smt2(f, size, tighten, name="fails"):
    """The generator ``smt2`` had before the post-order walk (recursive, shared nodes once by id)."""
    lines = [f"(declare-fun x{j} () Real)" for j in range(size)]
    ids = {}

    def go(g):
        if id(g) in ids:
            return ids[id(g)]
        if isinstance(g, Atom):
            lhs = "(+ " + " ".join(f"(* {c} x{j})" for j, c in g.terms) + ")" if len(g.terms) > 1 else \
                f"(* {g.terms[0][1]} x{g.terms[0][0]})"
            body = f"(>= {lhs} {g.norm})" if tighten else f"({'>' if g.strict else '>='} {lhs} 0)"
        else:
            kids = [go(c) for c in g.children]
            op = "and" if isinstance(g, And) else "or"
            body = (f"({op} {' '.join(kids)})" if len(kids) > 1 else kids[0]) if kids else \
                ("true" if isinstance(g, And) else "false")
        ref = f"{name}{len(ids)}"
        lines.append(f"(define-fun {ref} () Bool {body})")
        ids[id(g)] = ref
        return ref

    lines.append(f"(assert {go(f)})")
    return "\n".join(lines)


#: one 2x2x2 convention (all 5 claims and the 4 tie rules), and the stable-is-best cells of the other shapes
SAMPLE_CONVENTION = ("nash", "pessimistic", "lump_sum")


def _sample():
    return [c for c in atlas_cells() if len(c["shape"]) == 2 and c["shape"] == [2, 2]
            or (c["timing"], c["selection"], c["sharing"]) == SAMPLE_CONVENTION
            and (c["shape"] == [2, 2, 2] or c["claim"] == "stable-is-best")]


def test_the_report_decides_the_whole_atlas_and_the_reference_has_every_cell(reference):
    cells = report_cells()
    assert len(cells) == 288 and cells == atlas_cells()
    assert set(reference) == {_key(c) for c in cells}
    # 2x2x2 stable-is-best: 12 conventions x 4 tie rules, the 36 under outside/both-weak/both-strict included
    assert sum(c["shape"] == [2, 2, 2] and c["claim"] == "stable-is-best" for c in cells) == 48


@pytest.mark.parametrize("shape", [(2, 2), (2, 3), (2, 2, 2)])
def test_the_merged_formula_is_the_unmerged_one_with_equal_nodes_merged(shape):
    for c in atlas_cells((shape,)):
        if (c["timing"], c["selection"], c["sharing"]) not in (("stackelberg", "pessimistic", "equal"),
                                                               ("nash", "optimistic", "none")):
            continue  # every claim and tie rule under two conventions: a few seconds
        p = _params(c)
        enc, merged, _ = failure_formula(c["claim"], shape, p)
        raw = unmerged_formula(c["claim"], shape, p)
        assert formula_size(canonical(merged)) == formula_size(merged), c  # nothing left to merge
        for tighten in (False, True):
            assert smt2(merged, enc.size, tighten) == smt2(canonical(raw), enc.size, tighten), (c, tighten)
        if shape == (2, 2, 2) and c["claim"] == "stable-is-best":
            assert formula_size(raw)["nodes"] > 5 * formula_size(merged)["nodes"], c


def test_smt2_writes_what_the_recursive_generator_wrote():
    for name, shape in (("stable-is-best", (2, 2, 2)), ("optimum-reachable", (2, 3)), ("members-gain", (2, 2))):
        c = {"claim": name, "shape": list(shape), "timing": "stackelberg", "selection": "optimistic",
             "sharing": "equal", "tie": "both-weak" if name == "stable-is-best" else None}
        p = _params(c)
        enc, merged, _ = failure_formula(name, shape, p)
        raw = unmerged_formula(name, shape, p)  # shared and unshared nodes: the walk order matters
        for f in (merged, raw):
            for tighten in (False, True):
                assert smt2(f, enc.size, tighten) == _recursive_smt2(f, enc.size, tighten)


def _decided(cells, workers=1, progress=None):
    return AtlasRun(cells, cache="", workers=workers, progress=progress).start().finish()["rows"]


def _mismatches(rows, reference):
    return [(_key(r), {k: (r.get(k), reference[_key(r)].get(k)) for k in COMPARED
                       if r.get(k) != reference[_key(r)].get(k)})
            for r in rows if any(r.get(k) != reference[_key(r)].get(k) for k in COMPARED)]


def test_a_sample_of_cells_decides_as_the_reference_on_two_workers(reference):
    cells = _sample()
    assert len(cells) == 96 + 8 + 4 and sum(c["shape"] == [2, 2, 2] for c in cells) == 8
    lines = []
    rows = _decided(cells, workers=2, progress=lines.append)
    assert [_key(r) for r in rows] == [_key(c) for c in cells]  # the atlas's order, whatever the workers did
    assert _mismatches(rows, reference) == []
    # a line each time 48 more cells are decided, and at the end (groups of 24, 8 and 4 arrive in any order)
    counts = [int(line.removeprefix("[atlas ").removesuffix("/108 cells]")) for line in lines]
    assert lines == [f"[atlas {n}/108 cells]" for n in counts] and counts[-1] == 108 and len(counts) in (2, 3)
    assert all(b - a >= 48 for a, b in zip([0] + counts[:-2], counts[:-1])), lines
    # a hand-checkable reference cell: members-gain fails on 2x2 under equal sharing (tests/test_prove.py)
    assert reference[("members-gain", (2, 2), "stackelberg", "pessimistic", "equal", None)]["verdict"] == "fails"


@pytest.mark.slow
def test_the_whole_atlas_decides_as_the_reference(reference):
    rows = _decided(atlas_cells(), workers=2)
    assert _mismatches(rows, reference) == []
