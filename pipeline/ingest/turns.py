"""Caption cues → speaker turns (:class:`~pipeline.types.Utterance`).

Consecutive cues of one speaker are merged into one turn when the silence
between them is at most ``IngestOptions.merge_gap_s`` (an overlap counts as no
silence).  Each turn keeps the (start, end) of the cues it was made of, so talk
time can still be measured as the time actually covered by speech.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.types import Cue, Meeting, Utterance

#: Times are kept to the millisecond; this absorbs float rounding in the gap test.
_EPS_S = 1e-6


def speaker_label(meeting: Meeting, speaker: str) -> str:
    """The participant's name for a transcript label (name or alias), else the label itself."""
    p = meeting.participant(speaker)
    return p.name if p else " ".join(speaker.split())


def utterance_id(index: int) -> str:
    """``u0001``, ``u0002`` … for 1-based ``index``."""
    return f"u{index:04d}"


def cues_to_utterances(cues: Sequence[Cue], meeting: Meeting, merge_gap_s: float = 1.0) -> tuple[Utterance, ...]:
    """Merge cues (any order) into turns, numbered in time order, with roles from ``meeting``."""
    language = "" if meeting.language in ("", "auto") else meeting.language
    groups: list[list[Cue]] = []
    speakers: list[str] = []
    last_end = 0.0
    labels: dict[str, str] = {}
    for cue in sorted(cues, key=lambda c: (c.start, c.end)):
        speaker = labels.get(cue.speaker)
        if speaker is None:
            speaker = labels[cue.speaker] = speaker_label(meeting, cue.speaker)
        if groups and speakers[-1] == speaker and cue.start - last_end <= merge_gap_s + _EPS_S:
            groups[-1].append(cue)
            last_end = max(last_end, cue.end)
        else:
            groups.append([cue])
            speakers.append(speaker)
            last_end = cue.end
    roles = {name: meeting.role_of(name) for name in set(speakers)}
    return tuple(
        Utterance(
            id=utterance_id(i),
            speaker=speaker,
            start=min(c.start for c in group),
            end=max(c.end for c in group),
            text=" ".join(c.text for c in group if c.text),
            language=language,
            role=roles[speaker],
            words=tuple(w for c in group for w in c.words),
            cues=tuple((c.start, c.end) for c in group),
        )
        for i, (speaker, group) in enumerate(zip(speakers, groups), start=1)
    )
