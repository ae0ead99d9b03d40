"""Write a meeting's report files (JSON, HTML, Markdown) atomically."""

from __future__ import annotations

import json
import re
from pathlib import Path

from pipeline.fileio import ensure_dir, write_text_atomic
from pipeline.types import MeetingReport

REPORT_LANGS = ("en", "nl")
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_folder_name(meeting_id: str) -> str:
    """A meeting id as a single, harmless folder name (no separators, no dot-dot)."""
    name = _SAFE.sub("-", meeting_id).strip(".-") or "meeting"
    return name[:120]


def report_dir(out_dir: str | Path, meeting_id: str) -> Path:
    return Path(out_dir) / safe_folder_name(meeting_id)


def write_report_files(report: MeetingReport, out_dir: str | Path, report_lang: str = "en") -> dict[str, Path]:
    """Write ``report.html``, ``report.md`` and ``report.json`` into ``out_dir/<meeting-id>/``.

    Each file is written atomically; ``report.json`` is written last, so its
    presence means the meeting's report is complete.
    """
    from pipeline.report.html import render_html
    from pipeline.report.json_report import report_to_dict
    from pipeline.report.markdown import render_markdown

    folder = ensure_dir(report_dir(out_dir, report.transcript.meeting.id))
    paths = {
        "html": write_text_atomic(folder / "report.html", render_html(report, report_lang)),
        "md": write_text_atomic(folder / "report.md", render_markdown(report, report_lang)),
    }
    data = report_to_dict(report)
    paths["json"] = write_text_atomic(folder / "report.json", json.dumps(data, ensure_ascii=False, indent=1))
    return paths
