"""The archive flow on a local Dask cluster with worker processes, and on a process pool."""

from __future__ import annotations

import os

import pytest

from tests.flows_fake import GOOD, make_meeting

pytest.importorskip("prefect_dask")
pytestmark = pytest.mark.usefixtures("prefect_api", "fake_analyzer")


@pytest.mark.parametrize("how", [{"dask_local": 2}, {"workers": 2}], ids=["dask-local", "process-pool"])
def test_parallel_runners_store_every_meeting_once(tmp_path, how):
    from flows.archive import run_archive
    from pipeline.store import ResultsStore

    root, out = tmp_path / "a", tmp_path / "out"
    for i in range(6):
        make_meeting(root, f"d{i}", GOOD)
    make_meeting(root, "bad", ["CORRUPT"])
    summary = run_archive(root, out, **how)
    assert sorted(summary.done) == [f"d{i}" for i in range(6)]
    assert [f[1] for f in summary.failed] == ["bad"]
    with ResultsStore(out, read_only=True) as s:
        assert s.count("meetings") == 6
        assert s.query("SELECT count(DISTINCT meeting_id), count(*) FROM utterances") == [(6, 6 * len(GOOD))]
        assert s.query("SELECT DISTINCT run_id FROM meetings") == [(summary.run_id,)]
    # The meetings were analysed in worker processes, not in this (the store-writing) one.
    pids = {int((tmp_path / f"pid-d{i}").read_text()) for i in range(6)}
    assert os.getpid() not in pids


def test_archive_job_entry_point_uses_worker_processes(tmp_path):
    """The deployment entry point (prefect.yaml, --every) gets a process pool without run_archive."""
    from flows.archive import archive_job

    root, out = tmp_path / "a", tmp_path / "out"
    for i in range(3):
        make_meeting(root, f"j{i}", GOOD)
    result = archive_job(str(root), str(out), {"report_lang": "nl"}, workers=2)
    assert result == {"done": 3, "skipped": 0, "failed": []}
    pids = {int((tmp_path / f"pid-j{i}").read_text()) for i in range(3)}
    assert os.getpid() not in pids


def test_a_dying_worker_fails_only_its_own_meetings(tmp_path):
    """A worker process that dies breaks the pool; fresh workers finish the rest.

    The meeting that kills its worker fails (retryably); the others finish in the
    same run, or — should a crash in flight hit one of them twice — on the
    ``--retry-failed`` run, which the culprit fails again."""
    from flows.archive import run_archive
    from pipeline.store import ResultsStore

    root, out = tmp_path / "a", tmp_path / "out"
    good = [f"d{i}" for i in range(6)]
    for name in good:
        make_meeting(root, name, GOOD)
    make_meeting(root, "d2-dies", ["CRASH"])  # sorts between d2 and d3: shares a chunk with a good meeting
    first = run_archive(root, out, workers=2)
    failed = {f[1]: str(f) for f in first.failed}
    assert "d2-dies" in failed and "worker process died" in failed["d2-dies"]
    assert set(first.done) | set(failed) == set(good) | {"d2-dies"}
    assert len(first.done) >= 4  # the pool was renewed: the batch went on
    second = run_archive(root, out, workers=2, retry_failed=True)
    assert [f[1] for f in second.failed] == ["d2-dies"]
    with ResultsStore(out, read_only=True) as s:
        assert sorted(s.meeting_ids()) == good
        rows = s.query("SELECT meeting_id, retryable FROM failures")
    assert rows == [("d2-dies", True)]


def _warmed_up() -> bool:
    import sys

    return "pipeline.report.html" in sys.modules and "pipeline.tagging.tagger" in sys.modules


def test_local_cluster_workers_load_the_pipeline_before_any_task(monkeypatch):
    """--dask-local's workers import the pipeline as they start (the WarmUp plugin), not on their first chunk."""
    import time

    from distributed import Client

    from flows.dask_cluster import PLUGIN_NAME, local_cluster

    monkeypatch.delenv("DIALOOG_ANALYZER", raising=False)
    with local_cluster(1) as address, Client(address) as client:
        # What unpickling a chunk's task needs is imported before the plugin's set-up returns, in
        # one thread: imports racing the background warm-up once deadlocked in Prefect's start-up.
        assert all(client.run(lambda: "flows.archive" in __import__("sys").modules
                              and "prefect.task_engine" in __import__("sys").modules).values())
        deadline = time.monotonic() + 120
        while not all(client.run(_warmed_up).values()):
            assert time.monotonic() < deadline, "the worker never loaded the pipeline"
            time.sleep(0.5)
        plugins = client.run(lambda dask_worker: list(dask_worker.plugins))
        assert all(PLUGIN_NAME in names for names in plugins.values())


def test_chunks_wait_for_a_background_warm_up(tmp_path):
    """A chunk never imports the pipeline while the worker's warm-up thread still does (import deadlocks)."""
    import threading

    from flows import dask_cluster
    from flows.discover import discover_meetings
    from flows.work import process_chunk
    from pipeline.options import AnalyzeOptions

    make_meeting(tmp_path / "a", "w1", GOOD)
    items = discover_meetings(tmp_path / "a")
    assert dask_cluster._warming.acquire(blocking=False)  # as if a warm-up were running
    assert dask_cluster._warm_up_in_background() is None  # never a second one at the same time
    done: list = []
    chunk = threading.Thread(target=lambda: done.extend(
        process_chunk(items, str(tmp_path / "out"), AnalyzeOptions(), "run", "settings")))
    chunk.start()
    chunk.join(0.5)
    assert chunk.is_alive() and not done
    dask_cluster._warming.release()
    chunk.join(30)
    assert [o.status for o in done] == ["done"]


def test_an_unreachable_dask_address_is_a_clear_input_error():
    from flows.dask_cluster import cluster_slots
    from pipeline.errors import InputError

    with pytest.raises(InputError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:1") as err:
        cluster_slots("tcp://127.0.0.1:1", timeout="1s")
    assert "--dask-address" in err.value.hint


def test_an_existing_cluster_keeps_all_its_workers_busy():
    """--dask-address: the batch keeps as many chunks in flight as the cluster has worker threads."""
    from distributed import LocalCluster

    from flows.dask_cluster import BatchCluster

    with LocalCluster(n_workers=3, threads_per_worker=1, processes=False, dashboard_address=None) as lc:
        with BatchCluster(address=lc.scheduler_address) as cluster:
            assert cluster.slots == 3
            assert cluster.address() == lc.scheduler_address
