"""Reading a transcript file into a :class:`~pipeline.types.Transcript`."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from pipeline.errors import InputError
from pipeline.ingest import json_formats
from pipeline.ingest.decode import decode
from pipeline.ingest.sniff import parse_bytes
from pipeline.ingest.turns import cues_to_utterances
from pipeline.manifest import assign_roles, meeting_from_mapping, slugify
from pipeline.options import IngestOptions
from pipeline.types import Meeting, Transcript

log = logging.getLogger(__name__)


def _read_bytes(p: Path, max_bytes: int) -> bytes:
    if not p.exists():
        raise InputError("file not found", path=p, hint="check the path and the file name")
    if p.is_dir():
        raise InputError("this is a folder, not a transcript file", path=p, hint="give the transcript file inside it")
    if not p.is_file():
        # A FIFO or device named .vtt would block or never end: only regular files are read.
        raise InputError("not a regular file", path=p, hint="give a transcript file (not a pipe, device or socket)")
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise InputError(f"file is too large for a transcript ({size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.1f} MB)",
                             path=p, hint="check that this is a transcript, or raise IngestOptions.max_bytes")
        with p.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror})", path=p, hint="check its permissions") from None
    if len(data) > max_bytes:
        raise InputError(f"file is too large for a transcript (more than {max_bytes / 1e6:.1f} MB)",
                         path=p, hint="check that this is a transcript, or raise IngestOptions.max_bytes")
    return data


def _embedded_meeting(data: bytes, p: Path) -> Meeting | None:
    """The meeting stored in dialoog's own JSON, when it has one."""
    raw = json_formats.embedded_meeting(json_formats.load(decode(data)[0]))
    if raw is None:
        return None
    try:
        return replace(meeting_from_mapping(raw, path=p, lenient=True), source=str(p))
    except InputError as exc:
        log.warning("ignoring the meeting stored in %s: %s", p, exc.problem)
        return None


def read_transcript(path: str | Path, meeting: Meeting | None = None,
                    options: IngestOptions = IngestOptions()) -> Transcript:
    """Read a transcript file (format sniffed from the content) into a :class:`Transcript`.

    Consecutive cues of one speaker become one utterance when the gap is at most
    ``options.merge_gap_s``; utterances are numbered ``u0001``… in time order and
    get their role from ``meeting`` (warnings are logged for speakers without
    one).  Without ``meeting``, the meeting stored in dialoog JSON is used, else
    ``Meeting(id=<file name as a slug>, source=<path>)``.
    """
    if options.merge_gap_s < 0:
        raise InputError(f"merge gap must be 0 s or more, not {options.merge_gap_s}",
                         hint="set IngestOptions.merge_gap_s to 0 to keep every cue separate")
    p = Path(path)
    data = _read_bytes(p, options.max_bytes)
    fmt, cues = parse_bytes(data, name=str(p))
    if meeting is None:
        meeting = (_embedded_meeting(data, p) if fmt == "dialoog-json" else None) or Meeting(
            id=slugify(p.stem), source=str(p))
    elif not meeting.source:
        meeting = replace(meeting, source=str(p))
    utterances = cues_to_utterances(cues, meeting, options.merge_gap_s)
    log.info("read %s: %s, %d cues → %d utterances", p.name, fmt, len(cues), len(utterances))
    return assign_roles(Transcript(meeting=meeting, utterances=utterances, source_format=fmt))
