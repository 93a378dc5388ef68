"""The claims-atlas cache is data, not truth (issue 27 item 4): tampering.

(The malformed caches -- a list, null, cells a list, not JSON, a folder, unwritable -- are cases of
``tests/test_hostile_inputs.py``, category ``cache``.)

A cached ``fails`` cell is re-verified by the independent certificate code, a cached ``holds`` cell
by its seal; anything malformed or failing verification is ignored, recomputed and rewritten with a
note, and a cache that cannot be written degrades to no cache.  The reference rows come from
:func:`contract_theory.search.prove.prove` itself (a cold run); the 2x2 cells of two claims keep the
module at a few seconds.  Hand derivation of one reference cell: ``members-gain`` under equal
sharing fails on 2x2 games (the grand coalition splits W equally, so the player who got more
without a contract can lose; ``tests/test_prove.py`` checks its margin), ``optimum-reachable`` holds
in every 2x2 cell (K = N = 2: the grand coalition picks an optimal profile).
"""

import copy
import json
import time

import pytest

pytest.importorskip("z3")

from contract_theory.report.atlas import CACHE_FORMAT, claims_atlas  # noqa: E402

CLAIMS = ("members-gain", "optimum-reachable")
SHAPES = ((2, 2),)


def _atlas(cache):
    """``claims_atlas`` on the module's cells, run in a forked child: z3 keeps state between calls in
    one process (a later ``prove`` may find another counterexample), so these many proofs stay out
    of the test process and cannot change what other test modules see."""
    import os
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        result_path = fh.name
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 1
        try:
            result = claims_atlas(shapes=SHAPES, budget_seconds=300, cache=cache, claims=CLAIMS)
            with open(result_path, "w") as out:
                json.dump(result, out)
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    try:
        assert os.waitstatus_to_exitcode(status) == 0, "the atlas failed in the child"
        with open(result_path) as fh:
            return json.load(fh)
    finally:
        os.unlink(result_path)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """A cold run (every cell proved) and the cache it wrote."""
    path = str(tmp_path_factory.mktemp("atlas") / "atlas.json")
    first = _atlas(path)
    with open(path) as fh:
        return first, json.load(fh)


def _write(tmp_path, doc, name="atlas.json"):
    path = tmp_path / name
    path.write_text(json.dumps(doc) if not isinstance(doc, str) else doc)
    return str(path)


def _verdicts(result):
    """The verdict of every cell (a recomputed ``fails`` cell may find another verified counterexample:
    z3's model depends on its state in the process, so margins are compared only for cached reads)."""
    return [(r["claim"], r["timing"], r["selection"], r["sharing"], r["verdict"]) for r in result["rows"]]


def test_the_reference_run_decides_every_cell_and_a_second_run_reads_them_verified(reference, tmp_path):
    first, doc = reference
    assert first["computed"] == 24 and first["not_run"] == 0 and first["cache_notes"] == []
    verdicts = {(r["claim"], r["timing"], r["selection"], r["sharing"]): r["verdict"] for r in first["rows"]}
    assert all(v == "holds" for k, v in verdicts.items() if k[0] == "optimum-reachable")
    assert verdicts[("members-gain", "stackelberg", "pessimistic", "equal")] == "fails"
    assert doc["format"] == CACHE_FORMAT and doc["version"] == 2
    fails = [e for e in doc["cells"].values() if e["verdict"] == "fails"]
    holds = [e for e in doc["cells"].values() if e["verdict"] == "holds"]
    assert fails and holds and all("certificate" in e for e in fails)
    assert all(len(e["seal"]) == 64 for e in doc["cells"].values())
    path = _write(tmp_path, doc)
    t0 = time.perf_counter()
    again = _atlas(path)
    seconds = time.perf_counter() - t0
    assert again["cached"] == 24 and again["computed"] == 0 and again["rows"] == first["rows"]  # margins too
    assert seconds < 10, seconds  # one certificate check per fails cell, one hash per holds cell


def test_a_cache_with_every_verdict_flipped_is_detected_and_rebuilt(reference, tmp_path):
    first, doc = reference
    flipped = copy.deepcopy(doc)
    for entry in flipped["cells"].values():  # the key is kept; only the verdicts change
        entry["verdict"] = "fails" if entry["verdict"] == "holds" else "holds"
    path = _write(tmp_path, flipped)
    rebuilt = _atlas(path)
    assert rebuilt["cached"] == 0 and rebuilt["computed"] == 24
    assert _verdicts(rebuilt) == _verdicts(first)  # every cell recomputed: the true verdicts
    assert any("24 cached cell(s) failed verification" in n for n in rebuilt["cache_notes"])
    with open(path) as fh:
        rewritten = json.load(fh)["cells"]
    assert {k: e["verdict"] for k, e in rewritten.items()} == {k: e["verdict"] for k, e in doc["cells"].items()}
    third = _atlas(path)  # the rewritten cache verifies
    assert third["cached"] == 24 and third["computed"] == 0 and _verdicts(third) == _verdicts(first)


def test_flipped_verdicts_with_recomputed_seals_are_still_refused(reference, tmp_path):
    """A forger who recomputes the seals: a flipped ``holds`` has no counterexample to re-verify, a
    flipped ``fails`` still carries one (the certificate says the claim fails)."""
    import z3

    from contract_theory.report.atlas import _code_key, _seal

    first, doc = reference
    key = _code_key(z3.get_version_string())
    flipped = copy.deepcopy(doc)
    for cell, entry in flipped["cells"].items():
        entry["verdict"] = "fails" if entry["verdict"] == "holds" else "holds"
        entry["seal"] = _seal(key, cell, entry)
    rebuilt = _atlas(_write(tmp_path, flipped))
    assert rebuilt["cached"] == 0 and rebuilt["computed"] == 24 and _verdicts(rebuilt) == _verdicts(first)


@pytest.mark.parametrize("tamper, why", [
    (lambda cells, key: cells[key]["certificate"]["game"]["payoffs"][0].__setitem__(0, "99"), "payoff changed"),
    (lambda cells, key: cells[key]["certificate"]["claim"]["parameters"].__setitem__("sharing", "none"),
     "certificate of another cell"),
    (lambda cells, key: cells[key].__setitem__("certificate", None), "no certificate"),
    (lambda cells, key: cells[key]["certificate"].__setitem__("margin", {"value": "1000", "ties": []}),
     "margin edited"),
])
def test_a_tampered_counterexample_is_recomputed(reference, tmp_path, tamper, why):
    """Caught twice over: by the seal, and -- with the seal recomputed as a forger would -- by the
    certificate code (except the margin, which only the seal covers: module docstring of the atlas)."""
    from contract_theory.report.atlas import _code_key, _seal

    first, doc = reference
    for reseal in (False, True):
        bad = copy.deepcopy(doc)
        key = next(k for k, e in bad["cells"].items() if e["verdict"] == "fails")
        tamper(bad["cells"], key)
        if reseal:
            if why == "margin edited":
                continue
            import z3
            bad["cells"][key]["seal"] = _seal(_code_key(z3.get_version_string()), key, bad["cells"][key])
        result = _atlas(_write(tmp_path, bad))
        assert result["computed"] == 1 and result["cached"] == 23, (why, reseal)
        assert _verdicts(result) == _verdicts(first)


def test_a_seal_moved_to_another_cell_is_refused(reference, tmp_path):
    first, doc = reference
    bad = copy.deepcopy(doc)
    holds = [k for k, e in bad["cells"].items() if e["verdict"] == "holds"]
    fails = next(k for k, e in bad["cells"].items() if e["verdict"] == "fails")
    bad["cells"][fails] = copy.deepcopy(bad["cells"][holds[0]])  # a valid seal, but of another cell
    result = _atlas(_write(tmp_path, bad))
    assert result["computed"] == 1 and _verdicts(result) == _verdicts(first)
