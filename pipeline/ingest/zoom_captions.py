"""Zoom "saved closed captions" text: a ``[Name] HH:MM:SS`` line, then the text.

Only start times are given: each cue ends after its estimated speaking time,
but no later than the next cue starts.
"""

from __future__ import annotations

import re

from pipeline.ingest.common import Line, clean_space, cues_from_starts, numbered, parse_time
from pipeline.types import Cue

HEADER = re.compile(r"^\s*\[(?P<name>[^\[\]]+)\]\s+(?P<time>\d{1,2}:\d{1,2}:\d{1,2}(?:[.,]\d+)?)\s*$")


def count_headers(lines: list[Line]) -> int:
    return sum(1 for _, s in lines if HEADER.match(s))


def parse(text: str) -> tuple[str, list[Cue]]:
    entries: list[tuple[str, float, list[str]]] = []
    for n, s in numbered(text):
        m = HEADER.match(s)
        if m:
            entries.append((clean_space(m["name"]), parse_time(m["time"], n), []))
        elif s.strip() and entries:
            entries[-1][2].append(s.strip())
    return "zoom-captions", cues_from_starts(
        [(name, start, clean_space(" ".join(parts))) for name, start, parts in entries if parts]
    )
