"""Plain text, one ``Name: text`` per line, optionally stamped.

Stamps may come before the name (``[00:01:05] Name: text``, ``[01:05] Name:``,
``00:01:05 Name:``) or after it (``Name [01:05]: text``); a stamp on a line of its own (as Google Meet writes
every few minutes) times the next speaker line.  Lines without a
``Name:`` continue the previous speaker's text; lines before the first speaker
(a title, a date) are ignored.

Without stamps, times are estimated from word counts at about 150 words a
minute and the format is called ``text-untimed`` (``text-partly-timed`` when
only some lines are stamped).
"""

from __future__ import annotations

import logging
import re

from pipeline.ingest.common import (
    Line, clean_space, cues_back_to_back, cues_from_starts, estimate_s, looks_like_name, numbered, parse_time,
)
from pipeline.types import Cue

log = logging.getLogger(__name__)

_STAMP = r"(?:\d{1,2}:)?\d{1,3}:\d{1,2}(?:[.,]\d{1,3})?"
_LINE = re.compile(
    rf"^\s*(?:[\[(](?P<t1>{_STAMP})[\])]\s*|(?P<t0>{_STAMP})\s+)?"
    rf"(?P<name>[^:\[\]<>]{{1,80}}?)\s*(?:[\[(](?P<t2>{_STAMP})[\])])?\s*:(?:\s+(?P<text>.*))?$"
)


_STAMP_LINE = re.compile(rf"^\s*[\[(]?(?P<t>{_STAMP})[\])]?\s*$")


def _speaker_line(s: str) -> tuple[str, str | None, str] | None:
    """(name, stamp or None, text) for a ``Name: text`` line."""
    m = _LINE.match(s)
    if not m or not looks_like_name(m["name"]):
        return None
    return clean_space(m["name"]), m["t1"] or m["t0"] or m["t2"], (m["text"] or "").strip()


def count_speaker_lines(lines: list[Line]) -> int:
    return sum(1 for _, s in lines if _speaker_line(s))


def parse(text: str) -> tuple[str, list[Cue]]:
    entries: list[tuple[str, float | None, list[str]]] = []
    skipped = 0
    pending: float | None = None  # a stamp on a line of its own (Google Meet) times the next speaker line
    for n, s in numbered(text):
        hit = _speaker_line(s)
        alone = None if hit else _STAMP_LINE.match(s)
        if hit:
            name, stamp, body = hit
            start = parse_time(stamp, n) if stamp else pending
            entries.append((name, start, [body] if body else []))
            pending = None
        elif alone:
            pending = parse_time(alone["t"], n)
        elif s.strip():
            if entries:
                entries[-1][2].append(s.strip())
            else:
                skipped += 1
    if skipped:
        log.debug("ignored %d line(s) before the first speaker", skipped)
    items = [(name, stamp, clean_space(" ".join(parts))) for name, stamp, parts in entries if parts]
    stamped = sum(stamp is not None for _, stamp, _ in items)
    if stamped == 0:
        return "text-untimed", cues_back_to_back([(name, t) for name, _, t in items])
    if stamped == len(items):
        return "text", cues_from_starts([(name, stamp, t) for name, stamp, t in items])
    # Some lines stamped: an unstamped line starts when the line before it is estimated to end.
    filled: list[tuple[str, float, str]] = []
    t = 0.0
    for name, stamp, body in items:
        start = stamp if stamp is not None else t
        filled.append((name, start, body))
        t = start + estimate_s(body)
    return "text-partly-timed", cues_from_starts(filled)
