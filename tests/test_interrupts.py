"""Interrupts keep the answer (issue 29 item 1), and the supervised claim worker (issue 27 item 3).

The command-line cases send a real SIGINT to ``python -m contract_theory.cli ...`` (to the process, or
to its whole process group as a terminal's Ctrl-C does) once its progress shows that there is
something to keep, then check the exit status 130, what was printed, the one "interrupted" line, and
that no process printed a traceback.  The oracles: the uninterrupted run of the same command (a
sweep resumed from its checkpoint gives the same points), and the in-process evaluation of the same
claim file (the supervised child gives the same verdicts).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from contract_theory import cli
from contract_theory.errors import ClaimFileError, ParameterError
from contract_theory.search.claims import load_claim_file, verdicts
from contract_theory.search.search import SearchOptions, find_counterexample, table_stream
from contract_theory.search.spaces import GameSpace
from contract_theory.util.execution import Chunk, Executor, make_chunks

ROOT = Path(__file__).resolve().parents[1]


class _Run:
    """``python -m contract_theory.cli ARGV`` in its own process group, stderr read as it comes."""

    def __init__(self, argv: list[str], cwd: Path) -> None:
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        self.proc = subprocess.Popen([sys.executable, "-m", "contract_theory.cli", *argv], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env, cwd=cwd,
                                     start_new_session=True)
        self.err = b""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        while chunk := self.proc.stderr.read1(4096):
            self.err += chunk

    def games(self) -> int:
        """The last game count of the progress bar."""
        counts = re.findall(rb"(\d+) games", self.err)
        return int(counts[-1]) if counts else 0

    def wait_until(self, ready, seconds: float = 60.0) -> None:
        t0 = time.monotonic()
        while not ready():
            assert self.proc.poll() is None, f"ended before the interrupt: {self.err!r}"
            assert time.monotonic() - t0 < seconds, f"not ready after {seconds} s: {self.err!r}"
            time.sleep(0.05)

    def interrupt(self, group: bool = False) -> tuple[int, str, str]:
        if group:
            os.killpg(self.proc.pid, signal.SIGINT)
        else:
            self.proc.send_signal(signal.SIGINT)
        assert self.proc.stdout is not None
        out = self.proc.stdout.read()
        rc = self.proc.wait(timeout=60)
        self._reader.join(timeout=10)
        return rc, out.decode(), self.err.decode()


def _group_gone(pgid: int, seconds: float) -> bool:
    """Whether every process of the group has ended (within ``seconds``)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < seconds:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def _interrupted_line(err: str) -> str:
    lines = [line for line in err.replace("\r", "\n").splitlines() if line.startswith("contract-theory:")]
    assert len(lines) == 1, err
    return lines[0]


# ---------------------------------------------------------------------------- search
# members-gain on 2x2 games with payoffs 0/1, sampled at random: the 20th game already fails, but every
# failure rests on ties (none with margin > 0 in 3,000 games, measured), so the search runs on until
# the budget -- the situation of issue 29, where the found counterexample was dropped
SEARCH = ["search", "members-gain", "--payoffs", "0..1", "--exhaustive-limit", "0", "--budget", "300",
          "--progress", "always"]


def test_interrupted_search_prints_its_tie_resting_counterexample(tmp_path: Path) -> None:
    run = _Run(SEARCH, tmp_path)
    run.wait_until(lambda: run.games() >= 100)
    rc, out, err = run.interrupt()
    assert rc == 130
    assert "interrupted: showing what was found so far (not shrunk)" in out
    assert "COUNTEREXAMPLE: 2 players, actions 2 x 2" in out and "certificate verified independently: yes" in out
    assert "margin: 0 (rests on ties" in out
    searched = int(re.search(r"searched: (\d+) games", out).group(1))
    assert searched >= 100
    line = _interrupted_line(err)
    assert line.startswith(f"contract-theory: interrupted: searched {searched} games; best so far: a counterexample "
                           "with 2 players, actions 2 x 2, resting on ties (margin 0)")
    assert "give --checkpoint PATH to make a search resumable" in line and "Traceback" not in err


def test_interrupted_chunked_search_on_workers_keeps_the_checkpoint(tmp_path: Path) -> None:
    ckpt = tmp_path / "search.jsonl"
    argv = [*SEARCH, "--workers", "2", "--chunk-size", "50", "--checkpoint", str(ckpt), "--format", "json"]
    run = _Run(argv, tmp_path)
    run.wait_until(lambda: ckpt.exists() and len(ckpt.read_text().splitlines()) >= 4)
    rc, out, err = run.interrupt(group=True)          # Ctrl-C in a terminal: parent and workers
    assert rc == 130 and "Traceback" not in err
    doc = json.loads(out)
    assert doc["interrupted"] is True and doc["found"] is True and doc["verified"] is True
    assert doc["certificate"]["margin"]["value"] == "0" and doc["searched"]["games"] >= 150
    line = _interrupted_line(err)
    assert "resume with: contract-theory search members-gain" in line and f"--checkpoint {ckpt}" in line
    assert _group_gone(run.proc.pid, seconds=5)            # no worker left behind


def _interrupted_at(n: int):
    """members-gain, except that its n-th evaluation is interrupted by a Ctrl-C."""
    from contract_theory.search.claims import get_claim
    claim = get_claim("members-gain")
    calls = {"n": 0}

    def evaluate(game, params):
        calls["n"] += 1
        if calls["n"] == n:
            raise KeyboardInterrupt
        return claim.evaluate(game, params)
    return type(claim)(claim.name, claim.description, evaluate, claim.invariant, claim.defaults)


def test_search_api_keeps_counts_and_the_tied_game_on_ctrl_c() -> None:
    """In-process, the interrupt lands inside the claim's evaluation of game 300: the 299 games before it
    are counted and the tie-resting game found at game 20 is reported (was: searched 0, found nothing)."""
    r = find_counterexample(_interrupted_at(300), GameSpace(high=1), options=SearchOptions(exhaustive_limit=0, budget_seconds=60))
    assert r.interrupted and r.searched == 299 and r.found and r.certificate["margin"]["value"] == "0"
    assert r.shrink_steps == 0 and "interrupted during the search" in r.notes


# ---------------------------------------------------------------------------- learn
def test_interrupted_sweep_resumes_from_its_checkpoint_to_the_uninterrupted_answer(tmp_path: Path) -> None:
    base = ["learn", "stag_hunt", "--sweep", "--seeds", "0..3", "--runs", "20", "--episodes", "5000",
            "--workers", "2", "--format", "json"]
    ckpt = tmp_path / "sweep.jsonl"
    run = _Run([*base, "--checkpoint", str(ckpt)], tmp_path)
    run.wait_until(lambda: ckpt.exists() and len(ckpt.read_text().splitlines()) >= 2, seconds=120)
    time.sleep(0.2)                      # the point whose line was seen is also received by the parent
    rc, out, err = run.interrupt(group=True)
    assert rc == 130 and "Traceback" not in err
    part = json.loads(out)
    kept = len(ckpt.read_text().splitlines()) - 1
    assert part["interrupted"] is True and 1 <= part["finished"] <= kept and part["finished"] < 4
    line = _interrupted_line(err)
    assert f"{part['finished']} of 4 sweep points finished; resume with: contract-theory learn stag_hunt" in line
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    resumed = subprocess.run([sys.executable, "-m", "contract_theory.cli", *base, "--checkpoint", str(ckpt)],
                             capture_output=True, text=True, env=env, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    a = json.loads(resumed.stdout)
    # the uninterrupted answer: the same sweep in this process, serially (the same numbers on every backend)
    from contract_theory.games.library import stag_hunt
    from contract_theory.learning.sweep import sweep
    fresh = sweep(stag_hunt(), seeds=[0, 1, 2, 3], runs=20, episodes=5000, executor=Executor("serial"))
    assert len(a["resumed"]) >= part["finished"] and not a["interrupted"]
    assert a["points"] == fresh.to_json(full=False)["points"] and a["summary"] == fresh.to_json()["summary"]


def test_interrupted_experiment_prints_the_finished_conditions(monkeypatch, capsys) -> None:
    import contract_theory.learning.experiment as ex
    real, calls = ex.train_contracted, []

    def second_is_interrupted(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)
    monkeypatch.setattr(ex, "train_contracted", second_is_interrupted)
    assert cli.main(["learn", "prisoners_dilemma", "--episodes", "300", "--runs", "10"]) == 130
    out, err = capsys.readouterr()
    assert "(interrupted: the conditions finished before it)" in out and "no contract:" in out
    assert "full contract" not in out
    assert err == ("contract-theory: interrupted: 1 condition(s) finished (no contract); the one in progress was "
                   "abandoned; a single experiment keeps no checkpoint: run it again, or use --sweep --checkpoint "
                   "PATH to keep finished points\n")


def test_other_commands_exit_130_with_one_line(monkeypatch, capsys) -> None:
    import contract_theory.api as api

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(api, "partial_contract_analysis", interrupted)   # what analyze calls
    assert cli.main(["analyze", "prisoners_dilemma", "--k", "2"]) == 130
    assert capsys.readouterr().err == ("contract-theory: interrupted: the unit of work in progress was abandoned and "
                                       "nothing was kept; run it again to start over: contract-theory analyze "
                                       "prisoners_dilemma --k 2\n")
    import contract_theory.cli.commands.report as report
    monkeypatch.setattr(report, "run_report", interrupted)
    assert cli.main(["report", "--out", "r", "--checkpoint", "r.jsonl"]) == 130
    assert capsys.readouterr().err == ("contract-theory: interrupted: the game sections finished so far are in the "
                                       "checkpoint; resume with: contract-theory report --out r --checkpoint r.jsonl\n")


# ---------------------------------------------------------------------------- the supervised claim worker
PURE = '''
INVARIANT = True
def claim(game, **params):
    from contract_theory.equilibria.pure import pure_nash_mask
    return bool(pure_nash_mask(game).any())
'''


def test_supervised_verdicts_agree_with_in_process_evaluation(tmp_path: Path) -> None:
    """Oracle: the same claim function called here.  Batches are cut early (a stop mid-batch) and the
    next stream still gets the right verdicts, in order."""
    path = tmp_path / "pure.py"
    path.write_text(PURE)
    claim = load_claim_file(path)
    assert load_claim_file(path) is claim                      # one child per file and process
    space = GameSpace(players=(2, 3), high=2)
    tables = [np.asarray(t) for t in table_stream(space, None, 5, 700)]
    from contract_theory.equilibria.pure import pure_nash_mask
    expected = [bool(pure_nash_mask(space.game(t)).any()) for t in tables]
    assert 0 < expected.count(False) < len(tables)
    items = [(i, t, {}) for i, t in enumerate(tables)]
    it = verdicts(claim, space, items)
    first = [next(it) for _ in range(3)]
    it.close()                                                  # stops the child inside its first batch
    assert [(i, v.holds) for i, v in first] == [(i, expected[i]) for i in range(3)]
    got = [(i, v.holds) for i, v in verdicts(claim, space, items)]
    assert got == list(enumerate(expected))
    assert claim.verdict(space.game(tables[0])).holds is expected[0]


def test_worker_is_restarted_after_a_timeout(tmp_path: Path) -> None:
    path = tmp_path / "slow.py"
    path.write_text("import time\ndef claim(game, **params):\n    if int(game.table.sum()) == 0:\n"
                    "        time.sleep(30)\n    return True\n")
    from contract_theory.search.claims import ClaimLimits
    claim = load_claim_file(path, ClaimLimits(timeout=0.5))
    zero, one = np.zeros((2, 2, 2), dtype=np.int64), np.ones((2, 2, 2), dtype=np.int64)
    t0 = time.monotonic()
    with pytest.raises(ClaimFileError, match=r"did not return from claim\(\) within 0.5 s on a game of shape \(2, 2\)"):
        list(verdicts(claim, GameSpace(), [(0, one, {}), (1, zero, {})]))
    assert time.monotonic() - t0 < 5
    assert [v.holds for _, v in verdicts(claim, GameSpace(), [(0, one, {})])] == [True]   # a fresh child


def test_claim_limits_and_search_options_are_validated() -> None:
    from contract_theory.search.claims import ClaimLimits
    with pytest.raises(ParameterError, match=r"--claim-memory\) must be at least 64 MB, got 10"):
        ClaimLimits(memory_mb=10)
    with pytest.raises(ParameterError, match=r"--claim-timeout\) must be a positive number of seconds, got -1"):
        ClaimLimits(timeout=-1)
    with pytest.raises(ParameterError, match=r"the seed \(--seed\) must be a non-negative integer, got -1"):
        find_counterexample("welfare-rises", seed=-1)
    with pytest.raises(ParameterError, match=r"K = 4 is outside 2 <= K <= N = 3"):
        find_counterexample("welfare-rises", GameSpace(players=(3, 3)), params={"k": 4})
    with pytest.raises(ParameterError, match="needs max_games or budget_seconds"):
        find_counterexample("welfare-rises", GameSpace(players=(3, 3)), budget_seconds=None)


# ---------------------------------------------------------------------------- bad input in a chunk
ATTEMPTS: list[int] = []


def _bad_input(chunk: Chunk) -> int:
    ATTEMPTS.append(chunk.index)
    if chunk.index == 1:
        raise ParameterError("episodes must be a positive integer, got -5")
    return chunk.index


@pytest.mark.parametrize("backend", ["serial", "processes"])
def test_bad_input_in_a_chunk_is_raised_once_not_retried(backend: str) -> None:
    ATTEMPTS.clear()
    with Executor(backend, workers=2, retries=2) as ex:
        with pytest.raises(ParameterError, match="got -5"):
            list(ex.map_chunks(_bad_input, make_chunks(range(3))))
    if backend == "serial":
        assert ATTEMPTS == [0, 1]                                    # chunk 1 ran once, chunk 2 never


def test_chunked_serial_search_keeps_the_chunk_cut_short(tmp_path: Path) -> None:
    """On the serial backend the interrupt lands inside a chunk: its games before the interrupt count, its
    tie-resting game is kept, and it is not checkpointed (a re-run evaluates it again)."""
    from contract_theory.search.parallel import parallel_search
    ckpt = tmp_path / "c.jsonl"
    r = parallel_search(_interrupted_at(30), GameSpace(high=1), executor=Executor("serial"),
                        options=SearchOptions(exhaustive_limit=0, chunk_size=100, checkpoint=str(ckpt), max_games=1000))
    assert r.interrupted and r.searched == 29 and r.found and r.certificate["margin"]["value"] == "0"
    assert len(ckpt.read_text().splitlines()) == 1                 # the header only: chunk 0 did not finish


def _sigint_handler(chunk: Chunk) -> str:
    return str(signal.getsignal(signal.SIGINT))


def test_pool_workers_ignore_sigint() -> None:
    """A terminal's Ctrl-C reaches every process of the group: workers leave it to the parent (an idle
    worker would otherwise die with a KeyboardInterrupt traceback)."""
    with Executor("processes", workers=2) as ex:
        got = {r.value for r in ex.map_chunks(_sigint_handler, make_chunks(range(4)))}
    assert got == {str(signal.SIG_IGN)}
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler     # the parent keeps its handler


def _stubborn(_: int) -> int:
    """A worker task that swallows every exception, as a ``__del__`` run by the garbage collector does."""
    pid = os.getpid()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            time.sleep(0.01)
        except BaseException:  # noqa: BLE001, S110 - the point of the test: SystemExit swallowed
            pass
    return pid


def _pid(_: int) -> int:
    return os.getpid()


def test_pool_workers_die_on_terminate_despite_an_inherited_sigterm_handler() -> None:
    """The CI hang of ``report --timeout 3`` (120 s, killed): the report folder's SIGTERM handler raises
    SystemExit; the atlas's forked workers inherited it, z3's ``Context.__del__`` swallowed the SystemExit
    that ``Pool.terminate()``'s SIGTERM raised, and terminate() waited for those workers for ever.  The
    workers' initializer (ignore_interrupts) gives SIGTERM its default action back, so terminate() returns."""
    import multiprocessing

    from contract_theory.util.interrupts import ignore_interrupts

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    old = signal.signal(signal.SIGTERM, stop)
    try:
        pool = multiprocessing.get_context("fork").Pool(1, initializer=ignore_interrupts)
    finally:
        signal.signal(signal.SIGTERM, old)
    pid = pool.apply(_pid, (0,))
    pool.apply_async(_stubborn, (0,))
    time.sleep(0.3)
    ended = threading.Thread(target=pool.terminate, daemon=True)
    ended.start()
    ended.join(10)
    alive = ended.is_alive()
    if alive:   # clean up the stubborn worker so the test run goes on
        os.kill(pid, signal.SIGKILL)
        ended.join(10)
    assert not alive, "Pool.terminate() still waiting for a worker after 10 s"


def test_claim_child_ignores_sigint_and_has_its_memory_limit(tmp_path: Path) -> None:
    path = tmp_path / "probe.py"
    path.write_text("import resource, signal\ndef claim(game, **params):\n"
                    "    return (signal.getsignal(signal.SIGINT) is signal.SIG_IGN\n"
                    "            and resource.getrlimit(resource.RLIMIT_AS)[0] == 300 * 2**20)\n")
    from contract_theory.search.claims import ClaimLimits
    claim = load_claim_file(path, ClaimLimits(memory_mb=300))
    assert claim.verdict(GameSpace().game(np.zeros((2, 2, 2), dtype=np.int64))).holds is True


def test_a_child_dying_mid_batch_is_reported_not_restarted(tmp_path: Path) -> None:
    """The third game of the first batch ends the child: one error, and no verdict of a restarted child is
    taken for the games the dead one owed."""
    path = tmp_path / "third.py"
    path.write_text("import os\nN = [0]\ndef claim(game, **params):\n    N[0] += 1\n    if N[0] == 3:\n"
                    "        os._exit(7)\n    return True\n")
    claim = load_claim_file(path)
    tables = [np.asarray(t) for t in table_stream(GameSpace(), None, 1, 400)]
    seen = []
    with pytest.raises(ClaimFileError, match=r"ended its worker process with exit status 7 in claim\(\)"):
        for i, _ in verdicts(claim, GameSpace(), [(j, t, {}) for j, t in enumerate(tables)]):
            seen.append(i)
    assert seen in ([], [0], [0, 1])        # verdicts of the dead child's first games may not have been sent


def test_local_dask_workers_ignore_sigint() -> None:
    pytest.importorskip("distributed", reason="dask.distributed is not installed (pip install 'dask[distributed]')")
    with Executor("dask", workers=1) as ex:
        got = {r.value for r in ex.map_chunks(_sigint_handler, make_chunks(range(2)))}
    assert got == {str(signal.SIG_IGN)}
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def _square_index(chunk: Chunk) -> int:
    return chunk.index * chunk.index


def test_a_chunk_interrupted_while_checkpointed_is_kept(tmp_path: Path, monkeypatch) -> None:
    """The Ctrl-C lands while chunk 1's line is written (after the write, in the fsync): its result is in
    the checkpoint, so it must be in the answer too."""
    import contract_theory.util.execution as ex
    real = ex._Checkpoint.record

    def record(self, index, value):
        real(self, index, value)
        if index == 1:
            raise KeyboardInterrupt
    monkeypatch.setattr(ex._Checkpoint, "record", record)
    path = tmp_path / "k.jsonl"
    run = ex.collect(Executor("serial"), _square_index, make_chunks(range(5)), checkpoint=path, job="squares")
    assert run.interrupted and run.results == {0: 0, 1: 1}
    assert len(path.read_text().splitlines()) == 1 + 2
