"""Format checks for every held-out evaluation set under data/eval/ (the first set, v3/, v4/, and any later one).

The checks are about the files, never about tagger scores: each CSV parses strictly with the csv
module, has the exact header, unique ids with one prefix per file, allowed labels (empty label when
the row is negative), no duplicate texts (also after normalising case, spaces and punctuation), a
sensible class balance, and the counts in the folder's README table match the file.
Assertion messages name row ids only, never texts, so a failure does not leak held-out content.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from pipeline.types import DEFENSIVE_CATEGORIES

ROOT = Path(__file__).resolve().parents[1]
EVAL_DIR = ROOT / "data" / "eval"
QUESTION_FILES = sorted(EVAL_DIR.rglob("questions_*.csv"))
DEFENSIVE_FILES = sorted(EVAL_DIR.rglob("defensive_*.csv"))
QUESTION_HEADER = ["id", "text", "is_question", "question"]
DEFENSIVE_HEADER = ["id", "text", "defensive", "category"]
_ID = re.compile(r"^([a-z0-9_]+)[-_](\d+)$")
_README_ROW = re.compile(r"^\|\s*`([^`]+\.csv)`\s*\|\s*(\d+)\s*\|\s*(\d+)")


def _rel(path: Path) -> str:
    try:
        return path.relative_to(EVAL_DIR).as_posix()
    except ValueError:
        return path.name


def _read_rows(path: Path, header: list[str]) -> list[dict[str, str]]:
    """Parse strictly; every record must have exactly the header's fields."""
    with path.open(encoding="utf-8", newline="") as f:
        records = list(csv.reader(f, strict=True))
    assert records, f"{_rel(path)} is empty"
    assert records[0] == header, f"{_rel(path)}: header {records[0]}"
    bad = [n for n, rec in enumerate(records[1:], start=2) if len(rec) != len(header)]
    assert not bad, f"{_rel(path)}: wrong number of fields on lines {bad[:10]}"
    return [dict(zip(header, rec)) for rec in records[1:]]


def _normalised(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _check_ids_and_texts(path: Path, rows: list[dict[str, str]]) -> None:
    ids = [r["id"] for r in rows]
    assert len(set(ids)) == len(ids), f"{_rel(path)}: duplicate ids"
    malformed = [i for i in ids if not _ID.match(i)]
    assert not malformed, f"{_rel(path)}: malformed ids {malformed[:10]}"
    prefixes = {_ID.match(i).group(1) for i in ids}
    assert len(prefixes) == 1, f"{_rel(path)}: several id prefixes {sorted(prefixes)}"
    empty = [r["id"] for r in rows if not r["text"].strip() or r["text"] != r["text"].strip()]
    assert not empty, f"{_rel(path)}: empty text or stray whitespace in {empty[:10]}"
    seen: dict[str, str] = {}
    dupes = []
    for r in rows:
        key = _normalised(r["text"])
        if key in seen:
            dupes.append((seen[key], r["id"]))
        seen.setdefault(key, r["id"])
    assert not dupes, f"{_rel(path)}: duplicate texts (ids) {dupes[:10]}"


def _readme_counts(folder: Path) -> dict[str, tuple[int, int]]:
    readme = folder / "README.md"
    if not readme.exists():
        return {}
    out = {}
    for line in readme.read_text(encoding="utf-8").splitlines():
        m = _README_ROW.match(line.strip())
        if m:
            out[m.group(1)] = (int(m.group(2)), int(m.group(3)))
    return out


def test_eval_sets_are_found():
    names = {_rel(p) for p in QUESTION_FILES + DEFENSIVE_FILES}
    for folder in ("", "v3/", "v4/", "v5/"):
        for kind in ("questions", "defensive"):
            for lang in ("en", "nl"):
                assert f"{folder}{kind}_{lang}.csv" in names


def _read_checked(path, header):
    """The rows of an eval set, after the checks every set shares (size, ids, texts)."""
    rows = _read_rows(path, header)
    assert len(rows) >= 100, f"{_rel(path)}: only {len(rows)} rows"
    _check_ids_and_texts(path, rows)
    return rows


@pytest.mark.parametrize("path", QUESTION_FILES, ids=_rel)
def test_question_eval_set_is_well_formed(path):
    rows = _read_checked(path, QUESTION_HEADER)
    wrong = [r["id"] for r in rows
             if (r["is_question"], r["question"]) not in {("1", "open"), ("1", "closed"), ("0", "")}]
    assert not wrong, f"{_rel(path)}: label not allowed (or label on a non-question) in {wrong[:10]}"
    kinds = [r["question"] for r in rows if r["is_question"] == "1"]
    assert 0.5 <= len(kinds) / len(rows) <= 0.7
    assert abs(kinds.count("open") - kinds.count("closed")) <= 0.2 * len(kinds)


@pytest.mark.parametrize("path", DEFENSIVE_FILES, ids=_rel)
def test_defensive_eval_set_is_well_formed(path):
    rows = _read_checked(path, DEFENSIVE_HEADER)
    wrong = [r["id"] for r in rows
             if not ((r["defensive"] == "1" and r["category"] in DEFENSIVE_CATEGORIES)
                     or (r["defensive"] == "0" and r["category"] == ""))]
    assert not wrong, f"{_rel(path)}: label not allowed (or category on a non-defensive row) in {wrong[:10]}"
    positives = [r["category"] for r in rows if r["defensive"] == "1"]
    assert 0.3 <= len(positives) / len(rows) <= 0.5
    assert set(positives) == set(DEFENSIVE_CATEGORIES)


@pytest.mark.parametrize("path", QUESTION_FILES + DEFENSIVE_FILES, ids=_rel)
def test_readme_table_matches_file(path):
    counts = _readme_counts(path.parent)
    assert path.name in counts, f"{_rel(path)} is missing from the README table next to it"
    header = QUESTION_HEADER if path.name.startswith("questions_") else DEFENSIVE_HEADER
    rows = _read_rows(path, header)
    positives = sum(r[header[2]] == "1" for r in rows)
    assert counts[path.name] == (len(rows), positives)


def test_checks_reject_a_broken_file(tmp_path):
    """The helpers really fail on the faults they are meant to catch."""
    bad = tmp_path / "questions_xx.csv"
    bad.write_text('id,text,is_question,question\nq-001,"unclosed,1,open\n', encoding="utf-8")
    with pytest.raises((csv.Error, AssertionError)):
        _read_rows(bad, QUESTION_HEADER)
    extra = tmp_path / "defensive_xx.csv"
    extra.write_text("id,text,defensive,category\nd-001,Fine.,0,,extra\n", encoding="utf-8")
    with pytest.raises(AssertionError):
        _read_rows(extra, DEFENSIVE_HEADER)
    rows = [{"id": "q-001", "text": "Okay."}, {"id": "q-002", "text": "okay"}]
    with pytest.raises(AssertionError):
        _check_ids_and_texts(bad, rows)
    rows = [{"id": "q-001", "text": "Okay."}, {"id": "x-002", "text": "Right."}]
    with pytest.raises(AssertionError):
        _check_ids_and_texts(bad, rows)
