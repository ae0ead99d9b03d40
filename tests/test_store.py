"""The DuckDB results store: schema, migrations, exactly-once upserts, failures, Parquet."""

from __future__ import annotations

import pytest

duckdb = pytest.importorskip("duckdb")

from pipeline.metrics import compute_metrics  # noqa: E402
from pipeline.store import ResultsStore, rows_from_report  # noqa: E402
from pipeline.store_schema import MIGRATIONS, SCHEMA_VERSION  # noqa: E402
from pipeline.types import LessonScore, MeetingReport, Provenance, Tag, UtteranceTags  # noqa: E402
from tests.builders import transcript, utt  # noqa: E402


def _report(mid="m1", n=4):
    us = []
    for i in range(n):
        sp = "Anna" if i % 2 == 0 else "Ravi"
        tags = UtteranceTags(
            question=Tag("question", "open", "rules.q@1") if sp == "Anna" else None,
            defensive=Tag("defensive", "justification", "rules.d@1", trigger=f"u{i:04d}") if sp == "Ravi" else None,
            cues=(Tag("cue", "invitation", "rules.c@1"),) if i == 0 else (),
        )
        us.append(utt(i + 1, sp, 10.0 * i, 10.0 * i + 8, "what do you think?", role="buyer" if sp == "Anna" else "supplier", tags=tags))
    t = transcript(us, participants=[("Anna", "buyer"), ("Ravi", "supplier")], meeting_id=mid, pilot="P1")
    lessons = tuple(LessonScore(k, f"lesson {k}", "good", 1.0, (), ("u0001",), ("keep going",)) for k in range(1, 9))
    return MeetingReport(t, compute_metrics(t), lessons, Provenance("0.1.0", rubric="rubric@1", taggers=("rules@1",)))


def _rows(mid="m1", n=4, ih="h1"):
    return rows_from_report(_report(mid, n), source=f"/a/{mid}", input_hash=ih, settings_hash="s1", run_id="r1")


def test_new_store_has_every_migration_recorded(tmp_path):
    with ResultsStore(tmp_path) as store:
        versions = store.query("SELECT version, name FROM schema_version ORDER BY version")
    assert [v for v, _ in versions] == list(range(1, len(MIGRATIONS) + 1))
    assert versions[-1][0] == SCHEMA_VERSION
    assert (tmp_path / "dialoog.duckdb").stat().st_mode & 0o077 == 0


def test_migrations_apply_in_order_from_an_older_store(tmp_path):
    from pipeline.store_schema import current_version

    con = duckdb.connect(str(tmp_path / "dialoog.duckdb"))
    current_version(con)
    MIGRATIONS[0](con)
    con.execute("INSERT INTO schema_version VALUES (1, 'v1_initial', current_timestamp)")
    con.close()
    with ResultsStore(tmp_path) as store:
        assert store.version == SCHEMA_VERSION
        names = [r[0] for r in store.query("SELECT index_name FROM duckdb_indexes()")]
    assert "utterances_meeting" in names


def test_newer_store_is_refused(tmp_path):
    from pipeline.errors import InputError

    with ResultsStore(tmp_path) as store:
        store.query("INSERT INTO schema_version VALUES (?, 'future', current_timestamp)", [SCHEMA_VERSION + 1])
    with pytest.raises(InputError, match="newer"):
        ResultsStore(tmp_path)


def test_rows_carry_tags_metrics_lessons_and_provenance(tmp_path):
    with ResultsStore(tmp_path) as store:
        store.put_meeting(_rows())
        (mid, ver, rubric, taggers, pilot), = store.query(
            "SELECT meeting_id, dialoog_version, rubric, taggers, pilot FROM meetings")
        assert (mid, ver, rubric, list(taggers), pilot) == ("m1", "0.1.0", "rubric@1", ["rules@1"], "P1")
        qs = store.query("SELECT utterance_id, question, defensive, defensive_trigger, cues FROM utterances ORDER BY seq")
        assert qs[0] == ("u0001", "open", None, None, ["invitation"])
        assert qs[1][2:4] == ("justification", "u0001")
        assert store.count("lesson_scores") == 8
        assert store.query("SELECT questions, defensive, buyer_talk_share > 0 FROM metrics") == [(2, 2, True)]
        assert {r[0] for r in store.query("SELECT name FROM speakers")} == {"Anna", "Ravi"}


def test_put_meeting_replaces_rows_exactly_once(tmp_path):
    with ResultsStore(tmp_path) as store:
        store.put_meeting(_rows(n=6))
        store.put_meeting(_rows(n=3, ih="h2"))
        store.put_meeting(_rows("m2", n=2))
        assert store.query("SELECT meeting_id, input_hash FROM meetings ORDER BY 1") == [("m1", "h2"), ("m2", "h1")]
        assert store.query("SELECT meeting_id, count(*) FROM utterances GROUP BY 1 ORDER BY 1") == [("m1", 3), ("m2", 2)]
        assert store.count("lesson_scores") == 16


def test_failed_write_rolls_back_and_keeps_previous_rows(tmp_path):
    with ResultsStore(tmp_path) as store:
        store.put_meeting(_rows(n=4))
        bad = _rows(n=5, ih="h2")
        bad.tables["utterances"]["seq"][2] = None  # NOT NULL violation mid-transaction
        with pytest.raises(duckdb.Error):
            store.put_meeting(bad)
        assert store.query("SELECT input_hash FROM meetings") == [("h1",)]
        assert store.count("utterances") == 4


def test_failure_recorded_then_cleared_by_success(tmp_path):
    with ResultsStore(tmp_path) as store:
        store.put_failure(source="/a/m1", meeting_id="m1", input_hash="h1", settings_hash="s1", dialoog_version="0.1.0",
                          run_id="r1", error_type="InputError", reason="bad", retryable=False, attempts=1)
        st = store.states()["/a/m1"]
        assert (st.status, st.reason, st.retryable) == ("failed", "bad", False)
        store.put_meeting(_rows())
        assert store.failures() == []
        assert store.states()["/a/m1"].status == "done"


def test_empty_meeting_is_stored(tmp_path):
    with ResultsStore(tmp_path) as store:
        store.put_meeting(_rows(n=0))
        assert store.meeting_ids() == ["m1"]
        assert store.count("utterances") == 0


def test_export_parquet_round_trips(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    with ResultsStore(tmp_path / "out") as store:
        store.put_meeting(_rows(n=4))
        paths = store.export_parquet(tmp_path / "pq")
    assert set(paths) >= {"meetings", "utterances", "lesson_scores", "failures", "runs"}
    assert pq.read_table(paths["utterances"]).num_rows == 4
    assert not list((tmp_path / "pq").glob(".*.part"))
    assert paths["meetings"].stat().st_mode & 0o077 == 0
