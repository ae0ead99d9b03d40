"""The batch head start (flows/headstart.py): discovery, planning and the first chunks begin
while Prefect starts; the flow collects that work instead of doing it again."""

from __future__ import annotations

import pytest

from tests.flows_fake import GOOD, make_meeting

pytestmark = pytest.mark.usefixtures("prefect_api", "fake_analyzer")


def _archive(tmp_path, n=10):
    root = tmp_path / "a"
    for i in range(n):
        make_meeting(root, f"h{i:02d}", GOOD)
    return root, tmp_path / "out"


def _analysed(tmp_path) -> list[str]:
    return sorted((tmp_path / "analysed.log").read_text(encoding="utf-8").split())


def test_early_chunks_are_collected_by_the_flow_not_redone(tmp_path, monkeypatch):
    from flows import pool
    from flows.archive import run_archive
    from pipeline.store import ResultsStore

    monkeypatch.setenv("DIALOOG_FAKE_FLAKY_DIR", str(tmp_path))
    root, out = _archive(tmp_path, 30)
    early: list[list[str]] = []
    real_submit = pool.submit_early
    monkeypatch.setattr(pool, "submit_early",
                        lambda chunks, *a: (early.extend([i.meeting_id for i in c] for c in chunks), real_submit(chunks, *a)))
    summary = run_archive(root, out, workers=2)
    ids = [f"h{i:02d}" for i in range(30)]
    assert sorted(summary.done) == ids
    assert early and sum(len(c) for c in early) < len(ids)   # a head start, not the whole batch
    assert _analysed(tmp_path) == ids                         # each meeting analysed exactly once
    with ResultsStore(out, read_only=True) as s:
        # early chunks' rows carry the flow run's id, like the rest
        assert s.query("SELECT DISTINCT run_id FROM meetings") == [(summary.run_id,)]
        assert s.query("SELECT run_id, n_done FROM runs") == [(summary.run_id, 30)]


def test_a_head_start_for_other_arguments_is_discarded(tmp_path, monkeypatch):
    """The flow called with other settings than the head start was begun with plans the batch
    itself; whatever the workers did early is dropped, and nothing is stored twice."""
    from flows import headstart, pool
    from flows.archive import analyze_archive
    from pipeline.store import ResultsStore

    monkeypatch.setenv("DIALOOG_FAKE_FLAKY_DIR", str(tmp_path))
    root, out = _archive(tmp_path, 6)
    try:
        headstart.begin(root, out, None, workers=2, retry_failed=True)
        summary = analyze_archive(str(root), str(out), None, workers=2)   # retry_failed=False
    finally:
        headstart.discard()
        pool.stop()
    assert sorted(summary.done) == [f"h{i:02d}" for i in range(6)]
    assert set(_analysed(tmp_path)) == set(summary.done)
    with ResultsStore(out, read_only=True) as s:
        assert s.query("SELECT count(*), count(DISTINCT meeting_id) FROM meetings") == [(6, 6)]
        assert s.query("SELECT DISTINCT run_id FROM meetings") == [(summary.run_id,)]


def test_stale_part_files_are_removed_before_workers_write(tmp_path):
    """A killed run's half-written files go before any early chunk writes its own."""
    from flows.archive import run_archive

    root, out = _archive(tmp_path, 4)
    stale = out / "h00" / ".report.json.x.part"
    stale.parent.mkdir(parents=True)
    stale.write_text("{", encoding="utf-8")
    summary = run_archive(root, out, workers=2)
    assert len(summary.done) == 4
    assert not list(out.rglob("*.part"))
    assert (out / "h00" / "report.json").is_file()


def test_dask_head_start_chunks_are_collected_by_the_flows_tasks(tmp_path, monkeypatch):
    """On Dask the first chunks go to the cluster before the flow run exists; the flow's
    analyze-chunk tasks (on the workers) collect them: each meeting analysed once, stored once."""
    pytest.importorskip("prefect_dask")
    from flows import headstart
    from flows.archive import run_archive
    from pipeline.store import ResultsStore

    monkeypatch.setenv("DIALOOG_FAKE_FLAKY_DIR", str(tmp_path))
    root, out = _archive(tmp_path, 30)
    early: list[int] = []
    real_submit = headstart._submit_to_dask
    monkeypatch.setattr(headstart, "_submit_to_dask",
                        lambda hs, address, chunks, *a: (early.append(sum(map(len, chunks))),
                                                         real_submit(hs, address, chunks, *a)))
    summary = run_archive(root, out, dask_local=2)
    ids = [f"h{i:02d}" for i in range(30)]
    assert sorted(summary.done) == ids
    assert early and 0 < early[0] < 30                        # a head start, not the whole batch
    assert _analysed(tmp_path) == ids                         # each meeting analysed exactly once
    with ResultsStore(out, read_only=True) as s:
        assert s.query("SELECT DISTINCT run_id FROM meetings") == [(summary.run_id,)]
