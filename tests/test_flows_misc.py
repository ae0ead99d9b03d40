"""compare_meetings, analyze_meeting, the per-process model cache, discovery and chunking."""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path

import pytest

from tests.flows_fake import GOOD, make_meeting


def test_compare_meetings_tables(tmp_path, prefect_api, fake_analyzer):
    from flows.archive import run_archive
    from flows.compare import compare_meetings

    root, out = tmp_path / "a", tmp_path / "out"
    make_meeting(root, "c1", GOOD)
    make_meeting(root, "c2", GOOD[:2])
    run_archive(root, out)
    tables = compare_meetings(str(out), str(tmp_path / "cmp"))
    assert list(tables["meetings"]["meeting_id"]) == ["c1", "c2"]
    (row,) = tables["pilots"].to_dict("records")
    assert row["pilot"] == "test" and row["meetings"] == 2
    assert (tmp_path / "cmp" / "pilots.csv").read_text().startswith("pilot,meetings")


def test_discovery_ids_hashes_and_loose_files(tmp_path):
    from flows.discover import discover_meetings, input_hash

    make_meeting(tmp_path, "f1", GOOD, folder="x/f1")
    (tmp_path / "x" / "f1" / "voices").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "call.vtt").write_text("WEBVTT\n", encoding="utf-8")
    (tmp_path / "a" / "call.wav").write_bytes(b"RIFF")            # same stem: the transcript wins
    (tmp_path / "b" / "call.srt").write_text("1\n", encoding="utf-8")  # same stem elsewhere: distinct id
    (tmp_path / "a" / "notes.pdf").write_text("x", encoding="utf-8")
    out = tmp_path / "out"
    make_meeting(out, "old-output", GOOD)                           # the output folder is never an input
    items = discover_meetings(tmp_path, exclude=[out])
    assert [(i.meeting_id, i.is_folder) for i in items] == [("call", False), ("b-call", False), ("f1", True)]
    h1 = input_hash(tmp_path / "x" / "f1")
    (tmp_path / "x" / "f1" / "voices" / "anna.wav").write_bytes(b"1")
    assert input_hash(tmp_path / "x" / "f1") != h1


def _items(n, recordings=()):
    from flows.discover import MeetingItem

    return [MeetingItem(source=f"m{i:03d}", meeting_id=f"m{i:03d}", input_hash="", is_folder=True,
                        recording=i in recordings) for i in range(n)]


def test_chunks_cover_everything_once():
    from flows.discover import DASK_MAX_CHUNK, chunked

    items = _items(103)
    for workers in (1, 2, 8):
        chunks = chunked(items, workers)
        assert [x for c in chunks for x in c] == items
        assert max(map(len, chunks)) <= 25
    for max_chunk in (25, DASK_MAX_CHUNK):
        sizes = [len(c) for c in chunked(_items(1000), 2, max_chunk)]
        assert sum(sizes) == 1000 and sizes[0] == max_chunk            # large tasks first …
        assert sizes == sorted(sizes, reverse=True) and sizes[-1] <= 5  # … then smaller: a short tail
    assert chunked([], 2) == []
    assert [len(c) for c in chunked(_items(3), 2)] == [3]


def test_each_recording_is_a_chunk_of_its_own():
    from flows.discover import chunked

    items = _items(60, recordings={3, 4, 40})
    chunks = chunked(items, 2)
    assert sorted(x.source for c in chunks for x in c) == [i.source for i in items]
    assert chunks[:3] == [[items[3]], [items[4]], [items[40]]]        # recordings first, alone
    assert not any(x.recording for c in chunks[3:] for x in c)
    assert len(chunks[3]) == 15                                       # 57 transcripts / (2 workers × 2)


def test_discovery_tells_recordings_from_transcripts(tmp_path):
    from flows.discover import discover_meetings

    (tmp_path / "loose.wav").write_bytes(b"RIFF")
    (tmp_path / "loose2.vtt").write_text("WEBVTT\n", encoding="utf-8")
    for name, manifest, files in (("named-media", "media: call.m4a\n", ["call.m4a"]),
                                  ("named-transcript", "transcript: t.vtt\nmedia: call.m4a\n", ["t.vtt", "call.m4a"]),
                                  ("only-audio", "", ["rec.mp3"]), ("only-text", "", ["t.txt"])):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "meeting.yaml").write_text(f"id: {name}\n{manifest}", encoding="utf-8")
        for f in files:
            (folder / f).write_bytes(b"x")
    found = {i.meeting_id: i.recording for i in discover_meetings(tmp_path)}
    assert found == {"loose": True, "loose2": False, "named-media": True, "named-transcript": False,
                     "only-audio": True, "only-text": False}


def test_model_cache_loads_once_per_process_even_across_threads():
    from models.cache import cached_model, clear_model_cache

    calls = []

    @cached_model
    def load(name):
        calls.append(name)
        return object()

    results = []
    threads = [threading.Thread(target=lambda: results.append(load("tiny"))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == ["tiny"] and len({id(r) for r in results}) == 1
    assert load("small") is not results[0]
    clear_model_cache()
    load("tiny")
    assert calls == ["tiny", "small", "tiny"]


def test_options_survive_a_json_round_trip():
    import dataclasses
    import json

    from flows.archive import options_from
    from pipeline.options import AnalyzeOptions

    opts = AnalyzeOptions(language="nl", roles=("Anna=buyer",), report_lang="nl")
    assert options_from(json.loads(json.dumps(dataclasses.asdict(opts)))) == opts


def _pipeline_complete() -> bool:
    try:
        from pipeline.lessons import score_lessons  # noqa: F401
        from pipeline.report.html import render_html  # noqa: F401
        from pipeline.report.markdown import render_markdown  # noqa: F401
        from pipeline.tagging import tag_transcript  # noqa: F401
    except ImportError:
        return False
    return importlib.util.find_spec("pipeline.analyze") is not None


_PIPELINE = _pipeline_complete()


def test_analyze_meeting_flow_on_a_sample(tmp_path, prefect_api):
    assert _PIPELINE, "the whole-meeting pipeline is incomplete"
    from pathlib import Path

    from flows.meeting import analyze_meeting
    from pipeline.store import ResultsStore

    samples = Path(__file__).resolve().parents[1] / "data" / "sample"
    folder = next((p for p in sorted(samples.glob("*")) if (p / "meeting.yaml").is_file()), None)
    if folder is None:
        pytest.skip("no sample meetings")
    result = analyze_meeting(str(folder), str(tmp_path))
    assert Path(result["paths"]["json"]).is_file()
    with ResultsStore(tmp_path, read_only=True) as s:
        assert s.meeting_ids() == [result["meeting_id"]]
        assert s.count("lesson_scores") == 8


def test_prefect_clients_share_one_verified_tls_context():
    """Prefect re-reads the CA bundle for every API client (two per task run); after
    share_tls_contexts() they share one verified context, and unverified ones stay separate."""
    import ssl

    import certifi

    from flows.runtime import _SharedTLSContexts, prepare_prefect, share_tls_contexts

    prepare_prefect()
    from prefect.client.orchestration import SyncPrefectClient

    share_tls_contexts()
    share_tls_contexts()  # idempotent: no shim around the shim

    def ctx(client):
        return client._client._transport._pool._ssl_context

    a, b = (SyncPrefectClient("http://127.0.0.1:9/api") for _ in range(2))
    assert ctx(a) is ctx(b) and ctx(a).verify_mode == ssl.CERT_REQUIRED
    shim = _SharedTLSContexts(ssl)
    assert shim.create_default_context() is not shim.create_default_context()  # may be made insecure
    assert shim.create_default_context(cafile=certifi.where()) is shim.create_default_context(cafile=certifi.where())
    assert shim.CERT_NONE is ssl.CERT_NONE


_ORPHAN = """
import subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c",
    "import time; from flows.pool import _exit_with_parent; _exit_with_parent(0.05); "
    "print('ready', flush=True); time.sleep(120)"])
print(child.pid, flush=True)
time.sleep(30)
"""


def test_pool_worker_exits_when_its_batch_is_killed():
    """A worker whose batch was SIGKILLed must not live on (it would block on a dead result pipe)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    import psutil

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    batch = subprocess.Popen([sys.executable, "-c", _ORPHAN], stdout=subprocess.PIPE, text=True, env=env)
    try:
        worker = psutil.Process(int(batch.stdout.readline()))
        assert batch.stdout.readline().strip() == "ready"
        assert worker.is_running() and worker.ppid() == batch.pid
        os.kill(batch.pid, signal.SIGKILL)
        batch.wait(timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if worker.status() == psutil.STATUS_ZOMBIE:
                    break
            except psutil.NoSuchProcess:
                break
            time.sleep(0.05)
        else:
            worker.kill()
            raise AssertionError("the orphaned worker was still running 10 s after its batch was killed")
    finally:
        batch.kill()
        batch.stdout.close()


def test_a_sigterm_masked_by_an_interrupted_import_still_stops_cleanly():
    """SIGTERM during a C extension's import surfaces as that ImportError (seen with duckdb in a
    fresh clone): the flow lets the signal through and the CLI maps it to exit 143."""
    from pipeline.errors import Terminated, termination_in, unmasked_termination

    def interrupted_import():
        try:
            raise Terminated()
        except Terminated as sig:
            raise ImportError("Encountered an error while initializing the extension.") from sig

    with pytest.raises(Terminated):
        with unmasked_termination():
            interrupted_import()
    with pytest.raises(ValueError):  # anything else passes unchanged
        with unmasked_termination():
            raise ValueError("a bug")
    assert termination_in(ImportError("plain")) is None


def test_cli_exits_143_when_a_sigterm_hides_behind_another_error(monkeypatch, capsys):
    from flows import cli
    from pipeline.errors import EXIT_TERMINATED, Terminated

    def run(_args):
        try:
            raise Terminated()
        except Terminated as sig:
            raise ImportError("initializing the extension") from sig

    parser = cli.build_parser()
    monkeypatch.setattr(cli, "build_parser", lambda: parser)
    args = parser.parse_args(["batch", "data/sample", "--out", "x"])
    monkeypatch.setattr(args, "func", run, raising=False)
    monkeypatch.setattr(parser, "parse_args", lambda argv=None: args)
    assert cli.main([]) == EXIT_TERMINATED
    assert "stopped (SIGTERM)" in capsys.readouterr().err
