"""Read the rows ``dialoog tag`` works on (CSV or JSON Lines) and shape its output."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from pipeline.errors import InputError
from pipeline.types import UtteranceTags

REQUIRED = ("id", "text")
_HINT = "give a CSV with a header row or JSON Lines with one object per line, with 'id' and 'text' (optional 'lang', 'role', 'speaker')"


def read_rows(path: str | Path) -> list[dict[str, str]]:
    """Rows of a CSV or JSON Lines file, each with at least ``id`` and ``text``."""
    p = Path(path)
    if p.exists() and not p.is_file():
        # a folder, pipe or device: reading it would fail oddly or block forever
        raise InputError("not a regular file", path=p, hint="give a CSV or JSON Lines file")
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the input file ({exc.strerror or exc})", path=p,
                         hint="check the path and that you may read it") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"the input is not UTF-8 text (byte {exc.start})", path=p,
                         hint="save the file as UTF-8") from exc
    if not text.strip():
        return []
    is_json = p.suffix.lower() in (".jsonl", ".json", ".ndjson") or text.lstrip().startswith("{")
    rows = _read_jsonl(text, p) if is_json else _read_csv(text, p)
    for n, row in rows:
        for col in REQUIRED:
            if col not in row:
                where = f"line {n}: " if is_json else ""
                raise InputError(f"{where}missing column {col!r}", path=p, hint=_HINT)
    return [r for _, r in rows]


def _read_jsonl(text: str, p: Path) -> list[tuple[int, dict[str, str]]]:
    rows = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"line {n}: not valid JSON ({exc.msg}, column {exc.colno})", path=p,
                             hint="put one JSON object per line, e.g. {\"id\": \"u1\", \"text\": \"…\"}") from exc
        if not isinstance(obj, dict):
            raise InputError(f"line {n}: expected a JSON object, got {type(obj).__name__}", path=p, hint=_HINT)
        rows.append((n, {str(k): "" if v is None else str(v) for k, v in obj.items()}))
    return rows


def _read_csv(text: str, p: Path) -> list[tuple[int, dict[str, str]]]:
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        fields = [f.strip() for f in (reader.fieldnames or [])]
        missing = [c for c in REQUIRED if c not in fields]
        if missing:
            raise InputError(f"line 1: missing column {missing[0]!r} in the header {fields}", path=p, hint=_HINT)
        rows = []
        for row in reader:
            clean = {(k or "").strip(): (v or "") for k, v in row.items() if k is not None}
            rows.append((reader.line_num, clean))
        return rows
    except csv.Error as exc:
        raise InputError(f"line {reader.line_num}: bad CSV ({exc})", path=p, hint=_HINT) from exc


def row_output(row_id: str, lang: str, tags: UtteranceTags) -> dict[str, Any]:
    """One output object of ``dialoog tag``."""
    d = tags.defensive
    sources = [t.source for t in (tags.question, tags.defensive, tags.reflection, *tags.cues) if t is not None]
    return {
        "id": row_id,
        "lang": lang,
        "question": tags.question.label if tags.question else None,
        "question_confidence": tags.question.confidence if tags.question else None,
        "defensive": None if d is None else {
            "category": d.label, "confidence": d.confidence, "source": d.source, "span": d.span, "trigger": d.trigger},
        "reflection": tags.reflection.label if tags.reflection else None,
        "cues": [c.label for c in tags.cues],
        "sources": sorted(set(sources)),
    }
