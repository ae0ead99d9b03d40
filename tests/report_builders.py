"""Hand-built transcripts, metrics and reports for the lesson and report tests.

``make_metrics`` is a deliberately simple stand-in for ``pipeline.metrics`` (talk
time = utterance durations, wait = gap to the next speaker) so these tests do not
depend on that module; ``synthetic_meeting`` generates a long tagged meeting for
the benchmark and the browser tests.
"""

from __future__ import annotations

import random

from pipeline.types import (
    AudioInfo, Meeting, MeetingReport, Metrics, Participant, Provenance, RoleMetrics, SpeakerMetrics,
    Tag, Transcript, Utterance, UtteranceTags, WaitTime,
)


def utt(n: int, speaker: str, role: str, start: float, end: float, text: str = "…", *,
        question: str | None = None, defensive: str | None = None, trigger: str | None = None,
        reflection: str | None = None, cues: tuple[str, ...] = ()) -> Utterance:
    tags = UtteranceTags(
        question=Tag("question", question, "test@1") if question else None,
        defensive=Tag("defensive", defensive, "test@1", trigger=trigger) if defensive else None,
        reflection=Tag("reflection", reflection, "test@1") if reflection else None,
        cues=tuple(Tag("cue", c, "test@1", span=c) for c in cues),
    )
    return Utterance(id=f"u{n:04d}", speaker=speaker, start=start, end=end, text=text, role=role, tags=tags)


def make_meeting(**kw) -> Meeting:
    base = dict(
        id="companyB-call1", pilot="SER pilot India 2021", company="Company B", supplier="Supplier B",
        date="2021-05-12", language="en", channel="Teams", kind="introduction",
        participants=(Participant("Sanne", "buyer", "Company B"), Participant("Ravi", "supplier", "Supplier B")),
    )
    base.update(kw)
    return Meeting(**base)


def make_transcript(utts, meeting: Meeting | None = None, audio: AudioInfo | None = None) -> Transcript:
    return Transcript(meeting=meeting or make_meeting(), utterances=tuple(utts), source_format="test", audio=audio)


def make_metrics(t: Transcript) -> Metrics:
    utts = t.utterances
    total = sum(u.duration for u in utts) or 1.0
    speakers, roles = [], []
    for name in t.speakers:
        mine = [u for u in utts if u.speaker == name]
        talk = sum(u.duration for u in mine)
        longest = max(mine, key=lambda u: u.duration)
        qs = [u for u in mine if u.tags.question]
        speakers.append(SpeakerMetrics(
            name=name, role=mine[0].role, talk_time_s=talk, talk_share=talk / total, turns=len(mine),
            mean_turn_s=talk / len(mine), longest_turn_s=longest.duration, longest_turn_id=longest.id,
            words=sum(len(u.text.split()) for u in mine), wpm=0.0, questions=len(qs),
            open_questions=sum(1 for u in qs if u.tags.question.label == "open"),
            closed_questions=sum(1 for u in qs if u.tags.question.label == "closed"),
            first_speech_s=mine[0].start,
        ))
    for role in dict.fromkeys(u.role for u in utts):
        mine = [u for u in utts if u.role == role]
        talk = sum(u.duration for u in mine)
        roles.append(RoleMetrics(role, talk, talk / total, len(mine), sum(len(u.text.split()) for u in mine),
                                 tuple(dict.fromkeys(u.speaker for u in mine))))
    waits = []
    for a, b in zip(utts, utts[1:]):
        if a.speaker != b.speaker:
            kind = a.tags.question.label if a.tags.question else "turn"
            waits.append(WaitTime(a.id, b.id, max(0.0, b.start - a.end), kind, a.speaker, b.speaker))
    open_w = [w.wait_s for w in waits if w.after_kind == "open"]
    q_w = [w.wait_s for w in waits if w.after_kind in ("open", "closed")]
    dur = t.duration_s
    return Metrics(
        duration_s=dur, speech_s=total, silence_share=max(0.0, 1 - total / dur) if dur else 0.0, overlap_s=0.0,
        turns=len(utts), speaker_switches=len(waits), switches_per_min=len(waits) / (dur / 60) if dur else 0.0,
        interruptions=(), wait_times=tuple(waits),
        mean_wait_after_question_s=sum(q_w) / len(q_w) if q_w else None,
        mean_wait_after_open_question_s=sum(open_w) / len(open_w) if open_w else None,
        time_to_supplier_s=next((u.start for u in utts if u.role == "supplier"), None),
        speakers=tuple(speakers), roles=tuple(roles),
    )


def make_report(t: Transcript, lessons=None) -> MeetingReport:
    from pipeline.lessons import score_lessons

    m = make_metrics(t)
    return MeetingReport(
        transcript=t, metrics=m, lessons=score_lessons(t, m) if lessons is None else lessons,
        provenance=Provenance(dialoog_version="0.1.0", rubric="dialoog-lessons@2", taggers=("test@1",),
                              generated_at="2026-01-01T00:00:00Z"),
    )


NASTY = '<script>alert(1)</script> "onmouseover=alert(2) x=" javascript:alert(3) [x](javascript:alert(4)) &amp; \' *b*'

_LINES = {
    "buyer": ["Thank you for joining. Shall we go through the agenda?", "What effect do you see in a training programme?",
              "We were informed of possible problems and that conflicts with our policy.", "Did you dismiss workers?",
              "So you are saying production pressure is your main worry.", "Who else is involved in deciding this?"],
    "supplier": ["Yes.", "We do not recognise these complaints.", "Our systems are already in order.",
                 "Production is our biggest concern this season, with orders coming in late.", "Okay."],
    "cso": ["The programme teaches management and workers to hold an internal dialogue.",
            "We worked with several factories in the region."],
}


def synthetic_meeting(n: int = 1500, seed: int = 7, nasty: bool = False, audio: str | None = None) -> Transcript:
    """A tagged meeting of ``n`` utterances (≈2 hours at 1,500), buyer/supplier/CSO."""
    rnd = random.Random(seed)
    cast = [("Sanne de Vries", "buyer"), ("Peter Jansen", "buyer"), ("Ravi Kumar", "supplier"), ("Anita Rao", "cso")]
    if nasty:
        cast[2] = (NASTY, "supplier")
    utts, t, prev_buyer = [], 0.0, None
    for i in range(1, n + 1):
        name, role = cast[rnd.choice([0, 0, 1, 2, 2, 2, 3])]
        dur = rnd.uniform(1.0, 9.0)
        text = rnd.choice(_LINES[role]) + (f" {NASTY}" if nasty and i % 50 == 0 else "")
        kw: dict = {}
        if role == "buyer":
            r = rnd.random()
            kw["question"] = "open" if r < 0.2 else "closed" if r < 0.35 else None
            if rnd.random() < 0.15:
                kw["reflection"] = "simple"
            if rnd.random() < 0.05:
                kw["cues"] = (rnd.choice(["invitation", "accusatory", "sensitive_topic", "transparency", "complaint", "programme"]),)
        elif role == "supplier" and prev_buyer and rnd.random() < 0.05:
            kw.update(defensive=rnd.choice(["denial", "justification", "deflection"]), trigger=prev_buyer)
        u = utt(i, name, role, t, t + dur, text, **kw)
        if role == "buyer":
            prev_buyer = u.id
        utts.append(u)
        t += dur + rnd.uniform(0.1, 4.0)
    meeting = make_meeting(
        id="synthetic-" + str(n), late_start_min=45,
        participants=tuple(Participant(nm, rl) for nm, rl in cast),
    )
    info = AudioInfo(path=audio, duration_s=t, sample_rate=16000, channels=1) if audio else None
    return make_transcript(utts, meeting, info)
