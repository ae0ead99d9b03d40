"""``dialoog analyze INPUT``: one meeting in, one report out."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from flows.commands.common import add_analysis_options, analysis_options

log = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "analyze",
        help="analyse one meeting (transcript, recording or meeting folder) and write its report",
        description="Analyse one meeting and write report.html, report.md and report.json to OUT/<meeting-id>/. "
        "INPUT is a transcript (Teams/Zoom VTT, SRT, Zoom captions, Teams text or .docx, JSON, Name: text), "
        "a recording (wav, mp3, m4a, mp4, webm, ogg, flac) or a folder with a meeting.yaml.",
    )
    p.add_argument("input", metavar="INPUT", help="transcript, recording or meeting folder")
    p.add_argument("--out", default="out", metavar="DIR", help="output folder (default: ./out)")
    p.add_argument("--meeting-id", help="meeting id (default: manifest, else the file name)")
    p.add_argument("--no-store", action="store_true",
                   help="do not record the meeting in OUT/dialoog.duckdb (the results store that compare reads)")
    add_analysis_options(p)
    p.set_defaults(func=run)


def _store(report, paths: dict, input_path: str, out_dir: str, options) -> Path | None:
    """Record the meeting in OUT/dialoog.duckdb, as ``dialoog batch`` does, so that
    ``dialoog compare`` and a later batch over the same folder see it."""
    import datetime as dt

    from flows.discover import input_hash, settings_fingerprint
    from pipeline.store import ResultsStore, rows_from_report

    settings_hash, settings_json = settings_fingerprint(options)
    run_id = "analyze-" + dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    source = str(Path(input_path))
    try:
        with ResultsStore(out_dir) as store:
            store.start_run(run_id, dialoog_version=report.provenance.dialoog_version,
                            settings_hash=settings_hash, settings_json=settings_json, root=source)
            store.put_meeting(rows_from_report(
                report, source=source, input_hash=input_hash(Path(input_path)), settings_hash=settings_hash,
                run_id=run_id, report_dir=str(paths["json"].parent)))
            store.finish_run(run_id, done=1, skipped=0, failed=0)
            return store.path
    except Exception as exc:  # noqa: BLE001 - the reports are written; the store is a convenience here
        if isinstance(exc, KeyboardInterrupt):
            raise
        log.warning("reports written, but the results store in %s could not be updated (%s: %s); "
                    "`dialoog batch` over the same input will add it", out_dir, type(exc).__name__, exc)
        return None


def run(args: argparse.Namespace) -> int:
    from pipeline.analyze import analyze_path

    options = analysis_options(args, meeting_id=args.meeting_id)
    report, paths = analyze_path(args.input, args.out, options)
    store_path = None if args.no_store else _store(report, paths, args.input, args.out, options)
    m = report.metrics
    out = sys.stdout
    out.write(f"{report.transcript.meeting.id}: {len(report.transcript.utterances)} utterances, "
              f"{m.duration_s / 60:.1f} min, {len(m.speakers)} speakers\n")
    for r in sorted(m.roles, key=lambda r: -r.talk_share):
        out.write(f"  {r.role:<9} {r.talk_share:6.1%} of talk time ({', '.join(r.speakers)})\n")
    for ls in report.lessons:
        if ls.status != "not_observable":
            out.write(f"  lesson {ls.id}: {ls.status.replace('_', ' ')}  {ls.title}\n")
    for kind in ("html", "md", "json"):
        if kind in paths:
            out.write(f"  {kind:<4} {paths[kind]}\n")
    if store_path is not None:
        out.write(f"  store {store_path}\n")
    return 0
