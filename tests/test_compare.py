"""`dialoog compare`: reading report.json folders, the comparison tables and the exports."""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

import pandas as pd
import pytest

from flows.commands import compare as compare_cmd
from pipeline.compare import compare, load_results, write_comparison
from pipeline.errors import InputError
from tests.report_builders import make_meeting, make_report, make_transcript, utt


def report_dict(report) -> dict:
    """The report.json content (the lead's writer when present, else the same documented layout)."""
    try:
        from pipeline.report.json_report import report_to_dict
    except ImportError:
        t, m = report.transcript, report.metrics
        return {
            "schema_version": report.schema_version,
            "meeting": {k: getattr(t.meeting, k) for k in ("id", "pilot", "company", "supplier", "date", "language", "channel", "kind")}
            | {"duration_s": m.duration_s},
            "speakers": [s.to_dict() for s in m.speakers],
            "roles": {r.role: {"talk_time_s": r.talk_time_s, "talk_share": r.talk_share} for r in m.roles},
            "utterances": [], "metrics": {"mean_wait_after_open_question_s": m.mean_wait_after_open_question_s},
            "lessons": [{"id": ls.id, "title": ls.title, "status": ls.status, "score": ls.score,
                         "indicators": {i.name: i.value for i in ls.indicators},
                         "indicator_details": [i.to_dict() for i in ls.indicators],
                         "evidence": list(ls.evidence), "advice": list(ls.advice)} for ls in report.lessons],
            "provenance": report.provenance.to_dict(),
        }
    return report_to_dict(report)


def meeting_report(mid: str, supplier: str, date: str, buyer_s: float, company: str = "Company B", pilot: str = "India"):
    utts = [utt(1, "Sanne", "buyer", 0, buyer_s, "Let me explain.", question="open"),
            utt(2, "Ravi", "supplier", buyer_s + 2, buyer_s + 62, "We see.", defensive="denial", trigger="u0001")]
    meeting = make_meeting(id=mid, supplier=supplier, date=date, company=company, pilot=pilot)
    return make_report(make_transcript(utts, meeting))


def write(folder: Path, report) -> None:
    sub = folder / report.transcript.meeting.id
    sub.mkdir(parents=True)
    (sub / "report.json").write_text(json.dumps(report_dict(report)), encoding="utf-8")


@pytest.fixture()
def results(tmp_path) -> Path:
    root = tmp_path / "out"
    write(root, meeting_report("b-call2", "Supplier B", "2021-06-01", 40))
    write(root, meeting_report("b-call1", "Supplier B", "2021-05-12", 240))
    write(root, meeting_report("a-intro", "Supplier A", "2021-04-02", 60, company="=HYPERLINK(\"http://x\")", pilot="Other"))
    (root / "broken").mkdir()
    (root / "broken" / "report.json").write_text("{not json", encoding="utf-8")
    (root / "foreign").mkdir()
    (root / "foreign" / "report.json").write_text('{"hello": 1}', encoding="utf-8")
    return root


def test_load_results_skips_corrupt_files_with_a_warning(results, caplog):
    with caplog.at_level(logging.WARNING):
        frame = load_results(results)
    assert sorted(frame["meeting_id"]) == ["a-intro", "b-call1", "b-call2"]
    assert len(frame.attrs["skipped"]) == 2
    warned = " ".join(r.getMessage() for r in caplog.records)
    assert str(results / "broken" / "report.json") in warned and str(results / "foreign" / "report.json") in warned
    assert frame.loc[frame.meeting_id == "b-call1", "L7.buyer_side_talk_share"].item() == pytest.approx(0.8, abs=0.01)


def test_empty_or_missing_folder_is_a_clear_input_error(tmp_path):
    with pytest.raises(InputError, match="no meeting reports"):
        load_results(tmp_path)
    with pytest.raises(InputError, match="not found"):
        load_results(tmp_path / "nope")
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "report.json").write_text("[]", encoding="utf-8")
    with pytest.raises(InputError, match="could be read"):
        load_results(tmp_path)


def test_comparison_tables(results):
    cmp = compare(load_results(results), by="supplier")
    assert cmp.status.shape == (3, 8) and list(cmp.status.columns) == [f"L{i}" for i in range(1, 9)]
    assert cmp.status.loc["b-call1", "L7"] == "needs_attention"
    groups = cmp.groups.set_index(["supplier", "measure"])
    assert groups.loc[("Supplier B", "L7_score"), "n"] == 2
    # change over repeated meetings: only supplier B, ordered by date, with the difference to the previous meeting
    assert list(cmp.changes["meeting_id"]) == ["b-call1", "b-call2"]
    first, second = cmp.changes.iloc[0], cmp.changes.iloc[1]
    assert pd.isna(first["Δ L7_score"])
    assert second["Δ L7_score"] == pytest.approx(second["L7_score"] - first["L7_score"])
    assert second["Δ L7.buyer_side_talk_share"] < 0


def test_unknown_group_is_input_error(results):
    with pytest.raises(InputError, match="group by"):
        compare(load_results(results), by="colour")


def test_write_comparison_files_are_complete_and_formula_safe(results, tmp_path):
    paths = write_comparison(compare(load_results(results), by="pilot"), tmp_path / "cmp", lang="nl")
    assert {"html", "xlsx", "csv_meetings", "csv_status", "csv_groups", "csv_changes"} <= set(paths)
    meetings = pd.read_csv(paths["csv_meetings"])
    assert "'=HYPERLINK(\"http://x\")" in set(meetings["company"])
    xl = pd.read_excel(paths["xlsx"], sheet_name=None, engine="openpyxl")
    assert {"meetings", "status", "indicators", "groups", "changes"} <= set(xl)
    assert len(xl["status"]) == 3
    html = paths["html"].read_text(encoding="utf-8")
    assert "Gesprekken vergeleken" in html and "Content-Security-Policy" in html
    assert 'href="http://x"' not in html and "=HYPERLINK(&quot;http://x&quot;)" in html
    assert not list((tmp_path / "cmp").glob(".*.part"))


def test_cli_command_writes_into_results_compare(results, capsys):
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    compare_cmd.register(sub)
    args = parser.parse_args(["compare", str(results), "--by", "company"])
    assert args.func(args) == 0
    assert (results / "compare" / "compare.html").is_file()
    assert "compared 3 meetings" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        parser.parse_args(["compare", str(results), "--by", "colour"])


def test_same_meeting_id_in_two_folders_stays_apart(results):
    again = meeting_report("b-call1", "Supplier B", "2021-05-12", 100)
    sub = results / "b-call1-rerun"
    sub.mkdir()
    (sub / "report.json").write_text(json.dumps(report_dict(again)), encoding="utf-8")
    frame = load_results(results)
    assert {"b-call1 [b-call1]", "b-call1 [b-call1-rerun]"} <= set(frame["meeting_id"])
    cmp = compare(frame)
    assert cmp.status.index.is_unique
