"""The data sections of the HTML meeting report: talk, questions, waits, defensive moments, transcript.

Each function returns an HTML fragment.  Every value from the transcript, the
manifest or a file name passes through :func:`esc`; ids that end up in ``id`` or
``href`` attributes pass :func:`safe_id`; the audio file name passes
:func:`safe_media_name`.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from pipeline.lessons.rubric import Rubric
from pipeline.report.charts import bars_svg, esc, question_mix_svg, role_class, safe_id, timeline_svg, wait_svg
from pipeline.report.strings import Strings
from pipeline.report.view import hms
from pipeline.types import MeetingReport, Utterance

_MEDIA = re.compile(r"^[\w][\w .()+-]{0,200}\.(wav|mp3|m4a|mp4|webm|ogg|oga|opus|flac|aac)$", re.IGNORECASE)


def safe_media_name(path: str | None) -> str | None:
    """The bare file name of a local recording, URL-quoted for ``src``, or None if it is not a plain name.

    Only the last path part is kept (the player expects the file next to the
    report); names with a scheme (``javascript:``), odd characters or an
    unexpected extension give None.
    """
    if not path:
        return None
    name = re.split(r"[\\/]", path.strip())[-1]
    if not _MEDIA.match(name) or ":" in name or name.startswith("."):
        return None
    return quote(name)


def section(sid: str, title: str, body: str) -> str:
    return f'<section id="{sid}"><h2>{esc(title)}</h2>{body}</section>'


def legend(s: Strings, roles: list[str]) -> str:
    return '<div class="legend">' + "".join(
        f'<span class="lg-{role_class(r)}">{esc(s("roles." + role_class(r)))}</span>' for r in roles
    ) + "</div>"


def timeline(report: MeetingReport, s: Strings) -> str:
    t = report.transcript
    roles = list(dict.fromkeys(u.role for u in t.utterances))
    svg = timeline_svg(t, s)
    body = f'<p class="sub">{esc(s("timeline.desc"))}</p>{legend(s, roles)}{svg}' if svg else f'<p>{esc(s("transcript.empty"))}</p>'
    return section("timeline", s("timeline.title"), body)


def talk(report: MeetingReport, s: Strings) -> str:
    m = report.metrics
    by_speaker = [(sp.name, sp.talk_share, f"r-{role_class(sp.role)}",
                   f"{sp.talk_share * 100:.0f}% · {hms(sp.talk_time_s)} · {sp.turns} {s('talk.turns')}") for sp in m.speakers]
    by_role = [(s("roles." + role_class(r.role)), r.talk_share, f"r-{role_class(r.role)}",
                f"{r.talk_share * 100:.0f}% · {hms(r.talk_time_s)}") for r in m.roles]
    body = (f'<div class="cols"><div><h3>{esc(s("talk.by_speaker"))}</h3>{bars_svg(by_speaker, s("talk.by_speaker"), width=500)}</div>'
            f'<div><h3>{esc(s("talk.by_role"))}</h3>{bars_svg(by_role, s("talk.by_role"), width=500)}</div></div>')
    return section("talk", s("talk.title"), body)


def questions(report: MeetingReport, s: Strings) -> str:
    svg = question_mix_svg(report.metrics, s)
    body = f'<p class="sub">{esc(s("questions.desc"))}</p>{svg}' if svg else f'<p>{esc(s("questions.none"))}</p>'
    return section("questions", s("questions.title"), body)


def waits(report: MeetingReport, s: Strings, rubric: Rubric) -> str:
    t, m = report.transcript, report.metrics
    rule = rubric.indicator("wait_after_open_questions")
    thr = rule.good if rule is not None and rule.good is not None else 3.0
    buyer = {u.id: u for u in t.utterances if u.role in rubric.buyer_side}
    pts = [(buyer[w.after_id].end, w.wait_s, w.after_kind, w.after_id) for w in m.wait_times
           if w.after_id in buyer and w.after_kind in ("open", "closed")]
    thr_text = f"{thr:g} {s('waits.seconds')}"
    if not pts:
        return section("waits", s("waits.title"), f'<p>{esc(s("waits.none"))}</p>')
    open_w = [p[1] for p in pts if p[2] == "open"]
    kpis = [(s("waits.mean_all"), f"{sum(p[1] for p in pts) / len(pts):.1f} s")]
    if open_w:
        kpis.insert(0, (s("waits.mean_open"), f"{sum(open_w) / len(open_w):.1f} s"))
        ok = sum(1 for w in open_w if w >= thr)
        kpis.append((s("waits.share_ok", threshold=thr_text), f"{ok} / {len(open_w)}"))
    body = (f'<p class="sub">{esc(s("waits.desc", threshold=thr_text))}</p><div class="kpis">'
            + "".join(f"<div>{esc(k)}<b>{esc(v)}</b></div>" for k, v in kpis) + "</div>"
            + wait_svg(pts, t.duration_s, thr))
    return section("waits", s("waits.title"), body)


def _utt_cell(u: Utterance | None, s: Strings, extra: str = "") -> str:
    if u is None:
        return '<td class="muted">–</td>'
    uid = safe_id(u.id)
    link = f'<a href="#{uid}">{hms(u.start)}</a>' if uid else hms(u.start)
    return (f'<td><span class="who">{link} · {esc(u.speaker)} ({esc(s("roles." + role_class(u.role)))}){extra}</span>'
            f"{esc(u.text)}</td>")


def defensive(report: MeetingReport, s: Strings) -> str:
    t = report.transcript
    by_id = {u.id: u for u in t.utterances}
    rows = []
    for u in t.utterances:
        d = u.tags.defensive
        if d is None:
            continue
        kind = f' · <span class="badge b-needs_attention">{esc(s("defensive_kinds." + d.label))}</span>'
        rows.append(f"<tr>{_utt_cell(by_id.get(d.trigger or ''), s)}{_utt_cell(u, s, kind)}</tr>")
    if not rows:
        return section("defensive", s("defensive.title"), f'<p>{esc(s("defensive.none"))}</p>')
    body = (f'<table class="pair"><thead><tr><th>{esc(s("defensive.trigger"))}</th><th>{esc(s("defensive.response"))}</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')
    return section("defensive", s("defensive.title"), body)


def _chips(u: Utterance, s: Strings) -> str:
    tg = u.tags
    chips = []
    if tg.question is not None:
        chips.append(f'<li class="chip c-q">{esc(s("transcript.open_q" if tg.question.label == "open" else "transcript.closed_q"))}</li>')
    if tg.reflection is not None:
        chips.append(f'<li class="chip c-ref">{esc(s("transcript.reflection"))}</li>')
    if tg.defensive is not None:
        trig = safe_id(tg.defensive.trigger or "")
        after = f' ({esc(s("transcript.after"))} <a href="#{trig}">{trig}</a>)' if trig else ""
        chips.append(f'<li class="chip c-def">{esc(s("transcript.defensive_tag"))}: {esc(s("defensive_kinds." + tg.defensive.label))}{after}</li>')
    for c in tg.cues:
        chips.append(f'<li class="chip">{esc(s("cues." + c.label))}</li>')
    return f'<ul class="chips">{"".join(chips)}</ul>' if chips else ""


def transcript(report: MeetingReport, s: Strings) -> str:
    t = report.transcript
    if not t.utterances:
        return section("transcript", s("transcript.title"), f'<p>{esc(s("transcript.empty"))}</p>')
    media = safe_media_name(t.audio.path) if t.audio else None
    play = esc(s("transcript.play"))
    head = ['<div class="toolbar" role="toolbar">', f'<span>{esc(s("transcript.filter"))}:</span>']
    for key in ("all", "questions", "defensive", "reflections"):
        head.append(f'<button type="button" data-filter="{key}" aria-pressed="false">{esc(s("transcript." + key))}</button>')
    head.append(f'<span class="count" id="shown-count" aria-live="polite"></span></div>')
    if media:
        shown_name = re.split(r"[\\/]", t.audio.path)[-1]
        head.append(f'<audio id="player" controls preload="none" src="{esc(media)}"></audio>'
                    f'<p class="sub">{esc(s("transcript.audio_hint", name=shown_name))}</p>')
    rows = []
    for u in t.utterances:
        tg = u.tags
        cls = ["u", f"rb-{role_class(u.role)}"]
        if tg.question is not None:
            cls.append("is-q")
        if tg.defensive is not None:
            cls.append("is-def")
        if tg.reflection is not None:
            cls.append("is-ref")
        uid = safe_id(u.id)
        ts = f'<a class="ts" href="#{uid}">{hms(u.start)}</a>' if uid else f'<span class="ts">{hms(u.start)}</span>'
        id_attr = f' id="{uid}"' if uid else ""
        btn = f'<button type="button" class="play" data-t="{u.start:.2f}" title="{play}">▶</button>' if media else ""
        rows.append(
            f'<div class="{" ".join(cls)}"{id_attr}>{ts}'
            f'<div class="meta"><span class="sp">{esc(u.speaker)}</span><span class="role">{esc(s("roles." + role_class(u.role)))}</span>{btn}</div>'
            f'<p class="tx">{esc(u.text)}</p>{_chips(u, s)}</div>'
        )
    return section("transcript", s("transcript.title"), "".join(head) + '<div id="transcript">' + "".join(rows) + "</div>")
