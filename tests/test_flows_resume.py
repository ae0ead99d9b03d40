"""A batch killed with SIGKILL at any moment resumes: every meeting stored once, every report readable."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.flows_fake import GOOD, make_meeting

pytestmark = pytest.mark.usefixtures("fake_analyzer")

N = 12


def _start(root: Path, out: Path, api_url: str, delay: float, workers: int = 1) -> subprocess.Popen:
    env = dict(os.environ, PREFECT_API_URL=api_url, DIALOOG_FAKE_DELAY_S=str(delay))
    return subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "-q", "batch", str(root), "--out", str(out), "--workers", str(workers)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _children(pid: int) -> list:
    psutil = pytest.importorskip("psutil")
    return psutil.Process(pid).children(recursive=True)


def _assert_gone(children, timeout: float = 10.0) -> None:
    import psutil

    _, alive = psutil.wait_procs(children, timeout=timeout)
    for p in alive:  # clean up before failing
        p.kill()
    assert not alive, f"processes outlived the killed batch: {[p.pid for p in alive]}"


def _reports(out: Path) -> int:
    return sum(1 for _ in out.glob("*/report.json")) if out.exists() else 0


def _check(out: Path, expected: set[str]) -> None:
    from pipeline.store import ResultsStore

    with ResultsStore(out, read_only=True) as s:
        ids = [r[0] for r in s.query("SELECT meeting_id FROM meetings")]
        per = dict(s.query("SELECT meeting_id, count(*) FROM utterances GROUP BY 1"))
        dirs = dict(s.query("SELECT meeting_id, report_dir FROM meetings"))
        assert s.failures() == []
    assert sorted(ids) == sorted(expected)              # each meeting exactly once
    assert all(per[m] == len(GOOD) for m in ids)         # no duplicated rows
    for mid in ids:                                      # every stored report complete and readable
        data = json.loads((Path(dirs[mid]) / "report.json").read_text())
        assert data["meeting"]["id"] == mid
    assert not list(out.rglob(".*.part"))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sigkill_then_resume(tmp_path, prefect_api, seed):
    rng = random.Random(seed)
    root, out = tmp_path / "archive", tmp_path / "out"
    expected = {f"k{i:02d}" for i in range(N)}
    for mid in expected:
        make_meeting(root, mid, GOOD)
    # Kill at a different point per seed: before any report, after a few, near the end.
    kill_after_reports = (0, rng.randint(2, 5), rng.randint(7, N - 2))[seed - 1]
    proc = _start(root, out, prefect_api, delay=0.15, workers=2 if seed == 2 else 1)
    deadline = time.monotonic() + 60
    while _reports(out) < kill_after_reports and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    if kill_after_reports == 0:
        time.sleep(rng.uniform(0.5, 2.5))
    else:
        time.sleep(rng.uniform(0, 0.15))
    assert proc.poll() is None, "the batch finished before it could be killed"
    children = _children(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)  # a leaked child holding the pipe fails the test instead of hanging it
    _assert_gone(children)   # the watchdog stops the worker pool (and an ephemeral server)
    # A half-written file as a killed writer leaves it: cleaned at start.
    (out / "k00").mkdir(parents=True, exist_ok=True)
    (out / "k00" / ".report.json.abc.part").write_text("{", encoding="utf-8")

    resumed = _start(root, out, prefect_api, delay=0)
    stdout, stderr = resumed.communicate(timeout=120)
    assert resumed.returncode == 0, stderr
    assert f"{N} meetings:" in stdout
    assert "Traceback" not in stderr and "Error flushing" not in stderr
    _check(out, expected)
    if seed == 1:
        again = _start(root, out, prefect_api, delay=0)
        stdout, _ = again.communicate(timeout=120)
        assert f"0 done, {N} skipped" in stdout


def test_sigterm_stops_at_once_cleanly_and_resumes(tmp_path, prefect_api):
    """SIGTERM (a scheduler stopping the job) mid-batch: workers stopped without finishing their
    chunks, exit 143 with a one-line message and no traceback, nothing left running; the rerun
    finishes the rest with every meeting stored once."""
    root, out = tmp_path / "archive", tmp_path / "out"
    expected = {f"t{i:02d}" for i in range(N)}
    for mid in expected:
        make_meeting(root, mid, GOOD)
    # 2 workers, chunks of 2 meetings × 1.5 s: a chunk in flight lasts 3 s.
    proc = _start(root, out, prefect_api, delay=1.5, workers=2)
    deadline = time.monotonic() + 120
    while _reports(out) < 1 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert proc.poll() is None, "the batch finished before it could be stopped"
    children = _children(proc.pid)
    proc.send_signal(signal.SIGTERM)
    _stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 143, stderr
    assert "stopped (SIGTERM)" in stderr
    assert "Traceback" not in stderr
    _assert_gone(children)
    assert _reports(out) < N  # the rest was not waited for
    resumed = _start(root, out, prefect_api, delay=0)
    stdout, stderr = resumed.communicate(timeout=120)
    assert resumed.returncode == 0, stderr
    _check(out, expected)
