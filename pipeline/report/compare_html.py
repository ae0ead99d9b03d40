"""The comparison of many meetings as one self-contained HTML page (styled like the meeting report)."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from pipeline.compare import LESSON_IDS, Comparison
from pipeline.lessons.rubric import Rubric, format_value, load_rubric
from pipeline.report.charts import esc
from pipeline.report.html import page
from pipeline.report.html_sections import section
from pipeline.report.strings import Strings

STATUSES = ("good", "fair", "needs_attention", "not_observable", "info")


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA


def _label(col: str, rubric: Rubric, lang: str) -> str:
    if col.endswith("_score") and col[1:-6].isdigit():
        lid = int(col[1:-6])
        return f"{lid} · {rubric.lesson(lid).text('title', lang)}"
    if "." in col:
        rule = rubric.indicator(col.split(".", 1)[1])
        return rule.text("label", lang) if rule else col
    return col


def _short(col: str, rubric: Rubric, s: Strings, lang: str) -> str:
    """A column header short enough for a wide table (lesson scores as "Lesson 7")."""
    if col.endswith("_score") and col[1:-6].isdigit():
        return f"{s('scorecard.lesson')} {col[1:-6]}"
    return _label(col, rubric, lang)


def _fmt(col: str, v: Any, rubric: Rubric, s: Strings) -> str:
    if _missing(v):
        return "–"
    if col.endswith("_score"):
        return f"{float(v):g}"
    rule = rubric.indicator(col.split(".", 1)[-1])
    if rule and rule.unit == "bool":
        return s("facts.yes") if v else s("facts.no")
    return format_value(v, rule.unit if rule else "count")


def _meetings_table(cmp: Comparison, s: Strings) -> str:
    keys = ("pilot", "company", "supplier", "date", "kind", "channel")
    heads = "".join(f"<th>{esc(s('facts.' + k))}</th>" for k in keys)
    rows = []
    for mid, r in cmp.meetings.iterrows():
        dur = r.get("duration_s")
        cells = "".join(f"<td>{esc('' if _missing(r.get(k)) else r.get(k))}</td>" for k in keys)
        rows.append(f'<tr><td>{esc(mid)}</td>{cells}<td class="num">{"" if _missing(dur) else f"{float(dur) / 60:.0f} min"}</td></tr>')
    return (f'<div class="wide"><table><thead><tr><th>{esc(s("compare.meetings"))}</th>{heads}<th class="num">{esc(s("facts.duration"))}</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def _status_matrix(cmp: Comparison, scores: pd.DataFrame, s: Strings, rubric: Rubric, lang: str) -> str:
    heads = "".join(f'<th title="{esc(rubric.lesson(i).text("title", lang))}">{i}</th>' for i in LESSON_IDS)
    rows = []
    for mid, row in cmp.status.iterrows():
        facts = cmp.meetings.loc[mid]
        cells = []
        for i in LESSON_IDS:
            st = row.get(f"L{i}", "")
            st = st if st in STATUSES else "not_observable"
            score = scores.loc[mid].get(f"L{i}_score") if f"L{i}_score" in scores else None
            cells.append(f'<td class="st c-{st}">{esc(s("status_short." + st))}'
                         f'{"" if _missing(score) else f"<small>{float(score):g}</small>"}</td>')
        supplier, date = esc(facts.get("supplier") or ""), esc(facts.get("date") or "")
        rows.append(f'<tr><td>{esc(mid)}</td><td>{supplier}</td><td class="nowrap">{date}</td>{"".join(cells)}</tr>')
    legend = " · ".join(f"{i}: {esc(rubric.lesson(i).text('title', lang))}" for i in LESSON_IDS)
    legend += f" · {esc(s('status_short.not_observable'))} = {esc(s('status.not_observable').lower())}"
    return (f'<div class="wide"><table><thead><tr><th>{esc(s("compare.meetings"))}</th><th>{esc(s("facts.supplier"))}</th>'
            f'<th>{esc(s("facts.date"))}</th>{heads}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'
            f'<p class="sub">{legend}</p>')


def _indicator_tables(cmp: Comparison, statuses: pd.DataFrame, s: Strings, rubric: Rubric, lang: str) -> str:
    out = []
    for lr in rubric.lessons:
        cols = [c for c in cmp.indicators.columns if c.startswith(f"L{lr.id}.")]
        if not cols:
            continue
        heads = "".join(f"<th>{esc(_label(c, rubric, lang))}</th>" for c in cols)
        rows = []
        for mid, row in cmp.indicators.iterrows():
            cells = []
            for c in cols:
                st = statuses.loc[mid].get(f"status:{c}") if f"status:{c}" in statuses else None
                cls = f' class="c-{st}"' if st in STATUSES else ""
                cells.append(f"<td{cls}>{esc(_fmt(c, row[c], rubric, s))}</td>")
            rows.append(f"<tr><td>{esc(mid)}</td>{''.join(cells)}</tr>")
        out.append(f'<h3>{lr.id} · {esc(lr.text("title", lang))}</h3><div class="wide"><table><thead><tr>'
                   f'<th>{esc(s("compare.meetings"))}</th>{heads}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>')
    return "".join(out)


def _strip(values: dict[str, list[float]], lo: float, hi: float, unit: str, width: int = 760) -> str:
    """One row of dots per group with a median tick."""
    left, row_h = 170, 24
    plot_w = width - left - 20
    height = row_h * len(values) + 24
    span = (hi - lo) or 1.0
    xs = lambda v: left + (v - lo) / span * plot_w  # noqa: E731
    parts = [f'<svg class="chart strip" viewBox="0 0 {width} {height}" role="img">']
    for k in range(5):
        v = lo + span * k / 4
        parts.append(f'<line class="tick" x1="{xs(v):.1f}" x2="{xs(v):.1f}" y1="0" y2="{height - 18}"/>'
                     f'<text class="ax" x="{xs(v):.1f}" y="{height - 5}" text-anchor="middle">{esc(format_value(v, unit))}</text>')
    for i, (group, vals) in enumerate(values.items()):
        y = 12 + i * row_h
        name = group if len(group) <= 26 else group[:25] + "…"
        parts.append(f'<text class="lbl" x="{left - 8}" y="{y + 4}" text-anchor="end">{esc(name)}</text>')
        for v in vals:
            parts.append(f'<circle class="dot" cx="{xs(v):.1f}" cy="{y}" r="4.5"/>')
        if vals:
            med = float(pd.Series(vals).median())
            parts.append(f'<line class="med" x1="{xs(med):.1f}" x2="{xs(med):.1f}" y1="{y - 8}" y2="{y + 8}"/>')
    parts.append("</svg>")
    return "".join(parts)


def _distributions(cmp: Comparison, frame: pd.DataFrame, s: Strings, rubric: Rubric, lang: str) -> str:
    out = []
    for measure, part in cmp.groups.groupby("measure", sort=False):
        if part["n"].sum() == 0:
            continue
        rule = rubric.indicator(measure.split(".", 1)[-1]) if "." in measure else None
        unit = rule.unit if rule else "count"
        vals = {str(g): pd.to_numeric(frame.loc[frame["_group"] == g, measure], errors="coerce").dropna().tolist()
                for g in part[cmp.by]}
        flat = [v for vs in vals.values() for v in vs]
        lo, hi = (0.0, 100.0) if measure.endswith("_score") else (0.0, 1.0) if unit == "percent" else (min(0.0, min(flat)), max(flat) or 1.0)
        rows = "".join(
            f"<tr><td>{esc(r[cmp.by])}</td><td class=\"num\">{int(r['n'])}</td>"
            + "".join(f'<td class="num">{esc(_fmt(measure, r[k], rubric, s))}</td>' for k in ("mean", "median", "min", "max"))
            + "</tr>" for _, r in part.iterrows())
        heads = "".join(f'<th class="num">{esc(s("compare." + k))}</th>' for k in ("count", "mean", "median", "min", "max"))
        out.append(f"<h3>{esc(_label(measure, rubric, lang))}</h3>{_strip(vals, lo, hi, unit if not measure.endswith('_score') else 'count')}"
                   f"<table><thead><tr><th>{esc(s('facts.' + cmp.by) if cmp.by != 'company' else s('facts.company'))}</th>{heads}</tr></thead><tbody>{rows}</tbody></table>")
    return "".join(out)


def _changes(cmp: Comparison, s: Strings, rubric: Rubric, lang: str) -> str:
    if cmp.changes.empty:
        return f"<p>{esc(s('compare.no_changes'))}</p>"
    cols = [c for c in cmp.changes.columns if c not in ("supplier", "date", "meeting_id") and not c.startswith("Δ ")
            and cmp.changes[c].notna().any()]
    heads = "".join(f'<th title="{esc(_label(c, rubric, lang))}">{esc(_short(c, rubric, s, lang))}</th>' for c in cols)
    out = []
    for supplier, part in cmp.changes.groupby("supplier", sort=True):
        rows = []
        for _, r in part.iterrows():
            cells = []
            for c in cols:
                d = r.get(f"Δ {c}")
                arrow = ""
                if not _missing(d) and d != 0:
                    rule = rubric.indicator(c.split(".", 1)[-1]) if "." in c else None
                    better = (d < 0) if (rule and rule.rule == "max") else (d > 0)
                    arrow = f' <span class="{"up" if better else "down"}">{"▲" if d > 0 else "▼"}</span>'
                cells.append(f"<td>{esc(_fmt(c, r[c], rubric, s))}{arrow}</td>")
            rows.append(f"<tr><td>{esc(r['date'] if not _missing(r['date']) else '')}</td><td>{esc(r['meeting_id'])}</td>{''.join(cells)}</tr>")
        out.append(f'<h3>{esc(supplier)}</h3><div class="wide"><table><thead><tr><th>{esc(s("facts.date"))}</th>'
                   f'<th>{esc(s("compare.meetings"))}</th>{heads}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>')
    return "".join(out)


def render_compare_html(cmp: Comparison, lang: str = "en", exported: list[str] | None = None) -> str:
    """The comparison page (a string), UI in ``lang``."""
    s = Strings(lang)
    rubric = load_rubric()
    base = cmp.meetings.reset_index().merge(cmp.scores, left_on="meeting_id", right_index=True, how="left")
    base = base.merge(cmp.indicators, left_on="meeting_id", right_index=True, how="left")
    frame = base.assign(_group=base[cmp.by].fillna("").replace("", "–"))
    title = s("compare.title")
    skipped = "<ul>" + "".join(f"<li>{esc(p)}</li>" for p in cmp.skipped) + "</ul>"
    body = "".join([
        f'<header><h1>{esc(title)}</h1><p class="sub">{len(cmp.meetings)} {esc(s("compare.meetings").lower())} · '
        f'{esc(s("compare.groups", by=cmp.by))}</p><p class="confidential">{esc(s("confidential"))}</p></header><main>',
        section("meetings", s("compare.meetings"), _meetings_table(cmp, s)),
        section("status", s("compare.status_matrix"), _status_matrix(cmp, cmp.scores, s, rubric, lang)),
        section("indicators", s("compare.indicators"), _indicator_tables(cmp, cmp.indicator_status, s, rubric, lang)),
        section("groups", s("compare.groups", by=cmp.by), _distributions(cmp, frame, s, rubric, lang)),
        section("changes", s("compare.changes"), _changes(cmp, s, rubric, lang)),
        section("skipped", s("compare.skipped"), skipped) if cmp.skipped else "",
        f'<p class="sub">{esc(s("compare.exports", files=", ".join(exported)))}</p>' if exported else "",
        "</main>",
    ])
    return page(title, lang, body)
