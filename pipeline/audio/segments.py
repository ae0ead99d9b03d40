"""Intermediate values of the audio path: ASR segments and speaker turns.

They sit between the models (``models.asr``, ``models.diarize``) and the
transcript: :mod:`pipeline.audio.align` turns them into
:class:`pipeline.types.Utterance`.  Frozen and slotted like the domain types,
with ``to_dict``/``from_dict`` so the cache can store them as JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.types import Word, _ToDict


@dataclass(frozen=True, slots=True)
class AsrSegment(_ToDict):
    """One decoded segment: its text, time span and (optionally) timed words."""

    start: float
    end: float
    text: str
    words: tuple[Word, ...] = ()

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "AsrSegment":
        return cls(
            start=float(d["start"]), end=float(d["end"]), text=str(d["text"]),
            words=tuple(Word(str(w["text"]), float(w["start"]), float(w["end"]), w.get("probability"))
                        for w in d.get("words", ())),
        )


@dataclass(frozen=True, slots=True)
class AsrResult(_ToDict):
    """What a :class:`models.asr.Transcriber` returns."""

    segments: tuple[AsrSegment, ...]
    language: str = ""
    model: str = ""

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "AsrResult":
        return cls(tuple(AsrSegment.from_dict(s) for s in d.get("segments", ())),
                   str(d.get("language", "")), str(d.get("model", "")))


@dataclass(frozen=True, slots=True)
class SpeakerTurn(_ToDict):
    """A stretch of time in which ``speaker`` talks (turns of different speakers may overlap)."""

    speaker: str
    start: float
    end: float

    @property
    def duration(self) -> float:
        return max(0.0, self.end - self.start)


@dataclass(frozen=True, slots=True)
class Diarization(_ToDict):
    """What a :class:`models.diarize.Diarizer` returns: speaker turns in time order."""

    turns: tuple[SpeakerTurn, ...]
    diarizer: str = ""

    @property
    def speakers(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for t in sorted(self.turns, key=lambda t: (t.start, t.end)):
            seen.setdefault(t.speaker, None)
        return tuple(seen)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Diarization":
        return cls(tuple(SpeakerTurn(str(t["speaker"]), float(t["start"]), float(t["end"]))
                         for t in d.get("turns", ())), str(d.get("diarizer", "")))
