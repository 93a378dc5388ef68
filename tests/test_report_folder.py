"""The report folder is written as one unit (issue 27 item 5, issue 29 item 3).

Real ``contract-theory report`` processes -- forked from the test process, which has imported the
package already, so that a run costs its work and not an interpreter start: two concurrent writers
into one ``--out`` give one clean report and one one-line error; a report killed (SIGKILL) at seven
moments leaves ``--out`` as the old report or the new one, never a mix, and the next run removes
what the killed one left beside it; SIGTERM removes its temporary folder itself; Ctrl-C says how to
resume and the resumed report equals an uninterrupted one.  ``--games-only`` with small games, and
stand-ins for the plots (``tests/plots_stub.py``: the folder is under test, not the drawing), keep
each run well under a second.
"""

import fcntl
import json
import os
import shutil
import signal
import sys
import time

import pytest

from contract_theory.util.folders import LOCK_NAME, MANIFEST_NAME, OutputFolder
from tests.plots_stub import stub_plots

OLD = ["prisoners_dilemma", "stag_hunt"]
NEW = ["chicken", "battle_of_the_sexes", "pd"]


class _Run:
    """``contract-theory report --out OUT --games-only --games GAMES`` in a forked child."""

    def __init__(self, out, games, hold=None):
        import contract_theory.cli  # noqa: F401 - imported before forking: the child does not import it
        import contract_theory.report.study  # noqa: F401
        r, w = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        self.pid = os.fork()
        if self.pid == 0:  # pragma: no cover - the child
            code = 1
            try:
                os.close(r)
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, 1)
                os.dup2(w, 2)
                sys.stderr = os.fdopen(2, "w", buffering=1, closefd=False)
                stub_plots()
                if hold is not None:
                    _hold_in_first_plot(hold)
                from contract_theory.cli import main
                code = main(["report", "--out", str(out), "--games-only", "--games", *games])
            except SystemExit as exc:  # SIGTERM during the run: SystemExit(143), as in the command
                code = exc.code if isinstance(exc.code, int) else 1
            finally:
                sys.stderr.flush()
                os._exit(code)
        os.close(w)
        self.stderr = os.fdopen(r, "r")
        self.returncode = None

    def send_signal(self, sig):
        os.kill(self.pid, sig)

    def poll(self):
        if self.returncode is None:
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def communicate(self, timeout):
        err = self.stderr.read()
        self.stderr.close()
        deadline = time.time() + timeout
        while self.poll() is None:
            assert time.time() < deadline, "the report did not end"
            time.sleep(0.01)
        return "", err


def _hold_in_first_plot(hold):
    """``hold`` is ``(path, n)``: the child's n-th welfare plot (the game section n) writes
    ``path.inside`` and waits for ``path.go``, so the run stops at a known moment for as long as the
    test needs (no race with a fast run)."""
    import contract_theory.report.study as study

    path, n = hold if isinstance(hold, tuple) else (hold, 1)
    draw = study.plot_welfare_curve
    calls = []

    def held(a, target, **kw):
        calls.append(target)
        if len(calls) == n:
            open(f"{path}.inside", "w").close()
            while not os.path.exists(f"{path}.go"):
                time.sleep(0.005)
        return draw(a, target, **kw)
    study.plot_welfare_curve = held


def _wait_inside(proc, hold):
    deadline = time.time() + 120
    while not os.path.exists(f"{hold}.inside"):
        assert proc.poll() is None and time.time() < deadline, "the report ended before the held moment"
        time.sleep(0.005)


def _start(out, games, hold=None):
    return _Run(out, games, hold)


def _report(out, games):
    proc = _start(out, games)
    _, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr
    return _snapshot(out)


def _snapshot(out):
    """The report as a reader sees it: the visible files, and report.json (no timings in it)."""
    names = sorted(n for n in os.listdir(out) if not n.startswith("."))
    doc = json.loads((out / "report.json").read_text()) if "report.json" in names else None
    return names, doc


def _siblings(out):
    return sorted(n for n in os.listdir(out.parent) if n.startswith(f".{out.name}."))


def _lock_is_held(out):
    try:
        fd = os.open(out / LOCK_NAME, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)
    return False


@pytest.fixture(scope="module")
def new_report(tmp_path_factory):
    """The uninterrupted report of NEW (the reference of the kill and resume tests) and its duration."""
    t0 = time.perf_counter()
    snapshot = _report(tmp_path_factory.mktemp("reference") / "rep", NEW)
    return snapshot, time.perf_counter() - t0


def test_two_concurrent_reports_into_one_folder_give_one_report_and_one_error(tmp_path):
    out = tmp_path / "rep"
    hold = str(tmp_path / "hold")
    first = _start(out, OLD, hold)
    _wait_inside(first, hold)  # the first run is writing its first game
    assert _lock_is_held(out)
    second = _start(out, NEW)
    _, err2 = second.communicate(timeout=120)
    open(f"{hold}.go", "w").close()
    _, err1 = first.communicate(timeout=300)
    assert first.returncode == 0, err1
    assert second.returncode == 2 and err2.count("\n") == 1, err2
    assert "another contract-theory run (pid " in err2 and "is writing into" in err2 and "choose another --out" in err2
    names, doc = _snapshot(out)
    assert [g["spec"] for g in doc["games"]] == OLD  # the first run's report, whole
    assert json.loads((out / MANIFEST_NAME).read_text())["pid"] == first.pid
    assert _siblings(out) == []


def test_a_killed_report_leaves_the_old_folder_or_the_new_one(tmp_path, new_report):
    """SIGKILL at seven moments: inside each of the three game sections, then at 50-97 % of a run's
    duration (the writing of the report files and the swap at the end)."""
    out = tmp_path / "rep"
    old = _report(out, OLD)
    saved = tmp_path / "saved"
    shutil.copytree(out, saved)
    new, duration = new_report
    assert set(old[0]) != set(new[0])
    seen = set()
    moments = [("section", n) for n in (1, 2, 3)] + [("time", f) for f in (0.5, 0.8, 0.9, 0.97)]
    for kind, when in moments:  # held inside game sections 1-3, then at moments of the run's duration
        hold = str(tmp_path / f"hold-{kind}-{when}")
        proc = _start(out, NEW, (hold, when) if kind == "section" else None)
        if kind == "section":
            _wait_inside(proc, hold)
        else:
            time.sleep(duration * when)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        state = _snapshot(out)
        assert state in (old, new), (kind, when, state[0])
        seen.add("old" if state == old else "new")
        shutil.rmtree(out)  # every moment starts from the old report (and no checkpoint of a killed run)
        shutil.copytree(saved, out)
    assert "old" in seen
    # whatever a kill left beside the folder (a temporary folder) goes with the next run
    _report(out, OLD)
    assert _siblings(out) == [] and _snapshot(out) == old


def test_sigterm_removes_the_temporary_folder_and_keeps_the_old_report(tmp_path):
    out = tmp_path / "rep"
    old = _report(out, OLD)
    hold = str(tmp_path / "hold")
    proc = _start(out, NEW, hold)
    _wait_inside(proc, hold)
    assert any(".tmp-" in n for n in _siblings(out))
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM
    assert _siblings(out) == [] and _snapshot(out) == old


def test_an_interrupted_report_says_how_to_resume_and_resumes_to_the_same_report(tmp_path, new_report):
    out = tmp_path / "rep"
    old = _report(out, OLD)
    hold = str(tmp_path / "hold")
    proc = _start(out, NEW, (hold, 2))  # held inside the second game section
    line = proc.stderr.readline()  # "[1/3] chicken": the first game section is saved
    assert line.startswith("[1/3]"), line
    _wait_inside(proc, hold)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    last = err.strip().splitlines()[-1]
    assert last.startswith("contract-theory: interrupted: 1 of 3 games finished; ") and "is unchanged" in last, err
    assert last.endswith(f"; resume with: contract-theory report --out {out} --games-only --games {' '.join(NEW)}")
    assert _snapshot(out) == old and _siblings(out) == []
    saved = [n for n in os.listdir(out / ".contract-theory") if n.endswith(".jsonl")]
    assert len(saved) == 1
    resumed = _report(out, NEW)
    assert resumed == new_report[0]
    # no checkpoint left over; only the state kept between reports (the guarantees cache)
    assert not (out / ".contract-theory").exists() or os.listdir(out / ".contract-theory") in ([], ["guarantees-cache.json"])


def test_the_folder_refuses_what_it_must_not_replace(tmp_path):
    from contract_theory.errors import ParameterError

    mine = tmp_path / "papers"
    mine.mkdir()
    (mine / "draft.tex").write_text("precious")
    with pytest.raises(ParameterError, match="holds files that are not a contract-theory report"):
        with OutputFolder(str(mine)):
            pass
    assert os.listdir(mine) == ["draft.tex"]
    afile = tmp_path / "file"
    afile.write_text("x")
    with pytest.raises(ParameterError, match="is a file, not a folder"):
        with OutputFolder(str(afile)):
            pass
    # an error inside the block: the old folder stays, the temporary one goes
    out = tmp_path / "rep"
    with OutputFolder(str(out)) as work:
        open(os.path.join(work, "report.md"), "w").close()
    with pytest.raises(RuntimeError, match="boom"):
        with OutputFolder(str(out)) as work:
            open(os.path.join(work, "other.md"), "w").close()
            raise RuntimeError("boom")
    assert sorted(n for n in os.listdir(out) if not n.startswith(".")) == ["report.md"]
    assert _siblings(out) == []


def test_the_two_rename_fallback_swaps_and_a_kill_between_its_renames_is_repaired(tmp_path, monkeypatch):
    """Where RENAME_EXCHANGE is missing (not Linux): two renames; a run killed between them leaves
    the old folder as ``.rep.old-*`` and no ``rep``, which the next writer puts back first."""
    import contract_theory.util.folders as folders

    monkeypatch.setattr(folders, "exchange_folders", lambda a, b: False)
    out = tmp_path / "rep"
    for text in ("old", "new"):
        with OutputFolder(str(out)) as work:
            with open(os.path.join(work, "report.md"), "w") as fh:
                fh.write(text)
    assert (out / "report.md").read_text() == "new" and _siblings(out) == []
    os.rename(out, tmp_path / ".rep.old-killed")  # the state a kill between the two renames leaves
    with OutputFolder(str(out)) as work:
        assert (out / "report.md").read_text() == "new"  # put back before anything else
        with open(os.path.join(work, "report.md"), "w") as fh:
            fh.write("newer")
    assert (out / "report.md").read_text() == "newer" and _siblings(out) == []


def test_a_sigterm_swallowed_by_a_finalizer_is_sent_again():
    """The report's SIGTERM handler raises SystemExit(143); raised inside a ``__del__`` during garbage
    collection (z3's ``Context.__del__``) it is only printed as "Exception ignored" and the run goes on.
    The folder's unraisablehook sends SIGTERM again from a timer thread; anything else goes to the hook
    it replaced."""
    import signal
    import threading
    import time
    from types import SimpleNamespace

    from contract_theory.util.folders import _resend_swallowed_sigterm

    other: list[object] = []
    got: list[int] = []
    hook = _resend_swallowed_sigterm(other.append)
    old = signal.signal(signal.SIGTERM, lambda signum, frame: got.append(signum))
    try:
        hook(SimpleNamespace(exc_value=SystemExit(143)))
        for _ in range(100):
            if got:
                break
            time.sleep(0.01)
    finally:
        signal.signal(signal.SIGTERM, old)
    assert got == [signal.SIGTERM] and other == []
    hook(unraisable := SimpleNamespace(exc_value=ValueError("x")))
    hook(exit_zero := SimpleNamespace(exc_value=SystemExit(0)))
    assert other == [unraisable, exit_zero] and threading.active_count() >= 1
