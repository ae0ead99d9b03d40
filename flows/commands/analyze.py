"""``dialoog analyze INPUT``: one meeting in, one report out."""

from __future__ import annotations

import argparse
import sys

from flows.commands.common import add_analysis_options, analysis_options


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
    add_analysis_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pipeline.analyze import analyze_path

    options = analysis_options(args, meeting_id=args.meeting_id)
    report, paths = analyze_path(args.input, args.out, options)
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
    return 0
