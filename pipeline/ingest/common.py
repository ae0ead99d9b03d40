"""Helpers the transcript format parsers share: numbered lines, timestamps,
caption markup, ``Name:`` speaker prefixes and estimated end times.

Every parser works on numbered lines so that an error can name the line.
Errors raised here carry no path; :func:`pipeline.ingest.parse_bytes` adds the
file name.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

from pipeline.errors import InputError
from pipeline.types import Cue

#: Speaking rate used where a format gives no end times (about 150 words a minute).
WORDS_PER_SECOND = 150 / 60
#: The shortest duration an estimated cue gets.
MIN_ESTIMATED_S = 0.4

#: A line of the input: (1-based line number, text without the line ending).
Line = tuple[int, str]

TIME_HINT = "write times as HH:MM:SS.mmm (or MM:SS.mmm), e.g. 00:01:02.500"

_TIMESTAMP = re.compile(r"^(?:(\d+):)?(\d+):(\d+)(?:[.,](\d+))?$")
_TIMING = re.compile(r"^\s*(\S+)\s*-->\s*(\S+)(?:\s.*)?$")
_TAG = re.compile(r"<[^<>\n]*>")
_WORDS = re.compile(r"\S+")
_PREFIX = re.compile(r"^\s*(?:-\s*)?(?P<open>\[)?(?P<name>[^:\[\]<>]{1,80}?)(?(open)\])\s*:(?:\s+(?P<text>.*))?$")
_LETTER = re.compile(r"[^\W\d_]")


def numbered(text: str) -> list[Line]:
    """The lines of ``text`` (already normalised to ``\\n``) with 1-based numbers."""
    return list(enumerate(text.split("\n"), start=1))


def blocks(lines: Iterable[Line]) -> list[list[Line]]:
    """Split numbered lines into blocks separated by blank lines."""
    out: list[list[Line]] = []
    cur: list[Line] = []
    for n, s in lines:
        if s.strip():
            cur.append((n, s.rstrip()))
        elif cur:
            out.append(cur)
            cur = []
    if cur:
        out.append(cur)
    return out


def parse_time(value: str, lineno: int | None = None) -> float:
    """Seconds from ``[H:]M:S[.fff]`` (also ``,fff`` and single-digit fields as Teams writes them)."""
    where = f" on line {lineno}" if lineno else ""
    m = _TIMESTAMP.match(value.strip())
    if not m:
        raise InputError(f"bad timestamp {value!r}{where}", hint=TIME_HINT)
    h, mi, s, frac = m.groups()
    hours, minutes, seconds = int(h or 0), int(mi), int(s)
    if hours > 99:
        raise InputError(f"bad timestamp {value!r}{where}: more than 99 hours", hint=TIME_HINT)
    if h is not None and minutes >= 60:
        raise InputError(f"bad timestamp {value!r}{where}: minutes must be below 60", hint=TIME_HINT)
    if seconds >= 60:
        raise InputError(f"bad timestamp {value!r}{where}: seconds must be below 60", hint=TIME_HINT)
    fraction = int(frac) / 10 ** len(frac) if frac else 0.0
    return round(hours * 3600 + minutes * 60 + seconds + fraction, 3)


def is_timing(text: str) -> bool:
    return "-->" in text


def parse_timing(line: Line) -> tuple[float, float]:
    """``start --> end [settings]`` → (start, end), checking that the cue does not end before it starts."""
    n, text = line
    m = _TIMING.match(text)
    if not m:
        raise InputError(f"bad timing line {n}: {text.strip()!r}", hint="write 'START --> END', e.g. 00:00:01.000 --> 00:00:03.500")
    start, end = parse_time(m[1], n), parse_time(m[2], n)
    check_order(start, end, f"line {n}")
    return start, end


def check_order(start: float, end: float, where: str) -> None:
    if end < start:
        raise InputError(
            f"cue on {where} ends ({end:.3f} s) before it starts ({start:.3f} s)",
            hint="fix the end time so that it is not earlier than the start time",
        )


def clean_space(text: str) -> str:
    return " ".join(text.split())


def strip_markup(text: str) -> str:
    """Caption text without tags (``<i>``, ``<c.x>``, ``<00:01.000>``) and HTML entities, on one line."""
    return clean_space(html.unescape(_TAG.sub("", text)).replace("\u200e", "").replace("\u200f", ""))


def looks_like_name(name: str) -> bool:
    """Whether a ``Name:`` prefix is plausibly a speaker (has a letter, at most six words, not a URL)."""
    name = name.strip()
    return (
        0 < len(name) <= 60
        and len(name.split()) <= 6
        and _LETTER.search(name) is not None
        and not name.casefold().startswith(("http", "www."))
    )


def split_prefix(text: str) -> tuple[str, str] | None:
    """``"Name: text"`` / ``"[Name]: text"`` → (name, text), or None."""
    m = _PREFIX.match(text)
    if not m or not looks_like_name(m["name"]):
        return None
    return clean_space(m["name"]), (m["text"] or "").strip()


def speaker_prefixes(texts: Sequence[str]) -> list[tuple[str, str]] | None:
    """Split ``Name: text`` prefixes off caption texts when at least half of them have one.

    Returns (speaker, text) per input (speaker ``""`` where a caption has no
    prefix), or None when the captions carry no speaker names.
    """
    split = [split_prefix(t) for t in texts]
    if not texts or sum(s is not None for s in split) * 2 < len(texts):
        return None
    return [s if s is not None else ("", t) for s, t in zip(split, texts)]


def estimate_s(text: str) -> float:
    """How long ``text`` takes to say at about 150 words a minute."""
    return max(MIN_ESTIMATED_S, len(_WORDS.findall(text)) / WORDS_PER_SECOND)


def cues_from_starts(entries: Sequence[tuple[str, float, str]]) -> list[Cue]:
    """Cues for formats that give only start times: each ends after its estimated
    speaking time, but no later than the next cue's start."""
    ordered = sorted(entries, key=lambda e: e[1])
    # the first start later than each entry's (entries with the same start share it)
    later: list[float | None] = [None] * len(ordered)
    nxt: float | None = None
    for i in range(len(ordered) - 1, -1, -1):
        later[i] = nxt
        if i and ordered[i - 1][1] < ordered[i][1]:
            nxt = ordered[i][1]
    out: list[Cue] = []
    for (speaker, start, text), limit in zip(ordered, later):
        end = start + estimate_s(text)
        if limit is not None:
            end = min(end, limit)
        out.append(Cue(speaker=speaker, start=start, end=round(end, 3), text=text))
    return out


def cues_back_to_back(entries: Sequence[tuple[str, str]], offset_s: float = 0.0) -> list[Cue]:
    """Cues for untimed text: one after the other, each as long as its estimated speaking time."""
    out: list[Cue] = []
    t = offset_s
    for speaker, text in entries:
        end = t + estimate_s(text)
        out.append(Cue(speaker=speaker, start=round(t, 3), end=round(end, 3), text=text))
        t = end
    return out
