"""Score the eight lessons: observations → indicators → an explainable lesson score.

A lesson's score is the weighted mean of the points of its scored indicators
(good / fair / needs_attention points from the rubric's ``[scoring]`` table).
Indicators that are ``info`` or ``not_observable`` do not count; a lesson with no
scored indicator is ``not_observable`` with score ``None``.  There is no total
over lessons.
"""

from __future__ import annotations

import logging

from pipeline.lessons.observe import NOTES, OBSERVERS, Context, Obs
from pipeline.lessons.rubric import IndicatorRule, LessonRule, Rubric, load_rubric
from pipeline.types import Indicator, LessonScore, Metrics, Transcript

log = logging.getLogger(__name__)

SCORED = ("good", "fair", "needs_attention")


def score_lessons(transcript: Transcript, metrics: Metrics, rubric: Rubric | None = None) -> tuple[LessonScore, ...]:
    """The eight lesson scores (ids 1–8) of a tagged transcript and its metrics."""
    rubric = rubric or load_rubric()
    ctx = Context.build(transcript, metrics, rubric)
    return tuple(_score_lesson(lr, ctx, rubric) for lr in rubric.lessons)


def judge(rule: IndicatorRule, obs: Obs, is_introduction: bool) -> str:
    """Status of one observation; ``introduction_only`` rules are info outside introductions."""
    if obs.value is None:
        return "not_observable"
    if rule.introduction_only and not is_introduction:
        return "info"
    return rule.judge(obs.value)


def lesson_score(rubric: Rubric, rules_and_status: list[tuple[IndicatorRule, str]]) -> float | None:
    points = dict(rubric.points)
    scored = [(r.weight, points[s]) for r, s in rules_and_status if s in SCORED and r.weight > 0]
    total_w = sum(w for w, _ in scored)
    if not scored or total_w <= 0:
        return None
    return round(sum(w * p for w, p in scored) / total_w, 1)


def advice_for(lr: LessonRule, statuses: dict[str, str], lesson_status: str, lang: str = "en") -> tuple[str, ...]:
    """Advice in the words of the lesson: one line per indicator that is not good, then the lesson's own
    (when the lesson needs attention, is not observable, or is fair without indicator advice)."""
    out = [r.text("advice", lang) for r in lr.indicators if statuses.get(r.name) in ("fair", "needs_attention") and r.advice]
    if lesson_status in ("needs_attention", "not_observable") or (lesson_status == "fair" and not out):
        out.extend(lr.text("advice", lang))
    return tuple(dict.fromkeys(t for t in out if t))


def notes_for(lr: LessonRule, notes: dict[str, str], lang: str = "en") -> tuple[str, ...]:
    """Plain-language observations: why indicators could not be observed, and the lesson's own note."""
    idx = 0 if lang == "en" else 1
    keys = dict.fromkeys(notes[r.name] for r in lr.indicators if notes.get(r.name) in NOTES)
    return tuple(NOTES[k][idx][:1].upper() + NOTES[k][idx][1:] for k in keys)


def _score_lesson(lr: LessonRule, ctx: Context, rubric: Rubric) -> LessonScore:
    indicators: list[Indicator] = []
    judged: list[tuple[IndicatorRule, str]] = []
    notes: dict[str, str] = {}
    for rule in lr.indicators:
        observer = OBSERVERS.get(rule.name)
        if observer is None:  # pragma: no cover - the rubric loader only accepts known indicators
            log.warning("no observer for rubric indicator %s; skipped", rule.name)
            continue
        obs = observer(ctx)
        status = judge(rule, obs, ctx.is_introduction)
        if obs.value is None and obs.note:
            notes[rule.name] = obs.note
        elif rule.introduction_only and not ctx.is_introduction:
            notes[rule.name] = "not_introduction"
        judged.append((rule, status))
        value = round(obs.value, 4) if isinstance(obs.value, float) else obs.value
        indicators.append(Indicator(
            name=rule.name, value=value, status=status, threshold=rule.threshold_text("en"),
            anchor=rule.anchor, evidence=obs.evidence,
        ))
    score = lesson_score(rubric, judged)
    status = "not_observable" if score is None else rubric.status_of_score(score)
    order = {u.id: i for i, u in enumerate(ctx.transcript.utterances)}
    evidence = tuple(sorted({e for ind in indicators for e in ind.evidence if e in order}, key=order.__getitem__))
    observed = notes_for(lr, notes)
    if status == "not_observable":
        observed = (lr.text("not_observable"), *observed)
    return LessonScore(
        id=lr.id, title=lr.text("title"), status=status, score=score, indicators=tuple(indicators),
        evidence=evidence, advice=advice_for(lr, {r.name: s for r, s in judged}, status), observed=observed,
    )
