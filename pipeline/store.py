"""The results store: one DuckDB file, ``dialoog.duckdb``, in the output folder.

Tables (see ``docs/store.md`` and :mod:`pipeline.store_schema`): ``meetings``,
``speakers``, ``utterances`` (with tags), ``metrics``, ``lesson_scores``,
``failures`` and ``runs``; every meeting row records the dialoog version,
settings hash, rubric and taggers that produced it.

Correctness rules:

* **One writer.**  DuckDB allows one writing process; batch workers compute
  :class:`MeetingRows` (plain, picklable data) and the parent process writes.
* **Exactly once.**  :meth:`ResultsStore.put_meeting` replaces all rows of a
  meeting id in one transaction (delete + insert + clear its failure), so a
  meeting is stored once however often it is re-run, and a crash mid-write
  leaves the previous state (DuckDB rolls back uncommitted transactions).
"""

from __future__ import annotations

import datetime as _dt
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.fileio import FILE_MODE, ensure_dir
from pipeline.store_schema import SCHEMA_VERSION, migrate
from pipeline.types import MeetingReport

log = logging.getLogger(__name__)

STORE_NAME = "dialoog.duckdb"
#: Tables holding per-meeting rows, replaced together by :meth:`ResultsStore.put_meeting`.
MEETING_TABLES = ("meetings", "speakers", "utterances", "metrics", "lesson_scores")
EXPORT_TABLES = (*MEETING_TABLES, "failures", "runs")


@dataclass(frozen=True, slots=True)
class StoredState:
    """What the store knows about a meeting source: enough to decide whether to skip it."""

    meeting_id: str | None
    input_hash: str | None
    settings_hash: str | None
    dialoog_version: str | None
    status: str                     # done | failed
    retryable: bool = False
    reason: str = ""


@dataclass(frozen=True, slots=True)
class MeetingRows:
    """All store rows of one meeting, as column lists per table (picklable, small)."""

    meeting_id: str
    source: str
    tables: dict[str, dict[str, list[Any]]] = field(default_factory=dict)

    def count(self, table: str) -> int:
        cols = self.tables.get(table) or {}
        return len(next(iter(cols.values()), []))

    def with_run_id(self, run_id: str) -> "MeetingRows":
        """These rows, recorded under ``run_id``."""
        tables = {name: {**cols, "run_id": [run_id] * len(cols["run_id"])} if "run_id" in cols else cols
                  for name, cols in self.tables.items()}
        return MeetingRows(self.meeting_id, self.source, tables)


def _columns(rows: Sequence[dict[str, Any]], names: Sequence[str]) -> dict[str, list[Any]]:
    return {n: [r.get(n) for r in rows] for n in names}


def rows_from_report(
    report: MeetingReport,
    *,
    source: str,
    input_hash: str,
    settings_hash: str,
    run_id: str,
    report_dir: str | None = None,
    stored_at: _dt.datetime | None = None,
) -> MeetingRows:
    """Flatten a :class:`MeetingReport` into the rows of every per-meeting table."""
    t, m, prov = report.transcript, report.metrics, report.provenance
    mid = t.meeting.id
    stored_at = stored_at or _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)
    meeting = dict(
        meeting_id=mid, source=source, input_hash=input_hash, settings_hash=settings_hash,
        dialoog_version=prov.dialoog_version, run_id=run_id, stored_at=stored_at, report_dir=report_dir,
        pilot=t.meeting.pilot, company=t.meeting.company, supplier=t.meeting.supplier,
        date=t.meeting.date and str(t.meeting.date), language=t.meeting.language, channel=t.meeting.channel,
        kind=t.meeting.kind, source_format=t.source_format, duration_s=t.duration_s,
        n_utterances=len(t.utterances), n_speakers=len(t.speakers), rubric=prov.rubric,
        taggers=list(prov.taggers), asr_model=prov.asr_model, diarizer=prov.diarizer,
        report_schema_version=report.schema_version,
    )
    speakers = [
        dict(
            meeting_id=mid, name=s.name, role=s.role, talk_time_s=s.talk_time_s, talk_share=s.talk_share,
            turns=s.turns, mean_turn_s=s.mean_turn_s, longest_turn_s=s.longest_turn_s, words=s.words,
            wpm=s.wpm, questions=s.questions, open_questions=s.open_questions,
            closed_questions=s.closed_questions, interruptions_made=s.interruptions_made,
            first_speech_s=s.first_speech_s,
        )
        for s in m.speakers
    ]
    utterances = []
    n_questions = n_open = n_defensive = 0
    for seq, u in enumerate(t.utterances):
        tags = u.tags
        q, d, r = tags.question, tags.defensive, tags.reflection
        n_questions += q is not None
        n_open += q is not None and q.label == "open"
        n_defensive += d is not None
        sources = sorted({tg.source for tg in (q, d, r, *tags.cues) if tg is not None and tg.source})
        utterances.append(
            dict(
                meeting_id=mid, utterance_id=u.id, seq=seq, speaker=u.speaker, role=u.role,
                start_s=u.start, end_s=u.end, text=u.text, language=u.language,
                question=q and q.label, defensive=d and d.label, defensive_trigger=d and d.trigger,
                reflection=r and r.label, cues=[c.label for c in tags.cues], tag_sources=sources,
            )
        )
    share = {r.role: r.talk_share for r in m.roles}
    metrics = dict(
        meeting_id=mid, duration_s=m.duration_s, speech_s=m.speech_s, silence_share=m.silence_share,
        overlap_s=m.overlap_s, turns=m.turns, speaker_switches=m.speaker_switches,
        switches_per_min=m.switches_per_min, interruptions=len(m.interruptions),
        mean_wait_after_question_s=m.mean_wait_after_question_s,
        mean_wait_after_open_question_s=m.mean_wait_after_open_question_s,
        time_to_supplier_s=m.time_to_supplier_s, buyer_talk_share=share.get("buyer"),
        supplier_talk_share=share.get("supplier"), questions=n_questions, open_questions=n_open,
        defensive=n_defensive,
    )
    lessons = [
        dict(
            meeting_id=mid, lesson_id=ls.id, title=ls.title, status=ls.status, score=ls.score,
            evidence=list(ls.evidence), advice=list(ls.advice), rubric=prov.rubric,
        )
        for ls in report.lessons
    ]
    return MeetingRows(
        meeting_id=mid,
        source=source,
        tables={
            "meetings": _columns([meeting], list(meeting)),
            "speakers": _columns(speakers, _SPEAKER_COLS),
            "utterances": _columns(utterances, _UTTERANCE_COLS),
            "metrics": _columns([metrics], list(metrics)),
            "lesson_scores": _columns(lessons, _LESSON_COLS),
        },
    )


_SPEAKER_COLS = (
    "meeting_id", "name", "role", "talk_time_s", "talk_share", "turns", "mean_turn_s", "longest_turn_s",
    "words", "wpm", "questions", "open_questions", "closed_questions", "interruptions_made", "first_speech_s",
)
_UTTERANCE_COLS = (
    "meeting_id", "utterance_id", "seq", "speaker", "role", "start_s", "end_s", "text", "language",
    "question", "defensive", "defensive_trigger", "reflection", "cues", "tag_sources",
)
_LESSON_COLS = ("meeting_id", "lesson_id", "title", "status", "score", "evidence", "advice", "rubric")


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)


class ResultsStore:
    """A DuckDB results store.  Use as a context manager; one writer process at a time."""

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        import duckdb

        path = Path(path)
        if path.is_dir() or not path.suffix:
            path = path / STORE_NAME
        self.path = path
        if not read_only:
            ensure_dir(path.parent)
        self.con = duckdb.connect(str(path), read_only=read_only)
        if not read_only:
            os.chmod(path, FILE_MODE)  # meetings are confidential: owner-only
            self.version = migrate(self.con)
        else:
            self.version = SCHEMA_VERSION

    # ------------------------------------------------------------------ lifecycle
    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None  # type: ignore[assignment]

    def __enter__(self) -> "ResultsStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _tx(self):
        store = self

        class _Tx:
            def __enter__(self_inner):
                store.con.execute("BEGIN TRANSACTION")

            def __exit__(self_inner, exc_type, exc, tb):
                store.con.execute("ROLLBACK" if exc_type else "COMMIT")
                return False

        return _Tx()

    # ------------------------------------------------------------------ writes
    def put_meeting(self, rows: MeetingRows) -> None:
        """Replace every row of ``rows.meeting_id`` (and the failure of its source, if any) in one transaction."""
        self.put_meetings([rows])

    def put_meetings(self, batch: Sequence[MeetingRows]) -> None:
        """:meth:`put_meeting` for several meetings, in one transaction (all stored or none)."""
        import pyarrow as pa

        if not batch:
            return
        ids = [r.meeting_id for r in batch]
        if len(set(ids)) != len(ids):
            raise ValueError("a meeting id occurs twice in one store write")
        with self._tx():
            for table in MEETING_TABLES:
                self.con.execute(f"DELETE FROM {table} WHERE meeting_id IN (SELECT unnest(?))", [ids])
            self.con.execute("DELETE FROM failures WHERE source IN (SELECT unnest(?))", [[r.source for r in batch]])
            for table in MEETING_TABLES:
                parts = [r.tables[table] for r in batch if r.tables.get(table) and r.count(table)]
                if not parts:
                    continue
                names = list(parts[0])
                arrow = pa.table({n: [v for p in parts for v in p[n]] for n in names})
                self.con.register("_rows", arrow)
                try:
                    cols = ", ".join(names)
                    self.con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _rows")
                finally:
                    self.con.unregister("_rows")

    def put_failure(
        self,
        *,
        source: str,
        meeting_id: str | None,
        input_hash: str | None,
        settings_hash: str,
        dialoog_version: str,
        run_id: str,
        error_type: str,
        reason: str,
        retryable: bool,
        attempts: int,
    ) -> None:
        """Record (or replace) the failure of a meeting source; its stored results, if any, stay."""
        with self._tx():
            self.con.execute("DELETE FROM failures WHERE source = ?", [source])
            self.con.execute(
                "INSERT INTO failures VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [source, meeting_id, input_hash, settings_hash, dialoog_version, run_id, _now(),
                 error_type, reason, retryable, attempts],
            )

    def start_run(self, run_id: str, *, dialoog_version: str, settings_hash: str, settings_json: str, root: str) -> None:
        with self._tx():
            self.con.execute(
                "INSERT INTO runs (run_id, started_at, dialoog_version, settings_hash, settings_json, root, status)"
                " VALUES (?, ?, ?, ?, ?, ?, 'running')",
                [run_id, _now(), dialoog_version, settings_hash, settings_json, root],
            )

    def finish_run(self, run_id: str, *, done: int, skipped: int, failed: int) -> None:
        with self._tx():
            self.con.execute(
                "UPDATE runs SET finished_at = ?, status = ?, n_done = ?, n_skipped = ?, n_failed = ?"
                " WHERE run_id = ?",
                [_now(), "partial" if failed else "finished", done, skipped, failed, run_id],
            )

    # ------------------------------------------------------------------ reads
    def states(self) -> dict[str, StoredState]:
        """What is stored, keyed by source (file/folder path as discovered)."""
        out: dict[str, StoredState] = {}
        for mid, src, ih, sh, ver in self.con.execute(
            "SELECT meeting_id, source, input_hash, settings_hash, dialoog_version FROM meetings"
        ).fetchall():
            out[src] = StoredState(mid, ih, sh, ver, "done")
        for src, mid, ih, sh, ver, retry, reason in self.con.execute(
            "SELECT source, meeting_id, input_hash, settings_hash, dialoog_version, retryable, reason FROM failures"
        ).fetchall():
            out[src] = StoredState(mid, ih, sh, ver, "failed", bool(retry), reason)
        return out

    def meeting_ids(self) -> list[str]:
        return [r[0] for r in self.con.execute("SELECT meeting_id FROM meetings ORDER BY meeting_id").fetchall()]

    def count(self, table: str) -> int:
        if table not in EXPORT_TABLES:
            raise ValueError(f"unknown table {table!r}")
        return int(self.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    def failures(self) -> list[dict[str, Any]]:
        cur = self.con.execute("SELECT * FROM failures ORDER BY source")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        return self.con.execute(sql, list(params)).fetchall()

    # ------------------------------------------------------------------ export
    def export_parquet(self, out_dir: str | Path) -> dict[str, Path]:
        """Write every table to ``out_dir/<table>.parquet`` (atomically); return the paths."""
        from pipeline.fileio import atomic_path

        out_dir = ensure_dir(out_dir)
        paths: dict[str, Path] = {}
        for table in EXPORT_TABLES:
            target = out_dir / f"{table}.parquet"
            with atomic_path(target) as tmp:
                tmp.unlink()  # DuckDB creates the file itself
                self.con.execute(f"COPY {table} TO '{_sql_str(tmp)}' (FORMAT parquet)")
                os.chmod(tmp, FILE_MODE)
            paths[table] = target
        return paths


def _sql_str(path: Path) -> str:
    return str(path).replace("'", "''")
