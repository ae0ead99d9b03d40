"""Compare meetings: read the ``report.json`` files of an output folder into tables.

``load_results(path)`` is the seam: one row per meeting (facts, talk shares,
lesson status and score, indicator values) — today read from the report files,
later perhaps from the DuckDB store.  ``compare(frame, by)`` derives the tables
the evaluators read (indicators, lesson status matrix, distributions per group,
change over repeated meetings with one supplier); ``write_comparison`` writes
them as HTML, CSV and Excel, each file atomically.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.errors import InputError
from pipeline.fileio import atomic_path, ensure_dir, write_text_atomic

log = logging.getLogger(__name__)

GROUP_BY = ("pilot", "company", "supplier")
FACTS = ("meeting_id", "pilot", "company", "supplier", "date", "language", "channel", "kind", "duration_s")
#: Indicators shown in the distributions and the change table (they exist in the built-in rubric).
KEY_INDICATORS = ("buyer_side_talk_share", "open_question_share", "reflections_per_question",
                  "wait_after_open_questions", "longest_buyer_monologue", "defensive_responses", "accusatory_wording")
LESSON_IDS = tuple(range(1, 9))
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def status_col(lesson: int) -> str:
    return f"L{lesson}_status"


def score_col(lesson: int) -> str:
    return f"L{lesson}_score"


def indicator_col(lesson: int, name: str) -> str:
    return f"L{lesson}.{name}"


def _meeting_row(data: Any, path: Path) -> dict[str, Any]:
    """One meeting's row; raises ValueError when the file does not look like a report."""
    if not isinstance(data, dict) or not isinstance(data.get("meeting"), dict):
        raise ValueError("no 'meeting' object")
    meeting = data["meeting"]
    if not isinstance(meeting.get("id"), str) or not meeting["id"]:
        raise ValueError("meeting.id is missing")
    lessons = data.get("lessons", [])
    if not isinstance(lessons, list):
        raise ValueError("'lessons' is not a list")
    row: dict[str, Any] = {"meeting_id": meeting["id"], "folder": path.parent.name}
    for key in FACTS[1:]:
        value = meeting.get(key)
        row[key] = value if isinstance(value, (str, int, float)) or value is None else str(value)
    for role, rd in (data.get("roles") or {}).items():
        if isinstance(rd, dict) and isinstance(rd.get("talk_share"), (int, float)):
            row[f"talk_share.{role}"] = float(rd["talk_share"])
    metrics = data.get("metrics") or {}
    for key in ("mean_wait_after_open_question_s", "switches_per_min", "silence_share", "time_to_supplier_s"):
        if isinstance(metrics.get(key), (int, float)):
            row[key] = float(metrics[key])
    for ls in lessons:
        if not isinstance(ls, dict) or ls.get("id") not in LESSON_IDS:
            raise ValueError("a lesson without a valid id (1–8)")
        lid = ls["id"]
        row[status_col(lid)] = str(ls.get("status", ""))
        score = ls.get("score")
        row[score_col(lid)] = float(score) if isinstance(score, (int, float)) else None
        details = {d.get("name"): d for d in ls.get("indicator_details", []) if isinstance(d, dict)}
        for name, value in (ls.get("indicators") or {}).items():
            row[indicator_col(lid, name)] = value if isinstance(value, (int, float, str, bool)) or value is None else str(value)
            if name in details:
                row[f"status:{indicator_col(lid, name)}"] = details[name].get("status")
    return row


def _report_files(folder: Path) -> list[Path]:
    """The meetings' ``report.json`` files: those the results store lists first.

    When ``folder/dialoog.duckdb`` exists (written by ``dialoog analyze`` and
    ``dialoog batch``) it is the index of finished meetings; reports on disk that
    it does not list (``--no-store``, copied in by hand) are included with a
    warning.  Without a store, every ``*/report.json`` is read.
    """
    from pipeline.store import STORE_NAME, ResultsStore

    on_disk = sorted({*folder.glob("report.json"), *folder.glob("*/report.json")})
    store_path = folder / STORE_NAME
    if not store_path.is_file():
        return on_disk
    try:
        with ResultsStore(store_path, read_only=True) as store:
            dirs = [Path(d) for (d,) in store.query("SELECT report_dir FROM meetings WHERE report_dir IS NOT NULL")]
    except Exception as exc:  # noqa: BLE001 - a damaged or busy store must not hide the reports
        log.warning("could not read the results store %s (%s); reading the report files instead", store_path, exc)
        return on_disk
    listed = [d / "report.json" for d in dirs if (d / "report.json").is_file()]
    known = {p.resolve() for p in listed}
    extra = [p for p in on_disk if p.resolve() not in known]
    if extra:
        log.warning("%d report(s) in %s are not in its results store and are included as found: %s",
                    len(extra), folder, ", ".join(str(p.parent.name) for p in extra[:5]))
    return sorted({*listed, *extra})


def load_results(path: str | Path) -> pd.DataFrame:
    """One row per meeting from ``path/*/report.json`` (and ``path/report.json``).

    A corrupt or foreign ``report.json`` is skipped with a warning naming it (the
    skipped paths are in ``frame.attrs["skipped"]``).  No report at all raises
    :class:`InputError`.
    """
    folder = Path(path)
    if not folder.is_dir():
        raise InputError("results folder not found", path=folder, hint="pass the folder that dialoog analyze/batch wrote (--out)")
    files = _report_files(folder)
    if not files:
        raise InputError("no meeting reports (*/report.json) in this folder", path=folder,
                         hint="run `dialoog analyze` or `dialoog batch` with --out pointing here first")
    rows, skipped = [], []
    for f in files:
        try:
            rows.append(_meeting_row(json.loads(f.read_text(encoding="utf-8")), f))
        except (OSError, UnicodeDecodeError, ValueError, TypeError, AttributeError) as exc:
            log.warning("skipping %s: not a readable dialoog report (%s)", f, exc)
            skipped.append(str(f))
    if not rows:
        raise InputError(f"none of the {len(files)} report.json files could be read", path=folder,
                         hint="re-run dialoog analyze on these meetings; see the warnings for each file")
    frame = pd.DataFrame(rows)
    dup = frame["meeting_id"].duplicated(keep=False)
    if dup.any():
        log.warning("meeting ids %s occur in more than one folder; the folder name is added to tell them apart",
                    sorted(set(frame.loc[dup, "meeting_id"])))
        frame.loc[dup, "meeting_id"] = frame.loc[dup, "meeting_id"] + " [" + frame.loc[dup, "folder"] + "]"
    frame["date"] = frame["date"].astype("string") if "date" in frame else pd.NA
    frame = frame.sort_values(["supplier", "date", "meeting_id"], na_position="last", kind="stable").reset_index(drop=True)
    frame.attrs["skipped"] = skipped
    return frame


@dataclass(frozen=True)
class Comparison:
    by: str
    meetings: pd.DataFrame
    indicators: pd.DataFrame
    status: pd.DataFrame
    groups: pd.DataFrame
    changes: pd.DataFrame
    #: meetings × ``L{n}_score``
    scores: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: meetings × ``status:L{n}.<indicator>`` (the status each indicator had in its report)
    indicator_status: pd.DataFrame = field(default_factory=pd.DataFrame)
    skipped: tuple[str, ...] = ()


def _indicator_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c.startswith("L") and "." in c and not c.startswith("status:")]


def compare(frame: pd.DataFrame, by: str = "pilot") -> Comparison:
    """The comparison tables of a :func:`load_results` frame, groups by ``by``."""
    if by not in GROUP_BY:
        raise InputError(f"cannot group by {by!r}", hint=f"use one of {', '.join(GROUP_BY)}")
    frame = frame.copy()
    for col in FACTS:
        if col not in frame:
            frame[col] = None
    meetings = frame[[c for c in FACTS if c in frame]].set_index("meeting_id")
    indicators = frame.set_index("meeting_id")[_indicator_columns(frame)]
    status = frame.set_index("meeting_id")[[status_col(i) for i in LESSON_IDS if status_col(i) in frame]]
    status.columns = [c.split("_")[0] for c in status.columns]

    measures = [score_col(i) for i in LESSON_IDS if score_col(i) in frame]
    measures += [c for c in _indicator_columns(frame) if c.split(".", 1)[1] in KEY_INDICATORS]
    group_rows = []
    keyed = frame.assign(_group=frame[by].fillna("").replace("", "–"))
    for group, part in keyed.groupby("_group", sort=True):
        for m in measures:
            vals = pd.to_numeric(part[m], errors="coerce").dropna()
            group_rows.append({by: group, "measure": m, "n": int(vals.size),
                               "mean": vals.mean() if vals.size else None, "median": vals.median() if vals.size else None,
                               "min": vals.min() if vals.size else None, "max": vals.max() if vals.size else None})
    groups = pd.DataFrame(group_rows, columns=[by, "measure", "n", "mean", "median", "min", "max"])

    repeated = frame[frame["supplier"].fillna("").ne("") & frame.duplicated("supplier", keep=False)]
    change_cols = [score_col(i) for i in LESSON_IDS if score_col(i) in frame]
    change_cols += [c for c in _indicator_columns(frame) if c.split(".", 1)[1] in KEY_INDICATORS]
    parts = []
    for _, part in repeated.sort_values(["supplier", "date", "meeting_id"], na_position="last").groupby("supplier", sort=True):
        part = part[["supplier", "date", "meeting_id", *change_cols]].copy()
        for c in change_cols:
            part[f"Δ {c}"] = pd.to_numeric(part[c], errors="coerce").diff()
        parts.append(part)
    changes = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["supplier", "date", "meeting_id"])
    indexed = frame.set_index("meeting_id")
    scores = indexed[[score_col(i) for i in LESSON_IDS if score_col(i) in frame]]
    ind_status = indexed[[c for c in frame.columns if c.startswith("status:")]]
    return Comparison(by, meetings, indicators, status, groups, changes, scores, ind_status,
                      tuple(frame.attrs.get("skipped", ())))


def _cell_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Neutralise text that a spreadsheet would run as a formula (``=HYPERLINK(…)``)."""
    def fix(v: Any) -> Any:
        return "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v
    return frame.map(fix).rename(columns=lambda c: fix(str(c)), index=lambda i: fix(i) if isinstance(i, str) else i)


def write_comparison(cmp: Comparison, out_dir: str | Path, lang: str = "en") -> dict[str, Path]:
    """Write ``compare.html``, the CSV tables and ``compare.xlsx`` into ``out_dir`` (each atomically)."""
    from pipeline.report.compare_html import render_compare_html

    out = ensure_dir(out_dir)
    tables = {"meetings": cmp.meetings.join(cmp.status).join(cmp.scores).join(cmp.indicators), "status": cmp.status,
              "indicators": cmp.indicators, "groups": cmp.groups, "changes": cmp.changes}
    paths: dict[str, Path] = {}
    for name, table in tables.items():
        index = name not in ("groups", "changes")
        paths[f"csv_{name}"] = write_text_atomic(out / f"compare_{name}.csv", _cell_safe(table).to_csv(index=index))
    xlsx = out / "compare.xlsx"
    with atomic_path(xlsx) as tmp:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            for name, table in tables.items():
                _cell_safe(table).to_excel(writer, sheet_name=name, index=name not in ("groups", "changes"))
    paths["xlsx"] = xlsx
    paths["html"] = write_text_atomic(out / "compare.html", render_compare_html(cmp, lang, [p.name for p in paths.values()]))
    return paths
