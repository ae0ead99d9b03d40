"""The meeting report as Markdown (for wikis, tickets and e-mail bodies).

Same content as the HTML report, without charts.  Every string from the
transcript or manifest goes through :func:`md`, which escapes HTML (Markdown
renderers pass raw HTML through) and Markdown punctuation (so text can never
form a link, image, emphasis or table cell), and folds newlines.
"""

from __future__ import annotations

import re
from html import escape

from pipeline.report.charts import role_class, safe_id
from pipeline.report.strings import Strings
from pipeline.report.view import hms, lesson_views, rubric_for
from pipeline.types import MeetingReport

#: Punctuation that can start Markdown syntax inside a line (line starts are never data).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#|~])")


def md(text: object) -> str:
    """Escape ``text`` for Markdown inline content (HTML entities, punctuation, no line breaks)."""
    flat = " ".join(str(text).split())
    return escape(_MD_SPECIAL.sub(r"\\\1", flat), quote=True)


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    return [_row(head), _row(["---"] * len(head)), *(_row(r) for r in rows), ""]


def _links(ids: tuple[str, ...], limit: int = 12) -> str:
    ok = [i for i in (safe_id(x) for x in ids) if i]
    text = ", ".join(f"[{i}](#{i})" for i in ok[:limit])
    return text + (f" … (+{len(ok) - limit})" if len(ok) > limit else "")


def render_markdown(report: MeetingReport, lang: str = "en") -> str:
    """The report as a Markdown document, UI in ``lang`` (``en`` or ``nl``)."""
    s = Strings(lang)
    t, m = report.transcript, report.metrics
    mt = t.meeting
    out = [f"# {md(s('report_title'))}: {md(mt.id)}", "", f"> {md(s('confidential'))}", "", f"## {md(s('facts.title'))}", ""]
    facts = [("company", mt.company), ("supplier", mt.supplier), ("pilot", mt.pilot), ("date", mt.date or ""),
             ("channel", mt.channel), ("kind", mt.kind), ("language", mt.language), ("duration", hms(t.duration_s)),
             ("late_start", f"{mt.late_start_min:g} {s('facts.minutes')}" if mt.late_start_min is not None else ""),
             ("utterances", str(len(t.utterances)))]
    out += [f"- **{md(s('facts.' + k))}:** {md(v)}" for k, v in facts if v] + [""]
    if mt.participants:
        yn = {True: s("facts.yes"), False: s("facts.no"), None: ""}
        out += _table([md(s("facts." + k)) for k in ("name", "role", "organisation", "function", "decision_maker")],
                      [[md(p.name), md(s("roles." + role_class(p.role))), md(p.organisation), md(p.function), md(yn[p.decision_maker])]
                       for p in mt.participants])

    views = lesson_views(report, lang)
    rubric = rubric_for(report)
    pts = dict(rubric.points)
    out += [f"## {md(s('scorecard.title'))}", "",
            md(s("scorecard.intro", good=f"{pts['good']:g}", fair=f"{pts['fair']:g}", needs_attention=f"{pts['needs_attention']:g}",
                 good_from=f"{rubric.good_from:g}", fair_from=f"{rubric.fair_from:g}")), ""]
    out += _table(["#", md(s("scorecard.lesson")), md(s("scorecard.status")), md(s("scorecard.score"))],
                  [[str(v.lesson.id), md(v.title), md(v.status_text), f"{v.lesson.score:g}" if v.lesson.score is not None else "–"] for v in views])
    for v in views:
        score = f"{v.lesson.score:g}/100" if v.lesson.score is not None else "–"
        out += [f"### {v.lesson.id}\\. {md(v.title)} — {md(v.status_text)} ({score})", ""]
        if v.formula:
            out += [f"{md(s('scorecard.formula'))} = {md(v.formula)}", ""]
        if v.indicators:
            out += _table([md(s("scorecard." + k)) for k in ("indicator", "value", "threshold", "status", "points", "evidence", "anchor")],
                          [[md(iv.label), md(iv.value), md(iv.threshold), md(iv.status_text),
                            f"{iv.points:g}" if iv.points is not None else "", _links(iv.indicator.evidence), md(iv.anchor)] for iv in v.indicators])
        if v.observed:
            out += [f"**{md(s('scorecard.observed'))}:** " + " ".join(md(o) for o in v.observed), ""]
        if v.advice:
            out += [f"**{md(s('scorecard.advice'))}:**", "", *(f"- {md(a)}" for a in v.advice), ""]

    out += [f"## {md(s('talk.title'))}", ""]
    out += _table([md(s("facts.name")), md(s("facts.role")), "%", md(s("facts.duration")), md(s("talk.turns")),
                   md(s("questions.open")), md(s("questions.closed"))],
                  [[md(sp.name), md(s("roles." + role_class(sp.role))), f"{sp.talk_share * 100:.0f}%", hms(sp.talk_time_s), str(sp.turns),
                    str(sp.open_questions), str(sp.closed_questions)] for sp in m.speakers])

    pairs = [u for u in t.utterances if u.tags.defensive is not None]
    out += [f"## {md(s('defensive.title'))}", ""]
    if pairs:
        by_id = {u.id: u for u in t.utterances}
        rows = []
        for u in pairs:
            trig = by_id.get(u.tags.defensive.trigger or "")
            trig_cell = f"{_links((trig.id,))} {md(trig.speaker)}: {md(trig.text)}" if trig else "–"
            rows.append([trig_cell, f"{_links((u.id,))} {md(u.speaker)}: {md(u.text)}", md(s("defensive_kinds." + u.tags.defensive.label))])
        out += _table([md(s("defensive.trigger")), md(s("defensive.response")), md(s("defensive.category"))], rows)
    else:
        out += [md(s("defensive.none")), ""]

    out += [f"## {md(s('transcript.title'))}", ""]
    if not t.utterances:
        out += [md(s("transcript.empty")), ""]
    for u in t.utterances:
        tags = []
        if u.tags.question is not None:
            tags.append(s("transcript.open_q" if u.tags.question.label == "open" else "transcript.closed_q"))
        if u.tags.reflection is not None:
            tags.append(s("transcript.reflection"))
        if u.tags.defensive is not None:
            tags.append(f"{s('transcript.defensive_tag')}: {s('defensive_kinds.' + u.tags.defensive.label)}")
        tags += [s("cues." + c.label) for c in u.tags.cues]
        uid = safe_id(u.id)
        anchor = f'<a id="{uid}"></a>' if uid else ""
        note = f" _({md('; '.join(tags))})_" if tags else ""
        out.append(f"- {anchor}`{hms(u.start)}` **{md(u.speaker)}** ({md(s('roles.' + role_class(u.role)))}): {md(u.text)}{note}")
    p = report.provenance
    out += ["", "---", "", f"{md(s('generated_by'))} {md(p.dialoog_version)} · {md(s('provenance.rubric'))}: {md(p.rubric)}"
            + (f" · {md(s('provenance.taggers'))}: {md(', '.join(p.taggers))}" if p.taggers else ""), ""]
    return "\n".join(out)
