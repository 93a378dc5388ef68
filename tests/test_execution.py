"""Tests of contract_theory.util.execution and its users (issue 8): parallel_search, learning sweeps, CLI flags.

Oracles: the chunked search is compared with a plain re-implementation of its rule (one stream of
games from ``default_rng(seed)`` cut into chunks; the first failing game of the stream wins), with
the serial ``find_counterexample`` (same stream and enumeration order, so the same first
counterexample and the same count), and every sweep point with a direct ``run_experiment`` call.
Backends are compared with each other: serial, 2 processes, and a local Dask cluster of 2 worker processes.
"""

from __future__ import annotations

import json
import os
import sys

import numpy as np
import pytest

from contract_theory import cli
from contract_theory.errors import ParameterError
from contract_theory.games.library import stag_hunt
from contract_theory.learning.experiment import run_experiment
from contract_theory.learning.schedules import Constant
from contract_theory.learning.sweep import sweep
from contract_theory.search import parallel as ps_mod
from contract_theory.search.certificates import verify_certificate
from contract_theory.search.claims import claim_parameters, get_claim
from contract_theory.search.parallel import parallel_search
from contract_theory.search.search import find_counterexample
from contract_theory.search.spaces import GameSpace
from contract_theory.util.execution import (
    SCHEDULER_ENV,
    Chunk,
    ChunkError,
    Executor,
    chunk_seed,
    collect,
    dask_available,
    make_chunks,
    make_executor,
)

SPACE3 = GameSpace(players=(3, 3), high=3)          # 3x2x2x2 payoffs in 0..3: 4**24 tables -> random search
SPACE2 = GameSpace(players=(2, 2), high=3)          # 2x2 in 0..3: 65,536 tables -> exhaustive when allowed


# ---------------------------------------------------------------------------- job functions (module level: picklable)
def _square(chunk: Chunk) -> int:
    value, _ = chunk.payload
    return value * value


CALLS: list[int] = []


def _counting_square(chunk: Chunk) -> int:
    value, interrupt = chunk.payload
    CALLS.append(chunk.index)
    if interrupt:
        raise KeyboardInterrupt
    return value * value


def _flaky(chunk: Chunk) -> int:
    """Fails (or kills its worker) on the first attempt of the chunks named in the payload."""
    value, folder, bad, how = chunk.payload
    if chunk.index in bad:
        marker = os.path.join(folder, f"tried-{chunk.index}")
        if not os.path.exists(marker):
            open(marker, "w").close()
            if how == "exit":
                os._exit(3)  # the worker process dies
            raise RuntimeError(f"transient failure in chunk {chunk.index}")
    return value * value


def _always_fails(chunk: Chunk) -> int:
    if chunk.index == 2:
        raise ValueError("chunk two is broken")
    return chunk.index


# ---------------------------------------------------------------------------- executors
@pytest.fixture(scope="module")
def dask_executor():
    pytest.importorskip("distributed", reason="dask.distributed is not installed (pip install 'dask[distributed]')")
    ex = Executor("dask", workers=2)   # LocalCluster(n_workers=2, processes=True, threads_per_worker=1)
    ex.client  # start it once for the module
    yield ex
    ex.close()


@pytest.fixture(scope="module")
def proc_executor():
    ex = Executor("processes", workers=2)
    yield ex
    ex.close()


def _search_view(r):
    return (r.found, r.searched, r.in_domain, r.complete, r.exhaustive,
            None if r.original is None else r.original.table.tolist(),
            None if r.certificate is None else json.dumps(r.certificate, sort_keys=True))


def _oracle_random(claim_name, space, seed, chunk_size, max_games):
    """Plain loop over the rule: (first failing table of the seed's one stream, games counted up to it)
    or (None, max_games); the chunk size cannot matter."""
    claim = get_claim(claim_name)
    shapes = space.shapes()
    lo, hi = space.low * space.denominator, space.high * space.denominator
    rng = np.random.default_rng(seed)
    for count in range(1, max_games + 1):
        shape = shapes[int(rng.integers(len(shapes)))]
        ints = rng.integers(lo, hi + 1, size=shape + (len(shape),))
        g = space.game(ints)
        if claim.evaluate(g, claim_parameters(claim, g.n_players, {})).holds is False:
            return ints.tolist(), count
    return None, max_games


# ---------------------------------------------------------------------------- same output on every backend
def test_seeded_search_same_on_serial_processes_and_dask(proc_executor, dask_executor):
    # chunk size 2: the first failing game (the oracle's 4th game) lies in chunk 1, so chunk 0 must
    # be waited for and higher chunks cancelled, on every backend
    views = {}
    for name, ex in (("serial", Executor("serial")), ("processes", proc_executor), ("dask", dask_executor)):
        r = parallel_search("welfare-rises", SPACE3, executor=ex, seed=0, max_games=60, chunk_size=2,
                            budget_seconds=None, shrink_seconds=None, allow_ties=True)
        views[name] = _search_view(r)
    assert views["serial"] == views["processes"] == views["dask"]
    found, searched = _oracle_random("welfare-rises", SPACE3, 0, 2, 60)
    assert views["serial"][0] is True and views["serial"][5] == found and views["serial"][1] == searched
    assert searched > 2   # not in chunk 0: the ordering rule is exercised
    r = parallel_search("welfare-rises", SPACE3, executor=proc_executor, max_games=60, chunk_size=2,
                        budget_seconds=None, shrink_seconds=None)
    assert verify_certificate(r.certificate) is True and r.certificate["holds"] is False


def test_search_without_counterexample_same_everywhere(proc_executor, dask_executor):
    # spe-optimal (the theorem) holds on every 2x2 game: all 30 random games are searched
    kw = dict(seed=3, max_games=30, chunk_size=4, budget_seconds=None, exhaustive_limit=0)
    views = [_search_view(parallel_search("spe-optimal", SPACE2, executor=ex, **kw))
             for ex in (Executor("serial"), proc_executor, dask_executor)]
    assert views[0] == views[1] == views[2]
    assert views[0][:2] == (False, 30)


def test_exhaustive_chunks_match_classic_search(proc_executor):
    # the exhaustive order is the classic one: same first counterexample, same number searched
    # members-gain is not relabelling-invariant: all 65,536 tables, so raise the exhaustive limit
    classic = find_counterexample("members-gain", SPACE2, budget_seconds=60, shrink_seconds=None,
                                  exhaustive_limit=70_000)
    chunked = parallel_search("members-gain", SPACE2, executor=proc_executor, chunk_size=7, shrink_seconds=None,
                              exhaustive_limit=70_000)
    assert chunked.exhaustive and classic.exhaustive
    assert chunked.original.table.tolist() == classic.original.table.tolist()
    assert chunked.searched == classic.searched and chunked.game.table.tolist() == classic.game.table.tolist()
    # no counterexample: the whole space in chunks, as the classic doctest (43 orbit representatives)
    r = parallel_search("welfare-rises", GameSpace(players=(2, 2), high=1), executor=proc_executor, chunk_size=5)
    assert (r.found, r.complete, r.searched) == (False, True, 43)


def test_seeded_sweep_same_on_serial_processes_and_dask(proc_executor, dask_executor):
    game = stag_hunt()
    grid = {"episodes": [60, 120], "alpha": [Constant(0.1), Constant(0.5)]}
    docs = {}
    for name, ex in (("serial", Executor("serial")), ("processes", proc_executor), ("dask", dask_executor)):
        res = sweep(game, seeds=[0, 7], grid=grid, runs=8, executor=ex)
        assert res.total == 8 and not res.interrupted
        docs[name] = [p.to_json(full=True) for p in res.points]
    assert docs["serial"] == docs["processes"] == docs["dask"]
    # oracle: every point is the experiment run directly; order = grid product, seeds fastest
    expected = [(e, a, s) for e in (60, 120) for a in (0.1, 0.5) for s in (0, 7)]
    for doc, (e, a, s) in zip(docs["serial"], expected):
        direct = run_experiment(game, seed=s, episodes=e, alpha=Constant(a), runs=8).to_json(full=True)
        assert doc["seed"] == s and doc["params"]["episodes"] == e and doc["result"] == direct


# ---------------------------------------------------------------------------- checkpoints
def test_checkpoint_resume_skips_finished_chunks(tmp_path):
    path = tmp_path / "job.jsonl"
    job = {"what": "squares", "n": 6}
    CALLS.clear()
    first = collect(Executor("serial"), _counting_square, make_chunks([(v, v == 3) for v in range(6)], seed=1),
                    checkpoint=path, job=job)
    assert first.interrupted and first.results == {0: 0, 1: 1, 2: 4} and CALLS == [0, 1, 2, 3]
    lines = path.read_text().splitlines()
    assert len(lines) == 4 and json.loads(lines[0])["job"] == job
    with open(path, "a") as fh:        # a crash in the middle of writing chunk 4's line
        fh.write('{"chunk":4,"res')
    CALLS.clear()
    second = collect(Executor("serial"), _counting_square, make_chunks([(v, False) for v in range(6)], seed=1),
                     checkpoint=path, job=job)
    assert CALLS == [3, 4, 5]          # chunks 0-2 come from the checkpoint, the torn line is ignored
    assert second.resumed == [0, 1, 2] and second.ordered() == [0, 1, 4, 9, 16, 25] and not second.interrupted
    CALLS.clear()
    third = collect(Executor("serial"), _counting_square, make_chunks([(v, False) for v in range(6)], seed=1),
                    checkpoint=path, job=job)
    assert CALLS == [] and third.ordered() == [0, 1, 4, 9, 16, 25]
    with pytest.raises(ParameterError, match="another job"):
        collect(Executor("serial"), _square, make_chunks([(1, False)]), checkpoint=path, job={"n": 7})
    with pytest.raises(ParameterError, match="job description"):
        collect(Executor("serial"), _square, make_chunks([(1, False)]), checkpoint=tmp_path / "x.jsonl")


def test_search_checkpoint_resumes_after_interrupt(tmp_path, monkeypatch):
    calls = []
    real = ps_mod.search_chunk

    def counting(chunk):
        calls.append(chunk.index)
        return real(chunk)
    monkeypatch.setattr(ps_mod, "search_chunk", counting)
    ckpt = str(tmp_path / "search.jsonl")
    kw = dict(seed=3, max_games=30, chunk_size=5, budget_seconds=None, exhaustive_limit=0, checkpoint=ckpt)
    seen = []

    def stop_after_two(games, elapsed, phase):
        seen.append(games)
        if len(seen) == 2:
            raise KeyboardInterrupt
    part = parallel_search("spe-optimal", SPACE2, executor=Executor("serial"), progress=stop_after_two, **kw)
    assert part.interrupted and not part.found and calls == [0, 1]
    assert len(open(ckpt).read().splitlines()) == 1 + 2      # header + both finished chunks
    calls.clear()
    full = parallel_search("spe-optimal", SPACE2, executor=Executor("serial"), **kw)
    assert calls == [2, 3, 4, 5] and full.searched == 30 and not full.interrupted
    fresh = parallel_search("spe-optimal", SPACE2, executor=Executor("serial"), **{**kw, "checkpoint": None})
    assert _search_view(full) == _search_view(fresh)


def test_processes_resume_from_checkpoint(tmp_path, proc_executor):
    path = tmp_path / "p.jsonl"
    chunks = make_chunks([(v, str(tmp_path), (), "raise") for v in range(5)], seed=0)
    collect(proc_executor, _flaky, chunks[:3], checkpoint=path, job="flaky-squares")
    run = collect(proc_executor, _flaky, chunks, checkpoint=path, job="flaky-squares")
    assert run.resumed == [0, 1, 2] and run.ordered() == [0, 1, 4, 9, 16]


# ---------------------------------------------------------------------------- failures and interruption
@pytest.mark.parametrize("backend", ["serial", "processes"])
def test_failed_chunk_is_retried(tmp_path, backend):
    chunks = make_chunks([(v, str(tmp_path), (1, 3), "raise") for v in range(5)])
    with Executor(backend, workers=2) as ex:
        got = {r.index: r for r in ex.map_chunks(_flaky, chunks)}
    assert [got[i].value for i in range(5)] == [0, 1, 4, 9, 16]
    assert got[1].attempts == 2 and got[3].attempts == 2 and got[0].attempts == 1


def test_lost_worker_loses_only_its_chunks(tmp_path):
    chunks = make_chunks([(v, str(tmp_path), (2,), "exit") for v in range(6)])
    with Executor("processes", workers=2) as ex:
        got = {r.index: r for r in ex.map_chunks(_flaky, chunks)}
    assert sorted(got) == list(range(6)) and [got[i].value for i in range(6)] == [v * v for v in range(6)]
    assert got[2].attempts == 2


@pytest.mark.parametrize("backend", ["serial", "processes"])
def test_chunk_failing_every_time_is_reported_with_its_id(backend):
    with Executor(backend, workers=2, retries=2) as ex:
        with pytest.raises(ChunkError, match="chunk 2 failed after 3 attempt") as info:
            list(ex.map_chunks(_always_fails, make_chunks(range(5))))
    assert info.value.chunk == 2 and info.value.attempts == 3 and isinstance(info.value.__cause__, ValueError)


def test_keyboard_interrupt_keeps_partial_results(tmp_path, proc_executor):
    count = []

    def stop(r):
        count.append(r.index)
        if len(count) == 3:
            raise KeyboardInterrupt
    path = tmp_path / "k.jsonl"
    run = collect(proc_executor, _square, make_chunks([(v, False) for v in range(40)]), on_result=stop,
                  checkpoint=path, job="k")
    assert run.interrupted and len(run.results) == 2
    assert all(v == i * i for i, v in run.results.items())
    assert len(path.read_text().splitlines()) == 1 + 3          # the third was saved before the callback
    again = collect(proc_executor, _square, make_chunks([(v, False) for v in range(40)]), checkpoint=path, job="k")
    assert len(again.resumed) == 3 and again.ordered() == [v * v for v in range(40)]
    # a sweep interrupted after two points keeps them
    seen = []

    def stop2(r):
        seen.append(r.index)
        if len(seen) == 3:
            raise KeyboardInterrupt
    res = sweep(stag_hunt(), seeds=4, runs=4, episodes=40, executor=Executor("serial"), on_result=stop2)
    assert res.interrupted and [p.seed for p in res.points] == [0, 1] and res.total == 4


# ---------------------------------------------------------------------------- configuration
def test_chunk_seeds_are_spawned_children():
    kids = np.random.SeedSequence(11).spawn(4)
    assert all((chunk_seed(11, i).generate_state(4) == kids[i].generate_state(4)).all() for i in range(4))
    with pytest.raises(ParameterError, match="master seed must be a non-negative integer, got -1"):
        chunk_seed(-1, 0)


def test_executor_selection(monkeypatch):
    monkeypatch.delenv(SCHEDULER_ENV, raising=False)
    assert make_executor().backend == "processes"
    with pytest.raises(ParameterError, match="unknown backend"):
        Executor("threads")
    with pytest.raises(ParameterError, match="needs the dask backend"):
        make_executor("processes", scheduler="tcp://127.0.0.1:8786")
    with pytest.raises(ParameterError, match="workers"):
        Executor("processes", workers=0)
    if dask_available():
        monkeypatch.setenv(SCHEDULER_ENV, "tcp://10.1.2.3:8786")  # no connection until a job runs
        ex = make_executor()
        assert (ex.backend, ex.scheduler) == ("dask", "tcp://10.1.2.3:8786")
    monkeypatch.setitem(sys.modules, "distributed", None)       # as if dask were not installed
    with pytest.raises(ParameterError, match="pip install"):
        make_executor(scheduler="tcp://127.0.0.1:8786")


def test_search_rejects_unshippable_claim(proc_executor):
    claim = get_claim("welfare-rises")
    from dataclasses import replace
    with pytest.raises(ParameterError, match="cannot be sent"):
        parallel_search(replace(claim, name="mine"), SPACE3, executor=proc_executor, max_games=4)


# ---------------------------------------------------------------------------- command line
def _cli(argv, capsys):
    assert cli.main(argv) == 0
    return capsys.readouterr().out


def test_cli_search_same_on_backends(capsys):
    base = ["search", "welfare-rises", "--players", "3", "--max-games", "40", "--chunk-size", "3", "--format", "json"]
    docs = [json.loads(_cli(base + extra, capsys)) for extra in (["--backend", "serial"], ["--workers", "2"])]
    for d in docs:
        d.pop("elapsed_seconds")
    assert docs[0] == docs[1] and docs[0]["found"] and docs[0]["verified"] is True
    assert cli.main(["search", "welfare-rises", "--chunk-size", "3"]) == 2    # needs chunked mode


def test_cli_scheduler_address_gives_the_same_answer(capsys, dask_executor, monkeypatch):
    # --scheduler ADDRESS connects a Client to a running scheduler (here the module's LocalCluster)
    address = dask_executor.client.scheduler.address
    base = ["search", "welfare-rises", "--players", "3", "--max-games", "40", "--chunk-size", "3", "--format", "json"]
    remote = json.loads(_cli(base + ["--scheduler", address], capsys))
    monkeypatch.setenv(SCHEDULER_ENV, address)                   # the environment variable does the same
    env = json.loads(_cli(base, capsys))
    serial = json.loads(_cli(base + ["--backend", "serial"], capsys))
    for d in (remote, env, serial):
        d.pop("elapsed_seconds")
    assert remote == env == serial


def test_cli_default_search_gives_the_backends_answer(capsys, dask_executor):
    """Issue 12 item 3: the issue's command gave 21 games searched without a backend flag and 6 with one.
    One stream per seed: no flag, serial, 2 processes and a local Dask cluster return the same game."""
    # the command, with --max-games instead of its 30 s budget so that a loaded machine cannot cut
    # one run short (a time budget bounds the number searched, not the answer)
    base = ["search", "optimum-reachable", "--players", "3", "--actions", "2", "--k", "2", "--budget", "900",
            "--max-games", "1000", "--seed", "3", "--format", "json"]
    address = dask_executor.client.scheduler.address
    backends = (("default", []), ("serial", ["--backend", "serial"]),
                ("processes", ["--backend", "processes", "--workers", "2"]), ("dask", ["--scheduler", address]))

    def views(flags, names):
        runs = {name: json.loads(_cli(base + flags + extra, capsys)) for name, extra in backends if name in names}
        return runs, {name: (d["found"], d["nfg"], json.dumps(d["certificate"], sort_keys=True), d["searched"]["games"])
                      for name, d in runs.items()}
    # every backend, on the tie-allowing search (the first failing game, the 21st: seconds per run)
    runs, v = views(["--allow-ties"], ("default", "serial", "processes", "dask"))
    assert v["default"] == v["serial"] == v["processes"] == v["dask"]
    assert runs["default"]["searched"]["games"] == 21                      # the 21 games, now everywhere
    # the default search (margin > 0 required) runs longer: no flag against the Dask cluster
    runs, v = views([], ("default", "dask"))
    assert v["default"] == v["dask"]
    assert runs["default"]["found"] and runs["default"]["verified"] is True
    assert runs["default"]["searched"]["games"] == 583                     # measured: the first with margin > 0


def test_cli_learn_sweep(capsys, tmp_path):
    base = ["learn", "stag_hunt", "--sweep", "--seeds", "0..1", "--grid", "episodes", "50", "80", "--runs", "6",
            "--format", "json"]
    a = json.loads(_cli(base + ["--backend", "serial", "--checkpoint", str(tmp_path / "c.jsonl")], capsys))
    b = json.loads(_cli(base + ["--backend", "processes", "--workers", "2"], capsys))
    assert a["points"] == b["points"] and a["total"] == 4 and [p["seed"] for p in a["points"]] == [0, 1, 0, 1]
    c = json.loads(_cli(base + ["--backend", "serial", "--checkpoint", str(tmp_path / "c.jsonl")], capsys))
    assert c["resumed"] == [0, 1, 2, 3] and c["points"] == a["points"]
    assert cli.main(["learn", "stag_hunt", "--grid", "episodes", "5"]) == 2   # --grid needs --sweep
    assert cli.main(["learn", "stag_hunt", "--workers", "2"]) == 2           # so do the execution flags
    assert cli.main(["learn", "stag_hunt", "--sweep", "--grid", "colour", "red"]) == 2
