"""JSON transcripts: dialoog's own and faster-whisper / WhisperX output.

* dialoog: ``Transcript.to_dict()`` (``{"meeting": …, "utterances": [...]}``), a
  report.json (``{"transcript": {"utterances": [...]}}``) or a bare list of
  utterance objects (``id``, ``speaker``, ``start``, ``end``, ``text``, optional ``words``).
* faster-whisper / WhisperX: ``{"segments": [{"start", "end", "text", "speaker"?, "words"?}]}``
  or a bare list of such segments.  A segment without a speaker takes the most
  frequent speaker of its words (WhisperX puts speakers on words).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

from pipeline.errors import InputError
from pipeline.ingest.common import check_order, clean_space
from pipeline.types import Cue, Word

_HINT_SHAPE = ('expected dialoog JSON ({"utterances": [...]}) or Whisper JSON '
               '({"segments": [{"start": 0.0, "end": 1.5, "text": "…", "speaker": "…"}]})')


def load(text: str) -> Any | None:
    """The parsed JSON, or None when ``text`` is not JSON."""
    stripped = text.lstrip()
    if not stripped.startswith(("{", "[")):
        return None
    try:
        return json.loads(stripped)
    except json.JSONDecodeError as exc:
        # "[00:01] Name: text" and "[Name] 00:00:01" are text formats; "{…" or "[{…" can only be JSON.
        if stripped.startswith("{") or re.match(r"\[\s*[\[{\"]", stripped):
            raise InputError(
                f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})",
                hint="the file looks like JSON but is cut off or broken — export or copy it again",
            ) from None
        return None


def _items(obj: Any) -> tuple[str, list[Any]] | None:
    if isinstance(obj, dict):
        if isinstance(obj.get("transcript"), dict):
            obj = obj["transcript"]
        if isinstance(obj.get("utterances"), list):
            return "dialoog-json", obj["utterances"]
        if isinstance(obj.get("segments"), list):
            return "whisper-json", obj["segments"]
        return None
    if isinstance(obj, list):
        if obj and all(isinstance(o, dict) and isinstance(o.get("id"), str) and "speaker" in o for o in obj):
            return "dialoog-json", obj
        return "whisper-json", obj
    return None


def _seconds(item: dict, key: str, where: str) -> float:
    value = item.get(key)
    if isinstance(value, bool) or value is None:
        raise InputError(f"{where} has no '{key}' time", hint=_HINT_SHAPE)
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{where} has a bad '{key}' time: {value!r}", hint="times are seconds, e.g. 12.345") from None
    if not 0 <= seconds < 100 * 3600:
        raise InputError(f"{where} has an impossible '{key}' time: {value!r}", hint="times are seconds from the start of the meeting")
    return round(seconds, 3)


def _words(raw: Any) -> tuple[tuple[Word, ...], Counter]:
    words: list[Word] = []
    speakers: Counter = Counter()
    for w in raw if isinstance(raw, list) else ():
        if not isinstance(w, dict):
            continue
        text = w.get("text", w.get("word"))
        if isinstance(w.get("speaker"), str):
            speakers[w["speaker"]] += 1
        try:
            start, end = float(w["start"]), float(w["end"])
        except (KeyError, TypeError, ValueError):
            continue  # WhisperX leaves some words (numbers) without times
        if not isinstance(text, str) or end < start:
            continue
        prob = w.get("probability", w.get("score"))
        words.append(Word(text=text, start=round(start, 3), end=round(end, 3),
                          probability=float(prob) if isinstance(prob, (int, float)) and not isinstance(prob, bool) else None))
    return tuple(words), speakers


def parse(obj: Any) -> tuple[str, list[Cue]]:
    found = _items(obj)
    if found is None:
        raise InputError("this JSON is not a transcript dialoog knows", hint=_HINT_SHAPE)
    fmt, items = found
    label = "utterance" if fmt == "dialoog-json" else "segment"
    cues: list[Cue] = []
    for i, item in enumerate(items, start=1):
        where = f"{label} {i}"
        if not isinstance(item, dict):
            raise InputError(f"{where} is not an object", hint=_HINT_SHAPE)
        start, end = _seconds(item, "start", where), _seconds(item, "end", where)
        check_order(start, end, where)
        text = item.get("text")
        if not isinstance(text, str):
            raise InputError(f"{where} has no 'text'", hint=_HINT_SHAPE)
        words, word_speakers = _words(item.get("words"))
        speaker = item.get("speaker")
        if isinstance(speaker, int) and not isinstance(speaker, bool):
            speaker = f"SPEAKER_{speaker:02d}"  # some tools number their speakers
        if not isinstance(speaker, str) or not speaker.strip():
            speaker = word_speakers.most_common(1)[0][0] if word_speakers else ""
        if clean_space(text):
            cues.append(Cue(speaker=clean_space(speaker), start=start, end=end, text=clean_space(text), words=words))
    return fmt, cues


def embedded_meeting(obj: Any) -> dict | None:
    """The ``meeting`` object of a dialoog JSON (``Transcript.to_dict()`` or report.json), if any."""
    if isinstance(obj, dict):
        inner = obj.get("transcript") if isinstance(obj.get("transcript"), dict) else obj
        meeting = inner.get("meeting")
        if isinstance(meeting, dict):
            return meeting
    return None
