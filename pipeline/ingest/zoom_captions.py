"""Zoom "saved closed captions" text: a ``[Name] HH:MM:SS`` line, then the text.

Only start times are given: each cue ends after its estimated speaking time,
but no later than the next cue starts.  Zoom may write the time of day: when
the first caption is an hour or more in, times are counted from the first
caption (and a caption after midnight follows the one before it).
"""

from __future__ import annotations

import re

from pipeline.ingest.common import Line, clean_space, cues_from_starts, numbered, parse_time
from pipeline.types import Cue

_CLOCK_S = 3600.0
_DAY_S = 86400.0
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
        [(name, start, clean_space(" ".join(parts))) for name, start, parts in _rebase(entries) if parts]
    )


def _rebase(entries: list[tuple[str, float, list[str]]]) -> list[tuple[str, float, list[str]]]:
    """Time-of-day stamps → seconds from the first caption."""
    if not entries or entries[0][1] < _CLOCK_S:
        return entries
    out, day, prev = [], 0.0, entries[0][1]
    for name, t, parts in entries:
        if t + _DAY_S / 2 < prev:  # past midnight
            day += _DAY_S
        prev = t
        out.append((name, round(t + day - entries[0][1], 3), parts))
    return out
