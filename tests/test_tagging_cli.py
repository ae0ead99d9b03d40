"""`dialoog tag` end to end through flows.cli.main."""

from __future__ import annotations

import importlib
import json

import pytest

import flows.cli as cli
from pipeline.errors import EXIT_BAD_INPUT


@pytest.fixture(autouse=True)
def _only_importable_commands(monkeypatch):
    # the other subcommands are built on other branches; keep the CLI importable without them
    ok = []
    for name in cli.COMMANDS:
        try:
            importlib.import_module(f"flows.commands.{name}")
            ok.append(name)
        except ImportError:
            pass
    monkeypatch.setattr(cli, "COMMANDS", tuple(ok))


def _read(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_csv_round_trip(tmp_path):
    src = tmp_path / "rows.csv"
    src.write_text("id,text,role\n"
                   "a1,Could you tell me more about the committee?,buyer\n"
                   "a2,\"We do not recognise these complaints, honestly.\",supplier\n"
                   "a3,Hoeveel werknemers heeft de fabriek?,buyer\n", encoding="utf-8")
    out = tmp_path / "out" / "tags.jsonl"
    assert cli.main(["tag", "--input", str(src), "--output", str(out)]) == 0
    rows = _read(out)
    assert [r["id"] for r in rows] == ["a1", "a2", "a3"]
    assert rows[0]["question"] == "open" and rows[0]["defensive"] is None
    assert rows[1]["defensive"]["category"] == "denial" and rows[1]["defensive"]["trigger"] == "a1"
    assert rows[1]["defensive"]["source"] == "rules.defensive.en@7"
    assert rows[2]["lang"] == "nl" and rows[2]["question"] == "closed"
    for r in rows:
        assert set(r) >= {"id", "question", "defensive", "reflection", "cues", "sources"}
    assert "rules.cues.en@2" in rows[1]["sources"] and "complaint" in rows[1]["cues"]
    assert (out.stat().st_mode & 0o777) == 0o600


def test_jsonl_round_trip_with_lang(tmp_path):
    src = tmp_path / "rows.jsonl"
    src.write_text(json.dumps({"id": 1, "text": "Daar kan ik niets over zeggen.", "lang": "nl", "role": "supplier"})
                   + "\n\n" + json.dumps({"id": 2, "text": "Tell me how the planning works."}) + "\n",
                   encoding="utf-8")
    out = tmp_path / "tags.jsonl"
    assert cli.main(["tag", "--input", str(src), "--output", str(out), "--lang", "en"]) == 0
    rows = _read(out)
    assert rows[0]["id"] == "1" and rows[0]["defensive"]["category"] == "stonewalling"
    assert rows[1]["lang"] == "en" and rows[1]["question"] == "open"


def test_empty_input_gives_empty_output(tmp_path):
    src = tmp_path / "empty.csv"
    src.write_text("id,text\n", encoding="utf-8")
    out = tmp_path / "tags.jsonl"
    assert cli.main(["tag", "--input", str(src), "--output", str(out)]) == 0
    assert out.read_text() == ""


@pytest.mark.parametrize("name,content,needle", [
    ("bad.jsonl", '{"id": 1, "text": "ok"}\n{"id": 2, "text": oops}\n', "line 2"),
    ("nocol.csv", "id,words\n1,hello\n", "'text'"),
    ("nocol.jsonl", '{"id": 1}\n', "line 1"),
    ("list.jsonl", "[1, 2]\n", "line 1"),
])
def test_bad_input_is_reported_with_line_and_fix(tmp_path, capsys, name, content, needle):
    src = tmp_path / name
    src.write_text(content, encoding="utf-8")
    out = tmp_path / "tags.jsonl"
    assert cli.main(["tag", "--input", str(src), "--output", str(out)]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert needle in err and "—" in err  # what is wrong — how to fix it
    assert not out.exists()


def test_unreadable_input(tmp_path, capsys):
    assert cli.main(["tag", "--input", str(tmp_path / "missing.csv"), "--output", str(tmp_path / "o.jsonl")]) \
        == EXIT_BAD_INPUT
    assert "cannot read" in capsys.readouterr().err
