"""`dialoog analyze` end to end on the sample meetings, and its link to the store and compare."""

import json
import shutil
from pathlib import Path

import pytest

from flows.cli import main
from pipeline.store import ResultsStore

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "sample"


def test_analyze_sample_writes_reports_and_store(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["analyze", str(SAMPLES / "companyB-call1"), "--out", str(out)]) == 0
    folder = out / "companyB-call1"
    data = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert data["meeting"]["id"] == "companyB-call1" and data["meeting"]["late_start_min"] == 45
    roles = {s["name"]: s["role"] for s in data["speakers"]}
    assert set(roles.values()) == {"buyer", "supplier"}
    assert abs(sum(s["talk_share"] for s in data["speakers"]) - 1) < 1e-3
    assert [ls["id"] for ls in data["lessons"]] == list(range(1, 9))
    # the defensive replies are found and linked to what preceded them
    defensive = [u for u in data["utterances"] if u["tags"]["defensive"]]
    assert defensive and all(u["role"] == "supplier" for u in defensive)
    ids = {u["id"] for u in data["utterances"]}
    assert all(u["tags"]["defensive"]["trigger"] in ids for u in defensive)
    assert "<html" in (folder / "report.html").read_text(encoding="utf-8").lower()
    assert (folder / "report.md").stat().st_size > 0
    with ResultsStore(out, read_only=True) as store:
        assert store.meeting_ids() == ["companyB-call1"]
        assert store.count("utterances") == len(data["utterances"])
    printed = capsys.readouterr().out
    assert "supplier" in printed and str(folder / "report.html") in printed

    # analysing again replaces the meeting in the store instead of adding it twice
    assert main(["analyze", str(SAMPLES / "companyB-call1"), "--out", str(out)]) == 0
    with ResultsStore(out, read_only=True) as store:
        assert store.meeting_ids() == ["companyB-call1"]
        assert store.count("utterances") == len(data["utterances"])


def test_role_option_and_meeting_id_override_for_a_bare_transcript(tmp_path):
    vtt = tmp_path / "call.vtt"
    shutil.copy(SAMPLES / "companyA-intro" / "transcript.vtt", vtt)
    out = tmp_path / "out"
    rc = main(["analyze", str(vtt), "--out", str(out), "--meeting-id", "my-call", "--no-store",
               "--role", "Eva Mulder=buyer", "--role", "Vikram Shah=supplier"])
    assert rc == 0
    data = json.loads((out / "my-call" / "report.json").read_text(encoding="utf-8"))
    roles = {s["name"]: s["role"] for s in data["speakers"]}
    assert roles["Eva Mulder"] == "buyer" and roles["Vikram Shah"] == "supplier"
    assert "unknown" in roles.values()  # the CSO got no role: unknown, not a crash
    assert not (out / "dialoog.duckdb").exists()


def test_compare_lists_meetings_from_the_store_and_warns_about_strays(tmp_path, caplog):
    from pipeline.compare import load_results

    out = tmp_path / "out"
    for name in ("companyB-call1", "companyB-call2"):
        assert main(["analyze", str(SAMPLES / name), "--out", str(out)]) == 0
    stray = out / "copied-in"
    stray.mkdir()
    shutil.copy(out / "companyB-call2" / "report.json", stray / "report.json")
    frame = load_results(out)
    assert len(frame) == 3
    assert "not in its results store" in caplog.text and "copied-in" in caplog.text


@pytest.mark.parametrize("argv,needle", [
    (["analyze", "/no/such/meeting.vtt"], "no such file"),
    (["analyze", str(SAMPLES / "companyB-call1"), "--role", "Sanne de Vries=boss"], "role"),
])
def test_bad_input_exits_2_with_one_line(argv, needle, tmp_path, capsys):
    assert main([*argv, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert needle in err.lower() and len(err.splitlines()) == 1


def _lesson(data, lesson_id):
    return next(ls for ls in data["lessons"] if ls["id"] == lesson_id)


def _indicator(lesson, name):
    return next(i for i in lesson["indicator_details"] if i["name"] == name)


def test_sample_reports_show_what_their_notes_promise(tmp_path):
    """Company A: the supplier's production concern takes over; company B's first call:
    the defensive replies and what preceded them are in lesson 8's evidence."""
    out = tmp_path / "out"
    for name in ("companyA-intro", "companyB-call1"):
        assert main(["analyze", str(SAMPLES / name), "--out", str(out), "--no-store"]) == 0
    a = json.loads((out / "companyA-intro" / "report.json").read_text(encoding="utf-8"))
    concern = _indicator(_lesson(a, 6), "supplier_concern_share")
    assert concern["status"] == "needs_attention" and len(concern["evidence"]) >= 3
    assert all(next(u for u in a["utterances"] if u["id"] == e)["role"] == "supplier" for e in concern["evidence"])

    b = json.loads((out / "companyB-call1" / "report.json").read_text(encoding="utf-8"))
    lesson8 = _lesson(b, 8)
    assert lesson8["status"] == "needs_attention"
    defensive = {u["id"]: u["tags"]["defensive"]["trigger"] for u in b["utterances"] if u["tags"]["defensive"]}
    assert len(defensive) >= 3
    assert set(defensive) <= set(lesson8["evidence"]) and set(defensive.values()) <= set(lesson8["evidence"])
    html = (out / "companyB-call1" / "report.html").read_text(encoding="utf-8")
    assert 'id="defensive"' in html
