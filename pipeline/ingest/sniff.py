"""Which transcript format a file is, decided from its content (the name is only
used in messages), and the cues it holds."""

from __future__ import annotations

import logging
from dataclasses import replace

from pipeline.errors import InputError
from pipeline.ingest import json_formats, plaintext, srt, teams_text, vtt, word_docx, zoom_captions
from pipeline.ingest.common import is_timing, numbered
from pipeline.ingest.decode import decode, is_zip, not_text_reason
from pipeline.types import Cue

log = logging.getLogger(__name__)

#: Format names ``parse_bytes`` reports, with what they are.
FORMATS: dict[str, str] = {
    "teams-vtt": "WebVTT as Microsoft Teams exports it (<v Name> voice spans)",
    "zoom-vtt": "WebVTT as Zoom writes it ('Name: text' in each cue)",
    "vtt": "WebVTT without speaker names (refused: dialoog needs names)",
    "srt": "SubRip subtitles, optionally with 'Name:' before the text",
    "zoom-captions": "Zoom saved closed captions ('[Name] HH:MM:SS' then the text)",
    "teams-text": "Teams transcript as text ('0:0:3.410 --> 0:0:8.250', name, text)",
    "teams-text-header": "Teams transcript as text ('Name   0:03', then the text)",
    "teams-docx": "Teams transcript .docx ('Name   0:03' headers)",
    "teams-docx-timed": "Teams transcript .docx ('0:00:03.410 --> …' timing lines)",
    "text": "plain text, 'Name: text' per line with [hh:mm:ss] or [mm:ss] stamps",
    "text-partly-timed": "plain text, 'Name: text' per line, some lines stamped",
    "text-untimed": "plain text, 'Name: text' per line without stamps (times estimated at 150 words/min)",
    "dialoog-json": "dialoog's own transcript JSON (Transcript.to_dict() or report.json)",
    "whisper-json": "faster-whisper / WhisperX JSON ({'segments': [...]} or a list of segments)",
}

SUPPORTED = ("WebVTT (.vtt from Teams or Zoom), SubRip (.srt), Zoom saved captions (.txt), "
             "a Teams transcript as text or .docx, plain text with 'Name: text' lines, "
             "dialoog JSON, faster-whisper/WhisperX JSON")
_HINT = f"dialoog reads: {SUPPORTED} (see docs/formats.md)"
_UNKNOWN_SPEAKER = "Unknown speaker"


def parse_text(text: str, *, allow_json: bool = True) -> tuple[str, list[Cue]]:
    """Sniff the format of decoded text and parse it (cues as the format gives them)."""
    if allow_json:
        obj = json_formats.load(text)
        if obj is not None:
            return json_formats.parse(obj)
    if vtt.looks_like(text):
        return vtt.parse(text)
    lines = numbered(text)
    if any(is_timing(s) for _, s in lines):
        if srt.looks_like(lines):
            return srt.parse(text)
        if "<v " in text or "<v." in text:
            return vtt.parse(text)
        return teams_text.parse_timed(text)
    n_zoom = zoom_captions.count_headers(lines)
    n_header = teams_text.count_headers(lines)
    n_prefix = plaintext.count_speaker_lines(lines)
    if n_zoom and n_zoom >= max(n_header, n_prefix):
        return zoom_captions.parse(text)
    if n_header and n_header >= n_prefix:
        return teams_text.parse_headers(text)
    if n_prefix:
        return plaintext.parse(text)
    raise InputError("not a transcript format dialoog knows", hint=_HINT)


def _parse_any(data: bytes) -> tuple[str, list[Cue]]:
    if not data.strip():
        raise InputError("file is empty", hint="export the transcript again; " + _HINT)
    if is_zip(data):
        if word_docx.is_docx(data):
            return word_docx.parse(data)
        raise InputError("this is a ZIP archive, not a transcript", hint="unpack it, or " + _HINT)
    reason = not_text_reason(data)
    if reason:
        raise InputError(f"this is {reason[0]}, not a transcript", hint=f"{reason[1]}; {_HINT}")
    try:
        text, encoding = decode(data)
    except InputError as exc:
        raise InputError(exc.problem, hint=exc.hint or _HINT) from None
    log.debug("decoded transcript as %s", encoding)
    if not text.strip():
        raise InputError("file is empty", hint="export the transcript again; " + _HINT)
    return parse_text(text)


def settle_speakers(cues: list[Cue]) -> list[Cue]:
    """Cues in time order; refuse a transcript without any speaker names and label the
    occasional nameless cue ``Unknown speaker`` (with a warning)."""
    ordered = sorted(cues, key=lambda c: (c.start, c.end))
    if not ordered:
        return []
    nameless = sum(1 for c in ordered if not c.speaker)
    if nameless == len(ordered):
        raise InputError(
            "the transcript has no speaker names, so dialoog cannot tell who said what",
            hint="export it with speaker names (Teams: download the .vtt or .docx transcript; "
                 "Zoom: turn on 'add participant names' for captions), put 'Name: ' before each line, "
                 "or analyse the recording instead so dialoog finds the speakers itself",
        )
    if nameless:
        log.warning("%d of %d cues have no speaker name; they are labelled %r",
                    nameless, len(ordered), _UNKNOWN_SPEAKER)
        ordered = [c if c.speaker else replace(c, speaker=_UNKNOWN_SPEAKER) for c in ordered]
    return ordered


def parse_bytes(data: bytes, name: str = "") -> tuple[str, list[Cue]]:
    """(format name, cues in time order) for the bytes of a transcript file.

    The format is sniffed from the content; ``name`` is used in error messages.
    Raises :class:`~pipeline.errors.InputError` for an empty, binary or unknown
    file, bad timestamps, or a transcript without any speaker names.
    """
    try:
        fmt, cues = _parse_any(data)
        return fmt, settle_speakers(cues)
    except InputError as exc:
        raise (exc.with_path(name) if name else exc) from None
