"""The adversarial corpus in one batch, with the real pipeline: the good meetings complete.

* every bad input fails alone, with a reason that names it, and is recorded once;
* a duplicate meeting id is rejected (the first one wins);
* a batch killed with SIGKILL at random points (several seeds, two worker
  processes) resumes to every meeting exactly once, every stored report
  readable, no half-written file, and no worker process left behind.

Complements ``tests/test_flows_resume.py`` (fake analyser, one process).
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .corpus import GOOD_MANIFEST, GOOD_VTT, good_meeting, manifest_cases, transcript_cases

REPO = Path(__file__).resolve().parents[2]


N_GOOD = 6


def _archive(root: Path, *, bad: bool = True) -> tuple[set[str], int]:
    """Good meetings, bad loose transcripts, bad manifest folders and a duplicate id. (good ids, bad count)

    Only the corpus cases that must fail go into the archive (the "ok"/"either"
    ones would be meetings too); symlink targets stay outside it, in ``staging``.
    """
    good = {f"good-{i}" for i in range(N_GOOD)}
    for mid in sorted(good):
        good_meeting(root, mid)
    n_bad = 0
    if bad:
        staging = root.parent / "staging"
        loose = root / "loose"
        loose.mkdir()
        for case in transcript_cases(staging / "t"):
            if case.expect == "error" and case.kind != "limit" and (case.path.exists() or case.path.is_symlink()):
                case.path.rename(loose / case.path.name)
                n_bad += 1
        for case in manifest_cases(staging / "m"):
            if case.expect == "error":
                case.path.rename(root / f"bad-{case.path.name}")
                n_bad += 1
        # a second folder claiming good-0's id
        dup = root / "zz-duplicate"
        dup.mkdir()
        (dup / "meeting.yaml").write_text(GOOD_MANIFEST.format(id="good-0"), encoding="utf-8")
        (dup / "transcript.vtt").write_text(GOOD_VTT, encoding="utf-8")
        n_bad += 1
    return good, n_bad


def _store_state(out: Path) -> tuple[list[str], list[tuple[str, str]], dict[str, str]]:
    from pipeline.store import ResultsStore

    with ResultsStore(out, read_only=True) as s:
        ids = [r[0] for r in s.query("SELECT meeting_id FROM meetings")]
        dirs = dict(s.query("SELECT meeting_id, report_dir FROM meetings"))
        failures = [(f["source"], f["reason"]) for f in s.failures()]
    return ids, failures, dirs


def _assert_complete(out: Path, good: set[str]) -> None:
    ids, _failures, dirs = _store_state(out)
    assert sorted(ids) == sorted(good), "every good meeting stored exactly once"
    for mid in ids:
        folder = Path(dirs[mid])
        data = json.loads((folder / "report.json").read_text(encoding="utf-8"))
        assert data["meeting"]["id"] == mid
        assert (folder / "report.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
        assert (folder / "report.md").read_text(encoding="utf-8").strip()
    assert not list(out.rglob(".*.part")), "half-written files left"


def test_bad_inputs_fail_alone_and_good_meetings_complete(tmp_path, prefect_api):
    from flows.cli import main

    root, out = tmp_path / "archive", tmp_path / "out"
    good, n_bad = _archive(root)
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        status = main(["-q", "batch", str(root), "--out", str(out)])
    summary = buf.getvalue()
    assert status == 3, summary  # EXIT_PARTIAL: done, but some failed
    _assert_complete(out, good)
    failed_lines = [ln for ln in summary.splitlines() if ln.strip().startswith("failed:")]
    assert len(failed_lines) == n_bad, summary
    assert any("duplicate meeting id 'good-0'" in ln for ln in failed_lines), summary
    assert not any("Traceback" in ln or "internal error" in ln.lower() for ln in failed_lines), summary
    for ln in failed_lines:  # each reason names the file or folder it is about
        source = ln.split("failed:", 1)[1].split(":", 1)[0].strip()
        assert Path(source).name in ln
    # rerun: nothing redone, bad ones held back (unchanged), still exit 3
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        status = main(["-q", "batch", str(root), "--out", str(out)])
    assert status == 3
    assert f"0 done, {N_GOOD} skipped" in buf.getvalue(), buf.getvalue()
    _assert_complete(out, good)


def _start(root: Path, out: Path, api_url: str) -> subprocess.Popen:
    env = dict(os.environ, PREFECT_API_URL=api_url, PYTHONPATH=str(REPO))
    env.pop("DIALOOG_ANALYZER", None)
    return subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "-q", "batch", str(root), "--out", str(out), "--workers", "2"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True, cwd=REPO,
    )


def _group_members(pgid: int) -> list[str]:
    """Live (not zombie) processes of a process group, as 'pid name'."""
    import psutil

    out = []
    for p in psutil.process_iter(["pid", "name", "status"]):
        try:
            if os.getpgid(p.info["pid"]) == pgid and p.info["status"] != psutil.STATUS_ZOMBIE:
                out.append(f"{p.info['pid']} {p.info['name']}")
        except (ProcessLookupError, psutil.Error):
            continue
    return out


def _wait_group_gone(pgid: int, seconds: float) -> list[str]:
    deadline = time.monotonic() + seconds
    while (left := _group_members(pgid)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


@pytest.mark.slow
@pytest.mark.parametrize("seed", [11, 12, 13])
def test_killed_real_batch_resumes_without_loss(tmp_path, prefect_api, seed):
    rng = random.Random(seed)
    root, out = tmp_path / "archive", tmp_path / "out"
    good, _ = _archive(root, bad=(seed == 11))
    proc = _start(root, out, prefect_api)
    # kill somewhere between start-up and the last reports
    target = rng.randint(0, N_GOOD - 1)
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        if out.exists() and sum(1 for _ in out.glob("*/report.json")) >= target:
            break
        time.sleep(0.02)
    time.sleep(rng.uniform(0, 0.5))
    finished_first = proc.poll() is not None
    # SIGKILL the batch's main process only (as the OOM killer or `kill -9` would):
    # its worker processes must notice and exit by themselves.
    with contextlib.suppress(ProcessLookupError):
        os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    left = _wait_group_gone(proc.pid, 30)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)  # clean up whatever is left before asserting
    assert not left, f"processes left behind by the killed batch: {left}"
    resumed = _start(root, out, prefect_api)
    stdout, stderr = resumed.communicate(timeout=300)
    assert resumed.returncode in (0, 3), stderr[-2000:]
    assert "Traceback" not in stderr
    _assert_complete(out, good)
    if not finished_first:
        assert "done" in stdout
