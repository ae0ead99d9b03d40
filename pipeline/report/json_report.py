"""``report.json``: the machine-readable meeting report (schema in docs/report-json.md).

``report_to_dict`` is the one place that decides the JSON layout; the store,
``dialoog compare`` and ``dialoog tag`` read what it writes.
"""

from __future__ import annotations

from typing import Any

from pipeline.types import MeetingReport, Tag, Utterance, UtteranceTags


def _r(x: float | None, nd: int = 3) -> float | None:
    return None if x is None else round(float(x), nd)


def tag_to_dict(tag: Tag) -> dict[str, Any]:
    return {k: v for k, v in tag.to_dict().items() if v not in (None, "")}


def tags_to_dict(tags: UtteranceTags) -> dict[str, Any]:
    """The flat tag summary used in ``utterances[].tags`` and by ``dialoog tag``."""
    d = tags.defensive
    return {
        "question": tags.question.label if tags.question else None,
        "defensive": None
        if d is None
        else {"category": d.label, "confidence": _r(d.confidence), "source": d.source, "trigger": d.trigger},
        "reflection": tags.reflection.label if tags.reflection else None,
        "cues": sorted({c.label for c in tags.cues}),
        "detail": [
            tag_to_dict(t)
            for t in (tags.question, tags.defensive, tags.reflection, *tags.cues)
            if t is not None
        ],
    }


def utterance_to_dict(u: Utterance, *, with_words: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": u.id,
        "start": _r(u.start),
        "end": _r(u.end),
        "speaker": u.speaker,
        "role": u.role,
        "text": u.text,
        "language": u.language,
        "tags": tags_to_dict(u.tags),
    }
    if with_words and u.words:
        out["words"] = [[w.text, _r(w.start), _r(w.end)] for w in u.words]
    return out


def report_to_dict(report: MeetingReport) -> dict[str, Any]:
    t, m = report.transcript, report.metrics
    meeting = t.meeting
    participants = {p.name: p for p in meeting.participants}
    return {
        "schema_version": report.schema_version,
        "meeting": {
            "id": meeting.id,
            "pilot": meeting.pilot,
            "company": meeting.company,
            "supplier": meeting.supplier,
            "date": meeting.date,
            "language": meeting.language,
            "channel": meeting.channel,
            "kind": meeting.kind,
            "late_start_min": meeting.late_start_min,
            "duration_s": _r(m.duration_s),
            "source": meeting.source,
            "source_format": t.source_format,
            "audio": t.audio.to_dict() if t.audio else None,
            "participants": [p.to_dict() for p in meeting.participants],
        },
        "speakers": [
            {
                **s.to_dict(),
                "organisation": participants[s.name].organisation if s.name in participants else "",
                "function": participants[s.name].function if s.name in participants else "",
            }
            for s in m.speakers
        ],
        "roles": {
            r.role: {
                "talk_time_s": _r(r.talk_time_s),
                "talk_share": _r(r.talk_share, 4),
                "turns": r.turns,
                "words": r.words,
                "speakers": list(r.speakers),
            }
            for r in m.roles
        },
        "utterances": [utterance_to_dict(u) for u in t.utterances],
        "metrics": {
            k: v for k, v in m.to_dict().items() if k not in ("speakers", "roles")
        },
        "lessons": [
            {
                "id": ls.id,
                "title": ls.title,
                "status": ls.status,
                "score": _r(ls.score, 1),
                "indicators": {i.name: i.value for i in ls.indicators},
                "indicator_details": [i.to_dict() for i in ls.indicators],
                "evidence": list(ls.evidence),
                "advice": list(ls.advice),
                "observed": list(ls.observed),
            }
            for ls in report.lessons
        ],
        "provenance": report.provenance.to_dict(),
    }
