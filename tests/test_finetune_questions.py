"""scripts/finetune_questions.py: a tiny random encoder learns open vs closed and the backend uses it."""

from __future__ import annotations

import csv
import json

import pytest

pytest.importorskip("transformers")
pytest.importorskip("torch")

from pipeline.options import TagOptions  # noqa: E402
from pipeline.tagging import tag_text  # noqa: E402
from pipeline.tagging.tagger import TagInput, tag_items  # noqa: E402
from scripts.finetune_questions import main  # noqa: E402

OPEN = ["could you tell me more about the committee?", "tell me more about the workers?",
        "could you tell me about the committee?", "tell me about your main channel?"]
CLOSED = ["how many workers?", "who told you this?", "how many workers so?", "is this your main channel?"]


def _toy(path):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "text", "is_question", "question"])
        for i, t in enumerate(OPEN * 3):
            w.writerow([f"o{i}", t, 1, "open"])
        for i, t in enumerate(CLOSED * 3):
            w.writerow([f"c{i}", t, 1, "closed"])
        w.writerow(["s1", "thank you.", 0, ""])
    return path


def test_finetuning_learns_the_rows_and_the_backend_uses_the_model(tmp_path):
    from models.testing_tiny import tiny_nli

    base = tiny_nli(tmp_path / "base")  # an NLI head: replaced by closed / open
    out = tmp_path / "questions-model"
    rc = main(["--base", base, "--out", str(out), "--annomi", "", "--sets", str(_toy(tmp_path / "toy.csv")),
               "--epochs", "40", "--lr", "3e-3", "--batch", "8"])
    assert rc == 0
    scores = json.loads((out / "finetune_scores.json").read_text())
    assert scores["train_questions"] == 24 and scores["train_accuracy"] >= 0.9
    cfg = json.loads((out / "config.json").read_text())
    assert sorted(cfg["id2label"].values()) == ["closed", "open"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".questions-model.")]  # no temp folder left
    opts = TagOptions(backend="transformers", transformers_model=str(out))
    tags = tag_items([TagInput(OPEN[0], "en", "buyer"), TagInput(CLOSED[0], "en", "buyer")], opts)
    assert [t.question.label for t in tags] == ["open", "closed"]
    assert all(t.question.source.startswith("transformers-questions:questions-model") for t in tags)
    assert tag_text("We do not recognise these complaints.", "en", "supplier").defensive is not None


def test_bad_inputs_are_clear_errors_and_write_nothing(tmp_path):
    out = tmp_path / "m"
    with pytest.raises(SystemExit, match="cannot load the base model"):
        main(["--base", str(tmp_path / "absent"), "--out", str(out), "--annomi", "", "--sets",
              str(_toy(tmp_path / "toy.csv"))])
    bad = tmp_path / "bad.csv"
    bad.write_text("id,words\n1,hello\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="missing column"):
        main(["--base", "x", "--out", str(out), "--annomi", "", "--sets", str(bad)])
    with pytest.raises(SystemExit, match="no training rows"):
        main(["--base", "x", "--out", str(out), "--annomi", ""])
    assert not out.exists()
