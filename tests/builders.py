"""Small builders for hand-made transcripts in tests."""

from __future__ import annotations

from pipeline.types import Meeting, Participant, Tag, Transcript, Utterance, UtteranceTags


def utt(i: int, speaker: str, start: float, end: float, text: str = "some words here", *,
        role: str = "unknown", question: str | None = None, cues=None, tags: UtteranceTags | None = None) -> Utterance:
    if tags is None:
        tags = UtteranceTags(question=Tag("question", question, "test@1") if question else None)
    return Utterance(
        id=f"u{i:04d}", speaker=speaker, start=start, end=end, text=text, role=role,
        cues=tuple(cues) if cues else ((start, end),), tags=tags,
    )


def transcript(utterances, participants=(), meeting_id="m1", **meeting) -> Transcript:
    m = Meeting(id=meeting_id, participants=tuple(Participant(n, r) for n, r in participants), **meeting)
    return Transcript(meeting=m, utterances=tuple(utterances), source_format="test")
