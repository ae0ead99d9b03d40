"""End to end through ``dialoog analyze``: pseudonymised outputs, permissions, quiet logs.

Uses the sample meetings in ``data/sample`` (part of the repo).  Skips until
ingest, taggers, lessons and the report renderers are on the branch.
"""

from __future__ import annotations

import json
import logging
import os
import re
import stat
from pathlib import Path

import pytest
import yaml

from pipeline.pseudonymise import common_words, first_names

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data" / "sample"


def _run(argv: list[str]) -> int:
    from flows.cli import main

    return main(argv)


def _participant_names(folder: Path) -> set[str]:
    """Every name part of every participant (and alias) in the folder's manifest."""
    data = yaml.safe_load((folder / "meeting.yaml").read_text(encoding="utf-8"))
    out: set[str] = set()
    for p in data.get("participants", []):
        for spelling in [p["name"], *p.get("aliases", [])]:
            out.add(spelling)
            out.update(t for t in re.findall(r"[^\W\d_]+", spelling) if len(t) >= 3 and t.lower() not in {"van", "den", "der"})
    return out


def _leaks(text: str, names: set[str]) -> list[str]:
    """Names found in ``text``: capitalised anywhere as a word; lower case too unless the name is a common word."""
    found = []
    for name in sorted(names):
        if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text):
            found.append(name)
        elif name.lower() not in common_words() and re.search(rf"(?<![^\W_]){re.escape(name.lower())}(?![^\W_])", text):
            found.append(name.lower())
    return found


def _store_leaks(db: Path, names: set[str], min_utterances: int = 1) -> list[str]:
    """Names found in any table of a results store (every row, every column)."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()]
        assert {"meetings", "utterances", "speakers"} <= set(tables)
        assert con.execute("SELECT count(*) FROM utterances").fetchone()[0] >= min_utterances
        found = []
        for table in tables:
            rows = con.execute(f'SELECT * FROM "{table}"').fetchall()
            text = "\n".join(" | ".join(str(v) for v in row) for row in rows)
            found += [f"{table}: {n}" for n in _leaks(text, names)]
        return found
    finally:
        con.close()


def _mentioned_names(folder: Path) -> set[str]:
    """Capitalised words of the transcript that are in the shipped first-name list (people mentioned)."""
    text = (folder / "transcript.vtt").read_text(encoding="utf-8")
    words = set(re.findall(r"(?<!<v )\b[A-Z][a-z]+\b", text))
    return {w for w in words if w.lower() in first_names() and w.lower() not in common_words()}


@pytest.mark.parametrize("sample", ["companyB-call1", "companyA-intro", "nl-leverancier-gesprek"])
def test_pseudonymised_report_has_no_participant_names(sample, tmp_path):
    folder = SAMPLES / sample
    if not folder.is_dir():
        pytest.skip(f"sample {sample} missing")
    out = tmp_path / "out"
    mapfile = tmp_path / "private" / "map.json"
    assert _run(["analyze", str(folder), "--out", str(out), "--pseudonymise", "--pseudonym-map", str(mapfile)]) == 0
    names = _participant_names(folder) | _mentioned_names(folder)
    reports = list(out.rglob("report.*"))
    assert {p.suffix for p in reports} >= {".html", ".json", ".md"}
    for path in out.rglob("*"):
        if path.is_file():
            assert not _leaks(path.name, names)
            if ".duckdb" in path.name:
                continue  # the store is queried below
            text = path.read_text(encoding="utf-8", errors="replace")
            assert not _leaks(text, names), f"{path.name} leaks {_leaks(text, names)}"
    if (out / "dialoog.duckdb").is_file():
        assert not _store_leaks(out / "dialoog.duckdb", names)
    data = json.loads(next(p for p in reports if p.suffix == ".json").read_text())
    speakers = {u["speaker"] for u in data["utterances"]} if "utterances" in data else set()
    assert speakers and all(re.fullmatch(r"(Buyer|Supplier|CSO|Union|Other|Speaker) \d+", s) for s in speakers)
    # the mapping exists only where asked for, owner-only, and holds the real names
    mapping = json.loads(mapfile.read_text())
    assert stat.S_IMODE(mapfile.stat().st_mode) == 0o600
    assert set(mapping.values()) >= speakers


def test_outputs_are_owner_only(tmp_path):
    out = tmp_path / "out"
    old = os.umask(0o022)
    try:
        assert _run(["analyze", str(SAMPLES / "companyB-call1"), "--out", str(out)]) == 0
    finally:
        os.umask(old)
    for path in [out, *out.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        want = 0o700 if path.is_dir() else 0o600
        assert mode == want, f"{path.relative_to(tmp_path)} has mode {oct(mode)}"


def _windows(text: str, n: int = 6) -> set[str]:
    words = text.split()
    return {" ".join(words[i:i + n]) for i in range(0, max(0, len(words) - n + 1))}


def test_logs_hold_no_transcript_text_at_info(tmp_path, caplog):
    from pipeline.ingest import read_transcript

    folder = SAMPLES / "companyB-call1"
    transcript = read_transcript(folder / "transcript.vtt")
    snippets = set().union(*(_windows(u.text) for u in transcript.utterances))
    assert snippets
    caplog.set_level(logging.INFO)
    assert _run(["-v", "analyze", str(folder), "--out", str(tmp_path / "out")]) == 0
    assert caplog.records, "expected some INFO logging from a full run"
    leaked = [(r.name, r.getMessage()[:120]) for r in caplog.records
              if r.levelno >= logging.INFO and any(s in r.getMessage() for s in snippets)]
    assert not leaked, f"transcript text in the log: {leaked[:3]}"


def test_pseudonymised_batch_store_has_no_names(tmp_path, prefect_api):
    """``dialoog batch --pseudonymise``: no participant name in any table of the store, nor in the reports."""
    import shutil

    duckdb = pytest.importorskip("duckdb")
    samples = ["companyB-call1", "companyB-call2", "nl-leverancier-gesprek"]
    root = tmp_path / "archive"
    for s in samples:
        shutil.copytree(SAMPLES / s, root / s)
    out = tmp_path / "out"
    status = _run(["-q", "batch", str(root), "--out", str(out), "--pseudonymise"])
    assert status == 0
    names: set[str] = set()
    for s in samples:
        names |= _participant_names(SAMPLES / s) | _mentioned_names(SAMPLES / s)
    assert duckdb is not None
    assert not _store_leaks(out / "dialoog.duckdb", names, min_utterances=50)
    for path in out.rglob("report.*"):
        assert not _leaks(path.read_text(encoding="utf-8"), names), path
    assert stat.S_IMODE((out / "dialoog.duckdb").stat().st_mode) == 0o600
