"""`dialoog batch` and the archive flow: summary, store contents, skipping, retries, failure isolation."""

from __future__ import annotations

import json

import pytest

from tests.flows_fake import GOOD, make_meeting

pytestmark = pytest.mark.usefixtures("prefect_api", "fake_analyzer")


def _archive(root):
    make_meeting(root, "m-good-1", GOOD)
    make_meeting(root, "m-good-2", GOOD[:2], folder="pilot-b/call2")
    make_meeting(root, "m-corrupt", ["CORRUPT"])
    make_meeting(root, "m-dup", GOOD, folder="dup-a")
    make_meeting(root, "m-dup", GOOD, folder="dup-b")
    (root / "loose").mkdir()
    (root / "loose" / "call 7.txt").write_text("Anna: hello\nRavi: hi\n", encoding="utf-8")
    (root / "loose" / "ignored.rttm").write_text("x", encoding="utf-8")
    return root


def _batch(*argv):
    from flows.cli import main

    return main(["batch", *map(str, argv)])


def _store(out):
    from pipeline.store import ResultsStore

    return ResultsStore(out)


def test_mixed_archive_summary_store_and_second_run(tmp_path, capsys):
    root, out = _archive(tmp_path / "archive"), tmp_path / "out"
    assert _batch(root, "--out", out) == 3
    text = capsys.readouterr().out
    assert "6 meetings: 4 done, 0 skipped (unchanged), 2 failed" in text
    assert "transcript is corrupt" in text and "duplicate meeting id 'm-dup'" in text
    with _store(out) as s:
        assert s.meeting_ids() == ["call-7", "m-dup", "m-good-1", "m-good-2"]
        assert s.query("SELECT meeting_id, count(*) FROM utterances GROUP BY 1 ORDER BY 1") == [
            ("call-7", 2), ("m-dup", 4), ("m-good-1", 4), ("m-good-2", 2)]
        fails = {f["meeting_id"]: f for f in s.failures()}
        assert fails["m-corrupt"]["error_type"] == "InputError" and not fails["m-corrupt"]["retryable"]
        assert fails["m-dup"]["source"].endswith("dup-b")
        assert s.query("SELECT status, n_done, n_failed FROM runs") == [("partial", 4, 2)]
    for mid in ("call-7", "m-good-1"):
        assert json.loads((out / mid / "report.json").read_text())["meeting"]["id"] == mid

    # Second run: nothing changed → everything skipped; failures held back, not retried.
    assert _batch(root, "--out", out) == 3
    text = capsys.readouterr().out
    assert "6 meetings: 0 done, 4 skipped (unchanged), 2 failed" in text
    assert "--retry-failed" in text

    # Fix the corrupt one and change a good one: only those two run.
    make_meeting(root, "m-corrupt", GOOD)
    (root / "m-good-1" / "transcript.txt").write_text("Anna: changed\n", encoding="utf-8")
    assert _batch(root, "--out", out) == 3   # the duplicate still fails
    text = capsys.readouterr().out
    assert "2 done, 3 skipped" in text
    with _store(out) as s:
        assert s.query("SELECT count(*) FROM utterances WHERE meeting_id = 'm-good-1'") == [(1,)]
        assert [f["meeting_id"] for f in s.failures()] == ["m-dup"]
        assert s.count("meetings") == 5


def test_all_good_exits_zero_and_settings_change_reruns(tmp_path, capsys):
    root, out = tmp_path / "a", tmp_path / "out"
    make_meeting(root, "x1", GOOD)
    make_meeting(root, "x2", GOOD)
    assert _batch(root, "--out", out, "--parquet") == 0
    assert "2 done" in capsys.readouterr().out
    assert (out / "parquet" / "meetings.parquet").is_file()
    assert _batch(root, "--out", out, "--report-lang", "nl") == 0
    assert "2 done, 0 skipped" in capsys.readouterr().out
    assert _batch(root, "--out", out, "--report-lang", "nl") == 0
    assert "0 done, 2 skipped" in capsys.readouterr().out


def test_retry_only_for_io_errors_and_retry_failed(tmp_path, capsys):
    root, out = tmp_path / "a", tmp_path / "out"
    make_meeting(root, "flaky", ["Anna: hi", "Ravi: OSERROR once"])
    make_meeting(root, "bad", ["CORRUPT"])
    assert _batch(root, "--out", out) == 3
    capsys.readouterr()
    with _store(out) as s:
        assert s.meeting_ids() == ["flaky"]          # the OSError was retried and then passed
        (fail,) = s.failures()
        assert fail["meeting_id"] == "bad" and fail["attempts"] == 1
    flaky_count = tmp_path / "flaky"
    assert flaky_count.read_text() == "2"
    assert _batch(root, "--out", out) == 3           # unchanged: held back, not retried
    assert "failed earlier" in capsys.readouterr().out
    assert _batch(root, "--out", out, "--retry-failed") == 3   # retried on request (and fails again)
    assert "1 skipped (unchanged), 1 failed" in capsys.readouterr().out
    with _store(out) as s:
        (latest,) = s.query("SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1")
        assert s.failures()[0]["run_id"] == latest[0]   # the failure is from the retry


def test_since_filters_by_meeting_date(tmp_path, capsys):
    root, out = tmp_path / "a", tmp_path / "out"
    make_meeting(root, "old", GOOD)
    assert _batch(root, "--out", out, "--since", "2022-01-01") == 0
    assert "0 meetings" in capsys.readouterr().out
    assert _batch(root, "--out", out, "--since", "2021-01-01") == 0
    assert "1 done" in capsys.readouterr().out


def test_missing_root_is_bad_input(tmp_path, capsys):
    assert _batch(tmp_path / "nope", "--out", tmp_path / "o") == 2
    assert "no such folder" in capsys.readouterr().err
