"""The transformers backend on a tiny, randomly initialised NLI model the test builds itself."""

from __future__ import annotations

import pytest

from pipeline.errors import ModelNotAvailableError
from pipeline.options import TagOptions
from pipeline.tagging import tag_transcript, tagger_sources
from pipeline.types import DEFENSIVE_CATEGORIES, Meeting, Transcript, Utterance

transformers = pytest.importorskip("transformers")
pytest.importorskip("torch")


def _save_tiny(path, labels):
    from models.testing_tiny import tiny_nli

    return tiny_nli(path, tuple(labels))


@pytest.fixture(scope="module")
def tiny_nli(tmp_path_factory):
    return _save_tiny(tmp_path_factory.mktemp("tiny-nli"), ["entailment", "neutral", "contradiction"])


def _transcript():
    rows = [("buyer", "Could you tell me more about the committee?"),
            ("supplier", "We do not recognise these complaints."),
            ("buyer", "So the committee is your main channel."),
            ("supplier", "Wij herkennen deze klachten niet.")]
    return Transcript(Meeting(id="m", language="auto"), tuple(
        Utterance(f"u{i:04d}", role, float(i), float(i) + 1, text, role=role) for i, (role, text) in enumerate(rows, 1)))


def test_transformers_backend_tags_with_the_model(tiny_nli):
    opts = TagOptions(backend="transformers", transformers_model=tiny_nli)
    out = tag_transcript(_transcript(), opts)
    src = "transformers-nli:" 
    q = out.utterances[0].tags.question
    assert q is not None and q.label in ("open", "closed") and q.source.startswith(src)
    assert 0.5 <= q.confidence <= 1.0
    for u in out.utterances:
        if u.tags.defensive is not None:
            assert u.role == "supplier" and u.tags.defensive.label in DEFENSIVE_CATEGORIES
            assert u.tags.defensive.source.startswith(src) and u.tags.defensive.trigger is not None
        if u.tags.reflection is not None:
            assert u.role == "buyer" and u.tags.reflection.label in ("simple", "complex")
    assert any(s.startswith(src) for s in tagger_sources(opts))


def test_a_model_with_other_labels_is_refused_with_what_would_work(tmp_path):
    path = _save_tiny(tmp_path, ["positive", "negative"])
    with pytest.raises(ModelNotAvailableError, match="entailment.*'open' and 'closed'.*finetune_questions"):
        tag_transcript(_transcript(), TagOptions(backend="transformers", transformers_model=path))


def test_an_open_closed_classifier_decides_the_questions_and_the_default_path_the_rest(tmp_path):
    path = _save_tiny(tmp_path, ["closed", "open"])
    opts = TagOptions(backend="transformers", transformers_model=path)
    out = tag_transcript(_transcript(), opts)
    default = tag_transcript(_transcript())
    q = out.utterances[0].tags.question
    assert q is not None and q.label in ("open", "closed") and q.source.startswith("transformers-questions:")
    assert q.span == default.utterances[0].tags.question.span and 0.5 <= q.confidence <= 1.0
    # every other tag is the default path's
    for a, b in zip(out.utterances, default.utterances):
        assert a.tags.defensive == b.tags.defensive and a.tags.reflection == b.tags.reflection
        assert a.tags.cues == b.tags.cues
        assert (a.tags.question is None) == (b.tags.question is None)
    assert out.utterances[1].tags.defensive is not None  # the supplier's denial, by the default path
    # the label follows the model: flip its head's bias and every question flips to the other label
    import torch
    import transformers as tr

    from models.transformers_tagger import load_question_classifier

    m = tr.AutoModelForSequenceClassification.from_pretrained(path)
    with torch.no_grad():
        m.classifier.weight.zero_()
        m.classifier.bias.copy_(torch.tensor([5.0, -5.0]))  # closed
    m.save_pretrained(path)
    load_question_classifier.cache_clear()
    closed = tag_transcript(_transcript(), opts).utterances[0].tags.question
    with torch.no_grad():
        m.classifier.bias.copy_(torch.tensor([-5.0, 5.0]))  # open
    m.save_pretrained(path)
    load_question_classifier.cache_clear()
    opened = tag_transcript(_transcript(), opts).utterances[0].tags.question
    assert (closed.label, opened.label) == ("closed", "open") and closed.confidence > 0.99


def test_missing_model_is_model_not_available(tmp_path):
    with pytest.raises(ModelNotAvailableError):
        tag_transcript(_transcript(), TagOptions(backend="transformers", transformers_model=str(tmp_path / "absent")))
    with pytest.raises(ModelNotAvailableError):
        tag_transcript(_transcript(), TagOptions(backend="transformers"))


def test_tagger_model_runs_on_the_device_the_options_name(tiny_nli):
    import torch

    from models.transformers_tagger import NLIScorer, load_nli

    assert TagOptions().device == "cpu"
    cpu = NLIScorer(tiny_nli, device="cpu")
    assert cpu.device == "cpu" and {p.device.type for p in cpu.model.parameters()} == {"cpu"}
    auto = NLIScorer(tiny_nli, device="auto")
    assert auto.device == ("cuda" if torch.cuda.is_available() else "cpu")
    premises = ["could you tell me more about the committee?", "we do not recognise these complaints"]
    assert auto.entailment(premises, "thank you") == pytest.approx(cpu.entailment(premises, "thank you"), abs=1e-4)
    assert load_nli(tiny_nli, "cpu") is load_nli(tiny_nli, "cpu")
    tagged = tag_transcript(_transcript(), TagOptions(backend="transformers", transformers_model=tiny_nli, device="cpu"))
    assert tagged.utterances[0].tags.question is not None
