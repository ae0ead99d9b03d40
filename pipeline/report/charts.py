"""Inline SVG charts of the meeting report: timeline, bars and the wait-time strip.

Every chart is plain SVG text with classes for colours (the stylesheet sets the
fills), so the report needs no scripts or images to show them, prints well and
passes a strict Content-Security-Policy.  Every text from the meeting is escaped;
attributes carry only numbers, fixed class names and validated utterance ids.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

from pipeline.report.strings import Strings
from pipeline.report.view import hms
from pipeline.types import ROLES, Metrics, Transcript

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")


def esc(text: object) -> str:
    return escape(str(text), quote=True)


def safe_id(uid: str) -> str | None:
    """An utterance id usable in ``id``/``href="#…"`` attributes, or None."""
    return uid if _ID.match(uid or "") else None


def role_class(role: str) -> str:
    return role if role in ROLES else "other"


def _ticks(duration: float) -> list[float]:
    for step in (60, 120, 300, 600, 900, 1800, 3600):
        if duration / step <= 12:
            return [i * step for i in range(int(duration // step) + 1)]
    return [0.0, duration]


def timeline_svg(t: Transcript, s: Strings, width: int = 1000) -> str:
    speakers = t.speakers
    if not speakers:
        return ""
    dur = max(t.duration_s, 1.0)
    left, lane, top = 170, 26, 8
    plot_w = width - left - 10
    height = top + lane * len(speakers) + 30
    sx = plot_w / dur
    row = {sp: i for i, sp in enumerate(speakers)}
    parts = [f'<svg class="chart timeline" viewBox="0 0 {width} {height}" role="img" aria-labelledby="tl-title">'
             f'<title id="tl-title">{esc(s("timeline.title"))}</title>']
    for sp, i in row.items():
        y = top + i * lane
        name = sp if len(sp) <= 24 else sp[:23] + "…"
        parts.append(f'<text class="lbl" x="{left - 6}" y="{y + 16}" text-anchor="end">{esc(name)}</text>'
                     f'<line class="lane" x1="{left}" x2="{left + plot_w}" y1="{y + lane - 2}" y2="{y + lane - 2}"/>')
    for tick in _ticks(dur):
        x = left + tick * sx
        parts.append(f'<line class="tick" x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{height - 24}"/>'
                     f'<text class="ax" x="{x:.1f}" y="{height - 8}" text-anchor="middle">{int(tick // 60)} {esc(s("timeline.minutes"))}</text>')
    marks = []
    for u in t.utterances:
        y = top + row[u.speaker] * lane
        x, w = left + u.start * sx, max(u.duration * sx, 0.8)
        uid = safe_id(u.id)
        rect = (f'<rect class="r-{role_class(u.role)}" x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="{lane - 10}">'
                f'<title>{hms(u.start)} {esc(u.speaker)}: {esc(u.text[:90])}</title></rect>')
        parts.append(f'<a href="#{uid}">{rect}</a>' if uid else rect)
        if u.tags.question is not None:
            cls = "q-open" if u.tags.question.label == "open" else "q-closed"
            marks.append(f'<circle class="{cls}" cx="{x:.1f}" cy="{y + 4}" r="3.2"/>')
        if u.tags.defensive is not None:
            marks.append(f'<path class="def" d="M{x:.1f} {y + lane - 8} l-4.5 7 h9 z"/>')
    parts.extend(marks)
    parts.append("</svg>")
    return "".join(parts)


def bars_svg(rows: Sequence[tuple[str, float, str, str]], title: str, width: int = 640) -> str:
    """Horizontal bars: (label, fraction 0–1, css class, value text) per row."""
    if not rows:
        return ""
    left, bar_h, gap = min(190, width // 3), 18, 8
    plot_w = width - left - 150
    height = len(rows) * (bar_h + gap) + 6
    parts = [f'<svg class="chart bars" viewBox="0 0 {width} {height}" role="img"><title>{esc(title)}</title>']
    for i, (label, frac, cls, text) in enumerate(rows):
        y = 4 + i * (bar_h + gap)
        w = max(0.0, min(1.0, frac)) * plot_w
        cut = left // 7
        name = label if len(label) <= cut else label[:cut - 1] + "…"
        parts.append(f'<text class="lbl" x="{left - 6}" y="{y + 13}" text-anchor="end">{esc(name)}</text>'
                     f'<rect class="track" x="{left}" y="{y}" width="{plot_w}" height="{bar_h}"/>'
                     f'<rect class="{esc(cls)}" x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}"/>'
                     f'<text class="val" x="{left + w + 5:.1f}" y="{y + 13}">{esc(text)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def question_mix_svg(m: Metrics, s: Strings, width: int = 640) -> str:
    rows = [sp for sp in m.speakers if sp.open_questions + sp.closed_questions > 0]
    if not rows:
        return ""
    most = max(sp.open_questions + sp.closed_questions for sp in rows)
    left, bar_h, gap = 190, 18, 8
    plot_w = width - left - 150
    height = len(rows) * (bar_h + gap) + 30
    parts = [f'<svg class="chart bars" viewBox="0 0 {width} {height}" role="img"><title>{esc(s("questions.title"))}</title>']
    for i, sp in enumerate(rows):
        y = 4 + i * (bar_h + gap)
        wo, wc = sp.open_questions / most * plot_w, sp.closed_questions / most * plot_w
        name = sp.name if len(sp.name) <= 28 else sp.name[:27] + "…"
        parts.append(f'<text class="lbl" x="{left - 6}" y="{y + 13}" text-anchor="end">{esc(name)}</text>'
                     f'<rect class="q-open-bar" x="{left}" y="{y}" width="{wo:.1f}" height="{bar_h}"/>'
                     f'<rect class="q-closed-bar" x="{left + wo:.1f}" y="{y}" width="{wc:.1f}" height="{bar_h}"/>'
                     f'<text class="val" x="{left + wo + wc + 5:.1f}" y="{y + 13}">{sp.open_questions} {esc(s("questions.open"))} · '
                     f'{sp.closed_questions} {esc(s("questions.closed"))}</text>')
    y = height - 10
    parts.append(f'<rect class="q-open-bar" x="{left}" y="{y - 9}" width="10" height="10"/><text class="ax" x="{left + 14}" y="{y}">{esc(s("questions.open"))}</text>'
                 f'<rect class="q-closed-bar" x="{left + 80}" y="{y - 9}" width="10" height="10"/><text class="ax" x="{left + 94}" y="{y}">{esc(s("questions.closed"))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def wait_svg(points: Sequence[tuple[float, float, str, str]], duration: float, threshold_s: float, width: int = 1000) -> str:
    """Dots of (time in meeting, wait seconds, question kind, utterance id); waits above 10 s are drawn at the top."""
    if not points:
        return ""
    left, top, plot_h = 50, 10, 140
    plot_w = width - left - 10
    cap = 10.0
    height = top + plot_h + 28
    dur = max(duration, 1.0)
    ys = lambda v: top + plot_h - min(v, cap) / cap * plot_h  # noqa: E731
    parts = [f'<svg class="chart waits" viewBox="0 0 {width} {height}" role="img">']
    for v in (0, 2, 4, 6, 8, 10):
        parts.append(f'<line class="tick" x1="{left}" x2="{left + plot_w}" y1="{ys(v):.1f}" y2="{ys(v):.1f}"/>'
                     f'<text class="ax" x="{left - 6}" y="{ys(v) + 4:.1f}" text-anchor="end">{v}{"+" if v == cap else ""} s</text>')
    parts.append(f'<line class="thr" x1="{left}" x2="{left + plot_w}" y1="{ys(threshold_s):.1f}" y2="{ys(threshold_s):.1f}"/>')
    for tick in _ticks(dur):
        x = left + tick / dur * plot_w
        parts.append(f'<text class="ax" x="{x:.1f}" y="{height - 6}" text-anchor="middle">{int(tick // 60)} min</text>')
    for at, wait, kind, uid in points:
        x, y = left + at / dur * plot_w, ys(wait)
        cls = "q-open" if kind == "open" else "q-closed"
        dot = f'<circle class="{cls}" cx="{x:.1f}" cy="{y:.1f}" r="4"><title>{hms(at)} · {wait:.1f} s</title></circle>'
        sid = safe_id(uid)
        parts.append(f'<a href="#{sid}">{dot}</a>' if sid else dot)
    parts.append("</svg>")
    return "".join(parts)
