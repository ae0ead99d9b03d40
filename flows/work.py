"""What a batch worker does with one meeting: analyse, write the report, return store rows.

Runs in worker processes (process pool or Dask); returns plain picklable
:class:`Outcome` values.  Never touches the results store: the parent process
is the single writer (DuckDB allows one).  Report files are written here,
atomically, *before* the parent stores the row that marks the meeting done, so:

* killed before the report files are complete → nothing stored; the rerun redoes it;
* killed after the reports, before the store commit → not marked done; the rerun
  redoes it and replaces the (complete) files atomically;
* killed after the commit → done; the rerun skips it.

Automatic retries only where retrying can help (``OSError``: a busy network
share, a file still being copied); bad input (:class:`InputError`) fails at once.
"""

from __future__ import annotations

import importlib
import logging
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from flows.discover import MeetingItem
from pipeline.errors import DialoogError, InputError
from pipeline.options import AnalyzeOptions
from pipeline.store import MeetingRows, rows_from_report

log = logging.getLogger(__name__)

#: Attempts for errors worth retrying (I/O); everything else gets one.
MAX_ATTEMPTS = 3
RETRY_DELAY_S = 0.5
#: ``module:function`` of another analyser with :func:`analyze_to_report`'s signature
#: (a plug-in point for custom pipelines; tests use it for a fast fake).  Read in
#: each worker, so it reaches process pools and local Dask workers through the environment.
ANALYZER_ENV = "DIALOOG_ANALYZER"


@dataclass(frozen=True, slots=True)
class Outcome:
    source: str
    meeting_id: str | None
    input_hash: str
    status: str                 # done | failed
    rows: MeetingRows | None = None
    error_type: str = ""
    reason: str = ""
    retryable: bool = False
    attempts: int = 1
    seconds: float = 0.0

    def with_run_id(self, run_id: str) -> "Outcome":
        """The same outcome recorded under another run (a chunk started before its flow run)."""
        return self if self.rows is None else replace(self, rows=self.rows.with_run_id(run_id))


def is_retryable(exc: BaseException) -> bool:
    """Retry I/O trouble, never bad input or bugs (they fail the same way again)."""
    return isinstance(exc, OSError) and not isinstance(exc, DialoogError)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, DialoogError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def analyze_to_report(item: MeetingItem, out_dir: str | Path, options: AnalyzeOptions):
    """The pipeline for one meeting: input → transcript → report → report files."""
    from pipeline.analyze import analyze_transcript, load_transcript, resolve_input
    from pipeline.report.writer import write_report_files

    opts = item.options_for(options)
    inp = resolve_input(Path(item.source), opts)
    transcript = load_transcript(inp, opts)
    report = analyze_transcript(transcript, opts)
    if item.meeting_id and not item.id_override and report.transcript.meeting.id != item.meeting_id:
        raise InputError(
            f"meeting id {report.transcript.meeting.id!r} differs from the manifest's {item.meeting_id!r}",
            path=item.source,
        )
    paths = write_report_files(report, out_dir, report_lang=opts.report_lang)
    return report, paths


def _analyzer():
    spec = os.environ.get(ANALYZER_ENV, "").strip()
    if not spec:
        return analyze_to_report
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name or "analyze_to_report")


def process_meeting(
    item: MeetingItem, out_dir: str | Path, options: AnalyzeOptions, *, run_id: str, settings_hash: str
) -> Outcome:
    t0 = time.perf_counter()
    analyze = _analyzer()
    attempt = 0
    while True:
        attempt += 1
        try:
            report, paths = analyze(item, out_dir, options)
            report_dir = str(Path(next(iter(paths.values()))).parent) if paths else None
            rows = rows_from_report(
                report, source=item.source, input_hash=item.input_hash, settings_hash=settings_hash,
                run_id=run_id, report_dir=report_dir,
            )
            return Outcome(item.source, rows.meeting_id, item.input_hash, "done", rows=rows,
                           attempts=attempt, seconds=time.perf_counter() - t0)
        except (KeyboardInterrupt, SystemExit):
            raise
        except Exception as exc:  # noqa: BLE001 - failure isolation: one bad meeting fails alone
            if isinstance(exc, InputError):
                exc = exc.with_path(item.source)
            retry = is_retryable(exc)
            if retry and attempt < MAX_ATTEMPTS:
                log.info("retrying %s after %s (attempt %d)", item.source, _reason(exc), attempt)
                time.sleep(RETRY_DELAY_S * attempt)
                continue
            # Bad input is reported in the summary; a bug also gets a warning (traceback with -vv).
            if not isinstance(exc, DialoogError):
                log.warning("meeting %s failed: %s", item.source, _reason(exc))
                log.debug("traceback", exc_info=True)
            return Outcome(item.source, item.meeting_id, item.input_hash, "failed", error_type=type(exc).__name__,
                           reason=_reason(exc), retryable=retry, attempts=attempt, seconds=time.perf_counter() - t0)


def warm_up(options: AnalyzeOptions | None = None) -> None:
    """Import the pipeline and load its rule sets/models in this process, before the first meeting.

    Run in each worker as it starts, so that loading overlaps Prefect's own
    start-up instead of delaying the first chunk.  Analyses a two-line
    transcript per language in memory (nothing is written); any error is left
    for the real meetings to report.
    """
    if os.environ.get(ANALYZER_ENV, "").strip():
        return
    try:
        import dataclasses

        from pipeline.analyze import analyze_transcript
        from pipeline.report.html import render_html
        from pipeline.types import Meeting, Participant, Transcript, Utterance

        opts = options or AnalyzeOptions()
        for lang, text in (("en", ("What do you think?", "We comply with all rules.")),
                           ("nl", ("Wat vindt u ervan?", "Wij houden ons aan alle regels."))):
            meeting = Meeting(id="warm-up", language=lang,
                              participants=(Participant("A", "buyer"), Participant("B", "supplier")))
            utts = tuple(Utterance(id=f"u{i + 1:04d}", speaker="AB"[i], start=3.0 * i, end=3.0 * i + 2.5, text=t,
                                   role=("buyer", "supplier")[i]) for i, t in enumerate(text))
            report = analyze_transcript(Transcript(meeting, utts), dataclasses.replace(opts, language=lang))
            render_html(report, opts.report_lang)
    except Exception:  # noqa: BLE001 - warming up is an optimisation only
        log.debug("warm-up failed", exc_info=True)


def process_chunk(
    items: Sequence[MeetingItem], out_dir: str, options: AnalyzeOptions, run_id: str, settings_hash: str
) -> list[Outcome]:
    """A chunk of meetings, one after another, in this worker process (models stay loaded)."""
    from flows.dask_cluster import wait_for_warm_up

    wait_for_warm_up()  # a Dask worker may still be loading the pipeline in the background
    return [process_meeting(i, out_dir, options, run_id=run_id, settings_hash=settings_hash) for i in items]
