"""The results store's schema, as an ordered list of migrations.

Each migration is a function ``(con) -> None`` that takes the database from
version ``n - 1`` to ``n``; :data:`MIGRATIONS` lists them in order, and
:func:`migrate` applies the missing ones inside one transaction each, recording
every step in the ``schema_version`` table.  Never edit a released migration:
add a new one at the end (see ``docs/store.md``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

log = logging.getLogger(__name__)


def _v1_initial(con) -> None:
    con.execute(
        """
        CREATE TABLE runs (
            run_id          VARCHAR PRIMARY KEY,
            started_at      TIMESTAMP NOT NULL,
            finished_at     TIMESTAMP,
            dialoog_version VARCHAR NOT NULL,
            settings_hash   VARCHAR NOT NULL,
            settings_json   VARCHAR NOT NULL,
            root            VARCHAR NOT NULL,
            status          VARCHAR NOT NULL,      -- running | finished | partial
            n_done          INTEGER DEFAULT 0,
            n_skipped       INTEGER DEFAULT 0,
            n_failed        INTEGER DEFAULT 0
        );
        CREATE TABLE meetings (
            meeting_id      VARCHAR PRIMARY KEY,
            source          VARCHAR NOT NULL,      -- file or folder the meeting came from
            input_hash      VARCHAR NOT NULL,      -- sha256 of the input files (transcript/media + manifest)
            settings_hash   VARCHAR NOT NULL,      -- sha256 of the analysis settings
            dialoog_version VARCHAR NOT NULL,
            run_id          VARCHAR NOT NULL,
            stored_at       TIMESTAMP NOT NULL,
            report_dir      VARCHAR,
            pilot VARCHAR, company VARCHAR, supplier VARCHAR, date VARCHAR,
            language VARCHAR, channel VARCHAR, kind VARCHAR, source_format VARCHAR,
            duration_s DOUBLE,
            n_utterances INTEGER,
            n_speakers INTEGER,
            rubric VARCHAR, taggers VARCHAR[], asr_model VARCHAR, diarizer VARCHAR,
            report_schema_version VARCHAR
        );
        CREATE TABLE speakers (
            meeting_id VARCHAR NOT NULL, name VARCHAR NOT NULL, role VARCHAR,
            talk_time_s DOUBLE, talk_share DOUBLE, turns INTEGER, mean_turn_s DOUBLE,
            longest_turn_s DOUBLE, words INTEGER, wpm DOUBLE, questions INTEGER,
            open_questions INTEGER, closed_questions INTEGER, interruptions_made INTEGER,
            first_speech_s DOUBLE
        );
        CREATE TABLE utterances (
            meeting_id VARCHAR NOT NULL, utterance_id VARCHAR NOT NULL, seq INTEGER NOT NULL,
            speaker VARCHAR, role VARCHAR, start_s DOUBLE, end_s DOUBLE, text VARCHAR,
            language VARCHAR,
            question VARCHAR,           -- open | closed | NULL
            defensive VARCHAR,          -- one of DEFENSIVE_CATEGORIES | NULL
            defensive_trigger VARCHAR,  -- utterance id of the preceding buyer-side turn
            reflection VARCHAR,         -- simple | complex | NULL
            cues VARCHAR[],
            tag_sources VARCHAR[]
        );
        CREATE TABLE metrics (
            meeting_id VARCHAR PRIMARY KEY,
            duration_s DOUBLE, speech_s DOUBLE, silence_share DOUBLE, overlap_s DOUBLE,
            turns INTEGER, speaker_switches INTEGER, switches_per_min DOUBLE,
            interruptions INTEGER, mean_wait_after_question_s DOUBLE,
            mean_wait_after_open_question_s DOUBLE, time_to_supplier_s DOUBLE,
            buyer_talk_share DOUBLE, supplier_talk_share DOUBLE,
            questions INTEGER, open_questions INTEGER, defensive INTEGER
        );
        CREATE TABLE lesson_scores (
            meeting_id VARCHAR NOT NULL, lesson_id INTEGER NOT NULL, title VARCHAR,
            status VARCHAR, score DOUBLE, evidence VARCHAR[], advice VARCHAR[],
            rubric VARCHAR
        );
        CREATE TABLE failures (
            source          VARCHAR PRIMARY KEY,
            meeting_id      VARCHAR,
            input_hash      VARCHAR,
            settings_hash   VARCHAR,
            dialoog_version VARCHAR,
            run_id          VARCHAR,
            failed_at       TIMESTAMP NOT NULL,
            error_type      VARCHAR NOT NULL,
            reason          VARCHAR NOT NULL,
            retryable       BOOLEAN NOT NULL,
            attempts        INTEGER NOT NULL
        );
        """
    )


def _v2_indexes(con) -> None:
    # Per-meeting lookups (the upsert deletes by meeting_id) stay fast on big stores.
    con.execute(
        """
        CREATE INDEX utterances_meeting ON utterances (meeting_id);
        CREATE INDEX speakers_meeting ON speakers (meeting_id);
        CREATE INDEX lesson_scores_meeting ON lesson_scores (meeting_id);
        """
    )


#: Ordered migrations; index ``i`` takes the store from version ``i`` to ``i + 1``.
MIGRATIONS: tuple[Callable[..., None], ...] = (_v1_initial, _v2_indexes)
SCHEMA_VERSION = len(MIGRATIONS)


def current_version(con) -> int:
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    row = con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()
    return int(row[0])


def migrate(con) -> int:
    """Apply the missing migrations in order, one transaction each; return the version."""
    version = current_version(con)
    if version > SCHEMA_VERSION:
        from pipeline.errors import InputError

        raise InputError(
            f"results store has schema version {version}, newer than this dialoog ({SCHEMA_VERSION})",
            hint="upgrade dialoog or use another --out folder",
        )
    for n in range(version + 1, SCHEMA_VERSION + 1):
        step = MIGRATIONS[n - 1]
        con.execute("BEGIN TRANSACTION")
        try:
            step(con)
            con.execute(
                "INSERT INTO schema_version VALUES (?, ?, current_timestamp)", [n, step.__name__.lstrip("_")]
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        log.debug("results store migrated to schema version %d (%s)", n, step.__name__)
    return SCHEMA_VERSION
