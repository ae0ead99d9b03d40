"""Teams transcripts copied or saved as text (also the text inside a Teams .docx).

Two layouts:

* timed (older Teams)::

      0:0:3.410 --> 0:0:8.250
      Sanne de Vries
      Good morning everyone.

* header (newer Teams)::

      Sanne de Vries   0:03
      Good morning everyone.

  Only start times are given: each cue ends after its estimated speaking time,
  but no later than the next cue starts.
"""

from __future__ import annotations

import re

from pipeline.ingest.common import (
    Line, clean_space, cues_from_starts, is_timing, looks_like_name, numbered, parse_time, parse_timing,
    split_prefix,
)
from pipeline.types import Cue

_SYSTEM_LINE = re.compile(r"\b(?:started|stopped) transcription\s*$", re.IGNORECASE)
HEADER = re.compile(r"^\s*(?P<name>[^:\t]{1,80}?)\s+(?P<time>(?:\d{1,2}:)?\d{1,3}:\d{2})\s*$")


def _header(s: str) -> tuple[str, str] | None:
    m = HEADER.match(s)
    if m and looks_like_name(m["name"]) and not m["name"].rstrip().endswith((".", ",", "?", "!")):
        return clean_space(m["name"]), m["time"]
    return None


def count_headers(lines: list[Line]) -> int:
    return sum(1 for _, s in lines if _header(s))


def parse_timed(text: str) -> tuple[str, list[Cue]]:
    cues: list[Cue] = []
    cur: tuple[float, float, list[str]] | None = None

    def flush() -> None:
        if cur is None:
            return
        start, end, body = cur
        if len(body) >= 2:
            cues.append(Cue(speaker=clean_space(body[0]), start=start, end=end, text=clean_space(" ".join(body[1:]))))
        elif body:  # a single line: "Name: text", or text without a speaker name
            speaker, said = split_prefix(body[0]) or ("", body[0])
            cues.append(Cue(speaker=speaker, start=start, end=end, text=clean_space(said)))

    for n, s in numbered(text):
        if is_timing(s):
            flush()
            start, end = parse_timing((n, s))
            cur = (start, end, [])
        elif s.strip() and cur is not None and not _SYSTEM_LINE.search(s):
            cur[2].append(s.strip())
    flush()
    return "teams-text", cues


def parse_headers(text: str) -> tuple[str, list[Cue]]:
    entries: list[tuple[str, float, list[str]]] = []
    for n, s in numbered(text):
        h = _header(s)
        if h:
            entries.append((h[0], parse_time(h[1], n), []))
        elif s.strip() and entries and not _SYSTEM_LINE.search(s):
            entries[-1][2].append(s.strip())
    return "teams-text-header", cues_from_starts(
        [(name, start, clean_space(" ".join(parts))) for name, start, parts in entries if parts]
    )
