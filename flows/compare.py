"""``compare_meetings``: meetings × pilots tables from a results store.

Reads ``OUT/dialoog.duckdb`` (read-only) and returns two pandas tables — one row
per meeting (talk shares, questions, defensive responses, lesson statuses) and
one row per pilot (means and counts) — optionally written as CSV.
"""

from __future__ import annotations

from pathlib import Path

from flows.runtime import prepare_prefect

prepare_prefect()

from prefect import flow  # noqa: E402

MEETING_SQL = """
SELECT m.meeting_id, m.pilot, m.company, m.supplier, m.date, m.language, m.duration_s,
       x.buyer_talk_share, x.supplier_talk_share, x.questions, x.open_questions, x.defensive,
       x.mean_wait_after_question_s,
       (SELECT count(*) FROM lesson_scores l WHERE l.meeting_id = m.meeting_id AND l.status = 'good') AS lessons_good,
       (SELECT count(*) FROM lesson_scores l WHERE l.meeting_id = m.meeting_id AND l.status = 'needs_attention')
           AS lessons_needs_attention
FROM meetings m LEFT JOIN metrics x USING (meeting_id)
ORDER BY m.pilot, m.date, m.meeting_id
"""

PILOT_SQL = """
SELECT coalesce(nullif(m.pilot, ''), '(none)') AS pilot, count(*) AS meetings,
       avg(x.buyer_talk_share) AS buyer_talk_share, avg(x.supplier_talk_share) AS supplier_talk_share,
       sum(x.questions) AS questions,
       sum(x.open_questions) / nullif(sum(x.questions), 0) AS open_question_share,
       sum(x.defensive) AS defensive
FROM meetings m LEFT JOIN metrics x USING (meeting_id)
GROUP BY 1 ORDER BY 1
"""


@flow(name="compare-meetings", validate_parameters=False)
def compare_meetings(store_dir: str, out_dir: str | None = None) -> dict:
    """Per-meeting and per-pilot comparison tables (pandas) from the store in ``store_dir``."""
    from pipeline.fileio import write_text_atomic
    from pipeline.store import ResultsStore

    with ResultsStore(store_dir, read_only=True) as store:
        meetings = store.con.execute(MEETING_SQL).df()
        pilots = store.con.execute(PILOT_SQL).df()
    if out_dir:
        write_text_atomic(Path(out_dir) / "meetings.csv", meetings.to_csv(index=False))
        write_text_atomic(Path(out_dir) / "pilots.csv", pilots.to_csv(index=False))
    return {"meetings": meetings, "pilots": pilots}
