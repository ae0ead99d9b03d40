"""What both report renderers show, computed once: formatted times, localized lessons.

The lesson scores in a report are stored in English (as the scorer wrote them);
for another report language their titles, advice and notes are re-derived from
the rubric's texts for the same indicators and statuses, so HTML and Markdown
say the same thing in either language.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import InputError
from pipeline.lessons.observe import NOTES
from pipeline.lessons.rubric import IndicatorRule, Rubric, format_value, load_rubric
from pipeline.lessons.scoring import SCORED, advice_for
from pipeline.report.strings import Strings
from pipeline.types import Indicator, LessonScore, MeetingReport

log = logging.getLogger(__name__)

#: Role order and colours (print-safe, colour-blind-friendly Okabe–Ito palette).
ROLE_COLOURS = {
    "buyer": "#0072B2", "cso": "#009E73", "supplier": "#E69F00",
    "union": "#CC79A7", "other": "#56B4E9", "unknown": "#999999",
}


def hms(seconds: float) -> str:
    s = int(max(0.0, seconds))
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def rubric_for(report: MeetingReport) -> Rubric:
    """The rubric the report was scored with when its file is known and readable, else the built-in one."""
    ident = report.provenance.rubric
    if ident.endswith(")") and "(" in ident:
        path = Path(ident[ident.rindex("(") + 1:-1])
        if path.is_file():
            try:
                return load_rubric(path)
            except InputError as exc:
                log.warning("rubric %s of the report is unreadable (%s); using the built-in texts", path, exc)
    return load_rubric()


@dataclass(frozen=True, slots=True)
class IndicatorView:
    indicator: Indicator
    label: str
    anchor: str
    value: str
    threshold: str
    status: str          # the status key (good, fair …)
    status_text: str
    points: float | None
    weight: float


@dataclass(frozen=True, slots=True)
class LessonView:
    lesson: LessonScore
    title: str
    status_text: str
    indicators: tuple[IndicatorView, ...]
    advice: tuple[str, ...]
    observed: tuple[str, ...]
    formula: str


def _value_text(ind: Indicator, rule: IndicatorRule | None, s: Strings) -> str:
    unit = rule.unit if rule else ("percent" if "share" in ind.name else "count")
    text = format_value(ind.value, unit)
    if unit == "bool" and ind.value is not None:
        text = s("facts.yes") if ind.value else s("facts.no")
    return text


def _translate_note(text: str, lang: str) -> str:
    if lang == "en":
        return text
    for en, nl in NOTES.values():
        if text.lower() == en.lower():
            return nl[:1].upper() + nl[1:]
    return text


def lesson_views(report: MeetingReport, lang: str = "en") -> tuple[LessonView, ...]:
    rubric = rubric_for(report)
    s = Strings(lang)
    points = dict(rubric.points)
    out = []
    for ls in report.lessons:
        lr = next((r for r in rubric.lessons if r.id == ls.id), None)
        inds = []
        for ind in ls.indicators:
            rule = rubric.indicator(ind.name)
            inds.append(IndicatorView(
                indicator=ind,
                label=rule.text("label", lang) if rule else ind.name.replace("_", " "),
                anchor=rule.text("anchors", lang) if rule and lang != "en" else ind.anchor, value=_value_text(ind, rule, s),
                threshold=rule.threshold_text(lang) if rule else ind.threshold,
                status=ind.status, status_text=s(f"status.{ind.status}"),
                points=points.get(ind.status) if ind.status in SCORED else None,
                weight=rule.weight if rule else 1.0,
            ))
        if lang == "en" or lr is None:
            title, advice = ls.title, ls.advice
            observed = ls.observed
        else:
            title = lr.text("title", lang)
            advice = advice_for(lr, {i.name: i.status for i in ls.indicators}, ls.status, lang)
            en_not_obs = lr.text("not_observable", "en")
            observed = tuple(lr.text("not_observable", lang) if o == en_not_obs else _translate_note(o, lang) for o in ls.observed)
        out.append(LessonView(ls, title, s(f"status.{ls.status}"), tuple(inds), advice, observed, _formula(inds, ls)))
    return tuple(out)


def _formula(inds: list[IndicatorView], ls: LessonScore) -> str:
    """``(100 + 60 + 20) / 3 = 60`` — how the score follows from the indicator points."""
    scored = [(iv.weight, iv.points) for iv in inds if iv.points is not None and iv.weight > 0]
    if not scored or ls.score is None:
        return ""
    plain = all(w == 1 for w, _ in scored)
    terms = " + ".join(f"{p:g}" if plain else f"{w:g}×{p:g}" for w, p in scored)
    total = sum(w for w, _ in scored)
    if abs(sum(w * p for w, p in scored) / total - ls.score) > 0.051:
        return ""  # scored with another rubric than the one at hand: show no sum that does not add up
    return f"({terms}) / {total:g} = {ls.score:g}"
