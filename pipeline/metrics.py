"""Talk-time metrics: who talked how much, turn-taking, overlaps, wait times.

``compute_metrics(transcript) -> Metrics`` is a pure function.  Definitions and
the sources behind the thresholds used elsewhere:

* **Talk time** of a speaker is the time covered by their speech: the union of
  the caption cues merged into each turn (``Utterance.cues``), else the turn's
  start–end.  For non-overlapping cues this is exactly the sum of cue durations.
* **Talk share** is a speaker's (or role's) talk time over all talk time.
* **Turns**: utterances (consecutive cues of one speaker merged, see ingest).
  The **longest turn** is the longest monologue.
* **Words per minute** = words / talk minutes.
* **Speaker switches** are consecutive turns by different speakers; reported
  per minute of meeting.
* **Overlap** is the time during which two or more speakers talk at once.
* **Interruption**: a speaker starts a turn while another's turn is still going
  (more than ``INTERRUPTION_TOLERANCE_S`` before it ends), unless the new turn is
  a short backchannel ("yes", "okay", "ja", "precies" …; ``data/backchannels.yaml``).
  Gaps and overlaps of ~200 ms are the norm in conversation (Stivers et al. 2009,
  PNAS 106:10587; Heldner & Edlund 2010), so smaller overlaps are not interruptions.
* **Wait time** is the silence between the end of a turn and the next turn by
  somebody else (0 when they overlap).  After a question this is Rowe's "wait
  time I"; Rowe (1986, J. Teacher Education 37:43) found ≥ 3 s markedly improves
  the length and quality of answers.
* **Silence share**: share of the meeting's duration in which nobody talks.
* **Time to supplier**: seconds from the meeting's start to the supplier's
  first words (a late first word suggests little room given early).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import yaml

from pipeline.types import (
    Interruption,
    Metrics,
    RoleMetrics,
    SpeakerMetrics,
    Transcript,
    Utterance,
    WaitTime,
)

#: A turn starting later than this before the other's end counts as starting inside it (seconds).
INTERRUPTION_TOLERANCE_S = 0.2

_BACKCHANNEL_FILE = Path(__file__).parent / "data" / "backchannels.yaml"
_PUNCT = re.compile(r"[^\w\s'-]+", re.UNICODE)


@lru_cache(maxsize=1)
def _backchannels() -> tuple[int, frozenset[str]]:
    data = yaml.safe_load(_BACKCHANNEL_FILE.read_text(encoding="utf-8"))
    phrases = {str(p).casefold() for lang in ("en", "nl") for p in data.get(lang, [])}
    return int(data.get("max_words", 3)), frozenset(phrases)


def is_backchannel(text: str) -> bool:
    """Whether ``text`` is a short listener response that does not take the floor."""
    max_words, phrases = _backchannels()
    norm = " ".join(_PUNCT.sub(" ", text.casefold()).split())
    if not norm or len(norm.split()) > max_words:
        return False
    if norm in phrases:
        return True
    # "yes yes", "okay right": every word a backchannel on its own
    return all(w in phrases for w in norm.split())


def _intervals(u: Utterance) -> list[tuple[float, float]]:
    return [(s, e) for s, e in u.cues] if u.cues else [(u.start, u.end)]


def _union_length(intervals: Iterable[tuple[float, float]]) -> float:
    total, cur_s, cur_e = 0.0, None, None
    for s, e in sorted(intervals):
        if cur_e is None or s > cur_e:
            if cur_e is not None:
                total += cur_e - cur_s
            cur_s, cur_e = s, e
        elif e > cur_e:
            cur_e = e
    if cur_e is not None:
        total += cur_e - cur_s
    return total


def _overlap_time(utterances: Sequence[Utterance]) -> float:
    """Time during which at least two different speakers talk (sweep line)."""
    events: list[tuple[float, int, str]] = []
    for u in utterances:
        for s, e in _intervals(u):
            if e > s:
                events.append((s, 1, u.speaker))
                events.append((e, -1, u.speaker))
    events.sort(key=lambda ev: (ev[0], ev[1]))  # ends before starts at the same instant
    active: dict[str, int] = defaultdict(int)
    speaking = 0
    total, last_t = 0.0, None
    for t, delta, spk in events:
        if last_t is not None and speaking >= 2:
            total += t - last_t
        before = active[spk]
        active[spk] = before + delta
        if before == 0 and delta == 1:
            speaking += 1
        elif before == 1 and delta == -1:
            speaking -= 1
        last_t = t
    return total


def _interruptions(utterances: Sequence[Utterance]) -> list[Interruption]:
    found: list[Interruption] = []
    ongoing: list[Utterance] = []
    for u in utterances:  # sorted by start
        ongoing = [o for o in ongoing if o.end > u.start]
        if not is_backchannel(u.text):
            for o in ongoing:
                if o.speaker != u.speaker and o.start < u.start < o.end - INTERRUPTION_TOLERANCE_S:
                    found.append(
                        Interruption(
                            utterance_id=u.id,
                            interrupted_id=o.id,
                            at_s=u.start,
                            overlap_s=min(o.end, u.end) - u.start,
                        )
                    )
                    break
        ongoing.append(u)
    return found


def _wait_times(utterances: Sequence[Utterance]) -> list[WaitTime]:
    """For each turn, the silence until the next turn by somebody else starts.

    Backchannels by the listener do not end the wait (the floor is still open),
    unless nothing else follows.
    """
    waits: list[WaitTime] = []
    n = len(utterances)
    for i, u in enumerate(utterances):
        nxt = None
        for j in range(i + 1, n):
            v = utterances[j]
            if v.speaker == u.speaker:
                if v.start >= u.end:
                    break  # the same speaker carried on: no hand-over after u
                continue
            if v.start < u.end and is_backchannel(v.text):
                continue
            nxt = v
            break
        if nxt is None:
            continue
        q = u.tags.question
        waits.append(
            WaitTime(
                after_id=u.id,
                next_id=nxt.id,
                wait_s=max(0.0, nxt.start - u.end),
                after_kind=q.label if q else "turn",
                speaker=u.speaker,
                next_speaker=nxt.speaker,
            )
        )
    return waits


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _word_count(text: str) -> int:
    return len(text.split())


def compute_metrics(transcript: Transcript) -> Metrics:
    """Talk-time and turn-taking metrics of a transcript (empty transcript → zeros)."""
    utts = sorted(transcript.utterances, key=lambda u: (u.start, u.end))
    duration = max(transcript.duration_s, max((u.end for u in utts), default=0.0))

    per_speaker: dict[str, list[Utterance]] = defaultdict(list)
    for u in utts:
        per_speaker[u.speaker].append(u)
    talk = {spk: sum(u.spoken_time for u in us) for spk, us in per_speaker.items()}
    total_talk = sum(talk.values())
    speech_union = _union_length(iv for u in utts for iv in _intervals(u))

    interruptions = _interruptions(utts)
    made: dict[str, int] = defaultdict(int)
    by_id = {u.id: u for u in utts}
    for it in interruptions:
        made[by_id[it.utterance_id].speaker] += 1

    speakers: list[SpeakerMetrics] = []
    for spk in transcript.speakers:
        us = per_speaker[spk]
        t = talk[spk]
        words = sum(_word_count(u.text) for u in us)
        longest = max(us, key=lambda u: u.spoken_time)
        questions = [u.tags.question.label for u in us if u.tags.question]
        speakers.append(
            SpeakerMetrics(
                name=spk,
                role=us[0].role,
                talk_time_s=t,
                talk_share=t / total_talk if total_talk else 0.0,
                turns=len(us),
                mean_turn_s=t / len(us),
                longest_turn_s=longest.spoken_time,
                longest_turn_id=longest.id,
                words=words,
                wpm=words / (t / 60.0) if t > 0 else 0.0,
                questions=len(questions),
                open_questions=questions.count("open"),
                closed_questions=questions.count("closed"),
                interruptions_made=made[spk],
                first_speech_s=us[0].start,
            )
        )

    roles: dict[str, list[SpeakerMetrics]] = defaultdict(list)
    for sm in speakers:
        roles[sm.role].append(sm)
    role_metrics = tuple(
        RoleMetrics(
            role=role,
            talk_time_s=sum(s.talk_time_s for s in sms),
            talk_share=sum(s.talk_time_s for s in sms) / total_talk if total_talk else 0.0,
            turns=sum(s.turns for s in sms),
            words=sum(s.words for s in sms),
            speakers=tuple(s.name for s in sms),
        )
        for role, sms in roles.items()
    )

    switches = sum(1 for a, b in zip(utts, utts[1:]) if a.speaker != b.speaker)
    waits = _wait_times(utts)
    supplier_starts = [u.start for u in utts if u.role == "supplier"]
    return Metrics(
        duration_s=duration,
        speech_s=speech_union,
        silence_share=max(0.0, 1.0 - speech_union / duration) if duration > 0 else 0.0,
        overlap_s=_overlap_time(utts),
        turns=len(utts),
        speaker_switches=switches,
        switches_per_min=switches / (duration / 60.0) if duration > 0 else 0.0,
        interruptions=tuple(interruptions),
        wait_times=tuple(waits),
        mean_wait_after_question_s=_mean([w.wait_s for w in waits if w.after_kind != "turn"]),
        mean_wait_after_open_question_s=_mean([w.wait_s for w in waits if w.after_kind == "open"]),
        time_to_supplier_s=min(supplier_starts) if supplier_starts else None,
        speakers=tuple(speakers),
        roles=role_metrics,
    )
