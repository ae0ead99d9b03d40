"""Put words and speakers together: ASR words are assigned to diarized speaker turns.

Pure functions, value → value.  Each speaker turn (consecutive turns of one
speaker with short pauses merged) becomes one :class:`Utterance`; every word
goes to the turn it overlaps most (a word straddling a boundary goes to the
side holding most of it, a word in no turn to the nearest turn, a word wholly
inside two overlapping turns to the one that started later — the interjection).  So an ASR
segment in which the speaker changes is split between the turns, and turns of
different speakers that overlap in time stay overlapping utterances.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from pipeline.audio.segments import AsrResult, AsrSegment, SpeakerTurn
from pipeline.types import Utterance, Word

#: Consecutive turns of one speaker at most this far apart become one utterance.
MERGE_GAP_S = 1.0
#: Turns without any recognised word are kept only when at least this long.
MIN_WORDLESS_TURN_S = 0.5
DEFAULT_SPEAKER = "SPEAKER_00"


def words_of(segments: Sequence[AsrSegment]) -> list[Word]:
    """All words in time order; a segment without word timings counts as one 'word'."""
    out: list[Word] = []
    for seg in segments:
        if seg.words:
            out.extend(seg.words)
        elif seg.text.strip():
            out.append(Word(seg.text.strip(), seg.start, seg.end))
    return sorted(out, key=lambda w: (w.start, w.end))


def merge_turns(turns: Sequence[SpeakerTurn], gap_s: float = MERGE_GAP_S) -> list[list[SpeakerTurn]]:
    """Group each speaker's consecutive turns (pause ≤ ``gap_s``) unless another speaker starts in the pause.

    Another speaker starting *during* a turn (a back-channel, an overlap) does not
    split it; the two stay overlapping.
    """
    ordered = sorted((t for t in turns if t.end > t.start), key=lambda t: (t.start, t.end))
    groups: list[list[SpeakerTurn]] = []
    last_of: dict[str, int] = {}
    for t in ordered:
        i = last_of.get(t.speaker)
        if i is not None:
            g_end = max(x.end for x in groups[i])
            taken = any(g[0].speaker != t.speaker and g_end < g[0].start <= t.start for g in groups[i + 1:])
            if t.start - g_end <= gap_s and not taken:
                groups[i].append(t)
                continue
        groups.append([t])
        last_of[t.speaker] = len(groups) - 1
    return groups


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def align(asr: AsrResult, turns: Sequence[SpeakerTurn], *, gap_s: float = MERGE_GAP_S) -> tuple[Utterance, ...]:
    """Utterances ``u0001`` … in time order, with ``words`` and ``cues`` (the speech spans)."""
    words = words_of(asr.segments)
    groups = merge_turns(turns, gap_s)
    if not groups:
        return _without_turns(asr, words)
    spans = [(g[0].start, max(t.end for t in g)) for g in groups]
    starts = [a for a, _ in spans]                      # groups are in start order
    longest = max(b - a for a, b in spans)
    latest_end = []                                     # index of the group ending last among groups[:i+1]
    for i, (_, b) in enumerate(spans):
        latest_end.append(i if not latest_end or b >= spans[latest_end[-1]][1] else latest_end[-1])
    assigned: list[list[Word]] = [[] for _ in groups]
    for w in words:
        lo, hi = bisect_left(starts, w.start - longest), bisect_right(starts, w.end)
        best, best_ov = -1, 0.0
        for i in range(lo, hi):
            if spans[i][1] < w.start:
                continue
            ov = sum(_overlap(w.start, w.end, t.start, t.end) for t in groups[i])
            # ties (a word inside two overlapping turns) go to the later, interjecting turn
            if ov > 0 and ov >= best_ov - 1e-6:
                best, best_ov = i, ov
        if best < 0:
            mid = (w.start + w.end) / 2
            near = ([latest_end[hi - 1]] if hi > 0 else []) + ([hi] if hi < len(groups) else [])
            best = min(near, key=lambda i: _distance(mid, groups[i]))
        assigned[best].append(w)
    rows = []
    for g, ws, (s, e) in zip(groups, assigned, spans):
        if not ws and e - s < MIN_WORDLESS_TURN_S:
            continue
        start = min([s] + [w.start for w in ws])
        end = max([e] + [w.end for w in ws])
        rows.append((start, end, g[0].speaker, tuple(ws), tuple((t.start, t.end) for t in g)))
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    return tuple(
        Utterance(id=f"u{i:04d}", speaker=spk, start=round(s, 3), end=round(e, 3), text=_join(ws),
                  language=asr.language, words=ws, cues=cues)
        for i, (s, e, spk, ws, cues) in enumerate(rows, 1)
    )


def _distance(t: float, group: list[SpeakerTurn]) -> float:
    return min(0.0 if x.start <= t <= x.end else min(abs(t - x.start), abs(t - x.end)) for x in group)


def _without_turns(asr: AsrResult, words: list[Word]) -> tuple[Utterance, ...]:
    """No speaker turns (diarization found none): one speaker, one utterance per ASR segment."""
    out = []
    for seg in asr.segments:
        ws = seg.words or ((Word(seg.text.strip(), seg.start, seg.end),) if seg.text.strip() else ())
        if ws:
            out.append((seg.start, seg.end, ws))
    return tuple(
        Utterance(id=f"u{i:04d}", speaker=DEFAULT_SPEAKER, start=round(s, 3), end=round(e, 3), text=_join(ws),
                  language=asr.language, words=tuple(ws), cues=((s, e),))
        for i, (s, e, ws) in enumerate(out, 1)
    )


def _join(words: Sequence[Word]) -> str:
    return " ".join(w.text.strip() for w in words if w.text.strip())
