"""``analyze_meeting``: one meeting, with a Prefect task per pipeline stage.

input → transcript (ingest, or transcribe + diarize) → report (tag, metrics,
lessons) → report files → results store.  Task boundaries sit at stages, never
per utterance.  The flow's own process writes the store (the single writer).
"""

from __future__ import annotations

from pathlib import Path

from flows.runtime import prepare_prefect

prepare_prefect()

from prefect import flow, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402

from pipeline.options import AnalyzeOptions  # noqa: E402
from pipeline.types import MeetingReport, Transcript  # noqa: E402


@task(name="load-transcript", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=1,
      retry_condition_fn=lambda task, run, state: _io_error(state))
def load_stage(path: str, options: AnalyzeOptions) -> Transcript:
    """Find the input and read it (ingest), or transcribe and diarize a recording."""
    from pipeline.analyze import load_transcript, resolve_input

    return load_transcript(resolve_input(Path(path), options), options)


@task(name="analyze-transcript", cache_policy=NO_CACHE)
def analyze_stage(transcript: Transcript, options: AnalyzeOptions) -> MeetingReport:
    """Tag, measure and score the lessons."""
    from pipeline.analyze import analyze_transcript

    return analyze_transcript(transcript, options)


@task(name="write-report", cache_policy=NO_CACHE)
def report_stage(report: MeetingReport, out_dir: str, report_lang: str) -> dict[str, str]:
    from pipeline.report.writer import write_report_files

    return {k: str(v) for k, v in write_report_files(report, out_dir, report_lang=report_lang).items()}


def _io_error(state) -> bool:
    """Retry only I/O trouble; bad input fails the same way again."""
    from flows.work import is_retryable

    try:
        state.result()
    except Exception as exc:  # noqa: BLE001
        return is_retryable(exc)
    return False


@flow(name="analyze-meeting", validate_parameters=False)
def analyze_meeting(path: str, out_dir: str, options: AnalyzeOptions | None = None, store: bool = True) -> dict:
    """Analyse one meeting into ``out_dir``; return its id and report paths."""
    from flows.archive import options_from
    from flows.discover import input_hash, settings_fingerprint
    from pipeline.store import ResultsStore, rows_from_report

    options = options_from(options)
    transcript = load_stage(str(path), options)
    report = analyze_stage(transcript, options)
    paths = report_stage(report, str(out_dir), options.report_lang)   # report files first …
    if store:                                                          # … then the row that marks it done
        settings_hash, _ = settings_fingerprint(options)
        rows = rows_from_report(report, source=str(path), input_hash=input_hash(Path(path)),
                                settings_hash=settings_hash, run_id=_run_id(),
                                report_dir=str(Path(paths["json"]).parent))
        with ResultsStore(out_dir) as s:
            s.put_meeting(rows)
    return {"meeting_id": report.transcript.meeting.id, "paths": paths}


def _run_id() -> str:
    from flows.archive import _run_id as rid

    return rid()
