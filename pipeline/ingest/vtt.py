"""WebVTT, as Microsoft Teams and Zoom write it.

Teams: ``<v Name>text</v>`` voice spans (closing tag optional), cue identifiers
such as ``8f1e…/23-1``, multi-line cues.  Zoom: numeric identifiers and
``Name: text`` inside the cue.  NOTE, STYLE and REGION blocks are skipped.
"""

from __future__ import annotations

import re

from pipeline.ingest.common import Line, blocks, clean_space, is_timing, numbered, parse_timing, speaker_prefixes, strip_markup
from pipeline.types import Cue

_VOICE = re.compile(r"<v(?:\.[^\s>]*)*(?:[ \t]+(?P<name>[^>]*))?>", re.IGNORECASE)
_VOICE_END = re.compile(r"</v\s*>", re.IGNORECASE)
_SKIP_BLOCKS = ("NOTE", "STYLE", "REGION")
_IDENTIFIER = re.compile(r"^(?:\d+|[0-9A-Za-z-]+/\d+-\d+)$")


def looks_like(text: str) -> bool:
    return text.lstrip().startswith("WEBVTT")


def _is_skipped(block: list[Line]) -> bool:
    """NOTE, STYLE and REGION blocks (the WEBVTT header has no timing line, so it is skipped anyway)."""
    first = block[0][1].strip()
    return (first.split(maxsplit=1) or [""])[0] in _SKIP_BLOCKS


def raw_cues(text: str) -> list[tuple[float, float, str]]:
    """(start, end, payload) per cue; the payload keeps its tags, lines joined by a space."""
    out: list[tuple[float, float, str]] = []
    for block in blocks(numbered(text)):
        timings = [i for i, (_, s) in enumerate(block) if is_timing(s)]
        if not timings or _is_skipped(block):
            continue  # header, NOTE, STYLE, REGION, or a stray line
        for k, i in enumerate(timings):
            stop = timings[k + 1] if k + 1 < len(timings) else len(block)
            payload = [s for _, s in block[i + 1:stop]]
            if k + 1 < len(timings) and payload and _IDENTIFIER.match(payload[-1].strip()):
                payload = payload[:-1]  # identifier of the next cue (missing blank line)
            start, end = parse_timing(block[i])
            out.append((start, end, " ".join(p.strip() for p in payload)))
    return out


def _voices(payload: str) -> list[tuple[str, str]]:
    """Split a cue payload into (speaker, text) by ``<v Name>`` spans."""
    parts: list[tuple[str, str]] = []
    pos, speaker = 0, ""
    for m in _VOICE.finditer(payload):
        before = _VOICE_END.split(payload[pos:m.start()])
        if strip_markup(before[0]):
            parts.append((speaker, strip_markup(before[0])))
        speaker = clean_space(m["name"] or "")
        pos = m.end()
    tail = _VOICE_END.split(payload[pos:])
    if strip_markup(tail[0]):
        parts.append((speaker, strip_markup(tail[0])))
    for rest in tail[1:]:  # text after </v> belongs to nobody
        if strip_markup(rest):
            parts.append(("", strip_markup(rest)))
    return parts


def parse(text: str) -> tuple[str, list[Cue]]:
    raw = raw_cues(text)
    if any(_VOICE.search(p) for _, _, p in raw):
        cues = [
            Cue(speaker=name, start=s, end=e, text=t)
            for s, e, p in raw
            for name, t in _voices(p)
        ]
        return "teams-vtt", cues
    texts = [strip_markup(p) for _, _, p in raw]
    split = speaker_prefixes(texts)
    if split is not None:
        cues = [Cue(speaker=n, start=s, end=e, text=t) for (s, e, _), (n, t) in zip(raw, split) if t]
        return "zoom-vtt", cues
    return "vtt", [Cue(speaker="", start=s, end=e, text=t) for (s, e, _), t in zip(raw, texts) if t]
