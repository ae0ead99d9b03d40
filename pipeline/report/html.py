"""The meeting report as one self-contained HTML file.

No CDN, fonts, images or external scripts: the stylesheet and the small filter
script are inlined and pinned by sha256 hashes in a strict
Content-Security-Policy, charts are inline SVG, and the page reads fully without
JavaScript (e-mail clients strip it) and prints cleanly.  Every string from the
transcript, the manifest or a file name is escaped.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from importlib import resources

from pipeline.report import html_sections as sec
from pipeline.report.charts import esc, safe_id
from pipeline.report.strings import Strings
from pipeline.report.view import LessonView, hms, lesson_views, rubric_for
from pipeline.types import MeetingReport

#: Evidence links shown before the rest folds into a <details>.
EVIDENCE_SHOWN = 8


@lru_cache(maxsize=1)
def assets() -> tuple[str, str]:
    """The inline stylesheet and script."""
    pkg = resources.files("pipeline.report.assets")
    return pkg.joinpath("report.css").read_text(encoding="utf-8"), pkg.joinpath("report.js").read_text(encoding="utf-8")


def csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def content_security_policy(css: str, js: str, media: bool) -> str:
    policy = [
        "default-src 'none'", f"style-src {csp_hash(css)}", f"script-src {csp_hash(js)}", "img-src data:",
        "base-uri 'none'", "form-action 'none'",
    ]
    if media:
        policy.append("media-src 'self'")
    return "; ".join(policy)


def page(title: str, lang: str, body: str, *, media: bool = False) -> str:
    """A complete HTML document around ``body`` with the inline assets and the CSP (shared with compare)."""
    css, js = assets()
    return (
        f'<!DOCTYPE html>\n<html lang="{esc(lang)}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy(css, js, media)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{esc(title)}</title><style>{css}</style></head><body>{body}"
        f"<script>{js}</script></body></html>\n"
    )


def evidence_links(ids: tuple[str, ...], s: Strings) -> str:
    links = [f'<a href="#{i}">{i}</a>' for i in (safe_id(x) for x in ids) if i]
    if len(links) <= EVIDENCE_SHOWN:
        return "".join(links)
    rest = links[EVIDENCE_SHOWN:]
    return "".join(links[:EVIDENCE_SHOWN]) + f'<details><summary>+{len(rest)} {esc(s("scorecard.more"))}</summary>{"".join(rest)}</details>'


def _facts(report: MeetingReport, s: Strings) -> str:
    mt, t = report.transcript.meeting, report.transcript
    source = mt.source.replace("\\", "/").rsplit("/", 1)[-1] if mt.source else ""
    items = [
        ("company", mt.company), ("supplier", mt.supplier), ("pilot", mt.pilot), ("date", mt.date or ""),
        ("channel", mt.channel), ("kind", mt.kind), ("language", mt.language), ("duration", hms(t.duration_s)),
        ("late_start", f"{mt.late_start_min:g} {s('facts.minutes')}" if mt.late_start_min is not None else ""),
        ("utterances", str(len(t.utterances))), ("speakers", str(len(t.speakers))), ("source", source),
    ]
    dl = "".join(f"<dt>{esc(s('facts.' + k))}</dt><dd>{esc(v)}</dd>" for k, v in items if v)
    people = ""
    if mt.participants:
        yes_no = {True: s("facts.yes"), False: s("facts.no"), None: ""}
        rows = "".join(
            f"<tr><td>{esc(p.name)}</td><td>{esc(s('roles.' + sec.role_class(p.role)))}</td><td>{esc(p.organisation)}</td>"
            f"<td>{esc(p.function)}</td><td>{esc(yes_no[p.decision_maker])}</td></tr>" for p in mt.participants
        )
        heads = "".join(f"<th>{esc(s('facts.' + k))}</th>" for k in ("name", "role", "organisation", "function", "decision_maker"))
        people = f"<h3>{esc(s('facts.participants'))}</h3><table><thead><tr>{heads}</tr></thead><tbody>{rows}</tbody></table>"
    return sec.section("meeting", s("facts.title"), f'<dl class="facts">{dl}</dl>{people}')


def _badge(status: str, text: str) -> str:
    return f'<span class="badge b-{esc(status)}">{esc(text)}</span>'


def _lesson_card(lv: LessonView, s: Strings) -> str:
    ls = lv.lesson
    score = f"{ls.score:g}/100" if ls.score is not None else "–"
    parts = [f'<article class="lesson s-{esc(ls.status)}" id="lesson-{ls.id}"><header><span class="num">{ls.id}</span>'
             f"<h3>{esc(lv.title)}</h3>{_badge(ls.status, lv.status_text)}<span class=\"score\">{esc(score)}</span></header>"]
    if lv.formula:
        parts.append(f'<p class="formula">{esc(s("scorecard.formula"))} = {esc(lv.formula)}</p>')
    if lv.indicators:
        heads = "".join(f"<th{c}>{esc(s('scorecard.' + k))}</th>" for k, c in
                        (("indicator", ""), ("value", ' class="num"'), ("threshold", ""), ("status", ""), ("points", ' class="num"'), ("evidence", "")))
        rows = []
        for iv in lv.indicators:
            pts = f"{iv.points:g}" if iv.points is not None else ""
            rows.append(f'<tr><td>{esc(iv.label)}<span class="anchor">{esc(iv.anchor)}</span></td><td class="num">{esc(iv.value)}</td>'
                        f"<td>{esc(iv.threshold)}</td><td>{_badge(iv.status, iv.status_text)}</td><td class=\"num\">{pts}</td>"
                        f'<td class="ev">{evidence_links(iv.indicator.evidence, s)}</td></tr>')
        parts.append(f'<table class="ind"><colgroup><col class="c-ind"><col class="c-val"><col class="c-thr"><col class="c-st"><col class="c-pts"><col class="c-ev"></colgroup><thead><tr>{heads}</tr></thead>'
                     f"<tbody>{''.join(rows)}</tbody></table>")
    if lv.observed:
        parts.append(f"<p><b>{esc(s('scorecard.observed'))}:</b> " + " ".join(esc(o) for o in lv.observed) + "</p>")
    if lv.advice:
        parts.append(f'<div class="advice"><b>{esc(s("scorecard.advice"))}</b><ul>{"".join(f"<li>{esc(a)}</li>" for a in lv.advice)}</ul></div>')
    parts.append("</article>")
    return "".join(parts)


def _scorecard(views: tuple[LessonView, ...], s: Strings, report: MeetingReport) -> str:
    rubric = rubric_for(report)
    pts = dict(rubric.points)
    intro = s("scorecard.intro", good=f"{pts['good']:g}", fair=f"{pts['fair']:g}", needs_attention=f"{pts['needs_attention']:g}",
              good_from=f"{rubric.good_from:g}", fair_from=f"{rubric.fair_from:g}")
    rows = "".join(
        f'<tr><td>{lv.lesson.id}</td><td><a href="#lesson-{lv.lesson.id}">{esc(lv.title)}</a></td>'
        f"<td>{_badge(lv.lesson.status, lv.status_text)}</td>"
        f'<td class="num">{esc(f"{lv.lesson.score:g}" if lv.lesson.score is not None else "–")}</td></tr>' for lv in views
    )
    table = (f'<table class="summary"><thead><tr><th>#</th><th>{esc(s("scorecard.lesson"))}</th><th>{esc(s("scorecard.status"))}</th>'
             f'<th class="num">{esc(s("scorecard.score"))}</th></tr></thead><tbody>{rows}</tbody></table>')
    return sec.section("scorecard", s("scorecard.title"), f'<p class="sub">{esc(intro)}</p>{table}' + "".join(_lesson_card(lv, s) for lv in views))


def _provenance(report: MeetingReport, s: Strings) -> str:
    p = report.provenance
    items = [("version", p.dialoog_version), ("rubric", p.rubric), ("taggers", ", ".join(p.taggers)), ("asr", p.asr_model),
             ("diarizer", p.diarizer), ("generated", p.generated_at), ("schema", report.schema_version)]
    dl = "".join(f"<dt>{esc(s('provenance.' + k))}</dt><dd>{esc(v)}</dd>" for k, v in items if v)
    return f'<footer><h2>{esc(s("provenance.title"))}</h2><dl class="facts">{dl}</dl><p>{esc(s("generated_by"))}</p></footer>'


def render_html(report: MeetingReport, lang: str = "en") -> str:
    """The whole report as one HTML document (a string), UI in ``lang`` (``en`` or ``nl``)."""
    s = Strings(lang)
    mt = report.transcript.meeting
    views = lesson_views(report, lang)
    title = f"{s('report_title')}: {mt.id}"
    sub = " · ".join(x for x in (mt.company, mt.supplier, mt.date or "", mt.pilot) if x)
    toc_ids = [("meeting", "facts.title"), ("scorecard", "scorecard.title"), ("timeline", "timeline.title"), ("talk", "talk.title"),
               ("questions", "questions.title"), ("waits", "waits.title"), ("defensive", "defensive.title"), ("transcript", "transcript.title")]
    toc = '<nav class="toc"><ol>' + "".join(f'<li><a href="#{i}">{esc(s(k))}</a></li>' for i, k in toc_ids) + "</ol></nav>"
    body = "".join([
        f"<header><h1>{esc(title)}</h1><p class=\"sub\">{esc(sub)}</p>",
        f'<p class="confidential">{esc(s("confidential"))}</p>{toc}</header><main>',
        _facts(report, s), _scorecard(views, s, report), sec.timeline(report, s), sec.talk(report, s),
        sec.questions(report, s), sec.waits(report, s, rubric_for(report)), sec.defensive(report, s),
        sec.transcript(report, s), "</main>", _provenance(report, s),
    ])
    audio = report.transcript.audio
    return page(title, lang, body, media=bool(audio and sec.safe_media_name(audio.path)))
