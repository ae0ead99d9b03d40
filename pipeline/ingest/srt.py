"""SubRip (.srt): numbered cues, ``HH:MM:SS,mmm --> HH:MM:SS,mmm``, text with an
optional ``Name:`` (or ``[Name]:``) speaker prefix."""

from __future__ import annotations

import re

from pipeline.ingest.common import Line, blocks, is_timing, numbered, parse_timing, speaker_prefixes, strip_markup
from pipeline.types import Cue

_INDEX = re.compile(r"^\s*\d+\s*$")


def looks_like(lines: list[Line]) -> bool:
    """A timing line right after a numeric index line."""
    prev = ""
    for _, s in lines:
        if is_timing(s):
            return bool(_INDEX.match(prev))
        if s.strip():
            prev = s
    return False


def parse(text: str) -> tuple[str, list[Cue]]:
    raw: list[tuple[float, float, str]] = []
    for block in blocks(numbered(text)):
        timings = [i for i, (_, s) in enumerate(block) if is_timing(s)]
        for k, i in enumerate(timings):
            stop = timings[k + 1] if k + 1 < len(timings) else len(block)
            payload = [s for _, s in block[i + 1:stop]]
            if k + 1 < len(timings) and payload and _INDEX.match(payload[-1]):
                payload = payload[:-1]  # the next cue's index (missing blank line)
            start, end = parse_timing(block[i])
            raw.append((start, end, strip_markup(" ".join(payload))))
    split = speaker_prefixes([t for _, _, t in raw])
    if split is None:
        return "srt", [Cue(speaker="", start=s, end=e, text=t) for s, e, t in raw if t]
    return "srt", [Cue(speaker=n, start=s, end=e, text=t) for (s, e, _), (n, t) in zip(raw, split) if t]
